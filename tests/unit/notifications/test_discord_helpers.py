from __future__ import annotations

import pytest

from phantom.notifications.discord import redact_webhook_url, webhook_send_url


class TestRedactWebhookUrl:
    @pytest.mark.parametrize(
        ("url", "redacted"),
        [
            (
                "https://discord.com/api/webhooks/1234567890/AbC-secret_token",
                "https://discord.com/api/webhooks/1234567890/***",
            ),
            (
                "https://discord.com/api/webhooks/1234567890/AbC-secret_token?thread_id=9",
                "https://discord.com/api/webhooks/1234567890/***",
            ),
            (
                "http://127.0.0.1:8123/sink/main/webhooks/1/token",
                "http://127.0.0.1:8123/sink/main/webhooks/1/***",
            ),
            ("https://hooks.example/secret/path", "https://hooks.example/***"),
        ],
    )
    def test_keeps_host_and_webhook_id_and_masks_the_token(self, url, redacted):
        assert redact_webhook_url(url) == redacted

    def test_token_never_survives(self):
        assert "secret" not in redact_webhook_url("https://discord.com/api/webhooks/1/secret")


class TestWebhookSendUrl:
    def test_adds_wait_true(self):
        assert str(webhook_send_url("https://discord.com/api/webhooks/1/t")) == (
            "https://discord.com/api/webhooks/1/t?wait=true"
        )

    def test_keeps_an_existing_query(self):
        url = webhook_send_url("https://discord.com/api/webhooks/1/t?thread_id=42")

        assert url.query["thread_id"] == "42"
        assert url.query["wait"] == "true"
