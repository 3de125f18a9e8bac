"""`python -m attrib` runs the command line."""
import sys

from . import _signals

_signals.install()  # first: a Ctrl-C while the command line loads is handled as any other
if sys.argv[1:2] == ["run"]:
    _signals.set_message(_signals.resume_hint(sys.argv[1:], None))
try:
    from .cli import main
except _signals.Interrupted as e:
    _signals.stopped(e.status)

main()
