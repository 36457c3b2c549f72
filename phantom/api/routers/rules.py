"""Rules: which events create checkout tasks. CRUD, and the backtest against the stored event history (a
saved rule, or an unsaved one from the request body)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response

from phantom.api.deps import ServicesDep, authorize
from phantom.api.errors import error_responses
from phantom.api.rule_schemas import (
    BacktestRead,
    BacktestRequest,
    BacktestWindow,
    RuleCreate,
    RuleRead,
    RuleUpdate,
)
from phantom.services import rules as rule_service

router = APIRouter(prefix="/api/rules", tags=["rules"], dependencies=[Depends(authorize)])


@router.get("", operation_id="listRules")
async def list_rules(services: ServicesDep) -> list[RuleRead]:
    """Highest priority first: the order rules are tried in."""
    return [RuleRead.of(r) for r in await rule_service.list_rules(uow_factory=services.uow_factory)]


@router.post("", status_code=201, operation_id="createRule", responses=error_responses(400))
async def create_rule(body: RuleCreate, services: ServicesDep) -> RuleRead:
    rule = await rule_service.create_rule(
        body.spec(), uow_factory=services.uow_factory, clock=services.clock, ids=services.ids
    )
    return RuleRead.of(rule)


@router.post("/backtest", operation_id="backtestRuleSpec", responses=error_responses(400))
async def backtest_spec(body: BacktestRequest, services: ServicesDep) -> BacktestRead:
    """Try an unsaved rule on the stored events: what it would have fired on."""
    result = await rule_service.backtest(
        body.rule.spec().probe(),
        uow_factory=services.uow_factory,
        since=body.since,
        until=body.until,
        limit=body.limit,
    )
    return BacktestRead.of(result)


@router.get("/{rule_id}", operation_id="getRule", responses=error_responses(404))
async def get_rule(rule_id: str, services: ServicesDep) -> RuleRead:
    return RuleRead.of(await rule_service.get_rule(rule_id, uow_factory=services.uow_factory))


@router.patch("/{rule_id}", operation_id="updateRule", responses=error_responses(400, 404))
async def update_rule(rule_id: str, body: RuleUpdate, services: ServicesDep) -> RuleRead:
    rule = await rule_service.update_rule(
        rule_id, body.changes(), uow_factory=services.uow_factory, clock=services.clock
    )
    return RuleRead.of(rule)


@router.delete("/{rule_id}", status_code=204, operation_id="deleteRule", responses=error_responses(404))
async def delete_rule(rule_id: str, services: ServicesDep) -> Response:
    await rule_service.delete_rule(rule_id, uow_factory=services.uow_factory)
    return Response(status_code=204)


@router.post("/{rule_id}/backtest", operation_id="backtestRule", responses=error_responses(404))
async def backtest_rule(rule_id: str, body: BacktestWindow, services: ServicesDep) -> BacktestRead:
    """Try a saved rule (enabled or not) on the stored events."""
    result = await rule_service.backtest_rule(
        rule_id, uow_factory=services.uow_factory, since=body.since, until=body.until, limit=body.limit
    )
    return BacktestRead.of(result)
