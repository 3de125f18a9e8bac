"""The speaker-rule loop from the command line: `attrib rules check`, `attrib rules suggest`, `attrib speakers`.

Everything runs the real CLI (click's CliRunner on ``attrib.cli.attrib``) on real
files: the rule fixtures in ``fixtures/rules/`` and a run of the seed articles made
with ``attrib run seeds -o TMP --nlp builtin`` in a temporary folder.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from attrib.cli import attrib
from attrib.rundir import quote_record
from attrib.model import Attribution, QuoteType, ResolvedAttribution, Span, Speaker, SpeakerKind

NO_SEED = "fixtures/rules/no_seed_people"
BAD_EXAMPLES = "fixtures/rules/bad_examples"


pytestmark = pytest.mark.usefixtures("in_repo")


@pytest.fixture(scope="module")
def seeds_without_people(tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> Path:
    """A builtin run of the seeds with the three seed people dropped from the rules."""
    out = tmp_path_factory.mktemp("run") / "noseed"
    result = CliRunner().invoke(attrib, ["run", str(repo_root / "seeds"), "-o", str(out), "--nlp", "builtin",
                                         "--rules", str(repo_root / NO_SEED)])
    assert result.exit_code == 0, result.output
    return out


# ---------------------------------------------------------------- attrib rules check


def test_check_ok_runs_the_examples(runner: CliRunner) -> None:
    result = runner.invoke(attrib, ["rules", "check"])
    assert result.exit_code == 0
    assert result.stdout.startswith("rules OK: ")
    assert result.stderr.startswith("examples: ") and result.stderr.endswith(" run, all pass\n")


def test_check_reports_failing_examples_at_their_line(runner: CliRunner) -> None:
    result = runner.invoke(attrib, ["rules", "check", "--rules", BAD_EXAMPLES])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f'{BAD_EXAMPLES}/filters.yaml:9:50: example "Trucks wait [File: AP]" should not match rule '
        '"filter.file-credit" but gave "[File: AP]"',
        f"{BAD_EXAMPLES}/speakers.yaml:13:11: example '\"We will appeal,\" a spokesman said.' should match rule "
        '"speaker.jane-doe" but gave nothing',
        f"{BAD_EXAMPLES}/speakers.yaml:15:11: example '\"We will appeal,\" Doe said.' should not match rule "
        "\"speaker.jane-doe\" but gave '\"We will appeal,\"'",
    ]


def test_check_no_examples_only_validates(runner: CliRunner) -> None:
    result = runner.invoke(attrib, ["rules", "check", "--rules", BAD_EXAMPLES, "--no-examples"])
    assert result.exit_code == 0 and result.stderr == ""


def test_check_reports_every_kind_of_problem(runner: CliRunner) -> None:
    result = runner.invoke(attrib, ["rules", "check", "--rules", "fixtures/rules/invalid"])
    assert result.exit_code == 1
    text = result.stderr
    for needle in ('unknown key "takes_recipent"', "is not the name of any organisation",
                   'alias "khan" of rule "speaker.omar-khan" is also claimed by speaker rule',
                   'does not compile', 'distinct_from "speaker.ahmed-nori"', 'must be a number from 0 to 1'):
        assert needle in text
    assert all(line.startswith("fixtures/rules/invalid/") for line in text.splitlines())
    assert "Traceback" not in text


def test_no_default_rules(runner: CliRunner) -> None:
    result = runner.invoke(attrib, ["rules", "check", "--no-default-rules"])
    assert (result.exit_code, result.stderr) == (
        1, "--no-default-rules needs at least one --rules DIR (there would be no rules at all)\n")
    result = runner.invoke(attrib, ["rules", "check", "--no-default-rules", "--rules", "fixtures/rules/valid"])
    assert result.exit_code == 1
    assert result.stderr == ('fixtures/rules/valid/speakers.yaml:5:5: affiliation "Chaman local administration" of '
                             'rule "speaker.arif-kakar" is not the name of any organisation\n')
    result = runner.invoke(attrib, ["rules", "check", "--no-default-rules", "--rules", "rules",
                                    "--rules", "fixtures/rules/valid"])
    assert result.exit_code == 0, result.stderr


# ---------------------------------------------------------------- attrib rules suggest


def test_suggest_on_the_seeds_without_the_seed_people(runner: CliRunner, seeds_without_people: Path,
                                                      tmp_path: Path) -> None:
    stub = tmp_path / "suggested.yaml"
    result = runner.invoke(attrib, ["rules", "suggest", str(seeds_without_people), "-o", str(stub),
                                    "--rules", NO_SEED])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1] == f"check them with: attrib rules check --rules {NO_SEED} --rules {stub}"
    doc = yaml.safe_load(stub.read_text(encoding="utf-8"))
    got = {r["name"]: r for r in doc["rules"]}
    assert got["Zabihullah Mujahid"]["affiliation"] == "Taliban"
    arian = got.get("Tarek Arian") or got["Tareq Arian"]
    assert {arian["name"], *arian["aliases"]} >= {"Tareq Arian", "Tarek Arian"}
    assert arian["affiliation"] == "Afghan Ministry of Interior"
    assert got["Arif Kakar"]["affiliation"] == "Chaman local administration"
    assert "Kakar" in got["Arif Kakar"]["aliases"]
    # the three come first (most quoted), and the stub loads as written
    assert {r["name"] for r in doc["rules"][:3]} == {"Zabihullah Mujahid", arian["name"], "Arif Kakar"}
    check = runner.invoke(attrib, ["rules", "check", "--rules", NO_SEED, "--rules", str(stub)])
    assert check.exit_code == 0, check.stderr
    # a run with the stub knows them: they are no longer suggested
    out2 = tmp_path / "run2"
    assert runner.invoke(attrib, ["run", "seeds", "-o", str(out2), "--nlp", "builtin", "--rules", NO_SEED,
                                  "--rules", str(stub)]).exit_code == 0
    again = runner.invoke(attrib, ["rules", "suggest", str(out2), "--rules", NO_SEED, "--rules", str(stub)])
    assert again.exit_code == 0
    names = {r["name"] for r in (yaml.safe_load(again.stdout)["rules"] or [])}
    assert not names & {"Zabihullah Mujahid", "Tareq Arian", "Tarek Arian", "Arif Kakar"}


def test_suggest_with_the_default_rules_knows_the_seed_people(runner: CliRunner, seeds_without_people: Path) -> None:
    result = runner.invoke(attrib, ["rules", "suggest", str(seeds_without_people)])
    assert result.exit_code == 0
    names = {r["name"] for r in yaml.safe_load(result.stdout)["rules"]}
    assert "Zabihullah Mujahid" not in names and "Raz Mohamed" in names


def _org_run(folder: Path) -> Path:
    """A run folder whose quotes name a person of an organisation the rules do not know."""
    folder.mkdir()
    records = []
    for n, (name, kind, aff) in enumerate([("Hezb-e-Islami", SpeakerKind.ORGANIZATION, None),
                                           ("Gulbuddin Hekmatyar", SpeakerKind.PERSON, "Hezb-e-Islami")]):
        a = Attribution("doc", n * 50, n * 50 + 10, '"No deal,"', QuoteType.DIRECT, None, Span(0, 5, name), None,
                        ("cue.x",))
        sid = ("org:" if kind is SpeakerKind.ORGANIZATION else "person:") + name.lower().replace(" ", "-")
        records.append(quote_record(ResolvedAttribution(a, Speaker(sid, name, kind, None, aff, ()), Span(0, 5, name))))
    (folder / "quotes.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return folder


def test_suggest_into_a_folder_writes_both_kinds(runner: CliRunner, tmp_path: Path) -> None:
    run = _org_run(tmp_path / "run")
    out = tmp_path / "stubs"
    result = runner.invoke(attrib, ["rules", "suggest", str(run), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"suggested: 1 speakers, 1 organisations; written to {out}/speakers.yaml, {out}/organisations.yaml",
        f"check them with: attrib rules check --rules {out}"]
    assert runner.invoke(attrib, ["rules", "check", "--rules", str(out)]).exit_code == 0
    # without -o both go to stdout, as two YAML documents
    printed = runner.invoke(attrib, ["rules", "suggest", str(run)]).stdout
    assert [d["kind"] for d in yaml.safe_load_all(printed)] == ["speakers", "organisations"]


def test_suggest_into_a_file_puts_organisations_beside_it(runner: CliRunner, tmp_path: Path) -> None:
    run = _org_run(tmp_path / "run")
    stub = tmp_path / "mine.yaml"
    result = runner.invoke(attrib, ["rules", "suggest", str(run), "-o", str(stub)])
    assert result.exit_code == 0
    orgs = tmp_path / "mine.organisations.yaml"
    assert result.stderr.splitlines()[-1] == f"check them with: attrib rules check --rules {stub} --rules {orgs}"
    assert runner.invoke(attrib, ["rules", "check", "--rules", str(stub), "--rules", str(orgs)]).exit_code == 0


@pytest.mark.parametrize("command", [["rules", "suggest"], ["speakers"]])
def test_a_missing_or_broken_run_is_one_line(runner: CliRunner, tmp_path: Path, command: list[str]) -> None:
    result = runner.invoke(attrib, [*command, str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert result.stderr == (f"{tmp_path}/nope: no such file "
                             f"(make it with `attrib run INPUTS -o {tmp_path}/nope`)\n")
    (tmp_path / "quotes.jsonl").write_text('{"doc_id": "a"}\nnot json\n', encoding="utf-8")
    result = runner.invoke(attrib, [*command, str(tmp_path)])
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"{tmp_path}/quotes.jsonl:1:1: not a quote record")


def test_suggest_bad_rules_stop_before_reading(runner: CliRunner, seeds_without_people: Path) -> None:
    result = runner.invoke(attrib, ["rules", "suggest", str(seeds_without_people), "--rules", "fixtures/rules/invalid"])
    assert result.exit_code == 1 and result.stdout == ""


# ---------------------------------------------------------------- attrib speakers


def test_speakers_table(runner: CliRunner, seeds_without_people: Path) -> None:
    result = runner.invoke(attrib, ["speakers", str(seeds_without_people)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split()[:6] == ["name", "id", "kind", "affiliation", "quotes", "articles"]
    assert set(lines[1]) <= {"-", " "}
    assert lines[2].startswith("Taliban ") and "org:taliban" in lines[2]  # most quoted first (6 quotes)


def test_speakers_csv_sorted_by_name_to_a_file(runner: CliRunner, seeds_without_people: Path, tmp_path: Path) -> None:
    out = tmp_path / "speakers.csv"
    result = runner.invoke(attrib, ["speakers", str(seeds_without_people), "--format", "csv", "--sort", "name",
                                    "-o", str(out)])
    assert result.exit_code == 0 and result.stdout == ""
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert result.stderr == f"{len(rows)} speakers written to {out}\n"
    names = [r["name"] for r in rows]
    assert names == sorted(names, key=str.lower)
    kakar = next(r for r in rows if r["name"] == "Arif Kakar")
    assert (kakar["id"], kakar["kind"], kakar["quotes"], kakar["articles"]) == ("person:arif-kakar", "person", "4", "2")
    assert "Kakar" in kakar["seen_as"].split("; ")


def test_speakers_sort_by_articles(runner: CliRunner, seeds_without_people: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(runner.invoke(
        attrib, ["speakers", str(seeds_without_people), "--format", "csv", "--sort", "articles"]).stdout)))
    counts = [int(r["articles"]) for r in rows]
    assert counts == sorted(counts, reverse=True)


def test_speakers_bad_sort_is_a_usage_error(runner: CliRunner, seeds_without_people: Path) -> None:
    result = runner.invoke(attrib, ["speakers", str(seeds_without_people), "--sort", "size"])
    assert result.exit_code == 2
