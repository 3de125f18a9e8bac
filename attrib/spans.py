"""Sorted offsets and spans of an article's text: the spans the filter rules mask, overlap and membership tests, and
the look-up tables the per-article stages bisect."""
from __future__ import annotations

import bisect
import functools
import re
from itertools import accumulate, compress, count, islice
from operator import attrgetter, le
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    from .ruleset import RuleSet


def masked_spans(text: str, rules: "RuleSet") -> tuple[tuple[int, int, str], ...]:
    """Spans of text that the filter rules exclude (captions, credits, page furniture), with the rule id."""
    global _last_masked
    last_text, last_rules, last_spans = _last_masked  # one immutable tuple: safe when threads share the module
    if last_text is text and last_rules is rules:
        return last_spans  # quotes and cues both ask, for the same article one after the other
    patterns = rules.cached("filters:compiled", lambda: tuple((rule_regex(r.pattern), r.id) for r in rules.filters))
    spans = [(m.start(), m.end(), rid) for pattern, rid in patterns for m in pattern.finditer(text)
             if m.end() > m.start()]
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
