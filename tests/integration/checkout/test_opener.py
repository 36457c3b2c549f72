import threading

from phantom.checkout.opener import WebbrowserOpener


class RecordingBrowser:
    def __init__(self) -> None:
        self.urls: list[str] = []
        self.threads: list[str] = []
        self.opened = threading.Event()

    def __call__(self, url: str) -> bool:
        self.urls.append(url)
        self.threads.append(threading.current_thread().name)
        self.opened.set()
        return True


class TestWebbrowserOpener:
    def test_opens_off_the_calling_thread_when_enabled(self) -> None:
        browser = RecordingBrowser()

        WebbrowserOpener(enabled=True, open_url=browser).open("http://127.0.0.1:1/cart/1:1")

        assert browser.opened.wait(5)
        assert browser.urls == ["http://127.0.0.1:1/cart/1:1"]
        assert browser.threads == ["phantom-open-link"]

    def test_does_nothing_when_disabled(self) -> None:
        browser = RecordingBrowser()

        WebbrowserOpener(enabled=False, open_url=browser).open("http://127.0.0.1:1/cart/1:1")

        assert not browser.opened.wait(0.2)
        assert browser.urls == []
