"""A bounded load on the real app: 200 concurrent /ask requests, every question different, all
well-formed, none failing, each answered as the library answers it alone. Times are not asserted
here: bench/app_load.py measures them."""
from __future__ import annotations

import asyncio
import json
import random
from pathlib import Path

import httpx

from test_app import copy_index, server  # noqa: F401  (server: the app on a copy of the bundled index, one per module)

ROOT = Path(__file__).resolve().parent.parent
CONCURRENT = 200
LEAD_INS = ["", "According to the articles, ", "In the reports, ", "Tell me: "]


def distinct_questions(count: int) -> list[str]:
    gold = [json.loads(line)["question"] for line in (ROOT / "eval" / "gold.jsonl").open() if line.strip()]
    found = list(dict.fromkeys(lead + (q[0].lower() + q[1:] if lead else q) for lead in LEAD_INS for q in gold))
    assert len(found) >= count
    return found[:count]


async def ask_all(url: str, questions: list[str]) -> list:
    # A connection per request, as 200 separate clients would open: a pooled connection that the
    # server closed after its keep-alive timeout fails the next request sent on it (httpx does not
    # retry a POST), which is the client's race, not the app's.
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=url, timeout=600, limits=limits) as client:
        async def ask(question: str):
            posted = await client.post("gradio_api/call/ask", json={"data": [question]})
            posted.raise_for_status()
            stream = (await client.get(f"gradio_api/call/ask/{posted.json()['event_id']}")).text
            kind = None
            for line in stream.splitlines():
                if line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("data: ") and kind in {"complete", "error"}:
                    return kind, json.loads(line[6:])
            return "nothing", stream[:200]

        return await asyncio.gather(*[ask(q) for q in questions], return_exceptions=True)


def test_two_hundred_different_questions_at_once_all_answered_as_alone(server):
    questions = distinct_questions(CONCURRENT)
    results = asyncio.run(ask_all(server.url, questions))

    failed = [(q, r) for q, r in zip(questions, results) if not (isinstance(r, tuple) and r[0] == "complete")]
    assert failed == [], f"{len(failed)} of {CONCURRENT} failed, first: {failed[:1]}\n{server.output()[-2000:]}"
    answers = [r[1][0] for r in results]
    assert [a["question"] for a in answers] == questions

    # Load changes nothing: a sample answered by the library alone, in this process, is the same.
    from qa.stories import StoryAnswerer

    alone = StoryAnswerer.open(server.index_dir)
    for i in random.Random(13).sample(range(CONCURRENT), 12):
        assert answers[i] == json.loads(json.dumps(alone.ask(questions[i]).to_dict())), questions[i]
    assert server.process.poll() is None


