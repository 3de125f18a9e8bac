"""What an article says of a person where it names them: the role and affiliation in the words around a name.

News introduces a source once, with their title and organisation, and then uses the surname alone.
``Descriptions`` reads, for a name, every place the article writes it and returns the first role and
affiliation the words around it state, by these conventions of English news (each a rule id, listed in
``attrib rules ids``):

* ``affiliation.premodifier``: the organisation and title written before the name
  ("Northfield University economist Sam Lee", "Green Party Leader Jane Roe", "Treasury spokesperson");
* ``affiliation.possessor``: whose title it is, written before the name: "Roe's campaign manager Sam Lee",
  "Roe's agent, Sam Lee" (the person or organisation the possessor names);
* ``affiliation.appositive``: an appositive after the name ("Jane Roe, a spokeswoman for Metro Transit,",
  "Jane Roe, president of the Metro Union,", "Jane Roe, the Green Party leader,",
  "Jane Roe, Metro Transit's spokeswoman,");
* ``affiliation.heads``: a relative clause saying whom the person leads ("Jane Roe, who heads the Metro Union,");
* ``affiliation.preposition``: "Jane Roe of the Metro Union", "a spokeswoman for Metro Transit";
* ``affiliation.party-tag``: US news' party-and-state tag after the name ("Jane Roe, D-Mich.,", "(R-Ky.)"), by the
  organisation rule whose ``party_tag`` is its letter;
* ``affiliation.dependency``: with a dependency parse, where none of the above reads one: what the parse attaches
  to the name, an organisation in its appositive after for/of/at/with (", vice-president, external affairs for
  Northwind Mobile,"), an organisation compound before it, or its possessor.

An affiliation is a run of capitalised words (with the lower-case particles that join names:
"Dying with Dignity Canada", "Bank of Canada"); the rules' own name for it is used where they know it.
Everything but ``affiliation.dependency`` reads raw text and the rules' word classes, so it works without a
parser.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from operator import attrgetter
from typing import Sequence

from .model import Sentence, Token
from .nlp import tokenize
from .ruleset import RuleSet

_WINDOW = 160  # characters read on either side of a name: an appositive or a title fits in them
_POSSESSIVE = ("’s", "'s")
_LAST_WORD = re.compile(r"(\w[\w’'.-]*)[ \t]+$")  # the word right before a position, on its line
_WORD = re.compile(r"\w[\w’'-]*")  # a word, not punctuation or a possessive ending


@dataclass(frozen=True, slots=True)
class Description:
    """A role and affiliation the text states for one name, and the rule that read them."""

    role: str | None
    affiliation: str | None
    rule_id: str


class _Words:
    """The word classes the descriptions read, looked up once per RuleSet."""

    def __init__(self, rules: RuleSet):
        w = rules.words
        self.roles = {tuple(x.lower().split()) for r in rules.roles for x in r.words}
        # the words of titles ("political scientist", "majority leader", "MP"), function words left out
        # ("chief of staff")
        self.role_words = {x for words in self.roles for x in words} - w("preposition") - w("affiliation-particle")
        self.det = w("determiner")
        self.particles = w("affiliation-particle")
        self.for_words = w("affiliation-preposition")
        self.leads = w("leading-verb")
        self.place = w("place-preposition")
        self.clause_words = w("relative") | w("auxiliary")  # a role phrase holds no clause ("who graduated")
        self.role_stops = w("preposition") | w("clause-boundary") | w("auxiliary") | w("relative") | w("time")
        self.cue_verbs = {f.lower() for c in rules.cues for _, forms in c.verbs for f in forms}
        self.stops = self.role_stops | self.cue_verbs
        self.non_name = w("non-name")
        self.left_stops = self.stops | self.det  # what ends a title on its left ("said", "the", "of")
        self.not_given_names = self.role_words | self.non_name  # words before a surname that are no first name
        self.abbreviations = w("abbreviation")
        self.honorific = w("honorific")
        self.agent_suffixes = tuple(sorted(w("agent-suffix")))  # "cartoonist", "retiree": nouns for people
        self.party_tags = {o.party_tag: o.name for o in rules.organisations if o.party_tag}
        self.rules = rules

    @classmethod
    def of(cls, rules: RuleSet) -> "_Words":
        return rules.cached(cls.__name__, lambda: cls(rules))


def _cap(t: Token) -> bool:
    return t.text[:1].isupper()


def _org_run(toks: Sequence[Token], i: int, w: _Words) -> int:
    """The end (exclusive) of the organisation name that starts at token ``i``: capitalised words and the
    particles between them ("Bank of Canada"), never ending on a particle, and ended by a title that ends the
    capitalised run ("Liberal MLA for ...", not "Railroad Workers United"); ``i`` when there is none."""
    j, end = i, i
    while j < len(toks) and (_cap(toks[j]) or (toks[j].text.lower() in w.particles and j > i)
                             or _abbreviation_dot(toks, j, w) or _inner_possessive(toks, j)) and \
            not (j > i and toks[j].text.lower() in w.role_words and not (j + 1 < len(toks) and _cap(toks[j + 1]))):
        if _cap(toks[j]):
            end = j + 1
        j += 1
    return end


def _name_of(text: str, toks: Sequence[Token], s: int, e: int, w: _Words) -> str | None:
    """The organisation written as ``toks[s:e]``, in the rules' own name when they know it."""
    if e <= s:
        return None
    name = text[toks[s].start:toks[e - 1].end]
    if name.lower() in w.non_name:
        return None
    org = w.rules.org_written(name)
    return org.name if org else name


