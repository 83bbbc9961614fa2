"""Errors become gymrpc.errors exceptions with the gRPC code, message and google.rpc details."""

from __future__ import annotations

import pickle
import socket
import threading
import time

import grpc
import numpy as np
import pytest

import gymrpc
from gymrpc.errors import (
    DeadlineExceededError,
    FailedPreconditionError,
    GymRpcError,
    InvalidArgumentError,
    NotFoundError,
    ResourceExhaustedError,
    UnavailableError,
)
from gymrpc.local_server import LocalServer

from conftest import CLI, start_server
from fake_server import FakeServer


def test_bad_action_names_the_element(target: str) -> None:
    with gymrpc.make("Pendulum-v1", target) as env:
        env.reset(seed=0)
        with pytest.raises(InvalidArgumentError) as e:
            env.step(np.array([3.5], np.float32))
        err = e.value
        assert err.code == grpc.StatusCode.INVALID_ARGUMENT
        assert err.field == "action[0]"
        assert err.reason == "INVALID_ACTION"
        assert "outside the bounds" in err.message
        # The stream stays usable after an in-stream error.
        obs, *_ = env.step(np.array([1.5], np.float32))
        assert obs.shape == (3,)


def test_bad_vector_action_names_the_sub_env(target: str) -> None:
    with gymrpc.make_vec("CartPole-v1", 5, target) as envs:
        envs.reset(seed=0)
        with pytest.raises(InvalidArgumentError) as e:
            envs.step(np.array([0, 1, 0, 2, 1]))
        assert e.value.field == "action[3]"
        with pytest.raises(InvalidArgumentError, match="shape"):
            envs.step(np.array([0, 1]))


def test_discrete_action_of_wrong_kind(target: str) -> None:
    with gymrpc.make("CartPole-v1", target) as env:
        env.reset(seed=0)
        with pytest.raises(InvalidArgumentError) as e:
            env.step(2)
        assert e.value.field == "action"
        with pytest.raises(InvalidArgumentError, match="float64"):
            env.step(1.0)


def test_unknown_env_lists_close_matches(target: str) -> None:
    with pytest.raises(NotFoundError) as e:
        gymrpc.make("CartPol-v1", target)
    err = e.value
    assert err.code == grpc.StatusCode.NOT_FOUND
    assert err.suggestions[0] == "CartPole-v1"
    assert "CartPole-v1" in str(err)
    assert err.details.resource_info is not None
    assert err.details.resource_info.resource_name == "CartPol-v1"
    assert err.reason == "UNKNOWN_ENV"


def test_bad_config_and_seed_name_the_field(target: str) -> None:
    with pytest.raises(InvalidArgumentError) as e:
        gymrpc.make("Pendulum-v1", target, g="strong")
    assert e.value.field is not None and "g" in e.value.field
    with pytest.raises(InvalidArgumentError):
        gymrpc.make("Pendulum-v1", target, no_such_setting=1)
    with gymrpc.make("CartPole-v1", target) as env:
        with pytest.raises(InvalidArgumentError) as e:
            env.reset(seed=2**60)  # Gymnasium takes it; the server's seeds end at 2**53 - 1
        assert e.value.field == "seed"
        env.reset(seed=1)


def test_step_before_reset_is_a_failed_precondition(target: str) -> None:
    with gymrpc.make("CartPole-v1", target) as env:
        with pytest.raises(FailedPreconditionError) as e:
            env.step(0)
        assert e.value.details.precondition_failure is not None


def test_session_limit_is_resource_exhausted() -> None:
    with LocalServer(["--max-sessions", "1"], cli=CLI) as server:
        with gymrpc.make("CartPole-v1", server.target):
            with pytest.raises(ResourceExhaustedError) as e:
                gymrpc.make("CartPole-v1", server.target)
            assert e.value.details.quota_failure is not None


def test_errors_pickle() -> None:
    err = InvalidArgumentError(grpc.StatusCode.INVALID_ARGUMENT, "bad", None)
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is InvalidArgumentError and back.message == "bad"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_no_server_is_unavailable_naming_the_target() -> None:
    target = f"127.0.0.1:{free_port()}"
    t0 = time.monotonic()
    with pytest.raises(UnavailableError) as e:
        gymrpc.make("CartPole-v1", target, retries=2, retry_backoff=0.05)
    assert target in str(e.value)
    assert time.monotonic() - t0 >= 0.05  # it backed off before giving up
    with pytest.raises(UnavailableError, match=target):
        gymrpc.list_envs(target, retries=0)


