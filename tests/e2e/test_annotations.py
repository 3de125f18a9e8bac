"""Issue 20: ``attrib run/eval --annotations`` and ``attrib annotate`` with the real CLI, on files the tests write.

The CoNLL-U files are written by stanza's writer from Documents built by hand (``conllu_docs``); the round trip
through ``attrib annotate`` uses the shared tokenizer models and skips without them.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conllu_docs import ROE, ROE_PARSE, UNION, UNION_PARSE, conllu, line_of, parsed
from e2e.test_batch import OUTPUT_FILES, interrupt, make_corpus, read_jsonl, same_outputs

REPO = Path(__file__).resolve().parents[2]
#: the "bad" article is the union's with one word changed: its parse (the union's) no longer slices it
BAD = UNION.replace("Metro", "Metra")


def attrib(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "attrib", *args], cwd=REPO, capture_output=True, timeout=timeout)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """Four articles (roe, union, bad, extra) and a CoNLL-U file with parses of the first three."""
    root = tmp_path_factory.mktemp("ann")
    folder = root / "corpus"
    folder.mkdir()
    for name, text in (("roe", ROE), ("union", UNION), ("bad", BAD), ("extra", ROE.replace("Roe", "Lee"))):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    text = conllu([("roe", parsed(ROE, ROE_PARSE)), ("union", parsed(UNION, UNION_PARSE)),
                   ("bad", parsed(UNION, UNION_PARSE))])
    (root / "ann.conllu").write_text(text, encoding="utf-8", newline="\n")
    return folder, root / "ann.conllu", text


@pytest.fixture(scope="module")
def annotated_run(corpus, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    folder, ann, _ = corpus
    out = tmp_path_factory.mktemp("run") / "out"
    return out, attrib("run", str(folder), "-o", str(out), "--annotations", str(ann), "--nlp", "builtin", "-j", "1")


def test_articles_take_their_parse_and_the_others_fall_back_with_a_warning(corpus, annotated_run) -> None:
    _, ann, text = corpus
    out, proc = annotated_run
    assert proc.returncode == 0, proc.stderr
    assert {a["doc_id"]: a["nlp"] for a in read_jsonl(out / "articles.jsonl")} == {
        "bad": "builtin", "extra": "builtin", "roe": "conllu", "union": "conllu"}
    line = line_of(text, "bad", "2\tMetro\t")
    col = text.split("\n")[line - 1].index("start_char=") + 1
    problems = read_jsonl(out / "problems.jsonl")
    assert [(p["path"], p["line"], p["col"], p["level"]) for p in problems] == [
        (str(ann), line, col, "warning"), (str(ann), 0, 0, "warning")]
    assert problems[1]["message"].startswith('no document "extra"')
    err = proc.stderr.decode()
    assert f"{ann}:{line}:{col}: token \"Metro\" is not the article's text" in err
    assert f'{ann}: no document "extra"' in err and "Traceback" not in err
    stdout = proc.stdout.decode()
    assert "nlp:      builtin (2 articles), conllu (2 articles)\n" in stdout
    assert "problems: 2 (2 warnings)" in stdout
    roe = [q for q in read_jsonl(out / "quotes.jsonl") if q["doc_id"] == "roe"]
    assert any(q["text"] == '"We are ready,"' for q in roe)


def test_two_jobs_give_the_same_files(corpus, annotated_run, tmp_path: Path) -> None:
    folder, ann, _ = corpus
    proc = attrib("run", str(folder), "-o", str(tmp_path / "out"), "--annotations", str(ann), "--nlp", "builtin",
                  "-j", "2")
    assert proc.returncode == 0, proc.stderr
    same_outputs(annotated_run[0], tmp_path / "out")


def test_dask_gives_the_same_files(corpus, annotated_run, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    folder, ann, _ = corpus
    proc = attrib("run", str(folder), "-o", str(tmp_path / "out"), "--annotations", str(ann), "--nlp", "builtin",
                  "--engine", "dask", "--scheduler", "local", "--jobs", "2")
    assert proc.returncode == 0, proc.stderr
    same_outputs(annotated_run[0], tmp_path / "out")


def test_annotations_that_name_nothing_stop_the_run_before_out_is_made(corpus, tmp_path: Path) -> None:
    folder, _, _ = corpus
    proc = attrib("run", str(folder), "-o", str(tmp_path / "out"), "--annotations", str(tmp_path / "no.conllu"))
    assert proc.returncode == 1
    assert proc.stderr.decode().splitlines() == [f"{tmp_path / 'no.conllu'}: no such file or folder (for --annotations)"]
    assert not (tmp_path / "out").exists()


def test_resume_refuses_other_or_changed_annotations(corpus, tmp_path: Path) -> None:
    _, ann, text = corpus
    articles = make_corpus(tmp_path / "many", 120)  # enough to interrupt; none of them has a parse
    mine = tmp_path / "mine.conllu"
    shutil.copyfile(ann, mine)
    out = tmp_path / "out"
    args = [str(articles), "-o", str(out), "--nlp", "builtin", "-j", "1", "-q", "--annotations", str(mine)]
    assert interrupt(args, out, signal.SIGINT, after_items=3).returncode == 130
    refused = f"cannot resume {out}: the NLP settings differ from the interrupted run's; run without --resume to start again"
    other = attrib("run", *args[:-1], str(ann), "--resume")  # the same bytes under another path
    assert other.returncode == 1 and refused in other.stderr.decode(), other.stderr
    mine.write_text(text.replace("ner=S-DATE", "ner=O"), encoding="utf-8", newline="\n")
    changed = attrib("run", *args, "--resume")
    assert changed.returncode == 1 and refused in changed.stderr.decode(), changed.stderr
    shutil.copyfile(ann, mine)
    resumed = attrib("run", *args, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed:  " in resumed.stdout.decode()
    clean = attrib("run", *args[:2], str(tmp_path / "clean"), *args[3:])
    assert clean.returncode == 0, clean.stderr
    same_outputs(tmp_path / "clean", out)


def gold_line(doc_id: str, text: str, quote: str, speaker: str) -> str:
    start = text.index(quote)
    return json.dumps({"doc_id": doc_id, "text": text, "quotes": [
        {"start": start, "end": start + len(quote), "text": quote, "speaker": speaker, "type": "direct"}]})


def test_eval_with_annotations(corpus, tmp_path: Path) -> None:
    _, ann, _ = corpus
    gold = tmp_path / "gold.jsonl"
    gold.write_text(gold_line("roe", ROE, '"We are ready,"', "Jane Roe") + "\n"
                    + gold_line("extra", ROE.replace("Roe", "Lee"), '"We are ready,"', "Jane Lee") + "\n",
                    encoding="utf-8")
    proc = attrib("eval", str(gold), "--annotations", str(ann), "--nlp", "builtin")
    assert proc.returncode == 0, proc.stderr
    assert "pred: attrib (nlp builtin 1, conllu 1)" in proc.stdout.decode()
    assert f'{ann}: no document "extra" (the article read from {gold}:extra)' in proc.stderr.decode()
    missing = attrib("eval", str(gold), "--annotations", str(tmp_path / "none"))
    assert missing.returncode == 1
    assert missing.stderr.decode().splitlines() == [f"{tmp_path / 'none'}: no such file or folder (for --annotations)"]


# ---------------------------------------------------------------- attrib annotate

#: made-up paragraphs for the round trip: quotes over several sentences, a contraction (stanza's mwt), a line break
PARAGRAPHS = [
    '"We don\'t know yet. The inspectors will tell us," said Mayor Jane Roe on Tuesday.',
    "The Metro Union said its members would strike on Monday if the talks failed.",
    'A spokesman for the council, Sam Lee, called the plan "a good start" and said more money was coming.',
]


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("small") / "corpus"
    folder.mkdir()
    for i in range(3):
        (folder / f"s{i}.txt").write_text(f"Story {i}\n\n" + "\n\n".join(PARAGRAPHS[i:] + PARAGRAPHS[:i]) + "\n",
                                          encoding="utf-8")
    (folder / "scan.txt").write_bytes(b"\x00\x01binary")
    return folder


@pytest.mark.models
def test_annotate_then_run_with_the_annotations_gives_stanza_s_quotes(small_corpus: Path, stanza_dir: Path,
                                                                     tmp_path: Path) -> None:
    ann = tmp_path / "corpus.conllu"
    made = attrib("annotate", str(small_corpus), "-o", str(ann), "--models-dir", str(stanza_dir), "-q")
    assert made.returncode == 0, made.stderr
    err = made.stderr.decode()
    assert err.splitlines()[0].startswith(f"nlp: stanza (tokenize") and "binary file" in err
    assert "articles:  3 annotated, 1 skipped\n" in made.stdout.decode()
    text = ann.read_text(encoding="utf-8")
    assert [line for line in text.split("\n") if line.startswith("# newdoc id = ")] == [
        f"# newdoc id = s{i}" for i in range(3)]
    assert "start_char=" in text and "end_char=" in text
    assert [p.name for p in tmp_path.iterdir()] == ["corpus.conllu"]  # no temporary file left
    with_stanza = attrib("run", str(small_corpus), "-o", str(tmp_path / "stanza"), "--nlp", "stanza", "--models-dir",
                         str(stanza_dir), "--no-cache", "-j", "1")
    assert with_stanza.returncode == 0, with_stanza.stderr
    with_file = attrib("run", str(small_corpus), "-o", str(tmp_path / "file"), "--annotations", str(ann),
                       "--nlp", "builtin", "-j", "1")
    assert with_file.returncode == 0, with_file.stderr
    assert read_jsonl(tmp_path / "file" / "quotes.jsonl")
    same_outputs(tmp_path / "stanza", tmp_path / "file", ("quotes.jsonl", "graph.graphml", "stances.jsonl"))
    assert {a["nlp"] for a in read_jsonl(tmp_path / "file" / "articles.jsonl")} == {"conllu"}
    assert "nlp:      conllu\n" in with_file.stdout.decode()


def test_annotate_without_models_is_one_clear_error(small_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.conllu"
    proc = attrib("annotate", str(small_corpus), "-o", str(out), "--models-dir", str(tmp_path / "none"))
    assert proc.returncode == 1
    assert proc.stderr.decode().splitlines() == [
        f"stanza's English models are not installed in {tmp_path / 'none'}; run `attrib models download` or pass "
        "--models-dir DIR (attrib annotate runs stanza)"]
    assert not out.exists()


@pytest.mark.parametrize("args, message", [
    (["nothing-here/"], "no such file, folder or glob match: nothing-here/"),
    (["seeds/", "-o", "no/such/folder/a.conllu"], "no/such/folder: no such folder (for -o no/such/folder/a.conllu)"),
])
def test_annotate_user_errors(args: list[str], message: str, tmp_path: Path) -> None:
    if "-o" not in args:
        args = [*args, "-o", str(tmp_path / "a.conllu")]
    proc = attrib("annotate", *args)
    assert proc.returncode == 1
    assert message in proc.stderr.decode() and "Traceback" not in proc.stderr.decode()


@pytest.mark.models
def test_ctrl_c_stops_annotate_and_leaves_no_file(stanza_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "big"
    folder.mkdir()
    for i in range(200):
        (folder / f"b{i:03d}.txt").write_text(f"Story {i}\n\n" + "\n\n".join(PARAGRAPHS * 20), encoding="utf-8")
    out = tmp_path / "out" / "big.conllu"
    out.parent.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "attrib", "annotate", str(folder), "-o", str(out), "--models-dir",
                             str(stanza_dir), "-q"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stderr.readline().startswith(b"nlp: stanza")  # stanza is loaded: the writing starts
    time.sleep(0.5)
    assert proc.poll() is None, "annotate ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert stderr.decode().strip() == f"interrupted: {out} was not written"
    assert os.listdir(out.parent) == []
