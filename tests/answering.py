"""Running the real answer graph in tests: real retriever, guard and session store around the
queued fake LLM, driven through the product's one entry point (``Answerer``)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from core.settings import Settings
from graph.answerer import open_answerer
from graph.services import Services
from graph.state import Answer
from knowledge.retriever import HybridRetriever
from llm.chain import Provider, ProviderChain
from safety.guard import InputGuard
from tests.fakes import QueuedChatModel


def fake_services(settings: Settings, *models: QueuedChatModel) -> Services:
    """The product's services with the LLM chain made of fakes (``fake``, or ``fake/0``...)."""
    names = ["fake"] if len(models) == 1 else [f"fake/{i}" for i in range(len(models))]
    chain = ProviderChain([Provider(n, lambda m=m: m) for n, m in zip(names, models, strict=True)])
    return Services(HybridRetriever(settings), InputGuard.from_settings(settings), chain)


def ask_turns(
    settings: Settings, services: Services, session: str, turns: list[str], **context: Any
) -> tuple[list[Answer], dict[str, Any]]:
    """Each turn's answer in one session, and the session's state after the last one."""

    async def run() -> tuple[list[Answer], dict[str, Any]]:
        async with open_answerer(settings, services) as answerer:
            answerer = replace(answerer, context=replace(answerer.context, **context))
            answers = [await answerer.ask(question, session) for question in turns]
            return answers, await answerer.state(session)

    return asyncio.run(run())
