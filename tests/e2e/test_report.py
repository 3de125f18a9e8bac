"""`attrib report` and quotes.csv on the seeds, through the real command line (the HTML read statically;
tests/e2e/test_report_browser.py opens it in Chromium)."""
from __future__ import annotations

import csv
import gzip
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def attrib(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "attrib", *args], cwd=REPO, capture_output=True, text=True,
                          encoding="utf-8", timeout=300)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "run"
    proc = attrib("run", "seeds/", "-o", str(out), "--nlp", "builtin", "-q")
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def site(run_dir: Path) -> Path:
    out = run_dir.parent / "site"
    proc = attrib("report", str(run_dir), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert re.match(r"report: 5 articles, 64 quotes, \d+ speakers, \d+ claims reported more than once\n",
                    proc.stdout), proc.stdout
    assert proc.stdout.endswith(f"output: {out / 'index.html'}\n")
    return out


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


class Marks(HTMLParser):
    """Each data-quote-id's text, and every src/href of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[dict] = []
        self.quotes: dict[str, str] = {}
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.links += [a[k] for k in ("src", "href") if a.get(k)]
        if tag not in ("meta", "link", "br", "input"):
            self.stack.append(a)

    def handle_endtag(self, tag):
        self.stack.pop()

    def handle_data(self, data):
        for a in self.stack:
            if "data-quote-id" in a:
                self.quotes[a["data-quote-id"]] = self.quotes.get(a["data-quote-id"], "") + data


def parse(path: Path) -> Marks:
    m = Marks()
    m.feed(path.read_text(encoding="utf-8"))
    return m


def test_run_keeps_the_texts_the_offsets_point_into(run_dir: Path) -> None:
    with gzip.open(run_dir / "texts.jsonl.gz", "rt", encoding="utf-8") as f:
        texts = {rec["doc_id"]: rec["text"] for rec in map(json.loads, f)}
    assert list(texts) == [a["doc_id"] for a in read_jsonl(run_dir / "articles.jsonl")]
    for q in read_jsonl(run_dir / "quotes.jsonl"):
        assert texts[q["doc_id"]][q["start"]:q["end"]] == q["text"]


def test_every_quote_is_highlighted_in_its_article_page(run_dir: Path, site: Path) -> None:
    quotes = read_jsonl(run_dir / "quotes.jsonl")
    pages = sorted((site / "articles").glob("*.html"))
    assert len(pages) == 5
    found: dict[str, str] = {}
    for page in pages:
        m = parse(page)
        found.update(m.quotes)
        for link in m.links:  # everything the page loads or links to is a file of the site
            if link.startswith("#"):
                continue
            assert not re.match(r"[a-z]+:", link), link
            target = (page.parent / link.split("#")[0]).resolve()
            assert target.is_file(), link
    assert found == {q["id"]: q["text"] for q in quotes}


def test_index_data_and_links(site: Path, run_dir: Path) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    assert '<script src="assets/report.js"></script><script src="data/meta.js"></script>' in index
    assert not re.search(r'(src|href)="(https?:)?//', index)
    meta = json.loads(re.fullmatch(r"ATTRIB\.setMeta\((.*)\);\n", (site / "data/meta.js").read_text())[1])
    assert meta["articles"] == 5 and meta["quotes"] == 64
    speakers = json.loads(re.search(r",0,\[\n(.*)\n\]\);", (site / "data/speakers-0000.js").read_text(),
                                    re.S)[1].join("[]").replace("\n", ""))
    quotes = read_jsonl(run_dir / "quotes.jsonl")
    assert len(speakers) == meta["speakers"] == len({q["speaker"]["id"] for q in quotes if q["speaker"]})
    counts = [s[7] for s in speakers]
    assert counts == sorted(counts, reverse=True)  # most quoted first
    mujahid = next(s for s in speakers if s[0] == "Zabihullah Mujahid")
    assert mujahid[7] == sum(1 for q in quotes if (q["speaker"] or {}).get("name") == "Zabihullah Mujahid")
    assert mujahid[5] == "Taliban" and mujahid[6].startswith("c")  # coloured by its top affiliation
    assert meta["shards"]["quotes"] == 1
    shard = (site / "data/quotes-0000.js").read_text(encoding="utf-8")
    assert shard.count('\n["articles/') == len(quotes)
    rows = json.loads(re.search(r",0,\[\n(.*)\n\]\);", (site / "data/stances-0000.js").read_text(encoding="utf-8"),
                                re.S)[1].join("[]").replace("\n", ""))
    stances = read_jsonl(run_dir / "stances.jsonl")
    assert stances, "the seeds have stances"
    assert sum(r[6] for r in rows) == len(stances)  # every stance counted once, by speaker and party
    assert {r[3] for r in rows} == {s["relation"] for s in stances}
    assert all(r[8] and r[8].startswith("articles/") for r in rows)


def test_claim_page_shows_both_reports_of_the_interior_ministry_statement(site: Path) -> None:
    pages = [p.read_text(encoding="utf-8") for p in (site / "claims").glob("*.html")]
    arian = [p for p in pages if "repelled the attack" in p and "Arian" in p]
    assert len(arian) == 1, "one claim holds Arian's statement, reported by two outlets"
    page = arian[0]
    assert page.count('<article class="report">') == 2
    assert "003_c02c5443e40b19b0" in page and "004_85d83919fbe1d626" in page
    # the second report's words that differ from the first are marked
    assert "<ins>" in page or "<del>" in page


def test_report_is_the_same_twice(run_dir: Path, site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert attrib("report", str(run_dir), "-o", str(again)).returncode == 0
    files = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for f in files:
        assert (site / f).read_bytes() == (again / f).read_bytes(), f


def test_a_run_without_texts_gets_pages_listing_its_quotes(run_dir: Path, tmp_path: Path) -> None:
    old = tmp_path / "old-run"
    shutil.copytree(run_dir, old)
    (old / "texts.jsonl.gz").unlink()
    proc = attrib("report", str(old), "-o", str(tmp_path / "site"))
    assert proc.returncode == 0 and "no texts.jsonl.gz" in proc.stderr and "Traceback" not in proc.stderr
    found = {}
    for page in (tmp_path / "site" / "articles").glob("*.html"):
        found.update(parse(page).quotes)
    assert found == {q["id"]: q["text"] for q in read_jsonl(run_dir / "quotes.jsonl")}


def test_report_of_a_missing_run_is_one_line(tmp_path: Path) -> None:
    proc = attrib("report", str(tmp_path / "nothing"), "-o", str(tmp_path / "site"))
    assert proc.returncode == 1
    assert proc.stderr == f"{tmp_path / 'nothing' / 'quotes.jsonl'}: no such file (make it with `attrib run INPUTS " \
                          f"-o {tmp_path / 'nothing'}`)\n"


def test_quotes_csv_reads_back_with_every_quote(run_dir: Path, tmp_path: Path) -> None:
    quotes = read_jsonl(run_dir / "quotes.jsonl")
    data = (run_dir / "quotes.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\r\n")
    with open(run_dir / "quotes.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["quote_id"] for r in rows] == [q["id"] for q in quotes]
    for r, q in zip(rows, quotes):
        assert r["text"] == q["text"] and int(r["start"]) == q["start"] and int(r["end"]) == q["end"]
        assert r["speaker"] == ((q["speaker"] or {}).get("name") or "")
    assert any("’" in r["text"] or "“" in r["text"] for r in rows)  # curly quotes survive
    proc = attrib("export", str(run_dir), "--format", "quotes-csv", "-o", str(tmp_path))
    assert proc.returncode == 0 and proc.stdout == f"quotes: 64 rows\noutput: {tmp_path / 'quotes.csv'}\n"
    assert (tmp_path / "quotes.csv").read_bytes() == data


def test_quotes_csv_export_keeps_line_breaks_and_defuses_formulas(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    rec = {"doc_id": "d", "id": "d:0-20", "text": "first line\nsecond, “line”", "start": 0, "end": 20,
           "type": "indirect", "cue": None, "outlet": "@handle",
           "speaker": {"id": "x", "name": "=cmd|' /C calc'!A0", "kind": "person"}, "rule": "r"}
    (run / "quotes.jsonl").write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "q.csv"
    assert attrib("export", str(run), "--format", "quotes-csv", "-o", str(out)).returncode == 0
    with open(out, encoding="utf-8-sig", newline="") as f:
        row = next(csv.DictReader(f))
    assert row["text"] == "first line\nsecond, “line”"
    assert row["speaker"] == "'=cmd|' /C calc'!A0" and row["outlet"] == "'@handle"
    (run / "quotes.jsonl").write_text("{not json\n", encoding="utf-8")
    proc = attrib("export", str(run), "--format", "quotes-csv", "-o", str(out))
    assert proc.returncode == 1 and proc.stderr.startswith(f"{run / 'quotes.jsonl'}:1:2: not JSON")
    (run / "quotes.jsonl").write_text('{"doc_id": "d"}\n["a list"]\n', encoding="utf-8")
    proc = attrib("export", str(run), "--format", "quotes-csv", "-o", str(out))
    assert proc.returncode == 1 and proc.stderr.startswith(f"{run / 'quotes.jsonl'}:2:1: not a quote record")


def test_claim_page_puts_the_earliest_dated_report_first(tmp_path: Path) -> None:
    wire = tmp_path / "wire.jsonl"
    articles = [  # the later report comes first in the input
        {"id": "w2", "outlet": "Second Wire", "date": "2024-03-02",
         "text": "Clinics reopen\n\n\"We will reopen every clinic in the province by March,\" Health Minister "
                 "Jane Doe said on Monday."},
        {"id": "w1", "outlet": "First Wire", "date": "2024-03-01",
         "text": "Clinics to reopen\n\n\"We will reopen all clinics in the province by March,\" Health Minister "
                 "Jane Doe said."}]
    wire.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    assert attrib("run", str(wire), "-o", str(tmp_path / "run"), "--nlp", "builtin", "-q").returncode == 0
    assert attrib("report", str(tmp_path / "run"), "-o", str(tmp_path / "site")).returncode == 0
    page, = [p.read_text(encoding="utf-8") for p in (tmp_path / "site" / "claims").glob("*.html")]
    first, second = re.findall(r'<article class="report">(.*?)</article>', page)
    assert "earliest report" in first and "First Wire · 2024-03-01" in first and "<del>" not in first
    assert "Second Wire · 2024-03-02" in second
    assert "reopen <del>all clinics</del> <ins>every clinic</ins> in the province" in second


def _xlsx_rows(path: Path) -> list[list[str]]:
    """The cells of an .xlsx's first sheet, as text (shared strings looked up), row by row."""
    import zipfile
    import xml.etree.ElementTree as ET

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(path) as z:
        strings = ["".join(t.text or "" for t in si.iter(f"{{{ns['m']}}}t"))
                   for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns)]
        sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iter(f"{{{ns['m']}}}row"):
        cells: dict[int, str] = {}  # empty cells are left out: place each by its column letters
        for c in row.findall("m:c", ns):
            v = c.find("m:v", ns)
            col = 0
            for letter in re.match(r"[A-Z]+", c.get("r"))[0]:
                col = col * 26 + ord(letter) - 64
            cells[col - 1] = strings[int(v.text)] if c.get("t") == "s" else (v.text if v is not None else "")
        rows.append([cells.get(i, "") for i in range(max(cells) + 1)] if cells else [])
    return rows


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed; CI does not "
                                                         "install it (apt-get install libreoffice-calc-nogui)")
