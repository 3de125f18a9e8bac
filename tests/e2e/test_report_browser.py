"""The report in a real browser: Debian's headless Chromium driven by Playwright.

No script errors, no request outside file://, every quote of an article highlighted, the
filters working, keyboard focus showing a quote's details. Screenshots go to
``test-artifacts/report/`` (git-ignored). Without Chromium or Playwright these tests fail
with a message saying how to install them, unless ATTRIB_SKIP_BROWSER=1 is set: CI
(``.ci/run``) installs Chromium, so a missing browser there is an error, not a skip.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "report"
CHROMIUM = os.environ.get("ATTRIB_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def _need_browser() -> None:
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("Playwright (pip install -e '.[test]')")
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        missing.append(f"Chromium at {CHROMIUM} (apt-get install chromium, or set ATTRIB_CHROMIUM)")
    if missing:
        msg = "the browser tests need " + " and ".join(missing)
        if os.environ.get("ATTRIB_SKIP_BROWSER") == "1":
            pytest.skip(msg + "; skipped because ATTRIB_SKIP_BROWSER=1")
        pytest.fail(msg + "; set ATTRIB_SKIP_BROWSER=1 to skip them", pytrace=False)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("browser")
    for args in (["run", "seeds/", "-o", str(base / "run"), "--nlp", "builtin", "-q"],
                 ["report", str(base / "run"), "-o", str(base / "site")]):
        proc = subprocess.run([sys.executable, "-m", "attrib", *args], cwd=REPO, capture_output=True, text=True,
                              timeout=300)
        assert proc.returncode == 0, proc.stderr
    return base / "run", base / "site"


@pytest.fixture(scope="module")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Watched:
    """A page whose script errors, console errors and requests are recorded."""

    def __init__(self, browser):
        self.page = browser.new_page(viewport={"width": 1200, "height": 900})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        self.page.on("request", lambda r: self.requests.append(r.url))

    def check(self) -> None:
        assert self.errors == []
        assert [u for u in self.requests if not u.startswith("file://")] == []


@pytest.fixture
def watched(browser):
    w = Watched(browser)
    yield w
    w.page.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


def wait_until(page, js: str, timeout: float = 10.0) -> None:
    """Poll a JS expression until it is true (the pages' Content-Security-Policy forbids the eval that
    Playwright's wait_for_function uses)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(f"() => Boolean({js})"):
        assert time.monotonic() < deadline, f"timed out waiting for {js}"
        page.wait_for_timeout(50)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def visible_rows(page, table: str) -> list[list[str]]:
    return page.eval_on_selector_all(f"#t-{table} tr", "rows => rows.map(r => [...r.cells].map(c => c.innerText))")


def test_index_loads_and_filters(site, watched) -> None:
    run, out = site
    page = watched.page
    page.goto((out / "index.html").as_uri())
    page.wait_for_selector("body[data-loaded=all]", timeout=15_000)
    quotes = read_jsonl(run / "quotes.jsonl")
    n_speakers = len({q["speaker"]["id"] for q in quotes if q["speaker"]})
    assert len(visible_rows(page, "speakers")) == n_speakers
    assert page.inner_text("#counts").startswith("5 articles, 64 quotes")
    shot(page, "index.png")
    assert page.get_attribute("body", "data-quotes") is None  # the quotes load when asked for, not before

    page.fill("#f-speaker", "Kakar")
    wait_until(page, "document.querySelectorAll('#t-speakers tr').length === 1")
    assert visible_rows(page, "speakers")[0][0].strip() == "Arif Kakar"
    claims = visible_rows(page, "claims")
    assert claims and all("Arif Kakar" in row[1] for row in claims)
    articles = visible_rows(page, "articles")
    assert len(articles) == len({q["doc_id"] for q in quotes if (q["speaker"] or {}).get("name") == "Arif Kakar"})
    shot(page, "index-filtered.png")

    page.fill("#f-speaker", "")
    page.fill("#f-search", "Repelled")
    page.wait_for_selector("body[data-quotes=loaded]", state="attached", timeout=15_000)
    expected = sum("repelled" in q["text"].lower() for q in quotes)
    assert expected > 0
    wait_until(page, f"document.querySelectorAll('#t-quotes tr').length === {expected}")
    assert all("repelled" in row[0].lower() for row in visible_rows(page, "quotes"))
    shot(page, "index-search.png")

    page.click("#f-reset")
    wait_until(page, "document.querySelectorAll('#t-quotes tr').length === 0")
    page.select_option("#f-type", "direct")
    wait_until(page, f"document.querySelectorAll('#t-speakers tr').length < {n_speakers}")
    direct = {q["speaker"]["name"] for q in quotes if q["speaker"] and q["type"] == "direct"}
    assert {row[0].strip() for row in visible_rows(page, "speakers")} <= direct
    assert all(row[2] == "direct" for row in visible_rows(page, "claims"))

    page.select_option("#f-type", "")
    page.select_option("#f-affiliation", "Taliban")
    wait_until(page, f"document.querySelectorAll('#t-speakers tr').length < {n_speakers}")
    rows = visible_rows(page, "speakers")
    assert rows and len(rows) < n_speakers
    page.fill("#f-search", "no such words anywhere")
    wait_until(page, "document.querySelectorAll('#t-claims tr').length === 0")
    watched.check()


def test_every_quote_of_each_article_is_highlighted(site, watched) -> None:
    run, out = site
    quotes = read_jsonl(run / "quotes.jsonl")
    page = watched.page
    page.goto((out / "index.html").as_uri())
    page.wait_for_selector("#t-articles tr a")
    links = page.eval_on_selector_all("#t-articles tr a", "as => as.map(a => a.href)")
    assert len(links) == 5
    for link in links:
        page.goto(link)
        found = page.evaluate("""() => {
            const out = {};
            for (const m of document.querySelectorAll('[data-quote-id]')) {
              const id = m.getAttribute('data-quote-id'); out[id] = (out[id] || '') + m.textContent;
            }
            return out; }""")
        doc = next(iter(found)).rsplit(":", 1)[0]
        assert found == {q["id"]: q["text"] for q in quotes if q["doc_id"] == doc}
    watched.check()


def test_keyboard_focus_shows_who_said_it(site, watched) -> None:
    run, out = site
    page = watched.page
    page.goto((out / "index.html").as_uri())
    page.wait_for_selector("#t-articles tr a")
    page.click("#t-articles tr:first-child a")
    page.wait_for_selector("mark.q")
    for _ in range(30):  # Tab from the top until a quote has the focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('mark.q')"):
            break
    qid = page.evaluate("document.activeElement.getAttribute('data-quote-id')")
    rec = next(q for q in read_jsonl(run / "quotes.jsonl") if q["id"] == qid)
    detail = page.inner_text("#detail")
    assert rec["speaker"]["name"] in detail and f"id {qid}" in detail
    for rule in rec["rule"].split("+"):
        assert rule in detail
    shot(page, "article.png")
    watched.check()


def test_merged_speaker_and_claim_page(site, watched) -> None:
    run, out = site
    merge = read_jsonl(run / "merges.jsonl")[0]
    quote = next(q for q in read_jsonl(run / "quotes.jsonl") if (q["speaker"] or {}).get("id") == merge["kept_id"])
    page = watched.page
    page.goto((out / "index.html").as_uri())
    page.wait_for_selector("#t-articles tr a")
    title = next(a["title"] for a in read_jsonl(run / "articles.jsonl") if a["doc_id"] == quote["doc_id"])
    page.click(f"#t-articles a:text-is({json.dumps(title)})")
    page.click(f'mark.q[data-quote-id="{quote["id"]}"]')
    assert merge["evidence"][:40] in page.inner_text("#detail")
    # a claim page: every report side by side
    page.goto((out / "index.html").as_uri())
    page.wait_for_selector("#t-claims tr a")
    page.fill("#f-search", "repelled the attack")
    wait_until(page, "document.querySelectorAll('#t-claims tr').length === 1")
    page.click("#t-claims tr a")
    page.wait_for_selector("article.report")
    assert page.locator("article.report").count() == 2
    assert page.locator("ins, del").count() > 0
    shot(page, "claim.png")
    watched.check()
