"""``attrib report RUN_DIR -o DIR``: a static review site of a finished run, opened from disk (``file://``).

What it writes (nothing in it fetches anything: no server, no fonts, scripts or data from
the network; the fonts are the reader's own):

- ``index.html``: speakers most quoted first, claims reported more than once, who disputes
  or supports whom, and the articles, with filters (speaker, affiliation, quote type,
  outlet) and a text search. Its data are JavaScript files in ``data/`` (``meta.js``, then
  shards of ``SHARD_ROWS`` rows, ``data/speakers-0000.js``...), loaded with ``<script>``
  tags (a browser refuses ``fetch()`` of ``file://``): the first shard of each table
  first, the rest after the page is drawn.
- ``articles/<name>.html``: one page per article, its text with every quote highlighted
  (an element with ``data-quote-id`` = the quote's ``id`` in quotes.jsonl; a quote that
  another mark cuts is several such elements), the cue underlined and the speaker's
  mention marked; focusing, hovering or clicking a quote shows its speaker, rules, claim,
  stances and why mentions were merged (``merges.jsonl``).
- ``claims/<claim id>.html``: each claim with two or more reports, the reports side by side
  with the words each drops, adds or changes against the earliest report marked
  (``difflib`` on words).
- ``assets/``: the style sheet and scripts (``attrib/report_assets``).

The article texts come from the run's ``texts.jsonl.gz`` (what the run decoded: offsets
are into it, and the inputs may have moved, changed, or come from stdin). A run made
before attrib kept it gets article pages that list the quotes without the text.

Building streams: the run's files go into a SQLite database beside the output (as the
run's own corpus stages do, ``attrib.store``) and every page is written from queries on
it, so memory holds one article or one claim at a time, plus what is per speaker.
"""
from __future__ import annotations

import difflib
import gzip
import hashlib
import html
import json
import re
import shutil
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from importlib import resources
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any, Iterable, Iterator

from .problems import AttribError
from .ruleset import RuleSet
from .rundir import ARTICLES, MERGES, QUOTES, STANCES, TEXTS, article_from_record, json_lines
from .palette import NO_COLOUR, OTHER_COLOUR
from .palette import TEXT_PALETTE as PALETTE  # the most quoted top affiliations get these, in order
from .store import execute_script

#: rows per data shard of the index
SHARD_ROWS = 2000
#: reports of a claim shown side by side, with their differences; the others are listed (up to ``_CLAIM_LISTED``)
_CLAIM_CARDS = 50
_CLAIM_LISTED = 2000
#: characters of a quote's text in the index's quote search
_QUOTE_CHARS = 400
#: merges shown per speaker (and names per merge)
_MERGES_SHOWN = 5
#: outlets listed per speaker, and speakers per article, in the index's rows
_LIST_CAP = 25
_TYPES = ("direct", "indirect", "mixed")
_BUILD_DB = ".report-build.sqlite"
_SAFE = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass(frozen=True)
class ReportSummary:
    """What ``build_report`` wrote, for the command's summary."""

    articles: int
    quotes: int
    speakers: int
    claims: int
    texts: bool  # whether the run kept its texts (texts.jsonl.gz)
    files: int
    seconds: float


# ---------------------------------------------------------------- names and small helpers


def page_name(doc_id: str) -> str:
    """An article page's file name: a readable slug of the doc id and 8 hex digits of its hash (always unique)."""
    slug = _SAFE.sub("-", doc_id).strip("-")[:60] or "article"
    return f"{slug}-{hashlib.sha1(doc_id.encode('utf-8')).hexdigest()[:8]}.html"


def claim_page_name(cid: str) -> str:
    """A claim page's file name (``claim:0123abcd4567`` -> ``0123abcd4567.html``)."""
    return _SAFE.sub("-", cid.split(":", 1)[-1]) + ".html"


def top_affiliation(sp: dict[str, Any] | None) -> str | None:
    """The top of a quote record's speaker's affiliation path (a country or a movement), else its affiliation."""
    if not sp:
        return None
    path = sp.get("affiliations") or []
    return path[-1] if path else sp.get("affiliation")


def _key_top(key: list) -> str | None:
    """``top_affiliation`` of a speaker as ``rundir.speaker_key`` gives it (id, name, kind, role, affiliation, path)."""
    return key[5][-1] if key[5] else key[4]


def word_diff(base: str, other: str) -> list[tuple[str, str]]:
    """``other``'s words against ``base``'s, as ``(op, text)`` pieces: op is ``same``, ``added`` or ``dropped``.

    >>> word_diff("the attack was repelled", "the attack has been repelled")
    [('same', 'the attack'), ('dropped', 'was'), ('added', 'has been'), ('same', 'repelled')]
    """
    a, b = base.split(), other.split()
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("same", " ".join(b[j1:j2])))
            continue
        if i2 > i1:
            out.append(("dropped", " ".join(a[i1:i2])))
        if j2 > j1:
            out.append(("added", " ".join(b[j1:j2])))
    return out


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _js(value: Any) -> str:
    """JSON safe inside a ``<script>`` element or a ``.js`` file (no ``</script>``, no line separators)."""
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


# ---------------------------------------------------------------- the build


