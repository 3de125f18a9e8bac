"""The records' JSON lines in a run's files (each record <-> its line), the files' names, and a finished run read back.

``attrib run -o OUT`` writes (names below): ``quotes.jsonl`` (one quote a line, see
``quote_record``), ``articles.jsonl`` (one article a line, see ``article_record``),
``problems.jsonl`` and ``texts.jsonl.gz`` (the texts, for ``attrib report``). ``attrib export``, ``attrib speakers`` and ``attrib rules
suggest`` rebuild what they need from these files without redoing any NLP.
"""
from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import secrets
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TypeVar

from .model import (ArticleInfo, ArticleResult, Attribution, Cue, QuoteType, ResolvedAttribution, Span,
                    Speaker, SpeakerKind)
from .model import Stance  # the stances block at the end
from .problems import AttribError, Problem

T = TypeVar("T")

QUOTES = "quotes.jsonl"
ARTICLES = "articles.jsonl"
PROBLEMS = "problems.jsonl"
MERGES = "merges.jsonl"
#: every article's text, ``{"doc_id", "text"}`` a line in input order, gzip-compressed (``attrib report`` shows
#: the quotes in it: offsets are into the text as the run decoded it, which the inputs may no longer give)
TEXTS = "texts.jsonl.gz"
#: the spool's uncompressed copy of it
TEXTS_SPOOL = "texts.jsonl"


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[str]:
    """A temporary path in the target's folder; renamed over ``path`` if the block succeeds, else removed."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    # created by us with the umask applied, unlike tempfile's 0600
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        yield str(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def quote_record(ra: ResolvedAttribution) -> dict[str, Any]:
    """One quote as a JSON-ready dict with a fixed key order.

    Args:
        ra: a resolved attribution.

    Returns:
        ``{"doc_id", "id", "text", "start", "end", "type", "cue", "speaker", "outlet", "rule"}``;
        ``id`` is ``"<doc_id>:<start>-<end>"``, ``cue`` and ``speaker`` are None when absent,
        the speaker's ``mention``/``start``/``end`` are the mention as written (may be a pronoun)
        and ``rule`` joins the attribution's and the resolution's rule ids with ``+``.
    """
    a = ra.attribution
    cue = None
    if a.cue is not None:
        cue = {"text": a.cue.text, "lemma": a.cue.lemma, "class": a.cue.cue_class, "start": a.cue.start,
               "end": a.cue.end}
    speaker = None if ra.speaker is None else speaker_record(ra.speaker, ra.mention)
    return {
        "doc_id": a.doc_id, "id": f"{a.doc_id}:{a.start}-{a.end}", "text": a.text,
        "start": a.start, "end": a.end, "type": a.type.value, "cue": cue, "speaker": speaker,
        "outlet": a.outlet, "rule": "+".join(dict.fromkeys((*a.rule_ids, *ra.rule_ids)))}


def speaker_record(s: Speaker, m: Span | None) -> dict[str, Any]:
    """A quote record's ``speaker``: ``{"id", "name", "mention", "start", "end", "kind", "role", "affiliation",
    "affiliations"}`` (the mention as written, or None)."""
    return {"id": s.id, "name": s.name,
            "mention": m.text if m else None, "start": m.start if m else None, "end": m.end if m else None,
            "kind": s.kind.value, "role": s.role, "affiliation": s.affiliation,
            "affiliations": list(s.affiliation_path)}


def speaker_from_record(sp: dict[str, Any]) -> tuple[Speaker, Span | None]:
    """The inverse of ``speaker_record``: the speaker and its mention."""
    speaker = Speaker(sp["id"], sp["name"], SpeakerKind(sp.get("kind") or "unknown"), sp.get("role"),
                      sp.get("affiliation"), tuple(sp.get("affiliations") or ()))
    mention = None if sp.get("mention") is None else Span(sp["start"], sp["end"], sp["mention"])
    return speaker, mention


def speaker_key(sp: dict[str, Any] | None) -> str | None:
    """A quote record's ``speaker`` (mention left out) as one JSON text, None without a speaker (or its id).

    Equal ``Speaker`` records (as ``speaker_from_record`` reads them: no kind is "unknown",
    no affiliations is ()) give equal texts; ``speaker_from_key`` reads one back. The run's
    store keeps each quote's speaker so (``store.quote_columns``), for identity, claims and the graph.
    """
    if sp is None or sp.get("id") is None:
        return None
    return _key_text((sp["id"], sp.get("name"), sp.get("kind") or "unknown", sp.get("role"), sp.get("affiliation"),
                      tuple(sp.get("affiliations") or ())))


@functools.lru_cache(maxsize=256)  # a corpus has far fewer speaker records than quotes
def _key_text(fields: tuple) -> str:
    return json.dumps(fields)


@functools.lru_cache(maxsize=256)
def speaker_from_key(key: str) -> Speaker:
    """The speaker a ``speaker_key`` text names (equal to ``speaker_from_record``'s)."""
    sid, name, kind, role, affiliation, path = json.loads(key)
    return Speaker(sid, name, SpeakerKind(kind), role, affiliation, tuple(path))


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


def attribution_from_record(rec: dict[str, Any], shared: dict | None = None) -> ResolvedAttribution:
    """The inverse of ``quote_record``: one quotes.jsonl line as a ResolvedAttribution.

    The record's ``rule`` ids all go to the attribution; the resolution's own ids are not
    told apart in the file, so ``ResolvedAttribution.rule_ids`` is empty. ``shared`` (a dict
    kept across calls) makes equal speakers, rule-id tuples and doc ids one object each, which
    keeps a corpus's quotes in a fraction of the memory.
    """
    memo = shared if shared is not None else {}
    one = memo.setdefault  # equal short strings (cue words, mentions, outlets) become one object each
    cue = rec.get("cue")
    c = None
    if cue:
        lemma = cue.get("lemma") or cue["text"]
        c = Cue(cue["start"], cue["end"], one(cue["text"], cue["text"]), one(lemma, lemma), "",
                cue.get("class", "speech"))
    sp = rec.get("speaker")
    speaker = mention = None
    if sp:
        key = (_SPEAKER, sp["id"], sp["name"], sp.get("kind"), sp.get("role"), sp.get("affiliation"),
               tuple(sp.get("affiliations") or ()))
        speaker = memo.get(key)  # a corpus has far fewer speaker records than quotes: each is made once
        if speaker is None:
            speaker, _ = speaker_from_record(sp)
            speaker = memo[key] = one(speaker, speaker)
        if sp.get("mention") is not None:
            mention = Span(sp["start"], sp["end"], one(sp["mention"], sp["mention"]))
    rule_text = rec.get("rule") or ""
    rule_ids = memo.get((_RULES, rule_text))
    if rule_ids is None:
        ids = tuple(r for r in rule_text.split("+") if r)
        rule_ids = memo[(_RULES, rule_text)] = one(ids, ids)
    doc_id = one(rec["doc_id"], rec["doc_id"])
    outlet = rec.get("outlet")
    if outlet is not None:
        outlet = one(outlet, outlet)
    qtype = _QUOTE_TYPES.get(rec["type"]) or QuoteType(rec["type"])  # an unknown type: ValueError, said clearly
    a = Attribution(doc_id, rec["start"], rec["end"], rec["text"], qtype, c, mention, outlet, rule_ids)
    return ResolvedAttribution(a, speaker, mention)


_QUOTE_TYPES = {t.value: t for t in QuoteType}
# tags of attribution_from_record's memo keys (no value read from a file equals them)
_SPEAKER, _RULES = object(), object()


def problem_record(p: Problem) -> dict[str, Any]:
    """One line of problems.jsonl: ``{"path", "line", "col", "level", "message"}`` (line 0: the whole file)."""
    return {"path": p.path, "line": p.line, "col": p.col, "level": p.level, "message": p.message}


def problem_from_record(rec: dict[str, Any]) -> Problem:
    """The inverse of ``problem_record``."""
    return Problem(rec["path"], int(rec["line"]), int(rec["col"]), rec["message"], rec.get("level", "error"))


def write_lines(path: str | Path, records: Iterable[dict[str, Any]]) -> int:
    """Write JSON Lines (UTF-8, ``\\n`` line ends) atomically; returns the number of lines."""
    return write_text_lines(path, (json.dumps(rec, ensure_ascii=False) for rec in records))


def write_text_lines(path: str | Path, lines: Iterable[str]) -> int:
    """Write lines (each without its line end) as UTF-8 with ``\\n`` line ends, atomically; returns their number."""
    n = 0
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as f:
        for line in lines:
            f.write(line + "\n")
            n += 1
    return n


def write_quote_records(attributions: Iterable[ResolvedAttribution], path: str | Path) -> int:
    """Write quotes.jsonl from resolved attributions, sorted by (doc_id, start, end), atomically.

    Returns:
        The number of quotes written.
    """
    ordered = sorted(attributions, key=lambda ra: (ra.attribution.doc_id, ra.attribution.start, ra.attribution.end))
    return write_lines(path, (quote_record(ra) for ra in ordered))  # one record at a time: none are held


def write_gzip_copy(src: str | Path, path: str | Path) -> None:
    """Compress ``src`` into ``path`` atomically; the same bytes every time (no name or date in the header)."""
    import gzip
    import shutil

    with atomic_path(path) as tmp, open(src, "rb") as fin, open(tmp, "wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0) as fout:
        shutil.copyfileobj(fin, fout, 1 << 20)


def json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each non-blank line of a JSON Lines file, parsed, with its line number; ``AttribError`` when one is not JSON."""
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


def _read_records(path: Path, convert: Callable[[dict[str, Any]], T], what: str) -> list[T]:
    """Every line of a JSON Lines file converted to a record; a bad line is ``path:line:1: not a <what> record``."""
    out = []
    for n, rec in json_lines(path):
        try:
            out.append(convert(rec))
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as e:
            raise AttribError(f"{path}:{n}:1: not a {what} record ({type(e).__name__}: {e})") from None
    return out


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
    shared: dict = {}
    return _read_records(_run_file(run_dir, QUOTES), lambda rec: attribution_from_record(rec, shared), "quote")


def read_articles(run_dir: str | Path) -> list[ArticleInfo]:
    """Every article of a finished run (RUN_DIR/articles.jsonl); [] for a run made before that file existed."""
    path = Path(run_dir) / ARTICLES
    return _read_records(path, article_from_record, "article") if path.is_file() else []


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


def read_stances(run_dir: str | Path) -> list[Stance]:
    """Every stance of a finished run (RUN_DIR/stances.jsonl); [] for a run made before that file existed.

    Raises:
        AttribError: a line is not a stance record (``path:line:col: message``).
    """
    path = Path(run_dir) / STANCES
    return _read_records(path, stance_from_record, "stance") if path.is_file() else []
