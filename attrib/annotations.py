"""Annotate from a file: CoNLL-U parses (the form stanza writes) -> Annotated; and the writer of ``attrib annotate``.

The annotate stage's pre-parsed source (``attrib run/eval --annotations PATH``, PATH a
``.conllu`` file or a folder of them). ``scan_annotations`` reads each file once, as
bytes, for its ``# newdoc id = DOC_ID`` lines: an index doc_id -> ``Block`` (the file,
the line the document starts at, its bytes). ``PreParsed.annotate`` reads only the block
an article asks for, with stanza's own CoNLL-U reader, checks that every token slices the
article's text (``text[start_char:end_char] == FORM``, offsets from MISC), builds the
entities from the ``ner=`` BIOES tags and converts the document with
``nlp.from_stanza_document``; the result's ``nlp`` is ``"conllu"``.

What is not usable is a warning at ``path:line:col`` (the CoNLL-U file and the line in
it), and the article is annotated by the ``--nlp`` annotator instead; nothing stops a run:

- an article whose doc_id has no document in PATH: one warning per article, at PATH (a
  corpus may be parsed in part);
- a document stanza's reader refuses, that is not UTF-8, that holds no token, or whose
  tokens do not slice the article's text: a warning at the line at fault;
- a doc_id that names two documents: the first one is used, a warning at each later one;
  lines of tokens before a file's first ``# newdoc id`` line: a warning, and not read.
"""
from __future__ import annotations

import dataclasses
import hashlib
import mmap
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, TextIO

from .model import Annotated, Article
from .nlp import from_stanza_document
from .problems import InputError, Problem
from .ruleset import RuleSet

#: the line that opens a document, as stanza writes it and its reader splits documents at it
NEWDOC = "# newdoc id = "
_NEWDOC = NEWDOC.encode()
#: the files a folder of annotations is read for
SUFFIX = ".conllu"
#: ``Annotated.nlp`` (and articles.jsonl's ``nlp``) of an article annotated from the file
NLP_NAME = "conllu"
_INSTEAD = "the article is annotated by the --nlp annotator instead"
_TOKEN_LINE = re.compile(rb"^[ \t]*[^#\s]", re.M)  # a line that is neither blank nor a comment


@dataclass(frozen=True)
class Block:
    """Where one document's parse lies: its file, the 1-based line of its ``# newdoc id`` line, and its bytes."""

    doc_id: str
    path: str
    line: int
    start: int  # byte offset of the ``# newdoc id`` line
    end: int  # byte offset after the document's last line


@dataclass(frozen=True)
class AnnotationIndex:
    """The documents of a CoNLL-U file or folder by doc_id, what scanning found wrong, and a digest of the bytes."""

    path: str  # as given
    blocks: Mapping[str, Block]
    digest: str  # SHA-256 of the files' names and bytes (what a resume must find unchanged)
    problems: tuple[Problem, ...]

    def note(self, fallback: str) -> str:
        """The line on stderr that says what the annotations hold and what annotates the other articles."""
        return (f"annotations: {len(self.blocks):,} parsed documents in {self.path} (an article without a usable "
                f"one: {fallback})")

    def settings(self) -> dict[str, str]:
        """What a run's manifest records of the annotations (a resume with others is refused)."""
        return {"path": self.path, "sha256": self.digest}


def conllu_files(path: str | os.PathLike) -> list[Path]:
    """PATH itself when it is a file, else the ``*.conllu`` files below the folder, sorted.

    Raises:
        InputError: PATH is neither, or its folder holds no ``.conllu`` file.
    """
    p = Path(path)
    if p.is_file():
        return [p]
    if p.is_dir():
        files = sorted(f for f in p.rglob(f"*{SUFFIX}") if f.is_file())
        if not files:
            raise InputError(f"{path}: no {SUFFIX} file in this folder (for --annotations)")
        return files
    raise InputError(f"{path}: no such file or folder (for --annotations)")


def scan_annotations(path: str | os.PathLike) -> AnnotationIndex:
    """Index the documents of a CoNLL-U file, or of the ``*.conllu`` files in a folder, reading each file once.

    Raises:
        InputError: PATH names no CoNLL-U file, or one cannot be read.
    """
    blocks: dict[str, Block] = {}
    problems: list[Problem] = []
    digest = hashlib.sha256()
    for f in conllu_files(path):
        digest.update(str(f).encode("utf-8", "surrogateescape") + b"\0")
        try:
            with open(f, "rb") as fh:
                if os.fstat(fh.fileno()).st_size == 0:
                    problems.append(Problem(str(f), 0, 0, "empty file: no documents", "warning"))
                    continue
                with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
                    digest.update(data)
                    _scan_file(str(f), data, blocks, problems)
        except OSError as e:
            raise InputError(f"{f}: cannot read ({e.strerror or e}) (for --annotations)") from None
    return AnnotationIndex(str(path), blocks, digest.hexdigest(), tuple(problems))


