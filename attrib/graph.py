"""Stage 7, graph: a run's store (claims, stances, articles) -> the graph of speakers, organisations, claims, articles
and outlets.

Edges (``relation``): said (speaker -> claim), reported_in (claim -> article),
via (claim -> outlet), affiliated_with (speaker -> organisation), part_of
(organisation -> parent organisation), disputes and supports (speaker -> the speaker
or organisation whose claim it answers, from ``attrib.stance``). Every report of a
claim adds 1.0 to the ``weight`` of each edge it supports, and its doc_id and rule
ids to the edge's ``doc_ids``/``rule_ids``, so any edge can be traced back to
articles and rules; stance edges also carry their ``evidence`` and ``sentences``.
Attribute values are only str/int/float/bool, free of XML-invalid control
characters, and nodes and edges are inserted in sorted order, so two builds on
the same input write byte-identical GraphML.

The graph is built on a run's SQLite store (``attrib.store``) by one builder (``_Builder``),
which keeps its nodes and edge shares in tables, so its memory does not grow with the corpus:
``built_graph`` gives its node and edge records as streams (``export.write_store_graph`` writes
them as GraphML: ``attrib run``), ``view_of_store`` one view (``attrib export``), ``graph_records`` its
records and ``graph_from_run`` a networkx graph of records held in memory (an in-memory
store of them: the API, the tests).

Views (``graph_view``) derive smaller graphs for Gephi from the full one: ``speakers``
(speakers and the parties they answer, with disputes/supports and co_quoted edges)
and ``affiliations`` (organisations only, everything aggregated to them).
"""
from __future__ import annotations

import hashlib
import json
import marshal
import math
import re
from collections import Counter
from enum import Enum
from itertools import chain, combinations, groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

from .ids import org_id, outlet_id, person_id, slug
from .model import ArticleInfo, QuoteType, ResolvedAttribution, Speaker, SpeakerKind, Stance
from .problems import AttribError
from .ruleset import OutletRule, RuleSet
from .rundir import speaker_from_key
from .store import ROWS_AT_ONCE, execute_script

if TYPE_CHECKING:
    import networkx as nx  # imported where a networkx graph is made: a run's GraphML needs no networkx
    from .store import Store

#: edge relations, strongest first: when two relations land on one node pair, the first one names the edge
RELATIONS = ("said", "reported_in", "via", "part_of", "affiliated_with", "disputes", "supports", "co_quoted")
#: the graphs ``graph_view`` gives
VIEWS = ("full", "speakers", "affiliations")
#: stance relations
STANCE_RELATIONS = ("disputes", "supports")

