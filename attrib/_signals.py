"""Ctrl-C and SIGTERM for the command line: the first one stops the command, cleanly and within seconds.

``install`` blocks SIGINT and SIGTERM in this process and waits for them in a thread of
its own: a signal then never lands in the middle of a library's lock or a write, whichever
thread holds it. The first one raises ``Interrupted`` in the main thread (at its next line
of Python: ``_thread.interrupt_main``), which the command turns into its message and exit
status (130 for SIGINT, 143 for SIGTERM); later ones are ignored while it stops. Should the
main thread still be running ``GRACE`` seconds later (inside a long C call, say), the thread
prints the message itself and ends the process, as a kill would: a run's spool is written
so that ``--resume`` goes on from there after any stop. Processes forked afterwards (the
worker processes) inherit the blocked signals, so a signal to the whole process group
stops only the parent, which stops its workers itself.

Imported before anything heavy (``python -m attrib`` installs it first), so a signal in the
first moments of a command is handled the same way.
"""
from __future__ import annotations

import _thread
import os
import signal
import sys
import threading
import time

#: seconds the main thread has to stop after the first signal before the process is ended
GRACE = 5.0
_SIGNALS = {signal.SIGINT, signal.SIGTERM}
_received: list[int] = []
_message: list[str] = []  # what to print when stopped ("interrupted ...; to go on, run: ...")
_done = threading.Event()  # set once the main thread has printed the message


class Interrupted(BaseException):
    """The command was stopped by SIGINT or SIGTERM (not a ``KeyboardInterrupt``, which click turns into
    "Aborted!"); ``status`` is the exit status to give: 128 + the signal's number."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.status = 128 + signum


def install() -> None:
    """Block SIGINT and SIGTERM here and handle them in a thread (once per process, main thread only)."""
    if threading.current_thread() is not threading.main_thread() or getattr(install, "done", False):
        return
    install.done = True  # type: ignore[attr-defined]
    for signum in _SIGNALS:
        signal.signal(signum, _raise)  # what interrupt_main runs in the main thread
    signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    threading.Thread(target=_watch, name="attrib-signals", daemon=True).start()


def set_message(text: str) -> None:
    """What to print on stderr when a signal stops the command (the last one set)."""
    _message[:] = [text]


def stopped(status: int) -> None:
    """Print the message and exit with ``status`` (from the main thread, after its cleanup)."""
    if _message and not _done.is_set():
        if _received:  # the watching thread is counting down: it must not print the message again
            _done.set()
        print(_message[0], file=sys.stderr, flush=True)
    sys.exit(status)


def received_status() -> int | None:
    """The exit status for the signal received (130, 143), or None when none was: an exception that escapes
    after one came is the stop breaking something on its way out, and is reported as the stop."""
    return 128 + _received[0] if _received else None


def resume_hint(args: list[str], out: str | None) -> str:
    """What an interrupted ``attrib run ARGS`` prints: where its work is kept and the command that goes on."""
    import shlex

    again = [a for a in args if a != "--resume"]
    kept = f"the finished articles are kept in {os.path.join(out, '.partial')}" if out is not None else \
        "nothing is lost"
    return f"interrupted: {kept}; to go on from there, run:\n  attrib {shlex.join(again)} --resume"


def _raise(signum: int, _frame) -> None:
    raise Interrupted(signum)  # called once: the watching thread passes on the first signal only


def _watch() -> None:
    signum = signal.sigwait(_SIGNALS)
    _received.append(signum)
    _thread.interrupt_main(signum)
    time.sleep(GRACE)
    if not _done.is_set():  # the main thread is stuck: end the process as a kill would, with the message
        _done.set()
        if _message:
            os.write(2, (_message[0] + "\n").encode("utf-8", "replace"))
        os._exit(128 + signum)
