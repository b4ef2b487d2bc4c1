#!/usr/bin/env python3
# test-cli-capture.py — sockbench-cli capture and read
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-cli-capture.py [PATH-TO-sockbench-cli]   (or SOCKBENCH_CLI=PATH)
# Prints TAP. Live capture needs CAP_NET_RAW: as root the tests run as they
# are; otherwise the script runs itself again inside "unshare -rn" (with lo
# brought up), and if that cannot be done the live tests are skipped with
# the reason. Every subprocess has a deadline.

import os
import re
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

CLI = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.environ.get("SOCKBENCH_CLI", "sockbench-cli")
LOOPBACK = "127.0.0.1"
DEADLINE = 10.0
TMP = tempfile.mkdtemp(prefix="sockbench-cli-capture-")


class Skip(Exception):
    pass


def reexec_unshared():
    """Without root, run again where we have CAP_NET_RAW on a lo of our own."""
    if os.geteuid() == 0 or os.environ.get("SB_TEST_UNSHARED"):
        return
    unshare = shutil.which("unshare")
    if unshare is None:
        return
    probe = subprocess.run([unshare, "-rn", "sh", "-c", "ip link set lo up"], capture_output=True)
    if probe.returncode != 0:
        return
    os.environ["SB_TEST_UNSHARED"] = "1"
    os.execv(unshare, [unshare, "-rn", "sh", "-c", 'ip link set lo up && exec "$0" "$@"',
                       sys.executable, os.path.abspath(__file__), CLI])


def live_skip_reason():
    """None if a live capture on lo works here."""
    r = subprocess.run([CLI, "capture", "-i", "lo", "-q", "--timeout", "1"], capture_output=True,
                       timeout=DEADLINE)
    if r.returncode == 3:
        return "live capture is not possible here: " + r.stderr.decode("utf-8", "replace").strip()
    return None


LIVE_SKIP = None


def need_live():
    if LIVE_SKIP is not None:
        raise Skip(LIVE_SKIP)


