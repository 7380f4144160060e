"""voicebot.vad"""