def _scan_file(path: str, data: Any, blocks: dict[str, Block], problems: list[Problem]) -> None:
    """Add the file's documents to ``blocks`` (``data``: its bytes, an mmap)."""
    starts = list(_newdoc_offsets(data))
    head = data[:starts[0] if starts else len(data)]
    stray = _TOKEN_LINE.search(head)
    if stray:
        problems.append(Problem(path, head.count(b"\n", 0, stray.start()) + 1, 1,
                                f'lines of tokens before the first "{NEWDOC}DOC_ID" line belong to no document; '
                                "not read", "warning"))
    line = head.count(b"\n") + 1
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(data)
        eol = data.find(b"\n", start, end)
        doc_id = data[start + len(_NEWDOC):end if eol < 0 else eol].rstrip(b"\r").decode("utf-8", "replace")
        if not doc_id.strip():
            problems.append(Problem(path, line, len(NEWDOC) + 1, "a document without an id; not read", "warning"))
        elif doc_id in blocks:
            first = blocks[doc_id]
            problems.append(Problem(path, line, len(NEWDOC) + 1,
                                    f'document id "{doc_id}" again (first at {first.path}:{first.line}); '
                                    "the first one is used", "warning"))
        else:
            blocks[doc_id] = Block(doc_id, path, line, start, end)
        line += data[start:end].count(b"\n")


def _newdoc_offsets(data: Any) -> Iterator[int]:
    """Where each ``# newdoc id = `` line starts."""
    if data[:len(_NEWDOC)] == _NEWDOC:
        yield 0
    at = data.find(b"\n" + _NEWDOC)
    while at >= 0:
        yield at + 1
        at = data.find(b"\n" + _NEWDOC, at + 1)


