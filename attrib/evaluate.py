"""Score extracted quotes and speakers against a gold JSONL file (for ``attrib eval``).

Takes gold documents (``{"doc_id", "text", "quotes": [...]}``) and predictions
per doc_id; returns detection P/R/F1, speaker accuracy and end-to-end P/R/F1
for the match modes "exact" and "overlap", overall and per gold quote type.

The semantics are those of the benchmark's reference scorer
(``../shared/dev/score.py``), so numbers from ``attrib eval`` and from that
script agree:

- exact: spans are identical after trimming whitespace, quotation marks and edge
  punctuation from both ends;
- overlap: the prediction covers >= 50% of the gold span's ``\\w+`` tokens
  (a token is inside a span when its midpoint is); pairs are taken by token
  Jaccard, highest first;
- both are greedy and one-to-one;
- speakers match after lowercasing and stripping accents, punctuation,
  possessive 's, leading titles and trailing suffixes, when the names are
  equal, share their last token, or one is a contiguous token run of the
  other; gold ``speaker_alts`` are accepted too; a null gold speaker is matched
  only by a null or empty prediction; gold quotes with ``speaker_scored: false``
  count for detection only.

A predicted quote whose offsets are missing or do not point at its text is
found again by searching the gold text for its ``text``.
"""
from __future__ import annotations

import bisect
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from .problems import AttribError

#: the gold quote types, each reported as a slice of its own
TYPES = ("direct", "indirect", "mixed")
MATCH_MODES = ("exact", "overlap")

# The word lists below define the benchmark's scoring, not extraction: they are
# constants here (not rules/*.yaml) so that changing the rules cannot move the score.
QUOTE_MARKS = "\"'“”„‟«»‘’‚‛`´″"
#: trimmed from both ends of a span before exact comparison
EDGE_CHARS = frozenset(QUOTE_MARKS + ",.;:!?…" + " \t\r\n\u00a0\u2009\u200a\u202f")
#: dropped from the front of a name (while more than one word is left)
NAME_TITLES = frozenset("""
    mr mrs ms miss mx messrs dr doctor prof professor sir dame lord lady
    rev reverend fr father sister brother rabbi imam sheikh pastor bishop cardinal pope ayatollah
    sen senator rep representative congressman congresswoman gov governor
    lt lieutenant president vice prime minister premier mayor chancellor secretary
    gen general col colonel maj major capt captain sgt sergeant cpl corporal
    adm admiral cmdr commander insp inspector det detective supt superintendent const constable
    officer judge justice chief hon honourable honorable mp mpp mla mep
    king queen prince princess emperor former late dear the st saint
""".split())
#: dropped from the end of a name (while more than one word is left)
NAME_SUFFIXES = frozenset("jr sr ii iii iv v phd md mp mpp mla qc kc esq".split())

_WORD_RE = re.compile(r"\w+")
_APOSTROPHES = "'’`´"
_POSSESSIVE_RE = re.compile(f"[{_APOSTROPHES}]s\\b")
_NAME_WORD_RE = re.compile(r"[^\W_]+")
_NORM_STRIP = QUOTE_MARKS + ",.;:!?… "


# ---------------------------------------------------------------- reading

def read_jsonl(path: str | Path) -> list[dict]:
    """The JSON objects of a JSONL file, one per non-blank line.

    Args:
        path: the file (UTF-8, a BOM is allowed).

    Returns:
        The objects in file order.

    Raises:
        AttribError: the file cannot be read, or a line is not a JSON object
            (``path:line: bad JSON: ...``).
    """
    out: list[dict] = []
    try:
        with open(path, encoding="utf-8-sig") as f:
            for n, line in enumerate(f, 1):
                line = line.rstrip()  # keeps JSON columns equal to file columns
                if not line:
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as e:
                    raise AttribError(f"{path}:{n}: bad JSON: {e}") from None
                if not isinstance(obj, dict):
                    raise AttribError(f"{path}:{n}: expected a JSON object, found {type(obj).__name__}")
                out.append(obj)
    except OSError as e:
        raise AttribError(f"{path}: cannot read ({e.strerror or e})") from None
    except UnicodeDecodeError as e:
        raise AttribError(f"{path}: not UTF-8 ({e.reason} at byte {e.start})") from None
    return out


