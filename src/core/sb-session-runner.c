/* sb-session-runner.c — runs every socket of a session at once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sb-session-runner.h"

struct _SbSessionRunner
{
  GObject       parent_instance;

  SbSession    *session;
  GPtrArray    *scripts;        /* of SbScript */
  int           default_timeout;
  GTask        *task;
  guint         running;        /* scripts not finished */
  SbScript     *failed_script;  /* the first to fail (borrowed) */
  guint         failed_index;
  GCancellable *cancellable;    /* stops every script */
  char         *capture_output; /* NULL: no capture */
  char         *capture_iface;
  char         *capture_filter;
  SbCapture    *capture;        /* the run's, once started */
};

G_DEFINE_FINAL_TYPE (SbSessionRunner, sb_session_runner, G_TYPE_OBJECT)

static void
sb_session_runner_dispose (GObject *object)
{
  SbSessionRunner *self = SB_SESSION_RUNNER (object);

  if (self->scripts != NULL)
    for (guint i = 0; i < self->scripts->len; i++)
      sb_script_close (g_ptr_array_index (self->scripts, i));
  g_clear_pointer (&self->scripts, g_ptr_array_unref);
  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);
  if (self->capture != NULL)
    sb_capture_stop (self->capture);
  g_clear_object (&self->capture);
  G_OBJECT_CLASS (sb_session_runner_parent_class)->dispose (object);
}

static void
sb_session_runner_finalize (GObject *object)
{
  SbSessionRunner *self = SB_SESSION_RUNNER (object);

  g_free (self->capture_output);
  g_free (self->capture_iface);
  g_free (self->capture_filter);
  G_OBJECT_CLASS (sb_session_runner_parent_class)->finalize (object);
}

static void
sb_session_runner_class_init (SbSessionRunnerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sb_session_runner_dispose;
  G_OBJECT_CLASS (klass)->finalize = sb_session_runner_finalize;
}

static void
sb_session_runner_init (SbSessionRunner *self)
{
  self->scripts = g_ptr_array_new_with_free_func (g_object_unref);
  self->default_timeout = SB_TIMEOUT_NONE;
}

/* "port_from": the local port of another socket of the run. */
static gboolean
lookup_port (const char *name,
             guint      *port,
             GError    **error,
             gpointer    user_data)
{
  SbSessionRunner *self = user_data;

  for (guint i = 0; i < self->scripts->len; i++)
    {
      SbScript *script = g_ptr_array_index (self->scripts, i);
      SbSocket *socket;

      if (!g_str_equal (sb_socket_spec_get_name (sb_script_get_spec (script)), name))
        continue;
      socket = sb_script_get_socket (script);
      if (socket == NULL || sb_socket_get_local_port (socket) == 0)
        {
          g_set_error (error, SB_SCRIPT_ERROR, SB_SCRIPT_ERROR_INVALID,
                       "The socket “%s” has no port yet: bind it in a step before this one", name);
          return FALSE;
        }
      *port = sb_socket_get_local_port (socket);
      return TRUE;
    }
  g_set_error (error, SB_SCRIPT_ERROR, SB_SCRIPT_ERROR_INVALID,
               "There is no socket “%s” in this session", name);
  return FALSE;
}

