"""One identity per speaker across a corpus: (ResolvedAttribution..., RuleSet) -> (ResolvedAttribution..., Merge...).

Runs after the per-article stages and before claims and the graph. The per-article
stage gives a person the id ``person:<slug>`` of the rules' canonical name or of the
fullest name the article used, so one person written two ways in two articles has two
ids. This stage merges them, and records why in a ``Merge``:

1. a name that is a speaker rule's name or alias -> that rule's speaker;
2. the same name once titles and role words are dropped ("Mullah Muhammad Hassan",
   "Muhammad Hassan") -> one speaker;
3. a surname on its own ("Mujahid") -> the one full name in the corpus with that
   surname (and, where several have it, the one whose affiliation or role agrees);
4. spelling variants of a transliterated name ("Tareq Arian" / "Tarek Arian") -> one
   speaker when the names are similar enough (``identity.name_similarity``) and the role
   or affiliation agrees; kept apart when the affiliations conflict.

5. an anonymous source whose role and affiliation the speaker rules give exactly one
   person ("the Taliban spokesperson" -> Zabihullah Mujahid; ``identity.known_roles``,
   role words made one by ``identity.role_synonyms``);
6. an organisation speaker (``org:``/``unknown:``) whose name is an organisation rule's
   name or alias, or has the words of exactly one once nationalities and country names
   are dropped ("foreign ministry" / "Pakistani foreign ministry"), -> ``org:<slug of the
   canonical name>`` (``identity.known_organisations``).

A speaker rule's ``distinct_from`` keeps two apart. Anonymous sources stay one per
article unless the identity rule sets ``anonymous_across_articles`` (or pass 5 applies).
Candidates are compared only within blocks (same surname key, same role, same word
key), never all pairs of the corpus.
"""
from __future__ import annotations

import difflib
import itertools
import json
import sqlite3
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Iterator, Sequence

from .ids import org_id, person_id
from .model import Merge, ResolvedAttribution, Speaker, SpeakerKind
from .ruleset import IdentityRule, OrgRule, RuleSet, SpeakerRule
from .store import LINES_AT_ONCE, ROWS_AT_ONCE, execute_script, quote_speakers, speaker_columns

__all__ = ["unify_speakers", "unify_store", "start_store_identity", "merge_record"]


@dataclass
class _Cluster:
    """The speakers (ids) already taken to be one person, with what the corpus says of them."""

    id: str
    kind: SpeakerKind
    ids: list[str]
    names: Counter = field(default_factory=Counter)
    roles: Counter = field(default_factory=Counter)
    affiliations: Counter = field(default_factory=Counter)
    rule: SpeakerRule | None = None
    mentions: Counter = field(default_factory=Counter)  # the mentions as written ("the Taliban spokesperson")
    org: OrgRule | None = None  # an organisation cluster's rule

    def count(self, name: str, mention: str, role: str | None, affiliation: str | None) -> None:
        """One more quote of this cluster's, under that name, mention, role and affiliation."""
        self.names[name] += 1
        self.mentions[mention] += 1
        if role:
            self.roles[role] += 1
        if affiliation:
            self.affiliations[affiliation] += 1

    @property
    def quotes(self) -> int:
        return sum(self.names.values())

    def affiliation(self) -> str | None:
        if self.rule is not None and self.rule.affiliation:
            return self.rule.affiliation
        return _most_common(self.affiliations)

    def role(self) -> str | None:
        if self.rule is not None and self.rule.role:
            return self.rule.role
        return _most_common(self.roles)


def _most_common(c: Counter) -> str | None:
    return min(c, key=lambda k: (-c[k], k)) if c else None


def unify_speakers(attributions: Sequence[ResolvedAttribution], rules: RuleSet
                   ) -> tuple[tuple[ResolvedAttribution, ...], tuple[Merge, ...]]:
    """Give every person one speaker id across the corpus.

    Args:
        attributions: the resolved attributions of every article (any order).
        rules: speaker rules (names, aliases, ``distinct_from``), organisations (for
            affiliation paths), roles and honorifics (dropped from names), and the identity
            rule (similarity threshold, blocking, spelling folds).

    Returns:
        The attributions in the same order, with merged speakers' ids, names, roles and
        affiliations filled in, and the merges, in the order they were made.
    """
    merges: list[Merge] = []
    unifier = _Unifier(rules, sqlite3.connect(":memory:"), merges.append)
    unifier.add((ra.attribution.doc_id, ra.speaker, ra.mention.text if ra.mention else None)
                for ra in attributions if ra.speaker is not None)
    unifier.end_collect()
    unifier.merge_all()
    return tuple(unifier.rewrite(ra) for ra in attributions), tuple(merges)


