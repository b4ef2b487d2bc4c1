/* test-hex-view.c — SbHexView: rows, scrolling, follow mode, colours, cost
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Needs a display: run under xvfb-run (the 'ui' suite's test setup does).
 * Screenshots are written to the current directory (the build dir under meson).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <adwaita.h>

#include "sb-hex-view.h"

#define BIG_SIZE (64u * 1024 * 1024)

typedef struct
{
  GtkWidget     *window;
  GtkWidget     *scrolled;
  SbHexView     *view;
  GtkAdjustment *vadj;
} Fixture;

/* Event sizes cycle through these, so rows hold one event, several, or a
 * piece of one. */
static const gsize event_sizes[] = { 1000, 37, 4096, 513, 7, 65536, 300, 1 };

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

/* Run the main loop until the window has painted a frame with whatever is
 * queued now. */
static void
wait_for_frame (Fixture *f)
{
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  guint guard;
  gulong id;

  while (!gtk_widget_get_mapped (f->window) || gtk_widget_get_frame_clock (f->window) == NULL)
    g_main_context_iteration (NULL, TRUE);

  clock = gtk_widget_get_frame_clock (f->window);
  guard = g_timeout_add_seconds (10, timeout_cb, "a frame");
  id = g_signal_connect_swapped (clock, "after-paint", G_CALLBACK (set_true), &painted);
  gtk_widget_queue_draw (GTK_WIDGET (f->view));
  while (!painted)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, id);
  g_source_remove (guard);
}

static void
fixture_init (Fixture *f)
{
  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 800, 600);
  f->scrolled = gtk_scrolled_window_new ();
  f->view = SB_HEX_VIEW (sb_hex_view_new ());
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (f->scrolled), GTK_WIDGET (f->view));
  gtk_window_set_child (GTK_WINDOW (f->window), f->scrolled);
  gtk_window_present (GTK_WINDOW (f->window));

  f->vadj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (f->view));
  g_assert_true (f->vadj == gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (f->scrolled)));

  /* Mapped and allocated: the adjustment knows the page. */
  wait_for_frame (f);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (f->view)), >, 0);
}

static void
fixture_finish (Fixture *f)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static guint
visible_rows (Fixture *f)
{
  return (guint) ceil (gtk_adjustment_get_page_size (f->vadj));
}

static SbTranscript *
make_big_transcript (void)
{
  SbTranscript *t = sb_transcript_new ();
  g_autofree guint8 *sent = g_malloc (65536);
  g_autofree guint8 *received = g_malloc (65536);
  const char *request = "GET /index.html HTTP/1.1\r\nHost: example.org\r\nAccept: */*\r\n\r\n";
  gsize total = 0;

  for (gsize i = 0; i < 65536; i++)
    {
      sent[i] = request[i % strlen (request)];
      received[i] = (guint8) (i * 7 + (i >> 8));
    }

  for (guint i = 0; total < BIG_SIZE; i++)
    {
      gsize len = MIN (event_sizes[i % G_N_ELEMENTS (event_sizes)], BIG_SIZE - total);
      gboolean out = i % 2 == 0;

      sb_transcript_append_data (t, out ? SB_EVENT_SENT : SB_EVENT_RECEIVED,
                                 out ? "10.0.0.1:80" : NULL, out ? sent : received, len);
      total += len;
    }
  sb_transcript_flush (t);
  g_assert_cmpuint (sb_transcript_get_n_bytes (t), ==, BIG_SIZE);
  return t;
}

/* The view's own snapshot(), as a frame would call it. */
static GskRenderNode *
snapshot_view (Fixture *f,
               double  *seconds)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  gint64 start = g_get_monotonic_time ();

  GTK_WIDGET_GET_CLASS (f->view)->snapshot (GTK_WIDGET (f->view), snapshot);
  if (seconds != NULL)
    *seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  return gtk_snapshot_free_to_node (snapshot);
}

