/* sb-window.c — the main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sb-window.h"
#include "sb-new-socket-dialog.h"
#include "sb-socket-panel.h"
#include "sb-capture-pane.h"
#include "sb-session.h"
#include "sb-python-export.h"

struct _SbWindow
{
  AdwApplicationWindow parent_instance;

  gboolean         settings_applied;
  gboolean         told_keep;        /* the Keep per Socket toast was shown */
  char            *last_toast;

  AdwLeaflet      *leaflet;
  GtkWidget       *sidebar;
  GtkWidget       *content;
  GtkStack        *sidebar_stack;
  GtkListView     *socket_list;
  GtkStack        *panel_stack;
  AdwToastOverlay *toasts;
  AdwViewStack    *view_stack;
  AdwViewSwitcherTitle *switcher_title;
  SbCapturePane   *capture_pane;

  GListStore      *sockets;
  GtkTreeListModel *tree;
  GtkSingleSelection *selection;
  GHashTable      *panels;       /* SbSocket* → SbSocketPanel* (weak keys, see below) */
  char            *last_error;

  SbSession       *session;      /* the document: a spec for each socket of the bench */
  GMenu           *recent_menu;
  gboolean         closing_confirmed;
};

#define SPEC_KEY "sb-window-spec"

static SbSocketSpec *
spec_of (SbSocket *socket)
{
  return g_object_get_data (G_OBJECT (socket), SPEC_KEY);
}

G_DEFINE_FINAL_TYPE (SbWindow, sb_window, ADW_TYPE_APPLICATION_WINDOW)

static void watch_socket (SbWindow *self, SbSocket *socket);
static void bench_add (SbWindow *self, SbSocket *socket, SbSocketSpec *spec);

static GSettings *
settings_of (SbWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  return SB_IS_APPLICATION (app) ? sb_application_get_settings (SB_APPLICATION (app)) : NULL;
}

/* ---- errors as toasts ------------------------------------------------------ */

/* Every toast goes through here; the last one's text is kept for tests. */
static void
add_toast (SbWindow *self,
           AdwToast *toast)
{
  g_free (self->last_toast);
  self->last_toast = g_strdup (adw_toast_get_title (toast));
  adw_toast_overlay_add_toast (self->toasts, toast);
}

static void
socket_error_cb (SbSocket     *socket,
                 const GError *error,
                 SbWindow     *self)
{
  AdwToast *toast;

  /* Cancellations are the user's own doing. */
  if (g_error_matches (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_CANCELLED))
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (error->message);
  toast = adw_toast_new (error->message);
  adw_toast_set_timeout (toast, 6);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  add_toast (self, toast);
}

static void
socket_accepted_cb (SbSocket *listener,
                    SbSocket *child,
                    SbWindow *self)
{
  watch_socket (self, child);
  /* what the peer sends shows up without another click */
  sb_socket_set_auto_receive (child, TRUE);
}

/* A row's expandability is fixed when it is made: replace the row of a
 * socket that has just started listening, keeping the selection. */
static void
listening_cb (SbSocket   *socket,
              GParamSpec *pspec,
              SbWindow   *self)
{
  guint pos;
  gboolean selected;

  if (sb_socket_get_state (socket) != SB_STATE_LISTENING
      || !g_list_store_find (self->sockets, socket, &pos))
    return;
  selected = sb_window_get_selected_socket (self) == socket;
  g_list_store_splice (self->sockets, pos, 1, (gpointer *) &socket, 1);
  if (selected)
    sb_window_select_socket (self, socket);
}

/* The first time a conversation outgrows Keep per Socket, say where that
 * is set: the transcript's own notice names the size, not the place. */
static void
transcript_changed_cb (SbTranscript *transcript,
                       guint         position,
                       guint         removed,
                       guint         added,
                       SbWindow     *self)
{
  AdwToast *toast;
  g_autofree char *size = NULL;
  g_autofree char *text = NULL;

  if (self->told_keep || sb_transcript_get_byte_limit (transcript) == 0
      || sb_transcript_get_first_offset (transcript) == 0)
    return;
  self->told_keep = TRUE;
  size = g_format_size_full (sb_transcript_get_byte_limit (transcript), G_FORMAT_SIZE_IEC_UNITS);
  text = g_strdup_printf (_("Sockets keep the newest %s of each conversation; older bytes are dropped"),
                          size);
  toast = adw_toast_new (text);
  adw_toast_set_button_label (toast, _("_Preferences"));
  adw_toast_set_action_name (toast, "app.preferences");
  adw_toast_set_timeout (toast, 8);
  add_toast (self, toast);
}

