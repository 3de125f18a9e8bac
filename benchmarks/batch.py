"""End-to-end throughput and memory of `attrib run` at corpus scale: articles/s, chars/s, peak RSS/PSS, per NLP and --jobs.

usage: python benchmarks/batch.py [--corpus FILE.jsonl] [--sizes 2000,20000] [--jobs 1,2] [--repeat N]
                                  [--nlp builtin,stanza] [--stanza-sizes 200] [--models-dir DIR] [--cache]

Without --corpus, a corpus is generated from the seed articles: each article is a
seed with its own headline line and its paragraphs rotated, so no two texts are
equal (the cache and the identity stage see distinct articles). Each run is a real
``python -m attrib run CORPUS -o TMP --quiet --no-cache`` in a subprocess; CPU is the
run's user+system time (all processes), and ``chars/s/core`` = characters / CPU
seconds, which is the per-core rate on a busy machine too. Peak RSS is the largest
sum of RSS over the run's process tree (sampled every 0.1 s), peak PSS the same for
PSS (shared pages divided among the processes sharing them: the workers are forked, so
an RSS sum counts the pages they share with the main process again for each). Memory is sampled in a run of its own after the timed
ones, one per corpus size and job count: sampling takes about 3 ms of CPU a time
(listing the tree, reading each process's ``smaps_rollup``), which a one-job run's
idle core absorbs but which made a two-job run 3% slower on two busy cores.

``--repeat N`` runs each corpus size N times, the job counts alternating, and
prints medians (these machines are noisy), and the speed-up of each pass's pair of
runs (made one right after the other) beside the ratio of the median walls. Each
pass also shows the share of the machine's CPU time the hypervisor stole while it ran
(``steal`` in /proc/stat): on a shared virtual machine, a run with much stolen time
ran slower for reasons of its neighbours. With more than one job count, each pass
also times the machine's own ceiling: the speed-up two processes of pure Python
arithmetic get over one, right after the pass's runs. A virtual machine's two cores may
be two threads of one physical core, or shared with neighbours: attrib's ratio is to
be read against what the machine gave in the same spell.

With stanza, ``--stanza-sizes`` sets smaller corpora (stanza runs at tens of
thousands of chars/s), and the script also times stanza by itself on the same
texts, in a process of its own as ``attrib run`` is (Python start, import, model
load, then the installed processors in one bulk call per batch of 32), to give
attrib's overhead on top of stanza. stanza by itself is timed twice a pass: as a
user runs it, and with attrib's garbage-collector setting (``batch.few_collections``,
which speeds stanza's own part too), so that the second overhead is attrib's own
added work. ``--cache`` times a first stanza run into an
empty cache, then a re-run with changed rules, and prints the speed-up.

Before timing, the script compiles attrib's modules to bytecode (``__pycache__``, which
git ignores), as ``pip install`` does for an installed package: in an editable install
with ``PYTHONDONTWRITEBYTECODE`` set (as on these machines) every run would otherwise
compile them again, about 0.14 s of each run's start that users do not pay.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_corpus(path: Path, n: int) -> tuple[int, int]:
    """Write n articles made from the seeds as JSON Lines; (articles, characters)."""
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    paras = [[x for x in s.split("\n\n") if x.strip()] for s in seeds]
    chars = 0
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            ps = paras[i % len(paras)]
            k = (i // len(paras)) % len(ps)
            body = "\n\n".join(ps[:1] + ps[1 + k:] + ps[1:1 + k])  # the headline stays first
            text = f"Dispatch {i}\n\n{body}\n"
            chars += len(text)
            f.write(json.dumps({"id": f"doc{i:06d}", "outlet": "Seed Wire", "text": text}) + "\n")
    return n, chars


def corpus_stats(path: Path) -> tuple[int, int]:
    n = chars = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                n += 1
                chars += len(json.loads(line).get("text", ""))
    return n, chars


def _tree_memory(pid: int) -> tuple[int, int]:
    """The sums of RSS and of PSS over the process and its children (bytes; PSS is 0 where the system has none).

    The workers are forked: they share pages with the main process, which a sum of RSS counts once per process and a sum of PSS (each shared
    page divided among its sharers) counts once.
    """
    import psutil

    try:
        p = psutil.Process(pid)
        procs = [p] + p.children(recursive=True)
    except psutil.NoSuchProcess:
        return 0, 0
    rss = pss = 0
    for q in procs:
        try:
            info = q.memory_full_info()
            rss += info.rss
            pss += getattr(info, "pss", 0)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return rss, pss


def _cpu_ticks() -> tuple[int, int]:
    """The machine's CPU time so far in clock ticks, as (all, stolen): the first line of /proc/stat; (0, 0) elsewhere.

    "Stolen" is time the hypervisor gave to other guests while this machine's CPUs wanted to run.
    """
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    # user nice system idle iowait irq softirq steal [guest guest_nice: counted in user and nice already]
    return sum(fields[:8]), fields[7] if len(fields) > 7 else 0


def run_attrib(args: list[str], sample_memory: bool = False) -> dict:
    """One `attrib run` in a subprocess: wall seconds, CPU seconds of the tree, the share of the machine's CPU
    time stolen by the hypervisor meanwhile, summary; with ``sample_memory``, also the peak tree RSS and PSS
    (bytes; else None)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    ticks = _cpu_ticks()
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "attrib", "run", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    peak = peak_pss = None
    if sample_memory:
        peak = peak_pss = 0
        try:
            import psutil  # noqa: F401 - installed with dask's distributed

            while proc.poll() is None:
                rss, pss = _tree_memory(proc.pid)
                peak, peak_pss = max(peak, rss), max(peak_pss, pss)
                time.sleep(0.1)
        except ImportError:
            pass
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"attrib run failed ({proc.returncode}):\n{err}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if sample_memory and not peak:  # no psutil: the largest process's peak
        peak = after.ru_maxrss * 1024
    total, stolen = (b - a for a, b in zip(ticks, _cpu_ticks()))
    return {"wall": wall, "cpu": cpu, "rss": peak, "pss": peak_pss, "steal": stolen / total if total else 0.0,
            "stdout": out}


