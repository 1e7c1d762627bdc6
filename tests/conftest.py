"""Shared fixtures (the notebook builders are in helpers/notebooks.py): a project folder, a check
of a notebook written there, a fake installed distribution, and the jupyter server the REST tests
run (pytest-jupyter), with every reply validated against the contract's schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers.notebooks import CORPUS, notebook
from jupyterlab_readiness.contract.report import NotebookReport
from jupyterlab_readiness.lint.engine import check_file
from jupyterlab_readiness.notebook import parse

pytest_plugins = ["pytest_jupyter.jupyter_server"]


def pytest_collection_modifyitems(config, items):
    if not CORPUS.is_dir():
        skip = pytest.mark.skip(reason=f"the shared corpus is not beside the repository ({CORPUS})")
        for item in items:
            if "corpus" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(autouse=True)
def _compiler_quiet_per_test():
    """A test that runs the CLI's check here sets ``quiet_process`` (the warning filters, for the
    rest of a one-shot process), and pytest puts the filters back after it: the flag goes with them,
    or every later test compiles notebook code with the compiler's warnings on."""
    yield
    parse._QUIET[0] = False


@pytest.fixture
def jp_server_config():
    """The server under test: this extension, and every reply checked against the REST schema."""
    return {
        "ServerApp": {"jpserver_extensions": {"jupyterlab_readiness": True}},
        "Readiness": {"probe_timeout": 1.0, "validate_replies": True},
    }


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder that is a repository root, so pin files above it are never picked up."""
    (tmp_path / ".git").mkdir()
    return tmp_path


@pytest.fixture
def check(project: Path):
    """check(*cells) → report for a notebook made of these cells, saved in `project`."""

    def run(*cells: dict[str, Any], language: str = "python", name: str = "analysis.ipynb") -> NotebookReport:
        path = project / name
        path.write_text(json.dumps(notebook(*cells, language=language)), encoding="utf-8")
        return check_file(path)

    return run


@pytest.fixture
def fake_site(tmp_path: Path, monkeypatch):
    """fake_site("name-1.0", "pkg/__init__.py", …): a real installed distribution on sys.path."""
    site = tmp_path / "site-packages"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("JUPYTER_READINESS_CACHE_DIR", str(tmp_path / "cache"))

    def install(name_version: str, *files: str) -> Path:
        info = site / f"{name_version}.dist-info"
        info.mkdir()
        (info / "RECORD").write_text("".join(f"{f},sha256=x,1\n" for f in files) + f"{info.name}/RECORD,,\n")
        for f in files:
            (site / f).parent.mkdir(parents=True, exist_ok=True)
            (site / f).write_text("")
        return info

    return install
