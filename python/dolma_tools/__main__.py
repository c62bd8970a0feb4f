"""`python -m dolma_tools` runs the command line."""

from dolma_tools.cli import main

main()