def predictions_from_quotes(records: Iterable[dict]) -> dict[str, list[dict]]:
    """Group attrib's quote records by document, in the shape ``score`` takes.

    Args:
        records: lines of attrib's ``quotes.jsonl`` (``{"doc_id", "start", "end",
            "text", "type", "speaker": {"name", ...} | null, ...}``). Lines in
            the reference scorer's format (``{"doc_id", "quotes": [...]}``) are
            accepted too.

    Returns:
        ``{doc_id: [{"start", "end", "text", "speaker", "type"}]}`` with ``speaker``
        the speaker's name or None, quotes in the order given.
    """
    out: dict[str, list[dict]] = {}
    for rec in records:
        quotes = rec["quotes"] if isinstance(rec.get("quotes"), list) else [rec]
        bucket = out.setdefault(str(rec["doc_id"]), [])
        for q in quotes:
            bucket.append({"start": q.get("start"), "end": q.get("end"), "text": q.get("text"),
                           "speaker": _speaker_name(q.get("speaker")), "type": q.get("type")})
    return out


def _speaker_name(speaker: Any) -> str | None:
    if isinstance(speaker, dict):
        return speaker.get("name")
    return speaker if isinstance(speaker, str) else None


# ---------------------------------------------------------------- speaker names

def name_tokens(name: str | None) -> tuple[str, ...]:
    """The words of a name as compared by the scorer (no accents, titles or suffixes).

    >>> name_tokens("Mr. José Pérez-Ruiz Jr.")
    ('jose', 'perez', 'ruiz')
    """
    if name is None:
        return ()
    decomposed = unicodedata.normalize("NFKD", str(name))
    s = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    s = _POSSESSIVE_RE.sub("", s)
    s = re.sub(f"[{_APOSTROPHES}]", "", s)  # O'Brien -> obrien
    words = _NAME_WORD_RE.findall(s)
    start, end = 0, len(words)
    while end - start > 1 and words[start] in NAME_TITLES:
        start += 1
    while end - start > 1 and words[end - 1] in NAME_SUFFIXES:
        end -= 1
    return tuple(words[start:end])


def speaker_matches(gold: str | None, pred: str | None, alts: Sequence[str] = ()) -> bool:
    """Whether a predicted speaker name counts as the gold speaker.

    Args:
        gold: the gold speaker, or None when the quote has no speaker.
        pred: the predicted speaker name, or None.
        alts: other names the gold annotation accepts.

    Returns:
        True when the names are equal, share their last word, or one is a
        contiguous run of the other's words (after ``name_tokens``); for a null
        gold speaker, only when the prediction is null or empty.
    """
    gold_words = name_tokens(gold)
    pred_words = name_tokens(pred)
    if not gold_words:
        return not pred_words
    if not pred_words:
        return False
    for words in (gold_words, *(name_tokens(a) for a in alts or ())):
        if words and (words[-1] == pred_words[-1]
                      or _is_run_of(pred_words, words) or _is_run_of(words, pred_words)):
            return True
    return False


def _is_run_of(small: tuple[str, ...], big: tuple[str, ...]) -> bool:
    """Whether ``small`` occurs in ``big`` as a contiguous run (equal counts)."""
    n = len(small)
    return any(big[i:i + n] == small for i in range(len(big) - n + 1))


# ---------------------------------------------------------------- spans

@dataclass
class _Quote:
    """A gold or predicted quote inside the scorer (start is None when it could not be placed)."""

    start: int | None
    end: int | None
    type: str | None
    speaker: str | None
    alts: tuple[str, ...] = ()
    is_scored: bool = True


def _norm_text(s: Any) -> str:
    return " ".join(str(s).strip().strip(_NORM_STRIP).split())


