"""The eval: metrics on hand-made answers with known scores, gold-file errors, and the script end to end."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))   # `eval` is a folder of the project, not an installed package

from eval import scoring  # noqa: E402
from eval.gold import GoldError, GoldQuestion, GoldSource, load_gold  # noqa: E402
from eval.matching import answer_matches, evidence_in, normalise, tokens  # noqa: E402
from eval.run import missed_floors  # noqa: E402

RUN = ROOT / "eval" / "run.py"
FIXTURES = ROOT / "tests" / "fixtures" / "eval"
CORPUS = FIXTURES / "corpus"
GOLD = FIXTURES / "gold.jsonl"
FIXTURE_IDS = ["injured", "fire-chief", "fire-cause", "wheat", "library-cost", "none-football"]
SUMMARY_KEYS = {"questions", "evidence_recall", "answer_accuracy", "source_precision", "no_answer_accuracy",
                "disagreement", "latency_ms", "per_question"}
VALID_LINE = '{"id": "ok", "question": "Who?", "disagree": false, "sources": {}}'


# ---------------------------------------------------------------- matching

def test_normalise_folds_quotes_dashes_space_and_case():
    assert normalise("It\u2019s \u201cBlatant\u201d \u2014 a\u2013b\n\t  X ") == 'it\'s "blatant" - a-b x'


@pytest.mark.parametrize("value,gold", [
    ("three", ["3"]), ("3", ["three"]), ("Three", ["two", "three"]), ("at least six", ["6"]),
    ("about 2,500", ["2500"]), ("2500", ["about 2,500"]), ("twenty-five", ["25"]), ("more than a dozen", ["12"]),
    ("Maj. Gen. Patrick Ryder", ["Ryder"]), ("Kata\u2019ib Hezbollah", ["Kata'ib Hezbollah"]),
    ("Ryder", ["Pat Ryder"]),   # the gold answer contains the value
    ("at least 41 people", ["41"]), ("7:52 a.m. on Monday", ["7:52"]),   # 4 tokens longer at most
])
def test_answer_matches(value, gold):
    assert answer_matches(value, gold)


@pytest.mark.parametrize("value,gold", [
    ("2,500", ["2"]), ("sixty", ["six"]), ("two", ["three", "3"]), ("al-Saedi", ["al-Saidi"]),
    (None, ["three"]), ("", ["three"]), ("   ", ["no"]),
    # a whole sentence holding the gold answer is not a short answer (more than 4 tokens longer)
    ("Iraqi security officials said two people were killed in the drone attack", ["two", "2"]),
    ("The fire was brought under control late on Tuesday by crews", ["Tuesday"]),
])
def test_answer_does_not_match(value, gold):
    assert not answer_matches(value, gold)


@pytest.mark.parametrize("value,gold", [
    ("two hundred", "200"), ("2,000", "two thousand"), ("twenty five", "25"), ("2 million", "2,000,000"),
    ("one hundred and twenty", "120"), ("4.5 million", "4,500,000"), ("$1.2 billion", "$1,200,000,000"),
    ("three hundred and fifty thousand", "350,000"), ("two thousand three hundred", "2300"),
    ("twelve hundred", "1,200"), ("a hundred", "100"), ("Forty-Two", "42"), ("3,000", "3000"), ("1.50", "1.5"),
])
def test_numbers_of_several_words_compare_as_one_number(value, gold):
    assert answer_matches(value, [gold]) and answer_matches(gold, [value])


@pytest.mark.parametrize("value,gold", [
    ("two thousand", "1,000"), ("two hundred", "100"), ("two", "two hundred"), ("5", "$5 million"),
    ("2", "2.5"), ("2 million", "2"),
])
def test_a_number_is_not_part_of_a_longer_one(value, gold):
    assert not answer_matches(value, [gold])


def test_numbers_that_are_not_one_stay_apart():
    assert tokens("1 2 3") == ["1", "2", "3"]
    assert tokens("in 2019 three men") == ["in", "2019", "3", "men"]
    assert tokens("nineteen ninety-nine") == ["19", "99"]
    assert tokens("five and six, twenty, one") == ["5", "and", "6", ",", "20", ",", "1"]


def test_evidence_matches_across_curly_quotes_and_dashes():
    sentence = "Iraqi security officials said the government called it a \u201cblatant invasion.\u201d \u2013 AFP"
    assert evidence_in(sentence, ['the government called it a "blatant invasion', "invasion.\" - afp"])
    assert not evidence_in(sentence, ["blatant aggression"])
    assert not evidence_in(sentence, [""])


# ---------------------------------------------------------------- metrics on hand-made answers

def gold(id: str, disagree: bool, **sources: tuple[list[str], list[str]]) -> GoldQuestion:
    return GoldQuestion(id, f"question {id}?", disagree,
                        {doc_id: GoldSource(answer, evidence) for doc_id, (answer, evidence) in sources.items()})


def answer(flag: bool = False, **sources: tuple[str | None, list[str]]) -> dict:
    """An answer dict as qa produces it: sources in order, each with its citations' texts."""
    return {"question": "?", "not_mentioned": [],
            "disagreement": {"flag": flag, "summary": "", "values": []},
            "sources": [{"doc_id": doc_id, "outlet": doc_id, "published": None, "answer": value,
                         "citations": [{"n": i + 1, "sentence_id": i, "text": text, "score": 0.5}
                                       for i, text in enumerate(texts)]}
                        for doc_id, (value, texts) in sources.items()]}


