"""hardcoded-secret: credentials written into cells — and never repeated in the report."""

from __future__ import annotations

import json

import pytest

from helpers import secret_cases as sc
from helpers.notebooks import code, findings_of, md, notebook
from helpers.secret_cases import CASES
from jupyterlab_readiness.checks import secrets
from jupyterlab_readiness.checks.secrets import cells_showing, redact
from jupyterlab_readiness.contract.report import to_dict
from jupyterlab_readiness.lint.engine import check_file, check_notebook
from jupyterlab_readiness.notebook.model import notebook_from_json

# AWS's documentation example, AKIAIOSFODNN7EXAMPLE, is a placeholder (see secret_cases.py).
AWS_KEY = "AKIA" + "Q3EGRN7WZKXM4TBY"
GITHUB_TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"


def secret_findings(report):
    return [f for f in report.findings if f.check == "hardcoded-secret"]


def assert_not_leaked(report, secret):
    """The secret appears in no field of any finding, nor anywhere in the report's JSON."""
    for finding in report.findings:
        for value in to_dict(finding).values():
            assert secret not in str(value)
    assert secret not in json.dumps(to_dict(report))


# The ids never contain the secret: pytest puts the test id into tmp_path, i.e. into report.path.
POSITIVES = [
    ('password = "hunter22"', "hunter22", "`password`"),
    ('API_KEY = "abcd1234efgh"', "abcd1234efgh", "`API_KEY`"),
    ('conn = connect(host="db", password="s3cr3tpw")', "s3cr3tpw", "`password`"),
    ('cfg = {"api_key": "k3yk3yk3y9"}', "k3yk3yk3y9", "`api_key`"),
    ('self_password = "pa55w0rd!"', "pa55w0rd!", "`self_password`"),
    ('os.environ["DB_PASSWORD"] = "t0ps3cret"', "t0ps3cret", "`DB_PASSWORD`"),
    ('access_token = "abcd1234efgh5678"', "abcd1234efgh5678", "`access_token`"),
    ('def connect(user, password="hunter22"):\n    return user', "hunter22", "`password`"),
    ('class Settings: db_password = "hunter22"', "hunter22", "`db_password`"),
    (f'key = "{AWS_KEY}"', AWS_KEY, "AWS access key"),
    (f'print("{AWS_KEY}")', AWS_KEY, "AWS access key"),
    (f'headers = {{"Authorization": "Bearer {GITHUB_TOKEN}"}}', GITHUB_TOKEN, "GitHub token"),
    ('engine = create_engine("postgresql://user:pw123@host/db")', "pw123", "password in a connection URL"),
]


POSITIVE_IDS = [
    "password-name",
    "api-key-name",
    "password-keyword",
    "dict-key",
    "suffix-name",
    "environ-assignment",
    "access-token-name",
    "parameter-default",
    "class-attribute",
    "aws-shape-bound",
    "aws-shape-anywhere",
    "github-shape",
    "url-password",
]
assert len(POSITIVE_IDS) == len(POSITIVES)


@pytest.mark.parametrize("source, secret, what", POSITIVES, ids=POSITIVE_IDS)
def test_secret_fires_and_is_never_repeated(check, source, secret, what):
    report = check(code("import os\n" + source, 1))
    assert findings_of(report, "hardcoded-secret") == [(0, 2)]
    (finding,) = secret_findings(report)
    assert finding.severity == "error"
    assert what in finding.message
    assert "Credential" in finding.message
    assert "os.environ" in finding.suggestion
    assert_not_leaked(report, secret)


@pytest.mark.parametrize(
    "source",
    [
        'password = os.environ["PW"]',
        'password = os.getenv("PW")',
        'password = ""',
        'password = "xxxx"',
        'api_key = "<your key here>"',
        'api_key = "YOUR_API_KEY"',
        'api_key = "${API_KEY}"',
        'pad_token = "[PAD]"',
        'eos_token = "</s>"',
        'bos_token = "<s>"',
        'token_url = "https://example.com/oauth/token"',
        'password_file = "secrets.txt"',
        'password_length = "12345"',
        'username = "hunter22"',
        'url = "https://example.com/a/b"',
        'url = "postgresql://user@host/db"',
        'msg = "enter your password here"',
    ],
)
def test_non_secrets_do_not_fire(check, source):
    report = check(code("import os\n" + source, 1))
    assert findings_of(report, "hardcoded-secret") == []


