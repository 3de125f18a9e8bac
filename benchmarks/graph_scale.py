"""Scale of the corpus stages: synthetic quotes -> claims + stances + graph -> Gephi exports.

Two measurements, each printed with its CPU time (``build``: making the graph;
``total``: making and exporting it; the process's own time on its one core, which is
what the targets are about and what a busy machine does not inflate), its wall time
and the process's peak memory (``resource.getrusage``, max RSS so far):

1. ``--quotes`` synthetic quotes (default 1,000,000): build the ``speakers`` and
   ``affiliations`` views as ``attrib export`` does (``graph.view_of_store``: speakers,
   organisations, stance and co-quoted edges, on a store of the quotes) and export each as
   GraphML and GEXF. Target: under two minutes on one core.
2. ``--full-quotes`` quotes (default 100,000): the full graph (``graph.graph_from_run``:
   claims pooled, stance edges, every node type) built and exported as GraphML and GEXF.
   Target: under one minute.

The quotes are generated records (not text run through NLP): a few thousand speakers
(named people, anonymous sources, groups and organisations) with affiliation paths of
one to three organisations (ministry -> government -> country), about ten quotes an
article, a third of the statements reprinted in other articles (trimmed,
re-punctuated or with a word changed), and one quote in fifty disputing or supporting
another party. Generation is not timed. Run with::

    python benchmarks/graph_scale.py                      # the figures of the README
    python benchmarks/graph_scale.py --quotes 20000 --full-quotes 5000 --repeat 1   # a quick check
"""
from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from attrib.export import write_gexf, write_graph_files, write_graphml  # noqa: E402
from attrib.graph import graph_from_run, view_of_store  # noqa: E402
from attrib.store import Store  # noqa: E402
from attrib.model import (ArticleInfo, Attribution, Cue, QuoteType, ResolvedAttribution, Span, Speaker,  # noqa: E402
                          SpeakerKind, Stance)
from attrib.ruleset import load_ruleset  # noqa: E402

_WORDS = ("border crossing control forces attack repelled town market customs talks ceasefire province city "
          "troops militants government ministry police district airport highway convoy supplies refugees aid "
          "election budget reform court ruling protest strike negotiation agreement sanctions embargo trade "
          "exports prices inflation harvest drought flood bridge dam pipeline power grid hospital school "
          "checkpoint capital offensive retreat casualties civilians prisoners hostages weapons drones").split()
_FILLER = "the a of in on and that has have had will is are was were to by with from at for".split()


def _org_tree(rng: random.Random, n_countries: int) -> list[tuple[str, ...]]:
    """Affiliation paths, nearest first: (ministry, government, country), (government, country), (group,)."""
    paths: list[tuple[str, ...]] = []
    for c in range(n_countries):
        country = f"Country {c}"
        gov = f"Government of Country {c}"
        paths += [(country,), (gov, country)]
        paths += [(f"Ministry {m} of Country {c}", gov, country) for m in range(rng.randint(3, 8))]
        paths += [(f"Movement {c}-{g}",) for g in range(rng.randint(0, 2))]
    return paths


def _speakers(rng: random.Random, n: int, paths: list[tuple[str, ...]]) -> list[Speaker]:
    out = []
    for i in range(n):
        path = rng.choice(paths)
        kind = rng.choices((SpeakerKind.PERSON, SpeakerKind.ANONYMOUS, SpeakerKind.GROUP, SpeakerKind.ORGANIZATION),
                           (70, 15, 10, 5))[0]
        if kind is SpeakerKind.ORGANIZATION:
            out.append(Speaker("org:" + path[0].lower().replace(" ", "-"), path[0], kind, None, path[0], path))
        else:
            prefix = {SpeakerKind.PERSON: "person", SpeakerKind.ANONYMOUS: "anon", SpeakerKind.GROUP: "group"}[kind]
            out.append(Speaker(f"{prefix}:speaker-{i}", f"Speaker {i}", kind, "spokesman", path[0], path))
    return out


def _vocabulary(rng: random.Random, n: int = 20000) -> tuple[list[str], list[float]]:
    """News-like words: the topic words above plus made-up ones, with Zipf weights (cumulative)."""
    syllables = "ka ri to man sel dor ven lu pa as tre bo nim gar fi ho qu ez ul ta".split()
    words = list(dict.fromkeys(_WORDS + ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
                                         for _ in range(n)]))
    total, cum = 0.0, []
    for rank in range(1, len(words) + 1):
        total += 1.0 / rank
        cum.append(total)
    return words, cum


_VOCAB = _vocabulary(random.Random(11))


def _statement(rng: random.Random) -> str:
    n = rng.randint(6, 30)
    content = rng.choices(_VOCAB[0], cum_weights=_VOCAB[1], k=n)
    words = [w if rng.random() < 0.6 else rng.choice(_FILLER) for w in content]
    return "“" + " ".join(words).capitalize() + ".”"


