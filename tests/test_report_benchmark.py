"""The report-scale benchmark runs end to end on a small corpus (slow: `python -m pytest -m slow`)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_report_scale_benchmark_reports_build_memory_and_load_times(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "report_scale.py"), "--sizes", "300",
                          "--work", str(tmp_path)], capture_output=True, text=True, check=True, timeout=900)
    m = re.fullmatch(r"articles=300 build=([\d.]+) s peak_rss=([\d,]+) MiB files=([\d,]+) size=([\d,]+) MiB "
                     r"index: first rows ([\d.]+) s, all data ([\d.]+) s, quote search ([\d.]+) s\n"
                     r"  report: 300 articles, ([\d,]+) quotes, [\d,]+ speakers, [\d,]+ claims reported more than "
                     r"once\n", out.stdout)
    assert m, out.stdout
    assert float(m[1]) > 0 and int(m[2].replace(",", "")) > 0 and int(m[3].replace(",", "")) > 300
    assert 0 < float(m[5]) <= float(m[6]) < 30 and 0 < float(m[7]) < 30
    assert len(list((tmp_path / "300" / "report" / "articles").glob("*.html"))) == 300