/* Average cost of one snapshot() and of rendering its node to a texture. */
static void
time_view (Fixture    *f,
           const char *where)
{
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (f->window));
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (GTK_WIDGET (f->view)),
                                               gtk_widget_get_height (GTK_WIDGET (f->view)));
  const int runs = 50;
  double snap_total = 0, render_total = 0;

  for (int i = 0; i < runs; i++)
    {
      double seconds;
      GskRenderNode *node = snapshot_view (f, &seconds);
      gint64 start;
      GdkTexture *texture;

      g_assert_nonnull (node);
      snap_total += seconds;
      start = g_get_monotonic_time ();
      texture = gsk_renderer_render_texture (renderer, node, &bounds);
      render_total += (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
      g_assert_nonnull (texture);
      g_object_unref (texture);
      gsk_render_node_unref (node);
    }

  g_test_message ("%-7s value %10.1f: snapshot %.3f ms, render %.3f ms (mean of %d), "
                  "%u rows drawn, %" G_GSIZE_FORMAT " bytes read",
                  where, gtk_adjustment_get_value (f->vadj), snap_total * 1000 / runs,
                  render_total * 1000 / runs, runs, sb_hex_view_get_last_drawn_rows (f->view),
                  sb_hex_view_get_last_read_bytes (f->view));
}

/* The whole window, as the last frame drew it, into @name. */
static GdkTexture *
save_window (Fixture    *f,
             const char *name)
{
  GdkPaintable *paintable = gtk_widget_paintable_new (f->window);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int w = gtk_widget_get_width (f->window), h = gtk_widget_get_height (f->window);
  GskRenderNode *node;
  GdkTexture *texture;

  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (f->window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_nonnull (texture);
  g_assert_true (gdk_texture_save_to_png (texture, name));
  g_test_message ("saved %s", name);

  gsk_render_node_unref (node);
  g_object_unref (paintable);
  return texture;
}

static void
assert_drawn_bounded (Fixture *f)
{
  guint vis = visible_rows (f);

  g_assert_cmpuint (sb_hex_view_get_last_drawn_rows (f->view), >, 0);
  g_assert_cmpuint (sb_hex_view_get_last_drawn_rows (f->view), <=, vis + 2);
  g_assert_cmpuint (sb_hex_view_get_last_read_bytes (f->view), <=, (gsize) (vis + 2) * 64);
}

static void
test_big (void)
{
  Fixture f;
  SbTranscript *t = make_big_transcript ();
  GskRenderNode *node;
  double upper, page;

  fixture_init (&f);
  sb_hex_view_set_transcript (f.view, t);
  wait_for_frame (&f);

  /* Rows, not pixels: 64 MiB / 16 */
  upper = gtk_adjustment_get_upper (f.vadj);
  page = gtk_adjustment_get_page_size (f.vadj);
  g_assert_cmpfloat (upper, ==, BIG_SIZE / 16);
  g_assert_cmpuint (sb_hex_view_get_n_rows (f.view), ==, BIG_SIZE / 16);
  g_assert_cmpfloat (page, >, 10);
  g_assert_cmpfloat (page, <, 100);
  g_test_message ("page %.2f rows of %d px", page,
                  (int) (gtk_widget_get_height (GTK_WIDGET (f.view)) / page));

  /* Following: a new view starts at the end. */
  g_assert_true (sb_hex_view_get_follow (f.view));
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (f.vadj), upper - page, 1e-6);
  assert_drawn_bounded (&f);
  g_object_unref (save_window (&f, "hex-view-end.png"));
  time_view (&f, "end");

  /* The start */
  gtk_adjustment_set_value (f.vadj, 0);
  g_assert_false (sb_hex_view_get_follow (f.view));
  wait_for_frame (&f);
  assert_drawn_bounded (&f);
  g_object_unref (save_window (&f, "hex-view-start.png"));
  time_view (&f, "start");

  /* The middle, part of a row scrolled off the top */
  gtk_adjustment_set_value (f.vadj, upper / 2 + 0.5);
  wait_for_frame (&f);
  assert_drawn_bounded (&f);
  node = snapshot_view (&f, NULL);
  g_assert_nonnull (node);
  gsk_render_node_unref (node);
  g_object_unref (save_window (&f, "hex-view-middle.png"));
  time_view (&f, "middle");

  /* scroll_to: a byte near the end comes into view */
  sb_hex_view_scroll_to (f.view, BIG_SIZE - 1000);
  g_assert_cmpfloat (gtk_adjustment_get_value (f.vadj), <=, (BIG_SIZE - 1000) / 16);
  g_assert_cmpfloat (gtk_adjustment_get_value (f.vadj) + page, >=, (BIG_SIZE - 1000) / 16 + 1);

  /* Text mode: 64 bytes a row, the top byte stays on top. */
  gtk_adjustment_set_value (f.vadj, 1000);
  sb_hex_view_set_mode (f.view, SB_HEX_VIEW_TEXT);
  g_assert_cmpuint (sb_hex_view_get_n_rows (f.view), ==, BIG_SIZE / 64);
  g_assert_cmpfloat (gtk_adjustment_get_upper (f.vadj), ==, BIG_SIZE / 64);
  g_assert_cmpfloat (gtk_adjustment_get_value (f.vadj), ==, 1000 / 4);
  wait_for_frame (&f);
  assert_drawn_bounded (&f);
  g_object_unref (save_window (&f, "hex-view-text.png"));
  time_view (&f, "text");
  gtk_adjustment_set_value (f.vadj, gtk_adjustment_get_upper (f.vadj));
  wait_for_frame (&f);
  assert_drawn_bounded (&f);
  time_view (&f, "text-end");

  fixture_finish (&f);
  g_assert_finalize_object (t);
}

