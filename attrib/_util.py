"""Helpers two stages share: the normal form of a text, node-id slugs, the text the filter rules mask, and
overlap tests over sorted spans."""
from __future__ import annotations

import bisect
import contextlib
import functools
import gc
import hashlib
import re
import unicodedata
from itertools import accumulate, compress, count, islice
from operator import attrgetter, le
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, TypeVar

if TYPE_CHECKING:
    from .ruleset import RuleSet

# an apostrophe between word characters, a dot between letters; the mark comes first in each branch (its own
# lookbehind checks the character before), so the engine jumps to the marks instead of trying a lookbehind
# at every character: same matches as ``(?<=\w)['’‘ʼ`´](?=\w)|(?<=[^\W\d_])\.(?=[^\W\d_])``
JOINERS = re.compile(r"['’‘ʼ`´](?<=\w.)(?=\w)|\.(?<=[^\W\d_]\.)(?=[^\W\d_])")
_SPACES = re.compile(r"\s+")
_NOT_SLUG = re.compile(r"[^\w]+")


def normalise_text(text: str) -> str:
    """The form two reports of one statement share: case, accents, quote marks, punctuation and spacing removed.

    Args:
        text: a quotation as written, marks included.

    Returns:
        Lower-case words separated by single spaces, e.g. ``'"We will  appeal," he said.'``
        -> ``"we will appeal he said"``.
    """
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = folded.translate(_DROP_COMBINING)  # accents: the combining marks NFKD split off
    folded = JOINERS.sub("", folded)
    # every punctuation character (quote marks included) becomes a word break
    folded = folded.translate(_PUNCT_TO_SPACE)
    return _SPACES.sub(" ", folded).strip()


def _punctuation_table() -> dict[int, str]:
    """Punctuation that ``normalise_text`` turns into a word break and NFKD leaves alone (ASCII, Latin-1, U+2000-206F)."""
    chars = [*range(0x80), *range(0xA0, 0x100), *range(0x2000, 0x2070)]
    return {c: " " for c in chars
            if unicodedata.category(chr(c)).startswith("P")
            and (unicodedata.normalize("NFKD", chr(c)) == chr(c) or c in _LEADERS)}


# two-dot and three-dot leaders: NFKD makes them dots, which never join two letters (a dot stands next to them)
_LEADERS = (0x2025, 0x2026)


_PUNCTUATION = _punctuation_table()
#: a word: a run of characters that are neither spacing nor that punctuation
_WORDS = re.compile("[^\\s" + re.escape("".join(chr(c) for c in sorted(_PUNCTUATION))) + "]+")


def normalise_quote(text: str) -> str:
    """``normalise_text``, about three times faster on the usual quote (ASCII words, curly or straight marks).

    A text that still holds a non-ASCII character once its punctuation is gone (accents,
    other scripts) goes through ``normalise_text`` itself, so the two always agree.
    """
    if "\u00b4" in text:  # NFKD makes the acute accent a space before the joiners are removed
        return normalise_text(text)
    norm = " ".join(_WORDS.findall(JOINERS.sub("", text.lower())))
    return norm if norm.isascii() else normalise_text(text)


class _CharTable(dict):
    """A ``str.translate`` table that works out each character's replacement on first sight and keeps it.

    ``str.translate`` runs in C; a per-character generator with a ``unicodedata`` call each (as
    ``"".join(...)``) costs about ten times more, and normalise_text runs on every quote and name.
    """

    def __init__(self, replace):
        super().__init__()
        self.replace = replace  # character -> its replacement ("" drops it), or None to keep it

    def __missing__(self, code: int):
        r = self.replace(chr(code))
        self[code] = code if r is None else r
        return self[code]


_DROP_COMBINING = _CharTable(lambda c: "" if unicodedata.combining(c) else None)
_PUNCT_TO_SPACE = _CharTable(lambda c: " " if unicodedata.category(c).startswith("P") else None)


@functools.lru_cache(maxsize=4096)  # for speed: a corpus names the same speakers and organisations again and again
def slug(name: str) -> str:
    """A node-id-safe form of a name: ``"Afghan Ministry of Interior"`` -> ``"afghan-ministry-of-interior"``."""
    s = _NOT_SLUG.sub("-", normalise_quote(name)).strip("-")  # normalise_text's answer, found faster
    return s or hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]


def masked_spans(text: str, rules: "RuleSet") -> tuple[tuple[int, int, str], ...]:
    """Spans of text that the filter rules exclude (captions, credits, page furniture), with the rule id."""
    global _last_masked
    last_text, last_rules, last_spans = _last_masked  # one immutable tuple: safe when threads share the module
    if last_text is text and last_rules is rules:
        return last_spans  # quotes and cues both ask, for the same article one after the other
    patterns = rules.cached("filters:compiled", lambda: tuple((rule_regex(r.pattern), r.id) for r in rules.filters))
    spans = [(m.start(), m.end(), rid) for pattern, rid in patterns for m in pattern.finditer(text) if m.end() > m.start()]
    result = tuple(sorted(spans))
    _last_masked = (text, rules, result)
    return result


#: the last article masked_spans saw: (text, rules, spans); the same text object and rules give the same spans
_last_masked: tuple = (None, None, ())


