"""Helpers shared by several test files: the fake OpenAI-compatible server, run folders, pages.

Importable as ``support.<module>`` because ``tests/`` is on ``sys.path``
(``pythonpath = ["tests"]`` in pyproject's ``[tool.pytest.ini_options]``).
Test files import from here, never from one another.
"""
