"""``python -m scheduler [--once]``: the scheduler with settings from the environment."""

from __future__ import annotations

import argparse
import logging

from config.settings import settings_from_env
from scheduler.app import run_scheduler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m scheduler")
    parser.add_argument("--once", action="store_true", help="run every due job once and exit")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    run_scheduler(settings_from_env(), once=args.once)


if __name__ == "__main__":
    main()
