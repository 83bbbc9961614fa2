"""A scripted EnvService in Python, for what the real server cannot be made to do on cue
(answer late, refuse with UNAVAILABLE, break a stream). CartPole-shaped spaces."""

from __future__ import annotations

import threading
import time
from concurrent import futures
from typing import Any

import grpc
import numpy as np
from google.rpc import status_pb2

from gymrpc.v1 import env_service_pb2 as pb
from gymrpc.v1 import env_service_pb2_grpc as pbg
from gymrpc.v1 import tensor_pb2


def _tensor(t: tensor_pb2.Tensor, arr: np.ndarray) -> None:
    wire = {
        np.dtype(np.float32): tensor_pb2.DTYPE_FLOAT32,
        np.dtype(np.float64): tensor_pb2.DTYPE_FLOAT64,
        np.dtype(np.bool_): tensor_pb2.DTYPE_BOOL,
    }
    t.dtype = wire[arr.dtype]
    t.shape.extend(arr.shape)
    t.data = arr.tobytes()


class FakeEnvService(pbg.EnvServiceServicer):
    """Counts requests; ``script`` says which to refuse, delay or break.

    script keys: ``make_unavailable`` (refuse that many makes in-stream with UNAVAILABLE),
    ``step_delay`` (seconds), ``step_unavailable`` (answer every step with UNAVAILABLE),
    ``break_on_reset`` (abort that many streams at their first reset with UNAVAILABLE).
    """

    def __init__(self, **script: Any) -> None:
        self.script = script
        self.counts = {"make": 0, "reset": 0, "step": 0, "streams": 0}
        self.render_mode = ""
        self.lock = threading.Lock()

    def _count(self, kind: str) -> int:
        with self.lock:
            self.counts[kind] += 1
            return self.counts[kind]

    def Session(self, request_iterator: Any, context: grpc.ServicerContext) -> Any:  # noqa: N802
        self._count("streams")
        for req in request_iterator:
            kind = req.WhichOneof("request")
            n = self._count(kind) if kind in self.counts else 0
            if kind == "make":
                if n <= self.script.get("make_unavailable", 0):
                    yield pb.SessionResponse(error=status_pb2.Status(code=14, message="warming up"))
                    continue
                made = self._made()
                made.render_mode = req.make.render_mode
                self.render_mode = req.make.render_mode
                yield pb.SessionResponse(make=made)
            elif kind == "reset":
                if n <= self.script.get("break_on_reset", 0):
                    context.abort(grpc.StatusCode.UNAVAILABLE, "restarting")
                res = pb.SessionResponse()
                _tensor(res.reset.observation.tensor, np.zeros(4, np.float32))
                yield res
            elif kind == "step":
                time.sleep(self.script.get("step_delay", 0))
                if self.script.get("step_unavailable"):
                    yield pb.SessionResponse(
                        error=status_pb2.Status(code=14, message="backend down")
                    )
                    continue
                res = pb.SessionResponse()
                s = res.step
                _tensor(s.observation.tensor, np.full(4, n, np.float32))
                _tensor(s.reward, np.array(1.0))
                _tensor(s.terminated, np.array(False))
                _tensor(s.truncated, np.array(False))
                yield res
            elif kind == "render":
                res = pb.SessionResponse()
                if self.render_mode == "ansi":
                    res.render.frame.text = "|  o  |"
                else:
                    t = res.render.frame.tensor
                    t.dtype = tensor_pb2.DTYPE_UINT8
                    t.shape.extend([2, 3, 3])
                    t.data = bytes(range(18))
                yield res
            elif kind == "close":
                yield pb.SessionResponse(close=pb.CloseSessionResponse())

    def _made(self) -> pb.MakeResponse:
        m = pb.MakeResponse(session_id="fake")
        spec = m.spec
        spec.id = "Fake-v0"
        box = spec.observation_space.box
        box.dtype = tensor_pb2.DTYPE_FLOAT32
        box.shape.append(4)
        _tensor(box.low, np.full(4, -np.inf, np.float32))
        _tensor(box.high, np.full(4, np.inf, np.float32))
        spec.action_space.discrete.n = 2
        spec.metadata.render_modes.extend(["rgb_array", "ansi"])
        spec.metadata.render_fps = 30
        return m


class FakeServer:
    """A FakeEnvService on a free loopback port."""

    def __init__(self, **script: Any) -> None:
        self.service = FakeEnvService(**script)
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
        pbg.add_EnvServiceServicer_to_server(self.service, self.server)
        port = self.server.add_insecure_port("127.0.0.1:0")
        self.target = f"127.0.0.1:{port}"

    def __enter__(self) -> FakeServer:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop(grace=None)
