"""Indexing: articles on disk -> clean sentences -> vectors and analysis in a FAISS + SQLite store.

Knows nothing of questions; `qa` reads what this writes through `SentenceStore`.
"""
from .analysis import Analysis, Entity, Token, load_nlp
from .embedding import DEFAULT_MODEL, Embedder, model_setting
from .ingest import IngestReport, ingest, remove
from .reading import Article, Refusal, SentenceSpan, read_articles
from .store import Document, IndexConflict, IndexNotFound, Sentence, SentenceStore, default_index_dir

__all__ = [
    "Analysis", "Article", "DEFAULT_MODEL", "Document", "Embedder", "Entity", "IndexConflict",
    "IndexNotFound", "IngestReport", "Refusal", "Sentence", "SentenceSpan", "SentenceStore", "Token",
    "default_index_dir", "ingest", "load_nlp", "model_setting", "read_articles", "remove",
]
