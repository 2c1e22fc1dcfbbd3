"""`claimqa`: a thin command line over the index and qa libraries."""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from dataclasses import asdict

import click

import index
from index.reading import first_surrogate, undecoded_byte

index_option = click.option(
    "--index", "index_dir", type=click.Path(file_okay=False), envvar="CLAIMQA_INDEX", default="data/index",
    show_default=True, help="Index folder (or set CLAIMQA_INDEX).")


def shown(text: str) -> str:
    """A file name or reason as printable text: a name holding an escape must not drive the terminal."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def fail(message: str, code: int = 2) -> None:
    # One line, whatever a library's message holds (transformers' for a model it cannot load is two).
    click.echo(f"claimqa: {shown(' '.join(str(message).split()))}", err=True)
    sys.exit(code)


def waiting_for(index_dir: str):
    """What a write says when another one holds the index's lock (an ingest, the app's upload):
    without it, `remove` or `stories merge` waited in silence."""
    def waiting(lock) -> None:
        click.echo(f"waiting: another write to {index_dir} is under way (lock {lock}); this one starts when it ends",
                   err=True)
    return waiting


def utf8_text(ctx: click.Context, param: click.Parameter, value):
    """An argument as typed, or one line and exit 2 when it holds bytes that are not UTF-8 (a
    terminal set to Latin-1: Python keeps such a byte as a lone surrogate, which SQLite, spaCy and
    JSON refuse deep inside with "'utf-8' codec can't encode ...")."""
    for text in (value if isinstance(value, tuple) else (value,)):
        at = first_surrogate(text) if text is not None else None
        if at is not None:
            byte = undecoded_byte(text[at])
            what = f"the byte 0x{byte:02x}" if byte is not None else f"\\u{ord(text[at]):04x}, half of a surrogate pair"
            name = param.opts[0] if isinstance(param, click.Option) else param.human_readable_name
            fail(f"{name}: character {at + 1} is {what}, not UTF-8 text; type it in UTF-8")
    return value


_NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())   # click 8.2 on


class _OneLineUsage(click.ClickException):
    """A usage error (a missing argument, an unknown option) said as every error is: one line."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"claimqa: {self.message}", err=True)


class OneLineGroup(click.Group):
    """click prints a usage error as four lines (usage, a hint, a blank line, the error); the
    README promises one line on stderr for every error."""

    def make_context(self, *args, **kwargs) -> click.Context:
        with _usage_in_one_line():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context):
        with _usage_in_one_line():
            return super().invoke(ctx)


@contextmanager
def _usage_in_one_line():
    """A usage error raised inside, as one line (`_OneLineUsage`); `claimqa` alone still shows the help."""
    try:
        yield
    except _NO_ARGS_IS_HELP:
        raise
    except click.UsageError as error:
        where = f" (see `{error.ctx.command_path} --help`)" if error.ctx is not None else ""
        raise _OneLineUsage(f"{error.format_message().rstrip('.')}{where}") from None


