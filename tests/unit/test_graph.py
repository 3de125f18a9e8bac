"""Stage 7: the speaker-claim graph (nodes, edges, aggregated weights, GraphML-safe attributes)."""
from __future__ import annotations

import math

import networkx as nx
import pytest

from attrib.graph import graph_from_run
from attrib.ids import org_id, slug
from attrib.model import (Article, ArticleResult, Attribution, Cue, QuoteType, ResolvedAttribution, Span,
                          Speaker, SpeakerKind)
from attrib.ruleset import load_ruleset
from sample_speakers import ARIAN, MUJAHID, infos, quotes_of

# affiliation without a path: the graph completes it from the rules
OFFICIAL = Speaker("anon:a:1", "a senior government official", SpeakerKind.ANONYMOUS,
                   affiliation="Afghan government")
TALIBAN = Speaker("org:taliban", "Taliban", SpeakerKind.ORGANIZATION)
# an organisation the rules do not know
DOE = Speaker("person:jane-doe", "Jane Doe", SpeakerKind.PERSON, affiliation="Acme Corp",
              affiliation_path=("Acme Corp", "Acme Holdings"))

PROPAGANDA = "“It is merely propaganda and a baseless claim,”"
LONG = "“" + "The border crossing at Spin Boldak is fully under the control of government forces " * 2 + "”"
TITLE_A = "Afghan gov’t says Pakistan border crossing retaken from Taliban | Taliban News"
TITLE_B = "Taliban claim control of key border crossing with Pakistan — and much more besides, " * 2


def quote(doc_id: str, start: int, text: str, speaker: Speaker | None, outlet: str | None = None,
          type: QuoteType = QuoteType.DIRECT, resolution: tuple[str, ...] = ("speaker.name",)
          ) -> ResolvedAttribution:
    end = start + len(text)
    a = Attribution(doc_id, start, end, text, type, Cue(end + 1, end + 5, "said", "say", "cue.reporting-verbs"),
                    Span(end + 6, end + 8, "he"), outlet, ("quote.curly-double", "cue.reporting-verbs"))
    return ResolvedAttribution(a, speaker, a.mention, resolution)


def corpus() -> list[ArticleResult]:
    a = ArticleResult(Article("a", "a.txt", f"\n  \n{TITLE_A}\x0b\n\nBody."), (
        quote("a", 100, PROPAGANDA, MUJAHID, outlet="Reuters"),
        quote("a", 300, "“We retook the market.”", OFFICIAL, outlet="Reuters"),
        quote("a", 400, "“Bad\x00 bytes\x1f here.”", None),
        quote("a", 500, LONG, ARIAN, resolution=("speaker.alias", "speaker.affiliation")),
    ), "builtin")
    b = ArticleResult(Article("b", "b.txt", f"{TITLE_B}\nBody."), (
        quote("b", 10, "“it is merely propaganda and a baseless claim”", MUJAHID, outlet="Sputnik"),
        quote("b", 90, "“We hold the town.”", MUJAHID),
        quote("b", 200, "“The Islamic Emirate is in control.”", TALIBAN, outlet="Twitter"),
        quote("b", 300, "“Profits are up.”", DOE, outlet="Some Blog"),
    ), "builtin")
    c = ArticleResult(Article("c", "c.txt", ""), (), "builtin")
    return [a, b, c]


@pytest.fixture(scope="module")
def rules():
    return load_ruleset()


@pytest.fixture(scope="module")
def graph(rules) -> nx.DiGraph:
    results = corpus()
    return graph_from_run(quotes_of(results), infos(results), [], rules)


def claim_of(g: nx.DiGraph, speaker: str, words: str) -> str:
    found = [v for v in g.successors(speaker) if g.nodes[v]["category"] == "claim" and words in g.nodes[v]["text"]]
    assert len(found) == 1, found
    return found[0]


def test_is_directed_simple_graph(graph):
    assert type(graph) is nx.DiGraph


