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

import re
from dataclasses import dataclass, field

from ._util import in_spans, masked_spans
from .model import Annotated, Attribution, Cue, Entity, Quote, QuoteType, Span, Token
from .ruleset import CueRule, RuleSet

_QUOTE = "\x00Q"  # text of the placeholder token that stands for a whole quotation
_HARD = {",", ";", ":", "(", ")", "[", "]", "–", "—", "―", "-", "--", "|", ".", "!", "?", "…", "\"", "“", "”"}
_MAX_NP = 14  # a longer left "noun phrase" is a clause, not a speaker
_MIN_CONTENT_WORDS = 3  # "Pakistan denied that." reports no content
_MIN_UNATTRIBUTED_WORDS = 4  # shorter quotes with no speaker are scare quotes or titles
_WORD_RE = re.compile(r"\w+")


@dataclass
class _Unit:
    """A stretch of text no quotation crosses: one sentence, or several joined by a quote."""

    start: int
    end: int
    toks: list[Token]  # tokens outside quotes, each quote as one placeholder token
    quotes: list[Quote]


@dataclass
class _Found:
    """A cue with its speaker mention and content, before quotes are typed."""

    cue: Cue
    rule: CueRule
    unit: _Unit
    speaker: Span | None = None
    content: tuple[int, int] | None = None
    shares: int | None = None  # index into the found list
    extra: tuple[int, int] | None = None  # the first part of a split quote
    rule_ids: list[str] = field(default_factory=list)


class _Lexicon:
    """The word classes and cue tables of a RuleSet, looked up once per RuleSet."""

    def __init__(self, rules: RuleSet):
        self.forms: dict[str, tuple[str, CueRule]] = {}
        self.phrases: list[tuple[tuple[str, ...], CueRule]] = []
        for rule in rules.cues:
            for lemma, forms in rule.verbs:
                for f in forms:
                    self.forms.setdefault(f.lower(), (lemma, rule))
            for ph in rule.phrases:
                self.phrases.append((tuple(ph.lower().split()), rule))
        self.lemmas = {lemma: rule for rule in rules.cues for lemma, _ in rule.verbs}
        w = rules.words
        self.det, self.aux, self.passive = w("determiner"), w("auxiliary"), w("passive-auxiliary")
        self.boundary, self.time, self.that = w("clause-boundary"), w("time"), w("complementizer")
        self.prep = w("preposition")
        self.relative, self.coordinator, self.channel_prep = w("relative"), w("coordinator"), w("channel-preposition")
        self.time_nouns = self.time - self.prep - self.det - {"late", "early", "last", "next", "previous",
                                                               "following", "same", "past"}

    @classmethod
    def of(cls, rules: RuleSet) -> "_Lexicon":
        return rules.cached(cls.__name__, lambda: cls(rules))


def _low(t: Token) -> str:
    return t.text.lower()


def _is_q(t: Token) -> bool:
    return t.text == _QUOTE


# ---------------------------------------------------------------------- units


def _units(annotated: Annotated, quotes: tuple[Quote, ...], masked, lex: _Lexicon) -> list[_Unit]:
    text = annotated.article.text
    units: list[_Unit] = []
    for sent in annotated.sentences:
        inside_quote = any(q.start < sent.start < q.end for q in quotes)
        if units and (inside_quote or _attribution_after_quote(text, units[-1], sent, quotes, lex)):
            last = units[-1]
            units[-1] = _Unit(last.start, max(last.end, sent.end), [], [])
        else:
            units.append(_Unit(sent.start, sent.end, [], []))
    all_tokens = [t for s in annotated.sentences for t in s.tokens]
    out = []
    ti = 0
    for u in units:
        u.quotes = [q for q in quotes if u.start <= q.start < u.end]
        u.end = max([u.end] + [q.end for q in u.quotes])
        toks = [Token(_QUOTE, q.start, q.end) for q in u.quotes]  # each quotation becomes one token
        while ti < len(all_tokens) and all_tokens[ti].start < u.end:
            t = all_tokens[ti]
            ti += 1
            if t.start >= u.start and not in_spans(t.start, masked) and \
                    not any(q.start <= t.start < q.end for q in u.quotes):
                toks.append(t)
        u.toks = sorted(toks, key=lambda t: t.start)
        if u.toks:
            out.append(u)
    return out


