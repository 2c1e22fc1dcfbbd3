"""The web chat end to end: the real `python app.py` server, the real pipeline, asked through gradio_client."""
from __future__ import annotations

import concurrent.futures
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
KILLED = "How many people were killed in the January 4 strike?"
SPOKESMAN = "Who is the Pentagon spokesman?"
XSS = "<img src=x onerror=alert(1)>"
XSS_SHOWN = "&lt;img src=x onerror=alert(1)&gt;"

# An article no bundled outlet could have written: once uploaded, only it can answer about the bridge.
BRIDGE_ARTICLE = """Zorvath Bridge collapse kills 17 in Lakeport

LAKEPORT, March 3, 2024 -- The Zorvath Bridge over the Quill River collapsed on Sunday morning, killing 17 people, officials said.
Rescue teams pulled 40 survivors from the water, the city's fire chief said.
A witness said a sign on the bridge read <img src=x onerror=alert(1)> before it fell.
Engineers had warned in 2021 that the bridge's steel cables were corroded.
"""
BRIDGE_MANIFEST = "file,outlet,published,title,url\nzorvath.txt,Lakeport Ledger,2024-03-03,Zorvath Bridge collapse kills 17,\n"
BRIDGE_QUESTION = "How many people were killed when the Zorvath Bridge collapsed?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """`python app.py` in a subprocess on a free port; `url`, a gradio_client `client()`, `stop()`."""

    def __init__(self, index_dir: Path, uploads_dir: Path, log: Path, *options: str):
        self.index_dir, self.uploads_dir, self.log_path = index_dir, uploads_dir, log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = dict(os.environ, GRADIO_ANALYTICS_ENABLED="False", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
                   PYTHONUNBUFFERED="1")
        env.pop("CLAIMQA_INDEX", None)
        self._log = open(log, "w")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(self.port),
             "--index", str(index_dir), "--uploads", str(uploads_dir), *options],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    def wait(self, timeout: float = 240) -> float:
        """Seconds from start until the page answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"app.py exited with {self.process.returncode}:\n{self.output()}")
            try:
                if httpx.get(self.url, timeout=2).status_code == 200:
                    return time.perf_counter() - self.started
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        raise AssertionError(f"app.py did not answer on {self.url} within {timeout} s:\n{self.output()}")

    def output(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def client(self):
        from gradio_client import Client

        return Client(self.url, verbose=False, analytics_enabled=False)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def copy_index(bundled_index: Path, folder: Path) -> Path:
    target = folder / "index"
    shutil.copytree(bundled_index, target, ignore=shutil.ignore_patterns(".lock"))
    return target


def index_state(index_dir: Path) -> tuple[int, list[tuple[str, str, int]]]:
    """What a reader of the index sees: its generation and its documents."""
    from index import SentenceStore

    store = SentenceStore.open(index_dir)
    return store.generation, [(d.doc_id, d.content_hash, d.sentences) for d in store.documents]


@pytest.fixture(scope="module")
def server(bundled_index, tmp_path_factory):
    folder = tmp_path_factory.mktemp("app")
    app = AppServer(copy_index(bundled_index, folder), folder / "uploads", folder / "app.log")
    app.wait()
    yield app
    app.stop()


@pytest.fixture(scope="module")
def client(server):
    return server.client()


def doc_ids(answer: dict) -> list[str]:
    return [s["doc_id"] for s in answer["sources"]]


# -- the API ------------------------------------------------------------------------------------

def test_ask_returns_the_contract_answer(client, server):
    answer = client.predict(KILLED, api_name="/ask")

    assert answer["question"] == KILLED
    assert len(answer["sources"]) >= 4, doc_ids(answer)
    assert answer["disagreement"]["flag"] is True
    values = answer["disagreement"]["values"]
    assert len(values) >= 2 and all(v["value"] and v["doc_ids"] for v in values)
    cited = set(doc_ids(answer))
    assert {d for v in values for d in v["doc_ids"]} <= cited | set(answer["not_mentioned"])
    # Every citation is a real sentence of its document, word for word.
    from index import SentenceStore

    store = SentenceStore.open(server.index_dir)
    for source in answer["sources"]:
        assert set(source) >= {"doc_id", "outlet", "published", "answer", "citations"}
        assert [c["n"] for c in source["citations"]] and all(isinstance(c["score"], float) for c in source["citations"])
        for citation in source["citations"]:
            sentence = store.sentence(citation["sentence_id"])
            assert (sentence.doc_id, sentence.text) == (source["doc_id"], citation["text"])
    numbers = [c["n"] for s in answer["sources"] for c in s["citations"]]
    assert len(numbers) == len(set(numbers))
    assert not cited & set(answer["not_mentioned"])


def test_api_is_the_library_answer(client, server):
    """The endpoint adds nothing and drops nothing: it is qa's answer object as JSON."""
    from qa.stories import StoryAnswerer

    expected = json.loads(json.dumps(StoryAnswerer.open(server.index_dir).ask(SPOKESMAN).to_dict()))
    assert client.predict(SPOKESMAN, api_name="/ask") == expected


def test_blank_question_is_refused_with_a_reason(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as error:
        client.predict("   ", api_name="/ask")
    assert str(error.value).strip()


# -- the chat page's HTML ----------------------------------------------------------------------

def chat(client, message: str, history: list | None = None, story: str = "") -> tuple[list, str]:
    """One turn of the chat endpoint, asked within `story` as the page's Story picker has it ("":
    any): (history, the assistant's HTML)."""
    history, _pending, _wait_note, _picker = client.predict(message, history or [], story, api_name="/chat")
    return history, history[-1]["content"]


def text_of(content) -> str:
    """A chat message's text, whatever shape the client hands it back in."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or content.get("value") or content)
    return "".join(text_of(part) for part in content)


def test_chat_shows_banner_cards_citations_in_order(client):
    history, reply = chat(client, KILLED)
    reply = text_of(reply)
    order = [reply.find(marker) for marker in ('class="cq-banner"', 'class="cq-summary"', 'class="cq-card"',
                                               'class="cq-missing"')]
    assert -1 not in order[:3], reply[:500]
    assert order == sorted(o for o in order if o != -1) + [-1] * order.count(-1)
    assert reply.count('class="cq-card"') >= 4
    assert reply.count('<mark class="cq-hit">') == reply.count('class="cq-cite"') >= 4
    assert "\n\n" not in reply   # one HTML block: Markdown must not reinterpret it
    # Each card marks its short answer in the cited sentences that state it, word for word.
    for card in reply.split('class="cq-card"')[1:]:
        pills = {p.lower() for p in re.findall(r'<span class="cq-pill">([^<]+)</span>', card)}
        marked = {m.lower() for m in re.findall(r'<mark class="cq-val">([^<]+)</mark>', card)}
        assert pills and marked and marked <= pills, card[:400]


def test_question_with_markup_is_shown_as_text(client):
    history, reply = chat(client, f"Who was killed {XSS}?")
    question = text_of(history[-2]["content"])
    assert XSS_SHOWN in question and XSS not in question
    assert "<img" not in text_of(reply)


def test_follow_up_takes_the_previous_question_s_subject(client):
    history, _ = chat(client, KILLED)
    history, reply = chat(client, "and the injured?", history)
    shown = text_of(history[-2]["content"])
    assert "asked as: How many people were injured in the January 4 strike?" in shown
    reply = text_of(reply)
    assert reply.count('class="cq-card"') >= 2
    assert "injur" in reply.lower() or "wound" in reply.lower()


# -- uploads -------------------------------------------------------------------------------------

def upload(client, *paths: Path) -> str:
    from gradio_client import handle_file

    report, _sources, _files = client.predict([handle_file(str(p)) for p in paths], api_name="/upload")
    return report


@pytest.mark.parametrize("name, content, reason", [
    ("notes.pdf", b"%PDF-1.4 not an article", "not an article type"),
    ("prices.csv", b"a,b\n1,2\n", "the only .csv accepted is sources.csv"),
    ("huge.txt", b"The strike killed two people. " * 80_000, "over the 2 MB limit"),
    ("broken.txt", bytes(range(256)) * 40, "broken.txt: "),
    ("empty.md", b"", "empty"),
    ("sources.csv", b"file,outlet\nnowhere.txt,Nobody\n", "the manifest was not saved"),
    ("nyt.txt", b"A different text under a bundled article's name. It says nothing.", "belongs to an article indexed from articles"),
])
def test_refused_upload_says_why_and_leaves_the_index(client, server, tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    before = index_state(server.index_dir)

    report = upload(client, path)

    assert "refused: " in report and reason in report, report
    assert index_state(server.index_dir) == before
    assert not (server.uploads_dir / name).exists()


def test_add_with_no_file_is_a_notice_not_a_success(client):
    report = upload(client)
    assert 'class="cq-note"' in report and "no file was given" in report and "cq-good" not in report, report


def call_over_http(url: str, api_name: str, data: list) -> list:
    """Gradio's documented REST route: POST the inputs, then read the result from the event stream."""
    event = httpx.post(f"{url}gradio_api/call/{api_name}", json={"data": data}, timeout=30).json()["event_id"]
    stream = httpx.get(f"{url}gradio_api/call/{api_name}/{event}", timeout=120).text
    kind = None
    for line in stream.splitlines():
        if line.startswith("event: "):
            kind = line[7:].strip()
        elif line.startswith("data: ") and kind in {"complete", "error"}:
            assert kind == "complete", stream
            return json.loads(line[6:])
    raise AssertionError(f"no result in the event stream: {stream}")


def test_upload_name_cannot_leave_the_uploads_folder(client, server, tmp_path):
    """A multipart file name with ../ reaches Gradio as is; the file lands in the uploads folder or nowhere."""
    import app

    assert "may not contain a path" in app.check_name("../../escape.txt")
    assert "may not contain a path" in app.check_name("..\\escape.txt")
    with pytest.raises(ValueError):
        app.inside(tmp_path / "uploads", "../escape.txt")

    body = b"Escape Gazette reports that the Zorvath ferry sank near Lakeport on March 9, 2024, killing four."
    response = httpx.post(server.url + "gradio_api/upload", files={"files": ("../../../escape-gazette.txt", body)})
    assert response.status_code == 200, response.text
    uploaded = response.json()[0]
    # Called over plain HTTP so that the name reaches the app exactly as a hostile client sends it.
    file_data = {"path": uploaded, "orig_name": "../../../escape-gazette.txt", "meta": {"_type": "gradio.FileData"}}
    report = call_over_http(server.url, "upload", [[file_data]])[0]
    assert "escape-gazette" in report
    written = [p for p in server.index_dir.parent.parent.rglob("escape-gazette.txt")]
    assert all(p.parent == server.uploads_dir for p in written), written
    assert not (ROOT / "escape-gazette.txt").exists() and not (ROOT.parent / "escape-gazette.txt").exists()


def test_good_upload_is_searchable_at_once_while_others_ask(client, server, tmp_path):
    (tmp_path / "zorvath.txt").write_text(BRIDGE_ARTICLE)
    (tmp_path / "sources.csv").write_text(BRIDGE_MANIFEST)
    bundled = {d for d, _, _ in index_state(server.index_dir)[1]}

    # Others keep asking while the upload is ingested: each gets a whole answer from one snapshot.
    answers, errors, stop = [], [], threading.Event()

    def keep_asking() -> None:
        asker = server.client()
        while not stop.is_set():
            try:
                answers.append(asker.predict(KILLED, api_name="/ask"))
            except Exception as error:  # noqa: BLE001 - any failure is the finding
                errors.append(error)

    askers = [threading.Thread(target=keep_asking) for _ in range(2)]
    for thread in askers:
        thread.start()
    try:
        report = upload(client, tmp_path / "zorvath.txt", tmp_path / "sources.csv")
    finally:
        stop.set()
        for thread in askers:
            thread.join(60)
    assert "added: zorvath" in report and "refused: " not in report, report
    assert not errors, errors
    assert answers and all(len(a["sources"]) >= 4 and a["disagreement"]["flag"] for a in answers)

    answer = client.predict(BRIDGE_QUESTION, api_name="/ask")
    assert answer["sources"][0]["doc_id"] == "zorvath"
    assert answer["sources"][0]["outlet"] == "Lakeport Ledger"
    assert "17" in answer["sources"][0]["citations"][0]["text"]
    assert {d for d, _, _ in index_state(server.index_dir)[1]} == bundled | {"zorvath"}
    assert (server.uploads_dir / "zorvath.txt").is_file()

    # The article's markup comes back as characters in the chat, in the sentence and in its context.
    _, reply = chat(client, "What did the sign on the Zorvath Bridge read?")
    reply = text_of(reply)
    assert XSS_SHOWN in reply and "<img" not in reply


FERRY_ARTICLE = """Ferry capsizes off Dunmore Point, 12 missing

DUNMORE, June 2, 2024 -- The ferry Saint Brendan capsized off Dunmore Point on Sunday, and 12 passengers are missing, the coast guard said.
Rescuers pulled 31 people from the sea after the ferry overturned in high winds.
The ferry was carrying 43 passengers and crew when it left Dunmore harbour.
"""
FERRY_QUESTION = "How many passengers are missing after the ferry capsized?"


def test_an_uploaded_story_stands_apart_and_can_be_removed_from_the_page(client, server, tmp_path):
    (tmp_path / "dunmore-ferry.txt").write_text(FERRY_ARTICLE)
    report = upload(client, tmp_path / "dunmore-ferry.txt")
    assert "added: dunmore-ferry" in report, report
    bundled = {"afp", "nyt", "the-national", "upi", "washington-post"}

    # The ferry answer is the ferry story's alone: no strike outlet is listed as silent on it.
    ferry = client.predict(FERRY_QUESTION, api_name="/ask")
    assert [s["doc_id"] for s in ferry["sources"]] == ["dunmore-ferry"] and ferry["not_mentioned"] == []
    strike = client.predict(KILLED, api_name="/ask")
    assert strike["story_id"] != ferry["story_id"]
    assert set(doc_ids(strike)) | set(strike["not_mentioned"]) <= bundled
    # The chat says which story the answer is from; the page lists the stories.
    _, reply = chat(client, KILLED)
    assert "Answered within story" in text_of(reply)
    from index import SentenceStore

    assert SentenceStore.open(server.index_dir).story(ferry["story_id"]).doc_ids == ("dunmore-ferry",)

    # Only an upload can be removed; a bundled article stays.
    refused, sources, _ = client.predict("afp", api_name="/remove")
    assert "refused: afp: not an uploaded article" in refused
    assert "afp" in {d for d, _, _ in index_state(server.index_dir)[1]}
    removed, sources, _ = client.predict("dunmore-ferry", api_name="/remove")
    assert "removed: dunmore-ferry" in removed
    assert "Dunmore" not in sources and not (server.uploads_dir / "dunmore-ferry.txt").exists()
    assert "dunmore-ferry" not in {d for d, _, _ in index_state(server.index_dir)[1]}
    assert "dunmore-ferry" not in doc_ids(client.predict(FERRY_QUESTION, api_name="/ask"))
    again, _, _ = client.predict("dunmore-ferry", api_name="/remove")
    assert again.count("refused: dunmore-ferry") == 1


# -- the Story picker ----------------------------------------------------------------------------

QUARRY_ARTICLE = """Blast at Keld quarry injures nine

KELD, April 9, 2024 -- An explosion at the Keld limestone quarry injured nine workers on Tuesday, the quarry's owner said.
Two of the injured workers were flown to hospital in Carrick, the ambulance service said.
"""
# A headline is the story's title: markup in it is characters, in the menu and in the chat.
QUARRY_TITLE = f"Keld quarry blast {XSS} **x**"
QUARRY_MANIFEST = f'file,outlet,published,title,url\nkeld-quarry.txt,Carrick Echo,2024-04-09,"{QUARRY_TITLE}",\n'
QUARRY_QUESTION = "How many workers were injured in the quarry explosion?"


def story_menu(server, picked: str = "") -> tuple[dict, str]:
    """The Story picker as a page loading now gets it (its update: choices, value) and the line under it."""
    update, note = call_over_http(server.url, "stories", [picked])
    return update, note if isinstance(note, str) else ""


def test_the_story_picker_lists_the_stories_follows_an_upload_and_asks_within_the_picked_one(client, server, tmp_path):
    from index import Archive

    menu, note = story_menu(server)
    assert menu["choices"][0] == ["Any story (the one the question is about)", ""] and "value" not in menu
    stories = Archive.open(server.index_dir).stories
    assert sorted(value for _, value in menu["choices"][1:]) == sorted(s.story_id for s in stories)

    (tmp_path / "keld-quarry.txt").write_text(QUARRY_ARTICLE)
    (tmp_path / "sources.csv").write_text(QUARRY_MANIFEST)
    assert "added: keld-quarry" in upload(client, tmp_path / "keld-quarry.txt", tmp_path / "sources.csv")

    menu, _ = story_menu(server)
    archive = Archive.open(server.index_dir)
    quarry = archive.story(archive.story_of("keld-quarry"))
    label = dict((value, label) for label, value in menu["choices"])[quarry.story_id]
    assert label.startswith(QUARRY_TITLE + " — ") and "1 article," in label and "Apr 9, 2024" in label
    assert menu["choices"][1][1] == quarry.story_id   # the newest story first

    # Picked: the answer is that story's alone, and the question says where it was asked, as text.
    history, reply = chat(client, "How many people were injured?", story=quarry.story_id)
    question = text_of(history[-2]["content"])
    assert f"asked within: Keld quarry blast {XSS_SHOWN} **x**" in question and XSS not in question
    assert re.findall(r'data-doc="([^"]+)"', text_of(reply)) == ["keld-quarry"]
    # A follow-up stays within it.
    history, reply = chat(client, "and the killed?", history, story=quarry.story_id)
    assert "asked within: Keld quarry blast" in text_of(history[-2]["content"])
    assert set(re.findall(r'data-doc="([^"]+)"', text_of(reply))) <= {"keld-quarry"}
    # Any story: the question's own story, the bundled one.
    _, reply = chat(client, "How many people were injured?")
    assert "keld-quarry" not in text_of(reply) and 'data-doc="afp"' in text_of(reply)

    # Removed while picked: the menu goes back to any, saying so in a line, the title as text.
    assert "removed: keld-quarry" in client.predict("keld-quarry", api_name="/remove")[0]
    menu, note = story_menu(server, quarry.story_id)
    assert menu["value"] == "" and quarry.story_id not in [value for _, value in menu["choices"]]
    assert f"“Keld quarry blast {XSS_SHOWN} **x**” ({quarry.story_id}), is no longer in the index" in note
    assert XSS not in note
    history, reply = chat(client, "How many people were injured?", story=quarry.story_id)
    assert "is no longer in the index" in text_of(history[-2]["content"]) and 'data-doc="afp"' in text_of(reply)


# -- load ----------------------------------------------------------------------------------------

def test_twenty_questions_at_once_are_all_answered_correctly(client):
    questions = [KILLED, SPOKESMAN, "How many people were injured?", "Who was the commander killed in the strike?"]
    expected = {q: client.predict(q, api_name="/ask") for q in questions}
    asked = [questions[i % len(questions)] for i in range(20)]

    started = time.perf_counter()
    jobs = [client.submit(q, api_name="/ask") for q in asked]
    results = [job.result(timeout=120) for job in jobs]
    seconds = time.perf_counter() - started

    for question, result in zip(asked, results):
        assert result == expected[question], question
    assert all(len(r["sources"]) >= 4 and r["disagreement"]["flag"] for q, r in zip(asked, results) if q == KILLED)
    print(f"20 concurrent questions answered in {seconds:.2f} s")


def test_twenty_clients_at_once(server):
    """Twenty separate clients (twenty sessions), not one client's twenty jobs."""
    def ask(_: int) -> dict:
        return server.client().predict(KILLED, api_name="/ask")

    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        results = list(pool.map(ask, range(20)))
    assert all(len(r["sources"]) >= 4 and r["disagreement"]["flag"] for r in results)
    assert len({str(r) for r in results}) == 1


# -- first start ---------------------------------------------------------------------------------

def test_first_start_builds_the_index_then_serves(tmp_path):
    app = AppServer(tmp_path / "fresh-index", tmp_path / "uploads", tmp_path / "app.log")
    try:
        first = app.wait()
        output = app.output()
        assert "building it from" in output and "5 added" in output, output
        answer = app.client().predict(KILLED, api_name="/ask")
        assert len(answer["sources"]) >= 4
        assert (tmp_path / "fresh-index" / ".claimqa-app.json").is_file()
    finally:
        app.stop()
    # stopped by SIGTERM (as `kill`, docker and systemd stop it): its announcement is withdrawn
    assert not (tmp_path / "fresh-index" / ".claimqa-app.json").exists()
    again = AppServer(tmp_path / "fresh-index", tmp_path / "uploads", tmp_path / "again.log")
    try:
        later = again.wait()
        assert "building" not in again.output()
    finally:
        again.stop()
    print(f"first start (index build included): {first:.1f} s; later start: {later:.1f} s")