static void
watch_socket (SbWindow *self,
              SbSocket *socket)
{
  g_signal_connect_object (sb_socket_get_transcript (socket), "items-changed",
                           G_CALLBACK (transcript_changed_cb), self, 0);
  if (sb_socket_get_listener (socket) == NULL)
    g_signal_connect_object (socket, "notify::state", G_CALLBACK (listening_cb), self, 0);
  g_signal_connect_object (socket, "error", G_CALLBACK (socket_error_cb), self, 0);
  g_signal_connect_object (socket, "accepted", G_CALLBACK (socket_accepted_cb), self, 0);
}

/* ---- the sidebar --------------------------------------------------------------- */

static GListModel *
create_children_cb (gpointer item,
                    gpointer user_data)
{
  SbSocket *socket = item;

  /* Only listeners have rows under them; a socket that starts listening
   * gets its row made anew (see listening_cb). */
  if (sb_socket_get_listener (socket) != NULL
      || (sb_socket_get_state (socket) != SB_STATE_LISTENING
          && g_list_model_get_n_items (sb_socket_get_children (socket)) == 0))
    return NULL;
  return g_object_ref (sb_socket_get_children (socket));
}

static const char *
state_icon (SbSocket *socket)
{
  switch (sb_socket_get_state (socket))
    {
    case SB_STATE_LISTENING: return "network-server-symbolic";
    case SB_STATE_CONNECTED: return "network-transmit-receive-symbolic";
    case SB_STATE_CONNECTING: return "content-loading-symbolic";
    case SB_STATE_CLOSED: return "network-offline-symbolic";
    default: return "network-wired-symbolic";
    }
}

static void
update_row (GtkWidget *box)
{
  SbSocket *socket = g_object_get_data (G_OBJECT (box), "socket");
  GtkWidget *icon = gtk_widget_get_first_child (box);
  GtkWidget *labels = gtk_widget_get_next_sibling (icon);
  GtkWidget *title = gtk_widget_get_first_child (labels);
  GtkWidget *subtitle = gtk_widget_get_next_sibling (title);
  g_autofree char *label = NULL;
  g_autofree char *state = NULL;

  if (socket == NULL)
    return;
  if (sb_socket_get_listener (socket) != NULL && sb_socket_get_remote_address (socket) != NULL)
    {
      g_autofree char *peer = sb_address_to_string (sb_socket_get_remote_address (socket));
      label = g_strdup_printf (_("from %s"), peer);
    }
  else if (sb_socket_get_state (socket) == SB_STATE_CREATED && spec_of (socket) != NULL)
    label = g_strdup_printf ("%s · %s", sb_socket_spec_get_name (spec_of (socket)),
                             sb_family_to_string (sb_socket_get_family (socket)));
  else
    label = sb_socket_dup_label (socket);
  gtk_image_set_from_icon_name (GTK_IMAGE (icon), state_icon (socket));
  gtk_label_set_label (GTK_LABEL (title), label);
  state = g_strdup (_(sb_state_to_string (sb_socket_get_state (socket))));
  if (sb_socket_get_listener (socket) == NULL
      && sb_socket_get_socket_type (socket) == SB_SOCKET_STREAM)
    {
      guint n = g_list_model_get_n_items (sb_socket_get_children (socket));
      if (n > 0)
        {
          g_autofree char *s = state;
          state = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u connection",
                                                "%s · %u connections", n), s, n);
        }
    }
  gtk_label_set_label (GTK_LABEL (subtitle), state);
  if (sb_socket_get_state (socket) == SB_STATE_CLOSED)
    gtk_widget_add_css_class (box, "dim-label");
  else
    gtk_widget_remove_css_class (box, "dim-label");
}

static void
row_setup_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);

  gtk_box_append (GTK_BOX (box), gtk_image_new ());
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_box_append (GTK_BOX (labels), title);
  gtk_box_append (GTK_BOX (labels), subtitle);
  gtk_box_append (GTK_BOX (box), labels);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
  gtk_list_item_set_child (item, expander);
}

static void
row_socket_changed_cb (GtkWidget *box)
{
  update_row (box);
}

static void
row_bind_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  GtkTreeListRow *row = gtk_list_item_get_item (item);
  GtkWidget *expander = gtk_list_item_get_child (item);
  GtkWidget *box = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
  SbSocket *socket = gtk_tree_list_row_get_item (row);

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  g_object_set_data_full (G_OBJECT (box), "socket", socket, g_object_unref);
  g_signal_connect_object (socket, "notify::state", G_CALLBACK (row_socket_changed_cb), box,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (socket, "notify::local-port", G_CALLBACK (row_socket_changed_cb), box,
                           G_CONNECT_SWAPPED);
  if (sb_socket_get_listener (socket) == NULL)
    g_signal_connect_object (sb_socket_get_children (socket), "items-changed",
                             G_CALLBACK (row_socket_changed_cb), box, G_CONNECT_SWAPPED);
  update_row (box);
}

