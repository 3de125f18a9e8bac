"""The report's pieces: word differences, highlighting that nests whatever the overlaps, page names."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

from attrib.report import claim_page_name, highlight, page_name, word_diff


@pytest.mark.parametrize("base, other, expected", [
    ("the attack was repelled", "the attack was repelled", [("same", "the attack was repelled")]),
    ("the attack was repelled", "the attack has been repelled",
     [("same", "the attack"), ("dropped", "was"), ("added", "has been"), ("same", "repelled")]),
    ("we will not give up", "we will give up", [("same", "we will"), ("dropped", "not"), ("same", "give up")]),
    ("", "new words", [("added", "new words")]),
    ("old words", "", [("dropped", "old words")]),
])
def test_word_diff(base: str, other: str, expected: list) -> None:
    assert word_diff(base, other) == expected


class _Pieces(HTMLParser):
    """The text inside each data-quote-id, cue and mention, and a check that tags close in order."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict]] = []
        self.quotes: dict[str, str] = {}
        self.cues: dict[str, str] = {}
        self.focusable: list[str] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.stack.append((tag, a))
        if "tabindex" in a:
            self.focusable.append(a["data-quote-id"])

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1][0] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data):
        self.text += data
        for _, a in self.stack:
            if "data-quote-id" in a:
                self.quotes[a["data-quote-id"]] = self.quotes.get(a["data-quote-id"], "") + data
            if a.get("class") == "cue":
                for qid in a["data-for"].split():
                    self.cues[qid] = self.cues.get(qid, "") + data


def _quote(qid: str, text: str, start: int, end: int, cue: tuple[int, int] | None = None,
           mention: tuple[int, int] | None = None) -> dict:
    return {"id": qid, "text": text[start:end], "start": start, "end": end, "type": "direct",
            "cue": {"text": text[cue[0]:cue[1]], "start": cue[0], "end": cue[1]} if cue else None,
            "speaker": {"name": "X", "start": mention[0], "end": mention[1]} if mention else None}


def test_highlight_nests_overlapping_quotes_cues_and_mentions() -> None:
    text = 'Doe said "we <will> stay & fight, as Smith said we would" today.'
    outer = (9, 56)
    inner_said = text.index("Smith said") + 6
    quotes = [_quote("d:outer", text, *outer, cue=(4, 8), mention=(0, 3)),
              # a quote inside the other, whose cue and mention also lie inside it
              _quote("d:inner", text, inner_said + 5, 55, cue=(inner_said, inner_said + 4),
                     mention=(inner_said - 6, inner_said - 1)),
              # one that overlaps the end of the outer quote without nesting
              _quote("d:cross", text, 50, 63)]
    out = highlight(text, quotes, {"d:outer": [{"colour": "c0", "type": "direct"}]})
    p = _Pieces()
    p.feed(out)
    p.close()
    assert p.stack == []
    assert p.text == text  # nothing lost, nothing added (entities decoded by the parser)
    assert p.quotes == {q["id"]: q["text"] for q in quotes}
    assert p.cues == {"d:outer": "said", "d:inner": "said"}
    assert sorted(p.focusable) == sorted(q["id"] for q in quotes)  # each quote takes the focus once
    assert "&lt;will&gt;" in out and "&amp;" in out


def test_highlight_leaves_out_offsets_outside_the_text() -> None:
    text = "short text"
    out = highlight(text, [_quote("d:bad", text, 0, 5) | {"end": 99}], {})
    assert "data-quote-id" not in out and out == text


def test_page_names_are_safe_and_distinct() -> None:
    names = {page_name(d) for d in ("a b&<c", "a b&<c/", "a/b", "a-b", "", "../../etc")}
    assert len(names) == 6
    for name in names:
        assert name.endswith(".html") and "/" not in name and " " not in name and not name.startswith(".")
    assert claim_page_name("claim:0123abcd4567") == "0123abcd4567.html"


def test_a_quote_with_two_speakers_is_one_highlight() -> None:
    text = 'Doe and Roe said "we stay".'
    quotes = [_quote("d:17-26", text, 17, 26, mention=(0, 3)), _quote("d:17-26", text, 17, 26, mention=(8, 11))]
    p = _Pieces()
    p.feed(highlight(text, quotes, {}))
    assert p.quotes == {"d:17-26": '"we stay"'} and p.focusable == ["d:17-26"]


def test_merges_shown_per_speaker_are_capped(tmp_path) -> None:
    import json

    from attrib.report import _read_merges

    path = tmp_path / "merges.jsonl"
    recs = [{"kept_id": "org:x", "kept_name": "X", "merged_names": [f"n{i}-{k}" for k in range(i + 1)],
             "evidence": "same words", "rule": "org.x"} for i in range(12)]
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    shown = _read_merges(path)["org:x"]
    assert len(shown) == 6 and shown[-1] == "and 7 more merges into this speaker (merges.jsonl)"
    assert shown[0].startswith("n0-0 → X: same words (rule org.x)")
    assert shown[4].startswith("n4-0, n4-1, n4-2, n4-3, n4-4 → X")


def test_the_style_sheet_takes_its_colours_from_the_palette(tmp_path):
    """One palette for the report and the graph exports (issue 21): report.css's colour variables come from it."""
    from attrib.palette import NO_COLOUR, OTHER_COLOUR, PALETTE
    from attrib.report import _copy_assets

    _copy_assets(tmp_path)
    css = (tmp_path / "report.css").read_text(encoding="utf-8")
    for k, colour in enumerate(PALETTE[:7]):
        assert f"--c{k}: {colour};" in css
    assert "--c7" not in css  # black would hide the highlighted words
    assert f"--cx: {OTHER_COLOUR};" in css and f"--cn: {NO_COLOUR};" in css
    assert "--ink:" in css
