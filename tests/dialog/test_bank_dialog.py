"""Scripted calls through every path of dialogs/bank.yaml, against the in-process demo bank."""

from __future__ import annotations

import json

import pytest
from dialog_helpers import Chat, script

from voicebot.dialog.protocol import Listen, Transfer

WELCOME = [
    "bot: Welcome to Example Bank. This call may be recorded.  [not interruptible]",
    "bot: You can ask for your balance or report a lost or stolen card. How can I help?",
]
ASK_ACCOUNT = "bot: Please say or key in your eight digit account number."
ASK_PIN = "bot: Now please key in your four digit PIN."
ANYTHING_ELSE = "bot: Is there anything else I can help with?"
GOODBYE = ["bot: Thank you for calling Example Bank. Goodbye.", "[hangup: completed]"]


async def test_balance_with_keyed_account_and_pin(bank) -> None:
    chat = Chat(bank)
    assert await chat.start() == WELCOME
    assert await chat.say("what's my balance") == [ASK_ACCOUNT]
    assert await chat.say("#12345678") == ["bot: I heard 1 2 3 4 5 6 7 8. Is that right?"]
    assert await chat.say("yes") == [ASK_PIN]
    assert await chat.say("#4321") == [
        "bot: Thank you Alice. Your balance is 1,234.56 dollars.",
        ANYTHING_ELSE,
    ]
    assert await chat.say("no") == GOODBYE


async def test_every_waiting_turn_ends_with_listen(bank) -> None:
    chat = Chat(bank)
    await chat.start()
    for line in ["balance please", "#12345678", "yes"]:
        before = len(chat.actions)
        await chat.say(line)
        assert isinstance(chat.actions[-1], Listen)
        assert len(chat.actions) > before


async def test_spoken_account_number_and_keys_one_by_one_with_hash(bank) -> None:
    chat = Chat(bank)
    await chat.start()
    await chat.say("how much money do I have")
    assert await chat.say("one two three four five six seven eight") == [
        "bot: I heard 1 2 3 4 5 6 7 8. Is that right?"
    ]
    await chat.say("yes")
    assert await chat.say("#43") == []  # still collecting keys: nothing said
    assert await chat.say("#21") == [
        "bot: Thank you Alice. Your balance is 1,234.56 dollars.",
        ANYTHING_ELSE,
    ]


async def test_inter_digit_timeout_ends_a_short_entry_as_no_match(bank) -> None:
    chat = Chat(bank)
    await chat.start()
    await chat.say("#1")
    await chat.say("#1234")
    assert await chat.say("(pause)") == [
        "bot: Sorry, I did not get that.",
        "bot: Your account number has eight digits. Please say it again, or key it in.",
    ]


async def test_unknown_account_is_refused_then_accepted(bank) -> None:
    chat = Chat(bank)
    await chat.start()
    await chat.say("#1")
    assert await chat.say("#11112222") == [
        "bot: I could not find that account number.",
        "bot: Your account number has eight digits. Please say it again, or key it in.",
    ]
    assert await chat.say("#87654321") == ["bot: I heard 8 7 6 5 4 3 2 1. Is that right?"]


async def test_account_read_back_denied_asks_again(bank) -> None:
    chat = Chat(bank)
    await chat.start()
    await chat.say("#1")
    await chat.say("#12345678")
    assert await chat.say("no") == ["bot: Let's try again.", ASK_ACCOUNT]
    assert await chat.say("#87654321") == ["bot: I heard 8 7 6 5 4 3 2 1. Is that right?"]
    await chat.say("yes")
    assert await chat.say("#1111") == [
        "bot: Thank you Bob. Your balance is 87.10 dollars.",
        ANYTHING_ELSE,
    ]


async def test_wrong_pin_then_retry_succeeds(bank) -> None:
    chat = Chat(bank)
    await chat.start()
    await chat.say("#1")
    await chat.say("#12345678")
    await chat.say("yes")
    assert await chat.say("#9999") == [
        "bot: That PIN does not match the account. Would you like to try again?"
    ]
    assert await chat.say("yes") == [ASK_PIN]  # the account number is kept, only the PIN is asked
    assert await chat.say("#4321") == [
        "bot: Thank you Alice. Your balance is 1,234.56 dollars.",
        ANYTHING_ELSE,
    ]


async def test_wrong_pin_declined_goes_to_anything_else_then_menu(bank) -> None:
    chat = Chat(bank)
    await chat.start()
    for line in ["#1", "#12345678", "yes", "#0000"]:
        await chat.say(line)
    assert await chat.say("no") == [ANYTHING_ELSE]
    assert await chat.say("yes") == ["bot: What else can I do for you? Say balance or lost card."]
    assert await chat.say("#0") == ["bot: Let me put you through to an agent. One moment."] + [
        "[transfer to bank_agents] bank: intent none; slots account_number=12345678, "
        "account_found=True, verified=False, customer_name=; caller needs an agent in menu"
    ]


