"""Connection options against real servers: Unix sockets, TLS, bearer tokens."""

from __future__ import annotations

import datetime
import ipaddress
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import gymrpc
from gymrpc.errors import UnauthenticatedError, UnavailableError
from gymrpc.local_server import LocalServer

from conftest import CLI

TOKEN = "s3cret-token"


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost and 127.0.0.1 (its own root)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "gymrpc test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def run_episode(env: gymrpc.RemoteEnv) -> np.ndarray:
    obs, _ = env.reset(seed=3)
    for _ in range(5):
        obs, *_ = env.step(0)
    return obs


@pytest.fixture(scope="module")
def reference(target: str) -> np.ndarray:
    with gymrpc.make("CartPole-v1", target) as env:
        return run_episode(env)


def test_unix_domain_socket(tmp_socket_dir: Path, reference: np.ndarray) -> None:
    sock = tmp_socket_dir / "gymrpc.sock"
    with LocalServer(["--socket", str(sock), "--no-tcp"], cli=CLI) as server:
        assert server.target == f"unix:{sock}"
        with gymrpc.make("CartPole-v1", server.target) as env:
            np.testing.assert_array_equal(run_episode(env), reference)
        with gymrpc.make_vec("CartPole-v1", 8, server.target) as envs:
            assert envs.reset(seed=0)[0].shape == (8, 4)
        assert [e.id for e in gymrpc.list_envs(server.target)]


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalServer, bytes]]:
    cert, key = self_signed(tmp_path_factory.mktemp("tls"))
    with LocalServer(
        ["--tls-cert", str(cert), "--tls-key", str(key), "--auth-token", TOKEN], cli=CLI
    ) as server:
        yield server, cert.read_bytes()


def test_tls_with_token(tls_server: tuple[LocalServer, bytes], reference: np.ndarray) -> None:
    server, root = tls_server
    opts = {"root_certificates": root, "auth_token": TOKEN}
    with gymrpc.make("CartPole-v1", server.target, **opts) as env:
        np.testing.assert_array_equal(run_episode(env), reference)
    with gymrpc.make_vec("CartPole-v1", 4, server.target, **opts) as envs:
        envs.reset(seed=0)
        envs.step(np.zeros(4, np.int64))
    assert len(gymrpc.list_envs(server.target, **opts)) >= 5
    # The name the certificate is checked against can be overridden.
    port = server.target.rsplit(":", 1)[1]
    with gymrpc.make(
        "CartPole-v1", f"127.0.0.1:{port}", server_name_override="localhost", **opts
    ) as env:
        env.reset(seed=0)


def test_tls_refuses_plaintext_and_unknown_roots(
    tls_server: tuple[LocalServer, bytes], tmp_path: Path
) -> None:
    server, _ = tls_server
    with pytest.raises(UnavailableError, match=server.target):
        gymrpc.make("CartPole-v1", server.target, auth_token=TOKEN, retries=0)
    other_root, _ = self_signed(tmp_path)
    with pytest.raises(UnavailableError, match=server.target):
        gymrpc.make(
            "CartPole-v1",
            server.target,
            root_certificates=other_root.read_bytes(),
            auth_token=TOKEN,
            retries=0,
        )


def test_token_required(tls_server: tuple[LocalServer, bytes]) -> None:
    server, root = tls_server
    for token in (None, "wrong"):
        opts = {"root_certificates": root, "auth_token": token, "retries": 0}
        with pytest.raises(UnauthenticatedError):
            gymrpc.make("CartPole-v1", server.target, **opts)  # in-stream status
        with pytest.raises(UnauthenticatedError):
            gymrpc.list_envs(server.target, **opts)  # unary: status trailer


def test_token_over_plaintext(reference: np.ndarray) -> None:
    with LocalServer(["--auth-token", TOKEN], cli=CLI) as server:
        with gymrpc.make("CartPole-v1", server.target, auth_token=TOKEN) as env:
            np.testing.assert_array_equal(run_episode(env), reference)
        with pytest.raises(UnauthenticatedError) as e:
            gymrpc.make("CartPole-v1", server.target)
        assert e.value.reason == "UNAUTHENTICATED"