GOLDS = [
    gold("killed", True, nyt=(["three", "3"], ["Abu Taqwa and two others"]), upi=(["two", "2"], ["killed two people"])),
    gold("spokesman", False, afp=(["Pat Ryder", "Ryder"], ['the government called a "blatant invasion']),
         nyt=(["Patrick Ryder"], ["Patrick Ryder, the Pentagon spokesman"])),
    gold("super-bowl", False),
]
ANSWERS = [
    # nyt: right value, but its evidence is its 4th citation (only the first three count); afp is not gold
    answer(True, nyt=("3", ["a", "b", "c", "killing a brigade commander known as Abu Taqwa and two others"]),
           upi=("two people", ["The strike killed two people."]), afp=("2", ["two people were killed"])),
    # afp: evidence behind curly quotes; nyt not cited at all; a false alarm
    answer(True, afp=("Maj. Gen. Pat Ryder", ["which the government called a \u201cblatant invasion.\u201d"])),
    answer(False),
]
LATENCIES = [10.0, 30.0, 20.0]


def test_metrics_on_hand_made_answers():
    report = scoring.report(GOLDS, ANSWERS, LATENCIES)
    assert report["questions"] == 3
    assert report["evidence_recall"] == pytest.approx(2 / 4)       # upi, afp
    assert report["answer_accuracy"] == pytest.approx(3 / 4)       # nyt "3", upi "two people", afp "...Pat Ryder"
    assert report["source_precision"] == pytest.approx(3 / 4)      # nyt, upi, afp(q2) of nyt, upi, afp(q1), afp(q2)
    assert report["no_answer_accuracy"] == 1.0
    assert report["disagreement"] == pytest.approx({"precision": 0.5, "recall": 1.0, "f1": 2 / 3})
    assert report["latency_ms"] == pytest.approx({"p50": 20.0, "p95": 29.0})
    first = report["per_question"][0]
    assert first["sources"]["nyt"] == {"cited": True, "evidence": False, "answer": True, "value": "3"}
    assert first["extra_sources"] == ["afp"]
    assert report["per_question"][1]["sources"]["nyt"]["cited"] is False
    assert report["per_question"][2]["no_answer"] is True
    assert json.loads(json.dumps(report)) == report


