"""Annotate: Article -> Annotated (sentences, tokens, entities), with stanza or the built-in annotator.

This is the only module that imports stanza, and it does so lazily: the
built-in annotator, ``attrib --help`` and rule checks never load torch.
stanza gives sentences and tokens (and POS, lemmas, dependencies and named
entities where those models are installed); the built-in annotator gives
sentences, tokens and capitalised-name chunks. Both add gazetteer hits from
the rules (organisations, known speakers, outlets).
"""
from __future__ import annotations

import os
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, Iterable, Protocol, Sequence

from .spans import indexes_where, lengths_by_first_word
from .model import Annotated, Article, Entity, Sentence, Token
from .problems import NlpUnavailableError
from .ruleset import RuleSet

# ---------------------------------------------------------------- tokens and sentences

_TOKEN_PATTERN = (
    r"[A-Za-z]\.(?:[A-Za-z]\.)+"  # U.S., a.m. (two or more letter-dot pairs; the first tested before any repeat)
    r"|[A-Z]\.(?=\s[A-Z][a-z])"  # a middle initial: Leonard E. Burman
    r"|[A-Z]-[A-Z][A-Za-z.]*\.(?=[,)])"  # a party and state: (D-Mo.), R-Ky.,
    # words, hyphenated words, don’t, 3.5; a word before a possessive ends there (Taliban in Taliban’s).
    # One alternative for both, so a word is scanned once (\w+ never gives back: a shorter run would be
    # followed by a word character, which neither the apostrophe nor a joiner is)
    r"|\w+(?:(?=[’']s\b)|(?:[-’'.]\w+)*)"
    r"|[’']s\b"  # the possessive itself
    r"|\.\.\.|…|--"
    r"|[^\w\s]"
)
_TOKEN_RE = re.compile(_TOKEN_PATTERN)
# each token with the spaces before it. Every character that no token takes is a space (any other one is
# a word character or matches [^\w\s]), so from where a scan starts these pieces follow each other with
# no gap up to the last token; findall gives them as plain strings, with no match object per token
_SPACED_TOKEN_RE = re.compile(r"\s*(?:" + _TOKEN_PATTERN + ")")
# a sentence ends at . ! ? … (plus closing quotes/brackets) followed by space and an opener
_SENT_END_RE = re.compile(r"[.!?…]+[\"”’')\]]*(?=\s+[\"“‘'(\[]*[A-Z0-9])")


def tokenize(text: str, start: int = 0, end: int | None = None,
             abbreviations: frozenset[str] = frozenset()) -> tuple[Token, ...]:
    """Tokens of ``text[start:end]`` with offsets into ``text``; a known abbreviation keeps its period."""
    start = max(start, 0)
    end = len(text) if end is None else min(end, len(text))
    # trailing spaces hold no token and change no token (every lookahead of the pattern needs a non-space);
    # without them the spaced pattern never fails over a run of spaces, which would be tried from each one
    while end > start and text[end - 1].isspace():
        end -= 1
    toks = _tokens(_SPACED_TOKEN_RE.findall(text, start, end), start)
    return _join_abbreviations(toks, abbreviations) if abbreviations else tuple(toks)


_TEXT = attrgetter("text")
_START = attrgetter("start")
_END = attrgetter("end")
_SOURCE_LABEL = attrgetter("source", "label")
_FIRST_CHAR = itemgetter(slice(0, 1))  # ``text[:1]``


def _tokens(pieces: list[str], start: int) -> list[Token]:
    """The tokens of the pieces ``_SPACED_TOKEN_RE.findall`` gives from ``start``.

    Equal to ``[Token(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(...)]``: each piece is a
    token with the spaces before it, and the pieces follow each other from ``start``, so a token ends where
    the running sum of their lengths says (no match object is made, one a token).
    """
    toks = []
    end = start
    for piece in pieces:
        word = piece.lstrip()  # str.lstrip strips what \s matches
        end += len(piece)
        toks.append(Token(word, end - len(word), end))
    return toks


