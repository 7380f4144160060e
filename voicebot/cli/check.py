"""`voicebot check FILE...`: every problem with file:line:column and a hint; exit 1 on errors."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("check", help="validate dialog files")
    parser.add_argument("files", nargs="+", type=Path, help="dialog YAML files")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from voicebot.dialog import check_files

    problems = check_files(args.files)
    for problem in problems:
        print(problem, file=sys.stderr)
    errors = sum(1 for p in problems if p.is_error)
    if errors:
        print(f"{errors} error(s) in {len(args.files)} file(s)", file=sys.stderr)
        return 1
    print(f"{len(args.files)} file(s) OK")
    return 0
