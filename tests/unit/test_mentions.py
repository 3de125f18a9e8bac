"""The speaker mention grammar: the head of the phrase, appositives, asides and descriptions of people."""
from __future__ import annotations

import pytest

from attrib.model import Article
from attrib.nlp import BuiltinAnnotator
from attrib.pipeline import extract
from attrib.ruleset import load_ruleset

RULES = load_ruleset().in_scope("statements")


def speakers(text: str) -> list[tuple[str | None, str | None, str | None]]:
    """(mention, speaker name, speaker kind) of each attribution."""
    result, _ = extract(BuiltinAnnotator(RULES).annotate(Article("t", "t.txt", text)), RULES)
    return [(ra.mention.text if ra.mention else None, ra.speaker.name if ra.speaker else None,
             ra.speaker.kind.value if ra.speaker else None) for ra in result.attributions]


@pytest.mark.parametrize("text, expected", [
    # lower-case modifiers joined by "and" stay inside one phrase, whose name is the speaker
    ("“Our allies are laughing at us,” said oil and gas worker Sam Lee.",
     [("oil and gas worker Sam Lee", "Sam Lee", "person")]),
    # a description named in apposition: the name is the speaker
    ("“Most shops print a thousand,” says Roe’s partner, Sam Lee.",
     [("Roe’s partner, Sam Lee", "Sam Lee", "person")]),
    # an anonymity aside is no content, and the source stays anonymous
    ("A Treasury spokesperson, who asked not to be named, said the figures had been checked.",
     [("A Treasury spokesperson", "Treasury spokesperson", "anonymous")]),
    # a definite description of a person by what they do refers back to the person the passage is about
    ("Jane Roe owns the shop. “One!” says the affable proprietor.",
     [("the affable proprietor", "Jane Roe", "person")]),
])
def test_speaker_mentions(text, expected):
    assert speakers(text) == expected


@pytest.mark.parametrize("text, not_speaker", [
    ("“We won,” said the mayor and the council.", "the mayor and the council"),  # two speakers' phrase is not one
    ("Jane Roe paid for it. “Vote now,” the ad says.", "Jane Roe"),  # an advert is no person
    ("Jane Roe owns a shop. “We are open,” said the company.", "Jane Roe"),  # an organisation's descriptor
    ("Sam Lee’s lawyer spoke. “He is innocent,” said the lawyer’s assistant.", "Sam Lee"),
])
def test_not_the_speaker(text, not_speaker):
    assert all(not_speaker not in (m, n) for m, n, _ in speakers(text))


@pytest.mark.parametrize("text, expected", [
    # a quotation ending in a comma inside its marks, then a name and a verb form: the name speaks,
    # whatever the verb ("quipped" is in no cue rule)
    ("“It did not take me long to get a job,” quipped Jane Roe, who lives nearby.",
     [("Jane Roe", "Jane Roe", "person")]),
    ("“You are short,” Sam Lee blurted out.", [("Sam Lee", "Sam Lee", "person")]),
])
def test_quote_frame_with_any_verb(text, expected):
    assert speakers(text) == expected


@pytest.mark.parametrize("text", [
    "“We are done,” Monday was quiet.",  # an auxiliary is no verb of saying
    "“We are done.” Sam Lee walked out.",  # the quote ends its sentence: no frame
])
def test_no_quote_frame(text):
    assert all(n != "Sam Lee" and m != "Monday" for m, n, _ in speakers(text))


@pytest.mark.parametrize("text, expected", [
    # a verb joined by "and" shares the subject of the clause before it
    ("In an interview on Monday, Deputy Mayor Sam Lee praised the plan and said the dispute would not matter.",
     [("Deputy Mayor Sam Lee", "Sam Lee", "person")]),
    ("Jane Roe called the claim false and in a carefully worded reply said she never gave orders.",
     [("Jane Roe", "Jane Roe", "person")]),
    # the paragraph after an attribution, wholly a quotation, continues its speaker; an initial or an
    # abbreviation in the attribution ends no sentence
    ('"We are safe," Sam J. Lee, director of studies at the Centre, said in an e-mailed statement.\n\n'
     '"In fact, the threat may well be real."', [("Sam J. Lee, director of studies at the Centre", "Sam J. Lee", "person")] * 2),
    ('"We are safe," said Jane Roe in an Aug. 28 email.\n\n"The family may be included in the sessions."',
     [("Jane Roe in an Aug. 28 email", "Jane Roe", "person")] * 2),
])
def test_shared_and_continued_speakers(text, expected):
    assert [s for s in speakers(text) if s[0] is not None] == expected


