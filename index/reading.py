"""Read article files (.txt, .md, .html) and sources.csv into Articles ready to index.

What `Article.text` holds, by format (every sentence span points into it):
- .txt: the decoded file as it is, so a span is also a span of the file.
- .html/.htm: the article text of a crawled page as trafilatura extracts it (navigation, ads,
  related links, comment threads and page furniture dropped), one line per paragraph; a page it
  cannot read falls back to a BeautifulSoup walk (scripts, navigation, header, footer, asides and
  forms dropped, one line per block element).
- .md: plain text with the Markdown markup removed (headings, emphasis, links, lists, quotes),
  one line per paragraph, like the HTML text. Raw Markdown would put `**` and `[..](url)` inside
  sentences, which the embedder would read and the reader would be shown.

Decoding: UTF-8 (with or without BOM; UTF-16 with a BOM), else Windows-1252 when the bytes decode
under it and hold no control characters (8-bit scrapes saved on Windows); anything else is refused.

Metadata, first found wins: sources.csv beside the file; then what trafilatura reads of the page
(title, og:site_name or the publisher, the published date in its markup, canonical URL, author); then the text itself (dateline "(AFP)", "© 2024 AFP",
"a US official told The National", a photo credit ".../UPI"; timestamp lines; the headline); the
outlet falls back to the document id. Bylines and timestamps are metadata, never sentences.
"""
from __future__ import annotations

import codecs
import csv
import errno
import hashlib
import io
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

from . import cleaning
from .sentences import SentenceSpan, split_sentences

__all__ = ["Article", "Manifest", "Refusal", "SentenceSpan", "read_articles", "read_manifest", "MANIFEST", "SUPPORTED"]

MANIFEST = "sources.csv"
SUPPORTED = (".txt", ".md", ".html", ".htm")
MANIFEST_COLUMNS = ("file", "outlet", "published", "title", "url")
# The largest file read, article or manifest. A long article is 20-100 KB of text and well under
# 1 MB as HTML; a 50 MB file is a dump (514,530 sentences, two hours of embedding), not an article.
MAX_FILE_BYTES = 2 * 1024 * 1024


@dataclass
class Article:
    doc_id: str            # file name without extension: "the-national.txt" -> "the-national"
    path: str              # the file it was read from
    text: str              # the article as shown to readers; every span points into it
    content_hash: str      # sha256 hex of `text`
    outlet: str
    published: str | None  # ISO date, "2024-01-04"
    title: str | None = None
    url: str | None = None
    byline: str | None = None
    sentences: list[SentenceSpan] = field(default_factory=list)
    encoding: str = "utf-8"  # how the file's bytes were decoded ("cp1252" when UTF-8 failed)


@dataclass(frozen=True)
class Refusal:
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class _Refused(Exception):
    """One file cannot be read; the message is the one-line reason."""


def read_articles(paths: Iterable[str | os.PathLike]) -> tuple[list[Article], list[Refusal]]:
    """Read files and folders of articles; never raises for bad input.

    Folders give the .txt/.md/.html/.htm files inside them, recursively, in sorted order (other
    files are skipped; sources.csv is the manifest). A file named directly must have one of those
    types. Every problem becomes a Refusal and the other files are still read.
    """
    refusals: list[Refusal] = []
    articles = [article for article, _ in read_each(paths, refusals)]
    return articles, refusals


