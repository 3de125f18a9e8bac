"""Every rule id a record can carry is documented: in a rules file, or in attrib.rule_ids."""
from __future__ import annotations

import json
import re
from pathlib import Path

from attrib.cli import attrib
from attrib.rule_ids import BUILT_IN
from attrib.ruleset import load_ruleset

SRC = Path(__file__).resolve().parents[2] / "attrib"
_ID = re.compile(r'"((?:speaker|cue|quote|affiliation|identity)\.[a-z][a-z-]*)"')


def test_every_id_the_code_writes_is_documented():
    yaml_ids = {r.id for r in load_ruleset().all_rules()}
    written = {m.group(1) for p in SRC.glob("*.py") for m in _ID.finditer(p.read_text(encoding="utf-8"))}
    assert written, "the pattern finds the ids the code writes"
    assert sorted(written - set(BUILT_IN) - yaml_ids) == []


def test_built_in_ids_do_not_shadow_rule_ids():
    assert not set(BUILT_IN) & {r.id for r in load_ruleset().all_rules()}


def test_rules_ids_lists_every_part_of_every_rule_of_a_run(runner, in_repo, tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(attrib, ["run", "seeds", "-o", str(out), "--nlp", "builtin", "-j", "1", "-q"]).exit_code == 0
    parts = {p for line in (out / "quotes.jsonl").read_text(encoding="utf-8").splitlines()
             for p in json.loads(line)["rule"].split("+")}
    res = runner.invoke(attrib, ["rules", "ids"])
    assert res.exit_code == 0
    listed = {line.split("\t")[0] for line in res.output.splitlines()}
    assert {"speaker.pronoun", "cue.saying", "affiliation.appositive"} <= listed
    assert sorted(parts - listed) == []
