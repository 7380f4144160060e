"""Which utterances of tests/fixtures/speech the ASR tests use."""

ROUND_TRIP_IDS = ("balance-01", "card-02", "agent-02")
LOOP_PRONE_IDS = (
    "yesno-01",
    "agent-05",
    "card-01",
    "other-10",
)  # short clips that looped without the cut
