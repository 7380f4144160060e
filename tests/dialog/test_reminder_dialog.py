"""Scripted calls through every path of dialogs/appointment_reminder.yaml (outbound)."""

from __future__ import annotations

from dialog_helpers import Chat, script

from voicebot.dialog.protocol import ScheduleCallback

CONTACT = {
    "caller": "+15550199",
    "phone": "+15551234567",
    "first_name": "Dana",
    "appointment": "2026-12-10T09:30:00",
    "call_id": "out-1",
}
REMINDER = (
    "bot: Hello Dana, this is Sunny Clinic. You have an appointment on Thursday, December 10 at "
    "9 30 a m. Can you make it? You can also say reschedule or cancel."
)


async def test_answering_machine_gets_a_message(reminder) -> None:
    lines = await script(reminder, [], {**CONTACT, "answered_by": "machine"})
    assert lines == [
        "bot: Hello, this is a message for Dana from Sunny Clinic. You have an appointment on "
        "Thursday, December 10 at 9 30 a m. To change it, please call us back. Goodbye.  [not interruptible]",
        "[hangup: voicemail]",
    ]


async def test_confirm_by_voice_and_by_key(reminder) -> None:
    assert await script(reminder, ["yes I will be there"], CONTACT) == [
        REMINDER,
        "caller: yes I will be there",
        "bot: Thank you, your appointment is confirmed. See you then. Goodbye.",
        "[hangup: confirmed]",
    ]
    assert (await script(reminder, ["#1"], CONTACT))[-1] == "[hangup: confirmed]"


async def test_reschedule_to_a_new_date_and_time(reminder) -> None:
    chat = Chat(reminder)
    assert await chat.start(CONTACT) == [REMINDER]
    assert await chat.say("I need to reschedule") == ["bot: Which day would suit you better?"]
    assert await chat.say("next tuesday") == ["bot: And at what time?"]
    assert await chat.say("half past ten in the morning") == [
        "bot: So that is Tuesday, December 8 at 10 30 a m. Shall I book it?"
    ]
    assert await chat.say("yes") == [
        "bot: Done. Your appointment is now on Tuesday, December 8 at 10 30 a m. Goodbye.",
        "[hangup: rescheduled]",
    ]


async def test_reschedule_declined_asks_for_the_date_again(reminder) -> None:
    chat = Chat(reminder)
    await chat.start(CONTACT)
    for line in ["#2", "friday", "3 pm"]:
        await chat.say(line)
    assert await chat.say("no") == [
        "bot: All right, let's find another time.",
        "bot: Which day would suit you better?",
    ]
    assert await chat.say("blue") == [
        "bot: Sorry, I did not understand.",
        "bot: Please tell me a day, for example next Tuesday or the twelfth.",
    ]


async def test_no_to_the_reminder_means_reschedule(reminder) -> None:
    assert (await script(reminder, ["no"], CONTACT))[-1] == "bot: Which day would suit you better?"


async def test_cancel_after_confirmation_or_keep_it(reminder) -> None:
    assert (await script(reminder, ["I want to cancel", "yes"], CONTACT))[-2:] == [
        "bot: Your appointment is cancelled. Call us whenever you want a new one. Goodbye.",
        "[hangup: cancelled]",
    ]
    kept = await script(reminder, ["#3", "no"], CONTACT)
    assert kept[-3:] == [
        "bot: Do you really want to cancel your appointment?",
        "caller: no",
        REMINDER,
    ]


async def test_callback_is_scheduled_at_the_time_asked(reminder) -> None:
    chat = Chat(reminder)
    await chat.start(CONTACT)
    assert await chat.say("this is not a good time") == ["bot: When should we call you back?"]
    assert await chat.say("tomorrow at 5 pm") == [
        "[callback +15551234567 at 2026-12-04T17:00:00+00:00: appointment reminder]",
        "bot: Fine, we will call you back Friday, December 4 at 5 p m. Goodbye.",
        "[hangup: callback_scheduled]",
    ]
    callback = next(a for a in chat.actions if isinstance(a, ScheduleCallback))
    assert callback.when == "2026-12-04T17:00:00+00:00"


async def test_front_desk_on_request_with_context(reminder) -> None:
    lines = await script(reminder, ["can I speak to the front desk"], CONTACT)
    assert lines[-2] == "bot: Let me put you through to our front desk."
    assert lines[-1].startswith("[transfer to clinic_front_desk] appointment_reminder: intent none")


async def test_silence_ends_the_call_politely(reminder) -> None:
    lines = await script(reminder, ["(silence)", "(silence)", "(silence)"], CONTACT)
    assert lines[-2:] == ["bot: I will try again another time. Goodbye.", "[hangup: no_answer]"]


async def test_repeat_and_goodbye(reminder) -> None:
    lines = await script(reminder, ["say that again", "bye"], CONTACT)
    assert lines == [
        REMINDER,
        "caller: say that again",
        REMINDER,
        "caller: bye",
        "bot: Thank you. Goodbye.",
        "[hangup: completed]",
    ]


async def test_plain_yes_confirms_and_nonsense_ends_at_the_front_desk(reminder) -> None:
    assert (await script(reminder, ["yes"], CONTACT))[-1] == "[hangup: confirmed]"
    lines = await script(reminder, ["purple", "purple", "purple"], CONTACT)
    assert lines[-1].startswith("[transfer to clinic_front_desk]")
    assert "no match" in lines[-1]


async def test_asking_for_the_details_hears_the_reminder_again(reminder) -> None:
    lines = await script(reminder, ["sorry when is the appointment", "that works for me"], CONTACT)
    assert lines[2] == REMINDER
    assert lines[-1] == "[hangup: confirmed]"


async def test_help_says_what_the_caller_can_do(reminder) -> None:
    assert (await script(reminder, ["what are my options"], CONTACT))[2:] == [
        "bot: You can confirm, reschedule or cancel the appointment, ask us to call you back "
        "later, or ask for the front desk."
    ]


async def test_call_me_later_in_other_words(reminder) -> None:
    lines = await script(reminder, ["I'm driving can you ring me later"], CONTACT)
    assert lines[-1] == "bot: When should we call you back?"
