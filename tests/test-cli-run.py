#!/usr/bin/env python3
# test-cli-run.py — sockbench-cli run and export-python against Python peers
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-cli-run.py PATH-TO-sockbench-cli EXAMPLES-DIR
# Prints TAP. Each case writes a session file (often one of the examples
# with its port rewritten), runs the CLI or the exported script against a
# Python socket peer, and checks the exit status and the reports: TAP,
# JUnit XML (parsed with xml.etree) and JSON. Every subprocess and peer has
# a deadline, so a hang fails the case instead of the suite.

import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import xml.etree.ElementTree as ET

CLI = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("SOCKBENCH_CLI", "sockbench-cli")
EXAMPLES = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "data", "examples")
LOOPBACK = "127.0.0.1"
DEADLINE = 15.0
TMP = tempfile.mkdtemp(prefix="test-cli-run-")


class Result:
    def __init__(self, rc, out, err, raw_out=None):
        self.rc, self.out, self.err, self.raw_out = rc, out, err, raw_out

    def __repr__(self):
        return f"rc={self.rc}\nstdout={self.out}\nstderr={self.err}"


def run(*args, timeout=DEADLINE):
    p = subprocess.run([CLI, *args], capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    return Result(p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"),
                  p.stdout)


def check(cond, what, result=None):
    if not cond:
        raise AssertionError(what + (f"\n{result!r}" if result is not None else ""))


class Peer(threading.Thread):
    def __init__(self, func, *args):
        super().__init__(daemon=True)
        self.func, self.args = func, args
        self.result = self.error = None
        self.start()

    def run(self):
        try:
            self.result = self.func(*self.args)
        except BaseException as e:
            self.error = e

    def join(self, timeout=DEADLINE):
        super().join(timeout)
        if self.is_alive():
            raise AssertionError("the Python peer did not finish in time")
        if self.error is not None:
            raise self.error
        return self.result


def listener():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((LOOPBACK, 0))
    s.listen(2)
    s.settimeout(DEADLINE)
    return s


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def server_peer(lsock, greeting, linger=0.0):
    """The notes' server in Python: accept, send @greeting, read to EOF."""
    conn, _ = lsock.accept()
    with conn:
        conn.settimeout(DEADLINE)
        if greeting:
            conn.sendall(greeting)
        if linger:
            time.sleep(linger)
        chunks = []
        try:
            while True:
                b = conn.recv(65536)
                if not b:
                    break
                chunks.append(b)
        except (ConnectionResetError, socket.timeout):
            pass
    lsock.close()
    return b"".join(chunks)


def client_peer(port, message=b"Hello server"):
    """The notes' client in Python: connect (retrying), recv, send."""
    until = time.monotonic() + DEADLINE
    while True:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(DEADLINE)
        try:
            s.connect((LOOPBACK, port))
            break
        except ConnectionRefusedError:
            s.close()
            if time.monotonic() > until:
                raise
            time.sleep(0.02)
    with s:
        got = s.recv(1024)
        s.sendall(message)
        return got


def wait_listening(port):
    """Until a socket listens on @port (from /proc/net/tcp, without connecting)."""
    until = time.monotonic() + DEADLINE
    needle = f":{port:04X} "
    while time.monotonic() < until:
        with open("/proc/net/tcp") as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if (fields[1] + " ").endswith(needle) and fields[3] == "0A":
                    return
        time.sleep(0.02)
    raise AssertionError(f"nothing listens on port {port}")


def example(name, **changes):
    """An example session with its socket's fields changed; returns the path."""
    with open(os.path.join(EXAMPLES, name), encoding="utf-8") as f:
        doc = json.load(f)
    sock = doc["sockets"][0]
    for key, value in changes.items():
        if key == "steps":
            sock["steps"] = value
        elif isinstance(value, dict):
            sock.setdefault(key, {}).update(value)
        else:
            sock[key] = value
    return write_session(doc)


_n = 0


def write_session(doc, text=None):
    global _n
    _n += 1
    path = os.path.join(TMP, f"s{_n}.sockbench")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text if text is not None else json.dumps(doc, indent=2))
    return path


def tap_lines(out):
    return [l for l in out.splitlines() if re.match(r"(not )?ok \d+ - ", l)]


# ---- run: exit status 0 ------------------------------------------------------------

