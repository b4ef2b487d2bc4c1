/* sb-cli-runner.h — runs a sockbench-cli plan on the main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sb-cli-plan.h"

G_BEGIN_DECLS

/* Run @plan's steps in order on a GMainLoop, one asynchronous operation at
 * a time. Received bytes go to stdout, status lines to stderr. Returns
 * TRUE on success, or FALSE with @error set (the first failure stops the
 * run). SIGINT and SIGTERM stop it with SB_CLI_ERROR_INTERRUPTED. */
gboolean    sb_cli_run               (SbCliPlan     *plan,
                                      GError       **error);

/* The exit status for an error from sb_cli_plan_parse or sb_cli_run. */
SbCliExit   sb_cli_exit_for_error    (const GError  *error);

G_END_DECLS
