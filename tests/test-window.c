/* test-window.c — the real window, driven through its actions, under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <adwaita.h>
#include <glib/gstdio.h>

#include "sb-application.h"
#include "ui-test-util.h"
#include "sb-window.h"
#include "sb-socket-panel.h"
#include "sb-new-socket-dialog.h"
#include "sb-transcript-view.h"
#include "sb-transcript-export.h"
#include "sb-steps-view.h"
#include "sb-step-editor.h"
#include "sb-rule-editor.h"
#include "sb-preferences-window.h"

static SbApplication *app;

static SbWindow *
new_window (void)
{
  SbWindow *window = sb_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (window)));
  return window;
}

static void
result_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static SbSocket *
add_socket (SbWindow   *window,
            const char *preset)
{
  guint n = g_list_model_get_n_items (sb_window_get_sockets (window));
  g_autoptr(SbSocket) socket = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-socket", "s", preset));
  g_assert_cmpuint (g_list_model_get_n_items (sb_window_get_sockets (window)), ==, n + 1);
  socket = g_list_model_get_item (sb_window_get_sockets (window), n);
  g_assert_true (sb_window_get_selected_socket (window) == socket);
  return socket; /* the window's list holds it */
}

static SbSocketPanel *
panel_of (SbWindow *window,
          SbSocket *socket)
{
  return SB_SOCKET_PANEL (sb_window_get_panel (window, socket));
}

static void
activate (SbSocketPanel *panel,
          const char    *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), action, NULL));
}

static gboolean
transcript_has (SbSocket    *socket,
                SbEventKind  kind,
                const char  *needle,
                const char  *peer)
{
  SbTranscript *t = sb_socket_get_transcript (socket);

  for (guint i = sb_transcript_get_first_index (t); i < sb_transcript_get_n_events (t); i++)
    {
      SbTranscriptEntry e;
      g_autofree char *text = NULL;
      const char *p;

      g_assert_true (sb_transcript_get_entry (t, i, &e));
      if (e.kind != kind)
        continue;
      text = sb_transcript_dup_preview (t, i, FALSE, 4096);
      p = sb_transcript_get_peer_string (t, e.peer);
      if (strstr (text, needle) != NULL && (peer == NULL || g_strcmp0 (p, peer) == 0))
        return TRUE;
    }
  return FALSE;
}

static void
close_all (SbWindow *window)
{
  while (g_list_model_get_n_items (sb_window_get_sockets (window)) > 0)
    {
      g_autoptr(SbSocket) s = g_list_model_get_item (sb_window_get_sockets (window), 0);
      sb_window_select_socket (window, s);
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.close-socket", NULL));
    }
}

/* Watch @object: destroy_and_check() waits for it to be finalized. */
static void
track (GPtrArray *all,
       gpointer   object)
{
  g_assert_cmpuint (all->len, <, 16);  /* no reallocation: the weak pointers point into it */
  g_ptr_array_add (all, object);
  g_object_add_weak_pointer (object, &all->pdata[all->len - 1]);
}

static void
destroy_and_check (SbWindow  *window,
                   GPtrArray *sockets)
{
  /* every socket, and the window, must really go away */
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_destroy (GTK_WINDOW (window));
  WAIT_FOR (window == NULL);
  for (guint i = 0; i < sockets->len; i++)
    WAIT_FOR (sockets->pdata[i] == NULL);
}

/* A listener and a client in one window; "hello" arrives on the accepted connection. */
static void
test_tcp_hello (void)
{
  SbWindow *window = new_window ();
  g_autoptr(GPtrArray) all = g_ptr_array_sized_new (16);
  SbSocket *server, *client, *child;
  SbSocketPanel *sp, *cp, *childp;
  GListModel *rows;
  gboolean found = FALSE;
  guint port;

  server = add_socket (window, "tcp-server");
  sp = panel_of (window, server);
  sb_socket_panel_set_bind_address (sp, "127.0.0.1", 0);
  activate (sp, "panel.bind");
  g_assert_cmpint (sb_socket_get_state (server), ==, SB_STATE_BOUND);
  port = sb_socket_get_local_port (server);
  g_assert_cmpuint (port, >, 0);
  activate (sp, "panel.listen");
  g_assert_cmpint (sb_socket_get_state (server), ==, SB_STATE_LISTENING);
  activate (sp, "panel.accept");

  client = add_socket (window, "tcp-client");
  cp = panel_of (window, client);
  sb_socket_panel_set_remote_address (cp, "127.0.0.1", port);
  /* settings changed before the socket can receive save auto-receive as
   * wanted (the switch is off until then): a reopened session receives */
  g_assert_true (sb_socket_spec_get_auto_receive (
    sb_session_get_socket (sb_window_get_session (window), 1)));
  activate (cp, "panel.connect");
  WAIT_FOR (sb_socket_get_state (client) == SB_STATE_CONNECTED
            && g_list_model_get_n_items (sb_socket_get_children (server)) == 1);
  g_assert_true (sb_socket_get_auto_receive (client));
  g_assert_true (sb_socket_spec_get_auto_receive (
    sb_session_get_socket (sb_window_get_session (window), 1)));

  sb_composer_set_text (sb_socket_panel_get_composer (cp), "hello");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.send", NULL));
  g_assert_cmpstr (sb_socket_panel_get_status (cp), ==, "send(): the kernel took 5 of 5 bytes");

  child = g_list_model_get_item (sb_socket_get_children (server), 0);
  WAIT_FOR (transcript_has (child, SB_EVENT_RECEIVED, "hello", NULL));

  /* the accepted connection in its own panel, as hex */
  sb_window_select_socket (window, child);
  childp = panel_of (window, child);
  sb_socket_panel_set_hex (childp, TRUE);
  rows = sb_transcript_view_get_model (sb_socket_panel_get_transcript_view (childp));
  sb_transcript_flush (sb_socket_get_transcript (child));
  WAIT_FOR (g_list_model_get_n_items (rows) > 0);
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(SbTranscriptEvent) ev = g_list_model_get_item (rows, i);
      g_autofree char *preview = sb_transcript_view_dup_preview (sb_socket_panel_get_transcript_view (childp), ev);
      if (strstr (preview, "68 65 6c 6c 6f") != NULL)
        found = TRUE;
    }
  g_assert_true (found);
  save_screenshot (GTK_WIDGET (window), "tcp-accepted-hex");

  /* a reply, then the whole conversation as one hex dump */
  sb_composer_set_text (sb_socket_panel_get_composer (childp), "Thank you for connecting\\r\\n");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.send", NULL));
  WAIT_FOR (transcript_has (client, SB_EVENT_RECEIVED, "Thank you", NULL));
  sb_socket_panel_show_stream (childp, TRUE);
  save_screenshot (GTK_WIDGET (window), "stream-hex");

  sb_window_select_socket (window, client);
  save_screenshot (GTK_WIDGET (window), "tcp-client");

  track (all, server);
  track (all, client);
  track (all, child);
  g_object_unref (child);  /* from g_list_model_get_item */
  close_all (window);
  destroy_and_check (window, all);
}

