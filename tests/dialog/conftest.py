"""Fixtures: the example dialogs, the bank one wired to the in-process demo bank backend."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from dialog_helpers import DIALOGS, fixed_now
from fastapi import FastAPI

from voicebot.clock import FakeClock
from voicebot.dialog import YamlDialog, load_dialog
from voicebot.dialog.checker import check_file
from voicebot.dialog.demo_bank import DemoAccount, create_demo_bank_router, demo_accounts
from voicebot.dialog.graph import edges_not_taken


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


# ---- every edge of every example dialog is taken by some scripted call ------------------------
# Each session's path (the states it entered) is kept; when these modules ran whole, an edge of a
# dialog's graph that no scripted call took fails the run, naming the edge.

SCRIPTED = {
    "bank": "test_bank_dialog.py",
    "appointment_reminder": "test_reminder_dialog.py",
    "telecom_support": "test_telecom_dialog.py",
}
_paths: dict[str, list[list[str]]] = defaultdict(list)
_deselected: set[str] = set()
_not_taken: list[str] = []


@pytest.fixture(autouse=True)
def _keep_dialog_paths(monkeypatch: pytest.MonkeyPatch):
    sessions = []
    new_session = YamlDialog.new_session

    def keeping(self: YamlDialog, variables=None):
        session = new_session(self, variables)
        sessions.append(session)
        return session

    monkeypatch.setattr(YamlDialog, "new_session", keeping)
    yield
    for session in sessions:
        _paths[session.spec.name].append(list(session.path))


def pytest_deselected(items: list[pytest.Item]) -> None:
    _deselected.update(Path(item.fspath).name for item in items)


def _ran_whole(config: pytest.Config, module: Path) -> bool:
    if module.name in _deselected:
        return False
    for arg in config.args or [str(config.rootpath / "tests")]:
        if "::" in arg:
            continue
        given = (config.invocation_params.dir / arg).resolve()
        if given == module or given in module.parents:
            return True
    return False


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    here = Path(__file__).resolve().parent
    for name, module in SCRIPTED.items():
        if not _ran_whole(session.config, here / module):
            continue
        spec = check_file(DIALOGS / f"{name}.yaml").spec  # the graph only: no NLU training
        assert spec is not None, f"{name}.yaml does not check"
        for source, target in edges_not_taken(spec, _paths[name]):
            _not_taken.append(f"{name}.yaml: no scripted call goes from {source} to {target}")
    if _not_taken:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter) -> None:
    for line in _not_taken:
        hint = "add a scripted call to tests/dialog/ that takes it"
        terminalreporter.write_line(f"dialog paths: {line} ({hint})", red=True)
