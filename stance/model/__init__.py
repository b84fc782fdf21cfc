"""Talking to a model: the OpenAI-compatible client, the response cache, the embedded server, embeddings.

The only room that imports ``openai``, ``xllamacpp`` or the embedding model
(an import-linter contract keeps it so), as langextract keeps providers out
of its core.
"""
