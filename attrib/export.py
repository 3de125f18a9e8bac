"""Stage 8, export: the graph -> GraphML, GEXF, CSV (Gephi), graphology JSON (Gephi Lite, sigma.js) and node-link JSON
files; a run's GraphML from its store.

Every writer writes a temporary file next to the target and renames it over the
target (``os.replace``), so a failed write never leaves a partial or empty file,
and identical input gives byte-identical output.
"""
from __future__ import annotations

import csv
import hashlib
import json
import math
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from .palette import NO_COLOUR, OTHER_COLOUR, affiliation_colours, rgb
from .rundir import atomic_path

if TYPE_CHECKING:
    import networkx as nx  # imported where a networkx graph is written: a run's GraphML needs no networkx

    from .graph import GraphRecords
    from .ruleset import RuleSet
    from .store import Store


def write_graphml(graph: nx.Graph | GraphRecords, path: str | Path) -> None:
    """Write the graph as GraphML with keys named after the attributes (Gephi misreads ``d3``-style ids).

    The file is what ``nx.write_graphml(graph, path, named_key_ids=True)`` writes, streamed
    by attrib itself (``write_graphml_records``): networkx builds the whole XML tree in
    memory first, which takes minutes and gigabytes for a graph of a million quotes.

    Args:
        graph: a graph whose attribute values are str/int/float/bool (``graph.graph_from_run`` makes one).
        path: the file to write (replaced atomically).

    Raises:
        TypeError: an attribute value GraphML cannot hold (the target is left untouched).
    """
    write_graphml_records(graph.nodes(data=True), graph.edges(data=True), path, graph.is_directed())