def read_each(paths: Iterable[str | os.PathLike], refusals: list[Refusal]) -> Iterator[tuple[Article, dict[str, str]]]:
    """`read_articles` one article at a time, with the sources.csv row it was read with (so that
    `read_article(Path(article.path), row)` reads it again). Refusals are appended to `refusals`
    as they are found: those of the file list and the manifests before the first article.

    Only the file names and the manifests are held; a folder of a million articles streams."""
    files: list[Path] = []
    checked: dict[Path, Path] = {}   # manifests whose every row is checked: resolved path -> as named
    for given in paths:
        path = Path(given)
        broken = _broken_link(path)
        if broken:
            refusals.append(Refusal(str(path), broken))
        elif path.is_dir():
            found = _articles_in(path)
            if not found:
                refusals.append(Refusal(str(path), f"no {', '.join(SUPPORTED)} files in this folder"))
            files.extend(found)
            checked.update((m.resolve(), m) for m in _manifests_in(path))
        elif path.is_file() and path.name == MANIFEST:
            checked.setdefault(path.resolve(), path)   # named itself (a shell glob): check it, read no article for it
        elif path.is_file() and path.suffix.lower() in SUPPORTED:
            files.append(path)
        elif path.exists():
            refusals.append(Refusal(str(path), f"unsupported file type '{path.suffix or path.name}' "
                                               f"(expected {', '.join(SUPPORTED)})"))
        else:
            refusals.append(Refusal(str(path), "no such file or folder"))

    manifests: dict[Path, Manifest] = {}
    for key, path in sorted(checked.items(), key=lambda item: str(item[1])):
        manifests[key] = manifest = read_manifest(path)
        refusals.extend(manifest.problems)
        refusals.extend(manifest.missing())

    seen_files: set[Path] = set()
    taken: dict[str, str] = {}
    for path in files:
        problem = _broken_link(path)
        if problem:   # a symlink loop in a folder: one refusal, the rest of the batch is still read
            refusals.append(Refusal(str(path), problem))
            continue
        if path.resolve() in seen_files:   # the same file named twice (a folder and the file in it)
            continue
        seen_files.add(path.resolve())
        doc_id = path.stem
        if doc_id in taken:
            refusals.append(Refusal(str(path), f"document id '{doc_id}' is already used by {taken[doc_id]}; "
                                               "rename one of the files"))
            continue
        key = (path.parent / MANIFEST).resolve()
        if key not in manifests and key.is_file():
            manifests[key] = manifest = read_manifest(path.parent / MANIFEST)
            refusals.extend(manifest.problems)
        row = manifests[key].rows.get(path.name, {}) if key in manifests else {}
        try:
            article = read_article(path, row)
        except _Refused as refused:
            refusals.append(Refusal(str(path), str(refused)))
            continue
        except (OSError, RuntimeError, ValueError, RecursionError) as error:   # never abort the batch
            refusals.append(Refusal(str(path), f"cannot read: {error}"))
            continue
        taken[doc_id] = str(path)
        yield article, row


def read_again(article_path: str, row: dict[str, str]) -> Article | Refusal:
    """The article at `article_path` read once more (its text was not kept), or why it cannot be."""
    try:
        return read_article(Path(article_path), row)
    except _Refused as refused:
        return Refusal(article_path, str(refused))
    except (OSError, RuntimeError, ValueError, RecursionError) as error:
        return Refusal(article_path, f"cannot read: {error}")


def read_article(path: Path, row: dict[str, str] | None = None) -> Article:
    """One article file, cleaned and split; `row` is its sources.csv row (may be empty).
    Raises _Refused with the reason when the file cannot be used."""
    undecoded = _undecoded_path(path)
    if undecoded:   # the index (SQLite) and every page hold text: the path could not be stored
        raise _Refused(undecoded)
    if not path.stem.isprintable():   # the id is printed by `claimqa sources` and shown on the page
        raise _Refused("the file name holds control characters (a terminal escape?); rename the file")
    data = _read_bytes(path)
    text, encoding = _decode(data, html=path.suffix.lower() in (".html", ".htm"))
    text = _blank_controls(text)
    if not text.strip():
        raise _Refused("empty file")
    head: dict[str, str] = {}
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        text, head = html_text(text)
    elif suffix == ".md":
        text, head = markdown_text(text)

    cleaned = cleaning.clean(text)
    sentences = [s for s in split_sentences(text, cleaned.blocks) if not cleaning.is_debris(s.text)]
    if not sentences:
        notices = cleaned.texts(cleaning.NOTICE)
        if notices:   # an error page, a paywall or a consent banner saved in place of the article
            raise _Refused(f"no story text: the page is the site's notice \"{_shortened(notices[0])}\", not an article")
        raise _Refused("no story text left after removing page junk")
    found = _metadata_from_text(cleaned)
    row = row or {}
    doc_id = path.stem

    def first(key: str, *sources: dict[str, str]) -> str | None:
        return next((value for value in (plain(source.get(key)) for source in sources) if value), None)

    return Article(
        doc_id=doc_id,
        path=str(path),
        text=text,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        outlet=first("outlet", row, head, found) or doc_id,
        published=first("published", row, head, found),
        title=first("title", row, head, found),
        url=first("url", row, head),
        byline=first("byline", head, found),
        sentences=sentences,
        encoding=encoding,
    )


