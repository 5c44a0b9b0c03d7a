"""Print Stancemap's performance table: `python -m benchmarks.run` (or `python3 dev.py bench`).

For each scale it generates a synthetic data root (benchmarks/generate.py) and measures: cold
load+validate+verify in a fresh process (median of --repeat), that process's peak RSS, the warm rerun of
app.py next to a baseline script under AppTest, time to the first matrix in headless Chromium, and rerun
latency for --sessions concurrent sessions over Streamlit's websocket protocol, on a warm server and on a
fresh one that has loaded nothing yet. Every server is on 127.0.0.1; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.generate import SCALES, generate

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TARGETS = (
    "Targets at 10,000 stances / 1,000 sources: cold load ≤ 0.5 s, app warm rerun ≤ 1.3× baseline, "
    "peak RSS ≤ 400 MB; 50 sessions over the websocket: p95 ≤ 2 s with 0 errors"
)


@dataclass
class Row:
    """Everything measured at one scale (None where skipped or failed)."""

    scale: str
    stances: int
    sources: int
    yaml_mb: float
    cold_s: float | None = None
    import_s: float | None = None
    reload_s: float | None = None
    rss_mb: float | None = None
    app_warm_s: float | None = None
    base_warm_s: float | None = None
    first_matrix_s: float | None = None
    first_matrix_warm_s: float | None = None
    p50_s: float | None = None
    p95_s: float | None = None
    ws_errors: int | None = None
    cold_p95_s: float | None = None
    cold_ws_errors: int | None = None
    pages: dict[str, float] = field(default_factory=dict)  # view -> warm rerun s
    notes: list[str] = field(default_factory=list)


def machine() -> str:
    """CPU, cores, memory and versions, for the table's header."""
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "?"
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    versions = []
    for name in ("streamlit", "pydantic", "ryml"):
        try:
            module = __import__(name)
            versions.append(f"{'rapidyaml' if name == 'ryml' else name} {module.__version__}")
        except (ImportError, AttributeError):
            versions.append(f"{name} missing")
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory} RAM; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; " + ", ".join(versions)
    )


