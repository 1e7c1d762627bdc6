import errno
import json
import os
import textwrap

import pytest

from jupyterlab_readiness.environment.pins import PinError, PinSet, find_pins


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path):
    """A repository root (``.git``) with a notebook folder below it."""
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    return tmp_path / "repo"


# -- PinSet ------------------------------------------------------------------------------------


def test_pinset_normalizes_lookups():
    pins = PinSet(pins={"scikit-learn": "1.4.0"})
    assert pins.pinned("Scikit_Learn")
    assert pins.version("scikit.learn") == "1.4.0"
    assert not pins.pinned("numpy")
    assert pins.version("numpy") is None


def test_pinset_is_immutable(repo):
    write(repo / "requirements.txt", "numpy==1.26.4\n")
    pins = find_pins(repo)
    with pytest.raises(TypeError):
        pins.pins["numpy"] = "2"
    with pytest.raises(AttributeError):
        pins.files = ()


# -- requirements*.txt -------------------------------------------------------------------------


def test_requirements_exact_pins_only(repo):
    write(
        repo / "requirements.txt",
        """
        # a comment
        numpy==1.26.4  # trailing comment
        Pandas_Extra[perf,io] == 2.1.0 ; python_version >= "3.9"
        arbitrary===1.0+local
        scipy>=1.11
        wild==1.2.*
        ranged>=1,<2
        bare
        requests==2.31.0 \\
            --hash=sha256:aaaa \\
            --hash=sha256:bbbb
        -e git+https://example.com/x.git#egg=edit
        --index-url https://pypi.example.com/simple
        direct @ https://example.com/direct-1.0.tar.gz
        https://example.com/archive.zip
        ./local/path
        this is not a requirement ((
        """,
    )
    pins = find_pins(repo)
    assert dict(pins.pins) == {
        "numpy": "1.26.4",
        "pandas-extra": "2.1.0",
        "arbitrary": "1.0+local",
        "requests": "2.31.0",
    }
    assert pins.files == (str(repo / "requirements.txt"),)
    assert pins.errors == ()
    # a URL or a path names exactly what pip installs: exact, with no version; a repository URL
    # with no tag or commit follows a branch: not a pin
    assert pins.direct == {"direct", "path"} and pins.floating == {"edit"}
    assert pins.pinned("direct") and pins.version("direct") is None
    assert not pins.pinned("edit") and not pins.pinned("this")


def test_direct_references_are_read_everywhere_pins_are(repo):
    write(repo / "requirements.txt", "-r base.txt\nPyYAML @ git+https://github.com/yaml/pyyaml@6.0.1\n./libs/numpy\n")
    write(
        repo / "base.txt",
        "-e git+https://github.com/pytest-dev/pytest@8.0.0#egg=pytest\n"
        "https://files.example.org/requests-2.31.0-py3-none-any.whl  # a wheel\n"
        "--editable=./libs/Other_Pkg[dev]\n",
    )
    write(
        repo / "pyproject.toml",
        """
        [project]
        name = "x"
        dependencies = ["pandas @ file:///opt/src/pandas", "scipy>=1"]
        [tool.poetry.dependencies]
        polars = {git = "https://github.com/pola-rs/polars", tag = "py-1.0.0"}
        ibis = {git = "https://github.com/ibis-project/ibis"}
        arrow = {version = "^1.0"}
        """,
    )
    write(repo / "Pipfile", '[packages]\nflask = {path = "./flask", editable = true}\n')
    (repo / "Pipfile.lock").write_text(json.dumps({"default": {"django": {"git": "https://github.com/django/django"}}}))
    write(repo / "uv.lock", '[[package]]\nname = "mine"\nsource = { editable = "." }\n')
    pins = find_pins(repo)
    assert pins.direct == {
        "pyyaml", "numpy", "pytest", "requests", "other-pkg", "pandas", "polars", "flask", "django", "mine"
    }  # fmt: skip
    assert dict(pins.pins) == {} and pins.errors == ()
    assert not pins.pinned("scipy") and not pins.pinned("arrow")
    assert pins.floating == {"ibis"}  # no tag, rev or branch: whatever the default branch holds