def build_report(run_dir: str | Path, out: str | Path, rules: RuleSet) -> ReportSummary:
    """Write the review site of the finished run in ``run_dir`` to the folder ``out`` (see the module docstring).

    Raises:
        AttribError: ``run_dir`` holds no quotes.jsonl, or a line of its files is not JSON.
    """
    from .claims import pool_store_claims
    from .store import Store

    t0 = time.perf_counter()
    run_dir, out = Path(run_dir), Path(out)
    if not (run_dir / QUOTES).is_file():
        raise AttribError(f"{run_dir / QUOTES}: no such file (make it with `attrib run INPUTS -o {run_dir}`)")
    out.mkdir(parents=True, exist_ok=True)
    for sub in ("articles", "claims", "data"):
        shutil.rmtree(out / sub, ignore_errors=True)
        (out / sub).mkdir()
    db_path = out / _BUILD_DB
    db_path.unlink(missing_ok=True)
    store = Store(db_path)
    try:
        _fill_store(store, run_dir)
        pool_store_claims(store, rules)
        b = _Build(store, run_dir, out)
        b.articles_table()
        b.speakers_table()
        claims = b.claims_table()
        b.write_index_data()
        b.write_claim_pages()
        texts = b.write_article_pages()
        assets = _copy_assets(out / "assets")
        (out / "index.html").write_text(_index_html(b.title), encoding="utf-8")
        summary = ReportSummary(b.n_articles, store.quotes, b.n_speakers, claims, texts, b.files + assets + 1,
                                time.perf_counter() - t0)
    finally:
        store.close()
        db_path.unlink(missing_ok=True)
    return summary


def _fill_store(store, run_dir: Path) -> None:
    """The run's quotes, articles and stances into the build's store (``store.Store.from_run``, with a line that
    is not JSON or not a record said as ``path:line:col: message``)."""
    from .store import article_columns, quote_columns, stance_columns

    for name, columns, add, what in ((QUOTES, quote_columns, store.add_quote_rows, "quote"),
                                     (ARTICLES, article_columns, store.add_article_rows, "article"),
                                     (STANCES, stance_columns, store.add_stance_rows, "stance")):
        if (run_dir / name).is_file():
            add(_checked_rows(run_dir / name, columns, what))


def _checked_rows(path: Path, columns, what: str) -> Iterator[tuple]:
    for n, rec in json_lines(path):
        try:
            row = columns(rec)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:
            raise AttribError(f"{path}:{n}:1: not a {what} record ({type(e).__name__}: {e})") from None
        yield (*row, json.dumps(rec, ensure_ascii=False))


def _copy_assets(dest: Path) -> int:
    """Copy the style sheet and scripts (package data) into ``dest``; their number."""
    dest.mkdir(exist_ok=True)
    n = 0
    for item in resources.files("attrib").joinpath("report_assets").iterdir():
        if item.name.endswith((".css", ".js")):
            data = item.read_bytes()
            if item.name == "report.css":
                data = _palette_css().encode("utf-8") + data
            (dest / item.name).write_bytes(data)
            n += 1
    return n


def _palette_css() -> str:
    """The colour classes' CSS variables (``c0``.. for the most quoted top affiliations, ``cx`` other, ``cn`` none),
    from ``attrib.palette``, which the graph exports colour by too."""
    colours = " ".join(f"--c{k}: {c};" for k, c in enumerate(PALETTE))
    return f"/* colours: attrib.palette */\n:root {{ {colours} --cx: {OTHER_COLOUR}; --cn: {NO_COLOUR}; }}\n"


_REPORT_TABLES = """
CREATE INDEX report_quote_doc ON quote(doc, start, "end", i);
CREATE INDEX report_stance_doc ON stance(doc, start, "end", i);
CREATE INDEX report_quote_sid ON quote(sid);
CREATE INDEX report_seq_cid ON claims_seq(cid, seq);
CREATE TABLE report_article(doc TEXT PRIMARY KEY, i INTEGER, title TEXT, outlet TEXT, date TEXT, href TEXT,
                            quotes INTEGER, written INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
CREATE INDEX report_article_i ON report_article(i);
CREATE TABLE report_speaker(sid TEXT PRIMARY KEY, name TEXT, kind TEXT, role TEXT, affiliation TEXT, top TEXT,
                            quotes INTEGER, articles INTEGER, direct INTEGER, indirect INTEGER,
                            mixed INTEGER) WITHOUT ROWID;
CREATE TABLE report_claim(cid TEXT PRIMARY KEY, reports INTEGER, first_seq INTEGER) WITHOUT ROWID;
"""


