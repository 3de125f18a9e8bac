"""End to end: `python -m attrib run seeds/ --nlp builtin` as a subprocess, then its quotes, scores and graph."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from attrib.evaluate import predictions_from_quotes, read_jsonl, score

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"
GOLD = REPO / "fixtures" / "seeds" / "gold.jsonl"
DOC_000 = "000_45f1571a1c99d061"
# what the built-in annotator reaches on the seeds (overlap F1 0.9846, speaker accuracy 0.9375, end-to-end
# F1 0.9231 when these were set); the floor is 0.9 and 0.9. Raise these when the figures rise.
MIN_OVERLAP_F1 = 0.98
MIN_SPEAKER_ACCURACY = 0.93
MIN_END_TO_END_F1 = 0.92


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("out")
    proc = subprocess.run([sys.executable, "-m", "attrib", "run", "seeds/", "-o", str(out), "--nlp", "builtin"],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return out, proc


@pytest.fixture(scope="module")
def records(run) -> list[dict]:
    out, _ = run
    return read_jsonl(out / "quotes.jsonl")


@pytest.fixture(scope="module")
def articles() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


def by_speaker(records: list[dict], speaker_id: str) -> list[dict]:
    return [r for r in records if r["speaker"] and r["speaker"]["id"] == speaker_id]


def test_run_writes_its_files_and_a_summary(run) -> None:
    out, proc = run
    assert sorted(p.name for p in out.iterdir()) == ["articles.jsonl", "graph.graphml", "merges.jsonl",
                                                     "problems.jsonl", "quotes.csv", "quotes.jsonl",
                                                     "stances.jsonl", "texts.jsonl.gz"]
    assert "articles: 5 read, 0 skipped" in proc.stdout
    assert "built-in" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_every_record_points_at_its_article_text(records: list[dict], articles: dict[str, str]) -> None:
    assert {r["doc_id"] for r in records} == set(articles)
    for r in records:
        text = articles[r["doc_id"]]
        assert text[r["start"]:r["end"]] == r["text"], r["id"]
        assert r["id"] == f'{r["doc_id"]}:{r["start"]}-{r["end"]}'
        if r["cue"]:
            assert text[r["cue"]["start"]:r["cue"]["end"]] == r["cue"]["text"]
        sp = r["speaker"]
        if sp and sp["mention"] is not None:
            assert text[sp["start"]:sp["end"]] == sp["mention"]
    keys = [(r["doc_id"], r["start"], r["end"]) for r in records]
    assert keys == sorted(keys)


def test_mujahid(records: list[dict]) -> None:
    quotes = by_speaker(records, "person:zabihullah-mujahid")
    assert len({r["doc_id"] for r in quotes}) >= 3  # he speaks in 000, 001 and 004
    assert all(r["speaker"]["name"] == "Zabihullah Mujahid" and r["speaker"]["affiliation"] == "Taliban"
               and r["speaker"]["kind"] == "person" for r in quotes)
    texts = {r["text"] for r in quotes}
    assert "“It is merely propaganda and a baseless claim by the Kabul administration,”" in texts
    assert "his forces still held the border post" in texts


def test_he_told_reuters_is_mujahid(records: list[dict]) -> None:
    (rec,) = [r for r in records if r["doc_id"] == DOC_000 and r["text"].startswith("“It is merely propaganda")]
    assert rec["type"] == "direct"
    assert (rec["speaker"]["mention"], rec["speaker"]["name"]) == ("he", "Zabihullah Mujahid")
    assert rec["cue"]["text"] == "told" and rec["outlet"] == "Reuters"


def test_tareq_and_tarek_arian_are_one_speaker(records: list[dict]) -> None:
    quotes = by_speaker(records, "person:tareq-arian")
    mentions = {r["speaker"]["mention"].split(",")[0] for r in quotes}
    assert {"Interior Ministry spokesperson Tareq Arian", "Tarek Arian"} <= mentions
    assert {r["doc_id"] for r in quotes} == {"003_c02c5443e40b19b0", "004_85d83919fbe1d626"}
    for r in quotes:
        assert r["speaker"]["name"] == "Tareq Arian"
        assert r["speaker"]["affiliation"] == "Afghan Ministry of Interior"
        assert "Afghan government" in r["speaker"]["affiliations"]


def test_arif_kakar(records: list[dict]) -> None:
    quotes = by_speaker(records, "person:arif-kakar")
    assert len(quotes) == 4  # a direct and an indirect quote in each of 002 and 004
    for r in quotes:
        assert r["speaker"]["name"] == "Arif Kakar"
        assert r["speaker"]["affiliation"] == "Chaman local administration"
        assert r["speaker"]["affiliations"][-1] == "Pakistan"


def test_the_anonymous_official_of_000_is_one_speaker(records: list[dict]) -> None:
    # the mention holds any relative clause after it ("..., where the crossing is located"): compare its head
    wanted = ["a senior Afghan government official", "a senior government official in the southern province of "
              "Kandahar", "the official", "He"]
    in_000 = [r for r in records if r["doc_id"] == DOC_000 and r["speaker"]]
    found = {}
    for r in in_000:
        head = r["speaker"]["mention"].split(",")[0]
        if head in wanted and head not in found:
            found[head] = r["speaker"]
    assert sorted(found) == sorted(wanted)
    assert len({sp["id"] for sp in found.values()}) == 1
    assert all(sp["kind"] == "anonymous" for sp in found.values())
    assert found["He"]["name"] == "senior Afghan government official"


def test_scores_against_the_seed_gold(records: list[dict]) -> None:
    result = score(read_jsonl(GOLD), predictions_from_quotes(records))
    overlap = result["overlap"]["all"]
    assert result["summary"]["pred_spans_relocated_by_text"] == 0
    assert result["summary"]["pred_spans_unresolved"] == 0
    assert overlap["detection"]["f1"] >= MIN_OVERLAP_F1, json.dumps(overlap, indent=1)
    assert overlap["attribution"]["accuracy"] >= MIN_SPEAKER_ACCURACY, json.dumps(overlap, indent=1)
    assert overlap["end_to_end"]["f1"] >= MIN_END_TO_END_F1, json.dumps(overlap, indent=1)


def test_graphml_reads_back(run) -> None:
    out, _ = run
    graph = nx.read_graphml(out / "graph.graphml")
    assert graph.number_of_nodes() > 0 and graph.number_of_edges() > 0
    for node, data in graph.nodes(data=True):
        assert data.get("label") and data.get("category"), node
    labels = {data["label"]: data for _, data in graph.nodes(data=True)}
    assert labels["Zabihullah Mujahid"]["category"] == "speaker"
    assert "Taliban" in labels
    # Mujahid is affiliated with the Taliban in the graph too
    mujahid = next(n for n, d in graph.nodes(data=True) if d["label"] == "Zabihullah Mujahid")
    taliban = next(n for n, d in graph.nodes(data=True) if d["label"] == "Taliban" and n.startswith("org:"))
    assert graph.has_edge(mujahid, taliban)
