"""Stage 2, annotate: sentences, tokens, capitalised chunks, gazetteer hits, the stanza adapter, model lookup."""
from __future__ import annotations

from pathlib import Path

import pytest

from attrib.model import Article
from attrib.nlp import (BuiltinAnnotator, StanzaAnnotator, find_capitalised_chunks, from_stanza_document,
                        installed_processors, load_annotator, split_sentences, tokenize)
from attrib.pipeline import extract
from attrib.problems import NlpUnavailableError
from attrib.ruleset import load_ruleset

RULES = load_ruleset()
REPO = Path(__file__).resolve().parents[2]
SEED_000 = REPO / "seeds" / "000_45f1571a1c99d061.txt"


def annotate(text: str):
    return BuiltinAnnotator(RULES).annotate(Article("t", "t.txt", text))


def sentences(text: str) -> list[str]:
    return [text[s.start:s.end] for s in split_sentences(text, RULES.words("abbreviation"))]


# ---------------------------------------------------------------- sentences

SENTENCE_CASES = [
    ("The convoy left at dawn. It reached the town by noon.",
     ["The convoy left at dawn.", "It reached the town by noon."]),
    # abbreviations from lexicon.abbreviations
    ("Mr. Rahimi arrived in the city. He spoke briefly.",
     ["Mr. Rahimi arrived in the city.", "He spoke briefly."]),
    ("The U.S. envoy left the talks. Nothing was agreed.",
     ["The U.S. envoy left the talks.", "Nothing was agreed."]),
    ("Dr. Haidari and Gen. Norris met in the capital. They talked for an hour.",
     ["Dr. Haidari and Gen. Norris met in the capital.", "They talked for an hour."]),
    ("The market closed at 6 p.m. on Friday.", ["The market closed at 6 p.m. on Friday."]),
    ("The U.N. mission stayed in the province.", ["The U.N. mission stayed in the province."]),
    # a single initial never ends a sentence
    ("Walter P. Moran led the delegation. He left early.",
     ["Walter P. Moran led the delegation.", "He left early."]),
    # decimals, questions, ellipses
    ("Prices rose 4.5 percent. Traders complained.", ["Prices rose 4.5 percent.", "Traders complained."]),
    ("Who fired first? Nobody would say.", ["Who fired first?", "Nobody would say."]),
    ("The talks broke down... Then a new round began.", ["The talks broke down...", "Then a new round began."]),
    # a closing mark after the period stays with its sentence
    ("She shouted “stop.” Then the gate opened.", ["She shouted “stop.”", "Then the gate opened."]),
    # a quotation holding several sentences is split like any text (quote finding works on characters)
    ("“We held the bridge. We still hold it,” he said. Then he hung up.",
     ["“We held the bridge.", "We still hold it,” he said.", "Then he hung up."]),
    # a line break always ends a sentence, with or without a period
    ("A headline without a period\nThe first paragraph starts here. It goes on.",
     ["A headline without a period", "The first paragraph starts here.", "It goes on."]),
    ("", []),
    ("   \n\n  ", []),
]


@pytest.mark.parametrize(("text", "expected"), SENTENCE_CASES)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize(("text", "expected"), SENTENCE_CASES)
def test_sentence_offsets_point_at_their_text(text: str, expected: list[str]) -> None:
    for sent in split_sentences(text, RULES.words("abbreviation")):
        assert text[sent.start:sent.end].strip() == text[sent.start:sent.end]
        assert "\n" not in text[sent.start:sent.end]
        assert all(sent.start <= t.start < t.end <= sent.end for t in sent.tokens)


# ---------------------------------------------------------------- tokens

