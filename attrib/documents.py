"""Load: files, folders, globs and stdin -> a stream of ``Article``s and ``Problem``s, in input order.

Stage 1. An input is a text file (UTF-8, decoded byte for byte: a BOM is dropped,
newlines are kept as they are, so ``Article.text`` offsets match the file), an HTML
page (its main text, extracted with trafilatura; scripts, navigation and page
furniture are dropped and the title goes into ``Article.meta``), a JSON Lines file
(one article a line: a text field, an id field, and other fields carried as
metadata), any of these gzip-compressed, or ``-`` for stdin.

``plan_inputs`` finds the files (and fails when an input names nothing, before
anything is read); ``iter_documents`` then reads them one at a time, so no stage
holds every text at once. An article that cannot be used (unreadable, binary, not
UTF-8, empty, too large, a JSON line that is not JSON, or a second article with an
id already taken) becomes a warning ``Problem`` in the stream and is skipped.
"""
from __future__ import annotations

import glob
import gzip
import io
import json
import os
import re
import sqlite3
import stat
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO, Iterable, Iterator, Sequence

from .model import Article
from .problems import InputError, Problem

#: default limit on the size of one article (a file, or one JSON line), in bytes after decompression
MAX_BYTES = 5_000_000
#: file endings a folder walk takes ("" = no extension), each also with ".gz"; a file named directly is always taken
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ""})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
ARTICLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
#: the name ``-`` stands for stdin
STDIN = "-"
#: a NUL byte this early means the file is binary
_BINARY_SNIFF = 8192
_BOM = b"\xef\xbb\xbf"
_GZIP_MAGIC = b"\x1f\x8b"
#: id fields tried, in order, when --id-field is not given
DEFAULT_ID_FIELDS = ("id", "doc_id")

Item = Article | Problem  # what the document stream yields


@dataclass(frozen=True)
class InputOptions:
    """How inputs are read: the size limit and the JSON Lines field names."""

    max_bytes: int = MAX_BYTES
    text_field: str = "text"
    id_field: str | None = None  # None: "id", else "doc_id", else <file id>:<line>


@dataclass(frozen=True)
class Source:
    """One input to read: a file (``kind`` text, html or jsonl; gzip is found by its magic bytes) or stdin."""

    doc_id: str  # the article's id (text, html); the prefix of line ids without an id field (jsonl)
    path: str
    kind: str  # "text", "html", "jsonl" or "stdin"


@dataclass(frozen=True)
class InputPlan:
    """The sources the inputs name, in reading order, and warnings found while walking folders."""

    sources: tuple[Source, ...]
    problems: tuple[Problem, ...]

    @property
    def reads_stdin(self) -> bool:
        """Whether one of the sources is stdin (which can be read only once)."""
        return any(s.kind == "stdin" for s in self.sources)

    @property
    def files(self) -> int:
        """How many text and HTML files there are (each one article), for a progress total."""
        return sum(s.kind in ("text", "html") for s in self.sources)


def plan_inputs(inputs: Sequence[str | Path], exclude: Sequence[str | Path] = ()) -> InputPlan:
    """Find the sources the inputs name, without reading any article.

    An input is ``-`` (stdin), a file (taken whatever its ending; doc_id = its stem), a
    folder (walked recursively; takes files ending ``.txt``, ``.text``, ``.md``, ``.html``,
    ``.htm``, ``.jsonl``, ``.ndjson`` or with no extension, each maybe followed by ``.gz``;
    skips hidden files and folders; doc_id = the path relative to the folder without
    extension, with ``/`` separators) or a glob pattern (``recursive=True``; each matched
    file is taken like a named file, each matched folder is walked like a folder input).

    Sources come out in input order, sorted by doc_id within each input. A file named
    more than once is read once. A folder walk skips the ``exclude`` folders (a run's
    output folder inside its input folder is not read back as input).

    Raises:
        InputError: an input names no file, folder or glob match, or a folder or glob
            holds no article files. Every such input is listed; nothing is read.
    """
    problems: list[Problem] = []
    errors: list[str] = []
    per_input: list[list[Source]] = []
    skip = frozenset(os.path.realpath(x) for x in exclude)
    for given in inputs:
        if str(given) == STDIN:
            per_input.append([Source("stdin", STDIN, "stdin")])
            continue
        candidates, error = _expand_input(str(given), problems, skip)
        if error:
            errors.append(error)
        per_input.append(candidates)
    if errors:
        raise InputError("\n".join(errors))
    sources: list[Source] = []
    seen_files: set[str] = set()
    for candidates in per_input:
        fresh = []
        for src in candidates:
            key = src.path if src.kind == "stdin" else os.path.realpath(src.path)
            if key not in seen_files:  # a file named twice is read once
                seen_files.add(key)
                fresh.append(src)
        fresh.sort(key=lambda s: s.doc_id)  # stable: ties keep discovery order
        sources.extend(fresh)
    return InputPlan(tuple(sources), tuple(problems))


