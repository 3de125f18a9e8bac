"""Run the per-article stages (annotate, then ``pipeline.extract``) over a stream of input items, in order.

Three ways, one result: in this process (``--jobs 1``), in worker processes
(``--jobs N``) or on a Dask cluster (``--engine dask``). Each input item (an
article, or the warning that says why one was skipped) becomes an ``Output``: its
quote records, article record and problem records as JSON lines, ready to append
to the run's spool (``spool.Spool``) in input order. The same ``Processor`` makes
every ``Output``, so every way gives byte-identical files.

Why stanza annotates in the parent: stanza is fastest on one bulk call with torch
using every core (NOTES.md: on 2 cores, two processes each with a pipeline do not
beat one bulk process, and each holds its own copy of the models). So with stanza
the parent annotates batches (through the annotation cache) and the workers add
the rules' entities and run the rules stages, which overlaps with the next batch's
annotation. The built-in annotator is cheap and needs the rules, so with it the
workers do everything.
"""
from __future__ import annotations

import contextlib
import ctypes
import functools
import hashlib
import json
import math
import multiprocessing
import multiprocessing.connection as mp_connection
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from types import FrameType
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

from .annotations import PreParsed, scan_annotations
from .cache import AnnotationCache, CacheStats, stanza_settings, text_digest
from .documents import DuplicateIds, InputOptions, InputPlan, Item, Source, iter_source
from .model import Annotated, Article
from .nlp import (Annotator, BuiltinAnnotator, StanzaAnnotator, installed_processors, load_annotator, models_dir,
                  with_rule_entities, without_rule_entities)
from .pipeline import BATCH_SIZE, extract
from .problems import AttribError, Problem
from .ruleset import RuleSet
from .rundir import article_info, article_record, problem_from_record, problem_record, quote_record, stance_record
from .store import quote_columns, stance_columns

T = TypeVar("T")
#: tasks (of up to BATCH_SIZE items) waiting or running per worker process: enough to keep workers busy,
#: few enough that memory does not grow with the corpus
_TASKS_PER_JOB = 3
#: text and HTML files per Dask partition (a JSON Lines file is a partition of its own)
FILES_PER_PARTITION = 64


@dataclass(frozen=True)
class NlpConfig:
    """How articles are annotated: the resolved annotator ("stanza" or "builtin"), its models and the cache."""

    mode: str
    models_dir: str | None = None
    cache_dir: str | None = None  # None: no annotation cache
    annotations: str | None = None  # --annotations PATH: parses taken before the annotator's (``annotations``)


@dataclass(frozen=True)
class WorkItem:
    """One input item on its way to a processor; ``base`` is the rules-free layer when the parent made it (stanza's,
    or the parse from --annotations), with the ``problems`` met making it."""

    key: str
    item: Item
    digest: str = ""  # SHA-256 of an article's text (the cache key)
    base: Annotated | None = None
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Output:
    """What one input item adds to the run: JSON lines for quotes.jsonl, articles.jsonl and problems.jsonl."""

    key: str
    doc_id: str | None  # None for a skipped input
    path: str
    quotes: str
    article: str
    problems: str
    stances: str = ""
    quote_rows: tuple[tuple, ...] = ()  # the store's columns of each quote line (``store.quote_columns``)
    stance_rows: tuple[tuple, ...] = ()  # and of each stance line (``store.stance_columns``)
    text: str = ""  # the article's line of texts.jsonl.gz: ``{"doc_id", "text"}`` (what ``attrib report`` shows)

    def problem_list(self) -> list[Problem]:
        """The problems, as records (to print them)."""
        # split at "\n" only: a JSON line written with ensure_ascii=False may hold U+2028, U+0085...
        return [problem_from_record(json.loads(line)) for line in self.problems.split("\n") if line]


def item_key(item: Item, digest: str | None = None) -> str:
    """What identifies an input item when a run is resumed: the doc_id and text hash, or the problem."""
    if isinstance(item, Article):
        return f"a:{item.doc_id}:{(digest or text_digest(item.text))[:20]}"
    return "p:" + hashlib.sha256(str(item).encode("utf-8", "surrogatepass")).hexdigest()[:20]


