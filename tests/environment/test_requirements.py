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
