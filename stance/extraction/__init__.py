"""One article in, one ``ArticleResult`` out: prompts, answers, pointing, merging, open and codebook modes.

``article.py`` is the one per-article skeleton; a mode (``open_mode``,
``codebook_mode``), chosen in ``modes.load_mode``, is passed into it.
``api.py`` is what ``import stance`` re-exports.
"""
