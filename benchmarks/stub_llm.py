"""An instant chat model for benchmarks: shows the cost of everything except generation."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

ANSWER = "Your Certified Kubernetes Administrator certification expires on 2027-08-14 [1]."


class InstantChatModel(BaseChatModel):
    @property
    def _llm_type(self) -> str:
        return "instant-stub"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(ANSWER))])
