"""The corpus stages' working data on disk: one SQLite database, so a run's memory does not grow with its corpus.

A batch run adds each finished article's quote, article and stance lines here as they
arrive (``add``); identity, claims and the graph then read them back in the order each
needs (``ORDER BY``: SQLite sorts on disk), and keep in memory only what is per named
entity (people, organisations, outlets), never per quote or per article.

Tables (every ``line`` is the JSON line the run's final file holds, see ``rundir``):

- ``quote(i, doc, start, end, sid, spk, name, mention, text, norm, type, rule, outlet, line)``: ``i``
  is the quote's place in input order (0-based); ``sid`` its speaker's id, ``spk`` its speaker
  (``rundir.speaker_key``) and ``name`` its name (all None without a speaker), ``mention`` the
  speaker's mention as written (None without one), ``norm`` the text as claims compare it (``normalise_quote``);
  the rest are the line's fields of those names (``quote_columns``). Identity rewrites ``sid``,
  ``spk``, ``name`` and ``line`` of the quotes whose speaker it changed. The columns are what the corpus
  stages read of every quote, so that none of them parses the lines: the workers that make the
  lines give them (``engine.Output``), a resume reads them from the spool's lines.
- ``article(i, doc, nlp, line)``: one row per article, in input order, with its line's ``nlp``
  (for the run's summary).
- ``stance(i, doc, start, end, rule, line)``: one row per stance, in input order.

Stages may add tables of their own (their names start with the stage's name).
"""
from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .rundir import ARTICLES, QUOTES, STANCES, speaker_from_key, speaker_key
from .text import normalise_quote

_SCHEMA = """
CREATE TABLE quote(i INTEGER PRIMARY KEY, doc TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
                   sid TEXT, spk TEXT, name TEXT, mention TEXT, text TEXT NOT NULL, norm TEXT NOT NULL,
                   type TEXT NOT NULL, rule TEXT, outlet TEXT, line TEXT NOT NULL);
CREATE TABLE article(i INTEGER PRIMARY KEY, doc TEXT NOT NULL, nlp TEXT NOT NULL, line TEXT NOT NULL);
CREATE TABLE stance(i INTEGER PRIMARY KEY, doc TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
                    rule TEXT NOT NULL, line TEXT NOT NULL);
"""

#: rows of JSON lines written at once (a quote line is about 1 KB; a run folder's lines are read this many at a time)
LINES_AT_ONCE = 256
#: short rows (ids, offsets, keys) written at once by the corpus stages
ROWS_AT_ONCE = 4096


def quote_columns(rec: dict[str, Any]) -> tuple:
    """A quote record's columns of the ``quote`` table, between ``i`` and ``line``."""
    return (rec["doc_id"], rec["start"], rec["end"], *speaker_columns(rec["speaker"]), rec["text"],
            normalise_quote(rec["text"]), rec["type"], rec.get("rule"), rec.get("outlet"))


_QUOTE_TYPE = 9  # the place of the quote's type in a row of quote_columns


def speaker_columns(sp: dict[str, Any] | None) -> tuple:
    """A quote record's ``speaker`` as the ``quote`` table's ``sid, spk, name, mention``."""
    if not sp:
        return None, None, None, None
    return sp["id"], speaker_key(sp), sp.get("name"), sp.get("mention")


def quote_speakers(rows: Iterable[tuple]) -> Iterator[tuple[str, Any, str | None]]:
    """(doc_id, speaker, mention as written or None) of the quotes with a speaker, from ``quote_columns`` rows
    (what the identity stage collects, ``identity._Unifier.add``)."""
    for doc, _start, _end, sid, spk, _name, mention, *_ in rows:
        if sid is not None:
            yield doc, speaker_from_key(spk), mention


def article_columns(rec: dict[str, Any]) -> tuple:
    """An article record's columns of the ``article`` table, between ``i`` and ``line``."""
    return rec["doc_id"], rec.get("nlp", "")


def stance_columns(rec: dict[str, Any]) -> tuple:
    """A stance record's columns of the ``stance`` table, between ``i`` and ``line``."""
    return rec["doc_id"], rec["start"], rec["end"], rec["rule"]


def execute_script(db: sqlite3.Connection, script: str) -> None:
    """Run ``;``-separated statements (no ``;`` inside one) in the store's open transaction.

    ``executescript`` would commit that transaction first and leave the connection in
    autocommit mode, where every inserted row is a transaction of its own.
    """
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _parsed(lines: Iterable[str], columns: Callable[[dict[str, Any]], tuple]) -> Iterator[tuple]:
    """``(*columns(record), line)`` of each non-empty JSON line."""
    for line in lines:
        line = line.rstrip("\n")
        if line:
            yield (*columns(json.loads(line)), line)


