"""The archive at scale: append-only vector shards, approximate search, reading by id."""
from __future__ import annotations

import shutil
import sqlite3

import numpy as np
import pytest

from conftest import BUNDLED_IDS
from index import ingest
from index import store as store_module
from index import vectors
from index.store import Archive, SentenceStore
from index.vectors import Segment, Shard, ShardSet, VectorSettings

SMALL = VectorSettings(exact_up_to=0, segment=1500, merge_at=2, nlist=16, pq_bytes=8, train_size=3000, nprobe=8,
                       rerank=80)


def clustered(n: int, dim: int, seed: int) -> np.ndarray:
    """Unit vectors around 40 centres, as sentences of many stories sit around their topics."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(40, dim))
    rows = centres[rng.integers(0, 40, n)] + 0.35 * rng.normal(size=(n, dim))
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def test_search_over_segments_and_tail_finds_what_exact_search_finds(tmp_path):
    dim, per_shard = 32, 1000
    data = clustered(6000, dim, seed=1)
    shards = []
    for number in range(6):   # sentence ids 1..6000, in six shards
        vectors.write_shard(tmp_path, number, data[number * per_shard:(number + 1) * per_shard])
        shards.append(Shard(number, 1 + number * per_shard, per_shard))
    vectors.train_template(tmp_path, "template.faiss", shards[:3], dim, SMALL)
    first = vectors.write_segment(tmp_path, "a.faiss", "template.faiss", shards[:2], dim)
    second = vectors.write_segment(tmp_path, "b.faiss", "template.faiss", shards[2:4], dim)
    # Merging moves the lists of earlier segments into a new one without encoding them again.
    merged = vectors.write_segment(tmp_path, "c.faiss", "template.faiss", [shards[4]], dim,
                                   [Segment("a.faiss", 1), Segment("b.faiss", 3)])
    assert first.exists() and second.exists() and merged.exists()
    layouts = {
        "segments and a tail": [Segment("a.faiss", 1), Segment("b.faiss", 3)],
        "merged and a tail": [Segment("c.faiss", 4)],
    }
    queries = clustered(40, dim, seed=2)
    for name, segments in layouts.items():
        found = ShardSet(tmp_path, dim, shards, segments, SMALL)
        assert found.tail == shards[segments[-1].upto + 1:], name
        scores, ids = found.search(queries, 10)
        exact_scores, exact_ids = found.exact_search(queries, 10)
        recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ids.tolist(), exact_ids.tolist())])
        assert recall >= 0.9, (name, recall)
        # Scores are exact (re-scored from the shards), so a hit both found has one score.
        both = ids[:, 0] == exact_ids[:, 0]
        assert np.allclose(scores[both, 0], exact_scores[both, 0], atol=1e-3)
        assert ids.min() >= 1 and ids.max() <= 6000
    # Vectors are read back by sentence id, across shards, in the order asked.
    got = ShardSet(tmp_path, dim, shards, [], SMALL).vectors([5999, 1, 2500])
    assert np.allclose(got, data[[5998, 0, 2499]], atol=1e-3)
    with pytest.raises(KeyError):
        ShardSet(tmp_path, dim, shards, [], SMALL).vectors([6001])




def test_the_rerank_grows_with_the_vectors_a_segment_holds(tmp_path):
    """Near-copies crowd the approximate top hits (PQ cannot order them); more of them are scored
    again exactly as the segment grows, so recall holds."""
    from dataclasses import replace

    dim = 32
    originals = clustered(600, dim, seed=5)
    rng = np.random.default_rng(6)
    copies = np.repeat(originals, 10, axis=0) + 0.04 * rng.normal(size=(6000, dim)).astype(np.float32)
    data = (copies / np.linalg.norm(copies, axis=1, keepdims=True)).astype(np.float32)
    shards = [Shard(n, 1 + n * 1000, 1000) for n in range(6)]
    for shard in shards:
        vectors.write_shard(tmp_path, shard.number, data[shard.first - 1:shard.first - 1 + shard.count])
    vectors.train_template(tmp_path, "template.faiss", shards, dim, SMALL)
    vectors.write_segment(tmp_path, "all.faiss", "template.faiss", shards, dim)
    queries = clustered(30, dim, seed=7)

    def recall(settings):
        found = ShardSet(tmp_path, dim, shards, [Segment("all.faiss", 5)], settings)
        _, ids = found.search(queries, 20)
        _, exact = found.exact_search(queries, 20)
        return np.mean([len(set(a) & set(b)) / 20 for a, b in zip(ids.tolist(), exact.tolist())])

    fixed = recall(replace(SMALL, rerank=20, rerank_per_million=0))
    grown = recall(replace(SMALL, rerank=20, rerank_per_million=60_000))   # 360 of 6,000 vectors
    assert grown >= 0.95 and grown > fixed + 0.1, (fixed, grown)


def test_a_large_segment_probes_fewer_lists():
    settings = VectorSettings()
    assert settings.probes(1_000_000, 1024) == settings.nprobe == 64
    assert settings.probes(5_000_000, 1024) == 61                        # 300,000 vectors' worth of lists
    assert settings.probes(50_000_000, 1024) == settings.nprobe_min
    assert settings.probes(3_000, 16) == 16                               # never more lists than there are


def test_a_segment_of_coarser_codes_is_searched_as_it_was_tuned(tmp_path):
    """An index trained when codes were 48 bytes keeps its segments: more of their lists are
    probed and more of their hits scored again, as before, so its recall holds."""
    settings = VectorSettings()
    assert settings.for_code(settings.pq_bytes) is settings
    coarse = settings.for_code(48)
    assert coarse.probes(1_000_000, 1024) == 128 and coarse.probes(5_000_000, 1024) == 61
    assert coarse.reranked(1_000_000, 50) == 1500 and coarse.reranked(5_000_000, 50) == 6000
    dim = 32
    data = clustered(6000, dim, seed=8)
    shards = [Shard(n, 1 + n * 1000, 1000) for n in range(6)]
    for shard in shards:
        vectors.write_shard(tmp_path, shard.number, data[shard.first - 1:shard.first - 1 + shard.count])
    from dataclasses import replace

    older = replace(SMALL, pq_bytes=4)
    vectors.train_template(tmp_path, "template.faiss", shards, dim, older)
    vectors.write_segment(tmp_path, "all.faiss", "template.faiss", shards, dim)
    queries = clustered(30, dim, seed=9)
    now = replace(SMALL, rerank=20, coarse_nprobe=SMALL.nprobe, coarse_rerank=400, coarse_rerank_per_million=0)
    found = ShardSet(tmp_path, dim, shards, [Segment("all.faiss", 5)], now)
    _, ids = found.search(queries, 20)
    _, exact = found.exact_search(queries, 20)
    assert np.mean([len(set(a) & set(b)) / 20 for a, b in zip(ids.tolist(), exact.tolist())]) >= 0.95


def test_vectors_come_back_in_the_order_asked_with_repeats(tmp_path):
    dim = 16
    data = clustered(3000, dim, seed=3)
    shards = [Shard(0, 1, 1000), Shard(1, 1001, 1000), Shard(2, 2001, 1000)]
    for shard in shards:
        vectors.write_shard(tmp_path, shard.number, data[shard.first - 1:shard.first - 1 + shard.count])
    found = ShardSet(tmp_path, dim, shards, [], SMALL)
    asked = [2500, 7, 1001, 7, 3000, 1000, 2, 3, 4, 2500]   # across shards, out of order, repeated, runs
    assert np.array_equal(found.vectors(asked), data[np.asarray(asked) - 1].astype(np.float16).astype(np.float32))
    assert np.array_equal(found.vectors([5, 6, 7]), data[[4, 5, 6]].astype(np.float16).astype(np.float32))
    assert found.vectors([]).shape == (0, dim)
    for missing in ([0], [3001], [5, 3001]):
        with pytest.raises(KeyError):
            found.vectors(missing)


def _resident_file_kb() -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("RssFile:"))


def test_scattered_reads_leave_the_shard_out_of_resident_memory(tmp_path):
    """Rerank reads rows scattered over every shard; they must not make the shard files resident
    (pages of a memory map stay in the process's RSS once touched: 0.9 GB at 1M sentences)."""
    dim, count = 384, 60_000            # one 46 MB shard
    rng = np.random.default_rng(4)
    vectors.write_shard(tmp_path, 0, rng.normal(size=(count, dim)).astype(np.float16))
    found = ShardSet(tmp_path, dim, [Shard(0, 1, count)], [], SMALL)
    found.vectors([1])
    before = _resident_file_kb()
    for _ in range(60):                 # 60 questions of 1,500 hits: every page of the file is read
        found.vectors(np.unique(rng.integers(1, count + 1, 1500)))
    grown_mb = (_resident_file_kb() - before) / 1024
    assert grown_mb < 8, f"{grown_mb:.0f} MB of the {count * dim * 2 / 2**20:.0f} MB shard stayed resident"

def _files(folder):
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.stat().st_size)
            for p in (folder / "vectors").iterdir()}


