"""Command line: parse options, call the pipeline, print problems and pick the exit code.

Commands: ``attrib run``, ``attrib eval``, ``attrib rules check``, ``attrib report`` and
``attrib models download``. Exit status 0 means the command completed (a run
that skipped unreadable articles still completes), 1 an ``AttribError`` (bad
rules, unusable inputs, NLP unavailable, outputs that cannot be written), 2 a
usage error (click). This is the only module that imports click. The pipeline,
networkx and stanza are imported inside the commands, so ``attrib --help``
stays fast and never loads torch.
"""
from __future__ import annotations

import json
import os
import time
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


def _no_default_rules(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta["attrib.no_default_rules"] = True


def _rules_option(f):
    """``--rules DIR`` (repeatable) and ``--no-default-rules``; ``_load_rules`` reads both."""
    f = click.option(
        "--no-default-rules", is_flag=True, expose_value=False, callback=_no_default_rules,
        help="Start from no rules: only the --rules folders are used (to drop a few default rules "
             "instead, list them as `- {id: RULE-ID, disabled: true}` in a --rules folder).")(f)
    return click.option(
        "--rules", "rules_dirs", multiple=True, type=click.Path(path_type=Path), metavar="DIR",
        help="Extra rules folder or file; adds to and overrides the default rules by rule id "
             "(repeatable, later wins).")(f)


def _models_dir_option(f):
    return click.option(
        "--models-dir", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DIR",
        help="Folder of stanza's models (default: $STANZA_RESOURCES_DIR, else ~/stanza_resources).")(f)


def _input_options(f):
    """``--max-bytes``, ``--text-field`` and ``--id-field``: how ``documents`` reads the inputs."""
    f = click.option("--id-field", default=None, metavar="NAME",
                     help="JSON Lines inputs: the field that holds the article's id (default: id, else doc_id, "
                          "else FILE:LINE).")(f)
    f = click.option("--text-field", default="text", show_default=True, metavar="NAME",
                     help="JSON Lines inputs: the field that holds the article's text.")(f)
    return click.option("--max-bytes", type=click.IntRange(min=1), default=5_000_000, show_default=True,
                        metavar="N", help="Skip (with a warning) an article larger than N bytes: a file, or one "
                                          "JSON line.")(f)


def _nlp_options(f):
    f = click.option(
        "--annotations", type=click.Path(path_type=Path), default=None, metavar="PATH",
        help="Parses to use: a CoNLL-U file, or a folder of .conllu files, as `attrib annotate` or stanza "
             "writes them (# newdoc id = DOC_ID; start_char/end_char in MISC). An article without a usable "
             "parse there is annotated by --nlp, with a warning.")(f)
    f = _models_dir_option(f)
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


# ---------------------------------------------------------------- helpers


def _scope_option(f):
    return click.option(
        "--scope", type=click.Choice(("statements", "all")), default="statements", show_default=True,
        help="Which cues count: statements (speech and writing acts, what a reader calls a quotation) or all "
             "(also beliefs, intentions, perceptions and evidence, as PolNeAR annotates them).")(f)


def _load_rules(rules_dirs: Sequence[Path], scope: str = "all"):
    """The validated rule set (raises RuleFileError, reported by the group), with the cue rules of ``scope``
    (``ruleset.SCOPES``); honours --no-default-rules."""
    from .ruleset import load_ruleset

    ctx = click.get_current_context(silent=True)
    defaults = not (ctx is not None and ctx.meta.get("attrib.no_default_rules"))
    if not defaults and not rules_dirs:
        raise AttribError("--no-default-rules needs at least one --rules DIR (there would be no rules at all)")
    return load_ruleset(list(rules_dirs), defaults=defaults).in_scope(scope)


def _echo_problems(problems: Sequence[Problem]) -> None:
    for p in problems:
        click.echo(str(p), err=True)


# ---------------------------------------------------------------- attrib run


@attrib.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (created if missing).")
@_rules_option
@_nlp_options
@_scope_option
@click.option("--json", "as_json", is_flag=True, help="Also write the graph as node-link JSON (graph.json).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Worker processes for the per-article stages (default: the number of cores).")
@click.option("--resume", is_flag=True,
              help="Go on with the run that was interrupted in OUT (same inputs, rules and NLP settings).")
@_input_options
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DIR",
              help="Where stanza's annotations are cached between runs (default: $XDG_CACHE_HOME/attrib, "
                   "else ~/.cache/attrib; safe to delete).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the annotation cache.")
