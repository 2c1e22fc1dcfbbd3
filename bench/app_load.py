"""Load on the running web app: N concurrent /ask requests, every question different, all well-formed.

    python bench/app_load.py [--concurrent 200] [--rounds 3] [--workers N] [--route gradio|json]

Starts `python app.py` on a fresh index of data/articles and warms it with one question. Then, per
round: one request alone, ten times in a row (the single-request latency, each a question not yet
asked), followed by N requests sent at once over Gradio's REST route (POST, then the event
stream), each a different question never asked before (the gold set's, each also asked with a
lead-in such as "According to the articles, "). Reports per round and over all rounds: failures,
the latency percentiles from send to answer, p95 against the single-request latency of the same
run, the CPU seconds the app and this load generator spent, and the app's peak memory.

Rounds 2 and up ask the gold questions again, each with another lead-in: the workers find kept from
round 1 the vectors of the words and phrases their fits compare (the questions' verbs, the
candidate phrases of the sentences they retrieve) and those sentences' trees, so they spend about
a third less CPU. Round 1 is the figure for questions on sentences no question retrieved before;
bench/worker_rounds.py shows where the difference goes.

The generator is asyncio on bare sockets, one connection per HTTP request as separate clients
would open: it shares the machine's 2 cores with the app, and a full HTTP client (200 threads of
httpx, or httpx's asyncio client) spent 2-4 s of CPU per 200 requests, as much as the app itself.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from serving import serving

ROOT = Path(__file__).resolve().parent.parent
LEAD_INS = ["", "According to the articles, ", "In the reports, ", "Tell me: ", "From the coverage, ",
            "Based on the sources, ", "Say: ", "Per the outlets, ", "In the news, ", "Quick question: "]
ALONE = 10   # single requests per round


def questions(count: int) -> list[str]:
    gold = [json.loads(line)["question"] for line in (ROOT / "eval" / "gold.jsonl").open() if line.strip()]
    out = [lead + (q[0].lower() + q[1:] if lead else q) for lead in LEAD_INS for q in gold]
    if len(set(out)) < count:
        raise SystemExit(f"--concurrent/--rounds: only {len(set(out))} distinct questions, {count} wanted")
    return out[:count]


def fresh_index(index_dir: str | Path) -> Path:
    """An index of data/articles built in another process, so that the one measuring loads its
    models as a starting worker does."""
    subprocess.run([sys.executable, "-c", "import sys; from index import ingest; assert ingest([sys.argv[1]], sys.argv[2]).ok",
                    str(ROOT / "data" / "articles"), str(index_dir)], check=True, cwd=ROOT, stderr=subprocess.DEVNULL)
    return Path(index_dir)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    """The app's child processes (its answer workers)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def workers_cpu(pid: int) -> float:
    return sum(cpu_seconds(c) for c in children(pid))


def peak_rss_mb(pid: int) -> float:
    return next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                if line.startswith("VmHWM:")) / 1024


async def http(url: str, method: str, path: str, body: bytes = b"") -> bytes:
    """One HTTP/1.1 request on its own connection; the response body (chunks joined), or
    RuntimeError with the status line."""
    address = urlsplit(url)
    reader, writer = await asyncio.open_connection(address.hostname, address.port)
    try:
        writer.write(f"{method} {path} HTTP/1.1\r\nHost: {address.netloc}\r\nConnection: close\r\n"
                     f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)
        data = await reader.read()
    finally:
        writer.close()
    head, _, rest = data.partition(b"\r\n\r\n")
    status = head.split(b"\r\n", 1)[0]
    if b" 200 " not in status + b" ":
        raise RuntimeError(status.decode(errors="replace"))
    if b"transfer-encoding: chunked" not in head.lower():
        return rest
    out = bytearray()
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        rest = rest[size + 2:]
    return bytes(out)


ROUTE = "gradio"   # or "json": the app's plain JSON route POST /api/ask, one request per question


