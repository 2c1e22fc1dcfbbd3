"""Indexing: articles on disk -> clean sentences -> vectors and analysis in a FAISS + SQLite store.

Knows nothing of questions; `qa` reads what this writes through `SentenceStore`.
Names are imported on first use, so that a command that only lists the index does not pay for
NLTK, spaCy or torch.
"""
from importlib import import_module

_HOMES = {
    "Analysis": "analysis", "Entity": "analysis", "Token": "analysis", "load_nlp": "analysis",
    "DEFAULT_MODEL": "embedding", "Embedder": "embedding", "model_setting": "embedding",
    "IngestReport": "ingest", "ingest": "ingest", "merge_stories": "ingest", "remove": "ingest",
    "split_story": "ingest", "Story": "store", "StorySettings": "stories",
    "Article": "reading", "Refusal": "reading", "SentenceSpan": "reading", "read_articles": "reading",
    "Document": "store", "IndexConflict": "store", "IndexNotFound": "store", "IndexDamaged": "store", "Sentence": "store",
    "SentenceStore": "store", "Archive": "store", "default_index_dir": "store",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module 'index' has no attribute {name!r}")
    value = getattr(import_module(f".{_HOMES[name]}", __name__), name)
    globals()[name] = value
    return value