def premodifier(text: str, start: int, rules: RuleSet) -> Description | None:
    """Title and organisation written right before a name (or role) at ``start``: "Northfield University
    economist", "Green Party Leader", "Treasury" before "spokesperson"."""
    w = _Words.of(rules)
    left = list(tokenize(text, max(text.rfind("\n", 0, start) + 1, start - _WINDOW), start))  # within its line
    k = len(left)
    comma = k > 0 and left[k - 1].text == ","
    k -= comma  # "Roe's agent, Sam Lee": a possessor's title in apposition before the name
    role_from = k
    while role_from > 0 and _WORD.fullmatch(left[role_from - 1].text) and \
            left[role_from - 1].text.lower() not in w.left_stops and (
            not _cap(left[role_from - 1]) or left[role_from - 1].text.lower() in w.role_words):
        role_from -= 1  # "political scientist", "Leader", "MP": the title right before the name
    if role_from == k or not (left[k - 1].text.lower() in w.role_words or _noun_for_a_person(left[k - 1], w)):
        return None  # a title ends right before the name ("Cambridge cartoonist Sam Lee": one the rules lack, by its
        # ending); not "Roe's agent helped facilitate Sam Lee"
    role = " ".join(x.text.lower() for x in left[role_from:k])
    if role_from > 1 and left[role_from - 1].text in _POSSESSIVE and _cap(left[role_from - 2]):
        # "Roe's campaign manager Sam Lee", "Roe's agent, Sam Lee": the possessor's
        return Description(role, _name_of(text, left, _run_start(left, role_from - 1, w), role_from - 1, w),
                           "affiliation.possessor")
    if comma or role_from > 0 and left[role_from - 1].text in _POSSESSIVE:
        return None  # "the mayor, Sam Lee": maybe whom Sam Lee spoke of; "her agent Sam Lee": no name to give
    return Description(role, _name_of(text, left, _run_start(left, role_from, w), role_from, w),
                       "affiliation.premodifier")


def _abbreviation_dot(toks: Sequence[Token], j: int, w: _Words) -> bool:
    """Whether ``toks[j]`` is the period of an abbreviation inside a name, a capitalised word after it ("St."
    in "St. Michael's Hospital")."""
    return toks[j].text == "." and 0 < j < len(toks) - 1 and (toks[j - 1].text + ".").lower() in w.abbreviations \
        and _cap(toks[j + 1])


