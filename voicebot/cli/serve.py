"""`voicebot serve`: answer SIP and WebRTC calls with the configured dialogs; serve the web page and API."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from voicebot.cli.options import host_port

BAD_CONFIG = 2


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="answer SIP and WebRTC calls and serve the web page",
        description="Run the voicebot server. Settings come from voicebot.yaml and VOICEBOT_* variables; "
        "these options override them.",
    )
    parser.add_argument(
        "--dialog", help="default dialog: a name in the dialogs folder or a YAML path"
    )
    parser.add_argument("--dialogs-dir", help="folder of dialogs to offer (default: dialogs)")
    parser.add_argument(
        "--http",
        type=host_port,
        metavar="HOST:PORT",
        help="web page and API (default 127.0.0.1:8000)",
    )
    parser.add_argument(
        "--sip",
        type=host_port,
        metavar="HOST:PORT",
        help="SIP over UDP and TCP (default 127.0.0.1:5060)",
    )
    parser.add_argument("--no-sip", action="store_true", help="do not answer SIP")
    parser.add_argument(
        "--database",
        metavar="URL",
        help="SQLAlchemy URL for call records (default sqlite:///voicebot.db)",
    )
    parser.set_defaults(run=run)


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    if args.dialog:
        overrides["dialog"] = args.dialog
    if args.dialogs_dir:
        overrides["dialogs_dir"] = args.dialogs_dir
    if args.http:
        overrides["http_host"], overrides["http_port"] = args.http
    if args.database:
        overrides["database_url"] = args.database
    return overrides


def run(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from voicebot.api.server import ServeOptions, serve
    from voicebot.dialog import DialogError
    from voicebot.models import ModelError
    from voicebot.settings import load_settings
    from voicebot.store import StoreError

    try:
        settings = load_settings(**_overrides(args))
        if args.sip:
            settings.sip.host, settings.sip.port = args.sip
    except (ValidationError, ValueError) as exc:
        print(f"voicebot serve: bad settings: {exc}", file=sys.stderr)
        return BAD_CONFIG
    try:
        asyncio.run(serve(settings, ServeOptions(sip=not args.no_sip)))
    except DialogError as exc:
        print("voicebot serve: refusing to start, a dialog is broken:", file=sys.stderr)
        for message in exc.messages:
            print(f"  {message}", file=sys.stderr)
        return BAD_CONFIG
    except (ModelError, StoreError) as exc:
        print(f"voicebot serve: {exc}", file=sys.stderr)
        return BAD_CONFIG
    except KeyboardInterrupt:
        pass
    return 0
