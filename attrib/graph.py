"""Stage 7, graph: article results + claims -> nx.DiGraph of speakers, organisations, claims, articles and outlets.

Edges (``relation``): said (speaker -> claim), reported_in (claim -> article),
via (claim -> outlet), affiliated_with (speaker -> organisation), part_of
(organisation -> parent organisation). Every report of a claim adds 1.0 to the
``weight`` of each edge it supports, and its doc_id and rule ids to the edge's
``doc_ids``/``rule_ids``, so any edge can be traced back to articles and rules.
Attribute values are only str/int/float/bool, free of XML-invalid control
characters, and nodes and edges are inserted in sorted order, so two builds on
the same input write byte-identical GraphML.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Iterable, Sequence

import networkx as nx

from ._util import slug  # noqa: F401 - used for node ids, re-exported
from .model import ArticleInfo, Claim, ResolvedAttribution, Speaker
from .ruleset import OutletRule, RuleSet

#: edge relations, strongest first: when two relations land on one node pair, the first one names the edge
RELATIONS = ("said", "reported_in", "via", "part_of", "affiliated_with")

_LABEL_CLAIM = 80
_LABEL_MAX = 100  # articles (their first line), speakers, organisations, outlets
# characters XML 1.0 cannot hold (C0 controls but tab/newline/CR, surrogates, U+FFFE/U+FFFF)
# plus DEL and the C1 controls, which it can hold but Gephi and most viewers choke on
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"\s+")


def build_graph(articles: Sequence[ArticleInfo], claims: Sequence[Claim], rules: RuleSet) -> nx.DiGraph:
    """Build the speaker-claim graph of all articles.

    Args:
        articles: the run's articles (one article node each, labelled with its title).
        claims: the pooled claims from ``claims.aggregate_claims``.
        rules: the rules, for organisation kinds and parents and outlet kinds.

    Returns:
        A directed graph whose nodes all carry ``label`` and ``type`` ("speaker",
        "organisation", "claim", "article", "outlet") and whose edges all carry
        ``relation``, ``weight`` (float), ``rule_ids`` and ``doc_ids`` ("; "-joined, sorted).
        A speaker whose id is also an organisation's node id (``org:taliban``) is one
        node of type "speaker" that also carries the organisation's attributes.
    """
    builder = _Builder(rules)
    for article in articles:
        builder.add_article(article)
    for claim in claims:
        builder.add_claim(claim)
    builder.add_speakers()
    return builder.graph()


# -- ids and values ------------------------------------------------------------------


def org_node_id(name: str) -> str:
    """The node id of an organisation, ``org:<slug of name>``."""
    return "org:" + slug(name)


def outlet_node_id(name: str) -> str:
    """The node id of an outlet or channel, ``outlet:<slug of name>``."""
    return "outlet:" + slug(name)


def article_node_id(doc_id: str) -> str:
    """The node id of an article, ``doc:<doc_id>``."""
    return "doc:" + _clean(doc_id)


def _clean(text: str) -> str:
    return _CONTROL.sub("", text)


def _label(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters."""
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
        value = _scalar(value)
        if value is not None:
            out[key] = value
    return out


def _most_common(values: Iterable[Any]) -> Any:
    """The most frequent non-None value; ties go to the one seen first."""
    counts = Counter(v for v in values if v is not None)
    return counts.most_common(1)[0][0] if counts else None


def _report_rule_ids(ra: ResolvedAttribution) -> tuple[str, ...]:
    return (*ra.attribution.rule_ids, *ra.rule_ids)


# -- building ------------------------------------------------------------------------


@dataclass
class _Edge:
    relation: str
    weight: float = 0.0
    rule_ids: set[str] = field(default_factory=set)
    doc_ids: set[str] = field(default_factory=set)


