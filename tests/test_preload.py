"""A freshly started server has loaded and checked the data before it answers its first visitor."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from stancemap.check.load import ROOT
from stancemap.check.record_cache import CACHE_VARIABLE


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
            return bool(answer.read().strip() == b"ok")
    except OSError:
        return False


def test_the_server_loads_the_data_before_it_answers(data_copy: Path, tmp_path: Path) -> None:
    """The loader writes a cache entry for each clean file it checks: with a cache folder of its own, a
    server that answers its health check before any visitor came has written them all."""
    cache = tmp_path / "cache"
    port = _free_port()
    env = os.environ | {"STANCEMAP_DATA_ROOT": str(data_copy), CACHE_VARIABLE: str(cache)}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true"]
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 120
        while not _healthy(port):
            assert server.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, "no answer in 120 s:\n" + log.read_text(errors="replace")
            time.sleep(0.2)
        stance_files = list((data_copy / "positions" / "stances").glob("*.yaml"))
        entries = list((cache / "checked").glob("*.json"))
        assert stance_files and len(entries) >= len(stance_files), log.read_text(errors="replace")
        assert "Traceback" not in log.read_text(errors="replace")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