def _attribution_after_quote(text: str, unit: _Unit, sent, quotes: tuple[Quote, ...], lex: _Lexicon) -> bool:
    """'“…?” Trump asked.' / '“….” Mr. Burman said.': a short sentence right after a quotation that
    holds a cue in its first words is that quotation's attribution."""
    if "\n" in text[unit.end:sent.start] or not any(q.end == unit.end for q in quotes):
        return False
    if text[sent.start] in "“\"‘'«" or any(sent.start <= q.start < sent.end for q in quotes):
        return False
    words = [t.text.lower() for t in sent.tokens]
    return len(words) <= 15 and any(w in lex.forms for w in words[:6])


# ---------------------------------------------------------------------- cues


def _cue_tokens(unit: _Unit, lex: _Lexicon, annotated: Annotated) -> list[tuple[int, int, str, CueRule]]:
    """(first index, last index, lemma, rule) of each cue in a unit."""
    toks = unit.toks
    found = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if _is_q(t):
            i += 1
            continue
        low = _low(t)
        phrase = next(((n, r) for p, r in lex.phrases if (n := len(p)) and i + n <= len(toks)
                       and tuple(_low(x) for x in toks[i:i + n]) == p), None)
        if phrase:
            found.append((i, i + phrase[0] - 1, " ".join(_low(x) for x in toks[i:i + phrase[0]]), phrase[1]))
            i += phrase[0]
            continue
        hit = lex.forms.get(low)
        if hit and t.text[:1].isupper() and i > 0 and not _is_title_case(toks):
            hit = None  # "the United States", "Reuters Reports": a name, not a verb
        if annotated.has_pos and t.upos:
            if t.upos not in ("VERB", "AUX") and not (t.upos == "ADV" and hit):
                hit = None
            elif t.lemma and t.lemma.lower() in lex.lemmas and not hit:
                hit = (t.lemma.lower(), lex.lemmas[t.lemma.lower()])
        if hit and _is_verb_use(toks, i, lex, annotated):
            found.append((i, i, hit[0], hit[1]))
        i += 1
    return found


def _is_title_case(toks: list[Token]) -> bool:
    """A headline in title case ("Obama Sees 'Personal Insult' in Vote")."""
    words = [t.text for t in toks if t.text[:1].isalpha()]
    return len(words) >= 3 and sum(w[:1].isupper() for w in words) >= 0.7 * len(words)


def _is_verb_use(toks: list[Token], i: int, lex: _Lexicon, annotated: Annotated) -> bool:
    """A cue word used as a reporting verb: not a noun ("the claim"), not passive ("was told")."""
    prev = _low(toks[i - 1]) if i else ""
    nxt = _low(toks[i + 1]) if i + 1 < len(toks) else ""
    if prev in lex.passive and not _low(toks[i]).endswith("ing"):
        return False
    if annotated.has_pos and toks[i].upos:
        return True
    if prev in lex.det and prev not in lex.that or prev in ("’s", "'s"):
        return False
    if nxt == "of" and _low(toks[i]).endswith("s"):
        return False  # "reports of", "claims of"
    return True


# ---------------------------------------------------------------------- speaker mentions


def _np_start(toks: list[Token], end: int, lo: int, lex: _Lexicon) -> int | None:
    k = end
    while k >= lo:
        t = toks[k]
        if _low(t) == "as" and k - 2 >= lo and _low(toks[k - 1]) == "well" and _low(toks[k - 2]) == "as":
            k -= 3  # "the Taliban as well as Pakistani sources": one coordinated subject
            continue
        if _is_q(t) or t.text in _HARD or _low(t) in lex.boundary:
            break
        if _low(t) in lex.aux:
            return None  # "Pakistan was for years accused": a clause, not a subject
        k -= 1
    start = k + 1
    if start > end or end - start + 1 > _MAX_NP:
        return None
    while start <= end and (_low(toks[start]) in lex.boundary or _low(toks[start]) in lex.time_nouns):
        start += 1  # "However the ministry said", "Yesterday the mayor said": not part of the speaker
    return start if start <= end else None