class _Builder:
    """Collects nodes and edges, aggregating repeated edges, then emits them in sorted order."""

    def __init__(self, rules: RuleSet):
        self.rules = rules
        self.nodes: dict[str, dict[str, Any]] = {}
        self.orgs: dict[str, dict[str, Any]] = {}
        self.edges: dict[tuple[str, str], _Edge] = {}
        self.reports_by_speaker: dict[str, list[ResolvedAttribution]] = {}
        self.outlet_rules: dict[str, OutletRule] = {}
        for o in rules.outlets:
            for alias in (*o.aliases, o.name):  # the canonical name wins over an alias
                self.outlet_rules[alias.lower()] = o

    def edge(self, u: str, v: str, relation: str, doc_id: str, rule_ids: Iterable[str]) -> None:
        e = self.edges.get((u, v))
        if e is None:
            e = self.edges[(u, v)] = _Edge(relation)
        elif RELATIONS.index(relation) < RELATIONS.index(e.relation):
            e.relation = relation
        e.weight += 1.0
        e.doc_ids.add(doc_id)
        e.rule_ids.update(rule_ids)

    def add_article(self, a: ArticleInfo) -> None:
        self.nodes[article_node_id(a.doc_id)] = {
            "label": _label(a.title, _LABEL_MAX) or _label(a.doc_id, _LABEL_MAX),
            "type": "article", "doc_id": a.doc_id, "quotes": a.quotes}

    def add_claim(self, claim: Claim) -> None:
        docs = sorted({ra.attribution.doc_id for ra in claim.reports})
        outlets = sorted({ra.attribution.outlet for ra in claim.reports if ra.attribution.outlet})
        speaker = _most_common(ra.speaker.name for ra in claim.reports if ra.speaker)
        self.nodes[claim.id] = {
            "label": _label(claim.text, _LABEL_CLAIM), "type": "claim", "text": claim.text,
            "quote_type": claim.type, "speaker": speaker, "reports": len(claim.reports),
            "articles": len(docs), "outlets": outlets or None}
        for ra in claim.reports:
            a = ra.attribution
            doc = article_node_id(a.doc_id)
            self.nodes.setdefault(doc, {"label": _label(a.doc_id, _LABEL_MAX), "type": "article",
                                        "doc_id": a.doc_id})
            self.edge(claim.id, doc, "reported_in", a.doc_id, a.rule_ids)
            if a.outlet:
                self.add_outlet(a.outlet)
                self.edge(claim.id, outlet_node_id(a.outlet), "via", a.doc_id, a.rule_ids)
            if claim.speaker_id is not None:
                self.edge(claim.speaker_id, claim.id, "said", a.doc_id, _report_rule_ids(ra))
                self.reports_by_speaker.setdefault(claim.speaker_id, []).append(ra)

    def add_outlet(self, name: str) -> None:
        nid = outlet_node_id(name)
        if nid not in self.nodes:
            rule = self.outlet_rules.get(name.lower())
            self.nodes[nid] = {"label": _label(name, _LABEL_MAX), "type": "outlet",
                               "kind": rule.kind if rule else None, "rule_id": rule.id if rule else None}

    def add_org(self, name: str, parent: str | None) -> str:
        nid = org_node_id(name)
        if nid not in self.orgs:
            rule = self.rules.org(name)
            self.orgs[nid] = {"label": _label(name, _LABEL_MAX), "type": "organisation",
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

    def add_speakers(self) -> None:
        for sid, reports in self.reports_by_speaker.items():
            reports.sort(key=lambda ra: (ra.attribution.doc_id, ra.attribution.start, ra.attribution.end))
            speakers = [ra.speaker for ra in reports]
            self.nodes[sid] = {
                "label": _label(_most_common(s.name for s in speakers) or sid, _LABEL_MAX),
                "type": "speaker", "kind": _most_common(s.kind for s in speakers),
                "role": _most_common(s.role for s in speakers),
                "affiliation": _most_common(s.affiliation for s in speakers),
                "quotes": len(reports), "articles": len({ra.attribution.doc_id for ra in reports})}
            for ra in reports:
                path = self.affiliation_path(ra.speaker)
                doc_id = ra.attribution.doc_id
                ids = [self.add_org(name, path[i + 1] if i + 1 < len(path) else None)
                       for i, name in enumerate(path)]
                if ids and ids[0] != sid:
                    self.edge(sid, ids[0], "affiliated_with", doc_id, ra.rule_ids)
                for i in range(len(ids) - 1):
                    if ids[i] != ids[i + 1]:
                        rule = self.rules.org(path[i])
                        self.edge(ids[i], ids[i + 1], "part_of", doc_id, (rule.id,) if rule else ra.rule_ids)

    def graph(self) -> nx.DiGraph:
        nodes = dict(self.nodes)
        for nid, attrs in self.orgs.items():
            # a speaker that is itself an organisation keeps its speaker attributes and gains the org's
            nodes[nid] = {**attrs, **nodes[nid]} if nid in nodes else attrs
        g = nx.DiGraph()
        for nid in sorted(nodes):
            g.add_node(_clean(nid), **_attrs(nodes[nid]))
        for (u, v) in sorted(self.edges):
            e = self.edges[(u, v)]
            g.add_edge(_clean(u), _clean(v), **_attrs({
                "relation": e.relation, "weight": float(e.weight),
                "rule_ids": "; ".join(sorted(e.rule_ids)),
                "doc_ids": "; ".join(sorted(e.doc_ids))}))
        return g
