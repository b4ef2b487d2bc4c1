/* sb-field-item.c — one decoded field as a list item, for the field tree
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sb-field-item.h"

/* The whole decoded tree, shared by all its items. */
typedef struct
{
  SbField *root;
} Tree;

struct _SbFieldItem
{
  GObject  parent_instance;

  Tree    *tree;    /* a reference (g_rc_box) */
  SbField *field;   /* inside tree->root */
};

G_DEFINE_FINAL_TYPE (SbFieldItem, sb_field_item, G_TYPE_OBJECT)

static void
tree_clear (gpointer data)
{
  Tree *tree = data;

  g_clear_pointer (&tree->root, sb_field_free);
}

static void
sb_field_item_finalize (GObject *object)
{
  SbFieldItem *self = SB_FIELD_ITEM (object);

  g_rc_box_release_full (self->tree, tree_clear);
  G_OBJECT_CLASS (sb_field_item_parent_class)->finalize (object);
}

static void
sb_field_item_class_init (SbFieldItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sb_field_item_finalize;
}

static void
sb_field_item_init (SbFieldItem *self)
{
}

static GListModel *
children_of (Tree    *tree,
             SbField *field)
{
  GListStore *store;
  guint n = sb_field_get_n_children (field);

  if (n == 0)
    return NULL;
  store = g_list_store_new (SB_TYPE_FIELD_ITEM);
  for (guint i = 0; i < n; i++)
    {
      SbFieldItem *item = g_object_new (SB_TYPE_FIELD_ITEM, NULL);

      item->tree = g_rc_box_acquire (tree);
      item->field = sb_field_get_child (field, i);
      g_list_store_append (store, item);
      g_object_unref (item);
    }
  return G_LIST_MODEL (store);
}

GListModel *
sb_field_item_list_new (SbField *root)
{
  Tree *tree;
  GListModel *list;

  g_return_val_if_fail (root != NULL, NULL);

  tree = g_rc_box_new0 (Tree);
  tree->root = root;
  list = children_of (tree, root);
  g_rc_box_release_full (tree, tree_clear);
  return list;
}

GListModel *
sb_field_item_dup_children (SbFieldItem *self)
{
  g_return_val_if_fail (SB_IS_FIELD_ITEM (self), NULL);
  return children_of (self->tree, self->field);
}

const SbField *
sb_field_item_get_field (SbFieldItem *self)
{
  g_return_val_if_fail (SB_IS_FIELD_ITEM (self), NULL);
  return self->field;
}
