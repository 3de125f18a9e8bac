"""Suggest speaker and organisation rules from a finished run: (quotes, articles, RuleSet) -> YAML stubs.

The speakers the rules do not know (people quoted by a name no speaker rule lists)
and the organisations they do not know (affiliations and organisation speakers no
organisation rule names) become rule stubs in the rules' own format, most quoted
first: canonical name, the other spellings seen as ``aliases``, the role and
affiliation the text gave, and comments with the number of quotes and articles, the
mentions as written and one example quote. The stubs load as written (``attrib rules
check --rules FILE``): ids are new, aliases another rule claims are left out (and
named in a comment), and an affiliation is either an organisation the rules define or
one suggested alongside.
"""
from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from .ids import slug
from .identity import unify_speakers
from .model import ArticleInfo, ResolvedAttribution, SpeakerKind
from .problems import AttribError
from .roster import SpeakerRow, speaker_rows
from .ruleset import RuleSet
from .rundir import MERGES

_ORG_KINDS = {"country": "country", "organization": "organization"}  # speaker kind -> organisation kind


@dataclass(frozen=True)
class SpeakerSuggestion:
    """A person the rules do not know yet."""

    id: str
    name: str
    aliases: tuple[str, ...]
    role: str | None
    affiliation: str | None
    affiliation_note: str  # where the affiliation came from ("from the text", "guessed from the role ...")
    quotes: int
    articles: int
    mentions: tuple[str, ...]
    example: str
    left_out: tuple[str, ...]  # aliases not listed, with why


@dataclass(frozen=True)
class OrgSuggestion:
    """An organisation the rules do not know yet."""

    id: str
    name: str
    kind: str
    quotes: int
    articles: int
    example: str
    note: str


@dataclass(frozen=True)
class Suggestions:
    """What ``attrib rules suggest`` proposes for one run."""

    speakers: tuple[SpeakerSuggestion, ...]
    organisations: tuple[OrgSuggestion, ...]
    source: str  # the run folder, for the descriptions


def suggest_rules(attributions: Sequence[ResolvedAttribution], articles: Sequence[ArticleInfo], rules: RuleSet,
                  source: str = "the run", min_quotes: int = 1,
                  merged_names: Mapping[str, Sequence[str]] | None = None) -> Suggestions:
    """The speaker and organisation rules a run suggests.

    Args:
        attributions: the run's quotes (``rundir.read_quotes``); speakers are first unified
            across articles with ``identity.unify_speakers`` so spellings of one person are one stub.
        articles: the run's articles (``rundir.read_articles``; may be empty), for titles in comments.
        rules: the rules the stubs add to (what they know is not suggested, ids must be new).
        source: the run folder, named in the descriptions.
        min_quotes: leave out speakers with fewer quotes.
        merged_names: speaker id -> the names the run merged into it (from the run's merges.jsonl,
            ``read_merged_names``), so spellings the run already unified still become aliases.

    Returns:
        The suggestions, most quoted first.
    """
    unified, _ = unify_speakers(attributions, rules)
    rows = speaker_rows(unified, sort="quotes")
    spellings: dict[str, Counter] = {}  # unified id -> the names the run gave before unifying
    for before, after in zip(attributions, unified):
        if after.speaker is not None and before.speaker is not None:
            spellings.setdefault(after.speaker.id, Counter())[before.speaker.name] += 1
    for sid, names in (merged_names or {}).items():
        for name in names:
            spellings.setdefault(sid, Counter())[name] += 0  # seen, though its quotes now carry the kept name
    similar = rules.identity_settings().name_similarity
    titles = {a.doc_id: a.title for a in articles}
    known_names = {n.lower() for s in rules.speakers for n in (s.name, *s.aliases)}
    org_names = {n.lower(): o.name for o in rules.organisations for n in (o.name, *o.aliases)}
    taken_ids = {r.id for r in rules.all_rules()}
    alias_owner = {n.lower(): s.id for s in rules.speakers for n in (s.name, *s.aliases)}

    orgs: dict[str, OrgSuggestion] = {}

    def want_org(name: str, kind: str, row: SpeakerRow, note: str) -> str:
        if name.lower() in org_names:
            return org_names[name.lower()]
        if name not in orgs:
            oid = _new_id("org", name, taken_ids)
            orgs[name] = OrgSuggestion(oid, name, kind, row.quotes, row.articles, _example(row, titles), note)
        return name

    speakers: list[SpeakerSuggestion] = []
    for row in rows:
        if row.quotes < min_quotes:
            continue
        if row.kind in _ORG_KINDS and not row.id.startswith(("anon:", "group:", "unknown:")):
            if row.name.lower() not in org_names:
                want_org(row.name, _ORG_KINDS[row.kind], row, "quoted as an organisation")
            continue
        if row.kind != SpeakerKind.PERSON.value or row.name.lower() in known_names:
            continue
        affiliation, note = row.affiliation, "from the text"
        if affiliation is None:
            affiliation, note = _affiliation_from_roles(row.roles, rules)
        elif affiliation.lower() not in org_names:
            affiliation = want_org(affiliation, "organization", row, f"affiliation of {row.name}")
        else:
            affiliation = org_names[affiliation.lower()]
        aliases, left_out = [], []
        for alias in _aliases(row, spellings.get(row.id, Counter()), similar):
            owner = alias_owner.get(alias.lower())
            if owner:
                left_out.append(f'"{alias}" (an alias of {owner})')
            else:
                aliases.append(alias)
                alias_owner[alias.lower()] = "this file"
        alias_owner[row.name.lower()] = "this file"
        speakers.append(SpeakerSuggestion(_new_id("speaker", row.name, taken_ids), row.name, tuple(aliases),
                                          row.role, affiliation, note, row.quotes, row.articles, row.mentions,
                                          _example(row, titles), tuple(left_out)))
    org_list = sorted(orgs.values(), key=lambda o: (-o.quotes, o.name.lower()))
    return Suggestions(tuple(speakers), tuple(org_list), source)


