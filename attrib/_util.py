"""Helpers two stages share: the normal form of a text, node-id slugs, and the text the filter rules mask."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .ruleset import RuleSet

_JOINERS = re.compile(r"(?<=\w)['’‘ʼ`´](?=\w)|(?<=[^\W\d_])\.(?=[^\W\d_])")
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
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = _JOINERS.sub("", folded)
    # every punctuation character (quote marks included) becomes a word break
    folded = "".join(" " if unicodedata.category(c).startswith("P") else c for c in folded)
    return _SPACES.sub(" ", folded).strip()


def slug(name: str) -> str:
    """A node-id-safe form of a name: ``"Afghan Ministry of Interior"`` -> ``"afghan-ministry-of-interior"``."""
    s = _NOT_SLUG.sub("-", normalise_text(name)).strip("-")
    return s or hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]


def masked_spans(text: str, rules: "RuleSet") -> tuple[tuple[int, int, str], ...]:
    """Spans of text that the filter rules exclude (captions, credits, page furniture), with the rule id."""
    spans = [(m.start(), m.end(), r.id) for r in rules.filters
             for m in re.finditer(r.pattern, text, re.MULTILINE) if m.end() > m.start()]
    return tuple(sorted(spans))


def in_spans(pos: int, spans: tuple[tuple[int, int, str], ...]) -> bool:
    """Whether a character offset lies in one of the spans."""
    return any(s <= pos < e for s, e, _ in spans)
