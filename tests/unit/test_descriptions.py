"""What the text says of a named person: role and affiliation from the words around the name."""
from __future__ import annotations

import pytest

from attrib.descriptions import Descriptions
from attrib.model import Article
from attrib.nlp import BuiltinAnnotator
from attrib.pipeline import extract
from attrib.ruleset import load_ruleset

RULES = load_ruleset()


@pytest.mark.parametrize("text, name, role, affiliation, rule", [
    ("Jane Roe, a spokeswoman for Metro Transit, said the buses were late.", "Jane Roe", "spokeswoman",
     "Metro Transit", "affiliation.appositive"),
    ("Jane Roe, president of Dying with Dignity Canada, said so.", "Jane Roe", "president",
     "Dying with Dignity Canada", "affiliation.appositive"),
    ("Jane Roe, the Green Party leader, spoke first.", "Jane Roe", "leader", "Green Party", "affiliation.appositive"),
    ("Jane Roe, Metro Transit's spokeswoman, spoke first.", "Jane Roe", "spokeswoman", "Metro Transit",
     "affiliation.appositive"),
    ("Jane Roe, Yellowhead MP, spoke first.", "Jane Roe", "mp", "Yellowhead", "affiliation.appositive"),
    ("Sam Lee, the co-founder of the tech giant Northwind, spoke.", "Sam Lee", "co-founder", "Northwind",
     "affiliation.appositive"),
    ("Jane Roe, who heads the Metro Union, spoke first.", "Jane Roe", None, "Metro Union", "affiliation.heads"),
    ("Jane Roe of the Metro Union spoke first.", "Jane Roe", None, "Metro Union", "affiliation.preposition"),
    ("Northfield University economist Sam Lee spoke first.", "Sam Lee", "economist", "Northfield University",
     "affiliation.premodifier"),
    ("Green Party Leader Jane Roe spoke first.", "Jane Roe", "leader", "Green Party", "affiliation.premodifier"),
    # the organisation is the one after the preposition, not a place phrase
    ("Sam Lee, a lawyer with Roe and Lee in Toronto, spoke first.", "Sam Lee", "lawyer", "Roe and Lee",
     "affiliation.appositive"),
    ("Sam Lee, Chief Market Strategist at Northwind, spoke first.", "Sam Lee", "chief market strategist",
     "Northwind", "affiliation.appositive"),
    ("Sam Lee, who works with Roe and Lee, spoke first.", "Sam Lee", None, "Roe and Lee", "affiliation.heads"),
    ("Sam Lee, who is product manager for Northwind, spoke first.", "Sam Lee", "product manager", "Northwind",
     "affiliation.appositive"),
    # a party before a title, and not the seat after it
    ("Jane Roe, Liberal MLA for Northfield Bay, spoke first.", "Jane Roe", "mla", "Liberal",
     "affiliation.appositive"),
    # whose title it is: the possessor, a person or an organisation
    ("Sam Lee’s campaign manager Jane Roe spoke first.", "Jane Roe", "campaign manager", "Sam Lee",
     "affiliation.possessor"),
    ("Roe's agent, Sam Lee, spoke first.", "Sam Lee", "agent", "Roe", "affiliation.possessor"),
    # the surname alone later in the article takes what the introduction said
    ("Jane Roe, a spokeswoman for Metro Transit, arrived. Roe spoke first.", "Roe", "spokeswoman", "Metro Transit",
     "affiliation.appositive"),
    ("It was a year for Northland President Jane Roe.\n\nRoe said the talks would resume.", "Roe", "president",
     "Northland", "affiliation.premodifier"),
])
def test_stated_role_and_affiliation(text, name, role, affiliation, rule):
    d = Descriptions(text, RULES).of(name)
    assert d is not None and (d.role, d.affiliation, d.rule_id) == (role, affiliation, rule)


