/* sb-decode.c — packet decoders: a one-line summary and a field tree
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One walk over the frame serves both outputs. Without a field tree being
 * asked for, no field text is formatted at all (a packet list decodes
 * every visible row's summary as it scrolls). All reads go through
 * have() / u8() / u16() / u32(), which check against the captured length.
 */
#include "config.h"

#include <string.h>
#include <arpa/inet.h>
#include <pcap/pcap.h>

#include "sb-decode.h"

/* Nested headers (802.1Q tags, IP in IP, ICMP's quoted datagram) are
 * followed this deep at most. */
#define MAX_DEPTH 6
/* Data fields show this many bytes as hex in their value. */
#define DATA_PREVIEW 32

typedef struct
{
  const guint8 *data;
  gsize         caplen;
  gsize         end;        /* the frame's length on the wire (>= caplen) */
  gboolean      fields;     /* building the tree */
  SbField      *root;
  guint         depth;
  guint         quoted;     /* inside an ICMP error's quoted datagram */
  /* the summary, overwritten by each layer as it is reached */
  char          src[64];
  char          dst[64];
  char          protocol[32];
  GString      *info;
  GString      *problems;   /* "Truncated: …; Malformed: …", joined to info at the end */
  gboolean      problem;
  /* probing for the TCP segment only: no summary, no fields */
  gboolean      probe;
  SbTcpSegment *segment;    /* filled in when one is found (not a quoted one) */
  gboolean      found_segment;
  gsize         ip_src;     /* where the current IP header's addresses are */
  gsize         ip_dst;
  guint         ip_addr_len;
  const SbTcpContext *tcp;  /* the segment's connection, or NULL */
} Dec;

/* ---- SbField ------------------------------------------------------------- */

G_DEFINE_BOXED_TYPE (SbField, sb_field, sb_field_copy, sb_field_free)

SbField *
sb_field_new (const char *name,
              const char *value,
              guint       offset,
              guint       length,
              SbFieldKind kind)
{
  SbField *field = g_new0 (SbField, 1);

  field->name = g_strdup (name);
  field->value = g_strdup (value);
  field->offset = offset;
  field->length = length;
  field->kind = kind;
  return field;
}

SbField *
sb_field_copy (const SbField *field)
{
  SbField *copy;

  g_return_val_if_fail (field != NULL, NULL);

  copy = sb_field_new (field->name, field->value, field->offset, field->length, field->kind);
  for (guint i = 0; field->children != NULL && i < field->children->len; i++)
    sb_field_add (copy, sb_field_copy (g_ptr_array_index (field->children, i)));
  return copy;
}

void
sb_field_free (SbField *field)
{
  if (field == NULL)
    return;
  g_clear_pointer (&field->children, g_ptr_array_unref);
  g_free (field->name);
  g_free (field->value);
  g_free (field);
}

SbField *
sb_field_add (SbField *parent,
              SbField *child)
{
  g_return_val_if_fail (parent != NULL, NULL);
  g_return_val_if_fail (child != NULL, NULL);

  if (parent->children == NULL)
    parent->children = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_field_free);
  g_ptr_array_add (parent->children, child);
  return child;
}

guint
sb_field_get_n_children (const SbField *field)
{
  g_return_val_if_fail (field != NULL, 0);
  return field->children != NULL ? field->children->len : 0;
}

SbField *
sb_field_get_child (const SbField *field,
                    guint          index)
{
  g_return_val_if_fail (field != NULL, NULL);
  if (field->children == NULL || index >= field->children->len)
    return NULL;
  return g_ptr_array_index (field->children, index);
}

char *
sb_field_dup_text (const SbField *field)
{
  g_return_val_if_fail (field != NULL, NULL);
  if (field->value == NULL)
    return g_strdup (field->name);
  return g_strdup_printf ("%s: %s", field->name, field->value);
}

