"""Real-browser plumbing for the web tests: the app served from a thread, and headless Chromium.

Chromium and chromedriver come from Debian (scripts/install-system-deps.sh); selenium is told
their paths so it never looks for a driver to download. The fake microphone plays a WAV once.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import shutil
import socket
import threading
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import uvicorn

from voicebot.api.app import create_app
from voicebot.api.calls import CallRegistry, conversation_runner
from voicebot.api.runtime import AppRuntime

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
T = TypeVar("T")
ARTIFACTS = Path(__file__).resolve().parents[1] / ".artifacts"

ServicesFactory = Callable[[], contextlib.AbstractAsyncContextManager[Any]]


def chromium_missing() -> str | None:
    for path in (CHROMIUM, CHROMEDRIVER):
        if shutil.which(path) is None:
            return f"{path} is not installed (run scripts/install-system-deps.sh)"
    return None


@dataclass
class ServerHandle:
    url: str
    runtime: AppRuntime
    loop: asyncio.AbstractEventLoop

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 60.0) -> T:
        """Run a coroutine on the server's event loop (where its models and pools live)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)


@contextlib.contextmanager
def serve_in_thread(
    dialogs: dict[str, Any], services: ServicesFactory, startup_timeout: float = 120.0
) -> Iterator[ServerHandle]:
    """Run the app on 127.0.0.1 in its own thread and event loop (selenium blocks the test's)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    ready = threading.Event()
    state: dict[str, Any] = {}

    async def main() -> None:
        async with services() as loaded:
            runtime = AppRuntime(
                settings=loaded.settings,
                dialogs=dialogs,
                default_dialog=next(iter(dialogs)),
                services=loaded,
            )
            runtime.calls = CallRegistry(conversation_runner(runtime))
            server = uvicorn.Server(
                uvicorn.Config(create_app(runtime), log_level="warning", lifespan="off")
            )
            state.update(server=server, runtime=runtime, loop=asyncio.get_running_loop())
            serving = asyncio.ensure_future(server.serve(sockets=[sock]))
            for _ in range(1000):  # bounded: uvicorn binds in well under a second
                if server.started or serving.done():
                    break
                await asyncio.sleep(0.01)
            ready.set()
            try:
                await serving
            finally:
                await runtime.calls.close()

    def thread_main() -> None:
        try:
            asyncio.run(main())
        except BaseException as exc:  # reported to the test below
            state["error"] = exc
        finally:
            ready.set()

    thread = threading.Thread(target=thread_main, name="web-test-server", daemon=True)
    thread.start()
    if not ready.wait(startup_timeout) or "error" in state:
        raise RuntimeError(f"the test server did not start: {state.get('error')!r}")
    try:
        yield ServerHandle(f"http://127.0.0.1:{port}", state["runtime"], state["loop"])
    finally:
        state["loop"].call_soon_threadsafe(setattr, state["server"], "should_exit", True)
        thread.join(30)
        sock.close()


@contextlib.contextmanager
def chromium(fake_microphone: Path, profile_dir: Path) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
        f"--user-data-dir={profile_dir}",
        # WebRTC gathers no loopback candidates without this switch; with it, and a server that
        # answers with 127.0.0.1 only, the call's media stays on loopback
        "--allow-loopback-in-peer-connection",
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={fake_microphone}%noloop",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def page_ice(driver: Any) -> dict[str, Any]:
    """The page's offer, answer and selected candidate pair (window.voicebotPage.ice())."""
    report = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "window.voicebotPage.ice().then(done, (e) => done({error: String(e)}));"
    )
    if report is None or "error" in report:
        raise AssertionError(f"the page has no ICE report: {report!r}")
    return report


def page_recording(driver: Any) -> tuple[np.ndarray, int]:
    """What the page recorded of the bot's audio (?record=1): int16 samples and their rate."""
    recording = driver.execute_script("return window.voicebotPage.recording();")
    if recording is None:
        raise AssertionError("the page recorded nothing: no remote audio track arrived")
    samples = np.frombuffer(base64.b64decode(recording["samples"]), dtype="<i2").astype(np.int16)
    return samples, int(recording["sampleRate"])
