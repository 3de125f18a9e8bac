"""Graph exports that open as they are in Gephi, Gephi Lite and sigma.js (issue 21, part 3), read back with the
libraries that found each problem: networkx, Python's csv reader, and graphology's parsers in Node (those Gephi Lite
uses; tests/js, installed by `.ci/run` with npm; skipped only where Node is absent)."""
from __future__ import annotations

import csv
import itertools
import json
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from attrib.export import LIST_CAP
from attrib.palette import NO_COLOUR, OTHER_COLOUR, PALETTE, rgb

ROOT = Path(__file__).resolve().parents[1]
GOLDEN_RUN = ROOT / "fixtures" / "golden" / "run"
RULES = ("--no-default-rules", "--rules", str(ROOT / "fixtures" / "golden" / "rules"))
JS = ROOT / "tests" / "js"
#: an XSD NMTOKEN (GraphML's type of node ids): letters, digits, . - _ :
NMTOKEN = re.compile(r"[\w.:-]+")


def attrib(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "attrib", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def export(run: Path, fmt: str, out: Path, view: str = "full") -> Path:
    out.mkdir(parents=True, exist_ok=True)
    attrib("export", str(run), "--format", fmt, "--view", view, "-o", str(out), *RULES)
    return out


def graphology(fmt: str, path: Path) -> dict:
    """The export as graphology's parser (GEXF, GraphML) or ``Graph.from`` (graphology JSON) reads it."""
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed")
    assert (JS / "node_modules" / "graphology").is_dir(), "run `npm ci --prefix tests/js` (.ci/run does)"
    done = subprocess.run(["node", str(JS / "read_export.js"), fmt, str(path)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def lab(colour: str) -> tuple[float, float, float]:
    """sRGB ``#RRGGBB`` -> CIELAB (D65)."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(c / 255) for c in rgb(colour))
    xyz = ((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b,
           (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883)
    fx, fy, fz = (t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116 for t in xyz)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e76(a: str, b: str) -> float:
    """CIE76 ΔE: the Euclidean distance in CIELAB."""
    return math.dist(lab(a), lab(b))


# -- colours ------------------------------------------------------------------------------------------------------


def test_lab_of_known_colours():
    assert lab("#FFFFFF") == pytest.approx((100, 0, 0), abs=0.05)
    assert lab("#FF0000") == pytest.approx((53.24, 80.09, 67.20), abs=0.1)


def test_the_palette_is_well_separated():
    assert len(PALETTE) == 8
    for a, b in itertools.combinations(PALETTE, 2):
        assert delta_e76(a, b) >= 20, (a, b)
    for c in PALETTE:  # the neutral colours stand apart from the palette too
        assert delta_e76(c, OTHER_COLOUR) >= 20 and delta_e76(c, NO_COLOUR) >= 10


@pytest.mark.parametrize("fmt", ["gexf", "graphology"])
def test_the_most_quoted_top_affiliations_get_the_palette_in_every_view(fmt, tmp_path):
    """Same colour per top affiliation in the full graph and its views; the eight most quoted are ΔE >= 20 apart."""
    run = GOLDEN_RUN / "seeds"
    colours: dict[str, set[str]] = {}
    quotes: dict[str, int] = {}
    for view in ("full", "speakers", "affiliations"):
        out = export(run, fmt, tmp_path / view, view)
        if fmt == "gexf":
            g = nx.read_gexf(out / "graph.gexf")
            nodes = [(d, "#{:02X}{:02X}{:02X}".format(*(d["viz"]["color"][k] for k in "rgb")))
                     for _, d in g.nodes(data=True)]
        else:
            data = json.loads((out / "graph.graphology.json").read_text(encoding="utf-8"))
            nodes = [(n["attributes"], n["attributes"]["color"]) for n in data["nodes"]]
        for d, colour in nodes:
            top = d.get("top_affiliation") or ""
            colours.setdefault(top, set()).add(colour)
            if view == "full" and d.get("category") == "speaker":
                quotes[top] = quotes.get(top, 0) + int(d.get("quotes", 0))
    assert all(len(c) == 1 for c in colours.values()), colours
    ranked = sorted((t for t in quotes if t), key=lambda t: (-quotes[t], t))
    top8 = [colours[t].pop() for t in ranked[:8]]
    assert top8 == list(PALETTE[:len(top8)]) and len(top8) >= 4  # the seeds have 6
    for a, b in itertools.combinations(top8, 2):
        assert delta_e76(a, b) >= 20
    assert colours[""] == {NO_COLOUR}
    assert all(colours[t] == {OTHER_COLOUR} for t in ranked[8:])


def test_past_the_eighth_top_affiliation_the_colour_is_neutral():
    from attrib.export import node_colours

    g = nx.DiGraph()
    for i in range(10):  # top affiliation t0 is quoted most, t9 least
        g.add_node(f"s{i}", category="speaker", top_affiliation=f"t{i}", quotes=100 - i)
    g.add_node("o", category="organisation", top_affiliation="t9")
    g.add_node("a", category="article")
    colours = node_colours(g)
    assert [colours[f"s{i}"] for i in range(8)] == list(PALETTE)
    assert colours["s8"] == colours["s9"] == colours["o"] == OTHER_COLOUR and colours["a"] == NO_COLOUR


# -- capped listing attributes ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def copies_run(tmp_path_factory) -> Path:
    """A run of 60 copies of one seed article with long ids: its claims' edges list 60 doc ids (about 3,000
    characters)."""
    base = tmp_path_factory.mktemp("copies")
    text = (ROOT / "seeds" / "000_45f1571a1c99d061.txt").read_text(encoding="utf-8")
    with open(base / "copies.jsonl", "w", encoding="utf-8") as f:
        for i in range(60):
            f.write(json.dumps({"id": f"a-rather-long-document-identifier-{i:04d}", "text": text}) + "\n")
    attrib("run", str(base / "copies.jsonl"), "-o", str(base / "run"), "--nlp", "builtin", "--no-cache", "--quiet",
           *RULES)
    return base / "run"


def test_csv_cells_are_capped_and_python_csv_reads_them(copies_run, tmp_path):
    out = export(copies_run, "csv", tmp_path / "csv")
    capped = 0
    with open(out / "edges.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):  # the default field size limit
            for key in ("doc_ids", "rule_ids"):
                assert len(row[key]) <= LIST_CAP, (key, len(row[key]))
            if row["doc_ids"].endswith("(60 in all)"):
                capped += 1
                first = row["doc_ids"].split("; ")[:-1]
                assert first == sorted(first) and len(first) > 30
                assert all(d.startswith("a-rather-long-document-identifier-") for d in first)
    assert capped > 0
    # the run's JSON Lines keep every article
    docs = {json.loads(line)["doc_id"] for line in (copies_run / "quotes.jsonl").open(encoding="utf-8")}
    assert len(docs) == 60


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json", "graphology"])
def test_every_format_caps_listing_attributes(copies_run, tmp_path, fmt):
    out = export(copies_run, fmt, tmp_path / fmt)
    name = {"graphml": "graph.graphml", "gexf": "graph.gexf", "json": "graph.json",
            "graphology": "graph.graphology.json"}[fmt]
    if fmt == "graphml":
        edges = [d for _, _, d in nx.read_graphml(out / name).edges(data=True)]
    elif fmt == "gexf":
        edges = [d for _, _, d in nx.read_gexf(out / name).edges(data=True)]
    elif fmt == "json":
        edges = json.loads((out / name).read_text(encoding="utf-8"))["edges"]
    else:
        edges = [e["attributes"] for e in json.loads((out / name).read_text(encoding="utf-8"))["edges"]]
    assert max(len(d.get("doc_ids", "")) for d in edges) <= LIST_CAP
    assert any(d.get("doc_ids", "").endswith("(60 in all)") for d in edges)


# -- graphology, category, ids --------------------------------------------------------------------------------------


def test_graphology_export_loads_with_graph_from_and_agrees_with_networkx(tmp_path):
    run = GOLDEN_RUN / "seeds"
    g = nx.read_graphml(export(run, "graphml", tmp_path / "ml") / "graph.graphml")
    data = graphology("graphology", export(run, "graphology", tmp_path / "gy") / "graph.graphology.json")
    assert data["options"]["type"] == "directed"
    assert len(data["nodes"]) == g.number_of_nodes() and len(data["edges"]) == g.number_of_edges()
    by_key = {n["key"]: n["attributes"] for n in data["nodes"]}
    assert set(by_key) == set(g.nodes)
    for n, d in g.nodes(data=True):
        attrs = by_key[n]
        assert {k: attrs[k] for k in d} == d, n  # every attribute as GraphML has it
        # what sigma.js draws
        assert isinstance(attrs["x"], (int, float)) and isinstance(attrs["y"], (int, float))
        assert attrs["size"] >= 5 and re.fullmatch(r"#[0-9A-F]{6}", attrs["color"]) and attrs["label"]
    assert {(e["source"], e["target"]) for e in data["edges"]} == set(g.edges)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graphology_parsers_read_category_not_type(fmt, tmp_path):
    """sigma.js takes a node's ``type`` for its renderer: the node class is ``category`` (read_export.js fails on
    a ``type``)."""
    path = export(GOLDEN_RUN / "seeds", fmt, tmp_path) / f"graph.{fmt}"
    data = graphology(fmt, path)
    categories = {n["attributes"]["category"] for n in data["nodes"]}
    assert categories == {"speaker", "organisation", "claim", "article", "outlet"}
    back = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    assert len(data["nodes"]) == back.number_of_nodes() and len(data["edges"]) == back.number_of_edges()
    assert all("type" not in d for _, d in back.nodes(data=True))


def test_csv_has_category(tmp_path):
    out = export(GOLDEN_RUN / "seeds", "csv", tmp_path)
    with open(out / "nodes.csv", encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert "category" in header and "type" not in header


def test_ids_from_file_names_are_nmtokens(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ROOT / "seeds" / "000_45f1571a1c99d061.txt", corpus / "a b&c<d.txt")
    attrib("run", str(corpus), "-o", str(tmp_path / "run"), "--nlp", "builtin", "--no-cache", "--quiet", *RULES)
    for path in (tmp_path / "run" / "graph.graphml", export(tmp_path / "run", "graphml", tmp_path / "x") /
                 "graph.graphml"):
        g = nx.read_graphml(path)
        assert g.number_of_nodes() > 10
        for n in g:
            assert NMTOKEN.fullmatch(n), n
        for u, v in g.edges:
            assert NMTOKEN.fullmatch(u) and NMTOKEN.fullmatch(v)
        (article,) = [n for n, d in g.nodes(data=True) if d["category"] == "article"]
        assert g.nodes[article]["doc_id"] == "a b&c<d" == g.nodes[article]["original_id"][len("doc:"):]
        anon = [d["original_id"] for n, d in g.nodes(data=True) if n.startswith("anon:")]
        assert anon and all(i.startswith("anon:a b&c<d:") for i in anon)
        data = graphology("graphml", path)
        assert {n["key"] for n in data["nodes"]} == set(g.nodes)


def test_affiliated_with_edges_name_their_rules(tmp_path):
    g = nx.read_graphml(GOLDEN_RUN / "seeds" / "graph.graphml")
    affiliated = [d for _, _, d in g.edges(data=True) if d["relation"] == "affiliated_with"]
    assert len(affiliated) >= 10
    for d in affiliated:
        ids = d["rule_ids"].split("; ")
        assert ids and all(r.startswith(("speaker.", "affiliation.")) for r in ids), d


# -- dynamic GEXF -----------------------------------------------------------------------------------------------------


def test_dated_articles_make_a_dynamic_gexf(tmp_path):
    """fixtures/inputs/wire.jsonl's articles carry dates: each claim, report and edge starts at its first article's."""
    path = export(GOLDEN_RUN / "inputs", "gexf", tmp_path) / "graph.gexf"
    assert 'mode="dynamic" timeformat="date"' in path.read_text(encoding="utf-8")
    g = nx.read_gexf(path)
    assert g.graph["mode"] == "dynamic"
    dates = {d["doc_id"]: d["start"] for _, d in g.nodes(data=True) if d["category"] == "article" and "start" in d}
    assert dates == {"wire-001": "2024-03-01", "wire-002": "2024-03-02", "wire-003": "2024-03-03"}
    claims = 0
    for n, d in g.nodes(data=True):
        if d["category"] != "claim":
            continue
        reported = [g.nodes[v]["doc_id"] for v in g.successors(n) if g.edges[n, v]["relation"] == "reported_in"]
        dated = [dates[doc] for doc in reported if doc in dates]
        assert d.get("start") == (min(dated) if dated else None), n
        claims += bool(dated)
        for v in g.successors(n):  # a report (reported_in) starts with its article
            if g.edges[n, v]["relation"] == "reported_in" and g.nodes[v]["doc_id"] in dates:
                assert g.edges[n, v]["start"] == dates[g.nodes[v]["doc_id"]]
    assert claims >= 4
    for u, v, d in g.edges(data=True):  # an edge starts no earlier than its two nodes
        if "start" in d:
            assert g.nodes[u]["start"] <= d["start"] and g.nodes[v]["start"] <= d["start"]
    # graphology-gexf (Gephi Lite) has no timeline: the same date is the attribute first_seen
    data = graphology("gexf", path)
    seen = {n["key"]: n["attributes"].get("first_seen") for n in data["nodes"]}
    assert seen == {n: d.get("start") for n, d in g.nodes(data=True)}


def test_undated_articles_make_a_static_gexf(tmp_path):
    path = export(GOLDEN_RUN / "seeds", "gexf", tmp_path) / "graph.gexf"
    g = nx.read_gexf(path)
    assert g.graph["mode"] == "static" and not any("start" in d for _, d in g.nodes(data=True))
