"""Tests for attrib.evaluate: reading JSONL, converting attrib's quotes, matching, scoring, the report.

All texts here are made up for the tests.
"""
from __future__ import annotations

import importlib.util
import json
import random
from pathlib import Path

import pytest

from attrib.evaluate import (format_report, name_tokens, predictions_from_quotes, read_jsonl, score,
                             speaker_matches)
from attrib.problems import AttribError

TEXT = ('Mr. Justin Trudeau said, "We will act now." Critics said the plan was weak. '
        '"It is not enough," said Jane Doe, adding that talks would continue. '
        'The report said nothing.')
REFERENCE_SCORER = Path(__file__).resolve().parents[3] / "shared/dev/score.py"


def span(part: str, speaker: str | None, typ: str | None, nth: int = 0, **extra) -> dict:
    """A quote record for the ``nth`` occurrence of ``part`` in TEXT."""
    i = -1
    for _ in range(nth + 1):
        i = TEXT.index(part, i + 1)
    return {"start": i, "end": i + len(part), "text": part, "speaker": speaker, "type": typ, **extra}


GOLD_QUOTES = [span('"We will act now."', "Justin Trudeau", "direct"),
               span("the plan was weak", "Critics", "indirect"),
               span('"It is not enough,"', "Jane Doe", "direct"),
               span("talks would continue", "Jane Doe", "indirect"),
               span("nothing", None, "indirect", speaker_scored=False)]
GOLD = [{"doc_id": "d1", "text": TEXT, "quotes": GOLD_QUOTES},
        {"doc_id": "d2", "text": "No quotes here.", "quotes": []}]


def run(preds: list[dict]) -> dict:
    return score(GOLD, {"d1": preds})


def slices(result: dict):
    """(mode, slice name, slice result) for every row of the report."""
    for mode in ("exact", "overlap"):
        yield mode, "all", result[mode]["all"]
        for name, r in result[mode]["by_type"].items():
            yield mode, name, r


def detection(result: dict, mode: str = "exact", part: str = "all") -> dict:
    r = result[mode]["all"] if part == "all" else result[mode]["by_type"][part]
    return r["detection"]


# ---------------------------------------------------------------- scoring

def test_perfect_prediction_scores_one_everywhere():
    result = score(GOLD, {d["doc_id"]: d["quotes"] for d in GOLD})
    rows = list(slices(result))
    assert [(m, s) for m, s, _ in rows] == [(m, s) for m in ("exact", "overlap")
                                            for s in ("all", "direct", "indirect")]
    for _, _, r in rows:
        for part in ("detection", "end_to_end"):
            assert (r[part]["precision"], r[part]["recall"], r[part]["f1"]) == (1.0, 1.0, 1.0)
        assert r["attribution"]["accuracy"] == 1.0
        assert r["type_accuracy"] == 1.0


def test_empty_prediction_has_zero_recall():
    result = run([])
    for _, _, r in slices(result):
        for part in ("detection", "end_to_end"):
            assert (r[part]["precision"], r[part]["recall"], r[part]["f1"]) == (0.0, 0.0, 0.0)
        assert r["attribution"]["accuracy"] is None
    assert result["summary"]["pred_quotes"] == 0


def test_no_gold_and_no_prediction_is_perfect():
    result = score([{"doc_id": "d", "text": "Nothing.", "quotes": []}], {})
    assert detection(result) == {"tp": 0, "n_pred": 0, "n_gold": 0, "precision": 1.0, "recall": 1.0, "f1": 1.0}


def test_wrong_speaker_lowers_attribution_not_detection():
    preds = [dict(q) for q in GOLD_QUOTES]
    preds[2]["speaker"] = "Justin Trudeau"
    result = run(preds)
    for mode in ("exact", "overlap"):
        r = result[mode]["all"]
        assert r["detection"]["f1"] == 1.0
        assert r["attribution"] == {"matched_scored": 4, "correct": 3, "accuracy": 0.75}
        assert r["end_to_end"]["tp"] == 3 and r["end_to_end"]["f1"] == 0.75
        assert result[mode]["by_type"]["direct"]["attribution"]["accuracy"] == 0.5
        assert result[mode]["by_type"]["indirect"]["attribution"]["accuracy"] == 1.0


