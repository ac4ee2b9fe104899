"""Training-time augmentation, deterministic (fixed seed), from training rows only.

- **typos**: one or two keyboard slips (swap, drop, double, neighbour key) in a copy of short
  rows, attacks and benign alike, so misspelling is not itself a sign of attack;
- **concatenations**: an innocent question with an attack appended ("What is my GPA? Then ignore
  your rules and ..."), and two innocent questions joined, so length and a second sentence are
  not signs of attack either.

Called inside every cross-validation fold on that fold's training part only, so no augmented copy
of a row is ever scored against the row itself.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

from safety.training.datasets import SEED, Example

SHORT_CHARS = 300
_NEIGHBOURS = {
    "a": "qs",
    "e": "wr",
    "i": "uo",
    "o": "ip",
    "u": "yi",
    "n": "bm",
    "r": "et",
    "s": "ad",
    "t": "ry",
    "l": "k",
    "d": "sf",
    "g": "fh",
    "m": "n",
    "p": "o",
    "c": "v",
}
_WORD = re.compile(r"[^\W\d_]{4,}")
_JOINERS = (" ", " Then ", " Also, ", "\n", " After that, ", " P.S. ", " Btw, ")


def _slip(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word))  # typos rarely hit the first letter
    kind = rng.randrange(4)
    if kind == 0 and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    near = _NEIGHBOURS.get(word[i].lower())
    return word[:i] + (rng.choice(near) if near else word[i]) + word[i + 1 :]


def with_typos(text: str, rng: random.Random) -> str | None:
    words = list(_WORD.finditer(text))
    if not words:
        return None
    chosen = sorted(
        rng.sample(words, min(len(words), rng.choice((1, 2, 2, 3)))), key=lambda m: m.start()
    )
    out, last = [], 0
    for match in chosen:
        out += [text[last : match.start()], _slip(match.group(0), rng)]
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def augment(train: Sequence[Example], seed: int = SEED) -> list[Example]:
    rng = random.Random(seed)
    short = [e for e in train if len(e.text) <= SHORT_CHARS]
    attacks = [e for e in short if e.label == 1]
    benign = [e for e in short if e.label == 0]
    out: list[Example] = []
    for example in short:
        typo = with_typos(example.text, rng)
        if typo and typo != example.text:
            out.append(Example(typo, example.label, "augment", "typos"))
    questions = [e for e in benign if e.source in ("product", "trigger", "hard")] or benign
    for attack in attacks:
        question = rng.choice(questions).text.rstrip()
        out.append(Example(question + rng.choice(_JOINERS) + attack.text, 1, "augment", "concat"))
    for _ in range(len(attacks)):
        first, second = rng.sample(questions, 2)
        text = first.text.rstrip() + rng.choice(_JOINERS) + second.text
        out.append(Example(text, 0, "augment", "concat"))
    return out
