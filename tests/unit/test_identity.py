"""identity: one speaker id per person across articles, every merge with its evidence.

Input records are built by hand, as the per-article stage would give them: a person
the rules know is ``person:<slug of the rule's name>``, anyone else ``person:<slug of
the fullest name in the article>``, an anonymous source ``anon:<doc_id>:<n>``.
"""
from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from attrib import identity
from attrib._util import slug
from attrib.identity import merge_record, unify_speakers
from attrib.model import Attribution, QuoteType, ResolvedAttribution, Span, Speaker, SpeakerKind
from attrib.ruleset import RuleSet, load_ruleset

REPO = Path(__file__).resolve().parents[2]


def said(doc: str, name: str, role: str | None = None, affiliation: str | None = None, *,
         kind: SpeakerKind = SpeakerKind.PERSON, sid: str | None = None, start: int = 0) -> ResolvedAttribution:
    """One quote of ``name`` in article ``doc``."""
    a = Attribution(doc, start, start + 5, '"Yes"', QuoteType.DIRECT, None, Span(10, 20, name), None, ())
    sp = Speaker(sid or f"person:{slug(name)}", name, kind, role, affiliation, ())
    return ResolvedAttribution(a, sp, Span(10, 20, name))


def ids(out) -> list[str]:
    return [ra.speaker.id for ra in out]


def unify(quotes, rules):
    out, merges = unify_speakers(quotes, rules)
    return out, merges


# ---------------------------------------------------------------- spelling variants

# (quotes, expected number of distinct ids) -- each case: must merge, or must stay apart
SPELLING_CASES = [
    pytest.param([said("d1", "Tarek Hamidi", "spokesman", "Afghan Ministry of Interior"),
                  said("d2", "Tareq Hamidi", "spokesman", "Afghan Ministry of Interior")], 1,
                 id="q/k, same affiliation: one"),
    pytest.param([said("d1", "Raz Mohamed", "shopkeeper"), said("d2", "Raz Mohammad", "shopkeeper")], 1,
                 id="Mohamed/Mohammad, same role: one"),
    pytest.param([said("d1", "Tarek Hamidi", "spokesman", "Taliban"),
                  said("d2", "Tareq Hamidi", "spokesman", "Afghan Ministry of Interior")], 2,
                 id="affiliations conflict: two"),
    pytest.param([said("d1", "Raz Mohamed"), said("d2", "Raz Mohammad")], 2,
                 id="no role or affiliation to agree on: two"),
    pytest.param([said("d1", "Ahmad Noori", None, "Taliban"), said("d2", "Mahmud Noori", None, "Taliban")], 2,
                 id="same surname, different first name: two"),
    pytest.param([said("d1", "Tarek Hamidi", "spokesman", "Afghan government"),
                  said("d2", "Tareq Hamidi", "spokesman", "Afghan Ministry of Interior")], 1,
                 id="affiliation and its parent agree: one"),
]


@pytest.mark.parametrize("quotes, n_ids", SPELLING_CASES)
def test_spelling_variants(ruleset: RuleSet, quotes, n_ids: int) -> None:
    out, merges = unify(quotes, ruleset)
    assert len(set(ids(out))) == n_ids
    assert len(merges) == len(quotes) - n_ids


def test_spelling_merge_says_why(ruleset: RuleSet) -> None:
    quotes = [said("d1", "Tarek Hamidi", "spokesman", "Afghan Ministry of Interior"),
              said("d2", "Tareq Hamidi", "spokesman", "Afghan Ministry of Interior"),
              said("d3", "Tareq Hamidi", "spokesman", "Afghan Ministry of Interior")]
    out, [m] = unify(quotes, ruleset)
    assert merge_record(m) == {
        "kept_id": "person:tareq-hamidi", "kept_name": "Tareq Hamidi",  # the more quoted spelling
        "merged_ids": ["person:tarek-hamidi"], "merged_names": ["Tarek Hamidi"],
        "evidence": 'spelling variant "Tarek Hamidi" of "Tareq Hamidi" (similarity 1.00 after spelling folds) '
                    "+ same affiliation Afghan Ministry of Interior",
        "rule": "identity.default"}
    assert {(ra.speaker.id, ra.speaker.name) for ra in out} == {("person:tareq-hamidi", "Tareq Hamidi")}


def test_threshold_comes_from_the_identity_rule() -> None:
    strict = load_ruleset([REPO / "fixtures/rules/identity_strict"])
    quotes = [said("d1", "Raz Mohamed", "shopkeeper"), said("d2", "Raz Mohammad", "shopkeeper")]
    assert len(set(ids(unify(quotes, strict)[0]))) == 2
    assert len(set(ids(unify(quotes, load_ruleset())[0]))) == 1


# ---------------------------------------------------------------- rules, surnames, titles


