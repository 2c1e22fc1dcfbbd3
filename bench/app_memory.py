"""Memory per request of the running web app: RSS of `python app.py` over many /ask requests.

    python bench/app_memory.py [--requests 1000] [--warmup 100] [--distinct]

Starts the real app on a fresh index of data/articles (in a temporary folder), asks the gold
set's questions over Gradio's REST route one after another, and reads the server's resident
memory (/proc/PID/status VmRSS) after the warm-up and at the end. The figure is the growth per
request after the warm-up. With --distinct every question is new (a counter is appended), so the
per-question caches fill instead of hitting.
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import httpx

from serving import serving

ROOT = Path(__file__).resolve().parent.parent


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def ask(url: str, question: str) -> None:
    event = httpx.post(f"{url}gradio_api/call/ask", json={"data": [question]}, timeout=60).json()["event_id"]
    stream = httpx.get(f"{url}gradio_api/call/ask/{event}", timeout=120).text
    if "event: complete" not in stream:
        raise RuntimeError(stream[:300])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--distinct", action="store_true")
    parser.add_argument("--every", type=int, default=0, help="also print RSS every N requests")
    parser.add_argument("--sessions", type=int, default=None, help="the app's --sessions (sessions it keeps)")
    args = parser.parse_args()
    questions = [json.loads(line)["question"] for line in (ROOT / "eval" / "gold.jsonl").open() if line.strip()]

    with tempfile.TemporaryDirectory() as work:
        log = open(f"{work}/app.log", "w")
        sessions = ["--sessions", str(args.sessions)] if args.sessions else []
        with serving(work, f"{work}/index", *sessions, log=log) as (url, server):
            n = 0

            def question() -> str:
                nonlocal n
                n += 1
                text = questions[n % len(questions)]
                return f"{text.rstrip('?')} ({n})?" if args.distinct else text

            for _ in range(args.warmup):
                ask(url, question())
            before = rss_kb(server.pid)
            started = time.perf_counter()
            for done in range(1, args.requests + 1):
                ask(url, question())
                if args.every and done % args.every == 0:
                    print(f"  after {done:5d}: RSS {rss_kb(server.pid) / 1024:.0f} MB", flush=True)
            seconds = time.perf_counter() - started
            after = rss_kb(server.pid)
    kind = "distinct" if args.distinct else "repeated"
    print(f"{args.requests} {kind} /ask requests after {args.warmup} of warm-up: RSS {before / 1024:.0f} MB -> "
          f"{after / 1024:.0f} MB, {(after - before) / args.requests:.1f} KB per request, "
          f"{args.requests / seconds:.1f} requests/s")


if __name__ == "__main__":
    main()