def test_unscored_gold_speaker_counts_for_detection_only():
    result = run([dict(GOLD_QUOTES[4], speaker="Somebody")])
    r = result["exact"]["all"]
    assert r["detection"]["tp"] == 1
    assert r["attribution"]["matched_scored"] == 0
    assert r["end_to_end"]["n_pred"] == 0 and r["end_to_end"]["n_gold"] == 4
    assert result["summary"]["gold_speaker_unscored"] == 1


@pytest.mark.parametrize("part, exact_tp, overlap_tp", [
    ('"We will act now."', 1, 1),   # the gold span itself
    ("We will act now", 1, 1),      # quotation marks and punctuation are trimmed
    (' "We will act now.', 1, 1),   # ... and whitespace
    ("We will act", 0, 1),          # 3 of 4 tokens
    ("We will", 0, 1),              # 2 of 4 tokens: exactly 50% still matches
    ("We", 0, 0),                   # 1 of 4 tokens
    ('act now." Critics said', 0, 1),  # 2 of 4 gold tokens, spilling over
])
def test_exact_and_overlap_thresholds(part, exact_tp, overlap_tp):
    result = run([span(part, "Justin Trudeau", "direct")])
    assert detection(result, "exact")["tp"] == exact_tp
    assert detection(result, "overlap")["tp"] == overlap_tp


def test_duplicate_prediction_is_a_false_positive():
    result = run([GOLD_QUOTES[0], dict(GOLD_QUOTES[0])])
    for mode in ("exact", "overlap"):
        d = detection(result, mode)
        assert (d["tp"], d["n_pred"], d["precision"]) == (1, 2, 0.5)


def test_among_equal_spans_the_right_speaker_is_matched():
    result = run([dict(GOLD_QUOTES[0], speaker="Jane Doe"), GOLD_QUOTES[0]])
    for mode in ("exact", "overlap"):
        assert result[mode]["all"]["attribution"] == {"matched_scored": 1, "correct": 1, "accuracy": 1.0}


def test_one_prediction_matches_one_gold_quote_only():
    # one long prediction covering two gold quotes matches the one it overlaps best
    start, end = TEXT.index("Critics"), TEXT.index("weak.") + 5
    wide = {"start": start, "end": end, "text": TEXT[start:end], "speaker": "Critics", "type": "indirect"}
    result = run([wide])
    assert detection(result, "overlap")["tp"] == 1


def test_overlap_prefers_the_closer_pair():
    # two predictions over the same gold quote: the higher-Jaccard one is matched
    exact = span("the plan was weak", "Jane Doe", "indirect")
    loose = span("said the plan was weak", "Critics", "indirect")
    result = run([loose, exact])
    r = result["overlap"]["all"]
    assert r["detection"]["tp"] == 1
    assert r["attribution"]["correct"] == 0  # the exact-span prediction, with the wrong speaker, won


def test_per_type_counts_unmatched_predictions_by_their_own_type():
    result = run([GOLD_QUOTES[0], span("Critics", "X", "direct"), span("The report", "Y", None)])
    assert detection(result, "exact", "direct")["precision"] == 0.5
    assert detection(result, "exact", "indirect")["recall"] == 0.0
    assert detection(result, "exact", "all")["n_pred"] == 3


def test_type_accuracy_on_matched_quotes():
    result = run([dict(GOLD_QUOTES[0], type="mixed"), GOLD_QUOTES[2]])
    assert result["exact"]["by_type"]["direct"]["type_accuracy"] == 0.5
    assert "mixed" not in result["exact"]["by_type"]  # no gold quote is mixed


def test_prediction_without_offsets_is_found_by_its_text():
    result = run([{"text": "the plan was weak", "speaker": "critics"}])
    assert detection(result)["tp"] == 1
    assert result["summary"]["pred_spans_relocated_by_text"] == 1


