/* sb-transcript.c — the append-only log of one socket
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "sb-chunk-store.h"
#include "sb-list-batcher.h"
#include "sb-transcript.h"

/* Chunks start small, so that ten thousand idle connections cost little, and
 * double up to a cap, so that a flood costs one allocation per 4 MiB and the
 * slack is at most one partly filled chunk. */
#define CHUNK_MIN  (2 * 1024)
#define CHUNK_MAX  (4 * 1024 * 1024)
/* With a byte limit, one event is kept per this many bytes of it (64-byte
 * datagrams fill the limit with as many events as bytes allow), and at
 * least EVENT_CAP_MIN. */
#define EVENT_BYTES   64
#define EVENT_CAP_MIN 4096
/* Sends at least this long are kept by reference, not copied. */
#define EXTERNAL_MIN (16 * 1024)

struct _SbTranscript
{
  GObject       parent_instance;

  GArray       *entries;        /* SbTranscriptEntry; [0] is event first_index */
  guint         first_index;    /* events before it were dropped by the limit;
                                 * indices count modulo 2^32 */
  guint         event_cap;      /* with a byte limit: events kept at most */
  SbChunkStore *bytes;

  GPtrArray    *peers;          /* char*, [0] = NULL; made lazily */
  GHashTable   *peer_index;     /* char* → index */
  GPtrArray    *messages;       /* char*, [0] = NULL; made lazily */

  guint64       bytes_in;
  guint64       bytes_out;
  guint64       messages_in;
  guint64       messages_out;
  gboolean      drop_noted;     /* the "older bytes dropped" notice is in */

  SbListBatcher batcher;
};

struct _SbTranscriptEvent
{
  GObject       parent_instance;
  SbTranscript *transcript;
  guint         index;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SbTranscript, sb_transcript, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))
