"""Run the site's processes side by side and stop them together (`make serve`, `make run`).

    python -m scripts.processes web="gunicorn …" worker="python manage.py run_worker"

Each command runs in its own process group (so a reloader's children go with it). SIGTERM or
SIGINT (Ctrl-C) is passed to every group; whatever has not stopped after ``--grace`` seconds is
killed. When one process ends on its own, the others are stopped too and the exit status is
that process's, so the service manager in charge (systemd, a container runtime) restarts the
whole; a restarted worker picks up the tasks its predecessor left (``ijm_site/taskqueue``).
On Linux each child is also told to stop if this runner dies without a chance to pass it on.
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


def _die_with_parent() -> None:
    with contextlib.suppress(OSError):  # not Linux: the signal forwarding still applies
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Processes:
    def __init__(self, commands: dict[str, list[str]], grace: float):
        self.commands = commands
        self.grace = grace
        self.children: dict[str, subprocess.Popen] = {}
        self.stopping = False

    def start(self) -> None:
        for name, argv in self.commands.items():
            self.children[name] = subprocess.Popen(
                argv, start_new_session=True, preexec_fn=_die_with_parent
            )
            print(f"processes: started {name} (pid {self.children[name].pid})", file=sys.stderr)

    def _signal_all(self, signum: int) -> None:
        for child in self.children.values():
            if child.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signum)

    def stop(self, signum: int = signal.SIGTERM) -> None:
        self.stopping = True
        self._signal_all(signum)
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
            ended = [(n, c) for n, c in self.children.items() if c.poll() is not None]
            if ended:
                name, child = ended[0]
                print(f"processes: {name} exited ({child.returncode}); stopping the others",
                      file=sys.stderr)  # fmt: skip
                self.stop()
                return child.returncode or 1
            time.sleep(0.2)
        self.stop(signal.SIGTERM if received[0] == signal.SIGTERM else signal.SIGINT)
        return 0


def parse(argv: list[str]) -> tuple[dict[str, list[str]], float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grace", type=float, default=30, help="seconds to stop (default 30)")
    parser.add_argument("process", nargs="+", help='name="command with arguments"')
    options = parser.parse_args(argv)
    commands = {}
    for item in options.process:
        name, _, command = item.partition("=")
        if not name or not command:
            parser.error(f'expected name="command", got {item!r}')
        commands[name] = shlex.split(command)
    return commands, options.grace


def main(argv: list[str] | None = None) -> int:
    commands, grace = parse(sys.argv[1:] if argv is None else argv)
    processes = Processes(commands, grace)
    processes.start()
    return processes.wait()


if __name__ == "__main__":
    sys.exit(main())
