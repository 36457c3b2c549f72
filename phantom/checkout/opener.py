"""LinkOpener: opens a checkout link in the person's own browser, when they enabled it."""

from __future__ import annotations

import threading
import webbrowser
from collections.abc import Callable

import structlog

log = structlog.get_logger()


def _open_in_new_tab(url: str) -> bool:
    return webbrowser.open(url, new=2)


class WebbrowserOpener:
    """`webbrowser.open` in a daemon thread: it may start a process (or, with a text browser, block), and
    the caller is on the detection-to-link path. A no-op unless `enabled`. The URL is never logged: a
    permalink carries the profile's contact and address fields."""

    def __init__(self, *, enabled: bool, open_url: Callable[[str], bool] = _open_in_new_tab) -> None:
        self.enabled = enabled
        self._open_url = open_url

    def open(self, url: str) -> None:
        if not self.enabled:
            return
        threading.Thread(target=self._open, args=(url,), name="phantom-open-link", daemon=True).start()

    def _open(self, url: str) -> None:
        try:
            if not self._open_url(url):
                log.warning("link_open_failed", reason="no browser available")
        except webbrowser.Error as exc:
            log.warning("link_open_failed", reason=str(exc))