TOKEN_CASES = [
    ("The convoy left.", ["The", "convoy", "left", "."]),
    # possessives: the 's is its own token, the name stays whole (the gazetteer needs "Taliban")
    ("The Taliban’s flag", ["The", "Taliban", "’s", "flag"]),
    ("Pakistan's army", ["Pakistan", "'s", "army"]),
    # a contraction is one word, an apostrophe inside a word is no token of its own
    ("They don’t know", ["They", "don’t", "know"]),
    ("We can't stay", ["We", "can't", "stay"]),
    # a plural possessive leaves the apostrophe as a token
    ("the guards’ post", ["the", "guards", "’", "post"]),
    ("U.S. forces left", ["U.S.", "forces", "left"]),
    ("It rose 3.5 percent", ["It", "rose", "3.5", "percent"]),
    ("the Spin Boldak-Chaman crossing", ["the", "Spin", "Boldak-Chaman", "crossing"]),
    ("“We won,” he said.", ["“", "We", "won", ",", "”", "he", "said", "."]),
    ("Wait... and see", ["Wait", "...", "and", "see"]),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), TOKEN_CASES)
def test_tokenize(text: str, expected: list[str]) -> None:
    assert [t.text for t in tokenize(text)] == expected


@pytest.mark.parametrize(("text", "expected"), TOKEN_CASES)
def test_token_offsets(text: str, expected: list[str]) -> None:
    toks = tokenize(text)
    assert all(text[t.start:t.end] == t.text for t in toks)
    assert [t.start for t in toks] == sorted(t.start for t in toks)


def test_tokenize_a_slice_keeps_article_offsets() -> None:
    text = "Headline here\nThe Taliban’s spokesman spoke."
    start = text.index("The")
    toks = tokenize(text, start, len(text))
    assert [t.text for t in toks] == ["The", "Taliban", "’s", "spokesman", "spoke", "."]
    assert all(text[t.start:t.end] == t.text for t in toks)
    assert toks[0].start == start


def test_builtin_tokens_cover_the_whole_article() -> None:
    text = SEED_000.read_text(encoding="utf-8")
    ann = annotate(text)
    assert ann.nlp == "builtin" and not (ann.has_pos or ann.has_deps or ann.has_ner)
    toks = [t for s in ann.sentences for t in s.tokens]
    assert all(text[t.start:t.end] == t.text for t in toks)
    assert all(text[s.start:s.end] for s in ann.sentences)
    # every non-space character of the article lies in some token
    covered = set()
    for t in toks:
        covered.update(range(t.start, t.end))
    assert all(i in covered for i, c in enumerate(text) if not c.isspace())


# ---------------------------------------------------------------- capitalised chunks

CHUNK_CASES = [
    ("He met Mullah Ahmad Nuri in the city of Kandahar on Monday.", ["Mullah Ahmad Nuri", "Kandahar"]),
    # name particles stay inside a run, not at its end
    ("Abu Bakr al Rashid spoke.", ["Abu Bakr al Rashid"]),
    ("The aide spoke to Laila van Dijk.", ["Laila van Dijk"]),
    # sentence-initial non-names, weekdays and all-capital acronyms are no names
    ("However the NATO envoy met them on Tuesday.", []),
    ("The U.S. envoy arrived.", []),
    ("the talks went on without a break.", []),
]


@pytest.mark.parametrize(("text", "expected"), CHUNK_CASES)
def test_capitalised_chunks(text: str, expected: list[str]) -> None:
    ann = annotate(text)
    chunks = find_capitalised_chunks(text, ann.sentences, RULES)
    assert [e.text for e in chunks] == expected
    assert all(e.source == "caps" and text[e.start:e.end] == e.text for e in chunks)


# ---------------------------------------------------------------- gazetteer