@click.option("--engine", type=click.Choice(("local", "dask")), default="local", show_default=True,
              help="Run the per-article stages here, or on a Dask cluster (pip install 'attrib[dask]').")
@click.option("--scheduler", default="local", show_default=True, metavar="ADDRESS",
              help="With --engine dask: the scheduler's address (tcp://host:8786), or local to start a "
                   "LocalCluster of --jobs workers.")
@click.option("--article-timeout", type=click.FloatRange(min=0), default=60, show_default=True, metavar="SECONDS",
              help="Skip (with a warning) an article that takes longer in the per-article stages; 0: no limit.")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr (problems are still printed).")
def run(inputs: tuple[str, ...], out: Path, rules_dirs: tuple[Path, ...], nlp: str, models_dir: Path | None,
        annotations: Path | None, scope: str, as_json: bool, jobs: int | None, resume: bool, max_bytes: int,
        text_field: str, id_field: str | None,
        cache_dir: Path | None, no_cache: bool, engine: str, scheduler: str, article_timeout: float,
        quiet: bool) -> None:
    """Extract and attribute the quotations of INPUTS (files, folders, globs, or - for stdin) into OUT.

    INPUTS are text, HTML or JSON Lines files (one article a line), each maybe
    gzip-compressed. Writes OUT/quotes.jsonl (one quotation a line), OUT/quotes.csv
    (the same for spreadsheets), OUT/graph.graphml (open it in Gephi),
    OUT/articles.jsonl, OUT/problems.jsonl, OUT/stances.jsonl, OUT/merges.jsonl,
    OUT/texts.jsonl.gz (the texts, for `attrib report`) and, with --json, OUT/graph.json. Problems and progress go to
    stderr, a summary to stdout. Unusable articles are reported and skipped; bad
    rules stop the run before anything is written. Ctrl-C keeps the finished
    articles in OUT/.partial; --resume goes on from there.
    """
    import errno
    import sqlite3
    import sys

    from . import _signals

    from .cache import default_cache_dir
    from .documents import InputOptions
    from .engine import default_jobs
    from .batch import BatchOptions, run_batch

    t0 = time.perf_counter()
    rules = _load_rules(rules_dirs, scope)  # validated before any article is read
    options = BatchOptions(jobs=jobs or default_jobs(), engine=engine, scheduler=scheduler, resume=resume,
                           cache_dir=None if no_cache else (cache_dir or default_cache_dir()), as_json=as_json,
                           quiet=quiet, article_timeout=article_timeout or None)
    args = sys.argv[1:] if sys.argv[1:2] == ["run"] else ["run", *inputs, "-o", str(out), "..."]
    _signals.set_message(_signals.resume_hint(args, str(out)))
    try:
        result = run_batch(list(inputs), out, rules, nlp=nlp, models_dir=models_dir,
                           annotations=None if annotations is None else str(annotations),
                           input_options=InputOptions(max_bytes, text_field, id_field), options=options,
                           on_note=lambda line: click.echo(line, err=True))
    except (KeyboardInterrupt, _signals.Interrupted) as e:  # KeyboardInterrupt: called in-process, without main
        _signals.stopped(getattr(e, "status", 130))
    except Exception as e:
        if _signals.received_status() is not None:  # the stop broke something on its way out: it is the stop
            _signals.stopped(_signals.received_status())  # type: ignore[arg-type]
        if not isinstance(e, (OSError, sqlite3.OperationalError)):
            raise
        full = getattr(e, "errno", None) == errno.ENOSPC or "disk is full" in str(e)
        if not full and isinstance(e, sqlite3.OperationalError):
            raise
        where = getattr(e, "filename", None) or out
        if full:
            raise AttribError(f"{where}: the disk is full ({getattr(e, 'strerror', None) or e}); the finished "
                              f"articles are kept in {out / '.partial'}: free some space on the disk that holds "
                              f"{out}, then run the same command with --resume") from None
        raise AttribError(f"{where}: cannot write output ({e.strerror or e})") from None
    click.echo(_summary(result, time.perf_counter() - t0))


