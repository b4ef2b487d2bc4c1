/* sb-field-item.h — one decoded field as a list item, for the field tree
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SbField is a plain struct tree; list models need GObjects. An item
 * borrows its field from a tree that every item of that tree keeps alive,
 * so the tree is freed when the last row showing it goes away.
 */
#pragma once

#include <gio/gio.h>
#include "sb-decode.h"

G_BEGIN_DECLS

#define SB_TYPE_FIELD_ITEM (sb_field_item_get_type ())
G_DECLARE_FINAL_TYPE (SbFieldItem, sb_field_item, SB, FIELD_ITEM, GObject)

/* The children of @root as items, taking @root; NULL when it has none. */
GListModel    *sb_field_item_list_new      (SbField     *root);
/* The children of @self as items, or NULL (for GtkTreeListModel). */
GListModel    *sb_field_item_dup_children  (SbFieldItem *self);
const SbField *sb_field_item_get_field     (SbFieldItem *self);

G_END_DECLS
