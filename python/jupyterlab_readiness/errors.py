"""Why a server request cannot be answered; the handlers map each to one HTTP status."""


class ReadinessError(Exception):
    status = 500


class BadRequest(ReadinessError):
    status = 400


class Forbidden(ReadinessError):
    status = 403


class NotFound(ReadinessError):
    status = 404


class Conflict(ReadinessError):
    status = 409


class ExtractionRefused(ValueError):
    """Cells that cannot be extracted to a module; the message says why and what to do, for a person."""


class ExportRefused(ValueError):
    """A notebook that cannot be exported to a package safely; the message says why and what to do."""
