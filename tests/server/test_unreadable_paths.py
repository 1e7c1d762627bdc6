"""Paths the file system cannot follow, against a real server: a symbolic link that loops, a name
longer than the system allows, a pin, configuration or contract file that is a FIFO, a folder or a
link out of the root. A request path is a 4xx that does not repeat it; a project file is reported
as a file that cannot be read, by the name it has in the project, and never waited on."""

from __future__ import annotations

import json
import os
import time

import pytest

from helpers.notebooks import code, md, notebook
from helpers.rest import never_shows, post, refused

NB = notebook(md("# Load"), code("x = 1\nprint(x)", 1), md("# Double"), code("y = x * 2\nprint(y)", 2))
IMPORTS = notebook(code("import tornado\nprint(tornado.version)", 1))
LOOP = "Too many levels of symbolic links"
LONG = "x" * 300

ROUTES = {
    "check": {},
    "fix": {},
    "freeze": {},
    "extract": {"cell_indices": [1]},
    "export": {},
    "waive": {"check": "wall-clock", "reason": "r"},
    "rehearse": {},
}


def loop(folder, name="loopA", other="loopB"):
    (folder / name).symlink_to(other)
    (folder / other).symlink_to(name)


def save(path, nb=IMPORTS):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb))


def unpinned(reply):
    return [f["message"] for f in reply["findings"] if f["check"] == "unpinned-import"]


# ---------------------------------------------------------------- request paths


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("path", ["loopA", "loopA/nb.ipynb", f"{LONG}.ipynb", f"sub/{LONG}/nb.ipynb"])
async def test_a_looping_or_overlong_request_path_is_a_400_that_does_not_repeat_it(jp_fetch, jp_root_dir, route, path):
    loop(jp_root_dir)
    message = await refused(jp_fetch, route, 400, {"path": path, **ROUTES[route]})
    assert message.startswith("cannot read the file: ")
    assert (LOOP if path.startswith("loop") else "File name too long") in message
    never_shows(message, "loopA", "loopB", LONG[:50])


@pytest.mark.parametrize("field", ["out", "template"])
@pytest.mark.parametrize("value", ["loopA", "loopA/pkg", LONG, f"sub/{LONG}", f"{LONG}/pkg"])
async def test_an_export_destination_or_template_that_loops_or_is_overlong_is_a_400(
    jp_fetch, jp_root_dir, field, value
):
    loop(jp_root_dir)
    save(jp_root_dir / "nb.ipynb", NB)
    for write in (False, True):
        message = await refused(
            jp_fetch, "export", 400, {"path": "nb.ipynb", "name": "pkg", field: value, "write": write}
        )
        assert LOOP in message or "File name too long" in message
        never_shows(message, "loopA", "loopB", LONG[:50])
    assert sorted(p.name for p in jp_root_dir.iterdir()) == ["loopA", "loopB", "nb.ipynb"]


# ---------------------------------------------------------------- project files that loop


@pytest.mark.parametrize("where", ["sub", "."])
async def test_a_looping_pyproject_is_a_configuration_that_cannot_be_read(jp_fetch, jp_root_dir, where):
    folder = jp_root_dir / where
    folder.mkdir(exist_ok=True)
    (folder / "pyproject.toml").symlink_to("pyproject.toml")
    save(jp_root_dir / "sub" / "nb.ipynb")
    shown = "sub/pyproject.toml" if where == "sub" else "pyproject.toml"
    reply = await post(jp_fetch, "check", {"path": "sub/nb.ipynb"})
    assert reply["error"] == f"configuration error: {shown}: cannot read it: {LOOP}"
    assert reply["contract"]["error"] is not None and shown in reply["contract"]["error"]
    message = await refused(jp_fetch, "freeze", 400, {"path": "sub/nb.ipynb"})
    assert message.startswith(f"{shown}: cannot read it: {LOOP}")
    requirements = await post(jp_fetch, "freeze", {"path": "sub/nb.ipynb", "target": "requirements"})
    assert f"pin file not read: {shown}: {LOOP}" in requirements["warnings"]


async def test_a_looping_contract_is_a_contract_that_cannot_be_read(jp_fetch, jp_root_dir):
    (jp_root_dir / "readiness-contract.toml").symlink_to("readiness-contract.toml")
    save(jp_root_dir / "nb.ipynb", NB)
    reply = await post(jp_fetch, "check", {"path": "nb.ipynb"})
    assert reply["error"] is None
    assert reply["contract"]["error"].endswith(f"readiness-contract.toml: cannot read it: {LOOP}")
    assert reply["contract"]["ready"] is False
    message = await refused(jp_fetch, "waive", 409, {"path": "nb.ipynb", "check": "print-logging", "reason": "r"})
    assert message.endswith(f"readiness-contract.toml: cannot read it: {LOOP}")


async def test_a_looping_requirements_file_is_a_pin_file_that_cannot_be_read(jp_fetch, jp_root_dir):
    save(jp_root_dir / "sub" / "nb.ipynb")
    loop(jp_root_dir / "sub", "requirements.txt", "requirements-dev.txt")
    reply = await post(jp_fetch, "check", {"path": "sub/nb.ipynb"})
    [finding] = unpinned(reply)
    assert f"requirements.txt: {LOOP}" in finding and f"requirements-dev.txt: {LOOP}" in finding
    for write in (False, True):
        body = {"path": "sub/nb.ipynb", "target": "requirements", "write": write}
        assert await refused(jp_fetch, "freeze", 400, body) == f"cannot read the file: {LOOP}"


