/* sb-script.c — runs one socket spec's steps against a real socket
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One step at a time, like the CLI's runner: a synchronous step (bind,
 * listen, shutdown, close, a datagram send) finishes inline, an
 * asynchronous one (accept, connect, a stream send, expect, receive, wait)
 * finishes from a callback. Every callback carries the generation it was
 * started in; stopping or finishing a step starts a new generation, so a
 * late callback (a cancelled accept, the error of a closed socket) is
 * ignored instead of finishing the wrong step.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sb-match.h"
#include "sb-payload.h"
#include "sb-script.h"

G_DEFINE_QUARK (sb-script-error-quark, sb_script_error)

/* Pending bytes an expect can see, and the window auto-replies match in. */
#define PENDING_MAX      (16 * 1024 * 1024)
/* What a script's sockets keep of their conversations (Keep per Socket's
 * default in the window). */
#define SCRIPT_TRANSCRIPT_LIMIT (32 * 1024 * 1024)
#define REPLY_WINDOW_MAX (64 * 1024)
#define MAX_REPLIES_PER_READ 64

typedef struct
{
  SbStepStatus status;
  char        *detail;
  GError      *error;
  gint64       start_us;
  gint64       end_us;
} Result;

typedef enum
{
  MODE_IDLE,
  MODE_RUN,    /* run every step left */
  MODE_STEP,   /* run one step */
} Mode;

/* An outgoing stream send: sendall allows one at a time per socket. */
typedef struct
{
  GBytes   *bytes;
  gboolean  is_step;
  guint     generation;
} Outgoing;

struct _SbScript
{
  GObject       parent_instance;

  SbSocketSpec *spec;
  SbSession    *session;
  GPtrArray    *steps;        /* of SbStep */
  GArray       *results;      /* of Result */
  GPtrArray    *rules;        /* of SbReplyRule */
  GPtrArray    *matchers;     /* of SbMatcher (NULL where the rule does not compile) */
  int           default_timeout;
  SbScriptPortLookup port_lookup;
  gpointer      port_lookup_data;
  GDestroyNotify port_lookup_destroy;

  SbSocket     *socket;       /* made from the spec */
  SbSocket     *conn;         /* where steps run */
  GPtrArray    *sockets;      /* every socket opened, to close */
  gulong        received_id;
  gulong        error_id;
  gulong        closed_id;

  GHashTable   *captures;
  GByteArray   *pending;      /* received, not yet consumed by an expect / receive */
  GArray       *boundaries;   /* datagram ends within pending (gsize) */
  gboolean      eof;
  GError       *read_error;
  GByteArray   *window;       /* received since the last auto-reply */
  GSocketAddress *last_sender;
  GQueue        outgoing;     /* of Outgoing */
  gboolean      sending;

  /* the running step */
  Mode          mode;
  guint         next;
  guint         current;
  gboolean      busy;
  gboolean      advancing;
  gboolean      finished;
  guint         generation;
  GCancellable *op_cancellable;
  guint         timer_id;
  SbMatcher    *expect;
  int           wait_timeout;   /* of the running expect / receive */
  gboolean      receiving;      /* a receive step is waiting */
  int           receive_size;
  GBytes       *send_bytes;     /* of a datagram send waiting for its address */
  GError       *error;          /* the first failure */

  GTask        *task;           /* the pending run or step */
  GCancellable *task_cancellable;
  gulong        task_cancel_id;
};

G_DEFINE_FINAL_TYPE (SbScript, sb_script, G_TYPE_OBJECT)