class _Unusable(Exception):
    """A document that cannot annotate its article; ``problem`` says where and why."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


class PreParsed:
    """The annotate stage's pre-parsed source: each article's parse from the indexed CoNLL-U files."""

    name = NLP_NAME

    def __init__(self, index: AnnotationIndex, rules: RuleSet):
        self.index = index
        self.rules = rules

    def annotate(self, article: Article) -> tuple[Annotated | None, tuple[Problem, ...]]:
        """The article annotated from its parse; or None and the problem that says why it has no usable one."""
        block = self.index.blocks.get(article.doc_id)
        if block is None:
            return None, (Problem(self.index.path, 0, 0, f'no document "{article.doc_id}" (the article read from '
                                                         f'{article.path}); {_INSTEAD}', "warning"),)
        try:
            doc = read_document(block, article.text)
        except _Unusable as e:
            return None, (e.problem,)
        annotated = from_stanza_document(article, doc, self.rules)
        return dataclasses.replace(annotated, nlp=NLP_NAME), ()


def read_document(block: Block, text: str) -> Any:
    """The block's document as stanza's CoNLL-U reader makes it, checked against the article's ``text``,
    with ``text`` and the entities of its ``ner`` tags set.

    Raises:
        _Unusable: the block cannot be read, or its tokens do not slice ``text``.
    """
    from stanza.utils.conll import CoNLL  # heavy: stanza imports torch

    try:
        with open(block.path, "rb") as f:
            f.seek(block.start)
            data = f.read(block.end - block.start)
    except OSError as e:
        raise _Unusable(_problem(block, 1, 1, f"cannot read ({e.strerror or e})")) from None
    try:
        conllu = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise _Unusable(_problem(block, line, col, f"not UTF-8 (byte 0x{data[e.start]:02x})")) from None
    try:
        doc = CoNLL.conll2doc(input_str=conllu, keep_line_numbers=True)
    except Exception as e:  # noqa: BLE001 - whatever stanza's reader raises on bad input is the file's problem
        line, message = _reader_error(conllu, e)
        raise _Unusable(_problem(block, line, 1, f"stanza's CoNLL-U reader: {message}")) from None
    tokens = [t for s in doc.sentences for t in s.tokens]
    if not tokens:
        raise _Unusable(_problem(block, 1, 1, f'document "{block.doc_id}" holds no tokens'))
    for t in tokens:
        line = t.line_number + 1  # the reader's 0-based line in the block
        if t.start_char is None or t.end_char is None:
            raise _Unusable(_problem(block, line, _misc_column(conllu, line, ""),
                                     f'token "{t.text}" has no start_char/end_char in MISC'))
        if text[t.start_char:t.end_char] != t.text:
            raise _Unusable(_problem(
                block, line, _misc_column(conllu, line, "start_char="),
                f'token "{t.text}" is not the article\'s text at {t.start_char}-{t.end_char} '
                f'({text[t.start_char:t.end_char]!r}): this parse is not of article "{block.doc_id}" as read'))
    doc.text = text
    try:
        doc.build_ents()  # the reader builds no entities
    except (TypeError, ValueError, IndexError, KeyError) as e:
        raise _Unusable(_problem(block, 1, 1, f"the ner tags cannot be read ({e})")) from None
    return doc


def _problem(block: Block, line: int, col: int, message: str) -> Problem:
    """A warning at ``line`` of the block (1 = its ``# newdoc id`` line), in its file's lines."""
    return Problem(block.path, block.line + line - 1, col, f"{message}; {_INSTEAD}", "warning")


def _misc_column(conllu: str, line: int, key: str) -> int:
    """The 1-based column of ``key`` in the MISC field of the block's ``line`` (of the field, when absent)."""
    fields = conllu.split("\n")[line - 1].split("\t")
    col = len("\t".join(fields[:9])) + 2 if len(fields) >= 10 else 1
    at = fields[9].find(key) if key and len(fields) >= 10 else -1
    return col + max(at, 0)


_FIELDS_ERROR = re.compile(r"Cannot parse CoNLL line (\d+): (expecting \d+ fields, \d+ found)")
_TOKEN_ERROR = re.compile(r"sent(?:ence |_idx )(\d+),? token(?: |_idx )(\d+)")


def _reader_error(conllu: str, error: BaseException) -> tuple[int, str]:
    """The block's line (1-based) that stanza's reader stopped at, and what it said, from its exception.

    The reader wraps its errors: the one that names the place ("Cannot parse CoNLL line 7: ...", "Could not
    process sentence 2 token 4: ...") may be inside another and hold the error that says what is wrong.
    """
    chain = [error]
    while chain[-1].__cause__ is not None:
        chain.append(chain[-1].__cause__)
    what = (str(chain[-1]).strip() or type(chain[-1]).__name__).splitlines()
    for e in chain:
        m = _FIELDS_ERROR.search(str(e))
        if m:
            return int(m.group(1)), m.group(2) + " (CoNLL-U has 10 tab-separated fields)"
        m = _TOKEN_ERROR.search(str(e))
        if m:
            return _token_line(conllu, int(m.group(1)), int(m.group(2))), what[-1]
    return 1, what[0]


def _token_line(conllu: str, sentence: int, token: int) -> int:
    """The 1-based line of token ``token`` of sentence ``sentence`` (0-based), counted as stanza's reader
    counts them: comments and empty nodes (ids with a ".") are not tokens; a blank line ends a sentence."""
    s = t = 0
    open_sentence = False
    for i, line in enumerate(conllu.split("\n")):
        line = line.strip()
        if not line:
            if open_sentence:
                s, t, open_sentence = s + 1, 0, False
            continue
        if line.startswith("#") or "." in line.split("\t", 1)[0]:
            continue
        open_sentence = True
        if (s, t) == (sentence, token):
            return i + 1
        t += 1
    return 1


# ---------------------------------------------------------------- attrib annotate: the writer


@dataclass(frozen=True)
class AnnotateResult:
    """What ``write_conllu`` wrote: documents, sentences and tokens."""

    documents: int
    sentences: int
    tokens: int


def write_conllu(articles: Iterable[Article], parse: Callable[[list[str]], list[Any]], out: TextIO,
                 batch_size: int, on_batch: Callable[[int], None] = lambda n: None) -> AnnotateResult:
    """Write each article's stanza parse to ``out`` in CoNLL-U with stanza's writer, each opening with
    ``# newdoc id = DOC_ID`` (MISC: start_char/end_char, and ner where a NER model ran).

    Args:
        articles: the articles, in input order.
        parse: stanza's Documents of some texts (``nlp.parse_texts`` with a pipeline).
        out: the text stream to write to.
        batch_size: articles parsed at once.
        on_batch: called with the number of articles of each batch written.
    """
    documents = sentences = tokens = 0
    batch: list[Article] = []

    def flush() -> None:
        nonlocal documents, sentences, tokens
        for article, doc in zip(batch, parse([a.text for a in batch])):
            out.write(f"{NEWDOC}{article.doc_id}\n{doc:C}\n\n")
            documents += 1
            sentences += len(doc.sentences)
            tokens += sum(len(s.tokens) for s in doc.sentences)
        on_batch(len(batch))
        batch.clear()

    for article in articles:
        batch.append(article)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return AnnotateResult(documents, sentences, tokens)


def writable_id(doc_id: str) -> bool:
    """Whether a doc_id can stand on a ``# newdoc id`` line and be read back as it is."""
    return bool(doc_id.strip()) and "\n" not in doc_id and "\r" not in doc_id
