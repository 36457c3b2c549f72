"""Configuration: a TOML file, PHANTOM_* environment variables over it, and command-line options over both,
validated at start-up.

Only `core/` reads settings; everything else receives plain values from the engine.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from phantom.domain.events import DEFAULT_ALERT_KINDS, EventKind
from phantom.domain.models import Platform
from phantom.domain.stores import MIN_INTERVAL


class ConfigError(Exception):
    """A configuration problem, worded for the person who wrote the file."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DatabaseSettings(_Section):
    url: str = "sqlite+aiosqlite:///./data/phantom.db"
    echo: bool = False


class MonitorSettings(_Section):
    timeout: float = Field(10.0, gt=0, le=120)
    max_body_bytes: int = Field(8 * 1024 * 1024, ge=64 * 1024)
    connection_limit: int = Field(200, ge=1)
    limit_per_host: int = Field(8, ge=1)
    # Honest identification: Phantom never pretends to be a browser.
    user_agent: str = "Phantom/0.1 (self-hosted drop monitor)"
    jitter: float = Field(0.05, ge=0, le=0.5)  # fraction of the interval
    max_backoff: float = Field(300.0, ge=0.1)
    # How long a 429 that names no Retry-After keeps Phantom away from that store.
    default_retry_after: float = Field(30.0, ge=0.1, le=3600)
    # After a challenge/CAPTCHA/queue/403 the store is left alone this long before one probe.
    blocked_backoff: float = Field(900.0, ge=0.1)


class StoreConfig(_Section):
    url: str
    platform: Platform = Platform.SHOPIFY
    interval: float = Field(2.0, ge=MIN_INTERVAL)
    name: str = ""
    skus: list[str] = Field(default_factory=list)
    watch: list[str] = Field(default_factory=list)  # Shopify handles polled via /products/<handle>.js
    watch_interval: float | None = Field(None, ge=MIN_INTERVAL)
    max_pages: int = Field(10, ge=1, le=100)

    @field_validator("url")
    @classmethod
    def _absolute_http(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")) or len(v.split("://", 1)[1].strip("/")) == 0:
            raise ValueError("must be an absolute http(s) URL such as https://kith.com")
        return v


class NotificationConfig(_Section):
    kind: Literal["discord", "apprise"]
    url: SecretStr
    name: str = ""
    events: list[EventKind] = Field(default_factory=lambda: sorted(DEFAULT_ALERT_KINDS))
    keywords: str | None = None
    sizes: list[str] = Field(default_factory=list)
    max_price: float | None = Field(None, gt=0)

    @field_validator("url")
    @classmethod
    def _url_shape(cls, v: SecretStr, info: Any) -> SecretStr:
        raw = v.get_secret_value()
        if info.data.get("kind") == "discord" and not raw.startswith(("http://", "https://")):
            raise ValueError("a discord webhook must be an http(s) URL")
        if "://" not in raw:
            raise ValueError("must be a URL (Apprise URLs look like scheme://...)")
        return v


class WebSettings(_Section):
    """The dashboard's API: sessions and the live WebSocket feed."""

    session_days: float = Field(7.0, gt=0, le=365)
    ws_heartbeat: float = Field(15.0, gt=0, le=300)  # seconds between {"type": "ping"} messages
    ws_queue: int = Field(256, ge=1, le=100_000)  # messages a WebSocket client may lag before it is dropped
    # Where the person opens the dashboard (quick-task links in Discord); default http://<host>:<port>.
    public_url: str | None = None


class CheckoutSettings(_Section):
    open_browser: bool = False  # assist: also open the prefilled checkout in the default browser
    browser_headless: bool = False  # browser mode: visible by default, so the person can take over
    chromium_path: str = "/usr/bin/chromium"
    concurrency: int = Field(2, ge=1, le=32)  # browser checkouts at once (assist links never wait)
    step_timeout: float = Field(30.0, gt=0, le=600)  # seconds per checkout step
    tag_orders: bool = True  # send the attempt key as a hidden cart attribute (`_phantom_attempt`)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PHANTOM_", env_nested_delimiter="__", extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    data_dir: Path = Path("data")
    # The master key that encrypts stored cards (unless PHANTOM_MASTER_KEY is set). None: master.key next to
    # the SQLite database file, or in data_dir for other databases. See phantom/core/keys.py.
    key_file: Path | None = None
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_json: bool | None = None  # None: JSON when stdout is not a terminal
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    monitor: MonitorSettings = Field(default_factory=MonitorSettings)
    stores: list[StoreConfig] = Field(default_factory=list)
    notifications: list[NotificationConfig] = Field(default_factory=list)
    # Browser origins besides the dashboard's own that may call the API with credentials (CORS) and open
    # the WebSocket, e.g. "http://127.0.0.1:5173" for the Vite dev server. Empty: same origin only.
    allowed_origins: list[str] = Field(default_factory=list)
    web: WebSettings = Field(default_factory=WebSettings)
    checkout: CheckoutSettings = Field(default_factory=CheckoutSettings)

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, v: list[str]) -> list[str]:
        for origin in v:
            scheme, _, rest = origin.partition("://")
            if scheme not in ("http", "https") or not rest or "/" in rest.rstrip("/"):
                raise ValueError(
                    f"{origin!r} is not an origin like http://127.0.0.1:5173 (scheme://host[:port])"
                )
        return [o.rstrip("/").lower() for o in v]

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Arguments beat the environment: load_settings merges file < environment < command line itself,
        # and a bare `Settings()` still reads PHANTOM_* variables. No .env file, no secrets directory.
        del settings_cls, dotenv_settings, file_secret_settings
        return (init_settings, env_settings)


