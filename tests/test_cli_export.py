"""`attrib export`: the seed run's graph (claims, reports, disputes) in every format and view, from a finished run."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from attrib.cli import attrib

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory) -> Path:
    """The real CLI run on seeds/ with the built-in annotator (a finished run folder)."""
    out = tmp_path_factory.mktemp("seeds") / "out"
    proc = subprocess.run([sys.executable, "-m", "attrib", "run", str(ROOT / "seeds"), "-o", str(out),
                           "--nlp", "builtin"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert (out / "stances.jsonl").is_file()
    return out


def export(run_dir: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(attrib, ["export", str(run_dir), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def seeds_graph(seeds_run, tmp_path_factory) -> nx.DiGraph:
    path = tmp_path_factory.mktemp("export") / "g.graphml"
    code, out, err = export(seeds_run, "-o", str(path))
    assert code == 0, err
    return nx.read_graphml(path)


def stance_edges(g: nx.DiGraph, relation: str) -> dict[tuple[str, str], dict]:
    return {(u, v): d for u, v, d in g.edges(data=True) if d["relation"] == relation}


def test_mujahid_and_the_taliban_dispute_the_afghan_government(seeds_graph):
    disputes = stance_edges(seeds_graph, "disputes")
    # seeds/000: "It is merely propaganda and a baseless claim by the Kabul administration"
    d = disputes["person:zabihullah-mujahid", "org:afghan-government"]
    assert d["doc_ids"] == "000_45f1571a1c99d061" and d["rule_ids"] == "stance.rejecting-words"
    assert '"propaganda"' in d["evidence"] and d["sentences"].startswith("000_45f1571a1c99d061:")
    # "... but the Taliban dismisses the claim, saying it still holds the town" (headline and lead)
    d = disputes["org:taliban", "org:afghan-government"]
    assert d["weight"] == 2.0 and '"dismisses the claim"' in d["evidence"]
    assert seeds_graph.nodes["org:afghan-government"]["label"] == "Afghan government"


def test_the_interior_ministry_and_the_afghan_authorities_dispute_the_taliban(seeds_graph):
    disputes = stance_edges(seeds_graph, "disputes")
    # seeds/002 and 004: "The Afghan interior ministry, however, insisted the attack had been repelled"
    d = disputes["org:afghan-ministry-of-interior", "org:taliban"]
    assert d["doc_ids"] == "002_a4add26dea42f1d9; 004_85d83919fbe1d626"
    assert d["rule_ids"] == "stance.insisted-however" and d["weight"] == 2.0
    # seeds/003: "Afghan authorities say Taliban's claims ... are untrue"
    assert '"untrue"' in disputes["org:afghan-government", "org:taliban"]["evidence"]
    # Arian speaks for the ministry, part of the Afghan government
    assert seeds_graph.edges["person:tareq-arian", "org:afghan-ministry-of-interior"]["relation"] == "affiliated_with"


def test_the_taliban_capture_claim_has_reports_in_several_outlets(seeds_graph):
    said = [v for v in seeds_graph.successors("org:taliban") if seeds_graph.nodes[v]["category"] == "claim"]
    capture = [c for c in said if "taken control" in seeds_graph.nodes[c]["text"]]
    assert len(capture) == 1
    node = seeds_graph.nodes[capture[0]]
    assert node["reports"] >= 2 and node["articles"] >= 2
    articles = sorted(v for v in seeds_graph.successors(capture[0]) if v.startswith("doc:"))
    assert articles == ["doc:002_a4add26dea42f1d9", "doc:003_c02c5443e40b19b0"]
    # Arian's words to AFP, translated twice (seeds/003 and 004), are one claim
    (arian,) = [v for v in seeds_graph.successors("person:tareq-arian") if seeds_graph.nodes[v]["category"] == "claim"]
    assert seeds_graph.nodes[arian]["reports"] == 2 and seeds_graph.nodes[arian]["outlets"] == "AFP"


def test_confirming_another_fact_supports_no_one(seeds_graph):
    # Kakar confirmed that Pakistan allows no one across the border: another fact than the Taliban's claim
    # to hold the crossing, so no "supports" edge (stance rules' same_claim); the disputes stay
    assert ("person:arif-kakar", "org:taliban") not in stance_edges(seeds_graph, "supports")
    assert stance_edges(seeds_graph, "disputes")


@pytest.mark.parametrize("fmt, view", [(f, v) for f in ("graphml", "gexf", "csv", "json")
                                       for v in ("full", "speakers", "affiliations")])
def test_every_format_and_view_reads_back_and_is_reproducible(seeds_run, tmp_path, fmt, view):
    paths = []
    for n in (1, 2):
        target = tmp_path / (f"out{n}" if fmt == "csv" else f"g{n}.{fmt}")
        code, out, err = export(seeds_run, "--format", fmt, "--view", view, "-o", str(target))
        assert code == 0 and err == "", err
        assert out.splitlines()[0].startswith("graph:  ") and f"(view {view})" in out
        paths.append([target / "nodes.csv", target / "edges.csv"] if fmt == "csv" else [target])
    for a, b in zip(*paths):
        assert a.read_bytes() == b.read_bytes()
    first = paths[0]
    if fmt == "graphml":
        g = nx.read_graphml(first[0])
    elif fmt == "gexf":
        g = nx.read_gexf(first[0])
        assert all("viz" in d for _, d in g.nodes(data=True))
    elif fmt == "json":
        g = nx.node_link_graph(json.loads(first[0].read_text(encoding="utf-8")), edges="edges")
    else:
        g = nx.DiGraph()
        with open(first[0], encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                g.add_node(row["Id"], label=row["Label"], category=row["category"])
        with open(first[1], encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                g.add_edge(row["Source"], row["Target"], weight=float(row["Weight"]), relation=row["relation"])
    assert g.number_of_nodes() > 0 and g.number_of_edges() > 0
    assert all(d.get("label") for _, d in g.nodes(data=True))
    assert all(d["weight"] > 0 for _, _, d in g.edges(data=True))
    types = {d["category"] for _, d in g.nodes(data=True)}
    if view == "affiliations":
        assert types == {"organisation"}
    elif view == "speakers":
        assert types <= {"speaker", "organisation"} and "speaker" in types
    else:
        assert types == {"speaker", "organisation", "claim", "article", "outlet"}


@pytest.mark.parametrize("make, message", [
    (lambda tmp: tmp / "missing", "{run}: no such file (make it with `attrib run INPUTS -o {run}`)"),
    (lambda tmp: (tmp / "empty").mkdir() or tmp / "empty",
     "{run}/quotes.jsonl: no such file (make it with `attrib run INPUTS -o {run}`)"),
    (lambda tmp: (tmp / "file.txt").write_text("x") and tmp / "file.txt",
     "{run}: not a run folder (expected the folder `attrib run -o` wrote)"),
])
def test_bad_run_dir_is_one_line_and_exit_1(tmp_path, make, message):
    run = make(tmp_path)
    code, out, err = export(run, "-o", str(tmp_path / "g.graphml"))
    assert (code, out) == (1, "")
    assert err == message.format(run=run) + "\n"
    assert not (tmp_path / "g.graphml").exists()


def test_broken_quotes_file_is_one_line(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "quotes.jsonl").write_text('{"doc_id": "a"}\n{not json\n', encoding="utf-8")
    code, _, err = export(run, "-o", str(tmp_path / "g.graphml"))
    assert code == 1 and len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"{run / 'quotes.jsonl'}:1:1: not a quote record")


def test_output_folder_missing_is_one_line(seeds_run, tmp_path):
    code, _, err = export(seeds_run, "-o", str(tmp_path / "nope" / "g.graphml"))
    assert (code, err) == (1, f"{tmp_path / 'nope'}: no such folder (for -o {tmp_path / 'nope' / 'g.graphml'})\n")


@pytest.mark.parametrize("fmt, target, written", [  # issue 19: -o follows what the path says
    ("graphml", "new/", ["new/graph.graphml"]),  # a folder not made yet: ends in "/"
    ("gexf", "new/", ["new/graph.gexf"]),
    ("csv", "x.csv", ["x.nodes.csv", "x.edges.csv"]),  # a file name: two files named after it
    ("csv", "new/", ["new/nodes.csv", "new/edges.csv"]),
    ("csv", "new", ["new/nodes.csv", "new/edges.csv"]),
    ("graphml", "g.graphml", ["g.graphml"]),
    ("quotes-csv", "new/", ["new/quotes.csv"]),
    ("quotes-csv", "q.csv", ["q.csv"]),
])
def test_output_path_is_taken_as_written(seeds_run, tmp_path, monkeypatch, fmt, target, written):
    monkeypatch.chdir(tmp_path)
    code, out, err = export(seeds_run, "--format", fmt, "-o", target)
    assert code == 0, err
    assert out.splitlines()[-1] == f"output: {', '.join(str(Path(w)) for w in written)}"
    made = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert made == sorted(str(Path(w)) for w in written)


def test_usage_errors_exit_2(seeds_run):
    for args in (["--format", "pdf", "-o", "x"], ["--view", "people", "-o", "x"], []):
        code, _, err = export(seeds_run, *args)
        assert code == 2 and "Usage:" in err


def test_a_run_without_stances_exports_without_stance_edges(seeds_run, tmp_path):
    old = tmp_path / "old"
    old.mkdir()
    (old / "quotes.jsonl").write_bytes((seeds_run / "quotes.jsonl").read_bytes())
    code, _, err = export(old, "-o", str(tmp_path / "g.graphml"))
    assert code == 0, err
    g = nx.read_graphml(tmp_path / "g.graphml")
    assert not stance_edges(g, "disputes")
    assert sum(d["category"] == "article" for _, d in g.nodes(data=True)) == 5  # from the quotes' doc_ids
