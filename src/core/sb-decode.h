/* sb-decode.h — packet decoders: a one-line summary and a field tree
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Link layers: Ethernet (with one or two 802.1Q / 802.1ad tags), Linux
 * cooked capture v1 and v2 (SLL, SLL2 — what the "any" device gives), raw
 * IP, BSD loopback (NULL / LOOP). Above them IPv4, IPv6 (common extension
 * headers skipped), ARP, ICMP, ICMPv6, TCP and UDP.
 *
 * Every read goes through a bounds-checked reader: a truncated or
 * malformed packet decodes as far as it can and gets a problem field
 * ("Truncated: IPv4 header needs 20 bytes, 12 present"); nothing is read
 * past @caplen. Every field's byte range lies within the captured bytes,
 * so a view can highlight it as it is.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Link types (pcap DLT_ values) the decoders know. */
#define SB_LINKTYPE_NULL        0
#define SB_LINKTYPE_ETHERNET    1
#define SB_LINKTYPE_RAW         12   /* DLT_RAW on Linux */
#define SB_LINKTYPE_RAW_BSD     14   /* DLT_RAW on BSD/OS, OpenBSD */
#define SB_LINKTYPE_RAW_FILE    101  /* LINKTYPE_RAW as written in files */
#define SB_LINKTYPE_LOOP        108
#define SB_LINKTYPE_LINUX_SLL   113
#define SB_LINKTYPE_IPV4        228
#define SB_LINKTYPE_IPV6        229
#define SB_LINKTYPE_LINUX_SLL2  276

typedef enum
{
  SB_FIELD_NORMAL,
  SB_FIELD_LAYER,      /* a protocol heading: "Internet Protocol Version 4" */
  SB_FIELD_PROBLEM,    /* "Truncated: …", "Malformed: …" */
} SbFieldKind;

typedef struct _SbField SbField;

/**
 * SbField:
 * @name: what the field is, "Source Port"
 * @value: its value as text, "40123"; NULL for a heading without one
 * @offset: where its bytes start in the frame
 * @length: how many bytes (0 for a note that covers none)
 * @kind: plain field, protocol layer, or a problem
 * @children: SbField*, or NULL
 */
struct _SbField
{
  char        *name;
  char        *value;
  guint        offset;
  guint        length;
  SbFieldKind  kind;
  GPtrArray   *children;
};

#define SB_TYPE_FIELD (sb_field_get_type ())
GType     sb_field_get_type   (void) G_GNUC_CONST;
SbField  *sb_field_new        (const char *name,
                               const char *value,
                               guint       offset,
                               guint       length,
                               SbFieldKind kind);
SbField  *sb_field_copy       (const SbField *field);
void      sb_field_free       (SbField    *field);
/* Appends @child (taking it) and returns it. */
SbField  *sb_field_add        (SbField    *parent,
                               SbField    *child);
guint     sb_field_get_n_children (const SbField *field);
SbField  *sb_field_get_child  (const SbField *field,
                               guint       index);
/* "Source Port: 40123", or the name alone. */
char     *sb_field_dup_text   (const SbField *field);
/* The first field named @name, depth first ("Source Port"), or NULL. */
SbField  *sb_field_find       (const SbField *field,
                               const char *name);
/* The field tree as indented text, one field per line (tests, the CLI). */
char     *sb_field_dump       (const SbField *field);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbField, sb_field_free)

/* The summary line of a packet, as a packet list shows it. */
typedef struct
{
  char     *source;        /* "127.0.0.1", "00:11:22:33:44:55" */
  char     *destination;
  char     *protocol;      /* the topmost layer decoded: "UDP", "ICMPv6" */
  char     *info;          /* "40123 → 5000 Len=5" */
  gboolean  problem;       /* truncated or malformed */
} SbSummary;

void      sb_summary_clear    (SbSummary  *summary);

/* Decode one frame of @linktype: @caplen bytes were captured of @wire_len
 * on the wire. Fills @summary (if not NULL) and returns the field tree in
 * @fields (if not NULL): a root whose children are the layers, the first
 * being "Frame". Never reads outside data[0..caplen). */
void      sb_decode           (int           linktype,
                               const guint8 *data,
                               gsize         caplen,
                               gsize         wire_len,
                               SbSummary    *summary,
                               SbField     **fields);

/**
 * SbTcpSegment:
 * @src: the source address (4 bytes for IPv4, 16 for IPv6)
 * @dst: the destination address
 * @addr_len: 4 or 16
 * @sport: the source port
 * @dport: the destination port
 * @seq: the sequence number, raw
 * @ack: the acknowledgement number, raw
 * @flags: the 9 flag bits (FIN = 0x001 … NS = 0x100)
 *
 * The TCP header of a frame, as much as following its connection needs.
 */
typedef struct
{
  guint8   src[16];
  guint8   dst[16];
  guint8   addr_len;
  guint16  sport;
  guint16  dport;
  guint32  seq;
  guint32  ack;
  guint16  flags;
} SbTcpSegment;

#define SB_TCP_FLAG_FIN 0x001
#define SB_TCP_FLAG_SYN 0x002
#define SB_TCP_FLAG_RST 0x004
#define SB_TCP_FLAG_ACK 0x010

/* Finds the TCP segment a frame carries (not one an ICMP error quotes),
 * the way sb_decode() would, without formatting anything: cheap enough
 * to run on every captured packet. FALSE if there is none, or its fixed
 * header was not captured whole. */
gboolean  sb_decode_tcp_segment (int           linktype,
                                 const guint8 *data,
                                 gsize         caplen,
                                 gsize         wire_len,
                                 SbTcpSegment *segment);

/**
 * SbTcpContext:
 * @stream: the connection's index in its capture (0, 1, …)
 * @seq_base: the initial sequence number of the sender's direction
 * @ack_base: the initial sequence number of the other direction
 * @has_seq_base: whether @seq_base is known
 * @has_ack_base: whether @ack_base is known
 *
 * What a TCP segment's connection says about it, so that its numbers can
 * be shown relative to the connection's start (SbTcpFlows makes these).
 * Relative numbers are (raw − base) modulo 2³², so a SYN shows 0.
 */
typedef struct
{
  guint32  stream;
  guint32  seq_base;
  guint32  ack_base;
  gboolean has_seq_base;
  gboolean has_ack_base;
} SbTcpContext;

/* sb_decode() with the frame's TCP connection in @tcp (NULL: none known,
 * the numbers are shown raw): the summary shows relative sequence and
 * acknowledgement numbers, the field tree both them and the raw ones. */
void      sb_decode_full      (int                 linktype,
                               const guint8       *data,
                               gsize               caplen,
                               gsize               wire_len,
                               const SbTcpContext *tcp,
                               SbSummary          *summary,
                               SbField           **fields);

/* "Ethernet", "Linux cooked v2", or pcap's own name; never NULL. */
const char *sb_linktype_to_string (int linktype);
/* Whether sb_decode knows @linktype's link layer. */
gboolean  sb_linktype_is_supported (int linktype);

G_END_DECLS
