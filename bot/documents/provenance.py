"""A document's provenance line: written at the end, read back to tell edits and staleness."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum

from bot.domain import Usage
from bot.markers import HANDOFF, PROVENANCE
from bot.text import normal_newlines

_FIELD = re.compile(r"(\w+)=(\S+)")


class State(StrEnum):
    MISSING = "missing"
    CURRENT = "current"
    EDITED = "edited by a person"
    STALE = "stale"


@dataclass(frozen=True)
class Provenance:
    stage: str
    inputs: str
    generator: str
    output: str = ""
    tokens: str = ""
    cost: str = ""
    commit: str = ""  # the commit whose tree the document's paths were checked against
    research: str = ""  # `turns:N,calls:N,errors:N` of the model's research, if it did any

    @property
    def token_total(self) -> int:
        """All tokens the `tokens=in:..,out:..,...` field counts (0 without one)."""
        return sum(n for _, n in counts(self.tokens))

    def line(self) -> str:
        fields = [f"stage={self.stage}", f"inputs={self.inputs}", f"generator={self.generator}"]
        fields += [f"{k}={v}" for k, v in (("output", self.output), ("tokens", self.tokens),
                                           ("cost", self.cost), ("research", self.research),
                                           ("commit", self.commit)) if v]
        return "<!-- planbot:" + " ".join(fields) + " -->"


def body_of(document: str) -> str:
    """A document without its provenance line (and tasks.md without its hand-off, which is
    derived), normalised so that an editor's line endings or trailing blanks do not count
    as an edit."""
    text = HANDOFF.sub("", PROVENANCE.sub("", normal_newlines(document)))
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(body_of(part).encode())
        h.update(b"\0")
    return h.hexdigest()[:12]


def provenance(document: str) -> Provenance | None:
    matches = list(PROVENANCE.finditer(normal_newlines(document)))
    if not matches:
        return None
    last = matches[-1]
    fields = dict(_FIELD.findall(last.group("rest")))
    return Provenance(
        stage=last.group("stage"),
        inputs=fields.get("inputs", ""),
        generator=fields.get("generator", ""),
        output=fields.get("output", ""),
        tokens=fields.get("tokens", ""),
        cost=fields.get("cost", ""),
        commit=fields.get("commit", ""),
        research=fields.get("research", ""),
    )


def usage_fields(usage: Usage) -> tuple[str, str]:
    if not usage.total:
        return "", ""
    tokens = (f"in:{usage.input_tokens},out:{usage.output_tokens},"
              f"cache_read:{usage.cache_read_tokens},cache_write:{usage.cache_write_tokens}")
    return tokens, f"{usage.cost_usd:.4f}"


def research_field(usage: Usage) -> str:
    if not usage.research_turns:
        return ""
    return (f"turns:{usage.research_turns},calls:{usage.tool_calls},"
            f"errors:{usage.tool_errors}")


def finish(stage: str, body: str, inputs: str, generator: str, usage: Usage | None = None,
           commit: str = "") -> str:
    """Append the provenance line that later runs read to tell edits and staleness."""
    tokens, cost = usage_fields(usage or Usage())
    mark = Provenance(stage, inputs, generator, digest(body), tokens, cost, commit,
                      research_field(usage or Usage()))
    return body.rstrip() + "\n\n" + mark.line() + "\n"


def state(document: str | None, expected_inputs: str) -> State:
    """Where a document stands against the inputs it would be built from now."""
    if document is None or not document.strip():
        return State.MISSING
    mark = provenance(document)
    if mark is None or mark.output != digest(document):
        return State.EDITED
    if mark.inputs != expected_inputs:
        return State.STALE
    return State.CURRENT


def counts(field: str) -> list[tuple[str, int]]:
    """A provenance field of counts: `in:12,out:3` -> [("in", 12), ("out", 3)]."""
    pairs = (part.partition(":") for part in filter(None, field.split(",")))
    return [(kind, int(count)) for kind, _, count in pairs if count.isdigit()]
