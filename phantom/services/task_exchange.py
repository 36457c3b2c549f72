"""Tasks to and from CSV, for spreadsheets: one row per task.

Columns: store (URL or id), url, handle, variant_id, sku, keywords, sizes (`9;9.5;10`, or `any` / empty),
quantity, profile (name or id), mode (assist | browser), max_price (major units, as a person writes a
price: `180` or `180.00`), proxy_list (name or id), group, test_mode (true/false). Only `store` and one of
the product columns are required. An import checks every row first and writes nothing when any row is bad:
the problems name the row (counted from 1 after the header), the column and the reason.
"""

from __future__ import annotations

import csv
import io
import re

from phantom.domain.ports import Clock, IdFactory, TaskQuery, UnitOfWorkFactory
from phantom.domain.tasks import ProductTarget, Task, TaskBatchRejected, TaskMode
from phantom.services.tasks import MAX_BATCH, TaskSpec, bulk_create

COLUMNS = (
    "store",
    "url",
    "handle",
    "variant_id",
    "sku",
    "keywords",
    "sizes",
    "quantity",
    "profile",
    "mode",
    "max_price",
    "proxy_list",
    "group",
    "test_mode",
)
MAX_CSV_BYTES = 2_000_000
_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0", ""})
_PRICE = re.compile(r"\d{1,7}([.,]\d{1,2})?")

Problems = list[tuple[int, str, str]]


async def import_tasks(
    content: str, *, uow_factory: UnitOfWorkFactory, clock: Clock, ids: IdFactory
) -> list[Task]:
    """Create one IDLE task per row, all or none. Raises TaskBatchRejected with every problem found."""
    # bulk_create numbers its items from 1 in order: the same numbers as the data rows.
    return await bulk_create(parse_csv(content), uow_factory=uow_factory, clock=clock, ids=ids)


def parse_csv(content: str) -> list[TaskSpec]:
    """The rows as task specs; TaskBatchRejected for what the text alone shows is wrong."""
    if len(content.encode()) > MAX_CSV_BYTES:
        raise TaskBatchRejected([(0, "content", f"larger than {MAX_CSV_BYTES} bytes")])
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    problems: Problems = []
    if "store" not in header:
        problems.append((0, "store", "the header needs a store column"))
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        problems.append((0, "header", f"unknown column(s): {', '.join(unknown)}"))
    if problems:
        raise TaskBatchRejected(problems)
    specs: list[TaskSpec] = []
    for number, raw in enumerate(reader, start=1):
        if number > MAX_BATCH:
            raise TaskBatchRejected([(0, "content", f"at most {MAX_BATCH} rows")])
        if None in raw:
            problems.append((number, "row", "more cells than columns"))
            continue
        row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None}
        spec = _row_spec(row, number, problems)
        if spec is not None:
            specs.append(spec)
    if problems:
        raise TaskBatchRejected(problems)
    if not specs:
        raise TaskBatchRejected([(0, "content", "no rows")])
    return specs


def _row_spec(row: dict[str, str], number: int, problems: Problems) -> TaskSpec | None:
    found: Problems = []
    quantity = 1
    if row.get("quantity"):
        if row["quantity"].isdigit():
            quantity = int(row["quantity"])
        else:
            found.append((number, "quantity", "must be a whole number"))
    mode = TaskMode.ASSIST
    if row.get("mode"):
        try:
            mode = TaskMode(row["mode"].lower())
        except ValueError:
            found.append((number, "mode", "must be assist or browser"))
    max_price = None
    if row.get("max_price"):
        max_price = _cents(row["max_price"])
        if max_price is None:
            found.append((number, "max_price", "must be a price like 180 or 180.00"))
    test_mode = row.get("test_mode", "").lower()
    if test_mode not in _TRUE | _FALSE:
        found.append((number, "test_mode", "must be true or false"))
    target = ProductTarget(
        url=row.get("url") or None,
        handle=row.get("handle") or None,
        variant_id=row.get("variant_id") or None,
        sku=row.get("sku") or None,
        keywords=row.get("keywords") or None,
    )
    if not row.get("store"):
        found.append((number, "store", "required"))
    problems += found
    if found:
        return None
    return TaskSpec(
        store=row["store"],
        target=target,
        mode=mode,
        sizes=tuple(row.get("sizes", "").split(";")),
        quantity=quantity,
        profile=row.get("profile") or None,
        max_price=max_price,
        proxy_list=row.get("proxy_list") or None,
        group=row.get("group") or None,
        test_mode=test_mode in _TRUE,
    )


def _cents(text: str) -> int | None:
    cleaned = text.strip().lstrip("$€£").strip()
    if not _PRICE.fullmatch(cleaned):
        return None
    whole, _, frac = cleaned.replace(",", ".").partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def _price(cents: int | None) -> str:
    return "" if cents is None else f"{cents // 100}.{cents % 100:02d}"


async def export_tasks(query: TaskQuery, *, uow_factory: UnitOfWorkFactory) -> str:
    """The tasks as CSV that `import_tasks` reads back: stores by URL, profiles and proxy lists by name."""
    async with uow_factory() as uow:
        tasks = await uow.tasks.list(query)
        stores = {s.id: s.url for s in await uow.stores.list()}
        profiles = {p.id: p.name for p in await uow.profiles.list()}
        proxy_lists = {p.id: p.name for p in await uow.proxies.list()}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for t in reversed(tasks):  # oldest first: a re-import keeps the order
        writer.writerow(
            [
                stores.get(t.store_id, t.store_id),
                t.target.url or "",
                t.target.handle or "",
                t.target.variant_id or "",
                t.target.sku or "",
                t.target.keywords or "",
                ";".join(t.sizes) if t.sizes else "any",
                t.quantity,
                profiles.get(t.profile_id, t.profile_id) if t.profile_id else "",
                t.mode.value,
                _price(t.max_price),
                proxy_lists.get(t.proxy_list_id, t.proxy_list_id) if t.proxy_list_id else "",
                t.group or "",
                "true" if t.test_mode else "false",
            ]
        )
    return out.getvalue()