def load_settings(path: Path | None = None, **overrides: Any) -> Settings:
    """Read and validate the whole configuration, or raise one ConfigError naming every bad field."""
    text = ""
    data: dict[str, Any] = {}
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    try:
        env = EnvSettingsSource(Settings)()
    except SettingsError as exc:  # a malformed JSON value in a list or table variable
        raise ConfigError(f"invalid environment variable: {exc}") from None
    cli = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**_merged(_merged(data, env), cli))
    except ValidationError as exc:
        raise ConfigError(_describe(exc, text, path, env, cli)) from None


def _merged(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """`top` over `base`, table by table (PHANTOM_DATABASE__URL replaces only the file's database.url)."""
    out = dict(base)
    for key, value in top.items():
        below = out.get(key)
        out[key] = _merged(below, value) if isinstance(below, dict) and isinstance(value, dict) else value
    return out


def _describe(
    exc: ValidationError, text: str, path: Path | None, env: dict[str, Any], cli: dict[str, Any]
) -> str:
    lines = []
    for err in exc.errors(include_input=False, include_url=False):
        loc = err["loc"]
        where = _dotted(loc)
        if loc and loc[0] in cli:
            at = " (command line)"
        elif variable := _env_variable(env, loc):
            at = f" (from {variable})"
        else:
            line = _find_line(text, loc) if text else None
            at = f" (line {line})" if line else ""
        lines.append(f"  {where}{at}: {err['msg']}")
    head = f"invalid configuration in {path}" if path else "invalid configuration"
    return head + ":\n" + "\n".join(lines)


def _dotted(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _env_variable(env: dict[str, Any], loc: tuple[int | str, ...]) -> str | None:
    """The PHANTOM_* variable an invalid value came from, when it came from the environment."""
    node: Any = env
    names: list[str] = []
    for part in loc:
        if not isinstance(node, dict):
            break  # inside a JSON value the variable gave whole
        if part not in node:
            return None
        node = node[part]
        names.append(str(part))
    return "PHANTOM_" + "__".join(names).upper() if names else None


def _find_line(text: str, loc: tuple[int | str, ...]) -> int | None:
    """Best-effort line of a validation error: find the table (or the n-th array table), then the key."""
    if not loc:
        return None
    keys = [p for p in loc if isinstance(p, str)]
    table = keys[0]
    index = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
    key = keys[-1] if len(keys) > 1 else table
    rows = text.splitlines()
    start, seen = None, -1
    for i, raw in enumerate(rows):
        s = raw.split("#", 1)[0].strip()  # `[[stores]]  # kith` is still the stores table
        if index is not None and s.replace(" ", "") == f"[[{table}]]":
            seen += 1
            if seen == index:
                start = i
                break
        elif index is None and s.replace(" ", "") == f"[{table}]":
            start = i
            break
    if start is None:
        for i, raw in enumerate(rows):  # top-level key
            if raw.split("=", 1)[0].strip() == key and "=" in raw:
                return i + 1
        return None
    for i in range(start + 1, len(rows)):
        s = rows[i].strip()
        if s.startswith("["):
            break
        if "=" in s and s.split("=", 1)[0].strip() == key:
            return i + 1
    return start + 1
