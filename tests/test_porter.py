"""qa/porter.py is nltk's Porter stemmer, copied so that answering need not import nltk: it must
stem every word exactly as nltk's own does, in every mode."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from nltk.stem.porter import PorterStemmer as NltkPorter

from qa.porter import PorterStemmer

ROOT = Path(__file__).resolve().parent.parent
# Suffixes each step of the algorithm handles, the irregular forms, and words of two letters or fewer.
WORDS = ["caresses", "ponies", "ties", "caress", "cats", "feed", "agreed", "plastered", "bled", "motoring", "sing",
         "conflated", "troubled", "sized", "hopping", "tanned", "falling", "hissing", "fizzed", "failing", "filing",
         "happy", "sky", "skies", "dying", "lying", "tying", "news", "innings", "outings", "cannings", "proceed",
         "exceed", "succeed", "relational", "conditional", "rational", "valenci", "hesitanci", "digitizer",
         "conformabli", "radicalli", "differentli", "vileli", "analogousli", "vietnamization", "predication",
         "operator", "feudalism", "decisiveness", "hopefulness", "callousness", "formaliti", "sensitiviti",
         "sensibiliti", "triplicate", "formative", "formalize", "electriciti", "electrical", "hopeful", "goodness",
         "revival", "allowance", "inference", "airliner", "gyroscopic", "adjustable", "defensible", "irritant",
         "replacement", "adjustment", "dependent", "adoption", "homologou", "communism", "activate", "angulariti",
         "homologous", "effective", "bowdlerize", "probate", "rate", "cease", "controll", "roll", "generously",
         "a", "is", "by", "", "I", "ÉLAN", "naïve", "mobilization", "self-defense", "20th", "1,200"]


def corpus_words() -> list[str]:
    text = " ".join(p.read_text(errors="replace") for p in (ROOT / "data" / "articles").glob("*.txt"))
    return sorted(set(re.findall(r"\w+", text.lower())) | set(re.findall(r"\w+", text)))


@pytest.mark.parametrize("mode", ["NLTK_EXTENSIONS", "MARTIN_EXTENSIONS", "ORIGINAL_ALGORITHM"])
def test_the_copy_stems_every_word_as_nltk_does(mode):
    words = WORDS + corpus_words()
    assert len(words) > 1000
    ours, theirs = PorterStemmer(mode), NltkPorter(mode)
    differ = [(w, ours.stem(w), theirs.stem(w)) for w in words if ours.stem(w) != theirs.stem(w)]
    assert differ == []
    assert ours.stem("Caresses", to_lowercase=False) == theirs.stem("Caresses", to_lowercase=False)


def test_answering_imports_neither_nltk_nor_torch():
    import subprocess
    import sys

    code = ("import sys, qa.answering, qa.stories, qa.retrieval; "
            "print(sorted(m for m in ('nltk', 'torch', 'sentence_transformers', 'transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"
