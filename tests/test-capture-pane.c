/* test-capture-pane.c — the Capture page of the real window, under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The live test captures on lo and needs CAP_NET_RAW: it runs as root
 * (or inside `unshare -rn` with lo up) and is skipped otherwise. The
 * filter and file tests need no privilege.
 */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <adwaita.h>
#include <glib/gstdio.h>

#include "sb-application.h"
#include "ui-test-util.h"
#include "sb-window.h"
#include "sb-capture-pane.h"
#include "sb-field-item.h"
#include "sb-socket-panel.h"
#include "sb-transcript-view.h"

#define N_DATAGRAMS 50

static SbApplication *app;

static SbWindow *
new_window (int width,
            int height)
{
  SbWindow *window = sb_window_new (app);
  GtkWidget *stack;

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (window)));
  stack = gtk_widget_get_ancestor (GTK_WIDGET (sb_window_get_capture_pane (window)), ADW_TYPE_VIEW_STACK);
  g_assert_nonnull (stack);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (stack), "capture");
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (sb_window_get_capture_pane (window))));
  return window;
}

static void
destroy_window (SbWindow *window)
{
  GtkWidget *pane = GTK_WIDGET (sb_window_get_capture_pane (window));

  g_object_add_weak_pointer (G_OBJECT (pane), (gpointer *) &pane);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_destroy (GTK_WINDOW (window));
  WAIT_FOR (window == NULL);
  WAIT_FOR (pane == NULL);
}

/* The widget under @root that is an actionable with @action_name. */
static GtkWidget *
find_actionable (GtkWidget  *root,
                 const char *action_name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_ACTIONABLE (child)
          && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (child)), action_name) == 0)
        return child;
      if ((found = find_actionable (child, action_name)) != NULL)
        return found;
    }
  return NULL;
}

/* A UDP datagram over IPv4 as a raw-IP frame. */
static gsize
make_udp (guint8 *buf,
          guint16 sport,
          guint16 dport,
          const char *payload)
{
  gsize plen = strlen (payload);
  gsize total = 20 + 8 + plen;

  memset (buf, 0, 28);
  buf[0] = 0x45;
  buf[2] = total >> 8;
  buf[3] = total & 0xff;
  buf[8] = 64;
  buf[9] = 17;
  buf[12] = 127; buf[15] = 1;
  buf[16] = 127; buf[19] = 1;
  buf[20] = sport >> 8; buf[21] = sport & 0xff;
  buf[22] = dport >> 8; buf[23] = dport & 0xff;
  buf[24] = (8 + plen) >> 8; buf[25] = (8 + plen) & 0xff;
  memcpy (buf + 28, payload, plen);
  return total;
}

static char *
write_small_pcap (guint n)
{
  g_autoptr(SbPacketStore) store = sb_packet_store_new ();
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (g_get_tmp_dir (), "sb-test-capture-pane-small.pcap", NULL);

  for (guint i = 0; i < n; i++)
    {
      guint8 buf[128];
      gsize len = make_udp (buf, 40000 + i, 5000, "hello");

      sb_packet_store_append (store, SB_LINKTYPE_RAW, (gint64) (1700000000 + i) * G_GINT64_CONSTANT (1000000000),
                              buf, len, len);
    }
  g_assert_true (sb_packet_store_save (store, path, 0, G_MAXUINT, &error));
  g_assert_no_error (error);
  return path;
}

static void
close_dialogs (SbWindow *window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = g_list_model_get_n_items (toplevels); i > 0; i--)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i - 1);

      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_window_get_transient_for (w) == GTK_WINDOW (window))
        gtk_window_destroy (w);
    }
}

static guint
count_dialogs (SbWindow *window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_window_get_transient_for (w) == GTK_WINDOW (window))
        n++;
    }
  return n;
}

