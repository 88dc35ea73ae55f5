"""archive-search HTTP API: a Falcon WSGI app over the indexer's Whoosh index.

``app.create_app`` wires settings, the engine and the resources; ``engine`` reads the index
(and knows no HTTP); ``resources`` are thin Falcon classes; ``errors`` gives every error one
JSON shape.
"""
