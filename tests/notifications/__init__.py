"""Tests of message rendering and the senders."""
