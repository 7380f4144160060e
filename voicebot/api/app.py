"""The FastAPI application: health, REST, WebRTC signaling, live call events and the web page."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from voicebot import __version__
from voicebot.api import events_ws, history, outbound_routes, webrtc
from voicebot.api.runtime import AppRuntime
from voicebot.dialog.demo_bank import create_demo_bank_router
from voicebot.web import WEB_DIR


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
    app.include_router(webrtc.router)
    app.include_router(events_ws.router)
    app.include_router(history.router)
    app.include_router(outbound_routes.router)
    if runtime.settings.demo_backend:
        app.include_router(create_demo_bank_router())

    # the web page; keep this mount last: it matches every path no route above took
    app.mount("/", StaticFiles(directory=WEB_DIR, html=True), name="web")
    return app
