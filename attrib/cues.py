"""Find attributions: (Annotated, quotes) -> tuple[Attribution, ...] (direct, indirect, mixed).

For every reporting cue (a verb form or phrase from the rules) in a stretch of
text that no quotation crosses, find the speaker mention and the content:

* ``X said (that) CONTENT`` / ``X told Reuters CONTENT`` -> content on the right;
* ``CONTENT, X said`` / ``"...," he told Reuters`` -> content on the left;
* ``"...," said X`` / ``CONTENT, says X`` -> inverted: speaker on the right;
* ``according to X, CONTENT`` / ``CONTENT, according to X``;
* ``..., saying/adding CONTENT`` and ``... and vowed CONTENT`` -> the speaker of
  the clause before.

Content that is exactly a quotation is a direct quote, content that holds one
is a mixed quote, the rest is indirect. A quotation with no cue of its own that
follows an attributed quotation continues its speaker. Where the annotation has
dependency relations, the speaker is the cue's subject (``nsubj``).
"""
from __future__ import annotations

import bisect
import heapq
import re
from dataclasses import dataclass, field, replace
from itertools import accumulate, chain, islice
from operator import attrgetter

from .descriptions import PARTY_TAG
from .model import Annotated, Attribution, Cue, Entity, Quote, QuoteType, Span, Token
from .ruleset import CueRule, RuleSet
from .spans import Overlaps, in_spans, indexes_where, masked_spans, non_decreasing

_QUOTE = "\x00Q"  # text of the placeholder token that stands for a whole quotation
_SENTENCE_END = {".", "!", "?"}
_POSSESSIVE = {"’s", "'s"}
_DASHES = {"–", "—", "--"}  # dashes that set off a parenthetical ("X -- a firm that ... -- said")
_ASIDE_DASHES = _DASHES | {"―"}  # ... and the horizontal bar, inside a content
_HARD = {",", ";", ":", "(", ")", "[", "]", "–", "—", "―", "-", "--", "|", ".", "!", "?", "…", "\"", "“", "”"}
_HARD_BUT_OPENING_MARKS = _HARD - {"“", "\""}  # the set differences the scans test, made once, not per token
_HARD_BUT_PERIOD = _HARD - {"."}
_MAX_NP = 14  # a longer left "noun phrase" is a clause, not a speaker
_MAX_ASIDE = 30  # the longest aside set off by dashes between a speaker and the cue, in tokens
_MAX_ANTECEDENT = 5  # the longest common-noun phrase a relative clause is taken to be about
_MIN_CONTENT_WORDS = 3  # "Pakistan denied that." reports no content
_MIN_UNATTRIBUTED_WORDS = 4  # shorter quotes with no speaker are scare quotes or titles
_WORD_RE = re.compile(r"\w+")
_MAX_SOURCE = 60  # a longer run of words after "according to" is no source (a text with no punctuation)
_DEP_WINDOW = 4 * _MAX_NP  # the words on either side of a cue that its subject's phrase is read from
_MAX_TAIL = 250  # the longest attribution clause ("..., said X, a doctor at ...") that may end a paragraph


@dataclass(slots=True)
class _Unit:
    """A stretch of text no quotation crosses: one sentence, or several joined by a quote."""

    start: int
    end: int
    toks: list[Token]  # tokens outside quotes, each quote as one placeholder token
    quotes: list[Quote]
    cue_starts: list[int] = field(default_factory=list)  # token index of each cue, in order
    # made on first use (_cut_index): for each token, the last clause boundary at or before it and the first
    # after it; and the cue starts that may end an earlier cue's content
    last_cut: list[int] | None = None
    next_cut: list[int] | None = None
    ending_cues: list[int] | None = None
    # what _previous_clause has read of the unit's cues: how many, the contents that start after the last
    # cue read (a heap), the furthest end of those that start before it, and the last cue not nested
    clauses: tuple[int, list, int, int | None] | None = None
    content_marks: tuple[list[int], ...] | None = None  # see _content_marks
    speaker_marks: tuple[list[int], list[int], list[int]] | None = None  # see _speaker_marks

    def quote_spans(self) -> set[tuple[int, int]]:
        """The (start, end) of the unit's quotes: those of its placeholder tokens, which stand for them."""
        return {(q.start, q.end) for q in self.quotes}


@dataclass(slots=True)
class _Found:
    """A cue with its speaker mention and content, before quotes are typed."""

    cue: Cue
    rule: CueRule
    unit: _Unit
    speaker: Span | None = None
    content: tuple[int, int] | None = None
    shares: int | None = None  # index into the found list
    extra: tuple[int, int] | None = None  # the first part of a split quote
    part: tuple[int, int] | None = None  # the first part of content split by its attribution ("A, X said, B")
    rule_ids: list[str] = field(default_factory=list)


class _Lexicon:
    """The word classes and cue tables of a RuleSet, looked up once per RuleSet."""

    def __init__(self, rules: RuleSet):
        self.forms: dict[str, tuple[str, CueRule]] = {}
        self.multi: dict[str, list[tuple[tuple[str, ...], str, CueRule]]] = {}  # "called for": by first word
        self.phrases: list[tuple[tuple[str, ...], CueRule]] = []
        self.phrase_first: dict[str, list[tuple[tuple[str, ...], CueRule]]] = {}  # by first word
        for rule in rules.cues:
            for lemma, forms in rule.verbs:
                for f in forms:
                    words = tuple(f.lower().split())
                    if len(words) > 1:
                        self.multi.setdefault(words[0], []).append((words, lemma, rule))
                    else:
                        self.forms.setdefault(f.lower(), (lemma, rule))
            for ph in rule.phrases:
                words = tuple(ph.lower().split())
                self.phrases.append((words, rule))
                self.phrase_first.setdefault(words[0], []).append((words, rule))
        self.lemmas = {lemma: rule for rule in rules.cues for lemma, _ in rule.verbs}
        self.starts = set(self.forms) | set(self.multi) | set(self.phrase_first)  # words that can open a cue
        w = rules.words
        self.det, self.aux, self.passive = w("determiner"), w("auxiliary"), w("passive-auxiliary")
        self.verb_group = self.aux | self.passive  # words that may stand right before a cue verb
        self.boundary, self.time, self.that = w("clause-boundary"), w("time"), w("complementizer")
        self.prep = w("preposition")
        self.non_name = w("non-name")
        self.subject_pronouns = w("pronoun-subject")
        self.ambiguous = w("ambiguous-cue")
        self.evidence = w("evidence-noun")
        self.evidence_only = w("evidence-cue")
        self.pronouns = w("pronoun-male") | w("pronoun-female") | w("pronoun-plural") | w("pronoun-thing")
        self.relative, self.coordinator, self.channel_prep = w("relative"), w("coordinator"), w("channel-preposition")
        self.relative_subject = w("relative-subject")
        self.focus = w("focus-adverb")
        self.agent = w("agent-preposition")
        self.role_words = {w.lower() for r in rules.roles for w in r.words if " " not in w}
        self.finite, self.question = w("finite-verb"), w("question-word")
        self.abbreviations = w("abbreviation")
        self.negation = w("negation")
        self.name_particles = w("affiliation-particle") | w("name-particle")
        self._names_of: Annotated | None = None  # see name_words
        self._names: dict[str, list[int]] = {}
        # set differences that the scans test a token against, made once here rather than once per token
        self.boundary_not_that = self.boundary - self.that
        self.boundary_not_that_coordinator = self.boundary_not_that - self.coordinator
        self.clause_cutters = self.boundary_not_that - self.aux - self.relative
        self.time_nouns = self.time - self.prep - self.det - {"late", "early", "last", "next", "previous",
                                                               "following", "same", "past"}
        self.not_subject = self.boundary | self.time_nouns | self.focus  # words a left subject does not open with

    def name_words(self, annotated: Annotated) -> dict[str, list[int]]:
        """Each word of the article's names that are not written in capitals -> where those names start
        (made once per article: the last article's is kept)."""
        if self._names_of is not annotated:
            names: dict[str, list[int]] = {}
            for x in annotated.entities:
                if not x.text.isupper():
                    for w in x.text.lower().split():
                        names.setdefault(w, []).append(x.start)
            self._names_of, self._names = annotated, names
        return self._names

    @classmethod
    def of(cls, rules: RuleSet) -> "_Lexicon":
        return rules.cached(cls.__name__, lambda: cls(rules))


_TOKENS = attrgetter("tokens")
_START = attrgetter("start")
_TEXT = attrgetter("text")


# The scans below write ``t.text.lower()`` and ``t.text == _QUOTE`` in place rather than through helper
# functions: they ask about a hundred times per cue, and a call would cost more than the test.


def _tokens_in(toks: list[Token], start: int, end: int) -> list[Token]:
    """``[t for t in toks if start <= t.start < end]`` for tokens sorted by start (a unit's are, ``_units``),
    found by ``bisect`` rather than by testing every token of the unit."""
    lo = bisect.bisect_left(toks, start, key=_START)
    return toks[lo:bisect.bisect_left(toks, end, lo, key=_START)]


# ---------------------------------------------------------------------- units


class _QuoteIndex:
    """The quotes of an article ordered by start, for lookups by offset with ``bisect`` (the quotes
    may come in any order; answers are the same as scanning them all)."""

    def __init__(self, quotes: tuple[Quote, ...]):
        self.quotes = quotes
        self.order = sorted(range(len(quotes)), key=lambda k: quotes[k].start)  # stable: ties keep input order
        self.starts = [quotes[k].start for k in self.order]
        self.max_end = list(accumulate((quotes[k].end for k in self.order), max))  # running max, in start order
        self.ends = {q.end for q in quotes}

    def inside(self, pos: int) -> bool:
        """Whether ``pos`` lies strictly inside a quote: ``any(q.start < pos < q.end)``."""
        k = bisect.bisect_left(self.starts, pos)  # quotes order[:k] start before pos
        return k > 0 and self.max_end[k - 1] > pos

    def starting_in(self, lo: int, hi: int) -> list[Quote]:
        """The quotes that start in ``[lo, hi)``, in input order."""
        a, b = bisect.bisect_left(self.starts, lo), bisect.bisect_left(self.starts, hi)
        return [self.quotes[k] for k in sorted(self.order[a:b])]

    def any_starting_in(self, lo: int, hi: int) -> bool:
        """Whether a quote starts in ``[lo, hi)``."""
        k = bisect.bisect_left(self.starts, lo)
        return k < len(self.starts) and self.starts[k] < hi


def _in_quotes(pos: int, quotes: list[Quote]) -> bool:
    """Whether ``pos`` lies in one of a few quotes (marks included)."""
    for q in quotes:
        if q.start <= pos < q.end:
            return True
    return False


def _units(annotated: Annotated, quotes: tuple[Quote, ...], masked, lex: _Lexicon) -> list[_Unit]:
    text = annotated.article.text
    index = _QuoteIndex(quotes)
    units: list[_Unit] = []
    for sent in annotated.sentences:
        inside_quote = index.inside(sent.start)
        if units and (inside_quote or _attribution_after_quote(text, units[-1], sent, index, lex)):
            last = units[-1]
            units[-1] = _Unit(last.start, max(last.end, sent.end), [], [])
        else:
            units.append(_Unit(sent.start, sent.end, [], []))
    all_tokens = list(chain.from_iterable(map(_TOKENS, annotated.sentences)))
    n_tokens = len(all_tokens)
    starts: list[int] | None = list(map(_START, all_tokens))
    if not non_decreasing(starts):
        starts = None  # tokens out of order (never from our annotators): no bisect, the scan below as before
    out = []
    ti = 0
    masked_at = Overlaps((s, e) for s, e, _ in masked)
    for u in units:
        u.quotes = index.starting_in(u.start, u.end)
        u.end = max([u.end] + [q.end for q in u.quotes])
        toks = [Token(_QUOTE, q.start, q.end) for q in u.quotes]  # each quotation becomes one token
        unit_masked = bool(masked) and masked_at(u.start, u.end)
        if starts is not None and not unit_masked:
            # the common case, nothing masked: the unit's tokens are a slice of the article's, less its quotes
            tj = bisect.bisect_left(starts, u.end, ti)  # the first token at or after the unit's end
            # the tokens of [ti, tj) that start in the unit: a tail of the range, the starts being sorted
            tu = bisect.bisect_left(starts, u.start, ti, tj)
            toks += _outside_quotes(all_tokens, starts, tu, tj, u.quotes) if u.quotes else all_tokens[tu:tj]
            ti = tj
        # (most units have no masked span: test for those only when there are some)
        while ti < n_tokens and all_tokens[ti].start < u.end:
            t = all_tokens[ti]
            ti += 1
            if t.start >= u.start and not (unit_masked and in_spans(t.start, masked)) and \
                    not (u.quotes and _in_quotes(t.start, u.quotes)):
                toks.append(t)
        u.toks = sorted(toks, key=_START)
        if u.toks:
            out.append(u)
    return out