/* A filter that does not compile: pcap's message under the entry, and no Start. */
static void
test_bad_filter (void)
{
  SbWindow *window = new_window (1280, 800);
  SbCapturePane *pane = sb_window_get_capture_pane (window);
  GtkWidget *start = find_actionable (GTK_WIDGET (pane), "capture.toggle");
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (start);
  g_assert_true (sb_capture_pane_set_interface (pane, "lo"));
  sb_capture_pane_set_filter (pane, "udp and port 5000");
  g_assert_null (sb_capture_pane_get_filter_error (pane));
  WAIT_FOR (gtk_widget_is_sensitive (start));

  sb_capture_pane_set_filter (pane, "udp and port");
  g_assert_nonnull (sb_capture_pane_get_filter_error (pane));
  g_test_message ("pcap says: %s", sb_capture_pane_get_filter_error (pane));
  WAIT_FOR (!gtk_widget_is_sensitive (start));
  g_assert_false (sb_capture_pane_start (pane, &error));
  g_assert_error (error, SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_BAD_FILTER);
  g_assert_cmpint (sb_capture_get_state (sb_capture_pane_get_capture (pane)), ==, SB_CAPTURE_IDLE);
  save_screenshot (GTK_WIDGET (window), "capture-bad-filter");

  sb_capture_pane_set_filter (pane, "");
  g_assert_null (sb_capture_pane_get_filter_error (pane));
  WAIT_FOR (gtk_widget_is_sensitive (start));
  destroy_window (window);
}

/* Open a good file, then a garbage one: an error, and the list as it was. */
static void
test_files (void)
{
  SbWindow *window = new_window (1280, 800);
  SbCapturePane *pane = sb_window_get_capture_pane (window);
  GListModel *store = G_LIST_MODEL (sb_capture_pane_get_store (pane));
  g_autofree char *good = write_small_pcap (3);
  g_autofree char *bad = g_build_filename (g_get_tmp_dir (), "sb-test-capture-pane-garbage.pcap", NULL);
  g_autoptr(GFile) good_file = g_file_new_for_path (good);
  g_autoptr(GFile) bad_file = g_file_new_for_path (bad);
  g_autoptr(GError) error = NULL;
  gboolean seen = FALSE;

  g_assert_true (sb_capture_pane_open_file (pane, good_file, &error));
  g_assert_no_error (error);
  WAIT_FOR (sb_capture_get_state (sb_capture_pane_get_capture (pane)) == SB_CAPTURE_IDLE
            && g_list_model_get_n_items (store) == 3);
  g_assert_cmpuint (count_dialogs (window), ==, 0);
  save_screenshot (GTK_WIDGET (window), "capture-file");

  /* the details of a packet read from a file */
  sb_capture_pane_select_packet (pane, 1);
  g_assert_true (sb_capture_pane_select_field (pane, "Source Port"));
  for (guint i = 0; i < g_list_model_get_n_items (sb_capture_pane_get_fields (pane)); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (sb_capture_pane_get_fields (pane), i);
      g_autoptr(SbFieldItem) item = gtk_tree_list_row_get_item (row);

      const SbField *field = sb_field_item_get_field (item);

      if (g_strcmp0 (field->name, "Source Port") == 0)
        {
          g_assert_cmpstr (field->value, ==, "40001");
          seen = TRUE;
        }
    }
  g_assert_true (seen);

  g_assert_true (g_file_set_contents (bad, "this is not a capture file, just text\n", -1, NULL));
  g_assert_false (sb_capture_pane_open_file (pane, bad_file, &error));
  g_assert_error (error, SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_BAD_FILE);
  g_test_message ("garbage file: %s", error->message);
  g_clear_error (&error);
  WAIT_FOR (count_dialogs (window) == 1);
  g_assert_cmpuint (g_list_model_get_n_items (store), ==, 3);
  g_assert_cmpint (sb_capture_get_state (sb_capture_pane_get_capture (pane)), ==, SB_CAPTURE_IDLE);
  close_dialogs (window);

  g_unlink (good);
  g_unlink (bad);
  destroy_window (window);
}

static GtkWidget *
find_by_type (GtkWidget *root,
              GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      if ((found = find_by_type (child, type)) != NULL)
        return found;
    }
  return NULL;
}

