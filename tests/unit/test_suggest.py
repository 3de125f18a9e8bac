"""suggest (and roster): rule stubs for the speakers and organisations a run has and the rules lack.

Quotes are built by hand as ``rundir.read_quotes`` gives them; every stub file written
must load with the rules it was made for.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from attrib.ids import slug
from attrib.model import Attribution, Cue, QuoteType, ResolvedAttribution, Span, Speaker, SpeakerKind
from attrib.roster import format_csv, format_table, speaker_rows
from attrib.ruleset import RuleSet, load_ruleset
from attrib.suggest import _scalar, organisations_yaml, speakers_yaml, suggest_rules


def said(doc: str, name: str, mention: str | None = None, role: str | None = None, affiliation: str | None = None,
         *, kind: SpeakerKind = SpeakerKind.PERSON, sid: str | None = None, start: int = 0,
         text: str = '"We hold the crossing,"') -> ResolvedAttribution:
    m = Span(100, 100 + len(mention or name), mention or name)
    a = Attribution(doc, start, start + len(text), text, QuoteType.DIRECT, Cue(90, 94, "said", "say", "cue.x"), m,
                    None, ())
    prefix = "org" if kind in (SpeakerKind.ORGANIZATION, SpeakerKind.COUNTRY) else "person"
    return ResolvedAttribution(a, Speaker(sid or f"{prefix}:{slug(name)}", name, kind, role, affiliation, ()), m)


CORPUS = [
    said("d1", "Zalmay Hamidi", "Taliban commander Zalmay Hamidi", "commander", "Taliban"),
    said("d1", "Zalmay Hamidi", "Hamidi", "commander", "Taliban", start=50),
    said("d2", "Zalmai Hamidi", "Zalmai Hamidi", "commander", "Taliban"),
    said("d3", "Zalmay Hamidi", "he", "commander", "Taliban"),
    said("d2", "Ahmad Khan", "Khan", "spokesman", "Haqqani network"),  # "Khan" is Imran Khan's alias
    said("d3", "Ahmad Khan", "Ahmad Khan, a Haqqani network spokesman", "spokesman", "Haqqani network", start=60),
    said("d4", "Nadia Rahimi", "local administration official Nadia Rahimi", "local administration official"),
    said("d4", "Zabihullah Mujahid", "Mujahid", "spokesman", "Taliban", start=70),  # known to the rules
    said("d4", "senior official", "a senior official", "official", kind=SpeakerKind.ANONYMOUS, sid="anon:d4:1",
         start=90),
    said("d5", "Hezb-e-Islami", "Hezb-e-Islami", kind=SpeakerKind.ORGANIZATION),
    said("d5", "Taliban", "The Taliban", kind=SpeakerKind.ORGANIZATION, start=80),  # known
]


@pytest.fixture(scope="module")
def found(ruleset: RuleSet):
    return suggest_rules(CORPUS, [], ruleset, source="corpus")


def test_unknown_people_most_quoted_first(found) -> None:
    assert [s.name for s in found.speakers] == ["Zalmay Hamidi", "Ahmad Khan", "Nadia Rahimi"]
    hamidi = found.speakers[0]
    assert (hamidi.id, hamidi.quotes, hamidi.articles, hamidi.role, hamidi.affiliation) == (
        "speaker.zalmay-hamidi", 4, 3, "commander", "Taliban")
    # the other spelling (merged by identity: same affiliation) and the surname alone are aliases
    assert hamidi.aliases == ("Zalmai Hamidi", "Hamidi")
    assert hamidi.mentions == ("Hamidi", "Taliban commander Zalmay Hamidi", "Zalmai Hamidi", "he")  # ties by text


def test_known_anonymous_and_group_speakers_are_not_suggested(found) -> None:
    names = {s.name for s in found.speakers} | {o.name for o in found.organisations}
    assert not names & {"Zabihullah Mujahid", "senior official", "Taliban"}


def test_an_alias_another_rule_claims_is_left_out(found) -> None:
    khan = next(s for s in found.speakers if s.name == "Ahmad Khan")
    assert khan.aliases == ()
    assert khan.left_out == ('"Khan" (an alias of speaker.imran-khan)',)
    assert '# aliases left out: "Khan" (an alias of speaker.imran-khan)' in speakers_yaml(found)


def test_unknown_organisations_are_suggested_and_referenced(found) -> None:
    assert [(o.id, o.name, o.kind) for o in found.organisations] == [
        ("org.haqqani-network", "Haqqani network", "organization"),
        ("org.hezb-e-islami", "Hezb-e-Islami", "organization")]
    assert next(s for s in found.speakers if s.name == "Ahmad Khan").affiliation == "Haqqani network"


def test_affiliation_guessed_from_the_role(found) -> None:
    rahimi = next(s for s in found.speakers if s.name == "Nadia Rahimi")
    assert rahimi.affiliation == "Chaman local administration"
    assert "guessed from the role" in rahimi.affiliation_note


def test_stubs_load_with_the_rules_they_were_made_for(found, tmp_path: Path) -> None:
    (tmp_path / "speakers.yaml").write_text(speakers_yaml(found), encoding="utf-8")
    (tmp_path / "organisations.yaml").write_text(organisations_yaml(found), encoding="utf-8")
    rs = load_ruleset([tmp_path])
    by_id = {s.id: s for s in rs.speakers}
    assert by_id["speaker.zalmay-hamidi"].aliases == ("Zalmai Hamidi", "Hamidi")
    assert by_id["speaker.ahmad-khan"].affiliation == "Haqqani network"
    assert rs.org("Hezb-e-Islami") is not None
    # and once loaded, the same run suggests none of them again
    again = suggest_rules(CORPUS, [], rs, source="corpus")
    assert (again.speakers, again.organisations) == ((), ())
    assert speakers_yaml(again).splitlines()[-1] == "rules: []"


def test_stub_comments_carry_counts_and_an_example(found) -> None:
    text = speakers_yaml(found)
    assert "  # 4 quotes in 3 articles; seen as: Hamidi; Taliban commander Zalmay Hamidi; Zalmai Hamidi; he" in text
    assert '  # e.g. d1: "We hold the crossing," (Taliban commander Zalmay Hamidi said)' in text


def test_new_ids_do_not_collide(tmp_path: Path) -> None:
    (tmp_path / "speakers.yaml").write_text(
        "version: 1\nkind: speakers\nrules:\n  - {id: speaker.nadia-rahimi, description: d, name: Nadia Q. Rahimi}\n",
        encoding="utf-8")
    rs = load_ruleset([tmp_path])
    got = suggest_rules([said("d1", "Nadia Rahimi", role="governor")], [], rs)
    assert [s.id for s in got.speakers] == ["speaker.nadia-rahimi-2"]


def test_min_quotes(ruleset: RuleSet) -> None:
    got = suggest_rules(CORPUS, [], ruleset, min_quotes=2)
    assert [s.name for s in got.speakers] == ["Zalmay Hamidi", "Ahmad Khan"]


@pytest.mark.parametrize("value", ["Jane Doe", "yes", "Ahmad: the elder", "O'Brien", "#1 source", "null", "x",
                                   "Tareq “Tiger” Arian", "  padded ", "a - b"])
def test_yaml_scalars_read_back_as_written(value: str) -> None:
    assert yaml.safe_load(f"k: {_scalar(value)}")["k"] == value


# ---------------------------------------------------------------- roster (attrib speakers)


def test_rows_and_sort_orders() -> None:
    rows = speaker_rows(CORPUS)
    assert [(r.name, r.quotes, r.articles) for r in rows[:2]] == [("Zalmay Hamidi", 3, 2), ("Ahmad Khan", 2, 2)]
    assert [r.name for r in speaker_rows(CORPUS, sort="name")][:3] == ["Ahmad Khan", "Hezb-e-Islami", "Nadia Rahimi"]
    by_articles = speaker_rows(CORPUS, sort="articles")
    assert by_articles[0].articles == max(r.articles for r in rows)
    with pytest.raises(ValueError, match='no such sort key: "size"; known: quotes, articles, name'):
        speaker_rows(CORPUS, sort="size")


def test_table_and_csv() -> None:
    rows = speaker_rows(CORPUS)
    table = format_table(rows).splitlines()
    assert table[0].split() == ["name", "id", "kind", "affiliation", "quotes", "articles", "seen", "as"]
    assert re.split(r"\s{2,}", table[2]) == ["Zalmay Hamidi", "person:zalmay-hamidi", "person", "Taliban", "3", "2",
                                          "Zalmay Hamidi; Hamidi; Taliban commander Zalmay Hamidi; he"]
    csv_lines = format_csv(rows).splitlines()
    assert csv_lines[0] == "name,id,kind,affiliation,role,quotes,articles,seen_as"
    assert csv_lines[1] == ("Zalmay Hamidi,person:zalmay-hamidi,person,Taliban,commander,3,2,"
                            "Zalmay Hamidi; Hamidi; Taliban commander Zalmay Hamidi; he")
