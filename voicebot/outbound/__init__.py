"""voicebot.outbound"""