def test_a_new_sentence_between_stops_the_continuation():
    # the sentence between is about someone else, who then speaks (quote.introduced-speaker)
    text = '"We are safe," said Jane Roe. Sam Lee disagreed.\n\n"The family may be included in the sessions."'
    assert [n for _, n, _ in speakers(text)] == ["Jane Roe", "Sam Lee"]


def test_a_sentence_opener_is_no_part_of_a_name():
    # "Knowing Lee" is no person "he" can mean; Sam Lee is
    text = ("Jane Roe met Sam Lee in May. Knowing Lee was shy, Roe spoke first. "
            "Later, he said the meeting had gone well.")
    assert [n for m, n, _ in speakers(text) if m == "he"] == ["Sam Lee"]


def test_a_photo_credit_is_no_antecedent():
    text = ("Sam Lee moved into the flat in May. (Jane Roe/The Daily Star)\n\n"
            "But he said it had been a long journey.")
    assert [n for m, n, _ in speakers(text) if m == "he"] == ["Sam Lee"]


@pytest.mark.parametrize("text, expected", [
    ("Jane Roe runs the shelter. “We are full every night.”", [(("Jane Roe", "Jane Roe", "person"))]),
    ("Jane Roe runs the shelter.\n\n“We are full every night.”", [(("Jane Roe", "Jane Roe", "person"))]),
    # no person opens the sentence before, two people do, or the quote is no sentence of its own
    ("The shelter is full. “We are full every night.”", [(None, None, None)]),
    ("Sam Lee and Jane Roe run it. “We are full every night.”", [(None, None, None)]),
    ("Jane Roe runs the shelter. It is “full every night” and growing.", []),
])
def test_a_quote_right_after_its_speaker_is_introduced(text, expected):
    assert speakers(text) == expected


def quoted(text: str) -> list[str]:
    result, _ = extract(BuiltinAnnotator(RULES).annotate(Article("t", "t.txt", text)), RULES)
    return [ra.attribution.text for ra in result.attributions]


def test_a_content_keeps_the_negation_that_governs_it():
    assert quoted("The rebels vowed not to “surrender” to their demands.") == ["not to “surrender” to their demands"]
    assert quoted("The rebels vowed to “fight” on.") == ["to “fight” on"]


@pytest.mark.parametrize("text, expected", [
    ("The Green Party met on Monday. A few hours later, the party said the vote was rigged.",
     [("the party", "Green Party", "organization")]),
    ("Workers joined the Metro Union in May. The union said most had voted yes.",
     [("The union", "Metro Union", "organization")]),
])
def test_a_descriptor_links_to_the_organisation_introduced_with_its_noun(text, expected):
    assert speakers(text) == expected


def test_a_descriptor_with_nothing_introduced_stays_unresolved():
    [(mention, name, kind)] = speakers("A few hours later, the party said the vote was rigged.")
    assert (mention, kind) == ("the party", "unknown") and name != "A few hours"


@pytest.mark.parametrize("text, expected", [
    # a document speaks for its author: after "by"/"from", its possessor, or the pronoun that owns it
    ("A statement from the EU said the talks would resume.", [("A statement from the EU", "EU", "organization")]),
    ("A release sent to media from the Metro Union late Friday said most workers had voted yes.",
     [("A release sent to media from the Metro Union", "Metro Union", "organization")]),
    ("Jane Roe resigned. Her statement said she had been misled.", [("Her statement", "Jane Roe", "person")]),
    # a name holding an organisation word, or an acronym, is an organisation, not a person
    ("The Bank of Canada said rates would rise.", [("The Bank of Canada", "Bank of Canada", "organization")]),
])
def test_documents_and_organisations(text, expected):
    assert speakers(text) == expected


def test_a_document_with_no_author_stays_a_document():
    [(mention, name, kind)] = speakers("The report said rates would rise.")
    assert kind == "unknown" and name == "report"


@pytest.mark.parametrize("text, expected", [
    # capitalised words joined by "and" before a lower-case title are one organisation's name
    ("“Results are very exciting,” says Heart and Stroke senior manager Erin Kim.",
     [("Heart and Stroke senior manager Erin Kim", "Erin Kim", "person")]),
    # two names joined by "and" are not one phrase
    ("“We won,” said Jane Roe and Sam Lee on Friday.", [("Jane Roe", "Jane Roe", "person")]),
])
def test_coordinated_names(text, expected):
    assert speakers(text) == expected


