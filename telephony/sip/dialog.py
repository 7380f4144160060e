"""Dialog state (RFC 3261 §12): identifiers, sequence numbers, route set and remote target."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from telephony.sip.build import make_request, new_branch
from telephony.sip.errors import SipStateError
from telephony.sip.message import SipRequest, SipResponse
from telephony.sip.transport import Peer
from telephony.sip.uri import parse_name_addr


class DialogState(enum.Enum):
    EARLY = "early"
    CONFIRMED = "confirmed"
    TERMINATED = "terminated"


_ALLOWED = {
    DialogState.EARLY: {DialogState.CONFIRMED, DialogState.TERMINATED},
    DialogState.CONFIRMED: {DialogState.TERMINATED},
    DialogState.TERMINATED: set(),
}


@dataclass(slots=True)
class Dialog:
    call_id: str
    local_tag: str
    remote_tag: str
    local_uri: str  # our From value (without tag) in requests we send
    remote_uri: str
    remote_target: str  # the peer's Contact URI: Request-URI of our in-dialog requests
    route_set: list[str]
    local_seq: int
    remote_seq: int
    peer: Peer  # where the peer's messages came from; in-dialog requests go here
    state: DialogState = DialogState.EARLY
    local_contact: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> tuple[str, str, str]:
        return self.call_id, self.local_tag, self.remote_tag

    @classmethod
    def as_uas(cls, invite: SipRequest, local_tag: str, peer: Peer, local_contact: str) -> Dialog:
        """The dialog a 2xx (or 18x with tag) to `invite` creates on the answering side (§12.1.1)."""
        contacts = invite.headers.get_all("Contact")
        target = str(parse_name_addr(contacts[0]).uri) if contacts else invite.uri
        return cls(
            call_id=invite.call_id,
            local_tag=local_tag,
            remote_tag=invite.from_.tag or "",
            local_uri=_without_tag(invite.headers.get("To") or ""),
            remote_uri=_without_tag(invite.headers.get("From") or ""),
            remote_target=target,
            route_set=invite.headers.get_all("Record-Route"),
            local_seq=0,
            remote_seq=invite.cseq[0],
            peer=peer,
            local_contact=local_contact,
        )

    @classmethod
    def as_uac(
        cls, invite: SipRequest, response: SipResponse, peer: Peer, local_contact: str
    ) -> Dialog:
        """The dialog a 2xx to our `invite` creates on the calling side (§12.1.2)."""
        contacts = response.headers.get_all("Contact")
        target = str(parse_name_addr(contacts[0]).uri) if contacts else invite.uri
        return cls(
            call_id=invite.call_id,
            local_tag=invite.from_.tag or "",
            remote_tag=response.to.tag or "",
            local_uri=_without_tag(invite.headers.get("From") or ""),
            remote_uri=_without_tag(invite.headers.get("To") or ""),
            remote_target=target,
            route_set=list(reversed(response.headers.get_all("Record-Route"))),
            local_seq=invite.cseq[0],
            remote_seq=0,
            peer=peer,
            local_contact=local_contact,
        )

    def transition(self, new: DialogState) -> None:
        if new not in _ALLOWED[self.state]:
            raise SipStateError(f"dialog {self.call_id}: {self.state.name} -> {new.name}")
        self.state = new

    def accept_remote_cseq(self, request: SipRequest) -> bool:
        """False for an out-of-order request (answer 500, §12.2.2); ACK and CANCEL reuse numbers."""
        number = request.cseq[0]
        if request.method in ("ACK", "CANCEL"):
            return True
        if number <= self.remote_seq and self.remote_seq != 0:
            return False
        self.remote_seq = number
        return True

    def create_request(
        self,
        method: str,
        *,
        via_host: str,
        via_port: int,
        headers: list[tuple[str, str]] | None = None,
        body: bytes = b"",
        content_type: str | None = None,
        cseq: int | None = None,
    ) -> SipRequest:
        """An in-dialog request (§12.2.1.1); takes the next local CSeq unless `cseq` is given (ACK)."""
        if cseq is None:
            self.local_seq += 1
            cseq = self.local_seq
        routes = list(self.route_set)
        uri = self.remote_target
        if routes and ";lr" not in routes[0]:  # strict router: it becomes the Request-URI
            uri = routes.pop(0).strip("<>")
            routes.append(f"<{self.remote_target}>")
        return make_request(
            method,
            uri,
            via=f"SIP/2.0/{self.peer.transport} {via_host}:{via_port};branch={new_branch()};rport",
            from_=f"{self.local_uri};tag={self.local_tag}",
            to=f"{self.remote_uri};tag={self.remote_tag}",
            call_id=self.call_id,
            cseq=cseq,
            contact=self.local_contact
            if method in ("INVITE", "REFER", "NOTIFY", "SUBSCRIBE")
            else None,
            routes=routes,
            headers=headers,
            body=body,
            content_type=content_type,
        )


def _without_tag(value: str) -> str:
    address = parse_name_addr(value)
    params = {k: v for k, v in address.params.items() if k != "tag"}
    return str(type(address)(address.uri, address.display_name, params))