def _skip_back(toks: list[Token], j: int, lo: int, lex: _Lexicon) -> int:
    """Step left over auxiliaries, -ly adverbs, time expressions and ", however," before a cue."""
    while j >= lo:
        low = _low(toks[j])
        if low in lex.aux or (low.endswith("ly") and toks[j].text.islower() and len(low) > 4):
            j -= 1
        elif low in lex.time_nouns:
            k = j
            while k - 1 >= lo and _low(toks[k - 1]) in lex.time:
                k -= 1
            j = k - 1
        elif toks[j].text == "," and j - 2 >= lo and toks[j - 2].text == "," and _low(toks[j - 1]) in lex.boundary:
            j -= 3
        elif toks[j].text == ")" and (k := next((k for k in range(j - 1, max(lo, j - 8) - 1, -1)
                                                 if toks[k].text == "("), None)) is not None:
            j = k - 1  # "Rep. Gwen Moore (D-Wis.) said"
        else:
            break
    return j


def _left_speaker(toks: list[Token], ci: int, lo: int, lex: _Lexicon) -> tuple[int, int] | None:
    """Token range of the speaker noun phrase that ends right before the cue at ``ci``."""
    end = _skip_back(toks, ci - 1, lo, lex)
    if end < lo or _is_q(toks[end]):
        return None
    if toks[end].text == ",":
        # "NAME, APPOSITIVE, said" / "NAME, who ..., said"; never for "..., saying": that shares a subject
        if _low(toks[ci]).endswith("ing"):
            return None
        k = end - 1
        while k >= lo and not _is_q(toks[k]) and toks[k].text not in _HARD:
            k -= 1
        if k < lo and end - lo <= 4 and toks[lo].text[:1].isupper():
            return lo, end - 1  # "Ghani, blamed ...": a stray comma after a short name
        relative = k + 1 < end and _low(toks[k + 1]) in lex.relative
        if k < lo or toks[k].text != "," or k == end - 1 or (end - k > _MAX_NP + 6 and not relative):
            return None
        start = _np_start(toks, k - 1, lo, lex)
        return (start, end - 1) if start is not None else None
    start = _np_start(toks, end, lo, lex)
    return (start, end) if start is not None else None


def _right_speaker(toks: list[Token], ci: int, hi: int, lex: _Lexicon) -> tuple[int, int] | None:
    """Token range of an inverted speaker ('"...," said X, a doctor.')."""
    i = ci + 1
    while i <= hi and _low(toks[i]) in lex.aux:
        i += 1
    if i > hi or _is_q(toks[i]) or _low(toks[i]) in lex.that or toks[i].text in _HARD:
        return None
    j = i
    while j <= hi and not _is_q(toks[j]) and toks[j].text not in _HARD and (
            j == i or _low(toks[j]) not in lex.boundary):
        j += 1
    end = j - 1
    if end - i + 1 > _MAX_NP or end < i:
        return None
    # an appositive: "said Raz Mohamed, a shopkeeper who works near the border"
    if j <= hi and toks[j].text == "," and j + 1 <= hi and (_low(toks[j + 1]) in lex.det):
        k = j + 1
        while k <= hi and not _is_q(toks[k]) and toks[k].text not in _HARD:
            k += 1
        end = k - 1
    return i, end


def _dep_speaker(annotated: Annotated, unit: _Unit, ci: int) -> tuple[int, int] | None:
    """The cue's nominal subject and its subtree, from dependency relations (char offsets)."""
    cue_tok = unit.toks[ci]
    for sent in annotated.sentences:
        if not (sent.start <= cue_tok.start < sent.end):
            continue
        idx = next((n for n, t in enumerate(sent.tokens, 1) if t.start == cue_tok.start), None)
        if idx is None:
            return None
        subj = next((n for n, t in enumerate(sent.tokens, 1)
                     if t.head == idx and t.deprel and t.deprel.split(":")[0] == "nsubj"), None)
        if subj is None:
            return None
        span = {subj}
        grew = True
        while grew:
            grew = False
            for n, t in enumerate(sent.tokens, 1):
                if t.head in span and n not in span and n != idx:
                    span.add(n)
                    grew = True
        toks = [sent.tokens[n - 1] for n in sorted(span) if sent.tokens[n - 1].upos != "PUNCT"]
        return (toks[0].start, toks[-1].end) if toks else None
    return None