def write_graphml_records(nodes: Iterable[tuple[Any, dict[str, Any]]],
                          edges: Iterable[tuple[Any, Any, dict[str, Any]]], path: str | Path,
                          directed: bool = True) -> None:
    """Write GraphML from node records ``(id, attrs)`` and then edge records ``(u, v, attrs)``, each read once.

    Nothing is held but the attribute keys: the elements go to temporary files beside the
    target as the records go by, and the key declarations, which GraphML wants first (in
    the order the keys were first seen, nodes then edges), are written before them once
    every record is read. This is how a graph from the on-disk store is written without
    ever holding its nodes or edges (``write_store_graph``).

    Args:
        nodes: the nodes in output order; attribute values str/int/float/bool.
        edges: the edges in output order.
        path: the file to write (replaced atomically).
        directed: the graph's ``edgedefault``.

    Raises:
        TypeError: an attribute value GraphML cannot hold (the target is left untouched).
    """
    node_keys: dict[str, type] = {}
    edge_keys: dict[str, type] = {}
    with atomic_path(path) as tmp:
        parts = [Path(tmp + ".nodes"), Path(tmp + ".edges")]
        try:
            _write_part(parts[0], "node", nodes, node_keys)
            _write_part(parts[1], "edge", edges, edge_keys, node_keys)
            with open(tmp, "wb") as f:
                head = ["<?xml version='1.0' encoding='utf-8'?>\n"
                        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
                        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
                        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n']
                for domain, keys in (("node", node_keys), ("edge", edge_keys)):
                    for k, t in keys.items():
                        head.append(f'  <key id={_q(_key_id(domain, k, node_keys))} for="{domain}" '
                                    f'attr.name={_q(k)} attr.type="{_XML_TYPES[t]}" />\n')
                head.append(f'  <graph edgedefault="{"directed" if directed else "undirected"}">\n')
                f.write("".join(head).encode("utf-8"))
                for part in parts:
                    with open(part, "rb") as body:
                        shutil.copyfileobj(body, f, 1 << 20)
                f.write(b"  </graph>\n</graphml>\n")
        finally:
            for part in parts:
                part.unlink(missing_ok=True)


def write_store_graph(store: Store, rules: RuleSet, path: str | Path) -> None:
    """Write a run's full graph as GraphML from its store, holding no quote, claim, article or speaker list.

    Python holds the organisations and outlets, one pooling speaker's records (or one claim's
    articles, or one edge's doc ids) at a time, and bounded buffers.

    Args:
        store: the run's store (``attrib.store.Store``): ``quote`` lines with their final speakers,
            ``article`` and ``stance`` lines. It gains ``claims_*`` and ``graph_*`` tables
            (replaced on each call).
        rules: the rules.
        path: the GraphML file to write (replaced atomically).
    """
    from .graph import built_graph

    write_graphml_records(*built_graph(store, rules), path)


def _key_id(domain: str, k: str, node_keys: dict[str, type]) -> str:
    """A key's id: its name, or ``edge_<name>`` for an edge key that is also a node key."""
    return "edge_" + k if domain == "edge" and k in node_keys else k


def _write_part(path: Path, domain: str, records: Iterable[tuple], keys: dict[str, type],
                node_keys: dict[str, type] | None = None) -> None:
    """The GraphML ``<node>`` (or ``<edge>``) elements of the records, to a file, with the keys (and their types)
    recorded in ``keys`` as they are met; an edge key that is in ``node_keys`` gets its edge id."""
    node_keys = keys if domain == "node" else (node_keys or {})
    # the hot loop of a large export: the keys' opening tags (and their types' check) made once per
    # record shape (its keys and value types: a graph has few), a string escaped only when it holds
    # a character to escape; written out every 4,096 pieces or million characters of text (a few
    # edges list tens of thousands of doc ids)
    out: list[str] = []
    size = 0
    last, quoted = None, ""  # edges come sorted by source: its id is quoted once
    shapes: dict[tuple, tuple[str, ...]] = {}  # (keys, value types) -> the keys' opening tags
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for rec in records:
            d = rec[-1]
            if domain == "node":
                out.append(f"    <node id={_q(str(rec[0]))}>")
            else:
                if rec[0] != last:
                    last, quoted = rec[0], _q(str(rec[0]))
                out.append(f"    <edge source={quoted} target={_q(str(rec[1]))}>")
            shape = (*d, *map(type, d.values()))
            tags = shapes.get(shape)
            if tags is None:
                tags = shapes[shape] = tuple(f"<data key={_q(_key_id(domain, _checked(keys, k, v), node_keys))}>"
                                             for k, v in d.items())
            for tag, (k, v) in zip(tags, d.items()):
                t = type(v)
                if t is str:
                    if len(v) > LIST_CAP and k in LIST_KEYS:
                        v = capped(v)
                    size += len(v)
                    if _TEXT_SPECIAL.search(v):
                        v = _escape_text(v)
                elif t is float:
                    v = repr(v)
                elif t is bool:
                    v = "true" if v else "false"
                else:
                    v = str(v)
                out.append(tag + v + "</data>")
            out.append(f"</{domain}>\n")
            if len(out) > 4096 or size > 1 << 20:
                f.write("".join(out))
                out.clear()
                size = 0
        f.write("".join(out))


def _checked(keys: dict[str, type], k: str, v: Any) -> str:
    """The key, once its value's type is checked against (and recorded as) the key's one type (``_key_type``)."""
    _key_type(keys, k, v)
    return k


def _key_type(keys: dict[str, type], k: str, v: Any) -> type:
    """The value's type, checked against (and recorded as) the key's one type: what ``_keys`` does, one value at a time."""
    t = type(v)
    seen = keys.get(k)
    if seen is t:
        return t
    if t not in _XML_TYPES:
        raise TypeError(f"attribute {k!r} has a {t.__name__} value ({v!r}); only str, int, float and bool "
                        f"can be written")
    if seen is not None:
        raise TypeError(f"attribute {k!r} is both {seen.__name__} and {t.__name__}; give it one type")
    keys[k] = t
    return t


#: the attribute types GraphML and GEXF declare, by Python type (both name them alike)
_XML_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}


def _keys(records: Iterable[dict[str, Any]]) -> dict[str, type]:
    """Attribute name -> its one type, in the order first seen; anything but str/int/float/bool raises TypeError."""
    keys: dict[str, type] = {}
    for d in records:
        for k, v in d.items():
            t = type(v)
            if t not in _XML_TYPES:
                raise TypeError(f"attribute {k!r} has a {t.__name__} value ({v!r}); only str, int, float and bool "
                                f"can be written")
            seen = keys.setdefault(k, t)
            if seen is not t:
                raise TypeError(f"attribute {k!r} is both {seen.__name__} and {t.__name__}; give it one type")
    return keys


