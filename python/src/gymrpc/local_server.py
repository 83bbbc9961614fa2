"""Start a gymrpc server as a child process (for tests, examples and notebooks).

>>> from gymrpc.local_server import LocalServer
>>> with LocalServer(cli=["node", "bin/gymrpc.js"]) as server:
...     env = gymrpc.make("CartPole-v1", target=server.target)
"""

from __future__ import annotations

import collections
import json
import os
import shlex
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Sequence

__all__ = ["LocalServer"]


def _default_cli() -> list[str]:
    if os.environ.get("GYMRPC_CLI"):
        return shlex.split(os.environ["GYMRPC_CLI"])
    exe = shutil.which("gymrpc")
    if exe:
        return [exe]
    raise FileNotFoundError(
        "no gymrpc command found: pass cli=['node', '<checkout>/bin/gymrpc.js'], "
        "set GYMRPC_CLI, or put the gymrpc command on PATH (npm install -g)"
    )


class LocalServer:
    """``gymrpc serve --port 0`` in a child process; :attr:`target` is where it listens.

    Args:
        args: Extra ``serve`` options (``["--socket", path]``, ``["--auth-token", t]``, ...).
        cli: The command that runs gymrpc (default: ``$GYMRPC_CLI`` or ``gymrpc`` on PATH).
        port: TCP port (0: any free port).
        startup_timeout: Seconds to wait for the "listening" log line.
    """

    def __init__(
        self,
        args: Sequence[str] = (),
        *,
        cli: Sequence[str] | None = None,
        port: int = 0,
        log_level: str = "info",
        startup_timeout: float = 30.0,
        env: dict[str, str] | None = None,
    ) -> None:
        self.command = [
            *(cli if cli is not None else _default_cli()),
            "serve",
            "--port",
            str(port),
            "--log-level",
            log_level,
            *args,
        ]
        self._env = env
        self._startup_timeout = startup_timeout
        self.addresses: list[str] = []
        #: The last log lines (stdout and stderr), for diagnostics.
        self.log: collections.deque[str] = collections.deque(maxlen=200)
        self.process: subprocess.Popen[str] | None = None
        self._ready = threading.Event()

    @property
    def target(self) -> str:
        """The first address the server listens on (TCP unless ``--no-tcp``)."""
        if not self.addresses:
            raise RuntimeError("the server is not running")
        return self.addresses[0]

    def start(self) -> LocalServer:
        """Starts the server and waits until it listens."""
        self.process = subprocess.Popen(
            self.command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            env=self._env,
        )
        # Drain the output for the server's whole life so its log never blocks it.
        self._pump_thread = threading.Thread(
            target=self._pump, name="gymrpc-server-log", daemon=True
        )
        self._pump_thread.start()
        deadline = time.monotonic() + self._startup_timeout
        while not self._ready.wait(0.05):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    f"gymrpc server did not start ({' '.join(self.command)}):\n"
                    + "\n".join(self.log)
                )
        return self

    def _pump(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            line = line.rstrip("\n")
            self.log.append(line)
            if not self._ready.is_set() and '"addresses"' in line:
                try:
                    self.addresses = list(json.loads(line)["addresses"])
                except (ValueError, KeyError, TypeError):
                    continue
                self._ready.set()

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM (graceful shutdown), then SIGKILL after ``timeout`` seconds; the exit code."""
        p = self.process
        if p is None:
            return None
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self._close_pipe()
        return p.returncode

    def _close_pipe(self) -> None:
        # The pump reads to EOF once the process is gone; then the pipe can be closed.
        thread = getattr(self, "_pump_thread", None)
        if thread is not None:
            thread.join(5)
        if (
            self.process is not None
            and self.process.stdout is not None
            and (thread is None or not thread.is_alive())
        ):
            self.process.stdout.close()

    def kill(self) -> None:
        """SIGKILL at once (a lost server)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._close_pipe()

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