static void
row_unbind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  GtkWidget *expander = gtk_list_item_get_child (item);
  GtkWidget *box = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
  SbSocket *socket = g_object_get_data (G_OBJECT (box), "socket");

  if (socket != NULL)
    {
      g_signal_handlers_disconnect_by_data (socket, box);
      if (sb_socket_get_listener (socket) == NULL)
        g_signal_handlers_disconnect_by_data (sb_socket_get_children (socket), box);
    }
  g_object_set_data (G_OBJECT (box), "socket", NULL);
  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), NULL);
}

/* ---- panels ------------------------------------------------------------------- */

/* A run of a panel's steps made its socket: put it on the bench, where its
 * transcript and connections are one click away. The panel being driven
 * stays shown, so that Step can be pressed again. */
static void
script_socket_cb (SbWindow *self,
                  SbSocket *socket)
{
  g_autoptr(SbSocket) selected = NULL;

  if (self->sockets == NULL || g_list_store_find (self->sockets, socket, NULL))
    return;
  if (sb_window_get_selected_socket (self) != NULL)
    selected = g_object_ref (sb_window_get_selected_socket (self));
  bench_add (self, socket, NULL);
  if (selected != NULL)
    sb_window_select_socket (self, selected);
}

GtkWidget *
sb_window_get_panel (SbWindow *self,
                     SbSocket *socket)
{
  GtkWidget *panel;

  g_return_val_if_fail (SB_IS_WINDOW (self), NULL);
  g_return_val_if_fail (SB_IS_SOCKET (socket), NULL);

  panel = g_hash_table_lookup (self->panels, socket);
  if (panel == NULL)
    {
      panel = sb_socket_panel_new (socket);
      if (spec_of (socket) != NULL)
        sb_socket_panel_set_spec (SB_SOCKET_PANEL (panel), spec_of (socket), self->session);
      g_signal_connect_object (panel, "script-socket", G_CALLBACK (script_socket_cb), self,
                               G_CONNECT_SWAPPED);
      gtk_stack_add_child (self->panel_stack, panel);
      g_hash_table_insert (self->panels, g_object_ref (socket), panel);
    }
  return panel;
}

static void
drop_panel (SbWindow *self,
            SbSocket *socket)
{
  GtkWidget *panel = g_hash_table_lookup (self->panels, socket);

  if (panel != NULL)
    {
      gtk_stack_remove (self->panel_stack, panel);
      g_hash_table_remove (self->panels, socket);
    }
}

static void
selection_changed_cb (SbWindow *self)
{
  SbSocket *socket = sb_window_get_selected_socket (self);
  gboolean has = socket != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.close-socket", has);
  if (socket == NULL)
    {
      gtk_stack_set_visible_child_name (self->panel_stack, "empty");
      adw_view_switcher_title_set_subtitle (self->switcher_title, NULL);
      return;
    }
  gtk_stack_set_visible_child (self->panel_stack, sb_window_get_panel (self, socket));
  adw_view_stack_set_visible_child_name (self->view_stack, "socket");
}

static void
list_activate_cb (SbWindow *self,
                  guint     position)
{
  adw_leaflet_set_visible_child (self->leaflet, self->content);
}

static void
back_clicked_cb (SbWindow *self)
{
  adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
}

GListModel *
sb_window_get_sockets (SbWindow *self)
{
  g_return_val_if_fail (SB_IS_WINDOW (self), NULL);
  return G_LIST_MODEL (self->sockets);
}

SbSocket *
sb_window_get_selected_socket (SbWindow *self)
{
  GtkTreeListRow *row;

  g_return_val_if_fail (SB_IS_WINDOW (self), NULL);
  row = gtk_single_selection_get_selected_item (self->selection);
  if (row == NULL)
    return NULL;
  /* borrowed: the row holds a reference */
  {
    SbSocket *socket = gtk_tree_list_row_get_item (row);
    g_object_unref (socket);
    return socket;
  }
}

void
sb_window_select_socket (SbWindow *self,
                         SbSocket *socket)
{
  guint n;

  g_return_if_fail (SB_IS_WINDOW (self));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->tree));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->tree), i);
      g_autoptr(SbSocket) item = gtk_tree_list_row_get_item (row);

      if (item == socket)
        {
          gtk_single_selection_set_selected (self->selection, i);
          /* a re-selection of the same row emits nothing */
          selection_changed_cb (self);
          return;
        }
    }
}

static void
update_sidebar (SbWindow *self)
{
  gtk_stack_set_visible_child_name (self->sidebar_stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->sockets)) > 0
                                    ? "list" : "empty");
}

