"""The per-call real-time loop: turn-taking, barge-in, timeouts, DTMF, metrics.

    services = CallServices.with_engines(settings, AsrPool(...), SpeechService(...))
    # or: async with open_services(settings, prompts=dialog.static_prompts()) as services:
    record = await Conversation(leg, dialog.new_session(vars), services, on_event=sink).run()

Modules: `call` (Conversation), `playout` (the single 20 ms playout clock, PlaybackReport),
`listener` (VAD + endpointer + streaming ASR), `inbox` (inputs and the no-input timer), `services` (what calls share), `events` (the live
event stream), `metrics` (TurnRecord, CallRecord), `file_leg` (WavFileLeg), `virtual_clock`
(faster-than-real-time runs), `file_call` (run a call over a WAV), `rule_dialog` (a keyword dialog).
"""