def iter_documents(plan: InputPlan, options: InputOptions = InputOptions(), *,
                   dedupe: bool = True, stdin: BinaryIO | None = None) -> Iterator[Item]:
    """Read the planned sources one article at a time.

    Args:
        plan: what ``plan_inputs`` found.
        options: size limit and JSON Lines fields.
        dedupe: skip (with a warning) an article whose doc_id an earlier one took; a
            distributed run reads sources apart and dedupes later with ``DuplicateIds``.
        stdin: the stream ``-`` reads (default: ``sys.stdin.buffer``).

    Yields:
        The walk's warnings, then, in plan order, each article or the warning that
        says why it was skipped.
    """
    yield from map(_clean_item, plan.problems)
    seen = DuplicateIds()
    for source in plan.sources:
        for item in iter_source(source, options, stdin=stdin):
            if dedupe and isinstance(item, Article):
                item = seen.check(item, _jsonl_line(source, item))
            yield item


def _jsonl_line(source: Source, article: Article) -> int:
    """The line number of a JSON Lines article (its path is ``<file>:<line>``), else 0."""
    if source.kind not in ("jsonl", "stdin"):
        return 0
    tail = article.path.rpartition(":")[2]
    return int(tail) if tail.isdigit() else 0


class DuplicateIds:
    """Remembers which doc_ids were taken, and where, and turns a repeat into a warning.

    The ids are kept in a private temporary SQLite database on disk (deleted when closed): a run's
    memory must not grow with its corpus, and a corpus of a million articles has a million ids.
    """

    def __init__(self) -> None:
        self._db = sqlite3.connect("", isolation_level=None)  # "": a temporary database on disk
        self._db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-256;"
                               "CREATE TABLE first(doc TEXT PRIMARY KEY, path TEXT NOT NULL) WITHOUT ROWID;")
        self._db.execute("BEGIN")

    def check(self, article: Article, line: int = 0) -> Item:
        """The article, or a warning when its doc_id was taken by an earlier article.

        ``line``: the article's line in a JSON Lines file (its path then ends ``:<line>``), for the warning.
        """
        row = self._db.execute("SELECT path FROM first WHERE doc = ?", (article.doc_id,)).fetchone()
        if row is None:
            self._db.execute("INSERT INTO first VALUES (?, ?)", (article.doc_id, article.path))
            return article
        message = f'duplicate doc_id "{article.doc_id}" (first read from {row[0]}); article skipped'
        if line:
            return Problem(article.path.rpartition(":")[0], line, 1, message, level="warning")
        return _warning(article.path, message)


def load_documents(inputs: Sequence[str | Path], *, max_bytes: int = MAX_BYTES
                   ) -> tuple[tuple[Article, ...], tuple[Problem, ...]]:
    """Read every article the inputs name at once (small corpora and tests; runs stream ``iter_documents``).

    Returns:
        The loaded articles in input order, and the warnings about skipped files and folders.

    Raises:
        InputError: as ``plan_inputs``.
    """
    articles: list[Article] = []
    problems: list[Problem] = []
    for item in iter_documents(plan_inputs(inputs), InputOptions(max_bytes=max_bytes)):
        (articles if isinstance(item, Article) else problems).append(item)
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

def _kind(name: str) -> tuple[str, str]:
    """(kind, name without ".gz") of a file name: text, html or jsonl by its ending."""
    base = name[:-3] if name.lower().endswith(".gz") else name
    ext = os.path.splitext(base)[1].lower()
    kind = "html" if ext in HTML_SUFFIXES else "jsonl" if ext in JSONL_SUFFIXES else "text"
    return kind, base


def _expand_input(given: str, problems: list[Problem], skip: frozenset[str] = frozenset()
                  ) -> tuple[list[Source], str | None]:
    """Sources of one input, and an error line when it names nothing."""
    if os.path.isdir(given):
        before = len(problems)
        found = list(_walk_folder(given, problems, skip))
        if not found and len(problems) == before:  # an unreadable folder is already reported
            return [], f"no article files ({_suffix_list()}) in folder: {given}"
        return found, None
    if os.path.lexists(given):  # a file, or a broken link that will be reported when read
        return [_named_file(given)], None
    if glob.escape(given) == given:  # no wildcards
        return [], f"no such file, folder or glob match: {given}"
    matches = sorted(glob.glob(given, recursive=True))
    if not matches:
        return [], f"no such file, folder or glob match: {given}"
    found = []
    for match in matches:
        if os.path.isdir(match):
            found.extend(_walk_folder(match, problems, skip))
        else:
            found.append(_named_file(match))
    if not found:
        return [], f"no article files ({_suffix_list()}) in glob matches: {given}"
    return found, None


