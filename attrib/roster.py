"""Who speaks in a run: (ResolvedAttribution...) -> one SpeakerRow per speaker id, with counts and forms seen.

``attrib speakers`` prints these rows as a table or CSV; ``attrib rules suggest``
turns the rows the rules do not know into rule stubs.
"""
from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable, Sequence

from .model import ResolvedAttribution

#: the orders ``attrib speakers --sort`` offers
SORT_KEYS = ("quotes", "articles", "name")


@dataclass(frozen=True)
class SpeakerRow:
    """One speaker of a run: what the quotes say of it, most frequent first."""

    id: str
    name: str
    kind: str
    role: str | None
    affiliation: str | None
    affiliation_path: tuple[str, ...]
    quotes: int
    articles: int
    names: tuple[str, ...]  # canonical names the quotes carry (several when a run did not unify them)
    mentions: tuple[str, ...]  # the mentions as written, most frequent first
    roles: tuple[str, ...]
    examples: tuple[ResolvedAttribution, ...]  # the speaker's quotes in (doc_id, start) order


def _by_count(c: Counter) -> tuple[str, ...]:
    return tuple(sorted(c, key=lambda k: (-c[k], k)))


def speaker_rows(attributions: Iterable[ResolvedAttribution], sort: str = "quotes") -> list[SpeakerRow]:
    """One row per speaker id of the attributions.

    Args:
        attributions: the quotes of a run (``rundir.read_quotes``).
        sort: ``quotes`` (most quoted first), ``articles`` (in most articles first) or ``name``.

    Returns:
        The rows; ties are broken by name, then id, so the order is stable.
    """
    if sort not in SORT_KEYS:
        raise ValueError(f'no such sort key: "{sort}"; known: {", ".join(SORT_KEYS)}')
    groups: dict[str, list[ResolvedAttribution]] = defaultdict(list)
    for ra in attributions:
        if ra.speaker is not None:
            groups[ra.speaker.id].append(ra)
    rows = []
    for sid, ras in groups.items():
        ras.sort(key=lambda r: (r.attribution.doc_id, r.attribution.start))
        names = Counter(r.speaker.name for r in ras)
        roles = Counter(r.speaker.role for r in ras if r.speaker.role)
        affs = Counter(r.speaker.affiliation for r in ras if r.speaker.affiliation)
        mentions = Counter(" ".join(r.mention.text.split()) for r in ras if r.mention is not None)
        aff = _by_count(affs)[0] if affs else None
        path = next((r.speaker.affiliation_path for r in ras if r.speaker.affiliation == aff), ())
        name = min(names, key=lambda n: (-names[n], -len(n.split()), n))
        rows.append(SpeakerRow(sid, name, ras[0].speaker.kind.value, _by_count(roles)[0] if roles else None, aff,
                               path, len(ras), len({r.attribution.doc_id for r in ras}), _by_count(names),
                               _by_count(mentions), _by_count(roles), tuple(ras)))
    order = {"quotes": lambda r: (-r.quotes, -r.articles, r.name.lower(), r.id),
             "articles": lambda r: (-r.articles, -r.quotes, r.name.lower(), r.id),
             "name": lambda r: (r.name.lower(), r.id)}[sort]
    return sorted(rows, key=order)


_COLUMNS = ("name", "id", "kind", "affiliation", "quotes", "articles", "seen as")


def _cells(row: SpeakerRow) -> tuple[str, ...]:
    seen = "; ".join(dict.fromkeys((*row.names, *row.mentions)))
    return (row.name, row.id, row.kind, row.affiliation or "", str(row.quotes), str(row.articles), seen)


def format_csv(rows: Sequence[SpeakerRow]) -> str:
    """The rows as CSV (header ``name,id,kind,affiliation,role,quotes,articles,seen_as``; ``\\n`` line ends)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["name", "id", "kind", "affiliation", "role", "quotes", "articles", "seen_as"])
    for r in rows:
        c = _cells(r)
        w.writerow([*c[:4], r.role or "", *c[4:]])
    return out.getvalue()


def format_table(rows: Sequence[SpeakerRow], width: int = 60) -> str:
    """The rows as an aligned text table; the last column ("seen as") is cut at ``width`` characters."""
    cells = [_COLUMNS] + [_cells(r)[:-1] + (_cut(_cells(r)[-1], width),) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(_COLUMNS))]
    numeric = {4, 5}
    lines = []
    for n, c in enumerate(cells):
        parts = [c[i].rjust(widths[i]) if i in numeric and n else c[i].ljust(widths[i]) for i in range(len(c))]
        lines.append("  ".join(parts).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"
