"""`find_symbol`: where a name is defined, by planbot's definition patterns, and used (pure)."""

from __future__ import annotations

import re

from bot.context.symbols import SymbolIndex
from bot.research.grep import lines_with
from bot.research.index import Index
from bot.research.results import ToolError, ToolResult, answer, count, line

MAX_DEFINITIONS = 10
MAX_REFERENCES = 20
MAX_COUNTED = 1_000
# Files searched, in path order: a name as common as `get` is held by thousands, and a
# call must answer in milliseconds; a dotted name (`Cart.get`) narrows them first.
MAX_FILES = 400
NAME = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*")
NOT_A_NAME = ("a symbol is an identifier such as `parse_coupon`, or a dotted name such as "
              "`Cart.total` (its last part is looked up)")


def find_symbol(index: Index, name: str) -> ToolResult:
    """Definitions (classes, functions, methods; tests and data skipped, as the ranking
    does) and references as a whole word, in path order."""
    if not NAME.fullmatch(name.strip()):
        raise ToolError(NOT_A_NAME)
    wanted = name.strip().rsplit(".", 1)[-1]
    files = index.snapshot.files
    held = sorted(p for p in index.holding(name.strip()) if p in files)
    holders = {p: files[p] for p in held[:MAX_FILES]}
    symbols = SymbolIndex(holders, [wanted])
    definitions: list[tuple[str, int, str]] = []
    for path in symbols.definers.get(wanted.lower(), []):
        lines = holders[path].splitlines()
        definitions += [(path, n, lines[n - 1]) for n in symbols.lines(path, [wanted])]
    at = {(path, number) for path, number, _ in definitions}
    word = re.compile(rf"(?<![\w$]){re.escape(wanted)}(?![\w$])")
    references: list[tuple[str, int, str]] = []
    counted = 0
    for path, text in holders.items():
        for number, content in lines_with(text, wanted):
            if (path, number) in at or not word.search(content):
                continue
            counted += 1
            if len(references) < MAX_REFERENCES:
                references.append((path, number, content))
        if counted >= MAX_COUNTED:
            break
    shown = definitions[:MAX_DEFINITIONS]
    body = ["Definitions:", *(_listed(shown) or ["(none found)"]), "References:",
            *(_listed(references) or ["(none found)"])]
    header = (f"find_symbol `{wanted}`: {count(len(definitions), 'definition')}, "
              f"{count(counted, 'reference', counted >= MAX_COUNTED)}"
              + (f", the first {len(references)} shown" if counted > len(references) else ""))
    if len(held) > MAX_FILES:
        header += (f"; only the first {MAX_FILES:,} of the {len(held):,} files holding the "
                   "name were searched: qualify it (`Class.method`) or use grep")
    return answer(header, body, [path for path, _, _ in shown + references])


def _listed(found: list[tuple[str, int, str]]) -> list[str]:
    return [f"{path}:{number}: {line(content)}" for path, number, content in found]
