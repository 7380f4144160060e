import pytest

from telephony.webrtc.errors import DataChannelMessageError
from telephony.webrtc.messages import ControlMessage, parse_control, parse_dtmf


@pytest.mark.parametrize(
    "message, key", [("5", "5"), ("#", "#"), (b"*", "*"), ("a", "A"), (" 0 ", "0")]
)
def test_keypad_messages_become_keys(message, key):
    assert parse_dtmf(message) == key


@pytest.mark.parametrize("message", ["", "12", "x", "hangup"])
def test_anything_else_on_the_dtmf_channel_is_rejected(message):
    with pytest.raises(DataChannelMessageError, match="not a keypad key"):
        parse_dtmf(message)


def test_hangup_control_message_round_trips():
    sent = ControlMessage("hangup", "bot hangup").to_json()
    assert parse_control(sent) == ControlMessage("hangup", "bot hangup")
    assert parse_control('{"type": "hangup"}').type == "hangup"


@pytest.mark.parametrize("message", ["hangup", '{"type": "dance"}', "[]"])
def test_unknown_control_messages_are_rejected(message):
    with pytest.raises(DataChannelMessageError):
        parse_control(message)
