/* ui-test-util.h — what the UI tests share: waiting on the main loop and
 * screenshots of a window's content
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

/* Run the main loop until @cond holds; fail after 10 s. */
#define WAIT_FOR(cond)                                                        \
  G_STMT_START {                                                               \
    gint64 _deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;          \
    while (!(cond))                                                            \
      {                                                                        \
        if (g_get_monotonic_time () > _deadline)                               \
          g_error ("timed out waiting for %s", #cond);                         \
        g_main_context_iteration (NULL, TRUE);                                 \
      }                                                                        \
  } G_STMT_END

/* A timer that keeps the loop turning, so WAIT_FOR's deadline is checked. */
static inline gboolean
ui_test_wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Save the content of @widget (an AdwApplicationWindow or AdwWindow) as
 * screenshot-NAME.png in the current directory (the build directory under
 * meson test). */
static inline void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  GtkWidget *content = ADW_IS_APPLICATION_WINDOW (widget)
                       ? adw_application_window_get_content (ADW_APPLICATION_WINDOW (widget))
                       : adw_window_get_content (ADW_WINDOW (widget));
  GdkPaintable *paintable;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_strdup_printf ("screenshot-%s.png", name);
  int w, h;
  gint64 until = g_get_monotonic_time () + 300 * 1000;

  /* let a few frames pass so that everything is laid out and drawn */
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  /* the content, without the window's shadow; its paintable draws what is on screen */
  paintable = gtk_widget_paintable_new (content);
  w = gtk_widget_get_width (content);
  h = gtk_widget_get_height (content);
  /* the window's own background is not part of its content */
  gtk_snapshot_append_color (snapshot,
                             adw_style_manager_get_dark (adw_style_manager_get_default ())
                             ? &(GdkRGBA) { 0.14, 0.14, 0.14, 1 } : &(GdkRGBA) { 0.98, 0.98, 0.98, 1 },
                             &GRAPHENE_RECT_INIT (0, 0, w, h));
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("saved %s (%dx%d)", path, w, h);
  g_object_unref (paintable);
}
