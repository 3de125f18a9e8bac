"""Stage 3, quotes: passages in quotation marks, found on the article's characters."""
from __future__ import annotations

import pytest

from attrib.model import Article
from attrib.nlp import BuiltinAnnotator
from attrib.quotes import find_quotes, masked_spans
from attrib.ruleset import load_ruleset

RULES = load_ruleset()


def quotes_of(text: str) -> tuple[list[str], list[str]]:
    ann = BuiltinAnnotator(RULES).annotate(Article("t", "t.txt", text))
    quotes, problems = find_quotes(ann, RULES)
    for q in quotes:
        assert text[q.start:q.end] == q.text and q.doc_id == "t"
    return [q.text for q in quotes], [str(p) for p in problems]


QUOTE_CASES = [
    # the kinds of marks in rules/quotes.yaml
    ("“We will not retreat,” the commander said.", ["“We will not retreat,”"]),
    ('"We will not retreat," the commander said.', ['"We will not retreat,"']),
    ("The commander said ‘we will not retreat’ on Sunday.", ["‘we will not retreat’"]),
    ("The commander said 'we will not retreat' on Sunday.", ["'we will not retreat'"]),
    ("''We will not retreat,'' the commander said.", ["''We will not retreat,''"]),
    ("«Nous resterons,» the commander said.", ["«Nous resterons,»"]),
    # a straight mark closes a curly quotation whose own closing mark never comes (a typo) ...
    ("“We will not retreat,\" the commander said.", ["“We will not retreat,\""]),
    # ... but not one whose closing mark comes later: there it is a nested quotation's
    ("“He said \"no\" and left,” the commander said.", ["“He said \"no\" and left,”"]),
    # a nickname between two parts of a name is no quotation
    ('State Del. Marcia "Cia" Price shouted to the crowd.', []),
    ('Mullah Omar "The Elder" Khan said nothing about the talks on Monday.', []),
    ('He called it "Madness" on Tuesday.', ['"Madness"']),
    # apostrophes are never marks
    ("The Taliban’s flag flew over the market.", []),
    ("They don’t know who fired first, the guards’ commander said.", []),
    ("Don't cross the line, the guards' commander said.", []),
    ("In the ’90s the road was rebuilt.", []),
    # ... even inside a quotation of the same kind of mark
    ("He said ‘the Taliban’s days are over’ and left.", ["‘the Taliban’s days are over’"]),
    ("He said 'don't shoot' and left.", ["'don't shoot'"]),
    ("The guards' officer said 'all clear' at noon.", ["'all clear'"]),
    ("The soldiers’ “victory” was short.", ["“victory”"]),
    # inch marks are not quotation marks
    ('The pipe is 6" wide and 2" thick.', []),
    ('He is 5\'9" tall.', []),
    ('The pipe is 3" wide, he said "twice" that day.', ['"twice"']),
    # several sentences inside one pair of marks are one quote
    ("“We held the bridge. We still hold it. We will hold it tomorrow,” he said.",
     ["“We held the bridge. We still hold it. We will hold it tomorrow,”"]),
    # split quotes: each part is a quote of its own
    ("“We held the bridge,” he said, “and we will hold the town.”",
     ["“We held the bridge,”", "“and we will hold the town.”"]),
    ("“It is over,” he said. “We won.”", ["“It is over,”", "“We won.”"]),
    # empty marks are no quote
    ("He said “” and left.", []),
    ("No marks at all here.", []),
]


@pytest.mark.parametrize(("text", "expected"), QUOTE_CASES)
def test_find_quotes(text: str, expected: list[str]) -> None:
    quotes, problems = quotes_of(text)
    assert quotes == expected
    assert problems == []