_LABEL_CLAIM = 80
_LABEL_MAX = 100  # articles (their first line), speakers, organisations, outlets
# characters XML 1.0 cannot hold (C0 controls but tab/newline/CR, surrogates, U+FFFE/U+FFFF)
# plus DEL and the C1 controls, which it can hold but Gephi and most viewers choke on
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"\s+")
# what _label changes in a text: _CONTROL's characters, spacing but a single space, spaces at an end
_NOT_A_LABEL = re.compile(_CONTROL.pattern + r"|[^\S ]|  |^ | $")
# a first line that is only a web site's name ("kayhan.ir", "www.aljazeera.com"): the article's site
_SITE_LINE = re.compile(r"^(?:https?://)?(?:www\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})/?$", re.IGNORECASE)
# what an id may hold (an XSD NMTOKEN's letters, digits and marks), and a run of what it may not
_NMTOKEN = re.compile(r"[\w.:-]+")
_NOT_NMTOKEN = re.compile(r"[^\w.:-]+")
_URL_HOST = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?(?:www\.)?([^/:?#]+)", re.IGNORECASE)
#: metadata fields that name an article's outlet, in order of preference
_OUTLET_FIELDS = ("outlet", "source", "site", "publisher")


def graph_from_run(attributions: Sequence[ResolvedAttribution], articles: Sequence[ArticleInfo],
                   stances: Sequence[Stance], rules: RuleSet) -> nx.DiGraph:
    """The full graph of a run's records (the API, the tests): ``graph_records`` on an in-memory store of them.

    Args:
        attributions: every quote of the run.
        articles: the run's articles (may be empty: article nodes then come from the quotes' doc_ids).
        stances: the run's stances (``ArticleResult.stances``, or ``rundir.read_stances``).
        rules: the rules.

    Returns:
        A directed graph whose nodes all carry ``label`` and ``category`` ("speaker",
        "organisation", "claim", "article", "outlet") and whose edges all carry
        ``relation``, ``weight`` (float), ``rule_ids`` and ``doc_ids`` ("; "-joined, sorted).
        A speaker whose id is also an organisation's node id (``org:taliban``) is one
        node of category "speaker" that also carries the organisation's attributes.
        Speakers, organisations and claims carry ``top_affiliation`` (the top of the
        affiliation path: a country or a movement) to colour by.
    """
    from .store import Store

    store = Store.from_records(attributions, articles, stances)
    try:
        return graph_records(store, rules).to_networkx()
    finally:
        store.close()


def graph_records(store: Store, rules: RuleSet) -> GraphRecords:
    """The full graph of a store's quotes, articles and stances, as records (``export.write_store_graph`` writes
    the same graph without holding it)."""
    g = GraphRecords()
    nodes, edges = built_graph(store, rules)
    for nid, attrs in nodes:
        g.add_node(nid, attrs)
    for u, v, attrs in edges:
        g.add_edge(u, v, attrs)
    return g


def view_of_store(store: Store, rules: RuleSet, view: str) -> nx.DiGraph:
    """One view of a store's graph (``graph_view`` of its full graph), made without the claims, articles and
    outlets, which no view but ``full`` holds: a networkx graph of the rest, and the speakers quoted in each
    article from the pooled claims (``claims_seq``).

    Raises:
        AttribError: an unknown view.
    """
    import networkx as nx

    if view not in VIEWS:
        graph_view(None, view)  # type: ignore[arg-type] # raises the error
    if view == "full":
        return graph_records(store, rules).to_networkx()
    nodes, edges = built_graph(store, rules, with_claims=False)
    core = nx.DiGraph()
    core.add_nodes_from((nid, attrs) for nid, attrs in nodes
                        if attrs["category"] not in ("claim", "article", "outlet"))
    core.add_edges_from((u, v, attrs) for u, v, attrs in edges
                        if attrs["relation"] not in ("said", "reported_in", "via"))
    by_article: dict[str, set[str]] = {}  # article node -> the speakers with a claim reported in it
    for doc, pool in store.rows("SELECT DISTINCT doc, pool FROM claims_seq WHERE pool IS NOT NULL"):
        by_article.setdefault(_node_id(article_node_id(doc)), set()).add(_node_id(pool))
    out = _speakers_view(core, by_article) if view == "speakers" else _affiliations_view(core, by_article)
    out.graph["top_affiliations"] = affiliation_ranking(core)  # its speakers are the full graph's
    return out


def built_graph(store: Store, rules: RuleSet, with_claims: bool = True
                ) -> tuple[Iterator[tuple[str, dict[str, Any]]], Iterator[tuple[str, str, dict[str, Any]]]]:
    """Pool the claims (``claims.pool_store_claims``) and build the graph on the store; its node records, then its
    edge records, sorted (read them in that order). Without ``with_claims``, the claims' nodes and their own
    edges (said, reported_in, via, and the outlets they name) are not made: what the views need is the rest."""
    from .claims import pool_store_claims

    pool_store_claims(store, rules)  # SQLite's sorts keep at most the store's page cache (2 MB) in memory
    builder = _Builder(store, rules)
    builder.build(with_claims)
    return builder.node_records(), builder.edge_records()


# -- ids and values ------------------------------------------------------------------


def article_node_id(doc_id: str) -> str:
    """The node id of an article, ``doc:<doc_id>`` (written as ``_node_id`` makes it)."""
    return "doc:" + doc_id


def _node_id(nid: str) -> str:
    """A node id as the exports write it: an XSD NMTOKEN (GraphML's type of ids), whatever the doc id in it.

    An id with any other character than letters, digits, ``.``, ``-``, ``_`` and ``:`` (from a file
    name with a space, ``&`` or ``<``: ``doc:a b&c<d``, ``anon:a b&c<d:1``) has each run of them made
    ``_``, and the first 8 hex digits of its SHA-1 added, so two such ids stay apart:
    ``doc:a_b_c_d_4e1f1c3b``. The node keeps the id as it was in ``original_id``.
    """
    if _NMTOKEN.fullmatch(nid):
        return nid
    return f"{_NOT_NMTOKEN.sub('_', nid)}_{hashlib.sha1(nid.encode('utf-8')).hexdigest()[:8]}"


def _clean(text: str) -> str:
    if _plain(text):  # the usual id or value: no character _CONTROL removes
        return text
    return _CONTROL.sub("", text)


def _plain(text: str) -> bool:
    """Whether ``_clean`` leaves the text as it is, by the quick test it makes first."""
    return text.isascii() and text.isprintable()


def _label(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters."""
    if len(text) <= limit and not _NOT_A_LABEL.search(text):  # the usual name or title: already one
        return text
    return _SPACES.sub(" ", _clean(text)).strip()[:limit].rstrip()


def _scalar(value: Any) -> str | int | float | bool | None:
    """A GraphML-safe value: None and non-finite floats dropped, enums by value, collections joined."""
    if value is None:
        return None
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (set, frozenset)):
        value = sorted(str(v) for v in value)
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value if v is not None)
    return _clean(str(value))


def _attrs(raw: dict[str, Any]) -> dict[str, str | int | float | bool]:
    out = {}
    for key, value in raw.items():
        t = type(value)  # fast paths for the usual values: this runs for every node and edge
        if t is str:
            if value.isascii() and value.isprintable():
                out[key] = value
                continue
        elif t is int or t is bool or t is float and math.isfinite(value):
            out[key] = value
            continue
        elif value is None:
            continue
        value = _scalar(value)
        if value is not None:
            out[key] = value
    return out


def _enum_value(value: Enum | None) -> Any:
    return None if value is None else value.value


class _Tally:
    """Counts of values, added one value (or one value n times) at a time, for the most frequent non-None one."""

    __slots__ = ("counts",)

    def __init__(self) -> None:
        self.counts: dict[Any, int] = {}

    def add(self, value: Any, n: int = 1) -> None:
        if value is not None:
            self.counts[value] = self.counts.get(value, 0) + n

    def most_common(self) -> Any:
        """The most frequent value (None if none); ties go to the one seen first."""
        counts = self.counts
        return max(counts, key=counts.__getitem__) if counts else None


# -- building ------------------------------------------------------------------------


def _rules_text(rule_ids: frozenset[str]) -> str:
    """The rule ids sorted and "; "-joined, once per set (an edge attribute of every edge; a corpus has few sets)."""
    text = _RULE_TEXTS.get(rule_ids)
    if text is None:
        text = _RULE_TEXTS[rule_ids] = "; ".join(sorted(rule_ids))
    return text


_RULE_TEXTS: dict[frozenset[str], str] = {}


class _Edge:
    """One claim's (or one speaker's) share of an edge, summed over its reports, then written (``_flush_edges``)."""

    __slots__ = ("relation", "weight", "rule_ids", "doc_ids")

    def __init__(self, relation: str):
        self.relation = relation
        self.weight = 0.0
        self.rule_ids: set[str] = set()
        self.doc_ids: set[str] = set()


class _SpeakerTally:
    """A speaker's records as its reports give them (in order), tallied for its node's attributes."""

    __slots__ = ("tops", "names", "kinds", "roles", "affiliations")

    def __init__(self) -> None:
        self.tops, self.names, self.kinds, self.roles, self.affiliations = _Tally(), _Tally(), _Tally(), _Tally(), _Tally()

    def add(self, value: Speaker, path: tuple[str, ...], n: int = 1) -> None:
        """``n`` reports of the record ``value``, whose affiliation path (``speaker_path``) is ``path``."""
        if path:
            self.tops.add(path[-1], n)
        self.names.add(value.name, n)
        self.kinds.add(value.kind, n)
        self.roles.add(value.role, n)
        self.affiliations.add(value.affiliation, n)


def _bare_article_attrs(doc_id: str) -> dict[str, Any]:
    """The node of an article that only the quotes name (no articles.jsonl line)."""
    return {"label": _label(doc_id, _LABEL_MAX), "category": "article", "doc_id": doc_id}


def _stance_texts(s: Stance) -> tuple[str, str]:
    """A stance's evidence ('doc:start-end "wording"') and sentence ('doc:start-end') as its edge lists them."""
    return (f'{s.doc_id}:{s.evidence.start}-{s.evidence.end} "{_label(s.evidence.text, 60)}"',
            f"{s.doc_id}:{s.sentence_start}-{s.sentence_end}")


class GraphRecords:
    """A built graph as its node and edge records, in the order they were added (``_Builder.records``).

    It answers what the GraphML writer asks of a networkx graph (``nodes(data=True)``,
    ``edges(data=True)``, ``is_directed()``) without networkx's two adjacency dicts per
    node, which would hold every edge twice more: ``attrib run`` writes its graph from
    this. ``to_networkx`` gives the ``nx.DiGraph`` (views, GEXF, CSV, JSON, the API).
    Adding an edge between nodes not added yet adds them bare, as networkx does.
    """

    def __init__(self) -> None:
        self._nodes: dict[str, dict[str, Any]] = {}
        self._edges: list[tuple[str, str, dict[str, Any]]] = []

    def add_node(self, nid: str, attrs: dict[str, Any]) -> None:
        if nid in self._nodes:
            self._nodes[nid].update(attrs)
        else:
            self._nodes[nid] = attrs

    def add_edge(self, u: str, v: str, attrs: dict[str, Any]) -> None:
        """An edge; each (u, v) is added once (``_Builder`` aggregates repeats before)."""
        for n in (u, v):
            if n not in self._nodes:
                self._nodes[n] = {}
        self._edges.append((u, v, attrs))

    def nodes(self, data: bool = False) -> list:
        return list(self._nodes.items()) if data else list(self._nodes)

    def edges(self, data: bool = False) -> list:
        return self._edges if data else [(u, v) for u, v, _ in self._edges]

    @staticmethod
    def is_directed() -> bool:
        return True

    def to_networkx(self) -> nx.DiGraph:
        """The same graph as an ``nx.DiGraph`` (nodes, then edges, in the same order)."""
        import networkx as nx

        g = nx.DiGraph()
        g.add_nodes_from(self._nodes.items())
        g.add_edges_from(self._edges)
        return g


# -- the graph from the on-disk store ----------------------------------------------------------------


_GRAPH_TABLES = """
DROP TABLE IF EXISTS graph_site; DROP TABLE IF EXISTS graph_node; DROP TABLE IF EXISTS graph_speaker;
DROP TABLE IF EXISTS graph_edge;
CREATE TABLE graph_site(doc TEXT PRIMARY KEY, site TEXT NOT NULL);
CREATE TABLE graph_node(nid TEXT NOT NULL, org INTEGER NOT NULL, attrs BLOB NOT NULL, sid TEXT);
CREATE TABLE graph_speaker(sid TEXT PRIMARY KEY, party TEXT NOT NULL, top TEXT, name_key TEXT);
CREATE TABLE graph_edge(u TEXT NOT NULL, v TEXT NOT NULL, rank INTEGER, weight REAL NOT NULL, docs BLOB NOT NULL,
                        rules TEXT NOT NULL, stance INTEGER, extra BLOB);
"""
_INSERT = {"graph_site": "INSERT OR REPLACE INTO graph_site VALUES (?, ?)",
           "graph_node": "INSERT INTO graph_node VALUES (?, ?, ?, ?)",
           "graph_speaker": "INSERT INTO graph_speaker VALUES (?, ?, ?, ?)",
           "graph_edge": "INSERT INTO graph_edge VALUES (?, ?, ?, ?, ?, ?, ?, ?)"}
#: entries a cache of the store builder holds at most (speaker records, parsed-record memo, summed edges)
_CACHED = 1024
_RULE_SEP = "\x1f"  # goes before each rule id of a row (no rule id holds it): () is "", ("",) is _RULE_SEP


def _rules_row(rule_ids: frozenset[str]) -> str:
    """A rule-id set as a row's text (``_RULE_SEP`` before each id), once per set."""
    text = _RULE_ROWS.get(rule_ids)
    if text is None:
        text = _RULE_ROWS[rule_ids] = "".join(_RULE_SEP + r for r in sorted(rule_ids))
    return text


_RULE_ROWS: dict[frozenset[str], str] = {}


class _Builder:
    """Builds the graph on a store: what every node and edge holds, its rows in SQLite tables, read back sorted.

    The claims, reports and stances are read from the store in a fixed order (articles,
    speakers, claims, stances), so organisations and outlets (kept in memory, as they are few)
    are made in that order. Edges are summed in a dict over one claim's reports, or one
    speaker's, then written as one share each (``graph_edge``): a claim's edges are its own,
    while a speaker's affiliation edges and the stance edges are summed over their shares when
    read back (``edge_records``).
    """

    def __init__(self, store: Store, rules: RuleSet):
        self.rules = rules
        self.store = store
        self.db = store.db
        execute_script(self.db, _GRAPH_TABLES)
        self.rows: dict[str, list[tuple]] = {table: [] for table in _INSERT}  # rows waiting to be inserted
        self.orgs: dict[str, dict[str, Any]] = {}  # node id -> attributes (a corpus has few: kept in memory)
        self.outlets: dict[str, dict[str, Any]] = {}
        self.edges: dict[tuple[str, str], _Edge] = {}  # one claim's (or one speaker's) edges, summed, then written
        self.paths: dict[Speaker, tuple[tuple[str, ...], list[str]]] = {}
        self.named: dict[str, str | None] = {}  # name key -> party node (stance targets), a bounded cache
        self.stances = 0
        self.speaker_rows: dict[str, tuple] = {}  # a bounded cache of _speaker
        self.spans: dict[tuple[str, int, int], list] = {}  # a bounded cache of span_reports
        self.outlet_rules: dict[str, OutletRule] = {}
        for o in rules.outlets:
            for alias in (*o.aliases, o.name):  # the canonical name wins over an alias
                self.outlet_rules[alias.lower()] = o

    # -- storage

    def _add(self, table: str, row: tuple) -> None:
        rows = self.rows[table]
        rows.append(row)
        if len(rows) >= ROWS_AT_ONCE:
            self._flush(table)

    def _flush(self, *tables: str) -> None:
        for table in tables or tuple(self.rows):
            if self.rows[table]:
                self.db.executemany(_INSERT[table], self.rows[table])
                self.rows[table].clear()

    def set_node(self, nid: str, attrs: dict[str, Any]) -> None:
        sid = None
        if attrs["category"] == "claim":  # its speaker's top affiliation, which node_records fills in
            sid = attrs["speaker_id"]
            attrs["top_affiliation"] = None
        self._add("graph_node", (nid, 0, marshal.dumps(attrs), sid))

    def set_site(self, doc_id: str, site: str) -> None:
        self._add("graph_site", (doc_id, site))

    def set_speaker(self, sid: str, party: str, attrs: dict[str, Any]) -> None:
        label = attrs["label"]
        self._add("graph_speaker", (sid, party, attrs["top_affiliation"], _name_key(label) if label else None))
        self._add("graph_node", (sid, 0, marshal.dumps(attrs), None))

    def _flush_edges(self) -> None:
        """The edges summed so far (one claim's, or one speaker's), each as one share."""
        for (u, v), e in self.edges.items():
            self._add("graph_edge", (u, v, RELATIONS.index(e.relation), e.weight, marshal.dumps(sorted(e.doc_ids)),
                                     _rules_row(frozenset(e.rule_ids)), None, None))
        self.edges = {}

    def edge(self, u: str, v: str, relation: str, doc_id: str, rule_ids: Iterable[str]) -> None:
        e = self.edges.get((u, v))
        if e is None:
            e = self.edges[(u, v)] = _Edge(relation)
        elif RELATIONS.index(relation) < RELATIONS.index(e.relation):
            e.relation = relation
        e.weight += 1.0
        e.doc_ids.add(doc_id)
        e.rule_ids.update(rule_ids)
        if len(self.edges) >= _CACHED:  # a claim reported in many articles: its edges in several shares
            self._flush_edges()

    def edge_n(self, u: str, v: str, relation: str, n: int, doc_ids: Iterable[str], rule_ids: Iterable[str]) -> None:
        """``edge`` for ``n`` reports at once."""
        e = self.edges.get((u, v))
        if e is None:
            e = self.edges[(u, v)] = _Edge(relation)
        elif RELATIONS.index(relation) < RELATIONS.index(e.relation):
            e.relation = relation
        e.weight += float(n)
        e.doc_ids.update(doc_ids)
        e.rule_ids.update(rule_ids)

    def stance_edge(self, sid: str, target: str, s: Stance, cid: str, answers: str | None) -> None:
        evidence, sentence = _stance_texts(s)
        self.stances += 1
        self._add("graph_edge", (sid, target, None, 1.0, marshal.dumps([s.doc_id]), _RULE_SEP + s.rule_id, self.stances,
                                 marshal.dumps([s.relation, evidence, sentence, cid, answers])))

    # -- look-ups

    def _speaker(self, sid: str) -> tuple[str | None, str | None]:
        """A speaker's (party, top affiliation); (None, None) if no speaker has this id."""
        found = self.speaker_rows.get(sid)
        if found is None:
            if len(self.speaker_rows) >= _CACHED:
                self.speaker_rows.clear()
            row = self.db.execute("SELECT party, top FROM graph_speaker WHERE sid = ?",
                                  (sid,)).fetchone()
            found = self.speaker_rows[sid] = row or (None, None)
        return found

    def speaker_party(self, sid: str) -> str | None:
        return self._speaker(sid)[0]

    def speaker_by_name(self, key: str) -> str | None:
        row = self.db.execute("SELECT sid FROM graph_speaker WHERE name_key = ? ORDER BY sid LIMIT 1",
                              (key,)).fetchone()
        return row[0] if row else None

    def span_reports(self, doc_id: str, start: int, end: int) -> Iterable[tuple[str | None, Speaker | None, str]]:
        key = (doc_id, start, end)
        found = self.spans.get(key)  # the stances of one quote (or answering one) come together
        if found is None:
            if len(self.spans) >= _CACHED:
                self.spans.clear()
            found = self.spans[key] = [(pool, speaker_from_key(spk) if spk else None, cid) for pool, spk, cid in
                                       self.db.execute('SELECT pool, spk, cid FROM claims_seq WHERE doc = ? AND '
                                                       'start = ? AND "end" = ? ORDER BY seq', key)]
        return found

    # -- nodes and edges

    def add_article(self, a: ArticleInfo) -> None:
        site = article_outlet(a)
        if site:
            self.set_site(a.doc_id, site)
        self.set_node(article_node_id(a.doc_id), {
            "label": _label(a.title, _LABEL_MAX) or _label(a.doc_id, _LABEL_MAX),
            "category": "article", "doc_id": a.doc_id, "quotes": a.quotes, "outlet": site,
            "date": article_date(a)})

    def add_claim_reports(self, cid: str, sid: str | None, text: str, qtype: QuoteType,
                          reports: Iterable[tuple[str, tuple[str, ...], tuple[str, ...], str | None, str | None,
                                                  str | None]]) -> None:
        """A claim's node and its own edges (reported_in, via, said), its reports read once.

        Args:
            cid, sid, text, qtype: the claim's id, pooled speaker id, text and quote type.
            reports: the claim's reports, in order, each as what the claim takes from it: (doc id, the
                attribution's rule ids, all its rule ids (with the resolution's), outlet, speaker's
                name, the outlet or site of its article); the last three may be None.
        """
        docs: set[str] = set()
        outlets: set[str] = set()
        names = _Tally()
        rule_sets: set[tuple[str, ...]] = set()
        n = 0
        for doc_id, rule_ids, all_rule_ids, outlet, name, site in reports:
            n += 1
            docs.add(doc_id)
            if site:
                outlets.add(site)
            names.add(name)
            self.edge(cid, article_node_id(doc_id), "reported_in", doc_id, rule_ids)
            if outlet:
                outlets.add(outlet)
                self.edge(cid, self.add_outlet(outlet), "via", doc_id, rule_ids)
            if sid is not None:
                rule_sets.add(all_rule_ids)
        self.set_node(cid, {
            "label": _label(text, _LABEL_CLAIM), "category": "claim", "text": text,
            "quote_type": qtype.value, "speaker": names.most_common(), "speaker_id": sid,
            "reports": n, "articles": len(docs), "outlets": sorted(outlets) or None})
        if sid is not None:
            self.edge_n(sid, cid, "said", n, docs, rule_sets.pop() if len(rule_sets) == 1 else
                        {r for ids in rule_sets for r in ids})
        self._flush_edges()

    def add_outlet(self, name: str) -> str:
        nid = outlet_id(name)
        if nid not in self.outlets:
            rule = self.outlet_rules.get(name.lower())
            self.outlets[nid] = {"label": _label(name, _LABEL_MAX), "category": "outlet",
                                 "kind": rule.kind if rule else None, "rule_id": rule.id if rule else None}
        return nid

    def add_org(self, name: str, parent: str | None) -> str:
        nid = org_id(name)
        if nid not in self.orgs:
            rule = self.rules.org(name)
            self.orgs[nid] = {"label": _label(name, _LABEL_MAX), "category": "organisation",
                              "kind": rule.kind if rule else "organization",
                              "parent": rule.parent if rule and rule.parent else parent,
                              "rule_id": rule.id if rule else None}
        return nid

    def affiliation_path(self, speaker: Speaker) -> tuple[str, ...]:
        """The speaker's affiliation and its parents, completed from the rules."""
        path = list(speaker.affiliation_path)
        if speaker.affiliation and (not path or path[0] != speaker.affiliation):
            path.insert(0, speaker.affiliation)
        if path:
            for parent in self.rules.org_path(path[-1])[1:]:
                if parent in path:
                    break
                path.append(parent)
        return tuple(dict.fromkeys(path))

    def speaker_path(self, speaker: Speaker) -> tuple[tuple[str, ...], list[str]]:
        """The speaker's affiliation path and the node ids of its organisations (added once per speaker value)."""
        found = self.paths.get(speaker)
        if found is None:
            path = self.affiliation_path(speaker)
            ids = [self.add_org(name, path[i + 1] if i + 1 < len(path) else None) for i, name in enumerate(path)]
            found = self.paths[speaker] = (path, ids)
        return found

    def add_speaker(self, sid: str, tally: _SpeakerTally, quotes: int, articles: int) -> None:
        """A speaker's node from the tally of its speaker records (its reports sorted by doc_id, start, end)."""
        org_names = _org_names_by_node(self.rules)
        top = tally.tops.most_common() or org_names.get(sid)
        self.set_speaker(sid, top or sid, {
            # a speaker that is an organisation of the rules goes by the organisation's name
            "label": _label(org_names.get(sid) or tally.names.most_common() or sid, _LABEL_MAX),
            "category": "speaker", "kind": _enum_value(tally.kinds.most_common()),
            "role": tally.roles.most_common(),
            "affiliation": tally.affiliations.most_common(), "top_affiliation": top, "quotes": quotes,
            "articles": articles})

    def speaker_edges(self, sid: str, value: Speaker) -> list[tuple[str, str, str, str | None]]:
        """The affiliated_with and part_of edges one speaker record's reports add: (u, v, relation, rule id);
        a rule id of None (affiliated_with) stands for the rules that found the reports' speaker
        (``_affiliation_rules``)."""
        path, ids = self.speaker_path(value)
        out: list[tuple[str, str, str, str | None]] = []
        if ids and ids[0] != sid:
            out.append((sid, ids[0], "affiliated_with", None))
        for i in range(len(ids) - 1):
            if ids[i] != ids[i + 1]:
                rule = self.rules.org(path[i])
                out.append((ids[i], ids[i + 1], "part_of", rule.id if rule else None))
        return out

    # -- stances

    def add_stance(self, s: Stance) -> None:
        """A disputes/supports edge from the quote's speaker to the party its stance answers."""
        sources = [(sid, cid) for sid, _, cid in self.span_reports(s.doc_id, s.start, s.end) if sid]
        if not sources:
            return
        target, answers = None, None
        if s.target:
            target = self.named_party(s.target)
        if target is None and s.answers_start is not None:
            for sid, speaker, cid in self.span_reports(s.doc_id, s.answers_start, s.answers_end):  # type: ignore[arg-type]
                if sid is not None and speaker is not None:
                    target, answers = self.party_node(sid, speaker), cid
                    break
        if target is None:
            return
        for sid, cid in sources:
            party = self.speaker_party(sid)
            if target == sid or self.party_of_node(target) == (sid if party is None else party):
                continue  # nobody disputes (or supports) their own side
            self.stance_edge(sid, target, s, cid, answers)

    def party_node(self, sid: str, speaker: Speaker) -> str:
        """The node a claim's author stands for: an anonymous source's organisation, else the speaker."""
        if speaker.kind in (SpeakerKind.ANONYMOUS, SpeakerKind.UNKNOWN) and speaker.affiliation:
            path = self.affiliation_path(speaker)
            return self.add_org(path[0], path[1] if len(path) > 1 else None)
        return sid

    def named_party(self, name: str) -> str | None:
        """The node of a party named in a sentence: an organisation of the rules, or a speaker of the corpus."""
        if len(self.named) > _CACHED:  # a bounded cache: a corpus names ever more parties
            self.named.clear()
        key = _name_key(name)
        if key not in self.named:
            self.named[key] = self._named_party(key)
        return self.named[key]

    def _named_party(self, key: str) -> str | None:
        org = _org_names_by_alias(self.rules).get(key)
        if org is not None:
            nid = org_id(org)
            if self.speaker_party(nid) is None:  # not a speaker's node: the organisation and its parents
                path = self.rules.org_path(org)
                for i, n in enumerate(path):
                    self.add_org(n, path[i + 1] if i + 1 < len(path) else None)
            return nid
        for rule in self.rules.speakers:
            if key in {_name_key(a) for a in (rule.name, *rule.aliases)}:
                sid = person_id(rule.name)
                if self.speaker_party(sid) is not None:
                    return sid
        return self.speaker_by_name(key)

    def party_of_node(self, nid: str) -> str:
        party = self.speaker_party(nid)
        if party is not None:
            return party
        seen = []
        while nid in self.orgs and nid not in seen:  # up the parents, as the rules or the speakers' paths give them
            seen.append(nid)
            parent = self.orgs[nid].get("parent")
            if not parent:
                break
            nid = org_id(parent)
        name = _org_names_by_node(self.rules).get(nid) or (self.orgs.get(nid) or {}).get("label")
        return self.rules.org_path(name)[-1] if name else nid

    # -- building

    def build(self, with_claims: bool = True) -> None:
        """Every node and edge share, in this order: articles, speakers, claims (``with_claims``), stances."""
        from .rundir import article_from_record

        rows = self.store.rows
        for (line,) in rows("SELECT line FROM article ORDER BY i"):
            self.add_article(article_from_record(json.loads(line)))
        self._flush()
        self._add_speakers_first()
        if with_claims:
            self._add_claims()
        self._add_stances()
        for (doc,) in rows("SELECT DISTINCT doc FROM claims_seq WHERE doc NOT IN (SELECT doc FROM article) "
                           "ORDER BY doc"):
            self.set_node(article_node_id(doc), _bare_article_attrs(doc))
        self._add_outlets()
        self._add_orgs()
        self._flush()

    def _add_stances(self) -> None:
        from .rundir import stance_from_record

        for (line,) in self.store.rows('SELECT line FROM stance ORDER BY doc, start, "end", rule, i'):
            self.add_stance(stance_from_record(json.loads(line)))

    def _add_orgs(self) -> None:
        for nid, attrs in self.orgs.items():
            self._add("graph_node", (nid, 1, marshal.dumps(attrs), None))

    def _add_outlets(self) -> None:
        for nid, attrs in self.outlets.items():
            self._add("graph_node", (nid, 0, marshal.dumps(attrs), None))

    def _add_speakers_first(self) -> None:
        """``_add_speakers``, their rows written and indexed for the look-ups of the stances (``speaker_by_name``)."""
        self._add_speakers()
        self._flush()
        self.db.execute("CREATE INDEX graph_speaker_name ON graph_speaker(name_key, sid)")

    def _add_speakers(self) -> None:
        """Each pooling speaker's node and affiliation edges, from its reports sorted by (doc_id, start, end)."""
        rows = self.store.rows('SELECT s.pool, s.spk, s.doc, q.rule FROM claims_seq s JOIN quote q ON q.i = s.i '
                               'WHERE s.pool IS NOT NULL ORDER BY s.pool, s.doc, s.start, s."end", s.seq')
        found_by: dict[str | None, tuple[str, ...]] = {}  # a quote line's "rule" -> _affiliation_rules
        for sid, reports in groupby(rows, key=itemgetter(0)):
            tally = _SpeakerTally()
            known: dict[str, tuple[Speaker, tuple, list]] = {}  # record text -> (Speaker, path, edges): a bounded cache
            # record text -> [reports, Speaker, path], in the order first seen: tallied every _CACHED records
            counts: dict[str, list] = {}
            quotes = articles = 0
            for doc, some in groupby(reports, key=itemgetter(2)):
                articles += 1
                in_doc: dict[str, list] = {}  # record text -> [reports, the rule ids that found the speaker]
                for _, spk, _, rule in some:
                    by = found_by.get(rule)
                    if by is None:
                        if len(found_by) >= _CACHED:
                            found_by.clear()
                        by = found_by[rule] = _affiliation_rules(rule)
                    seen = in_doc.get(spk)
                    if seen is None:
                        in_doc[spk] = [1, set(by)]
                    else:
                        seen[0] += 1
                        seen[1].update(by)
                for spk, (n, by) in in_doc.items():  # in the order first seen
                    quotes += n
                    found = known.get(spk)
                    if found is None:
                        if len(known) >= _CACHED:
                            known.clear()
                            self.paths = {}
                        value = speaker_from_key(spk)
                        # seen first in report order, so its organisations are made in _Builder's order
                        found = known[spk] = (value, self.speaker_path(value)[0], self.speaker_edges(sid, value))
                    count = counts.get(spk)
                    if count is None:
                        if len(counts) >= _CACHED:
                            _tally_counts(tally, counts)
                        counts[spk] = [n, found[0], found[1]]
                    else:
                        count[0] += n
                    for u, v, relation, rule_id in found[2]:
                        self.edge_n(u, v, relation, n, (doc,), (rule_id,) if rule_id else by)
                if articles % _CACHED == 0:
                    self._flush_edges()  # the shares of an edge are summed when read back
            _tally_counts(tally, counts)
            self.add_speaker(sid, tally, quotes, articles)
            self._flush_edges()
            self.paths = {}

    def _add_claims(self) -> None:
        """Each claim's node and own edges, its reports read in ``claims_seq``'s order."""
        # the fields a claim takes of each quote are the store's columns
        rows = self.store.rows("SELECT s.seq, s.pool, s.cid, s.doc, g.site, q.rule, q.outlet, q.name, q.text, q.type "
                               "FROM claims_seq s JOIN quote q ON q.i = s.i LEFT JOIN graph_site g ON g.doc = s.doc "
                               "ORDER BY s.seq")
        rule_ids: dict[str | None, tuple[str, ...]] = {}  # a quote line's "rule" -> its rule ids (a corpus has few)

        def report(row: tuple) -> tuple:
            """A report as ``add_claim_reports`` takes it."""
            _, _, _, doc, site, rule, outlet, name, _, _ = row
            ids = rule_ids.get(rule)
            if ids is None:
                if len(rule_ids) >= _CACHED:
                    rule_ids.clear()
                ids = rule_ids[rule] = tuple(r for r in (rule or "").split("+") if r)
            # a report read back from quotes.jsonl has no resolution rule ids of its own
            return doc, ids, ids, outlet, name, site

        # a claim's reports are consecutive; a quote without a speaker is a claim of its own
        for _, group in groupby(rows, key=lambda r: r[2] if r[1] is not None else r[0]):
            row = next(group)
            self.add_claim_reports(row[2], row[1], row[8], QuoteType(row[9]),
                                   chain((report(row),), map(report, group)))

    # -- reading back

    def node_records(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """The nodes, sorted by id: a node added twice keeps the last; an organisation merges into its speaker;
        a claim gets its speaker's top affiliation."""
        rows = self.store.rows("SELECT n.nid, n.org, n.attrs, p.top FROM graph_node n LEFT JOIN graph_speaker p "
                               "ON p.sid = n.sid ORDER BY n.nid, n.org, n.rowid")
        for nid, group in groupby(rows, key=itemgetter(0)):
            node = org = top = None
            for _, is_org, attrs, its_top in group:
                if is_org:
                    org = attrs
                else:
                    node, top = attrs, its_top
            attrs = marshal.loads(node) if node is not None else None
            if top is not None:
                attrs["top_affiliation"] = top  # type: ignore[index]
            if org is not None:
                attrs = self.org_node(marshal.loads(org), attrs, nid)
            out = _node_id(nid)
            if out != nid:
                attrs["original_id"] = nid  # type: ignore[index]
            yield out, _attrs(attrs)  # type: ignore[arg-type]

    def edge_records(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """The edges, sorted by (u, v), each summed from its shares; a stance edge only where no other edge is."""
        rows = self.store.rows("SELECT u, v, rank, weight, docs, rules, stance, extra FROM graph_edge "
                               "ORDER BY u, v, stance")
        rule_sets: dict[str, frozenset[str]] = {}
        for (u, v), group in groupby(rows, key=itemgetter(0, 1)):
            # the last edge's doc ids and texts go now, not once this edge's are made too (an edge may list
            # every article of the corpus)
            doc_ids = doc_set = texts = more_docs = None  # type: ignore[assignment]
            _, _, rank, weight, docs, rules, stance, extra = next(group)
            found = rule_sets.get(rules)
            if found is None:
                found = rule_sets[rules] = frozenset(rules.split(_RULE_SEP)[1:])
            rule_ids, doc_ids = found, marshal.loads(docs)
            if stance is not None:  # a stance edge, summed over its stances (in the order they were added)
                relation, evidence, sentence, cid, answers = marshal.loads(extra)
                texts: tuple[set[str], set[str], set[str], set[str]] = ({evidence}, {sentence}, {cid}, set())
                if answers:
                    texts[3].add(answers)
                doc_set = set(doc_ids)
                for row in group:
                    weight += row[3]
                    doc_set.update(marshal.loads(row[4]))
                    rule_ids = rule_ids | frozenset(row[5].split(_RULE_SEP)[1:])
                    more = marshal.loads(row[7])
                    if more[0] == "disputes":
                        relation = "disputes"  # both on one pair: the dispute names the edge
                    for values, value in zip(texts, more[1:]):
                        if value:
                            values.add(value)
                yield _node_id(u), _node_id(v), self.edge_attrs(relation, weight, _rules_text(rule_ids),
                                                                "; ".join(sorted(doc_set)), texts)
                continue
            more_docs: set[str] | None = None
            for row in group:
                if row[6] is not None:
                    break  # a pair already linked (affiliated_with, part_of) keeps that link
                rank = min(rank, row[2])
                weight += row[3]
                if more_docs is None:
                    more_docs = set(doc_ids)
                more_docs.update(marshal.loads(row[4]))
                found = rule_sets.get(row[5])
                if found is None:
                    found = rule_sets[row[5]] = frozenset(row[5].split(_RULE_SEP)[1:])
                rule_ids = rule_ids | found
            if more_docs is not None:
                doc_ids = sorted(more_docs)
            yield _node_id(u), _node_id(v), self.edge_attrs(RELATIONS[rank], weight, _rules_text(rule_ids),
                                                            "; ".join(doc_ids), None)

    def org_node(self, org: dict[str, Any], node: dict[str, Any] | None, nid: str) -> dict[str, Any]:
        """An organisation's node attributes, merged into those of the speaker of the same id if there is one."""
        # a speaker that is itself an organisation keeps its speaker attributes and gains the org's
        attrs = {**org, **node} if node is not None else org
        if "top_affiliation" not in attrs:
            attrs["top_affiliation"] = self.party_of_node(nid)
        return attrs

    def edge_attrs(self, relation: str, weight: float, rule_ids: str, doc_ids: str,
                   stance: tuple[set[str], set[str], set[str], set[str]] | None) -> dict[str, Any]:
        """An edge's GraphML attributes; ``stance``: a stance edge's evidence, sentences, claims and answers."""
        raw: dict[str, Any] = {"relation": relation, "weight": float(weight), "rule_ids": rule_ids, "doc_ids": doc_ids}
        if stance is None and _plain(rule_ids) and _plain(doc_ids) and math.isfinite(weight):
            return raw  # the usual edge: nothing for _attrs to drop or clean (relation is one of RELATIONS)
        if stance is not None:
            evidence, sentences, claims, answers = stance
            raw.update({
                "evidence": "; ".join(sorted(evidence)) or None,
                "sentences": "; ".join(sorted(sentences)) or None,
                "claims": "; ".join(sorted(claims)) or None,
                "answers": "; ".join(sorted(answers)) or None})
        return _attrs(raw)


def _tally_counts(tally: _SpeakerTally, counts: dict[str, list]) -> None:
    """Add ``_Builder._add_speakers``' counted records to the tally (in the order first seen) and forget them."""
    for n, value, path in counts.values():
        tally.add(value, path, n)
    counts.clear()


def _affiliation_rules(rule: str | None) -> tuple[str, ...]:
    """The rule ids of a quote line's ``rule`` that gave its speaker's affiliation: its ``affiliation.*`` ids, else its
    ``speaker.*`` ids (the speaker rule that found the speaker, with the affiliation it names)."""
    ids = [r for r in (rule or "").split("+") if r]
    return (tuple(r for r in ids if r.startswith("affiliation.")) or
            tuple(r for r in ids if r.startswith("speaker.")))


def _name_key(name: str) -> str:
    """A name compared case- and punctuation-blind, without a leading "the"."""
    key = " ".join(slug(name).split("-"))
    return key[4:] if key.startswith("the ") else key


def _org_names_by_alias(rules: RuleSet) -> dict[str, str]:
    def build() -> dict[str, str]:
        out: dict[str, str] = {}
        for o in rules.organisations:
            for alias in o.aliases:
                out.setdefault(_name_key(alias), o.name)
        for o in rules.organisations:  # a canonical name wins over an alias
            out[_name_key(o.name)] = o.name
        return out
    return rules.cached("graph:org-aliases", build)


def _org_names_by_node(rules: RuleSet) -> dict[str, str]:
    return rules.cached("graph:org-nodes", lambda: {org_id(o.name): o.name for o in rules.organisations})


def article_outlet(a: ArticleInfo) -> str | None:
    """The outlet or site an article comes from: its metadata's outlet/site/url, else a first line that is a site name."""
    for name in _OUTLET_FIELDS:
        value = a.get(name)
        if value and value.strip():
            return value.strip()
    url = a.get("url")
    if url:
        m = _URL_HOST.match(url.strip())
        if m:
            return m.group(1).lower()
    m = _SITE_LINE.match(a.title.strip())
    return m.group(1).lower() if m else None


def article_date(a: ArticleInfo) -> str | None:
    """The article's date as ISO ``YYYY-MM-DD`` (its metadata's ``date``: a JSON Lines field, an HTML page's date),
    or None when it has none that starts so."""
    value = (a.get("date") or "").strip()
    return value[:10] if _ISO_DATE.match(value) else None


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?!\d)")


def affiliation_ranking(g: nx.DiGraph) -> tuple[str, ...]:
    """The graph's top affiliations, most quoted by its speakers first (``palette.rank_affiliations``): the order in
    which they get the palette's colours, the same for every view of a run."""
    from .palette import rank_affiliations

    return rank_affiliations((d.get("top_affiliation"), d.get("quotes", 0)) for _, d in g.nodes(data=True)
                             if d.get("category") == "speaker")


# -- views ----------------------------------------------------------------------------


def graph_view(g: nx.DiGraph, view: str) -> nx.DiGraph:
    """One view of the full graph for Gephi.

    Args:
        g: the full graph (``graph_from_run``).
        view: ``full`` (``g`` itself), ``speakers`` or ``affiliations``.

    Returns:
        ``speakers``: speaker nodes and the organisations they dispute or support, with the
        disputes/supports edges of ``g`` and ``co_quoted`` edges (two speakers quoted in the
        same article; ``weight`` = the number of such articles, from the smaller id to the
        larger). ``affiliations``: organisation nodes (and organisations that speak) with
        ``quotes`` and ``speakers`` summed over the speakers affiliated with them directly,
        ``part_of`` edges, and the disputes/supports/co_quoted edges of their speakers summed.

    Raises:
        AttribError: an unknown view.
    """
    if view == "full":
        return g
    if view == "speakers":
        out = _speakers_view(g)
    elif view == "affiliations":
        out = _affiliations_view(g)
    else:
        raise AttribError(f'unknown view "{view}"; expected one of: {", ".join(VIEWS)}')
    out.graph["top_affiliations"] = affiliation_ranking(g)  # the full graph's colours (``export.node_colours``)
    return out


def _speakers_by_article(g: nx.DiGraph) -> dict[str, set[str]]:
    """Article node -> the speakers with a claim reported in it."""
    out: dict[str, set[str]] = {}
    succ, pred = g.succ, g.pred
    for n, d in g.nodes(data=True):
        if d.get("category") != "claim":
            continue
        speakers = [u for u, e in pred[n].items() if e.get("relation") == "said"]
        if not speakers:
            continue
        for v, e in succ[n].items():
            if e.get("relation") == "reported_in":
                out.setdefault(v, set()).update(speakers)
    return out


def _pairs(groups: Iterable[set[str]]) -> Counter:
    counts: Counter = Counter()
    for members in groups:
        if len(members) > 1:
            counts.update(combinations(sorted(members), 2))
    return counts


_NODE_KEYS = ("label", "category", "kind", "role", "affiliation", "top_affiliation", "parent", "quotes", "articles",
              "rule_id")


#: stance edge attributes that name claims: left out of the views, which hold no claims
_CLAIM_KEYS = ("claims", "answers")


def _speakers_view(g: nx.DiGraph, by_article: dict[str, set[str]] | None = None) -> nx.DiGraph:
    import networkx as nx

    stance = [(u, v, d) for u, v, d in g.edges(data=True) if d.get("relation") in STANCE_RELATIONS]
    keep = {n for n, d in g.nodes(data=True) if d.get("category") == "speaker"}
    keep.update(n for u, v, _ in stance for n in (u, v))
    co = _pairs((_speakers_by_article(g) if by_article is None else by_article).values())
    view = nx.DiGraph()
    for n in sorted(keep):
        d = g.nodes[n]
        view.add_node(n, **{k: d[k] for k in _NODE_KEYS if k in d})
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for u, v, d in stance:
        edges[(u, v)] = {**{k: x for k, x in d.items() if k not in _CLAIM_KEYS},
                         "co_quoted": co.get(tuple(sorted((u, v))), 0)}
    for (u, v), n in co.items():
        if (u, v) not in edges:
            edges[(u, v)] = {"relation": "co_quoted", "weight": float(n), "co_quoted": n}
    for u, v in sorted(edges):
        view.add_edge(u, v, **edges[(u, v)])
    return view


def _affiliations_view(g: nx.DiGraph, by_article: dict[str, set[str]] | None = None) -> nx.DiGraph:
    import networkx as nx

    def is_org(n: str) -> bool:
        category = g.nodes[n].get("category")
        return category == "organisation" or (n.startswith("org:") and category == "speaker")

    org_of: dict[str, str] = {}
    for n, d in g.nodes(data=True):
        if is_org(n):
            org_of[n] = n
        elif d.get("category") == "speaker":
            orgs = sorted(v for v, e in g.succ[n].items() if e.get("relation") == "affiliated_with")
            if orgs:
                org_of[n] = orgs[0]
    quotes: Counter = Counter()
    speakers: Counter = Counter()
    for n, org in org_of.items():
        if g.nodes[n].get("category") == "speaker":
            quotes[org] += g.nodes[n].get("quotes", 0)
            speakers[org] += 1
    view = nx.DiGraph()
    for n in sorted(n for n in g if is_org(n)):
        d = g.nodes[n]
        attrs = {k: d[k] for k in ("label", "kind", "parent", "top_affiliation", "rule_id") if k in d}
        view.add_node(n, **attrs, category="organisation", quotes=quotes[n], speakers=speakers[n])
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for u, v, d in g.edges(data=True):
        rel = d.get("relation")
        if rel == "part_of" and u in view and v in view:
            edges[(u, v)] = {"relation": "part_of", "weight": d["weight"], "rule_ids": d.get("rule_ids", ""),
                             "doc_ids": d.get("doc_ids", "")}
        elif rel in STANCE_RELATIONS and u in org_of and v in org_of and org_of[u] != org_of[v]:
            pair = (org_of[u], org_of[v])
            e = edges.setdefault(pair, {"relation": rel, "weight": 0.0, "rule_ids": set(), "doc_ids": set()})
            if isinstance(e["rule_ids"], str):
                continue  # a part_of link between the two keeps its meaning
            if rel == "disputes":
                e["relation"] = "disputes"
            e["weight"] += d["weight"]
            e["rule_ids"].update(x for x in d.get("rule_ids", "").split("; ") if x)
            e["doc_ids"].update(x for x in d.get("doc_ids", "").split("; ") if x)
    if by_article is None:
        by_article = _speakers_by_article(g)
    co = _pairs({org_of[s] for s in members if s in org_of} for members in by_article.values())
    for pair, n in co.items():
        if pair not in edges:
            edges[pair] = {"relation": "co_quoted", "weight": float(n), "rule_ids": "", "doc_ids": ""}
    for u, v in sorted(edges):
        e = edges[(u, v)]
        e = {k: ("; ".join(sorted(x)) if isinstance(x, set) else x) for k, x in e.items()}
        view.add_edge(u, v, **{k: x for k, x in e.items() if x != ""})
    return view
