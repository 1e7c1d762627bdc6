"""The piecewise JSON encoder gives json.dumps's text, on real notebooks and on the
shapes a rehearsal's reply takes."""

from __future__ import annotations

import json
import math
import sys
import threading
import time

import pytest

from helpers.notebooks import CORPUS
from jupyterlab_readiness import json_pieces


@pytest.mark.corpus
def test_every_corpus_notebook_is_encoded_as_json_dumps_encodes_it():
    notebooks = sorted(CORPUS.rglob("*.ipynb"))
    assert len(notebooks) > 100
    for path in notebooks:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue  # the corpus's deliberately broken files
        assert json_pieces.dumps(data) == json.dumps(data), path.name


@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        (),
        {"a": [], "b": {}},
        [1, [2, {}], "x", None, 1.5, True, False, -0.0],
        {"nested": {"long": list(range(5000)) + [{"c": (1, "2")}] + [3] * 10}},
        tuple(range(4001)),
        {2.5: "b", 1: "a"},  # keys json.dumps converts
        ["é", "\u2028", "\ud800", "\x00"],
        [[], [[]], [{}]],
        {"parameters": {f"p{i}": [float(k) / 3 for k in range(300)] for i in range(20)}},
    ],
)
def test_the_text_is_json_dumps_text(value):
    assert json_pieces.dumps(value) == json.dumps(value)
    assert json_pieces.dumps(value, sort_keys=True) == json.dumps(value, sort_keys=True)


def test_sorted_keys_and_a_default_as_json_dumps_applies_them():
    # the record's key hashes its parameters so: what no JSON type holds is written as its repr
    value = {"z": {"b": {1, 2}, "a": b"x"}, "a": [complex(1, 2), {"y": 1, "x": [range(3)] * 3}]}
    assert json_pieces.dumps(value, sort_keys=True, default=repr) == json.dumps(value, sort_keys=True, default=repr)


def test_nan_and_infinity_as_json_dumps_writes_them():
    value = [math.nan, math.inf, -math.inf, {"x": [math.nan] * 3000}]
    assert json_pieces.dumps(value) == json.dumps(value)


def test_what_json_dumps_refuses_is_refused():
    with pytest.raises(TypeError):
        json_pieces.dumps({"a": [object()]})


def test_another_thread_gets_the_lock_while_a_large_reply_is_encoded():
    # 200 parameters of 1,800 numbers, as the rehearsal's reply carries them: json.dumps is one
    # call into C that keeps the lock throughout; here a thread that sleeps 1 ms at a time wakes
    # up late by no more than a piece's encoding.
    reply = {"record": {"parameters": {f"p{i}": list(range(1800)) for i in range(200)}}}
    lateness: list[float] = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            started = time.perf_counter()
            time.sleep(0.001)
            lateness.append(time.perf_counter() - started - 0.001)

    ticker = threading.Thread(target=tick)
    interval = sys.getswitchinterval()
    ticker.start()
    try:
        text = json_pieces.dumps(reply)
    finally:
        stop.set()
        ticker.join()
    assert text == json.dumps(reply)
    assert len(lateness) > 5
    # one piece (a value of 1,800 numbers) is well under a millisecond, and the lock changes
    # hands every switch interval (5 ms); json.dumps of the whole held it 50-130 ms here
    assert max(lateness) < interval + 0.025, sorted(lateness)[-3:]
