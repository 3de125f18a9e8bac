"""The corpus stages' working data on disk: one SQLite database, so a run's memory does not grow with its corpus.

A batch run adds each finished article's quote, article and stance lines here as they
arrive (``add``); identity, claims and the graph then read them back in the order each
needs (``ORDER BY``: SQLite sorts on disk), and keep in memory only what is per named
entity (people, organisations, outlets), never per quote or per article.

Tables (every ``line`` is the JSON line the run's final file holds, see ``rundir``):

- ``quote(i, doc, start, end, sid, line)``: ``i`` is the quote's place in input order
  (0-based); ``sid`` its speaker's id (None without a speaker). Identity rewrites ``sid``
  and ``line`` of the quotes whose speaker it changed.
- ``article(i, doc, line)``: one row per article, in input order.
- ``stance(i, doc, start, end, rule, line)``: one row per stance, in input order.

Stages may add tables of their own (their names start with the stage's name).
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .rundir import ARTICLES, QUOTES, STANCES

_SCHEMA = """
CREATE TABLE quote(i INTEGER PRIMARY KEY, doc TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
                   sid TEXT, line TEXT NOT NULL);
CREATE TABLE article(i INTEGER PRIMARY KEY, doc TEXT NOT NULL, line TEXT NOT NULL);
CREATE TABLE stance(i INTEGER PRIMARY KEY, doc TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
                    rule TEXT NOT NULL, line TEXT NOT NULL);
"""

#: rows of JSON lines written at once (a quote line is about 1 KB; a run folder's lines are read this many at a time)
LINES_AT_ONCE = 256
#: short rows (ids, offsets, keys) written at once by the corpus stages
ROWS_AT_ONCE = 4096


def execute_script(db: sqlite3.Connection, script: str) -> None:
    """Run ``;``-separated statements (no ``;`` inside one) in the store's open transaction.

    ``executescript`` would commit that transaction first and leave the connection in
    autocommit mode, where every inserted row is a transaction of its own.
    """
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


class Store:
    """A run's quotes, articles and stances in SQLite (a file, or ``:memory:`` for a corpus held in memory)."""

    def __init__(self, path: str | Path = ":memory:"):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).unlink(missing_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None)
        # a scratch database: nothing needs surviving a crash (a resume rebuilds it from the spool); its page
        # cache, which also bounds the memory of its sorts, is 2 MB
        self.db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA temp_store=FILE;"
                              "PRAGMA cache_size=-2000;")
        self.db.executescript(_SCHEMA)
        self.db.execute("BEGIN")
        self.quotes = self.articles = self.stances = 0

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

    # -------------------------------------------------------------- filling

    def add_quotes(self, lines: Iterable[str]) -> None:
        """Quote lines (``rundir.quote_record`` as JSON), in input order."""
        self.quotes = self._add("quote", self.quotes, lines, lambda rec: (
            rec["doc_id"], rec["start"], rec["end"], rec["speaker"]["id"] if rec["speaker"] else None))

    def add_articles(self, lines: Iterable[str]) -> None:
        """Article lines (``rundir.article_record`` as JSON), in input order."""
        self.articles = self._add("article", self.articles, lines, lambda rec: (rec["doc_id"],))

    def add_stances(self, lines: Iterable[str]) -> None:
        """Stance lines (``rundir.stance_record`` as JSON), in input order."""
        self.stances = self._add("stance", self.stances, lines, lambda rec: (
            rec["doc_id"], rec["start"], rec["end"], rec["rule"]))

    def _add(self, table: str, i: int, lines: Iterable[str], columns: Callable[[dict], tuple]) -> int:
        """Insert rows (i, *columns(record), line) for the non-empty lines, numbered from ``i``; the next i."""
        rows: list[tuple] = []
        sql = ""
        for line in lines:
            line = line.rstrip("\n")
            if not line:
                continue
            rows.append((i, *columns(json.loads(line)), line))
            i += 1
            if len(rows) >= LINES_AT_ONCE:
                sql = sql or f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[0]))})"
                self.db.executemany(sql, rows)
                rows.clear()
        if rows:
            self.db.executemany(sql or f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[0]))})", rows)
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