def test_an_upload_appends_a_shard_and_rewrites_no_vector_file(index_copy, tmp_path):
    before = _files(index_copy)
    article = tmp_path / "new" / "harbour-news.txt"
    article.parent.mkdir()
    article.write_text("Harbour ferry runs aground\n\nA ferry ran aground near the harbour on Tuesday. "
                       "All forty passengers were taken ashore, the coastguard said.\n")
    report = ingest([article.parent], index_copy)
    assert report.added == ["harbour-news"]
    after = _files(index_copy)
    assert {name: after[name] for name in before} == before   # not one byte of an old file rewritten
    new = sorted(set(after) - set(before))
    assert len(new) == 1 and new[0].endswith(".f16")
    assert after[new[0]][2] == report.sentences * 384 * 2   # only the new sentences' vectors, float16
    store = SentenceStore.open(index_copy)
    assert sorted(d.doc_id for d in store.documents) == sorted(BUNDLED_IDS + ["harbour-news"])


def test_opening_and_answering_read_by_id_not_over_the_archive(index_copy, tmp_path, monkeypatch):
    """Opening reads no document or sentence; a question reads its story's rows and its hits'."""
    other = tmp_path / "other"
    other.mkdir()
    for n, town in enumerate(("Velmora", "Ostrick", "Pennard")):
        (other / f"valley-{n}.txt").write_text(
            f"Floods close roads in {town}\n\nHeavy rain flooded the valley road near {town} on Sunday. "
            f"About {20 + n} homes were evacuated, the council said. The river rose two metres overnight.\n")
    ingest([other], index_copy)
    statements: list[str] = []
    connect = store_module._connect

    def traced(path):
        conn = connect(path)
        conn.set_trace_callback(statements.append)
        return conn

    monkeypatch.setattr(store_module, "_connect", traced)
    archive = Archive.open(index_copy)
    over_all = [s for s in statements if ("FROM documents" in s or "FROM sentences" in s)
                and "WHERE" not in s and "LIMIT 1" not in s]
    assert statements and not over_all, over_all

    from qa.stories import StoryAnswerer
    from index import Embedder, load_nlp

    answerer = StoryAnswerer(archive, Embedder(archive.model, threads=1), load_nlp())
    statements.clear()
    answer = answerer.ask("How many homes were evacuated in the valley floods?")
    assert answer.sources and all(s.doc_id.startswith("valley-") for s in answer.sources)
    over_all = [s for s in statements if ("FROM documents" in s or "FROM sentences" in s) and "WHERE" not in s
                and "LIMIT 1" not in s]
    assert not over_all, over_all
    # The bundled story was never read into memory: only the flood story has an answerer.
    assert list(answerer._answerers) == [answer.story_id]
    assert set(answerer.answerer(answer.story_id).store._docs) == {f"valley-{n}" for n in range(3)}