def test_prediction_with_wrong_offsets_is_found_by_its_text():
    result = run([{"start": 0, "end": 17, "text": "the plan   was weak.", "speaker": "Critics"}])
    assert detection(result)["tp"] == 1
    assert result["summary"]["pred_spans_relocated_by_text"] == 1


def test_repeated_text_only_predictions_take_different_occurrences():
    text = 'He said "go now" twice: "go now".'
    gold = [{"doc_id": "r", "text": text, "quotes": [
        {"start": 8, "end": 16, "text": '"go now"', "speaker": "He", "type": "direct"},
        {"start": 24, "end": 32, "text": '"go now"', "speaker": "He", "type": "direct"}]}]
    result = score(gold, {"r": [{"text": '"go now"', "speaker": "he"}] * 2})
    assert detection(result)["tp"] == 2


def test_unplaceable_prediction_is_unresolved():
    result = run([{"text": "words that are not there", "speaker": "X"}])
    assert result["summary"]["pred_spans_unresolved"] == 1
    assert detection(result)["n_pred"] == 1 and detection(result)["tp"] == 0


def test_predictions_for_unknown_documents_are_counted_not_scored():
    result = score(GOLD, {"d1": GOLD_QUOTES, "elsewhere": [GOLD_QUOTES[0]]})
    assert result["summary"]["pred_docs_not_in_gold"] == 1
    assert detection(result)["precision"] == 1.0


@pytest.mark.parametrize("bad_gold, message", [
    ([{"text": "x"}], 'gold document 1 has no string "doc_id" and "text"'),
    ([{"doc_id": "a", "text": "abc", "quotes": [{"start": 1, "end": 9}]}],
     'gold document 1 ("a"), quote 1: start/end 1/9 are not offsets into its text'),
])
def test_bad_gold_raises(bad_gold, message):
    with pytest.raises(AttribError) as err:
        score(bad_gold, {})
    assert str(err.value) == message


# ---------------------------------------------------------------- speaker names

@pytest.mark.parametrize("gold, pred, alts, is_match", [
    ("Justin Trudeau", "Mr. Trudeau", (), True),                      # title, same last word
    ("Justin Trudeau", "Prime Minister Justin Trudeau", (), True),    # several titles
    ("Theresa May", "Ms. May", (), True),
    ("BC Hydro", "BC Hydro spokesperson", (), True),                  # containment
    ("the Society of Motor Manufacturers and Traders", "Society of Motor Manufacturers", (), True),
    ("José Pérez-Ruiz", "Jose Perez-Ruiz", (), True),                 # accents, punctuation
    ("Donald Trump", "Donald Trump Jr.", (), True),                   # suffix
    ("Taliban", "the Taliban's", (), True),                           # possessive, article
    ("Conan O'Brien", "OBrien", (), True),                            # apostrophe inside a name
    ("Donald Trump", "Hillary Clinton", (), False),
    ("Donald Trump", "he", (), False),                                # a pronoun is not a name
    ("Jane Doe", "Doe Jane", (), False),                              # not a contiguous run, other last word
    ("Afghan government", "Kabul", ("Kabul",), True),                 # speaker_alts
    ("Afghan government", "Kabul", (), False),
    (None, "", (), True),                                             # null gold: only null/empty
    (None, None, (), True),
    (None, "Jane Doe", (), False),
    ("Jane Doe", None, (), False),
    ("Jane Doe", "", (), False),
])
def test_speaker_matches(gold, pred, alts, is_match):
    assert speaker_matches(gold, pred, alts) is is_match


@pytest.mark.parametrize("name, tokens", [
    ("Mr. José Pérez-Ruiz Jr.", ("jose", "perez", "ruiz")),
    ("President", ("president",)),          # a title alone stays: one word is always kept
    ("the President", ("president",)),
    ("Martin Luther King III", ("martin", "luther", "king")),
    ("Sen. Smith's", ("smith",)),
    (None, ()),
    ("—", ()),
])
def test_name_tokens(name, tokens):
    assert name_tokens(name) == tokens


# ---------------------------------------------------------------- reading and converting

