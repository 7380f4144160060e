"""voicebot.conversation"""