@functools.lru_cache(maxsize=256)  # the rules' few patterns, compiled once per process
def rule_regex(pattern: str) -> Any:
    """A regex from a rule file, compiled for RE2, whose time is linear in the text's length (Python's ``re``
    backtracks, and ``(a+)+$`` takes it years on a line of a's), with ``^``/``$`` at every line, as
    ``re.MULTILINE``. It has ``search``, ``match``, ``finditer`` and ``pattern`` as ``re``'s patterns have.

    Raises:
        ValueError: RE2 cannot run the pattern (a backreference, a lookahead or lookbehind), with its reason.
    """
    import re2  # google-re2

    options = re2.Options()
    options.log_errors = False  # a bad pattern is reported as a problem, not logged on stderr
    try:
        return re2.compile("(?m)" + pattern, options)
    except re2.error as e:
        reason = e.args[0] if e.args else e
        raise ValueError(reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)) from None


def lengths_by_first_word(keys: Iterable[tuple[str, ...]]) -> dict[str, tuple[int, ...]]:
    """For word-sequence keys: each first word -> the lengths of the keys that start with it, longest first
    (the only lengths a longest-first lookup at that word need try)."""
    by_first: dict[str, set[int]] = {}
    for key in keys:
        if key:
            by_first.setdefault(key[0], set()).add(len(key))
    return {w: tuple(sorted(ns, reverse=True)) for w, ns in by_first.items()}


def starts_if_ordered(items) -> list[int] | None:
    """The items' ``start`` offsets when they never decrease (as the annotators give entities and
    sentences), for ``bisect``; else None (the caller scans them all)."""
    starts = list(map(_START, items))
    return starts if non_decreasing(starts) else None


_START = attrgetter("start")


def non_decreasing(values: list) -> bool:
    """``all(a <= b for a, b in zip(values, values[1:]))``, compared in C: it runs over every token of an
    article, where a generator costs a Python step per pair."""
    return all(map(le, values, islice(values, 1, None)))


def indexes_where(flags) -> list[int]:
    """``[k for k, f in enumerate(flags) if f]``, in C (for per-token tests that ``map`` can give)."""
    return list(compress(count(), flags))


def in_spans(pos: int, spans: tuple[tuple[int, int, str], ...]) -> bool:
    """Whether a character offset lies in one of the spans."""
    for s, e, _ in spans:  # a plain loop: called for every token, where any(<genexpr>) costs more
        if s <= pos < e:
            return True
    return False


class Overlaps:
    """Whether a span ``[start, end)`` overlaps one of some spans: ``any(s < end and start < e)``, answered
    with ``bisect`` over the spans sorted by start and a running maximum of their ends."""

    def __init__(self, spans: Iterable[tuple[int, int]]):
        ordered = sorted(spans)
        self.starts = [s for s, _ in ordered]
        self.max_end = list(accumulate((e for _, e in ordered), max))

    def __call__(self, start: int, end: int) -> bool:
        k = bisect.bisect_left(self.starts, end)  # spans [:k] start before ``end``
        return k > 0 and self.max_end[k - 1] > start


T = TypeVar("T")


class Turns:
    """The numbers 0 to ``n`` - 1, each handed to whichever process asks next: this process and the processes
    it forks afterwards iterate over one shared counter, so each number comes out once in all, and
    processes that take turns at chunks of work end within a chunk's time of each other."""

    def __init__(self, n: int):
        import multiprocessing

        self.n = n
        self.next = multiprocessing.get_context("fork").Value("q", 0)  # shared memory, with a lock

    def __iter__(self) -> Iterator[int]:
        while True:
            with self.next.get_lock():
                k = self.next.value
                self.next.value = k + 1
            if k >= self.n:
                return
            yield k


def in_forked_process(work: Callable[[], T], meanwhile: Callable[[], None], what: str) -> T:
    """Run ``work`` in a forked process while ``meanwhile`` runs in this one (two cores for one step).

    The forked process starts with a copy of this one's memory (nothing is pickled on the way
    in) and ends without running this process's clean-ups; it must not use what this process
    keeps using, such as a database connection (it opens its own). ``work``'s result comes
    back pickled; an exception it raises is raised here once ``meanwhile`` is done.

    Args:
        work: what the forked process does.
        meanwhile: what this process does at the same time.
        what: what ``work`` does, for the error when its process dies ("writing the graph's nodes").

    Returns:
        What ``work`` returned.
    """
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_forked, args=(work, send), daemon=True)
    child.start()
    send.close()
    try:
        meanwhile()
        try:
            ok, value = receive.recv()
        except EOFError:
            raise RuntimeError(f"the process {what} stopped (exit code {child.exitcode})") from None
    except BaseException:
        child.terminate()
        raise
    finally:
        child.join()
        receive.close()
    if not ok:
        raise value
    return value


def _forked(work: Callable[[], Any], send: Any) -> None:
    """``in_forked_process``'s forked process: sends (True, result) or (False, the exception)."""
    try:
        send.send((True, work()))
    except BaseException as e:  # noqa: BLE001 - handed to the parent, which raises it
        try:
            send.send((False, e))
        except Exception:  # noqa: BLE001 - an exception that does not pickle
            send.send((False, RuntimeError(f"{type(e).__name__}: {e}")))


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
