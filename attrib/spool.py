"""The partial run: OUT/.partial holds per-article outputs appended in input order, with each completion recorded.

A batch run writes every article's quote records, its article record and its
problems here as soon as they are made (so memory stays flat), then builds the
final files from them. ``done.jsonl`` gets one line per finished input item (an
article or a skipped input) with the sizes the data files had after it and a
checksum (CRC-32) of the bytes the item added to them, written only after those
files were flushed. After a crash or Ctrl-C, ``Spool`` with ``resume=True`` checks
every item against its line and drops whatever lies past the last complete, intact
one (a torn write, bytes overwritten, a forged or missing ``done.jsonl``: ``repaired``
says what), and the run goes on from the next item: no article is written twice
and none is lost.
``manifest.json`` records what the outputs depend on (inputs, rules, NLP, input
options), so a resume with other settings is refused with the reason.
"""
from __future__ import annotations

import json
import os
import shutil
import zlib
from pathlib import Path
from typing import Any, BinaryIO, Iterator

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
        self.repaired: str | None = None  # with resume: what was damaged and dropped, to be redone
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
        """Drop what lies past the last complete, intact done line; the number of items done.

        A done line's sizes never go back, and the bytes its item added to the data files have its checksum:
        a torn write, bytes overwritten and a forged line all end the items kept there (``repaired`` says so
        when more than a torn last line was dropped)."""
        if not (self.dir / DONE).is_file():
            self.repaired = f"{self.dir / DONE} is missing: every input item is done again"
            (self.dir / DONE).touch()
        n, good, sizes = 0, 0, {name: 0 for name in _DATA}
        for name in _DATA:
            (self.dir / name).touch()
        data = {name: open(self.dir / name, "rb") for name in _DATA}
        try:
            with open(self.dir / DONE, "rb") as f:
                for line in f:
                    new_sizes, why = _check_done_line(line, sizes, data)
                    if new_sizes is None:
                        if why or f.read(1):  # more than a torn last line
                            self.repaired = f"{self.dir}: {why or 'a completion record is damaged'} at input " \
                                            f"item {n + 1}; that item and those after it are done again"
                        break
                    n, good, sizes = n + 1, good + len(line), new_sizes
        finally:
            for fh in data.values():
                fh.close()
        for name, size in sizes.items():
            os.truncate(self.dir / name, size)
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
        crc = 0
        for f, lines in ((q, quotes), (a, article), (p, problems), (s, stances), (t, text)):
            if lines:
                chunk = lines.encode("utf-8")
                f.write(chunk)
                crc = zlib.crc32(chunk, crc)
        self._pending.append(json.dumps({"key": key, "q": q.tell(), "a": a.tell(), "p": p.tell(), "s": s.tell(),
                                         "t": t.tell(), "c": crc}, ensure_ascii=False) + "\n")
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


def _check_done_line(line: bytes, sizes: dict[str, int], data: dict[str, BinaryIO]
                     ) -> tuple[dict[str, int] | None, str]:
    """The data files' sizes after a done line's item, reading its bytes on from ``sizes`` in ``data``; or
    None and why not: the line is torn or not a done record (""), or the bytes do not match it."""
    if not line.endswith(b"\n"):
        return None, ""
    try:
        rec = json.loads(line)
        new = {name: int(rec[short]) for name, short in zip(_DATA, "qapst")}
        expected, _ = int(rec["c"]), str(rec["key"])
    except (ValueError, KeyError, TypeError):
        return None, ""
    crc = 0
    for name in _DATA:
        length = new[name] - sizes[name]
        chunk = data[name].read(length) if length > 0 else b""
        if length < 0 or len(chunk) != length:
            return None, f"{name} does not hold what its completion record says"
        crc = zlib.crc32(chunk, crc)
    return (new, "") if crc == expected else (None, "the data does not match its checksum")


def _doc_id(key: str) -> str:
    """The doc id in an article's key ``a:<doc_id>:<text hash>`` (a doc id may hold colons)."""
    return key.partition(":")[2].rsplit(":", 1)[0]


def _show(key: str) -> str:
    if key.startswith("a:"):
        return f'article "{_doc_id(key)}"'
    return "a skipped input"
