"""Load: files, folders and glob patterns -> ``(tuple[Article, ...], tuple[Problem, ...])``.

Stage 1. Each article is one UTF-8 text file, decoded byte for byte (a BOM is
dropped, newlines are kept as they are), so ``Article.text`` offsets match the
file. A file that cannot be used (unreadable, binary, not UTF-8, empty, too
large, or a second article with an id already taken) becomes a warning
``Problem`` and is skipped; only inputs that name nothing at all raise.
"""
from __future__ import annotations

import glob
import os
import stat
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from .model import Article
from .problems import InputError, Problem

#: default limit on the size of one article file
MAX_BYTES = 5_000_000
#: file endings a folder walk takes ("" = no extension); a file named directly is always taken
ARTICLE_SUFFIXES = frozenset({".txt", ".text", ".md", ""})
#: a NUL byte this early means the file is binary
_BINARY_SNIFF = 8192
_BOM = b"\xef\xbb\xbf"


def load_documents(inputs: Sequence[str | Path], *, max_bytes: int = MAX_BYTES
                   ) -> tuple[tuple[Article, ...], tuple[Problem, ...]]:
    """Read every article the inputs name.

    An input is a file (taken whatever its ending; doc_id = its stem), a folder
    (walked recursively; takes files ending ``.txt``, ``.text``, ``.md`` or with
    no extension, skips hidden files and folders; doc_id = the path relative to
    the folder without extension, with ``/`` separators) or a glob pattern
    (``recursive=True``; each matched file is taken like a named file, each
    matched folder is walked like a folder input).

    Articles come out in input order, sorted by doc_id within each input. A file
    named more than once is read once. A second article with a doc_id already
    loaded is skipped with a warning.

    Args:
        inputs: files, folders or glob patterns.
        max_bytes: files larger than this are skipped with a warning.

    Returns:
        The loaded articles and the warnings about skipped files and folders.

    Raises:
        InputError: an input names no file, folder or glob match, or a folder or
            glob holds no article files. Every such input is listed; nothing is read.
    """
    problems: list[Problem] = []
    errors: list[str] = []
    per_input: list[list[tuple[str, str]]] = []
    for given in inputs:
        candidates, error = _expand_input(str(given), problems)
        if error:
            errors.append(error)
        per_input.append(candidates)
    if errors:
        raise InputError("\n".join(errors))

    articles: list[Article] = []
    seen_files: set[str] = set()
    first_path: dict[str, str] = {}  # doc_id -> path it was loaded from
    for candidates in per_input:
        fresh = []
        for doc_id, path in candidates:
            key = os.path.realpath(path)
            if key not in seen_files:  # a file named twice is read once
                seen_files.add(key)
                fresh.append((doc_id, path))
        fresh.sort(key=lambda c: c[0])  # stable: ties keep discovery order
        for doc_id, path in fresh:
            if doc_id in first_path:
                problems.append(_warning(path, f'duplicate doc_id "{doc_id}" (first read from '
                                               f'{first_path[doc_id]}); article skipped'))
                continue
            text, problem = _read_article(path, max_bytes)
            if problem is not None:
                problems.append(problem)
                continue
            first_path[doc_id] = path
            articles.append(Article(doc_id=doc_id, path=path, text=text))
    return tuple(articles), tuple(problems)


def articles_from_jsonl_docs(docs: Iterable[dict], source: str = "<gold>") -> tuple[Article, ...]:
    """Make articles from JSONL documents such as a gold file's lines.

    Args:
        docs: dicts with a string ``"doc_id"`` and a string ``"text"``; other keys are ignored.
        source: names where the documents came from; each article's path is ``"<source>:<doc_id>"``.

    Returns:
        One article per document, in the order given.

    Raises:
        InputError: a document lacks a string doc_id or text, or a doc_id is repeated
            (every such document is listed).
    """
    articles: list[Article] = []
    errors: list[str] = []
    seen: set[str] = set()
    for n, doc in enumerate(docs, 1):
        doc_id = doc.get("doc_id") if isinstance(doc, dict) else None
        text = doc.get("text") if isinstance(doc, dict) else None
        if not isinstance(doc_id, str) or not doc_id:
            errors.append(f'{source}: document {n} has no string "doc_id"')
        elif not isinstance(text, str):
            errors.append(f'{source}: document {n} ("{doc_id}") has no string "text"')
        elif doc_id in seen:
            errors.append(f'{source}: document {n} repeats doc_id "{doc_id}"')
        else:
            seen.add(doc_id)
            articles.append(Article(doc_id=doc_id, path=f"{source}:{doc_id}", text=text))
    if errors:
        raise InputError("\n".join(errors))
    return tuple(articles)