/* sendto / recvfrom between two UDP sockets; the receiver shows the sender. */
static void
test_udp_sendto (void)
{
  SbWindow *window = new_window ();
  g_autoptr(GPtrArray) all = g_ptr_array_sized_new (16);
  SbSocket *a, *b;
  SbSocketPanel *ap, *bp;
  g_autofree char *dest = NULL;
  g_autofree char *sender = NULL;

  a = add_socket (window, "udp");
  ap = panel_of (window, a);
  activate (ap, "panel.bind");
  b = add_socket (window, "udp");
  bp = panel_of (window, b);
  activate (bp, "panel.bind");
  g_assert_true (sb_socket_get_auto_receive (b));

  dest = g_strdup_printf ("127.0.0.1:%u", sb_socket_get_local_port (b));
  sender = g_strdup_printf ("127.0.0.1:%u", sb_socket_get_local_port (a));
  sb_window_select_socket (window, a);
  sb_composer_set_destination (sb_socket_panel_get_composer (ap), dest);
  sb_composer_set_text (sb_socket_panel_get_composer (ap), "ping\\n");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.send", NULL));
  WAIT_FOR (transcript_has (b, SB_EVENT_RECEIVED, "ping\\n", sender));
  g_assert_true (transcript_has (a, SB_EVENT_SENT, "ping", dest));

  sb_window_select_socket (window, b);
  save_screenshot (GTK_WIDGET (window), "udp-recvfrom");

  /* a destination that does not resolve: nothing sent, and the error is in
   * the transcript and a toast, like the engine's own */
  sb_window_select_socket (window, a);
  sb_composer_set_destination (sb_socket_panel_get_composer (ap), "nope.invalid:53");
  sb_composer_set_text (sb_socket_panel_get_composer (ap), "lost");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.send", NULL));
  WAIT_FOR (transcript_has (a, SB_EVENT_ERROR, "nope.invalid", NULL));
  g_assert_nonnull (strstr (sb_window_get_last_toast (window), "nope.invalid"));
  g_assert_false (transcript_has (a, SB_EVENT_SENT, "lost", NULL));
  sb_composer_set_destination (sb_socket_panel_get_composer (ap), dest);

  /* enough rows to scroll, then one more: the sender's table shows it
   * whole (it was left one row below the edge) */
  {
    SbTranscriptView *view = sb_socket_panel_get_transcript_view (ap);
    gint64 until;

    sb_window_select_socket (window, a);
    for (guint i = 0; i < 60; i++)
      {
        sb_composer_set_text (sb_socket_panel_get_composer (ap), "small datagram");
        g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.send", NULL));
      }
    until = g_get_monotonic_time () + 500 * 1000;
    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, TRUE);
    g_assert_true (sb_transcript_view_shows_end (view));
    sb_composer_set_text (sb_socket_panel_get_composer (ap), "one more");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.send", NULL));
    until = g_get_monotonic_time () + 500 * 1000;
    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, TRUE);
    g_assert_true (sb_transcript_view_get_follow (view));
    g_assert_true (sb_transcript_view_shows_end (view));
  }

  track (all, a);
  track (all, b);
  close_all (window);
  destroy_and_check (window, all);
}

/* A connect that cannot complete is reported as timed out, in the
 * transcript and as a toast. The peer is a listener whose accept queue is
 * full, so the kernel drops our SYN. */
