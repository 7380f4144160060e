"""Headless Chromium calls the bot from the web page with a fake microphone WAV.

The page must show the caller's transcript and the bot's reply, and the audio the page received
(recorded in the page from the remote track) must carry the reply. A screenshot is kept in
tests/.artifacts/.
"""

from __future__ import annotations

import contextlib
import time

import numpy as np
import pytest
import soxr

from tests.web.browser import ARTIFACTS, chromium, chromium_missing, page_recording, serve_in_thread
from tests.webrtc.fakes import BOT_LEVEL, fake_services, tone
from voicebot.audio import ENGINE_RATE, write_wav
from voicebot.conversation.rule_dialog import demo_dialog

pytestmark = [
    pytest.mark.peers,
    pytest.mark.skipif(chromium_missing() is not None, reason=str(chromium_missing())),
]


def wait_until(driver, script: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:  # bounded polling of the page's DOM
        if driver.execute_script(script):
            return
        time.sleep(0.1)
    raise AssertionError(f"the page never satisfied: {script}")


def texts(driver, selector: str) -> list[str]:
    return driver.execute_script(
        f"return [...document.querySelectorAll({selector!r})].map(e => e.lastChild.textContent);"
    )


@contextlib.asynccontextmanager
async def fake_engines():
    yield fake_services()


def test_the_page_calls_the_rule_dialog_with_fake_speech_engines(tmp_path):
    microphone = tmp_path / "caller.wav"
    silence = np.zeros(int(1.5 * ENGINE_RATE), dtype=np.int16)
    write_wav(microphone, np.concatenate([silence, tone(200, 1.0)]), ENGINE_RATE)
    ARTIFACTS.mkdir(exist_ok=True)
    with (
        serve_in_thread({"rule:demo": demo_dialog()}, fake_engines) as (url, runtime),
        chromium(microphone, tmp_path / "profile") as driver,
    ):
        driver.get(f"{url}/?record=1")
        wait_until(
            driver,
            "return document.querySelector('#dialog').options.length > 0 && !document.querySelector('#call').disabled",
            10,
        )
        driver.find_element("id", "call").click()
        wait_until(driver, "return document.querySelectorAll('#transcript li.bot').length >= 2", 20)
        time.sleep(1.0)  # the reply plays for a moment after its text appears
        driver.save_screenshot(str(ARTIFACTS / "web_call_fake_engines.png"))
        assert texts(driver, "#transcript li.caller.final") == ["check my balance"]
        replies = texts(driver, "#transcript li.bot")
        assert replies[1].startswith("Your balance is one hundred and twenty dollars")
        assert driver.find_element("id", "state").text != "—"
        assert driver.find_element("id", "error").get_attribute("hidden") is not None
        samples, rate = page_recording(driver)
        heard = soxr.resample(samples, rate, ENGINE_RATE)
        assert np.abs(heard).max() > BOT_LEVEL // 2  # the bot's hum reached the page
        driver.find_element("id", "hangup").click()
        wait_until(driver, "return !document.querySelector('#call').disabled", 5)
        deadline = time.monotonic() + 10
        while len(runtime.calls) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(runtime.calls) == 0  # the hangup reached the server
        for error, message in [
            ("NotAllowedError", "Microphone access was denied"),
            ("NotFoundError", "No microphone was found"),
        ]:
            refuse_microphone(driver, error)
            driver.find_element("id", "call").click()
            wait_until(driver, "return !document.querySelector('#error').hidden", 5)
            assert message in driver.find_element("id", "error").text
            assert len(runtime.calls) == 0


def refuse_microphone(driver, error_name: str) -> None:
    """Make getUserMedia fail the way a browser does when the user says no or has no microphone."""
    driver.execute_script(
        "navigator.mediaDevices.getUserMedia = () =>"
        f" Promise.reject(new DOMException('refused by the test', {error_name!r}));"
    )
