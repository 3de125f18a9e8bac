"""Command line: parse options, call the pipeline, print problems and pick the exit code.

Commands: ``attrib run``, ``attrib eval``, ``attrib rules check`` and
``attrib models download``. Exit status 0 means the command completed (a run
that skipped unreadable articles still completes), 1 an ``AttribError`` (bad
rules, unusable inputs, NLP unavailable, outputs that cannot be written), 2 a
usage error (click). This is the only module that imports click. The pipeline,
networkx and stanza are imported inside the commands, so ``attrib --help``
stays fast and never loads torch.
"""
from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import Any, Sequence

import click

from . import __version__
from .problems import AttribError, Problem

_NLP_MODES = ("auto", "stanza", "builtin")
_QUOTE_TYPES = ("direct", "indirect", "mixed")


class _Group(click.Group):
    """A click group that turns an ``AttribError`` into its lines on stderr and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AttribError as e:
            for line in e.lines():
                click.echo(line, err=True)
            ctx.exit(1)


def _rules_option(f):
    return click.option(
        "--rules", "rules_dirs", multiple=True, type=click.Path(path_type=Path), metavar="DIR",
        help="Extra rules folder or file; adds to and overrides the default rules by rule id "
             "(repeatable, later wins).")(f)


def _nlp_options(f):
    f = click.option(
        "--models-dir", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DIR",
        help="Folder of stanza's models (default: $STANZA_RESOURCES_DIR, else ~/stanza_resources).")(f)
    return click.option(
        "--nlp", type=click.Choice(_NLP_MODES), default="auto", show_default=True,
        help="stanza, the built-in annotator, or auto: stanza where its English models are installed.")(f)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="attrib")
def attrib() -> None:
    """Find the quotations in news articles, who said them and for whom, and build a speaker-claim graph.

    Rules (speakers, organisations, cues, outlets...) are YAML files; the defaults
    ship with attrib and `--rules DIR` adds to or overrides them.
    """


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``attrib`` console script."""
    attrib.main(args=list(argv) if argv is not None else None, prog_name="attrib")


# ---------------------------------------------------------------- helpers


def _load_rules(rules_dirs: Sequence[Path]):
    """The validated rule set (raises RuleFileError, reported by the group)."""
    from .ruleset import load_ruleset

    return load_ruleset(list(rules_dirs))


def _echo_problems(problems: Sequence[Problem]) -> None:
    for p in problems:
        click.echo(str(p), err=True)


def _problem_record(p: Problem) -> dict[str, Any]:
    return {"path": p.path, "line": p.line, "col": p.col, "level": p.level, "message": p.message}


