/* sb-session.c — the document: sockets, steps, payloads, capture settings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reading a file goes in three passes: sb_json_scan_check() walks the text
 * without recursion and refuses anything json-glib would mishandle (deep
 * nesting, integers beyond 64 bits, NUL in strings, bad UTF-8); json-glib
 * parses what is left; then the tree is read into new objects, each value
 * checked for its type and range. An error found in the tree names the
 * path of the value, and sb_json_scan_find() turns that path back into a
 * line and a column.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "sb-json-scan.h"
#include "sb-match.h"
#include "sb-payload.h"
#include "sb-props.h"
#include "sb-session.h"

G_DEFINE_QUARK (sb-session-error-quark, sb_session_error)

struct _SbSession
{
  GObject     parent_instance;

  char       *description;
  char       *capture_interface;
  char       *capture_filter;
  int         capture_snaplen;
  gboolean    capture_promisc;
  gboolean    capture_immediate;
  char       *capture_output;

  GListStore *sockets;    /* of SbSocketSpec */
  GListStore *payloads;   /* of SbPayloadEntry */
  GFile      *file;
  gboolean    dirty;
  guint64     serial;     /* counts changes, so that a save knows what it saved */
};

G_DEFINE_FINAL_TYPE (SbSession, sb_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DESCRIPTION,
  PROP_CAPTURE_INTERFACE,
  PROP_CAPTURE_FILTER,
  PROP_CAPTURE_SNAPLEN,
  PROP_CAPTURE_PROMISC,
  PROP_CAPTURE_IMMEDIATE,
  PROP_CAPTURE_OUTPUT,
  N_TABLE_PROPS,
  PROP_DIRTY = N_TABLE_PROPS,
  PROP_FILE,
  N_PROPS
};

#define SNAPLEN_MAX 262144

#define F(field) G_STRUCT_OFFSET (SbSession, field)
static const SbPropInfo prop_table[N_TABLE_PROPS - 1] = {
  { "description", SB_PROP_STRING, F (description), 0, 0, 0, "" },
  { "capture-interface", SB_PROP_STRING, F (capture_interface), 0, 0, 0, "" },
  { "capture-filter", SB_PROP_STRING, F (capture_filter), 0, 0, 0, "" },
  { "capture-snaplen", SB_PROP_INT, F (capture_snaplen), 0, SNAPLEN_MAX, SNAPLEN_MAX, NULL },
  { "capture-promisc", SB_PROP_BOOL, F (capture_promisc), 0, 0, FALSE, NULL },
  { "capture-immediate", SB_PROP_BOOL, F (capture_immediate), 0, 0, FALSE, NULL },
  { "capture-output", SB_PROP_STRING, F (capture_output), 0, 0, 0, "" },
};
#undef F

static GParamSpec *properties[N_PROPS];

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Anything in the session changed. */
static void
content_changed (SbSession *self)
{
  self->serial++;
  if (!self->dirty)
    {
      self->dirty = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRTY]);
    }
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
list_changed_cb (GListModel *model,
                 guint       position,
                 guint       removed,
                 guint       added,
                 SbSession  *self)
{
  content_changed (self);
}

static void
sb_session_dispose (GObject *object)
{
  SbSession *self = SB_SESSION (object);

  sb_list_clear_observed (&self->sockets, self);
  sb_list_clear_observed (&self->payloads, self);
  g_clear_object (&self->file);
  G_OBJECT_CLASS (sb_session_parent_class)->dispose (object);
}

static void
sb_session_finalize (GObject *object)
{
  sb_props_finalize (object, prop_table, N_TABLE_PROPS - 1);
  G_OBJECT_CLASS (sb_session_parent_class)->finalize (object);
}

static void
sb_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  SbSession *self = SB_SESSION (object);

  if (prop_id > 0 && prop_id < N_TABLE_PROPS)
    sb_props_get_property (object, prop_id, value, pspec);
  else if (prop_id == PROP_DIRTY)
    g_value_set_boolean (value, self->dirty);
  else if (prop_id == PROP_FILE)
    g_value_set_object (value, self->file);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