static const char *
spec_base_name (SbFamily     family,
                SbSocketType type)
{
  if (family == SB_FAMILY_PACKET)
    return "packet";
  switch (type)
    {
    case SB_SOCKET_STREAM: return "tcp";
    case SB_SOCKET_DATAGRAM: return "udp";
    default: return "raw";
    }
}

/* Put @socket on the bench, described by @spec (owned by the session). */
/* Preferences › Keep per Socket, in bytes (0: everything). */
static guint64
transcript_limit (SbWindow *self)
{
  return (guint64) g_settings_get_int (settings_of (self), "transcript-limit-mib") << 20;
}

/* A changed limit applies to every socket on the bench at once, accepted
 * connections included (new ones inherit their listener's). */
static void
transcript_limit_changed_cb (SbWindow *self)
{
  guint64 limit = transcript_limit (self);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->sockets)); i++)
    {
      g_autoptr(SbSocket) socket = g_list_model_get_item (G_LIST_MODEL (self->sockets), i);
      GListModel *children = sb_socket_get_children (socket);

      sb_transcript_set_byte_limit (sb_socket_get_transcript (socket), limit);
      for (guint j = 0; j < g_list_model_get_n_items (children); j++)
        {
          g_autoptr(SbSocket) child = g_list_model_get_item (children, j);
          sb_transcript_set_byte_limit (sb_socket_get_transcript (child), limit);
        }
    }
}

static void
bench_add (SbWindow     *self,
           SbSocket     *socket,
           SbSocketSpec *spec)
{
  if (spec != NULL)
    g_object_set_data_full (G_OBJECT (socket), SPEC_KEY, g_object_ref (spec), g_object_unref);
  if (settings_of (self) != NULL)
    sb_transcript_set_byte_limit (sb_socket_get_transcript (socket), transcript_limit (self));
  watch_socket (self, socket);
  g_list_store_append (self->sockets, socket);
  update_sidebar (self);
  sb_window_select_socket (self, socket);
}

SbSocket *
sb_window_add_socket (SbWindow     *self,
                      SbFamily      family,
                      SbSocketType  type,
                      int           protocol,
                      GError      **error)
{
  g_autoptr(SbSocket) socket = NULL;
  g_autoptr(SbSocketSpec) spec = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (SB_IS_WINDOW (self), NULL);

  socket = sb_socket_new (family, type, protocol, error);
  if (socket == NULL)
    return NULL;
  name = sb_session_dup_unique_socket_name (self->session, spec_base_name (family, type));
  spec = sb_socket_spec_new (name, family, type, protocol);
  /* the same starting addresses the panel shows */
  {
    const char *host = family == SB_FAMILY_IPV6 ? "::1" : family == SB_FAMILY_PACKET ? "lo" : "127.0.0.1";
    sb_socket_spec_set_bind_host (spec, host);
    if (family != SB_FAMILY_PACKET)
      {
        sb_socket_spec_set_remote_host (spec, host);
        sb_socket_spec_set_remote_port (spec, 5000);
      }
  }
  sb_session_append_socket (self->session, spec);
  if (settings_of (self) != NULL)
    {
      sb_socket_set_timeout (socket, g_settings_get_int (settings_of (self), "default-timeout-ms"));
      sb_socket_set_receive_size (socket, g_settings_get_int (settings_of (self), "recv-buffer-size"));
      sb_socket_spec_set_timeout_ms (spec, sb_socket_get_timeout (socket));
      sb_socket_spec_set_receive_size (spec, sb_socket_get_receive_size (socket));
    }
  bench_add (self, socket, spec);
  return socket;
}

/* ---- actions ---------------------------------------------------------------- */

static void
dialog_create_cb (SbNewSocketDialog *dialog,
                  SbWindow          *self)
{
  g_autoptr(GError) error = NULL;
  SbSocket *socket;

  socket = sb_window_add_socket (self, sb_new_socket_dialog_get_family (dialog),
                                 sb_new_socket_dialog_get_socket_type (dialog),
                                 sb_new_socket_dialog_get_protocol (dialog), &error);
  if (socket == NULL)
    {
      sb_new_socket_dialog_show_error (dialog, error->message);
      return;
    }
  sb_socket_panel_apply_preset (SB_SOCKET_PANEL (sb_window_get_panel (self, socket)),
                                sb_new_socket_dialog_get_preset (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));
  adw_leaflet_set_visible_child (self->leaflet, self->content);
}

