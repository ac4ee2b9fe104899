"""Property tests: whatever bytes a file holds, loading it gives chunks or a reason, never a crash,
and never takes long (a YAML alias bomb or a pathological line must not stall an ingest)."""

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge.chunking import chunk_document
from knowledge.documents import BadFileError
from knowledge.loaders import load
from tests.pdfs import write_pdf

MAX_BYTES = 2_000_000
MAX_WORDS = 60
SECONDS = 5.0
PROPERTY = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
    database=None,
)


def loads_or_explains(path: Path, content: bytes) -> None:
    path.write_bytes(content)
    started = time.perf_counter()
    try:
        document = load(path, MAX_BYTES)
    except BadFileError as exc:
        assert exc.reason.strip()  # a reason a user can act on
    else:
        chunks = chunk_document(document, MAX_WORDS)
        assert all(c.text.strip() and c.heading for c in chunks)
    assert time.perf_counter() - started < SECONDS


text_lines = st.one_of(
    st.text(max_size=200),
    st.sampled_from(["---", "...", "# Title", "## Section", "|a|b|", "|---|---|", "- item", ""]),
    st.builds(lambda n, c: c * n, st.integers(1, 20_000), st.sampled_from(["#", " ", "|", "a "])),
    st.builds(lambda s: f"# {s}" + " #" * 5000 + " x", st.text(max_size=20)),
)
documents = st.lists(text_lines, max_size=40).map("\n".join)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"])


@PROPERTY
@given(text=documents, encoding=encodings, suffix=st.sampled_from([".md", ".txt", ".yaml"]))
def test_any_text_file_is_loaded_or_refused_with_a_reason(
    tmp_path: Path, text: str, encoding: str, suffix: str
) -> None:
    loads_or_explains(tmp_path / f"doc{suffix}", text.encode(encoding, errors="replace"))


@PROPERTY
@given(data=st.binary(max_size=5000), suffix=st.sampled_from([".md", ".txt", ".yaml", ".pdf"]))
def test_random_bytes_are_loaded_or_refused_with_a_reason(
    tmp_path: Path, data: bytes, suffix: str
) -> None:
    loads_or_explains(tmp_path / f"blob{suffix}", data)


yaml_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=30)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=30,
)


@PROPERTY
@given(value=yaml_values)
def test_any_yaml_structure_is_loaded_or_refused_with_a_reason(
    tmp_path: Path, value: object
) -> None:
    import yaml

    loads_or_explains(tmp_path / "data.yaml", yaml.safe_dump(value).encode())


@pytest.mark.parametrize(
    "content",
    [
        "[" * 5000 + "]" * 5000,  # deep nesting
        "a: " + "{b: " * 3000 + "1" + "}" * 3000,
        # The billion-laughs shape: every alias expands the one before it ninefold.
        "a: &a [x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n"
            for i in range(8)
        ),
        "key: " + "x" * 1_500_000,
    ],
    ids=["deep-list", "deep-mapping", "alias-bomb", "huge-scalar"],
)
def test_hostile_yaml_is_refused_or_loaded_quickly(tmp_path: Path, content: str) -> None:
    loads_or_explains(tmp_path / "hostile.yaml", content.encode())


@PROPERTY
@given(
    cut=st.floats(0.0, 1.0),
    flips=st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=4))),
)
def test_truncated_or_corrupted_pdfs_are_loaded_or_refused_with_a_reason(
    tmp_path: Path, cut: float, flips: list[tuple[float, bytes]]
) -> None:
    source = tmp_path / "source.pdf"
    if not source.exists():
        write_pdf(source, ["Transcript", "Operating Systems B+ " * 40])
    data = bytearray(source.read_bytes()[: max(1, int(len(source.read_bytes()) * cut))])
    for where, junk in flips:
        at = int(where * (len(data) - 1))
        data[at : at + len(junk)] = junk
    loads_or_explains(tmp_path / "broken.pdf", bytes(data))
