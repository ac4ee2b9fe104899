"""One real stack for the whole stack-test session: up from nothing, sample corpus in, torn down.

Needs the images from infra/test/images.sh (`make stack-test` builds them first) and rootful podman.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.stack.harness import Stack, new_stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = new_stack(tmp_path_factory.mktemp("secrets"))
    try:
        print(f"stack started: {stack.start()}")
        yield stack
    finally:
        stack.down()
