"""SIP on asyncio (RFC 3261): wire format, transactions, dialogs, a server and client, SIP call legs.

server = SipServer("127.0.0.1", 5060, on_call=handle, options=ServerOptions(...))
await server.start()                      # UDP and TCP; each call -> await handle(SipCallLeg)
result = await SipClient(server, trunk=Trunk("sip:pbx:5060", "user", "pw")).dial("sip:100@pbx")
await server.stop()
"""

from telephony.sip.call import CallOptions
from telephony.sip.client import DialResult, SipClient, Trunk
from telephony.sip.digest import InboundAuth
from telephony.sip.leg import SipCallLeg
from telephony.sip.ratelimit import RateLimit
from telephony.sip.registration import Registration
from telephony.sip.server import ServerOptions, SipServer

__all__ = [
    "CallOptions",
    "DialResult",
    "InboundAuth",
    "RateLimit",
    "Registration",
    "ServerOptions",
    "SipCallLeg",
    "SipClient",
    "SipServer",
    "Trunk",
]