def first_surrogate(text: str) -> int | None:
    """Where a string holds a lone UTF-16 surrogate, which no UTF-8 file, database or JSON can hold:
    a byte that was not UTF-8 (Python keeps one so, from a Latin-1 terminal or file name), or half
    of a pair (JSON's "\\ud800"). None when it holds none."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        return error.start
    return None


def undecoded_byte(char: str) -> int | None:
    """The byte a lone surrogate stands for where Python kept a byte that was not UTF-8 (U+DC80 to
    U+DCFF: a Latin-1 file name or terminal), else None."""
    return ord(char) - 0xdc00 if "\udc80" <= char <= "\udcff" else None


def _undecoded_path(path: Path) -> str | None:
    """Why a path that is not UTF-8 (a name saved in Latin-1: Python keeps its bytes as lone
    surrogates) cannot be indexed, else None."""
    for part, what in ((path.name, "file name"), (str(path.absolute().parent), "folder name")):
        bad = next((b for b in map(undecoded_byte, part) if b is not None), None)
        if bad is not None:
            return f"the {what} is not UTF-8 (byte 0x{bad:02x}); rename it"
    return None


def _shortened(line: str, most: int = 60) -> str:
    return line if len(line) <= most else line[:most - 1].rstrip() + "…"


# -- Files to bytes ----------------------------------------------------------------------------

def _broken_link(path: Path) -> str | None:
    """Why a path that is a symbolic link cannot be followed (a loop, or to nothing), else None."""
    try:
        os.stat(path)
    except OSError as error:
        if path.is_symlink():
            if error.errno == errno.ELOOP:
                return "a symbolic link that loops back on itself"
            return f"a symbolic link to {os.readlink(path)!r}, which does not exist"
    except (RuntimeError, ValueError) as error:
        return f"cannot read: {error}"
    return None


def _read_bytes(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_FILE_BYTES; raises _Refused saying why not."""
    try:
        with open(path, "rb", opener=_open_no_block) as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode):   # a FIFO would block the read for ever
                raise _Refused("not a regular file (a pipe, socket or device)")
            if info.st_size > MAX_FILE_BYTES:
                raise _Refused(f"{info.st_size / 1024 / 1024:.1f} MB is over the "
                               f"{MAX_FILE_BYTES // 1024 // 1024} MB limit per file")
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise _Refused(f"cannot read: {error.strerror or error}") from None
    if len(data) > MAX_FILE_BYTES:   # it grew while we read it
        raise _Refused(f"over the {MAX_FILE_BYTES // 1024 // 1024} MB limit per file")
    return data


def _open_no_block(name: str, flags: int) -> int:
    return os.open(name, flags | os.O_NONBLOCK)


# Terminal escape sequences (CSI "\x1b[2J", OSC "\x1b]...\x07", two-character ones) and the other
# characters that are no text: C0/C1 controls, and the bidirectional overrides that reorder text.
_ESCAPE_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]?|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[ -~]?)")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def plain(value: str | None) -> str | None:
    """Metadata (an outlet, a title, a byline) as one line of printable text, None if nothing is left.

    `claimqa sources` prints these to a terminal and the page shows them: an outlet named
    "\x1b[2J" must not clear a screen.
    """
    if value is None:
        return None
    value = _UNPRINTABLE.sub(" ", _ESCAPE_SEQUENCE.sub("", str(value)))
    return " ".join(value.split()) or None


