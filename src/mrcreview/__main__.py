import atexit
import logging
import os
import sys

from mrcreview.cli import main

status = main()
# Tearing down the interpreter (frictionless, bibtexparser and the rest) only frees memory, and costs
# 0.1-0.2 s of every command; exit handlers still run and output is flushed, as in the Sphinx process.
atexit._run_exitfuncs()
logging.shutdown()
sys.stdout.flush()
sys.stderr.flush()
os._exit(status)
