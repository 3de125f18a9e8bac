"""Stage 8: quotes.jsonl records, GraphML and node-link JSON files, written atomically and reproducibly."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from attrib import export
from attrib.export import write_graphml, write_json
from attrib.rundir import quote_record, write_quote_records
from attrib.graph import graph_from_run
from attrib.model import (Article, ArticleResult, Attribution, Cue, QuoteType, ResolvedAttribution, Span,
                          Speaker, SpeakerKind)
from attrib.ruleset import load_ruleset
from sample_speakers import ARIAN, MUJAHID, infos, quotes_of

OFFICIAL = Speaker("anon:a:1", "a senior official", SpeakerKind.ANONYMOUS)

QUOTE_KEYS = ["doc_id", "id", "text", "start", "end", "type", "cue", "speaker", "outlet", "rule"]
SPEAKER_KEYS = ["id", "name", "mention", "start", "end", "kind", "role", "affiliation", "affiliations"]


def quote(doc_id: str, start: int, text: str, speaker: Speaker | None, *, outlet: str | None = None,
          type: QuoteType = QuoteType.DIRECT, cue: bool = True, mention: Span | None = Span(0, 2, "He"),
          rule_ids: tuple[str, ...] = ("quote.curly-double", "cue.reporting-verbs"),
          resolution: tuple[str, ...] = ("speaker.pronoun",)) -> ResolvedAttribution:
    end = start + len(text)
    c = Cue(end + 1, end + 5, "said", "say", "cue.reporting-verbs") if cue else None
    a = Attribution(doc_id, start, end, text, type, c, mention, outlet, rule_ids)
    return ResolvedAttribution(a, speaker, mention, resolution)


def corpus() -> list[ArticleResult]:
    return [
        ArticleResult(Article("b", "b.txt", "Taliban say crossing held\nBody"), (
            quote("b", 80, "“Kabul’s claim is propaganda,”", MUJAHID, outlet="Reuters"),
            quote("b", 12, "“Nous tenons la ville,”", MUJAHID, mention=Span(0, 7, "Mujahid")),
        ), "builtin"),
        ArticleResult(Article("a", "a.txt", "Afghan gov’t says crossing retaken\x0b\nBody"), (
            quote("a", 300, "that the crossing was retaken", ARIAN, type=QuoteType.INDIRECT, cue=False),
            quote("a", 40, "“No\x00 comment”", None),
            quote("a", 40, "“No comment” indeed", OFFICIAL, type=QuoteType.MIXED),
        ), "builtin"),
    ]


@pytest.fixture(scope="module")
def rules():
    return load_ruleset()


@pytest.fixture
def graph(rules) -> nx.DiGraph:
    results = corpus()
    return graph_from_run(quotes_of(results), infos(results), [], rules)


# -- quote records ------------------------------------------------------------------------


def test_quote_record_full():
    ra = quote("doc-1", 10, "“It is merely propaganda,”", ARIAN, outlet="Reuters",
               resolution=("speaker.pronoun", "cue.reporting-verbs", "speaker.affiliation"))
    rec = quote_record(ra)
    assert list(rec) == QUOTE_KEYS
    assert list(rec["speaker"]) == SPEAKER_KEYS
    assert rec == {
        "doc_id": "doc-1", "id": "doc-1:10-36", "text": "“It is merely propaganda,”", "start": 10, "end": 36,
        "type": "direct", "cue": {"text": "said", "lemma": "say", "class": "speech", "start": 37, "end": 41},
        "speaker": {"id": "person:tareq-arian", "name": "Tareq Arian", "mention": "He", "start": 0, "end": 2,
                    "kind": "person", "role": "spokesman", "affiliation": "Afghan Ministry of Interior",
                    "affiliations": ["Afghan Ministry of Interior", "Afghan government", "Afghanistan"]},
        "outlet": "Reuters",
        # rule ids deduplicated, first occurrence kept
        "rule": "quote.curly-double+cue.reporting-verbs+speaker.pronoun+speaker.affiliation"}
    assert json.loads(json.dumps(rec)) == rec


@pytest.mark.parametrize("qtype, expected", [
    (QuoteType.DIRECT, "direct"), (QuoteType.INDIRECT, "indirect"), (QuoteType.MIXED, "mixed")])
def test_quote_record_type(qtype, expected):
    assert quote_record(quote("d", 0, "x", MUJAHID, type=qtype))["type"] == expected


def test_quote_record_without_speaker_or_cue():
    rec = quote_record(quote("d", 5, "“Hi”", None, cue=False, rule_ids=("quote.curly-double",), resolution=()))
    assert list(rec) == QUOTE_KEYS
    assert (rec["cue"], rec["speaker"], rec["outlet"], rec["rule"]) == (None, None, None, "quote.curly-double")


def test_quote_record_speaker_without_mention():
    rec = quote_record(quote("d", 5, "“Hi”", OFFICIAL, mention=None))
    assert rec["speaker"] == {"id": "anon:a:1", "name": "a senior official", "mention": None, "start": None,
                              "end": None, "kind": "anonymous", "role": None, "affiliation": None,
                              "affiliations": []}


def test_write_quotes_order_and_shape(tmp_path):
    path = tmp_path / "quotes.jsonl"
    assert write_quote_records(quotes_of(corpus()), path) == 5
    raw = path.read_bytes()
    assert raw.endswith(b"\n") and b"\r" not in raw
    text = raw.decode("utf-8")
    assert "“Kabul’s claim" in text  # ensure_ascii off
    lines = text.splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == ["a:40-53", "a:40-59", "a:300-329", "b:12-35", "b:80-110"]
    assert all(list(r) == QUOTE_KEYS for r in records)
    assert [r["type"] for r in records] == ["direct", "mixed", "indirect", "direct", "direct"]
    assert [r["speaker"] and r["speaker"]["id"] for r in records] == [
        None, "anon:a:1", "person:tareq-arian", "person:zabihullah-mujahid", "person:zabihullah-mujahid"]
    assert records[3]["speaker"]["mention"] == "Mujahid"


def test_write_quotes_empty(tmp_path):
    path = tmp_path / "quotes.jsonl"
    assert write_quote_records([], path) == 0
    assert path.read_bytes() == b""


# -- GraphML -------------------------------------------------------------------------------


def test_graphml_round_trip(graph, tmp_path):
    path = tmp_path / "graph.graphml"
    write_graphml(graph, path)
    back = nx.read_graphml(path)
    assert back.is_directed()
    assert list(back.nodes) == list(graph.nodes)
    assert sorted(back.edges) == sorted(graph.edges)
    assert {n: d for n, d in back.nodes(data=True)} == {n: d for n, d in graph.nodes(data=True)}
    for u, v, d in graph.edges(data=True):
        assert back.edges[u, v] == d
        assert type(back.edges[u, v]["weight"]) is float
    assert {d["label"] for _, d in back.nodes(data=True)} >= {"Zabihullah Mujahid", "Taliban say crossing held"}


def test_graphml_is_valid_xml_with_named_keys(graph, tmp_path):
    path = tmp_path / "graph.graphml"
    write_graphml(graph, path)
    root = ET.parse(path).getroot()  # control characters in the input would make this fail
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    keys = {(k.get("for"), k.get("id")) for k in root.findall("g:key", ns)}
    assert ("node", "label") in keys and ("edge", "weight") in keys
    assert all(k.get("id") == k.get("attr.name") for k in root.findall("g:key", ns))
    # one key per attribute name and domain (an int weight beside a float one would make two)
    assert len(keys) == len(root.findall("g:key", ns))


def test_graphml_is_byte_identical(rules, tmp_path):
    def build():
        results = corpus()
        return graph_from_run(quotes_of(results), infos(results), [], rules)
    write_graphml(build(), tmp_path / "one.graphml")
    write_graphml(build(), tmp_path / "two.graphml")
    write_graphml(build(), tmp_path / "two.graphml")  # overwriting gives the same bytes too
    assert (tmp_path / "one.graphml").read_bytes() == (tmp_path / "two.graphml").read_bytes()


def test_graphml_from_records_is_the_graphs_and_records_are_the_graph(rules, tmp_path):
    """``attrib run`` writes GraphML from the builder's records, the API from networkx's graph: one file."""
    from attrib.graph import graph_from_run, graph_records
    from attrib.store import Store

    results = corpus()
    store = Store.from_records(quotes_of(results), infos(results))
    records, g = graph_records(store, rules), graph_from_run(quotes_of(results), infos(results), (), rules)
    assert records.nodes(data=True) == list(g.nodes(data=True))
    assert records.edges(data=True) == list(g.edges(data=True))
    assert nx.utils.graphs_equal(records.to_networkx(), g)
    write_graphml(records, tmp_path / "records.graphml")
    write_graphml(g, tmp_path / "graph.graphml")
    assert (tmp_path / "records.graphml").read_bytes() == (tmp_path / "graph.graphml").read_bytes()


def test_records_add_missing_edge_ends_bare_as_networkx_does():
    from attrib.graph import GraphRecords

    g = GraphRecords()
    g.add_node("a", {"label": "A"})
    g.add_edge("a", "b", {"weight": 1.0})
    g.add_node("a", {"type": "x"})
    assert g.nodes(data=True) == [("a", {"label": "A", "type": "x"}), ("b", {})]
    assert list(g.to_networkx().nodes(data=True)) == g.nodes(data=True)
    assert g.edges() == [("a", "b")]


def test_json_round_trip_and_bytes(graph, tmp_path):
    write_json(graph, tmp_path / "one.json")
    write_json(graph, tmp_path / "two.json")
    raw = (tmp_path / "one.json").read_bytes()
    assert raw == (tmp_path / "two.json").read_bytes()
    data = json.loads(raw)
    assert data["directed"] is True
    assert [n["id"] for n in data["nodes"]] == list(graph.nodes)
    back = nx.node_link_graph(data, edges="edges")
    assert dict(back.nodes(data=True)) == dict(graph.nodes(data=True))
    assert sorted(back.edges(data=True)) == sorted(graph.edges(data=True))


# -- atomic writes ---------------------------------------------------------------------------


def _fail_graphml(monkeypatch):
    real = export._q
    calls = []

    def broken(value):  # fails halfway through the nodes, after the head of the file is written
        calls.append(1)
        if len(calls) > 5:
            raise OSError("disk full")
        return real(value)
    monkeypatch.setattr(export, "_q", broken)


def _fail_gexf(monkeypatch):
    monkeypatch.setattr(export, "_text_plain", lambda v: (_ for _ in ()).throw(OSError("disk full")))


def _fail_json_dumps(monkeypatch):
    real = json.dumps
    calls = []

    def broken(*a, **kw):
        calls.append(1)
        if len(calls) > 1:
            raise OSError("disk full")
        return real(*a, **kw)
    monkeypatch.setattr(export.json, "dumps", broken)


@pytest.mark.parametrize("write, name, fail", [
    (lambda g, p: write_graphml(g, p), "graph.graphml", _fail_graphml),
    (lambda g, p: export.write_gexf(g, p), "graph.gexf", _fail_gexf),
    (lambda g, p: write_quote_records(quotes_of(corpus()), p), "quotes.jsonl", _fail_json_dumps),
    (lambda g, p: write_json(g, p), "graph.json",
     lambda mp: mp.setattr(export.json, "dumps", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full")))),
])
@pytest.mark.parametrize("existing", [None, b"previous run\n"])
def test_failed_write_leaves_no_partial_file(graph, tmp_path, monkeypatch, write, name, fail, existing):
    path = tmp_path / name
    if existing is not None:
        path.write_bytes(existing)
    fail(monkeypatch)
    with pytest.raises(OSError, match="disk full"):
        write(graph, path)
    if existing is None:
        assert not path.exists()
    else:
        assert path.read_bytes() == existing
    assert sorted(p.name for p in tmp_path.iterdir()) == ([name] if existing else [])


def test_unwritable_attribute_leaves_no_file(tmp_path):
    g = nx.DiGraph()
    g.add_node("x", label="x", tags=["a", "b"])  # a list: GraphML cannot hold it
    path = tmp_path / "bad.graphml"
    with pytest.raises(TypeError, match="attribute 'tags' has a list value"):
        write_graphml(g, path)
    assert list(tmp_path.iterdir()) == []


def test_one_attribute_one_type(tmp_path):
    g = nx.DiGraph()
    g.add_edge("a", "b", weight=1)
    g.add_edge("b", "c", weight=1.0)  # an int weight beside a float one would make two keys
    with pytest.raises(TypeError, match="attribute 'weight' is both int and float"):
        write_graphml(g, tmp_path / "g.graphml")


def test_written_file_has_the_mode_of_an_ordinary_file(graph, tmp_path):
    path = tmp_path / "graph.graphml"
    write_graphml(graph, path)
    ordinary = tmp_path / "ordinary.txt"
    ordinary.write_text("x")
    # the umask applies, not the 0600 of a bare temporary file
    assert path.stat().st_mode == ordinary.stat().st_mode


# -- GraphML as networkx writes it, GEXF, CSV, views, files ------------------------------------------------

import csv as csv_mod  # noqa: E402

from attrib.export import (FORMATS, node_colours, node_size, write_csv, write_gexf,  # noqa: E402
                           write_graph_files)
from attrib.palette import NO_COLOUR, PALETTE, rgb  # noqa: E402
from attrib.graph import graph_view  # noqa: E402

TRICKY = "a \"quoted\" <b> & c\nline two\ttab"


@pytest.fixture
def tricky(graph) -> nx.DiGraph:
    g = graph.copy()
    g.add_node("odd\"<&>", label=TRICKY, category="speaker", quotes=2, flag=True, top_affiliation="Taliban")
    g.add_edge("odd\"<&>", "doc:a", relation="said", weight=2.5, rule_ids=TRICKY, doc_ids="a")
    return g


def test_graphml_reads_back_as_networkx_own_graphml(tricky, tmp_path):
    write_graphml(tricky, tmp_path / "ours.graphml")
    nx.write_graphml(tricky, tmp_path / "nx.graphml", named_key_ids=True)
    ours, theirs = nx.read_graphml(tmp_path / "ours.graphml"), nx.read_graphml(tmp_path / "nx.graphml")
    assert dict(ours.nodes(data=True)) == dict(theirs.nodes(data=True)) == dict(tricky.nodes(data=True))
    assert sorted(ours.edges(data=True)) == sorted(theirs.edges(data=True)) == sorted(tricky.edges(data=True))


def test_gexf_round_trip_with_viz(tricky, tmp_path):
    path = tmp_path / "graph.gexf"
    write_gexf(tricky, path)
    back = nx.read_gexf(path)
    assert back.is_directed()
    assert sorted(back.nodes) == sorted(tricky.nodes)
    for n, d in tricky.nodes(data=True):
        got = dict(back.nodes[n])
        viz = got.pop("viz")
        assert got == d
        assert got["label"].strip()
        assert set(viz["position"]) == {"x", "y", "z"} and viz["position"]["z"] == 0.0
        assert viz["size"] == node_size(d) >= 5.0
        colour = (viz["color"]["r"], viz["color"]["g"], viz["color"]["b"])
        assert colour == rgb(node_colours(tricky)[n])
    for u, v, d in tricky.edges(data=True):
        got = dict(back.edges[u, v])
        assert got.pop("label") == d["relation"]
        got.pop("id")
        assert got == d and type(got["weight"]) is float
    raw = path.read_text(encoding="utf-8")
    assert "lastmodifieddate" not in raw and raw.startswith("<?xml")


def test_colours_are_stable_per_top_level_affiliation(tricky, tmp_path):
    colours = node_colours(tricky)
    by_top = {}
    for n, d in tricky.nodes(data=True):
        by_top.setdefault(d.get("top_affiliation"), set()).add(colours[n])
    assert all(len(c) == 1 for c in by_top.values())  # one colour per top affiliation
    assert by_top[None] == {NO_COLOUR}
    assert {c for top, (c,) in by_top.items() if top} <= set(PALETTE)
    write_gexf(tricky, tmp_path / "g.gexf")
    back = nx.read_gexf(tmp_path / "g.gexf")
    taliban = {(d["viz"]["color"]["r"], d["viz"]["color"]["g"], d["viz"]["color"]["b"])
               for _, d in back.nodes(data=True) if d.get("top_affiliation") == "Taliban"}
    assert taliban == {rgb(*by_top["Taliban"])}


def read_csv_graph(nodes_path, edges_path) -> nx.DiGraph:
    g = nx.DiGraph()
    with open(nodes_path, encoding="utf-8", newline="") as f:
        for row in csv_mod.DictReader(f):
            g.add_node(row.pop("Id"), label=row.pop("Label"), **{k: v for k, v in row.items() if v != ""})
    with open(edges_path, encoding="utf-8", newline="") as f:
        for row in csv_mod.DictReader(f):
            assert row.pop("Type") == "Directed"
            assert row.pop("Label") == row["relation"]
            g.add_edge(row.pop("Source"), row.pop("Target"), weight=float(row.pop("Weight")),
                       **{k: v for k, v in row.items() if v != ""})
    return g


def test_csv_round_trip_with_gephi_columns(tricky, tmp_path):
    write_csv(tricky, tmp_path / "nodes.csv", tmp_path / "edges.csv")
    with open(tmp_path / "nodes.csv", encoding="utf-8", newline="") as f:
        header = next(csv_mod.reader(f))
    assert header[:2] == ["Id", "Label"] and header[2:] == sorted(header[2:])
    with open(tmp_path / "edges.csv", encoding="utf-8", newline="") as f:
        assert next(csv_mod.reader(f))[:5] == ["Source", "Target", "Type", "Weight", "Label"]
    back = read_csv_graph(tmp_path / "nodes.csv", tmp_path / "edges.csv")
    as_text = {n: {k: (str(v).lower() if isinstance(v, bool) else str(v)) for k, v in d.items()}
               for n, d in tricky.nodes(data=True)}
    assert dict(back.nodes(data=True)) == as_text
    for u, v, d in tricky.edges(data=True):  # an empty text is an empty cell, read back as no value
        assert back.edges[u, v] == {k: (x if k == "weight" else str(x)) for k, x in d.items() if x != ""}


@pytest.mark.parametrize("view", ["full", "speakers", "affiliations"])
def test_every_format_of_every_view_is_written_twice_byte_identical(rules, tmp_path, view):
    def build():
        results = corpus()
        return graph_from_run(quotes_of(results), infos(results), [], rules)
    formats = ["graphml", "gexf", "csv", "json", "graphology"]
    one = write_graph_files(build(), formats, tmp_path / "one", view)
    two = write_graph_files(build(), formats, tmp_path / "two", view)
    suffix = "" if view == "full" else f".{view}"
    assert [p.name for p in one] == [f"graph{suffix}.graphml", f"graph{suffix}.gexf", f"nodes{suffix}.csv",
                                     f"edges{suffix}.csv", f"graph{suffix}.json", f"graph{suffix}.graphology.json"]
    for a, b in zip(one, two):
        assert a.read_bytes() == b.read_bytes(), a.name
    g = graph_view(build(), view)
    assert nx.read_graphml(one[0]).number_of_nodes() == g.number_of_nodes()
    assert nx.read_gexf(one[1]).number_of_edges() == g.number_of_edges()
    assert read_csv_graph(one[2], one[3]).number_of_edges() == g.number_of_edges()
    data = json.loads(one[4].read_bytes())
    assert nx.node_link_graph(data, edges="edges").number_of_nodes() == g.number_of_nodes()
    data = json.loads(one[5].read_bytes())
    assert (len(data["nodes"]), len(data["edges"])) == (g.number_of_nodes(), g.number_of_edges())
    assert set(FORMATS) == set(formats)


def test_keys_nodes_and_edges_share(tmp_path):
    """An edge key that is also a node key has its own id."""
    g = nx.DiGraph()
    g.add_node("a", weight=2, label="A")
    g.add_node("b", label="B <&> weight")
    g.add_edge("a", "b", weight=1.5, label='<data key="weight">')  # a value that looks like the tag stays as it is
    write_graphml(g, tmp_path / "one.graphml")
    text = (tmp_path / "one.graphml").read_text(encoding="utf-8")
    assert '<data key="edge_weight">1.5</data><data key="edge_label">&lt;data key="weight"&gt;</data>' in text
    back = nx.read_graphml(tmp_path / "one.graphml")
    assert list(back.nodes(data=True)) == list(g.nodes(data=True))
    assert list(back.edges(data=True)) == list(g.edges(data=True))


# -- issue 21: capped listing attributes, NMTOKEN ids, article dates


def test_capped_keeps_the_first_items_and_a_count():
    from attrib.export import LIST_CAP, capped, capped_value

    ids = [f"doc-{i:05d}" for i in range(1000)]
    text = "; ".join(ids)
    out = capped(text)
    assert len(text) > LIST_CAP >= len(out) > LIST_CAP - 20
    *first, tail = out.split("; ")
    assert first == ids[:len(first)] and tail == "… (1,000 in all)"
    assert capped("a; b") == "a; b"
    assert capped_value("doc_ids", text) == out and capped_value("text", text) == text  # only listing attributes


@pytest.mark.parametrize("nid", ["doc:a b&c<d", "anon:a b&c<d:1", "doc:x\x0by", "doc:", "doc:a_b_c_d"])
def test_node_ids_are_nmtokens_and_stay_apart(nid):
    from attrib.graph import _node_id

    out = _node_id(nid)
    assert re.fullmatch(r"[\w.:-]+", out)
    assert (out == nid) == bool(re.fullmatch(r"[\w.:-]+", nid))
    assert _node_id("doc:a b&c<d") != _node_id("doc:a_b_c<d") != _node_id("doc:a_b_c_d")


@pytest.mark.parametrize("date, expected", [("2024-03-01", "2024-03-01"), ("2024-03-01T10:00:00Z", "2024-03-01"),
                                            (" 2024-03-01 ", "2024-03-01"), ("March 1, 2024", None),
                                            ("20240301", None), (None, None)])
def test_article_date(date, expected):
    from attrib.graph import article_date
    from attrib.model import ArticleInfo

    meta = (("date", date),) if date is not None else ()
    assert article_date(ArticleInfo("d", "d.txt", "", 1, 0, "builtin", meta)) == expected
