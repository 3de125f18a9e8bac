"""Resolve speakers: (Annotated, Attribution...) -> tuple[ResolvedAttribution, ...].

A speaker mention ("Taliban spokesman Zabihullah Mujahid", "he", "the affable proprietor",
"Pakistani authorities", "Kabul") is parsed by the mention grammar (``_Resolver.parse``: the
head of the phrase, appositives, documents and their authors, organisations) and resolved by
the first of ``_Resolver.SIEVES`` that applies, most precise first, each a named method whose
rule id goes into the record:

* pronouns -> the person or organisation the passage is about (``speaker.pronoun``);
* descriptions of a person ("the affable proprietor") -> the person the passage is about
  (``speaker.person-descriptor``); descriptors of organisations ("the ministry", "the party")
  -> the organisation named before with that noun or kind (``speaker.descriptor``);
* names -> the rules' speaker by alias, else the fullest form of the name in the article
  (``speaker.known``, ``speaker.name``), with the role and affiliation the article states
  (``attrib.descriptions``);
* a definite title ("the prime minister") -> the person the article named with it before
  (``speaker.titled-person``);
* anonymous sources with the same role noun in one article -> one speaker (``speaker.anonymous``);
* organisations, groups, and what is left as written (``speaker.organisation``, ``speaker.group``,
  ``speaker.unknown``).

"The person the passage is about" is the first person named in the nearest sentence before the
mention, the one who was just speaking first (``_salient_person``).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

from .descriptions import Descriptions, appositive, premodifier
from .ids import org_id, person_id, slug
from .model import Annotated, Attribution, Entity, Quote, ResolvedAttribution, Span, Speaker, SpeakerKind, Token
from .nlp import tokenize
from .ruleset import RoleRule, RuleSet, SpeakerRule
from .spans import Overlaps, lengths_by_first_word, masked_spans, starts_if_ordered

_ORG_LABELS = {"COUNTRY": SpeakerKind.COUNTRY, "GOVERNMENT": SpeakerKind.ORGANIZATION,
               "ORGANIZATION": SpeakerKind.ORGANIZATION, "GROUP": SpeakerKind.ORGANIZATION,
               "MEDIA": SpeakerKind.ORGANIZATION, "ORG": SpeakerKind.ORGANIZATION, "GPE": SpeakerKind.COUNTRY,
               "NORP": SpeakerKind.COUNTRY}
# Named-entity labels: stanza's GPE and NORP make countries. CoreNLP's have neither: it calls countries and cities
# LOC and nationalities MISC, labels too broad to make a speaker's kind (on polnear_dev's parses LOC gave three
# companies and a website as countries), so with CoreNLP's labels the rules' countries table finds them, as it
# does with either tagger.
_COUNTRY_LABELS = ("COUNTRY", "GPE", "NORP")
_PERSONISH = (SpeakerKind.PERSON, SpeakerKind.ANONYMOUS)
_ORGISH = (SpeakerKind.ORGANIZATION, SpeakerKind.COUNTRY, SpeakerKind.UNKNOWN)


@dataclass(slots=True)
class _Parsed:
    """What one mention says about its speaker."""

    kind: SpeakerKind
    name: str | None = None
    role: str | None = None
    role_rule: RoleRule | None = None
    affiliation: str | None = None
    known: SpeakerRule | None = None
    pronoun: str | None = None  # lexicon class of a pronoun mention
    descriptor: bool = False  # "the group", "the ministry": refers back to an organisation
    person_descriptor: bool = False  # "the affable proprietor": refers back to the person the passage is about
    definite: bool = False


class _Tables:
    """Lookups built once per RuleSet."""

    def __init__(self, rules: RuleSet):
        self.rules = rules
        self.speakers = {s.name: s for s in rules.speakers}
        self.roles: dict[tuple[str, ...], RoleRule] = {}
        for r in rules.roles:
            for w in r.words:
                self.roles.setdefault(tuple(w.lower().split()), r)
        self.role_len = max((len(k) for k in self.roles), default=1)
        self.role_lengths = lengths_by_first_word(self.roles)  # first word -> lengths of the roles it starts
        self.role_heads = {k[-1] for k in self.roles}  # "minister", "leader": a title ends in one
        self.role_words = {w for k in self.roles for w in k}  # "prime", "minister", "foreign": words of titles
        self.pronouns = {w: c for c in ("pronoun-male", "pronoun-female", "pronoun-thing", "pronoun-plural")
                         for w in rules.words(c)}
        # "her statement" speaks for "she": a pronoun of a class -> that class's subject pronoun
        self.possessive_pronouns = {w: next(iter(sorted(rules.words(c) & rules.words("pronoun-subject"))), w)
                                    for c in ("pronoun-male", "pronoun-female", "pronoun-thing", "pronoun-plural")
                                    for w in rules.words(c)}
        self.det = rules.words("determiner")
        self.prep = rules.words("preposition")
        self.evidence = rules.words("evidence-noun")
        self.agent_prep = rules.words("agent-preposition")
        self.place_prep = rules.words("place-preposition")
        self.non_name = rules.words("non-name")
        self.honorific = rules.words("honorific")
        self.descriptors = {tuple(w.split()) for w in rules.words("org-descriptor")}
        self.descriptor_nouns = {d[-1] for d in self.descriptors}  # "group", "ministry", "company"
        self.company_words = rules.words("company-descriptor")  # "company", "firm": any company named before
        self.org_words = rules.words("org-word")
        self.name_particles = rules.words("affiliation-particle")
        self.relative = rules.words("relative")
        self.definite = rules.words("definite")
        self.gender_words = {**{w: "male" for w in rules.words("male-word")},
                             **{w: "female" for w in rules.words("female-word")}}
        self.abbreviations = rules.words("abbreviation")
        self.thing_pronouns = rules.words("pronoun-thing")
        self.time_words = rules.words("time")
        # "his", "her": a gendered pronoun that opens a mention as its owner -> that gender
        self.owner_pronouns = {w: c.split("-")[1] for c in ("pronoun-male", "pronoun-female") for w in rules.words(c)
                               if w in rules.words("determiner")}
        self.naming_words = rules.words("naming-word")
        personal = sorted(self.pronouns, key=len, reverse=True)  # a pronoun of any class, as a whole word
        self.pronoun_re = re.compile(r"\b(?:" + "|".join(map(re.escape, personal)) + r")\b", re.I) if personal else None
        self.agent_suffixes = tuple(sorted(rules.words("agent-suffix")))
        # words that open a sentence without being a name: "Although Trump", "Given ...", "Article ..."
        self.opener_words = rules.words("clause-boundary") | self.prep | self.det | rules.words("non-name")
        self.state_bodies = rules.words("state-body")
        self.governments: dict[str, str] = {}
        for o in rules.organisations:  # a country's government: the government-kind child of the country
            if o.kind == "government" and o.parent and (p := rules.org(o.parent)) and p.kind == "country":
                self.governments.setdefault(o.parent, o.name)

    @classmethod
    def of(cls, rules: RuleSet) -> "_Tables":
        return rules.cached(cls.__name__, lambda: cls(rules))


def resolve_speakers(annotated: Annotated, attributions: tuple[Attribution, ...], rules: RuleSet,
                     quotes: tuple[Quote, ...] = ()) -> tuple[ResolvedAttribution, ...]:
    """Resolve every attribution's speaker mention.

    Args:
        annotated: the article (text, entities).
        attributions: from ``find_attributions``, in text order.
        rules: speakers, organisations, roles and word classes.
        quotes: the article's quotations; names inside them are never antecedents.

    Returns:
        One ResolvedAttribution per attribution, same order; speaker None when there is no
        mention or a pronoun has no antecedent.
    """
    tables = _Tables.of(rules)
    resolver = _Resolver(annotated, tables, quotes)
    # a capitalised word that ends a short speaker mention anywhere in the article names a person there
    resolver.speaker_words = {w[-1].lower() for a in attributions if a.mention
                              for w in [a.mention.text.split()] if 0 < len(w) <= 4 and w[-1][:1].isupper()}
    by_mention: dict[tuple[int, int], tuple[Speaker | None, tuple[str, ...]]] = {}
    order = sorted(range(len(attributions)),
                   key=lambda i: (attributions[i].mention.start if attributions[i].mention else attributions[i].start))
    out: list[ResolvedAttribution | None] = [None] * len(attributions)
    for i in order:
        a = attributions[i]
        if a.mention is None:
            out[i] = ResolvedAttribution(a, None, None)
            continue
        key = (a.mention.start, a.mention.end)
        if key not in by_mention:
            by_mention[key] = resolver.resolve(a.mention)
        sp, rids = by_mention[key]
        if "quote.introduced-speaker" in a.rule_ids and (sp is None or sp.kind not in _PERSONISH):
            # only a person introduces a quote: an organisation or a thing leaves it unattributed
            out[i] = ResolvedAttribution(replace(a, mention=None, rule_ids=a.rule_ids[:1]), None, None)
            continue
        out[i] = ResolvedAttribution(a, sp, a.mention, rids)
    return tuple(resolver.finish(r) for r in out)


class _Resolver:
    """Resolves mentions of one article in text order, remembering the speakers seen."""

    def __init__(self, annotated: Annotated, tables: _Tables, quotes: tuple[Quote, ...]):
        self.ann = annotated
        self.text = annotated.article.text
        self.t = tables
        self.history: list[tuple[int, Speaker, _Parsed]] = []  # (mention start, speaker, parse); read through _now
        self._latest: dict[str, Speaker] = {}  # speaker id -> the speaker it now is (_update)
        self._last_of: dict[str, Speaker] = {}  # speaker id -> its latest history entry's speaker
        self._last_person: dict[str, Speaker] = {}  # a person's name -> its latest history entry's speaker
        self._long_by_last: dict[str, list[tuple[int, str]]] | None = None  # see _longer_name
        self.anon_count = 0
        self.anon_names: dict[str, list[str]] = {}  # anon id -> names seen
        self._fullest: dict[str, tuple[int, str]] = {}  # anon id -> (names read, the fullest of them): see finish
        self.persons: dict[str, str] = {}  # last token -> full name, for unknown people
        self.quotes = quotes
        self.pos = 0  # start of the mention being resolved
        self.sent_starts = [x.start for x in annotated.sentences]
        self.genders: dict[str, str] = {}  # speaker id -> "male"/"female", learnt from pronouns and honorifics
        self._people: list[_Candidate] | None = None  # see _names
        self._name_starts: list[int] = []
        self._history_starts: list[int] = []  # the mention start of each history entry
        self._long_names_cache: list[tuple[int, str, str]] | None = None  # see _long_names
        self._person_words: set[str] | None = None  # see _name_words
        self._titled: list[tuple[int, str, str]] = []  # see _titled_names
        self._titled_by_head: dict[str, list[tuple[int, str, str]]] | None = None  # see _titled_person
        self._titled_speaker: dict[str, Speaker] = {}  # a title's last word -> the latest person resolved with it
        self._ent_starts: list[int] | None = None  # see _entities
        self._non_persons: Overlaps | None = None  # see _known_non_persons
        self._quote_overlaps: Overlaps | None = None  # see _in_quote
        self._caps_inside: set[str] | None = None  # see _mid_sentence_caps
        self._by_last_word: dict[str, list[tuple[int, str]]] | None = None  # see _introduced_as
        self.speaker_words: set[str] = set()
        self.descriptions = Descriptions(self.text, tables.rules, annotated.sentences if annotated.has_deps else ())
        self.described: str | None = None  # the affiliation rule the last resolved mention used

    # -- parsing ------------------------------------------------------------------------

    def _entities(self, start: int, end: int) -> list[Entity]:
        """The entities inside ``[start, end)``, in the annotation's order."""
        ents = self.ann.entities
        if self._ent_starts is None:
            self._ent_starts = starts_if_ordered(ents) or []  # [] : scan them all
        if not self._ent_starts and ents:
            return [e for e in ents if start <= e.start and e.end <= end]
        lo = bisect.bisect_left(self._ent_starts, start)
        hi = bisect.bisect_right(self._ent_starts, end)  # an entity starting after ``end`` cannot end by it
        return [e for e in ents[lo:hi] if e.end <= end]

    def parse(self, m: Span) -> _Parsed:
        t = self.t
        toks = _outside_brackets(tokenize(self.text, m.start, m.end))  # "Jim Jordan (R-Ohio)": the bracket is no name
        words = [x.text.lower() for x in toks]
        if len(toks) == 1 and words[0] in t.pronouns:
            return _Parsed(SpeakerKind.UNKNOWN, pronoun=t.pronouns[words[0]])
        # core = before the first comma or relative pronoun; head = core before its first preposition
        cut = next((i for i, w in enumerate(words) if w == "," or (i and w in t.relative)), len(toks))
        core, appos = toks[:cut], toks[cut:]
        core_words = [x.text.lower() for x in core]
        head_end = next((i for i, w in enumerate(core_words) if i and w in t.prep
                         and not _inside_role(core_words, i, t)), len(core))  # "Secretary of State X" is one head
        head = core[:head_end]
        while head and head[0].text.lower() in t.det:
            head = head[1:]
        definite = bool(core) and core[0].text.lower() in t.definite
        if not head:  # "Some in the Muslim community", "Many of the workers": a part of a group
            partitive = head_end < len(core) and core_words[head_end] in t.prep
            return _Parsed(SpeakerKind.GROUP, " ".join(self.text[core[0].start:core[-1].end].split())) if partitive \
                else _Parsed(SpeakerKind.UNKNOWN)
        author = self._author(head, core)
        if author is not None:  # a document speaks for its author
            return self.parse(author)
        ents = self._entities(m.start, m.end)
        hs, he = head[0].start, head[-1].end
        known = next((t.speakers.get(e.ref) for e in ents if e.label == "PERSON" and e.source == "gazetteer"
                      and hs <= e.start and e.end <= he), None)
        role_rule, role = _longest_role(head, t) or _longest_role(appos, t) or (None, None)
        orgs = [e for e in ents if e.source in ("gazetteer", "ner") and e.label in _ORG_LABELS
                and not (e.label in _COUNTRY_LABELS and (self._after_place_preposition(e.start)  # "his career in Mexico"
                                                         or self._in_a_longer_name(e)))]  # "the Bank of Canada"
        core_end = core[-1].end if core else he
        if role_rule is not None and role_rule.kind == "group":
            orgs = [e for e in orgs if e.end <= core_end]  # "Residents of X, which fell to the Taliban"
        # "a foreign ministry statement": the channel word is not the speaker
        chan = [e for e in self._entities(hs, he) if e.label == "CHANNEL" and e.end == he and e.start > hs]
        if chan:
            head = [x for x in head if x.end <= chan[0].start]
            hs, he = head[0].start, head[-1].end
        org = _pick_org(orgs, hs, he)
        affiliation = org.ref if org and org.ref else None
        if org and org.label in ("NORP", "COUNTRY", "GPE") and role_rule and role_rule.governmental:
            affiliation = t.governments.get(org.ref or "", affiliation)
        affiliation = affiliation or self._pronoun_owner(core)  # "his office", "her lawyer": the person's
        if known:
            return _Parsed(SpeakerKind.PERSON, known.name, role or known.role, role_rule,
                           known.affiliation or affiliation, known, definite=definite)
        named = next((i for i, x in enumerate(core[:-1]) if x.text.lower() in t.naming_words
                      and core[i + 1].text[:1].isupper()), None)
        if named is not None and (name := self._person_name(core[named + 1:], ents)):
            # "a disaster agency official in Banten named Jhony": the person the phrase names
            return _Parsed(SpeakerKind.PERSON, name, role, role_rule, affiliation, definite=definite)
        # "the Trump campaign", "Clinton supporters": a name in front of a common noun only modifies it
        modifier_only = head[-1].text.islower() and (
            (head[-1].text,) in t.descriptors or (t.roles.get((head[-1].text,)) or role_rule) is not None
            and (t.roles.get((head[-1].text,)) or role_rule).kind == "group")
        # "A Treasury spokesperson": capitalised words before a lower-case role are its organisation, not a name
        role_headed = head[-1].text.islower() and role is not None and \
            " ".join(x.text for x in head).lower().endswith(role)
        name = None if modifier_only or role_headed else self._person_name(head, ents)
        if not name and not modifier_only and head[-1].text.islower():
            name = self._appositive_name(appos, ents)  # "the state's campaign chairman, Jane Doe,"
        # one capitalised word, a name or only a sentence's first word ("Northwind said its profit fell")
        word = name or (head[0].text if len(head) == 1 and head[0].text[:1].isupper() and org is None else None)
        if word and not role and " " not in word and self._taken_up_as_a_thing(word, head):
            return _Parsed(SpeakerKind.ORGANIZATION, word, affiliation=word, definite=definite)
        if name:
            return _Parsed(SpeakerKind.PERSON, name, role, role_rule, affiliation, definite=definite)
        head_words = tuple(x.text.lower() for x in head)
        last_role = role_rule is not None and head_words[-len(role.split()):] == tuple(role.split())
        if last_role and affiliation is None:  # "A Treasury spokesperson", "a spokeswoman for Metro Transit"
            d = premodifier(self.text, he, t.rules)
            d = d if d is not None and d.affiliation else appositive(self.text, he, t.rules, after_role=True)
            if d is not None and d.affiliation:
                affiliation, self.described = d.affiliation, d.rule_id
        if last_role:
            name_end = core_end if role_rule.kind == "group" else he
            return _Parsed(SpeakerKind(role_rule.kind), self._clean(self.text[hs:name_end]), role, role_rule,
                           affiliation, definite=definite and "’s" not in head_words and "'s" not in head_words)
        if org and org.end >= he - 1 and org.ref:
            kind = _ORG_LABELS.get(org.label, SpeakerKind.ORGANIZATION)
            if org.label == "NORP":  # "the Pakistani said": the nationality stands for its country
                kind = SpeakerKind.COUNTRY
            return _Parsed(kind, org.ref, affiliation=self.t.rules.org(org.ref).parent if self.t.rules.org(org.ref)
                           else None, definite=definite)
        if org and org.source == "ner" and org.start <= hs and org.end >= he - 1 and org.label != "NORP" \
                and role_rule is None:
            # a name the tagger calls an organisation or a place, no rule knows, and nothing else in the head
            name = self._clean(org.text)
            return _Parsed(_ORG_LABELS[org.label], name, affiliation=name, definite=definite)
        if any(head_words[-len(d):] == d for d in t.descriptors) and not any(x.text[:1].isupper() for x in head):
            return _Parsed(SpeakerKind.UNKNOWN, self._clean(self.text[hs:he]), descriptor=True, definite=definite,
                           affiliation=affiliation)
        # "the Metro Union", "EU", "UFCW Local 832", "the Prime Minister's Office": a name holding an organisation
        # word, or an acronym that is no title, names an organisation
        proper = [x for x in head if x.text.lower() not in t.det and x.text != "."]  # "Northwind Co."
        k = core.index(head[-1]) + 1 if head[-1] in core else len(core)
        while k + 1 < len(core) and core[k].text.lower() in t.name_particles and core[k + 1].text[:1].isupper():
            proper += core[k:k + 2]  # "the Bank of Canada": the name runs over "of"
            k += 2
            while k < len(core) and core[k].text[:1].isupper():
                proper.append(core[k])
                k += 1
        if proper and (proper[-1].text[:1].isupper() or proper[-1].text.isdigit()) and all(
                x.text[:1].isupper() or x.text.isdigit() or x.text in ("’s", "'s") or x.text.lower() in t.name_particles
                for x in proper) and (
                any(x.text.lower() in t.org_words for x in proper)
                or any(len(x.text) > 1 and x.text.isupper() and x.text.lower() not in t.role_words for x in proper)):
            name = self._clean(self.text[proper[0].start:proper[-1].end])
            return _Parsed(SpeakerKind.ORGANIZATION, name, affiliation=name, definite=definite)
        if role_rule is not None:
            return _Parsed(SpeakerKind(role_rule.kind), self._clean(self.text[hs:he]), role, role_rule, affiliation,
                           definite=definite)
        # "the affable proprietor": a definite description of one person (its head a noun for a person by
        # what they do) that names no one, no role the rules know, no organisation and no document
        describes_person = definite and core[0].text.lower() == "the" and head[-1].text.islower() and \
            not any(x.text[:1].isupper() or x.text in ("’s", "'s") for x in head) and \
            head_words[-1] not in t.evidence and head_words[-1].endswith(t.agent_suffixes)
        return _Parsed(SpeakerKind.UNKNOWN, self._clean(self.text[hs:he]), affiliation=affiliation or self._possessor(head),
                       definite=definite, person_descriptor=describes_person)

    def _taken_up_as_a_thing(self, word: str, head: list[Token]) -> bool:
        """Whether a one-word name names an organisation: no title, honorific or given name goes with it, the
        article never writes it in a fuller person's name, and where it is written the first pronoun after it in
        its sentence is a thing's ("Northwind said its profit fell", not "Lee said he would stay")."""
        t = self.t
        if t.pronoun_re is None or word.lower() in t.gender_words or any(
                x.text.lower().rstrip(".") in t.honorific for x in head) or word in self._name_words():
            return False
        for s in self.descriptions.written_at(word)[:_MAX_PLACES]:
            k = bisect.bisect_right(self.sent_starts, s)
            stop = min(self.sent_starts[k] if k < len(self.sent_starts) else len(self.text), s + _THING_WINDOW)
            m = t.pronoun_re.search(self.text, s + len(word), stop)
            if m is not None and not _CAPITALISED.search(self.text, s + len(word), m.start()):
                return m.group().lower() in t.thing_pronouns  # no other name between them that it could take up
        return False

    def _name_words(self) -> set[str]:
        """Every word of the article's fuller person names ("Wang" and "Qishan" of "Wang Qishan"), worked out once."""
        if self._person_words is None:
            self._person_words = {w for _, _, name in self._long_names() for w in name.split()
                                  if not self.t.org_words & {x.lower().rstrip(".") for x in name.split()}}
        return self._person_words

    def _pronoun_owner(self, core: list[Token]) -> str | None:
        """The person a mention's opening "his"/"her" stands for ("his office said", "her lawyer, Sam Lee"): the
        person the passage is about, of that gender."""
        if not core or core[0].text.lower() not in self.t.owner_pronouns:
            return None
        sp = self._salient_person(core[0].start, self.t.owner_pronouns[core[0].text.lower()])
        return sp.name if sp is not None else None

    def _possessor(self, head: list[Token]) -> str | None:
        """Whose a mention's head is, by the name before its "'s" ("Trudeau's office" -> Justin Trudeau, named
        before in full; "the Metro Union's board" -> Metro Union)."""
        own = next((i for i in range(len(head) - 1, 0, -1) if head[i].text in ("’s", "'s")), None)
        if own is None or not head[own - 1].text[:1].isupper():
            return None
        first = own - 1
        while first > 0 and head[first - 1].text[:1].isupper():
            first -= 1
        return self._fuller(self._clean(self.text[head[first].start:head[own - 1].end]))

    def _author(self, head: list[Token], core: list[Token]) -> Span | None:
        """The author a document mention speaks for: the name after "by"/"from" ("an analysis by Jane Doe",
        "A statement from the EU", "a release sent to media from the Metro Union"), else its possessor
        ("her statement", "the union's release"); None when the head names no document."""
        t = self.t
        doc = next((i for i, x in enumerate(core) if x.text.lower() in t.evidence and x in head), None)
        if doc is None:
            return None
        for k in range(doc + 1, len(core) - 1):
            if core[k].text.lower() in t.agent_prep:
                a = k + 1 + (core[k + 1].text.lower() in t.det and k + 2 < len(core))
                if core[a].text[:1].isupper():
                    return Span(core[a].start, core[-1].end, self.text[core[a].start:core[-1].end])
        own = next((i for i in range(doc - 1, -1, -1) if core[i].text in ("’s", "'s")), None)
        if own is not None and own > 0:  # "the union's Friday release": the possessor's phrase
            first = own - 1
            while first > 0 and core[first - 1].text.lower() not in t.det and core[first - 1].text[:1].isupper():
                first -= 1
            first -= first > 0 and core[first - 1].text.lower() in t.det
            return Span(core[first].start, core[own - 1].end, self.text[core[first].start:core[own - 1].end])
        if doc > 0 and core[doc - 1].text.lower() in t.possessive_pronouns:  # "her statement": she
            p = core[doc - 1]
            return Span(p.start, p.end, t.possessive_pronouns[p.text.lower()])
        return None

    def _appositive_name(self, appos: list[Token], ents: list[Entity]) -> str | None:
        """The name that makes up a whole appositive after a role ("the campaign chairman, Jane Doe,")."""
        if len(appos) < 2 or appos[0].text != ",":
            return None
        seg = appos[1:next((i for i, x in enumerate(appos[1:], 1) if x.text == ","), len(appos))]
        caps = [x for x in seg if x.text != "."]
        if not 0 < len(seg) <= 6 or seg[0].text.lower() in self.t.det or not all(
                x.text[:1].isupper() for x in caps[-2:]) or sum(not x.text[:1].isupper() for x in caps) > 1:
            return None  # "Jane Doe", "state Sen. Jane Doe"; not "a lawyer from Leeds"
        return self._person_name(seg, ents)

    def _person_name(self, head: list[Token], ents: list[Entity]) -> str | None:
        """The last run of capitalised words in the head that is not an organisation, place or role."""
        covered = [(e.start, e.end) for e in ents if e.source in ("gazetteer", "ner") and e.label != "PERSON"]
        runs: list[list[Token]] = []
        cur: list[Token] = []
        for i, tok in enumerate(head + [Token("", 10**9, 10**9)]):
            w = tok.text
            ok = (w[:1].isupper() and (not w.isupper() or _INITIAL.fullmatch(w)) and w.lower() not in self.t.non_name
                  and not any(s <= tok.start < e for s, e in covered))
            if ok:
                cur.append(tok)
                continue
            if cur and w not in ("’s", "'s") and not w.isdigit():
                runs.append(cur)  # not "Vladimir Putin’s special envoy" (Putin is not the speaker), nor "Local 832"
            cur = []
        for run in reversed(runs):
            before = self.text[max(0, run[0].start - 4):run[0].start].split()
            if before and before[-1].lower() == "the" and run[0].text.lower() not in self.t.honorific:
                continue  # "the Kentucky Republican", "the Calgary-based railway": no person's name takes "the"
            if len(run) == 1 and self._first_in_sentence(run[0].start) and run[0].text not in self._mid_sentence_caps() \
                    and run[0].text.lower() not in self.t.gender_words and run[0].text not in self._name_words() \
                    and not self._described_as_a_person(run[0].end):
                continue  # "Protesters said", "Given his views": capitalised only because it opens the sentence
            run = run[self._title_end([x.text for x in run]):]
            if not run or (len(run) == 1 and (run[0].text.lower(),) in self.t.roles):
                continue
            if all(x.text.lower() in self.t.honorific for x in run):
                continue
            if any(x.text.lower() in self.t.org_words for x in run):
                continue  # "Commission on Presidential Debates" is no person
            return self._clean(self.text[run[0].start:run[-1].end])
        return None

    def _title_end(self, words: list[str]) -> int:
        """How many of a capitalised run's first words are titles in front of a name, up to the last role or
        organisation word: 2 in "Information Minister Fawad Chaudhry", 3 in "Senate Majority Leader Mitch McConnell"."""
        low = [w.lower().rstrip(".") for w in words]
        return max((i + 1 for i, w in enumerate(low) if w in self.t.role_heads or w in self.t.org_words), default=0)

    # -- resolving ---------------------------------------------------------------------

    def resolve(self, m: Span) -> tuple[Speaker | None, tuple[str, ...]]:
        """The speaker of a mention and the rule ids that made it: the first of ``SIEVES`` that applies."""
        self.pos = m.start
        self.described = None
        p = self.parse(m)
        sp, rid = next(found for sieve in self.SIEVES if (found := sieve(self, m, p)) is not None)
        rids = [rid]
        if sp is not None:
            self.history.append((m.start, sp, p))
            self._last_of[sp.id] = sp
            if sp.kind is SpeakerKind.PERSON:
                self._last_person[sp.name] = sp
                if sp.role:
                    self._titled_speaker[sp.role.split()[-1]] = sp
            self._history_starts.append(m.start)  # mentions are resolved in text order: the list stays sorted
            if self.described:
                rids.append(self.described)
        return sp, tuple(rids)

    # -- the sieves, most precise first; each gives (speaker or None, rule id), or None when it does not apply

    def _pronoun(self, m: Span, p: _Parsed):
        """"he", "they": the person or organisation the passage is about (``_antecedent``)."""
        return (self._antecedent(m.start, p), "speaker.pronoun") if p.pronoun else None

    def _person_descriptor(self, m: Span, p: _Parsed):
        """"the affable proprietor": the person the passage is about."""
        sp = self._salient_person(m.start, None) if p.person_descriptor else None
        return (sp, "speaker.person-descriptor") if sp is not None else None

    def _descriptor(self, m: Span, p: _Parsed):
        """"the ministry", "the party": the organisation named before with that noun or kind."""
        if not p.descriptor:
            return None
        sp = self._antecedent(m.start, p)
        if sp is None and p.name:
            sp = Speaker(f"unknown:{self.ann.article.doc_id}:{slug(p.name)}", p.name, SpeakerKind.UNKNOWN, None,
                         p.affiliation, self._path(p.affiliation))  # "his office": the person's
        return sp, "speaker.descriptor"

    def _named_person(self, m: Span, p: _Parsed):
        """A name: the rules' speaker, else the fullest form of the name in the article."""
        if p.kind is not SpeakerKind.PERSON:
            return None
        return self._person(p), "speaker.known" if p.known else "speaker.name"

    def _titled_person(self, m: Span, p: _Parsed):
        """"the prime minister": the person the article named with that title before ("Prime Minister Jane Roe",
        "Jane Roe, the prime minister,"), the latest one."""
        if p.kind is not SpeakerKind.ANONYMOUS or not p.definite or not p.role or p.affiliation:
            return None
        head = p.role.split()[-1]
        sp = self._titled_speaker.get(head)  # the latest person resolved with a title of that head
        if sp is not None and (sp.role or "").endswith(p.role):
            return sp, "speaker.titled-person"
        if self._titled_by_head is None:  # title's last word -> (end, title, name), in text order
            self._titled_by_head = {}
            for end, title, name in self._titled_names():
                self._titled_by_head.setdefault(title.split()[-1].rstrip("."), []).append((end, title, name))
        named = self._titled_by_head.get(head, [])
        k = bisect.bisect_right(named, m.start, key=lambda x: x[0])
        if not k or not named[k - 1][1].endswith(p.role):
            return None
        saved, self.pos = self.pos, named[k - 1][0]
        try:
            return self._person(_Parsed(SpeakerKind.PERSON, named[k - 1][2])), "speaker.titled-person"
        finally:
            self.pos = saved

    def _anonymous_source(self, m: Span, p: _Parsed):
        """"a senior official": one anonymous source per role (and affiliation) in the article."""
        return (self._anonymous(m.start, p), "speaker.anonymous") if p.kind is SpeakerKind.ANONYMOUS else None

    def _organisation(self, m: Span, p: _Parsed):
        """An organisation or country, by the rules' name where they know it."""
        if p.kind not in (SpeakerKind.ORGANIZATION, SpeakerKind.COUNTRY):
            return None
        org = self.t.rules.org(p.name or "")
        return Speaker(org_id(p.name or ''), p.name or "", p.kind, None, p.name,
                       self.t.rules.org_path(p.name) if org else ()), "speaker.organisation"

    def _group(self, m: Span, p: _Parsed):
        """"residents", "Smith supporters": a group of this article."""
        if p.kind is not SpeakerKind.GROUP:
            return None
        return Speaker(f"group:{self.ann.article.doc_id}:{slug(p.name or '')}", p.name or "", p.kind, p.role,
                       p.affiliation, self._path(p.affiliation)), "speaker.group"

    def _unknown(self, m: Span, p: _Parsed):
        """Anything else that names something, kept as written (the last sieve: it always applies)."""
        sp = Speaker(f"unknown:{self.ann.article.doc_id}:{slug(p.name or '')}", p.name or "", p.kind, p.role,
                     p.affiliation, self._path(p.affiliation)) if p.name else None
        return sp, "speaker.unknown"

    SIEVES = (_pronoun, _person_descriptor, _descriptor, _named_person, _titled_person, _anonymous_source, _organisation,
              _group, _unknown)

    def _path(self, org: str | None) -> tuple[str, ...]:
        """An affiliation and its parents: the rules' path where they know it, else the country whose body the
        name says it is ("the Chinese foreign ministry" -> China), else the name alone."""
        if not org:
            return ()
        if self.t.rules.org(org):
            return self.t.rules.org_path(org)
        country = self._state_of(org)
        return (org, *self.t.rules.org_path(self.t.governments.get(country, country))) if country else (org,)

    def _state_of(self, name: str) -> str | None:
        """The country an organisation's name makes it a body of: its first word (or its words after the last
        "of") names a country, and another of its words is a state body's ("Chinese foreign ministry",
        "Embassy of Canada", not "Canadian Pacific Railway")."""
        words = name.split()
        if len(words) < 2 or not any(w.lower() in self.t.state_bodies for w in words):
            return None
        last_of = max((i for i, w in enumerate(words) if w.lower() in self.t.name_particles), default=None)
        for written in (words[0], " ".join(words[last_of + 1:]) if last_of is not None else ""):
            org = self.t.rules.org_written(written)  # "Chinese" -> China
            if org is not None and org.kind == "country":
                return org.name
        return None

    def _person(self, p: _Parsed) -> Speaker:
        name = p.name or ""
        if not p.known:
            parts = name.split()
            earlier = self._longer_name(name) if len(parts) == 1 and parts[0] not in self.persons else None
            if len(parts) == 1 and parts[0] in self.persons:
                name = self.persons[parts[0]]  # "Hassan" after "Mullah Muhammad Hassan"
            elif earlier:
                name = self._clean(earlier)  # "Sadiq" after "fighters led by Abdul Karim Sadiq"
                self.persons[parts[0]] = name
            else:
                self.persons[parts[-1]] = name
            prev = self._last_person.get(name)
            prev = self._now(prev) if prev is not None else None
            role = p.role or (prev.role if prev else None)
            aff = p.affiliation or (prev.affiliation if prev else None)
        else:
            role, aff = p.role, p.affiliation
        if not aff:  # what the article says of the name where it introduces it ("Jane Roe, a spokeswoman for X,")
            d = self.descriptions.of(name)
            if d is not None:
                role, aff = role or d.role, d.affiliation
                if d.rule_id == "affiliation.possessor":  # "DeLaet's agent": the person named before in full
                    aff = self._fuller(aff)
                self.described = d.rule_id if d.affiliation else self.described
        return Speaker(person_id(name), name, SpeakerKind.PERSON, role, aff, self._path(aff))

    def _fuller(self, name: str | None) -> str | None:
        """A one-word name as the person named before in full ("DeLaet" -> "Graham DeLaet"), else as it is."""
        if name is None or " " in name:
            return name
        return self.persons.get(name) or (self._clean(longer) if (longer := self._longer_name(name)) else name)

    def _longer_name(self, word: str) -> str | None:
        """The last multi-word name ending in ``word`` that ends before the mention being resolved (``_long_names``
        indexed by last word once per article, then bisected)."""
        if self._long_by_last is None:
            self._long_by_last = {}
            for end, last, text in self._long_names():
                self._long_by_last.setdefault(last, []).append((end, text))
            for v in self._long_by_last.values():
                v.sort(key=lambda x: x[0])
        named = self._long_by_last.get(word, [])
        k = bisect.bisect_right(named, self.pos, key=lambda x: x[0])
        return named[k - 1][1] if k else None

    def _long_names(self) -> list[tuple[int, str, str]]:
        """(end, last word, text) of the article's multi-word PERSON/PROPN entities, in entity order
        (worked out once per article: ``_person`` looks through them for every bare surname)."""
        if self._long_names_cache is None:
            named = self._known_non_persons()
            self._long_names_cache = []
            for e in self.ann.entities:
                if e.label not in ("PERSON", "PROPN") or self._in_quote(e.start):
                    continue  # not a name the speaker uses in a quote
                toks = list(tokenize(self.text, e.start, e.end))
                first = 0
                while e.source == "caps" and first < len(toks) and named(toks[first].start, e.end):
                    first += 1  # "Russian President Vladimir Putin", "Washington Post Trump": after the known name
                toks = [x for x in toks[first:] if x.text[:1].isalnum()]  # words, not "." of "Gen."
                words = [x.text for x in toks]
                k = self._title_end(words[:-1])  # "Labour Leader Jeremy Corbyn": the name after the title
                if len(words) - k > 1:
                    name = self.text[toks[k].start:e.end]
                    self._long_names_cache.append((e.end, words[-1], name))
                    if k:
                        self._titled.append((e.end, self.text[toks[0].start:toks[k - 1].end].lower(), name))
        return self._long_names_cache

    def _titled_names(self) -> list[tuple[int, str, str]]:
        """(end, title in lower case, name) of the article's fuller names written after a title ("Prime Minister
        Justin Trudeau"), in entity order."""
        self._long_names()
        return self._titled

    def _known_non_persons(self) -> Overlaps:
        """Whether a span overlaps a name the rules or NER know as no person's ("Taliban", "Washington Post");
        built once per article."""
        if self._non_persons is None:
            self._non_persons = Overlaps((o.start, o.end) for o in self.ann.entities
                                         if o.source != "caps" and o.label != "PERSON")
        return self._non_persons

    def _anonymous(self, start: int, p: _Parsed) -> Speaker:
        head = (p.role or "").split()[-1:] or [""]
        for _, sp, q in self._back():
            if sp.kind is not SpeakerKind.ANONYMOUS or (sp.role or "").split()[-1:] != head:
                continue
            if p.affiliation and sp.affiliation and not _compatible(self.t.rules, p.affiliation, sp.affiliation):
                continue
            self.anon_names[sp.id].append(p.name or "")
            aff = sp.affiliation or p.affiliation
            role = sp.role if len(sp.role or "") >= len(p.role or "") else p.role
            merged = replace(sp, role=role, affiliation=aff, affiliation_path=self._path(aff))
            self._update(sp.id, merged)
            return merged
        known = self._known_by_role(p)
        if known is not None:  # "Putin's special envoy" where the article names Zamir Kabulov, the envoy
            return known
        if p.definite:  # "the official" with no earlier official: maybe a named person with that role
            for _, sp, _ in self._back():
                if sp.kind is SpeakerKind.PERSON and (sp.role or "").split()[-1:] == head:
                    return sp
        self.anon_count += 1
        sid = f"anon:{self.ann.article.doc_id}:{self.anon_count}"
        self.anon_names[sid] = [p.name or ""]
        return Speaker(sid, p.name or p.role or "source", SpeakerKind.ANONYMOUS, p.role, p.affiliation,
                       self._path(p.affiliation))

    def _known_by_role(self, p: _Parsed) -> Speaker | None:
        """The one known speaker named in this article whose role and affiliation the mention gives."""
        if not (p.role and p.affiliation):
            return None
        head = p.role.split()[-1]
        named = {e.ref for e in self.ann.entities if e.label == "PERSON" and e.source == "gazetteer"}
        fits = [k for k in self.t.rules.speakers if k.name in named and k.role and k.role.split()[-1] == head
                and k.affiliation == p.affiliation]
        if len(fits) != 1:
            return None
        k = fits[0]
        return Speaker(person_id(k.name), k.name, SpeakerKind.PERSON, k.role, k.affiliation,
                       self._path(k.affiliation))

    def _update(self, sid: str, new: Speaker) -> None:
        """Speaker ``sid`` is now ``new`` (an anonymous source that gained a role or affiliation): every history
        entry of it reads as ``new`` through ``_now``, without rewriting the history."""
        self._latest[sid] = new

    def _back(self):
        """The history, latest first, each speaker as it is now."""
        return ((at, self._now(sp), q) for at, sp, q in reversed(self.history))

    def _now(self, sp: Speaker) -> Speaker:
        """A history entry's speaker as it is now (see ``_update``)."""
        return self._latest.get(sp.id, sp)

    def _antecedent(self, start: int, p: _Parsed) -> Speaker | None:
        """The nearest earlier speaker (else entity outside quotations) a pronoun or descriptor can refer to."""
        want_person = p.pronoun in ("pronoun-male", "pronoun-female")
        if want_person:
            sp = self._salient_person(start, p.pronoun.split("-")[1])
            if sp is not None:
                return sp
        for _, sp, _ in self._back():
            if want_person and sp.kind in _PERSONISH:
                known = self.t.speakers.get(sp.name)
                gender = known.gender if known else None
                if gender and p.pronoun != f"pronoun-{gender}":
                    continue
                return sp
            if not want_person and p.pronoun == "pronoun-plural" and sp.kind is SpeakerKind.GROUP:
                return sp
            if not want_person and sp.kind in _ORGISH + (SpeakerKind.GROUP,) and self._fits(p, sp):
                return sp
        # no earlier speaker: the nearest named entity before the mention, outside quotations
        labels = ("PERSON",) if want_person else tuple(_ORG_LABELS)
        ents = [e for e in self.ann.entities if e.end <= start and e.label in labels and e.source != "caps"
                and not self._in_quote(e.start)]
        if not ents and p.descriptor:
            return self._introduced_as(start, p)
        if not ents:
            return None
        if want_person:  # a known man is no antecedent for "she"
            ents = [e for e in ents if not ((k := self.t.speakers.get(e.ref or "")) and k.gender
                                            and p.pronoun != f"pronoun-{k.gender}")]
            if not ents:
                return None
        if p.descriptor:  # "the campaign" is no antecedent's unless the name or kind of one says campaign
            ents = [e for e in ents if self._entity_fits(p, e)]
            if not ents:
                return None
        e = ents[-1]
        if p.descriptor and (gov := self._government_of(p, e.ref or "")):
            return Speaker(org_id(gov), gov, SpeakerKind.ORGANIZATION, None, gov, self._path(gov))
        if want_person:
            known = self.t.speakers.get(e.ref or "")
            name = known.name if known else self._clean(e.text)
            aff = known.affiliation if known else None
            return Speaker(person_id(name), name, SpeakerKind.PERSON, known.role if known else None, aff,
                           self._path(aff))
        name = e.ref or self._clean(e.text)
        kind = _ORG_LABELS.get(e.label, SpeakerKind.ORGANIZATION)
        return Speaker(org_id(name), name, kind, None, name, self._path(name))

    def _introduced_as(self, start: int, p: _Parsed) -> Speaker | None:
        """The organisation the article named before with the descriptor's noun as its last word ("the party"
        after "the Green Party", "the union" after "the Metro Union"), outside quotations; the nearest."""
        noun = (p.name or "").split()[-1:] or [""]
        if self._by_last_word is None:  # last word -> the multi-word names ending in it outside quotes, by end
            self._by_last_word = {}
            for e in sorted(self.ann.entities, key=lambda e: e.end):
                words = e.text.split()
                if len(words) > 1 and not self._in_quote(e.start):
                    self._by_last_word.setdefault(words[-1].lower(), []).append((e.end, e.text))
        named = self._by_last_word.get(noun[0], [])
        k = bisect.bisect_right(named, (start, "\uffff")) - 1
        if k < 0:
            return None
        name = self._clean(named[k][1])
        return Speaker(org_id(name), name, SpeakerKind.ORGANIZATION, None, name, (name,))

    def _salient_person(self, start: int, gender: str | None) -> Speaker | None:
        """The person "he"/"she" at ``start`` most likely refers to: the first compatible person named
        (outside quotations) in the nearest sentence before it that names one, its own sentence first.

        The first person of a sentence is most often its subject, and a pronoun that opens an
        attribution most often continues the subject of the sentence before, not the last name seen.
        """
        here = bisect.bisect_right(self.sent_starts, start) - 1
        lo = self.sent_starts[here - _MAX_SENTENCES_BACK] if here - _MAX_SENTENCES_BACK >= 0 else 0
        by_sentence: dict[int, list[_Candidate]] = {}
        for c in self._candidates(lo, start):
            by_sentence.setdefault(bisect.bisect_right(self.sent_starts, c.start) - 1, []).append(c)
        for k in sorted(by_sentence, reverse=True):
            # the one who was just speaking first ("Asked what he would tell Mayor John Tory, Dennis Brooks
            # says: ... But he said"), then the others in text order
            for c in sorted(by_sentence[k], key=lambda c: c.speaker is None):
                if c.speaker is None and (self.text.startswith(("’s", "'s"), c.end) or (
                        c.gender is None and self._after_preposition(c.start) and not self._topic(c))):
                    continue  # "than Clinton’s", "an interview with Radio X": a possessor, or a name after a
                    # preposition with nothing that marks it as a person's, is seldom whom "he" means; but the
                    # topic a sentence opens with is ("For Espinos, ... he's filling a niche")
                sp = c.speaker or self._candidate_speaker(c)
                if sp is None:
                    continue
                known = self.t.speakers.get(sp.name)
                # the rules, then the mention's own words ("Mrs.", a given name), then what earlier pronouns said
                has = (known.gender if known and known.gender else None) or c.gender \
                    or self.t.gender_words.get(sp.name.split()[0].lower()) or self.genders.get(sp.id)
                if gender is None:  # a descriptor says nothing of gender
                    return sp
                if has and has != gender:
                    continue
                self.genders.setdefault(sp.id, gender)
                return sp
        return None

    def _in_a_longer_name(self, e: Entity) -> bool:
        """Whether a country's name is part of a longer name ("the Bank of Canada", "Health Canada", "Canadian
        Press", "the Chilean Foreign Ministry"): joined to capitalised words (or "of" and one) that are no title
        ("Canadian Prime Minister")."""
        after = _CAPITALISED_RUN.match(self.text, e.end, e.end + _NAME_WINDOW)
        if after:
            words = after.group(1).lower().split()
            if any(w in self.t.org_words for w in words) or words[0] not in self.t.role_words:
                return True
        before = self.text[max(0, e.start - 30):e.start].split()
        if before and before[-1].lower() in self.t.name_particles:
            before = before[:-1]
        return bool(before) and before[-1][:1].isupper() and before[-1].lower() not in self.t.role_words | self.t.det \
            and not before[-1].endswith((".", ",", ":", "’s", "'s")) and not self._first_in_sentence(e.start)

    def _after_place_preposition(self, pos: int) -> bool:
        """Whether the word right before ``pos`` is a preposition of place ("in Mexico": where, not whom for)."""
        before = self.text[max(0, pos - 12):pos].split()
        return bool(before) and before[-1].lower() in self.t.place_prep

    def _topic(self, c: "_Candidate") -> bool:
        """Whether a name is the topic a sentence opens with: a preposition first in the sentence, then the name
        and a comma ("For Jane Roe, the day has come")."""
        before = self.text[max(0, c.start - 12):c.start].split()
        return bool(before) and self._first_in_sentence(c.start - len(before[-1]) - 1) and \
            self.text[c.end:c.end + 1] == "," and not any(  # not "On Christmas Day,"
                w.lower() in self.t.time_words for w in self.text[c.start:c.end].split())

    def _after_preposition(self, pos: int) -> bool:
        """Whether the word right before ``pos`` is a preposition."""
        before = self.text[max(0, pos - 12):pos].split()
        return bool(before) and before[-1].lower() in self.t.prep

    def _candidates(self, lo: int, hi: int) -> list["_Candidate"]:
        """Person mentions outside quotations that start in ``[lo, hi)``, in text order: the speakers resolved
        so far, at their mentions, and person-like names (bisected, so a window costs its own size)."""
        names = self._names()
        cands = names[bisect.bisect_left(self._name_starts, lo):bisect.bisect_left(self._name_starts, hi)]
        spoken = [_Candidate(s, s, None, self._now(sp)) for s, sp, _ in
                  self.history[bisect.bisect_left(self._history_starts, lo):bisect.bisect_left(self._history_starts, hi)]
                  if sp.kind in _PERSONISH]
        spoken_at = {c.start for c in spoken}  # a spoken candidate stands at its mention's start
        return sorted([c for c in cands if c.start not in spoken_at] + spoken, key=lambda c: c.start)

    def _names(self) -> list["_Candidate"]:
        """The article's person-like names outside quotations, in text order (worked out once per article)."""
        if self._people is None:
            cands = []
            names: set[str] = set()  # last words of the multi-word names seen so far
            overlaps_named = self._known_non_persons()
            masked = Overlaps((s, e) for s, e, _ in masked_spans(self.text, self.t.rules))
            for e in self.ann.entities:
                if self._in_quote(e.start) or masked(e.start, e.end):
                    continue  # a name quoted, or in a photo credit or a byline the filters mask
                if e.label == "PERSON":
                    if not (cands and cands[-1].start == e.start):  # a name the capitalised chunks gave already
                        cands.append(_Candidate(e.start, e.end, self._entity_gender(e)))
                    continue
                if e.source != "caps" or overlaps_named(e.start, e.end):
                    continue  # a caps chunk that overlaps a known non-person name ("Taliban", "Reuters")
                first = e.text.split()[0]
                if self._opens_sentence(e.start) and first not in self._mid_sentence_caps() and (
                        first.lower() in self.t.opener_words or first.lower().endswith(("ing", "ed"))
                        or " " not in e.text and not self._described_as_a_person(e.end)):
                    # "Knowing Bardos", "Although Trump": a function word or participle capitalised only
                    # because it opens its sentence is no part of a name
                    rest = e.text.split(None, 1)
                    if len(rest) < 2:
                        continue
                    start = e.end - len(rest[1])
                    e = Entity(start, e.end, rest[1], e.label, e.source, e.ref)
                words = [w.strip(".").lower() for w in e.text.split()]
                before = self.text[max(0, e.start - 12):e.start].split()
                if before and (before[-1].lower() in self.t.det or before[-1].lower() in self.t.place_prep):
                    continue  # "the Morning Show", "in South Asia": no person's name
                gender = self._entity_gender(e)
                titled = gender is not None or words[0] in self.t.honorific or (words[0],) in self.t.roles \
                    or self.text[max(0, e.start - 12):e.start].rstrip().split(" ")[-1].lower() in self.t.abbreviations
                if len(words) == 1 and not titled and words[0] not in names and words[0] not in self.speaker_words \
                        and not self._described_as_a_person(e.end):
                    continue  # a lone capitalised word is a person only as a known surname, after a title, or
                    # described as one ("Yuni, a resident of the area,")
                if len(words) > 1:
                    names.add(words[-1])
                cands.append(_Candidate(e.start, e.end, gender))
            self._people = sorted(cands, key=lambda c: c.start)
            self._name_starts = [c.start for c in self._people]
        return self._people

    def _described_as_a_person(self, end: int) -> bool:
        """Whether an appositive right after ``end`` describes a person: ", a resident of the area", ", the
        owner,", ", a spokeswoman for ...": a noun phrase whose head (its last word before a preposition or
        clause) is a title or a noun for a person by what they do."""
        toks = tokenize(self.text, end, min(len(self.text), end + _APPOSITIVE_WINDOW))
        if len(toks) < 3 or toks[0].text != "," or toks[1].text.lower() not in self.t.det:
            return False
        head = ""
        for x in toks[2:]:
            w = x.text.lower()
            if w in self.t.prep or w in self.t.relative or not x.text[:1].isalnum():
                break
            head = w
        return head.endswith(self.t.agent_suffixes) or (head,) in self.t.roles

    def _opens_sentence(self, pos: int) -> bool:
        """Whether ``pos`` is the first word of a sentence or paragraph (after a quotation mark, too)."""
        before = self.text[max(0, pos - 4):pos].rstrip(" \t“\"‘'(")
        return not before or before[-1] in ".!?\n:”\""

    def _first_in_sentence(self, pos: int) -> bool:
        """Whether ``pos`` is the first word of one of the annotation's sentences (after opening quotation marks
        or brackets): unlike ``_opens_sentence``, not after an abbreviation ("Mr. Lee")."""
        k = bisect.bisect_right(self.sent_starts, pos) - 1
        return k >= 0 and not self.text[self.sent_starts[k]:pos].strip(" \t\n“\"‘'(")

    def _mid_sentence_caps(self) -> set[str]:
        """The capitalised words the article writes inside a sentence (so a name, not a sentence opener)."""
        if self._caps_inside is None:
            self._caps_inside = {m.group() for m in _CAPITALISED.finditer(self.text) if not self._opens_sentence(m.start())}
        return self._caps_inside

    def _entity_gender(self, e: Entity) -> str | None:
        """The gender an entity's own words or the word right before it give ("Mrs. Lee", "spokeswoman Lee")."""
        known = self.t.speakers.get(e.ref or "")
        if known and known.gender:
            return known.gender
        first = e.text.split()[0].lower()
        before = self.text[max(0, e.start - 20):e.start].split()
        prev = before[-1].lower() if before else ""
        return self.t.gender_words.get(first) or self.t.gender_words.get(prev)

    def _candidate_speaker(self, c: "_Candidate") -> Speaker | None:
        """The person a name candidate stands for (a bare surname becomes the fuller name used before)."""
        p = self.parse(Span(c.start, c.end, self.text[c.start:c.end]))
        if p.kind is not SpeakerKind.PERSON:
            return None
        saved = self.pos
        self.pos = c.start
        try:
            return self._person(p)
        finally:
            self.pos = saved

    def _entity_fits(self, p: _Parsed, e: Entity) -> bool:
        """A descriptor fits an entity whose canonical name or kind has its noun ("the fund" -> IMF),
        or a country whose government it names ("the government", "the administration")."""
        noun = (p.name or "").split()[-1:] or [""]
        org = self.t.rules.org(e.ref or "")
        if org is None:
            return noun[0] in e.text.lower().split()
        return (noun[0] in org.name.lower().split() or noun[0] == org.kind
                or self._government_of(p, org.name) is not None)

    def _government_of(self, p: _Parsed, country: str) -> str | None:
        noun = (p.name or "").split()[-1:] or [""]
        gov = self.t.governments.get(country)
        org = self.t.rules.org(gov or "")
        return gov if org is not None and noun[0] in (org.kind, "government", "administration") else None

    def _fits(self, p: _Parsed, sp: Speaker) -> bool:
        """A descriptor ("the group", "the ministry") fits an organisation whose kind or name has its noun, or
        one the rules do not know whose name has no descriptor's noun ("the company" after "Northwind")."""
        if not p.descriptor:
            return sp.kind is not SpeakerKind.GROUP or p.pronoun == "pronoun-plural"
        noun = (p.name or "").split()[-1:] or [""]
        org = self.t.rules.org(sp.affiliation or sp.name or "")
        if org is None:  # "the union" -> an earlier speaker whose own name says union
            words = (sp.name or "").lower().split()
            return sp.kind is not SpeakerKind.GROUP and noun[0] in words or (sp.kind is SpeakerKind.ORGANIZATION and (p.name or "").lower() in self.t.company_words
                                        and not self.t.descriptor_nouns & set(words))  # "the company" after "Northwind"
        return noun[0] in org.name.lower().split() or noun[0] == org.kind

    def _clean(self, s: str) -> str:
        """A name as written, on one line, without edge punctuation or a leading determiner ("the")."""
        words = re.sub(r"\s+", " ", s).strip(" ,.;:").split(" ")
        while len(words) > 1 and words[0].lower() in self.t.det:
            words = words[1:]
        return " ".join(words)

    def _in_quote(self, pos: int) -> bool:
        """Whether ``pos`` lies in a quote: ``any(q.start <= pos < q.end)``, answered with ``bisect`` (asked
        for every entity of the article)."""
        if self._quote_overlaps is None:
            self._quote_overlaps = Overlaps((q.start, q.end) for q in self.quotes)
        return self._quote_overlaps(pos, pos + 1)

    def finish(self, ra: ResolvedAttribution) -> ResolvedAttribution:
        """Give merged anonymous speakers their final (fullest) name, role and affiliation."""
        sp = ra.speaker
        if sp is None:
            return ra
        latest = self._now(self._last_of.get(sp.id, sp))
        if sp.kind is SpeakerKind.ANONYMOUS and sp.id in self.anon_names:
            latest = replace(latest, name=self._fullest_name(sp.id) or sp.name)
        if latest is sp:
            return ra  # the speaker did not change: ``replace`` would only make an equal copy (it is slow)
        return replace(ra, speaker=latest)


    def _fullest_name(self, sid: str) -> str:
        """``max(self.anon_names[sid], key=lambda n: (len(n.split()), n))``, reading each name once however often
        it is asked (an anonymous source named in every paragraph of a long article)."""
        names = self.anon_names[sid]
        read, best = self._fullest.get(sid, (0, names[0]))
        for name in names[read:]:
            if (len(name.split()), name) > (len(best.split()), best):
                best = name
        self._fullest[sid] = (len(names), best)
        return best


