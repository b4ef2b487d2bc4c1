/* sb-session-runner.h — runs every socket of a session at once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One SbScript per socket spec, all started together in document order on
 * the thread-default main context, so that a server spec and its client
 * spec talk to each other (a script that has passed keeps its sockets, and
 * their auto-replies, until every script has finished). A spec's "port_from" finds the port of another
 * socket of the run. The first failure stops the other scripts (their
 * remaining steps are skipped, naming the step that failed), so a run
 * never waits on a peer that has given up. When every script has finished,
 * every socket is closed.
 *
 * A run can record its traffic to a pcap file: the capture starts before
 * the first step (a run whose capture cannot start fails with the
 * SB_CAPTURE_ERROR and runs no step) and stops once every script has
 * finished and every socket is closed, after a last drain of the kernel
 * ring. It is always in immediate mode, so that the drain sees every packet
 * up to the end of the run (blocks would hide the last block timeout's).
 */
#pragma once

#include <gio/gio.h>
#include "sb-capture.h"
#include "sb-script.h"
#include "sb-session.h"

G_BEGIN_DECLS

#define SB_TYPE_SESSION_RUNNER (sb_session_runner_get_type ())
G_DECLARE_FINAL_TYPE (SbSessionRunner, sb_session_runner, SB, SESSION_RUNNER, GObject)

SbSessionRunner *sb_session_runner_new        (SbSession       *session);
SbSession       *sb_session_runner_get_session (SbSessionRunner *self);
/* The timeout for waits that neither the step nor its socket limits. */
void             sb_session_runner_set_default_timeout (SbSessionRunner *self,
                                                int              timeout_ms);
/* Record the run to the pcap file @output on @iface with the BPF @filter;
 * a NULL argument keeps what is set. The runner starts with the session's
 * capture settings: its output (when not empty; a relative path is
 * relative to the session's file), its interface ("" is "any"), filter,
 * snaplen and promiscuous mode. Set before running. */
void             sb_session_runner_set_capture (SbSessionRunner *self,
                                               const char      *output,
                                               const char      *iface,
                                               const char      *filter);
/* The pcap file the run records to, or NULL when it does not capture. */
const char      *sb_session_runner_get_capture_output (SbSessionRunner *self);
/* The run's capture, once the run has started it (NULL before, or when the
 * run does not capture): its counts and error stay after it stopped. */
SbCapture       *sb_session_runner_get_capture (SbSessionRunner *self);
guint            sb_session_runner_get_n_scripts (SbSessionRunner *self);
/* Borrowed; one per socket spec, in document order. */
SbScript        *sb_session_runner_get_script (SbSessionRunner *self,
                                               guint            index);

/* Finishes TRUE when every step passed; FALSE with the first failure's
 * error otherwise (each script keeps its steps' results), or with
 * G_IO_ERROR_CANCELLED when @cancellable was cancelled (the steps left are
 * skipped with the reason "cancelled"). */
void             sb_session_runner_run_async  (SbSessionRunner *self,
                                               GCancellable    *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer         user_data);
gboolean         sb_session_runner_run_finish (SbSessionRunner *self,
                                               GAsyncResult    *result,
                                               GError         **error);
/* The first failed step: its script and index; FALSE if none failed. */
gboolean         sb_session_runner_get_first_failure (SbSessionRunner *self,
                                               SbScript       **script,
                                               guint           *index);

G_END_DECLS
