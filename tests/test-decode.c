/* test-decode.c — the packet decoders on hand-built frames
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every protocol the decoders know, built byte by byte here, with checks of
 * the summary and of the field tree (names, values, byte ranges). Each
 * frame is also cut at every length from 0 to its size and decoded from an
 * allocation of exactly that size, so that AddressSanitizer catches any
 * read past the captured bytes; every field must lie within them.
 */
#include "config.h"

#include <string.h>
#include <arpa/inet.h>

#include "sb-decode.h"
#include "sb-packet-store.h"
#include "sb-tcp-flows.h"

/* ---- building frames ---------------------------------------------------- */

typedef GByteArray Frame;

static void
put8 (Frame *f, guint8 v)
{
  g_byte_array_append (f, &v, 1);
}

static void
put16 (Frame *f, guint16 v)
{
  guint8 b[2] = { v >> 8, v & 0xff };
  g_byte_array_append (f, b, 2);
}

static void
put32 (Frame *f, guint32 v)
{
  put16 (f, v >> 16);
  put16 (f, v & 0xffff);
}

static void
put_bytes (Frame *f, const void *data, gsize len)
{
  g_byte_array_append (f, data, len);
}

static void
put_hex (Frame *f, const char *hex)
{
  while (*hex)
    {
      if (*hex == ' ' || *hex == ':')
        {
          hex++;
          continue;
        }
      put8 (f, (g_ascii_xdigit_value (hex[0]) << 4) | g_ascii_xdigit_value (hex[1]));
      hex += 2;
    }
}

static void
set16 (Frame *f, gsize at, guint16 v)
{
  f->data[at] = v >> 8;
  f->data[at + 1] = v & 0xff;
}

static void
ethernet (Frame *f, guint16 type)
{
  put_hex (f, "ff:ff:ff:ff:ff:ff");
  put_hex (f, "02:00:00:00:00:01");
  put16 (f, type);
}

static void
ipv4_addr (Frame *f, const char *text)
{
  struct in_addr a;

  g_assert_cmpint (inet_pton (AF_INET, text, &a), ==, 1);
  put_bytes (f, &a, 4);
}

static void
ipv6_addr (Frame *f, const char *text)
{
  struct in6_addr a;

  g_assert_cmpint (inet_pton (AF_INET6, text, &a), ==, 1);
  put_bytes (f, &a, 16);
}

/* An IPv4 header with a correct checksum; returns its offset. */
static gsize
ipv4 (Frame *f, guint8 proto, const char *src, const char *dst, guint payload, guint16 frag)
{
  gsize at = f->len;
  guint32 sum = 0;

  put8 (f, 0x45);
  put8 (f, 0);
  put16 (f, 20 + payload);
  put16 (f, 0x1234);
  put16 (f, frag);
  put8 (f, 64);
  put8 (f, proto);
  put16 (f, 0);
  ipv4_addr (f, src);
  ipv4_addr (f, dst);
  for (gsize i = 0; i < 20; i += 2)
    sum += f->data[at + i] << 8 | f->data[at + i + 1];
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  set16 (f, at + 10, ~sum & 0xffff);
  return at;
}

static gsize
ipv6 (Frame *f, guint8 next, const char *src, const char *dst, guint payload)
{
  gsize at = f->len;

  put32 (f, 0x60000000);
  put16 (f, payload);
  put8 (f, next);
  put8 (f, 64);
  ipv6_addr (f, src);
  ipv6_addr (f, dst);
  return at;
}

static void
udp (Frame *f, guint16 sport, guint16 dport, const char *payload)
{
  gsize len = strlen (payload);

  put16 (f, sport);
  put16 (f, dport);
  put16 (f, 8 + len);
  put16 (f, 0);
  put_bytes (f, payload, len);
}

/* A TCP header with @opts (a multiple of 4 bytes) and @payload. */
static void
tcp (Frame *f, guint16 sport, guint16 dport, guint32 seq, guint32 ack, guint8 flags,
     guint16 window, const char *opts_hex, const char *payload)
{
  g_autoptr(GByteArray) opts = g_byte_array_new ();

  put_hex (opts, opts_hex);
  g_assert_cmpuint (opts->len % 4, ==, 0);
  put16 (f, sport);
  put16 (f, dport);
  put32 (f, seq);
  put32 (f, ack);
  put8 (f, ((20 + opts->len) / 4) << 4);
  put8 (f, flags);
  put16 (f, window);
  put16 (f, 0);
  put16 (f, 0);
  put_bytes (f, opts->data, opts->len);
  put_bytes (f, payload, strlen (payload));
}

/* ---- checking ------------------------------------------------------------ */

static void
assert_fields_within (const SbField *field,
                      gsize          caplen)
{
  g_assert_nonnull (field->name);
  g_assert_cmpuint (field->offset, <=, caplen);
  g_assert_cmpuint (field->length, <=, caplen - field->offset);
  for (guint i = 0; i < sb_field_get_n_children (field); i++)
    assert_fields_within (sb_field_get_child (field, i), caplen);
}

/* Problems inside the datagram an ICMP error quotes (cut short by design)
 * are shown but do not mark the row. */
static gboolean
has_problem (const SbField *field)
{
  if (g_strcmp0 (field->name, "Quoted datagram") == 0)
    return FALSE;
  if (field->kind == SB_FIELD_PROBLEM)
    return TRUE;
  for (guint i = 0; i < sb_field_get_n_children (field); i++)
    if (has_problem (sb_field_get_child (field, i)))
      return TRUE;
  return FALSE;
}

typedef struct
{
  SbSummary summary;
  SbField  *fields;
} Decoded;

static void
decoded_clear (Decoded *d)
{
  sb_summary_clear (&d->summary);
  g_clear_pointer (&d->fields, sb_field_free);
}

static void
decode (Decoded *out, int linktype, const guint8 *data, gsize caplen, gsize wire_len)
{
  SbSummary quick = { 0, };

  memset (out, 0, sizeof *out);
  sb_decode (linktype, data, caplen, wire_len, &out->summary, &out->fields);
  g_assert_nonnull (out->fields);
  assert_fields_within (out->fields, caplen);
  /* the summary alone (no fields) is the same */
  sb_decode (linktype, data, caplen, wire_len, &quick, NULL);
  g_assert_cmpstr (quick.info, ==, out->summary.info);
  g_assert_cmpstr (quick.protocol, ==, out->summary.protocol);
  g_assert_cmpstr (quick.source, ==, out->summary.source);
  g_assert_cmpstr (quick.destination, ==, out->summary.destination);
  g_assert_cmpint (quick.problem, ==, out->summary.problem);
  g_assert_cmpint (has_problem (out->fields), ==, out->summary.problem);
  sb_summary_clear (&quick);

  /* the probe for relative TCP numbers, and decoding with a connection:
   * the same walk, so the same bounds hold */
  {
    SbTcpSegment segment;
    SbTcpContext context = { 7, 1, 2, TRUE, TRUE };
    SbField *fields = NULL;

    if (sb_decode_tcp_segment (linktype, data, caplen, wire_len, &segment))
      {
        g_assert_cmpstr (out->summary.protocol, ==, "TCP");
        g_assert_true (segment.addr_len == 4 || segment.addr_len == 16);
      }
    sb_decode_full (linktype, data, caplen, wire_len, &context, &quick, &fields);
    assert_fields_within (fields, caplen);
    g_assert_cmpstr (quick.protocol, ==, out->summary.protocol);
    g_assert_cmpint (quick.problem, ==, out->summary.problem);
    sb_summary_clear (&quick);
    sb_field_free (fields);
  }
  if (g_test_verbose ())
    {
      g_autofree char *dump = sb_field_dump (out->fields);
      g_test_message ("%s %s → %s %s\n%s", out->summary.protocol, out->summary.source,
                      out->summary.destination, out->summary.info, dump);
    }
}

