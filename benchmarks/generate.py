"""Deterministic generator of a large, realistic data-science notebook.

Importable (``from generate import generate_notebook``) and runnable:
``python benchmarks/generate.py OUT.ipynb [--cells 1000] [--seed 0]``.

``exportable_notebook`` makes a notebook that export to package accepts (no hidden state, one
section per heading), for the export's scaling benchmark.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

IMPORTS = [
    "import pandas as pd",
    "import numpy as np",
    "import matplotlib.pyplot as plt",
    "import seaborn as sns",
    "from datetime import datetime, timedelta",
    "from pathlib import Path",
    "import os, sys, json",
    "from collections import Counter, defaultdict",
    "from sklearn.model_selection import train_test_split",
    "from sklearn.linear_model import LogisticRegression as LR",
]

MAGICS = [
    "%matplotlib inline",
    "!pip install {pkg}",
    "%time {name} = df_{i}.describe()",
    "%load_ext autoreload\n%autoreload 2",
    "!ls -la data/",
    "%%timeit\nsum(x * x for x in range({n}))",
]

# Each template uses {i} so names vary per cell and later cells can refer to earlier ones.
TEMPLATES = [
    'df_{i} = pd.read_csv("data/part_{i}.csv", parse_dates=["ts"])\ndf_{i}.head()',
    "def clean_{i}(frame, threshold={n}):\n"
    '    """Drop sparse columns and normalise names."""\n'
    "    frame = frame.dropna(thresh=threshold, axis=1)\n"
    "    frame.columns = [c.strip().lower().replace(' ', '_') for c in frame.columns]\n"
    "    return frame\n",
    "summary_{i} = df_{j}.groupby(['region', 'month'])['sales'].agg(['mean', 'sum', 'count'])\n"
    "summary_{i}.sort_values('sum', ascending=False).head({n})",
    "fig, ax = plt.subplots(figsize=(10, 4))\n"
    "ax.plot(df_{j}['ts'], df_{j}['value'], label='value')\n"
    "ax.set_title(f'Series {{len(df_{j})}} rows')\nplt.legend()\nplt.show()",
    "class Model{i}:\n"
    "    def __init__(self, alpha={n}):\n"
    "        self.alpha = alpha\n"
    "        self.coef_ = None\n\n"
    "    def fit(self, X, y):\n"
    "        self.coef_ = np.linalg.lstsq(X, y, rcond=None)[0] * self.alpha\n"
    "        return self\n",
    "counts_{i} = Counter(w for line in open('notes_{i}.txt') for w in line.split())\n"
    "top_{i} = {{k: v for k, v in counts_{i}.items() if v > {n}}}",
    "results_{i} = []\nfor k in range({n}):\n"
    "    score = np.mean([x ** 2 for x in range(k)]) if k else 0\n"
    "    results_{i}.append((k, score))\n"
    "print(f'{{len(results_{i})}} results, last={{results_{i}[-1]}}')",
    "start_{i} = datetime.now()\n"
    "X_train, X_test, y_train, y_test = train_test_split(df_{j}[['a', 'b']], df_{j}['y'], test_size=0.2)\n"
    "clf_{i} = LR(max_iter={n}).fit(X_train, y_train)\n"
    "print('elapsed', datetime.now() - start_{i})",
    "os.environ['DATA_DIR'] = '/home/me/data'\n"
    "paths_{i} = sorted(Path(os.environ['DATA_DIR']).glob('*.parquet'))\n"
    "frames_{i} = [pd.read_parquet(p) for p in paths_{i}]",
    "sns.heatmap(df_{j}.corr(numeric_only=True), annot=True, cmap='viridis')",
    "try:\n    with open('config_{i}.json') as fh:\n        cfg_{i} = json.load(fh)\n"
    "except FileNotFoundError:\n    cfg_{i} = {{'seed': {n}}}\ncfg_{i}",
    "lookup_{i} = defaultdict(list)\nfor row in df_{j}.itertuples():\n"
    "    lookup_{i}[row.region].append(row.sales)\n"
    "means_{i} = {{r: sum(v) / len(v) for r, v in lookup_{i}.items()}}",
    "df_{j}['ratio_{i}'] = df_{j}['a'] / df_{j}['b'].replace(0, np.nan)\n"
    "df_{j}.loc[df_{j}['ratio_{i}'] > {n}, 'flag'] = True",
]

MARKDOWN = [
    "## Section {i}\nLoad the data and look at the first rows.",
    "Note: the numbers below depend on the run date.",
    "### Results\n| metric | value |\n|---|---|\n| auc | 0.{n} |",
]

PKGS = ["polars", "xgboost", "plotly", "tqdm", "requests"]


def _output(rng: random.Random, count: int) -> list[dict]:
    kind = rng.random()
    if kind < 0.5:
        return [{"output_type": "stream", "name": "stdout", "text": [f"{rng.random():.4f}\n"] * 3}]
    if kind < 0.8:
        return [
            {
                "output_type": "execute_result",
                "execution_count": count,
                "data": {"text/plain": [f"<DataFrame {rng.randint(1, 999)} rows>"]},
                "metadata": {},
            }
        ]
    return [
        {
            "output_type": "error",
            "ename": "KeyError",
            "evalue": "'sales'",
            "traceback": ["KeyError: 'sales'"],
        }
    ]


def _source_lines(src: str) -> list[str]:
    # nbformat stores sources as line lists with trailing newlines, like real notebooks.
    return src.splitlines(keepends=True)


def generate_notebook(code_cells: int = 1000, seed: int = 0, markdown_every: int = 8) -> dict:
    """Return an nbformat-4 notebook dict with ``code_cells`` code cells plus markdown cells."""
    rng = random.Random(seed)
    cells: list[dict] = []
    count = 0
    for i in range(code_cells):
        if i % markdown_every == 0:
            md = rng.choice(MARKDOWN).format(i=i, n=rng.randint(10, 99))
            cells.append({"cell_type": "markdown", "id": f"md-{i}", "metadata": {}, "source": _source_lines(md)})
        j = rng.randrange(max(i, 1))  # refer to an earlier cell's names
        n = rng.randint(2, 500)
        roll = rng.random()
        if i < len(IMPORTS):
            src = IMPORTS[i]
        elif roll < 0.06:
            src = rng.choice(MAGICS).format(pkg=rng.choice(PKGS), name=f"t_{i}", i=j, n=n)
        elif roll < 0.09:
            src = rng.choice(IMPORTS)  # re-imports mid-notebook, as people do
        else:
            src = rng.choice(TEMPLATES).format(i=i, j=j, n=n)

        executed = rng.random() < 0.85
        if executed:
            # Mostly increasing, with occasional re-runs that jump ahead or go back.
            count = count + 1 if rng.random() < 0.93 else max(1, count + rng.randint(-40, 40))
        cells.append(
            {
                "cell_type": "code",
                "id": f"code-{i}",
                "execution_count": count if executed else None,
                "metadata": {},
                "outputs": _output(rng, count) if executed and rng.random() < 0.15 else [],
                "source": _source_lines(src),
            }
        )
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python", "version": "3.11.7"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def exportable_notebook(code_cells: int = 1000, lines: int = 30, per_section: int = 10, seed: int = 0) -> dict:
    """A parameters cell, an import cell, then ``code_cells`` cells of ``lines`` lines each, a heading
    every ``per_section`` cells; each cell reads the previous cell's result, the last one prints it."""
    rng = random.Random(seed)
    cells: list[dict] = [
        {
            "cell_type": "code",
            "id": "p",
            "metadata": {"tags": ["parameters"]},
            "execution_count": 1,
            "outputs": [],
            "source": "scale = 2\nlabel = 'run'",
        },
        {
            "cell_type": "code",
            "id": "i",
            "metadata": {},
            "execution_count": 2,
            "outputs": [],
            "source": "import math\nimport json",
        },
    ]
    previous = "scale"
    for i in range(code_cells):
        if i % per_section == 0:
            cells.append(
                {"cell_type": "markdown", "id": f"m{i}", "metadata": {}, "source": f"## Section {i // per_section}"}
            )
        body = [f"v{i}_0 = {previous} * {rng.randint(1, 9)}"]
        for j in range(1, lines - 1):
            before = f"v{i}_{j - 1}"
            body.append(
                f"v{i}_{j} = math.sqrt(abs({before})) + {j} if {before} > {rng.randint(0, 50)} else {before} + {j}"
            )
        body.append(f"r{i} = v{i}_{lines - 2}")
        previous = f"r{i}"
        cells.append(
            {
                "cell_type": "code",
                "id": f"c{i}",
                "metadata": {},
                "execution_count": i + 3,
                "outputs": [],
                "source": "\n".join(body),
            }
        )
    cells.append(
        {
            "cell_type": "code",
            "id": "end",
            "metadata": {},
            "execution_count": code_cells + 3,
            "outputs": [],
            "source": f"print(label, {previous})",
        }
    )
    kernelspec = {"name": "python3", "language": "python", "display_name": "p"}
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": kernelspec}, "cells": cells}


def write_notebook(path: Path, code_cells: int = 1000, seed: int = 0) -> Path:
    path.write_text(json.dumps(generate_notebook(code_cells, seed), indent=1), encoding="utf-8")
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out", type=Path)
    ap.add_argument("--cells", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    write_notebook(args.out, args.cells, args.seed)


if __name__ == "__main__":
    main()