def _new_id(prefix: str, name: str, taken: set[str]) -> str:
    base = f"{prefix}.{slug(name)}"
    rid, n = base, 2
    while rid in taken:
        rid, n = f"{base}-{n}", n + 1
    taken.add(rid)
    return rid


def _aliases(row: SpeakerRow, spellings: Counter, similar: float) -> list[str]:
    """Other spellings of the name: names merged into it, the name part of mentions that spell it
    differently ("Interior Ministry spokesperson Tareq Arian" for Tarek Arian), and surnames alone ("Kakar")."""
    seen = sorted(set(row.names) | set(spellings), key=lambda n: (-spellings[n], n))
    out = [n for n in seen if n != row.name]
    names = [n.split() for n in seen]
    for m in row.mentions:
        words = _trailing_name(m)
        if not words or " ".join(words) in (row.name, *out):
            continue
        if any(len(words) < len(n) and n[-len(words):] == words for n in names):
            out.append(" ".join(words))  # the surname alone
        elif len(words) == len(row.name.split()) and difflib.SequenceMatcher(
                None, " ".join(words).lower(), row.name.lower()).ratio() >= similar:
            out.append(" ".join(words))  # another spelling
    return list(dict.fromkeys(out))


def _trailing_name(mention: str) -> list[str]:
    """The capitalised words that end a mention's first part ("Taliban spokesman Zabihullah Mujahid, 35" ->
    [Zabihullah, Mujahid]); [] when it does not end in one."""
    words = mention.split(",")[0].split()
    out: list[str] = []
    for w in reversed(words):
        if not w[:1].isupper() or not w.replace("-", "").replace("'", "").replace("’", "").isalpha():
            break
        out.insert(0, w)
    return out


def read_merged_names(run_dir: str | Path) -> dict[str, list[str]]:
    """Kept speaker id -> the names merged into it, from RUN_DIR/merges.jsonl ({} when there is none).

    Raises:
        AttribError: a line is not a merge record (``path:line:col: message``).
    """
    path = Path(run_dir) / MERGES
    out: dict[str, list[str]] = {}
    if not path.is_file():
        return out
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise AttribError(f"{path}: cannot read ({getattr(e, 'strerror', None) or e})") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            out.setdefault(str(rec["kept_id"]), []).extend(str(x) for x in rec.get("merged_names") or ())
        except json.JSONDecodeError as e:
            raise AttribError(f"{path}:{n}:{e.colno}: not JSON ({e.msg})") from None
        except (KeyError, TypeError, AttributeError) as e:
            raise AttribError(f"{path}:{n}:1: not a merge record ({type(e).__name__}: {e})") from None
    return out


def _affiliation_from_roles(roles: Sequence[str], rules: RuleSet) -> tuple[str | None, str]:
    """The one organisation whose name holds a role's qualifier ("local administration official" ->
    "Chaman local administration"), or None."""
    for role in roles:
        words = role.lower().split()[:-1]  # the head noun (official, spokesman) names no organisation
        if not words:
            continue
        pattern = re.compile(r"\b" + r"\s+".join(map(re.escape, words)) + r"\b")
        fits = sorted({o.name for o in rules.organisations
                       if any(pattern.search(n.lower()) for n in (o.name, *o.aliases))})
        if len(fits) == 1:
            return fits[0], f'guessed from the role "{role}" (check it)'
    return None, "none in the text"