def test_quotes_csv_opens_in_libreoffice(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    rec = {"doc_id": "d", "id": "d:0-20", "text": "first line\nsecond, “line” — naïve café", "start": 0,
           "end": 20, "type": "indirect", "cue": {"text": "said", "class": "speech"}, "outlet": "@handle",
           "speaker": {"id": "x", "name": "=1+1", "kind": "person"}, "rule": "r"}
    (run / "quotes.jsonl").write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    assert attrib("export", str(run), "--format", "quotes-csv", "-o", str(tmp_path)).returncode == 0
    # the choices of Calc's text import dialog: comma, double quote, UTF-8 (76), from line 1
    proc = subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
                           "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", str(tmp_path),
                           str(tmp_path / "quotes.csv")], capture_output=True, text=True, timeout=180)
    assert (tmp_path / "quotes.xlsx").is_file(), proc.stderr
    header, row = _xlsx_rows(tmp_path / "quotes.xlsx")
    cells = dict(zip(header, row))
    assert header[0] == "doc_id"  # the byte order mark is not part of the first name
    assert cells["text"] == "first line\nsecond, “line” — naïve café"  # one cell, line break and all
    assert cells["speaker"] == "'=1+1" and cells["outlet"] == "'@handle"  # text, not formulas
    assert cells["start"] == "0" and cells["end"] == "20" and cells["cue_class"] == "speech"