def _outside_quotes(tokens: list[Token], starts: list[int], lo: int, hi: int, quotes: list[Quote]) -> list[Token]:
    """``[t for t in tokens[lo:hi] if not _in_quotes(t.start, quotes)]`` for tokens sorted by start (``starts``):
    each quote's tokens are one run, found with ``bisect``, and the runs between them are copied whole."""
    cuts = sorted((bisect.bisect_left(starts, q.start, lo, hi), bisect.bisect_left(starts, q.end, lo, hi))
                  for q in quotes)
    out: list[Token] = []
    at = lo
    for a, b in cuts:
        if a > at:
            out += tokens[at:a]
        at = max(at, b)
    out += tokens[at:hi]
    return out


def _attribution_after_quote(text: str, unit: _Unit, sent, quotes: _QuoteIndex, lex: _Lexicon) -> bool:
    """'“…?” Trump asked.' / '“….” Mr. Burman said.': a short sentence right after a quotation that
    holds a cue in its first words is that quotation's attribution."""
    if "\n" in text[unit.end:sent.start] or unit.end not in quotes.ends:
        return False
    if text[sent.start] in "“\"‘'«" or quotes.any_starting_in(sent.start, sent.end):
        return False
    words = [t.text.lower() for t in sent.tokens]
    cue = next((i for i, w in enumerate(words[:12]) if w in lex.forms), None)
    if cue is None or len(words) > 20:
        return False
    after = [w for w in words[cue + 1:] if w.isalpha()]
    # '"...." The network said it would send a reporter to the region.': a clause of its own after the cue
    return len(after) < 8 or after[0] in lex.prep or after[0] in lex.time or after[0] in lex.channel_prep


# ---------------------------------------------------------------------- cues


def _cue_tokens(unit: _Unit, lex: _Lexicon, annotated: Annotated) -> list[tuple[int, int, str, CueRule]]:
    """(first index, last index, lemma, rule) of each cue in a unit."""
    toks = unit.toks
    lows = list(map(str.lower, map(_TEXT, toks)))
    found = []
    title_case: bool | None = None  # whether the unit is a title-case headline; worked out once, when first asked
    # without part-of-speech tags only a word the cue tables list can open a cue: visit just those
    candidates = range(len(toks)) if annotated.has_pos else indexes_where(map(lex.starts.__contains__, lows))
    after = 0  # the first token not inside a cue found already
    for i in candidates:
        if i < after:
            continue
        t = toks[i]
        if t.text == _QUOTE:
            continue
        low = lows[i]
        phrase = None
        if low in lex.phrase_first:  # most words start no phrase: skip building the generator
            phrase = next(((n, r) for p, r in lex.phrase_first[low] if (n := len(p))
                           and tuple(lows[i:i + n]) == p), None)
        if phrase and phrase[1].type == "phrase" and not any(c.isalpha() for c in low) and \
                not _is_speaker_colon(toks, i, unit, annotated, lex):
            phrase = None  # a colon is a cue only after a name that opens its paragraph
        if phrase:
            found.append((i, i + phrase[0] - 1, " ".join(lows[i:i + phrase[0]]), phrase[1]))
            after = i + phrase[0]
            continue
        multi = None
        if low in lex.multi:
            multi = next(((n, lemma, r) for words, lemma, r in lex.multi[low] if (n := len(words))
                          and tuple(lows[i:i + n]) == words), None)
        if multi and (i == 0 or toks[i - 1].text.lower() not in lex.det) and (
                not annotated.has_pos or not t.upos or t.upos in ("VERB", "AUX")):
            found.append((i, i + multi[0] - 1, multi[1], multi[2]))  # "called for", "pointed out"
            after = i + multi[0]
            continue
        hit = lex.forms.get(low)
        if hit and t.text[:1].isupper() and i > 0:
            if title_case is None:
                title_case = _is_title_case(toks)
            if not title_case:
                hit = None  # "the United States", "Reuters Reports": a name, not a verb
        if annotated.has_pos and t.upos:
            if t.upos not in ("VERB", "AUX") and not (t.upos == "ADV" and hit) and not (
                    hit and t.upos == "NOUN" and _opener_follows(toks, i, lex)) and not (
                    hit and t.upos == "PROPN" and i == 0 and any(x.text == ":" for x in toks[1:4])):
                # (a tagger's noun that a colon, "that" or a quotation follows is a verb: "X reports:"; so is a
                # capitalised verb that opens its sentence before a name and a colon: "Said Ellis:")
                hit = None
            elif t.lemma and t.lemma.lower() in lex.lemmas and not hit:
                hit = (t.lemma.lower(), lex.lemmas[t.lemma.lower()])
        if hit and low in lex.ambiguous and not annotated.has_pos and not _opener_follows(toks, i, lex):
            hit = None  # "state law", "the reports", "add fuel"
        if hit and low in lex.evidence_only and not _after_evidence(toks, i, lex):
            hit = None  # "he showed them the plant"
        if hit and _is_verb_use(toks, i, lex, annotated):
            found.append((i, i, hit[0], hit[1]))
    return found


def _is_title_case(toks: list[Token]) -> bool:
    """A headline in title case ("Obama Sees 'Personal Insult' in Vote")."""
    words = [t.text for t in toks if t.text[:1].isalpha()]
    return len(words) >= 3 and sum(w[:1].isupper() for w in words) >= 0.7 * len(words)


def _opener_follows(toks: list[Token], i: int, lex: _Lexicon) -> bool:
    """Whether reported content opens right after the word at ``i`` ("that", a colon, a quotation), the word
    follows an evidence noun ("one study found"), or it ends its sentence right after a name or pronoun
    ("..., the agency reports.")."""
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if nxt is not None and (nxt.text == _QUOTE or nxt.text == ":" or nxt.text.lower() in lex.that):
        return True
    if _after_evidence(toks, i, lex):
        return True  # "one study found ..."
    prev = toks[i - 1] if i else None
    return (nxt is None or nxt.text in (".", "!", "?")) and prev is not None and prev.text != _QUOTE and (
        prev.text[:1].isupper() or prev.text.lower() in lex.pronouns)


def _after_evidence(toks: list[Token], i: int, lex: _Lexicon) -> bool:
    """Whether the word at ``i`` follows an evidence noun ("the poll shows", "one study found"), not one
    inside a prepositional phrase ("in the report found")."""
    k = i - 1
    while k >= 0 and toks[k].text.lower() in lex.aux:
        k -= 1
    return k >= 0 and toks[k].text.lower() in lex.evidence and (k == 0 or toks[k - 1].text.lower() not in lex.prep)


def _is_verb_use(toks: list[Token], i: int, lex: _Lexicon, annotated: Annotated) -> bool:
    """A cue word used as a reporting verb: not a noun ("the claim"), not passive ("was told")."""
    prev = toks[i - 1].text.lower() if i else ""
    nxt = toks[i + 1].text.lower() if i + 1 < len(toks) else ""
    word = toks[i].text.lower()
    k = i - 1  # the passive auxiliary may stand before adverbs: "was also told", "were widely reported"
    while k > 0 and (low := toks[k].text.lower()) not in lex.passive and (low in lex.focus or _is_adverb(toks[k], lex)):
        k -= 1
    if k >= 0 and toks[k].text.lower() in lex.passive and not word.endswith("ing"):
        # only "was announced by the ministry", or with a parse an agent further on
        return _passive_agent(toks, i, len(toks) - 1, lex) is not None or annotated.has_deps and (
            (dep := _dep_speaker(annotated, toks[i], lex)) is not None and dep[2] == "speaker.dependency-agent")
    if annotated.has_pos and toks[i].upos:
        return True
    if prev in _POSSESSIVE and nxt in lex.that:
        return True  # "Jane Doe's claim that ...", "the ministry's warning that ...": a nominal cue
    if prev in lex.det and prev not in lex.that or prev in _POSSESSIVE:
        return False
    if prev in lex.prep and prev != "to" and not word.endswith("ing"):
        return False  # "talked of plans", "a call for calm": a noun after a preposition
    if nxt == "of" and word.endswith("s") and not (i + 2 < len(toks) and toks[i + 2].text[:1].isupper()):
        return False  # "reports of", "claims of"; not "says of Clinton"
    return True


# ---------------------------------------------------------------------- speaker mentions


def _np_start(toks: list[Token], end: int, lo: int, lex: _Lexicon) -> int | None:
    k = end
    while k >= lo:
        t = toks[k]
        low = t.text.lower()
        if low == "as" and k - 2 >= lo and toks[k - 1].text.lower() == "well" and toks[k - 2].text.lower() == "as":
            k -= 3  # "the Taliban as well as Pakistani sources": one coordinated subject
            continue
        if t.text == _QUOTE or t.text in _HARD or low in lex.boundary or low in lex.relative:
            break
        if t.text in lex.aux:  # lower case: "Theresa May", "Will Smith" are names
            return None  # "Pakistan was for years accused": a clause, not a subject
        k -= 1
    start = k + 1
    if start > end or end - start + 1 > _MAX_NP:
        return None
    while start <= end and toks[start].text.lower() in lex.not_subject:
        start += 1  # "However the ministry said", "Yesterday the mayor said", "Even China said": not the speaker
    return start if start <= end else None


def _is_adverb(t: Token, lex: _Lexicon) -> bool:
    """A word that may stand between a passive auxiliary and its verb: a word of the rules' auxiliary class
    that is no passive auxiliary ("also", "later", "has"), or a lower-case -ly word ("widely")."""
    low = t.text.lower()
    return (low in lex.aux and low not in lex.passive) or (low.endswith("ly") and t.text.islower() and len(low) > 4)


def _skip_back(toks: list[Token], j: int, lo: int, lex: _Lexicon) -> int:
    """Step left over auxiliaries, -ly adverbs, time expressions and ", however," before a cue."""
    while j >= lo:
        low = toks[j].text.lower()
        if toks[j].text in lex.aux or low in lex.focus or (
                low.endswith("ly") and toks[j].text.islower() and len(low) > 4):
            j -= 1
        elif low in lex.time_nouns:
            k = j
            while k - 1 >= lo and toks[k - 1].text.lower() in lex.time:
                k -= 1
            if k == j and k - 1 >= lo and toks[k - 1].text[:1].isupper() and toks[j].text[:1].isupper():
                break  # "Theresa May said": a bare month after a name is part of the name
            j = k - 1
        elif toks[j].text == "," and j - 2 >= lo and toks[j - 2].text == "," \
                and toks[j - 1].text.lower() in lex.boundary:
            j -= 3
        elif toks[j].text == ")" and (k := next((k for k in range(j - 1, max(lo, j - 8) - 1, -1)
                                                 if toks[k].text == "("), None)) is not None:
            j = k - 1  # "Rep. Gwen Moore (D-Wis.) said"
        elif toks[j].text in _DASHES and (k := next((k for k in range(j - 1, max(lo, j - _MAX_ASIDE) - 1, -1)
                                                     if toks[k].text in _DASHES), None)) is not None \
                and k - 1 >= lo and toks[k - 1].text != _QUOTE and toks[k - 1].text not in _HARD:
            j = k - 1  # "John Doe, head of Acme -- the firm that owns the mine -- told me"
        else:
            break
    return j