# -- Bytes to text -----------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CONTROL_ANY = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_HTML_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)


def _decode(data: bytes, html: bool = False) -> tuple[str, str]:
    """The text of a file and the encoding that produced it; raises _Refused for non-text."""
    for bom, name in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return _text_only(data.decode(name)), name
            except UnicodeDecodeError:
                raise _Refused("not text: a UTF-16 byte-order mark, but the bytes are not UTF-16") from None
    if b"\x00" in data:
        raise _Refused("binary file (NUL bytes), not text")
    try:
        return _text_only(data.decode("utf-8-sig")), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = ["cp1252"]
    declared = _HTML_CHARSET.search(data[:4096]) if html else None
    if declared:   # a page that says what it is: believe it before guessing Windows-1252
        candidates.insert(0, declared.group(1).decode("ascii").lower())
    for name in candidates:
        try:
            return _text_only(data.decode(name)), name
        except (UnicodeDecodeError, LookupError):
            continue
    raise _Refused("not text: the bytes are neither UTF-8 nor Windows-1252")


def _text_only(text: str) -> str:
    # Text may carry a stray control character; many of them mean the bytes were never text.
    if len(_CONTROL.findall(text)) > max(2, len(text) // 200):
        raise _Refused("binary file (control bytes), not text")
    return text


def _blank_controls(text: str) -> str:
    """Terminal escapes and stray control characters become spaces, one for one, so offsets into
    the text still hold: a sentence `claimqa ask` prints must not drive the terminal."""
    text = _ESCAPE_SEQUENCE.sub(lambda m: " " * len(m.group()), text)
    return _CONTROL_ANY.sub(" ", text)


# -- HTML --------------------------------------------------------------------------------------

_DROP = {"script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template",
         "iframe", "svg", "button", "select", "textarea", "object", "embed", "canvas", "dialog"}
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
          "blockquote", "section", "article", "main", "figure", "figcaption", "table", "tr", "td", "th",
          "thead", "tbody", "pre", "address", "hr", "details", "summary", "body", "center"}


# What trafilatura keeps of a page: the story, without comment threads, and the date only as the
# page's markup states it (its extensive search reads dates out of any text, a copyright line too;
# dates written in the story text are read by _metadata_from_text, as for plain-text scrapes).
# favor_precision: an advertisement inside the article body goes too (the headline then leaves the
# text as well; it is the article's title).
_TRAFILATURA_OPTIONS = dict(with_metadata=True, include_comments=False, include_tables=True, favor_precision=True,
                            include_images=False, include_links=False, output_format="python",
                            date_extraction_params={"extensive_search": False, "original_date": True})


def html_text(markup: str) -> tuple[str, dict[str, str]]:
    """The article text of a crawled page, one line per paragraph, and its metadata (title, date,
    outlet from og:site_name or the like, canonical URL, author), as trafilatura extracts them
    (offline: it is handed the markup, never a URL to fetch).

    A page trafilatura finds no text in (lxml cuts off a tree nested thousands of levels deep) is
    read by the parser walk below instead."""
    import trafilatura

    found = trafilatura.bare_extraction(markup, **_TRAFILATURA_OPTIONS)
    text = (found.text or "").strip() if found is not None else ""
    if not text:
        return _parsed_html_text(markup)
    lines = (re.sub(r"\s+", " ", line).strip() for line in text.split("\n"))
    head: dict[str, str] = {}
    for key, value in (("outlet", found.sitename), ("title", found.title), ("url", found.url),
                       ("byline", found.author)):
        value = " ".join((value or "").split())
        if value and not (key == "byline" and value.startswith("http")):
            head[key] = value
    published = _iso_date(found.date) if found.date else None
    if published:
        head["published"] = published
    return "\n".join(line for line in lines if line), head


