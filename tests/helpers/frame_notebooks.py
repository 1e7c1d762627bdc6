"""Small notebooks that write DataFrames (CSV in → filter, derive, group → CSV, JSON, Parquet or SQLite out),
with their input files, and the broken inputs an exported package must alert on: one with a
column dropped (a schema drift: exit 1) and one with a tenth of the rows (a row count out of its
band: exit 3). Each output table keeps the input's passthrough column, so dropping it changes the
output's schema without making the notebook's code fail first.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers.notebooks import code, md, notebook


@dataclass(frozen=True)
class FrameCase:
    name: str
    cells: list[dict[str, Any]]
    inputs: dict[str, str]  # file name → text
    table: str  # the input table the broken variants are made from
    dropped: str  # the passthrough column the drifted input lacks
    writes: tuple[str, ...] = ()
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def distribution(self) -> str:
        return self.name.replace("_", "-")


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


REGIONS = ("north", "south", "east", "west")
PRODUCTS = ("apples", "pears", "plums")
CHANNELS = ("web", "shop", "phone")

ORDERS_CSV = _csv(
    ["order_id", "region", "product", "amount", "channel"],
    [
        [i, REGIONS[i % 4], PRODUCTS[(i * 7) % 3], round(2.5 + (i * 37) % 50 / 2, 2), CHANNELS[(i * 5) % 3]]
        for i in range(1, 201)
    ],
)

ORDERS = FrameCase(
    name="orders_clean",
    table="orders.csv",
    dropped="channel",
    inputs={"orders.csv": ORDERS_CSV},
    parameters={"min_amount": 5.0, "rate": 1.08},
    writes=("clean_orders.csv", "region_totals.json"),
    cells=[
        md("# Clean orders\n\nKeeps the orders of at least `min_amount`, converts them, sums them per region."),
        code("min_amount = 5.0\nrate = 1.08"),
        code("import logging\n\nimport pandas as pd\n\nlogging.basicConfig(level=logging.INFO)"),
        md("## Load and clean"),
        code(
            "orders = pd.read_csv('orders.csv')\n"
            "orders = orders[orders['amount'] >= min_amount].copy()\n"
            "orders['amount_usd'] = (orders['amount'] * rate).round(2)\n"
            "logging.info('kept %d orders', len(orders))"
        ),
        md("## Totals per region"),
        code(
            "totals = orders.groupby('region', as_index=False).agg(orders=('order_id', 'count'), "
            "revenue=('amount_usd', 'sum'))\n"
            "totals['revenue'] = totals['revenue'].round(2)"
        ),
        md("## Write"),
        code(
            "orders.to_csv('clean_orders.csv', index=False)\n"
            "totals.to_json('region_totals.json', orient='records')\n"
            "logging.info('wrote clean_orders.csv and region_totals.json')"
        ),
    ],
)

SENSORS = ("s1", "s2", "s3", "s4")
READINGS_CSV = _csv(
    ["sensor", "hour", "temp_c", "site"],
    [[SENSORS[i % 4], i // 4, round(15 + ((i * 13) % 40) / 4, 2), "lab" if i % 2 else "roof"] for i in range(240)],
)

SENSOR = FrameCase(
    name="sensor_report",
    table="readings.csv",
    dropped="site",
    inputs={"readings.csv": READINGS_CSV},
    writes=("readings_f.csv", "summary.json"),
    cells=[
        md("# Sensor report"),
        code("import json\n\nimport pandas as pd"),
        md("## Convert"),
        code(
            "readings = pd.read_csv('readings.csv')\n"
            "readings['temp_f'] = (readings['temp_c'] * 9 / 5 + 32).round(2)\n"
            "readings['hot'] = readings['temp_c'] > 22\n"
            "print('readings', len(readings))"
        ),
        md("## Summarise"),
        code(
            "summary = {'readings': int(len(readings)), 'sensors': int(readings['sensor'].nunique()), "
            "'mean_c': round(float(readings['temp_c'].mean()), 3), "
            "'hot_share': round(float(readings['hot'].mean()), 3)}\n"
            "print(summary)"
        ),
        md("## Write"),
        code(
            "readings.to_csv('readings_f.csv', index=False)\n"
            "with open('summary.json', 'w') as f:\n"
            "    json.dump(summary, f, indent=2, sort_keys=True)\n"
            "print('wrote readings_f.csv and summary.json')"
        ),
    ],
)


def write_case(case: FrameCase, folder: Path) -> Path:
    """The notebook and its inputs in ``folder``; returns the notebook's path."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in case.inputs.items():
        (folder / name).write_text(text, encoding="utf-8")
    nb = notebook(*case.cells)
    for i, cell in enumerate(nb["cells"]):
        cell["id"] = f"cell-{i}"
    path = folder / f"{case.name}.ipynb"
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return path


def dropped_column(case: FrameCase) -> str:
    """The case's input table without its passthrough column."""
    rows = list(csv.reader(io.StringIO(case.inputs[case.table])))
    at = rows[0].index(case.dropped)
    return _csv(rows[0][:at] + rows[0][at + 1 :], [r[:at] + r[at + 1 :] for r in rows[1:]])


def tenth_of_rows(case: FrameCase) -> str:
    """The case's input table with its first tenth of the rows."""
    rows = list(csv.reader(io.StringIO(case.inputs[case.table])))
    return _csv(rows[0], rows[1 : 1 + (len(rows) - 1) // 10])


# ORDERS writing Parquet (pandas' pyarrow engine): the same shapes, read back from a binary table.
ORDERS_PARQUET = FrameCase(
    name="orders_parquet",
    table=ORDERS.table,
    dropped=ORDERS.dropped,
    inputs=ORDERS.inputs,
    parameters=ORDERS.parameters,
    writes=("clean_orders.parquet", "region_totals.json"),
    cells=[
        *ORDERS.cells[:-1],
        code(
            "orders.to_parquet('clean_orders.parquet', index=False)\n"
            "totals.to_json('region_totals.json', orient='records')\n"
            "logging.info('wrote clean_orders.parquet and region_totals.json')"
        ),
    ],
)

# ORDERS writing both its tables through SQL into one SQLite file (pandas' ``to_sql`` on a stdlib
# connection): a table read back per SQL table, no file hash.
ORDERS_SQL = FrameCase(
    name="orders_sql",
    table=ORDERS.table,
    dropped=ORDERS.dropped,
    inputs=ORDERS.inputs,
    parameters=ORDERS.parameters,
    writes=("orders.db",),
    cells=[
        *ORDERS.cells[:2],
        code("import logging\nimport sqlite3\n\nimport pandas as pd\n\nlogging.basicConfig(level=logging.INFO)"),
        *ORDERS.cells[3:-1],
        code(
            "connection = sqlite3.connect('orders.db')\n"
            "orders.to_sql('clean_orders', connection, index=False, if_exists='replace')\n"
            "totals.to_sql('region_totals', connection, index=False, if_exists='replace')\n"
            "connection.close()\n"
            "logging.info('wrote clean_orders and region_totals into orders.db')"
        ),
    ],
)


FRAME_CASES = [ORDERS, SENSOR, ORDERS_SQL]
