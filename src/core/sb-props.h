/* sb-props.h — table-driven GObject properties for the session's plain
 * document objects (internal to core)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SbSocketSpec, SbStep, SbReplyRule and SbPayloadEntry are bags of values:
 * one table per class lists each property's name, kind, field offset, range
 * and default, and these helpers install, initialise, get and set them, so
 * that each class does not repeat a switch of twenty cases. Setting a value
 * notifies only when it changed (G_PARAM_EXPLICIT_NOTIFY).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  SB_PROP_BOOL,
  SB_PROP_INT,
  SB_PROP_STRING,   /* never NULL once initialised: "" stands for unset */
} SbPropType;

typedef struct
{
  const char *name;
  SbPropType  type;
  gsize       offset;   /* of the gboolean / int / char * field */
  int         min;
  int         max;
  int         def;
  const char *sdef;
} SbPropInfo;

/* Properties are numbered from 1 in table order; @pspecs has n + 1 slots. */
void     sb_props_install  (GObjectClass     *klass,
                            const SbPropInfo *table,
                            guint             n,
                            GParamSpec      **pspecs);
void     sb_props_init     (gpointer          instance,
                            const SbPropInfo *table,
                            guint             n);
void     sb_props_finalize (gpointer          instance,
                            const SbPropInfo *table,
                            guint             n);
void     sb_props_get      (gpointer          instance,
                            const SbPropInfo *info,
                            GValue           *value);
/* Returns TRUE when the stored value changed. */
gboolean sb_props_set      (gpointer          instance,
                            const SbPropInfo *info,
                            const GValue     *value);
/* Copies every field of @table from @src to @dest (same class), without
 * notifying. */
void     sb_props_copy     (gpointer          dest,
                            gconstpointer     src,
                            const SbPropInfo *table,
                            guint             n);

/* GObjectClass.get_property and .set_property for a class whose properties
 * all come from sb_props_install(); setting notifies when the value changed. */
void     sb_props_get_property (GObject      *object,
                                guint         prop_id,
                                GValue       *value,
                                GParamSpec   *pspec);
void     sb_props_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec);

#define SB_PROP_FIELD(instance, info, ctype) \
  (*(ctype *) G_STRUCT_MEMBER_P ((instance), (info)->offset))

G_END_DECLS

G_BEGIN_DECLS

/* Lists of document objects whose ::changed makes their owner changed:
 * @on_changed (owner as its only argument) runs for any change of an item. */
void     sb_list_insert_observed (GListStore *store,
                                  guint       position,
                                  gpointer    item,
                                  gpointer    owner,
                                  GCallback   on_changed);
void     sb_list_remove_observed (GListStore *store,
                                  guint       position,
                                  gpointer    owner);
void     sb_list_move_observed   (GListStore *store,
                                  guint       from,
                                  guint       to);
/* The item at @position, borrowed from the store (NULL when out of range). */
gpointer sb_list_peek            (GListStore *store,
                                  guint       position);
/* For dispose: disconnects @owner from the store and its items, then drops
 * the store. */
void     sb_list_clear_observed  (GListStore **store,
                                  gpointer     owner);

G_END_DECLS
