from voicebot.conversation.heard import estimate_heard_text, split_sentences, words_heard


def test_sentences_split_after_terminal_punctuation():
    assert split_sentences("Hello there. How can I help? Bye!") == [
        "Hello there.",
        "How can I help?",
        "Bye!",
    ]


def test_words_count_as_heard_only_when_they_ended():
    assert words_heard("your balance is ten dollars", 0.5) == "your balance"
    assert words_heard("your balance is ten dollars", 0.0) == ""
    assert words_heard("your balance is ten dollars", 1.0) == "your balance is ten dollars"


def test_whole_sentences_then_words_of_the_one_being_played():
    text = "Hello there. Your balance is ten dollars."
    # chunk 1 = first sentence (1000 samples), chunk 2 = second (3000); 2500 played = half of the second
    heard = estimate_heard_text(text, [1000, 3000], 2500, synthesis_done=True)
    assert heard == "Hello there. Your balance"


def test_nothing_played_means_nothing_heard():
    assert estimate_heard_text("Hello there.", [1000], 0, synthesis_done=True) == ""


def test_chunks_that_do_not_match_sentences_fall_back_to_the_played_fraction():
    heard = estimate_heard_text(
        "one two three four", [100, 100, 100, 100], 200, synthesis_done=True
    )
    assert heard == "one two"
