"""Editor support: the JSON Schemas match the models, data files point at them, the template is valid."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from stancemap.check.load import ROOT
from stancemap.check.quotes import find_quote
from stancemap.cli import main
from stancemap.curate import jsonschema as schemas
from stancemap.model.dataset import Dataset
from stancemap.model.schema import Evidence, Stance, StanceFile
from stancemap.model.sourcetext import read_source_text
from stancemap.yamlio.parse import read_yaml

MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$", re.MULTILINE)
DATA_FILES = sorted(
    [
        ROOT / "seeds" / "sources.yaml",
        *(ROOT / "positions").glob("*.yaml"),
        *(ROOT / "positions" / "stances").glob("*.yaml"),
    ]
)
TEMPLATE = ROOT / "positions" / "_template.yaml"


def test_committed_schemas_are_up_to_date() -> None:
    stale = schemas.stale(ROOT)
    assert stale == [], f"{', '.join(stale)} differ from the models; regenerate with: {schemas.REGENERATE}"


def test_schema_output_is_deterministic() -> None:
    first, second = schemas.generate(), schemas.generate()
    assert first == second
    for text in first.values():
        assert text.endswith("}\n") and json.loads(text)["$schema"] == schemas.DRAFT
        assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_data_files_are_checked() -> None:
    assert len(DATA_FILES) > 10


@pytest.mark.parametrize("path", DATA_FILES, ids=[str(p.relative_to(ROOT)) for p in DATA_FILES])
def test_each_data_file_names_a_schema_that_accepts_it(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    match = MODELINE.search(text)
    assert match, f"{path.name}: first line should be '# yaml-language-server: $schema=…'"
    target = (path.parent / match.group(1)).resolve()
    assert target.parent == (ROOT / schemas.SCHEMA_DIR).resolve() and target.name in schemas.SCHEMAS
    # The strict reader keeps dates as text, as the editor's YAML server does.
    doc, problems = read_yaml(path, root=ROOT)
    assert problems == [] and doc is not None
    jsonschema.validate(doc.value, json.loads(target.read_text(encoding="utf-8")))


def test_schema_rejects_what_the_models_reject() -> None:
    stance_schema = json.loads((ROOT / "schema" / "stance-file.schema.json").read_text(encoding="utf-8"))
    bad = {
        "issue": "crimea",
        "stances": [{"party": "russia", "level": "maybe", "summary": "x", "evidence": []}],
    }
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, stance_schema)


def test_cli_schema_check_names_stale_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--root", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines() == [f"wrote schema/{name}" for name in schemas.SCHEMAS]
    assert main(["schema", "--check", "--root", str(tmp_path)]) == 0
    (tmp_path / "schema" / "events.schema.json").write_text("{}\n", encoding="utf-8")
    (tmp_path / "schema" / "parties.schema.json").unlink()
    capsys.readouterr()
    assert main(["schema", "--check", "--root", str(tmp_path)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"schema/parties.schema.json: stale; run {schemas.REGENERATE}",
        f"schema/events.schema.json: stale; run {schemas.REGENERATE}",
    ]
    assert main(["schema", "--root", str(tmp_path)]) == 0
    assert main(["schema", "--check", "--root", str(tmp_path)]) == 0


# --- editor and hook configuration ----------------------------------------------------------------------


def test_vscode_maps_every_data_file_to_a_schema() -> None:
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    mapping = settings["yaml.schemas"]
    covered: dict[Path, str] = {}
    for schema_path, globs in mapping.items():
        assert (ROOT / schema_path).is_file(), schema_path
        for pattern in [globs] if isinstance(globs, str) else globs:
            for path in ROOT.glob(pattern):
                covered[path] = Path(schema_path).name
    for path in DATA_FILES:
        modeline = MODELINE.search(path.read_text(encoding="utf-8"))
        assert modeline is not None
        assert covered.get(path) == Path(modeline.group(1)).name, path


def test_pre_commit_runs_validate() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {
        hook["id"]: hook for repo in config["repos"] if repo["repo"] == "local" for hook in repo["hooks"]
    }
    validate = hooks["stancemap-validate"]
    assert validate["entry"] == "python -m stancemap validate"
    assert (validate["language"], validate["pass_filenames"], validate["files"]) == (
        "system",
        False,
        "^(seeds|positions)/",
    )


# --- the template ---------------------------------------------------------------------------------------


def test_template_is_a_valid_stance_file_with_real_quotes(dataset: Dataset) -> None:
    doc, problems = read_yaml(TEMPLATE, root=ROOT)
    assert problems == [] and doc is not None
    template = StanceFile.model_validate(doc.value)
    assert template.issue in dataset.issues
    for stance in template.stances:
        assert stance.party in dataset.parties
        for ev in stance.evidence:
            source = read_source_text(ROOT / "seeds" / dataset.sources[ev.source].file)
            assert find_quote(ev.quote, source) is not None, ev.quote


def test_template_shows_and_explains_every_field() -> None:
    lines = TEMPLATE.read_text(encoding="utf-8").splitlines()
    keys: dict[str, int] = {}
    for number, line in enumerate(lines):
        match = re.match(r"^\s*(?:- )?([a-z_]+):", line)
        if match:
            keys.setdefault(match.group(1), number)
    for field in ["issue", "stances", *Stance.model_fields, *Evidence.model_fields]:
        assert field in keys, f"the template does not show '{field}'"
        above = lines[keys[field] - 1].strip()
        assert above.startswith("#"), f"no comment above '{field}'"
