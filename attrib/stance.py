"""Stage 5b, stance: an annotated article and its resolved quotes -> tuple[Stance, ...], who disputes or supports whom.

A quote disputes another party's claim when its cue or the wording around it rejects
that claim ("denied", "dismisses the claim", "baseless", "propaganda", "insisted ...
however"), and supports it when it confirms it ("confirmed", "also said"). The
wording, the cue lemmas and where to look are the ``stance`` rules
(``rules/stance.yaml``); nothing here lists words.

The party answered is the one the sentence names through one of the rule's
``targets`` ("a baseless claim by the Kabul administration", "Taliban's claims");
else it is the most recent earlier quote in the article by another party (another
top-level affiliation) on the same subject (sharing content tokens with the
sentence, see ``claims.content_tokens``). The graph resolves both to a node. Every
stance keeps its evidence: the matched wording, the sentence span and the rule id.
"""
from __future__ import annotations

import bisect
import re
from itertools import accumulate
from typing import Sequence

from .claims import claim_settings, content_tokens
from .model import Annotated, Entity, ResolvedAttribution, Span, Speaker, Stance
from .ruleset import RuleSet, StanceRule
from .spans import non_decreasing, starts_if_ordered
from .text import normalise_quote

#: how far before the cue the ``cue`` scope reaches when the quote has no speaker mention
_CUE_REACH = 40


def find_stances(annotated: Annotated, attributions: Sequence[ResolvedAttribution], rules: RuleSet
                 ) -> tuple[Stance, ...]:
    """Find the quotes of one article that dispute or support another party's claim.

    Args:
        annotated: the article with its sentences and entities.
        attributions: the article's resolved quotes (any order).
        rules: the rules; the ``stance`` rules say what counts.

    Returns:
        At most one stance per quote (the first stance rule that matches, in rule order),
        sorted by (start, end).
    """
    if not rules.stance or not attributions:
        return ()
    article = _Article(annotated, attributions, rules)
    # for speed, what ``match`` looks up per (quote, rule) is looked up here once per rule (the word
    # pattern) or once per quote (the cue's lemma, the quote's facts), and a rule whose cues the quote's
    # cue is not among is passed over without the call; the answers are ``match``'s
    checks = [(rule, rule.cues, _words_pattern(rule, rules)) for rule in rules.stance]
    out = []
    for ra in article.quotes:
        lemma = _cue_lemma(ra)
        facts = None
        for rule, cues, pattern in checks:
            if not _cue_fits(cues, lemma):
                continue
            if facts is None:
                facts = article._quote_facts(ra)
            stance = article._match(ra, rule, facts, pattern)
            if stance is not None:
                out.append(stance)
                break
    return tuple(sorted(out, key=lambda s: (s.start, s.end, s.rule_id)))


def party_of(speaker: Speaker, rules: RuleSet) -> str:
    """The party a speaker speaks for: its top-level affiliation ("Afghanistan", "Taliban"), else its own id."""
    path = speaker.affiliation_path or ((speaker.affiliation,) if speaker.affiliation else ())
    if path:
        return rules.org_path(path[-1])[-1]
    return speaker.id


def rule_hits(rule: StanceRule, annotated: Annotated, attributions: Sequence[ResolvedAttribution], rules: RuleSet
              ) -> list[Stance]:
    """The stances ``rule`` alone gives on an article's quotes (a rule's examples: ``examples.example_hits``)."""
    article = _Article(annotated, attributions, rules)
    found = (article.match(ra, rule) for ra in article.quotes)
    return [s for s in found if s is not None]


# -- matching --------------------------------------------------------------------------------


def _cue_lemma(ra: ResolvedAttribution) -> str | None:
    """The lower-cased lemma of the quote's cue (None without a cue)."""
    cue = ra.attribution.cue
    return cue.lemma.lower() if cue is not None else None


def _cue_fits(cues: tuple[str, ...], lemma: str | None) -> bool:
    """Whether a rule with these cue lemmas (none: any quote) may take a quote whose cue has this lemma."""
    return not cues or (lemma is not None and lemma in cues)


