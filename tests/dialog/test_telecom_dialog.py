"""Scripted calls through every path of dialogs/telecom_support.yaml, FAQ answers included."""

from __future__ import annotations

import pytest
from dialog_helpers import script

WELCOME = "bot: Welcome to Fastnet support. Is your internet down, or do you have a question about your bill?"
RESTART = (
    "bot: Let's restart your router. Unplug it, wait ten seconds, and plug it back in. "
    "Say done when the lights are back on."
)


async def test_router_restart_fixes_it(telecom) -> None:
    assert await script(telecom, ["my internet is down", "done", "yes"]) == [
        WELCOME,
        "caller: my internet is down",
        RESTART,
        "caller: done",
        "bot: Is your internet working now?",
        "caller: yes",
        "bot: Great, I am glad it works again. Thank you for calling Fastnet. Goodbye.",
        "[hangup: resolved]",
    ]


async def test_red_light_goes_to_a_technician(telecom) -> None:
    lines = await script(telecom, ["#1", "ok I did it", "no", "yes"])
    assert lines[-2] == (
        "bot: That points to a fault on your line. I will put you through to a technician."
    )
    assert lines[-1].startswith("[transfer to technicians] telecom_support: intent done;")
    assert lines[-1].endswith("internet down, red light after router restart in check_light")


async def test_no_red_light_goes_to_an_agent(telecom) -> None:
    lines = await script(telecom, ["internet problem", "finished", "no", "no"])
    assert lines[-1].startswith("[transfer to support_agents]")


async def test_waiting_for_the_router_allows_more_silence(telecom) -> None:
    lines = await script(telecom, ["#1", "(silence)", "(silence)", "(silence)"])
    assert lines[-2:] == ["bot: Take your time. Say done when the router is back on.", RESTART]
    lines = await script(telecom, ["#1"] + ["(silence)"] * 4)
    assert lines[-1].startswith("[transfer to support_agents]")


async def test_bill_questions_are_answered_from_the_faq(telecom) -> None:
    lines = await script(
        telecom,
        ["I have a question about my bill", "when is my bill due", "how can I pay my bill", "bye"],
    )
    assert lines == [
        WELCOME,
        "caller: I have a question about my bill",
        "bot: Sure. What would you like to know about your bill?",
        "caller: when is my bill due",
        "bot: Your bill is due on the fifteenth of every month. If you pay by direct debit, we take "
        "the payment on that day.",
        "bot: What else would you like to know?",
        "caller: how can I pay my bill",
        "bot: You can pay by direct debit, by card in the Fastnet app, or at any post office with "
        "your bill reference.",
        "bot: What else would you like to know?",
        "caller: bye",
        "bot: Thank you for calling Fastnet. Goodbye.",
        "[hangup: completed]",
    ]


async def test_faq_also_answers_in_the_first_state(telecom) -> None:
    lines = await script(telecom, ["can I change my payment date"])
    assert lines[-2].startswith("bot: Yes. You can move your payment date once a year")


async def test_from_bill_questions_to_internet_trouble(telecom) -> None:
    lines = await script(telecom, ["#2", "my wifi stopped working"])
    assert lines[-1] == RESTART


async def test_agent_and_no_match_fallback(telecom) -> None:
    assert (await script(telecom, ["#0"]))[-1].startswith("[transfer to support_agents]")
    lines = await script(telecom, ["zebra", "zebra", "zebra"])
    assert lines[2:4] == ["bot: Sorry, I did not understand.", WELCOME]
    assert lines[-1].startswith("[transfer to support_agents]")
    assert "no match" in lines[-1]


async def test_yes_when_the_router_is_back_and_repeat(telecom) -> None:
    lines = await script(telecom, ["#1", "pardon", "yes"])
    assert lines[-3:] == [RESTART, "caller: yes", "bot: Is your internet working now?"]


async def test_a_question_asked_nearly_verbatim_is_answered_before_intents(telecom) -> None:
    # "bill" alone would match the bill_question intent; the FAQ question wins when this close
    lines = await script(telecom, ["when is my bill due"])
    assert lines[2:] == [
        "bot: Your bill is due on the fifteenth of every month. If you pay by direct debit, we take "
        "the payment on that day.",
        "bot: What else would you like to know?",
    ]
    assert (await script(telecom, ["my bill"]))[
        -1
    ] == "bot: Sure. What would you like to know about your bill?"


@pytest.mark.parametrize(
    ("lines", "intent", "state"),
    [
        (["I'd like a faster internet package"], "change_plan", "welcome"),
        (["we are moving to a new flat"], "moving", "welcome"),
        (["#2", "my tv has no picture at all"], "tv_problem", "bill"),
    ],
)
async def test_plans_tv_and_moves_go_to_an_agent(
    telecom, lines: list[str], intent: str, state: str
) -> None:
    last = (await script(telecom, lines))[-1]
    assert last.startswith(f"[transfer to support_agents] telecom_support: intent {intent};")
    assert last.endswith(f"in {state}")


async def test_im_done_after_the_restart_means_the_router_is_back(telecom) -> None:
    # "I'm done" is not a goodbye here: the bot asked the caller to say done
    lines = await script(telecom, ["#1", "I'm done"])
    assert lines[-1] == "bot: Is your internet working now?"


async def test_help_says_what_the_caller_can_do(telecom) -> None:
    assert (await script(telecom, ["help me please"]))[2:] == [
        "bot: You can say that your internet is down, ask about your bill, or ask for an agent."
    ]
