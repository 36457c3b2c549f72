"""Request and response schemas of the task routes (tasks, bulk actions, CSV, quick task).

Prices are integers in minor units (cents), as everywhere in this API (channels, events, products); the CSV
import/export alone writes them the way a spreadsheet does (`180.00`). A store is named by id or URL, a
profile and a proxy list by id or name.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool

from phantom.api.errors import ErrorBody
from phantom.api.fields import PriceCents
from phantom.domain.checkout import AttemptStatus, CheckoutAttempt
from phantom.domain.tasks import ProductTarget, Task, TaskMode, TaskStatus, TaskTransition
from phantom.services.tasks import BulkAction, BulkResult, TaskDetail, TaskSpec


def strict_int(value: Any) -> Any:
    # JSON Schema's "integer": a number without a fraction (7.0 included), never "7" or true.
    if isinstance(value, bool | str):
        raise ValueError("must be an integer")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Quantity = Annotated[int, Field(ge=1, le=10), BeforeValidator(strict_int)]
Size = Annotated[str, Field(min_length=1, max_length=32)]
Ref = Annotated[str, Field(min_length=1, max_length=2000)]
Text = Annotated[str, Field(max_length=2000)]
Name = Annotated[str, Field(max_length=255)]

STORE_DOC = "store id or URL"
PROFILE_DOC = "profile id or name (browser mode needs one)"
PROXY_DOC = "proxy list id or name"
SIZES_DOC = 'first choice first; [] or ["any"]: any size'


class TaskCreate(BaseModel):
    """At least one of url, handle, variant_id, sku or keywords."""

    model_config = ConfigDict(extra="forbid")
    store: Ref = Field(description=STORE_DOC)
    url: Text | None = Field(None, description="product page URL")
    handle: Name | None = None
    variant_id: Name | None = None
    sku: Name | None = None
    keywords: Text | None = Field(None, description='"+dunk -kids, jordan 1"')
    sizes: list[Size] = Field(default_factory=list, max_length=50, description=SIZES_DOC)
    quantity: Quantity = 1
    profile: Ref | None = Field(None, description=PROFILE_DOC)
    mode: TaskMode = TaskMode.ASSIST
    max_price: PriceCents | None = Field(None, description="minor units (cents)")
    proxy_list: Ref | None = Field(None, description=PROXY_DOC)
    group: Name | None = None
    test_mode: StrictBool = Field(False, description="everything but the final submission")

    def spec(self) -> TaskSpec:
        return TaskSpec(
            store=self.store,
            target=ProductTarget(
                url=self.url,
                handle=self.handle,
                variant_id=self.variant_id,
                sku=self.sku,
                keywords=self.keywords,
            ),
            mode=self.mode,
            sizes=tuple(self.sizes),
            quantity=self.quantity,
            profile=self.profile,
            max_price=self.max_price,
            proxy_list=self.proxy_list,
            group=self.group,
            test_mode=self.test_mode,
        )


# Fields that cannot be cleared: null leaves them as they are.
_NOT_NULLABLE = frozenset({"mode", "sizes", "quantity", "test_mode"})


class TaskUpdate(BaseModel):
    """Only the fields sent change; null clears an optional one (profile, max_price, group, …)."""

    model_config = ConfigDict(extra="forbid")
    url: Text | None = None
    handle: Name | None = None
    variant_id: Name | None = None
    sku: Name | None = None
    keywords: Text | None = None
    sizes: list[Size] | None = Field(None, max_length=50, description=SIZES_DOC)
    quantity: Quantity | None = None
    profile: Ref | None = Field(None, description=PROFILE_DOC)
    mode: TaskMode | None = None
    max_price: PriceCents | None = Field(None, description="minor units (cents)")
    proxy_list: Ref | None = Field(None, description=PROXY_DOC)
    group: Name | None = None
    test_mode: StrictBool | None = None

    def changes(self) -> dict[str, object]:
        changes = {name: getattr(self, name) for name in self.model_fields_set}
        return {k: v for k, v in changes.items() if v is not None or k not in _NOT_NULLABLE}


class TransitionRead(BaseModel):
    from_status: TaskStatus | None = Field(description="null: created")
    to_status: TaskStatus
    at: datetime
    reason: str

    @classmethod
    def of(cls, t: TaskTransition) -> TransitionRead:
        return cls(from_status=t.from_status, to_status=t.to_status, at=t.at, reason=t.reason)


class AttemptRead(BaseModel):
    id: str
    task_id: str
    number: int
    key: str = Field(description="sent to the store as the cart attribute _phantom_attempt")
    status: AttemptStatus
    mode: TaskMode
    store_id: str
    profile_id: str | None
    product_title: str | None
    product_id: str | None
    variant_id: str | None
    size: str | None
    price: int | None = Field(description="per item, minor units (cents)")
    quantity: int
    test_mode: bool
    created_at: datetime
    detected_at: datetime | None
    link_at: datetime | None
    submitted_at: datetime | None
    finished_at: datetime | None
    checkout_url: str | None
    order_name: str | None
    detail: str | None

    @classmethod
    def of(cls, a: CheckoutAttempt) -> AttemptRead:
        return cls(
            id=a.id,
            task_id=a.task_id,
            number=a.number,
            key=a.key,
            status=a.status,
            mode=a.mode,
            store_id=a.store_id,
            profile_id=a.profile_id,
            product_title=a.product_title,
            product_id=a.product_id,
            variant_id=a.variant_id,
            size=a.size,
            price=a.price,
            quantity=a.quantity,
            test_mode=a.test_mode,
            created_at=a.created_at,
            detected_at=a.detected_at,
            link_at=a.link_at,
            submitted_at=a.submitted_at,
            finished_at=a.finished_at,
            checkout_url=a.checkout_url,
            order_name=a.order_name,
            detail=a.detail,
        )


class TaskRead(BaseModel):
    id: str
    store_id: str
    status: TaskStatus
    status_reason: str | None
    mode: TaskMode
    url: str | None
    handle: str | None
    variant_id: str | None
    sku: str | None
    keywords: str | None
    sizes: list[str]
    quantity: int
    profile_id: str | None
    max_price: int | None = Field(description="minor units (cents)")
    proxy_list_id: str | None
    group: str | None
    test_mode: bool
    rule_id: str | None
    event_id: str | None
    attempts: int = Field(description="checkout attempts started so far")
    checkout_url: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, t: Task) -> TaskRead:
        return cls(**_task_fields(t))


def _task_fields(t: Task) -> dict[str, Any]:
    return {
        "id": t.id,
        "store_id": t.store_id,
        "status": t.status,
        "status_reason": t.status_reason,
        "mode": t.mode,
        "url": t.target.url,
        "handle": t.target.handle,
        "variant_id": t.target.variant_id,
        "sku": t.target.sku,
        "keywords": t.target.keywords,
        "sizes": list(t.sizes),
        "quantity": t.quantity,
        "profile_id": t.profile_id,
        "max_price": t.max_price,
        "proxy_list_id": t.proxy_list_id,
        "group": t.group,
        "test_mode": t.test_mode,
        "rule_id": t.rule_id,
        "event_id": t.event_id,
        "attempts": t.attempts,
        "checkout_url": t.checkout_url,
        "created_at": t.created_at,
        "updated_at": t.updated_at,
    }


class TaskDetailRead(TaskRead):
    transitions: list[TransitionRead] = Field(description="oldest first")
    checkout_attempts: list[AttemptRead] = Field(description="oldest first")

    @classmethod
    def of_detail(cls, d: TaskDetail) -> TaskDetailRead:
        return cls(
            **_task_fields(d.task),
            transitions=[TransitionRead.of(t) for t in d.transitions],
            checkout_attempts=[AttemptRead.of(a) for a in d.attempts],
        )


# ---- bulk, groups, CSV, quick task -----------------------------------------------------------------


class BulkRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: BulkAction
    ids: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(min_length=1, max_length=1000)
    changes: TaskUpdate | None = Field(None, description="for action edit")


class BulkResultRead(BaseModel):
    id: str
    ok: bool
    error: str | None = Field(description="why not: the error name, e.g. TaskBusy")
    detail: str | None
    task: TaskRead | None = Field(description="the task afterwards (null when deleted or not found)")

    @classmethod
    def of(cls, r: BulkResult) -> BulkResultRead:
        return cls(
            id=r.task_id,
            ok=r.ok,
            error=r.error,
            detail=r.detail,
            task=TaskRead.of(r.task) if r.task is not None else None,
        )


class GroupAction(BaseModel):
    model_config = ConfigDict(extra="forbid")
    group: str = Field(min_length=1, max_length=255)


class BulkCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tasks: list[TaskCreate] = Field(min_length=1, max_length=1000)


class TaskImport(BaseModel):
    model_config = ConfigDict(extra="forbid")
    content: str = Field(
        max_length=2_000_000,
        description="CSV: store,url,handle,variant_id,sku,keywords,sizes,quantity,profile,mode,max_price,"
        "proxy_list,group,test_mode (sizes `9;9.5`, max_price in major units `180.00`)",
    )


class TaskProblem(BaseModel):
    item: int = Field(description="task / data row, counted from 1; 0 is the request as a whole")
    field: str
    reason: str


class BatchErrorBody(ErrorBody):
    """Nothing was written; every problem found."""

    problems: list[TaskProblem] = Field(default_factory=list)  # absent on a 400 for an unreadable body


class QuickTask(BaseModel):
    model_config = ConfigDict(extra="forbid")
    store: Ref = Field(description=STORE_DOC)
    product: Ref = Field(description="product URL, handle, variant id or SKU")
    size: Size | None = Field(None, description="null: any size")
    profile: Ref | None = Field(None, description=PROFILE_DOC)
    mode: TaskMode = TaskMode.ASSIST
