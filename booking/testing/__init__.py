"""Scratch databases for tests and benchmarks; nothing in the app imports this."""
