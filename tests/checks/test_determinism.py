"""Determinism checks: wall-clock and unseeded-random."""

from __future__ import annotations

import pytest

from helpers.notebooks import code, findings_of, md


def messages(report, check_id):
    return [f.message for f in report.findings if f.check == check_id]


# -- wall-clock ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source, shown",
    [
        ("import datetime\nstart = datetime.datetime.now()", "datetime.datetime.now"),
        ("from datetime import datetime\nstart = datetime.now()", "datetime.now"),
        ("import datetime as dt\nstart = dt.datetime.now()", "dt.datetime.now"),
        ("import datetime as dt\nstart = dt.date.today()", "dt.date.today"),
        ("from datetime import date\nstart = date.today()", "date.today"),
        ("from datetime import datetime as DT\nstart = DT.utcnow()", "DT.utcnow"),
        ("import time\nstart = time.time()", "time.time"),
        ('import time\nstamp = time.strftime("%Y")', "time.strftime"),
        ("import pandas as pd\nstart = pd.Timestamp.now()", "pd.Timestamp.now"),
        ('import pandas as pd\nstart = pd.to_datetime("today")', "pd.to_datetime"),
        ('import pandas as pd\nstart = pd.Timestamp("now")', "pd.Timestamp"),
        ('import numpy as np\nstart = np.datetime64("now")', "np.datetime64"),
    ],
    ids=[
        "import-datetime",
        "from-datetime-import-datetime",
        "import-datetime-as-dt",
        "dt-date-today",
        "from-datetime-import-date",
        "aliased-class",
        "time-time",
        "strftime-without-time",
        "pd-Timestamp-now",
        "pd-to_datetime-today",
        "pd-Timestamp-now-string",
        "np-datetime64-now",
    ],
)
def test_wall_clock_fires_on_line_two(check, source, shown):
    report = check(code(source, 1))
    assert findings_of(report, "wall-clock") == [(0, 2)]
    (message,) = messages(report, "wall-clock")
    assert f"`{shown}`" in message
    assert "current date/time" in message
    (finding,) = [f for f in report.findings if f.check == "wall-clock"]
    assert finding.severity == "warning"
    assert "parameter" in finding.suggestion


@pytest.mark.parametrize(
    "source",
    [
        'import time\nt = time.localtime(0)\nstamp = time.strftime("%Y", t)',
        "import time\nstart = time.perf_counter()",
        "import time\nstart = time.monotonic()",
        'import pandas as pd\nd = pd.to_datetime("2020-01-01")',
        'import pandas as pd\nd = pd.Timestamp("2020-01-01")',
        'import numpy as np\nd = np.datetime64("2020-01-01")',
        "import datetime\nd = datetime.date(2024, 1, 31)",
        "from datetime import datetime\nd = datetime(2024, 1, 31)",
        'from datetime import datetime\nd = datetime.strptime("2024-01-31", "%Y-%m-%d")',
        "import time\nt = time.localtime(1700000000)",
    ],
    ids=[
        "strftime-with-time",
        "perf_counter",
        "monotonic",
        "to_datetime-fixed",
        "Timestamp-fixed",
        "datetime64-fixed",
        "date-constructor",
        "datetime-constructor",
        "strptime",
        "localtime-with-secs",
    ],
)
def test_wall_clock_does_not_fire_on_fixed_dates_and_timers(check, source):
    report = check(code(source, 1))
    assert findings_of(report, "wall-clock") == []


def test_alias_defined_in_an_earlier_cell_is_resolved(check):
    report = check(
        code("import datetime as dt\nimport pandas as pd", 1),
        md("## Load"),
        code("x = 1\nrun_at = dt.datetime.now()", 2),
        code("stamp = pd.Timestamp.today()", 3),
    )
    assert findings_of(report, "wall-clock") == [(2, 2), (3, 1)]
    assert "`dt.datetime.now`" in messages(report, "wall-clock")[0]
    assert "`pd.Timestamp.today`" in messages(report, "wall-clock")[1]


