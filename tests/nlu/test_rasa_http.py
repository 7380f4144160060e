from __future__ import annotations

import socket

import httpx
import pytest

from voicebot.nlu import NO_MATCH, NluServiceError, RasaHttpClassifier
from voicebot.nlu.understanding import Entity

from .fake_rasa import fake_rasa


async def test_parse_reads_intent_confidence_and_entities() -> None:
    async with (
        fake_rasa("ok") as server,
        RasaHttpClassifier(f"http://127.0.0.1:{server.port}") as rasa,
    ):
        understanding = await rasa.parse("I lost my visa card")
    assert understanding.intent == "lost_card"
    assert understanding.confidence == pytest.approx(0.93)
    assert understanding.entities == (Entity("card_type", "visa", "visa", 10, 14),)
    assert understanding.text == "I lost my visa card"
    assert server.requests == [("/model/parse", {"text": "I lost my visa card"})]


async def test_full_parse_url_and_shared_client() -> None:
    async with fake_rasa("ok") as server, httpx.AsyncClient() as client:
        rasa = RasaHttpClassifier(f"http://127.0.0.1:{server.port}/model/parse/", client=client)
        await rasa.parse("hello")
        await rasa.aclose()  # a shared client stays open for its owner
        assert not client.is_closed
    assert server.requests[0][0] == "/model/parse"


async def test_no_intent_from_rasa_is_no_match() -> None:
    async with (
        fake_rasa("no_intent") as server,
        RasaHttpClassifier(f"http://127.0.0.1:{server.port}") as rasa,
    ):
        understanding = await rasa.parse("hmm")
    assert understanding.intent == NO_MATCH
    assert understanding.confidence == 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_connection_refused_is_retryable() -> None:
    async with RasaHttpClassifier(f"http://127.0.0.1:{free_port()}") as rasa:
        with pytest.raises(NluServiceError, match="cannot reach Rasa") as caught:
            await rasa.parse("hello")
    assert caught.value.retryable
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


async def test_timeout_is_retryable() -> None:
    async with fake_rasa("slow") as server:
        async with RasaHttpClassifier(f"http://127.0.0.1:{server.port}", timeout=0.2) as rasa:
            with pytest.raises(NluServiceError, match="did not answer within 0.2 s") as caught:
                await rasa.parse("hello")
    assert caught.value.retryable


async def test_server_error_is_retryable() -> None:
    async with (
        fake_rasa("error500") as server,
        RasaHttpClassifier(f"http://127.0.0.1:{server.port}") as rasa,
    ):
        with pytest.raises(NluServiceError, match="HTTP 500") as caught:
            await rasa.parse("hello")
    assert caught.value.retryable


async def test_wrong_path_is_not_retryable() -> None:
    async with (
        fake_rasa("ok") as server,
        RasaHttpClassifier(f"http://127.0.0.1:{server.port}/v2/parse") as rasa,
    ):
        with pytest.raises(NluServiceError, match="HTTP 404") as caught:
            await rasa.parse("hello")
    assert not caught.value.retryable


async def test_garbage_reply_is_not_retryable() -> None:
    async with (
        fake_rasa("garbage") as server,
        RasaHttpClassifier(f"http://127.0.0.1:{server.port}") as rasa,
    ):
        with pytest.raises(NluServiceError, match="not /model/parse JSON") as caught:
            await rasa.parse("hello")
    assert not caught.value.retryable