def _left_speaker(toks: list[Token], ci: int, lo: int, lex: _Lexicon) -> tuple[int, int] | None:
    """Token range of the speaker noun phrase that ends right before the cue at ``ci``."""
    end = _skip_back(toks, ci - 1, lo, lex)
    if end < lo or toks[end].text == _QUOTE:
        return None
    if toks[end].text in _POSSESSIVE and end - 1 >= lo:
        end -= 1  # "Jane Doe's claim that ...": the possessor speaks
    if toks[end].text.lower() in lex.relative_subject and end - 2 >= lo and toks[end - 1].text == ",":
        return _antecedent(toks, end - 2, lo, lex)  # "Jane Doe, who says ...": whom the clause is about
    if toks[end].text == ",":
        # "NAME, APPOSITIVE, said" / "NAME, who ..., said"; never for "..., saying": that shares a subject
        if toks[ci].text.lower().endswith("ing"):
            return None
        k = end - 1
        if k >= lo and toks[k].text == ")":  # "NAME (D-Va.), said"
            k = next((m - 1 for m in range(k - 1, max(lo, k - 8) - 1, -1) if toks[m].text == "("), k)
        last = k
        while k >= lo and toks[k].text != _QUOTE and toks[k].text not in _HARD:
            k -= 1
        if k < lo and end - lo <= 4 and toks[lo].text[:1].isupper():
            return lo, end - 1  # "Ghani, blamed ...": a stray comma after a short name
        if last < end - 1 and 0 <= last - k <= 5 and (k < lo or toks[k].text != ",") and _opens_name(toks[k + 1], lex):
            return k + 1, end - 1  # '"...," Jane Doe (D-Va.), said': a comma after the bracket
        relative = k + 1 < end and toks[k + 1].text.lower() in lex.relative
        if k < lo or toks[k].text != "," or k == last or (end - k > _MAX_NP + 6 and not relative):
            return None
        start = _np_start(toks, _skip_back(toks, k - 1, lo, lex) if toks[k - 1].text == ")" else k - 1, lo, lex)
        while start is not None and (not _opens_name(toks[start], lex) or toks[start].text.lower() in lex.role_words) \
                and (named := _name_before_comma(toks, start, lo, lex)) is not None:
            start = named  # "Jane Doe, 56, a lawyer, ..., said", "Jane Doe, Minister of Health, Sport, said": the
            # name heads the appositives
        return (start, end - 1) if start is not None else None
    start = _np_start(toks, end, lo, lex)
    if start is not None and start - 1 > lo and toks[start - 1].text == "," \
            and toks[start].text.lower() in lex.det and (
            named := _name_before_comma(toks, start, lo, lex)) is not None and start - 1 - named >= 2:
        start = named  # "John Doe, the head of Acme -- ... -- told me": the name heads its appositive
    if start is not None and start < end and toks[end].text.lower() in lex.subject_pronouns:
        start = end  # "what he called", "the impact it said": the pronoun is the subject
    elif start is not None and start - 2 >= lo and toks[start - 1].text.lower() in lex.relative | lex.that \
            and toks[start].text.islower() and toks[start].text.lower() not in lex.det:
        # "Republicans who reviewed them told": the subject is the noun the relative clause is about
        head = _np_start(toks, start - 2, lo, lex)
        start = head if head is not None else start
    return (start, end) if start is not None else None


def _antecedent(toks: list[Token], end: int, lo: int, lex: _Lexicon) -> tuple[int, int] | None:
    """The noun phrase ending at ``end`` that a relative clause after it is about: the name that ends there
    ("X endorses Jane Doe", "Democrats on Capitol Hill"), else the noun phrase without the words of the
    clause it stands in ("included members of the government" -> "the government")."""
    def name_start(k: int) -> int:
        while k >= lo and toks[k].text[:1].isupper() and toks[k].text.lower() not in lex.det and toks[k].text != _QUOTE:
            k -= 1
        return k + 1

    start = name_start(end)
    if start <= end:
        while start - 2 >= lo and toks[start - 1].text.lower() in lex.prep and name_start(start - 2) <= start - 2:
            start = name_start(start - 2)  # "Democrats on Capitol Hill": a name that a preposition joins
        return start, end
    start = _np_start(toks, end, lo, lex)
    if start is None:
        return None
    while start < end and toks[start].text.islower() and toks[start].text.lower() not in lex.det:
        start += 1
    # a long run is a clause ("my father died 22 years ago of brain cancer, which ..."): no one to name
    return (start, end) if end - start < _MAX_ANTECEDENT else None


def _opens_name(tok: Token, lex: _Lexicon) -> bool:
    return tok.text[:1].isupper() and tok.text.lower() not in lex.det and tok.text.lower() not in lex.boundary


def _name_before_comma(toks: list[Token], start: int, lo: int, lex: _Lexicon) -> int | None:
    """Where a short run of capitalised words ending right before the comma at ``start - 1`` begins
    ("Adam Smith (D-Wash.), | 56"), if it stands alone after a clause boundary; else None."""
    j = start - 1
    while j >= lo and start - j < 10 and toks[j].text != "," and toks[j].text != _QUOTE and toks[j].text not in _HARD:
        j -= 1  # "Jane Doe, a lawyer and | spokeswoman for ...": over the rest of the appositive
    if j < lo or toks[j].text != ",":
        return None
    j -= 1
    if toks[j].text == ")":
        j = next((m - 1 for m in range(j - 1, max(lo, j - 8) - 1, -1) if toks[m].text == "("), -1)
    m = j
    while m >= lo and m > j - 6 and (toks[m].text[:1].isupper() or toks[m].text.lower() in ("’s", "'s")) \
            and toks[m].text != _QUOTE and toks[m].text.lower() not in lex.time \
            and toks[m].text.lower() not in lex.boundary:
        m -= 1
    if m == j or (m >= lo and not (toks[m].text == _QUOTE or toks[m].text in _HARD)) \
            or not _opens_name(toks[m + 1], lex):
        return None
    if toks[m + 1].text.lower() in lex.prep or toks[m + 1].text.lower() in lex.channel_prep:
        return None  # "In Washington, the ..."
    return m + 1


def _right_speaker(toks: list[Token], ci: int, hi: int, lex: _Lexicon) -> tuple[int, int] | None:
    """Token range of an inverted speaker ('"...," said X, a doctor.')."""
    i = ci + 1
    while i <= hi and toks[i].text.lower() in lex.aux:
        i += 1
    if i > hi or toks[i].text == _QUOTE or toks[i].text.lower() in lex.that or toks[i].text in _HARD \
            or toks[i].text.lower() in lex.prep:
        return None  # '"...," she shouted to the crowd': no speaker after a preposition
    j = i
    while j <= hi and toks[j].text != _QUOTE and toks[j].text not in _HARD and (
            j == i or toks[j].text.lower() not in lex.boundary or _joins_modifiers(toks, j, hi, lex)):
        j += 1
    end = j - 1
    if end - i + 1 > _MAX_NP or end < i:
        return None
    # a descriptor named in apposition: 'says Roe's partner, Sam Lee.'
    if j + 1 <= hi and toks[j].text == "," and toks[end].text.islower() and toks[end].text.lower() not in lex.pronouns:
        k = j + 1
        while k <= hi and k - j <= 4 and toks[k].text[:1].isupper() and toks[k].text.lower() not in lex.non_name:
            k += 1
        if k > j + 1 and (k > hi or toks[k].text in _HARD or toks[k].text == ","):
            return i, k - 1
    # an appositive or relative clause: "said Raz Mohamed, a shopkeeper who works near the border",
    # "said Jane Doe, who replaced John Roe as leader"
    if j <= hi and toks[j].text == "," and j + 1 <= hi and (
            toks[j + 1].text.lower() in lex.det or toks[j + 1].text.lower() in lex.relative_subject):
        k = j + 1
        while k <= hi and toks[k].text != _QUOTE and toks[k].text not in _HARD:
            k += 1
        end = k - 1
    return i, end


def _joins_modifiers(toks: list[Token], j: int, hi: int, lex: _Lexicon) -> bool:
    """Whether the coordinator at ``j`` joins two modifiers inside one noun phrase: lower-case words ("oil and
    gas worker Sam Lee") or the capitalised words of a name that a lower-case title follows ("Heart and
    Stroke senior manager Erin Kim"), rather than two speakers ("the mayor and the council", "Jane Roe and
    Sam Lee")."""
    if toks[j].text.lower() not in lex.coordinator or not 0 < j < hi:
        return False
    before, after = toks[j - 1].text, toks[j + 1].text
    if before.islower():
        return after.islower() and after.lower() not in lex.det and before.lower() not in lex.role_words
    k = j + 1
    while k <= hi and toks[k].text[:1].isupper():
        k += 1
    return before[:1].isupper() and k > j + 1 and k <= hi and toks[k].text.islower() and \
        toks[k].text not in lex.boundary | lex.det | lex.prep


def _dep_speaker(annotated: Annotated, cue_tok: Token, lex: _Lexicon) -> tuple[int, int, str] | None:
    """The cue's speaker from the dependency parse (char offsets and the rule id), or None.

    - ``speaker.dependency-subject``: the cue's nominal subject (``nsubj``) with its phrase.
    - ``speaker.dependency-relative``: a relative pronoun as that subject stands for the noun its clause
      modifies ("the department which reported": the department).
    - ``speaker.dependency-agent``: a passive cue's agent, the ``obl`` led by "by" ("it was announced by X").
    - ``speaker.dependency-shared``: a participle clause (``advcl``) without a subject shares the subject of the
      clause it modifies.
    """
    k = bisect.bisect_right(annotated.sentences, cue_tok.start, key=_START) - 1
    if k < 0 or cue_tok.start >= annotated.sentences[k].end:
        return None
    toks = annotated.sentences[k].tokens
    node = bisect.bisect_left(toks, cue_tok.start, key=_START) + 1
    if node > len(toks) or toks[node - 1].start != cue_tok.start:
        return None
    # a participle clause's subject is that of the clause it modifies ("Trump was defensive about an architect
    # who said ..., saying, “...”": Trump)
    up = toks[node - 1].head if toks[node - 1].deprel == "advcl" and cue_tok.text.lower().endswith("ing") else None
    up = up if up and abs(up - node) <= _DEP_WINDOW else None
    # the words near the cue (and that clause's verb) only, so a sentence of any length costs each cue the same
    children: dict[int, list[int]] = {}
    lo, hi = min(node, up or node), max(node, up or node)
    for n in range(max(1, lo - _DEP_WINDOW), min(len(toks), hi + _DEP_WINDOW) + 1):
        if toks[n - 1].head is not None:
            children.setdefault(toks[n - 1].head, []).append(n)

    def rel(n: int) -> str:
        return (toks[n - 1].deprel or "").split(":")[0]

    kids = children.get(node, [])
    rule = "speaker.dependency-subject"
    subj = next((k for k in kids if toks[k - 1].deprel == "nsubj"), None)
    if subj is None and any(toks[k - 1].deprel in ("aux:pass", "nsubj:pass") for k in kids):
        rule = "speaker.dependency-agent"
        subj = next((k for k in kids if rel(k) == "obl" and any(
            toks[c - 1].text.lower() in lex.agent and rel(c) == "case" for c in children.get(k, []))), None)
    if subj is None and up:
        node, rule = up, "speaker.dependency-shared"
        subj = next((k for k in children.get(node, []) if toks[k - 1].deprel == "nsubj"
                     and toks[k - 1].upos != "DET"), None)  # not "this was ..., explaining": who did, not what
    if subj is None:
        return None
    if toks[subj - 1].text.lower() in lex.relative_subject and toks[node - 1].deprel == "acl:relcl" \
            and toks[node - 1].head:
        subj = toks[node - 1].head  # "the department, which reported": the noun the clause is about
        rule = "speaker.dependency-relative"
    # the subject's phrase without a clause that modifies it ("X, who chairs the panel,") or the preposition
    # of a noun that is a relative clause's antecedent or an agent ("to the fire service which said")
    span = _subtree(children, subj, stop={node} | {k for k in children.get(subj, [])
                                                   if rel(k) in ("acl", "parataxis", "case")})
    words = [toks[n - 1] for n in sorted(span) if toks[n - 1].upos != "PUNCT" or toks[n - 1].text in (".", "’s", "'s")]
    while words and words[-1].upos == "PUNCT":
        words.pop()
    return (words[0].start, words[-1].end, rule) if words else None


