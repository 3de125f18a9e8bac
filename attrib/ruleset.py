"""Load and validate the YAML rule files: paths -> RuleSet, or RuleFileError listing every problem.

Each file holds ``version``, ``kind`` and a ``rules`` list. Values are read from
the composed YAML nodes, so every problem carries its ``path:line:col``.
Later rule directories override earlier ones rule by rule (same ``id``).
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml
import yaml.reader

from .spans import rule_regex
from .problems import Problem, RuleFileError, line_col

def _default_rules_dir() -> Path:
    """The rules shipped with the package (installed as the ``attrib.rules`` package)."""
    import importlib.util

    spec = importlib.util.find_spec("attrib.rules")
    if spec and spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0])
    return Path(__file__).resolve().parent.parent / "rules"


DEFAULT_RULES_DIR = _default_rules_dir()

# -- typed rules ---------------------------------------------------------------


@dataclass(frozen=True)
class Examples:
    """Sentences a rule must match and must not match (run by tests and `attrib rules check`)."""

    match: tuple[str, ...] = ()
    no_match: tuple[str, ...] = ()


@dataclass(frozen=True)
class CueRule:
    """Reporting verbs (lemma -> forms) or reporting phrases ("according to")."""

    id: str
    description: str
    type: str  # "verb", "phrase" ("according to") or "dash" ('"..." ― Jane Doe')
    lang: str = "en"
    verbs: tuple[tuple[str, tuple[str, ...]], ...] = ()
    phrases: tuple[str, ...] = ()
    polarity: str = "neutral"
    takes_recipient: bool = False  # "told Reuters that ...": never inverted ("..., told X" is not "X told")
    examples: Examples = Examples()
    cue_class: str = "speech"  # YAML ``class``: which act the cue reports (one of CUE_CLASSES)
    bare_content: bool = False  # what follows the verb is the statement even when it is no clause ("said")
    infinitive_claim: bool = False  # "claimed to have seized ...": an infinitive after the verb is a claim


@dataclass(frozen=True)
class QuoteRule:
    """A pair of quotation marks."""

    id: str
    description: str
    open: str
    close: str
    examples: Examples = Examples()
    also_closed_by: tuple[str, ...] = ()  # marks that close it when its own closing mark never comes


@dataclass(frozen=True)
class OrgRule:
    """An organisation, government, country or group, with aliases and its parent."""

    id: str
    description: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    adjectives: tuple[str, ...] = ()
    examples: Examples = Examples()  # match: sentences whose quote is said by or for this organisation
    party_tag: str | None = None  # a party's letter in US news' party-and-state tag ("D" in "Jane Roe, D-Mich.")


@dataclass(frozen=True)
class SpeakerRule:
    """A known person: canonical name, spellings, role and affiliation."""

    id: str
    description: str
    name: str
    aliases: tuple[str, ...] = ()
    kind: str = "person"
    role: str | None = None
    affiliation: str | None = None
    gender: str | None = None
    distinct_from: tuple[str, ...] = ()  # names or speaker rule ids that are never this person
    examples: Examples = Examples()  # match: sentences whose quote this speaker must be given


@dataclass(frozen=True)
class OutletRule:
    """A news outlet ("told Reuters") or channel ("on Twitter", "in a statement")."""

    id: str
    description: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoleRule:
    """Role nouns; an unnamed mention headed by one is an anonymous source or a group."""

    id: str
    description: str
    kind: str
    words: tuple[str, ...]
    governmental: bool = False


@dataclass(frozen=True)
class LexiconRule:
    """A closed class of words the engine reads (pronouns, determiners, ...)."""

    id: str
    description: str
    word_class: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class FilterRule:
    """A regular expression for text that is never a quote (captions, page furniture)."""

    id: str
    description: str
    pattern: str
    examples: Examples = Examples()


@dataclass(frozen=True)
class IdentityRule:
    """How mentions of one person across articles become one speaker (``attrib.identity``)."""

    id: str
    description: str
    name_similarity: float = 0.85  # spelling variants: difflib ratio of the folded names, at least this
    block_prefix: int = 2  # candidates compared only within a block: same first letters of the surname
    block_window: int = 50  # in a bigger block, each name is compared with this many neighbours (sorted)
    merge_surnames: bool = True  # "Mujahid" -> "Zabihullah Mujahid" when only one full name fits
    anonymous_across_articles: bool = False  # two "senior officials" in two articles stay two
    spelling_folds: tuple[tuple[str, str], ...] = ()  # (letters, replacement) applied before comparing
    # "the Taliban spokesperson" is the one speaker rule with that role and affiliation (Zabihullah Mujahid)
    known_roles: bool = True
    role_synonyms: tuple[tuple[str, str], ...] = ()  # (role word, the role it stands for): spokesperson -> spokesman
    # an organisation speaker named another way ("foreign ministry") is the one organisation rule it fits
    known_organisations: bool = True


#: what a cue reports: a speech act, a written one, or a state of mind, a plan, a perception or evidence
CUE_CLASSES = ("speech", "writing", "belief", "intention", "perception", "evidence")
#: ``--scope``: the cue classes a run takes. "statements" is what a reader calls a quotation (said or
#: written); "all" adds beliefs, intentions, perceptions and evidence, as corpora like PolNeAR annotate
SCOPES = {"statements": ("speech", "writing"), "all": CUE_CLASSES}

LEXICON_CLASSES = (
    "abbreviation", "affiliation-particle", "affiliation-preposition", "agent-preposition", "agent-suffix", "ambiguous-cue", "auxiliary", "channel-preposition", "clause-boundary", "complementizer", "coordinator", "company-descriptor",
    "definite", "determiner", "evidence-cue", "evidence-noun", "female-word", "finite-verb", "focus-adverb", "leading-verb", "male-word", "negation",
    "honorific", "non-name", "passive-auxiliary", "place-preposition", "pronoun-female", "pronoun-first", "pronoun-subject",
    "name-particle", "naming-word", "org-descriptor", "org-word", "preposition", "state-body", "pronoun-male", "pronoun-plural", "pronoun-thing", "question-word", "relative", "relative-subject", "time",
)

# -- schema: field -> (checker name, required) -----------------------------------

_STR, _BOOL, _STRLIST, _VERBS, _EXAMPLES, _REGEX = "str", "bool", "strlist", "verbs", "examples", "regex"
_MARK = "mark"  # a quotation mark: a string that is not empty or blank
_RATIO, _COUNT, _FOLDS, _SYNONYMS = "ratio", "count", "folds", "synonyms"


def _enum(*values: str) -> tuple[str, ...]:
    return values


@dataclass(frozen=True)
class _Kind:
    record: type
    prefix: str
    fields: dict[str, tuple[Any, bool]]
    renamed: dict[str, str] = field(default_factory=dict)  # yaml key -> record field


_COMMON = {"id": (_STR, True), "description": (_STR, True)}
KINDS: dict[str, _Kind] = {
    "cues": _Kind(CueRule, "cue", {**_COMMON, "type": (_enum("verb", "phrase", "dash"), True), "lang": (_enum("en"), False),
                                   "verbs": (_VERBS, False), "phrases": (_STRLIST, False),
                                   "polarity": (_enum("neutral", "supports", "disputes"), False),
                                   "takes_recipient": (_BOOL, False), "examples": (_EXAMPLES, False),
                                   "class": (_enum(*CUE_CLASSES), False), "bare_content": (_BOOL, False),
                                   "infinitive_claim": (_BOOL, False)},
                                   renamed={"class": "cue_class"}),
    "quotes": _Kind(QuoteRule, "quote", {**_COMMON, "open": (_MARK, True), "close": (_MARK, True),
                                         "also_closed_by": (_STRLIST, False), "examples": (_EXAMPLES, False)}),
    "organisations": _Kind(OrgRule, "org", {**_COMMON, "name": (_STR, True),
                                            "kind": (_enum("country", "government", "organization", "group", "media"), True),
                                            "aliases": (_STRLIST, False), "parent": (_STR, False),
                                            "adjectives": (_STRLIST, False), "examples": (_EXAMPLES, False),
                                            "party_tag": (_STR, False)}),
    "speakers": _Kind(SpeakerRule, "speaker", {**_COMMON, "name": (_STR, True), "aliases": (_STRLIST, False),
                                               "kind": (_enum("person", "organization", "group"), False),
                                               "role": (_STR, False), "affiliation": (_STR, False),
                                               "gender": (_enum("male", "female"), False),
                                               "distinct_from": (_STRLIST, False), "examples": (_EXAMPLES, False)}),
    "outlets": _Kind(OutletRule, "outlet", {**_COMMON, "name": (_STR, True), "kind": (_enum("outlet", "channel"), True),
                                            "aliases": (_STRLIST, False)}),
    "roles": _Kind(RoleRule, "role", {**_COMMON, "kind": (_enum("anonymous", "group"), True),
                                      "words": (_STRLIST, True), "governmental": (_BOOL, False)}),
    "lexicon": _Kind(LexiconRule, "lexicon", {**_COMMON, "class": (_enum(*LEXICON_CLASSES), True),
                                              "words": (_STRLIST, True)}, renamed={"class": "word_class"}),
    "filters": _Kind(FilterRule, "filter", {**_COMMON, "pattern": (_REGEX, True), "examples": (_EXAMPLES, False)}),
    "identity": _Kind(IdentityRule, "identity", {**_COMMON, "name_similarity": (_RATIO, False),
                                                 "block_prefix": (_COUNT, False), "block_window": (_COUNT, False),
                                                 "merge_surnames": (_BOOL, False),
                                                 "anonymous_across_articles": (_BOOL, False),
                                                 "spelling_folds": (_FOLDS, False), "known_roles": (_BOOL, False),
                                                 "role_synonyms": (_SYNONYMS, False),
                                                 "known_organisations": (_BOOL, False)}),
}
_ID_RE = re.compile(r"^[a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*$")


# -- claims and stance rules (attrib.claims, attrib.stance) --------------------------------------------


@dataclass(frozen=True)
class ClaimRule:
    """How quotes of one speaker become one claim, and which words never tell two statements apart.

    Two statements are compared as sets of content tokens (normalised words not in
    ``stopwords``, cut to their first ``stem_prefix`` letters); they are one claim when they
    share at least ``min_shared`` tokens and ``similarity`` of the smaller set.
    """

    id: str
    description: str
    similarity: float = 0.6  # shared tokens / tokens of the smaller statement
    min_shared: int = 3
    stem_prefix: int = 5  # 0 keeps whole words
    max_bucket: int = 200  # a token held by more statements of one speaker is too common to propose pairs
    group_speaks_for_affiliation: bool = True  # "Taliban militants" (a group) speak for the Taliban
    subject_min_shared: int = 1  # stance: an answered claim shares this many content tokens with the sentence
    stopwords: tuple[str, ...] = ()


@dataclass(frozen=True)
class StanceRule:
    """Wording or a cue that makes a quote dispute or support another party's claim (``attrib.stance``).

    The rule matches a quote when its cue's lemma is one of ``cues`` (if given) and one of
    ``words`` (if given) occurs in ``scope``: ``quote`` (the quoted words), ``sentence`` (the
    rest of the quote's sentence, nearer this quote's cue than any other's) or ``cue`` (from
    the speaker mention to the cue: "X also said"). ``targets`` are phrases naming the answered
    party, ``{party}`` standing for its name ("claim by {party}"). ``attrib rules check`` runs
    the ``examples`` (``attrib.examples``).
    """

    id: str
    description: str
    relation: str  # "disputes" or "supports"
    cues: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    scope: str = "sentence"
    targets: tuple[str, ...] = ()
    examples: Examples = Examples()
    # with a share > 0: a quote whose sentence names no target answers an earlier claim only when it repeats
    # at least this share of the content words (of the longer of the two); with none, there is no stance
    same_claim: float = 0.0


KINDS["claims"] = _Kind(ClaimRule, "claims", {
    **_COMMON, "similarity": (_RATIO, False), "min_shared": (_COUNT, False), "stem_prefix": (_COUNT, False),
    "max_bucket": (_COUNT, False), "group_speaks_for_affiliation": (_BOOL, False),
    "subject_min_shared": (_COUNT, False), "stopwords": (_STRLIST, False)})
KINDS["stance"] = _Kind(StanceRule, "stance", {
    **_COMMON, "relation": (_enum("disputes", "supports"), True), "cues": (_STRLIST, False),
    "words": (_STRLIST, False), "scope": (_enum("quote", "sentence", "cue"), False),
    "targets": (_STRLIST, False), "examples": (_EXAMPLES, False), "same_claim": (_RATIO, False)})

# -- end of claims and stance rules ----------------------------------------------------------------------


def get_kind(name: str) -> _Kind:
    """The schema of a rule kind.

    Raises:
        KeyError: with the message ``no such rule kind: "x"; known: ...``.
    """
    try:
        return KINDS[name]
    except KeyError:
        raise KeyError(f'no such rule kind: "{name}"; known: {", ".join(sorted(KINDS))}') from None


# -- the rule set ------------------------------------------------------------------


@dataclass(frozen=True)
class RuleSet:
    """All rules, by kind, plus lookups the stages share."""

    cues: tuple[CueRule, ...] = ()
    quotes: tuple[QuoteRule, ...] = ()
    organisations: tuple[OrgRule, ...] = ()
    speakers: tuple[SpeakerRule, ...] = ()
    outlets: tuple[OutletRule, ...] = ()
    roles: tuple[RoleRule, ...] = ()
    lexicon: tuple[LexiconRule, ...] = ()
    filters: tuple[FilterRule, ...] = ()
    identity: tuple[IdentityRule, ...] = ()
    claims: tuple[ClaimRule, ...] = ()  # attrib.claims settings (rules/claims.yaml)
    stance: tuple[StanceRule, ...] = ()  # attrib.stance rules (rules/stance.yaml)
    sources: tuple[str, ...] = ()  # the files read, for the run summary and cache keys
    scope: str = "all"  # the key of SCOPES whose cue classes are kept (``in_scope``)
    # where each rule (key: id) and each example sentence (key: "<id>:match:<n>") is written
    places: tuple[tuple[str, str, int, int], ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_derived", {})  # lookups built from the rules, kept with them

    def cached(self, key: str, build: Callable[[], Any]) -> Any:
        """A lookup derived from these rules (built once, on first use, and kept with this RuleSet)."""
        derived = self.__dict__["_derived"]
        if key not in derived:
            derived[key] = build()
        return derived[key]

    def in_scope(self, scope: str) -> "RuleSet":
        """These rules with only the cue rules of the scope's classes (``SCOPES``: "statements" or "all")."""
        classes = SCOPES[scope]
        return replace(self, cues=tuple(c for c in self.cues if c.cue_class in classes), scope=scope)

    def words(self, word_class: str) -> frozenset[str]:
        """Lower-cased words of one lexicon class."""
        if word_class not in LEXICON_CLASSES:
            raise KeyError(f'no such word class: "{word_class}"; known: {", ".join(LEXICON_CLASSES)}')
        return _words(self, word_class)

    def place(self, key: str) -> tuple[str, int, int]:
        """Where a rule (by id) or one of its examples (``"<id>:match:<n>"``) is written: path, line, col."""
        places = self.cached("places", lambda: {k: (p, ln, col) for k, p, ln, col in self.places})
        return places.get(key) or places.get(key.split(":")[0]) or ("<rules>", 0, 0)

    def org(self, name: str) -> OrgRule | None:
        """The organisation with this canonical name."""
        return _orgs_by_name(self).get(name)

    def org_written(self, form: str) -> OrgRule | None:
        """The organisation a text writes as ``form``: its canonical name, else one of its aliases or adjectives
        (the first rule, in load order, that has it)."""
        return _orgs_by_form(self).get(form)

    def org_path(self, name: str) -> tuple[str, ...]:
        """An organisation and its parents, nearest first (stops on a cycle)."""
        path: list[str] = []
        while name and name not in path:
            path.append(name)
            org = self.org(name)
            name = org.parent if org else None
        return tuple(path)

    def all_rules(self) -> tuple[Any, ...]:
        """Every rule of every kind."""
        return (*self.cues, *self.quotes, *self.organisations, *self.speakers, *self.outlets,
                *self.roles, *self.lexicon, *self.filters, *self.identity,
                *self.claims, *self.stance)

    def identity_settings(self) -> IdentityRule:
        """The identity rule (``rules/identity.yaml``), or the built-in defaults when none is loaded."""
        return self.identity[-1] if self.identity else IdentityRule("identity.default", "defaults")


