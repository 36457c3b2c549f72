import asyncio
import time
from typing import Any

import aiohttp
import pytest

from phantom.sim import SimServer
from tests.integration.sim.client import get_json, post_json


def embed(**overrides: Any) -> dict[str, Any]:
    base = {
        "title": "Nike Dunk Low Retro - Panda",
        "description": "Restocked: 9, 10",
        "fields": [{"name": "Price", "value": "$110.00"}],
        "footer": {"text": "phantom"},
        "author": {"name": "store-0"},
    }
    return {**base, **overrides}


async def messages(http: aiohttp.ClientSession, sim: SimServer, name: str) -> list[Any]:
    recorded: list[Any] = (await get_json(http, sim.control_url(f"/sink/{name}/messages")))[1]
    return recorded


class TestRecording:
    async def test_post_records_and_answers_204_with_rate_headers(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        before = time.time()
        async with http.post(sim.sink_url("alerts"), json={"content": "hello", "embeds": [embed()]}) as resp:
            assert resp.status == 204
            assert await resp.read() == b""
            assert resp.headers["X-RateLimit-Limit"] == "5"
            assert resp.headers["X-RateLimit-Remaining"] == "4"
            assert float(resp.headers["X-RateLimit-Reset-After"]) > 0
            assert resp.headers["X-RateLimit-Bucket"]
        recorded = await messages(http, sim, "alerts")
        assert len(recorded) == 1
        assert recorded[0]["body"]["embeds"][0]["title"] == "Nike Dunk Low Retro - Panda"
        assert recorded[0]["received_at"] >= before
        _, overview = await get_json(http, sim.control_url("/sinks"))
        assert overview["alerts"]["messages"] == 1

    async def test_wait_true_returns_a_message_with_snowflake_id(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        status, message = await post_json(http, sim.sink_url("alerts") + "?wait=true", {"content": "hi"})
        assert status == 200
        assert message["id"].isdigit()
        assert int(message["id"]) > 1 << 22
        assert message["content"] == "hi"
        recorded = await messages(http, sim, "alerts")
        assert recorded[0]["id"] == message["id"]
        assert recorded[0]["query"] == {"wait": "true"}

    async def test_raw_sink_records_any_body(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        status, _ = await post_json(http, sim.base_url + "/sink/apprise/raw", {"title": "t", "message": "m"})
        assert status == 200
        async with http.post(sim.base_url + "/sink/apprise/raw", data=b"plain text") as resp:
            assert resp.status == 200
        bodies = [m["body"] for m in await messages(http, sim, "apprise")]
        assert bodies == [{"title": "t", "message": "m"}, "plain text"]


class TestRateLimit:
    async def test_bucket_429_is_not_recorded_and_resets(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        await post_json(http, sim.control_url("/sink/fast"), {"limit": 2, "window": 0.4})
        statuses = []
        for i in range(3):
            async with http.post(sim.sink_url("fast"), json={"content": str(i)}) as resp:
                statuses.append(resp.status)
                if resp.status == 429:
                    body = await resp.json()
                    assert body["message"] == "You are being rate limited."
                    assert body["global"] is False
                    assert 0 < body["retry_after"] <= 0.4
                    assert resp.headers["Retry-After"] == "1"
                    assert resp.headers["X-RateLimit-Remaining"] == "0"
        assert statuses == [204, 204, 429]
        assert [m["body"]["content"] for m in await messages(http, sim, "fast")] == ["0", "1"]
        await asyncio.sleep(0.45)
        async with http.post(sim.sink_url("fast"), json={"content": "later"}) as resp:
            assert resp.status == 204

    async def test_default_is_five_per_two_seconds(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        statuses = []
        for i in range(6):
            async with http.post(sim.sink_url("d"), json={"content": str(i)}) as resp:
                statuses.append(resp.status)
        assert statuses == [204] * 5 + [429]


class TestValidation:
    @pytest.mark.parametrize(
        "body",
        [
            {"embeds": [embed(title="x" * 257)]},
            {"embeds": [embed(description="x" * 4097)]},
            {"embeds": [embed(fields=[{"name": "n", "value": "v"}] * 26)]},
            {"embeds": [embed(fields=[{"name": "n" * 257, "value": "v"}])]},
            {"embeds": [embed(fields=[{"name": "n", "value": "v" * 1025}])]},
            {"embeds": [embed(fields=[{"name": "n", "value": ""}])]},
            {"embeds": [embed(footer={"text": "f" * 2049})]},
            {"embeds": [embed(author={"name": "a" * 257})]},
            {"embeds": [embed(description="d" * 4000), embed(description="d" * 2000)]},
            {"embeds": [embed()] * 11},
            {"content": "c" * 2001},
        ],
    )
    async def test_limits_violations_are_400_and_not_recorded(
        self, sim: SimServer, http: aiohttp.ClientSession, body: dict[str, Any]
    ) -> None:
        await post_json(http, sim.control_url("/sink/v"), {"limit": 100})
        status, reply = await post_json(http, sim.sink_url("v"), body)
        assert status == 400
        assert reply["code"] == 50035
        assert reply["message"] == "Invalid Form Body"
        assert await messages(http, sim, "v") == []

    async def test_at_the_limits_is_accepted(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        fields = [{"name": "n" * 10, "value": "v" * 10}] * 25
        body = {
            "embeds": [
                embed(title="t" * 256, description="d" * 4096, fields=fields, footer={"text": "f" * 100})
            ]
        }
        async with http.post(sim.sink_url("v"), json=body) as resp:
            assert resp.status == 204

    async def test_empty_and_invalid_json(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        status, reply = await post_json(http, sim.sink_url("v"), {"username": "x"})
        assert (status, reply["code"]) == (400, 50006)
        async with http.post(
            sim.sink_url("v"), data=b"{nope", headers={"Content-Type": "application/json"}
        ) as resp:
            assert resp.status == 400
            assert (await resp.json())["code"] == 50109


class TestSinkFaults:
    @pytest.mark.parametrize(("mode", "status"), [("404", 404), ("401", 401), ("500", 500)])
    async def test_error_modes_count_down(
        self, sim: SimServer, http: aiohttp.ClientSession, mode: str, status: int
    ) -> None:
        await post_json(http, sim.control_url("/sink/f"), {"mode": mode, "count": 1})
        async with http.post(sim.sink_url("f"), json={"content": "1"}) as resp:
            assert resp.status == status
        async with http.post(sim.sink_url("f"), json={"content": "2"}) as resp:
            assert resp.status == 204
        assert [m["body"]["content"] for m in await messages(http, sim, "f")] == ["2"]

    async def test_forced_429_and_global(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        await post_json(http, sim.control_url("/sink/f"), {"mode": "429", "retry_after": 2.5})
        async with http.post(sim.sink_url("f"), json={"content": "1"}) as resp:
            body = await resp.json()
            assert (resp.status, body["retry_after"], body["global"]) == (429, 2.5, False)
            assert resp.headers["Retry-After"] == "3"
        await post_json(http, sim.control_url("/sink/f"), {"mode": "global429", "retry_after": 1})
        async with http.post(sim.sink_url("f"), json={"content": "1"}) as resp:
            assert resp.status == 429
            assert (await resp.json())["global"] is True
            assert resp.headers["X-RateLimit-Global"] == "true"
        assert await messages(http, sim, "f") == []

    async def test_slow(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        await post_json(http, sim.control_url("/sink/f"), {"mode": "slow", "delay": 0.3, "count": 1})
        started = time.perf_counter()
        async with http.post(sim.sink_url("f"), json={"content": "1"}) as resp:
            assert resp.status == 204
        assert time.perf_counter() - started >= 0.3

    async def test_request_log_shows_every_attempt(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        await post_json(http, sim.control_url("/sink/f"), {"mode": "500", "count": 1})
        for _ in range(2):
            async with http.post(sim.sink_url("f"), json={"content": "x"}) as resp:
                await resp.read()
        _, log = await get_json(http, sim.control_url("/requests?sink=f"))
        assert [e["status"] for e in log] == [500, 204]
        assert log[0]["path"] == "/sink/f/webhooks/1/token"

    async def test_unknown_mode_is_400(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        status, _ = await post_json(http, sim.control_url("/sink/f"), {"mode": "explode"})
        assert status == 400
