"""SIP on asyncio (RFC 3261): wire format, transactions, dialogs, a UAS server and SIP call legs."""