@pytest.mark.parametrize("text, name", [
    ("Jane Roe, who was named chair in May, spoke first.", "Jane Roe"),
    ("Jane Roe, 58, spoke first.", "Jane Roe"),
    ("Jane Roe, a mother of two, spoke first.", "Jane Roe"),
    ("Her agent, Jane Roe, spoke first.", "Jane Roe"),  # a pronoun's: no name to give
    ("Asked about the mayor, Jane Roe spoke first.", "Jane Roe"),  # maybe whom she spoke of
    ("Jane Roe, the Secretary of State, spoke first.", "Jane Roe"),  # one title
    ("Jane Roe, a state representative who graduated from Northfield College, spoke.", "Jane Roe"),  # a clause
])
def test_no_affiliation_where_none_is_stated(text, name):
    d = Descriptions(text, RULES).of(name)
    assert d is None or d.affiliation is None


def affiliation_of(text: str, name: str) -> str | None:
    """The affiliation the article states for ``name``, or None."""
    d = Descriptions(text, RULES).of(name)
    return d.affiliation if d else None


def speaker_of(text: str):
    rules = RULES.in_scope("statements")
    result, _ = extract(BuiltinAnnotator(rules).annotate(Article("t", "t.txt", text)), rules)
    return [(ra.speaker.name, ra.speaker.kind.value, ra.speaker.role, ra.speaker.affiliation, ra.rule_ids)
            for ra in result.attributions]


def test_a_speaker_carries_the_affiliation_its_introduction_states():
    [(name, kind, role, aff, rids)] = speaker_of(
        "Jane Roe, a spokeswoman for Metro Transit, arrived late. “We are full,” Roe said.")
    assert (name, kind, role, aff) == ("Jane Roe", "person", "spokeswoman", "Metro Transit")
    assert "affiliation.appositive" in rids


def test_an_unnamed_spokesperson_speaks_for_the_organisation_before_the_role():
    [(name, kind, role, aff, _)] = speaker_of(
        "A Treasury spokesperson, who asked not to be named, said the figures had been checked.")
    assert (kind, role, aff) == ("anonymous", "spokesperson", "Treasury")


def test_the_first_stated_affiliation_wins_over_a_bare_title_before_it():
    # "spokesperson Sam Lee" gives only a role; the later appositive states the organisation
    d = Descriptions("Spokesperson Sam Lee arrived. Sam Lee, a spokesperson for Metro Transit, spoke.", RULES).of(
        "Sam Lee")
    assert (d.role, d.affiliation) == ("spokesperson", "Metro Transit")
    # with no affiliation anywhere, the title alone
    d = Descriptions("Spokesperson Sam Lee arrived. Sam Lee spoke.", RULES).of("Sam Lee")
    assert (d.role, d.affiliation) == ("spokesperson", None)


def test_a_reporting_verb_is_no_role():
    # ", agreed with Roe's approach," is a clause about the person, not a title and an organisation
    d = Descriptions("Later Sam Lee, agreed with Jane Roe, left. Sam Lee, a director at Metro Health, spoke.",
                     RULES).of("Sam Lee")
    assert (d.role, d.affiliation) == ("director", "Metro Health")
    d = Descriptions("Sam Lee, agreed with Jane Roe's approach, left.", RULES).of("Sam Lee")
    assert d is None or d.affiliation is None


def test_the_title_before_a_name_is_no_part_of_the_name():
    # the fuller name a surname stands for leaves out the title written before it, which is the role
    [(name, _, role, aff, _)] = speaker_of("Labour Leader Jeremy Roe spoke on Monday. “We won,” Roe said.")
    assert (name, role, aff) == ("Jeremy Roe", "leader", "Labour")
    [(name, _, _, _, _)] = speaker_of("Jeremy Roe spoke on Monday. “We won,” Roe said.")
    assert name == "Jeremy Roe"
    # an abbreviated title too, and its period stays as written
    [(name, _, _, _, _)] = speaker_of("Northfield Sen. Jeremy Roe spoke on Monday. “We won,” Roe said.")
    assert name == "Jeremy Roe"
    [(name, _, _, _, _)] = speaker_of("Jeremy K. Roe spoke on Monday. “We won,” Roe said.")
    assert name == "Jeremy K. Roe"
    # military ranks are titles
    [(name, _, _, _, _)] = speaker_of("Vice Admiral Jeremy Roe spoke on Monday. “We won,” Roe said.")
    assert name == "Jeremy Roe"