# ---------------------------------------------------------------------- content


def _skip_right(toks: list[Token], i: int, hi: int, lex: _Lexicon, ents: list[Entity], rule: CueRule) -> int:
    """Index where the content starts after a cue: past recipients, time words, channels."""
    def that_ahead(k: int, limit: int = 10) -> int | None:
        for m in range(k, min(hi + 1, k + limit)):
            if _is_q(toks[m]) or toks[m].text in (",", ";", ".", ":"):
                return None
            if _low(toks[m]) in lex.that:
                return m
        return None

    if i <= hi and rule.takes_recipient and not _is_q(toks[i]):
        if _low(toks[i]) in lex.prep:
            return i  # "asked for ...": not a reporting use
        m = that_ahead(i)
        if m is not None:
            return m
        i = _skip_entity(toks, i, hi, ents) if _entity_at(toks[i], ents) else i + (0 if _is_q(toks[i]) else 1)
    changed = True
    while changed and i <= hi:
        changed = False
        low = _low(toks[i])
        if low == "to" and (m := that_ahead(i + 1)) is not None:  # "confirmed to Al Jazeera that"
            return m
        if low in lex.channel_prep and i + 1 <= hi:
            ent = next((e for e in ents if toks[i + 1].start <= e.start < toks[min(hi, i + 4)].end
                        and e.label in ("OUTLET", "CHANNEL")), None)
            if ent:
                while i <= hi and toks[i].start < ent.end:
                    i += 1
                changed = True
                continue
        j = i
        while j <= hi and _low(toks[j]) in lex.time and _low(toks[j]) not in lex.that and not (
                _low(toks[j]) in lex.det and (j + 1 > hi or _low(toks[j + 1]) not in lex.time)):
            j += 1  # "on Thursday", "late on Wednesday", "the next day"; not "later | that the ..."
        if any(_low(t) in lex.time_nouns for t in toks[i:j]):  # "on Thursday", not "that the"
            i = j
            changed = True
        elif toks[i].text in (",", ":") or low in lex.aux:
            i += 1
            changed = True
    return i


def _entity_at(tok: Token, ents: list[Entity]) -> Entity | None:
    return next((e for e in ents if e.start == tok.start), None)


def _skip_entity(toks: list[Token], i: int, hi: int, ents: list[Entity]) -> int:
    e = _entity_at(toks[i], ents)
    while i <= hi and e and toks[i].start < e.end:
        i += 1
    return i


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and (text[s].isspace() or text[s] in ",;:–—-|"):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:.–—-|"):
        e -= 1
    return s, e


def _words(text: str) -> int:
    return len(_WORD_RE.findall(text))


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
    ents = [e for e in annotated.entities if e.label in ("OUTLET", "CHANNEL")]
    found: list[_Found] = []
    units = _units(annotated, quotes, masked_spans(text, rules), lex)
    for unit in units:
        _find_in_unit(annotated, unit, lex, ents, found)
    return _type_and_attach(annotated, found, quotes, ents)


def _find_in_unit(annotated: Annotated, unit: _Unit, lex: _Lexicon, ents: list[Entity], found: list[_Found]) -> None:
    text = annotated.article.text
    toks = unit.toks
    hi = len(toks) - 1
    cues = _cue_tokens(unit, lex, annotated)
    first_here = len(found)
    for n, (ci, cj, lemma, rule) in enumerate(cues):
        cue = Cue(toks[ci].start, toks[cj].end, text[toks[ci].start:toks[cj].end], lemma, rule.id)
        f = _Found(cue, rule, unit, rule_ids=[rule.id])
        prev_end = cues[n - 1][1] + 1 if n else 0
        next_start = cues[n + 1][0] if n + 1 < len(cues) else hi + 1
        if rule.type == "dash":
            _quote_dash(f, toks, ci, hi, text)
            if f.content is None:
                continue  # a dash inside a sentence is no cue
        elif rule.type == "phrase":
            _according_to(f, toks, ci, cj, prev_end, next_start, hi, lex, text)
        else:
            _verb_cue(annotated, f, toks, ci, prev_end, next_start, hi, lex, ents, text, found, first_here)
        found.append(f)