def start_store_identity(store, rules: RuleSet) -> "_Unifier":
    """The identity stage of a run's ``store.Store``, collecting the quotes the store holds already.

    A batch run starts it before its first article and hands it each finished article's
    quotes (``_Unifier.add``), so that this reading is done while the workers run; a resumed
    run's store holds the quotes of the interrupted run, collected here first.
    """
    unifier = _Unifier(rules, store.db)
    # the first columns of quote_columns, as far as quote_speakers reads them
    unifier.add(quote_speakers(store.rows('SELECT doc, start, "end", sid, spk, name, mention FROM quote '
                                          "WHERE sid IS NOT NULL ORDER BY i")))
    return unifier


def unify_store(store, rules: RuleSet, on_merge: Callable[[Merge], None], started: "_Unifier | None" = None) -> int:
    """``unify_speakers`` on a run's ``store.Store``: its quote rows get their speakers' corpus identity in place.

    Only what is per named person stays in memory; anonymous sources and organisation
    speakers (one per article, most of them) are read back from the store one at a time.

    Args:
        store: the run's store (``quote`` rows in input order).
        rules: as for ``unify_speakers``.
        on_merge: gets each merge as it is made.
        started: what ``start_store_identity`` gave and has been handed every quote of the store
            since (default: the store's quotes are collected now).

    Returns:
        The number of merges.
    """
    from .rundir import speaker_from_key, speaker_from_record, speaker_key, speaker_record

    unifier = started or start_store_identity(store, rules)
    unifier.on_merge = on_merge
    unifier.end_collect()
    unifier.merge_all()
    # a quote's new speaker depends on its speaker record only: the records that change, then their quotes
    execute_script(store.db, "CREATE TEMP TABLE identity_changed(spk TEXT PRIMARY KEY, new TEXT NOT NULL);"
                             "CREATE TEMP TABLE identity_new(i INTEGER PRIMARY KEY, sid TEXT, spk TEXT, name TEXT, "
                             "mention TEXT, line TEXT)")
    changed = []
    for spk, in store.rows("SELECT DISTINCT spk FROM quote WHERE sid IS NOT NULL"):
        sp = speaker_from_key(spk)
        new = unifier.new_speaker(sp)
        if new != sp:
            changed.append((spk, speaker_key(speaker_record(new, None))))
            # one per anonymous source of the corpus, many: not all at once; two speaker keys a row (each about
            # 130 characters), so the buffer of long rows
            if len(changed) >= LINES_AT_ONCE:
                store.db.executemany("INSERT INTO identity_changed VALUES (?, ?)", changed)
                changed.clear()
    store.db.executemany("INSERT INTO identity_changed VALUES (?, ?)", changed)
    lines = []
    for i, line, new in store.rows("SELECT q.i, q.line, c.new FROM quote q JOIN identity_changed c ON c.spk = q.spk"):
        rec = json.loads(line)
        _, mention = speaker_from_record(rec["speaker"])
        rec["speaker"] = speaker_record(speaker_from_key(new), mention)
        lines.append((i, *speaker_columns(rec["speaker"]), json.dumps(rec, ensure_ascii=False)))
        if len(lines) >= LINES_AT_ONCE:
            store.db.executemany("INSERT INTO identity_new VALUES (?, ?, ?, ?, ?, ?)", lines)
            lines.clear()
    store.db.executemany("INSERT INTO identity_new VALUES (?, ?, ?, ?, ?, ?)", lines)
    store.db.execute("UPDATE quote SET sid = n.sid, spk = n.spk, name = n.name, mention = n.mention, line = n.line "
                     "FROM identity_new AS n WHERE quote.i = n.i")
    unifier.close()
    execute_script(store.db, "DROP TABLE identity_new; DROP TABLE identity_changed")
    return unifier.merged


#: memo sizes past which a memo is emptied (a corpus's anonymous speakers are one per article: the memos must not
#: grow with it)
_MEMO_MAX = 1024

#: what the unifier keeps on disk: the articles each speaker is quoted in, the tops of the affiliation paths each
#: article quotes, and every quote of an anonymous or organisation speaker (read back one speaker at a time)
_TABLES = """
CREATE TEMP TABLE identity_use(sid TEXT NOT NULL, kind TEXT NOT NULL, name TEXT, mention TEXT, role TEXT, aff TEXT);
CREATE TEMP TABLE identity_doc(sid TEXT NOT NULL, doc TEXT NOT NULL, person INTEGER NOT NULL,
                               PRIMARY KEY (sid, doc)) WITHOUT ROWID;
CREATE TEMP TABLE identity_top(doc TEXT NOT NULL, top TEXT NOT NULL, PRIMARY KEY (doc, top)) WITHOUT ROWID;
CREATE TEMP TABLE identity_anon(k TEXT NOT NULL, sid TEXT NOT NULL);
"""
_USE = "sid, kind, name, mention, role, aff"  # identity_use's columns


def merge_record(m: Merge) -> dict[str, Any]:
    """One line of merges.jsonl: ``{"kept_id", "kept_name", "merged_ids", "merged_names", "evidence", "rule"}``."""
    return {"kept_id": m.kept_id, "kept_name": m.kept_name, "merged_ids": list(m.merged_ids),
            "merged_names": list(m.merged_names), "evidence": m.evidence, "rule": m.rule_id}