def _spin(n: int) -> float:
    """Pure Python arithmetic (no memory traffic, no I/O); its wall seconds."""
    t = time.perf_counter()
    s = 0
    for i in range(n):
        s += i & 7
    return time.perf_counter() - t


def machine_ceiling(jobs: int, n: int = 15_000_000) -> float:
    """The speed-up ``jobs`` forked processes each doing ``_spin(n)`` get over one process doing it (timed before
    and after them, and averaged: a single timing is at the mercy of a noisy spell)."""
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        before = _spin(n)
        t = time.perf_counter()
        pool.map(_spin, [n] * jobs, chunksize=1)
        many = time.perf_counter() - t
        after = _spin(n)
    return jobs * (before + after) / 2 / many


_STANZA_ALONE = """
import json, sys, time
t0 = time.perf_counter()
if sys.argv[3] == "few-collections":  # the garbage collector's setting of attrib's batch runs
    import gc
    from attrib.batch import BATCH_GC_THRESHOLD
    gc.set_threshold(BATCH_GC_THRESHOLD, *gc.get_threshold()[1:])
import stanza
from attrib.nlp import installed_processors, models_dir
where = models_dir(sys.argv[2] or None)
nlp = stanza.Pipeline("en", dir=str(where), processors=",".join(installed_processors(where)),
                      download_method=None, logging_level="WARN")
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
t1 = time.perf_counter()
for i in range(0, len(texts), 32):
    nlp([stanza.Document([], text=t) for t in texts[i:i + 32]])
print(json.dumps({"load": t1 - t0, "process": time.perf_counter() - t1}))
"""


def stanza_alone(corpus: Path, models_dir: str | None, few_collections: bool = False) -> dict:
    """stanza by itself on the corpus texts, as a process of its own like ``attrib run``: import and model load,
    then the processors attrib would use, bulk batches of 32. Wall seconds of the process, and of the two parts.
    ``few_collections``: with the garbage collector set as in attrib's batch runs (``batch.few_collections``)."""
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _STANZA_ALONE, str(corpus), models_dir or "",
                          "few-collections" if few_collections else "default"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    parts = json.loads(out.strip().splitlines()[-1])
    return {"wall": time.perf_counter() - t0, **parts}


