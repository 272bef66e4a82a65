"""``python -m glosa`` runs the command line."""

from .cli.main import run

run()