enum {
  STEP_CHANGED,
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void advance (SbScript *self);
static void check_waiting (SbScript *self);
static void pump_outgoing (SbScript *self);

/* ---- bookkeeping ----------------------------------------------------------- */

static void
result_clear (gpointer data)
{
  Result *r = data;

  g_clear_pointer (&r->detail, g_free);
  g_clear_error (&r->error);
}

static void
outgoing_free (Outgoing *o)
{
  g_bytes_unref (o->bytes);
  g_free (o);
}

static Result *
result_at (SbScript *self,
           guint     index)
{
  return &g_array_index (self->results, Result, index);
}

static void
set_status (SbScript    *self,
            guint        index,
            SbStepStatus status,
            char        *detail,     /* taken */
            GError      *error)      /* taken */
{
  Result *r = result_at (self, index);

  r->status = status;
  g_free (r->detail);
  r->detail = detail;
  g_clear_error (&r->error);
  r->error = error;
  if (status == SB_STEP_RUNNING)
    r->start_us = g_get_monotonic_time ();
  else if (r->start_us != 0)
    r->end_us = g_get_monotonic_time ();
  g_signal_emit (self, signals[STEP_CHANGED], 0, index);
}

static SbStep *
current_step (SbScript *self)
{
  return g_ptr_array_index (self->steps, self->current);
}

static void
clear_wait (SbScript *self)
{
  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_pointer (&self->expect, sb_matcher_free);
  g_clear_pointer (&self->send_bytes, g_bytes_unref);
  self->receiving = FALSE;
  if (self->op_cancellable != NULL)
    {
      g_cancellable_cancel (self->op_cancellable);
      g_clear_object (&self->op_cancellable);
    }
}

static void
detach_conn (SbScript *self)
{
  if (self->conn == NULL)
    return;
  g_clear_signal_handler (&self->received_id, self->conn);
  g_clear_signal_handler (&self->error_id, self->conn);
  g_clear_signal_handler (&self->closed_id, self->conn);
  g_clear_object (&self->conn);
}

void
sb_script_close (SbScript *self)
{
  g_return_if_fail (SB_IS_SCRIPT (self));

  /* close the newest first: connections before their listener */
  for (guint i = self->sockets->len; i > 0; i--)
    sb_socket_close (g_ptr_array_index (self->sockets, i - 1));
}

static void
complete_task (SbScript *self,
               GError   *error)   /* taken */
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  self->mode = MODE_IDLE;
  if (self->task_cancel_id != 0)
    {
      g_signal_handler_disconnect (self->task_cancellable, self->task_cancel_id);
      self->task_cancel_id = 0;
    }
  g_clear_object (&self->task_cancellable);
  if (task == NULL)
    {
      g_clear_error (&error);
      return;
    }
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
finish_script (SbScript *self)
{
  if (self->finished)
    return;
  self->finished = TRUE;
  g_signal_emit (self, signals[FINISHED], 0);
  complete_task (self, self->error != NULL ? g_error_copy (self->error) : NULL);
}

/* The running step ended. Takes @detail and @error. */
static void
step_done (SbScript *self,
           char     *detail,
           GError   *error)
{
  guint index = self->current;

  g_assert (self->busy);
  self->busy = FALSE;
  self->generation++;
  clear_wait (self);

  if (error != NULL)
    {
      g_autofree char *skip = NULL;

      if (self->error == NULL)
        self->error = g_error_copy (error);
      g_free (detail);
      set_status (self, index, SB_STEP_FAILED, g_strdup (error->message), error);
      skip = g_strdup_printf (_("not run: step %u (%s) failed"), index + 1,
                              sb_step_kind_to_string (sb_step_get_kind (current_step (self))));
      for (guint i = index + 1; i < self->steps->len; i++)
        set_status (self, i, SB_STEP_SKIPPED, g_strdup (skip), NULL);
      self->next = self->steps->len;
      /* close now, so that the peer sees the end rather than waiting */
      sb_script_close (self);
      finish_script (self);
      return;
    }

  set_status (self, index, SB_STEP_PASSED, detail, NULL);
  self->next = index + 1;
  if (self->mode == MODE_STEP)
    {
      if (self->next >= self->steps->len)
        finish_script (self);
      else
        complete_task (self, NULL);
      return;
    }
  if (!self->advancing)
    advance (self);
}

static void
step_fail (SbScript  *self,
           GQuark     domain,
           int        code,
           const char *format,
           ...) G_GNUC_PRINTF (4, 5);

static void
step_fail (SbScript   *self,
           GQuark      domain,
           int         code,
           const char *format,
           ...)
{
  va_list args;
  char *message;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  step_done (self, NULL, g_error_new_literal (domain, code, message));
  g_free (message);
}

/* A callback's context: which script, and which generation started it. */
typedef struct
{
  SbScript *self;
  guint     generation;
} Call;

static Call *
call_new (SbScript *self)
{
  Call *call = g_new (Call, 1);

  call->self = g_object_ref (self);
  call->generation = self->generation;
  return call;
}

/* Whether the callback still belongs to the running step; frees @call. */
static SbScript *
call_take (Call *call)
{
  SbScript *self = call->self;
  gboolean current = self->busy && call->generation == self->generation;

  g_free (call);
  if (!current)
    {
      g_object_unref (self);
      return NULL;
    }
  return self;   /* the caller drops the reference */
}

/* ---- GObject ------------------------------------------------------------------- */

static void
sb_script_dispose (GObject *object)
{
  SbScript *self = SB_SCRIPT (object);

  clear_wait (self);
  if (self->sockets != NULL)
    sb_script_close (self);
  detach_conn (self);
  g_clear_object (&self->socket);
  g_clear_pointer (&self->sockets, g_ptr_array_unref);
  g_queue_clear_full (&self->outgoing, (GDestroyNotify) outgoing_free);
  if (self->port_lookup_destroy != NULL)
    self->port_lookup_destroy (self->port_lookup_data);
  self->port_lookup_destroy = NULL;
  g_clear_object (&self->spec);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (sb_script_parent_class)->dispose (object);
}

static void
sb_script_finalize (GObject *object)
{
  SbScript *self = SB_SCRIPT (object);

  g_clear_pointer (&self->steps, g_ptr_array_unref);
  g_clear_pointer (&self->results, g_array_unref);
  g_clear_pointer (&self->rules, g_ptr_array_unref);
  g_clear_pointer (&self->matchers, g_ptr_array_unref);
  g_clear_pointer (&self->captures, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_byte_array_unref);
  g_clear_pointer (&self->boundaries, g_array_unref);
  g_clear_pointer (&self->window, g_byte_array_unref);
  g_clear_object (&self->last_sender);
  g_clear_error (&self->read_error);
  g_clear_error (&self->error);
  G_OBJECT_CLASS (sb_script_parent_class)->finalize (object);
}

static void
sb_script_class_init (SbScriptClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sb_script_dispose;
  object_class->finalize = sb_script_finalize;

  /**
   * SbScript::step-changed:
   * @index: the step
   *
   * The step's status or detail changed.
   */
  signals[STEP_CHANGED] = g_signal_new ("step-changed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, G_TYPE_UINT);
  /**
   * SbScript::finished:
   *
   * Every step ran, or one failed, or the script was stopped.
   */
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sb_script_init (SbScript *self)
{
  self->steps = g_ptr_array_new_with_free_func (g_object_unref);
  self->results = g_array_new (FALSE, TRUE, sizeof (Result));
  g_array_set_clear_func (self->results, result_clear);
  self->rules = g_ptr_array_new_with_free_func (g_object_unref);
  self->matchers = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_matcher_free);
  self->sockets = g_ptr_array_new_with_free_func (g_object_unref);
  self->captures = sb_captures_new ();
  self->pending = g_byte_array_new ();
  self->boundaries = g_array_new (FALSE, FALSE, sizeof (gsize));
  self->window = g_byte_array_new ();
  self->default_timeout = SB_TIMEOUT_NONE;
  g_queue_init (&self->outgoing);
}

SbScript *
sb_script_new (SbSocketSpec *spec,
               SbSession    *session)
{
  SbScript *self;
  GListModel *steps, *rules;
  guint n;

  g_return_val_if_fail (SB_IS_SOCKET_SPEC (spec), NULL);
  g_return_val_if_fail (session == NULL || SB_IS_SESSION (session), NULL);

  self = g_object_new (SB_TYPE_SCRIPT, NULL);
  self->spec = g_object_ref (spec);
  self->session = session != NULL ? g_object_ref (session) : NULL;

  steps = sb_socket_spec_get_steps (spec);
  n = g_list_model_get_n_items (steps);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (self->steps, g_list_model_get_item (steps, i));
  g_array_set_size (self->results, n);

  rules = sb_socket_spec_get_reply_rules (spec);
  n = g_list_model_get_n_items (rules);
  for (guint i = 0; i < n; i++)
    {
      SbReplyRule *rule = g_list_model_get_item (rules, i);

      g_ptr_array_add (self->rules, rule);
      /* a rule that does not compile never fires (the loader refuses it) */
      g_ptr_array_add (self->matchers, sb_matcher_new (sb_reply_rule_get_match (rule),
                                                       sb_reply_rule_get_pattern (rule),
                                                       NULL, NULL));
    }
  return self;
}

/* ---- getters --------------------------------------------------------------------- */

SbSocketSpec *
sb_script_get_spec (SbScript *self)
{
  g_return_val_if_fail (SB_IS_SCRIPT (self), NULL);
  return self->spec;
}

void
sb_script_set_default_timeout (SbScript *self,
                               int       timeout_ms)
{
  g_return_if_fail (SB_IS_SCRIPT (self));
  self->default_timeout = timeout_ms < 0 ? SB_TIMEOUT_NONE : timeout_ms;
}

void
sb_script_set_port_lookup (SbScript          *self,
                           SbScriptPortLookup lookup,
                           gpointer           user_data,
                           GDestroyNotify     destroy)
{
  g_return_if_fail (SB_IS_SCRIPT (self));

  if (self->port_lookup_destroy != NULL)
    self->port_lookup_destroy (self->port_lookup_data);
  self->port_lookup = lookup;
  self->port_lookup_data = user_data;
  self->port_lookup_destroy = destroy;
}

guint
sb_script_get_n_steps (SbScript *self)
{
  g_return_val_if_fail (SB_IS_SCRIPT (self), 0);
  return self->steps->len;
}

SbStep *
sb_script_get_step (SbScript *self,
                    guint     index)
{
  g_return_val_if_fail (SB_IS_SCRIPT (self), NULL);
  g_return_val_if_fail (index < self->steps->len, NULL);
  return g_ptr_array_index (self->steps, index);
}

SbStepStatus
sb_script_get_step_status (SbScript *self,
                           guint     index)
{
  g_return_val_if_fail (SB_IS_SCRIPT (self), SB_STEP_PENDING);
  g_return_val_if_fail (index < self->steps->len, SB_STEP_PENDING);
  return result_at (self, index)->status;
}

const char *
sb_script_get_step_detail (SbScript *self,
                           guint     index)
{
  g_return_val_if_fail (SB_IS_SCRIPT (self), NULL);
  g_return_val_if_fail (index < self->steps->len, NULL);
  return result_at (self, index)->detail;
}

const GError *
sb_script_get_step_error (SbScript *self,
                          guint     index)
{
  g_return_val_if_fail (SB_IS_SCRIPT (self), NULL);
  g_return_val_if_fail (index < self->steps->len, NULL);
  return result_at (self, index)->error;
}

gint64
sb_script_get_step_duration (SbScript *self,
                             guint     index)
{
  Result *r;

  g_return_val_if_fail (SB_IS_SCRIPT (self), 0);
  g_return_val_if_fail (index < self->steps->len, 0);
  r = result_at (self, index);
  if (r->start_us == 0)
    return 0;
  return (r->end_us != 0 ? r->end_us : g_get_monotonic_time ()) - r->start_us;
}

guint
sb_script_get_next_step (SbScript *self)
{
  g_return_val_if_fail (SB_IS_SCRIPT (self), 0);
  return self->next;
}

gboolean
sb_script_is_finished (SbScript *self)
{
  g_return_val_if_fail (SB_IS_SCRIPT (self), FALSE);
  return self->finished;
}

const GError *
sb_script_get_error (SbScript *self)
{
  g_return_val_if_fail (SB_IS_SCRIPT (self), NULL);
  return self->error;
}

SbSocket *
sb_script_get_socket (SbScript *self)
{
  g_return_val_if_fail (SB_IS_SCRIPT (self), NULL);
  return self->socket;
}

SbSocket *
sb_script_get_connection (SbScript *self)
{
  g_return_val_if_fail (SB_IS_SCRIPT (self), NULL);
  return self->conn;
}

GHashTable *
sb_script_get_captures (SbScript *self)
{
  g_return_val_if_fail (SB_IS_SCRIPT (self), NULL);
  return self->captures;
}

const char *
sb_step_status_to_string (SbStepStatus status)
{
  switch (status)
    {
    case SB_STEP_PENDING: return "pending";
    case SB_STEP_RUNNING: return "running";
    case SB_STEP_PASSED: return "passed";
    case SB_STEP_FAILED: return "failed";
    case SB_STEP_SKIPPED: return "skipped";
    default: return "unknown";
    }
}

/* ---- reading ------------------------------------------------------------------ */

static gboolean
is_stream (SbScript *self)
{
  return sb_socket_spec_get_socket_type (self->spec) == SB_SOCKET_STREAM;
}

static void
consume (SbScript *self,
         gsize     n)
{
  guint drop = 0;

  n = MIN (n, self->pending->len);
  g_byte_array_remove_range (self->pending, 0, n);
  for (guint i = 0; i < self->boundaries->len; i++)
    {
      gsize *b = &g_array_index (self->boundaries, gsize, i);

      if (*b <= n)
        drop++;
      else
        *b -= n;
    }
  if (drop > 0)
    g_array_remove_range (self->boundaries, 0, drop);
}

static void
send_reply (SbScript *self,
            GBytes   *bytes);

static void
run_auto_replies (SbScript *self)
{
  for (guint round = 0; round < MAX_REPLIES_PER_READ && self->window->len > 0; round++)
    {
      gboolean fired = FALSE, all_mismatch = self->matchers->len > 0;

      for (guint i = 0; i < self->matchers->len && !fired; i++)
        {
          SbMatcher *matcher = g_ptr_array_index (self->matchers, i);
          SbReplyRule *rule = g_ptr_array_index (self->rules, i);
          g_autoptr(GHashTable) captures = NULL;
          g_autoptr(GBytes) reply = NULL;
          GHashTableIter iter;
          gpointer key, value;
          SbMatchResult r;
          gsize end = 0;

          if (matcher == NULL)
            {
              all_mismatch = FALSE;
              continue;
            }
          /* the rule's own groups over the script's captures */
          captures = sb_captures_new ();
          g_hash_table_iter_init (&iter, self->captures);
          while (g_hash_table_iter_next (&iter, &key, &value))
            g_hash_table_insert (captures, g_strdup (key), g_bytes_ref (value));
          r = sb_matcher_match (matcher, self->window->data, self->window->len, &end, captures);
          if (r != SB_MATCH_RESULT_MISMATCH)
            all_mismatch = FALSE;
          if (r != SB_MATCH_RESULT_YES)
            continue;
          fired = TRUE;
          reply = sb_template_expand (sb_reply_rule_get_format (rule),
                                      sb_reply_rule_get_reply (rule), captures, NULL);
          g_byte_array_remove_range (self->window, 0, MIN (MAX (end, 1), self->window->len));
          if (reply != NULL)
            send_reply (self, reply);
        }
      if (all_mismatch)
        {
          /* only exact rules, and none can match what came: start afresh */
          g_byte_array_set_size (self->window, 0);
          break;
        }
      if (!fired)
        break;
    }
}

static void
peer_from_string (SbScript   *self,
                  const char *peer)
{
  g_autofree char *host = NULL;
  guint port;
  GSocketAddress *address;

  if (peer == NULL || !sb_address_split (peer, &host, &port, NULL))
    return;
  address = sb_address_parse (host, port, sb_socket_spec_get_family (self->spec), NULL);
  if (address != NULL)
    {
      g_clear_object (&self->last_sender);
      self->last_sender = address;
    }
}

static void
received_cb (SbSocket *socket,
             guint     index,
             SbScript *self)
{
  SbTranscript *transcript = sb_socket_get_transcript (socket);
  SbTranscriptEntry entry;

  if (!sb_transcript_get_entry (transcript, index, &entry))
    return;

  if (entry.kind == SB_EVENT_RECEIVED)
    {
      g_autoptr(GBytes) bytes = sb_transcript_get_bytes (transcript, entry.offset, entry.length);
      gsize len;
      const guint8 *data = g_bytes_get_data (bytes, &len);

      if (self->pending->len + len > PENDING_MAX)
        consume (self, self->pending->len + len - MIN (PENDING_MAX, self->pending->len + len));
      g_byte_array_append (self->pending, data, len);
      if (!is_stream (self))
        {
          gsize end = self->pending->len;

          g_array_append_val (self->boundaries, end);
          peer_from_string (self, sb_transcript_get_peer_string (transcript, entry.peer));
        }
      g_byte_array_append (self->window, data, len);
      if (self->window->len > REPLY_WINDOW_MAX)
        g_byte_array_remove_range (self->window, 0, self->window->len - REPLY_WINDOW_MAX);
      g_object_ref (self);
      run_auto_replies (self);
      check_waiting (self);
      g_object_unref (self);
      return;
    }

  if (!sb_socket_get_auto_receive (socket))
    {
      gboolean closed = FALSE;

      g_object_get (socket, "peer-closed", &closed, NULL);
      if (closed)
        {
          self->eof = TRUE;
          check_waiting (self);
        }
    }
}

static void
socket_error_cb (SbSocket     *socket,
                 const GError *error,
                 SbScript     *self)
{
  /* only reading errors end the wait of an expect; the others belong to the
   * operation that failed, which reports them itself */
  if (sb_socket_get_auto_receive (socket) || self->read_error != NULL)
    return;
  self->read_error = g_error_copy (error);
  check_waiting (self);
}

static void
start_reading (SbScript *self)
{
  int size = sb_socket_spec_get_receive_size (self->spec);

  if (self->conn == NULL || sb_socket_get_auto_receive (self->conn)
      || !sb_socket_can_receive (self->conn) || self->eof)
    return;
  if (size > 0)
    sb_socket_set_receive_size (self->conn, size);
  sb_socket_set_auto_receive (self->conn, TRUE);
}

static void
attach_conn (SbScript *self,
             SbSocket *conn)
{
  detach_conn (self);
  self->conn = g_object_ref (conn);
  self->received_id = g_signal_connect (conn, "received", G_CALLBACK (received_cb), self);
  self->error_id = g_signal_connect (conn, "error", G_CALLBACK (socket_error_cb), self);
  /* a new connection: nothing received on it yet */
  g_byte_array_set_size (self->pending, 0);
  g_array_set_size (self->boundaries, 0);
  g_byte_array_set_size (self->window, 0);
  self->eof = FALSE;
  g_clear_error (&self->read_error);
}

/* ---- sending ------------------------------------------------------------------- */

static void
send_all_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SbScript) self = user_data;
  Outgoing *o = g_queue_pop_head (&self->outgoing);
  GError *error = NULL;
  guint64 sent = 0;

