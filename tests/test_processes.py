"""`make serve` and `make run` run the web server and the worker side by side
(scripts/processes.py): SIGTERM stops both, and when one ends the other is stopped rather than
left running alone."""

import os
import signal
import subprocess
import sys
import time

import pytest

from scripts.served_site import ROOT

# A child that reports its pid, stops cleanly on SIGTERM after a moment, and leaves a file
# saying it did.
CHILD = (
    "import os, signal, sys, time, pathlib; "
    "d = pathlib.Path(sys.argv[1]); (d / f'{sys.argv[2]}.pid').write_text(str(os.getpid())); "
    "signal.signal(signal.SIGTERM, lambda *a: ((d / f'{sys.argv[2]}.stopped').touch(), "
    "time.sleep(0.2), sys.exit(0))); time.sleep(float(sys.argv[3]))"
)


def runner(tmp_path, web_seconds=60, worker_seconds=60, *options):
    command = [sys.executable, "-m", "scripts.processes", "--grace", "5", *options]
    for name, seconds in (("web", web_seconds), ("worker", worker_seconds)):
        command.append(f'{name}={sys.executable} -c "{CHILD}" {tmp_path} {name} {seconds}')
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not all(
        (tmp_path / f"{name}.pid").exists() for name in ("web", "worker")
    ):
        time.sleep(0.05)
    return process


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def pids(tmp_path):
    return [int((tmp_path / f"{name}.pid").read_text()) for name in ("web", "worker")]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_or_ctrl_c_stops_the_web_server_and_the_worker_cleanly(tmp_path, signum):
    process = runner(tmp_path)
    process.send_signal(signum)
    assert process.wait(timeout=20) == 0
    assert (tmp_path / "web.stopped").exists() and (tmp_path / "worker.stopped").exists()
    assert not any(alive(pid) for pid in pids(tmp_path))


def test_when_one_process_ends_the_other_is_stopped_and_the_runner_fails(tmp_path):
    process = runner(tmp_path, worker_seconds=0.5)
    assert process.wait(timeout=20) != 0
    assert (tmp_path / "web.stopped").exists()
    assert not any(alive(pid) for pid in pids(tmp_path))
    assert "worker exited" in process.stderr.read()


def test_a_worker_that_ends_is_started_again_and_the_web_server_keeps_serving(tmp_path):
    process = runner(tmp_path, 60, 0.3, "--restart", "worker")
    web, first_worker = pids(tmp_path)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and pids(tmp_path)[1] == first_worker:
        time.sleep(0.1)
    assert pids(tmp_path)[1] != first_worker  # a new worker
    assert process.poll() is None and alive(web)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 0
    assert not alive(web)
    assert "restarting in 1 s" in process.stderr.read()
