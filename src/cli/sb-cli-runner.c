/* sb-cli-runner.c — runs a sockbench-cli plan on the main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One step at a time: a synchronous step (bind, shutdown, settimeout, a
 * datagram send) runs inline, an asynchronous one (connect, accept, sendall,
 * recv, a wait) starts and its callback advances to the next step. At most
 * one operation is ever pending, so the loop quits only when nothing is.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <glib/gi18n.h>
#include <glib-unix.h>

#include "sb-cli-runner.h"
#include "sb-payload.h"

#define TRANSCRIPT_KEEP (8 * 1024 * 1024)

typedef struct
{
  SbCliPlan       *plan;
  GMainLoop       *loop;
  GCancellable    *cancellable;
  SbSocket        *socket;       /* the command's socket; the listener for listen */
  SbSocket        *conn;         /* where the steps run */
  GSocketAddress  *destination;  /* where --send goes on an unconnected UDP socket */
  const SbCliStep *step;         /* the step running */
  guint            next;         /* index of the next step */
  int              timeout_ms;
  guint64          offset;       /* of the next byte received, for hex dumps */
  guint64          total;        /* bytes read so far by a running --recv all */
  GSource         *wait_source;
  gboolean         busy;         /* an asynchronous operation is pending */
  gboolean         advancing;
  gboolean         done;
  gboolean         interrupted;
  GError          *error;
} Runner;

static void advance (Runner *self);

static void
status (Runner     *self,
        const char *format,
        ...) G_GNUC_PRINTF (2, 3);

static void
status (Runner     *self,
        const char *format,
        ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (self->plan->quiet)
    return;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("sockbench-cli: %s\n", message);
}

/* Received bytes go to stdout unchanged (or dumped), flushed at once so that
 * a pipe sees each read as it happens. */
static void
output (Runner *self,
        GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  if (len == 0)
    return;
  if (self->plan->hex)
    {
      g_autofree char *dump = sb_payload_hexdump (data, len, self->offset);
      fputs (dump, stdout);
    }
  else
    fwrite (data, 1, len, stdout);
  fflush (stdout);
  self->offset += len;
}

/* The CLI never reads its transcripts back: clear them now and then so that
 * a long --recv all does not keep every byte in memory. */
static void
trim_transcript (SbSocket *socket)
{
  SbTranscript *transcript = sb_socket_get_transcript (socket);

  if (sb_transcript_get_n_bytes (transcript) > TRANSCRIPT_KEEP)
    sb_transcript_clear (transcript);
}

static char *
address_string (GSocketAddress *address)
{
  return address != NULL ? sb_address_to_string (address) : g_strdup ("?");
}

static void
finish (Runner *self,
        GError *error)
{
  if (error != NULL && self->error == NULL)
    self->error = error;
  else
    g_clear_error (&error);
  self->done = TRUE;
  g_main_loop_quit (self->loop);
}

/* The pending operation ended; takes @error. */
static void
step_done (Runner *self,
           GError *error)
{
  self->busy = FALSE;
  if (self->interrupted)
    {
      g_clear_error (&error);
      finish (self, g_error_new_literal (SB_CLI_ERROR, SB_CLI_ERROR_INTERRUPTED, _("interrupted")));
    }
  else if (error != NULL)
    finish (self, error);
  else
    advance (self);
}

static SbSocket *
new_socket (Runner  *self,
            GError **error)
{
  SbCliPlan *plan = self->plan;
  g_autoptr(SbSocket) socket = sb_socket_new (plan->family, plan->type, 0, error);

  if (socket == NULL)
    return NULL;
  sb_socket_set_timeout (socket, self->timeout_ms);
  if (plan->reuseaddr && !sb_socket_set_option (socket, SB_OPTION_REUSE_ADDRESS, 1, error))
    return NULL;
  if (plan->nodelay && !sb_socket_set_option (socket, SB_OPTION_NO_DELAY, 1, error))
    return NULL;
  return g_steal_pointer (&socket);
}

/* ---- the command's own step ------------------------------------------------------ */

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Runner *self = user_data;
  GError *error = NULL;

  if (sb_socket_connect_finish (SB_SOCKET (object), result, &error))
    {
      g_autofree char *peer = address_string (sb_socket_get_remote_address (SB_SOCKET (object)));

      self->conn = g_object_ref (SB_SOCKET (object));
      status (self, _("connected to %s"), peer);
    }
  step_done (self, error);
}