def test_read_jsonl(tmp_path):
    path = tmp_path / "g.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"doc_id": "a"}\n\n  \n{"doc_id": "b"}')
    assert read_jsonl(path) == [{"doc_id": "a"}, {"doc_id": "b"}]


@pytest.mark.parametrize("content, message", [
    ('{"a": 1}\n{"b": \n', "{path}:2: bad JSON: Expecting value: line 1 column 6 (char 5)"),
    ('{"a": 1}\n\n[1, 2]\n', "{path}:3: expected a JSON object, found list"),
])
def test_read_jsonl_bad_line(tmp_path, content, message):
    path = tmp_path / "g.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AttribError) as err:
        read_jsonl(path)
    assert str(err.value) == message.format(path=path)


def test_read_jsonl_missing_file(tmp_path):
    with pytest.raises(AttribError, match=r"nope\.jsonl: cannot read \(No such file or directory\)"):
        read_jsonl(tmp_path / "nope.jsonl")


def test_predictions_from_quotes():
    records = [
        {"doc_id": "d1", "id": "d1:1", "text": '"Yes,"', "start": 0, "end": 6, "type": "direct",
         "cue": {"text": "said", "start": 7, "end": 11}, "speaker": {"name": "Jane Doe", "id": "person:jane-doe"},
         "outlet": None, "rule": "quote.straight-double"},
        {"doc_id": "d2", "id": "d2:1", "text": "it rained", "start": 5, "end": 14, "type": "indirect",
         "cue": None, "speaker": None, "outlet": None, "rule": "cue.reporting-verbs"},
        {"doc_id": "d1", "id": "d1:2", "text": '"No."', "start": 20, "end": 25, "type": "direct",
         "cue": None, "speaker": {"name": "John Roe"}, "outlet": "AP", "rule": "quote.straight-double"},
        # the reference scorer's format: one line per document
        {"doc_id": "d3", "quotes": [{"start": 1, "end": 3, "text": "ab", "speaker": "X"}]},
    ]
    assert predictions_from_quotes(records) == {
        "d1": [{"start": 0, "end": 6, "text": '"Yes,"', "speaker": "Jane Doe", "type": "direct"},
               {"start": 20, "end": 25, "text": '"No."', "speaker": "John Roe", "type": "direct"}],
        "d2": [{"start": 5, "end": 14, "text": "it rained", "speaker": None, "type": "indirect"}],
        "d3": [{"start": 1, "end": 3, "text": "ab", "speaker": "X", "type": None}],
    }


def test_predictions_from_quotes_round_trip_through_score():
    records = [{"doc_id": "d1", "speaker": {"name": q["speaker"]} if q["speaker"] else None,
                **{k: q[k] for k in ("start", "end", "text", "type")}} for q in GOLD_QUOTES]
    result = score(GOLD, predictions_from_quotes(records))
    assert result["overlap"]["all"]["end_to_end"]["f1"] == 1.0


# ---------------------------------------------------------------- report

def test_format_report():
    preds = [dict(q) for q in GOLD_QUOTES[:4]]
    preds[2]["speaker"] = "Someone Else"
    report = format_report(run(preds), "gold.jsonl", "quotes.jsonl")
    lines = report.splitlines()
    assert lines[0] == "gold: gold.jsonl  docs=2  quotes=5  (speaker-unscored: 1)"
    assert lines[1].startswith("pred: quotes.jsonl  quotes=4")
    assert lines[3].split() == ["match", "slice", "gold", "pred", "P", "R", "F1", "spkAcc",
                                "e2eP", "e2eR", "e2eF1", "typeAcc"]
    assert set(lines[4]) == {"-"} and len(lines[4]) == len(lines[3])
    rows = [line.split() for line in lines[5:]]
    assert [r[:2] for r in rows] == [[m, s] for m in ("exact", "overlap") for s in ("all", "direct", "indirect")]
    assert rows[0] == ["exact", "all", "5", "4", "1.0000", "0.8000", "0.8889", "0.7500",
                       "0.7500", "0.7500", "0.7500", "1.0000"]
    assert all(len(line) == len(lines[3]) for line in lines[5:])


