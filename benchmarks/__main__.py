"""`make bench`: run every benchmarks/bench_*.py module's `run() -> list[Figure]` and print one table.

`python -m benchmarks asr tts` runs only the named modules. Each module runs in a process of its
own: models, threads and peers one module leaves behind would otherwise count in the next one's
latency and peak RSS (40 calls measured after the ASR benchmark read 1.1 GiB and a 6 s p95).
"""

from __future__ import annotations

import dataclasses
import json
import os
import pkgutil
import platform
import subprocess
import sys
import time
import traceback
from pathlib import Path

from benchmarks.figures import Figure

FIGURES_MARK = "@@figures "  # the line a module's process prints its figures on, as JSON


def _modules(selected: list[str]) -> list[str]:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    if selected:
        names = [n for n in names if n.removeprefix("bench_") in selected or n in selected]
    return names


def run_one(name: str) -> int:
    """In the child: run one module and print its figures on the marked line."""
    import importlib

    try:
        figures = importlib.import_module(f"benchmarks.{name}").run()
    except Exception:
        traceback.print_exc()
        return 1
    print(FIGURES_MARK + json.dumps([dataclasses.asdict(f) for f in figures]), flush=True)
    return 0


def _run_in_child(name: str) -> list[Figure] | None:
    child = subprocess.Popen(
        [sys.executable, "-m", "benchmarks", "--one", name], stdout=subprocess.PIPE, text=True
    )
    figures: list[Figure] | None = None
    assert child.stdout is not None
    for line in child.stdout:  # progress lines pass through as they come
        if line.startswith(FIGURES_MARK):
            figures = [Figure(**f) for f in json.loads(line.removeprefix(FIGURES_MARK))]
        else:
            print(line, end="", flush=True)
    return figures if child.wait() == 0 else None


def main(argv: list[str]) -> int:
    if argv[:1] == ["--one"]:
        return run_one(argv[1])
    print(
        f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    rows: list[tuple[str, Figure]] = []
    failed = 0
    for name in _modules(argv):
        started = time.perf_counter()
        print(f"running {name} ...", flush=True)
        figures = _run_in_child(name)
        if figures is None:
            failed += 1
            print(f"  {name} FAILED (its traceback is above)", flush=True)
            continue
        rows.extend((name.removeprefix("bench_"), f) for f in figures)
        print(f"  {name} took {time.perf_counter() - started:.1f} s", flush=True)
    width = max((len(f.name) for _, f in rows), default=10)
    print()
    print(f"{'area':<14} {'figure':<{width}}  {'value':>16}  {'target':<14} ok")
    print("-" * (width + 52))
    for area, f in rows:
        mark = "" if f.ok is None else ("yes" if f.ok else "NO")
        print(f"{area:<14} {f.name:<{width}}  {f.value:>16}  {f.target:<14} {mark}")
    print(f"\ncores: {os.cpu_count()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
