"""Issue 19: one bad item never aborts a run, rules files never give a traceback, and nothing hangs.

Every test runs the real CLI (``python -m attrib``) on files it writes.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GOOD = '"We will appeal," the minister said.\n'


def attrib(*args: str, timeout: int = 120, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "attrib", *args], cwd=cwd, capture_output=True, timeout=timeout,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


def run_ok(inputs: list[str], out: Path, *extra: str) -> subprocess.CompletedProcess:
    """A builtin run that must complete: exit 0 and no traceback."""
    r = attrib("run", *inputs, "-o", str(out), "--nlp", "builtin", "-q", *extra)
    assert r.returncode == 0, r.stderr.decode(errors="replace")
    assert b"Traceback" not in r.stderr
    return r


def problems(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "problems.jsonl").read_text(encoding="utf-8").split("\n") if line]


def doc_ids(out: Path) -> list[str]:
    return [json.loads(line)["doc_id"] for line in (out / "articles.jsonl").read_text(encoding="utf-8").split("\n")
            if line]


# ---------------------------------------------------------------- one bad item


def test_deeply_nested_json_line_is_skipped_and_the_rest_read(tmp_path: Path) -> None:
    deep = '{"id": "deep", "text": "x", "m": ' + "[" * 5000 + "]" * 5000 + "}"
    (tmp_path / "in.jsonl").write_text(deep + "\n" + json.dumps({"id": "ok", "text": GOOD}) + "\n")
    run_ok([str(tmp_path / "in.jsonl")], tmp_path / "out")
    assert doc_ids(tmp_path / "out") == ["ok"]
    [p] = problems(tmp_path / "out")
    assert (p["line"], p["message"]) == (1, "JSON nested too deeply to read; article skipped")


def test_lone_surrogate_in_json_text_becomes_a_replacement_character(tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text('{"id": "s\\udc00", "text": "He said \\ud800 hi. \\"Yes,\\" she said."}\n'
                                       + json.dumps({"id": "ok", "text": GOOD}) + "\n")
    run_ok([str(tmp_path / "in.jsonl")], tmp_path / "out")
    assert doc_ids(tmp_path / "out") == ["s\\udc00", "ok"]
    quotes = [json.loads(line) for line in (tmp_path / "out" / "quotes.jsonl").read_text().splitlines()]
    # "He said \ufffd hi. " is 14 characters, as with the surrogate
    assert [(q["text"], q["start"]) for q in quotes if q["doc_id"] == "s\\udc00"] == [('"Yes,"', 14)]


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses file names that are not UTF-8")
def test_file_name_that_is_not_utf8_is_read_under_an_escaped_name(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"bad\xffname.txt"), "w") as f:
        f.write(GOOD)
    (folder / "ok.txt").write_text(GOOD)
    with open(os.path.join(os.fsencode(folder), b"empty\xfe.txt"), "w") as f:
        pass
    run_ok([str(folder)], tmp_path / "out")
    assert doc_ids(tmp_path / "out") == ["bad\\xffname", "ok"]
    assert [p["path"] for p in problems(tmp_path / "out")] == [str(folder / "empty\\xfe.txt")]


@pytest.mark.parametrize("sep", ["\u2028", "\u2029", "\u0085"])
def test_line_separators_in_problems_do_not_break_the_run(tmp_path: Path, sep: str) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / f"empty{sep}x.txt").write_text("")
    (folder / "ok.txt").write_text(GOOD)
    dup = json.dumps({"id": f"a{sep}b", "text": GOOD})
    (tmp_path / "wire.jsonl").write_text(f"{dup}\n{dup}\n")
    r = run_ok([str(folder), str(tmp_path / "wire.jsonl")], tmp_path / "out")
    got = problems(tmp_path / "out")
    assert [(p["path"], p["line"]) for p in got] == [(str(folder / f"empty{sep}x.txt"), 0),
                                                     (str(tmp_path / "wire.jsonl"), 2)]
    assert f"duplicate doc_id \"a{sep}b\"" in r.stderr.decode()


def test_duplicate_doc_id_puts_its_line_in_line_not_in_path(tmp_path: Path) -> None:
    line = json.dumps({"id": "same", "text": GOOD})
    (tmp_path / "wire.jsonl").write_text(f"{line}\n{line}\n\n{line}\n")
    r = run_ok([str(tmp_path / "wire.jsonl")], tmp_path / "out")
    wire = str(tmp_path / "wire.jsonl")
    assert [(p["path"], p["line"], p["col"]) for p in problems(tmp_path / "out")] == [(wire, 2, 1), (wire, 4, 1)]
    assert f"{wire}:2:1: duplicate doc_id \"same\" (first read from {wire}:1)" in r.stderr.decode()


# ---------------------------------------------------------------- rule regexes run in linear time

REDOS_RULES = """version: 1
kind: filters
rules:
  - id: filter.words
    description: A line of words only.
    pattern: '^(\\w+\\s?)*$'
    examples:
      match: ['just some words']
      no_match: ['{long}!']
  - id: filter.as
    description: A run of a's at the end of a line.
    pattern: '(a+)+$'
    examples:
      no_match: ['{long}b']
