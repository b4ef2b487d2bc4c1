/* sb-socket-panel.c — everything about one socket: steps, settings, data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A view and a set of controls over one SbSocket; every step is a call on
 * the socket, whose outcome lands in its transcript.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sb-hex-view.h"
#include "sb-rate-graph.h"
#include "sb-socket-panel.h"
#include "sb-decode.h"
#include "sb-step.h"
#include "sb-steps-view.h"

struct _SbSocketPanel
{
  GtkWidget          parent_instance;

  AdwFlap           *flap;
  GtkLabel          *title_label;
  GtkLabel          *state_label;
  GtkLabel          *kind_label;
  GtkWidget         *bind_button;
  GtkWidget         *listen_button;
  GtkWidget         *accept_button;
  GtkWidget         *connect_button;
  GtkWidget         *shutdown_button;
  GtkWidget         *close_button;
  GtkWidget         *receive_button;
  GtkWidget         *local_group;
  GtkWidget         *remote_group;
  GtkWidget         *options_group;
  AdwEntryRow       *bind_address_row;
  GtkSpinButton     *bind_port_spin;
  GtkSpinButton     *backlog_spin;
  GtkSwitch         *accept_continuous_switch;
  AdwEntryRow       *remote_host_row;
  GtkSpinButton     *remote_port_spin;
  GtkSwitch         *auto_receive_switch;
  GtkSpinButton     *bufsize_spin;
  GtkSwitch         *timeout_switch;
  GtkSpinButton     *timeout_spin;
  GtkSwitch         *reuse_switch;
  GtkSwitch         *broadcast_switch;
  GtkSwitch         *nodelay_switch;
  GtkSwitch         *keepalive_switch;
  AdwEntryRow       *multicast_row;
  GtkLabel          *in_label;
  GtkLabel          *out_label;
  SbRateGraph       *rate_graph;
  GtkToggleButton   *hex_toggle;
  GtkStack          *view_stack;
  GtkWidget         *compact_switcher;
  SbTranscriptView  *transcript_view;
  SbHexView         *hex_view;
  /* the user's choice, saved in the spec: on by default, and then turned
   * on as soon as the socket can receive */
  gboolean           auto_receive_wanted;
  GtkLabel          *stream_dropped_label;
  GtkLabel          *status_label;
  SbComposer        *composer;
  SbStepsView       *steps_view;

  SbSocket          *socket;
  SbSocketSpec      *spec;
  SbSession         *session;
  GCancellable      *cancellable;
  gboolean           syncing;
  guint              counters_source;

  /* repeat sending (scheduled by sb_socket_send_repeated_async) */
  GCancellable      *repeat_cancellable;
};

G_DEFINE_FINAL_TYPE (SbSocketPanel, sb_socket_panel, GTK_TYPE_WIDGET)

enum { SCRIPT_SOCKET, N_SIGNALS };
static guint signals[N_SIGNALS];

static void update_state (SbSocketPanel *self);

static void
set_status (SbSocketPanel *self,
            const char    *format,
            ...) G_GNUC_PRINTF (2, 3);

static void
set_status (SbSocketPanel *self,
            const char    *format,
            ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  gtk_label_set_label (self->status_label, text);
}

const char *
sb_socket_panel_get_status (SbSocketPanel *self)
{
  g_return_val_if_fail (SB_IS_SOCKET_PANEL (self), NULL);
  return gtk_label_get_label (self->status_label);
}

/* ---- the spec: the settings that a session file keeps --------------------------- */

/* Write the panel's settings into the spec; called whenever one changes. */
static void
store_spec (SbSocketPanel *self)
{
  SbSocketSpec *spec = self->spec;

  if (spec == NULL || self->syncing)
    return;
  sb_socket_spec_set_bind_host (spec, gtk_editable_get_text (GTK_EDITABLE (self->bind_address_row)));
  sb_socket_spec_set_bind_port (spec, gtk_spin_button_get_value_as_int (self->bind_port_spin));
  sb_socket_spec_set_backlog (spec, gtk_spin_button_get_value_as_int (self->backlog_spin));
  sb_socket_spec_set_remote_host (spec, gtk_editable_get_text (GTK_EDITABLE (self->remote_host_row)));
  sb_socket_spec_set_remote_port (spec, gtk_spin_button_get_value_as_int (self->remote_port_spin));
  sb_socket_spec_set_timeout_ms (spec, gtk_switch_get_active (self->timeout_switch)
                                       ? gtk_spin_button_get_value_as_int (self->timeout_spin) : -1);
  sb_socket_spec_set_receive_size (spec, gtk_spin_button_get_value_as_int (self->bufsize_spin));
  /* What the user asked for, not the switch: it is off until a socket can
   * receive, and after EOF, an error or close */
  sb_socket_spec_set_auto_receive (spec, self->auto_receive_wanted);
  sb_socket_spec_set_reuse_address (spec, gtk_switch_get_active (self->reuse_switch));
  sb_socket_spec_set_broadcast (spec, gtk_switch_get_active (self->broadcast_switch));
  sb_socket_spec_set_no_delay (spec, gtk_switch_get_active (self->nodelay_switch));
  sb_socket_spec_set_keepalive (spec, gtk_switch_get_active (self->keepalive_switch));
}

static void
setting_changed_cb (SbSocketPanel *self)
{
  store_spec (self);
}