@pytest.mark.parametrize("node, expected", [
    (MUJAHID.id, {"label": "Zabihullah Mujahid", "category": "speaker", "kind": "person", "role": "spokesman",
                  "affiliation": "Taliban", "top_affiliation": "Taliban", "quotes": 2 + 1, "articles": 2}),
    (OFFICIAL.id, {"label": "a senior government official", "category": "speaker", "kind": "anonymous",
                   "affiliation": "Afghan government", "top_affiliation": "Afghanistan", "quotes": 1,
                   "articles": 1}),
    ("org:afghan-ministry-of-interior", {"label": "Afghan Ministry of Interior", "category": "organisation",
                                         "kind": "government", "parent": "Afghan government",
                                         "rule_id": "org.afghan-interior-ministry", "top_affiliation": "Afghanistan"}),
    ("org:afghan-government", {"label": "Afghan government", "category": "organisation", "kind": "government",
                               "parent": "Afghanistan", "rule_id": "org.afghan-government",
                               "top_affiliation": "Afghanistan"}),
    ("org:afghanistan", {"label": "Afghanistan", "category": "organisation", "kind": "country",
                         "rule_id": "org.afghanistan", "top_affiliation": "Afghanistan"}),
    ("org:acme-corp", {"label": "Acme Corp", "category": "organisation", "kind": "organization",
                       "parent": "Acme Holdings", "top_affiliation": "Acme Holdings"}),
    ("org:acme-holdings", {"label": "Acme Holdings", "category": "organisation", "kind": "organization",
                           "top_affiliation": "Acme Holdings"}),
    # a speaker that is itself an organisation is one node, typed as a speaker
    ("org:taliban", {"label": "Taliban", "category": "speaker", "kind": "organization", "quotes": 1, "articles": 1,
                     "rule_id": "org.taliban", "top_affiliation": "Taliban"}),
    ("doc:a", {"label": TITLE_A, "category": "article", "doc_id": "a", "quotes": 4}),
    ("doc:b", {"label": TITLE_B[:100].rstrip(), "category": "article", "doc_id": "b", "quotes": 4}),
    ("doc:c", {"label": "c", "category": "article", "doc_id": "c", "quotes": 0}),
    ("outlet:reuters", {"label": "Reuters", "category": "outlet", "kind": "outlet", "rule_id": "outlet.reuters"}),
    ("outlet:twitter", {"label": "Twitter", "category": "outlet", "kind": "channel", "rule_id": "outlet.twitter"}),
    ("outlet:some-blog", {"label": "Some Blog", "category": "outlet"}),
])
def test_node_attributes(graph, node, expected):
    assert graph.nodes[node] == expected


def test_node_set(graph):
    by_type: dict[str, set[str]] = {}
    for n, d in graph.nodes(data=True):
        by_type.setdefault(d["category"], set()).add(n)
    assert by_type["speaker"] == {MUJAHID.id, ARIAN.id, OFFICIAL.id, DOE.id, "org:taliban"}
    assert by_type["organisation"] == {"org:afghan-ministry-of-interior", "org:afghan-government",
                                       "org:afghanistan", "org:acme-corp", "org:acme-holdings"}
    assert by_type["article"] == {"doc:a", "doc:b", "doc:c"}
    assert by_type["outlet"] == {"outlet:reuters", "outlet:sputnik", "outlet:twitter", "outlet:some-blog"}
    assert len(by_type["claim"]) == 7  # 8 quotes, two of them the same statement
    assert set(by_type) == {"speaker", "organisation", "article", "outlet", "claim"}


def test_pooled_claim_node(graph):
    cid = claim_of(graph, MUJAHID.id, "propaganda")
    assert graph.nodes[cid] == {
        "label": PROPAGANDA, "category": "claim", "text": PROPAGANDA, "quote_type": "direct",
        "speaker": "Zabihullah Mujahid", "speaker_id": MUJAHID.id, "reports": 2, "articles": 2,
        "outlets": "Reuters; Sputnik", "top_affiliation": "Taliban"}


