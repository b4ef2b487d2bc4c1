/* sb-chunk-store.h — an append-only byte store in growing chunks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Bytes are appended at the end and addressed by 64-bit offsets. They live
 * in chunks that start small and double up to a cap, so that a small store
 * costs little and a flood costs one allocation per full-size chunk. Chunk
 * sizes count the chunk's header: a chunk of @max_chunk bytes is one
 * allocation of exactly that size.
 *
 * Full-size chunks are prefaulted when made (MADV_POPULATE_WRITE), since a
 * store that has grown that far is likely being flooded.
 *
 * A limit bounds the store: the oldest chunks are then dropped (and one is
 * reused for new bytes), while offsets keep counting from the start.
 *
 * Not thread-safe: one thread appends and reads.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SbChunkStore SbChunkStore;

typedef enum
{
  SB_CHUNK_STORE_DEFAULT       = 0,
  /* Shrink the unused end of the tail chunk when another chunk follows it.
   * Saves memory, but moves the chunk: pointers from reserve() and peek()
   * are valid only until the next append. Without it, a chunk never moves,
   * and peek() pointers stay valid until clear() (or until a limit drops
   * their chunk). */
  SB_CHUNK_STORE_SEAL_TAIL     = 1 << 0,
  /* Make (and prefault) the next full-size chunk ahead of need on a worker
   * thread, while the current one fills. */
  SB_CHUNK_STORE_PREPARE_AHEAD = 1 << 1,
} SbChunkStoreFlags;

SbChunkStore  *sb_chunk_store_new             (gsize              min_chunk,
                                               gsize              max_chunk,
                                               SbChunkStoreFlags  flags);
void           sb_chunk_store_free            (SbChunkStore      *self);

void           sb_chunk_store_append          (SbChunkStore      *self,
                                               const guint8      *data,
                                               gsize              len);
void           sb_chunk_store_append_bytes    (SbChunkStore      *self,
                                               GBytes            *bytes,
                                               gsize              offset,
                                               gsize              len);
guint8        *sb_chunk_store_reserve         (SbChunkStore      *self,
                                               gsize              min,
                                               gsize              max,
                                               gsize             *out_len);
gboolean       sb_chunk_store_commit          (SbChunkStore      *self,
                                               gsize              len);

gsize          sb_chunk_store_read            (SbChunkStore      *self,
                                               guint64            offset,
                                               guint8            *buf,
                                               gsize              len);
const guint8  *sb_chunk_store_peek            (SbChunkStore      *self,
                                               guint64            offset,
                                               gsize              len);

guint64        sb_chunk_store_get_size        (SbChunkStore      *self);
void           sb_chunk_store_set_limit       (SbChunkStore      *self,
                                               guint64            limit);
guint64        sb_chunk_store_get_limit       (SbChunkStore      *self);
guint64        sb_chunk_store_get_start       (SbChunkStore      *self);
guint64        sb_chunk_store_get_n_chunks_made (SbChunkStore    *self);
gsize          sb_chunk_store_get_memory_size (SbChunkStore      *self);
void           sb_chunk_store_clear           (SbChunkStore      *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbChunkStore, sb_chunk_store_free)

G_END_DECLS