SbSocketSpec *
sb_socket_panel_get_spec (SbSocketPanel *self)
{
  g_return_val_if_fail (SB_IS_SOCKET_PANEL (self), NULL);
  return self->spec;
}

void
sb_socket_panel_set_spec (SbSocketPanel *self,
                          SbSocketSpec  *spec,
                          SbSession     *session)
{
  g_return_if_fail (SB_IS_SOCKET_PANEL (self));
  g_return_if_fail (spec == NULL || SB_IS_SOCKET_SPEC (spec));

  g_set_object (&self->session, session);
  sb_composer_set_library (self->composer, session);
  /* only a socket of the document has steps */
  sb_steps_view_set_spec (self->steps_view, spec, session);
  sb_steps_view_set_bench_socket (self->steps_view, spec != NULL ? self->socket : NULL);
  gtk_stack_page_set_visible (gtk_stack_get_page (self->view_stack, GTK_WIDGET (self->steps_view)),
                              spec != NULL);
  if (!g_set_object (&self->spec, spec) || spec == NULL)
    return;

  /* show the spec's settings; the socket was made with its options
   * (sb_socket_spec_create_socket) */
  self->syncing = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->bind_address_row), sb_socket_spec_get_bind_host (spec) ?: "");
  gtk_spin_button_set_value (self->bind_port_spin, sb_socket_spec_get_bind_port (spec));
  gtk_spin_button_set_value (self->backlog_spin, sb_socket_spec_get_backlog (spec));
  gtk_editable_set_text (GTK_EDITABLE (self->remote_host_row), sb_socket_spec_get_remote_host (spec) ?: "");
  gtk_spin_button_set_value (self->remote_port_spin, sb_socket_spec_get_remote_port (spec));
  gtk_switch_set_active (self->timeout_switch, sb_socket_spec_get_timeout_ms (spec) >= 0);
  if (sb_socket_spec_get_timeout_ms (spec) >= 0)
    gtk_spin_button_set_value (self->timeout_spin, sb_socket_spec_get_timeout_ms (spec));
  gtk_widget_set_sensitive (GTK_WIDGET (self->timeout_spin), sb_socket_spec_get_timeout_ms (spec) >= 0);
  if (sb_socket_spec_get_receive_size (spec) > 0)
    gtk_spin_button_set_value (self->bufsize_spin, sb_socket_spec_get_receive_size (spec));
  gtk_switch_set_active (self->reuse_switch, sb_socket_spec_get_reuse_address (spec));
  gtk_switch_set_active (self->broadcast_switch, sb_socket_spec_get_broadcast (spec));
  gtk_switch_set_active (self->nodelay_switch, sb_socket_spec_get_no_delay (spec));
  gtk_switch_set_active (self->keepalive_switch, sb_socket_spec_get_keepalive (spec));
  self->syncing = FALSE;

  sb_socket_set_timeout (self->socket, sb_socket_spec_get_timeout_ms (spec));
  if (sb_socket_spec_get_receive_size (spec) > 0)
    sb_socket_set_receive_size (self->socket, sb_socket_spec_get_receive_size (spec));
  self->auto_receive_wanted = sb_socket_spec_get_auto_receive (spec);
  update_state (self);
}

/* ---- state -------------------------------------------------------------------- */

