"""``python -m glosa`` runs the command line."""

from .cli import run

run()
