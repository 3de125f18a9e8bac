"""`python -m attrib` runs the command line (``launch.main``)."""
from .launch import main

main()
