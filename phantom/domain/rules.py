"""Rules: which events create a checkout task (or wake a waiting one), and with what settings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from phantom.domain.errors import DomainError
from phantom.domain.events import CHECKOUT_KINDS, EventKind, StoredEvent
from phantom.domain.filters import EventFilter
from phantom.domain.tasks import ProductTarget, Task, TaskMode, TaskStatus, TaskTransition

DEFAULT_RULE_KINDS = frozenset({EventKind.NEW_PRODUCT, EventKind.NEW_VARIANT, EventKind.RESTOCK})


class InvalidRule(DomainError):
    pass


class RuleNotFound(DomainError):
    pass


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    name: str
    created_at: datetime
    updated_at: datetime
    enabled: bool = True
    priority: int = 0  # higher first; ties: older rule first
    keywords: str = ""  # `+dunk -kids, jordan 1`
    sizes: tuple[str, ...] = ()  # empty = any size (and the task takes any size)
    store_ids: tuple[str, ...] = ()  # empty = every store
    max_price: int | None = None  # minor units
    kinds: frozenset[EventKind] = DEFAULT_RULE_KINDS
    profile_id: str | None = None
    mode: TaskMode = TaskMode.ASSIST
    quantity: int = 1
    test_mode: bool = False
    proxy_list_id: str | None = None
    group: str | None = None  # group of the tasks it creates

    @property
    def filter(self) -> EventFilter:
        return EventFilter.build(
            kinds=self.kinds,
            keywords=self.keywords,
            sizes=self.sizes,
            max_price=self.max_price,
            store_ids=self.store_ids,
        )

    def matches(self, event: StoredEvent) -> bool:
        if not self.enabled or event.event.product is None or event.kind in CHECKOUT_KINDS:
            return False
        return self.filter.matches(event.event, event.store_id)

    def updated(self, **changes: object) -> Rule:
        return replace(self, **changes)  # type: ignore[arg-type]


def validate_rule(rule: Rule) -> Rule:
    if not rule.name.strip():
        raise InvalidRule("a rule needs a name")
    if not 1 <= rule.quantity <= 10:
        raise InvalidRule("quantity must be between 1 and 10")
    if rule.max_price is not None and rule.max_price <= 0:
        raise InvalidRule("max_price must be positive")
    if not rule.kinds:
        raise InvalidRule("a rule needs at least one event kind")
    if rule.kinds & CHECKOUT_KINDS:
        raise InvalidRule("a rule fires on store changes, not on checkout results")
    if not (rule.kinds - {EventKind.SOLD_OUT, EventKind.PASSWORD_UP, EventKind.PASSWORD_DOWN}):
        raise InvalidRule("a rule must fire on new_product, new_variant, restock or price_change")
    if rule.mode is TaskMode.BROWSER and rule.profile_id is None:
        raise InvalidRule("browser mode needs a profile")
    return rule


def by_priority(rules: Iterable[Rule]) -> list[Rule]:
    return sorted(rules, key=lambda r: (-r.priority, r.created_at, r.id))


def first_match(rules: Iterable[Rule], event: StoredEvent) -> Rule | None:
    """The rule that acts on `event`: the highest-priority enabled rule that matches, or None.

    One rule per event, so two overlapping rules never start two checkouts of the same drop.
    """
    return next((r for r in by_priority(rules) if r.matches(event)), None)


def task_from_rule(rule: Rule, event: StoredEvent, task_id: str, at: datetime) -> tuple[Task, TaskTransition]:
    """The waiting task a matching event creates, with its `created` transition: the event's product (by
    handle; its page for people), the rule's sizes and settings. (rule_id, event_id) identify it, so
    handling one event twice creates it once."""
    product = event.event.product
    if product is None:
        raise InvalidRule("only an event about a product creates a task")
    reason = f"rule {rule.name}: {event.kind.value}"
    task = Task(
        id=task_id,
        store_id=event.store_id,
        target=ProductTarget(handle=product.handle, url=event.product_url(), sku=product.style_code),
        mode=rule.mode,
        status=TaskStatus.WAITING,
        created_at=at,
        updated_at=at,
        sizes=rule.sizes,
        quantity=rule.quantity,
        profile_id=rule.profile_id,
        max_price=rule.max_price,
        proxy_list_id=rule.proxy_list_id,
        group=rule.group,
        test_mode=rule.test_mode,
        status_reason=reason,
        rule_id=rule.id,
        event_id=event.id,
    )
    return task, TaskTransition(task_id, None, TaskStatus.WAITING, at, reason)
