/* sb-transcript.c — the append-only log of one socket
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "sb-transcript.h"

/* Chunks start small, so that ten thousand idle connections cost little, and
 * double up to a cap, so that a flood costs one allocation per 4 MiB and the
 * slack is at most one partly filled chunk. */
#define CHUNK_MIN  (2 * 1024)
#define CHUNK_MAX  (4 * 1024 * 1024)
/* items-changed is batched: at most once per frame-sized interval. */
#define FLUSH_INTERVAL_MS 16
/* Sends at least this long are kept by reference, not copied. */
#define EXTERNAL_MIN (16 * 1024)
/* Chunks this big are prefaulted when made (see chunk_prefault). */
#define PREFAULT_MIN CHUNK_MAX

typedef struct
{
  guint64       start;   /* offset of the first byte in the whole store */
  gsize         size;
  gsize         used;
  GBytes       *ext;     /* an external slice (zero-copy sends), or NULL */
  const guint8 *ext_data;
  guint8        data[];
} Chunk;

static inline const guint8 *
chunk_data (const Chunk *c)
{
  return c->ext != NULL ? c->ext_data : c->data;
}

static void
chunk_free (Chunk *c)
{
  if (c->ext != NULL)
    g_bytes_unref (c->ext);
  g_free (c);
}

struct _SbTranscript
{
  GObject       parent_instance;

  GArray       *entries;        /* SbTranscriptEntry */
  GPtrArray    *chunks;         /* Chunk*, in offset order */
  guint64       n_bytes;
  gsize         next_chunk_size;

  GPtrArray    *peers;          /* char*, [0] = NULL; made lazily */
  GHashTable   *peer_index;     /* char* → index */
  GPtrArray    *messages;       /* char*, [0] = NULL; made lazily */

  guint64       bytes_in;
  guint64       bytes_out;
  guint64       messages_in;
  guint64       messages_out;

  guint         n_announced;
  /* on the thread-default context of the append that scheduled it, like the
   * socket sources; a GSource, since g_source_remove() only knows the
   * global default context */
  GSource      *flush_source;
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

  /* an event object may outlive sb_transcript_clear() */
  if (self->index >= self->transcript->entries->len)
    return &cleared;
  return &g_array_index (self->transcript->entries, SbTranscriptEntry, self->index);
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
  return SB_TRANSCRIPT (model)->n_announced;
}

