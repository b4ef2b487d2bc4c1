/* sb-chunk-store.c — an append-only byte store in growing chunks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <gio/gio.h>

#include "sb-chunk-store.h"

typedef struct
{
  guint64       start;   /* offset of the first byte in the whole store */
  gsize         size;    /* of data[], or of the external slice */
  gsize         used;
  GBytes       *ext;     /* an external slice (zero-copy sends), or NULL */
  const guint8 *ext_data;
  guint8        data[];
} Chunk;

/* A full-size chunk with less free room than this is not shrunk. */
#define FULL_SLACK_MAX (64 * 1024)

/* The next full-size chunk, made by a worker thread. Reference-counted
 * (g_atomic_rc_box), since the worker may outlive the store. */
typedef struct
{
  GMutex  lock;
  Chunk  *chunk;
  gboolean pending;
  gsize   size;
} Spare;

struct _SbChunkStore
{
  GPtrArray         *chunks;   /* Chunk*, in offset order; live from [head] */
  guint              head;     /* chunks before it were dropped (NULL) */
  guint64            n_bytes;
  guint64            limit;    /* 0: keep everything */
  guint64            dropped;  /* bytes dropped from the front */
  Chunk             *recycled; /* a dropped full-size chunk, for the next tail */
  guint64            n_made;   /* chunks allocated for bytes, ever */
  Spare             *spare;    /* with SB_CHUNK_STORE_PREPARE_AHEAD */
  /* 32-bit, since a store is made per connection and chunks are small */
  guint32            min_chunk;
  guint32            max_chunk;
  guint32            max_chunk_cap;   /* as made; a limit may lower max_chunk */
  guint32            next_chunk_size;
  SbChunkStoreFlags  flags;
};

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

/* A full-size chunk is only made once a store holds about that much, i.e.
 * when a flood is arriving that will likely fill it: fault its pages in
 * with one madvise() instead of one page fault per 4 KiB as it is written.
 * Receiving 1 GiB into a transcript got 10-50 % faster on loopback, and a
 * capture flood lost a quarter of its CPU time to those faults
 * (docs/benchmarks.md). The cost: a tail chunk the flood does not fill is
 * resident all the same. Smaller chunks stay lazy. Huge pages
 * (MADV_HUGEPAGE) were tried and were far worse: with THP defrag on
 * madvise, the faults compact memory synchronously. */
static void
prefault (gpointer mem,
          gsize    total)
{
#ifdef MADV_POPULATE_WRITE
  gsize page = sysconf (_SC_PAGESIZE);   /* once per full-size chunk */
  guintptr start, end;

  /* the whole pages inside the block; kernels before 5.14 refuse
   * MADV_POPULATE_WRITE, which is harmless */
  start = ((guintptr) mem + page - 1) & ~(guintptr) (page - 1);
  end = ((guintptr) mem + total) & ~(guintptr) (page - 1);
  if (end > start)
    madvise ((void *) start, end - start, MADV_POPULATE_WRITE);
#endif
}

/* @total counts the header. */
static Chunk *
chunk_new (gsize total,
           gsize max_chunk)
{
  Chunk *chunk = g_malloc (total);

  if (total >= max_chunk)
    prefault (chunk, total);
  chunk->size = total - sizeof (Chunk);
  chunk->used = 0;
  chunk->ext = NULL;
  chunk->ext_data = NULL;
  return chunk;
}

static void
spare_clear (gpointer data)
{
  Spare *spare = data;

  g_clear_pointer (&spare->chunk, chunk_free);
  g_mutex_clear (&spare->lock);
}

static void
spare_unref (gpointer data)
{
  g_atomic_rc_box_release_full (data, spare_clear);
}

static void
prepare_spare_thread (GTask        *task,
                      gpointer      source,
                      gpointer      data,
                      GCancellable *cancellable)
{
  Spare *spare = data;
  Chunk *chunk;
  gsize size;

  g_mutex_lock (&spare->lock);
  size = spare->size;
  g_mutex_unlock (&spare->lock);
  chunk = chunk_new (size, size);

  g_mutex_lock (&spare->lock);
  if (spare->chunk == NULL)
    spare->chunk = g_steal_pointer (&chunk);
  spare->pending = FALSE;
  g_mutex_unlock (&spare->lock);
  g_clear_pointer (&chunk, chunk_free);
  g_task_return_boolean (task, TRUE);
}

/* Once chunks are full-size, the next one is prepared while this one
 * fills. */
static void
prepare_spare (SbChunkStore *self)
{
  Spare *spare = self->spare;
  g_autoptr(GTask) task = NULL;

  g_mutex_lock (&spare->lock);
  if (spare->chunk != NULL || spare->pending)
    {
      g_mutex_unlock (&spare->lock);
      return;
    }
  spare->pending = TRUE;
  g_mutex_unlock (&spare->lock);

  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_source_tag (task, prepare_spare);
  g_task_set_task_data (task, g_atomic_rc_box_acquire (spare), spare_unref);
  g_task_run_in_thread (task, prepare_spare_thread);
}