def _summary(result, seconds: float) -> str:
    """The run summary printed on stdout (``result`` is a ``batch.BatchResult``)."""
    types = result.quote_types
    by_type = ", ".join(f"{t} {types.get(t, 0)}" for t in _QUOTE_TYPES)
    chars = result.processed_chars
    rate = chars / seconds if seconds > 0 else 0.0
    lines = [
        f"articles: {result.articles} read, {result.skipped} skipped",
        f"quotes:   {sum(types.values())} ({by_type})",
        f"speakers: {result.speakers}",
        *([f"merges:   {result.merges} (names or mentions made one speaker; why in merges.jsonl)"]
          if result.merges else []),
        f"problems: {result.problems} ({result.warnings} warnings)",
        f"nlp:      {', '.join(result.nlp) or 'none (no article read)'}",
    ]
    if result.cache is not None:
        c = result.cache
        lines.append(f"cache:    {c.hits} of {c.hits + c.misses + c.corrupt} annotations reused from "
                     f"{result.cache_dir}" + (f"; {c.corrupt} corrupt entries recomputed" if c.corrupt else ""))
    if result.resumed:
        lines.append(f"resumed:  {result.resumed} input items were finished before the interruption")
    lines += [f"time:     {seconds:.2f} s ({rate:,.0f} chars/s, {chars:,} chars)",
              f"output:   {', '.join(str(f) for f in result.files)}"]
    return "\n".join(lines)


# ---------------------------------------------------------------- attrib annotate


@attrib.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--out", required=True, type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.conllu",
              help="The CoNLL-U file to write (written whole, or not at all).")
@_models_dir_option
@_input_options
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr (problems are still printed).")
def annotate(inputs: tuple[str, ...], out: Path, models_dir: Path | None, max_bytes: int, text_field: str,
             id_field: str | None, quiet: bool) -> None:
    """Parse INPUTS with stanza into one CoNLL-U file, for `attrib run INPUTS --annotations FILE.conllu`.

    INPUTS are read as `attrib run` reads them (same doc_ids). stanza runs with
    whichever English processors are installed; each document opens with
    `# newdoc id = DOC_ID`, and each token's MISC holds start_char/end_char (and
    ner= where a NER model ran). Unusable articles are reported and skipped.
    """
    import functools

    from . import _signals
    from .annotations import write_conllu, writable_id
    from .documents import InputOptions, iter_documents, plan_inputs
    from .model import Article
    from .nlp import installed_processors, models_dir as find_models_dir, parse_texts, stanza_pipeline
    from .pipeline import BATCH_SIZE
    from .progress import Progress
    from .rundir import atomic_path

    t0 = time.perf_counter()
    _signals.set_message(f"interrupted: {out} was not written")
    plan = plan_inputs(inputs)  # fails before stanza is loaded
    if not out.parent.is_dir():
        raise AttribError(f"{out.parent}: no such folder (for -o {out})")
    where = find_models_dir(models_dir)
    processors = installed_processors(where)
    if not processors:
        raise AttribError(f"stanza's English models are not installed in {where}; run `attrib models download` "
                          "or pass --models-dir DIR (attrib annotate runs stanza)")
    pipeline = stanza_pipeline(where, processors)
    click.echo(f"nlp: stanza ({','.join(processors)}) from {where}", err=True)
    progress = Progress(plan.files or None, quiet=quiet)
    skipped = chars = 0

    def articles():
        nonlocal skipped, chars
        for item in iter_documents(plan, InputOptions(max_bytes, text_field, id_field)):
            if isinstance(item, Article) and not writable_id(item.doc_id):
                item = Problem(item.path, 0, 0, f"doc_id {item.doc_id!r} cannot stand on a CoNLL-U comment line "
                                                "(blank, or holds a line break); article skipped", "warning")
            if isinstance(item, Problem):
                skipped += 1
                progress.write(str(item))
                continue
            chars += len(item.text)
            yield item

    try:
        with atomic_path(out) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as f:
            result = write_conllu(articles(), functools.partial(parse_texts, pipeline), f, BATCH_SIZE,
                                  progress.update)
    except (KeyboardInterrupt, _signals.Interrupted) as e:  # KeyboardInterrupt: called in-process, without main
        progress.close()
        _signals.stopped(getattr(e, "status", 130))
    except OSError as e:
        raise AttribError(f"{e.filename or out}: cannot write ({e.strerror or e})") from None
    finally:
        progress.close()
    seconds = time.perf_counter() - t0
    click.echo(f"articles:  {result.documents} annotated, {skipped} skipped\n"
               f"sentences: {result.sentences:,} ({result.tokens:,} tokens)\n"
               f"time:      {seconds:.2f} s ({chars / seconds if seconds > 0 else 0:,.0f} chars/s, {chars:,} chars)\n"
               f"output:    {out}")


