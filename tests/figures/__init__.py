"""Tests of the council's figures."""