def test_zero_denominators_give_zero_for_disagreement_and_none_elsewhere():
    golds = [gold("a", False), gold("b", False)]
    cited = [answer(False, nyt=("x", ["y"])), answer(False)]
    report = scoring.summary(golds, cited, [])
    assert report["disagreement"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert report["evidence_recall"] is None and report["answer_accuracy"] is None
    assert report["source_precision"] is None          # unanswerable questions are left out of it
    assert report["no_answer_accuracy"] == 0.5
    assert report["latency_ms"] == {"p50": None, "p95": None}
    # gold disagrees, nothing flagged: no true positive, no flag at all
    assert scoring.disagreement_scores([gold("c", True)], [answer(False)]) == {"precision": 0.0, "recall": 0.0,
                                                                               "f1": 0.0}
    # nothing unanswerable in the gold: no-answer accuracy is not measured
    assert scoring.no_answer_accuracy([gold("d", False, nyt=(["1"], ["e"]))], [answer()]) is None


def test_null_short_answer_is_wrong_even_with_right_evidence():
    marks = scoring.mark_question(GOLDS[0], answer(False, nyt=(None, ["Abu Taqwa and two others"])))
    assert (marks[0].evidence, marks[0].answer) == (True, False)


def test_missed_floors():
    summary = scoring.report(GOLDS, ANSWERS, LATENCIES)
    assert missed_floors(summary, {"min_evidence_recall": 0.5, "min_disagreement_f1": 0.6}) == []
    assert missed_floors(summary, {"min_evidence_recall": 0.9, "min_disagreement_f1": None}) == [
        "evidence recall 0.500 < 0.900"]
    unmeasured = scoring.summary([gold("x", False)], [answer()], [1.0])
    assert missed_floors(unmeasured, {"min_answer_accuracy": 0.1}) == [
        "answer accuracy not measured (nothing to score) < 0.100"]


# ---------------------------------------------------------------- gold file errors

def run_eval(*args: str, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    environment = dict(os.environ, HF_HUB_OFFLINE="1", **(env or {}))
    return subprocess.run([sys.executable, str(RUN), *map(str, args)], capture_output=True, text=True,
                          env=environment, timeout=timeout, cwd=str(ROOT))


BAD_LINES = [
    ('{"id": "x", "question": "q", ', "not valid JSON"),
    ("[1, 2]", "expected a JSON object, got list"),
    ('{"question": "q", "disagree": false, "sources": {}}', "missing field 'id'"),
    ('{"id": "x", "disagree": false, "sources": {}}', "missing field 'question'"),
    ('{"id": "x", "question": "q", "sources": {}}', "missing field 'disagree'"),
    ('{"id": "x", "question": "q", "disagree": false}', "missing field 'sources'"),
    ('{"id": "x", "question": "q", "disagree": "yes", "sources": {}}', "'disagree' must be true or false"),
    ('{"id": 7, "question": "q", "disagree": false, "sources": {}}', "'id' must be a string, got a number"),
    ('{"id": "x", "question": "q", "disagree": false, "sources": []}', "'sources' must be an object"),
    ('{"id": "x", "question": "q", "disagree": false, "sources": {"nyt": {"answer": ["3"]}}}',
     "sources.nyt is missing field 'evidence'"),
    ('{"id": "x", "question": "q", "disagree": false, "sources": {"nyt": {"answer": ["3"], "evidence": "e"}}}',
     "sources.nyt.evidence must be a list of strings"),
    ('{"id": "x", "question": "q", "disagree": false, "sources": {"nyt": {"answer": [], "evidence": ["e"]}}}',
     "sources.nyt.answer must hold at least one non-empty string"),
    ('{"id": "x", "question": "q", "disagree": false, "sources": {"nyt": {"answer": ["3", 3], "evidence": ["e"]}}}',
     "sources.nyt.answer[1] must be a string, got a number"),
    ('{"id": "x", "question": "  ", "disagree": false, "sources": {}}', "field 'question' is empty"),
    (VALID_LINE, "duplicate id 'ok' (first on line 1)"),
    ('{"id": "x", "id": "y", "question": "q", "disagree": false, "sources": {}}', "the key 'id' twice"),
    ('{"id": "x", "question": "q", "disagree": false, "sources": {"alpha": {"answer": ["3"], "evidence": ["e"]}, '
     '"alpha": {"answer": ["4"], "evidence": ["f"]}}}', "the key 'alpha' twice"),
]


@pytest.mark.parametrize("line,reason", BAD_LINES, ids=[r for _, r in BAD_LINES])
def test_malformed_gold_line_gets_one_line_error_naming_file_and_line(tmp_path, line, reason):
    path = tmp_path / "gold.jsonl"
    path.write_text(VALID_LINE + "\n\n" + line + "\n", encoding="utf-8")   # the bad line is line 3
    with pytest.raises(GoldError) as caught:
        load_gold(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:3: ") and reason in message and "\n" not in message
    done = run_eval("--gold", path)
    assert (done.returncode, done.stderr) == (2, f"eval: {message}\n")
    assert done.stdout == ""


def test_a_gold_file_saved_with_a_byte_order_mark_reads_as_without(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + (VALID_LINE + "\n").encode("utf-8"))
    assert [g.id for g in load_gold(path)] == ["ok"]


def test_line_separators_inside_json_strings_do_not_end_a_line(tmp_path):
    """JSON allows U+2028, U+0085, form feeds, ... raw inside a string; only \\n (or \\r\\n) ends a line."""
    from eval.suites import ramdocs_stories

    odd = "\u2028\u2029\u0085\x0b\x0c\x1c\x1d\x1e"
    path = tmp_path / "gold.jsonl"
    path.write_bytes((json.dumps({"id": "a", "question": f"Who{odd}?", "disagree": False, "sources": {}},
                                 ensure_ascii=False) + "\r\n" + VALID_LINE + "\r\n").encode("utf-8"))
    assert [(g.id, g.question, g.line) for g in load_gold(path)] == [("a", f"Who{odd}?", 1), ("ok", "Who?", 2)]
    path = tmp_path / "r.jsonl"
    path.write_text(ramdocs_line(f"When{odd}?", (f"Built in{odd} 1902.", "correct", "1902")) + "\n",
                    encoding="utf-8")
    [story] = ramdocs_stories(path)
    assert story.golds[0].question == f"When{odd}?" and story.documents["d0"] == f"Built in{odd} 1902."


def test_a_json_error_names_its_column_once(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"id": "a\n', encoding="utf-8")
    with pytest.raises(GoldError) as caught:
        load_gold(path)
    assert str(caught.value) == f"{path}:1: not valid JSON (Unterminated string starting at column 8)"
    path.write_text('{"id": \n', encoding="utf-8")
    with pytest.raises(GoldError) as caught:
        load_gold(path)
    assert str(caught.value) == f"{path}:1: not valid JSON (Expecting value at column 8)"


def test_a_gold_file_not_in_utf8_names_the_line_of_the_bad_byte(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + (VALID_LINE + "\n").encode("utf-8") + b'{"id": "caf\xe9"}\n')
    done = run_eval("--gold", path)
    assert (done.returncode, done.stderr) == (
        2, f"eval: {path}:2: cannot read gold file: byte 0xe9 at column 12 is not UTF-8 (save the file as UTF-8)\n")


def test_missing_and_empty_gold_files(tmp_path):
    done = run_eval("--gold", tmp_path / "nope.jsonl")
    assert (done.returncode, done.stderr) == (2, f"eval: {tmp_path / 'nope.jsonl'}: no such gold file\n")
    (tmp_path / "empty.jsonl").write_text("\n\n", encoding="utf-8")
    done = run_eval("--gold", tmp_path / "empty.jsonl")
    assert (done.returncode, done.stderr) == (2, f"eval: {tmp_path / 'empty.jsonl'}: the gold file holds no questions\n")


def test_missing_corpus_gets_one_line_error(tmp_path):
    done = run_eval("--corpus", tmp_path / "no-such-folder", "--gold", GOLD)
    assert (done.returncode, done.stderr) == (2, f"eval: {tmp_path / 'no-such-folder'}: corpus folder not found\n")
    done = run_eval("--corpus", CORPUS, "--index", tmp_path, "--gold", GOLD)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "not both" in done.stderr


def test_source_not_in_corpus_names_the_line(bundled_index, tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(VALID_LINE + "\n" + json.dumps(
        {"id": "bbc", "question": "q", "disagree": False, "sources": {"bbc": {"answer": ["a"], "evidence": ["e"]}}})
        + "\n", encoding="utf-8")
    done = run_eval("--index", bundled_index, "--gold", path)
    assert done.returncode == 2
    assert done.stderr == (f"eval: {path}:2: source 'bbc' is not a document of the corpus "
                           "(documents: afp, nyt, the-national, upi, washington-post)\n")


def test_a_gold_source_dropped_as_a_reprint_is_told_why_it_is_unknown(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    wire = "A ferry ran aground off Port Elna on Sunday. All 80 passengers were taken off safely.\n"
    (corpus / "wire.txt").write_text(wire)
    (corpus / "wire-reprint.txt").write_text(wire)
    (corpus / "gazette.txt").write_text("The ferry Morna struck a sandbar near Port Elna. Nobody was hurt.\n")
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"id": "passengers", "question": "How many passengers were on board?", "disagree": False,
                                "sources": {"wire-reprint": {"answer": ["80"], "evidence": ["All 80 passengers"]}}})
                    + "\n", encoding="utf-8")
    done = run_eval("--corpus", corpus, "--gold", path)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"eval: duplicate {corpus / 'wire-reprint.txt'}: same text as {corpus / 'wire.txt'} (indexed once, as wire)",
        f"eval: {path}:1: source 'wire-reprint' is not a document of the corpus (documents: gazette, wire)"]


def test_index_that_does_not_exist(tmp_path):
    done = run_eval("--index", tmp_path / "nothing-here", "--gold", GOLD)
    assert done.returncode == 2 and done.stderr.startswith("eval: ") and done.stderr.count("\n") == 1


# ---------------------------------------------------------------- end to end on a corpus of our own

def recomputed(report: dict) -> dict:
    """The summary recomputed from the report's own per-question marks: the two must agree."""
    rows = report["per_question"]
    marks = [m for row in rows for m in row["sources"].values()]
    return {"evidence_recall": sum(m["evidence"] for m in marks) / len(marks),
            "answer_accuracy": sum(m["answer"] for m in marks) / len(marks),
            "no_answer_accuracy": sum(row["no_answer"] for row in rows if row["no_answer"] is not None)
            / sum(1 for row in rows if row["no_answer"] is not None)}


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory):
    """One real run on the fixture corpus, with the default index pointed at a folder that must stay absent."""
    folder = tmp_path_factory.mktemp("eval-run")
    untouched = folder / "default-index"
    done = run_eval("--corpus", CORPUS, "--gold", GOLD, "--json", folder / "report.json",
                    env={"CLAIMQA_INDEX": str(untouched)})
    return done, folder, untouched


def test_script_on_own_corpus_writes_the_contract_report(fixture_run):
    done, folder, untouched = fixture_run
    assert done.returncode == 0, done.stderr
    assert not untouched.exists()                      # --corpus never touches the default index
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert SUMMARY_KEYS <= set(report)
    assert report["questions"] == 6
    assert [row["id"] for row in report["per_question"]] == FIXTURE_IDS
    assert set(report["disagreement"]) == {"precision", "recall", "f1"}
    assert all(0.0 <= report["disagreement"][k] <= 1.0 for k in ("precision", "recall", "f1"))
    for key, value in recomputed(report).items():
        assert report[key] == pytest.approx(value), key
    assert 0.0 <= report["source_precision"] <= 1.0
    assert 0.0 < report["latency_ms"]["p50"] <= report["latency_ms"]["p95"]
    assert [row["disagree"] for row in report["per_question"]] == [True] + [False] * 5
    assert report["per_question"][5]["sources"] == {} and report["per_question"][5]["no_answer"] is not None
    # the pipeline answers a corpus this plain: the wheat sentence is the only one about wheat
    assert report["per_question"][3]["sources"]["harbour-daily"]["evidence"] is True


def test_script_prints_a_row_per_question_and_the_summary(fixture_run):
    done, _, _ = fixture_run
    lines = done.stdout.splitlines()
    for qid in FIXTURE_IDS:
        assert any(line.startswith(qid + " ") for line in lines), qid
    row = next(line for line in lines if line.startswith("injured "))
    assert "harbour-daily:" in row and "coast-tribune:" in row
    for label in ("evidence recall", "answer accuracy", "source precision", "no-answer accuracy",
                  "disagreement F1", "latency p50 (ms)", "latency p95 (ms)"):
        assert any(line.startswith(label) for line in lines), label


def test_compare_and_plot(tmp_path):
    done = run_eval("--corpus", CORPUS, "--gold", GOLD, "--compare", "--plot", tmp_path / "modes.png",
                    "--json", tmp_path / "report.json", "--quiet")
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert list(report["modes"]) == ["dense", "bm25", "hybrid"]
    for run in report["modes"].values():
        assert SUMMARY_KEYS <= set(run) and run["questions"] == 6
    assert report["mode"] == "hybrid"
    assert report["evidence_recall"] == report["modes"]["hybrid"]["evidence_recall"]
    header = next(line for line in done.stdout.splitlines() if "dense" in line)
    assert header.split() == ["dense", "bm25", "hybrid"]
    assert (tmp_path / "modes.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_makes_its_folder_and_a_plot_it_cannot_write_is_one_line(tmp_path, capsys):
    from eval.plotting import plot_modes
    from eval.run import _write_plot

    run = scoring.report(GOLDS, ANSWERS, LATENCIES)
    _write_plot(str(tmp_path / "new" / "plots" / "modes.png"), lambda path: plot_modes({"dense": run}, path))
    assert (tmp_path / "new" / "plots" / "modes.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    (tmp_path / "a-file").write_text("not a folder")
    blocked = tmp_path / "a-file" / "modes.png"
    with pytest.raises(SystemExit) as caught:
        _write_plot(str(blocked), lambda path: plot_modes({"dense": run}, path))
    assert caught.value.code == 2   # exit 1 means a missed floor
    assert capsys.readouterr().err == f"eval: {blocked}: cannot write the plot (File exists)\n"


def test_a_plot_that_is_no_png_is_refused_before_any_work(tmp_path):
    for args in (("--corpus", CORPUS, "--gold", GOLD), ("--suite", tmp_path / "no-such-suite")):
        done = run_eval(*args, "--plot", tmp_path / "modes.svg")
        assert (done.returncode, done.stdout) == (2, "")
        assert done.stderr == f"eval: {tmp_path / 'modes.svg'}: --plot draws a PNG; give a file name ending in .png\n"


def test_missed_floor_exits_one_with_a_one_line_reason(tmp_path):
    """A gold whose evidence no article holds: evidence recall is 0 whatever qa does."""
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"id": "w", "question": "How much wheat did the warehouse hold?", "disagree": False,
                                "sources": {"harbour-daily": {"answer": ["3,000 tonnes"],
                                                              "evidence": ["a sentence no article holds"]}}}) + "\n",
                    encoding="utf-8")
    done = run_eval("--corpus", CORPUS, "--gold", path, "--min-evidence-recall", "0.5", "--quiet")
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == "eval: floor missed: evidence recall 0.000 < 0.500"


