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
    assert path.is_file()
    store.close()
    assert not path.exists()
