/* sb-socket-spec.c — the settings and steps of one socket in a session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sb-props.h"
#include "sb-socket-spec.h"

typedef struct
{
  char *group;
  char *iface;
} MulticastGroup;

struct _SbSocketSpec
{
  GObject     parent_instance;

  char       *name;
  int         family;
  int         type;
  int         protocol;
  gboolean    reuse_address;
  gboolean    broadcast;
  gboolean    no_delay;
  gboolean    keepalive;
  int         rcvbuf;
  int         sndbuf;
  int         ttl;
  char       *bind_host;
  int         bind_port;
  char       *remote_host;
  int         remote_port;
  char       *remote_port_from;
  int         backlog;
  int         timeout_ms;
  int         receive_size;
  gboolean    auto_receive;

  GArray     *groups;       /* of MulticastGroup */
  GListStore *steps;        /* of SbStep */
  GListStore *rules;        /* of SbReplyRule */
};

G_DEFINE_FINAL_TYPE (SbSocketSpec, sb_socket_spec, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_FAMILY,
  PROP_TYPE,
  PROP_PROTOCOL,
  PROP_REUSE_ADDRESS,
  PROP_BROADCAST,
  PROP_NO_DELAY,
  PROP_KEEPALIVE,
  PROP_RCVBUF,
  PROP_SNDBUF,
  PROP_TTL,
  PROP_BIND_HOST,
  PROP_BIND_PORT,
  PROP_REMOTE_HOST,
  PROP_REMOTE_PORT,
  PROP_REMOTE_PORT_FROM,
  PROP_BACKLOG,
  PROP_TIMEOUT_MS,
  PROP_RECEIVE_SIZE,
  PROP_AUTO_RECEIVE,
  N_PROPS
};

#define F(field) G_STRUCT_OFFSET (SbSocketSpec, field)
static const SbPropInfo prop_table[N_PROPS - 1] = {
  { "name", SB_PROP_STRING, F (name), 0, 0, 0, "" },
  { "family", SB_PROP_INT, F (family), 0, SB_FAMILY_PACKET, SB_FAMILY_IPV4, NULL },
  { "type", SB_PROP_INT, F (type), 0, SB_SOCKET_RAW, SB_SOCKET_STREAM, NULL },
  { "protocol", SB_PROP_INT, F (protocol), 0, 65535, 0, NULL },
  { "reuse-address", SB_PROP_BOOL, F (reuse_address), 0, 0, FALSE, NULL },
  { "broadcast", SB_PROP_BOOL, F (broadcast), 0, 0, FALSE, NULL },
  { "no-delay", SB_PROP_BOOL, F (no_delay), 0, 0, FALSE, NULL },
  { "keepalive", SB_PROP_BOOL, F (keepalive), 0, 0, FALSE, NULL },
  { "rcvbuf", SB_PROP_INT, F (rcvbuf), 0, G_MAXINT, 0, NULL },
  { "sndbuf", SB_PROP_INT, F (sndbuf), 0, G_MAXINT, 0, NULL },
  { "ttl", SB_PROP_INT, F (ttl), 0, 255, 0, NULL },
  { "bind-host", SB_PROP_STRING, F (bind_host), 0, 0, 0, "" },
  { "bind-port", SB_PROP_INT, F (bind_port), 0, 65535, 0, NULL },
  { "remote-host", SB_PROP_STRING, F (remote_host), 0, 0, 0, "" },
  { "remote-port", SB_PROP_INT, F (remote_port), 0, 65535, 0, NULL },
  { "remote-port-from", SB_PROP_STRING, F (remote_port_from), 0, 0, 0, "" },
  { "backlog", SB_PROP_INT, F (backlog), 0, 65535, 128, NULL },
  { "timeout-ms", SB_PROP_INT, F (timeout_ms), -1, G_MAXINT, SB_TIMEOUT_NONE, NULL },
  { "receive-size", SB_PROP_INT, F (receive_size), 0, SB_SPEC_MAX_RECEIVE_SIZE, 0, NULL },
  { "auto-receive", SB_PROP_BOOL, F (auto_receive), 0, 0, TRUE, NULL },
};
#undef F

