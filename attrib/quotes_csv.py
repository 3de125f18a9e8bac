"""quotes.csv: a run's quotes as a spreadsheet, one row per quote (``attrib run``; ``attrib export --format
quotes-csv``).

The file opens with the right characters and line breaks in LibreOffice and Excel:
UTF-8 with a byte order mark (Excel takes a file without one for the local code page),
``\\r\\n`` row ends, and every field quoted by the ``csv`` module where it holds a comma,
a quote mark or a line break (a quote's own line breaks stay inside its cell). A text
cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
leading ``'``, so that a spreadsheet shows it as text instead of running it as a
formula (OWASP's advice against CSV injection); numbers are written as they are.

Quote records are read by field name and a missing field is an empty cell, so a
quotes.jsonl with more fields (or an older one with fewer) still converts.
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Iterable, Iterator

from .problems import AttribError
from .rundir import atomic_path, json_lines

QUOTES_CSV = "quotes.csv"
#: the columns, in order
COLUMNS = ("doc_id", "quote_id", "start", "end", "type", "text", "speaker", "speaker_id", "kind", "role",
           "affiliation", "mention", "cue", "cue_class", "outlet", "rule")
#: a text cell starting with one of these is prefixed with ``'`` (spreadsheets would take it as a formula)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def quote_row(rec: dict[str, Any]) -> list[Any]:
    """One quotes.jsonl record as a row of ``COLUMNS`` (text cells guarded, offsets as integers)."""
    sp = rec.get("speaker") or {}
    cue = rec.get("cue") or {}
    values = {"doc_id": rec.get("doc_id"), "quote_id": rec.get("id"), "start": rec.get("start"),
              "end": rec.get("end"), "type": rec.get("type"), "text": rec.get("text"), "speaker": sp.get("name"),
              "speaker_id": sp.get("id"), "kind": sp.get("kind"), "role": sp.get("role"),
              "affiliation": sp.get("affiliation"), "mention": sp.get("mention"), "cue": cue.get("text"),
              "cue_class": cue.get("class"), "outlet": rec.get("outlet"), "rule": rec.get("rule")}
    return [_cell(values[c]) for c in COLUMNS]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _records(quotes_jsonl: Path) -> Iterator[dict[str, Any]]:
    """The records of a quotes.jsonl; a line that is not a JSON object raises ``AttribError`` (``path:line:col``)."""
    for n, rec in json_lines(quotes_jsonl):
        if not isinstance(rec, dict) or not isinstance(rec.get("speaker") or {}, dict) or \
                not isinstance(rec.get("cue") or {}, dict):
            raise AttribError(f"{quotes_jsonl}:{n}:1: not a quote record (a JSON object with a speaker and a cue "
                              "object or null)")
        yield rec


def write_quotes_csv(records: Iterable[dict[str, Any]], path: str | Path) -> int:
    """Write the quote records as quotes.csv (see the module docstring), atomically; returns the rows written."""
    n = 0
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")  # QUOTE_MINIMAL: quoted where a comma, quote or line break is
        w.writerow(COLUMNS)
        for rec in records:
            w.writerow(quote_row(rec))
            n += 1
    return n


def quotes_csv_from_run(quotes_jsonl: str | Path, path: str | Path) -> int:
    """quotes.csv from a run's quotes.jsonl, one line at a time; returns the rows written."""
    return write_quotes_csv(_records(Path(quotes_jsonl)), path)
