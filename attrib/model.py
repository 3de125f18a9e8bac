"""Frozen records passed between the pipeline stages.

Character spans are 0-based and half-open ``[start, end)`` into ``Article.text``.
Records never hold stanza objects, so they hash, sort, compare and dump to JSON.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class QuoteType(str, Enum):
    """How a quotation is reported."""

    DIRECT = "direct"
    INDIRECT = "indirect"
    MIXED = "mixed"


class SpeakerKind(str, Enum):
    """What kind of source a speaker is."""

    PERSON = "person"
    ANONYMOUS = "anonymous"
    ORGANIZATION = "organization"
    COUNTRY = "country"
    GROUP = "group"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Article:
    """One input article: its id (path relative to its input folder, no extension) and text.

    ``meta`` holds other fields an input carried (a JSON Lines article's outlet, date,
    url, title...) as sorted (name, value) pairs; they go into the run's articles.jsonl.
    """

    doc_id: str
    path: str
    text: str
    meta: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Token:
    """One word. Fields other than text/offsets are None when the annotator lacks them."""

    text: str
    start: int
    end: int
    lemma: str | None = None
    upos: str | None = None
    head: int | None = None  # 1-based index of the head in its sentence, 0 = root
    deprel: str | None = None


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence: its span and tokens (token ``i`` has 1-based id ``i + 1``)."""

    start: int
    end: int
    tokens: tuple[Token, ...]


@dataclass(frozen=True, slots=True)
class Entity:
    """A named-entity or gazetteer span. ``source`` is "ner", "gazetteer" or "caps"."""

    start: int
    end: int
    text: str
    label: str  # PERSON, ORG, GPE, NORP, ... or the rules' kind for gazetteer hits
    source: str
    ref: str | None = None  # canonical name when the rules know it


@dataclass(frozen=True, slots=True)
class Annotated:
    """An article with its sentences, tokens and entities, from stanza or the built-in annotator."""

    article: Article
    sentences: tuple[Sentence, ...]
    entities: tuple[Entity, ...]
    nlp: str  # "stanza" or "builtin"
    has_pos: bool = False
    has_deps: bool = False
    has_ner: bool = False


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of an article's text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Quote:
    """A passage in quotation marks (marks included in the span)."""

    doc_id: str
    start: int
    end: int
    text: str
    rule_id: str


@dataclass(frozen=True, slots=True)
class Cue:
    """A reporting expression: a verb form or a phrase such as "according to"."""

    start: int
    end: int
    text: str
    lemma: str
    rule_id: str
    cue_class: str = "speech"  # the cue rule's class: speech, writing, belief, intention, perception, evidence


@dataclass(frozen=True, slots=True)
class Attribution:
    """A quotation with its cue and the raw speaker mention, before speakers are resolved."""

    doc_id: str
    start: int
    end: int
    text: str
    type: QuoteType
    cue: Cue | None
    mention: Span | None
    outlet: str | None
    rule_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Speaker:
    """A resolved speaker."""

    id: str  # person:zabihullah-mujahid, anon:<doc_id>:1, org:taliban
    name: str
    kind: SpeakerKind
    role: str | None = None
    affiliation: str | None = None
    affiliation_path: tuple[str, ...] = ()  # affiliation then its parents, nearest first


@dataclass(frozen=True, slots=True)
class ResolvedAttribution:
    """An attribution whose speaker mention has been resolved to a speaker."""

    attribution: Attribution
    speaker: Speaker | None
    mention: Span | None  # the mention as written (may be a pronoun)
    rule_ids: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Claim:
    """One statement of one speaker, pooled over every article that reports it."""

    id: str
    speaker_id: str | None
    text: str
    type: QuoteType
    reports: tuple[ResolvedAttribution, ...]


@dataclass(frozen=True, slots=True)
class ArticleResult:
    """Everything the per-article stages produced for one article."""

    article: Article
    attributions: tuple[ResolvedAttribution, ...]
    nlp: str
    stances: tuple["Stance", ...] = ()  # filled by attrib.stance (disputes/supports between parties)


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """What the corpus-level stages (identity, claims, graph) know of an article: everything but its text."""

    doc_id: str
    path: str
    title: str  # the input's title field, else the text's first non-empty line (may be "")
    chars: int
    quotes: int
    nlp: str
    meta: tuple[tuple[str, str], ...] = ()

    def get(self, name: str) -> str | None:
        """The value of one metadata field (``outlet``, ``date``, ``url``...), or None."""
        return dict(self.meta).get(name)


@dataclass(frozen=True, slots=True)
class Merge:
    """Why the speakers of several ids became one across the corpus (written to merges.jsonl).

    ``evidence`` says why in words (``spelling variant (similarity 0.91) + same affiliation
    Afghan Ministry of Interior``); ``rule_id`` names the rule that allowed it (a speaker
    rule whose alias matched, or the identity rule whose threshold was met).
    """

    kept_id: str
    kept_name: str
    merged_ids: tuple[str, ...]  # the ids that now read kept_id (kept_id itself not included)
    merged_names: tuple[str, ...]
    evidence: str
    rule_id: str


@dataclass(frozen=True, slots=True)
class Stance:
    """A quote that disputes or supports another party's claim (``attrib.stance``; written to stances.jsonl).

    ``start``/``end`` are the quote's span (the key of its record in quotes.jsonl). ``target``
    is the other party as named in the sentence ("the Kabul administration"), or None when the
    sentence names nobody: ``answers_start``/``answers_end`` then give the quote it answers (the
    most recent claim of another party on the same subject), or None when there is none. ``evidence`` is the wording that gave the stance and ``sentence_start``/
    ``sentence_end`` the sentence holding it; ``rule_id`` names the stance rule.
    """

    doc_id: str
    start: int
    end: int
    relation: str  # "disputes" or "supports"
    target: str | None
    evidence: Span
    sentence_start: int
    sentence_end: int
    rule_id: str
    answers_start: int | None = None  # the answered quote (same article) when the sentence names nobody
    answers_end: int | None = None