def _write_lines(path: Path, records: Sequence[dict]) -> None:
    """Write JSON Lines (UTF-8, ``\\n`` line ends) through a temporary file, so a failure leaves no partial file."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            for rec in records:
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


# ---------------------------------------------------------------- attrib run


@attrib.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (created if missing).")
@_rules_option
@_nlp_options
@click.option("--json", "as_json", is_flag=True, help="Also write the graph as node-link JSON (graph.json).")
def run(inputs: tuple[str, ...], out: Path, rules_dirs: tuple[Path, ...], nlp: str,
        models_dir: Path | None, as_json: bool) -> None:
    """Extract and attribute the quotations of INPUTS (files, folders or globs) into OUT.

    Writes OUT/quotes.jsonl (one quotation a line), OUT/graph.graphml (open it in
    Gephi), OUT/problems.jsonl and, with --json, OUT/graph.json. Problems go to
    stderr, a summary to stdout. Unreadable, binary or non-UTF-8 articles are
    reported and skipped; bad rules stop the run before anything is written.
    """
    t0 = time.perf_counter()
    rules = _load_rules(rules_dirs)  # validated before any article is read

    from .claims import aggregate_claims
    from .export import write_graphml, write_json, write_quotes
    from .graph import build_graph
    from .pipeline import run_pipeline
    from .rundir import article_info

    result = run_pipeline(list(inputs), rules, nlp=nlp, models_dir=models_dir)
    if result.nlp:
        click.echo(result.nlp, err=True)
    _echo_problems(result.problems)

    attributions = [ra for r in result.results for ra in r.attributions]
    claims = aggregate_claims(attributions, rules)
    graph = build_graph([article_info(r) for r in result.results], claims, rules)
    files = [out / "quotes.jsonl", out / "graph.graphml"] + ([out / "graph.json"] if as_json else [])
    files.append(out / "problems.jsonl")
    try:
        out.mkdir(parents=True, exist_ok=True)
        write_quotes(result.results, files[0])
        write_graphml(graph, files[1])
        if as_json:
            write_json(graph, files[2])
        _write_lines(files[-1], [_problem_record(p) for p in result.problems])
    except OSError as e:
        raise AttribError(f"{e.filename or out}: cannot write output ({e.strerror or e})") from None
    seconds = time.perf_counter() - t0
    click.echo(_summary(result, files, seconds))


def _summary(result, files: Sequence[Path], seconds: float) -> str:
    """The run summary printed on stdout."""
    read_paths = {r.article.path for r in result.results}
    skipped = {p.path for p in result.problems if p.path not in read_paths}
    types = Counter(ra.attribution.type.value for r in result.results for ra in r.attributions)
    speakers = {ra.speaker.id for r in result.results for ra in r.attributions if ra.speaker is not None}
    used = ", ".join(sorted({r.nlp for r in result.results})) or "none (no article read)"
    n_quotes = sum(types.values())
    by_type = ", ".join(f"{t} {types.get(t, 0)}" for t in _QUOTE_TYPES)
    rate = result.chars / seconds if seconds > 0 else 0.0
    n_warn = sum(p.level == "warning" for p in result.problems)
    return "\n".join([
        f"articles: {len(result.results)} read, {len(skipped)} skipped",
        f"quotes:   {n_quotes} ({by_type})",
        f"speakers: {len(speakers)}",
        f"problems: {len(result.problems)} ({n_warn} warnings)",
        f"nlp:      {used}",
        f"time:     {seconds:.2f} s ({rate:,.0f} chars/s, {result.chars:,} chars)",
        f"output:   {', '.join(str(f) for f in files)}",
    ])


# ---------------------------------------------------------------- attrib eval


@attrib.command(name="eval")
@click.argument("gold", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("run_dir", required=False, type=click.Path(path_type=Path))
@_rules_option
@_nlp_options
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON instead of a table.")
@click.option("--predictions", type=click.Path(dir_okay=False, path_type=Path), metavar="PATH",
              help="Also write the predictions in the reference scorer's JSONL format.")
def eval_(gold: Path, run_dir: Path | None, rules_dirs: tuple[Path, ...], nlp: str,
          models_dir: Path | None, as_json: bool, predictions: Path | None) -> None:
    """Score quotes and speakers against GOLD (JSONL: one article a line with its text and gold quotes).

    With RUN_DIR, scores RUN_DIR/quotes.jsonl (RUN_DIR may also be a quotes JSONL
    file); without it, runs the pipeline on GOLD's own texts first. Reports
    precision, recall and F1 of quote spans (exact and >=50% token overlap),
    speaker accuracy on matched quotes and end-to-end F1, overall and per type.
    """
    from .evaluate import format_report, predictions_from_quotes, read_jsonl, score

    gold_docs = read_jsonl(gold)
    if run_dir is not None:
        quotes_path = run_dir / "quotes.jsonl" if run_dir.is_dir() else run_dir
        if not quotes_path.is_file():
            raise AttribError(f"{quotes_path}: no such file (make it with `attrib run ... -o {run_dir}`)")
        records = read_jsonl(quotes_path)
        label = str(quotes_path)
    else:
        records, label = _run_on_gold(gold, gold_docs, rules_dirs, nlp, models_dir)
    preds = predictions_from_quotes(records)
    result = score(gold_docs, preds)
    if predictions is not None:
        lines = [{"doc_id": d["doc_id"], "quotes": preds.get(d["doc_id"], [])} for d in gold_docs]
        try:
            _write_lines(predictions, lines)
        except OSError as e:
            raise AttribError(f"{predictions}: cannot write predictions ({e.strerror or e})") from None
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        click.echo(format_report(result, gold_label=str(gold), pred_label=label))


def _run_on_gold(gold: Path, gold_docs: list[dict], rules_dirs: Sequence[Path], nlp: str,
                 models_dir: Path | None) -> tuple[list[dict], str]:
    """Stages 2-5 on the gold file's own texts: quote records and a label naming the run."""
    rules = _load_rules(rules_dirs)

    from .documents import articles_from_jsonl_docs
    from .export import quote_record
    from .nlp import load_annotator
    from .pipeline import process_articles

    articles = articles_from_jsonl_docs(gold_docs, source=str(gold))
    annotator, note = load_annotator(nlp, rules, models_dir)
    click.echo(note, err=True)
    results, problems = process_articles(articles, rules, annotator)
    _echo_problems(problems)
    records = sorted((quote_record(ra) for r in results for ra in r.attributions),
                     key=lambda rec: (rec["doc_id"], rec["start"], rec["end"]))
    return records, f"attrib (nlp {annotator.name})"


# ---------------------------------------------------------------- attrib rules / models


@attrib.group()
def rules() -> None:
    """Work with the YAML rule files."""


@rules.command(name="check")
@_rules_option
def rules_check(rules_dirs: tuple[Path, ...]) -> None:
    """Validate the default rules plus every --rules DIR; print each problem as path:line:col: message."""
    rs = _load_rules(rules_dirs)
    click.echo(f"rules OK: {len(rs.all_rules())} rules in {len(rs.sources)} files")


@attrib.group()
def models() -> None:
    """Manage stanza's English models."""


@models.command(name="download")
@click.option("--models-dir", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DIR",
              help="Where to put the models (default: $STANZA_RESOURCES_DIR, else ~/stanza_resources).")
def models_download(models_dir: Path | None) -> None:
    """Fetch stanza's English models (tokenize, mwt, pos, lemma, depparse, ner) with stanza's downloader."""
    from .nlp import download_models

    where = download_models(models_dir)
    click.echo(f"stanza English models installed in {where}")
