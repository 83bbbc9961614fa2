"""Errors raised by the gymrpc client.

Every error from a gymrpc server is a :class:`GymRpcError` carrying the gRPC
status code, the server's message and the decoded ``google.rpc`` details
(``ErrorInfo``, ``BadRequest``, ``ResourceInfo``, ``PreconditionFailure``,
``QuotaFailure``). Each common code has its own subclass, so callers can write
``except gymrpc.errors.InvalidArgumentError as e: print(e.field)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import grpc
from google.protobuf import any_pb2
from google.protobuf.message import Message
from google.rpc import error_details_pb2, status_pb2

__all__ = [
    "STATUS_DETAILS_KEY",
    "AlreadyExistsError",
    "DeadlineExceededError",
    "ErrorDetails",
    "FailedPreconditionError",
    "GymRpcError",
    "InternalError",
    "InvalidArgumentError",
    "NotFoundError",
    "PermissionDeniedError",
    "ResourceExhaustedError",
    "UnauthenticatedError",
    "UnavailableError",
    "from_rpc_error",
    "from_status",
]

#: The trailer in which gRPC servers send a ``google.rpc.Status`` with details.
STATUS_DETAILS_KEY = "grpc-status-details-bin"


@dataclass(frozen=True)
class ErrorDetails:
    """The ``google.rpc`` detail messages a server attached to an error (``None`` when absent)."""

    error_info: error_details_pb2.ErrorInfo | None = None
    bad_request: error_details_pb2.BadRequest | None = None
    resource_info: error_details_pb2.ResourceInfo | None = None
    precondition_failure: error_details_pb2.PreconditionFailure | None = None
    quota_failure: error_details_pb2.QuotaFailure | None = None
    #: Details of any other type, still packed.
    other: tuple[any_pb2.Any, ...] = field(default=())

    @classmethod
    def decode(cls, anys: Iterable[any_pb2.Any]) -> ErrorDetails:
        """Unpacks the details of a ``google.rpc.Status``."""
        found: dict[str, object] = {}
        other: list[any_pb2.Any] = []
        for a in anys:
            for name, msg_type in _DETAIL_TYPES:
                if a.Is(msg_type.DESCRIPTOR):
                    msg = msg_type()
                    a.Unpack(msg)
                    found.setdefault(name, msg)
                    break
            else:
                other.append(a)
        return cls(**found, other=tuple(other))


_DETAIL_TYPES: tuple[tuple[str, type[Message]], ...] = (
    ("error_info", error_details_pb2.ErrorInfo),
    ("bad_request", error_details_pb2.BadRequest),
    ("resource_info", error_details_pb2.ResourceInfo),
    ("precondition_failure", error_details_pb2.PreconditionFailure),
    ("quota_failure", error_details_pb2.QuotaFailure),
)


class GymRpcError(Exception):
    """An error from a gymrpc server (or from reaching it): gRPC code, message and details."""

    #: The status code this class stands for (the base class takes any).
    default_code: grpc.StatusCode = grpc.StatusCode.UNKNOWN

    def __init__(
        self,
        code: grpc.StatusCode,
        message: str,
        details: ErrorDetails | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details if details is not None else ErrorDetails()

    def __str__(self) -> str:
        return f"{self.code.name}: {self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code.name}, {self.message!r})"

    def __reduce__(self) -> tuple[type[GymRpcError], tuple[grpc.StatusCode, str, ErrorDetails]]:
        return (type(self), (self.code, self.message, self.details))

    @property
    def reason(self) -> str | None:
        """The ``ErrorInfo`` reason (e.g. ``"UNKNOWN_ENV"``, ``"INVALID_ACTION"``), if any."""
        info = self.details.error_info
        return info.reason if info is not None else None

    @property
    def field(self) -> str | None:
        """The offending request element a ``BadRequest`` names (e.g. ``"action[0]"``), if any."""
        bad = self.details.bad_request
        if bad is not None and bad.field_violations:
            return bad.field_violations[0].field
        return None

    @property
    def resource_name(self) -> str | None:
        """The resource a ``ResourceInfo`` names (e.g. the dataset path of a recording
        failure), if any."""
        res = self.details.resource_info
        return res.resource_name if res is not None else None


class NotFoundError(GymRpcError):
    """``NOT_FOUND``: an unknown env id (see :attr:`suggestions`) or session."""

    default_code = grpc.StatusCode.NOT_FOUND

    @property
    def suggestions(self) -> list[str]:
        """Registered env ids close to the unknown one, best first."""
        info = self.details.error_info
        raw = info.metadata.get("suggestions", "") if info is not None else ""
        return [s for s in raw.split(",") if s]


class InvalidArgumentError(GymRpcError):
    """``INVALID_ARGUMENT``: a bad action, config, seed or option (:attr:`field` names it)."""

    default_code = grpc.StatusCode.INVALID_ARGUMENT


class FailedPreconditionError(GymRpcError):
    """``FAILED_PRECONDITION``: e.g. ``step`` before ``reset``."""

    default_code = grpc.StatusCode.FAILED_PRECONDITION


class ResourceExhaustedError(GymRpcError):
    """``RESOURCE_EXHAUSTED``: e.g. the server's session limit is reached."""

    default_code = grpc.StatusCode.RESOURCE_EXHAUSTED


