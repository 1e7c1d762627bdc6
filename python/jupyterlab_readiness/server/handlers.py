"""REST routes under /readiness/: authenticate, authorize, parse, call service.py, map errors.

Every route is ``@tornado.web.authenticated`` and ``@authorized``. Checking a notebook reads it
(``contents: read``); freezing, extracting and exporting write beside it (``contents: write``); asking its kernel also
needs ``kernels: execute``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import tornado
from jupyter_core.utils import ensure_async
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin
from pydantic import BaseModel

from ..contract.requests import CheckRequest, ExportRequest, ExtractRequest, FreezeRequest, parse
from ..errors import Forbidden, NotFound, ReadinessError
from . import service

AUTH_RESOURCE = "readiness"


class _Handler(ExtensionHandlerMixin, APIHandler):
    auth_resource = AUTH_RESOURCE

    async def _answer(self, body_model: type[BaseModel], act: Callable[[Any], Awaitable[dict[str, Any]]]) -> None:
        """Parse the body, check the kernel permission when a kernel is named, act, reply; the
        one place where domain errors become HTTP statuses (APIHandler writes them as JSON)."""
        try:
            request = parse(body_model, self.request.body)
            if getattr(request, "kernel_id", None) and not await ensure_async(
                self.authorizer.is_authorized(self, self.current_user, "execute", "kernels")
            ):
                raise Forbidden("not authorized to inspect kernels")
            reply = await act(request)
        except ReadinessError as error:
            raise tornado.web.HTTPError(error.status, str(error).replace("%", "%%")) from None
        self.finish(json.dumps(reply))

    @property
    def _root(self) -> Path:
        return Path(self.serverapp.root_dir)

    @property
    def _contents(self) -> _Contents:
        return _Contents(self.contents_manager)


class ChecksHandler(_Handler):
    @tornado.web.authenticated
    @authorized(action="read")
    def get(self) -> None:
        self.finish(json.dumps(service.catalogue(self.extensionapp.server_config())))


class CheckHandler(_Handler):
    @tornado.web.authenticated
    @authorized(action="read", resource="contents")
    async def post(self) -> None:
        await self._answer(
            CheckRequest,
            lambda request: service.check(
                request,
                root=self._root,
                contents=self._contents,
                inspector=self.settings["readiness_inspector"],
                settings=self.extensionapp.server_config(),
            ),
        )


class FreezeHandler(_Handler):
    @tornado.web.authenticated
    @authorized(action="write", resource="contents")
    async def post(self) -> None:
        await self._answer(
            FreezeRequest,
            lambda request: service.freeze(
                request, root=self._root, contents=self._contents, inspector=self.settings["readiness_inspector"]
            ),
        )


class ExtractHandler(_Handler):
    @tornado.web.authenticated
    @authorized(action="write", resource="contents")
    async def post(self) -> None:
        await self._answer(
            ExtractRequest, lambda request: service.extract(request, root=self._root, contents=self._contents)
        )


class ExportHandler(_Handler):
    @tornado.web.authenticated
    @authorized(action="write", resource="contents")
    async def post(self) -> None:
        await self._answer(
            ExportRequest,
            lambda request: service.export(
                request, root=self._root, contents=self._contents, inspector=self.settings["readiness_inspector"]
            ),
        )


class _Contents:
    """The server's contents manager, which may not be on local disk."""

    def __init__(self, manager: Any) -> None:
        self.manager = manager

    async def read_text(self, path: str) -> str:
        try:
            model = await ensure_async(self.manager.get(path, content=True, type="file", format="text"))
        except tornado.web.HTTPError as error:
            if error.status_code == 404:
                raise NotFound(f"no such notebook: {path}") from None
            raise ReadinessError(f"cannot read the notebook: {error.log_message}") from None
        return model["content"]


def routes() -> list[tuple[str, type]]:
    return [
        (r"/readiness/checks", ChecksHandler),
        (r"/readiness/check", CheckHandler),
        (r"/readiness/freeze", FreezeHandler),
        (r"/readiness/extract", ExtractHandler),
        (r"/readiness/export", ExportHandler),
    ]
