"""The one error type of the sim: carries the HTTP status the control API answers with."""

from __future__ import annotations


class SimError(Exception):
    """A control or storefront request the sim refuses (unknown store, bad body...)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
