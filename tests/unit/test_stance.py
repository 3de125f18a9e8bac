"""Stage 5b: which quotes dispute or support another party's claim, whom they answer, and the evidence."""
from __future__ import annotations

import re

import pytest

from attrib.model import Article
from attrib.nlp import BuiltinAnnotator
from attrib.pipeline import extract
from attrib.ruleset import load_ruleset
from attrib.examples import stance_hits
from attrib.stance import find_stances, party_of

RULES = load_ruleset()


def stances_of(text: str):
    """(quote text, relation, target, answered quote text or None, evidence, rule id) of each stance."""
    ann = BuiltinAnnotator(RULES).annotate(Article("t", "t.txt", text))
    result, _ = extract(ann, RULES)
    assert result.stances == find_stances(ann, result.attributions, RULES)
    out = []
    for s in result.stances:
        answered = text[s.answers_start:s.answers_end] if s.answers_start is not None else None
        assert text[s.evidence.start:s.evidence.end] == s.evidence.text
        assert s.sentence_start <= s.evidence.start < s.evidence.end <= s.sentence_end
        out.append((text[s.start:s.end], s.relation, s.target, answered, s.evidence.text, s.rule_id))
    return out


def _examples() -> list:
    cases = []
    for rule in RULES.stance:
        for kind, sentences in (("match", rule.examples.match), ("no_match", rule.examples.no_match)):
            for n, sentence in enumerate(sentences):
                cases.append(pytest.param(rule, kind, sentence, id=f"{rule.id}:{kind}:{n}"))
    return cases


def test_every_stance_rule_has_a_match_and_a_no_match_example():
    assert RULES.stance, "rules/stance.yaml is loaded"
    for rule in RULES.stance:
        assert rule.examples.match and rule.examples.no_match, rule.id
        assert rule.cues or rule.words, rule.id


@pytest.mark.parametrize(("rule", "kind", "sentence"), _examples())
def test_stance_rule_example(rule, kind, sentence):
    found = stance_hits(rule, sentence, RULES)
    if kind == "match":
        assert found and all(s.relation == rule.relation and s.rule_id == rule.id for s in found), sentence
    else:
        assert found == [], f"{rule.id} wrongly found {found!r} in {sentence!r}"


def test_named_target_through_an_alias():
    # seeds/000: "a baseless claim by the Kabul administration" names the Afghan government
    text = "“It is merely propaganda and a baseless claim by the Kabul administration,” Mujahid told Reuters."
    assert stances_of(text) == [
        ("“It is merely propaganda and a baseless claim by the Kabul administration,”", "disputes",
         "Afghan government", None, "propaganda", "stance.rejecting-words")]


def test_possessive_target():
    text = "Afghan authorities say Taliban’s claims of controlling a key border crossing with Pakistan are untrue."
    ((quote, relation, target, answered, evidence, rule),) = stances_of(text)
    assert (relation, target, answered, evidence) == ("disputes", "Taliban", None, "untrue")


def test_unnamed_target_is_the_most_recent_claim_of_another_party():
    # seeds/000: the wording sits next to the Taliban's quote, not the official's
    text = ("The Afghan security forces have retaken control of the border crossing, a senior Afghan government "
            "official has said, but the Taliban dismisses the claim, saying it still holds the town.")
    assert stances_of(text) == [
        ("it still holds the town", "disputes", None,
         "The Afghan security forces have retaken control of the border crossing", "dismisses the claim",
         "stance.rejects-the-claim")]


def test_no_other_party_no_answer():
    text = "But the Taliban insisted that it still holds the town."
    ((_, relation, target, answered, evidence, _),) = stances_of(text)
    assert (relation, target, answered, evidence) == ("disputes", None, None, "But")


def test_same_party_is_not_answered():
    # the Taliban answering a Taliban spokesman: no other party, so nothing is answered
    text = ("Taliban spokesman Zabihullah Mujahid said the fighters hold the town. "
            "But the Taliban insisted that they hold the town.")
    stances = stances_of(text)
    assert [(s[1], s[3]) for s in stances] == [("disputes", None)]


@pytest.mark.parametrize("text", [
    "“We hold the town,” Mujahid said.",
    "The ministry said the attack had been repelled.",
    "Kakar told Al Jazeera that the border was closed, and the Taliban said they hold the town.",
])
def test_neutral_quotes_give_no_stance(text):
    assert stances_of(text) == []


