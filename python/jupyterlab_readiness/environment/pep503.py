"""Distribution names compared the way pip compares them."""

from __future__ import annotations

import re


def normalize(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()