GAZETTEER_CASES = [
    # metonymy: the capital stands for the government
    ("Kabul says the attack was repelled.", [("Kabul", "GOVERNMENT", "Afghan government")]),
    # spelling variants of a known speaker -> the canonical name
    ("Tarek Arian spoke to AFP.", [("Tarek Arian", "PERSON", "Tareq Arian"), ("AFP", "OUTLET", "AFP")]),
    ("Taliban spokesman Zabihullah Mujahid spoke.",
     [("Taliban", "GROUP", "Taliban"), ("Zabihullah Mujahid", "PERSON", "Zabihullah Mujahid")]),
    # nationality adjectives name the country
    ("A Pakistani official spoke.", [("Pakistani", "NORP", "Pakistan")]),
    # longest match first: the ministry, not "Afghan" alone
    ("The Afghan Ministry of Interior denied it.",
     [("Afghan Ministry of Interior", "GOVERNMENT", "Afghan Ministry of Interior")]),
    ("the Afghan interior ministry said", [("Afghan interior ministry", "GOVERNMENT", "Afghan Ministry of Interior")]),
    # lower-case channel words match as the rules wrote them
    ("He issued a statement on Monday.", [("a statement", "CHANNEL", "statement")]),
    # a lower-case single word is no name ("kabul" is not Kabul)
    ("the kabul road was open.", []),
    ("Residents fled the fighting.", []),
]


@pytest.mark.parametrize(("text", "expected"), GAZETTEER_CASES)
def test_gazetteer_hits_have_canonical_refs(text: str, expected: list[tuple[str, str, str]]) -> None:
    ann = annotate(text)
    hits = [(e.text, e.label, e.ref) for e in ann.entities if e.source == "gazetteer"]
    assert hits == expected
    assert all(text[e.start:e.end] == e.text for e in ann.entities)


# ---------------------------------------------------------------- the stanza adapter


def stanza_doc(text: str, sentences: list[list[tuple]], with_text: bool = True):
    """A stanza.Document built by hand: each word is (text, upos, lemma, head, deprel, ner).

    Offsets are found by searching ``text`` left to right; ``upos`` etc. may be None to leave the field out.
    """
    import stanza

    pos = 0
    sents = []
    for sent in sentences:
        words = []
        for i, (word, upos, lemma, head, deprel, ner) in enumerate(sent, 1):
            start = text.index(word, pos)
            pos = start + len(word)
            d = {"id": i, "text": word, "start_char": start, "end_char": pos}
            for key, value in (("upos", upos), ("lemma", lemma), ("head", head), ("deprel", deprel), ("ner", ner)):
                if value is not None:
                    d[key] = value
            words.append(d)
        sents.append(words)
    return stanza.Document(sents, text=text) if with_text else stanza.Document(sents)


JANE_TEXT = "Jane Okafor said the road was closed. Traffic stopped."
JANE = [
    [("Jane", "PROPN", "Jane", 3, "nsubj", "B-PERSON"),
     ("Okafor", "PROPN", "Okafor", 1, "flat", "E-PERSON"),
     ("said", "VERB", "say", 0, "root", "O"),
     ("the", "DET", "the", 5, "det", "O"),
     ("road", "NOUN", "road", 7, "nsubj:pass", "O"),
     ("was", "AUX", "be", 7, "aux:pass", "O"),
     ("closed", "VERB", "close", 3, "ccomp", "O"),
     (".", "PUNCT", ".", 3, "punct", "O")],
    [("Traffic", "NOUN", "traffic", 2, "nsubj", "O"),
     ("stopped", "VERB", "stop", 0, "root", "O"),
     (".", "PUNCT", ".", 2, "punct", "O")],
]


def test_stanza_document_rebuilds_ents_only_with_text() -> None:
    # the fact the adapter relies on (../shared/NOTES.md): doc.ents come from the ner tags when text= is given
    assert [(e.text, e.type) for e in stanza_doc(JANE_TEXT, JANE).ents] == [("Jane Okafor", "PERSON")]
    assert list(stanza_doc(JANE_TEXT, JANE, with_text=False).ents) == []