static void
update_state (SbSocketPanel *self)
{
  SbSocket *s = self->socket;
  SbSocketState state = sb_socket_get_state (s);
  SbSocketType type = sb_socket_get_socket_type (s);
  SbFamily family = sb_socket_get_family (s);
  gboolean is_child = sb_socket_get_listener (s) != NULL;
  gboolean closed = state == SB_STATE_CLOSED;
  gboolean datagram_like = type != SB_SOCKET_STREAM;
  gboolean connected = state == SB_STATE_CONNECTED || state == SB_STATE_SHUT_DOWN;
  g_autofree char *title = sb_socket_dup_label (s);
  g_autofree char *kind = NULL;
  static const char *state_classes[] = { "created", "bound", "listening", "connecting",
                                         "connected", "shut-down", "closed" };

  gtk_label_set_label (self->title_label, title);
  gtk_label_set_label (self->state_label, _(sb_state_to_string (state)));
  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), state_classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->state_label), state_classes[state]);

  if (family == SB_FAMILY_PACKET)
    kind = g_strdup_printf ("AF_PACKET · %s · 0x%04x", type == SB_SOCKET_RAW ? "SOCK_RAW" : "SOCK_DGRAM",
                            sb_socket_get_protocol (s));
  else
    kind = g_strdup_printf ("%s · %s · %d", family == SB_FAMILY_IPV6 ? "AF_INET6" : "AF_INET",
                            type == SB_SOCKET_STREAM ? "SOCK_STREAM"
                            : type == SB_SOCKET_DATAGRAM ? "SOCK_DGRAM" : "SOCK_RAW",
                            sb_socket_get_protocol (s));
  gtk_label_set_label (self->kind_label, kind);

  gtk_widget_set_sensitive (self->bind_button, sb_socket_can_bind (s));
  gtk_widget_set_sensitive (self->listen_button, sb_socket_can_listen (s));
  gtk_widget_set_sensitive (self->accept_button, sb_socket_can_accept (s));
  gtk_widget_set_sensitive (self->connect_button,
                            sb_socket_can_connect (s) && state != SB_STATE_CONNECTING);
  gtk_widget_set_sensitive (self->shutdown_button, sb_socket_can_shutdown (s));
  gtk_widget_set_sensitive (self->close_button, !closed);
  gtk_widget_set_sensitive (self->receive_button,
                            sb_socket_can_receive (s) && !sb_socket_get_auto_receive (s));
  gtk_widget_set_visible (self->listen_button, type == SB_SOCKET_STREAM);
  gtk_widget_set_visible (self->accept_button, type == SB_SOCKET_STREAM);
  gtk_widget_set_visible (self->connect_button, family != SB_FAMILY_PACKET);

  gtk_widget_set_visible (self->local_group, !is_child);
  gtk_widget_set_sensitive (GTK_WIDGET (self->bind_address_row), sb_socket_can_bind (s));
  gtk_widget_set_sensitive (GTK_WIDGET (self->bind_port_spin), sb_socket_can_bind (s));
  gtk_widget_set_visible (gtk_widget_get_ancestor (GTK_WIDGET (self->bind_port_spin), ADW_TYPE_ACTION_ROW),
                          family != SB_FAMILY_PACKET);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->bind_address_row),
                                 family == SB_FAMILY_PACKET ? _("Interface (empty = all)")
                                                            : _("Address (empty = any)"));
  gtk_widget_set_visible (gtk_widget_get_ancestor (GTK_WIDGET (self->backlog_spin), ADW_TYPE_ACTION_ROW),
                          type == SB_SOCKET_STREAM);
  gtk_widget_set_visible (gtk_widget_get_ancestor (GTK_WIDGET (self->accept_continuous_switch), ADW_TYPE_ACTION_ROW),
                          type == SB_SOCKET_STREAM);
  gtk_widget_set_sensitive (GTK_WIDGET (self->accept_continuous_switch),
                            state == SB_STATE_LISTENING);
  gtk_widget_set_visible (self->remote_group, !is_child && family != SB_FAMILY_PACKET);

  gtk_widget_set_visible (gtk_widget_get_ancestor (GTK_WIDGET (self->nodelay_switch), ADW_TYPE_ACTION_ROW),
                          type == SB_SOCKET_STREAM);
  gtk_widget_set_visible (gtk_widget_get_ancestor (GTK_WIDGET (self->keepalive_switch), ADW_TYPE_ACTION_ROW),
                          type == SB_SOCKET_STREAM);
  gtk_widget_set_visible (gtk_widget_get_ancestor (GTK_WIDGET (self->broadcast_switch), ADW_TYPE_ACTION_ROW),
                          datagram_like && family != SB_FAMILY_PACKET);
  gtk_widget_set_visible (GTK_WIDGET (self->multicast_row), datagram_like && family != SB_FAMILY_PACKET);
  gtk_widget_set_sensitive (self->options_group, !closed);

  sb_composer_set_show_destination (self->composer, datagram_like && !connected);
  sb_composer_set_show_icmp_template (self->composer,
                                      type == SB_SOCKET_RAW && family == SB_FAMILY_IPV4
                                      && sb_socket_get_protocol (s) == 1);
  sb_composer_set_can_send (self->composer,
                            sb_socket_can_send (s) || (datagram_like && sb_socket_can_send_to (s)),
                            sb_socket_can_send (s));

  self->syncing = TRUE;
  gtk_switch_set_active (self->auto_receive_switch, sb_socket_get_auto_receive (s));
  gtk_switch_set_active (self->accept_continuous_switch, sb_socket_get_accept_continuous (s));
  self->syncing = FALSE;
}

static void
state_changed_cb (SbSocketPanel *self)
{
  SbSocketState state = sb_socket_get_state (self->socket);

  /* Data should show up as soon as it can arrive. */
  if (!sb_socket_get_auto_receive (self->socket)
      && self->auto_receive_wanted
      && sb_socket_can_receive (self->socket)
      && (state == SB_STATE_CONNECTED || state == SB_STATE_BOUND))
    sb_socket_set_auto_receive (self->socket, TRUE);
  update_state (self);
}

/* ---- counters ---------------------------------------------------------------- */

static char *
format_counter (guint64 bytes,
                guint64 messages,
                double  rate)
{
  g_autofree char *size = g_format_size (bytes);
  g_autofree char *speed = g_format_size ((guint64) rate);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s in %llu message · %s/s",
                                       "%s in %llu messages · %s/s", messages),
                          size, (unsigned long long) messages, speed);
}

