/* sb-tcp-flows.h — the TCP connections of a capture, for relative numbers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Packet lists show TCP sequence and acknowledgement numbers relative to
 * the connection's initial sequence numbers, the way Wireshark does. The
 * decoder is stateless, so the state lives here: one record per
 * connection (both endpoints, in either order), holding the initial
 * sequence number of each direction as it is learnt:
 *
 *  - a SYN gives its direction's: the SYN shows Seq=0;
 *  - else the first segment seen in a direction gives seq − 1, as if the
 *    SYN had been captured (a capture started mid-connection): Seq=1;
 *  - the first ACK seen gives the other direction's as ack − 1, when that
 *    direction has not been seen yet.
 *
 * Once learnt, a base never changes, so a packet's relative numbers do not
 * depend on when it is decoded. A SYN whose sequence number is not its
 * direction's base starts a new connection between the same endpoints
 * (a port reused), with its own stream index.
 *
 * Packets are tracked in capture order; each gets a reference (a guint32,
 * 0 for "not TCP") that can be kept per packet and turned into an
 * SbTcpContext for sb_decode_full() at any time later.
 */
#pragma once

#include <glib.h>
#include "sb-decode.h"

G_BEGIN_DECLS

typedef struct _SbTcpFlows SbTcpFlows;

SbTcpFlows *sb_tcp_flows_new             (void);
void        sb_tcp_flows_free            (SbTcpFlows         *self);
/* Forget every connection (a capture cleared or restarted, a file opened). */
void        sb_tcp_flows_clear           (SbTcpFlows         *self);

/* Track one segment, in capture order; returns its reference. */
guint32     sb_tcp_flows_track           (SbTcpFlows         *self,
                                          const SbTcpSegment *segment);
/* Track the TCP segment in a frame, if it has one; 0 if not. */
guint32     sb_tcp_flows_track_frame     (SbTcpFlows         *self,
                                          int                 linktype,
                                          const guint8       *data,
                                          gsize               caplen,
                                          gsize               wire_len);
/* The connection of a tracked segment; FALSE for reference 0. A reference
 * from before the last clear means nothing after it. */
gboolean    sb_tcp_flows_get_context     (SbTcpFlows         *self,
                                          guint32             ref,
                                          SbTcpContext       *context);

guint       sb_tcp_flows_get_n_flows     (SbTcpFlows         *self);
gsize       sb_tcp_flows_get_memory_size (SbTcpFlows         *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbTcpFlows, sb_tcp_flows_free)

G_END_DECLS