/* Past 4 GiB, with offsets that need a ninth digit. The store keeps long
 * GBytes slices by reference, so 5 GiB of transcript costs 1 MiB here. */
static void
test_huge (void)
{
  const guint64 huge = G_GUINT64_CONSTANT (5) << 30;
  const gsize slices[] = { 1 << 20, 16 << 10, 300 << 10, 64 << 10 };
  Fixture f;
  g_autoptr(SbTranscript) t = sb_transcript_new ();
  g_autoptr(GBytes) bytes = NULL;
  guint8 *data = g_malloc (1 << 20);
  guint64 total = 0;
  int natural_small, natural_big;

  for (gsize i = 0; i < (1 << 20); i++)
    data[i] = (guint8) (i ^ (i >> 9));
  bytes = g_bytes_new_take (data, 1 << 20);
  for (guint i = 0; total < huge; i++)
    {
      gsize len = MIN (slices[i % G_N_ELEMENTS (slices)], huge - total);

      sb_transcript_append_bytes (t, i % 3 == 0 ? SB_EVENT_SENT : SB_EVENT_RECEIVED, NULL, bytes,
                                  0, len);
      total += len;
    }
  sb_transcript_flush (t);
  g_test_message ("%u events", sb_transcript_get_n_events (t));

  fixture_init (&f);
  gtk_widget_measure (GTK_WIDGET (f.view), GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural_small,
                      NULL, NULL);
  sb_hex_view_set_transcript (f.view, t);
  gtk_widget_measure (GTK_WIDGET (f.view), GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural_big,
                      NULL, NULL);
  /* 0x13fffffff needs nine digits */
  g_assert_cmpint (natural_big, >, natural_small);

  g_assert_cmpuint (sb_hex_view_get_n_rows (f.view), ==, huge / 16);
  g_assert_cmpfloat (gtk_adjustment_get_upper (f.vadj), ==, (double) (huge / 16));

  wait_for_frame (&f);
  assert_drawn_bounded (&f);
  g_object_unref (save_window (&f, "hex-view-5gib-end.png"));
  time_view (&f, "5G end");

  gtk_adjustment_set_value (f.vadj, (double) (huge / 16 / 2) + 0.25);
  wait_for_frame (&f);
  assert_drawn_bounded (&f);
  time_view (&f, "5G mid");

  gtk_adjustment_set_value (f.vadj, 0);
  wait_for_frame (&f);
  assert_drawn_bounded (&f);
  time_view (&f, "5G start");

  fixture_finish (&f);
}

static void
test_empty (void)
{
  Fixture f;
  g_autoptr(SbTranscript) t = sb_transcript_new ();
  GskRenderNode *node;

  fixture_init (&f);

  /* No transcript */
  g_assert_null (sb_hex_view_get_transcript (f.view));
  g_assert_cmpuint (sb_hex_view_get_n_rows (f.view), ==, 0);
  g_assert_cmpfloat (gtk_adjustment_get_upper (f.vadj), ==, 0);
  wait_for_frame (&f);
  g_assert_cmpuint (sb_hex_view_get_last_drawn_rows (f.view), ==, 0);
  node = snapshot_view (&f, NULL);
  g_clear_pointer (&node, gsk_render_node_unref);

  /* An empty transcript, then one partial row */
  sb_hex_view_set_transcript (f.view, t);
  wait_for_frame (&f);
  g_assert_cmpuint (sb_hex_view_get_n_rows (f.view), ==, 0);
  g_assert_cmpuint (sb_hex_view_get_last_drawn_rows (f.view), ==, 0);

  sb_transcript_append_data (t, SB_EVENT_RECEIVED, NULL, (const guint8 *) "hi\n", 3);
  sb_transcript_flush (t);
  g_assert_cmpuint (sb_hex_view_get_n_rows (f.view), ==, 1);
  wait_for_frame (&f);
  g_assert_cmpuint (sb_hex_view_get_last_drawn_rows (f.view), ==, 1);
  g_assert_cmpuint (sb_hex_view_get_last_read_bytes (f.view), ==, 3);

  /* Cleared */
  sb_transcript_clear (t);
  g_assert_cmpuint (sb_hex_view_get_n_rows (f.view), ==, 0);
  wait_for_frame (&f);
  g_assert_cmpuint (sb_hex_view_get_last_drawn_rows (f.view), ==, 0);

  fixture_finish (&f);
}