static gboolean
update_counters_cb (gpointer data)
{
  SbSocketPanel *self = data;
  SbTranscript *t = sb_socket_get_transcript (self->socket);
  g_autofree char *in = format_counter (sb_transcript_get_bytes_in (t),
                                        sb_transcript_get_messages_in (t),
                                        sb_rate_graph_get_rate_in (self->rate_graph));
  g_autofree char *out = format_counter (sb_transcript_get_bytes_out (t),
                                         sb_transcript_get_messages_out (t),
                                         sb_rate_graph_get_rate_out (self->rate_graph));

  gtk_label_set_label (self->in_label, in);
  gtk_label_set_label (self->out_label, out);
  if (sb_socket_get_kernel_drops (self->socket) > 0)
    {
      g_autofree char *drops = g_strdup_printf (_("%s · %llu dropped by the kernel"),
                                                in, (unsigned long long) sb_socket_get_kernel_drops (self->socket));
      gtk_label_set_label (self->in_label, drops);
    }
  /* the stream view starts later than the conversation did: say why */
  if (sb_transcript_get_first_offset (t) > 0)
    {
      g_autofree char *size = g_format_size_full (sb_transcript_get_first_offset (t),
                                                  G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *text = g_strdup_printf (_("The first %s of this conversation were dropped "
                                                 "(Preferences › Keep per Socket); the view starts "
                                                 "with the oldest bytes kept"), size);

      gtk_label_set_label (self->stream_dropped_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->stream_dropped_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->stream_dropped_label), FALSE);
  return G_SOURCE_CONTINUE;
}

/* ---- steps --------------------------------------------------------------------- */

static void
bind_clicked_cb (SbSocketPanel *self)
{
  const char *host = gtk_editable_get_text (GTK_EDITABLE (self->bind_address_row));
  guint port = gtk_spin_button_get_value_as_int (self->bind_port_spin);

  if (sb_socket_bind (self->socket, host, port, NULL))
    set_status (self, _("Bound to port %u"), sb_socket_get_local_port (self->socket));
}

static void
listen_clicked_cb (SbSocketPanel *self)
{
  sb_socket_listen (self->socket, gtk_spin_button_get_value_as_int (self->backlog_spin), NULL);
}

static void
accept_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SbSocketPanel) self = user_data;
  g_autoptr(SbSocket) child = sb_socket_accept_finish (SB_SOCKET (object), result, NULL);

  if (child != NULL)
    {
      g_autofree char *peer = sb_address_to_string (sb_socket_get_remote_address (child));
      set_status (self, _("accept(): a connection from %s"), peer);
    }
  update_state (self);
}

static void
accept_clicked_cb (SbSocketPanel *self)
{
  sb_socket_accept_async (self->socket, self->cancellable, accept_done_cb, g_object_ref (self));
  update_state (self);
  set_status (self, _("Waiting for a connection…"));
}

static void
accept_continuous_cb (SbSocketPanel *self)
{
  if (!self->syncing)
    sb_socket_set_accept_continuous (self->socket, gtk_switch_get_active (self->accept_continuous_switch));
  update_state (self);
}

static void
connect_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SbSocketPanel) self = user_data;

  if (sb_socket_connect_finish (SB_SOCKET (object), result, NULL))
    set_status (self, _("Connected"));
  else
    set_status (self, _("The connection failed; see the transcript"));
  update_state (self);
}

static void
connect_clicked_cb (SbSocketPanel *self)
{
  const char *host = gtk_editable_get_text (GTK_EDITABLE (self->remote_host_row));
  guint port = gtk_spin_button_get_value_as_int (self->remote_port_spin);

  set_status (self, _("Connecting to %s port %u…"), host, port);
  sb_socket_connect_async (self->socket, host, port, self->cancellable, connect_done_cb,
                           g_object_ref (self));
  update_state (self);
}

static void
shutdown_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  SbSocketPanel *self = SB_SOCKET_PANEL (widget);
  SbShutdownHow how = SB_SHUTDOWN_WRITE;

  sb_shutdown_how_from_string (g_variant_get_string (parameter, NULL), &how);
  sb_socket_shutdown (self->socket, how, NULL);
}

static void stop_repeat (SbSocketPanel *self);

static void
close_clicked_cb (SbSocketPanel *self)
{
  stop_repeat (self);
  sb_socket_close (self->socket);
}

static void
receive_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SbSocketPanel) self = user_data;
  g_autoptr(GSocketAddress) peer = NULL;
  g_autoptr(GBytes) bytes = sb_socket_receive_finish (SB_SOCKET (object), result, &peer, NULL);

  if (bytes != NULL)
    {
      g_autofree char *from = peer != NULL ? sb_address_to_string (peer) : g_strdup ("?");

      if (g_bytes_get_size (bytes) == 0 && sb_socket_get_socket_type (self->socket) == SB_SOCKET_STREAM)
        set_status (self, _("recv(): the peer closed the connection"));
      else if (sb_socket_get_socket_type (self->socket) == SB_SOCKET_STREAM)
        set_status (self, _("recv(): %zu bytes"), g_bytes_get_size (bytes));
      else
        set_status (self, _("recvfrom(): %zu bytes from %s"), g_bytes_get_size (bytes), from);
    }
  update_state (self);
}

static void
receive_clicked_cb (SbSocketPanel *self)
{
  sb_socket_receive_async (self->socket, gtk_spin_button_get_value_as_int (self->bufsize_spin),
                           self->cancellable, receive_done_cb, g_object_ref (self));
  set_status (self, _("Waiting for data…"));
}

static void
auto_receive_cb (SbSocketPanel *self)
{
  if (self->syncing)
    return;
  self->auto_receive_wanted = gtk_switch_get_active (self->auto_receive_switch);
  sb_socket_set_receive_size (self->socket, gtk_spin_button_get_value_as_int (self->bufsize_spin));
  sb_socket_set_auto_receive (self->socket, self->auto_receive_wanted);
  update_state (self);
  store_spec (self);
}

static void
timeout_changed_cb (SbSocketPanel *self)
{
  gboolean on = gtk_switch_get_active (self->timeout_switch);

  gtk_widget_set_sensitive (GTK_WIDGET (self->timeout_spin), on);
  if (self->syncing)
    return;
  sb_socket_set_timeout (self->socket,
                         on ? gtk_spin_button_get_value_as_int (self->timeout_spin) : SB_TIMEOUT_NONE);
}

