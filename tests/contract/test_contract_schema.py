"""One source for the REST contract: the committed JSON schema is what the Python models produce,
and the committed TypeScript types are what json-schema-to-typescript makes of it."""

from __future__ import annotations

import shutil
import subprocess

from helpers.notebooks import REPO
from jupyterlab_readiness.contract.schema import SCHEMA_FILE, render

CONTRACT_TS = REPO / "src" / "contract.ts"


def test_the_committed_schema_is_what_the_models_produce():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == render(), (
        "rest.schema.json is stale: run `jlpm build:contract` and commit the result"
    )


def test_the_committed_typescript_is_generated_from_the_schema():
    jlpm = shutil.which("jlpm")
    assert jlpm, "jlpm (shipped with jupyterlab) is needed to run json-schema-to-typescript"
    committed = CONTRACT_TS.read_text(encoding="utf-8")
    try:
        done = subprocess.run(
            [jlpm, "build:contract:ts"], cwd=REPO, capture_output=True, text=True, timeout=120, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr
        generated = CONTRACT_TS.read_text(encoding="utf-8")
    finally:
        CONTRACT_TS.write_text(committed, encoding="utf-8")
    assert generated == committed, "src/contract.ts is stale: run `jlpm build:contract` and commit the result"
