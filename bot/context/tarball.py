"""The regular files of an inflated tar archive, read from its headers directly (pure).

`tarfile` parses each 512-byte header into a TarInfo in Python: 0.40 s for the 20k
members of the bench's archive (bench/README.md), a fifth of the whole 2 s budget,
against 0.03 s for this loop. It is only used on an archive inflated in one call with
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
ERRORS = "surrogateescape"  # as tarfile decodes names


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
    while at < len(data) and data[at:at + 1] != b"\0":
        space = data.index(b" ", at)
        length = int(data[at:space])
        key, _, value = data[space + 1 : at + length - 1].partition(b"=")
        out[key.decode("utf-8", ERRORS)] = value.decode("utf-8", ERRORS)
        at += length
    return out


def _name(header: bytes) -> str:
    name = header[:100].split(b"\0", 1)[0]
    if header[257:263] == b"ustar\0":  # POSIX: the prefix field continues the name
        prefix = header[345:500].split(b"\0", 1)[0]
        if prefix:
            name = prefix + b"/" + name
    return name.decode("utf-8", ERRORS)


def members(raw: bytes) -> Iterator[tuple[str, int, int]]:
    """(path, start, end) of every regular file in `raw`, an uncompressed tar archive."""
    at = 0
    extended: dict[str, str] = {}
    while at + BLOCK <= len(raw):
        header = raw[at : at + BLOCK]
        if header == b"\0" * BLOCK:
            return
        if header[257:262] != b"ustar":
            raise Unusual("not a ustar header")
        kind = header[156:157]
        size = int(extended["size"]) if "size" in extended else _number(header[124:136])
        start = at + BLOCK
        at = start + (size + BLOCK - 1) // BLOCK * BLOCK
        if kind == b"x":
            extended = _pax(raw[start : start + size])
        elif kind == b"g":
            if {"path", "size"} & set(_pax(raw[start : start + size])):
                raise Unusual("global path or size")
        elif kind == b"L":
            extended = {"path": raw[start : start + size].split(b"\0", 1)[0].decode(
                "utf-8", ERRORS)}
        elif kind in FILES or kind in SKIPPED:
            name = extended.get("path") or _name(header)
            if kind in FILES and not name.endswith("/"):  # "name/" of old type "\0": a folder
                yield name, start, start + size
            extended = {}
        else:
            raise Unusual(f"member type {kind!r}")
