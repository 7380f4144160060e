"""`make bench`: run every benchmarks/bench_*.py module's `run() -> list[Figure]` and print one table.

`python -m benchmarks asr tts` runs only the named modules.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import platform
import sys
import time
import traceback
from pathlib import Path

from benchmarks.figures import Figure


def _modules(selected: list[str]) -> list[str]:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    if selected:
        names = [n for n in names if n.removeprefix("bench_") in selected or n in selected]
    return names


def main(argv: list[str]) -> int:
    print(
        f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    rows: list[tuple[str, Figure]] = []
    failed = 0
    for name in _modules(argv):
        started = time.perf_counter()
        print(f"running {name} ...", flush=True)
        try:
            figures = importlib.import_module(f"benchmarks.{name}").run()
        except Exception:
            failed += 1
            traceback.print_exc()
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