static void
test_connect_timeout (void)
{
  SbWindow *window = new_window ();
  g_autoptr(GPtrArray) all = g_ptr_array_sized_new (16);
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof addr;
  int listener, fillers[8];
  guint n_fillers = 0;
  SbSocket *client;
  SbSocketPanel *cp;
  gint64 start, elapsed;

  listener = socket (AF_INET, SOCK_STREAM, 0);
  g_assert_cmpint (bind (listener, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (listen (listener, 0), ==, 0);
  getsockname (listener, (struct sockaddr *) &addr, &len);
  /* fill the accept queue: connects that complete at once */
  for (guint i = 0; i < G_N_ELEMENTS (fillers); i++)
    {
      int fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      int r = connect (fd, (struct sockaddr *) &addr, sizeof addr);
      fillers[n_fillers++] = fd;
      if (r != 0 && errno == EINPROGRESS)
        break;  /* this one is already stuck: the queue is full */
    }

  client = add_socket (window, "tcp-client");
  cp = panel_of (window, client);
  sb_socket_panel_set_remote_address (cp, "127.0.0.1", ntohs (addr.sin_port));
  sb_socket_panel_set_timeout (cp, 300);
  start = g_get_monotonic_time ();
  activate (cp, "panel.connect");
  WAIT_FOR (sb_socket_get_state (client) != SB_STATE_CONNECTING);
  elapsed = (g_get_monotonic_time () - start) / 1000;
  g_test_message ("connect timed out after %" G_GINT64_FORMAT " ms", elapsed);
  g_assert_cmpint (sb_socket_get_state (client), ==, SB_STATE_CREATED);
  g_assert_cmpint (elapsed, >=, 290);
  g_assert_cmpint (elapsed, <, 3000);
  g_assert_true (transcript_has (client, SB_EVENT_TIMEOUT, "Timed out after 300 ms", NULL));
  g_assert_nonnull (sb_window_get_last_error (window));
  g_assert_nonnull (strstr (sb_window_get_last_error (window), "Timed out"));
  save_screenshot (GTK_WIDGET (window), "connect-timeout");

  for (guint i = 0; i < n_fillers; i++)
    close (fillers[i]);
  close (listener);
  track (all, client);
  close_all (window);
  destroy_and_check (window, all);
}

/* Malformed hex is refused with its position, and nothing is sent. */
static void
test_bad_hex (void)
{
  SbWindow *window = new_window ();
  g_autoptr(GPtrArray) all = g_ptr_array_sized_new (16);
  SbSocket *a, *b;
  SbSocketPanel *ap;
  SbComposer *composer;
  g_autofree char *dest = NULL;

  a = add_socket (window, "udp");
  ap = panel_of (window, a);
  activate (ap, "panel.bind");
  b = add_socket (window, "udp");
  activate (panel_of (window, b), "panel.bind");
  dest = g_strdup_printf ("127.0.0.1:%u", sb_socket_get_local_port (b));

  sb_window_select_socket (window, a);
  composer = sb_socket_panel_get_composer (ap);
  sb_composer_set_destination (composer, dest);
  sb_composer_set_format (composer, SB_PAYLOAD_HEX);
  sb_composer_set_text (composer, "48 65 6g");
  g_assert_false (sb_composer_is_valid (composer));
  g_assert_nonnull (strstr (sb_composer_get_error (composer), "position 8"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.send", NULL));
  g_assert_cmpuint (sb_transcript_get_messages_out (sb_socket_get_transcript (a)), ==, 0);
  save_screenshot (GTK_WIDGET (window), "bad-hex");

  /* fixed, it goes */
  sb_composer_set_text (composer, "48 65 6c");
  g_assert_true (sb_composer_is_valid (composer));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.send", NULL));
  WAIT_FOR (transcript_has (b, SB_EVENT_RECEIVED, "Hel", NULL));

  track (all, a);
  track (all, b);
  close_all (window);
  destroy_and_check (window, all);
}

/* A port in use: a clear message, and the socket stays as it was. */
static void
test_port_in_use (void)
{
  SbWindow *window = new_window ();
  g_autoptr(GPtrArray) all = g_ptr_array_sized_new (16);
  SbSocket *a, *b;
  SbSocketPanel *ap, *bp;

  a = add_socket (window, "tcp-server");
  ap = panel_of (window, a);
  sb_socket_panel_set_bind_address (ap, "127.0.0.1", 0);
  activate (ap, "panel.bind");
  activate (ap, "panel.listen");

  b = add_socket (window, "tcp-client");
  bp = panel_of (window, b);
  sb_socket_panel_set_bind_address (bp, "127.0.0.1", sb_socket_get_local_port (a));
  activate (bp, "panel.bind");
  g_assert_cmpint (sb_socket_get_state (b), ==, SB_STATE_CREATED);
  g_assert_nonnull (strstr (sb_window_get_last_error (window), "EADDRINUSE"));
  save_screenshot (GTK_WIDGET (window), "port-in-use");

  track (all, a);
  track (all, b);
  close_all (window);
  destroy_and_check (window, all);
}

/* The window at a phone-like width folds its sidebar away. */
static void
test_narrow (void)
{
  SbWindow *window = new_window ();
  g_autoptr(GPtrArray) all = g_ptr_array_sized_new (16);
  SbSocket *s;

  s = add_socket (window, "tcp-client");
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 760);
  gtk_window_unmaximize (GTK_WINDOW (window));
  WAIT_FOR (gtk_widget_get_width (GTK_WIDGET (window)) <= 420);
  save_screenshot (GTK_WIDGET (window), "narrow");

  track (all, s);
  close_all (window);
  destroy_and_check (window, all);
}

static SbNewSocketDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);
      if (SB_IS_NEW_SOCKET_DIALOG (w))
        return SB_NEW_SOCKET_DIALOG (w);
    }
  return NULL;
}

/* The New Socket dialog explains a bad combination and creates a good one. */
static void
test_new_socket_dialog (void)
{
  SbWindow *window = new_window ();
  g_autoptr(GPtrArray) all = g_ptr_array_sized_new (16);
  SbNewSocketDialog *dialog;
  g_autoptr(SbSocket) socket = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-socket", NULL));
  WAIT_FOR ((dialog = find_dialog ()) != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog)));

  sb_new_socket_dialog_select_preset (dialog, "raw-icmp");
  g_assert_cmpint (sb_new_socket_dialog_get_family (dialog), ==, SB_FAMILY_IPV4);
  g_assert_cmpint (sb_new_socket_dialog_get_socket_type (dialog), ==, SB_SOCKET_RAW);
  g_assert_cmpint (sb_new_socket_dialog_get_protocol (dialog), ==, 1);

  sb_new_socket_dialog_select_preset (dialog, "udp");
  save_screenshot (GTK_WIDGET (dialog), "new-socket-dialog");
  g_signal_emit_by_name (dialog, "create");
  WAIT_FOR (find_dialog () == NULL);
  g_assert_cmpuint (g_list_model_get_n_items (sb_window_get_sockets (window)), ==, 1);
  socket = g_list_model_get_item (sb_window_get_sockets (window), 0);
  g_assert_cmpint (sb_socket_get_socket_type (socket), ==, SB_SOCKET_DATAGRAM);
  track (all, socket);
  g_clear_object (&socket);

  close_all (window);
  destroy_and_check (window, all);
}

/* Settings reach new sockets and the style; the dark window looks right. */
static void
test_settings (void)
{
  GSettings *settings = sb_application_get_settings (app);
  SbWindow *window;
  g_autoptr(GPtrArray) all = g_ptr_array_sized_new (16);
  SbSocket *s;

  g_assert_nonnull (settings);  /* the test setup points GSETTINGS_SCHEMA_DIR at the build */
  g_settings_set_int (settings, "default-timeout-ms", 1500);
  g_settings_set_int (settings, "recv-buffer-size", 4096);
  g_settings_set_string (settings, "color-scheme", "dark");
  g_assert_true (adw_style_manager_get_dark (adw_style_manager_get_default ()));

  /* the size saved at the last close comes back */
  g_settings_set_int (settings, "window-width", 1111);
  g_settings_set_int (settings, "window-height", 777);
  {
    SbWindow *w = sb_window_new (app);
    int width, height;

    gtk_window_get_default_size (GTK_WINDOW (w), &width, &height);
    g_assert_cmpint (width, ==, 1111);
    g_assert_cmpint (height, ==, 777);
    gtk_window_destroy (GTK_WINDOW (w));
  }
  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");

  window = new_window ();
  s = add_socket (window, "tcp-client");
  g_assert_cmpint (sb_socket_get_timeout (s), ==, 1500);
  g_assert_cmpuint (sb_socket_get_receive_size (s), ==, 4096);
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "preferences"));
  save_screenshot (GTK_WIDGET (window), "dark");

  /* the Preferences window shows the settings as they are */
  g_settings_set_int (settings, "transcript-limit-mib", 256);
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  {
    GtkWindow *prefs = NULL;

    while (prefs == NULL)
      {
        g_autoptr(GList) all_windows = gtk_window_list_toplevels ();
        for (GList *l = all_windows; l != NULL; l = l->next)
          if (SB_IS_PREFERENCES_WINDOW (l->data))
            prefs = l->data;
        if (prefs == NULL)
          g_main_context_iteration (NULL, TRUE);
      }
    WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (prefs)));
    save_screenshot (GTK_WIDGET (prefs), "preferences");
    gtk_window_destroy (prefs);
  }
  g_settings_reset (settings, "transcript-limit-mib");

  track (all, s);
  close_all (window);
  destroy_and_check (window, all);
  g_settings_reset (settings, "default-timeout-ms");
  g_settings_reset (settings, "recv-buffer-size");
  g_settings_reset (settings, "color-scheme");
  g_assert_false (adw_style_manager_get_dark (adw_style_manager_get_default ()));
}