static void
decode_frame (Decoded *out, int linktype, Frame *f)
{
  decode (out, linktype, f->data, f->len, f->len);
}

static void
assert_field (const SbField *root, const char *name, const char *value, guint offset, guint length)
{
  SbField *f = sb_field_find (root, name);

  if (f == NULL)
    {
      g_autofree char *dump = sb_field_dump (root);
      g_error ("no field “%s” in\n%s", name, dump);
    }
  if (value != NULL)
    g_assert_cmpstr (f->value, ==, value);
  g_assert_cmpuint (f->offset, ==, offset);
  g_assert_cmpuint (f->length, ==, length);
}

/* Cut @f at every length and decode each piece from an allocation of
 * exactly that size; the wire length is the whole frame's. Returns how
 * many cuts were marked as a problem. */
static guint
cut_everywhere (int linktype, Frame *f)
{
  guint problems = 0;

  for (gsize n = 0; n <= f->len; n++)
    {
      g_autofree guint8 *piece = g_memdup2 (f->data, n);
      Decoded d;

      decode (&d, linktype, piece, n, f->len);
      problems += d.summary.problem;
      decoded_clear (&d);
      /* and as a file that lies: the wire length is what was captured */
      decode (&d, linktype, piece, n, n);
      decoded_clear (&d);
    }
  return problems;
}

/* ---- the tests ------------------------------------------------------------ */

static Frame *
udp_frame (void)
{
  Frame *f = g_byte_array_new ();

  ethernet (f, 0x0800);
  ipv4 (f, 17, "127.0.0.1", "127.0.0.2", 8 + 5, 0x4000);
  udp (f, 40123, 5000, "hello");
  return f;
}

static void
test_ethernet_udp (void)
{
  g_autoptr(GByteArray) f = udp_frame ();
  Decoded d;

  decode_frame (&d, SB_LINKTYPE_ETHERNET, f);
  g_assert_cmpstr (d.summary.protocol, ==, "UDP");
  g_assert_cmpstr (d.summary.source, ==, "127.0.0.1");
  g_assert_cmpstr (d.summary.destination, ==, "127.0.0.2");
  g_assert_cmpstr (d.summary.info, ==, "40123 → 5000 Len=5");
  g_assert_false (d.summary.problem);

  assert_field (d.fields, "Ethernet II", "Src: 02:00:00:00:00:01, Dst: ff:ff:ff:ff:ff:ff", 0, 14);
  assert_field (d.fields, "Destination", "ff:ff:ff:ff:ff:ff", 0, 6);
  assert_field (d.fields, "Type", "IPv4 (0x0800)", 12, 2);
  assert_field (d.fields, "Internet Protocol Version 4", "Src: 127.0.0.1, Dst: 127.0.0.2", 14, 20);
  assert_field (d.fields, "Total Length", "33", 16, 2);
  assert_field (d.fields, "Flags", "0x2 Don't fragment", 20, 1);
  assert_field (d.fields, "Time to Live", "64", 22, 1);
  assert_field (d.fields, "Protocol", "UDP (17)", 23, 1);
  g_assert_true (g_str_has_suffix (sb_field_find (d.fields, "Header Checksum")->value, "[correct]"));
  assert_field (d.fields, "Source Address", "127.0.0.1", 26, 4);
  assert_field (d.fields, "User Datagram Protocol", "Src Port: 40123, Dst Port: 5000", 34, 8);
  assert_field (d.fields, "Source Port", "40123", 34, 2);
  assert_field (d.fields, "Destination Port", "5000", 36, 2);
  assert_field (d.fields, "Length", "13", 38, 2);
  assert_field (d.fields, "Data", "5 bytes: 68656c6c6f", 42, 5);
  assert_field (d.fields, "Frame", "47 bytes on wire, 47 bytes captured", 0, 47);
  assert_field (d.fields, "Link type", "Ethernet (1)", 0, 0);
  decoded_clear (&d);

  /* a wrong checksum is shown, not fatal */
  f->data[24] ^= 0xff;
  decode_frame (&d, SB_LINKTYPE_ETHERNET, f);
  g_assert_true (strstr (sb_field_find (d.fields, "Header Checksum")->value, "incorrect") != NULL);
  g_assert_false (d.summary.problem);
  decoded_clear (&d);
  f->data[24] ^= 0xff;

  /* Ethernet padding after the IP datagram is not data */
  put_hex (f, "00 00 00 00 00 00 00 00 00 00 00 00 00");
  decode_frame (&d, SB_LINKTYPE_ETHERNET, f);
  g_assert_cmpstr (d.summary.info, ==, "40123 → 5000 Len=5");
  assert_field (d.fields, "Data", "5 bytes: 68656c6c6f", 42, 5);
  decoded_clear (&d);
}

static void
test_truncated_message (void)
{
  g_autoptr(GByteArray) f = udp_frame ();
  Decoded d;
  SbField *p;

  /* cut 12 bytes into the IPv4 header */
  decode (&d, SB_LINKTYPE_ETHERNET, f->data, 14 + 12, f->len);
  g_assert_true (d.summary.problem);
  g_assert_cmpstr (d.summary.protocol, ==, "IPv4");
  g_assert_cmpstr (d.summary.info, ==, "Truncated: IPv4 header needs 20 bytes, 12 present");
  p = sb_field_find (d.fields, "Truncated");
  g_assert_nonnull (p);
  g_assert_cmpint (p->kind, ==, SB_FIELD_PROBLEM);
  g_assert_cmpstr (p->value, ==, "IPv4 header needs 20 bytes, 12 present");
  g_assert_cmpuint (p->offset, ==, 14);
  /* the Ethernet layer is all there */
  assert_field (d.fields, "Source", "02:00:00:00:00:01", 6, 6);
  decoded_clear (&d);

  /* in the UDP header */
  decode (&d, SB_LINKTYPE_ETHERNET, f->data, 34 + 3, f->len);
  g_assert_cmpstr (d.summary.protocol, ==, "UDP");
  g_assert_cmpstr (d.summary.source, ==, "127.0.0.1");
  g_assert_cmpstr (d.summary.info, ==, "Truncated: UDP header needs 8 bytes, 3 present");
  decoded_clear (&d);

  /* cut in the payload by the snap length: not a problem, the data says so */
  decode (&d, SB_LINKTYPE_ETHERNET, f->data, 44, f->len);
  g_assert_false (d.summary.problem);
  g_assert_cmpstr (d.summary.info, ==, "40123 → 5000 Len=5");
  assert_field (d.fields, "Data", "5 bytes (2 captured): 6865", 42, 2);
  decoded_clear (&d);

  /* the same cut in a file whose record claims the short length: the IP
   * header's total length is then more than the frame */
  decode (&d, SB_LINKTYPE_ETHERNET, f->data, 44, 44);
  g_assert_true (d.summary.problem);
  g_assert_true (strstr (d.summary.info, "IPv4 total length 33 is more than the 30 bytes") != NULL);
  decoded_clear (&d);

  g_assert_cmpuint (cut_everywhere (SB_LINKTYPE_ETHERNET, f), >=, 42);
}

