"""The graph-scale benchmark runs end to end on a small corpus (slow: `python -m pytest -m slow`)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_graph_scale_benchmark_reports_time_and_memory(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "graph_scale.py"), "--quotes", "20000",
                          "--full-quotes", "5000", "--out", str(tmp_path)],
                         capture_output=True, text=True, check=True)
    lines = out.stdout.splitlines()
    assert len(lines) == 2, out.stdout
    for line, quotes in zip(lines, ("5,000", "20,000")):
        m = re.search(rf"quotes={quotes} nodes=([\d,]+) edges=([\d,]+) build=([\d.]+) s total=([\d.]+) s "
                      r"\(target \d+ s: (ok|SLOW)\) wall=[\d.]+ s peak_rss=([\d,]+) MiB", line)
        assert m, line
        assert int(m[1].replace(",", "")) > 0 and int(m[2].replace(",", "")) > 0
        assert 0 < float(m[3]) <= float(m[4]) and int(m[6].replace(",", "")) > 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["graph.affiliations.gexf", "graph.affiliations.graphml", "graph.gexf", "graph.graphml",
                     "graph.speakers.gexf", "graph.speakers.graphml"]
