"""Issue 19: a full disk and a damaged run folder give one clear line, never a traceback, and lose nothing."""
from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from attrib.cli import attrib

pytestmark = pytest.mark.usefixtures("in_repo")
RUN = ["run", "seeds", "--nlp", "builtin", "-j", "1", "-q", "--no-cache"]
OUTPUTS = ("quotes.jsonl", "graph.graphml", "articles.jsonl", "problems.jsonl", "stances.jsonl", "merges.jsonl")


@pytest.mark.parametrize("error", [sqlite3.OperationalError("database or disk is full"),
                                   OSError(errno.ENOSPC, "No space left on device")], ids=["sqlite", "enospc"])
def test_disk_full_in_the_graph_phase_says_what_to_do_and_resume_finishes(
        runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    from attrib import export

    def full(*_args, **_kwargs):
        raise error

    with monkeypatch.context() as m:
        m.setattr(export, "write_store_graph", full)
        r = runner.invoke(attrib, [*RUN, "-o", str(tmp_path / "out")])
    assert r.exit_code == 1 and "Traceback" not in r.stderr
    assert r.stderr.splitlines()[-1] == (
        f"{tmp_path / 'out'}: the disk is full ({getattr(error, 'strerror', None) or error}); the finished "
        f"articles are kept in {tmp_path / 'out' / '.partial'}: free some space on the disk that holds "
        f"{tmp_path / 'out'}, then run the same command with --resume")
    r = runner.invoke(attrib, [*RUN, "-o", str(tmp_path / "out"), "--resume"])
    assert r.exit_code == 0, r.stderr
    assert "resumed:  5 input items" in r.stdout
    assert runner.invoke(attrib, [*RUN, "-o", str(tmp_path / "clean")]).exit_code == 0
    for name in OUTPUTS:
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "clean" / name).read_bytes(), name