class Running:
    """A CLI process whose stdout and stderr are collected while it runs."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([CLI, *args], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.out = b""
        self.err = b""
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.proc.stdout, selectors.EVENT_READ, "out")
        self.sel.register(self.proc.stderr, selectors.EVENT_READ, "err")

    def _pump(self, until):
        left = until - time.monotonic()
        if left <= 0 or not self.sel.get_map():
            return
        for key, _ in self.sel.select(left):
            chunk = os.read(key.fileobj.fileno(), 65536)
            if not chunk:
                self.sel.unregister(key.fileobj)
            elif key.data == "out":
                self.out += chunk
            else:
                self.err += chunk

    def wait_for_stderr(self, pattern, timeout=DEADLINE):
        until = time.monotonic() + timeout
        while time.monotonic() < until:
            if re.search(pattern, self.err.decode("utf-8", "replace")):
                return
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
        return rc, self.out.decode("utf-8", "replace"), self.err.decode("utf-8", "replace")


def run(*args, timeout=DEADLINE):
    p = subprocess.run([CLI, *args], capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def check(cond, what, *context):
    if not cond:
        raise AssertionError(what + "".join(f"\n{c!r}" for c in context))


def udp_pair():
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind((LOOPBACK, 0))
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    tx.bind((LOOPBACK, 0))
    return rx, tx, rx.getsockname()[1], tx.getsockname()[1]


def capture_and_send(n_send, *args):
    """Start a capture of udp to a fresh port, send @n_send datagrams once it
    listens, return (rc, stdout, stderr, sport, dport)."""
    rx, tx, dport, sport = udp_pair()
    with rx, tx:
        cap = Running("capture", "-i", "lo", *args, "-f", f"udp and port {dport}")
        try:
            cap.wait_for_stderr(r"capturing on lo")
            for i in range(n_send):
                tx.sendto(b"sockbench %d" % i, (LOOPBACK, dport))
            rc, out, err = cap.finish()
        finally:
            if cap.proc.poll() is None:
                cap.proc.kill()
                cap.proc.wait()
    return rc, out, err, sport, dport


# ---- live ------------------------------------------------------------------------

def test_capture_count():
    need_live()
    path = os.path.join(TMP, "ten.pcap")
    rc, out, err, sport, dport = capture_and_send(10, "-c", "10", "--timeout", "5000", "-w", path)
    check(rc == 0, "exit 0", rc, err)
    lines = out.splitlines()
    check(len(lines) == 10, "one line per packet", out)
    for i, line in enumerate(lines, 1):
        check(re.fullmatch(rf"{i} \d+\.\d{{6}} 127\.0\.0\.1 → 127\.0\.0\.1 UDP \d+ "
                           rf"{sport} → {dport} Len=1\d", line) is not None, "the summary line", line)
    check("captured 10, dropped by kernel 0" in err, "the closing counts on stderr", err)

    # the file reads back, with our reader and with tshark
    rc, out2, err2 = run("read", path)
    check(rc == 0, "read exits 0", rc, err2)
    check(len(out2.splitlines()) == 10, "read prints ten packets", out2)
    check(f"{sport} → {dport} Len=11" in out2, "the decoded ports", out2)
    tshark = shutil.which("tshark")
    if tshark:
        p = subprocess.run([tshark, "-r", path, "-Y", "udp", "-T", "fields", "-e", "udp.dstport"],
                           capture_output=True, timeout=60)
        check(p.stdout.decode().split() == [str(dport)] * 10, "tshark sees the ten datagrams", p.stdout)


def test_capture_quiet_and_verbose_read():
    need_live()
    path = os.path.join(TMP, "quiet.pcap")
    rc, out, err, sport, dport = capture_and_send(3, "-c", "3", "-q", "--timeout", "5000", "-w", path)
    check(rc == 0 and out == "", "-q prints no packet lines", rc, out, err)
    check("captured 3," in err, "but the counts", err)
    rc, out, err = run("read", path, "-V", "--hex")
    check(rc == 0, "read -V exits 0", rc, err)
    check(f"Destination Port: {dport}" in out, "the fields", out)
    check("User Datagram Protocol" in out and "Internet Protocol Version 4" in out, "the layers", out)
    check("73 6f 63 6b 62 65" in out, "the hex dump", out)


def test_capture_timeout_before_count():
    need_live()
    rc, out, err, sport, dport = capture_and_send(2, "-c", "5", "--timeout", "500")
    check(rc == 1, "exit 1: timed out before COUNT packets", rc, err)
    check(len(out.splitlines()) == 2, "the two that came are printed", out)
    check("captured 2," in err and "timed out" in err, "says so", err)


def test_capture_timeout_without_count():
    need_live()
    rc, out, err, sport, dport = capture_and_send(1, "--timeout", "400")
    check(rc == 0, "a capture of a given length ends with 0", rc, err)
    check(len(out.splitlines()) == 1, "one packet", out)


def test_capture_interrupt():
    need_live()
    rx, tx, dport, sport = udp_pair()
    with rx, tx:
        cap = Running("capture", "-i", "lo", f"udp port {dport}")
        cap.wait_for_stderr(r"capturing on lo")
        tx.sendto(b"x", (LOOPBACK, dport))
        time.sleep(0.3)
        cap.proc.send_signal(signal.SIGINT)
        rc, out, err = cap.finish()
    check(rc == 0, "Ctrl+C ends a capture normally", rc, err)
    check(len(out.splitlines()) == 1 and "Len=1" in out, "the packet before it", out)
    check("captured 1, dropped by kernel 0" in err, "and the counts", err)


def test_bad_filter_exit_2():
    rc, out, err = run("capture", "-i", "lo", "-f", "udp and port")
    check(rc == 2, "exit 2 for a bad filter", rc, err)
    check("syntax error" in err and "udp and port" in err, "pcap's message and the filter", err)
    path = os.path.join(TMP, "filter.pcap")
    write_pcap(path, [udp_frame(1, 2, b"x")])
    rc, out, err = run("read", path, "-f", "tcp port 99999")
    check(rc == 2 and "99999" in err and out == "", "read checks its filter too", rc, out, err)


def test_no_such_interface_exit_3():
    need_live()
    rc, out, err = run("capture", "-i", "sbnosuch0", "-c", "1")
    check(rc == 3, "exit 3 for an interface that does not exist", rc, err)
    check("sbnosuch0" in err and "no such interface" in err, "says which", err)


def test_no_permission_exit_3():
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or os.environ.get("SB_TEST_UNSHARED") or setpriv is None:
        raise Skip("needs real root and setpriv to run the CLI without privileges")
    # a copy anyone may run (the build tree may be private)
    copy = os.path.join(TMP, "sockbench-cli")
    shutil.copy(CLI, copy)
    os.chmod(TMP, 0o755)
    os.chmod(copy, 0o755)
    p = subprocess.run([setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                        "--bounding-set=-all", copy, "capture", "-i", "lo", "-c", "1"],
                       capture_output=True, timeout=DEADLINE)
    err = p.stderr.decode("utf-8", "replace")
    check(p.returncode == 3, "exit 3 without CAP_NET_RAW", p.returncode, err)
    check("CAP_NET_RAW" in err and "setcap cap_net_raw,cap_net_admin+ep" in err and "unshare -rn" in err,
          "says what is missing and how to grant it", err)


def test_capture_tcp_relative():
    """A real TCP connection on lo: relative numbers, as tshark shows them."""
    need_live()
    path = os.path.join(TMP, "tcp.pcap")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind((LOOPBACK, 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        cap = Running("capture", "-i", "lo", "--timeout", "5000", "-w", path, "-f", f"tcp port {port}")
        try:
            cap.wait_for_stderr(r"capturing on lo")
            with socket.create_connection((LOOPBACK, port), timeout=DEADLINE) as client:
                server, _ = listener.accept()
                with server:
                    client.sendall(b"hello")
                    check(server.recv(16) == b"hello", "the server gets the bytes")
                    server.sendall(b"0123456789")
                    check(client.recv(16) == b"0123456789", "the client gets the reply")
            time.sleep(0.2)
            cap.proc.send_signal(signal.SIGINT)
            rc, out, err = cap.finish()
        finally:
            if cap.proc.poll() is None:
                cap.proc.kill()
                cap.proc.wait()
    check(rc == 0, "exit 0", rc, err)
    lines = out.splitlines()
    check(len(lines) >= 7, "the handshake, the data and the close", out)
    check(re.search(r" \[SYN\] Seq=0 Win=\d+ Len=0", lines[0]), "the SYN is Seq=0", lines[0])
    check(re.search(r" \[SYN, ACK\] Seq=0 Ack=1 Win=\d+ Len=0", lines[1]), "the SYN, ACK", lines[1])
    check(re.search(r" \[ACK\] Seq=1 Ack=1 Win=\d+ Len=0", lines[2]), "the handshake's ACK", lines[2])
    check(re.search(r" \[PSH, ACK\] Seq=1 Ack=1 Win=\d+ Len=5", out), "the client's five bytes", out)
    check(re.search(r" \[PSH, ACK\] Seq=1 Ack=6 Win=\d+ Len=10", out), "the server's ten", out)
    compare_with_tshark(path)


# ---- no privileges needed ------------------------------------------------------------

def test_usage_errors():
    for args in (["capture", "-c", "0"], ["capture", "--snaplen", "x"], ["capture", "--bogus"],
                 ["read"], ["read", "a.pcap", "b.pcap"], ["capture", "-f", "udp", "tcp"]):
        rc, out, err = run(*args)
        check(rc == 2, f"exit 2 for {args}", rc, err)
        check(err.startswith("sockbench-cli: "), "an error line", err)
    rc, out, err = run("capture", "--help")
    check(rc == 0 and "--immediate" in out and "Exit status" in out, "capture --help", rc, out)
    rc, out, err = run("--help")
    check(rc == 0 and "sockbench-cli capture" in out and "sockbench-cli read FILE" in out,
          "the main help lists capture and read", out)


def test_list_interfaces():
    rc, out, err = run("capture", "-D")
    check(rc == 0, "exit 0", rc, err)
    check(re.search(r"^\d+\. lo .*Loopback.*127\.0\.0\.1/8", out, re.M), "lo with its address", out)
    check(re.search(r"^\d+\. any ", out, re.M), "and any", out)


def test_read_bad_files():
    garbage = os.path.join(TMP, "garbage.pcap")
    with open(garbage, "wb") as f:
        f.write(bytes((i * 7919) % 251 for i in range(500)))
    rc, out, err = run("read", garbage)
    check(rc == 2, "exit 2 for garbage", rc, err)
    check("garbage.pcap is not a pcap or pcapng file" in err, "a clear error", err)

    rc, out, err = run("read", os.path.join(TMP, "missing.pcap"))
    check(rc == 2 and "No such file" in err, "a missing file", rc, err)


def write_pcap(path, frames, cut=None):
    """A microsecond pcap of Ethernet frames; @cut bytes kept if given."""
    import struct
    data = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1)
    for i, frame in enumerate(frames):
        data += struct.pack("<IIII", 1700000000 + i, 0, len(frame), len(frame)) + frame
    with open(path, "wb") as f:
        f.write(data if cut is None else data[:cut])
    return len(data)


def udp_frame(sport, dport, payload):
    import struct
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                     socket.inet_aton("10.0.0.1"), socket.inet_aton("10.0.0.2"))
    return b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00" + ip + udp


def tcp_frame(src, dst, sport, dport, seq, ack, flags, payload=b""):
    """Ethernet + IPv4 (IPv6 if @src has a colon) + TCP; flags as text, "SA"."""
    import struct
    bits = sum({"F": 1, "S": 2, "R": 4, "P": 8, "A": 16}[c] for c in flags)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq % 2**32, ack % 2**32, 5 << 4, bits, 1000, 0, 0) + payload
    if ":" in src:
        ip = struct.pack("!IHBB16s16s", 0x60000000, len(tcp), 6, 64, socket.inet_pton(socket.AF_INET6, src),
                         socket.inet_pton(socket.AF_INET6, dst))
        return b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + b"\x86\xdd" + ip + tcp
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0x4000, 64, 6, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    return b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00" + ip + tcp


def compare_with_tshark(path):
    """Our relative Seq= and Ack= are tshark's tcp.seq and tcp.ack."""
    tshark = shutil.which("tshark")
    if tshark is None:
        return
    rc, out, err = run("read", path)
    check(rc == 0, "read exits 0", rc, err)
    ours = []
    for line in out.splitlines():
        m = re.search(r" Seq=(\d+)(?: Ack=(\d+))? ", line)
        check(m is not None, "a TCP line", line)
        ours.append((m.group(1), m.group(2)))
    p = subprocess.run([tshark, "-r", path, "-T", "fields", "-e", "tcp.seq", "-e", "tcp.ack",
                        "-e", "tcp.flags.ack"], capture_output=True, timeout=60)
    check(p.returncode == 0, "tshark reads the file", p.stderr)
    theirs = []
    for line in p.stdout.decode().splitlines():
        seq, ack, ack_flag = line.split("\t")
        theirs.append((seq, ack if ack_flag in ("1", "True") else None))
    check(ours == theirs, "the same numbers as tshark", ours, theirs)