static void
test_tcp (void)
{
  g_autoptr(GByteArray) syn = g_byte_array_new ();
  g_autoptr(GByteArray) data = g_byte_array_new ();
  g_autoptr(GByteArray) bad = g_byte_array_new ();
  Decoded d;

  /* MSS 65495, SACK permitted, timestamps, NOP, window scale 7 */
  ethernet (syn, 0x0800);
  ipv4 (syn, 6, "127.0.0.1", "127.0.0.1", 40, 0x4000);
  tcp (syn, 40123, 5000, 0, 0, 0x02, 65495,
       "020405d7 0402 080a00000001 00000000 01 030307", "");
  decode_frame (&d, SB_LINKTYPE_ETHERNET, syn);
  g_assert_cmpstr (d.summary.protocol, ==, "TCP");
  g_assert_true (g_str_has_prefix (d.summary.info, "40123 → 5000 [SYN] Seq=0 Win=65495 Len=0"));
  g_assert_true (strstr (d.summary.info, "MSS=1495") != NULL);
  g_assert_true (strstr (d.summary.info, "SACK_PERM") != NULL);
  g_assert_true (strstr (d.summary.info, "WS=128") != NULL);
  assert_field (sb_field_find (d.fields, "Transmission Control Protocol"), "Header Length", "40 bytes (10)", 46, 1);
  assert_field (sb_field_find (d.fields, "Transmission Control Protocol"), "Flags", "0x002 [SYN]", 46, 2);
  assert_field (d.fields, "Maximum segment size", "1495 bytes", 54, 4);
  assert_field (d.fields, "Timestamps", "TSval 1, TSecr 0", 60, 10);
  assert_field (d.fields, "Window scale", "7 (multiply by 128)", 71, 3);
  g_assert_false (d.summary.problem);
  decoded_clear (&d);
  cut_everywhere (SB_LINKTYPE_ETHERNET, syn);

  ethernet (data, 0x0800);
  ipv4 (data, 6, "10.0.0.1", "10.0.0.2", 20 + 5, 0);
  tcp (data, 5000, 40123, 1000, 2000, 0x18, 512, "", "hello");
  decode_frame (&d, SB_LINKTYPE_ETHERNET, data);
  g_assert_cmpstr (d.summary.info, ==, "5000 → 40123 [PSH, ACK] Seq=1000 Ack=2000 Win=512 Len=5");
  assert_field (d.fields, "Payload", "5 bytes: 68656c6c6f", 54, 5);
  assert_field (d.fields, "Acknowledgment Number", "2000", 42, 4);
  decoded_clear (&d);
  cut_everywhere (SB_LINKTYPE_ETHERNET, data);

  /* data offset 3 (12 bytes): malformed, but the ports are there */
  ethernet (bad, 0x0800);
  ipv4 (bad, 6, "10.0.0.1", "10.0.0.2", 20, 0);
  tcp (bad, 1, 2, 0, 0, 0x11, 0, "", "");
  bad->data[46] = 3 << 4;
  decode_frame (&d, SB_LINKTYPE_ETHERNET, bad);
  g_assert_true (d.summary.problem);
  g_assert_true (g_str_has_prefix (d.summary.info, "1 → 2 [FIN, ACK]"));
  g_assert_true (strstr (d.summary.info, "Malformed: TCP header length 12 is less than 20") != NULL);
  decoded_clear (&d);

  /* an option running past the header */
  bad->data[46] = 6 << 4;
  put_hex (bad, "02 09 00 00");
  set16 (bad, 16, 44);
  decode_frame (&d, SB_LINKTYPE_ETHERNET, bad);
  g_assert_true (d.summary.problem);
  g_assert_nonnull (sb_field_find (d.fields, "Malformed"));
  decoded_clear (&d);
}

static void
test_icmp (void)
{
  g_autoptr(GByteArray) echo = g_byte_array_new ();
  g_autoptr(GByteArray) unreach = g_byte_array_new ();
  Decoded d;
  SbField *quoted;

  ethernet (echo, 0x0800);
  ipv4 (echo, 1, "192.0.2.1", "192.0.2.2", 8 + 4, 0);
  put_hex (echo, "08 00 0000 1234 0001 61626364");
  decode_frame (&d, SB_LINKTYPE_ETHERNET, echo);
  g_assert_cmpstr (d.summary.protocol, ==, "ICMP");
  g_assert_cmpstr (d.summary.info, ==, "Echo (ping) request id=0x1234 seq=1");
  assert_field (d.fields, "Identifier", "0x1234 (4660)", 38, 2);
  assert_field (d.fields, "Sequence Number", "1", 40, 2);
  decoded_clear (&d);
  cut_everywhere (SB_LINKTYPE_ETHERNET, echo);

  echo->data[34] = 0;
  decode_frame (&d, SB_LINKTYPE_ETHERNET, echo);
  g_assert_cmpstr (d.summary.info, ==, "Echo (ping) reply id=0x1234 seq=1");
  decoded_clear (&d);

  /* port unreachable quoting a UDP datagram: the summary is the error's */
  ethernet (unreach, 0x0800);
  ipv4 (unreach, 1, "127.0.0.1", "127.0.0.1", 8 + 28, 0);
  put_hex (unreach, "03 03 0000 00000000");
  ipv4 (unreach, 17, "127.0.0.1", "127.0.0.1", 8 + 100, 0);
  put16 (unreach, 40000);
  put16 (unreach, 9);
  put16 (unreach, 108);
  put16 (unreach, 0);
  decode_frame (&d, SB_LINKTYPE_ETHERNET, unreach);
  g_assert_cmpstr (d.summary.protocol, ==, "ICMP");
  g_assert_cmpstr (d.summary.info, ==, "Destination unreachable (Port unreachable)");
  g_assert_false (d.summary.problem);
  quoted = sb_field_find (d.fields, "Quoted datagram");
  g_assert_nonnull (quoted);
  assert_field (quoted, "Destination Port", "9", 64, 2);
  decoded_clear (&d);
  cut_everywhere (SB_LINKTYPE_ETHERNET, unreach);
}

static void
test_arp (void)
{
  g_autoptr(GByteArray) f = g_byte_array_new ();
  Decoded d;

  ethernet (f, 0x0806);
  put_hex (f, "0001 0800 06 04 0001");
  put_hex (f, "02:00:00:00:00:01");
  ipv4_addr (f, "10.0.0.2");
  put_hex (f, "00:00:00:00:00:00");
  ipv4_addr (f, "10.0.0.1");
  decode_frame (&d, SB_LINKTYPE_ETHERNET, f);
  g_assert_cmpstr (d.summary.protocol, ==, "ARP");
  g_assert_cmpstr (d.summary.info, ==, "Who has 10.0.0.1? Tell 10.0.0.2");
  g_assert_cmpstr (d.summary.source, ==, "02:00:00:00:00:01");
  g_assert_cmpstr (d.summary.destination, ==, "Broadcast");
  assert_field (d.fields, "Target IP address", "10.0.0.1", 38, 4);
  decoded_clear (&d);
  cut_everywhere (SB_LINKTYPE_ETHERNET, f);

  f->data[21] = 2;
  decode_frame (&d, SB_LINKTYPE_ETHERNET, f);
  g_assert_cmpstr (d.summary.info, ==, "10.0.0.2 is at 02:00:00:00:00:01");
  decoded_clear (&d);

  /* a hardware size that claims more than there is */
  f->data[18] = 200;
  decode_frame (&d, SB_LINKTYPE_ETHERNET, f);
  g_assert_true (d.summary.problem);
  g_assert_true (g_str_has_prefix (d.summary.info, "Truncated: ARP packet needs 416 bytes"));
  decoded_clear (&d);
}

