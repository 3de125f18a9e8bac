"""Time of the per-article stages on hostile texts of growing length: each shape must grow linearly.

usage: python benchmarks/adversarial.py [--shapes NAME,...] [--sizes 1000,10000,...] [--stop SECONDS]

Each shape is one short unit repeated up to the size (in characters): the texts that
took quadratic or cubic time before issue 19 ("said " * n took 100 s at 8,000 characters),
and a plain news paragraph for comparison. Each text goes through the built-in annotator
and stages 3-5b (``pipeline.extract``), in this process, once. Prints seconds and
microseconds per character for each size; linear time keeps the µs/char column flat.
A shape stops growing once a size took more than --stop seconds.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from attrib.model import Article  # noqa: E402
from attrib.nlp import BuiltinAnnotator  # noqa: E402
from attrib.pipeline import extract  # noqa: E402
from attrib.ruleset import load_ruleset  # noqa: E402

#: shape name -> the unit repeated (the issue's reproducers, and more of their kind)
SHAPES = {
    "said": "said ",
    "he-said": "he said ",
    "quote-said": "“a,” he said. ",
    "told": "told Reuters ",
    "according": "according to ",
    "periods": ". ",
    "dots": "a. ",
    "open-marks": "“a ",
    "straight-closes": '“a" ',
    "unclosed-lines": "“a\n",
    "news": '"We will appeal the ruling," the minister told reporters on Tuesday. The court, according to '
            "its clerk, will sit again in May. Officials said the talks would go on.\n\n",
    # issue 17's sieves: a description, an appositive, a quote after its speaker is introduced, a quote frame
    "descriptions": "Jane Roe owns the shop. “One!” says the affable proprietor. The party said it was late. ",
    "introductions": "Jane Roe, a spokeswoman for Metro Transit, runs it. “We are full every night.” ",
    "frames": "“It is late,” quipped Jane Roe. ",
    # this session's: countries in longer names, possessors, organisations taken up with "its", titles, lone names
    "countries": "Chile Chile Bank of Chile said it was late. ",
    "possessors": "Roe's agent, Sam Lee, said Lee's office had it. ",
    "things": "Northwind said its profit fell. ",
    "titles": "Prime Minister Jane Roe spoke. The prime minister said it was late. ",
    "lone-names": "Yuni, a resident of the area, said she ran. ",
}
SIZES = (1_000, 10_000, 100_000, 1_000_000)


def time_shape(unit: str, size: int, rules, annotator) -> float:
    """Seconds to annotate and extract one text of ``unit`` repeated up to ``size`` characters."""
    text = (unit * (size // len(unit) + 1))[:size]
    t0 = time.perf_counter()
    extract(annotator.annotate(Article("bench", "bench", text)), rules)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shapes", default=",".join(SHAPES), help="comma-separated shape names")
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)), help="comma-separated sizes in characters")
    ap.add_argument("--stop", type=float, default=60.0, help="stop a shape after a size took this long")
    args = ap.parse_args()
    rules = load_ruleset()
    annotator = BuiltinAnnotator(rules)
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{'shape':<12}" + "".join(f"{s:>22,}" for s in sizes))
    for name in args.shapes.split(","):
        cells = []
        for size in sizes:
            seconds = time_shape(SHAPES[name], size, rules, annotator)
            cells.append(f"{seconds:9.3f}s {seconds / size * 1e6:6.1f}µs/ch")
            if seconds > args.stop:
                break
        print(f"{name:<12}" + "".join(f"{c:>22}" for c in cells), flush=True)


if __name__ == "__main__":
    main()
