"""Helpers to run the real `unioncat` command and server as a user would."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from config.settings import REPO_ROOT


def unioncat(*args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run `unioncat ARGS` in a fresh process; fail with its output when it fails."""
    result = subprocess.run([sys.executable, "-m", "harvester.cli", *args], cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=timeout,
                            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    if check and result.returncode != 0:
        raise AssertionError(f"unioncat {' '.join(args)} exited {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def stderr_after_signal(proc: subprocess.Popen, signum: int, timeout: float = 30) -> str:
    """Send `signum` to a running command and return its standard error once it exits; a command
    that does not exit in `timeout` seconds is killed, so no test leaves one behind."""
    try:
        proc.send_signal(signum)
        _, stderr = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return stderr


def demo_config_copy(work: Path) -> Path:
    """The bundled demo configuration with its data directory moved into `work`."""
    text = (REPO_ROOT / "config" / "demo.toml").read_text(encoding="utf-8")
    text = text.replace('data_dir = "../.demo-data"', f'data_dir = "{work / "catalog"}"')
    text = text.replace('"../fixtures/', f'"{REPO_ROOT / "fixtures"}/')
    path = work / "unioncat.toml"
    path.write_text(text, encoding="utf-8")
    return path


def built_demo(work: Path) -> Path:
    """The configuration of a demo catalogue built in `work` with `unioncat demo --no-serve`, as a user builds it."""
    config = demo_config_copy(work)
    unioncat("demo", "--no-serve", "--config", str(config))
    return config


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """`unioncat serve` in a subprocess, polled until /healthz answers (like datasette's fixture)."""

    def __init__(self, config: Path):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "harvester.cli", "serve", "--config", str(config), "--port", str(self.port)],
            cwd=REPO_ROOT, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"unioncat serve exited: {self.proc.stdout.read()}")
            try:
                if httpx.get(self.base_url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise AssertionError("unioncat serve did not answer /healthz within 60 s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def status_json(config: Path) -> dict:
    return json.loads(unioncat("status", "--format", "json", "--config", str(config)).stdout)