static void
test_vlan (void)
{
  g_autoptr(GByteArray) f = g_byte_array_new ();
  Decoded d;

  ethernet (f, 0x8100);
  put16 (f, (5 << 13) | 42);
  put16 (f, 0x0800);
  ipv4 (f, 17, "10.1.1.1", "10.1.1.2", 8 + 2, 0);
  udp (f, 53, 1053, "hi");
  decode_frame (&d, SB_LINKTYPE_ETHERNET, f);
  g_assert_cmpstr (d.summary.protocol, ==, "UDP");
  g_assert_cmpstr (d.summary.info, ==, "53 → 1053 Len=2");
  assert_field (d.fields, "802.1Q Virtual LAN", "PRI: 5, DEI: 0, ID: 42", 14, 4);
  assert_field (d.fields, "ID", "42", 14, 2);
  assert_field (d.fields, "Source Port", "53", 38, 2);
  decoded_clear (&d);
  cut_everywhere (SB_LINKTYPE_ETHERNET, f);

  /* cut inside the tag */
  decode (&d, SB_LINKTYPE_ETHERNET, f->data, 16, f->len);
  g_assert_cmpstr (d.summary.info, ==, "Truncated: 802.1Q tag needs 4 bytes, 2 present");
  decoded_clear (&d);
}

static Frame *
ipv6_udp_frame (void)
{
  Frame *f = g_byte_array_new ();

  ethernet (f, 0x86dd);
  /* hop-by-hop (8 bytes) → destination options (16 bytes) → UDP */
  ipv6 (f, 0, "2001:db8::1", "2001:db8::2", 8 + 16 + 8 + 3);
  put_hex (f, "3c 00 0104 00000000");
  put_hex (f, "11 01 0104 00000000 0000000000000000");
  udp (f, 1234, 5678, "abc");
  return f;
}

static void
test_ipv6 (void)
{
  g_autoptr(GByteArray) f = ipv6_udp_frame ();
  g_autoptr(GByteArray) frag = g_byte_array_new ();
  Decoded d;

  decode_frame (&d, SB_LINKTYPE_ETHERNET, f);
  g_assert_cmpstr (d.summary.protocol, ==, "UDP");
  g_assert_cmpstr (d.summary.source, ==, "2001:db8::1");
  g_assert_cmpstr (d.summary.destination, ==, "2001:db8::2");
  g_assert_cmpstr (d.summary.info, ==, "1234 → 5678 Len=3");
  assert_field (d.fields, "Internet Protocol Version 6", "Src: 2001:db8::1, Dst: 2001:db8::2", 14, 64);
  assert_field (d.fields, "Hop-by-Hop Options", "8 bytes, next header 60", 54, 8);
  assert_field (d.fields, "Destination Options", "16 bytes, next header 17", 62, 16);
  assert_field (d.fields, "Source Port", "1234", 78, 2);
  g_assert_false (d.summary.problem);
  decoded_clear (&d);
  cut_everywhere (SB_LINKTYPE_ETHERNET, f);

  /* a later fragment: no UDP header in it */
  ethernet (frag, 0x86dd);
  ipv6 (frag, 44, "fe80::1", "fe80::2", 8 + 16);
  put_hex (frag, "11 00 0058 deadbeef");
  put_hex (frag, "00112233445566778899aabbccddeeff");
  decode_frame (&d, SB_LINKTYPE_ETHERNET, frag);
  g_assert_cmpstr (d.summary.protocol, ==, "IPv6");
  g_assert_cmpstr (d.summary.info, ==, "Fragmented IPv6 (proto=UDP 17, off=88, ID=deadbeef)");
  decoded_clear (&d);
  cut_everywhere (SB_LINKTYPE_ETHERNET, frag);
}

static void
test_ipv4_fragment (void)
{
  g_autoptr(GByteArray) f = g_byte_array_new ();
  Decoded d;

  ethernet (f, 0x0800);
  ipv4 (f, 17, "10.0.0.1", "10.0.0.2", 16, 185);  /* offset 1480 */
  put_hex (f, "00112233445566778899aabbccddeeff");
  decode_frame (&d, SB_LINKTYPE_ETHERNET, f);
  g_assert_cmpstr (d.summary.protocol, ==, "IPv4");
  g_assert_cmpstr (d.summary.info, ==, "Fragmented IP protocol (proto=UDP 17, off=1480, ID=1234)");
  assert_field (d.fields, "Fragment Offset", "1480", 20, 2);
  decoded_clear (&d);

  /* the first fragment: UDP length covers more than this datagram */
  f->len = 0;
  ethernet (f, 0x0800);
  ipv4 (f, 17, "10.0.0.1", "10.0.0.2", 8 + 4, 0x2000);
  put16 (f, 1);
  put16 (f, 2);
  put16 (f, 3000);
  put16 (f, 0);
  put_hex (f, "01020304");
  decode_frame (&d, SB_LINKTYPE_ETHERNET, f);
  g_assert_cmpstr (d.summary.protocol, ==, "UDP");
  g_assert_false (d.summary.problem);
  assert_field (d.fields, "Fragment", "the first; more follow", 20, 2);
  decoded_clear (&d);
}

static void
test_icmpv6 (void)
{
  g_autoptr(GByteArray) echo = g_byte_array_new ();
  g_autoptr(GByteArray) ns = g_byte_array_new ();
  Decoded d;

  ethernet (echo, 0x86dd);
  ipv6 (echo, 58, "::1", "::1", 8 + 2);
  put_hex (echo, "80 00 0000 abcd 0007 6869");
  decode_frame (&d, SB_LINKTYPE_ETHERNET, echo);
  g_assert_cmpstr (d.summary.protocol, ==, "ICMPv6");
  g_assert_cmpstr (d.summary.info, ==, "Echo (ping) request id=0xabcd seq=7");
  decoded_clear (&d);
  cut_everywhere (SB_LINKTYPE_ETHERNET, echo);

  ethernet (ns, 0x86dd);
  ipv6 (ns, 58, "fe80::1", "ff02::1:ff00:2", 24);
  put_hex (ns, "87 00 0000 00000000");
  ipv6_addr (ns, "fe80::2");
  decode_frame (&d, SB_LINKTYPE_ETHERNET, ns);
  g_assert_cmpstr (d.summary.info, ==, "Neighbor Solicitation for fe80::2");
  assert_field (d.fields, "Target Address", "fe80::2", 62, 16);
  decoded_clear (&d);
  cut_everywhere (SB_LINKTYPE_ETHERNET, ns);

  /* destination unreachable quoting an IPv6 UDP datagram */
  ns->len = 0;
  ethernet (ns, 0x86dd);
  ipv6 (ns, 58, "::1", "::1", 8 + 48);
  put_hex (ns, "01 04 0000 00000000");
  ipv6 (ns, 17, "::1", "::1", 8 + 20);
  put_hex (ns, "9c40 0009 001c 0000");
  decode_frame (&d, SB_LINKTYPE_ETHERNET, ns);
  g_assert_cmpstr (d.summary.info, ==, "Destination Unreachable (Port unreachable)");
  g_assert_false (d.summary.problem);
  assert_field (sb_field_find (d.fields, "Quoted datagram"), "Destination Port", "9", 104, 2);
  decoded_clear (&d);
  cut_everywhere (SB_LINKTYPE_ETHERNET, ns);
}

