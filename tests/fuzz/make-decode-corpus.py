#!/usr/bin/env python3
# make-decode-corpus.py — write the seed corpus of fuzz-decode
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: make-decode-corpus.py [DIR]   (default: corpus/decode beside this file)
# Each file is one input of fuzz-decode.c: a byte choosing the link type
# (its low 4 bits index the table there; the high 4 bits add to the wire
# length), then a frame of every protocol the decoders know.
# corpus/decode/found/ holds what a 7-minute libFuzzer run found beyond
# these (merged with -merge=1 against them, named by content hash); this
# script leaves it alone.

import os
import socket
import struct
import sys

ETH, SLL, SLL2, RAW, NULL, LOOP, IPV4, IPV6, RAW_FILE, UNKNOWN = range(10)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(proto, payload, src="10.0.0.1", dst="10.0.0.2", frag=0x4000, ihl=5, options=b""):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, 20 + len(options) + len(payload), 0x1234, frag, 64,
                      proto, 0, socket.inet_aton(src), socket.inet_aton(dst)) + options
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def ipv6(nxt, payload, src="2001:db8::1", dst="2001:db8::2"):
    return (struct.pack("!IHBB", 0x60000000, len(payload), nxt, 64) + socket.inet_pton(socket.AF_INET6, src)
            + socket.inet_pton(socket.AF_INET6, dst) + payload)


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def tcp(sport, dport, seq, ack, flags, opts=b"", payload=b""):
    return (struct.pack("!HHIIBBHHH", sport, dport, seq, ack, ((20 + len(opts)) // 4) << 4, flags, 65495, 0, 0)
            + opts + payload)


def eth(ethertype, payload):
    return b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + struct.pack("!H", ethertype) + payload


def vlan(ethertype, payload, vid=42):
    return b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + struct.pack("!HHH", 0x8100, vid, ethertype) + payload


SYN_OPTS = bytes.fromhex("020405b4 0402 080a0000000100000000 01 030307".replace(" ", ""))
ARP = bytes.fromhex("0001 0800 06 04 0001 020000000001 0a000002 000000000000 0a000001".replace(" ", ""))
QUOTED = ipv4(17, udp(40000, 9, b"x" * 4), "127.0.0.1", "127.0.0.1")

SEEDS = {
    "eth-udp": (ETH, eth(0x0800, ipv4(17, udp(40123, 5000, b"hello")))),
    "eth-tcp-syn": (ETH, eth(0x0800, ipv4(6, tcp(40123, 5000, 0, 0, 0x02, SYN_OPTS)))),
    "eth-tcp-data": (ETH, eth(0x0800, ipv4(6, tcp(5000, 40123, 1000, 2000, 0x18, b"", b"payload")))),
    "eth-icmp-echo": (ETH, eth(0x0800, ipv4(1, bytes.fromhex("0800000012340001") + b"abcd"))),
    "eth-icmp-unreach": (ETH, eth(0x0800, ipv4(1, bytes.fromhex("0303000000000000") + QUOTED))),
    "eth-arp": (ETH, eth(0x0806, ARP)),
    "eth-vlan-udp": (ETH, vlan(0x0800, ipv4(17, udp(53, 1053, b"hi")))),
    "eth-qinq": (ETH, b"\xff" * 12 + struct.pack("!HHHHH", 0x88a8, 7, 0x8100, 42, 0x86dd)
                 + ipv6(17, udp(1, 2, b"z"))),
    "eth-ipv4-options": (ETH, eth(0x0800, ipv4(17, udp(1, 2, b"o"), ihl=6, options=b"\x01\x01\x01\x00"))),
    "eth-ipv4-fragment": (ETH, eth(0x0800, ipv4(17, b"\x00" * 16, frag=185))),
    "eth-ipv6-ext": (ETH, eth(0x86dd, ipv6(0, bytes.fromhex("3c000104000000001101010400000000"
                                                            "0000000000000000") + udp(1234, 5678, b"abc")))),
    "eth-ipv6-frag": (ETH, eth(0x86dd, ipv6(44, bytes.fromhex("11000058deadbeef") + b"\x00" * 16))),
    "eth-ipv6-ah": (ETH, eth(0x86dd, ipv6(51, bytes.fromhex("0601000000000000000000000000000000000000"
                                                           "00000000") + tcp(1, 2, 3, 4, 0x10)))),
    "eth-icmpv6-echo": (ETH, eth(0x86dd, ipv6(58, bytes.fromhex("80000000abcd0007") + b"hi", "::1", "::1"))),
    "eth-icmpv6-ns": (ETH, eth(0x86dd, ipv6(58, bytes.fromhex("8700000000000000")
                                            + socket.inet_pton(socket.AF_INET6, "fe80::2")))),
    "eth-icmpv6-na": (ETH, eth(0x86dd, ipv6(58, bytes.fromhex("8800000060000000")
                                            + socket.inet_pton(socket.AF_INET6, "fe80::2")))),
    "eth-icmpv6-unreach": (ETH, eth(0x86dd, ipv6(58, bytes.fromhex("0104000000000000")
                                                 + ipv6(17, udp(40000, 9, b"q"))))),
    "eth-ipip": (ETH, eth(0x0800, ipv4(4, ipv4(17, udp(7, 8, b"in"))))),
    "eth-6in4": (ETH, eth(0x0800, ipv4(41, ipv6(6, tcp(9, 10, 0, 0, 0x01))))),
    "eth-lldp": (ETH, eth(0x88cc, bytes.fromhex("0207040200000000010403020001"))),
    "eth-llc": (ETH, b"\xff" * 12 + struct.pack("!H", 38) + bytes.fromhex("424203000000") + b"\0" * 32),
    "sll-udp": (SLL, struct.pack("!HHH8sH", 4, 772, 6, b"\0" * 8, 0x0800) + ipv4(17, udp(1, 2, b"x"))),
    "sll-netlink": (SLL, struct.pack("!HHH8sH", 4, 824, 0, b"\0" * 8, 0) + b"\x10\0\0\0" * 4),
    "sll2-tcp6": (SLL2, struct.pack("!HHIHBB8s", 0x86dd, 0, 3, 1, 0, 6, b"\x02\0\0\0\0\x02\0\0")
                  + ipv6(6, tcp(443, 50000, 7, 8, 0x14))),
    "sll2-arp": (SLL2, struct.pack("!HHIHBB8s", 0x0806, 0, 2, 1, 1, 6, b"\x02" * 8) + ARP),
    "raw-udp": (RAW, ipv4(17, udp(7, 8, b""))),
    "raw-ipv6": (RAW, ipv6(17, udp(7, 8, b"six"))),
    "raw-file-icmp": (RAW_FILE, ipv4(1, bytes.fromhex("0000000000010002"))),
    "null-icmp": (NULL, b"\x02\0\0\0" + ipv4(1, bytes.fromhex("0800000000010002"))),
    "loop-ipv6": (LOOP, b"\0\0\0\x18" + ipv6(17, udp(9, 10, b""))),
    "ipv4-linktype": (IPV4, ipv4(6, tcp(1, 2, 3, 4, 0x12, SYN_OPTS))),
    "ipv6-linktype": (IPV6, ipv6(59, b"")),
    "unknown-linktype": (UNKNOWN, b"\x01\x02\x03\x04"),
    "eth-udp-snapped": (ETH | 0x30, eth(0x0800, ipv4(17, udp(1, 2, b"a" * 400)))[:96]),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "decode")
    os.makedirs(out, exist_ok=True)
    for name, (kind, frame) in sorted(SEEDS.items()):
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes([kind]) + frame)
    print(f"{len(SEEDS)} seeds in {out}")


if __name__ == "__main__":
    main()
