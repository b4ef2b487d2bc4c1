/* sb-hex-view.h — the stream view: a whole conversation as text or hex dump
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Draws only the visible rows, reading bytes by 64-bit offset from an
 * SbTranscript, so 1 GB scrolls like 1 KB. Sent and received bytes are
 * drawn in different colours. It can show plain bytes instead (one
 * captured packet), in the normal colour, with a range highlighted.
 * Implements GtkScrollable: put it in a GtkScrolledWindow.
 */
#pragma once

#include <gtk/gtk.h>
#include "sb-transcript.h"

G_BEGIN_DECLS

typedef enum
{
  SB_HEX_VIEW_HEX,    /* offset | 16 hex bytes | ASCII */
  SB_HEX_VIEW_TEXT,   /* 64 bytes a row as text: printable ASCII as is, \n as '↵', others as '.' */
} SbHexViewMode;

#define SB_TYPE_HEX_VIEW_MODE (sb_hex_view_mode_get_type ())
GType sb_hex_view_mode_get_type (void);

#define SB_TYPE_HEX_VIEW (sb_hex_view_get_type ())
G_DECLARE_FINAL_TYPE (SbHexView, sb_hex_view, SB, HEX_VIEW, GtkWidget)

GtkWidget    *sb_hex_view_new            (void);
void          sb_hex_view_set_transcript (SbHexView     *self,
                                          SbTranscript  *transcript);
SbTranscript *sb_hex_view_get_transcript (SbHexView     *self);
/* Show @bytes (NULL: nothing) instead of a transcript, from the top; clears
 * the transcript and the highlight. */
void          sb_hex_view_set_bytes      (SbHexView     *self,
                                          GBytes        *bytes);
/* Highlight [@offset, @offset + @length) (clipped to the bytes shown) in
 * both columns and scroll it into view; @length 0 clears the highlight. */
void          sb_hex_view_set_highlight  (SbHexView     *self,
                                          guint64        offset,
                                          guint64        length);
/* The highlighted range as clipped; FALSE when nothing is highlighted. */
gboolean      sb_hex_view_get_highlight  (SbHexView     *self,
                                          guint64       *offset,
                                          guint64       *length);
void          sb_hex_view_set_mode       (SbHexView     *self,
                                          SbHexViewMode  mode);
SbHexViewMode sb_hex_view_get_mode       (SbHexView     *self);
/* Keep the view at the end as bytes arrive (on by default; scrolling up turns it off). */
void          sb_hex_view_set_follow     (SbHexView     *self,
                                          gboolean       follow);
/* Scroll so that byte @offset is visible. */
void          sb_hex_view_scroll_to      (SbHexView     *self,
                                          guint64        offset);
guint64       sb_hex_view_get_n_rows     (SbHexView     *self);
/* The offset of the first byte of the row at the top of the view. */
guint64       sb_hex_view_get_top_offset (SbHexView     *self);
gboolean      sb_hex_view_get_follow     (SbHexView     *self);

/* For tests: rows drawn and bytes read by the last snapshot. */
guint         sb_hex_view_get_last_drawn_rows (SbHexView *self);
gsize         sb_hex_view_get_last_read_bytes (SbHexView *self);
/* For tests: highlight rectangles drawn by the last snapshot. */
guint         sb_hex_view_get_last_highlight_rects (SbHexView *self);

G_END_DECLS