/* Preferences › Keep per Socket: every socket gets the limit, accepted
 * connections too; a flood then keeps the newest bytes, says so, and the
 * stream view shows them; a changed preference applies at once. */
static void
test_keep_per_socket (void)
{
  GSettings *settings = sb_application_get_settings (app);
  SbWindow *window;
  g_autoptr(GPtrArray) all = g_ptr_array_sized_new (16);
  g_autoptr(GAsyncResult) sent = NULL;
  g_autoptr(GError) error = NULL;
  SbSocket *server, *client, *child;
  SbSocketPanel *sp, *cp, *childp;
  SbTranscript *t;
  const gsize len = 6 * 1024 * 1024;
  g_autoptr(GBytes) flood = NULL;
  guint port;

  {
    char *text = g_malloc (len + 1);   /* + the last line's NUL */
    for (gsize i = 0; i < len; i += 32)
      g_snprintf (text + i, 33, "flood line %08" G_GSIZE_MODIFIER "x ...........\n", i);
    flood = g_bytes_new_take (text, len);
  }

  g_settings_set_int (settings, "transcript-limit-mib", 1);
  window = new_window ();
  server = add_socket (window, "tcp-server");
  g_assert_cmpuint (sb_transcript_get_byte_limit (sb_socket_get_transcript (server)), ==, 1 << 20);
  sp = panel_of (window, server);
  sb_socket_panel_set_bind_address (sp, "127.0.0.1", 0);
  activate (sp, "panel.bind");
  activate (sp, "panel.listen");
  activate (sp, "panel.accept");
  port = sb_socket_get_local_port (server);

  client = add_socket (window, "tcp-client");
  cp = panel_of (window, client);
  sb_socket_panel_set_remote_address (cp, "127.0.0.1", port);
  activate (cp, "panel.connect");
  WAIT_FOR (sb_socket_get_state (client) == SB_STATE_CONNECTED
            && g_list_model_get_n_items (sb_socket_get_children (server)) == 1);
  child = g_list_model_get_item (sb_socket_get_children (server), 0);
  t = sb_socket_get_transcript (child);
  g_assert_cmpuint (sb_transcript_get_byte_limit (t), ==, 1 << 20);

  sb_window_select_socket (window, child);
  childp = panel_of (window, child);
  sb_socket_panel_show_stream (childp, TRUE);
  sb_socket_send_all_async (client, flood, NULL, result_cb, &sent);
  WAIT_FOR (sent != NULL && sb_transcript_get_bytes_in (t) == len);
  g_assert_true (sb_socket_send_all_finish (client, sent, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sb_transcript_get_first_offset (t), >, 0);
  g_assert_cmpuint (len - sb_transcript_get_first_offset (t), >=, 1 << 20);
  g_assert_true (transcript_has (child, SB_EVENT_NOTICE, "older bytes", NULL));
  g_assert_true (transcript_has (child, SB_EVENT_RECEIVED, "(dropped", NULL));
  /* the stream view says its start is not the conversation's */
  WAIT_FOR (sb_socket_panel_get_stream_note (childp) != NULL);
  g_assert_nonnull (strstr (sb_socket_panel_get_stream_note (childp), "dropped"));
    /* the first time, a toast says where that is set */
  WAIT_FOR (sb_window_get_last_toast (window) != NULL
            && strstr (sb_window_get_last_toast (window), "newest") != NULL);
  save_screenshot (GTK_WIDGET (window), "keep-per-socket");

  /* Everything: applies to the sockets already open */
  g_settings_set_int (settings, "transcript-limit-mib", 0);
  WAIT_FOR (sb_transcript_get_byte_limit (t) == 0);   /* GSettings says so from the loop */
  g_assert_cmpuint (sb_transcript_get_byte_limit (sb_socket_get_transcript (server)), ==, 0);
  g_assert_cmpuint (sb_transcript_get_byte_limit (sb_socket_get_transcript (client)), ==, 0);

  g_clear_object (&sent);
  track (all, server);
  track (all, client);
  track (all, child);
  g_object_unref (child);
  close_all (window);
  destroy_and_check (window, all);
  g_settings_reset (settings, "transcript-limit-mib");
}

/* Many small datagrams under a small Keep per Socket: the oldest events
 * leave the table as new ones arrive, and the table ends on the last. */
static void
test_keep_events (void)
{
  GSettings *settings = sb_application_get_settings (app);
  SbWindow *window;
  g_autoptr(GPtrArray) all = g_ptr_array_sized_new (16);
  g_autoptr(GSocketAddress) to = NULL;
  g_autoptr(GError) error = NULL;
  SbSocket *a, *b;
  SbSocketPanel *bp;
  SbTranscript *t;
  GListModel *rows;
  guint sent = 0;

  g_settings_set_int (settings, "transcript-limit-mib", 1);   /* 16,384 events */
  window = new_window ();
  a = add_socket (window, "udp");
  activate (panel_of (window, a), "panel.bind");
  b = add_socket (window, "udp");
  bp = panel_of (window, b);
  activate (bp, "panel.bind");
  t = sb_socket_get_transcript (b);
  to = sb_address_parse ("127.0.0.1", sb_socket_get_local_port (b), SB_FAMILY_IPV4, NULL);

  /* in batches that fit the default receive buffer, so none is dropped */
  while (sent < 40000)
    {
      for (guint i = 0; i < 200; i++, sent++)
        {
          g_autofree char *m = g_strdup_printf ("datagram %u", sent);
          g_assert_cmpint (sb_socket_send_to (a, to, (const guint8 *) m, strlen (m), &error), ==,
                           (gssize) strlen (m));
        }
      WAIT_FOR (sb_transcript_get_messages_in (t) == sent);
    }
  sb_transcript_flush (t);
  g_assert_cmpuint (sb_transcript_get_first_index (t), >, 0);
  rows = sb_transcript_view_get_model (sb_socket_panel_get_transcript_view (bp));
  WAIT_FOR (g_list_model_get_n_items (rows) > 0);
  g_assert_cmpuint (g_list_model_get_n_items (rows), <=, 16384 + 16384 / 8);
  {
    g_autoptr(SbTranscriptEvent) ev = g_list_model_get_item (rows, g_list_model_get_n_items (rows) - 1);
    g_autofree char *preview = sb_transcript_view_dup_preview (sb_socket_panel_get_transcript_view (bp), ev);
    g_assert_cmpstr (preview, ==, "datagram 39999");
  }
  sb_window_select_socket (window, b);
  save_screenshot (GTK_WIDGET (window), "keep-events");
  /* rows leaving the top did not make the table stop following the end */
  g_assert_true (sb_transcript_view_get_follow (sb_socket_panel_get_transcript_view (bp)));
  /* but the wheel turned up does, at once */
  {
    GtkWidget *view = GTK_WIDGET (sb_socket_panel_get_transcript_view (bp));
    GtkWidget *scroller = NULL;
    GPtrArray *stack = g_ptr_array_new ();

    g_ptr_array_add (stack, view);
    while (scroller == NULL && stack->len > 0)
      {
        GtkWidget *w = g_ptr_array_steal_index (stack, stack->len - 1);

        if (GTK_IS_SCROLLED_WINDOW (w))
          scroller = w;
        for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
          g_ptr_array_add (stack, c);
      }
    g_ptr_array_unref (stack);
    g_assert_nonnull (scroller);
    {
      g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (scroller);

      for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
        {
          g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);
          gboolean handled = FALSE;

          if (GTK_IS_EVENT_CONTROLLER_SCROLL (c))
            g_signal_emit_by_name (c, "scroll", 0.0, -3.0, &handled);
        }
    }
    g_assert_false (sb_transcript_view_get_follow (sb_socket_panel_get_transcript_view (bp)));
  }

  track (all, a);
  track (all, b);
  close_all (window);
  destroy_and_check (window, all);
  g_settings_reset (settings, "transcript-limit-mib");
}