@pytest.mark.parametrize("text", [
    "Jane Roe spoke. “We lost,” The Guardian said.",  # a publication after "the" is no person
    "Jane Roe met them. The Calgary-based railway said it placed engines along the train.",
])
def test_a_name_after_the_is_no_person(text):
    assert all(k != "person" for _, _, k in speakers(text))


def test_a_party_tag_is_no_name():
    [(mention, name, kind)] = speakers(
        "Rep. Jane Roe, D-Mich., the incoming chairwoman of the panel, said in an interview that her office was ready.")
    assert (name, kind) == ("Jane Roe", "person") and mention.startswith("Rep. Jane Roe")


def test_a_pronoun_prefers_the_one_who_was_just_speaking():
    text = ("Asked what he would tell Mayor Sam Lee about the shelter, Tom Berg says: “Just listen to us.”\n\n"
            "But he said it had been a long journey.")
    assert [n for m, n, _ in speakers(text) if m == "he"] == ["Tom Berg"]


@pytest.mark.parametrize("text, expected", [
    # an opening adverbial without a comma: the noun phrase after it is the subject
    ("In early November the company announced that Jane Roe would take over.", "the company"),
    # a noun phrase right after the preposition is its object, not the subject
    ("Jane Roe called the claim false and in a carefully worded reply said she never gave orders.", "Jane Roe"),
])
def test_subjects_after_an_adverbial(text, expected):
    assert [m for m, _, _ in speakers(text) if m][-1] == expected


def test_a_quote_after_a_colon_is_the_subjects():
    assert speakers("Jane Roe, a doctor from Northfield, is more blunt: “We are uncovering horrifying things.”") \
        == [("Jane Roe", "Jane Roe", "person")]
    assert speakers("The plan has two parts: “A new road and a new bridge.”") == [(None, None, None)]


def test_a_phrase_in_marks_inside_a_sentence_is_no_quotation():
    assert speakers("A group of boys in “Make Northland Great Again” hats walked by.") == []
    assert speakers("The crowd was quiet.\n\n“We will not move from here until we are heard.”") == [(None, None, None)]


@pytest.mark.parametrize("text, expected", [
    # a word capitalised only because it opens the sentence is no name
    ("Proponents said the plan had failed.", [("Proponents", "Proponents", "unknown")]),
    # a name the article also writes inside a sentence is one, even first in a sentence
    ("A letter came from Northwind. Northwind said the plan had failed.", [("Northwind", "Northwind", "person")]),
    # an abbreviation's period opens no sentence: "Mr. Roe" is a person
    ("Jane Roe arrived. “We won,” Mr. Roe said.", [("Mr. Roe", "Jane Roe", "person")]),
])
def test_a_capital_that_only_opens_a_sentence_is_no_name(text, expected):
    assert speakers(text) == expected


def test_a_name_heads_an_appositive_title_with_commas():
    # "NAME, TITLE of A, B and C, said": the name before the title speaks, not the title
    [(_, name, kind)] = speakers("Sam Lee, Minister of Health, Sport and Culture, said the plan would work.")
    assert (name, kind) == ("Sam Lee", "person")
    # with no name before it, the title is the mention
    [(mention, _, _)] = speakers("Yesterday the Minister of Health, Sport and Culture, said the plan would work.")
    assert mention.startswith("the Minister of Health")


@pytest.mark.parametrize("text, expected", [
    # a one-word name the article takes up with "its" names an organisation
    ("Northwind posted a video to its feed. “We are proud,” Northwind said.",
     [("Northwind", "Northwind", "organization")]),
    # taken up with "his", it is a person
    ("Lee posted a video to his feed. “We are proud,” Lee said.", [("Lee", "Lee", "person")]),
    # "its" after another name between them refers to that one
    ("A call came for Lee. Lee said Northwind would cut its prices.", [("Lee", "Lee", "person")]),
    # a word of a fuller person's name is a person's, whatever pronoun follows
    ("Wang Lei arrived. Wang said the company would cut its prices.", [("Wang", "Wang", "person")]),
    # a corporate suffix makes an organisation's name
    ("Northwind Electronics Co. said profits fell in May.",
     [("Northwind Electronics Co.", "Northwind Electronics Co", "organization")]),
])
def test_organisations_by_their_names(text, expected):
    assert speakers(text) == expected


@pytest.mark.parametrize("text, expected", [
    # a definite title refers to the person the article named with it
    ("Prime Minister Jane Roe toured the plant. “We are proud,” the prime minister said.",
     [("the prime minister", "Jane Roe", "person")]),
    # with no one named with that title, the source stays anonymous
    ("Jane Roe toured the plant. “We are proud,” the prime minister said.",
     [("the prime minister", "prime minister", "anonymous")]),
])
def test_a_definite_title_refers_to_the_person_named_with_it(text, expected):
    assert speakers(text) == expected


