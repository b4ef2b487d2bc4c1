/* sb-list-batcher.h — batched items-changed for an append-only GListModel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A model that grows by thousands of items a second announces them at most
 * once per 16 ms, never once per append: the model reports n_announced as
 * its length, and the batcher emits items-changed for what was added since.
 * The flush runs on the thread-default main context of the append that
 * scheduled it, like the socket sources.
 *
 * Embed an SbListBatcher in the model's instance struct.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The model's real number of items. */
typedef guint (*SbListBatcherCountFunc) (GListModel *model);

typedef struct
{
  /*< private >*/
  GListModel             *model;     /* not owned: the batcher lives inside it */
  GParamSpec             *n_items_pspec;
  SbListBatcherCountFunc  count;
  const char             *source_name;
  guint                   n_announced;
  /* a GSource, since g_source_remove() only knows the global default
   * context */
  GSource                *source;
} SbListBatcher;

void   sb_list_batcher_init            (SbListBatcher          *self,
                                        GListModel             *model,
                                        GParamSpec             *n_items_pspec,
                                        SbListBatcherCountFunc  count,
                                        const char             *source_name);
void   sb_list_batcher_schedule        (SbListBatcher          *self);
void   sb_list_batcher_flush           (SbListBatcher          *self);
void   sb_list_batcher_cancel          (SbListBatcher          *self);
void   sb_list_batcher_reset           (SbListBatcher          *self);
void   sb_list_batcher_removed_front   (SbListBatcher          *self,
                                        guint                   n);

static inline guint
sb_list_batcher_get_n_announced (const SbListBatcher *self)
{
  return self->n_announced;
}

G_END_DECLS
