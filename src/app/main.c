/* main.c — the Sockbench window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdlib.h>   /* secure_getenv */

#include "sb-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SbApplication) app = NULL;

  setlocale (LC_ALL, "");
  /* SOCKBENCH_LOCALEDIR: the build tree's translations, before meson
   * install. Not for a program given capabilities (setcap): a catalogue's
   * format strings would run with them, so secure_getenv() */
  {
    const char *dir = secure_getenv ("SOCKBENCH_LOCALEDIR");

    bindtextdomain (GETTEXT_PACKAGE, dir != NULL && *dir != '\0' ? dir : LOCALEDIR);
  }
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = sb_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