def test_an_index_of_the_previous_layout_is_upgraded_in_place(index_copy):
    """Schema 2 kept every vector in SQLite and in one FAISS file; opening it moves them to a shard."""
    import faiss

    expected = SentenceStore.open(index_copy)
    conn = sqlite3.connect(index_copy / "claimqa.sqlite", isolation_level=None)
    conn.execute("BEGIN")
    conn.execute("ALTER TABLE sentences ADD COLUMN vector BLOB")
    flat = faiss.IndexIDMap2(faiss.IndexFlatIP(384))
    for s in expected.sentences:
        vector = expected.vectors[expected.row_of(s.sentence_id)]
        conn.execute("UPDATE sentences SET vector = ?, analysis = ? WHERE sentence_id = ?",
                     (vector.astype(np.float32).tobytes(), expected.analysis([s.sentence_id])[s.sentence_id].to_json(),
                      s.sentence_id))
    flat.add_with_ids(np.ascontiguousarray(expected.vectors), expected.sentence_ids)
    generation = expected.generation
    faiss.write_index(flat, str(index_copy / f"vectors-{generation}.faiss"))
    conn.execute("DELETE FROM shards")
    conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema'")
    conn.execute("COMMIT")
    conn.close()
    shutil.rmtree(index_copy / "vectors")

    upgraded = SentenceStore.open(index_copy)
    assert [s.text for s in upgraded.sentences] == [s.text for s in expected.sentences]
    assert np.allclose(upgraded.vectors, expected.vectors, atol=2e-4)
    first = upgraded.sentences[0].sentence_id
    assert upgraded.analysis([first]) == expected.analysis([first])
    with sqlite3.connect(index_copy / "claimqa.sqlite") as conn:
        columns = {r[1] for r in conn.execute("PRAGMA table_info(sentences)")}
        assert "vector" not in columns
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0] == "3"
    assert len(list((index_copy / "vectors").glob("*.f16"))) == 1


