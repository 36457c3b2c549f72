"""The API's pure helpers: credentials from headers, URL redaction, feed messages, strict request values."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel, ValidationError

from phantom.api.channel_schemas import redact_url
from phantom.api.deps import credentials_of
from phantom.api.errors import document_errors
from phantom.api.fields import IsoDatetime, PageCount
from phantom.api.live_schemas import PING, message_of, openapi_components
from phantom.domain.auth import Credentials
from phantom.domain.health import HealthStatus, StoreHealth
from phantom.domain.notifications import OutboxStatus
from phantom.domain.tasks import TaskStatus
from tests.fakes import FakeDatabase
from tests.unit.services.factories import outbox_row, store, stored_event
from tests.unit.services.task_factories import seed_task


class TestCredentialsOf:
    def test_bearer_cookie_and_csrf(self) -> None:
        creds = credentials_of(
            {"authorization": "Bearer  phx_abc ", "x-csrf-token": "c"}, {"phantom_session": "s"}
        )
        assert creds == Credentials(bearer="phx_abc", session_id="s", csrf_token="c")

    def test_a_non_bearer_header_is_a_wrong_token_not_no_token(self) -> None:
        assert credentials_of({"authorization": "Basic YTpi"}, {}).bearer == ""
        assert credentials_of({"authorization": "bearer x"}, {}).bearer == "x"

    def test_nothing(self) -> None:
        assert credentials_of({}, {"phantom_session": ""}) == Credentials()


class TestRedactUrl:
    @pytest.mark.parametrize(
        ("url", "shown"),
        [
            ("https://discord.com/api/webhooks/123/abcDEF", "https://discord.com/api/webhooks/123/***"),
            (
                "https://discord.com/api/webhooks/123/abc/?wait=true",
                "https://discord.com/api/webhooks/123/***",
            ),
            (
                "http://user:pw@127.0.0.1:8800/sink/x/webhooks/1/token",
                "http://127.0.0.1:8800/sink/x/webhooks/1/***",
            ),
            ("https://hooks.example", "https://hooks.example/***"),
            ("tgram://123456:SECRET/987", "tgram://***"),
            ("mailto://me:pw@example.com", "mailto://***"),
            ("https://[::1", "https://***"),
        ],
    )
    def test_the_secret_part_never_shows(self, url: str, shown: str) -> None:
        assert redact_url(url) == shown


class TestFeedMessages:
    def test_event(self) -> None:
        event = stored_event("e1")
        message = json.loads(message_of("event", event) or "")
        assert message["type"] == "event" and message["data"]["id"] == "e1"
        assert message["data"]["variants"][0]["size"]

    def test_store_health(self) -> None:
        health = StoreHealth(status=HealthStatus.DEGRADED, polls=3, last_error="HTTP 500")
        message = json.loads(message_of("store_health", (store("s1"), health)) or "")
        assert message == {
            "type": "store_health",
            "data": {
                "store_id": "s1",
                "status": "degraded",
                "last_error": "HTTP 500",
                "last_latency_ms": None,
                "polls": 3,
            },
        }

    def test_task_status(self) -> None:
        task = seed_task(FakeDatabase(), "t1", TaskStatus.CHECKING_OUT, attempts=2, status_reason="attempt 2")
        message = json.loads(message_of("task", task) or "")
        assert message["type"] == "task"
        assert message["data"] == {
            "task_id": "t1",
            "status": "checking_out",
            "status_reason": "attempt 2",
            "attempts": 2,
            "checkout_url": None,
            "updated_at": message["data"]["updated_at"],
        }
        assert message_of("task", "not a task") is None

    def test_notification(self) -> None:
        row = outbox_row("o1", status=OutboxStatus.FAILED)
        message = json.loads(message_of("notification", row) or "")
        assert message["data"] == {
            "outbox_id": "o1",
            "event_id": "e1",
            "channel_id": "c1",
            "status": "failed",
            "error": None,
        }

    def test_other_topics_and_odd_payloads_are_not_sent(self) -> None:
        assert message_of("event", "not an event") is None
        assert message_of("store_health", (1, 2, 3)) is None
        assert message_of("metrics", {}) is None
        assert json.loads(PING) == {"type": "ping"}

    def test_message_schemas_are_components(self) -> None:
        components = openapi_components()
        assert {"WsMessage", "WsEventMessage", "WsPingMessage", "EventRead", "StoreHealthData"} <= set(
            components
        )
        assert "#/components/schemas/" in json.dumps(components["WsMessage"])


class TestStrictValues:
    class Query(BaseModel):
        at: IsoDatetime | None = None
        pages: PageCount | None = None

    @pytest.mark.parametrize("bad", ["0.5", "1700000000", 12, "2026-11-27T10:00:00"])
    def test_date_times_are_iso_with_a_zone(self, bad: object) -> None:
        with pytest.raises(ValidationError):
            self.Query.model_validate({"at": bad})
        assert self.Query.model_validate({"at": "2026-11-27T10:00:00Z"}).at is not None

    @pytest.mark.parametrize("bad", ["7", True, 7.5, 0, 101])
    def test_integers_are_json_integers_in_bounds(self, bad: object) -> None:
        with pytest.raises(ValidationError):
            self.Query.model_validate({"pages": bad})
        assert self.Query.model_validate({"pages": 7.0}).pages == 7


def test_document_errors_declares_auth_and_body_errors() -> None:
    schema = {
        "paths": {
            "/a": {
                "post": {"security": [{"HTTPBearer": []}], "requestBody": {}, "responses": {"422": {}}},
                "get": {"responses": {"200": {}}},
            }
        },
        "components": {"schemas": {"HTTPValidationError": {}, "ValidationError": {}}},
    }
    document_errors(schema)
    post = schema["paths"]["/a"]["post"]["responses"]  # type: ignore[index]
    assert set(post) == {"400", "401", "403", "422"}
    assert post["422"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}
    assert set(schema["paths"]["/a"]["get"]["responses"]) == {"200"}  # type: ignore[index]
    assert set(schema["components"]["schemas"]) == {"ErrorBody"}  # type: ignore[index]
