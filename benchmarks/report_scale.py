"""`attrib report` at corpus scale: build time, peak RSS, size on disk, and how fast the index opens in Chromium.

usage: python benchmarks/report_scale.py [--sizes 2000,20000] [--work DIR] [--jobs N] [--no-browser]

For each size, a corpus is made as ``benchmarks/batch.py`` makes one (the seeds with
their own headline and rotated paragraphs, JSON Lines), ``attrib run --nlp builtin`` runs
on it (untimed, reused when WORK/SIZE/run already holds a finished run), then ``attrib
report`` is timed in a subprocess whose peak RSS is sampled every 0.1 s. The index is then
opened from disk in Debian's headless Chromium (Playwright): "first rows" is the time
from navigation to the speakers table's first rows, "all data" until every data shard
of the tables is loaded, "quote search" from typing a search to every quote shard loaded
and searched; each the median of three loads. One line per size.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from batch import ROOT, _tree_memory, make_corpus  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def timed_report(run: Path, out: Path) -> tuple[float, int, str]:
    """``attrib report RUN -o OUT`` in a subprocess: wall seconds, peak RSS (bytes), stdout."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "attrib", "report", str(run), "-o", str(out)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_memory(proc.pid)[0])
        time.sleep(0.1)
    stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"attrib report failed ({proc.returncode}):\n{stderr}")
    return time.perf_counter() - t0, peak, stdout


def index_load_times(index: Path, repeat: int = 3) -> tuple[float, float, float]:
    """Median seconds from navigation to the first rows of the speakers table, to every shard loaded, and from
    typing a search to every quote shard loaded and searched."""
    from playwright.sync_api import sync_playwright

    firsts, alls, searches = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for _ in range(repeat):
            page = browser.new_page()
            t0 = time.perf_counter()
            page.goto(index.as_uri(), wait_until="commit")
            page.wait_for_selector("#t-speakers tr", timeout=120_000)
            firsts.append(time.perf_counter() - t0)
            page.wait_for_selector("body[data-loaded=all]", state="attached", timeout=120_000)
            alls.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            page.fill("#f-search", "border")
            page.wait_for_selector("body[data-quotes=loaded]", state="attached", timeout=120_000)
            searches.append(time.perf_counter() - t0)
            page.close()
        browser.close()
    return statistics.median(firsts), statistics.median(alls), statistics.median(searches)


def folder_size(path: Path) -> tuple[int, int]:
    files = [f for f in path.rglob("*") if f.is_file()]
    return len(files), sum(f.stat().st_size for f in files)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="2000,20000", help="corpus sizes in articles, comma-separated")
    ap.add_argument("--work", type=Path, default=None, help="keep corpora, runs and reports here (reused)")
    ap.add_argument("--jobs", default="2", help="--jobs of the untimed `attrib run`")
    ap.add_argument("--no-browser", action="store_true", help="do not time the index in Chromium")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="attrib-report-scale-"))
    for n in (int(x) for x in args.sizes.split(",")):
        base = work / str(n)
        base.mkdir(parents=True, exist_ok=True)
        corpus, run, out = base / "corpus.jsonl", base / "run", base / "report"
        if not (run / "quotes.jsonl").is_file() or not (run / "texts.jsonl.gz").is_file():
            make_corpus(corpus, n)
            subprocess.run([sys.executable, "-m", "attrib", "run", str(corpus), "-o", str(run), "--nlp", "builtin",
                            "-q", "--jobs", args.jobs], cwd=ROOT, check=True, capture_output=True)
        wall, peak, stdout = timed_report(run, out)
        files, size = folder_size(out)
        line = (f"articles={n:,} build={wall:.1f} s peak_rss={peak / 2**20:,.0f} MiB files={files:,} "
                f"size={size / 2**20:,.0f} MiB")
        if not args.no_browser:
            first, everything, search = index_load_times(out / "index.html")
            line += f" index: first rows {first:.2f} s, all data {everything:.2f} s, quote search {search:.2f} s"
        print(line, flush=True)
        print("  " + stdout.splitlines()[0], flush=True)


if __name__ == "__main__":
    main()