  self->sending = FALSE;
  sb_socket_send_all_finish (SB_SOCKET (object), result, &sent, &error);
  if (o != NULL && o->is_step && self->busy && o->generation == self->generation)
    {
      if (error != NULL)
        step_done (self, NULL, error);
      else
        step_done (self, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "sent %llu byte",
                                                       "sent %llu bytes", sent),
                                          (unsigned long long) sent), NULL);
    }
  else
    g_clear_error (&error);   /* a reply's error is in the transcript */
  g_clear_pointer (&o, outgoing_free);
  pump_outgoing (self);
}

static void
pump_outgoing (SbScript *self)
{
  Outgoing *o;

  if (self->sending || self->conn == NULL)
    return;
  o = g_queue_peek_head (&self->outgoing);
  if (o == NULL)
    return;
  if (!sb_socket_can_send (self->conn))
    {
      /* closed meanwhile: drop what is queued; a step send fails */
      while ((o = g_queue_pop_head (&self->outgoing)) != NULL)
        {
          if (o->is_step && self->busy && o->generation == self->generation)
            step_fail (self, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE,
                       _("Cannot send: the socket is %s"),
                       _(sb_state_to_string (sb_socket_get_state (self->conn))));
          outgoing_free (o);
        }
      return;
    }
  self->sending = TRUE;
  sb_socket_send_all_async (self->conn, o->bytes, NULL, send_all_cb, g_object_ref (self));
}

