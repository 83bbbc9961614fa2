"""One Session stream as blocking request/response pairs.

Two transports carry the stream:

``direct`` (default)
    The call runs on a completion queue of its own that the caller's thread
    polls, as gRPC Python's blocking unary calls do: a step is one batch
    (send + receive) and one wait, with no thread hand-off. It uses gRPC's
    Cython layer (``grpc._cython.cygrpc``), which is not public API; when that
    layer does not look as expected the ``threaded`` transport is used instead.

``threaded``
    gRPC Python's public bidirectional API: requests come from an iterator fed
    by a ``SimpleQueue`` (consumed on gRPC's own thread) and answers are read
    from the response iterator. About twice the round trip of ``direct``.

Set ``GYMRPC_TRANSPORT=threaded`` to force the public API. Requests travel
pre-serialized, so the step path builds no protobuf message.
"""

from __future__ import annotations

import os
import queue
import threading
import time
import weakref
from collections.abc import Iterator
from typing import Any

import grpc

from gymrpc.errors import (
    DeadlineExceededError,
    FailedPreconditionError,
    GymRpcError,
    InternalError,
    UnavailableError,
    from_call_status,
    from_status,
)
from gymrpc.v1 import env_service_pb2 as service_pb2

SESSION_METHOD = "/gymrpc.v1.EnvService/Session"

Metadata = tuple[tuple[str, str], ...]


class StreamEnded(Exception):
    """The call is over: its final status (OK when the server just ended the stream)."""

    def __init__(self, code: grpc.StatusCode, details: str, trailing_metadata: Any) -> None:
        super().__init__(code, details)
        self.code = code
        self.details = details
        self.trailing_metadata = trailing_metadata


# ---------------------------------------------------------------- threaded (public API)


def _requests(q: queue.SimpleQueue[bytes | None]) -> Iterator[bytes]:
    # A free function: gRPC's consumer thread must not keep the transport alive.
    get = q.get
    while True:
        req = get()
        if req is None:
            return
        yield req


def _shutdown_threaded(q: queue.SimpleQueue[bytes | None], call: Any) -> None:
    q.put(None)
    call.cancel()


class ThreadedCall:
    """The Session call through gRPC Python's public streaming API."""

    name = "threaded"

    def __init__(self, channel: grpc.Channel, metadata: Metadata | None) -> None:
        self._queue: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        method = channel.stream_stream(
            SESSION_METHOD, request_serializer=None, response_deserializer=None
        )
        self._call = method(_requests(self._queue), metadata=metadata)
        self._interrupted: StreamEnded | None = None
        self._finalizer = weakref.finalize(self, _shutdown_threaded, self._queue, self._call)

    def roundtrip(self, raw: bytes) -> bytes:
        if self._interrupted is not None:
            raise self._interrupted
        self._queue.put(raw)
        try:
            return next(self._call)
        except StopIteration:
            raise StreamEnded(grpc.StatusCode.OK, "", None) from None
        except grpc.RpcError as err:
            call: Any = err
            raise StreamEnded(call.code(), call.details() or "", call.trailing_metadata()) from None
        except BaseException:
            # Interrupted mid-request (KeyboardInterrupt): the answer is still owed, so
            # the call cannot go on; cancel it (the server closes the session).
            self._interrupted = StreamEnded(grpc.StatusCode.CANCELLED, "interrupted", None)
            self._finalizer()
            raise

    def cancel(self, code: grpc.StatusCode, details: str) -> None:
        self._call.cancel()

    def close(self) -> None:
        self._finalizer()


# ---------------------------------------------------------------- direct (cygrpc)

_START, _STATUS, _HEADERS, _MESSAGE = "start", "status", "headers", "message"


def _drain(call: Any, due: set[str]) -> None:
    """Cancels a direct call and consumes its remaining events (frees the call and its queue)."""
    try:
        if due:
            call.cancel(_cygrpc_code(grpc.StatusCode.CANCELLED), "session stream closed")
        while due:
            due.discard(call.next_event().tag)
    except BaseException:  # noqa: BLE001 - at interpreter exit gRPC may be half torn down
        due.clear()


def _cygrpc_code(code: grpc.StatusCode) -> Any:
    from grpc import _common

    return _common.STATUS_CODE_TO_CYGRPC_STATUS_CODE[code]


