"""The partial run: OUT/.partial holds per-article outputs appended in input order, with each completion recorded.

A batch run writes every article's quote records, its article record and its
problems here as soon as they are made (so memory stays flat), then builds the
final files from them. ``done.jsonl`` gets one line per finished input item (an
article or a skipped input) with the sizes the three data files had after it,
written only after those files were flushed. After a crash or Ctrl-C, ``Spool``
with ``resume=True`` drops whatever lies past the last complete line, and the run
goes on from the next item: no article is written twice and none is lost.
``manifest.json`` records what the outputs depend on (inputs, rules, NLP, input
options), so a resume with other settings is refused with the reason.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any, Iterator

from .problems import AttribError
from .rundir import ARTICLES, PROBLEMS, QUOTES, STANCES, TEXTS_SPOOL

PARTIAL = ".partial"
MANIFEST = "manifest.json"
DONE = "done.jsonl"
_DATA = (QUOTES, ARTICLES, PROBLEMS, STANCES, TEXTS_SPOOL)
#: what each manifest entry means, for the message that refuses a resume
_WHAT = {"inputs": "the inputs", "cwd": "the working folder", "rules": "the rules", "nlp": "the NLP settings",
         "options": "the input options (--max-bytes, --text-field, --id-field)", "attrib": "attrib's version"}


class ResumeError(AttribError):
    """An interrupted run cannot be continued with these inputs or settings."""


class Spool:
    """Appends per-item outputs to OUT/.partial and records each completion; see the module docstring."""

    def __init__(self, out: Path, manifest: dict[str, Any], resume: bool):
        self.out = out
        self.dir = out / PARTIAL
        self.resumed = 0  # items done before this session
        self.started_fresh = True
        self._pending: list[str] = []
        self._n = 0
        if resume and (self.dir / MANIFEST).is_file():
            self._check_manifest(manifest)
            self._n = self.resumed = self._truncate_to_last_done()
            self.started_fresh = False
        else:
            if self.dir.exists():
                shutil.rmtree(self.dir)
            self.dir.mkdir(parents=True)
            for name in _DATA + (DONE,):
                (self.dir / name).touch()
            tmp = self.dir / f".{MANIFEST}.tmp"
            tmp.write_text(json.dumps(manifest, sort_keys=True, indent=1) + "\n", encoding="utf-8")
            tmp.replace(self.dir / MANIFEST)
        self._files = {name: open(self.dir / name, "ab") for name in _DATA}
        self._done = open(self.dir / DONE, "ab")
        self._replay = self._done_keys() if self.resumed else iter(())

    # -------------------------------------------------------------- resuming

    def _check_manifest(self, manifest: dict[str, Any]) -> None:
        try:
            old = json.loads((self.dir / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise ResumeError(f"cannot resume {self.out}: {self.dir / MANIFEST} is unreadable ({e}); "
                              "run without --resume to start again") from None
        changed = [_WHAT.get(k, k) for k in sorted(set(old) | set(manifest)) if old.get(k) != manifest.get(k)]
        if changed:
            raise ResumeError(f"cannot resume {self.out}: {', '.join(changed)} differ from the interrupted run's; "
                              "run without --resume to start again")

    def _truncate_to_last_done(self) -> int:
        """Drop what lies past the last complete done line (a torn write); the number of items done."""
        n, good, sizes = 0, 0, {name: 0 for name in _DATA}
        with open(self.dir / DONE, "rb") as f:
            for line in f:
                if not line.endswith(b"\n"):
                    break
                try:
                    rec = json.loads(line)
                    new_sizes = {QUOTES: int(rec["q"]), ARTICLES: int(rec["a"]), PROBLEMS: int(rec["p"]),
                                 STANCES: int(rec["s"]), TEXTS_SPOOL: int(rec["t"])}
                except (ValueError, KeyError, TypeError):
                    break
                n, good, sizes = n + 1, good + len(line), new_sizes
        for name, size in sizes.items():
            path = self.dir / name
            if not path.is_file() or path.stat().st_size < size:
                raise ResumeError(f"cannot resume {self.out}: {path} is shorter than its completion record; "
                                  "run without --resume to start again")
            os.truncate(path, size)
        os.truncate(self.dir / DONE, good)
        return n

    def _done_keys(self) -> Iterator[str]:
        with open(self.dir / DONE, "rb") as f:
            for _ in range(self.resumed):
                yield json.loads(f.readline())["key"]

    def is_done(self, index: int, key: str) -> bool:
        """Whether item ``index`` (0-based, input order) was finished before; checks it is the same item.

        Raises:
            ResumeError: the item there now is not the one the interrupted run read.
        """
        if index >= self.resumed:
            return False
        old = next(self._replay)
        if old != key:
            raise ResumeError(f"cannot resume {self.out}: input item {index + 1} is not the one the interrupted "
                              f"run read there ({_show(old)}, now {_show(key)}); the inputs changed; run without "
                              "--resume to start again")
        return True

    def check_complete(self, items: int) -> None:
        """After the last input item: fail when the inputs now hold fewer items than were done."""
        if items < self.resumed:
            raise ResumeError(f"cannot resume {self.out}: the interrupted run had read {self.resumed} input items, "
                              f"the inputs now hold {items}; run without --resume to start again")

    # -------------------------------------------------------------- writing

    @property
    def done(self) -> int:
        """Items finished so far, this session and before."""
        return self._n

    def add(self, key: str, quotes: str, article: str, problems: str, stances: str = "", text: str = "") -> None:
        """Append one finished item's output lines; its completion is recorded at the next ``flush``."""
        q, a, p, s, t = (self._files[n] for n in _DATA)
        for f, lines in ((q, quotes), (a, article), (p, problems), (s, stances), (t, text)):
            if lines:
                f.write(lines.encode("utf-8"))
        self._pending.append(json.dumps({"key": key, "q": q.tell(), "a": a.tell(), "p": p.tell(), "s": s.tell(),
                                         "t": t.tell()}, ensure_ascii=False) + "\n")
        self._n += 1

    def flush(self) -> None:
        """Flush the data files, then record the completions (so a record never points past the data)."""
        for f in self._files.values():
            f.flush()
        if self._pending:
            self._done.write("".join(self._pending).encode("utf-8"))
            self._pending.clear()
        self._done.flush()

    def close(self) -> None:
        """Flush and close the files (the folder stays until ``remove``)."""
        if self._done.closed:
            return
        self.flush()
        for f in self._files.values():
            f.close()
        self._done.close()

    def iter_done_keys(self) -> Iterator[str]:
        """Every finished item's key, in input order (after ``close``)."""
        return (rec["key"] for rec in self._done_records())

    def _done_records(self) -> Iterator[dict[str, Any]]:
        """Every completion record of done.jsonl, in input order."""
        with open(self.dir / DONE, "rb") as f:
            for line in f:
                yield json.loads(line)

    def remove(self) -> None:
        """Delete OUT/.partial once the final files are written."""
        self.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def _doc_id(key: str) -> str:
    """The doc id in an article's key ``a:<doc_id>:<text hash>`` (a doc id may hold colons)."""
    return key.partition(":")[2].rsplit(":", 1)[0]


def _show(key: str) -> str:
    if key.startswith("a:"):
        return f'article "{_doc_id(key)}"'
    return "a skipped input"