def _inner_possessive(toks: Sequence[Token], j: int) -> bool:
    """Whether ``toks[j]`` is a possessive inside a name, a capitalised word after it ("St. Michael's Hospital")."""
    return toks[j].text in _POSSESSIVE and 0 < j < len(toks) - 1 and _cap(toks[j + 1])


def _noun_for_a_person(tok: Token, w: _Words) -> bool:
    """Whether a lower-case word reads as a noun for a person by what they do ("cartoonist", "retiree",
    "researcher"): an agent ending on a word that is no function word ("after", "other")."""
    word = tok.text
    return word.islower() and len(word) > 5 and word.endswith(w.agent_suffixes) and word not in w.left_stops


def _run_start(toks: list[Token], end: int, w: _Words) -> int:
    """Where the run of capitalised words (and the particles between them) that ends before ``toks[end]`` starts:
    "Bank of Canada" before "economist"; ``end`` when there is none."""
    start = end
    while start > 0 and (_cap(toks[start - 1]) or toks[start - 1].text.lower() in w.particles) and \
            toks[start - 1].text.lower() not in w.non_name:
        start -= 1
    while start < end and not _cap(toks[start]):
        start += 1  # a run never opens with a particle
    return start


def appositive(text: str, end: int, rules: RuleSet, after_role: bool = False) -> Description | None:
    """Role and affiliation stated right after a name that ends at ``end``: ", a spokeswoman for Metro
    Transit,", ", president of the Metro Union,", ", the Green Party leader,", ", Metro Transit's
    spokeswoman,", ", who heads the Metro Union,", " of the Metro Union", " with Metro Transit". After a role (``after_role``:
    "a spokeswoman for Metro Transit said") any affiliation preposition may open the organisation."""
    w = _Words.of(rules)
    line_end = text.find("\n", end)
    right = list(tokenize(text, end, min(len(text) if line_end < 0 else line_end, end + _WINDOW)))  # within its line
    if not right:
        return None
    first = right[0].text.lower()
    if first in w.for_words and (after_role or first not in w.place):
        # "Jane Roe of the Metro Union", "Jane Roe with Metro Transit"; after a name no preposition of place ("Jane
        # Roe at the White House": where she is), after a role any ("a spokeswoman at Metro Transit")
        i = 1 + (len(right) > 1 and right[1].text.lower() in w.det)
        org_end = _org_run(right, i, w)
        return Description(None, _name_of(text, right, i, org_end, w), "affiliation.preposition") if org_end > i else None
    tag = party_tag(right[1:3] if right[0].text in (",", "(") else [], w)
    if tag:  # "Jane Roe, D-Mich.," and "Jane Roe (D-Mich.)": the party the tag's letter stands for
        return Description(None, tag, "affiliation.party-tag")
    if right[0].text != ",":
        return None
    stop = next((i for i, x in enumerate(right[1:], 1) if x.text in (",", ".", ";", ":", "(", ")", "“", "\"")
                 and not _abbreviation_dot(right, i, w)), len(right))  # not the "." of "St. Michael's"
    seg = right[1:stop]
    if not seg:
        return None
    words = [x.text.lower() for x in seg]
    if words[0] in ("who", "which"):
        return _relative(text, seg, words, w)
    i = 1 if words[0] in w.det else 0
    if _cap(seg[i]) and words[i] not in w.role_words:  # ", Liberal MLA for Miramichi,": the party, not the seat
        return _org_then_role(text, seg, words, i, w) or _role_preposition(text, seg, words, i, w)
    d = _role_preposition(text, seg, words, i, w)
    if d is not None and d.affiliation:
        return d
    return _org_then_role(text, seg, words, i, w) or d


PARTY_TAG = re.compile(r"([A-Z])-[A-Z][A-Za-z]*\.?")  # "D-Mich.", "R-Ky.": a US politician's party and state