@pytest.mark.parametrize(
    ("line", "floating"),
    [
        ("-e git+https://github.com/org/pkg#egg=pkg", True),
        ("pkg @ git+https://github.com/org/pkg", True),
        ("git+ssh://git@github.com/org/pkg.git#egg=pkg", True),  # git@: the user, not a ref
        ("-e git+https://github.com/org/pkg@v1.2#egg=pkg", False),
        ("pkg @ git+ssh://git@github.com/org/pkg.git@0123abcd", False),
        ("https://files.example.org/pkg-1.0-py3-none-any.whl", False),
        ("./libs/pkg", False),
    ],
)
def test_a_repository_url_with_no_tag_or_commit_is_not_a_pin(repo, line, floating):
    write(repo / "requirements.txt", line + "\n")
    pins = find_pins(repo)
    assert (pins.floating, pins.direct) == (({"pkg"}, set()) if floating else (set(), {"pkg"}))


def test_included_names_are_the_pins_and_direct_references_of_included_files(repo):
    from jupyterlab_readiness.environment.pins import included_names

    write(repo / "base.txt", "-e git+https://github.com/pytest-dev/pytest#egg=pytest\nnumpy==1.0\n-r more.txt\n")
    write(repo / "more.txt", "pandas @ git+https://github.com/pandas-dev/pandas@v2\nscipy>=1\n")
    text = "-r base.txt\nrequests==2.0\n"
    assert included_names(repo / "requirements.txt", text) == {"pytest", "numpy", "pandas"}


def test_environment_that_is_not_valid_yaml_is_an_error_and_pins_nothing(repo):
    write(repo / "environment.yml", "dependencies:\n  - numpy=1.26.4\n  - pip:\n    - requests==2.31.0\n  bad: [\n")
    pins = find_pins(repo)
    assert dict(pins.pins) == {} and pins.files == ()  # conda could not read it either
    assert pins.errors == (
        PinError(str(repo / "environment.yml"), 5, "not valid YAML: did not find expected '-' indicator (column 3)"),
    )


def test_a_pin_error_is_named_from_a_folder_and_never_above_the_ceiling(repo):
    error = PinError(str(repo / "Pipfile.lock"), 2, "invalid JSON: … (column 3)")
    assert error.shown(error.name_from(repo / "notebooks")) == "../Pipfile.lock:2: invalid JSON: … (column 3)"
    outside = PinError("/etc/secret/base.txt", None, "outside the server root: not read")
    assert outside.shown(outside.name_from(repo, ceiling=repo)) == "base.txt: outside the server root: not read"


def test_a_parser_crash_never_quotes_the_file(repo, monkeypatch):
    from jupyterlab_readiness.environment import pins as module

    def boom(path, parse):
        parse.read_text(path)
        raise ValueError("secret-token-in-the-file")

    monkeypatch.setitem(module._LOCK_PARSERS, "uv.lock", boom)
    write(repo / "uv.lock", "x\n")
    (error,) = find_pins(repo).errors
    assert error.reason == "could not be parsed (ValueError)" and "secret" not in str(error)


def test_requirements_glob_and_directory(repo):
    write(repo / "requirements-dev.txt", "pytest==8.0.0\n")
    write(repo / "requirements" / "base.txt", "polars==0.20.1\n")
    write(repo / "requirements" / "notes.md", "fake==1.0\n")
    write(repo / "dev-requirements.txt", "ignored==1.0\n")  # does not match requirements*.txt
    pins = find_pins(repo)
    assert dict(pins.pins) == {"pytest": "8.0.0", "polars": "0.20.1"}


def test_requirements_includes_relative_and_cyclic(repo):
    write(repo / "requirements.txt", "-r requirements/base.txt\nflask==3.0.0\n")
    write(repo / "requirements" / "base.txt", "--requirement=../more/extra.txt\nnumpy==1.26.4\n")
    write(repo / "more" / "extra.txt", "-r ../requirements.txt\n-rsibling.txt\nscipy==1.11.4\n")
    write(repo / "more" / "sibling.txt", "-c ../constraints.in\n")
    write(repo / "constraints.in", "urllib3==2.1.0\n")
    pins = find_pins(repo)
    assert dict(pins.pins) == {
        "numpy": "1.26.4",
        "scipy": "1.11.4",
        "urllib3": "2.1.0",
        "flask": "3.0.0",
    }
    assert str(repo / "more" / "extra.txt") in pins.files
    assert str(repo / "constraints.in") in pins.files
    assert pins.errors == ()


def test_requirements_self_include_terminates(repo):
    write(repo / "requirements.txt", "-r requirements.txt\nnumpy==1.0\n")
    assert dict(find_pins(repo).pins) == {"numpy": "1.0"}