def test_default_run_on_a_fresh_clone_builds_the_bundled_index_aside(tmp_path):
    """No data/index yet (a fresh clone): the bundled corpus is indexed in a temporary folder, within a minute."""
    absent = tmp_path / "no-index-here"
    done = run_eval("--quiet", "--json", tmp_path / "report.json", env={"CLAIMQA_INDEX": str(absent)}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert not absent.exists()
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["questions"] == len(load_gold(ROOT / "eval" / "gold.jsonl"))
    assert report["seconds"] < 60


def test_bundled_index_is_recognised_and_others_are_not(bundled_index, tmp_path):
    from eval.running import _holds_exactly

    assert _holds_exactly(bundled_index, ROOT / "data" / "articles")
    assert not _holds_exactly(bundled_index, CORPUS)
    assert not _holds_exactly(tmp_path / "missing", ROOT / "data" / "articles")


# ---------------------------------------------------------------- suites, RAMDocs, baselines

def ramdocs_line(question: str, *documents: tuple[str, str, str]) -> str:
    return json.dumps({"question": question, "documents": [{"text": t, "type": k, "answer": a} for t, k, a in documents],
                       "gold_answers": [], "wrong_answers": []})


def test_ramdocs_maps_onto_gold(tmp_path):
    from eval.suites import ramdocs_stories

    path = tmp_path / "r.jsonl"
    path.write_text("\n".join([
        ramdocs_line("When was the bridge built?", ("The bridge was built in 1902.", "correct", "1902"),
                     ("Built in 1885, the bridge spans the river.", "misinfo", "1885"),
                     ("Tickets and opening hours.", "noise", "unknown")),
        ramdocs_line("What sport does Ana Ruiz play?", ("Ana Ruiz plays tennis.", "correct", "Tennis"),
                     ("Ana Ruiz is a tennis player.", "correct", "tennis")),
        ramdocs_line("Third?", ("x", "noise", "unknown")),
        ramdocs_line("How many moons?", ("It has three moons.", "correct", "three"), ("3 moons.", "correct", "3")),
        ramdocs_line("What year?", ("In two thousand and five.", "correct", "two thousand and five"),
                     ("In 2,005.", "correct", "2005"))]) + "\n", encoding="utf-8")
    assert [s.golds[0].disagree for s in ramdocs_stories(path)[3:]] == [False, False]   # as answers match: "three" = "3"
    stories = ramdocs_stories(path, limit=2)
    assert [s.name for s in stories] == ["1", "2"]
    first, second = stories[0].golds[0], stories[1].golds[0]
    assert list(stories[0].documents) == ["d0", "d1", "d2"]
    assert set(first.sources) == {"d0", "d1"} and first.disagree              # noise is no source; 1902 vs 1885
    assert first.sources["d1"].answer == ["1885"] == first.sources["d1"].evidence
    assert not second.disagree                                                 # "Tennis" = "tennis"
    bad = tmp_path / "bad.jsonl"
    bad.write_text(ramdocs_line("Q?", ("t", "rumour", "x")) + "\n", encoding="utf-8")
    with pytest.raises(GoldError, match=r"bad.jsonl:1: documents\[0\].type"):
        ramdocs_stories(bad)
    bad.write_text('{"question": "Q?", "question": "R?", "documents": []}\n', encoding="utf-8")
    with pytest.raises(GoldError, match=r"bad.jsonl:1: an object gives the key 'question' twice$"):
        ramdocs_stories(bad)


@pytest.fixture(scope="module")
def suite_run(tmp_path_factory):
    """A suite of two stories (the fixture corpus twice, under two names) and a RAMDocs file, with baselines."""
    folder = tmp_path_factory.mktemp("suite")
    for name in ("fire-one", "fire-two"):
        shutil.copytree(CORPUS, folder / "suite" / name)
        shutil.copy(GOLD, folder / "suite" / name / "gold.jsonl")
    shutil.copytree(CORPUS, folder / "suite" / "drafts")   # articles, no gold set yet
    done = run_eval("--suite", folder / "suite", "--baseline", "--json", folder / "suite.json",
                    "--plot", folder / "suite.png")
    return done, folder


def test_suite_pools_stories_and_reports_each(suite_run):
    done, folder = suite_run
    assert done.returncode == 0, done.stderr
    report = json.loads((folder / "suite.json").read_text(encoding="utf-8"))
    assert SUMMARY_KEYS <= set(report) and report["questions"] == 12
    assert list(report["stories"]) == ["fire-one", "fire-two"]
    assert [row["id"] for row in report["per_question"]][:2] == ["fire-one/injured", "fire-one/fire-chief"]
    one, two = report["stories"]["fire-one"], report["stories"]["fire-two"]
    assert one["evidence_recall"] == two["evidence_recall"] == report["evidence_recall"]   # same story twice
    assert set(report["baselines"]) == {"per-doc-3", "global-5"}
    per_doc = report["baselines"]["per-doc-3"]
    assert per_doc["answer_accuracy"] == 0.0 and per_doc["disagreement"]["f1"] == 0.0   # no value, no flag
    assert per_doc["no_answer_accuracy"] == 0.0          # it cites every document, answerable or not
    assert (folder / "suite.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    lines = done.stdout.splitlines()
    assert any(line.startswith("fire-two ") and "|" in line for line in lines)
    assert any(line.startswith("pooled ") for line in lines)
    assert f"eval: {folder / 'suite' / 'drafts'}: no gold.jsonl in it; left out of the suite\n" in done.stderr


def test_long_ids_keep_their_ends_in_the_table(capsys):
    from eval.printing import print_table

    ids = [f"harbour-ferry-capsize-story/harbour-ferry-capsize-story-{end}" for end in ("lifeboats", "departure")]
    print_table([{"id": i, "latency_ms": 1.0, "disagree": False, "flag": False, "sources": {}, "no_answer": True,
                  "extra_sources": []} for i in ids])
    rows = capsys.readouterr().out.splitlines()[1:3]
    assert rows[0].split()[0].endswith("-lifeboats") and rows[1].split()[0].endswith("-departure")
    assert all(len(row.split()[0]) == 40 for row in rows)


def test_per_doc_baseline_cites_every_document_with_three_sentences(suite_run):
    _, folder = suite_run
    report = json.loads((folder / "suite.json").read_text(encoding="utf-8"))
    row = report["baselines"]["per-doc-3"]["per_question"][0]
    assert sorted(row["extra_sources"] + list(row["sources"])) == ["coast-tribune", "harbour-daily", "valley-news"]


def test_ramdocs_run_indexes_each_question_alone(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join([
        ramdocs_line("When was the Old Mill bridge built?", ("The Old Mill bridge was built in 1902 by the county.", "correct", "1902"),
                     ("Records say the Old Mill bridge was built in 1885.", "misinfo", "1885"),
                     ("Opening hours of the museum shop are from nine to five.", "noise", "unknown")),
        ramdocs_line("What sport does Ana Ruiz play?", ("Ana Ruiz plays tennis for the national team.", "correct", "tennis"))]) + "\n",
        encoding="utf-8")
    done = run_eval("--ramdocs", path, "--baseline", "--json", tmp_path / "r.json", "--quiet")
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [row["id"] for row in report["per_question"]] == ["1", "2"]
    assert list(report["per_question"][0]["sources"]) == ["d0", "d1"]
    assert report["baselines"]["per-doc-3"]["evidence_recall"] == 1.0   # each document's best sentences
    # the per-doc baseline cites the noise document too; global-5 cites every document of 3 sentences
    assert report["baselines"]["per-doc-3"]["per_question"][0]["extra_sources"] == ["d2"]


def test_a_suite_gold_source_not_in_its_story_names_the_gold_line(tmp_path):
    story = tmp_path / "suite" / "fire"
    shutil.copytree(CORPUS, story)
    typo = {"id": "typo", "question": "Who led the firefighters?", "disagree": False,
            "sources": {"harbour-dialy": {"answer": ["Ruth Okafor"], "evidence": ["Ruth Okafor"]}}}
    (story / "gold.jsonl").write_text(VALID_LINE + "\n" + json.dumps(typo) + "\n", encoding="utf-8")
    done = run_eval("--suite", tmp_path / "suite", "--quiet")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (f"eval: {story / 'gold.jsonl'}:2: source 'harbour-dialy' is not a document of the corpus "
                           "(documents: coast-tribune, harbour-daily, valley-news)\n")


def test_a_question_never_asked_adds_no_latency(tmp_path):
    """A question whose documents index nothing is scored unanswered but was never timed: no 0.0 ms sample."""
    path = tmp_path / "r.jsonl"
    path.write_text(ramdocs_line("When was the bridge built?", ("", "correct", "1902")) + "\n"
                    + ramdocs_line("Who won?", (" ", "correct", "Ana"), ("\n", "noise", "unknown")) + "\n",
                    encoding="utf-8")
    done = run_eval("--ramdocs", path, "--json", tmp_path / "r.json", "--quiet")
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["latency_ms"] == {"p50": None, "p95": None}
    assert [row["latency_ms"] for row in report["per_question"]] == [None, None]
    assert report["evidence_recall"] == 0.0 and report["questions"] == 2
    # each refusal is a line of its own: the progress bar is cleared ("\r") before it, not glued in front
    shown = [line.split("\r")[-1] for line in done.stderr.split("\n")]
    assert [line.split(": refused ")[0] for line in shown if "refused" in line] == ["eval: 1", "eval: 2", "eval: 2"]
    assert all(line.startswith("eval: ") for line in shown if "refused" in line)


def test_suite_and_ramdocs_together_keep_every_story(tmp_path):
    """A story folder named "1" and RAMDocs question 1 are two stories: the question is "ramdocs/1"."""
    story = tmp_path / "suite" / "1"
    shutil.copytree(CORPUS, story)
    (story / "gold.jsonl").write_text(GOLD.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    path = tmp_path / "r.jsonl"
    path.write_text(ramdocs_line("What sport does Ana Ruiz play?",
                                 ("Ana Ruiz plays tennis for the national team.", "correct", "tennis")) + "\n",
                    encoding="utf-8")
    done = run_eval("--suite", tmp_path / "suite", "--ramdocs", path, "--json", tmp_path / "r.json", "--quiet")
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert list(report["stories"]) == ["1", "ramdocs/1"]
    assert [row["id"] for row in report["per_question"]] == ["1/injured", "ramdocs/1"]
    assert report["stories"]["ramdocs/1"]["questions"] == 1


def test_suite_errors_are_one_line(tmp_path):
    (tmp_path / "empty").mkdir()
    for args, reason in [(("--suite", tmp_path / "nope"), "suite folder not found"),
                         (("--suite", tmp_path / "empty"), "no story folder"),
                         (("--ramdocs", tmp_path / "none.jsonl"), "no such RAMDocs file"),
                         (("--limit", "3"), "--limit goes with --ramdocs"),
                         (("--suite", tmp_path / "empty", "--gold", GOLD), "leave out --gold"),
                         (("--ramdocs", tmp_path / "none.jsonl", "--gold", GOLD), "leave out --gold")]:
        done = run_eval(*args)
        assert done.returncode == 2, args
        assert done.stderr.startswith("eval: ") and done.stderr.count("\n") == 1 and reason in done.stderr, done.stderr