def _per_rule(rules: RuleSet, what: str, rule: StanceRule, build):
    """``build(rule, rules)``, kept with the rules for this rule object: the lookup costs one dict hit per
    (quote, rule) instead of formatting a key that spells out the rule's word list."""
    table = rules.cached(f"stance-{what}", dict)  # id(rule) -> (rule, value)
    hit = table.get(id(rule))
    if hit is None or hit[0] is not rule:  # the ``is`` check guards against a reused id
        hit = table[id(rule)] = (rule, build(rule, rules))
    return hit[1]


def _words_pattern(rule: StanceRule, rules: RuleSet) -> re.Pattern[str] | None:
    return _per_rule(rules, "words", rule, _build_words_pattern)


def _build_words_pattern(rule: StanceRule, rules: RuleSet) -> re.Pattern[str] | None:
    def build() -> re.Pattern[str] | None:
        if not rule.words:
            return None
        alts = sorted({_phrase(w) for w in rule.words}, key=lambda p: (-len(p), p))
        return re.compile(_first_char_guard(rule.words) + r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)",
                          re.IGNORECASE)
    return rules.cached(f"stance-words:{rule.id}:{rule.words}", build)


def _first_char_guard(phrases: Sequence[str]) -> str:
    """A lookahead for the characters the phrases can start with (``(?=[bdr])``), or "" when one does not start
    with a letter or digit.

    It changes no match: under IGNORECASE a one-character class matches what its characters match as
    literals. It makes the search cheaper: without it the engine enters every alternative (case-insensitive
    literals get no quick first-character test) at every character of the text it scans.
    """
    firsts = set()
    for phrase in phrases:
        words = phrase.split()
        if not words or not words[0][0].isalnum():
            return ""
        firsts.add(words[0][0])
    return "(?=[" + "".join(sorted(firsts)) + "])"


def _phrase(words: str) -> str:
    """A regex for a phrase: its words separated by any spacing, straight and curly apostrophes alike."""
    parts = [_APOSTROPHE.sub("['’]", re.escape(w)) for w in words.split()]  # one pass: a class is not rewritten
    return r"\s+".join(parts)


_APOSTROPHE = re.compile("['’]")


def _target_checks(rule: StanceRule, rules: RuleSet) -> tuple[tuple[re.Pattern[str], re.Pattern[str] | None], ...]:
    """``_target_patterns`` regrouped for speed, same answers: (before, after) pairs whose ``after`` is
    empty become one alternation of their ``before`` patterns with no ``after`` (None: anything after)."""
    return _per_rule(rules, "target-checks", rule, _build_target_checks)


def _build_target_checks(rule: StanceRule, rules: RuleSet) -> tuple[tuple[re.Pattern[str], re.Pattern[str] | None], ...]:
    pairs = _target_patterns(rule, rules)
    free = [pre.pattern for pre, post in pairs if post.pattern == "^"]  # "^" matches after any name
    out: list[tuple[re.Pattern[str], re.Pattern[str] | None]] = []
    if free:
        # the words before the party in those targets, which their patterns open with (after ``(?<!\w)``)
        befores = [before for before, _, after in (t.partition("{party}") for t in rule.targets) if not after.strip()]
        out.append((re.compile(_first_char_guard(befores) + "(?:" + "|".join(free) + ")", re.IGNORECASE), None))
    out += [(pre, post) for pre, post in pairs if post.pattern != "^"]
    return tuple(out)


def _target_patterns(rule: StanceRule, rules: RuleSet) -> tuple[tuple[re.Pattern[str], re.Pattern[str]], ...]:
    """(text before the party, text after it) patterns of each ``targets`` phrase."""
    def build():
        definite = "|".join(sorted((re.escape(w) for w in rules.words("definite")), key=lambda w: (-len(w), w)))
        det = rf"(?:(?:{definite})\s+)?" if definite else ""
        out = []
        for t in rule.targets:
            before, _, after = (part.strip() for part in t.partition("{party}"))
            # "claim by {party}": the text before the name ends with "claim by (the)"
            pre = (r"(?<!\w)" + _phrase(before) + r"\s+" if before else "") + det + "$"
            # "{party}'s claims": the text after the name opens with "'s claims" (no space before 's)
            space = "" if after.startswith(("'", "’")) else r"\s+"
            post = "^" + (space + _phrase(after) + r"(?!\w)" if after else "")
            out.append((re.compile(pre, re.IGNORECASE), re.compile(post, re.IGNORECASE)))
        return tuple(out)
    return rules.cached(f"stance-targets:{rule.id}:{rule.targets}", build)


