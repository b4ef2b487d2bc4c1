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
void     sb_list_unobserve_all   (GListStore *store,
                                  gpointer    owner);

G_END_DECLS