def test_read_tcp_relative():
    a, b, c, d = "10.0.0.1", "10.0.0.2", "fd00::1", "fd00::2"
    isn_a, isn_b = 2**32 - 3, 2894104821          # A's numbers wrap past 2^32
    frames = [
        tcp_frame(a, b, 40000, 80, isn_a, 0, "S"),
        tcp_frame(b, a, 80, 40000, isn_b, isn_a + 1, "SA"),
        tcp_frame(a, b, 40000, 80, isn_a + 1, isn_b + 1, "A"),
        # a second connection, interleaved, seen from its middle
        tcp_frame(a, b, 40001, 80, 500000, 900000, "PA", b"0123456789"),
        tcp_frame(a, b, 40000, 80, isn_a + 1, isn_b + 1, "PA", b"hello"),
        tcp_frame(b, a, 80, 40001, 900000, 500010, "A"),
        tcp_frame(b, a, 80, 40000, isn_b + 1, isn_a + 6, "PA", b"0123456789"),
        # the same ports over IPv6
        tcp_frame(c, d, 40000, 80, 77, 0, "S"),
        tcp_frame(d, c, 80, 40000, 88, 78, "SA"),
        tcp_frame(a, b, 40000, 80, isn_a + 6, isn_b + 11, "FA"),
        tcp_frame(b, a, 80, 40000, isn_b + 11, isn_a + 7, "FA"),
        tcp_frame(a, b, 40000, 80, isn_a + 7, isn_b + 12, "A"),
        tcp_frame(c, d, 40000, 80, 78, 89, "PA", b"v6"),
        tcp_frame(a, b, 40001, 80, 500010, 900000, "A"),
    ]
    path = os.path.join(TMP, "tcp-relative.pcap")
    write_pcap(path, frames)
    rc, out, err = run("read", path)
    check(rc == 0, "exit 0", rc, err)
    lines = out.splitlines()
    check(len(lines) == len(frames), "one line per packet", out)
    expected = [
        "40000 → 80 [SYN] Seq=0 Win=1000 Len=0",
        "80 → 40000 [SYN, ACK] Seq=0 Ack=1 Win=1000 Len=0",
        "40000 → 80 [ACK] Seq=1 Ack=1 Win=1000 Len=0",
        "40001 → 80 [PSH, ACK] Seq=1 Ack=1 Win=1000 Len=10",
        "40000 → 80 [PSH, ACK] Seq=1 Ack=1 Win=1000 Len=5",
        "80 → 40001 [ACK] Seq=1 Ack=11 Win=1000 Len=0",
        "80 → 40000 [PSH, ACK] Seq=1 Ack=6 Win=1000 Len=10",
        "40000 → 80 [SYN] Seq=0 Win=1000 Len=0",
        "80 → 40000 [SYN, ACK] Seq=0 Ack=1 Win=1000 Len=0",
        "40000 → 80 [FIN, ACK] Seq=6 Ack=11 Win=1000 Len=0",
        "80 → 40000 [FIN, ACK] Seq=11 Ack=7 Win=1000 Len=0",
        "40000 → 80 [ACK] Seq=7 Ack=12 Win=1000 Len=0",
        "40000 → 80 [PSH, ACK] Seq=1 Ack=1 Win=1000 Len=2",
        "40001 → 80 [ACK] Seq=11 Ack=1 Win=1000 Len=0",
    ]
    for line, want in zip(lines, expected):
        check(line.endswith(" " + want), "the relative numbers", line, want)

    rc, out, err = run("read", path, "-V", "-c", "5")
    check(rc == 0, "read -V exits 0", rc, err)
    check("Sequence Number: 1 (relative)" in out and f"Sequence Number (raw): {isn_a + 1}" in out,
          "both numbers in the fields", out)
    check(f"Acknowledgment Number (raw): {isn_b + 1}" in out, "the raw ack", out)
    compare_with_tshark(path)

    # ports reused: a retransmitted SYN is the same connection, a SYN with
    # another sequence number (after a close, or not) starts a new one
    frames = [
        tcp_frame(a, b, 1, 2, 100, 0, "S"), tcp_frame(b, a, 2, 1, 200, 101, "SA"),
        tcp_frame(a, b, 1, 2, 101, 201, "PA", b"abc"), tcp_frame(a, b, 1, 2, 100, 0, "S"),
        tcp_frame(a, b, 1, 2, 104, 201, "FA"), tcp_frame(b, a, 2, 1, 201, 105, "FA"),
        tcp_frame(a, b, 1, 2, 105, 202, "A"),
        tcp_frame(a, b, 1, 2, 5000, 0, "S"), tcp_frame(b, a, 2, 1, 7000, 5001, "SA"),
        tcp_frame(a, b, 1, 2, 5001, 7001, "PA", b"xy"),
        tcp_frame(a, b, 1, 2, 9000, 0, "S"), tcp_frame(b, a, 2, 1, 1, 9001, "SA"),
        tcp_frame(a, b, 1, 2, 9001, 2, "A"),
    ]
    write_pcap(path, frames)
    rc, out, err = run("read", path)
    check(rc == 0 and out.splitlines()[9].endswith("[PSH, ACK] Seq=1 Ack=1 Win=1000 Len=2"),
          "a new connection on the same ports", rc, out, err)
    compare_with_tshark(path)