class _Build:
    """The report's build on the run's store: tables first, then the index data and the pages."""

    def __init__(self, store, run_dir: Path, out: Path):
        self.store, self.db, self.run_dir, self.out = store, store.db, run_dir, out
        self.files = 0
        self.n_articles = self.n_speakers = 0
        self.title = run_dir.resolve().name
        execute_script(self.db, _REPORT_TABLES)
        self.colours: dict[str, str] = {}
        self.merges = _read_merges(run_dir / MERGES)

    # -- tables

    def articles_table(self) -> None:
        """report_article: each article's title, outlet, date and page (the first of a repeated doc id wins)."""
        from .graph import article_outlet

        rows = []
        for i, line in self.store.rows("SELECT i, line FROM article ORDER BY i"):
            info = article_from_record(json.loads(line))
            date = info.get("date") or info.get("published") or None
            rows.append((info.doc_id, i, info.title, article_outlet(info), date, page_name(info.doc_id),
                         info.quotes, 0))
            if len(rows) >= 4096:
                self._insert("report_article", rows)
        self._insert("report_article", rows)
        # quotes of articles that articles.jsonl does not list (a run made before it existed)
        self.db.execute("INSERT OR IGNORE INTO report_article SELECT doc, MIN(i) + 1000000000, doc, NULL, NULL, "
                        "NULL, count(*), 0 FROM quote GROUP BY doc")
        for (doc,) in list(self.db.execute("SELECT doc FROM report_article WHERE href IS NULL")):
            self.db.execute("UPDATE report_article SET href = ? WHERE doc = ?", (page_name(doc), doc))
        self.n_articles = self.db.execute("SELECT count(*) FROM report_article").fetchone()[0]

    def _insert(self, table: str, rows: list[tuple]) -> None:
        if rows:
            self.db.executemany(f"INSERT OR IGNORE INTO {table} VALUES ({', '.join('?' * len(rows[0]))})", rows)
            rows.clear()

    def speakers_table(self) -> None:
        """report_speaker: each speaker id's most common record, counts of quotes, articles and types."""
        rows: list[tuple] = []
        cur = self.store.rows("SELECT sid, spk, count(*), sum(type = 'direct'), sum(type = 'indirect'), "
                              "sum(type = 'mixed') FROM quote WHERE sid IS NOT NULL GROUP BY sid, spk ORDER BY sid")
        last, best, totals = None, None, [0, 0, 0, 0]

        def flush() -> None:
            if last is None:
                return
            sp = json.loads(best[1])  # rundir.speaker_key: (id, name, kind, role, affiliation, affiliations)
            top = _key_top(sp)
            articles = self.db.execute("SELECT count(DISTINCT doc) FROM quote WHERE sid = ?", (last,)).fetchone()[0]
            rows.append((last, sp[1], sp[2], sp[3], sp[4], top, totals[0], articles, *totals[1:]))
            if len(rows) >= 4096:
                self._insert("report_speaker", rows)

        for sid, spk, n, d, i, m in cur:
            if sid != last:
                flush()
                last, best, totals = sid, (n, spk), [0, 0, 0, 0]
            elif n > best[0]:
                best = (n, spk)
            totals = [totals[0] + n, totals[1] + d, totals[2] + i, totals[3] + m]
        flush()
        self._insert("report_speaker", rows)
        self.n_speakers = self.db.execute("SELECT count(*) FROM report_speaker").fetchone()[0]
        tops = self.db.execute("SELECT top FROM report_speaker WHERE top IS NOT NULL GROUP BY top "
                               "ORDER BY sum(quotes) DESC, top LIMIT ?", (len(PALETTE),)).fetchall()
        self.colours = {top: f"c{k}" for k, (top,) in enumerate(tops)}

    def colour(self, top: str | None) -> str:
        """The colour class of a top affiliation: ``c0``..``c6`` for the most quoted, ``cx`` other, ``cn`` none."""
        if top is None:
            return "cn"
        return self.colours.get(top, "cx")

    def claims_table(self) -> int:
        """report_claim: the claims with two or more reports; their number."""
        self.db.execute("INSERT INTO report_claim SELECT cid, count(*), MIN(seq) FROM claims_seq GROUP BY cid "
                        "HAVING count(*) > 1")
        return self.db.execute("SELECT count(*) FROM report_claim").fetchone()[0]

    # -- index data

    def write_index_data(self) -> None:
        speakers = self._shards("speakers", self._speaker_rows())
        claims = self._shards("claims", self._claim_rows())
        stances = self._shards("stances", self._stance_rows())
        articles = self._shards("articles", self._article_rows())
        quotes = self._shards("quotes", self._quote_rows())
        outlets = [o for o, in self.db.execute(
            "SELECT outlet FROM (SELECT outlet FROM report_article UNION SELECT outlet FROM quote) "
            "WHERE outlet IS NOT NULL ORDER BY lower(outlet)")]
        affiliations = [a for a, in self.db.execute(
            "SELECT a FROM (SELECT affiliation AS a, quotes FROM report_speaker UNION ALL "
            "SELECT top, quotes FROM report_speaker) WHERE a IS NOT NULL GROUP BY a ORDER BY sum(quotes) DESC, a")]
        types = dict(Counter(self.store.quote_types))
        meta = {"title": self.title, "articles": self.n_articles, "quotes": self.store.quotes,
                "speakers": self.n_speakers, "types": types,
                "shards": {"speakers": speakers, "claims": claims, "stances": stances, "articles": articles,
                           "quotes": quotes},
                "palette": [{"top": top, "cls": cls} for top, cls in self.colours.items()],
                "outlets": outlets, "affiliations": affiliations}
        self._write(self.out / "data" / "meta.js", f"ATTRIB.setMeta({_js(meta)});\n")

    def _shards(self, kind: str, rows: Iterable[list]) -> int:
        n, shard = 0, []
        for row in rows:
            shard.append(row)
            if len(shard) >= SHARD_ROWS:
                self._write_shard(kind, n, shard)
                n, shard = n + 1, []
        if shard or n == 0:
            self._write_shard(kind, n, shard)
            n += 1
        return n

    def _write_shard(self, kind: str, n: int, rows: list[list]) -> None:
        body = ",\n".join(_js(r) for r in rows)
        self._write(self.out / "data" / f"{kind}-{n:04d}.js", f"ATTRIB.addShard({_js(kind)},{n},[\n{body}\n]);\n")

    def _write(self, path: Path, text: str) -> None:
        path.write_text(text, encoding="utf-8", newline="\n")
        self.files += 1

    def _speaker_rows(self) -> Iterator[list]:
        """``[name, id, kind, role, affiliation, top, colour, quotes, articles, [direct, indirect, mixed],
        outlets]``."""
        for sid, name, kind, role, aff, top, quotes, articles, d, i, m in self.store.rows(
                "SELECT * FROM report_speaker ORDER BY quotes DESC, articles DESC, name, sid"):
            outlets = [o for o, in self.db.execute(
                "SELECT o FROM (SELECT a.outlet AS o FROM quote q JOIN report_article a ON a.doc = q.doc "
                "WHERE q.sid = ?1 UNION ALL SELECT outlet FROM quote WHERE sid = ?1) WHERE o IS NOT NULL "
                "GROUP BY o ORDER BY count(*) DESC, o LIMIT ?2", (sid, _LIST_CAP))]
            yield [name, sid, kind, role, aff, top, self.colour(top), quotes, articles, [d, i, m], outlets]

    def _claim_rows(self) -> Iterator[list]:
        """``[page, speaker, affiliation, top, colour, type, text, reports, articles, outlets]`` (the text of the
        claim's first report)."""
        for cid, reports, first in self.store.rows("SELECT cid, reports, first_seq FROM report_claim "
                                                   "ORDER BY reports DESC, first_seq"):
            line, = self.db.execute("SELECT q.line FROM claims_seq s JOIN quote q ON q.i = s.i WHERE s.seq = ?",
                                    (first,)).fetchone()
            rec = json.loads(line)
            sp = rec.get("speaker") or {}
            top = top_affiliation(sp)
            docs = self.db.execute("SELECT count(DISTINCT doc) FROM claims_seq WHERE cid = ?", (cid,)).fetchone()[0]
            outlets = [o for o, in self.db.execute(
                "SELECT o FROM (SELECT a.outlet AS o FROM claims_seq s JOIN report_article a ON a.doc = s.doc "
                "WHERE s.cid = ?1 UNION ALL SELECT q.outlet FROM claims_seq s JOIN quote q ON q.i = s.i "
                "WHERE s.cid = ?1) WHERE o IS NOT NULL GROUP BY o ORDER BY count(*) DESC, o LIMIT ?2",
                (cid, _LIST_CAP))]
            yield ["claims/" + claim_page_name(cid), sp.get("name"), sp.get("affiliation"), top, self.colour(top),
                   rec.get("type"), rec.get("text"), reports, docs, outlets]

    def _stance_rows(self) -> Iterator[list]:
        """``[speaker, top, colour, relation, target, target colour, stances, articles, example page]``, most first."""
        self.db.execute("CREATE TABLE report_stance(name TEXT, top TEXT, relation TEXT, target TEXT, doc TEXT, "
                        "i INTEGER PRIMARY KEY)")
        rows: list[tuple] = []
        for i, line in self.store.rows("SELECT i, line FROM stance ORDER BY i"):
            st = json.loads(line)
            sp = self._quote_speaker(st.get("doc_id"), st.get("start"), st.get("end"))
            target = st.get("target")
            if not target and st.get("answers"):
                start, _, end = str(st["answers"]).rpartition(":")[2].partition("-")
                answered = self._quote_speaker(st.get("doc_id"), int(start), int(end)) if end else {}
                target = answered.get("affiliation") or answered.get("name")
            rows.append((sp.get("name") or "(unknown speaker)", top_affiliation(sp), st.get("relation"),
                         target or "(unnamed party)", st.get("doc_id"), i))
            if len(rows) >= 4096:
                self._insert("report_stance", rows)
        self._insert("report_stance", rows)
        for name, top, relation, target, n, docs, href in self.store.rows(
                "SELECT g.name, g.top, g.relation, g.target, g.n, g.docs, a.href FROM (SELECT name, top, relation, "
                "target, count(*) AS n, count(DISTINCT doc) AS docs, MIN(i) AS first FROM report_stance "
                "GROUP BY name, top, relation, target) g JOIN report_stance f ON f.i = g.first "
                "LEFT JOIN report_article a ON a.doc = f.doc ORDER BY g.n DESC, g.name, g.top, g.relation, g.target"):
            yield [name, top, self.colour(top), relation, target, self.colour(target), n, docs,
                   "articles/" + href if href else None]

    def _quote_speaker(self, doc: Any, start: Any, end: Any) -> dict[str, Any]:
        row = self.db.execute('SELECT line FROM quote WHERE doc = ? AND start = ? AND "end" = ?',
                              (doc, start, end)).fetchone()
        return (json.loads(row[0]).get("speaker") if row else None) or {}

    def _article_rows(self) -> Iterator[list]:
        """``[page, doc id, title, outlet, date, quotes, speakers, tops, types]`` in input order."""
        for doc, title, outlet, date, href, quotes in self.store.rows(
                "SELECT doc, title, outlet, date, href, quotes FROM report_article ORDER BY i"):
            speakers, tops, types = [], set(), set()
            for name, spk, qtype in self.db.execute(
                    "SELECT name, spk, type FROM quote WHERE doc = ? ORDER BY start", (doc,)):
                types.add(qtype)
                if name and name not in speakers and len(speakers) < _LIST_CAP:
                    speakers.append(name)
                top = _key_top(json.loads(spk)) if spk else None
                if top:
                    tops.add(top)
            yield ["articles/" + href, doc, title, outlet, date, quotes, speakers, sorted(tops),
                   "".join(t[0] for t in _TYPES if t in types)]

    def _quote_rows(self) -> Iterator[list]:
        """``[page#quote, speaker, colour, affiliation, top, type, outlets, text]``, quotes.jsonl's order (for the
        index's quote search; the text cut at ``_QUOTE_CHARS``)."""
        for line, href, outlet in self.store.rows(
                "SELECT q.line, a.href, a.outlet FROM quote q LEFT JOIN report_article a ON a.doc = q.doc "
                "ORDER BY q.doc, q.i"):
            rec = json.loads(line)
            sp = rec.get("speaker") or {}
            top = top_affiliation(sp)
            text = rec.get("text") or ""
            text = text if len(text) <= _QUOTE_CHARS else text[:_QUOTE_CHARS] + "…"
            yield [f"articles/{href}#q-{_anchor(rec.get('id'))}", sp.get("name"), self.colour(top),
                   sp.get("affiliation"), top, rec.get("type"), [o for o in (outlet, rec.get("outlet")) if o], text]

    # -- claim pages

    def write_claim_pages(self) -> None:
        """One page per claim with two or more reports, its reports read in order (earliest first) one at a time."""
        rows = self.store.rows(
            "SELECT s.cid, c.reports, q.line, a.title, a.outlet, a.date, a.href FROM report_claim c "
            "JOIN claims_seq s ON s.cid = c.cid JOIN quote q ON q.i = s.i "
            # the earliest report first: by date where the articles give one, then in the claim's own order
            "LEFT JOIN report_article a ON a.doc = s.doc ORDER BY c.cid, a.date IS NULL, a.date, s.seq")
        for cid, reports in groupby(rows, key=itemgetter(0)):
            self._claim_page(cid, ((json.loads(r[2]), *r[1:2], *r[3:]) for r in reports))

    def _claim_page(self, cid: str, reports: Iterator[tuple]) -> None:
        """A claim's page from its reports ``(record, count, title, outlet, date, page)``, the earliest first."""
        first = n = sp = dated = None
        cards, listed = [], []
        for rank, (rec, n, title, outlet, date, href) in enumerate(reports):
            if rank == 0:
                first, sp, dated = rec, rec.get("speaker") or {}, date is not None
            if rank >= _CLAIM_CARDS:
                if rank < _CLAIM_CARDS + _CLAIM_LISTED:
                    listed.append(f'<tr><td>{_e(outlet or rec.get("outlet") or "")}</td><td>{_e(date or "")}</td>'
                                  f'<td><a href="../articles/{_e(href)}#q-{_e(_anchor(rec.get("id")))}">'
                                  f'{_e(title or rec.get("doc_id"))}</a></td></tr>' if href else "")
                continue
            if rank == 0:
                words = _e(rec.get("text"))
                label = "earliest report" if dated else "first report (no date known)"
            else:
                words = " ".join(_diff_piece(op, text) for op, text in word_diff(first.get("text") or "",
                                                                                  rec.get("text") or ""))
                label = f"report {rank + 1}"
            where = " · ".join(_e(x) for x in (outlet or "outlet unknown", date or "date unknown",
                                                rec.get("outlet") and f"via {rec['outlet']}") if x)
            link = (f'<a href="../articles/{_e(href)}#q-{_e(_anchor(rec.get("id")))}">'
                    f'{_e(title or rec.get("doc_id"))}</a>' if href else _e(rec.get("doc_id")))
            cards.append(f'<article class="report"><h2>{_e(label)}</h2><p class="where">{where}</p>'
                         f'<p class="article">{link}</p><blockquote class="claim-text">{words}</blockquote>'
                         f'<p class="small">{_e(rec.get("type"))} quote · cue: '
                         f'{_e((rec.get("cue") or {}).get("text"))}'
                         f' · speaker as written: {_e(_mention(rec))}</p></article>')
        top = top_affiliation(sp)
        body = (f'<p><a href="../index.html">← all speakers and claims</a></p>'
                f'<h1>Claim of <span class="chip {self.colour(top)}"></span>'
                f'{_e(sp.get("name") or "unknown speaker")}</h1>'
                f'<p class="small">{_e(sp.get("affiliation") or "")}{" · " if sp.get("affiliation") else ""}'
                f'{n:,} reports. Words a report <ins>adds</ins> or <del>drops</del> against the '
                f'{"earliest" if dated else "first"} report are marked.</p>'
                f'<div class="reports">{"".join(cards)}</div>')
        if listed:
            more = n - _CLAIM_CARDS - len(listed)
            body += (f'<h2>{n - _CLAIM_CARDS:,} more reports</h2><table><thead><tr><th scope="col">Outlet'
                     f'</th><th scope="col">Date</th><th scope="col">Article</th></tr></thead><tbody>{"".join(listed)}'
                     f'</tbody></table>')
            if more:
                body += f'<p class="small">and {more:,} more (see quotes.csv).</p>'
        self._write(self.out / "claims" / claim_page_name(cid),
                    _page(f"Claim: {sp.get('name') or 'unknown speaker'}", body, depth=1))

    # -- article pages

    def write_article_pages(self) -> bool:
        """One page per article, in the texts' order; articles the texts do not hold get a page without text.
        Returns whether the run kept its texts."""
        claim_pages = {cid for cid, in self.db.execute("SELECT cid FROM report_claim")}
        texts = self.run_dir / TEXTS
        if texts.is_file():
            for _, rec in json_lines_gz(texts):
                if isinstance(rec.get("text"), str):
                    self._article_page(rec.get("doc_id"), rec["text"], claim_pages)
        for (doc,) in list(self.db.execute("SELECT doc FROM report_article WHERE NOT written ORDER BY i")):
            self._article_page(doc, None, claim_pages)
        return texts.is_file()

    def _article_page(self, doc: str, text: str | None, claim_pages: set[str]) -> None:
        row = self.db.execute("SELECT title, outlet, date, href, i FROM report_article WHERE doc = ? AND NOT written",
                              (doc,)).fetchone()
        if row is None:  # not an article of the run, or its page is written (a repeated doc id: the first wins)
            return
        self.db.execute("UPDATE report_article SET written = 1 WHERE doc = ?", (doc,))
        title, outlet, date, href, i = row
        nav = ['<a href="../index.html">← all speakers and claims</a>']
        for rel, sql in (("prev", "SELECT href FROM report_article WHERE i < ? ORDER BY i DESC LIMIT 1"),
                         ("next", "SELECT href FROM report_article WHERE i > ? ORDER BY i LIMIT 1")):
            other = self.db.execute(sql, (i,)).fetchone()
            if other:
                label = "previous" if rel == "prev" else "next"
                nav.append(f'<a rel="{rel}" href="{_e(other[0])}">{label} article</a>')
        quotes = [json.loads(line) for line, in self.db.execute(
            'SELECT line FROM quote WHERE doc = ? ORDER BY start, "end", i', (doc,))]
        stances = [json.loads(line) for line, in self.db.execute(
            'SELECT line FROM stance WHERE doc = ? ORDER BY start, "end", i', (doc,))]
        claims = {f"{doc}:{s}-{e}": cid for s, e, cid in self.db.execute(
            'SELECT start, "end", cid FROM claims_seq WHERE doc = ?', (doc,))}
        # a quote id's records: more than one when a quote has two speakers ("X and Y said ...")
        details: dict[str, list[dict[str, Any]]] = {}
        by_id = {q.get("id"): q for q in quotes}
        for q in quotes:
            sp = q.get("speaker") or {}
            cid = claims.get(q.get("id"))
            details.setdefault(q.get("id"), []).append({
                "speaker": sp.get("name"), "kind": sp.get("kind"), "role": sp.get("role"),
                "affiliation": sp.get("affiliation"), "path": sp.get("affiliations") or [],
                "mention": sp.get("mention"), "type": q.get("type"), "cue": (q.get("cue") or {}).get("text"),
                "cue_class": (q.get("cue") or {}).get("class"),
                "outlet": q.get("outlet"), "rules": [r for r in (q.get("rule") or "").split("+") if r],
                "merges": self.merges.get(sp.get("id"), []),
                "claim": f"../claims/{claim_page_name(cid)}" if cid in claim_pages else None,
                "stances": [_stance_text(s, by_id) for s in stances if s.get("quote") == q.get("id")],
                "colour": self.colour(top_affiliation(sp))})
        meta = " · ".join(_e(x) for x in (outlet, date) if x)
        if text is None:
            shown = ('<p class="note">This run kept no article texts (it was made before <code>attrib run</code> '
                     'wrote texts.jsonl.gz): run it again to see the quotes in their text. Its quotes:</p>'
                     + "".join(f'<p class="alone"><mark class="q {recs[0]["colour"]}" tabindex="0" '
                               f'data-quote-id="{_e(qid)}" id="q-{_e(_anchor(qid))}">'
                               f'{_e(by_id[qid].get("text"))}</mark></p>' for qid, recs in details.items()))
        else:
            shown = f'<div class="text">{highlight(text, quotes, details)}</div>'
        legend = "".join(f'<li><span class="chip {cls}"></span>{_e(top)}</li>' for top, cls in self.colours.items())
        body = (f'<nav class="pager" aria-label="articles">{" · ".join(nav)}</nav>'
                f'<h1>{_e(title or doc)}</h1><p class="small">{_e(doc)}{" · " if meta else ""}{meta} · '
                f'{len(quotes)} quotes. Tab or click a quote to see who said it.</p>'
                f'<ul class="legend" aria-label="colours: top affiliation of the speaker">{legend}'
                f'<li><span class="chip cx"></span>other</li><li><span class="chip cn"></span>none</li></ul>'
                f'<div class="layout">{shown}<aside id="detail" aria-live="polite" tabindex="-1">'
                f'<p class="small">Focus (Tab), hover or click a highlighted quote.</p></aside></div>'
                f'<script type="application/json" id="quote-data">{_js(details)}</script>')
        self._write(self.out / "articles" / href, _page(title or doc, body, depth=1, scripts=("assets/article.js",)))


