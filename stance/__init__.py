"""stance: who claims what, and who takes which side, from news articles.

The public Python API lives here; the CLI is a thin layer over it.
"""

__version__ = "0.1.0"