def test_unimported_datetime_now_is_not_guessed(check):
    # Nothing binds `datetime`: the head is unknown, so the check does not guess.
    report = check(code("start = datetime.now()", 1))
    assert findings_of(report, "wall-clock") == []


def test_local_object_named_like_a_clock_is_not_flagged(check):
    report = check(code("class Clock:\n    def now(self):\n        return 0\n\ntime = Clock()\nt = time.now()", 1))
    assert findings_of(report, "wall-clock") == []


def test_each_clock_read_is_its_own_finding(check):
    report = check(
        code("import time\nfrom datetime import datetime\na = time.time()\nb = datetime.now()", 1),
        code("c = time.time()", 2),
    )
    assert findings_of(report, "wall-clock") == [(0, 3), (0, 4), (1, 1)]


# -- unseeded-random ----------------------------------------------------------------------------


def test_random_without_seed_fires(check):
    report = check(code("import random\nx = random.random()", 1))
    assert findings_of(report, "unseeded-random") == [(0, 2)]
    (message,) = messages(report, "unseeded-random")
    assert "`random.random`" in message and "no seed" in message
    (finding,) = [f for f in report.findings if f.check == "unseeded-random"]
    assert "random.seed(42)" in finding.suggestion
    assert finding.severity == "warning"


def test_random_seed_in_the_same_cell_before_the_draw(check):
    report = check(code("import random\nrandom.seed(0)\nx = random.random()", 1))
    assert findings_of(report, "unseeded-random") == []


def test_random_seed_in_an_earlier_cell(check):
    report = check(code("import random\nrandom.seed(0)", 1), md("text"), code("x = random.randint(0, 9)", 2))
    assert findings_of(report, "unseeded-random") == []


def test_random_seed_after_the_draw_does_not_count(check):
    report = check(code("import random\nx = random.random()\nrandom.seed(0)\ny = random.random()", 1))
    assert findings_of(report, "unseeded-random") == [(0, 2)]


def test_random_seed_without_an_argument_does_not_count(check):
    # random.seed() with no argument seeds from the OS / clock.
    report = check(code("import random\nrandom.seed()\nx = random.random()", 1))
    assert findings_of(report, "unseeded-random") == [(0, 3)]


def test_seed_none_does_not_count_either(check):
    # random.seed(None) / np.random.seed(None) seed from the OS, exactly like no argument.
    report = check(
        code(
            "import random\nimport numpy as np\nrandom.seed(None)\nnp.random.seed(seed=None)\na = random.random()\nb "
            "= np.random.rand(2)",
            1,
        )
    )
    assert findings_of(report, "unseeded-random") == [(0, 5), (0, 6)]


def test_from_random_import_resolves(check):
    report = check(code("from random import shuffle\nshuffle(xs := [1, 2, 3])", 1))
    assert findings_of(report, "unseeded-random") == [(0, 2)]


def test_numpy_legacy_draw_without_seed_fires(check):
    report = check(code("import numpy as np\nx = np.random.rand(3)", 1))
    assert findings_of(report, "unseeded-random") == [(0, 2)]
    (message,) = messages(report, "unseeded-random")
    assert "`np.random.rand`" in message
    (finding,) = [f for f in report.findings if f.check == "unseeded-random"]
    assert "numpy.random.seed(42)" in finding.suggestion


def test_numpy_legacy_draw_after_np_random_seed_does_not_fire(check):
    report = check(
        code("import numpy as np\nnp.random.seed(1)", 1), code("x = np.random.rand(3)\ny = np.random.normal(size=3)", 2)
    )
    assert findings_of(report, "unseeded-random") == []


def test_default_rng_without_seed_fires_even_after_np_random_seed(check):
    report = check(code("import numpy as np\nnp.random.seed(1)\nrng = np.random.default_rng()", 1))
    assert findings_of(report, "unseeded-random") == [(0, 3)]
    (message,) = messages(report, "unseeded-random")
    assert "`np.random.default_rng()`" in message
    (finding,) = [f for f in report.findings if f.check == "unseeded-random"]
    assert "np.random.default_rng(42)" in finding.suggestion