sb_session_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  if (prop_id > 0 && prop_id < N_TABLE_PROPS)
    sb_props_set_property (object, prop_id, value, pspec);
  else if (prop_id == PROP_FILE)
    sb_session_set_file (SB_SESSION (object), g_value_get_object (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
sb_session_notify (GObject    *object,
                   GParamSpec *pspec)
{
  if (pspec != properties[PROP_DIRTY] && pspec != properties[PROP_FILE])
    content_changed (SB_SESSION (object));
}

static void
sb_session_class_init (SbSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sb_session_dispose;
  object_class->finalize = sb_session_finalize;
  object_class->get_property = sb_session_get_property;
  object_class->set_property = sb_session_set_property;
  object_class->notify = sb_session_notify;

  sb_props_install (object_class, prop_table, N_TABLE_PROPS - 1, properties);
  /* SbSession:dirty: changed since the last load or save. */
  properties[PROP_DIRTY] =
    g_param_spec_boolean ("dirty", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_property (object_class, PROP_DIRTY, properties[PROP_DIRTY]);
  g_object_class_install_property (object_class, PROP_FILE, properties[PROP_FILE]);

  /**
   * SbSession::changed:
   *
   * The session or anything in it changed (a socket, a step, a rule, a
   * payload, a capture setting).
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sb_session_init (SbSession *self)
{
  sb_props_init (self, prop_table, N_TABLE_PROPS - 1);
  self->sockets = g_list_store_new (SB_TYPE_SOCKET_SPEC);
  self->payloads = g_list_store_new (SB_TYPE_PAYLOAD_ENTRY);
  g_signal_connect (self->sockets, "items-changed", G_CALLBACK (list_changed_cb), self);
  g_signal_connect (self->payloads, "items-changed", G_CALLBACK (list_changed_cb), self);
}

SbSession *
sb_session_new (void)
{
  return g_object_new (SB_TYPE_SESSION, NULL);
}

/* ---- simple accessors -------------------------------------------------------- */

GFile *
sb_session_get_file (SbSession *self)
{
  g_return_val_if_fail (SB_IS_SESSION (self), NULL);
  return self->file;
}

void
sb_session_set_file (SbSession *self,
                     GFile     *file)
{
  g_return_if_fail (SB_IS_SESSION (self));
  g_return_if_fail (file == NULL || G_IS_FILE (file));

  if (g_set_object (&self->file, file))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
}

gboolean
sb_session_get_dirty (SbSession *self)
{
  g_return_val_if_fail (SB_IS_SESSION (self), FALSE);
  return self->dirty;
}

void
sb_session_set_dirty (SbSession *self,
                      gboolean   dirty)
{
  g_return_if_fail (SB_IS_SESSION (self));

  dirty = dirty != FALSE;
  if (self->dirty == dirty)
    return;
  self->dirty = dirty;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRTY]);
}

#define STRING_ACCESSORS(fld, PROP)                                            \
  const char *                                                                  \
  sb_session_get_##fld (SbSession *self)                                       \
  {                                                                             \
    g_return_val_if_fail (SB_IS_SESSION (self), NULL);                          \
    return self->fld;                                                          \
  }                                                                             \
  void                                                                          \
  sb_session_set_##fld (SbSession *self, const char *value)                    \
  {                                                                             \
    g_return_if_fail (SB_IS_SESSION (self));                                    \
    g_object_set (self, properties[PROP]->name, value, NULL);                   \
  }

#define BOOL_ACCESSORS(fld, PROP)                                              \
  gboolean                                                                      \
  sb_session_get_##fld (SbSession *self)                                       \
  {                                                                             \
    g_return_val_if_fail (SB_IS_SESSION (self), FALSE);                         \
    return self->fld;                                                          \
  }                                                                             \
  void                                                                          \
  sb_session_set_##fld (SbSession *self, gboolean value)                       \
  {                                                                             \
    g_return_if_fail (SB_IS_SESSION (self));                                    \
    g_object_set (self, properties[PROP]->name, value != FALSE, NULL);          \
  }

STRING_ACCESSORS (description, PROP_DESCRIPTION)
STRING_ACCESSORS (capture_interface, PROP_CAPTURE_INTERFACE)
STRING_ACCESSORS (capture_filter, PROP_CAPTURE_FILTER)
STRING_ACCESSORS (capture_output, PROP_CAPTURE_OUTPUT)
BOOL_ACCESSORS (capture_promisc, PROP_CAPTURE_PROMISC)
BOOL_ACCESSORS (capture_immediate, PROP_CAPTURE_IMMEDIATE)

int
sb_session_get_capture_snaplen (SbSession *self)
{
  g_return_val_if_fail (SB_IS_SESSION (self), 0);
  return self->capture_snaplen;
}

void
sb_session_set_capture_snaplen (SbSession *self,
                                int        snaplen)
{
  g_return_if_fail (SB_IS_SESSION (self));
  g_object_set (self, "capture-snaplen", snaplen, NULL);
}

/* ---- sockets and payloads -------------------------------------------------- */

GListModel *
sb_session_get_sockets (SbSession *self)
{
  g_return_val_if_fail (SB_IS_SESSION (self), NULL);
  return G_LIST_MODEL (self->sockets);
}

guint
sb_session_get_n_sockets (SbSession *self)
{
  g_return_val_if_fail (SB_IS_SESSION (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->sockets));
}

SbSocketSpec *
sb_session_get_socket (SbSession *self,
                       guint      index)
{
  g_return_val_if_fail (SB_IS_SESSION (self), NULL);
  return sb_list_peek (self->sockets, index);
}

SbSocketSpec *
sb_session_find_socket (SbSession  *self,
                        const char *name)
{
  guint n;

  g_return_val_if_fail (SB_IS_SESSION (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  n = sb_session_get_n_sockets (self);
  for (guint i = 0; i < n; i++)
    {
      SbSocketSpec *spec = sb_session_get_socket (self, i);

      if (g_str_equal (sb_socket_spec_get_name (spec), name))
        return spec;
    }
  return NULL;
}

void
sb_session_insert_socket (SbSession    *self,
                          guint         position,
                          SbSocketSpec *spec)
{
  g_return_if_fail (SB_IS_SESSION (self));
  g_return_if_fail (SB_IS_SOCKET_SPEC (spec));
  sb_list_insert_observed (self->sockets, position, spec, self, G_CALLBACK (content_changed));
}

void
sb_session_append_socket (SbSession    *self,
                          SbSocketSpec *spec)
{
  sb_session_insert_socket (self, G_MAXUINT, spec);
}

void
sb_session_remove_socket (SbSession *self,
                          guint      position)
{
  g_return_if_fail (SB_IS_SESSION (self));
  g_return_if_fail (position < sb_session_get_n_sockets (self));
  sb_list_remove_observed (self->sockets, position, self);
}

void
sb_session_move_socket (SbSession *self,
                        guint      from,
                        guint      to)
{
  g_return_if_fail (SB_IS_SESSION (self));
  g_return_if_fail (from < sb_session_get_n_sockets (self));
  sb_list_move_observed (self->sockets, from, to);
}

char *
sb_session_dup_unique_socket_name (SbSession  *self,
                                   const char *base)
{
  g_return_val_if_fail (SB_IS_SESSION (self), NULL);
  g_return_val_if_fail (base != NULL, NULL);

  if (sb_session_find_socket (self, base) == NULL)
    return g_strdup (base);
  for (guint i = 2;; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s %u", base, i);

      if (sb_session_find_socket (self, name) == NULL)
        return g_steal_pointer (&name);
    }
}

GListModel *
sb_session_get_payloads (SbSession *self)
{
  g_return_val_if_fail (SB_IS_SESSION (self), NULL);
  return G_LIST_MODEL (self->payloads);
}

SbPayloadEntry *
sb_session_find_payload (SbSession  *self,
                         const char *name)
{
  guint n;

  g_return_val_if_fail (SB_IS_SESSION (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->payloads));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbPayloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->payloads), i);

      if (g_str_equal (sb_payload_entry_get_name (entry), name))
        return entry;   /* the store keeps a reference */
    }
  return NULL;
}

void
sb_session_append_payload (SbSession      *self,
                           SbPayloadEntry *entry)
{
  g_return_if_fail (SB_IS_SESSION (self));
  g_return_if_fail (SB_IS_PAYLOAD_ENTRY (entry));
  sb_list_insert_observed (self->payloads, G_MAXUINT, entry, self, G_CALLBACK (content_changed));
}

void
sb_session_remove_payload (SbSession *self,
                           guint      position)
{
  g_return_if_fail (SB_IS_SESSION (self));
  g_return_if_fail (position < g_list_model_get_n_items (G_LIST_MODEL (self->payloads)));
  sb_list_remove_observed (self->payloads, position, self);
}

GBytes *
sb_session_dup_payload_bytes (SbSession  *self,
                              const char *name,
                              GError    **error)
{
  SbPayloadEntry *entry;

  g_return_val_if_fail (SB_IS_SESSION (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  entry = sb_session_find_payload (self, name);
  if (entry == NULL)
    {
      g_set_error (error, SB_SESSION_ERROR, SB_SESSION_ERROR_INVALID,
                   _("There is no payload “%s” in the session's library"), name);
      return NULL;
    }
  return sb_payload_parse (sb_payload_entry_get_format (entry) == SB_DATA_HEX ? SB_PAYLOAD_HEX
                                                                              : SB_PAYLOAD_TEXT,
                           sb_payload_entry_get_data (entry), -1, NULL, error);
}

/* ---- saving ------------------------------------------------------------------- */

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

static void
add_int (JsonBuilder *b,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_bool (JsonBuilder *b,
          const char  *name,
          gboolean     value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, value);
}

static void
save_step (JsonBuilder *b,
           SbStep      *step)
{
  SbStepKind kind = sb_step_get_kind (step);
  int timeout = sb_step_get_timeout_ms (step);
  gboolean address = FALSE, has_timeout = FALSE;

  json_builder_begin_object (b);
  add_string (b, "kind", sb_step_kind_to_string (kind));
  if (sb_step_get_label (step)[0] != '\0')
    add_string (b, "label", sb_step_get_label (step));

  switch (kind)
    {
    case SB_STEP_BIND:
      address = TRUE;
      break;
    case SB_STEP_LISTEN:
      if (sb_step_get_backlog (step) >= 0)
        add_int (b, "backlog", sb_step_get_backlog (step));
      break;
    case SB_STEP_ACCEPT:
      has_timeout = TRUE;
      break;
    case SB_STEP_CONNECT:
      address = has_timeout = TRUE;
      break;
    case SB_STEP_SEND:
      add_string (b, "format", sb_data_format_to_string (sb_step_get_format (step)));
      add_string (b, "data", sb_step_get_data (step));
      address = has_timeout = TRUE;
      break;
    case SB_STEP_EXPECT:
      add_string (b, "match", sb_match_kind_to_string (sb_step_get_match (step)));
      add_string (b, "pattern", sb_step_get_pattern (step));
      has_timeout = TRUE;
      break;
    case SB_STEP_RECEIVE:
      add_int (b, "size", sb_step_get_size (step));
      has_timeout = TRUE;
      break;
    case SB_STEP_WAIT:
      add_int (b, "ms", sb_step_get_ms (step));
      break;
    case SB_STEP_SHUTDOWN:
      add_string (b, "how", sb_shutdown_how_to_string (sb_step_get_how (step)));
      break;
    case SB_STEP_CLOSE:
    case SB_N_STEP_KINDS:
    default:
      break;
    }

  if (address)
    {
      if (sb_step_get_host (step)[0] != '\0')
        add_string (b, "host", sb_step_get_host (step));
      if (sb_step_get_port (step) >= 0)
        add_int (b, "port", sb_step_get_port (step));
      if (kind != SB_STEP_BIND && sb_step_get_port_from (step)[0] != '\0')
        add_string (b, "port_from", sb_step_get_port_from (step));
    }
  if (has_timeout && timeout != SB_STEP_TIMEOUT_INHERIT)
    add_int (b, "timeout_ms", timeout);
  json_builder_end_object (b);
}

static void
save_socket (JsonBuilder  *b,
             SbSocketSpec *spec)
{
  GListModel *steps = sb_socket_spec_get_steps (spec);
  GListModel *rules = sb_socket_spec_get_reply_rules (spec);
  guint n;

  json_builder_begin_object (b);
  add_string (b, "name", sb_socket_spec_get_name (spec));
  add_string (b, "family", sb_family_to_string (sb_socket_spec_get_family (spec)));
  add_string (b, "type", sb_socket_type_to_string (sb_socket_spec_get_socket_type (spec)));
  add_int (b, "protocol", sb_socket_spec_get_protocol (spec));

  json_builder_set_member_name (b, "options");
  json_builder_begin_object (b);
  add_bool (b, "reuse_address", sb_socket_spec_get_reuse_address (spec));
  add_bool (b, "broadcast", sb_socket_spec_get_broadcast (spec));
  add_bool (b, "no_delay", sb_socket_spec_get_no_delay (spec));
  add_bool (b, "keepalive", sb_socket_spec_get_keepalive (spec));
  add_int (b, "rcvbuf", sb_socket_spec_get_rcvbuf (spec));
  add_int (b, "sndbuf", sb_socket_spec_get_sndbuf (spec));
  add_int (b, "ttl", sb_socket_spec_get_ttl (spec));
  json_builder_set_member_name (b, "multicast_groups");
  json_builder_begin_array (b);
  n = sb_socket_spec_get_n_multicast_groups (spec);
  for (guint i = 0; i < n; i++)
    {
      const char *group, *iface;

      sb_socket_spec_get_multicast_group (spec, i, &group, &iface);
      json_builder_begin_object (b);
      add_string (b, "group", group);
      add_string (b, "iface", iface);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "bind");
  json_builder_begin_object (b);
  add_string (b, "host", sb_socket_spec_get_bind_host (spec));
  add_int (b, "port", sb_socket_spec_get_bind_port (spec));
  json_builder_end_object (b);

  json_builder_set_member_name (b, "remote");
  json_builder_begin_object (b);
  add_string (b, "host", sb_socket_spec_get_remote_host (spec));
  add_int (b, "port", sb_socket_spec_get_remote_port (spec));
  add_string (b, "port_from", sb_socket_spec_get_remote_port_from (spec));
  json_builder_end_object (b);

  add_int (b, "backlog", sb_socket_spec_get_backlog (spec));
  add_int (b, "timeout_ms", sb_socket_spec_get_timeout_ms (spec));
  add_int (b, "receive_size", sb_socket_spec_get_receive_size (spec));
  add_bool (b, "auto_receive", sb_socket_spec_get_auto_receive (spec));

  json_builder_set_member_name (b, "auto_replies");
  json_builder_begin_array (b);
  n = g_list_model_get_n_items (rules);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbReplyRule) rule = g_list_model_get_item (rules, i);

      json_builder_begin_object (b);
      add_string (b, "match", sb_match_kind_to_string (sb_reply_rule_get_match (rule)));
      add_string (b, "pattern", sb_reply_rule_get_pattern (rule));
      add_string (b, "format", sb_data_format_to_string (sb_reply_rule_get_format (rule)));
      add_string (b, "reply", sb_reply_rule_get_reply (rule));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "steps");
  json_builder_begin_array (b);
  n = g_list_model_get_n_items (steps);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbStep) step = g_list_model_get_item (steps, i);

      save_step (b, step);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

char *
sb_session_to_data (SbSession *self,
                    gsize     *length)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  char *data;
  gsize len;
  guint n;

  g_return_val_if_fail (SB_IS_SESSION (self), NULL);

  json_builder_begin_object (b);
  add_string (b, "format", SB_SESSION_FORMAT);
  add_int (b, "version", SB_SESSION_VERSION);
  add_string (b, "description", self->description);

  json_builder_set_member_name (b, "sockets");
  json_builder_begin_array (b);
  n = sb_session_get_n_sockets (self);
  for (guint i = 0; i < n; i++)
    save_socket (b, sb_session_get_socket (self, i));
  json_builder_end_array (b);

  json_builder_set_member_name (b, "payloads");
  json_builder_begin_array (b);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->payloads));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbPayloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->payloads), i);

      json_builder_begin_object (b);
      add_string (b, "name", sb_payload_entry_get_name (entry));
      add_string (b, "format", sb_data_format_to_string (sb_payload_entry_get_format (entry)));
      add_string (b, "data", sb_payload_entry_get_data (entry));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "capture");
  json_builder_begin_object (b);
  add_string (b, "interface", self->capture_interface);
  add_string (b, "filter", self->capture_filter);
  add_int (b, "snaplen", self->capture_snaplen);
  add_bool (b, "promisc", self->capture_promisc);
  add_bool (b, "immediate", self->capture_immediate);
  add_string (b, "output", self->capture_output);
  json_builder_end_object (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_indent_char (generator, ' ');
  text = json_generator_to_data (generator, &len);

  data = g_malloc (len + 2);
  memcpy (data, text, len);
  data[len] = '\n';
  data[len + 1] = '\0';
  if (length != NULL)
    *length = len + 1;
  return data;
}