def _subtree(children: dict[int, list[int]], root: int, stop: set[int]) -> set[int]:
    """``root`` and what depends on it, leaving out the nodes in ``stop`` and what depends on them."""
    span, todo = {root}, [root]
    while todo:
        for k in children.get(todo.pop(), []):
            if k not in span and k not in stop:
                span.add(k)
                todo.append(k)
    return span


# ---------------------------------------------------------------------- content


def _skip_right(toks: list[Token], i: int, hi: int, lex: _Lexicon, ents: list[Entity], rule: CueRule) -> int:
    """Index where the content starts after a cue: past recipients, time words, channels."""
    def that_ahead(k: int, limit: int = 10) -> int | None:
        for m in range(k, min(hi + 1, k + limit)):
            low = toks[m].text.lower()
            if toks[m].text == _QUOTE or toks[m].text in (",", ";", ".", ":") \
                    or low in lex.boundary_not_that_coordinator:
                return None  # "told reporters after the meeting that was held ...": a relative clause
            if low in lex.that:
                return m
        return None

    if i <= hi and rule.takes_recipient and toks[i].text != _QUOTE:
        if toks[i].text.lower() in lex.prep:
            return i  # "asked for ...": not a reporting use
        m = that_ahead(i)
        if m is not None:
            return m
        i = _skip_entity(toks, i, hi, ents) if _entity_at(toks[i], ents) else i + (0 if toks[i].text == _QUOTE else 1)
    changed = True
    while changed and i <= hi:
        changed = False
        low = toks[i].text.lower()
        if low == "to" and (m := that_ahead(i + 1)) is not None:  # "confirmed to Al Jazeera that"
            return m
        if low in lex.prep and (m := _past_phrase(toks, i + 1, hi, lex)) is not None:
            return m  # "said in an interview that ...", "says of Clinton, “...”"
        if low in lex.channel_prep and i + 1 <= hi:
            k, end, ent = bisect.bisect_left(ents, toks[i + 1].start, key=_START), toks[min(hi, i + 4)].end, None
            while k < len(ents) and ents[k].start < end:  # ents are sorted by start
                if ents[k].label in ("OUTLET", "CHANNEL"):
                    ent = ents[k]
                    break
                k += 1
            if ent:
                while i <= hi and toks[i].start < ent.end:
                    i += 1
                changed = True
                continue
        j = i
        while j <= hi and (w := toks[j].text.lower()) in lex.time and w not in lex.that and not (
                w in lex.det and (j + 1 > hi or toks[j + 1].text.lower() not in lex.time)):
            j += 1  # "on Thursday", "late on Wednesday", "the next day"; not "later | that the ..."
        if any(t.text.lower() in lex.time_nouns for t in toks[i:j]):  # "on Thursday", not "that the"
            i = j
            changed = True
        elif toks[i].text == "," and i + 2 <= hi and toks[i + 1].text.lower() in lex.boundary \
                and toks[i + 2].text == ",":
            i += 3  # "said, however, that ..."
            changed = True
        elif toks[i].text in (",", ":") or low in lex.aux:
            i += 1
            changed = True
    return i


def _past_phrase(toks: list[Token], i: int, hi: int, lex: _Lexicon, limit: int = 12) -> int | None:
    """After a preposition at ``i - 1``: where a "that" clause or a quotation starts within a few words
    ("in a blog post that ...", "on the other hand, “...”"), else None."""
    for m in range(i, min(hi + 1, i + limit)):
        t = toks[m]
        if t.text == _QUOTE or t.text in (";", ".", "!", "?") or t.text.lower() in lex.boundary_not_that:
            return None
        if t.text.lower() in lex.that and m > i:
            return m
        if t.text in (",", ":") and m > i:
            if m + 1 <= hi and (toks[m + 1].text == _QUOTE or toks[m + 1].text.lower() in lex.that):
                return m + 1
            # "says at a stop in Toledo, Ohio, that ...": a place name set off by commas
            if not (t.text == "," and m + 1 <= hi and toks[m + 1].text[:1].isupper()):
                return None
    return None


def _entity_at(tok: Token, ents: list[Entity]) -> Entity | None:
    """The first of ``ents`` (sorted by start) that starts at the token."""
    k = bisect.bisect_left(ents, tok.start, key=_START)
    return ents[k] if k < len(ents) and ents[k].start == tok.start else None


def _skip_entity(toks: list[Token], i: int, hi: int, ents: list[Entity]) -> int:
    e = _entity_at(toks[i], ents)
    while i <= hi and e and toks[i].start < e.end:
        i += 1
    return i


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and (text[s].isspace() or text[s] in ",;:–—―-|"):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:.–—―-|"):
        e -= 1
    return s, e


def _has_words(text: str, n: int, start: int = 0, end: int | None = None) -> bool:
    """Whether ``text[start:end]`` holds at least ``n`` (>= 1) words, i.e. ``len(_WORD_RE.findall(...)) >= n``,
    reading no further than the ``n``-th word (a content may run over a paragraph) and copying nothing."""
    found = _WORD_RE.finditer(text, start, len(text) if end is None else end)
    return next(islice(found, n - 1, None), None) is not None


# ---------------------------------------------------------------------- main


def find_attributions(annotated: Annotated, quotes: tuple[Quote, ...], rules: RuleSet) -> tuple[Attribution, ...]:
    """Attributed quotations of one article, in text order.

    Args:
        annotated: the article with sentences, tokens and entities.
        quotes: the quotations in marks (from ``find_quotes``).
        rules: cue rules and word classes.

    Returns:
        Attributions (direct, indirect, mixed) sorted by (start, end); ``mention`` is the raw
        speaker mention as written (resolved to a speaker later).
    """
    text = annotated.article.text
    lex = _Lexicon.of(rules)
    ents = sorted((e for e in annotated.entities if e.label in ("OUTLET", "CHANNEL")), key=_START)  # (they are)
    found: list[_Found] = []
    units = _units(annotated, quotes, masked_spans(text, rules), lex)
    for unit in units:
        _find_in_unit(annotated, unit, lex, ents, found)
    for f in found:
        if f.speaker is not None and not _plausible_speaker(f, lex):
            # "In a Bloomberg interview Trump declared": the name that ends the phrase; else no speaker
            # rather than a clause taken for one ("he had fought in Vietnam")
            f.speaker = _closing_name(f, lex, text)
    return _type_and_attach(annotated, found, quotes, ents, lex, rules.scope == "statements")


def _closing_name(f: _Found, lex: _Lexicon, text: str) -> Span | None:
    """The run of capitalised words that ends a speaker mention, if a lower-case word stands before it."""
    toks = f.unit.toks
    lo, hi = _token_range(toks, f.speaker.start, f.speaker.end)  # the mention's tokens, not copied
    k = hi - 1
    while k >= lo and toks[k].text[:1].isupper() and toks[k].text.lower() not in lex.det:
        k -= 1
    if k < lo or k == hi - 1 or not toks[k].text.islower() or toks[k].text.lower() in lex.prep:
        return None
    s, e = toks[k + 1].start, toks[hi - 1].end
    return Span(s, e, text[s:e])


def _plausible_speaker(f: _Found, lex: _Lexicon) -> bool:
    """Whether a speaker mention reads as a noun phrase: it does not open with a preposition or a clitic
    ("in many cases", "'s a small fraction") and holds no auxiliary verb before any comma or relative
    pronoun that opens its appositive or relative clause ("he had fought in Vietnam").

    Read from the unit's indexes (``_speaker_marks``): a mention may run to the end of a long unit."""
    lo, hi = _token_range(f.unit.toks, f.speaker.start, f.speaker.end)
    next_word, next_head, aux_before = _speaker_marks(f.unit, lex)
    first = next_word[lo]  # quotations are left out
    if first >= hi:
        return False
    text = f.unit.toks[first].text
    if text.lower() in lex.prep or text[:1] in "'’":
        return False
    head = min(next_head[lo], hi)
    # lower case only: "Theresa May", "Will Smith" are names
    return aux_before[head] == aux_before[lo]


def _token_range(toks: list[Token], start: int, end: int) -> tuple[int, int]:
    """``_tokens_in`` as indexes ``lo, hi`` into ``toks`` (``toks[lo:hi]``), without copying the tokens."""
    lo = bisect.bisect_left(toks, start, key=_START)
    return lo, bisect.bisect_left(toks, end, lo, key=_START)


def _speaker_marks(unit: _Unit, lex: _Lexicon) -> tuple[list[int], list[int], list[int]]:
    """The unit's indexes for ``_plausible_speaker`` (made once): for each token index, the first token at or
    after it that is not a quotation, and the first comma, parenthesis or relative pronoun; and the number of
    lower-case auxiliaries before each index."""
    if unit.speaker_marks is None:
        toks = unit.toks
        unit.speaker_marks = (_next_where([t.text != _QUOTE for t in toks]),
                              _next_where([t.text in (",", "(") or t.text.lower() in lex.relative for t in toks]),
                              [0, *accumulate(t.text.islower() and t.text in lex.aux for t in toks)])
    return unit.speaker_marks


def _find_in_unit(annotated: Annotated, unit: _Unit, lex: _Lexicon, ents: list[Entity], found: list[_Found]) -> None:
    text = annotated.article.text
    toks = unit.toks
    hi = len(toks) - 1
    # a dash is a cue only right after a quotation ('"…" ― Jane Doe'); elsewhere it is no later cue
    # that could end an earlier cue's content ("moot because it is up to the electors — loyal partisans — to")
    cues = [c for c in _cue_tokens(unit, lex, annotated)
            if c[3].type != "dash" or (c[0] > 0 and toks[c[0] - 1].text == _QUOTE)]
    unit.cue_starts = [c[0] for c in cues]
    first_here = len(found)
    for n, (ci, cj, lemma, rule) in enumerate(cues):
        cue = Cue(toks[ci].start, toks[cj].end, text[toks[ci].start:toks[cj].end], lemma, rule.id, rule.cue_class)
        f = _Found(cue, rule, unit, rule_ids=[rule.id])
        prev = n - 1
        while prev >= 0 and cues[prev][0] > 0 and toks[cues[prev][0] - 1].text.lower() in lex.relative:
            prev -= 1  # "Jane Roe, an expert who writes about X, noted ...": a cue in a relative clause of the
            # speaker's phrase does not end the search for the speaker
        prev_end = cues[prev][1] + 1 if prev >= 0 else 0
        next_start = cues[n + 1][0] if n + 1 < len(cues) else hi + 1
        if rule.type == "dash":
            _quote_dash(f, toks, ci, hi, text)
            if f.content is None:
                continue  # a dash inside a sentence is no cue
        elif rule.type == "phrase" and not any(c.isalpha() for c in cue.text):
            _speaker_colon(f, toks, ci, text)
        elif rule.type == "phrase":
            _according_to(f, toks, ci, cj, prev_end, next_start, hi, lex, text)
        else:
            _verb_cue(annotated, f, toks, ci, cj, prev_end, next_start, hi, lex, ents, text, found, first_here)
        found.append(f)
    _opening_participles(found, first_here, toks, lex)


