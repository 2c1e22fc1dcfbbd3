"""The web app in a subprocess for a benchmark: a free local port, the index and uploads in a work
folder, and the app stopped on the way out, whatever happens."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def serving(work: str, index: str, *options: str, log=subprocess.DEVNULL) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start `app.py` on `index` (uploads and Gradio's temporary files in `work`); yield its URL and
    process once it answers, and stop it at the end."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, GRADIO_ANALYTICS_ENABLED="False", HF_HUB_OFFLINE="1", GRADIO_TEMP_DIR=f"{work}/gradio")
    server = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port), "--index", index,
                               "--uploads", f"{work}/uploads", *options],
                              stdout=log, stderr=subprocess.STDOUT,
                              env=env, cwd=ROOT)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(600):   # the first start builds the index: up to five minutes
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        yield url, server
    finally:
        server.terminate()
        server.wait(30)