static GParamSpec *properties[N_PROPS];

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
emit_changed (SbSocketSpec *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
list_changed_cb (GListModel   *model,
                 guint         position,
                 guint         removed,
                 guint         added,
                 SbSocketSpec *self)
{
  emit_changed (self);
}

static void
group_clear (gpointer data)
{
  MulticastGroup *g = data;

  g_clear_pointer (&g->group, g_free);
  g_clear_pointer (&g->iface, g_free);
}

static void
sb_socket_spec_dispose (GObject *object)
{
  SbSocketSpec *self = SB_SOCKET_SPEC (object);

  sb_list_clear_observed (&self->steps, self);
  sb_list_clear_observed (&self->rules, self);
  G_OBJECT_CLASS (sb_socket_spec_parent_class)->dispose (object);
}

static void
sb_socket_spec_finalize (GObject *object)
{
  SbSocketSpec *self = SB_SOCKET_SPEC (object);

  g_clear_pointer (&self->groups, g_array_unref);
  sb_props_finalize (object, prop_table, N_PROPS - 1);
  G_OBJECT_CLASS (sb_socket_spec_parent_class)->finalize (object);
}

static void
sb_socket_spec_notify (GObject    *object,
                       GParamSpec *pspec)
{
  emit_changed (SB_SOCKET_SPEC (object));
}

static void
sb_socket_spec_class_init (SbSocketSpecClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sb_socket_spec_dispose;
  object_class->finalize = sb_socket_spec_finalize;
  object_class->get_property = sb_props_get_property;
  object_class->set_property = sb_props_set_property;
  object_class->notify = sb_socket_spec_notify;
  sb_props_install (object_class, prop_table, N_PROPS - 1, properties);

  /**
   * SbSocketSpec::changed:
   *
   * The spec, one of its steps, rules or multicast groups changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sb_socket_spec_init (SbSocketSpec *self)
{
  sb_props_init (self, prop_table, N_PROPS - 1);
  self->groups = g_array_new (FALSE, TRUE, sizeof (MulticastGroup));
  g_array_set_clear_func (self->groups, group_clear);
  self->steps = g_list_store_new (SB_TYPE_STEP);
  self->rules = g_list_store_new (SB_TYPE_REPLY_RULE);
  g_signal_connect (self->steps, "items-changed", G_CALLBACK (list_changed_cb), self);
  g_signal_connect (self->rules, "items-changed", G_CALLBACK (list_changed_cb), self);
}

SbSocketSpec *
sb_socket_spec_new (const char  *name,
                    SbFamily     family,
                    SbSocketType type,
                    int          protocol)
{
  g_return_val_if_fail (family <= SB_FAMILY_PACKET, NULL);
  g_return_val_if_fail (type <= SB_SOCKET_RAW, NULL);
  g_return_val_if_fail (protocol >= 0 && protocol <= 65535, NULL);

  return g_object_new (SB_TYPE_SOCKET_SPEC, "name", name, "family", (int) family,
                       "type", (int) type, "protocol", protocol, NULL);
}

SbSocketSpec *
sb_socket_spec_copy (SbSocketSpec *self)
{
  SbSocketSpec *copy;
  guint n;

  g_return_val_if_fail (SB_IS_SOCKET_SPEC (self), NULL);

  copy = g_object_new (SB_TYPE_SOCKET_SPEC, NULL);
  sb_props_copy (copy, self, prop_table, N_PROPS - 1);
  for (guint i = 0; i < self->groups->len; i++)
    {
      MulticastGroup *g = &g_array_index (self->groups, MulticastGroup, i);

      sb_socket_spec_add_multicast_group (copy, g->group, g->iface);
    }
  n = g_list_model_get_n_items (G_LIST_MODEL (self->steps));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbStep) step = g_list_model_get_item (G_LIST_MODEL (self->steps), i);
      g_autoptr(SbStep) step_copy = sb_step_copy (step);

      sb_socket_spec_append_step (copy, step_copy);
    }
  n = g_list_model_get_n_items (G_LIST_MODEL (self->rules));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbReplyRule) rule = g_list_model_get_item (G_LIST_MODEL (self->rules), i);
      g_autoptr(SbReplyRule) rule_copy =
        sb_reply_rule_new (sb_reply_rule_get_match (rule), sb_reply_rule_get_pattern (rule),
                           sb_reply_rule_get_format (rule), sb_reply_rule_get_reply (rule));

      sb_socket_spec_append_reply_rule (copy, rule_copy);
    }
  return copy;
}

/* ---- accessors --------------------------------------------------------------- */

#define INT_ACCESSORS(ctype, fld, field, PROP)                                 \
  ctype                                                                         \
  sb_socket_spec_get_##fld (SbSocketSpec *self)                                \
  {                                                                             \
    g_return_val_if_fail (SB_IS_SOCKET_SPEC (self), (ctype) 0);                 \
    return (ctype) self->field;                                                 \
  }                                                                             \
  void                                                                          \
  sb_socket_spec_set_##fld (SbSocketSpec *self, ctype value)                   \
  {                                                                             \
    g_return_if_fail (SB_IS_SOCKET_SPEC (self));                                \
    g_object_set (self, properties[PROP]->name, (int) value, NULL);             \
  }

#define BOOL_ACCESSORS(fld, PROP)                                              \
  gboolean                                                                      \
  sb_socket_spec_get_##fld (SbSocketSpec *self)                                \
  {                                                                             \
    g_return_val_if_fail (SB_IS_SOCKET_SPEC (self), FALSE);                     \
    return self->fld;                                                          \
  }                                                                             \
  void                                                                          \
  sb_socket_spec_set_##fld (SbSocketSpec *self, gboolean value)                \
  {                                                                             \
    g_return_if_fail (SB_IS_SOCKET_SPEC (self));                                \
    g_object_set (self, properties[PROP]->name, value != FALSE, NULL);          \
  }

#define STRING_ACCESSORS(fld, PROP)                                            \
  const char *                                                                  \
  sb_socket_spec_get_##fld (SbSocketSpec *self)                                \
  {                                                                             \
    g_return_val_if_fail (SB_IS_SOCKET_SPEC (self), NULL);                      \
    return self->fld;                                                          \
  }                                                                             \
  void                                                                          \
  sb_socket_spec_set_##fld (SbSocketSpec *self, const char *value)             \
  {                                                                             \
    g_return_if_fail (SB_IS_SOCKET_SPEC (self));                                \
    g_object_set (self, properties[PROP]->name, value, NULL);                   \
  }

STRING_ACCESSORS (name, PROP_NAME)
INT_ACCESSORS (SbFamily, family, family, PROP_FAMILY)
INT_ACCESSORS (SbSocketType, socket_type, type, PROP_TYPE)
INT_ACCESSORS (int, protocol, protocol, PROP_PROTOCOL)
BOOL_ACCESSORS (reuse_address, PROP_REUSE_ADDRESS)
BOOL_ACCESSORS (broadcast, PROP_BROADCAST)
BOOL_ACCESSORS (no_delay, PROP_NO_DELAY)
BOOL_ACCESSORS (keepalive, PROP_KEEPALIVE)
INT_ACCESSORS (int, rcvbuf, rcvbuf, PROP_RCVBUF)
INT_ACCESSORS (int, sndbuf, sndbuf, PROP_SNDBUF)
INT_ACCESSORS (int, ttl, ttl, PROP_TTL)
STRING_ACCESSORS (bind_host, PROP_BIND_HOST)
INT_ACCESSORS (int, bind_port, bind_port, PROP_BIND_PORT)
STRING_ACCESSORS (remote_host, PROP_REMOTE_HOST)
INT_ACCESSORS (int, remote_port, remote_port, PROP_REMOTE_PORT)
STRING_ACCESSORS (remote_port_from, PROP_REMOTE_PORT_FROM)
INT_ACCESSORS (int, backlog, backlog, PROP_BACKLOG)
INT_ACCESSORS (int, timeout_ms, timeout_ms, PROP_TIMEOUT_MS)
INT_ACCESSORS (int, receive_size, receive_size, PROP_RECEIVE_SIZE)
BOOL_ACCESSORS (auto_receive, PROP_AUTO_RECEIVE)

/* ---- multicast groups -------------------------------------------------------- */

guint
sb_socket_spec_get_n_multicast_groups (SbSocketSpec *self)
{
  g_return_val_if_fail (SB_IS_SOCKET_SPEC (self), 0);
  return self->groups->len;
}

void
sb_socket_spec_get_multicast_group (SbSocketSpec *self,
                                    guint         index,
                                    const char  **group,
                                    const char  **iface)
{
  MulticastGroup *g;

  g_return_if_fail (SB_IS_SOCKET_SPEC (self));
  g_return_if_fail (index < self->groups->len);

  g = &g_array_index (self->groups, MulticastGroup, index);
  if (group != NULL)
    *group = g->group;
  if (iface != NULL)
    *iface = g->iface;
}

void
sb_socket_spec_add_multicast_group (SbSocketSpec *self,
                                    const char   *group,
                                    const char   *iface)
{
  MulticastGroup g;

  g_return_if_fail (SB_IS_SOCKET_SPEC (self));
  g_return_if_fail (group != NULL);

  g.group = g_strdup (group);
  g.iface = g_strdup (iface != NULL ? iface : "");
  g_array_append_val (self->groups, g);
  emit_changed (self);
}

void
sb_socket_spec_remove_multicast_group (SbSocketSpec *self,
                                       guint         index)
{
  g_return_if_fail (SB_IS_SOCKET_SPEC (self));
  g_return_if_fail (index < self->groups->len);

  g_array_remove_index (self->groups, index);
  emit_changed (self);
}

/* ---- steps ------------------------------------------------------------------- */

GListModel *
sb_socket_spec_get_steps (SbSocketSpec *self)
{
  g_return_val_if_fail (SB_IS_SOCKET_SPEC (self), NULL);
  return G_LIST_MODEL (self->steps);
}

guint
sb_socket_spec_get_n_steps (SbSocketSpec *self)
{
  g_return_val_if_fail (SB_IS_SOCKET_SPEC (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->steps));
}

SbStep *
sb_socket_spec_get_step (SbSocketSpec *self,
                         guint         index)
{
  g_return_val_if_fail (SB_IS_SOCKET_SPEC (self), NULL);
  return sb_list_peek (self->steps, index);
}

void
sb_socket_spec_insert_step (SbSocketSpec *self,
                            guint         position,
                            SbStep       *step)
{
  g_return_if_fail (SB_IS_SOCKET_SPEC (self));
  g_return_if_fail (SB_IS_STEP (step));
  sb_list_insert_observed (self->steps, position, step, self, G_CALLBACK (emit_changed));
}

void
sb_socket_spec_append_step (SbSocketSpec *self,
                            SbStep       *step)
{
  sb_socket_spec_insert_step (self, G_MAXUINT, step);
}

void
sb_socket_spec_remove_step (SbSocketSpec *self,
                            guint         position)
{
  g_return_if_fail (SB_IS_SOCKET_SPEC (self));
  g_return_if_fail (position < sb_socket_spec_get_n_steps (self));
  sb_list_remove_observed (self->steps, position, self);
}

void
sb_socket_spec_move_step (SbSocketSpec *self,
                          guint         from,
                          guint         to)
{
  g_return_if_fail (SB_IS_SOCKET_SPEC (self));
  g_return_if_fail (from < sb_socket_spec_get_n_steps (self));
  sb_list_move_observed (self->steps, from, to);
}

/* ---- auto-reply rules ------------------------------------------------------ */

GListModel *
sb_socket_spec_get_reply_rules (SbSocketSpec *self)
{
  g_return_val_if_fail (SB_IS_SOCKET_SPEC (self), NULL);
  return G_LIST_MODEL (self->rules);
}

void
sb_socket_spec_insert_reply_rule (SbSocketSpec *self,
                                  guint         position,
                                  SbReplyRule  *rule)
{
  g_return_if_fail (SB_IS_SOCKET_SPEC (self));
  g_return_if_fail (SB_IS_REPLY_RULE (rule));
  sb_list_insert_observed (self->rules, position, rule, self, G_CALLBACK (emit_changed));
}

void
sb_socket_spec_append_reply_rule (SbSocketSpec *self,
                                  SbReplyRule  *rule)
{
  sb_socket_spec_insert_reply_rule (self, G_MAXUINT, rule);
}

void
sb_socket_spec_remove_reply_rule (SbSocketSpec *self,
                                  guint         position)
{
  g_return_if_fail (SB_IS_SOCKET_SPEC (self));
  g_return_if_fail (position < g_list_model_get_n_items (G_LIST_MODEL (self->rules)));
  sb_list_remove_observed (self->rules, position, self);
}

static void
append_host_port (GString    *s,
                  const char *host,
                  int         port,
                  const char *port_from)
{
  g_string_append_c (s, ' ');
  if (strchr (host, ':') != NULL)
    g_string_append_printf (s, "[%s]", host);
  else
    g_string_append (s, host[0] != '\0' ? host : "*");
  if (port_from[0] != '\0')
    g_string_append_printf (s, ":<port of %s>", port_from);
  else
    g_string_append_printf (s, ":%d", port);
}

char *
sb_socket_spec_dup_step_summary (SbSocketSpec *self,
                                 SbStep       *step)
{
  GString *s;
  const char *host, *port_from;
  int port;

  g_return_val_if_fail (SB_IS_SOCKET_SPEC (self), NULL);
  g_return_val_if_fail (SB_IS_STEP (step), NULL);

  host = sb_step_get_host (step);
  port = sb_step_get_port (step);
  port_from = sb_step_get_port_from (step);
  if (sb_step_get_label (step)[0] != '\0' || host[0] != '\0' || port >= 0 || port_from[0] != '\0')
    return sb_step_dup_summary (step);

  switch (sb_step_get_kind (step))
    {
    case SB_STEP_BIND:
      s = g_string_new ("bind");
      append_host_port (s, self->bind_host, self->bind_port, "");
      return g_string_free (s, FALSE);
    case SB_STEP_CONNECT:
      s = g_string_new ("connect");
      append_host_port (s, self->remote_host, self->remote_port, self->remote_port_from);
      return g_string_free (s, FALSE);
    case SB_STEP_LISTEN:
      if (sb_step_get_backlog (step) < 0)
        return g_strdup_printf ("listen %d", self->backlog);
      break;
    default:
      break;
    }
  return sb_step_dup_summary (step);
}

SbSocket *
sb_socket_spec_create_socket (SbSocketSpec *self,
                              GError      **error)
{
  g_autoptr(SbSocket) socket = NULL;
  gboolean stream;
  guint n;

  g_return_val_if_fail (SB_IS_SOCKET_SPEC (self), NULL);

  socket = sb_socket_new (sb_socket_spec_get_family (self), sb_socket_spec_get_socket_type (self),
                          sb_socket_spec_get_protocol (self), error);
  if (socket == NULL)
    return NULL;
  stream = sb_socket_spec_get_socket_type (self) == SB_SOCKET_STREAM;

  if ((sb_socket_spec_get_reuse_address (self)
       && !sb_socket_set_option (socket, SB_OPTION_REUSE_ADDRESS, 1, error))
      || (sb_socket_spec_get_broadcast (self)
          && !sb_socket_set_option (socket, SB_OPTION_BROADCAST, 1, error))
      || (stream && sb_socket_spec_get_no_delay (self)
          && !sb_socket_set_option (socket, SB_OPTION_NO_DELAY, 1, error))
      || (sb_socket_spec_get_keepalive (self)
          && !sb_socket_set_option (socket, SB_OPTION_KEEPALIVE, 1, error))
      || (sb_socket_spec_get_rcvbuf (self) > 0
          && !sb_socket_set_option (socket, SB_OPTION_RCVBUF, sb_socket_spec_get_rcvbuf (self),
                                    error))
      || (sb_socket_spec_get_sndbuf (self) > 0
          && !sb_socket_set_option (socket, SB_OPTION_SNDBUF, sb_socket_spec_get_sndbuf (self),
                                    error))
      || (sb_socket_spec_get_ttl (self) > 0
          && !sb_socket_set_option (socket, SB_OPTION_TTL, sb_socket_spec_get_ttl (self), error)))
    return NULL;

  n = sb_socket_spec_get_n_multicast_groups (self);
  for (guint i = 0; i < n; i++)
    {
      const char *group, *iface;

      sb_socket_spec_get_multicast_group (self, i, &group, &iface);
      if (!sb_socket_join_multicast (socket, group, iface, error))
        return NULL;
    }
  return g_steal_pointer (&socket);
}
