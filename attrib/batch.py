"""A batch run: the per-article stages streamed over a corpus into the run's spool and store, then the corpus stages.

``run_batch`` streams the per-article stages (``pipeline.extract``, in this process, in
worker processes or on a Dask cluster: ``engine``) into the run's spool (``spool.Spool``,
what a resume continues from) and its store (``store.Store``, a SQLite database beside
it); then ``finish_run`` runs the corpus stages on the store, one after the other in this
process: one identity per speaker, claims, the graph and the exports. Neither phase holds
the corpus in memory.
"""
from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence

from . import __version__
from .problems import Problem
from .ruleset import RuleSet


@dataclass(frozen=True)
class BatchOptions:
    """How a batch run goes (none of these change its outputs, except ``as_json`` adding graph.json)."""

    jobs: int = 1
    engine: str = "local"  # "local" or "dask"
    scheduler: str = "local"  # with engine "dask": a scheduler address, or "local" for a LocalCluster
    resume: bool = False
    cache_dir: Path | None = None  # None: no annotation cache
    as_json: bool = False
    quiet: bool = False
    article_timeout: float | None = None  # seconds an article may take in the per-article stages; None: no limit


@dataclass
class BatchResult:
    """What a batch run did, for the summary."""

    articles: int = 0
    skipped: int = 0
    quote_types: Counter = field(default_factory=Counter)
    speakers: int = 0
    merges: int = 0
    stances: int = 0
    problems: int = 0
    warnings: int = 0
    nlp: tuple[str, ...] = ()
    files: list[Path] = field(default_factory=list)
    resumed: int = 0  # items done before this session
    processed_chars: int = 0  # characters annotated in this session
    cache: object = None  # engine.CacheStats when stanza's cache was used
    cache_dir: Path | None = None
    seconds: float = 0.0


def rules_digest(rules: RuleSet) -> str:
    """A hash of the rule files' contents and the scope (what a resume must find unchanged)."""
    h = hashlib.sha256(f"scope={rules.scope}\0".encode())
    for src in rules.sources:
        h.update(src.encode("utf-8") + b"\0")
        try:
            h.update(Path(src).read_bytes())
        except OSError:
            h.update(b"<unreadable>")
        h.update(b"\0")
    return h.hexdigest()


#: allocations (less frees) of container objects between two runs of the cyclic garbage collector in a batch run
BATCH_GC_THRESHOLD = 50_000