def _words(rs: RuleSet, word_class: str) -> frozenset[str]:
    return rs.cached("words:" + word_class, lambda: frozenset(
        w.lower() for r in rs.lexicon if r.word_class == word_class for w in r.words))


def _orgs_by_name(rs: RuleSet) -> dict[str, OrgRule]:
    return rs.cached("orgs", lambda: {o.name: o for o in rs.organisations})


def _orgs_by_form(rs: RuleSet) -> dict[str, OrgRule]:
    def build() -> dict[str, OrgRule]:
        forms = dict(_orgs_by_name(rs))  # canonical names first, then aliases and adjectives
        for o in rs.organisations:
            for form in (*o.aliases, *o.adjectives):
                forms.setdefault(form, o)
        return forms
    return rs.cached("orgs-by-form", build)


# -- loading -----------------------------------------------------------------------


def rule_files(dirs: Iterable[Path | str]) -> list[Path]:
    """The ``*.yaml``/``*.yml`` files of each directory (or the file itself), in order."""
    out: list[Path] = []
    for d in dirs:
        d = Path(d)
        if d.is_dir():
            out += sorted(p for p in d.iterdir() if p.suffix in (".yaml", ".yml"))
        else:
            out.append(d)
    return out


def load_ruleset(dirs: Iterable[Path | str] | None = None, *, defaults: bool = True) -> RuleSet:
    """Read, validate and merge rule files.

    Args:
        dirs: extra rule directories or files; later ones override earlier ones by rule id.
        defaults: start from the rules shipped with the package.

    Returns:
        The merged RuleSet.

    Raises:
        RuleFileError: listing every problem found, one per line, as ``path:line:col: message``.
    """
    layers = ([DEFAULT_RULES_DIR] if defaults else []) + [Path(d) for d in (dirs or [])]
    problems: list[Problem] = []
    merged: dict[str, tuple[str, Any, tuple[str, int, int]]] = {}  # id -> (kind, rule, where)
    sources: list[str] = []
    places: list[tuple[str, str, int, int]] = []
    for layer in layers:
        if not layer.exists():
            problems.append(Problem(str(layer), 0, 0, "no such rules file or directory"))
            continue
        files = rule_files([layer])
        if not files:
            problems.append(Problem(str(layer), 0, 0, "no rule files (*.yaml) in this directory"))
        seen_here: dict[str, tuple[str, int, int]] = {}
        for path in files:
            sources.append(str(path))
            for kind, rule, where in _load_file(path, problems, places):
                if rule.id in seen_here:
                    p, ln, col = seen_here[rule.id]
                    problems.append(Problem(where[0], where[1], where[2],
                                            f'duplicate rule id "{rule.id}" (first defined at {p}:{ln}:{col})'))
                    continue
                seen_here[rule.id] = where
                if isinstance(rule, _Disabled):
                    if rule.id in merged and merged[rule.id][0] == kind:
                        del merged[rule.id]
                    else:
                        same_kind = {i.partition(".")[2]: i for i, m in merged.items() if m[0] == kind}
                        near = [same_kind[n] for n in difflib.get_close_matches(rule.id.partition(".")[2],
                                                                                 same_kind, n=3, cutoff=0.7)]
                        hint = f"; nearest: {', '.join(near)}" if near else ""
                        problems.append(Problem(*where, f'rule "{rule.id}" is disabled but no rules loaded before it '
                                                        f'define a {kind} rule with that id{hint}'))
                    continue
                if rule.id in merged and merged[rule.id][0] != kind:
                    problems.append(Problem(where[0], where[1], where[2],
                                            f'rule "{rule.id}" overrides a rule of kind "{merged[rule.id][0]}" '
                                            f'with one of kind "{kind}"'))
                    continue
                merged[rule.id] = (kind, rule, where)
    by_kind: dict[str, list[Any]] = {k: [] for k in KINDS}
    for kind, rule, _ in merged.values():
        by_kind[kind].append(rule)
    live = set(merged)
    rs = RuleSet(**{k: tuple(v) for k, v in by_kind.items()}, sources=tuple(sources),
                 places=tuple(sorted({pl for pl in places if pl[0].split(":")[0] in live
                                      and merged[pl[0].split(":")[0]][2][0] == pl[1]})))
    problems += _check_references(rs, {rid: w for rid, (_, _, w) in merged.items()})
    if problems:
        errors = sorted(set(problems), key=lambda p: (p.path, p.line, p.col, p.message))
        raise RuleFileError(f"{len(errors)} problem(s) in the rule files", tuple(errors))
    return rs


