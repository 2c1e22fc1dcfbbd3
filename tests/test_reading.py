"""Reading files, folders and sources.csv: metadata, formats, and a clear refusal for each bad input."""
from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pytest

from conftest import BUNDLED_CORPUS, BUNDLED_IDS
from index.reading import Article, Refusal, read_articles

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOOD = "Iraq's parliament met on Friday to debate the strike on Baghdad.\n"


def by_id(articles: list[Article]) -> dict[str, Article]:
    return {a.doc_id: a for a in articles}


def test_bundled_articles_take_their_metadata_from_sources_csv():
    articles, refused = read_articles([BUNDLED_CORPUS])
    assert refused == []
    assert [a.doc_id for a in articles] == BUNDLED_IDS
    with open(BUNDLED_CORPUS / "sources.csv", newline="") as f:
        rows = {row["file"]: row for row in csv.DictReader(f)}
    for a in articles:
        row = rows[f"{a.doc_id}.txt"]
        assert (a.outlet, a.published) == (row["outlet"], row["published"])
        if row["title"]:
            assert a.title == row["title"]
        assert a.path == str(BUNDLED_CORPUS / f"{a.doc_id}.txt")
        # .txt text is the file as it is, so spans are spans of the file.
        assert a.text == (BUNDLED_CORPUS / f"{a.doc_id}.txt").read_text(encoding="utf-8")
        assert a.content_hash == hashlib.sha256(a.text.encode()).hexdigest()
        assert a.encoding == "utf-8"


def test_without_sources_csv_outlets_and_dates_come_from_the_text(tmp_path):
    for name in BUNDLED_IDS:
        shutil.copy(BUNDLED_CORPUS / f"{name}.txt", tmp_path)
    articles, refused = read_articles([tmp_path])
    assert refused == []
    found = {a.doc_id: (a.outlet, a.published) for a in articles}
    assert found == {
        "afp": ("AFP", None),                      # "BAGHDAD (AFP) –" and "© 2024 AFP"; no date in the text
        "nyt": ("nyt", None),                      # names itself nowhere: the document id
        "the-national": ("The National", "2024-01-05"),   # "told The National"; "Updated: January 05, 2024"
        "upi": ("UPI", "2024-01-04"),              # "Jan. 4 (UPI) --"; "Jan. 4, 2024 / 11:07 PM"
        "washington-post": ("washington-post", None),    # "Kirby told Fox News" is another outlet, not this one
    }
    titles = {a.doc_id: a.title for a in articles}
    assert titles == {
        "afp": None, "nyt": None,
        "the-national": "US strike kills pro-Iran commander in Baghdad",
        "upi": "U.S. kills terrorist leader in Baghdad airstrike, angering Iraq",
        "washington-post": "U.S. strike in Baghdad kills key militia commander, officials say",
    }


def test_html_text_comes_from_trafilatura_with_page_chrome_dropped():
    (page,), refused = read_articles([FIXTURES / "page.html"])
    assert refused == []
    assert (page.doc_id, page.outlet, page.published, page.title, page.url, page.byline) == (
        "page", "Gulf Ledger", "2024-01-06", "Iraq summons US envoy over Baghdad strike",
        "https://gulfledger.example/world/iraq-summons-envoy", "Rana Haddad")
    for chrome in ["dataLayer", "font-family", "Opinion", "Middle East", "Most read", "Oil prices", "Subscribe",
                   "All rights reserved", "Who was Abu Taqwa"]:
        assert chrome not in page.text
    # The headline is the title, and the photo's caption no story text, to trafilatura.
    assert [s.text for s in page.sentences] == [
        "BAGHDAD — Iraq’s Foreign Ministry summoned the U.S. chargé d’affaires on Saturday to protest the drone "
        "strike that killed a militia commander in the capital.",
        "The ministry called the strike “a dangerous escalation.”",
        "It did not say what the envoy was told.",
        "Maj. Gen. Pat Ryder, the Pentagon spokesman, said the U.S. acted in self-defense.",
        "He took no questions.",   # after a <br>: a line of its own
    ]
    assert all(page.text[s.start:s.end] == s.text for s in page.sentences)


