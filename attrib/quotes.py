"""Find quotations in marks: Annotated -> (tuple[Quote, ...], tuple[Problem, ...]).

Works on the article's characters, not inside sentences: a quotation may hold
several sentences, run over paragraphs (an opening mark on each paragraph and a
closing mark on the last only) or be split by its attribution ("A," he said,
"B."), each part a quote of its own. An apostrophe (Taliban’s, don't) is never
a mark; an unclosed mark is reported and never swallows the rest of the article.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Iterator

from .spans import in_spans, masked_spans
from .model import Annotated, Quote
from .problems import Problem, line_col
from .ruleset import QuoteRule, RuleSet

_OPEN_BEFORE = set(" \t\n([{—–-/:;,") | {""}  # what may stand before an opening straight mark
_CLOSE_AFTER = set(" \t\n)]}.,;:!?…—–-/") | {""}  # what may stand after a closing straight mark


@dataclass(slots=True)
class _Mark:
    pos: int
    length: int
    rule: QuoteRule
    opens: bool
    closes: bool


def _mark_pattern(rules: RuleSet) -> re.Pattern[str]:
    marks = sorted({m for r in rules.quotes for m in (r.open, r.close)}, key=lambda m: (-len(m), m))
    return re.compile("|".join(re.escape(m) for m in marks)) if marks else re.compile(r"(?!)")


def _rules_by_mark(rules: RuleSet) -> dict[str, QuoteRule]:
    """Each mark's rule; a mark two rules share belongs to the one with the longest marks."""
    out: dict[str, QuoteRule] = {}
    for r in sorted(rules.quotes, key=lambda r: -max(len(r.open), len(r.close))):
        for m in (r.open, r.close):
            out.setdefault(m, r)
    return out


def _marks(text: str, rules: RuleSet, masked) -> Iterator[_Mark]:
    """Candidate quotation marks in text order, each classified as opening and/or closing."""
    pattern = rules.cached("quote-marks", lambda: _mark_pattern(rules))
    by_mark = rules.cached("quote-rules-by-mark", lambda: _rules_by_mark(rules))
    for found in pattern.finditer(text):
        i, mark = found.start(), found.group()
        r = by_mark[mark]
        before = text[i - 1] if i else ""
        after = text[i + len(mark)] if i + len(mark) < len(text) else ""
        word_inside = before.isalnum() and after.isalnum()
        if r.open != r.close:
            opens, closes = mark == r.open, mark == r.close
            if closes and not opens and word_inside:
                continue  # an apostrophe: Taliban’s, don’t
        else:
            if word_inside:
                continue
            opens = before in _OPEN_BEFORE and after not in ("", " ", "\n", "\t")
            closes = before not in ("", " ", "\n", "\t") and (after in _CLOSE_AFTER or not after.isalnum())
        if not in_spans(i, masked):
            yield _Mark(i, len(mark), r, opens, closes)


def find_quotes(annotated: Annotated, rules: RuleSet) -> tuple[tuple[Quote, ...], tuple[Problem, ...]]:
    """Quoted passages of an article, marks included, in text order.

    Args:
        annotated: the article (only its text is read).
        rules: quote-mark pairs (``kind: quotes``) and filters.

    Returns:
        The quotes and warnings for marks that never close (their text is left alone).
    """
    text = annotated.article.text
    masked = masked_spans(text, rules)
    quotes: list[Quote] = []
    problems: list[Problem] = []
    open_mark: _Mark | None = None
    last_open = 0  # the opening mark of the quote's current paragraph
    no_break_until = 0  # no newline lies between last_open and here (each stretch is searched once)
    seen: dict[str, int] = {}  # see _stands_in_for_close
    newlines: list[int] = []  # see _unclosed
    for mark in _marks(text, rules, masked):
        if open_mark is not None:
            para_break = text.find("\n", max(last_open, no_break_until), mark.pos)
            no_break_until = mark.pos if para_break == -1 else no_break_until
            if para_break != -1:
                # a quote runs on over paragraphs only when the next paragraph opens with the same mark
                para_start = text.rfind("\n", 0, mark.pos) + 1
                runs_on = mark.opens and mark.rule == open_mark.rule and not text[para_start:mark.pos].strip() \
                    and not text[para_break:para_start].strip()  # the very next paragraph, not a later one
                if runs_on and not text[last_open:para_break].rstrip().endswith(open_mark.rule.close):
                    last_open = mark.pos
                    continue
                problems.append(_unclosed(annotated, open_mark, newlines))
                open_mark = None
            elif mark.closes and (mark.rule.close == text[mark.pos:mark.pos + mark.length] and (
                    mark.rule == open_mark.rule or open_mark.rule.close == mark.rule.close)
                    or _stands_in_for_close(text, mark, open_mark, seen)):
                s, e = open_mark.pos, mark.pos + mark.length
                if text[s + open_mark.length:mark.pos].strip() and not _is_nickname(text, s, e, open_mark.length,
                                                                                   mark.length):
                    quotes.append(Quote(annotated.article.doc_id, s, e, text[s:e], open_mark.rule.id))
                open_mark = None
                continue
            else:
                continue  # other marks inside an open quote are part of it (nested quotes)
        if mark.opens and (mark.rule.open == text[mark.pos:mark.pos + mark.length]):
            if mark.rule.open == "'" and mark.closes and not (mark.pos == 0 or text[mark.pos - 1] in " \n\t(["):
                continue  # "guards' commander": a closing apostrophe with no opener waiting
            open_mark, last_open = mark, mark.pos
    if open_mark is not None:
        problems.append(_unclosed(annotated, open_mark, newlines))
    return tuple(quotes), tuple(problems)


