import pytest

from phantom.captcha.detect import SCAN_BYTES, detect_challenge

HTML = "text/html; charset=utf-8"
JSON = "application/json"


@pytest.mark.parametrize(
    ("status", "content_type", "body", "reason"),
    [
        (200, JSON, b'{"products": []}', None),
        (
            200,
            JSON,
            b'{"isRecaptchaOn": false, "note": "g-recaptcha"}',
            None,
        ),  # data, not a page: not scanned
        (200, HTML, b"<html><body>Shop</body></html>", None),
        (500, HTML, b"<h1>500 Internal Server Error</h1>", None),
        (503, HTML, b"<h1>Service Unavailable</h1>", None),
        (404, JSON, b'{"errors": "Not Found"}', None),
        (200, HTML, b'<div class="g-recaptcha" data-sitekey="x"></div>', "captcha"),
        (200, HTML, b'<script src="https://hcaptcha.com/1/api.js"></script>', "captcha"),
        (200, HTML, b'<form action="/checkpoint"><div class="h-captcha"></div></form>', "captcha"),
        (
            403,
            HTML,
            b'<iframe src="https://geo.captcha-delivery.com/captcha/?initialCid=1"></iframe>',
            "datadome",
        ),
        (403, JSON, b'{"url":"https://geo.captcha-delivery.com/captcha/?initialCid=AHrl"}', "datadome"),
        (403, HTML, b'<div id="px-captcha"></div>', "perimeterx"),
        (
            403,
            HTML,
            b"<title>Just a moment...</title><script>window._cf_chl_opt={}</script>",
            "cloudflare challenge",
        ),
        (
            503,
            HTML,
            b'<script src="/cdn-cgi/challenge-platform/h/b/orchestrate"></script>',
            "cloudflare challenge",
        ),
        (200, HTML, b"<h1>You are now in line</h1><p>Thank you for your patience.</p>", "queue"),
        (529, HTML, b'<script src="//static.queue-it.net/script/queueclient.min.js"></script>', "queue"),
        (200, HTML, b'<a href="/throttle/queue?x=1">queue</a>', "queue"),
        (403, HTML, b"<html><h1>Access Denied</h1>Reference #18.5f</html>", "access denied (403)"),
        (403, None, b"", "access denied (403)"),
        (429, HTML, b"<html><h1>Too Many Requests</h1></html>", "rate limit page (429)"),
        (429, None, b"<!doctype html><title>slow down</title>", "rate limit page (429)"),
        (429, JSON, b'{"errors":"Too Many Requests"}', None),
    ],
)
def test_detect_challenge(status, content_type, body, reason):
    assert detect_challenge(status, content_type, body) == reason


def test_only_the_head_of_the_body_is_scanned():
    late = b"<html>" + b" " * SCAN_BYTES + b'<div class="g-recaptcha"></div>'
    assert detect_challenge(200, HTML, late) is None
    early = b'<html><div class="g-recaptcha"></div>' + b" " * SCAN_BYTES
    assert detect_challenge(200, HTML, early) == "captcha"


def test_markers_are_case_insensitive():
    assert detect_challenge(200, HTML, b"<H1>YOU ARE NOW IN LINE</H1>") == "queue"
