"""The tasks API over real HTTP against the real engine and a SQLite file: CRUD with transitions, start and
stop through the state machine and the runner, bulk actions, groups, CSV, the quick task, and the checkout
history and stats."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from phantom.core.settings import StoreConfig
from phantom.domain.checkout import AttemptStatus, CheckoutAttempt, attempt_key
from phantom.domain.tasks import TaskMode
from tests.e2e.served import Served, offline_settings, serve
from tests.e2e.task_support import RecordingEngine, call

pytestmark = pytest.mark.asyncio

KITH = "https://kith.example"
SHOP = "https://shop.example"


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Served]:
    # Two stores that are never polled (the engine runs without monitors): they only need rows.
    settings = offline_settings(tmp_path / "tasks.db", stores=[StoreConfig(url=KITH), StoreConfig(url=SHOP)])
    async with serve(settings, engine=RecordingEngine(settings)) as served:
        yield served


def control(api: Served) -> list[str]:
    assert isinstance(api.engine, RecordingEngine)
    return api.engine.control.run_ids


class TestTaskLifecycle:
    async def test_create_read_edit_start_stop_delete(self, api: Served) -> None:
        async with api.client() as http:
            status, task = await call(
                http,
                api,
                "POST",
                "/api/tasks",
                {
                    "store": KITH + "/",
                    "handle": "dunk-low",
                    "sizes": ["9", "9.5"],
                    "max_price": 15000,
                    "group": "drop",
                },
            )
            assert status == 201, task
            assert task["status"] == "idle" and task["sizes"] == ["9", "9.5"] and task["max_price"] == 15000
            tid = task["id"]

            status, listed = await call(http, api, "GET", "/api/tasks", group="drop")
            assert status == 200 and [t["id"] for t in listed] == [tid]
            status, edited = await call(
                http, api, "PATCH", f"/api/tasks/{tid}", {"quantity": 2, "max_price": None}
            )
            assert status == 200 and edited["quantity"] == 2 and edited["max_price"] is None

            status, started = await call(http, api, "POST", f"/api/tasks/{tid}/start")
            assert status == 200 and started["status"] == "waiting"
            assert control(api) == [tid], "the runner was asked to run it"
            status, stopped = await call(http, api, "POST", f"/api/tasks/{tid}/stop")
            assert (
                status == 200 and stopped["status"] == "cancelled" and stopped["status_reason"] == "stopped"
            )

            status, detail = await call(http, api, "GET", f"/api/tasks/{tid}")
            assert status == 200 and detail["checkout_attempts"] == []
            assert [(t["from_status"], t["to_status"], t["reason"]) for t in detail["transitions"]] == [
                (None, "idle", "created"),
                ("idle", "waiting", "started"),
                ("waiting", "cancelled", "stopped"),
            ]

            status, _ = await call(http, api, "DELETE", f"/api/tasks/{tid}")
            assert status == 204
            status, gone = await call(http, api, "GET", f"/api/tasks/{tid}")
            assert status == 404 and gone["error"] == "TaskNotFound"

    async def test_refusals_have_their_status(self, api: Served) -> None:
        async with api.client() as http:
            status, body = await call(http, api, "POST", "/api/tasks", {"store": "nowhere", "handle": "x"})
            assert status == 400 and body["error"] == "InvalidTask" and "store" in body["detail"]
            status, body = await call(http, api, "POST", "/api/tasks", {"store": KITH})
            assert status == 400 and "product" in body["detail"]
            status, body = await call(
                http, api, "POST", "/api/tasks", {"store": KITH, "handle": "x", "quantity": "2"}
            )
            assert status == 422
            status, body = await call(
                http, api, "POST", "/api/tasks", {"store": KITH, "handle": "x", "mode": "browser"}
            )
            assert status == 400 and "profile" in body["detail"]

            _, task = await call(http, api, "POST", "/api/tasks", {"store": KITH, "handle": "x"})
            await call(http, api, "POST", f"/api/tasks/{task['id']}/start")
            await call(http, api, "POST", f"/api/tasks/{task['id']}/stop")
            # A cancelled task can be started again; a success cannot (409 from the state machine).
            status, again = await call(http, api, "POST", f"/api/tasks/{task['id']}/start")
            assert status == 200 and again["status"] == "waiting"
            status, body = await call(http, api, "PATCH", "/api/tasks/nope", {"quantity": 1})
            assert status == 404


class TestBulkAndGroups:
    async def test_bulk_create_is_all_or_nothing(self, api: Served) -> None:
        async with api.client() as http:
            tasks = [
                {"store": KITH, "handle": "a"},
                {"store": "ghost", "handle": "b"},
                {"store": SHOP, "sku": "X1"},
            ]
            status, body = await call(http, api, "POST", "/api/tasks/bulk-create", {"tasks": tasks})
            assert status == 400 and body["error"] == "TaskBatchRejected"
            assert [(p["item"], p["field"]) for p in body["problems"]] == [(2, "store")]
            _, listed = await call(http, api, "GET", "/api/tasks")
            assert listed == []
            tasks[1]["store"] = SHOP
            status, created = await call(http, api, "POST", "/api/tasks/bulk-create", {"tasks": tasks})
            assert status == 201 and len(created) == 3

    async def test_bulk_actions_report_per_task(self, api: Served) -> None:
        async with api.client() as http:
            ids = []
            for handle in ("a", "b"):
                _, task = await call(
                    http, api, "POST", "/api/tasks", {"store": KITH, "handle": handle, "group": "g"}
                )
                ids.append(task["id"])
            status, results = await call(
                http, api, "POST", "/api/tasks/bulk", {"action": "start", "ids": [*ids, "ghost"]}
            )
            assert status == 200
            assert [(r["id"], r["ok"], r["error"]) for r in results] == [
                (ids[0], True, None),
                (ids[1], True, None),
                ("ghost", False, "TaskNotFound"),
            ]
            assert results[0]["task"]["status"] == "waiting"
            status, results = await call(
                http,
                api,
                "POST",
                "/api/tasks/bulk",
                {"action": "edit", "ids": ids, "changes": {"sizes": ["10"]}},
            )
            assert all(r["ok"] and r["task"]["sizes"] == ["10"] for r in results)

            status, groups = await call(http, api, "GET", "/api/tasks/groups")
            assert status == 200 and groups == ["g"]
            status, results = await call(http, api, "POST", "/api/tasks/groups/stop", {"group": "g"})
            assert status == 200 and {r["task"]["status"] for r in results} == {"cancelled"}
            status, results = await call(
                http, api, "POST", "/api/tasks/bulk", {"action": "delete", "ids": ids}
            )
            assert [r["ok"] for r in results] == [True, True]

    async def test_csv_import_and_export(self, api: Served) -> None:
        content = (
            "store,handle,sku,sizes,quantity,mode,max_price,group,test_mode\n"
            f"{KITH},dunk-low,,9;10,1,assist,180.00,csv,true\n"
            f"{SHOP},,DD1391-100,any,2,assist,,csv,false\n"
        )
        async with api.client() as http:
            status, bad = await call(
                http, api, "POST", "/api/tasks/import", {"content": content + "ghost,x,,,,,,,\n"}
            )
            assert status == 400 and [(p["item"], p["field"]) for p in bad["problems"]] == [(3, "store")]
            status, created = await call(http, api, "POST", "/api/tasks/import", {"content": content})
            assert status == 201 and [t["max_price"] for t in created] == [18000, None]
            async with http.get(f"{api.url}/api/tasks/export", params={"group": "csv"}) as r:
                assert r.status == 200 and r.headers["Content-Type"].startswith("text/csv")
                exported = await r.text()
        lines = exported.splitlines()
        assert lines[1] == f"{KITH},,dunk-low,,,,9;10,1,,assist,180.00,,csv,true"
        assert lines[2] == f"{SHOP},,,,DD1391-100,,any,2,,assist,,,csv,false"


class TestQuickTask:
    async def test_one_click_creates_and_starts(self, api: Served) -> None:
        async with api.client() as http:
            status, task = await call(
                http,
                api,
                "POST",
                "/api/quicktask",
                {"store": KITH, "product": f"{KITH}/products/dunk-low", "size": "9"},
            )
            assert status == 201 and task["status"] == "waiting" and task["sizes"] == ["9"]
            assert task["url"] == f"{KITH}/products/dunk-low" and control(api) == [task["id"]]
            status, task = await call(
                http, api, "POST", "/api/quicktask", {"store": SHOP, "product": "DD1391-100"}
            )
            assert status == 201 and task["sku"] == "DD1391-100" and task["sizes"] == []
            status, body = await call(http, api, "POST", "/api/quicktask", {"store": "ghost", "product": "x"})
            assert status == 400 and body["error"] == "InvalidTask"


class TestCheckoutHistory:
    async def test_history_pages_and_stats(self, api: Served) -> None:
        services = api.engine.services
        assert services is not None
        now = datetime.now(UTC)
        async with services.uow_factory() as uow:
            store = next(s for s in await uow.stores.list() if s.url == KITH)
            for n in range(3):
                created = now - timedelta(minutes=10 - n)
                await uow.attempts.add(
                    CheckoutAttempt(
                        id=f"a{n}",
                        task_id=f"t{n}",
                        number=1,
                        key=attempt_key(f"t{n}", 1),
                        status=AttemptStatus.LINK_READY if n else AttemptStatus.FAILED,
                        mode=TaskMode.ASSIST,
                        store_id=store.id,
                        created_at=created,
                        detected_at=created,
                        link_at=created + timedelta(milliseconds=250 * (n + 1)),
                        product_title="Nike Dunk Low",
                        size="9",
                        price=11000,
                    )
                )
            await uow.commit()
        async with api.client() as http:
            status, page = await call(http, api, "GET", "/api/checkouts", limit=2)
            assert status == 200 and [i["id"] for i in page["items"]] == ["a2", "a1"]
            first = page["items"][0]
            assert first["store_name"] == store.name and first["detection_to_link_ms"] == 750.0
            status, rest = await call(http, api, "GET", "/api/checkouts", limit=2, cursor=page["next_cursor"])
            assert [i["id"] for i in rest["items"]] == ["a0"] and rest["next_cursor"] is None
            status, failed = await call(http, api, "GET", "/api/checkouts", status="failed")
            assert [i["id"] for i in failed["items"]] == ["a0"]
            status, body = await call(http, api, "GET", "/api/checkouts", cursor="nope")
            assert status == 400 and body["error"] == "InvalidHistoryQuery"

            status, stats = await call(http, api, "GET", "/api/checkouts/stats")
            assert status == 200
            [group] = stats["groups"]
            assert (
                group["store_id"],
                group["mode"],
                group["attempts"],
                group["link_ready"],
                group["failed"],
            ) == (
                store.id,
                "assist",
                3,
                2,
                1,
            )
            assert group["success_rate"] == round(2 / 3, 4)
            assert group["detection_to_link"] == {"count": 3, "p50_ms": 500.0, "p95_ms": 750.0}
            assert len(stats["daily"]) >= 30 and sum(d["attempts"] for d in stats["daily"]) == 3