def _mention(rec: dict[str, Any]) -> str:
    return (rec.get("speaker") or {}).get("mention") or "—"


def _anchor(quote_id: Any) -> str:
    return _SAFE.sub("-", str(quote_id))


def _diff_piece(op: str, text: str) -> str:
    if op == "same":
        return _e(text)
    tag = "ins" if op == "added" else "del"
    return f"<{tag}>{_e(text)}</{tag}>"


def _stance_text(s: dict[str, Any], by_id: dict[str, dict]) -> str:
    target = s.get("target")
    if not target and s.get("answers") in by_id:
        sp = by_id[s["answers"]].get("speaker") or {}
        target = sp.get("name")
        if sp.get("affiliation") and sp.get("affiliation") != target:
            target = f"{target} ({sp['affiliation']})"
    ev = (s.get("evidence") or {}).get("text")
    text = f"{s.get('relation')} {target or 'an unnamed party'}"
    return text + (f" (“{ev}”, rule {s.get('rule')})" if ev else "")


def _read_merges(path: Path) -> dict[str, list[str]]:
    """Speaker id -> why other names or mentions were made that speaker (merges.jsonl): the first
    ``_MERGES_SHOWN`` merges, then how many more (a speaker may take one merge from every article)."""
    out: dict[str, list[str]] = defaultdict(list)
    more: Counter = Counter()
    if path.is_file():
        for _, rec in json_lines(path):
            kept = rec.get("kept_id")
            if len(out[kept]) >= _MERGES_SHOWN:
                more[kept] += 1
                continue
            names = rec.get("merged_names") or []
            shown = ", ".join(names[:_MERGES_SHOWN]) + (f" and {len(names) - _MERGES_SHOWN:,} more"
                                                         if len(names) > _MERGES_SHOWN else "")
            out[kept].append(f"{shown} → {rec.get('kept_name')}: {rec.get('evidence')} (rule {rec.get('rule')})")
    for kept, n in more.items():
        out[kept].append(f"and {n:,} more merges into this speaker (merges.jsonl)")
    return dict(out)


