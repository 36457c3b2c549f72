"""Proxy parsing (the forms vendors hand out), masking, and the sticky choice of one proxy per key."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from phantom.domain.errors import DomainError, InvalidProxy
from phantom.domain.proxies import (
    MAX_PROXIES,
    Proxy,
    ProxyList,
    ProxyScheme,
    parse_proxy,
    parse_proxy_lines,
    sticky_proxy,
    validate_list_name,
)

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def plist(*lines: str, name: str = "residential") -> ProxyList:
    return ProxyList("pl1", name, parse_proxy_lines(lines), NOW, NOW)


class TestParseProxy:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("1.2.3.4:8080", Proxy(ProxyScheme.HTTP, "1.2.3.4", 8080)),
            ("proxy.example.com:3128", Proxy(ProxyScheme.HTTP, "proxy.example.com", 3128)),
            ("Proxy.Example.COM:3128", Proxy(ProxyScheme.HTTP, "proxy.example.com", 3128)),
            ("1.2.3.4:8080:user:pass", Proxy(ProxyScheme.HTTP, "1.2.3.4", 8080, "user", "pass")),
            ("1.2.3.4:8080:user:pa:ss", Proxy(ProxyScheme.HTTP, "1.2.3.4", 8080, "user", "pa:ss")),
            ("http://u:p@1.2.3.4:8080", Proxy(ProxyScheme.HTTP, "1.2.3.4", 8080, "u", "p")),
            ("HTTPS://u:p@gw.example:443/", Proxy(ProxyScheme.HTTPS, "gw.example", 443, "u", "p")),
            ("socks5://gw.example:1080", Proxy(ProxyScheme.SOCKS5, "gw.example", 1080)),
            ("socks5://u:p%40ss@gw.example:1080", Proxy(ProxyScheme.SOCKS5, "gw.example", 1080, "u", "p@ss")),
            ("u:p@ss@gw.example:1080", Proxy(ProxyScheme.HTTP, "gw.example", 1080, "u", "p@ss")),
            ("http://token@gw.example:1080", Proxy(ProxyScheme.HTTP, "gw.example", 1080, "token", None)),
            ("[::1]:8080", Proxy(ProxyScheme.HTTP, "[::1]", 8080)),
            ("[::1]:8080:u:p", Proxy(ProxyScheme.HTTP, "[::1]", 8080, "u", "p")),
            ("socks5://u:p@[2001:db8::1]:1080", Proxy(ProxyScheme.SOCKS5, "[2001:db8::1]", 1080, "u", "p")),
            ("  1.2.3.4:8080  ", Proxy(ProxyScheme.HTTP, "1.2.3.4", 8080)),
        ],
    )
    def test_accepted_forms(self, text: str, expected: Proxy) -> None:
        parsed = parse_proxy(text)
        assert parsed == expected
        assert parsed.password == expected.password  # not part of repr, so compare it on its own

    @pytest.mark.parametrize(
        ("text", "reason"),
        [
            ("1.2.3.4", "missing port"),
            ("1.2.3.4:", "missing port"),
            ("1.2.3.4:0", "port must be"),
            ("1.2.3.4:65536", "port must be"),
            ("1.2.3.4:80a", "port must be"),
            ("1.2.3.4:\uff18\uff10", "port must be"),  # full-width digits are not a port
            (":8080", "missing host"),
            ("bad_host!:8080", "invalid host"),
            ("ftp://1.2.3.4:21", "unsupported scheme"),
            ("socks4://1.2.3.4:1080", "unsupported scheme"),
            ("http://1.2.3.4:8080/path", "no path"),
            ("1.2.3.4:8080:useronly", "host:port:user:pass"),
            ("1.2.3.4 :8080", "whitespace"),
            ("[::1]8080", r"\[address\]:port"),
            ("[::1", r"\[address\]:port"),
            ("http://:p@1.2.3.4:8080", "empty user name"),
            ("x" * 600 + ":80", "longer than"),
        ],
    )
    def test_rejected_with_a_reason(self, text: str, reason: str) -> None:
        with pytest.raises(InvalidProxy, match=reason):
            parse_proxy(text)

    def test_an_error_never_quotes_the_password(self) -> None:
        with pytest.raises(InvalidProxy) as caught:
            parse_proxy("http://user:hunter2-secret@1.2.3.4:99999")
        assert "hunter2" not in str(caught.value)

    def test_invalid_proxy_is_a_domain_error(self) -> None:
        assert issubclass(InvalidProxy, DomainError)


class TestParseLines:
    def test_skips_blanks_and_comments_and_drops_duplicates_in_order(self) -> None:
        proxies = parse_proxy_lines(
            ["# vendor list", "", "1.1.1.1:80", "  ", "2.2.2.2:80:u:p", "1.1.1.1:80", "socks5://3.3.3.3:1080"]
        )
        assert [p.masked for p in proxies] == [
            "http://1.1.1.1:80",
            "http://u:***@2.2.2.2:80",
            "socks5://3.3.3.3:1080",
        ]

    def test_errors_name_every_bad_line_number_and_not_its_text(self) -> None:
        with pytest.raises(InvalidProxy) as caught:
            parse_proxy_lines(["1.1.1.1:80", "oops", "# fine", "2.2.2.2:99999:u:s3cret"])
        message = str(caught.value)
        assert message.startswith("line 2: missing port")
        assert "line 4: port must be" in message
        assert "oops" not in message and "s3cret" not in message

    def test_many_bad_lines_are_summarised(self) -> None:
        with pytest.raises(InvalidProxy, match=r"line 5: [^;]*\(and 3 more bad lines\)$"):
            parse_proxy_lines(["nope"] * 8 + ["1.1.1.1:80"])

    def test_an_empty_list_is_refused(self) -> None:
        with pytest.raises(InvalidProxy, match="at least one proxy"):
            parse_proxy_lines(["", "# nothing here"])

    def test_too_many_proxies(self) -> None:
        lines = [f"10.{i // 65536}.{i // 256 % 256}.{i % 256}:80" for i in range(MAX_PROXIES + 1)]
        with pytest.raises(InvalidProxy, match=f"at most {MAX_PROXIES}"):
            parse_proxy_lines(lines)


class TestSecrets:
    def test_url_carries_credentials_percent_encoded(self) -> None:
        proxy = Proxy(ProxyScheme.SOCKS5, "gw.example", 1080, "us er", "p@ss:w/rd")
        assert proxy.url == "socks5://us%20er:p%40ss%3Aw%2Frd@gw.example:1080"
        assert parse_proxy(proxy.url) == proxy and parse_proxy(proxy.url).password == "p@ss:w/rd"

    def test_password_never_in_repr_str_or_masked(self) -> None:
        proxy = parse_proxy("1.2.3.4:8080:alice:hunter2")
        assert "hunter2" not in repr(proxy)
        assert "hunter2" not in str(proxy)
        assert proxy.masked == "http://alice:***@1.2.3.4:8080"
        assert "hunter2" not in repr(plist("1.2.3.4:8080:alice:hunter2"))

    def test_masked_without_credentials(self) -> None:
        assert parse_proxy("1.2.3.4:8080").masked == "http://1.2.3.4:8080"


class TestStickyProxy:
    LINES = tuple(f"10.0.0.{i}:8080:user:pw{i}" for i in range(1, 11))

    def test_same_key_same_proxy_every_time(self) -> None:
        proxies = plist(*self.LINES)
        first = sticky_proxy(proxies, "store-42")
        assert all(sticky_proxy(proxies, "store-42") == first for _ in range(20))
        # and in a list that was re-read (a new object, another order of construction)
        assert sticky_proxy(plist(*reversed(self.LINES)), "store-42") == first

    def test_keys_spread_over_the_list(self) -> None:
        proxies = plist(*self.LINES)
        counts = Counter(sticky_proxy(proxies, f"store-{i}").host for i in range(1000))
        assert len(counts) == 10
        assert min(counts.values()) > 50  # 100 expected each; a bad hash would pile them up

    def test_adding_a_proxy_moves_only_keys_it_wins(self) -> None:
        before = plist(*self.LINES)
        after = plist(*self.LINES, "10.0.0.99:8080")
        moved = [
            key
            for key in (f"store-{i}" for i in range(500))
            if sticky_proxy(before, key) != sticky_proxy(after, key)
        ]
        assert moved, "the new proxy takes its share"
        assert all(sticky_proxy(after, key).host == "10.0.0.99" for key in moved)
        assert len(moved) < 100  # about 1/11 of 500

    def test_removing_a_proxy_moves_only_its_keys(self) -> None:
        before = plist(*self.LINES)
        after = plist(*self.LINES[1:])
        for key in (f"store-{i}" for i in range(300)):
            if sticky_proxy(before, key).host != "10.0.0.1":
                assert sticky_proxy(after, key) == sticky_proxy(before, key)

    def test_a_password_change_moves_nobody(self) -> None:
        before = plist(*self.LINES)
        after = plist(*(line.replace(":pw", ":new") for line in self.LINES))
        assert all(
            sticky_proxy(before, f"s{i}").host == sticky_proxy(after, f"s{i}").host for i in range(200)
        )

    def test_an_empty_list_has_no_proxy(self) -> None:
        with pytest.raises(InvalidProxy, match="no proxies"):
            sticky_proxy(ProxyList("x", "empty", (), NOW, NOW), "store-1")


class TestListName:
    def test_trimmed(self) -> None:
        assert validate_list_name("  DC pool ") == "DC pool"

    @pytest.mark.parametrize("name", ["", "   ", "x" * 101])
    def test_refused(self, name: str) -> None:
        with pytest.raises(InvalidProxy, match="name"):
            validate_list_name(name)
