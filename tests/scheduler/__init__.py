"""Tests of the scheduler: dispatch, retention, agendas, several processes."""