def test_a_linked_folder_is_read_as_a_linked_file_is_and_a_link_back_up_ends_there(tmp_path):
    # A corpus that links in a story's folder: the folder was skipped without a word ("no .txt ...
    # files in this folder" when it was the only thing there), though a linked file is read.
    import os

    story = tmp_path / "elsewhere" / "ferry"
    story.mkdir(parents=True)
    (story / "wire.txt").write_text(GOOD)
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    os.symlink(story, corpus / "ferry")
    os.symlink(story, corpus / "sub" / "ferry-again")   # the same folder twice: read once
    os.symlink("..", corpus / "sub" / "up")              # a loop
    (tmp_path / "elsewhere" / "gazette.txt").write_text(GOOD.replace("Friday", "Saturday"))
    os.symlink(tmp_path / "elsewhere" / "gazette.txt", corpus / "sub" / "linked.txt")

    articles, refused = read_articles([corpus])

    assert refused == []
    assert sorted((a.doc_id, a.path) for a in articles) == [
        ("linked", str(corpus / "sub" / "linked.txt")), ("wire", str(corpus / "ferry" / "wire.txt"))]


def test_markdown_is_read_as_plain_text_without_markup():
    (md,), refused = read_articles([FIXTURES / "briefing.md"])
    assert refused == []
    assert (md.doc_id, md.outlet, md.published, md.title) == (
        "briefing", "Reuters", None, "Militia vows revenge after Baghdad strike")
    assert md.byline == "By Omar Saleh; Reporting by Omar Saleh; editing by Mark Potter"
    for markup in ["#", "**", "](", "![", "> "]:
        assert markup not in md.text
    assert [s.text for s in md.sentences] == [
        "Militia vows revenge after Baghdad strike",
        # The hard-wrapped paragraph is one line, its link reduced to the link text.
        "BAGHDAD (Reuters) - Harakat al-Nujaba vowed on Friday to avenge its commander, who was killed in a U.S. "
        "drone strike on Thursday, and called on the Iraqi government to expel foreign troops.",
        '"We will respond at a time of our choosing," a spokesman said in a statement.',
        "The group said:",
        "its fighters were on alert in Baghdad;",
        "the funeral would be held on Saturday.",
    ]
    assert all(md.text[s.start:s.end] == s.text for s in md.sentences)