def test_claim_label_is_first_80_characters(graph):
    cid = claim_of(graph, ARIAN.id, "border crossing")
    assert graph.nodes[cid]["text"] == LONG
    assert graph.nodes[cid]["label"] == LONG[:80].rstrip()


def test_unattributed_claim_has_no_speaker_and_no_control_characters(graph):
    (cid,) = [n for n, d in graph.nodes(data=True) if d["category"] == "claim" and "speaker" not in d]
    assert graph.nodes[cid]["text"] == "“Bad bytes here.”"
    assert graph.in_degree(cid) == 0
    assert list(graph.successors(cid)) == ["doc:a"]


def edge_rows(g: nx.DiGraph, relation: str) -> list[tuple]:
    def name(n: str) -> str:  # claims by their first words, for readable expectations
        return g.nodes[n]["text"][1:12] if g.nodes[n]["category"] == "claim" else n
    return sorted((name(u), name(v), d["weight"], d["doc_ids"], d["rule_ids"])
                  for u, v, d in g.edges(data=True) if d["relation"] == relation)


QC = "cue.reporting-verbs; quote.curly-double"


#: a quote's rule ids as its quotes.jsonl line holds them: the attribution's, then the resolution's (``rule``)
QCN = f"{QC}; speaker.name"


# The graph reads the quotes as a run folder holds them: a quote's line joins the attribution's and the
# resolution's rule ids, and a speaker's affiliation edges get no rule ids from its quotes.
@pytest.mark.parametrize("relation, expected", [
    ("said", [
        (OFFICIAL.id, "We retook t", 1.0, "a", QCN),
        ("org:taliban", "The Islamic", 1.0, "b", QCN),
        ("person:jane-doe", "Profits are", 1.0, "b", QCN),
        ("person:tareq-arian", "The border ", 1.0, "a", f"{QC}; speaker.affiliation; speaker.alias"),
        ("person:zabihullah-mujahid", "It is merel", 2.0, "a; b", QCN),
        ("person:zabihullah-mujahid", "We hold the", 1.0, "b", QCN),
    ]),
    ("reported_in", [
        ("Bad bytes h", "doc:a", 1.0, "a", QCN),
        ("It is merel", "doc:a", 1.0, "a", QCN),
        ("It is merel", "doc:b", 1.0, "b", QCN),
        ("Profits are", "doc:b", 1.0, "b", QCN),
        ("The Islamic", "doc:b", 1.0, "b", QCN),
        ("The border ", "doc:a", 1.0, "a", f"{QC}; speaker.affiliation; speaker.alias"),
        ("We hold the", "doc:b", 1.0, "b", QCN),
        ("We retook t", "doc:a", 1.0, "a", QCN),
    ]),
    ("via", [
        ("It is merel", "outlet:reuters", 1.0, "a", QCN),
        ("It is merel", "outlet:sputnik", 1.0, "b", QCN),
        ("Profits are", "outlet:some-blog", 1.0, "b", QCN),
        ("The Islamic", "outlet:twitter", 1.0, "b", QCN),
        ("We retook t", "outlet:reuters", 1.0, "a", QCN),
    ]),
    ("affiliated_with", [
        # the speaker rules that found the speaker (issue 21: rule_ids was empty)
        (OFFICIAL.id, "org:afghan-government", 1.0, "a", "speaker.name"),
        ("person:jane-doe", "org:acme-corp", 1.0, "b", "speaker.name"),
        ("person:tareq-arian", "org:afghan-ministry-of-interior", 1.0, "a", "speaker.affiliation; speaker.alias"),
        # one per quote of the speaker: 3 quotes in 2 articles
        ("person:zabihullah-mujahid", "org:taliban", 3.0, "a; b", "speaker.name"),
    ]),
    ("part_of", [
        # no organisation rule: the speaker rule whose affiliation path gave the link
        ("org:acme-corp", "org:acme-holdings", 1.0, "b", "speaker.name"),
        # reached through Arian's path and through the official's affiliation completed from the rules
        ("org:afghan-government", "org:afghanistan", 2.0, "a", "org.afghan-government"),
        ("org:afghan-ministry-of-interior", "org:afghan-government", 1.0, "a", "org.afghan-interior-ministry"),
    ]),
])
def test_edges(graph, relation, expected):
    assert edge_rows(graph, relation) == expected


