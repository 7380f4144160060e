"""A real softphone calls the bot: baresip dials, sends a 440 Hz tone over RTP, the bot hangs up."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import numpy as np
import pytest
from sip_helpers import sip_server

from telephony.leg import LegHangup
from telephony.sip.leg import SipCallLeg
from voicebot.audio import AudioFrame

BARESIP = shutil.which("baresip")
MODULES = Path("/usr/lib/baresip/modules")

pytestmark = [
    pytest.mark.peers,
    pytest.mark.skipif(BARESIP is None or not MODULES.exists(), reason="baresip is not installed"),
]


def baresip_config(directory: Path) -> Path:
    """A headless baresip: a 440 Hz sine as microphone, a WAV file as speaker, G.711 only."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "config").write_text(
        "\n".join(
            [
                "poll_method epoll",
                "sip_listen 127.0.0.1:0",
                "sip_transports udp",
                f"audio_player aufile,{directory / 'heard.wav'}",
                "audio_source ausine,440",
                f"audio_alert aufile,{directory / 'alert.wav'}",
                f"module_path {MODULES}",
                *(f"module {name}.so" for name in ("g711", "ausine", "aufile", "account", "menu")),
                "ausrc_srate 48000",  # ausine only makes 48 kHz stereo; baresip resamples to PCMU
                "ausrc_channels 2",
                "auplay_srate 48000",
                "auplay_channels 1",
                "",
            ]
        )
    )
    (directory / "accounts").write_text("<sip:alice@127.0.0.1>;regint=0;audio_codecs=PCMU\n")
    (directory / "contacts").write_text("")
    return directory


async def test_baresip_calls_the_bot_and_its_tone_arrives_as_16khz_frames(tmp_path):
    frames: list[AudioFrame] = []
    ends: list[LegHangup] = []
    callers: list[str] = []

    async def on_call(leg: SipCallLeg) -> None:
        callers.append(leg.remote_party)
        async for event in leg.events():
            if isinstance(event, AudioFrame):
                frames.append(event)
                if len(frames) == 100:  # two seconds of the caller
                    await leg.hangup("heard enough")
            elif isinstance(event, LegHangup):
                ends.append(event)

    config = baresip_config(tmp_path / "baresip")
    async with sip_server(on_call) as server:
        process = await asyncio.create_subprocess_exec(
            BARESIP, "-f", str(config), "-e", f"/dial sip:bot@127.0.0.1:{server.port}", "-t", "4",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        try:
            output, _ = await asyncio.wait_for(process.communicate(), 20)
        except TimeoutError:
            process.kill()
            output, _ = await process.communicate()
    text = output.decode(errors="replace")
    assert callers == ["alice"], text[-2000:]
    assert "Call established" in text
    assert len(frames) >= 100 and all(
        f.sample_rate == 16000 and len(f.samples) == 320 for f in frames
    )
    spectrum = np.abs(
        np.fft.rfft(np.concatenate([f.samples for f in frames[-50:]]).astype(np.float64))
    )
    peak_hz = np.argmax(spectrum) * 16000 / (50 * 320)
    assert abs(peak_hz - 440) < 5, peak_hz
    assert ends and ends[-1].reason == "heard enough"
    assert "terminated" in text  # baresip saw our BYE
