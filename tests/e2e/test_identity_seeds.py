"""End to end: one identity per speaker across the seeds, on the real CLI (`attrib run`, `attrib speakers`).

The seeds run alone, and again with one more article that quotes "the Taliban spokesperson"
without naming him (the speaker rules give that role one person: Zabihullah Mujahid) and
"a Taliban spokesman" (one of several: stays anonymous).
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from attrib.cli import attrib

REPO = Path(__file__).resolve().parents[2]
EXTRA = """Border crossing reopens

"Traders can cross again from Saturday," the Taliban spokesperson said in a statement.

"We will not stop the trucks," a Taliban spokesman said.
"""


def _run(out: Path, *inputs: Path) -> Path:
    result = CliRunner().invoke(attrib, ["run", *map(str, inputs), "-o", str(out), "--nlp", "builtin", "-q"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _run(tmp_path_factory.mktemp("seeds") / "out", REPO / "seeds")


@pytest.fixture(scope="module")
def seeds_and_extra(tmp_path_factory: pytest.TempPathFactory) -> Path:
    extra = tmp_path_factory.mktemp("extra") / "spokesperson.txt"
    extra.write_text(EXTRA, encoding="utf-8")
    return _run(tmp_path_factory.mktemp("seeds_extra") / "out", REPO / "seeds", extra)


def _quotes(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "quotes.jsonl").read_text(encoding="utf-8").splitlines()]


def _merges(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "merges.jsonl").read_text(encoding="utf-8").splitlines()]


def _speakers(out: Path) -> dict[str, dict]:
    result = CliRunner().invoke(attrib, ["speakers", str(out), "--format", "csv"])
    assert result.exit_code == 0
    return {r["id"]: r for r in csv.DictReader(io.StringIO(result.stdout))}


def test_no_seed_person_is_split(seeds: Path) -> None:
    ids = {q["speaker"]["id"] for q in _quotes(seeds) if q["speaker"]}
    for surname in ("mujahid", "arian", "kakar", "chaudhry", "kabulov", "ghani"):
        assert len([i for i in ids if i.startswith("person:") and surname in i]) == 1, surname
        assert not [i for i in ids if not i.startswith("person:") and i.endswith(surname)], surname
    rows = _speakers(seeds)
    assert (rows["person:zabihullah-mujahid"]["quotes"], rows["person:zabihullah-mujahid"]["articles"]) == ("5", "3")
    assert (rows["person:tareq-arian"]["quotes"], rows["person:tareq-arian"]["articles"]) == ("2", "2")


def test_the_seeds_merge_only_the_foreign_ministry(seeds: Path) -> None:
    # the per-article stage already names every seed person and rules-known organisation canonically;
    # what is left is "a foreign ministry statement" in 001, where Pakistan denied the claim
    assert _merges(seeds) == [{
        "kept_id": "org:pakistan-ministry-of-foreign-affairs", "kept_name": "Pakistan Ministry of Foreign Affairs",
        "merged_ids": ["unknown:001_3c85c8856a74ea50:foreign-ministry"], "merged_names": ["foreign ministry"],
        "evidence": 'rule:org.pakistan-foreign-ministry: "foreign ministry" has the words of "Pakistani foreign '
                    'ministry" without nationality, the one organisation the rules know by them; the article '
                    "quotes Pakistan",
        "rule": "org.pakistan-foreign-ministry"}]
    rows = _speakers(seeds)
    assert rows["org:pakistan-ministry-of-foreign-affairs"]["kind"] == "organization"
    assert not any(i.startswith("unknown:") and "ministry" in i for i in rows)
    # anonymous sources stay one per article
    assert all(i.startswith("anon:") and rows[i]["articles"] == "1" for i in rows if rows[i]["kind"] == "anonymous")


def test_the_taliban_spokesperson_is_mujahid_across_articles(seeds_and_extra: Path) -> None:
    extra = [q for q in _quotes(seeds_and_extra) if q["doc_id"] == "spokesperson"]
    by_mention = {q["speaker"]["mention"]: q["speaker"] for q in extra}
    the = by_mention["the Taliban spokesperson"]
    assert (the["id"], the["name"], the["kind"]) == ("person:zabihullah-mujahid", "Zabihullah Mujahid", "person")
    a = by_mention["a Taliban spokesman"]
    assert (a["id"], a["kind"]) == ("anon:spokesperson:2", "anonymous")
    [m] = [m for m in _merges(seeds_and_extra) if m["kept_id"] == "person:zabihullah-mujahid"]
    assert (m["merged_ids"], m["evidence"], m["rule"]) == (
        ["anon:spokesperson:1"], "rule:speaker.zabihullah-mujahid role spokesman of Taliban",
        "speaker.zabihullah-mujahid")
    row = _speakers(seeds_and_extra)["person:zabihullah-mujahid"]
    assert (row["quotes"], row["articles"]) == ("6", "4")
    assert "the Taliban spokesperson" in row["seen_as"]