def _pos(path: Path, node: yaml.Node) -> tuple[str, int, int]:
    return str(path), node.start_mark.line + 1, node.start_mark.column + 1


# libyaml's composer is ~10x faster than the pure-Python one and gives the same nodes with the same
# line/column marks (only the unused ``style`` of plain scalars differs: "" instead of None).
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def _compose(text: str) -> yaml.Node | None:
    """The YAML node tree of ``text``: with libyaml when installed, else in pure Python.

    A file libyaml rejects is composed again in pure Python, so a syntax error reads (message, line,
    column) exactly as PyYAML's own does, whichever loader is installed.
    """
    if _FAST_LOADER is not None:
        try:
            return yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            pass  # fall through: PyYAML's message and marks
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _load_file(path: Path, problems: list[Problem], places: list[tuple[str, str, int, int]] | None = None
               ) -> list[tuple[str, Any, tuple[str, int, int]]]:
    try:
        data = path.read_bytes()
    except OSError as e:
        problems.append(Problem(str(path), 0, 0, f"cannot read rules file: {e.strerror or e}"))
        return []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        good = data[:e.start].decode("utf-8")
        problems.append(Problem(str(path), *line_col(good, len(good)), f"not UTF-8 (byte 0x{data[e.start]:02x}); "
                                                                       "save the rules file as UTF-8"))
        return []
    try:
        root = _compose(text)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problems.append(Problem(str(path), line, col, f"syntax error: {e.problem or e}"))
        return []
    except yaml.reader.ReaderError as e:  # a control character (NUL, BEL...): YAML allows none
        problems.append(Problem(str(path), *line_col(text, e.position),
                                f"syntax error: character #x{e.character:04x} is not allowed in YAML "
                                "(a control character)"))
        return []
    except RecursionError:
        problems.append(Problem(str(path), *_too_deep(text), f"syntax error: nested more than {_MAX_DEPTH} "
                                                             "levels deep"))
        return []
    if root is None:
        problems.append(Problem(str(path), 1, 1, "empty rules file; expected keys: kind, rules, version"))
        return []
    where = lambda n: _pos(path, n)  # noqa: E731
    top = _mapping(root, where, problems, "the file", ("version", "kind", "rules"), ("version", "kind", "rules"))
    if top is None:
        return []
    out = []
    if "version" in top and (top["version"][1].value != "1"):
        problems.append(Problem(*where(top["version"][1]), f'unsupported version "{top["version"][1].value}"; supported: 1'))
    kind_name, spec = None, None
    if "kind" in top:
        node = top["kind"][1]
        kind_name = node.value if isinstance(node, yaml.ScalarNode) else None
        try:
            spec = get_kind(str(kind_name))
        except KeyError as e:
            problems.append(Problem(*where(node), e.args[0]))
    if spec is None or "rules" not in top:
        return []
    rules_node = top["rules"][1]
    if not isinstance(rules_node, yaml.SequenceNode):
        problems.append(Problem(*where(rules_node), '"rules" must be a list of rules'))
        return []
    for item in rules_node.value:
        rule = _build_rule(item, spec, where, problems)
        if rule is not None:
            out.append((kind_name, rule, where(item)))
            if places is not None and not isinstance(rule, _Disabled):
                places += _value_places(rule.id, item, where)
    return out


