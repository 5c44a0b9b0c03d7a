"""requirements.txt (what Streamlit Community Cloud installs) lists exactly pyproject.toml's dependencies."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def normalized(lines: list[str]) -> dict[str, str]:
    """Requirement strings keyed by canonical name, so spelling, spacing and order do not matter."""
    found: dict[str, str] = {}
    for line in lines:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name not in found, f"{requirement.name} is listed twice"
        extras = f"[{','.join(sorted(requirement.extras))}]" if requirement.extras else ""
        marker = f"; {requirement.marker}" if requirement.marker else ""
        found[name] = f"{name}{extras}{requirement.specifier}{marker}"
    return found


def requirements_txt() -> list[str]:
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    return [line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip()]


def pyproject_dependencies() -> list[str]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]


def test_requirements_txt_matches_pyproject() -> None:
    pyproject = normalized(pyproject_dependencies())
    assert pyproject, "pyproject.toml lists no dependencies"
    assert normalized(requirements_txt()) == pyproject, (
        "requirements.txt and pyproject.toml [project].dependencies differ; copy the list across"
    )


def test_streamlit_is_a_runtime_requirement() -> None:
    assert "streamlit" in normalized(requirements_txt())
