"""REST routes under /readiness/: authenticate, authorize, parse, call the service, and turn what
it raises into an HTTP status — in one place, ``_answer``.

Every route is ``@tornado.web.authenticated`` and ``@authorized``. Checking a notebook reads it
(``contents: read``); freezing, extracting, exporting, fixing and waiving write beside it
(``contents: write``); asking its kernel also needs ``kernels: execute``, and so does every
rehearse route (a rehearsal runs the notebook in new kernels and writes its record beside it:
``contents: write`` too). An error reply is ``{"message", "reason"}`` like jupyter-server's own (a
409 for a notebook already being rehearsed adds that job's ``job_id``); its message names the
problem and never repeats what was sent.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import tornado
from jupyter_core.utils import ensure_async
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin
from jupyter_server.utils import url_path_join
from pydantic import BaseModel, ValidationError

from ..actions.errors import ActionRefused
from ..actions.source import NoSuchNotebook
from ..contract.requests import (
    CheckRequest,
    ExportRequest,
    ExtractRequest,
    FixRequest,
    FreezeRequest,
    RehearseRequest,
    WaiveRequest,
)
from ..files import OutsideRoot, Unreadable, Unwritable
from ..handoff.spec import ContractError
from ..notebook.model import NotebookError
from .errors import BadRequest, Forbidden, ReadinessError, TooLarge
from .service import Service

AUTH_RESOURCE = "readiness"

# What the service and the actions raise, as HTTP statuses; anything else is a bug (500).
_STATUS: tuple[tuple[type[Exception], int], ...] = (
    (ReadinessError, 0),  # carries its own status
    (OutsideRoot, 403),
    (NoSuchNotebook, 404),
    (NotebookError, 400),
    (ContractError, 409),  # the contract file is invalid, or cannot be edited safely: fix it first
    (Unreadable, 400),
    (ActionRefused, 400),
)


class _Handler(ExtensionHandlerMixin, APIHandler):
    auth_resource = AUTH_RESOURCE
    route = ""  # the route's name in contract/schema.py's REPLIES

    @property
    def _service(self) -> Service:
        return self.settings["readiness_service"]

    async def _answer(
        self,
        body_model: type[BaseModel] | None,
        act: Callable[[Any], Awaitable[str] | str],
        *,
        runs_kernels: bool = False,
    ) -> None:
        """Parse the body (if any), check the kernel permission when a kernel is named or the route
        runs kernels, act, reply with the JSON text it made (off the event loop)."""
        try:
            request = self._parse(body_model) if body_model is not None else None
            if (runs_kernels or getattr(request, "kernel_id", None)) and not await ensure_async(
                self.authorizer.is_authorized(self, self.current_user, "execute", "kernels")
            ):
                raise Forbidden(
                    "not authorized to run kernels" if runs_kernels else "not authorized to inspect kernels"
                )
            reply = await ensure_async(act(request))
        except Exception as error:
            status = next((code or error.status for kind, code in _STATUS if isinstance(error, kind)), None)
            if status is None:
                raise
            prefix = (
                "cannot write the file: "
                if isinstance(error, Unwritable)
                else "cannot read the file: "
                if isinstance(error, Unreadable)
                else ""
            )
            self._error(status, prefix + str(error), getattr(error, "fields", None) or {})
            return
        if self.extensionapp.validate_replies:
            self._validated(json.loads(reply))
        self.set_header("Content-Type", "application/json")
        self.finish(reply)

    def _parse(self, model: type[BaseModel]) -> Any:
        body = self.request.body or b""
        limit = self.extensionapp.max_body_bytes
        if len(body) > limit:
            raise TooLarge(f"the request body is larger than {limit} bytes (Readiness.max_body_bytes)")
        try:
            return model.model_validate_json(body or b"null")
        except ValidationError as exc:
            # Field names and reasons only, never the values (a notebook may hold secrets) nor the
            # names of fields nobody declared.
            problems = "; ".join(
                "unknown field" if e["type"] == "extra_forbidden" else f"{_location(e['loc'])}: {e['msg']}"
                for e in exc.errors(include_input=False, include_url=False)
            )
            raise BadRequest(f"invalid request body: {problems}") from None

    def _error(self, status: int, message: str, fields: dict[str, str] | None = None) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"message": message, "reason": self._reason, **(fields or {})}))

    def _validated(self, reply: dict[str, Any]) -> None:
        """In the debug mode (``Readiness.validate_replies``) every reply is checked against the
        contract's schema before it leaves."""
        if self.extensionapp.validate_replies:
            from ..contract.schema import REPLIES

            REPLIES[self.route].validate_python(reply)


