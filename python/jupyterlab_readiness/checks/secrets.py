"""Credentials written into the notebook. Messages never repeat the secret itself."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import CellScope, Context, Hit, Local

# Shapes of real keys, one alternation so each string is scanned once; the group name says which.
_KEY_SHAPES = re.compile(
    "|".join(
        f"(?P<{group}>{pattern})"
        for group, pattern in (
            ("aws", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
            ("github", r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})"),
            ("slack", r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
            ("openai", r"\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}"),
            ("stripe", r"\b(?:sk|rk)_live_[A-Za-z0-9]{16,}"),
            ("google", r"\bAIza[0-9A-Za-z_-]{35}\b"),
            ("huggingface", r"\bhf_[A-Za-z0-9]{30,}\b"),
            ("private_key", r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP )?PRIVATE KEY"),
            ("url_password", r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s:@]{3,}@"),
        )
    )
)
# Substrings every key shape contains: a cheap test before the regex.
_KEY_HINTS = ("AKIA", "ASIA", "gh", "xox", "sk-", "_live_", "AIza", "hf_", "PRIVATE KEY", "://")
_KEY_LABELS = {
    "aws": "an AWS access key",
    "github": "a GitHub token",
    "slack": "a Slack token",
    "openai": "an OpenAI/Anthropic key",
    "stripe": "a Stripe key",
    "google": "a Google API key",
    "huggingface": "a Hugging Face token",
    "private_key": "a private key",
    "url_password": "a password in a connection URL",
}
_SECRET_NAME = re.compile(
    r"(?:^|_)(?:pass(?:word|wd)?|pwd|secret|token|api_?key|apikey|access_?key|secret_?key|private_?key|auth|credentials?)(?:$|_)",
    re.IGNORECASE,
)
# Tokenizer vocabulary is not a credential: ``pad_token = "[PAD]"``.
_NOT_SECRET_NAME = re.compile(
    r"(?:^|_)(?:pad|bos|eos|unk|sep|cls|mask|start|end|special|additional)_tokens?$|^tokens?$|_len$|_length$|_url$|_uri$|_file$|_path$|_type$",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(
    r"^(?:|x+|\*+|\.+|<.*>|\[.*\]|\{.*\}|\$\{?\w+\}?|%\(\w+\)s|your[_ -].*|.*here|changeme|none|null|todo|tbd|example|test|dummy|secret|password|token|xxx.*)$",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """``text`` with anything shaped like a credential replaced, for messages that quote outputs."""
    if not any(hint in text for hint in _KEY_HINTS):
        return text
    return _KEY_SHAPES.sub(lambda m: "://***@" if m.lastgroup == "url_password" else "***", text)


def hardcoded_secret(ctx: Context) -> Iterator[Hit]:
    return ctx.per_cell("hardcoded-secret", _secrets_in)


def _secrets_in(ctx: Context, scope: CellScope) -> Iterator[Local]:
    facts = scope.facts
    lines: set[int] = set()
    for binding in facts.string_bindings:
        if binding.line in lines or not _SECRET_NAME.search(binding.name) or _NOT_SECRET_NAME.search(binding.name):
            continue
        value = binding.value.strip()
        if len(value) < 4 or " " in value or _PLACEHOLDER.match(value):
            continue
        lines.add(binding.line)
        yield _hit(binding.line, f"a literal string is bound to `{binding.name}`")
    for line, value in facts.strings:
        if line in lines or len(value) < 16 or not any(hint in value for hint in _KEY_HINTS):
            continue
        match = _KEY_SHAPES.search(value)
        if match:
            lines.add(line)
            yield _hit(line, f"a string here has the shape of {_KEY_LABELS[match.lastgroup]}")


def _hit(line: int, what: str) -> Local:
    return (
        line,
        f"Credential in the notebook: {what}. Anyone with the file (or its git history) has it.",
        'Read it at run time instead, e.g. `os.environ["API_KEY"]` or a secrets manager, and rotate the one that was written here.',
    )
