"""Pure matching rules: keywords, sizes, price and event kinds."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from phantom.domain.events import ALL_KINDS, EventKind, ProductEvent
from phantom.domain.models import normalize_size

_WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")


@dataclass(frozen=True, slots=True)
class KeywordGroup:
    required: tuple[str, ...]
    excluded: tuple[str, ...]

    def matches(self, words: str) -> bool:
        return all(_contains(words, t) for t in self.required) and not any(
            _contains(words, t) for t in self.excluded
        )


@dataclass(frozen=True, slots=True)
class KeywordFilter:
    """`"+dunk -kids, jordan 1"`: comma-separated groups are OR'ed; in a group every bare or `+` term must
    appear in the title as whole words and no `-` term may. An empty filter matches everything."""

    groups: tuple[KeywordGroup, ...] = ()

    @classmethod
    def parse(cls, text: str | None) -> KeywordFilter:
        if not text:
            return cls()
        groups = []
        for raw in text.split(","):
            required: list[str] = []
            excluded: list[str] = []
            for term in raw.split():
                if term.startswith("-"):
                    target, word = excluded, term[1:]
                else:
                    target, word = required, term.removeprefix("+")
                word = " ".join(_WORD.findall(word.lower()))
                if word:
                    target.append(word)
            if required or excluded:
                groups.append(KeywordGroup(tuple(required), tuple(excluded)))
        return cls(tuple(groups))

    def matches(self, title: str) -> bool:
        if not self.groups:
            return True
        words = _words(title)
        return any(g.matches(words) for g in self.groups)


def _words(title: str) -> str:
    # Padded with spaces so a whole-word test is a substring test on " term ".
    return " " + " ".join(_WORD.findall(title.lower())) + " "


def _contains(words: str, term: str) -> bool:
    return f" {term} " in words


@dataclass(frozen=True, slots=True)
class EventFilter:
    """What a notification channel (and later a task rule) wants to hear about."""

    kinds: frozenset[EventKind] = ALL_KINDS
    keywords: KeywordFilter = KeywordFilter()
    sizes: frozenset[str] = frozenset()  # normalized; empty = any size
    max_price: int | None = None  # minor units
    store_ids: frozenset[str] = frozenset()  # empty = every store

    @classmethod
    def build(
        cls,
        *,
        kinds: Iterable[EventKind] | None = None,
        keywords: str | None = None,
        sizes: Iterable[str] = (),
        max_price: int | None = None,
        store_ids: Iterable[str] = (),
    ) -> EventFilter:
        return cls(
            kinds=frozenset(kinds) if kinds is not None else ALL_KINDS,
            keywords=KeywordFilter.parse(keywords),
            sizes=frozenset(normalize_size(s) for s in sizes),
            max_price=max_price,
            store_ids=frozenset(store_ids),
        )

    def matches(self, event: ProductEvent, store_id: str) -> bool:
        if event.kind not in self.kinds:
            return False
        if self.store_ids and store_id not in self.store_ids:
            return False
        product = event.product
        if product is None:  # store-level events (password page) pass product filters
            return True
        if not self.keywords.matches(product.title):
            return False
        if self.max_price is not None and product.price is not None and product.price > self.max_price:
            return False
        return not self.sizes or any(normalize_size(v.size) in self.sizes for v in event.relevant_variants())
