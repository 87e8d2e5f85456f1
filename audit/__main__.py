"""`python -m audit` runs the command-line interface."""

from audit.cli import main

main()