# ---------------------------------------------------------------- finding files

def _expand_input(given: str, problems: list[Problem]) -> tuple[list[tuple[str, str]], str | None]:
    """(doc_id, path) candidates of one input, and an error line when it names nothing."""
    if os.path.isdir(given):
        before = len(problems)
        found = list(_walk_folder(given, problems))
        if not found and len(problems) == before:  # an unreadable folder is already reported
            return [], f"no article files ({_suffix_list()}) in folder: {given}"
        return found, None
    if os.path.lexists(given):  # a file, or a broken link that will be reported when read
        return [(_stem(given), given)], None
    if glob.escape(given) == given:  # no wildcards
        return [], f"no such file, folder or glob match: {given}"
    matches = sorted(glob.glob(given, recursive=True))
    if not matches:
        return [], f"no such file, folder or glob match: {given}"
    found = []
    for match in matches:
        if os.path.isdir(match):
            found.extend(_walk_folder(match, problems))
        else:
            found.append((_stem(match), match))
    if not found:
        return [], f"no article files ({_suffix_list()}) in glob matches: {given}"
    return found, None


def _walk_folder(folder: str, problems: list[Problem]) -> Iterator[tuple[str, str]]:
    """(doc_id, path) of the article files under ``folder``, skipping hidden names."""
    def on_error(err: OSError) -> None:
        where = err.filename or folder
        problems.append(_warning(str(where), f"cannot read folder ({err.strerror or err}); "
                                             "its articles skipped"))

    for dirpath, dirnames, filenames in os.walk(folder, onerror=on_error):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or os.path.splitext(name)[1].lower() not in ARTICLE_SUFFIXES:
                continue
            path = os.path.join(dirpath, name)
            rel = Path(os.path.relpath(path, folder))
            yield rel.with_name(_stem(name)).as_posix(), path


def _stem(path: str) -> str:
    """File name without its last extension."""
    return os.path.splitext(os.path.basename(path))[0] or os.path.basename(path)


def _suffix_list() -> str:
    return ", ".join(sorted(s for s in ARTICLE_SUFFIXES if s)) + " or no extension"


# ---------------------------------------------------------------- reading one file

def _read_article(path: str, max_bytes: int) -> tuple[str, Problem | None]:
    """The decoded text of one file, or a warning saying why it was skipped."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return "", _warning(path, "not a regular file; article skipped")
        if info.st_size > max_bytes:
            return "", _warning(path, f"too large ({info.st_size} bytes; the limit is {max_bytes}); "
                                      "article skipped")
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as e:
        return "", _warning(path, f"cannot read file ({e.strerror or e}); article skipped")
    if len(data) > max_bytes:  # grew after stat
        return "", _warning(path, f"too large (more than {max_bytes} bytes); article skipped")
    if b"\x00" in data[:_BINARY_SNIFF]:
        return "", _warning(path, "binary file (NUL byte in the first 8 KiB); article skipped")
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        line_start = data.rfind(b"\n", 0, e.start) + 1
        col = len(data[line_start:e.start].decode("utf-8")) + 1
        return "", Problem(path, line, col, f"not UTF-8 (byte 0x{data[e.start]:02x}); article skipped",
                           level="warning")
    if not text:
        return "", _warning(path, "empty file; article skipped")
    if not text.strip():
        return "", _warning(path, "only whitespace; article skipped")
    return text, None


def _warning(path: str, message: str) -> Problem:
    """A warning about a whole file (line 0)."""
    return Problem(path, 0, 0, message, level="warning")
