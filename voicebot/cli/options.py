"""Options several subcommands share: HOST:PORT, --var NAME=VALUE, --demo-backend."""

from __future__ import annotations

import argparse
from collections.abc import Mapping

import httpx


def host_port(text: str) -> tuple[str, int]:
    """'127.0.0.1:5060' or '[::1]:5060' -> (host, port)."""
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, e.g. 127.0.0.1:5060, got {text!r}")
    return host.strip("[]"), int(port)


def add_variable_option(parser: argparse.ArgumentParser, help: str = "call variable") -> None:
    parser.add_argument("--var", action="append", default=[], metavar="NAME=VALUE", help=help)


def parse_variables(pairs: list[str], defaults: Mapping[str, str] | None = None) -> dict[str, str]:
    """`--var` values over `defaults`; raises ValueError naming the first malformed pair."""
    variables = dict(defaults or {})
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--var expects NAME=VALUE, got {pair!r}")
        variables[name.strip()] = value
    return variables


def add_demo_backend_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--demo-backend",
        action="store_true",
        help="answer dialog webhooks with the in-process demo bank backend instead of the network",
    )


def demo_backend_client() -> httpx.AsyncClient:
    """An HTTP client whose requests the demo bank backend answers in-process (no port)."""
    from fastapi import FastAPI

    from voicebot.dialog.demo_bank import create_demo_bank_router

    app = FastAPI()
    app.include_router(create_demo_bank_router())
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app))