def compile_package() -> None:
    """attrib's modules as bytecode, as an installed package has them (see the module docstring)."""
    import compileall

    if not compileall.compile_dir(str(ROOT / "attrib"), quiet=1):
        raise SystemExit("could not compile attrib's modules")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", help="a JSONL corpus ({id, text} a line); default: generated from the seeds")
    ap.add_argument("--sizes", default="2000,20000", help="corpus sizes for builtin (generated corpora)")
    ap.add_argument("--stanza-sizes", default="200", help="corpus sizes for stanza (generated corpora)")
    ap.add_argument("--jobs", default=f"1,{os.cpu_count() or 1}")
    ap.add_argument("--nlp", default="builtin,stanza")
    ap.add_argument("--models-dir")
    ap.add_argument("--repeat", type=int, default=1, help="passes per corpus size and job count (medians printed)")
    ap.add_argument("--cache", action="store_true", help="also time a stanza re-run with changed rules from the cache")
    args = ap.parse_args()
    jobs = [int(j) for j in args.jobs.split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="attrib-bench-"))
    models = ["--models-dir", args.models_dir] if args.models_dir else []
    compile_package()
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; attrib's bytecode compiled first")
    print(f"{'nlp':8} {'articles':>8} {'jobs':>4} {'wall s':>8} {'art/s':>8} {'chars/s':>10} {'chars/s/core':>12} "
          f"{'peak RSS MB':>11} {'peak PSS MB':>11}")
    for nlp in args.nlp.split(","):
        sizes = args.sizes if nlp == "builtin" else args.stanza_sizes
        for size in ([None] if args.corpus else [int(s) for s in sizes.split(",")]):
            corpus = Path(args.corpus) if args.corpus else tmp / f"corpus{size}.jsonl"
            if args.corpus:
                n, chars = corpus_stats(corpus)
            else:
                n, chars = make_corpus(corpus, size)
            runs: dict[int, list[dict]] = {j: [] for j in jobs}
            alone: dict[bool, list[dict]] = {False: [], True: []}  # stanza by itself, without and with attrib's GC
            ceiling: list[float] = []  # the machine's own speed-up with max(jobs) processes, once a pass

            def run_args(j: int) -> list[str]:
                return [str(corpus), "-o", str(tmp / "out"), "--nlp", nlp, *models, "--jobs", str(j), "--quiet",
                        "--no-cache"]

            for _ in range(args.repeat):  # the job counts alternate, so a noisy spell hits them alike
                for j in jobs:
                    runs[j].append(run_attrib(run_args(j)))
                if len(jobs) > 1:
                    ceiling.append(machine_ceiling(max(jobs)))
                if nlp == "stanza":
                    for few in (False, True):
                        alone[few].append(stanza_alone(corpus, args.models_dir, few))
            memory = {j: run_attrib(run_args(j), sample_memory=True) for j in jobs}
            for j in jobs:
                wall = statistics.median(r["wall"] for r in runs[j])
                per_core = [chars / max(r["cpu"], 1e-9) for r in runs[j]]
                rss, pss = memory[j]["rss"], memory[j]["pss"]
                print(f"{nlp:8} {n:8} {j:4} {wall:8.2f} {n / wall:8.1f} {chars / wall:10,.0f} "
                      f"{statistics.median(per_core):12,.0f} {rss / 2**20:11.0f} {pss / 2**20:11.0f}", flush=True)
                if args.repeat > 1:
                    walls = ", ".join(f"{r['wall']:.2f}" for r in runs[j])
                    steal = ", ".join(f"{r['steal']:.0%}" for r in runs[j])
                    print(f"  {args.repeat} passes: wall {walls} s; chars/s/core {min(per_core):,.0f}-{max(per_core):,.0f}; "
                          f"CPU stolen by the hypervisor {steal}", flush=True)
            base = statistics.median(r["wall"] for r in runs[jobs[0]])
            for j in jobs[1:]:
                line = f"  {j} jobs / {jobs[0]} (median walls): {base / statistics.median(r['wall'] for r in runs[j]):.2f}x"
                if args.repeat > 1:  # a pass's two runs ran one after the other, in the same spell of the machine
                    pairs = [a["wall"] / b["wall"] for a, b in zip(runs[jobs[0]], runs[j])]
                    line += (f"; pass by pass {', '.join(f'{x:.2f}' for x in pairs)} "
                             f"(median {statistics.median(pairs):.2f}x)")
                print(line, flush=True)
            if ceiling:
                print(f"  the machine's own ceiling, {max(jobs)} processes of pure Python / 1, after each pass: "
                      f"{', '.join(f'{x:.2f}' for x in ceiling)} (median {statistics.median(ceiling):.2f}x)", flush=True)
            if nlp == "stanza":
                ours = statistics.median(r["wall"] for r in runs[jobs[0]])
                for few, what in ((False, "stanza alone, a process of its own (import, model load, bulk batches of 32"),
                                  (True, "the same with attrib's garbage-collector setting (batch.few_collections")):
                    tok = statistics.median(a["wall"] for a in alone[few])
                    walls = ", ".join(f"{a['wall']:.2f}" for a in alone[few])
                    print(f"{what}; median of {len(alone[few])}): {tok:.2f} s ({walls}), of which processing "
                          f"{statistics.median(a['process'] for a in alone[few]):.2f} s; "
                          f"attrib run --jobs {jobs[0]} took {ours / tok - 1:+.0%} over it", flush=True)
                if args.cache:
                    cache = tmp / "cache"
                    first = run_attrib([str(corpus), "-o", str(tmp / "c1"), "--nlp", nlp, *models, "--quiet",
                                        "--cache-dir", str(cache)])
                    again = run_attrib([str(corpus), "-o", str(tmp / "c2"), "--nlp", nlp, *models, "--quiet",
                                        "--cache-dir", str(cache), "--rules", str(ROOT / "fixtures/rules/valid")])
                    print(f"cache: first run {first['wall']:.2f} s, re-run with changed rules {again['wall']:.2f} s: "
                          f"{first['wall'] / again['wall']:.1f}x faster", flush=True)


if __name__ == "__main__":
    main()
