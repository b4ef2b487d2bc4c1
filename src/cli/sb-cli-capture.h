/* sb-cli-capture.h — sockbench-cli capture and read
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   sockbench-cli capture -i IFACE [-f FILTER] [-c COUNT] [--timeout MS]
 *                         [--immediate] [--snaplen N] [-w FILE.pcap] [-q]
 *   sockbench-cli read FILE [-f FILTER] [-c COUNT] [-V] [-q]
 *
 * Packet summaries go to stdout, one a line; status and the closing
 * counts (captured, dropped by the kernel) to stderr.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Whether @command ("capture", "read") is one of these. */
gboolean    sb_cli_capture_handles  (const char  *command);
/* Run it; returns the exit status: 0 done, 1 timed out before COUNT
 * packets, 2 bad usage / filter / file, 3 no permission / no such device
 * / capture failed. Ctrl+C ends a capture normally (0), as in tcpdump. */
int         sb_cli_capture_main     (int          argc,
                                     char       **argv);
/* The lines these commands add to sockbench-cli --help. */
const char *sb_cli_capture_usage    (void);

G_END_DECLS