class DirectCall:
    """The Session call on a completion queue of its own, polled by the calling thread."""

    name = "direct"

    def __init__(self, channel: grpc.Channel, metadata: Metadata | None) -> None:
        from grpc import _common
        from grpc._cython import cygrpc

        self._cygrpc = cygrpc
        self._codes = _common.CYGRPC_STATUS_CODE_TO_STATUS_CODE
        multicallable = channel.stream_stream(SESSION_METHOD)
        cchannel = channel._channel
        self._RECEIVE_MESSAGE = cygrpc.OperationType.receive_message
        self._RECEIVE_STATUS = cygrpc.OperationType.receive_status_on_client
        self._send = cygrpc.SendMessageOperation
        self._receive = cygrpc.ReceiveMessageOperation
        # Mirrors cygrpc's set of unfinished batches: once it is empty the call and its
        # queue are freed, and next_event must not be called again.
        self._due: set[str] = {_START, _STATUS, _HEADERS}
        self._status: StreamEnded | None = None
        self._call = cchannel.segregated_call(
            cygrpc.PropagationConstants.GRPC_PROPAGATE_DEFAULTS,
            SESSION_METHOD.encode(),
            None,
            None,
            metadata,
            None,
            (
                ((cygrpc.SendInitialMetadataOperation(metadata, 0),), _START),
                ((cygrpc.ReceiveStatusOnClientOperation(0),), _STATUS),
                ((cygrpc.ReceiveInitialMetadataOperation(0),), _HEADERS),
            ),
            multicallable._context,
            multicallable._registered_call_handle,
        )
        self._finalizer = weakref.finalize(self, _drain, self._call, self._due)

    def roundtrip(self, raw: bytes) -> bytes:
        if self._status is not None:
            raise self._status
        if not self._call.operate((self._send(raw, 0), self._receive(0)), _MESSAGE):
            return self._ended()
        due = self._due
        due.add(_MESSAGE)
        message = None
        while _MESSAGE in due:
            ev = self._next_event()
            if ev.tag == _MESSAGE:
                for op in ev.batch_operations:
                    if op.type() == self._RECEIVE_MESSAGE:
                        message = op.message()
        if message is None:
            return self._ended()
        return message

    def _next_event(self) -> Any:
        try:
            ev = self._call.next_event()
        except BaseException:
            # cygrpc frees the call when polling fails (e.g. KeyboardInterrupt).
            self._due.clear()
            self._status = StreamEnded(grpc.StatusCode.CANCELLED, "interrupted", None)
            raise
        self._due.discard(ev.tag)
        if ev.tag == _STATUS:
            for op in ev.batch_operations:
                if op.type() == self._RECEIVE_STATUS:
                    code = self._codes.get(op.code(), grpc.StatusCode.UNKNOWN)
                    details = op.details()
                    if isinstance(details, bytes):
                        details = details.decode("utf-8", "replace")
                    self._status = StreamEnded(code, details or "", op.trailing_metadata())
        return ev

    def _ended(self) -> bytes:
        # The stream is over: wait for its status (the reason) unless it is in already.
        while self._status is None and _STATUS in self._due:
            self._next_event()
        if self._status is None:
            self._status = StreamEnded(grpc.StatusCode.UNKNOWN, "the stream ended", None)
        raise self._status

    def cancel(self, code: grpc.StatusCode, details: str) -> None:
        # Thread-safe in gRPC core: the blocked next_event returns with the cancellation.
        if self._due:
            self._call.cancel(_cygrpc_code(code), details)

    def close(self) -> None:
        self._finalizer()


def _open_call(channel: grpc.Channel, metadata: Metadata | None) -> DirectCall | ThreadedCall:
    if os.environ.get("GYMRPC_TRANSPORT", "direct") != "threaded":
        try:
            return DirectCall(channel, metadata)
        except (ImportError, AttributeError, TypeError):
            pass  # not the gRPC layout DirectCall knows: use the public API
    return ThreadedCall(channel, metadata)


# ---------------------------------------------------------------- the stream