def _join_abbreviations(toks: Sequence[Token], abbreviations: frozenset[str]) -> tuple[Token, ...]:
    """``toks`` with the period after a known abbreviation joined to it ("Rep." "Mr.")."""
    dots = _dot_indexes(list(map(_TEXT, toks)))
    if not dots:
        return tuple(toks)
    out: list[Token] = []
    prev = 0
    for i in dots:  # only periods can join: the tokens between them are copied as they are
        out.extend(toks[prev:i])
        t = toks[i]
        if out and out[-1].end == t.start and (out[-1].text + ".").lower() in abbreviations:
            out[-1] = Token(out[-1].text + ".", out[-1].start, t.end)
        else:
            out.append(t)
        prev = i + 1
    out.extend(toks[prev:])
    return tuple(out)


def _dot_indexes(texts: list[str]) -> list[int]:
    """The indexes of the "." tokens (found by ``list.index``, in C)."""
    out: list[int] = []
    i = -1
    try:
        while True:
            i = texts.index(".", i + 1)
            out.append(i)
    except ValueError:
        return out


_INITIAL_RE = re.compile(r"[a-z]\.")
_INITIALS_RE = re.compile(r"[A-Z]\.(?:[A-Z]\.)+")
_LINE_RE = re.compile(r"[^\n]+")
_MIDDLE_INITIAL_RE = re.compile(r"[A-Z]\.")  # what the token pattern's middle-initial branch takes


def split_sentences(text: str, abbreviations: frozenset[str]) -> tuple[Sentence, ...]:
    """Sentences of ``text``: paragraphs split at line breaks, then at sentence-final punctuation.

    A period after a known abbreviation ("Mr.", "U.S.") or a single initial ("W.") does not end a sentence.
    """
    return _split_sentences(text, abbreviations)[0]


def _split_sentences(text: str, abbreviations: frozenset[str]) -> tuple[tuple[Sentence, ...], list[tuple[Token, ...]]]:
    """``split_sentences``, and each sentence's tokens before abbreviations are joined (the gazetteer's
    tokens, so the built-in annotator tokenizes each sentence once)."""
    return _sentences_of(text, _sentence_spans(text, abbreviations), abbreviations)


def _sentence_spans(text: str, abbreviations: frozenset[str]) -> list[tuple[int, int]]:
    """Where ``split_sentences``' sentences start and end (without tokenizing them)."""
    spans: list[tuple[int, int]] = []
    for para in _LINE_RE.finditer(text):
        s = para.start()
        for m in _SENT_END_RE.finditer(text, para.start(), para.end()):
            # the last word before the break: the run of non-space characters that ends at m.end()
            # (a paragraph holds no line break, so this is what r"(\S+)$" finds in text[s:m.end()])
            j = m.end()
            while j > s and not text[j - 1].isspace():
                j -= 1
            word = text[j:m.end()]
            w = word.lower().rstrip("\"”’')]")
            if m.group().startswith(".") and (w in abbreviations or _INITIAL_RE.fullmatch(w)
                                              or _INITIALS_RE.fullmatch(word)):
                continue
            _add_span(spans, text, s, m.end())
            s = m.end()
        _add_span(spans, text, s, para.end())
    return spans


