/* sb-preferences-window.c — the settings a person can change
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sb-preferences-window.h"

struct _SbPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  AdwComboRow   *style_row;
  GtkSwitch     *timeout_switch;
  GtkSpinButton *timeout_spin;
  GtkSpinButton *bufsize_spin;
  AdwComboRow   *keep_row;
  AdwEntryRow   *interface_row;
  GtkSpinButton *snaplen_spin;
  GtkSwitch     *immediate_switch;
  GtkSwitch     *promisc_switch;

  GSettings     *settings;
  gboolean       loading;
};

G_DEFINE_FINAL_TYPE (SbPreferencesWindow, sb_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static const char *styles[] = { "default", "light", "dark" };

static void
style_changed_cb (SbPreferencesWindow *self)
{
  guint i = adw_combo_row_get_selected (self->style_row);

  if (!self->loading && i < G_N_ELEMENTS (styles))
    g_settings_set_string (self->settings, "color-scheme", styles[i]);
}

/* The choices of Keep per Socket, in MiB, in the row's order; 0 = everything. */
static const int keep_mib[] = { 16, 32, 64, 256, 1024, 4096, 0 };

static void
keep_changed_cb (SbPreferencesWindow *self)
{
  guint i = adw_combo_row_get_selected (self->keep_row);

  if (!self->loading && i < G_N_ELEMENTS (keep_mib))
    g_settings_set_int (self->settings, "transcript-limit-mib", keep_mib[i]);
}

/* The row for a setting's value: the smallest choice that keeps at least as
 * much (a value set outside this window may fall between them). */
static guint
keep_row_for (int mib)
{
  if (mib == 0)
    return G_N_ELEMENTS (keep_mib) - 1;
  for (guint i = 0; i + 1 < G_N_ELEMENTS (keep_mib); i++)
    if (keep_mib[i] >= mib)
      return i;
  return G_N_ELEMENTS (keep_mib) - 1;
}

static void
timeout_changed_cb (SbPreferencesWindow *self)
{
  gboolean on = gtk_switch_get_active (self->timeout_switch);

  gtk_widget_set_sensitive (GTK_WIDGET (self->timeout_spin), on);
  if (!self->loading)
    g_settings_set_int (self->settings, "default-timeout-ms",
                        on ? gtk_spin_button_get_value_as_int (self->timeout_spin) : -1);
}

static void
sb_preferences_window_dispose (GObject *object)
{
  SbPreferencesWindow *self = SB_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);
  G_OBJECT_CLASS (sb_preferences_window_parent_class)->dispose (object);
}

static void
sb_preferences_window_class_init (SbPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sockbench/Sockbench/sb-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, timeout_switch);
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, bufsize_spin);
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, keep_row);
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, interface_row);
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, snaplen_spin);
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, immediate_switch);
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, promisc_switch);
  gtk_widget_class_bind_template_callback (widget_class, style_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, timeout_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, keep_changed_cb);
}

static void
sb_preferences_window_init (SbPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
sb_preferences_window_new (GtkWindow *parent,
                           GSettings *settings)
{
  SbPreferencesWindow *self;
  g_autofree char *style = NULL;
  int timeout;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (SB_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);
  self->settings = g_object_ref (settings);

  self->loading = TRUE;
  style = g_settings_get_string (settings, "color-scheme");
  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    if (g_str_equal (style, styles[i]))
      adw_combo_row_set_selected (self->style_row, i);
  timeout = g_settings_get_int (settings, "default-timeout-ms");
  gtk_switch_set_active (self->timeout_switch, timeout >= 0);
  if (timeout >= 0)
    gtk_spin_button_set_value (self->timeout_spin, timeout);
  gtk_widget_set_sensitive (GTK_WIDGET (self->timeout_spin), timeout >= 0);
  adw_combo_row_set_selected (self->keep_row,
                              keep_row_for (g_settings_get_int (settings, "transcript-limit-mib")));
  self->loading = FALSE;

  g_settings_bind (settings, "recv-buffer-size", self->bufsize_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "capture-interface", self->interface_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "capture-snaplen", self->snaplen_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "capture-immediate", self->immediate_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "capture-promiscuous", self->promisc_switch, "active", G_SETTINGS_BIND_DEFAULT);
  return GTK_WIDGET (self);
}