#: how deep the rules' lists and mappings may nest (the default rules need 4); deeper is refused with its place
_MAX_DEPTH = 100


def _too_deep(text: str) -> tuple[int, int]:
    """Where ``text`` first nests more than ``_MAX_DEPTH`` levels (1-based line, column), found with YAML's
    scanner, which, unlike its composer, does not recurse; (1, 1) when the scanner finds no such place."""
    opening = (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken, yaml.BlockSequenceStartToken,
               yaml.BlockMappingStartToken)
    closing = (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken, yaml.BlockEndToken)
    depth = 0
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            depth += isinstance(token, opening) - isinstance(token, closing)
            if depth > _MAX_DEPTH:
                return token.start_mark.line + 1, token.start_mark.column + 1
    except yaml.YAMLError:
        pass
    return 1, 1


def _value_places(rid: str, item: yaml.Node, where) -> list[tuple[str, str, int, int]]:
    """Where a rule, its name, its list items and its example sentences are written.

    Keys: ``id``, ``id:name``, ``id:aliases:n``, ``id:distinct_from:n`` and ``id:match:n``/``id:no_match:n``.
    """
    out = [(rid, *where(item))]
    for k, v in item.value:
        key = getattr(k, "value", None)
        if key == "name" and isinstance(v, yaml.ScalarNode):
            out.append((f"{rid}:name", *where(v)))
        elif key in ("aliases", "distinct_from") and isinstance(v, yaml.SequenceNode):
            out += [(f"{rid}:{key}:{n}", *where(x)) for n, x in enumerate(v.value)]
        elif key == "examples" and isinstance(v, yaml.MappingNode):
            for ek, ev in v.value:
                if isinstance(ev, yaml.SequenceNode):
                    out += [(f"{rid}:{ek.value}:{n}", *where(x)) for n, x in enumerate(ev.value)]
    return out


