"""Stage 6, claims: every quote of a run (on its store) pooled into claims, one per statement of one speaker.

Quotes of the same speaker that report the same statement (the same words, a
re-translation, a trimmed or re-punctuated reprint of wire copy) become one claim that
holds every report of it; a quote without a speaker is a claim of its own. Two
statements are compared as sets of content tokens (``content_tokens``) by the share of
the smaller set they have in common; the threshold, stopwords and stem length are the
``claims`` rule (``rules/claims.yaml``).

Nothing is compared pairwise over the corpus: quotes are blocked by speaker, identical
normalised texts are pooled by a dict lookup, and within one speaker only statements
that share one of the rarest tokens of the smaller one are compared (prefix filtering
over a token index, see ``_cluster``; a token held by more than ``max_bucket``
statements of the speaker proposes no pair). Statements that pass the threshold are
joined transitively (union-find), so a chain of reprints becomes one claim.

``pool_store_claims`` pools a run's SQLite store (``attrib.store``) into tables, holding one
speaker's distinct texts at a time; ``aggregate_claims`` gives the claims of records held in
memory as ``Claim`` records (an in-memory store of them: the API, the tests).
"""
from __future__ import annotations

import math
import sqlite3
from collections import Counter
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

from .ids import claim_id, org_id
from .model import Claim, ResolvedAttribution, Speaker, SpeakerKind
from .ruleset import ClaimRule, RuleSet
from .rundir import speaker_from_key
from .store import ROWS_AT_ONCE, execute_script

if TYPE_CHECKING:
    from .store import Store

#: the settings used when no ``claims`` rule is loaded: identical normalised texts only
DEFAULT_SETTINGS = ClaimRule("claims.builtin", "built-in defaults: exact matching", similarity=1.0, min_shared=0)


def claim_settings(rules: RuleSet) -> ClaimRule:
    """The claims rule (the last one loaded wins), or exact matching when none is loaded."""
    return rules.claims[-1] if rules.claims else DEFAULT_SETTINGS


def content_tokens(norm: str, settings: ClaimRule) -> frozenset[str]:
    """The content tokens of a normalised text: stopwords dropped, each cut to ``stem_prefix`` letters.

    Args:
        norm: a text as ``normalise_text`` gives it.
        settings: the claims rule.

    Returns:
        The set of tokens, e.g. ``"the attacks had been repelled"`` -> ``{"attac", "repel"}``.
    """
    stop = _stopwords(settings)
    n = settings.stem_prefix or None
    return frozenset(w[:n] for w in norm.split() if w not in stop)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared tokens over the tokens of the smaller set (1.0 when one holds the other); 0.0 if one is empty."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def claim_speaker_id(speaker: Speaker, rules: RuleSet, settings: ClaimRule | None = None) -> str:
    """The speaker a claim is pooled under: the speaker's id, or its organisation's for a group that speaks for it.

    With ``group_speaks_for_affiliation``, a group speaker with an affiliation ("Taliban
    militants in Afghanistan", affiliated with the Taliban) is the organisation
    (``org:taliban``), so its claims pool with the organisation's own.
    """
    settings = settings or claim_settings(rules)
    if settings.group_speaks_for_affiliation and speaker.kind is SpeakerKind.GROUP and speaker.affiliation:
        return org_id(speaker.affiliation)
    return speaker.id


def aggregate_claims(attributions: Sequence[ResolvedAttribution], rules: RuleSet) -> tuple[Claim, ...]:
    """Pool the quotes of all articles into claims, one per statement of one speaker (``pool_store_claims`` on a
    store of them).

    Args:
        attributions: every quote of the run (any order).
        rules: the rules; the ``claims`` rule gives the similarity threshold and stopwords.

    Returns:
        Claims sorted by (speaker id, first report's doc_id, start); claims without a speaker
        come last. Each claim's reports are sorted by (doc_id, start, end); its text and type are
        those of its first report. The id hashes (speaker id, normalised text of the first
        report); for a quote without a speaker it also hashes the quote's ``doc_id``/``start``/
        ``end``, so that two unattributed quotes with the same words keep different ids.
    """
    from .store import Store

    store = Store.from_records(attributions)
    try:
        pool_store_claims(store, rules)
        rows = store.db.execute("SELECT i, pool, cid FROM claims_seq ORDER BY seq").fetchall()
    finally:
        store.close()
    claims = []
    # a claim's reports are consecutive; a quote without a speaker is a claim of its own
    for _, group in groupby(rows, key=lambda r: r[2] if r[1] is not None else r[0]):
        group = list(group)
        reports = tuple(attributions[i] for i, _, _ in group)
        first = reports[0].attribution
        claims.append(Claim(group[0][2], group[0][1], first.text, first.type, reports))
    return tuple(claims)


