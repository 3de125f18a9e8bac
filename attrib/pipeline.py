"""The stage order, stated once: load -> annotate -> quotes -> cues -> speakers -> stance -> identity -> claims -> graph.

Stages 1-5 are a pure function of one article and the rules (``extract`` after the
annotator); ``run_batch`` streams them over a corpus (``engine``) into the run's
spool (``spool.Spool``), keeping only each article's quotes and stances as records
(``Gathered``), then ``finish_run`` runs the corpus stages on them: one identity per
speaker, claims, the graph and the exports.
"""
from __future__ import annotations

import gc
import hashlib
import json
import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from . import __version__
from .cues import find_attributions
from .model import Annotated, Article, ArticleResult, ResolvedAttribution, Stance
from .nlp import Annotator
from .problems import Problem
from .quotes import find_quotes
from .ruleset import RuleSet
from .speakers import resolve_speakers
from .stance import find_stances

#: articles handed to the annotator at once (stanza is faster on batches)
BATCH_SIZE = 32


def extract(annotated: Annotated, rules: RuleSet) -> tuple[ArticleResult, tuple[Problem, ...]]:
    """Stages 3-5b on one annotated article: quotes, their cues, speakers and stances."""
    quotes, problems = find_quotes(annotated, rules)
    attributions = find_attributions(annotated, quotes, rules)
    resolved = resolve_speakers(annotated, attributions, rules, quotes)
    stances = find_stances(annotated, resolved, rules)  # issue 5's stance stage
    return ArticleResult(annotated.article, resolved, annotated.nlp, stances), problems


def process_articles(articles: Sequence[Article], rules: RuleSet, annotator: Annotator
                     ) -> tuple[list[ArticleResult], list[Problem]]:
    """Stages 2-5 over articles held in memory (eval, benchmarks), in batches for the annotator."""
    results: list[ArticleResult] = []
    problems: list[Problem] = []
    for i in range(0, len(articles), BATCH_SIZE):
        for annotated in annotator.annotate_many(articles[i:i + BATCH_SIZE]):
            result, probs = extract(annotated, rules)
            results.append(result)
            problems.extend(probs)
    return results, problems


# ---------------------------------------------------------------- batch runs


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


@dataclass
class BatchResult:
    """What a batch run did, for the summary."""

    articles: int = 0
    skipped: int = 0
    chars: int = 0
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
    """A hash of the rule files' contents (what a resume must find unchanged)."""
    h = hashlib.sha256()
    for src in rules.sources:
        h.update(src.encode("utf-8") + b"\0")
        try:
            h.update(Path(src).read_bytes())
        except OSError:
            h.update(b"<unreadable>")
        h.update(b"\0")
    return h.hexdigest()


def run_batch(inputs: Sequence[str], out: Path, rules: RuleSet, *, nlp: str = "auto",
              models_dir: Path | None = None, input_options=None, options: BatchOptions = BatchOptions(),
              on_note: Callable[[str], None] = print, on_problem: Callable[[Problem], None] | None = None,
              stdin=None) -> BatchResult:
    """Run every stage on the inputs into OUT, streaming the per-article stages; resumable.

    Args:
        inputs: files, folders, globs, or ``-`` for stdin.
        out: the output folder (created; its ``.partial`` subfolder holds the spool until the end).
        rules: the validated rules.
        nlp: "auto", "stanza" or "builtin".
        models_dir: stanza's models (default: $STANZA_RESOURCES_DIR or stanza's folder).
        input_options: ``documents.InputOptions`` (size limit, JSON Lines fields).
        options: jobs, engine, resume, cache, outputs.
        on_note: gets the line saying which NLP is used.
        on_problem: gets each problem as it is found (in input order); default: printed on stderr.
        stdin: the stream ``-`` reads (tests).

    Returns:
        The counts for the summary.

    Raises:
        InputError: an input names nothing (before OUT is made).
        NlpUnavailableError: stanza was asked for and cannot be loaded (before OUT is made).
        ResumeError: ``resume`` with other inputs or settings than the interrupted run's.
        KeyboardInterrupt: Ctrl-C; what was finished is kept in OUT/.partial for ``resume``.
    """
    from .documents import InputOptions, iter_documents, plan_inputs
    from .engine import DaskEngine, LocalEngine, NlpConfig, Processor, choose_annotator, work_items
    from .progress import Progress
    from .spool import Spool

    t0 = time.perf_counter()
    input_options = input_options or InputOptions()
    plan = plan_inputs(inputs)  # fails before anything is read or written
    result = BatchResult(cache_dir=options.cache_dir)
    engine = DaskEngine(options.scheduler, options.jobs) if options.engine == "dask" else \
        LocalEngine(rules, options.jobs)  # forks its workers before stanza starts torch here
    spool = gathered = None
    try:
        annotator, note = choose_annotator(nlp, rules, models_dir, lazy=options.cache_dir is not None)
        on_note(note)
        config = NlpConfig(annotator.name, str(models_dir) if models_dir else None,
                           str(options.cache_dir) if options.cache_dir else None)
        processor = Processor(rules, config, annotator)
        nlp_settings = {"annotator": annotator.name}
        if annotator.name == "stanza":
            from .cache import stanza_settings

            ann = annotator
            nlp_settings = stanza_settings(ann.directory, ann.processors)  # type: ignore[attr-defined]
        manifest = {"attrib": __version__, "inputs": list(map(str, inputs)), "cwd": os.getcwd(),
                    "rules": rules_digest(rules), "nlp": nlp_settings,
                    "options": {"max_bytes": input_options.max_bytes, "text_field": input_options.text_field,
                                "id_field": input_options.id_field}}
        out.mkdir(parents=True, exist_ok=True)
        spool = Spool(out, manifest, options.resume)
        result.resumed = spool.resumed
        gathered = Gathered.from_run(spool.dir) if spool.resumed else Gathered()
        progress = Progress(plan.files or None, quiet=options.quiet, initial=spool.resumed)

        def consume(outputs) -> None:
            for o in outputs:
                spool.add(o.key, o.quotes, o.article, o.problems, o.stances)
                gathered.add(o.quotes, o.stances)
                if o.article:
                    result.processed_chars += json.loads(o.article)["chars"]
                for p in o.problem_list():
                    (on_problem or progress.write)(p if on_problem else str(p))
            spool.flush()
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
        finish_run(spool, out, rules, options.as_json, result, gathered)
        spool.remove()
    finally:
        if options.engine == "dask":
            engine.close()  # type: ignore[union-attr]
        else:
            engine.terminate()  # type: ignore[union-attr]
        if gathered is not None:
            gathered.release()
    result.seconds = time.perf_counter() - t0
    return result


