"""Real processes started together: each runs ``target(*arguments, barrier, results)``,
waits at the shared barrier, and puts one outcome on ``results``."""

from __future__ import annotations

import multiprocessing
import queue

import pytest


def run_together(target, argument_lists: list[tuple], *, preload: list[str], timeout: float):
    """The outcomes of one process per argument tuple, started by a fork server (a fresh
    process: no connections or locks inherited from the test) with ``preload`` imported."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["__main__", target.__module__, *preload])
    barrier = context.Barrier(len(argument_lists))
    results = context.Queue()
    processes = [
        context.Process(target=target, args=(*arguments, barrier, results))
        for arguments in argument_lists
    ]
    for process in processes:
        process.start()
    try:
        return [results.get(timeout=timeout) for _ in processes]
    except queue.Empty:
        pytest.fail("a process did not finish")
    finally:
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
