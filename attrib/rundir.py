"""A finished run's folder, read back as typed records for the corpus-level commands.

``attrib run -o OUT`` writes (names below): ``quotes.jsonl`` (one quote a line, see
``export.quote_record``), ``articles.jsonl`` (one article a line, see ``article_record``)
and ``problems.jsonl``. ``attrib export``, ``attrib speakers`` and ``attrib rules
suggest`` rebuild what they need from these files without redoing any NLP.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from .model import (ArticleInfo, ArticleResult, Attribution, Cue, QuoteType, ResolvedAttribution, Span,
                    Speaker, SpeakerKind)
from .problems import AttribError

QUOTES = "quotes.jsonl"
ARTICLES = "articles.jsonl"
PROBLEMS = "problems.jsonl"


def article_info(result: ArticleResult) -> ArticleInfo:
    """The text-free summary of one processed article."""
    a = result.article
    meta = dict(a.meta)
    title = meta.get("title") or next((line.strip() for line in a.text.splitlines() if line.strip()), "")
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
