"""Stage 6, aggregate: resolved attributions of all articles -> tuple[Claim, ...], one per statement of one speaker.

Quotes of the same speaker whose normalised texts are equal become one claim that
holds every report of it; a quote without a speaker is a claim of its own. Matching
is exact on ``normalise_text`` (a dict lookup, so linear in the number of quotes);
fuzzy matching of re-translations can later replace the key without touching the rest.
"""
from __future__ import annotations

import hashlib
from typing import Sequence

from ._util import normalise_text  # noqa: F401 - part of this stage's API

from .model import Claim, ResolvedAttribution
from .ruleset import RuleSet

# an apostrophe inside a word ("don't", "Taliban’s") or a dot inside an abbreviation ("U.S.")
# is dropped, so "dont"/"don't" and "US"/"U.S." match; other punctuation separates words


def claim_id(*parts: str) -> str:
    """``claim:`` + the first 12 hex digits of the SHA-1 of the parts (joined by U+001F)."""
    return "claim:" + hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]


def _report_key(ra: ResolvedAttribution) -> tuple[str, int, int]:
    a = ra.attribution
    return a.doc_id, a.start, a.end


def aggregate_claims(attributions: Sequence[ResolvedAttribution], rules: RuleSet) -> tuple[Claim, ...]:
    """Pool the quotes of all articles into claims, one per statement of one speaker.

    Args:
        attributions: every quote of the run (any order).
        rules: the rules (unused for exact matching; fuzzy matching will read thresholds from them).

    Returns:
        Claims sorted by (speaker id, first report's doc_id, start); claims without a speaker
        come last. Each claim's reports are sorted by (doc_id, start, end); its text and type are
        those of its first report. The id hashes (speaker id, normalised text); for a quote
        without a speaker it also hashes the quote's ``doc_id``/``start``/``end``, so that two
        unattributed quotes with the same words keep different ids.
    """
    pooled: dict[tuple[str, str], list[ResolvedAttribution]] = {}
    alone: list[ResolvedAttribution] = []
    for ra in attributions:
        if ra.speaker is None:
            alone.append(ra)
        else:
            pooled.setdefault((ra.speaker.id, normalise_text(ra.attribution.text)), []).append(ra)

    claims: list[Claim] = []
    for (speaker_id, norm), reports in pooled.items():
        reports.sort(key=_report_key)
        first = reports[0].attribution
        claims.append(Claim(claim_id(speaker_id, norm), speaker_id, first.text, first.type, tuple(reports)))
    for ra in alone:
        a = ra.attribution
        cid = claim_id("", a.doc_id, str(a.start), str(a.end), normalise_text(a.text))
        claims.append(Claim(cid, None, a.text, a.type, (ra,)))

    def order(claim: Claim) -> tuple:
        doc_id, start, end = _report_key(claim.reports[0])
        return claim.speaker_id is None, claim.speaker_id or "", doc_id, start, end, claim.id

    return tuple(sorted(claims, key=order))
