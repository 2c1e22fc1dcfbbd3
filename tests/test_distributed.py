"""The embed-and-analyse stage on a real local Ray (2 CPUs) writes the same index as in process."""
from __future__ import annotations

import numpy as np
import pytest

from index import SentenceStore, ingest

ray = pytest.importorskip("ray")

ARTICLES = {
    "harbour-gazette.txt": (
        "A ferry ran aground near the harbour mouth on Tuesday, the port authority said.\n\n"
        "All 212 passengers were brought ashore by lifeboat crews before noon.\n\n"
        "Captain Mara Lind said fog had cut visibility to less than 50 metres.\n\n"
        "The operator cancelled its evening crossings to Skerry Island."),
    "coast-wire.txt": (
        "Rescuers took 214 people off a stranded ferry on Tuesday morning.\n\n"
        "The vessel struck a sandbank in thick fog, the coastguard said.\n\n"
        "No one was hurt, and divers found no leak in the hull."),
    "island-news.md": (
        "# Ferry aground in fog\n\n"
        "The *Skerry Star* grounded at 7.40 a.m. with 212 passengers aboard.\n\n"
        "Crossings resume on Thursday, the operator said in a statement.\n\n"
        "- Passengers were offered refunds.\n- A survey of the hull is under way."),
}


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def test_ray_index_equals_the_in_process_one(tmp_path, local_ray, monkeypatch):
    import index.distributed

    monkeypatch.setattr(index.distributed, "RAY_SHARD_SENTENCES", 3)   # shards for both actors
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in ARTICLES.items():
        (corpus / name).write_text(text)

    here = ingest([corpus], tmp_path / "here", batch_sentences=4)
    there = ingest([corpus], tmp_path / "ray", batch_sentences=4, ray="local")
    assert here.ok and there.ok
    assert (sorted(there.added), there.sentences, there.batches) == (sorted(here.added), here.sentences, here.batches)
    assert there.batches == 2   # whole articles, at least 4 sentences a batch: 3 + 4, then 5

    a, b = SentenceStore.open(tmp_path / "here"), SentenceStore.open(tmp_path / "ray")
    assert a.documents == b.documents
    assert a.sentences == b.sentences
    assert len(a.sentences) == here.sentences == 12
    # Stored as float16 (index.vectors): a last-bit difference of float32 may round to the next
    # float16 step, at most 2.5e-4 for a component of a unit vector.
    np.testing.assert_allclose(b.vectors, a.vectors, atol=2.5e-4)
    ids = [s.sentence_id for s in a.sentences]
    assert a.analysis(ids) == b.analysis(ids)
    assert [s.doc_ids for s in a.stories] == [s.doc_ids for s in b.stories]


def test_the_cli_ray_option_takes_an_optional_address(monkeypatch):
    """`--ray` alone is a local Ray; `--ray=auto` or `--ray HOST:PORT` an address; a path after
    `--ray` is still a path to ingest."""
    from click.testing import CliRunner

    import index
    from index.ingest import IngestReport
    from qa import cli

    calls = []

    def fake_ingest(paths, *args, **kwargs):
        calls.append((tuple(paths), kwargs.get("ray"), kwargs.get("batch_sentences")))
        return IngestReport()

    monkeypatch.setattr(index, "ingest", fake_ingest)
    runner = CliRunner()
    for args, expected in [
        (["a", "b", "--ray"], (("a", "b"), "local", None)),
        (["--ray", "a", "b"], (("a", "b"), "local", None)),
        (["a", "--ray=auto"], (("a",), "auto", None)),
        (["a", "--ray", "10.0.0.5:6379", "--batch", "50"], (("a",), "10.0.0.5:6379", 50)),
        (["a"], (("a",), None, None)),
    ]:
        result = runner.invoke(cli.main, ["ingest", *args])
        assert result.exit_code == 0, result.output
        assert calls[-1] == expected, args
    refused = runner.invoke(cli.main, ["ingest", "a", "--batch", "0"])
    assert refused.exit_code == 2 and "--batch" in refused.output
