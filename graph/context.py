"""Run-time settings of the graph, shown (and overridable) in LangGraph Studio.

Defaults come from the environment through ``core.settings`` and the versioned prompt files; a
caller may override any of them per run (``context=...``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prompts import ANSWER, REWRITE


@dataclass(kw_only=True)
class Context:
    answer_prompt: str = field(
        default=ANSWER.text,
        metadata={"description": "System prompt of the generate node."},
    )
    rewrite_prompt: str = field(
        default=REWRITE.text,
        metadata={"description": "System prompt of the rewrite node (follow-up → standalone)."},
    )
    prompt_version: str = field(
        default=f"{ANSWER.fingerprint}+{REWRITE.fingerprint}",
        metadata={"description": "Reported with every answer; part of cache keys."},
    )
    top_k: int = field(default=5, metadata={"description": "Passages given to the LLM."})
    retrieve_k: int = field(default=20, metadata={"description": "Fused candidates to rerank."})
    relevance_floor: float = field(
        default=0.25,
        metadata={
            "description": "Minimum dense cosine similarity of the best passage for a general "
            "question; below it the graph answers no_answer without calling the LLM."
        },
    )
    personal_relevance_floor: float = field(
        default=0.1,
        metadata={
            "description": "The same floor for questions about the user (I, my, me): those get "
            "the benefit of the doubt, e.g. 'Do I have a PhD?' barely resembles an Education "
            "section yet has an answer."
        },
    )
    rewrite_timeout_s: float = field(
        default=20.0, metadata={"description": "Time box of the rewrite node."}
    )
    history_turns: int = field(
        default=3, metadata={"description": "Previous Q/A turns the rewrite node sees."}
    )