def test_from_stanza_document_full_annotation() -> None:
    ann = from_stanza_document(Article("d", "d.txt", JANE_TEXT), stanza_doc(JANE_TEXT, JANE), RULES)
    assert ann.nlp == "stanza"
    assert (ann.has_pos, ann.has_deps, ann.has_ner) == (True, True, True)
    assert [JANE_TEXT[s.start:s.end] for s in ann.sentences] == ["Jane Okafor said the road was closed.",
                                                                 "Traffic stopped."]
    toks = ann.sentences[0].tokens
    assert all(JANE_TEXT[t.start:t.end] == t.text for s in ann.sentences for t in s.tokens)
    assert [(t.text, t.upos, t.lemma, t.head, t.deprel) for t in toks[:3]] == [
        ("Jane", "PROPN", "Jane", 3, "nsubj"), ("Okafor", "PROPN", "Okafor", 1, "flat"),
        ("said", "VERB", "say", 0, "root")]
    # entities come from the NER tags, beside the rules' layer (capitalised chunks, gazetteer hits)
    assert [(e.text, e.label, e.source) for e in ann.entities] == [
        ("Jane Okafor", "PROPN", "caps"), ("Jane Okafor", "PERSON", "ner"), ("Traffic", "PROPN", "caps")]


def test_from_stanza_document_tokens_only() -> None:
    # what tokenize+mwt give: no POS, no dependencies, no NER -> capitalised chunks and gazetteer hits
    text = "Tarek Arian told AFP the post was safe."
    words = [[(w, None, None, None, None, None) for w in
              ("Tarek", "Arian", "told", "AFP", "the", "post", "was", "safe", ".")]]
    ann = from_stanza_document(Article("d", "d.txt", text), stanza_doc(text, words), RULES)
    assert (ann.has_pos, ann.has_deps, ann.has_ner) == (False, False, False)
    assert [(e.text, e.source, e.ref) for e in ann.entities] == [
        ("Tarek Arian", "caps", None), ("Tarek Arian", "gazetteer", "Tareq Arian"), ("AFP", "gazetteer", "AFP")]


def test_from_stanza_document_tokens_only_uses_the_builtin_splits_and_tokens() -> None:
    # issue 3: stanza's tokenizer splits after a middle initial and before a closing dash, and cuts
    # hyphenated names; without tags the sentences end only where both splitters end one
    text = "“We will win.” ― Ann Lee-Park\nJohn E. Smith said so. Then he left."
    words = [[(w, None, None, None, None, None) for w in ("“", "We", "will", "win", ".", "”")],
             [(w, None, None, None, None, None) for w in ("―", "Ann", "Lee", "-", "Park")],
             [(w, None, None, None, None, None) for w in ("John", "E.")],
             [(w, None, None, None, None, None) for w in ("Smith", "said", "so", ".")],
             [(w, None, None, None, None, None) for w in ("Then", "he", "left", ".")]]
    ann = from_stanza_document(Article("d", "d.txt", text), stanza_doc(text, words), RULES)
    assert [text[s.start:s.end] for s in ann.sentences] == [
        "“We will win.” ― Ann Lee-Park", "John E. Smith said so.", "Then he left."]
    assert "Lee-Park" in [t.text for t in ann.sentences[0].tokens]


def test_from_stanza_document_tokens_only_is_the_builtin_annotation_where_the_splits_agree() -> None:
    # without tags only stanza's sentence starts are read; the tokens, gazetteer hits and chunks are the
    # built-in annotator's (the gazetteer reads the sentences' tokens before "Sen." is joined)
    text = "Sen. Tarek Arian told AFP the post was safe. Zabihullah Mujahid denied it.\nKabul said nothing."
    article = Article("d", "d.txt", text)
    builtin = BuiltinAnnotator(RULES).annotate(article)
    words = [[(text[t.start:t.end], None, None, None, None, None) for t in s.tokens] for s in builtin.sentences]
    ann = from_stanza_document(article, stanza_doc(text, words), RULES)
    assert (ann.sentences, ann.entities) == (builtin.sentences, builtin.entities)
    assert [(e.text, e.ref) for e in ann.entities if e.source == "gazetteer"] == [
        ("Tarek Arian", "Tareq Arian"), ("AFP", "AFP"), ("Zabihullah Mujahid", "Zabihullah Mujahid"),
        ("Kabul", "Afghan government")]
    # a tagged document has the same tokens, carrying the tags of the words they hold
    tagged = [list(s) for s in words]
    tagged[1][0] = (tagged[1][0][0], "PROPN", None, None, None, None)
    ann = from_stanza_document(article, stanza_doc(text, tagged), RULES)
    assert ann.has_pos and ann.sentences[1].tokens[0].upos == "PROPN"
    assert [[t.text for t in s.tokens] for s in ann.sentences] == [[t.text for t in s.tokens] for s in builtin.sentences]