def json_lines_gz(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """The lines of a gzip-compressed JSON Lines file, parsed; ``AttribError`` for a bad line or file."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if line.strip():
                    try:
                        yield n, json.loads(line)
                    except json.JSONDecodeError as e:
                        raise AttribError(f"{path}:{n}:{e.colno}: not JSON ({e.msg})") from None
    except (OSError, EOFError) as e:
        raise AttribError(f"{path}: cannot read ({e})") from None


# ---------------------------------------------------------------- highlighting


def highlight(text: str, quotes: list[dict[str, Any]], details: dict[str, list[dict]]) -> str:
    """The article's text as HTML, each quote, cue and speaker mention wrapped in its element.

    The text is cut at every mark's start and end; each piece is wrapped in the marks that
    cover it, outermost first (a quote, then a cue or mention inside it), so the HTML nests
    whatever the overlaps. A quote cut into pieces is several elements with the same
    ``data-quote-id``; the first piece is the one that takes the keyboard focus.
    Records with the same quote id (a quote with two speakers) are one highlight, coloured
    by the first's details (``details``: quote id -> its records' ``colour`` and ``type``).
    Marks whose offsets fall outside the text are left out.
    """
    n = len(text)
    marks: list[tuple[int, int, int, str, str]] = []  # (start, end, layer, kind, quote id)
    quote_ids: set[str] = set()
    for q in quotes:
        qid = q.get("id")
        start, end = q.get("start"), q.get("end")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= n and qid not in quote_ids:
            quote_ids.add(qid)
            marks.append((start, end, 0, "q", qid))
        for layer, kind, span in ((1, "cue", q.get("cue") or {}), (2, "who", q.get("speaker") or {})):
            start, end = span.get("start"), span.get("end")
            if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= n:
                marks.append((start, end, layer, kind, qid))
    cuts = sorted({0, n, *(m[0] for m in marks), *(m[1] for m in marks)})
    # the marks covering each piece: a sweep over the cuts with the marks sorted by start
    marks.sort(key=lambda m: (m[0], -m[1], m[2]))
    out: list[str] = []
    active: list[tuple[int, int, int, str, str]] = []
    seen_quotes: set[str] = set()
    k = 0
    for a, b in zip(cuts, cuts[1:]):
        while k < len(marks) and marks[k][0] <= a:
            active.append(marks[k])
            k += 1
        active = [m for m in active if m[1] > a]
        elements: list[tuple[str, str]] = []  # (opening tag, closing tag), outermost first
        for m in sorted((m for m in active if m[3] == "q"), key=lambda m: (m[0], -m[1])):
            qid = m[4]
            d = (details.get(qid) or [{}])[0]
            attrs = f'class="q {d.get("colour", "cn")} t-{_e(d.get("type"))}" data-quote-id="{_e(qid)}"'
            if qid not in seen_quotes:  # the first piece takes the focus and the anchor
                seen_quotes.add(qid)
                attrs += f' id="q-{_e(_anchor(qid))}" tabindex="0"'
            elements.append((f"<mark {attrs}>", "</mark>"))
        for kind in ("cue", "who"):  # a cue or mention several quotes share is one element
            ids = list(dict.fromkeys(str(m[4]) for m in active if m[3] == kind))
            if ids:
                elements.append((f'<span class="{kind}" data-for="{_e(" ".join(ids))}">', "</span>"))
        out.append("".join(o for o, _ in elements) + html.escape(text[a:b], quote=False)
                   + "".join(c for _, c in reversed(elements)))
    return "".join(out)


# ---------------------------------------------------------------- pages


def _page(title: str, body: str, depth: int = 0, scripts: tuple[str, ...] = ()) -> str:
    up = "../" * depth
    js = "".join(f'<script src="{up}{src}"></script>' for src in scripts)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            # nothing but the site's own files: 'self' and file: (browsers that give each file:// page an origin of
            # its own match it by scheme), no fetch or XHR at all
            f'<meta http-equiv="Content-Security-Policy" content="default-src \'self\' file: \'unsafe-inline\'; '
            f'connect-src \'none\'">'
            f'<title>{_e(title)} · attrib report</title><link rel="stylesheet" href="{up}assets/report.css"></head>'
            f'<body><a class="skip" href="#main">Skip to content</a><main id="main">{body}</main>{js}</body></html>\n')


def _index_html(title: str) -> str:
    body = f"""<h1>attrib report: {_e(title)}</h1>