/* Save, open, a corrupt file refused with the session untouched, export. */
static void
test_session_files (void)
{
  SbWindow *window = new_window ();
  g_autoptr(GPtrArray) all = g_ptr_array_sized_new (16);
  g_autofree char *dir = g_dir_make_tmp ("sockbench-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bench.sockbench", NULL);
  g_autofree char *bad_path = g_build_filename (dir, "broken.sockbench", NULL);
  g_autofree char *py_path = g_build_filename (dir, "bench.py", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) bad = g_file_new_for_path (bad_path);
  g_autoptr(GFile) py = g_file_new_for_path (py_path);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  SbSocket *server, *client;
  SbSession *before;

  server = add_socket (window, "tcp-server");
  sb_socket_panel_set_bind_address (panel_of (window, server), "127.0.0.1", 5555);
  client = add_socket (window, "tcp-client");
  sb_socket_panel_set_remote_address (panel_of (window, client), "127.0.0.1", 5555);
  track (all, server);
  track (all, client);
  g_assert_true (sb_session_get_dirty (sb_window_get_session (window)));

  /* a saved payload goes into the session's library */
  sb_composer_set_text (sb_socket_panel_get_composer (panel_of (window, client)), "Hello server\\r\\n");
  sb_composer_save_payload (sb_socket_panel_get_composer (panel_of (window, client)));
  g_assert_cmpuint (g_list_model_get_n_items (sb_session_get_payloads (sb_window_get_session (window))), ==, 1);

  sb_window_save_to (window, file);
  WAIT_FOR (!sb_session_get_dirty (sb_window_get_session (window)));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\"sockbench-session\""));
  g_assert_nonnull (strstr (contents, "5555"));
  g_assert_nonnull (strstr (contents, "Hello server"));
  g_assert_true (g_str_has_suffix (gtk_window_get_title (GTK_WINDOW (window)), "bench.sockbench — Sockbench"));

  /* a broken file: a clear message with line and column; nothing changes */
  g_assert_true (g_file_set_contents (bad_path, "{\n  \"format\": \"sockbench-session\",\n  \"version\": 1,\n  \"sockets\": [ { \"family\": 7 } ]\n", -1, NULL));
  before = sb_window_get_session (window);
  sb_window_open_file (window, bad);
  WAIT_FOR (sb_window_get_last_error (window) != NULL && strstr (sb_window_get_last_error (window), "line") != NULL);
  g_test_message ("broken file: %s", sb_window_get_last_error (window));
  g_assert_true (sb_window_get_session (window) == before);
  g_assert_cmpuint (g_list_model_get_n_items (sb_window_get_sockets (window)), ==, 2);

  /* export as Python: a script python3 can compile */
  g_assert_true (sb_window_export_python (window, py, &error));
  g_assert_no_error (error);
  {
    const char *argv[] = { "python3", "-m", "py_compile", py_path, NULL };
    int status = -1;
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, NULL));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }

  /* open it again: the same two sockets, fresh */
  sb_window_open_file (window, file);
  WAIT_FOR (sb_window_get_session (window) != before);
  g_assert_cmpuint (g_list_model_get_n_items (sb_window_get_sockets (window)), ==, 2);
  {
    g_autoptr(SbSocket) s0 = g_list_model_get_item (sb_window_get_sockets (window), 0);
    g_assert_cmpint (sb_socket_get_state (s0), ==, SB_STATE_CREATED);
    g_assert_cmpint (sb_socket_get_socket_type (s0), ==, SB_SOCKET_STREAM);
    /* the server preset's SO_REUSEADDR came back with the file */
    {
      int reuse = 0;
      g_assert_true (sb_socket_get_option (s0, SB_OPTION_REUSE_ADDRESS, &reuse, NULL));
      g_assert_cmpint (reuse, !=, 0);
    }
    track (all, s0);
  }
  g_assert_cmpuint (g_list_model_get_n_items (sb_session_get_payloads (sb_window_get_session (window))), ==, 1);
  save_screenshot (GTK_WIDGET (window), "session-opened");

  close_all (window);
  destroy_and_check (window, all);
  g_unlink (path);
  g_unlink (bad_path);
  g_unlink (py_path);
  g_rmdir (dir);
}

/* ---- scripted steps ------------------------------------------------------------ */

static SbStepsView *
steps_of (SbWindow *window,
          SbSocket *socket)
{
  return sb_socket_panel_get_steps_view (panel_of (window, socket));
}

/* Select @socket and turn its panel to the Steps page. */
static void
show_steps (SbWindow *window,
            SbSocket *socket)
{
  GtkWidget *view = GTK_WIDGET (steps_of (window, socket));

  sb_window_select_socket (window, socket);
  gtk_stack_set_visible_child (GTK_STACK (gtk_widget_get_parent (view)), view);
}

