"""What the app's two answer workers encode in the load test's first round, with and without the
word vectors they share (qa.shared_words).

    python bench/two_workers.py [--no-share] [--concurrent 200]

Two processes, each a worker's answerer (qa.workers.Following, warmed as a worker is) over one
fresh copy of an index of data/articles, answer at the same moment their halves of
bench/app_load.py's first burst (the server sends every other question to each), 16 threads
each. Prints per worker the CPU seconds and the words and phrases it encoded (texts other than
its questions). With the vectors shared, a word one worker encoded the other reads; both still
encode a word they miss at the same moment (neither waits for the other). --no-share: each
worker on its own, as before qa.shared_words.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from app_load import ALONE, ROOT, fresh_index, questions  # noqa: E402


def worker(index_dir: str, part: int, burst: int, share: bool) -> None:
    import concurrent.futures

    import qa.stories
    from qa.workers import WORKER_THREADS, Following, warm_up

    if not share:
        qa.stories.SharedWords.open = staticmethod(lambda *args, **kwargs: None)
    following = Following(Path(index_dir))
    warm_up(following)
    embedder = following.answerer.caches.embedder
    encoded: list[str] = []
    encode = embedder.encode

    def counting(texts):
        encoded.extend(texts)
        return encode(texts)

    embedder.encode = counting
    batch = questions(burst + ALONE)[ALONE:][part::2]
    print("ready", flush=True)
    sys.stdin.readline()   # both workers start together, as a burst reaches them
    started = time.process_time()
    with concurrent.futures.ThreadPoolExecutor(WORKER_THREADS) as pool:
        list(pool.map(following.ask, batch))
    asked = set(batch)
    print(f"{time.process_time() - started:.2f} {sum(t not in asked for t in encoded)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-share", action="store_true", help="each worker encodes its own words")
    parser.add_argument("--concurrent", type=int, default=200, help="the whole burst (each worker answers half)")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--index", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.index, int(args.worker[0]), args.concurrent, args.worker[1] == "share")
    with tempfile.TemporaryDirectory() as work:
        index_dir = str(fresh_index(f"{work}/index"))
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p))
        share = "own" if args.no_share else "share"
        workers = [subprocess.Popen([sys.executable, __file__, "--worker", str(part), share, "--index", index_dir,
                                     "--concurrent", str(args.concurrent)],
                                    env=env, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                   for part in (0, 1)]
        for w in workers:
            if w.stdout.readline().strip() != "ready":
                raise SystemExit("a worker did not start")
        for w in workers:
            w.stdin.write("go\n")
            w.stdin.flush()
        results = [w.communicate()[0].split() for w in workers]
    cpu = [float(r[0]) for r in results]
    words = [int(r[1]) for r in results]
    print(f"{'own words' if args.no_share else 'shared words'}: worker CPU {cpu[0]:.2f} + {cpu[1]:.2f} s, "
          f"words encoded {words[0]} + {words[1]} = {sum(words)}; load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
