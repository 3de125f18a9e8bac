"""Stage 8, export: results/graph, path -> quotes.jsonl, GraphML and node-link JSON files.

Every writer writes a temporary file next to the target and renames it over the
target (``os.replace``), so a failed write never leaves a partial or empty file,
and identical input gives byte-identical output.
"""
from __future__ import annotations

import contextlib
import json
import os
import secrets
from pathlib import Path
from typing import Any, Iterator, Sequence

import networkx as nx

from .model import ArticleResult, ResolvedAttribution


def quote_record(ra: ResolvedAttribution) -> dict[str, Any]:
    """One quote as a JSON-ready dict with a fixed key order.

    Args:
        ra: a resolved attribution.

    Returns:
        ``{"doc_id", "id", "text", "start", "end", "type", "cue", "speaker", "outlet", "rule"}``;
        ``id`` is ``"<doc_id>:<start>-<end>"``, ``cue`` and ``speaker`` are None when absent,
        the speaker's ``mention``/``start``/``end`` are the mention as written (may be a pronoun)
        and ``rule`` joins the attribution's and the resolution's rule ids with ``+``.
    """
    a = ra.attribution
    cue = None
    if a.cue is not None:
        cue = {"text": a.cue.text, "lemma": a.cue.lemma, "start": a.cue.start, "end": a.cue.end}
    speaker = None
    if ra.speaker is not None:
        s, m = ra.speaker, ra.mention
        speaker = {
            "id": s.id, "name": s.name,
            "mention": m.text if m else None, "start": m.start if m else None, "end": m.end if m else None,
            "kind": s.kind.value, "role": s.role, "affiliation": s.affiliation,
            "affiliations": list(s.affiliation_path)}
    return {
        "doc_id": a.doc_id, "id": f"{a.doc_id}:{a.start}-{a.end}", "text": a.text,
        "start": a.start, "end": a.end, "type": a.type.value, "cue": cue, "speaker": speaker,
        "outlet": a.outlet, "rule": "+".join(dict.fromkeys((*a.rule_ids, *ra.rule_ids)))}


def write_quotes(results: Sequence[ArticleResult], path: str | Path) -> int:
    """Write every quote of every article to a JSON Lines file, sorted by (doc_id, start, end).

    Args:
        results: the per-article results.
        path: the file to write (replaced atomically).

    Returns:
        The number of quotes written.
    """
    records = sorted((quote_record(ra) for r in results for ra in r.attributions),
                     key=lambda rec: (rec["doc_id"], rec["start"], rec["end"]))
    with _atomic(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as f:
        for rec in records:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return len(records)


def write_graphml(graph: nx.Graph, path: str | Path) -> None:
    """Write the graph as GraphML with keys named after the attributes (Gephi misreads ``d3``-style ids).

    Args:
        graph: a graph whose attribute values are str/int/float/bool (``graph.build_graph`` makes one).
        path: the file to write (replaced atomically).

    Raises:
        networkx.NetworkXError: an attribute value GraphML cannot hold (the target is left untouched).
    """
    with _atomic(path) as tmp:
        nx.write_graphml(graph, tmp, named_key_ids=True)


def write_json(graph: nx.Graph, path: str | Path) -> None:
    """Write the graph as node-link JSON (``{"nodes": [...], "edges": [...]}``), UTF-8, indented.

    Args:
        graph: the graph.
        path: the file to write (replaced atomically).
    """
    try:
        data = nx.node_link_data(graph, edges="edges")
    except TypeError:  # networkx < 3.4 names the keyword "link"
        data = nx.node_link_data(graph, link="edges")
    text = json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    with _atomic(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


@contextlib.contextmanager
def _atomic(path: str | Path) -> Iterator[str]:
    """A temporary path in the target's folder; renamed over ``path`` if the block succeeds, else removed."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    # created by us with the umask applied, unlike tempfile's 0600
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        yield str(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