def _q(value: str) -> str:
    """A quoted XML attribute value (newlines and tabs kept as character references)."""
    if _ATTR_SPECIAL.search(value):
        value = _escape_text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")
    return '"' + value + '"'


def _escape_text(value: str) -> str:
    """``xml.sax.saxutils.escape(value, {"\\r": "&#13;"})`` in one expression (it runs for every string of a
    GraphML file)."""
    return value.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("\r", "&#13;")


# the characters a text or an attribute value escapes: a string without any is written as it is
_TEXT_SPECIAL = re.compile("[&<>\r]")
_ATTR_SPECIAL = re.compile('[&<>"\n\r\t]')


def write_json(graph: nx.Graph, path: str | Path) -> None:
    """Write the graph as node-link JSON (``{"nodes": [...], "edges": [...]}``), UTF-8, indented; listing attributes
    ``capped``.

    Args:
        graph: the graph.
        path: the file to write (replaced atomically).
    """
    import networkx as nx

    try:
        data = nx.node_link_data(graph, edges="edges")
    except TypeError:  # networkx < 3.4 names the keyword "link"
        data = nx.node_link_data(graph, link="edges")
    data["graph"] = {k: v for k, v in data["graph"].items() if k != "top_affiliations"}  # the colours' order
    for item in (*data["nodes"], *data["edges"]):
        for k, v in item.items():
            if type(v) is str and len(v) > LIST_CAP and k in LIST_KEYS:
                item[k] = capped(v)
    text = json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def write_gexf(graph: nx.DiGraph, path: str | Path) -> None:
    """Write the graph as GEXF 1.2 with Gephi's ``viz`` colours, sizes and positions, dynamic when articles have dates.

    Colours: ``node_colours``. Sizes grow with the square root of ``quotes`` (speakers),
    ``reports`` (claims) or ``quotes`` summed (organisations). Positions put each top-level
    affiliation's nodes round its own point of a circle (z is 0), so the graph looks sorted on
    first open (``node_positions``). When articles carry a date, the graph is ``dynamic``: each
    node and edge has a ``start`` (``first_seen``: the date of the first article it comes from)
    and the same date in the attribute ``first_seen``, so Gephi's timeline plays how claims
    spread. The file carries no date of its own, so the same graph always gives the same bytes.

    Args:
        graph: a graph whose attribute values are str/int/float/bool.
        path: the file to write (replaced atomically).
    """
    nodes = graph.nodes(data=True)
    colours = node_colours(graph)
    positions = node_positions(graph)
    node_start, edge_start = first_seen(graph)
    dynamic = bool(node_start)
    node_keys = _keys({k: v for k, v in d.items() if k != "label"} for _, d in nodes)
    edge_keys = _keys({k: v for k, v in d.items() if k != "weight"} for _, _, d in graph.edges(data=True))
    if dynamic:
        node_keys["first_seen"] = edge_keys["first_seen"] = str
    node_ids = {k: str(i) for i, k in enumerate(node_keys)}
    edge_ids = {k: str(i) for i, k in enumerate(edge_keys)}
    mode = 'mode="dynamic" timeformat="date"' if dynamic else 'mode="static"'
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write("<?xml version='1.0' encoding='utf-8'?>\n"
                '<gexf xmlns="http://www.gexf.net/1.2draft" xmlns:viz="http://www.gexf.net/1.2draft/viz" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.gexf.net/1.2draft '
                'http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">\n'
                "  <meta>\n    <creator>attrib</creator>\n  </meta>\n"
                f'  <graph defaultedgetype="{"directed" if graph.is_directed() else "undirected"}" {mode}>\n')
        for cls, keys, ids in (("node", node_keys, node_ids), ("edge", edge_keys, edge_ids)):
            f.write(f'    <attributes class="{cls}" mode="static">\n')
            for k, t in keys.items():
                f.write(f'      <attribute id="{ids[k]}" title={_q(k)} type="{_XML_TYPES[t]}" />\n')
            f.write("    </attributes>\n")
        f.write("    <nodes>\n")
        out: list[str] = []
        for n, d in nodes:
            r, gr, b = rgb(colours[n])
            x, y = positions[n]
            start = node_start.get(n)
            if start:
                d = {**d, "first_seen": start}
            at = f' start="{start}"' if start else ""
            out.append(f"      <node id={_q(str(n))} label={_q(str(d.get('label', n)))}{at}>\n        <attvalues>")
            out.extend(f"<attvalue for=\"{node_ids[k]}\" value={_q(_text_plain(capped_value(k, v)))} />"
                       for k, v in d.items() if k != "label")
            out.append(f'</attvalues>\n        <viz:color r="{r}" g="{gr}" b="{b}" a="1.0" />'
                       f'<viz:size value="{node_size(d)!r}" />'
                       f'<viz:position x="{x!r}" y="{y!r}" z="0.0" />\n      </node>\n')
            if len(out) > 4096:
                f.write("".join(out))
                out.clear()
        f.write("".join(out))
        f.write("    </nodes>\n    <edges>\n")
        out.clear()
        for i, (u, v, d) in enumerate(graph.edges(data=True)):
            weight = float(d.get("weight", 1.0))
            label = f" label={_q(str(d['relation']))}" if "relation" in d else ""
            start = edge_start[i]
            if start:
                d = {**d, "first_seen": start}
            at = f' start="{start}"' if start else ""
            out.append(f'      <edge source={_q(str(u))} target={_q(str(v))} id="{i}" weight="{weight!r}"{label}{at}>'
                       "<attvalues>")
            out.extend(f"<attvalue for=\"{edge_ids[k]}\" value={_q(_text_plain(capped_value(k, x)))} />"
                       for k, x in d.items() if k != "weight")
            out.append("</attvalues></edge>\n")
            if len(out) > 4096:
                f.write("".join(out))
                out.clear()
        f.write("".join(out))
        f.write("    </edges>\n  </graph>\n</gexf>\n")