static Chunk *
take_spare (SbChunkStore *self)
{
  Chunk *chunk;

  g_mutex_lock (&self->spare->lock);
  chunk = g_steal_pointer (&self->spare->chunk);
  g_mutex_unlock (&self->spare->lock);
  return chunk;
}

/**
 * sb_chunk_store_new:
 * @min_chunk: the size of the first chunk, header included
 * @max_chunk: the size chunks double up to, header included
 * @flags: see #SbChunkStoreFlags
 *
 * Returns: (transfer full): an empty store; free with sb_chunk_store_free()
 */
SbChunkStore *
sb_chunk_store_new (gsize             min_chunk,
                    gsize             max_chunk,
                    SbChunkStoreFlags flags)
{
  SbChunkStore *self;

  g_return_val_if_fail (min_chunk > sizeof (Chunk) && min_chunk <= max_chunk, NULL);
  g_return_val_if_fail (max_chunk <= G_MAXUINT32 / 2, NULL);

  self = g_new0 (SbChunkStore, 1);
  self->chunks = g_ptr_array_new ();
  self->min_chunk = min_chunk;
  self->max_chunk = max_chunk;
  self->max_chunk_cap = max_chunk;
  self->next_chunk_size = min_chunk;
  self->flags = flags;
  if (flags & SB_CHUNK_STORE_PREPARE_AHEAD)
    {
      self->spare = g_atomic_rc_box_new0 (Spare);
      g_mutex_init (&self->spare->lock);
      self->spare->size = max_chunk;
    }
  return self;
}

static void
free_chunks (SbChunkStore *self)
{
  for (guint i = self->head; i < self->chunks->len; i++)
    chunk_free (g_ptr_array_index (self->chunks, i));
  g_ptr_array_set_size (self->chunks, 0);
  self->head = 0;
  self->next_chunk_size = self->min_chunk;
}

static inline guint
n_live (SbChunkStore *self)
{
  return self->chunks->len - self->head;
}

static inline Chunk *
live_chunk (SbChunkStore *self,
            guint         i)
{
  return g_ptr_array_index (self->chunks, self->head + i);
}

static inline gboolean
is_full_size (SbChunkStore *self,
              Chunk        *c)
{
  return c->ext == NULL && sizeof (Chunk) + c->size == self->max_chunk;
}

/* With a limit: drop chunks from the front while the rest still hold at
 * least @limit bytes. One dropped full-size chunk is kept to be the next
 * tail, so that a flood goes on writing into memory that is already
 * mapped instead of fresh pages the kernel must zero first (which halved
 * the receive rate; docs/benchmarks.md). */
static void
trim (SbChunkStore *self)
{
  if (self->limit == 0)
    return;
  while (n_live (self) > 1)
    {
      Chunk *front = live_chunk (self, 0);
      guint64 held = self->n_bytes - self->dropped;

      if (held - front->used < self->limit)
        break;
      self->dropped += front->used;
      self->chunks->pdata[self->head++] = NULL;
      if (self->recycled == NULL && is_full_size (self, front))
        self->recycled = front;
      else
        chunk_free (front);
    }
  /* compact the array now and then, not on every drop */
  if (self->head > 0 && self->head >= self->chunks->len / 2)
    {
      g_ptr_array_remove_range (self->chunks, 0, self->head);
      self->head = 0;
    }
}

void
sb_chunk_store_free (SbChunkStore *self)
{
  if (self == NULL)
    return;
  free_chunks (self);
  g_clear_pointer (&self->recycled, chunk_free);
  g_clear_pointer (&self->chunks, g_ptr_array_unref);
  g_clear_pointer (&self->spare, spare_unref);
  g_free (self);
}

/**
 * sb_chunk_store_clear:
 *
 * Drops every byte; the store starts again at offset 0 with a small chunk.
 * A prepared spare chunk is kept, and so is the limit.
 */
void
sb_chunk_store_clear (SbChunkStore *self)
{
  g_return_if_fail (self != NULL);

  free_chunks (self);
  g_clear_pointer (&self->recycled, chunk_free);
  self->n_bytes = 0;
  self->dropped = 0;
}

/**
 * sb_chunk_store_set_limit:
 * @limit: bytes to keep at least, or 0 to keep everything
 *
 * Bounds the store: once it holds more than @limit bytes, whole chunks are
 * dropped from the front as new ones are needed, as long as at least
 * @limit bytes remain. Offsets keep counting from the first byte ever
 * appended; sb_chunk_store_get_start() tells where the held bytes begin.
 * Memory stays below @limit plus two full-size chunks, and full-size
 * chunks are made smaller (a sixteenth of the limit, down to the first
 * chunk's size) so that those two stay small beside a small limit.
 */
