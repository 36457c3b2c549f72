"""The master key's sources and files: env over file, 0600 creation, refusals, rotation files, locks."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from phantom.adapters.crypto import Keyring, decode_key, encode_key, key_id
from phantom.adapters.keyfile import KEY_ENV, KeyFileError, KeyFiles, create_key_file, read_key_file

K1 = bytes(range(32))
K2 = bytes(range(1, 33))
SECRET = "4111111111111111"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def write_key(path: Path, key: bytes, file_mode: int = 0o600) -> None:
    path.write_text(encode_key(key) + "\n")
    path.chmod(file_mode)


class TestFirstStart:
    def test_creates_a_0600_key_file_in_a_0700_directory(self, tmp_path: Path) -> None:
        files = KeyFiles(tmp_path / "data" / "master.key")
        loaded = files.load(None)
        assert loaded.source == "created" and not loaded.rotation_pending
        assert mode(files.path) == 0o600 and mode(files.path.parent) == 0o700
        assert decode_key(files.path.read_text()) == loaded.keyring.current_key
        assert [p.name for p in files.path.parent.iterdir()] == ["master.key"]  # no temp file left

    def test_the_next_start_reads_the_same_key(self, tmp_path: Path) -> None:
        files = KeyFiles(tmp_path / "master.key")
        first = files.load(None).keyring.current_key
        again = files.load(None)
        assert again.source == "file" and again.keyring.current_key == first

    def test_create_never_replaces_an_existing_file(self, tmp_path: Path) -> None:
        path = tmp_path / "master.key"
        assert create_key_file(path, K1)
        assert not create_key_file(path, K2)
        assert read_key_file(path) == K1


class TestRefusals:
    @pytest.mark.parametrize("file_mode", [0o640, 0o604, 0o660, 0o644, 0o602, 0o620])
    def test_a_key_file_group_or_others_can_reach_is_refused_with_the_fix(
        self, tmp_path: Path, file_mode: int
    ) -> None:
        path = tmp_path / "master.key"
        write_key(path, K1, file_mode)
        with pytest.raises(KeyFileError) as caught:
            KeyFiles(path).load(None)
        message = str(caught.value)
        assert str(path) in message and f"chmod 600 {path}" in message and f"{file_mode:04o}" in message
        assert encode_key(K1) not in message

    def test_0400_is_fine(self, tmp_path: Path) -> None:
        path = tmp_path / "master.key"
        write_key(path, K1, 0o400)
        assert KeyFiles(path).load(None).keyring.current_key == K1

    @pytest.mark.parametrize("content", ["", "garbage\n", SECRET, encode_key(K1)[:-6]])
    def test_a_malformed_key_file_is_refused_without_quoting_it(self, tmp_path: Path, content: str) -> None:
        path = tmp_path / "master.key"
        path.write_text(content)
        path.chmod(0o600)
        with pytest.raises(KeyFileError, match="is malformed") as caught:
            KeyFiles(path).load(None)
        assert str(path) in str(caught.value)
        assert not content.strip() or content.strip() not in str(caught.value)

    def test_a_directory_is_not_a_key_file(self, tmp_path: Path) -> None:
        (tmp_path / "master.key").mkdir(mode=0o700)
        with pytest.raises(KeyFileError, match="not a regular file"):
            KeyFiles(tmp_path / "master.key").load(None)

    def test_a_malformed_environment_key_is_refused_without_quoting_it(self, tmp_path: Path) -> None:
        with pytest.raises(KeyFileError, match=KEY_ENV) as caught:
            KeyFiles(tmp_path / "master.key").load(SECRET)
        assert SECRET not in str(caught.value)


class TestEnvironmentKey:
    def test_wins_over_the_file_and_creates_nothing(self, tmp_path: Path) -> None:
        files = KeyFiles(tmp_path / "master.key")
        loaded = files.load(encode_key(K2))
        assert loaded.source == "env" and loaded.keyring.current_key == K2
        assert not files.path.exists()
        write_key(files.path, K1, 0o644)  # not even read (so not refused) while the variable is set
        assert files.load(encode_key(K2)).keyring.current_key == K2


class TestRotationFiles:
    def test_begin_writes_next_first_and_finish_swaps_it_in(self, tmp_path: Path) -> None:
        files = KeyFiles(tmp_path / "master.key")
        write_key(files.path, K1)
        reader, upcoming = files.begin_rotation()
        new = upcoming.current_key
        assert mode(files.next_path) == 0o600 and read_key_file(files.next_path) == new != K1
        assert reader.current_key == K1 and reader.key_ids() == {key_id(K1), key_id(new)}
        assert upcoming.key_ids() == {key_id(K1), key_id(new)}
        files.finish_rotation()
        assert read_key_file(files.path) == new and not files.next_path.exists()

    def test_an_interrupted_rotation_loads_both_keys_and_resumes_with_the_same_new_key(
        self, tmp_path: Path
    ) -> None:
        files = KeyFiles(tmp_path / "master.key")
        write_key(files.path, K1)
        write_key(files.next_path, K2)  # crashed after writing next, before or after the DB commit
        loaded = files.load(None)
        assert loaded.rotation_pending and loaded.keyring.current_key == K1
        under_new = Keyring(K2).encrypt(SECRET, row_id="p1", field="card_number")
        assert loaded.keyring.decrypt(under_new, row_id="p1", field="card_number") == SECRET
        _, upcoming = files.begin_rotation()
        assert upcoming.current_key == K2

    def test_next_without_master_key_is_refused(self, tmp_path: Path) -> None:
        files = KeyFiles(tmp_path / "master.key")
        write_key(files.next_path, K2)
        with pytest.raises(KeyFileError, match=r"restore master\.key"):
            files.load(None)
        assert not files.path.exists()

    def test_nothing_to_rotate_without_a_key_file(self, tmp_path: Path) -> None:
        with pytest.raises(KeyFileError, match="nothing to rotate"):
            KeyFiles(tmp_path / "master.key").begin_rotation()


@pytest.mark.skipif(os.name != "posix", reason="advisory locks are POSIX only")
class TestLocks:
    def test_a_running_server_blocks_rotation_until_it_stops(self, tmp_path: Path) -> None:
        files = KeyFiles(tmp_path / "master.key")
        server, other_server = files.hold_shared(), files.hold_shared()
        server.release()
        with pytest.raises(KeyFileError, match="Phantom is running"), files.exclusive():
            pass
        other_server.release()
        other_server.release()  # idempotent
        with files.exclusive(), pytest.raises(KeyFileError, match="key rotation is running"):
            files.hold_shared()
        files.hold_shared().release()