def test_from_stanza_document_adds_gazetteer_hits_to_ner() -> None:
    text = "Mujahid said Kabul lied."
    words = [[("Mujahid", "PROPN", "Mujahid", 2, "nsubj", "S-PERSON"),
              ("said", "VERB", "say", 0, "root", "O"),
              ("Kabul", "PROPN", "Kabul", 4, "nsubj", "S-GPE"),
              ("lied", "VERB", "lie", 2, "ccomp", "O"),
              (".", "PUNCT", ".", 2, "punct", "O")]]
    ann = from_stanza_document(Article("d", "d.txt", text), stanza_doc(text, words), RULES)
    got = {(e.text, e.label, e.source, e.ref) for e in ann.entities}
    assert got == {("Mujahid", "PERSON", "ner", None), ("Kabul", "GPE", "ner", None), ("Mujahid", "PROPN", "caps", None),
                   ("Kabul", "PROPN", "caps", None),
                   ("Mujahid", "PERSON", "gazetteer", "Zabihullah Mujahid"),
                   ("Kabul", "GOVERNMENT", "gazetteer", "Afghan government")}


# ---------------------------------------------------------------- model lookup


def _layout(root: Path, files: list[str]) -> Path:
    for f in files:
        p = root / f
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"")
    return root


PROCESSOR_CASES = [
    ([], ()),
    (["resources.json"], ()),
    # no resources.json: stanza cannot load anything
    (["en/tokenize/combined.pt"], ()),
    (["resources.json", "en/tokenize/combined.pt"], ("tokenize",)),
    (["resources.json", "en/tokenize/combined.pt", "en/mwt/combined.pt"], ("tokenize", "mwt")),
    (["resources.json", "en/tokenize/combined.pt", "en/mwt/combined.pt", "en/pos/combined_charlm.pt",
      "en/lemma/combined_nocharlm.pt", "en/depparse/combined_charlm.pt", "en/ner/ontonotes_charlm.pt"],
     ("tokenize", "mwt", "pos", "lemma", "depparse", "ner")),
    # lemma needs pos, depparse needs pos and lemma
    (["resources.json", "en/tokenize/combined.pt", "en/lemma/x.pt", "en/depparse/x.pt", "en/ner/x.pt"],
     ("tokenize", "ner")),
    (["resources.json", "en/tokenize/combined.pt", "en/pos/x.pt", "en/depparse/x.pt"], ("tokenize", "pos")),
    # a folder without a model file is no processor; other languages do not count
    (["resources.json", "en/tokenize/combined.pt", "en/pos/README.txt"], ("tokenize",)),
    (["resources.json", "fr/tokenize/combined.pt"], ()),
    (["resources.json", "en/pos/x.pt"], ()),
]


@pytest.mark.parametrize(("files", "expected"), PROCESSOR_CASES)
def test_installed_processors(tmp_path: Path, files: list[str], expected: tuple[str, ...]) -> None:
    assert installed_processors(_layout(tmp_path, files)) == expected


def test_auto_falls_back_to_builtin_with_a_note(tmp_path: Path) -> None:
    annotator, note = load_annotator("auto", RULES, tmp_path)
    assert isinstance(annotator, BuiltinAnnotator) and annotator.name == "builtin"
    assert "built-in" in note and str(tmp_path) in note
    assert "\n" not in note


