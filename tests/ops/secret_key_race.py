"""Run in separate processes by ``tests/ops/test_instance_secret_key.py``: read (or make)
the instance's secret key once all have started, and report it or the error."""

from __future__ import annotations

from pathlib import Path


def read_key(path: str, barrier, results) -> None:
    from config.settings import instance_secret_key

    barrier.wait()
    try:
        results.put(instance_secret_key(Path(path)))
    except Exception as error:  # reported to the test, which fails on it
        results.put(f"error: {type(error).__name__}: {error}")