/* A big batch (a file of thousands of packets, the first batch of a flood)
 * reaches the packet list a few rows a frame until GTK has its rows, then
 * whole; a clear starts that over; selecting a packet the list does not
 * show yet shows them all at once. */
static void
test_first_rows (void)
{
  SbWindow *window = new_window (1280, 800);
  SbCapturePane *pane = sb_window_get_capture_pane (window);
  GListModel *store = G_LIST_MODEL (sb_capture_pane_get_store (pane));
  GtkWidget *view = find_by_type (GTK_WIDGET (pane), GTK_TYPE_COLUMN_VIEW);
  GListModel *rows;
  g_autofree char *path = write_small_pcap (5000);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(SbPacket) packet = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (view);
  rows = G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (view)));
  for (int round = 0; round < 2; round++)
    {
      g_assert_true (sb_capture_pane_open_file (pane, file, &error));
      g_assert_no_error (error);
      WAIT_FOR (sb_capture_get_state (sb_capture_pane_get_capture (pane)) == SB_CAPTURE_IDLE
                && g_list_model_get_n_items (store) == 5000);
      g_assert_cmpuint (g_list_model_get_n_items (rows), <, 5000);
      WAIT_FOR (g_list_model_get_n_items (rows) == 5000);

      /* the clear takes every row away (GTK aborts on a row it was not told of) */
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (pane), "capture.clear", NULL));
      g_assert_cmpuint (g_list_model_get_n_items (store), ==, 0);
      g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 0);
    }

  g_assert_true (sb_capture_pane_open_file (pane, file, &error));
  g_assert_no_error (error);
  WAIT_FOR (sb_capture_get_state (sb_capture_pane_get_capture (pane)) == SB_CAPTURE_IDLE
            && g_list_model_get_n_items (store) == 5000);
  sb_capture_pane_select_packet (pane, 4999);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 5000);
  g_assert_cmpuint (gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (rows)), ==, 4999);
  packet = g_list_model_get_item (rows, 4999);
  g_assert_cmpuint (sb_packet_get_number (packet), ==, 5000);

  g_unlink (path);
  destroy_window (window);
}

static gboolean
has_udp_port (SbCapturePane *pane,
              guint          port)
{
  GListModel *fields = sb_capture_pane_get_fields (pane);
  gboolean udp = FALSE, found = FALSE;
  char text[16];

  g_snprintf (text, sizeof text, "%u", port);
  for (guint i = 0; i < g_list_model_get_n_items (fields); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (fields, i);
      g_autoptr(SbFieldItem) item = gtk_tree_list_row_get_item (row);
      const SbField *field = sb_field_item_get_field (item);

      if (field->kind == SB_FIELD_LAYER)
        udp = g_strcmp0 (field->name, "User Datagram Protocol") == 0;
      else if (udp && g_strcmp0 (field->name, "Destination Port") == 0
               && g_strcmp0 (field->value, text) == 0)
        found = TRUE;
    }
  return found;
}