def test_client_example_passes():
    lsock = listener()
    port = lsock.getsockname()[1]
    peer = Peer(server_peer, lsock, b"Thank you for connecting")
    path = example("notes-client.sockbench", remote={"port": port})
    r = run("run", path)
    got = peer.join()
    check(r.rc == 0, "exit 0", r)
    check(r.out.startswith("TAP version 13\n1..4\n"), "TAP header and plan", r)
    check(tap_lines(r.out) == [
        f"ok 1 - client/connect 127.0.0.1:{port}",
        "ok 2 - client/expect contains “Thank you”",
        "ok 3 - client/send “Hello server”",
        "ok 4 - client/close"], "one TAP line per step", r)
    check(got == b"Hello server", f"the server got {got!r}")


def test_server_example_passes():
    port = free_port()
    path = example("notes-server.sockbench", bind={"host": LOOPBACK, "port": port})
    proc = subprocess.Popen([CLI, "run", path, "--json"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        got = client_peer(port)
        out, err = proc.communicate(timeout=DEADLINE)
    finally:
        if proc.poll() is None:
            proc.kill()
    check(proc.returncode == 0, f"exit 0: {err!r}")
    check(got == b"Thank you for connecting", f"the client got {got!r}")
    report = json.loads(out)
    check(report["result"] == "passed" and report["exit_code"] == 0, "JSON result", report)
    check(report["counts"] == {"total": 5, "passed": 5, "failed": 0, "skipped": 0}, "counts", report)
    steps = report["sockets"][0]["steps"]
    check([s["kind"] for s in steps] == ["bind", "listen", "accept", "send", "close"], "kinds")
    check(steps[3]["detail"] == "sent 24 bytes", "detail of the send", steps[3])
    check(all(isinstance(s["duration_us"], int) for s in steps), "durations")


def test_two_cli_processes():
    """notes-server and notes-client, each run by its own sockbench-cli."""
    port = free_port()
    server = example("notes-server.sockbench", bind={"host": LOOPBACK, "port": port})
    client = example("notes-client.sockbench", remote={"port": port})
    proc = subprocess.Popen([CLI, "run", server], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_listening(port)
        r = run("run", client)
        out, err = proc.communicate(timeout=DEADLINE)
    finally:
        if proc.poll() is None:
            proc.kill()
    check(r.rc == 0, "the client passed", r)
    check(proc.returncode == 0, f"the server passed: {out!r} {err!r}")


def test_both_in_one_session_with_junit():
    doc = {"format": "sockbench-session", "version": 1, "sockets": [
        {"name": "server", "bind": {"host": LOOPBACK, "port": 0}, "timeout_ms": 5000,
         "auto_replies": [{"match": "regex", "pattern": "ping (\\d+)", "reply": "pong ${1}"}],
         "steps": [{"kind": "bind"}, {"kind": "listen", "backlog": 2}, {"kind": "accept"},
                   {"kind": "send", "data": "Thank you for connecting, id=7\n"},
                   {"kind": "expect", "pattern": "bye"}, {"kind": "close"}]},
        {"name": "client", "remote": {"host": LOOPBACK, "port_from": "server"}, "timeout_ms": 5000,
         "steps": [{"kind": "connect", "label": "connect #1"},
                   {"kind": "expect", "match": "regex", "pattern": "id=(?<id>\\d+)"},
                   {"kind": "send", "data": "ping ${id}"},
                   {"kind": "expect", "match": "exact", "pattern": "\npong 7"},
                   {"kind": "send", "data": "bye"}, {"kind": "close"}]}]}
    path = write_session(doc)
    junit = os.path.join(TMP, "both.xml")
    r = run("run", path, "--junit", junit)
    check(r.rc == 0, "exit 0", r)
    lines = tap_lines(r.out)
    check(len(lines) == 12 and all(l.startswith("ok ") for l in lines), "12 passing lines", r)
    check("ok 7 - client/connect \\#1" in lines, "a # in a label is escaped", r)
    root = ET.parse(junit).getroot()
    check(root.tag == "testsuites" and root.get("tests") == "12" and root.get("failures") == "0",
          "JUnit totals", ET.tostring(root))
    suites = root.findall("testsuite")
    check([s.get("name") for s in suites] == ["server", "client"], "one suite per socket")
    check(len(suites[1].findall("testcase")) == 6, "one test case per step")
    check(suites[1].findall("testcase")[0].get("name") == "1 connect #1", "test case name")


# ---- run --capture: the run's traffic as a pcap --------------------------------------

class Skip(Exception):
    pass


def live_prefix():
    """How to run the CLI with CAP_NET_RAW: as is when root, else inside unshare -rn."""
    if os.geteuid() == 0:
        return []
    unshare = shutil.which("unshare")
    if unshare is None:
        raise Skip("live capture needs root or unshare -rn, and there is no unshare")
    probe = subprocess.run([unshare, "-rn", "sh", "-c", "ip link set lo up"], capture_output=True)
    if probe.returncode != 0:
        raise Skip("live capture needs root or unshare -rn: " + probe.stderr.decode(errors="replace").strip())
    return [unshare, "-rn", "sh", "-c", 'ip link set lo up && exec "$0" "$@"']


def run_live(*args, cwd=None):
    cli = os.path.abspath(CLI) if os.sep in CLI else CLI
    p = subprocess.run([*live_prefix(), cli, *args], capture_output=True, timeout=DEADLINE,
                       stdin=subprocess.DEVNULL, cwd=cwd)
    return Result(p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"))


def notes_pair(capture=None):
    """notes-server and notes-client in one session, the client on the server's port."""
    with open(os.path.join(EXAMPLES, "notes-server.sockbench"), encoding="utf-8") as f:
        doc = json.load(f)
    with open(os.path.join(EXAMPLES, "notes-client.sockbench"), encoding="utf-8") as f:
        client = json.load(f)["sockets"][0]
    server = doc["sockets"][0]
    server["bind"] = {"host": LOOPBACK, "port": 0}
    client["remote"] = {"host": LOOPBACK, "port": 0, "port_from": server["name"]}
    doc["sockets"].append(client)
    if capture is not None:
        doc["capture"].update(capture)
    return write_session(doc)


def check_pcap(path, r):
    check(os.path.exists(path), f"{path} written", r)
    with open(path, "rb") as f:
        data = f.read()
    check(data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"),
          "a pcap file", r)
    check(b"Hello server" in data and b"Thank you for connecting" in data, "both payloads in the pcap", r)
    m = re.search(r"captured (\d+) packets to (.*), dropped (\d+)\n", r.err)
    check(m is not None and int(m.group(1)) >= 6 and m.group(2) == path and m.group(3) == "0",
          "the capture reported on stderr", r)
    tshark = shutil.which("tshark")
    if tshark is not None:
        p = subprocess.run([tshark, "-r", path, "-Y", "tcp.payload", "-T", "fields", "-e", "tcp.payload"],
                           capture_output=True, timeout=DEADLINE)
        payloads = [bytes.fromhex(l.replace(":", "")) for l in p.stdout.decode().split()]
        check(b"Hello server" in payloads and b"Thank you for connecting" in payloads,
              f"tshark sees both payloads: {payloads!r}", r)
    else:
        rd = run("read", path)
        check(rd.rc == 0, "sockbench-cli read opens it", rd)


def test_capture_from_session_relative_output():
    """The session's capture section, its output relative to the session file."""
    path = notes_pair({"interface": "lo", "output": "notes-run.pcap"})
    pcap = os.path.join(TMP, "notes-run.pcap")
    r = run_live("run", path, cwd="/")
    check(r.rc == 0, "exit 0", r)
    check(len(tap_lines(r.out)) == 9 and all(l.startswith("ok ") for l in tap_lines(r.out)), "9 passing", r)
    check_pcap(pcap, r)


def test_capture_option():
    """--capture and --capture-interface enable it for a session without one."""
    path = notes_pair()
    pcap = os.path.join(TMP, "option.pcap")
    r = run_live("run", path, "--capture", pcap, "--capture-interface", "lo",
                 "--capture-filter", "tcp and host 127.0.0.1")
    check(r.rc == 0, "exit 0", r)
    check_pcap(pcap, r)


def test_capture_cannot_start_exit_3():
    path = notes_pair()
    pcap = os.path.join(TMP, "never.pcap")
    r = run_live("run", path, "--capture", pcap, "--capture-interface", "sbnosuch0")
    check(r.rc == 3, "exit 3", r)
    check("sbnosuch0" in r.err and "no such interface" in r.err, "the engine's message", r)
    check(tap_lines(r.out) == [] and "Bail out!" in r.out, "no step ran", r)
    r = run("run", path, "--json", "--capture", pcap, "--capture-filter", "tcp port 99999")
    check(r.rc == 3 and json.loads(r.out)["result"] == "network-error", "a bad filter: exit 3", r)


def test_capture_without_permission_exit_3():
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or setpriv is None:
        raise Skip("needs real root and setpriv to run the CLI without privileges")
    copy = os.path.join(TMP, "sockbench-cli")
    shutil.copy(CLI, copy)
    os.chmod(TMP, 0o777)
    os.chmod(copy, 0o755)
    path = notes_pair()
    os.chmod(path, 0o644)
    p = subprocess.run([setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                        "--bounding-set=-all", copy, "run", path, "--capture", os.path.join(TMP, "np.pcap"),
                        "--capture-interface", "lo"], capture_output=True, timeout=DEADLINE)
    r = Result(p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"))
    check(r.rc == 3, "exit 3 without CAP_NET_RAW", r)
    check("CAP_NET_RAW" in r.err and tap_lines(r.out) == [], "says why, before any step", r)


def test_capture_options_need_a_file():
    r = run("run", notes_pair(), "--capture-interface", "lo")
    check(r.rc == 2 and "--capture FILE.pcap" in r.err, "usage error", r)


# ---- run: exit status 1 ------------------------------------------------------------

def test_expectation_fails():
    lsock = listener()
    port = lsock.getsockname()[1]
    peer = Peer(server_peer, lsock, b"Go away")
    path = example("notes-client.sockbench", remote={"port": port}, timeout_ms=500)
    junit = os.path.join(TMP, "fail.xml")
    r = run("run", path, "--junit", junit)
    peer.join()
    check(r.rc == 1, "exit 1", r)
    lines = tap_lines(r.out)
    check(lines[0] == f"ok 1 - client/connect 127.0.0.1:{port}", "connect passed", r)
    check(lines[1].startswith("not ok 2 - client/expect contains “Thank you” # "), "expect failed", r)
    check("Go away" in lines[1], "the reason shows what came", r)
    check(lines[2].startswith("ok 3 - client/send “Hello server” # SKIP not run"), "skipped", r)
    check("client/expect" in r.err, "stderr names the step", r)
    root = ET.parse(junit).getroot()
    check(root.get("failures") == "1" and root.get("skipped") == "2", "JUnit counts",
          ET.tostring(root))
    failure = root.find("testsuite/testcase/failure")
    check(failure is not None and failure.get("type") == "failed", "a <failure>")
    check(len(root.findall("testsuite/testcase/skipped")) == 2, "two <skipped>")


def test_expect_times_out():
    lsock = listener()
    port = lsock.getsockname()[1]
    peer = Peer(server_peer, lsock, b"", 0.0)
    # the example's own 5000 ms, cut by the step's timeout
    path = example("notes-client.sockbench", remote={"port": port},
                   steps=[{"kind": "connect"},
                          {"kind": "expect", "pattern": "Thank you", "timeout_ms": 300},
                          {"kind": "close"}])
    start = time.monotonic()
    r = run("run", path, "--json")
    peer.join()
    check(r.rc == 1, "exit 1", r)
    check(time.monotonic() - start < 5, "it did not wait for the socket's timeout")
    report = json.loads(r.out)
    check(report["result"] == "failed" and report["exit_code"] == 1, "JSON result", report)
    step = report["sockets"][0]["steps"][1]
    check(step["status"] == "failed", "the expect failed", step)
    check(step["detail"].startswith("timed out after 300 ms waiting for “Thank you”"), "reason",
          step)
    check(report["sockets"][0]["steps"][2]["status"] == "skipped", "close skipped", report)
    check(report["error"].startswith("client/expect"), "the error names the step", report)
    # --json or not, the progress goes to stderr
    m = [m for m in progress_lines(r.err) if m["outcome"] == "failed"]
    check(len(m) == 1 and m[0]["n"] == "2" and m[0]["step"] == "expect contains “Thank you”"
          and m[0]["why"].startswith("timed out after 300 ms waiting for “Thank you”")
          and int(m[0]["ms"]) >= 300, "the progress line of the timed-out step", r)


def test_default_timeout_option():
    lsock = listener()
    port = lsock.getsockname()[1]
    peer = Peer(server_peer, lsock, b"", 0.0)
    path = example("notes-client.sockbench", remote={"port": port}, timeout_ms=-1)
    start = time.monotonic()
    r = run("run", path, "--timeout", "300")
    peer.join()
    check(r.rc == 1, "exit 1: --timeout limits the unlimited expect", r)
    check(time.monotonic() - start < 5, "in time")
    check("timed out after 300 ms" in r.out, "the reason", r)


# ---- run: exit status 2 ------------------------------------------------------------

def test_bad_file():
    text = ('{"format": "sockbench-session", "version": 1,\n'
            '  "sockets": [{"name": "c", "remote": {"port": 70000}}]}')
    where = f"line 2, column {text.splitlines()[1].index('70000') + 1}:"
    path = write_session(None, text)
    r = run("run", path)
    check(r.rc == 2, "exit 2", r)
    check(f"{where} “port” is 70000" in r.err, "line and column on stderr", r)
    check("Bail out!" in r.out and "1..0" in r.out, "TAP bails out", r)

    junit = os.path.join(TMP, "bad.xml")
    r = run("run", path, "--json", "--junit", junit)
    check(r.rc == 2, "exit 2 with --json", r)
    report = json.loads(r.out)
    check(report["result"] == "bad-file" and report["exit_code"] == 2, "JSON", report)
    check(report["error"].startswith(where), "JSON error", report)
    root = ET.parse(junit).getroot()
    check(root.get("errors") == "1" and root.find("testsuite/testcase/error") is not None,
          "JUnit <error>", ET.tostring(root))

    for text, what in [("", "empty"), ("{\"format\": \"sockbench-session\", \"version\": 9}", "newer"),
                       ("[" * 100000, "deeper than 64"), ("{\"a\": \"\\u0000\"}", "NUL")]:
        r = run("run", write_session(None, text))
        check(r.rc == 2 and what in r.err and re.search(r"line \d+, column \d+", r.err),
              f"bad file: {what}", r)


def test_bad_usage():
    for args, what in [(("run",), "which session"),
                       (("run", "a.sockbench", "b.sockbench"), "one session"),
                       (("run", "x.sockbench", "--timeout", "soon"), "--timeout"),
                       (("run", "--frobnicate", "x.sockbench"), "frobnicate"),
                       (("run", os.path.join(TMP, "missing.sockbench")), "missing")]:
        r = run(*args)
        check(r.rc == 2 and what in r.err, f"usage: {args}", r)
    r = run("run", "--help")
    check(r.rc == 0 and "--junit" in r.out and "--timeout" in r.out, "run --help", r)
    r = run("--help")
    check(r.rc == 0 and "sockbench-cli run FILE.sockbench" in r.out, "--help lists run", r)


def test_step_that_cannot_be():
    """A send before any connection is a bad session: exit 2, not a crash."""
    path = write_session({"format": "sockbench-session", "version": 1, "sockets": [
        {"name": "c", "steps": [{"kind": "send", "data": "too early"}]}]})
    r = run("run", path)
    check(r.rc == 2, "exit 2", r)
    check("not ok 1 - c/send “too early”" in r.out, "the step failed", r)


# ---- run: exit status 3 ------------------------------------------------------------

def test_network_error():
    port = free_port()
    path = example("notes-client.sockbench", remote={"port": port})
    junit = os.path.join(TMP, "refused.xml")
    r = run("run", path, "--junit", junit, "--json")
    check(r.rc == 3, "exit 3: refused", r)
    report = json.loads(r.out)
    check(report["result"] == "network-error", "JSON result", report)
    check("refused" in report["sockets"][0]["steps"][0]["detail"].lower(), "reason", report)
    root = ET.parse(junit).getroot()
    error = root.find("testsuite/testcase/error")
    check(error is not None and error.get("type") == "network-error", "JUnit <error>",
          ET.tostring(root))

    # a port in use: bind fails
    with socket.socket() as busy:
        busy.bind((LOOPBACK, 0))
        busy.listen(1)
        used = busy.getsockname()[1]
        path = example("notes-server.sockbench", bind={"host": LOOPBACK, "port": used},
                       options={"reuse_address": False})
        r = run("run", path)
    check(r.rc == 3, "exit 3: address in use", r)
    check("not ok 1 - server/bind" in r.out, "the bind failed", r)


# ---- run: live progress on stderr ----------------------------------------------------

PROGRESS = re.compile(r"^sockbench-cli: (?P<socket>[^:]+): step (?P<n>\d+)/(?P<total>\d+) (?P<step>.*?): "
                      r"(?P<outcome>ok|failed|stopped) \((?P<ms>\d+) ms\)(?:: (?P<why>.*))?$")


def progress_lines(err):
    return [m for m in map(PROGRESS.match, err.splitlines()) if m is not None]


class StderrLines:
    """The lines a running CLI writes to stderr, read as they come (with a deadline)."""

    def __init__(self, proc):
        self.proc, self.buf, self.lines = proc, b"", []

    def next(self):
        until = time.monotonic() + DEADLINE
        while b"\n" not in self.buf:
            left = until - time.monotonic()
            check(left > 0, f"no stderr line in time; so far {self.lines!r}")
            ready, _, _ = select.select([self.proc.stderr], [], [], left)
            if ready:
                chunk = os.read(self.proc.stderr.fileno(), 4096)
                check(chunk != b"", f"stderr ended; so far {self.lines!r}")
                self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        self.lines.append(line.decode("utf-8", "replace"))
        return self.lines[-1]

    def next_progress(self):
        line = self.next()
        m = PROGRESS.match(line)
        check(m is not None, f"a progress line: {line!r}")
        return m


def test_progress_is_live():
    """Each step's line comes as the step ends, while the run goes on: the
    Python server answers only after it has read the line of the step before."""
    lsock = listener()
    port = lsock.getsockname()[1]
    path = example("notes-client.sockbench", remote={"port": port},
                   steps=[{"kind": "connect"},
                          {"kind": "expect", "pattern": "go"},
                          {"kind": "send", "data": "ping"},
                          {"kind": "expect", "match": "exact", "pattern": "pong"},
                          {"kind": "close"}])
    proc = subprocess.Popen([CLI, "run", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL)
    try:
        err = StderrLines(proc)
        conn, _ = lsock.accept()
        with conn:
            conn.settimeout(DEADLINE)
            m = err.next_progress()
            check((m["socket"], m["n"], m["total"], m["outcome"]) == ("client", "1", "5", "ok")
                  and m["step"] == f"connect 127.0.0.1:{port}", "step 1 first", err.lines)
            check(proc.poll() is None, "the run goes on after step 1's line")
            conn.sendall(b"go")        # only now can step 2 end
            m = err.next_progress()
            check((m["n"], m["step"], m["outcome"]) == ("2", "expect contains “go”", "ok"), "step 2",
                  err.lines)
            check(conn.recv(64) == b"ping", "the send")
            m = err.next_progress()
            check((m["n"], m["step"], m["outcome"]) == ("3", "send “ping”", "ok"), "step 3", err.lines)
            check(proc.poll() is None, "the run waits for pong")
            conn.sendall(b"pong")
            m = err.next_progress()
            check((m["n"], m["outcome"]) == ("4", "ok"), "step 4", err.lines)
            m = err.next_progress()
            check((m["n"], m["step"], m["outcome"]) == ("5", "close", "ok"), "step 5", err.lines)
            out, rest = proc.communicate(timeout=DEADLINE)
    finally:
        lsock.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    check(proc.returncode == 0, f"exit 0: {out!r} {err.lines!r} {rest!r}")
    check(progress_lines(rest.decode()) == [], "no line after the last step's", rest)
    check(out.decode().startswith("TAP version 13\n1..5\nok 1 - client/connect"), "the report", out)


def serve_each(lsock, n, greeting):
    """@n connections one after another: send @greeting, read to EOF."""
    for _ in range(n):
        conn, _ = lsock.accept()
        with conn:
            conn.settimeout(DEADLINE)
            conn.sendall(greeting)
            while conn.recv(65536):
                pass
    lsock.close()


def test_progress_failure_and_quiet():
    lsock = listener()
    port = lsock.getsockname()[1]
    peer = Peer(serve_each, lsock, 3, b"Go away")
    path = example("notes-client.sockbench", remote={"port": port},
                   steps=[{"kind": "connect"},
                          {"kind": "expect", "match": "exact", "pattern": "Thank you"},
                          {"kind": "send", "data": "Hello server"},
                          {"kind": "close"}])
    r = run("run", path)
    q = run("run", path, "--quiet")
    q2 = run("run", "-q", path)
    peer.join()
    check(r.rc == 1, "exit 1", r)
    lines = progress_lines(r.err)
    # in step order, with their outcomes; the steps that never ran have no line
    check([(m["socket"], m["n"], m["total"], m["step"], m["outcome"]) for m in lines] == [
        ("client", "1", "4", f"connect 127.0.0.1:{port}", "ok"),
        ("client", "2", "4", "expect exact “Thank you”", "failed")], "one line per step that ran", r)
    check(lines[0]["why"] is None, "an ok line has no reason", r)
    check(lines[1]["why"] == "expected exactly “Thank you”, received “Go away”",
          "the failed line says why", r)
    check(r.err.index(lines[1].group(0)) < r.err.index("sockbench-cli: client/expect"),
          "the progress comes before the summary error line", r)

    check(q.rc == 1 and q2.rc == 1, "exit 1 with --quiet and -q", (q, q2))
    check(q.raw_out == r.raw_out and q2.raw_out == r.raw_out, "stdout is byte-identical with --quiet",
          (r, q, q2))
    check(progress_lines(q.err) == [] and q.err == "" and q2.err == "", "--quiet: nothing on stderr",
          (q, q2))


def test_progress_stops_the_other_socket():
    """A failure in one socket stops the step another socket is running: its line says so."""
    path = write_session({"format": "sockbench-session", "version": 1, "sockets": [
        {"name": "server", "bind": {"host": LOOPBACK, "port": 0}, "timeout_ms": 5000,
         "steps": [{"kind": "bind"}, {"kind": "listen", "backlog": 2}, {"kind": "accept"},
                   {"kind": "send", "data": "Go away"},
                   {"kind": "expect", "pattern": "bye"}, {"kind": "close"}]},
        {"name": "client", "remote": {"host": LOOPBACK, "port_from": "server"}, "timeout_ms": 5000,
         "steps": [{"kind": "connect"},
                   {"kind": "expect", "match": "exact", "pattern": "Thank you"},
                   {"kind": "send", "data": "bye"}, {"kind": "close"}]}]})
    r = run("run", path, "--json")
    check(r.rc == 1, "exit 1", r)
    json.loads(r.out)
    lines = progress_lines(r.err)
    server = [m for m in lines if m["socket"] == "server"]
    client = [m for m in lines if m["socket"] == "client"]
    check([(m["n"], m["outcome"]) for m in client] == [("1", "ok"), ("2", "failed")], "the client", r)
    # the send or the expect after it was running when the client failed
    outcomes = [m["outcome"] for m in server]
    check([int(m["n"]) for m in server] == list(range(1, len(server) + 1)) and len(server) >= 4
          and outcomes == ["ok"] * (len(server) - 1) + ["stopped"], "the server, in step order", r)
    check(server[-1]["why"].startswith("not run: client step 2 (expect exact “Thank you”) failed"),
          "the stopped line names the step that failed", r)
    check(lines.index(client[1]) < lines.index(server[-1]), "failed, then stopped", r)


def test_progress_on_interrupt():
    """Ctrl+C: the running step's line says stopped, cancelled."""
    lsock = listener()
    port = lsock.getsockname()[1]
    path = example("notes-client.sockbench", remote={"port": port}, timeout_ms=-1,
                   steps=[{"kind": "connect"}, {"kind": "expect", "pattern": "never"},
                          {"kind": "close"}])
    proc = subprocess.Popen([CLI, "run", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL)
    try:
        err = StderrLines(proc)
        conn, _ = lsock.accept()
        with conn:
            m = err.next_progress()
            check((m["n"], m["outcome"]) == ("1", "ok"), "connect", err.lines)
            proc.send_signal(signal.SIGINT)   # step 2 runs: it waits forever
            m = err.next_progress()
            check((m["n"], m["outcome"], m["why"]) == ("2", "stopped", "cancelled"), "step 2 stopped",
                  err.lines)
            out, rest = proc.communicate(timeout=DEADLINE)
    finally:
        lsock.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    check(proc.returncode == 130, f"exit 130: {err.lines!r} {rest!r}")
    check(progress_lines(rest.decode()) == [], "no line for the close that never ran", rest)
    check("ok 3 - client/close # SKIP" in out.decode(), "the report", out)


# ---- export-python ---------------------------------------------------------------

def export(path):
    out = os.path.splitext(path)[0] + ".py"
    r = run("export-python", path, "-o", out)
    check(r.rc == 0, "export-python", r)
    with open(out, encoding="utf-8") as f:
        text = f.read()
    compile(text, out, "exec")
    return out, text


def run_script(script):
    p = subprocess.run([sys.executable, script], capture_output=True, timeout=DEADLINE,
                       stdin=subprocess.DEVNULL)
    return Result(p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"))


def test_export_client_against_python_server():
    lsock = listener()
    port = lsock.getsockname()[1]
    peer = Peer(server_peer, lsock, b"Thank you for connecting")
    script, text = export(example("notes-client.sockbench", remote={"port": port}))
    for call in ["socket.socket(", "s.connect(", "settimeout", "except socket.timeout",
                 ".recv(", "sendall"]:
        check(call in text, f"the script uses {call}")
    r = run_script(script)
    got = peer.join()
    check(r.rc == 0, "the exported client passed", r)
    check(got == b"Hello server", f"the server got {got!r}")


def test_export_server_against_python_client():
    port = free_port()
    script, text = export(example("notes-server.sockbench", bind={"host": LOOPBACK, "port": port}))
    check("s.listen(2)" in text and "s.accept()" in text and "s.bind((" in text, "the calls")
    proc = subprocess.Popen([sys.executable, script], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        got = client_peer(port)
        out, err = proc.communicate(timeout=DEADLINE)
    finally:
        if proc.poll() is None:
            proc.kill()
    check(proc.returncode == 0, f"the exported server passed: {err!r}")
    check(got == b"Thank you for connecting", f"the client got {got!r}")


def test_export_failing_expect():
    lsock = listener()
    port = lsock.getsockname()[1]
    peer = Peer(server_peer, lsock, b"Go away")
    script, _ = export(example("notes-client.sockbench", remote={"port": port},
                               steps=[{"kind": "connect"},
                                      {"kind": "expect", "pattern": "Thank you",
                                       "timeout_ms": 300}]))
    r = run_script(script)
    peer.join()
    check(r.rc == 1, "exit 1", r)
    check("timed out after 300 ms waiting for “Thank you”" in r.err, "the reason", r)


def test_export_refused():
    script, _ = export(example("notes-client.sockbench", remote={"port": free_port()}))
    r = run_script(script)
    check(r.rc == 3 and "network error" in r.err, "exit 3", r)


def test_export_whole_session():
    """Server and client of one session in one script: threads, captures, auto-replies."""
    doc = {"format": "sockbench-session", "version": 1, "sockets": [
        {"name": "server", "bind": {"host": LOOPBACK, "port": 0}, "timeout_ms": 5000,
         "auto_replies": [{"match": "regex", "pattern": "ping (?<n>\\d+)\\n", "reply": "pong ${n}\\n"}],
         "steps": [{"kind": "bind"}, {"kind": "listen", "backlog": 2}, {"kind": "accept"},
                   {"kind": "send", "format": "hex", "data": "69 64 3d 34 32 0a"},
                   {"kind": "expect", "match": "contains", "pattern": "bye"}, {"kind": "close"}]},
        {"name": "client", "remote": {"host": LOOPBACK, "port_from": "server"}, "timeout_ms": 5000,
         "steps": [{"kind": "connect"},
                   {"kind": "expect", "match": "regex", "pattern": "id=(\\d+)\\n"},
                   {"kind": "send", "data": "ping ${1}\n"},
                   {"kind": "expect", "match": "exact", "pattern": "pong 42\\n"},
                   {"kind": "send", "data": "bye"}, {"kind": "close"}]},
        {"name": "udp", "type": "datagram", "bind": {"host": LOOPBACK, "port": 0},
         "remote": {"host": LOOPBACK, "port_from": "udp"}, "timeout_ms": 5000,
         "steps": [{"kind": "bind"}, {"kind": "send", "data": "to myself"},
                   {"kind": "receive", "size": 2}, {"kind": "expect", "pattern": "myself"}]}]}
    path = write_session(doc)
    r = run("run", path)
    check(r.rc == 0, "the session passes in sockbench-cli", r)
    script, text = export(path)
    check("threading.Thread" in text and "ports[\"server\"]" in text, "threads and port_from")
    r = run_script(script)
    check(r.rc == 0, "the exported session passes in python3", r)


TESTS = [v for k, v in list(globals().items()) if k.startswith("test_")]


def main():
    print("TAP version 13")
    print(f"1..{len(TESTS)}")
    failed = 0
    for n, test in enumerate(TESTS, 1):
        name = test.__name__[5:].replace("_", "-")
        try:
            test()
            print(f"ok {n} - {name}")
        except Skip as e:
            print(f"ok {n} - {name} # SKIP {e}")
        except Exception:
            failed += 1
            print(f"not ok {n} - {name}")
            for line in traceback.format_exc().splitlines():
                print(f"# {line}")
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