static void
option_toggled_cb (SbSocketPanel *self,
                   GParamSpec    *pspec,
                   GtkSwitch     *sw)
{
  SbOption option;

  if (self->syncing)
    return;
  if (sw == self->reuse_switch)
    option = SB_OPTION_REUSE_ADDRESS;
  else if (sw == self->broadcast_switch)
    option = SB_OPTION_BROADCAST;
  else if (sw == self->nodelay_switch)
    option = SB_OPTION_NO_DELAY;
  else
    option = SB_OPTION_KEEPALIVE;

  if (!sb_socket_set_option (self->socket, option, gtk_switch_get_active (sw), NULL))
    {
      /* the error went to the transcript and a toast; show the real value */
      int value = 0;
      self->syncing = TRUE;
      if (sb_socket_get_option (self->socket, option, &value, NULL))
        gtk_switch_set_active (sw, value != 0);
      self->syncing = FALSE;
    }
}

static void
multicast_apply_cb (SbSocketPanel *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->multicast_row))));
  char *percent = strchr (text, '%');

  if (percent != NULL)
    *percent++ = '\0';
  if (sb_socket_join_multicast (self->socket, text, percent, NULL))
    set_status (self, _("Joined multicast group %s"), text);
}

/* ---- sending ------------------------------------------------------------------ */

static void
report_send (SbSocketPanel *self,
             const char    *call,
             gssize         n,
             gsize          len)
{
  if (n < 0)
    set_status (self, _("%s failed; nothing was sent (see the transcript)"), call);
  else if ((gsize) n < len)
    set_status (self, _("%s: the kernel took %zd of %zu bytes — a partial send"), call, n, len);
  else
    set_status (self, _("%s: the kernel took %zd of %zu bytes"), call, n, len);
}

static gboolean
send_one (SbSocketPanel  *self,
          GBytes         *data,
          GSocketAddress *to)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (data, &len);
  gssize n;

  if (to != NULL)
    n = sb_socket_send_to (self->socket, to, p, len, NULL);
  else
    n = sb_socket_send (self->socket, p, len, NULL);
  report_send (self, to != NULL ? "sendto()" : "send()", n, len);
  return n >= 0;
}

/* Stop a repeated send in progress; its callback reports how far it got. */
static void
stop_repeat (SbSocketPanel *self)
{
  if (self->repeat_cancellable != NULL)
    g_cancellable_cancel (self->repeat_cancellable);
}

typedef struct
{
  SbSocketPanel *self;
  GCancellable  *cancellable;
  const char    *call;
  gsize          len;
  guint          total;
} RepeatData;

static void
send_repeated_done_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  RepeatData *d = user_data;
  SbSocketPanel *self = d->self;
  g_autoptr(GError) error = NULL;
  guint sent = 0;

  gboolean ok = sb_socket_send_repeated_finish (SB_SOCKET (object), result, &sent, &error);

  /* A send replaced by a newer one, or a panel gone away, reports nothing. */
  if (d->cancellable == self->repeat_cancellable)
    {
      if (ok)
        set_status (self, _("Sent %u messages"), sent);
      else if (g_error_matches (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_CANCELLED))
        set_status (self, _("Stopped after %u of %u messages"), sent, d->total);
      else
        report_send (self, d->call, -1, d->len);
      g_clear_object (&self->repeat_cancellable);
    }
  g_object_unref (d->cancellable);
  g_object_unref (d->self);
  g_free (d);
}

static void
start_sending (SbSocketPanel  *self,
               GBytes         *data,
               GSocketAddress *to)
{
  guint count = sb_composer_get_repeat_count (self->composer);
  double rate = sb_composer_get_rate (self->composer);
  RepeatData *d;

  sb_composer_add_history (self->composer);
  if (count <= 1)
    {
      send_one (self, data, to);
      return;
    }
  stop_repeat (self);
  g_clear_object (&self->repeat_cancellable);
  self->repeat_cancellable = g_cancellable_new ();
  d = g_new0 (RepeatData, 1);
  d->self = g_object_ref (self);
  d->cancellable = g_object_ref (self->repeat_cancellable);
  d->call = to != NULL ? "sendto()" : "send()";
  d->len = g_bytes_get_size (data);
  d->total = count;
  set_status (self, _("Sending %u messages at %.0f per second…"), count, rate);
  sb_socket_send_repeated_async (self->socket, data, to, count, rate, self->repeat_cancellable,
                                 send_repeated_done_cb, d);
}

typedef struct
{
  SbSocketPanel *self;
  GBytes        *data;
} SendToData;

static void
send_to_resolved_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  SendToData *d = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) to = sb_address_resolve_finish (result, &error);

  if (d->self->socket == NULL || g_cancellable_is_cancelled (d->self->cancellable))
    ;   /* the panel went away, or the send was called off */
  else if (to == NULL)
    {
      set_status (d->self, _("Nothing sent: %s"), error->message);
      /* in the transcript and as a toast, like the engine's own errors */
      if (!g_error_matches (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_CANCELLED)
          && sb_socket_get_state (d->self->socket) != SB_STATE_CLOSED)
        sb_socket_report_error (d->self->socket, error);
    }
  else if (sb_socket_get_state (d->self->socket) != SB_STATE_CLOSED)
    start_sending (d->self, d->data, to);
  g_bytes_unref (d->data);
  g_object_unref (d->self);
  g_free (d);
}