def _mapping(node: yaml.Node, where, problems: list[Problem], what: str, allowed: Iterable[str],
             required: Iterable[str] = ()) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
    """A mapping node's keys -> (key node, value node), reporting bad, duplicate and missing keys."""
    if not isinstance(node, yaml.MappingNode):
        problems.append(Problem(*where(node), f"{what} must be a mapping with keys: {', '.join(sorted(allowed))}"))
        return None
    allowed = allowed if isinstance(allowed, _AnyKey) else set(allowed)
    out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for k, v in node.value:
        key = k.value if isinstance(k, yaml.ScalarNode) else str(k)
        if key in out:
            first = out[key][0]
            problems.append(Problem(*where(k), f'duplicate key "{key}" in {what} (first at line {first.start_mark.line + 1})'))
            continue
        if key not in allowed:
            hint = difflib.get_close_matches(key, allowed, n=1)
            did = f' (did you mean "{hint[0]}"?)' if hint else ""
            problems.append(Problem(*where(k), f'unknown key "{key}" in {what}{did}; expected one of: {", ".join(sorted(allowed))}'))
            continue
        out[key] = (k, v)
    missing = [r for r in required if r not in out]
    if missing:
        problems.append(Problem(*where(node), f"missing key{'s' if len(missing) > 1 else ''} "
                                              f"{', '.join(repr(m) for m in missing).replace(chr(39), chr(34))} in {what}"))
    return out


