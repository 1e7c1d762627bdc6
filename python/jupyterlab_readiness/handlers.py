"""REST routes under /readiness/: authenticate, authorize, parse, call service.py, map errors.

Every route is ``@tornado.web.authenticated`` and ``@authorized``. Checking a notebook reads it
(``contents: read``); freezing and extracting write beside it (``contents: write``); asking its kernel also
needs ``kernels: execute``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import tornado
from jupyter_core.utils import ensure_async
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin

from . import service
from .errors import Forbidden, NotFound, ReadinessError
from .bodies import CheckRequest, ExtractRequest, FreezeRequest, parse

AUTH_RESOURCE = "readiness"


class _Handler(ExtensionHandlerMixin, APIHandler):
    auth_resource = AUTH_RESOURCE

    def _http_error(self, error: ReadinessError) -> tornado.web.HTTPError:
        # The one place where domain errors become HTTP statuses (APIHandler writes them as JSON).
        return tornado.web.HTTPError(error.status, str(error).replace("%", "%%"))


class ChecksHandler(_Handler):
    @tornado.web.authenticated
    @authorized(action="read")
    def get(self) -> None:
        self.finish(json.dumps(service.catalogue(self.extensionapp.server_config())))


class CheckHandler(_Handler):
    @tornado.web.authenticated
    @authorized(action="read", resource="contents")
    async def post(self) -> None:
        try:
            request = parse(CheckRequest, self.request.body)
            if request.kernel_id and not await ensure_async(self.authorizer.is_authorized(self, self.current_user, "execute", "kernels")):
                raise Forbidden("not authorized to inspect kernels")
            reply = await service.check(
                request,
                root=Path(self.serverapp.root_dir),
                contents=_Contents(self.contents_manager),
                inspector=self.settings["readiness_inspector"],
                settings=self.extensionapp.server_config(),
            )
        except ReadinessError as error:
            raise self._http_error(error) from None
        self.finish(json.dumps(reply))


class FreezeHandler(_Handler):
    @tornado.web.authenticated
    @authorized(action="write", resource="contents")
    async def post(self) -> None:
        try:
            request = parse(FreezeRequest, self.request.body)
            if request.kernel_id and not await ensure_async(self.authorizer.is_authorized(self, self.current_user, "execute", "kernels")):
                raise Forbidden("not authorized to inspect kernels")
            reply = await service.freeze(request, root=Path(self.serverapp.root_dir), contents=_Contents(self.contents_manager), inspector=self.settings["readiness_inspector"])
        except ReadinessError as error:
            raise self._http_error(error) from None
        self.finish(json.dumps(reply))


class ExtractHandler(_Handler):
    @tornado.web.authenticated
    @authorized(action="write", resource="contents")
    async def post(self) -> None:
        try:
            request = parse(ExtractRequest, self.request.body)
            reply = await service.extract(request, root=Path(self.serverapp.root_dir), contents=_Contents(self.contents_manager))
        except ReadinessError as error:
            raise self._http_error(error) from None
        self.finish(json.dumps(reply))


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
    return [(r"/readiness/checks", ChecksHandler), (r"/readiness/check", CheckHandler), (r"/readiness/freeze", FreezeHandler), (r"/readiness/extract", ExtractHandler)]
