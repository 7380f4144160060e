"""voicebot.acd"""