def _opening_participles(found: list[_Found], first_here: int, toks: list[Token], lex: _Lexicon) -> None:
    """'Citing the figures, Jane Doe said ...': a participle cue that opens its sentence shares the speaker of
    the next cue in that sentence."""
    for n in range(first_here, len(found)):
        f = found[n]
        if f.speaker is not None or f.shares is not None or not f.cue.text.lower().endswith("ing"):
            continue
        ci = next(k for k, t in enumerate(toks) if t.start == f.cue.start)
        k = ci - 1
        while k >= 0 and toks[k].text not in _SENTENCE_END and (
                toks[k].text == _QUOTE or toks[k].text in _HARD or toks[k].text.lower() in lex.boundary):
            k -= 1
        if k >= 0 and toks[k].text not in _SENTENCE_END:
            continue  # words stand before the cue in its sentence: "X was defiant, saying ..." is handled apart
        end = next((t.start for t in toks[ci:] if t.text in _SENTENCE_END), toks[-1].end)
        later = next((m for m in range(n + 1, len(found)) if found[m].cue.start < end
                      and found[_root(found, m)].speaker is not None), None)
        if later is not None:
            f.shares = later
            f.rule_ids.append("speaker.elided")


def _clause_cut(unit: _Unit, start: int, next_cue: int, lex: _Lexicon) -> int:
    """Where a content that runs up to the next cue must stop: at that cue's clause boundary, the last one
    after ``start`` and before ``next_cue``."""
    _cut_index(unit, lex)
    k = unit.last_cut[next_cue - 1] if next_cue > 0 else -1  # type: ignore[index]
    # not at an adverb: "said parents still want ...", nor inside the next subject:
    # "..., and officials who attended them said"
    return k if k > start else len(unit.toks)  # "told local media his government had asked ...": a cue
    # nested in the content


def _cut_index(unit: _Unit, lex: _Lexicon) -> None:
    """Fill the unit's ``last_cut``, ``next_cut`` and ``ending_cues`` (once): ``_clause_cut`` and
    ``_right_content`` then take constant or logarithmic time, not a scan back from every later cue."""
    if unit.last_cut is not None:
        return
    toks = unit.toks
    is_cut = [t.text in (",", ";", "—", "―", "–", "--") or t.text.lower() in lex.clause_cutters for t in toks]
    last, k = [], -1
    for i, cut in enumerate(is_cut):
        k = i if cut else k
        last.append(k)
    nxt, k = [0] * len(toks), len(toks)
    for i in range(len(toks) - 1, -1, -1):
        k = i if is_cut[i] else k
        nxt[i] = k
    hi = len(toks) - 1
    # "... because they had asked for the figures": no reporting use, it ends nothing; "... and donors who
    # want to see ...": a relative clause inside the content
    unit.ending_cues = [later for later in unit.cue_starts
                        if not (later + 1 <= hi and toks[later + 1].text.lower() in lex.prep
                                and toks[later + 1].text.lower() != "to")
                        and toks[later - 1].text.lower() not in lex.relative]
    unit.last_cut, unit.next_cut = last, nxt


def _passive_agent(toks: list[Token], cj: int, hi: int, lex: _Lexicon) -> tuple[int, int] | None:
    """The agent of a passive cue: "it was announced by the ministry that ...", a noun phrase after an agent
    preposition, up to "that", a comma or a quotation."""
    if cj + 2 > hi or toks[cj + 1].text.lower() not in lex.agent or toks[cj + 2].text == _QUOTE \
            or toks[cj + 2].text in _HARD or toks[cj + 2].text.lower() in lex.prep \
            or toks[cj + 2].text.lower() in lex.boundary:
        return None
    k = cj + 2
    while k <= hi and toks[k].text != _QUOTE and toks[k].text not in _HARD and toks[k].text.lower() not in lex.that:
        k += 1
    if k <= hi and toks[k].text == ",":  # "by Jane Doe, the mayor, that ...": over the appositive
        c = next((m for m in range(k + 1, min(hi, k + _MAX_NP) + 1) if toks[m].text == ","), None)
        if c is not None and c + 1 <= hi and (toks[c + 1].text.lower() in lex.that or toks[c + 1].text == _QUOTE):
            k = c
    return (cj + 2, k - 1) if k - 1 - (cj + 2) < _MAX_NP and k <= hi and (
        toks[k].text.lower() in lex.that or toks[k].text in (",", ":")) else None


def _verb_cue(annotated, f: _Found, toks, ci, cj, prev_end, next_start, hi, lex, ents, text, found, first_here) -> None:
    is_participle = toks[ci].text.lower().endswith("ing")
    agent = _passive_agent(toks, cj, hi, lex) if ci and toks[ci - 1].text.lower() in lex.verb_group else None
    dep = _dep_speaker(annotated, toks[ci], lex) if annotated.has_deps else None
    if agent is None and dep is not None and dep[2] == "speaker.dependency-agent":
        # "it was confirmed on Monday by the fire service that ...": the parse's agent, its content after it
        last = bisect.bisect_left(toks, dep[1], key=_START) - 1
        f.speaker = Span(dep[0], dep[1], text[dep[0]:dep[1]])
        f.rule_ids.append(dep[2])
        f.content, _ = _right_content(f, toks, max(last, cj), next_start, hi, lex, ents, text)
        return
    if agent is not None:
        s, e = toks[agent[0]].start, toks[agent[1]].end
        f.speaker = Span(s, e, text[s:e])
        f.rule_ids.append("cue.passive-agent")
        f.content, _ = _right_content(f, toks, agent[1], next_start, hi, lex, ents, text)
        return
    left_bound = prev_end
    right, right_has_words = _right_content(f, toks, cj, next_start, hi, lex, ents, text)
    # the speaker: the left noun phrase, else inverted, else the parse's, else the clause before
    left = _left_speaker(toks, ci, left_bound, lex)
    if left and PARTY_TAG.fullmatch(toks[left[0]].text) and left[0] - 2 >= left_bound and toks[left[0] - 1].text == ",":
        k = left[0] - 2  # "Jane Roe, D-Mich., the ranking member, said": the name before the party tag
        while k - 1 >= left_bound and toks[k - 1].text[:1].isupper():
            k -= 1
        left = (k, left[1]) if toks[left[0] - 2].text[:1].isupper() else left
    if left and toks[left[0]].text.lower() in lex.prep:
        # "In a radio interview Ahmad Wali declared": the name that ends the phrase; "... and in a carefully
        # worded response said": no subject stands there
        k = left[1]
        while k >= left[0] and toks[k].text[:1].isupper() and toks[k].text.lower() not in lex.det:
            k -= 1
        d = max((j for j in range(left[0] + 2, left[1]) if toks[j].text.lower() in lex.det), default=None)
        if left[0] <= k < left[1] and toks[k].text.islower():
            left = (k + 1, left[1])
        elif d is not None and toks[left[1]].text.islower():
            left = (d, left[1])  # "In early November the company announced": the noun phrase after the adverbial
        else:
            left = None
    if ci > left_bound and (toks[ci - 1].text.lower() == "to" or (
            is_participle and (toks[ci - 1].text.lower() in lex.prep or toks[ci - 1].text.lower() in lex.boundary))):
        # "X refused to admit ...", "X began by saying ...": a non-finite cue; its speaker is the subject of
        # the verb before it, else of the clause
        verb = ci - 2
        named = _name_at_start(toks, left_bound, ci - 1, lex)
        if named and toks[named[0]].text.lower() in lex.det:
            named = None
        left = _pronoun_at_start(toks, left_bound, ci - 1, lex) or named \
            or _clause_subject(toks, left_bound, ci - 1, lex) \
            or (_left_speaker(toks, verb, left_bound, lex) if verb > left_bound and toks[verb].text.isalpha()
                and toks[verb].text.islower() else None) or _name_at_start(toks, left_bound, ci - 1, lex)
        if left and not (toks[left[0]].text[:1].isupper() or toks[left[0]].text.lower() in lex.det):
            left = None  # "going on to say": no noun phrase stands there
    if left and is_participle and left[1] == ci - 1 and toks[ci - 1].text[:1].isupper():
        left = _antecedent(toks, ci - 1, left_bound, lex) or left  # "footage of Jane Doe saying": the name
    before_cue = _skip_back(toks, ci - 1, left_bound, lex)
    if left and before_cue >= left_bound and toks[before_cue].text == "," \
            and not is_participle and not f.rule.takes_recipient and _clause_like(toks, left, lex) \
            and _inverted_at_end(toks, cj, next_start, hi, lex):
        left = None  # "CONTENT, said one source.": a clause, not a speaker and appositive, stands before the comma
    at_boundary = before_cue < left_bound or toks[before_cue].text == _QUOTE \
        or toks[before_cue].text in (",", ":", "—", "–")
    if left:
        s, e = toks[left[0]].start, toks[left[1]].end
        f.speaker = Span(s, e, text[s:e])
        if right_has_words and _quote_before(toks, left[0], left_bound) and not (
                right and _opens_content(toks, right, lex, text)):
            # '"...," Jane Doe told the audience on Friday.': the quotation is the content, not what follows
            right, right_has_words = None, False
    elif at_boundary and not is_participle and not f.rule.takes_recipient and (
            before_cue >= left_bound or ci == left_bound == 0 and toks[ci].text[:1].isupper()):  # 'Said X: "..."'
        inv = _right_speaker(toks, cj, next_start - 1 if next_start <= hi else hi, lex)
        if inv:
            s, e = toks[inv[0]].start, toks[inv[1]].end
            f.speaker = Span(s, e, text[s:e])
            f.rule_ids.append("cue.inverted")
            right, right_has_words = None, False
            after = inv[1] + 1
            if after <= hi and next_start > after:
                rs = after
                while rs <= hi and toks[rs].text in (",", ":"):
                    rs += 1
                if rs <= hi and toks[rs].text == _QUOTE:
                    right = (toks[rs].start, toks[rs].end)  # '"A," said X, "B."' -> B
    # the parse where the grammar found no speaker: where both find one and differ, the grammar was right
    # more often on polnear_dev's real parses, even where the cue heads a relative clause (README, "What a
    # parse adds")
    if dep and f.speaker is None:
        f.speaker = Span(dep[0], dep[1], text[dep[0]:dep[1]])
        f.rule_ids.append(dep[2])
    if f.speaker is None:
        prev = _previous_clause(found, first_here, f.unit)
        if prev is not None and found[_root(found, prev)].speaker is not None:
            f.shares = prev  # "..., adding: ...", "... and vowed ...": the previous clause's speaker
            f.rule_ids.append("speaker.elided")
        elif is_participle and before_cue >= left_bound and toks[before_cue].text == "," and \
                (subj := _clause_subject(toks, 0, before_cue, lex) or _name_at_start(toks, 0, before_cue, lex)):
            s, e = toks[subj[0]].start, toks[subj[1]].end  # "Jane Doe was defiant, saying ...": the clause's subject
            f.speaker = Span(s, e, text[s:e])
            f.rule_ids.append("speaker.elided")
        elif before_cue >= left_bound and toks[before_cue].text.lower() in lex.coordinator:
            subj = _clause_subject(toks, left_bound, before_cue, lex)  # "He did not elaborate but told ..."
            if subj:
                s, e = toks[subj[0]].start, toks[subj[1]].end
                f.speaker = Span(s, e, text[s:e])
                f.rule_ids.append("speaker.elided")
    if left and _parenthetical(f, toks, cj, left, left_bound, next_start, hi, lex, ents, text):
        return
    if right or right_has_words:
        f.content = right
        if right and f.speaker is not None and right in f.unit.quote_spans():
            # '"A," he said, "B."': the quote right before the attribution is the same speaker's
            k = bisect.bisect_left(toks, min(f.speaker.start, f.cue.start), key=_START)  # the first token there
            k = (k if k < len(toks) else 0) - 1
            while k >= left_bound and toks[k].text in (",", ":"):
                k -= 1
            if k >= left_bound and toks[k].text == _QUOTE:
                f.extra = (toks[k].start, toks[k].end)
        return
    # content on the left: "CONTENT, X said" / '"...," he said'
    end_tok = None
    if f.speaker is not None and "cue.inverted" not in f.rule_ids and "speaker.elided" not in f.rule_ids:
        end_tok = bisect.bisect_left(toks, f.speaker.start, key=_START) - 1  # before the speaker's first token
    elif "cue.inverted" in f.rule_ids or at_boundary:
        end_tok = before_cue
    if end_tok is None or end_tok < left_bound:
        return
    start_tok = left_bound
    while start_tok <= end_tok and (toks[start_tok].text.lower() in lex.boundary
                                    or toks[start_tok].text in _HARD_BUT_OPENING_MARKS):
        start_tok += 1
    if start_tok > end_tok:
        return
    s, e = _trim(text, toks[start_tok].start, toks[end_tok].end)
    if e > s and (_has_words(text[s:e], _MIN_CONTENT_WORDS)
                  or any(t.text == _QUOTE for t in toks[start_tok:end_tok + 1])):
        f.content = (s, e)


