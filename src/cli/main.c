/* main.c — sockbench-cli: the headless socket workbench
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <stdlib.h>   /* secure_getenv */
#include <stdio.h>
#include <glib/gi18n.h>

#include "sb-cli-plan.h"
#include "sb-cli-runner.h"
#include "sb-cli-session.h"
#include "sb-cli-capture.h"

/* "Cannot connect…" reads as "sockbench-cli: cannot connect…", the way
 * command-line tools write it; "IPv6…" keeps its capital. */
static void
print_error (const GError *error)
{
  g_autofree char *message = g_strdup (error->message);

  if (g_ascii_isupper (message[0]) && g_ascii_islower (message[1]))
    message[0] = g_ascii_tolower (message[0]);
  g_printerr ("sockbench-cli: %s\n", message);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SbCliPlan) plan = NULL;
  g_autoptr(GError) error = NULL;

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
  g_set_prgname ("sockbench-cli");

  /* capture and read take their own options (sb-cli-capture.c) */
  if (argc >= 2 && sb_cli_capture_handles (argv[1]))
    return sb_cli_capture_main (argc, argv);

  /* run and export-python read session files (sb-cli-session.c) */
  if (argc >= 2 && sb_cli_session_handles (argv[1]))
    return sb_cli_session_main (argc, argv);

  plan = sb_cli_plan_parse (argc, argv, &error);
  if (plan == NULL)
    {
      print_error (error);
      return sb_cli_exit_for_error (error);
    }
  if (plan->show_help)
    {
      g_autofree char *usage = sb_cli_dup_usage ();

      fputs (usage, stdout);
      return SB_CLI_EXIT_OK;
    }
  if (plan->show_version)
    {
      printf ("sockbench-cli %s\n", PACKAGE_VERSION);
      return SB_CLI_EXIT_OK;
    }

  if (!sb_cli_run (plan, &error))
    {
      print_error (error);
      return sb_cli_exit_for_error (error);
    }
  return SB_CLI_EXIT_OK;
}