def write_graphology(graph: nx.DiGraph, path: str | Path) -> None:
    """Write the graph in graphology's own serialisation, which Gephi Lite and sigma.js load (``Graph.from``).

    ``{"attributes": {}, "options": {"type", "multi", "allowSelfLoops"}, "nodes": [{"key", "attributes"}],
    "edges": [{"key", "source", "target", "attributes"}]}``, one node or edge a line. Nodes carry
    what sigma.js draws, as the GEXF file has it: ``x``, ``y``, ``size``, ``color`` (``#RRGGBB``,
    ``node_colours``) and ``label``; and ``first_seen`` where articles have dates (``first_seen``).

    Args:
        graph: the graph.
        path: the file to write (replaced atomically).
    """
    colours = node_colours(graph)
    positions = node_positions(graph)
    node_start, edge_start = first_seen(graph)
    options = {"type": "directed" if graph.is_directed() else "undirected", "multi": False, "allowSelfLoops": True}
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(f'{{"attributes": {{}}, "options": {json.dumps(options)},\n "nodes": [')
        sep = "\n  "
        for n, d in graph.nodes(data=True):
            attrs = {k: capped_value(k, v) for k, v in d.items()}
            x, y = positions[n]
            attrs.update({"x": x, "y": y, "size": node_size(d), "color": colours[n]})
            if n in node_start:
                attrs["first_seen"] = node_start[n]
            f.write(sep + json.dumps({"key": str(n), "attributes": attrs}, ensure_ascii=False, allow_nan=False))
            sep = ",\n  "
        f.write("],\n \"edges\": [")
        sep = "\n  "
        for i, (u, v, d) in enumerate(graph.edges(data=True)):
            attrs = {k: capped_value(k, x) for k, x in d.items()}
            if edge_start[i]:
                attrs["first_seen"] = edge_start[i]
            f.write(sep + json.dumps({"key": str(i), "source": str(u), "target": str(v), "attributes": attrs},
                                     ensure_ascii=False, allow_nan=False))
            sep = ",\n  "
        f.write("]}\n")


#: attributes that list values ("; "-joined) and grow with the corpus: capped in the exports (``capped``)
LIST_KEYS = frozenset({"doc_ids", "rule_ids", "evidence", "sentences", "claims", "answers", "outlets"})
#: the most characters a listing attribute holds in an export (the run's JSON Lines files keep every item)
LIST_CAP = 2000


