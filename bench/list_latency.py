"""List-endpoint latency on a big database: `GET /api/events` and `GET /api/products` with 1,000,000 events.

    .venv/bin/python -m bench.list_latency                          # build (or reuse) the database, measure
    .venv/bin/python -m bench.list_latency --events 200000 --requests 100
    .venv/bin/python -m bench.list_latency --explain                # SQLite query plans of every variant

The database is built once into `--db` (default: the temp dir, named after its size) through the real
migrations, then filled with sqlite3 `executemany`: `--stores` stores (disabled, so nothing is polled) of
`--products` products each, `--events` events spread evenly over `--days` days with time-ordered ids, and
one history point per product event. The real app (`create_app`) then runs under uvicorn in a child
process on 127.0.0.1 and every list variant is requested `--requests` times, one request at a time, with
aiohttp: p50/p95/p99 per variant, target p95 <= 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

from phantom.adapters.db.codec import encode_event
from phantom.adapters.db.migrate import upgrade
from phantom.adapters.db.products import size_keys, title_key
from phantom.adapters.ids import encode as encode_id
from phantom.domain.events import EventKind, ProductEvent
from phantom.domain.models import Product, Variant
from phantom.domain.products import style_key

TARGET_P95_MS = 50.0
SIZES = ("7", "8", "8.5", "9", "9.5", "10", "10.5", "11", "12")
BRANDS = (
    ("Nike", ("Dunk Low", "Dunk High", "Air Max 1", "Air Max 90", "Air Force 1", "Blazer Mid 77")),
    ("Jordan", ("Air Jordan 1 Retro High OG", "Air Jordan 4 Retro", "Air Jordan 11 Retro", "Jordan 1 Low")),
    ("adidas", ("Yeezy Boost 350 V2", "Yeezy Slide", "Samba OG", "Gazelle Indoor", "Campus 00s")),
    ("New Balance", ("550", "990v6", "2002R", "9060", "1906R")),
    ("ASICS", ("Gel-Kayano 14", "Gel-1130", "GT-2160", "Gel-NYC")),
)
COLOURS = ("Panda", "Chicago", "Bred", "Onyx", "Bone", "Sail", "University Blue", "Black Cat", "Kids", "GS")
KINDS = (  # (kind, weight): a busy month is mostly stock flips
    (EventKind.RESTOCK, 36),
    (EventKind.SOLD_OUT, 36),
    (EventKind.PRICE_CHANGE, 10),
    (EventKind.NEW_PRODUCT, 9),
    (EventKind.NEW_VARIANT, 7),
    (EventKind.PASSWORD_UP, 1),
    (EventKind.PASSWORD_DOWN, 1),
)


# ---- building the database -------------------------------------------------------------------------

STORE_COLUMNS = (
    "id, url, platform, name, interval, skus, watch_handles, watch_interval, max_pages, enabled, extra, "
    "created_at, updated_at"
)
EVENT_COLUMNS = (
    "id, store_id, store_name, store_url, kind, product_id, product_title, dedup_key, detected_at, "
    "changed_at, payload"
)
PRODUCT_COLUMNS = (
    "store_id, product_id, handle, title, vendor, style_code, style_key, image, url, price, available, "
    "sizes_in_stock, size_keys, title_key, variants, first_seen_at, updated_at"
)
POINT_COLUMNS = "store_id, product_id, at, price, sizes_in_stock, in_stock_count, kind"


@dataclass(frozen=True, slots=True)
class Shape:
    events: int
    stores: int
    products: int  # per store
    days: float
    seed: int

    @property
    def end(self) -> datetime:
        # Fixed, so a rebuilt database is the same database; the API sees it as "now-ish" data anyway.
        return datetime(2026, 11, 1, tzinfo=UTC)

    @property
    def start(self) -> datetime:
        return self.end - timedelta(days=self.days)

    def store_id(self, n: int) -> str:
        return f"store{n:04d}"

    def default_db(self) -> Path:
        name = f"phantom-list-bench-{self.events}e-{self.stores}s-{self.products}p-{self.seed}.db"
        return Path(tempfile.gettempdir()) / name


def _ts(at: datetime) -> str:
    """How UTCDateTime stores a time in SQLite: naive UTC, fixed width."""
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _catalogue(shape: Shape, rng: random.Random) -> list[list[Product]]:
    stores = []
    pid = 7_000_000
    for _ in range(shape.stores):
        products = []
        for _ in range(shape.products):
            pid += 1
            vendor, models = rng.choice(BRANDS)
            title = f"{vendor} {rng.choice(models)} {rng.choice(COLOURS)}"
            style = f"{rng.choice('ABCDF')}{rng.choice('ABDHQ')}{rng.randrange(1000, 9999)}-{rng.randrange(0, 999):03d}"
            variants = tuple(
                Variant(
                    id=str(pid * 100 + i),
                    size=s,
                    price=rng.choice((9000, 11000, 17000, 23000)),
                    available=rng.random() < 0.5,
                )
                for i, s in enumerate(SIZES)
            )
            handle = f"{title.lower().replace(' ', '-')}-{pid}"
            image = f"https://cdn.example/products/{pid}.jpg"
            products.append(
                Product(
                    id=str(pid),
                    handle=handle,
                    title=title,
                    variants=variants,
                    vendor=vendor,
                    image=image,
                    style_code=style,
                )
            )
        stores.append(products)
    return stores


def _store_rows(shape: Shape) -> list[tuple[Any, ...]]:
    now = _ts(shape.start)
    return [
        (
            shape.store_id(n),
            f"https://store{n}.example",
            "shopify",
            f"Store {n}",
            2.0,
            "[]",
            "[]",
            None,
            10,
            0,
            "{}",
            now,
            now,
        )
        for n in range(shape.stores)
    ]


def _event_rows(
    shape: Shape,
    catalogue: list[list[Product]],
    rng: random.Random,
    last_seen: dict[tuple[str, str], datetime],
) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...] | None]]:
    """(event row, history point row or None) in time order."""
    kinds = [k for k, _ in KINDS]
    weights = [w for _, w in KINDS]
    step = (shape.end - shape.start) / shape.events
    for n in range(shape.events):
        at = shape.start + step * n
        sn = rng.randrange(shape.stores)
        store_id = shape.store_id(sn)
        kind = rng.choices(kinds, weights)[0]
        product = (
            None if kind in (EventKind.PASSWORD_UP, EventKind.PASSWORD_DOWN) else rng.choice(catalogue[sn])
        )
        if product is None:
            event = ProductEvent(kind=kind)
        elif kind is EventKind.PRICE_CHANGE:
            event = ProductEvent(kind=kind, product=product, old_price=12000, new_price=product.price)
        else:
            event = ProductEvent(kind=kind, product=product, variants=product.variants[:2])
        ms = int(at.timestamp() * 1000)
        event_id = encode_id(ms, rng.getrandbits(79))
        ts = _ts(at)
        row = (
            event_id,
            store_id,
            f"Store {sn}",
            f"https://store{sn}.example",
            kind.value,
            event.product_id,
            product.title if product else "",
            f"{store_id}:{n}:{kind.value}:{event.product_id}",
            ts,
            ts,
            encode_event(event),
        )
        point = None
        if product is not None:
            last_seen[(store_id, product.id)] = at
            sizes = [v.size for v in product.variants if v.available]
            point = (store_id, product.id, ts, product.price, json.dumps(sizes), len(sizes), kind.value)
        yield row, point


def _product_rows(
    shape: Shape, catalogue: list[list[Product]], last_seen: dict[tuple[str, str], datetime]
) -> Iterator[tuple[Any, ...]]:
    for sn, products in enumerate(catalogue):
        store_id = shape.store_id(sn)
        for p in products:
            in_stock = [v.size for v in p.variants if v.available]
            variants = [
                {"id": v.id, "size": v.size, "price": v.price, "available": v.available, "sku": None}
                for v in p.variants
            ]
            updated = last_seen.get((store_id, p.id), shape.start)
            yield (
                store_id,
                p.id,
                p.handle,
                p.title,
                p.vendor,
                p.style_code,
                style_key(p.style_code) if p.style_code else None,
                p.image,
                f"https://store{sn}.example/products/{p.handle}",
                p.price,
                int(p.available),
                json.dumps(in_stock),
                size_keys(in_stock),
                title_key(p.title),
                json.dumps(variants),
                _ts(shape.start),
                _ts(updated),
            )


def build(shape: Shape, path: Path) -> None:
    """Migrate a fresh file to head, then bulk-insert the data into the real schema."""
    if path.exists():
        path.unlink()
    upgrade(f"sqlite+aiosqlite:///{path}")
    rng = random.Random(shape.seed)
    catalogue = _catalogue(shape, rng)
    last_seen: dict[tuple[str, str], datetime] = {}
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=OFF")
        con.execute("BEGIN")
        con.executemany(_insert("store", STORE_COLUMNS), _store_rows(shape))
        events = _event_rows(shape, catalogue, rng, last_seen)
        batch: list[tuple[Any, ...]] = []
        points: list[tuple[Any, ...]] = []
        # Products first (points reference them); their updated_at is fixed up after the events.
        con.executemany(_insert("product", PRODUCT_COLUMNS), _product_rows(shape, catalogue, {}))
        for row, point in events:
            batch.append(row)
            if point is not None:
                points.append(point)
            if len(batch) >= 50_000:
                _flush(con, batch, points)
        _flush(con, batch, points)
        con.executemany(
            "UPDATE product SET updated_at = ? WHERE store_id = ? AND product_id = ?",
            ((_ts(at), s, p) for (s, p), at in last_seen.items()),
        )
        con.execute("COMMIT")  # no ANALYZE: the plans must be good on a database as Phantom leaves it
    finally:
        con.close()


def _insert(table: str, columns: str) -> str:
    return f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(columns.split(',')))})"


def _flush(con: sqlite3.Connection, events: list[tuple[Any, ...]], points: list[tuple[Any, ...]]) -> None:
    con.executemany(_insert("event", EVENT_COLUMNS), events)
    con.executemany(
        _insert("product_point", POINT_COLUMNS),
        points,
    )
    events.clear()
    points.clear()


# ---- serving (child process) -----------------------------------------------------------------------


async def _serve(db: Path, port: int, ready: Path) -> None:
    """Run the real app on 127.0.0.1:`port` until killed; once it serves, write {"token": …} to `ready`."""
    import uvicorn

    from phantom.core.app import create_app
    from phantom.core.engine import Engine
    from phantom.core.settings import DatabaseSettings, Settings

    settings = Settings(database=DatabaseSettings(url=f"sqlite+aiosqlite:///{db}"))
    engine = Engine(settings)
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, engine=engine),
            host="127.0.0.1",
            port=port,
            log_config=None,
            access_log=False,
        )
    )
    task = asyncio.create_task(server.serve())
    while not server.started and not task.done():  # noqa: ASYNC110 (uvicorn offers a flag, not an event)
        await asyncio.sleep(0.05)
    if task.done():
        task.result()
        return
    token = engine.first_run_token or (await engine.auth.rotate() if engine.auth is not None else None)
    partial = ready.with_suffix(".partial")
    partial.write_text(json.dumps({"token": token}), encoding="utf-8")
    partial.replace(ready)  # atomic: the parent never reads half a file
    await task


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def served(db: Path, *, timeout: float = 120.0) -> Iterator[tuple[str, str | None]]:
    """The app in a child process (so the client's work is not on the server's event loop); its output
    goes to `<db>.serve.log`. Yields the base URL and a bearer token (None if the app has no auth)."""
    port = _free_port()
    ready = db.with_name(db.name + f".ready-{port}")
    ready.unlink(missing_ok=True)
    argv = [sys.executable, "-m", "bench.list_latency", "--serve", str(db), "--port", str(port)]
    argv += ["--ready", str(ready)]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(Path.cwd()), os.environ.get("PYTHONPATH")])),
    }
    with db.with_name(db.name + ".serve.log").open("w") as log:
        child = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + timeout
        while not ready.exists():
            if child.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the app did not start (status {child.poll()}); see {log.name}")
            time.sleep(0.05)
        token = json.loads(ready.read_text(encoding="utf-8"))["token"]
        yield f"http://127.0.0.1:{port}", token
    finally:
        ready.unlink(missing_ok=True)
        child.terminate()
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(timeout=5)


# ---- the variants ----------------------------------------------------------------------------------

Params = dict[str, str | list[str]]


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    path: str
    params: Params | Callable[[random.Random], Params]  # a callable draws fresh ones per request

    def draw(self, rng: random.Random) -> Params:
        return self.params(rng) if callable(self.params) else self.params


def _iso(at: datetime) -> str:
    return at.isoformat()


def variants(shape: Shape, event_ids: list[str], product_cursors: list[str]) -> list[Case]:
    """Every filter combination of both list endpoints; stores, cursors and windows drawn per request."""

    def store(rng: random.Random) -> str:
        return shape.store_id(rng.randrange(shape.stores))

    def day(rng: random.Random) -> datetime:
        return shape.start + timedelta(days=rng.uniform(1, shape.days - 1))

    e, p = "/api/events", "/api/products"
    return [
        Case("events", e, {}),
        Case("events store", e, lambda rng: {"store_id": store(rng)}),
        Case("events kind", e, lambda rng: {"kind": rng.choice(["restock", "new_product", "password_up"])}),
        Case("events 2 kinds", e, {"kind": ["new_product", "restock"]}),
        Case("events store+kind", e, lambda rng: {"store_id": store(rng), "kind": "sold_out"}),
        Case("events since 24h", e, {"since": _iso(shape.end - timedelta(hours=24))}),
        Case(
            "events window 1 day",
            e,
            lambda rng: {"since": _iso(d := day(rng)), "until": _iso(d + timedelta(days=1))},
        ),
        Case("events until (old)", e, lambda rng: {"until": _iso(day(rng))}),
        Case(
            "events store+window",
            e,
            lambda rng: {
                "store_id": store(rng),
                "since": _iso(d := day(rng)),
                "until": _iso(d + timedelta(days=3)),
            },
        ),
        Case("events cursor", e, lambda rng: {"cursor": rng.choice(event_ids)}),
        Case("events store+cursor", e, lambda rng: {"store_id": store(rng), "cursor": rng.choice(event_ids)}),
        Case("events kind+cursor", e, lambda rng: {"kind": "restock", "cursor": rng.choice(event_ids)}),
        Case("products", p, {}),
        Case("products store", p, lambda rng: {"store_id": store(rng)}),
        Case("products available=false", p, {"available": "false"}),
        Case("products size", p, lambda rng: {"size": rng.choice(["US 9", "10.5", "13"])}),
        Case("products style code", p, lambda rng: {"style_code": f"DD{rng.randrange(1000, 9999)}-100"}),
        Case("products q", p, lambda rng: {"q": rng.choice(["dunk", "jordan 4", "samba", "yeezy 350"])}),
        Case("products q +/-/,", p, {"q": "+jordan -kids, yeezy 350 -gs"}),
        Case("products q no match", p, {"q": "zzzz"}),
        Case("products q+size+avail", p, {"q": "dunk low", "size": "9", "available": "true"}),
        Case("products cursor", p, lambda rng: {"cursor": rng.choice(product_cursors)}),
        Case("products q+cursor", p, lambda rng: {"q": "air max", "cursor": rng.choice(product_cursors)}),
    ]


def _samples(db: Path, rng: random.Random) -> tuple[list[str], list[str]]:
    """Real cursors, as a client gets them from earlier pages: event ids and product positions."""
    con = sqlite3.connect(db)
    try:
        count = con.execute("SELECT count(*) FROM event").fetchone()[0]
        ids = [
            con.execute("SELECT id FROM event LIMIT 1 OFFSET ?", (rng.randrange(max(count, 1)),)).fetchone()[
                0
            ]
            for _ in range(50)
        ]
        total = con.execute("SELECT count(*) FROM product").fetchone()[0]
        cursors = []
        for _ in range(50):
            at, store_id, pid = con.execute(
                "SELECT updated_at, store_id, product_id FROM product LIMIT 1 OFFSET ?",
                (rng.randrange(max(total, 1)),),
            ).fetchone()
            when = datetime.fromisoformat(at).replace(tzinfo=UTC)
            cursors.append(f"{when.isoformat()}|{store_id}|{pid}")
    finally:
        con.close()
    return ids, cursors


# ---- measuring -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Result:
    name: str
    p50: float
    p95: float
    p99: float
    items: float  # mean items per page

    @property
    def ok(self) -> bool:
        return self.p95 <= TARGET_P95_MS


def _pct(sorted_ms: list[float], q: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, round(q * (len(sorted_ms) - 1)))]


async def measure(url: str, token: str | None, cases: list[Case], requests: int, seed: int) -> list[Result]:
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    results = []
    async with aiohttp.ClientSession(headers=headers) as http:
        for case in cases:
            times, items = [], []
            for n in range(requests + 10):  # the first 10 warm up
                params = case.draw(rng)
                start = time.perf_counter()
                async with http.get(url + case.path, params=params) as r:
                    body = await r.read()
                    if r.status != 200:
                        raise RuntimeError(f"{case.name}: HTTP {r.status} {body[:300]!r}")
                elapsed = (time.perf_counter() - start) * 1000
                if n >= 10:
                    times.append(elapsed)
                    items.append(len(json.loads(body)["items"]))
            times.sort()
            results.append(
                Result(
                    case.name, _pct(times, 0.5), _pct(times, 0.95), _pct(times, 0.99), statistics.mean(items)
                )
            )
    return results


def table(results: list[Result], shape: Shape, requests: int) -> str:
    lines = [
        f"List latency: {shape.events:,} events, {shape.stores * shape.products:,} products, "
        f"{requests} requests per variant, one at a time (ms)",
        f"{'variant':28} {'p50':>7} {'p95':>7} {'p99':>7} {'items':>6}  p95 <= {TARGET_P95_MS:g}",
    ]
    for r in results:
        lines.append(
            f"{r.name:28} {r.p50:7.1f} {r.p95:7.1f} {r.p99:7.1f} {r.items:6.1f}  {'ok' if r.ok else 'SLOW'}"
        )
    worst = max(results, key=lambda r: r.p95)
    lines.append(
        f"worst p95: {worst.p95:.1f} ms ({worst.name}); {'PASS' if all(r.ok for r in results) else 'FAIL'}"
    )
    return "\n".join(lines)


# ---- query plans -----------------------------------------------------------------------------------


def explain(db: Path) -> str:
    """SQLite's plan for the list queries of every filter combination, as the repositories issue them."""
    from sqlalchemy import event as sa_event

    from phantom.adapters.db.engine import create_db_engine, create_session_factory
    from phantom.adapters.db.uow import SqlAlchemyUnitOfWork
    from phantom.domain.ports import EventQuery
    from phantom.domain.products import ProductCursor, ProductSearch

    end = datetime(2026, 11, 1, tzinfo=UTC)
    kinds = frozenset({EventKind.NEW_PRODUCT, EventKind.RESTOCK})
    events = {
        "events": EventQuery(),
        "store": EventQuery(store_id="store0001"),
        "kinds": EventQuery(kinds=kinds),
        "store+kind": EventQuery(store_id="store0001", kinds=frozenset({EventKind.RESTOCK})),
        "window": EventQuery(since=end - timedelta(days=15), until=end - timedelta(days=14)),
        "until": EventQuery(until=end - timedelta(days=20)),
    }
    cursor = ProductCursor(end - timedelta(days=10), "store0100", "7025000")
    products = {
        "products": ProductSearch(),
        "store+cursor": ProductSearch(store_id="store0001", after=cursor),
        "available": ProductSearch(available=False),
        "size+title (window)": ProductSearch(size="9", title_terms=(("dunk",),)),
        "style code": ProductSearch(style_code="dd1391-100"),
    }

    async def run() -> list[str]:
        engine = create_db_engine(f"sqlite+aiosqlite:///{db}")
        seen: list[tuple[str, Any]] = []
        sa_event.listen(
            engine.sync_engine,
            "before_cursor_execute",
            lambda _c, _cur, stmt, params, _ctx, _many: seen.append((stmt, params)),
        )
        factory = create_session_factory(engine)
        out = []
        try:
            for name, eq in events.items():
                async with SqlAlchemyUnitOfWork(factory) as uow:
                    first = (await uow.events.list(EventQuery(limit=1)))[0].id
                    seen.clear()
                    await uow.events.list(eq)
                    seen_plain = list(seen)
                    seen.clear()
                    await uow.events.list(EventQuery(**{**_fields(eq), "before_id": first}))
                out += [
                    await _plan(engine, f"event {name}", seen_plain),
                    await _plan(engine, f"event {name}+cursor", seen),
                ]
            for name, pq in products.items():
                seen.clear()
                async with SqlAlchemyUnitOfWork(factory) as uow:
                    await uow.products.search(pq)
                out.append(await _plan(engine, f"product {name}", seen))
        finally:
            await engine.dispose()
        return out

    return "\n".join(asyncio.run(run()))