static void
accept_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Runner *self = user_data;
  GError *error = NULL;
  g_autoptr(SbSocket) child = sb_socket_accept_finish (SB_SOCKET (object), result, &error);

  if (child != NULL)
    {
      g_autofree char *peer = address_string (sb_socket_get_remote_address (child));

      status (self, _("accepted connection from %s"), peer);
      if (self->plan->nodelay && !sb_socket_set_option (child, SB_OPTION_NO_DELAY, 1, &error))
        sb_socket_close (child);
      else
        self->conn = g_steal_pointer (&child);
    }
  step_done (self, error);
}

static void
destination_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Runner *self = user_data;
  GError *error = NULL;

  self->destination = sb_address_resolve_finish (result, &error);
  step_done (self, error);
}

static gboolean
run_open (Runner  *self,
          GError **error)
{
  SbCliPlan *plan = self->plan;
  g_autofree char *local = NULL;

  self->socket = new_socket (self, error);
  if (self->socket == NULL)
    return FALSE;

  switch (plan->command)
    {
    case SB_CLI_CONNECT:
      self->busy = TRUE;
      sb_socket_connect_async (self->socket, plan->host, plan->port, self->cancellable,
                               connect_cb, self);
      return TRUE;

    case SB_CLI_LISTEN:
      if (!sb_socket_bind (self->socket, plan->host, plan->port, error)
          || !sb_socket_listen (self->socket, plan->backlog, error))
        return FALSE;
      local = address_string (sb_socket_get_local_address (self->socket));
      status (self, _("listening on %s (backlog %d)"), local, plan->backlog);
      self->busy = TRUE;
      sb_socket_accept_async (self->socket, self->cancellable, accept_cb, self);
      return TRUE;

    case SB_CLI_BIND:
      if (!sb_socket_bind (self->socket, plan->host, plan->port, error))
        return FALSE;
      local = address_string (sb_socket_get_local_address (self->socket));
      status (self, _("bound to %s"), local);
      self->conn = g_object_ref (self->socket);
      return TRUE;

    case SB_CLI_SENDTO:
      self->conn = g_object_ref (self->socket);
      self->busy = TRUE;
      sb_address_resolve_async (plan->host, plan->port, plan->family, self->cancellable,
                                destination_cb, self);
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

/* ---- sending ----------------------------------------------------------------- */

static void
send_all_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Runner *self = user_data;
  GError *error = NULL;
  guint64 sent = 0;

  if (sb_socket_send_all_finish (SB_SOCKET (object), result, &sent, &error))
    status (self, g_dngettext (GETTEXT_PACKAGE, "sent %llu byte", "sent %llu bytes", sent),
            (unsigned long long) sent);
  trim_transcript (SB_SOCKET (object));
  step_done (self, error);
}

static gboolean
send_datagram (Runner         *self,
               GSocketAddress *to,
               GBytes         *data,
               GError        **error)
{
  gsize len;
  const guint8 *bytes = g_bytes_get_data (data, &len);
  gssize n;

  if (to != NULL)
    {
      g_autofree char *where = address_string (to);

      n = sb_socket_send_to (self->conn, to, bytes, len, error);
      if (n >= 0)
        status (self, g_dngettext (GETTEXT_PACKAGE, "sent %zd byte to %s", "sent %zd bytes to %s", n),
                n, where);
    }
  else
    {
      n = sb_socket_send (self->conn, bytes, len, error);
      if (n >= 0)
        status (self, g_dngettext (GETTEXT_PACKAGE, "sent %zd byte", "sent %zd bytes", n),
                n);
    }
  return n >= 0;
}

static void
sendto_resolved_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Runner *self = user_data;
  GError *error = NULL;
  g_autoptr(GSocketAddress) to = sb_address_resolve_finish (result, &error);

  if (to != NULL && !self->interrupted)
    send_datagram (self, to, self->step->data, &error);
  step_done (self, error);
}

static gboolean
run_send (Runner          *self,
          const SbCliStep *step,
          GError         **error)
{
  if (self->plan->type == SB_SOCKET_STREAM)
    {
      self->busy = TRUE;
      sb_socket_send_all_async (self->conn, step->data, self->cancellable, send_all_cb, self);
      return TRUE;
    }
  /* a connected UDP socket has its peer; the others send to the destination */
  return send_datagram (self, self->plan->command == SB_CLI_CONNECT ? NULL : self->destination,
                        step->data, error);
}