@dataclass(frozen=True)
class _Disabled:
    """``- {id: x, disabled: true}`` in a later rules folder: rule x of an earlier folder is dropped."""

    id: str


def _build_rule(node: yaml.Node, spec: _Kind, where, problems: list[Problem]) -> Any:
    id_node = None
    if isinstance(node, yaml.MappingNode):
        id_node = next((v for k, v in node.value if getattr(k, "value", None) == "id"), None)
    rid = id_node.value if isinstance(id_node, yaml.ScalarNode) else None
    what = f'rule "{rid}"' if rid else "a rule"
    if isinstance(node, yaml.MappingNode):
        flag = next(((k, v) for k, v in node.value if getattr(k, "value", None) == "disabled"), None)
        if flag is not None:
            k, v = flag
            if not (isinstance(v, yaml.ScalarNode) and v.tag.endswith(":bool")):
                problems.append(Problem(*where(v), f'"disabled" in {what} must be true or false'))
                return None
            if v.value.lower() in ("true", "yes", "on"):
                if rid is None:
                    problems.append(Problem(*where(node), f'missing key "id" in {what} (which rule to disable?)'))
                    return None
                return _Disabled(rid)
            node = yaml.MappingNode(node.tag, [(a, b) for a, b in node.value if a is not k],
                                    node.start_mark, node.end_mark, node.flow_style)
    required = [f for f, (_, req) in spec.fields.items() if req]
    keys = _mapping(node, where, problems, what, spec.fields, ())
    if keys is None:
        return None
    values: dict[str, Any] = {}
    ok = True
    for key, (_, vnode) in list(keys.items()):
        if isinstance(vnode, yaml.ScalarNode) and vnode.tag.endswith(":null"):
            del keys[key]  # `role: null` / `role: ~` is the same as leaving the key out
            continue
        check, _ = spec.fields[key]
        try:
            values[spec.renamed.get(key, key)] = _convert(check, vnode, where, problems, what, key)
        except _Bad as e:
            problems.append(Problem(*where(e.node), e.message))
            ok = False
    if rid is not None:
        if not _ID_RE.match(rid) or not rid.startswith(spec.prefix + "."):
            problems.append(Problem(*where(id_node), f'bad rule id "{rid}"; expected "{spec.prefix}.<name>" '
                                                      f"with a kebab-case name"))
            ok = False
    if spec.record is CueRule and ok:
        t = values.get("type")
        if t == "verb" and not values.get("verbs"):
            problems.append(Problem(*where(node), f'{what} has type "verb" but no "verbs"'))
            ok = False
        if t in ("phrase", "dash") and not values.get("phrases"):
            problems.append(Problem(*where(node), f'{what} has type "phrase" but no "phrases"'))
            ok = False
    if spec.record is StanceRule and ok and not (values.get("cues") or values.get("words")):
        problems.append(Problem(*where(node), f'{what} has neither "cues" nor "words", so it can never match'))
        ok = False
    missing = [r for r in required if r not in keys]
    if missing:
        problems.append(Problem(*where(node), f"missing key{'s' if len(missing) > 1 else ''} "
                                              f"{', '.join(chr(34) + m + chr(34) for m in missing)} in {what}"))
    if not ok or missing:
        return None
    return spec.record(**values)