static void
queue_stream_send (SbScript *self,
                   GBytes   *bytes,
                   gboolean  is_step)
{
  Outgoing *o = g_new0 (Outgoing, 1);

  o->bytes = g_bytes_ref (bytes);
  o->is_step = is_step;
  o->generation = self->generation;
  g_queue_push_tail (&self->outgoing, o);
  pump_outgoing (self);
}

static gssize
send_datagram (SbScript       *self,
               GSocketAddress *to,
               GBytes         *bytes,
               GError        **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  gssize n;

  n = to != NULL ? sb_socket_send_to (self->conn, to, data, len, error)
                 : sb_socket_send (self->conn, data, len, error);
  if (n >= 0)
    start_reading (self);
  return n;
}

static void
send_reply (SbScript *self,
            GBytes   *bytes)
{
  if (self->conn == NULL)
    return;
  if (is_stream (self))
    queue_stream_send (self, bytes, FALSE);
  else
    {
      gboolean connected = sb_socket_get_state (self->conn) == SB_STATE_CONNECTED;

      if (connected || self->last_sender != NULL)
        send_datagram (self, connected ? NULL : self->last_sender, bytes, NULL);
    }
}

/* ---- waiting for bytes ---------------------------------------------------------- */

static char *
received_so_far (SbScript *self)
{
  g_autofree char *excerpt = NULL;

  if (self->pending->len == 0)
    return g_strdup (_("nothing received"));
  excerpt = sb_bytes_excerpt (self->pending->data, self->pending->len, 60);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "received %u byte: %s",
                                       "received %u bytes: %s", self->pending->len),
                          self->pending->len, excerpt);
}

