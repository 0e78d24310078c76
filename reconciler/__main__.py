"""`python -m reconciler`: the same command line as the `reconciler` console script."""

from reconciler.app.cli import main

main()
