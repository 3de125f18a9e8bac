"""The pre-parsed source (``attrib.annotations``): the index of CoNLL-U files, reading one document, and what
is wrong with a file, each at its ``path:line:col``; files written by stanza's writer from Documents built by hand."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from attrib.annotations import NLP_NAME, PreParsed, scan_annotations
from attrib.engine import NlpConfig, Processor, work_items
from attrib.model import Article
from attrib.nlp import from_stanza_document
from attrib.problems import InputError

from conllu_docs import ROE, ROE_PARSE, UNION, UNION_PARSE, conllu, line_of, parsed

ROE_DOC, UNION_DOC = parsed(ROE, ROE_PARSE), parsed(UNION, UNION_PARSE)
GOOD = conllu([("roe", ROE_DOC), ("union", UNION_DOC)])


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")
    return path


def annotate(index_path: Path, article: Article, ruleset):
    return PreParsed(scan_annotations(index_path), ruleset).annotate(article)


def test_the_writer_opens_each_document_with_its_id_and_keeps_offsets_and_ner() -> None:
    lines = GOOD.split("\n")
    assert lines[0] == "# newdoc id = roe"
    assert "# newdoc id = union" in lines
    jane = lines[line_of(GOOD, "roe", "2\tJane\t") - 1].split("\t")
    assert (jane[1], jane[3], jane[6], jane[7]) == ("Jane", "PROPN", "4", "nsubj")
    assert "start_char=6|end_char=10" in jane[9] and "ner=B-PERSON" in jane[9]


def test_a_good_file_gives_what_the_document_itself_gives(tmp_path: Path, ruleset) -> None:
    path = write(tmp_path / "ann.conllu", GOOD)
    index = scan_annotations(path)
    assert sorted(index.blocks) == ["roe", "union"] and index.problems == ()
    for doc_id, doc in (("roe", ROE_DOC), ("union", UNION_DOC)):
        article = Article(doc_id, f"{doc_id}.txt", doc.text)
        annotated, problems = PreParsed(index, ruleset).annotate(article)
        assert problems == ()
        assert annotated == dataclasses.replace(from_stanza_document(article, doc, ruleset), nlp=NLP_NAME)
        assert annotated.has_pos and annotated.has_deps and annotated.has_ner
    roe, _ = PreParsed(index, ruleset).annotate(Article("roe", "roe.txt", ROE))
    assert [(e.text, e.label) for e in roe.entities if e.source == "ner"] == [("Jane Roe", "PERSON"), ("May", "DATE")]
    assert [(t.text, t.head, t.deprel) for t in roe.sentences[0].tokens[1:4]] == [
        ("Jane", 4, "nsubj"), ("Roe", 2, "flat"), ("said", 0, "root")]


def test_a_folder_reads_every_conllu_file_below_it(tmp_path: Path, ruleset) -> None:
    write(tmp_path / "ann" / "a.conllu", conllu([("roe", ROE_DOC)]))
    write(tmp_path / "ann" / "more" / "b.conllu", conllu([("union", UNION_DOC)]))
    write(tmp_path / "ann" / "notes.txt", "# newdoc id = other\n")
    index = scan_annotations(tmp_path / "ann")
    assert {k: Path(b.path).name for k, b in index.blocks.items()} == {"roe": "a.conllu", "union": "b.conllu"}
    annotated, problems = annotate(tmp_path / "ann", Article("union", "u.txt", UNION), ruleset)
    assert problems == () and annotated.nlp == NLP_NAME


def test_the_digest_follows_the_bytes(tmp_path: Path) -> None:
    path = write(tmp_path / "ann.conllu", GOOD)
    before = scan_annotations(path).digest
    write(path, GOOD.replace("ner=S-DATE", "ner=O"))
    assert scan_annotations(path).digest != before


@pytest.mark.parametrize("given, message", [("nothing.conllu", "no such file or folder (for --annotations)"),
                                            ("empty", "no .conllu file in this folder (for --annotations)")])
def test_a_path_that_names_no_annotations_is_an_input_error(tmp_path: Path, given: str, message: str) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError) as e:
        scan_annotations(tmp_path / given)
    assert str(e.value) == f"{tmp_path / given}: {message}"


def test_a_missing_document_is_a_warning_at_the_annotations_path(tmp_path: Path, ruleset) -> None:
    path = write(tmp_path / "ann.conllu", conllu([("roe", ROE_DOC)]))
    annotated, problems = annotate(path, Article("union", "corpus/union.txt", UNION), ruleset)
    assert annotated is None
    assert [(p.path, p.line, p.level) for p in problems] == [(str(path), 0, "warning")]
    assert str(problems[0]) == (f'{path}: no document "union" (the article read from corpus/union.txt); '
                                "the article is annotated by the --nlp annotator instead")


def test_tokens_that_do_not_slice_the_text_point_at_the_first_such_token(tmp_path: Path, ruleset) -> None:
    path = write(tmp_path / "ann.conllu", GOOD)
    changed = UNION.replace("Metro", "Metra")
    annotated, problems = annotate(path, Article("union", "u.txt", changed), ruleset)
    assert annotated is None
    line = line_of(GOOD, "union", "2\tMetro\t")
    col = GOOD.split("\n")[line - 1].index("start_char=") + 1
    assert [(p.path, p.line, p.col) for p in problems] == [(str(path), line, col)]
    assert "token \"Metro\" is not the article's text at 4-9 ('Metra')" in problems[0].message


def test_a_token_without_offsets_is_reported_at_its_line(tmp_path: Path, ruleset) -> None:
    line = line_of(GOOD, "roe", "3\tRoe\t")
    lines = GOOD.split("\n")
    lines[line - 1] = lines[line - 1].replace("start_char=11|end_char=14|", "")
    path = write(tmp_path / "ann.conllu", "\n".join(lines))
    annotated, problems = annotate(path, Article("roe", "roe.txt", ROE), ruleset)
    assert annotated is None
    assert (problems[0].line, problems[0].message.split(";")[0]) == (line, 'token "Roe" has no start_char/end_char in MISC')


@pytest.mark.parametrize("damage, expected", [
    (lambda fields: fields[:3], "expecting 10 fields, 3 found"),  # a line cut short
    (lambda fields: fields[:6] + ["X"] + fields[7:], "invalid literal for int() with base 10: 'X'"),  # HEAD
])
def test_a_malformed_document_is_reported_at_its_line_and_the_others_still_read(tmp_path: Path, ruleset, damage,
                                                                                expected: str) -> None:
    line = line_of(GOOD, "union", "7\tstrike\t")
    lines = GOOD.split("\n")
    lines[line - 1] = "\t".join(damage(lines[line - 1].split("\t")))
    path = write(tmp_path / "ann.conllu", "\n".join(lines))
    annotated, problems = annotate(path, Article("union", "u.txt", UNION), ruleset)
    assert annotated is None
    assert [(p.path, p.line, p.col, p.level) for p in problems] == [(str(path), line, 1, "warning")]
    assert problems[0].message.startswith(f"stanza's CoNLL-U reader: {expected}")
    assert annotate(path, Article("roe", "roe.txt", ROE), ruleset)[0] is not None


def test_bytes_that_are_not_utf8_are_reported_where_they_are(tmp_path: Path, ruleset) -> None:
    line = line_of(GOOD, "roe", "6\tbridge\t")
    data = GOOD.encode().replace(b"\tbridge\t", b"\tbr\xe9dge\t")
    path = tmp_path / "ann.conllu"
    path.write_bytes(data)
    annotated, problems = annotate(path, Article("roe", "roe.txt", ROE), ruleset)
    assert annotated is None
    assert (problems[0].line, problems[0].col) == (line, len("6\tbr") + 1)
    assert problems[0].message.startswith("not UTF-8 (byte 0xe9)")


def test_a_repeated_id_keeps_the_first_document_with_a_warning(tmp_path: Path, ruleset) -> None:
    # the second "roe" is the union's parse: were it used, the tokens would not slice the roe article
    text = GOOD + conllu([("roe", UNION_DOC)])
    path = write(tmp_path / "ann.conllu", text)
    index = scan_annotations(path)
    second = text.split("\n").index("# newdoc id = roe", 1) + 1
    assert [(p.line, p.col, p.level) for p in index.problems] == [(second, 15, "warning")]
    assert index.problems[0].message == (f'document id "roe" again (first at {path}:1); the first one is used')
    annotated, problems = PreParsed(index, ruleset).annotate(Article("roe", "roe.txt", ROE))
    assert problems == () and annotated is not None


def test_a_repeated_id_across_files_keeps_the_first_file_s(tmp_path: Path) -> None:
    write(tmp_path / "ann" / "a.conllu", conllu([("roe", ROE_DOC)]))
    write(tmp_path / "ann" / "b.conllu", conllu([("union", UNION_DOC), ("roe", ROE_DOC)]))
    index = scan_annotations(tmp_path / "ann")
    assert Path(index.blocks["roe"].path).name == "a.conllu"
    assert [(Path(p.path).name, p.line) for p in index.problems] == [("b.conllu", line_of(
        conllu([("union", UNION_DOC), ("roe", ROE_DOC)]), "roe", "# newdoc"))]


def test_tokens_before_the_first_document_are_reported_and_not_read(tmp_path: Path) -> None:
    stray = "# sent_id = 9\n1\tHello\thello\tINTJ\t_\t_\t0\troot\t_\tstart_char=0|end_char=5\n\n"
    path = write(tmp_path / "ann.conllu", stray + GOOD)
    index = scan_annotations(path)
    assert [(p.line, p.col) for p in index.problems] == [(2, 1)]
    assert "belong to no document" in index.problems[0].message
    assert sorted(index.blocks) == ["roe", "union"]


def test_the_processor_falls_back_and_keeps_the_warning_with_the_article(tmp_path: Path, ruleset) -> None:
    path = write(tmp_path / "ann.conllu", conllu([("roe", ROE_DOC)]))
    processor = Processor(ruleset, NlpConfig("builtin", annotations=str(path)))
    roe, union = processor.run(list(work_items([Article("roe", "roe.txt", ROE), Article("union", "u.txt", UNION)])))
    assert '"nlp": "conllu"' in roe.article and roe.problem_list() == []
    assert '"nlp": "builtin"' in union.article
    assert [(p.path, p.level) for p in union.problem_list()] == [(str(path), "warning")]
    assert union.quotes  # the built-in annotator's quotes: the run goes on


def test_an_article_over_its_budget_keeps_the_warning_about_its_parse(tmp_path: Path, ruleset) -> None:
    path = write(tmp_path / "ann.conllu", conllu([("roe", ROE_DOC)]))
    big = Article("big", "big.txt", UNION * 5000)  # no parse: the built-in annotator's, within the budget
    out, = Processor(ruleset, NlpConfig("builtin", annotations=str(path)), article_timeout=0.001).run(
        list(work_items([big])))
    assert out.doc_id is None
    assert [(p.path, p.message.split(";")[0]) for p in out.problem_list()] == [
        (str(path), 'no document "big" (the article read from big.txt)'),
        ("big.txt", "took more than 0.001 s in the per-article stages (--article-timeout)")]


def test_a_document_without_tokens_or_without_an_id(tmp_path: Path, ruleset) -> None:
    text = "# newdoc id = empty\n# text = nothing\n\n" + GOOD + "# newdoc id = \n"
    path = write(tmp_path / "ann.conllu", text)
    index = scan_annotations(path)
    assert [(p.line, p.message) for p in index.problems] == [
        (len(text.split("\n")) - 1, "a document without an id; not read")]
    annotated, problems = PreParsed(index, ruleset).annotate(Article("empty", "empty.txt", "Nothing."))
    assert annotated is None and (problems[0].line, problems[0].message.split(";")[0]) == (
        1, 'document "empty" holds no tokens')
    assert PreParsed(index, ruleset).annotate(Article("roe", "roe.txt", ROE))[0] is not None


@pytest.mark.models
def test_with_stanza_parsed_articles_skip_stanza_and_its_cache_and_reach_the_workers_as_bases(
        tmp_path: Path, ruleset, stanza_dir: Path) -> None:
    from attrib.nlp import StanzaAnnotator

    path = write(tmp_path / "ann.conllu", conllu([("roe", ROE_DOC)]))
    articles = [Article("roe", "roe.txt", ROE), Article("union", "u.txt", UNION)]
    config = NlpConfig("stanza", str(stanza_dir), str(tmp_path / "cache"), str(path))
    parent = Processor(ruleset, config, StanzaAnnotator(ruleset, stanza_dir))
    whole = parent.run(list(work_items(articles)))
    assert ['"nlp": "conllu"' in o.article for o in whole] == [True, False]
    assert '"nlp": "stanza"' in whole[1].article
    # only the article without a parse went through stanza and into the cache
    assert (parent.stats.hits, parent.stats.misses) == (0, 1)
    assert len(list((tmp_path / "cache").rglob("*.ann"))) == 1
    # with worker processes the parent annotates and a worker (built-in, as _worker_main makes it) finishes
    items = parent.with_bases(list(work_items(articles)))
    assert [w.base.nlp for w in items] == ["conllu", "stanza"]
    worker = Processor(ruleset, NlpConfig("builtin", annotations=str(path)))
    assert worker.run(items) == whole