def _clause_cut(toks: list[Token], start: int, next_cue: int, lex: _Lexicon) -> int:
    """Where a content that runs up to the next cue must stop: at that cue's clause boundary."""
    k = next_cue - 1
    while k > start:
        if toks[k].text in (",", ";") or _low(toks[k]) in lex.boundary - lex.that:
            return k
        k -= 1
    return len(toks)  # "told local media his government had asked ...": a cue nested in the content


def _verb_cue(annotated, f: _Found, toks, ci, prev_end, next_start, hi, lex, ents, text, found, first_here) -> None:
    is_participle = _low(toks[ci]).endswith("ing")
    left_bound = prev_end
    right, right_has_words = _right_content(f, toks, ci, next_start, hi, lex, ents, text)
    # the speaker: dependency subject, else left noun phrase, else inverted, else the clause before
    dep = _dep_speaker(annotated, f.unit, ci) if annotated.has_deps else None
    left = _left_speaker(toks, ci, left_bound, lex) if not dep else None
    before_cue = _skip_back(toks, ci - 1, left_bound, lex)
    at_boundary = before_cue < left_bound or _is_q(toks[before_cue]) or toks[before_cue].text in (",", ":", "—", "–")
    if dep:
        f.speaker = Span(dep[0], dep[1], text[dep[0]:dep[1]])
        f.rule_ids.append("speaker.dependency-subject")
    elif left:
        s, e = toks[left[0]].start, toks[left[1]].end
        f.speaker = Span(s, e, text[s:e])
    elif at_boundary and not is_participle and not f.rule.takes_recipient and before_cue >= left_bound:
        inv = _right_speaker(toks, ci, next_start - 1 if next_start <= hi else hi, lex)
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
                if rs <= hi and _is_q(toks[rs]):
                    right = (toks[rs].start, toks[rs].end)  # '"A," said X, "B."' -> B
    if f.speaker is None:
        if len(found) > first_here:
            f.shares = len(found) - 1  # "..., adding: ...", "... and vowed ...": the previous clause's speaker
            f.rule_ids.append("speaker.elided")
        elif before_cue >= left_bound and _low(toks[before_cue]) in lex.coordinator:
            subj = _clause_subject(toks, left_bound, before_cue, lex)  # "He did not elaborate but told ..."
            if subj:
                s, e = toks[subj[0]].start, toks[subj[1]].end
                f.speaker = Span(s, e, text[s:e])
                f.rule_ids.append("speaker.elided")
    if right or right_has_words:
        f.content = right
        if right and _is_q_span(toks, right) and f.speaker is not None:
            # '"A," he said, "B."': the quote right before the attribution is the same speaker's
            k = next((n for n, t in enumerate(toks) if t.start >= min(f.speaker.start, f.cue.start)), 0) - 1
            while k >= left_bound and toks[k].text in (",", ":"):
                k -= 1
            if k >= left_bound and _is_q(toks[k]):
                f.extra = (toks[k].start, toks[k].end)
        return
    # content on the left: "CONTENT, X said" / '"...," he said'
    end_tok = None
    if f.speaker is not None and "cue.inverted" not in f.rule_ids and "speaker.elided" not in f.rule_ids:
        k = next(n for n, t in enumerate(toks) if t.start >= f.speaker.start)
        end_tok = k - 1
    elif "cue.inverted" in f.rule_ids or at_boundary:
        end_tok = before_cue
    if end_tok is None or end_tok < left_bound:
        return
    start_tok = left_bound
    while start_tok <= end_tok and (_low(toks[start_tok]) in lex.boundary or toks[start_tok].text in _HARD - {"“", "\""}):
        start_tok += 1
    if start_tok > end_tok:
        return
    s, e = _trim(text, toks[start_tok].start, toks[end_tok].end)
    if e > s and (_words(text[s:e]) >= _MIN_CONTENT_WORDS or any(_is_q(t) for t in toks[start_tok:end_tok + 1])):
        f.content = (s, e)