class Gathered:
    """The run's quotes and stances as records, in the spool's order, parsed as each item finishes.

    With ``--jobs N`` the main process parses while the workers work, so the corpus stages
    at the end start from records instead of reading the whole spool back first.
    """

    #: articles between two freezes of what was gathered (see ``add``)
    FREEZE_EVERY = 256

    def __init__(self) -> None:
        self.attributions: list[ResolvedAttribution] = []
        self.stances: list[Stance] = []
        self._shared: dict = {}  # equal speakers, rule ids and doc ids made one object (rundir)
        self._added = 0
        self.frozen = False

    @classmethod
    def from_run(cls, run_dir: Path) -> "Gathered":
        """What a run folder (or an interrupted run's spool) already holds."""
        from .rundir import read_quotes, read_stances

        g = cls()
        g.attributions, g.stances = read_quotes(run_dir), read_stances(run_dir)
        return g

    def add(self, quotes: str, stances: str) -> None:
        """One finished item's quote and stance lines (as the spool gets them)."""
        from .rundir import attribution_from_record, stance_from_record

        if quotes:
            self.attributions.extend(attribution_from_record(json.loads(line), self._shared)
                                     for line in quotes.splitlines())
        if stances:
            self.stances.extend(stance_from_record(json.loads(line)) for line in stances.splitlines())
        self._added += 1
        if self._added % self.FREEZE_EVERY == 0:
            # The records live until the end of the run and hold no reference cycles, yet each full pass of
            # the cyclic garbage collector walks them all: at 6,000 articles those passes were 10% of the
            # run's CPU time, growing with the corpus. Once the young generations are collected, freezing
            # moves what is left out of the collector's passes (reference counting still frees it).
            gc.collect(1)
            gc.freeze()
            self.frozen = True

    def release(self) -> None:
        """Give what ``add`` froze back to the garbage collector (at the end of the run)."""
        if self.frozen:
            gc.unfreeze()
            self.frozen = False


def finish_run(spool, out: Path, rules: RuleSet, as_json: bool, result: BatchResult,
               gathered: Gathered | None = None) -> None:
    """The corpus stages on the spooled run: identity, claims, graph; then the final files, each atomically.

    ``gathered`` holds the spool's quotes and stances as records (read from the spool when None).
    """
    from .export import write_graph_files
    from .graph import records_from_run
    from .identity import merge_record, unify_speakers
    from .rundir import (ARTICLES, MERGES, PROBLEMS, QUOTES, STANCES, atomic_path, quote_record, read_articles,
                         stance_record, write_lines)

    gathered = gathered or Gathered.from_run(spool.dir)
    attributions = gathered.attributions  # in the spool's order: line i is attributions[i]
    gathered.attributions = []
    articles = read_articles(spool.dir)
    unified, merge_list = unify_speakers(attributions, rules)
    # quotes.jsonl is the spool's lines in doc_id order; only a quote whose speaker identity changed is written anew
    replaced = {i: json.dumps(quote_record(new), ensure_ascii=False) + "\n"
                for i, (old, new) in enumerate(zip(attributions, unified)) if new is not old}
    attributions = list(unified)
    del unified
    spool.write_quotes(out / QUOTES, replaced)
    del replaced
    stances, gathered.stances = gathered.stances, []
    stances.sort(key=lambda s: (s.doc_id, s.start, s.end, s.rule_id))  # what stance_record's key sorts by
    write_lines(out / STANCES, (stance_record(s) for s in stances))
    graph = records_from_run(attributions, articles, stances, rules)
    n_stances = len(stances)
    del stances
    files = [out / QUOTES] + write_graph_files(graph, ["graphml"] + (["json"] if as_json else []), out)
    del graph
    write_lines(out / MERGES, (merge_record(m) for m in merge_list))
    for name in (ARTICLES, PROBLEMS):  # the spool's copies are already in their final order
        with atomic_path(out / name) as tmp:
            shutil.copyfile(spool.dir / name, tmp)
    files += [out / ARTICLES, out / PROBLEMS, out / STANCES, out / MERGES]

    result.files = files
    result.articles = len(articles)
    result.chars = sum(a.chars for a in articles)
    result.nlp = tuple(sorted({a.nlp for a in articles}))
    result.quote_types = Counter(ra.attribution.type.value for ra in attributions)
    result.speakers = len({ra.speaker.id for ra in attributions if ra.speaker is not None})
    result.merges = len(merge_list)
    result.stances = n_stances
    result.skipped = sum(key.startswith("p:") for key in spool.iter_done_keys())
    with open(spool.dir / PROBLEMS, encoding="utf-8") as f:
        for line in f:
            result.problems += 1
            result.warnings += json.loads(line).get("level") == "warning"
