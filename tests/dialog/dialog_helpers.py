"""Scripted chats with a dialog, for tests that read like call transcripts."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from voicebot.dialog import YamlDialog
from voicebot.dialog.chat import ChatTranscript

ROOT = Path(__file__).resolve().parents[2]
DIALOGS = ROOT / "dialogs"
FIXTURES = ROOT / "tests" / "fixtures" / "dialogs"
TODAY = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)  # a Thursday


def fixed_now() -> dt.datetime:
    return TODAY


class Chat:
    """A scripted call: `await chat.say(...)` and read what the bot did."""

    def __init__(self, dialog: YamlDialog) -> None:
        self.lines: list[str] = []
        self.session = dialog.new_session()
        self.run = ChatTranscript(self.session, self.lines.append, trace=False)

    async def start(self, variables: Mapping[str, Any] | None = None) -> list[str]:
        await self.run.start(variables or {"caller": "+15550100", "call_id": "test"})
        return self._take()

    async def say(self, line: str) -> list[str]:
        await self.run.line(line)
        return self._take()[1:]  # without the echoed caller line

    def _take(self) -> list[str]:
        taken, self.lines[:] = list(self.lines), []
        return taken

    @property
    def actions(self) -> list[Any]:
        return self.run.actions


async def script(
    dialog: YamlDialog, lines: list[str], variables: Mapping[str, Any] | None = None
) -> list[str]:
    """The whole printed transcript of a call driven by `lines`."""
    printed: list[str] = []
    run = ChatTranscript(dialog.new_session(), printed.append, trace=False)
    await run.start(variables or {"caller": "+15550100", "call_id": "test"})
    for line in lines:
        await run.line(line)
    return printed


def closed_port() -> int:
    """A loopback port nobody listens on (connections to it are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
