"""Shared by the benchmark scripts: print the markdown report and keep a copy where asked."""

from __future__ import annotations

from pathlib import Path


def emit(text: str, out: Path | None) -> None:
    print(text)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
