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