# ---------------------------------------------------------------- attrib eval


@attrib.command(name="eval")
@click.argument("gold", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("run_dir", required=False, type=click.Path(path_type=Path))
@_rules_option
@_nlp_options
@_scope_option
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON instead of a table.")
@click.option("--predictions", type=click.Path(dir_okay=False, path_type=Path), metavar="PATH",
              help="Also write the predictions in the reference scorer's JSONL format.")
def eval_(gold: Path, run_dir: Path | None, rules_dirs: tuple[Path, ...], nlp: str,
          models_dir: Path | None, annotations: Path | None, scope: str, as_json: bool,
          predictions: Path | None) -> None:
    """Score quotes and speakers against GOLD (JSONL: one article a line with its text and gold quotes).

    With RUN_DIR, scores RUN_DIR/quotes.jsonl (RUN_DIR may also be a quotes JSONL
    file); without it, runs the pipeline on GOLD's own texts first. Reports
    precision, recall and F1 of quote spans (exact and >=50% token overlap),
    speaker accuracy on matched quotes and end-to-end F1, overall and per type.
    With --annotations, each article takes its parse from PATH (by doc_id).
    """
    from .evaluate import format_report, predictions_from_quotes, read_jsonl, score
    from .rundir import write_lines

    if run_dir is not None and annotations is not None:
        raise click.UsageError("--annotations is for a run on GOLD's own texts: RUN_DIR's quotes are made already")
    gold_docs = read_jsonl(gold)
    if run_dir is not None:
        quotes_path = run_dir / "quotes.jsonl" if run_dir.is_dir() else run_dir
        if not quotes_path.is_file():
            raise AttribError(f"{quotes_path}: no such file (make it with `attrib run ... -o {run_dir}`)")
        records = read_jsonl(quotes_path)
        label = str(quotes_path)
    else:
        records, label = _run_on_gold(gold, gold_docs, rules_dirs, nlp, models_dir, annotations, scope)
    preds = predictions_from_quotes(records)
    result = score(gold_docs, preds)
    if predictions is not None:
        lines = [{"doc_id": d["doc_id"], "quotes": preds.get(d["doc_id"], [])} for d in gold_docs]
        try:
            write_lines(predictions, lines)
        except OSError as e:
            raise AttribError(f"{predictions}: cannot write predictions ({e.strerror or e})") from None
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        click.echo(format_report(result, gold_label=str(gold), pred_label=label))


def _run_on_gold(gold: Path, gold_docs: list[dict], rules_dirs: Sequence[Path], nlp: str,
                 models_dir: Path | None, annotations: Path | None, scope: str) -> tuple[list[dict], str]:
    """Stages 2-5 on the gold file's own texts: quote records and a label naming the run."""
    rules = _load_rules(rules_dirs, scope)

    from collections import Counter

    from .annotations import PreParsed, scan_annotations
    from .documents import articles_from_jsonl_docs
    from .engine import NlpConfig, Processor, process_items
    from .nlp import load_annotator

    articles = articles_from_jsonl_docs(gold_docs, source=str(gold))
    preparsed = None
    if annotations is not None:
        preparsed = PreParsed(scan_annotations(annotations), rules)
        _echo_problems(preparsed.index.problems)
    annotator, note = load_annotator(nlp, rules, models_dir)
    click.echo(note, err=True)
    if preparsed is not None:
        click.echo(preparsed.index.note(annotator.name), err=True)
    processor = Processor(rules, NlpConfig(annotator.name, annotations=annotations and str(annotations)), annotator,
                          preparsed=preparsed)
    records: list[dict] = []
    used: Counter = Counter()
    for o in process_items(processor, articles):
        _echo_problems(o.problem_list())
        records += [json.loads(line) for line in o.quotes.split("\n") if line]
        if o.article:
            used[json.loads(o.article)["nlp"]] += 1
    records.sort(key=lambda rec: (rec["doc_id"], rec["start"], rec["end"]))
    # which annotated how many articles, when several did (--annotations and the articles it has no parse of)
    nlps = [f"{name} {n}" if len(used) > 1 else name for name, n in sorted(used.items())] or [annotator.name]
    return records, f"attrib (nlp {', '.join(nlps)})"


# ---------------------------------------------------------------- attrib rules / models


@attrib.group()
def rules() -> None:
    """Work with the YAML rule files."""


@rules.command(name="check")
@_rules_option
@click.option("--no-examples", is_flag=True, help="Validate only; do not run the rules' examples.")
def rules_check(rules_dirs: tuple[Path, ...], no_examples: bool) -> None:
    """Validate the default rules plus every --rules DIR and run their examples.

    Prints each problem as path:line:col: message (unknown keys, undefined
    organisations, aliases two speakers claim, regexes that do not compile, an
    example sentence its rule does not match or wrongly matches) and exits 1
    when there is one.
    """
    rs = _load_rules(rules_dirs)
    n_examples = 0
    if not no_examples:
        from .examples import check_examples, iter_examples

        problems = check_examples(rs)
        if problems:
            raise AttribError(f"{len(problems)} example(s) failed", tuple(problems))
        n_examples = sum(1 for _ in iter_examples(rs))
    click.echo(f"rules OK: {len(rs.all_rules())} rules in {len(rs.sources)} files")
    if not no_examples:
        click.echo(f"examples: {n_examples} run, all pass", err=True)


@rules.command(name="ids")
@_rules_option
def rules_ids(rules_dirs: tuple[Path, ...]) -> None:
    """List every rule id a record's "rule" can hold, with what it means.

    The rules files' ids (with the first line of their description and where they are written),
    then the ids the stages emit themselves (cue.inverted, speaker.pronoun, affiliation.appositive...).
    Each part of a quotes.jsonl record's "rule" (joined by +) is one of these.
    """
    from .rule_ids import BUILT_IN

    rs = _load_rules(rules_dirs)
    for rule in rs.all_rules():
        path, line, _ = rs.place(rule.id)
        first = " ".join(str(getattr(rule, "description", "")).split())
        click.echo(f"{rule.id}\t{first}\t({path}:{line})")
    for rid, what in BUILT_IN.items():
        click.echo(f"{rid}\t{what}\t(built in)")


@rules.command(name="suggest")
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(path_type=Path), default=None, metavar="PATH",
              help="A folder (gets speakers.yaml and organisations.yaml) or a FILE.yaml (speakers; organisations "
                   "go to FILE.organisations.yaml). Default: print to stdout.")
