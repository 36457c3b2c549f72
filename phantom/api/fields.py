"""Request value types that accept exactly what the OpenAPI schema documents (schemathesis checks both
ways): no Unix timestamps for date-times, no strings or booleans for integers."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AwareDatetime, BeforeValidator, Field

_NUMBER = re.compile(r"\s*[-+]?\d+(\.\d*)?([eE][-+]?\d+)?\s*")


def _iso_only(value: Any) -> Any:
    if isinstance(value, str | int | float) and _NUMBER.fullmatch(str(value)):
        raise ValueError("must be an ISO 8601 date-time with a time zone, e.g. 2026-11-27T10:00:00Z")
    return value


def _json_integer(value: Any) -> Any:
    # JSON Schema's "integer" is any number without a fraction (7.0 included), never "7" or true.
    if isinstance(value, bool | str):
        raise ValueError("must be an integer")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# A date-time as the schema documents it (ISO 8601, with a zone): not a Unix timestamp, not naive.
IsoDatetime = Annotated[AwareDatetime, BeforeValidator(_iso_only)]
# Bounds go before the validator so that they stay in the JSON schema (minimum/maximum).
PageCount = Annotated[int, Field(ge=1, le=100), BeforeValidator(_json_integer)]
PriceCents = Annotated[int, Field(ge=1, le=10**9), BeforeValidator(_json_integer)]