def test_a_rule_alias_in_another_article_is_the_rules_person(ruleset: RuleSet) -> None:
    quotes = [said("d1", "Tariq Arian", "spokesman", "Afghan Ministry of Interior"),  # alias of speaker.tareq-arian
              said("d2", "Tareq Arian", "spokesman", "Afghan Ministry of Interior")]
    out, [m] = unify(quotes, ruleset)
    assert ids(out) == ["person:tareq-arian", "person:tareq-arian"]
    assert (m.evidence, m.rule_id) == ('rule:speaker.tareq-arian alias "Tariq Arian"', "speaker.tareq-arian")
    # the rule's person need not be quoted under its own name
    out, _ = unify([said("d1", "Tariq Arian")], ruleset)
    assert (out[0].speaker.id, out[0].speaker.affiliation) == ("person:tareq-arian", "Afghan Ministry of Interior")


def test_a_rule_alias_with_a_conflicting_affiliation_stays_apart(ruleset: RuleSet) -> None:
    # "Khan" is an alias of Imran Khan (Pakistani government); a Taliban "Khan" is someone else
    out, merges = unify([said("d1", "Khan", "commander", "Taliban")], ruleset)
    assert (ids(out), merges) == (["person:khan"], ())


SURNAME_CASES = [
    pytest.param([said("d1", "Zalmay Hamidi", "spokesman", "Taliban"), said("d2", "Hamidi")],
                 {"person:hamidi": "person:zalmay-hamidi"}, id="one full name: merged"),
    pytest.param([said("d1", "Zalmay Hamidi", None, "Taliban"), said("d2", "Ahmad Hamidi", None, "Pakistani government"),
                  said("d3", "Hamidi")], {"person:hamidi": "person:hamidi"}, id="two full names, no evidence: apart"),
    pytest.param([said("d1", "Zalmay Hamidi", None, "Taliban"), said("d2", "Ahmad Hamidi", None, "Pakistani government"),
                  said("d3", "Hamidi", None, "Pakistan")], {"person:hamidi": "person:ahmad-hamidi"},
                 id="two full names, one affiliation fits: merged"),
    pytest.param([said("d1", "Zalmay Hamidi", None, "Taliban"), said("d2", "Hamidi", None, "Pakistani government")],
                 {"person:hamidi": "person:hamidi"}, id="the one full name conflicts: apart"),
]


@pytest.mark.parametrize("quotes, expected", SURNAME_CASES)
def test_surname_only(ruleset: RuleSet, quotes, expected: dict[str, str]) -> None:
    out, _ = unify(quotes, ruleset)
    got = {q.speaker.id: o.speaker.id for q, o in zip(quotes, out)}
    for before, after in expected.items():
        assert got[before] == after


def test_surname_merges_can_be_switched_off() -> None:
    strict = load_ruleset([REPO / "fixtures/rules/identity_strict"])
    out, merges = unify([said("d1", "Zalmay Hamidi", "spokesman", "Taliban"), said("d2", "Hamidi")], strict)
    assert (len(set(ids(out))), merges) == (2, ())


def test_titles_and_role_words_are_dropped(ruleset: RuleSet) -> None:
    quotes = [said("d1", "Mullah Muhammad Hassan", "insurgent", "Taliban"), said("d2", "Muhammad Hassan"),
              said("d3", "Commander Muhammad Hassan", None, "Taliban")]
    out, merges = unify(quotes, ruleset)
    assert set(ids(out)) == {"person:mullah-muhammad-hassan"}
    assert merges[0].evidence == 'same name without titles or role words ("Muhammad Hassan")'


def test_distinct_from_keeps_two_apart() -> None:
    quotes = [said("d1", "Tareq Arian", "spokesman", "Afghan Ministry of Interior"),
              said("d2", "Tarek Arian", "spokesman", "Afghan Ministry of Interior")]
    assert len(set(ids(unify(quotes, load_ruleset())[0]))) == 1
    apart = load_ruleset([REPO / "fixtures/rules/distinct"])
    out, merges = unify(quotes, apart)
    assert ids(out) == ["person:tareq-arian", "person:tarek-arian"]
    assert merges == ()


# ---------------------------------------------------------------- anonymous sources, organisations


def test_anonymous_sources_stay_per_article(ruleset: RuleSet) -> None:
    quotes = [said("d1", "senior official", "official", "Afghan government", kind=SpeakerKind.ANONYMOUS,
                   sid="anon:d1:1"),
              said("d2", "senior official", "official", "Afghan government", kind=SpeakerKind.ANONYMOUS,
                   sid="anon:d2:1")]
    out, merges = unify(quotes, ruleset)
    assert (ids(out), merges) == (["anon:d1:1", "anon:d2:1"], ())


def test_anonymous_sources_merge_when_the_rules_say_so(ruleset: RuleSet, tmp_path: Path) -> None:
    (tmp_path / "identity.yaml").write_text(
        "version: 1\nkind: identity\nrules:\n  - id: identity.default\n    description: d\n"
        "    anonymous_across_articles: true\n", encoding="utf-8")
    rules = load_ruleset([tmp_path])
    quotes = [said("d1", "senior official", "official", "Afghan government", kind=SpeakerKind.ANONYMOUS,
                   sid="anon:d1:1"),
              said("d2", "senior official", "official", "Afghan government", kind=SpeakerKind.ANONYMOUS,
                   sid="anon:d2:1"),
              said("d3", "senior official", "official", "Taliban", kind=SpeakerKind.ANONYMOUS, sid="anon:d3:1")]
    out, [m] = unify(quotes, rules)
    assert ids(out) == ["anon:d1:1", "anon:d1:1", "anon:d3:1"]
    assert m.merged_ids == ("anon:d2:1",)