_INITIAL = re.compile(r"[A-Z]\.")  # a middle initial inside a name ("John F. Kerry")
_CAPITALISED = re.compile(r"[A-Z][\w’'-]*")
_CAPITALISED_RUN = re.compile(r"[ \t]+([A-Z][\w’'-]*(?:[ \t]+[A-Z][\w’'-]*)*)")  # capitalised words right after
_MAX_PLACES = 20  # the places of a name read to tell a person from an organisation
_THING_WINDOW = 200  # characters after a name read for the pronoun that takes it up
_APPOSITIVE_WINDOW = 80  # characters after a name read for an appositive that describes it
_NAME_WINDOW = 200  # characters after a country's name read for the rest of a longer name it is part of
_MAX_SENTENCES_BACK = 6  # a pronoun's antecedent is named at most this many sentences before it


@dataclass(slots=True)
class _Candidate:
    """A person mention a pronoun may refer to: a resolved earlier speaker, or a name not yet resolved."""

    start: int
    end: int
    gender: str | None
    speaker: Speaker | None = None


def _inside_role(words: list[str], i: int, t: _Tables) -> bool:
    """Whether word ``i`` lies inside a multi-word role ("secretary of state", "chief of staff")."""
    for j in range(max(0, i - t.role_len + 1), i):
        for n in range(i - j + 2, t.role_len + 1):
            if tuple(words[j:j + n]) in t.roles:
                return True
    return False


