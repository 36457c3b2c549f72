"""Write the backend's OpenAPI schema to a file (or stdout) without starting the engine.

`create_app` builds the Engine but opens nothing until its lifespan runs, so reading `app.openapi()` touches
no database, network or disk. The frontend generates `src/api/types.ts` from this file.

    python scripts/gen_openapi.py frontend/openapi.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from phantom.core.app import create_app
from phantom.core.settings import DatabaseSettings, Settings


def openapi_json() -> str:
    app = create_app(Settings(database=DatabaseSettings(url="sqlite+aiosqlite:///:memory:")))
    return json.dumps(app.openapi(), indent=2, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    text = openapi_json()
    if len(argv) > 1 and argv[1] != "-":
        out = Path(argv[1])
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