def _parsed_html_text(markup: str) -> tuple[str, dict[str, str]]:
    """The readable text of a page, one line per block element, and what its head says."""
    soup = BeautifulSoup(markup, "html.parser")
    head = _html_head(soup)
    root = _story_root(soup)
    pieces: list[str] = []
    _collect(root, pieces, inside_article=root.name == "article")
    lines = (re.sub(r"\s+", " ", line).strip() for line in "".join(pieces).split("\n"))
    return "\n".join(line for line in lines if line), head


def _story_root(soup: BeautifulSoup) -> Tag | BeautifulSoup:
    """The <article> with the most text (pages list teasers as articles too), else <main>, else <body>."""
    articles = soup.find_all("article")
    if articles:
        return max(articles, key=lambda a: len(a.get_text()))
    return soup.find("main") or soup.body or soup


def _collect(root: Tag | BeautifulSoup, out: list[str], inside_article: bool) -> None:
    """Append the text under `root` to `out`, a line break around each block element.

    Walks with an explicit stack: a page nested thousands of levels deep must not hit Python's
    recursion limit. A plain str on the stack is a line break to emit when its element closes.
    """
    stack: list[tuple[object, bool] | str] = [(child, inside_article) for child in reversed(list(root.children))]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        node, inside = item
        if isinstance(node, (Comment, Declaration, Doctype, ProcessingInstruction)):
            continue
        if isinstance(node, NavigableString):
            out.append(str(node))
            continue
        if not isinstance(node, Tag):
            continue
        name = node.name
        # An article's own <header> holds its headline; the page's header holds the site menu.
        if name in _DROP and not (name == "header" and (inside or node.find("h1"))):
            continue
        if name == "br":
            out.append("\n")
            continue
        if name in _BLOCK:
            out.append("\n")
            stack.append("\n")
        inside = inside or name == "article"
        stack.extend((child, inside) for child in reversed(list(node.children)))


def _html_head(soup: BeautifulSoup) -> dict[str, str]:
    def meta(*keys: str) -> str | None:
        for key in keys:
            tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key}) \
                or soup.find("meta", attrs={"itemprop": key})
            if tag and tag.get("content", "").strip():
                return " ".join(tag["content"].split())
        return None

    head: dict[str, str] = {}
    site = meta("og:site_name", "application-name")
    if site:
        head["outlet"] = site
    title = meta("og:title", "twitter:title")
    if not title and soup.title and soup.title.get_text(strip=True):
        title = _strip_site_name(" ".join(soup.title.get_text().split()), site)
    if not title and soup.find("h1"):
        title = " ".join(soup.find("h1").get_text().split()) or None
    if title:
        head["title"] = title
    published = meta("article:published_time", "datePublished", "pubdate", "publish-date", "date", "dc.date")
    if not published:
        time = soup.find("time", attrs={"datetime": True})
        published = time["datetime"] if time else None
    iso = _iso_date(published) if published else None
    if iso:
        head["published"] = iso
    canonical = soup.find("link", rel="canonical")
    url = (canonical.get("href") if canonical else None) or meta("og:url")
    if url:
        head["url"] = url.strip()
    author = meta("author", "article:author")
    if author and not author.startswith("http"):
        head["byline"] = author
    return head


def _strip_site_name(title: str, site: str | None) -> str:
    """'Headline | The Site' -> 'Headline'."""
    parts = re.split(r"\s+[|–—-]\s+", title)
    if len(parts) > 1 and (site is None or parts[-1].casefold() == site.casefold() or len(parts[-1].split()) <= 4):
        return " - ".join(parts[:-1])
    return title


# -- Markdown ----------------------------------------------------------------------------------