gboolean
sb_session_save (SbSession    *self,
                 GFile        *file,
                 GCancellable *cancellable,
                 GError      **error)
{
  guint64 serial;
  g_autofree char *data = NULL;
  gsize len;

  g_return_val_if_fail (SB_IS_SESSION (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  serial = self->serial;
  data = sb_session_to_data (self, &len);
  /* GIO writes a temporary file beside it and renames it over the old one */
  if (!g_file_replace_contents (file, data, len, NULL, FALSE, G_FILE_CREATE_NONE, NULL,
                                cancellable, error))
    return FALSE;
  sb_session_set_file (self, file);
  if (self->serial == serial)
    sb_session_set_dirty (self, FALSE);
  return TRUE;
}

typedef struct
{
  GBytes  *bytes;
  guint64  serial;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_bytes_unref (data->bytes);
  g_free (data);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveData *data = task_data;
  GFile *file = g_object_get_data (G_OBJECT (task), "file");
  GError *error = NULL;

  if (g_file_replace_contents (file, g_bytes_get_data (data->bytes, NULL),
                               g_bytes_get_size (data->bytes), NULL, FALSE, G_FILE_CREATE_NONE,
                               NULL, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
sb_session_save_async (SbSession          *self,
                       GFile              *file,
                       GCancellable       *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  SaveData *data;
  char *text;
  gsize len;

  g_return_if_fail (SB_IS_SESSION (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_session_save_async);
  data = g_new0 (SaveData, 1);
  data->serial = self->serial;
  text = sb_session_to_data (self, &len);
  data->bytes = g_bytes_new_take (text, len);
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);
  g_object_set_data_full (G_OBJECT (task), "file", g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, save_thread);
}

gboolean
sb_session_save_finish (SbSession    *self,
                        GAsyncResult *result,
                        GError      **error)
{
  SaveData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  data = g_task_get_task_data (G_TASK (result));
  sb_session_set_file (self, g_object_get_data (G_OBJECT (result), "file"));
  if (self->serial == data->serial)
    sb_session_set_dirty (self, FALSE);
  return TRUE;
}

/* ---- loading ------------------------------------------------------------------ */

typedef struct
{
  const char *data;
  gsize       len;
  SbJsonSeg   path[SB_SESSION_MAX_DEPTH + 2];
  guint       depth;
  GError    **error;
  SbSession  *session;
  GHashTable *socket_names;   /* every socket's name, for port_from */
} Loader;

static gboolean
lfail (Loader        *L,
       SbSessionError code,
       const char    *format,
       ...) G_GNUC_PRINTF (3, 4);

/* Fail at the value of the current path. */
static gboolean
lfail (Loader        *L,
       SbSessionError code,
       const char    *format,
       ...)
{
  g_autofree char *message = NULL;
  SbJsonPos pos;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  /* a missing member is reported where the object that lacks it starts */
  for (guint n = L->depth + 1; n > 0; n--)
    if (sb_json_scan_find (L->data, L->len, L->path, n - 1, &pos))
      break;
  g_set_error (L->error, SB_SESSION_ERROR, code, _("line %u, column %u: %s"), pos.line, pos.column,
               message);
  return FALSE;
}

static void
push_key (Loader     *L,
          const char *key)
{
  g_assert (L->depth < G_N_ELEMENTS (L->path));
  L->path[L->depth].key = key;
  L->path[L->depth].index = 0;
  L->depth++;
}

static void
push_index (Loader *L,
            guint   index)
{
  g_assert (L->depth < G_N_ELEMENTS (L->path));
  L->path[L->depth].key = NULL;
  L->path[L->depth].index = index;
  L->depth++;
}

static void
pop (Loader *L)
{
  g_assert (L->depth > 0);
  L->depth--;
}

static const char *
type_name (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      return _("an object");
    case JSON_NODE_ARRAY:
      return _("an array");
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
    default:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          return _("a string");
        case G_TYPE_BOOLEAN:
          return _("true or false");
        case G_TYPE_INT64:
          return _("a whole number");
        default:
          return _("a number");
        }
    }
}

/* A member, or NULL when it is absent or null (both mean the default). */
static JsonNode *
member (JsonObject *object,
        const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && !JSON_NODE_HOLDS_NULL (node) ? node : NULL;
}

static gboolean
get_string (Loader      *L,
            JsonObject  *object,
            const char  *name,
            const char **out)
{
  JsonNode *node = member (object, name);

  if (node == NULL)
    return TRUE;
  push_key (L, name);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return lfail (L, SB_SESSION_ERROR_INVALID, _("“%s” must be a string, not %s"), name,
                  type_name (node));
  *out = json_node_get_string (node);
  pop (L);
  return TRUE;
}

static gboolean
get_int (Loader     *L,
         JsonObject *object,
         const char *name,
         gint64      min,
         gint64      max,
         int        *out)
{
  JsonNode *node = member (object, name);
  gint64 v;

  if (node == NULL)
    return TRUE;
  push_key (L, name);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_DOUBLE)
        return lfail (L, SB_SESSION_ERROR_INVALID, _("“%s” must be a whole number"), name);
      return lfail (L, SB_SESSION_ERROR_INVALID, _("“%s” must be a number, not %s"), name,
                    type_name (node));
    }
  v = json_node_get_int (node);
  if (v < min || v > max)
    {
      if (min == 0 && v < 0)
        return lfail (L, SB_SESSION_ERROR_INVALID, _("“%s” is %lld: it cannot be negative (at most %lld)"),
                      name, (long long) v, (long long) max);
      return lfail (L, SB_SESSION_ERROR_INVALID,
                    _("“%s” is %lld: it must be from %lld to %lld"),
                    name, (long long) v, (long long) min, (long long) max);
    }
  *out = (int) v;
  pop (L);
  return TRUE;
}

static gboolean
get_bool (Loader     *L,
          JsonObject *object,
          const char *name,
          gboolean   *out)
{
  JsonNode *node = member (object, name);

  if (node == NULL)
    return TRUE;
  push_key (L, name);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return lfail (L, SB_SESSION_ERROR_INVALID, _("“%s” must be true or false, not %s"), name,
                  type_name (node));
  *out = json_node_get_boolean (node);
  pop (L);
  return TRUE;
}

/* A string that must be one of the first @n of @names (a NULL-terminated
 * list; -1: all of them). */
static gboolean
get_enum (Loader            *L,
          JsonObject        *object,
          const char        *name,
          const char *const *names,
          int                n,
          const char        *what,
          int               *out)
{
  const char *value = NULL;

  if (!get_string (L, object, name, &value))
    return FALSE;
  if (value == NULL)
    return TRUE;
  for (int i = 0; names[i] != NULL && (n < 0 || i < n); i++)
    if (g_str_equal (value, names[i]))
      {
        *out = i;
        return TRUE;
      }
  {
    g_autoptr(GStrvBuilder) shown_names = g_strv_builder_new ();
    g_auto(GStrv) some = NULL;
    g_autofree char *list = NULL;

    for (int i = 0; names[i] != NULL && (n < 0 || i < n); i++)
      g_strv_builder_add (shown_names, names[i]);
    some = g_strv_builder_end (shown_names);
    list = g_strjoinv (", ", some);
    g_autofree char *shown = sb_bytes_excerpt ((const guint8 *) value, strlen (value), 40);

    push_key (L, name);
    return lfail (L, SB_SESSION_ERROR_INVALID, _("unknown %s %s: use one of %s"), what, shown, list);
  }
}

static gboolean
get_object (Loader      *L,
            JsonObject  *object,
            const char  *name,
            JsonObject **out)
{
  JsonNode *node = member (object, name);

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      push_key (L, name);
      return lfail (L, SB_SESSION_ERROR_INVALID, _("“%s” must be an object { … }, not %s"), name,
                    type_name (node));
    }
  *out = json_node_get_object (node);
  return TRUE;
}

