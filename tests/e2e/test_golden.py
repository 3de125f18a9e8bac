"""The corpus phase's outputs, byte for byte, against golden files: `attrib run` and `attrib export` with the real CLI.

The golden files in fixtures/golden/ were written by the code before the corpus phase was
rewritten on the store (issue 18), so they pin identity, claims, the graph and every export
format and view. The runs use a frozen copy of the rules (fixtures/golden/rules), so a change
to rules/*.yaml does not move them; a deliberate change to what the stages find does:
regenerate with ``python tests/e2e/test_golden.py`` and review the diff.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "fixtures" / "golden"
RULES = ("--no-default-rules", "--rules", "fixtures/golden/rules")
#: run name -> its inputs (relative to the repository, as the golden articles.jsonl records them)
RUNS = {"seeds": ("seeds",), "inputs": ("fixtures/inputs",)}
RUN_FILES = ("quotes.jsonl", "quotes.csv", "graph.graphml", "graph.json", "articles.jsonl", "problems.jsonl",
             "stances.jsonl", "merges.jsonl")
VIEWS = ("full", "speakers", "affiliations")
EXPORTS = {"graphml": ("graph.graphml",), "gexf": ("graph.gexf",), "json": ("graph.json",),
           "graphology": ("graph.graphology.json",),
           "csv": ("nodes.csv", "edges.csv")}


def attrib(*args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "attrib", *args], cwd=REPO, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()


def make_run(name: str, out: Path, jobs: int = 1) -> None:
    attrib("run", *RUNS[name], "-o", str(out), "--nlp", "builtin", "--no-cache", "--json", "-j", str(jobs),
           "--quiet", *RULES)
    shutil.rmtree(out / ".partial", ignore_errors=True)


def make_export(run: Path, fmt: str, view: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    attrib("export", str(run), "--format", fmt, "--view", view, "-o", str(out), *RULES)


def export_dir(run: str, fmt: str, view: str) -> str:
    return f"export/{run}/{view}-{fmt}"


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("name", sorted(RUNS))
def test_run_outputs_match_the_golden_files(name: str, jobs: int, tmp_path: Path) -> None:
    make_run(name, tmp_path / "run", jobs)
    for f in RUN_FILES:
        assert (tmp_path / "run" / f).read_bytes() == (GOLDEN / "run" / name / f).read_bytes(), f


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("name", sorted(RUNS))
def test_exports_match_the_golden_files(name: str, view: str, tmp_path: Path) -> None:
    """Every format of every view, from the golden run folder."""
    for fmt, files in EXPORTS.items():
        out = tmp_path / fmt
        make_export(GOLDEN / "run" / name, fmt, view, out)
        for f in files:
            assert (out / f).read_bytes() == (GOLDEN / export_dir(name, fmt, view) / f).read_bytes(), (fmt, f)


def regenerate() -> None:
    """Write the golden files anew from this checkout's code."""
    for name in RUNS:
        run = GOLDEN / "run" / name
        shutil.rmtree(run, ignore_errors=True)
        make_run(name, run)
        for f in run.iterdir():  # only what the tests compare
            if f.name not in RUN_FILES:
                f.unlink()
        for fmt in EXPORTS:
            for view in VIEWS:
                target = GOLDEN / export_dir(name, fmt, view)
                shutil.rmtree(target, ignore_errors=True)
                make_export(run, fmt, view, target)


if __name__ == "__main__":
    regenerate()
