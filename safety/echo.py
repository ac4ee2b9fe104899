"""The output side of the guard: an answer must never repeat the system prompt.

The input guard stops the extraction attacks it recognises; a model that is talked into reciting
its instructions anyway is caught here. An answer "echoes" the prompt when it contains any run of
``SPAN`` consecutive words of it (case and punctuation ignored): long enough that ordinary answers
never match, short enough that a paraphrase-free leak always does.

``EchoFilter`` does the same on a token stream: text is passed on as soon as it cannot be the
start of such a run, so a leak is cut off before a whole run reaches the client, while normal
answers stream with little or no delay.
"""

from __future__ import annotations

import re
from functools import lru_cache

from prompts.replies import NOT_FOUND

SPAN = 8
_WORD = re.compile(r"\w+")


class PromptEcho:
    def __init__(self, prompt: str, allowed: tuple[str, ...] = (NOT_FOUND,)) -> None:
        """``allowed``: sentences the prompt asks the model to say; saying them is no leak."""
        pattern = "|".join(re.escape(a) for a in allowed) or r"(?!)"
        self.runs = {
            tuple(words[i : i + SPAN])
            for segment in re.split(pattern, prompt)
            for words in [[w.lower() for w in _WORD.findall(segment)]]
            for i in range(len(words) - SPAN + 1)
        }
        self.prefixes = {run[:n] for run in self.runs for n in range(1, SPAN)}

    def found_in(self, text: str) -> bool:
        words = [w.lower() for w in _WORD.findall(text)]
        return any(tuple(words[i : i + SPAN]) in self.runs for i in range(len(words) - SPAN + 1))


@lru_cache(maxsize=16)
def echo_of(prompt: str) -> PromptEcho:
    """One per prompt text (the shipped prompt, or one edited in Studio)."""
    return PromptEcho(prompt)


class EchoFilter:
    """Passes streamed text on, holding back what could still grow into a run of the prompt."""

    def __init__(self, echo: PromptEcho) -> None:
        self.echo = echo
        self.text = ""
        self.sent = 0  # characters passed on
        self.checked = 0  # complete words whose windows were checked
        self.leaked = False

    def feed(self, token: str) -> str:
        """The part of the stream so far that is safe to send now."""
        if self.leaked:
            return ""
        self.text += token
        words = list(_WORD.finditer(self.text))
        hold = len(self.text)
        if words and words[-1].end() == len(self.text):  # a word still being written
            hold = words.pop().start()
        lowered = [m.group().lower() for m in words]
        for end in range(max(self.checked, SPAN), len(lowered) + 1):
            if tuple(lowered[end - SPAN : end]) in self.echo.runs:
                self.leaked = True
                return ""
        self.checked = len(lowered)
        for i in range(max(0, len(words) - SPAN + 1), len(words)):
            if tuple(lowered[i:]) in self.echo.prefixes:
                hold = min(hold, words[i].start())
                break
        return self._send(hold)

    def flush(self) -> str:
        """The rest, once the stream has ended (a held prefix shorter than a run is harmless)."""
        if self.leaked or self.echo.found_in(self.text):
            self.leaked = True
            return ""
        return self._send(len(self.text))

    def _send(self, upto: int) -> str:
        out = self.text[self.sent : upto] if upto > self.sent else ""
        self.sent = max(self.sent, upto)
        return out
