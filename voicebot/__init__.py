"""voicebot: an open, self-hosted AI voicebot/callbot layer for call centers."""

__version__ = "0.1.0"
