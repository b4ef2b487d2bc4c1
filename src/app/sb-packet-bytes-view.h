/* sb-packet-bytes-view.h — one packet's bytes as a hex dump, a range highlighted
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sibling of SbHexView for a single captured frame: a frame is at most
 * the snap length (256 KiB), so a read-only text view of its dump is
 * enough; the selected field's bytes are highlighted in both the hex and
 * the ASCII column. Put it in a GtkScrolledWindow.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SB_TYPE_PACKET_BYTES_VIEW (sb_packet_bytes_view_get_type ())
G_DECLARE_FINAL_TYPE (SbPacketBytesView, sb_packet_bytes_view, SB, PACKET_BYTES_VIEW, GtkTextView)

GtkWidget *sb_packet_bytes_view_new           (void);
/* Show @bytes (NULL: nothing); clears the highlight. */
void       sb_packet_bytes_view_set_bytes     (SbPacketBytesView *self,
                                               GBytes            *bytes);
GBytes    *sb_packet_bytes_view_get_bytes     (SbPacketBytesView *self);
/* Highlight [@offset, @offset + @length) (clipped to the bytes) and
 * scroll it into view; @length 0 clears the highlight. */
void       sb_packet_bytes_view_set_highlight (SbPacketBytesView *self,
                                               guint              offset,
                                               guint              length);
/* The highlighted range as clipped; FALSE when nothing is highlighted. */
gboolean   sb_packet_bytes_view_get_highlight (SbPacketBytesView *self,
                                               guint             *offset,
                                               guint             *length);

G_END_DECLS
