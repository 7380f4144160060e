"""One real `voicebot serve` per test session, on free loopback ports with a temporary SQLite file.

`voicebot_server` starts it, waits for /health (bounded), yields it, and at the end stops it with
SIGINT and asserts it exited with 0: a clean Ctrl-C shutdown is part of what these tests check.
Peers (baresip, SIPp) call it from the tests; the caller's speech is synthesized here with Piper
and what the peers recorded is transcribed with the project's Whisper, both loaded once.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.sip.sip_helpers import SippResult
from tests.system.keypad_call import place_keypad_call
from tests.system.server_process import ServerProcess, start_server
from voicebot.settings import Settings

ARTIFACTS = Path(__file__).resolve().parents[1] / ".artifacts" / "system"


HERE = Path(__file__).resolve().parent


def _order(item: pytest.Item) -> int:
    names = getattr(item, "fixturenames", ())
    if "server_to_stop" in names:
        return 2  # ends the server: last
    return 1 if "voicebot_server" in names else 0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Among this folder's tests, run those that need no server first (they run while it loads),
    and the one that stops it last."""
    slots = [i for i, item in enumerate(items) if HERE in Path(str(item.path)).parents]
    mine = sorted((items[i] for i in slots), key=_order)
    for slot, item in zip(slots, mine, strict=True):
        items[slot] = item


@pytest.fixture(scope="session", autouse=True)
def server_launched(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess | None]:
    """The server process, launched when this folder's first test starts and maybe still loading
    models: the loading overlaps with tests and preparation that do not need it."""
    if not any("voicebot_server" in item.fixturenames for item in request.session.items):
        yield None  # only server-less tests were selected
        return
    server = start_server(tmp_path_factory.mktemp("voicebot-serve"))
    try:
        yield server
    finally:
        early = server.process.poll()
        code = server.stop()
        when = "on its own" if early is not None else "on SIGINT"
        assert code == 0, f"voicebot serve exited with {code} {when}:\n{server.log_tail()}"


@pytest.fixture(scope="session")
def voicebot_server(server_launched: ServerProcess | None) -> ServerProcess:
    """The server, healthy: /health answered within the bound."""
    assert server_launched is not None
    server_launched.wait_healthy()
    return server_launched


@pytest.fixture
def server_to_stop(voicebot_server: ServerProcess) -> ServerProcess:
    """The session's server, for the one test that stops it (ordered last)."""
    return voicebot_server


@pytest.fixture(scope="session")
def keypad_call(
    voicebot_server: ServerProcess, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Future[SippResult]]:
    """The SIPp keypad call (test_keypad_call.py) placed in the background once the server is up.
    The baresip test requests it too, so the two peers' calls overlap: the server handles two
    different callers at once, and the suite stays within its time budget."""
    workdir = tmp_path_factory.mktemp("keypad-call")
    with ThreadPoolExecutor(1, thread_name_prefix="keypad-call") as pool:
        yield pool.submit(place_keypad_call, voicebot_server.sip_port, workdir)


@pytest.fixture(scope="session")
def synthesizer():
    from voicebot.models import load_synthesizer

    return load_synthesizer(Settings().tts)


@pytest.fixture(scope="session")
def recognizer():
    from voicebot.models import load_recognizer

    return load_recognizer(Settings().asr)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
