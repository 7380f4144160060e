"""`voicebot chat DIALOG`: talk to a dialog in the terminal (no audio models are loaded)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path
from typing import Any

import httpx

from voicebot.cli.options import (
    add_demo_backend_option,
    add_variable_option,
    demo_backend_client,
    parse_variables,
)


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "chat",
        help="talk to a dialog in the terminal",
        description="Type what the caller says. '#12#' presses keys, '(silence)' is a no-input "
        "timeout, '(pause)' an inter-digit timeout, '(hangup)' ends the call.",
    )
    parser.add_argument("dialog", type=Path, help="dialog YAML file")
    parser.add_argument("--script", type=Path, help="file of caller lines to run without prompting")
    parser.add_argument(
        "--trace", action="store_true", help="show state, intent, confidence, slots"
    )
    add_variable_option(
        parser, "call variable (caller, called, a campaign contact field, backend_url...)"
    )
    add_demo_backend_option(parser)
    parser.set_defaults(run=run)


def _variables(pairs: list[str]) -> dict[str, str]:
    defaults = {"caller": "+15550100", "called": "+15550199", "call_id": "chat"}
    try:
        return parse_variables(pairs, defaults)
    except ValueError as exc:
        raise SystemExit(str(exc)) from None


async def chat(args: argparse.Namespace) -> int:
    from voicebot.dialog import DialogError, load_dialog
    from voicebot.dialog.chat import ChatTranscript, script_lines

    http = demo_backend_client() if args.demo_backend else httpx.AsyncClient()
    try:
        try:
            dialog = load_dialog(args.dialog, http=http)
        except DialogError as exc:
            print("\n".join(exc.messages), file=sys.stderr)
            return 1
        interactive = args.script is None
        chat_run = ChatTranscript(
            dialog.new_session(), print, trace=args.trace, echo=not interactive
        )
        await chat_run.start(_variables(args.var))
        if args.script:
            for line in script_lines(args.script.read_text(encoding="utf-8")):
                if chat_run.finished:
                    break
                await chat_run.line(line)
            return 0
        while not chat_run.finished:
            try:
                line = await asyncio.to_thread(input, "you> ")
            except EOFError:
                print()
                break
            if line.strip():
                await chat_run.line(line.strip())
        return 0
    finally:
        await http.aclose()


def run(args: argparse.Namespace) -> int:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per webhook drowns the chat
    return asyncio.run(chat(args))