async def test_lost_card_blocked_after_confirmation(bank, accounts) -> None:
    lines = await script(bank, ["I lost my card", "#12345678", "yes", "yes", "no"])
    assert lines[2:] == [
        "caller: I lost my card",
        ASK_ACCOUNT,
        "caller: #12345678",
        "bot: I heard 1 2 3 4 5 6 7 8. Is that right?",
        "caller: yes",
        "bot: I can block the card on account 1 2 3 4 5 6 7 8 now. Shall I block it?",
        "caller: yes",
        "bot: Your card ending in 9 0 1 2 is now blocked. A new card will arrive within five working days.",
        ANYTHING_ELSE,
        "caller: no",
        *GOODBYE,
    ]
    assert accounts["12345678"].card_blocked


async def test_lost_card_not_blocked_when_caller_declines(bank, accounts) -> None:
    lines = await script(bank, ["#2", "#12345678", "yes", "no", "yes", "lost card"])
    assert "bot: All right, I have not blocked your card." in lines
    assert not accounts["12345678"].card_blocked
    # after "anything else? yes" the menu understands lost card, and the account is remembered
    assert (
        lines[-1] == "bot: I can block the card on account 1 2 3 4 5 6 7 8 now. Shall I block it?"
    )


async def test_balance_straight_from_anything_else(bank) -> None:
    lines = await script(bank, ["#2", "#12345678", "yes", "no", "what is my balance", "#4321"])
    assert lines[-2:] == ["bot: Thank you Alice. Your balance is 1,234.56 dollars.", ANYTHING_ELSE]


async def test_agent_anywhere_carries_context_without_the_pin(bank) -> None:
    chat = Chat(bank)
    await chat.start()
    await chat.say("check my balance")
    await chat.say("#12345678")
    await chat.say("yes")
    await chat.say("#4321")
    assert await chat.say("I want to speak to a real person") == [
        "bot: Let me put you through to an agent. One moment.",
        "[transfer to bank_agents] bank: intent check_balance; slots account_number=12345678, "
        "pin=***, account_found=True, verified=True, customer_name=Alice, balance=1,234.56; "
        "caller needs an agent in anything_else",
    ]
    transfer = chat.actions[-1]
    assert isinstance(transfer, Transfer)
    assert transfer.context["intent"] == "check_balance"
    assert json.loads(transfer.context["slots"])["pin"] == "***"
    assert "4321" not in json.dumps(dict(transfer.context))
    assert "caller: I want to speak to a real person" in transfer.context["transcript"]
    assert all(isinstance(v, str) for v in transfer.context.values())


async def test_agent_while_a_slot_is_being_collected(bank) -> None:
    chat = Chat(bank)
    await chat.start()
    await chat.say("balance")
    assert (await chat.say("operator"))[-1].startswith("[transfer to bank_agents]")


async def test_help_and_repeat_stay_in_the_state(bank) -> None:
    chat = Chat(bank)
    await chat.start()
    assert await chat.say("what can you do") == [
        "bot: You can ask for your balance, report a lost or stolen card, or ask for an agent."
    ]
    assert await chat.say("say that again please") == [WELCOME[1]]
    await chat.say("balance")
    assert await chat.say("repeat that") == [ASK_ACCOUNT]


async def test_goodbye_anywhere(bank) -> None:
    assert (await script(bank, ["goodbye"]))[-2:] == GOODBYE


async def test_no_input_reprompts_then_goes_to_an_agent(bank) -> None:
    chat = Chat(bank)
    await chat.start()
    assert await chat.say("(silence)") == ["bot: Sorry, I did not hear anything.", WELCOME[1]]
    assert await chat.say("(silence)") == ["bot: Are you still there?", WELCOME[1]]
    third = await chat.say("(silence)")
    assert third[0] == "bot: Let me put you through to an agent. One moment."
    assert third[1].endswith("no input in welcome")


async def test_no_match_reprompts_then_goes_to_an_agent(bank) -> None:
    chat = Chat(bank)
    await chat.start()
    assert await chat.say("#7") == ["bot: Sorry, I did not get that.", WELCOME[1]]
    assert await chat.say("purple elephants dancing") == [
        "bot: Sorry, I still did not understand.",
        WELCOME[1],
    ]
    assert (await chat.say("#9"))[-1].startswith("[transfer to bank_agents]")


async def test_pin_that_never_fits_falls_back_to_an_agent(bank) -> None:
    chat = Chat(bank)
    await chat.start()
    for line in ["#1", "#12345678", "yes"]:
        await chat.say(line)
    assert await chat.say("banana") == [
        "bot: Sorry, I did not get that.",
        "bot: Your PIN has four digits. Please key it in.",
    ]
    await chat.say("banana")
    assert (await chat.say("banana"))[-1].startswith("[transfer to bank_agents]")


async def test_trace_shows_state_intent_and_masked_slots(bank) -> None:
    chat = Chat(bank)
    await chat.start()
    await chat.say("what is my balance")
    trace = chat.session.trace()
    assert (trace.state, trace.intent) == ("balance", "check_balance")
    assert trace.confidence is not None and trace.confidence > 0.5
    for line in ["#12345678", "yes", "#4321"]:
        await chat.say(line)
    assert chat.session.trace().slots["pin"] == "***"