@pytest.mark.parametrize("text, expected", [
    # a lone name described as a person by an appositive is one, and "she" can refer to her
    ("Sam Lee, a commander, said troops were sent.\n\nYuni, a resident of the area, was at home when the water "
     "came.\n\n“I ran,” she said.", ("she", "Yuni")),
    # an appositive that describes a thing makes no person of the name
    ("Sam Lee, a commander, said troops were sent.\n\nNorthwind, a charity in the area, sent food.\n\n“We ran,” "
     "he said.", ("he", "Sam Lee")),
])
def test_a_lone_name_described_as_a_person(text, expected):
    assert speakers(text)[-1][:2] == expected


@pytest.mark.parametrize("text, expected", [
    # the topic a sentence opens with ("For NAME,") is whom its "he" means
    ("Sam Lee sells comics.\n\nFor Jon Roe, the day has come. “We did it,” he said.", ("he", "Jon Roe")),
    # a time phrase in that place is no person
    ("Sam Lee sells comics.\n\nOn Christmas Day, the day had come. “We did it,” he said.", ("he", "Sam Lee")),
])
def test_the_topic_a_sentence_opens_with(text, expected):
    assert speakers(text)[-1][:2] == expected


@pytest.mark.parametrize("text, expected", [
    # "the company" refers to the company named before, whatever its name
    ("Northwind said its profit fell. “We are proud,” the company said.",
     ("the company", "Northwind", "organization")),
    # a descriptor of another kind does not ("the campaign" is no company's)
    ("Northwind said its profit fell. “We are proud,” the campaign said.", ("the campaign", "campaign", "unknown")),
])
def test_the_company_is_the_company_named_before(text, expected):
    assert speakers(text)[-1] == expected


def test_a_paragraph_in_quotes_continues_an_attribution_with_a_long_appositive():
    # the attribution clause that ends the paragraph may carry a long appositive; the next paragraph,
    # wholly a quotation, is the same speaker's
    text = ('"The problem is not new," says Sam Lee, a doctor from Northfield, N.S., who specializes in addiction '
            'treatment and runs several rural clinics in the southern part of the province.\n\n"We are just '
            'uncovering it as an issue."')
    assert [n for _, n, _ in speakers(text)] == ["Sam Lee", "Sam Lee"]
    # a sentence of its own after the attribution ends it: the next paragraph is no one's
    text = ('"The problem is not new," says Sam Lee. The clinics are full.\n\n"We are just uncovering it as an '
            'issue."')
    assert [n for _, n, _ in speakers(text)] == ["Sam Lee", None]


@pytest.mark.parametrize("text, expected", [
    # "a NOUN named NAME": the person the phrase names is the speaker
    ("A disaster agency official in Banten named Jhony told reporters that most victims were tourists.",
     [("A disaster agency official in Banten named Jhony", "Jhony", "person")]),
    # no name after the naming word: the source stays anonymous
    ("A disaster agency official in Banten told reporters that most victims were tourists.",
     [("A disaster agency official in Banten", "disaster agency official", "anonymous")]),
])
def test_a_phrase_that_names_its_person(text, expected):
    assert speakers(text) == expected


@pytest.mark.parametrize("text, expected", [
    # a cue in a relative clause of the speaker's phrase does not hide the speaker of the cue after it
    ("Tatiana Roe, an expert who writes about the Kremlin, noted that the stance stems from his view of the West.",
     "Tatiana Roe"),
    # "points out" reports a statement ('"...," points out X')
    ("“You are talking about one genre only,” points out Sam Lee.", "Sam Lee"),
])
def test_speakers_past_relative_cues_and_pointing_out(text, expected):
    assert [n for _, n, _ in speakers(text)] == [expected]


def test_a_time_phrase_inside_the_verb_group():
    # "have for years been saying": the subject before the time phrase speaks
    assert speakers("Public health researchers have for years been saying that governments need to act.") == [
        ("Public health researchers", "Public health researchers", "group")]


@pytest.mark.parametrize("text, expected", [
    # a part of a group ("Some in the community") speaks as a group
    ("Some in the Muslim community say the support has dried up.",
     [("Some in the Muslim community", "Some in the Muslim community", "group")]),
    # a determiner alone names no one (and is no subject a cue takes)
    ("Some say the support has dried up.", []),
])
def test_a_part_of_a_group(text, expected):
    assert speakers(text) == expected