def test_article_pages_link_the_previous_and_next_article(site: Path, run_dir: Path) -> None:
    order = [a["doc_id"] for a in read_jsonl(run_dir / "articles.jsonl")]
    pages = {d: next((site / "articles").glob(f"{d}-*.html")) for d in order}
    for k, doc in enumerate(order):
        text = pages[doc].read_text(encoding="utf-8")
        prev = re.search(r'<a rel="prev" href="([^"]+)">', text)
        nxt = re.search(r'<a rel="next" href="([^"]+)">', text)
        assert (prev[1] if prev else None) == (pages[order[k - 1]].name if k else None)
        assert (nxt[1] if nxt else None) == (pages[order[k + 1]].name if k + 1 < len(order) else None)


@pytest.mark.parametrize("name, line, message", [
    ("quotes.jsonl", '{"doc_id": broken\n', "quotes.jsonl:{n}:12: not JSON (Expecting value)"),
    ("stances.jsonl", '{"doc_id": "x"}\n', "stances.jsonl:{n}:1: not a stance record (KeyError: 'start')"),
])
def test_a_damaged_run_file_is_one_line(run_dir: Path, tmp_path: Path, name: str, line: str, message: str) -> None:
    bad = tmp_path / "run"
    shutil.copytree(run_dir, bad)
    n = len(read_jsonl(bad / name)) + 1
    with open(bad / name, "a", encoding="utf-8") as f:
        f.write(line)
    proc = attrib("report", str(bad), "-o", str(tmp_path / "site"))
    assert proc.returncode == 1 and proc.stderr == f"{bad / message.format(n=n)}\n"
    assert not (tmp_path / "site" / ".report-build.sqlite").exists()


def test_damaged_texts_are_one_line(run_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "run"
    shutil.copytree(run_dir, bad)
    data = (bad / "texts.jsonl.gz").read_bytes()
    (bad / "texts.jsonl.gz").write_bytes(data[:len(data) // 2])  # cut short
    proc = attrib("report", str(bad), "-o", str(tmp_path / "site"))
    assert proc.returncode == 1 and proc.stderr.startswith(f"{bad / 'texts.jsonl.gz'}: cannot read (")
    assert "Traceback" not in proc.stderr