static void
append_rows (SbTranscript *t,
             SbEventKind   kind,
             guint         rows)
{
  g_autofree guint8 *data = g_malloc0 (rows * 16);

  sb_transcript_append_data (t, kind, NULL, data, rows * 16);
  sb_transcript_flush (t);
}

static void
test_follow (void)
{
  Fixture f;
  g_autoptr(SbTranscript) t = sb_transcript_new ();
  double page;

  fixture_init (&f);
  sb_hex_view_set_transcript (f.view, t);
  page = gtk_adjustment_get_page_size (f.vadj);

  /* Less than a page: no scrolling at all */
  append_rows (t, SB_EVENT_SENT, 3);
  g_assert_cmpfloat (gtk_adjustment_get_value (f.vadj), ==, 0);
  g_assert_true (sb_hex_view_get_follow (f.view));

  /* More: the end stays in view */
  append_rows (t, SB_EVENT_RECEIVED, 1000);
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (f.vadj), 1003 - page, 1e-6);
  append_rows (t, SB_EVENT_SENT, 10);
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (f.vadj), 1013 - page, 1e-6);
  g_assert_true (sb_hex_view_get_follow (f.view));

  /* Scrolling up stops following; new bytes do not move the view */
  gtk_adjustment_set_value (f.vadj, 100);
  g_assert_false (sb_hex_view_get_follow (f.view));
  append_rows (t, SB_EVENT_RECEIVED, 10);
  g_assert_cmpfloat (gtk_adjustment_get_value (f.vadj), ==, 100);

  /* Scrolling back to the end follows again */
  gtk_adjustment_set_value (f.vadj, gtk_adjustment_get_upper (f.vadj));
  g_assert_true (sb_hex_view_get_follow (f.view));
  append_rows (t, SB_EVENT_SENT, 10);
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (f.vadj), 1033 - page, 1e-6);

  /* set_follow jumps to the end */
  gtk_adjustment_set_value (f.vadj, 5);
  sb_hex_view_set_follow (f.view, TRUE);
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (f.vadj), 1033 - page, 1e-6);

  /* A taller window keeps the end at the bottom */
  gtk_window_set_default_size (GTK_WINDOW (f.window), 800, 700);
  wait_for_frame (&f);
  wait_for_frame (&f);
  g_assert_cmpfloat (gtk_adjustment_get_page_size (f.vadj), >, page);
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (f.vadj),
                                  1033 - gtk_adjustment_get_page_size (f.vadj), 1e-6);

  fixture_finish (&f);
}

static void
test_swap (void)
{
  Fixture f;
  SbTranscript *a = sb_transcript_new ();
  g_autoptr(SbTranscript) b = sb_transcript_new ();

  append_rows (a, SB_EVENT_SENT, 5000);
  append_rows (b, SB_EVENT_RECEIVED, 40);

  fixture_init (&f);
  sb_hex_view_set_transcript (f.view, a);
  gtk_adjustment_set_value (f.vadj, 2000);
  wait_for_frame (&f);
  g_assert_cmpuint (sb_hex_view_get_n_rows (f.view), ==, 5000);

  /* Another transcript starts at its own end */
  sb_hex_view_set_transcript (f.view, b);
  g_assert_true (sb_hex_view_get_transcript (f.view) == b);
  g_assert_cmpuint (sb_hex_view_get_n_rows (f.view), ==, 40);
  g_assert_cmpfloat (gtk_adjustment_get_upper (f.vadj), ==, 40);
  g_assert_true (sb_hex_view_get_follow (f.view));
  wait_for_frame (&f);
  assert_drawn_bounded (&f);

  /* The view let go of the first one, signal handler included */
  g_assert_finalize_object (a);
  append_rows (b, SB_EVENT_SENT, 1);
  g_assert_cmpuint (sb_hex_view_get_n_rows (f.view), ==, 41);

  /* And of everything with NULL */
  sb_hex_view_set_transcript (f.view, NULL);
  g_assert_cmpuint (sb_hex_view_get_n_rows (f.view), ==, 0);
  g_assert_cmpfloat (gtk_adjustment_get_upper (f.vadj), ==, 0);
  wait_for_frame (&f);
  g_assert_cmpuint (sb_hex_view_get_last_drawn_rows (f.view), ==, 0);

  fixture_finish (&f);
}