"""


def test_catastrophic_patterns_neither_hang_rules_check_nor_a_run(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "filters.yaml").write_text(REDOS_RULES.format(long="a" * 60), encoding="utf-8")
    r = attrib("rules", "check", "--rules", str(rules), timeout=60)  # Python's re: years
    assert r.returncode == 0, r.stderr.decode()
    (tmp_path / "a.txt").write_text("a" * 5000 + "b\n" + "word " * 2000 + "!\n" + GOOD)
    run_ok([str(tmp_path / "a.txt")], tmp_path / "out", "--rules", str(rules))
    [quote] = [json.loads(line) for line in (tmp_path / "out" / "quotes.jsonl").read_text().splitlines()]
    assert quote["text"] == '"We will appeal,"'


def test_patterns_re2_cannot_run_are_refused_at_their_place(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "filters.yaml").write_text(
        "version: 1\nkind: filters\nrules:\n  - id: filter.twice\n    description: d\n    pattern: '(\\w+) \\1'\n"
        "  - id: filter.ahead\n    description: d\n    pattern: 'Photo(?=:)'\n", encoding="utf-8")
    r = attrib("rules", "check", "--rules", str(rules), timeout=60)
    assert r.returncode == 1
    path = rules / "filters.yaml"
    tail = "; rule regexes run on RE2, which has no backreferences, lookahead or lookbehind"
    assert r.stderr.decode().splitlines() == [
        f'{path}:6:14: regex "(\\w+) \\1" in rule "filter.twice" cannot be run in linear time (invalid escape '
        f"sequence: \\1){tail}",
        f'{path}:9:14: regex "Photo(?=:)" in rule "filter.ahead" cannot be run in linear time (invalid perl '
        f"operator: (?=){tail}"]


# ---------------------------------------------------------------- time: a budget per article


@pytest.mark.parametrize("engine", [("-j", "1"), ("-j", "2"), ("--engine", "dask", "-j", "1")],
                         ids=["1", "2", "dask"])
def test_article_over_its_time_budget_is_skipped_and_the_run_completes(tmp_path: Path, engine: tuple) -> None:
    """In this process, in worker processes, and in a Dask worker's task thread (where no SIGALRM fires)."""
    if "dask" in engine:
        pytest.importorskip("distributed")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    para = '"We will appeal the ruling," the minister told reporters on Tuesday. Officials said talks go on.\n\n'
    (corpus / "big.txt").write_text(para * 8000)  # about 0.8 MB: well over a second in the per-article stages
    (corpus / "small.txt").write_text(GOOD)
    r = run_ok([str(corpus)], tmp_path / "out", *engine, "--article-timeout", "0.2")
    assert doc_ids(tmp_path / "out") == ["small"]
    assert [(p["path"], p["message"]) for p in problems(tmp_path / "out")] == [
        (str(corpus / "big.txt"), "took more than 0.2 s in the per-article stages (--article-timeout); "
                                  "article skipped")]
    assert b"articles: 1 read, 1 skipped" in r.stdout


# ---------------------------------------------------------------- the run folder


def test_output_folder_inside_the_input_folder_is_not_read_back(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(GOOD)
    (corpus / "b.txt").write_text('"It is over," she said.\n')
    first = run_ok([str(corpus)], corpus / "out").stdout
    again = run_ok([str(corpus)], corpus / "out").stdout  # the first run's .jsonl files lie in corpus/out
    assert b"articles: 2 read, 0 skipped" in first and b"articles: 2 read, 0 skipped" in again
    assert doc_ids(corpus / "out") == ["a", "b"]
