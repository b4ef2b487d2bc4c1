#!/usr/bin/env python3
# test-cli.py — sockbench-cli against Python sockets, socat and nc
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-cli.py [PATH-TO-sockbench-cli]   (or SOCKBENCH_CLI=PATH)
# Prints TAP. Python peers play the server and client of the seed notes.
# Every subprocess and every peer thread has a deadline, so a hang fails
# the test instead of blocking the suite.

import os
import re
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback

CLI = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("SOCKBENCH_CLI", "sockbench-cli")
LOOPBACK = "127.0.0.1"
DEADLINE = 10.0  # seconds any one subprocess or peer may take


class Skip(Exception):
    pass


# ---- helpers -----------------------------------------------------------------

class Result:
    def __init__(self, rc, out, err, elapsed):
        self.rc, self.out, self.err, self.elapsed = rc, out, err, elapsed

    def __repr__(self):
        return f"rc={self.rc} stdout={self.out[:200]!r} stderr={self.err!r}"


def run(*args, timeout=DEADLINE, stdin=None):
    """Run the CLI to completion; a hang raises TimeoutExpired."""
    start = time.monotonic()
    p = subprocess.run([CLI, *args], capture_output=True, timeout=timeout, stdin=stdin or subprocess.DEVNULL)
    return Result(p.returncode, p.stdout, p.stderr.decode("utf-8", "replace"), time.monotonic() - start)


