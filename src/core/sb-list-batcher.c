/* sb-list-batcher.c — batched items-changed for an append-only GListModel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sb-list-batcher.h"

/* at most once per frame-sized interval */
#define FLUSH_INTERVAL_MS 16

/**
 * sb_list_batcher_init:
 * @model: the model that embeds @self
 * @n_items_pspec: (nullable): the model's n-items property, notified on
 *   every change of the announced count
 * @count: the model's real number of items
 * @source_name: (not nullable): a static name for the timeout source
 */
void
sb_list_batcher_init (SbListBatcher          *self,
                      GListModel             *model,
                      GParamSpec             *n_items_pspec,
                      SbListBatcherCountFunc  count,
                      const char             *source_name)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (G_IS_LIST_MODEL (model));
  g_return_if_fail (count != NULL);

  *self = (SbListBatcher) {
    .model = model,
    .n_items_pspec = n_items_pspec,
    .count = count,
    .source_name = source_name,
  };
}

/**
 * sb_list_batcher_cancel:
 *
 * Drops a scheduled flush. Call it before the model goes away.
 */
void
sb_list_batcher_cancel (SbListBatcher *self)
{
  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
}

static void
announce (SbListBatcher *self,
          guint          position,
          guint          removed,
          guint          added)
{
  g_list_model_items_changed (self->model, position, removed, added);
  if (self->n_items_pspec != NULL)
    g_object_notify_by_pspec (G_OBJECT (self->model), self->n_items_pspec);
}

/**
 * sb_list_batcher_flush:
 *
 * Announces now what was added since the last flush.
 */
void
sb_list_batcher_flush (SbListBatcher *self)
{
  guint old, added;

  sb_list_batcher_cancel (self);
  old = self->n_announced;
  added = self->count (self->model) - old;
  if (added == 0)
    return;
  self->n_announced = old + added;
  announce (self, old, 0, added);
}

static gboolean
flush_cb (gpointer data)
{
  sb_list_batcher_flush (data);
  return G_SOURCE_REMOVE;
}

/**
 * sb_list_batcher_schedule:
 *
 * Items were appended: announce them within 16 ms, on the thread-default
 * main context.
 */
void
sb_list_batcher_schedule (SbListBatcher *self)
{
  if (self->source == NULL)
    {
      self->source = g_timeout_source_new (FLUSH_INTERVAL_MS);
      g_source_set_callback (self->source, flush_cb, self, NULL);
      g_source_set_name (self->source, self->source_name);
      g_source_attach (self->source, g_main_context_get_thread_default ());
    }
}

/**
 * sb_list_batcher_reset:
 *
 * The model was emptied: drops a scheduled flush and announces the removal
 * of every announced item.
 */
void
sb_list_batcher_reset (SbListBatcher *self)
{
  guint removed;

  sb_list_batcher_cancel (self);
  removed = self->n_announced;
  self->n_announced = 0;
  if (removed > 0)
    announce (self, 0, removed, 0);
}

/**
 * sb_list_batcher_removed_front:
 * @n: how many items the model dropped from its start
 *
 * The model dropped its oldest @n items, all of them announced (flush
 * first): announces their removal now.
 */
void
sb_list_batcher_removed_front (SbListBatcher *self,
                               guint          n)
{
  g_return_if_fail (n <= self->n_announced);

  self->n_announced -= n;
  if (n > 0)
    announce (self, 0, n, 0);
}