async def ask(url: str, question: str) -> float:
    started = time.perf_counter()
    if ROUTE == "json":
        answer = json.loads(await http(url, "POST", "/api/ask", json.dumps({"question": question}).encode()))
        if answer.get("question") != question:
            raise RuntimeError(str(answer)[:200])
        return time.perf_counter() - started
    posted = await http(url, "POST", "/gradio_api/call/ask", json.dumps({"data": [question]}).encode())
    stream = await http(url, "GET", f"/gradio_api/call/ask/{json.loads(posted)['event_id']}")
    if b"event: complete" not in stream:
        raise RuntimeError(stream[:200].decode(errors="replace"))
    return time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def load(url: str, pid: int, concurrent: int, rounds: int) -> None:
    pool = questions((concurrent + ALONE) * rounds)
    await ask(url, "Who is the Pentagon spokesman?")
    alone_all, loaded_all, failures_all = [], [], []
    for r in range(rounds):
        batch = pool[r * (concurrent + ALONE):(r + 1) * (concurrent + ALONE)]
        alone = [await ask(url, q) for q in batch[:ALONE]]
        app_cpu, work_cpu, own_cpu = cpu_seconds(pid), workers_cpu(pid), time.process_time()
        started = time.perf_counter()
        results = await asyncio.gather(*[ask(url, q) for q in batch[ALONE:]], return_exceptions=True)
        wall = time.perf_counter() - started
        app_cpu, work_cpu = cpu_seconds(pid) - app_cpu, workers_cpu(pid) - work_cpu
        own_cpu = time.process_time() - own_cpu
        done = [x for x in results if isinstance(x, float)]
        failures = [str(x) for x in results if not isinstance(x, float)]
        single = statistics.median(alone)
        print(f"round {r + 1}: alone p50 {single * 1000:.0f} ms; {concurrent} at once: {len(failures)} failed, "
              f"p50 {percentile(done, 0.5):.2f} s, p95 {percentile(done, 0.95):.2f} s "
              f"({percentile(done, 0.95) / single:.0f}x alone), wall {wall:.2f} s; "
              f"CPU app {app_cpu:.2f} s + its workers {work_cpu:.2f} s, generator {own_cpu:.2f} s; "
              f"load average {os.getloadavg()[0]:.2f}", flush=True)
        alone_all += alone
        loaded_all += done
        failures_all += failures
    single = statistics.median(alone_all)
    peaks = [peak_rss_mb(pid)] + [peak_rss_mb(c) for c in children(pid)]
    print(f"{concurrent} concurrent {'/ask' if ROUTE == 'gradio' else 'POST /api/ask'}, all different, {rounds} rounds: {len(failures_all)} of "
          f"{concurrent * rounds} failed; p50 {percentile(loaded_all, 0.5):.2f} s, "
          f"p95 {percentile(loaded_all, 0.95):.2f} s, max {max(loaded_all, default=float('nan')):.2f} s; "
          f"one request alone p50 {single * 1000:.0f} ms; p95 / alone = "
          f"{percentile(loaded_all, 0.95) / single:.0f}x; peak RSS app {peaks[0]:.0f} MB, workers "
          f"{' + '.join(f'{p:.0f}' for p in peaks[1:]) or 'none'} MB, all {sum(peaks):.0f} MB")
    if failures_all:
        print("first failure:", failures_all[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrent", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--route", choices=["gradio", "json"], default="gradio",
                        help="gradio: POST /gradio_api/call/ask, then its event stream (the contract's /ask); "
                             "json: the plain JSON route POST /api/ask")
    parser.add_argument("--workers", type=int, default=None,
                        help="the app's answer worker processes (0: answers in the app's process; default: the app's)")
    args = parser.parse_args()
    options = [] if args.workers is None else ["--workers", str(args.workers)]
    global ROUTE
    ROUTE = args.route
    with tempfile.TemporaryDirectory() as work:
        with serving(work, f"{work}/index", *options) as (url, server):
            asyncio.run(load(url, server.pid, args.concurrent, args.rounds))


if __name__ == "__main__":
    main()