<p id="counts" class="small">Loading…</p>
<form id="filters" class="filters" role="search" onsubmit="return false">
  <label>Search <input type="search" id="f-search" placeholder="words in a quote, a title or a name"></label>
  <label>Speaker <input type="text" id="f-speaker" list="speaker-names" placeholder="any"></label>
  <datalist id="speaker-names"></datalist>
  <label>Affiliation <select id="f-affiliation"><option value="">any</option></select></label>
  <label>Quote type <select id="f-type"><option value="">any</option><option>direct</option>
    <option>indirect</option><option>mixed</option></select></label>
  <label>Outlet <select id="f-outlet"><option value="">any</option></select></label>
  <button type="reset" id="f-reset">Clear</button>
</form>
<p id="loading" class="small" aria-live="polite"></p>
<ul id="legend" class="legend" aria-label="colours: top affiliation"></ul>
<nav class="tabs" aria-label="sections"><a href="#speakers">Speakers</a> <a href="#claims">Claims</a>
 <a href="#stances">Who disputes or supports whom</a> <a href="#quotes">Quotes</a>
 <a href="#articles">Articles</a></nav>
<section id="speakers" aria-labelledby="h-speakers"><h2 id="h-speakers">Speakers, most quoted first</h2>
 <p class="small status" id="s-speakers"></p>
 <table><thead><tr><th scope="col">Speaker</th><th scope="col">Kind</th><th scope="col">Role</th>
 <th scope="col">Affiliation</th><th scope="col" class="num">Quotes</th><th scope="col" class="num">Articles</th>
 <th scope="col">Outlets</th></tr></thead><tbody id="t-speakers"></tbody></table>
 <button type="button" class="more" data-table="speakers">Show more</button></section>