class Store:
    """A run's quotes, articles and stances in SQLite (a file, or ``:memory:`` for a corpus held in memory)."""

    def __init__(self, path: str | Path = ":memory:"):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).unlink(missing_ok=True)
        self.db = self._connect()
        self.db.executescript(_SCHEMA)
        self.db.execute("BEGIN")
        self.quotes = self.articles = self.stances = 0
        self.quote_types: Counter[str] = Counter()  # the quotes added, by type (the run's summary)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None)
        # a scratch database: nothing needs surviving a crash (a resume rebuilds it from the spool); its page
        # cache, which also bounds the memory of its sorts, is 2 MB
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA temp_store=FILE;"
                         "PRAGMA cache_size=-2000;")
        return db

    @classmethod
    def from_run(cls, run_dir: str | Path, path: str | Path = ":memory:") -> "Store":
        """A store holding a run folder's (or a spool's) quotes, articles and stances."""
        store = cls(path)
        run_dir = Path(run_dir)
        for name, add in ((QUOTES, store.add_quotes), (ARTICLES, store.add_articles), (STANCES, store.add_stances)):
            if (run_dir / name).is_file():
                with open(run_dir / name, encoding="utf-8") as f:
                    add(f)
        return store

    @classmethod
    def from_records(cls, attributions: Iterable[Any], articles: Iterable[Any] = (), stances: Iterable[Any] = (),
                     path: str | Path = ":memory:") -> "Store":
        """A store (in memory, or in a scratch file) holding records (``ResolvedAttribution``, ``ArticleInfo``,
        ``Stance``) as a run folder would hold them: the corpus stages of ``attrib export``, the API and the
        tests read it."""
        from .rundir import article_record, quote_record, stance_record

        store = cls(path)
        for add, record, items in ((store.add_quotes, quote_record, attributions),
                                   (store.add_articles, article_record, articles),
                                   (store.add_stances, stance_record, stances)):
            add(json.dumps(record(x), ensure_ascii=False) for x in items)
        return store

    # -------------------------------------------------------------- filling

    def add_quotes(self, lines: Iterable[str]) -> None:
        """Quote lines (``rundir.quote_record`` as JSON), in input order."""
        self.add_quote_rows(_parsed(lines, quote_columns))

    def add_articles(self, lines: Iterable[str]) -> None:
        """Article lines (``rundir.article_record`` as JSON), in input order."""
        self.add_article_rows(_parsed(lines, article_columns))

    def add_stances(self, lines: Iterable[str]) -> None:
        """Stance lines (``rundir.stance_record`` as JSON), in input order."""
        self.add_stance_rows(_parsed(lines, stance_columns))

    def add_quote_rows(self, rows: Iterable[tuple]) -> None:
        """Quotes as ``(*quote_columns(record), line)``, in input order."""
        types = self.quote_types

        def counted() -> Iterator[tuple]:
            for row in rows:
                types[row[_QUOTE_TYPE]] += 1
                yield row

        self.quotes = self._add("quote", self.quotes, counted())

    def add_article_rows(self, rows: Iterable[tuple]) -> None:
        """Articles as ``(*article_columns(record), line)``, in input order."""
        self.articles = self._add("article", self.articles, rows)

    def add_stance_rows(self, rows: Iterable[tuple]) -> None:
        """Stances as ``(*stance_columns(record), line)``, in input order."""
        self.stances = self._add("stance", self.stances, rows)

    def _add(self, table: str, i: int, rows: Iterable[tuple]) -> int:
        """Insert the rows numbered from ``i`` (as ``(i, *row)``); the next i."""
        batch: list[tuple] = []
        sql = ""
        for row in rows:
            batch.append((i, *row))
            i += 1
            if len(batch) >= LINES_AT_ONCE:
                sql = sql or f"INSERT INTO {table} VALUES ({', '.join('?' * len(batch[0]))})"
                self.db.executemany(sql, batch)
                batch.clear()
        if batch:
            self.db.executemany(sql or f"INSERT INTO {table} VALUES ({', '.join('?' * len(batch[0]))})", batch)
        return i

    def commit(self) -> None:
        """End the current write transaction (and start the next)."""
        if self.db.in_transaction:
            self.db.execute("COMMIT")
        self.db.execute("BEGIN")

    # -------------------------------------------------------------- reading

    def rows(self, sql: str, params: tuple = ()) -> Iterator[tuple]:
        """The rows of a query, fetched in chunks (never all at once)."""
        cur = self.db.execute(sql, params)
        while True:
            chunk = cur.fetchmany(1024)
            if not chunk:
                return
            yield from chunk

    def quote_lines(self) -> Iterator[str]:
        """The quote lines in quotes.jsonl's order: articles by doc_id (ties in input order), each article's
        quotes as they were found."""
        return (line for line, in self.rows("SELECT line FROM quote ORDER BY doc, i"))

    def stance_lines(self) -> Iterator[str]:
        """The stance lines in stances.jsonl's order: by doc_id, quote start and end, rule id (ties in input order)."""
        return (line for line, in self.rows('SELECT line FROM stance ORDER BY doc, start, "end", rule, i'))

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None  # type: ignore[assignment]
            if self.path != ":memory:":
                Path(self.path).unlink(missing_ok=True)