static void
append_step (SbSocketSpec *spec,
             SbStepKind    kind,
             const char   *first_property,
             ...)
{
  g_autoptr(SbStep) step = sb_step_new (kind);
  va_list args;

  va_start (args, first_property);
  if (first_property != NULL)
    g_object_set_valist (G_OBJECT (step), first_property, args);
  va_end (args);
  sb_socket_spec_append_step (spec, step);
}

static gboolean
all_passed (SbScript *script)
{
  for (guint i = 0; i < sb_script_get_n_steps (script); i++)
    if (sb_script_get_step_status (script, i) != SB_STEP_PASSED)
      {
        g_test_message ("step %u: %s (%s)", i + 1,
                        sb_step_status_to_string (sb_script_get_step_status (script, i)),
                        sb_script_get_step_detail (script, i));
        return FALSE;
      }
  return TRUE;
}

static gboolean
on_bench (SbWindow *window,
          SbSocket *socket)
{
  return g_list_store_find (G_LIST_STORE (sb_window_get_sockets (window)), socket, NULL);
}

static SbStepEditor *
find_step_editor (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);
      if (SB_IS_STEP_EDITOR (w))
        return SB_STEP_EDITOR (w);
    }
  return NULL;
}

/* A server and a client scripted in the Steps page, run all at once; the
 * scripts' sockets show up on the bench. Then a datagram socket stepped
 * one step at a time into an expect that times out, and the step editor. */
static void
test_steps (void)
{
  SbWindow *window = new_window ();
  g_autoptr(GPtrArray) all = g_ptr_array_sized_new (16);
  SbSocket *server, *client, *udp;
  SbSocketSpec *sspec, *cspec, *uspec;
  SbStepsView *sview, *cview, *uview;
  SbScript *sscript, *cscript, *uscript;
  SbSocket *ssock, *csock, *usock, *child;
  SbStepEditor *editor;
  SbStep *draft;
  const char *detail;

  server = add_socket (window, "tcp-server");
  sspec = sb_socket_panel_get_spec (panel_of (window, server));
  append_step (sspec, SB_STEP_BIND, "host", "127.0.0.1", "port", 0, NULL);
  append_step (sspec, SB_STEP_LISTEN, "backlog", 2, NULL);
  append_step (sspec, SB_STEP_ACCEPT, "timeout-ms", 5000, NULL);
  append_step (sspec, SB_STEP_SEND, "data", "Thank you for connecting\\r\\n", NULL);
  append_step (sspec, SB_STEP_EXPECT, "pattern", "Hello server", "timeout-ms", 5000, NULL);
  append_step (sspec, SB_STEP_CLOSE, NULL);

  client = add_socket (window, "tcp-client");
  cspec = sb_socket_panel_get_spec (panel_of (window, client));
  append_step (cspec, SB_STEP_CONNECT, "host", "127.0.0.1", "port-from", sb_socket_spec_get_name (sspec),
               "timeout-ms", 5000, NULL);
  append_step (cspec, SB_STEP_EXPECT, "match", SB_MATCH_CONTAINS, "pattern", "Thank you",
               "timeout-ms", 5000, NULL);
  append_step (cspec, SB_STEP_SEND, "data", "Hello server\\r\\n", NULL);
  append_step (cspec, SB_STEP_CLOSE, NULL);

  /* the server first, up to its accept; then the client, whose connect
   * takes the port the server's script was given */
  sview = steps_of (window, server);
  cview = steps_of (window, client);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (sview), "steps.run", NULL));
  WAIT_FOR ((sscript = sb_steps_view_get_script (sview)) != NULL
            && sb_script_get_step_status (sscript, 2) == SB_STEP_RUNNING);
  g_assert_true (sb_steps_view_is_busy (sview));
  g_assert_nonnull (strstr (sb_steps_view_get_summary (sview), "Running step 3 of 6"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (cview), "steps.run", NULL));
  WAIT_FOR ((cscript = sb_steps_view_get_script (cview)) != NULL
            && sb_script_is_finished (cscript) && sb_script_is_finished (sscript)
            && !sb_steps_view_is_busy (sview) && !sb_steps_view_is_busy (cview));
  g_assert_true (all_passed (sscript));
  g_assert_true (all_passed (cscript));
  g_assert_cmpstr (sb_steps_view_get_summary (sview), ==, "All 6 steps passed");
  g_assert_cmpstr (sb_steps_view_get_summary (cview), ==, "All 4 steps passed");
  g_assert_nonnull (strstr (sb_script_get_step_detail (sscript, 2), "accepted a connection from 127.0.0.1"));

  /* the scripts' sockets are on the bench, the accepted connection under its listener */
  ssock = sb_script_get_socket (sscript);
  csock = sb_script_get_socket (cscript);
  g_assert_true (on_bench (window, ssock));
  g_assert_true (on_bench (window, csock));
  g_assert_cmpuint (g_list_model_get_n_items (sb_socket_get_children (ssock)), ==, 1);
  child = g_list_model_get_item (sb_socket_get_children (ssock), 0);
  g_assert_true (transcript_has (csock, SB_EVENT_RECEIVED, "Thank you", NULL));
  g_assert_true (transcript_has (child, SB_EVENT_RECEIVED, "Hello server", NULL));
  /* the panel that ran stays shown */
  g_assert_true (sb_window_get_selected_socket (window) == client);

  show_steps (window, server);
  save_screenshot (GTK_WIDGET (window), "steps");

  /* one step at a time, into an expect that times out */
  udp = add_socket (window, "udp");
  uspec = sb_socket_panel_get_spec (panel_of (window, udp));
  append_step (uspec, SB_STEP_BIND, "host", "127.0.0.1", "port", 0, NULL);
  append_step (uspec, SB_STEP_EXPECT, "pattern", "never", "timeout-ms", 200, NULL);
  append_step (uspec, SB_STEP_CLOSE, NULL);
  uview = steps_of (window, udp);
  g_assert_cmpstr (sb_steps_view_get_summary (uview), ==, "3 steps, not run");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (uview), "steps.step", NULL));
  WAIT_FOR ((uscript = sb_steps_view_get_script (uview)) != NULL && !sb_steps_view_is_busy (uview));
  g_assert_cmpint (sb_script_get_step_status (uscript, 0), ==, SB_STEP_PASSED);
  g_assert_cmpint (sb_script_get_step_status (uscript, 1), ==, SB_STEP_PENDING);
  g_assert_cmpstr (sb_steps_view_get_summary (uview), ==, "Paused before step 2 of 3");
  usock = sb_script_get_socket (uscript);
  g_assert_true (on_bench (window, usock));
  /* editing waits for the script to end */
  gtk_widget_activate_action (GTK_WIDGET (uview), "steps.remove", "u", 2);
  g_assert_cmpuint (sb_socket_spec_get_n_steps (uspec), ==, 3);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (uview), "steps.step", NULL));
  WAIT_FOR (sb_script_is_finished (uscript) && !sb_steps_view_is_busy (uview));
  g_assert_cmpint (sb_script_get_step_status (uscript, 1), ==, SB_STEP_FAILED);
  g_assert_cmpint (sb_script_get_step_status (uscript, 2), ==, SB_STEP_SKIPPED);
  detail = sb_script_get_step_detail (uscript, 1);
  g_test_message ("failed expect: %s", detail);
  g_assert_nonnull (strstr (detail, "timed out"));
  g_assert_true (g_str_has_prefix (sb_steps_view_get_summary (uview), "Step 2 failed: "));
  show_steps (window, udp);
  save_screenshot (GTK_WIDGET (window), "steps-failed");

  /* the editor refuses bad hex with its position, and adds good hex (which drops the old run) */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (uview), "steps.add", "s", "send"));
  WAIT_FOR ((editor = find_step_editor ()) != NULL && gtk_widget_get_mapped (GTK_WIDGET (editor)));
  draft = sb_step_editor_get_step (editor);
  g_assert_false (sb_step_editor_is_valid (editor));   /* nothing to send yet */
  sb_step_set_format (draft, SB_DATA_HEX);
  sb_step_set_data (draft, "48 65 6g");
  g_assert_false (sb_step_editor_is_valid (editor));
  g_test_message ("bad hex: %s", sb_step_editor_get_error (editor));
  g_assert_nonnull (strstr (sb_step_editor_get_error (editor), "position 8"));
  save_screenshot (GTK_WIDGET (editor), "step-editor");
  g_assert_false (sb_step_editor_apply (editor));
  sb_step_set_data (draft, "48 65 6c");
  g_assert_true (sb_step_editor_is_valid (editor));
  g_assert_true (sb_step_editor_apply (editor));
  WAIT_FOR (find_step_editor () == NULL);
  g_assert_cmpuint (sb_socket_spec_get_n_steps (uspec), ==, 4);
  g_assert_cmpstr (sb_step_get_data (sb_socket_spec_get_step (uspec, 3)), ==, "48 65 6c");
  g_assert_null (sb_steps_view_get_script (uview));

  /* reset: the statuses go back to pending */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (sview), "steps.reset", NULL));
  g_assert_null (sb_steps_view_get_script (sview));
  g_assert_cmpstr (sb_steps_view_get_summary (sview), ==, "6 steps, not run");

  track (all, server);
  track (all, client);
  track (all, udp);
  track (all, ssock);
  track (all, csock);
  track (all, usock);
  track (all, child);
  track (all, cscript);
  g_object_unref (child);  /* from g_list_model_get_item */
  close_all (window);
  destroy_and_check (window, all);
}