def _place_prediction(text: str, q: dict, taken: set[tuple[int, int]]) -> tuple[int | None, int | None, str]:
    """Where a predicted quote lies in ``text``: (start, end, how), how = offsets, search or unresolved.

    Offsets are trusted when they point at the quote's text (or it has none);
    otherwise the text is searched for, nearest to the given start, preferring
    occurrences no earlier search in this document took.
    """
    start, end, qtext = q.get("start"), q.get("end"), q.get("text")
    has_offsets = isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)
    if has_offsets and (qtext is None or _norm_text(text[start:end]) == _norm_text(qtext)):
        return start, end, "offsets"
    if qtext and qtext.strip():
        needle = qtext.strip()
        hits = [m.span() for m in re.finditer(re.escape(needle), text)]
        if not hits:
            words = _norm_text(needle).split()
            if words:
                hits = [m.span() for m in re.finditer(r"\s+".join(map(re.escape, words)), text)]
        if hits:
            pool = [h for h in hits if h not in taken] or hits
            near = start if isinstance(start, int) else 0
            best = min(pool, key=lambda h: (abs(h[0] - near), h[0]))
            taken.add(best)
            return best[0], best[1], "search"
    if has_offsets:
        return start, end, "offsets"
    return None, None, "unresolved"


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in EDGE_CHARS:
        start += 1
    while end > start and text[end - 1] in EDGE_CHARS:
        end -= 1
    return start, end


# ---------------------------------------------------------------- matching

def _speaker_ok(gold: _Quote, pred: _Quote) -> bool:
    return speaker_matches(gold.speaker, pred.speaker, gold.alts)


def _greedy(candidates: list[tuple[float, float, bool, int, int]]) -> dict[int, int]:
    """One-to-one pairs {gold: pred} from (jaccard, cover, speaker_ok, gold, pred) candidates.

    Best first: higher Jaccard, then higher cover, then a correct speaker, then
    gold and prediction closest in list position, then earliest.
    """
    candidates.sort(key=lambda c: (-c[0], -c[1], -c[2], abs(c[3] - c[4]), c[3], c[4]))
    pairs: dict[int, int] = {}
    used_preds: set[int] = set()
    for _, _, _, i, j in candidates:
        if i not in pairs and j not in used_preds:
            pairs[i] = j
            used_preds.add(j)
    return pairs


def _match_exact(text: str, golds: list[_Quote], preds: list[_Quote]) -> dict[int, int]:
    by_span: dict[tuple[int, int], list[int]] = {}
    for j, p in enumerate(preds):
        if p.start is not None:
            span = _trimmed(text, p.start, p.end)
            if span[1] > span[0]:
                by_span.setdefault(span, []).append(j)
    candidates = [(1.0, 1.0, _speaker_ok(g, preds[j]), i, j)
                  for i, g in enumerate(golds)
                  for j in by_span.get(_trimmed(text, g.start, g.end), ())]
    return _greedy(candidates)


def _match_overlap(mids: list[float], golds: list[_Quote], preds: list[_Quote]) -> dict[int, int]:
    def tokens(q: _Quote) -> tuple[int, int]:
        # the tokens whose midpoint lies in [start, end)
        if q.start is None:
            return 0, 0
        return bisect.bisect_left(mids, q.start), bisect.bisect_left(mids, q.end)

    pred_tokens = [tokens(p) for p in preds]
    candidates = []
    for i, g in enumerate(golds):
        gold_tokens = tokens(g)
        for j, p in enumerate(preds):
            if gold_tokens[1] > gold_tokens[0]:
                (ga, gb), (pa, pb) = gold_tokens, pred_tokens[j]
            elif p.start is not None:  # gold span without word tokens: compare characters
                (ga, gb), (pa, pb) = (g.start, g.end), (p.start, p.end)
            else:
                continue
            inter = min(gb, pb) - max(ga, pa)
            if inter <= 0:
                continue
            cover = inter / (gb - ga)
            if cover >= 0.5:
                jaccard = inter / ((gb - ga) + (pb - pa) - inter)
                candidates.append((jaccard, cover, _speaker_ok(g, p), i, j))
    return _greedy(candidates)


# ---------------------------------------------------------------- scoring

_COUNTERS = ("gold", "pred", "tp", "spk_matched", "spk_correct",
             "e2e_gold", "e2e_pred", "e2e_tp", "type_pairs", "type_correct")