void
sb_chunk_store_set_limit (SbChunkStore *self,
                          guint64       limit)
{
  g_return_if_fail (self != NULL);

  self->limit = limit;
  self->max_chunk = limit == 0 ? self->max_chunk_cap
                    : (guint32) CLAMP (limit / 16, self->min_chunk, self->max_chunk_cap);
  self->next_chunk_size = MIN (self->next_chunk_size, self->max_chunk);
  if (self->recycled != NULL && !is_full_size (self, self->recycled))
    g_clear_pointer (&self->recycled, chunk_free);
  if (self->spare != NULL)
    {
      g_mutex_lock (&self->spare->lock);
      self->spare->size = self->max_chunk;
      g_mutex_unlock (&self->spare->lock);
    }
  trim (self);
}

guint64
sb_chunk_store_get_limit (SbChunkStore *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->limit;
}

/**
 * sb_chunk_store_get_start:
 *
 * Returns: the offset of the oldest byte still held (0 unless a limit made
 *   the store drop bytes)
 */
/**
 * sb_chunk_store_get_n_chunks_made:
 *
 * Returns: how many chunks the store has allocated for bytes so far (the
 *   reused and prepared ones not counted): what a limit keeps bounded
 */
guint64
sb_chunk_store_get_n_chunks_made (SbChunkStore *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_made;
}

guint64
sb_chunk_store_get_start (SbChunkStore *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->dropped;
}

static Chunk *
tail (SbChunkStore *self)
{
  if (n_live (self) == 0)
    return NULL;
  return g_ptr_array_index (self->chunks, self->chunks->len - 1);
}

/* Give back the unused end of the tail chunk before another one follows. */
static void
seal_tail (SbChunkStore *self)
{
  Chunk *last = tail (self);

  if (!(self->flags & SB_CHUNK_STORE_SEAL_TAIL))
    return;
  if (last == NULL || last->ext != NULL || last->used == last->size)
    return;
  /* a full-size chunk nearly filled is left alone: it stays reusable (see
   * trim()), for less than one read's worth of slack */
  if (is_full_size (self, last) && last->size - last->used < FULL_SLACK_MAX)
    return;
  if (last->used == 0)
    {
      g_ptr_array_remove_index (self->chunks, self->chunks->len - 1);
      chunk_free (last);
      return;
    }
  last = g_realloc (last, sizeof (Chunk) + last->used);
  last->size = last->used;
  self->chunks->pdata[self->chunks->len - 1] = last;
}

/* The tail chunk, if it has at least @min contiguous bytes free, else a
 * new one. */
static Chunk *
tail_with_room (SbChunkStore *self,
                gsize         min)
{
  Chunk *chunk = tail (self);

  if (chunk == NULL || chunk->ext != NULL || chunk->size - chunk->used < MAX (min, 1))
    {
      gsize total = MAX (self->next_chunk_size, sizeof (Chunk) + min);

      seal_tail (self);
      trim (self);
      chunk = NULL;
      if (total == self->max_chunk && self->recycled != NULL)
        chunk = g_steal_pointer (&self->recycled);
      if (chunk == NULL && self->spare != NULL && total == self->max_chunk)
        {
          chunk = take_spare (self);
          /* made before a limit changed the chunk size: not this one */
          if (chunk != NULL && sizeof (Chunk) + chunk->size != total)
            g_clear_pointer (&chunk, chunk_free);
        }
      if (chunk == NULL)
        {
          chunk = chunk_new (total, self->max_chunk);
          self->n_made++;
        }
      if (self->spare != NULL && total >= self->max_chunk)
        prepare_spare (self);
      chunk->start = self->n_bytes;
      chunk->used = 0;
      g_ptr_array_add (self->chunks, chunk);
      self->next_chunk_size = MIN (self->next_chunk_size * 2, self->max_chunk);
    }
  return chunk;
}

/**
 * sb_chunk_store_append:
 *
 * Copies @len bytes to the end; they may straddle chunks.
 */
void
sb_chunk_store_append (SbChunkStore *self,
                       const guint8 *data,
                       gsize         len)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (data != NULL || len == 0);

  while (len > 0)
    {
      Chunk *chunk = tail_with_room (self, 1);
      gsize n = MIN (len, chunk->size - chunk->used);

      memcpy (chunk->data + chunk->used, data, n);
      chunk->used += n;
      self->n_bytes += n;
      data += n;
      len -= n;
    }
}

/**
 * sb_chunk_store_append_bytes:
 *
 * Appends @len bytes of @bytes from @offset by reference, without a copy.
 * The next slice of the same buffer extends the same chunk.
 */