async def test_events_after_the_call_ended_do_nothing(bank) -> None:
    chat = Chat(bank)
    await chat.start()
    await chat.say("goodbye")
    count = len(chat.actions)
    await chat.say("hello?")
    assert len(chat.actions) == count


MENU = "bot: What else can I do for you? Say balance or lost card."
LOST_CARD_ASK = "bot: I can block the card on account 1 2 3 4 5 6 7 8 now. Shall I block it?"


@pytest.mark.parametrize(
    ("lines", "last"),
    [
        (["#0"], "[transfer to bank_agents]"),
        (["#1"], ASK_ACCOUNT),
        (["#2", "#12345678", "yes", "no", "I lost my card"], LOST_CARD_ASK),
        (["#2", "#12345678", "yes", "no", "yes"], MENU),
        (["#2", "#12345678", "yes", "no", "yes", "#1"], ASK_PIN),
        (["#2", "#12345678", "yes", "no", "yes", "#2"], LOST_CARD_ASK),
        (["#2", "#12345678", "yes", "no", "yes", "check my balance"], ASK_PIN),
        (["#1", "#1#", "#1#", "#1#"], "[transfer to bank_agents]"),  # account too short
    ],
    ids=[
        "welcome-0",
        "welcome-1",
        "else-lost",
        "else-yes",
        "menu-1",
        "menu-2",
        "menu-balance",
        "account-retries",
    ],
)
async def test_menu_keys_and_intents(bank, lines: list[str], last: str) -> None:
    assert (await script(bank, lines))[-1].startswith(last)


async def test_a_hash_after_a_complete_entry_is_ignored(bank) -> None:
    chat = Chat(bank)
    await chat.start()
    await chat.say("#1")
    assert await chat.say("#12345678#") == ["bot: I heard 1 2 3 4 5 6 7 8. Is that right?"]
    assert await chat.say("#1") == [ASK_PIN]  # 1 means yes


async def test_keys_then_silence_end_the_entry(bank) -> None:
    chat = Chat(bank)
    await chat.start()
    await chat.say("#1")
    await chat.say("#1234567")
    assert await chat.say("#8") == ["bot: I heard 1 2 3 4 5 6 7 8. Is that right?"]
    await chat.say("yes")
    await chat.say("#432")
    assert await chat.say("(silence)") == [
        "bot: Sorry, I did not get that.",
        "bot: Your PIN has four digits. Please key it in.",
    ]
    assert await chat.say("(pause)") == []  # nothing typed: keep listening


async def test_a_caller_who_never_agrees_with_the_read_back_reaches_an_agent(bank) -> None:
    lines = await script(bank, ["#1", "#12345678", "no", "#12345678", "no", "#12345678", "no"])
    assert lines[-1].startswith("[transfer to bank_agents]")
    assert lines.count("bot: Let's try again.") == 3


@pytest.mark.parametrize(
    ("lines", "intent", "state"),
    [
        (["I'd like to send some money to my son"], "transfer_money", "welcome"),
        (
            ["#2", "#12345678", "yes", "no", "what went out of my account lately"],
            "recent_transactions",
            "anything_else",
        ),
        (
            ["#2", "#12345678", "yes", "no", "yes", "I need a new pin for my card"],
            "change_pin",
            "menu",
        ),
    ],
    ids=["welcome-transfer", "else-transactions", "menu-pin"],
)
async def test_what_the_bot_cannot_do_itself_goes_to_an_agent(
    bank, lines: list[str], intent: str, state: str
) -> None:
    last = (await script(bank, lines))[-1]
    assert last.startswith(f"[transfer to bank_agents] bank: intent {intent};")
    assert last.endswith(f"caller needs an agent in {state}")


async def test_general_questions_are_answered_from_the_faq(bank) -> None:
    chat = Chat(bank)
    await chat.start()
    assert await chat.say("is there a limit on cash withdrawals") == [
        "bot: You can take out up to five hundred dollars a day from cash machines.",
        ANYTHING_ELSE,
    ]
    assert await chat.say("check my balance") == [ASK_ACCOUNT]  # still in the welcome state


async def test_keys_that_fill_a_slot_name_no_intent(bank) -> None:
    chat = Chat(bank)
    await chat.start()
    assert await chat.say("#1") == [ASK_ACCOUNT]  # the main menu maps key 1 to the balance
    assert chat.session.trace().intent == "key 1"
    await chat.say("#12345678")
    assert chat.session.trace().intent is None  # digits of the account number, not "key 1"
    await chat.say("#1")  # "yes" to the read-back, by key
    assert chat.session.trace().intent is None


async def test_a_lost_card_on_an_account_we_cannot_find_reaches_an_agent(bank) -> None:
    lines = await script(bank, ["I lost my card", "#99999999", "#99999999", "#99999999"])
    assert lines.count("bot: I could not find that account number.") == 3
    assert lines[-2:] == [
        "bot: Let me put you through to an agent. One moment.",
        "[transfer to bank_agents] bank: intent lost_card; slots account_found=False; "
        "no match for account_number in lost_card",
    ]
