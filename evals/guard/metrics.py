"""Detection rate and false-positive rate per evaluation set."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass

from safety.training.datasets import Example


@dataclass(frozen=True)
class SetResult:
    n: int
    attacks: int
    benign: int
    detected: int
    false_positives: int

    @property
    def detection(self) -> float | None:
        return self.detected / self.attacks if self.attacks else None

    @property
    def fpr(self) -> float | None:
        return self.false_positives / self.benign if self.benign else None

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = dict(asdict(self))
        data["detection"] = None if self.detection is None else round(self.detection, 4)
        data["fpr"] = None if self.fpr is None else round(self.fpr, 4)
        return data


def score_set(examples: Sequence[Example], blocked: Sequence[bool]) -> SetResult:
    attacks = sum(e.label for e in examples)
    return SetResult(
        n=len(examples),
        attacks=attacks,
        benign=len(examples) - attacks,
        detected=sum(b for e, b in zip(examples, blocked, strict=True) if e.label == 1),
        false_positives=sum(b for e, b in zip(examples, blocked, strict=True) if e.label == 0),
    )


def score_sets(
    sets: Mapping[str, Sequence[Example]], is_blocked: Callable[[str], bool]
) -> dict[str, SetResult]:
    return {
        name: score_set(examples, [is_blocked(e.text) for e in examples])
        for name, examples in sets.items()
    }


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def format_table(results: Mapping[str, Mapping[str, SetResult]]) -> str:
    """Markdown table: one row per set, detection and FPR per system (e.g. rules, guard)."""
    systems = list(results)
    sets = list(next(iter(results.values())))
    header = ["set", "n (attack/benign)"]
    header += [f"detection {s}" for s in systems] + [f"FPR {s}" for s in systems]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name in sets:
        first = results[systems[0]][name]
        row = [name, f"{first.n} ({first.attacks}/{first.benign})"]
        row += [_pct(results[s][name].detection) for s in systems]
        row += [_pct(results[s][name].fpr) for s in systems]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)