def _prf(tp: int, n_pred: int, n_gold: int) -> dict:
    precision = tp / n_pred if n_pred else float(n_gold == 0)
    recall = tp / n_gold if n_gold else float(n_pred == 0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "n_pred": n_pred, "n_gold": n_gold,
            "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def _slice_result(c: dict[str, int]) -> dict:
    accuracy = round(c["spk_correct"] / c["spk_matched"], 4) if c["spk_matched"] else None
    out = {"detection": _prf(c["tp"], c["pred"], c["gold"]),
           "attribution": {"matched_scored": c["spk_matched"], "correct": c["spk_correct"],
                           "accuracy": accuracy},
           "end_to_end": _prf(c["e2e_tp"], c["e2e_pred"], c["e2e_gold"])}
    if c["type_pairs"]:
        out["type_accuracy"] = round(c["type_correct"] / c["type_pairs"], 4)
    return out


def _gold_quotes(doc: dict, n: int) -> list[_Quote]:
    out = []
    for k, q in enumerate(doc.get("quotes") or (), 1):
        start, end = q.get("start"), q.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(doc["text"])):
            raise AttribError(f'gold document {n} ("{doc["doc_id"]}"), quote {k}: start/end '
                              f"{start!r}/{end!r} are not offsets into its text")
        out.append(_Quote(start, end, q.get("type"), q.get("speaker"),
                          tuple(q.get("speaker_alts") or ()), q.get("speaker_scored", True) is not False))
    return out


def score(gold_docs: list[dict], pred_docs: dict[str, list[dict]]) -> dict:
    """Score predicted quotes against gold quotes.

    Args:
        gold_docs: gold documents ``{"doc_id", "text", "quotes": [{"start", "end",
            "text", "speaker", "type", "speaker_alts"?, "speaker_scored"?}]}``.
        pred_docs: ``{doc_id: [{"start", "end", "text", "speaker", "type"}]}``
            (see ``predictions_from_quotes``); gold documents missing here
            predicted nothing.

    Returns:
        ``{"summary": {...counts...}, "exact": R, "overlap": R}`` where
        ``R = {"all": S, "by_type": {type: S}}`` (types that occur in the gold)
        and ``S = {"detection": PRF, "attribution": {"matched_scored",
        "correct", "accuracy"}, "end_to_end": PRF, "type_accuracy"?}``,
        ``PRF = {"tp", "n_pred", "n_gold", "precision", "recall", "f1"}``.
        A matched prediction counts toward its gold quote's type, an unmatched
        one toward its own type (if it has one).

    Raises:
        AttribError: a gold document lacks doc_id or text, or a gold quote's
            offsets do not fit its text.
    """
    summary = dict.fromkeys(("docs", "gold_quotes", "pred_quotes", "pred_spans_from_offsets",
                             "pred_spans_relocated_by_text", "pred_spans_unresolved",
                             "gold_offset_text_mismatch", "gold_speaker_unscored"), 0)
    how_key = {"offsets": "pred_spans_from_offsets", "search": "pred_spans_relocated_by_text",
               "unresolved": "pred_spans_unresolved"}
    counts = {mode: {s: dict.fromkeys(_COUNTERS, 0) for s in ("all", *TYPES)} for mode in MATCH_MODES}
    gold_types: set[str] = set()
    gold_ids: set[str] = set()

    for n, doc in enumerate(gold_docs, 1):
        if not isinstance(doc.get("doc_id"), str) or not isinstance(doc.get("text"), str):
            raise AttribError(f'gold document {n} has no string "doc_id" and "text"')
        text = doc["text"]
        gold_ids.add(doc["doc_id"])
        golds = _gold_quotes(doc, n)
        for q, g in zip(doc.get("quotes") or (), golds):
            if "text" in q and q["text"] != text[g.start:g.end]:
                summary["gold_offset_text_mismatch"] += 1
        summary["gold_speaker_unscored"] += sum(not g.is_scored for g in golds)
        gold_types.update(g.type for g in golds if g.type in TYPES)

        preds, taken = [], set()
        for q in pred_docs.get(doc["doc_id"], ()):
            start, end, how = _place_prediction(text, q, taken)
            summary[how_key[how]] += 1
            preds.append(_Quote(start, end, q.get("type"), q.get("speaker")))
        summary["docs"] += 1
        summary["gold_quotes"] += len(golds)
        summary["pred_quotes"] += len(preds)

        mids = [(m.start() + m.end()) / 2 for m in _WORD_RE.finditer(text)]
        for mode in MATCH_MODES:
            pairs = _match_exact(text, golds, preds) if mode == "exact" else _match_overlap(mids, golds, preds)
            _count(counts[mode], golds, preds, pairs)

    summary["pred_docs_not_in_gold"] = len(set(pred_docs) - gold_ids)
    result: dict = {"summary": summary}
    for mode in MATCH_MODES:
        result[mode] = {"all": _slice_result(counts[mode]["all"]),
                        "by_type": {t: _slice_result(counts[mode][t]) for t in TYPES if t in gold_types}}
    return result