class Running:
    """A CLI process whose stderr is read line by line while it runs."""

    def __init__(self, *args):
        self.start = time.monotonic()
        self.proc = subprocess.Popen([CLI, *args], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.err = b""
        self.out = b""
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.proc.stderr, selectors.EVENT_READ, "err")
        self.sel.register(self.proc.stdout, selectors.EVENT_READ, "out")

    def _pump(self, until):
        while self.sel.get_map():
            left = until - time.monotonic()
            if left <= 0:
                return
            for key, _ in self.sel.select(left):
                chunk = os.read(key.fileobj.fileno(), 65536)
                if not chunk:
                    self.sel.unregister(key.fileobj)
                elif key.data == "err":
                    self.err += chunk
                else:
                    self.out += chunk
            return

    def wait_for_stderr(self, pattern, timeout=DEADLINE):
        """Poll stderr until @pattern matches; returns the match."""
        until = time.monotonic() + timeout
        while time.monotonic() < until:
            m = re.search(pattern, self.err.decode("utf-8", "replace"))
            if m:
                return m
            if not self.sel.get_map() and self.proc.poll() is not None:
                break
            self._pump(until)
        raise AssertionError(f"no {pattern!r} on stderr; got {self.err!r}")

    def finish(self, timeout=DEADLINE):
        until = time.monotonic() + timeout
        while self.sel.get_map() and time.monotonic() < until:
            self._pump(until)
        try:
            rc = self.proc.wait(max(0.1, until - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise
        return Result(rc, self.out, self.err.decode("utf-8", "replace"), time.monotonic() - self.start)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class Peer(threading.Thread):
    """A Python peer running @func in a thread; join() re-raises its failure."""

    def __init__(self, func, *args):
        super().__init__(daemon=True)
        self.func, self.args = func, args
        self.result = None
        self.error = None
        self.start()

    def run(self):
        try:
            self.result = self.func(*self.args)
        except BaseException as e:  # reported by join()
            self.error = e

    def join(self, timeout=DEADLINE):
        super().join(timeout)
        if self.is_alive():
            raise AssertionError("the Python peer did not finish in time")
        if self.error is not None:
            raise self.error
        return self.result


def tcp_listener(host=LOOPBACK, family=socket.AF_INET, backlog=2):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.bind((host, 0))
    s.listen(backlog)
    s.settimeout(DEADLINE)
    return s


def udp_socket(host=LOOPBACK):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((host, 0))
    s.settimeout(DEADLINE)
    return s


def free_port(kind=socket.SOCK_STREAM):
    """A port nobody uses right now (bound to port 0, then closed)."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def connect_retry(host, port, family=socket.AF_INET, timeout=DEADLINE):
    """Connect, retrying with a short backoff until the listener is up."""
    until = time.monotonic() + timeout
    delay = 0.005
    while True:
        s = socket.socket(family, socket.SOCK_STREAM)
        s.settimeout(DEADLINE)
        try:
            s.connect((host, port))
            return s
        except ConnectionRefusedError:
            s.close()
            if time.monotonic() > until:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.1)


def recv_all(conn):
    chunks = []
    while True:
        b = conn.recv(65536)
        if not b:
            return b"".join(chunks)
        chunks.append(b)


def check(cond, what, result=None):
    if not cond:
        raise AssertionError(what + (f"\n{result!r}" if result is not None else ""))


def no_connection_arrived(listener):
    """After the CLI exited, a connection it made would sit in the backlog."""
    listener.setblocking(False)
    try:
        conn, addr = listener.accept()
    except BlockingIOError:
        return True
    conn.close()
    return False


# ---- the seed notes' examples ---------------------------------------------------

MESSAGE = b"Thank you for connecting"


def test_notes_client_against_notes_server():
    """The notes' server: bind, listen(2), accept, send, close."""
    listener = tcp_listener(backlog=2)
    port = listener.getsockname()[1]

    def server():
        conn, addr = listener.accept()
        conn.send(MESSAGE)
        conn.close()
        return addr

    peer = Peer(server)
    r = run("connect", f"tcp://{LOOPBACK}:{port}", "--recv", "1024", "--send", "Hello server")
    peer.join()
    listener.close()
    check(r.rc == 0, "exit status 0", r)
    check(r.out == MESSAGE, "stdout is the server's message", r)
    check(f"connected to {LOOPBACK}:{port}" in r.err, "stderr says connected to", r)


def test_notes_client_is_heard():
    """The same, with a server that also reads what the client sent."""
    listener = tcp_listener(backlog=2)
    port = listener.getsockname()[1]

    def server():
        conn, _ = listener.accept()
        with conn:
            conn.sendall(MESSAGE)
            return recv_all(conn)

    peer = Peer(server)
    r = run("connect", f"tcp://localhost:{port}", "--recv", "1024", "--send", "Hello server")
    heard = peer.join()
    listener.close()
    check(r.rc == 0, "exit status 0", r)
    check(r.out == MESSAGE, "stdout is the server's message", r)
    check(heard == b"Hello server", f"the server heard 'Hello server', not {heard!r}")


def test_notes_server_with_python_client():
    """listen tcp://0.0.0.0:PORT --backlog 2 --send MESSAGE, as in the notes."""
    port = free_port()
    cli = Running("listen", f"tcp://0.0.0.0:{port}", "--backlog", "2", "--send", MESSAGE.decode())
    try:
        client = connect_retry(LOOPBACK, port)
        with client:
            local = client.getsockname()
            got = recv_all(client)
        r = cli.finish()
    finally:
        cli.kill()
    check(r.rc == 0, "exit status 0", r)
    check(got == MESSAGE, f"the client got the message, not {got!r}")
    check(f"listening on 0.0.0.0:{port} (backlog 2)" in r.err, "stderr shows listening", r)
    check(f"accepted connection from {local[0]}:{local[1]}" in r.err,
          "stderr shows the peer address", r)
    check(r.out == b"", "nothing on stdout", r)


def test_listen_port_zero_converses():
    """Port 0: the kernel picks it and the status line tells it (no race)."""
    cli = Running("listen", f"tcp://{LOOPBACK}:0", "--timeout", "5000",
                  "--recv", "5", "--send", "got it\\n", "--recv", "all")
    try:
        port = int(cli.wait_for_stderr(r"listening on 127\.0\.0\.1:(\d+)").group(1))
        with socket.create_connection((LOOPBACK, port), timeout=DEADLINE) as client:
            client.sendall(b"hello")
            reply = b""
            while not reply.endswith(b"\n"):
                reply += client.recv(100)
            client.sendall(b" and goodbye")
            client.shutdown(socket.SHUT_WR)
            rest = recv_all(client)
        r = cli.finish()
    finally:
        cli.kill()
    check(r.rc == 0, "exit status 0", r)
    check(reply == b"got it\n", f"escapes in --send: got {reply!r}")
    check(rest == b"", "the CLI closed after the steps")
    check(r.out == b"hello and goodbye", "stdout has both receives in order", r)


def test_udp_timeout_exception():
    """bind udp://HOST:PORT --timeout MS --recvfrom 1024 with nobody sending."""
    port = free_port(socket.SOCK_DGRAM)
    r = run("bind", f"udp://{LOOPBACK}:{port}", "--timeout", "200", "--recvfrom", "1024")
    check(r.rc == 1, "exit status 1 (timed out)", r)
    check("timed out" in r.err, "stderr says timed out", r)
    check(re.search(r"^sockbench-cli: .*timed out", r.err, re.M), "an error line", r)
    check(0.18 <= r.elapsed < 2.0, f"took {r.elapsed:.3f} s, expected about 0.2 s", r)
    check(r.out == b"", "nothing on stdout", r)


def test_udp_recvfrom_python_sender():
    cli = Running("bind", f"udp://{LOOPBACK}:0", "--timeout", "5000", "--recvfrom", "1024",
                  "--send", "pong")
    try:
        port = int(cli.wait_for_stderr(r"bound to 127\.0\.0\.1:(\d+)").group(1))
        with udp_socket() as sender:
            sender.sendto(b"ping\x00\xff", (LOOPBACK, port))
            reply, addr = sender.recvfrom(100)
            me = sender.getsockname()
        r = cli.finish()
    finally:
        cli.kill()
    check(r.rc == 0, "exit status 0", r)
    check(r.out == b"ping\x00\xff", "stdout has the datagram byte-exact", r)
    check(f"received 6 bytes from {me[0]}:{me[1]}" in r.err, "stderr shows the sender", r)
    check(reply == b"pong" and addr == (LOOPBACK, port), f"--send replied to the sender: {reply!r} {addr}")


# ---- exit statuses --------------------------------------------------------------

def test_refused_is_network_error():
    port = free_port()
    r = run("connect", f"tcp://{LOOPBACK}:{port}", "--send", "x")
    check(r.rc == 3, "exit status 3", r)
    check("refused" in r.err and r.err.startswith("sockbench-cli: "), "stderr says refused", r)


def test_recv_timeout_tcp():
    listener = tcp_listener()
    port = listener.getsockname()[1]

    def server():
        conn, _ = listener.accept()
        with conn:
            return recv_all(conn)

    peer = Peer(server)
    r = run("connect", f"tcp://{LOOPBACK}:{port}", "--timeout", "150", "--recv", "10")
    peer.join()
    listener.close()
    check(r.rc == 1 and "timed out" in r.err, "a silent server makes --recv time out", r)


def test_bad_input_opens_no_socket():
    listener = tcp_listener()
    port = listener.getsockname()[1]
    url = f"tcp://{LOOPBACK}:{port}"
    cases = [
        ["connect", url, "--send-hex", "4g"],
        ["connect", url, "--send", "first", "--send-hex", "4g"],   # checked before the first step
        ["connect", url, "--send", "bad \\q escape"],
        ["connect", url, "--recv", "abc"],
        ["connect", url, "--recv", "0"],
        ["connect", url, "--timeout", "-5"],
        ["connect", url, "--timeout"],
        ["connect", url, "--frobnicate"],
        ["connect", url, "--shutdown", "--send", "late"],
        ["connect", url, "--send", "x", "stray"],
        ["connect", url, "--hex=yes"],
        ["connect", url, "--send-file", "/nonexistent/file"],
        ["connect", url, "--backlog", "2"],
        ["connect", url, "--sendto", f"udp://{LOOPBACK}:9", "x"],
        ["connect", f"udp://{LOOPBACK}:{port}", "--recv", "all"],
        ["connect", f"http://{LOOPBACK}:{port}"],
        ["connect", f"tcp://{LOOPBACK}"],
        ["connect", f"tcp://{LOOPBACK}:70000"],
        ["connect", f"tcp://{LOOPBACK}:0"],
        ["connect", f"tcp://::1:{port}"],
        ["connect", f"tcp://1.2.3.400:{port}"],
        ["connect", f"tcp6://{LOOPBACK}:{port}"],
        ["listen", f"tcp://example.com:{port}"],
        ["listen", f"udp://{LOOPBACK}:{port}"],
        ["bind", url],
        ["bind", f"udp://{LOOPBACK}:0", "--send", "nobody to reply to"],
        ["bind", f"udp://{LOOPBACK}:0", "--shutdown"],
        ["sendto", f"udp://{LOOPBACK}:9", "--recvfrom", "10"],
        ["sendto", f"udp://{LOOPBACK}:9", "--send", "x" * 70000],
        ["frob", url],
        [],
    ]
    try:
        for args in cases:
            r = run(*args)
            check(r.rc == 2, f"{args}: exit status 2", r)
            check(r.out == b"", f"{args}: nothing on stdout", r)
            check(r.err.startswith("sockbench-cli: ") and r.err.count("\n") == 1,
                  f"{args}: one error line", r)
        check(no_connection_arrived(listener), "no connection was made")
    finally:
        listener.close()


# ---- receiving ------------------------------------------------------------------

def test_recv_all_one_mib_byte_exact():
    data = os.urandom(1024 * 1024)
    listener = tcp_listener()
    port = listener.getsockname()[1]

    def server():
        conn, _ = listener.accept()
        with conn:
            conn.sendall(data)

    peer = Peer(server)
    r = run("connect", f"tcp://{LOOPBACK}:{port}", "--timeout", "5000", "--recv", "all")
    peer.join()
    listener.close()
    check(r.rc == 0, "exit status 0", r)
    check(len(r.out) == len(data) and r.out == data, f"1 MiB byte-exact (got {len(r.out)} bytes)")
    check(f"received {len(data)} bytes until the peer closed" in r.err, "stderr has the total", r)


def test_hex_dump():
    listener = tcp_listener()
    port = listener.getsockname()[1]

    def server():
        conn, _ = listener.accept()
        with conn:
            conn.sendall(b"hello")

    peer = Peer(server)
    r = run("connect", f"tcp://{LOOPBACK}:{port}", "--hex", "--recv", "1024")
    peer.join()
    listener.close()
    check(r.rc == 0, "exit status 0", r)
    check(b"68 65 6c 6c 6f" in r.out and b"|hello|" in r.out, "a hex dump", r)
    check(r.out.startswith(b"00000000  68"), "offsets start at 0", r)


def test_shutdown_then_recv_all():
    """Steps run in order: send, half-close, then read the reply to EOF."""
    listener = tcp_listener()
    port = listener.getsockname()[1]

    def server():
        conn, _ = listener.accept()
        with conn:
            conn.sendall(recv_all(conn).upper())

    peer = Peer(server)
    r = run("connect", f"tcp://{LOOPBACK}:{port}", "--nodelay", "--send", "hello ",
            "--send-hex", "77 6f 72 6c 64", "--shutdown", "--recv", "all")
    peer.join()
    listener.close()
    check(r.rc == 0, "exit status 0", r)
    check(r.out == b"HELLO WORLD", "the reply came after the half-close", r)
    check("shut down writing" in r.err, "stderr shows the shutdown", r)


def test_quiet():
    listener = tcp_listener()
    port = listener.getsockname()[1]

    def server():
        conn, _ = listener.accept()
        with conn:
            conn.sendall(b"x")

    peer = Peer(server)
    r = run("connect", f"tcp://{LOOPBACK}:{port}", "-q", "--recv", "all")
    peer.join()
    listener.close()
    check(r.rc == 0 and r.out == b"x" and r.err == "", "--quiet prints no status", r)


# ---- sendto -----------------------------------------------------------------------

def test_sendto():
    with udp_socket() as server:
        port = server.getsockname()[1]
        r = run("sendto", f"udp://{LOOPBACK}:{port}", "--send", "hi\\x00there")
        check(r.rc == 0, "exit status 0", r)
        data, _ = server.recvfrom(100)
        check(data == b"hi\x00there", f"the datagram arrived byte-exact: {data!r}")
        check(f"sent 8 bytes to {LOOPBACK}:{port}" in r.err, "stderr shows the send", r)


def test_sendto_then_recv_reply():
    """An unbound UDP socket is bound by its first sendto, as in Python."""
    with udp_socket() as server:
        port = server.getsockname()[1]

        def echo():
            data, addr = server.recvfrom(100)
            server.sendto(data.upper(), addr)

        peer = Peer(echo)
        r = run("sendto", f"udp://localhost:{port}", "--send", "ping", "--timeout", "3000",
                "--recvfrom", "100")
        peer.join()
    check(r.rc == 0, "exit status 0", r)
    check(r.out == b"PING", "the reply reached the sender", r)
    check(f"from {LOOPBACK}:{port}" in r.err, "stderr shows who replied", r)


def test_send_file_and_wait():
    import tempfile
    data = os.urandom(3000)
    with tempfile.NamedTemporaryFile() as f, udp_socket() as server:
        f.write(data)
        f.flush()
        port = server.getsockname()[1]
        r = run("sendto", f"udp://{LOOPBACK}:{port}", "--send", "first", "--wait", "150",
                "--send-file", f.name)
        check(r.rc == 0, "exit status 0", r)
        check(r.elapsed >= 0.15, f"--wait 150 waited ({r.elapsed:.3f} s)", r)
        got = [server.recvfrom(4096)[0] for _ in range(2)]
    check(got == [b"first", data], "both datagrams in order, the file byte-exact")


def test_bind_sendto_step():
    with udp_socket() as server:
        port = server.getsockname()[1]
        r = run("bind", f"udp://{LOOPBACK}:0", "--sendto", f"udp://{LOOPBACK}:{port}", "one",
                "--sendto", f"udp://localhost:{port}", "two")
        check(r.rc == 0, "exit status 0", r)
        got = [server.recvfrom(100) for _ in range(2)]
        check([d for d, _ in got] == [b"one", b"two"], f"both datagrams, in order: {got}")
        check(got[0][1] == got[1][1], "from the one bound socket")


# ---- the rest -----------------------------------------------------------------------

def test_version_and_help():
    r = run("--version")
    check(r.rc == 0 and re.fullmatch(rb"sockbench-cli \d+\.\d+\.\d+\n", r.out), "--version", r)
    r = run("--help")
    check(r.rc == 0 and b"Usage:" in r.out and b"--recvfrom" in r.out and b"Examples:" in r.out, "--help", r)
    r = run("connect", "tcp://127.0.0.1:1", "-h")
    check(r.rc == 0 and b"Usage:" in r.out, "-h after a command", r)


def test_interrupt():
    cli = Running("bind", f"udp://{LOOPBACK}:0", "--recvfrom", "10")
    try:
        cli.wait_for_stderr(r"bound to")
        cli.proc.send_signal(signal.SIGINT)
        r = cli.finish()
    finally:
        cli.kill()
    check(r.rc == 130 and "interrupted" in r.err, "SIGINT stops a waiting receive", r)


def test_ipv6():
    if not socket.has_ipv6:
        raise Skip("no IPv6")
    try:
        listener = tcp_listener("::1", socket.AF_INET6)
    except OSError as e:
        raise Skip(f"no ::1 here: {e}")
    port = listener.getsockname()[1]

    def server():
        conn, _ = listener.accept()
        with conn:
            conn.sendall(b"six")

    peer = Peer(server)
    r = run("connect", f"tcp://[::1]:{port}", "--recv", "all")
    peer.join()
    listener.close()
    check(r.rc == 0 and r.out == b"six", "IPv6 from brackets", r)
    check(f"connected to [::1]:{port}" in r.err, "the address in brackets", r)


def test_socat_echo_server():
    socat = shutil.which("socat")
    if socat is None:
        raise Skip("socat is not installed")
    port = free_port()
    server = subprocess.Popen([socat, "-T", "10", f"TCP-LISTEN:{port},bind={LOOPBACK},reuseaddr,fork", "PIPE"],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        connect_retry(LOOPBACK, port).close()   # socat is up (fork serves again)
        payload = bytes(range(256)) * 64
        r = run("connect", f"tcp://{LOOPBACK}:{port}", "--timeout", "5000",
                "--send-hex", payload.hex(), "--shutdown", "write", "--recv", "all")
    finally:
        server.kill()
        server.wait(DEADLINE)
    check(r.rc == 0, "exit status 0", r)
    check(r.out == payload, f"socat echoed {len(payload)} bytes back byte-exact (got {len(r.out)})")


def test_socat_client():
    socat = shutil.which("socat")
    if socat is None:
        raise Skip("socat is not installed")
    cli = Running("listen", f"tcp://{LOOPBACK}:0", "--timeout", "5000", "--recv", "all", "--send", "bye\\n")
    try:
        port = int(cli.wait_for_stderr(r"listening on 127\.0\.0\.1:(\d+)").group(1))
        p = subprocess.run([socat, "-t", "5", "-", f"TCP:{LOOPBACK}:{port}"], input=b"from socat\n",
                           capture_output=True, timeout=DEADLINE)
        r = cli.finish()
    finally:
        cli.kill()
    check(p.returncode == 0 and p.stdout == b"bye\n", f"socat got the reply: {p!r}")
    check(r.rc == 0 and r.out == b"from socat\n", "the CLI read socat's line to EOF", r)


def test_nc_udp_listener():
    nc = shutil.which("nc")
    if nc is None:
        raise Skip("nc is not installed")
    port = free_port(socket.SOCK_DGRAM)
    # OpenBSD nc: -u UDP, -l listen, -W 1 exit after one packet
    server = subprocess.Popen([nc, "-u", "-l", "-W", "1", LOOPBACK, str(port)],
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        # nc has no ready signal: send until it has taken one datagram
        until = time.monotonic() + DEADLINE
        while server.poll() is None and time.monotonic() < until:
            r = run("sendto", f"udp://{LOOPBACK}:{port}", "--send", "to nc")
            check(r.rc == 0, "exit status 0", r)
            try:
                server.wait(0.1)
            except subprocess.TimeoutExpired:
                pass
        out, err = server.communicate(timeout=DEADLINE)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    if server.returncode != 0 and b"-W" in err:
        raise Skip(f"this nc has no -W: {err!r}")
    check(out == b"to nc", f"nc received the datagram: {out!r} {err!r}")


# ---- TAP --------------------------------------------------------------------------

def main():
    tests = [(name, f) for name, f in globals().items() if name.startswith("test_") and callable(f)]
    print(f"1..{len(tests)}", flush=True)
    failed = 0
    for i, (name, func) in enumerate(tests, 1):
        try:
            func()
        except Skip as e:
            print(f"ok {i} - {name} # SKIP {e}", flush=True)
            continue
        except BaseException:
            failed += 1
            print(f"not ok {i} - {name}", flush=True)
            for line in traceback.format_exc().splitlines():
                print(f"# {line}", flush=True)
            continue
        print(f"ok {i} - {name}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