def test_lost_server_says_so_with_the_target() -> None:
    server = start_server()
    try:
        env = gymrpc.make("CartPole-v1", server.target, retries=0)
        env.reset(seed=0)
        env.step(0)
        server.kill()
        with pytest.raises(UnavailableError) as e:
            env.step(1)
        assert server.target in str(e.value)
        assert "lost" in str(e.value)
        # Step is never retried, and the env stays failed.
        with pytest.raises(UnavailableError):
            env.step(1)
        env.close()
    finally:
        server.kill()


def test_server_shutdown_ends_the_session_with_unavailable() -> None:
    server = start_server()
    try:
        with gymrpc.make("CartPole-v1", server.target, retries=0) as env:
            env.reset(seed=0)
            assert server.stop() == 0
            with pytest.raises(UnavailableError, match=server.target):
                env.step(0)
    finally:
        server.kill()


def test_make_retries_until_the_server_is_up() -> None:
    port = free_port()
    server = LocalServer(cli=CLI, port=port)
    starter = threading.Timer(0.4, server.start)
    starter.start()
    try:
        with gymrpc.make(
            "CartPole-v1", f"127.0.0.1:{port}", retries=8, retry_backoff=0.1, max_backoff=1
        ) as env:
            env.reset(seed=0)
    finally:
        starter.join()
        server.stop()


def test_make_retries_in_stream_unavailable_and_reset_reopens_a_lost_stream() -> None:
    with FakeServer(make_unavailable=2, break_on_reset=1) as fake:
        with gymrpc.make("Fake-v0", fake.target, retry_backoff=0.01) as env:
            assert fake.service.counts["make"] == 3
            obs, _ = env.reset(seed=1)  # the stream breaks; reset makes a new session
            assert obs.shape == (4,)
            assert fake.service.counts["streams"] == 4
            assert env.step(0)[1] == 1.0


def test_step_is_never_retried() -> None:
    with FakeServer(step_unavailable=True) as fake:
        with gymrpc.make("Fake-v0", fake.target, retry_backoff=0.01) as env:
            env.reset()
            with pytest.raises(UnavailableError, match="backend down"):
                env.step(0)
            assert fake.service.counts["step"] == 1


@pytest.mark.parametrize("transport", ["direct", "threaded"])
def test_deadline_exceeded(transport: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GYMRPC_TRANSPORT", transport)
    with FakeServer(step_delay=3.0) as fake:
        env = gymrpc.make("Fake-v0", fake.target, timeout=0.4)
        env.reset()
        t0 = time.monotonic()
        with pytest.raises(DeadlineExceededError) as e:
            env.step(0)
        took = time.monotonic() - t0
        assert 0.3 < took < 2.0
        assert e.value.code == grpc.StatusCode.DEADLINE_EXCEEDED
        assert fake.target in str(e.value)
        env.close()


def test_error_base_class_and_str() -> None:
    err = NotFoundError(grpc.StatusCode.NOT_FOUND, "nope")
    assert isinstance(err, GymRpcError)
    assert str(err) == "NOT_FOUND: nope"
    assert err.suggestions == []


@pytest.mark.parametrize("transport", ["direct", "threaded"])
def test_interrupted_step_leaves_an_env_that_reset_revives(
    transport: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import signal

    monkeypatch.setenv("GYMRPC_TRANSPORT", transport)
    with FakeServer(step_delay=2.0) as fake:
        with gymrpc.make("Fake-v0", fake.target) as env:
            env.reset()
            timer = threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT))
            timer.start()
            t0 = time.monotonic()
            with pytest.raises(KeyboardInterrupt):
                env.step(0)
            assert time.monotonic() - t0 < 1.5
            with pytest.raises(GymRpcError, match="interrupted"):
                env.step(0)
            obs, _ = env.reset()  # a new session on a new stream
            assert obs.shape == (4,)
            assert fake.service.counts["make"] == 2
