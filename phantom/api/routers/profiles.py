"""Checkout profiles: CRUD, groups, import and export. Cards come back as brand + last four only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import JSONResponse
from starlette.convertors import Convertor, register_url_convertor

from phantom.api.deps import ServicesDep, authorize
from phantom.api.errors import error_responses
from phantom.api.profile_schemas import (
    GroupRead,
    GroupRename,
    ImportErrorBody,
    ImportProblem,
    ImportRequest,
    ImportResult,
    ProfileCount,
    ProfileCreate,
    ProfileRead,
    ProfilesMove,
    ProfileUpdate,
)
from phantom.domain.errors import ProfileImportRejected
from phantom.services import profile_exchange as exchange
from phantom.services import profiles as profile_service


class ProfileIdConvertor(Convertor[str]):
    """One path segment, except the collection's own subpaths: without it /api/profiles/export would also
    route DELETE and PATCH to a profile named "export" (and advertise them in a 405's Allow header)."""

    regex = r"(?!(?:export|groups|import|move)$)[^/]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("phantom_profile_id", ProfileIdConvertor())
ONE = "/{profile_id:phantom_profile_id}"

router = APIRouter(prefix="/api/profiles", tags=["profiles"], dependencies=[Depends(authorize)])

GroupQuery = Annotated[str | None, Query(max_length=255, description="only this group's profiles")]
EXPORT_TYPES = {exchange.ExchangeFormat.CSV: "text/csv", exchange.ExchangeFormat.JSON: "application/json"}
_EXPORT_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The profiles, cards as brand and last four digits only",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
        },
    }
}


@router.get("", operation_id="listProfiles")
async def list_profiles(services: ServicesDep, group: GroupQuery = None) -> list[ProfileRead]:
    profiles = await profile_service.list_profiles(uow_factory=services.uow_factory, group=group)
    return [ProfileRead.of(p) for p in profiles]


@router.post("", status_code=201, operation_id="createProfile", responses=error_responses(400, 409))
async def create_profile(body: ProfileCreate, services: ServicesDep) -> ProfileRead:
    profile = await profile_service.create_profile(
        body.draft(),
        body.card.card(),
        uow_factory=services.uow_factory,
        ids=services.ids,
        clock=services.clock,
    )
    return ProfileRead.of(profile)


@router.get("/groups", operation_id="listProfileGroups")
async def list_groups(services: ServicesDep) -> list[GroupRead]:
    return [GroupRead.of(g) for g in await profile_service.list_groups(uow_factory=services.uow_factory)]


@router.post("/groups/rename", operation_id="renameProfileGroup", responses=error_responses(400))
async def rename_group(body: GroupRename, services: ServicesDep) -> ProfileCount:
    """Move every profile of group `name` into `new_name`; how many moved."""
    moved = await profile_service.rename_group(
        body.name, body.new_name, uow_factory=services.uow_factory, clock=services.clock
    )
    return ProfileCount(profiles=moved)


@router.post("/move", operation_id="moveProfiles", responses=error_responses(400, 404))
async def move_profiles(body: ProfilesMove, services: ServicesDep) -> ProfileCount:
    """Put the listed profiles into a group (all or none)."""
    moved = await profile_service.move_profiles(
        body.ids, body.group, uow_factory=services.uow_factory, clock=services.clock
    )
    return ProfileCount(profiles=moved)


@router.post(
    "/import",
    operation_id="importProfiles",
    response_model=ImportResult,
    responses={400: {"model": ImportErrorBody, "description": "Nothing imported: every problem, by row"}},
)
async def import_profiles(body: ImportRequest, services: ServicesDep) -> ImportResult | JSONResponse:
    """Import CSV or JSON (our format or the AYCD-style exchange shape): every profile or none."""
    try:
        imported = await exchange.import_profiles(
            body.content,
            body.format,
            uow_factory=services.uow_factory,
            ids=services.ids,
            clock=services.clock,
        )
    except ProfileImportRejected as exc:
        report = ImportErrorBody(
            error=type(exc).__name__,
            detail=str(exc),
            problems=[ImportProblem(row=r, field=f, reason=why) for r, f, why in exc.problems],
        )
        return JSONResponse(report.model_dump(), status_code=400)
    return ImportResult(imported=len(imported))


@router.get("/export", operation_id="exportProfiles", response_class=Response, responses=_EXPORT_DOC)
async def export_profiles(
    services: ServicesDep, format: exchange.ExchangeFormat = exchange.ExchangeFormat.CSV
) -> Response:
    """Every profile as a CSV or JSON file, without card numbers or CVVs."""
    profiles = await profile_service.list_profiles(uow_factory=services.uow_factory)
    return Response(
        exchange.export_profiles(profiles, format),
        media_type=EXPORT_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="phantom-profiles.{format.value}"'},
    )


@router.get(ONE, operation_id="getProfile", responses=error_responses(404))
async def get_profile(profile_id: str, services: ServicesDep) -> ProfileRead:
    return ProfileRead.of(await profile_service.get_profile(profile_id, uow_factory=services.uow_factory))


@router.patch(ONE, operation_id="updateProfile", responses=error_responses(400, 404, 409))
async def update_profile(profile_id: str, body: ProfileUpdate, services: ServicesDep) -> ProfileRead:
    profile = await profile_service.update_profile(
        profile_id, body.changes(), uow_factory=services.uow_factory, clock=services.clock
    )
    return ProfileRead.of(profile)


@router.delete(ONE, status_code=204, operation_id="deleteProfile", responses=error_responses(404))
async def delete_profile(profile_id: str, services: ServicesDep) -> Response:
    await profile_service.delete_profile(profile_id, uow_factory=services.uow_factory)
    return Response(status_code=204)
