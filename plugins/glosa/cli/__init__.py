"""The ``glosa`` command line."""