def test_builtin_is_used_when_asked(tmp_path: Path) -> None:
    annotator, note = load_annotator("builtin", RULES, tmp_path)
    assert isinstance(annotator, BuiltinAnnotator)
    assert "built-in" in note


def test_stanza_without_models_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NlpUnavailableError) as e:
        load_annotator("stanza", RULES, tmp_path)
    assert str(tmp_path) in str(e.value) and "--nlp builtin" in str(e.value)
    assert len(e.value.lines()) == 1


# ---------------------------------------------------------------- the real stanza tokenizer


@pytest.mark.models
def test_stanza_tokenizer_on_a_seed_article(stanza_dir: Path) -> None:
    text = SEED_000.read_text(encoding="utf-8")
    other = "The first line.\n\nMr. Rahimi said the U.S. envoy had left. Nobody knew why."
    annotator = StanzaAnnotator(RULES, stanza_dir)
    assert annotator.processors[0] == "tokenize"
    ann, ann2 = annotator.annotate_many([Article("000", "000.txt", text), Article("x", "x.txt", other)])
    assert ann.nlp == "stanza" and ann.article.doc_id == "000"
    # offsets stay per document in a batch
    for a in (ann, ann2):
        t = a.article.text
        assert all(t[tok.start:tok.end] == tok.text for s in a.sentences for tok in s.tokens)
        assert all(s.start < s.end and "\n\n" not in t[s.start:s.end] for s in a.sentences)
    sents = [text[s.start:s.end] for s in ann.sentences]
    assert "But Taliban spokesman Zabihullah Mujahid said his forces still held the border post." in sents
    assert [ann2.article.text[s.start:s.end] for s in ann2.sentences] == [
        "The first line.", "Mr. Rahimi said the U.S. envoy had left.", "Nobody knew why."]
    result, problems = extract(ann, RULES)
    assert problems == ()
    mujahid = [(ra.attribution.text, ra.speaker.name) for ra in result.attributions
               if ra.speaker is not None and ra.speaker.id == "person:zabihullah-mujahid"]
    assert ("“It is merely propaganda and a baseless claim by the Kabul administration,”",
            "Zabihullah Mujahid") in mujahid
    assert ("his forces still held the border post", "Zabihullah Mujahid") in mujahid


def test_tokens_are_those_of_the_token_pattern_matches() -> None:
    """tokenize builds its tokens from findall pieces (spaces, then the token) and running sums of their
    lengths: the same tokens as the plain pattern's match objects, over any span, spaces and marks included."""
    import random
    import re

    from attrib.model import Token
    from attrib.nlp import _TOKEN_RE

    plain = re.compile(  # the pattern as it was written before its first alternative was unrolled
        r"(?:[A-Za-z]\.){2,}|[A-Z]\.(?=\s[A-Z][a-z])|[A-Z]-[A-Z][A-Za-z.]*\.(?=[,)])"
        r"|\w+(?:(?=[’']s\b)|(?:[-’'.]\w+)*)|[’']s\b|\.\.\.|…|--|[^\w\s]")
    rnd = random.Random(7)
    alphabet = "aAbZ. ,'’s-\n\t\u00a0\u2009…\"“”()E.Ü3_ \u3000xR-K"
    texts = [SEED_000.read_text(encoding="utf-8")]
    texts += ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 25))) for _ in range(20000)]
    for text in texts:
        for start, end in ((0, None), (rnd.randint(-2, len(text) + 2), rnd.randint(-2, len(text) + 3))):
            stop = len(text) if end is None else end
            want = tuple(Token(m.group(), m.start(), m.end()) for m in plain.finditer(text, start, stop))
            assert tokenize(text, start, end) == want, (text, start, end)
            assert [m.span() for m in _TOKEN_RE.finditer(text, start, stop)] == [(t.start, t.end) for t in want]