static void
new_socket_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SbWindow *self = SB_WINDOW (widget);
  SbNewSocketDialog *dialog = sb_new_socket_dialog_new (GTK_WINDOW (self));

  g_signal_connect_object (dialog, "create", G_CALLBACK (dialog_create_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* win.add-socket("tcp-client") etc.: a preset without the dialog. */
static void
add_socket_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SbWindow *self = SB_WINDOW (widget);
  const char *preset = g_variant_get_string (parameter, NULL);
  g_autoptr(GError) error = NULL;
  SbFamily family;
  SbSocketType type;
  int protocol;
  SbSocket *socket;

  if (!sb_new_socket_dialog_preset_lookup (preset, &family, &type, &protocol))
    {
      g_warning ("Unknown socket preset “%s”", preset);
      return;
    }
  socket = sb_window_add_socket (self, family, type, protocol, &error);
  if (socket == NULL)
    {
      AdwToast *toast = adw_toast_new (error->message);
      g_free (self->last_error);
      self->last_error = g_strdup (error->message);
      adw_toast_set_timeout (toast, 8);
      add_toast (self, toast);
      return;
    }
  sb_socket_panel_apply_preset (SB_SOCKET_PANEL (sb_window_get_panel (self, socket)), preset);
  adw_leaflet_set_visible_child (self->leaflet, self->content);
}

static void
close_socket_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  SbWindow *self = SB_WINDOW (widget);
  g_autoptr(SbSocket) socket = NULL;
  SbSocket *listener;
  guint pos;

  if (sb_window_get_selected_socket (self) == NULL)
    return;
  socket = g_object_ref (sb_window_get_selected_socket (self));

  listener = sb_socket_get_listener (socket);
  if (listener != NULL)
    {
      /* An accepted connection: close it, and forget it once closed. */
      if (sb_socket_get_state (socket) != SB_STATE_CLOSED)
        {
          sb_socket_close (socket);
          return;
        }
      drop_panel (self, socket);
      sb_socket_release_child (listener, socket);
      selection_changed_cb (self);
      return;
    }

  /* A socket of the bench: close it and its connections, and remove it. */
  drop_panel (self, socket);
  {
    GListModel *children = sb_socket_get_children (socket);
    for (guint i = 0; i < g_list_model_get_n_items (children); i++)
      {
        g_autoptr(SbSocket) child = g_list_model_get_item (children, i);
        drop_panel (self, child);
        sb_socket_close (child);
      }
  }
  sb_socket_close (socket);
  if (spec_of (socket) != NULL)
    {
      guint i;
      for (i = 0; i < sb_session_get_n_sockets (self->session); i++)
        if (sb_session_get_socket (self->session, i) == spec_of (socket))
          {
            sb_session_remove_socket (self->session, i);
            break;
          }
    }
  if (g_list_store_find (self->sockets, socket, &pos))
    g_list_store_remove (self->sockets, pos);
  update_sidebar (self);
  selection_changed_cb (self);
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SbWindow *self = SB_WINDOW (widget);
  SbSocket *socket = sb_window_get_selected_socket (self);

  if (socket != NULL)
    sb_socket_panel_send (SB_SOCKET_PANEL (sb_window_get_panel (self, socket)));
}


/* ---- the document: open, save, recent, export ------------------------------------ */

static void
update_title (SbWindow *self)
{
  GFile *file = sb_session_get_file (self->session);
  g_autofree char *name = file != NULL ? g_file_get_basename (file) : g_strdup (_("Unsaved Session"));
  g_autofree char *subtitle = NULL;
  g_autofree char *title = NULL;

  subtitle = sb_session_get_dirty (self->session) ? g_strdup_printf ("• %s", name) : g_strdup (name);
  adw_view_switcher_title_set_subtitle (self->switcher_title, subtitle);
  title = g_strdup_printf ("%s — Sockbench", subtitle);
  gtk_window_set_title (GTK_WINDOW (self), title);
}

static void
show_error_dialog (SbWindow   *self,
                   const char *heading,
                   const char *message)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
