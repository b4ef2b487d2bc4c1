/* sb-script.h — runs one socket spec's steps against a real socket
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An SbScript makes the SbSocket a spec describes and runs its steps in
 * order on the thread-default main context, never blocking it: bind,
 * listen, accept (the steps after it run on the accepted connection),
 * connect, send, expect, receive, wait, shutdown, close. Each step has a
 * status (pending, running, passed, failed, skipped) and a detail — what
 * happened, or why it failed ("timed out after 2000 ms waiting for “Thank
 * you”").
 *
 * The script reads with auto-receive as soon as its socket can receive:
 * every byte goes to the socket's transcript and to the script's pending
 * bytes, which an expect matches and consumes up to the end of its match
 * (and a receive takes, like recv()). Regex captures of an expect are kept
 * for the steps after it: ${1} and ${name} in sends. The spec's auto-reply
 * rules answer received bytes for as long as the socket is open.
 *
 * The first failed step ends the script: the steps after it are skipped
 * and its sockets are closed, so that a peer sees the end at once. A script
 * that passes keeps its sockets open (and its auto-replies answering) until
 * sb_script_close() or the last reference goes. A pending step holds a
 * reference to its script: stop a running script (sb_script_stop(), or
 * cancel its run) before dropping it.
 */
#pragma once

#include <gio/gio.h>
#include "sb-session.h"
#include "sb-socket.h"
#include "sb-socket-spec.h"

G_BEGIN_DECLS

#define SB_SCRIPT_ERROR (sb_script_error_quark ())
GQuark sb_script_error_quark (void);

typedef enum
{
  SB_SCRIPT_ERROR_TIMED_OUT,  /* an expect or receive waited longer than its timeout */
  SB_SCRIPT_ERROR_MISMATCH,   /* an exact expect saw other bytes */
  SB_SCRIPT_ERROR_CLOSED,     /* the peer closed before the expected bytes arrived */
  SB_SCRIPT_ERROR_INVALID,    /* the step cannot run: no address, no capture, no file… */
  SB_SCRIPT_ERROR_STOPPED,    /* stopped: cancelled, or another socket of the run failed */
  SB_SCRIPT_ERROR_BUSY,       /* a step is already running */
} SbScriptError;

typedef enum
{
  SB_STEP_PENDING,
  SB_STEP_RUNNING,
  SB_STEP_PASSED,
  SB_STEP_FAILED,
  SB_STEP_SKIPPED,
} SbStepStatus;

/* Looks up the local port of the socket named @name (a step's or the
 * spec's "port_from"); FALSE with @error when it has none (yet). */
typedef gboolean (*SbScriptPortLookup) (const char *name,
                                        guint      *port,
                                        GError    **error,
                                        gpointer    user_data);

#define SB_TYPE_SCRIPT (sb_script_get_type ())
G_DECLARE_FINAL_TYPE (SbScript, sb_script, SB, SCRIPT, GObject)

/* @session (may be NULL) gives library payloads and the folder that
 * relative file paths start from. The steps are those of @spec now. */
SbScript     *sb_script_new               (SbSocketSpec  *spec,
                                           SbSession     *session);
SbSocketSpec *sb_script_get_spec          (SbScript      *self);
/* The timeout for waits that neither the step nor the spec limits
 * (SB_TIMEOUT_NONE, the default, waits forever). */
void          sb_script_set_default_timeout (SbScript    *self,
                                           int            timeout_ms);
void          sb_script_set_port_lookup   (SbScript      *self,
                                           SbScriptPortLookup lookup,
                                           gpointer       user_data,
                                           GDestroyNotify destroy);

guint         sb_script_get_n_steps       (SbScript      *self);
/* Borrowed. */
SbStep       *sb_script_get_step          (SbScript      *self,
                                           guint          index);
SbStepStatus  sb_script_get_step_status   (SbScript      *self,
                                           guint          index);
/* What happened ("connected to 127.0.0.1:5000") or why it failed or was
 * skipped; NULL while pending. */
const char   *sb_script_get_step_detail   (SbScript      *self,
                                           guint          index);
/* The failure (NULL unless failed): SB_SCRIPT_ERROR, SB_SOCKET_ERROR… */
const GError *sb_script_get_step_error    (SbScript      *self,
                                           guint          index);
/* Microseconds the step took (0 unless it ran). */
gint64        sb_script_get_step_duration (SbScript      *self,
                                           guint          index);
/* The index of the next step to run (n_steps when none is left). */
guint         sb_script_get_next_step     (SbScript      *self);
gboolean      sb_script_is_finished       (SbScript      *self);
/* The first failure, or NULL. */
const GError *sb_script_get_error         (SbScript      *self);

/* The socket the spec describes (the listener of a server), and the one
 * the steps run on now (the accepted connection after accept). NULL until
 * the first step made it. */
SbSocket     *sb_script_get_socket        (SbScript      *self);
SbSocket     *sb_script_get_connection    (SbScript      *self);
/* Captures so far: "0", "1"…, named groups → GBytes. */
GHashTable   *sb_script_get_captures      (SbScript      *self);

/* Run every step left. Finishes TRUE when all passed, or FALSE with the
 * first failure's error (SB_SCRIPT_ERROR_STOPPED when stopped,
 * G_IO_ERROR_CANCELLED when @cancellable was cancelled). */
void          sb_script_run_async         (SbScript      *self,
                                           GCancellable  *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer       user_data);
gboolean      sb_script_run_finish        (SbScript      *self,
                                           GAsyncResult  *result,
                                           GError       **error);
/* Run the next step only (single stepping). */
void          sb_script_step_async        (SbScript      *self,
                                           GCancellable  *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer       user_data);
gboolean      sb_script_step_finish       (SbScript      *self,
                                           GAsyncResult  *result,
                                           GError       **error);
/* Stop: the running and pending steps become skipped with @reason, the
 * sockets close, and a pending run or step finishes with
 * SB_SCRIPT_ERROR_STOPPED. Nothing happens once finished. */
void          sb_script_stop              (SbScript      *self,
                                           const char    *reason);
/* Close every socket the script opened (also done when it is disposed). */
void          sb_script_close             (SbScript      *self);

const char   *sb_step_status_to_string    (SbStepStatus   status);

G_END_DECLS
