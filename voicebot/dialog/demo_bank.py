"""A demo banking backend for dialogs/bank.yaml: in-memory accounts behind three JSON endpoints.

Mounted by the server under /demo/bank; a real backend only has to answer the same JSON.
Nothing here is secure: it exists so the bank dialog can be tried end to end.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter
from pydantic import BaseModel


@dataclass
class DemoAccount:
    owner: str
    pin: str
    balance: str  # speakable amount, e.g. "1,234.56"
    card_last4: str
    card_blocked: bool = False


def demo_accounts() -> dict[str, DemoAccount]:
    return {
        "12345678": DemoAccount("Alice", "4321", "1,234.56", "9012"),
        "87654321": DemoAccount("Bob", "1111", "87.10", "3344"),
    }


class AccountQuery(BaseModel):
    account: str


class Credentials(BaseModel):
    account: str
    pin: str


def create_demo_bank_router(accounts: dict[str, DemoAccount] | None = None) -> APIRouter:
    """Routes over `accounts` (a fresh demo set when None), so tests can inspect the state."""
    store = demo_accounts() if accounts is None else accounts
    router = APIRouter(prefix="/demo/bank", tags=["demo bank"])

    @router.post("/account")
    async def account_exists(query: AccountQuery) -> dict[str, bool]:
        return {"exists": query.account in store}

    @router.post("/verify")
    async def verify(credentials: Credentials) -> dict[str, object]:
        account = store.get(credentials.account)
        valid = account is not None and account.pin == credentials.pin
        return {"valid": valid, "name": account.owner if valid and account else ""}

    @router.post("/balance")
    async def balance(query: AccountQuery) -> dict[str, str]:
        account = store.get(query.account)
        return {"balance": account.balance if account else "0.00"}

    @router.post("/block_card")
    async def block_card(query: AccountQuery) -> dict[str, object]:
        account = store.get(query.account)
        if account is None:
            return {"blocked": False, "card_last4": ""}
        account.card_blocked = True
        return {"blocked": True, "card_last4": account.card_last4}

    return router
