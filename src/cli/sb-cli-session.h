/* sb-cli-session.h — sockbench-cli run and export-python: session files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   sockbench-cli run FILE.sockbench [--junit FILE] [--json] [--timeout MS]
 *   sockbench-cli export-python FILE.sockbench [-o SCRIPT.py]
 *
 * run loads the session (a bad file exits 2 before any socket opens), runs
 * every socket's steps at once with SbSessionRunner and reports one test
 * per step: TAP on stdout, or one JSON object with --json; --junit also
 * writes JUnit XML. Exit status: 0 all passed, 1 an expectation failed or
 * timed out, 2 a bad file or usage, 3 a network error, 130 interrupted.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Whether @command ("run", "export-python") is one of these. */
gboolean    sb_cli_session_handles (const char *command);
/* The usage lines for sockbench-cli --help. */
const char *sb_cli_session_usage   (void);
/* Run the command (argv[1]); returns the exit status. */
int         sb_cli_session_main    (int          argc,
                                    char       **argv);

G_END_DECLS