def test_a_stored_analysis_reads_back_exactly():
    """Analyses are stored as columns without the token texts (read back from the sentence)."""
    from index.analysis import analyse
    from index.store import decode_analysis, encode_analysis

    sentences = ["Dr. Ana Ruiz, 54, said the U.S.-led talks in São Paulo ended at 6:40 a.m. on May 3rd.",
                 "“We’re not leaving,” they   shouted — twice.",
                 "Prices rose 4.5% to £12.30 (about $15) in Q3 2024; 1,200 jobs went.",
                 "Ok"]
    stored_bytes = json_bytes = 0
    for sentence, analysis in zip(sentences, analyse(sentences)):
        stored = encode_analysis(analysis)
        assert decode_analysis(stored, sentence) == analysis
        stored_bytes += len(stored)
        json_bytes += len(analysis.to_json().encode())
    assert stored_bytes < json_bytes / 2


def test_a_name_word_too_many_documents_use_narrows_nothing(index_copy, tmp_path, monkeypatch):
    folder = tmp_path / "towns"
    folder.mkdir()
    for n, (town, other) in enumerate((("Velmora", "Ostrick"), ("Velmora", "Pennard"), ("Velmora", "Pennard"))):
        (folder / f"towns-{n}.txt").write_text(
            f"Market reopens in {town}\n\nThe covered market in {town} reopened on Monday after repairs, "
            f"traders from {other} said. {('Forty', 'Fifty', 'Sixty')[n]} stalls opened.\n")
    ingest([folder], index_copy)
    archive = Archive.open(index_copy)
    story = {d: archive.story_of(d) for d in ("towns-0", "towns-1", "towns-2")}
    monkeypatch.setattr(store_module, "NAMED_DOCUMENTS_MAX", 2)
    assert archive.naming({"velmora"}) == {}                  # three documents: more than two
    assert archive.naming({"ostrick"}) == {story["towns-0"]: 1}
    assert archive.naming({"pennard", "velmora"}) == {s: 1 for s in {story["towns-1"], story["towns-2"]}}
    monkeypatch.setattr(store_module, "NAMED_DOCUMENTS_MAX", 3)
    assert archive.naming({"velmora", "ostrick"})[story["towns-0"]] == 2