def _count(counts: dict[str, dict[str, int]], golds: list[_Quote], preds: list[_Quote],
           pairs: dict[int, int]) -> None:
    """Add one document's matching to the per-slice counters."""
    def add(key: str, typ: str | None, by: int = 1) -> None:
        counts["all"][key] += by
        if typ in TYPES:
            counts[typ][key] += by

    for i, g in enumerate(golds):
        add("gold", g.type)
        if g.is_scored:
            add("e2e_gold", g.type)
        if i not in pairs:
            continue
        p = preds[pairs[i]]
        add("tp", g.type)
        add("pred", g.type)
        if g.is_scored:
            add("spk_matched", g.type)
            add("e2e_pred", g.type)
            if _speaker_ok(g, p):
                add("spk_correct", g.type)
                add("e2e_tp", g.type)
        if p.type in TYPES and g.type in TYPES:
            add("type_pairs", g.type)
            add("type_correct", g.type, int(p.type == g.type))
    matched = set(pairs.values())
    for j, p in enumerate(preds):
        if j not in matched:
            typ = p.type if p.type in TYPES else None
            add("pred", typ)
            add("e2e_pred", typ)


# ---------------------------------------------------------------- report

def format_report(result: dict, gold_label: str = "", pred_label: str = "") -> str:
    """A fixed-width table of a ``score`` result, one row per match mode and slice.

    Args:
        result: what ``score`` returned.
        gold_label: names the gold file in the header.
        pred_label: names the predictions in the header.

    Returns:
        The report, without a trailing newline.
    """
    s = result["summary"]
    lines = [f"gold: {gold_label}  docs={s['docs']}  quotes={s['gold_quotes']}"
             f"  (speaker-unscored: {s['gold_speaker_unscored']})",
             f"pred: {pred_label}  quotes={s['pred_quotes']}"
             f"  relocated-by-text={s['pred_spans_relocated_by_text']}"
             f"  unresolved={s['pred_spans_unresolved']}  docs-not-in-gold={s['pred_docs_not_in_gold']}"]
    if s["gold_offset_text_mismatch"]:
        lines.append(f"WARNING: {s['gold_offset_text_mismatch']} gold quotes whose text != text[start:end]")
    header = (f"{'match':<8}{'slice':<10}{'gold':>6}{'pred':>6}{'P':>8}{'R':>8}{'F1':>8}"
              f"{'spkAcc':>8}{'e2eP':>8}{'e2eR':>8}{'e2eF1':>8}{'typeAcc':>8}")
    lines += ["", header, "-" * len(header)]

    def num(x: float | None) -> str:
        return "-" if x is None else f"{x:.4f}"

    for mode in MATCH_MODES:
        rows = [("all", result[mode]["all"]), *result[mode]["by_type"].items()]
        for name, r in rows:
            d, a, e = r["detection"], r["attribution"], r["end_to_end"]
            cells = (num(d["precision"]), num(d["recall"]), num(d["f1"]), num(a["accuracy"]),
                     num(e["precision"]), num(e["recall"]), num(e["f1"]), num(r.get("type_accuracy")))
            lines.append(f"{mode:<8}{name:<10}{d['n_gold']:>6}{d['n_pred']:>6}"
                         + "".join(f"{c:>8}" for c in cells))
    return "\n".join(lines)
