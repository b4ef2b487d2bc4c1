/* sb-window.c — the main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sb-window.h"
#include "sb-new-socket-dialog.h"
#include "sb-socket-panel.h"

struct _SbWindow
{
  AdwApplicationWindow parent_instance;

  AdwLeaflet      *leaflet;
  GtkWidget       *sidebar;
  GtkWidget       *content;
  GtkStack        *sidebar_stack;
  GtkListView     *socket_list;
  GtkStack        *panel_stack;
  AdwToastOverlay *toasts;
  AdwViewStack    *view_stack;
  AdwViewSwitcherTitle *switcher_title;

  GListStore      *sockets;
  GtkTreeListModel *tree;
  GtkSingleSelection *selection;
  GHashTable      *panels;       /* SbSocket* → SbSocketPanel* (weak keys, see below) */
  char            *last_error;
};

G_DEFINE_FINAL_TYPE (SbWindow, sb_window, ADW_TYPE_APPLICATION_WINDOW)

static void watch_socket (SbWindow *self, SbSocket *socket);

static GSettings *
settings_of (SbWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  return SB_IS_APPLICATION (app) ? sb_application_get_settings (SB_APPLICATION (app)) : NULL;
}

/* ---- errors as toasts ------------------------------------------------------ */

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
  adw_toast_overlay_add_toast (self->toasts, toast);
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

static void
watch_socket (SbWindow *self,
              SbSocket *socket)
{
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
  else
    label = sb_socket_dup_label (socket);
  gtk_image_set_from_icon_name (GTK_IMAGE (icon), state_icon (socket));
  gtk_label_set_label (GTK_LABEL (title), label);
  state = g_strdup (sb_state_to_string (sb_socket_get_state (socket)));
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

SbSocket *
sb_window_add_socket (SbWindow     *self,
                      SbFamily      family,
                      SbSocketType  type,
                      int           protocol,
                      GError      **error)
{
  g_autoptr(SbSocket) socket = NULL;

  g_return_val_if_fail (SB_IS_WINDOW (self), NULL);

  socket = sb_socket_new (family, type, protocol, error);
  if (socket == NULL)
    return NULL;
  if (settings_of (self) != NULL)
    {
      sb_socket_set_timeout (socket, g_settings_get_int (settings_of (self), "default-timeout-ms"));
      sb_socket_set_receive_size (socket, g_settings_get_int (settings_of (self), "recv-buffer-size"));
    }
  watch_socket (self, socket);
  g_list_store_append (self->sockets, socket);
  update_sidebar (self);
  sb_window_select_socket (self, socket);
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
      adw_toast_overlay_add_toast (self->toasts, toast);
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
  return GTK_WINDOW_CLASS (sb_window_parent_class)->close_request (window);
}

static void
sb_window_constructed (GObject *object)
{
  SbWindow *self = SB_WINDOW (object);
  GSettings *settings;

  G_OBJECT_CLASS (sb_window_parent_class)->constructed (object);

  settings = settings_of (self);
  if (settings != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self), g_settings_get_int (settings, "window-width"),
                                   g_settings_get_int (settings, "window-height"));
      if (g_settings_get_boolean (settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }
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
  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_WINDOW);

  G_OBJECT_CLASS (sb_window_parent_class)->dispose (object);
}

static void
sb_window_finalize (GObject *object)
{
  SbWindow *self = SB_WINDOW (object);

  g_free (self->last_error);
  G_OBJECT_CLASS (sb_window_parent_class)->finalize (object);
}

static void
sb_window_class_init (SbWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_window_dispose;
  object_class->finalize = sb_window_finalize;
  object_class->constructed = sb_window_constructed;
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
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);

  gtk_widget_class_install_action (widget_class, "win.new-socket", NULL, new_socket_action);
  gtk_widget_class_install_action (widget_class, "win.add-socket", "s", add_socket_action);
  gtk_widget_class_install_action (widget_class, "win.close-socket", NULL, close_socket_action);
  gtk_widget_class_install_action (widget_class, "win.send", NULL, send_action);

  g_type_ensure (SB_TYPE_SOCKET_PANEL);
}

static void
sb_window_init (SbWindow *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->panels = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
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
sb_window_get_last_error (SbWindow *self)
{
  g_return_val_if_fail (SB_IS_WINDOW (self), NULL);
  return self->last_error;
}