def _clause_like(toks, span: tuple[int, int], lex) -> bool:
    """Whether a span read as a speaker looks like a clause instead: it opens with a preposition or holds an
    auxiliary or a clause boundary ("for some, the losses would outstrip the gains")."""
    words = [t.text.lower() for t in toks[span[0]:span[1] + 1]]
    return words[0] in lex.prep or any(w in lex.aux or w in lex.boundary for w in words)


def _inverted_at_end(toks, cj, next_start, hi, lex) -> bool:
    """Whether a speaker noun phrase follows the cue and ends the sentence (", said Jane Doe.")."""
    inv = _right_speaker(toks, cj, next_start - 1 if next_start <= hi else hi, lex)
    if inv is None or toks[inv[0]].text.lower() in lex.time \
            or not (inv[1] == hi or toks[inv[1] + 1].text in (".", "!", "?")):
        return False
    head = next((k for k in range(inv[0], inv[1] + 1) if toks[k].text == ","), inv[1] + 1)  # before an appositive
    return not any(t.text.lower() in lex.aux or t.text.lower() in lex.forms or t.text.lower() in lex.that
                   for t in toks[inv[0]:head])


def _previous_clause(found: list[_Found], first_here: int, unit: _Unit) -> int | None:
    """The last cue found in this unit that is not nested in the content of an earlier one.

    The unit's cues come in text order and each content is set before the next cue is found, so each cue
    is read once: is it inside a content of an earlier cue (one that starts at or before it and ends after)?
    """
    seen, later, furthest, last = unit.clauses or (0, [], -1, None)
    for n in range(first_here + seen, len(found)):
        pos = found[n].cue.start
        while later and later[0][0] <= pos:
            furthest = max(furthest, heapq.heappop(later)[1])
        if furthest <= pos:
            last = n
        if found[n].content:
            heapq.heappush(later, found[n].content)
    unit.clauses = (len(found) - first_here, later, furthest, last)
    return last


def _right_content(f: _Found, toks, ci, next_start, hi, lex, ents, text) -> tuple[tuple[int, int] | None, bool]:
    """The content after a cue, and whether any words stand there at all (then none is on the left)."""
    cs = _skip_right(toks, ci + 1, hi, lex, ents, f.rule)
    ce = hi
    # "said that X would formally declare ... and suggested ...": a cue nested in the content does not end
    # it; the first later cue that opens a clause of its own does, when a clause boundary stands between
    unit = f.unit
    _cut_index(unit, lex)
    first_cut = unit.next_cut[cs + 1] if cs + 1 < len(toks) else len(toks)  # type: ignore[index]
    n = bisect.bisect_left(unit.ending_cues, max(next_start, first_cut + 1))  # type: ignore[arg-type]
    if n < len(unit.ending_cues):  # type: ignore[arg-type]
        ce = _clause_cut(unit, cs, unit.ending_cues[n], lex) - 1  # type: ignore[index]
    # the first bar, then the first dash that opens an aside, found in the unit's indexes (a content may run
    # to the end of a long unit, and every cue has one)
    next_bar, aside_dashes, next_word, next_quote, _ = _content_marks(unit, lex)
    if cs <= ce and next_bar[cs] <= ce:
        ce = next_bar[cs] - 1  # "X says Y | Outlet name": a headline ends at the bar
    n = bisect.bisect_right(aside_dashes, cs)
    if n < len(aside_dashes) and aside_dashes[n] < ce:
        ce = aside_dashes[n] - 1  # "that he paid no tax ― as was true for years ―": the writer's aside ends it
    if cs > ce or toks[cs].text in (".", "!", "?"):
        return None, False  # '…,'' he said. ''Next…'': the sentence ended at the cue
    first = toks[cs]
    after_comma = cs - 1 > ci and toks[cs - 1].text == ","
    has_words = next_word[cs] <= ce  # a token that is neither a quotation nor a hard mark
    if first.text == _QUOTE:
        if after_comma and has_words:
            return None, False
    elif (after_comma and first.text.lower() not in lex.that) or first.text.lower() in lex.boundary_not_that or (
            first.text.lower() in lex.prep and (first.text.lower() != "to" or cs + 1 > ce
                                                or toks[cs + 1].text.lower() in lex.det
                                                or toks[cs + 1].text[:1].isupper())):
        # ", referring to ...", "near Chaman", ", but the Taliban ...": not the cue's complement
        return None, False
    s, e = _trim(text, first.start, toks[ce].end)
    if e > s and (_has_words(text, _MIN_CONTENT_WORDS, s, e) or next_quote[cs] <= ce):
        return (s, e), True
    return None, has_words


def _content_marks(unit: _Unit, lex: _Lexicon) -> tuple[list[int], ...]:
    """The unit's indexes for ``_right_content`` and ``_according_to`` (made once): for each token index, the
    first bar, word token (neither a quotation nor a hard mark) and quotation at or after it (``len(toks)``
    when none); the sorted indexes of the dashes that open a writer's aside (a boundary word, not a
    coordinator, follows); and for each token index the first quotation or hard mark at or after it."""
    if unit.content_marks is None:
        toks = unit.toks
        aside = [k for k, t in enumerate(toks[:-1]) if t.text in _ASIDE_DASHES
                 and toks[k + 1].text.lower() in lex.boundary and toks[k + 1].text.lower() not in lex.coordinator]
        stops = [t.text == _QUOTE or t.text in _HARD for t in toks]
        unit.content_marks = (_next_where([t.text == "|" for t in toks]), aside,
                              _next_where([not stop for stop in stops]), _next_where([t.text == _QUOTE for t in toks]),
                              _next_where(stops))
    return unit.content_marks


def _next_where(flags: list[bool]) -> list[int]:
    """For each index of ``flags`` and one past the end, the first index at or after it whose flag is set
    (``len(flags)`` when none is)."""
    out, k = [len(flags)] * (len(flags) + 1), len(flags)
    for i in range(len(flags) - 1, -1, -1):
        if flags[i]:
            k = i
        out[i] = k
    return out


def _parenthetical(f: _Found, toks, ci, left, left_bound, next_start, hi, lex, ents, text) -> bool:
    """'A, X said, B.': an attribution set off by commas inside its content; A and B become two parts.

    Returns whether the shape was found (then ``f.content`` and ``f.part`` are set).
    """
    if left[0] - 1 <= left_bound or toks[left[0] - 1].text != ",":
        return False
    cs = _skip_right(toks, ci + 1, hi, lex, ents, f.rule)
    comma = next((k for k in range(ci + 1, min(cs, hi + 1)) if toks[k].text == ","), None)
    if comma is None or comma + 1 > hi or comma + 1 >= next_start:
        return False  # "..., X said, adding: ...": what follows is the next cue's
    cs = comma + 1  # "The museum, he said, would ...": B keeps its auxiliary
    if toks[cs].text.lower() in lex.boundary and next_start <= hi:
        return False  # "A, an official said, but the group denies it, saying ...": B is another party's
    if cs < hi and toks[cs].text.lower() in lex.coordinator:
        cs += 1  # "A, the agency said, and B": B goes on with what is reported
    if toks[cs].text == _QUOTE or toks[cs].text.lower() in lex.relative or toks[cs].text.lower() in lex.that or (
            toks[cs].text.lower() in lex.boundary and cs + 1 <= hi and toks[cs + 1].text == ","):
        return False  # "A, he said, which ...", "A, he said, however, ...": no more of the content
    ce = _clause_cut(f.unit, cs, next_start, lex) - 1 if next_start <= hi else hi
    a = left_bound
    while a < left[0] - 1 and (toks[a].text.lower() in lex.boundary or toks[a].text in _HARD_BUT_OPENING_MARKS):
        a += 1
    if a >= left[0] - 1 or ce < cs or any(t.text in (".", "!", "?", ";") for t in toks[a:left[0] - 1]):
        return False
    if (a == left[0] - 2 and toks[a].text == _QUOTE) or any(t.text == _QUOTE for t in toks[cs:ce + 1]) and ce == cs:
        return False  # '"A," he said, "B."' is a split quotation
    ps, pe = _trim(text, toks[a].start, toks[left[0] - 2].end)
    s, e = _trim(text, toks[cs].start, toks[ce].end)
    if pe <= ps or e <= s or not _has_words(text[s:e], 2):
        return False
    f.part, f.content = (ps, pe), (s, e)
    f.rule_ids.append("cue.parenthetical")
    return True


def _quote_before(toks: list[Token], k: int, lo: int) -> bool:
    """Whether a quotation (and at most a comma) stands right before token ``k``."""
    k -= 1
    while k >= lo and toks[k].text == ",":
        k -= 1
    return k >= lo and toks[k].text == _QUOTE


def _opens_content(toks: list[Token], span: tuple[int, int], lex: _Lexicon, text: str) -> bool:
    """Whether a right-hand content opens as reported speech does: with "that", a colon or a quotation."""
    first = next((t for t in toks if t.start >= span[0]), None)
    return first is not None and (first.text == _QUOTE or first.text.lower() in lex.that
                                  or text[:span[0]].rstrip().endswith(":"))


def _clause_subject(toks: list[Token], lo: int, hi: int, lex: _Lexicon) -> tuple[int, int] | None:
    """The subject at the start of a clause: the words before its first auxiliary or verb-like word.

    An opening adverbial ("In August, ...", "During the debate, ...") is stepped over first.
    """
    if lo < hi and _opens_adverbial(toks, lo, lex):
        comma = next((m for m in range(lo, min(hi, lo + 10)) if toks[m].text == ","), None)
        if comma is None:
            return None
        lo = comma + 1
    if lo < hi and toks[lo].text[:1].isupper() and toks[lo].text.lower() not in lex.non_name:
        # a name opens the clause: it ends at the first lower-case word that is no particle of it
        # ("U.S. Secretary of State Mike Pompeo praised ...")
        k = lo + 1
        while k < hi and toks[k].text != _QUOTE and (
                toks[k].text[:1].isupper() or toks[k].text.lower() in lex.name_particles
                or toks[k].text.lower() in lex.role_words and toks[k + 1].text[:1].isupper()):
            k += 1  # "Democratic candidate Hillary Clinton": a title between capitalised words is part of it
        while k - 1 > lo and not toks[k - 1].text[:1].isupper():
            k -= 1
        if k - lo <= 8 and k < hi and toks[k].text.islower():
            return lo, k - 1
    if lo < hi and toks[lo].text.lower() in lex.det:
        # "The diocese issued a statement": a noun phrase up to the first verb form (an -ed word, a cue's form)
        k = lo + 1
        while k < hi and toks[k].text.isalpha() and not (toks[k].text.islower() and (
                toks[k].text.endswith("ed") or toks[k].text.lower() in lex.forms or toks[k].text.lower() in lex.aux)):
            k += 1
        if lo + 1 < k <= lo + 4 and k < hi and toks[k].text.islower():
            return lo, k - 1
    k = lo
    while k < hi and toks[k].text != _QUOTE and toks[k].text not in _HARD and toks[k].text.lower() not in lex.aux \
            and toks[k].text.lower() not in lex.boundary:
        k += 1
    return (lo, k - 1) if lo < k and k - lo <= 6 and k < hi else None