static gpointer
sb_transcript_get_item (GListModel *model,
                        guint       position)
{
  SbTranscript *self = SB_TRANSCRIPT (model);
  SbTranscriptEvent *event;

  if (position >= self->n_announced)
    return NULL;

  event = g_object_new (SB_TYPE_TRANSCRIPT_EVENT, NULL);
  event->transcript = g_object_ref (self);
  event->index = position;
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
free_chunks (SbTranscript *self)
{
  for (guint i = 0; i < self->chunks->len; i++)
    chunk_free (g_ptr_array_index (self->chunks, i));
  g_ptr_array_set_size (self->chunks, 0);
  self->next_chunk_size = CHUNK_MIN;
}

static void
cancel_flush (SbTranscript *self)
{
  if (self->flush_source != NULL)
    {
      g_source_destroy (self->flush_source);
      g_clear_pointer (&self->flush_source, g_source_unref);
    }
}

static void
sb_transcript_finalize (GObject *object)
{
  SbTranscript *self = SB_TRANSCRIPT (object);

  cancel_flush (self);
  free_chunks (self);
  g_clear_pointer (&self->chunks, g_ptr_array_unref);
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
      g_value_set_uint (value, self->n_announced);
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

static void
sb_transcript_init (SbTranscript *self)
{
  self->entries = g_array_new (FALSE, FALSE, sizeof (SbTranscriptEntry));
  self->chunks = g_ptr_array_new ();
  self->next_chunk_size = CHUNK_MIN;
}

SbTranscript *
sb_transcript_new (void)
{
  return g_object_new (SB_TYPE_TRANSCRIPT, NULL);
}

void
sb_transcript_flush (SbTranscript *self)
{
  guint old, added;

  g_return_if_fail (SB_IS_TRANSCRIPT (self));

  cancel_flush (self);
  old = self->n_announced;
  added = self->entries->len - old;
  if (added == 0)
    return;
  self->n_announced = self->entries->len;
  g_list_model_items_changed (G_LIST_MODEL (self), old, 0, added);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static gboolean
flush_cb (gpointer data)
{
  SbTranscript *self = data;

  sb_transcript_flush (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_flush (SbTranscript *self)
{
  if (self->flush_source == NULL)
    {
      self->flush_source = g_timeout_source_new (FLUSH_INTERVAL_MS);
      g_source_set_callback (self->flush_source, flush_cb, self, NULL);
      g_source_set_name (self->flush_source, "[sockbench] transcript flush");
      g_source_attach (self->flush_source, g_main_context_get_thread_default ());
    }
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
  schedule_flush (self);
  return self->entries->len - 1;
}

/* Give back the unused end of the tail chunk before another one follows. */
static void
seal_tail (SbTranscript *self)
{
  Chunk *tail;

  if (self->chunks->len == 0)
    return;
  tail = g_ptr_array_index (self->chunks, self->chunks->len - 1);
  if (tail->ext != NULL || tail->used == tail->size)
    return;
  if (tail->used == 0)
    {
      g_ptr_array_remove_index (self->chunks, self->chunks->len - 1);
      g_free (tail);
      return;
    }
  tail = g_realloc (tail, sizeof (Chunk) + tail->used);
  tail->size = tail->used;
  self->chunks->pdata[self->chunks->len - 1] = tail;
}

/* A full-size chunk is only made once a transcript holds ~4 MiB, i.e. when a
 * flood is arriving that will likely fill it: fault its pages in with one
 * madvise() instead of one page fault per 4 KiB as recv() writes into it.
 * Receiving 1 GiB into a transcript got 10-50 % faster on loopback
 * (docs/benchmarks.md). The cost: a tail chunk the flood does not fill is
 * resident all the same (at most 4 MiB, on a transcript holding >= 4 MiB).
 * Smaller chunks (idle connections) stay lazy; kernels before 5.14 refuse
 * MADV_POPULATE_WRITE, which is harmless. */
static void
chunk_prefault (Chunk *chunk,
                gsize  bytes)
{
#ifdef MADV_POPULATE_WRITE
  static gsize page;
  guintptr start, end;

  if (page == 0)
    page = sysconf (_SC_PAGESIZE);
  start = ((guintptr) chunk + page - 1) & ~(guintptr) (page - 1);
  end = ((guintptr) chunk + bytes) & ~(guintptr) (page - 1);
  if (end > start)
    madvise ((void *) start, end - start, MADV_POPULATE_WRITE);
#endif
}

/* The tail chunk, if it has at least @min bytes free, else a new one. */
static Chunk *
tail_chunk_with_room (SbTranscript *self,
                      gsize         min)
{
  Chunk *chunk = NULL;

  if (self->chunks->len > 0)
    chunk = g_ptr_array_index (self->chunks, self->chunks->len - 1);
  if (chunk == NULL || chunk->ext != NULL || chunk->size - chunk->used < MAX (min, 1))
    {
      gsize size = MAX (self->next_chunk_size, min);

      seal_tail (self);
      chunk = g_malloc (sizeof (Chunk) + size);
      if (size >= PREFAULT_MIN)
        chunk_prefault (chunk, sizeof (Chunk) + size);
      chunk->start = self->n_bytes;
      chunk->size = size;
      chunk->used = 0;
      chunk->ext = NULL;
      chunk->ext_data = NULL;
      g_ptr_array_add (self->chunks, chunk);
      self->next_chunk_size = MIN (self->next_chunk_size * 2, CHUNK_MAX);
    }
  return chunk;
}

static void
store_bytes (SbTranscript *self,
             const guint8 *data,
             gsize         len)
{
  while (len > 0)
    {
      Chunk *chunk = tail_chunk_with_room (self, 1);
      gsize n = MIN (len, chunk->size - chunk->used);

      memcpy (chunk->data + chunk->used, data, n);
      chunk->used += n;
      self->n_bytes += n;
      data += n;
      len -= n;
    }
}

guint
sb_transcript_append_data (SbTranscript *self,
                           SbEventKind   kind,
                           const char   *peer,
                           const guint8 *data,
                           gsize         len)
{
  guint64 offset;

  g_return_val_if_fail (SB_IS_TRANSCRIPT (self), 0);
  g_return_val_if_fail (data != NULL || len == 0, 0);

  offset = self->n_bytes;
  /* One event holds at most 4 GiB; longer sends are split into several. */
  while (len > G_MAXUINT32)
    {
      store_bytes (self, data, G_MAXUINT32);
      add_entry (self, kind, peer, offset, G_MAXUINT32, NULL);
      data += G_MAXUINT32;
      len -= G_MAXUINT32;
      offset += G_MAXUINT32;
    }
  store_bytes (self, data, len);
  return add_entry (self, kind, peer, offset, len, NULL);
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
  Chunk *tail = NULL;

  g_return_val_if_fail (SB_IS_TRANSCRIPT (self), 0);
  g_return_val_if_fail (bytes != NULL, 0);

  data = g_bytes_get_data (bytes, &size);
  g_return_val_if_fail (offset <= size && len <= size - offset, 0);

  if (len < EXTERNAL_MIN || len > G_MAXUINT32)
    return sb_transcript_append_data (self, kind, peer, data + offset, len);

  start = self->n_bytes;
  if (self->chunks->len > 0)
    tail = g_ptr_array_index (self->chunks, self->chunks->len - 1);

  if (tail != NULL && tail->ext == bytes && tail->ext_data + tail->used == data + offset)
    {
      /* the next slice of the same buffer: extend the chunk */
      tail->used += len;
      tail->size += len;
    }
  else
    {
      Chunk *chunk;

      seal_tail (self);
      chunk = g_malloc (sizeof (Chunk));
      chunk->start = start;
      chunk->size = len;
      chunk->used = len;
      chunk->ext = g_bytes_ref (bytes);
      chunk->ext_data = data + offset;
      g_ptr_array_add (self->chunks, chunk);
    }
  self->n_bytes += len;
  return add_entry (self, kind, peer, start, len, NULL);
}

guint
sb_transcript_append_message (SbTranscript *self,
                              SbEventKind   kind,
                              const char   *peer,
                              const char   *message)
{
  g_return_val_if_fail (SB_IS_TRANSCRIPT (self), 0);
  return add_entry (self, kind, peer, self->n_bytes, 0, message);
}

guint8 *
sb_transcript_reserve (SbTranscript *self,
                       gsize         min,
                       gsize         max,
                       gsize        *out_len)
{
  Chunk *chunk;

  g_return_val_if_fail (SB_IS_TRANSCRIPT (self), NULL);
  g_return_val_if_fail (max > 0 && min <= max, NULL);
  g_return_val_if_fail (out_len != NULL, NULL);

  chunk = tail_chunk_with_room (self, min);
  *out_len = MIN (max, chunk->size - chunk->used);
  return chunk->data + chunk->used;
}

guint
sb_transcript_commit (SbTranscript *self,
                      SbEventKind   kind,
                      const char   *peer,
                      gsize         len)
{
  Chunk *chunk;
  guint64 offset;

  g_return_val_if_fail (SB_IS_TRANSCRIPT (self), 0);
  g_return_val_if_fail (self->chunks->len > 0 || len == 0, 0);

  offset = self->n_bytes;
  if (len > 0)
    {
      chunk = g_ptr_array_index (self->chunks, self->chunks->len - 1);
      g_return_val_if_fail (len <= chunk->size - chunk->used, 0);
      chunk->used += len;
      self->n_bytes += len;
    }
  return add_entry (self, kind, peer, offset, len, NULL);
}

guint
sb_transcript_get_n_events (SbTranscript *self)
{
  g_return_val_if_fail (SB_IS_TRANSCRIPT (self), 0);
  return self->entries->len;
}

gboolean
sb_transcript_get_entry (SbTranscript      *self,
                         guint              index,
                         SbTranscriptEntry *out)
{
  g_return_val_if_fail (SB_IS_TRANSCRIPT (self), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (index >= self->entries->len)
    return FALSE;
  *out = g_array_index (self->entries, SbTranscriptEntry, index);
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
  return self->n_bytes;
}

static guint
find_chunk (SbTranscript *self,
            guint64       offset)
{
  guint lo = 0, hi = self->chunks->len;

  /* the last chunk whose start <= offset */
  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;
      Chunk *c = g_ptr_array_index (self->chunks, mid);

      if (c->start <= offset)
        lo = mid;
      else
        hi = mid;
    }
  return lo;
}

gsize
sb_transcript_read (SbTranscript *self,
                    guint64       offset,
                    guint8       *buf,
                    gsize         len)
{
  gsize copied = 0;

  g_return_val_if_fail (SB_IS_TRANSCRIPT (self), 0);
  g_return_val_if_fail (buf != NULL || len == 0, 0);

  if (offset >= self->n_bytes || len == 0)
    return 0;
  len = MIN (len, self->n_bytes - offset);

  for (guint i = find_chunk (self, offset); i < self->chunks->len && copied < len; i++)
    {
      Chunk *c = g_ptr_array_index (self->chunks, i);
      gsize at = offset + copied - c->start;
      gsize n = MIN (len - copied, c->used - at);

      memcpy (buf + copied, chunk_data (c) + at, n);
      copied += n;
    }
  return copied;
}

GBytes *
sb_transcript_get_bytes (SbTranscript *self,
                         guint64       offset,
                         gsize         len)
{
  guint8 *buf;
  gsize n;

  g_return_val_if_fail (SB_IS_TRANSCRIPT (self), NULL);

  if (offset >= self->n_bytes)
    return g_bytes_new (NULL, 0);
  len = MIN (len, self->n_bytes - offset);
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

  if (offset >= self->n_bytes)
    return G_MAXUINT;

  /* Entries are in offset order; find the last one starting at or before
   * @offset, then step back over empty (message) entries. */
  hi = self->entries->len;
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
        return i;
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
  for (guint i = 0; i < self->chunks->len; i++)
    total += sizeof (Chunk) + ((Chunk *) g_ptr_array_index (self->chunks, i))->size;
  total += g_array_get_element_size (self->entries) * self->entries->len;
  total += self->chunks->len * sizeof (gpointer);
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
  guint removed;

  g_return_if_fail (SB_IS_TRANSCRIPT (self));

  cancel_flush (self);
  removed = self->n_announced;
  free_chunks (self);
  g_array_set_size (self->entries, 0);
  g_clear_pointer (&self->peers, g_ptr_array_unref);
  g_clear_pointer (&self->peer_index, g_hash_table_unref);
  g_clear_pointer (&self->messages, g_ptr_array_unref);
  self->n_bytes = 0;
  self->bytes_in = self->bytes_out = 0;
  self->messages_in = self->messages_out = 0;
  self->n_announced = 0;
  if (removed > 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }
}