def _outside_brackets(toks: tuple[Token, ...]) -> list[Token]:
    """The tokens not inside round brackets."""
    out, depth = [], 0
    for tok in toks:
        if tok.text == "(":
            depth += 1
        elif tok.text == ")":
            depth = max(0, depth - 1)
        elif not depth:
            out.append(tok)
    return out


def _longest_role(toks: list[Token], t: _Tables) -> tuple[RoleRule, str] | None:
    words = [x.text.lower() for x in toks]
    best = None
    for i, w in enumerate(words):
        # longest first, as over every length: the others cannot match a role
        for n in t.role_lengths.get(w, ()):
            if n > len(words) - i:
                continue
            r = t.roles.get(tuple(words[i:i + n]))
            if r and (best is None or n >= len(best[1].split())):
                best = (r, " ".join(words[i:i + n]))
                break
    return best


def _pick_org(orgs: list[Entity], hs: int, he: int) -> Entity | None:
    """The organisation a mention speaks for: one in the head first, the most specific (not a country)."""
    if not orgs:
        return None
    in_head = [e for e in orgs if hs <= e.start < he]
    pool = in_head or orgs
    specific = [e for e in pool if e.label not in ("COUNTRY", "GPE", "NORP")]
    return (specific or pool)[0]


def _compatible(rules: RuleSet, a: str, b: str) -> bool:
    """Two affiliations can belong to one source when one lies on the other's path to the top."""
    pa, pb = rules.org_path(a), rules.org_path(b)
    return a in pb or b in pa