def capped(value: str, cap: int = LIST_CAP) -> str:
    """A "; "-joined list cut to its first items and a count, within ``cap`` characters: ``"a; b; … (5,000 in all)"``.

    Spreadsheets and Python's csv reader refuse a field of over 131,072 characters, and Gephi's
    data laboratory slows down on long cells; the full lists are in the run's JSON Lines files.
    """
    if len(value) <= cap:
        return value
    items = value.split("; ")
    tail = f"… ({len(items):,} in all)"
    kept: list[str] = []
    size = len(tail)
    for item in items:
        size += len(item) + 2
        if size > cap:
            break
        kept.append(item)
    return "; ".join([*kept, tail])


def capped_value(key: str, value: Any) -> Any:
    """``capped`` for a listing attribute's long text (``LIST_KEYS``); any other value as it is."""
    if type(value) is str and len(value) > LIST_CAP and key in LIST_KEYS:
        return capped(value)
    return value


def node_colours(graph: nx.DiGraph) -> dict[Any, str]:
    """Each node's colour (``#RRGGBB``) by its top affiliation, from ``palette``.

    The most quoted top affiliations get the palette's eight colours in order (``graph.affiliation_ranking``:
    a view carries the full graph's ranking in ``graph.graph["top_affiliations"]``, so every view and
    format of a run colours an affiliation alike); other affiliations ``OTHER_COLOUR``; nodes
    without one ``NO_COLOUR``.
    """
    from .graph import affiliation_ranking

    ranking = graph.graph.get("top_affiliations")
    colours = affiliation_colours(affiliation_ranking(graph) if ranking is None else ranking)
    out = {}
    for n, d in graph.nodes(data=True):
        top = d.get("top_affiliation")
        out[n] = colours.get(top, OTHER_COLOUR) if top else NO_COLOUR
    return out


def node_positions(graph: nx.DiGraph) -> dict[Any, tuple[float, float]]:
    """Each node's (x, y): round its top affiliation's point of a circle, at a place hashed from its id."""
    nodes = graph.nodes(data=True)
    groups = sorted({str(d.get("top_affiliation", "")) for _, d in nodes})
    centres = _centres(groups)
    sizes = Counter(str(d.get("top_affiliation", "")) for _, d in nodes)
    out = {}
    for n, d in nodes:
        group = str(d.get("top_affiliation", ""))
        cx, cy = centres[group]
        h = hashlib.sha1(str(n).encode("utf-8")).digest()
        angle = int.from_bytes(h[:4], "big") / 2**32 * 2 * math.pi
        radius = math.sqrt(int.from_bytes(h[4:8], "big") / 2**32) * 40.0 * math.sqrt(sizes[group])
        out[n] = (round(cx + radius * math.cos(angle), 3), round(cy + radius * math.sin(angle), 3))
    return out


def first_seen(graph: nx.DiGraph) -> tuple[dict[Any, str], list[str | None]]:
    """When each node and edge first appears: (node -> date, each edge's date in ``edges()`` order); none when
    no article node has a ``date``.

    An edge's date is the earliest of its articles' (``doc_ids``); a node's, the earliest of its own
    (an article's) and its edges'; a node or edge with no dated article has none.
    """
    dates = {d["doc_id"]: d["date"] for _, d in graph.nodes(data=True) if "date" in d and "doc_id" in d}
    if not dates:
        return {}, [None] * graph.number_of_edges()
    node_start: dict[Any, str] = {n: d["date"] for n, d in graph.nodes(data=True) if "date" in d}
    edge_start: list[str | None] = []
    for u, v, d in graph.edges(data=True):
        found = [dates[doc] for doc in d.get("doc_ids", "").split("; ") if doc in dates]
        start = min(found) if found else None
        edge_start.append(start)
        if start:
            for n in (u, v):
                if n not in node_start or start < node_start[n]:
                    node_start[n] = start
    return node_start, edge_start


def _text_plain(value: Any) -> str:
    """A value as GEXF writes it (unescaped: ``_q`` escapes)."""
    if value is True or value is False:
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def node_size(attrs: dict[str, Any]) -> float:
    """Gephi's node size: 5 plus 5 times the square root of the node's quotes (or a claim's reports)."""
    count = attrs.get("quotes") if attrs.get("category") != "claim" else attrs.get("reports")
    return round(5.0 + 5.0 * math.sqrt(max(int(count or 0), 0)), 3)


