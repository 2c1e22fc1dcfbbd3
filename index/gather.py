"""Concurrent calls of a batch function gathered into one call, for a server answering many
questions at once.

Encoding or parsing ten short texts in one call costs far less than ten calls (spaCy's `pipe`
parses a question in 2.5 ms of CPU against 6 ms alone). A caller that finds the function idle
runs at once, with no added wait; callers that arrive while it runs wait, and the first of them
then runs everything that gathered in one call. Alone, a call costs what it did.
"""
from __future__ import annotations

import threading
from typing import Callable, Generic, Sequence, TypeVar

import numpy as np

T = TypeVar("T")
R = TypeVar("R")

GATHER_MAX_ITEMS = 64   # items per gathered call: more only pads the model's batch further


class _Call(Generic[T, R]):
    __slots__ = ("items", "result", "error", "done")

    def __init__(self, items: Sequence[T]):
        self.items = items
        self.result: list[R] = []
        self.error: BaseException | None = None
        self.done = False


class Gathered(Generic[T, R]):
    """`run(items) -> one result per item`, called by many threads: each call waits at most for
    the call running when it came, then joins the next one."""

    def __init__(self, run: Callable[[list[T]], Sequence[R]], max_items: int = GATHER_MAX_ITEMS):
        self._run = run
        self.max_items = max_items
        self._ready = threading.Condition()
        self._waiting: list[_Call] = []
        self._busy = False
        self.calls = 0   # how many times `run` was called (a test and bench/app_load read it)

    def __call__(self, items: Sequence[T]) -> list[R]:
        call: _Call = _Call(items)
        with self._ready:
            self._waiting.append(call)
            while not call.done:
                if self._busy:
                    self._ready.wait()
                    continue
                batch, size = [], 0
                while self._waiting and (not batch or size + len(self._waiting[0].items) <= self.max_items):
                    size += len(self._waiting[0].items)
                    batch.append(self._waiting.pop(0))
                self._busy = True
                self._ready.release()
                try:
                    self._lead(batch)
                finally:
                    self._ready.acquire()
                    self._busy = False
                    self._ready.notify_all()
        if call.error is not None:
            raise call.error
        return call.result

    def _lead(self, batch: list[_Call]) -> None:
        self.calls += 1
        try:
            results = list(self._run([item for c in batch for item in c.items]))
        except BaseException as error:   # every caller of the batch sees the error, as it would alone
            for c in batch:
                c.error, c.done = error, True
            return
        start = 0
        for c in batch:
            c.result, c.done = results[start:start + len(c.items)], True
            start += len(c.items)


class GatheredEmbedder:
    """An Embedder whose `encode` calls from many threads are gathered into one model call. The
    vectors are those of separate calls: each row of the ONNX model depends only on its own text
    (tests/test_gather.py checks them bit for bit)."""

    def __init__(self, embedder, max_items: int = GATHER_MAX_ITEMS):
        self.embedder = embedder
        self.name, self.runtime = embedder.name, getattr(embedder, "runtime", "torch")
        self.gathered: Gathered[str, np.ndarray] = Gathered(lambda texts: list(embedder.encode(texts)), max_items)

    @property
    def dim(self) -> int:
        return self.embedder.dim

    def knows_word(self, text: str) -> bool:
        return self.embedder.knows_word(text)

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return self.embedder.encode([])
        return np.stack(self.gathered(list(texts)))


class GatheredPipeline:
    """A spaCy pipeline whose `nlp(text)` calls from many threads are parsed together by `pipe`
    (the same Doc as alone: spaCy's batch is a padding of separate texts)."""

    def __init__(self, nlp, max_items: int = GATHER_MAX_ITEMS):
        self.nlp = nlp
        self.gathered: Gathered[str, object] = Gathered(lambda texts: list(nlp.pipe(texts)), max_items)

    def __call__(self, text: str):
        return self.gathered([text])[0]

    def pipe(self, texts, **options):
        return self.nlp.pipe(texts, **options)