def _fields(query: Any) -> dict[str, Any]:
    return {name: getattr(query, name) for name in query.__slots__}


async def _plan(engine: Any, name: str, statements: list[tuple[str, Any]]) -> str:
    selects = [(s, p) for s, p in statements if s.lstrip().upper().startswith("SELECT")]
    lines = []
    async with engine.connect() as conn:
        for stmt, params in selects[-2:] if name.startswith("product") else selects[-1:]:
            rows = (await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + stmt, params)).all()
            lines.append(" | ".join(str(r[-1]) for r in rows))
    return f"{name:30} " + ("\n" + " " * 31).join(lines)


# ---- the write side: what keeping the read model costs record_snapshot --------------------------------

OLD_EVENT_INDEXES = (  # migration 0001's, which 0002 replaced
    "CREATE INDEX ix_event_store_id_id ON event (store_id, id)",
    "CREATE INDEX ix_event_kind_id ON event (kind, id)",
    "CREATE INDEX ix_event_detected_at ON event (detected_at)",
)


class _NoProducts:
    """A product repository that writes nothing: record_snapshot as it was before the read model."""

    async def upsert(self, *_: object) -> None:
        return None

    async def add_points(self, *_: object) -> None:
        return None


async def snapshot_cost(calls: int) -> dict[str, list[float]]:
    """Milliseconds per record_snapshot call on a 250-product, 9-size catalogue with 5 products changed
    per call (a real SQLite file each, the app's engine and unit of work), for four set-ups: 0001 or
    0002 event indexes, with or without the product read model. The set-ups take turns call by call, so
    a busy machine slows them alike."""
    with tempfile.TemporaryDirectory(prefix="phantom-snapcost-") as tmp:
        setups = []
        for n, (old_indexes, read_model) in enumerate(
            [(True, False), (True, True), (False, False), (False, True)]
        ):
            url = f"sqlite+aiosqlite:///{Path(tmp) / f'{n}.db'}"
            setups.append(await _SnapshotSetup.open(url, old_indexes=old_indexes, read_model=read_model))
        try:
            for k in range(calls):
                for setup in setups:
                    await setup.step(k)
        finally:
            for setup in setups:
                await setup.engine.dispose()
    return {setup.name: setup.times for setup in setups}