@pytest.mark.parametrize("text, affiliation", [
    ("Rep. Jane Roe, D-Mich., the ranking member, spoke first.", "Democratic Party"),
    ("Sen. Sam Lee (R-Ky.) spoke first.", "Republican Party"),
    ("Sen. Sam Lee, X-Ky., spoke first.", None),  # a letter no party rule claims
    ("Sen. Sam Lee, D-Day veteran, spoke first.", None),  # no tag: "D-Day" is no state
])
def test_a_party_and_state_tag_names_the_party(text, affiliation):
    name = "Jane Roe" if "Jane" in text else "Sam Lee"
    assert affiliation_of(text, name) == affiliation


def test_a_possessed_speaker_speaks_for_its_possessor():
    # "Roe's office" speaks for Jane Roe, named before in full; "Roe's agent, Sam Lee" for her too
    [(name, _, _, aff, _)] = speaker_of("Jane Roe won the seat. “We are pleased,” Roe's office said.")
    assert (name, aff) == ("Roe's office", "Jane Roe")
    [(name, _, role, aff, rids)] = speaker_of("Jane Roe won the seat. “She is pleased,” Roe's agent, Sam Lee, said.")
    assert (name, role, aff) == ("Sam Lee", "agent", "Jane Roe") and "affiliation.possessor" in rids
    # no possessor, no affiliation
    [(_, _, _, aff, _)] = speaker_of("Jane Roe won the seat. “We are pleased,” the office said.")
    assert aff is None


def test_a_nationality_ties_a_source_to_its_country():
    # the default rules know the world's countries and their adjectives
    [(_, kind, _, aff, _)] = speaker_of("A Canadian official said the talks had stalled.")
    assert (kind, aff) == ("anonymous", "Canada")
    [(name, kind, _, _, _)] = speaker_of("Canada said the talks had stalled.")
    assert (name, kind) == ("Canada", "country")


def test_a_country_after_a_preposition_of_place_is_where_not_whom_for():
    [(name, _, _, aff, _)] = speaker_of("Sam Lee, who began his career in Mexico, said the plan would work.")
    assert (name, aff) == ("Sam Lee", None)
    [(name, _, _, aff, _)] = speaker_of("Sam Lee, a Mexican diplomat, said the plan would work.")
    assert (name, aff) == ("Sam Lee", "Mexico")


@pytest.mark.parametrize("text, name, kind, affiliation", [
    # a country's name inside a longer name is part of an organisation's name, not the country
    ("The Bank of Canada said rates would rise.", "Bank of Canada", "organization", "Bank of Canada"),
    ("Health Canada said the water was safe.", "Health Canada", "unknown", None),  # no organisation word in it
    # after a title or a determiner, the country's adjective is the source's nationality
    ("Canadian Prime Minister Sam Lee said rates would rise.", "Sam Lee", "person", "Canada"),
    ("A Canadian official said rates would rise.", "Canadian official", "anonymous", "Canada"),
])
def test_a_country_inside_a_longer_name_is_no_affiliation(text, name, kind, affiliation):
    [(got, got_kind, _, aff, _)] = speaker_of(text)
    assert (got, got_kind, aff) == (name, kind, affiliation)


@pytest.mark.parametrize("text, name, affiliation", [
    # "NAME with ORG": the organisation the person is with
    ("Sam Lee with Railroad Workers United spoke first.", "Sam Lee", "Railroad Workers United"),
    # not a preposition of place right after a name: where the person is
    ("Sam Lee at the White House spoke first.", "Sam Lee", None),
    # a title inside an organisation's name does not end it; one that ends the capitalised run does
    ("Jane Roe, Liberal MLA for Northfield Bay, spoke first.", "Jane Roe", "Liberal"),
    # a description stays on its line: a credit line above is no part of it
    ("Photo: Metro Transit\nCEO Sam Lee spoke first.", "Sam Lee", None),
])
def test_organisations_after_a_name_and_their_bounds(text, name, affiliation):
    assert affiliation_of(text, name) == affiliation


