/* test-rate-graph.c — SbRateGraph: sampling, clearing, drawing, its timer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Needs a display (xvfb-run). Sampling is once a second, so this takes ~5 s.
 */
#include "config.h"

#include <adwaita.h>

#include "sb-rate-graph.h"

static gboolean
timeout_cb (gpointer data)
{
  g_error ("timed out waiting for %s", (const char *) data);
  return G_SOURCE_REMOVE;
}

static void
set_true (gboolean *flag)
{
  *flag = TRUE;
}

/* Wait for the next sample: each one notifies rate-in or rate-out if it
 * changed, and queues a draw in any case, so watch the frame clock too. */
static void
wait_for_notify (SbRateGraph *graph,
                 const char  *property)
{
  g_autofree char *signal = g_strconcat ("notify::", property, NULL);
  gboolean notified = FALSE;
  guint guard = g_timeout_add_seconds (5, timeout_cb, (gpointer) property);
  gulong id = g_signal_connect_swapped (graph, signal, G_CALLBACK (set_true), &notified);

  while (!notified)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (graph, id);
  g_source_remove (guard);
}

static void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
}

static void
test_sampling (void)
{
  GtkWidget *window = gtk_window_new ();
  SbRateGraph *graph = SB_RATE_GRAPH (sb_rate_graph_new ());
  SbTranscript *t = sb_transcript_new ();
  g_autofree guint8 *data = g_malloc0 (100000);
  GtkSnapshot *snapshot;
  GskRenderNode *node;
  GdkTexture *texture;
  int w, h;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (graph));
  gtk_window_present (GTK_WINDOW (window));
  while (gtk_widget_get_width (GTK_WIDGET (graph)) == 0)
    g_main_context_iteration (NULL, TRUE);
  w = gtk_widget_get_width (GTK_WIDGET (graph));
  h = gtk_widget_get_height (GTK_WIDGET (graph));
  g_test_message ("graph allocated %dx%d", w, h);
  g_assert_cmpint (h, >=, 24);

  g_assert_cmpfloat (sb_rate_graph_get_rate_in (graph), ==, 0);
  g_assert_cmpfloat (sb_rate_graph_get_rate_out (graph), ==, 0);

  /* Bytes sent before the transcript is set are history, not rate. */
  sb_transcript_append_data (t, SB_EVENT_SENT, NULL, data, 100000);
  sb_rate_graph_set_transcript (graph, t);

  /* Out only */
  sb_transcript_append_data (t, SB_EVENT_SENT, NULL, data, 50000);
  wait_for_notify (graph, "rate-out");
  g_test_message ("out %.0f B/s, in %.0f B/s", sb_rate_graph_get_rate_out (graph),
                  sb_rate_graph_get_rate_in (graph));
  g_assert_cmpfloat (sb_rate_graph_get_rate_out (graph), >, 50000 / 2.0);
  g_assert_cmpfloat (sb_rate_graph_get_rate_out (graph), <=, 50000 * 1.05);
  g_assert_cmpfloat (sb_rate_graph_get_rate_in (graph), ==, 0);

  /* In only: out drops back to zero */
  sb_transcript_append_data (t, SB_EVENT_RECEIVED, NULL, data, 20000);
  wait_for_notify (graph, "rate-in");
  g_test_message ("out %.0f B/s, in %.0f B/s", sb_rate_graph_get_rate_out (graph),
                  sb_rate_graph_get_rate_in (graph));
  g_assert_cmpfloat (sb_rate_graph_get_rate_in (graph), >, 20000 / 2.0);
  g_assert_cmpfloat (sb_rate_graph_get_rate_out (graph), ==, 0);

  /* Draw both series */
  snapshot = gtk_snapshot_new ();
  GTK_WIDGET_GET_CLASS (graph)->snapshot (GTK_WIDGET (graph), snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_true (gdk_texture_save_to_png (texture, "rate-graph.png"));
  g_object_unref (texture);
  gsk_render_node_unref (node);

  /* A cleared transcript counts from zero: not a negative (or huge) rate */
  sb_transcript_clear (t);
  sb_transcript_append_data (t, SB_EVENT_RECEIVED, NULL, data, 1000);
  do
    wait_for_notify (graph, "rate-in");
  while (sb_rate_graph_get_rate_in (graph) == 0);
  g_test_message ("after clear: in %.0f B/s", sb_rate_graph_get_rate_in (graph));
  g_assert_cmpfloat (sb_rate_graph_get_rate_in (graph), >, 1000 / 2.0);
  g_assert_cmpfloat (sb_rate_graph_get_rate_in (graph), <=, 1000 * 1.05);
  g_assert_cmpfloat (sb_rate_graph_get_rate_out (graph), ==, 0);

  /* Letting go of the transcript */
  sb_rate_graph_set_transcript (graph, NULL);
  g_assert_finalize_object (t);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_finalize (void)
{
  SbRateGraph *graph = g_object_ref_sink (SB_RATE_GRAPH (sb_rate_graph_new ()));
  SbTranscript *t = sb_transcript_new ();

  sb_rate_graph_set_transcript (graph, t);
  g_assert_finalize_object (graph);
  g_assert_finalize_object (t);
  /* The timer went with the widget: nothing fires on freed memory. */
  iterate_for (1300);
}

int
main (int   argc,
      char *argv[])
{
  /* No session bus under plain xvfb-run, and GTK 4's AT-SPI bridge warns
   * (fatally, in a test) without one. */
  g_setenv ("GTK_A11Y", "none", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/rate-graph/sampling", test_sampling);
  g_test_add_func ("/rate-graph/finalize", test_finalize);

  return g_test_run ();
}
