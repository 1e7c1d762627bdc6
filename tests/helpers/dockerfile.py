"""A Dockerfile read as Docker's parser reads it (no image is built: no registry is reachable
here): comments and blank lines dropped, backslash continuations joined, one (instruction,
arguments) per line; exec-form arguments (a JSON array) parsed. Raises ValueError on what Docker
would refuse: an unknown instruction, a continuation at the end, exec form that is not JSON."""

from __future__ import annotations

import json

INSTRUCTIONS = frozenset(
    {
        "ADD",
        "ARG",
        "CMD",
        "COPY",
        "ENTRYPOINT",
        "ENV",
        "EXPOSE",
        "FROM",
        "HEALTHCHECK",
        "LABEL",
        "MAINTAINER",
        "ONBUILD",
        "RUN",
        "SHELL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
    }
)


def parse(text: str) -> list[tuple[str, str]]:
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue  # a comment inside a continued instruction is dropped, as Docker does
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        whole = pending + line
        pending = ""
        keyword, _, arguments = whole.partition(" ")
        if keyword.upper() not in INSTRUCTIONS:
            raise ValueError(f"unknown instruction {keyword!r}")
        instructions.append((keyword.upper(), arguments.strip()))
    if pending:
        raise ValueError("the file ends inside a continued line")
    if not instructions or instructions[0][0] not in ("FROM", "ARG"):
        raise ValueError("a Dockerfile starts with FROM")
    return instructions


def exec_form(arguments: str) -> list[str]:
    value = json.loads(arguments)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("exec form is a JSON array of strings")
    return value


def copy_sources(arguments: str) -> list[str]:
    """The sources of a COPY (every argument but the last; flags such as --chown skipped)."""
    parts = exec_form(arguments) if arguments.startswith("[") else arguments.split()
    parts = [p for p in parts if not p.startswith("--")]
    if len(parts) < 2:
        raise ValueError("COPY takes a source and a destination")
    return parts[:-1]