@click.option("--min-quotes", type=click.IntRange(min=1), default=1, show_default=True,
              help="Leave out speakers quoted fewer times.")
@_rules_option
def rules_suggest(run_dir: Path, out: Path | None, min_quotes: int, rules_dirs: tuple[Path, ...]) -> None:
    """Suggest rules for the speakers and organisations of RUN_DIR that the rules do not know.

    Reads RUN_DIR/quotes.jsonl (and articles.jsonl when present) from `attrib run`
    and writes YAML stubs in the rules' own format, most quoted first: canonical
    name, other spellings as aliases, role, affiliation, and comments with the
    counts, the mentions as written and one example quote. The stubs load as
    written with `attrib rules check --rules PATH`; check and edit them before use.
    """
    rs = _load_rules(rules_dirs)

    from .rundir import read_articles, read_quotes
    from .suggest import organisations_yaml, read_merged_names, speakers_yaml, suggest_rules

    found = suggest_rules(read_quotes(run_dir), read_articles(run_dir), rs, source=str(run_dir),
                          min_quotes=min_quotes, merged_names=read_merged_names(run_dir))
    sp_text, org_text = speakers_yaml(found), organisations_yaml(found)
    summary = f"suggested: {len(found.speakers)} speakers, {len(found.organisations)} organisations"
    if out is None:
        click.echo(sp_text, nl=False)
        if found.organisations:
            click.echo("---  # organisations: save as a file of its own\n" + org_text, nl=False)
        click.echo(summary, err=True)
        return
    if out.suffix in (".yaml", ".yml") and not out.is_dir():
        files = [(out, sp_text)]
        if found.organisations:
            files.append((out.with_name(out.stem + ".organisations" + out.suffix), org_text))
    else:
        files = [(out / "speakers.yaml", sp_text)] + ([(out / "organisations.yaml", org_text)]
                                                      if found.organisations else [])
    try:
        for path, text in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_text(text, encoding="utf-8", newline="\n")
            tmp.replace(path)
    except OSError as e:
        raise AttribError(f"{e.filename or out}: cannot write suggestions ({e.strerror or e})") from None
    ctx = click.get_current_context()
    given = (["--no-default-rules"] if ctx.meta.get("attrib.no_default_rules") else []) + \
        [f"--rules {d}" for d in rules_dirs]
    written = [f"--rules {p}" for p, _ in files] if out.suffix in (".yaml", ".yml") else [f"--rules {out}"]
    click.echo(f"{summary}; written to {', '.join(str(p) for p, _ in files)}", err=True)
    click.echo(f"check them with: attrib rules check {' '.join(given + written)}", err=True)


