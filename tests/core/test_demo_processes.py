"""Starting and stopping the demo's children: readiness by port, failures with the child's log, and a
stop that always ends every process (stop signal, then SIGTERM, then SIGKILL to the group)."""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from joorsync.core.demo.processes import DemoError, Supervisor, port_open, wait_for_port
from joorsync.core.demo.runner import DemoConfig, demo_children, demo_environment, demo_run

# A child that listens on a free port, writes the port to a file, forks a grandchild that writes its
# pid, and ignores the signals named in argv[2:].
LISTENER = """
import os, signal, socket, sys, time
for name in sys.argv[2:]:
    signal.signal(getattr(signal, name), signal.SIG_IGN)
if os.fork() == 0:
    with open(sys.argv[1] + ".grandchild", "w") as f:
        f.write(str(os.getpid()))
    while True:
        time.sleep(0.1)
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen()
with open(sys.argv[1], "w") as f:
    f.write(str(server.getsockname()[1]))
print("listening", flush=True)
while True:
    time.sleep(0.1)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_file(path: Path, timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text():
            return path.read_text()
        time.sleep(0.05)
    raise AssertionError(f"{path} never written")


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its parent) counts as gone.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def test_wait_for_port_answers_dies_and_times_out():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert wait_for_port(host="127.0.0.1", port=port, timeout=1) >= 0
        assert port_open("127.0.0.1", port)
    closed = free_port()
    with pytest.raises(DemoError, match="exited before it answered"):
        wait_for_port(host="127.0.0.1", port=closed, timeout=10, alive=lambda: False)
    ticks = iter(range(100))
    with pytest.raises(DemoError, match="within 3 s"):
        wait_for_port(
            host="127.0.0.1", port=closed, timeout=3, clock=lambda: float(next(ticks)), sleep=lambda s: None
        )


@pytest.mark.parametrize("ignored", [(), ("SIGINT",), ("SIGINT", "SIGTERM")])
def test_stop_all_ends_children_and_their_forks_whatever_they_ignore(tmp_path, ignored):
    supervisor = Supervisor(env=os.environ, cwd=tmp_path, log_dir=tmp_path / "logs", stop_timeout=1.0)
    port_file = tmp_path / "port"
    child = supervisor.start(
        name="listener",
        argv=[sys.executable, "-c", LISTENER, str(port_file), *ignored],
        port=None,
        stop_signal=signal.SIGINT,
    )
    port = int(wait_file(port_file))
    grandchild = int(wait_file(Path(f"{port_file}.grandchild")))
    assert port_open("127.0.0.1", port) and pid_alive(grandchild)
    assert os.getpgid(child.pid) == child.pid  # its own group: Ctrl-C reaches only the demo

    started = time.monotonic()
    [(name, code)] = supervisor.stop_all()
    assert name == "listener" and code is not None and time.monotonic() - started < 8
    if "SIGTERM" in ignored:
        assert code == -signal.SIGKILL
    elif "SIGINT" in ignored:
        assert code == -signal.SIGTERM
    assert not port_open("127.0.0.1", port)
    deadline = time.monotonic() + 3
    while pid_alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not pid_alive(grandchild)
    assert "listening" in child.log_tail()


def test_a_child_that_dies_while_starting_fails_with_its_log(tmp_path):
    supervisor = Supervisor(env=os.environ, cwd=tmp_path, log_dir=tmp_path / "logs")
    child = supervisor.start(
        name="broken",
        argv=[sys.executable, "-c", "import sys; print('cannot listen: address in use'); sys.exit(3)"],
        port=free_port(),
    )
    with pytest.raises(DemoError, match="broken did not start") as failure:
        supervisor.wait_ready(child, timeout=20)
    assert "cannot listen: address in use" in str(failure.value)
    assert supervisor.first_exited() is child
    assert supervisor.stop_all() == [("broken", 3)]


def test_children_get_the_sandbox_wiring():
    config = DemoConfig(port=9000, joor_port=9001, shopify_port=9002, styles=40)
    env = demo_environment(config=config, base={"DATABASE_URL": "sqlite:////tmp/x.sqlite3", "PATH": "/bin"})
    assert env["JOORSYNC_SANDBOX_MODE"] == "1"
    assert env["SHOPIFY_ADMIN_BASE_URL"] == "http://127.0.0.1:9002"
    assert env["SHOPIFY_APP_URL"] == "http://127.0.0.1:9000"
    assert env["JOOR_AUTH_URL"] == "http://127.0.0.1:9001/auth/"  # a v4 connection signs in there
    assert env["DATABASE_URL"] == "sqlite:////tmp/x.sqlite3"  # web, worker and demo share one database
    specs = {spec.name: spec for spec in demo_children(config=config, python="py")}
    assert list(specs) == ["joor-sandbox", "shopify-sandbox", "web", "worker"]
    joor = specs["joor-sandbox"].argv
    assert joor[2:] == ["joor_sandbox", "--host", "127.0.0.1", "--port", "9001", "--styles", "40"]
    shopify = specs["shopify-sandbox"].argv
    assert (
        shopify[shopify.index("--products") + 1] == "0"
        and shopify[shopify.index("--webhooks") + 1] == "thread"
    )
    assert specs["web"].argv[2:] == ["runserver", "--noreload", "--insecure", "127.0.0.1:9000"]
    assert (specs["web"].port, specs["worker"].port) == (9000, None)
    assert config.open_url == "http://127.0.0.1:9000/sandbox/login?shop=demo.myshopify.com"


def test_demo_refuses_to_start_when_a_port_is_taken(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        config = DemoConfig(port=taken, joor_port=free_port(), shopify_port=free_port(), log_dir=tmp_path)
        lines: list[str] = []
        assert demo_run(config=config, say=lines.append) == 1
    assert any(f"web port {taken}" in line and "already in use" in line for line in lines), lines
    assert not any(line.startswith("started ") for line in lines)  # nothing was started
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "9100", "--joor-port", "9100"], "must differ"),
        (["--styles", "1", "--conflicts", "2"], "at least --conflicts"),
    ],
)
def test_demo_command_checks_its_arguments(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("demo", *args)
