"""The command line: exit codes, what goes to stdout and stderr, which files are written.

In-process tests use click's CliRunner; the ones about imports, determinism across
processes and the real console script run ``python -m attrib`` in a subprocess.
Extraction quality is tested elsewhere; these tests check CLI behaviour.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from attrib import __version__
from attrib.cli import attrib
from attrib.ruleset import load_ruleset

QUOTE_KEYS = ["doc_id", "id", "text", "start", "end", "type", "cue", "speaker", "outlet", "rule"]
SPEAKER_KEYS = {"name", "mention", "start", "end", "kind", "role", "affiliation"}
OUTPUTS = ("quotes.jsonl", "graph.graphml", "graph.json", "problems.jsonl", "articles.jsonl", "stances.jsonl",
           "merges.jsonl", "quotes.csv", "texts.jsonl.gz")


pytestmark = pytest.mark.usefixtures("in_repo")


def attrib_process(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the real command line (``python -m attrib``) in a fresh interpreter."""
    return subprocess.run([sys.executable, "-m", "attrib", *args], cwd=cwd, capture_output=True,
                          text=True, encoding="utf-8", env={**os.environ, **(env or {})}, timeout=300)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def write_bad_rules(folder: Path) -> list[str]:
    """Two broken rule files in ``folder``; returns the exact lines the loader must print."""
    folder.mkdir()
    (folder / "cues.yaml").write_text(
        "version: 1\nkind: cues\nrules:\n"
        "  - id: cue.announced\n"
        "    description: Misspelt key.\n"
        "    type: verb\n"
        "    verbs: {announce: [announced]}\n"
        "    polarty: neutral\n", encoding="utf-8")
    (folder / "speakers.yaml").write_text(
        "version: 1\nkind: speakers\nrules:\n"
        "  - id: speaker.jane-doe\n"
        "    description: Aliases must be a list.\n"
        "    name: Jane Doe\n"
        "    aliases: Doe\n", encoding="utf-8")
    return [
        f'{folder}/cues.yaml:8:5: unknown key "polarty" in rule "cue.announced" (did you mean "polarity"?); '
        "expected one of: bare_content, class, description, examples, id, infinitive_claim, lang, phrases, polarity, takes_recipient, type, verbs",
        f'{folder}/speakers.yaml:7:14: "aliases" in rule "speaker.jane-doe" must be a list of strings',
    ]


# ---------------------------------------------------------------- help, version, usage


