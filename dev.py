#!/usr/bin/env python3
"""One command for each common job; each installs what it needs into .venv on first use.

python3 dev.py app      run the dashboard on the bundled data
python3 dev.py test     run the test suite (pytest)
python3 dev.py lint     ruff check, ruff format check and mypy --strict (configured in pyproject.toml)
python3 dev.py validate check the data (python -m stancemap validate)
python3 dev.py schema   regenerate schema/*.schema.json
python3 dev.py bench    print the performance table
python3 dev.py coldstart  cold start of validate beside the parser floor (benchmarks/coldstart.py)
python3 dev.py publish  write the static site into _site/ (python -m stancemap publish --help)
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
STAMP = VENV / ".stancemap-installed"

COMMANDS: dict[str, list[str]] = {
    "app": ["-m", "streamlit", "run", "app.py"],
    "test": ["-m", "pytest"],
    "lint": ["-m", "ruff", "check", "."],
    "validate": ["-m", "stancemap", "validate"],
    "schema": ["-m", "stancemap", "schema"],
    "bench": ["-m", "benchmarks.run"],
    "coldstart": ["-m", "benchmarks.coldstart"],
    "publish": ["-m", "stancemap", "publish"],
}


def requirements() -> list[str]:
    project = tomllib.loads((HERE / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["dev"]]


def ensure_venv() -> None:
    """Create .venv and install the dependencies when pyproject.toml changed since the last install."""
    wanted = hashlib.sha256("\n".join(requirements()).encode()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not PYTHON.exists():
        print("dev.py: creating .venv", flush=True)
        venv.create(VENV, with_pip=True)
    print("dev.py: installing dependencies into .venv (first run only)", flush=True)
    subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", *requirements()], check=True)
    STAMP.write_text(wanted)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__)
        return 2
    ensure_venv()
    command = [str(PYTHON), *COMMANDS[argv[0]], *argv[1:]]
    if argv[0] == "lint":
        # All three run, so one report shows every kind of problem.
        codes = [
            subprocess.call(command, cwd=HERE),
            subprocess.call([str(PYTHON), "-m", "ruff", "format", "--check", "."], cwd=HERE),
            subprocess.call([str(PYTHON), "-m", "mypy"], cwd=HERE),
        ]
        return next((code for code in codes if code), 0)
    return subprocess.call(command, cwd=HERE)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