@click.group(cls=OneLineGroup)
def main() -> None:
    """Ask questions of news articles on one story; see what each outlet says and where they disagree."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@index_option
@click.option("--rebuild", is_flag=True, help="Start the index afresh (needed to change the embedding model).")
@click.option("--model", default=None, envvar="CLAIMQA_MODEL",
              help="Embedding model: a name or a local path [default: all-MiniLM-L6-v2, bundled].")
@click.option("--collection", default=None, metavar="NAME",
              help="Put these articles into the named collection (a story you control) instead of letting "
                   "the index group them.")
@click.option("--batch", "batch_sentences", type=click.IntRange(min=1), default=None, metavar="N",
              help="Sentences per atomic commit: a kill loses at most the batch in flight "
                   "[default: 2000].")
@click.option("--ray", "ray_address", is_flag=False, flag_value="local", default=None, metavar="[ADDRESS]",
              help="Embed and analyse on Ray: alone, a local Ray with this machine's CPUs; `auto` or an "
                   "address (host:port, ray://host:port) connects to a cluster. Give it after the paths, "
                   "or as --ray=ADDRESS.")
def ingest(paths: tuple[str, ...], index_dir: str, rebuild: bool, model: str | None, collection: str | None,
           batch_sentences: int | None, ray_address: str | None) -> None:
    """Add or update articles (files or folders of .txt, .md, .html)."""
    from tqdm import tqdm

    if ray_address is not None and ray_address not in ("local", "auto") and ":" not in ray_address:
        paths, ray_address = (ray_address, *paths), "local"   # `--ray FOLDER`: a path, not an address
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:   # sentences done/total, rate and time left, on stderr
            bar = tqdm(total=total, unit=" sentences", desc="embedding", file=sys.stderr, leave=False,
                       dynamic_ncols=True, smoothing=0.1)
        bar.update(done - bar.n)

    def waiting(lock) -> None:
        click.echo(f"waiting: another ingest is writing to {index_dir} (lock {lock}); this one starts when it ends",
                   err=True)

    try:
        report = index.ingest(paths, index_dir, rebuild=rebuild, model=model, progress=progress,
                              collection=collection, on_wait=waiting, ray=ray_address,
                              **({"batch_sentences": batch_sentences} if batch_sentences else {}))
    except (index.IndexConflict, index.IndexDamaged, OSError, ValueError) as error:
        fail(str(error))
    finally:
        if bar is not None:
            bar.close()
    for refusal in report.refused:
        click.echo(f"refused: {shown(str(refusal))}", err=True)
    for duplicate in report.duplicates:
        click.echo(f"duplicate: {shown(duplicate)}", err=True)
    click.echo(report.summary())
    sys.exit(0 if report.ok else 1)


@main.command()
@index_option
@click.option("--json", "as_json", is_flag=True, help="A JSON list, for scripts.")
def sources(index_dir: str, as_json: bool) -> None:
    """The indexed documents."""
    try:
        archive = index.Archive.open(index_dir, allow_empty=True)   # no vector is read to list documents
    except (index.IndexNotFound, index.IndexConflict) as error:
        fail(str(error))
    documents = archive.documents
    if as_json:
        story_of = {d: s.story_id for s in archive.stories for d in s.doc_ids}
        click.echo(json.dumps([dict(asdict(d), story_id=story_of.get(d.doc_id)) for d in documents],
                              indent=2, ensure_ascii=False))
        return
    if not documents:
        click.echo(f"the index at {index_dir} holds no documents")
        return
    width = max(len(d.doc_id) for d in documents)
    for d in documents:
        title = f"  {d.title}" if d.title else ""
        click.echo(f"{d.doc_id:<{width}}  {d.outlet:<22} {d.published or '-':<10} {d.sentences:>4} sentences{title}")


@main.command()
@click.argument("question", callback=utf8_text)
@index_option
@click.option("--json", "as_json", is_flag=True, help="The answer object as JSON, for scripts.")
@click.option("--mode", type=click.Choice(["hybrid", "dense", "bm25"]), default="hybrid", show_default=True,
              help="Retrieval: dense + BM25 fused, or one of them alone.")
@click.option("--story", default=None, metavar="ID", callback=utf8_text,
              help="Answer within this story (see `claimqa stories`).")
@click.option("--collection", default=None, metavar="NAME", callback=utf8_text, help="Answer within this collection.")
def ask(question: str, index_dir: str, as_json: bool, mode: str, story: str | None, collection: str | None) -> None:
    """What every outlet of the story the question is about says, with cited sentences and the disagreements."""
    from qa.render import as_text
    from qa.served import ServedError, answer_from_dict, ask_served

    # An app serving this index answers in a fraction of the time it takes to load the models here.
    try:
        served = ask_served(question, index_dir) if mode == "hybrid" and story is None and collection is None else None
    except ServedError as error:
        fail(str(error))
    if served is not None:
        click.echo(json.dumps(served, indent=2, ensure_ascii=False) if as_json else as_text(answer_from_dict(served)))
        return
    # Submodules by name: the package's lazy names are not needed for one question.
    from qa.stories import NoSuchStory, ask as answer_question

    try:
        answer = answer_question(question, index_dir=index_dir, mode=mode, story=story, collection=collection)
    except NoSuchStory as error:
        fail(str(error), code=1)
    except (ValueError, index.IndexNotFound, index.IndexConflict) as error:
        fail(str(error))
    if as_json:
        click.echo(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(as_text(answer))


@main.group(invoke_without_command=True)
@index_option
@click.option("--json", "as_json", is_flag=True, help="A JSON list, for scripts.")
@click.pass_context
def stories(ctx: click.Context, index_dir: str, as_json: bool) -> None:
    """The stories the index has grouped its articles into; `merge` and `split` fix them by hand."""
    if ctx.invoked_subcommand is not None:
        ctx.obj = index_dir
        return
    try:
        found = index.Archive.open(index_dir, allow_empty=True).stories
    except (index.IndexNotFound, index.IndexConflict) as error:
        fail(str(error))
    if as_json:
        click.echo(json.dumps([s.to_dict() for s in found], indent=2, ensure_ascii=False))
        return
    if not found:
        click.echo(f"the index at {index_dir} holds no documents")
        return
    for s in found:
        kind = " (collection)" if s.collection else ""
        span = s.first if s.first == s.last else f"{s.first or '?'} to {s.last or '?'}"
        click.echo(f"{s.story_id}{kind}  {s.title or ''}")
        click.echo(f"    {len(s.doc_ids)} article{'s' if len(s.doc_ids) != 1 else ''}, {span or 'undated'}: "
                   f"{', '.join(s.doc_ids)}")


def _story_index(ctx: click.Context, index_dir: str | None) -> str:
    """--index given after the subcommand wins over one given before it."""
    return index_dir or ctx.obj or "data/index"


@stories.command()
@click.argument("into", callback=utf8_text)
@click.argument("other", callback=utf8_text)
@click.option("--index", "index_dir", type=click.Path(file_okay=False), default=None, help="Index folder.")
@click.pass_context
def merge(ctx: click.Context, into: str, other: str, index_dir: str | None) -> None:
    """Move every article of story OTHER into story INTO."""
    index_dir = _story_index(ctx, index_dir)
    try:
        index.merge_stories(into, other, index_dir, on_wait=waiting_for(index_dir))
    except KeyError as error:
        fail(error.args[0], code=1)
    except (ValueError, index.IndexNotFound, index.IndexConflict, OSError) as error:
        fail(str(error))
    click.echo(f"merged {other} into {into}")


@stories.command()
@click.argument("story_id", callback=utf8_text)
@click.argument("doc_ids", nargs=-1, required=True, callback=utf8_text)
@click.option("--index", "index_dir", type=click.Path(file_okay=False), default=None, help="Index folder.")
@click.pass_context
def split(ctx: click.Context, story_id: str, doc_ids: tuple[str, ...], index_dir: str | None) -> None:
    """Move the articles DOC_IDS of story STORY_ID into a new story of their own."""
    index_dir = _story_index(ctx, index_dir)
    doc_ids = tuple(dict.fromkeys(doc_ids))   # an id given twice is one article
    try:
        new_id = index.split_story(story_id, list(doc_ids), index_dir, on_wait=waiting_for(index_dir))
    except KeyError as error:
        fail(error.args[0], code=1)
    except (ValueError, index.IndexNotFound, index.IndexConflict, OSError) as error:
        fail(str(error))
    click.echo(f"split {', '.join(doc_ids)} off {story_id} into {new_id}")


@main.command()
@click.argument("doc_id", callback=utf8_text)
@index_option
def remove(doc_id: str, index_dir: str) -> None:
    """Take one document out of the index."""
    try:
        removed = index.remove(doc_id, index_dir, on_wait=waiting_for(index_dir))
    except (index.IndexNotFound, index.IndexConflict, OSError) as error:
        fail(str(error))
    if not removed:
        fail(f"{doc_id}: no such document in {index_dir} (see `claimqa sources`)", code=1)
    click.echo(f"removed {doc_id}")


if __name__ == "__main__":
    main()