def test_read_truncated_file():
    path = os.path.join(TMP, "cut.pcap")
    frames = [udp_frame(1000 + i, 53, b"q%d" % i) for i in range(4)]
    size = write_pcap(path, frames)
    rc, out, err = run("read", path)
    check(rc == 0 and len(out.splitlines()) == 4, "the whole file", rc, out, err)
    check("1 0.000000 10.0.0.1 → 10.0.0.2 UDP 44 1000 → 53 Len=2" in out, "the summary", out)
    check("4 3.000000 10.0.0.1 → 10.0.0.2 UDP 44 1003 → 53 Len=2" in out, "relative times", out)

    # cut in the last record's data: three packets, then the error
    write_pcap(path, frames, cut=size - 10)
    rc, out, err = run("read", path)
    check(rc == 2, "exit 2 for a cut-short file", rc, err)
    check(len(out.splitlines()) == 3, "the packets before the cut", out)
    check("cut.pcap is cut short after 3 packets" in err, "a clear error", err)

    # cut in the global header
    write_pcap(path, frames, cut=13)
    rc, out, err = run("read", path)
    check(rc == 2 and out == "" and "cut.pcap" in err and "header" in err, "header cut", rc, out, err)

    # truncated frames inside a valid file decode as far as they go
    short = [f[:n] for f in frames[:1] for n in (0, 10, 20, 30, 40)]
    write_pcap(path, short)
    rc, out, err = run("read", path, "-V")
    check(rc == 0, "decodes what is there", rc, err)
    check("Truncated: Ethernet header needs 14 bytes, 10 present" in out, "says what is missing", out)
    check("Truncated: IPv4 header needs 20 bytes, 6 present" in out, "at each layer", out)

    # filter and count
    write_pcap(path, frames)
    rc, out, err = run("read", path, "-f", "udp src port 1002", "-q")
    check(rc == 0 and out == "" and "read 1 packet from" in err, "filtered count", rc, out, err)
    rc, out, err = run("read", path, "-c", "2")
    check(rc == 0 and len(out.splitlines()) == 2, "-c 2", rc, out, err)


# ---- TAP --------------------------------------------------------------------------

def main():
    global LIVE_SKIP
    reexec_unshared()
    LIVE_SKIP = live_skip_reason()
    if os.environ.get("SB_TEST_UNSHARED"):
        print("# running inside unshare -rn for CAP_NET_RAW", flush=True)
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
    shutil.rmtree(TMP, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
