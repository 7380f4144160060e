"""`voicebot call DIALOG --wav CALLER.wav --out BOT.wav --log TURNS.jsonl [--fast]`.

Runs the real engine (VAD, endpointer, Whisper, the dialog, Piper, barge-in) over a caller WAV as if
it were a phone call, writes what the bot said as a WAV aligned with the caller's, and one JSON line
per turn with the transcript, intent, reply, barge-in report and latency timestamps (seconds into
the caller's WAV). Bad input (no such file, not a WAV, empty, a broken dialog) exits with code 2.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from voicebot.conversation.metrics import TurnRecord

from voicebot.cli.options import (
    add_demo_backend_option,
    add_variable_option,
    demo_backend_client,
    parse_variables,
)

log = logging.getLogger(__name__)

BAD_INPUT = 2


class _BadInput(Exception):
    """A one-line reason the command cannot run; exit code 2."""


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "call",
        help="run a whole call over a caller WAV file",
        description="Play CALLER.wav to the bot as a phone call; record the bot and log each turn.",
    )
    parser.add_argument(
        "dialog", help="dialog YAML file, or rule:demo for the built-in rule dialog"
    )
    parser.add_argument("--wav", required=True, type=Path, help="what the caller says (any rate)")
    parser.add_argument("--out", required=True, type=Path, help="WAV to write the bot's audio to")
    parser.add_argument("--log", required=True, type=Path, help="JSON lines file, one per turn")
    parser.add_argument(
        "--fast",
        action="store_true",
        help="run faster than real time; latencies still count the real compute time",
    )
    parser.add_argument(
        "--no-prewarm",
        action="store_true",
        help="start without synthesizing the dialog's fixed prompts first (their first use then "
        "includes synthesis time)",
    )
    parser.add_argument(
        "--key",
        action="append",
        default=[],
        metavar="SECONDS:DIGIT",
        help="press a DTMF key at a time in the caller's file, e.g. 5.2:1",
    )
    add_variable_option(parser)
    add_demo_backend_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(_call(args))
    except _BadInput as exc:
        print(f"voicebot call: {exc}", file=sys.stderr)
        return BAD_INPUT


def _keys(specs: list[str]) -> list[tuple[float, str]]:
    keys = []
    for spec in specs:
        seconds, sep, digit = spec.partition(":")
        try:
            at = float(seconds)
        except ValueError:
            at = -1.0
        if not sep or at < 0 or len(digit) != 1 or digit not in "0123456789*#ABCD":
            raise _BadInput(f"--key expects SECONDS:DIGIT like 5.2:1, got {spec!r}")
        keys.append((at, digit))
    return keys


def _variables(pairs: list[str]) -> dict[str, str]:
    defaults = {"caller": "wav-file", "called": "voicebot", "call_id": "wav-call"}
    try:
        return parse_variables(pairs, defaults)
    except ValueError as exc:
        raise _BadInput(str(exc)) from None


async def _call(args: argparse.Namespace) -> int:
    from voicebot.audio import AudioFileError, write_wav
    from voicebot.clock import Clock, MonotonicClock
    from voicebot.conversation.file_call import load_any_dialog, run_file_call, write_turns_jsonl
    from voicebot.conversation.file_leg import WavFileLeg, load_caller_audio
    from voicebot.conversation.services import open_services
    from voicebot.conversation.virtual_clock import VirtualClock
    from voicebot.dialog import DialogError
    from voicebot.models.errors import ModelError
    from voicebot.settings import load_settings

    keys = _keys(args.key)
    variables = _variables(args.var)
    for target in (args.out, args.log):
        if not target.parent.is_dir():
            raise _BadInput(f"{target}: folder {target.parent} does not exist")
    virtual = VirtualClock() if args.fast else None
    clock: Clock = virtual or MonotonicClock()
    try:
        caller_audio = load_caller_audio(args.wav)
    except AudioFileError as exc:
        raise _BadInput(str(exc)) from None
    if len(caller_audio) < 320:
        raise _BadInput(f"{args.wav}: too short to be a call ({len(caller_audio) / 16:.0f} ms)")

    http = None
    if args.demo_backend:
        http = demo_backend_client()
    try:
        options = {} if args.dialog.startswith("rule:") else {"http": http, "clock": clock}
        dialog = load_any_dialog(args.dialog, **options)
    except DialogError as exc:  # its messages name the file and line already
        raise _BadInput("; ".join(exc.messages)) from None
    except KeyError as exc:
        raise _BadInput(str(exc.args[0])) from None
    except OSError as exc:
        raise _BadInput(f"{args.dialog}: {exc.strerror or exc}") from None

    settings = load_settings()
    prompts = [] if args.no_prewarm else dialog.static_prompts()
    loading = time.perf_counter()
    try:
        async with open_services(
            settings,
            clock=clock,
            track_work=virtual.busy if virtual else None,
            prompts=prompts,
        ) as services:
            log.info(
                "models loaded and %d prompts synthesized in %.1f s",
                len(prompts),
                time.perf_counter() - loading,
            )
            leg = WavFileLeg(caller_audio, clock, keys=keys, remote_party=variables["caller"])
            record = await run_file_call(leg, dialog, services, variables=variables)
    except ModelError as exc:
        raise _BadInput(str(exc)) from None
    finally:
        close = getattr(dialog, "aclose", None)
        if close is not None:
            await close()
        if http is not None:
            await http.aclose()

    write_wav(args.out, leg.bot_audio(), 16_000)
    write_turns_jsonl(record, args.log, origin=leg.start)
    for turn in record.turns:
        print(_summary(turn, leg.start))
    print(
        f"{record.call_id}: {len(record.turns)} turns, outcome {record.outcome}; "
        f"bot audio in {args.out}, turns in {args.log}"
    )
    return 0


def _summary(turn: TurnRecord, origin: float) -> str:
    """One readable line per turn: when, what the caller did, what the bot said, how fast."""
    heard = {
        "said": f"caller: {turn.caller_text!r} -> {turn.intent}",
        "pressed": f"caller pressed {turn.digit} -> {turn.intent}",
    }.get(turn.trigger, turn.trigger)
    when = turn.speech_start if turn.speech_start is not None else turn.reply_ready
    at = f"{when - origin:6.2f}s" if when is not None else "      -"
    latency = turn.latencies_ms()["turn"]
    fast = f" ({latency} ms)" if latency is not None else ""
    cut = ""
    if turn.barge_in is not None:
        cut = f" [interrupted after {turn.barge_in.played_ms} ms]"
    return f"{at}  {heard}{fast} | bot: {turn.bot_text!r}{cut}"
