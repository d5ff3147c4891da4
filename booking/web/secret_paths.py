"""Paths that carry secrets (manage links, calendar feeds), masked for logs."""

from __future__ import annotations

import re

#: Path segments after these prefixes are secrets (manage tokens, feed tokens).
SECRET_PATH = re.compile(r"(/(?:manage|feeds)/)[^/?\s]+")


def mask_secrets(path: str) -> str:
    return SECRET_PATH.sub(r"\1…", path)
