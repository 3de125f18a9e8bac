"""Batch runs end to end with the real CLI: jobs, interruption and resume, bad inputs, input formats, Dask.

Every test runs ``python -m attrib run`` in a subprocess on files it writes, and
compares the output files byte for byte with a plain run's.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"
INPUTS = REPO / "fixtures" / "inputs"
N_ARTICLES = 120  # enough that an interruption lands mid-way
OUTPUT_FILES = ("quotes.jsonl", "graph.graphml", "articles.jsonl", "problems.jsonl", "stances.jsonl", "merges.jsonl",
                "quotes.csv", "texts.jsonl.gz")


def attrib_run(*args: str, stdin: bytes | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "attrib", "run", *args], cwd=REPO, capture_output=True,
                          input=stdin, timeout=timeout)


def same_outputs(a: Path, b: Path, names=OUTPUT_FILES) -> None:
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def summary_counts_the_files(stdout: bytes, out: Path) -> None:
    """The summary's counts of quotes (by type) and speakers are those of the run's files, a resumed run's
    included (the store counts what it is given, the interrupted run's quotes too)."""
    quotes = read_jsonl(out / "quotes.jsonl")
    types = Counter(q["type"] for q in quotes)
    text = stdout.decode()
    assert (f"quotes:   {len(quotes)} (direct {types['direct']}, indirect {types['indirect']}, "
            f"mixed {types['mixed']})") in text, text
    assert f"speakers: {len({q['speaker']['id'] for q in quotes if q['speaker']})}\n" in text, text
    assert "nlp:      builtin\n" in text, text


def make_corpus(folder: Path, n: int) -> Path:
    """n articles made from the seeds, each with its own first line (so no two texts are equal)."""
    folder.mkdir(parents=True, exist_ok=True)
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    for i in range(n):
        (folder / f"a{i:04d}.txt").write_text(f"Report number {i}\n\n{seeds[i % len(seeds)]}", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("corpus") / "articles", N_ARTICLES)


@pytest.fixture(scope="module")
def clean_run(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("clean") / "out"
    proc = attrib_run(str(corpus), "-o", str(out), "--nlp", "builtin", "--jobs", "1")
    assert proc.returncode == 0, proc.stderr
    return out


# ---------------------------------------------------------------- jobs


def test_two_jobs_give_the_same_files_as_one(corpus: Path, clean_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = attrib_run(str(corpus), "-o", str(out), "--nlp", "builtin", "--jobs", "2")
    assert proc.returncode == 0, proc.stderr
    same_outputs(clean_run, out)
    summary_counts_the_files(proc.stdout, out)
    assert not (out / ".partial").exists()
    # articles.jsonl holds every article in input order
    assert [a["doc_id"] for a in read_jsonl(out / "articles.jsonl")] == [f"a{i:04d}" for i in range(N_ARTICLES)]


# ---------------------------------------------------------------- interruption and resume


def interrupt(args: list[str], out: Path, sig: int, after_items: int) -> subprocess.CompletedProcess:
    """Start a run, send ``sig`` once OUT/.partial records ``after_items`` finished items, and wait for it."""
    proc = subprocess.Popen([sys.executable, "-m", "attrib", "run", *args], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    done = out / ".partial" / "done.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if done.is_file() and done.read_bytes().count(b"\n") >= after_items:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_stops_cleanly_and_resume_finishes_the_run(corpus: Path, clean_run: Path, tmp_path: Path,
                                                          jobs: str) -> None:
    out = tmp_path / "out"
    args = [str(corpus), "-o", str(out), "--nlp", "builtin", "--jobs", jobs]
    stopped = interrupt(args, out, signal.SIGINT, after_items=10)
    assert stopped.returncode == 130, stopped.stderr
    err = stopped.stderr.decode()
    assert "Traceback" not in err
    assert f"interrupted: the finished articles are kept in {out / '.partial'}" in err
    assert err.rstrip().endswith("--resume")
    assert not (out / "quotes.jsonl").exists()
    done = (out / ".partial" / "done.jsonl").read_bytes().count(b"\n")
    assert 10 <= done < N_ARTICLES

    resumed = attrib_run(*args, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert f"resumed:  {done} input items were finished before the interruption" in resumed.stdout.decode()
    assert f"articles: {N_ARTICLES} read, 0 skipped" in resumed.stdout.decode()
    same_outputs(clean_run, out)
    summary_counts_the_files(resumed.stdout, out)
    assert not (out / ".partial").exists()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_to_the_process_group_while_the_graph_is_written_stops_the_run_cleanly(tmp_path: Path, sig: int
                                                                                       ) -> None:
    """Ctrl-C (or SIGTERM to the whole process group, as a terminal or a job manager sends it) while the graph is
    written (the GraphML's part file of edges exists): the corpus stages run in the main process alone, so the
    run stops with the usual message and resumes (with two jobs the graph was made and written by two processes,
    and this ended in a traceback, a SQLite "database is locked", or a hang)."""
    n = 400  # enough that the corpus stages take a good part of a second
    corpus = make_corpus(tmp_path / "articles", n)
    out = tmp_path / "out"
    args = [str(corpus), "-o", str(out), "--nlp", "builtin", "--jobs", "2"]
    proc = subprocess.Popen([sys.executable, "-m", "attrib", "run", *args], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and not any(out.glob(".graph.graphml.*.tmp.edges")):
        time.sleep(0.002)
    if proc.poll() is not None:
        pytest.skip("the run ended before its corpus stages could be interrupted")
    os.killpg(proc.pid, sig)
    stdout, stderr = proc.communicate(timeout=60)  # a hang fails here
    err = stderr.decode()
    if proc.returncode == 0:
        pytest.skip("the run ended before the signal came")
    assert proc.returncode == (130 if sig == signal.SIGINT else 143), err
    assert "Traceback" not in err and "Error" not in err, err
    assert err.rstrip().endswith("--resume"), err
    resumed = attrib_run(*args, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert f"articles: {n} read, 0 skipped" in resumed.stdout.decode()
    assert not (out / ".partial").exists()


def test_killed_run_resumes_without_losing_or_repeating_an_article(corpus: Path, clean_run: Path,
                                                                   tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = [str(corpus), "-o", str(out), "--nlp", "builtin", "--jobs", "2"]
    killed = interrupt(args, out, signal.SIGKILL, after_items=5)
    assert killed.returncode == -signal.SIGKILL
    # a torn last line, as a kill in the middle of a write leaves it, is dropped on resume
    with open(out / ".partial" / "done.jsonl", "ab") as f:
        f.write(b'{"key": "a:torn')
    with open(out / ".partial" / "quotes.jsonl", "ab") as f:
        f.write(b'{"doc_id": "half a line')
    resumed = attrib_run(*args, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    same_outputs(clean_run, out)


def test_resume_with_other_rules_is_refused(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = [str(corpus), "-o", str(out), "--nlp", "builtin", "--jobs", "1"]
    assert interrupt(args, out, signal.SIGINT, after_items=3).returncode == 130
    proc = attrib_run(*args, "--resume", "--rules", "fixtures/rules/valid")
    assert proc.returncode == 1
    assert proc.stderr.decode().splitlines() == [
        "nlp: built-in annotator (--nlp builtin)",
        f"cannot resume {out}: the rules differ from the interrupted run's; run without --resume to start again"]
    # without --resume the run starts again from nothing
    proc = attrib_run(*args, "--rules", "fixtures/rules/valid")
    assert proc.returncode == 0, proc.stderr
    assert f"articles: {N_ARTICLES} read" in proc.stdout.decode() and "resumed:" not in proc.stdout.decode()


def test_resume_with_nothing_to_resume_runs_from_the_start(tmp_path: Path) -> None:
    proc = attrib_run("seeds/", "-o", str(tmp_path / "out"), "--nlp", "builtin", "--resume")
    assert proc.returncode == 0, proc.stderr
    assert "articles: 5 read, 0 skipped" in proc.stdout.decode()


# ---------------------------------------------------------------- bad articles


def test_salted_corpus_keeps_every_good_article(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    (corpus / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (corpus / "latin1.txt").write_bytes('"Caf\u00e9 closed," the owner said.\n'.encode("latin-1"))
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "enormous.txt").write_text('"Yes," he said. ' * 3000, encoding="utf-8")  # 48,000 bytes
    (corpus / "feed.jsonl").write_text('{"id": "ok-1", "text": "\\"We will win,\\" the coach said."}\n'
                                       '{"id": "bad", "text": \n', encoding="utf-8")
    out, plain = tmp_path / "out", tmp_path / "plain"
    proc = attrib_run(str(corpus), "-o", str(out), "--nlp", "builtin", "--max-bytes", "20000")
    assert proc.returncode == 0, proc.stderr
    summary = proc.stdout.decode()
    assert "articles: 6 read, 5 skipped" in summary
    assert "problems: 5 (5 warnings)" in summary
    problems = {Path(p["path"]).name: p for p in read_jsonl(out / "problems.jsonl")}
    assert {name: p["message"] for name, p in problems.items()} == {
        "binary.txt": "binary file (NUL byte in the first 8 KiB); article skipped",
        "empty.txt": "empty file; article skipped",
        "enormous.txt": "too large (48000 bytes; the limit is 20000); article skipped",
        "feed.jsonl": "not JSON (Expecting value); article skipped",
        "latin1.txt": "not UTF-8 (byte 0xe9); article skipped",
    }
    assert (problems["feed.jsonl"]["line"], problems["feed.jsonl"]["col"]) == (2, 23)
    # every good article's quotes are there, exactly as in a run without the bad files
    assert attrib_run(str(SEEDS), "-o", str(plain), "--nlp", "builtin").returncode == 0
    seeds_quotes = [q for q in read_jsonl(out / "quotes.jsonl") if q["doc_id"] != "ok-1"]
    assert seeds_quotes == read_jsonl(plain / "quotes.jsonl")
    assert [q["text"] for q in read_jsonl(out / "quotes.jsonl") if q["doc_id"] == "ok-1"] == ['"We will win,"']


# ---------------------------------------------------------------- input formats


def test_html_jsonl_gzip_and_stdin(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = attrib_run(str(INPUTS), "-o", str(out), "--nlp", "builtin")
    assert proc.returncode == 0, proc.stderr
    articles = {a["doc_id"]: a for a in read_jsonl(out / "articles.jsonl")}
    assert list(articles) == ["crossing", "flood", "wire-001", "wire-002", "wire-003", "wire-004"]
    assert articles["crossing"]["meta"] == {"outlet": "Example Daily",
                                            "title": "Border crossing to reopen next week, officials say"}
    assert articles["wire-002"]["meta"]["outlet"] == "Example Wire"
    assert articles["wire-004"]["path"].endswith("wire_more.jsonl.gz:1")
    speakers = {q["speaker"]["name"] for q in read_jsonl(out / "quotes.jsonl") if q["speaker"]}
    assert {"Amina Rahimi", "Karim Haidari", "Paul Weber", "Tom Berg", "Ana Costa", "Lea Moser"} <= speakers
    # the same JSONL through stdin gives the same quotes for its articles
    piped = tmp_path / "piped"
    proc = attrib_run("-", "-o", str(piped), "--nlp", "builtin", stdin=(INPUTS / "wire.jsonl").read_bytes())
    assert proc.returncode == 0, proc.stderr
    wire = [q for q in read_jsonl(out / "quotes.jsonl") if q["doc_id"] in ("wire-001", "wire-002", "wire-003")]
    assert read_jsonl(piped / "quotes.jsonl") == wire


# ---------------------------------------------------------------- Dask


def test_dask_local_cluster_gives_the_same_files(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    inputs = [str(SEEDS), str(INPUTS), "fixtures/articles_bad"]
    local, dask = tmp_path / "local", tmp_path / "dask"
    assert attrib_run(*inputs, "-o", str(local), "--nlp", "builtin", "--json").returncode == 0
    proc = attrib_run(*inputs, "-o", str(dask), "--nlp", "builtin", "--json", "--engine", "dask",
                      "--scheduler", "local", "--jobs", "2")
    assert proc.returncode == 0, proc.stderr
    same_outputs(local, dask, OUTPUT_FILES + ("graph.json",))


def test_dask_scheduler_that_cannot_be_reached(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    proc = attrib_run("seeds/", "-o", str(tmp_path / "out"), "--nlp", "builtin", "--engine", "dask",
                      "--scheduler", "tcp://127.0.0.1:9")
    assert proc.returncode == 1
    lines = proc.stderr.decode().splitlines()
    assert lines[-1].startswith("cannot reach the Dask scheduler at tcp://127.0.0.1:9: ")
    assert "Traceback" not in proc.stderr.decode()
    assert not (tmp_path / "out").exists()