class _SnapshotSetup:
    def __init__(self, name: str, engine: Any, uow_factory: Any, store: Any, previous: Any) -> None:
        from phantom.adapters.clock import SystemClock

        self.name, self.engine, self.uow_factory, self.store = name, engine, uow_factory, store
        self.previous, self.clock = previous, SystemClock()
        self.times: list[float] = []

    @classmethod
    async def open(cls, url: str, *, old_indexes: bool, read_model: bool) -> _SnapshotSetup:
        from phantom.adapters.clock import SystemClock
        from phantom.adapters.db.engine import create_db_engine, create_session_factory
        from phantom.adapters.db.migrate import upgrade_async
        from phantom.adapters.db.uow import SqlAlchemyUnitOfWork
        from phantom.adapters.ids import new_id
        from phantom.domain.filters import EventFilter
        from phantom.domain.models import Platform, Snapshot
        from phantom.domain.notifications import Channel, ChannelKind
        from phantom.domain.ports import UnitOfWork
        from phantom.domain.stores import Store
        from phantom.services.monitoring import record_snapshot

        await upgrade_async(url)
        engine = create_db_engine(url)
        if old_indexes:
            async with engine.begin() as conn:
                for index in ("detected_at_id", "store_id_detected_at_id", "kind_detected_at_id"):
                    await conn.exec_driver_sql(f"DROP INDEX ix_event_{index}")
                await conn.exec_driver_sql("DROP INDEX ix_event_store_id_kind_detected_at_id")
                for ddl in OLD_EVENT_INDEXES:
                    await conn.exec_driver_sql(ddl)
        factory, gate = create_session_factory(engine), asyncio.Lock()

        class Uow(SqlAlchemyUnitOfWork):
            async def __aenter__(self) -> Uow:
                await super().__aenter__()
                if not read_model:
                    self.products = _NoProducts()  # type: ignore[assignment]
                return self

        def uow_factory() -> UnitOfWork:
            return Uow(factory, gate)

        store = Store(id="s1", url="https://kith.example", platform=Platform.SHOPIFY, name="kith")
        async with uow_factory() as uow:
            await uow.stores.add(store)
            route = EventFilter.build(kinds=[EventKind.NEW_PRODUCT], keywords="probe")  # as the busy bench
            await uow.channels.add(Channel("c1", ChannelKind.DISCORD, "https://x.example/hook", route))
            await uow.commit()
        products = {p.id: p for p in _catalogue(Shape(0, 1, 250, 1, 7), random.Random(7))[0]}
        baseline = await record_snapshot(
            store, None, Snapshot(products), uow_factory=uow_factory, clock=SystemClock(), ids=new_id
        )
        name = f"{'0001' if old_indexes else '0002'} indexes, {'' if read_model else 'no '}read model"
        return cls(name, engine, uow_factory, store, baseline.snapshot)

    async def step(self, k: int) -> None:
        """Flip one size of 5 products (a different 5 each call) and record the snapshot."""
        from phantom.adapters.ids import new_id
        from phantom.domain.models import Snapshot
        from phantom.services.monitoring import record_snapshot

        current = dict(self.previous.products)
        ids = list(current)
        for pid in (ids[(k * 5 + j) % len(ids)] for j in range(5)):
            p = current[pid]
            flip = k % len(p.variants)
            variants = tuple(
                dataclasses.replace(v, available=not v.available) if i == flip else v
                for i, v in enumerate(p.variants)
            )
            current[pid] = dataclasses.replace(p, variants=variants)
        snapshot = Snapshot(current, False, self.previous.version)
        start = time.perf_counter()
        outcome = await record_snapshot(
            self.store, self.previous, snapshot, uow_factory=self.uow_factory, clock=self.clock, ids=new_id
        )
        self.times.append((time.perf_counter() - start) * 1000)
        self.previous = outcome.snapshot


