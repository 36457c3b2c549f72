"""structlog set-up: pretty in a terminal, JSON lines otherwise."""

from __future__ import annotations

import logging
import sys

import structlog
from structlog.typing import EventDict, WrappedLogger

from phantom.domain.cards import REDACTED, redact_card_numbers


def redact_cards(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    """Replace anything that looks like a card number (13-19 digits, spaces or dashes allowed, Luhn-valid)
    in every value with `[redacted card]`: the last line of defence if a card ever reaches a log call."""
    return {key: _redacted(value) for key, value in event_dict.items()}


def _redacted(value: object) -> object:
    if isinstance(value, str):
        return redact_card_numbers(value)
    if isinstance(value, bool | float | None):
        return value
    if isinstance(value, int):
        return REDACTED if redact_card_numbers(str(value)) != str(value) else value
    if isinstance(value, dict):
        return {k: _redacted(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_redacted(v) for v in value]
    text = repr(value)  # what the renderer would print for any other object
    redacted = redact_card_numbers(text)
    return redacted if redacted != text else value


def configure_logging(level: str = "info", json: bool | None = None) -> None:
    if json is None:
        json = not sys.stderr.isatty()
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=True)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            redact_cards,  # after format_exc_info: tracebacks are redacted too
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelNamesMapping()[level.upper()]),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
