"""The CLI around cards: `phantom serve` refuses an unsafe key file, `phantom profiles import/export`, and
`phantom keys rotate` — each run as the real command in a subprocess."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import sys
from pathlib import Path

import pytest

from phantom.adapters.crypto import encode_key
from phantom.adapters.keyfile import KEY_ENV, read_key_file

pytestmark = pytest.mark.asyncio
PHANTOM = [sys.executable, "-m", "phantom.cli"]
VISA = "4111111111111111"
AMEX = "378282246310005"


def profile(name: str, number: str, cvv: str) -> dict[str, object]:
    return {
        "name": name,
        "email": "ada@example.com",
        "phone": "",
        "group": None,
        "shipping": {
            "first_name": "Ada",
            "last_name": "L",
            "address1": "1 Main St",
            "address2": "",
            "city": "NYC",
            "province": "NY",
            "zip": "10001",
            "country_code": "US",
            "phone": "",
        },
        "billing": None,
        "card": {"holder": "Ada L", "number": number, "exp_month": 7, "exp_year": 2031, "cvv": cvv},
    }


async def phantom(tmp_path: Path, *args: str, **env: str) -> tuple[int, str]:
    base = {k: v for k, v in os.environ.items() if k != KEY_ENV}
    proc = await asyncio.create_subprocess_exec(
        *PHANTOM,
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={**base, "PHANTOM_DATABASE__URL": f"sqlite+aiosqlite:///{tmp_path / 'p.db'}", **env},
        cwd=tmp_path,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=60)
    return proc.returncode or 0, " ".join(out.decode().split())  # rich wraps long lines


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def read(path: Path) -> str:
    return path.read_text()


async def test_serve_refuses_a_key_file_others_can_read(tmp_path: Path) -> None:
    key = write(tmp_path / "master.key", encode_key(bytes(range(32))) + "\n")
    key.chmod(0o644)
    code, out = await phantom(tmp_path, "serve", PHANTOM_PORT="1")
    assert code == 2, out
    assert f"chmod 600 {key}" in out and "accessible by group or others" in out
    assert not (tmp_path / "p.db").exists(), "refused before anything else started"


async def test_import_export_and_rotate(tmp_path: Path) -> None:
    source = write(
        tmp_path / "in.json", json.dumps([profile("Main", VISA, "123"), profile("Amex", AMEX, "4321")])
    )
    code, out = await phantom(tmp_path, "profiles", "import", str(source))
    assert code == 0 and "2 profile(s) imported" in out, out
    key_file = tmp_path / "master.key"
    first_key = read_key_file(key_file)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

    code, out = await phantom(tmp_path, "profiles", "export", "--include-cards", "full.json")
    assert code == 0 and "2 profile(s) written" in out, out
    full = tmp_path / "full.json"
    assert stat.S_IMODE(full.stat().st_mode) == 0o600
    assert {p["card"]["number"] for p in json.loads(read(full))} == {VISA, AMEX}
    code, out = await phantom(tmp_path, "profiles", "export", "--include-cards", "full.json")
    assert code == 2 and "exists" in out, "never overwrites"
    code, out = await phantom(tmp_path, "profiles", "export", "safe.csv")
    assert (
        code == 0 and VISA not in read(tmp_path / "safe.csv") and "visa,1111" in read(tmp_path / "safe.csv")
    )

    code, out = await phantom(tmp_path, "profiles", "import", str(source))
    assert code == 1 and "row 1: name: a profile with this name exists" in out, out

    code, out = await phantom(tmp_path, "keys", "rotate")
    assert code == 0 and "2 profile(s) re-encrypted" in out, out
    assert read_key_file(key_file) != first_key and not (tmp_path / "master.key.next").exists()
    code, out = await phantom(tmp_path, "profiles", "export", "--include-cards", "after.json")
    assert code == 0, out
    assert json.loads(read(tmp_path / "after.json")) == json.loads(read(full))

    code, out = await phantom(tmp_path, "keys", "rotate", PHANTOM_MASTER_KEY=encode_key(bytes(32)))
    assert code == 2 and f"{KEY_ENV} is set" in out and encode_key(bytes(32)) not in out, out