class UnavailableError(GymRpcError):
    """``UNAVAILABLE``: the server cannot be reached, went away, or is shutting down."""

    default_code = grpc.StatusCode.UNAVAILABLE


class UnauthenticatedError(GymRpcError):
    """``UNAUTHENTICATED``: the server wants a bearer token (``auth_token=``) it did not get."""

    default_code = grpc.StatusCode.UNAUTHENTICATED


class DeadlineExceededError(GymRpcError):
    """``DEADLINE_EXCEEDED``: no answer within the call's ``timeout``."""

    default_code = grpc.StatusCode.DEADLINE_EXCEEDED


class InternalError(GymRpcError):
    """``INTERNAL``: a bug on the server (or a malformed response), or a dataset the server
    could not write (reason ``RECORDING_FAILED``)."""

    default_code = grpc.StatusCode.INTERNAL


class PermissionDeniedError(GymRpcError):
    """``PERMISSION_DENIED``: e.g. the server may not write a dataset where it was asked to
    (reason ``RECORDING_FAILED``; :attr:`resource_name` is the dataset's path)."""

    default_code = grpc.StatusCode.PERMISSION_DENIED


class AlreadyExistsError(GymRpcError):
    """``ALREADY_EXISTS``: e.g. a file stands where a dataset (or its directory) would go
    (reason ``RECORDING_FAILED``; :attr:`resource_name` is the dataset's path)."""

    default_code = grpc.StatusCode.ALREADY_EXISTS


_BY_CODE: dict[grpc.StatusCode, type[GymRpcError]] = {
    cls.default_code: cls
    for cls in (
        NotFoundError,
        InvalidArgumentError,
        FailedPreconditionError,
        ResourceExhaustedError,
        UnavailableError,
        UnauthenticatedError,
        DeadlineExceededError,
        InternalError,
        PermissionDeniedError,
        AlreadyExistsError,
    )
}
_CODE_BY_VALUE: dict[int, grpc.StatusCode] = {c.value[0]: c for c in grpc.StatusCode}


def error_for(
    code: grpc.StatusCode, message: str, details: ErrorDetails | None = None
) -> GymRpcError:
    """The typed error for a status code."""
    return _BY_CODE.get(code, GymRpcError)(code, message, details)


def from_status(status: status_pb2.Status) -> GymRpcError:
    """The typed error for a ``google.rpc.Status`` (as sent in-stream by the Session stream)."""
    code = _CODE_BY_VALUE.get(status.code, grpc.StatusCode.UNKNOWN)
    return error_for(code, status.message, ErrorDetails.decode(status.details))


def from_rpc_error(err: grpc.RpcError, target: str, context: str = "") -> GymRpcError:
    """The typed error for a failed gRPC call, with the details of its status trailer.

    Connection failures become :class:`UnavailableError` naming ``target``.
    """
    if isinstance(err, grpc.Call):
        return from_call_status(
            err.code(), err.details() or str(err), err.trailing_metadata(), target, context
        )
    return from_call_status(grpc.StatusCode.UNKNOWN, str(err), None, target, context)


def from_call_status(
    code: grpc.StatusCode,
    details: str,
    trailing_metadata: Iterable[tuple[str, str | bytes]] | None,
    target: str,
    context: str = "",
) -> GymRpcError:
    """The typed error for a call's final status: details from ``grpc-status-details-bin``
    when the server sent them, else a message that names the target for connection errors."""
    for key, value in trailing_metadata or ():
        if key == STATUS_DETAILS_KEY and isinstance(value, bytes):
            status = status_pb2.Status.FromString(value)
            return error_for(code, status.message or details, ErrorDetails.decode(status.details))
    text = details
    if code == grpc.StatusCode.UNAVAILABLE:
        text = f"gymrpc server at {target} is unavailable: {details}"
    elif code == grpc.StatusCode.DEADLINE_EXCEEDED:
        text = f"gymrpc server at {target} did not answer in time: {details}"
    if context:
        text = f"{context}: {text}"
    return error_for(code, text)
