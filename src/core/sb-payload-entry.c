/* sb-payload-entry.c — a named payload in a session's library
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sb-payload-entry.h"
#include "sb-props.h"

struct _SbPayloadEntry
{
  GObject  parent_instance;

  char    *name;
  int      format;
  char    *data;
};

G_DEFINE_FINAL_TYPE (SbPayloadEntry, sb_payload_entry, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_FORMAT,
  PROP_DATA,
  N_PROPS
};

#define F(field) G_STRUCT_OFFSET (SbPayloadEntry, field)
static const SbPropInfo prop_table[N_PROPS - 1] = {
  { "name", SB_PROP_STRING, F (name), 0, 0, 0, "" },
  { "format", SB_PROP_INT, F (format), 0, SB_DATA_HEX, SB_DATA_TEXT, NULL },
  { "data", SB_PROP_STRING, F (data), 0, 0, 0, "" },
};
#undef F

static GParamSpec *properties[N_PROPS];

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
sb_payload_entry_finalize (GObject *object)
{
  sb_props_finalize (object, prop_table, N_PROPS - 1);
  G_OBJECT_CLASS (sb_payload_entry_parent_class)->finalize (object);
}

static void
sb_payload_entry_notify (GObject    *object,
                         GParamSpec *pspec)
{
  g_signal_emit (object, signals[CHANGED], 0);
}

static void
sb_payload_entry_class_init (SbPayloadEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sb_payload_entry_finalize;
  object_class->get_property = sb_props_get_property;
  object_class->set_property = sb_props_set_property;
  object_class->notify = sb_payload_entry_notify;
  sb_props_install (object_class, prop_table, N_PROPS - 1, properties);

  /**
   * SbPayloadEntry::changed:
   *
   * A property of the payload changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sb_payload_entry_init (SbPayloadEntry *self)
{
  sb_props_init (self, prop_table, N_PROPS - 1);
}

SbPayloadEntry *
sb_payload_entry_new (const char  *name,
                      SbDataFormat format,
                      const char  *data)
{
  g_return_val_if_fail (format == SB_DATA_TEXT || format == SB_DATA_HEX, NULL);
  return g_object_new (SB_TYPE_PAYLOAD_ENTRY, "name", name, "format", (int) format,
                       "data", data, NULL);
}

const char *
sb_payload_entry_get_name (SbPayloadEntry *self)
{
  g_return_val_if_fail (SB_IS_PAYLOAD_ENTRY (self), NULL);
  return self->name;
}

void
sb_payload_entry_set_name (SbPayloadEntry *self,
                           const char     *name)
{
  g_return_if_fail (SB_IS_PAYLOAD_ENTRY (self));
  g_object_set (self, "name", name, NULL);
}

SbDataFormat
sb_payload_entry_get_format (SbPayloadEntry *self)
{
  g_return_val_if_fail (SB_IS_PAYLOAD_ENTRY (self), 0);
  return self->format;
}

void
sb_payload_entry_set_format (SbPayloadEntry *self,
                             SbDataFormat    format)
{
  g_return_if_fail (SB_IS_PAYLOAD_ENTRY (self));
  g_object_set (self, "format", (int) format, NULL);
}

const char *
sb_payload_entry_get_data (SbPayloadEntry *self)
{
  g_return_val_if_fail (SB_IS_PAYLOAD_ENTRY (self), NULL);
  return self->data;
}

void
sb_payload_entry_set_data (SbPayloadEntry *self,
                           const char     *data)
{
  g_return_if_fail (SB_IS_PAYLOAD_ENTRY (self));
  g_object_set (self, "data", data, NULL);
}
