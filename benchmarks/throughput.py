"""Throughput of stages 2-5 on a corpus (what `attrib run` reads, e.g. JSON Lines of {"id"|"doc_id", "text"}).

usage: python benchmarks/throughput.py CORPUS.jsonl [--nlp builtin|stanza] [--models-dir DIR] [--repeat N]
                                     [--rules DIR]

The corpus is read as ``attrib run`` reads it (``documents.iter_documents``: files,
folders, JSON Lines with "id" or "doc_id"); unusable articles are left out.
Prints the median of N timed passes (these machines are noisy), after one warm-up pass.
--rules DIR uses only that rules folder instead of the shipped rules (e.g. a frozen copy,
so that figures taken before and after a change see the same rules).
"""
from __future__ import annotations

import argparse
import statistics
import time

from attrib.documents import iter_documents, plan_inputs
from attrib.model import Article
from attrib.nlp import load_annotator
from attrib.pipeline import process_articles
from attrib.ruleset import load_ruleset


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus")
    ap.add_argument("--nlp", default="builtin", choices=("builtin", "stanza"))
    ap.add_argument("--models-dir")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rules", metavar="DIR", help="use only this rules folder (default: the shipped rules)")
    args = ap.parse_args()
    articles = [a for a in iter_documents(plan_inputs([args.corpus])) if isinstance(a, Article)]
    rules = load_ruleset([args.rules], defaults=False) if args.rules else load_ruleset()
    annotator, note = load_annotator(args.nlp, rules, args.models_dir)
    chars = sum(len(a.text) for a in articles)
    process_articles(articles[:5], rules, annotator)  # warm-up: model load, caches
    times = []
    quotes = 0
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        results, _ = process_articles(articles, rules, annotator)
        times.append(time.perf_counter() - t0)
        quotes = sum(len(r.attributions) for r in results)
    med = statistics.median(times)
    print(f"{note}")
    print(f"articles={len(articles)} chars={chars} quotes={quotes} runs={args.repeat} "
          f"median={med:.2f}s min={min(times):.2f}s max={max(times):.2f}s")
    print(f"throughput: {len(articles) / med:.1f} articles/s, {chars / med:,.0f} chars/s")


if __name__ == "__main__":
    main()