# ---------------------------------------------------------------- attrib speakers


@attrib.command()
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("--sort", type=click.Choice(("quotes", "articles", "name")), default="quotes", show_default=True,
              help="Most quoted first, in most articles first, or by name.")
@click.option("--format", "fmt", type=click.Choice(("text", "csv")), default="text", show_default=True,
              help="An aligned table or CSV.")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="FILE",
              help="Write the table to FILE instead of stdout.")
def speakers(run_dir: Path, sort: str, fmt: str, out: Path | None) -> None:
    """List the speakers of RUN_DIR: name, id, kind, affiliation, quotes, articles and the forms seen.

    Reads RUN_DIR/quotes.jsonl from `attrib run`. "seen as" lists the names the
    quotes carry and the mentions as written (pronouns included), most frequent first.
    """
    from .roster import format_csv, format_table, speaker_rows
    from .rundir import read_quotes

    rows = speaker_rows(read_quotes(run_dir), sort=sort)
    text = format_csv(rows) if fmt == "csv" else format_table(rows)
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8", newline="\n")
    except OSError as e:
        raise AttribError(f"{out}: cannot write ({e.strerror or e})") from None
    click.echo(f"{len(rows)} speakers written to {out}", err=True)


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


# ---------------------------------------------------------------- attrib export


@attrib.command(name="export")
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("--format", "fmt",
              type=click.Choice(("graphml", "gexf", "csv", "json", "graphology", "quotes-csv")),
              default="graphml", show_default=True,
              help="graphml or gexf (Gephi), csv (nodes.csv + edges.csv for Gephi's data laboratory), json "
                   "(networkx node-link), graphology (Gephi Lite, sigma.js), or quotes-csv (quotes.csv: one "
                   "row per quote, for spreadsheets).")
@click.option("--view", type=click.Choice(("full", "speakers", "affiliations")), default="full", show_default=True,
              help="The whole graph, speakers only (disputes/supports/co-quoted), or organisations only.")
@click.option("-o", "--out", "out_text", required=True, type=click.Path(), metavar="PATH",
              help="The file to write (for csv, FILE.csv gives FILE.nodes.csv and FILE.edges.csv), or a folder "
                   "(an existing one, a path ending in /, or for csv one without .csv): default names.")