def test_every_edge_has_relation_weight_and_provenance(graph):
    assert graph.number_of_edges() == 6 + 8 + 5 + 4 + 3
    for u, v, d in graph.edges(data=True):
        assert set(d) == {"relation", "weight", "rule_ids", "doc_ids"}, (u, v)
        assert type(d["weight"]) is float and d["weight"] > 0 and math.isfinite(d["weight"])
        assert d["doc_ids"]
        assert d["doc_ids"].split("; ") == sorted(d["doc_ids"].split("; "))
        assert d["rule_ids"].split("; ") == sorted(d["rule_ids"].split("; "))


def test_every_node_has_label_and_type(graph):
    for n, d in graph.nodes(data=True):
        assert isinstance(d.get("label"), str) and d["label"].strip(), n
        assert d["category"] in {"speaker", "organisation", "claim", "article", "outlet"}, n
        assert len(d["label"]) <= 100 and "\n" not in d["label"]


def test_only_scalar_attributes_without_control_characters(graph):
    def check(value):
        assert type(value) in (str, int, float, bool), repr(value)
        if isinstance(value, str):
            assert not [c for c in value if ord(c) < 32 and c not in "\t\n\r"], repr(value)
    for n, d in graph.nodes(data=True):
        check(n)
        for v in d.values():
            check(v)
    for u, v, d in graph.edges(data=True):
        for value in d.values():
            check(value)
    for value in graph.graph.values():
        check(value)


def test_repeated_quotes_sum_weights(rules):
    results = [ArticleResult(Article(d, d, d), tuple(quote(d, 10 * i, "“Same words.”", MUJAHID, outlet="AP")
                                                     for i in range(3)), "builtin") for d in ("x", "y")]
    g = graph_from_run(quotes_of(results), infos(results), [], rules)
    (cid,) = [n for n, d in g.nodes(data=True) if d["category"] == "claim"]
    assert g.edges[MUJAHID.id, cid]["weight"] == 6.0
    assert g.edges[cid, "doc:x"]["weight"] == 3.0
    assert g.edges[cid, "outlet:ap"]["weight"] == 6.0
    assert g.edges[cid, "outlet:ap"]["doc_ids"] == "x; y"
    assert g.edges[MUJAHID.id, "org:taliban"]["weight"] == 6.0
    assert g.nodes[cid]["reports"] == 6 and g.nodes[cid]["articles"] == 2


def test_build_is_deterministic(rules):
    def build(results):
        g = graph_from_run(quotes_of(results), infos(results), [], rules)
        return list(g.nodes(data=True)), list(g.edges(data=True))
    first = build(corpus())
    assert build(corpus()) == first
    assert build(list(reversed(corpus()))) == first
    nodes, edges = first
    assert [n for n, _ in nodes] == sorted(n for n, _ in nodes)
    assert [(u, v) for u, v, _ in edges] == sorted((u, v) for u, v, _ in edges)


def test_empty_input(rules):
    g = graph_from_run([], infos([]), [], rules)
    assert g.number_of_nodes() == 0 and g.number_of_edges() == 0


@pytest.mark.parametrize("name, expected", [
    ("Afghan Ministry of Interior", "afghan-ministry-of-interior"),
    ("Taliban", "taliban"),
    ("U.S. government", "us-government"),
    ("Agence France-Presse", "agence-france-presse"),
    ("Émir  Ḫān", "emir-han"),
])
def test_slug(name, expected):
    assert slug(name) == expected
    assert org_id(name) == "org:" + expected


# -- stances: disputes and supports edges -----------------------------------------------------------------