static SbRuleEditor *
find_rule_editor (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);
      if (SB_IS_RULE_EDITOR (w))
        return SB_RULE_EDITOR (w);
    }
  return NULL;
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GSocketConnection **connection = user_data;
  g_autoptr(GError) error = NULL;

  *connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (object), result, &error);
  g_assert_no_error (error);
}

/* Read what has arrived on the non-blocking @socket into @into; TRUE once it holds a line. */
static gboolean
read_line (GSocket *socket,
           GString *into)
{
  char buf[256];
  gssize n;

  while ((n = g_socket_receive (socket, buf, sizeof buf, NULL, NULL)) > 0)
    g_string_append_len (into, buf, n);
  return strchr (into->str, '\n') != NULL;
}

/* A server script with an auto-reply rule added in the rule editor: a
 * plain client's PING is answered while the script waits for its bye. */
static void
test_auto_replies (void)
{
  SbWindow *window = new_window ();
  g_autoptr(GPtrArray) all = g_ptr_array_sized_new (16);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GString) reply = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  SbSocket *server, *ssock;
  SbSocketSpec *spec;
  SbStepsView *view;
  SbScript *script;
  SbRuleEditor *editor;
  SbReplyRule *draft;
  GListModel *rules;
  GSocket *gsocket;
  guint port;

  server = add_socket (window, "tcp-server");
  spec = sb_socket_panel_get_spec (panel_of (window, server));
  append_step (spec, SB_STEP_BIND, "host", "127.0.0.1", "port", 0, NULL);
  append_step (spec, SB_STEP_LISTEN, NULL);
  append_step (spec, SB_STEP_ACCEPT, NULL);
  append_step (spec, SB_STEP_EXPECT, "match", SB_MATCH_CONTAINS, "pattern", "bye", "timeout-ms", 3000, NULL);
  append_step (spec, SB_STEP_CLOSE, NULL);
  view = steps_of (window, server);
  rules = sb_socket_spec_get_reply_rules (spec);

  /* the rule editor refuses a bad regex and an empty reply */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "steps.add-rule", NULL));
  WAIT_FOR ((editor = find_rule_editor ()) != NULL && gtk_widget_get_mapped (GTK_WIDGET (editor)));
  draft = sb_rule_editor_get_rule (editor);
  g_assert_false (sb_rule_editor_is_valid (editor));   /* no pattern yet */
  sb_reply_rule_set_match (draft, SB_MATCH_REGEX);
  sb_reply_rule_set_pattern (draft, "^PING (\\d+");
  g_assert_false (sb_rule_editor_is_valid (editor));
  g_test_message ("bad regex: %s", sb_rule_editor_get_error (editor));
  sb_reply_rule_set_pattern (draft, "^PING (\\d+)");
  g_assert_false (sb_rule_editor_is_valid (editor));   /* nothing to reply */
  sb_reply_rule_set_reply (draft, "PONG ${1");
  g_assert_false (sb_rule_editor_is_valid (editor));
  g_test_message ("bad reply: %s", sb_rule_editor_get_error (editor));
  save_screenshot (GTK_WIDGET (editor), "rule-editor");
  g_assert_false (sb_rule_editor_apply (editor));
  sb_reply_rule_set_reply (draft, "PONG ${1}\\n");
  g_assert_true (sb_rule_editor_is_valid (editor));
  g_assert_true (sb_rule_editor_apply (editor));
  WAIT_FOR (find_rule_editor () == NULL);
  g_assert_cmpuint (g_list_model_get_n_items (rules), ==, 1);
  {
    g_autoptr(SbReplyRule) rule = g_list_model_get_item (rules, 0);
    g_assert_cmpint (sb_reply_rule_get_match (rule), ==, SB_MATCH_REGEX);
    g_assert_cmpstr (sb_reply_rule_get_pattern (rule), ==, "^PING (\\d+)");
    g_assert_cmpstr (sb_reply_rule_get_reply (rule), ==, "PONG ${1}\\n");
  }

  /* run up to the accept, then connect a plain client to the script's port */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "steps.run", NULL));
  WAIT_FOR ((script = sb_steps_view_get_script (view)) != NULL
            && sb_script_get_step_status (script, 2) == SB_STEP_RUNNING);
  ssock = sb_script_get_socket (script);
  port = sb_socket_get_local_port (ssock);
  g_assert_cmpuint (port, !=, 0);

  /* editing the rules waits for the script to end */
  gtk_widget_activate_action (GTK_WIDGET (view), "steps.remove-rule", "u", 0);
  gtk_widget_activate_action (GTK_WIDGET (view), "steps.add-rule", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (rules), ==, 1);
  g_assert_null (find_rule_editor ());

  g_socket_client_connect_to_host_async (client, "127.0.0.1", port, NULL, connected_cb, &connection);
  WAIT_FOR (connection != NULL);
  gsocket = g_socket_connection_get_socket (connection);
  g_socket_set_blocking (gsocket, FALSE);
  g_assert_cmpint (g_socket_send (gsocket, "PING 42\n", 8, NULL, &error), ==, 8);
  g_assert_no_error (error);
  WAIT_FOR (read_line (gsocket, reply));
  g_assert_cmpstr (reply->str, ==, "PONG 42\n");
  g_assert_cmpint (g_socket_send (gsocket, "bye", 3, NULL, &error), ==, 3);
  g_assert_no_error (error);
  WAIT_FOR (sb_script_is_finished (script) && !sb_steps_view_is_busy (view));
  g_assert_true (all_passed (script));
  g_assert_cmpstr (sb_steps_view_get_summary (view), ==, "All 5 steps passed");
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);

  show_steps (window, server);
  save_screenshot (GTK_WIDGET (window), "auto-replies");

  track (all, server);
  track (all, ssock);
  track (all, script);
  close_all (window);
  destroy_and_check (window, all);
}

