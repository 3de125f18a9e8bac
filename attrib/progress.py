"""Progress of a batch run on stderr: a tqdm bar on a terminal, a plain line every few seconds otherwise.

stdout carries only data and the summary, so progress (and the problems printed
while a bar is shown) always goes to stderr. ``quiet`` silences the progress, not
the problems.
"""
from __future__ import annotations

import sys
import time
from typing import TextIO

#: seconds between two plain progress lines when stderr is not a terminal
PLAIN_INTERVAL = 10.0


class Progress:
    """Counts finished articles and shows articles done, articles/s and (when the total is known) the ETA."""

    def __init__(self, total: int | None = None, *, quiet: bool = False, stream: TextIO | None = None,
                 initial: int = 0, interval: float = PLAIN_INTERVAL):
        self.stream = stream if stream is not None else sys.stderr
        self.total = total
        self.done = initial
        self._start_done = initial
        self._t0 = time.perf_counter()
        self._last = self._t0
        self._interval = interval
        self._bar = None
        self._quiet = quiet
        if not quiet and _is_tty(self.stream):
            from tqdm import tqdm  # installed with stanza; only needed on a terminal

            self._bar = tqdm(total=total, initial=initial, unit="article", file=self.stream, dynamic_ncols=True,
                             smoothing=0.05, mininterval=0.5)

    def update(self, n: int = 1) -> None:
        """Count ``n`` more finished articles."""
        self.done += n
        if self._bar is not None:
            self._bar.update(n)
            return
        now = time.perf_counter()
        if not self._quiet and now - self._last >= self._interval:
            self._last = now
            self.stream.write(self.line(now) + "\n")
            self.stream.flush()

    def line(self, now: float | None = None) -> str:
        """The plain progress line: ``progress: 1,200 of 5,000 articles (24%), 85.3 articles/s, ETA 0:00:45``."""
        now = time.perf_counter() if now is None else now
        rate = (self.done - self._start_done) / max(now - self._t0, 1e-9)
        head = f"progress: {self.done:,}"
        if self.total:
            head += f" of {self.total:,} articles ({100 * self.done / self.total:.0f}%)"
            eta = (self.total - self.done) / rate if rate > 0 else 0
            return f"{head}, {rate:,.1f} articles/s, ETA {time.strftime('%H:%M:%S', time.gmtime(eta))}"
        return f"{head} articles, {rate:,.1f} articles/s"

    def write(self, line: str) -> None:
        """Print a line on the stream without breaking the bar."""
        if self._bar is not None:
            self._bar.write(line, file=self.stream)
        else:
            self.stream.write(line + "\n")

    def close(self) -> None:
        """Remove the bar."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