static gboolean
get_array (Loader     *L,
           JsonObject *object,
           const char *name,
           JsonArray **out)
{
  JsonNode *node = member (object, name);

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      push_key (L, name);
      return lfail (L, SB_SESSION_ERROR_INVALID, _("“%s” must be an array [ … ], not %s"), name,
                    type_name (node));
    }
  *out = json_node_get_array (node);
  return TRUE;
}

/* The object at index @i of @array (the path has the index pushed). */
static gboolean
element_object (Loader      *L,
                JsonArray   *array,
                guint        i,
                const char  *what,
                JsonObject **out)
{
  JsonNode *node = json_array_get_element (array, i);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return lfail (L, SB_SESSION_ERROR_INVALID, _("each %s must be an object { … }, not %s"), what,
                  type_name (node));
  *out = json_node_get_object (node);
  return TRUE;
}

static const char *const family_names[] = { "ipv4", "ipv6", "packet", NULL };
static const char *const type_names[] = { "stream", "datagram", "raw", NULL };

/* A text or hex template (data of a send, a reply, a payload). */
static gboolean
check_template (Loader      *L,
                const char  *member_name,
                SbDataFormat format,
                const char  *text,
                gboolean     references)
{
  g_autoptr(GError) local = NULL;

  if (!references && sb_template_has_references (text))
    {
      g_autoptr(GBytes) bytes = sb_payload_parse (format == SB_DATA_HEX ? SB_PAYLOAD_HEX
                                                                        : SB_PAYLOAD_TEXT,
                                                  text, -1, NULL, &local);
      if (bytes != NULL)
        return TRUE;
    }
  else if (sb_template_check (format, text, &local))
    return TRUE;
  push_key (L, member_name);
  return lfail (L, SB_SESSION_ERROR_INVALID, "%s", local->message);
}

