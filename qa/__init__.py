"""Questions over the indexed articles: per-source answers with citations and disagreement flags.

    from qa import ask, Answerer
    answer = ask("How many people were killed in the strike?")      # qa.answer.Answer
"""
from importlib import import_module

from .answer import Answer, Citation, Disagreement, DisagreementValue, SourceAnswer

# The answering machinery is imported on first use, so that `claimqa sources` starts fast.
_LAZY = {"MAX_QUESTION_CHARS": "answering", "Answerer": "answering", "ask": "answering", "as_text": "render",
         "StoryAnswerer": "stories"}

__all__ = ["Answer", "Answerer", "Citation", "Disagreement", "DisagreementValue", "MAX_QUESTION_CHARS",
           "SourceAnswer", "StoryAnswerer", "as_text", "ask"]


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'qa' has no attribute {name!r}")
    value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value
