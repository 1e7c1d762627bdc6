"""Requests to the /readiness/ routes of the test server, and what an error reply must never show."""

from __future__ import annotations

import json

import pytest
import tornado


async def post(jp_fetch, route, body, **kwargs):
    response = await jp_fetch("readiness", route, method="POST", body=json.dumps(body), **kwargs)
    return json.loads(response.body)


async def refused(jp_fetch, route, status, body, *, raw: bytes | None = None, **kwargs):
    """The message of the error reply ``route`` answers ``body`` with (its status is ``status``)."""
    with pytest.raises(tornado.httpclient.HTTPClientError) as info:
        await jp_fetch("readiness", route, method="POST", body=raw if raw is not None else json.dumps(body), **kwargs)
    assert info.value.code == status, info.value.response.body
    reply = json.loads(info.value.response.body)
    assert set(reply) == {"message", "reason"}
    return reply["message"]


def never_shows(message: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in message, f"{secret!r} echoed in {message!r}"
    assert "/tmp/" not in message and "/root" not in message and "/home" not in message, message
