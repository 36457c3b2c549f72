"""The Playwright lifetime for browser-mode checkouts: one Chromium per process, launched on first use, and
one fresh context (cookies, storage, proxy) per attempt.

Chromium is the system's (Debian's /usr/bin/chromium); Playwright never downloads a browser here. The
flags keep it from calling outside hosts (FIELD-NOTES "Browser tests"). Nothing here disguises the browser:
no fingerprint or behaviour spoofing.
"""

from __future__ import annotations

import asyncio
from urllib.parse import unquote, urlsplit

from playwright.async_api import Browser, BrowserContext, Playwright, ProxySettings, async_playwright

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)


def proxy_settings(proxy_url: str) -> ProxySettings:
    """Playwright's proxy option from `scheme://user:pass@host:port` (credentials go in their own fields)."""
    parts = urlsplit(proxy_url)
    host = parts.hostname or ""
    server = f"{parts.scheme or 'http'}://{host}" + (f":{parts.port}" if parts.port else "")
    settings = ProxySettings(server=server)
    if parts.username:
        settings["username"] = unquote(parts.username)
        settings["password"] = unquote(parts.password or "")
    return settings


class BrowserHost:
    """Owns Playwright and one Chromium; hands out a new context per attempt. `close()` ends both."""

    def __init__(self, *, executable_path: str = DEFAULT_CHROMIUM, headless: bool = False) -> None:
        self.executable_path = executable_path
        self.headless = headless
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._lock = asyncio.Lock()

    async def new_context(self, proxy_url: str | None = None) -> BrowserContext:
        browser = await self._ensure_browser()
        proxy = proxy_settings(proxy_url) if proxy_url else None
        return await browser.new_context(proxy=proxy, locale="en-US")

    async def _ensure_browser(self) -> Browser:
        async with self._lock:
            if self._browser is not None and self._browser.is_connected():
                return self._browser
            if self._playwright is None:
                self._playwright = await async_playwright().start()
            self._browser = await self._playwright.chromium.launch(
                executable_path=self.executable_path, headless=self.headless, args=list(CHROMIUM_ARGS)
            )
            return self._browser

    async def close(self) -> None:
        async with self._lock:
            browser, self._browser = self._browser, None
            pw, self._playwright = self._playwright, None
        if browser is not None and browser.is_connected():
            await browser.close()
        if pw is not None:
            await pw.stop()
