/* sb-transcript-export.c — transcripts as text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-payload.h"
#include "sb-transcript-export.h"

char *
sb_format_event_time (gint64 time_us)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (time_us / G_USEC_PER_SEC);
  g_autofree char *hms = NULL;

  if (dt == NULL)
    return g_strdup ("?");
  hms = g_date_time_format (dt, "%H:%M:%S");
  return g_strdup_printf ("%s.%06d", hms, (int) (time_us % G_USEC_PER_SEC));
}

const char *
sb_event_kind_symbol (SbEventKind kind)
{
  switch (kind)
    {
    case SB_EVENT_SENT: return "→";
    case SB_EVENT_RECEIVED: return "←";
    case SB_EVENT_ERROR: return "!";
    case SB_EVENT_TIMEOUT: return "⏱";
    default: return "•";
    }
}

char *
sb_transcript_dup_preview (SbTranscript *transcript,
                           guint         index,
                           gboolean      hex,
                           gsize         max_bytes)
{
  SbTranscriptEntry e;
  g_autofree guint8 *buf = NULL;
  gsize n;
  char *text;

  g_return_val_if_fail (SB_IS_TRANSCRIPT (transcript), NULL);

  if (!sb_transcript_get_entry (transcript, index, &e))
    return g_strdup ("");
  if (e.kind != SB_EVENT_SENT && e.kind != SB_EVENT_RECEIVED)
    return g_strdup (sb_transcript_get_message_string (transcript, e.message) ?: "");
  if (e.length > 0 && e.offset < sb_transcript_get_first_offset (transcript))
    return g_strdup (_("(dropped: older than the bytes kept)"));

  n = MIN ((gsize) e.length, max_bytes);
  buf = g_malloc (MAX (n, 1));
  n = sb_transcript_read (transcript, e.offset, buf, n);
  text = hex ? sb_payload_format_hex (buf, n, " ") : sb_payload_format_text (buf, n);
  if (n < e.length)
    {
      char *cut = g_strconcat (text, " …", NULL);
      g_free (text);
      text = cut;
    }
  return text;
}

gboolean
sb_transcript_save_text (SbTranscript *transcript,
                         GFile        *file,
                         gboolean      hex,
                         GError      **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  guint n;

  g_return_val_if_fail (SB_IS_TRANSCRIPT (transcript), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  /* relative to the first kept event: indices may have wrapped past 2^32 */
  n = sb_transcript_get_n_events (transcript) - sb_transcript_get_first_index (transcript);
  for (guint k = 0; k < n; k++)
    {
      guint i = sb_transcript_get_first_index (transcript) + k;
      SbTranscriptEntry e;
      g_autofree char *time = NULL;
      g_autofree char *preview = NULL;
      const char *peer;

      sb_transcript_get_entry (transcript, i, &e);
      time = sb_format_event_time (e.time_us);
      peer = sb_transcript_get_peer_string (transcript, e.peer);
      preview = sb_transcript_dup_preview (transcript, i, hex, G_MAXSIZE);
      g_string_append_printf (out, "%s %s %s %u %s\n", time, sb_event_kind_symbol (e.kind),
                              peer != NULL ? peer : "-", e.length, preview);
    }
  return g_file_replace_contents (file, out->str, out->len, NULL, FALSE,
                                  G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error);
}