def _location(loc: tuple[int | str, ...]) -> str:
    """Where in the body a problem is: the field (ours), then list positions and pydantic's
    ``[key]``; a string past the field is a key of a mapping the request sent (a package or a
    parameter name), shown as ``<key>``."""
    return (
        ".".join(
            str(part) if depth == 0 or isinstance(part, int) or part == "[key]" else "<key>"
            for depth, part in enumerate(loc)
        )
        or "body"
    )


class ChecksHandler(_Handler):
    route = "checks"

    @tornado.web.authenticated
    @authorized(action="read")
    def get(self) -> None:
        reply = self._service.catalogue()
        self._validated(reply)
        self.finish(json.dumps(reply))


class CheckHandler(_Handler):
    route = "check"

    @tornado.web.authenticated
    @authorized(action="read", resource="contents")
    async def post(self) -> None:
        await self._answer(CheckRequest, self._service.check)


class FreezeHandler(_Handler):
    route = "freeze"

    @tornado.web.authenticated
    @authorized(action="write", resource="contents")
    async def post(self) -> None:
        await self._answer(FreezeRequest, self._service.freeze)


class ExtractHandler(_Handler):
    route = "extract"

    @tornado.web.authenticated
    @authorized(action="write", resource="contents")
    async def post(self) -> None:
        await self._answer(ExtractRequest, self._service.extract)


class ExportHandler(_Handler):
    route = "export"

    @tornado.web.authenticated
    @authorized(action="write", resource="contents")
    async def post(self) -> None:
        await self._answer(ExportRequest, self._service.export)


class WaiveHandler(_Handler):
    route = "waive"

    @tornado.web.authenticated
    @authorized(action="write", resource="contents")
    async def post(self) -> None:
        await self._answer(WaiveRequest, self._service.waive)


class FixHandler(_Handler):
    route = "fix"

    @tornado.web.authenticated
    @authorized(action="write", resource="contents")
    async def post(self) -> None:
        await self._answer(FixRequest, self._service.fix)


class RehearseHandler(_Handler):
    """Start a rehearsal job: 202 with the job's status (``RehearseJob``) and its URL in
    ``Location``. A notebook already being rehearsed is a 409 (with that ``job_id``); more jobs
    than ``Readiness.max_rehearsals`` running is a 503."""

    route = "rehearse"

    @tornado.web.authenticated
    @authorized(action="write", resource="contents")
    async def post(self) -> None:
        async def start(request: RehearseRequest) -> str:
            job_id, reply = await self._service.rehearse(request)
            self.set_status(202)
            self.set_header("Location", url_path_join(self.base_url, "readiness", "rehearse", job_id))
            return reply

        await self._answer(RehearseRequest, start, runs_kernels=True)


class RehearseJobHandler(_Handler):
    """``GET``: the job's progress (``?since=N``: finished cells from the N-th on), with its reply
    once finished; ``DELETE``: cancel it (a finished job is forgotten). An unknown job is a 404."""

    route = "rehearse"

    @tornado.web.authenticated
    @authorized(action="write", resource="contents")
    async def get(self, job_id: str) -> None:
        def status(_: None) -> str:
            since = self.get_query_argument("since", "0")
            if not since.isdigit() or len(since) > 9:
                raise BadRequest("invalid query: since must be a count of finished cells")
            return self._service.rehearsal(job_id, int(since))

        await self._answer(None, status, runs_kernels=True)

    @tornado.web.authenticated
    @authorized(action="write", resource="contents")
    async def delete(self, job_id: str) -> None:
        await self._answer(None, lambda _: self._service.cancel_rehearsal(job_id), runs_kernels=True)


def routes() -> list[tuple[str, type]]:
    return [
        (r"/readiness/checks", ChecksHandler),
        (r"/readiness/check", CheckHandler),
        (r"/readiness/freeze", FreezeHandler),
        (r"/readiness/extract", ExtractHandler),
        (r"/readiness/export", ExportHandler),
        (r"/readiness/waive", WaiveHandler),
        (r"/readiness/fix", FixHandler),
        (r"/readiness/rehearse", RehearseHandler),
        (r"/readiness/rehearse/([^/]+)", RehearseJobHandler),
    ]
