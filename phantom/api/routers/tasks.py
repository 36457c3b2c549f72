"""Checkout tasks: list, create, read (with transitions and attempts), edit, delete, start and stop; bulk
actions, groups, and CSV import/export."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import JSONResponse

from phantom.api.deps import ServicesDep, authorize
from phantom.api.errors import error_responses
from phantom.api.task_schemas import (
    BatchErrorBody,
    BulkCreate,
    BulkRequest,
    BulkResultRead,
    GroupAction,
    TaskCreate,
    TaskDetailRead,
    TaskImport,
    TaskProblem,
    TaskRead,
    TaskUpdate,
)
from phantom.domain.ports import TaskQuery
from phantom.domain.tasks import TaskBatchRejected, TaskStatus
from phantom.services import task_exchange
from phantom.services import tasks as task_service

router = APIRouter(prefix="/api/tasks", tags=["tasks"], dependencies=[Depends(authorize)])

Limit = Annotated[int, Query(ge=1, le=task_service.MAX_LIST)]
GroupFilter = Annotated[str | None, Query(max_length=255)]
StoreFilter = Annotated[str | None, Query(max_length=64)]
StatusFilter = Annotated[list[TaskStatus] | None, Query()]
BATCH_REJECTED: dict[int | str, dict[str, Any]] = {
    400: {"model": BatchErrorBody, "description": "Nothing written: every problem, by item"}
}


def rejected(exc: TaskBatchRejected) -> JSONResponse:
    body = BatchErrorBody(
        error=type(exc).__name__,
        detail=str(exc),
        problems=[TaskProblem(item=n, field=f, reason=why) for n, f, why in exc.problems],
    )
    return JSONResponse(body.model_dump(), status_code=400)


@router.get("", operation_id="listTasks")
async def list_tasks(
    services: ServicesDep,
    status: StatusFilter = None,
    store_id: StoreFilter = None,
    group: GroupFilter = None,
    limit: Limit = 500,
) -> list[TaskRead]:
    """Newest first."""
    query = TaskQuery(statuses=frozenset(status or ()), store_id=store_id, group=group, limit=limit)
    tasks = await task_service.list_tasks(query, uow_factory=services.uow_factory)
    return [TaskRead.of(t) for t in tasks]


@router.post("", status_code=201, operation_id="createTask", responses=error_responses(400))
async def create_task(body: TaskCreate, services: ServicesDep) -> TaskRead:
    task = await task_service.create_task(
        body.spec(), uow_factory=services.uow_factory, clock=services.clock, ids=services.ids
    )
    return TaskRead.of(task)


@router.get("/groups", operation_id="listTaskGroups")
async def list_groups(services: ServicesDep) -> list[str]:
    return await task_service.list_groups(uow_factory=services.uow_factory)


@router.post("/groups/start", operation_id="startTaskGroup")
async def start_group(body: GroupAction, services: ServicesDep) -> list[BulkResultRead]:
    results = await task_service.group_action(
        task_service.BulkAction.START,
        body.group,
        uow_factory=services.uow_factory,
        clock=services.clock,
        control=services.tasks,
    )
    return [BulkResultRead.of(r) for r in results]


@router.post("/groups/stop", operation_id="stopTaskGroup")
async def stop_group(body: GroupAction, services: ServicesDep) -> list[BulkResultRead]:
    results = await task_service.group_action(
        task_service.BulkAction.STOP,
        body.group,
        uow_factory=services.uow_factory,
        clock=services.clock,
        control=services.tasks,
    )
    return [BulkResultRead.of(r) for r in results]


@router.post("/bulk", operation_id="bulkTaskAction", responses=error_responses(400))
async def bulk_action(body: BulkRequest, services: ServicesDep) -> list[BulkResultRead]:
    """One action on many tasks; a result per task (ok, or why not)."""
    results = await task_service.bulk_action(
        body.action,
        body.ids,
        uow_factory=services.uow_factory,
        clock=services.clock,
        control=services.tasks,
        changes=body.changes.changes() if body.changes is not None else None,
    )
    return [BulkResultRead.of(r) for r in results]


@router.post(
    "/bulk-create",
    status_code=201,
    operation_id="bulkCreateTasks",
    response_model=list[TaskRead],
    responses=BATCH_REJECTED,
)
async def bulk_create(body: BulkCreate, services: ServicesDep) -> list[TaskRead] | JSONResponse:
    """All or nothing."""
    try:
        tasks = await task_service.bulk_create(
            [t.spec() for t in body.tasks],
            uow_factory=services.uow_factory,
            clock=services.clock,
            ids=services.ids,
        )
    except TaskBatchRejected as exc:
        return rejected(exc)
    return [TaskRead.of(t) for t in tasks]


@router.post(
    "/import",
    status_code=201,
    operation_id="importTasks",
    response_model=list[TaskRead],
    responses=BATCH_REJECTED,
)
async def import_tasks(body: TaskImport, services: ServicesDep) -> list[TaskRead] | JSONResponse:
    """CSV, all rows or none."""
    try:
        tasks = await task_exchange.import_tasks(
            body.content, uow_factory=services.uow_factory, clock=services.clock, ids=services.ids
        )
    except TaskBatchRejected as exc:
        return rejected(exc)
    return [TaskRead.of(t) for t in tasks]


@router.get(
    "/export",
    operation_id="exportTasks",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "CSV"}},
)
async def export_tasks(
    services: ServicesDep,
    status: StatusFilter = None,
    store_id: StoreFilter = None,
    group: GroupFilter = None,
) -> Response:
    query = TaskQuery(
        statuses=frozenset(status or ()), store_id=store_id, group=group, limit=task_service.MAX_BATCH
    )
    content = await task_exchange.export_tasks(query, uow_factory=services.uow_factory)
    return Response(
        content,
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="phantom-tasks.csv"'},
    )


@router.get("/{task_id}", operation_id="getTask", responses=error_responses(404))
async def get_task(task_id: str, services: ServicesDep) -> TaskDetailRead:
    detail = await task_service.get_task(task_id, uow_factory=services.uow_factory)
    return TaskDetailRead.of_detail(detail)


@router.patch("/{task_id}", operation_id="updateTask", responses=error_responses(400, 404, 409))
async def update_task(task_id: str, body: TaskUpdate, services: ServicesDep) -> TaskRead:
    task = await task_service.update_task(
        task_id, body.changes(), uow_factory=services.uow_factory, clock=services.clock
    )
    return TaskRead.of(task)


@router.delete("/{task_id}", status_code=204, operation_id="deleteTask", responses=error_responses(404, 409))
async def delete_task(task_id: str, services: ServicesDep) -> Response:
    await task_service.delete_task(task_id, uow_factory=services.uow_factory, control=services.tasks)
    return Response(status_code=204)


@router.post("/{task_id}/start", operation_id="startTask", responses=error_responses(400, 404, 409))
async def start_task(task_id: str, services: ServicesDep) -> TaskRead:
    task = await task_service.start_task(
        task_id, uow_factory=services.uow_factory, clock=services.clock, control=services.tasks
    )
    return TaskRead.of(task)


@router.post("/{task_id}/stop", operation_id="stopTask", responses=error_responses(404, 409))
async def stop_task(task_id: str, services: ServicesDep) -> TaskRead:
    task = await task_service.stop_task(
        task_id, uow_factory=services.uow_factory, clock=services.clock, control=services.tasks
    )
    return TaskRead.of(task)