/* ---- receiving ------------------------------------------------------------- */

static void
receive_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Runner *self = user_data;
  GError *error = NULL;
  g_autoptr(GSocketAddress) peer = NULL;
  g_autoptr(GBytes) bytes = sb_socket_receive_finish (SB_SOCKET (object), result, &peer, &error);
  gsize len;

  if (bytes == NULL)
    {
      step_done (self, error);
      return;
    }
  len = g_bytes_get_size (bytes);

  if (self->plan->type == SB_SOCKET_STREAM && len == 0)
    status (self, _("the peer closed the connection (EOF)"));
  else if (self->step->kind == SB_CLI_STEP_RECVFROM)
    {
      g_autofree char *from = address_string (peer);

      status (self, g_dngettext (GETTEXT_PACKAGE, "received %zu byte from %s",
                                 "received %zu bytes from %s", len),
              len, from);
    }
  else
    status (self, g_dngettext (GETTEXT_PACKAGE, "received %zu byte",
                               "received %zu bytes", len),
            len);
  output (self, bytes);
  trim_transcript (self->conn);

  /* a bound UDP socket's --send replies to whoever spoke last */
  if (self->plan->command == SB_CLI_BIND && peer != NULL)
    g_set_object (&self->destination, peer);
  step_done (self, NULL);
}

static void
receive_all_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Runner *self = user_data;
  GError *error = NULL;
  g_autoptr(GBytes) bytes = sb_socket_receive_finish (SB_SOCKET (object), result, NULL, &error);

  if (bytes == NULL || self->interrupted)
    {
      step_done (self, error);
      return;
    }
  if (g_bytes_get_size (bytes) == 0)
    {
      status (self, g_dngettext (GETTEXT_PACKAGE,
                                 "received %llu byte until the peer closed the connection",
                                 "received %llu bytes until the peer closed the connection",
                                 self->total),
              (unsigned long long) self->total);
      step_done (self, NULL);
      return;
    }
  self->total += g_bytes_get_size (bytes);
  output (self, bytes);
  trim_transcript (self->conn);
  sb_socket_receive_async (self->conn, self->step->size, self->cancellable, receive_all_cb, self);
}

/* ---- the other steps --------------------------------------------------------- */