def problem_output(key: str, problem: Problem, *more: Problem) -> Output:
    """The output of a skipped input: its warning only (and any ``more`` problems met on the way)."""
    return Output(key, None, problem.path, "", "", "".join(_json_line(problem_record(p)) for p in (*more, problem)))


def _json_line(rec: dict[str, Any]) -> str:
    return json.dumps(rec, ensure_ascii=False) + "\n"


class ArticleTimeout(Exception):
    """One article took longer than its time budget (raised by ``within_budget``'s watchdog, mid-work)."""


def within_budget(seconds: float | None, work: Callable[[], T]) -> T:
    """``work()``, or ``ArticleTimeout`` once it has run ``seconds`` of wall time (None or 0: no limit).

    A watchdog thread raises it in the thread that runs ``work`` (``PyThreadState_SetAsyncExc``), at that
    thread's next line of Python, as a signal handler would, but in any thread: the main thread of this
    process or of a worker process, and a Dask worker's task threads, where a SIGALRM timer (what this was
    before) never fires. So one budget serves every engine, and it stops an article in the middle of a
    stage: a deadline checked between the stages would let a slow stage run on (one stage of a 1 MB article
    takes up to 4 s, of the 5 MB that ``--max-bytes`` lets in up to 20 s), and checks inside the stages' loops
    would have to be in every loop, present and future. Like a signal handler, it waits for a long C call to
    return. The stages keep no state across articles, so an article stopped anywhere leaves nothing half-done.
    """
    if not seconds:
        return work()
    ident = threading.get_ident()
    try:
        _WATCHDOG.arm(ident, time.monotonic() + seconds, sys._getframe())
        result = work()
    finally:
        while True:  # a raise that lands on the way into disarm, before it holds the lock, only stops disarm:
            try:     # disarm again (it withdraws any raise still pending)
                raised = _WATCHDOG.disarm(ident)
                break
            except ArticleTimeout:
                continue
    if raised:  # ``work`` ended before the exception landed (or where Python drops exceptions): over all the same
        raise ArticleTimeout
    return result


class _Watchdog:
    """The thread that raises ``ArticleTimeout`` in each thread whose budget has run out: one per process,
    started on first use (a timer thread per article would cost 0.2-0.4 ms an article; this, about 3 µs).

    No ``ArticleTimeout`` lands outside its ``within_budget``: the watchdog raises holding ``_lock``, only
    in a thread that still runs the call's frame, and the call's end, holding ``_lock``, withdraws one that
    has not landed yet. ``_lock`` is a plain lock taken with ``with`` (C code, unlike a Condition's
    ``__enter__``): an exception landing just after it is taken still releases it. One that lands in a
    garbage collector's callback or a finaliser (a Dask worker has such a callback) is dropped there by
    Python, quietly (``_unraisable``), and raised again ``RETRY`` seconds later.
    """

    RETRY = 0.05

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wakeup = threading.Condition(self._lock)  # waited on and notified with ``_lock`` held
        # a thread's ident -> when its budget runs out (time.monotonic), and the frame of its within_budget
        self._budgets: dict[int, tuple[float, FrameType]] = {}
        self._raised: set[int] = set()  # the threads it raised in, until their within_budget ends
        self._wake = math.inf  # when the watchdog wakes next
        self._thread: threading.Thread | None = None

    def arm(self, ident: int, deadline: float, frame: FrameType) -> None:
        with self._lock:
            self._budgets[ident] = (deadline, frame)
            self._raised.discard(ident)  # a new call starts with no raise of an earlier one's
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="attrib-article-timeout", daemon=True)
                self._thread.start()
                sys.unraisablehook = functools.partial(self._unraisable, sys.unraisablehook)
            elif deadline < self._wake:
                self._wakeup.notify()

    def disarm(self, ident: int) -> bool:
        """End the thread's budget; whether the watchdog raised in it."""
        with self._lock:
            self._budgets.pop(ident, None)
            _raise_in_thread(ident, None)  # withdraw one that has not landed yet
            raised = ident in self._raised
            self._raised.discard(ident)
        return raised

    def _watch(self) -> None:
        with self._lock:
            while True:
                now = time.monotonic()
                for ident, (deadline, frame) in list(self._budgets.items()):
                    if deadline > now:
                        continue
                    if _runs(ident, frame):
                        self._raised.add(ident)
                        _raise_in_thread(ident, ArticleTimeout)
                        self._budgets[ident] = (now + self.RETRY, frame)
                    else:  # an exception ended it before its disarm
                        del self._budgets[ident]
                        self._raised.discard(ident)
                self._wake = min((deadline for deadline, _ in self._budgets.values()), default=math.inf)
                self._wakeup.wait(None if self._wake == math.inf else self._wake - now)

    def _unraisable(self, hook: Callable[[Any], None], unraisable: Any) -> None:
        """``sys.unraisablehook``: nothing to print for an ``ArticleTimeout`` the watchdog raises again; the
        rest goes to ``hook``."""
        if not (unraisable.exc_type is ArticleTimeout and threading.get_ident() in self._raised):
            hook(unraisable)


