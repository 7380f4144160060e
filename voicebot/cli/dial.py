"""`voicebot dial SIP-URI --dialog D`: place one outbound call, run the dialog when answered, print the outcome.

Exit codes: 0 answered (the dialog ran to its end), 1 not answered (busy, no answer, rejected, ...),
2 bad input (dialog, settings, models, URI).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from voicebot.cli.options import (
    add_demo_backend_option,
    add_variable_option,
    demo_backend_client,
    host_port,
    parse_variables,
)

NOT_ANSWERED = 1
BAD_INPUT = 2


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "dial",
        help="place an outbound SIP call that runs a dialog",
        description="Call SIP-URI (directly, or through the trunk in settings.sip.trunk) and run the "
        "dialog when answered. Prints the conversation as it happens and the outcome as JSON.",
    )
    parser.add_argument("uri", help="whom to call, e.g. sip:5550100@127.0.0.1:5070")
    parser.add_argument("--dialog", required=True, help="dialog YAML file")
    add_variable_option(parser, "call variable, e.g. first_name=Ada")
    parser.add_argument(
        "--sip",
        type=host_port,
        metavar="HOST:PORT",
        help="our SIP address (default: settings host, a free port)",
    )
    parser.add_argument(
        "--ring-timeout",
        type=float,
        help="seconds to let it ring (default settings.sip.ring_timeout)",
    )
    add_demo_backend_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(_dial(args))
    except _BadInput as exc:
        print(f"voicebot dial: {exc}", file=sys.stderr)
        return BAD_INPUT


class _BadInput(Exception):
    pass


def _free_port(host: str) -> int:
    import socket

    with socket.socket(
        socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_DGRAM
    ) as udp:
        udp.bind((host, 0))
        return udp.getsockname()[1]


async def _dial(args: argparse.Namespace) -> int:
    import httpx

    from telephony.sip.client import SipClient, Trunk
    from telephony.sip.server import SipServer
    from telephony.sip.uri import parse_uri
    from voicebot.api.calls import CallRegistry, conversation_runner
    from voicebot.api.runtime import AppRuntime
    from voicebot.conversation.services import open_services
    from voicebot.dialog import DialogError, load_dialog
    from voicebot.models import ModelError
    from voicebot.settings import load_settings

    try:
        scheme = parse_uri(args.uri).scheme.lower()
    except ValueError as exc:
        raise _BadInput(f"{args.uri}: not a SIP URI ({exc})") from None
    if scheme not in ("sip", "sips"):
        raise _BadInput(f"{args.uri}: not a SIP URI (expected sip:USER@HOST[:PORT])")
    try:
        variables = parse_variables(args.var)
    except ValueError as exc:
        raise _BadInput(str(exc)) from None
    try:
        settings = load_settings()
    except ValueError as exc:
        raise _BadInput(f"bad settings: {exc}") from None
    if args.demo_backend:
        http = demo_backend_client()
    else:
        http = httpx.AsyncClient(timeout=10.0)
    try:
        dialog = load_dialog(args.dialog, http=http)
    except DialogError as exc:
        await http.aclose()
        raise _BadInput("; ".join(exc.messages)) from None
    except OSError as exc:
        await http.aclose()
        raise _BadInput(f"{args.dialog}: {exc.strerror or exc}") from None
    name = Path(args.dialog).stem
    host, port = args.sip or (settings.sip.host, _free_port(settings.sip.host))
    try:
        async with open_services(settings, prompts=dialog.static_prompts()) as services:
            runtime = AppRuntime(
                settings, dialogs={name: dialog}, default_dialog=name, services=services
            )
            runtime.calls = CallRegistry(conversation_runner(runtime))

            async def refuse_inbound(leg: Any) -> None:
                """`dial` places one call; anything calling in is hung up at once."""

            server = SipServer(host, port, on_call=refuse_inbound, max_calls=2)
            await server.start()
            try:
                trunk = Trunk(**settings.sip.trunk.model_dump()) if settings.sip.trunk else None
                result = await SipClient(server, trunk=trunk).dial(
                    args.uri,
                    from_user=settings.sip.from_user,
                    ring_timeout=args.ring_timeout or settings.sip.ring_timeout,
                    on_progress=lambda status: print(f"... {status}", flush=True),
                )
                if not result.answered or result.leg is None:
                    _print_outcome(
                        {
                            "to": args.uri,
                            "outcome": result.outcome,
                            "sip_status": result.status,
                            "reason": result.reason,
                        }
                    )
                    return NOT_ANSWERED
                call_id = runtime.calls.start_call(
                    result.leg, name, {**variables, "direction": "outbound", "called": args.uri}
                )
                printer = asyncio.create_task(_print_conversation(runtime.calls.subscribe(call_id)))
                record = await runtime.calls.wait_ended(call_id)
                await printer
                _print_outcome(
                    {
                        "to": args.uri,
                        "outcome": getattr(record, "outcome", "ended"),
                        "call_id": call_id,
                        "sip_status": result.status,
                    }
                )
                return 0
            finally:
                await runtime.calls.close()
                await server.stop()
    except ModelError as exc:
        raise _BadInput(str(exc)) from None
    finally:
        await dialog.aclose()
        await http.aclose()


async def _print_conversation(events: Any) -> None:
    async for event in events:
        kind = event.get("type")
        if kind == "transcript" and event.get("kind") == "final":
            print(f"callee: {event['text']}", flush=True)
        elif kind == "bot_speech":
            print(f"bot:    {event.get('text', '')}", flush=True)


def _print_outcome(outcome: dict[str, Any]) -> None:
    print(json.dumps(outcome), flush=True)