class _Unifier:
    """The clusters of one corpus and the merges made so far."""

    def __init__(self, rules: RuleSet, db: sqlite3.Connection, on_merge: Callable[[Merge], None] = lambda m: None):
        self.rules = rules
        self.settings: IdentityRule = rules.identity_settings()
        self.db = db
        execute_script(db, _TABLES)
        # in memory: people, and the other clusters a merge keeps; the rest are on disk (``_streamed``)
        self.clusters: dict[str, _Cluster] = {}  # cluster id -> cluster (live ones only)
        self.owner: dict[str, str] = {}  # original speaker id -> its cluster id (people, and the ids merged)
        self.on_merge = on_merge
        self.merged = 0
        self.known = {s.name.lower(): s for s in rules.speakers}
        for s in rules.speakers:
            for a in s.aliases:
                self.known.setdefault(a.lower(), s)
        self.rule_by_person_id = {person_id(s.name): s for s in rules.speakers}
        self.titles = rules.words("honorific")
        self.role_words = {w.lower(): r.id for r in rules.roles for w in r.words}
        self.role_len = max((len(w.split()) for w in self.role_words), default=1)
        self._cores: dict[str, list[str]] = {}  # memo: name -> its words without titles
        self._folds: dict[str, str] = {}  # memo: text -> folded
        self.synonyms = dict(self.settings.role_synonyms)
        self.determiners = rules.words("determiner")
        self.indefinite = self.determiners - rules.words("definite")  # "a", "another", "some", ...
        self._rewritten: dict[Speaker, Speaker] = {}  # memo of rewrite: speaker record -> its corpus identity
        # rows collected and not yet on disk: identity_doc's, identity_top's, identity_use's
        self._pending: tuple[list[tuple], list[tuple], list[tuple]] = ([], [], [])

    # -- collecting ------------------------------------------------------------------

    def add(self, quotes: Iterable[tuple[str, Speaker, str | None]]) -> None:
        """Quotes' (doc_id, speaker, mention as written, or None for the speaker's name), in input order;
        quotes without a speaker left out. Call ``end_collect`` after the last."""
        docs, tops, uses = self._pending
        for doc, sp, mention in quotes:
            if mention is None:
                mention = sp.name
            path = sp.affiliation_path or self._path(sp.affiliation)
            if path:
                tops.append((doc, path[-1]))
            if sp.kind is SpeakerKind.PERSON:
                c = self.clusters.get(sp.id)
                if c is None:
                    c = self.clusters[sp.id] = _Cluster(sp.id, sp.kind, [sp.id], rule=self._rule_of_id(sp.id))
                    self.owner[sp.id] = sp.id
                c.count(sp.name, mention, sp.role, sp.affiliation)
                docs.append((sp.id, doc, 1))
            elif sp.kind is SpeakerKind.ANONYMOUS or self._org_like(sp):
                uses.append((sp.id, sp.kind.value, sp.name, mention, sp.role, sp.affiliation))
                docs.append((sp.id, doc, 0))
            if len(docs) >= ROWS_AT_ONCE or len(tops) >= ROWS_AT_ONCE:
                self._insert()

    def end_collect(self) -> None:
        """After the last ``add``: what is pending to disk, and the indexes the merge passes use."""
        self._insert()
        execute_script(self.db, "CREATE INDEX temp.identity_use_sid ON identity_use(sid);"
                                "CREATE INDEX temp.identity_doc_doc ON identity_doc(doc, person)")

    def _insert(self) -> None:
        docs, tops, uses = self._pending
        self.db.executemany("INSERT OR IGNORE INTO identity_doc VALUES (?, ?, ?)", docs)
        self.db.executemany("INSERT OR IGNORE INTO identity_top VALUES (?, ?)", tops)
        self.db.executemany("INSERT INTO identity_use VALUES (?, ?, ?, ?, ?, ?)", uses)
        docs.clear()
        tops.clear()
        uses.clear()

    def close(self) -> None:
        """Drop the tables on disk."""
        for table in ("identity_use", "identity_doc", "identity_top", "identity_anon"):
            self.db.execute(f"DROP TABLE temp.{table}")

    def merge_all(self) -> None:
        """The merge passes, in order."""
        self.by_rule_alias()
        self.by_core_name()
        if self.settings.merge_surnames:
            self.by_surname()
        self.by_spelling()
        if self.settings.known_roles:
            self.by_known_role()
        self.organisations()
        if self.settings.anonymous_across_articles:
            self.anonymous()

    def _streamed(self) -> Iterator[_Cluster]:
        """The anonymous and organisation clusters (never merged yet), in id order, read from disk one at a time."""
        return self._clusters(self._rows(f"SELECT {_USE} FROM identity_use ORDER BY sid, rowid"))

    def _load(self, sid: str) -> _Cluster | None:
        """One cluster of ``_streamed`` by id (kept in memory from now on), or None when the corpus has none."""
        c = next(self._clusters(self.db.execute(f"SELECT {_USE} FROM identity_use WHERE sid = ? ORDER BY rowid",
                                                (sid,))), None)
        if c is not None:
            self.clusters[sid] = c
            self.owner[sid] = sid
        return c

    @staticmethod
    def _clusters(rows: Iterable[tuple]) -> Iterator[_Cluster]:
        """Clusters from ``identity_use`` rows sorted by id (a cluster's kind is its first quote's)."""
        for sid, some in itertools.groupby(rows, key=lambda row: row[0]):
            c = None
            for _, kind, name, mention, role, aff in some:
                if c is None:
                    c = _Cluster(sid, SpeakerKind(kind), [sid])
                c.count(name, mention, role, aff)
            yield c  # type: ignore[misc]

    def _rows(self, sql: str, params: tuple = ()) -> Iterator[tuple]:
        cur = self.db.execute(sql, params)
        while chunk := cur.fetchmany(1024):
            yield from chunk

    def _people_with(self, c: _Cluster) -> set[str]:
        """The original ids of the people quoted in the articles that quote ``c``."""
        marks = ",".join("?" * len(c.ids))
        return {sid for sid, in self.db.execute(
            f"SELECT DISTINCT p.sid FROM identity_doc AS a JOIN identity_doc AS p ON p.doc = a.doc AND p.person = 1 "
            f"WHERE a.sid IN ({marks})", c.ids)}

    def _quoted_with(self, c: _Cluster, top: str) -> bool:
        """Whether an article that quotes ``c`` quotes a speaker whose affiliation path ends at ``top``."""
        marks = ",".join("?" * len(c.ids))
        return self.db.execute(
            f"SELECT 1 FROM identity_doc AS a JOIN identity_top AS t ON t.doc = a.doc "
            f"WHERE a.sid IN ({marks}) AND t.top = ? LIMIT 1", (*c.ids, top)).fetchone() is not None

    @staticmethod
    def _org_like(sp: Speaker) -> bool:
        """An organisation, country or unknown speaker (``org:``/``unknown:``): pass 6 may name it."""
        return sp.kind in (SpeakerKind.ORGANIZATION, SpeakerKind.COUNTRY, SpeakerKind.UNKNOWN) \
            and sp.id.startswith(("org:", "unknown:"))

    def _rule_of_id(self, sid: str) -> SpeakerRule | None:
        return self.rule_by_person_id.get(sid)

    def _persons(self) -> list[_Cluster]:
        return sorted((c for c in self.clusters.values() if c.kind is SpeakerKind.PERSON), key=lambda c: c.id)

    # -- the merge passes ----------------------------------------------------------------

    def by_rule_alias(self) -> None:
        """A name that a speaker rule lists (as name or alias) is that rule's speaker."""
        for c in self._persons():
            if c.id not in self.clusters or c.rule is not None:
                continue
            hits = {self.known[n.lower()].id: (self.known[n.lower()], n) for n in sorted(c.names)
                    if n.lower() in self.known}
            if len(hits) != 1:
                continue
            rule, name = next(iter(hits.values()))
            target_id = person_id(rule.name)
            target = self.clusters.get(target_id)
            if target is None:  # the rule's person is not quoted under its own name: this cluster becomes it
                target = self.clusters[target_id] = _Cluster(target_id, SpeakerKind.PERSON, [], rule=rule)
            if self._kept_apart(target, c) or self._conflict(target, c):
                continue  # "Khan" of the Taliban is not Imran Khan of the Pakistani government
            self._merge(target, [c], f'rule:{rule.id} alias "{name}"', rule.id)

    def by_core_name(self) -> None:
        """Names equal once titles and leading role words are dropped are one person."""
        groups: dict[str, list[_Cluster]] = defaultdict(list)
        shown: dict[str, str] = {}
        for c in self._persons():
            for n in sorted(c.names):
                core = " ".join(self._core(n))
                key = self._plain(core)  # spelling variants are by_spelling's, which wants agreeing evidence
                if len(core.split()) > 1 and c not in groups[key]:  # one word alone is by_surname's business
                    groups[key].append(c)
                    shown.setdefault(key, core)
        for key in sorted(groups):
            group = [self.clusters[self.owner[c.ids[0]]] if c.ids else c for c in groups[key]]
            group = list({c.id: c for c in group if c.id in self.clusters}.values())
            if len(group) < 2:
                continue
            kept = self._pick_kept(group)
            others = [c for c in group
                      if c is not kept and not self._conflict(kept, c) and not self._kept_apart(kept, c)]
            if others:
                self._merge(kept, others, f'same name without titles or role words ("{shown[key]}")',
                            self.settings.id)

    def by_surname(self) -> None:
        """A surname on its own is the one full name in the corpus with that surname (that agrees)."""
        full_by_surname: dict[str, list[str]] = defaultdict(list)
        singles: list[_Cluster] = []
        for c in self._persons():
            cores = [self._core(n) for n in c.names]
            if all(len(w) == 1 for w in cores):
                singles.append(c)
            for w in cores:
                if len(w) > 1:
                    full_by_surname[self._fold(w[-1])].append(c.id)
        for c in singles:
            if c.id not in self.clusters:
                continue
            surname = self._core(self._name(c))[0] if self._core(self._name(c)) else self._name(c)
            ids = dict.fromkeys(self.owner.get(i, i) for i in full_by_surname.get(self._fold(surname), []))
            cands = [self.clusters[i] for i in ids if i in self.clusters and i != c.id]
            cands = [f for f in cands if not self._conflict(f, c) and not self._kept_apart(f, c)]
            how = "the one full name"
            if len(cands) > 1:
                agreeing = [f for f in cands if self._agreement(f, c)]
                cands, how = agreeing, "the one full name whose role or affiliation agrees"
            if len(cands) != 1:
                continue
            full = cands[0]
            agree = self._agreement(full, c)
            self._merge(full, [c], f'surname only ("{surname}"); {how} with that surname in the corpus'
                        + (f" + {agree}" if agree else ""), self.settings.id)

    def by_spelling(self) -> None:
        """Similar spellings of one name whose role or affiliation agrees are one person."""
        blocks: dict[str, list[str]] = defaultdict(list)
        for c in self._persons():
            core = self._core(self._name(c))
            if len(core) < 2:
                continue
            blocks[self._block_key(core)].append(c.id)
        threshold = self.settings.name_similarity
        # two strings of lengths m <= n are at most 2m / (m + n) alike: longer ones need not be compared
        stretch = (2 - threshold) / threshold if threshold > 0 else float("inf")
        window = max(self.settings.block_window, 1)
        for key in sorted(blocks):
            names = {i: self._name(self.clusters[i]) for i in blocks[key]}
            folded = {i: self._fold(" ".join(self._core(n))) for i, n in names.items()}
            pairs = []
            if len(folded) <= window:  # a small block: every pair, skipping lengths too far apart
                ids = sorted(folded, key=lambda i: (len(folded[i]), i))
                cands = [(a, b) for n, a in enumerate(ids) for b in
                         itertools.takewhile(lambda b: len(folded[b]) <= len(folded[a]) * stretch, ids[n + 1:])]
            else:  # a crowded block (one common surname): sorted neighbourhood, each name with the next `window`
                ids = sorted(folded, key=lambda i: (folded[i], i))
                cands = [(a, b) for n, a in enumerate(ids) for b in ids[n + 1:n + 1 + window]]
            for a_id, b_id in cands:
                ratio = self._similarity(names[a_id], names[b_id])
                if ratio >= threshold:
                    pairs.append((-ratio, min(a_id, b_id), max(a_id, b_id)))
            for neg, a_id, b_id in sorted(pairs):
                a = self.clusters.get(self.owner[a_id])
                b = self.clusters.get(self.owner[b_id])
                if a is None or b is None or a is b or self._conflict(a, b) or self._kept_apart(a, b):
                    continue
                agree = self._agreement(a, b)
                if not agree:
                    continue  # a similar name alone is not enough
                kept = self._pick_kept([a, b])
                other = b if kept is a else a
                self._merge(kept, [other], f'spelling variant "{self._name(other)}" of "{self._name(kept)}" '
                            f"(similarity {-neg:.2f} after spelling folds) + {agree}", self.settings.id)

    def anonymous(self) -> None:
        """With ``anonymous_across_articles``: anonymous sources of one name, role and affiliation are one."""
        keys = []
        for c in self._streamed():
            if c.kind is SpeakerKind.ANONYMOUS and c.id not in self.owner:  # not merged by by_known_role
                keys.append((str((self._name(c).lower(), c.role(), c.affiliation())), c.id))
                if len(keys) >= ROWS_AT_ONCE:
                    self.db.executemany("INSERT INTO identity_anon VALUES (?, ?)", keys)
                    keys.clear()
        self.db.executemany("INSERT INTO identity_anon VALUES (?, ?)", keys)
        for _, rows in itertools.groupby(self._rows("SELECT k, sid FROM identity_anon ORDER BY k, rowid"),
                                         key=lambda row: row[0]):
            sids = [sid for _, sid in rows]
            if len(sids) > 1:
                kept, *others = (self._load(sid) for sid in sids)
                name, role, aff = self._name(kept).lower(), kept.role(), kept.affiliation()
                self._merge(kept, others, f'anonymous source "{name}" with the same role and affiliation '
                            f"({role or 'no role'}, {aff or 'no affiliation'})", self.settings.id)

    def by_known_role(self) -> None:
        """An anonymous source is the one person the speaker rules give its role and affiliation.

        "the Taliban spokesperson" (role spokesperson, affiliation Taliban) in an article that
        never names him is Zabihullah Mujahid when he is the only speaker rule whose role is
        that role (after ``role_synonyms``) and whose affiliation is that one or lies below it.
        Not for an indefinite mention ("a Taliban spokesman": one of several), another role,
        two rules-known people of that role, nor an article that names another person of it.
        """
        by_role: dict[str, list[SpeakerRule]] = defaultdict(list)
        for s in self.rules.speakers:
            if s.kind == "person" and s.role and s.affiliation:
                by_role[self._role_key(s.role)].append(s)
        if not by_role:
            return
        for c in self._streamed():
            if c.kind is not SpeakerKind.ANONYMOUS:
                continue
            roles = {self._role_key(r) for r in c.roles}
            if len(roles) != 1 or not c.affiliations or self._generic(c):
                continue
            role = next(iter(roles))
            fits = [s for s in by_role.get(role, ()) if all(self._role_fits(a, s) for a in c.affiliations)]
            if len(fits) != 1:
                continue  # none, or two known people of that role: which one is it?
            rule = fits[0]
            target_id = person_id(rule.name)
            others = {self.owner.get(i, i) for i in self._people_with(c)} - {target_id}
            if any(self._same_role(self.clusters[o], role, rule) for o in others if o in self.clusters):
                continue  # the article names somebody else with that role: "the spokesperson" may be them
            target = self.clusters.get(target_id)
            if target is None:
                target = self.clusters[target_id] = _Cluster(target_id, SpeakerKind.PERSON, [], rule=rule)
            if self._kept_apart(target, c):
                continue
            self._merge(target, [c], f"rule:{rule.id} role {rule.role} of {rule.affiliation}", rule.id)

    def _role_fits(self, affiliation: str, rule: SpeakerRule) -> bool:
        """The mention's affiliation is the rule's, or one above it that is no country.

        "Afghan government spokesman" fits a spokesman of the Afghan Ministry of Interior;
        "the Afghan spokesman" (a nationality) does not.
        """
        if affiliation == rule.affiliation:
            return True
        org = self.rules.org(affiliation)
        return affiliation in self.rules.org_path(rule.affiliation or "") and not (org and org.kind == "country")

    def _role_key(self, role: str) -> str:
        r = " ".join(role.lower().split())
        return self.synonyms.get(r, r)

    def _generic(self, c: _Cluster) -> bool:
        """Every mention is indefinite ("a Taliban spokesman", "another official"): one of several."""
        return bool(c.mentions) and all(m.split() and m.split()[0].lower() in self.indefinite for m in c.mentions)

    def _same_role(self, c: _Cluster, role: str, rule: SpeakerRule) -> bool:
        """A person cluster with this role whose affiliation fits the rule's."""
        return role in {self._role_key(r) for r in self._roles(c)} and any(
            self._related(a, rule.affiliation or "") for a in self._affiliations(c))

    def organisations(self) -> None:
        """An organisation speaker named another way is the organisation the rules know (``org:<slug>``)."""
        canonical = {org_id(o.name): o for o in self.rules.organisations}
        by_form: dict[str, OrgRule] = {}
        by_words: dict[frozenset, dict[str, tuple[OrgRule, str]]] = defaultdict(dict)
        for o in self.rules.organisations:
            for form in (o.name, *o.aliases):
                by_form.setdefault(self._org_form(form), o)
                key = self._org_words(form)
                if len(key) > 1:
                    by_words[key].setdefault(o.id, (o, form))
        for c in self._streamed():
            if c.kind in (SpeakerKind.PERSON, SpeakerKind.ANONYMOUS):
                continue
            c = self.clusters.get(c.id, c)  # an organisation already made a merge's target
            if c.id in canonical:
                c.org = canonical[c.id]
                continue
            hits = {by_form[f].id: (by_form[f], n) for n in sorted(c.names) if (f := self._org_form(n)) in by_form}
            if len(hits) == 1:
                org, name = next(iter(hits.values()))
                evidence = f'rule:{org.id} {"name" if name.lower() == org.name.lower() else "alias"} "{name}"'
            elif not hits and self.settings.known_organisations:
                cands: dict[str, tuple[OrgRule, str, str]] = {}
                for n in sorted(c.names):
                    for oid, (o, form) in by_words.get(self._org_words(n), {}).items():
                        cands.setdefault(oid, (o, form, n))
                if len(cands) != 1:
                    continue  # no organisation of those words, or several (whose foreign ministry?)
                org, form, name = next(iter(cands.values()))
                top = self.rules.org_path(org.name)[-1]
                if not self._quoted_with(c, top):
                    continue  # the article quotes nobody of that country: its "foreign ministry" may be another's
                evidence = (f'rule:{org.id}: "{name}" has the words of "{form}" without nationality, '
                            f"the one organisation the rules know by them; the article quotes {top}")
            else:
                continue
            own = {a for a in c.affiliations if a not in c.names}  # an organisation's affiliation is itself
            if own and not any(self._related(a, org.name) for a in own):
                continue  # the mention names another organisation
            target_id = org_id(org.name)
            target = self.clusters.get(target_id) or self._load(target_id)
            if target is None:
                kind = SpeakerKind.COUNTRY if org.kind == "country" else SpeakerKind.ORGANIZATION
                target = self.clusters[target_id] = _Cluster(target_id, kind, [])
            target.org = org
            self._merge(target, [c], evidence, org.id)

    def _org_form(self, name: str) -> str:
        """An organisation's name as the rules' alias table holds it: lower case, no leading determiner."""
        words = self._plain(name).replace("’", "'").split()
        while len(words) > 1 and words[0] in self.determiners:
            words = words[1:]
        return " ".join(words)

    def _org_words(self, name: str) -> frozenset:
        """The words of an organisation's name without determiners, "of", nationalities and country names."""
        drop = self.rules.cached("identity:country-words", lambda: frozenset(
            w for o in self.rules.organisations if o.kind == "country"
            for form in (o.name, *o.aliases, *o.adjectives) for w in self._plain(form).split()))
        words = [w[:-2] if w.endswith(("'s", "’s")) else w for w in self._plain(name).split()]
        return frozenset(w for w in words if w not in drop and w not in self.determiners and w not in ("of", "and"))

    # -- evidence ---------------------------------------------------------------------------

    def _core(self, name: str) -> list[str]:
        """A name's words without leading titles and role words ("Spokesman Mullah X Y" -> [X, Y])."""
        if name not in self._cores:
            self._cores[name] = self._strip_titles(name)
        return list(self._cores[name])

    def _strip_titles(self, name: str) -> list[str]:
        words = name.split()
        changed = True
        while changed and len(words) > 1:
            changed = False
            if words[0].lower().strip(".") in self.titles:
                words, changed = words[1:], True
                continue
            for n in range(min(self.role_len, len(words) - 1), 0, -1):
                if " ".join(words[:n]).lower() in self.role_words:
                    words, changed = words[n:], True
                    break
        return words

    @staticmethod
    def _plain(text: str) -> str:
        """Lower case, without accents."""
        s = unicodedata.normalize("NFKD", text.casefold())
        return "".join(ch for ch in s if not unicodedata.combining(ch))

    def _fold(self, text: str) -> str:
        """Lower case, no accents, the identity rule's spelling folds applied ("Tareq" -> "tarek")."""
        if text not in self._folds:
            s = self._plain(text)
            for letters, repl in self.settings.spelling_folds:
                s = s.replace(letters, repl)
            self._folds[text] = s
        return self._folds[text]

    def _block_key(self, core: list[str]) -> str:
        n = max(self.settings.block_prefix, 1)
        return self._fold(core[-1])[:n] + "|" + self._fold(core[0])[:1]

    def _similarity(self, a: str, b: str) -> float:
        """How alike two names are (difflib ratio of their folded forms without titles)."""
        fa, fb = self._fold(" ".join(self._core(a))), self._fold(" ".join(self._core(b)))
        matcher = difflib.SequenceMatcher(None, fa, fb)
        if matcher.quick_ratio() < self.settings.name_similarity:  # an upper bound, cheap
            return matcher.quick_ratio()
        return matcher.ratio()

    def _affiliations(self, c: _Cluster) -> set[str]:
        out = set(c.affiliations)
        if c.rule is not None and c.rule.affiliation:
            out.add(c.rule.affiliation)
        return out

    def _roles(self, c: _Cluster) -> set[str]:
        out = {r.lower() for r in c.roles}
        if c.rule is not None and c.rule.role:
            out.add(c.rule.role.lower())
        return out

    def _related(self, a: str, b: str) -> bool:
        """Two affiliations fit one person when one lies on the other's path to the top."""
        return a == b or a in self.rules.org_path(b) or b in self.rules.org_path(a)

    def _conflict(self, a: _Cluster, b: _Cluster) -> bool:
        """Both clusters have affiliations and none of them fit each other."""
        fa, fb = self._affiliations(a), self._affiliations(b)
        return bool(fa and fb) and not any(self._related(x, y) for x in fa for y in fb)

    def _agreement(self, a: _Cluster, b: _Cluster) -> str:
        """What the two agree on, in words ("same affiliation X"), or "" when nothing does."""
        fa, fb = self._affiliations(a), self._affiliations(b)
        same = sorted(fa & fb)
        if same:
            return f"same affiliation {same[0]}"
        related = sorted((x, y) for x in fa for y in fb if self._related(x, y))
        if related:
            return f"related affiliations {related[0][0]} / {related[0][1]}"
        ra, rb = self._roles(a), self._roles(b)
        if ra & rb:
            return f"same role {sorted(ra & rb)[0]}"
        rules_a = {self.role_words[r]: r for r in ra if r in self.role_words}
        rules_b = {self.role_words[r]: r for r in rb if r in self.role_words}
        common = sorted(set(rules_a) & set(rules_b))
        if common:
            return f"similar roles {rules_a[common[0]]} / {rules_b[common[0]]} ({common[0]})"
        return ""

    def _kept_apart(self, a: _Cluster, b: _Cluster) -> bool:
        """A speaker rule's ``distinct_from`` names the other cluster (by name, alias, id or rule id)."""
        for x, y in ((a, b), (b, a)):
            if x.rule is None or not x.rule.distinct_from:
                continue
            marks = {d.lower() for d in x.rule.distinct_from}
            names = {n.lower() for n in y.names} | {self._name(y).lower()} | {i.lower() for i in y.ids}
            if y.rule is not None:
                names |= {y.rule.id, y.rule.name.lower(), *(al.lower() for al in y.rule.aliases)}
            if marks & names:
                return True
        return False

    # -- merging ------------------------------------------------------------------------------

    def _pick_kept(self, group: list[_Cluster]) -> _Cluster:
        """The cluster whose id survives: a rules-known one, else the fullest name, then the most quoted."""
        def rank(c: _Cluster) -> tuple:
            name = self._name(c)
            return c.rule is None, self._role_prefixed(name), -len(self._core(name)), -len(name.split()), -c.quotes, c.id
        return min(group, key=rank)

    def _name(self, c: _Cluster) -> str:
        """The canonical name: the rule's, else the fullest name seen that does not start with a role word."""
        if c.rule is not None:
            return c.rule.name
        if c.org is not None:
            return c.org.name
        return min(c.names, key=lambda n: (self._role_prefixed(n), -len(self._core(n)), -len(n.split()),
                                           -c.names[n], n))

    def _role_prefixed(self, name: str) -> bool:
        """Whether a name starts with a role word ("Commander Muhammad Hassan"): a poor canonical name."""
        words = name.lower().split()
        return any(" ".join(words[:n]) in self.role_words for n in range(1, min(self.role_len, len(words) - 1) + 1))

    def _merge(self, kept: _Cluster, others: list[_Cluster], evidence: str, rule_id: str) -> None:
        merged_ids: list[str] = []
        merged_names: list[str] = []
        for o in others:
            merged_ids += o.ids
            merged_names += sorted(o.names)
            kept.ids += o.ids
            kept.names.update(o.names)
            kept.roles.update(o.roles)
            kept.affiliations.update(o.affiliations)
            if kept.rule is None:
                kept.rule = o.rule
            for i in o.ids:
                self.owner[i] = kept.id
            self.clusters.pop(o.id, None)  # an anonymous or organisation cluster was never in memory
        if kept.id not in self.owner:
            self.owner[kept.id] = kept.id
        self.merged += 1
        self.on_merge(Merge(kept.id, self._name(kept), tuple(merged_ids), tuple(dict.fromkeys(merged_names)),
                                 evidence, rule_id))

    # -- output ----------------------------------------------------------------------------------

    def _path(self, affiliation: str | None) -> tuple[str, ...]:
        if not affiliation:
            return ()
        return self.rules.org_path(affiliation) if self.rules.org(affiliation) else (affiliation,)

    def rewrite(self, ra: ResolvedAttribution) -> ResolvedAttribution:
        """The attribution with its speaker's corpus identity, and the full affiliation path from the rules."""
        sp = ra.speaker
        if sp is None:
            return ra
        # the new speaker depends on the speaker record alone: worked out once per distinct record, and
        # the quotes of one speaker share the one new record (a corpus has far fewer speakers than quotes)
        new = self.new_speaker(sp)
        return ra if new == sp else replace(ra, speaker=new)

    def new_speaker(self, sp: Speaker) -> Speaker:
        """The speaker's corpus identity (memoised: the quotes of one speaker share one record)."""
        new = self._rewritten.get(sp)
        if new is None:
            if len(self._rewritten) > _MEMO_MAX:
                self._rewritten.clear()
            new = self._rewritten[sp] = self._new_speaker(sp)
        return new

    def _new_speaker(self, sp: Speaker) -> Speaker:
        """``rewrite``'s speaker for one speaker record."""
        cid = self.owner.get(sp.id)
        c = self.clusters.get(cid) if cid else None
        new: Speaker = sp
        if c is not None and c.org is not None:
            if cid != sp.id:  # "foreign ministry" -> Pakistan Ministry of Foreign Affairs
                new = replace(sp, id=c.id, name=c.org.name, kind=c.kind, affiliation=c.org.name)
        elif c is not None and (cid != sp.id or c.rule is not None or len(c.ids) > 1):
            new = replace(sp, id=c.id, name=self._name(c), kind=c.kind, role=sp.role or c.role(),
                          affiliation=sp.affiliation or c.affiliation())
        if new.affiliation and self.rules.org(new.affiliation):
            path = self.rules.org_path(new.affiliation)
            if path != new.affiliation_path:
                new = replace(new, affiliation_path=path)
        return new