<section id="claims" aria-labelledby="h-claims"><h2 id="h-claims">Claims reported more than once</h2>
 <p class="small status" id="s-claims"></p>
 <table><thead><tr><th scope="col">Claim (first report)</th><th scope="col">Speaker</th><th scope="col">Type</th>
 <th scope="col" class="num">Reports</th><th scope="col">Outlets</th></tr></thead><tbody id="t-claims"></tbody></table>
 <button type="button" class="more" data-table="claims">Show more</button></section>
<section id="stances" aria-labelledby="h-stances"><h2 id="h-stances">Who disputes or supports whom</h2>
 <p class="small status" id="s-stances"></p>
 <table><thead><tr><th scope="col">Speaker</th><th scope="col">Stance</th><th scope="col">Whom</th>
 <th scope="col" class="num">Quotes</th><th scope="col" class="num">Articles</th></tr></thead>
 <tbody id="t-stances"></tbody></table>
 <button type="button" class="more" data-table="stances">Show more</button></section>
<section id="quotes" aria-labelledby="h-quotes"><h2 id="h-quotes">Quotes</h2>
 <p class="small status" id="s-quotes">Type a search or a speaker to list their quotes.</p>
 <table><thead><tr><th scope="col">Quote</th><th scope="col">Speaker</th><th scope="col">Type</th>
 <th scope="col">Outlet</th></tr></thead><tbody id="t-quotes"></tbody></table>
 <button type="button" class="more" data-table="quotes" hidden>Show more</button></section>
<section id="articles" aria-labelledby="h-articles"><h2 id="h-articles">Articles</h2>
 <p class="small status" id="s-articles"></p>
 <table><thead><tr><th scope="col">Title</th><th scope="col">Outlet</th><th scope="col">Date</th>
 <th scope="col" class="num">Quotes</th><th scope="col">Speakers</th></tr></thead>
 <tbody id="t-articles"></tbody></table>
 <button type="button" class="more" data-table="articles">Show more</button></section>"""
    return _page(f"attrib report: {title}", body, scripts=("assets/report.js", "data/meta.js"))