void
sb_chunk_store_append_bytes (SbChunkStore *self,
                             GBytes       *bytes,
                             gsize         offset,
                             gsize         len)
{
  const guint8 *data;
  gsize size;
  Chunk *last;

  g_return_if_fail (self != NULL);
  g_return_if_fail (bytes != NULL);
  data = g_bytes_get_data (bytes, &size);
  g_return_if_fail (offset <= size && len <= size - offset);

  if (len == 0)
    return;
  last = tail (self);
  if (last != NULL && last->ext == bytes && last->ext_data + last->used == data + offset)
    {
      last->used += len;
      last->size += len;
    }
  else
    {
      Chunk *chunk;

      seal_tail (self);
      chunk = g_malloc (sizeof (Chunk));
      chunk->start = self->n_bytes;
      chunk->size = len;
      chunk->used = len;
      chunk->ext = g_bytes_ref (bytes);
      chunk->ext_data = data + offset;
      g_ptr_array_add (self->chunks, chunk);
    }
  self->n_bytes += len;
  trim (self);
}

/**
 * sb_chunk_store_reserve:
 * @min: at least this many contiguous bytes
 * @max: at most this many
 * @out_len: (out): how many bytes the returned buffer holds
 *
 * Room at the end to write into without a copy; sb_chunk_store_commit()
 * then adds what was written. The buffer is valid until the next append.
 *
 * Returns: (transfer none): the buffer
 */
guint8 *
sb_chunk_store_reserve (SbChunkStore *self,
                        gsize         min,
                        gsize         max,
                        gsize        *out_len)
{
  Chunk *chunk;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (max > 0 && min <= max, NULL);
  g_return_val_if_fail (out_len != NULL, NULL);

  chunk = tail_with_room (self, min);
  *out_len = MIN (max, chunk->size - chunk->used);
  return chunk->data + chunk->used;
}

/**
 * sb_chunk_store_commit:
 * @len: how many bytes of the last reservation were written
 *
 * Returns: %FALSE if @len does not fit the last reservation
 */
gboolean
sb_chunk_store_commit (SbChunkStore *self,
                       gsize         len)
{
  Chunk *last;

  g_return_val_if_fail (self != NULL, FALSE);

  if (len == 0)
    return TRUE;
  last = tail (self);
  g_return_val_if_fail (last != NULL && last->ext == NULL, FALSE);
  g_return_val_if_fail (len <= last->size - last->used, FALSE);
  last->used += len;
  self->n_bytes += len;
  return TRUE;
}

guint64
sb_chunk_store_get_size (SbChunkStore *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_bytes;
}

/* The index of the last live chunk whose start <= @offset (head if none). */
static guint
find_chunk (SbChunkStore *self,
            guint64       offset)
{
  guint lo = self->head, hi = self->chunks->len;

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

/**
 * sb_chunk_store_read:
 *
 * Copies up to @len bytes from @offset, across chunks.
 *
 * Returns: how many bytes were copied (fewer at the end of the store; 0
 *   from an offset whose bytes were dropped)
 */
gsize
sb_chunk_store_read (SbChunkStore *self,
                     guint64       offset,
                     guint8       *buf,
                     gsize         len)
{
  gsize copied = 0;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (buf != NULL || len == 0, 0);

  if (offset >= self->n_bytes || offset < self->dropped || len == 0)
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

/**
 * sb_chunk_store_peek:
 *
 * The bytes at @offset in place, if all @len of them lie in one chunk, as
 * those appended by one reserve/commit do.
 *
 * Returns: (transfer none) (nullable): the bytes, or %NULL if they straddle
 *   chunks, lie past the end or were dropped
 */
const guint8 *
sb_chunk_store_peek (SbChunkStore *self,
                     guint64       offset,
                     gsize         len)
{
  Chunk *c;
  gsize at;

  g_return_val_if_fail (self != NULL, NULL);

  if (len == 0)
    return offset <= self->n_bytes ? (const guint8 *) "" : NULL;
  if (offset >= self->n_bytes || len > self->n_bytes - offset || offset < self->dropped)
    return NULL;
  c = g_ptr_array_index (self->chunks, find_chunk (self, offset));
  at = offset - c->start;
  if (len > c->used - at)
    return NULL;
  return chunk_data (c) + at;
}

/**
 * sb_chunk_store_get_memory_size:
 *
 * Returns: the bytes the store holds, chunk headers and slack included
 */
gsize
sb_chunk_store_get_memory_size (SbChunkStore *self)
{
  gsize total;

  g_return_val_if_fail (self != NULL, 0);

  total = sizeof *self;
  for (guint i = self->head; i < self->chunks->len; i++)
    total += sizeof (Chunk) + ((Chunk *) g_ptr_array_index (self->chunks, i))->size;
  if (self->recycled != NULL)
    total += sizeof (Chunk) + self->recycled->size;
  total += self->chunks->len * sizeof (gpointer);
  return total;
}
