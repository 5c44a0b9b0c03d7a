"""The package's layers point one way: model ← yamlio ← check ← derive ← {curate, cli, ui, and any sibling
added later, such as publish/}. Read from every module's imports with `ast`, lazy imports included."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from stancemap.check.load import ROOT

PACKAGE = ROOT / "stancemap"
# Each layer may import the layers before it; a front (a folder or module beside these) may import them all.
LAYERS = ("model", "yamlio", "check", "derive")
# The command line is the front door to every tool, so it may use the other fronts (never the Streamlit UI).
COMMAND_LINE = ("cli", "__main__")
# The Sources page shows the curation assistant's suggestions, so the UI may use the curators' tools too.
UI_USES = {"ui": ("curate",)}


def part_of(module: str) -> str:
    """The layer or front a dotted module name under stancemap belongs to: 'check', 'cli', 'paths', ...;
    '' for the package itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def module_name(path: Path) -> str:
    relative = path.relative_to(ROOT).with_suffix("")
    parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
    return ".".join(parts)


def imported(path: Path, tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, dotted module) for every import in the file, relative ones resolved."""
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else module_name(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if base == "stancemap":  # `from stancemap import check` names the sub-package itself
                for alias in node.names:
                    yield node.lineno, f"stancemap.{alias.name}"
            else:
                yield node.lineno, base


def allowed(importer: str, target: str) -> bool:
    """Whether code in `importer` (a layer, a front, 'paths' or '' for the package) may import `target`."""
    if target == importer:
        return True
    if importer in ("paths", ""):
        return False  # paths.py and the package's __init__ import nothing of stancemap
    if target == "paths":
        return importer != "model"
    if importer in LAYERS:
        return target in LAYERS[: LAYERS.index(importer)]
    if target in LAYERS:
        return True
    return (importer in COMMAND_LINE and target != "ui") or target in UI_USES.get(importer, ())


def violations(path: Path, source: str) -> list[str]:
    """Each import in `source` (the text of the module at `path`) that points the wrong way."""
    importer = part_of(module_name(path))
    found = []
    for line, module in imported(path, ast.parse(source, str(path))):
        at = f"{path.relative_to(ROOT)}:{line}"
        if module.split(".")[0] == "streamlit" and importer != "ui":
            found.append(f"{at}: imports streamlit; only stancemap/ui may")
        if module.split(".")[0] == "stancemap" and not allowed(importer, part_of(module)):
            found.append(f"{at}: {importer or 'stancemap'} imports {module}")
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_is_checked() -> None:
    found = {part_of(module_name(path)) for path in MODULES}
    assert {*LAYERS, "curate", "ui", "cli", "paths"} <= found
    assert len(MODULES) > 40


def test_imports_point_only_left() -> None:
    problems = [v for path in MODULES for v in violations(path, path.read_text(encoding="utf-8"))]
    assert problems == [], "\n".join(problems)


def test_the_checker_catches_each_kind_of_wrong_import() -> None:
    """Imports that would break the layering, placed in real modules' paths: each is reported."""
    cases = {
        "stancemap/model/schema.py": "from stancemap.paths import ROOT",
        "stancemap/yamlio/parse.py": "from stancemap.check.load import load_dataset",
        "stancemap/check/load.py": "import stancemap.derive.matrix",
        "stancemap/derive/matrix.py": "def f():\n    from stancemap.curate import suggest\n",
        "stancemap/curate/suggest.py": "from stancemap.ui import render",
        "stancemap/ui/views.py": "from stancemap import cli",
        "stancemap/cli.py": "from stancemap.ui.data import ROOT_VARIABLE",
        "stancemap/derive/frames.py": "import streamlit as st",
        "stancemap/paths.py": "from stancemap.model.schema import LEVELS",
    }
    for file, source in cases.items():
        assert len(violations(ROOT / file, source)) == 1, (file, source)
    fine = {
        "stancemap/yamlio/reader.py": "from stancemap.paths import MAX_FILE_BYTES",
        "stancemap/derive/export.py": "from stancemap.model.dataset import Dataset",
        "stancemap/cli.py": "from stancemap.curate.readme import update",
        "stancemap/publish/site.py": "from stancemap.derive.frames import build_matrix",
        "stancemap/ui/views.py": "import streamlit as st\nfrom . import render",
    }
    for file, source in fine.items():
        assert violations(ROOT / file, source) == [], (file, source)