def test_markdown_lines_of_unclosed_marks_are_read_in_time_linear_in_their_length(tmp_path):
    """A line of 100,000 characters of opening marks that never close ('**a **a ...', '[a [a ...',
    a heading ending in spaces): each inline pattern scanned from every mark to the line's end,
    15-60 s a line here (hours for a 2 MB file). Now each scan stops at the next mark."""
    import signal
    import time

    shapes = ["**a ", "*a ", "_a ", "[a ", "[a](", "![a](", "<a ", "<http://a "]
    lines = [unit * (100_000 // len(unit)) for unit in shapes] + ["# A heading" + " " * 100_000 + "ends"]
    (tmp_path / "marks.md").write_text("Marks that never close\n\n" + "\n\n".join(lines) + "\n")

    def too_slow(*_):
        raise TimeoutError("reading the Markdown file took over 60 s")

    before = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(60)
    try:
        started = time.perf_counter()
        (article,), refused = read_articles([tmp_path / "marks.md"])
        seconds = time.perf_counter() - started
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, before)
    assert refused == [] and article.sentences
    assert seconds < 20, f"{seconds:.1f} s"


def test_markdown_marks_still_read_as_before():
    from index.reading import markdown_text

    assert markdown_text("# Title ##")[0] == "Title" and markdown_text("# C#")[0] == "C#"
    assert markdown_text("**bold**, *em*, _em_, __strong__ and ***both***")[0] == "bold, em, em, strong and both"
    assert markdown_text("*a * b* and _a snake_case b_")[0] == "a * b and a snake_case b"
    assert markdown_text("[link](http://x.com/a_(b)) ![img](a.png) [ref][1] <http://e.com/x> <b>x</b> `c`")[0] == \
        "link)  ref http://e.com/x x c"


def test_each_bad_input_is_refused_with_its_reason_and_the_good_files_are_read(tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "empty.txt").write_text("")
    (folder / "blank.txt").write_text("  \n\n ")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (folder / "junk-only.txt").write_text("[ad_1]\nShare this article\nSource link\n")
    (folder / "undecodable.txt").write_bytes(b"Iraq \x81\x8d\x9d strike.\n")   # bytes cp1252 leaves undefined
    (folder / "good.txt").write_text(GOOD)
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")          # in a folder: skipped without a word
    (folder / "empty-folder").mkdir()
    named = tmp_path / "report.pdf"
    named.write_bytes(b"%PDF-1.4")

    articles, refused = read_articles([folder, tmp_path / "nowhere.txt", named, folder / "empty-folder"])
    assert [a.doc_id for a in articles] == ["good"]
    assert [s.text for s in articles[0].sentences] == [GOOD.strip()]
    assert sorted(refused, key=lambda r: r.path) == sorted([
        Refusal(str(folder / "binary.txt"), "binary file (NUL bytes), not text"),
        Refusal(str(folder / "blank.txt"), "empty file"),
        Refusal(str(folder / "empty.txt"), "empty file"),
        Refusal(str(folder / "junk-only.txt"), "no story text left after removing page junk"),
        Refusal(str(folder / "undecodable.txt"), "not text: the bytes are neither UTF-8 nor Windows-1252"),
        Refusal(str(tmp_path / "nowhere.txt"), "no such file or folder"),
        Refusal(str(named), "unsupported file type '.pdf' (expected .txt, .md, .html, .htm)"),
        Refusal(str(folder / "empty-folder"), "no .txt, .md, .html, .htm files in this folder"),
    ], key=lambda r: r.path)
    assert str(refused[0]).count("\n") == 0 and str(refused[0]).startswith(str(refused[0].path) + ": ")


def test_windows_1252_is_the_fallback_when_utf8_fails(tmp_path):
    raw = "The minister called it a \u201cflagrant violation\u201d \u2013 and left the caf\u00e9.\n"
    (tmp_path / "legacy.txt").write_bytes(raw.encode("cp1252"))
    with pytest.raises(UnicodeDecodeError):
        raw.encode("cp1252").decode("utf-8")
    (legacy,), refused = read_articles([tmp_path / "legacy.txt"])
    assert refused == [] and legacy.encoding == "cp1252"
    assert legacy.text == raw
    assert [s.text for s in legacy.sentences] == [raw.strip()]


def test_byte_order_marks_are_honoured(tmp_path):
    (tmp_path / "bom8.txt").write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    (tmp_path / "bom16.txt").write_bytes(GOOD.encode("utf-16"))   # with its BOM; full of NUL bytes
    articles, refused = read_articles([tmp_path])
    assert refused == []
    assert [(a.doc_id, a.text, a.encoding) for a in articles] == [
        ("bom16", GOOD, "utf-16"), ("bom8", GOOD, "utf-8")]


def write_manifest(folder: Path, text: str) -> Path:
    path = folder / "sources.csv"
    path.write_text(text)
    return path


def test_manifest_rows_that_are_bad_are_refused_by_line_and_the_articles_still_read(tmp_path):
    for name in ["upi", "nyt", "afp"]:
        shutil.copy(BUNDLED_CORPUS / f"{name}.txt", tmp_path)
    manifest = write_manifest(tmp_path, (
        "file,outlet,published,title,url\n"
        "nyt.txt,The New York Times,2024-01-04,,https://nytimes.example/strike\n"
        "gone.txt,Nobody,2024-01-04,,\n"
        "upi.txt,United Press International,4 Jan 2024,,\n"
        "afp.txt,AFP,2024-01-04,Pentagon says strike, killed commander,\n"
    ))
    articles, refused = read_articles([tmp_path])
    assert refused == [
        Refusal(str(manifest), "line 4: published '4 Jan 2024' is not an ISO date (YYYY-MM-DD); "
                               "row ignored, metadata read from the text"),
        Refusal(str(manifest), "line 5: 6 fields but the header has 5 (quote a value that holds a comma); "
                               "row ignored"),
        Refusal(str(manifest), f"line 3: names 'gone.txt', which does not exist in {tmp_path}"),
    ]
    got = {a.doc_id: (a.outlet, a.published, a.url) for a in articles}
    assert got == {
        "nyt": ("The New York Times", "2024-01-04", "https://nytimes.example/strike"),   # a good row
        "upi": ("UPI", "2024-01-04", None),      # bad row ignored: from the text
        "afp": ("AFP", None, None),
    }


def test_a_quote_that_never_closes_is_refused_at_its_line_and_swallows_no_other_row_silently(tmp_path):
    for name in ["dawn", "dusk", "noon"]:
        (tmp_path / f"{name}.txt").write_text(f"The {name} ferry left Port Elna on time. Nobody was hurt.\n")
    manifest = write_manifest(tmp_path, (
        "file,outlet,published\n"
        "dawn.txt,Dawn Wire,2025-05-12\n"
        'dusk.txt,"Dusk Post,2025-05-12\n'
        "noon.txt,Noon News,2025-05-12\n"))
    articles, refused = read_articles([tmp_path])
    assert refused == [Refusal(str(manifest), "line 3: a quoted value runs on to line 4 (a quote never closed?); "
                                              "it is ignored, with every row it took in")]
    assert {a.doc_id: a.outlet for a in articles} == {"dawn": "Dawn Wire", "dusk": "dusk", "noon": "noon"}


def test_manifest_without_a_file_column_is_refused_and_the_articles_read(tmp_path):
    shutil.copy(BUNDLED_CORPUS / "upi.txt", tmp_path)
    manifest = write_manifest(tmp_path, "name,outlet\nupi.txt,Someone Else\n")
    articles, refused = read_articles([tmp_path])
    assert refused == [Refusal(str(manifest), "line 1: no 'file' column (the header is 'name,outlet', expected "
                                              "file,outlet,published,title,url); metadata read from the text")]
    assert [(a.doc_id, a.outlet) for a in articles] == [("upi", "UPI")]


def test_manifest_applies_to_a_file_named_directly_and_may_be_named_itself(tmp_path):
    shutil.copy(BUNDLED_CORPUS / "nyt.txt", tmp_path)
    manifest = write_manifest(tmp_path, "file,outlet,published\nnyt.txt,The Times,2024-01-04\nlost.txt,,\n")
    # `claimqa ingest folder/*` names the manifest too: it is checked, not refused as a file type.
    articles, refused = read_articles([tmp_path / "nyt.txt", manifest])
    assert [(a.doc_id, a.outlet, a.published) for a in articles] == [("nyt", "The Times", "2024-01-04")]
    assert refused == [Refusal(str(manifest), f"line 3: names 'lost.txt', which does not exist in {tmp_path}")]
    # Naming only the article checks no other row.
    articles, refused = read_articles([tmp_path / "nyt.txt"])
    assert refused == [] and articles[0].outlet == "The Times"


def test_one_document_id_per_call(tmp_path):
    (tmp_path / "brief.txt").write_text(GOOD)
    (tmp_path / "brief.md").write_text("# Brief\n\n" + GOOD)
    articles, refused = read_articles([tmp_path, tmp_path / "brief.txt"])   # the file twice: read once
    assert [a.path for a in articles] == [str(tmp_path / "brief.md")]
    assert refused == [Refusal(str(tmp_path / "brief.txt"), f"document id 'brief' is already used by "
                                                            f"{tmp_path / 'brief.md'}; rename one of the files")]


def test_metadata_written_in_the_text_of_other_scrapes(tmp_path):
    (tmp_path / "wire.txt").write_text(
        "Posted 3 March 2026\nDrone strike hits convoy near Erbil\n"
        "ERBIL, Iraq, March 3 (Reuters) - A drone struck a convoy near Erbil airport on Monday.\n")
    (tmp_path / "gulf.txt").write_text(
        "Ministers met on Sunday. \u201cWe are ready,\u201d an official told Gulf Ledger.\n"
        "Smoke rose over the port. File Photo by Sam Lee/EPA\n")
    articles, refused = read_articles([tmp_path])
    assert refused == []
    got = {a.doc_id: (a.outlet, a.published, a.title) for a in articles}
    assert got == {"wire": ("Reuters", "2026-03-03", "Drone strike hits convoy near Erbil"),
                   "gulf": ("Gulf Ledger", None, None)}


def test_a_page_nested_thousands_deep_is_still_read(tmp_path):
    (tmp_path / "deep.html").write_text(
        "<html><body>" + "<div>" * 5000 + "<p>Deep in the page, the story sits alone.</p>" + "</div>" * 5000)
    (deep,), refused = read_articles([tmp_path / "deep.html"])
    assert refused == [] and [s.text for s in deep.sentences] == ["Deep in the page, the story sits alone."]


CRAWLED_PAGE = """<!DOCTYPE html>
<html><head>
  <title>Library roof gives way after storm | Valley Courier</title>
  <meta property="og:site_name" content="Valley Courier">
  <link rel="canonical" href="https://valleycourier.example/news/library-roof">
  <script>var ads = {"slot": "top-banner"};</script>
</head><body>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav>
  <div class="ad banner">Advertisement: Summer sale on garden furniture, 40% off this week only</div>
  <main><article>
    <h1>Library roof gives way after storm</h1>
    <p class="meta">By Ines Okafor &middot; <time datetime="2025-03-14T09:30:00Z">14 March 2025</time></p>
    <p>Part of the roof of the town library collapsed on Thursday night after hours of heavy rain, the fire service said.</p>
    <p>No one was inside the building when the ceiling of the reading room fell in, shortly after 11 p.m.</p>
    <div class="ad inline">Advertisement: Try our new crossword app free for a month</div>
    <p>Engineers will inspect the remaining structure on Monday, and the library will stay closed until then.</p>
    <p>The council said about 3,000 books had been moved to a school hall.</p>
  </article></main>
  <section id="comments" class="comments">
    <h3>Comments (2)</h3>
    <div class="comment"><p>Terrible news, I was there on Tuesday with my kids.</p></div>
    <div class="comment"><p>The council was warned about that roof years ago!</p></div>
  </section>
  <aside class="related"><h4>Most read</h4><ul><li>Bakery wins regional prize</li><li>Bus timetable changes</li></ul></aside>
  <footer><p>Subscribe to our newsletter</p><p>&copy; 2025 Valley Courier. All rights reserved.</p></footer>
</body></html>
"""
STORY = [
    "Part of the roof of the town library collapsed on Thursday night after hours of heavy rain, the fire "
    "service said.",
    "No one was inside the building when the ceiling of the reading room fell in, shortly after 11 p.m.",
    "Engineers will inspect the remaining structure on Monday, and the library will stay closed until then.",
    "The council said about 3,000 books had been moved to a school hall.",
]


def test_a_crawled_page_keeps_the_story_and_drops_menus_ads_comments_and_footer(tmp_path):
    (tmp_path / "library-roof.html").write_text(CRAWLED_PAGE)
    (page,), refused = read_articles([tmp_path / "library-roof.html"])
    assert refused == []
    assert (page.outlet, page.published, page.title, page.url) == (
        "Valley Courier", "2025-03-14", "Library roof gives way after storm",
        "https://valleycourier.example/news/library-roof")
    sentences = [s.text for s in page.sentences]
    assert [s for s in sentences if s in STORY] == STORY   # the whole story, in order
    for furniture in ["Sport", "Weather", "Advertisement", "garden furniture", "crossword", "Terrible news",
                      "warned about that roof", "Comments", "Most read", "Bakery", "Subscribe", "All rights reserved",
                      "top-banner"]:
        assert furniture not in page.text, furniture
    assert all(page.text[s.start:s.end] == s.text for s in page.sentences)


def test_sources_csv_wins_over_what_the_page_says_of_itself(tmp_path):
    (tmp_path / "library-roof.html").write_text(CRAWLED_PAGE)
    (tmp_path / "sources.csv").write_text("file,outlet,published,title,url\n"
                                          "library-roof.html,Courier Weekly,2025-03-15,,\n")
    (page,), refused = read_articles([tmp_path])
    assert refused == []
    assert (page.outlet, page.published, page.title) == ("Courier Weekly", "2025-03-15",
                                                         "Library roof gives way after storm")


def test_a_page_without_metadata_takes_its_outlet_from_the_text_else_its_file_name(tmp_path):
    body = ("<html><body><div id='menu'><a href='/'>Front page</a> <a href='/world'>World</a></div>"
            "<div class='story'><p>HARBORTON (Reuters) - Dock workers walked out on Friday over a pay offer, "
            "halting cargo at the port.</p><p>The union said the strike would last 48 hours.</p>"
            "<p>Port managers said ships would be diverted to other terminals.</p></div></body></html>")
    (tmp_path / "wire.html").write_text(body)
    (tmp_path / "plain.html").write_text(body.replace("HARBORTON (Reuters) - ", ""))
    articles, refused = read_articles([tmp_path])
    assert refused == []
    got = {a.doc_id: (a.outlet, a.published) for a in articles}
    assert got == {"plain": ("plain", None), "wire": ("Reuters", None)}
    assert "Front page" not in articles[0].text


def test_an_error_page_or_a_consent_banner_saved_for_an_article_is_refused_and_a_paywall_cut_keeps_the_story(tmp_path):
    head = "<!doctype html><html><head><title>{}</title><meta property='og:site_name' content='Harbour Times'></head>"
    (tmp_path / "gone.html").write_text(
        head.format("Page not found | Harbour Times") + "<body><nav><a href='/'>Home</a></nav><main>"
        "<h1>404 - Page not found</h1><p>Sorry, the page you are looking for does not exist or has been moved.</p>"
        "<p><a href='/'>Return to the homepage</a></p></main></body></html>")
    (tmp_path / "consent.html").write_text(
        head.format("Harbour Times") + "<body><div class='consent'><h2>We value your privacy</h2><p>We and our "
        "partners use cookies to store and access information on your device.</p><button>Accept all</button>"
        "</div></body></html>")
    (tmp_path / "bridge-vote.html").write_text(
        head.format("Council approves new bridge | Harbour Times") + "<body><article><h1>Council approves new "
        "bridge</h1><p>The city council voted 7-2 on Tuesday to approve a new bridge over the Melk.</p>"
        "<div class='paywall'><p>Subscribe to continue reading. Already a subscriber? Log in.</p></div>"
        "</article></body></html>")
    articles, refused = read_articles([tmp_path])
    assert refused == [
        Refusal(str(tmp_path / "consent.html"), 'no story text: the page is the site\'s notice "We and our partners '
                                                'use cookies to store and access informa…", not an article'),
        Refusal(str(tmp_path / "gone.html"), 'no story text: the page is the site\'s notice "404 - Page not '
                                             'found", not an article')]
    (vote,) = articles
    assert [s.text for s in vote.sentences] == [
        "Council approves new bridge", "The city council voted 7-2 on Tuesday to approve a new bridge over the Melk."]
