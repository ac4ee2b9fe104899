"""Request body limit (declared and chunked, through a real uvicorn too) and question checks."""

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel

from core.settings import Settings
from server.limits import BodySizeLimitMiddleware
from server.request_checks import QuestionError, validate_question
from tests.servers import free_port

LIMIT = 1000


class Question(BaseModel):
    question: str


def make_app(calls: list[int]) -> FastAPI:
    app = FastAPI()

    @app.post("/ask")
    def ask(body: Question) -> dict[str, int]:
        calls.append(len(body.question))
        return {"chars": len(body.question)}

    app.add_middleware(BodySizeLimitMiddleware, max_bytes=LIMIT)
    return app


def body_of(size: int) -> bytes:
    payload = b'{"question": "' + b"x" * (size - 16) + b'"}'
    assert len(payload) == size
    return payload


def chunks(data: bytes, size: int = 100) -> Iterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


def test_body_over_the_limit_is_413_with_or_without_content_length() -> None:
    calls: list[int] = []
    client = TestClient(make_app(calls), headers={"Content-Type": "application/json"})
    assert client.post("/ask", content=body_of(LIMIT)).status_code == 200
    assert client.post("/ask", content=chunks(body_of(LIMIT))).status_code == 200

    declared = client.post("/ask", content=body_of(LIMIT + 1))
    streamed = client.post("/ask", content=chunks(body_of(LIMIT + 1)))  # no Content-Length
    assert "content-length" not in streamed.request.headers
    for response in (declared, streamed):
        assert response.status_code == 413
        assert response.json() == {"detail": "request body too large: the limit is 1000 bytes"}
    assert len(calls) == 2  # the endpoint never ran for the large bodies


@pytest.fixture
def live_server() -> Iterator[tuple[int, list[int], list[int]]]:
    """The app under a real uvicorn, recording how many body bytes it was ever handed."""
    calls: list[int] = []
    seen: list[int] = []
    app = make_app(calls)
    inner = app.build_middleware_stack()

    async def counting(scope: Any, receive: Any, send: Any) -> None:
        async def counted() -> Any:
            message = await receive()
            seen.append(len(message.get("body", b"")))
            return message

        await inner(scope, counted, send)

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(counting, port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 10
    while not server.started and time.time() < deadline:
        time.sleep(0.02)
    yield port, calls, seen
    server.should_exit = True
    thread.join(timeout=10)


def post_chunked(port: int, body: bytes, chunk: int) -> bytes:
    """POST with Transfer-Encoding: chunked over a raw socket; returns the raw response.

    The server answers 413 and closes while the client is still sending, which a real client
    sees as a broken pipe; the response is already on its way and is read afterwards.
    """
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        head = b"POST /ask HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        try:
            sock.sendall(head + b"Transfer-Encoding: chunked\r\n\r\n")
            for part in chunks(body, chunk):
                sock.sendall(b"%x\r\n%s\r\n" % (len(part), part))
            sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        response = b""
        with contextlib.suppress(ConnectionResetError):
            while data := sock.recv(65536):
                response += data
    return response


def test_a_real_server_refuses_a_huge_chunked_body_without_reading_it(
    live_server: tuple[int, list[int], list[int]],
) -> None:
    port, calls, seen = live_server
    size = 4_000_000
    response = post_chunked(port, body_of(size), 16_384)
    assert response.startswith(b"HTTP/1.1 413 ")
    assert response.endswith(b'{"detail":"request body too large: the limit is 1000 bytes"}')
    assert calls == []
    # Reading stopped at the message that crossed the limit (uvicorn hands over what it has
    # buffered, up to its 64 KB flow-control mark, as one message): far from the whole body.
    assert sum(seen[:-1]) <= LIMIT
    assert sum(seen) < size / 10


# --- questions --------------------------------------------------------------------------------

LONG_QUESTION = (
    "I signed the lease for the flat on Elm Street in March, paid three months of rent as a "
    "deposit and agreed to a minimum term of two years. My employer now wants me to move to "
    "another city in the autumn, so I am trying to work out what leaving early would cost. "
    "The contract mentions a notice period, a clause about finding a replacement tenant and "
    "something about the deposit being used for repairs, but the wording is confusing. "
    "Could you go through my documents and tell me: how long is the notice period, whether "
    "the landlord can keep the deposit if I leave before the two years are over, whether I "
    "have to pay the remaining rent if a new tenant moves in quickly, and who pays for the "
    "repainting and the carpet cleaning? Please also point me to the exact pages of the lease "
    "and of the letters from the agency, since I want to quote them in my reply to the "
    "landlord, and tell me if the later amendment from June changed any of these terms. "
    "If the documents disagree with each other, which one should I rely on, and is there "
    "anything in the insurance policy that covers the costs of moving out early?"
)

REAL_QUESTIONS = [
    "When does my Kubernetes certification expire?",
    "what what is the CKA exam passing score?",  # a stutter is not spam
    "Is the new flat really really really close to the station?",
    "bla bla bla — what did the contract say about notice periods?",
    "Wie viele Urlaubstage habe ich laut Arbeitsvertrag?",
    "我的护照什么时候过期?",
    "Why does `print([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])` "
    "show zeros?",
    "Summarise the notes under\n-----------------------------\nMeeting 2024-03-01\n\tagenda",
    "Yes?",
    LONG_QUESTION,
]


@pytest.mark.parametrize("question", REAL_QUESTIONS)
def test_real_questions_pass(settings: Settings, question: str) -> None:
    assert validate_question(f"  {question}\n", settings) == question.strip()


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("hi", "question is too short: at least 3 characters"),
        ("   hi   ", "question is too short"),
        ("x" * 2001, "question is too long: at most 2000 characters (this one has 2001)"),
        ("what is\x00 this?", "question contains a control character (U+0000)"),
        ("ring the bell\x07 please", "control character (U+0007)"),
        ("lone surrogate \ud800 here", "control character (U+D800)"),
        ("buy " * 25 + "now", "'buy' repeated 25 times in a row"),
        ("spam eggs spam spam spam spam spam spam spam spam spam", "10 of its 11 words are 'spam'"),
        ("click here now " * 12, "only 3 different words in 36"),
    ],
)
def test_bad_questions_say_why(settings: Settings, question: str, message: str) -> None:
    with pytest.raises(QuestionError) as info:
        validate_question(question, settings)
    assert message in str(info.value)
