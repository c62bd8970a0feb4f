"""`python -m dolma_tools.cli` runs the command line."""

from dolma_tools.cli import main

main()