def _runs(ident: int, frame: FrameType) -> bool:
    """Whether the thread ``ident`` is running ``frame`` (it, or a function it called)."""
    f = sys._current_frames().get(ident)
    while f is not None and f is not frame:
        f = f.f_back
    return f is not None


def _raise_in_thread(ident: int, exc: type[BaseException] | None) -> None:
    """Have the thread ``ident`` raise ``exc`` at its next line of Python; None withdraws a pending one
    (CPython's C API, through ctypes)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(exc) if exc else None)


def _new_watchdog() -> None:
    global _WATCHDOG
    _WATCHDOG = _Watchdog()


_WATCHDOG = _Watchdog()
os.register_at_fork(after_in_child=_new_watchdog)  # a forked worker has no watchdog thread: it starts its own


class Processor:
    """The per-article stages for one process: annotate (stanza through the cache), extract, serialise.

    ``article_timeout``: seconds each article may take in the stages this process runs for it (the built-in
    annotator and the rules stages; stanza annotates batches at once, outside the budget); an article that
    takes longer is skipped with a warning. None: no limit.
    """

    def __init__(self, rules: RuleSet, config: NlpConfig, annotator: Annotator | None = None,
                 article_timeout: float | None = None, preparsed: PreParsed | None = None):
        self.rules = rules
        self.config = config
        self._annotator = annotator
        self._preparsed = preparsed
        self.cache: AnnotationCache | None = None
        self.stats = CacheStats()
        self.article_timeout = article_timeout

    @property
    def annotator(self) -> Annotator:
        """The annotator, loaded on first use (once per process or Dask worker)."""
        if self._annotator is None:
            if self.config.mode == "builtin":
                self._annotator = BuiltinAnnotator(self.rules)
            else:
                self._annotator = load_annotator(self.config.mode, self.rules, self.config.models_dir)[0]
        if self.cache is None and self.config.cache_dir and self._annotator.name == "stanza":
            ann: Any = self._annotator
            self.cache = AnnotationCache(self.config.cache_dir, stanza_settings(ann.directory, ann.processors))
            self.stats = self.cache.stats
        return self._annotator

    def _parse(self, article: Article) -> tuple[Annotated | None, tuple[Problem, ...]]:
        """The article annotated from --annotations (None: it has no usable parse there), and the problems met."""
        if not self.config.annotations:
            return None, ()
        if self._preparsed is None:  # the index is read on first use: once per process or Dask worker
            self._preparsed = PreParsed(scan_annotations(self.config.annotations), self.rules)
        return self._preparsed.annotate(article)

    def with_bases(self, work: Sequence[WorkItem]) -> list[WorkItem]:
        """The items with each article's rules-free layer (``base``) and the problems met making it, for a worker
        process to finish: from --annotations, else from the cache or one bulk stanza call."""
        made, problems = self._annotate(work)
        return [WorkItem(w.key, w.item, w.digest, made[i][0], problems.get(i, ())) if i in made else w
                for i, w in enumerate(work)]

    def _annotate(self, work: Sequence[WorkItem]
                  ) -> tuple[dict[int, tuple[Annotated, Annotated | None]], dict[int, tuple[Problem, ...]]]:
        """What is annotated ahead of each article's time budget, by index in ``work``: each article's parse from
        --annotations and, with stanza, the others in one bulk call (``_annotations``: the rules-free layer, and
        the full annotation unless it came from the cache); and the problems met reading the parses."""
        made: dict[int, tuple[Annotated, Annotated | None]] = {}
        problems: dict[int, tuple[Problem, ...]] = {}
        todo = []
        for i, w in enumerate(work):
            if not isinstance(w.item, Article) or w.base is not None:
                continue
            parsed, problems[i] = self._parse(w.item)
            if parsed is None:
                todo.append((i, w))
            else:  # never in the annotation cache: the file is the parse's store
                made[i] = (without_rule_entities(parsed), parsed)
        if todo and self.annotator.name == "stanza":  # in one bulk call; the built-in one works per article
            pairs = self._annotations([w.item for _, w in todo], [w.digest for _, w in todo])
            made.update(zip([i for i, _ in todo], pairs))
        return made, problems

    def _annotations(self, articles: Sequence[Article], digests: Sequence[str]
                     ) -> list[tuple[Annotated, Annotated | None]]:
        """``bases``, each with stanza's full annotation when it was made just now (None when it came
        from the cache): ``with_rule_entities`` of the base would only work out the rules' layer again."""
        annotator = self.annotator
        cached: list[Annotated | None] = [self.cache.get(a, d) if self.cache else None
                                          for a, d in zip(articles, digests)]
        out: list[tuple[Annotated, Annotated | None]] = [(b, None) for b in cached]  # type: ignore[misc]
        todo = [i for i, b in enumerate(cached) if b is None]
        if todo:
            fresh = annotator.annotate_many([articles[i] for i in todo])
            for i, annotated in zip(todo, fresh):
                base = without_rule_entities(annotated)
                out[i] = (base, annotated)
                if self.cache:
                    self.cache.put(digests[i], base)
        return out

    def run(self, work: Sequence[WorkItem]) -> list[Output]:
        """The outputs of the items, in order (annotating the articles that have no ``base`` yet)."""
        made, problems = self._annotate(work)
        annotated = {i: full if full is not None else with_rule_entities(base, self.rules)
                     for i, (base, full) in made.items()}
        out = []
        for i, w in enumerate(work):
            if isinstance(w.item, Problem):
                out.append(problem_output(w.key, w.item))
                continue
            met = w.problems + problems.get(i, ())
            try:
                out.append(within_budget(self.article_timeout,
                                         functools.partial(self._article, w, annotated.get(i), met)))
            except ArticleTimeout:
                article = w.item
                assert isinstance(article, Article)
                out.append(problem_output(w.key, Problem(
                    article.path, 0, 0, f"took more than {self.article_timeout:g} s in the per-article stages "
                                        f"(--article-timeout); article skipped", level="warning"), *met))
        return out

    def _article(self, w: WorkItem, annotated: Annotated | None, met: tuple[Problem, ...] = ()) -> Output:
        """One article's output, with the problems ``met`` annotating it first; the built-in annotator works
        within the article's budget."""
        if annotated is None:
            annotated = self.annotator.annotate_many([w.item])[0] if w.base is None else \
                with_rule_entities(w.base, self.rules)
        return self._extract(w.key, annotated, met)

    def _extract(self, key: str, annotated: Annotated, met: tuple[Problem, ...] = ()) -> Output:
        result, found = extract(annotated, self.rules)
        problems = met + tuple(found)
        records = sorted((quote_record(ra) for ra in result.attributions), key=lambda r: (r["start"], r["end"]))
        stances = [stance_record(s) for s in result.stances]
        a = result.article
        # the main process stores these lines with their columns, which it would otherwise parse them for
        return Output(key, a.doc_id, a.path, "".join(_json_line(r) for r in records),
                      _json_line(article_record(article_info(result))),
                      "".join(_json_line(problem_record(p)) for p in problems),
                      "".join(_json_line(s) for s in stances),
                      tuple(map(quote_columns, records)), tuple(map(stance_columns, stances)),
                      _json_line({"doc_id": a.doc_id, "text": a.text}))