def test_requirements_missing_include_is_an_error(repo):
    write(repo / "requirements.txt", "-r missing.txt\nnumpy==1.0\n")
    pins = find_pins(repo)
    assert pins.pinned("numpy")
    assert len(pins.errors) == 1
    assert str(pins.errors[0]) == f"{repo / 'missing.txt'}: no such file (included by requirements.txt)"


def test_binary_requirements_is_an_error_not_an_exception(repo):
    (repo / "requirements.txt").write_bytes(b"\xff\xfe\x00\x81garbage\x00")
    pins = find_pins(repo)
    assert dict(pins.pins) == {}
    assert len(pins.errors) == 1 and str(pins.errors[0]) == f"{repo / 'requirements.txt'}: not UTF-8 text"
    assert pins.files == ()


@pytest.mark.parametrize("kind", ["fifo", "folder", "loop", "dangling link", "looping include"])
def test_a_pin_file_that_is_not_a_readable_file_is_an_error_never_skipped(repo, kind):
    target = repo / "requirements.txt"
    if kind == "fifo":
        os.mkfifo(target)  # never opened: reading it would wait for a writer for ever
    elif kind == "folder":
        target.mkdir()
    elif kind == "loop":
        target.symlink_to("requirements.txt")
    elif kind == "dangling link":
        target.symlink_to("gone.txt")
    else:
        write(target, "-r loop/base.txt\nnumpy==1.0\n")
        (repo / "loop").symlink_to("loop")
    pins = find_pins(repo)
    reasons = {
        "fifo": "not a regular file",
        "folder": "not a regular file",
        "loop": os.strerror(errno.ELOOP),
        "dangling link": "no such file",
        "looping include": f"{os.strerror(errno.ELOOP)} (included by requirements.txt)",
    }
    [error] = pins.errors
    assert error.reason == reasons[kind]
    assert error.name_from(repo) == ("loop/base.txt" if kind == "looping include" else "requirements.txt")


def test_a_pin_file_linked_out_of_the_ceiling_is_named_by_its_link(repo, tmp_path):
    (tmp_path / "elsewhere.txt").write_text("numpy==1.0\n")
    (repo / "work").mkdir()
    (repo / "work" / "requirements.txt").symlink_to(tmp_path / "elsewhere.txt")
    write(repo / "work" / "requirements-dev.txt", "-r ../base.txt\n")
    (repo / "base.txt").symlink_to(tmp_path / "elsewhere.txt")
    pins = find_pins(repo / "work", ceiling=repo)
    assert dict(pins.pins) == {}
    assert sorted(error.shown(error.name_from(repo / "work", repo)) for error in pins.errors) == [
        "../base.txt: outside the server root: not read (included by requirements-dev.txt)",
        "requirements.txt: outside the server root: not read",
    ]


# -- pyproject.toml ----------------------------------------------------------------------------


def test_pyproject_pep621_dependency_groups_and_poetry(repo):
    write(
        repo / "pyproject.toml",
        """
        [project]
        name = "demo"
        dependencies = [
            "numpy==1.26.4", "pandas>=2", "extra-pkg[fast]==0.3; sys_platform != 'win32'",
        ]

        [project.optional-dependencies]
        plot = ["matplotlib==3.8.2", "seaborn"]

        [dependency-groups]
        test = ["pytest==8.0.0", {include-group = "lint"}]
        lint = ["ruff~=0.3"]

        [tool.poetry.dependencies]
        python = "3.11.7"
        requests = "2.31.0"
        httpx = "==0.27.0"
        rich = {version = "13.7.0", extras = ["jupyter"]}
        caret = "^1.2.3"
        tilde = "~1.2"
        star = "*"
        floor = ">=1.0"
        wildcard = "1.2.*"
        gitdep = {git = "https://example.com/x.git"}
        multi = [{version = "1.0", python = "<3.9"}, {version = "2.0", python = ">=3.9"}]

        [tool.poetry.dev-dependencies]
        black = "24.1.1"

        [tool.poetry.group.docs.dependencies]
        sphinx = "7.2.6"
        """,
    )
    pins = find_pins(repo)
    assert dict(pins.pins) == {
        "numpy": "1.26.4",
        "extra-pkg": "0.3",
        "matplotlib": "3.8.2",
        "pytest": "8.0.0",
        "requests": "2.31.0",
        "httpx": "0.27.0",
        "rich": "13.7.0",
        "black": "24.1.1",
        "sphinx": "7.2.6",
    }
    assert not pins.pinned("python")