def _right_content(f: _Found, toks, ci, next_start, hi, lex, ents, text) -> tuple[tuple[int, int] | None, bool]:
    """The content after a cue, and whether any words stand there at all (then none is on the left)."""
    cs = _skip_right(toks, ci + 1, hi, lex, ents, f.rule)
    ce = hi
    if next_start <= hi:
        ce = _clause_cut(toks, cs, next_start, lex) - 1
    bar = next((k for k in range(cs, ce + 1) if toks[k].text == "|"), None)
    if bar is not None:
        ce = bar - 1  # "X says Y | Outlet name": a headline ends at the bar
    if cs > ce or toks[cs].text in (".", "!", "?"):
        return None, False  # '…,'' he said. ''Next…'': the sentence ended at the cue
    first = toks[cs]
    after_comma = cs - 1 > ci and toks[cs - 1].text == ","
    has_words = any(not _is_q(t) and t.text not in _HARD for t in toks[cs:ce + 1])
    if _is_q(first):
        if after_comma and any(not _is_q(t) and t.text not in _HARD for t in toks[cs:ce + 1]):
            return None, False
    elif after_comma or _low(first) in lex.boundary - lex.that or (_low(first) in lex.prep and (
            _low(first) != "to" or cs + 1 > ce or _low(toks[cs + 1]) in lex.det or toks[cs + 1].text[:1].isupper())):
        # ", referring to ...", "near Chaman", ", but the Taliban ...": not the cue's complement
        return None, False
    s, e = _trim(text, first.start, toks[ce].end)
    if e > s and (_words(text[s:e]) >= _MIN_CONTENT_WORDS or any(_is_q(t) for t in toks[cs:ce + 1])):
        return (s, e), True
    return None, has_words


def _is_q_span(toks: list[Token], span: tuple[int, int]) -> bool:
    return any(_is_q(t) and (t.start, t.end) == span for t in toks)


def _clause_subject(toks: list[Token], lo: int, hi: int, lex: _Lexicon) -> tuple[int, int] | None:
    """The subject at the start of a clause: the words before its first auxiliary or verb-like word."""
    k = lo
    while k < hi and not _is_q(toks[k]) and toks[k].text not in _HARD and _low(toks[k]) not in lex.aux \
            and _low(toks[k]) not in lex.boundary:
        k += 1
    return (lo, k - 1) if lo < k and k - lo <= 6 and k < hi else None


def _quote_dash(f: _Found, toks, ci, hi, text) -> None:
    """'"…" ― Jane Doe': a quotation, a dash and a name running to the end of the line."""
    if ci == 0 or not _is_q(toks[ci - 1]) or ci + 1 > hi:
        return
    end = hi
    while end > ci and toks[end].text in _HARD:
        end -= 1
    if end <= ci or end - ci > 6 or not toks[ci + 1].text[:1].isupper() or any(
            _is_q(t) or t.text in _HARD - {"."} for t in toks[ci + 1:end + 1]):
        return
    if "\n" in text[toks[ci - 1].end:toks[end].end]:
        return
    f.speaker = Span(toks[ci + 1].start, toks[end].end, text[toks[ci + 1].start:toks[end].end])
    f.content = (toks[ci - 1].start, toks[ci - 1].end)


def _according_to(f: _Found, toks, ci, cj, prev_end, next_start, hi, lex, text) -> None:
    # the speaker runs from after the phrase to the next comma or the end
    j = cj + 1
    while j <= hi and not _is_q(toks[j]) and toks[j].text not in _HARD:
        j += 1
    if j == cj + 1:
        return
    f.speaker = Span(toks[cj + 1].start, toks[j - 1].end, text[toks[cj + 1].start:toks[j - 1].end])
    lo = prev_end
    while lo < ci and (_low(toks[lo]) in lex.boundary or toks[lo].text in _HARD - {"“", "\""}):
        lo += 1
    if lo < ci:  # "CONTENT, according to X"
        s, e = _trim(text, toks[lo].start, toks[ci - 1].end)
    elif j <= hi:  # "According to X, CONTENT"
        end = (next_start - 1) if next_start <= hi else hi
        s, e = _trim(text, toks[j].start, toks[end].end) if j <= end else (0, 0)
    else:
        return
    if e > s and _words(text[s:e]) >= _MIN_CONTENT_WORDS:
        f.content = (s, e)


