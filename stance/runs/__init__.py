"""Run folders: reading inputs, the batch runner, its folder, events, manifest, prices and summary, and the one reader.

The crash-safety invariants are written at the top of ``batch.py``.
"""
