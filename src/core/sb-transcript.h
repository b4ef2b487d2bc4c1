/* sb-transcript.h — the append-only log of one socket
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Events (time, kind, peer, byte range, message) are kept in a compact array;
 * the bytes of the conversation live in one chunked store addressed by 64-bit
 * offsets. The transcript is a GListModel of SbTranscriptEvent objects that
 * are made on demand in get_item(); items-changed is emitted in batches, at
 * most once per 16 ms, never once per append.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  SB_EVENT_SENT,      /* bytes we sent; byte range valid */
  SB_EVENT_RECEIVED,  /* bytes we received; byte range valid */
  SB_EVENT_STATE,     /* a step succeeded: bound, listening, connected, accepted… */
  SB_EVENT_NOTICE,    /* information: peer closed, partial send… */
  SB_EVENT_ERROR,     /* an operation failed */
  SB_EVENT_TIMEOUT,   /* an operation waited longer than the timeout */
} SbEventKind;

/* The compact form stored per event. */
typedef struct
{
  gint64  time_us;     /* g_get_real_time () */
  guint64 offset;      /* into the byte store; only for SENT / RECEIVED */
  guint32 length;      /* bytes */
  guint32 kind;        /* SbEventKind */
  guint32 peer;        /* index into the peer table, 0 = none */
  guint32 message;     /* index into the message table, 0 = none */
} SbTranscriptEntry;

#define SB_TYPE_TRANSCRIPT_EVENT (sb_transcript_event_get_type ())
G_DECLARE_FINAL_TYPE (SbTranscriptEvent, sb_transcript_event, SB, TRANSCRIPT_EVENT, GObject)

#define SB_TYPE_TRANSCRIPT (sb_transcript_get_type ())
G_DECLARE_FINAL_TYPE (SbTranscript, sb_transcript, SB, TRANSCRIPT, GObject)

SbTranscript *sb_transcript_new               (void);

/* Appending. @peer may be NULL. Returns the new event's index. */
guint         sb_transcript_append_data       (SbTranscript  *self,
                                               SbEventKind    kind,
                                               const char    *peer,
                                               const guint8  *data,
                                               gsize          len);
/* The same for a slice of @bytes, kept by reference (no copy) when long. */
guint         sb_transcript_append_bytes      (SbTranscript  *self,
                                               SbEventKind    kind,
                                               const char    *peer,
                                               GBytes        *bytes,
                                               gsize          offset,
                                               gsize          len);
guint         sb_transcript_append_message    (SbTranscript  *self,
                                               SbEventKind    kind,
                                               const char    *peer,
                                               const char    *message);
/* Zero-copy receive: get room for up to @max bytes at the tail of the
 * store (*out_len is between @min and @max), read into it, then commit
 * the count actually used (0 is allowed) as one event. */
guint8       *sb_transcript_reserve           (SbTranscript  *self,
                                               gsize          min,
                                               gsize          max,
                                               gsize         *out_len);
guint         sb_transcript_commit            (SbTranscript  *self,
                                               SbEventKind    kind,
                                               const char    *peer,
                                               gsize          len);

/* Emit the pending items-changed now (tests, and before a model is shown). */
void          sb_transcript_flush             (SbTranscript  *self);

/* Reading. These see every appended event, announced or not. */
/* Indices count every event ever appended; with a byte limit the oldest
 * are dropped, and get_entry() is FALSE below get_first_index(). */
guint         sb_transcript_get_n_events      (SbTranscript  *self);
guint         sb_transcript_get_first_index   (SbTranscript  *self);
gboolean      sb_transcript_get_entry         (SbTranscript  *self,
                                               guint          index,
                                               SbTranscriptEntry *out);
const char   *sb_transcript_get_peer_string   (SbTranscript  *self,
                                               guint32        peer);
const char   *sb_transcript_get_message_string(SbTranscript  *self,
                                               guint32        message);
guint64       sb_transcript_get_n_bytes       (SbTranscript  *self);
/* With a byte limit, the oldest bytes are dropped; offsets stay absolute. */
guint64       sb_transcript_get_first_offset  (SbTranscript  *self);
void          sb_transcript_set_byte_limit    (SbTranscript  *self,
                                               guint64        limit);
guint64       sb_transcript_get_byte_limit    (SbTranscript  *self);
/* Copy up to @len bytes from @offset into @buf; returns the count copied. */
gsize         sb_transcript_read              (SbTranscript  *self,
                                               guint64        offset,
                                               guint8        *buf,
                                               gsize          len);
GBytes       *sb_transcript_get_bytes         (SbTranscript  *self,
                                               guint64        offset,
                                               gsize          len);
/* The index of the data event holding byte @offset, or G_MAXUINT. */
guint         sb_transcript_find_event_at     (SbTranscript  *self,
                                               guint64        offset);
/* Bytes allocated for the store and the event array. */
gsize         sb_transcript_get_memory_size   (SbTranscript  *self);

/* Counters */
guint64       sb_transcript_get_bytes_in      (SbTranscript  *self);
guint64       sb_transcript_get_bytes_out     (SbTranscript  *self);
guint64       sb_transcript_get_messages_in   (SbTranscript  *self);
guint64       sb_transcript_get_messages_out  (SbTranscript  *self);

void          sb_transcript_clear             (SbTranscript  *self);

/* SbTranscriptEvent: a view of one entry, made in get_item(). */
SbTranscript *sb_transcript_event_get_transcript (SbTranscriptEvent *self);
guint         sb_transcript_event_get_index   (SbTranscriptEvent *self);
SbEventKind   sb_transcript_event_get_kind    (SbTranscriptEvent *self);
gint64        sb_transcript_event_get_time    (SbTranscriptEvent *self);
const char   *sb_transcript_event_get_peer    (SbTranscriptEvent *self);
const char   *sb_transcript_event_get_message (SbTranscriptEvent *self);
guint64       sb_transcript_event_get_offset  (SbTranscriptEvent *self);
gsize         sb_transcript_event_get_length  (SbTranscriptEvent *self);
GBytes       *sb_transcript_event_get_bytes   (SbTranscriptEvent *self);

const char   *sb_event_kind_to_string         (SbEventKind    kind);

G_END_DECLS
