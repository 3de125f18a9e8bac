"""Run the ``examples:`` sentences rules carry: (RuleSet) -> Problem per example that fails.

A ``match`` sentence must give at least one result from its rule, a ``no_match``
sentence none. What a result is depends on the rule's kind:

* cue rules: an attribution whose cue the rule found;
* quote rules: a quotation the rule's marks delimit;
* filter rules: a match of the rule's regular expression;
* speaker rules: a quotation attributed to that speaker;
* organisation rules: a quotation said by the organisation or by someone affiliated with it;
* stance rules: a stance the rule gives to a quotation (its evidence wording).

Each sentence runs alone through the built-in annotator and stages 3-5 with the whole
rule set, so an example also tests how the rule plays with the others. ``attrib rules
check`` and ``tests/test_rule_examples.py`` both use this module.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from .ids import person_id
from .model import Article
from .problems import Problem
from .spans import rule_regex
from .ruleset import SCOPES, CueRule, FilterRule, OrgRule, QuoteRule, RuleSet, SpeakerRule, StanceRule

#: the rule kinds whose examples can be run
RUNNABLE = (CueRule, QuoteRule, FilterRule, SpeakerRule, OrgRule, StanceRule)


@dataclass(frozen=True)
class Example:
    """One example sentence of one rule: ``kind`` is "match" or "no_match", ``n`` its index in that list."""

    rule: Any
    kind: str
    n: int
    sentence: str

    @property
    def key(self) -> str:
        """``<rule id>:<kind>:<n>``, the key of its place in ``RuleSet.place`` (and a test id)."""
        return f"{self.rule.id}:{self.kind}:{self.n}"


def iter_examples(rules: RuleSet) -> Iterator[Example]:
    """Every example sentence of every rule whose kind can run them, in rule order."""
    for rule in rules.all_rules():
        examples = getattr(rule, "examples", None)
        if examples is None or not isinstance(rule, RUNNABLE):
            continue
        for kind, sentences in (("match", examples.match), ("no_match", examples.no_match)):
            for n, sentence in enumerate(sentences):
                yield Example(rule, kind, n, sentence)


def example_hits(rule: Any, sentence: str, rules: RuleSet) -> list[str]:
    """What ``rule`` produces on ``sentence``: texts of attributions, quotes or regex matches.

    Args:
        rule: a cue, quote, filter, speaker, organisation or stance rule.
        sentence: the example text (one or a few sentences).
        rules: the whole rule set the sentence is run with.

    Returns:
        One text per result of the rule (empty when the rule gives nothing).
    """
    if isinstance(rule, FilterRule):
        return [m.group() for m in rule_regex(rule.pattern).finditer(sentence) if m.group()]
    if isinstance(rule, StanceRule):
        return [s.evidence.text for s in stance_hits(rule, sentence, rules)]
    from .nlp import BuiltinAnnotator  # the annotator only when an example runs
    from .pipeline import extract
    from .quotes import find_quotes

    # as ``attrib run`` reads: in the default scope, but a cue rule of another class in scope "all"
    scope = "all" if isinstance(rule, CueRule) and rule.cue_class not in SCOPES["statements"] else "statements"
    if rules.scope == "all":
        rules = rules.cached("scope:" + scope, lambda: rules.in_scope(scope))

    ann = BuiltinAnnotator(rules).annotate(Article("example", "example", sentence))
    if isinstance(rule, QuoteRule):
        quotes, _ = find_quotes(ann, rules)
        return [q.text for q in quotes if q.rule_id == rule.id]
    result, _ = extract(ann, rules)
    if isinstance(rule, CueRule):
        return [ra.attribution.text for ra in result.attributions
                if ra.attribution.cue is not None and ra.attribution.cue.rule_id == rule.id
                and rule.id in ra.attribution.rule_ids]
    if isinstance(rule, SpeakerRule):
        sid = person_id(rule.name)
        return [ra.attribution.text for ra in result.attributions if ra.speaker is not None
                and (ra.speaker.id == sid or ra.speaker.name == rule.name)]
    if isinstance(rule, OrgRule):
        return [ra.attribution.text for ra in result.attributions if ra.speaker is not None
                and (ra.speaker.name == rule.name or rule.name in ra.speaker.affiliation_path
                     or ra.speaker.affiliation == rule.name)]
    raise TypeError(f"rules of type {type(rule).__name__} have no runnable examples")


def stance_hits(rule: StanceRule, sentence: str, rules: RuleSet) -> list[Any]:
    """The stances a stance rule alone gives on a short text run through the built-in annotator and the stages."""
    from .nlp import BuiltinAnnotator
    from .pipeline import extract
    from .stance import rule_hits

    ann = BuiltinAnnotator(rules).annotate(Article("example", "example", sentence))
    result, _ = extract(ann, rules)
    return rule_hits(rule, ann, result.attributions, rules)


def failure_message(example: Example, found: list[str]) -> str | None:
    """The problem message for an example's result, or None when the example passes."""
    if example.kind == "match" and not found:
        return f'example {_quoted(example.sentence)} should match rule "{example.rule.id}" but gave nothing'
    if example.kind == "no_match" and found:
        shown = ", ".join(_quoted(f) for f in found[:3])
        return f'example {_quoted(example.sentence)} should not match rule "{example.rule.id}" but gave {shown}'
    return None


def check_examples(rules: RuleSet) -> list[Problem]:
    """Run every example of every rule; one Problem (at the example's ``path:line:col``) per failure."""
    problems = []
    for ex in iter_examples(rules):
        message = failure_message(ex, example_hits(ex.rule, ex.sentence, rules))
        if message:
            problems.append(Problem(*rules.place(ex.key), message))
    return sorted(problems)


def _quoted(text: str) -> str:
    """``"text"``, or ``'text'`` when the text holds a double quote mark."""
    return f"'{text}'" if '"' in text else f'"{text}"'