def test_affiliation_path_comes_from_the_rules(ruleset: RuleSet) -> None:
    quotes = [said("d1", "Zalmay Hamidi", "spokesman", "Afghan Ministry of Interior"),
              said("d2", "Pakistani security source", "security source", "Pakistan", kind=SpeakerKind.ANONYMOUS,
                   sid="anon:d2:1")]
    out, _ = unify(quotes, ruleset)
    assert out[0].speaker.affiliation_path == ("Afghan Ministry of Interior", "Afghan government", "Afghanistan")
    assert out[1].speaker.affiliation_path == ("Pakistan",)


def test_organisations_and_missing_speakers_pass_through(ruleset: RuleSet) -> None:
    org = said("d1", "Taliban", kind=SpeakerKind.ORGANIZATION, sid="org:taliban")
    none = ResolvedAttribution(org.attribution, None, None)
    out, merges = unify([org, none], ruleset)
    assert out[1] is none and out[0].speaker.id == "org:taliban" and merges == ()


# ---------------------------------------------------------------- order, scale, the seeds


def test_order_of_the_input_does_not_change_the_result(ruleset: RuleSet) -> None:
    quotes = [q for case in SPELLING_CASES + SURNAME_CASES for q in case.values[0]]
    quotes = [said(q.attribution.doc_id + str(i), q.speaker.name, q.speaker.role, q.speaker.affiliation, start=i)
              for i, q in enumerate(quotes)]
    first = unify(quotes, ruleset)
    shuffled = quotes[:]
    random.Random(4).shuffle(shuffled)
    again = unify(shuffled, ruleset)
    assert sorted(map(merge_record, first[1]), key=str) == sorted(map(merge_record, again[1]), key=str)
    by_start = lambda out: sorted((ra.attribution.start, ra.speaker.id) for ra in out)  # noqa: E731
    assert by_start(first[0]) == by_start(again[0])


def test_candidates_are_blocked_not_all_pairs(ruleset: RuleSet, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(1)
    letters = "abcdefghijklmnopqrstuvwxyz"
    word = lambda: rng.choice(letters).upper() + "".join(rng.choice(letters) for _ in range(6))  # noqa: E731
    quotes = [said(f"d{i}", f"{word()} {word()}", "spokesman", "Taliban", start=i) for i in range(3000)]
    calls = []
    real = identity._Unifier._similarity
    monkeypatch.setattr(identity._Unifier, "_similarity", lambda self, a, b: calls.append(1) or real(self, a, b))
    t0 = time.perf_counter()
    unify(quotes, ruleset)
    assert len(calls) < 3000 * 3000 / 2 / 50  # a block is a surname key, not the corpus
    assert time.perf_counter() - t0 < 10


def test_seed_spellings_of_arian_are_one_speaker_without_the_rules(repo_root: Path) -> None:
    from attrib.model import Article
    from attrib.nlp import BuiltinAnnotator
    from attrib.pipeline import extract

    rules = load_ruleset([repo_root / "fixtures/rules/no_seed_people"])
    quotes = []
    for path in sorted((repo_root / "seeds").glob("*.txt")):
        ann = BuiltinAnnotator(rules).annotate(Article(path.stem, str(path), path.read_text(encoding="utf-8")))
        quotes += extract(ann, rules)[0].attributions
    before = {ra.speaker.id for ra in quotes if ra.speaker and "arian" in ra.speaker.id}
    assert before == {"person:tareq-arian", "person:tarek-arian"}
    out, merges = unify(quotes, rules)
    assert {ra.speaker.id for ra in out if ra.speaker and "arian" in ra.speaker.id} == {"person:tarek-arian"}
    [m] = [m for m in merges if "arian" in m.kept_id]
    assert m.evidence.startswith("spelling variant") and "Afghan Ministry of Interior" in m.evidence


def test_a_crowded_block_is_compared_by_neighbours(ruleset: RuleSet, monkeypatch: pytest.MonkeyPatch) -> None:
    # 1,500 "M... Khan" share one block; sorted neighbourhood keeps it linear and still finds the variant
    rng = random.Random(3)
    letters = "abcdefghijklmnopqrstuvwxyz"
    quotes = [said(f"k{i}", "M" + "".join(rng.choice(letters) for _ in range(7)) + " Khan", None, "Taliban", start=i)
              for i in range(1500)]
    quotes += [said("x1", "Mohammad Khan", "spokesman", "Taliban"), said("x2", "Mohamad Khan", "spokesman", "Taliban")]
    calls = []
    real = identity._Unifier._similarity
    monkeypatch.setattr(identity._Unifier, "_similarity", lambda self, a, b: calls.append(1) or real(self, a, b))
    out, merges = unify(quotes, ruleset)
    assert len(calls) <= 1502 * ruleset.identity_settings().block_window
    assert out[-1].speaker.id == out[-2].speaker.id
