"""Run the site's processes side by side and stop them together (`make serve`, `make run`).

    python -m scripts.processes web="gunicorn …" worker="python manage.py run_worker"

Each command runs in its own process group (so a reloader's children go with it). SIGTERM or
SIGINT (Ctrl-C) sends SIGTERM to every group; whatever has not stopped after ``--grace`` seconds is
killed. A process named with ``--restart`` (the worker) is started again when it ends on its own,
after 1, 2, 4… seconds (at most 30), so a crashing worker never takes the web server down; a
restarted worker picks up the task its predecessor left (``ijm_site/taskqueue``). When any other
process ends, the rest are stopped and the runner exits non-zero, so the service manager in
charge (systemd, a container runtime) restarts the whole. On Linux each child is also told to
stop if this runner dies without a chance to pass it on.
"""

import argparse
import contextlib
import ctypes
import os
import shlex
import signal
import subprocess
import sys
import time

PR_SET_PDEATHSIG = 1


def _child_setup() -> None:
    """Default signal handling even when this runner was started with SIGINT ignored (as a
    shell's background job is); on Linux, SIGTERM when this runner dies."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    with contextlib.suppress(OSError):  # not Linux: the signal forwarding still applies
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Processes:
    def __init__(self, commands: dict[str, list[str]], grace: float, restart: set[str]):
        self.commands = commands
        self.grace = grace
        self.restart = restart
        self.children: dict[str, subprocess.Popen] = {}
        self.restart_delay = dict.fromkeys(restart, 1.0)
        self.restart_at: dict[str, float] = {}

    def start(self, names=None) -> None:
        for name in names or self.commands:
            self.children[name] = subprocess.Popen(
                self.commands[name], start_new_session=True, preexec_fn=_child_setup
            )
            print(f"processes: started {name} (pid {self.children[name].pid})", file=sys.stderr)

    def _restart_due(self, name: str, child: subprocess.Popen) -> bool:
        """Schedule the restart of an ended ``--restart`` process; True once it is due."""
        now = time.monotonic()
        if name not in self.restart_at:
            delay = self.restart_delay[name]
            print(f"processes: {name} exited ({child.returncode}); restarting in {delay:.0f} s",
                  file=sys.stderr)  # fmt: skip
            self.restart_at[name] = now + delay
            self.restart_delay[name] = min(delay * 2, 30.0)
        return now >= self.restart_at[name]

    def _signal_all(self, signum: int) -> None:
        for child in self.children.values():
            if child.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signum)

    def stop(self) -> None:
        self._signal_all(signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        while time.monotonic() < deadline and any(c.poll() is None for c in self.children.values()):
            time.sleep(0.1)
        self._signal_all(signal.SIGKILL)
        for child in self.children.values():
            child.wait()

    def wait(self) -> int:
        """Until one process ends or we are told to stop; then stop the rest."""
        received = []
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda number, frame: received.append(number))
        while not received:
            for name, child in list(self.children.items()):
                if child.poll() is None:
                    continue
                if name not in self.restart:
                    print(f"processes: {name} exited ({child.returncode}); stopping the others",
                          file=sys.stderr)  # fmt: skip
                    self.stop()
                    return child.returncode or 1
                if self._restart_due(name, child):
                    del self.restart_at[name]
                    self.start([name])
            time.sleep(0.2)
        self.stop()  # SIGTERM for Ctrl-C too: every process here stops cleanly on it
        return 0


def parse(argv: list[str]) -> tuple[dict[str, list[str]], float, set[str]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grace", type=float, default=30, help="seconds to stop (default 30)")
    parser.add_argument(
        "--restart", action="append", default=[], help="a process to start again when it ends"
    )
    parser.add_argument("process", nargs="+", help='name="command with arguments"')
    options = parser.parse_args(argv)
    commands = {}
    for item in options.process:
        name, _, command = item.partition("=")
        if not name or not command:
            parser.error(f'expected name="command", got {item!r}')
        commands[name] = shlex.split(command)
    unknown = set(options.restart) - set(commands)
    if unknown:
        parser.error(f"--restart names no process: {', '.join(sorted(unknown))}")
    return commands, options.grace, set(options.restart)


def main(argv: list[str] | None = None) -> int:
    processes = Processes(*parse(sys.argv[1:] if argv is None else argv))
    processes.start()
    return processes.wait()


if __name__ == "__main__":
    sys.exit(main())
