"""The embed-and-analyse stage on a Ray cluster, for archives one machine cannot embed in good time.

`RayEncoder` is an `index.ingest.Encoder`: the driver reads the articles and commits the batches as
an in-process ingest does; only `encode_batch` runs on Ray, as Ray Data `map_batches` over the
sentences of a window of batches, in actors that each load the model and spaCy once. Results come
back to the driver, which writes them batch by batch in the order they were read.

Ray is imported here only: an ingest that does not ask for it never pays its start-up.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np

from .analysis import Analysis

RAY_WINDOW_SENTENCES = 20_000   # sentences per Ray dataset: each window loads the model once per actor
RAY_SHARD_SENTENCES = 256       # sentences per map_batches call (one actor's unit of work)
# Passed to every worker: the model is on disk, nothing may ask the hub for it.
_WORKER_ENV = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "CLAIMQA_SPACY", "CLAIMQA_MODEL")


class ShardWorker:
    """A Ray actor's callable: loads the model and spaCy once, then embeds and analyses shard after shard."""

    def __init__(self, model: str):
        from .embedding import Embedder

        # One model thread per actor: Ray gives each actor one CPU, and a second thread would take
        # another actor's core. The same runtime as an ingest in process (onnxruntime, torch's
        # fallback), so that both give the same index.
        self.embedder = Embedder(model, threads=1, runtime="onnx")

    def __call__(self, shard: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        from .ingest import encode_batch

        vectors, analyses = encode_batch([str(t) for t in shard["text"]], self.embedder)
        return {"batch": shard["batch"], "row": shard["row"], "vector": vectors,
                "analysis": np.array([a.to_json() for a in analyses], dtype=object)}


class RayEncoder:
    """The stage on Ray: `address` "local" starts a Ray here with this machine's CPUs (stopped at
    close); "auto" or "host:port" / "ray://host:port" connects to a running cluster. A Ray already
    initialised in this process (ray.init by the caller) is used as it is."""

    def __init__(self, model: str, address: str = "local", window_sentences: int = RAY_WINDOW_SENTENCES):
        try:
            import ray
        except ImportError:
            raise ValueError("--ray needs Ray: pip install 'ray[data]'") from None
        self.model, self.window_sentences = model, window_sentences
        self._started = False
        env = {name: os.environ[name] for name in _WORKER_ENV if name in os.environ}
        env.setdefault("HF_HUB_OFFLINE", "1")
        env.setdefault("TRANSFORMERS_OFFLINE", "1")
        self._runtime_env = {"env_vars": env}
        if not ray.is_initialized():
            # The workers import this package from the driver's copy, so a cluster runs the same code
            # (a directory can be shipped only with the job's runtime environment, at ray.init).
            job_env = {"py_modules": [str(Path(__file__).resolve().parent)], "env_vars": env}
            if address == "local":
                ray.init(num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False,
                         runtime_env=job_env)
            else:
                ray.init(address=address, log_to_driver=False, runtime_env=job_env)
            self._started = True
        self.workers = max(1, int(ray.cluster_resources().get("CPU", 1)))

    def map(self, batches: Iterable[tuple[object, list[str]]], on_done: Callable[[int], None]
            ) -> Iterator[tuple[object, np.ndarray, list[Analysis]]]:
        window: list[tuple[object, list[str]]] = []
        size = 0
        for payload, texts in batches:
            window.append((payload, texts))
            size += len(texts)
            if size >= self.window_sentences:
                yield from self._run(window, on_done)
                window, size = [], 0
        if window:
            yield from self._run(window, on_done)

    def _run(self, window: list[tuple[object, list[str]]], on_done: Callable[[int], None]):
        import logging

        import ray.data

        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False   # the CLI's own bar says how far it is
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        items = [{"batch": b, "row": r, "text": text}
                 for b, (_, texts) in enumerate(window) for r, text in enumerate(texts)]
        dataset = ray.data.from_items(items).map_batches(
            ShardWorker, fn_constructor_args=(self.model,), batch_size=RAY_SHARD_SENTENCES,
            batch_format="numpy", num_cpus=1, runtime_env=self._runtime_env,
            compute=ray.data.ActorPoolStrategy(size=min(self.workers, -(-len(items) // RAY_SHARD_SENTENCES))))
        del items
        vectors: list[np.ndarray | None] = [None] * len(window)
        analyses: list[list] = [[None] * len(texts) for _, texts in window]
        for shard in dataset.iter_batches(batch_size=None, batch_format="numpy"):
            for b, r, vector, raw in zip(shard["batch"], shard["row"], shard["vector"], shard["analysis"]):
                if vectors[b] is None:
                    vectors[b] = np.zeros((len(window[b][1]), len(vector)), dtype=np.float32)
                vectors[b][r] = vector
                analyses[b][r] = Analysis.from_json(raw)
            on_done(len(shard["row"]))
        for (payload, texts), got, parsed in zip(window, vectors, analyses):
            yield payload, got if got is not None else np.zeros((0, 0), np.float32), parsed

    def close(self) -> None:
        if self._started:
            import ray

            ray.shutdown()