@pytest.mark.parametrize("text, name, kind", [
    ("A release from UFCW Local 832 said the vote was close.", "UFCW Local 832", "organization"),  # an acronym
    ("A statement by the Prime Minister's Office said the vote was close.", "Prime Minister's Office",
     "organization"),  # a title inside an organisation's name
    ("Prime Minister Sam Lee said the vote was close.", "Sam Lee", "person"),
])
def test_organisations_named_with_acronyms_and_titles(text, name, kind):
    [(got, got_kind, _, _, _)] = speaker_of(text)
    assert (got, got_kind) == (name, kind)


@pytest.mark.parametrize("text, path", [
    # a body of a state named with the country's adjective or after "of" has the country as its parent
    ("Sam Lee, a spokesman for the Chilean Foreign Ministry, said talks would go on.",
     ("Chilean Foreign Ministry", "Chile")),
    ("Sam Lee, a spokesman for the Embassy of Chile, said talks would go on.", ("Embassy of Chile", "Chile")),
    # a company named with a country's adjective is no body of that state
    ("Sam Lee, a spokesman for Chilean Pacific Railway, said talks would go on.", ("Chilean Pacific Railway",)),
])
def test_the_text_gives_a_state_body_its_country(text, path):
    rules = RULES.in_scope("statements")
    result, _ = extract(BuiltinAnnotator(rules).annotate(Article("t", "t.txt", text)), rules)
    assert result.attributions[0].speaker.affiliation_path == path


@pytest.mark.parametrize("text, role, affiliation", [
    # a lower-case noun for a person by what they do, right before the name, is a title the rules lack
    ("Northfield cartoonist Sam Lee spoke first.", "cartoonist", "Northfield"),
    # a function word with an agent ending is none
    ("Northfield after Sam Lee spoke first.", None, None),
])
def test_a_title_by_its_ending(text, role, affiliation):
    d = Descriptions(text, RULES).of("Sam Lee")
    assert ((d.role, d.affiliation) if d else (None, None)) == (role, affiliation)


@pytest.mark.parametrize("text, name, affiliation", [
    # an organisation's name runs over an abbreviation's period and an inner possessive
    ("Sam Lee, a researcher with St. Michael's Hospital in Northfield, spoke first.", "Sam Lee",
     "St. Michael's Hospital"),
    # a title ends right before the name: "Roe's agent helped Sam Lee" is no title of his
    ("Roe's agent helped Sam Lee get the job.", "Sam Lee", None),
])
def test_names_of_organisations_and_surnames(text, name, affiliation):
    assert affiliation_of(text, name) == affiliation


def test_his_or_her_office_speaks_for_the_person_the_passage_is_about():
    [(name, _, _, aff, _)] = speaker_of("Jane Roe won the seat. “We are pleased,” her office said.")
    assert (name, aff) == ("office", "Jane Roe")
    # "his" is no woman's
    [(name, _, _, aff, _)] = speaker_of("Mrs. Jane Roe won the seat. “We are pleased,” his office said.")
    assert aff is None



# ---------------------------------------------------------------- affiliation.dependency: what a parse attaches


def _parsed(text: str, words: list[tuple[str, str, int, str]]):
    """The sentence of ``text`` with a hand-made parse: (word, upos, head, deprel) for each built-in token."""
    import stanza

    from attrib.nlp import from_stanza_document

    pos, sent = 0, []
    for i, (word, upos, head, deprel) in enumerate(words, 1):
        start = text.index(word, pos)
        pos = start + len(word)
        sent.append({"id": i, "text": word, "upos": upos, "lemma": word.lower(), "head": head, "deprel": deprel,
                     "start_char": start, "end_char": pos})
    return from_stanza_document(Article("t", "t.txt", text), stanza.Document([sent], text=text), RULES).sentences[0]


