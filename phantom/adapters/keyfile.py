"""Where the master key lives: `PHANTOM_MASTER_KEY`, or a 0600 key file created on first start.

Files next to the key file (same directory, same name plus a suffix):
- `master.key.next`: the new key of a rotation, written (and fsynced) before any row is re-encrypted, and
  renamed over `master.key` only after the re-encryption committed. When it exists, both keys are loaded,
  so an interrupted rotation never leaves a card unreadable; running the rotation again finishes it.
- `master.key.lock`: running servers hold a shared lock on it and a rotation an exclusive one, so a key is
  never replaced under a server that would keep encrypting with the old one.

Every refusal is a KeyFileError worded for the person: it names the path and the fix, never the key.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from phantom.adapters.crypto import Keyring, MalformedKey, decode_key, encode_key, new_key

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; rotation then relies on the person stopping Phantom
    fcntl = None  # type: ignore[assignment]

KEY_ENV = "PHANTOM_MASTER_KEY"
GENERATE_HINT = 'python -c "import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())"'


class KeyFileError(Exception):
    """The master key cannot be used; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class LoadedKeys:
    keyring: Keyring
    source: str  # "env" | "file" | "created"
    rotation_pending: bool  # master.key.next exists: a rotation was interrupted


class KeyFiles:
    """The key file and its companions. Does nothing at construction."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.next_path = path.with_name(path.name + ".next")
        self.lock_path = path.with_name(path.name + ".lock")

    # ---- loading ----------------------------------------------------------------------------------

    def load(self, env_value: str | None) -> LoadedKeys:
        """The keyring to run with: the environment's key when set (the key file is then not read),
        else the key file (created on first start), plus `master.key.next` when a rotation was cut short."""
        pending = self.next_path.exists()
        older = [read_key_file(self.next_path)] if pending else []
        if env_value:
            try:
                key = decode_key(env_value)
            except MalformedKey as exc:
                raise KeyFileError(
                    f"{KEY_ENV} is malformed ({exc}); generate one with: {GENERATE_HINT}"
                ) from None
            return LoadedKeys(Keyring(key, older), "env", pending)
        if not self.path.exists():
            if pending:
                raise KeyFileError(
                    f"{self.next_path} exists but {self.path} does not: restore {self.path.name} from a backup "
                    "(cards stored under it cannot be read without it)"
                )
            if create_key_file(self.path, new_key()):
                return LoadedKeys(Keyring(read_key_file(self.path)), "created", pending)
        return LoadedKeys(Keyring(read_key_file(self.path), older), "file", pending)

    # ---- rotation ---------------------------------------------------------------------------------

    def begin_rotation(self) -> tuple[Keyring, Keyring]:
        """(keyring that reads every row now, keyring to re-encrypt under). Writes `master.key.next` first,
        or reuses it when a previous rotation was interrupted."""
        if not self.path.exists():
            raise KeyFileError(
                f"no key file at {self.path}: nothing to rotate (it is created on first start)"
            )
        current = read_key_file(self.path)
        if not self.next_path.exists():
            create_key_file(self.next_path, new_key())
        upcoming = read_key_file(self.next_path)
        return Keyring(current, [upcoming]), Keyring(upcoming, [current])

    def finish_rotation(self) -> None:
        """The re-encryption committed: the new key becomes master.key (an atomic rename)."""
        os.replace(self.next_path, self.path)
        _fsync_dir(self.path.parent)

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """Held by a rotation; refuses while any server holds the shared lock."""
        fd = self._lock(exclusive=True)
        try:
            yield
        finally:
            os.close(fd)

    def hold_shared(self) -> KeyLock:
        """Held by a running server for its lifetime; refuses while a rotation runs."""
        return KeyLock(self._lock(exclusive=False))

    def _lock(self, *, exclusive: bool) -> int:
        _ensure_dir(self.path.parent)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        if fcntl is None:
            return fd
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if exclusive:
                raise KeyFileError(
                    f"Phantom is running with {self.path} (it holds {self.lock_path.name}): stop it, then rotate"
                ) from None
            raise KeyFileError(
                f"a key rotation is running on {self.path}: start Phantom when it is done"
            ) from None
        return fd


class KeyLock:
    """An open lock file descriptor; `release()` is idempotent."""

    def __init__(self, fd: int | None) -> None:
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


def read_key_file(path: Path) -> bytes:
    """Refuses a key file that group or others may access, that is not a regular file, or is malformed."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise KeyFileError(f"cannot read the key file {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise KeyFileError(f"the key file {path} is not a regular file")
    if os.name == "posix" and st.st_mode & 0o077:
        raise KeyFileError(
            f"the key file {path} is accessible by group or others (mode {stat.S_IMODE(st.st_mode):04o}): "
            f"run `chmod 600 {path}`"
        )
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        raise KeyFileError(f"cannot read the key file {path} as text") from None
    try:
        return decode_key(text)
    except MalformedKey as exc:
        raise KeyFileError(
            f"the key file {path} is malformed ({exc}): restore it from a backup; a new key cannot read "
            "cards stored under the old one"
        ) from None


def create_key_file(path: Path, key: bytes) -> bool:
    """Write a new key file atomically with mode 0600: a temporary file (O_EXCL) hard-linked into place,
    so the key file never exists half-written and an existing one is never replaced. False when the file
    appeared meanwhile (another process created it: use theirs)."""
    _ensure_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(encode_key(key) + "\n")
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(path.parent)
    return True


def _ensure_dir(directory: Path) -> None:
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
