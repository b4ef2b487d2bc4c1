/* sb-packet-store.h — captured packets as a list model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The bytes of the packets live in a chunked store (no allocation per
 * packet; a packet never spans two chunks, so reading one is a pointer);
 * each packet's offset, lengths, time and link type are one record in a
 * compact array. The store is a GListModel of SbPacket rows that are made
 * on demand in get_item(), where their summary is decoded. items-changed
 * is emitted in batches, at most once per 16 ms, never once per packet.
 */
#pragma once

#include <gio/gio.h>
#include "sb-decode.h"

G_BEGIN_DECLS

#define SB_PACKET_STORE_ERROR (sb_packet_store_error_quark ())
GQuark sb_packet_store_error_quark (void);

typedef enum
{
  SB_PACKET_STORE_ERROR_FAILED,      /* writing the file failed */
  SB_PACKET_STORE_ERROR_EMPTY,       /* nothing to save */
  SB_PACKET_STORE_ERROR_LINKTYPES,   /* packets of several link types */
} SbPacketStoreError;

/* The compact form stored per packet. */
typedef struct
{
  gint64  time_ns;    /* since the epoch */
  guint64 offset;     /* into the byte store */
  guint32 caplen;     /* bytes captured (and stored) */
  guint32 len;        /* bytes on the wire */
  gint32  linktype;   /* pcap DLT_ */
  guint32 tcp_ref;    /* its TCP connection (an SbTcpFlows reference), 0 if none */
} SbPacketRecord;

#define SB_TYPE_PACKET (sb_packet_get_type ())
G_DECLARE_FINAL_TYPE (SbPacket, sb_packet, SB, PACKET, GObject)

#define SB_TYPE_PACKET_STORE (sb_packet_store_get_type ())
G_DECLARE_FINAL_TYPE (SbPacketStore, sb_packet_store, SB, PACKET_STORE, GObject)

SbPacketStore *sb_packet_store_new          (void);

/* Copies @caplen bytes of @data; returns the new packet's index. */
guint          sb_packet_store_append       (SbPacketStore *self,
                                             int            linktype,
                                             gint64         time_ns,
                                             const guint8  *data,
                                             guint32        caplen,
                                             guint32        len);
/* Emit the pending items-changed now (tests, the CLI, before showing). */
void           sb_packet_store_flush        (SbPacketStore *self);

/* Reading. These see every appended packet, announced or not. */
guint          sb_packet_store_get_n_packets (SbPacketStore *self);
gboolean       sb_packet_store_get_record   (SbPacketStore *self,
                                             guint          index,
                                             SbPacketRecord *out);
/* The captured bytes of packet @index (NULL if there is none); valid
 * until the store is cleared or finalized. */
const guint8  *sb_packet_store_peek_data    (SbPacketStore *self,
                                             guint          index,
                                             gsize         *caplen);
GBytes        *sb_packet_store_dup_bytes    (SbPacketStore *self,
                                             guint          index);
/* The time of the first packet; the rows' times are relative to it. */
gint64         sb_packet_store_get_start_time (SbPacketStore *self);
/* Decode packet @index: its summary and/or its field tree, the "Frame"
 * layer carrying its number and time. TCP sequence and acknowledgement
 * numbers are relative to their connection's start (see sb-tcp-flows.h):
 * the store follows connections as packets are appended, and forgets
 * them when it is cleared. */
gboolean       sb_packet_store_decode       (SbPacketStore *self,
                                             guint          index,
                                             SbSummary     *summary,
                                             SbField      **fields);
/* Bytes captured in all, and allocated for the chunks and records. */
guint64        sb_packet_store_get_n_bytes  (SbPacketStore *self);
gsize          sb_packet_store_get_memory_size (SbPacketStore *self);

/* Save packets [@first, @first + @n) (n = G_MAXUINT: to the end) as a
 * pcap file that tcpdump, tshark and Wireshark read: microsecond
 * timestamps, one link type (else SB_PACKET_STORE_ERROR_LINKTYPES). The
 * file is written beside @path and renamed over it when complete. */
gboolean       sb_packet_store_save         (SbPacketStore *self,
                                             const char    *path,
                                             guint          first,
                                             guint          n,
                                             GError       **error);

void           sb_packet_store_clear        (SbPacketStore *self);

/* SbPacket: one row, made in get_item(). Its summary is decoded when it is
 * made; the field tree on request. */
SbPacketStore *sb_packet_get_store          (SbPacket      *self);
guint          sb_packet_get_index          (SbPacket      *self);
/* 1-based, as packet lists number them. */
guint          sb_packet_get_number         (SbPacket      *self);
/* Seconds since the first packet. */
double         sb_packet_get_time           (SbPacket      *self);
gint64         sb_packet_get_time_ns        (SbPacket      *self);
const char    *sb_packet_get_source         (SbPacket      *self);
const char    *sb_packet_get_destination    (SbPacket      *self);
const char    *sb_packet_get_protocol       (SbPacket      *self);
/* Bytes on the wire. */
guint          sb_packet_get_length         (SbPacket      *self);
guint          sb_packet_get_captured_length (SbPacket     *self);
const char    *sb_packet_get_info           (SbPacket      *self);
gboolean       sb_packet_get_problem        (SbPacket      *self);
int            sb_packet_get_linktype       (SbPacket      *self);
GBytes        *sb_packet_get_bytes          (SbPacket      *self);
SbField       *sb_packet_decode_fields      (SbPacket      *self);

G_END_DECLS
