"""Tests for the batch machinery: the spool (attrib.spool), the engine's per-item outputs, progress lines.

The end-to-end behaviour (jobs, Ctrl-C, kill and resume) is in tests/e2e/test_batch.py.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from attrib.engine import NlpConfig, Processor, item_key, partition_sources, work_items
from attrib.documents import Source
from attrib.model import Article
from attrib.problems import Problem
from attrib.progress import Progress
from attrib.spool import ResumeError, Spool

MANIFEST = {"inputs": ["a"], "rules": "r1", "nlp": {"annotator": "builtin"}}


def fill(spool: Spool, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        spool.add(f"a:doc{i}:x", f'{{"q": {i}}}\n', f'{{"a": {i}}}\n', "")
    spool.flush()


def test_spool_resume_goes_on_after_the_last_recorded_item(tmp_path: Path) -> None:
    spool = Spool(tmp_path, MANIFEST, resume=False)
    fill(spool, 3)
    spool.add("a:doc3:x", '{"q": 3}\n', '{"a": 3}\n', "")  # written but never recorded (killed before flush)
    spool._files["quotes.jsonl"].flush()
    spool._files["articles.jsonl"].flush()
    # a kill leaves the process without closing: simulate with a torn record line
    with open(tmp_path / ".partial" / "done.jsonl", "ab") as f:
        f.write(b'{"key": "a:doc3')
    again = Spool(tmp_path, MANIFEST, resume=True)
    assert again.resumed == again.done == 3
    assert [again.is_done(i, f"a:doc{i}:x") for i in range(4)] == [True, True, True, False]
    fill(again, 2, start=3)
    again.close()
    quotes = (tmp_path / ".partial" / "quotes.jsonl").read_text().splitlines()
    assert quotes == [f'{{"q": {i}}}' for i in range(5)]  # doc3 once, none lost
    assert list(again.iter_done_keys()) == [f"a:doc{i}:x" for i in range(5)]


def _damage(path: Path, offset: int, data: bytes) -> None:
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(data)


@pytest.mark.parametrize("damage, kept, why", [  # issue 19: a damaged spool is recovered, and says so
    (lambda d: _damage(d / "quotes.jsonl", 20, b"X"), 2, "the data does not match its checksum at input item 3"),
    (lambda d: _damage(d / "articles.jsonl", 0, b"["), 0, "the data does not match its checksum at input item 1"),
    # a forged last line: its sizes cut the data files short, its checksum cannot be right
    (lambda d: d.joinpath("done.jsonl").write_bytes(d.joinpath("done.jsonl").read_bytes() +
                                                     b'{"key": "a:x:y", "q": 9, "a": 9, "p": 0, "s": 0, "t": 0, "c": 1}\n'),
     4, "quotes.jsonl does not hold what its completion record says at input item 5"),
    (lambda d: _damage(d / "done.jsonl", 3, b"!"), 0, "a completion record is damaged at input item 1"),
])
def test_spool_damaged_is_recovered_up_to_its_last_intact_item(tmp_path: Path, damage, kept: int, why: str) -> None:
    fill(Spool(tmp_path, MANIFEST, resume=False), 4)
    damage(tmp_path / ".partial")
    again = Spool(tmp_path, MANIFEST, resume=True)
    assert again.resumed == kept
    assert again.repaired == f"{tmp_path / '.partial'}: {why}; that item and those after it are done again"
    fill(again, 4 - kept, start=kept)
    again.close()
    quotes = (tmp_path / ".partial" / "quotes.jsonl").read_text().splitlines()
    assert quotes == [f'{{"q": {i}}}' for i in range(4)]  # the damaged bytes are gone, nothing is lost


def test_spool_without_done_file_starts_its_items_again(tmp_path: Path) -> None:
    fill(Spool(tmp_path, MANIFEST, resume=False), 3)
    (tmp_path / ".partial" / "done.jsonl").unlink()
    again = Spool(tmp_path, MANIFEST, resume=True)
    assert (again.resumed, again.repaired) == (
        0, f"{tmp_path / '.partial' / 'done.jsonl'} is missing: every input item is done again")
    assert (tmp_path / ".partial" / "quotes.jsonl").read_bytes() == b""


def test_spool_refuses_other_settings_and_other_inputs(tmp_path: Path) -> None:
    fill(Spool(tmp_path, MANIFEST, resume=False), 2)
    with pytest.raises(ResumeError, match=r"the NLP settings, the rules differ from the interrupted run's; "
                                          r"run without --resume to start again$"):
        Spool(tmp_path, {**MANIFEST, "rules": "r2", "nlp": {"annotator": "stanza"}}, resume=True)
    spool = Spool(tmp_path, MANIFEST, resume=True)
    with pytest.raises(ResumeError, match=r'input item 1 is not the one the interrupted run read there '
                                          r'\(article "doc0", now article "other"\); the inputs changed'):
        spool.is_done(0, "a:other:y")
    with pytest.raises(ResumeError, match="the interrupted run had read 2 input items, the inputs now hold 1"):
        Spool(tmp_path, MANIFEST, resume=True).check_complete(1)


def test_spool_without_resume_starts_again(tmp_path: Path) -> None:
    fill(Spool(tmp_path, MANIFEST, resume=False), 2)
    fresh = Spool(tmp_path, MANIFEST, resume=False)
    assert fresh.resumed == 0 and (tmp_path / ".partial" / "quotes.jsonl").read_bytes() == b""


def test_processor_outputs_one_item_each_in_order(ruleset) -> None:
    items = [Article("a", "a.txt", '"We will appeal," the minister said.'),
             Problem("b.txt", 0, 0, "empty file; article skipped", "warning"),
             Article("c", "c.txt", "Nothing quoted here.")]
    outputs = Processor(ruleset, NlpConfig("builtin")).run(list(work_items(items)))
    assert [o.key for o in outputs] == [item_key(i) for i in items]
    assert [o.doc_id for o in outputs] == ["a", None, "c"]
    [quote] = [json.loads(line) for line in outputs[0].quotes.splitlines()]
    assert quote["text"] == '"We will appeal,"'
    assert json.loads(outputs[1].problems)["message"] == "empty file; article skipped"
    assert outputs[1].problem_list() == [items[1]]
    assert outputs[2].quotes == "" and json.loads(outputs[2].article)["doc_id"] == "c"


def test_dask_partitions_keep_order_and_give_each_jsonl_file_its_own() -> None:
    s = [Source(f"t{i}", f"t{i}.txt", "text") for i in range(5)]
    j = Source("feed", "feed.jsonl", "jsonl")
    groups = partition_sources([s[0], s[1], j, s[2], s[3], s[4]], files_per_partition=2)
    assert groups == [[s[0], s[1]], [j], [s[2], s[3]], [s[4]]]


def test_plain_progress_lines_and_quiet() -> None:
    stream = io.StringIO()
    p = Progress(total=4, stream=stream, interval=0.0)
    p.update(2)
    assert stream.getvalue().startswith("progress: 2 of 4 articles (50%), ")
    assert "ETA" in stream.getvalue()
    quiet = io.StringIO()
    q = Progress(total=4, stream=quiet, quiet=True, interval=0.0)
    q.update(4)
    assert quiet.getvalue() == ""


def test_a_batch_run_collects_garbage_less_often_and_restores_the_setting(tmp_path: Path, ruleset) -> None:
    import gc

    from attrib.batch import BATCH_GC_THRESHOLD
    from attrib.batch import BatchOptions, run_batch

    (tmp_path / "a.txt").write_text('"The road is open," Tarek Arian said.\n', encoding="utf-8")
    before, seen = gc.get_threshold(), []
    result = run_batch([str(tmp_path / "a.txt")], tmp_path / "out", ruleset, nlp="builtin",
                       options=BatchOptions(jobs=1, quiet=True), on_note=lambda _: seen.append(gc.get_threshold()[0]))
    assert seen == [BATCH_GC_THRESHOLD] and result.articles == 1
    assert gc.get_threshold() == before


def test_a_duplicate_doc_id_on_the_dask_path_gives_its_line_not_a_path_with_it():
    # issue 19: the distributed run dedupes after the workers (engine._dedupe) and must warn as the local one does
    from attrib.documents import DuplicateIds
    from attrib.engine import Output, _dedupe

    seen = DuplicateIds()
    first = Output("k1", "a", "wire.jsonl:1", "", "", "")
    again = Output("k2", "a", "wire.jsonl:12", "", "", "")
    assert _dedupe(first, seen) is first
    [problem] = _dedupe(again, seen).problem_list()
    assert (problem.path, problem.line, problem.col) == ("wire.jsonl", 12, 1)
    assert 'duplicate doc_id "a"' in problem.message