SbSessionRunner *
sb_session_runner_new (SbSession *session)
{
  SbSessionRunner *self;
  const char *output;
  guint n;

  g_return_val_if_fail (SB_IS_SESSION (session), NULL);

  self = g_object_new (SB_TYPE_SESSION_RUNNER, NULL);
  self->session = g_object_ref (session);
  n = sb_session_get_n_sockets (session);
  for (guint i = 0; i < n; i++)
    {
      SbScript *script = sb_script_new (sb_session_get_socket (session, i), session);

      /* the scripts live no longer than the runner */
      sb_script_set_port_lookup (script, lookup_port, self, NULL);
      g_ptr_array_add (self->scripts, script);
    }

  /* the session's capture settings */
  self->capture_iface = g_strdup (sb_session_get_capture_interface (session));
  self->capture_filter = g_strdup (sb_session_get_capture_filter (session));
  output = sb_session_get_capture_output (session);
  if (output != NULL && output[0] != '\0')
    {
      GFile *file = sb_session_get_file (session);
      g_autoptr(GFile) dir = file != NULL ? g_file_get_parent (file) : NULL;
      g_autofree char *base = dir != NULL ? g_file_get_path (dir) : NULL;

      if (g_path_is_absolute (output) || base == NULL)
        self->capture_output = g_strdup (output);
      else
        self->capture_output = g_build_filename (base, output, NULL);
    }
  return self;
}

SbSession *
sb_session_runner_get_session (SbSessionRunner *self)
{
  g_return_val_if_fail (SB_IS_SESSION_RUNNER (self), NULL);
  return self->session;
}

void
sb_session_runner_set_default_timeout (SbSessionRunner *self,
                                       int              timeout_ms)
{
  g_return_if_fail (SB_IS_SESSION_RUNNER (self));

  self->default_timeout = timeout_ms < 0 ? SB_TIMEOUT_NONE : timeout_ms;
  for (guint i = 0; i < self->scripts->len; i++)
    sb_script_set_default_timeout (g_ptr_array_index (self->scripts, i), self->default_timeout);
}

void
sb_session_runner_set_capture (SbSessionRunner *self,
                               const char      *output,
                               const char      *iface,
                               const char      *filter)
{
  g_return_if_fail (SB_IS_SESSION_RUNNER (self));

  if (output != NULL)
    {
      g_free (self->capture_output);
      self->capture_output = g_strdup (output);
    }
  if (iface != NULL)
    {
      g_free (self->capture_iface);
      self->capture_iface = g_strdup (iface);
    }
  if (filter != NULL)
    {
      g_free (self->capture_filter);
      self->capture_filter = g_strdup (filter);
    }
}

const char *
sb_session_runner_get_capture_output (SbSessionRunner *self)
{
  g_return_val_if_fail (SB_IS_SESSION_RUNNER (self), NULL);
  return self->capture_output;
}

SbCapture *
sb_session_runner_get_capture (SbSessionRunner *self)
{
  g_return_val_if_fail (SB_IS_SESSION_RUNNER (self), NULL);
  return self->capture;
}

/* Start the run's capture: active (pcap activated, the ring filling) when
 * this returns TRUE. */
static gboolean
start_capture (SbSessionRunner *self,
               GError         **error)
{
  const char *iface = self->capture_iface;
  int snaplen = sb_session_get_capture_snaplen (self->session);

  self->capture = sb_capture_new (NULL);
  sb_capture_set_keep_packets (self->capture, FALSE);
  sb_capture_set_interface (self->capture, iface != NULL && iface[0] != '\0' ? iface : "any");
  sb_capture_set_filter (self->capture, self->capture_filter);
  if (snaplen > 0)
    sb_capture_set_snaplen (self->capture, (guint) snaplen);
  sb_capture_set_promiscuous (self->capture, sb_session_get_capture_promisc (self->session));
  sb_capture_set_immediate (self->capture, TRUE);
  return sb_capture_start (self->capture, self->capture_output, error);
}

guint
sb_session_runner_get_n_scripts (SbSessionRunner *self)
{
  g_return_val_if_fail (SB_IS_SESSION_RUNNER (self), 0);
  return self->scripts->len;
}

SbScript *
sb_session_runner_get_script (SbSessionRunner *self,
                              guint            index)
{
  g_return_val_if_fail (SB_IS_SESSION_RUNNER (self), NULL);
  g_return_val_if_fail (index < self->scripts->len, NULL);
  return g_ptr_array_index (self->scripts, index);
}

