"""The pure slot engine: intervals, calendar rules and the clock; no Flask, no database."""
