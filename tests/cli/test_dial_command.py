"""`voicebot dial` reports what happened to the call, with exit codes a script can act on."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest

from tests.sip.sip_helpers import needs_sipp, sipp_uas

VOICEBOT = [sys.executable, "-m", "voicebot"]


def test_a_bad_uri_is_refused_before_anything_loads():
    done = subprocess.run(
        [*VOICEBOT, "dial", "tel:5550100", "--dialog", "dialogs/appointment_reminder.yaml"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip().startswith("voicebot dial: tel:5550100: not a SIP URI")


def test_a_broken_dialog_is_refused_with_the_checkers_message(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: broken\nstart: nowhere\nstates: {}\n")
    done = subprocess.run(
        [*VOICEBOT, "dial", "sip:1@127.0.0.1:5", "--dialog", str(broken)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert str(broken) in done.stderr


@needs_sipp
@pytest.mark.peers
async def test_a_busy_callee_exits_1_with_the_outcome(tmp_path):
    async with sipp_uas("uas_busy.xml", tmp_path) as (port, sipp):
        process = await asyncio.create_subprocess_exec(
            *VOICEBOT,
            "dial",
            f"sip:5550100@127.0.0.1:{port}",
            "--dialog",
            "dialogs/appointment_reminder.yaml",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
        assert (await sipp).ok

    assert process.returncode == 1, stderr.decode()
    outcome = json.loads(stdout.decode().strip().splitlines()[-1])
    assert (outcome["outcome"], outcome["sip_status"]) == ("busy", 486)
