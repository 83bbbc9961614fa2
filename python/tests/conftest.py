"""Fixtures: the real TypeScript gymrpc server (``node bin/gymrpc.js serve``) in a child process."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import gymrpc
from gymrpc.local_server import LocalServer

REPO = Path(__file__).resolve().parents[2]
CLI = ["node", str(REPO / "bin" / "gymrpc.js")]


def pytest_configure(config: pytest.Config) -> None:
    if not (REPO / "dist" / "server" / "cli.js").exists():
        raise pytest.UsageError(
            "dist/ is not built: run `npm run build` (scripts/test-python.sh does)"
        )
    if shutil.which("node") is None:
        raise pytest.UsageError("node is not on PATH")


def start_server(*args: str) -> LocalServer:
    """A new server process with extra ``serve`` options; stop it when done."""
    return LocalServer(list(args), cli=CLI).start()


@pytest.fixture(scope="session")
def record_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session server's ``--record-dir``: datasets recorded in the tests land here."""
    return tmp_path_factory.mktemp("datasets")


@pytest.fixture(scope="session")
def server(record_dir: Path) -> Iterator[LocalServer]:
    """One server for the whole test session."""
    s = start_server("--record-dir", str(record_dir))
    yield s
    code = s.stop()
    assert code == 0, "the server did not shut down cleanly:\n" + "\n".join(s.log)


@pytest.fixture(scope="session")
def target(server: LocalServer) -> str:
    return server.target


@pytest.fixture(scope="session")
def env_infos(target: str) -> list[gymrpc.EnvInfo]:
    return gymrpc.list_envs(target)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # Tests taking `env_id` run once per env the server lists (ListEnvs, asked at collection).
    # A test that parametrizes env_id itself keeps its own list.
    own = set()
    for marker in metafunc.definition.iter_markers("parametrize"):
        names = marker.args[0]
        own.update(n.strip() for n in names.split(",")) if isinstance(names, str) else own.update(
            names
        )
    if "env_id" in metafunc.fixturenames and "env_id" not in own:
        metafunc.parametrize("env_id", _server_env_ids())


_ENV_IDS: list[str] | None = None


def _server_env_ids() -> list[str]:
    global _ENV_IDS
    if _ENV_IDS is None:
        with LocalServer(cli=CLI) as s:
            _ENV_IDS = [e.id for e in gymrpc.list_envs(s.target)]
        assert _ENV_IDS, "the server lists no envs"
    return _ENV_IDS


@pytest.fixture
def tmp_socket_dir() -> Iterator[Path]:
    # Unix socket paths must be short (108 bytes): pytest's tmp_path can be too long.
    import tempfile

    d = Path(tempfile.mkdtemp(prefix="gymrpc-", dir="/tmp"))
    yield d
    shutil.rmtree(d, ignore_errors=True)
