"""The regular files of an inflated tar archive, read from its headers directly (pure).

`tarfile` parses each 512-byte header into a TarInfo in Python: 0.40 s for the 20k
members of the bench's archive (bench/README.md), a fifth of the whole 2 s budget,
against 0.06–0.07 s for this loop. It is only used on an archive inflated in one call with
`gzip.decompress`, whose CRC-32 has already checked every byte, so header checksums are
not recomputed. Covered: ustar names with their prefix, pax extended headers ('x': path
and size; 'g' global, git's commit comment, ignored) and GNU long names ('L'), which is
everything `git archive` (and so GitHub's tarballs) writes. Anything else raises
`Unusual`, and the caller reads the archive with `tarfile` instead.
"""

from __future__ import annotations

from collections.abc import Iterator

BLOCK = 512
FILES = (b"0", b"\0", b"7")  # regular, old regular, contiguous
SKIPPED = (b"1", b"2", b"3", b"4", b"5", b"6")  # links, devices, folders, FIFOs
META = (b"x", b"L", b"g")  # about the next member, or the whole archive
ERRORS = "surrogateescape"  # as tarfile decodes names
ZEROS = bytes(BLOCK)  # two of these end an archive


class Unusual(ValueError):
    """A header this reader does not handle: read the archive with `tarfile`."""


def _number(field: bytes) -> int:
    if field[:1] and field[0] & 0x80:  # base-256, for sizes past 8 GiB: not from git
        raise Unusual("base-256 number")
    digits = field.split(b"\0", 1)[0].strip()
    try:
        return int(digits, 8) if digits else 0
    except ValueError:
        raise Unusual(f"bad number {field!r}") from None


def _pax(data: bytes) -> dict[str, str]:
    """pax records: "LENGTH key=value\\n", each LENGTH bytes long in all."""
    out: dict[str, str] = {}
    at = 0
    try:
        while at < len(data) and data[at:at + 1] != b"\0":
            space = data.index(b" ", at)
            length = int(data[at:space])
            key, _, value = data[space + 1 : at + length - 1].partition(b"=")
            out[key.decode("utf-8", ERRORS)] = value.decode("utf-8", ERRORS)
            at += length
        if "size" in out:
            int(out["size"])
    except ValueError:
        raise Unusual("malformed pax header") from None
    return out


def _name(header: bytes) -> str:
    name = header[:100].split(b"\0", 1)[0]
    if header[257:263] == b"ustar\0":  # POSIX: the prefix field continues the name
        prefix = header[345:500].split(b"\0", 1)[0]
        if prefix:
            name = prefix + b"/" + name
    return name.decode("utf-8", ERRORS)


def _meta(kind: bytes, data: bytes, extended: dict[str, str]) -> dict[str, str]:
    """What a pax ('x'), GNU long name ('L') or pax global ('g') header says of the next
    member."""
    if kind == b"x":
        return _pax(data)
    if kind == b"L":
        return {"path": data.split(b"\0", 1)[0].decode("utf-8", ERRORS)}
    if {"path", "size"} & set(_pax(data)):
        raise Unusual("global path or size")
    return extended  # git's global header holds the commit only


def _header(raw: bytes, at: int, extended: dict[str, str]) -> tuple[bytes, bytes, int, int]:
    """The header at `at`, its member's type, and where the member's data starts and ends."""
    header = raw[at : at + BLOCK]
    if header[257:262] != b"ustar":
        raise Unusual("not a ustar header")
    kind = header[156:157]
    size = _number(header[124:136])
    if "size" in extended and kind not in META:
        size = int(extended["size"])  # a pax size belongs to the member it precedes
    if at + BLOCK + size > len(raw):
        raise Unusual("truncated archive")
    return header, kind, at + BLOCK, at + BLOCK + size


def members(raw: bytes) -> Iterator[tuple[str, int, int]]:
    """(path, start, end) of every regular file in `raw`, an uncompressed tar archive."""
    at = 0
    extended: dict[str, str] = {}
    while at + BLOCK <= len(raw) and raw[at : at + BLOCK] != ZEROS:
        header, kind, start, end = _header(raw, at, extended)
        at = start + (end - start + BLOCK - 1) // BLOCK * BLOCK
        if kind in META:
            extended = _meta(kind, raw[start:end], extended)
            continue
        if kind not in FILES and kind not in SKIPPED:
            raise Unusual(f"member type {kind!r}")
        name = extended.get("path") or _name(header)
        if kind in FILES and not name.endswith("/"):  # "name/" of old type "\0": a folder
            yield name, start, end
        extended = {}
