"""`python -m attrib` runs the command line."""
import sys

from . import _signals

if sys.argv[1:2] == ["run"]:
    _signals.set_message(_signals.resume_hint(sys.argv[1:], None))
try:
    _signals.install()  # first: a Ctrl-C while the command line loads is handled as any other
    from .cli import main

    main()
except _signals.Interrupted as e:
    _signals.stopped(e.status)
