"""Request and response schemas of the rule routes and the backtest. Prices in minor units (cents)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool

from phantom.api.fields import IsoDatetime, PriceCents
from phantom.api.schemas import EventRead
from phantom.api.task_schemas import PROFILE_DOC, PROXY_DOC, Name, Quantity, Ref, Size, Text, strict_int
from phantom.domain.events import EventKind
from phantom.domain.rules import DEFAULT_RULE_KINDS, Rule
from phantom.domain.tasks import TaskMode
from phantom.services.rules import BacktestResult, RuleSpec

Priority = Annotated[int, Field(ge=-1000, le=1000), BeforeValidator(strict_int)]
StoreId = Annotated[str, Field(min_length=1, max_length=64)]


class RuleCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name = Field(min_length=1)
    enabled: StrictBool = True
    priority: Priority = Field(0, description="higher first; one rule acts on an event")
    keywords: Text = Field("", description='"+dunk -kids, jordan 1"; empty: any title')
    sizes: list[Size] = Field(default_factory=list, max_length=50, description="empty: any size")
    store_ids: list[StoreId] = Field(default_factory=list, max_length=1000, description="empty: every store")
    max_price: PriceCents | None = Field(None, description="minor units (cents)")
    events: list[EventKind] = Field(
        default_factory=lambda: sorted(DEFAULT_RULE_KINDS), min_length=1, max_length=len(EventKind)
    )
    profile: Ref | None = Field(None, description=PROFILE_DOC)
    mode: TaskMode = TaskMode.ASSIST
    quantity: Quantity = 1
    test_mode: StrictBool = False
    proxy_list: Ref | None = Field(None, description=PROXY_DOC)
    group: Name | None = Field(None, description="group of the tasks it creates")

    def spec(self) -> RuleSpec:
        return RuleSpec(
            name=self.name,
            enabled=self.enabled,
            priority=self.priority,
            keywords=self.keywords,
            sizes=tuple(self.sizes),
            store_ids=tuple(self.store_ids),
            max_price=self.max_price,
            kinds=frozenset(self.events),
            profile=self.profile,
            mode=self.mode,
            quantity=self.quantity,
            test_mode=self.test_mode,
            proxy_list=self.proxy_list,
            group=self.group,
        )


_NOT_NULLABLE = frozenset(
    {
        "name",
        "enabled",
        "priority",
        "keywords",
        "sizes",
        "store_ids",
        "events",
        "mode",
        "quantity",
        "test_mode",
    }
)


class RuleUpdate(BaseModel):
    """Only the fields sent change; null clears an optional one (max_price, profile, proxy_list, group)."""

    model_config = ConfigDict(extra="forbid")
    name: Name | None = Field(None, min_length=1)
    enabled: StrictBool | None = None
    priority: Priority | None = None
    keywords: Text | None = None
    sizes: list[Size] | None = Field(None, max_length=50)
    store_ids: list[StoreId] | None = Field(None, max_length=1000)
    max_price: PriceCents | None = None
    events: list[EventKind] | None = Field(None, min_length=1, max_length=len(EventKind))
    profile: Ref | None = None
    mode: TaskMode | None = None
    quantity: Quantity | None = None
    test_mode: StrictBool | None = None
    proxy_list: Ref | None = None
    group: Name | None = None

    def changes(self) -> dict[str, object]:
        changes: dict[str, object] = {}
        for name in self.model_fields_set:
            value = getattr(self, name)
            if value is None and name in _NOT_NULLABLE:
                continue
            if name == "events":
                changes["kinds"] = frozenset(value)
            elif name in ("sizes", "store_ids"):
                changes[name] = tuple(value)
            else:
                changes[name] = value
        return changes


class RuleRead(BaseModel):
    id: str
    name: str
    enabled: bool
    priority: int
    keywords: str
    sizes: list[str]
    store_ids: list[str]
    max_price: int | None = Field(description="minor units (cents)")
    events: list[EventKind]
    profile_id: str | None
    mode: TaskMode
    quantity: int
    test_mode: bool
    proxy_list_id: str | None
    group: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, r: Rule) -> RuleRead:
        return cls(
            id=r.id,
            name=r.name,
            enabled=r.enabled,
            priority=r.priority,
            keywords=r.keywords,
            sizes=list(r.sizes),
            store_ids=list(r.store_ids),
            max_price=r.max_price,
            events=sorted(r.kinds),
            profile_id=r.profile_id,
            mode=r.mode,
            quantity=r.quantity,
            test_mode=r.test_mode,
            proxy_list_id=r.proxy_list_id,
            group=r.group,
            created_at=r.created_at,
            updated_at=r.updated_at,
        )


class BacktestWindow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    since: IsoDatetime | None = Field(None, description="inclusive, on detected_at")
    until: IsoDatetime | None = Field(None, description="exclusive")
    limit: Annotated[int, Field(ge=1, le=500), BeforeValidator(strict_int)] = 100


class BacktestRequest(BacktestWindow):
    """An unsaved rule: only what decides matching is used (name, events, keywords, sizes, stores, price)."""

    rule: RuleCreate


class BacktestRead(BaseModel):
    matches: list[EventRead] = Field(description="newest first, at most `limit`")
    matched: int = Field(description="every match among the events scanned")
    scanned: int
    complete: bool = Field(description="false: the scan stopped at its cap before the start of the range")
    by_store: dict[str, int]
    by_kind: dict[str, int]

    @classmethod
    def of(cls, r: BacktestResult) -> BacktestRead:
        return cls(
            matches=[EventRead.of(e) for e in r.matches],
            matched=r.matched,
            scanned=r.scanned,
            complete=r.complete,
            by_store=dict(sorted(r.by_store.items())),
            by_kind={k.value: n for k, n in sorted(r.by_kind.items())},
        )