def statement_groups(norms: list[str], settings: ClaimRule) -> list[list[str]]:
    """One speaker's distinct normalised texts grouped into statements (union-find over candidate pairs).

    ``norms`` is sorted in place when it is clustered, so the groups never depend on input order.
    """
    if len(norms) == 1 or settings is DEFAULT_SETTINGS:
        return [[n] for n in norms]
    norms.sort()
    return [[norms[i] for i in members] for members in _cluster(norms, settings)]


def _cluster(norms: list[str], settings: ClaimRule) -> list[list[int]]:
    """Indexes of ``norms`` grouped into statements.

    Candidate pairs come from prefix filtering: each statement's tokens are ordered from
    the rarest (for this speaker) to the commonest; two statements whose overlap reaches
    the threshold must share one of the first ``len - needed + 1`` tokens of the smaller,
    so only those tokens are looked up (hashed-token keys, never all pairs). A token held
    by more than ``max_bucket`` statements of the speaker is not looked up.
    """
    tokens = [content_tokens(n, settings) for n in norms]
    df: Counter[str] = Counter(t for toks in tokens for t in toks)
    index: dict[str, list[int]] = {}
    for i, toks in enumerate(tokens):
        for t in toks:
            index.setdefault(t, []).append(i)
    parent = list(range(len(norms)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(tokens):
        need = max(settings.min_shared, math.ceil(settings.similarity * len(a) - 1e-9))
        if len(a) < need or not a:
            continue
        prefix = sorted(a, key=lambda t: (df[t], t))[:len(a) - need + 1]
        seen: set[int] = set()
        for t in prefix:
            if df[t] > settings.max_bucket:
                continue
            for j in index[t]:
                b = tokens[j]
                # each pair once, from its smaller statement (ties: the lower index)
                if j == i or j in seen or len(b) < len(a) or (len(b) == len(a) and j < i):
                    continue
                seen.add(j)
                if len(a & b) >= need:
                    ri, rj = find(i), find(j)
                    if ri != rj:
                        parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[int]] = {}
    for i in range(len(norms)):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


_STOP_CACHE: dict[tuple[str, ...], frozenset[str]] = {}


def _stopwords(settings: ClaimRule) -> frozenset[str]:
    stop = _STOP_CACHE.get(settings.stopwords)
    if stop is None:
        stop = _STOP_CACHE[settings.stopwords] = frozenset(w.casefold() for w in settings.stopwords)
    return stop


# -- claims on the on-disk store (attrib.store) ---------------------------------------------------

_STORE_TABLES = """
DROP TABLE IF EXISTS claims_pool; DROP TABLE IF EXISTS claims_report; DROP TABLE IF EXISTS claims_member;
DROP TABLE IF EXISTS claims_seq;
CREATE TABLE claims_pool(sid TEXT PRIMARY KEY, pool TEXT NOT NULL);
CREATE TABLE claims_report(i INTEGER PRIMARY KEY, pool TEXT, norm TEXT NOT NULL, doc TEXT NOT NULL,
                           start INTEGER NOT NULL, "end" INTEGER NOT NULL, cid TEXT, spk TEXT);
CREATE TABLE claims_member(pool TEXT NOT NULL, norm TEXT NOT NULL, cid TEXT NOT NULL, ord INTEGER NOT NULL,
                           nrank INTEGER NOT NULL, PRIMARY KEY (pool, norm)) WITHOUT ROWID;
CREATE TABLE claims_seq(seq INTEGER PRIMARY KEY, i INTEGER NOT NULL, pool TEXT, cid TEXT NOT NULL, doc TEXT NOT NULL,
                        start INTEGER NOT NULL, "end" INTEGER NOT NULL, spk TEXT);
"""


def pool_store_claims(store: Store, rules: RuleSet) -> None:
    """Pool a run's store into claims: every quote's claim, as tables, holding one speaker's texts at a time.

    Reads the store's ``quote`` table and (re)makes:

    - ``claims_pool(sid, pool)``: each speaker id's pooling speaker (``claim_speaker_id`` of the
      speaker's first quote in input order).
    - ``claims_report(i, pool, norm, doc, start, end, cid, spk)``: each quote (``i`` of ``quote``),
      its normalised text, its claim id when it has no speaker, and its speaker record (``speaker_from_key``).
    - ``claims_member(pool, norm, cid, ord, nrank)``: each distinct normalised text of a pooling
      speaker, its claim, the claim's place in the claims' order and the text's place
      among the speaker's sorted texts.
    - ``claims_seq(seq, i, pool, cid, doc, start, end, spk)``: every quote, ``seq`` giving the claims' order
      (by pooling speaker, then first report's doc_id, start, end; claims without a speaker last) and,
      within a claim, its reports' order (by doc_id, start, end), as ``aggregate_claims`` lists them.

    Args:
        store: the run's store (quotes with their final speakers).
        rules: the rules (the ``claims`` rule).
    """
    settings = claim_settings(rules)
    db = store.db
    execute_script(db, _STORE_TABLES)
    rows = store.rows("SELECT sid, spk FROM quote WHERE i IN (SELECT MIN(i) FROM quote WHERE sid IS NOT NULL "
                      "GROUP BY sid)")
    _insert_batches(db, "INSERT INTO claims_pool VALUES (?, ?)", (
        (sid, claim_speaker_id(speaker_from_key(spk), rules, settings)) for sid, spk in rows))
    # the store holds each quote's normalised text and speaker key: only a quote without a speaker, a claim
    # of its own, calls back into Python (for its claim id)
    db.create_function("attrib_alone_claim_id", 4, _alone_claim_id, deterministic=True)
    db.execute('INSERT INTO claims_report SELECT q.i, p.pool, q.norm, q.doc, q.start, q."end", '
               'CASE WHEN p.pool IS NULL THEN attrib_alone_claim_id(q.doc, q.start, q."end", q.norm) END, q.spk '
               "FROM quote q LEFT JOIN claims_pool p ON p.sid = q.sid")
    db.execute('CREATE INDEX claims_report_text ON claims_report(pool, norm, doc, start, "end", i) '
               "WHERE pool IS NOT NULL")
    _insert_batches(db, "INSERT INTO claims_member VALUES (?, ?, ?, ?, ?)", _members(store, settings))
    db.execute('INSERT INTO claims_seq(i, pool, cid, doc, start, "end", spk) '
               'SELECT r.i, r.pool, COALESCE(m.cid, r.cid), r.doc, r.start, r."end", r.spk '
               "FROM claims_report r LEFT JOIN claims_member m ON m.pool = r.pool AND m.norm = r.norm "
               'ORDER BY r.pool IS NULL, m.ord, r.doc, r.start, r."end", COALESCE(m.cid, r.cid), m.nrank, r.i')
    db.execute('CREATE INDEX claims_seq_span ON claims_seq(doc, start, "end", seq)')


def _members(store: Store, settings: ClaimRule) -> Iterator[tuple[str, str, str, int, int]]:
    """``claims_member`` rows, one pooling speaker's distinct texts (with their first reports) in memory at a time."""
    rows = store.rows('SELECT pool, norm, doc, start, "end", i FROM claims_report WHERE pool IS NOT NULL '
                      'ORDER BY pool, norm, doc, start, "end", i')
    order = 0
    for pool, texts in groupby(rows, key=itemgetter(0)):
        first: dict[str, tuple] = {}  # norm -> its first report's (doc, start, end, i), norms in sorted order
        for _, norm, doc, start, end, i in texts:
            if norm not in first:
                first[norm] = (doc, start, end, i)
        norms = list(first)
        rank = {norm: r for r, norm in enumerate(norms)}
        claims = []
        for members in statement_groups(norms, settings):
            # the claim's first report: by (doc_id, start, end), ties by the text's rank, then input order
            doc, start, end, _, _, norm = min((*first[n][:3], rank[n], first[n][3], n) for n in members)
            claims.append(((doc, start, end, claim_id(pool, norm)), members))
        claims.sort()
        for (_, _, _, cid), members in claims:
            for norm in members:
                yield pool, norm, cid, order, rank[norm]
            order += 1


def _alone_claim_id(doc: str, start: int, end: int, norm: str) -> str:
    """The claim id of a quote without a speaker: its place and text make it its own."""
    return claim_id("", doc, str(start), str(end), norm)


def _insert_batches(db: sqlite3.Connection, sql: str, rows: Iterable[tuple]) -> None:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= ROWS_AT_ONCE:
            db.executemany(sql, batch)
            batch.clear()
    db.executemany(sql, batch)