_NAME_BEFORE = re.compile(r"[A-Z][\w.’'-]*[ \t]$")
_NAME_AFTER = re.compile(r"[ \t][A-Z]")
_WORD = re.compile(r"[^\W\d_][\w’'-]*")
_NICKNAME = re.compile(r"[A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*)?")


def _is_nickname(text: str, s: int, e: int, open_len: int, close_len: int) -> bool:
    """'Marcia "Cia" Price', 'Abu Bakr "the Elder" Khan': one or two capitalised words in marks between two
    parts of a name are a nickname, not a quotation."""
    inner = text[s + open_len:e - close_len]
    if not (_NICKNAME.fullmatch(inner) and _NAME_BEFORE.search(text, max(0, s - 40), s) and _NAME_AFTER.match(text, e)):
        return False
    line = text[text.rfind("\n", 0, s) + 1:(text.find("\n", e) + 1 or len(text) + 1) - 1]
    words = _WORD.findall(line)
    return sum(w[:1].isupper() for w in words) < 0.7 * len(words)  # not in a title-case headline, where
    # every word is capitalised ("Trump Was ‘Mocking’ Clinton Camp")


def _stands_in_for_close(text: str, mark: _Mark, open_mark: _Mark, seen: dict[str, int] | None = None) -> bool:
    """A mismatched closing mark the open quotation's rule accepts (a straight " after a curly “) when the
    quotation's own closing mark does not come later in the paragraph: a typo, not a nested quote.

    ``seen`` (one dict per text, asked in text order) keeps where the next newline and each closing mark
    were found, so that a paragraph is not searched again for every mark in it."""
    if text[mark.pos:mark.pos + mark.length] not in open_mark.rule.also_closed_by:
        return False
    seen = {} if seen is None else seen
    close = open_mark.rule.close
    for key, what in (("\n", "\n"), (close, close)):
        found = seen.get(key, -2)
        if found != -1 and found < mark.pos:  # not searched yet, or found before this mark: search on
            seen[key] = text.find(what, mark.pos)
    end = seen["\n"] if seen["\n"] != -1 else len(text)
    return not mark.pos <= seen[close] < end if seen[close] != -1 else True


def _unclosed(annotated: Annotated, mark: _Mark, newlines: list[int] | None = None) -> Problem:
    """The warning for a mark never closed; ``newlines`` (one list per text, filled on first use with the
    positions of its newlines) finds its line by bisection rather than by counting from the start each time."""
    text = annotated.article.text
    if newlines is None:
        line, col = line_col(text, mark.pos)
    else:
        if not newlines:
            newlines += [m.start() for m in re.finditer("\n", text)] + [len(text) + 1]
        k = bisect.bisect_left(newlines, mark.pos)  # newlines before the mark
        line, col = k + 1, mark.pos - (newlines[k - 1] + 1 if k else 0) + 1
    return Problem(annotated.article.path, line, col,
                   f"quotation mark {annotated.article.text[mark.pos:mark.pos + mark.length]!r} is never closed "
                   f"in its paragraph; left out of the quotes", "warning")
