"""Load on the running web app: N concurrent /ask requests, every question different, all well-formed.

    python bench/app_load.py [--concurrent 200]

Starts `python app.py` on a fresh index of data/articles, warms it with one question, then sends
N requests at once over Gradio's REST route (POST, then the event stream), each a different
question (the gold set's, each also asked with a lead-in such as "According to the articles, ").
Reports failures and the latency percentiles, from send to answer, and the app's peak memory.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import json
import tempfile
import time
from pathlib import Path

import httpx
from serving import serving

ROOT = Path(__file__).resolve().parent.parent
LEAD_INS = ["", "According to the articles, ", "In the reports, ", "Tell me: ", "From the coverage, ",
            "Based on the sources, "]


# One pooled client for all requests: the load generator runs on the same 2 cores as the app, and
# a client (and TLS-free TCP connection) per request costs the generator more CPU than Gradio uses.
CLIENT = httpx.Client(timeout=300, limits=httpx.Limits(max_connections=None, max_keepalive_connections=400))


def ask(url: str, question: str) -> float:
    started = time.perf_counter()
    event = CLIENT.post(f"{url}gradio_api/call/ask", json={"data": [question]}).json()["event_id"]
    stream = CLIENT.get(f"{url}gradio_api/call/ask/{event}").text
    if "event: complete" not in stream:
        raise RuntimeError(stream[:200])
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrent", type=int, default=200)
    args = parser.parse_args()
    gold = [json.loads(line)["question"] for line in (ROOT / "eval" / "gold.jsonl").open() if line.strip()]
    questions = [lead + (q[0].lower() + q[1:] if lead else q) for lead in LEAD_INS for q in gold][:args.concurrent]
    assert len(set(questions)) == args.concurrent, "not enough distinct questions"

    with tempfile.TemporaryDirectory() as work:
        with serving(work, f"{work}/index") as (url, server):
            ask(url, "Who is the Pentagon spokesman?")
            started = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(args.concurrent) as pool:
                futures = [pool.submit(ask, url, q) for q in questions]
                results, failures = [], []
                for future in futures:
                    try:
                        results.append(future.result())
                    except Exception as error:   # noqa: BLE001 - a failure is a finding
                        failures.append(str(error))
            wall = time.perf_counter() - started
            peak = next(int(line.split()[1]) for line in Path(f"/proc/{server.pid}/status").read_text().splitlines()
                        if line.startswith("VmHWM:"))
    results.sort()
    p = lambda q: results[min(len(results) - 1, int(q * len(results)))] if results else float("nan")  # noqa: E731
    print(f"{args.concurrent} concurrent /ask, all different: {len(failures)} failed; wall {wall:.1f} s; "
          f"p50 {p(0.5):.2f} s, p95 {p(0.95):.2f} s, max {results[-1] if results else float('nan'):.2f} s; "
          f"{len(results) / wall:.1f} answers/s; app peak RSS {peak / 1024:.0f} MB")
    if failures:
        print("first failure:", failures[0])


if __name__ == "__main__":
    main()
