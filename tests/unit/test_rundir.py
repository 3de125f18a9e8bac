"""rundir: a finished run read back as typed records, and article titles."""
from __future__ import annotations

import json

import pytest

from attrib.rundir import quote_record
from attrib.model import Article, ArticleResult
from attrib.problems import AttribError
from attrib.rundir import (article_from_record, article_info, article_record, attribution_from_record, guess_title,
                           read_articles, read_quotes)
from test_export import OFFICIAL, quote
from sample_speakers import ARIAN


@pytest.mark.parametrize("text, title", [
    ("Taliban say crossing held\n\nBody of the article.", "Taliban say crossing held"),
    # page furniture before the headline: a weather line, a date, a site name, an id line
    ("11.8 C\nThursday, April 25, 2024\n\nAfghan forces fight to retake the crossing\nBody.",
     "Afghan forces fight to retake the crossing"),
    ("kayhan.ir\n\nNews ID: 92427\nTaliban Seize Border Crossing With Pakistan\n", "Taliban Seize Border Crossing With Pakistan"),
    # nothing reads like a headline: the first non-empty line
    ("\n  \nShort\nline\n", "Short"),
    ("", ""),
])
def test_guess_title(text, title):
    assert guess_title(text) == title


def test_title_from_metadata_wins():
    result = ArticleResult(Article("a", "a.jsonl:1", "11.8 C\nSome long headline of the day", (("title", "Given"),)),
                           (), "builtin")
    assert article_info(result).title == "Given"


def test_article_record_round_trip():
    result = ArticleResult(Article("a", "a.txt", "Taliban say the crossing is held\nBody", (("outlet", "AP"),)),
                           (quote("a", 40, "“We hold it,”", ARIAN),), "builtin")
    info = article_info(result)
    assert (info.title, info.chars, info.quotes, info.get("outlet")) == ("Taliban say the crossing is held", 37, 1, "AP")
    assert article_from_record(json.loads(json.dumps(article_record(info)))) == info


@pytest.mark.parametrize("ra", [
    quote("doc-1", 10, "“It is merely propaganda,”", ARIAN, outlet="Reuters", resolution=()),
    quote("doc-1", 10, "“It is merely propaganda,”", OFFICIAL, cue=False, mention=None, resolution=()),
    quote("doc-2", 5, "“No comment”", None, resolution=()),
])
def test_quote_record_round_trip(tmp_path, ra):
    (tmp_path / "quotes.jsonl").write_text(json.dumps(quote_record(ra)) + "\n", encoding="utf-8")
    (back,) = read_quotes(tmp_path)
    assert quote_record(back) == quote_record(ra)
    # the cue's rule id is not in the file; everything the corpus stages use is
    assert back.speaker == ra.speaker and back.attribution.text == ra.attribution.text
    assert attribution_from_record(quote_record(ra)).attribution.type == ra.attribution.type


def test_bad_quotes_file_is_one_clear_error(tmp_path):
    with pytest.raises(AttribError, match="no such file"):
        read_quotes(tmp_path)
    (tmp_path / "quotes.jsonl").write_text('{"doc_id": "a"}\nnot json\n', encoding="utf-8")
    with pytest.raises(AttribError, match=r"quotes\.jsonl:1:1: not a quote record"):
        read_quotes(tmp_path)
    (tmp_path / "quotes.jsonl").write_text('\nnot json\n', encoding="utf-8")
    with pytest.raises(AttribError, match=r"quotes\.jsonl:2:1: not JSON"):
        read_quotes(tmp_path)


def test_articles_file_is_optional(tmp_path):
    assert read_articles(tmp_path) == []