def party_tag(toks: list[Token], w: _Words) -> str | None:
    """The party a party-and-state tag at the start of ``toks`` stands for ("D-Mich.," or "D-Mich)": the tag ends the
    phrase, unlike "D-Day veteran"): the organisation whose ``party_tag`` is its letter."""
    m = PARTY_TAG.fullmatch(toks[0].text) if len(toks) > 1 and toks[1].text in (",", ")", ".", ";") else None
    return w.party_tags.get(m.group(1)) if m else None


def _relative(text: str, seg: list[Token], words: list[str], w: _Words) -> Description | None:
    """", who heads the Metro Union,", ", who works with Roe and Lee,", ", who is product manager for Northwind,":
    a relative clause saying whom the person leads or works for, or their role there."""
    if len(seg) < 3:
        return None
    if words[1] not in w.leads:  # ", who is product manager for Stemcell Technologies,"
        k = 1
        while k < len(seg) and words[k] in w.clause_words:
            k += 1
        return _role_preposition(text, seg, words, k, w) if 1 < k < len(seg) else None
    i = 2 + (words[2] in w.for_words and len(seg) > 3)
    i += i < len(seg) and words[i] in w.det
    org_end = _org_run(seg, i, w)
    return Description(None, _name_of(text, seg, i, org_end, w), "affiliation.heads") if org_end > i else None


def _role_preposition(text: str, seg: list[Token], words: list[str], i: int, w: _Words) -> Description | None:
    """", a spokeswoman for Metro Transit,", ", president of the Metro Union,", ", a lawyer with Roe and Lee in
    Toronto,": a lower-case role (or a title) and the organisation after for/of/at/with, the last one the
    phrase names outside a place phrase ("the California tech giant Oracle", not "in Toronto"). A role holds no
    reporting verb: ", agreed with Roe's approach," is no role."""
    p = next((j for j in range(i, len(seg)) if words[j] in w.for_words), None)
    if p is None or p == i or p - i > _MAX_ROLE_WORDS or any(x in w.clause_words or x in w.cue_verbs for x in words[i:p]) or not (
            words[p - 1] in w.role_words  # "Chief Market Strategist at FXTM": a title, capitalised or not
            or all(not _cap(x) or j == i for j, x in enumerate(seg[i:p], i))):
        return None  # not "a Republican state representative who graduated from ..."
    runs, o = [], p + 1
    while o < len(seg):
        e = _org_run(seg, o, w) if _cap(seg[o]) else o
        if e > o and not (words[o - 1] in w.place and words[o - 1] not in w.for_words):
            runs.append((o, e))
        o = max(e, o + 1)
    role = " ".join(words[i:p])
    if not runs:
        return Description(role, None, "affiliation.appositive")
    o, org_end = runs[-1]
    if tuple(words[i:org_end]) in w.roles:  # ", the Secretary of State,": one title, no organisation
        return Description(" ".join(words[i:org_end]), None, "affiliation.appositive")
    return Description(role, _name_of(text, seg, o, org_end, w), "affiliation.appositive")


def _org_then_role(text: str, seg: list[Token], words: list[str], i: int, w: _Words) -> Description | None:
    """", the Green Party leader,", ", Metro Transit's spokeswoman,", ", Yellowhead MP,": the organisation's
    name, then the title (up to a preposition: "Canada's ambassador to China")."""
    org_end = _org_run(seg, i, w)
    while org_end > i + 1 and words[org_end - 1] in w.role_words:
        org_end -= 1  # ", Yellowhead MP,": the title is no part of the name
    if org_end <= i:
        return None
    after = org_end + (org_end < len(seg) and seg[org_end].text in _POSSESSIVE)
    role_end = next((j for j in range(after, len(seg)) if words[j] in w.role_stops), len(seg))
    role = seg[after:role_end]
    if role and all(not _cap(x) or x.text.lower() in w.role_words for x in role) and \
            any(x.text.lower() in w.role_words for x in role):
        return Description(" ".join(x.text.lower() for x in role), _name_of(text, seg, i, org_end, w),
                           "affiliation.appositive")
    return None


