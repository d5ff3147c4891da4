"""Tests of the region: its calendar, what a change of it does, the region file commands."""