def _opens_adverbial(toks: list[Token], k: int, lex: _Lexicon) -> bool:
    """Whether a clause's first word opens an adverbial ("In May, ...", "Last week, ...", "However, ...",
    "Stung by the defeat, ...", "Speaking to reporters, ...")."""
    low = toks[k].text.lower()
    if low in lex.prep or low in lex.channel_prep or low in lex.boundary or low in lex.time:
        return True
    return len(low) > 5 and low.endswith(("ed", "ing")) and k + 1 < len(toks) and toks[k + 1].text.islower()


def _pronoun_at_start(toks: list[Token], lo: int, hi: int, lex: _Lexicon) -> tuple[int, int] | None:
    """A pronoun that opens a clause ("She started off by saying ..."), after any opening adverbial."""
    if lo < hi and _opens_adverbial(toks, lo, lex):
        lo = next((m + 1 for m in range(lo, min(hi, lo + 10)) if toks[m].text == ","), hi)
    return (lo, lo) if lo < hi and toks[lo].text.lower() in lex.subject_pronouns else None


def _name_at_start(toks: list[Token], lo: int, hi: int, lex: _Lexicon) -> tuple[int, int] | None:
    """The run of capitalised words that opens a clause ("In May, Jane Doe spoke, saying ..."), if any."""
    if lo < hi and _opens_adverbial(toks, lo, lex):
        lo = next((m + 1 for m in range(lo, min(hi, lo + 10)) if toks[m].text == ","), hi)
    k = lo
    while k < hi and toks[k].text[:1].isupper() and toks[k].text != _QUOTE and toks[k].text.lower() not in lex.boundary:
        k += 1
    return (lo, k - 1) if lo < k <= lo + 4 else None


def _quote_dash(f: _Found, toks, ci, hi, text) -> None:
    """'"…" ― Jane Doe': a quotation, a dash and a name running to the end of the line."""
    if ci == 0 or toks[ci - 1].text != _QUOTE or ci + 1 > hi:
        return
    end = hi
    while end > ci and toks[end].text in _HARD:
        end -= 1
    if end <= ci or end - ci > 6 or not toks[ci + 1].text[:1].isupper() or any(
            t.text == _QUOTE or t.text in _HARD_BUT_PERIOD for t in toks[ci + 1:end + 1]):
        return
    if "\n" in text[toks[ci - 1].end:toks[end].end]:
        return
    f.speaker = Span(toks[ci + 1].start, toks[end].end, text[toks[ci + 1].start:toks[end].end])
    f.content = (toks[ci - 1].start, toks[ci - 1].end)


def _is_speaker_colon(toks: list[Token], i: int, unit: _Unit, annotated: Annotated, lex: _Lexicon) -> bool:
    """'Jane Doe: Talks will resume' / 'MINISTER: We will ...': a colon right after one to four capitalised
    words (or one upper-case word) that open their paragraph, with words after it."""
    first = next((k for k, t in enumerate(toks) if t.text not in ("\"", "“", "‘", "'")), 0)
    if not 0 < i - first <= 4 or i + 1 >= len(toks):
        return False
    words = toks[first:i]
    if toks[i - 1].end != toks[i].start or sum(t.text.isalpha() for t in toks[i + 1:i + 8]) < 3:
        return False  # "Publish Date : 14 July 2021": a label, not a speaker
    text = annotated.article.text
    para = text.rfind("\n", 0, words[0].start) + 1
    if text[para:words[0].start].strip(" \t\"“'‘"):
        return False
    if len(words) == 1 and words[0].text.isupper() and len(words[0].text) > 1 and words[0].text.isalpha():
        return _names_someone(words, annotated, lex)
    return all(w.text[:1].isupper() and w.text.isalpha() and w.text.lower() not in lex.non_name for w in words) \
        and _names_someone(words, annotated, lex)


def _names_someone(words: list[Token], annotated: Annotated, lex: _Lexicon) -> bool:
    """Whether the words before a colon name a speaker rather than a section ("WATCH:", "ENERGY:"):
    a role ("MAYOR:"), a name the rules know, a name of two or more title-case words ("Jane Doe:"),
    or a word the article also writes as a name elsewhere ("MUJAHID:", "Trump:" where Trump is named)."""
    if any(w.text.lower() in lex.role_words for w in words):
        return True
    s, e = words[0].start, words[-1].end
    if any(x.source != "caps" and x.start <= s and e <= x.end for x in annotated.entities):
        return True
    if len(words) > 1 and not any(w.text.isupper() for w in words):
        return True
    return any(not s <= at < e for at in lex.name_words(annotated).get(words[-1].text.lower(), ()))


def _speaker_colon(f: _Found, toks, ci, text) -> None:
    """The speaker is the name before the colon, the content the rest of the paragraph."""
    first = next((k for k, t in enumerate(toks) if t.text not in ("\"", "“", "‘", "'")), 0)
    s, e = toks[first].start, toks[ci - 1].end
    f.speaker = Span(s, e, text[s:e])
    end = text.find("\n", toks[ci].end)
    cs, ce = _trim(text, toks[ci].end, len(text) if end == -1 else end)
    if ce > cs and _has_words(text[cs:ce], _MIN_CONTENT_WORDS):
        f.content = (cs, ce)


def _according_to(f: _Found, toks, ci, cj, prev_end, next_start, hi, lex, text) -> None:
    # the speaker runs from after the phrase to the next comma or the end
    j = min(_content_marks(f.unit, lex)[4][cj + 1], hi + 1)  # the first quotation or hard mark after cj
    if j == cj + 1 or j - (cj + 1) > _MAX_SOURCE:
        return
    f.speaker = Span(toks[cj + 1].start, toks[j - 1].end, text[toks[cj + 1].start:toks[j - 1].end])
    lo = prev_end
    while lo < ci and (toks[lo].text.lower() in lex.boundary or toks[lo].text in _HARD_BUT_OPENING_MARKS):
        lo += 1
    if lo < ci:  # "CONTENT, according to X"
        s, e = _trim(text, toks[lo].start, toks[ci - 1].end)
    elif j <= hi:  # "According to X, CONTENT"
        end = (next_start - 1) if next_start <= hi else hi
        s, e = _trim(text, toks[j].start, toks[end].end) if j <= end else (0, 0)
    else:
        return
    if e > s and _has_words(text[s:e], _MIN_CONTENT_WORDS):
        f.content = (s, e)


def _type_and_attach(annotated: Annotated, found: list[_Found], quotes: tuple[Quote, ...],
                     ents: list[Entity], lex: _Lexicon, statements: bool) -> tuple[Attribution, ...]:
    """The attributions of an article's cues; with ``statements`` (scope "statements") an indirect content
    must read as a statement (``_states_something``)."""
    text = annotated.article.text
    doc_id = annotated.article.doc_id
    out: list[Attribution] = []
    used: set[Quote] = set()
    for n, f in enumerate(found):
        if f.extra is not None:
            q = next((q for q in quotes if (q.start, q.end) == f.extra and q not in used), None)
            if q is not None:
                used.add(q)
                out.append(Attribution(doc_id, q.start, q.end, q.text, QuoteType.DIRECT, f.cue,
                                       found[_root(found, n)].speaker, _outlet(f, ents),
                                       (q.rule_id, *f.rule_ids, "quote.split")))
        if f.content is None:
            continue  # a cue with no content ("Pakistan denied that.") only lends its speaker
        mention = found[_root(found, n)].speaker
        outlet = _outlet(f, ents)
        for s, e in ([f.part] if f.part else []) + [f.content]:
            s = _with_negation(f.unit.toks, s, f.cue.end, lex)
            if statements and not any(s - 1 <= q.start and q.end <= e + 1 for q in f.unit.quotes) \
                    and not _states_something(f.unit.toks, s, e, f.rule, lex, annotated.has_pos):
                continue
            _attach_content(text, doc_id, f, s, e, mention, outlet, quotes, used, out)
    # "X said:" at the end of a paragraph introduces the quotation that opens the next one
    for n, f in enumerate(found):
        if f.content is not None or f.speaker is None:
            continue
        tail = text[f.cue.end:f.unit.end]
        k = bisect.bisect_left(quotes, f.unit.end, key=_START)  # quotes are sorted by start
        nxt = quotes[k] if k < len(quotes) else None
        if nxt is not None and nxt not in used and re.fullmatch(r"[^\n“\"‘]{0,40}:\s*", tail) and \
                not text[f.unit.end:nxt.start].strip():
            used.add(nxt)
            out.append(Attribution(doc_id, nxt.start, nxt.end, nxt.text, QuoteType.DIRECT, f.cue,
                                   found[_root(found, n)].speaker, _outlet(f, ents),
                                   (nxt.rule_id, *f.rule_ids, "cue.colon-before-quote")))
    # quotes with no cue of their own: a quote frame with a verb the rules lack, continuations of the previous
    # attributed quote, or unattributed. Each one's previous attribution is the one that ends last before it
    # (the first such in ``out``, as ``max`` over ``out`` gives): one found by bisection among those made
    # before this loop, or the last one this loop made, which ends after all of them that end before the quote
    made = sorted(((a.end, n, a) for n, a in enumerate(out) if a.cue is not None and a.mention is not None),
                  key=lambda x: x[:2])
    ends = [end for end, _, _ in made]
    last_made = None
    for q in quotes:
        if q in used:
            continue
        frame = _quote_frame(text, q, lex)
        if frame is not None:
            out.append(Attribution(doc_id, q.start, q.end, q.text, QuoteType.DIRECT, frame[0], frame[1], None,
                                   (q.rule_id, "cue.quote-frame")))
            if frame[0] is not None and frame[1] is not None:
                last_made = out[-1]
            continue
        k = bisect.bisect_right(ends, q.start)
        prev = made[bisect.bisect_left(ends, ends[k - 1])][2] if k else None
        if last_made is not None and (prev is None or last_made.end > prev.end):
            prev = last_made
        if prev is not None and (_has_words(q.text, _MIN_UNATTRIBUTED_WORDS) or _opens_sentence(text, q.start)) \
                and _continues(text, prev, q, lex):  # a short term in quotes inside a sentence is no statement
            out.append(Attribution(doc_id, q.start, q.end, q.text, QuoteType.DIRECT, prev.cue, prev.mention,
                                   prev.outlet, (q.rule_id, "quote.continuation")))
            last_made = out[-1]
        elif _has_words(q.text, _MIN_UNATTRIBUTED_WORDS) and _opens_sentence(text, q.start):
            # a quotation with no cue that stands as a sentence; a phrase in marks inside a sentence is a title,
            # a slogan or a scare quote ("boys in “Make America Great Again” hats"), reported by no one
            who = _introduced_speaker(annotated, q, quotes, lex)
            out.append(Attribution(doc_id, q.start, q.end, q.text, QuoteType.DIRECT, None, who, None,
                                   (q.rule_id, "quote.introduced-speaker") if who else (q.rule_id,)))
    # "X said Y believes Z": Y's attribution is part of what X said, not a statement of Y's own
    spans = sorted((a.start, a.end) for a in out if a.type is not QuoteType.DIRECT)
    out = [a for a in out if a.type is QuoteType.DIRECT or a.cue is None or not _inside_any(a.cue.start, spans)]
    # the texts of the indirect and mixed records kept (each nested one's would copy most of the article again)
    out = [a if a.type is QuoteType.DIRECT else replace(a, text=text[a.start:a.end]) for a in out]
    return tuple(sorted(out, key=lambda a: (a.start, a.end, a.mention.start if a.mention else -1)))