class Descriptions:
    """The roles and affiliations one article states for the names it writes, read on demand."""

    def __init__(self, text: str, rules: RuleSet, parsed: Sequence[Sentence] = ()):
        self.text = text
        self.rules = rules
        self.parsed = parsed  # the sentences with a dependency parse, if there is one
        self._parsed_starts = [x.start for x in parsed]
        self._at: dict[str, list[int]] | None = None  # a name's last word -> where the name is written
        self._memo: dict[str, Description | None] = {}

    def written_at(self, word: str) -> list[int]:
        """Where the article writes the capitalised word ``word``, in text order (indexed once per article)."""
        if self._at is None:
            self._at = {}
            for m in re.finditer(r"[A-Z][\w’'-]*", self.text):
                self._at.setdefault(m.group(), []).append(m.start())
        return self._at.get(word, [])

    def _places(self, name: str) -> list[tuple[int, int]]:
        """Where the article writes ``name`` (or a longer name ending in its last word), in text order."""
        words = name.split()
        surname = [(self._name_start(s), s + len(words[-1])) for s in self.written_at(words[-1])]
        if len(words) == 1:  # a surname alone: read around the fuller name it ends ("Russian President Vladimir Putin")
            return surname
        # the full name where the article writes it, else its surname's places (a surname that is also a word,
        # "May", would bring in every month)
        full = [(s, s + len(name)) for s in self.written_at(words[0]) if self.text[s:s + len(name)] == name]
        return full or surname

    def _name_start(self, s: int) -> int:
        """Where the name that ends in the word at ``s`` starts: back over the capitalised words before it
        that are no title ("Vladimir" in "President Vladimir Putin")."""
        w = _Words.of(self.rules)
        while True:
            m = _LAST_WORD.search(self.text, max(0, s - 40), s)
            if m is None or not m.group(1)[:1].isupper() or m.group(1).lower() in w.not_given_names:
                return s
            s = m.start(1)

    def of(self, name: str) -> Description | None:
        """The first affiliation the article states where it writes ``name``, with the role stated there (else
        the first role it states: "spokesperson Sam Lee" before "Sam Lee, a spokesperson for Metro Transit")."""
        if name not in self._memo:
            found = [d for s, e in self._places(name)[:_MAX_PLACES]
                     for d in (appositive(self.text, e, self.rules), premodifier(self.text, s, self.rules))
                     if d is not None and (d.affiliation or d.role)]
            first_role = next((d.role for d in found if d.role), None)
            d = next((d for d in found if d.affiliation), None)
            if d is None and self.parsed:
                d = next((d for s, e in self._places(name)[:_MAX_PLACES] if (d := self._from_parse(s, e))), None)
            self._memo[name] = (Description(d.role or first_role, d.affiliation, d.rule_id) if d
                                else found[0] if found else None)
        return self._memo[name]

    def _from_parse(self, start: int, end: int) -> Description | None:
        """``affiliation.dependency`` for the name written at ``[start, end)``, from its sentence's parse."""
        k = bisect_right(self._parsed_starts, start) - 1
        if k < 0 or end > self.parsed[k].end:
            return None
        return dependency(self.text, self.parsed[k].tokens, start, end, self.rules)