static void
send_all_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SbSocketPanel) self = user_data;
  guint64 sent = 0;

  if (sb_socket_send_all_finish (SB_SOCKET (object), result, &sent, NULL))
    set_status (self, _("sendall(): all %llu bytes sent"), (unsigned long long) sent);
  else
    set_status (self, _("sendall() stopped after %llu bytes (see the transcript)"), (unsigned long long) sent);
}

static void
send_requested_cb (SbSocketPanel *self,
                   int            mode)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = NULL;

  if (self->repeat_cancellable != NULL)
    {
      stop_repeat (self);
      return;
    }

  data = sb_composer_get_payload (self->composer, &error);
  if (data == NULL)
    {
      set_status (self, _("Nothing sent: %s"), error->message);
      return;
    }

  if (mode == SB_SEND_ALL)
    {
      sb_composer_add_history (self->composer);
      set_status (self, _("sendall(): sending %zu bytes…"), g_bytes_get_size (data));
      sb_socket_send_all_async (self->socket, data, self->cancellable, send_all_done_cb,
                                g_object_ref (self));
      return;
    }

  if (!sb_socket_can_send (self->socket) && sb_socket_can_send_to (self->socket))
    {
      const char *dest = sb_composer_get_destination (self->composer);
      g_autofree char *host = NULL;
      guint port = 0;
      SendToData *d;

      if (sb_socket_get_family (self->socket) == SB_FAMILY_PACKET)
        {
          set_status (self, _("Nothing sent: packet sockets send to the interface they are bound to; use a raw packet socket bound to an interface"));
          return;
        }
      if (sb_socket_get_socket_type (self->socket) == SB_SOCKET_RAW && strchr (dest, ':') == NULL)
        host = g_strdup (dest);  /* raw sockets have no port */
      else if (!sb_address_split (dest, &host, &port, &error))
        {
          set_status (self, _("Nothing sent: %s"), error->message);
          return;
        }
      d = g_new0 (SendToData, 1);
      d->self = g_object_ref (self);
      d->data = g_bytes_ref (data);
      sb_address_resolve_async (host, port, sb_socket_get_family (self->socket), self->cancellable,
                                send_to_resolved_cb, d);
      return;
    }
  start_sending (self, data, NULL);
}

void
sb_socket_panel_send (SbSocketPanel *self)
{
  g_return_if_fail (SB_IS_SOCKET_PANEL (self));
  sb_composer_activate_send (self->composer, SB_SEND_ONCE);
}

static void
hex_toggled_cb (SbSocketPanel *self)
{
  gboolean hex = gtk_toggle_button_get_active (self->hex_toggle);

  sb_transcript_view_set_hex (self->transcript_view, hex);
  sb_hex_view_set_mode (self->hex_view, hex ? SB_HEX_VIEW_HEX : SB_HEX_VIEW_TEXT);
}

/* A script of the Steps page made its socket: the window shows it on the bench. */
static void
script_socket_cb (SbSocketPanel *self,
                  SbSocket      *socket)
{
  g_signal_emit (self, signals[SCRIPT_SOCKET], 0, socket);
}

SbStepsView *
sb_socket_panel_get_steps_view (SbSocketPanel *self)
{
  g_return_val_if_fail (SB_IS_SOCKET_PANEL (self), NULL);
  return self->steps_view;
}

AdwFlap *
sb_socket_panel_get_flap (SbSocketPanel *self)
{
  g_return_val_if_fail (SB_IS_SOCKET_PANEL (self), NULL);
  return self->flap;
}

/* ---- actions for tests and keyboard ------------------------------------------ */

static void
step_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SbSocketPanel *self = SB_SOCKET_PANEL (widget);

  if (g_str_equal (action_name, "panel.bind"))
    bind_clicked_cb (self);
  else if (g_str_equal (action_name, "panel.listen"))
    listen_clicked_cb (self);
  else if (g_str_equal (action_name, "panel.accept"))
    accept_clicked_cb (self);
  else if (g_str_equal (action_name, "panel.connect"))
    connect_clicked_cb (self);
  else if (g_str_equal (action_name, "panel.receive"))
    receive_clicked_cb (self);
  else if (g_str_equal (action_name, "panel.close"))
    close_clicked_cb (self);
  else if (g_str_equal (action_name, "panel.send-all"))
    sb_composer_activate_send (self->composer, SB_SEND_ALL);
}

/* ---- object ---------------------------------------------------------------------- */

/* The counters (and the stream view's note) only change what is on screen:
 * refresh them while the panel is shown, not for every socket opened. */
static void
sb_socket_panel_map (GtkWidget *widget)
{
  SbSocketPanel *self = SB_SOCKET_PANEL (widget);

  GTK_WIDGET_CLASS (sb_socket_panel_parent_class)->map (widget);
  if (self->counters_source == 0 && self->socket != NULL)
    {
      self->counters_source = g_timeout_add (500, update_counters_cb, self);
      update_counters_cb (self);
    }
}

static void
sb_socket_panel_unmap (GtkWidget *widget)
{
  SbSocketPanel *self = SB_SOCKET_PANEL (widget);

  g_clear_handle_id (&self->counters_source, g_source_remove);
  GTK_WIDGET_CLASS (sb_socket_panel_parent_class)->unmap (widget);
}

