"""Every `examples:` sentence of every rule in the default rules runs through the built-in pipeline.

The runner is ``attrib.examples`` (``attrib rules check`` uses it too). A ``match``
sentence must give at least one result carrying the rule's id: an attribution whose
cue came from the rule (cue rules), a quote found by the rule (quote rules), a
regular-expression match (filter rules), a quote given to the speaker (speaker rules)
or to the organisation or someone affiliated with it (organisation rules). A
``no_match`` sentence must give none from that rule.
"""
from __future__ import annotations

import pytest

from attrib.examples import example_hits, failure_message, iter_examples
from attrib.ruleset import load_ruleset

RULES = load_ruleset()

# known mismatches between a rule and its own examples: "<rule id>:<match|no_match>:<n>" -> reason
KNOWN_BUGS: dict[str, str] = {}  # case id -> reason, for an example a known bug breaks (strict xfail)


def _cases() -> list:
    cases = []
    for ex in iter_examples(RULES):
        marks = [pytest.mark.xfail(reason=KNOWN_BUGS[ex.key], strict=True)] if ex.key in KNOWN_BUGS else []
        cases.append(pytest.param(ex, id=ex.key, marks=marks))
    return cases


CASES = _cases()


def test_examples_cover_every_runnable_kind() -> None:
    # the parametrization below is not silently empty: cue, quote, filter and speaker rules all bring examples
    with_examples = {c.values[0].rule.id.split(".")[0] for c in CASES}
    assert {"cue", "quote", "filter", "speaker", "org"} <= with_examples


@pytest.mark.parametrize("example", CASES)
def test_rule_example(example) -> None:
    found = example_hits(example.rule, example.sentence, RULES)
    assert failure_message(example, found) is None, f"{example.key}: {found!r}"
