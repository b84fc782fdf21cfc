"""The ``stance`` command line: a thin layer of Typer commands over the Python API (``import stance``)."""