rebuild_recent (SbWindow *self)
{
  GtkRecentManager *manager = gtk_recent_manager_get_default ();
  GList *items = gtk_recent_manager_get_items (manager);
  guint n = 0;

  g_menu_remove_all (self->recent_menu);
  for (GList *l = items; l != NULL && n < 8; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      const char *uri = gtk_recent_info_get_uri (info);

      if (!g_str_has_suffix (uri, ".sockbench") || !gtk_recent_info_exists (info))
        continue;
      {
        g_autoptr(GMenuItem) item = g_menu_item_new (gtk_recent_info_get_display_name (info), NULL);
        g_menu_item_set_action_and_target_value (item, "win.open-uri", g_variant_new_string (uri));
        g_menu_append_item (self->recent_menu, item);
      }
      n++;
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

static void
remember (SbWindow *self,
          GFile    *file)
{
  g_autofree char *uri = g_file_get_uri (file);
  g_autoptr(GFile) parent = g_file_get_parent (file);
  GSettings *settings = settings_of (self);

  gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);
  if (settings != NULL && parent != NULL)
    {
      g_autofree char *path = g_file_get_path (parent);
      if (path != NULL)
        g_settings_set_string (settings, "last-folder", path);
    }
  rebuild_recent (self);
}

/* Replace the bench with @session's sockets (made fresh: settings, not live state). */
static void
take_session (SbWindow  *self,
              SbSession *session)
{
  GListModel *specs = sb_session_get_sockets (session);

  /* close what is open */
  while (g_list_model_get_n_items (G_LIST_MODEL (self->sockets)) > 0)
    {
      g_autoptr(SbSocket) s = g_list_model_get_item (G_LIST_MODEL (self->sockets), 0);
      GListModel *children = sb_socket_get_children (s);

      for (guint j = 0; j < g_list_model_get_n_items (children); j++)
        {
          g_autoptr(SbSocket) child = g_list_model_get_item (children, j);
          drop_panel (self, child);
          sb_socket_close (child);
        }
      drop_panel (self, s);
      sb_socket_close (s);
      g_list_store_remove (self->sockets, 0);
    }

  g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  g_signal_connect_object (session, "notify::dirty", G_CALLBACK (update_title), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::file", G_CALLBACK (update_title), self, G_CONNECT_SWAPPED);

  for (guint i = 0; i < g_list_model_get_n_items (specs); i++)
    {
      g_autoptr(SbSocketSpec) spec = g_list_model_get_item (specs, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(SbSocket) socket = sb_socket_spec_create_socket (spec, &error);
      if (socket == NULL)
        {
          /* the spec stays in the document; say why it has no socket */
          g_autofree char *msg = g_strdup_printf (_("“%s”: %s"), sb_socket_spec_get_name (spec), error->message);
          AdwToast *toast = adw_toast_new (msg);
          adw_toast_set_timeout (toast, 8);
          add_toast (self, toast);
          continue;
        }
      bench_add (self, socket, spec);
      sb_window_get_panel (self, socket);   /* applies the spec's options now */
    }
  sb_session_set_dirty (session, FALSE);
  update_sidebar (self);
  selection_changed_cb (self);
  update_title (self);
}

static void
load_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SbWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbSession) session = sb_session_load_finish (result, &error);

  if (session == NULL)
    {
      /* the open session stays exactly as it was */
      show_error_dialog (self, _("Cannot Open the Session"), error->message);
      return;
    }
  take_session (self, session);
  if (sb_session_get_file (session) != NULL)
    remember (self, sb_session_get_file (session));
}

void
sb_window_open_file (SbWindow *self,
                     GFile    *file)
{
  g_return_if_fail (SB_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  sb_session_load_async (file, NULL, load_done_cb, g_object_ref (self));
}

SbSession *
sb_window_get_session (SbWindow *self)
{
  g_return_val_if_fail (SB_IS_WINDOW (self), NULL);
  return self->session;
}

static GtkFileFilter *
session_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Sockbench Sessions"));
  gtk_file_filter_add_mime_type (filter, "application/x-sockbench-session");
  gtk_file_filter_add_suffix (filter, "sockbench");
  return filter;
}

static void
set_start_folder (SbWindow       *self,
                  GtkFileChooser *chooser)
{
  GSettings *settings = settings_of (self);
  g_autofree char *folder = settings != NULL ? g_settings_get_string (settings, "last-folder") : NULL;

  if (folder != NULL && *folder != '\0')
    {
      g_autoptr(GFile) dir = g_file_new_for_path (folder);
      gtk_file_chooser_set_current_folder (chooser, dir, NULL);
    }
}

static void discard_then (SbWindow *self, GCallback then);

static void
open_response_cb (GtkNativeDialog *dialog,
                  int              response,
                  SbWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      sb_window_open_file (self, file);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
open_dialog (SbWindow *self)
{
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_("Open a Session"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), session_filter ());
  set_start_folder (self, GTK_FILE_CHOOSER (dialog));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (open_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  discard_then (SB_WINDOW (widget), G_CALLBACK (open_dialog));
}

static void
open_uri_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  sb_window_open_file (SB_WINDOW (widget), file);
}

static void
save_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SbWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sb_session_save_finish (SB_SESSION (object), result, &error))
    {
      show_error_dialog (self, _("Cannot Save the Session"), error->message);
      return;
    }
  remember (self, sb_session_get_file (SB_SESSION (object)));
  update_title (self);
  if (self->closing_confirmed)
    gtk_window_destroy (GTK_WINDOW (self));
}

void
sb_window_save_to (SbWindow *self,
                   GFile    *file)
{
  g_return_if_fail (SB_IS_WINDOW (self));
  sb_session_save_async (self->session, file, NULL, save_done_cb, g_object_ref (self));
}