SbField *
sb_field_find (const SbField *field,
               const char    *name)
{
  g_return_val_if_fail (field != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (g_strcmp0 (field->name, name) == 0)
    return (SbField *) field;
  for (guint i = 0; field->children != NULL && i < field->children->len; i++)
    {
      SbField *found = sb_field_find (g_ptr_array_index (field->children, i), name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
dump_into (GString       *s,
           const SbField *field,
           guint          indent)
{
  g_autofree char *text = sb_field_dup_text (field);

  for (guint i = 0; i < indent; i++)
    g_string_append (s, "  ");
  g_string_append (s, text);
  if (field->length > 0)
    g_string_append_printf (s, "  [%u+%u]", field->offset, field->length);
  g_string_append_c (s, '\n');
  for (guint i = 0; field->children != NULL && i < field->children->len; i++)
    dump_into (s, g_ptr_array_index (field->children, i), indent + 1);
}

char *
sb_field_dump (const SbField *field)
{
  GString *s = g_string_new (NULL);

  g_return_val_if_fail (field != NULL, NULL);
  dump_into (s, field, 0);
  return g_string_free (s, FALSE);
}

void
sb_summary_clear (SbSummary *summary)
{
  g_return_if_fail (summary != NULL);
  g_clear_pointer (&summary->source, g_free);
  g_clear_pointer (&summary->destination, g_free);
  g_clear_pointer (&summary->protocol, g_free);
  g_clear_pointer (&summary->info, g_free);
  summary->problem = FALSE;
}

/* ---- the bounds-checked reader -------------------------------------------- */

static inline gboolean
have (const Dec *d,
      gsize      off,
      gsize      n)
{
  return off <= d->caplen && n <= d->caplen - off;
}

static inline gsize
present (const Dec *d,
         gsize      off)
{
  return off <= d->caplen ? d->caplen - off : 0;
}

static inline guint8
u8 (const Dec *d,
    gsize      off)
{
  return off < d->caplen ? d->data[off] : 0;
}

static inline guint16
u16 (const Dec *d,
     gsize      off)
{
  return have (d, off, 2) ? (guint16) (d->data[off] << 8 | d->data[off + 1]) : 0;
}

static inline guint32
u32 (const Dec *d,
     gsize      off)
{
  if (!have (d, off, 4))
    return 0;
  return (guint32) d->data[off] << 24 | (guint32) d->data[off + 1] << 16
         | (guint32) d->data[off + 2] << 8 | d->data[off + 3];
}

/* ---- formatting addresses ------------------------------------------------- */

static void
format_ipv4 (const Dec *d,
             gsize      off,
             char      *buf,
             gsize      size)
{
  /* probing formats nothing */
  if (d->probe || !have (d, off, 4))
    {
      g_strlcpy (buf, "?", size);
      return;
    }
  g_snprintf (buf, size, "%u.%u.%u.%u", d->data[off], d->data[off + 1], d->data[off + 2],
              d->data[off + 3]);
}

static void
format_ipv6 (const Dec *d,
             gsize      off,
             char      *buf,
             gsize      size)
{
  struct in6_addr addr;
  char text[INET6_ADDRSTRLEN];

  /* probing formats nothing */
  if (d->probe || !have (d, off, 16))
    {
      g_strlcpy (buf, "?", size);
      return;
    }
  memcpy (&addr, d->data + off, 16);
  if (inet_ntop (AF_INET6, &addr, text, sizeof text) == NULL)
    g_strlcpy (text, "?", sizeof text);
  g_strlcpy (buf, text, size);
}

/* Link-layer addresses: "00:11:22:33:44:55" (any length up to 8). */
static void
format_hw (const Dec *d,
           gsize      off,
           gsize      len,
           char      *buf,
           gsize      size)
{
  gsize at = 0;

  buf[0] = '\0';
  len = MIN (len, 8);
  if (d->probe || !have (d, off, len))
    {
      g_strlcpy (buf, "?", size);
      return;
    }
  for (gsize i = 0; i < len && at + 3 < size; i++)
    at += g_snprintf (buf + at, size - at, i == 0 ? "%02x" : ":%02x", d->data[off + i]);
}

/* ---- building the summary and the fields ---------------------------------- */

/* A layer begins: it names the protocol and owns the info column. */
static void
begin (Dec        *d,
       const char *protocol)
{
  if (d->quoted > 0 || d->probe)
    return;
  g_strlcpy (d->protocol, protocol, sizeof d->protocol);
  g_string_truncate (d->info, 0);
}

static void
set_addresses (Dec        *d,
               const char *src,
               const char *dst)
{
  if (d->quoted > 0 || d->probe)
    return;
  g_strlcpy (d->src, src, sizeof d->src);
  g_strlcpy (d->dst, dst, sizeof d->dst);
}

static void info (Dec *d, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
info (Dec        *d,
      const char *format,
      ...)
{
  va_list args;

  if (d->quoted > 0 || d->probe)
    return;
  g_string_truncate (d->info, 0);
  va_start (args, format);
  g_string_append_vprintf (d->info, format, args);
  va_end (args);
}

static void info_append (Dec *d, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
info_append (Dec        *d,
             const char *format,
             ...)
{
  va_list args;

  if (d->quoted > 0 || d->probe)
    return;
  va_start (args, format);
  g_string_append_vprintf (d->info, format, args);
  va_end (args);
}

/* Clip a byte range to what was captured, so that every field can be
 * highlighted as it is. Takes @value. */
static SbField *
add_node (Dec         *d,
          SbField     *parent,
          gsize        off,
          gsize        len,
          SbFieldKind  kind,
          const char  *name,
          char        *value)
{
  gsize start = MIN (off, d->caplen);
  SbField *f;

  len = MIN (len, present (d, start));
  f = sb_field_new (name, NULL, (guint) start, (guint) len, kind);
  f->value = value;
  return sb_field_add (parent, f);
}

static SbField *field (Dec *d, SbField *parent, gsize off, gsize len, const char *name,
                       const char *format, ...) G_GNUC_PRINTF (6, 7);

static SbField *
field (Dec        *d,
       SbField    *parent,
       gsize       off,
       gsize       len,
       const char *name,
       const char *format,
       ...)
{
  char *value = NULL;
  va_list args;

  if (!d->fields || parent == NULL)
    return NULL;
  if (format != NULL)
    {
      va_start (args, format);
      value = g_strdup_vprintf (format, args);
      va_end (args);
    }
  return add_node (d, parent, off, len, SB_FIELD_NORMAL, name, value);
}

/* A protocol heading under the root (or under @parent for quoted ones). */
static SbField *
layer (Dec        *d,
       SbField    *parent,
       gsize       off,
       gsize       len,
       const char *name)
{
  if (!d->fields)
    return NULL;
  return add_node (d, parent != NULL ? parent : d->root, off, len, SB_FIELD_LAYER, name, NULL);
}

static void layer_value (Dec *d, SbField *l, const char *format, ...) G_GNUC_PRINTF (3, 4);

static void
layer_value (Dec        *d,
             SbField    *l,
             const char *format,
             ...)
{
  va_list args;

  if (l == NULL)
    return;
  g_free (l->value);
  va_start (args, format);
  l->value = g_strdup_vprintf (format, args);
  va_end (args);
}

static void
layer_length (Dec     *d,
              SbField *l,
              gsize    len)
{
  if (l != NULL)
    l->length = (guint) MIN (len, present (d, l->offset));
}

static void problem (Dec *d, SbField *parent, gsize off, const char *kind,
                     const char *format, ...) G_GNUC_PRINTF (5, 6);

/* A truncated or malformed packet: a problem field and a note in the info
 * column; decoding stops or goes on as the caller decides. */
static void
problem (Dec        *d,
         SbField    *parent,
         gsize       off,
         const char *kind,
         const char *format,
         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (d->probe)
    return;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (d->quoted == 0)
    {
      d->problem = TRUE;
      g_string_append_printf (d->problems, "%s%s: %s", d->problems->len > 0 ? "; " : "", kind, message);
    }
  if (d->fields)
    {
      SbField *at = parent != NULL ? parent : d->root;
      gsize start = MIN (off, d->caplen);

      sb_field_add (at, sb_field_new (kind, message, (guint) start, 0, SB_FIELD_PROBLEM));
    }
}

/* TRUE if @n bytes at @off were captured, else a "Truncated" problem. */
static gboolean
need (Dec        *d,
      SbField    *parent,
      gsize       off,
      gsize       n,
      const char *what)
{
  if (have (d, off, n))
    return TRUE;
  problem (d, parent, off, "Truncated", "%s needs %zu bytes, %zu present", what, n,
           present (d, off));
  return FALSE;
}

/* The rest of a layer as opaque data: @end is where the outer header says
 * it ends, possibly past what was captured. */
static void
data_field (Dec        *d,
            SbField    *parent,
            const char *name,
            gsize       off,
            gsize       end)
{
  gsize claimed, captured;
  g_autoptr(GString) hex = NULL;

  if (!d->fields || end <= off)
    return;
  claimed = end - off;
  captured = MIN (claimed, present (d, off));
  hex = g_string_new (NULL);
  for (gsize i = 0; i < MIN (captured, DATA_PREVIEW); i++)
    g_string_append_printf (hex, "%02x", d->data[off + i]);
  if (captured > DATA_PREVIEW)
    g_string_append (hex, "…");

  if (captured < claimed)
    field (d, parent != NULL ? parent : d->root, off, captured, name,
           "%zu bytes (%zu captured)%s%s", claimed, captured, hex->len > 0 ? ": " : "", hex->str);
  else
    field (d, parent != NULL ? parent : d->root, off, captured, name,
           "%zu bytes: %s", claimed, hex->str);
}

/* ---- names ------------------------------------------------------------------ */

static const char *
ip_protocol_name (guint proto)
{
  switch (proto)
    {
    case 0: return "IPv6 Hop-by-Hop";
    case 1: return "ICMP";
    case 2: return "IGMP";
    case 4: return "IPv4";
    case 6: return "TCP";
    case 17: return "UDP";
    case 41: return "IPv6";
    case 43: return "IPv6 Routing";
    case 44: return "IPv6 Fragment";
    case 47: return "GRE";
    case 50: return "ESP";
    case 51: return "AH";
    case 58: return "ICMPv6";
    case 59: return "IPv6 No Next Header";
    case 60: return "IPv6 Destination Options";
    case 89: return "OSPF";
    case 103: return "PIM";
    case 112: return "VRRP";
    case 132: return "SCTP";
    case 136: return "UDP-Lite";
    default: return NULL;
    }
}

static const char *
ethertype_name (guint type)
{
  switch (type)
    {
    case 0x0800: return "IPv4";
    case 0x0806: return "ARP";
    case 0x8035: return "RARP";
    case 0x8100: return "802.1Q";
    case 0x86dd: return "IPv6";
    case 0x8847: return "MPLS";
    case 0x8848: return "MPLS";
    case 0x8863: return "PPPoE Discovery";
    case 0x8864: return "PPPoE";
    case 0x888e: return "EAPOL";
    case 0x88a8: return "802.1ad";
    case 0x88cc: return "LLDP";
    case 0x88e5: return "MACsec";
    case 0x88f7: return "PTP";
    case 0x9000: return "Loopback";
    default: return NULL;
    }
}

const char *
sb_linktype_to_string (int linktype)
{
  const char *name;

  switch (linktype)
    {
    case SB_LINKTYPE_NULL: return "BSD loopback";
    case SB_LINKTYPE_ETHERNET: return "Ethernet";
    case SB_LINKTYPE_RAW:
    case SB_LINKTYPE_RAW_BSD:
    case SB_LINKTYPE_RAW_FILE: return "Raw IP";
    case SB_LINKTYPE_LOOP: return "OpenBSD loopback";
    case SB_LINKTYPE_LINUX_SLL: return "Linux cooked capture v1";
    case SB_LINKTYPE_IPV4: return "Raw IPv4";
    case SB_LINKTYPE_IPV6: return "Raw IPv6";
    case SB_LINKTYPE_LINUX_SLL2: return "Linux cooked capture v2";
    default:
      name = pcap_datalink_val_to_description (linktype);
      return name != NULL ? name : "Unknown link type";
    }
}

gboolean
sb_linktype_is_supported (int linktype)
{
  switch (linktype)
    {
    case SB_LINKTYPE_NULL:
    case SB_LINKTYPE_ETHERNET:
    case SB_LINKTYPE_RAW:
    case SB_LINKTYPE_RAW_BSD:
    case SB_LINKTYPE_RAW_FILE:
    case SB_LINKTYPE_LOOP:
    case SB_LINKTYPE_LINUX_SLL:
    case SB_LINKTYPE_IPV4:
    case SB_LINKTYPE_IPV6:
    case SB_LINKTYPE_LINUX_SLL2:
      return TRUE;
    default:
      return FALSE;
    }
}

/* ---- the layers ------------------------------------------------------------- */

static void decode_ipv4 (Dec *d, SbField *parent, gsize off, gsize end);
static void decode_ipv6 (Dec *d, SbField *parent, gsize off, gsize end);
static void decode_ethertype (Dec *d, guint type, gsize off, gsize end);

static void
decode_udp (Dec      *d,
            SbField  *parent,
            gsize     off,
            gsize     end,
            gboolean  fragment)
{
  SbField *l;
  guint sport, dport, ulen;
  gsize payload_end;

  begin (d, "UDP");
  l = layer (d, parent, off, 8, "User Datagram Protocol");
  if (!need (d, l, off, 8, "UDP header"))
    return;

  sport = u16 (d, off);
  dport = u16 (d, off + 2);
  ulen = u16 (d, off + 4);
  layer_value (d, l, "Src Port: %u, Dst Port: %u", sport, dport);
  field (d, l, off, 2, "Source Port", "%u", sport);
  field (d, l, off + 2, 2, "Destination Port", "%u", dport);
  field (d, l, off + 4, 2, "Length", "%u", ulen);
  field (d, l, off + 6, 2, "Checksum", "0x%04x", u16 (d, off + 6));

  payload_end = end;
  if (ulen < 8)
    problem (d, l, off + 4, "Malformed", "UDP length %u is less than 8", ulen);
  else if (end - off < ulen && !fragment)
    problem (d, l, off + 4, "Malformed", "UDP length %u is more than the %zu bytes of the IP payload",
             ulen, end - off);
  else
    payload_end = off + ulen;

  info (d, "%u → %u Len=%zu", sport, dport, payload_end > off + 8 ? payload_end - off - 8 : 0);
  data_field (d, l, "Data", off + 8, payload_end);
}

static void
tcp_flags_text (guint    flags,
                GString *out)
{
  static const char *names[] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "NS" };
  gboolean first = TRUE;

  g_string_append_c (out, '[');
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (flags & (1u << i))
      {
        g_string_append_printf (out, "%s%s", first ? "" : ", ", names[i]);
        first = FALSE;
      }
  if (first)
    g_string_append (out, "<None>");
  g_string_append_c (out, ']');
}

/* TCP options between @off and @end (both within the header). Adds the
 * interesting ones to @summary_opts for the info column. */
static void
decode_tcp_options (Dec     *d,
                    SbField *l,
                    gsize    off,
                    gsize    end,
                    GString *summary_opts)
{
  SbField *opts = field (d, l, off, end - off, "Options", "%zu bytes", end - off);

  while (off < end)
    {
      guint kind = u8 (d, off);
      guint len;

      if (kind == 0)
        {
          field (d, opts, off, 1, "End of Option List", NULL);
          break;
        }
      if (kind == 1)
        {
          field (d, opts, off, 1, "No-Operation", NULL);
          off++;
          continue;
        }
      if (off + 1 >= end)
        {
          problem (d, opts, off, "Malformed", "TCP option %u has no length byte", kind);
          return;
        }
      len = u8 (d, off + 1);
      if (len < 2 || len > end - off)
        {
          problem (d, opts, off, "Malformed", "TCP option %u has length %u, %zu bytes left", kind, len,
                   end - off);
          return;
        }
      switch (kind)
        {
        case 2:
          if (len == 4)
            {
              field (d, opts, off, len, "Maximum segment size", "%u bytes", u16 (d, off + 2));
              g_string_append_printf (summary_opts, " MSS=%u", u16 (d, off + 2));
              break;
            }
          G_GNUC_FALLTHROUGH;
        default:
          field (d, opts, off, len, "Option", "kind %u, %u bytes", kind, len);
          break;
        case 3:
          if (len == 3)
            {
              guint shift = u8 (d, off + 2);

              field (d, opts, off, len, "Window scale", "%u (multiply by %u)", shift,
                     shift < 15 ? 1u << shift : 0);
              g_string_append_printf (summary_opts, " WS=%u", shift < 15 ? 1u << shift : 0);
            }
          break;
        case 4:
          field (d, opts, off, len, "SACK permitted", NULL);
          g_string_append (summary_opts, " SACK_PERM");
          break;
        case 5:
          field (d, opts, off, len, "SACK", "%u blocks", (len - 2) / 8);
          break;
        case 8:
          if (len == 10)
            {
              field (d, opts, off, len, "Timestamps", "TSval %u, TSecr %u", u32 (d, off + 2),
                     u32 (d, off + 6));
              g_string_append_printf (summary_opts, " TSval=%u TSecr=%u", u32 (d, off + 2),
                                      u32 (d, off + 6));
            }
          break;
        }
      off += len;
    }
}

static void
decode_tcp (Dec      *d,
            SbField  *parent,
            gsize     off,
            gsize     end)
{
  SbField *l;
  guint sport, dport, hlen, flags, window;
  guint32 seq, ack, shown_seq, shown_ack;
  const SbTcpContext *tcp = d->quoted == 0 ? d->tcp : NULL;
  gboolean relative_seq, relative_ack;
  gsize payload;
  g_autoptr(GString) flag_text = NULL;
  g_autoptr(GString) opts = NULL;

  begin (d, "TCP");
  l = layer (d, parent, off, 20, "Transmission Control Protocol");
  if (!need (d, l, off, 20, "TCP header"))
    return;

  sport = u16 (d, off);
  dport = u16 (d, off + 2);
  seq = u32 (d, off + 4);
  ack = u32 (d, off + 8);
  hlen = (u8 (d, off + 12) >> 4) * 4;
  flags = u16 (d, off + 12) & 0x1ff;
  window = u16 (d, off + 14);

  if (d->quoted == 0 && d->segment != NULL && d->ip_addr_len > 0)
    {
      SbTcpSegment *s = d->segment;

      s->addr_len = (guint8) d->ip_addr_len;
      memcpy (s->src, d->data + d->ip_src, d->ip_addr_len);
      memcpy (s->dst, d->data + d->ip_dst, d->ip_addr_len);
      s->sport = (guint16) sport;
      s->dport = (guint16) dport;
      s->seq = seq;
      s->ack = ack;
      s->flags = (guint16) flags;
      d->found_segment = TRUE;
    }
  if (d->probe)
    return;
  flag_text = g_string_new (NULL);
  opts = g_string_new (NULL);
  tcp_flags_text (flags, flag_text);

  /* relative to the connection's initial numbers, modulo 2^32 (unsigned
   * subtraction wraps); an acknowledgement only counts with ACK set */
  relative_seq = tcp != NULL && tcp->has_seq_base;
  relative_ack = tcp != NULL && tcp->has_ack_base && (flags & SB_TCP_FLAG_ACK);
  shown_seq = relative_seq ? seq - tcp->seq_base : seq;
  shown_ack = relative_ack ? ack - tcp->ack_base : ack;

  layer_value (d, l, "Src Port: %u, Dst Port: %u, Seq: %u, Len: %zu", sport, dport, shown_seq,
               end >= off + MAX (hlen, 20) ? end - off - MAX (hlen, 20) : 0);
  field (d, l, off, 2, "Source Port", "%u", sport);
  field (d, l, off + 2, 2, "Destination Port", "%u", dport);
  if (tcp != NULL)
    field (d, l, off, 0, "Stream index", "%u", tcp->stream);
  if (relative_seq)
    {
      field (d, l, off + 4, 4, "Sequence Number", "%u (relative)", shown_seq);
      field (d, l, off + 4, 4, "Sequence Number (raw)", "%u", seq);
    }
  else
    field (d, l, off + 4, 4, "Sequence Number", "%u", seq);
  if (relative_ack)
    {
      field (d, l, off + 8, 4, "Acknowledgment Number", "%u (relative)", shown_ack);
      field (d, l, off + 8, 4, "Acknowledgment Number (raw)", "%u", ack);
    }
  else if (tcp != NULL)
    field (d, l, off + 8, 4, "Acknowledgment Number (raw)", "%u (no ACK flag)", ack);
  else
    field (d, l, off + 8, 4, "Acknowledgment Number", "%u", ack);
  field (d, l, off + 12, 1, "Header Length", "%u bytes (%u)", hlen, hlen / 4);
  field (d, l, off + 12, 2, "Flags", "0x%03x %s", flags, flag_text->str);
  field (d, l, off + 14, 2, "Window", "%u", window);
  field (d, l, off + 16, 2, "Checksum", "0x%04x", u16 (d, off + 16));
  field (d, l, off + 18, 2, "Urgent Pointer", "%u", u16 (d, off + 18));

  if (hlen < 20)
    {
      problem (d, l, off + 12, "Malformed", "TCP header length %u is less than 20", hlen);
      hlen = 20;
    }
  else if (hlen > end - off)
    {
      problem (d, l, off + 12, "Malformed", "TCP header length %u is more than the %zu bytes of the IP payload",
               hlen, end - off);
      hlen = 20;
    }
  else if (hlen > 20 && need (d, l, off + 20, hlen - 20, "TCP options"))
    decode_tcp_options (d, l, off + 20, off + hlen, opts);
  layer_length (d, l, hlen);

  payload = end - off > hlen ? end - off - hlen : 0;
  info (d, "%u → %u %s Seq=%u", sport, dport, flag_text->str, shown_seq);
  if (flags & SB_TCP_FLAG_ACK)
    info_append (d, " Ack=%u", shown_ack);
  info_append (d, " Win=%u Len=%zu%s", window, payload, opts->str);
  data_field (d, l, "Payload", off + hlen, end);
}

static const char *
icmp_unreachable_name (guint code)
{
  static const char *names[] = {
    "Network unreachable", "Host unreachable", "Protocol unreachable", "Port unreachable",
    "Fragmentation needed", "Source route failed", "Destination network unknown",
    "Destination host unknown", "Source host isolated", "Network administratively prohibited",
    "Host administratively prohibited", "Network unreachable for TOS",
    "Host unreachable for TOS", "Communication administratively filtered",
    "Host precedence violation", "Precedence cutoff in effect",
  };
  return code < G_N_ELEMENTS (names) ? names[code] : "Unknown code";
}

/* The datagram an ICMP error quotes: decoded into the fields only; the
 * summary keeps describing the error itself. */
static void
decode_quoted (Dec     *d,
               SbField *l,
               gsize    off,
               gsize    end,
               gboolean v6)
{
  SbField *q;

  if (off >= end || !have (d, off, 1) || d->depth >= MAX_DEPTH)
    return;
  q = field (d, l, off, end - off, "Quoted datagram", "%zu bytes", end - off);
  d->quoted++;
  d->depth++;
  if (v6)
    decode_ipv6 (d, q, off, end);
  else
    decode_ipv4 (d, q, off, end);
  d->depth--;
  d->quoted--;
}

static void
decode_icmp (Dec     *d,
             SbField *parent,
             gsize    off,
             gsize    end)
{
  SbField *l;
  guint type, code;

  begin (d, "ICMP");
  l = layer (d, parent, off, end - off, "Internet Control Message Protocol");
  if (!need (d, l, off, 4, "ICMP header"))
    return;
  type = u8 (d, off);
  code = u8 (d, off + 1);
  field (d, l, off, 1, "Type", "%u", type);
  field (d, l, off + 1, 1, "Code", "%u", code);
  field (d, l, off + 2, 2, "Checksum", "0x%04x", u16 (d, off + 2));

  switch (type)
    {
    case 0:
    case 8:
      {
        const char *what = type == 8 ? "Echo (ping) request" : "Echo (ping) reply";

        layer_value (d, l, "%s", what);
        info (d, "%s", what);
        if (!need (d, l, off + 4, 4, "ICMP echo header"))
          return;
        field (d, l, off + 4, 2, "Identifier", "0x%04x (%u)", u16 (d, off + 4), u16 (d, off + 4));
        field (d, l, off + 6, 2, "Sequence Number", "%u", u16 (d, off + 6));
        info (d, "%s id=0x%04x seq=%u", what, u16 (d, off + 4), u16 (d, off + 6));
        data_field (d, l, "Data", off + 8, end);
      }
      break;

    case 3:
    case 11:
    case 12:
    case 5:
      {
        const char *what, *detail;

        if (type == 3)
          what = "Destination unreachable", detail = icmp_unreachable_name (code);
        else if (type == 11)
          what = "Time-to-live exceeded",
          detail = code == 0 ? "Time to live exceeded in transit" : "Fragment reassembly time exceeded";
        else if (type == 12)
          what = "Parameter problem", detail = "Bad IP header";
        else
          what = "Redirect", detail = code == 0 ? "Redirect for network" : "Redirect for host";
        layer_value (d, l, "%s (%s)", what, detail);
        info (d, "%s (%s)", what, detail);
        if (type == 3 && code == 4 && have (d, off + 6, 2))
          {
            field (d, l, off + 6, 2, "Next-hop MTU", "%u", u16 (d, off + 6));
            info_append (d, " MTU=%u", u16 (d, off + 6));
          }
        if (type == 5 && have (d, off + 4, 4))
          {
            char gw[64];

            format_ipv4 (d, off + 4, gw, sizeof gw);
            field (d, l, off + 4, 4, "Gateway", "%s", gw);
          }
        if (!need (d, l, off + 4, 4, "ICMP error header"))
          return;
        decode_quoted (d, l, off + 8, end, FALSE);
      }
      break;

    default:
      {
        const char *what;

        switch (type)
          {
          case 9: what = "Router advertisement"; break;
          case 10: what = "Router solicitation"; break;
          case 13: what = "Timestamp request"; break;
          case 14: what = "Timestamp reply"; break;
          default: what = NULL; break;
          }
        if (what != NULL)
          {
            layer_value (d, l, "%s", what);
            info (d, "%s", what);
          }
        else
          {
            layer_value (d, l, "Type %u, code %u", type, code);
            info (d, "Type %u, code %u", type, code);
          }
        data_field (d, l, "Data", off + 4, end);
      }
      break;
    }
}

static void
decode_icmpv6 (Dec     *d,
               SbField *parent,
               gsize    off,
               gsize    end)
{
  SbField *l;
  guint type, code;
  const char *what = NULL;
  char addr[64];

  begin (d, "ICMPv6");
  l = layer (d, parent, off, end - off, "Internet Control Message Protocol v6");
  if (!need (d, l, off, 4, "ICMPv6 header"))
    return;
  type = u8 (d, off);
  code = u8 (d, off + 1);
  field (d, l, off, 1, "Type", "%u", type);
  field (d, l, off + 1, 1, "Code", "%u", code);
  field (d, l, off + 2, 2, "Checksum", "0x%04x", u16 (d, off + 2));

  switch (type)
    {
    case 1:
    case 2:
    case 3:
    case 4:
      {
        static const char *unreach[] = {
          "No route to destination", "Administratively prohibited", "Beyond scope of source address",
          "Address unreachable", "Port unreachable", "Source address failed ingress/egress policy",
          "Reject route to destination",
        };
        const char *detail = NULL;

        switch (type)
          {
          case 1:
            what = "Destination Unreachable";
            detail = code < G_N_ELEMENTS (unreach) ? unreach[code] : "Unknown code";
            break;
          case 2: what = "Packet Too Big"; break;
          case 3:
            what = "Time Exceeded";
            detail = code == 0 ? "Hop limit exceeded in transit" : "Fragment reassembly time exceeded";
            break;
          default: what = "Parameter Problem"; break;
          }
        if (detail != NULL)
          info (d, "%s (%s)", what, detail);
        else
          info (d, "%s", what);
        layer_value (d, l, "%s", d->quoted > 0 || d->probe ? what : d->info->str);
        if (!need (d, l, off + 4, 4, "ICMPv6 error header"))
          return;
        if (type == 2)
          {
            field (d, l, off + 4, 4, "MTU", "%u", u32 (d, off + 4));
            info_append (d, " MTU=%u", u32 (d, off + 4));
          }
        else if (type == 4)
          field (d, l, off + 4, 4, "Pointer", "%u", u32 (d, off + 4));
        decode_quoted (d, l, off + 8, end, TRUE);
      }
      return;

    case 128:
    case 129:
      what = type == 128 ? "Echo (ping) request" : "Echo (ping) reply";
      layer_value (d, l, "%s", what);
      info (d, "%s", what);
      if (!need (d, l, off + 4, 4, "ICMPv6 echo header"))
        return;
      field (d, l, off + 4, 2, "Identifier", "0x%04x (%u)", u16 (d, off + 4), u16 (d, off + 4));
      field (d, l, off + 6, 2, "Sequence Number", "%u", u16 (d, off + 6));
      info (d, "%s id=0x%04x seq=%u", what, u16 (d, off + 4), u16 (d, off + 6));
      data_field (d, l, "Data", off + 8, end);
      return;

    case 135:
    case 136:
      what = type == 135 ? "Neighbor Solicitation" : "Neighbor Advertisement";
      layer_value (d, l, "%s", what);
      info (d, "%s", what);
      if (!need (d, l, off + 4, 20, type == 135 ? "Neighbor Solicitation" : "Neighbor Advertisement"))
        return;
      format_ipv6 (d, off + 8, addr, sizeof addr);
      if (type == 136)
        {
          guint32 nflags = u32 (d, off + 4);

          field (d, l, off + 4, 4, "Flags", "0x%08x%s%s%s", nflags, nflags & 0x80000000u ? " router" : "",
                 nflags & 0x40000000u ? " solicited" : "", nflags & 0x20000000u ? " override" : "");
          info (d, "%s %s", what, addr);
          if (nflags & 0x60000000u)
            info_append (d, " (%s%s%s)", nflags & 0x40000000u ? "sol" : "",
                         (nflags & 0x60000000u) == 0x60000000u ? ", " : "",
                         nflags & 0x20000000u ? "ovr" : "");
        }
      else
        info (d, "%s for %s", what, addr);
      field (d, l, off + 8, 16, "Target Address", "%s", addr);
      data_field (d, l, "Options", off + 24, end);
      return;

    case 130: what = "Multicast Listener Query"; break;
    case 131: what = "Multicast Listener Report"; break;
    case 132: what = "Multicast Listener Done"; break;
    case 133: what = "Router Solicitation"; break;
    case 134: what = "Router Advertisement"; break;
    case 137: what = "Redirect"; break;
    case 143: what = "Multicast Listener Report Message v2"; break;
    default: break;
    }
  if (what != NULL)
    {
      layer_value (d, l, "%s", what);
      info (d, "%s", what);
    }
  else
    {
      layer_value (d, l, "Type %u, code %u", type, code);
      info (d, "Type %u, code %u", type, code);
    }
  data_field (d, l, "Data", off + 4, end);
}

/* What an IP header carries; @end is where the IP payload ends. */
static void
decode_transport (Dec      *d,
                  SbField  *parent,
                  guint     proto,
                  gsize     off,
                  gsize     end,
                  gboolean  fragment)
{
  const char *name;

  if (end < off)
    end = off;
  switch (proto)
    {
    case 6:
      decode_tcp (d, parent, off, end);
      return;
    case 17:
      decode_udp (d, parent, off, end, fragment);
      return;
    case 1:
      decode_icmp (d, parent, off, end);
      return;
    case 58:
      decode_icmpv6 (d, parent, off, end);
      return;
    case 4:
    case 41:
      if (d->depth < MAX_DEPTH)
        {
          d->depth++;
          if (proto == 4)
            decode_ipv4 (d, parent, off, end);
          else
            decode_ipv6 (d, parent, off, end);
          d->depth--;
          return;
        }
      break;
    case 59:
      info (d, "No next header");
      return;
    default:
      break;
    }
  name = ip_protocol_name (proto);
  if (name != NULL)
    {
      begin (d, name);
      info (d, "%s (IP protocol %u), %zu bytes", name, proto, end - off);
    }
  else
    info (d, "IP protocol %u, %zu bytes", proto, end - off);
  data_field (d, parent, "Data", off, end);
}

static gboolean
ipv4_checksum_ok (const Dec *d,
                  gsize      off,
                  gsize      hlen,
                  guint16   *computed)
{
  guint32 sum = 0;

  for (gsize i = 0; i < hlen; i += 2)
    if (i != 10)
      sum += u16 (d, off + i);
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  *computed = (guint16) ~sum;
  return *computed == u16 (d, off + 10);
}

static void
decode_ipv4 (Dec     *d,
             SbField *parent,
             gsize    off,
             gsize    end)
{
  SbField *l;
  guint version, hlen, total, frag, offset, proto;
  char src[64], dst[64];
  const char *pname;
  gsize pend;
  guint16 computed;

  begin (d, "IPv4");
  l = layer (d, parent, off, 20, "Internet Protocol Version 4");
  if (!need (d, l, off, 20, "IPv4 header"))
    return;

  version = u8 (d, off) >> 4;
  hlen = (u8 (d, off) & 0x0f) * 4;
  field (d, l, off, 1, "Version", "%u", version);
  if (version != 4)
    {
      problem (d, l, off, "Malformed", "IP version %u in an IPv4 header", version);
      return;
    }
  field (d, l, off, 1, "Header Length", "%u bytes (%u)", hlen, hlen / 4);
  if (hlen < 20)
    {
      problem (d, l, off, "Malformed", "IPv4 header length %u is less than 20", hlen);
      return;
    }

  total = u16 (d, off + 2);
  frag = u16 (d, off + 6);
  offset = (frag & 0x1fff) * 8;
  proto = u8 (d, off + 9);
  pname = ip_protocol_name (proto);
  if (d->quoted == 0)
    {
      d->ip_src = off + 12;
      d->ip_dst = off + 16;
      d->ip_addr_len = 4;
    }
  format_ipv4 (d, off + 12, src, sizeof src);
  format_ipv4 (d, off + 16, dst, sizeof dst);
  set_addresses (d, src, dst);
  layer_value (d, l, "Src: %s, Dst: %s", src, dst);

  field (d, l, off + 1, 1, "Differentiated Services", "0x%02x (DSCP %u, ECN %u)", u8 (d, off + 1),
         u8 (d, off + 1) >> 2, u8 (d, off + 1) & 3);
  field (d, l, off + 2, 2, "Total Length", total == 0 ? "0 (assumed TSO: the rest of the frame)" : "%u",
         total);
  field (d, l, off + 4, 2, "Identification", "0x%04x (%u)", u16 (d, off + 4), u16 (d, off + 4));
  field (d, l, off + 6, 1, "Flags", "0x%x%s%s%s", frag >> 13, frag & 0x8000 ? " Reserved bit" : "",
         frag & 0x4000 ? " Don't fragment" : "", frag & 0x2000 ? " More fragments" : "");
  field (d, l, off + 6, 2, "Fragment Offset", "%u", offset);
  field (d, l, off + 8, 1, "Time to Live", "%u", u8 (d, off + 8));
  field (d, l, off + 9, 1, "Protocol", "%s (%u)", pname != NULL ? pname : "Unknown", proto);
  if (d->fields && have (d, off, hlen))
    {
      gboolean ok = ipv4_checksum_ok (d, off, hlen, &computed);

      field (d, l, off + 10, 2, "Header Checksum", ok ? "0x%04x [correct]" : "0x%04x [incorrect, should be 0x%04x]",
             u16 (d, off + 10), computed);
    }
  else
    field (d, l, off + 10, 2, "Header Checksum", "0x%04x", u16 (d, off + 10));
  field (d, l, off + 12, 4, "Source Address", "%s", src);
  field (d, l, off + 16, 4, "Destination Address", "%s", dst);
  info (d, "IPv4, protocol %u", proto);

  if (!need (d, l, off, hlen, "IPv4 header with options"))
    return;
  if (hlen > 20)
    field (d, l, off + 20, hlen - 20, "Options", "%u bytes", hlen - 20);
  layer_length (d, l, hlen);

  if (total == 0)
    pend = MAX (end, off + hlen);
  else if (total < hlen)
    {
      problem (d, l, off + 2, "Malformed", "IPv4 total length %u is less than the header length %u",
               total, hlen);
      return;
    }
  else
    {
      pend = off + total;
      /* the link layer ends first: a lie, or a payload cut by the sender */
      if (pend > end && d->quoted == 0)
        problem (d, l, off + 2, "Malformed", "IPv4 total length %u is more than the %zu bytes after the link header",
                 total, end - off);
    }

  if (offset > 0)
    {
      info (d, "Fragmented IP protocol (proto=%s %u, off=%u, ID=%04x)", pname != NULL ? pname : "?", proto,
            offset, u16 (d, off + 4));
      field (d, l, off + 6, 2, "Fragment", "not the first: offset %u, %s", offset,
             frag & 0x2000 ? "more follow" : "the last");
      data_field (d, l, "Data", off + hlen, pend);
      return;
    }
  if (frag & 0x2000)
    field (d, l, off + 6, 2, "Fragment", "the first; more follow");
  decode_transport (d, parent, proto, off + hlen, pend, (frag & 0x2000) != 0);
}

static void
decode_ipv6 (Dec     *d,
             SbField *parent,
             gsize    off,
             gsize    end)
{
  SbField *l;
  guint version, plen, next;
  char src[64], dst[64];
  gsize pend, cur;
  gboolean fragment = FALSE;
  const char *pname;

  begin (d, "IPv6");
  l = layer (d, parent, off, 40, "Internet Protocol Version 6");
  if (!need (d, l, off, 40, "IPv6 header"))
    return;

  version = u8 (d, off) >> 4;
  field (d, l, off, 1, "Version", "%u", version);
  if (version != 6)
    {
      problem (d, l, off, "Malformed", "IP version %u in an IPv6 header", version);
      return;
    }
  plen = u16 (d, off + 4);
  next = u8 (d, off + 6);
  pname = ip_protocol_name (next);
  if (d->quoted == 0)
    {
      d->ip_src = off + 8;
      d->ip_dst = off + 24;
      d->ip_addr_len = 16;
    }
  format_ipv6 (d, off + 8, src, sizeof src);
  format_ipv6 (d, off + 24, dst, sizeof dst);
  set_addresses (d, src, dst);
  layer_value (d, l, "Src: %s, Dst: %s", src, dst);

  field (d, l, off, 4, "Traffic Class", "0x%02x", (u16 (d, off) >> 4) & 0xff);
  field (d, l, off + 1, 3, "Flow Label", "0x%05x", u32 (d, off) & 0xfffff);
  field (d, l, off + 4, 2, "Payload Length", plen == 0 ? "0 (jumbogram or TSO: the rest of the frame)" : "%u",
         plen);
  field (d, l, off + 6, 1, "Next Header", "%s (%u)", pname != NULL ? pname : "Unknown", next);
  field (d, l, off + 7, 1, "Hop Limit", "%u", u8 (d, off + 7));
  field (d, l, off + 8, 16, "Source Address", "%s", src);
  field (d, l, off + 24, 16, "Destination Address", "%s", dst);
  info (d, "IPv6, next header %u", next);

  if (plen == 0)
    pend = MAX (end, off + 40);
  else
    {
      pend = off + 40 + plen;
      if (pend > end && d->quoted == 0)
        problem (d, l, off + 4, "Malformed", "IPv6 payload length %u is more than the %zu bytes after the header",
                 plen, end - off - 40);
    }

  /* skip the common extension headers */
  cur = off + 40;
  for (guint i = 0; i < 8; i++)
    {
      gsize hlen;
      const char *what;

      switch (next)
        {
        case 0: what = "Hop-by-Hop Options"; break;
        case 43: what = "Routing Header"; break;
        case 60: what = "Destination Options"; break;
        case 51: what = "Authentication Header"; break;
        case 44: what = "Fragment Header"; break;
        default: what = NULL; break;
        }
      if (what == NULL)
        break;

      if (next == 44)
        {
          guint foff, more;

          if (!need (d, l, cur, 8, "IPv6 fragment header"))
            return;
          foff = u16 (d, cur + 2) & 0xfff8;
          more = u16 (d, cur + 2) & 1;
          field (d, l, cur, 8, what, "next header %u, offset %u, %s, ID 0x%08x", u8 (d, cur), foff,
                 more ? "more follow" : "the last", u32 (d, cur + 4));
          next = u8 (d, cur);
          cur += 8;
          if (foff > 0)
            {
              pname = ip_protocol_name (next);
              info (d, "Fragmented IPv6 (proto=%s %u, off=%u, ID=%08x)", pname != NULL ? pname : "?", next,
                    foff, u32 (d, cur - 4));
              data_field (d, l, "Data", cur, pend);
              return;
            }
          fragment = more != 0;
          continue;
        }

      if (!need (d, l, cur, 2, what))
        return;
      hlen = next == 51 ? (u8 (d, cur + 1) + 2) * 4u : (u8 (d, cur + 1) + 1) * 8u;
      if (!need (d, l, cur, hlen, what))
        return;
      field (d, l, cur, hlen, what, "%zu bytes, next header %u", hlen, u8 (d, cur));
      next = u8 (d, cur);
      cur += hlen;
    }
  layer_length (d, l, cur - off);
  if (cur > pend)
    {
      problem (d, l, off + 4, "Malformed", "IPv6 extension headers run past the payload length %u", plen);
      return;
    }
  decode_transport (d, parent, next, cur, pend, fragment);
}

static void
decode_arp (Dec   *d,
            gsize  off,
            gsize  end)
{
  SbField *l;
  guint htype, ptype, hlen, plen, op;
  gsize need_len;

  begin (d, "ARP");
  l = layer (d, NULL, off, 8, "Address Resolution Protocol");
  if (!need (d, l, off, 8, "ARP header"))
    return;
  htype = u16 (d, off);
  ptype = u16 (d, off + 2);
  hlen = u8 (d, off + 4);
  plen = u8 (d, off + 5);
  op = u16 (d, off + 6);
  field (d, l, off, 2, "Hardware type", "%u%s", htype, htype == 1 ? " (Ethernet)" : "");
  field (d, l, off + 2, 2, "Protocol type", "0x%04x", ptype);
  field (d, l, off + 4, 1, "Hardware size", "%u", hlen);
  field (d, l, off + 5, 1, "Protocol size", "%u", plen);
  field (d, l, off + 6, 2, "Opcode", "%s (%u)",
         op == 1 ? "request" : op == 2 ? "reply" : op == 3 ? "reverse request" : op == 4 ? "reverse reply" : "unknown",
         op);

  need_len = 8 + 2 * ((gsize) hlen + plen);
  layer_length (d, l, need_len);
  if (!need (d, l, off, need_len, "ARP packet"))
    return;

  if (hlen == 6 && plen == 4 && ptype == 0x0800)
    {
      char sha[32], spa[32], tha[32], tpa[32];

      format_hw (d, off + 8, 6, sha, sizeof sha);
      format_ipv4 (d, off + 14, spa, sizeof spa);
      format_hw (d, off + 18, 6, tha, sizeof tha);
      format_ipv4 (d, off + 24, tpa, sizeof tpa);
      field (d, l, off + 8, 6, "Sender MAC address", "%s", sha);
      field (d, l, off + 14, 4, "Sender IP address", "%s", spa);
      field (d, l, off + 18, 6, "Target MAC address", "%s", tha);
      field (d, l, off + 24, 4, "Target IP address", "%s", tpa);
      if (op == 1 && g_str_equal (spa, tpa))
        info (d, "ARP Announcement for %s", spa);
      else if (op == 1)
        info (d, "Who has %s? Tell %s", tpa, spa);
      else if (op == 2)
        info (d, "%s is at %s", spa, sha);
      else
        info (d, "ARP opcode %u", op);
      layer_value (d, l, "%s", op == 1 ? "request" : op == 2 ? "reply" : "other");
    }
  else
    {
      info (d, "ARP opcode %u (hardware type %u, protocol 0x%04x)", op, htype, ptype);
      data_field (d, l, "Addresses", off + 8, off + need_len);
    }
  (void) end;
}

static void
decode_ethertype (Dec   *d,
                  guint  type,
                  gsize  off,
                  gsize  end)
{
  const char *name;

  switch (type)
    {
    case 0x0800:
      decode_ipv4 (d, NULL, off, end);
      return;
    case 0x86dd:
      decode_ipv6 (d, NULL, off, end);
      return;
    case 0x0806:
      decode_arp (d, off, end);
      return;
    default:
      break;
    }
  name = ethertype_name (type);
  if (name != NULL)
    {
      begin (d, name);
      info (d, "%s (EtherType 0x%04x), %zu bytes", name, type, present (d, off));
    }
  else
    {
      char proto[16];

      g_snprintf (proto, sizeof proto, "0x%04x", type);
      begin (d, proto);
      info (d, "EtherType 0x%04x, %zu bytes", type, present (d, off));
    }
  data_field (d, NULL, "Data", off, d->caplen);
}

static void
decode_ethernet (Dec *d)
{
  SbField *l;
  char src[32], dst[32];
  guint type;
  gsize off = 14;

  begin (d, "Ethernet");
  l = layer (d, NULL, 0, 14, "Ethernet II");
  if (!need (d, l, 0, 14, "Ethernet header"))
    return;
  format_hw (d, 0, 6, dst, sizeof dst);
  format_hw (d, 6, 6, src, sizeof src);
  set_addresses (d, src, g_str_equal (dst, "ff:ff:ff:ff:ff:ff") ? "Broadcast" : dst);
  layer_value (d, l, "Src: %s, Dst: %s", src, dst);
  field (d, l, 0, 6, "Destination", "%s", dst);
  field (d, l, 6, 6, "Source", "%s", src);
  type = u16 (d, 12);

  if (type <= 1500)
    {
      field (d, l, 12, 2, "Length", "%u", type);
      begin (d, "LLC");
      info (d, "IEEE 802.3, length %u", type);
      data_field (d, NULL, "Logical-Link Control", 14, 14 + type);
      return;
    }
  field (d, l, 12, 2, "Type", "%s (0x%04x)", ethertype_name (type) ? ethertype_name (type) : "Unknown",
         type);

  /* one 802.1Q tag, or two stacked (802.1ad outer, 802.1Q inner) */
  for (guint tags = 0; (type == 0x8100 || type == 0x88a8) && tags < 2; tags++)
    {
      SbField *v;
      guint tci;

      begin (d, "802.1Q");
      v = layer (d, NULL, off, 4, "802.1Q Virtual LAN");
      if (!need (d, v, off, 4, "802.1Q tag"))
        return;
      tci = u16 (d, off);
      type = u16 (d, off + 2);
      layer_value (d, v, "PRI: %u, DEI: %u, ID: %u", tci >> 13, (tci >> 12) & 1, tci & 0x0fff);
      field (d, v, off, 2, "Priority", "%u", tci >> 13);
      field (d, v, off, 2, "DEI", "%u", (tci >> 12) & 1);
      field (d, v, off, 2, "ID", "%u", tci & 0x0fff);
      field (d, v, off + 2, 2, "Type", "%s (0x%04x)", ethertype_name (type) ? ethertype_name (type) : "Unknown",
             type);
      info (d, "VLAN %u", tci & 0x0fff);
      off += 4;
    }
  decode_ethertype (d, type, off, d->end);
}

static const char *
sll_packet_type (guint type)
{
  switch (type)
    {
    case 0: return "Unicast to us";
    case 1: return "Broadcast";
    case 2: return "Multicast";
    case 3: return "Unicast to another host";
    case 4: return "Sent by us";
    default: return "Unknown";
    }
}

/* The protocol field of SLL / SLL2 (an EtherType, or a Linux ETH_P_ value
 * below 0x0600). */
static void
decode_sll_protocol (Dec     *d,
                     SbField *l,
                     guint    hatype,
                     guint    proto,
                     gsize    off)
{
  if (hatype == 824)
    {
      begin (d, "Netlink");
      info (d, "Netlink message, %zu bytes", present (d, off));
      data_field (d, NULL, "Data", off, d->caplen);
      return;
    }
  if (proto >= 0x0600)
    {
      decode_ethertype (d, proto, off, d->end);
      return;
    }
  begin (d, proto == 0x0004 ? "LLC" : "SLL");
  info (d, "Linux protocol 0x%04x, %zu bytes", proto, present (d, off));
  data_field (d, NULL, "Data", off, d->caplen);
  (void) l;
}

static void
decode_sll (Dec *d)
{
  SbField *l;
  guint pkttype, hatype, halen, proto;
  char addr[32];

  begin (d, "SLL");
  l = layer (d, NULL, 0, 16, "Linux cooked capture v1");
  if (!need (d, l, 0, 16, "Linux cooked header"))
    return;
  pkttype = u16 (d, 0);
  hatype = u16 (d, 2);
  halen = u16 (d, 4);
  proto = u16 (d, 14);
  format_hw (d, 6, MIN (halen, 8), addr, sizeof addr);
  if (halen > 0)
    set_addresses (d, addr, "");
  layer_value (d, l, "%s, from %s", sll_packet_type (pkttype), halen > 0 ? addr : "-");
  field (d, l, 0, 2, "Packet type", "%s (%u)", sll_packet_type (pkttype), pkttype);
  field (d, l, 2, 2, "Link-layer address type", "%u", hatype);
  field (d, l, 4, 2, "Link-layer address length", "%u", halen);
  field (d, l, 6, 8, "Source", "%s", halen > 0 ? addr : "-");
  field (d, l, 14, 2, "Protocol", "0x%04x", proto);
  decode_sll_protocol (d, l, hatype, proto, 16);
}

static void
decode_sll2 (Dec *d)
{
  SbField *l;
  guint pkttype, hatype, halen, proto;
  guint32 ifindex;
  char addr[32];

  begin (d, "SLL2");
  l = layer (d, NULL, 0, 20, "Linux cooked capture v2");
  if (!need (d, l, 0, 20, "Linux cooked v2 header"))
    return;
  proto = u16 (d, 0);
  ifindex = u32 (d, 4);
  hatype = u16 (d, 8);
  pkttype = u8 (d, 10);
  halen = u8 (d, 11);
  format_hw (d, 12, MIN (halen, 8), addr, sizeof addr);
  if (halen > 0)
    set_addresses (d, addr, "");
  layer_value (d, l, "%s, interface %u, from %s", sll_packet_type (pkttype), ifindex,
               halen > 0 ? addr : "-");
  field (d, l, 0, 2, "Protocol", "0x%04x", proto);
  field (d, l, 4, 4, "Interface index", "%u", ifindex);
  field (d, l, 8, 2, "Link-layer address type", "%u", hatype);
  field (d, l, 10, 1, "Packet type", "%s (%u)", sll_packet_type (pkttype), pkttype);
  field (d, l, 11, 1, "Link-layer address length", "%u", halen);
  field (d, l, 12, 8, "Source", "%s", halen > 0 ? addr : "-");
  decode_sll_protocol (d, l, hatype, proto, 20);
}

/* Raw IP: the version nibble says which. */
static void
decode_raw (Dec     *d,
            gsize    off)
{
  if (!need (d, NULL, off, 1, "Raw IP packet"))
    {
      begin (d, "IP");
      return;
    }
  switch (u8 (d, off) >> 4)
    {
    case 4:
      decode_ipv4 (d, NULL, off, d->end);
      break;
    case 6:
      decode_ipv6 (d, NULL, off, d->end);
      break;
    default:
      begin (d, "IP");
      problem (d, NULL, off, "Malformed", "raw IP packet of version %u", u8 (d, off) >> 4);
      break;
    }
}

/* BSD loopback: a 4-byte address family, in the writer's byte order for
 * NULL and in network order for LOOP. */
static void
decode_null (Dec      *d,
             gboolean  network_order)
{
  SbField *l;
  guint32 family;

  begin (d, "Loopback");
  l = layer (d, NULL, 0, 4, "Null/Loopback");
  if (!need (d, l, 0, 4, "Loopback header"))
    return;
  family = u32 (d, 0);
  if (!network_order && family > 0xffff)
    family = GUINT32_SWAP_LE_BE (family);
  field (d, l, 0, 4, "Family", "%u", family);
  switch (family)
    {
    case 2:
      decode_ipv4 (d, NULL, 4, d->end);
      break;
    case 10: /* Linux */
    case 24: /* NetBSD, OpenBSD */
    case 28: /* FreeBSD */
    case 30: /* macOS */
      decode_ipv6 (d, NULL, 4, d->end);
      break;
    default:
      info (d, "Address family %u, %zu bytes", family, present (d, 4));
      data_field (d, NULL, "Data", 4, d->caplen);
      break;
    }
}

/* The link layer of @linktype, and everything above it. */
static void
decode_link (Dec *d,
             int  linktype)
{
  switch (linktype)
    {
    case SB_LINKTYPE_ETHERNET:
      decode_ethernet (d);
      break;
    case SB_LINKTYPE_LINUX_SLL:
      decode_sll (d);
      break;
    case SB_LINKTYPE_LINUX_SLL2:
      decode_sll2 (d);
      break;
    case SB_LINKTYPE_RAW:
    case SB_LINKTYPE_RAW_BSD:
    case SB_LINKTYPE_RAW_FILE:
      decode_raw (d, 0);
      break;
    case SB_LINKTYPE_IPV4:
      decode_ipv4 (d, NULL, 0, d->end);
      break;
    case SB_LINKTYPE_IPV6:
      decode_ipv6 (d, NULL, 0, d->end);
      break;
    case SB_LINKTYPE_NULL:
      decode_null (d, FALSE);
      break;
    case SB_LINKTYPE_LOOP:
      decode_null (d, TRUE);
      break;
    default:
      begin (d, sb_linktype_to_string (linktype));
      info (d, "%s frame (link type %d), %zu bytes", sb_linktype_to_string (linktype), linktype, d->caplen);
      data_field (d, NULL, "Data", 0, d->caplen);
      break;
    }
}

gboolean
sb_decode_tcp_segment (int           linktype,
                       const guint8 *data,
                       gsize         caplen,
                       gsize         wire_len,
                       SbTcpSegment *segment)
{
  Dec dec = { 0, };

  g_return_val_if_fail (data != NULL || caplen == 0, FALSE);
  g_return_val_if_fail (segment != NULL, FALSE);

  dec.data = data;
  dec.caplen = caplen;
  dec.end = MAX (wire_len, caplen);
  dec.probe = TRUE;
  dec.segment = segment;
  decode_link (&dec, linktype);
  return dec.found_segment;
}

void
sb_decode (int           linktype,
           const guint8 *data,
           gsize         caplen,
           gsize         wire_len,
           SbSummary    *summary,
           SbField     **fields)
{
  sb_decode_full (linktype, data, caplen, wire_len, NULL, summary, fields);
}

void
sb_decode_full (int                 linktype,
                const guint8       *data,
                gsize               caplen,
                gsize               wire_len,
                const SbTcpContext *tcp,
                SbSummary          *summary,
                SbField           **fields)
{
  Dec dec = { 0, };
  Dec *d = &dec;

  g_return_if_fail (data != NULL || caplen == 0);

  d->data = data;
  d->caplen = caplen;
  d->end = MAX (wire_len, caplen);
  d->fields = fields != NULL;
  d->tcp = tcp;
  d->info = g_string_new (NULL);
  d->problems = g_string_new (NULL);
  if (d->fields)
    {
      SbField *frame;

      d->root = sb_field_new ("Packet", NULL, 0, (guint) caplen, SB_FIELD_LAYER);
      frame = sb_field_add (d->root, sb_field_new ("Frame", NULL, 0, (guint) caplen, SB_FIELD_LAYER));
      frame->value = g_strdup_printf ("%zu bytes on wire, %zu bytes captured", wire_len, caplen);
      field (d, frame, 0, 0, "Link type", "%s (%d)", sb_linktype_to_string (linktype), linktype);
      field (d, frame, 0, 0, "Length on wire", "%zu bytes", wire_len);
      field (d, frame, 0, 0, "Captured length", "%zu bytes", caplen);
    }
  if (caplen > wire_len)
    problem (d, NULL, 0, "Malformed", "%zu bytes captured of a %zu-byte frame", caplen, wire_len);

  decode_link (d, linktype);

  /* problems go after what the top layer says, whichever came first */
  if (d->problems->len > 0 && d->info->len == 0)
    g_string_append (d->info, d->problems->str);
  else if (d->problems->len > 0)
    g_string_append_printf (d->info, " [%s]", d->problems->str);
  g_string_free (d->problems, TRUE);

  if (summary != NULL)
    {
      summary->source = g_strdup (d->src);
      summary->destination = g_strdup (d->dst);
      summary->protocol = g_strdup (d->protocol);
      summary->info = g_string_free (g_steal_pointer (&d->info), FALSE);
      summary->problem = d->problem;
    }
  if (d->info != NULL)
    g_string_free (d->info, TRUE);
  if (fields != NULL)
    *fields = d->root;
}
