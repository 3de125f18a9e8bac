"""The throughput benchmark runs end to end (slow: `python -m pytest -m slow`)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_throughput_benchmark_reports_rates(tmp_path: Path) -> None:
    corpus = tmp_path / "seeds.jsonl"
    with corpus.open("w", encoding="utf-8") as f:
        for n, p in enumerate(sorted((ROOT / "seeds").glob("*.txt"))):  # either id field, as `attrib run` reads them
            f.write(json.dumps({"doc_id" if n % 2 else "id": p.stem, "text": p.read_text(encoding="utf-8")}) + "\n")
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "throughput.py"), str(corpus),
                          "--nlp", "builtin", "--repeat", "3"], capture_output=True, text=True, check=True)
    assert "articles=5" in out.stdout
    rate = re.search(r"throughput: ([\d.]+) articles/s, ([\d,]+) chars/s", out.stdout)
    assert rate and float(rate.group(1)) > 0 and int(rate.group(2).replace(",", "")) > 0


@pytest.mark.slow
def test_batch_benchmark_reports_rates_and_memory() -> None:
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "batch.py"), "--sizes", "20", "--jobs", "1,2",
                          "--nlp", "builtin", "--repeat", "2"], capture_output=True, text=True, check=True, timeout=600)
    rows = re.findall(r"^builtin +20 +(\d) +[\d.]+ +[\d.]+ +([\d,]+) +([\d,]+) +(\d+) +(\d+)$", out.stdout,
                      re.MULTILINE)
    assert [r[0] for r in rows] == ["1", "2"], out.stdout
    assert all(int(r[1].replace(",", "")) > 0 and int(r[3]) > 0 and 0 < int(r[4]) <= int(r[3]) for r in rows)
    ratio = re.search(r"2 jobs / 1 \(median walls\): ([\d.]+)x; pass by pass ([\d.]+), ([\d.]+) \(median ([\d.]+)x\)",
                      out.stdout)
    assert len(re.findall(r"^  2 passes: .*; CPU stolen by the hypervisor \d+%, \d+%$", out.stdout, re.MULTILINE)) == 2
    assert ratio and float(ratio.group(4)) == pytest.approx((float(ratio.group(2)) + float(ratio.group(3))) / 2, abs=0.01)
    ceiling = re.search(r"^  the machine's own ceiling, 2 processes of pure Python / 1, after each pass: ([\d.]+), "
                        r"([\d.]+) \(median ([\d.]+)x\)$", out.stdout, re.MULTILINE)
    assert ceiling and 0.5 < float(ceiling.group(3)) < 4, out.stdout
    assert "attrib's bytecode compiled first" in out.stdout


@pytest.mark.slow
def test_batch_benchmark_times_stanza_alone_both_ways(stanza_dir: Path) -> None:
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "batch.py"), "--nlp", "stanza", "--stanza-sizes",
                          "5", "--jobs", "1", "--models-dir", str(stanza_dir)],
                         capture_output=True, text=True, check=True, timeout=600)
    assert re.search(r"^stanza +5 +1 ", out.stdout, re.MULTILINE), out.stdout
    overheads = re.findall(r"^(stanza alone|the same with attrib's garbage-collector setting).*"
                           r"attrib run --jobs 1 took [+-]\d+% over it$", out.stdout, re.MULTILINE)
    assert overheads == ["stanza alone", "the same with attrib's garbage-collector setting"], out.stdout
