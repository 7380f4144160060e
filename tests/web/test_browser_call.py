"""Headless Chromium calls the bank dialog from the web page, with a fake microphone WAV.

The server offers 127.0.0.1 only and Chromium runs with --allow-loopback-in-peer-connection, so
the call's media must stay on loopback. The page must show the caller's transcript and the bot's
reply; the audio the page received (recorded in the page from the remote track) must carry the
reply when transcribed; hanging up must end the call on the server; a refused or missing
microphone must get a clear message.
A screenshot is kept in tests/.artifacts/web_call_bank.png.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
import soxr

from tests.web.browser import (
    ARTIFACTS,
    chromium,
    chromium_missing,
    page_ice,
    page_recording,
    serve_in_thread,
)
from tests.webrtc.on_loopback import assert_stayed_on_loopback, loopback_settings
from tests.webrtc.packets import UdpWatch
from voicebot.audio import ENGINE_RATE, write_wav

pytestmark = [
    pytest.mark.peers,
    pytest.mark.slow,
    pytest.mark.skipif(chromium_missing() is not None, reason=str(chromium_missing())),
]

CALLER_SAYS = "What is my current balance?"
BANK_GREETING = (  # dialogs/bank.yaml, state "welcome"
    "Welcome to Example Bank. This call may be recorded. "
    "You can ask for your balance or report a lost or stolen card. How can I help?"
)
REPLY_WORDS = "account number"  # "Please say or key in your eight digit account number."


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


def refuse_microphone(driver, error_name: str) -> None:
    """Make getUserMedia fail the way a browser does when the user says no or has no microphone."""
    driver.execute_script(
        "navigator.mediaDevices.getUserMedia = () =>"
        f" Promise.reject(new DOMException('refused by the test', {error_name!r}));"
    )


@pytest.fixture
def udp_watch():
    """Every UDP datagram on this machine during the test, or None without raw-socket rights."""
    watch = UdpWatch.open()
    yield watch
    if watch is not None:
        watch.stop()


def test_the_page_calls_the_bank_dialog(tmp_path, udp_watch):
    from voicebot.conversation.services import open_services
    from voicebot.dialog import load_dialog

    bank = load_dialog("dialogs/bank.yaml")
    ARTIFACTS.mkdir(exist_ok=True)
    with serve_in_thread({"bank": bank}, lambda: open_services(loopback_settings())) as server:
        services = server.runtime.services
        greeting_s = len(server.run(services.speech.synthesize(BANK_GREETING))) / ENGINE_RATE
        caller = server.run(services.speech.synthesize(CALLER_SAYS))
        # the fake microphone starts at getUserMedia: wait out the call setup and the greeting
        lead = np.zeros(int((greeting_s + 2.0) * ENGINE_RATE), dtype=np.int16)
        microphone = tmp_path / "caller.wav"
        write_wav(microphone, np.concatenate([lead, caller]), ENGINE_RATE)

        def heard_by_the_page() -> str:
            samples, rate = page_recording(driver)
            heard = soxr.resample(samples, rate, ENGINE_RATE).astype(np.int16)
            return server.run(services.asr.transcribe(heard)).text.lower()

        with chromium(microphone, tmp_path / "profile") as driver:
            driver.get(f"{server.url}/?record=1")
            wait_until(driver, "return !document.querySelector('#call').disabled", 10)
            assert driver.find_element("id", "dialog").get_attribute("value") == "bank"
            driver.find_element("id", "call").click()
            wait_until(
                driver,
                "return [...document.querySelectorAll('#transcript li.bot')]"
                f".some(e => e.textContent.includes({REPLY_WORDS!r}))",
                greeting_s + 20,
            )
            finals = texts(driver, "#transcript li.caller.final")
            assert any("balance" in text.lower() for text in finals), finals
            wait_until(
                driver, "return document.querySelector('#state').textContent === 'balance'", 5
            )
            heard = ""
            for _ in range(8):  # the reply takes a few seconds to play into the recording
                time.sleep(1.0)
                heard = heard_by_the_page()
                if REPLY_WORDS in heard:
                    break
            driver.save_screenshot(str(ARTIFACTS / "web_call_bank.png"))
            assert REPLY_WORDS in heard, heard

            # media went 127.0.0.1 <-> 127.0.0.1: the pair Chromium selected (getStats), the
            # pair aiortc nominated, the server's candidates, and every datagram on the wire
            ice = page_ice(driver)
            browser_pair = tuple(
                (ice[end]["address"], ice[end]["port"]) for end in ("local", "remote")
            )
            (bot_call,) = server.runtime.calls.active_calls()
            assert_stayed_on_loopback(
                [browser_pair, *bot_call.leg.ice_pairs()],
                loopback_sdps=[ice["answer"]],
                other_sdps=[ice["offer"]],  # Chromium offers its LAN addresses too; unanswered
                watch=udp_watch,
            )

            driver.find_element("id", "hangup").click()
            wait_until(driver, "return !document.querySelector('#call').disabled", 5)
            for _ in range(100):  # bounded: the hangup travels over the data channel
                if len(server.runtime.calls) == 0:
                    break
                time.sleep(0.1)
            assert len(server.runtime.calls) == 0

            for error, message in [
                ("NotAllowedError", "Microphone access was denied"),
                ("NotFoundError", "No microphone was found"),
            ]:
                refuse_microphone(driver, error)
                driver.find_element("id", "call").click()
                wait_until(driver, "return !document.querySelector('#error').hidden", 5)
                assert message in driver.find_element("id", "error").text
                assert len(server.runtime.calls) == 0