/* Capture 50 datagrams on lo, look at one, save them, read them back. */
static void
test_live (void)
{
  SbWindow *window;
  SbCapturePane *pane;
  GListModel *store;
  struct sockaddr_in addr = { .sin_family = AF_INET };
  socklen_t addrlen = sizeof addr;
  int rx, tx;
  guint port;
  g_autofree char *filter = NULL;
  g_autofree char *saved = g_build_filename (g_get_tmp_dir (), "sb-test-capture-pane.pcap", NULL);
  g_autoptr(GFile) saved_file = g_file_new_for_path (saved);
  g_autoptr(GError) error = NULL;
  g_autoptr(SbCapture) reader = NULL;
  SbHexView *bytes_view;
  guint64 hl_offset, hl_length;

  if (geteuid () != 0)
    {
      g_test_skip ("live capture needs CAP_NET_RAW: run as root or inside unshare -rn");
      return;
    }

  window = new_window (1280, 800);
  pane = sb_window_get_capture_pane (window);
  store = G_LIST_MODEL (sb_capture_pane_get_store (pane));

  rx = socket (AF_INET, SOCK_DGRAM, 0);
  g_assert_cmpint (rx, >=, 0);
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (rx, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (getsockname (rx, (struct sockaddr *) &addr, &addrlen), ==, 0);
  port = ntohs (addr.sin_port);

  g_assert_true (sb_capture_pane_set_interface (pane, "lo"));
  filter = g_strdup_printf ("udp and port %u", port);
  sb_capture_pane_set_filter (pane, filter);
  g_assert_null (sb_capture_pane_get_filter_error (pane));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (pane), "capture.toggle", NULL));
  if (sb_capture_get_state (sb_capture_pane_get_capture (pane)) != SB_CAPTURE_LIVE)
    g_error ("the capture did not start: %s", sb_capture_pane_get_banner_text (pane));
  g_assert_null (sb_capture_pane_get_banner_text (pane));

  tx = socket (AF_INET, SOCK_DGRAM, 0);
  g_assert_cmpint (tx, >=, 0);
  for (guint i = 0; i < N_DATAGRAMS; i++)
    {
      char payload[64];
      int len = g_snprintf (payload, sizeof payload, "datagram %02u of the capture pane test", i);

      g_assert_cmpint (sendto (tx, payload, len, 0, (struct sockaddr *) &addr, sizeof addr), ==, len);
    }
  WAIT_FOR (g_list_model_get_n_items (store) == N_DATAGRAMS);
  g_assert_cmpuint (sb_capture_get_captured (sb_capture_pane_get_capture (pane)), ==, N_DATAGRAMS);
  g_test_message ("counters: %s", sb_capture_pane_get_counters_text (pane));
  g_assert_nonnull (strstr (sb_capture_pane_get_counters_text (pane), "Listed 50"));

  /* one packet: the field tree has UDP with our port, the bytes its range */
  sb_capture_pane_select_packet (pane, 7);
  g_assert_true (has_udp_port (pane, port));
  g_assert_true (sb_capture_pane_select_field (pane, "Destination Port"));
  bytes_view = sb_capture_pane_get_bytes_view (pane);
  g_assert_true (sb_hex_view_get_highlight (bytes_view, &hl_offset, &hl_length));
  /* lo is Ethernet: 14 + 20 bytes of headers, then the UDP ports */
  g_assert_cmpuint (hl_offset, ==, 14 + 20 + 2);
  g_assert_cmpuint (hl_length, ==, 2);
  save_screenshot (GTK_WIDGET (window), "capture-live");
  /* the port's two bytes are drawn highlighted: both on row 2, so one
   * rectangle in the hex column and one in the ASCII column */
  g_assert_cmpint (sb_hex_view_get_mode (bytes_view), ==, SB_HEX_VIEW_HEX);
  g_assert_cmpuint (sb_hex_view_get_last_highlight_rects (bytes_view), ==, 2);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (pane), "capture.toggle", NULL));
  g_assert_cmpint (sb_capture_get_state (sb_capture_pane_get_capture (pane)), ==, SB_CAPTURE_IDLE);
  save_screenshot (GTK_WIDGET (window), "capture-stopped");

  /* save as pcap, read back offline */
  g_assert_true (sb_capture_pane_save (pane, saved_file, &error));
  g_assert_no_error (error);
  reader = sb_capture_new (NULL);
  g_assert_true (sb_capture_open_file (reader, saved, &error));
  g_assert_no_error (error);
  WAIT_FOR (sb_capture_get_state (reader) == SB_CAPTURE_IDLE);
  g_assert_cmpuint (sb_packet_store_get_n_packets (sb_capture_get_store (reader)), ==, N_DATAGRAMS);

  /* narrow: the pane still fits */
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 760);
  WAIT_FOR (adw_leaflet_get_folded (ADW_LEAFLET (gtk_widget_get_ancestor (GTK_WIDGET (pane), ADW_TYPE_LEAFLET))));
  adw_leaflet_navigate (ADW_LEAFLET (gtk_widget_get_ancestor (GTK_WIDGET (pane), ADW_TYPE_LEAFLET)),
                        ADW_NAVIGATION_DIRECTION_FORWARD);
  save_screenshot (GTK_WIDGET (window), "capture-narrow");

  close (rx);
  close (tx);
  g_unlink (saved);
  destroy_window (window);
}

