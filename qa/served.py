"""A running web app that serves an index, found by the command line so that `claimqa ask` can hand
it the question instead of loading torch, the model, spaCy and BM25 itself (4-5 s on 2 cores,
against about 0.3 s for the hand-over).

The app writes `.claimqa-app.json` into its index folder while it serves it: its process id, its
local address and the index folder it serves. The answer it gives is the library's answer object
(tests/test_app.py checks that the endpoint adds nothing and drops nothing), and the app reopens
the index before a question when an ingest has committed a newer generation, so the hand-over
answers what a fresh `Answerer` would. Standard library only: this is imported before anything heavy.
"""
from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ANNOUNCEMENT = ".claimqa-app.json"


class ServedError(Exception):
    """The app that serves the index refused the question; the message is its reason."""


def announce(index_dir: str | os.PathLike, url: str) -> Path:
    """Say, in the index folder, that this process serves it at `url` (a local address)."""
    path = Path(index_dir) / ANNOUNCEMENT
    partial = path.with_name(path.name + f".{os.getpid()}")
    partial.write_text(json.dumps({"pid": os.getpid(), "url": url, "index": str(Path(index_dir).resolve())}))
    os.replace(partial, path)
    return path


def withdraw(index_dir: str | os.PathLike) -> None:
    """Take this process's announcement back (another app's is left alone)."""
    path = Path(index_dir) / ANNOUNCEMENT
    try:
        if json.loads(path.read_text()).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError, AttributeError):
        pass


def serving(index_dir: str | os.PathLike) -> str | None:
    """The local address of a live app serving exactly this index folder, else None."""
    try:
        said = json.loads((Path(index_dir) / ANNOUNCEMENT).read_text())
        pid, url, served = int(said["pid"]), str(said["url"]), str(said["index"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if served != str(Path(index_dir).resolve()) or urlsplit(url).hostname not in {"127.0.0.1", "localhost", "::1"}:
        return None
    try:
        os.kill(pid, 0)   # still running (a crashed app leaves its file behind)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass   # running, as another user
    return url


JSON_ROUTE = "api/ask"   # the app's plain JSON route: one request, one response (app.add_json_route)


def ask_served(question: str, index_dir: str | os.PathLike, timeout: float = 60) -> dict | None:
    """The answer object from the app serving this index; None when there is none or it does not
    answer (the caller then answers locally). Raises ServedError when the app refuses the question.

    Asked on the app's JSON route; an app without one (404) is asked on Gradio's /ask."""
    url = serving(index_dir)
    if url is None:
        return None
    # The folder meant goes with the question: an app on another index at that address refuses it (409)
    asked = {"question": question, "index": str(Path(index_dir).resolve())}
    request = urllib.request.Request(f"{url}{JSON_ROUTE}", data=json.dumps(asked).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = json.loads(response.read())
        return answer if isinstance(answer, dict) and "sources" in answer else None
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return _ask_gradio(url, question, timeout)
        try:
            reason = json.loads(error.read()).get("error")
        except (OSError, ValueError, AttributeError):
            reason = None
        if error.code == 400 and isinstance(reason, str) and reason:
            raise ServedError(reason) from None
        return None
    except (OSError, ValueError, urllib.error.URLError):
        return None


def _ask_gradio(url: str, question: str, timeout: float) -> dict | None:
    """The same over Gradio's REST route: POST /gradio_api/call/ask, then its event stream."""
    try:
        request = urllib.request.Request(f"{url}gradio_api/call/ask", data=json.dumps({"data": [question]}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=2) as response:
            event = json.loads(response.read())["event_id"]
        with urllib.request.urlopen(f"{url}gradio_api/call/ask/{event}", timeout=timeout) as response:
            stream = response.read().decode("utf-8")
    except (OSError, ValueError, KeyError, urllib.error.URLError):
        return None
    kind = None
    for line in stream.splitlines():
        if line.startswith("event: "):
            kind = line[7:].strip()
        elif line.startswith("data: ") and kind == "complete":
            data = json.loads(line[6:])
            return data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else None
        elif line.startswith("data: ") and kind == "error":
            try:
                message = json.loads(line[6:])
            except ValueError:
                message = None
            if isinstance(message, str) and message:
                raise ServedError(message)
            return None   # no reason given: answer locally, which says why
    return None


def answer_from_dict(data: dict):
    """An Answer from its JSON object (keys this version does not know are left out)."""
    from dataclasses import fields

    from .answer import Answer, Citation, Disagreement, DisagreementValue, SourceAnswer

    def known(cls, values: dict) -> dict:
        names = {f.name for f in fields(cls)}
        return {k: v for k, v in values.items() if k in names}

    sources = [SourceAnswer(**{**known(SourceAnswer, s), "citations": [Citation(**known(Citation, c))
                                                                       for c in s.get("citations", [])]})
               for s in data.get("sources", [])]
    flag = data.get("disagreement") or {}
    disagreement = Disagreement(**{**known(Disagreement, flag),
                                   "values": [DisagreementValue(**known(DisagreementValue, v))
                                              for v in flag.get("values", [])]})
    return Answer(**{**known(Answer, data), "sources": sources, "disagreement": disagreement})
