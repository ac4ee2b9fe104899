from pathlib import Path

import pytest

from core.settings import Settings
from knowledge.documents import BadFileError
from knowledge.ingest import ingest
from knowledge.loaders import load
from tests.pdfs import write_encrypted_pdf, write_pdf


def refusal(path: Path, max_bytes: int = 100_000) -> str:
    with pytest.raises(BadFileError) as err:
        load(path, max_bytes)
    return err.value.reason


def test_each_kind_of_bad_file_is_refused_with_a_reason(tmp_path: Path) -> None:
    cases = {
        "empty.md": (b"", "empty file"),
        "blank.txt": (b"   \n\n", "empty file"),
        "binary.txt": (b"\x89PNG\x00\x00\x01", "binary file"),
        "latin1.txt": ("café".encode("latin-1"), "not UTF-8"),
        "broken.yaml": (b"key: [unclosed\n", "broken YAML"),
        "front.md": (b"---\ntitle: [x\n---\nbody\n", "broken front-matter"),
        "unclosed.md": (b"---\ntitle: x\nbody without end\n", "no closing '---'"),
        "only-front.md": (b"---\ntitle: x\n---\n", "front-matter only"),
        "not-a.pdf": (b"%PDF-1.4 garbage", "unreadable PDF"),
        "notes.docx": (b"PK\x03\x04", "unsupported file type"),
        "big.txt": (b"word " * 30_000, "too large"),
    }
    for name, (content, expected) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        assert expected in refusal(path), name


def test_encrypted_and_image_only_pdfs_are_refused(tmp_path: Path) -> None:
    assert "encrypted" in refusal(write_encrypted_pdf(tmp_path / "locked.pdf", "secret text"))
    assert "no text layer" in refusal(write_pdf(tmp_path / "scan.pdf", [""]))


def test_unreadable_file_is_reported(tmp_path: Path) -> None:
    missing = tmp_path / "gone.md"
    assert "unreadable" in refusal(missing)


def test_bad_files_are_skipped_and_the_rest_of_the_batch_lands(
    tmp_path: Path, settings: Settings
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "good.md").write_text("# Good\nThe launch date is 2024-05-01.\n")
    (folder / "broken.yaml").write_text("a: [b\n")
    (folder / "empty.txt").write_text("")
    write_encrypted_pdf(folder / "locked.pdf", "hidden")
    report = ingest([folder, tmp_path / "nowhere"], settings)
    assert report.files_indexed == 1
    reasons = {Path(s.path).name: s.reason for s in report.skipped}
    assert set(reasons) == {"broken.yaml", "empty.txt", "locked.pdf", "nowhere"}
    assert reasons["nowhere"] == "no such file or directory"
    assert report.chunks_added == 1