from attrib.graph import VIEWS, article_outlet, graph_view  # noqa: E402
from attrib.model import ArticleInfo, Stance  # noqa: E402
from attrib.problems import AttribError  # noqa: E402

KAKAR = Speaker("person:arif-kakar", "Arif Kakar", SpeakerKind.PERSON, affiliation="Chaman local administration",
                affiliation_path=("Chaman local administration", "Pakistani government", "Pakistan"))


def stance_corpus() -> tuple[list[ResolvedAttribution], list[Stance]]:
    q = [quote("a", 100, "“Afghan forces retook the market,”", OFFICIAL),
         quote("a", 200, PROPAGANDA, MUJAHID),
         quote("a", 300, "“The Taliban hold the crossing,”", KAKAR),
         quote("a", 400, "“We hold the town,”", MUJAHID),
         quote("b", 10, "“The attack was repelled,”", ARIAN),
         quote("b", 90, "“Our side is sealed,”", KAKAR)]
    end = {(r.attribution.doc_id, r.attribution.start): r.attribution.end for r in q}
    s = [
        # named: "a baseless claim by the Kabul administration"
        Stance("a", 200, end["a", 200], "disputes", "Kabul administration", Span(210, 220, "propaganda"), 190, 260,
               "stance.rejecting-words"),
        # unnamed: answers the official's quote
        Stance("a", 400, end["a", 400], "disputes", None, Span(380, 398, "dismisses the claim"), 370, 430,
               "stance.rejects-the-claim", 100, end["a", 100]),
        # Kakar confirms the Taliban
        Stance("a", 300, end["a", 300], "supports", "Taliban", Span(290, 299, "confirmed"), 280, 340,
               "stance.confirmed"),
        Stance("b", 90, end["b", 90], "supports", "Taliban", Span(80, 89, "confirmed"), 70, 120, "stance.confirmed"),
        # Arian "disputes" his own government: same party, no edge
        Stance("b", 10, end["b", 10], "disputes", "Afghan government", Span(5, 9, "however"), 0, 60,
               "stance.insisted-however"),
        # a target nobody knows and no answered quote: no edge
        Stance("b", 10, end["b", 10], "disputes", "Somebody Unknown", Span(5, 9, "however"), 0, 60,
               "stance.insisted-however"),
    ]
    return q, s


@pytest.fixture(scope="module")
def stance_graph(rules) -> nx.DiGraph:
    q, s = stance_corpus()
    return graph_from_run(q, [], s, rules)


def stance_rows(g: nx.DiGraph) -> list[tuple]:
    return sorted((u, v, d["relation"], d["weight"], d["doc_ids"], d["rule_ids"], d["evidence"], d["sentences"])
                  for u, v, d in g.edges(data=True) if d["relation"] in ("disputes", "supports"))


def test_stance_edges_with_their_evidence(stance_graph):
    assert stance_rows(stance_graph) == [
        (KAKAR.id, "org:taliban", "supports", 2.0, "a; b", "stance.confirmed",
         'a:290-299 "confirmed"; b:80-89 "confirmed"', "a:280-340; b:70-120"),
        # the official is anonymous: the dispute goes to the organisation he speaks for
        (MUJAHID.id, "org:afghan-government", "disputes", 2.0, "a", "stance.rejecting-words; stance.rejects-the-claim",
         'a:210-220 "propaganda"; a:380-398 "dismisses the claim"', "a:190-260; a:370-430"),
    ]
    d = stance_graph.edges[MUJAHID.id, "org:afghan-government"]
    claims = d["claims"].split("; ")
    assert len(claims) == 2 and all(stance_graph.nodes[c]["category"] == "claim" for c in claims)
    assert stance_graph.nodes[d["answers"]]["text"] == "“Afghan forces retook the market,”"
    assert stance_graph.nodes["org:afghan-government"]["category"] == "organisation"


def test_stances_are_optional(rules):
    q, _ = stance_corpus()
    g = graph_from_run(q, [], [], rules)
    assert stance_rows(g) == []


# -- views ------------------------------------------------------------------------------------------------