def test_pyproject_invalid_toml_is_an_error(repo):
    write(repo / "pyproject.toml", "[project\ndependencies = [\n")
    write(repo / "requirements.txt", "numpy==1.0\n")
    pins = find_pins(repo)
    assert dict(pins.pins) == {"numpy": "1.0"}
    assert len(pins.errors) == 1
    expected = "pyproject.toml:1: not valid TOML: Expected ']' at the end of a table declaration (column 9)"
    assert str(pins.errors[0]) == f"{repo}/{expected}"


def test_pyproject_wrong_shapes_are_ignored(repo):
    write(
        repo / "pyproject.toml",
        """
        project = "not a table"
        dependency-groups = ["not", "a", "table"]
        [tool]
        poetry = 3
        """,
    )
    pins = find_pins(repo)
    assert dict(pins.pins) == {} and pins.errors == ()


# -- environment.yml ---------------------------------------------------------------------------


def test_environment_yml(repo):
    write(repo / "extra-reqs.txt", "torchvision==0.17.0\n")
    write(
        repo / "environment.yml",
        """
        name: demo  # comment
        channels:
          - conda-forge
          - numpy=9.9.9  # not a dependency: channels list
        dependencies:
          - python=3.11
          - numpy=1.26.4=py311h64a7726_0
          - "pandas==2.1.4"
          - 'conda-forge::scipy=1.11.4'
          - conda-forge/linux-64::xarray==2024.1.0
          - scikit-learn 1.4.0 py311_0
          - pytorch=2.2.0
          - matplotlib=3.8.*
          - seaborn>=0.13
          - statsmodels
          - pip
          - pip:
            - requests==2.31.0  # pinned via pip
            - "httpx>=0.27"
            - -r extra-reqs.txt
            - --index-url https://example.com/simple
          - polars=0.20.5
        variables:
          - ignored=1.0
        """,
    )
    pins = find_pins(repo)
    assert dict(pins.pins) == {
        "python": "3.11",
        "numpy": "1.26.4",
        "pandas": "2.1.4",
        "scipy": "1.11.4",
        "xarray": "2024.1.0",
        "scikit-learn": "1.4.0",
        "pytorch": "2.2.0",
        "torch": "2.2.0",
        "requests": "2.31.0",
        "torchvision": "0.17.0",
        "polars": "0.20.5",
    }
    assert str(repo / "extra-reqs.txt") in pins.files


def test_environment_yaml_unindented_list(repo):
    write(
        repo / "environment.yaml",
        """
        dependencies:
        - numpy==1.26.4
        - pip:
          - requests==2.31.0
        - pandas=2.1.4
        """,
    )
    assert dict(find_pins(repo).pins) == {
        "numpy": "1.26.4",
        "requests": "2.31.0",
        "pandas": "2.1.4",
    }


def test_environment_garbage_does_not_raise(repo):
    (repo / "environment.yml").write_bytes(b"dependencies:\n  - \x00\x01 [[[ {{{\n  - : : :\n\t- x==\n")
    pins = find_pins(repo)
    assert dict(pins.pins) == {} and [str(e) for e in pins.errors] == [f"{repo / 'environment.yml'}: not valid YAML"]


# -- Pipfile and Pipfile.lock ------------------------------------------------------------------


def test_pipfile(repo):
    write(
        repo / "Pipfile",
        """
        [packages]
        numpy = "==1.26.4"
        pandas = {version = "==2.1.4", extras = ["performance"]}
        requests = "*"
        scipy = ">=1.11"
        gitdep = {git = "https://example.com/x.git"}

        [dev-packages]
        pytest = "==8.0.0"

        [requires]
        python_version = "3.11"
        """,
    )
    assert dict(find_pins(repo).pins) == {"numpy": "1.26.4", "pandas": "2.1.4", "pytest": "8.0.0"}


def test_pipfile_lock(repo):
    lock = {
        "_meta": {"hash": {"sha256": "x"}},
        "default": {
            "numpy": {"version": "==1.26.4", "hashes": []},
            "editable-thing": {"editable": True, "path": "."},
        },
        "develop": {"PyTest": {"version": "==8.0.0"}},
    }
    (repo / "Pipfile.lock").write_text(json.dumps(lock))
    assert dict(find_pins(repo).pins) == {"numpy": "1.26.4", "pytest": "8.0.0"}


