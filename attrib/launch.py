"""The ``attrib`` command's entry point (the console script and ``python -m attrib``).

It imports nothing heavy before ``_signals.install``: a Ctrl-C or SIGTERM while the command line loads
(click, the stages, the rules) then ends the command as at any other moment, with no traceback. Only
the interpreter's own start, before this module runs, is left to Python's default handling.
"""
from __future__ import annotations

import sys
from typing import Sequence

from . import _signals


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line: SIGINT and SIGTERM end a command with status 130 or 143 (a run with the line
    that resumes it), never a traceback."""
    args = list(argv) if argv is not None else sys.argv[1:]
    if args[:1] == ["run"]:
        _signals.set_message(_signals.resume_hint(args, None))
    try:
        _signals.install()
        from .cli import attrib  # the command line itself, loaded once the signals are handled

        attrib.main(args=args, prog_name="attrib")
    except _signals.Interrupted as e:
        _signals.stopped(e.status)
    except Exception:
        status = _signals.received_status()
        if status is None:
            raise
        _signals.stopped(status)
