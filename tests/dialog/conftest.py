"""Fixtures: the example dialogs, the bank one wired to the in-process demo bank backend."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from dialog_helpers import DIALOGS, fixed_now
from fastapi import FastAPI

from voicebot.clock import FakeClock
from voicebot.dialog import YamlDialog, load_dialog
from voicebot.dialog.demo_bank import DemoAccount, create_demo_bank_router, demo_accounts


@pytest.fixture
def accounts() -> dict[str, DemoAccount]:
    return demo_accounts()


@pytest.fixture
async def bank_http(accounts: dict[str, DemoAccount]) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    app.include_router(create_demo_bank_router(accounts))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as client:
        yield client


@pytest.fixture
def bank(bank_http: httpx.AsyncClient) -> YamlDialog:
    return load_dialog(DIALOGS / "bank.yaml", http=bank_http, now=fixed_now, clock=FakeClock())


@pytest.fixture
def reminder() -> YamlDialog:
    return load_dialog(DIALOGS / "appointment_reminder.yaml", now=fixed_now, clock=FakeClock())


@pytest.fixture
def telecom() -> YamlDialog:
    return load_dialog(DIALOGS / "telecom_support.yaml", now=fixed_now, clock=FakeClock())
