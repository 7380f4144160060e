"""baresip (Debian baresip-core 1.x) as a real SIP phone: a WAV file is its microphone, and its
`sndfile` filter records what it hears.

baresip 1.0's `aufile` module is only an audio *source* (it needs S16LE mono at the source rate,
8 kHz here); the player is ALSA's `null` device, and the `sndfile` audio filter dumps both
directions to `snd_path` as dump-<time>-enc.wav (sent) and dump-<time>-dec.wav (received). When
the WAV ends, aufile reports end of file and baresip's menu hangs the call up (a BYE), so the WAV's
length is the call's length.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tests.sip.sip_helpers import free_port

BARESIP = shutil.which("baresip")
MODULES = Path("/usr/lib/baresip/modules")
NEEDED_MODULES = ("g711", "aufile", "alsa", "sndfile", "account", "menu")
CALL_ENDED = re.compile(r"Call with \S+ terminated|session closed")


def baresip_missing() -> str | None:
    if BARESIP is None:
        return "baresip is not installed (Debian baresip-core; scripts/install-system-deps.sh)"
    missing = [m for m in NEEDED_MODULES if not (MODULES / f"{m}.so").exists()]
    if missing:
        return f"baresip modules missing from {MODULES}: {', '.join(missing)}"
    return None


def write_config(config_dir: Path, microphone: Path, recordings: Path) -> None:
    """A baresip config folder: PCMU only, WAV microphone, null speaker, recordings on."""
    config_dir.mkdir(parents=True, exist_ok=True)
    recordings.mkdir(parents=True, exist_ok=True)
    lines = {
        "poll_method": "epoll",
        "sip_listen": f"127.0.0.1:{free_port()}",
        "audio_player": "alsa,null",
        "audio_alert": "alsa,null",
        "audio_source": f"aufile,{microphone.resolve()}",
        "ausrc_srate": "8000",
        "auplay_srate": "8000",
        "ausrc_channels": "1",
        "auplay_channels": "1",
        "module_path": str(MODULES),
        "snd_path": str(recordings),
    }
    body = [f"{key}\t{value}" for key, value in lines.items()]
    body += [f"module\t{name}.so" for name in ("g711", "aufile", "alsa", "sndfile")]
    body += ["module_app\taccount.so", "module_app\tmenu.so"]
    (config_dir / "config").write_text("\n".join(body) + "\n")
    (config_dir / "accounts").write_text("<sip:caller@127.0.0.1>;regint=0;audio_codecs=PCMU\n")
    (config_dir / "contacts").write_text("")


@dataclass
class BaresipCall:
    returncode: int
    output: str
    sent: Path | None  # what baresip sent (the microphone WAV as encoded)
    heard: Path | None  # what baresip received from the bot

    @property
    def established(self) -> bool:
        return "Call established" in self.output


def call(target: str, microphone: Path, workdir: Path, *, limit_s: int) -> BaresipCall:
    """Dial `target` (sip:bot@HOST:PORT) with `microphone` as the caller's voice; returns once the
    call has ended (the WAV ran out, or the bot hung up) or after `limit_s`.

    baresip stays up after a call ends, so it is stopped (SIGTERM) once it reports the end; the
    recordings are complete by then (sndfile closes them with the call's audio stream)."""
    assert BARESIP is not None
    config_dir, recordings = workdir / "baresip", workdir / "recordings"
    write_config(config_dir, microphone, recordings)
    log_path = workdir / "baresip.log"
    command = [BARESIP, "-f", str(config_dir), "-e", f"/dial {target}", "-t", str(limit_s)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=workdir, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + limit_s + 10
    try:
        while process.poll() is None and time.monotonic() < deadline:
            if CALL_ENDED.search(log_path.read_text(errors="replace")):
                break
            time.sleep(0.2)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
    return BaresipCall(
        process.returncode,
        log_path.read_text(errors="replace").replace("\r", "\n"),
        _newest(recordings, "*-enc.wav"),
        _newest(recordings, "*-dec.wav"),
    )


def _newest(folder: Path, pattern: str) -> Path | None:
    found = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None