def run_probe(*args: str, timeout: float) -> dict[str, object]:
    """Run `python -m benchmarks.probes ARGS` in a fresh process; its last stdout line is JSON.

    Each probe gets an empty cache of checked files (stancemap/check/record_cache.py): a cold load here
    checks every file (and writes the cache); benchmarks/coldstart.py measures the warm cache.
    """
    with tempfile.TemporaryDirectory(prefix="stancemap-probe-cache-") as cache:
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.probes", *args],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "PYTHONPATH": str(REPO), "STANCEMAP_CACHE_DIR": cache},
        )
    if done.returncode != 0:
        raise RuntimeError(f"probe {args[0]} failed: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_cold(row: Row, root: Path, repeat: int) -> None:
    runs = [run_probe("load", str(root), timeout=600) for _ in range(repeat)]
    if any(run["problems"] for run in runs):
        row.notes.append(f"{runs[0]['problems']} problems in generated data")
    row.cold_s = statistics.median(float(run["cold_s"]) for run in runs)  # type: ignore[arg-type]
    row.import_s = statistics.median(float(run["import_s"]) for run in runs)  # type: ignore[arg-type]
    row.reload_s = statistics.median(float(run["reload_s"]) for run in runs)  # type: ignore[arg-type]
    row.rss_mb = max(float(run["peak_rss_mb"]) for run in runs)  # type: ignore[arg-type]


def measure_apptest(row: Row, root: Path, reruns: int) -> None:
    result = run_probe("apptest", str(root), str(reruns), timeout=1800)
    for name in result:
        part = result[name]
        assert isinstance(part, dict)
        if "error" in part:
            row.notes.append(f"{name}: {part['error']}")
            continue
        if part["errors"]:
            row.notes.append(f"{name} raised: {part['errors'][0]}")
        if name == "app":
            row.app_warm_s = float(part["warm_s"])
            row.pages["matrix"] = row.app_warm_s
        elif name.startswith("page:"):
            row.pages[name.removeprefix("page:")] = float(part["warm_s"])
        else:
            row.base_warm_s = float(part["warm_s"])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def healthy(port: int) -> bool:
    """Whether the server on `port` answers its health check."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
            return bool(answer.read().strip() == b"ok")
    except OSError:
        return False


@contextlib.contextmanager
def streamlit_server(
    root: Path, script: Path, repo: Path = REPO, cache_folder: Path | None = None
) -> Iterator[int]:
    """`streamlit run` on a free loopback port with the data root set; yields the port once healthy.

    Each server has an empty cache, as on a first deploy: it checks every file itself; unless it is given a
    `cache_folder` (as a restarted server has its own from before). `repo` is the checkout it runs from (its
    package and .streamlit/config.toml).
    """
    port = free_port()
    cache = tempfile.TemporaryDirectory(prefix="stancemap-server-cache-")
    env = {
        **os.environ,
        "STANCEMAP_DATA_ROOT": str(root),
        "PYTHONPATH": str(repo),
        "STANCEMAP_CACHE_DIR": str(cache_folder) if cache_folder is not None else cache.name,
    }
    command = [
        sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
        "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below, after the server stops
    server = subprocess.Popen(command, cwd=repo, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while not healthy(port):
            if server.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"streamlit did not start: {log.read()[-800:].decode(errors='replace')}")
            time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)
        cache.cleanup()
        log.close()


def time_to_matrix(port: int, visits: int = 2) -> list[float]:
    """Seconds from page.goto to the matrix drawn and the script idle, for fresh visits in a row."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(visits):
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                page = context.new_page()
                started = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/", timeout=180_000)
                page.wait_for_selector('[data-testid="stDataFrame"]', state="visible", timeout=180_000)
                page.wait_for_selector("[data-test-script-state='notRunning']", timeout=180_000)
                times.append(time.perf_counter() - started)
                context.close()
        finally:
            browser.close()
    return times


def session_reruns(
    port: int, reruns: int, start: threading.Barrier, budget: float
) -> tuple[list[float], int]:
    """One session over the websocket: the page load, then `reruns` reruns; latencies and error count."""
    import websocket
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    latencies: list[float] = []
    errors = 0
    try:
        start.wait(timeout=60)
        ws = websocket.create_connection(
            f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"], timeout=budget
        )
    except Exception:
        return latencies, reruns + 1
    try:
        stop = time.perf_counter() + budget
        for _ in range(reruns + 1):
            message = BackMsg()
            message.rerun_script.query_string = ""
            message.rerun_script.page_script_hash = ""
            started = time.perf_counter()
            ws.send_binary(message.SerializeToString())
            while True:
                if time.perf_counter() > stop:
                    raise TimeoutError("no script_finished within the budget")
                ws.settimeout(max(0.1, stop - time.perf_counter()))
                forward = ForwardMsg()
                forward.ParseFromString(ws.recv())
                kind = forward.WhichOneof("type")
                if kind == "delta" and forward.delta.new_element.WhichOneof("type") == "exception":
                    errors += 1
                if kind == "script_finished":
                    if forward.script_finished not in (
                        ForwardMsg.FINISHED_SUCCESSFULLY,
                        ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
                    ):
                        errors += 1
                    break
            latencies.append(time.perf_counter() - started)
    except Exception:
        errors += reruns + 1 - len(latencies)
    finally:
        with contextlib.suppress(Exception):
            ws.close()
    return latencies, errors


def load_test(port: int, sessions: int, reruns: int, budget: float = 300) -> tuple[list[float], int]:
    """`sessions` concurrent sessions, each loading the page and rerunning; all latencies and errors.

    The whole test stops after `budget` seconds: whatever has not finished by then counts as an error.
    """
    start = threading.Barrier(sessions)
    results: list[tuple[list[float], int]] = [([], 0)] * sessions

    def one(index: int) -> None:
        results[index] = session_reruns(port, reruns, start, budget)

    threads = [threading.Thread(target=one, args=(index,), daemon=True) for index in range(sessions)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + budget + 30
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    latencies = [value for found, _ in results for value in found]
    errors = sum(count for _, count in results) + sum(thread.is_alive() for thread in threads) * (reruns + 1)
    return latencies, errors


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure_server(row: Row, root: Path, browser: bool, sessions: int, reruns: int) -> None:
    app = REPO / "app.py"
    if not app.is_file():
        row.notes.append("app.py not found: browser and load test skipped")
        return
    with streamlit_server(root, app) as port:
        if browser:
            if Path(CHROMIUM).exists():
                first, second = time_to_matrix(port)
                row.first_matrix_s, row.first_matrix_warm_s = first, second
            else:
                row.notes.append(f"{CHROMIUM} missing: browser skipped")
        if sessions:
            load_test(port, 1, 0)  # the data is loaded and the matrix built before the sessions arrive
            latencies, errors = load_test(port, sessions, reruns)
            row.ws_errors = errors
            if latencies:
                row.p50_s, row.p95_s = percentile(latencies, 0.5), percentile(latencies, 0.95)
    if sessions:
        # Again on a fresh server: the sessions arrive before anything is loaded, as after a restart or a
        # visitor clearing the cache (where the parse and source caches would still be warm).
        started = time.monotonic()
        with streamlit_server(root, app) as port:
            # app.py loads the data before the server answers: the wait moves from the visitors to here.
            row.notes.append(f"fresh server answered its health check in {time.monotonic() - started:.1f} s")
            latencies, errors = load_test(port, sessions, reruns)
            row.cold_ws_errors = errors
            if latencies:
                row.cold_p95_s = percentile(latencies, 0.95)


def fmt(value: float | None, unit: str = "", digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}{unit}"


def print_table(rows: list[Row]) -> None:
    header = [
        "scale", "stances", "sources", "YAML MB", "cold load s", "import s", "reload s", "peak RSS MB",
        "app warm s", "baseline s", "ratio", "1st matrix s", "again s", "ws p50 s", "ws p95 s", "ws errors",
        "cold ws p95 s", "cold ws errors",
    ]  # fmt: skip
    table = [header]
    for row in rows:
        ratio = row.app_warm_s / row.base_warm_s if row.app_warm_s and row.base_warm_s else None
        table.append(
            [
                row.scale,
                str(row.stances),
                str(row.sources),
                fmt(row.yaml_mb, digits=1),
                fmt(row.cold_s),
                fmt(row.import_s),
                fmt(row.reload_s),
                fmt(row.rss_mb, digits=0),
                fmt(row.app_warm_s),
                fmt(row.base_warm_s),
                fmt(ratio, "×", 2),
                fmt(row.first_matrix_s, digits=2),
                fmt(row.first_matrix_warm_s, digits=2),
                fmt(row.p50_s, digits=2),
                fmt(row.p95_s, digits=2),
                "—" if row.ws_errors is None else str(row.ws_errors),
                fmt(row.cold_p95_s, digits=2),
                "—" if row.cold_ws_errors is None else str(row.cold_ws_errors),
            ]
        )
    widths = [max(len(line[column]) for line in table) for column in range(len(header))]
    print("| " + " | ".join(cell.ljust(width) for cell, width in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (width + 2) for width in widths) + "|")
    for line in table[1:]:
        print("| " + " | ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True)) + " |")
    for row in rows:
        for note in row.notes:
            print(f"  {row.scale}: {note}")


def print_pages(rows: list[Row]) -> None:
    """Each page's warm rerun (AppTest, opened from its link) per scale."""
    pages = list(dict.fromkeys(page for row in rows for page in row.pages))
    if not pages:
        return
    print()
    print("Warm rerun of each page, s (AppTest, median):")
    print("| scale | " + " | ".join(pages) + " |")
    print("|---" * (len(pages) + 1) + "|")
    for row in rows:
        print(f"| {row.scale} | " + " | ".join(fmt(row.pages.get(page)) for page in pages) + " |")


def print_growth(rows: list[Row]) -> None:
    """Each figure's growth next to the growth in stances, so super-linear growth stands out."""
    for before, after in itertools.pairwise(rows):
        size = after.stances / before.stances
        parts = []
        for name in ("cold_s", "rss_mb", "app_warm_s", "first_matrix_s", "p95_s"):
            old, new = getattr(before, name), getattr(after, name)
            if old and new:
                parts.append(f"{name} ×{new / old:.1f}")
        print(f"  {before.scale} → {after.scale}: stances ×{size:.1f}; " + ", ".join(parts))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument(
        "--scales", default="1x,10x,100x,target,1000x", help="comma-separated: " + ",".join(SCALES)
    )
    parser.add_argument("--repeat", type=int, default=3, help="cold-load runs per scale (median)")
    parser.add_argument("--reruns", type=int, default=5, help="warm AppTest reruns per script (median)")
    parser.add_argument("--sessions", type=int, default=50, help="concurrent websocket sessions (0 skips)")
    parser.add_argument(
        "--session-reruns", type=int, default=3, help="reruns per session after its page load"
    )
    parser.add_argument("--no-browser", action="store_true", help="skip headless Chromium")
    parser.add_argument("--no-apptest", action="store_true", help="skip the AppTest warm-rerun comparison")
    parser.add_argument("--no-server", action="store_true", help="skip everything that starts streamlit")
    parser.add_argument("--keep", type=Path, help="generate data roots under this folder and keep them")
    args = parser.parse_args(argv)
    scales = [SCALES[name] for name in args.scales.split(",") if name]
    print(f"Machine: {machine()}")
    print(TARGETS)
    rows = []
    with tempfile.TemporaryDirectory(prefix="stancemap-bench-") as scratch:
        base = args.keep or Path(scratch)
        for scale in scales:
            root = base / scale.name
            if not (root / "positions").is_dir():
                generate(root, scale)
            yaml_bytes = sum(p.stat().st_size for p in root.rglob("*.yaml"))
            row = Row(scale.name, scale.stances, scale.sources, yaml_bytes / 1e6)
            print(f"… {scale.name}: cold load", file=sys.stderr, flush=True)
            measure_cold(row, root, args.repeat)
            if not args.no_apptest:
                print(f"… {scale.name}: AppTest", file=sys.stderr, flush=True)
                try:
                    measure_apptest(row, root, args.reruns)
                except (RuntimeError, subprocess.TimeoutExpired) as err:
                    row.notes.append(f"AppTest failed: {str(err)[:300]}")
            if not args.no_server:
                print(f"… {scale.name}: browser and load test", file=sys.stderr, flush=True)
                try:
                    measure_server(row, root, not args.no_browser, args.sessions, args.session_reruns)
                except Exception as err:
                    row.notes.append(f"server measurements failed: {type(err).__name__}: {str(err)[:300]}")
            rows.append(row)
    print_table(rows)
    print_growth(rows)
    print_pages(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
