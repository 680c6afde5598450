"""Domain errors raised by services; the API kit maps each to a TMF error body and HTTP status."""


class DomainError(Exception):
    status = 422
    code = "UNPROCESSABLE"
    reason = "Unprocessable entity"

    def __init__(self, message: str = "", *, reference_error: str | None = None, details=None):
        super().__init__(message or self.reason)
        self.message = message or self.reason
        self.reference_error = reference_error
        self.details = details


class NotFound(DomainError):
    status = 404
    code = "NOT_FOUND"
    reason = "Resource not found"


class IllegalTransition(DomainError):
    status = 409
    code = "ILLEGAL_TRANSITION"
    reason = "Transition not allowed in the current state"


class Conflict(DomainError):
    status = 409
    code = "CONFLICT"
    reason = "Conflict"


class ValidationFailed(DomainError):
    status = 400
    code = "INVALID_REQUEST"
    reason = "Invalid request"


class Unavailable(DomainError):
    status = 503
    code = "SERVICE_UNAVAILABLE"
    reason = "Service unavailable"