def _add_span(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    """Append the span ``text[start:end]`` with its spaces trimmed, unless nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def _sentences_of(text: str, spans: list[tuple[int, int]], abbreviations: frozenset[str]
                  ) -> tuple[tuple[Sentence, ...], list[tuple[Token, ...]]]:
    """The sentences of the spans (in order, apart, trimmed), and their unjoined tokens, from one
    ``tokenize`` of the whole text.

    The same tokens as ``tokenize`` on each span: a space follows each span (or the text ends there) and
    precedes it, no token holds a space, and only spaces lie between spans, so the whole text's tokens
    are the spans' tokens one after the other. The one lookahead of the token pattern that reads across
    a space is a middle initial's ("E. Burman"): one that ends a span is two tokens there ("E", "."),
    split again here.
    """
    toks = tokenize(text)
    starts = list(map(_START, toks))
    joins = _joining_periods(toks, abbreviations)
    out: list[Sentence] = []
    raw: list[tuple[Token, ...]] = []
    i = 0
    for start, end in spans:
        j = bisect_left(starts, end, i)
        sent = toks[i:j]
        last = sent[-1]
        if len(last.text) == 2 and _MIDDLE_INITIAL_RE.fullmatch(last.text):
            sent = sent[:-1] + (Token(last.text[0], last.start, last.start + 1), Token(".", last.start + 1, last.end))
            joined = _join_abbreviations(sent, abbreviations) if abbreviations else sent
        else:
            # the first period a sentence joins is one of ``joins`` after its first token: with none, no join
            k = bisect_right(joins, i)
            joined = _join_abbreviations(sent, abbreviations) if k < len(joins) and joins[k] < j else sent
        raw.append(sent)
        out.append(Sentence(start, end, joined))
        i = j
    return tuple(out), raw


def _joining_periods(toks: Sequence[Token], abbreviations: frozenset[str]) -> list[int]:
    """The indexes of the "." tokens that join the word right before them as ``_join_abbreviations`` does
    ("Rep" "." -> "Rep."), tested once over a whole text's tokens."""
    if not abbreviations:
        return []
    texts = list(map(_TEXT, toks))
    return [d for d in _dot_indexes(texts)
            if d and toks[d - 1].end == toks[d].start and (texts[d - 1] + ".").lower() in abbreviations]


# ---------------------------------------------------------------- entities


@dataclass(frozen=True)
class _Gazetteer:
    """Lower-cased token sequences of every name the rules know -> (label, canonical name)."""

    entries: dict[tuple[str, ...], tuple[str, str]]
    longest: int
    # first word -> the lengths of the entries that start with it, longest first (the only lengths worth trying)
    lengths: dict[str, tuple[int, ...]] = field(default_factory=dict)


def gazetteer(rules: RuleSet) -> _Gazetteer:
    """The rules' names as a token-sequence lookup (built once per RuleSet)."""
    return rules.cached("gazetteer", lambda: _build_gazetteer(rules))


def _build_gazetteer(rules: RuleSet) -> _Gazetteer:
    entries: dict[tuple[str, ...], tuple[str, str]] = {}

    def add(surface: str, label: str, ref: str) -> None:
        key = tuple(t.text.lower() for t in tokenize(surface))
        if key and key not in entries:
            entries[key] = (label, ref)

    for s in rules.speakers:
        for a in (s.name, *s.aliases):
            add(a, "PERSON" if s.kind == "person" else s.kind.upper(), s.name)
    for o in rules.organisations:
        for a in (o.name, *o.aliases):
            add(a, o.kind.upper(), o.name)
        for adj in o.adjectives:
            add(adj, "NORP", o.name)
    for o in rules.outlets:
        for a in (o.name, *o.aliases):
            add(a, o.kind.upper(), o.name)
    return _Gazetteer(entries, max((len(k) for k in entries), default=0), lengths_by_first_word(entries))


def find_gazetteer_entities(text: str, sentences: Sequence[Sentence], rules: RuleSet) -> tuple[Entity, ...]:
    """Longest-first matches of the rules' names over each sentence's tokens."""
    # our own tokens, whatever the annotator's ("gov’t")
    return _gazetteer_entities(text, [tokenize(text, s.start, s.end) for s in sentences], rules)


def _gazetteer_entities(text: str, token_lists: Iterable[Sequence[Token]], rules: RuleSet) -> tuple[Entity, ...]:
    """``find_gazetteer_entities`` over given token lists (one per sentence, from ``tokenize`` without
    abbreviations)."""
    gz = gazetteer(rules)
    entries, lengths = gz.entries, gz.lengths
    out: list[Entity] = []
    for toks in token_lists:
        low = list(map(str.lower, map(_TEXT, toks)))
        nxt = 0  # the first token not inside a name found already
        # only words that start some name can start a match: visit just those, in order
        for i in indexes_where(map(lengths.__contains__, low)):
            if i < nxt:
                continue
            # longest first; only lengths of entries that start with this word can match
            for n in lengths[low[i]]:
                if n > len(toks) - i:
                    continue
                hit = entries.get(tuple(low[i:i + n]))
                # single lower-case words ("statement") match only where the rules wrote them lower-case
                if hit and (n > 1 or toks[i].text[:1].isupper() or hit[0] in ("CHANNEL", "OUTLET")):
                    s, e = toks[i].start, toks[i + n - 1].end
                    out.append(Entity(s, e, text[s:e], hit[0], "gazetteer", hit[1]))
                    nxt = i + n
                    break
    return tuple(out)


_MIDDLE_INITIAL = re.compile(r"[A-Z]\.?")  # a middle initial: one capital letter and its period


def find_capitalised_chunks(text: str, sentences: Sequence[Sentence], rules: RuleSet) -> tuple[Entity, ...]:
    """Runs of capitalised words (with name particles) that may be names, as "caps" entities.

    A run starts at a capitalised word (not a non-name word, not all capitals), goes on over
    such words, middle initials ("Leonard E. Burman") and name particles, and loses the particles at its end.
    """
    non_names = rules.words("non-name")
    particles = rules.words("name-particle")
    out: list[Entity] = []
    for sent in sentences:
        toks = sent.tokens
        n = len(toks)
        nxt = 0  # the first token after the last run
        # only a capitalised word can start a run: visit just those (most words are not)
        for s in indexes_where(map(str.isupper, map(_FIRST_CHAR, map(_TEXT, toks)))):
            if s < nxt:
                continue
            word = toks[s].text
            if word.lower() in non_names or word.isupper():
                continue
            j = s + 1
            while j < n:
                word = toks[j].text
                low = word.lower()
                dot = 0 if word.endswith(".") else 1  # "E." as one token, or "E" and "."
                if _MIDDLE_INITIAL.fullmatch(word) and j + 1 + dot < n and (not dot or toks[j + 1].text == ".") \
                        and toks[j + 1 + dot].text[:1].isupper():
                    j += 1 + dot  # "Leonard E. Burman": a middle initial and its period
                    continue
                if not (word[:1].isupper() and low not in non_names and not word.isupper()) and low not in particles:
                    break
                j += 1
            nxt = j  # token j ends the run without starting one (it is no capitalised name word)
            while j > s and toks[j - 1].text.lower() in particles:
                j -= 1
            if j > s:
                st, e = toks[s].start, toks[j - 1].end
                out.append(Entity(st, e, text[st:e], "PROPN", "caps"))
    return tuple(out)


# ---------------------------------------------------------------- annotators


class Annotator(Protocol):
    """Anything that turns articles into annotated documents."""

    name: str

    def annotate_many(self, articles: Sequence[Article]) -> list[Annotated]:
        ...


class BuiltinAnnotator:
    """The project's own annotator: sentences, tokens, capitalised chunks and gazetteer hits."""

    name = "builtin"

    def __init__(self, rules: RuleSet):
        self.rules = rules

    def annotate(self, article: Article) -> Annotated:
        """Annotate one article."""
        sents, raw = _split_sentences(article.text, self.rules.words("abbreviation"))
        ents = _gazetteer_entities(article.text, raw, self.rules) + find_capitalised_chunks(
            article.text, sents, self.rules)
        # no two of these entities are equal, nor share a sort key: the gazetteer's names and the capitalised
        # runs each start at distinct tokens, and their sources differ; so no set is needed to drop repeats
        return Annotated(article, sents, _sorted_entities(ents, unique=True), "builtin")

    def annotate_many(self, articles: Sequence[Article]) -> list[Annotated]:
        """Annotate several articles."""
        return [self.annotate(a) for a in articles]


def _sorted_entities(ents: Iterable[Entity], unique: bool = False) -> tuple[Entity, ...]:
    """The entities without repeats (``unique``: the caller knows there are none), sorted by
    (start, -end, source, label).

    For speed, three stable sorts on C-level keys, the last key first, give that order (ties keep the
    order they came in, as one sort would) without a Python key function per entity."""
    out = sorted(ents if unique else set(ents), key=_SOURCE_LABEL)
    out.sort(key=_END, reverse=True)  # reverse keeps a stable sort stable
    out.sort(key=_START)
    return tuple(out)


def from_stanza_document(article: Article, doc: Any, rules: RuleSet) -> Annotated:
    """Convert a ``stanza.Document`` (from stanza, from a CoNLL-U file, or built by hand) into an Annotated
    document.

    The sentences and tokens are always the built-in annotator's, with a sentence ending only where stanza
    ends one too (``_with_own_tokens``): the mention and cue grammar is written for them, and a parser's
    tokens lose names' hyphens, initials and party tags ("Holtz-Eakin", "R-Ky."). What stanza's words
    carry (lemmas, POS, dependencies) is laid onto those tokens by their characters (``_project``), and
    its named entities are kept as "ner" entities.
    """
    text = article.text
    words, starts = _stanza_words(doc)
    sents, raw = _with_own_tokens(text, starts, rules)
    has_pos = any(w.upos for w in words)
    has_deps = any(w.deprel for w in words)
    if has_pos or has_deps:
        sents = _project(sents, words)
    has_ner = any(getattr(t, "ner", None) not in (None, "O") for s in doc.sentences for t in s.tokens)
    ents = _one_label_per_name([Entity(e.start_char, e.end_char, e.text, e.type, "ner")
                                for e in (doc.ents if has_ner else ())])
    ents += _gazetteer_entities(text, raw, rules)
    ents += find_capitalised_chunks(text, sents, rules)
    return Annotated(article, sents, _sorted_entities(ents), "stanza", has_pos=has_pos, has_deps=has_deps,
                     has_ner=has_ner)


def _one_label_per_name(ents: list[Entity]) -> list[Entity]:
    """The named entities with one type for each name in the article, as a reader takes it: a person's surname
    alone is that person ("Trump" after "Donald Trump", where a tagger may call it a place), and any other
    name takes the type the tagger gives it most often in the article (the first of equals)."""
    surnames = {e.text.split()[-1] for e in ents if e.label == "PERSON" and " " in e.text}
    votes: dict[str, Counter[str]] = {}
    for e in ents:
        votes.setdefault(e.text, Counter())[e.label] += 1
    out = []
    for e in ents:
        label = "PERSON" if e.text in surnames else votes[e.text].most_common(1)[0][0]
        out.append(e if label == e.label else Entity(e.start, e.end, e.text, label, e.source, e.ref))
    return out


@dataclass(frozen=True)
class _Word:
    """One of stanza's words with its characters; ``head`` is the index of its head in the document's list of
    words (None for the root)."""

    start: int
    end: int
    lemma: str | None
    upos: str | None
    head: int | None
    deprel: str | None


def _stanza_word_span(word: Any) -> tuple[int, int] | None:
    """A stanza word's characters (a multi-word token's words take the token's), or None if unknown."""
    start = getattr(word, "start_char", None)
    end = getattr(word, "end_char", None)
    if start is None and getattr(word, "parent", None) is not None:
        start, end = word.parent.start_char, word.parent.end_char
    return None if start is None else (start, end)


def _stanza_words(doc: Any) -> tuple[list[_Word], set[int]]:
    """stanza's words with known characters, in document order, heads as indexes into the list; and where
    stanza's sentences start (their first such word)."""
    out: list[_Word] = []
    starts: set[int] = set()
    for s in doc.sentences:
        first = len(out)
        index: dict[int, int] = {}  # the word's id in its sentence -> its place in ``out``
        kept = []
        for w in s.words:
            span = _stanza_word_span(w)
            if span is not None:
                index[w.id] = first + len(kept)
                kept.append((w, span))
        for w, (start, end) in kept:
            head = index.get(w.head) if w.head else None
            out.append(_Word(start, end, w.lemma, w.upos, head, w.deprel))
        if kept:
            starts.add(kept[0][1][0])
    return out, starts


def _project(sents: Sequence[Sentence], words: list[_Word]) -> tuple[Sentence, ...]:
    """The sentences with each token carrying the tags of the stanza word it holds.

    A token that holds several words ("don't" as "do" + "n't") takes the one whose head lies outside the
    token; a word over several tokens gives its tags to its first token, and the others depend on it as
    parts of one word (``goeswith``). A head in another sentence is dropped (None).
    """
    starts = [w.start for w in words]
    out: list[Sentence] = []
    for sent in sents:
        toks = sent.tokens
        lo, hi = bisect_left(starts, sent.start), bisect_left(starts, sent.end)
        tok_starts = [t.start for t in toks]
        # each word -> the token that holds its first character (1-based, 0 if none in this sentence)
        home: dict[int, int] = {}
        for k in range(lo, hi):
            i = bisect_right(tok_starts, words[k].start)
            if i and words[k].start < toks[i - 1].end:
                home[k] = i
        chosen: dict[int, int] = {}  # token -> its word
        for k, i in home.items():
            if i not in chosen or home.get(words[chosen[i]].head) == i:
                chosen[i] = k  # the first word, unless its head is in the same token
        new = []
        cover = None  # the last word given to a token, and that token, for the tokens it spans after it
        for i, t in enumerate(toks, 1):
            k = chosen.get(i)
            if k is not None:
                w = words[k]
                head = 0 if w.head is None else home.get(w.head)
                head = None if head == i else head
                new.append(Token(t.text, t.start, t.end, w.lemma, w.upos, head, w.deprel if head is not None else None))
                cover = (w, i)
            elif cover is not None and t.start < cover[0].end:
                new.append(Token(t.text, t.start, t.end, None, cover[0].upos, cover[1], "goeswith"))
            else:
                new.append(t)
        out.append(Sentence(sent.start, sent.end, tuple(new)))
    return tuple(out)


def _with_own_tokens(text: str, stanza_starts: set[int], rules: RuleSet
                     ) -> tuple[tuple[Sentence, ...], list[tuple[Token, ...]]]:
    """stanza's sentences (given by where they start) on the built-in annotator's terms, and each sentence's
    tokens before abbreviations are joined (as ``_sentences_of`` gives them).

    A sentence ends where both stanza and the built-in splitter end one, or at a line break: stanza
    splits after initials and party tags ("Leonard E. | Burman", "R-Ky. | , said") and before a
    closing dash ("”― | Jane Doe"), the built-in splitter after a quote that closes a sentence. The
    tokens are the built-in ones, so names keep their hyphens and initials ("Holtz-Eakin", "R-Ky."); a
    parse's tags are laid onto them afterwards (``_project``).
    """
    abbreviations = rules.words("abbreviation")
    spans: list[list[int]] = []
    for start, end in _sentence_spans(text, abbreviations):
        if spans and start not in stanza_starts and "\n" not in text[spans[-1][1]:start]:
            spans[-1][1] = end
        else:
            spans.append([start, end])
    trimmed: list[tuple[int, int]] = []
    for start, end in spans:
        _add_span(trimmed, text, start, end)
    return _sentences_of(text, trimmed, abbreviations)


_OPTIONAL_PROCESSORS = ("pos", "lemma", "depparse", "ner")


def models_dir(given: str | os.PathLike | None = None) -> Path:
    """Where stanza's models are looked for: the given folder, $STANZA_RESOURCES_DIR, or stanza's default."""
    if given:
        return Path(given)
    if os.environ.get("STANZA_RESOURCES_DIR"):
        return Path(os.environ["STANZA_RESOURCES_DIR"])
    return Path.home() / "stanza_resources"


def installed_processors(directory: Path, lang: str = "en") -> tuple[str, ...]:
    """The stanza processors whose model files are in ``directory`` (tokenize first; empty if none)."""
    base = directory / lang
    if not (directory / "resources.json").is_file() or not any((base / "tokenize").glob("*.pt")):
        return ()
    procs = ["tokenize"] + [p for p in ("mwt", *_OPTIONAL_PROCESSORS) if any((base / p).glob("*.pt"))]
    # stanza's own requirements: lemma needs pos, depparse needs pos+lemma
    if "pos" not in procs:
        procs = [p for p in procs if p not in ("lemma", "depparse")]
    if "lemma" not in procs and "depparse" in procs:
        procs.remove("depparse")
    return tuple(procs)


class StanzaAnnotator:
    """stanza, with whichever English processors are installed (tokenize at least)."""

    name = "stanza"

    def __init__(self, rules: RuleSet, directory: Path, pipeline: Any = None):
        self.rules = rules
        self.directory = directory
        self.processors = installed_processors(directory)
        self.pipeline = stanza_pipeline(directory, self.processors) if pipeline is None else pipeline

    def annotate_many(self, articles: Sequence[Article]) -> list[Annotated]:
        """Annotate several articles in one stanza batch (faster than one call each)."""
        docs = parse_texts(self.pipeline, [a.text for a in articles])
        return [from_stanza_document(a, d, self.rules) for a, d in zip(articles, docs)]


def stanza_pipeline(directory: Path, processors: Sequence[str]) -> Any:
    """A ``stanza.Pipeline`` of the installed English ``processors`` (``installed_processors``) in ``directory``.

    Raises:
        NlpUnavailableError: none is installed, or stanza cannot load them (one line saying why).
    """
    if not processors:
        raise NlpUnavailableError(
            f"stanza's English models are not installed in {directory}; run `attrib models download` "
            f"or pass --models-dir, or use --nlp builtin")
    try:
        import stanza  # heavy: torch

        return stanza.Pipeline("en", dir=str(directory), processors=",".join(processors),
                               download_method=None, logging_level="WARN")
    except (FileNotFoundError, ValueError, RuntimeError, OSError) as e:
        raise NlpUnavailableError(f"cannot load stanza from {directory}: {e}".splitlines()[0]) from None


def parse_texts(pipeline: Any, texts: Sequence[str]) -> list[Any]:
    """stanza's ``Document`` of each text, from one bulk call (offsets kept per document; NOTES.md)."""
    import stanza

    return pipeline([stanza.Document([], text=t) for t in texts]) if texts else []


def load_annotator(mode: str, rules: RuleSet, directory: str | os.PathLike | None = None) -> tuple[Annotator, str]:
    """The annotator for ``--nlp auto|stanza|builtin`` and a one-line note saying which is used.

    Raises:
        NlpUnavailableError: ``stanza`` was asked for and cannot be loaded.
    """
    where = models_dir(directory)
    if mode == "builtin":
        return BuiltinAnnotator(rules), "nlp: built-in annotator (--nlp builtin)"
    if mode == "auto" and not installed_processors(where):
        return BuiltinAnnotator(rules), (
            f"nlp: built-in annotator (no stanza English models in {where}; "
            f"`attrib models download` or --models-dir DIR to use stanza)")
    ann = StanzaAnnotator(rules, where)
    return ann, f"nlp: stanza ({','.join(ann.processors)}) from {where}"


def download_models(directory: str | os.PathLike | None = None) -> Path:
    """Fetch stanza's English models with stanza's own downloader.

    Raises:
        NlpUnavailableError: the download failed (no network, hub unreachable, ...).
    """
    where = models_dir(directory)
    existed = where.exists()
    try:
        import stanza

        stanza.download("en", model_dir=str(where), processors="tokenize,mwt,pos,lemma,depparse,ner",
                        logging_level="WARN")
    except Exception as e:  # noqa: BLE001 - any failure of the downloader is one user-facing line
        if not existed and where.is_dir() and not any(where.iterdir()):
            where.rmdir()  # leave no empty folder behind a failed download
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise NlpUnavailableError(f"could not download stanza's English models to {where}: "
                                  f"{type(e).__name__}: {first}") from None
    return where


# ---------------------------------------------------------------- the rules-free layer (batch runs' annotation cache)


def without_rule_entities(annotated: Annotated) -> Annotated:
    """The part of a stanza annotation that does not depend on the rules: sentences, tokens, tags and NER.

    The gazetteer hits and capitalised chunks come from the rules, so an annotation
    cache keeps only this layer and ``with_rule_entities`` adds the rest on each run.
    """
    return Annotated(annotated.article, annotated.sentences, tuple(e for e in annotated.entities if e.source == "ner"),
                     annotated.nlp, annotated.has_pos, annotated.has_deps, annotated.has_ner)


def with_rule_entities(base: Annotated, rules: RuleSet) -> Annotated:
    """Add the rules' layer (gazetteer hits and capitalised chunks) to a rules-free annotation.

    ``with_rule_entities(without_rule_entities(a), rules) == a`` for what ``from_stanza_document`` makes.
    """
    text, sents = base.article.text, base.sentences
    ents = list(base.entities) + list(find_gazetteer_entities(text, sents, rules)) \
        + list(find_capitalised_chunks(text, sents, rules))
    return Annotated(base.article, sents, _sorted_entities(ents), base.nlp, base.has_pos, base.has_deps,
                     base.has_ner)