class LazyStanza:
    """stanza's annotator, loaded on the first article the cache does not hold (a re-run from the cache never loads torch)."""

    name = "stanza"

    def __init__(self, rules: RuleSet, directory: Path):
        self.rules = rules
        self.directory = directory
        self.processors = installed_processors(directory)
        self._annotator: Annotator | None = None

    def annotate_many(self, articles: Sequence[Article]) -> list[Annotated]:
        """Annotate with stanza, loading it first if needed."""
        if self._annotator is None:
            self._annotator = StanzaAnnotator(self.rules, self.directory)
        return self._annotator.annotate_many(articles)


def choose_annotator(mode: str, rules: RuleSet, directory: str | os.PathLike | None, lazy: bool
                     ) -> tuple[Annotator, str]:
    """``nlp.load_annotator``, except that with ``lazy`` stanza is only loaded when an article needs it."""
    where = models_dir(directory)
    if not lazy or mode == "builtin" or not installed_processors(where):
        return load_annotator(mode, rules, directory)
    ann = LazyStanza(rules, where)
    return ann, f"nlp: stanza ({','.join(ann.processors)}) from {where}"


def process_items(processor: Processor, items: Iterable[Item]) -> Iterator[Output]:
    """Every item's output, in input order, a batch at a time in this process (``attrib eval``)."""
    for batch in _batched(work_items(items), BATCH_SIZE):
        yield from processor.run(batch)


