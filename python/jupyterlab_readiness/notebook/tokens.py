"""The literal strings of a cell that does not parse, from its tokens: a typo two lines below a
token must not hide it from the credential check (the other checks skip such a cell until it
parses). The tokenizer reads code the parser rejects, up to where the text stops being tokens.
"""

from __future__ import annotations

import ast
import io
import tokenize
from functools import lru_cache

from .facts import CellFacts, StringBinding

_SKIPPED = frozenset({tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT})


@lru_cache(maxsize=256)
def token_facts(source: str) -> CellFacts:
    """Facts holding only what the credential check reads: each literal string (line, value), and
    the ones bound by ``name = "…"``, ``f(name="…")`` or ``{"name": "…"}``."""
    facts = CellFacts()
    before: list[tokenize.TokenInfo] = []  # the last two significant tokens
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type in _SKIPPED:
                continue
            if token.type == tokenize.STRING:
                value = _literal(token.string)
                if value is not None:
                    line = token.start[0]
                    facts.strings.append((line, value))
                    name = _bound_name(before)
                    if name:
                        facts.string_bindings.append(StringBinding(line, name, value))
            before = [*before[-1:], token]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass  # the text stops being tokens here: what came before is kept
    return facts


def _literal(text: str) -> str | None:
    if text[:1] in "fFbB" or text[:2].lower() in ("rb", "br", "rf", "fr"):
        return None  # an f-string is computed, bytes are not text
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, str) else None


def _bound_name(before: list[tokenize.TokenInfo]) -> str | None:
    if len(before) < 2 or before[1].type != tokenize.OP:
        return None
    target, operator = before
    if operator.string == "=" and target.type == tokenize.NAME:
        return target.string
    if operator.string == ":" and target.type == tokenize.STRING:
        return _literal(target.string)
    return None
