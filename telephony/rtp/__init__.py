"""RTP for SIP calls: packets, G.711 and telephone-event payloads, jitter buffer, RTCP, session."""

from telephony.rtp.clock import MonotonicPacingClock, PacingClock
from telephony.rtp.codec import CODECS, PCMA, PCMU, G711Codec, codec_for_payload_type
from telephony.rtp.dtmf import DtmfReceiver, TelephoneEvent, dtmf_packets, event_code
from telephony.rtp.errors import RtpError, RtpNotStarted, RtpSessionClosed
from telephony.rtp.inbound import InboundMedia
from telephony.rtp.inbound_queue import InboundEvent, InboundQueue
from telephony.rtp.jitter import Concealment, ConcealmentKind, JitterBuffer, JitterStats, Playout
from telephony.rtp.pacer import PacerStats, RtpPacer
from telephony.rtp.packet import RtpPacket, is_rtcp, seq_delta, timestamp_delta
from telephony.rtp.rtcp import (
    OtherRtcp,
    ReceiverReport,
    ReceiverStatistics,
    ReportBlock,
    SenderReport,
    ntp_timestamp,
    parse_rtcp,
    sdes_cname,
)
from telephony.rtp.sender import RtpSender
from telephony.rtp.session import RtpSession, RtpSessionConfig, RtpSessionStats

__all__ = [
    "CODECS",
    "PCMA",
    "PCMU",
    "Concealment",
    "ConcealmentKind",
    "DtmfReceiver",
    "G711Codec",
    "InboundEvent",
    "InboundMedia",
    "InboundQueue",
    "JitterBuffer",
    "JitterStats",
    "MonotonicPacingClock",
    "OtherRtcp",
    "PacerStats",
    "PacingClock",
    "Playout",
    "ReceiverReport",
    "ReceiverStatistics",
    "ReportBlock",
    "RtpError",
    "RtpNotStarted",
    "RtpPacer",
    "RtpPacket",
    "RtpSender",
    "RtpSession",
    "RtpSessionClosed",
    "RtpSessionConfig",
    "RtpSessionStats",
    "SenderReport",
    "TelephoneEvent",
    "codec_for_payload_type",
    "dtmf_packets",
    "event_code",
    "is_rtcp",
    "ntp_timestamp",
    "parse_rtcp",
    "sdes_cname",
    "seq_delta",
    "timestamp_delta",
]