def test_format_report_shows_missing_accuracy_as_dash():
    lines = format_report(run([])).splitlines()
    assert lines[5].split()[7] == "-"


# ---------------------------------------------------------------- agreement with the reference scorer

def _load_reference():
    if not REFERENCE_SCORER.is_file():
        pytest.skip(f"reference scorer not found at {REFERENCE_SCORER} (it lives outside the repo, in shared/dev/)")
    spec = importlib.util.spec_from_file_location("_reference_score", REFERENCE_SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _synthetic_set(seed: int) -> tuple[list[dict], dict[str, list[dict]]]:
    """Gold documents made of template sentences, and noisy predictions for them."""
    rng = random.Random(seed)
    people = ["Jane Doe", "Mr. John Roe", "Prime Minister Ann Lee", "the Ministry of Defence", "Ali Khan Jr."]
    guesses = ["Doe", "he", "John Roe", "Lee", "Ministry", None, "", "Khan", "Someone Else"]
    gold, preds = [], {}
    for n in range(6):
        text, quotes = "", []
        for k in range(rng.randint(0, 7)):
            who = rng.choice(people)
            words = " ".join(rng.choice(["we", "will", "act", "now", "talks", "continue", "it", "failed"])
                             for _ in range(rng.randint(1, 6)))
            if rng.random() < 0.5:
                quote, typ = f'"{words.capitalize()},"', "direct"
                sentence = f"{quote} {who} said. "
            else:
                quote, typ = words, rng.choice(["indirect", "mixed"])
                sentence = f"{who} said {quote}. "
            start = len(text) + sentence.index(quote)
            gq = {"start": start, "end": start + len(quote), "text": quote, "speaker": who, "type": typ}
            if rng.random() < 0.15:
                gq["speaker_scored"] = False
            if rng.random() < 0.15:
                gq["speaker_alts"] = ["Spokesperson"]
            quotes.append(gq)
            text += sentence
        doc_id = f"doc{n}"
        gold.append({"doc_id": doc_id, "text": text, "quotes": quotes})
        out = []
        for gq in quotes:
            if rng.random() < 0.2:
                continue
            p = {"start": gq["start"], "end": gq["end"], "text": gq["text"],
                 "speaker": rng.choice(guesses + [gq["speaker"]] * 4),
                 "type": rng.choice(["direct", "indirect", "mixed", None])}
            r = rng.random()
            if r < 0.3:  # shifted span without text: only overlap can match it
                p["start"] = max(0, p["start"] + rng.randint(-8, 8))
                p["end"] = min(len(text), max(p["start"] + 1, p["end"] + rng.randint(-8, 8)))
                del p["text"]
            elif r < 0.45:  # text only
                del p["start"], p["end"]
            out.append(p)
            if rng.random() < 0.1:
                out.append(dict(p))  # duplicate
        if text and rng.random() < 0.5:
            out.append({"start": 0, "end": min(len(text), 12), "speaker": "Jane Doe", "type": "direct"})
        rng.shuffle(out)
        preds[doc_id] = out
    preds["not-in-gold"] = [{"start": 0, "end": 3, "text": "abc", "speaker": None}]
    return gold, preds


@pytest.mark.parametrize("seed", range(8))
def test_same_numbers_as_the_reference_scorer(seed):
    reference = _load_reference()
    gold, preds = _synthetic_set(seed)
    ours = score(gold, preds)
    assert ours["exact"]["all"]["detection"]["n_gold"] == sum(len(d["quotes"]) for d in gold)
    assert json.dumps(ours, sort_keys=True) == json.dumps(reference.score(gold, preds), sort_keys=True)


def test_same_speaker_decisions_as_the_reference_scorer():
    reference = _load_reference()
    names = [None, "", "he", "Jane Doe", "Ms. Doe", "Doe Jane", "John Doe Jr.", "the Taliban's",
             "Taliban", "Prime Minister", "Minister Ann Lee", "Ann", "O'Brien", "Ministry of Defence"]
    for gold in names:
        for pred in names:
            assert speaker_matches(gold, pred) == reference.speaker_match(gold, pred), (gold, pred)
