"""The server's own environment, as its worker answers for a notebook without a kernel: one read
of the installed metadata while nothing is installed, read again once a package is."""

from __future__ import annotations

import os
import shutil

from jupyterlab_readiness.environment.kernel import distributions
from jupyterlab_readiness.server import jobs


def _install(fake_site, name: str, version: str):
    info = fake_site(f"{name}-{version}", f"{name}_mod/__init__.py")
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    site = info.parent
    stat = site.stat()  # as an install a moment later leaves it (not within the same clock tick)
    os.utime(site, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    return info


def test_an_answer_is_kept_until_a_package_is_installed_or_upgraded(fake_site, monkeypatch):
    reads = []
    real = distributions.environment
    monkeypatch.setattr(distributions, "environment", lambda *args: reads.append(args) or real(*args))
    old = _install(fake_site, "answerdist", "1.0")

    first = jobs.environment_answer(["answerdist_mod", "json"], [], False)
    assert first["modules"] == {"answerdist_mod": [["answerdist", "1.0"]], "json": []}
    assert jobs.environment_answer(["answerdist_mod", "json"], [], False) == first
    assert len(reads) == 1
    assert jobs.environment_answer(["answerdist_mod"], ["answerdist"], True)["versions"] == {
        "answerdist": ["answerdist", "1.0"]
    }
    assert len(reads) == 2  # another question: answered afresh

    shutil.rmtree(old)  # pip's upgrade: the old metadata goes, the new comes
    _install(fake_site, "answerdist", "2.0")
    assert jobs.environment_answer(["answerdist_mod", "json"], [], False)["modules"]["answerdist_mod"] == [
        ["answerdist", "2.0"]
    ]
    assert len(reads) == 3
