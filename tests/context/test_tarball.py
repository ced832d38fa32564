"""Reading a tarball's headers directly finds what tarfile finds, or says it cannot."""

from __future__ import annotations

import gzip
import io
import subprocess
import tarfile
from pathlib import Path

import pytest

from bot.config import ContextBudget
from bot.context import tarball
from bot.context.snapshot import from_archive, from_directory
from bot.domain import RepoTree, TreeEntry

LONG = "src/" + "/".join(["deeply_nested_package_folder"] * 5) + "/module_with_a_long_name.py"
FILES = {
    "README.md": "# Shop\n",
    "src/shop/coupons.py": "def apply(code):\n    return code\n",
    "src/shop/empty.py": "",
    "docs/café/naïve.md": "Unicode names\n",
    LONG: "x = 1\n" * 200,
}


def archive(fmt: int) -> bytes:
    """A GitHub-like tarball (one top folder) in `fmt`, with a folder and a symlink too."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as tar:
        folder = tarfile.TarInfo("acme-shop-0123abc/src")
        folder.type = tarfile.DIRTYPE
        tar.addfile(folder)
        link = tarfile.TarInfo("acme-shop-0123abc/latest.py")
        link.type, link.linkname = tarfile.SYMTYPE, "src/shop/coupons.py"
        tar.addfile(link)
        for path, text in FILES.items():
            data = text.encode()
            info = tarfile.TarInfo(f"acme-shop-0123abc/{path}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def by_tarfile(raw: bytes) -> list[tuple[str, bytes]]:
    with tarfile.open(fileobj=io.BytesIO(raw), mode="r:") as tar:
        return [(m.name, tar.extractfile(m).read())  # type: ignore[union-attr]
                for m in tar if m.isfile()]


@pytest.mark.parametrize("fmt", [tarfile.PAX_FORMAT, tarfile.GNU_FORMAT])
def test_regular_files_and_long_names_match_tarfile(fmt: int) -> None:
    raw = archive(fmt)
    mine = [(name, raw[start:end]) for name, start, end in tarball.members(raw)]
    assert mine == by_tarfile(raw)
    assert f"acme-shop-0123abc/{LONG}" in [name for name, _ in mine]


def test_ustar_prefix_field_continues_the_name() -> None:
    raw = archive(tarfile.USTAR_FORMAT)
    assert [n for n, _, _ in tarball.members(raw)] == [n for n, _ in by_tarfile(raw)]


def test_git_archive_reads_like_tarfile(tmp_path: Path) -> None:
    def git(*args: str) -> bytes:
        return subprocess.run(["git", "-C", str(tmp_path), *args], check=True,
                              capture_output=True).stdout

    for path, text in FILES.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "files")
    raw = git("archive", "--prefix=acme-shop-0123abc/", "HEAD")
    mine = [(name, raw[start:end]) for name, start, end in tarball.members(raw)]
    assert mine == by_tarfile(raw)
    assert len(mine) == len(FILES)


def v7_first_header() -> bytes:
    """The GNU archive with its first header's magic blanked (a v7 header), checksum fixed."""
    raw = bytearray(archive(tarfile.GNU_FORMAT))
    raw[257:265] = b"\0" * 8
    raw[148:156] = b" " * 8
    raw[148:156] = b"%06o\0 " % sum(raw[:512])
    return bytes(raw)


def test_old_v7_header_is_left_to_tarfile() -> None:
    with pytest.raises(tarball.Unusual):
        list(tarball.members(v7_first_header()))


def test_snapshot_from_an_unusual_archive_falls_back_to_tarfile() -> None:
    raw = v7_first_header()
    assert by_tarfile(raw)
    tree = RepoTree("0123abc", tuple(TreeEntry(p, len(t.encode())) for p, t in FILES.items()))
    snapshot = from_archive(tree, gzip.compress(bytes(raw)), ContextBudget())
    assert snapshot.files["src/shop/coupons.py"] == FILES["src/shop/coupons.py"]


def test_snapshot_from_the_archive_equals_the_working_copy(tmp_path: Path) -> None:
    for path, text in FILES.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    local = from_directory(tmp_path, ContextBudget())
    tree = RepoTree("0123abc", local.entries)
    for fmt in (tarfile.PAX_FORMAT, tarfile.GNU_FORMAT):
        remote = from_archive(tree, gzip.compress(archive(fmt)), ContextBudget())
        assert remote.files == local.files == FILES


def test_truncated_or_malformed_archives_are_left_to_tarfile() -> None:
    raw = archive(tarfile.PAX_FORMAT)
    with pytest.raises(tarball.Unusual):
        list(tarball.members(raw[: len(raw) // 2]))
    pax_at = raw.index(b" path=")  # the long name's pax record: "NNN path=..."
    broken = raw[: pax_at - 3] + b"abc" + raw[pax_at:]
    with pytest.raises(tarball.Unusual):
        list(tarball.members(broken))
