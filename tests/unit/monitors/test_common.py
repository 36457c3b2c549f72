from datetime import UTC, datetime

import pytest

from phantom.adapters.http import HttpResponse, parse_retry_after, retry_after_seconds
from phantom.domain.errors import StoreBlocked, StoreRateLimited, StoreUnavailable
from phantom.domain.ports import CachedPage
from phantom.monitors.common import (
    body_hash,
    cents_from_text,
    conditional_headers,
    raise_for_status,
    unchanged_or_body,
)

NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
JSON = "application/json; charset=utf-8"
HTML = "text/html; charset=utf-8"


def resp(status: int, body: bytes = b"", **headers: str) -> HttpResponse:
    return HttpResponse(status, {k.replace("_", "-"): v for k, v in headers.items()}, "http://x/", body, 1.0)


class TestRetryAfter:
    @pytest.mark.parametrize(
        ("value", "seconds"),
        [
            ("120", 120.0),
            (" 5 ", 5.0),
            ("0", 0.0),
            ("Thu, 01 Jan 2026 12:00:30 GMT", 30.0),
            ("Thu, 01 Jan 2026 11:00:00 GMT", 0.0),  # in the past: go now
            (None, None),
            ("", None),
            ("soon", None),
            ("-3", None),
            ("inf", None),
            ("nan", None),
        ],
    )
    def test_parse(self, value, seconds):
        assert parse_retry_after(value, NOW) == seconds

    def test_default_and_cap(self):
        assert retry_after_seconds({}, NOW) == 60.0
        assert retry_after_seconds({"retry-after": "7"}, NOW) == 7.0
        assert retry_after_seconds({"retry-after": "99999999"}, NOW) == 3600.0
        assert retry_after_seconds({"retry-after": "junk"}, NOW, default=2.5) == 2.5


class TestCents:
    @pytest.mark.parametrize(
        ("text", "cents"), [("145.00", 14500), ("0.5", 50), ("7", 700), ("1e2", 10000), ("19.999", 2000)]
    )
    def test_valid(self, text, cents):
        assert cents_from_text(text) == cents

    @pytest.mark.parametrize("text", ["", "abc", "-1", "1e40", "NaN", "1.2.3"])
    def test_invalid(self, text):
        with pytest.raises(ValueError, match="price"):
            cents_from_text(text)


class TestConditional:
    def test_headers_from_cache(self):
        assert conditional_headers(None) == {}
        assert conditional_headers(CachedPage(etag='"a"')) == {"If-None-Match": '"a"'}
        assert conditional_headers(CachedPage(last_modified="x")) == {"If-Modified-Since": "x"}
        both = conditional_headers(CachedPage(etag='"a"', last_modified="x"))
        assert both == {"If-None-Match": '"a"', "If-Modified-Since": "x"}

    def test_304_reuses_the_cached_page(self):
        cached = CachedPage(etag='"a"', body_hash=b"h")
        assert unchanged_or_body(resp(304), cached) == (cached, None)

    def test_304_without_a_cache_is_an_error(self):
        with pytest.raises(StoreUnavailable, match="304"):
            unchanged_or_body(resp(304), None)

    def test_identical_bytes_are_a_hash_skip_with_fresh_validators(self):
        cached = CachedPage(etag='"a"', body_hash=body_hash(b"{}"))
        page, body = unchanged_or_body(resp(200, b"{}", etag='"b"'), cached)
        assert body is None
        assert page is not None
        assert page.etag == '"b"'

    def test_new_bytes_are_returned_with_their_digest(self):
        page, body = unchanged_or_body(resp(200, b'{"a":1}', etag='"b"'), CachedPage(body_hash=b"old"))
        assert page is None
        assert body is not None
        assert body.digest == body_hash(b'{"a":1}')
        assert body.etag == '"b"'


class TestStatusMapping:
    def map(self, r: HttpResponse, *, html_429_blocks: bool = False) -> None:
        raise_for_status(
            r, what="x", not_found="gone (404)", html_429_blocks=html_429_blocks, default_retry_after=60.0
        )

    def test_ok_statuses_pass(self):
        self.map(resp(200, b"{}"))
        self.map(resp(304))

    def test_429_json_is_rate_limited_with_retry_after(self):
        with pytest.raises(StoreRateLimited) as info:
            self.map(resp(429, b'{"errors":"Too Many Requests"}', content_type=JSON, retry_after="5"))
        assert info.value.retry_after == 5.0

    def test_429_html_blocks_only_where_asked(self):
        page = b"<html><h1>Too Many Requests</h1></html>"
        with pytest.raises(StoreRateLimited):
            self.map(resp(429, page, content_type=HTML))
        with pytest.raises(StoreBlocked, match="429"):
            self.map(resp(429, page, content_type=HTML), html_429_blocks=True)

    def test_html_429_naming_a_retry_after_is_honoured_even_where_html_blocks(self):
        page = b"<html><h1>Too Many Requests</h1></html>"
        with pytest.raises(StoreRateLimited) as info:
            self.map(resp(429, page, content_type=HTML, retry_after="3"), html_429_blocks=True)
        assert info.value.retry_after == 3.0

    def test_json_429_pointing_at_a_captcha_blocks(self):
        body = b'{"url":"https://geo.captcha-delivery.com/captcha/?initialCid=x"}'
        with pytest.raises(StoreBlocked, match="datadome"):
            self.map(resp(429, body, content_type=JSON, retry_after="3"))

    def test_429_with_a_captcha_blocks_everywhere(self):
        with pytest.raises(StoreBlocked, match="captcha"):
            self.map(resp(429, b'<div class="g-recaptcha"></div>', content_type=HTML))

    def test_403_blocks(self):
        with pytest.raises(StoreBlocked, match="access denied"):
            self.map(resp(403, b"<h1>Access Denied</h1>", content_type=HTML))

    @pytest.mark.parametrize(("status", "match"), [(404, "gone"), (500, "server error"), (418, "unexpected")])
    def test_other_failures_are_unavailable(self, status, match):
        with pytest.raises(StoreUnavailable, match=match):
            self.map(resp(status, b"<h1>oops</h1>", content_type=HTML))

    def test_503_challenge_blocks(self):
        body = b"<html><title>Just a moment...</title><script src='/cdn-cgi/challenge-platform/x'></script>"
        with pytest.raises(StoreBlocked, match="cloudflare"):
            self.map(resp(503, body, content_type=HTML))


class TestBlockPageRetryAfter:
    def test_a_challenge_with_retry_after_keeps_the_hold(self) -> None:
        body = b"<html><div class='g-recaptcha'></div>Please verify you are a human</html>"
        resp = HttpResponse(
            status=403,
            headers={"content-type": "text/html", "retry-after": "120"},
            url="http://127.0.0.1/x",
            body=body,
            elapsed_ms=1.0,
        )
        with pytest.raises(StoreBlocked) as info:
            raise_for_status(resp, what="x", not_found="nf", html_429_blocks=True, default_retry_after=30)
        assert info.value.retry_after == 120
