"""Thin Falcon resources: read parameters, call the engine, set ``resp.media``."""