@contextlib.contextmanager
def few_collections() -> Iterator[None]:
    """Run the block with the cyclic garbage collector started every ``BATCH_GC_THRESHOLD`` allocations, not 700.

    A batch run makes and frees millions of small objects, nearly all of them freed by reference counting.
    With Python's default threshold the collector runs thousands of times and, every tenth of a tenth run,
    walks the whole live heap (stanza's model and stanza's documents of a batch): measured, 12% of a
    stanza run's time (200 articles) and 3.5% of a built-in one's (2,000). Garbage in reference cycles waits
    for at most ``BATCH_GC_THRESHOLD`` more objects. Processes forked inside the block inherit the setting.
    """
    old = gc.get_threshold()
    gc.set_threshold(BATCH_GC_THRESHOLD, *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


@few_collections()  # a batch run's processes: see few_collections
def run_batch(inputs: Sequence[str], out: Path, rules: RuleSet, *, nlp: str = "auto",
              models_dir: Path | None = None, annotations: str | None = None, input_options=None,
              options: BatchOptions = BatchOptions(),
              on_note: Callable[[str], None] = print, on_problem: Callable[[Problem], None] | None = None,
              stdin=None) -> BatchResult:
    """Run every stage on the inputs into OUT, streaming the per-article stages; resumable.

    Args:
        inputs: files, folders, globs, or ``-`` for stdin.
        out: the output folder (created; its ``.partial`` subfolder holds the spool until the end).
        rules: the validated rules.
        nlp: "auto", "stanza" or "builtin".
        models_dir: stanza's models (default: $STANZA_RESOURCES_DIR or stanza's folder).
        annotations: a CoNLL-U file or folder (``--annotations``): each article's parse, where it has one; the
            others are annotated by ``nlp``.
        input_options: ``documents.InputOptions`` (size limit, JSON Lines fields).
        options: jobs, engine, resume, cache, outputs.
        on_note: gets the line saying which NLP is used.
        on_problem: gets each problem as it is found (in input order); default: printed on stderr.
        stdin: the stream ``-`` reads (tests).

    Returns:
        The counts for the summary.

    Raises:
        InputError: an input names nothing, or ``annotations`` no CoNLL-U file (before OUT is made).
        NlpUnavailableError: stanza was asked for and cannot be loaded (before OUT is made).
        ResumeError: ``resume`` with other inputs or settings than the interrupted run's.
        KeyboardInterrupt: Ctrl-C; what was finished is kept in OUT/.partial for ``resume``.
    """
    from .documents import InputOptions, iter_documents, plan_inputs
    from .engine import DaskEngine, LocalEngine, NlpConfig, Processor, choose_annotator, work_items
    from .identity import start_store_identity
    from .progress import Progress
    from .spool import Spool
    from .store import Store, article_columns, quote_speakers

    t0 = time.perf_counter()
    input_options = input_options or InputOptions()
    plan = plan_inputs(inputs, exclude=[out])  # fails before anything is read or written
    preparsed = None
    if annotations is not None:
        from dataclasses import replace

        from .annotations import PreParsed, scan_annotations

        preparsed = PreParsed(scan_annotations(annotations), rules)  # read once here, its problems said once
        plan = replace(plan, problems=plan.problems + preparsed.index.problems)
    result = BatchResult(cache_dir=options.cache_dir)
    engine = DaskEngine(options.scheduler, options.jobs, options.article_timeout) if options.engine == "dask" else \
        LocalEngine(rules, options.jobs, options.article_timeout, preparsed)  # forks its workers before torch starts
    spool = store = None
    try:
        annotator, note = choose_annotator(nlp, rules, models_dir, lazy=options.cache_dir is not None)
        on_note(note)
        if preparsed is not None:
            on_note(preparsed.index.note(annotator.name))
        config = NlpConfig(annotator.name, str(models_dir) if models_dir else None,
                           str(options.cache_dir) if options.cache_dir else None, annotations)
        processor = Processor(rules, config, annotator, options.article_timeout, preparsed)
        nlp_settings = {"annotator": annotator.name}
        if annotator.name == "stanza":
            from .cache import stanza_settings

            ann = annotator
            nlp_settings = stanza_settings(ann.directory, ann.processors)  # type: ignore[attr-defined]
        if preparsed is not None:
            nlp_settings = {**nlp_settings, "annotations": preparsed.index.settings()}
        manifest = {"attrib": __version__, "inputs": list(map(str, inputs)), "cwd": os.getcwd(),
                    "rules": rules_digest(rules), "nlp": nlp_settings,
                    "options": {"max_bytes": input_options.max_bytes, "text_field": input_options.text_field,
                                "id_field": input_options.id_field}}
        out.mkdir(parents=True, exist_ok=True)
        spool = Spool(out, manifest, options.resume)
        if spool.repaired:
            on_note(f"resume: {spool.repaired}")
        result.resumed = spool.resumed
        store = Store.from_run(spool.dir, spool.dir / STORE)  # what a resumed run had finished, else empty
        identity = start_store_identity(store, rules)  # collects each article's speakers as it comes
        progress = Progress(plan.files or None, quiet=options.quiet, initial=spool.resumed)

        def consume(outputs) -> None:
            for o in outputs:
                spool.add(o.key, o.quotes, o.article, o.problems, o.stances, o.text)
                store.add_quote_rows(map(_with_line, o.quote_rows, o.quotes.split("\n")))
                identity.add(quote_speakers(o.quote_rows))
                if o.doc_id is not None:
                    rec = json.loads(o.article)
                    store.add_article_rows([(*article_columns(rec), o.article.rstrip("\n"))])
                    result.processed_chars += rec["chars"]
                store.add_stance_rows(map(_with_line, o.stance_rows, o.stances.split("\n")))
                for p in o.problem_list():
                    (on_problem or progress.write)(p if on_problem else str(p))
            spool.flush()
            store.commit()
            progress.update(len(outputs))

        try:
            if options.engine == "dask":
                index = [0]

                def consume_new(outputs) -> None:  # the cluster redoes finished items; keep the first copy
                    fresh = []
                    for o in outputs:
                        if not spool.is_done(index[0], o.key):
                            fresh.append(o)
                        index[0] += 1
                    consume(fresh)

                stats = engine.run(plan, input_options, rules, config, consume_new)  # type: ignore[call-arg]
                engine.close()  # its threads stopped before the corpus stages
                spool.check_complete(index[0])
                if config.cache_dir and annotator.name == "stanza":
                    result.cache = stats
            else:
                count = [0]

                def pending():
                    for i, w in enumerate(work_items(iter_documents(plan, input_options, stdin=stdin))):
                        count[0] = i + 1
                        if not spool.is_done(i, w.key):
                            yield w

                engine.run(pending(), processor, consume)  # type: ignore[call-arg]
                spool.check_complete(count[0])
                result.cache = processor.cache.stats if processor.cache else None
        finally:
            progress.close()
            spool.close()
        finish_run(spool, store, out, rules, options.as_json, result, identity)
        store.close()
        spool.remove()
    finally:
        if options.engine == "dask":
            engine.close()  # type: ignore[union-attr]
        else:
            engine.terminate()  # type: ignore[union-attr]
        if store is not None:
            store.close()
    result.seconds = time.perf_counter() - t0
    return result


def _with_line(columns: tuple, line: str) -> tuple:
    """A store row: a line's columns, then the line (a JSON line holds no newline: ``split("\\n")`` pairs them)."""
    return (*columns, line)


#: the store's file in the spool's folder
STORE = "corpus.sqlite"


def finish_run(spool, store, out: Path, rules: RuleSet, as_json: bool, result: BatchResult, identity=None) -> None:
    """The corpus stages on the run's store, one after the other in this process: identity, claims, graph; then
    the final files, each atomically. ``identity``: what ``identity.start_store_identity`` gave, handed every
    quote of the store since (default: collected now)."""
    from .identity import merge_record, unify_store
    from .quotes_csv import QUOTES_CSV, quotes_csv_from_run
    from .rundir import (ARTICLES, MERGES, PROBLEMS, QUOTES, STANCES, TEXTS, TEXTS_SPOOL, atomic_path,
                         write_gzip_copy, write_text_lines)

    store.commit()
    with atomic_path(out / MERGES) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as f:
        result.merges = unify_store(store, rules, lambda m: f.write(json.dumps(merge_record(m), ensure_ascii=False)
                                                                    + "\n"), identity)
    store.commit()

    write_text_lines(out / QUOTES, store.quote_lines())
    write_text_lines(out / STANCES, store.stance_lines())
    quotes_csv_from_run(out / QUOTES, out / QUOTES_CSV)  # for spreadsheets (issue 21)
    files = [out / QUOTES] + _write_graph(store, rules, out, as_json)
    for name in (ARTICLES, PROBLEMS):  # the spool's copies are already in their final order
        with atomic_path(out / name) as tmp:
            shutil.copyfile(spool.dir / name, tmp)
    files += [out / ARTICLES, out / PROBLEMS, out / STANCES, out / MERGES]
    write_gzip_copy(spool.dir / TEXTS_SPOOL, out / TEXTS)  # the texts the offsets point into, for the report
    files += [out / QUOTES_CSV, out / TEXTS]

    result.files = files
    result.articles = store.articles
    by_nlp = store.db.execute("SELECT nlp, count(*) FROM article GROUP BY nlp ORDER BY 1").fetchall()
    # which annotated how many articles, when several did (--annotations and the articles it has no parse of)
    result.nlp = tuple(f"{nlp} ({n:,} article{'s' * (n != 1)})" if len(by_nlp) > 1 else nlp for nlp, n in by_nlp)
    result.quote_types = Counter(store.quote_types)
    # one row per speaker id of the quotes, as identity left them (claims.pool_store_claims)
    result.speakers = store.db.execute("SELECT count(*) FROM claims_pool").fetchone()[0]
    result.stances = store.stances
    result.skipped = sum(1 for _ in spool.iter_done_keys()) - result.articles  # an article over its time budget too
    with open(spool.dir / PROBLEMS, encoding="utf-8") as f:
        for line in f:
            result.problems += 1
            result.warnings += json.loads(line).get("level") == "warning"


def _write_graph(store, rules: RuleSet, out: Path, as_json: bool) -> list[Path]:
    """The run's graph files: GraphML streamed from the store; with ``as_json`` also graph.json, for which
    networkx holds the whole graph in memory (node-link JSON is written from a networkx graph)."""
    from .export import FORMATS, write_graph_files, write_store_graph
    from .graph import graph_records

    if as_json:
        return write_graph_files(graph_records(store, rules), ["graphml", "json"], out)
    path = out / FORMATS["graphml"][0]
    write_store_graph(store, rules, path)
    return [path]