/* win.follow-socket: the selected socket's endpoints become the filter. */
static void
test_follow_socket (void)
{
  SbWindow *window = new_window (1280, 800);
  SbCapturePane *pane = sb_window_get_capture_pane (window);
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  SbSocket *socket;

  socket = sb_window_add_socket (window, SB_FAMILY_IPV4, SB_SOCKET_DATAGRAM, 0, &error);
  g_assert_no_error (error);
  g_assert_true (sb_socket_bind (socket, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  sb_window_select_socket (window, socket);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.follow-socket", NULL));
  expected = g_strdup_printf ("udp and host 127.0.0.1 and port %u", sb_socket_get_local_port (socket));
  g_assert_cmpstr (sb_capture_pane_get_filter (pane), ==, expected);
  g_assert_cmpstr (sb_capture_pane_get_interface (pane), ==, "lo");
  g_assert_null (sb_capture_pane_get_filter_error (pane));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (pane)));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.close-socket", NULL));
  destroy_window (window);
}

static gboolean
preview_has (SbTranscriptView *view,
             const char       *needle)
{
  GListModel *rows = sb_transcript_view_get_model (view);

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(SbTranscriptEvent) event = g_list_model_get_item (rows, i);
      g_autofree char *preview = sb_transcript_view_dup_preview (view, event);

      if (sb_transcript_event_get_kind (event) == SB_EVENT_RECEIVED && strstr (preview, needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* A packet socket's frames show as the decoders sum them up. */
static void
test_packet_socket (void)
{
  SbWindow *window;
  SbSocket *psock;
  SbTranscriptView *view;
  g_autoptr(GError) error = NULL;
  g_autofree char *needle = NULL;
  struct sockaddr_in addr = { .sin_family = AF_INET };
  int tx;

  if (geteuid () != 0)
    {
      g_test_skip ("packet sockets need CAP_NET_RAW: run as root or inside unshare -rn");
      return;
    }
  window = new_window (1280, 800);
  psock = sb_window_add_socket (window, SB_FAMILY_PACKET, SB_SOCKET_RAW, 0x0003, &error);
  g_assert_no_error (error);
  sb_window_select_socket (window, psock);
  view = sb_socket_panel_get_transcript_view (SB_SOCKET_PANEL (sb_window_get_panel (window, psock)));
  g_assert_cmpint (sb_transcript_view_get_decode (view), ==, SB_LINKTYPE_ETHERNET);
  g_assert_true (sb_socket_bind (psock, "lo", 0, &error));
  g_assert_no_error (error);
  sb_socket_set_auto_receive (psock, TRUE);

  tx = socket (AF_INET, SOCK_DGRAM, 0);
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  addr.sin_port = htons (9);   /* discard: nobody listens, the frame still crosses lo */
  g_assert_cmpint (sendto (tx, "frame", 5, 0, (struct sockaddr *) &addr, sizeof addr), ==, 5);
  needle = g_strdup ("UDP  127.0.0.1 → 127.0.0.1");
  WAIT_FOR (preview_has (view, needle));
  close (tx);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.close-socket", NULL));
  destroy_window (window);
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

  g_test_add_func ("/capture-pane/bad-filter", test_bad_filter);
  g_test_add_func ("/capture-pane/files", test_files);
  g_test_add_func ("/capture-pane/first-rows", test_first_rows);
  g_test_add_func ("/capture-pane/follow-socket", test_follow_socket);
  g_test_add_func ("/capture-pane/live", test_live);
  g_test_add_func ("/capture-pane/packet-socket", test_packet_socket);
  ret = g_test_run ();
  g_object_unref (app);
  return ret;
}
