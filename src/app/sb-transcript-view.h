/* sb-transcript-view.h — a socket's transcript as a table
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "sb-transcript.h"

G_BEGIN_DECLS

typedef enum
{
  SB_DIRECTION_FILTER_ALL,
  SB_DIRECTION_FILTER_SENT,
  SB_DIRECTION_FILTER_RECEIVED,
  SB_DIRECTION_FILTER_EVENTS,
} SbDirectionFilter;

#define SB_TYPE_TRANSCRIPT_VIEW (sb_transcript_view_get_type ())
G_DECLARE_FINAL_TYPE (SbTranscriptView, sb_transcript_view, SB, TRANSCRIPT_VIEW, GtkWidget)

GtkWidget  *sb_transcript_view_new            (void);
void        sb_transcript_view_set_transcript (SbTranscriptView *self,
                                               SbTranscript     *transcript);
void        sb_transcript_view_set_hex        (SbTranscriptView *self,
                                               gboolean          hex);
/* Show sent and received data as decoded frames of pcap link type
 * @linktype (a packet socket's: Ethernet for SOCK_RAW, raw IP for
 * SOCK_DGRAM) instead of bytes; -1 shows bytes again. */
void        sb_transcript_view_set_decode     (SbTranscriptView *self,
                                               int               linktype);
int         sb_transcript_view_get_decode     (SbTranscriptView *self);
/* The rows shown (after filtering). */
GListModel *sb_transcript_view_get_model      (SbTranscriptView *self);
/* Whether the table keeps its last row in view (the user is at the end). */
gboolean    sb_transcript_view_get_follow     (SbTranscriptView *self);
/* Whether the last row is fully in view now. */
gboolean    sb_transcript_view_shows_end      (SbTranscriptView *self);
/* The preview text of an event as the view shows it. */
char       *sb_transcript_view_dup_preview    (SbTranscriptView *self,
                                               SbTranscriptEvent *event);

G_END_DECLS