gboolean
sb_session_runner_get_first_failure (SbSessionRunner *self,
                                     SbScript       **script,
                                     guint           *index)
{
  g_return_val_if_fail (SB_IS_SESSION_RUNNER (self), FALSE);

  if (self->failed_script == NULL)
    return FALSE;
  if (script != NULL)
    *script = self->failed_script;
  if (index != NULL)
    *index = self->failed_index;
  return TRUE;
}

static void
all_done (SbSessionRunner *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  for (guint i = 0; i < self->scripts->len; i++)
    sb_script_close (g_ptr_array_index (self->scripts, i));
  /* after the closes, so that their FINs are in the file; stopping drains
   * what the ring holds */
  if (self->capture != NULL)
    sb_capture_stop (self->capture);
  if (self->failed_script != NULL)
    g_task_return_error (task, g_error_copy (sb_script_get_error (self->failed_script)));
  else if (g_cancellable_is_cancelled (self->cancellable))
    g_task_return_new_error (task, SB_SCRIPT_ERROR, SB_SCRIPT_ERROR_STOPPED, "cancelled");
  else
    g_task_return_boolean (task, TRUE);
}

/* A step failed: remember the first, and stop the others. */
static void
step_changed_cb (SbScript        *script,
                 guint            index,
                 SbSessionRunner *self)
{
  g_autofree char *reason = NULL;
  g_autofree char *summary = NULL;

  if (sb_script_get_step_status (script, index) != SB_STEP_FAILED || self->failed_script != NULL)
    return;
  self->failed_script = script;
  self->failed_index = index;
  summary = sb_socket_spec_dup_step_summary (sb_script_get_spec (script),
                                             sb_script_get_step (script, index));
  reason = g_strdup_printf ("not run: %s step %u (%s) failed",
                            sb_socket_spec_get_name (sb_script_get_spec (script)), index + 1,
                            summary);
  for (guint i = 0; i < self->scripts->len; i++)
    {
      SbScript *other = g_ptr_array_index (self->scripts, i);

      if (other != script)
        sb_script_stop (other, reason);
    }
}

static void
script_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SbSessionRunner) self = user_data;

  sb_script_run_finish (SB_SCRIPT (object), result, NULL);
  g_signal_handlers_disconnect_by_func (object, step_changed_cb, self);
  g_assert (self->running > 0);
  if (--self->running == 0)
    all_done (self);
}

static void
runner_cancelled_cb (GCancellable    *cancellable,
                     SbSessionRunner *self)
{
  g_cancellable_cancel (self->cancellable);
}

void
sb_session_runner_run_async (SbSessionRunner    *self,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SB_IS_SESSION_RUNNER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_session_runner_run_async);
  if (self->task != NULL || self->cancellable != NULL)
    {
      g_task_return_new_error (task, SB_SCRIPT_ERROR, SB_SCRIPT_ERROR_BUSY,
                               "The session runs already (a runner runs once)");
      return;
    }
  self->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    g_signal_connect_object (cancellable, "cancelled", G_CALLBACK (runner_cancelled_cb), self, 0);
  if (self->capture_output != NULL)
    {
      GError *error = NULL;

      if (!start_capture (self, &error))
        {
          g_task_return_error (task, error);
          return;
        }
    }
  self->task = g_steal_pointer (&task);
  if (self->scripts->len == 0)
    {
      all_done (self);
      return;
    }
  self->running = self->scripts->len;
  /* in document order: a server's bind and listen run before a client's
   * connect, as they finish without waiting */
  for (guint i = 0; i < self->scripts->len; i++)
    {
      SbScript *script = g_ptr_array_index (self->scripts, i);

      g_signal_connect (script, "step-changed", G_CALLBACK (step_changed_cb), self);
      sb_script_run_async (script, self->cancellable, script_done_cb, g_object_ref (self));
    }
}

gboolean
sb_session_runner_run_finish (SbSessionRunner *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