static gboolean
check_pattern (Loader      *L,
               SbMatchKind  kind,
               const char  *pattern)
{
  g_autoptr(GError) local = NULL;

  if (sb_pattern_check (kind, pattern, &local))
    return TRUE;
  push_key (L, "pattern");
  return lfail (L, SB_SESSION_ERROR_INVALID, "%s", local->message);
}

/* (A socket may name itself: a datagram socket that sends to its own port.) */
static gboolean
check_port_from (Loader     *L,
                 const char *member_name,
                 const char *value)
{
  if (value[0] == '\0')
    return TRUE;
  push_key (L, member_name);
  if (!g_hash_table_contains (L->socket_names, value))
    return lfail (L, SB_SESSION_ERROR_INVALID,
                  _("“%s” names the socket “%s”, which the session does not have"), member_name,
                  value);
  pop (L);
  return TRUE;
}

static gboolean
load_step (Loader       *L,
           JsonObject   *o,
           SbSocketSpec *spec,
           guint         index)
{
  g_autoptr(SbStep) step = NULL;
  int kind = -1, port = SB_STEP_PORT_UNSET, backlog = SB_STEP_BACKLOG_UNSET;
  int format = SB_DATA_TEXT, match = SB_MATCH_CONTAINS, how = SB_SHUTDOWN_WRITE;
  int timeout = SB_STEP_TIMEOUT_INHERIT, ms = 0, size = 0;
  const char *label = "", *host = "", *port_from = "", *data = "", *pattern = "";

  if (!get_enum (L, o, "kind", sb_step_kind_names (), -1, _("step kind"), &kind))
    return FALSE;
  if (kind < 0)
    return lfail (L, SB_SESSION_ERROR_INVALID,
                  _("step %u has no “kind”: bind, listen, accept, connect, send, expect, receive, "
                  "wait, shutdown or close"), index + 1);
  if (!get_string (L, o, "label", &label))
    return FALSE;

  switch ((SbStepKind) kind)
    {
    case SB_STEP_BIND:
    case SB_STEP_CONNECT:
    case SB_STEP_SEND:
      if (!get_string (L, o, "host", &host)
          || !get_int (L, o, "port", 0, 65535, &port))
        return FALSE;
      if (kind != SB_STEP_BIND
          && (!get_string (L, o, "port_from", &port_from)
              || !check_port_from (L, "port_from", port_from)))
        return FALSE;
      break;
    default:
      break;
    }

  switch ((SbStepKind) kind)
    {
    case SB_STEP_LISTEN:
      if (!get_int (L, o, "backlog", 0, 65535, &backlog))
        return FALSE;
      break;

    case SB_STEP_SEND:
      if (!get_enum (L, o, "format", sb_data_format_names (), -1, _("data format"), &format)
          || !get_string (L, o, "data", &data))
        return FALSE;
      if (format == SB_DATA_TEXT || format == SB_DATA_HEX)
        {
          if (!check_template (L, "data", format, data, TRUE))
            return FALSE;
        }
      else if (data[0] == '\0')
        {
          push_key (L, "data");
          return lfail (L, SB_SESSION_ERROR_INVALID, format == SB_DATA_FILE
                        ? _("a send of a file needs the file's path in “data”")
                        : _("a send of a library payload needs the payload's name in “data”"));
        }
      else if (format == SB_DATA_PAYLOAD && sb_session_find_payload (L->session, data) == NULL)
        {
          push_key (L, "data");
          return lfail (L, SB_SESSION_ERROR_INVALID,
                        _("there is no payload “%s” in the session's “payloads”"), data);
        }
      break;

    case SB_STEP_EXPECT:
      if (!get_enum (L, o, "match", sb_match_kind_names (), -1, _("match kind"), &match)
          || !get_string (L, o, "pattern", &pattern)
          || !check_pattern (L, match, pattern))
        return FALSE;
      break;

    case SB_STEP_RECEIVE:
      if (!get_int (L, o, "size", 0, SB_STEP_MAX_SIZE, &size))
        return FALSE;
      break;

    case SB_STEP_WAIT:
      if (!get_int (L, o, "ms", 0, SB_STEP_MAX_WAIT_MS, &ms))
        return FALSE;
      break;

    case SB_STEP_SHUTDOWN:
      if (!get_enum (L, o, "how", sb_shutdown_how_names (), -1, _("shutdown direction"), &how))
        return FALSE;
      break;

    case SB_STEP_BIND:
    case SB_STEP_ACCEPT:
    case SB_STEP_CONNECT:
    case SB_STEP_CLOSE:
    case SB_N_STEP_KINDS:
    default:
      break;
    }

  if ((kind == SB_STEP_ACCEPT || kind == SB_STEP_CONNECT || kind == SB_STEP_SEND
       || kind == SB_STEP_EXPECT || kind == SB_STEP_RECEIVE)
      && !get_int (L, o, "timeout_ms", -1, G_MAXINT, &timeout))
    return FALSE;

  step = g_object_new (SB_TYPE_STEP, "kind", kind, "label", label, "host", host, "port", port,
                       "port-from", port_from, "backlog", backlog, "format", format, "data", data,
                       "match", match, "pattern", pattern, "timeout-ms", timeout, "ms", ms,
                       "how", how, "size", size, NULL);
  sb_socket_spec_append_step (spec, step);
  return TRUE;
}