def snapshot_table(results: dict[str, list[float]]) -> str:
    lines = ["record_snapshot, 250 products x 9 sizes, 5 products changed per call (ms)"]
    lines.append(f"{'set-up':36} {'mean':>6} {'p50':>6} {'p95':>6}")
    for name, ms in results.items():
        ms = sorted(ms)
        lines.append(f"{name:36} {statistics.mean(ms):6.2f} {_pct(ms, 0.5):6.2f} {_pct(ms, 0.95):6.2f}")
    return "\n".join(lines)


# ---- command line ----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.list_latency", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--stores", type=int, default=200)
    parser.add_argument("--products", type=int, default=250, help="per store")
    parser.add_argument("--days", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=200, help="per variant, after 10 warm-up requests")
    parser.add_argument("--db", type=Path, help="database file (reused when it exists; default: temp dir)")
    parser.add_argument("--rebuild", action="store_true", help="build the database even if it exists")
    parser.add_argument("--explain", action="store_true", help="print the query plans instead of measuring")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--snapshot-cost",
        action="store_true",
        help="measure record_snapshot's write cost instead (no database)",
    )
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)  # child mode: serve this database
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--ready", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve is not None:
        asyncio.run(_serve(args.serve, args.port, args.ready))
        return 0
    if args.snapshot_cost:
        print(snapshot_table(asyncio.run(snapshot_cost(calls=args.requests))))
        return 0
    shape = Shape(
        events=args.events, stores=args.stores, products=args.products, days=args.days, seed=args.seed
    )
    db: Path = args.db or shape.default_db()
    if args.rebuild or not db.exists():
        print(f"building {db} …", flush=True)
        started = time.monotonic()
        build(shape, db)
        print(f"built in {time.monotonic() - started:.0f} s ({db.stat().st_size / 1e6:.0f} MB)", flush=True)
    if args.explain:
        print(explain(db))
        return 0
    event_ids, product_cursors = _samples(db, random.Random(args.seed))
    cases = variants(shape, event_ids, product_cursors)
    with served(db) as (url, token):
        results = asyncio.run(measure(url, token, cases, args.requests, args.seed))
    print(table(results, shape, args.requests))
    if args.json:
        args.json.write_text(json.dumps([dataclasses.asdict(r) for r in results], indent=2))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
