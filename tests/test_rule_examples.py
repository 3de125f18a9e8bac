"""Every `examples:` sentence of every rule in the default rules runs through the built-in pipeline.

A ``match`` sentence must give at least one result carrying the rule's id: an
attribution whose cue came from the rule (cue rules), a quote found by the rule
(quote rules), a regular-expression match (filter rules). A ``no_match``
sentence must give none from that rule.
"""
from __future__ import annotations

import re

import pytest

from attrib.model import Article
from attrib.nlp import BuiltinAnnotator
from attrib.pipeline import extract
from attrib.quotes import find_quotes
from attrib.ruleset import CueRule, FilterRule, QuoteRule, load_ruleset

RULES = load_ruleset()

# known mismatches between a rule and its own examples: "<rule id>:<match|no_match>:<n>" -> reason
KNOWN_BUGS: dict[str, str] = {}  # case id -> reason, for an example a known bug breaks (strict xfail)


def _cases() -> list:
    cases = []
    for rule in RULES.all_rules():
        examples = getattr(rule, "examples", None)
        if examples is None:
            continue
        for kind, sentences in (("match", examples.match), ("no_match", examples.no_match)):
            for n, sentence in enumerate(sentences):
                case_id = f"{rule.id}:{kind}:{n}"
                marks = [pytest.mark.xfail(reason=KNOWN_BUGS[case_id], strict=True)] if case_id in KNOWN_BUGS else []
                cases.append(pytest.param(rule, kind, sentence, id=case_id, marks=marks))
    return cases


CASES = _cases()


def hits(rule, sentence: str) -> list[str]:
    """What ``rule`` produces on ``sentence`` (texts of attributions, quotes or regex matches)."""
    if isinstance(rule, FilterRule):
        return [m.group() for m in re.finditer(rule.pattern, sentence, re.MULTILINE) if m.group()]
    ann = BuiltinAnnotator(RULES).annotate(Article("ex", "ex", sentence))
    if isinstance(rule, QuoteRule):
        quotes, _ = find_quotes(ann, RULES)
        return [q.text for q in quotes if q.rule_id == rule.id]
    assert isinstance(rule, CueRule)
    result, _ = extract(ann, RULES)
    return [ra.attribution.text for ra in result.attributions
            if ra.attribution.cue is not None and ra.attribution.cue.rule_id == rule.id
            and rule.id in ra.attribution.rule_ids]


def test_examples_cover_every_runnable_kind() -> None:
    # the parametrization below is not silently empty: cue, quote and filter rules all bring examples
    with_examples = {c.values[0].id.split(".")[0] for c in CASES}
    assert {"cue", "quote", "filter"} <= with_examples


@pytest.mark.parametrize(("rule", "kind", "sentence"), CASES)
def test_rule_example(rule, kind: str, sentence: str) -> None:
    found = hits(rule, sentence)
    if kind == "match":
        assert found, f"{rule.id} found nothing in {sentence!r}"
    else:
        assert found == [], f"{rule.id} wrongly found {found!r} in {sentence!r}"
