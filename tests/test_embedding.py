"""The encoder: the bundled MiniLM weights through onnxruntime give torch's vectors to 1e-5, are
exported once without the network, and keep torch out of the answering and the ingesting process."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index import SentenceStore
from index.embedding import ONNX_TOLERANCE, Embedder, _model_location, export_onnx, onnx_path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ["How many people were injured?", "Who is the spokesman?", "When did the ferry sink?", "what",
             "Où est la gare ? 3,5 km — “fermée”", "x " * 400]


@pytest.fixture(scope="module")
def both():
    return Embedder(threads=1, runtime="onnx"), Embedder()


def test_onnx_vectors_equal_torch_to_the_tolerance(both, bundled_index):
    onnx, torch_ = both
    assert onnx.runtime == "onnx" and torch_.runtime == "torch" and onnx.dim == torch_.dim == 384
    texts = QUESTIONS + [s.text for s in SentenceStore.open(bundled_index).sentences]
    batched = onnx.encode(texts)
    assert batched.dtype == np.float32 and batched.shape == (len(texts), 384)
    assert np.abs(batched - torch_.encode(texts)).max() <= ONNX_TOLERANCE
    alone = np.stack([onnx.encode([q])[0] for q in QUESTIONS])
    assert np.abs(alone - torch_.encode(QUESTIONS)).max() <= ONNX_TOLERANCE
    assert np.allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-5)
    assert onnx.encode([]).shape == (0, 384)


def test_the_export_needs_no_network_and_lands_in_the_cache_once(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMQA_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    target = onnx_path("all-MiniLM-L6-v2")
    assert str(target).startswith(str(tmp_path / "cache")) and not target.exists()
    assert export_onnx("all-MiniLM-L6-v2") == target and target.is_file()
    assert [p.name for p in target.parent.iterdir()] == ["model.onnx"]   # no partial file left
    stamp = target.stat().st_mtime_ns
    assert export_onnx("all-MiniLM-L6-v2") == target and target.stat().st_mtime_ns == stamp   # not again


def test_a_model_the_export_does_not_cover_is_embedded_with_torch(tmp_path, both):
    """CLS pooling is not what the ONNX side computes: that model keeps torch, and its vectors."""
    bundled = Path(_model_location("all-MiniLM-L6-v2"))
    model = tmp_path / "cls-model"
    model.mkdir()
    for item in bundled.iterdir():
        if item.name not in {"modules.json", "1_Pooling"}:
            (model / item.name).symlink_to(item)
    (model / "1_Pooling").mkdir()
    pooling = json.loads((bundled / "1_Pooling" / "config.json").read_text())
    pooling.update(pooling_mode_mean_tokens=False, pooling_mode_cls_token=True)
    (model / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    (model / "modules.json").write_text((bundled / "modules.json").read_text())
    embedder = Embedder(str(model), runtime="onnx")
    assert embedder.runtime == "torch"
    assert np.abs(embedder.encode(QUESTIONS[:2]) - both[1].encode(QUESTIONS[:2])).max() > 0.01   # CLS, not mean


def test_an_unknown_runtime_is_refused_by_name():
    with pytest.raises(ValueError, match=r"^runtime: 'gpu' is not one of torch, onnx$"):
        Embedder(runtime="gpu")


def test_a_cold_answer_loads_no_torch_and_answers_as_before(bundled_index, both):
    """What `claimqa ask` does without an app: the same answer as an answerer on torch, and neither
    torch nor sentence-transformers imported."""
    code = ("import json, sys\nfrom qa.stories import ask\n"
            f"a = ask('How many people were injured?', index_dir={str(bundled_index)!r})\n"
            "print(json.dumps([a.to_dict(), sorted(m for m in ('torch', 'sentence_transformers', 'nltk') "
            "if m in sys.modules)]))")
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    answer, heavy = json.loads(out.stdout.strip().splitlines()[-1])
    assert heavy == []

    from index import Archive, load_nlp
    from qa.stories import StoryAnswerer

    on_torch = StoryAnswerer(Archive.open(bundled_index), both[1], load_nlp()).ask("How many people were injured?")
    assert answer == on_torch.to_dict()


def test_an_ingest_embeds_on_onnx_without_torch_and_stores_torchs_vectors(tmp_path, both):
    """An ingest in process runs the exported model (about two thirds of torch's CPU a sentence):
    torch is never imported once the export is cached, and every stored vector is torch's as the
    index keeps it (float16): the same number, or where the two runtimes' 1e-7 straddles a
    rounding edge, a float16 that difference away (one step beside it, or a few steps for a
    figure near zero, where float16's steps are finer than 1e-7: 6.19e-05 against 6.18e-05)."""
    export_onnx(both[0].name)
    code = ("import json, sys\nfrom index.ingest import ingest\n"
            f"r = ingest([{str(ROOT / 'data' / 'articles')!r}], {str(tmp_path / 'index')!r})\n"
            "print(json.dumps([r.ok, sorted(m for m in ('torch', 'sentence_transformers') if m in sys.modules)]))")
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    ok, heavy = json.loads(out.stdout.strip().splitlines()[-1])
    assert ok and heavy == []
    store = SentenceStore.open(tmp_path / "index")
    texts = [s.text for s in store.sentences]
    reference = both[1].encode(texts)
    assert len(store.sentences) > 100
    runtimes = np.abs(both[0].encode(texts) - reference).max()   # what the two runtimes differ by here
    assert runtimes <= ONNX_TOLERANCE
    rounded = reference.astype(np.float16)
    gap = np.abs(store.vectors - rounded.astype(np.float32))
    assert (gap <= np.spacing(np.abs(rounded)).astype(np.float32) + runtimes).all()
    assert (gap == 0).mean() > 0.99


def test_both_runtimes_know_the_same_whole_words(both):
    words = {"football": True, "boxing": True, "Violin": True, "footballe": False, "cycl": False, "": False,
             "ice hockey": False, "3rd": False}
    for embedder in both:
        assert {w: embedder.knows_word(w) for w in words} == words, embedder.runtime


def test_a_cache_that_cannot_be_written_is_named_with_the_fix(tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("CLAIMQA_CACHE", str(blocked))
    from index.embedding import OnnxUnsupported

    with pytest.raises(OnnxUnsupported, match=r"a-file/onnx/\w+: cannot keep the ONNX export there \(.+\); "
                                              r"set CLAIMQA_CACHE to a writable folder$"):
        export_onnx("all-MiniLM-L6-v2")


def _shapes_of_calls(onnx, texts: list[str]) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The vectors of one `encode` call and the (rows, tokens) of each model call it made."""
    session, shapes = onnx._onnx.session, []
    run = session.run

    class Recording:   # InferenceSession.run is read-only: wrap the session
        def run(self, names, feed):
            shapes.append(feed["input_ids"].shape)
            return run(names, feed)

    onnx._onnx.session = Recording()
    try:
        return onnx.encode(texts), shapes
    finally:
        onnx._onnx.session = session


def test_a_list_of_texts_runs_in_sorted_batches_with_the_vectors_of_texts_one_by_one(both):
    """Texts of unlike token length run in batches of like length, each padded to its own longest
    text: less padding than one batch, and the same vectors, bit for bit."""
    onnx = both[0]
    texts = ([f"a{i}" for i in range(16)] + ["How many passengers were on the ferry when it sank off the "
                                            "cape in the storm of last winter?"] + ["ferry", "court"]) * 2
    alone = np.stack([onnx.encode([t])[0] for t in texts])
    together, shapes = _shapes_of_calls(onnx, texts)
    assert together.dtype == alone.dtype and np.array_equal(together, alone)
    assert sum(n for n, _ in shapes) == len(texts) and len(shapes) > 1
    widest = max(w for _, w in shapes)
    assert sum(n * w for n, w in shapes) < len(texts) * widest / 2   # the short texts are not padded to the long


def test_a_question_gathered_with_short_words_is_not_padded_with_them(both):
    """A gathered call of fewer than 16 texts, a question and the words a fit compares: the
    question runs in a call of its own, the words apart from it (a call of 16 rows padded to the
    question's 20 tokens costs twice the calls without), with the vectors of each text alone."""
    onnx = both[0]
    question = "According to the articles, how many people were killed in the January 4 strike?"
    words = ["killed", "injured", "hurt", "wounded", "died", "said", "attacked", "struck", "hit", "lost",
             "destroyed", "damaged", "a kind of weapon", "a kind of vehicle", "the strike"]
    texts = [question] + words
    together, shapes = _shapes_of_calls(onnx, texts)
    assert np.array_equal(together, np.stack([onnx.encode([t])[0] for t in texts]))
    assert sum(n for n, _ in shapes) == len(texts) and (1, len(onnx._onnx.tokenizer.encode(question).ids)) in shapes
    assert max(w for n, w in shapes if n > 1) < 8


def test_texts_are_cut_into_the_calls_that_cost_least():
    """`batches` finds the cheapest cut of the texts sorted by length (checked against every cut of
    up to 9 texts), keeps every text once, and one call for texts of one length."""
    import itertools
    import random

    from index.embedding import BatchCost, batches

    cost = BatchCost()
    rng = random.Random(7)
    for _ in range(200):
        lengths = [rng.choice([3, 3, 4, 5, 9, 14, 18, 22, 35]) for _ in range(rng.randint(1, 9))]
        parts = batches(lengths, cost)
        assert sorted(i for p in parts for i in p) == list(range(len(lengths)))
        found = sum(cost(len(p), max(lengths[i] for i in p)) for p in parts)
        ordered = sorted(lengths)
        cheapest = min(sum(cost(b - a, ordered[b - 1]) for a, b in zip((0, *cuts), (*cuts, len(ordered))))
                       for k in range(len(ordered)) for cuts in itertools.combinations(range(1, len(ordered)), k))
        assert found == pytest.approx(cheapest)
    assert batches([7] * 40, cost) == [list(range(40))] and batches([], cost) == []