@pytest.mark.parametrize(
    "call", ["np.random.default_rng(42)", "np.random.default_rng(seed=42)", "np.random.RandomState(0)"]
)
def test_seeded_generator_does_not_fire(check, call):
    report = check(code(f"import numpy as np\nrng = {call}\nx = rng.random(3)", 1))
    assert findings_of(report, "unseeded-random") == []


def test_torch_draw_without_seed_fires_and_manual_seed_fixes_it(check):
    report = check(code("import torch\nx = torch.randn(3)", 1))
    assert findings_of(report, "unseeded-random") == [(0, 2)]
    assert "`torch.randn`" in messages(report, "unseeded-random")[0]

    report = check(code("import torch\ntorch.manual_seed(0)\nx = torch.randn(3)", 1))
    assert findings_of(report, "unseeded-random") == []


def test_seeding_one_library_does_not_seed_another(check):
    report = check(
        code(
            "import random\nimport numpy as np\nimport torch\nnp.random.seed(0)\na = random.random()\nb = "
            "torch.rand(2)\nc = np.random.rand(2)",
            1,
        )
    )
    assert findings_of(report, "unseeded-random") == [(0, 5), (0, 6)]


def test_train_test_split_without_random_state_fires(check):
    report = check(
        code(
            "from sklearn.model_selection import train_test_split\nX_train, X_test, y_train, y_test = "
            "train_test_split(X, y)",
            1,
        )
    )
    assert findings_of(report, "unseeded-random") == [(0, 2)]
    (message,) = messages(report, "unseeded-random")
    assert "`train_test_split`" in message
    (finding,) = [f for f in report.findings if f.check == "unseeded-random"]
    assert "random_state" in finding.suggestion


def test_train_test_split_with_random_state_does_not_fire(check):
    report = check(
        code("from sklearn.model_selection import train_test_split\nparts = train_test_split(X, y, random_state=0)", 1)
    )
    assert findings_of(report, "unseeded-random") == []


def test_dataframe_sample_without_random_state_fires(check):
    report = check(code("import pandas as pd\ndf = pd.DataFrame({'a': [1, 2, 3]})\nsub = df.sample(2)", 1))
    assert findings_of(report, "unseeded-random") == [(0, 3)]
    (message,) = messages(report, "unseeded-random")
    assert "`.sample(...)`" in message


def test_dataframe_sample_with_random_state_does_not_fire(check):
    report = check(
        code("import pandas as pd\ndf = pd.DataFrame({'a': [1, 2, 3]})\nsub = df.sample(2, random_state=1)", 1)
    )
    assert findings_of(report, "unseeded-random") == []


@pytest.mark.parametrize(
    "call",
    ["pm.sample(1000, random_seed=100)", "prior.sample(10, seed=42)", "model.sample(5, rng=generator)"],
)
def test_a_sample_method_given_its_seed_under_another_name_does_not_fire(check, call):
    # PyMC's random_seed, TensorFlow Probability's seed: seeded, as random_state is for pandas
    report = check(code(f"draws = {call}", 1))
    assert findings_of(report, "unseeded-random") == []


def test_random_sample_is_the_random_modules_function(check):
    # Not a DataFrame method: random.sample is judged by random.seed, and named as such.
    report = check(code("import random\nxs = [1, 2, 3]\npicked = random.sample(xs, 2)", 1))
    assert findings_of(report, "unseeded-random") == [(0, 3)]
    (message,) = messages(report, "unseeded-random")
    assert "`random.sample`" in message
    assert ".sample(...)" not in message

    report = check(code("import random\nrandom.seed(3)\nxs = [1, 2, 3]\npicked = random.sample(xs, 2)", 1))
    assert findings_of(report, "unseeded-random") == []

    # numpy's seed does not seed the random module.
    report = check(
        code("import random\nimport numpy as np\nnp.random.seed(3)\npicked = random.sample([1, 2, 3], 2)", 1)
    )
    assert findings_of(report, "unseeded-random") == [(0, 4)]