G_DEFINE_FINAL_TYPE (SbTranscriptEvent, sb_transcript_event, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- SbTranscriptEvent ------------------------------------------------ */

static void
sb_transcript_event_finalize (GObject *object)
{
  SbTranscriptEvent *self = SB_TRANSCRIPT_EVENT (object);

  g_clear_object (&self->transcript);
  G_OBJECT_CLASS (sb_transcript_event_parent_class)->finalize (object);
}

static void
sb_transcript_event_class_init (SbTranscriptEventClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sb_transcript_event_finalize;
}

static void
sb_transcript_event_init (SbTranscriptEvent *self)
{
}

static const SbTranscriptEntry *
event_entry (SbTranscriptEvent *self)
{
  static const SbTranscriptEntry cleared = { 0, };

  SbTranscript *t = self->transcript;

  /* an event object may outlive sb_transcript_clear() or the limit */
  /* relative, so that it holds when indices wrap past 2^32 */
  if (self->index - t->first_index >= t->entries->len)
    return &cleared;
  return &g_array_index (t->entries, SbTranscriptEntry, self->index - t->first_index);
}

SbTranscript *
sb_transcript_event_get_transcript (SbTranscriptEvent *self)
{
  g_return_val_if_fail (SB_IS_TRANSCRIPT_EVENT (self), NULL);
  return self->transcript;
}

guint
sb_transcript_event_get_index (SbTranscriptEvent *self)
{
  g_return_val_if_fail (SB_IS_TRANSCRIPT_EVENT (self), 0);
  return self->index;
}

SbEventKind
sb_transcript_event_get_kind (SbTranscriptEvent *self)
{
  g_return_val_if_fail (SB_IS_TRANSCRIPT_EVENT (self), 0);
  return event_entry (self)->kind;
}

gint64
sb_transcript_event_get_time (SbTranscriptEvent *self)
{
  g_return_val_if_fail (SB_IS_TRANSCRIPT_EVENT (self), 0);
  return event_entry (self)->time_us;
}

const char *
sb_transcript_event_get_peer (SbTranscriptEvent *self)
{
  g_return_val_if_fail (SB_IS_TRANSCRIPT_EVENT (self), NULL);
  return sb_transcript_get_peer_string (self->transcript, event_entry (self)->peer);
}

const char *
sb_transcript_event_get_message (SbTranscriptEvent *self)
{
  g_return_val_if_fail (SB_IS_TRANSCRIPT_EVENT (self), NULL);
  return sb_transcript_get_message_string (self->transcript, event_entry (self)->message);
}

guint64
sb_transcript_event_get_offset (SbTranscriptEvent *self)
{
  g_return_val_if_fail (SB_IS_TRANSCRIPT_EVENT (self), 0);
  return event_entry (self)->offset;
}

gsize
sb_transcript_event_get_length (SbTranscriptEvent *self)
{
  g_return_val_if_fail (SB_IS_TRANSCRIPT_EVENT (self), 0);
  return event_entry (self)->length;
}

GBytes *
sb_transcript_event_get_bytes (SbTranscriptEvent *self)
{
  const SbTranscriptEntry *e;

  g_return_val_if_fail (SB_IS_TRANSCRIPT_EVENT (self), NULL);
  e = event_entry (self);
  return sb_transcript_get_bytes (self->transcript, e->offset, e->length);
}

const char *
sb_event_kind_to_string (SbEventKind kind)
{
  switch (kind)
    {
    case SB_EVENT_SENT: return "sent";
    case SB_EVENT_RECEIVED: return "received";
    case SB_EVENT_STATE: return "state";
    case SB_EVENT_NOTICE: return "notice";
    case SB_EVENT_ERROR: return "error";
    case SB_EVENT_TIMEOUT: return "timeout";
    default: return "unknown";
    }
}

/* ---- GListModel -------------------------------------------------------- */

static GType
sb_transcript_get_item_type (GListModel *model)
{
  return SB_TYPE_TRANSCRIPT_EVENT;
}

static guint
sb_transcript_get_n_items (GListModel *model)
{
  return sb_list_batcher_get_n_announced (&SB_TRANSCRIPT (model)->batcher);
}

static gpointer
sb_transcript_get_item (GListModel *model,
                        guint       position)
{
  SbTranscript *self = SB_TRANSCRIPT (model);
  SbTranscriptEvent *event;

  if (position >= sb_list_batcher_get_n_announced (&self->batcher))
    return NULL;

  event = g_object_new (SB_TYPE_TRANSCRIPT_EVENT, NULL);
  event->transcript = g_object_ref (self);
  event->index = self->first_index + position;
  return event;
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = sb_transcript_get_item_type;
  iface->get_n_items = sb_transcript_get_n_items;
  iface->get_item = sb_transcript_get_item;
}

/* ---- SbTranscript ------------------------------------------------------ */

static void
sb_transcript_finalize (GObject *object)
{
  SbTranscript *self = SB_TRANSCRIPT (object);

  sb_list_batcher_cancel (&self->batcher);
  g_clear_pointer (&self->bytes, sb_chunk_store_free);
  g_clear_pointer (&self->entries, g_array_unref);
  g_clear_pointer (&self->peers, g_ptr_array_unref);
  g_clear_pointer (&self->peer_index, g_hash_table_unref);
  g_clear_pointer (&self->messages, g_ptr_array_unref);

  G_OBJECT_CLASS (sb_transcript_parent_class)->finalize (object);
}

static void
sb_transcript_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SbTranscript *self = SB_TRANSCRIPT (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, sb_list_batcher_get_n_announced (&self->batcher));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_transcript_class_init (SbTranscriptClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sb_transcript_finalize;
  object_class->get_property = sb_transcript_get_property;

  /**
   * SbTranscript:n-items:
   *
   * The number of events announced through items-changed.
   */
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static guint
count_entries (GListModel *model)
{
  return SB_TRANSCRIPT (model)->entries->len;
}

static void
sb_transcript_init (SbTranscript *self)
{
  self->entries = g_array_new (FALSE, FALSE, sizeof (SbTranscriptEntry));
  self->bytes = sb_chunk_store_new (CHUNK_MIN, CHUNK_MAX, SB_CHUNK_STORE_SEAL_TAIL);
  sb_list_batcher_init (&self->batcher, G_LIST_MODEL (self), properties[PROP_N_ITEMS],
                        count_entries, "[sockbench] transcript flush");
}

SbTranscript *
sb_transcript_new (void)
{
  return g_object_new (SB_TYPE_TRANSCRIPT, NULL);
}

void
sb_transcript_flush (SbTranscript *self)
{
  g_return_if_fail (SB_IS_TRANSCRIPT (self));
  sb_list_batcher_flush (&self->batcher);
}

static guint32
intern_peer (SbTranscript *self,
             const char   *peer)
{
  gpointer idx;

  if (peer == NULL || *peer == '\0')
    return 0;
  if (self->peers == NULL)
    {
      self->peers = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (self->peers, NULL);
      self->peer_index = g_hash_table_new (g_str_hash, g_str_equal);
    }
  if (g_hash_table_lookup_extended (self->peer_index, peer, NULL, &idx))
    return GPOINTER_TO_UINT (idx);

  g_ptr_array_add (self->peers, g_strdup (peer));
  g_hash_table_insert (self->peer_index, g_ptr_array_index (self->peers, self->peers->len - 1),
                       GUINT_TO_POINTER (self->peers->len - 1));
  return self->peers->len - 1;
}

static guint32
add_message (SbTranscript *self,
             const char   *message)
{
  if (message == NULL)
    return 0;
  if (self->messages == NULL)
    {
      self->messages = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (self->messages, NULL);
    }
  g_ptr_array_add (self->messages, g_strdup (message));
  return self->messages->len - 1;
}

static guint
add_entry (SbTranscript *self,
           SbEventKind   kind,
           const char   *peer,
           guint64       offset,
           gsize         length,
           const char   *message)
{
  SbTranscriptEntry e = {
    .time_us = g_get_real_time (),
    .offset = offset,
    .length = (guint32) MIN (length, G_MAXUINT32),
    .kind = kind,
    .peer = intern_peer (self, peer),
    .message = add_message (self, message),
  };

  if (kind == SB_EVENT_SENT)
    {
      self->bytes_out += length;
      self->messages_out++;
    }
  else if (kind == SB_EVENT_RECEIVED)
    {
      self->bytes_in += length;
      self->messages_in++;
    }

  g_array_append_val (self->entries, e);
  sb_list_batcher_schedule (&self->batcher);
  return self->first_index + self->entries->len - 1;
}

/* With a byte limit, the events are bounded too (40 bytes each: a day of
 * small reads would otherwise fill the memory the limit saves). The oldest
 * go in batches of an eighth of the cap; the model announces what was
 * pending first, then their removal from its start. */
static void
trim_events (SbTranscript *self)
{
  guint n;

  if (self->event_cap == 0 || self->entries->len <= self->event_cap + self->event_cap / 8)
    return;
  n = self->entries->len - self->event_cap;
  sb_list_batcher_flush (&self->batcher);
  g_array_remove_range (self->entries, 0, n);
  self->first_index += n;
  sb_list_batcher_removed_front (&self->batcher, n);
}

/* The oldest byte still held that a kept event describes: when many small
 * events went, bytes before the first kept event are held but nobody's. */
static guint64
first_offset (SbTranscript *self)
{
  guint64 start = sb_chunk_store_get_start (self->bytes);

  if (self->first_index == 0 || self->entries->len == 0)
    return start;
  return MAX (start, g_array_index (self->entries, SbTranscriptEntry, 0).offset);
}

/* After bytes went in: say once that the limit began dropping old ones. */
static void
note_drop (SbTranscript *self)
{
  g_autofree char *size = NULL;
  g_autofree char *message = NULL;

  if (self->drop_noted || sb_chunk_store_get_start (self->bytes) == 0)
    return;
  self->drop_noted = TRUE;
  size = g_format_size_full (sb_chunk_store_get_limit (self->bytes), G_FORMAT_SIZE_IEC_UNITS);
  message = g_strdup_printf (_("Keeping the last %s of this conversation: older bytes are "
                               "dropped from now on"), size);
  add_entry (self, SB_EVENT_NOTICE, NULL, sb_chunk_store_get_size (self->bytes), 0, message);
}

guint
sb_transcript_append_data (SbTranscript *self,
                           SbEventKind   kind,
                           const char   *peer,
                           const guint8 *data,
                           gsize         len)
{
  guint64 offset;
  guint index;

  g_return_val_if_fail (SB_IS_TRANSCRIPT (self), 0);
  g_return_val_if_fail (data != NULL || len == 0, 0);

  offset = sb_chunk_store_get_size (self->bytes);
  /* One event holds at most 4 GiB; longer sends are split into several. */
  while (len > G_MAXUINT32)
    {
      sb_chunk_store_append (self->bytes, data, G_MAXUINT32);
      add_entry (self, kind, peer, offset, G_MAXUINT32, NULL);
      data += G_MAXUINT32;
      len -= G_MAXUINT32;
      offset += G_MAXUINT32;
    }
  sb_chunk_store_append (self->bytes, data, len);
  index = add_entry (self, kind, peer, offset, len, NULL);
  note_drop (self);
  trim_events (self);
  return index;
}

guint
sb_transcript_append_bytes (SbTranscript *self,
                            SbEventKind   kind,
                            const char   *peer,
                            GBytes       *bytes,
                            gsize         offset,
                            gsize         len)
{
  gsize size;
  const guint8 *data;
  guint64 start;
  guint index;

  g_return_val_if_fail (SB_IS_TRANSCRIPT (self), 0);
  g_return_val_if_fail (bytes != NULL, 0);

  data = g_bytes_get_data (bytes, &size);
  g_return_val_if_fail (offset <= size && len <= size - offset, 0);

  if (len < EXTERNAL_MIN || len > G_MAXUINT32)
    return sb_transcript_append_data (self, kind, peer, data + offset, len);

  start = sb_chunk_store_get_size (self->bytes);
  sb_chunk_store_append_bytes (self->bytes, bytes, offset, len);
  index = add_entry (self, kind, peer, start, len, NULL);
  note_drop (self);
  trim_events (self);
  return index;
}

guint
sb_transcript_append_message (SbTranscript *self,
                              SbEventKind   kind,
                              const char   *peer,
                              const char   *message)
{
  guint index;

  g_return_val_if_fail (SB_IS_TRANSCRIPT (self), 0);
  index = add_entry (self, kind, peer, sb_chunk_store_get_size (self->bytes), 0, message);
  trim_events (self);
  return index;
}

guint8 *
sb_transcript_reserve (SbTranscript *self,
                       gsize         min,
                       gsize         max,
                       gsize        *out_len)
{
  g_return_val_if_fail (SB_IS_TRANSCRIPT (self), NULL);
  return sb_chunk_store_reserve (self->bytes, min, max, out_len);
}

guint
sb_transcript_commit (SbTranscript *self,
                      SbEventKind   kind,
                      const char   *peer,
                      gsize         len)
{
  guint64 offset;
  guint index;

  g_return_val_if_fail (SB_IS_TRANSCRIPT (self), 0);

  offset = sb_chunk_store_get_size (self->bytes);
  if (!sb_chunk_store_commit (self->bytes, len))
    return 0;
  index = add_entry (self, kind, peer, offset, len, NULL);
  /* the notice follows the event, so that index stays the data's */
  note_drop (self);
  trim_events (self);
  return index;
}

guint
sb_transcript_get_n_events (SbTranscript *self)
{
  g_return_val_if_fail (SB_IS_TRANSCRIPT (self), 0);
  return self->first_index + self->entries->len;
}

/**
 * sb_transcript_get_first_index:
 *
 * Returns: the index of the oldest event kept: 0, unless a byte limit made
 *   the transcript drop old events (indices stay those given at append)
 */
guint
sb_transcript_get_first_index (SbTranscript *self)
{
  g_return_val_if_fail (SB_IS_TRANSCRIPT (self), 0);
  return self->first_index;
}

gboolean
sb_transcript_get_entry (SbTranscript      *self,
                         guint              index,
                         SbTranscriptEntry *out)
{
  g_return_val_if_fail (SB_IS_TRANSCRIPT (self), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  /* relative, so that it holds when indices wrap past 2^32 (a day of
   * small datagrams under a limit) */
  if (index - self->first_index >= self->entries->len)
    return FALSE;
  *out = g_array_index (self->entries, SbTranscriptEntry, index - self->first_index);
  return TRUE;
}

const char *
sb_transcript_get_peer_string (SbTranscript *self,
                               guint32       peer)
{
  g_return_val_if_fail (SB_IS_TRANSCRIPT (self), NULL);
  if (peer == 0 || self->peers == NULL || peer >= self->peers->len)
    return NULL;
  return g_ptr_array_index (self->peers, peer);
}

const char *
sb_transcript_get_message_string (SbTranscript *self,
                                  guint32       message)
{
  g_return_val_if_fail (SB_IS_TRANSCRIPT (self), NULL);
  if (message == 0 || self->messages == NULL || message >= self->messages->len)
    return NULL;
  return g_ptr_array_index (self->messages, message);
}

guint64
sb_transcript_get_n_bytes (SbTranscript *self)
{
  g_return_val_if_fail (SB_IS_TRANSCRIPT (self), 0);
  return sb_chunk_store_get_size (self->bytes);
}

/**
 * sb_transcript_get_first_offset:
 *
 * Returns: the offset of the oldest byte still held: 0, unless a byte
 *   limit dropped older bytes
 */
guint64
sb_transcript_get_first_offset (SbTranscript *self)
{
  g_return_val_if_fail (SB_IS_TRANSCRIPT (self), 0);
  return first_offset (self);
}

/**
 * sb_transcript_set_byte_limit:
 * @limit: bytes of conversation to keep at least, or 0 for all of them
 *
 * Bounds the memory a long conversation takes. Once more than @limit bytes
 * are held, the oldest are dropped in whole chunks of up to 4 MiB (at
 * least @limit bytes stay), and their memory is reused for new bytes.
 * Counters and offsets are kept; the bytes of an older event read as gone
 * (sb_transcript_read() returns 0). Events are bounded too, to one per 64
 * bytes of the limit (at least 4096): the oldest leave the model from its
 * start, while indices keep counting (sb_transcript_get_first_index()).
 * One notice event says when dropping bytes begins.
 */
void
sb_transcript_set_byte_limit (SbTranscript *self,
                              guint64       limit)
{
  g_return_if_fail (SB_IS_TRANSCRIPT (self));
  sb_chunk_store_set_limit (self->bytes, limit);
  self->event_cap = limit == 0 ? 0 : (guint) CLAMP (limit / EVENT_BYTES, EVENT_CAP_MIN, G_MAXUINT / 2);
  note_drop (self);
  trim_events (self);
}

guint64
sb_transcript_get_byte_limit (SbTranscript *self)
{
  g_return_val_if_fail (SB_IS_TRANSCRIPT (self), 0);
  return sb_chunk_store_get_limit (self->bytes);
}

gsize
sb_transcript_read (SbTranscript *self,
                    guint64       offset,
                    guint8       *buf,
                    gsize         len)
{
  g_return_val_if_fail (SB_IS_TRANSCRIPT (self), 0);
  if (offset < first_offset (self))
    return 0;   /* dropped, or held for no kept event */
  return sb_chunk_store_read (self->bytes, offset, buf, len);
}

GBytes *
sb_transcript_get_bytes (SbTranscript *self,
                         guint64       offset,
                         gsize         len)
{
  guint64 n_bytes;
  guint8 *buf;
  gsize n;

  g_return_val_if_fail (SB_IS_TRANSCRIPT (self), NULL);

  n_bytes = sb_chunk_store_get_size (self->bytes);
  if (offset >= n_bytes || offset < first_offset (self))
    return g_bytes_new (NULL, 0);
  len = MIN (len, n_bytes - offset);
  buf = g_malloc (len);
  n = sb_transcript_read (self, offset, buf, len);
  return g_bytes_new_take (buf, n);
}

guint
sb_transcript_find_event_at (SbTranscript *self,
                             guint64       offset)
{
  guint lo = 0, hi;

  g_return_val_if_fail (SB_IS_TRANSCRIPT (self), G_MAXUINT);

  if (offset >= sb_chunk_store_get_size (self->bytes)
      || offset < first_offset (self))
    return G_MAXUINT;

  /* Entries are in offset order; find the last one starting at or before
   * @offset, then step back over empty (message) entries. */
  hi = self->entries->len;
  if (hi == 0)
    return G_MAXUINT;
  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (self->entries, SbTranscriptEntry, mid).offset <= offset)
        lo = mid;
      else
        hi = mid;
    }
  for (guint i = lo + 1; i-- > 0;)
    {
      const SbTranscriptEntry *e = &g_array_index (self->entries, SbTranscriptEntry, i);

      if (e->length > 0 && e->offset <= offset && offset < e->offset + e->length)
        return self->first_index + i;
      if (e->length > 0 && e->offset + e->length <= offset)
        break;
    }
  return G_MAXUINT;
}

gsize
sb_transcript_get_memory_size (SbTranscript *self)
{
  gsize total;

  g_return_val_if_fail (SB_IS_TRANSCRIPT (self), 0);

  total = sizeof *self;
  total += sb_chunk_store_get_memory_size (self->bytes);
  total += g_array_get_element_size (self->entries) * self->entries->len;
  return total;
}

guint64
sb_transcript_get_bytes_in (SbTranscript *self)
{
  g_return_val_if_fail (SB_IS_TRANSCRIPT (self), 0);
  return self->bytes_in;
}

guint64
sb_transcript_get_bytes_out (SbTranscript *self)
{
  g_return_val_if_fail (SB_IS_TRANSCRIPT (self), 0);
  return self->bytes_out;
}

guint64
sb_transcript_get_messages_in (SbTranscript *self)
{
  g_return_val_if_fail (SB_IS_TRANSCRIPT (self), 0);
  return self->messages_in;
}

guint64
sb_transcript_get_messages_out (SbTranscript *self)
{
  g_return_val_if_fail (SB_IS_TRANSCRIPT (self), 0);
  return self->messages_out;
}

void
sb_transcript_clear (SbTranscript *self)
{
  g_return_if_fail (SB_IS_TRANSCRIPT (self));

  sb_list_batcher_cancel (&self->batcher);
  sb_chunk_store_clear (self->bytes);
  g_array_set_size (self->entries, 0);
  self->first_index = 0;
  g_clear_pointer (&self->peers, g_ptr_array_unref);
  g_clear_pointer (&self->peer_index, g_hash_table_unref);
  g_clear_pointer (&self->messages, g_ptr_array_unref);
  self->bytes_in = self->bytes_out = 0;
  self->messages_in = self->messages_out = 0;
  self->drop_noted = FALSE;
  sb_list_batcher_reset (&self->batcher);
}
