"""`claimqa`: a thin command line over the index and qa libraries."""
from __future__ import annotations

import json
import sys
from dataclasses import asdict

import click

import index

index_option = click.option(
    "--index", "index_dir", type=click.Path(file_okay=False), envvar="CLAIMQA_INDEX", default="data/index",
    show_default=True, help="Index folder (or set CLAIMQA_INDEX).")


def shown(text: str) -> str:
    """A file name or reason as printable text: a name holding an escape must not drive the terminal."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def fail(message: str, code: int = 2) -> None:
    click.echo(f"claimqa: {message}", err=True)
    sys.exit(code)


@click.group()
def main() -> None:
    """Ask questions of news articles on one story; see what each outlet says and where they disagree."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@index_option
@click.option("--rebuild", is_flag=True, help="Start the index afresh (needed to change the embedding model).")
@click.option("--model", default=None, envvar="CLAIMQA_MODEL",
              help="Embedding model: a name or a local path [default: all-MiniLM-L6-v2, bundled].")
def ingest(paths: tuple[str, ...], index_dir: str, rebuild: bool, model: str | None) -> None:
    """Add or update articles (files or folders of .txt, .md, .html)."""
    from tqdm import tqdm

    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, unit="sentence", desc="embedding", file=sys.stderr, leave=False)
        bar.update(done - bar.n)

    def waiting(lock) -> None:
        click.echo(f"waiting: another ingest is writing to {index_dir} (lock {lock}); this one starts when it ends",
                   err=True)

    try:
        report = index.ingest(paths, index_dir, rebuild=rebuild, model=model, progress=progress, on_wait=waiting)
    except (index.IndexConflict, OSError) as error:
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
        store = index.SentenceStore.open(index_dir, allow_empty=True)
    except (index.IndexNotFound, index.IndexConflict) as error:
        fail(str(error))
    if as_json:
        click.echo(json.dumps([asdict(d) for d in store.documents], indent=2, ensure_ascii=False))
        return
    if not store.documents:
        click.echo(f"the index at {index_dir} holds no documents")
        return
    width = max(len(d.doc_id) for d in store.documents)
    for d in store.documents:
        title = f"  {d.title}" if d.title else ""
        click.echo(f"{d.doc_id:<{width}}  {d.outlet:<22} {d.published or '-':<10} {d.sentences:>4} sentences{title}")


@main.command()
@click.argument("question")
@index_option
@click.option("--json", "as_json", is_flag=True, help="The answer object as JSON, for scripts.")
@click.option("--mode", type=click.Choice(["hybrid", "dense", "bm25"]), default="hybrid", show_default=True,
              help="Retrieval: dense + BM25 fused, or one of them alone.")
def ask(question: str, index_dir: str, as_json: bool, mode: str) -> None:
    """What every outlet says, with cited sentences and the disagreements."""
    from qa.render import as_text
    from qa.served import ServedError, answer_from_dict, ask_served

    # An app serving this index answers in a fraction of the time it takes to load the models here.
    try:
        served = ask_served(question, index_dir) if mode == "hybrid" else None
    except ServedError as error:
        fail(str(error))
    if served is not None:
        click.echo(json.dumps(served, indent=2, ensure_ascii=False) if as_json else as_text(answer_from_dict(served)))
        return
    # Submodules by name: the package's lazy names are not needed for one question.
    from qa.answering import ask as answer_question

    try:
        answer = answer_question(question, index_dir=index_dir, mode=mode)
    except (ValueError, index.IndexNotFound, index.IndexConflict) as error:
        fail(str(error))
    if as_json:
        click.echo(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(as_text(answer))


@main.command()
@click.argument("doc_id")
@index_option
def remove(doc_id: str, index_dir: str) -> None:
    """Take one document out of the index."""
    try:
        removed = index.remove(doc_id, index_dir)
    except (index.IndexNotFound, index.IndexConflict, OSError) as error:
        fail(str(error))
    if not removed:
        fail(f"{doc_id}: no such document in {index_dir} (see `claimqa sources`)", code=1)
    click.echo(f"removed {doc_id}")


if __name__ == "__main__":
    main()
