"""Credentials written into the notebook. Messages never repeat the secret itself.

Two rules, both over a cell's string literals (comments are not scanned):

- **Key shapes**: a literal that contains a credential whose format is public (AWS, GitHub,
  GitLab, Slack, Stripe, Google, OpenAI, Anthropic, Hugging Face, Twilio, SendGrid, npm, PyPI,
  Azure, JWTs, private key blocks, passwords in URLs and connection strings). The rule families
  and their thresholds follow gitleaks' and detect-secrets' published rules; what they drop, this
  drops too: documentation examples (``…EXAMPLE``, the Stripe and jwt.io sample keys), values
  below the family's Shannon entropy, runs of one character and alphabet/digit sequences.
- **Secret names**: a literal bound to (or compared with) a name whose last word says it holds a
  credential — ``password``, ``passphrase``, ``secret``, ``token``, ``api_key``, ``credentials``
  … in snake, camel or upper case. A name whose last word says it holds something *about* a
  secret (``SECRET_NAME``, ``AWS_ACCESS_KEY_ID``, ``password_field``, ``token_url``) is not one,
  nor is tokenizer vocabulary (``pad_token = "[PAD]"``). Placeholders (``<your-key>``,
  ``${TOKEN}``, ``changeme``, ``xxxx`` …), file paths and values that are themselves the name of a
  secret (``"OPENAI_API_KEY"``) are not credentials. The default of ``os.getenv("X_TOKEN", …)``
  and the password argument of ``HTTPBasicAuth``, ``….login(user, password)`` and
  ``keyring.set_password`` count as bound to a secret's name.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from itertools import pairwise
from typing import Any, NamedTuple

from ..notebook.facts import CellFacts
from ..notebook.model import Notebook
from .context import CellScope, Context, Hit, Local, cells_label

# -- key shapes ---------------------------------------------------------------------------------


class _Lazy:
    """A regex compiled when first used: a check process imports this module whether or not it
    meets a credential, and compiling all of them costs ~8 ms."""

    __slots__ = ("_compiled", "flags", "pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern, self.flags, self._compiled = pattern, flags, None

    def __getattr__(self, name: str):  # search, finditer, sub … of the compiled pattern
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return getattr(self._compiled, name)


class _Family(NamedTuple):
    label: str
    gate: str  # a regex every match contains, starting at an uncommon character: a cheap test first
    pattern: _Lazy
    min_entropy: float  # Shannon bits per character of the whole match, as gitleaks measures it
    secret: Callable[[re.Match[str]], str | None] | None = None  # what to judge, when not the whole match


def _group(n: int) -> Callable[[re.Match[str]], str | None]:
    return lambda m: m.group(n)


def _private_key_body(m: re.Match[str]) -> str | None:
    # A header alone is a documentation example; a key has at least one PEM line of material.
    body = m.string[m.end() : m.end() + 8192].split("-----END", 1)[0]
    material = "".join(re.findall(r"[A-Za-z0-9+/=]+", body))
    return material if len(material) >= 64 else None


_B = r"(?<![A-Za-z0-9_-])"  # not preceded by a key character: the match starts a token
_E = r"(?![A-Za-z0-9_-])"  # … and ends one (a key may end in "-" or "_", so no \b)
_FAMILIES: dict[str, _Family] = {
    "aws": _Family(
        "an AWS access key",
        r"A(?:KIA|SIA|BIA|CCA|3T)",
        _Lazy(r"(?<![A-Za-z0-9/+])(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9/+=])"),
        3.0,
    ),
    "github": _Family(
        "a GitHub token",
        r"_(?:(?<=gh[pousr]_)|(?<=github_pat_))",
        _Lazy(_B + r"(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{70,})" + _E),
        3.0,
    ),
    "gitlab": _Family(
        "a GitLab token",
        r"-(?:(?<=glpat-)|(?<=gldt-)|(?<=glft-)|(?<=glsoat-)|(?<=glrt-)|(?<=glcbt-)|(?<=glimt-)|(?<=glptt-)|(?<=glagent-)|(?<=gloas-)|(?<=glffct-))|GR1348941",
        _Lazy(_B + r"(?:gl(?:pat|dt|ft|soat|rt|cbt|imt|ptt|agent|oas|ffct)-|GR1348941)[A-Za-z0-9_.-]{20,}" + _E),
        3.0,
    ),
    "slack": _Family(
        "a Slack token",
        r"-(?:(?<=xox[abposre]-)|(?<=xapp-))",
        _Lazy(_B + r"(?:xox[abposre]-\d[A-Za-z0-9-]{8,}|xapp-\d-[A-Za-z0-9-]{10,})"),
        2.0,
    ),
    "slack_webhook": _Family(
        "a Slack webhook URL",
        r"\.(?<=hooks\.)slack\.com",
        _Lazy(r"hooks\.slack\.com/(?:services|workflows|triggers)/([A-Za-z0-9_+/]{20,})"),
        3.0,
        _group(1),
    ),
    "stripe": _Family(
        "a Stripe secret key",
        r"_(?:(?<=k_live_)|(?<=k_test_)|(?<=k_prod_))",
        _Lazy(r"(?<![A-Za-z0-9_])[sr]k_(?:live|test|prod)_[A-Za-z0-9]{10,}" + _E),
        2.0,
    ),
    "anthropic": _Family(
        "an Anthropic key",
        r"-(?<=sk-)ant-",
        _Lazy(_B + r"sk-ant-[a-z]+\d\d-[A-Za-z0-9_-]{80,}" + _E),
        3.0,
    ),
    "openai": _Family(
        "an OpenAI key",
        r"-(?<=sk-)",
        _Lazy(_B + r"sk-(?:(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{40,}|[A-Za-z0-9]{32,})" + _E),
        3.0,
    ),
    "google": _Family(
        "a Google API key",
        r"AIza",
        _Lazy(_B + r"AIza[0-9A-Za-z_-]{35}" + _E),
        4.0,
    ),
    "huggingface": _Family(
        "a Hugging Face token",
        r"_(?:(?<=hf_)|(?<=api_org_))",
        _Lazy(r"(?<![A-Za-z0-9_])(?:hf|api_org)_[A-Za-z0-9]{34}" + _E),
        3.0,
    ),
    "twilio": _Family(
        "a Twilio API key",
        r"SK",
        _Lazy(r"(?<![A-Za-z0-9])SK[0-9a-fA-F]{32}(?![A-Za-z0-9])"),
        3.0,
    ),
    "sendgrid": _Family(
        "a SendGrid key",
        r"SG\.",
        _Lazy(_B + r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}" + _E),
        3.0,
    ),
    "npm": _Family(
        "an npm token",
        r"_(?<=npm_)",
        _Lazy(r"(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}" + _E),
        3.0,
    ),
    "pypi": _Family(
        "a PyPI upload token",
        r"-(?<=pypi-)AgE",
        _Lazy(r"pypi-AgE[A-Za-z0-9_-]{50,}"),
        3.0,
    ),
    "azure_storage": _Family(
        "an Azure storage account key",
        r"AccountKey=",
        _Lazy(r"AccountKey=([A-Za-z0-9+/]{80,}={0,2})"),
        4.0,
        _group(1),
    ),
    "azure_ad": _Family(
        "an Azure AD client secret",
        r"Q~",
        _Lazy(r"(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])"),
        3.0,
    ),
    "jwt": _Family(
        "a JSON Web Token",
        r"J(?<=eyJ)",
        _Lazy(_B + r"eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.?[A-Za-z0-9_-]*"),
        3.0,
    ),
    "private_key": _Family(
        "a private key",
        r"PRIVATE KEY",
        _Lazy(r"-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----"),
        4.0,
        _private_key_body,
    ),
    "url_password": _Family(
        "a password in a connection URL",
        r"://",
        _Lazy(r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:([^/\s:@]{3,})@"),
        0.0,
        _group(1),
    ),
    "conn_password": _Family(
        "a password in a connection string",
        r"=(?:(?<=(?i:password)=)|(?<=(?i:passwd)=)|(?<=(?i:pwd)=))",
        # ODBC/ADO strings end a value at ";", URL query strings at "&".
        _Lazy(r"(?i)(?:^|[;\s])(?:password|passwd|pwd)=([^;\s'\"]{3,})|[?&](?:password|passwd|pwd)=([^&;\s'\"#]{3,})"),
        0.0,
        lambda m: m.group(1) or m.group(2),
    ),
}
# Families whose matched secret is a free-form password: judged like a literal bound to a name.
_PASSWORD_FAMILIES = frozenset({"url_password", "conn_password"})
# Published documentation examples (AWS, Stripe, jwt.io): not anybody's credential.
_KNOWN_EXAMPLES = frozenset(
    {
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        "rk_test_4eC39HqLyjWDarjtT1zdp7dc",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    }
)
_MIN_SHAPE_LENGTH = 12  # the shortest match of any family

# Every gate starts at an upper-case letter or a punctuation mark and checks the rest behind
# it, so one search skips most of a string in C: 6× cheaper than testing substrings one by one.
# (Unnamed alternatives: a group at the start of each would turn off the regex engine's
# first-character skip and make this search 5× slower.) On the few strings that pass, a second
# regex with one named group per family says whose gate matched: only those families' patterns
# run, and get compiled.
_ANY_GATE = re.compile("|".join(f"(?:{family.gate})" for family in _FAMILIES.values()))
_WHICH_GATE = _Lazy("|".join(f"(?P<{family_id}>{family.gate})" for family_id, family in _FAMILIES.items()))

# Redaction masks every shape, placeholders included (masking an example costs nothing), plus the
# bearer tokens that error messages quote.
_REDACT = _Lazy(
    "|".join(
        [
            f"(?:{f.pattern.pattern})"
            for name, f in _FAMILIES.items()
            if name not in ("url_password", "conn_password", "private_key")
        ]
        + [
            r"(?P<url>[A-Za-z][A-Za-z0-9+.-]*://)[^/\s:@]*:[^/\s:@]{3,}@",
            r"(?P<conn>(?i:password|passwd|pwd)=)[^;&\s'\"]{3,}",
            r"-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----(?:(?!-----END)[\s\S])*(?:-----END[ "
            r"A-Z0-9_-]*-----)?",
            r"(?P<bearer>(?i:bearer)\s+)[A-Za-z0-9._~+/=-]{8,}",
        ]
    )
)


def redact(text: str) -> str:
    """``text`` with anything shaped like a credential replaced, for messages that quote outputs."""
    if not _ANY_GATE.search(text) and "bearer" not in text.lower():
        return text
    return _REDACT.sub(_mask, text)


def _mask(m: re.Match[str]) -> str:
    if m.group("url"):
        return m.group("url") + "***@"
    for prefix in ("conn", "bearer"):
        if m.group(prefix):
            return m.group(prefix) + "***"
    return "***"


def _key_shape(value: str) -> str | None:
    """The label of the first plausible credential in ``value``, or None."""
    return _shapes(value)[0]


def _shapes(value: str) -> tuple[str | None, bool]:
    """(label of the first plausible credential, whether any family matched at all)."""
    matched = False
    if not _ANY_GATE.search(value):  # most strings stop here
        return None, False
    gated = {m.lastgroup for m in _WHICH_GATE.finditer(value)}
    for family_id, family in _FAMILIES.items():
        if family_id not in gated:
            continue
        for m in family.pattern.finditer(value):
            secret = family.secret(m) if family.secret else m.group(0)
            matched = True
            if secret is None:
                continue
            if family_id in _PASSWORD_FAMILIES:
                if _is_credential_value(secret, _STRONG):
                    return family.label, True
            elif _plausible_key(secret, m.group(0), family.min_entropy):
                return family.label, True
    return None, matched


def _plausible_key(secret: str, whole: str, min_entropy: float) -> bool:
    if whole in _KNOWN_EXAMPLES or secret in _KNOWN_EXAMPLES or "EXAMPLE" in whole.upper():
        return False
    if _entropy(secret) < min_entropy:
        return False
    return not _has_run(secret, 6)


def _entropy(text: str) -> float:
    n = len(text)
    if not n:
        return 0.0
    return -sum(c / n * math.log2(c / n) for c in Counter(text).values())


def _has_run(text: str, length: int, sequences: bool = True) -> bool:
    """A run of ``length`` equal characters, or of consecutive ones (``abcdef``, ``123456``)."""
    same = up = 1
    for a, b in pairwise(text):
        same = same + 1 if a == b else 1
        if sequences:
            up = up + 1 if ord(b) - ord(a) == 1 and a.isalnum() and b.isalnum() else 1
        if same >= length or up >= length:
            return True
    return False


# -- secret names -------------------------------------------------------------------------------

_STRONG, _WEAK, _AUTH, _PASSPHRASE = "strong", "weak", "auth", "passphrase"

_WORDS = re.compile(r"[A-Z]+[0-9]*(?![a-z])|[A-Z]?[a-z]+[0-9]*|[0-9]+")
_PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "passcode", "pword", "passwort", "contrasena", "pass", "pw"})
_PASSPHRASE_WORDS = frozenset({"passphrase", "passphrases"})
_SECRET_WORDS = frozenset(
    {
        "secret",
        "token",
        "credential",
        "credentials",
        "creds",
        "cred",
        "apikey",
        "secretkey",
        "privatekey",
        "accesskey",
        "authkey",
        "privkey",
        "clientkey",
        "masterkey",
        "signingkey",
        "encryptionkey",
        "subscriptionkey",
        "licensekey",
        "appkey",
    }
)
_SECRET_SUFFIXES = (
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "secretkey",
    "privatekey",
    "accesskey",
    "authkey",
    "credentials",
)
_AUTH_WORDS = frozenset({"auth", "authorization", "authentication", "bearer"})
# Words that may follow the secret's word without changing what the name holds: API_KEY_PROD.
_MODIFIERS = frozenset(
    {
        "value",
        "val",
        "str",
        "string",
        "raw",
        "plain",
        "plaintext",
        "clear",
        "cleartext",
        "b64",
        "base64",
        "encoded",
        "hex",
        "bytes",
        "prod",
        "production",
        "dev",
        "development",
        "test",
        "testing",
        "qa",
        "uat",
        "staging",
        "stage",
        "live",
        "sandbox",
        "local",
        "default",
        "old",
        "new",
        "current",
        "confirm",
        "confirmation",
        "again",
        "repeat",
        "backup",
        "override",
        "main",
    }
)
_VERSION = re.compile(r"v\d+")
# A token that is not a credential: tokenizer vocabulary, pagination, CSRF, public tokens.
_NOT_CREDENTIAL_TOKENS = frozenset(
    {
        "pad",
        "bos",
        "eos",
        "unk",
        "sep",
        "cls",
        "mask",
        "start",
        "end",
        "special",
        "additional",
        "oov",
        "image",
        "img",
        "audio",
        "video",
        "begin",
        "stop",
        "split",
        "eot",
        "sot",
        "boi",
        "eoi",
        "sentinel",
        "control",
        "placeholder",
        "unknown",
        "think",
        "tool",
        "vision",
        "page",
        "next",
        "prev",
        "previous",
        "continuation",
        "cursor",
        "sync",
        "cancel",
        "cancellation",
        "csrf",
        "xsrf",
        "public",
        "max",
        "min",
        "num",
        "first",
        "last",
        "word",
        "text",
        "sub",
    }
)
# Key qualifiers that make ``*_key`` a credential, and those that make it data (dictionary, sort,
# database keys) or public. Anything else is judged by its value's entropy.
_SECRET_KEY_QUALIFIERS = frozenset(
    {
        "api",
        "secret",
        "private",
        "priv",
        "access",
        "auth",
        "client",
        "service",
        "account",
        "db",
        "database",
        "encryption",
        "encrypt",
        "signing",
        "sign",
        "master",
        "app",
        "consumer",
        "subscription",
        "license",
        "hmac",
        "jwt",
        "aes",
        "fernet",
        "shared",
        "ssh",
        "gpg",
        "pgp",
        "webhook",
        "admin",
        "write",
        "ingest",
        "ingestion",
        "server",
        "instrumentation",
        "session",
        "crypto",
        "cipher",
        "decryption",
        "decrypt",
        "storage",
        "azure",
        "openai",
        "anthropic",
        "stripe",
        "aws",
        "gcp",
        "google",
        "maps",
        "hf",
        "huggingface",
        "wandb",
        "cohere",
        "pinecone",
        "mistral",
        "groq",
        "serpapi",
        "serper",
        "tavily",
        "langchain",
        "langsmith",
        "replicate",
        "together",
    }
)
_DATA_KEY_QUALIFIERS = frozenset(
    {
        "public",
        "pub",
        "publishable",
        "sort",
        "primary",
        "foreign",
        "partition",
        "cache",
        "dict",
        "hot",
        "s3",
        "object",
        "obj",
        "bucket",
        "join",
        "group",
        "row",
        "table",
        "index",
        "idx",
        "natural",
        "sequence",
        "seq",
        "schema",
        "json",
        "yaml",
        "config",
        "cfg",
        "map",
        "lookup",
        "hash",
        "random",
        "rng",
        "prng",
        "lock",
        "unique",
        "composite",
        "surrogate",
        "business",
        "column",
        "col",
        "data",
        "dataset",
        "feature",
        "label",
        "target",
        "metric",
        "sample",
        "batch",
        "model",
        "layer",
        "param",
        "state",
        "result",
        "output",
        "input",
        "cluster",
        "node",
        "edge",
        "sheet",
        "range",
        "file",
        "blob",
        "path",
        "folder",
        "dir",
        "record",
        "entry",
        "item",
        "field",
        "attr",
        "attribute",
        "search",
        "query",
        "filter",
        "order",
        "dedup",
        "merge",
        "id",
        "name",
        "text",
        "color",
        "legend",
        "plot",
    }
)


def _name_kind(name: str) -> str | None:
    """What a literal bound to ``name`` may be: _STRONG, _WEAK (only a random-looking value),
    _AUTH (a scheme and a credential, or a random value), _PASSPHRASE (spaces allowed) or None."""
    kind = _NAME_KINDS.get(name, False)
    if kind is False:
        if len(_NAME_KINDS) > 50_000:  # a long-lived server sees many dict keys
            _NAME_KINDS.clear()
        kind = _NAME_KINDS[name] = _classify(name)
    return kind


_NAME_KINDS: dict[str, str | None] = {}  # names repeat across cells: classify each once


def _classify(name: str) -> str | None:
    words = [w.lower() for w in _WORDS.findall(name)]
    bare = len(words) == 1
    while len(words) > 1 and (words[-1] in _MODIFIERS or words[-1].isdigit() or _VERSION.fullmatch(words[-1])):
        words.pop()
    if not words:
        return None
    last, prev = words[-1], (words[-2] if len(words) > 1 else None)
    constant_or_qualified = name.isupper() or not bare
    if last in _PASSPHRASE_WORDS:
        return _PASSPHRASE
    if last in _PASSWORD_WORDS:
        # ``pass`` and ``pw`` alone are too short to trust unless written as a constant (or qualified).
        return _STRONG if last not in ("pass", "pw") or constant_or_qualified else None
    if last == "token" or (last not in _SECRET_WORDS and last.endswith("token") and last not in ("tokens",)):
        if prev in _NOT_CREDENTIAL_TOKENS:
            return None
        # A bare lower-case ``token`` is NLP vocabulary far more often than a credential.
        return _STRONG if constant_or_qualified else None
    if last == "key":
        if prev is None:
            return _WEAK
        if prev in _SECRET_KEY_QUALIFIERS:
            return _STRONG
        return None if prev in _DATA_KEY_QUALIFIERS else _WEAK
    if last in _SECRET_WORDS or last.endswith(_SECRET_SUFFIXES):
        return _STRONG
    if last in _AUTH_WORDS:
        return _AUTH
    return None


# Values that stand for a secret rather than being one.
_PLACEHOLDER = _Lazy(
    r"your|example|placeholder|change[_ -]?me|replace|dummy|fake|sample|redacted|xxx|\*\*\*|\.\.\.|<[^>]*>|\{[^}]*\}"
    r"|\$\{|^\$\(?[A-Za-z_]\w*\)?$|%\(\w+\)[sd]|^%s$|^%\w+%$|^@\w+@$|insert[ _-]|enter[ _-]|[ _-]here$|^here$|not[ "
    r"_-]?set$"
    r"|^(?:none|null|nil|undefined|true|false|empty|string|str|value|tbd|todo|fixme|n/?a|test|testing|demo|default"
    r"|secret|password|passwd|pass|pwd|token|key|api[ _-]?key|access[ _-]?token|foo|bar|baz|foobar|qwerty)$",
    re.IGNORECASE,
)
# A value that is the name of a secret, not a secret: "OPENAI_API_KEY", "prod/db/password".
_SECRET_NAME_VALUE = _Lazy(r"^[A-Za-z][A-Za-z0-9]*(?:[_./-][A-Za-z0-9]+)+$")
_NAME_VALUE_WORDS = _Lazy(
    r"(?i)(?:^|[_./-])(?:key|token|secret|password|passwd|pass|pwd|credentials?|creds|auth|apikey|api)(?:$|[_./-])"
)
_FILE_VALUE = _Lazy(
    r"^(?:~|\.{1,2})?[/\\]|^[A-Za-z]:[/\\]|^[a-z][a-z0-9+.-]*://[^@]*$|\.(?:json|pem|key|p12|pfx|txt|ya?ml|env|ini|cfg|conf|toml|crt|cer|der|jks|keystore|gpg|asc|csv|pkl|db|sqlite)$",
    re.IGNORECASE,
)
_AUTH_SCHEME = _Lazy(r"(?i)^(?:bearer|basic|token|digest|apikey|key|sso-key)\s+(\S+)$")
_RANDOM_VALUE = _Lazy(r"[A-Za-z0-9+/=_-]{16,}")


def _is_credential_value(value: str, kind: str) -> bool:
    value = value.strip()
    if kind == _AUTH:
        scheme = _AUTH_SCHEME.match(value)
        if scheme:
            value, kind = scheme.group(1), _STRONG
        else:
            kind = _WEAK
    if len(value) < 4 or value in _KNOWN_EXAMPLES or _PLACEHOLDER.search(value) or _FILE_VALUE.search(value):
        return False
    if kind != _PASSPHRASE and any(c.isspace() for c in value):
        return False  # a prompt, a sentence or a label; only passphrases have spaces
    if len(set(value)) <= 2 or _all_run(value.lower()) or _mostly_one_character(value):
        return False  # "aaaa", "0000", "12345678", "abcdefgh", "AIzaaaaaaaaa…"
    if kind == _WEAK and _has_run(value, 6):
        return False
    if _SECRET_NAME_VALUE.match(value) and _NAME_VALUE_WORDS.search(value):
        return False
    if kind == _WEAK:
        return (
            bool(_RANDOM_VALUE.fullmatch(value))
            and any(c.isdigit() for c in value)
            and any(c.isalpha() for c in value)
            and _entropy(value) >= 3.5
        )
    return True


def _mostly_one_character(text: str) -> bool:
    # Twitter bearer tokens start with 21 "A"s and are real; "AIzaaaaaaaaaaaaa…" is not.
    return len(text) >= 8 and max(Counter(text).values()) * 2 > len(text)


def _all_run(text: str) -> bool:
    """The whole value is one sequence (``123456789``, ``abcdefgh``)."""
    return all(ord(b) - ord(a) == 1 for a, b in pairwise(text))


# -- the check ----------------------------------------------------------------------------------

_ENVIRON_DEFAULTS = frozenset({"getenv", "get", "setdefault", "get_secret", "getenv_or_default"})
# Calls whose positional argument at this index is a password: HTTPBasicAuth("ana", "…"),
# smtp.login("me@example.com", "…"), keyring.set_password("db", "ana", "…").
_PASSWORD_ARGUMENTS = {
    "HTTPBasicAuth": 1,
    "HTTPDigestAuth": 1,
    "HTTPProxyAuth": 1,
    "BasicAuth": 1,
    "login": 1,
    "set_password": 2,
}


def hardcoded_secret(ctx: Context) -> Iterator[Hit]:
    hits = list(ctx.per_cell("hardcoded-secret", _secrets_in))
    if not hits:  # most notebooks: no output is looked at
        return iter(hits)
    return iter(_with_outputs(ctx, hits))


def _secrets_in(ctx: Context, scope: CellScope) -> list[Local]:
    facts = _searched(scope)
    if not facts.strings:
        return []
    return [_hit(line, what) for line, what, _ in _credentials_in(facts, every=False)]


def _searched(scope: CellScope) -> CellFacts:
    """The facts the credentials are looked for in: a cell that does not parse has none, and is
    read token by token instead (a syntax error never hides a committed credential)."""
    if scope.facts.syntax_error is None:
        return scope.facts
    from ..notebook.tokens import token_facts  # here: most notebooks have no such cell

    return token_facts(scope.cell.source)


def _credentials_in(facts: CellFacts, every: bool) -> Iterator[tuple[int, str, str]]:
    """(line, what the message says, the literal's value) of the cell's credentials: the first of
    each line, or (``every``) all of them, for the outputs that may show any of them."""
    strings = facts.strings
    if not strings:
        return
    lines: set[int] = set()
    for binding in facts.string_bindings:
        kind = _name_kind(binding.name)
        if kind is not None and (every or binding.line not in lines):
            found = _named_secret(binding.value, kind)
            if found:
                lines.add(binding.line)
                yield (
                    binding.line,
                    found if found is not True else f"a literal string is bound to {_quoted(binding.name)}",
                    binding.value,
                )
    if len(strings) > 1:
        for call in facts.calls:
            if len(call.args) < 2 or (not every and call.line in lines):
                continue
            function = call.parts[-1]
            if function in _ENVIRON_DEFAULTS and len(call.args) == 2:
                # os.getenv("DB_PASSWORD", "hunter22"), os.environ.setdefault(…): the default is the secret.
                name, value = call.args
                kind = _name_kind(name) if type(name) is str and type(value) is str else None
                found = kind and _named_secret(value, kind)
                if found:
                    lines.add(call.line)
                    yield (
                        call.line,
                        found if found is not True else f"a literal string is the default of {_quoted(name)}",
                        value,
                    )
            elif function in _PASSWORD_ARGUMENTS and len(call.args) > _PASSWORD_ARGUMENTS[function]:
                value = call.args[_PASSWORD_ARGUMENTS[function]]
                if type(value) is str and _named_secret(value, _PASSPHRASE):
                    lines.add(call.line)
                    yield call.line, f"a literal password is passed to `{function}`", value
    gate = _ANY_GATE.search
    for line, value in strings:
        # the gate stops most strings
        if len(value) >= _MIN_SHAPE_LENGTH and gate(value) and (every or line not in lines):
            label = _shapes(value)[0]
            if label:
                lines.add(line)
                yield line, f"a string here has the shape of {label}", value


# -- saved outputs that show a credential -------------------------------------------------------
#
# Only for a notebook with a finding: the outputs of its code cells are searched for each
# credential's value, exactly, and as a repr (``'…'``) or HTML (``&amp;``) would show it. This is
# not memoised on the cell's facts (keyed by source): another cell's outputs decide it.


def _with_outputs(ctx: Context, hits: list[Hit]) -> Iterator[Hit]:
    scopes = {scope.cell.index: scope for scope in ctx.scopes}
    values: dict[tuple[int | None, int | None], set[str]] = {}
    for hit in hits:
        scope = scopes.get(hit.cell_index)  # type: ignore[arg-type]
        if scope is not None:
            key = ("hardcoded-secret", "values")
            by_line = ctx.memo(scope.facts, key, lambda s=scope: _values_by_line(_searched(s)))
            values[hit.cell_index, hit.line] = by_line.get(hit.line, set())  # type: ignore[arg-type]
    shown = cells_showing(ctx.notebook, {v for found in values.values() for v in found})
    for hit in hits:
        cells = sorted({c for v in values.get((hit.cell_index, hit.line), ()) for c in shown.get(v, ())})
        if not cells:
            yield hit
            continue
        where = cells_label(cells)
        yield hit._replace(
            message=f"{hit.message} The saved outputs of {where} show it too: the file holds it there even once the "
            "code no longer does.",
            suggestion=f"{hit.suggestion} Clear the outputs of {where} as well (the fix does).",
        )


def _values_by_line(facts: CellFacts) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for line, _, value in _credentials_in(facts, every=True):
        found.setdefault(line, set()).add(value)
    return found


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def cells_showing(notebook: Notebook, values: Iterable[str]) -> dict[str, tuple[int, ...]]:
    """For each value, the code cells (0-based, in order) whose saved outputs show it: in any text
    an output holds (stream text, every MIME type's data, an error's value and traceback — nbformat
    3's ``pyout``/``pyerr`` fields too; not base64 images), exactly, as a repr or as HTML would escape
    it."""
    forms = {value: _forms(value) for value in values if value}
    if not forms:
        return {}
    found: dict[str, list[int]] = {}
    for cell in notebook.cells:
        if not cell.outputs:
            continue
        texts = [text for output in cell.outputs for text in _texts(output)]
        for value, shapes in forms.items():
            if any(shape in text for text in texts for shape in shapes):
                found.setdefault(value, []).append(cell.index)
    return {value: tuple(cells) for value, cells in found.items()}


def _forms(value: str) -> tuple[str, ...]:
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    quoted = escaped.replace('"', "&quot;").replace("'", "&#x27;")
    # html.escape's two forms, written out: the html package loads its 2,000 entities at import
    return tuple({value, repr(value)[1:-1], escaped, quoted})


# Base64 images and PDFs (nbformat 3 names them without the type): they show no text, and are
# most of a notebook's output bytes.
_BINARY = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "png", "jpeg", "pdf"})


def _texts(output: Any) -> Iterator[str]:
    """Every string in an output (base64 images excepted), a list of strings (nbformat's multiline
    text) joined, terminal colours removed."""
    stack = [output]
    while stack:
        item = stack.pop()
        if type(item) is str:
            yield _ANSI.sub("", item) if "\x1b" in item else item
        elif type(item) is dict:
            for key, value in item.items():
                stack.append(key)
                if key not in _BINARY:
                    stack.append(value)
        elif type(item) is list:
            if item and all(type(part) is str for part in item):
                stack.append("".join(item))
            else:
                stack.extend(item)


def _named_secret(value: str, kind: str) -> str | bool:
    """For a literal bound to a secret's name: the shape's description when the value is key-shaped,
    True when the name makes it a credential, False when it is none."""
    # A key-shaped value is judged by its family's rules, whatever the name: a name adds nothing
    # to ``GITHUB_TOKEN = "ghp_xxxx…"`` or to the jwt.io example token.
    label, matched = _shapes(value) if len(value) >= _MIN_SHAPE_LENGTH else (None, False)
    if matched:
        return f"a string here has the shape of {label}" if label else False
    return _is_credential_value(value, kind)


def _quoted(name: str) -> str:
    # Names are not secrets, but a dict key could be anything: quote only what reads as a name.
    return (
        f"`{name}`"
        if len(name) <= 60 and re.fullmatch(r"[A-Za-z_][\w .-]*", name) and not _key_shape(name)
        else "a secret-named key"
    )


def _hit(line: int, what: str) -> Local:
    return (
        line,
        f"Credential in the notebook: {what}. Anyone with the file (or its git history) has it.",
        'Read it at run time instead, e.g. `os.environ["API_KEY"]` or a secrets manager, and rotate the one that was '
        "written here.",
    )


# -- what the fix needs to know (fixes/secrets.py) ------------------------------------------------


def is_secret(value: str, name: str | None) -> bool:
    """Whether the check takes this literal for a credential: bound to (or compared with, or the
    default of) ``name``, or, without a name, by its shape alone."""
    if name is not None:
        kind = _name_kind(name)
        if kind is not None:
            return bool(_named_secret(value, kind))
    return len(value) >= _MIN_SHAPE_LENGTH and _shapes(value)[0] is not None


def is_password_argument(function: str, position: int) -> bool:
    return _PASSWORD_ARGUMENTS.get(function) == position


def is_passphrase(value: str) -> bool:
    return bool(_named_secret(value, _PASSPHRASE))


def environ_default_call(function: str) -> bool:
    return function in _ENVIRON_DEFAULTS


def shape_of(value: str) -> str | None:
    """The label of the credential shape a literal has ("an AWS access key ID"), or None."""
    return _key_shape(value) if len(value) >= _MIN_SHAPE_LENGTH else None
