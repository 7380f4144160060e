"""`voicebot chat DIALOG`: talk to a dialog in the terminal (no audio models are loaded)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path
from typing import Any

import httpx


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
    parser.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="call variable (caller, called, a campaign contact field, backend_url...)",
    )
    parser.add_argument(
        "--demo-backend",
        action="store_true",
        help="answer webhooks with the in-process demo bank backend instead of the network",
    )
    parser.set_defaults(run=run)


def _variables(pairs: list[str]) -> dict[str, str]:
    variables = {"caller": "+15550100", "called": "+15550199", "call_id": "chat"}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise SystemExit(f"--var expects NAME=VALUE, got {pair!r}")
        variables[name.strip()] = value
    return variables


def demo_backend_client() -> httpx.AsyncClient:
    from fastapi import FastAPI

    from voicebot.dialog.demo_bank import create_demo_bank_router

    app = FastAPI()
    app.include_router(create_demo_bank_router())
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app))


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
