"""store: a run's quotes, articles and stances in SQLite, read back in the final files' orders."""
from __future__ import annotations

import json
from pathlib import Path

from attrib.store import Store


def _quote(doc: str, start: int, speaker: str | None = None) -> str:
    sp = None if speaker is None else {"id": speaker, "name": speaker, "mention": None, "start": None, "end": None,
                                       "kind": "person", "role": None, "affiliation": None, "affiliations": []}
    return json.dumps({"doc_id": doc, "id": f"{doc}:{start}-{start + 5}", "text": "“Hi.”", "start": start,
                       "end": start + 5, "type": "direct", "cue": None, "speaker": sp, "outlet": None,
                       "rule": "quote.x"})


def _stance(doc: str, start: int, rule: str) -> str:
    return json.dumps({"doc_id": doc, "quote": f"{doc}:{start}-{start + 5}", "start": start, "end": start + 5,
                       "relation": "disputes", "target": None, "answers": None,
                       "evidence": {"text": "denies", "start": 0, "end": 6}, "sentence": {"start": 0, "end": 9},
                       "rule": rule})


def test_quotes_come_back_by_doc_id_then_input_order() -> None:
    store = Store()
    # input order: doc "b" (two quotes, the later one first in the text), then "a:b" (a colon), then "a"
    store.add_quotes([_quote("b", 40, "person:x"), _quote("b", 10)])
    store.add_quotes([_quote("a:b", 5) + "\n", ""])
    store.add_quotes([_quote("a", 7, "person:y")])
    lines = [json.loads(line) for line in store.quote_lines()]
    assert [(q["doc_id"], q["start"]) for q in lines] == [("a", 7), ("a:b", 5), ("b", 40), ("b", 10)]
    assert store.quotes == 4
    assert store.db.execute("SELECT i, sid FROM quote ORDER BY i").fetchall() == [
        (0, "person:x"), (1, None), (2, None), (3, "person:y")]


def test_stances_come_back_by_doc_quote_and_rule() -> None:
    store = Store()
    store.add_stances([_stance("b", 3, "stance.z"), _stance("a", 9, "stance.y"), _stance("a", 9, "stance.x"),
                       _stance("a", 2, "stance.z")])
    order = [(s["doc_id"], s["start"], s["rule"]) for s in map(json.loads, store.stance_lines())]
    assert order == [("a", 2, "stance.z"), ("a", 9, "stance.x"), ("a", 9, "stance.y"), ("b", 3, "stance.z")]


def test_a_file_store_is_filled_from_a_run_folder_and_removed_on_close(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    (run / "quotes.jsonl").write_text(_quote("d1", 0) + "\n" + _quote("d2", 3, "person:x") + "\n", encoding="utf-8")
    (run / "articles.jsonl").write_text(json.dumps({"doc_id": "d1", "chars": 9}) + "\n", encoding="utf-8")
    # no stances.jsonl: a run made before that file existed
    path = tmp_path / "corpus.sqlite"
    store = Store.from_run(run, path)
    assert (store.quotes, store.articles, store.stances) == (2, 1, 0)
    assert store.quote_types == {"direct": 2}
    # the summary's column; a line without "nlp" (hand-made) counts as none
    assert store.db.execute("SELECT doc, nlp FROM article").fetchall() == [("d1", "")]
    assert path.is_file()
    store.close()
    assert not path.exists()


def test_columns_are_the_lines_fields_whoever_gives_them() -> None:
    """The workers give each line's columns (``quote_columns``); a resume parses them out of the lines: one table."""
    from attrib.rundir import speaker_from_key, speaker_from_record
    from attrib.store import quote_columns, stance_columns
    from attrib.text import normalise_quote

    lines = [_quote("b", 40, "person:x"), _quote("b", 10), _quote("a", 7, "person:y")]
    stances = [_stance("b", 40, "stance.z")]
    parsed, given = Store(), Store()
    parsed.add_quotes(lines)
    parsed.add_stances(stances)
    given.add_quote_rows((*quote_columns(json.loads(line)), line) for line in lines)
    given.add_stance_rows((*stance_columns(json.loads(line)), line) for line in stances)
    for table in ("quote", "stance"):
        rows = parsed.db.execute(f"SELECT * FROM {table} ORDER BY i").fetchall()
        assert rows == given.db.execute(f"SELECT * FROM {table} ORDER BY i").fetchall()
    (i, doc, start, end, sid, spk, name, mention, text, norm, qtype, rule, outlet, line) = parsed.db.execute(
        "SELECT * FROM quote WHERE i = 0").fetchone()
    rec = json.loads(lines[0])
    assert (i, doc, start, end, sid, name, mention) == (0, "b", 40, 45, "person:x", "person:x", None)
    assert speaker_from_key(spk) == speaker_from_record(rec["speaker"])[0]
    assert (text, norm, qtype, rule, outlet, line) == ("“Hi.”", normalise_quote("“Hi.”"), "direct", "quote.x", None,
                                                       lines[0])
    assert parsed.db.execute("SELECT sid, spk, name, mention FROM quote WHERE i = 1").fetchone() == (None,) * 4
