"""Issue 19: SIGINT or SIGTERM at any moment, to the run or to its whole process group, ends it within
seconds with status 130 or 143, the line that resumes it and no traceback; ``--resume`` then gives the files
an uninterrupted run gives, byte for byte.

The runs start in a session of their own (``start_new_session``), so a signal to their process group
(what a terminal's Ctrl-C, ``timeout`` and ``kill -- -PGID`` send) reaches the workers too. A run is
signalled once its signal-handling thread is up (two threads in /proc): a signal in the interpreter's
own start-up, before attrib's first line runs, is Python's to handle.
"""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
OUTPUT_FILES = ("quotes.jsonl", "graph.graphml", "articles.jsonl", "problems.jsonl", "stances.jsonl", "merges.jsonl")
PARA = ('"We will appeal the ruling," the minister told reporters on Tuesday. The court, according to its '
        "clerk, will sit again in May. Officials said the talks would go on.\n\n")

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc (Linux)")


def make_corpus(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"a{i:03d}.txt").write_text(f"Story {i}.\n\n" + PARA * (20 + i % 17), encoding="utf-8")
    return folder


def start(corpus: Path, out: Path, jobs: str, *extra: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "attrib", "run", str(corpus), "-o", str(out), "--nlp", "builtin",
                             "-j", jobs, "-q", *extra], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:  # attrib's signal thread is up
        try:
            if len(os.listdir(f"/proc/{proc.pid}/task")) >= 2:
                break
        except FileNotFoundError:
            break
        time.sleep(0.002)
    return proc


def stop(proc: subprocess.Popen, sig: int, group: bool, out: Path) -> None:
    """Send the signal; the run must end within seconds, with its status, the resume line and no traceback."""
    if proc.poll() is None:
        with_group = os.killpg if group else os.kill
        with_group(proc.pid, sig)
    t0 = time.monotonic()
    try:
        _, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"{signal.Signals(sig).name} to the {'group' if group else 'process'}: still running after 20 s")
    text = err.decode("utf-8", "replace")
    assert "Traceback" not in text and "Aborted!" not in text, text
    if proc.returncode == 0:  # the run had finished
        return
    assert proc.returncode == 128 + sig, (proc.returncode, text)
    assert time.monotonic() - t0 < 10
    assert text.rstrip().endswith("--resume") and "interrupted: " in text, text


def resume_gives_the_clean_files(corpus: Path, out: Path, clean: Path, jobs: str) -> None:
    r = subprocess.run([sys.executable, "-m", "attrib", "run", str(corpus), "-o", str(out), "--nlp", "builtin",
                        "-j", jobs, "-q", "--resume"], cwd=REPO, capture_output=True, timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    for name in OUTPUT_FILES:
        assert (out / name).read_bytes() == (clean / name).read_bytes(), name


@pytest.fixture(scope="module")
def corpus_and_clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("signals")
    corpus = make_corpus(base / "corpus", 60)
    clean = base / "clean"
    r = subprocess.run([sys.executable, "-m", "attrib", "run", str(corpus), "-o", str(clean), "--nlp", "builtin",
                        "-q"], cwd=REPO, capture_output=True, timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    return corpus, clean


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["int", "term"])
@pytest.mark.parametrize("group", [False, True], ids=["process", "group"])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_signal_mid_run_stops_cleanly_and_resume_finishes(corpus_and_clean, tmp_path: Path, sig: int, group: bool,
                                                          jobs: str) -> None:
    corpus, clean = corpus_and_clean
    out = tmp_path / "out"
    proc = start(corpus, out, jobs)
    done = out / ".partial" / "done.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None and not (done.is_file() and done.stat().st_size):
        time.sleep(0.01)
    stop(proc, sig, group, out)
    resume_gives_the_clean_files(corpus, out, clean, jobs)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["int", "term"])
def test_signal_in_the_first_moments_gives_the_resume_line_not_aborted(corpus_and_clean, tmp_path: Path,
                                                                       sig: int) -> None:
    corpus, clean = corpus_and_clean
    out = tmp_path / "out"
    stop(start(corpus, out, "2"), sig, True, out)  # while the command line loads: click, the rules
    resume_gives_the_clean_files(corpus, out, clean, "2")


def test_stanza_without_models_stops_cleanly(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", 2)
    for _ in range(5):  # the workers are started, then stanza is found missing: no hang, one line
        r = subprocess.run([sys.executable, "-m", "attrib", "run", str(corpus), "-o", str(tmp_path / "out"),
                            "--nlp", "stanza", "--models-dir", str(tmp_path / "none"), "-j", "2"], cwd=REPO,
                           capture_output=True, timeout=60)
        assert r.returncode == 1 and b"Traceback" not in r.stderr, r.stderr


def _stress(corpus: Path, clean: Path, tmp_path: Path, runs: int, seed: int) -> None:
    rnd = random.Random(seed)
    for n in range(runs):
        out = tmp_path / f"out{n}"
        sig, group, jobs = rnd.choice([signal.SIGINT, signal.SIGTERM]), rnd.random() < 0.5, rnd.choice(["1", "2"])
        proc = start(corpus, out, jobs)
        time.sleep(rnd.uniform(0, 2.5))  # any moment: loading, reading, the workers, the graph, the final files
        stop(proc, sig, group, out)
        resume_gives_the_clean_files(corpus, out, clean, jobs)
        shutil.rmtree(out)


def test_interrupted_at_a_few_random_moments(corpus_and_clean, tmp_path: Path) -> None:
    _stress(*corpus_and_clean, tmp_path, runs=4, seed=19)


@pytest.mark.slow
def test_interrupted_at_many_random_moments(corpus_and_clean, tmp_path: Path) -> None:
    _stress(*corpus_and_clean, tmp_path, runs=60, seed=1919)