/* Count blue-ish (sent) and green-ish (received) pixels. Thin glyphs are
 * antialiased, so their pixels rarely reach the exact colour: classify by hue. */
static void
count_hues (GdkTexture *texture,
            guint      *n_sent,
            guint      *n_received)
{
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  g_autofree guint8 *px = g_malloc ((gsize) w * h * 4);

  gdk_texture_download (texture, px, (gsize) w * 4);

  *n_sent = *n_received = 0;
  for (gsize i = 0; i < (gsize) w * h; i++)
    {
      /* GDK_MEMORY_DEFAULT: B G R A, premultiplied */
      int b = px[i * 4], g = px[i * 4 + 1], r = px[i * 4 + 2];

      if (b > r + 60 && b > g)
        (*n_sent)++;
      else if (g > r + 40 && g > b + 20)
        (*n_received)++;
    }
}

static void
test_colors (void)
{
  Fixture f;
  g_autoptr(SbTranscript) t = sb_transcript_new ();
  AdwStyleManager *style = adw_style_manager_get_default ();
  const char *hello = "HELLO world, how are you?\n";
  const char *reply = "fine, thanks: \x01\x02\x03 binary\n";
  guint n_sent, n_received;
  GdkTexture *texture;

  for (int i = 0; i < 20; i++)
    {
      sb_transcript_append_data (t, SB_EVENT_SENT, NULL, (const guint8 *) hello, strlen (hello));
      sb_transcript_append_message (t, SB_EVENT_NOTICE, NULL, "a message between");
      sb_transcript_append_data (t, SB_EVENT_RECEIVED, NULL, (const guint8 *) reply,
                                 strlen (reply));
    }
  sb_transcript_flush (t);

  fixture_init (&f);
  sb_hex_view_set_transcript (f.view, t);
  sb_hex_view_set_follow (f.view, FALSE);
  gtk_adjustment_set_value (f.vadj, 0);

  for (int dark = 0; dark <= 1; dark++)
    {
      adw_style_manager_set_color_scheme (style, dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                      : ADW_COLOR_SCHEME_FORCE_LIGHT);
      for (SbHexViewMode mode = SB_HEX_VIEW_HEX; mode <= SB_HEX_VIEW_TEXT; mode++)
        {
          g_autofree char *name = g_strdup_printf ("hex-view-colors-%s-%s.png",
                                                   dark ? "dark" : "light",
                                                   mode == SB_HEX_VIEW_HEX ? "hex" : "text");

          sb_hex_view_set_mode (f.view, mode);
          wait_for_frame (&f);
          wait_for_frame (&f);
          texture = save_window (&f, name);
          count_hues (texture, &n_sent, &n_received);
          g_test_message ("%s: %u sent-coloured, %u received-coloured pixels", name, n_sent,
                          n_received);
          g_assert_cmpuint (n_sent, >, 100);
          g_assert_cmpuint (n_received, >, 100);
          g_object_unref (texture);
        }
    }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);

  fixture_finish (&f);
}

static void
test_finalize (void)
{
  Fixture f;
  SbTranscript *t = sb_transcript_new ();
  SbHexView *view;

  append_rows (t, SB_EVENT_SENT, 100);
  fixture_init (&f);
  sb_hex_view_set_transcript (f.view, t);
  wait_for_frame (&f);
  view = g_object_ref (f.view);
  fixture_finish (&f);

  g_assert_finalize_object (view);
  g_assert_finalize_object (t);
}

/* A transcript with a byte limit: the view starts at the first whole row
 * still held, draws real bytes there, and keeps the rows a person is
 * reading in place while older chunks are dropped under it. */