static gboolean
load_socket (Loader     *L,
             JsonObject *o,
             guint       index,
             GHashTable *seen)
{
  g_autoptr(SbSocketSpec) spec = NULL;
  g_autofree char *default_name = g_strdup_printf ("socket %u", index + 1);
  g_autoptr(GError) local = NULL;
  const char *name = NULL;
  int family = SB_FAMILY_IPV4, type = SB_SOCKET_STREAM, protocol = 0;
  JsonObject *options, *bind, *remote;
  JsonArray *array;
  JsonNode *node;

  if (!get_string (L, o, "name", &name))
    return FALSE;
  if (name == NULL || name[0] == '\0')
    name = default_name;
  if (g_hash_table_contains (seen, name))
    {
      push_key (L, "name");
      return lfail (L, SB_SESSION_ERROR_INVALID,
                    _("a second socket named “%s”: each socket needs its own name"), name);
    }
  g_hash_table_add (seen, (gpointer) name);

  if (!get_enum (L, o, "family", family_names, -1, _("socket family"), &family)
      || !get_enum (L, o, "type", type_names, -1, _("socket type"), &type))
    return FALSE;

  node = member (o, "protocol");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node)
      && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      push_key (L, "protocol");
      if (!sb_protocol_parse (json_node_get_string (node), family, &protocol, &local))
        return lfail (L, SB_SESSION_ERROR_INVALID, "%s", local->message);
      if (protocol < 0 || protocol > 65535)
        return lfail (L, SB_SESSION_ERROR_INVALID, _("“protocol” must be from 0 to 65535"));
      pop (L);
    }
  else if (!get_int (L, o, "protocol", 0, 65535, &protocol))
    return FALSE;

  if (!sb_socket_check_combination (family, type, protocol, &local))
    {
      push_key (L, member (o, "type") != NULL ? "type" : member (o, "family") != NULL ? "family"
                                                                                      : "name");
      return lfail (L, SB_SESSION_ERROR_INVALID, "%s", local->message);
    }

  spec = sb_socket_spec_new (name, family, type, protocol);

  if (!get_object (L, o, "options", &options))
    return FALSE;
  if (options != NULL)
    {
      gboolean reuse = FALSE, broadcast = FALSE, no_delay = FALSE, keepalive = FALSE;
      int rcvbuf = 0, sndbuf = 0, ttl = 0;

      push_key (L, "options");
      if (!get_bool (L, options, "reuse_address", &reuse)
          || !get_bool (L, options, "broadcast", &broadcast)
          || !get_bool (L, options, "no_delay", &no_delay)
          || !get_bool (L, options, "keepalive", &keepalive)
          || !get_int (L, options, "rcvbuf", 0, G_MAXINT, &rcvbuf)
          || !get_int (L, options, "sndbuf", 0, G_MAXINT, &sndbuf)
          || !get_int (L, options, "ttl", 0, 255, &ttl)
          || !get_array (L, options, "multicast_groups", &array))
        return FALSE;
      g_object_set (spec, "reuse-address", reuse, "broadcast", broadcast, "no-delay", no_delay,
                    "keepalive", keepalive, "rcvbuf", rcvbuf, "sndbuf", sndbuf, "ttl", ttl, NULL);
      if (array != NULL)
        {
          push_key (L, "multicast_groups");
          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonObject *g;
              const char *group = NULL, *iface = "";
              g_autoptr(GInetAddress) address = NULL;

              push_index (L, i);
              if (!element_object (L, array, i, _("multicast group"), &g)
                  || !get_string (L, g, "group", &group)
                  || !get_string (L, g, "iface", &iface))
                return FALSE;
              if (group == NULL)
                return lfail (L, SB_SESSION_ERROR_INVALID,
                              _("a multicast group needs its “group” address, e.g. 239.1.2.3"));
              address = g_inet_address_new_from_string (group);
              if (address == NULL || !g_inet_address_get_is_multicast (address))
                {
                  push_key (L, "group");
                  return lfail (L, SB_SESSION_ERROR_INVALID,
                                _("“%s” is not a multicast address (224.0.0.0/4 or ff00::/8)"),
                                group);
                }
              sb_socket_spec_add_multicast_group (spec, group, iface);
              pop (L);
            }
          pop (L);
        }
      pop (L);
    }

  if (!get_object (L, o, "bind", &bind))
    return FALSE;
  if (bind != NULL)
    {
      const char *host = "";
      int port = 0;

      push_key (L, "bind");
      if (!get_string (L, bind, "host", &host) || !get_int (L, bind, "port", 0, 65535, &port))
        return FALSE;
      g_object_set (spec, "bind-host", host, "bind-port", port, NULL);
      pop (L);
    }

  if (!get_object (L, o, "remote", &remote))
    return FALSE;
  if (remote != NULL)
    {
      const char *host = "", *port_from = "";
      int port = 0;

      push_key (L, "remote");
      if (!get_string (L, remote, "host", &host)
          || !get_int (L, remote, "port", 0, 65535, &port)
          || !get_string (L, remote, "port_from", &port_from)
          || !check_port_from (L, "port_from", port_from))
        return FALSE;
      g_object_set (spec, "remote-host", host, "remote-port", port, "remote-port-from", port_from,
                    NULL);
      pop (L);
    }

  {
    int backlog = sb_socket_spec_get_backlog (spec);
    int timeout = sb_socket_spec_get_timeout_ms (spec);
    int receive_size = 0;
    gboolean auto_receive = sb_socket_spec_get_auto_receive (spec);

    if (!get_int (L, o, "backlog", 0, 65535, &backlog)
        || !get_int (L, o, "timeout_ms", -1, G_MAXINT, &timeout)
        || !get_int (L, o, "receive_size", 0, SB_SPEC_MAX_RECEIVE_SIZE, &receive_size)
        || !get_bool (L, o, "auto_receive", &auto_receive))
      return FALSE;
    g_object_set (spec, "backlog", backlog, "timeout-ms", timeout, "receive-size", receive_size,
                  "auto-receive", auto_receive, NULL);
  }

  if (!get_array (L, o, "auto_replies", &array))
    return FALSE;
  if (array != NULL)
    {
      push_key (L, "auto_replies");
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonObject *r;
          int match = SB_MATCH_CONTAINS, format = SB_DATA_TEXT;
          const char *pattern = "", *reply = "";
          g_autoptr(SbReplyRule) rule = NULL;

          push_index (L, i);
          if (!element_object (L, array, i, _("auto-reply rule"), &r)
              || !get_enum (L, r, "match", sb_match_kind_names (), -1, _("match kind"), &match)
              || !get_string (L, r, "pattern", &pattern)
              || !check_pattern (L, match, pattern)
              /* text or hex: the first two formats */
              || !get_enum (L, r, "format", sb_data_format_names (), SB_DATA_HEX + 1,
                            _("reply format"), &format)
              || !get_string (L, r, "reply", &reply)
              || !check_template (L, "reply", format, reply, TRUE))
            return FALSE;
          rule = sb_reply_rule_new (match, pattern, format, reply);
          sb_socket_spec_append_reply_rule (spec, rule);
          pop (L);
        }
      pop (L);
    }

  if (!get_array (L, o, "steps", &array))
    return FALSE;
  if (array != NULL)
    {
      push_key (L, "steps");
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonObject *s;

          push_index (L, i);
          if (!element_object (L, array, i, _("step"), &s) || !load_step (L, s, spec, i))
            return FALSE;
          pop (L);
        }
      pop (L);
    }

  sb_session_append_socket (L->session, spec);
  return TRUE;
}