def test_bare_token_names_are_treated_as_tokenizer_vocabulary(check):
    # Documents current behaviour: a variable or key named exactly `token`/`tokens` is taken for
    # NLP vocabulary (`token = "hello"`) and never fires on the name alone, while `*_token` names
    # do. A key-shaped value still fires through its shape whatever the name.
    report = check(
        code('token = "abcd1234efgh5678"\ntokens = "abcd1234efgh5678"\ncfg = {"token": "abcd1234efgh5678"}', 1),
        code('auth_token = "abcd1234efgh5678"', 2),
        code(f'token = "{GITHUB_TOKEN}"', 3),
    )
    assert findings_of(report, "hardcoded-secret") == [(1, 1), (2, 1)]
    assert "`auth_token`" in secret_findings(report)[0].message
    assert "GitHub token" in secret_findings(report)[1].message
    assert_not_leaked(report, "abcd1234efgh5678")
    assert_not_leaked(report, GITHUB_TOKEN)


def test_one_finding_per_line_and_lines_are_exact(check):
    report = check(
        md("# Config"),
        code(f'import os\nuser = "ana"\npassword = "hunter22"  # {AWS_KEY}\napi_key = "{AWS_KEY}"', 1),
    )
    # line 3: the name binding (a comment is not a string literal); line 4: one finding although
    # both the name and the AWS key shape match.
    assert findings_of(report, "hardcoded-secret") == [(1, 3), (1, 4)]
    assert_not_leaked(report, "hunter22")
    assert_not_leaked(report, AWS_KEY)


def test_secret_in_a_cell_that_also_has_a_user_path_is_not_leaked(check):
    # Other checks quote literals (absolute-path shows the path): the URL password must still
    # not surface through any of them.
    report = check(
        code(
            'import os\nengine = create_engine("postgresql://ana:pw123xyz@localhost/db")\nout = "/home/ana/out.csv"', 1
        )
    )
    assert findings_of(report, "hardcoded-secret") == [(0, 2)]
    assert findings_of(report, "absolute-path") == [(0, 3)]
    assert_not_leaked(report, "pw123xyz")


def test_secret_names_are_case_insensitive(check):
    report = check(code('DB_Password = "hunter22"\nSecretKey = "q9w8e7r6t5"', 1))
    assert findings_of(report, "hardcoded-secret") == [(0, 1), (0, 2)]
    assert "`DB_Password`" in secret_findings(report)[0].message
    assert "`SecretKey`" in secret_findings(report)[1].message
    assert_not_leaked(report, "hunter22")
    assert_not_leaked(report, "q9w8e7r6t5")


def test_secret_echoed_in_a_saved_traceback_is_not_repeated_by_the_report(check):
    # The driver's error message quotes the connection URL; error-output quotes the evalue. The
    # report (printed in CI logs, uploaded as SARIF) must not carry the password through it.
    error = {
        "output_type": "error",
        "ename": "OperationalError",
        "evalue": "could not connect to postgresql://ana:pw123xyz@localhost/db",
        "traceback": [],
    }
    report = check(
        code('engine = create_engine("postgresql://ana:pw123xyz@localhost/db")\nengine.connect()', 1, outputs=[error])
    )
    assert findings_of(report, "hardcoded-secret") == [(0, 1)]
    assert findings_of(report, "error-output") == [(0, None)]
    assert "OperationalError" in next(f for f in report.findings if f.check == "error-output").message
    assert_not_leaked(report, "pw123xyz")


def test_facts_bind_compared_literals_and_dict_values_at_their_line():
    from jupyterlab_readiness.notebook.facts import cell_facts

    facts = cell_facts(
        'if password == "a1":\n    pass\nok = "b2" != cfg.token\ncfg = {\n    "user": "ana",\n    "pw": "c3",\n}\nx = '
        'a < "d4"'
    )
    assert sorted((b.line, b.name, b.value) for b in facts.string_bindings) == [
        (1, "password", "a1"),
        (3, "token", "b2"),
        (5, "user", "ana"),
        (6, "pw", "c3"),
    ]