def _named_file(path: str) -> Source:
    kind, base = _kind(os.path.basename(path))
    return Source(_stem(base), path, kind)


def _walk_folder(folder: str, problems: list[Problem], skip: frozenset[str] = frozenset()) -> Iterator[Source]:
    """Sources of the article files under ``folder``, skipping hidden names and the ``skip`` folders (real paths)."""
    def on_error(err: OSError) -> None:
        where = err.filename or folder
        problems.append(_warning(str(where), f"cannot read folder ({err.strerror or err}); "
                                             "its articles skipped"))

    for dirpath, dirnames, filenames in os.walk(folder, onerror=on_error):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                             and not (skip and os.path.realpath(os.path.join(dirpath, d)) in skip))
        for name in sorted(filenames):
            kind, base = _kind(name)
            if name.startswith(".") or os.path.splitext(base)[1].lower() not in ARTICLE_SUFFIXES:
                continue
            path = os.path.join(dirpath, name)
            rel = Path(os.path.relpath(os.path.join(dirpath, base), folder))
            yield Source(rel.with_name(_stem(base)).as_posix(), path, kind)


def _stem(path: str) -> str:
    """File name without its last extension."""
    return os.path.splitext(os.path.basename(path))[0] or os.path.basename(path)


def _suffix_list() -> str:
    return ", ".join(sorted(s for s in ARTICLE_SUFFIXES if s)) + " or no extension, each maybe .gz"


# ---------------------------------------------------------------- reading one source

def iter_source(source: Source, options: InputOptions = InputOptions(), *,
                stdin: BinaryIO | None = None) -> Iterator[Item]:
    """The articles of one source (one for a text or HTML file, one per line for JSON Lines), or warnings."""
    if source.kind == "stdin":
        items = _iter_stdin(stdin if stdin is not None else sys.stdin.buffer, options)
    elif source.kind == "jsonl":
        items = _iter_jsonl_file(source, options)
    else:
        data, problem = _read_file(source.path, options.max_bytes)
        if problem is not None:
            items = iter((problem,))
        elif source.kind == "html":
            items = iter((_html_article(source.doc_id, source.path, data),))
        else:
            items = iter((_text_article(source.doc_id, source.path, data),))
    return map(_clean_item, items)


#: a UTF-16 surrogate: not a character, and not encodable as UTF-8 (from a file name that is not UTF-8,
#: which Python decodes with ``surrogateescape``, or a JSON ``\ud800`` escape with no pair)
_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean_item(item: Item) -> Item:
    """The item with no surrogate left in it, so that every output can be written as UTF-8: in a name (a
    doc_id, a path, a metadata value, a message) each becomes its escape (``bad\\xffname``, ``\\ud800``);
    in an article's text, U+FFFD (one character for one, so offsets stay put)."""
    if isinstance(item, Problem):
        if _SURROGATE.search(item.path) or _SURROGATE.search(item.message):
            return Problem(_clean_name(item.path), item.line, item.col, _clean_name(item.message), item.level)
        return item
    if not any(_SURROGATE.search(s) for s in (item.doc_id, item.path, item.text, *(v for kv in item.meta for v in kv))):
        return item
    meta = tuple((_clean_name(k), _clean_name(v)) for k, v in item.meta)
    return Article(_clean_name(item.doc_id), _clean_name(item.path), _SURROGATE.sub("\ufffd", item.text), meta)


def _clean_name(name: str) -> str:
    """A name with each surrogate as its escape: an escaped byte as ``\\xff``, a lone ``\\ud800`` as itself."""
    if not _SURROGATE.search(name):
        return name
    return _SURROGATE.sub(_escape_surrogate, name)


