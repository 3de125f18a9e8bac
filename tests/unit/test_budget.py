"""Issue 19: the per-article time budget (``engine.within_budget``) in any thread, and never outside its call.

The budget used to be a SIGALRM timer, which fires only in a process's main thread: a Dask worker runs its
tasks in other threads, so there it never fired. The end-to-end runs are in tests/e2e/test_hostile.py.
"""
from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from attrib.engine import ArticleTimeout, within_budget

REPO = Path(__file__).resolve().parents[2]


def busy(seconds: float) -> str:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass
    return "done"


def in_a_thread(fn):
    """What ``fn()`` returned or raised, run in a thread that is not the main one."""
    out: list = []

    def run() -> None:
        try:
            out.append(fn())
        except BaseException as e:  # noqa: BLE001 - handed back to the test
            out.append(e)

    t = threading.Thread(target=run)
    t.start()
    t.join(30)
    return out[0]


def test_budget_stops_work_in_a_thread_that_is_not_the_main_one() -> None:
    t0 = time.perf_counter()
    result = in_a_thread(lambda: within_budget(0.1, lambda: busy(10)))
    assert isinstance(result, ArticleTimeout)
    assert time.perf_counter() - t0 < 2


@pytest.mark.parametrize("seconds", [None, 0, 5])
def test_work_within_its_budget_gives_its_result(seconds) -> None:
    assert within_budget(seconds, lambda: busy(0.01)) == "done"
    assert in_a_thread(lambda: within_budget(seconds, lambda: busy(0.01))) == "done"


def test_a_budget_that_ran_out_lands_in_its_call_and_nowhere_after() -> None:
    """Calls that end around their deadline, in three threads at once: each ends with its result or with
    ArticleTimeout, and nothing is raised in the thread once the call has returned."""
    def calls(seed: int) -> tuple[int, int, int]:
        rnd = random.Random(seed)
        done = timeouts = stray = 0
        for _ in range(250):
            try:
                within_budget(0.002, lambda: busy(rnd.uniform(0, 0.004)))
                done += 1
            except ArticleTimeout:
                timeouts += 1
            try:
                busy(0.001)
            except ArticleTimeout:
                stray += 1
        return done, timeouts, stray

    results: list = []
    threads = [threading.Thread(target=lambda s=s: results.append(calls(s))) for s in range(2)]
    for t in threads:
        t.start()
    results.append(calls(2))  # and the main thread
    for t in threads:
        t.join(60)
    assert len(results) == 3
    assert all(stray == 0 for _, _, stray in results), results
    assert all(done and timeouts for done, timeouts, _ in results), results


SWALLOWED = r"""
import gc, statistics, sys, time, threading
from attrib.engine import ArticleTimeout, within_budget

gc.callbacks.append(lambda phase, info: None)  # as a Dask worker has: Python code that runs inside any allocation

def churn():
    keep, end = [], time.perf_counter() + 3.0
    while time.perf_counter() < end:
        keep.append([[] for _ in range(10)])
        if len(keep) > 5000:
            keep = []

def calls(out):
    for _ in range(20):
        t0 = time.perf_counter()
        try:
            within_budget(0.02, churn)
            out.append(None)
        except ArticleTimeout:
            out.append(time.perf_counter() - t0)

out = []
t = threading.Thread(target=calls, args=(out,))
t.start()
t.join()
print(" ".join("finished" if s is None else f"{s:.3f}" for s in out))
"""


def test_a_timeout_that_lands_in_a_gc_callback_is_raised_again_and_not_printed() -> None:
    """Python drops an exception raised in a garbage collector's callback, with "Exception ignored in" and a
    traceback on stderr: the article would run on to its end. The watchdog raises it again, quietly."""
    r = subprocess.run([sys.executable, "-c", SWALLOWED], cwd=REPO, capture_output=True, text=True, timeout=120,
                       env={**os.environ, "PYTHONPATH": str(REPO)})
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    seconds = r.stdout.split()
    assert "finished" not in seconds
    # a raise lands in the callback about half the time here and is raised again every 0.05 s: each call ends
    # long before its 3 s of work would (on a loaded machine several raises in a row can land there: 0.55 s
    # was seen with both cores busy, so no tighter bound than the work's own length is asserted)
    assert all(float(s) < 2.0 for s in seconds), seconds


def test_a_raise_left_from_an_earlier_call_does_not_stop_the_next_one() -> None:
    """An earlier call whose end never reached the watchdog (its raise landed on the way in) left the thread
    marked as raised in: the next call, well within its budget, still gives its result."""
    from attrib.engine import _WATCHDOG

    assert within_budget(5, lambda: busy(0.001)) == "done"  # the watchdog is running
    with _WATCHDOG._lock:
        _WATCHDOG._raised.add(threading.get_ident())
    assert within_budget(5, lambda: busy(0.01)) == "done"