static void
test_sll (void)
{
  g_autoptr(GByteArray) sll = g_byte_array_new ();
  g_autoptr(GByteArray) sll2 = g_byte_array_new ();
  Decoded d;

  /* sent by us on lo (ARPHRD_LOOPBACK), IPv4 UDP */
  put16 (sll, 4);
  put16 (sll, 772);
  put16 (sll, 6);
  put_hex (sll, "000000000000 0000");
  put16 (sll, 0x0800);
  ipv4 (sll, 17, "127.0.0.1", "127.0.0.1", 8 + 1, 0);
  udp (sll, 1, 2, "x");
  decode_frame (&d, SB_LINKTYPE_LINUX_SLL, sll);
  g_assert_cmpstr (d.summary.protocol, ==, "UDP");
  g_assert_cmpstr (d.summary.info, ==, "1 → 2 Len=1");
  assert_field (d.fields, "Packet type", "Sent by us (4)", 0, 2);
  assert_field (d.fields, "Source Port", "1", 36, 2);
  decoded_clear (&d);
  cut_everywhere (SB_LINKTYPE_LINUX_SLL, sll);

  /* SLL2 ("any"): IPv6 TCP on interface 3 */
  put16 (sll2, 0x86dd);
  put16 (sll2, 0);
  put32 (sll2, 3);
  put16 (sll2, 1);
  put8 (sll2, 0);
  put8 (sll2, 6);
  put_hex (sll2, "020000000002 0000");
  ipv6 (sll2, 6, "2001:db8::a", "2001:db8::b", 20);
  tcp (sll2, 443, 50000, 7, 8, 0x14, 0, "", "");
  decode_frame (&d, SB_LINKTYPE_LINUX_SLL2, sll2);
  g_assert_cmpstr (d.summary.protocol, ==, "TCP");
  g_assert_cmpstr (d.summary.source, ==, "2001:db8::a");
  g_assert_cmpstr (d.summary.info, ==, "443 → 50000 [RST, ACK] Seq=7 Ack=8 Win=0 Len=0");
  assert_field (d.fields, "Interface index", "3", 4, 4);
  assert_field (d.fields, "Source", "02:00:00:00:00:02", 12, 8);
  decoded_clear (&d);
  cut_everywhere (SB_LINKTYPE_LINUX_SLL2, sll2);
}

static void
test_raw_and_null (void)
{
  g_autoptr(GByteArray) raw = g_byte_array_new ();
  g_autoptr(GByteArray) null = g_byte_array_new ();
  g_autoptr(GByteArray) loop = g_byte_array_new ();
  const int raw_types[] = { SB_LINKTYPE_RAW, SB_LINKTYPE_RAW_FILE, SB_LINKTYPE_IPV4 };
  Decoded d;

  ipv4 (raw, 17, "10.0.0.1", "10.0.0.2", 8, 0);
  udp (raw, 7, 8, "");
  for (guint i = 0; i < G_N_ELEMENTS (raw_types); i++)
    {
      decode_frame (&d, raw_types[i], raw);
      g_assert_cmpstr (d.summary.info, ==, "7 → 8 Len=0");
      assert_field (d.fields, "Source Port", "7", 20, 2);
      decoded_clear (&d);
      cut_everywhere (raw_types[i], raw);
    }

  /* DLT_NULL: the family in the writer's byte order (little-endian here) */
  put_hex (null, "02000000");
  ipv4 (null, 1, "127.0.0.1", "127.0.0.1", 8, 0);
  put_hex (null, "0800 0000 0001 0002");
  decode_frame (&d, SB_LINKTYPE_NULL, null);
  g_assert_cmpstr (d.summary.info, ==, "Echo (ping) request id=0x0001 seq=2");
  decoded_clear (&d);
  cut_everywhere (SB_LINKTYPE_NULL, null);

  /* DLT_LOOP: network order, 24 = IPv6 on OpenBSD */
  put_hex (loop, "00000018");
  ipv6 (loop, 17, "::1", "::2", 8);
  udp (loop, 9, 10, "");
  decode_frame (&d, SB_LINKTYPE_LOOP, loop);
  g_assert_cmpstr (d.summary.info, ==, "9 → 10 Len=0");
  decoded_clear (&d);
  cut_everywhere (SB_LINKTYPE_LOOP, loop);

  /* raw IP of version 5 */
  raw->data[0] = 0x55;
  decode_frame (&d, SB_LINKTYPE_RAW, raw);
  g_assert_true (d.summary.problem);
  decoded_clear (&d);
}

static void
test_malformed (void)
{
  g_autoptr(GByteArray) f = udp_frame ();
  Decoded d;

  /* IHL 3 */
  f->data[14] = 0x43;
  decode_frame (&d, SB_LINKTYPE_ETHERNET, f);
  g_assert_true (d.summary.problem);
  g_assert_cmpstr (d.summary.info, ==, "Malformed: IPv4 header length 12 is less than 20");
  decoded_clear (&d);
  f->data[14] = 0x45;

  /* UDP length 4 */
  set16 (f, 38, 4);
  decode_frame (&d, SB_LINKTYPE_ETHERNET, f);
  g_assert_true (d.summary.problem);
  g_assert_true (strstr (d.summary.info, "UDP length 4 is less than 8") != NULL);
  decoded_clear (&d);

  /* UDP length past the IP payload */
  set16 (f, 38, 200);
  decode_frame (&d, SB_LINKTYPE_ETHERNET, f);
  g_assert_true (strstr (d.summary.info, "UDP length 200 is more than the 13 bytes of the IP payload") != NULL);
  decoded_clear (&d);
  set16 (f, 38, 13);

  /* total length shorter than the header */
  set16 (f, 16, 10);
  decode_frame (&d, SB_LINKTYPE_ETHERNET, f);
  g_assert_true (strstr (d.summary.info, "IPv4 total length 10 is less than the header length 20") != NULL);
  decoded_clear (&d);

  /* version 6 under EtherType IPv4 */
  f->data[14] = 0x65;
  decode_frame (&d, SB_LINKTYPE_ETHERNET, f);
  g_assert_cmpstr (d.summary.info, ==, "Malformed: IP version 6 in an IPv4 header");
  decoded_clear (&d);

  /* more captured than on the wire */
  decode (&d, SB_LINKTYPE_ETHERNET, f->data, f->len, 10);
  g_assert_true (d.summary.problem);
  decoded_clear (&d);
}

static void
test_other_types (void)
{
  g_autoptr(GByteArray) lldp = g_byte_array_new ();
  g_autoptr(GByteArray) llc = g_byte_array_new ();
  guint8 usb[] = { 1, 2, 3 };
  Decoded d;

  ethernet (lldp, 0x88cc);
  put_hex (lldp, "0207 04 020000000001");
  decode_frame (&d, SB_LINKTYPE_ETHERNET, lldp);
  g_assert_cmpstr (d.summary.protocol, ==, "LLDP");
  decoded_clear (&d);

  ethernet (llc, 38);
  put_hex (llc, "424203000000");
  decode_frame (&d, SB_LINKTYPE_ETHERNET, llc);
  g_assert_cmpstr (d.summary.protocol, ==, "LLC");
  decoded_clear (&d);
  cut_everywhere (SB_LINKTYPE_ETHERNET, llc);

  /* a link type we do not decode: still a row */
  decode (&d, 189 /* DLT_USB_LINUX */, usb, sizeof usb, sizeof usb);
  g_assert_nonnull (d.summary.protocol);
  g_assert_true (strstr (d.summary.info, "3 bytes") != NULL);
  decoded_clear (&d);
  decode (&d, 99999, NULL, 0, 0);
  decoded_clear (&d);
}

/* Random bytes behind every link type: nothing may crash or leave the
 * buffer, whatever the headers claim. */
