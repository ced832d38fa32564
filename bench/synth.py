"""Synthetic but plausible repositories (Python, JavaScript, Markdown) for the benchmark."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

# Domain words for names; a few hundred, like the vocabulary of a real code base.
VOCABULARY = """
account address adjust alert allocation api archive asset audit auth backoff badge balance
basket batch billing binding blob bucket budget buffer cache calendar campaign cart catalog
category channel charge checkout claim client cluster column comment config connection consent
contract cookie counter country coupon credit cron currency cursor customer dashboard debit
delivery device digest discount dispatch document domain draft email endpoint entry event
export feature feed field filter flag form fulfillment gateway geo grant graph group handler
header health hook identity image import index inventory invite invoice item job journal key
label language layout ledger license limit link locale lock login mailer manifest margin
merchant message metric migration mode module notice notification offer order origin outbox
owner package page parcel parser partner password payload payment payout period permission
pipeline plan plugin policy pool portal preference price product profile promo provider queue
quota rate receipt record refund region registry reminder report request reservation resource
response retry review role route rule sample schedule schema scope search secret segment
sequence session setting shipment signal sitemap slot snapshot source stock storage store
stream subscription supplier survey sync table tag task tax template tenant theme thread
ticket timezone token topic tracker transfer trigger upload usage user variant vendor version
voucher wallet warehouse webhook widget window worker workflow zone
"""
WORDS = tuple(VOCABULARY.split())
VERB_LIST = "build check compute fetch find load merge parse render resolve save send sync validate"
VERBS = tuple(VERB_LIST.split())
TOP = ("src", "lib", "services", "packages", "docs", "tests", "scripts", "web")


@dataclass(frozen=True)
class SynthRepo:
    root: Path
    files: int
    bytes: int
    target: str  # the path the benchmark issue's traceback points at
    target_function: str
    target_line: int


def _name(rng: random.Random, sep: str = "_") -> str:
    return sep.join(rng.sample(WORDS, 2))


def _camel(words: str) -> str:
    head, *rest = words.split("_")
    return head + "".join(w.title() for w in rest)


def _python(rng: random.Random) -> tuple[str, list[tuple[str, int]]]:
    lines = ['"""' + " ".join(rng.sample(WORDS, 6)).capitalize() + '."""', "", "import logging", ""]
    defs: list[tuple[str, int]] = []
    for _ in range(rng.randint(2, 7)):
        cls = "".join(w.title() for w in _name(rng).split("_"))
        lines += ["", f"class {cls}:", f'    """Holds the {cls.lower()} state."""', ""]
        for _ in range(rng.randint(1, 4)):
            fn = f"{rng.choice(VERBS)}_{_name(rng)}"
            defs.append((fn, len(lines) + 1))
            arg = rng.choice(WORDS)
            lines += [
                f"    def {fn}(self, {arg}, retries=3):",
                f"        if not {arg}:",
                f"            raise ValueError('missing {arg} for {fn}')",
                f"        result = self.{rng.choice(WORDS)}_{rng.choice(WORDS)}.get({arg})",
                f"        logging.debug('%s %s', {arg!r}, result)",
                "        return result",
                "",
            ]
    return "\n".join(lines) + "\n", defs


def _javascript(rng: random.Random) -> str:
    lines = [f"import {{ {_camel(_name(rng))} }} from './{_name(rng, '-')}';", ""]
    for _ in range(rng.randint(2, 8)):
        fn = _camel(f"{rng.choice(VERBS)}_{_name(rng)}")
        arg = rng.choice(WORDS)
        lines += [
            f"export async function {fn}({arg}, options = {{}}) {{",
            f"  const {_camel(_name(rng))} = await options.{rng.choice(WORDS)}.get({arg}.id);",
            f"  if (!{arg}) throw new Error('{fn}: no {arg}');",
            f"  return {{ ...{arg}, {rng.choice(WORDS)}: true }};",
            "}",
            "",
        ]
    return "\n".join(lines) + "\n"


def _markdown(rng: random.Random) -> str:
    parts = [f"# {_name(rng, ' ').title()}", ""]
    for _ in range(rng.randint(2, 6)):
        parts += [" ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 60))) + ".", ""]
    return "\n".join(parts) + "\n"


def generate(root: Path, files: int, seed: int = 7) -> SynthRepo:
    """Write `files` files under `root`; return where the benchmark's bug lives."""
    rng = random.Random(seed)
    folders = max(8, files // 25)
    dirs = [f"{rng.choice(TOP)}/{_name(rng)}/{rng.choice(WORDS)}" for _ in range(folders)]
    total, target, target_fn, target_line = 0, "", "", 0
    for i in range(files):
        kind = rng.random()
        folder = rng.choice(dirs)
        if kind < 0.55:
            path, (text, defs) = f"{folder}/{_name(rng)}_{i}.py", _python(rng)
            if not target and i >= files // 2 and defs:
                target, (target_fn, target_line) = path, defs[-1]
        elif kind < 0.85:
            path, text = f"{folder}/{_camel(_name(rng))}{i}.js", _javascript(rng)
        else:
            path, text = f"{folder}/{_name(rng, '-')}-{i}.md", _markdown(rng)
        out = root / path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
        total += len(text)
    return SynthRepo(root, files, total, target, target_fn, target_line)
