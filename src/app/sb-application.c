/* sb-application.c — application-wide actions and accelerators
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sb-application.h"
#include "sb-window.h"
#include "sb-preferences-window.h"

struct _SbApplication
{
  AdwApplication parent_instance;

  GSettings     *settings;
};

G_DEFINE_FINAL_TYPE (SbApplication, sb_application, ADW_TYPE_APPLICATION)

static void
sb_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (sb_window_new (SB_APPLICATION (app)));
  gtk_window_present (window);
}

/* sockbench FILE…, and files opened from the file manager */
static void
sb_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  for (int i = 0; i < n_files; i++)
    {
      SbWindow *window = sb_window_new (SB_APPLICATION (app));

      gtk_window_present (GTK_WINDOW (window));
      sb_window_open_file (window, files[i]);
    }
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GApplication *app = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  /* destroy the windows first so that every socket is closed */
  while (windows != NULL)
    {
      gtk_window_destroy (windows->data);
      windows = gtk_application_get_windows (GTK_APPLICATION (app));
    }
  g_application_quit (app);
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkApplication *app = user_data;
  const char *developers[] = { "The Sockbench developers", NULL };
  AdwAboutWindow *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "application-name", "Sockbench",
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Sockbench developers"),
                        "developers", developers,
                        "comments", _("A workbench for sockets: TCP, UDP, raw and packet sockets, step by step"),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", "© 2026 The Sockbench developers",
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  SbApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *prefs;

  if (self->settings == NULL)
    return;
  prefs = sb_preferences_window_new (parent, self->settings);
  gtk_window_present (GTK_WINDOW (prefs));
}

static void
apply_color_scheme (SbApplication *self)
{
  g_autofree char *scheme = g_settings_get_string (self->settings, "color-scheme");
  AdwColorScheme value = ADW_COLOR_SCHEME_DEFAULT;

  if (g_str_equal (scheme, "light"))
    value = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_str_equal (scheme, "dark"))
    value = ADW_COLOR_SCHEME_FORCE_DARK;
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), value);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "about", about_activated },
  { "preferences", preferences_activated },
};

static void
sb_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *new_accels[] = { "<Control>n", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *send_accels[] = { "<Control>Return", NULL };
  static const char *prefs_accels[] = { "<Control>comma", NULL };
  SbApplication *self = SB_APPLICATION (app);
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  G_APPLICATION_CLASS (sb_application_parent_class)->startup (app);

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema != NULL)
    {
      self->settings = g_settings_new (APP_ID);
      g_signal_connect_object (self->settings, "changed::color-scheme",
                               G_CALLBACK (apply_color_scheme), self, G_CONNECT_SWAPPED);
      apply_color_scheme (self);
    }
  else
    g_message ("The settings schema %s is not installed; using defaults", APP_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.new-socket", new_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.close-socket", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.send", send_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences", prefs_accels);
}

static void
sb_application_dispose (GObject *object)
{
  SbApplication *self = SB_APPLICATION (object);

  g_clear_object (&self->settings);
  G_OBJECT_CLASS (sb_application_parent_class)->dispose (object);
}

static void
sb_application_class_init (SbApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = sb_application_dispose;
  app_class->activate = sb_application_activate;
  app_class->open = sb_application_open;
  app_class->startup = sb_application_startup;
}

static void
sb_application_init (SbApplication *self)
{
}

SbApplication *
sb_application_new (void)
{
  return g_object_new (SB_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/sockbench/Sockbench",
                       NULL);
}

GSettings *
sb_application_get_settings (SbApplication *self)
{
  g_return_val_if_fail (SB_IS_APPLICATION (self), NULL);
  return self->settings;
}