# ---------------------------------------------------------------- files that are not regular files


@pytest.mark.parametrize("kind", ["fifo", "folder", "dangling link"])
async def test_a_requirements_file_that_is_not_a_file_is_named_never_skipped(jp_fetch, jp_root_dir, kind):
    save(jp_root_dir / "s1" / "nb.ipynb")
    target = jp_root_dir / "s1" / "requirements.txt"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "folder":
        target.mkdir()
    else:
        target.symlink_to("gone.txt")
    started = time.monotonic()
    [finding] = unpinned(await post(jp_fetch, "check", {"path": "s1/nb.ipynb"}))
    assert time.monotonic() - started < 10
    assert "a pin file could not be read" in finding and "requirements.txt: " in finding, finding
    assert "no requirements or lock file was found" not in finding and "gone.txt" not in finding


async def test_a_pin_file_linked_out_of_the_root_is_named_by_its_link(jp_fetch, jp_root_dir, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "req.txt"
    outside.write_text("tornado==6.0\n")
    save(jp_root_dir / "s1" / "nb.ipynb")
    (jp_root_dir / "s1" / "requirements.txt").symlink_to(outside)
    [finding] = unpinned(await post(jp_fetch, "check", {"path": "s1/nb.ipynb"}))
    assert "requirements.txt: outside the server root: not read" in finding, finding
    never_shows(finding, "req.txt", str(outside))
    # freeze never writes through the link (a 403): it names it among the files it did not read
    (jp_root_dir / "s1" / "requirements.txt").rename(jp_root_dir / "s1" / "requirements-dev.txt")
    freeze = await post(jp_fetch, "freeze", {"path": "s1/nb.ipynb"})
    assert freeze["warnings"] == ["pin file not read: s1/requirements-dev.txt: outside the server root: not read"]


async def test_a_contract_linked_out_of_the_root_is_a_contract_that_cannot_be_read(
    jp_fetch, jp_root_dir, tmp_path_factory
):
    outside = tmp_path_factory.mktemp("outside") / "team.toml"
    outside.write_text("min-score = 100\n")
    (jp_root_dir / "readiness-contract.toml").symlink_to(outside)
    save(jp_root_dir / "nb.ipynb", NB)
    verdict = (await post(jp_fetch, "check", {"path": "nb.ipynb"}))["contract"]
    assert verdict["error"].endswith("readiness-contract.toml: cannot read it: outside the server root")
    assert verdict["ready"] is False
    never_shows(verdict["error"], "team.toml", str(outside))
    message = await refused(jp_fetch, "waive", 409, {"path": "nb.ipynb", "check": "print-logging", "reason": "r"})
    assert verdict["error"].endswith(message)


@pytest.mark.parametrize("kind", ["fifo", "link out of the root"])
async def test_a_pyproject_that_cannot_be_read_is_a_configuration_error(jp_fetch, jp_root_dir, tmp_path_factory, kind):
    save(jp_root_dir / "nb.ipynb", NB)
    if kind == "fifo":
        os.mkfifo(jp_root_dir / "pyproject.toml")
        why = "it is not a regular file"
    else:
        outside = tmp_path_factory.mktemp("outside") / "other.toml"
        outside.write_text("[tool.jupyter-readiness]\ndisable = []\n")
        (jp_root_dir / "pyproject.toml").symlink_to(outside)
        why = "outside the server root"
    reply = await post(jp_fetch, "check", {"path": "nb.ipynb"})
    assert reply["error"] == f"configuration error: pyproject.toml: cannot read it: {why}"
    never_shows(reply["error"], "other.toml")


# ---------------------------------------------------------------- nothing sent is repeated


@pytest.mark.parametrize(
    ("route", "body", "secrets"),
    [
        ("freeze", {"path": "nb.ipynb", "versions": {"MYSECRETPKG": ["x"]}}, ["MYSECRETPKG"]),
        ("freeze", {"path": "nb.ipynb", "versions": {"K" * 260: 1}}, ["K" * 20]),
        ("rehearse", {"path": "nb.ipynb", "parameters": {"MYSECRETPARAM": 1}}, ["MYSECRETPARAM"]),
        (
            "freeze",
            {"path": "nb.ipynb", "versions": {"mysecretpkg_not_installed": "not a version"}},
            ["mysecretpkg", "not a version"],
        ),
        ("extract", {"path": "nb.ipynb", "cell_indices": [1180591620717411303424]}, ["1180591620717411303424"]),
        ("extract", {"path": "nb.ipynb", "cell_indices": [7]}, ["7"]),
    ],
)
async def test_a_refusal_never_repeats_a_name_or_a_number_that_was_sent(jp_fetch, jp_root_dir, route, body, secrets):
    save(jp_root_dir / "nb.ipynb", notebook(code("import mysecretpkg_not_installed\nx = 1", 1)))
    message = await refused(jp_fetch, route, 400, body)
    never_shows(message, *secrets)


async def test_a_dict_key_in_an_invalid_body_is_a_placeholder(jp_fetch):
    message = await refused(jp_fetch, "freeze", 400, {"path": "nb.ipynb", "versions": {"MYSECRETPKG": ["x"]}})
    assert message == "invalid request body: versions.<key>: Input should be a valid string"
