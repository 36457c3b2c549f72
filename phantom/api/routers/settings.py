"""The effective settings, for the dashboard's Settings screen (read-only)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from phantom.api.auth_schemas import SettingsRead
from phantom.api.deps import ServicesDep, authorize

router = APIRouter(prefix="/api/settings", tags=["settings"], dependencies=[Depends(authorize)])


@router.get("", operation_id="getSettings")
async def get_settings(services: ServicesDep) -> SettingsRead:
    """Monitor defaults, database backend and version. They come from the config file and PHANTOM_*
    variables and take effect at start, so they are shown, not changed, here."""
    return SettingsRead.of(services.settings)
