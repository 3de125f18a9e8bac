"""quotes.csv: UTF-8 with a BOM, CRLF row ends, line breaks kept inside cells, formulas defused."""
from __future__ import annotations

import csv
import io

from attrib.quotes_csv import COLUMNS, quote_row, write_quotes_csv

RECORDS = [
    {"doc_id": "a", "id": "a:0-30", "text": "We will reopen\nthe clinics, “soon”", "start": 0, "end": 30,
     "type": "direct", "cue": {"text": "said", "lemma": "say", "class": "speech", "start": 31, "end": 35},
     "speaker": {"id": "person:jane-doe", "name": "Jane Doe", "mention": "she", "start": 40, "end": 43,
                 "kind": "person", "role": "minister", "affiliation": "Ministry of Health — Ünïcode",
                 "affiliations": ["Ministry of Health — Ünïcode"]},
     "outlet": "=HYPERLINK(\"http://x\")", "rule": "cue.x+speaker.name", "cue_class": "new field"},
    {"doc_id": "b", "id": "b:5-9", "text": "+1, -2, @3", "start": 5, "end": 9, "type": "indirect", "cue": None,
     "speaker": None, "outlet": None, "rule": ""},
]


def test_quote_row_reads_fields_by_name_and_defuses_formulas() -> None:
    row = dict(zip(COLUMNS, quote_row(RECORDS[1])))
    assert row["text"] == "'+1, -2, @3" and row["speaker"] == "" and row["cue"] == ""
    assert row["start"] == 5 and row["end"] == 9  # numbers stay numbers
    row = dict(zip(COLUMNS, quote_row(RECORDS[0])))
    assert row["outlet"] == "'=HYPERLINK(\"http://x\")"
    assert quote_row({"doc_id": "c"})[0] == "c"  # an older or newer record with other fields still converts


def test_file_has_bom_crlf_rows_and_reads_back(tmp_path) -> None:
    path = tmp_path / "quotes.csv"
    assert write_quotes_csv(RECORDS, path) == 2
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfdoc_id,quote_id,")
    assert data.count(b"\r\n") == 3  # the header and two rows; the line break inside a quote stays \n
    assert b"reopen\nthe clinics" in data
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["quote_id"] for r in rows] == ["a:0-30", "b:5-9"]
    assert rows[0]["text"] == "We will reopen\nthe clinics, “soon”"
    assert rows[0]["affiliation"] == "Ministry of Health — Ünïcode"
    assert rows[0]["start"] == "0" and rows[1]["text"] == "'+1, -2, @3"
    assert rows[0]["cue"] == "said" and rows[0]["cue_class"] == "speech" and rows[1]["cue_class"] == ""
    # Excel's way of reading: the BOM says UTF-8
    assert io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig").read(6) == "doc_id"
