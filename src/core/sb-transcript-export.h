/* sb-transcript-export.h — transcripts as text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sb-transcript.h"

G_BEGIN_DECLS

/* "12:00:01.123456" in local time. */
char     *sb_format_event_time        (gint64         time_us);
/* "→" sent, "←" received, "•" step or notice, "!" error, "⏱" timeout. */
const char *sb_event_kind_symbol      (SbEventKind    kind);
/* A preview of at most @max_bytes of an event's bytes, as escaped text or
 * hex, with "…" when cut; for message events, the message. */
char     *sb_transcript_dup_preview   (SbTranscript  *transcript,
                                       guint          index,
                                       gboolean       hex,
                                       gsize          max_bytes);
/* One line per event: time, symbol, peer, length, full payload (escaped
 * text or hex). Written atomically. */
gboolean  sb_transcript_save_text     (SbTranscript  *transcript,
                                       GFile         *file,
                                       gboolean       hex,
                                       GError       **error);

G_END_DECLS
