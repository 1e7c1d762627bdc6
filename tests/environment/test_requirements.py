"""What a notebook needs installed beyond its imports: pandas' optional dependencies its calls name."""

from __future__ import annotations

import pytest

from helpers.notebooks import code, notebook
from jupyterlab_readiness.environment.requirements import optional_modules
from jupyterlab_readiness.notebook.model import notebook_from_json


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("df = pd.read_parquet('a.parquet')", ["pyarrow"]),
        ("def save(df):\n    df.to_excel('out.xlsx')", ["openpyxl"]),
        ("pd.read_excel('old.xls')", ["xlrd"]),
        ("df.to_parquet('a.parquet', engine='fastparquet')", ["fastparquet"]),
        ("s.interpolate(method='cubic')\ns.interpolate()", ["scipy"]),
        ("print(df.to_markdown())\npd.read_html(page)", ["lxml", "tabulate"]),
        ("df.to_csv('a.csv')\ns.interpolate(method=kind)", []),
    ],
)
def test_optional_dependencies_named_by_pandas_calls(source: str, expected: list[str]) -> None:
    model = notebook_from_json(notebook(code("import pandas as pd"), code(source)))
    assert optional_modules(model) == expected


def test_no_pandas_import_no_optional_dependency() -> None:
    assert optional_modules(notebook_from_json(notebook(code("x.read_parquet('a.parquet')")))) == []


ARCHIVES = [
    "foo-1.0-py3-none-any.whl",
    "Foo_Bar-2.0.1-1-cp311-cp311-manylinux_2_17_x86_64.whl",
    "torch-2.1.0+cpu-cp311-cp311-linux_x86_64.whl",
    "foo__x-1.0-py3-none-any.whl",
    "foo-1.0-x-py3-none-any.whl",
    "foo-bad-py3-none-any.whl",
    "foo-1.0.whl",
    "foo-1.0.tar.gz",
    "my-pkg-2.0.zip",
    "x.y-1.0b1.tar.gz",
    "x.zip-1.0.tar.gz",
    "pkg.zip",
    "pkg-notaversion.tar.gz",
]


@pytest.mark.parametrize("name", ARCHIVES)
def test_archive_names_read_as_packaging_reads_them(name: str) -> None:
    from packaging.utils import canonicalize_name, parse_sdist_filename, parse_wheel_filename

    from jupyterlab_readiness.environment.requirement_lines import reference_key

    try:
        parsed = parse_wheel_filename(name) if name.endswith(".whl") else parse_sdist_filename(name)
        expected = canonicalize_name(parsed[0])
    except ValueError:  # InvalidWheelFilename, InvalidSdistFilename
        expected = None
    assert reference_key(f"https://example.org/dist/{name}") == expected