/* Every mapped button under @widget lies within the window's width; each is
 * added to @seen. */
static void
check_buttons (GtkWidget   *widget,
               GtkWidget   *window,
               GPtrArray   *seen)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      if (!gtk_widget_get_mapped (c))
        continue;
      if (GTK_IS_BUTTON (c) || GTK_IS_MENU_BUTTON (c))
        {
          graphene_rect_t r;

          g_assert_true (gtk_widget_compute_bounds (c, window, &r));
          g_assert_cmpfloat (r.origin.x, >=, 0);
          g_assert_cmpfloat (r.origin.x + r.size.width, <=, gtk_widget_get_width (window));
          g_ptr_array_add (seen, c);
          continue;
        }
      check_buttons (c, window, seen);
    }
}

/* Half a 2560 px screen, or a small laptop: the settings column stays open
 * beside the views, and the Steps page's toolbar keeps every button. */
static void
test_medium_width (void)
{
  SbWindow *window = new_window ();
  g_autoptr(GPtrArray) all = g_ptr_array_sized_new (16);
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  const char *actions[] = { "steps.run", "steps.step", "steps.stop", "steps.reset" };
  SbSocketPanel *panel;
  SbSocket *s;
  GtkWidget *toolbar;
  gboolean add_seen = FALSE;

  s = add_socket (window, "tcp-client");
  panel = panel_of (window, s);
  show_steps (window, s);
  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 768);
  gtk_window_unmaximize (GTK_WINDOW (window));
  WAIT_FOR (gtk_widget_get_width (GTK_WIDGET (window)) <= 1024);
  save_screenshot (GTK_WIDGET (window), "medium-width");

  g_assert_false (adw_flap_get_folded (sb_socket_panel_get_flap (panel)));
  g_assert_true (adw_flap_get_reveal_flap (sb_socket_panel_get_flap (panel)));

  /* the whole panel's buttons fit across the window ... */
  check_buttons (GTK_WIDGET (panel), GTK_WIDGET (window), buttons);
  /* ... and the Steps toolbar has one for each of its actions, side by side */
  g_ptr_array_set_size (buttons, 0);
  toolbar = gtk_widget_get_first_child (gtk_widget_get_first_child (GTK_WIDGET (steps_of (window, s))));
  check_buttons (toolbar, GTK_WIDGET (window), buttons);
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      gboolean found = FALSE;

      for (guint j = 0; j < buttons->len; j++)
        if (GTK_IS_ACTIONABLE (buttons->pdata[j])
            && g_strcmp0 (gtk_actionable_get_action_name (buttons->pdata[j]), actions[i]) == 0)
          found = TRUE;
      g_assert_true (found);
    }
  for (guint j = 0; j < buttons->len; j++)
    {
      graphene_rect_t r, q;

      add_seen |= GTK_IS_MENU_BUTTON (buttons->pdata[j]);
      g_assert_true (gtk_widget_compute_bounds (buttons->pdata[j], GTK_WIDGET (window), &r));
      g_assert_cmpfloat (r.size.width, >=, 24);
      for (guint k = j + 1; k < buttons->len; k++)
        {
          g_assert_true (gtk_widget_compute_bounds (buttons->pdata[k], GTK_WIDGET (window), &q));
          g_assert_false (graphene_rect_intersection (&r, &q, NULL));
        }
    }
  g_assert_true (add_seen);

  track (all, s);
  close_all (window);
  destroy_and_check (window, all);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_timeout_add (50, ui_test_wake_cb, NULL);

  app = sb_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  g_test_add_func ("/window/tcp-hello", test_tcp_hello);
  g_test_add_func ("/window/udp-sendto", test_udp_sendto);
  g_test_add_func ("/window/connect-timeout", test_connect_timeout);
  g_test_add_func ("/window/bad-hex", test_bad_hex);
  g_test_add_func ("/window/port-in-use", test_port_in_use);
  g_test_add_func ("/window/narrow", test_narrow);
  g_test_add_func ("/window/new-socket-dialog", test_new_socket_dialog);
  g_test_add_func ("/window/settings", test_settings);
  g_test_add_func ("/window/keep-per-socket", test_keep_per_socket);
  g_test_add_func ("/window/keep-events", test_keep_events);
  g_test_add_func ("/window/session-files", test_session_files);
  g_test_add_func ("/window/steps", test_steps);
  g_test_add_func ("/window/auto-replies", test_auto_replies);
  g_test_add_func ("/window/medium-width", test_medium_width);
  ret = g_test_run ();
  g_object_unref (app);
  return ret;
}