static gboolean
load_root (Loader   *L,
           JsonNode *root)
{
  JsonObject *o, *capture;
  JsonArray *array;
  JsonNode *node;
  const char *format = NULL, *description = "";
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return lfail (L, SB_SESSION_ERROR_NOT_A_SESSION,
                  _("this is not a Sockbench session: a session file is a JSON object "
                  "{ \"format\": \"%s\", \"version\": %d, … }, not %s"),
                  SB_SESSION_FORMAT, SB_SESSION_VERSION, type_name (root));
  o = json_node_get_object (root);

  node = member (o, "format");
  if (node == NULL)
    return lfail (L, SB_SESSION_ERROR_NOT_A_SESSION,
                  _("this is not a Sockbench session: it has no \"format\": \"%s\""),
                  SB_SESSION_FORMAT);
  if (!get_string (L, o, "format", &format))
    return FALSE;
  if (!g_str_equal (format, SB_SESSION_FORMAT))
    {
      g_autofree char *shown = sb_bytes_excerpt ((const guint8 *) format, strlen (format), 40);

      push_key (L, "format");
      return lfail (L, SB_SESSION_ERROR_NOT_A_SESSION,
                    _("this is not a Sockbench session: “format” is %s, not “%s”"), shown,
                    SB_SESSION_FORMAT);
    }

  node = member (o, "version");
  if (node == NULL)
    return lfail (L, SB_SESSION_ERROR_VERSION, _("the session has no “version” (this Sockbench "
                                               "writes version %d)"), SB_SESSION_VERSION);
  push_key (L, "version");
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return lfail (L, SB_SESSION_ERROR_VERSION, _("“version” must be a whole number, not %s"),
                  type_name (node));
  if (json_node_get_int (node) > SB_SESSION_VERSION)
    return lfail (L, SB_SESSION_ERROR_VERSION,
                  _("this session is version %lld of the file format, written by a "
                    "newer Sockbench; this one reads version %d: update Sockbench to open it"),
                  (long long) json_node_get_int (node), SB_SESSION_VERSION);
  if (json_node_get_int (node) < 1)
    return lfail (L, SB_SESSION_ERROR_VERSION, _("“version” is %lld: versions start at 1"),
                  (long long) json_node_get_int (node));
  pop (L);

  if (!get_string (L, o, "description", &description))
    return FALSE;
  sb_session_set_description (L->session, description);

  /* the library first: steps refer to it by name, wherever it is written */
  if (!get_array (L, o, "payloads", &array))
    return FALSE;
  if (array != NULL)
    {
      g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

      push_key (L, "payloads");
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonObject *p;
          const char *name = NULL, *data = "";
          int pformat = SB_DATA_TEXT;
          g_autoptr(SbPayloadEntry) entry = NULL;

          push_index (L, i);
          if (!element_object (L, array, i, _("payload"), &p)
              || !get_string (L, p, "name", &name)
              || !get_enum (L, p, "format", sb_data_format_names (), SB_DATA_HEX + 1,
                            _("payload format"), &pformat)
              || !get_string (L, p, "data", &data)
              || !check_template (L, "data", pformat, data, FALSE))
            return FALSE;
          if (name == NULL || name[0] == '\0')
            return lfail (L, SB_SESSION_ERROR_INVALID, _("a payload needs a “name”"));
          if (!g_hash_table_add (names, (gpointer) name))
            {
              push_key (L, "name");
              return lfail (L, SB_SESSION_ERROR_INVALID, _("a second payload named “%s”"), name);
            }
          entry = sb_payload_entry_new (name, pformat, data);
          sb_session_append_payload (L->session, entry);
          pop (L);
        }
      pop (L);
    }

  if (!get_array (L, o, "sockets", &array))
    return FALSE;
  if (array != NULL)
    {
      /* every name first, for port_from references to later sockets */
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *s = json_array_get_element (array, i);
          JsonNode *name = JSON_NODE_HOLDS_OBJECT (s)
                           ? member (json_node_get_object (s), "name") : NULL;

          if (name != NULL && JSON_NODE_HOLDS_VALUE (name)
              && json_node_get_value_type (name) == G_TYPE_STRING
              && json_node_get_string (name)[0] != '\0')
            g_hash_table_add (L->socket_names, g_strdup (json_node_get_string (name)));
          else
            g_hash_table_add (L->socket_names, g_strdup_printf ("socket %u", i + 1));
        }

      push_key (L, "sockets");
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonObject *s;

          push_index (L, i);
          if (!element_object (L, array, i, _("socket"), &s) || !load_socket (L, s, i, seen))
            return FALSE;
          pop (L);
        }
      pop (L);
    }

  if (!get_object (L, o, "capture", &capture))
    return FALSE;
  if (capture != NULL)
    {
      const char *iface = "", *filter = "", *output = "";
      int snaplen = SNAPLEN_MAX;
      gboolean promisc = FALSE, immediate = FALSE;

      push_key (L, "capture");
      if (!get_string (L, capture, "interface", &iface)
          || !get_string (L, capture, "filter", &filter)
          || !get_int (L, capture, "snaplen", 0, SNAPLEN_MAX, &snaplen)
          || !get_bool (L, capture, "promisc", &promisc)
          || !get_bool (L, capture, "immediate", &immediate)
          || !get_string (L, capture, "output", &output))
        return FALSE;
      g_object_set (L->session, "capture-interface", iface, "capture-filter", filter,
                    "capture-snaplen", snaplen, "capture-promisc", promisc,
                    "capture-immediate", immediate, "capture-output", output, NULL);
      pop (L);
    }
  return TRUE;
}

