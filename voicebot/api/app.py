"""The FastAPI application: health, REST, WebRTC signaling, live call events and the web page."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from voicebot import __version__
from voicebot.api.runtime import AppRuntime


def create_app(runtime: AppRuntime) -> FastAPI:
    app = FastAPI(title="voicebot", version=__version__)
    app.state.runtime = runtime

    @app.get("/health")
    async def health() -> dict[str, Any]:
        calls = runtime.calls
        return {
            "status": "ok",
            "version": __version__,
            "dialogs": sorted(runtime.dialogs),
            "default_dialog": runtime.default_dialog,
            "models": runtime.model_info,
            "sip": runtime.sip_address,
            "active_calls": len(calls) if calls is not None else 0,
        }

    # routers: one line each, added by the parts that own them

    return app