class _Article:
    """One article's quotes with their sentences, for matching stance rules."""

    def __init__(self, annotated: Annotated, attributions: Sequence[ResolvedAttribution], rules: RuleSet):
        self.ann = annotated
        self.text = annotated.article.text
        self.rules = rules
        self.settings = claim_settings(rules)
        self.quotes = sorted(attributions, key=lambda ra: (ra.attribution.start, ra.attribution.end))
        self.spans = [(ra.attribution.start, ra.attribution.end) for ra in self.quotes]  # sorted
        self._span_starts = [qs for qs, _ in self.spans]
        self._max_end = list(accumulate((qe for _, qe in self.spans), max))  # running max, in span order
        self._facts: dict[int, tuple[ResolvedAttribution, bool, tuple[int, int]]] = {}  # see _quote_facts
        self._contents: dict[int, tuple[ResolvedAttribution, frozenset[str]]] = {}  # see _content
        self._ent_starts: list[int] | None = None  # see _entities_from
        self._bounds: tuple[list[int], list[int]] | None | bool = False  # see _sentence_bounds (False: not yet)
        self._hits: dict[tuple, tuple[list[Span], int, dict[tuple[int, int], int]]] = {}  # see _sentence_hits

    # where things are

    def sentence(self, ra: ResolvedAttribution) -> tuple[int, int]:
        """The span of the sentences that hold the quote, its cue and its speaker mention."""
        a = ra.attribution
        lo, hi = a.start, a.end
        for s in (a.cue, ra.mention, a.mention):
            if s is not None:
                lo, hi = min(lo, s.start), max(hi, s.end)
        bounds = self._sentence_bounds()
        if bounds is not None:  # sentences in order: those overlapping [lo, hi) are one run, found by bisect
            starts, ends = bounds
            i, j = bisect.bisect_right(ends, lo), bisect.bisect_left(starts, hi) - 1
            if i <= j:
                return starts[i], ends[j]
        else:
            sents = [(s.start, s.end) for s in self.ann.sentences if s.start < hi and s.end > lo]
            if sents:
                return min(s for s, _ in sents), max(e for _, e in sents)
        start = self.text.rfind("\n", 0, lo) + 1
        end = self.text.find("\n", hi)
        return start, len(self.text) if end < 0 else end

    def _sentence_bounds(self) -> tuple[list[int], list[int]] | None:
        """The sentences' starts and ends when both never decrease (as the annotators give them), else None."""
        if self._bounds is False:
            starts = [s.start for s in self.ann.sentences]
            ends = [s.end for s in self.ann.sentences]
            ordered = non_decreasing(starts) and non_decreasing(ends)
            self._bounds = (starts, ends) if ordered else None
        return self._bounds  # type: ignore[return-value]

    def anchor(self, ra: ResolvedAttribution) -> tuple[int, int]:
        """The cue's span (the quote's own span when it has no cue)."""
        a = ra.attribution
        return (a.cue.start, a.cue.end) if a.cue is not None else (a.start, a.end)

    def in_a_quote(self, start: int, end: int) -> bool:
        """``any(qs <= start and end <= qe for qs, qe in self.spans)``, with ``bisect`` over the sorted spans."""
        k = bisect.bisect_right(self._span_starts, start)  # spans[:k] start at or before ``start``
        return k > 0 and self._max_end[k - 1] >= end

    def _nested(self, start: int, end: int) -> bool:
        """Whether another quote's span holds ``[start, end)``: ``any(qs <= start and end <= qe and (qs, qe) !=
        (start, end))``, with ``bisect``: a span starting before ``start`` holds it when it ends late enough; of
        those starting at ``start`` (sorted by end) the last one ends latest and holds it when it ends after."""
        k1 = bisect.bisect_left(self._span_starts, start)
        if k1 > 0 and self._max_end[k1 - 1] >= end:
            return True
        k2 = bisect.bisect_right(self._span_starts, start, k1)
        return k2 > k1 and self.spans[k2 - 1][1] > end

    def nearest_quote(self, start: int, end: int, sent: tuple[int, int]) -> ResolvedAttribution | None:
        """The quote of the sentence whose cue lies nearest to a span."""
        def dist(ra: ResolvedAttribution) -> int:
            s, e = self.anchor(ra)
            return max(s - end, start - e, 0)
        here = [ra for ra in self.quotes if sent[0] <= self.anchor(ra)[0] < sent[1]]
        return min(here, key=lambda ra: (dist(ra), ra.attribution.start)) if here else None

    # matching one rule

    def match(self, ra: ResolvedAttribution, rule: StanceRule) -> Stance | None:
        if not _cue_fits(rule.cues, _cue_lemma(ra)):
            return None
        return self._match(ra, rule, self._quote_facts(ra), _words_pattern(rule, self.rules))

    def _match(self, ra: ResolvedAttribution, rule: StanceRule, facts: tuple[bool, tuple[int, int]],
               pattern: re.Pattern[str] | None) -> Stance | None:
        """``match`` past its cue test, given the quote's ``_quote_facts`` and the rule's ``_words_pattern``."""
        a = ra.attribution
        nested, sent = facts
        if nested:
            return None  # a quote nested in another quote answers nobody itself
        evidence = self.evidence(ra, rule, sent, pattern)
        if evidence is None:
            return None
        target = self.target(ra, rule, sent)
        answers = None if target else self.answered(ra, sent, rule.same_claim)
        if target is None and answers is None and rule.same_claim:
            return None  # a confirmation must rest on the claim it confirms (precision before recall)
        return Stance(a.doc_id, a.start, a.end, rule.relation, target, evidence, sent[0], sent[1], rule.id,
                      answers[0] if answers else None, answers[1] if answers else None)

    def _quote_facts(self, ra: ResolvedAttribution) -> tuple[bool, tuple[int, int]]:
        """Whether a quote is nested in another quote, and its sentence span (``sentence``): the same for
        every stance rule, so worked out once per quote rather than once per (quote, rule)."""
        memo = self._facts.get(id(ra))
        if memo is None or memo[0] is not ra:  # keyed by id(); the ``is`` check guards against a reused id
            a = ra.attribution
            nested = self._nested(a.start, a.end)
            memo = (ra, nested, (0, 0) if nested else self.sentence(ra))
            self._facts[id(ra)] = memo
        return memo[1], memo[2]

    def _entities_from(self, lo: int, hi: int) -> Sequence[Entity]:
        """The entities that may lie in ``[lo, hi]``: those starting there when the entities are sorted by
        start (as the annotators give them; found with ``bisect``), else all of them."""
        if self._ent_starts is None:
            self._ent_starts = starts_if_ordered(self.ann.entities) or []  # [] : all of them
        ents = self.ann.entities
        if not self._ent_starts:
            return ents
        return ents[bisect.bisect_left(self._ent_starts, lo):bisect.bisect_right(self._ent_starts, hi)]

    def _content(self, ra: ResolvedAttribution) -> frozenset[str]:
        """The content tokens of a quote's text, worked out once per quote (``answered`` compares each
        quote with every earlier one)."""
        memo = self._contents.get(id(ra))
        if memo is None or memo[0] is not ra:  # keyed by id(); the ``is`` check guards against a reused id
            memo = (ra, content_tokens(normalise_quote(ra.attribution.text), self.settings))  # = normalise_text, faster
            self._contents[id(ra)] = memo
        return memo[1]

    def evidence(self, ra: ResolvedAttribution, rule: StanceRule, sent: tuple[int, int],
                 pattern: re.Pattern[str] | None) -> Span | None:
        """The rule's wording for the quote (``pattern``: the rule's ``_words_pattern``), or None."""
        a = ra.attribution
        if pattern is None:  # a cue-only rule: the cue is the evidence
            return Span(a.cue.start, a.cue.end, a.cue.text) if a.cue is not None else None
        if rule.scope == "quote":
            m = pattern.search(self.text, a.start, a.end)
            return Span(m.start(), m.end(), m.group()) if m else None
        if rule.scope == "cue":
            if a.cue is None:
                return None
            mention = ra.mention or a.mention
            lo = mention.start if mention is not None and mention.start < a.cue.start else a.cue.start - _CUE_REACH
            m = pattern.search(self.text, max(lo, sent[0]), a.cue.end)
            return Span(m.start(), m.end(), m.group()) if m and not self.in_a_quote(m.start(), m.end()) else None
        # wording outside every quote, nearer this quote's cue than any other quote's: the first such match
        spans, first_free, first_by_anchor = self._sentence_hits(pattern, sent)
        n = min(first_free, first_by_anchor.get(self.anchor(ra), len(spans)))
        return spans[n] if n < len(spans) else None

    def _sentence_hits(self, pattern: re.Pattern[str], sent: tuple[int, int]
                       ) -> tuple[list[Span], int, dict[tuple[int, int], int]]:
        """The pattern's matches outside every quote in a sentence (made once for all the sentence's quotes: a
        sentence may hold thousands), the index of the first near no quote, and of the first nearest each
        quote's anchor (``len(spans)`` when none)."""
        key = (pattern, sent)
        hits = self._hits.get(key)
        if hits is None:
            spans: list[Span] = []
            first_free, first_by_anchor = None, {}
            for m in pattern.finditer(self.text, sent[0], sent[1]):
                if self.in_a_quote(m.start(), m.end()):
                    continue
                near = self.nearest_quote(m.start(), m.end(), sent)
                if near is None:
                    first_free = len(spans) if first_free is None else first_free
                else:
                    first_by_anchor.setdefault(self.anchor(near), len(spans))
                spans.append(Span(m.start(), m.end(), m.group()))
            hits = self._hits[key] = (spans, len(spans) if first_free is None else first_free, first_by_anchor)
        return hits

    def target(self, ra: ResolvedAttribution, rule: StanceRule, sent: tuple[int, int]) -> str | None:
        """The party the sentence names as the author of the answered claim (the nearest to the quote)."""
        patterns = _target_checks(rule, self.rules)
        if not patterns:
            return None
        mention = ra.mention or ra.attribution.mention
        found = []
        for e in self._entities_from(sent[0], sent[1]):
            if not (sent[0] <= e.start and e.end <= sent[1]):
                continue
            if mention is not None and e.start < mention.end and mention.start < e.end:
                continue  # the speaker does not answer itself
            before, after = self.text[sent[0]:e.start], self.text[e.end:sent[1]]
            # an ``after`` pattern is anchored at the start ("^'s claims"): a match, cheap, tried first
            if any((post is None or post.match(after)) and pre.search(before) for pre, post in patterns):
                a = ra.attribution
                dist = 0 if a.start <= e.start < a.end else min(abs(e.start - a.start), abs(e.start - a.end))
                # nearest first; at one place the longest name, a gazetteer name before a bare capital
                found.append((dist, e.start, -(e.end - e.start), e.ref is None, e.ref or e.text))
        return min(found)[-1] if found else None

    def answered(self, ra: ResolvedAttribution, sent: tuple[int, int], same_claim: float = 0.0
                 ) -> tuple[int, int] | None:
        """The most recent earlier quote of another party on the same subject, as (start, end); with
        ``same_claim`` (a stance rule's share), one whose content words this quote repeats in that share."""
        a = ra.attribution
        if ra.speaker is None:
            return None
        party = party_of(ra.speaker, self.rules)
        subject = content_tokens(normalise_quote(self.text[sent[0]:sent[1]]), self.settings)  # = normalise_text, faster
        own = self._content(ra)
        for other in reversed(self.quotes):
            o = other.attribution
            if o.start >= a.start or other.speaker is None or party_of(other.speaker, self.rules) == party:
                continue
            theirs = self._content(other)
            shared = subject & theirs
            if len(shared) < max(self.settings.subject_min_shared, 1):
                continue
            if same_claim and len(own & theirs) < same_claim * max(len(own), len(theirs)):
                continue  # the same place or people, but not the same claim
            return o.start, o.end
        return None