static void
merge_captures (SbScript   *self,
                GHashTable *captures)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, captures);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_replace (self->captures, g_strdup (key), g_bytes_ref (value));
}

/* A running expect or receive looks at what it has now. */
static void
check_waiting (SbScript *self)
{
  if (!self->busy)
    return;

  if (self->expect != NULL)
    {
      g_autoptr(GHashTable) captures = sb_captures_new ();
      g_autofree char *what = sb_matcher_describe (self->expect);
      gsize end = 0;
      SbMatchResult r = sb_matcher_match (self->expect, self->pending->data, self->pending->len,
                                          &end, captures);

      if (r == SB_MATCH_RESULT_YES)
        {
          g_autofree char *matched = sb_bytes_excerpt (self->pending->data, end, 60);

          merge_captures (self, captures);
          consume (self, end);
          step_done (self, g_strdup_printf (_("received %s"), matched), NULL);
        }
      else if (r == SB_MATCH_RESULT_MISMATCH)
        {
          g_autofree char *got = sb_bytes_excerpt (self->pending->data, self->pending->len, 60);

          step_fail (self, SB_SCRIPT_ERROR, SB_SCRIPT_ERROR_MISMATCH,
                     _("expected exactly %s, received %s"), what, got);
        }
      else if (self->read_error != NULL)
        step_done (self, NULL, g_error_copy (self->read_error));
      else if (self->eof)
        {
          g_autofree char *so_far = received_so_far (self);

          step_fail (self, SB_SCRIPT_ERROR, SB_SCRIPT_ERROR_CLOSED,
                     _("the peer closed the connection before %s arrived (%s)"), what, so_far);
        }
      return;
    }

  if (self->receiving)
    {
      gsize n = self->pending->len;

      if (n == 0 && self->read_error != NULL)
        {
          step_done (self, NULL, g_error_copy (self->read_error));
          return;
        }
      if (n == 0 && !self->eof)
        return;
      if (n == 0)
        {
          step_done (self, g_strdup (_("the peer closed the connection (EOF): received 0 bytes")),
                     NULL);
          return;
        }
      if (self->boundaries->len > 0)
        n = MIN (n, g_array_index (self->boundaries, gsize, 0));
      if (self->receive_size > 0)
        n = MIN (n, (gsize) self->receive_size);
      {
        g_autofree char *excerpt = sb_bytes_excerpt (self->pending->data, n, 60);
        char *detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "received %zu byte: %s",
                                                     "received %zu bytes: %s", n),
                                        n, excerpt);

        consume (self, n);
        step_done (self, detail, NULL);
      }
    }
}

static gboolean
wait_timeout_cb (gpointer user_data)
{
  SbScript *self = user_data;
  g_autofree char *so_far = received_so_far (self);

  self->timer_id = 0;
  if (self->expect != NULL)
    {
      g_autofree char *what = sb_matcher_describe (self->expect);

      step_fail (self, SB_SCRIPT_ERROR, SB_SCRIPT_ERROR_TIMED_OUT,
                 _("timed out after %d ms waiting for %s (%s)"), self->wait_timeout, what, so_far);
    }
  else
    step_fail (self, SB_SCRIPT_ERROR, SB_SCRIPT_ERROR_TIMED_OUT,
               _("timed out after %d ms waiting for data"), self->wait_timeout);
  return G_SOURCE_REMOVE;
}

/* ---- the steps ------------------------------------------------------------------- */

static int
step_timeout (SbScript *self,
              SbStep   *step)
{
  int t = sb_step_get_timeout_ms (step);

  if (t == SB_STEP_TIMEOUT_INHERIT)
    t = sb_socket_spec_get_timeout_ms (self->spec);
  if (t < 0)
    t = self->default_timeout;
  return t < 0 ? SB_TIMEOUT_NONE : t;
}