def test_party_is_the_top_level_affiliation():
    from sample_speakers import ARIAN, MUJAHID

    assert party_of(ARIAN, RULES) == "Afghanistan"
    assert party_of(MUJAHID, RULES) == "Taliban"


def test_no_rules_no_stances():
    from dataclasses import replace

    ann = BuiltinAnnotator(RULES).annotate(Article("t", "t", "But the Taliban insisted that it holds the town."))
    result, _ = extract(ann, RULES)
    assert result.stances
    assert find_stances(ann, result.attributions, replace(RULES, stance=())) == ()


def test_nested_and_in_a_quote_answer_as_the_scans_they_replace() -> None:
    """``_Article`` finds enclosing quote spans with ``bisect``; the answers are those of the plain scans."""
    import random
    from itertools import accumulate

    from attrib.stance import _Article

    rnd = random.Random(3)
    for _ in range(3000):
        spans = sorted((s, s + rnd.randint(0, 8)) for s in (rnd.randint(0, 30) for _ in range(rnd.randint(0, 8))))
        art = _Article.__new__(_Article)
        art.spans, art._span_starts = spans, [s for s, _ in spans]
        art._max_end = list(accumulate((e for _, e in spans), max))
        for _ in range(10):
            start = rnd.randint(0, 35)
            end = start + rnd.randint(0, 10)
            assert art.in_a_quote(start, end) == any(qs <= start and end <= qe for qs, qe in spans)
            assert art._nested(start, end) == any(qs <= start and end <= qe and (qs, qe) != (start, end)
                                                  for qs, qe in spans)


def test_first_char_guard_changes_no_match() -> None:
    """The stance patterns open with a lookahead on their phrases' first characters, for speed: they find
    what the same patterns without it find, tricky case folds included (long s, Kelvin sign, dotted I)."""
    import random
    import re

    from attrib.stance import _first_char_guard, _phrase, _target_checks, _target_patterns, _words_pattern

    rules = RULES
    rnd = random.Random(9)
    words = ["dismissed", "the", "claim", "by", "Taliban", "however", "ALSO", "too", "a lie", "ſo", "\u212a",
             "İ", "ı", "yet", "BUT", "untrue", "lies", "said", ",", "’s", "'", "\n", "  "]
    texts = [" ".join(rnd.choice(words) for _ in range(rnd.randint(0, 12))) for _ in range(3000)]
    firsts = set()
    for rule in rules.stance:
        guarded = _words_pattern(rule, rules)
        if guarded is not None:
            alts = sorted({_phrase(w) for w in rule.words}, key=lambda p: (-len(p), p))
            plain = re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)", re.IGNORECASE)
            assert guarded.pattern.startswith("(?=[")
            assert all([m.span() for m in guarded.finditer(t)] == [m.span() for m in plain.finditer(t)] for t in texts)
            firsts |= {w.split()[0][0] for w in rule.words}
        free = [pre.pattern for pre, post in _target_patterns(rule, rules) if post.pattern == "^"]
        if free:
            plain = re.compile("(?:" + "|".join(free) + ")", re.IGNORECASE)
            guarded = _target_checks(rule, rules)[0][0]
            assert all(bool(guarded.search(t[:k])) == bool(plain.search(t[:k])) for t in texts[:300]
                       for k in range(0, len(t), 5))
    assert _first_char_guard(["but", "yet", "a lie"]) == "(?=[aby])"
    assert _first_char_guard(["but", "'tis"]) == "" and _first_char_guard(["but", ""]) == ""
    # why it holds: a one-character class matches, under IGNORECASE, what the character matches as a literal
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    for c in sorted(firsts):
        assert re.findall(re.escape(c), every, re.IGNORECASE) == re.findall("[" + c + "]", every, re.IGNORECASE)


@pytest.mark.parametrize("phrase", ["{party}'s claim", "{party}’s claim"])
def test_a_phrase_matches_either_apostrophe_whichever_it_is_written_with(phrase):
    from attrib.stance import _phrase

    pattern = re.compile(_phrase(phrase.replace("{party}", "Kabul")) + "$")
    assert pattern.match("Kabul's claim") and pattern.match("Kabul’s  claim")
    assert not pattern.match("Kabuls claim") and not pattern.match("Kabul['’]s claim")
