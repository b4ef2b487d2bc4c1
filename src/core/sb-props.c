/* sb-props.c — table-driven GObject properties (internal to core)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sb-props.h"

/* Each installed pspec points back at its table entry. */
static GQuark
info_quark (void)
{
  static GQuark quark;

  if (quark == 0)
    quark = g_quark_from_static_string ("sb-props-info");
  return quark;
}

void
sb_props_install (GObjectClass     *klass,
                  const SbPropInfo *table,
                  guint             n,
                  GParamSpec      **pspecs)
{
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  pspecs[0] = NULL;
  for (guint i = 0; i < n; i++)
    {
      const SbPropInfo *info = &table[i];

      switch (info->type)
        {
        case SB_PROP_BOOL:
          pspecs[i + 1] = g_param_spec_boolean (info->name, NULL, NULL, info->def != 0, flags);
          break;
        case SB_PROP_INT:
          pspecs[i + 1] = g_param_spec_int (info->name, NULL, NULL, info->min, info->max, info->def,
                                            flags);
          break;
        case SB_PROP_STRING:
          pspecs[i + 1] = g_param_spec_string (info->name, NULL, NULL, info->sdef, flags);
          break;
        default:
          g_assert_not_reached ();
        }
      g_param_spec_set_qdata (pspecs[i + 1], info_quark (), (gpointer) info);
    }
  g_object_class_install_properties (klass, n + 1, pspecs);
}

void
sb_props_init (gpointer          instance,
               const SbPropInfo *table,
               guint             n)
{
  for (guint i = 0; i < n; i++)
    {
      const SbPropInfo *info = &table[i];

      switch (info->type)
        {
        case SB_PROP_BOOL:
          SB_PROP_FIELD (instance, info, gboolean) = info->def != 0;
          break;
        case SB_PROP_INT:
          SB_PROP_FIELD (instance, info, int) = info->def;
          break;
        case SB_PROP_STRING:
          SB_PROP_FIELD (instance, info, char *) = g_strdup (info->sdef != NULL ? info->sdef : "");
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

void
sb_props_finalize (gpointer          instance,
                   const SbPropInfo *table,
                   guint             n)
{
  for (guint i = 0; i < n; i++)
    if (table[i].type == SB_PROP_STRING)
      g_clear_pointer (&SB_PROP_FIELD (instance, &table[i], char *), g_free);
}

void
sb_props_get (gpointer          instance,
              const SbPropInfo *info,
              GValue           *value)
{
  switch (info->type)
    {
    case SB_PROP_BOOL:
      g_value_set_boolean (value, SB_PROP_FIELD (instance, info, gboolean));
      break;
    case SB_PROP_INT:
      g_value_set_int (value, SB_PROP_FIELD (instance, info, int));
      break;
    case SB_PROP_STRING:
      g_value_set_string (value, SB_PROP_FIELD (instance, info, char *));
      break;
    default:
      g_assert_not_reached ();
    }
}

gboolean
sb_props_set (gpointer          instance,
              const SbPropInfo *info,
              const GValue     *value)
{
  switch (info->type)
    {
    case SB_PROP_BOOL:
      {
        gboolean v = g_value_get_boolean (value) != FALSE;

        if (SB_PROP_FIELD (instance, info, gboolean) == v)
          return FALSE;
        SB_PROP_FIELD (instance, info, gboolean) = v;
        return TRUE;
      }
    case SB_PROP_INT:
      {
        int v = g_value_get_int (value);

        if (SB_PROP_FIELD (instance, info, int) == v)
          return FALSE;
        SB_PROP_FIELD (instance, info, int) = v;
        return TRUE;
      }
    case SB_PROP_STRING:
      {
        const char *v = g_value_get_string (value);
        char **field = &SB_PROP_FIELD (instance, info, char *);

        if (v == NULL)
          v = "";
        if (g_strcmp0 (*field, v) == 0)
          return FALSE;
        g_free (*field);
        *field = g_strdup (v);
        return TRUE;
      }
    default:
      g_assert_not_reached ();
    }
}

void
sb_props_copy (gpointer          dest,
               gconstpointer     src,
               const SbPropInfo *table,
               guint             n)
{
  for (guint i = 0; i < n; i++)
    {
      const SbPropInfo *info = &table[i];

      switch (info->type)
        {
        case SB_PROP_BOOL:
          SB_PROP_FIELD (dest, info, gboolean) = SB_PROP_FIELD (src, info, gboolean);
          break;
        case SB_PROP_INT:
          SB_PROP_FIELD (dest, info, int) = SB_PROP_FIELD (src, info, int);
          break;
        case SB_PROP_STRING:
          g_free (SB_PROP_FIELD (dest, info, char *));
          SB_PROP_FIELD (dest, info, char *) = g_strdup (SB_PROP_FIELD (src, info, char *));
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

void
sb_props_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  const SbPropInfo *info = g_param_spec_get_qdata (pspec, info_quark ());

  if (info == NULL)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  sb_props_get (object, info, value);
}

void
sb_props_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  const SbPropInfo *info = g_param_spec_get_qdata (pspec, info_quark ());

  if (info == NULL)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  if (sb_props_set (object, info, value))
    g_object_notify_by_pspec (object, pspec);
}

void
sb_list_insert_observed (GListStore *store,
                         guint       position,
                         gpointer    item,
                         gpointer    owner,
                         GCallback   on_changed)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));

  g_signal_connect_swapped (item, "changed", on_changed, owner);
  g_list_store_insert (store, MIN (position, n), item);
}

void
sb_list_remove_observed (GListStore *store,
                         guint       position,
                         gpointer    owner)
{
  g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (store), position);

  g_return_if_fail (item != NULL);
  g_signal_handlers_disconnect_by_data (item, owner);
  g_list_store_remove (store, position);
}

void
sb_list_move_observed (GListStore *store,
                       guint       from,
                       guint       to)
{
  g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (store), from);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));

  g_return_if_fail (item != NULL);
  g_return_if_fail (to < n);
  if (from == to)
    return;
  /* the handlers stay connected: the item never leaves its owner */
  g_list_store_remove (store, from);
  g_list_store_insert (store, to, item);
}

gpointer
sb_list_peek (GListStore *store,
              guint       position)
{
  gpointer item = g_list_model_get_item (G_LIST_MODEL (store), position);

  /* the store keeps a reference: hand out a borrowed pointer */
  if (item != NULL)
    g_object_unref (item);
  return item;
}

void
sb_list_clear_observed (GListStore **store,
                        gpointer     owner)
{
  guint n;

  if (*store == NULL)
    return;
  n = g_list_model_get_n_items (G_LIST_MODEL (*store));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (*store), i);

      g_signal_handlers_disconnect_by_data (item, owner);
    }
  g_signal_handlers_disconnect_by_data (*store, owner);
  g_clear_object (store);
}