# -- the labelled fixture set (tests/helpers/secret_cases.py) -----------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture_case(check, case):
    report = check(code(case.source, 1))
    expected = [(0, line) for line in case.lines] if case.fires and not case.known_miss else []
    assert findings_of(report, "hardcoded-secret") == expected, f"{case.family} ({case.origin})"
    if case.secret:
        assert_not_leaked(report, case.secret)


def test_fixture_set_covers_every_family_both_ways():
    assert len(CASES) >= 100
    assert len({c.id for c in CASES}) == len(CASES)
    families = {c.family for c in CASES}
    for family in families - {"entropy", "generic", "positional"}:
        assert {c.fires for c in CASES if c.family == family} == {True, False}, family
    for case in CASES:
        assert case.fires == bool(case.secret) == bool(case.lines), case.id


# -- redact(): saved tracebacks quote credentials; error-output masks them --------------------

REDACTED = [
    (sc.AKIA, sc.AKIA),
    (sc.A3T, sc.A3T),
    (sc.GHP, sc.GHP),
    (sc.GITHUB_PAT, sc.GITHUB_PAT),
    (sc.GLPAT, sc.GLPAT),
    (sc.XOXB, sc.XOXB),
    (sc.SLACK_HOOK, sc.SLACK_HOOK[-24:]),
    (sc.SK_TEST, sc.SK_TEST),
    (sc.GOOGLE_DASH, sc.GOOGLE_DASH),
    (sc.GOOGLE_UNDERSCORE, sc.GOOGLE_UNDERSCORE),
    (sc.OPENAI_PROJ, sc.OPENAI_PROJ),
    (sc.ANTHROPIC, sc.ANTHROPIC),
    (sc.HF, sc.HF),
    (sc.TWILIO_SK, sc.TWILIO_SK),
    (sc.SENDGRID, sc.SENDGRID),
    (sc.NPM, sc.NPM),
    (sc.PYPI, sc.PYPI),
    (sc.AZURE_AD, sc.AZURE_AD),
    (f"AccountName=acme;AccountKey={sc.AZURE_ACCOUNT_KEY};", sc.AZURE_ACCOUNT_KEY),
    (sc.JWT, sc.JWT.split(".")[2]),
    (f"-----BEGIN RSA PRIVATE KEY----- {sc.PEM_LINES} -----END RSA PRIVATE KEY-----", sc.PEM_LINES.split()[1]),
    (f"postgresql://etl:{sc.URL_PW}@db/sales", sc.URL_PW),
    ("Server=db;Uid=etl;Pwd=Qv7rLm2pX9;", "Qv7rLm2pX9"),
    ("401 Unauthorized: Bearer abcDEF123456ghiJKL789", "abcDEF123456ghiJKL789"),
]


@pytest.mark.parametrize("text, secret", REDACTED, ids=[f"shape-{i}" for i in range(len(REDACTED))])
def test_redact_masks_every_shape(text, secret):
    masked = redact(f"HTTPError: request with {text} failed")
    assert secret not in masked
    assert masked.startswith("HTTPError: request with ") and masked.endswith(" failed")


def test_redact_leaves_plain_text_alone():
    text = "KeyError: 'AKIA' not in columns; see https://example.com/docs?a=1 (token count 12)"
    assert redact(text) == text


def test_credential_quoted_by_a_saved_traceback_is_masked_in_the_report(check):
    error = {
        "output_type": "error",
        "ename": "GithubException",
        "evalue": f"401 Bad credentials for {sc.GITHUB_PAT}",
        "traceback": [],
    }
    report = check(code("g = Github(os.environ['GH'])\ng.get_user()", 1, outputs=[error]))
    assert findings_of(report, "error-output") == [(0, None)]
    assert_not_leaked(report, sc.GITHUB_PAT)


