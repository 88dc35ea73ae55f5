"""archive-search indexer: archive/ -> clean articles with people and places -> a Whoosh index.

The pipeline, one module a stage: ``archive`` walks the folder and yields ``RawArticle``s,
``clean`` and ``textdump`` turn pages and dumps into text, ``entities`` finds people and
places, ``schema`` defines the index, ``build`` writes it.
"""
