"""Old and new code side by side: `attrib run` in two (or more) checkouts, interleaved, with the median of each.

usage: python benchmarks/ab.py CORPUS JOBS REPEAT DIR [DIR...]

Each pass runs ``python -m attrib run CORPUS -o TMP --quiet --no-cache --nlp builtin -j JOBS`` once in
each DIR (a checkout: ``python -m`` imports the ``attrib`` package of the working folder), one right
after the other, so that a noisy spell of a shared machine slows every checkout alike. Prints, per
DIR, the median wall and CPU seconds (the run's user + system time, its workers included) and each
pass's wall. Make a checkout of a commit with ``git worktree add /tmp/old COMMIT`` (and link its
``attrib/rules`` as the README says) or ``git archive COMMIT | tar -x -C /tmp/old``.
"""
from __future__ import annotations

import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def main(argv: list[str]) -> int:
    corpus, jobs, repeat, dirs = argv[0], argv[1], int(argv[2]), argv[3:]
    results: dict[str, list[tuple[float, float]]] = {d: [] for d in dirs}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeat):
            for d in dirs:
                out = f"{tmp}/out"
                shutil.rmtree(out, ignore_errors=True)
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                t = time.perf_counter()
                subprocess.run([sys.executable, "-m", "attrib", "run", corpus, "-o", out, "--quiet", "--no-cache",
                                "--nlp", "builtin", "-j", jobs], cwd=d, check=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
                wall = time.perf_counter() - t
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
                results[d].append((wall, cpu))
    for d, runs in results.items():
        walls = [w for w, _ in runs]
        print(f"{d}: wall {statistics.median(walls):.2f} s, cpu {statistics.median(c for _, c in runs):.2f} s "
              f"(passes: {', '.join(f'{w:.2f}' for w in walls)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