# ------------------------------------------------------------------ saved outputs that show it
OPENAI_KEY = "sk-proj-" + "Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa98765"


def stream(text: str) -> dict:
    return {"output_type": "stream", "name": "stdout", "text": text.splitlines(keepends=True)}


def result(count: int, plain: str, **more: str) -> dict:
    data = {"text/plain": plain.splitlines(keepends=True), **more}
    return {"output_type": "execute_result", "execution_count": count, "metadata": {}, "data": data}


def leaky_cells() -> list[dict]:
    """A notebook as JupyterLab saves it after a session: the key in cell 2's source, and shown by
    its repr (cell 2), a print (cell 3), a printed config dict (cell 4) and a traceback (cell 5);
    cell 6's output does not show it."""
    traceback = {
        "output_type": "error",
        "ename": "HTTPError",
        "evalue": f"401 Client Error: Unauthorized for url: https://api.example.com/v1?key={OPENAI_KEY}",
        "traceback": [
            "\x1b[0;31m---------------------------------------------------------------------------\x1b[0m",
            "\x1b[0;31mHTTPError\x1b[0m                                 Traceback (most recent call last)",
            "Cell \x1b[0;32mIn[5], line 2\x1b[0m\n\x1b[1;32m      1\x1b[0m r \x1b[38;5;241m=\x1b[39m "
            "requests\x1b[38;5;241m.\x1b[39mget(url, params\x1b[38;5;241m=\x1b[39mconfig)\n\x1b[0;32m----> 2\x1b[0m "
            "r\x1b[38;5;241m.\x1b[39mraise_for_status()\n",
            f"\x1b[0;31mHTTPError\x1b[0m: 401 Client Error: Unauthorized for url: "
            f"https://api.example.com/v1?key={OPENAI_KEY}",
        ],
    }
    return [
        md("# Daily pull"),
        code(f'import requests\napi_key = "{OPENAI_KEY}"\napi_key', 1, [result(1, repr(OPENAI_KEY))]),
        code("print(api_key)", 2, [stream(OPENAI_KEY + "\n")]),
        code(
            'config = {"url": "https://api.example.com/v1", "key": api_key}\nprint(config)',
            3,
            [stream(str({"url": "https://api.example.com/v1", "key": OPENAI_KEY}) + "\n")],
        ),
        code("r = requests.get(config['url'], params=config)\nr.raise_for_status()", 4, [traceback]),
        code("len(api_key)", 5, [result(5, str(len(OPENAI_KEY)))]),
    ]


def test_saved_outputs_that_show_the_credential_are_named_in_the_finding(check):
    report = check(*leaky_cells())
    (finding,) = secret_findings(report)
    assert (finding.cell_index, finding.line) == (1, 2)
    assert "saved outputs of cells 2, 3, 4 and 5 show it" in finding.message  # numbered from 1
    assert "cells 2, 3, 4 and 5" in finding.suggestion and "6" not in finding.message
    assert_not_leaked(report, OPENAI_KEY)


def test_a_credential_no_output_shows_keeps_the_plain_message(check):
    (finding,) = secret_findings(check(code(f'api_key = "{OPENAI_KEY}"\nlen(api_key)', 1, [result(1, "48")])))
    assert "saved output" not in finding.message and "outputs" not in finding.suggestion


def test_the_outputs_of_another_notebook_with_the_same_cell_are_not_remembered(project):
    # The per-cell memo is keyed by source: whether outputs show the credential is not in it.

    cell = f'api_key = "{OPENAI_KEY}"\napi_key'
    shown = check_notebook(notebook(code(cell, 1, [result(1, repr(OPENAI_KEY))])), project / "a.ipynb")
    cleared = check_notebook(notebook(code(cell, 1)), project / "a.ipynb")
    again = check_notebook(notebook(code(cell, 1, [result(1, repr(OPENAI_KEY))])), project / "a.ipynb")
    assert "saved outputs of cell 1" in secret_findings(shown)[0].message
    assert "saved output" not in secret_findings(cleared)[0].message
    assert secret_findings(again)[0].message == secret_findings(shown)[0].message