def test_help_lists_every_command(runner: CliRunner) -> None:
    result = runner.invoke(attrib, ["--help"])
    assert result.exit_code == 0
    for command in ("run", "eval", "annotate", "rules", "models"):
        assert re.search(rf"^\s+{command}\s", result.output, re.MULTILINE), command
    for sub in (["run", "--help"], ["eval", "--help"], ["annotate", "--help"], ["rules", "check", "--help"],
                ["models", "download", "--help"]):
        assert runner.invoke(attrib, sub).exit_code == 0, sub


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(attrib, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"attrib, version {__version__}\n"


@pytest.mark.parametrize("args", [
    ["run", "seeds/"],  # no -o
    ["run", "-o", "out"],  # no inputs
    ["run", "seeds/", "-o", "out", "--nlp", "spacy"],
    ["eval"],
    ["eval", "fixtures/seeds/gold.jsonl", "fixtures/seeds/", "--annotations", "x.conllu"],  # a finished run's quotes
    ["annotate", "seeds/"],  # no -o
    ["frobnicate"],
])
def test_usage_errors_exit_2(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(attrib, args)
    assert result.exit_code == 2, result.output
    assert "Usage:" in result.stderr


_CHECK_MODULES = (
    "import sys\n"
    "from attrib.launch import main\n"
    "sys.argv = ['attrib'] + sys.argv[1:]\n"
    "try:\n"
    "    main()\n"
    "except SystemExit as e:\n"
    "    code = e.code\n"
    "heavy = sorted(m for m in ('torch', 'stanza') if m in sys.modules)\n"
    "print('HEAVY=' + ','.join(heavy), 'CODE=' + str(code), file=sys.stderr)\n"
)


def test_help_does_not_import_torch(repo_root: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", _CHECK_MODULES, "--help"], cwd=repo_root,
                          capture_output=True, text=True, timeout=120)
    assert "Usage: attrib" in proc.stdout
    assert "HEAVY= CODE=0" in proc.stderr


def test_builtin_run_and_rules_check_do_not_import_torch(repo_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-c", _CHECK_MODULES, "run", "seeds/", "-o", str(out), "--nlp", "builtin"],
                          cwd=repo_root, capture_output=True, text=True, timeout=300)
    assert "HEAVY= CODE=0" in proc.stderr, proc.stderr
    proc = subprocess.run([sys.executable, "-c", _CHECK_MODULES, "rules", "check"], cwd=repo_root,
                          capture_output=True, text=True, timeout=120)
    assert "HEAVY= CODE=0" in proc.stderr, proc.stderr


# ---------------------------------------------------------------- attrib run


def test_run_seeds_with_the_console_script(repo_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = attrib_process("run", "seeds/", "-o", str(out), "--nlp", "builtin", "--json", cwd=repo_root)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    # the note saying which NLP was used goes to stderr, the summary to stdout
    assert proc.stderr.splitlines()[0] == "nlp: built-in annotator (--nlp builtin)"
    summary = proc.stdout
    assert "articles: 5 read, 0 skipped" in summary
    m = re.search(r"^quotes: +(\d+) \(direct (\d+), indirect (\d+), mixed (\d+)\)$", summary, re.MULTILINE)
    assert m and int(m[1]) == int(m[2]) + int(m[3]) + int(m[4]) > 0, summary
    assert re.search(r"^speakers: +\d+$", summary, re.MULTILINE)
    assert re.search(r"^nlp: +builtin$", summary, re.MULTILINE)
    assert re.search(r"^time: +\d+\.\d\d s \([\d,]+ chars/s", summary, re.MULTILINE)
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUTS)

    quotes = read_jsonl(out / "quotes.jsonl")
    assert len(quotes) == int(m[1])
    assert {q["doc_id"] for q in quotes} == {p.stem for p in (repo_root / "seeds").glob("*.txt")}
    assert [(q["doc_id"], q["start"]) for q in quotes] == sorted((q["doc_id"], q["start"]) for q in quotes)
    texts = {p.stem: p.read_text(encoding="utf-8") for p in (repo_root / "seeds").glob("*.txt")}
    for q in quotes:
        assert list(q) == QUOTE_KEYS
        assert q["type"] in ("direct", "indirect", "mixed")
        assert texts[q["doc_id"]][q["start"]:q["end"]] == q["text"]
        assert q["speaker"] is None or SPEAKER_KEYS <= set(q["speaker"])
    assert (out / "problems.jsonl").read_text() == ""

    graph = nx.read_graphml(out / "graph.graphml")
    assert graph.number_of_nodes() > 0
    assert all("label" in d and "category" in d for _, d in graph.nodes(data=True))
    assert json.loads((out / "graph.json").read_text(encoding="utf-8"))["nodes"]


def test_run_twice_gives_byte_identical_outputs(repo_root: Path, tmp_path: Path) -> None:
    # separate processes with different hash seeds, so set or dict order cannot leak into the files
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out{seed}"
        proc = attrib_process("run", "seeds/", "fixtures/articles_bad", "-o", str(out), "--nlp", "builtin",
                              "--json", cwd=repo_root, env={"PYTHONHASHSEED": seed})
        assert proc.returncode == 0, proc.stderr
        outs.append(out)
    for name in OUTPUTS:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


def test_run_in_process_is_repeatable(runner: CliRunner, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        result = runner.invoke(attrib, ["run", "seeds/", "-o", str(out), "--nlp", "builtin"])
        assert result.exit_code == 0, result.output
    for name in ("quotes.jsonl", "graph.graphml", "problems.jsonl", "articles.jsonl"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_run_with_bad_rules_writes_nothing(repo_root: Path, tmp_path: Path) -> None:
    expected = write_bad_rules(tmp_path / "rules")
    out = tmp_path / "out"
    proc = attrib_process("run", "seeds/", "-o", str(out), "--rules", str(tmp_path / "rules"), "--nlp", "builtin",
                          cwd=repo_root)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == expected
    assert proc.stdout == ""
    assert not out.exists()


def test_run_with_bad_rules_in_process(runner: CliRunner, tmp_path: Path) -> None:
    expected = write_bad_rules(tmp_path / "rules")
    out = tmp_path / "out"
    result = runner.invoke(attrib, ["run", "seeds/", "-o", str(out), "--rules", str(tmp_path / "rules")])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == expected
    assert result.stdout == ""
    assert not out.exists()


def test_run_skips_binary_and_latin1_articles(runner: CliRunner, repo_root: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(repo_root / "seeds", corpus)
    (corpus / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (corpus / "latin1.txt").write_bytes('"Caf\u00e9 closed," the owner said.\n'.encode("latin-1"))
    out = tmp_path / "out"
    result = runner.invoke(attrib, ["run", str(corpus), "-o", str(out), "--nlp", "builtin"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.stderr
    err = result.stderr.splitlines()
    assert f"{corpus}/binary.txt: binary file (NUL byte in the first 8 KiB); article skipped" in err
    assert f"{corpus}/latin1.txt:1:5: not UTF-8 (byte 0xe9); article skipped" in err
    assert "articles: 5 read, 2 skipped" in result.stdout
    quotes = read_jsonl(out / "quotes.jsonl")
    assert {q["doc_id"] for q in quotes} == {p.stem for p in (repo_root / "seeds").glob("*.txt")}
    problems = read_jsonl(out / "problems.jsonl")
    assert [(p["path"], p["line"], p["col"], p["level"]) for p in problems] == [
        (f"{corpus}/binary.txt", 0, 0, "warning"), (f"{corpus}/latin1.txt", 1, 5, "warning")]
    assert all(list(p) == ["path", "line", "col", "level", "message"] for p in problems)


def test_run_missing_input_exits_1_without_output(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(attrib, ["run", "no/such/folder", "-o", str(out), "--nlp", "builtin"])
    assert result.exit_code == 1
    assert result.stderr == "no such file, folder or glob match: no/such/folder\n"
    assert not out.exists()


def test_run_output_that_cannot_be_written(runner: CliRunner, tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.write_text("not a folder")
    # -o naming a file is a usage error ...
    result = runner.invoke(attrib, ["run", "seeds/", "-o", str(taken), "--nlp", "builtin"])
    assert result.exit_code == 2
    assert "is a file" in result.stderr
    # ... a folder that cannot be made is reported in one line, exit 1
    result = runner.invoke(attrib, ["run", "seeds/", "-o", str(taken / "out"), "--nlp", "builtin"])
    assert result.exit_code == 1
    assert not isinstance(result.exception, OSError)
    assert result.stderr.splitlines()[-1].startswith(f"{taken / 'out'}: cannot write output (")


def test_run_stanza_without_models_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(attrib, ["run", "seeds/", "-o", str(out), "--nlp", "stanza",
                                    "--models-dir", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1
    assert "stanza's English models are not installed" in result.stderr
    assert not out.exists()


def test_rules_override_reaches_the_pipeline(repo_root: Path, tmp_path: Path) -> None:
    # a subprocess per run: each process loads exactly one rule set
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "chaman.txt").write_text(
        '"The crossing will stay closed until Friday," Haji Arif told reporters in Chaman on Thursday.\n',
        encoding="utf-8")
    names = []
    for extra in ([], ["--rules", "fixtures/rules/valid"]):
        out = tmp_path / f"out{len(extra)}"
        proc = attrib_process("run", str(corpus), "-o", str(out), "--nlp", "builtin", *extra, cwd=repo_root)
        assert proc.returncode == 0, proc.stderr
        [quote] = read_jsonl(out / "quotes.jsonl")
        names.append((quote["speaker"]["name"], quote["speaker"]["affiliation"]))
    assert names == [("Haji Arif", None), ("Arif Kakar", "Chaman local administration")]


@pytest.mark.models
def test_run_with_stanza_tokenizer(runner: CliRunner, stanza_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(attrib, ["run", "seeds/", "-o", str(out), "--nlp", "stanza",
                                    "--models-dir", str(stanza_dir)])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("nlp: stanza (tokenize")
    assert re.search(r"^nlp: +stanza$", result.stdout, re.MULTILINE)
    assert read_jsonl(out / "quotes.jsonl")


# ---------------------------------------------------------------- attrib rules check


def test_rules_check_ok(runner: CliRunner) -> None:
    result = runner.invoke(attrib, ["rules", "check"])
    assert result.exit_code == 0
    rs = load_ruleset()
    assert result.stdout == f"rules OK: {len(rs.all_rules())} rules in {len(rs.sources)} files\n"


def test_rules_check_ok_with_override(runner: CliRunner) -> None:
    result = runner.invoke(attrib, ["rules", "check", "--rules", "fixtures/rules/valid"])
    assert result.exit_code == 0
    rs = load_ruleset(["fixtures/rules/valid"])
    assert len(rs.all_rules()) == len(load_ruleset().all_rules())  # the override replaces a rule, adds none
    assert len(rs.sources) == len(load_ruleset().sources) + 1
    assert result.stdout == f"rules OK: {len(rs.all_rules())} rules in {len(rs.sources)} files\n"


def test_rules_check_reports_every_problem(runner: CliRunner, tmp_path: Path) -> None:
    expected = write_bad_rules(tmp_path / "rules")
    result = runner.invoke(attrib, ["rules", "check", "--rules", str(tmp_path / "rules")])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == expected
    assert result.stdout == ""


def test_rules_check_missing_dir(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(attrib, ["rules", "check", "--rules", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert result.stderr == f"{tmp_path}/nope: no such rules file or directory\n"


# ---------------------------------------------------------------- attrib models download


def test_models_download_fails_with_one_line(repo_root: Path, tmp_path: Path) -> None:
    # a dead proxy makes the download fail the same way with or without a network
    dead = "http://127.0.0.1:9"
    env = {"HTTPS_PROXY": dead, "https_proxy": dead, "HTTP_PROXY": dead, "http_proxy": dead,
           "NO_PROXY": "", "no_proxy": ""}
    proc = attrib_process("models", "download", "--models-dir", str(tmp_path / "models"), cwd=repo_root, env=env)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"could not download stanza's English models to {tmp_path / 'models'}: ")
    assert proc.stdout == ""


# ---------------------------------------------------------------- attrib eval


def test_eval_runs_the_pipeline_on_the_gold_texts(runner: CliRunner, tmp_path: Path) -> None:
    preds = tmp_path / "preds.jsonl"
    result = runner.invoke(attrib, ["eval", "fixtures/seeds/gold.jsonl", "--nlp", "builtin",
                                    "--predictions", str(preds)])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("nlp: built-in annotator")
    report = result.stdout
    assert report.startswith("gold: fixtures/seeds/gold.jsonl  docs=5  quotes=")
    for mode in ("exact", "overlap"):
        for part in ("all", "direct", "indirect", "mixed"):
            assert re.search(rf"^{mode} +{part} +\d+ +\d+ +\d\.\d{{4}}", report, re.MULTILINE), (mode, part)
    # the predictions are in the reference scorer's format, one line per gold document
    lines = read_jsonl(preds)
    gold_ids = [d["doc_id"] for d in read_jsonl(Path("fixtures/seeds/gold.jsonl"))]
    assert [d["doc_id"] for d in lines] == gold_ids
    assert all(set(q) == {"start", "end", "text", "speaker", "type"} for d in lines for q in d["quotes"])
    assert sum(len(d["quotes"]) for d in lines) > 0


def test_eval_of_a_run_dir_matches_eval_of_the_gold_texts(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert runner.invoke(attrib, ["run", "seeds/", "-o", str(out), "--nlp", "builtin"]).exit_code == 0
    of_run = runner.invoke(attrib, ["eval", "fixtures/seeds/gold.jsonl", str(out)])
    of_gold = runner.invoke(attrib, ["eval", "fixtures/seeds/gold.jsonl", "--nlp", "builtin"])
    assert of_run.exit_code == of_gold.exit_code == 0
    assert f"pred: {out}/quotes.jsonl" in of_run.stdout
    # the seeds' files and the gold file hold the same texts, so the scores agree
    assert of_run.stdout.splitlines()[2:] == of_gold.stdout.splitlines()[2:]


def test_eval_json(runner: CliRunner) -> None:
    result = runner.invoke(attrib, ["eval", "fixtures/seeds/gold.jsonl", "--nlp", "builtin", "--json"])
    assert result.exit_code == 0
    scores = json.loads(result.stdout)
    assert scores["summary"]["docs"] == 5
    assert 0.0 <= scores["overlap"]["all"]["detection"]["f1"] <= 1.0


def test_eval_missing_run_dir(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(attrib, ["eval", "fixtures/seeds/gold.jsonl", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{tmp_path}/quotes.jsonl: no such file")


def test_eval_bad_gold_file(runner: CliRunner, tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"doc_id": "a", "text": "x", "quotes": []}\nnot json\n', encoding="utf-8")
    result = runner.invoke(attrib, ["eval", str(gold), "--nlp", "builtin"])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{gold}:2: bad JSON")
    assert "Traceback" not in result.output