_MD_FENCE = re.compile(r"^\s*(```|~~~)")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*)$")
_MD_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_MD_RULE = re.compile(r"^\s{0,3}(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$")
_MD_LIST = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
_MD_QUOTE = re.compile(r"^\s*(?:>\s?)+")
_MD_LINK_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+")
# Each pattern's scan from an opening mark stops at the next opening mark of its kind ('[', '**',
# '<'): a line of a million unclosed marks is read in one pass, where a scan to the line's end
# from every mark took hours (quadratic in the line's length).
_MD_INLINE = [
    (re.compile(r"!\[[^\[\]]*\]\([^)\]]*\)"), ""),                    # images: the picture is not the story
    (re.compile(r"\[([^\[\]]+)\]\([^)\]]*\)"), r"\1"),                # [text](url)
    (re.compile(r"\[([^\[\]]+)\]\[[^\[\]]*\]"), r"\1"),               # [text][ref]
    (re.compile(r"<(https?://[^<>]+)>"), r"\1"),                      # <http://autolink>
    (re.compile(r"</?[A-Za-z][^<>]*>"), ""),                          # inline HTML tags
    (re.compile(r"`([^`]+)`"), r"\1"),                                # `code`
    (re.compile(r"(\*\*|__)(?=\S)((?:(?!\1).)+?)(?<=\S)\1"), r"\2"),  # **strong**
    (re.compile(r"(?<![\w*])\*(?=\S)((?:[^*]|(?<=\s)\*(?=\s))+?)(?<=\S)\*(?!\*)"), r"\1"),  # *emphasis* ('*a * b*')
    (re.compile(r"(?<!\w)_(?=\S)((?:[^_]|(?<=\w)_(?=\w))+?)(?<=\S)_(?!\w)"), r"\1"),  # _emphasis_ (snake_case inside)
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])"), r"\1"),              # backslash escapes
]
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)


def markdown_text(source: str) -> tuple[str, dict[str, str]]:
    """Plain text of a Markdown article, one line per paragraph, heading or list item, and the
    title (front matter `title:` or the first heading) and other front-matter metadata."""
    head: dict[str, str] = {}
    front = _FRONT_MATTER.match(source)
    if front:
        head = _front_matter(front.group(1))
        source = source[front.end():]
    paragraphs: list[str] = []
    current: list[str] = []
    in_code = False

    def close() -> None:
        if current:
            paragraphs.append(" ".join(current))
            current.clear()

    for raw in source.splitlines():
        if _MD_FENCE.match(raw):
            in_code = not in_code
            close()
            continue
        if in_code or _MD_LINK_DEF.match(raw):
            continue
        if not raw.strip() or _MD_RULE.match(raw):
            close()
            continue
        if _MD_SETEXT.match(raw) and current:   # "Title\n=====": the paragraph above is a heading
            heading = " ".join(current)
            current.clear()
            paragraphs.append(heading)
            if len(paragraphs) == 1:
                head.setdefault("title", heading)
            continue
        heading = _MD_HEADING.match(raw)
        if heading:
            close()
            paragraphs.append(_md_inline(_heading_text(heading.group(1))))
            if len(paragraphs) == 1:
                head.setdefault("title", paragraphs[0])
            continue
        line = _MD_QUOTE.sub("", raw)
        if _MD_LIST.match(line):
            close()
            line = _MD_LIST.sub("", line)
        current.append(_md_inline(line.strip()))
    close()
    return "\n\n".join(p for p in paragraphs if p.strip()), head


def _heading_text(text: str) -> str:
    """A heading's text without its closing hashes ('Title ##' -> 'Title'; 'C#' keeps its own)."""
    text = text.rstrip()
    body = text.rstrip("#")
    return body if body != text and body[-1:].isspace() else text


def _md_inline(line: str) -> str:
    for pattern, replacement in _MD_INLINE:
        line = pattern.sub(replacement, line)
    return line.strip()


def _front_matter(block: str) -> dict[str, str]:
    keys = {"title": "title", "outlet": "outlet", "source": "outlet", "publisher": "outlet",
            "date": "published", "published": "published", "url": "url", "author": "byline"}
    head: dict[str, str] = {}
    for line in block.splitlines():
        key, _, value = line.partition(":")
        value = value.strip().strip("\"'")
        name = keys.get(key.strip().lower())
        if name and value:
            if name == "published":
                value = _iso_date(value) or ""
            if value:
                head[name] = value
    return head


# -- Metadata from the text --------------------------------------------------------------------

