"""A finished run's folder, read back as typed records for the corpus-level commands.

``attrib run -o OUT`` writes (names below): ``quotes.jsonl`` (one quote a line, see
``export.quote_record``), ``articles.jsonl`` (one article a line, see ``article_record``)
and ``problems.jsonl``. ``attrib export``, ``attrib speakers`` and ``attrib rules
suggest`` rebuild what they need from these files without redoing any NLP.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterable, Iterator
from typing import Sequence  # the stances block at the end

from .model import (ArticleInfo, ArticleResult, Attribution, Cue, QuoteType, ResolvedAttribution, Span,
                    Speaker, SpeakerKind)
from .model import Stance  # the stances block at the end
from .problems import AttribError, Problem

QUOTES = "quotes.jsonl"
ARTICLES = "articles.jsonl"
PROBLEMS = "problems.jsonl"
MERGES = "merges.jsonl"


#: a headline has at least this many words of two or more letters ("11.8 C", "News ID: 92427" do not)
_TITLE_MIN_WORDS = 4
#: and is found among this many first non-empty lines, else the first line is the title
_TITLE_LINES = 10
_WORD = re.compile(r"[^\W\d_]{2,}")


def guess_title(text: str) -> str:
    """The article's headline: its first line near the top that reads like one (page furniture such
    as a weather line, a site name or a date is skipped), else its first non-empty line, else ""."""
    lines = [line.strip() for line in text.splitlines() if line.strip()][:_TITLE_LINES]
    return next((line for line in lines if len(_WORD.findall(line)) >= _TITLE_MIN_WORDS), lines[0] if lines else "")


def article_info(result: ArticleResult) -> ArticleInfo:
    """The text-free summary of one processed article (its title from the input's metadata, else guessed)."""
    a = result.article
    title = dict(a.meta).get("title") or guess_title(a.text)
    return ArticleInfo(a.doc_id, a.path, title, len(a.text), len(result.attributions), result.nlp, a.meta)


def article_record(info: ArticleInfo) -> dict[str, Any]:
    """One line of articles.jsonl: ``{"doc_id", "path", "title", "chars", "quotes", "nlp", "meta"}``."""
    return {"doc_id": info.doc_id, "path": info.path, "title": info.title, "chars": info.chars,
            "quotes": info.quotes, "nlp": info.nlp, "meta": dict(info.meta)}


def article_from_record(rec: dict[str, Any]) -> ArticleInfo:
    """The inverse of ``article_record``."""
    meta = tuple(sorted((str(k), str(v)) for k, v in (rec.get("meta") or {}).items()))
    return ArticleInfo(rec["doc_id"], rec.get("path", ""), rec.get("title", ""), int(rec.get("chars", 0)),
                       int(rec.get("quotes", 0)), rec.get("nlp", ""), meta)


def attribution_from_record(rec: dict[str, Any]) -> ResolvedAttribution:
    """The inverse of ``export.quote_record``: one quotes.jsonl line as a ResolvedAttribution.

    The record's ``rule`` ids all go to the attribution; the resolution's own ids are not
    told apart in the file, so ``ResolvedAttribution.rule_ids`` is empty.
    """
    cue = rec.get("cue")
    c = Cue(cue["start"], cue["end"], cue["text"], cue.get("lemma") or cue["text"], "") if cue else None
    sp = rec.get("speaker")
    speaker = mention = None
    if sp:
        path = tuple(sp.get("affiliations") or ())
        speaker = Speaker(sp["id"], sp["name"], SpeakerKind(sp.get("kind") or "unknown"), sp.get("role"),
                          sp.get("affiliation"), path)
        if sp.get("mention") is not None:
            mention = Span(sp["start"], sp["end"], sp["mention"])
    rule_ids = tuple(r for r in (rec.get("rule") or "").split("+") if r)
    a = Attribution(rec["doc_id"], rec["start"], rec["end"], rec["text"], QuoteType(rec["type"]), c, mention,
                    rec.get("outlet"), rule_ids)
    return ResolvedAttribution(a, speaker, mention)


def problem_record(p: Problem) -> dict[str, Any]:
    """One line of problems.jsonl: ``{"path", "line", "col", "level", "message"}`` (line 0: the whole file)."""
    return {"path": p.path, "line": p.line, "col": p.col, "level": p.level, "message": p.message}


def problem_from_record(rec: dict[str, Any]) -> Problem:
    """The inverse of ``problem_record``."""
    return Problem(rec["path"], int(rec["line"]), int(rec["col"]), rec["message"], rec.get("level", "error"))


def write_quote_records(attributions: Iterable[ResolvedAttribution], path: str | Path) -> int:
    """Write quotes.jsonl from resolved attributions, sorted by (doc_id, start, end), atomically.

    Returns:
        The number of quotes written.
    """
    from .export import _atomic, quote_record  # one atomic writer for every output

    records = sorted((quote_record(ra) for ra in attributions), key=lambda r: (r["doc_id"], r["start"], r["end"]))
    with _atomic(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as f:
        for rec in records:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return len(records)


def write_lines(path: str | Path, records: Iterable[dict[str, Any]]) -> None:
    """Write JSON Lines (UTF-8, ``\\n`` line ends) atomically."""
    from .export import _atomic

    with _atomic(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as f:
        for rec in records:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")


def _lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if line.strip():
                    try:
                        rec = json.loads(line)
                    except json.JSONDecodeError as e:
                        raise AttribError(f"{path}:{n}:{e.colno}: not JSON ({e.msg})") from None
                    yield n, rec
    except OSError as e:
        raise AttribError(f"{path}: cannot read ({e.strerror or e})") from None


def _run_file(run_dir: str | Path, name: str) -> Path:
    run_dir = Path(run_dir)
    path = run_dir / name if run_dir.is_dir() else run_dir
    if not path.is_file():
        raise AttribError(f"{path}: no such file (make it with `attrib run INPUTS -o {run_dir}`)")
    return path


def read_quotes(run_dir: str | Path) -> list[ResolvedAttribution]:
    """Every quote of a finished run (RUN_DIR/quotes.jsonl, or a quotes JSONL file named directly).

    Raises:
        AttribError: the file is missing, or a line is not a quote record (``path:line:col: message``).
    """
    path = _run_file(run_dir, QUOTES)
    out = []
    for n, rec in _lines(path):
        try:
            out.append(attribution_from_record(rec))
        except (KeyError, TypeError, ValueError) as e:
            raise AttribError(f"{path}:{n}:1: not a quote record ({type(e).__name__}: {e})") from None
    return out


def read_articles(run_dir: str | Path) -> list[ArticleInfo]:
    """Every article of a finished run (RUN_DIR/articles.jsonl); [] for a run made before that file existed."""
    path = Path(run_dir) / ARTICLES
    if not path.is_file():
        return []
    out = []
    for n, rec in _lines(path):
        try:
            out.append(article_from_record(rec))
        except (KeyError, TypeError, ValueError) as e:
            raise AttribError(f"{path}:{n}:1: not an article record ({type(e).__name__}: {e})") from None
    return out


# -- stances (attrib.stance): stances.jsonl ------------------------------------------------------------

STANCES = "stances.jsonl"


def stance_record(s: Stance) -> dict[str, Any]:
    """One line of stances.jsonl, keys in a fixed order.

    ``{"doc_id", "quote", "start", "end", "relation", "target", "answers", "evidence", "sentence", "rule"}``:
    ``quote`` is the quote's id in quotes.jsonl (``<doc_id>:<start>-<end>``), ``answers`` the id of
    the quote it answers (or None), ``evidence`` ``{"text", "start", "end"}`` and ``sentence``
    ``{"start", "end"}``.
    """
    answers = None if s.answers_start is None else f"{s.doc_id}:{s.answers_start}-{s.answers_end}"
    return {"doc_id": s.doc_id, "quote": f"{s.doc_id}:{s.start}-{s.end}", "start": s.start, "end": s.end,
            "relation": s.relation, "target": s.target, "answers": answers,
            "evidence": {"text": s.evidence.text, "start": s.evidence.start, "end": s.evidence.end},
            "sentence": {"start": s.sentence_start, "end": s.sentence_end}, "rule": s.rule_id}


def stance_from_record(rec: dict[str, Any]) -> Stance:
    """The inverse of ``stance_record``."""
    ev, sent = rec["evidence"], rec.get("sentence") or {}
    answers_start = answers_end = None
    if rec.get("answers"):
        answers_start, answers_end = (int(x) for x in rec["answers"].rsplit(":", 1)[1].split("-"))
    return Stance(rec["doc_id"], int(rec["start"]), int(rec["end"]), rec["relation"], rec.get("target"),
                  Span(int(ev["start"]), int(ev["end"]), ev["text"]), int(sent.get("start", ev["start"])),
                  int(sent.get("end", ev["end"])), rec.get("rule", ""), answers_start, answers_end)


def write_stances(results: Sequence[ArticleResult], path: str | Path) -> int:
    """Write every stance of every article to stances.jsonl, sorted by (doc_id, start, end); returns the count."""
    from .export import _atomic

    records = sorted((stance_record(s) for r in results for s in r.stances),
                     key=lambda rec: (rec["doc_id"], rec["start"], rec["end"], rec["rule"]))
    with _atomic(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as f:
        for rec in records:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return len(records)


def read_stances(run_dir: str | Path) -> list[Stance]:
    """Every stance of a finished run (RUN_DIR/stances.jsonl); [] for a run made before that file existed.

    Raises:
        AttribError: a line is not a stance record (``path:line:col: message``).
    """
    path = Path(run_dir) / STANCES
    if not Path(run_dir).is_dir() or not path.is_file():
        return []
    out = []
    for n, rec in _lines(path):
        try:
            out.append(stance_from_record(rec))
        except (KeyError, TypeError, ValueError, IndexError) as e:
            raise AttribError(f"{path}:{n}:1: not a stance record ({type(e).__name__}: {e})") from None
    return out
