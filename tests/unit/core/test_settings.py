"""Configuration loading: the TOML file, PHANTOM_* variables, and error messages a person can act on."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from phantom.core.settings import ConfigError, Settings, load_settings
from phantom.domain.events import EventKind
from phantom.domain.models import Platform

TOKEN = "s3cr3t-T0KEN-do-not-leak"
WEBHOOK = f"https://discord.com/api/webhooks/1234567890/{TOKEN}"

# The example from the issue, with a recognisable token so a leak is easy to spot.
ISSUE_EXAMPLE = f"""\
[database]
url = "sqlite+aiosqlite:///./data/phantom.db"

[[stores]]
url = "https://kith.com"
platform = "shopify"
interval = 2.0

[[notifications]]
kind = "discord"
url = "{WEBHOOK}"
events = ["new_product", "restock", "price_change"]
keywords = "+dunk -kids, jordan 1"
sizes = ["9", "9.5", "10"]
"""


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests see only the PHANTOM_* variables they set themselves."""
    for name in list(os.environ):
        if name.upper().startswith("PHANTOM_"):
            monkeypatch.delenv(name)


Writer = Callable[[str], Path]


@pytest.fixture
def write(tmp_path: Path) -> Writer:
    def _write(text: str, name: str = "phantom.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


def config_error(path: Path | None, **overrides: object) -> str:
    with pytest.raises(ConfigError) as info:
        load_settings(path, **overrides)
    return str(info.value)


def error_line(message: str, field: str) -> int | None:
    """The line number a message gives for one field, or None if it names the field without a line."""
    match = re.search(rf"^\s*{re.escape(field)}(?: \((?:line (\d+)|[^)]*)\))?:", message, re.MULTILINE)
    assert match is not None, f"{field} not named in:\n{message}"
    return int(match.group(1)) if match.group(1) else None


def line_of(text: str, needle: str, occurrence: int = 0) -> int:
    """1-based line of the n-th line containing `needle`."""
    hits = [i + 1 for i, line in enumerate(text.splitlines()) if needle in line]
    return hits[occurrence]


class TestIssueExample:
    def test_loads(self, write: Writer) -> None:
        settings = load_settings(write(ISSUE_EXAMPLE))
        assert settings.database.url == "sqlite+aiosqlite:///./data/phantom.db"
        (store,) = settings.stores
        assert (store.url, store.platform, store.interval) == ("https://kith.com", Platform.SHOPIFY, 2.0)
        (channel,) = settings.notifications
        assert channel.kind == "discord"
        assert channel.url.get_secret_value() == WEBHOOK
        assert channel.events == [EventKind.NEW_PRODUCT, EventKind.RESTOCK, EventKind.PRICE_CHANGE]
        assert channel.keywords == "+dunk -kids, jordan 1"
        assert channel.sizes == ["9", "9.5", "10"]

    def test_unset_values_take_defaults(self, write: Writer) -> None:
        settings = load_settings(write(ISSUE_EXAMPLE))
        assert (settings.host, settings.port, settings.log_level) == ("127.0.0.1", 8000, "info")
        assert settings.monitor.timeout == 10.0

    def test_the_shipped_example_file_loads(self) -> None:
        example = Path(__file__).parents[3] / "phantom.example.toml"
        if not example.exists():
            pytest.skip("no phantom.example.toml in this checkout")
        assert load_settings(example).stores

    def test_no_file_means_defaults(self) -> None:
        settings = load_settings(None)
        assert settings.stores == []
        assert settings.notifications == []

    def test_the_token_never_shows_in_repr_or_dumps(self, write: Writer) -> None:
        settings = load_settings(write(ISSUE_EXAMPLE))
        assert TOKEN not in repr(settings)
        assert TOKEN not in str(settings)
        assert TOKEN not in settings.model_dump_json()


class TestEnvironment:
    def test_port_from_the_environment(self, write: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PHANTOM_PORT", "9001")
        assert load_settings(write(ISSUE_EXAMPLE)).port == 9001

    def test_environment_beats_the_file(self, write: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PHANTOM_PORT", "9001")
        assert load_settings(write("port = 8123\n" + ISSUE_EXAMPLE)).port == 9001

    def test_nested_database_url_overrides_the_file_and_keeps_its_siblings(
        self, write: Writer, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("PHANTOM_DATABASE__URL", "postgresql+asyncpg://phantom@127.0.0.1/phantom")
        text = ISSUE_EXAMPLE.replace("[database]\n", "[database]\necho = true\n")
        settings = load_settings(write(text))
        assert settings.database.url == "postgresql+asyncpg://phantom@127.0.0.1/phantom"
        assert settings.database.echo is True
        assert settings.stores[0].url == "https://kith.com"  # the rest of the file still applies

    def test_command_line_beats_the_environment(self, write: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
        # `phantom serve --port 8080` must win over a PHANTOM_PORT left in the shell.
        monkeypatch.setenv("PHANTOM_PORT", "9001")
        assert load_settings(write(ISSUE_EXAMPLE), port=8080).port == 8080
        assert load_settings(None, port=8080, host=None).port == 8080

    def test_unset_command_line_options_do_not_override(
        self, write: Writer, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("PHANTOM_PORT", "9001")
        assert load_settings(write(ISSUE_EXAMPLE), port=None).port == 9001

    def test_direct_construction_reads_the_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PHANTOM_LOG_LEVEL", "debug")
        assert Settings().log_level == "debug"

    def test_bad_environment_value_names_the_variable_not_a_file_line(
        self, write: Writer, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("PHANTOM_PORT", "not-a-port")
        path = write("port = 8123\n" + ISSUE_EXAMPLE)
        message = config_error(path)
        assert "port (from PHANTOM_PORT)" in message
        assert error_line(message, "port") is None

    def test_bad_nested_variable_is_named(self, write: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PHANTOM_DATABASE__ECHO", "loudly")
        message = config_error(write(ISSUE_EXAMPLE))
        assert "database.echo (from PHANTOM_DATABASE__ECHO)" in message

    def test_malformed_json_in_a_list_variable_is_a_config_error(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("PHANTOM_STORES", "https://kith.com")
        with pytest.raises(ConfigError, match="stores"):
            load_settings(None)


class TestFieldErrors:
    def test_unknown_key_names_the_field_and_its_line(self, write: Writer) -> None:
        text = ISSUE_EXAMPLE.replace("interval = 2.0\n", 'interval = 2.0\ncolour = "red"\n')
        message = config_error(write(text))
        assert error_line(message, "stores[0].colour") == line_of(text, "colour")
        assert "Extra inputs are not permitted" in message

    def test_unknown_top_level_key(self, write: Writer) -> None:
        text = "prot = 9000\n" + ISSUE_EXAMPLE
        message = config_error(write(text))
        assert error_line(message, "prot") == 1

    def test_unknown_key_in_a_table(self, write: Writer) -> None:
        text = ISSUE_EXAMPLE.replace("[database]\n", "[database]\nurll = 'x'\n")
        assert error_line(config_error(write(text)), "database.urll") == 2

    def test_wrong_type_names_the_field_and_its_line(self, write: Writer) -> None:
        text = ISSUE_EXAMPLE.replace("interval = 2.0", 'interval = "fast"')
        message = config_error(write(text))
        assert error_line(message, "stores[0].interval") == line_of(text, "interval")
        assert "valid number" in message

    def test_error_in_the_second_array_table_points_at_that_table(self, write: Writer) -> None:
        text = (
            ISSUE_EXAMPLE
            + '\n[[stores]]  # atmos\nurl = "https://atmosusa.com"\ninterval = 0.1  # too fast\n'
        )
        message = config_error(write(text))
        assert error_line(message, "stores[1].interval") == line_of(text, "interval", occurrence=1)
        assert "greater than or equal to 0.5" in message

    def test_a_comment_after_a_table_header_does_not_hide_the_table(self, write: Writer) -> None:
        text = "[monitor]  # polling\ntimeout = 10\n\n[database] # where\nurl = 'x'\necho = 'loud'\n"
        assert error_line(config_error(write(text)), "database.echo") == 6

    def test_missing_required_url_names_the_notification(self, write: Writer) -> None:
        text = ISSUE_EXAMPLE.replace(f'url = "{WEBHOOK}"\n', "")
        message = config_error(write(text))
        # The key is absent, so the best line is the table that lacks it.
        assert error_line(message, "notifications[0].url") == line_of(text, "[[notifications]]")
        assert "Field required" in message

    def test_every_bad_field_is_reported_at_once(self, write: Writer) -> None:
        text = 'port = "high"\n' + ISSUE_EXAMPLE.replace('platform = "shopify"', 'platform = "magento"')
        message = config_error(write(text))
        assert error_line(message, "port") == 1
        assert error_line(message, "stores[0].platform") == line_of(text, "magento")
        assert message.startswith("invalid configuration in ")

    def test_list_item_error_names_its_index(self, write: Writer) -> None:
        text = ISSUE_EXAMPLE.replace('"restock", "price_change"', '"restock", "restocks"')
        message = config_error(write(text))
        assert error_line(message, "notifications[0].events[2]") == line_of(text, "restocks")

    def test_override_error_without_a_file(self) -> None:
        message = config_error(None, port=0)
        assert message.startswith("invalid configuration:\n")
        assert error_line(message, "port") is None
        assert "port (command line)" in message


class TestFileErrors:
    def test_toml_syntax_error_gives_the_line(self, write: Writer) -> None:
        text = "port = 8000\n[database\nurl = 'x'\n"
        message = config_error(write(text))
        assert "invalid TOML" in message
        assert "line 2" in message

    def test_missing_file(self, tmp_path: Path) -> None:
        message = config_error(tmp_path / "nope.toml")
        assert message.startswith("cannot read config file")
        assert "nope.toml" in message


class TestSecretsStaySecret:
    def test_error_elsewhere_does_not_echo_the_webhook(self, write: Writer) -> None:
        message = config_error(write('port = "x"\n' + ISSUE_EXAMPLE))
        assert TOKEN not in message

    def test_error_in_the_same_notification_does_not_echo_the_webhook(self, write: Writer) -> None:
        text = ISSUE_EXAMPLE.replace('sizes = ["9", "9.5", "10"]', f'sizes = "{WEBHOOK}"\nmax_price = -5')
        message = config_error(write(text))
        assert "notifications[0].max_price" in message
        assert TOKEN not in message

    def test_invalid_webhook_is_reported_without_its_value(self, write: Writer) -> None:
        text = ISSUE_EXAMPLE.replace(WEBHOOK, f"discord.com/api/webhooks/1/{TOKEN}")
        message = config_error(write(text))
        assert error_line(message, "notifications[0].url") == line_of(text, "webhooks/")
        assert "http(s) URL" in message
        assert TOKEN not in message

    def test_toml_error_on_the_webhook_line_does_not_echo_it(self, write: Writer) -> None:
        text = ISSUE_EXAMPLE.replace(f'url = "{WEBHOOK}"', f'url = "{WEBHOOK}" trailing')
        message = config_error(write(text))
        assert "invalid TOML" in message
        assert TOKEN not in message

    def test_bad_environment_value_does_not_echo_a_secret(
        self, write: Writer, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("PHANTOM_NOTIFICATIONS", f'[{{"kind": "slack", "url": "{WEBHOOK}"}}]')
        message = config_error(write(ISSUE_EXAMPLE))
        assert "notifications[0].kind (from PHANTOM_NOTIFICATIONS)" in message
        assert TOKEN not in message