static void
test_limited (void)
{
  const guint64 limit = 8 * 1024 * 1024;
  Fixture f;
  g_autoptr(SbTranscript) t = sb_transcript_new ();
  g_autofree guint8 *data = g_malloc (65536);
  g_autoptr(GskRenderNode) node = NULL;
  guint64 first, base_offset, top;
  double value;

  for (gsize i = 0; i < 65536; i++)
    data[i] = (guint8) (i * 3);
  sb_transcript_set_byte_limit (t, limit);
  for (guint i = 0; i < 384; i++)  /* 24 MiB, and a few bytes so rows do not align */
    sb_transcript_append_data (t, i % 2 ? SB_EVENT_SENT : SB_EVENT_RECEIVED, NULL, data,
                               i == 0 ? 65531 : 65536);
  /* go on until the oldest byte held is not at a row's start (chunks end
   * where they do), so that the first row is the partial one skipped */
  for (guint i = 0; i < 256 && sb_transcript_get_first_offset (t) % 16 == 0; i++)
    sb_transcript_append_data (t, SB_EVENT_RECEIVED, NULL, data, 65536);
  sb_transcript_flush (t);
  first = sb_transcript_get_first_offset (t);
  g_assert_cmpuint (first, >, 0);
  g_assert_cmpuint (first % 16, !=, 0);

  fixture_init (&f);
  sb_hex_view_set_transcript (f.view, t);
  wait_for_frame (&f);

  /* rows: from the first whole row held to the end */
  base_offset = (first + 15) / 16 * 16;
  g_assert_cmpuint (sb_hex_view_get_n_rows (f.view), ==,
                    (sb_transcript_get_n_bytes (t) + 15) / 16 - base_offset / 16);

  /* the top of the view shows held bytes, not the dropped start */
  gtk_adjustment_set_value (f.vadj, 0);
  g_assert_cmpuint (sb_hex_view_get_top_offset (f.view), ==, base_offset);
  node = snapshot_view (&f, NULL);
  g_assert_cmpuint (sb_hex_view_get_last_drawn_rows (f.view), >, 0);
  g_assert_cmpuint (sb_hex_view_get_last_read_bytes (f.view), ==,
                    (gsize) sb_hex_view_get_last_drawn_rows (f.view) * 16);

  /* reading in the middle: more arrives, older chunks go, the same bytes
   * stay at the top */
  value = floor (gtk_adjustment_get_upper (f.vadj) * 0.75);
  gtk_adjustment_set_value (f.vadj, value);
  g_assert_false (sb_hex_view_get_follow (f.view));
  top = sb_hex_view_get_top_offset (f.view);
  for (guint i = 0; i < 64; i++)  /* 4 MiB */
    sb_transcript_append_data (t, SB_EVENT_RECEIVED, NULL, data, 65536);
  sb_transcript_flush (t);
  g_assert_cmpuint (sb_transcript_get_first_offset (t), >, first);
  g_assert_cmpuint (sb_transcript_get_first_offset (t), <=, top);
  g_assert_cmpuint (sb_hex_view_get_top_offset (f.view), ==, top);

  /* when those bytes go too, the view is at the oldest held row */
  for (guint i = 0; i < 256; i++)  /* 16 MiB */
    sb_transcript_append_data (t, SB_EVENT_RECEIVED, NULL, data, 65536);
  sb_transcript_flush (t);
  first = sb_transcript_get_first_offset (t);
  g_assert_cmpuint (first, >, top);
  g_assert_cmpuint (sb_hex_view_get_top_offset (f.view), ==, (first + 15) / 16 * 16);
  g_clear_pointer (&node, gsk_render_node_unref);
  node = snapshot_view (&f, NULL);
  g_assert_cmpuint (sb_hex_view_get_last_read_bytes (f.view), >, 0);

  /* a highlight over dropped bytes is clipped to what is held */
  sb_hex_view_set_highlight (f.view, 0, first + 100);
  {
    guint64 off, len;
    sb_hex_view_get_highlight (f.view, &off, &len);
    g_assert_cmpuint (off, >=, first);
    g_assert_cmpuint (off + len, ==, first + 100);
  }

  fixture_finish (&f);
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

  g_test_add_func ("/hex-view/empty", test_empty);
  g_test_add_func ("/hex-view/follow", test_follow);
  g_test_add_func ("/hex-view/swap", test_swap);
  g_test_add_func ("/hex-view/colors", test_colors);
  g_test_add_func ("/hex-view/finalize", test_finalize);
  g_test_add_func ("/hex-view/big", test_big);
  g_test_add_func ("/hex-view/huge", test_huge);
  g_test_add_func ("/hex-view/limited", test_limited);

  return g_test_run ();
}