static void
test_random (void)
{
  const int types[] = {
    SB_LINKTYPE_ETHERNET, SB_LINKTYPE_LINUX_SLL, SB_LINKTYPE_LINUX_SLL2, SB_LINKTYPE_RAW,
    SB_LINKTYPE_NULL, SB_LINKTYPE_LOOP, SB_LINKTYPE_IPV6,
  };
  g_autoptr(GByteArray) seed = ipv6_udp_frame ();

  for (guint round = 0; round < 3000; round++)
    {
      gsize len = g_test_rand_int_range (0, 200);
      g_autofree guint8 *buf = g_malloc (MAX (len, 1));
      Decoded d;
      int type = types[round % G_N_ELEMENTS (types)];

      /* half pure noise, half a real frame with a few bytes flipped */
      if (round % 2 == 0 || len > seed->len)
        for (gsize i = 0; i < len; i++)
          buf[i] = g_test_rand_int_range (0, 256);
      else
        {
          memcpy (buf, seed->data, len);
          for (guint k = 0; k < 3 && len > 0; k++)
            buf[g_test_rand_int_range (0, len)] = g_test_rand_int_range (0, 256);
          type = SB_LINKTYPE_ETHERNET;
        }
      /* with IP-ish first bytes now and then */
      if (len > 20 && round % 3 == 0)
        buf[type == SB_LINKTYPE_ETHERNET ? 12 : 0] = type == SB_LINKTYPE_ETHERNET ? 0x08 : 0x45;
      decode (&d, type, buf, len, len + g_test_rand_int_range (0, 3));
      decoded_clear (&d);
    }
}

static void
test_field_api (void)
{
  g_autoptr(SbField) root = sb_field_new ("Root", NULL, 0, 10, SB_FIELD_LAYER);
  g_autoptr(SbField) copy = NULL;
  g_autofree char *text = NULL;
  g_autofree char *dump = NULL;

  sb_field_add (root, sb_field_new ("A", "1", 0, 2, SB_FIELD_NORMAL));
  sb_field_add (sb_field_get_child (root, 0), sb_field_new ("B", "2", 1, 1, SB_FIELD_NORMAL));
  copy = sb_field_copy (root);
  g_assert_cmpuint (sb_field_get_n_children (copy), ==, 1);
  g_assert_cmpstr (sb_field_find (copy, "B")->value, ==, "2");
  g_assert_null (sb_field_find (copy, "C"));
  g_assert_null (sb_field_get_child (copy, 5));
  text = sb_field_dup_text (sb_field_find (copy, "A"));
  g_assert_cmpstr (text, ==, "A: 1");
  dump = sb_field_dump (copy);
  g_assert_cmpstr (dump, ==, "Root  [0+10]\n  A: 1  [0+2]\n    B: 2  [1+1]\n");
  g_assert_true (G_TYPE_IS_BOXED (SB_TYPE_FIELD));
  g_assert_cmpstr (sb_linktype_to_string (SB_LINKTYPE_LINUX_SLL2), ==, "Linux cooked capture v2");
  g_assert_true (sb_linktype_is_supported (SB_LINKTYPE_RAW));
  g_assert_false (sb_linktype_is_supported (189));
}

/* The store decodes rows on demand, numbers them and adds the frame's time. */
static void
test_store_rows (void)
{
  g_autoptr(SbPacketStore) store = sb_packet_store_new ();
  g_autoptr(GByteArray) f = udp_frame ();
  g_autoptr(SbPacket) row = NULL;
  g_autoptr(SbField) fields = NULL;
  g_autofree char *protocol = NULL;
  guint number = 0;

  sb_packet_store_append (store, SB_LINKTYPE_ETHERNET, G_GINT64_CONSTANT (1700000000000000000), f->data,
                          f->len, f->len);
  sb_packet_store_append (store, SB_LINKTYPE_ETHERNET, G_GINT64_CONSTANT (1700000000250000000), f->data,
                          20, f->len);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  sb_packet_store_flush (store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 2);

  row = g_list_model_get_item (G_LIST_MODEL (store), 1);
  g_assert_cmpuint (sb_packet_get_number (row), ==, 2);
  g_assert_cmpfloat_with_epsilon (sb_packet_get_time (row), 0.25, 1e-9);
  g_assert_cmpuint (sb_packet_get_length (row), ==, 47);
  g_assert_cmpuint (sb_packet_get_captured_length (row), ==, 20);
  g_assert_cmpstr (sb_packet_get_protocol (row), ==, "IPv4");
  g_assert_true (sb_packet_get_problem (row));
  g_object_get (row, "protocol", &protocol, "number", &number, NULL);
  g_assert_cmpstr (protocol, ==, "IPv4");
  g_assert_cmpuint (number, ==, 2);

  fields = sb_packet_decode_fields (row);
  g_assert_cmpstr (sb_field_get_child (fields, 0)->name, ==, "Frame 2");
  assert_field (fields, "Time since the first packet", "0.250000000 s", 0, 0);
  g_assert_nonnull (sb_field_find (fields, "Arrival time"));
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (store), 2));
}

/* ---- relative TCP numbers ---------------------------------------------------- */

#define ACK 0x10
#define SYN 0x02
#define PSH 0x08
#define FIN 0x01

/* An Ethernet + IPv4 (or IPv6, if @src has a colon) + TCP frame, appended
 * to @store one second after the one before. */
static void
append_tcp (SbPacketStore *store, const char *src, const char *dst, guint16 sport, guint16 dport,
            guint32 seq, guint32 ack, guint8 flags, const char *payload)
{
  g_autoptr(GByteArray) f = g_byte_array_new ();
  guint n = sb_packet_store_get_n_packets (store);

  if (strchr (src, ':') != NULL)
    {
      ethernet (f, 0x86dd);
      ipv6 (f, 6, src, dst, 20 + strlen (payload));
    }
  else
    {
      ethernet (f, 0x0800);
      ipv4 (f, 6, src, dst, 20 + strlen (payload), 0x4000);
    }
  tcp (f, sport, dport, seq, ack, flags, 1000, "", payload);
  sb_packet_store_append (store, SB_LINKTYPE_ETHERNET,
                          G_GINT64_CONSTANT (1700000000000000000) + n * G_GINT64_CONSTANT (1000000000), f->data,
                          f->len, f->len);
}

/* The info column of packet @index (0-based), as the list shows it. */
static char *
row_info (SbPacketStore *store, guint index)
{
  g_autoptr(SbPacket) row = NULL;

  sb_packet_store_flush (store);
  row = g_list_model_get_item (G_LIST_MODEL (store), index);
  g_assert_nonnull (row);
  return g_strdup (sb_packet_get_info (row));
}

static void
assert_info (SbPacketStore *store, guint index, const char *expected)
{
  g_autofree char *info = row_info (store, index);

  g_assert_cmpstr (info, ==, expected);
}

static SbField *
row_fields (SbPacketStore *store, guint index)
{
  g_autoptr(SbPacket) row = NULL;

  sb_packet_store_flush (store);
  row = g_list_model_get_item (G_LIST_MODEL (store), index);
  return sb_packet_decode_fields (row);
}