def _centres(groups: list[str]) -> dict[str, tuple[float, float]]:
    """A point on a circle for each group (the group without an affiliation in the middle)."""
    named = [g for g in groups if g]
    radius = 100.0 * math.sqrt(len(named) + 1) * 4
    out = {"": (0.0, 0.0)}
    for i, g in enumerate(named):
        a = 2 * math.pi * i / max(len(named), 1)
        out[g] = (round(radius * math.cos(a), 3), round(radius * math.sin(a), 3))
    return out


#: the first columns of nodes.csv and edges.csv, as Gephi's data laboratory names them
NODE_COLUMNS = ("Id", "Label")
EDGE_COLUMNS = ("Source", "Target", "Type", "Weight", "Label")


def write_csv(graph: nx.DiGraph, nodes_path: str | Path, edges_path: str | Path) -> None:
    """Write the graph as the two CSV files Gephi's data laboratory imports.

    ``nodes.csv``: ``Id``, ``Label``, then every other node attribute in sorted order.
    ``edges.csv``: ``Source``, ``Target``, ``Type`` (``Directed``), ``Weight``, ``Label`` (the
    relation), then every other edge attribute in sorted order. A missing value is an empty cell.

    Args:
        graph: the graph.
        nodes_path: where nodes.csv goes (replaced atomically).
        edges_path: where edges.csv goes (replaced atomically).
    """
    node_keys = sorted({k for _, d in graph.nodes(data=True) for k in d} - {"label"})
    edge_keys = sorted({k for _, _, d in graph.edges(data=True) for k in d} - {"weight"})
    with atomic_path(nodes_path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([*NODE_COLUMNS, *node_keys])
        for n, d in graph.nodes(data=True):
            w.writerow([n, d.get("label", n), *(_cell(capped_value(k, d.get(k))) for k in node_keys)])
    with atomic_path(edges_path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([*EDGE_COLUMNS, *edge_keys])
        for u, v, d in graph.edges(data=True):
            w.writerow([u, v, "Directed", _cell(d.get("weight", 1.0)), d.get("relation", ""),
                        *(_cell(capped_value(k, d.get(k))) for k in edge_keys)])


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


#: export formats and the files each writes into the output folder
FORMATS = {"graphml": ("graph.graphml",), "gexf": ("graph.gexf",), "json": ("graph.json",),
           "graphology": ("graph.graphology.json",), "csv": ("nodes.csv", "edges.csv")}


def write_graph_files(graph: nx.DiGraph | GraphRecords, formats: Sequence[str], out_dir: str | Path, view: str = "full"
                      ) -> list[Path]:
    """Write one view of the graph in each format into ``out_dir`` (created if missing).

    Args:
        graph: the full graph (``graph.graph_from_run``, or its ``GraphRecords``).
        formats: any of ``graphml``, ``gexf``, ``csv``, ``json``, ``graphology``.
        out_dir: the output folder.
        view: ``full``, ``speakers`` or ``affiliations`` (``graph.VIEWS``).

    Returns:
        The files written, in the order of ``formats`` (csv gives nodes.csv then edges.csv).
        For a view other than ``full`` the names carry it: ``graph.speakers.graphml``,
        ``nodes.speakers.csv``.
    """
    from .graph import GraphRecords, graph_view

    if isinstance(graph, GraphRecords) and (view != "full" or set(formats) - {"graphml"}):
        graph = graph.to_networkx()  # GraphML is written from the records; the rest wants networkx
    g = graph_view(graph, view)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for fmt in formats:
        paths = [out_dir / _view_name(name, view) for name in FORMATS[fmt]]
        if fmt == "graphml":
            write_graphml(g, paths[0])
        elif fmt == "json":
            write_json(g, paths[0])
        elif fmt == "gexf":
            write_gexf(g, paths[0])
        elif fmt == "graphology":
            write_graphology(g, paths[0])
        else:
            write_csv(g, paths[0], paths[1])
        written += paths
    return written


def _view_name(name: str, view: str) -> str:
    if view == "full":
        return name
    stem, ext = name.split(".", 1)
    return f"{stem}.{view}.{ext}"