def test_pipfile_lock_invalid_json_is_an_error(repo):
    (repo / "Pipfile.lock").write_text("{not json")
    pins = find_pins(repo)
    assert dict(pins.pins) == {}
    assert pins.errors == (
        PinError(
            str(repo / "Pipfile.lock"), 1, "invalid JSON: Expecting property name enclosed in double quotes (column 2)"
        ),
    )
    assert pins.files == ()  # read, but not a file whose pins count


# -- TOML lock files ---------------------------------------------------------------------------


@pytest.mark.parametrize(("filename", "array"), [("uv.lock", "package"), ("poetry.lock", "package")])
def test_package_lock_files(repo, filename, array):
    write(
        repo / filename,
        f"""
        version = 1

        [[{array}]]
        name = "Numpy"
        version = "1.26.4"

        [[{array}]]
        name = "no-version"

        [[{array}]]
        name = "typing_extensions"
        version = "4.9.0"
        """,
    )
    assert dict(find_pins(repo).pins) == {"numpy": "1.26.4", "typing-extensions": "4.9.0"}


@pytest.mark.parametrize("filename", ["pylock.toml", "pylock.dev.toml"])
def test_pylock(repo, filename):
    write(
        repo / filename,
        """
        lock-version = "1.0"
        created-by = "test"

        [[packages]]
        name = "numpy"
        version = "1.26.4"

        [[packages]]
        name = "from-vcs"
        """,
    )
    assert dict(find_pins(repo).pins) == {"numpy": "1.26.4"}


def test_pylock_uses_packages_not_package(repo):
    write(repo / "pylock.toml", '[[package]]\nname = "numpy"\nversion = "1.0"\n')
    assert dict(find_pins(repo).pins) == {}


def test_lock_file_wins_over_manifest_in_the_same_folder(repo):
    write(repo / "requirements.txt", "numpy==1.0.0\n")
    write(repo / "uv.lock", '[[package]]\nname = "numpy"\nversion = "1.26.4"\n')
    assert find_pins(repo).version("numpy") == "1.26.4"


# -- discovery ---------------------------------------------------------------------------------


def test_parents_up_to_repository_root_but_not_beyond(tmp_path, repo):
    write(tmp_path / "requirements.txt", "outside==1.0\n")
    write(repo / "requirements.txt", "numpy==1.26.4\npandas==2.0.0\n")
    write(repo / "analysis" / "requirements.txt", "pandas==2.1.4\n")
    notebooks = repo / "analysis" / "notebooks"
    notebooks.mkdir()
    pins = find_pins(notebooks)
    assert dict(pins.pins) == {"pandas": "2.1.4", "numpy": "1.26.4"}  # nearest wins
    assert pins.files == (
        str(repo / "analysis" / "requirements.txt"),
        str(repo / "requirements.txt"),
    )


def test_mercurial_root(tmp_path):
    write(tmp_path / "requirements.txt", "outside==1.0\n")
    (tmp_path / "hg" / ".hg").mkdir(parents=True)
    write(tmp_path / "hg" / "requirements.txt", "numpy==1.0\n")
    (tmp_path / "hg" / "sub").mkdir()
    assert dict(find_pins(tmp_path / "hg" / "sub").pins) == {"numpy": "1.0"}


def test_without_repository_only_start_dir(tmp_path):
    write(tmp_path / "requirements.txt", "parent==1.0\n")
    write(tmp_path / "nb" / "requirements.txt", "numpy==1.0\n")
    assert dict(find_pins(tmp_path / "nb").pins) == {"numpy": "1.0"}


def test_nothing_found(repo):
    pins = find_pins(repo)
    assert dict(pins.pins) == {} and pins.files == () and pins.errors == ()
    assert dict(find_pins(repo / "does-not-exist").pins) == {}


# -- cache -------------------------------------------------------------------------------------


def bump_mtime(path):
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_edited_file_is_reread(repo):
    requirements = write(repo / "requirements.txt", "numpy==1.26.4\n")
    assert find_pins(repo).version("numpy") == "1.26.4"
    requirements.write_text("numpy==2.0.0\n")
    bump_mtime(requirements)
    assert find_pins(repo).version("numpy") == "2.0.0"