static gboolean
ensure_socket (SbScript *self,
               GError  **error)
{
  SbSocketSpec *spec = self->spec;
  g_autoptr(SbSocket) socket = NULL;

  if (self->socket != NULL)
    return TRUE;

  socket = sb_socket_spec_create_socket (spec, error);
  if (socket == NULL)
    return FALSE;
  /* A script reads what arrives as it arrives (into its own pending
   * buffer) and never reads its transcripts back: keep them bounded, so a
   * long run under a flood neither fills memory nor slows down for fresh
   * pages. Accepted connections inherit it. */
  sb_transcript_set_byte_limit (sb_socket_get_transcript (socket), SCRIPT_TRANSCRIPT_LIMIT);
  g_ptr_array_add (self->sockets, g_object_ref (socket));

  self->socket = g_object_ref (socket);
  attach_conn (self, socket);
  return TRUE;
}

/* The address of a connect or a datagram send: the step's, else the spec's
 * remote one. */
static gboolean
step_destination (SbScript   *self,
                  SbStep     *step,
                  gboolean    required,
                  char      **out_host,
                  guint      *out_port,
                  GError    **error)
{
  const char *host = sb_step_get_host (step);
  const char *port_from = sb_step_get_port_from (step);
  int port = sb_step_get_port (step);
  gboolean own = host[0] != '\0' || port >= 0 || port_from[0] != '\0';

  if (!own)
    {
      host = sb_socket_spec_get_remote_host (self->spec);
      port_from = sb_socket_spec_get_remote_port_from (self->spec);
      port = sb_socket_spec_get_remote_port (self->spec);
      if (host[0] == '\0' && port_from[0] == '\0' && port == 0 && !required)
        {
          *out_host = NULL;
          return TRUE;
        }
    }
  if (host[0] == '\0')
    host = sb_socket_spec_get_remote_host (self->spec);
  if (host[0] == '\0')
    {
      g_set_error (error, SB_SCRIPT_ERROR, SB_SCRIPT_ERROR_INVALID,
                   _("No remote host: set the socket's remote address or the step's host"));
      return FALSE;
    }
  if (port_from[0] != '\0')
    {
      guint found = 0;

      if (self->port_lookup == NULL)
        {
          g_set_error (error, SB_SCRIPT_ERROR, SB_SCRIPT_ERROR_INVALID,
                       _("The port comes from the socket “%s”, which is not part of this run"),
                       port_from);
          return FALSE;
        }
      if (!self->port_lookup (port_from, &found, error, self->port_lookup_data))
        return FALSE;
      port = found;
    }
  if (port <= 0)
    {
      g_set_error (error, SB_SCRIPT_ERROR, SB_SCRIPT_ERROR_INVALID,
                   _("No remote port: port 0 cannot be a destination"));
      return FALSE;
    }
  *out_host = g_strdup (host);
  *out_port = port;
  return TRUE;
}

static void
accept_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GError *error = NULL;
  g_autoptr(SbSocket) child = sb_socket_accept_finish (SB_SOCKET (object), result, &error);
  g_autoptr(SbScript) self = call_take (user_data);
  g_autofree char *peer = NULL;

  if (self == NULL)
    {
      if (child != NULL)
        sb_socket_close (child);
      g_clear_error (&error);
      return;
    }
  if (child == NULL)
    {
      step_done (self, NULL, error);
      return;
    }
  g_ptr_array_add (self->sockets, g_object_ref (child));
  if ((sb_socket_spec_get_no_delay (self->spec)
       && !sb_socket_set_option (child, SB_OPTION_NO_DELAY, 1, &error))
      || (sb_socket_spec_get_keepalive (self->spec)
          && !sb_socket_set_option (child, SB_OPTION_KEEPALIVE, 1, &error)))
    {
      step_done (self, NULL, error);
      return;
    }
  attach_conn (self, child);
  start_reading (self);
  peer = sb_address_to_string (sb_socket_get_remote_address (child));
  step_done (self, g_strdup_printf (_("accepted a connection from %s"), peer), NULL);
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GError *error = NULL;
  gboolean ok = sb_socket_connect_finish (SB_SOCKET (object), result, &error);
  g_autoptr(SbScript) self = call_take (user_data);
  g_autofree char *peer = NULL;

  if (self == NULL)
    {
      g_clear_error (&error);
      return;
    }
  if (!ok)
    {
      step_done (self, NULL, error);
      return;
    }
  start_reading (self);
  peer = sb_address_to_string (sb_socket_get_remote_address (SB_SOCKET (object)));
  step_done (self, g_strdup_printf (_("connected to %s"), peer), NULL);
}

static void
send_resolved_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GError *error = NULL;
  g_autoptr(GSocketAddress) to = sb_address_resolve_finish (result, &error);
  g_autoptr(SbScript) self = call_take (user_data);
  g_autofree char *where = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gssize n;

  if (self == NULL)
    {
      g_clear_error (&error);
      return;
    }
  if (to == NULL)
    {
      step_done (self, NULL, error);
      return;
    }
  bytes = g_steal_pointer (&self->send_bytes);
  n = send_datagram (self, to, bytes, &error);
  if (n < 0)
    {
      step_done (self, NULL, error);
      return;
    }
  where = sb_address_to_string (to);
  step_done (self, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "sent %zd byte to %s",
                                                 "sent %zd bytes to %s", n), n, where), NULL);
}