def _example(row: SpeakerRow, titles: dict[str, str]) -> str:
    """One quote of the speaker as a comment line: ``doc_id: "quote" (mention cue)``."""
    surname = row.name.split()[-1:]

    def rank(r: ResolvedAttribution) -> tuple:  # a quote whose mention names the speaker, not too long, early
        named = r.mention is not None and r.mention.text.split()[-1:] == surname
        return named, len(r.attribution.text) <= 160, -r.attribution.start
    ra = max(row.examples, key=rank)
    a = ra.attribution
    text = _one_line(a.text)
    if len(text) > 160:
        text = text[:159] + "…"
    who = _one_line(ra.mention.text) if ra.mention else row.name
    cue = f" {a.cue.text}" if a.cue else ""
    title = titles.get(a.doc_id)
    where = f'{a.doc_id} ("{_one_line(title)[:60]}")' if title else a.doc_id
    return f"{where}: {text} ({who}{cue})"


def _one_line(s: str) -> str:
    return " ".join(s.split())


# -- YAML --------------------------------------------------------------------------------------

_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 .’'()-]*[A-Za-z0-9.)]$")
_YAML_WORDS = {"yes", "no", "true", "false", "on", "off", "null", "y", "n"}


def _scalar(s: str) -> str:
    """A YAML scalar for ``s``: plain when that reads back as the same string, else double-quoted."""
    if _PLAIN.match(s) and s.lower() not in _YAML_WORDS and ": " not in s and " #" not in s:
        return s
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def speakers_yaml(s: Suggestions) -> str:
    """The speaker stubs as a ``kind: speakers`` rules file."""
    lines = ["version: 1", "kind: speakers",
             f"# Speakers quoted in {s.source} that the rules do not know, most quoted first.",
             "# Check each one (name, aliases, role, affiliation) and delete what is wrong before use.",
             "rules:" if s.speakers else "rules: []"]
    for sp in s.speakers:
        lines.append(f"  # {sp.quotes} quote{'s' * (sp.quotes != 1)} in {sp.articles} "
                     f"article{'s' * (sp.articles != 1)}; seen as: {'; '.join(sp.mentions[:6])}")
        lines.append(f"  # e.g. {sp.example}")
        if sp.left_out:
            lines.append(f"  # aliases left out: {', '.join(sp.left_out)}")
        lines.append(f"  - id: {sp.id}")
        what = " ".join(x for x in ((sp.role or "").capitalize(), f"({sp.affiliation})" if sp.affiliation else "") if x)
        lines.append(f"    description: {_scalar(f'{what or sp.name}; suggested from {s.source}.')}")
        lines.append(f"    name: {_scalar(sp.name)}")
        if sp.aliases:
            lines.append(f"    aliases: [{', '.join(_scalar(a) for a in sp.aliases)}]")
        if sp.role:
            lines.append(f"    role: {_scalar(sp.role)}")
        if sp.affiliation:
            lines.append(f"    affiliation: {_scalar(sp.affiliation)}  # {sp.affiliation_note}")
        else:
            lines.append("    # affiliation: (none in the text; name an organisation from organisations.yaml)")
    return "\n".join(lines) + "\n"


def organisations_yaml(s: Suggestions) -> str:
    """The organisation stubs as a ``kind: organisations`` rules file."""
    lines = ["version: 1", "kind: organisations",
             f"# Organisations named in {s.source} that the rules do not know, most quoted first.",
             "# Check the kind, add a parent (the organisation one level up) and aliases before use.",
             "rules:" if s.organisations else "rules: []"]
    for o in s.organisations:
        lines.append(f"  # {o.note}; {o.quotes} quote{'s' * (o.quotes != 1)} in {o.articles} "
                     f"article{'s' * (o.articles != 1)}")
        lines.append(f"  # e.g. {o.example}")
        lines.append(f"  - id: {o.id}")
        lines.append(f"    description: {_scalar(f'{o.name}; suggested from {s.source}.')}")
        lines.append(f"    name: {_scalar(o.name)}")
        lines.append(f"    kind: {o.kind}  # one of: country, government, organization, group, media")
        lines.append("    # parent: (the organisation one level up, e.g. a government)")
    return "\n".join(lines) + "\n"


def counts(s: Suggestions) -> Counter:
    """How many stubs of each kind (for the command's summary line)."""
    return Counter(speakers=len(s.speakers), organisations=len(s.organisations))
