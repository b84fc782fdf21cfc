"""stance: who claims what, and who takes which side, from news articles.

The public Python API lives here; the CLI is a thin layer over it.
"""

from stance._version import __version__

__all__ = ["__version__"]