def test_same_size_edit_with_new_mtime_is_reread(repo):
    requirements = write(repo / "requirements.txt", "numpy==1.0.0\n")
    assert find_pins(repo).version("numpy") == "1.0.0"
    requirements.write_text("numpy==2.0.0\n")
    bump_mtime(requirements)
    assert find_pins(repo).version("numpy") == "2.0.0"


def test_edited_include_is_reread(repo):
    write(repo / "requirements.txt", "-r base.txt\n")
    base = write(repo / "base.txt", "numpy==1.0.0\n")
    assert find_pins(repo).version("numpy") == "1.0.0"
    base.write_text("numpy==1.26.4\n")
    bump_mtime(base)
    assert find_pins(repo).version("numpy") == "1.26.4"


def test_include_created_later_is_read(repo):
    write(repo / "requirements.txt", "-r base.txt\n")
    assert find_pins(repo).errors
    write(repo / "base.txt", "numpy==1.0.0\n")
    pins = find_pins(repo)
    assert pins.version("numpy") == "1.0.0" and pins.errors == ()


def test_new_and_deleted_files_are_seen(repo):
    assert not find_pins(repo).pinned("numpy")
    requirements = write(repo / "requirements.txt", "numpy==1.0.0\n")
    assert find_pins(repo).pinned("numpy")
    requirements.unlink()
    assert not find_pins(repo).pinned("numpy")


def test_unchanged_files_are_not_reparsed(repo, monkeypatch):
    write(repo / "requirements.txt", "numpy==1.0.0\n")
    first = find_pins(repo)

    def fail(*args, **kwargs):
        raise AssertionError("re-read an unchanged file")

    monkeypatch.setattr("pathlib.Path.read_text", fail)
    assert find_pins(repo) == first


def test_a_pin_file_added_to_a_folder_listed_before_is_found(tmp_path):
    import os

    from jupyterlab_readiness.environment.pins import find_pins

    assert find_pins(tmp_path).pins == {}
    old = 1_000_000_000  # an old folder: its listing is cached
    os.utime(tmp_path, ns=(old, old))
    assert find_pins(tmp_path).pins == {}
    (tmp_path / "requirements.txt").write_text("pandas==2.2.2\n")  # changes the folder's mtime
    assert dict(find_pins(tmp_path).pins) == {"pandas": "2.2.2"}


def test_the_fast_path_for_simple_pins_agrees_with_packaging():
    """``name==1.2.3`` is answered without importing packaging: exactly as packaging answers it,
    and every other form still goes to packaging."""
    import itertools

    from packaging.requirements import InvalidRequirement, Requirement

    from jupyterlab_readiness.environment import pins

    def by_packaging(text):
        try:
            req = Requirement(text)
        except InvalidRequirement:
            return None
        version = None if req.url else pins._exact_version(req.specifier)
        return (req.name, version) if version else None

    names = ["pandas", "scikit-learn", "Foo_Bar", "a", "zope.interface", "A1", "x-", "a..b", "ñ"]
    operators = ["==", " == ", "\t==\t", "===", "~=", "= ="]
    versions = ["2.2.3", "1", "01.002", "1.0.0.0.0", "1.", "1..2", "1.0a1", "1.*", "2.2.3 "]
    fast = 0
    for name, op, version in itertools.product(names, operators, versions):
        for text in (f"{name}{op}{version}", f" {name}{op}{version}", f"{name}{op}{version};python_version>'3'"):
            fast += pins._SIMPLE_PIN.fullmatch(text) is not None
            assert pins._requirement_pin(text) == by_packaging(text), text
    assert fast > 50  # the fast path was taken, and agreed


def test_simple_pins_are_read_without_importing_packaging(repo):
    import subprocess
    import sys

    write(repo / "requirements.txt", "pandas==2.2.3\nnumpy == 2.2.6  # pinned\nscikit-learn==1.6.1\n")
    code = (
        "import sys; from pathlib import Path; from jupyterlab_readiness.environment.pins import find_pins; "
        f"pins = find_pins(Path({str(repo)!r})); "
        "print(sorted(pins.pins.items()), 'packaging' in sys.modules)"
    )
    from helpers.notebooks import REPO

    env = {**os.environ, "PYTHONPATH": str(REPO / "python")}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[('numpy', '2.2.6'), ('pandas', '2.2.3'), ('scikit-learn', '1.6.1')] False"
