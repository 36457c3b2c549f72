"""The structlog processor that redacts card numbers, alone and inside the chain configure_logging builds."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from phantom.core.logging import configure_logging, redact_cards
from phantom.domain.cards import REDACTED, Card

VISA = "4111111111111111"


class Opaque:
    def __repr__(self) -> str:
        return f"Opaque(number={VISA})"


class TestProcessor:
    def test_redacts_strings_numbers_and_nested_values(self) -> None:
        event = {
            "event": f"charge {VISA[:4]} {VISA[4:8]} {VISA[8:12]} {VISA[12:]} failed",
            "number": int(VISA),
            "nested": {"cards": ["5555-5555-5555-4444", ("378282246310005",)]},
            "obj": Opaque(),
        }
        out = redact_cards(None, "info", event)
        assert out["event"] == f"charge {REDACTED} failed"
        assert out["number"] == REDACTED
        assert out["nested"] == {"cards": [REDACTED, [REDACTED]]}
        assert out["obj"] == f"Opaque(number={REDACTED})"

    def test_leaves_everything_else_alone(self) -> None:
        other = object()
        event = {"event": "poll", "ms": 1732780800001, "ok": True, "ratio": 0.5, "none": None, "o": other}
        assert redact_cards(None, "info", dict(event)) == event
        assert redact_cards(None, "info", {"card": Card("A", VISA, 1, 2030, "123")})["card"].number == VISA  # type: ignore[union-attr]


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """configure_logging's real processor chain, writing JSON lines to a buffer; defaults restored after."""
    monkeypatch.setattr(logging, "basicConfig", lambda **_: None)  # keep the root logger untouched
    configure_logging("debug", json=True)
    buffer = io.StringIO()
    structlog.configure(
        logger_factory=structlog.WriteLoggerFactory(file=buffer), cache_logger_on_first_use=False
    )
    try:
        yield buffer
    finally:
        structlog.reset_defaults()


class TestConfiguredChain:
    def test_the_chain_redacts_before_rendering(self, configured: io.StringIO) -> None:
        names = [getattr(p, "__name__", type(p).__name__) for p in structlog.get_config()["processors"]]
        assert names.index("redact_cards") == len(names) - 2, names  # right before the renderer
        log = structlog.get_logger()
        log.info("profile_saved", detail=f"card {VISA} cvv 123", profile="p1")
        try:
            raise ValueError(f"bad card {VISA}")
        except ValueError:
            log.exception("crashed")
        lines = [json.loads(line) for line in configured.getvalue().splitlines()]
        assert lines[0]["detail"] == f"card {REDACTED} cvv 123" and lines[0]["profile"] == "p1"
        assert f"bad card {REDACTED}" in lines[1]["exception"]
        assert VISA not in configured.getvalue()