/* json-glib's own messages read "<data>:3:14: Parse error: …". */
static void
set_json_glib_error (GError    **error,
                     const char *message)
{
  guint line = 1, column = 1;
  const char *rest = message;

  if (g_str_has_prefix (message, "<data>:"))
    {
      char *end;

      line = strtoul (message + 7, &end, 10);
      if (*end == ':')
        column = strtoul (end + 1, &end, 10);
      if (*end == ':')
        rest = end + 1;
      while (*rest == ' ')
        rest++;
    }
  g_set_error (error, SB_SESSION_ERROR, SB_SESSION_ERROR_SYNTAX, _("line %u, column %u: %s"),
               MAX (line, 1), MAX (column, 1), rest);
}

SbSession *
sb_session_new_from_data (const char *data,
                          gsize       length,
                          GError    **error)
{
  g_autoptr(SbSession) session = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *message = NULL;
  SbJsonScanProblem problem;
  SbJsonPos pos;
  Loader L = { 0, };

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length > SB_SESSION_MAX_SIZE)
    {
      g_set_error (error, SB_SESSION_ERROR, SB_SESSION_ERROR_TOO_LARGE,
                   _("line 1, column 1: the file has %zu bytes; a session file "
                     "holds at most %d MiB"), (size_t) length, SB_SESSION_MAX_SIZE / (1024 * 1024));
      return NULL;
    }
  if (!sb_json_scan_check (data, length, SB_SESSION_MAX_DEPTH, &pos, &problem, &message))
    {
      g_set_error (error, SB_SESSION_ERROR,
                   problem == SB_JSON_SCAN_TOO_DEEP ? SB_SESSION_ERROR_TOO_DEEP
                                                    : SB_SESSION_ERROR_SYNTAX,
                   _("line %u, column %u: %s"), pos.line, pos.column, message);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, &local))
    {
      set_json_glib_error (error, local->message);
      return NULL;
    }

  session = sb_session_new ();
  L.data = data;
  L.len = length;
  L.error = error;
  L.session = session;
  L.socket_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (!load_root (&L, json_parser_get_root (parser)))
    {
      g_hash_table_unref (L.socket_names);
      return NULL;
    }
  g_hash_table_unref (L.socket_names);
  sb_session_set_dirty (session, FALSE);
  return g_steal_pointer (&session);
}

SbSession *
sb_session_new_from_file (GFile        *file,
                          GCancellable *cancellable,
                          GError      **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *data = NULL;
  SbSession *session;
  gsize len;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  /* refuse a huge file before reading it all */
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE,
                            cancellable, NULL);
  if (info != NULL && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE)
      && g_file_info_get_size (info) > SB_SESSION_MAX_SIZE)
    {
      g_set_error (error, SB_SESSION_ERROR, SB_SESSION_ERROR_TOO_LARGE,
                   _("line 1, column 1: the file has %lld bytes; a session file "
                     "holds at most %d MiB"), (long long) g_file_info_get_size (info),
                   SB_SESSION_MAX_SIZE / (1024 * 1024));
      return NULL;
    }
  if (!g_file_load_contents (file, cancellable, &data, &len, NULL, error))
    return NULL;
  session = sb_session_new_from_data (data, len, error);
  if (session != NULL)
    sb_session_set_file (session, file);
  return session;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  SbSession *session = sb_session_new_from_file (task_data, cancellable, &error);

  if (session != NULL)
    g_task_return_pointer (task, session, g_object_unref);
  else
    g_task_return_error (task, error);
}

void
sb_session_load_async (GFile              *file,
                       GCancellable       *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_session_load_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_thread);
}

SbSession *
sb_session_load_finish (GAsyncResult *result,
                        GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