def test_outputs_are_not_read_when_no_cell_holds_a_credential(check, monkeypatch):
    def refuse(output):
        raise AssertionError("an output was scanned")

    monkeypatch.setattr(secrets, "_texts", refuse)
    report = check(code('name = "ana"\nprint(name)', 1, [stream("ana\n")]), code("1 / 0", 2, [result(2, "x")]))
    assert secret_findings(report) == []
    with pytest.raises(AssertionError, match="scanned"):
        check(code(f'api_key = "{OPENAI_KEY}"', 1, [stream("anything\n")]))


def test_nbformat3_outputs_are_searched_too(project):
    old = {
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {},
        "worksheets": [
            {
                "cells": [
                    {
                        "cell_type": "code",
                        "language": "python",
                        "input": f'token = "{GITHUB_TOKEN}"\ntoken',
                        "prompt_number": 1,
                        "outputs": [{"output_type": "pyout", "prompt_number": 1, "text": [repr(GITHUB_TOKEN)]}],
                    },
                    {"cell_type": "code", "language": "python", "input": "x = 1", "prompt_number": 2, "outputs": []},
                    {
                        "cell_type": "code",
                        "language": "python",
                        "input": "login(token)",
                        "prompt_number": 3,
                        "outputs": [
                            {
                                "output_type": "pyerr",
                                "ename": "ValueError",
                                "evalue": f"bad credentials {GITHUB_TOKEN}",
                                "traceback": [],
                            }
                        ],
                    },
                ]
            }
        ],
    }
    path = project / "old.ipynb"
    path.write_text(json.dumps(old))
    report = check_file(path)
    (finding,) = secret_findings(report)
    assert "saved outputs of cells 1 and 3 show it" in finding.message
    assert_not_leaked(report, GITHUB_TOKEN)


def test_a_credential_is_found_in_outputs_as_a_repr_or_html_shows_it():
    value = "Tr0ub&4dor's\\x9"
    nb = notebook_from_json(
        notebook(
            code("a", 1, [result(1, repr(value))]),  # 'Tr0ub&4dor\'s\\x9'
            code("b", 2, [result(2, "table", **{"text/html": [f"<td>{value.replace('&', '&amp;')}</td>"]})]),
            code("c", 3, [result(3, "x", **{"application/json": {"nested": [{"k": value}]}})]),
            code("d", 4, [result(4, value[:-1])]),
            code("e", 5, [result(5, "<Figure>", **{"image/png": "iVBORw0KGgo" + value})]),  # base64 shows no text
            md(value),
        )
    )
    assert cells_showing(nb, [value, "nowhere-to-be-seen"]) == {value: (0, 1, 2)}


@pytest.mark.parametrize(
    "source, line",
    [
        ('password = "hunter2-SuperSecretValue-9"\nx = f(', 1),  # an unclosed call below it
        (f'key = "{AWS_KEY}"\nfor\n', 1),
        ('connect(password="hunter2-SuperSecretValue-9")\nif x\n', 1),
        (f'x = 1\ncreds = {{"token": "{GITHUB_TOKEN}"}}\ny = "unterminated\n', 2),
        (f'!curl -H "Authorization: token {GITHUB_TOKEN}" https://api.github.com\nprint(1', 1),
    ],
    ids=["binding", "shape", "keyword", "dict-key", "shell-line"],
)
def test_a_syntax_error_never_hides_a_credential(check, source, line):
    report = check(code(source, 1))
    assert findings_of(report, "syntax-error"), "the case must not parse"
    assert findings_of(report, "hardcoded-secret") == [(0, line)]
    passed = {item.id: item.status for item in report.checklist}
    assert passed["secrets"] == "fail"
    assert_not_leaked(report, "hunter2-SuperSecretValue-9")
    assert_not_leaked(report, GITHUB_TOKEN)


def test_what_a_cell_that_does_not_parse_holds_besides_credentials_is_not_one(check):
    report = check(code('path = "/home/ana/data.csv"\nname = "ana"\nprint(x', 1))
    assert not findings_of(report, "hardcoded-secret")
    assert not findings_of(report, "absolute-path")  # the other checks still skip the cell
