"""What the web app and the SIP server share in one process: settings, loaded dialogs, models, live calls."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from voicebot.dialog.protocol import Dialog
from voicebot.settings import Settings


@dataclass
class AppRuntime:
    settings: Settings
    dialogs: dict[str, Dialog] = field(default_factory=dict)  # name -> loaded dialog
    default_dialog: str = ""
    services: Any = None  # voicebot.conversation.services.CallServices once models are loaded
    calls: Any = None  # voicebot.api.calls.CallRegistry
    sip_address: str | None = None  # "127.0.0.1:5060" once the SIP server listens
    model_info: dict[str, str] = field(default_factory=dict)
    store: Any = None  # voicebot.store.CallStore: finished calls
    dialer: Any = None  # voicebot.api.outbound.OutboundDialer once SIP listens

    def dialog(self, name: str | None) -> Dialog:
        key = name or self.default_dialog
        try:
            return self.dialogs[key]
        except KeyError:
            known = ", ".join(sorted(self.dialogs)) or "none"
            raise KeyError(f"unknown dialog {key!r} (loaded: {known})") from None
