"""What the load test's first round pays for and its later rounds do not, in one answer worker.

    python bench/worker_rounds.py [--rounds 3]

One worker's answerer (qa.workers.Following, warmed as a worker is: qa.workers.warm_up) in this
process, on a fresh index of data/articles, answering the questions bench/app_load.py sends it:
per round its half of the burst (the server sends every other question to each of its two
workers), WORKER_THREADS at once. Rounds 2 and up re-ask the gold questions with a lead-in, so
they find the vectors of the words and phrases the fits compare (the questions' verbs, the
retrieved sentences' candidate phrases) kept from round 1. The last round is run with that word
cache emptied first: if it costs what round 1 did, the first round's extra is those words
(per-question work), not a first-call cost a bounded warm-up could take off.
Prints CPU seconds per round, words encoded per round, and the ratios, measured in one run.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from app_load import ALONE, fresh_index, questions  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="at least 2; the last with the word cache emptied")
    parser.add_argument("--no-warm-up", action="store_true", help="skip the worker's warm-up question")
    parser.add_argument("--concurrent", type=int, default=200, help="the whole burst (this worker answers half)")
    args = parser.parse_args()

    from qa.workers import WORKER_THREADS, Following, warm_up

    pool = questions((args.concurrent + ALONE) * args.rounds)
    with tempfile.TemporaryDirectory() as work:
        index_dir = fresh_index(f"{work}/index")
        started = time.process_time()
        following = Following(index_dir)
        opened = time.process_time()
        if not args.no_warm_up:
            warm_up(following)
        print(f"open {opened - started:.2f} s CPU, warm-up {time.process_time() - opened:.2f} s CPU")
        words = following.answerer.caches.words
        threads = concurrent.futures.ThreadPoolExecutor(WORKER_THREADS)
        cpu = []
        for r in range(args.rounds):
            emptied = r == args.rounds - 1
            if emptied:
                words.clear()
            batch = pool[r * (args.concurrent + ALONE):(r + 1) * (args.concurrent + ALONE)][ALONE:][1::2]
            before, start = set(words), time.process_time()
            list(threads.map(following.ask, batch))
            cpu.append(time.process_time() - start)
            label = f"round {r + 1}" + (" (word cache emptied first)" if emptied else "")
            print(f"{label}: {len(batch)} questions, {cpu[-1]:.2f} s CPU, {len(set(words) - before)} words "
                  f"encoded; load average {os.getloadavg()[0]:.2f}", flush=True)
        later = cpu[1:-1]
        if later:
            print(f"round 1 / later rounds: {cpu[0] / (sum(later) / len(later)):.2f}x; "
                  f"emptied round / round 1: {cpu[-1] / cpu[0]:.2f}x")
        threads.shutdown()


if __name__ == "__main__":
    main()