def test_a_session_builds_only_the_component_configs_it_reads_and_they_are_gradio_s(bundled_index, tmp_path):
    """Every API call is a new Gradio session; it must not build the whole page's configs, and a
    config it does build is the one Gradio would have."""
    import app
    from gradio.state_holder import SessionState

    library = app.Library(copy_index(bundled_index, tmp_path), tmp_path / "uploads")
    demo = app.build(library)
    assert app.defer_session_configs(demo)
    eager = {k: demo.default_config.config_for_block(k, [], v) for k, v in demo.default_config.blocks.items()
             if k in demo.blocks}
    assert len(eager) > 30

    session = SessionState(demo)
    assert dict.__len__(session.config_values) == 0
    some = sorted(eager)[len(eager) // 2]
    session._update_value_in_config(some, "a value")   # what a call does for its input and output
    assert dict.__len__(session.config_values) == 1
    assert session.config_values[some]["props"].get("value") == "a value" or "props" not in eager[some]
    assert some in session.config_values and -1 not in session.config_values
    rest = dict(session.config_values.items())   # what a deep link reads: all of them
    assert {k: v for k, v in rest.items() if k != some} == {k: v for k, v in eager.items() if k != some}
    assert set(rest) == set(eager) and len(session.config_values) == len(eager)


def test_the_json_route_answers_as_ask_and_refuses_with_the_reason(server):
    question = "How many people were hurt in the attack?"
    with httpx.Client(base_url=server.url, timeout=120) as client:
        plain = client.post("api/ask", json={"question": question})
        assert plain.status_code == 200 and plain.headers["content-type"] == "application/json"
        posted = client.post("gradio_api/call/ask", json={"data": [question]}).json()
        stream = client.get(f"gradio_api/call/ask/{posted['event_id']}").text
        gradio = json.loads(stream.split("event: complete\ndata: ", 1)[1].split("\n", 1)[0])[0]
        assert plain.json() == gradio

        empty = client.post("api/ask", json={"question": "   "})
        assert empty.status_code == 400 and empty.json()["error"].startswith("the question is empty")
        unknown = client.post("api/ask", json={"question": question, "story": "no-such-story"})
        assert unknown.status_code == 400 and "no-such-story: no such story" in unknown.json()["error"]
        for body, field in [({"q": question}, "question"), ({"question": question, "story": 3}, "story")]:
            bad = client.post("api/ask", json=body)
            assert bad.status_code == 422 and bad.json()["error"].startswith(f"{field}: "), bad.text
        broken = client.post("api/ask", content=b"{not json", headers={"Content-Type": "application/json"})
        assert broken.status_code == 400 and "not JSON" in broken.json()["error"]


def answer_workers(pid: int) -> list[int]:
    children = [int(c) for task in Path(f"/proc/{pid}/task").iterdir()
                for c in (task / "children").read_text().split()]
    return [c for c in children if "qa.workers" in Path(f"/proc/{c}/cmdline").read_text()]


def test_api_questions_are_answered_in_two_worker_processes(server):
    assert len(answer_workers(server.process.pid)) == 2


def test_the_workers_stop_when_the_app_is_killed(bundled_index, tmp_path):
    import os
    import signal
    import time

    from test_app import AppServer

    app = AppServer(copy_index(bundled_index, tmp_path), tmp_path / "uploads", tmp_path / "app.log", "--workers", "1")
    try:
        app.wait()
        workers = answer_workers(app.process.pid)
        assert len(workers) == 1
        os.kill(app.process.pid, signal.SIGKILL)   # no clean-up code runs: the closed socket stops the worker
        app.process.wait(30)
        deadline = time.monotonic() + 30
        while Path(f"/proc/{workers[0]}").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not Path(f"/proc/{workers[0]}").exists() or "Z" in Path(f"/proc/{workers[0]}/stat").read_text().split()[2]
    finally:
        app.stop()


def test_the_app_puts_its_start_up_objects_out_of_the_collector_s_reach_before_it_serves(bundled_index, tmp_path):
    """What the app loads at start (Gradio, the chat's models, the page) lives as long as it does: a
    full collection under load must not traverse it again (gc.freeze once the server is up)."""
    import subprocess
    import sys

    from test_app import free_port

    script = ("import gc, sys, gradio, app\n"
              "def report(self):\n"
              "    print('frozen', gc.get_freeze_count(), flush=True)\n"
              "    self.close()\n"
              "gradio.Blocks.block_thread = report\n"
              "app.main(sys.argv[1:])\n")
    done = subprocess.run([sys.executable, "-c", script, "--port", str(free_port()), "--workers", "0",
                           "--index", str(copy_index(bundled_index, tmp_path)), "--uploads", str(tmp_path / "uploads")],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    frozen = [int(line.split()[1]) for line in done.stdout.splitlines() if line.startswith("frozen ")]
    assert frozen and frozen[0] > 300_000, done.stdout[-2000:] + done.stderr[-2000:]


def test_the_json_route_refuses_a_question_that_is_not_text_in_one_clear_line(server):
    with httpx.Client(base_url=server.url, timeout=120) as client:
        for body, field in [({"question": "How many \ud800 died?"}, "question"),
                            ({"question": "How many died?", "story": "\udfff"}, "story")]:
            bad = client.post("api/ask", content=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
            assert bad.status_code == 400, bad.text
            said = bad.json()["error"]
            assert said.startswith(f"{field}: ") and "surrogate" in said and "codec" not in said, said