static void
sb_socket_panel_dispose (GObject *object)
{
  SbSocketPanel *self = SB_SOCKET_PANEL (object);

  stop_repeat (self);
  g_clear_object (&self->repeat_cancellable);
  g_clear_handle_id (&self->counters_source, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->socket != NULL)
    g_signal_handlers_disconnect_by_data (self->socket, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_SOCKET_PANEL);
  g_clear_object (&self->socket);
  g_clear_object (&self->spec);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (sb_socket_panel_parent_class)->dispose (object);
}

static void
sb_socket_panel_class_init (SbSocketPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_socket_panel_dispose;
  widget_class->map = sb_socket_panel_map;
  widget_class->unmap = sb_socket_panel_unmap;

  g_type_ensure (SB_TYPE_COMPOSER);
  g_type_ensure (SB_TYPE_TRANSCRIPT_VIEW);
  g_type_ensure (SB_TYPE_HEX_VIEW);
  g_type_ensure (SB_TYPE_RATE_GRAPH);
  g_type_ensure (SB_TYPE_STEPS_VIEW);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sockbench/Sockbench/sb-socket-panel.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, SbSocketPanel, name)
  BIND (flap);
  BIND (compact_switcher);
  BIND (title_label);
  BIND (state_label);
  BIND (kind_label);
  BIND (bind_button);
  BIND (listen_button);
  BIND (accept_button);
  BIND (connect_button);
  BIND (shutdown_button);
  BIND (close_button);
  BIND (receive_button);
  BIND (local_group);
  BIND (remote_group);
  BIND (options_group);
  BIND (bind_address_row);
  BIND (bind_port_spin);
  BIND (backlog_spin);
  BIND (accept_continuous_switch);
  BIND (remote_host_row);
  BIND (remote_port_spin);
  BIND (auto_receive_switch);
  BIND (bufsize_spin);
  BIND (timeout_switch);
  BIND (timeout_spin);
  BIND (reuse_switch);
  BIND (broadcast_switch);
  BIND (nodelay_switch);
  BIND (keepalive_switch);
  BIND (multicast_row);
  BIND (in_label);
  BIND (out_label);
  BIND (rate_graph);
  BIND (hex_toggle);
  BIND (view_stack);
  BIND (transcript_view);
  BIND (hex_view);
  BIND (stream_dropped_label);
  BIND (status_label);
  BIND (composer);
  BIND (steps_view);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, bind_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, listen_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, accept_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, accept_continuous_cb);
  gtk_widget_class_bind_template_callback (widget_class, connect_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, close_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, receive_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, auto_receive_cb);
  gtk_widget_class_bind_template_callback (widget_class, timeout_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, option_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, multicast_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, hex_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, send_requested_cb);
  gtk_widget_class_bind_template_callback (widget_class, script_socket_cb);

  /**
   * SbSocketPanel::script-socket:
   * @socket: the socket a run of the Steps page made
   *
   * Forwarded from the steps view, for the window's bench.
   */
  signals[SCRIPT_SOCKET] = g_signal_new ("script-socket", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, SB_TYPE_SOCKET);

  gtk_widget_class_install_action (widget_class, "panel.shutdown", "s", shutdown_action);
  gtk_widget_class_install_action (widget_class, "panel.bind", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "panel.listen", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "panel.accept", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "panel.connect", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "panel.receive", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "panel.close", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "panel.send-all", NULL, step_action);
}

static void
sb_socket_panel_init (SbSocketPanel *self)
{
  GtkLayoutManager *layout;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->auto_receive_wanted = TRUE;
  /* A stack switcher makes every button as wide as the widest title; the
   * compact one, shown when the full one does not fit, gives each title
   * only its own width (style.css trims the padding). */
  layout = gtk_widget_get_layout_manager (self->compact_switcher);
  if (GTK_IS_BOX_LAYOUT (layout))
    gtk_box_layout_set_homogeneous (GTK_BOX_LAYOUT (layout), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->timeout_spin), FALSE);
}