def test_parse_tags_are_laid_on_the_builtin_tokens() -> None:
    # a parser's tokens are not the grammar's: CoreNLP splits "Holtz-Eakin" and "R-Ky." and joins nothing the
    # built-in tokenizer splits. A word over several tokens tags its first one, the others hang on it
    # ("goeswith"); a token over several words ("can't" as "ca" + "n't") takes the word whose head lies
    # outside the token; heads follow the words to their tokens.
    text = "Lee Holtz-Eakin can't say."
    words = [[("Lee", "PROPN", "Lee", 3, "compound", None), ("Holtz", "PROPN", "Holtz", 3, "compound", None),
              ("-Eakin", "PROPN", "Eakin", 6, "nsubj", None), ("ca", "AUX", "can", 6, "aux", None),
              ("n't", "PART", "not", 6, "advmod", None), ("say", "VERB", "say", 0, "root", None),
              (".", "PUNCT", ".", 6, "punct", None)]]
    ann = from_stanza_document(Article("d", "d.txt", text), stanza_doc(text, words), RULES)
    assert [(t.text, t.upos, t.head, t.deprel) for t in ann.sentences[0].tokens] == [
        ("Lee", "PROPN", 2, "compound"), ("Holtz-Eakin", "PROPN", 4, "nsubj"), ("can't", "AUX", 4, "aux"),
        ("say", "VERB", 0, "root"), (".", "PUNCT", 4, "punct")]


def test_parse_word_over_several_tokens_tags_the_first() -> None:
    text = "The U.S.-based firm said no."
    words = [[("The", "DET", "the", 3, "det", None), ("U.S.-based", "ADJ", "u.s.-based", 3, "amod", None),
              ("firm", "NOUN", "firm", 4, "nsubj", None), ("said", "VERB", "say", 0, "root", None),
              ("no", "INTJ", "no", 4, "obj", None), (".", "PUNCT", ".", 4, "punct", None)]]
    ann = from_stanza_document(Article("d", "d.txt", text), stanza_doc(text, words), RULES)
    toks = ann.sentences[0].tokens
    assert [t.text for t in toks][:4] == ["The", "U.S.", "-", "based"]
    assert [(t.upos, t.head, t.deprel) for t in toks[1:4]] == [("ADJ", 5, "amod"), ("ADJ", 2, "goeswith"),
                                                               ("ADJ", 2, "goeswith")]


@pytest.mark.parametrize(("text", "tags", "expected"), [
    # a surname alone is the person named in full elsewhere in the article, whatever a tagger calls it
    ("Donald Trump spoke. Later Trump left.", ["B-PERSON", "E-PERSON", "O", "O", "O", "S-LOC", "O", "O"],
     [("Donald Trump", "PERSON"), ("Trump", "PERSON")]),
    # must not: a lone name that no full name in the article ends with keeps its type
    ("Jordan spoke. Later Jordan left.", ["S-LOC", "O", "O", "O", "S-LOC", "O", "O"],
     [("Jordan", "LOC"), ("Jordan", "LOC")]),
    # any other name takes the type the tagger gives it most often in the article
    ("Acme rose. Acme fell. Acme held.", ["S-ORG", "O", "O", "S-PERSON", "O", "O", "S-ORG", "O", "O"],
     [("Acme", "ORG")] * 3),
])
def test_one_type_for_each_name_in_the_article(text: str, tags: list[str], expected: list[tuple]) -> None:
    toks = _tokens_of(text)
    assert len(toks) == len(tags)
    words = [[(w, "PROPN", w, 0, "dep", tag) for w, tag in zip(toks, tags)]]
    ann = from_stanza_document(Article("d", "d.txt", text), stanza_doc(text, words), RULES)
    assert [(e.text, e.label) for e in ann.entities if e.source == "ner"] == expected


def _tokens_of(text: str) -> list[str]:
    return [t.text for t in BuiltinAnnotator(RULES).annotate(Article("d", "d.txt", text)).sentences[0].tokens] \
        if "." not in text[:-1] else [t.text for s in BuiltinAnnotator(RULES).annotate(
            Article("d", "d.txt", text)).sentences for t in s.tokens]