class _Bad(Exception):
    def __init__(self, node: yaml.Node, message: str):
        super().__init__(message)
        self.node, self.message = node, message


def _scalar(node: yaml.Node, what: str, key: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or node.value == "" and node.tag.endswith(":null"):
        raise _Bad(node, f'"{key}" in {what} must be a string')
    return node.value


#: lists of names, in which an unquoted 1, true or null is a mistake
_NAME_LISTS = frozenset({"aliases", "distinct_from", "adjectives"})
_YAML_TYPES = {"int": "a number", "float": "a number", "bool": "a yes/no value", "null": "nothing (null)",
               "timestamp": "a date"}


def _strlist(node: yaml.Node, what: str, key: str) -> tuple[str, ...]:
    if not isinstance(node, yaml.SequenceNode):
        raise _Bad(node, f'"{key}" in {what} must be a list of strings')
    out = []
    for item in node.value:
        if not isinstance(item, yaml.ScalarNode) or not item.value.strip():
            raise _Bad(item, f'items of "{key}" in {what} must be non-empty strings')
        # YAML reads null as nothing, and 1 or true as a number or a yes/no: a name list wants none of
        # them (a word list keeps its on, no, yes as written)
        if item.tag.endswith(":null") or key in _NAME_LISTS and not item.tag.endswith(":str"):
            read_as = _YAML_TYPES.get(item.tag.rsplit(":", 1)[-1], "something else")
            raise _Bad(item, f'items of "{key}" in {what} must be strings; {item.value} is read as {read_as} '
                             f'(put it in quotes, "{item.value}", to mean the text)')
        out.append(item.value)
    return tuple(out)


def _convert(check: Any, node: yaml.Node, where, problems: list[Problem], what: str, key: str) -> Any:
    if check == _STR:
        return _scalar(node, what, key)
    if check == _MARK:
        mark = _scalar(node, what, key)
        if not mark.strip():
            raise _Bad(node, f'"{key}" in {what} must be a quotation mark, not an empty or blank string')
        return mark
    if check == _BOOL:
        if not (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":bool")):
            raise _Bad(node, f'"{key}" in {what} must be true or false')
        return node.value.lower() in ("true", "yes", "on")
    if check == _STRLIST:
        return _strlist(node, what, key)
    if check == _REGEX:
        pattern = _scalar(node, what, key)
        try:
            re.compile(pattern, re.MULTILINE)
        except re.error as e:
            raise _Bad(node, f'regex "{pattern}" in {what} does not compile: {e}') from None
        try:
            rule_regex(pattern)
        except ValueError as e:
            raise _Bad(node, f'regex "{pattern}" in {what} cannot be run in linear time ({e}); rule regexes run '
                             "on RE2, which has no backreferences, lookahead or lookbehind") from None
        return pattern
    if check == _VERBS:
        keys = _mapping(node, where, problems, f'"{key}" of {what}', _AnyKey(), ())
        if keys is None:
            raise _Bad(node, f'"{key}" in {what} must map each lemma to a list of its forms')
        return tuple((lemma, _strlist(v, what, f"{key}.{lemma}")) for lemma, (_, v) in keys.items())
    if check == _EXAMPLES:
        keys = _mapping(node, where, problems, f'"examples" of {what}', ("match", "no_match"))
        if keys is None:
            raise _Bad(node, f'"examples" in {what} must be a mapping with keys: match, no_match')
        return Examples(**{k: _strlist(v, what, f"examples.{k}") for k, (_, v) in keys.items()})
    if check == _RATIO:
        if not (isinstance(node, yaml.ScalarNode) and node.tag.endswith((":float", ":int"))
                and 0 <= float(node.value) <= 1):
            raise _Bad(node, f'"{key}" in {what} must be a number from 0 to 1, not "{getattr(node, "value", "")}"')
        return float(node.value)
    if check == _COUNT:
        if not (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":int") and int(node.value) >= 0):
            raise _Bad(node, f'"{key}" in {what} must be a whole number of 0 or more, not "{getattr(node, "value", "")}"')
        return int(node.value)
    if check == _FOLDS:
        keys = _mapping(node, where, problems, f'"{key}" of {what}', _AnyKey(), ()) \
            if isinstance(node, yaml.MappingNode) else None
        if keys is None:
            raise _Bad(node, f'"{key}" in {what} must map letters to the letters that replace them ({{q: k}})')
        folds = []
        for letters, (knode, vnode) in keys.items():
            if not letters.strip() or not isinstance(vnode, yaml.ScalarNode):
                raise _Bad(knode, f'"{key}" in {what} must map letters to the letters that replace them ({{q: k}})')
            folds.append((letters.lower(), vnode.value.lower() if not vnode.tag.endswith(":null") else ""))
        return tuple(folds)
    if check == _SYNONYMS:  # identity.role_synonyms: {spokesperson: spokesman}
        keys = _mapping(node, where, problems, f'"{key}" of {what}', _AnyKey(), ()) \
            if isinstance(node, yaml.MappingNode) else None
        if keys is None:
            raise _Bad(node, f'"{key}" in {what} must map each word to the word it stands for ({{spokesperson: spokesman}})')
        pairs = []
        for word, (knode, vnode) in keys.items():
            if not word.strip() or not isinstance(vnode, yaml.ScalarNode) or not vnode.value.strip():
                raise _Bad(knode, f'"{key}" in {what} must map each word to the word it stands for '
                                  f'({{spokesperson: spokesman}})')
            pairs.append((" ".join(word.lower().split()), " ".join(vnode.value.lower().split())))
        return tuple(pairs)
    if isinstance(check, tuple):  # enum
        value = _scalar(node, what, key)
        if value not in check:
            raise _Bad(node, f'"{key}" in {what} is "{value}"; expected one of: {", ".join(check)}')
        return value
    raise AssertionError(f"unknown field check {check!r}")