GtkWidget *
sb_socket_panel_new (SbSocket *socket)
{
  SbSocketPanel *self;

  g_return_val_if_fail (SB_IS_SOCKET (socket), NULL);

  self = g_object_new (SB_TYPE_SOCKET_PANEL, NULL);
  self->socket = g_object_ref (socket);

  sb_transcript_view_set_transcript (self->transcript_view, sb_socket_get_transcript (socket));
  /* a packet socket's frames go through the capture pane's decoders:
   * SOCK_RAW ones start with the Ethernet header, SOCK_DGRAM (cooked)
   * ones with the network header */
  if (sb_socket_get_family (socket) == SB_FAMILY_PACKET)
    sb_transcript_view_set_decode (self->transcript_view,
                                   sb_socket_get_socket_type (socket) == SB_SOCKET_RAW
                                   ? SB_LINKTYPE_ETHERNET : SB_LINKTYPE_RAW);
  sb_hex_view_set_transcript (self->hex_view, sb_socket_get_transcript (socket));
  sb_hex_view_set_mode (self->hex_view, SB_HEX_VIEW_TEXT);
  sb_rate_graph_set_transcript (self->rate_graph, sb_socket_get_transcript (socket));

  self->syncing = TRUE;
  gtk_spin_button_set_value (self->bufsize_spin, sb_socket_get_receive_size (socket));
  gtk_switch_set_active (self->timeout_switch, sb_socket_get_timeout (socket) >= 0);
  if (sb_socket_get_timeout (socket) >= 0)
    gtk_spin_button_set_value (self->timeout_spin, sb_socket_get_timeout (socket));
  if (sb_socket_get_family (socket) == SB_FAMILY_IPV6)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->bind_address_row), "::1");
      gtk_editable_set_text (GTK_EDITABLE (self->remote_host_row), "::1");
    }
  else if (sb_socket_get_family (socket) == SB_FAMILY_PACKET)
    gtk_editable_set_text (GTK_EDITABLE (self->bind_address_row), "lo");
  self->syncing = FALSE;

  g_signal_connect_object (socket, "notify::state", G_CALLBACK (state_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (socket, "notify::auto-receive", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (socket, "notify::accept-continuous", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (socket, "notify::local-port", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);
  /* every setting a session keeps goes back into the spec as it changes */
  g_signal_connect_object (self->bind_address_row, "changed", G_CALLBACK (setting_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->remote_host_row, "changed", G_CALLBACK (setting_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->bind_port_spin, "value-changed", G_CALLBACK (setting_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->remote_port_spin, "value-changed", G_CALLBACK (setting_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->backlog_spin, "value-changed", G_CALLBACK (setting_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->timeout_spin, "value-changed", G_CALLBACK (setting_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->bufsize_spin, "value-changed", G_CALLBACK (setting_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->timeout_switch, "notify::active", G_CALLBACK (setting_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->auto_receive_switch, "notify::active", G_CALLBACK (setting_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->reuse_switch, "notify::active", G_CALLBACK (setting_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->broadcast_switch, "notify::active", G_CALLBACK (setting_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->nodelay_switch, "notify::active", G_CALLBACK (setting_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->keepalive_switch, "notify::active", G_CALLBACK (setting_changed_cb), self, G_CONNECT_SWAPPED);
  update_counters_cb (self);   /* and twice a second while shown (map) */
  update_state (self);
  return GTK_WIDGET (self);
}

void
sb_socket_panel_apply_preset (SbSocketPanel *self,
                              const char    *preset)
{
  g_return_if_fail (SB_IS_SOCKET_PANEL (self));

  if (g_strcmp0 (preset, "tcp-server") == 0)
    {
      sb_socket_panel_set_bind_address (self, "0.0.0.0", 5000);
      sb_socket_set_option (self->socket, SB_OPTION_REUSE_ADDRESS, TRUE, NULL);
      gtk_switch_set_active (self->reuse_switch, TRUE);
    }
  else if (g_strcmp0 (preset, "tcp-client") == 0)
    sb_socket_panel_set_remote_address (self, "127.0.0.1", 5000);
  else if (g_strcmp0 (preset, "udp") == 0)
    {
      sb_socket_panel_set_bind_address (self, "127.0.0.1", 0);
      sb_composer_set_destination (self->composer, "127.0.0.1:5000");
    }
  else if (g_strcmp0 (preset, "raw-icmp") == 0)
    sb_composer_set_destination (self->composer, "127.0.0.1");
  update_state (self);
}

void
sb_socket_panel_set_hex (SbSocketPanel *self,
                         gboolean       hex)
{
  g_return_if_fail (SB_IS_SOCKET_PANEL (self));
  gtk_toggle_button_set_active (self->hex_toggle, hex);
}

void
sb_socket_panel_set_bind_address (SbSocketPanel *self,
                                  const char    *host,
                                  guint          port)
{
  g_return_if_fail (SB_IS_SOCKET_PANEL (self));
  gtk_editable_set_text (GTK_EDITABLE (self->bind_address_row), host);
  gtk_spin_button_set_value (self->bind_port_spin, port);
}

void
sb_socket_panel_set_remote_address (SbSocketPanel *self,
                                    const char    *host,
                                    guint          port)
{
  g_return_if_fail (SB_IS_SOCKET_PANEL (self));
  gtk_editable_set_text (GTK_EDITABLE (self->remote_host_row), host);
  gtk_spin_button_set_value (self->remote_port_spin, port);
}

void
sb_socket_panel_set_timeout (SbSocketPanel *self,
                             int            timeout_ms)
{
  g_return_if_fail (SB_IS_SOCKET_PANEL (self));
  if (timeout_ms >= 0)
    gtk_spin_button_set_value (self->timeout_spin, timeout_ms);
  gtk_switch_set_active (self->timeout_switch, timeout_ms >= 0);
  timeout_changed_cb (self);
}

SbComposer *
sb_socket_panel_get_composer (SbSocketPanel *self)
{
  g_return_val_if_fail (SB_IS_SOCKET_PANEL (self), NULL);
  return self->composer;
}

SbTranscriptView *
sb_socket_panel_get_transcript_view (SbSocketPanel *self)
{
  g_return_val_if_fail (SB_IS_SOCKET_PANEL (self), NULL);
  return self->transcript_view;
}

void
sb_socket_panel_show_stream (SbSocketPanel *self,
                             gboolean       stream)
{
  g_return_if_fail (SB_IS_SOCKET_PANEL (self));
  gtk_stack_set_visible_child_name (self->view_stack, stream ? "stream" : "transcript");
}

/* The note above the stream view (the start of the conversation was
 * dropped), or NULL when there is none. */
const char *
sb_socket_panel_get_stream_note (SbSocketPanel *self)
{
  g_return_val_if_fail (SB_IS_SOCKET_PANEL (self), NULL);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->stream_dropped_label)))
    return NULL;
  return gtk_label_get_label (self->stream_dropped_label);
}