static gboolean
wait_cb (gpointer user_data)
{
  Runner *self = user_data;

  g_clear_pointer (&self->wait_source, g_source_unref);
  step_done (self, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
run_shutdown (Runner          *self,
              const SbCliStep *step,
              GError         **error)
{
  if (!sb_socket_shutdown (self->conn, step->how, error))
    return FALSE;
  switch (step->how)
    {
    case SB_SHUTDOWN_READ:
      status (self, _("shut down reading"));
      break;
    case SB_SHUTDOWN_WRITE:
      status (self, _("shut down writing"));
      break;
    case SB_SHUTDOWN_BOTH:
    default:
      status (self, _("shut down reading and writing"));
      break;
    }
  return TRUE;
}

/* Run @step; an asynchronous one sets busy and advances from its callback. */
static gboolean
run_step (Runner          *self,
          const SbCliStep *step,
          GError         **error)
{
  switch (step->kind)
    {
    case SB_CLI_STEP_OPEN:
      return run_open (self, error);

    case SB_CLI_STEP_TIMEOUT:
      self->timeout_ms = step->ms;
      if (self->socket != NULL)
        sb_socket_set_timeout (self->socket, step->ms);
      if (self->conn != NULL)
        sb_socket_set_timeout (self->conn, step->ms);
      return TRUE;

    case SB_CLI_STEP_SEND:
      return run_send (self, step, error);

    case SB_CLI_STEP_SENDTO:
      self->busy = TRUE;
      sb_address_resolve_async (step->host, step->port, self->plan->family, self->cancellable,
                                sendto_resolved_cb, self);
      return TRUE;

    case SB_CLI_STEP_RECV:
    case SB_CLI_STEP_RECVFROM:
      self->busy = TRUE;
      sb_socket_receive_async (self->conn, step->size, self->cancellable, receive_cb, self);
      return TRUE;

    case SB_CLI_STEP_RECV_ALL:
      self->busy = TRUE;
      self->total = 0;
      sb_socket_receive_async (self->conn, step->size, self->cancellable, receive_all_cb, self);
      return TRUE;

    case SB_CLI_STEP_SHUTDOWN:
      return run_shutdown (self, step, error);

    case SB_CLI_STEP_WAIT:
      self->busy = TRUE;
      self->wait_source = g_timeout_source_new (step->ms);
      g_source_set_callback (self->wait_source, wait_cb, self, NULL);
      g_source_set_name (self->wait_source, "[sockbench-cli] wait");
      g_source_attach (self->wait_source, NULL);
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

/* Run steps until one is pending or all are done. A callback that fires
 * while a step is being started (it should not, GTask defers it) only
 * clears busy; the loop here then goes on. */
static void
advance (Runner *self)
{
  if (self->advancing || self->done)
    return;
  self->advancing = TRUE;
  while (!self->busy && !self->done && self->next < self->plan->steps->len)
    {
      const SbCliStep *step = g_ptr_array_index (self->plan->steps, self->next++);
      GError *error = NULL;

      self->step = step;
      if (!run_step (self, step, &error))
        finish (self, error);
    }
  self->advancing = FALSE;
  if (!self->busy && !self->done)
    finish (self, NULL);
}

static gboolean
start_cb (gpointer user_data)
{
  advance (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
signal_cb (gpointer user_data)
{
  Runner *self = user_data;

  if (self->interrupted || self->done)
    return G_SOURCE_CONTINUE;
  self->interrupted = TRUE;
  if (self->wait_source != NULL)
    {
      g_source_destroy (self->wait_source);
      g_clear_pointer (&self->wait_source, g_source_unref);
      step_done (self, NULL);
    }
  else if (self->busy)
    g_cancellable_cancel (self->cancellable);   /* the callback then finishes */
  else
    finish (self, g_error_new_literal (SB_CLI_ERROR, SB_CLI_ERROR_INTERRUPTED, _("interrupted")));
  return G_SOURCE_CONTINUE;
}

gboolean
sb_cli_run (SbCliPlan *plan,
            GError   **error)
{
  Runner runner = { 0, };
  Runner *self = &runner;
  guint sigint, sigterm;

  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  self->plan = plan;
  self->loop = g_main_loop_new (NULL, FALSE);
  self->cancellable = g_cancellable_new ();
  self->timeout_ms = SB_TIMEOUT_NONE;

  sigint = g_unix_signal_add (SIGINT, signal_cb, self);
  sigterm = g_unix_signal_add (SIGTERM, signal_cb, self);
  g_idle_add (start_cb, self);
  g_main_loop_run (self->loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);

  /* Nothing is pending once the loop stops: closing fails no operation. */
  g_assert (!self->busy);
  if (self->conn != NULL)
    sb_socket_close (self->conn);
  if (self->socket != NULL)
    sb_socket_close (self->socket);
  g_clear_object (&self->conn);
  g_clear_object (&self->socket);
  g_clear_object (&self->destination);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->loop, g_main_loop_unref);

  if (self->error != NULL)
    {
      g_propagate_error (error, self->error);
      return FALSE;
    }
  return TRUE;
}

SbCliExit
sb_cli_exit_for_error (const GError *error)
{
  g_return_val_if_fail (error != NULL, SB_CLI_EXIT_NETWORK);

  if (error->domain == SB_CLI_ERROR)
    return error->code == SB_CLI_ERROR_INTERRUPTED ? SB_CLI_EXIT_INTERRUPTED : SB_CLI_EXIT_USAGE;
  if (error->domain == SB_PAYLOAD_ERROR || error->domain == G_FILE_ERROR)
    return SB_CLI_EXIT_USAGE;
  if (error->domain == SB_SOCKET_ERROR)
    switch (error->code)
      {
      case SB_SOCKET_ERROR_TIMED_OUT:
        return SB_CLI_EXIT_TIMED_OUT;
      case SB_SOCKET_ERROR_CANCELLED:
        return SB_CLI_EXIT_INTERRUPTED;
      case SB_SOCKET_ERROR_INVALID_STATE:
        /* a step order the checks let through */
        return SB_CLI_EXIT_USAGE;
      default:
        return SB_CLI_EXIT_NETWORK;
      }
  return SB_CLI_EXIT_NETWORK;
}