static GBytes *
step_bytes (SbScript *self,
            SbStep   *step,
            GError  **error)
{
  const char *data = sb_step_get_data (step);

  switch (sb_step_get_format (step))
    {
    case SB_DATA_TEXT:
    case SB_DATA_HEX:
      return sb_template_expand (sb_step_get_format (step), data, self->captures, error);

    case SB_DATA_FILE:
      {
        g_autofree char *path = NULL;
        g_autoptr(GMappedFile) mapped = NULL;
        GFile *file = self->session != NULL ? sb_session_get_file (self->session) : NULL;

        if (g_path_is_absolute (data) || file == NULL)
          path = g_strdup (data);
        else
          {
            g_autoptr(GFile) dir = g_file_get_parent (file);
            g_autoptr(GFile) child = g_file_resolve_relative_path (dir, data);

            path = g_file_get_path (child);
          }
        mapped = path != NULL ? g_mapped_file_new (path, FALSE, error) : NULL;
        if (mapped == NULL)
          {
            if (path == NULL)
              g_set_error (error, SB_SCRIPT_ERROR, SB_SCRIPT_ERROR_INVALID,
                           _("Cannot read “%s”: not a local file"), data);
            return NULL;
          }
        return g_mapped_file_get_bytes (mapped);
      }

    case SB_DATA_PAYLOAD:
      if (self->session == NULL)
        {
          g_set_error (error, SB_SCRIPT_ERROR, SB_SCRIPT_ERROR_INVALID,
                       _("No payload library: the payload “%s” needs the session"), data);
          return NULL;
        }
      return sb_session_dup_payload_bytes (self->session, data, error);

    case SB_N_DATA_FORMATS:
    default:
      g_assert_not_reached ();
    }
}

static void
run_send (SbScript *self,
          SbStep   *step)
{
  GError *error = NULL;
  g_autoptr(GBytes) bytes = step_bytes (self, step, &error);
  g_autofree char *host = NULL;
  guint port = 0;
  gssize n;

  if (bytes == NULL)
    {
      if (error->domain == SB_MATCH_ERROR || error->domain == G_FILE_ERROR
          || error->domain == SB_PAYLOAD_ERROR || error->domain == SB_SESSION_ERROR)
        {
          g_autofree char *message = g_strdup (error->message);

          g_clear_error (&error);
          error = g_error_new_literal (SB_SCRIPT_ERROR, SB_SCRIPT_ERROR_INVALID, message);
        }
      step_done (self, NULL, error);
      return;
    }

  if (is_stream (self))
    {
      sb_socket_set_timeout (self->conn, step_timeout (self, step));
      queue_stream_send (self, bytes, TRUE);
      return;
    }

  /* a datagram: to the step's address, the peer of a connected socket, the
   * spec's remote address, or whoever sent the last datagram */
  if (!step_destination (self, step, FALSE, &host, &port, &error))
    {
      step_done (self, NULL, error);
      return;
    }
  if (host == NULL)
    {
      gboolean connected = sb_socket_get_state (self->conn) == SB_STATE_CONNECTED;

      if (!connected && self->last_sender == NULL)
        {
          step_fail (self, SB_SCRIPT_ERROR, SB_SCRIPT_ERROR_INVALID,
                     _("This datagram socket has no destination: set its remote address, connect "
                     "it, or receive a datagram first (a send then answers its sender)"));
          return;
        }
      n = send_datagram (self, connected ? NULL : self->last_sender, bytes, &error);
      if (n < 0)
        step_done (self, NULL, error);
      else
        step_done (self, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "sent %zd byte",
                                                       "sent %zd bytes", n), n), NULL);
      return;
    }
  self->send_bytes = g_steal_pointer (&bytes);
  self->op_cancellable = g_cancellable_new ();
  sb_address_resolve_async (host, port, sb_socket_spec_get_family (self->spec),
                            self->op_cancellable, send_resolved_cb, call_new (self));
}

static void
start_wait_timer (SbScript *self,
                  int       timeout)
{
  self->wait_timeout = timeout;
  if (timeout >= 0)
    self->timer_id = g_timeout_add (timeout, wait_timeout_cb, self);
}

