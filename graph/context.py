"""Run-time settings of the graph, shown (and overridable) in LangGraph Studio.

``Context.from_settings`` is the one way the product builds a context: the numbers come from the
environment through ``core.settings`` (whose defaults are also this class's defaults, so Studio
shows the same values), the prompts from the versioned files. ``prompt_version`` is computed from
the prompt text actually used, so a prompt edited in Studio is never reported as the shipped one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from core.settings import Settings
from prompts import ANSWER, REMINDER, REWRITE

_DEFAULTS = Settings()


@dataclass(kw_only=True)
class Context:
    answer_prompt: str = field(
        default=ANSWER.text,
        metadata={"description": "System prompt of the generate node."},
    )
    reminder_prompt: str = field(
        default=REMINDER.text,
        metadata={
            "description": "Repeated after the question, one 'kind: text' line per kind of "
            "question (answer, yes_no, list)."
        },
    )
    rewrite_prompt: str = field(
        default=REWRITE.text,
        metadata={"description": "System prompt of the rewrite node (follow-up → standalone)."},
    )
    top_k: int = field(
        default=_DEFAULTS.top_k, metadata={"description": "Passages given to the LLM."}
    )
    list_top_k: int = field(
        default=_DEFAULTS.list_top_k,
        metadata={"description": "Passages given to the LLM for a list question."},
    )
    context_tokens: int = field(
        default=_DEFAULTS.context_tokens,
        metadata={
            "description": "Token budget of the passages in the prompt (the prompt is most of "
            "the time to the first token on a local model)."
        },
    )
    list_context_tokens: int = field(
        default=_DEFAULTS.list_context_tokens,
        metadata={"description": "The same budget for a list question."},
    )
    passage_tokens: int = field(
        default=_DEFAULTS.passage_tokens,
        metadata={"description": "A longer passage is trimmed to its lines nearest the question."},
    )
    retrieve_k: int = field(
        default=_DEFAULTS.retrieve_k, metadata={"description": "Fused candidates to rerank."}
    )
    relevance_floor: float = field(
        default=_DEFAULTS.relevance_floor,
        metadata={
            "description": "Minimum dense cosine similarity of the best passage for a general "
            "question; below it the graph answers no_answer without calling the LLM."
        },
    )
    personal_relevance_floor: float = field(
        default=_DEFAULTS.personal_relevance_floor,
        metadata={
            "description": "The same floor for questions about the user (I, my, me): those get "
            "the benefit of the doubt, e.g. 'Do I have a PhD?' barely resembles an Education "
            "section yet has an answer."
        },
    )
    rewrite_timeout_s: float = field(
        default=_DEFAULTS.rewrite_timeout_s, metadata={"description": "Time box of rewrite."}
    )
    history_turns: int = field(
        default=_DEFAULTS.history_turns,
        metadata={"description": "Previous Q/A turns the rewrite and generate nodes see."},
    )

    @classmethod
    def from_settings(cls, settings: Settings) -> Context:
        """Every field that has a setting of the same name takes the configured value."""
        configured = {f.name for f in fields(Settings)}
        return cls(
            **{f.name: getattr(settings, f.name) for f in fields(cls) if f.name in configured}
        )

    @property
    def prompt_version(self) -> str:
        """Reported with every answer (traces) and part of cache keys."""
        answer = ANSWER.fingerprint_of(self.answer_prompt)
        reminder = REMINDER.fingerprint_of(self.reminder_prompt)
        return f"{answer}+{reminder}+{REWRITE.fingerprint_of(self.rewrite_prompt)}"
