"""identity: one speaker id per person across articles, every merge with its evidence.

Input records are built by hand, as the per-article stage would give them: a person
the rules know is ``person:<slug of the rule's name>``, anyone else ``person:<slug of
the fullest name in the article>``, an anonymous source ``anon:<doc_id>:<n>``.
"""
from __future__ import annotations

import json

import random
import time
from pathlib import Path

import pytest

from attrib import identity
from attrib.ids import slug
from attrib.identity import merge_record, start_store_identity, unify_speakers, unify_store
from attrib.model import Attribution, QuoteType, ResolvedAttribution, Span, Speaker, SpeakerKind
from attrib.ruleset import RuleSet, load_ruleset
from attrib.rundir import quote_record
from attrib.store import Store, quote_columns, quote_speakers

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
    """``unify_speakers``, checked against ``unify_store`` (what a batch run uses) on the same quotes."""
    out, merges = unify_speakers(quotes, rules)
    store = Store()
    store.add_quotes(json.dumps(quote_record(ra), ensure_ascii=False) for ra in quotes)
    store_merges: list = []
    assert unify_store(store, rules, store_merges.append) == len(store_merges)
    assert tuple(store_merges) == merges
    in_order = [json.loads(line) for line, in store.db.execute("SELECT line FROM quote ORDER BY i")]
    assert in_order == [quote_record(ra) for ra in out]
    assert [sid for sid, in store.db.execute("SELECT sid FROM quote ORDER BY i")] == [
        ra.speaker.id if ra.speaker else None for ra in out]
    # as a batch run collects them: the quotes of a resumed run's store, then each article's as it comes
    lines = [json.dumps(quote_record(ra), ensure_ascii=False) for ra in quotes]
    store = Store()
    store.add_quotes(lines[:len(lines) // 2])
    started = start_store_identity(store, rules)
    for line in lines[len(lines) // 2:]:
        rows = [(*quote_columns(json.loads(line)), line)]
        store.add_quote_rows(rows)
        started.add(quote_speakers(rows))
    store_merges = []
    assert unify_store(store, rules, store_merges.append, started) == len(merges)
    assert tuple(store_merges) == merges
    assert [json.loads(line) for line, in store.db.execute("SELECT line FROM quote ORDER BY i")] == in_order
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
    out, merges = unify_speakers(quotes, ruleset)  # once (``unify`` runs it twice)
    assert len(calls) <= 1502 * ruleset.identity_settings().block_window
    assert out[-1].speaker.id == out[-2].speaker.id


# ---------------------------------------------------------------- a role the speaker rules give one person


def anon(doc: str, mention: str, role: str | None, affiliation: str | None, n: int = 1) -> ResolvedAttribution:
    """An anonymous source as the per-article stage gives it: name without its determiner, mention as written."""
    name = " ".join(w for w in mention.split() if w.lower() not in ("the", "a", "an"))
    a = Attribution(doc, 0, 5, '"Yes"', QuoteType.DIRECT, None, Span(10, 20, mention), None, ())
    sp = Speaker(f"anon:{doc}:{n}", name, SpeakerKind.ANONYMOUS, role, affiliation, ())
    return ResolvedAttribution(a, sp, Span(10, 20, mention))


def rules_with(tmp_path: Path, **files: str) -> RuleSet:
    for name, text in files.items():
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    return load_ruleset([tmp_path])


def test_the_spokesperson_the_rules_know_is_that_person(ruleset: RuleSet) -> None:
    # the example: four mentions in four articles, one speaker
    quotes = [said("d1", "Zabihullah Mujahid", "spokesman", "Taliban"), said("d2", "Mujahid"),
              said("d3", "Zabihullah Mujahid", "spokesman", "Taliban"),
              anon("d4", "the Taliban spokesperson", "spokesperson", "Taliban")]
    out, merges = unify(quotes, ruleset)
    assert set(ids(out)) == {"person:zabihullah-mujahid"}
    [m] = [m for m in merges if m.merged_ids == ("anon:d4:1",)]
    assert (m.evidence, m.rule_id) == ("rule:speaker.zabihullah-mujahid role spokesman of Taliban",
                                       "speaker.zabihullah-mujahid")
    sp = out[3].speaker
    assert (sp.kind, sp.name, sp.role, sp.affiliation) == (SpeakerKind.PERSON, "Zabihullah Mujahid", "spokesperson",
                                                            "Taliban")
    # he need not be quoted by name anywhere in the corpus
    out, [m] = unify([anon("d9", "the Taliban spokeswoman", "spokeswoman", "Taliban")], ruleset)
    assert ids(out) == ["person:zabihullah-mujahid"] and m.kept_name == "Zabihullah Mujahid"


def test_a_role_above_the_rules_affiliation_fits(ruleset: RuleSet) -> None:
    # Tareq Arian is the one rules-known spokesman of the Afghan Ministry of Interior, under the Afghan government
    out, [m] = unify([anon("d1", "the Afghan government spokesman", "spokesman", "Afghan government")], ruleset)
    assert ids(out) == ["person:tareq-arian"]
    assert m.evidence == "rule:speaker.tareq-arian role spokesman of Afghan Ministry of Interior"


KNOWN_ROLE_KEPT = [
    pytest.param(anon("d1", "a Taliban spokesman", "spokesman", "Taliban"), id="indefinite: one of several"),
    pytest.param(anon("d1", "Taliban spokespersons", "spokespersons", "Taliban"), id="plural"),
    pytest.param(anon("d1", "a Taliban official", "official", "Taliban"), id="another role"),
    pytest.param(anon("d1", "the Taliban deputy spokesman", "deputy spokesman", "Taliban"), id="deputy: another role"),
    pytest.param(anon("d1", "the spokesman", "spokesman", None), id="no affiliation"),
    pytest.param(anon("d1", "the Afghan spokesman", "spokesman", "Afghanistan"), id="a nationality is no employer"),
    pytest.param(anon("d1", "the Pakistani spokesman", "spokesman", "Pakistani government"), id="nobody known"),
]


@pytest.mark.parametrize("quote", KNOWN_ROLE_KEPT)
def test_a_role_mention_that_is_nobody_known_stays_anonymous(ruleset: RuleSet, quote: ResolvedAttribution) -> None:
    out, merges = unify([said("d0", "Zabihullah Mujahid", "spokesman", "Taliban"), quote], ruleset)
    assert (ids(out)[1], merges) == (quote.speaker.id, ())
    assert out[1].speaker.kind is SpeakerKind.ANONYMOUS


def test_two_known_people_of_one_role_are_ambiguous(tmp_path: Path) -> None:
    rules = rules_with(tmp_path, speakers=(
        "version: 1\nkind: speakers\nrules:\n  - id: speaker.bilal-karimi\n    description: d\n"
        "    name: Bilal Karimi\n    role: spokeswoman\n    affiliation: Taliban\n"))
    out, merges = unify([anon("d1", "the Taliban spokesperson", "spokesperson", "Taliban")], rules)
    assert (ids(out), merges) == (["anon:d1:1"], ())


def test_an_article_that_names_another_spokesman_keeps_its_own(ruleset: RuleSet) -> None:
    quotes = [said("d1", "Qari Yousuf Ahmadi", "spokesman", "Taliban"),
              anon("d1", "the Taliban spokesman", "spokesman", "Taliban"),
              anon("d2", "the Taliban spokesman", "spokesman", "Taliban")]
    out, merges = unify(quotes, ruleset)
    assert ids(out) == ["person:qari-yousuf-ahmadi", "anon:d1:1", "person:zabihullah-mujahid"]
    assert [m.merged_ids for m in merges] == [("anon:d2:1",)]


def test_known_roles_can_be_switched_off_and_synonyms_come_from_the_rule(tmp_path: Path) -> None:
    quote = anon("d1", "the Taliban spokesperson", "spokesperson", "Taliban")
    (tmp_path / "off").mkdir()
    (tmp_path / "syn").mkdir()
    off = rules_with(tmp_path / "off", identity=(
        "version: 1\nkind: identity\nrules:\n  - id: identity.default\n    description: d\n    known_roles: false\n"))
    assert (ids(unify([quote], off)[0]), unify([quote], off)[1]) == (["anon:d1:1"], ())
    no_synonyms = rules_with(tmp_path / "syn", identity=(
        "version: 1\nkind: identity\nrules:\n  - id: identity.default\n    description: d\n"
        "    role_synonyms: {spokeswoman: spokesman}\n"))
    assert ids(unify([quote], no_synonyms)[0]) == ["anon:d1:1"]  # spokesperson is no longer spokesman
    assert ids(unify([anon("d2", "the Taliban spokeswoman", "spokeswoman", "Taliban")], no_synonyms)[0]) == [
        "person:zabihullah-mujahid"]


def test_distinct_from_keeps_a_role_mention_apart(tmp_path: Path) -> None:
    rules = rules_with(tmp_path, speakers=(
        "version: 1\nkind: speakers\nrules:\n  - id: speaker.zabihullah-mujahid\n    description: d\n"
        "    name: Zabihullah Mujahid\n    aliases: [Mujahid]\n    role: spokesman\n    affiliation: Taliban\n"
        "    distinct_from: [Taliban spokesperson]\n"))
    out, merges = unify([anon("d1", "the Taliban spokesperson", "spokesperson", "Taliban")], rules)
    assert (ids(out), merges) == (["anon:d1:1"], ())


@pytest.mark.parametrize("value, message", [
    ("[spokesperson, spokesman]", '"role_synonyms" in rule "identity.default" must map each word to the word it '
                                  "stands for ({spokesperson: spokesman})"),
    ("{spokesperson: ''}", '"role_synonyms" in rule "identity.default" must map each word to the word it '
                           "stands for ({spokesperson: spokesman})"),
])
def test_role_synonyms_are_checked(tmp_path: Path, value: str, message: str) -> None:
    from attrib.problems import RuleFileError

    (tmp_path / "identity.yaml").write_text("version: 1\nkind: identity\nrules:\n  - id: identity.default\n"
                                            f"    description: d\n    role_synonyms: {value}\n", encoding="utf-8")
    with pytest.raises(RuleFileError) as e:
        load_ruleset([tmp_path])
    assert [p.message for p in e.value.problems] == [message]


# ---------------------------------------------------------------- organisations the rules know


def org(doc: str, name: str, sid: str, kind: SpeakerKind = SpeakerKind.UNKNOWN, affiliation: str | None = None,
        path: tuple[str, ...] = ()) -> ResolvedAttribution:
    a = Attribution(doc, 0, 5, '"Yes"', QuoteType.DIRECT, None, Span(10, 20, name), None, ())
    return ResolvedAttribution(a, Speaker(sid, name, kind, None, affiliation, path), Span(10, 20, name))


PAKISTAN = said("d1", "Fawad Chaudhry", "information minister", "Pakistani government")


def test_an_organisation_alias_is_the_organisation(ruleset: RuleSet) -> None:
    quotes = [org("d1", "Islamic Emirate", "unknown:d1:islamic-emirate"),
              org("d2", "Taliban", "org:taliban", SpeakerKind.ORGANIZATION, "Taliban", ("Taliban",)),
              org("d3", "Interior Ministry", "org:interior-ministry", SpeakerKind.ORGANIZATION, "Interior Ministry")]
    out, merges = unify(quotes, ruleset)
    assert ids(out) == ["org:taliban", "org:taliban", "org:afghan-ministry-of-interior"]
    assert [(m.kept_id, m.merged_ids, m.evidence, m.rule_id) for m in merges] == [
        ("org:afghan-ministry-of-interior", ("org:interior-ministry",),
         'rule:org.afghan-interior-ministry alias "Interior Ministry"', "org.afghan-interior-ministry"),
        ("org:taliban", ("unknown:d1:islamic-emirate",), 'rule:org.taliban alias "Islamic Emirate"', "org.taliban")]
    sp = out[2].speaker
    assert (sp.name, sp.kind, sp.affiliation, sp.affiliation_path) == (
        "Afghan Ministry of Interior", SpeakerKind.ORGANIZATION, "Afghan Ministry of Interior",
        ("Afghan Ministry of Interior", "Afghan government", "Afghanistan"))
    assert out[0].speaker.kind is SpeakerKind.ORGANIZATION


def test_an_organisation_by_its_words_without_nationality(ruleset: RuleSet) -> None:
    quotes = [PAKISTAN, org("d1", "foreign ministry", "unknown:d1:foreign-ministry")]
    out, [m] = unify(quotes, ruleset)
    assert ids(out)[1] == "org:pakistan-ministry-of-foreign-affairs"
    assert m.evidence == ('rule:org.pakistan-foreign-ministry: "foreign ministry" has the words of "Pakistani '
                          'foreign ministry" without nationality, the one organisation the rules know by them; '
                          "the article quotes Pakistan")


ORG_KEPT = [
    pytest.param([said("d1", "Tareq Arian"), org("d1", "foreign ministry", "unknown:d1:foreign-ministry")],
                 id="the article quotes nobody of Pakistan"),
    pytest.param([PAKISTAN, org("d1", "ministry", "unknown:d1:ministry")], id="one word says too little"),
    pytest.param([PAKISTAN, org("d1", "few hours", "unknown:d1:few-hours")], id="no organisation of those words"),
    pytest.param([PAKISTAN, org("d1", "foreign ministry", "unknown:d1:foreign-ministry", affiliation="Taliban")],
                 id="the mention names another organisation"),
    pytest.param([PAKISTAN, org("d1", "Human Rights Watch", "org:human-rights-watch", SpeakerKind.ORGANIZATION,
                                "Human Rights Watch")], id="an organisation the rules do not know"),
]


@pytest.mark.parametrize("quotes", ORG_KEPT)
def test_an_organisation_the_rules_do_not_pin_down_is_kept(ruleset: RuleSet, quotes) -> None:
    out, merges = unify(quotes, ruleset)
    assert (ids(out), merges) == ([q.speaker.id for q in quotes], ())


def test_organisation_words_that_fit_two_rules_are_ambiguous(tmp_path: Path) -> None:
    rules = rules_with(tmp_path, organisations=(
        "version: 1\nkind: organisations\nrules:\n  - id: org.afghan-foreign-ministry\n    description: d\n"
        "    name: Afghan Ministry of Foreign Affairs\n    kind: government\n    parent: Afghan government\n"
        "    aliases: [Afghan foreign ministry]\n"))
    quotes = [PAKISTAN, said("d1", "Tareq Arian"), org("d1", "foreign ministry", "unknown:d1:foreign-ministry")]
    assert unify(quotes, rules)[0][2].speaker.id == "unknown:d1:foreign-ministry"
    assert unify(quotes, load_ruleset())[0][2].speaker.id == "org:pakistan-ministry-of-foreign-affairs"


def test_known_organisations_can_be_switched_off(tmp_path: Path) -> None:
    rules = rules_with(tmp_path, identity=(
        "version: 1\nkind: identity\nrules:\n  - id: identity.default\n    description: d\n"
        "    known_organisations: false\n"))
    quotes = [PAKISTAN, org("d1", "foreign ministry", "unknown:d1:foreign-ministry"),
              org("d2", "Islamic Emirate", "unknown:d2:islamic-emirate")]
    out, merges = unify(quotes, rules)
    assert ids(out)[1:] == ["unknown:d1:foreign-ministry", "org:taliban"]  # an alias is still the rules' word


def test_role_and_organisation_passes_are_linear(ruleset: RuleSet) -> None:
    # 3,000 unnamed spokespeople and 3,000 unknown organisations: lookups by key, no pairs
    quotes = [anon(f"d{i}", "the Taliban spokesperson", "spokesperson", "Taliban") for i in range(3000)]
    quotes += [org(f"o{i}", f"Ministry {i} Affairs", f"unknown:o{i}:m") for i in range(3000)]
    t0 = time.perf_counter()
    out, merges = unify(quotes, ruleset)
    assert time.perf_counter() - t0 < 5
    assert len(merges) == 3000 and {ra.speaker.id for ra in out[:3000]} == {"person:zabihullah-mujahid"}


def test_a_nul_character_in_a_name_reads_back_from_the_store(ruleset: RuleSet) -> None:
    # SQLite's json_extract cuts a text at a NUL: the store path must parse such a line itself
    quotes = [said("d1", "Ahmad\x00 Shahzad", "commander", "Taliban"), said("d2", "Shahzad", "commander", "Taliban")]
    out, merges = unify(quotes, ruleset)  # unify checks the store path gives the same
    assert [ra.speaker.name for ra in out] == ["Ahmad\x00 Shahzad"] * 2