def _by_parse(text: str, words: list[tuple], name: str):
    from attrib.descriptions import dependency

    s = text.index(name)
    return dependency(text, _parsed(text, words).tokens, s, s + len(name), RULES)


def test_parse_reads_an_organisation_in_the_appositive_title() -> None:
    # the text reader stops at the inner comma; the parse ties "Northwind Mobile" to the title
    text = "Jane Roe, vice-president, external affairs for Northwind Mobile, said no."
    words = [("Jane", "PROPN", 2, "flat"), ("Roe", "PROPN", 13, "nsubj"), (",", "PUNCT", 2, "punct"),
             ("vice-president", "NOUN", 2, "appos"), (",", "PUNCT", 4, "punct"), ("external", "ADJ", 7, "amod"),
             ("affairs", "NOUN", 4, "appos"), ("for", "ADP", 10, "case"), ("Northwind", "PROPN", 10, "compound"),
             ("Mobile", "PROPN", 4, "nmod"), (",", "PUNCT", 2, "punct"), ("said", "VERB", 13, "dep"),
             ("no", "INTJ", 0, "root"), (".", "PUNCT", 13, "punct")]
    assert Descriptions(text, RULES).of("Jane Roe") is None
    d = Descriptions(text, RULES, [_parsed(text, words)]).of("Jane Roe")
    assert (d.role, d.affiliation, d.rule_id) == ("vice-president", "Northwind Mobile", "affiliation.dependency")


@pytest.mark.parametrize(("text", "words", "expected"), [
    # a possessor right before the name, or with a title between
    ("Northwind's Jane Roe said no.",
     [("Northwind", "PROPN", 4, "nmod:poss"), ("'s", "PART", 1, "case"), ("Jane", "PROPN", 4, "compound"),
      ("Roe", "PROPN", 5, "nsubj"), ("said", "VERB", 0, "root"), ("no", "INTJ", 5, "obj"), (".", "PUNCT", 5, "punct")],
     "Northwind"),
    # must not: a possessor with no title between it and the name ("Roe's friend": no organisation)
    ("Northwind's longtime friend Jane Roe said no.",
     [("Northwind", "PROPN", 6, "nmod:poss"), ("'s", "PART", 1, "case"), ("longtime", "ADJ", 4, "amod"),
      ("friend", "NOUN", 6, "compound"), ("Jane", "PROPN", 6, "compound"), ("Roe", "PROPN", 7, "nsubj"),
      ("said", "VERB", 0, "root"), ("no", "INTJ", 7, "obj"), (".", "PUNCT", 7, "punct")],
     None),
    # must not: a title before the name is no organisation
    ("Gov. Jane Roe said no.",
     [("Gov.", "PROPN", 3, "compound"), ("Jane", "PROPN", 3, "compound"), ("Roe", "PROPN", 4, "nsubj"),
      ("said", "VERB", 0, "root"), ("no", "INTJ", 4, "obj"), (".", "PUNCT", 4, "punct")],
     None),
])
def test_parse_reads_a_possessor_before_the_name(text: str, words: list[tuple], expected: str | None) -> None:
    d = _by_parse(text, words, "Jane Roe")
    assert (d.affiliation if d else None) == expected


def test_the_parse_is_read_only_where_the_text_gives_no_affiliation() -> None:
    text = "Jane Roe, a spokeswoman for Metro Transit, said no."
    words = [("Jane", "PROPN", 2, "flat"), ("Roe", "PROPN", 10, "nsubj"), (",", "PUNCT", 2, "punct"),
             ("a", "DET", 5, "det"), ("spokeswoman", "NOUN", 2, "appos"), ("for", "ADP", 8, "case"),
             ("Metro", "PROPN", 8, "compound"), ("Transit", "PROPN", 5, "nmod"), (",", "PUNCT", 2, "punct"),
             ("said", "VERB", 0, "root"), ("no", "INTJ", 10, "obj"), (".", "PUNCT", 10, "punct")]
    d = Descriptions(text, RULES, [_parsed(text, words)]).of("Jane Roe")
    assert (d.affiliation, d.rule_id) == ("Metro Transit", "affiliation.appositive")
