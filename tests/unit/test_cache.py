"""Tests for attrib.cache: stanza's rules-free layer round-trips, and a damaged entry is never used.

Annotations are built by hand with ``stanza.Document`` (no models needed). A test
with the real tokenizer (``models``) checks a whole re-run from the cache.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from attrib.cache import AnnotationCache, default_cache_dir, text_digest
from attrib.cli import attrib
from attrib.model import Article
from attrib.nlp import from_stanza_document, with_rule_entities, without_rule_entities

stanza = pytest.importorskip("stanza")

TEXT = '"We will appeal," Jane Doe said in Kabul.'
SEED_PAIR = ("seeds/000_45f1571a1c99d061.txt", "seeds/002_a4add26dea42f1d9.txt")  # two seeds keep stanza quick
SETTINGS = {"annotator": "stanza", "version": "test", "processors": ["tokenize"], "models": [], "format": 1}


def annotated(ruleset, text: str = TEXT):
    words = [("\"", 0, 1, "PUNCT", "O"), ("We", 1, 3, "PRON", "O"), ("will", 4, 8, "AUX", "O"),
             ("appeal", 9, 15, "VERB", "O"), (",", 15, 16, "PUNCT", "O"), ("\"", 16, 17, "PUNCT", "O"),
             ("Jane", 18, 22, "PROPN", "B-PERSON"), ("Doe", 23, 26, "PROPN", "E-PERSON"),
             ("said", 27, 31, "VERB", "O"), ("in", 32, 34, "ADP", "O"), ("Kabul", 35, 40, "PROPN", "S-GPE"),
             (".", 40, 41, "PUNCT", "O")]
    sent = [{"id": i + 1, "text": w, "lemma": w.lower(), "upos": upos, "head": 9 if i != 8 else 0,
             "deprel": "root" if i == 8 else "dep", "ner": ner, "start_char": s, "end_char": e}
            for i, (w, s, e, upos, ner) in enumerate(words)]
    doc = stanza.Document([sent], text=text)
    return from_stanza_document(Article("d1", "d1.txt", text), doc, ruleset)


def test_rules_layer_split_gives_back_the_annotation(ruleset) -> None:
    full = annotated(ruleset)
    base = without_rule_entities(full)
    assert {e.source for e in base.entities} == {"ner"}
    assert with_rule_entities(base, ruleset) == full


def test_entry_round_trips(ruleset, tmp_path: Path) -> None:
    cache = AnnotationCache(tmp_path, SETTINGS)
    base = without_rule_entities(annotated(ruleset))
    digest = text_digest(TEXT)
    assert cache.get(base.article, digest) is None
    cache.put(digest, base)
    assert cache.get(base.article, digest) == base
    assert (cache.stats.hits, cache.stats.misses, cache.stats.corrupt) == (1, 1, 0)
    # other settings (another model, another stanza) are another folder: a miss
    other = AnnotationCache(tmp_path, {**SETTINGS, "version": "other"})
    assert other.get(base.article, digest) is None and other.stats.misses == 1


@pytest.mark.parametrize("damage", [
    lambda raw: raw[:len(raw) // 2],                        # cut short
    lambda raw: raw[:-5] + bytes([raw[-5] ^ 0xFF]) + raw[-4:],  # one byte flipped in the payload
    lambda raw: b"",                                        # empty
    lambda raw: b"not a cache entry at all\n",
    lambda raw: raw.replace(b"attrib-annotation 1 ", b"attrib-annotation 9 "),
])
def test_damaged_entry_is_counted_and_not_used(ruleset, tmp_path: Path, damage) -> None:
    cache = AnnotationCache(tmp_path, SETTINGS)
    base = without_rule_entities(annotated(ruleset))
    digest = text_digest(TEXT)
    cache.put(digest, base)
    [entry] = list(tmp_path.rglob("*.ann"))
    entry.write_bytes(damage(entry.read_bytes()))
    assert cache.get(base.article, digest) is None
    assert cache.stats.corrupt == 1
    cache.put(digest, base)  # recomputed and written again
    assert cache.get(base.article, digest) == base


def test_entry_of_another_text_is_not_used(ruleset, tmp_path: Path) -> None:
    cache = AnnotationCache(tmp_path, SETTINGS)
    base = without_rule_entities(annotated(ruleset))
    digest = text_digest(TEXT)
    cache.put(digest, base)
    other = Article("d2", "d2.txt", TEXT.replace("Kabul", "Herat"))
    assert cache.get(other, digest) is None  # same key, different text: never trusted
    assert cache.stats.corrupt == 1


def test_default_cache_dir(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "attrib"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir() == Path.home() / ".cache" / "attrib"


@pytest.mark.models
def test_rerun_from_the_cache_gives_the_same_files(stanza_dir: Path, tmp_path: Path, repo_root: Path,
                                                   monkeypatch) -> None:
    monkeypatch.chdir(repo_root)
    runner = CliRunner()
    cache = tmp_path / "cache"
    outs = []
    for n in range(3):
        if n == 2:  # damage every entry: all are recomputed, never trusted
            for entry in cache.rglob("*.ann"):
                entry.write_bytes(entry.read_bytes()[:-10])
        out = tmp_path / f"out{n}"
        result = runner.invoke(attrib, ["run", *SEED_PAIR, "-o", str(out), "--nlp", "stanza", "--models-dir",
                                        str(stanza_dir), "--cache-dir", str(cache), "--jobs", "1"])
        assert result.exit_code == 0, result.output
        outs.append((out, result.stdout))
    assert re.search(r"^cache: +0 of 2 annotations reused", outs[0][1], re.MULTILINE)
    assert re.search(r"^cache: +2 of 2 annotations reused", outs[1][1], re.MULTILINE)
    assert re.search(r"^cache: +0 of 2 annotations reused .*; 2 corrupt entries recomputed$", outs[2][1],
                     re.MULTILINE)
    for out, _ in outs[1:]:
        for name in ("quotes.jsonl", "graph.graphml", "articles.jsonl"):
            assert (out / name).read_bytes() == (outs[0][0] / name).read_bytes(), name
    # --no-cache neither reads nor writes it
    result = runner.invoke(attrib, ["run", *SEED_PAIR, "-o", str(tmp_path / "nc"), "--nlp", "stanza", "--models-dir",
                                    str(stanza_dir), "--no-cache", "--jobs", "1"])
    assert result.exit_code == 0 and "cache:" not in result.stdout
