"""Guard data: the public development sets, the hand-written sets, and the fixed split.

Every file is JSON lines ``{"text": str, "label": 0|1, ...}`` with 1 = attack. The split is
stratified with a fixed seed so that training and evaluation agree on what is held out.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sklearn.model_selection import train_test_split

SEED = 20240611
HELD_OUT_FRACTION = 0.3
PRODUCT_HELD_OUT_FRACTION = 0.5

HERE = Path(__file__).resolve().parent
LOCAL_DATA = HERE / "data"
BENIGN_PRODUCT = LOCAL_DATA / "benign_product.jsonl"
BENIGN_TRIGGER = LOCAL_DATA / "benign_trigger.jsonl"
HAND_ATTACKS = LOCAL_DATA / "attacks_hand.jsonl"
# Trained on in full: hard negatives (benign prompts full of trigger words) and hand-written
# attacks of the families the public sets lack (typos, es/fr, role games, leaks, hidden asks).
BENIGN_HARD = LOCAL_DATA / "benign_hard.jsonl"
ATTACKS_TRAIN = LOCAL_DATA / "attacks_train.jsonl"
PUBLIC_SETS = {"deepset": "deepset-train.jsonl", "jailbreak": "jailbreak-train.jsonl"}


@dataclass(frozen=True)
class Example:
    text: str
    label: int
    source: str
    tag: str = ""  # "trigger" for benign text using attack-like words; attack kind for hand attacks


def public_data_dir() -> Path:
    """``RAG_GUARD_DATA_DIR`` or ``../shared/bench/guard`` next to the repository."""
    override = os.environ.get("RAG_GUARD_DATA_DIR", "").strip()
    return Path(override) if override else HERE.parents[2] / "shared" / "bench" / "guard"


def load_jsonl(path: Path, source: str) -> list[Example]:
    examples: list[Example] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            label = int(row["label"])
            if label not in (0, 1) or not isinstance(row["text"], str):
                raise ValueError(f"{path}:{number}: bad row")
            tag = "trigger" if row.get("trigger") else str(row.get("kind", ""))
            examples.append(Example(row["text"], label, source, tag))
    return examples


def split(
    examples: Sequence[Example], held_out: float, seed: int = SEED
) -> tuple[list[Example], list[Example]]:
    """Stratified by label and tag, so trigger-word rows land on both sides."""
    strata = [f"{e.label}:{e.tag}" for e in examples]
    train, test = train_test_split(
        list(examples), test_size=held_out, random_state=seed, stratify=strata
    )
    return list(train), list(test)


@dataclass(frozen=True)
class Splits:
    train: list[Example]
    held_out: dict[str, list[Example]]
    hashes: dict[str, str]


def load_splits(data_dir: Path | None = None) -> Splits:
    """Train part of every set plus named held-out sets (hand attacks are never trained on;
    ``benign_hard`` and ``attacks_train`` are trained on in full).

    ``trigger_benign`` holds the held-out benign questions that use attack-like words ("ignore",
    "system prompt", "instructions"), from both hand-written benign files.
    """
    data_dir = data_dir or public_data_dir()
    train: list[Example] = []
    held_out: dict[str, list[Example]] = {}
    hashes: dict[str, str] = {}
    for name, filename in PUBLIC_SETS.items():
        path = data_dir / filename
        hashes[filename] = sha256(path)
        part_train, part_test = split(load_jsonl(path, name), HELD_OUT_FRACTION)
        train += part_train
        held_out[name] = part_test
    # Hand-written benign questions: half trained on, half held out.
    own_test: list[Example] = []
    for path, source in ((BENIGN_PRODUCT, "product"), (BENIGN_TRIGGER, "trigger")):
        hashes[path.name] = sha256(path)
        part_train, part_test = split(load_jsonl(path, source), PRODUCT_HELD_OUT_FRACTION)
        train += part_train
        own_test += part_test
    for path, source in ((BENIGN_HARD, "hard"), (ATTACKS_TRAIN, "hand_train")):
        hashes[path.name] = sha256(path)
        train += load_jsonl(path, source)
    held_out["product_benign"] = [e for e in own_test if e.tag != "trigger"]
    held_out["trigger_benign"] = [e for e in own_test if e.tag == "trigger"]
    held_out["hand_attacks"] = load_jsonl(HAND_ATTACKS, "hand")
    hashes[HAND_ATTACKS.name] = sha256(HAND_ATTACKS)
    return Splits(train, held_out, hashes)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