static gboolean
wait_done_cb (gpointer user_data)
{
  SbScript *self = user_data;

  self->timer_id = 0;
  step_done (self, g_strdup_printf (_("waited %d ms"), sb_step_get_ms (current_step (self))), NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
can_read (SbScript *self)
{
  return self->conn != NULL && (sb_socket_get_auto_receive (self->conn) || self->eof
                                || self->pending->len > 0 || self->read_error != NULL);
}

static void
exec_step (SbScript *self,
           SbStep   *step)
{
  GError *error = NULL;
  g_autofree char *local = NULL;

  if (!ensure_socket (self, &error))
    {
      step_done (self, NULL, error);
      return;
    }

  switch (sb_step_get_kind (step))
    {
    case SB_STEP_BIND:
      {
        const char *host = sb_step_get_host (step);
        int port = sb_step_get_port (step);

        if (host[0] == '\0')
          host = sb_socket_spec_get_bind_host (self->spec);
        if (port < 0)
          port = sb_socket_spec_get_bind_port (self->spec);
        if (!sb_socket_bind (self->socket, host, port, &error))
          {
            step_done (self, NULL, error);
            return;
          }
        start_reading (self);
        local = sb_address_to_string (sb_socket_get_local_address (self->socket));
        step_done (self, g_strdup_printf (_("bound to %s"), local), NULL);
      }
      return;

    case SB_STEP_LISTEN:
      {
        int backlog = sb_step_get_backlog (step);

        if (backlog < 0)
          backlog = sb_socket_spec_get_backlog (self->spec);
        if (!sb_socket_listen (self->socket, backlog, &error))
          {
            step_done (self, NULL, error);
            return;
          }
        local = sb_address_to_string (sb_socket_get_local_address (self->socket));
        step_done (self, g_strdup_printf (_("listening on %s (backlog %d)"), local, backlog), NULL);
      }
      return;

    case SB_STEP_ACCEPT:
      sb_socket_set_timeout (self->socket, step_timeout (self, step));
      self->op_cancellable = g_cancellable_new ();
      sb_socket_accept_async (self->socket, self->op_cancellable, accept_cb, call_new (self));
      return;

    case SB_STEP_CONNECT:
      {
        g_autofree char *host = NULL;
        guint port = 0;

        if (!step_destination (self, step, TRUE, &host, &port, &error))
          {
            step_done (self, NULL, error);
            return;
          }
        sb_socket_set_timeout (self->socket, step_timeout (self, step));
        self->op_cancellable = g_cancellable_new ();
        sb_socket_connect_async (self->socket, host, port, self->op_cancellable, connect_cb,
                                 call_new (self));
      }
      return;

    case SB_STEP_SEND:
      run_send (self, step);
      return;

    case SB_STEP_EXPECT:
      self->expect = sb_matcher_new (sb_step_get_match (step), sb_step_get_pattern (step),
                                     self->captures, &error);
      if (self->expect == NULL)
        {
          g_autofree char *message = g_strdup (error->message);

          g_clear_error (&error);
          step_fail (self, SB_SCRIPT_ERROR, SB_SCRIPT_ERROR_INVALID, "%s", message);
          return;
        }
      G_GNUC_FALLTHROUGH;
    case SB_STEP_RECEIVE:
      if (sb_step_get_kind (step) == SB_STEP_RECEIVE)
        {
          self->receiving = TRUE;
          self->receive_size = sb_step_get_size (step);
        }
      if (!can_read (self))
        {
          step_fail (self, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE,
                     _("Nothing to read from: the socket is %s; %s"),
                     _(sb_state_to_string (sb_socket_get_state (self->conn))),
                     is_stream (self) ? _("connect or accept first") : _("bind or send first"));
          return;
        }
      start_wait_timer (self, step_timeout (self, step));
      check_waiting (self);
      return;

    case SB_STEP_WAIT:
      self->timer_id = g_timeout_add (sb_step_get_ms (step), wait_done_cb, self);
      return;

    case SB_STEP_SHUTDOWN:
      if (!sb_socket_shutdown (self->conn, sb_step_get_how (step), &error))
        step_done (self, NULL, error);
      else
        step_done (self, g_strdup_printf (_("shut down %s"),
                                          sb_shutdown_how_to_string (sb_step_get_how (step))),
                   NULL);
      return;

    case SB_STEP_CLOSE:
      if (sb_socket_get_state (self->conn) == SB_STATE_CLOSED)
        {
          step_fail (self, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE,
                     _("Cannot close: the socket is already closed"));
          return;
        }
      sb_socket_close (self->conn);
      step_done (self, g_strdup (_("closed")), NULL);
      return;

    case SB_N_STEP_KINDS:
    default:
      g_assert_not_reached ();
    }
}

/* Start steps until one is pending or none is left. */
static void
advance (SbScript *self)
{
  if (self->advancing)
    return;
  self->advancing = TRUE;
  g_object_ref (self);
  while (!self->busy && !self->finished && self->mode != MODE_IDLE)
    {
      SbStep *step;

      if (self->next >= self->steps->len)
        {
          finish_script (self);
          break;
        }
      self->current = self->next;
      step = current_step (self);
      self->busy = TRUE;
      set_status (self, self->current, SB_STEP_RUNNING, NULL, NULL);
      exec_step (self, step);
      if (self->mode == MODE_STEP)
        break;
    }
  self->advancing = FALSE;
  g_object_unref (self);
}

/* ---- running --------------------------------------------------------------------- */

void
sb_script_stop (SbScript   *self,
                const char *reason)
{
  g_return_if_fail (SB_IS_SCRIPT (self));

  if (self->finished)
    return;
  if (reason == NULL)
    reason = "stopped";
  g_object_ref (self);
  self->generation++;
  clear_wait (self);
  for (guint i = self->next; i < self->steps->len; i++)
    if (result_at (self, i)->status == SB_STEP_PENDING
        || result_at (self, i)->status == SB_STEP_RUNNING)
      set_status (self, i, SB_STEP_SKIPPED, g_strdup (reason), NULL);
  self->busy = FALSE;
  self->next = self->steps->len;
  if (self->error == NULL)
    self->error = g_error_new_literal (SB_SCRIPT_ERROR, SB_SCRIPT_ERROR_STOPPED, reason);
  sb_script_close (self);
  finish_script (self);
  g_object_unref (self);
}

static gboolean
stop_idle_cb (gpointer user_data)
{
  sb_script_stop (user_data, "cancelled");
  return G_SOURCE_REMOVE;
}

static void
task_cancelled_cb (GCancellable *cancellable,
                   SbScript     *self)
{
  /* not from inside the "cancelled" emission: stopping disconnects us */
  g_idle_add_full (G_PRIORITY_DEFAULT, stop_idle_cb, g_object_ref (self), g_object_unref);
}

static void
start (SbScript           *self,
       Mode                mode,
       gpointer            tag,
       GCancellable       *cancellable,
       GAsyncReadyCallback callback,
       gpointer            user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  if (self->task != NULL || self->busy)
    {
      g_task_return_new_error (task, SB_SCRIPT_ERROR, SB_SCRIPT_ERROR_BUSY,
                               _("The script is already running a step"));
      return;
    }
  if (self->finished)
    {
      if (self->error != NULL)
        g_task_return_error (task, g_error_copy (self->error));
      else
        g_task_return_boolean (task, TRUE);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  self->task = g_steal_pointer (&task);
  self->mode = mode;
  if (cancellable != NULL)
    {
      self->task_cancellable = g_object_ref (cancellable);
      self->task_cancel_id = g_signal_connect (cancellable, "cancelled",
                                               G_CALLBACK (task_cancelled_cb), self);
    }
  advance (self);
}

void
sb_script_run_async (SbScript           *self,
                     GCancellable       *cancellable,
                     GAsyncReadyCallback callback,
                     gpointer            user_data)
{
  g_return_if_fail (SB_IS_SCRIPT (self));
  start (self, MODE_RUN, sb_script_run_async, cancellable, callback, user_data);
}

gboolean
sb_script_run_finish (SbScript     *self,
                      GAsyncResult *result,
                      GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sb_script_step_async (SbScript           *self,
                      GCancellable       *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer            user_data)
{
  g_return_if_fail (SB_IS_SCRIPT (self));
  start (self, MODE_STEP, sb_script_step_async, cancellable, callback, user_data);
}

gboolean
sb_script_step_finish (SbScript     *self,
                       GAsyncResult *result,
                       GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