# "BAGHDAD (AFP) -", "Jan. 4 (UPI) --", "WASHINGTON, Jan 4 (Reuters) -": an agency naming itself.
_DATELINE = re.compile(r"^(?:(?:[A-Z][\w.'’-]*|\d{1,4}),?\s+){0,6}"   # capitalised place words and a date
                       r"\((?P<outlet>[A-Z][A-Za-z&.]{1,15}(?:\s[A-Z][A-Za-z&.]+){0,2})\)\s*(?:--|[-–—:])")
# "a US official told The National": an unnamed source talking to the outlet that prints it.
# (A named person who "told Fox News" is quoting another outlet, so it does not count.)
_TOLD = re.compile(r"\b(?:an?|one|two|three|several|the)\s+(?:[\w-]+\s+){0,3}?(?:official|officials|source|sources|"
                   r"spokesman|spokeswoman|spokesperson|diplomat|diplomats|resident|residents|officer|"
                   r"analyst|commander|member)\s+(?:told|said to)\s+(?P<outlet>(?:The\s+)?[A-Z][\w&]*(?:\s+[A-Z][\w&]*){0,3})")
_SLASH_CREDIT = re.compile(r"/\s*(?P<outlet>[A-Z][A-Za-z&]+(?:\s[A-Z][A-Za-z&]+)?)\)?\s*$")
_PUBLISHED_FIRST = re.compile(r"\b(?:published|posted|date)\b", re.IGNORECASE)


def _metadata_from_text(cleaned: cleaning.Cleaned) -> dict[str, str]:
    found: dict[str, str] = {}
    story = cleaned.texts(cleaning.STORY)
    credits = cleaned.texts(cleaning.CREDIT)
    bylines = cleaned.texts(cleaning.BYLINE)
    outlet = (_first(_DATELINE.search(line) for line in story[:3])
              or _first(cleaning.copyright_owner(line) for line in credits)
              or _first(_TOLD.search(line) for line in story)
              or _first(_SLASH_CREDIT.search(line) for line in credits + bylines))
    if outlet:
        found["outlet"] = outlet
    published = _published(cleaned.texts(cleaning.TIMESTAMP), story)
    if published:
        found["published"] = published
    if story and cleaning.looks_like_headline(story[0]):
        found["title"] = story[0]
    named = [b for b in bylines if not _SLASH_CREDIT.search(b) or not b.startswith("By ")]
    if named:
        found["byline"] = "; ".join(named)
    return found


def _first(matches: Iterable[re.Match | str | None]) -> str | None:
    for match in matches:
        if match:
            return match if isinstance(match, str) else match.group("outlet").strip()
    return None


def _published(timestamps: list[str], story: list[str]) -> str | None:
    """A 'published/posted/date' line first, then any timestamp line, then a dateline's full date."""
    ordered = sorted(timestamps, key=lambda line: not _PUBLISHED_FIRST.search(line))
    for line in ordered + story[:2]:
        dates = cleaning.find_dates(line if line in timestamps else line[:80])
        if dates:
            return dates[0]
    return None


def _iso_date(value: str) -> str | None:
    """'2024-01-04T09:00:00Z' -> '2024-01-04'; a written date -> ISO; None if it is neither."""
    match = re.match(r"\s*(\d{4}-\d{2}-\d{2})", value)
    if match:
        return match.group(1) if cleaning.is_iso_date(match.group(1)) else None
    dates = cleaning.find_dates(value)
    return dates[0] if dates else None


# -- Folders and the manifest ------------------------------------------------------------------

def _articles_in(folder: Path) -> list[Path]:
    """Article files under `folder`, sorted by folder and then document id (so `nyt.txt` comes
    before `nyt-copy.txt`); hidden files and folders are skipped. A symbolic link to a folder is
    followed, as one to a file is (a corpus that links in its stories' folders), each folder once:
    a link back up the tree ends there."""
    found = []
    walked: set[str] = set()
    for root, dirs, names in os.walk(folder, followlinks=True):
        real = os.path.realpath(root)
        if real in walked:
            dirs[:] = []
            continue
        walked.add(real)
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(Path(root) / name for name in names
                     if not name.startswith(".") and Path(name).suffix.lower() in SUPPORTED)
    return sorted(found, key=lambda p: (p.parent.relative_to(folder).parts, p.stem, p.suffix))


