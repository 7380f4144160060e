"""Dialog figures: loading (check + NLU training) each example dialog, `voicebot check` on all
of them, and the dialog's own time per caller turn in a scripted bank call (webhooks answered
in-process by the demo bank)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
from fastapi import FastAPI

from benchmarks.figures import Figure
from voicebot.dialog import check_files, load_dialog
from voicebot.dialog.chat import ChatTranscript

DIALOGS = Path(__file__).resolve().parent.parent / "dialogs"
WARM_UP = DIALOGS.parent / "tests" / "fixtures" / "dialogs" / "minimal.yaml"
LOAD_TARGET_S = 2.0
BANK_SCRIPT = ["what is my balance", "#12345678", "yes", "#4321", "yes", "lost card", "yes", "no"]


def _load_figures() -> list[Figure]:
    start = time.perf_counter()
    load_dialog(WARM_UP)  # the first load also imports the NLU's libraries (scikit-learn, ...)
    first = time.perf_counter() - start
    figures = [
        Figure(
            "first dialog load in a fresh process (library imports included)",
            f"{first * 1000:.0f} ms",
            f"<= {LOAD_TARGET_S:.0f} s",
            first <= LOAD_TARGET_S,
        )
    ]
    for path in sorted(DIALOGS.glob("*.yaml")):
        start = time.perf_counter()
        load_dialog(path)  # first load in this process: checks and trains
        seconds = time.perf_counter() - start
        figures.append(
            Figure(
                f"dialog load (check + NLU training), {path.name}",
                f"{seconds * 1000:.0f} ms",
                f"<= {LOAD_TARGET_S:.0f} s",
                seconds <= LOAD_TARGET_S,
            )
        )
    start = time.perf_counter()
    check_files(sorted(DIALOGS.glob("*.yaml")))
    figures.append(
        Figure(
            "voicebot check, 3 example dialogs", f"{(time.perf_counter() - start) * 1000:.0f} ms"
        )
    )
    return figures


async def _turn_times() -> list[float]:
    from voicebot.dialog.demo_bank import create_demo_bank_router

    app = FastAPI()
    app.include_router(create_demo_bank_router())
    times: list[float] = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as http:
        dialog = load_dialog(DIALOGS / "bank.yaml", http=http)
        for _ in range(20):
            chat = ChatTranscript(dialog.new_session(), lambda line: None, trace=False)
            await chat.start({"caller": "+15550100"})
            for line in BANK_SCRIPT:
                start = time.perf_counter()
                await chat.line(line)
                times.append(time.perf_counter() - start)
    return times


def run() -> list[Figure]:
    figures = _load_figures()
    times = sorted(asyncio.run(_turn_times()))
    median = times[len(times) // 2] * 1000
    p95 = times[int(len(times) * 0.95)] * 1000
    figures.append(
        Figure(
            "dialog time per caller turn, bank call (median / p95)", f"{median:.1f} / {p95:.1f} ms"
        )
    )
    return figures


if __name__ == "__main__":
    for figure in run():
        print(figure)