static void
save_as_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     SbWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL && !g_str_has_suffix (path, ".sockbench"))
        {
          g_autofree char *with = g_strconcat (path, ".sockbench", NULL);
          g_object_unref (file);
          file = g_file_new_for_path (with);
        }
      sb_window_save_to (self, file);
    }
  else
    self->closing_confirmed = FALSE;
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
save_as (SbWindow *self)
{
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_("Save the Session"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), session_filter ());
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "session.sockbench");
  set_start_folder (self, GTK_FILE_CHOOSER (dialog));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (save_as_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
save (SbWindow *self)
{
  GFile *file = sb_session_get_file (self->session);

  if (file != NULL)
    sb_window_save_to (self, file);
  else
    save_as (self);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  save (SB_WINDOW (widget));
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  save_as (SB_WINDOW (widget));
}

static void
export_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    SbWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GError) error = NULL;

      if (!sb_window_export_python (self, file, &error))
        show_error_dialog (self, _("Cannot Export the Session"), error->message);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

gboolean
sb_window_export_python (SbWindow *self,
                         GFile    *file,
                         GError  **error)
{
  GFile *source = sb_session_get_file (self->session);
  g_autofree char *name = source != NULL ? g_file_get_basename (source) : NULL;
  g_autofree char *script = sb_python_export (self->session, name, error);

  if (script == NULL)
    return FALSE;
  return g_file_replace_contents (file, script, strlen (script), NULL, FALSE,
                                  G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error);
}

static void
export_python_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  SbWindow *self = SB_WINDOW (widget);
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_("Export as Python Script"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "session.py");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (export_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* Ask before unsaved changes are lost; then run @then (or not). */
typedef struct
{
  SbWindow *self;
  GCallback then;
} Pending;

static void
unsaved_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     Pending          *p)
{
  SbWindow *self = p->self;

  if (g_str_equal (response, "save"))
    {
      /* only closing continues after a save; opening waits for the user */
      self->closing_confirmed = p->then == NULL;
      save (self);
    }
  else if (g_str_equal (response, "discard"))
    {
      sb_session_set_dirty (self->session, FALSE);
      if (p->then != NULL)
        ((void (*) (SbWindow *)) p->then) (self);
      else
        gtk_window_destroy (GTK_WINDOW (self));
    }
  g_object_unref (self);
  g_free (p);
}

/* @then == NULL means: close the window. */
static void
discard_then (SbWindow  *self,
              GCallback  then)
{
  GtkWidget *dialog;
  Pending *p;

  if (!sb_session_get_dirty (self->session))
    {
      if (then != NULL)
        ((void (*) (SbWindow *)) then) (self);
      return;
    }
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Save Changes?"),
                                   _("The session has changes that are not saved. Without saving, they are lost."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  p = g_new0 (Pending, 1);
  p->self = g_object_ref (self);
  p->then = then;
  g_signal_connect (dialog, "response", G_CALLBACK (unsaved_response_cb), p);
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         SbWindow      *self)
{
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  files = g_value_get_boxed (value);
  if (files == NULL)
    return FALSE;
  sb_window_open_file (self, files->data);
  return TRUE;
}

/* ---- object -------------------------------------------------------------- */

static void
close_everything (SbWindow *self)
{
  if (self->sockets == NULL)
    return;
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->sockets)); i++)
    {
      g_autoptr(SbSocket) socket = g_list_model_get_item (G_LIST_MODEL (self->sockets), i);
      GListModel *children = sb_socket_get_children (socket);

      for (guint j = 0; j < g_list_model_get_n_items (children); j++)
        {
          g_autoptr(SbSocket) child = g_list_model_get_item (children, j);
          sb_socket_close (child);
        }
      sb_socket_close (socket);
    }
}

static gboolean
sb_window_close_request (GtkWindow *window)
{
  SbWindow *self = SB_WINDOW (window);
  GSettings *settings = settings_of (self);

  if (settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (window));
      if (!gtk_window_is_maximized (window))
        {
          g_settings_set_int (settings, "window-width", width);
          g_settings_set_int (settings, "window-height", height);
        }
    }
  if (self->session != NULL && sb_session_get_dirty (self->session) && !self->closing_confirmed)
    {
      discard_then (self, NULL);
      return TRUE;  /* wait for the answer */
    }
  return GTK_WINDOW_CLASS (sb_window_parent_class)->close_request (window);
}

/* "application" is not a construct property: GObject sets it after
 * constructed(), so what needs the settings waits for it here. */
