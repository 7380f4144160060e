"""Registration with a PBX or registrar (RFC 3261 §10), so the bot can be an extension.

REGISTER with digest authentication, refreshed at 80% of the granted expiry with the same Call-ID
and a growing CSeq. The last challenge is remembered and answered up front on refreshes (nc grows),
as phones do; a 401 with a fresh nonce is answered once more.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telephony.sip.build import make_request, new_branch, new_call_id, new_tag
from telephony.sip.client import next_hop
from telephony.sip.digest import DigestError, authorization
from telephony.sip.errors import SipCallFailed, SipError
from telephony.sip.message import SipRequest, SipResponse
from telephony.sip.server import SipServer
from telephony.sip.uri import parse_uri

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


class Registration:
    def __init__(
        self,
        server: SipServer,
        registrar: str,
        *,
        user: str,
        username: str | None = None,
        password: str | None = None,
        expires: int = 3600,
        retry_after: float = 30.0,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.server = server
        self.registrar = parse_uri(registrar)
        self.user = user
        self.username = username or user
        self.password = password
        self.expires = expires
        self.retry_after = retry_after
        self._sleep = sleep
        self.call_id = new_call_id(server.host)
        self.tag = new_tag()
        self.cseq = 0
        self.granted: int | None = None
        self.registered = asyncio.Event()
        self._challenge: tuple[int, str] | None = None  # (401 or 407, the challenge value)
        self._nc = 0

    @property
    def uri(self) -> str:
        port = f":{self.registrar.port}" if self.registrar.port else ""
        return f"sip:{self.registrar.host}{port}"

    def _credentials(self) -> tuple[str, str] | None:
        if self._challenge is None or self.password is None:
            return None
        status, challenge = self._challenge
        self._nc += 1
        value = authorization(
            challenge,
            method="REGISTER",
            uri=self.uri,
            username=self.username,
            password=self.password,
            nc=self._nc,
        )
        return ("Authorization" if status == 401 else "Proxy-Authorization", value)

    def _request(self, expires: int) -> SipRequest:
        self.cseq += 1
        peer = next_hop(self.registrar)
        aor = f"<sip:{self.user}@{self.registrar.host}>"
        headers = [("Expires", str(expires))]
        credentials = self._credentials()
        if credentials:
            headers.append(credentials)
        return make_request(
            "REGISTER",
            self.uri,
            via=self.server.endpoint.via(peer, new_branch()),
            from_=f"{aor};tag={self.tag}",
            to=aor,
            call_id=self.call_id,
            cseq=self.cseq,
            contact=self.server.contact(peer).replace("voicebot@", f"{self.user}@"),
            headers=headers,
        )

    async def register(self, expires: int | None = None) -> int:
        """One registration (answering at most one new challenge); returns the granted expiry."""
        expires = self.expires if expires is None else expires
        peer = next_hop(self.registrar)
        response = await self.server.endpoint.send_request(self._request(expires), peer).final
        if response.status in (401, 407) and self.password is not None:
            header = "WWW-Authenticate" if response.status == 401 else "Proxy-Authenticate"
            self._challenge = (response.status, response.headers.get(header) or "")
            self._nc = 0
            response = await self.server.endpoint.send_request(self._request(expires), peer).final
        if not response.is_success:
            raise SipCallFailed(response.status, response.reason)
        self.granted = _granted_expiry(response, expires)
        if expires:
            self.registered.set()
        else:
            self.registered.clear()
        return self.granted

    async def run(self) -> None:
        """Register, then refresh at 80% of the granted time; retry failures after `retry_after`."""
        while True:
            try:
                granted = await self.register()
                delay = max(1.0, granted * 0.8)
            except (SipError, DigestError) as exc:
                log.warning("registration of %s at %s failed: %s", self.user, self.uri, exc)
                self.registered.clear()
                delay = self.retry_after
            await self._sleep(delay)

    async def stop(self) -> None:
        """Unregister (Expires: 0) if registered."""
        if self.registered.is_set():
            try:
                await self.register(expires=0)
            except SipError as exc:
                log.info("unregister of %s failed: %s", self.user, exc)


def _granted_expiry(response: SipResponse, asked: int) -> int:
    for contact in response.headers.get_all("Contact"):
        for part in contact.split(";")[1:]:
            name, _, value = part.partition("=")
            if name.strip().lower() == "expires" and value.strip().isdigit():
                return int(value)
    value = response.headers.get("Expires")
    return int(value) if value and value.strip().isdigit() else asked
