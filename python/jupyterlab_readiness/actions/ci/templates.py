"""The CI files ``jupyter-readiness ci init`` writes, as plain text (no YAML library needed). The
judging script is the one the repository's own GitHub Action (``action.yml``) runs; a test keeps
the two identical."""

from __future__ import annotations

import json
import re

# What every CI runs: choose the base to compare with, judge the changed notebooks (markdown for
# the job summary), keep the exit code, and export the findings as SARIF for code scanning.
# Environment: PATHS, CHANGED_SINCE, ALL, EVENT, PR_BASE, PUSH_BEFORE, SARIF, RUNNER_TEMP,
# GITHUB_STEP_SUMMARY, GITHUB_OUTPUT (the last four as a GitHub runner sets them).
JUDGE_SCRIPT = """\
ref="$CHANGED_SINCE"
if [ -z "$ref" ] && [ "$ALL" != "true" ]; then
  case "$EVENT" in
    pull_request | pull_request_target | merge_group) ref="$PR_BASE" ;;
    push) ref="$PUSH_BEFORE" ;;
  esac
fi
case "$ref" in 0000000000000000000000000000000000000000) ref="" ;; esac
# A force-push's previous head is in no clone: judging only "what changed" is then impossible,
# so every notebook is judged (an explicit changed-since that git does not know stays an error).
if [ -n "$ref" ] && [ -z "$CHANGED_SINCE" ] && ! git cat-file -e "$ref^{commit}" 2>/dev/null; then
  note="The event's base commit is not in this clone (a force-push rewrote it): every notebook is judged."
  echo "$note" >&2
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then printf '%s\\n\\n' "$note" >> "$GITHUB_STEP_SUMMARY"; fi
  ref=""
fi
args=()
if [ -n "$ref" ]; then args+=(--changed-since "$ref"); fi
read -r -a paths <<< "${PATHS:-.}"
out="${RUNNER_TEMP:-/tmp}/jupyter-readiness"
mkdir -p "$out"
status=0
jupyter-readiness contract "${args[@]}" --format markdown "${paths[@]}" > "$out/contract.md" || status=$?
cat "$out/contract.md"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$out/contract.md" >> "$GITHUB_STEP_SUMMARY"; fi
if [ "$SARIF" = "true" ]; then
  jupyter-readiness check --format sarif --fail-on never "${paths[@]}" > "$out/readiness.sarif" || true
  echo "sarif=$out/readiness.sarif" >> "$GITHUB_OUTPUT"
fi
echo "status=$status" >> "$GITHUB_OUTPUT"
if [ "$status" = 0 ]; then echo "ready=true" >> "$GITHUB_OUTPUT"; else echo "ready=false" >> "$GITHUB_OUTPUT"; fi
"""


def requirement(version: str) -> str:
    """What pip installs: this version (a source tree that was never built knows none: the latest)."""
    known = version and "+" not in version and version != "0.0.0"
    return f"jupyterlab-readiness=={version}" if known else "jupyterlab-readiness"


def _indent(text: str, spaces: int) -> str:
    pad = " " * spaces
    return "".join(pad + line if line.strip() else line for line in text.splitlines(keepends=True))


# Without a clone's origin/HEAD to say otherwise, the usual names of a default branch.
DEFAULT_BRANCHES = ("main", "master")


# Plain words YAML 1.1 (GitHub's reader) takes for a null or a boolean, not a branch's name.
_YAML_WORDS = frozenset({"null", "~", "true", "false", "yes", "no", "on", "off", "y", "n"})
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9._/-]*")


def _yaml_name(name: str) -> str:
    """A branch or a stage as YAML reads it back: written plain when it is a plain word, else
    quoted (``null``, ``yes`` or ``1.0`` would be read as a null, a boolean, a number; ``a: b``
    as a mapping)."""
    if name.lower() in _YAML_WORDS or not _PLAIN.fullmatch(name):
        return json.dumps(name)
    return name


def github_workflow(version: str, branches: tuple[str, ...] = DEFAULT_BRANCHES) -> str:
    return f"""\
# Written by `jupyter-readiness ci init --github` (jupyterlab-readiness {version}).
# Judges the notebooks a pull request (or a push) changes against the project's handoff contract
# ([tool.jupyter-readiness.contract] in pyproject.toml, or readiness-contract.toml): the verdict
# goes to the job summary, the findings to code scanning. Edit it freely: `ci init` never
# overwrites a changed file without --force.
name: Notebook handoff contract

on:
  pull_request:
  push:
    branches: [{", ".join(_yaml_name(b) for b in branches)}]

permissions:
  contents: read
  security-events: write  # upload the findings (SARIF) to code scanning

jobs:
  handoff-contract:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # --changed-since compares with the pull request's base commit
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install jupyterlab-readiness
        run: python -m pip install --disable-pip-version-check "{requirement(version)}"
      - name: Judge the changed notebooks
        id: contract
        shell: bash
        env:
          PATHS: "."
          CHANGED_SINCE: ""
          ALL: "false"
          EVENT: ${{{{ github.event_name }}}}
          PR_BASE: ${{{{ github.event.pull_request.base.sha }}}}
          PUSH_BEFORE: ${{{{ github.event.before }}}}
          SARIF: "true"
        run: |
{_indent(JUDGE_SCRIPT, 10)}      - name: Upload the findings to code scanning
        if: always() && steps.contract.outputs.sarif != ''
        # code scanning may be off (a private repository without it, a fork's read-only token):
        # the verdict below, not the upload, decides the job
        continue-on-error: true
        uses: github/codeql-action/upload-sarif@v3
        with:
          sarif_file: ${{{{ steps.contract.outputs.sarif }}}}
          category: jupyter-readiness
      - name: Verdict
        shell: bash
        env:
          STATUS: ${{{{ steps.contract.outputs.status }}}}
        run: exit "${{STATUS:-2}}"
"""


GITLAB_INCLUDE = ".gitlab/readiness.gitlab-ci.yml"


def gitlab_job(version: str, stage: str = "test") -> str:
    return f"""\
# Written by `jupyter-readiness ci init --gitlab` (jupyterlab-readiness {version}); included from
# .gitlab-ci.yml. Judges the notebooks a merge request (or a push) changes against the project's
# handoff contract; the verdict (markdown) is in the job log and kept as an artifact. Edit it
# freely: `ci init` never overwrites a changed file without --force.
handoff-contract:
  stage: {_yaml_name(stage)}
  image: python:3.12
  variables:
    GIT_DEPTH: "0"  # --changed-since compares with the merge request's base commit
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
  script:
    - python -m pip install --disable-pip-version-check "{requirement(version)}"
    - |
      ref="${{CI_MERGE_REQUEST_DIFF_BASE_SHA:-$CI_COMMIT_BEFORE_SHA}}"
      case "$ref" in 0000000000000000000000000000000000000000) ref="" ;; esac
      if [ -n "$ref" ] && ! git cat-file -e "$ref^{{commit}}" 2>/dev/null; then
        echo "The pipeline's base commit is not in this clone (a force-push rewrote it): every notebook is judged."
        ref=""
      fi
      status=0
      jupyter-readiness contract ${{ref:+--changed-since "$ref"}} --format markdown . > readiness-contract.md \\
        || status=$?
      cat readiness-contract.md
      exit "$status"
  artifacts:
    when: always
    paths:
      - readiness-contract.md
"""


def gitlab_root(version: str) -> str:
    return f"""\
# Written by `jupyter-readiness ci init --gitlab` (jupyterlab-readiness {version}).
include:
  - local: {GITLAB_INCLUDE}
"""
