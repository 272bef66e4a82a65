"""``python -m glosa`` runs the command line."""

from .cli import main

main()