def dependency(text: str, toks: Sequence[Token], start: int, end: int, rules: RuleSet) -> Description | None:
    """The affiliation a dependency parse attaches to the name at ``[start, end)`` in a sentence's tokens:

    - in a title in apposition to the name (", a vice-president, external affairs for Northwind Mobile,", or
      "the union's president, Jane Roe"), the organisation after for/of/at/with, or the title's possessor;
    - before the name, its possessor, with nothing or a title between them ("Northwind's Jane Roe",
      "Northwind's spokeswoman Jane Roe"), or an organisation compound with a title between them ("Northwind
      Mobile spokeswoman Jane Roe").
    A title or honorific is no organisation ("Rep.", "Gov.", "Dr.").
    """
    w = _Words.of(rules)
    first = bisect_left(toks, start, key=_START) + 1
    inside = list(range(first, bisect_left(toks, end, key=_START) + 1))  # the name's words
    head = next((n for n in inside if toks[n - 1].head not in inside), None)
    if head is None:
        return None
    # the words near the name only, so a sentence of any length costs each place of a name the same
    children: dict[int, list[int]] = {}
    for n in range(max(1, first - _DEP_WINDOW), min(len(toks), inside[-1] + _DEP_WINDOW) + 1):
        if toks[n - 1].head:
            children.setdefault(toks[n - 1].head, []).append(n)

    def rel(n: int) -> str:
        return toks[n - 1].deprel or ""

    def titled(n: int) -> bool:  # a title the rules know, written in lower case ("a spokeswoman", "the president")
        return toks[n - 1].text.islower() and toks[n - 1].text in w.role_words

    def org_at(n: int) -> str | None:
        """The organisation whose name holds the capitalised word ``n``, from the first capitalised word of its
        phrase; before the name, it ends there."""
        s = min([n] + [c for c in children.get(n, []) if rel(c) in ("compound", "flat") and c < n
                       and _cap(toks[c - 1])]) - 1  # 0-based, as ``_org_run`` counts
        e = _org_run(toks, s, w)
        if s + 1 < inside[0]:
            e = min(e, inside[0] - 1)  # "Metro Transit CEO Jane Roe": not into the name
        while e > s and (toks[e - 1].text in _POSSESSIVE or toks[e - 1].text.lower().rstrip(".") in w.role_words
                         or toks[e - 1].text.lower() in w.honorific):
            e -= 1  # nor over a title or a possessive ending
        if e < n or any(x.text.lower() in w.honorific or x.text.lower().rstrip(".") in w.role_words
                        for x in toks[s:e]):
            return None
        return _name_of(text, toks, s, e, w)

    described = [c for c in children.get(head, []) if rel(c) == "appos" and titled(c)]
    if rel(head) == "appos" and toks[head - 1].head and titled(toks[head - 1].head):
        described.append(toks[head - 1].head)  # "the union's president, Jane Roe"
    for a in described:
        todo = [a]
        while todo:  # the title's phrase, nearest words first
            n = todo.pop(0)
            for c in children.get(n, []):
                if rel(c) == "nmod:poss" or rel(c).split(":")[0] in ("nmod", "obl") and any(
                        rel(p) == "case" and toks[p - 1].text.lower() in w.for_words for p in children.get(c, [])):
                    if _cap(toks[c - 1]) and (org := org_at(c)):
                        return Description(toks[a - 1].text.lower(), org, "affiliation.dependency")
                if rel(c).split(":")[0] not in ("acl", "advcl", "ccomp", "xcomp", "parataxis", "conj"):
                    todo.append(c)  # not into a clause of its own ("who oversees the PAC's campaign")
    before = [c for c in children.get(head, []) if c < inside[0]]
    for c in before:
        between = [n for n in range(c + 1, inside[0]) if toks[n - 1].text not in _POSSESSIVE]
        if _cap(toks[c - 1]) and (
                rel(c) == "nmod:poss" and all(titled(n) for n in between)  # not "Holt's NBC colleague Matt Lauer"
                or rel(c) == "compound" and any(titled(n) for n in between)) and (org := org_at(c)):
            return Description(None, org, "affiliation.dependency")
    return None


_MAX_PLACES = 20  # the places of a name read for its description: introductions come first
_DEP_WINDOW = 60  # the words on either side of a name that ``dependency`` reads its phrase from
_START = attrgetter("start")
_MAX_ROLE_WORDS = 5  # the longest lower-case role before "for"/"of"/"at": "a senior policy analyst with"
