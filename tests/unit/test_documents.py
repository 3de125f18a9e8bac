"""Tests for attrib.documents: finding article files, doc ids, decoding, and skipping bad files.

fixtures/articles_bad/ is a salted folder: good articles (good.txt, sub/nested.md,
notes, bom.txt) next to a latin-1 file, a binary file, an empty file, a
whitespace-only file, a .json file and hidden names. Files that git cannot
hold as they are (CRLF text, unreadable, too large) are made in tmp_path.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from attrib.documents import articles_from_jsonl_docs, load_documents
from attrib.model import Article
from attrib.problems import InputError, Problem

BAD = Path(__file__).resolve().parents[2] / "fixtures" / "articles_bad"


def write(root: Path, files: dict[str, bytes | str]) -> Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return root


def ids(articles: tuple[Article, ...]) -> list[str]:
    return [a.doc_id for a in articles]


def messages(problems: tuple[Problem, ...]) -> dict[str, str]:
    """{file name: message} of the problems."""
    return {Path(p.path).name: p.message for p in problems}


# ---------------------------------------------------------------- finding files and doc ids

def test_folder_is_walked_recursively_with_relative_ids(tmp_path):
    write(tmp_path, {"b.txt": "B said so.", "a.text": "A said so.", "sub/deeper/c.md": "C said so.",
                     "sub/d": "D said so.", "x.json": "{}", "y.TXT": "Y said so.", ".hid.txt": "no",
                     ".git/e.txt": "no", "sub/.cache/f.txt": "no"})
    articles, problems = load_documents([tmp_path])
    assert ids(articles) == ["a", "b", "sub/d", "sub/deeper/c", "y"]
    assert problems == ()
    by_id = {a.doc_id: a for a in articles}
    assert by_id["sub/deeper/c"].path == os.path.join(str(tmp_path), "sub", "deeper", "c.md")
    assert by_id["b"].text == "B said so."


@pytest.mark.parametrize("given, expected", [
    ("seeds/000_x.txt", "000_x"),       # a file named directly: its stem
    ("seeds/sub/a.b.txt", "a.b"),       # only the last extension goes
    ("seeds/noext", "noext"),
    ("seeds/data.json", "data"),        # a named file is taken whatever its ending
])
def test_file_given_directly_is_its_stem(tmp_path, monkeypatch, given, expected):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {given: "Someone said something."})
    articles, _ = load_documents([given])
    assert ids(articles) == [expected]
    assert articles[0].path == given


@pytest.mark.parametrize("folder", ["seeds", "seeds/", "./seeds"])
def test_folder_ids_do_not_depend_on_how_the_folder_is_written(tmp_path, monkeypatch, folder):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"seeds/000_x.txt": "x said.", "seeds/sub/a.txt": "a said."})
    articles, _ = load_documents([folder])
    assert ids(articles) == ["000_x", "sub/a"]


def test_globs_take_files_by_stem_and_walk_matched_folders(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"c/one.txt": "1 said.", "c/two.txt": "2 said.", "c/x.json": "{}",
                     "c/deep/three.txt": "3 said.", "d/four.txt": "4 said."})
    assert ids(load_documents(["c/*.txt"])[0]) == ["one", "two"]
    assert ids(load_documents(["c/**/*.txt"])[0]) == ["one", "three", "two"]
    # "d*" matches the folder d/, which is walked
    assert ids(load_documents(["d*"])[0]) == ["four"]


def test_inputs_keep_their_order_and_a_file_named_twice_is_read_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"z/b.txt": "b said.", "z/a.txt": "a said.", "y/c.txt": "c said."})
    articles, problems = load_documents(["z", "y", "z/a.txt", "z/*.txt"])
    assert ids(articles) == ["a", "b", "c"]
    assert problems == ()


def test_duplicate_doc_id_keeps_the_first_and_warns(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"one/a.txt": "first said.", "two/a.md": "second said."})
    articles, problems = load_documents(["one", "two"])
    assert [(a.doc_id, a.text) for a in articles] == [("a", "first said.")]
    assert problems == (Problem(os.path.join("two", "a.md"), 0, 0,
                                f'duplicate doc_id "a" (first read from {os.path.join("one", "a.txt")}); '
                                "article skipped", "warning"),)


@pytest.mark.parametrize("given", ["missing.txt", "missing_folder/", "nothing/*.txt", "**/*.nope"])
def test_input_that_names_nothing_raises(tmp_path, monkeypatch, given):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"ok.txt": "fine, she said."})
    with pytest.raises(InputError) as err:
        load_documents(["ok.txt", given])
    assert str(err.value) == f"no such file, folder or glob match: {given}"


def test_every_missing_input_is_listed_and_nothing_is_read(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as err:
        load_documents(["a.txt", "b/*.txt"])
    assert err.value.lines() == ["no such file, folder or glob match: a.txt\n"
                                 "no such file, folder or glob match: b/*.txt"]


def test_folder_without_article_files_raises(tmp_path):
    write(tmp_path, {"data.json": "{}", ".hidden.txt": "x"})
    with pytest.raises(InputError, match=r"no article files \(\.htm, \.html, \.jsonl, \.md, \.ndjson, \.text, \.txt or no extension, "
                                         r"each maybe \.gz\) in folder"):
        load_documents([tmp_path])


# ---------------------------------------------------------------- decoding

def test_bom_is_dropped(tmp_path):
    write(tmp_path, {"bom.txt": b"\xef\xbb\xbf\xe2\x80\x9cYes,\xe2\x80\x9d she said."})
    (article,), problems = load_documents([tmp_path / "bom.txt"])
    assert article.text == "“Yes,” she said."
    assert problems == ()


@pytest.mark.parametrize("raw", [b"One.\r\nTwo said \"x\".\r\n", b"One.\rTwo.\r", b"a\r\n\r\nb\n"])
def test_newlines_are_kept_as_in_the_file(tmp_path, raw):
    write(tmp_path, {"nl.txt": raw})
    (article,), _ = load_documents([tmp_path / "nl.txt"])
    assert article.text.encode("utf-8") == raw


def test_crlf_offsets_point_into_the_file(tmp_path):
    raw = 'Headline\r\n\r\n"We will appeal," the minister said.\r\n'
    write(tmp_path, {"crlf.txt": raw.encode("utf-8")})
    (article,), _ = load_documents([tmp_path])
    quote = '"We will appeal,"'
    start = raw.index(quote)
    assert article.text[start:start + len(quote)] == quote
    assert len(article.text) == len(raw)


# ---------------------------------------------------------------- the salted folder

def test_salted_folder_loads_good_articles_and_warns_about_bad_ones():
    articles, problems = load_documents([BAD])
    assert ids(articles) == ["bom", "good", "notes", "sub/nested"]
    assert articles[0].text == "“Yes,” she said.\n"
    assert all(p.level == "warning" for p in problems)
    assert messages(problems) == {
        "binary.txt": "binary file (NUL byte in the first 8 KiB); article skipped",
        "blank.txt": "only whitespace; article skipped",
        "empty.txt": "empty file; article skipped",
        "latin1.txt": "not UTF-8 (byte 0xe9); article skipped",
    }


def test_not_utf8_is_reported_at_line_and_column():
    _, problems = load_documents([BAD / "latin1.txt"])
    assert [str(p) for p in problems] == [f"{BAD / 'latin1.txt'}:3:18: not UTF-8 (byte 0xe9); article skipped"]


@pytest.mark.parametrize("raw, line, col", [
    (b"\xff", 1, 1),
    (b"caf\xc3\xa9 \xe9", 1, 6),        # column counts characters, not bytes
    (b"a\r\nb\r\n\xc3\xa9\xc3", 3, 2),  # a sequence cut short at the end
    (b"\xef\xbb\xbfab\x80", 1, 3),      # columns are into the text, after the BOM
])
def test_not_utf8_position(tmp_path, raw, line, col):
    write(tmp_path, {"x.txt": raw})
    _, (problem,) = load_documents([tmp_path / "x.txt"])
    assert (problem.line, problem.col, problem.level) == (line, col, "warning")
    assert problem.message.startswith("not UTF-8 (byte 0x")


def test_binary_only_when_nul_in_first_8_kib(tmp_path):
    write(tmp_path, {"early.txt": b"x" * 8191 + b"\x00", "late.txt": b"x" * 8192 + b"\x00"})
    articles, problems = load_documents([tmp_path])
    assert ids(articles) == ["late"]
    assert messages(problems) == {"early.txt": "binary file (NUL byte in the first 8 KiB); article skipped"}


@pytest.mark.parametrize("size, is_loaded", [(100, True), (101, False)])
def test_too_large(tmp_path, size, is_loaded):
    write(tmp_path, {"big.txt": b"a" * size, "small.txt": b"fine"})
    articles, problems = load_documents([tmp_path], max_bytes=100)
    assert ids(articles) == (["big", "small"] if is_loaded else ["small"])
    if not is_loaded:
        assert problems == (Problem(str(tmp_path / "big.txt"), 0, 0,
                                    "too large (101 bytes; the limit is 100); article skipped", "warning"),)


def test_default_size_limit_is_5_mb(tmp_path):
    write(tmp_path, {"big.txt": b"a" * 5_000_001})
    articles, problems = load_documents([tmp_path])
    assert articles == ()
    assert messages(problems)["big.txt"].startswith("too large (5000001 bytes")


def test_unreadable_file_is_skipped(tmp_path):
    write(tmp_path, {"good.txt": "fine, he said.", "locked.txt": "secret"})
    locked = tmp_path / "locked.txt"
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as root: chmod 000 does not stop this process reading the file")
        articles, problems = load_documents([tmp_path])
    finally:
        locked.chmod(0o644)
    assert ids(articles) == ["good"]
    assert messages(problems) == {"locked.txt": "cannot read file (Permission denied); article skipped"}
    assert problems[0].level == "warning"


def test_broken_link_is_skipped(tmp_path):
    # an unreadable file that root cannot read either
    write(tmp_path, {"good.txt": "fine, he said."})
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    articles, problems = load_documents([tmp_path])
    assert ids(articles) == ["good"]
    assert messages(problems) == {"gone.txt": "cannot read file (No such file or directory); article skipped"}


def test_read_error_is_skipped(tmp_path, monkeypatch):
    import attrib.documents as documents

    def failing_open(*args, **kwargs):
        raise OSError(5, "Input/output error")

    write(tmp_path, {"a.txt": "a said."})
    monkeypatch.setattr(documents, "open", failing_open, raising=False)
    articles, problems = load_documents([tmp_path])
    assert articles == ()
    assert messages(problems) == {"a.txt": "cannot read file (Input/output error); article skipped"}


def test_fifo_is_not_read(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    os.mkfifo(tmp_path / "pipe.txt")
    write(tmp_path, {"a.txt": "a said."})
    articles, problems = load_documents([tmp_path])
    assert ids(articles) == ["a"]
    assert messages(problems) == {"pipe.txt": "not a regular file; article skipped"}


# ---------------------------------------------------------------- gold documents

def test_articles_from_jsonl_docs():
    docs = [{"doc_id": "d1", "text": "A said.\r\n", "quotes": []}, {"doc_id": "d2", "text": "B said."}]
    assert articles_from_jsonl_docs(docs) == (Article("d1", "<gold>:d1", "A said.\r\n"),
                                              Article("d2", "<gold>:d2", "B said."))
    assert articles_from_jsonl_docs(docs[:1], source="gold.jsonl")[0].path == "gold.jsonl:d1"


@pytest.mark.parametrize("docs, message", [
    ([{"text": "x"}], '<gold>: document 1 has no string "doc_id"'),
    ([{"doc_id": "a", "text": "x"}, {"doc_id": "b"}], '<gold>: document 2 ("b") has no string "text"'),
    ([{"doc_id": "a", "text": "x"}, {"doc_id": "a", "text": "y"}], '<gold>: document 2 repeats doc_id "a"'),
])
def test_articles_from_bad_jsonl_docs(docs, message):
    with pytest.raises(InputError) as err:
        articles_from_jsonl_docs(docs)
    assert str(err.value) == message


# ---------------------------------------------------------------- HTML, JSON Lines, gzip, stdin

INPUTS = Path(__file__).resolve().parents[2] / "fixtures" / "inputs"


def items_of(inputs, **options):
    from attrib.documents import InputOptions, iter_documents, plan_inputs

    return list(iter_documents(plan_inputs(inputs), InputOptions(**options)))


def test_html_main_text_without_scripts_or_navigation():
    [article] = items_of([INPUTS / "crossing.html"])
    assert article.doc_id == "crossing"
    assert '"The crossing will open for trade on Monday morning' in article.text
    assert "tracker" not in article.text and "footer script" not in article.text and "Sport" not in article.text
    assert dict(article.meta) == {"title": "Border crossing to reopen next week, officials say",
                                  "outlet": "Example Daily"}


def test_jsonl_articles_carry_their_metadata():
    articles = items_of([INPUTS / "wire.jsonl"])
    assert [(a.doc_id, a.path) for a in articles] == [
        ("wire-001", f"{INPUTS / 'wire.jsonl'}:1"), ("wire-002", f"{INPUTS / 'wire.jsonl'}:2"),
        ("wire-003", f"{INPUTS / 'wire.jsonl'}:3")]
    assert dict(articles[0].meta) == {"date": "2024-03-01", "outlet": "Example Wire",
                                      "title": "Minister promises new clinics", "url": "https://example.org/wire-001"}


def test_jsonl_fields_can_be_named(tmp_path):
    write(tmp_path, {"f.jsonl": '{"key": 7, "body": "A said so.", "lang": "en", "tags": ["x"]}\n{"body": "B said."}\n'})
    a, b = items_of([tmp_path / "f.jsonl"], text_field="body", id_field="key")
    assert (a.doc_id, a.text, a.meta) == ("7", "A said so.", (("lang", "en"),))  # lists are not metadata
    assert b.doc_id == "f:2"  # no id: the file's id and the line


@pytest.mark.parametrize("line, message", [
    ('{"id": "x", "text": ', "1:21: not JSON (Expecting value); article skipped"),
    ('["a list"]', "1:1: not a JSON object (list); article skipped"),
    ('{"id": "x", "body": "Hi.", "n": 1}', '1:1: no "text" field (the line\'s string fields: "id", "body"; to read '
                                          'one, use --text-field NAME); article skipped'),  # issue 19
    ('{"n": 1}', '1:1: no "text" field (the line has no string field; its fields: "n"); article skipped'),
    ('{"text": 3}', '1:1: a int, not a string, as "text" field (the line has no string field; its fields: '
                    '"text"); article skipped'),
    ('{"id": "x", "text": "  "}', '1:1: empty "text"; article skipped'),
    ('{"id": "x", "text": "' + "y" * 200 + '"}', "1:1: too large (line of more than 100 bytes); article skipped"),
])
def test_bad_jsonl_lines_are_skipped_with_their_place(tmp_path, line, message):
    write(tmp_path, {"f.jsonl": line + '\n{"id": "ok", "text": "Fine, she said."}\n'})
    problem, ok = items_of([tmp_path / "f.jsonl"], max_bytes=100)
    assert str(problem) == f"{tmp_path / 'f.jsonl'}:{message}"
    assert ok.doc_id == "ok"


def test_gzip_files_are_read_by_their_content():
    [flood] = items_of([INPUTS / "flood.txt.gz"])
    assert (flood.doc_id, flood.text.splitlines()[0]) == ("flood", "Flood waters recede")
    [port] = items_of([INPUTS / "wire_more.jsonl.gz"])
    assert port.doc_id == "wire-004"


def test_folder_walk_takes_every_format_in_order():
    assert [a.doc_id for a in items_of([INPUTS])] == ["crossing", "flood", "wire-001", "wire-002", "wire-003",
                                                      "wire-004"]


@pytest.mark.parametrize("data, expected", [
    (b'{"id": "s1", "text": "A said."}\n{"id": "s2", "text": "B said."}\n', [("s1", "A said."), ("s2", "B said.")]),
    (b"Plain text, he said.\n", [("stdin", "Plain text, he said.\n")]),
])
def test_stdin(data, expected):
    import gzip
    import io

    from attrib.documents import iter_documents, plan_inputs

    for raw in (data, gzip.compress(data)):
        got = list(iter_documents(plan_inputs(["-"]), stdin=io.BytesIO(raw)))
        assert [(a.doc_id, a.text) for a in got] == expected


def test_documents_stream_one_at_a_time(tmp_path):
    from attrib.documents import iter_documents, plan_inputs

    write(tmp_path, {"a.txt": "A said.", "b.txt": "B said."})
    stream = iter_documents(plan_inputs([tmp_path]))
    assert next(stream).doc_id == "a"
    (tmp_path / "b.txt").write_text("B changed, she said.")  # read only when reached
    assert next(stream).text == "B changed, she said."