static void
test_tcp_relative_handshake (void)
{
  g_autoptr(SbPacketStore) store = sb_packet_store_new ();
  const guint32 isn_a = 2894104821u, isn_b = 1234567u;
  g_autoptr(SbField) fields = NULL;
  SbField *l;

  append_tcp (store, "10.0.0.1", "10.0.0.2", 40000, 80, isn_a, 0, SYN, "");
  append_tcp (store, "10.0.0.2", "10.0.0.1", 80, 40000, isn_b, isn_a + 1, SYN | ACK, "");
  append_tcp (store, "10.0.0.1", "10.0.0.2", 40000, 80, isn_a + 1, isn_b + 1, ACK, "");
  append_tcp (store, "10.0.0.1", "10.0.0.2", 40000, 80, isn_a + 1, isn_b + 1, PSH | ACK, "hello");
  append_tcp (store, "10.0.0.2", "10.0.0.1", 80, 40000, isn_b + 1, isn_a + 6, PSH | ACK, "0123456789");
  append_tcp (store, "10.0.0.1", "10.0.0.2", 40000, 80, isn_a + 6, isn_b + 11, FIN | ACK, "");
  append_tcp (store, "10.0.0.2", "10.0.0.1", 80, 40000, isn_b + 11, isn_a + 7, FIN | ACK, "");
  append_tcp (store, "10.0.0.1", "10.0.0.2", 40000, 80, isn_a + 7, isn_b + 12, ACK, "");

  /* rows are made on demand, in any order: last first */
  assert_info (store, 7, "40000 → 80 [ACK] Seq=7 Ack=12 Win=1000 Len=0");
  assert_info (store, 0, "40000 → 80 [SYN] Seq=0 Win=1000 Len=0");
  assert_info (store, 1, "80 → 40000 [SYN, ACK] Seq=0 Ack=1 Win=1000 Len=0");
  assert_info (store, 2, "40000 → 80 [ACK] Seq=1 Ack=1 Win=1000 Len=0");
  assert_info (store, 3, "40000 → 80 [PSH, ACK] Seq=1 Ack=1 Win=1000 Len=5");
  assert_info (store, 4, "80 → 40000 [PSH, ACK] Seq=1 Ack=6 Win=1000 Len=10");
  assert_info (store, 5, "40000 → 80 [FIN, ACK] Seq=6 Ack=11 Win=1000 Len=0");
  assert_info (store, 6, "80 → 40000 [FIN, ACK] Seq=11 Ack=7 Win=1000 Len=0");

  /* the field tree has both, on the same bytes (Ethernet 14 + IPv4 20) */
  fields = row_fields (store, 3);
  l = sb_field_find (fields, "Transmission Control Protocol");
  g_assert_cmpstr (l->value, ==, "Src Port: 40000, Dst Port: 80, Seq: 1, Len: 5");
  assert_field (l, "Sequence Number", "1 (relative)", 38, 4);
  assert_field (l, "Sequence Number (raw)", "2894104822", 38, 4);
  assert_field (l, "Acknowledgment Number", "1 (relative)", 42, 4);
  assert_field (l, "Acknowledgment Number (raw)", "1234568", 42, 4);
  assert_field (l, "Stream index", "0", 34, 0);
  g_clear_pointer (&fields, sb_field_free);

  /* a SYN's acknowledgement field is not a number to show */
  fields = row_fields (store, 0);
  g_assert_null (sb_field_find (fields, "Acknowledgment Number"));
  assert_field (fields, "Acknowledgment Number (raw)", "0 (no ACK flag)", 42, 4);
  g_clear_pointer (&fields, sb_field_free);

  /* cleared (a capture restarted, a file opened): nothing is remembered,
   * so the same segment is a connection seen from its middle */
  sb_packet_store_clear (store);
  append_tcp (store, "10.0.0.2", "10.0.0.1", 80, 40000, isn_b + 1, isn_a + 6, PSH | ACK, "0123456789");
  assert_info (store, 0, "80 → 40000 [PSH, ACK] Seq=1 Ack=1 Win=1000 Len=10");

  /* the stateless decoder still shows the raw numbers */
  {
    g_autoptr(GByteArray) f = g_byte_array_new ();
    Decoded d;

    ethernet (f, 0x0800);
    ipv4 (f, 6, "10.0.0.1", "10.0.0.2", 20, 0);
    tcp (f, 40000, 80, isn_a + 1, isn_b + 1, ACK, 1000, "", "");
    decode_frame (&d, SB_LINKTYPE_ETHERNET, f);
    g_assert_cmpstr (d.summary.info, ==, "40000 → 80 [ACK] Seq=2894104822 Ack=1234568 Win=1000 Len=0");
    assert_field (d.fields, "Sequence Number", "2894104822", 38, 4);
    g_assert_null (sb_field_find (d.fields, "Sequence Number (raw)"));
    decoded_clear (&d);
  }
}

static void
test_tcp_relative_wrap (void)
{
  g_autoptr(SbPacketStore) store = sb_packet_store_new ();
  /* both directions start a few bytes before 2^32 and cross it */
  const guint32 isn_a = 0xfffffffbu, isn_b = 0xffffffffu;
  g_autoptr(SbField) fields = NULL;

  append_tcp (store, "192.0.2.1", "192.0.2.2", 5555, 443, isn_a, 0, SYN, "");
  append_tcp (store, "192.0.2.2", "192.0.2.1", 443, 5555, isn_b, isn_a + 1, SYN | ACK, "");
  append_tcp (store, "192.0.2.1", "192.0.2.2", 5555, 443, isn_a + 1, isn_b + 1, ACK, "");
  append_tcp (store, "192.0.2.1", "192.0.2.2", 5555, 443, isn_a + 1, isn_b + 1, PSH | ACK, "0123456789");
  append_tcp (store, "192.0.2.1", "192.0.2.2", 5555, 443, isn_a + 11, isn_b + 1, PSH | ACK, "abc");
  append_tcp (store, "192.0.2.2", "192.0.2.1", 443, 5555, isn_b + 1, isn_a + 14, PSH | ACK, "xyz");
  append_tcp (store, "192.0.2.1", "192.0.2.2", 5555, 443, isn_a + 14, isn_b + 4, ACK, "");

  g_assert_cmpuint (isn_a + 11, ==, 6);   /* past the wrap, raw */
  assert_info (store, 0, "5555 → 443 [SYN] Seq=0 Win=1000 Len=0");
  assert_info (store, 1, "443 → 5555 [SYN, ACK] Seq=0 Ack=1 Win=1000 Len=0");
  assert_info (store, 2, "5555 → 443 [ACK] Seq=1 Ack=1 Win=1000 Len=0");
  assert_info (store, 3, "5555 → 443 [PSH, ACK] Seq=1 Ack=1 Win=1000 Len=10");
  assert_info (store, 4, "5555 → 443 [PSH, ACK] Seq=11 Ack=1 Win=1000 Len=3");
  assert_info (store, 5, "443 → 5555 [PSH, ACK] Seq=1 Ack=14 Win=1000 Len=3");
  assert_info (store, 6, "5555 → 443 [ACK] Seq=14 Ack=4 Win=1000 Len=0");
  fields = row_fields (store, 4);
  assert_field (fields, "Sequence Number", "11 (relative)", 38, 4);
  assert_field (fields, "Sequence Number (raw)", "6", 38, 4);
  g_clear_pointer (&fields, sb_field_free);
  fields = row_fields (store, 2);
  assert_field (fields, "Acknowledgment Number (raw)", "0", 42, 4);
}

static void
test_tcp_relative_mid_flow (void)
{
  g_autoptr(SbPacketStore) store = sb_packet_store_new ();

  /* the capture starts inside a connection: the first segment of each
   * direction counts as 1, as if its SYN had been seen */
  append_tcp (store, "10.0.0.1", "10.0.0.2", 40001, 80, 500000, 900000, PSH | ACK, "0123456789");
  append_tcp (store, "10.0.0.2", "10.0.0.1", 80, 40001, 900000, 500010, ACK, "");
  append_tcp (store, "10.0.0.2", "10.0.0.1", 80, 40001, 900000, 500010, PSH | ACK, "abc");
  append_tcp (store, "10.0.0.1", "10.0.0.2", 40001, 80, 500010, 900003, ACK, "");
  assert_info (store, 0, "40001 → 80 [PSH, ACK] Seq=1 Ack=1 Win=1000 Len=10");
  assert_info (store, 1, "80 → 40001 [ACK] Seq=1 Ack=11 Win=1000 Len=0");
  assert_info (store, 2, "80 → 40001 [PSH, ACK] Seq=1 Ack=11 Win=1000 Len=3");
  assert_info (store, 3, "40001 → 80 [ACK] Seq=11 Ack=4 Win=1000 Len=0");

  /* and one whose first segment has no ACK: the other direction's start
   * is its own first segment */
  append_tcp (store, "10.0.0.1", "10.0.0.2", 40002, 80, 7000, 123, PSH, "xy");
  append_tcp (store, "10.0.0.2", "10.0.0.1", 80, 40002, 3000, 7002, ACK, "");
  append_tcp (store, "10.0.0.1", "10.0.0.2", 40002, 80, 7002, 3000, ACK, "");
  assert_info (store, 4, "40002 → 80 [PSH] Seq=1 Win=1000 Len=2");
  assert_info (store, 5, "80 → 40002 [ACK] Seq=1 Ack=3 Win=1000 Len=0");
  assert_info (store, 6, "40002 → 80 [ACK] Seq=3 Ack=1 Win=1000 Len=0");
}