def test_speakers_view(stance_graph):
    v = graph_view(stance_graph, "speakers")
    assert {d["category"] for _, d in v.nodes(data=True)} == {"speaker", "organisation"}
    assert set(v) == {OFFICIAL.id, MUJAHID.id, KAKAR.id, ARIAN.id, "org:taliban", "org:afghan-government"}
    rows = sorted((a, b, d["relation"], d["weight"], d["co_quoted"]) for a, b, d in v.edges(data=True))
    # co_quoted: from the smaller id to the larger, weighted by the articles both are quoted in
    assert rows == [
        (OFFICIAL.id, KAKAR.id, "co_quoted", 1.0, 1),
        (OFFICIAL.id, MUJAHID.id, "co_quoted", 1.0, 1),
        (KAKAR.id, "org:taliban", "supports", 2.0, 0),
        (KAKAR.id, ARIAN.id, "co_quoted", 1.0, 1),  # both quoted in b
        (KAKAR.id, MUJAHID.id, "co_quoted", 1.0, 1),
        (MUJAHID.id, "org:afghan-government", "disputes", 2.0, 0),
    ]


def test_affiliations_view(stance_graph):
    v = graph_view(stance_graph, "affiliations")
    assert all(d["category"] == "organisation" for _, d in v.nodes(data=True))
    assert v.nodes["org:taliban"]["quotes"] == 2 and v.nodes["org:taliban"]["speakers"] == 1  # Mujahid
    assert v.nodes["org:afghan-government"]["quotes"] == 1  # the official
    rows = sorted((a, b, d["relation"], d["weight"]) for a, b, d in v.edges(data=True))
    assert ("org:taliban", "org:afghan-government", "disputes", 2.0) in rows
    assert ("org:chaman-local-administration", "org:taliban", "supports", 2.0) in rows
    assert ("org:afghan-ministry-of-interior", "org:afghan-government", "part_of", 1.0) in rows
    assert ("org:afghan-government", "org:chaman-local-administration", "co_quoted", 1.0) in rows
    assert not any(a == b for a, b, _, _ in rows)


@pytest.mark.parametrize("view", VIEWS)
def test_view_of_a_store_is_the_view_of_its_full_graph(rules, stance_graph, view):
    """``view_of_store`` (``attrib export``) leaves the claims, articles and outlets out of its graph; the view is
    the same."""
    from attrib.graph import view_of_store
    from attrib.store import Store

    q, s = stance_corpus()
    store = Store.from_records(q, [], s)
    v, full = view_of_store(store, rules, view), graph_view(stance_graph, view)
    assert list(v.nodes(data=True)) == list(full.nodes(data=True))
    assert list(v.edges(data=True)) == list(full.edges(data=True))
    assert v.number_of_edges() > 0
    with pytest.raises(AttribError, match='unknown view "people"'):
        view_of_store(store, rules, "people")


def test_full_view_is_the_graph_and_unknown_view_is_an_error(stance_graph):
    assert graph_view(stance_graph, "full") is stance_graph
    assert VIEWS == ("full", "speakers", "affiliations")
    with pytest.raises(AttribError, match='unknown view "people"; expected one of: full, speakers, affiliations'):
        graph_view(stance_graph, "people")


# -- articles' outlets ------------------------------------------------------------------------------------


@pytest.mark.parametrize("title, meta, expected", [
    ("kayhan.ir", (), "kayhan.ir"),  # seeds/002: the first line is the site
    ("https://www.aljazeera.com/", (), "aljazeera.com"),
    ("Taliban claims to occupy key border crossings | Taliban News", (), None),
    ("Anything", (("outlet", "Al Jazeera"),), "Al Jazeera"),
    ("Anything", (("url", "https://www.reuters.com/world/asia/x"),), "reuters.com"),
    ("11.8 C", (), None),
])
def test_article_outlet(title, meta, expected):
    assert article_outlet(ArticleInfo("d", "d.txt", title, 10, 0, "builtin", meta)) == expected
