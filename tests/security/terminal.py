"""Running a command on a pseudo-terminal of its own, typing answers to its prompts.

The command starts a new session, so it has no controlling terminal but the one
given here as its standard input and output: a password prompt turns that
terminal's echo off, and what it echoes (nothing, for a password) is what the
test reads back.
"""

from __future__ import annotations

import os
import select
import subprocess
import time


def run_on_terminal(
    argv: list[str], *, env: dict[str, str], cwd, answers: list[tuple[str, str]], timeout=60
) -> tuple[int, str]:
    """Run ``argv``; each time the next prompt of ``answers`` appears, type its answer and
    Enter.  Returns the exit code and everything the terminal showed."""
    main, other = os.openpty()
    process = subprocess.Popen(
        argv, stdin=other, stdout=other, stderr=other, env=env, cwd=cwd, start_new_session=True
    )
    os.close(other)
    shown, answered_up_to = b"", 0
    waiting = list(answers)
    deadline = time.monotonic() + timeout
    try:
        while (left := deadline - time.monotonic()) > 0:
            if not select.select([main], [], [], left)[0]:
                continue
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the command ended and closed the terminal
                break
            if not chunk:
                break
            shown += chunk
            while waiting and (at := shown.find(waiting[0][0].encode(), answered_up_to)) >= 0:
                prompt, answer = waiting.pop(0)
                answered_up_to = at + len(prompt)
                os.write(main, f"{answer}\n".encode())
        return process.wait(timeout=max(deadline - time.monotonic(), 1)), shown.decode(
            errors="replace"
        )
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(main)