def _variant(rng: random.Random, text: str) -> str:
    """A reprint: the same, re-punctuated, trimmed, or with one word changed."""
    r = rng.random()
    words = text.strip("“”.").split()
    if r < 0.4:
        return text
    if r < 0.6:
        return "\"" + ", ".join(words) + "\""
    if r < 0.8 and len(words) > 6:
        return "“" + " ".join(words[: max(5, len(words) * 3 // 4)]) + "…”"
    words[rng.randrange(len(words))] = rng.choice(_VOCAB[0])
    return "“" + " ".join(words) + "”"


def synthetic_run(n_quotes: int, seed: int = 7) -> tuple[list[ResolvedAttribution], list[ArticleInfo], list[Stance]]:
    """Quotes, articles and stances of a synthetic run of ``n_quotes`` quotes (about ten an article)."""
    rng = random.Random(seed)
    paths = _org_tree(rng, 40)
    speakers = _speakers(rng, max(50, min(5000, n_quotes // 200)), paths)
    outlets = [f"Outlet {i}" for i in range(60)] + [None] * 60
    said: dict[str, list[str]] = {}
    quotes: list[ResolvedAttribution] = []
    articles: list[ArticleInfo] = []
    stances: list[Stance] = []
    n_articles = max(1, n_quotes // 10)
    for d in range(n_articles):
        doc_id = f"doc-{d:07d}"
        count = n_quotes // n_articles + (1 if d < n_quotes % n_articles else 0)
        pos = 100
        cast = rng.sample(speakers, k=min(len(speakers), rng.randint(2, 6)))
        here: list[ResolvedAttribution] = []
        for _ in range(count):
            sp = rng.choice(cast)
            earlier = said.get(sp.id)
            text = _variant(rng, rng.choice(earlier)) if earlier and rng.random() < 0.35 else _statement(rng)
            said.setdefault(sp.id, []).append(text)
            start, end = pos, pos + len(text)
            cue = Cue(end + 2, end + 6, "said", "say", "cue.speech-verbs")
            mention = Span(end + 7, end + 7 + len(sp.name), sp.name)
            a = Attribution(doc_id, start, end, text, QuoteType.DIRECT, cue, mention, rng.choice(outlets),
                            ("quote.curly-double", "cue.speech-verbs"))
            ra = ResolvedAttribution(a, sp, mention, ("speaker.name",))
            if here and rng.random() < 0.02:
                other = rng.choice(here)
                relation = "disputes" if rng.random() < 0.7 else "supports"
                named = other.speaker.affiliation if rng.random() < 0.5 else None
                stances.append(Stance(doc_id, start, end, relation, named, Span(start + 1, start + 6, text[1:6]),
                                      start, end + 30, "stance.rejecting-words",
                                      None if named else other.attribution.start,
                                      None if named else other.attribution.end))
            here.append(ra)
            quotes.append(ra)
            pos = end + 60
        articles.append(ArticleInfo(doc_id, doc_id + ".txt", f"Article {d}", pos, count, "builtin",
                                    (("outlet", f"Outlet {d % 60}"),)))
    return quotes, articles, stances


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _views(n: int, out: Path) -> tuple[float, float, float, int, int]:
    """Both views of the quotes' graph, as ``attrib export --view`` makes them (``graph.view_of_store``)."""
    quotes, articles, stances = synthetic_run(n)
    rules = load_ruleset()
    t0, c0 = time.perf_counter(), time.process_time()
    t_build, nodes, edges = 0.0, 0, 0
    t = time.process_time()
    store = Store.from_records(quotes, articles, stances, out / "store.sqlite")  # as attrib export does
    t_build += time.process_time() - t
    for view in ("speakers", "affiliations"):
        t = time.process_time()
        g = view_of_store(store, rules, view)
        t_build += time.process_time() - t
        nodes, edges = nodes + g.number_of_nodes(), edges + g.number_of_edges()
        write_graphml(g, out / f"graph.{view}.graphml")
        write_gexf(g, out / f"graph.{view}.gexf")
    store.close()  # and its file
    return t_build, time.process_time() - c0, time.perf_counter() - t0, nodes, edges


def _full(n: int, out: Path) -> tuple[float, float, float, int, int]:
    quotes, articles, stances = synthetic_run(n)
    rules = load_ruleset()
    t0, c0 = time.perf_counter(), time.process_time()
    g = graph_from_run(quotes, articles, stances, rules)
    t_build = time.process_time() - c0
    write_graph_files(g, ["graphml", "gexf"], out, "full")
    return t_build, time.process_time() - c0, time.perf_counter() - t0, g.number_of_nodes(), g.number_of_edges()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quotes", type=int, default=1_000_000, help="quotes for the views measurement")
    ap.add_argument("--full-quotes", type=int, default=100_000, help="quotes for the full-graph measurement")
    ap.add_argument("--repeat", type=int, default=1, help="passes of each measurement (the median is reported)")
    ap.add_argument("--out", type=Path, default=None, help="folder for the exports (default: a temporary one)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        for name, n, fn, target in (("full graph -> graphml+gexf", args.full_quotes, _full, 60.0),
                                    ("speakers+affiliations views -> graphml+gexf", args.quotes, _views, 120.0)):
            runs = [fn(n, out) for _ in range(args.repeat)]
            build = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            wall = statistics.median(r[2] for r in runs)
            nodes, edges = runs[0][3], runs[0][4]
            verdict = "ok" if cpu < target else "SLOW"
            print(f"{name}: quotes={n:,} nodes={nodes:,} edges={edges:,} build={build:.1f} s "
                  f"total={cpu:.1f} s (target {target:.0f} s: {verdict}) wall={wall:.1f} s "
                  f"peak_rss={_peak_mb():,.0f} MiB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