def work_items(items: Iterable[Item]) -> Iterator[WorkItem]:
    """Input items with their resume keys (the text hash doubles as the cache key)."""
    for item in items:
        digest = text_digest(item.text) if isinstance(item, Article) else ""
        yield WorkItem(item_key(item, digest), item, digest)


# ---------------------------------------------------------------- in this process or in worker processes


def _worker_main(conn: Connection, others: list[Connection], rules: RuleSet, article_timeout: float | None,
                 preparsed: PreParsed | None) -> None:
    """A worker process: run each task that comes down its pipe and send back the outputs, until the pipe
    closes or a None comes. It ignores SIGINT and SIGTERM, which a terminal or ``kill -- -PGID`` sends the
    whole process group: the parent handles them, and stops its workers itself. ``preparsed``: the parent's
    index of --annotations, inherited by the fork."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _die_with_parent()
    for other in others:  # the parent's ends of the pipes, inherited by the fork
        other.close()
    processor = Processor(rules, NlpConfig("builtin", annotations=preparsed and preparsed.index.path),
                          article_timeout=article_timeout, preparsed=preparsed)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if task is None:
            return
        try:
            reply: tuple[str, Any] = ("ok", processor.run(task))
        except Exception as e:  # noqa: BLE001 - a bug in a stage: raised again in the parent
            reply = ("error", e)
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


def _die_with_parent() -> None:
    """Have Linux kill this process when its parent ends, however it ends (elsewhere: it exits when its pipe
    reads as closed, after the task at hand)."""
    with contextlib.suppress(OSError, AttributeError, TypeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # 1: PR_SET_PDEATHSIG


class _Workers:
    """Worker processes, each with a pipe of its own: no lock is shared between processes, so none can be
    left held by a process that was stopped, and stopping them (``kill``) cannot hang. A worker is sent a
    task only when it has none (so neither end ever waits to write while the other writes)."""

    def __init__(self, jobs: int, rules: RuleSet, article_timeout: float | None, preparsed: PreParsed | None):
        ctx = multiprocessing.get_context("fork")
        self.procs: list[Any] = []
        self.conns: list[Connection] = []
        for _ in range(jobs):
            parent, child = ctx.Pipe()
            # the child closes the parent's ends it inherits (its own pipe's too): when the parent is gone, its
            # pipe then reads as closed and it exits
            proc = ctx.Process(target=_worker_main,
                               args=(child, [*self.conns, parent], rules, article_timeout, preparsed), daemon=True)
            proc.start()
            child.close()
            self.procs.append(proc)
            self.conns.append(parent)
        self.busy: dict[int, int] = {}  # worker index -> the number of the task it works on

    def idle(self) -> int | None:
        """A worker with no task, or None."""
        return next((w for w in range(len(self.procs)) if w not in self.busy), None)

    def send(self, worker: int, number: int, task: list[WorkItem]) -> None:
        self.busy[worker] = number
        self.conns[worker].send(task)

    def collect(self) -> dict[int, list[Output]]:
        """Wait for at least one busy worker to finish its task: the outputs by task number."""
        ready = mp_connection.wait([self.conns[w] for w in self.busy])
        out = {}
        for w in [w for w in self.busy if self.conns[w] in ready]:
            try:
                status, value = self.conns[w].recv()
            except (EOFError, OSError):
                self.procs[w].join(1)
                raise AttribError(f"a worker process stopped unexpectedly (exit code {self.procs[w].exitcode}); "
                                  "run again with --resume") from None
            if status == "error":
                raise value
            out[self.busy.pop(w)] = value
        return out

    def close(self) -> None:
        """Let the workers finish and stop."""
        for conn in self.conns:
            with contextlib.suppress(OSError):
                conn.send(None)
        for proc in self.procs:
            proc.join()
        self._close_pipes()

    def kill(self) -> None:
        """Stop the workers now (Ctrl-C, errors)."""
        for proc in self.procs:
            with contextlib.suppress(OSError):
                proc.kill()
        for proc in self.procs:
            proc.join(5)
        self._close_pipes()

    def _close_pipes(self) -> None:
        for conn in self.conns:
            conn.close()
        self.procs, self.conns = [], []


class LocalEngine:
    """The per-article stages in this process (jobs=1) or in worker processes (``_Workers``).

    Create it before loading stanza in this process: the workers are forked at once,
    from a parent that has not started torch's threads. ``preparsed``: --annotations, for the workers.
    """

    def __init__(self, rules: RuleSet, jobs: int, article_timeout: float | None = None,
                 preparsed: PreParsed | None = None):
        self.rules = rules
        self.jobs = max(1, jobs)
        self.pool: _Workers | None = _Workers(self.jobs, rules, article_timeout, preparsed) if self.jobs > 1 else None

    def run(self, items: Iterable[WorkItem], processor: Processor, consume: Callable[[list[Output]], None]) -> None:
        """Process the items and hand their outputs to ``consume`` in input order, a batch at a time."""
        in_parent = processor.annotator.name == "stanza"  # see the module docstring
        limit = self.jobs * _TASKS_PER_JOB  # tasks sent and not yet consumed: memory stays flat
        done: dict[int, list[Output]] = {}  # outputs that wait for an earlier task's
        sent = consumed = 0

        def take(outputs: dict[int, list[Output]]) -> None:
            nonlocal consumed
            done.update(outputs)
            while consumed in done:
                consume(done.pop(consumed))
                consumed += 1

        try:
            for batch in _batched(items, BATCH_SIZE):
                if self.pool is None:
                    consume(processor.run(batch))
                    continue
                if in_parent:
                    batch = processor.with_bases(batch)
                while self.pool.idle() is None or sent - consumed >= limit:
                    take(self.pool.collect())
                self.pool.send(self.pool.idle(), sent, batch)  # type: ignore[arg-type]
                sent += 1
            while consumed < sent:
                take(self.pool.collect())  # type: ignore[union-attr]
        except BaseException:
            self.terminate()
            raise
        self.close()

    def close(self) -> None:
        """Let the workers finish and stop."""
        if self.pool is not None:
            self.pool.close()
            self.pool = None

    def terminate(self) -> None:
        """Stop the workers now (Ctrl-C, errors)."""
        if self.pool is not None:
            self.pool.kill()
            self.pool = None


def _batched(items: Iterable[WorkItem], n: int) -> Iterator[list[WorkItem]]:
    batch: list[WorkItem] = []
    for w in items:
        batch.append(w)
        if len(batch) >= n:
            yield batch
            batch = []
    if batch:
        yield batch


# ---------------------------------------------------------------- on a Dask cluster

_DASK_PROCESSORS: dict[Any, Processor] = {}


def _dask_partition(groups: list[list[Source]], rules: RuleSet, options: InputOptions, config: NlpConfig,
                    article_timeout: float | None) -> list[tuple[list[Output], CacheStats]]:
    """One Dask partition: read its sources, run the per-article stages; the NLP is loaded once per worker."""
    key = (id(rules), config, article_timeout)
    proc = _DASK_PROCESSORS.get(key)
    if proc is None:
        proc = _DASK_PROCESSORS[key] = Processor(rules, config, article_timeout=article_timeout)
    before = CacheStats(**vars(proc.stats))
    outputs: list[Output] = []
    for group in groups:
        items = (item for source in group for item in iter_source(source, options))
        for batch in _batched(work_items(items), BATCH_SIZE):
            outputs.extend(proc.run(batch))
    after = proc.stats
    delta = CacheStats(after.hits - before.hits, after.misses - before.misses, after.corrupt - before.corrupt,
                       after.write_errors - before.write_errors)
    return [(outputs, delta)]


def partition_sources(sources: Sequence[Source], files_per_partition: int = FILES_PER_PARTITION
                      ) -> list[list[Source]]:
    """Consecutive sources grouped for Dask: each JSON Lines file alone, text and HTML files by the batch."""
    groups: list[list[Source]] = []
    for s in sources:
        if s.kind == "jsonl" or not groups or groups[-1][0].kind == "jsonl" or len(groups[-1]) >= files_per_partition:
            groups.append([s])
        else:
            groups[-1].append(s)
    return groups


class DaskEngine:
    """The per-article stages on a Dask distributed cluster (``--scheduler ADDRESS``, or ``local``), each
    article within ``article_timeout`` seconds as with ``LocalEngine`` (``within_budget`` works in the workers'
    task threads)."""

    def __init__(self, scheduler: str, jobs: int, article_timeout: float | None = None):
        self.article_timeout = article_timeout
        try:
            import dask.bag  # noqa: F401
            from distributed import Client, LocalCluster
        except ImportError:
            raise AttribError("--engine dask needs dask and distributed: pip install 'attrib[dask]'") from None
        import logging

        self.cluster = None
        try:
            if scheduler == "local":
                self.cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True,
                                            dashboard_address=None, silence_logs=logging.ERROR)
                self.client = Client(self.cluster)
            else:
                self.client = Client(scheduler, timeout="5s")
        except Exception as e:  # noqa: BLE001 - any failure to reach the cluster is one line
            self.close()
            first = (str(e).strip().splitlines() or [type(e).__name__])[0]
            raise AttribError(f"cannot reach the Dask scheduler at {scheduler}: {first}") from None

    def run(self, plan: InputPlan, options: InputOptions, rules: RuleSet, config: NlpConfig,
            consume: Callable[[list[Output]], None]) -> CacheStats:
        """Process every planned source on the cluster; outputs come back to ``consume`` in input order."""
        import dask.bag as db

        if plan.reads_stdin:
            raise AttribError("--engine dask cannot read stdin (-): the workers read the inputs; "
                              "give files, or use --engine local")
        stats = CacheStats()
        seen = DuplicateIds()
        consume([problem_output(item_key(p), p) for p in plan.problems])
        groups = partition_sources(plan.sources)
        if not groups:
            return stats
        bag = db.from_sequence(groups, npartitions=len(groups)).map_partitions(
            _dask_partition, rules, options, config, self.article_timeout)
        futures = self.client.compute(bag.to_delayed())
        try:
            for fut in futures:
                for outputs, delta in fut.result():
                    stats.add(delta)
                    consume([_dedupe(o, seen) for o in outputs])
                fut.release()
        except BaseException:
            for fut in futures:
                fut.cancel()
            raise
        return stats

    def close(self) -> None:
        """Disconnect (and stop a local cluster); again, nothing."""
        client = getattr(self, "client", None)
        if client is not None:
            client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None


def _dedupe(o: Output, seen: DuplicateIds) -> Output:
    """An article whose doc_id an earlier one took becomes the same warning the local engine gives."""
    if o.doc_id is None:
        return o
    tail = o.path.rpartition(":")[2]  # a JSON Lines article's path is FILE:LINE: the line goes into the warning
    checked = seen.check(Article(o.doc_id, o.path, ""), int(tail) if ":" in o.path and tail.isdigit() else 0)
    if isinstance(checked, Problem):
        return problem_output(item_key(checked), checked)
    return o


def default_jobs() -> int:
    """The number of cores this process may use."""
    import os

    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


__all__ = ["ArticleTimeout", "BATCH_SIZE", "DaskEngine", "LocalEngine", "NlpConfig", "Output", "Processor",
           "WorkItem", "default_jobs", "item_key", "partition_sources", "problem_output", "process_items",
           "within_budget", "work_items"]
