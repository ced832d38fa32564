"""A working copy's files are read whole, whatever size the walk saw."""

from __future__ import annotations

from pathlib import Path

from bot.context.snapshot import _read


def test_a_file_that_grew_since_the_walk_is_read_to_its_end(tmp_path: Path) -> None:
    path = tmp_path / "big.py"
    path.write_bytes(b"x = 1\n" * 300_000)
    assert _read(str(path), 6) == path.read_bytes()
    assert _read(str(path), 0) == path.read_bytes()


def test_a_file_that_shrank_since_the_walk_is_read_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "small.py"
    path.write_bytes(b"y = 2\n")
    assert _read(str(path), 1_000) == b"y = 2\n"
    (tmp_path / "empty.py").write_bytes(b"")
    assert _read(str(tmp_path / "empty.py"), 0) == b""