MULTI_PARAGRAPH_CASES = [
    # an opening mark on each paragraph, a closing mark on the last only: one quote
    ("“We reached the river at dawn.\n\n“We crossed it by noon,” he said.",
     ["“We reached the river at dawn.\n\n“We crossed it by noon,”"]),
    ("“One.\n\n“Two.\n\n“Three,” he said.", ["“One.\n\n“Two.\n\n“Three,”"]),
    # each paragraph closed: two quotes
    ("“We reached the river at dawn.”\n\n“We crossed it by noon,” he said.",
     ["“We reached the river at dawn.”", "“We crossed it by noon,”"]),
    # a quote in the middle of a paragraph that runs on
    ("The “talks” went on.\n\nHe said “we will stay, and then\n\n“we will go home.”",
     ["“talks”", "“we will stay, and then\n\n“we will go home.”"]),
]


@pytest.mark.parametrize(("text", "expected"), MULTI_PARAGRAPH_CASES)
def test_multi_paragraph_quotes(text: str, expected: list[str]) -> None:
    quotes, problems = quotes_of(text)
    assert quotes == expected
    assert problems == []


UNCLOSED_CASES = [
    # (text, quotes still found, warnings): the unclosed mark is reported at its line:col
    ("He said: “we will win.\n\nThe town is quiet. Nobody said “anything” at all.",
     ["“anything”"], ["t.txt:1:10: quotation mark '“' is never closed in its paragraph; left out of the quotes"]),
    ("First line.\nThe minister said: “the talks are over.\nThey said “nothing” later.\n\nA new “day” began.",
     ["“nothing”", "“day”"],
     ["t.txt:2:20: quotation mark '“' is never closed in its paragraph; left out of the quotes"]),
    ("Closed “here” first.\nOpen “never closed", ["“here”"],
     ["t.txt:2:6: quotation mark '“' is never closed in its paragraph; left out of the quotes"]),
    ('He said "we will win and left.\n\nThen "peace" came.', ['"peace"'],
     ["t.txt:1:9: quotation mark '\"' is never closed in its paragraph; left out of the quotes"]),
    # issue 3: a paragraph opening with the same mark two paragraphs later does not continue the quote
    ('They called it "a mistake.”\n\nThe judge agreed.\n\n"The court is aware of it," she wrote.',
     ['"The court is aware of it,"'],
     ["t.txt:1:16: quotation mark '\"' is never closed in its paragraph; left out of the quotes"]),
]


@pytest.mark.parametrize(("text", "expected_quotes", "expected_problems"), UNCLOSED_CASES)
def test_unclosed_mark_is_reported_and_swallows_nothing(text: str, expected_quotes: list[str],
                                                        expected_problems: list[str]) -> None:
    quotes, problems = quotes_of(text)
    assert quotes == expected_quotes
    assert problems == expected_problems


def test_unclosed_mark_problem_is_a_warning() -> None:
    ann = BuiltinAnnotator(RULES).annotate(Article("t", "dir/t.txt", "Fine.\n\nHe said “oops"))
    _, problems = find_quotes(ann, RULES)
    assert [(p.path, p.line, p.col, p.level) for p in problems] == [("dir/t.txt", 3, 9, "warning")]


CAPTION_CASES = [
    # photo captions with a credit are no quotes, even with marks inside
    ("Fighters raise a “victory” flag near the crossing [Tariq Achkzai/AP]", []),
    ("A market in Chaman, “the gateway” to the south [File: Akhter Gulfam/EPA]\n\n“We are open,” he said.",
     ["“We are open,”"]),
    # square brackets without a credit are ordinary text
    ("“No [government] forces are there,” he said.", ["“No [government] forces are there,”"]),
]


@pytest.mark.parametrize(("text", "expected"), CAPTION_CASES)
def test_photo_credit_filter(text: str, expected: list[str]) -> None:
    quotes, _ = quotes_of(text)
    assert quotes == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("A flag in Chaman [Tariq Achkzai/AP]", ["filter.caption-line", "filter.photo-credit"]),
    ("READ MORE: The talks resume on Monday", ["filter.page-furniture"]),
    ("Reporting by Jane Roe; Editing by Sam Poe", ["filter.byline"]),
    ("An ordinary sentence with [brackets] in it.", []),
])
def test_masked_spans(text: str, expected: list[str]) -> None:
    assert sorted(rid for _, _, rid in masked_spans(text, RULES)) == expected