def _manifests_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob(MANIFEST)
                  if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts))


@dataclass
class Manifest:
    """A sources.csv as read: its usable rows by file name, and the lines refused, with why."""

    path: Path
    rows: dict[str, dict[str, str]] = field(default_factory=dict)   # file name -> its metadata
    lines: dict[str, int] = field(default_factory=dict)             # file name -> manifest line
    problems: list[Refusal] = field(default_factory=list)

    def refuse(self, line: int, reason: str) -> None:
        self.problems.append(Refusal(str(self.path), f"line {line}: {reason}"))

    def missing(self) -> list[Refusal]:
        """Rows naming a file that is not beside the manifest."""
        return [Refusal(str(self.path), f"line {line}: names '{name}', which does not exist in {self.path.parent}")
                for name, line in self.lines.items() if not (self.path.parent / name).is_file()]


def read_manifest(path: Path) -> Manifest:
    """Parse sources.csv; every bad line is a problem naming the line, and is ignored."""
    manifest = Manifest(path)
    try:
        text, _ = _decode(_read_bytes(path))
    except _Refused as error:
        manifest.refuse(1, f"cannot read the manifest: {getattr(error, 'strerror', None) or error}; "
                           "metadata read from the text")
        return manifest
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            manifest.refuse(1, "empty manifest, no header row")
            return manifest
        columns = [name.strip().lower() for name in header]
        if "file" not in columns:
            manifest.refuse(reader.line_num, f"no 'file' column (the header is '{','.join(header)}', "
                                             f"expected {','.join(MANIFEST_COLUMNS)}); metadata read from the text")
            return manifest
        start = reader.line_num + 1   # the first line of the row read next
        for cells in reader:
            if any("\n" in cell or "\r" in cell for cell in cells):
                # '"Unclosed,2025-05-12': a quote that never closes makes every later line its value
                manifest.refuse(start, f"a quoted value runs on to line {reader.line_num} (a quote never "
                                       "closed?); it is ignored, with every row it took in")
            elif any(cell.strip() for cell in cells):
                _manifest_row(manifest, reader.line_num, columns, cells)
            start = reader.line_num + 1
    except csv.Error as error:
        manifest.refuse(reader.line_num, f"not valid CSV ({error}); the rest of the manifest is ignored")
    return manifest


def _manifest_row(manifest: Manifest, line: int, columns: list[str], cells: list[str]) -> None:
    if len(cells) > len(columns):
        manifest.refuse(line, f"{len(cells)} fields but the header has {len(columns)} "
                              "(quote a value that holds a comma); row ignored")
        return
    row = {name: cell.strip() for name, cell in zip(columns, cells)}
    for key in MANIFEST_COLUMNS[1:]:   # control characters and escapes never reach the index
        if key in row:
            row[key] = plain(row[key]) or ""
    name = row.get("file", "")
    if not name:
        manifest.refuse(line, "empty 'file' field; row ignored")
        return
    if Path(name).name != name:
        manifest.refuse(line, f"'file' must be a file name beside the manifest, not '{name}'; row ignored")
        return
    if name in manifest.lines:
        manifest.refuse(line, f"'{name}' is listed again (first on line {manifest.lines[name]}); row ignored")
        return
    manifest.lines[name] = line
    published = row.get("published", "")
    if published and not (re.fullmatch(r"\d{4}-\d{2}-\d{2}", published) and cleaning.is_iso_date(published)):
        manifest.refuse(line, f"published '{published}' is not an ISO date (YYYY-MM-DD); "
                              "row ignored, metadata read from the text")
        return
    manifest.rows[name] = {key: row[key] for key in MANIFEST_COLUMNS[1:] if row.get(key)}
