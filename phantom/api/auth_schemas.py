"""Request and response schemas of the auth and settings routes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from phantom.domain.auth import Principal, PrincipalKind
from phantom.services.context import SettingsView


class LoginBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str = Field(min_length=1, max_length=256, description="The admin access token (`phx_…`).")


class LoginRead(BaseModel):
    csrf_token: str = Field(description="Send it as X-CSRF-Token on POST/PUT/PATCH/DELETE.")
    expires_at: datetime


class MeRead(BaseModel):
    kind: PrincipalKind
    expires_at: datetime | None = None
    csrf_token: str | None = Field(None, description="The session's CSRF token (cookie sessions only).")

    @classmethod
    def of(cls, principal: Principal) -> MeRead:
        session = principal.session
        return cls(
            kind=principal.kind,
            expires_at=session.expires_at if session else None,
            csrf_token=session.csrf_token if session else None,
        )


class RotateBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str = Field(min_length=1, max_length=256, description="The current admin access token.")


class TokenRead(BaseModel):
    token: str = Field(description="The new admin access token. Shown once: it is stored only as a hash.")


class MonitorDefaultsRead(BaseModel):
    timeout: float
    max_body_bytes: int
    connection_limit: int
    limit_per_host: int
    user_agent: str
    jitter: float
    max_backoff: float
    default_retry_after: float
    blocked_backoff: float


class SettingsRead(BaseModel):
    """Effective settings (secrets left out). Read-only: they come from the config file and environment
    and take effect at start."""

    version: str
    database_backend: str
    monitor: MonitorDefaultsRead
    allowed_origins: list[str]
    configured_stores: int
    configured_channels: int

    @classmethod
    def of(cls, view: SettingsView) -> SettingsRead:
        return cls(
            version=view.version,
            database_backend=view.database_backend,
            monitor=MonitorDefaultsRead.model_validate(view.monitor),
            allowed_origins=list(view.allowed_origins),
            configured_stores=view.configured_stores,
            configured_channels=view.configured_channels,
        )