def _introduced_speaker(annotated: Annotated, q: Quote, quotes: tuple[Quote, ...], lex: _Lexicon) -> Span | None:
    """'Jane Roe runs the shelter. "We are full every night."': a quotation that stands as a sentence of its
    own right after a sentence whose subject is a person ("Jane Roe", "he"), or right after a colon that
    ends such a clause ('Jane Roe is more blunt: "..."'), is that person's, when the sentence quotes no one
    before it. Only a person is kept as the speaker (``speakers`` drops others)."""
    text = annotated.article.text
    inner = q.text.rstrip("”\"’'» ")
    if not inner or inner[-1] not in ".!?":
        return None  # a phrase in quotation marks, not a statement
    k = bisect.bisect_right(annotated.sentences, q.start, key=_START) - 1
    colon = q.start
    while colon > 0 and text[colon - 1] in " \t":
        colon -= 1
    if colon > 0 and text[colon - 1] == ":" and k >= 0:  # 'Martell is more blunt: "..."'
        sent = annotated.sentences[k]
        end = colon - 1  # the subject of the sentence the colon ends
    else:
        while k >= 0 and annotated.sentences[k].end > q.start:
            k -= 1  # the sentence before the one the quotation opens
        if k < 0:
            return None
        sent = annotated.sentences[k]
        gap = text[sent.end:q.start]
        if gap.strip() or gap.count("\n") > 2 or text[sent.end - 1:sent.end] not in (".", "!", "?"):
            return None
        end = sent.end
    first = bisect.bisect_left(quotes, sent.start, key=_START)
    if first < len(quotes) and quotes[first].start < min(end, q.start):
        return None  # the sentence before quotes someone itself
    toks = [t for t in sent.tokens if t.start < end]
    if not toks:
        return None
    subj = _pronoun_at_start(toks, 0, len(toks), lex) or _clause_subject(toks, 0, len(toks) - 1, lex)
    if subj is None or not (toks[subj[0]].text[:1].isupper() or toks[subj[0]].text.lower() in lex.pronouns):
        return None
    if any(toks[i].text.lower() in lex.coordinator or toks[i].text in lex.forms for i in range(subj[0], subj[1] + 1)):
        return None  # "Lee and Roe": two people, whose quotation it is not said
    s, e = toks[subj[0]].start, toks[subj[1]].end
    return Span(s, e, text[s:e])


def _states_something(unit_toks: list[Token], start: int, end: int, rule: CueRule, lex: _Lexicon, has_pos: bool) -> bool:
    """Whether the indirect content ``[start, end)`` of a unit reads as a reported statement: never an embedded
    question ("asked whether ...", "asked if ...") or a to-infinitive ("vowed to ...") unless the rule's verbs make it a claim
    (``infinitive_claim``: "claimed to have ..."); after a ``bare_content`` verb ("said") anything
    else; after the others a that-clause or a clause with a verb of its own (a VERB or AUX tag; without
    tags a finite auxiliary, a subject pronoun first, or an -ed form), not a bare noun phrase ("criticized
    the plan")."""
    first = bisect.bisect_left(unit_toks, start, key=_START)
    if first and unit_toks[first - 1].text.lower() in lex.question:
        return False  # "asked if ...", "asked what ..."
    toks = _tokens_in(unit_toks, start, end)
    words = [t.text.lower() for t in toks if t.text != _QUOTE]
    if not words:
        return False
    if words[0] in lex.that:
        return True
    if words[0] in lex.question or (words[0] == "to" and not rule.infinitive_claim):
        return False
    if rule.bare_content:
        return True
    if has_pos:
        return any(t.upos in ("VERB", "AUX") for t in toks)
    return words[0] in lex.subject_pronouns or any(w in lex.finite for w in words) or \
        any(len(w) > 4 and w.endswith("ed") for w in words[1:])


# '"...," quipped Jane Roe.' / '"...?" she scoffed,': a past or present verb form and a name or subject pronoun
# right after a quotation that ends in a comma, question or exclamation mark, ending the clause
_FRAME = re.compile(
    r"[ \t]*(?:(?P<verb1>[a-z]{3,}(?:ed|s))[ \t]+(?P<who1>[A-Z][\w’'.-]*(?:[ \t]+[A-Z][\w’'.-]*){0,3})"
    r"|(?P<who2>he|she|they|[A-Z][\w’'.-]*(?:[ \t]+[A-Z][\w’'.-]*){0,3})[ \t]+(?P<verb2>[a-z]{3,}(?:ed|s)))"
    r"(?=[ \t]*[.,;]|[ \t]+(?:who|as|while|before|after|with|in|on|at|out|back|up)\b)")


def _quote_frame(text: str, q: Quote, lex: _Lexicon) -> tuple[Cue, Span] | None:
    """The verb and speaker of a quotation in the frame '"...," VERB NAME.' or '"...," NAME VERB.', whatever
    the verb: a quote that ends in a comma (or ? or !) inside its marks and is followed by a name and a verb
    form ending its clause is attributed to that name, even when the verb is in no cue rule ("quipped")."""
    inner = q.text.rstrip("”\"’'» ")
    if not inner or inner[-1] not in ",?!":
        return None
    m = _FRAME.match(text, q.end)
    if m is None:
        return None
    verb, who = ("verb1", "who1") if m.group("verb1") else ("verb2", "who2")
    if m.group(verb) in lex.aux or m.group(who).lower() in lex.non_name - lex.pronouns:
        return None
    vs, ve = m.span(verb)
    ws, we = m.span(who)
    return Cue(vs, ve, text[vs:ve], text[vs:ve], "cue.quote-frame"), Span(ws, we, text[ws:we])


def _inside_any(pos: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``pos`` lies inside one of the sorted ``(start, end)`` spans."""
    k = bisect.bisect_right(spans, (pos, float("inf"))) - 1
    return any(s < pos < e for s, e in spans[max(0, k - 3):k + 1])


def _attach_content(text: str, doc_id: str, f: _Found, s: int, e: int, mention: Span | None, outlet: str | None,
                    quotes: tuple[Quote, ...], used: set[Quote], out: list[Attribution]) -> None:
    """Type one content span: the quotations it is made of (direct), else one mixed or indirect record."""
    # quotes come sorted by start: only those that start in the span are looked at
    lo = bisect.bisect_left(quotes, s - 1, key=_START)
    inside = [q for q in quotes[lo:bisect.bisect_right(quotes, e + 1, lo, key=_START)] if q.end <= e + 1]
    rest = text[s:e] if inside else ""
    for q in inside:
        rest = rest.replace(q.text, " ")
    if inside and not _has_words(re.sub(r"^\W*that\b", "", rest.strip()), 1):
        for q in inside:
            if q not in used:
                used.add(q)
                out.append(Attribution(doc_id, q.start, q.end, q.text, QuoteType.DIRECT, f.cue, mention,
                                       outlet, tuple(dict.fromkeys([q.rule_id, *f.rule_ids]))))
        return
    used.update(inside)
    for speaker in _split_coordinated(mention, text):  # the text is filled in for those kept (_type_and_attach)
        out.append(Attribution(doc_id, s, e, "", QuoteType.MIXED if inside else QuoteType.INDIRECT,
                               f.cue, speaker, outlet,
                               tuple(dict.fromkeys([*(q.rule_id for q in inside), *f.rule_ids]))))


def _split_coordinated(mention: Span | None, text: str) -> list[Span | None]:
    """"The Taliban as well as Pakistani security sources" -> both speakers."""
    if mention is None:
        return [None]
    m = re.search(r"\s+as well as\s+", mention.text)
    if not m:
        return [mention]
    a_end, b_start = mention.start + m.start(), mention.start + m.end()
    return [Span(mention.start, a_end, text[mention.start:a_end]), Span(b_start, mention.end, text[b_start:mention.end])]


def _root(found: list[_Found], n: int) -> int:
    """The first clause in a chain of elided speakers ("X said ..., adding ..., saying ...")."""
    seen = set()
    while found[n].shares is not None and n not in seen:
        seen.add(n)
        n = found[n].shares
    return n


def _with_negation(toks: list[Token], start: int, cue_end: int, lex: _Lexicon) -> int:
    """The content's start, moved back over the negation that governs it ("vowed not to “surrender”",
    "said never again"): a content keeps its "not" (after its cue only)."""
    k = bisect.bisect_left(toks, start, key=_START) - 1
    if k >= 0 and toks[k].start >= cue_end and toks[k].text.lower() in lex.negation:
        return toks[k].start
    return start


def _opens_sentence(text: str, pos: int) -> bool:
    """Whether ``pos`` starts a sentence or a paragraph: only spaces after a sentence's end (or a colon that
    introduces what follows) stand before it."""
    before = text[max(0, pos - 3):pos].rstrip(" \t")
    return not before or before[-1] in ".!?:\n”\"’'"


def _ends_a_sentence(tail: str, lex: _Lexicon) -> bool:
    """Whether a sentence ends inside ``tail`` (a period after an initial or a known abbreviation does not:
    "Harry J. Kazianis", "in an Aug. 28 email")."""
    for m in _SENTENCE_BREAK.finditer(tail):
        word = tail[:m.start()].rsplit(None, 1)[-1].lower() if tail[:m.start()].strip() else ""
        if not (m.group().startswith(".") and (len(word) == 1 or word + "." in lex.abbreviations)):
            return True
    return False


_SENTENCE_BREAK = re.compile(r"[.!?]\s+\S")


def _continues(text: str, prev: Attribution, q: Quote, lex: _Lexicon) -> bool:
    """A quote continues the previous attribution's speaker when only that attribution's own clause, or
    nothing, stands between them, in one paragraph or as the next paragraph wholly in quotation marks."""
    between = text[prev.end:q.start]
    if between.count("\n") > 0:
        # the next paragraph wholly a quotation continues the speaker ("floating" quote)
        line_start = text.rfind("\n", 0, q.start) + 1
        line_end = text.find("\n", q.end)
        line_end = len(text) if line_end == -1 else line_end
        tail = between[:between.find("\n")]  # what ends the previous paragraph after the attribution
        own_clause = not tail.strip(" .!?") or (prev.cue is not None and prev.end <= prev.cue.start < prev.end + len(tail)
                                          and len(tail) < _MAX_TAIL and not _ends_a_sentence(tail, lex))
        return between.count("\n\n") <= 1 and not between.strip("\n" + tail) and own_clause and \
            not text[line_start:q.start].strip() and not text[q.end:line_end].strip(" .")
    return len(between) < 200


def _outlet(f: _Found, ents: list[Entity]) -> str | None:
    """The outlet or channel named in the attribution clause (outside the content), nearest the cue."""
    cs, ce = f.content or (f.cue.start, f.cue.start)
    lo, hi = f.unit.start, f.unit.end
    quotes = f.unit.quotes  # in text order

    def barrier(e: Entity) -> tuple[int, int] | None:
        """The content or the quotation ``e`` starts in (then it is no candidate), else None."""
        if cs <= e.start < ce:
            return cs, ce
        k = bisect.bisect_right(quotes, e.start, key=_START) - 1
        return (quotes[k].start, quotes[k].end) if k >= 0 and e.start < quotes[k].end else None

    # the nearest candidate on each side of the cue's end (ents are sorted by start), jumping over a content
    # or a quotation at once: the first at or after it, and the last before it (the first of those that start
    # there, as ``min`` over the list would)
    right = left = None
    k = bisect.bisect_left(ents, f.cue.end, key=_START)
    while k < len(ents) and ents[k].start < hi:
        span = barrier(ents[k])
        if span is None:
            right = ents[k]
            break
        k = bisect.bisect_left(ents, span[1], k + 1, key=_START)
    k = bisect.bisect_left(ents, f.cue.end, key=_START) - 1
    while k >= 0 and ents[k].start >= lo:
        span = barrier(ents[k])
        if span is None:
            left = ents[bisect.bisect_left(ents, ents[k].start, key=_START)]
            break
        k = min(k - 1, bisect.bisect_left(ents, span[0], key=_START) - 1)
    if left is None and right is None:
        return None
    if left is None or right is not None and right.start - f.cue.end < f.cue.end - left.start:
        best = right
    else:
        best = left
    return best.ref or best.text
