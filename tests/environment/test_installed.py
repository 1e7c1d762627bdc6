"""The installed-environment index: same answers as importlib.metadata, cached, never stale."""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys

from jupyterlab_readiness.environment.distributions import distributions_for, installed_version
from jupyterlab_readiness.environment.installed import installed, scan
from jupyterlab_readiness.environment.pep503 import normalize


def test_scan_agrees_with_importlib_metadata_on_this_environment():
    found = scan(sys.path)
    expected = {
        top: {normalize(d) for d in dists} for top, dists in importlib.metadata.packages_distributions().items()
    }
    assert {top: set(d) for top, d in found.modules.items()} == expected
    for dist in importlib.metadata.distributions():
        name = normalize(dist.metadata["Name"])
        if found.versions.get(name) != dist.version:
            # two copies on sys.path: importlib reports the first, like we do
            assert importlib.metadata.version(dist.metadata["Name"]) == found.versions[name]


def test_a_package_installed_later_is_seen_and_versions_come_from_dist_info(fake_site):
    assert installed_version("readiness-fake-dist") is None
    fake_site("readiness_fake_dist-3.2.1", "fakemod/__init__.py", "fakemod/core.py")
    assert installed().modules["fakemod"] == ("readiness-fake-dist",)
    assert distributions_for("fakemod.core") == ("readiness-fake-dist",)
    assert installed_version("readiness-fake-dist") == "3.2.1"
    assert installed_version("Readiness_Fake_Dist") == "3.2.1"


def test_the_cache_file_is_written_once_and_read_by_the_next_process(fake_site, tmp_path):
    site = fake_site("cachedist-1.0", "cachedmod.py").parent
    installed()
    (cache,) = (tmp_path / "cache").glob("installed-*.json")
    data = json.loads(cache.read_text())
    _, dists = data["folders"][str(site)]
    assert dists == [["cachedist", "1.0", ["cachedmod"]]]
    # a second process with the same sys.path reads the file: prove it by planting a marker in it
    dists.append(["from-the-cache", "9", ["planted_marker"]])
    cache.write_text(json.dumps(data))
    code = (
        f"import sys; sys.path[:] = {sys.path!r}; from jupyterlab_readiness.environment.installed import "
        "installed; print(installed().modules.get('planted_marker'))"
    )
    env = {"JUPYTER_READINESS_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.stdout.strip() == "('from-the-cache',)", result.stderr


def test_only_a_folder_that_changed_is_listed_again(fake_site, tmp_path, monkeypatch):
    from jupyterlab_readiness.environment import installed as module

    site = fake_site("firstdist-1.0", "firstmod.py").parent
    other = tmp_path / "other-site"
    other.mkdir()
    monkeypatch.syspath_prepend(str(other))
    installed()
    listed = []
    real = module._folder_dists
    monkeypatch.setattr(module, "_folder_dists", lambda folder: listed.append(folder) or real(folder))
    module._MEMO.clear()
    assert installed().versions["firstdist"] == "1.0" and listed == []  # all from the file
    (other / "seconddist-2.0.dist-info").mkdir()
    (other / "seconddist-2.0.dist-info" / "top_level.txt").write_text("secondmod\n")
    info = other.stat()  # as an install a moment later would leave it (not within the same clock tick)
    os.utime(other, ns=(info.st_atime_ns, info.st_mtime_ns + 10**9))
    assert installed().modules["secondmod"] == ("seconddist",)
    assert listed == [str(other)]  # the one folder whose mtime changed
    assert installed().modules["firstmod"] == ("firstdist",) and str(site) not in listed


def test_an_unwritable_cache_folder_is_not_an_error(fake_site, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    monkeypatch.setenv("JUPYTER_READINESS_CACHE_DIR", str(blocker / "cache"))
    fake_site("uncached-2.0", "uncachedmod.py")
    assert installed().versions["uncached"] == "2.0"