def _type_and_attach(annotated: Annotated, found: list[_Found], quotes: tuple[Quote, ...],
                     ents: list[Entity]) -> tuple[Attribution, ...]:
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
        s, e = f.content
        inside = [q for q in quotes if q.start >= s - 1 and q.end <= e + 1]
        mention = found[_root(found, n)].speaker
        outlet = _outlet(f, ents)
        rest = text[s:e]
        for q in inside:
            rest = rest.replace(q.text, " ")
        if inside and _words(re.sub(r"^\W*that\b", "", rest.strip())) == 0:
            for q in inside:
                if q not in used:
                    used.add(q)
                    out.append(Attribution(doc_id, q.start, q.end, q.text, QuoteType.DIRECT, f.cue, mention,
                                           outlet, tuple(dict.fromkeys([q.rule_id, *f.rule_ids]))))
            continue
        used.update(inside)
        for speaker in _split_coordinated(mention, text):
            out.append(Attribution(doc_id, s, e, text[s:e], QuoteType.MIXED if inside else QuoteType.INDIRECT,
                                   f.cue, speaker, outlet,
                                   tuple(dict.fromkeys([*(q.rule_id for q in inside), *f.rule_ids]))))
    # "X said:" at the end of a paragraph introduces the quotation that opens the next one
    for n, f in enumerate(found):
        if f.content is not None or f.speaker is None:
            continue
        tail = text[f.cue.end:f.unit.end]
        nxt = next((q for q in quotes if q.start >= f.unit.end), None)
        if nxt is not None and nxt not in used and re.fullmatch(r"[^\n“\"‘]{0,40}:\s*", tail) and \
                not text[f.unit.end:nxt.start].strip():
            used.add(nxt)
            out.append(Attribution(doc_id, nxt.start, nxt.end, nxt.text, QuoteType.DIRECT, f.cue,
                                   found[_root(found, n)].speaker, _outlet(f, ents),
                                   (nxt.rule_id, *f.rule_ids, "cue.colon-before-quote")))
    # quotes with no cue of their own: continuations of the previous attributed quote, or unattributed
    for q in quotes:
        if q in used:
            continue
        prev = max((a for a in out if a.type is QuoteType.DIRECT and a.end <= q.start and a.cue is not None),
                   key=lambda a: a.end, default=None)
        if prev is not None and _continues(text, prev, q):
            out.append(Attribution(doc_id, q.start, q.end, q.text, QuoteType.DIRECT, prev.cue, prev.mention,
                                   prev.outlet, (q.rule_id, "quote.continuation")))
        elif _words(q.text) >= _MIN_UNATTRIBUTED_WORDS:
            out.append(Attribution(doc_id, q.start, q.end, q.text, QuoteType.DIRECT, None, None, None,
                                   (q.rule_id,)))
    return tuple(sorted(out, key=lambda a: (a.start, a.end, a.mention.start if a.mention else -1)))


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


def _continues(text: str, prev: Attribution, q: Quote) -> bool:
    """A quote continues the previous one's speaker when only its attribution, or nothing, stands between."""
    between = text[prev.end:q.start]
    if between.count("\n") > 0:
        # the next paragraph wholly a quotation continues the speaker ("floating" quote)
        line_start = text.rfind("\n", 0, q.start) + 1
        line_end = text.find("\n", q.end)
        line_end = len(text) if line_end == -1 else line_end
        return between.count("\n\n") <= 1 and not text[line_start:q.start].strip() and \
            not text[q.end:line_end].strip(" .") and between.strip() == ""
    return len(between) < 200


def _outlet(f: _Found, ents: list[Entity]) -> str | None:
    """The outlet or channel named in the attribution clause (outside the content), nearest the cue."""
    cs, ce = f.content or (f.cue.start, f.cue.start)
    lo, hi = f.unit.start, f.unit.end
    cands = [e for e in ents if lo <= e.start < hi and not (cs <= e.start < ce)
             and not any(q.start <= e.start < q.end for q in f.unit.quotes)]
    if not cands:
        return None
    best = min(cands, key=lambda e: abs(e.start - f.cue.end))
    return best.ref or best.text