def _escape_surrogate(m: re.Match) -> str:
    code = ord(m.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def _read_file(path: str, max_bytes: int) -> tuple[bytes, Problem | None]:
    """The bytes of one file (decompressed when gzip), or a warning saying why it was skipped."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return b"", _warning(path, "not a regular file; article skipped")
        with open(path, "rb") as f:
            head = f.read(2)
            if head == _GZIP_MAGIC:
                f.seek(0)
                return _read_gzip(path, f, max_bytes)
            if info.st_size > max_bytes:
                return b"", _warning(path, f"too large ({info.st_size} bytes; the limit is {max_bytes}); "
                                           "article skipped")
            data = head + f.read(max_bytes + 1 - len(head))
    except OSError as e:
        return b"", _warning(path, f"cannot read file ({e.strerror or e}); article skipped")
    if len(data) > max_bytes:  # grew after stat
        return b"", _warning(path, f"too large (more than {max_bytes} bytes); article skipped")
    return data, None


def _read_gzip(path: str, f: BinaryIO, max_bytes: int) -> tuple[bytes, Problem | None]:
    try:
        with gzip.GzipFile(fileobj=f) as gz:
            data = gz.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as e:
        return b"", _warning(path, f"not a readable gzip file ({e}); article skipped")
    if len(data) > max_bytes:
        return b"", _warning(path, f"too large (more than {max_bytes} bytes uncompressed); article skipped")
    return data, None


def _decode(path: str, data: bytes, line_no: int = 0) -> tuple[str, Problem | None]:
    """UTF-8 text of ``data`` (BOM dropped), or a warning at the bad byte's line:col."""
    if b"\x00" in data[:_BINARY_SNIFF]:
        return "", _warning(path, "binary file (NUL byte in the first 8 KiB); article skipped")
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        line_start = data.rfind(b"\n", 0, e.start) + 1
        col = len(data[line_start:e.start].decode("utf-8", "replace")) + 1
        return "", Problem(path, line_no or line, col, f"not UTF-8 (byte 0x{data[e.start]:02x}); article skipped",
                           level="warning")


def _text_article(doc_id: str, path: str, data: bytes) -> Item:
    text, problem = _decode(path, data)
    if problem is not None:
        return problem
    if not text:
        return _warning(path, "empty file; article skipped")
    if not text.strip():
        return _warning(path, "only whitespace; article skipped")
    return Article(doc_id=doc_id, path=path, text=text)


def _html_article(doc_id: str, path: str, data: bytes) -> Item:
    """The main text of an HTML page (trafilatura), with its title, date, site and url as metadata."""
    if b"\x00" in data[:_BINARY_SNIFF]:
        return _warning(path, "binary file (NUL byte in the first 8 KiB); article skipped")
    if not data.strip():
        return _warning(path, "empty file; article skipped")
    import trafilatura  # lazy: lxml is only needed for HTML inputs

    try:
        doc = trafilatura.bare_extraction(data, with_metadata=True, include_comments=False, include_tables=False,
                                          include_images=False, include_links=False)
        if doc is not None and not isinstance(doc, dict):  # trafilatura >= 1.9 gives a Document
            doc = doc.as_dict()
    except Exception as e:  # noqa: BLE001 - any failure of the extractor skips this page only
        return _warning(path, f"cannot extract the main text of this HTML ({type(e).__name__}: {e}); "
                              "article skipped")
    text = (doc or {}).get("text") or ""
    if not text.strip():
        return _warning(path, "no main text found in this HTML; article skipped")
    meta = {k: doc.get(k) for k in ("title", "date", "url", "author")}
    meta["outlet"] = doc.get("sitename")
    return Article(doc_id=doc_id, path=path, text=text,
                   meta=tuple(sorted((k, str(v)) for k, v in meta.items() if v)))


def _open_maybe_gzip(raw: BinaryIO) -> BinaryIO:
    """The stream itself, or its decompressed content when it starts with gzip's magic bytes."""
    buffered = raw if hasattr(raw, "peek") else io.BufferedReader(raw)  # type: ignore[arg-type]
    if buffered.peek(2)[:2] == _GZIP_MAGIC:
        return gzip.GzipFile(fileobj=buffered)  # type: ignore[return-value]
    return buffered


def _iter_stdin(raw: BinaryIO, options: InputOptions) -> Iterator[Item]:
    """stdin: JSON Lines when it starts with ``{``, an HTML page when with ``<``, else one text article."""
    stream = _open_maybe_gzip(raw)
    try:
        head = stream.peek(256) if hasattr(stream, "peek") else b""
        first = head.lstrip(b" \t\r\n" + _BOM)[:1]
        if first == b"{":
            yield from _iter_jsonl(stream, "stdin", "stdin", options)
            return
        data = stream.read(options.max_bytes + 1)
    except (OSError, EOFError, zlib.error) as e:
        yield _warning("stdin", f"cannot read stdin ({e}); article skipped")
        return
    if len(data) > options.max_bytes:
        yield _warning("stdin", f"too large (more than {options.max_bytes} bytes); article skipped")
    elif first == b"<":
        yield _html_article("stdin", "stdin", data)
    else:
        yield _text_article("stdin", "stdin", data)


def _iter_jsonl_file(source: Source, options: InputOptions) -> Iterator[Item]:
    try:
        info = os.stat(source.path)
        if not stat.S_ISREG(info.st_mode):
            yield _warning(source.path, "not a regular file; its articles skipped")
            return
        f = open(source.path, "rb")
    except OSError as e:
        yield _warning(source.path, f"cannot read file ({e.strerror or e}); its articles skipped")
        return
    with f:
        try:
            stream = _open_maybe_gzip(f)
            yield from _iter_jsonl(stream, source.path, source.doc_id, options)
        except (OSError, EOFError, zlib.error) as e:
            yield _warning(source.path, f"cannot read the rest of this file ({e}); its remaining articles skipped")


def _read_line(stream: IO[bytes], limit: int) -> tuple[bytes, bool]:
    """One line of at most ``limit`` bytes, and whether it was longer (the rest is read and dropped)."""
    line = stream.readline(limit + 1)
    if len(line) <= limit or line.endswith(b"\n"):
        return line, False
    while True:  # drop the rest of an over-long line without holding it
        chunk = stream.readline(1 << 20)
        if not chunk or chunk.endswith(b"\n"):
            return b"", True


def _iter_jsonl(stream: IO[bytes], path: str, file_id: str, options: InputOptions) -> Iterator[Item]:
    """One article per JSON line: ``--text-field`` is the text, ``--id-field`` the id, other scalars the meta."""
    id_fields = (options.id_field,) if options.id_field else DEFAULT_ID_FIELDS
    n = 0
    while True:
        line, too_long = _read_line(stream, options.max_bytes)
        n += 1
        if too_long:
            yield Problem(path, n, 1, f"too large (line of more than {options.max_bytes} bytes); article skipped",
                          level="warning")
            continue
        if not line:
            return
        if n == 1 and line.startswith(_BOM):
            line = line[len(_BOM):]
        if not line.strip():
            continue
        where = f"{path}:{n}"
        line = line.rstrip(b"\r\n")
        try:
            text_line = line.decode("utf-8")
        except UnicodeDecodeError as e:
            col = len(line[:e.start].decode("utf-8", "replace")) + 1
            yield Problem(path, n, col, f"not UTF-8 (byte 0x{line[e.start]:02x}); article skipped", level="warning")
            continue
        try:
            doc = json.loads(text_line)
        except json.JSONDecodeError as e:
            yield Problem(path, n, e.colno, f"not JSON ({e.msg}); article skipped", level="warning")
            continue
        except RecursionError:
            yield Problem(path, n, 1, "JSON nested too deeply to read; article skipped", level="warning")
            continue
        if not isinstance(doc, dict):
            yield Problem(path, n, 1, f"not a JSON object ({type(doc).__name__}); article skipped", level="warning")
            continue
        text = doc.get(options.text_field)
        if not isinstance(text, str):
            what = "no" if text is None else f"a {type(text).__name__}, not a string, as"
            yield Problem(path, n, 1, f'{what} "{options.text_field}" field{_field_hint(doc, options.text_field)}; '
                                      "article skipped", level="warning")
            continue
        if not text.strip():
            yield Problem(path, n, 1, f'empty "{options.text_field}"; article skipped', level="warning")
            continue
        id_field = next((k for k in id_fields if doc.get(k) not in (None, "")), None)
        if id_field is not None and isinstance(doc[id_field], (str, int)) and not isinstance(doc[id_field], bool):
            doc_id = str(doc[id_field])
        else:
            doc_id = f"{file_id}:{n}"
        skip = {options.text_field, id_field}
        meta = tuple(sorted((str(k), _meta_value(v)) for k, v in doc.items()
                            if k not in skip and isinstance(v, (str, int, float, bool))))
        yield Article(doc_id=doc_id, path=where, text=text, meta=meta)


def _field_hint(doc: dict, text_field: str) -> str:
    """The line's fields that hold text, and how to read one of them, for the warning about a missing text field."""
    names = [k for k, v in doc.items() if k != text_field and isinstance(v, str)]
    if not names:
        return f" (the line has no string field; its fields: {_few(list(doc))})"
    return f" (the line's string fields: {_few(names)}; to read one, use --text-field NAME)"


def _few(names: list, most: int = 10) -> str:
    shown = ", ".join(json.dumps(str(k), ensure_ascii=False) for k in names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "") if names else "none"


def _meta_value(v: str | int | float | bool) -> str:
    return json.dumps(v) if isinstance(v, bool) else str(v)


def _warning(path: str, message: str) -> Problem:
    """A warning about a whole file (line 0)."""
    return Problem(path, 0, 0, message, level="warning")