static void
test_tcp_relative_flows (void)
{
  g_autoptr(SbPacketStore) store = sb_packet_store_new ();
  g_autoptr(SbTcpFlows) flows = sb_tcp_flows_new ();
  SbTcpContext context;
  SbTcpSegment segment = { { 0, }, };
  g_autoptr(SbField) fields = NULL;

  /* two connections between the same hosts, interleaved, and the same
   * ports over IPv6: none takes another's numbers */
  append_tcp (store, "10.0.0.1", "10.0.0.2", 40003, 80, 1000, 0, SYN, "");
  append_tcp (store, "10.0.0.1", "10.0.0.2", 40004, 80, 5000000, 0, SYN, "");
  append_tcp (store, "fd00::1", "fd00::2", 40003, 80, 77, 0, SYN, "");
  append_tcp (store, "10.0.0.2", "10.0.0.1", 80, 40004, 60000, 5000001, SYN | ACK, "");
  append_tcp (store, "10.0.0.2", "10.0.0.1", 80, 40003, 3000000000u, 1001, SYN | ACK, "");
  append_tcp (store, "10.0.0.1", "10.0.0.2", 40004, 80, 5000001, 60001, PSH | ACK, "four");
  append_tcp (store, "10.0.0.1", "10.0.0.2", 40003, 80, 1001, 3000000001u, PSH | ACK, "three");
  append_tcp (store, "fd00::2", "fd00::1", 80, 40003, 88, 78, SYN | ACK, "");
  append_tcp (store, "10.0.0.2", "10.0.0.1", 80, 40003, 3000000001u, 1006, ACK, "");
  append_tcp (store, "10.0.0.2", "10.0.0.1", 80, 40004, 60001, 5000005, ACK, "");
  append_tcp (store, "fd00::1", "fd00::2", 40003, 80, 78, 89, ACK, "");
  assert_info (store, 5, "40004 → 80 [PSH, ACK] Seq=1 Ack=1 Win=1000 Len=4");
  assert_info (store, 6, "40003 → 80 [PSH, ACK] Seq=1 Ack=1 Win=1000 Len=5");
  assert_info (store, 7, "80 → 40003 [SYN, ACK] Seq=0 Ack=1 Win=1000 Len=0");
  assert_info (store, 8, "80 → 40003 [ACK] Seq=1 Ack=6 Win=1000 Len=0");
  assert_info (store, 9, "80 → 40004 [ACK] Seq=1 Ack=5 Win=1000 Len=0");
  assert_info (store, 10, "40003 → 80 [ACK] Seq=1 Ack=1 Win=1000 Len=0");
  fields = row_fields (store, 8);
  assert_field (fields, "Stream index", "0", 34, 0);
  g_clear_pointer (&fields, sb_field_free);
  fields = row_fields (store, 9);
  assert_field (fields, "Stream index", "1", 34, 0);
  g_clear_pointer (&fields, sb_field_free);
  fields = row_fields (store, 10);
  assert_field (fields, "Stream index", "2", 54, 0);
  g_clear_pointer (&fields, sb_field_free);

  /* the same ports again with a new SYN: a new connection, counted anew;
   * a retransmitted SYN is not one */
  append_tcp (store, "10.0.0.1", "10.0.0.2", 40003, 80, 1000, 0, SYN, "");
  append_tcp (store, "10.0.0.1", "10.0.0.2", 40003, 80, 424242, 0, SYN, "");
  append_tcp (store, "10.0.0.2", "10.0.0.1", 80, 40003, 99, 424243, SYN | ACK, "");
  append_tcp (store, "10.0.0.1", "10.0.0.2", 40003, 80, 424243, 100, ACK, "");
  assert_info (store, 11, "40003 → 80 [SYN] Seq=0 Win=1000 Len=0");
  assert_info (store, 12, "40003 → 80 [SYN] Seq=0 Win=1000 Len=0");
  assert_info (store, 13, "80 → 40003 [SYN, ACK] Seq=0 Ack=1 Win=1000 Len=0");
  assert_info (store, 14, "40003 → 80 [ACK] Seq=1 Ack=1 Win=1000 Len=0");
  fields = row_fields (store, 11);
  assert_field (fields, "Stream index", "0", 34, 0);
  g_clear_pointer (&fields, sb_field_free);
  fields = row_fields (store, 14);
  assert_field (fields, "Stream index", "3", 34, 0);

  /* SbTcpFlows on its own: references, contexts, clearing */
  g_assert_false (sb_tcp_flows_get_context (flows, 0, &context));
  segment.addr_len = 4;
  segment.src[0] = 10;
  segment.dst[0] = 11;
  segment.sport = 1;
  segment.dport = 2;
  segment.seq = 10;
  segment.flags = SB_TCP_FLAG_SYN;
  g_assert_true (sb_tcp_flows_get_context (flows, sb_tcp_flows_track (flows, &segment), &context));
  g_assert_cmpuint (context.stream, ==, 0);
  g_assert_cmpuint (context.seq_base, ==, 10);
  g_assert_true (context.has_seq_base);
  g_assert_false (context.has_ack_base);
  g_assert_cmpuint (sb_tcp_flows_get_n_flows (flows), ==, 1);
  sb_tcp_flows_clear (flows);
  g_assert_cmpuint (sb_tcp_flows_get_n_flows (flows), ==, 0);
  g_assert_false (sb_tcp_flows_get_context (flows, 1, &context));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/decode/ethernet-udp", test_ethernet_udp);
  g_test_add_func ("/decode/truncated-message", test_truncated_message);
  g_test_add_func ("/decode/tcp", test_tcp);
  g_test_add_func ("/decode/icmp", test_icmp);
  g_test_add_func ("/decode/arp", test_arp);
  g_test_add_func ("/decode/vlan", test_vlan);
  g_test_add_func ("/decode/ipv6", test_ipv6);
  g_test_add_func ("/decode/ipv4-fragment", test_ipv4_fragment);
  g_test_add_func ("/decode/icmpv6", test_icmpv6);
  g_test_add_func ("/decode/sll", test_sll);
  g_test_add_func ("/decode/raw-and-null", test_raw_and_null);
  g_test_add_func ("/decode/malformed", test_malformed);
  g_test_add_func ("/decode/other-types", test_other_types);
  g_test_add_func ("/decode/random", test_random);
  g_test_add_func ("/decode/field-api", test_field_api);
  g_test_add_func ("/decode/store-rows", test_store_rows);
  g_test_add_func ("/decode/tcp-relative/handshake", test_tcp_relative_handshake);
  g_test_add_func ("/decode/tcp-relative/wrap", test_tcp_relative_wrap);
  g_test_add_func ("/decode/tcp-relative/mid-flow", test_tcp_relative_mid_flow);
  g_test_add_func ("/decode/tcp-relative/flows", test_tcp_relative_flows);

  return g_test_run ();
}