@_rules_option
def export_(run_dir: Path, fmt: str, view: str, out_text: str, rules_dirs: tuple[Path, ...]) -> None:
    """Export the speaker-claim graph of a finished run (RUN_DIR from `attrib run -o`), without re-running NLP.

    Reads RUN_DIR/quotes.jsonl, and articles.jsonl and stances.jsonl when present, pools
    the claims, adds the disputes/supports edges and writes one view of the graph.
    Prints the node and edge counts and the files written.
    """
    if fmt == "quotes-csv":
        _export_quotes_csv(run_dir, out_text)
        return
    rules = _load_rules(rules_dirs)

    import tempfile

    from .export import FORMATS, write_csv, write_gexf, write_graphml, write_graphology, write_json
    from .graph import view_of_store
    from .rundir import read_articles, read_quotes, read_stances
    from .store import Store

    if run_dir.exists() and not run_dir.is_dir():
        raise AttribError(f"{run_dir}: not a run folder (expected the folder `attrib run -o` wrote)")
    with tempfile.TemporaryDirectory(prefix="attrib-export-") as tmp:  # the store in a file: memory stays flat
        store = Store.from_records(read_quotes(run_dir), read_articles(run_dir), read_stances(run_dir),
                                   Path(tmp) / "store.sqlite")
        try:
            view_graph = view_of_store(store, rules, view)
        finally:
            store.close()
    out = Path(out_text)
    # what the path says: a folder (it exists, ends in "/", or is a csv path without .csv), else a file
    to_folder = out_text.endswith(("/", os.sep)) or out.is_dir() or (fmt == "csv" and out.suffix.lower() != ".csv")
    if to_folder:
        files = [out / name for name in FORMATS[fmt]]
    elif fmt == "csv":  # speakers.csv -> speakers.nodes.csv and speakers.edges.csv
        files = [out.with_name(f"{out.stem}.{name}") for name in FORMATS[fmt]]
    else:
        files = [out]
    parent = out.parent if to_folder else files[0].parent
    if not parent.is_dir():
        raise AttribError(f"{parent}: no such folder (for -o {out_text})")
    try:
        if to_folder:
            out.mkdir(exist_ok=True)
        if fmt == "csv":
            write_csv(view_graph, files[0], files[1])
        else:
            {"graphml": write_graphml, "gexf": write_gexf, "json": write_json,
             "graphology": write_graphology}[fmt](view_graph, files[0])
    except OSError as e:
        raise AttribError(f"{e.filename or out}: cannot write output ({e.strerror or e})") from None
    click.echo(f"graph:  {view_graph.number_of_nodes():,} nodes, {view_graph.number_of_edges():,} edges "
               f"(view {view})")
    click.echo(f"output: {', '.join(str(f) for f in files)}")


def _export_quotes_csv(run_dir: Path, out_text: str) -> None:
    """``attrib export RUN_DIR --format quotes-csv -o PATH``: RUN_DIR's quotes.jsonl as quotes.csv (in PATH when
    it is a folder: one that exists, or a path ending in "/", made if missing)."""
    from .quotes_csv import QUOTES_CSV, quotes_csv_from_run
    from .rundir import QUOTES

    quotes = run_dir / QUOTES
    if not quotes.is_file():
        raise AttribError(f"{quotes}: no such file (make it with `attrib run INPUTS -o {run_dir}`)")
    out = Path(out_text)
    to_folder = out_text.endswith(("/", os.sep)) or out.is_dir()
    path = out / QUOTES_CSV if to_folder else out
    if not (out.parent if to_folder else path.parent).is_dir():
        raise AttribError(f"{out.parent if to_folder else path.parent}: no such folder (for -o {out_text})")
    try:
        if to_folder:
            out.mkdir(exist_ok=True)
        rows = quotes_csv_from_run(quotes, path)
    except OSError as e:
        raise AttribError(f"{e.filename or path}: cannot write output ({e.strerror or e})") from None
    click.echo(f"quotes: {rows:,} rows")
    click.echo(f"output: {path}")


# ---------------------------------------------------------------- attrib report


@attrib.command()
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("-o", "--out", required=True, type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="The folder to write the site to (created; its pages are replaced).")
@_rules_option
def report(run_dir: Path, out: Path, rules_dirs: tuple[Path, ...]) -> None:
    """Write a review site of a finished run (RUN_DIR from `attrib run -o`) to DIR; open DIR/index.html.

    The site opens from disk, with no server and no network: speakers, claims
    reported more than once, who disputes or supports whom, filters and search;
    each article with its quotes highlighted (who said them, the rules, why names
    were merged); each claim's reports side by side with their differences marked.
    """
    rules = _load_rules(rules_dirs)

    from .report import build_report

    if run_dir.exists() and not run_dir.is_dir():
        raise AttribError(f"{run_dir}: not a run folder (expected the folder `attrib run -o` wrote)")
    try:
        summary = build_report(run_dir, out, rules)
    except OSError as e:
        raise AttribError(f"{e.filename or out}: cannot write the report ({e.strerror or e})") from None
    click.echo(f"report: {summary.articles:,} articles, {summary.quotes:,} quotes, {summary.speakers:,} speakers, "
               f"{summary.claims:,} claims reported more than once")
    if not summary.texts:
        click.echo(f"{run_dir}: no texts.jsonl.gz (a run made before attrib kept its texts); the article pages "
                   "list the quotes without the text: run `attrib run` again to see them in place", err=True)
    click.echo(f"time:   {summary.seconds:.2f} s ({summary.files:,} files)")
    click.echo(f"output: {out / 'index.html'}")
