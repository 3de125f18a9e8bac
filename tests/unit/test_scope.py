"""Cue classes and --scope: statements (speech and writing acts) by default, every class with "all"."""
from __future__ import annotations

import json

import pytest

from attrib.cli import attrib
from attrib.model import Article
from attrib.nlp import BuiltinAnnotator
from attrib.batch import rules_digest
from attrib.pipeline import extract
from attrib.ruleset import CUE_CLASSES, load_ruleset

RULES = load_ruleset()


def quotes(text: str, scope: str) -> list[tuple[str, str | None]]:
    rules = RULES.in_scope(scope)
    ann = BuiltinAnnotator(rules).annotate(Article("t", "t.txt", text))
    result, _ = extract(ann, rules)
    return [(ra.attribution.text, ra.attribution.cue.cue_class if ra.attribution.cue else None)
            for ra in result.attributions]


def test_every_default_cue_rule_has_a_known_class():
    assert {c.cue_class for c in RULES.cues} <= set(CUE_CLASSES)
    assert {"speech", "writing", "belief", "intention", "evidence"} <= {c.cue_class for c in RULES.cues}


@pytest.mark.parametrize("text", [
    "Many voters think the race is already over.",
    "The union wants to reopen talks with the city.",
    "She believes the plan will fail next year.",
])
def test_beliefs_and_intentions_are_no_statements_by_default(text):
    assert quotes(text, "statements") == []
    assert len(quotes(text, "all")) == 1


@pytest.mark.parametrize("text, cls", [
    ("The mayor said the budget would be balanced by spring.", "speech"),
    ("The mayor wrote that the budget would be balanced by spring.", "writing"),
])
def test_statements_are_kept_with_their_class(text, cls):
    assert [c for _, c in quotes(text, "statements")] == [cls]


def test_scope_changes_the_resume_digest():
    assert rules_digest(RULES.in_scope("statements")) != rules_digest(RULES.in_scope("all"))


def test_cli_scope_and_cue_class_in_quotes_jsonl(tmp_path, runner):
    src = tmp_path / "a.txt"
    src.write_text("Jane Roe said the bridge would reopen in May. Jane Roe thinks the fare will rise.\n",
                   encoding="utf-8")
    for scope, n in (("statements", 1), ("all", 2)):
        out = tmp_path / scope
        res = runner.invoke(attrib, ["run", str(src), "-o", str(out), "--nlp", "builtin", "-j", "1", "-q",
                                     "--scope", scope])
        assert res.exit_code == 0, res.output
        recs = [json.loads(line) for line in (out / "quotes.jsonl").read_text(encoding="utf-8").splitlines()]
        assert len(recs) == n
        assert recs[0]["cue"]["class"] == "speech"
        if scope == "all":
            assert recs[1]["cue"]["class"] == "belief"


@pytest.mark.parametrize("text, n_statements, n_all", [
    # an embedded question states nothing
    ("A Treasury spokesperson would not say whether the figures had been checked.", 0, 1),
    # a bare noun-phrase object reports an act, not a statement
    ("The senator criticized the new budget plan on Monday.", 0, 1),
    ("The league confirmed the schedule for next season.", 0, 1),
    # a to-infinitive is a commitment, except after a verb of claiming
    ("The mayor vowed to cut bus fares by the spring.", 0, 1),
    ("The rebels claimed to have seized the airport overnight.", 1, 1),
    # after "said" the content is the statement, a verb the annotator cannot tag included
    ("Jane Roe said her forces still held the bridge.", 1, 1),
    ("The senator criticized that the plan had no budget.", 1, 1),
])
def test_statements_scope_takes_only_reported_statements(text, n_statements, n_all):
    assert len(quotes(text, "statements")) == n_statements
    assert len(quotes(text, "all")) == n_all


@pytest.mark.parametrize("text, n_statements", [
    ("Jane Roe would not comment when asked if other branches were holding votes.", 0),  # a question
    ("Her husband had already asked Tom Glavine for an autograph.", 0),  # a request, not a statement
    ("Jane Roe told reporters most of the victims were tourists.", 1),
])
def test_telling_verbs_report_a_clause(text, n_statements):
    assert len(quotes(text, "statements")) == n_statements
