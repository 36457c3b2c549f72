"""Small HTTP helpers shared by the sim tests."""

from typing import Any

import aiohttp


async def get_json(http: aiohttp.ClientSession, url: str, **kwargs: Any) -> tuple[int, Any]:
    async with http.get(url, **kwargs) as resp:
        return resp.status, await resp.json(content_type=None)


async def post_json(http: aiohttp.ClientSession, url: str, body: Any = None) -> tuple[int, Any]:
    async with http.post(url, json=body or {}) as resp:
        return resp.status, await resp.json(content_type=None)
