"""Start `truefans dev` / `make dev` on a free port, wait until the UI answers, stop it with a
signal and check that nothing it started is left running. Shared by test_dev and test_browser.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import psutil

# two shared cores: loading the code location takes about a minute, several while the other
# test worker runs a pipeline (a fresh-clone run under load needed more than 180 s)
UP_TIMEOUT_S = 480
STOP_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ignore_sigint() -> None:
    """preexec_fn: what a background job of a non-interactive shell (`make dev &`) inherits."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def start(
    command: list[str],
    env: dict[str, str],
    log: Path,
    cwd: Path,
    preexec: Callable[[], None] | None = None,
) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, preexec_fn=preexec
        )


def wait_until_up(process: subprocess.Popen[bytes], port: int, log: Path) -> str:
    """Poll the UI's /server_info until it answers 200 (fails if the process ends first)."""
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + UP_TIMEOUT_S
    while True:
        assert process.poll() is None, log.read_text(errors="replace")[-3000:]
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{url}/server_info", timeout=5) as r,
        ):
            if r.status == 200:
                return url
        assert time.monotonic() < deadline, f"the UI did not answer in {UP_TIMEOUT_S} s"
        time.sleep(1)


def descendants(process: subprocess.Popen[bytes]) -> list[psutil.Process]:
    return psutil.Process(process.pid).children(recursive=True)


def stop(process: subprocess.Popen[bytes], signum: int, log: Path) -> None:
    """Send `signum` to the process only (not its group): it must end, and everything it
    started (webserver, daemon, code servers) with it, within STOP_TIMEOUT_S."""
    children = descendants(process)
    assert children, "dagster dev started no processes"
    process.send_signal(signum)
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        for p in [process, *children]:  # clean up before failing
            with contextlib.suppress(psutil.NoSuchProcess, ProcessLookupError):
                psutil.Process(p.pid).kill()
        raise AssertionError(
            f"still running {STOP_TIMEOUT_S} s after {signal.Signals(signum).name}:\n"
            + log.read_text(errors="replace")[-2000:]
        ) from None
    _, alive = psutil.wait_procs(children, timeout=STOP_TIMEOUT_S)
    left = []
    for p in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            left.append(" ".join(p.cmdline()[:5]))
            p.kill()
    assert not alive, f"left running: {left}"


def kill_all(process: subprocess.Popen[bytes]) -> None:
    """Last resort in a `finally`: SIGKILL whatever is still alive (no-op after `stop`)."""
    if process.poll() is not None:
        return
    with contextlib.suppress(psutil.NoSuchProcess):
        for p in [*descendants(process), psutil.Process(process.pid)]:
            with contextlib.suppress(psutil.NoSuchProcess):
                p.kill()
    process.wait(timeout=30)