static void
application_set_cb (SbWindow *self)
{
  GSettings *settings = settings_of (self);

  if (settings == NULL || self->settings_applied)
    return;
  self->settings_applied = TRUE;
  gtk_window_set_default_size (GTK_WINDOW (self), g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  g_signal_connect_object (settings, "changed::transcript-limit-mib",
                           G_CALLBACK (transcript_limit_changed_cb), self, G_CONNECT_SWAPPED);
  /* GSettings only reports changes of keys read since a handler is on */
  transcript_limit (self);
}

static void
sb_window_dispose (GObject *object)
{
  SbWindow *self = SB_WINDOW (object);

  close_everything (self);
  if (self->socket_list != NULL)
    gtk_list_view_set_model (self->socket_list, NULL);
  g_clear_pointer (&self->panels, g_hash_table_unref);
  g_clear_object (&self->selection);
  g_clear_object (&self->tree);
  g_clear_object (&self->sockets);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_WINDOW);

  G_OBJECT_CLASS (sb_window_parent_class)->dispose (object);
}

static void
sb_window_finalize (GObject *object)
{
  SbWindow *self = SB_WINDOW (object);

  g_free (self->last_error);
  g_free (self->last_toast);
  G_OBJECT_CLASS (sb_window_parent_class)->finalize (object);
}

/* Capture the selected socket's packets: its endpoints become the filter. */
static void
follow_socket_action (GtkWidget  *widget,
                      const char *name,
                      GVariant   *param)
{
  SbWindow *self = SB_WINDOW (widget);
  SbSocket *socket = sb_window_get_selected_socket (self);

  adw_view_stack_set_visible_child_name (self->view_stack, "capture");
  if (socket == NULL || !sb_capture_pane_follow_socket (self->capture_pane, socket))
    {
      AdwToast *toast = adw_toast_new (socket == NULL
                                       ? _("Select a socket to follow first")
                                       : _("The socket has no address to follow yet — bind or connect it first"));

      add_toast (self, toast);
    }
}

SbCapturePane *
sb_window_get_capture_pane (SbWindow *self)
{
  g_return_val_if_fail (SB_IS_WINDOW (self), NULL);
  return self->capture_pane;
}

static void
sb_window_class_init (SbWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_window_dispose;
  object_class->finalize = sb_window_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = sb_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sockbench/Sockbench/sb-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SbWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, content);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, socket_list);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, panel_stack);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, capture_pane);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);

  gtk_widget_class_install_action (widget_class, "win.new-socket", NULL, new_socket_action);
  gtk_widget_class_install_action (widget_class, "win.add-socket", "s", add_socket_action);
  gtk_widget_class_install_action (widget_class, "win.close-socket", NULL, close_socket_action);
  gtk_widget_class_install_action (widget_class, "win.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-uri", "s", open_uri_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "win.export-python", NULL, export_python_action);
  gtk_widget_class_install_action (widget_class, "win.follow-socket", NULL, follow_socket_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "win.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.save-as", NULL);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, recent_menu);

  g_type_ensure (SB_TYPE_SOCKET_PANEL);
  g_type_ensure (SB_TYPE_CAPTURE_PANE);
}

static void
sb_window_init (SbWindow *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->panels = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  g_signal_connect (self, "notify::application", G_CALLBACK (application_set_cb), NULL);
  self->session = sb_session_new ();
  g_signal_connect_object (self->session, "notify::dirty", G_CALLBACK (update_title), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::file", G_CALLBACK (update_title), self, G_CONNECT_SWAPPED);
  {
    GtkDropTarget *target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
    g_signal_connect_object (target, "drop", G_CALLBACK (drop_cb), self, 0);
    gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
  }
  self->sockets = g_list_store_new (SB_TYPE_SOCKET);
  self->tree = gtk_tree_list_model_new (g_object_ref (G_LIST_MODEL (self->sockets)), FALSE, TRUE,
                                        create_children_cb, NULL, NULL);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->tree)));
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (row_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (row_bind_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (row_unbind_cb), NULL);
  gtk_list_view_set_factory (self->socket_list, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->socket_list, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->socket_list, "activate", G_CALLBACK (list_activate_cb), self,
                           G_CONNECT_SWAPPED);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.close-socket", FALSE);
  update_sidebar (self);
  rebuild_recent (self);
  update_title (self);

#ifdef DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}

SbWindow *
sb_window_new (SbApplication *app)
{
  return g_object_new (SB_TYPE_WINDOW, "application", app, NULL);
}

const char *
sb_window_get_last_toast (SbWindow *self)
{
  g_return_val_if_fail (SB_IS_WINDOW (self), NULL);
  return self->last_toast;
}

const char *
sb_window_get_last_error (SbWindow *self)
{
  g_return_val_if_fail (SB_IS_WINDOW (self), NULL);
  return self->last_error;
}