class _AnyKey:
    """An "allowed keys" set that allows every key (for free-form mappings such as verbs)."""

    def __contains__(self, item: object) -> bool:
        return True

    def __iter__(self):
        return iter(())


# -- cross-rule checks -------------------------------------------------------------------


def _check_references(rs: RuleSet, where: dict[str, tuple[str, int, int]]) -> list[Problem]:
    problems: list[Problem] = []
    org_names = [o.name for o in rs.organisations]

    def unknown(rid: str, key: str, value: str) -> None:
        near = difflib.get_close_matches(value, org_names, n=3, cutoff=0.5)
        hint = f"; nearest: {', '.join(near)}" if near else ""
        problems.append(Problem(*where[rid], f'{key} "{value}" of rule "{rid}" is not the name of any organisation{hint}'))

    for o in rs.organisations:
        if o.parent and o.parent not in org_names:
            unknown(o.id, "parent", o.parent)
    for s in rs.speakers:
        if s.affiliation and s.affiliation not in org_names:
            unknown(s.id, "affiliation", s.affiliation)
    speaker_ids = [s.id for s in rs.speakers]
    for s in rs.speakers:
        own = {n.lower() for n in (s.name, *s.aliases)}
        for i, d in enumerate(s.distinct_from):
            if d.startswith("speaker.") and d not in speaker_ids:
                others = {i.partition(".")[2]: i for i in speaker_ids if i != s.id}
                near = [others[n] for n in difflib.get_close_matches(d.partition(".")[2], others, n=3, cutoff=0.7)]
                hint = f"; nearest: {', '.join(near)}" if near else "; give a speaker rule id or a name as written"
                problems.append(Problem(*rs.place(f"{s.id}:distinct_from:{i}"), f'distinct_from "{d}" of rule '
                                                                                 f'"{s.id}" is not the id of any '
                                                                                 f"speaker rule{hint}"))
            elif d == s.id or d.lower() in own:
                problems.append(Problem(*rs.place(f"{s.id}:distinct_from:{i}"), f'distinct_from "{d}" of rule '
                                                                                 f'"{s.id}" is the rule\'s own name, '
                                                                                 "alias or id; expected another "
                                                                                 "speaker's name or id"))
    if len(rs.identity) > 1:
        first = rs.identity[0].id
        for r in rs.identity[1:]:
            problems.append(Problem(*where[r.id], f'second identity rule "{r.id}" (first: "{first}"); only one '
                                                  f'may be loaded: override "{first}" by its id instead'))
    # one surface form must not name two different things of the same kind
    for kind, rules in (("speaker", rs.speakers), ("organisation", rs.organisations), ("outlet", rs.outlets)):
        owner: dict[str, tuple[str, str]] = {}  # lower-cased form -> (rule id, place key)
        for r in rules:
            forms = [(r.name, f"{r.id}:name")] + [(a, f"{r.id}:aliases:{n}") for n, a in enumerate(r.aliases)]
            for form, key in forms:
                alias = form.lower()
                if alias in owner and owner[alias][0] != r.id:
                    other = rs.place(owner[alias][1])
                    at = f" (at {other[0]}:{other[1]}:{other[2]})" if other[1] else ""
                    problems.append(Problem(*rs.place(key), f'alias "{alias}" of rule "{r.id}" is also claimed by '
                                                            f'{kind} rule "{owner[alias][0]}"{at}; an alias names one '
                                                            f"{kind}: remove it from one of the two rules"))
                owner.setdefault(alias, (r.id, key))
    return problems