class SessionStream:
    """A Session stream: :meth:`request` sends one serialized SessionRequest and returns its answer.

    Not thread-safe: one caller at a time (each env owns its stream).
    """

    def __init__(
        self,
        channel: grpc.Channel,
        target: str,
        metadata: Metadata | None,
        timeout: float | None,
    ) -> None:
        self.target = target
        self._call = _open_call(channel, metadata)
        self._failure: GymRpcError | None = None
        self._timeout = timeout
        self._watchdog: _Watchdog | None = None
        if timeout is not None:
            self._watchdog = _Watchdog(self._call, timeout)
            weakref.finalize(self, self._watchdog.stop)

    @property
    def transport(self) -> str:
        """``"direct"`` or ``"threaded"`` (see the module docs)."""
        return self._call.name

    @property
    def failure(self) -> GymRpcError | None:
        """Why the stream no longer works (the session is gone with it), or None while it does."""
        return self._failure

    def request(self, raw: bytes, what: str) -> service_pb2.SessionResponse:
        """Sends a serialized SessionRequest; returns its response or raises its error.

        ``what`` names the request in errors ("step", "reset", ...).
        """
        if self._failure is not None:
            raise self._failure
        watchdog = self._watchdog
        if watchdog is None:
            try:
                data = self._call.roundtrip(raw)
            except StreamEnded as end:
                raise self._fail(self._stream_error(end, what, False)) from None
        else:
            watchdog.arm()
            try:
                data = self._call.roundtrip(raw)
            except StreamEnded as end:
                raise self._fail(self._stream_error(end, what, watchdog.fired)) from None
            finally:
                watchdog.disarm()
        res = service_pb2.SessionResponse.FromString(data)
        if res.WhichOneof("response") == "error":
            raise from_status(res.error)
        return res

    def expect(self, res: service_pb2.SessionResponse, kind: str) -> Any:
        """The ``kind`` part of a response (InternalError if the server answered otherwise)."""
        got = res.WhichOneof("response")
        if got != kind:
            raise InternalError(
                grpc.StatusCode.INTERNAL, f"expected a {kind} response, got {got or 'nothing'}"
            )
        return getattr(res, kind)

    def close(self) -> None:
        """Ends the stream (the server closes the session if it still has it)."""
        if self._failure is None:
            self._failure = FailedPreconditionError(
                grpc.StatusCode.FAILED_PRECONDITION, "the env is closed"
            )
        if self._watchdog is not None:
            self._watchdog.stop()
        self._call.close()

    def _stream_error(self, end: StreamEnded, what: str, timed_out: bool) -> GymRpcError:
        if timed_out:
            return DeadlineExceededError(
                grpc.StatusCode.DEADLINE_EXCEEDED,
                f"gymrpc server at {self.target} did not answer {what} within "
                f"{self._timeout:g} s; the session stream was cancelled",
            )
        if end.code == grpc.StatusCode.OK:
            return UnavailableError(
                grpc.StatusCode.UNAVAILABLE,
                f"gymrpc server at {self.target} ended the session stream during {what}; "
                "the session is closed",
            )
        err = from_call_status(end.code, end.details, end.trailing_metadata, self.target)
        if err.code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED):
            if self.target not in err.message:
                err.message = f"gymrpc server at {self.target} is unavailable: {err.message}"
            err.message += (
                " (during make)" if what == "make" else f" (during {what}; the session is lost)"
            )
            err.args = (err.message,)
        return err

    def _fail(self, err: GymRpcError) -> GymRpcError:
        self._failure = err
        if self._watchdog is not None:
            self._watchdog.stop()
        self._call.close()
        return err


class _Watchdog:
    """Cancels the call when a request goes unanswered past the timeout.

    Arming is two attribute writes (no thread hand-off per request); the
    watchdog thread wakes every quarter of the timeout to look.
    """

    def __init__(self, call: DirectCall | ThreadedCall, timeout: float) -> None:
        self._call = weakref.ref(call)
        self._timeout = timeout
        self._deadline: float | None = None
        self.fired = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="gymrpc-deadline", daemon=True)
        self._thread.start()

    def arm(self) -> None:
        self._deadline = time.monotonic() + self._timeout

    def disarm(self) -> None:
        self._deadline = None

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        period = max(0.001, self._timeout / 4)
        while not self._stop.wait(period):
            deadline = self._deadline
            if deadline is not None and time.monotonic() > deadline:
                call = self._call()
                if call is None:
                    return
                self.fired = True
                call.cancel(grpc.StatusCode.DEADLINE_EXCEEDED, "gymrpc client deadline")
                return
