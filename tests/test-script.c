/* test-script.c — SbScript and SbSessionRunner on real loopback sockets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sessions are written as JSON here, the way a user writes them; servers
 * bind port 0 and their clients find the port with "port_from", so tests
 * never collide on a port.
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "sb-session-runner.h"

#ifndef EXAMPLES_DIR
#error "EXAMPLES_DIR must point to data/examples"
#endif

#define SESSION_HEAD "{\"format\": \"sockbench-session\", \"version\": 1, \"sockets\": ["
#define SESSION_TAIL "]}"

static SbSession *
session_from_json (const char *json)
{
  g_autoptr(GError) error = NULL;
  SbSession *session = sb_session_new_from_data (json, strlen (json), &error);

  g_assert_no_error (error);
  g_assert_nonnull (session);
  return session;
}

static gboolean
deadline_cb (gpointer user_data)
{
  g_error ("the run took longer than 20 s");
  return G_SOURCE_REMOVE;
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Outcome;

static void
runner_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Outcome *o = user_data;

  o->ok = sb_session_runner_run_finish (SB_SESSION_RUNNER (object), result, &o->error);
  o->done = TRUE;
}

/* Run @runner to the end; returns whether every step passed. */
static gboolean
run (SbSessionRunner *runner,
     GError         **error)
{
  Outcome o = { 0, };
  guint deadline = g_timeout_add_seconds (20, deadline_cb, NULL);

  sb_session_runner_run_async (runner, NULL, runner_done_cb, &o);
  while (!o.done)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (deadline);
  if (o.error != NULL)
    g_propagate_error (error, o.error);
  return o.ok;
}

static void
assert_status (SbScript    *script,
               guint        index,
               SbStepStatus status)
{
  if (sb_script_get_step_status (script, index) != status)
    g_error ("%s step %u: %s (%s), expected %s",
             sb_socket_spec_get_name (sb_script_get_spec (script)), index + 1,
             sb_step_status_to_string (sb_script_get_step_status (script, index)),
             sb_script_get_step_detail (script, index),
             sb_step_status_to_string (status));
}

static void
assert_all_passed (SbSessionRunner *runner)
{
  for (guint i = 0; i < sb_session_runner_get_n_scripts (runner); i++)
    {
      SbScript *script = sb_session_runner_get_script (runner, i);

      for (guint j = 0; j < sb_script_get_n_steps (script); j++)
        assert_status (script, j, SB_STEP_PASSED);
    }
}

/* Every byte the socket received, from its transcript. */
static char *
received_text (SbSocket *socket)
{
  SbTranscript *transcript = sb_socket_get_transcript (socket);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < sb_transcript_get_n_events (transcript); i++)
    {
      SbTranscriptEntry entry;

      g_assert_true (sb_transcript_get_entry (transcript, i, &entry));
      if (entry.kind == SB_EVENT_RECEIVED)
        {
          g_autoptr(GBytes) bytes = sb_transcript_get_bytes (transcript, entry.offset, entry.length);

          g_string_append_len (s, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
        }
    }
  return g_string_free (s, FALSE);
}

static SbSession *
load_example (const char *name)
{
  g_autofree char *path = g_build_filename (EXAMPLES_DIR, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  SbSession *session = sb_session_new_from_file (file, NULL, &error);

  g_assert_no_error (error);
  return session;
}

/* The notes' server and client, from the two example files, in one run. */
static void
test_notes_examples (void)
{
  g_autoptr(SbSession) server_file = load_example ("notes-server.sockbench");
  g_autoptr(SbSession) client_file = load_example ("notes-client.sockbench");
  g_autoptr(SbSession) session = sb_session_new ();
  g_autoptr(SbSocketSpec) server = sb_socket_spec_copy (sb_session_get_socket (server_file, 0));
  g_autoptr(SbSocketSpec) client = sb_socket_spec_copy (sb_session_get_socket (client_file, 0));
  g_autoptr(SbSessionRunner) runner = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *server_got = NULL, *client_got = NULL;
  SbScript *s, *c;

  /* the same steps, on a port the kernel chooses */
  sb_socket_spec_set_bind_host (server, "127.0.0.1");
  sb_socket_spec_set_bind_port (server, 0);
  sb_socket_spec_set_remote_port_from (client, "server");
  sb_session_append_socket (session, server);
  sb_session_append_socket (session, client);

  runner = sb_session_runner_new (session);
  g_assert_true (run (runner, &error));
  g_assert_no_error (error);
  assert_all_passed (runner);

  s = sb_session_runner_get_script (runner, 0);
  c = sb_session_runner_get_script (runner, 1);
  g_assert_cmpuint (sb_script_get_n_steps (s), ==, 5);
  g_assert_cmpuint (sb_script_get_n_steps (c), ==, 4);
  g_assert_true (g_str_has_prefix (sb_script_get_step_detail (s, 2), "accepted a connection from 127.0.0.1:"));
  g_assert_cmpstr (sb_script_get_step_detail (s, 3), ==, "sent 24 bytes");
  g_assert_cmpstr (sb_script_get_step_detail (c, 1), ==, "received “Thank you”");
  /* the server's listener and its accepted connection are different sockets */
  g_assert_true (sb_script_get_connection (s) != sb_script_get_socket (s));
  g_assert_true (sb_socket_get_listener (sb_script_get_connection (s)) == sb_script_get_socket (s));
  /* a script's transcripts are bounded, the accepted connection's too */
  g_assert_cmpuint (sb_transcript_get_byte_limit (sb_socket_get_transcript (sb_script_get_socket (s))), ==,
                    32 * 1024 * 1024);
  g_assert_cmpuint (sb_transcript_get_byte_limit (sb_socket_get_transcript (sb_script_get_connection (s))), ==,
                    32 * 1024 * 1024);
  client_got = received_text (sb_script_get_connection (c));
  g_assert_cmpstr (client_got, ==, "Thank you for connecting");
  g_assert_cmpint (sb_socket_get_state (sb_script_get_connection (c)), ==, SB_STATE_CLOSED);
  (void) server_got;
}

/* A regex capture of an expect, reused by name and number in later sends. */
static void
test_capture_reuse (void)
{
  g_autoptr(SbSession) session = session_from_json (SESSION_HEAD
    "{\"name\": \"server\", \"bind\": {\"host\": \"127.0.0.1\", \"port\": 0}, \"timeout_ms\": 5000,"
    " \"steps\": [{\"kind\": \"bind\"}, {\"kind\": \"listen\"}, {\"kind\": \"accept\"},"
    "  {\"kind\": \"send\", \"data\": \"hello, your token=abc123 and id=42\\r\\n\"},"
    "  {\"kind\": \"expect\", \"match\": \"exact\", \"pattern\": \"AUTH abc123 42\\n\"},"
    "  {\"kind\": \"send\", \"format\": \"hex\", \"data\": \"4f 4b 0a\"},"
    "  {\"kind\": \"close\"}]},"
    "{\"name\": \"client\", \"remote\": {\"host\": \"127.0.0.1\", \"port_from\": \"server\"},"
    " \"timeout_ms\": 5000,"
    " \"steps\": [{\"kind\": \"connect\"},"
    "  {\"kind\": \"expect\", \"match\": \"regex\", \"pattern\": \"token=(?<tok>\\\\w+) and id=(\\\\d+)\"},"
    "  {\"kind\": \"send\", \"data\": \"AUTH ${tok} ${2}\\n\"},"
    "  {\"kind\": \"expect\", \"match\": \"hex\", \"pattern\": \"0d 0a (?\? ?\?) 0a\"},"
    "  {\"kind\": \"send\", \"format\": \"hex\", \"data\": \"${1}\"},"
    "  {\"kind\": \"receive\"}]}"
    SESSION_TAIL);
  g_autoptr(SbSessionRunner) runner = sb_session_runner_new (session);
  g_autoptr(GError) error = NULL;
  SbScript *client;
  GBytes *tok;

  g_assert_true (run (runner, &error));
  g_assert_no_error (error);
  assert_all_passed (runner);
  client = sb_session_runner_get_script (runner, 1);
  tok = g_hash_table_lookup (sb_script_get_captures (client), "tok");
  g_assert_nonnull (tok);
  g_assert_cmpmem (g_bytes_get_data (tok, NULL), g_bytes_get_size (tok), "abc123", 6);
  /* the hex pattern's group is ${1} now: "OK" */
  g_assert_cmpstr (sb_script_get_step_detail (client, 3), ==, "received “\\r\\nOK\\n”");
  /* the server closed after OK: the receive sees the end of the stream */
  g_assert_true (g_str_has_prefix (sb_script_get_step_detail (client, 5), "the peer closed"));
}

/* An expect that never matches fails after its timeout, with the reason. */
static void
test_expect_timeout (void)
{
  g_autoptr(SbSession) session = session_from_json (SESSION_HEAD
    "{\"name\": \"server\", \"bind\": {\"host\": \"127.0.0.1\", \"port\": 0},"
    " \"steps\": [{\"kind\": \"bind\"}, {\"kind\": \"listen\"}, {\"kind\": \"accept\"},"
    "  {\"kind\": \"send\", \"data\": \"something else\"},"
    "  {\"kind\": \"expect\", \"pattern\": \"never sent\"}, {\"kind\": \"close\"}]},"
    "{\"name\": \"client\", \"remote\": {\"host\": \"127.0.0.1\", \"port_from\": \"server\"},"
    " \"steps\": [{\"kind\": \"connect\"},"
    "  {\"kind\": \"expect\", \"pattern\": \"Thank you\", \"timeout_ms\": 300},"
    "  {\"kind\": \"send\", \"data\": \"Hello server\"}]}"
    SESSION_TAIL);
  g_autoptr(SbSessionRunner) runner = sb_session_runner_new (session);
  g_autoptr(GError) error = NULL;
  SbScript *server, *client, *failed = NULL;
  const char *reason;
  guint index = 0;
  gint64 start = g_get_monotonic_time ();

  g_assert_false (run (runner, &error));
  g_assert_error (error, SB_SCRIPT_ERROR, SB_SCRIPT_ERROR_TIMED_OUT);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 290 * 1000);

  server = sb_session_runner_get_script (runner, 0);
  client = sb_session_runner_get_script (runner, 1);
  assert_status (client, 0, SB_STEP_PASSED);
  assert_status (client, 1, SB_STEP_FAILED);
  assert_status (client, 2, SB_STEP_SKIPPED);
  reason = sb_script_get_step_detail (client, 1);
  g_test_message ("reason: %s", reason);
  g_assert_true (g_str_has_prefix (reason, "timed out after 300 ms waiting for “Thank you”"));
  g_assert_nonnull (strstr (reason, "received 14 bytes: “something else”"));
  g_assert_error (sb_script_get_step_error (client, 1), SB_SCRIPT_ERROR,
                  SB_SCRIPT_ERROR_TIMED_OUT);

  /* the server, waiting forever, was stopped and names the cause */
  assert_status (server, 3, SB_STEP_PASSED);
  assert_status (server, 4, SB_STEP_SKIPPED);
  assert_status (server, 5, SB_STEP_SKIPPED);
  g_assert_nonnull (strstr (sb_script_get_step_detail (server, 4), "client step 2"));
  g_assert_true (sb_session_runner_get_first_failure (runner, &failed, &index));
  g_assert_true (failed == client);
  g_assert_cmpuint (index, ==, 1);
  /* every socket is closed after the run */
  g_assert_cmpint (sb_socket_get_state (sb_script_get_socket (server)), ==, SB_STATE_CLOSED);
  g_assert_cmpint (sb_socket_get_state (sb_script_get_connection (server)), ==, SB_STATE_CLOSED);
}

/* Auto-replies: a regex rule answers each ping with its number. */
static void
test_auto_reply_regex (void)
{
  g_autoptr(SbSession) session = session_from_json (SESSION_HEAD
    "{\"name\": \"echo\", \"bind\": {\"host\": \"127.0.0.1\", \"port\": 0}, \"timeout_ms\": 5000,"
    " \"auto_replies\": [{\"match\": \"regex\", \"pattern\": \"ping (?<n>\\\\d+)\\n\","
    "                      \"reply\": \"pong ${n}\\n\"},"
    "                     {\"match\": \"contains\", \"pattern\": \"status?\", \"format\": \"hex\","
    "                      \"reply\": \"4f 4b 0a\"}],"
    " \"steps\": [{\"kind\": \"bind\"}, {\"kind\": \"listen\"}, {\"kind\": \"accept\"},"
    "  {\"kind\": \"expect\", \"pattern\": \"bye\"}]},"
    "{\"name\": \"client\", \"remote\": {\"host\": \"127.0.0.1\", \"port_from\": \"echo\"},"
    " \"timeout_ms\": 5000,"
    " \"steps\": [{\"kind\": \"connect\"},"
    "  {\"kind\": \"send\", \"data\": \"ping 7\\n\"},"
    "  {\"kind\": \"expect\", \"match\": \"exact\", \"pattern\": \"pong 7\\n\"},"
    "  {\"kind\": \"send\", \"data\": \"ping 8\\nping 9\\nstatus?\"},"
    "  {\"kind\": \"expect\", \"match\": \"exact\", \"pattern\": \"pong 8\\npong 9\\nOK\\n\"},"
    "  {\"kind\": \"send\", \"data\": \"bye\"}, {\"kind\": \"close\"}]}"
    SESSION_TAIL);
  g_autoptr(SbSessionRunner) runner = sb_session_runner_new (session);
  g_autoptr(GError) error = NULL;

  g_assert_true (run (runner, &error));
  g_assert_no_error (error);
  assert_all_passed (runner);
}

static void
test_exact_mismatch (void)
{
  g_autoptr(SbSession) session = session_from_json (SESSION_HEAD
    "{\"name\": \"server\", \"bind\": {\"host\": \"127.0.0.1\", \"port\": 0}, \"timeout_ms\": 5000,"
    " \"steps\": [{\"kind\": \"bind\"}, {\"kind\": \"listen\"}, {\"kind\": \"accept\"},"
    "  {\"kind\": \"send\", \"data\": \"HTTP/1.0 404\\r\\n\"}, {\"kind\": \"wait\", \"ms\": 5000}]},"
    "{\"name\": \"client\", \"remote\": {\"host\": \"127.0.0.1\", \"port_from\": \"server\"},"
    " \"timeout_ms\": 5000,"
    " \"steps\": [{\"kind\": \"connect\"},"
    "  {\"kind\": \"expect\", \"match\": \"exact\", \"pattern\": \"HTTP/1.0 200\"}]}"
    SESSION_TAIL);
  g_autoptr(SbSessionRunner) runner = sb_session_runner_new (session);
  g_autoptr(GError) error = NULL;
  SbScript *client;
  gint64 start = g_get_monotonic_time ();

  g_assert_false (run (runner, &error));
  g_assert_error (error, SB_SCRIPT_ERROR, SB_SCRIPT_ERROR_MISMATCH);
  client = sb_session_runner_get_script (runner, 1);
  g_assert_cmpstr (sb_script_get_step_detail (client, 1), ==,
                   "expected exactly “HTTP/1.0 200”, received “HTTP/1.0 404\\r\\n”");
  /* the failure stopped the server's five-second wait at once */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 4 * G_USEC_PER_SEC);
  assert_status (sb_session_runner_get_script (runner, 0), 4, SB_STEP_SKIPPED);
}

static void
test_peer_closed (void)
{
  g_autoptr(SbSession) session = session_from_json (SESSION_HEAD
    "{\"name\": \"server\", \"bind\": {\"host\": \"127.0.0.1\", \"port\": 0}, \"timeout_ms\": 5000,"
    " \"steps\": [{\"kind\": \"bind\"}, {\"kind\": \"listen\"}, {\"kind\": \"accept\"},"
    "  {\"kind\": \"send\", \"data\": \"partial\"}, {\"kind\": \"close\"}]},"
    "{\"name\": \"client\", \"remote\": {\"host\": \"127.0.0.1\", \"port_from\": \"server\"},"
    " \"timeout_ms\": 5000,"
    " \"steps\": [{\"kind\": \"connect\"}, {\"kind\": \"expect\", \"pattern\": \"complete\"}]}"
    SESSION_TAIL);
  g_autoptr(SbSessionRunner) runner = sb_session_runner_new (session);
  g_autoptr(GError) error = NULL;

  g_assert_false (run (runner, &error));
  g_assert_error (error, SB_SCRIPT_ERROR, SB_SCRIPT_ERROR_CLOSED);
  g_assert_cmpstr (sb_script_get_step_detail (sb_session_runner_get_script (runner, 1), 1), ==,
                   "the peer closed the connection before “complete” arrived "
                   "(received 7 bytes: “partial”)");
}

static void
test_udp (void)
{
  g_autoptr(SbSession) session = session_from_json (SESSION_HEAD
    "{\"name\": \"udp server\", \"type\": \"datagram\", \"timeout_ms\": 5000,"
    " \"bind\": {\"host\": \"127.0.0.1\", \"port\": 0},"
    " \"steps\": [{\"kind\": \"bind\"},"
    "  {\"kind\": \"expect\", \"match\": \"regex\", \"pattern\": \"^hi (\\\\w+)$\"},"
    "  {\"kind\": \"send\", \"data\": \"hello ${1}\"}, {\"kind\": \"receive\", \"size\": 3}]},"
    "{\"name\": \"udp client\", \"type\": \"datagram\", \"timeout_ms\": 5000,"
    " \"remote\": {\"host\": \"127.0.0.1\", \"port_from\": \"udp server\"},"
    " \"steps\": [{\"kind\": \"send\", \"data\": \"hi bob\"},"
    "  {\"kind\": \"receive\"}, {\"kind\": \"send\", \"data\": \"abcdef\"}]}"
    SESSION_TAIL);
  g_autoptr(SbSessionRunner) runner = sb_session_runner_new (session);
  g_autoptr(GError) error = NULL;

  g_assert_true (run (runner, &error));
  g_assert_no_error (error);
  assert_all_passed (runner);
  g_assert_cmpstr (sb_script_get_step_detail (sb_session_runner_get_script (runner, 1), 1), ==,
                   "received 9 bytes: “hello bob”");
  g_assert_cmpstr (sb_script_get_step_detail (sb_session_runner_get_script (runner, 0), 3), ==,
                   "received 3 bytes: “abc”");
}

static void
test_connect_refused (void)
{
  g_autoptr(SbSocket) probe = sb_socket_new (SB_FAMILY_IPV4, SB_SOCKET_STREAM, 0, NULL);
  g_autofree char *json = NULL;
  g_autoptr(SbSession) session = NULL;
  g_autoptr(SbSessionRunner) runner = NULL;
  g_autoptr(GError) error = NULL;
  guint port;

  /* a port that was free a moment ago, and nobody listens on */
  g_assert_true (sb_socket_bind (probe, "127.0.0.1", 0, NULL));
  port = sb_socket_get_local_port (probe);
  sb_socket_close (probe);
  json = g_strdup_printf (SESSION_HEAD
    "{\"name\": \"client\", \"remote\": {\"host\": \"127.0.0.1\", \"port\": %u},"
    " \"timeout_ms\": 5000, \"steps\": [{\"kind\": \"connect\"}, {\"kind\": \"close\"}]}"
    SESSION_TAIL, port);
  session = session_from_json (json);
  runner = sb_session_runner_new (session);
  g_assert_false (run (runner, &error));
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_REFUSED);
  assert_status (sb_session_runner_get_script (runner, 0), 1, SB_STEP_SKIPPED);
}

static void
test_send_file_and_payload (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-script-XXXXXX", NULL);
  g_autofree char *data_path = g_build_filename (dir, "body.bin", NULL);
  g_autofree char *session_path = g_build_filename (dir, "s.sockbench", NULL);
  g_autoptr(GFile) session_file = g_file_new_for_path (session_path);
  const char *json = "{\"format\": \"sockbench-session\", \"version\": 1,"
    " \"payloads\": [{\"name\": \"greeting\", \"format\": \"hex\", \"data\": \"68 69 00\"}],"
    " \"sockets\": ["
    "{\"name\": \"server\", \"bind\": {\"host\": \"127.0.0.1\", \"port\": 0}, \"timeout_ms\": 5000,"
    " \"steps\": [{\"kind\": \"bind\"}, {\"kind\": \"listen\"}, {\"kind\": \"accept\"},"
    "  {\"kind\": \"send\", \"format\": \"file\", \"data\": \"body.bin\"},"
    "  {\"kind\": \"send\", \"format\": \"payload\", \"data\": \"greeting\"}, {\"kind\": \"close\"}]},"
    "{\"name\": \"client\", \"remote\": {\"host\": \"127.0.0.1\", \"port_from\": \"server\"},"
    " \"timeout_ms\": 5000,"
    " \"steps\": [{\"kind\": \"connect\"},"
    "  {\"kind\": \"expect\", \"match\": \"exact\", \"pattern\": \"file body\\\\x01\\\\x02hi\\\\0\"}]}"
    "]}";
  g_autoptr(SbSession) session = NULL;
  g_autoptr(SbSessionRunner) runner = NULL;
  g_autoptr(GError) error = NULL;

  g_file_set_contents (data_path, "file body\x01\x02", 11, &error);
  g_assert_no_error (error);
  g_file_set_contents (session_path, json, -1, &error);
  g_assert_no_error (error);
  session = sb_session_new_from_file (session_file, NULL, &error);
  g_assert_no_error (error);
  runner = sb_session_runner_new (session);
  g_assert_true (run (runner, &error));
  g_assert_no_error (error);
  assert_all_passed (runner);
  g_unlink (data_path);
  g_unlink (session_path);
  g_rmdir (dir);
}

static void
step_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Outcome *o = user_data;

  o->ok = sb_script_step_finish (SB_SCRIPT (object), result, &o->error);
  o->done = TRUE;
}

/* The window's single stepping: one step per call, statuses as they go. */
static void
test_single_step (void)
{
  g_autoptr(SbSession) session = session_from_json (SESSION_HEAD
    "{\"name\": \"u\", \"type\": \"datagram\", \"bind\": {\"host\": \"127.0.0.1\", \"port\": 0},"
    " \"steps\": [{\"kind\": \"bind\"}, {\"kind\": \"wait\", \"ms\": 20},"
    "  {\"kind\": \"receive\", \"timeout_ms\": 50}]}"
    SESSION_TAIL);
  g_autoptr(SbScript) script = sb_script_new (sb_session_get_socket (session, 0), session);
  guint changes = 0;

  g_signal_connect_swapped (script, "step-changed", G_CALLBACK (g_atomic_int_inc), &changes);
  for (guint i = 0; i < 3; i++)
    {
      Outcome o = { 0, };

      g_assert_cmpuint (sb_script_get_next_step (script), ==, i);
      assert_status (script, i, SB_STEP_PENDING);
      sb_script_step_async (script, NULL, step_cb, &o);
      while (!o.done)
        g_main_context_iteration (NULL, TRUE);
      if (i < 2)
        {
          g_assert_no_error (o.error);
          g_assert_true (o.ok);
          assert_status (script, i, SB_STEP_PASSED);
          g_assert_false (sb_script_is_finished (script));
        }
      else
        {
          g_assert_error (o.error, SB_SCRIPT_ERROR, SB_SCRIPT_ERROR_TIMED_OUT);
          g_clear_error (&o.error);
          g_assert_cmpstr (sb_script_get_step_detail (script, 2), ==,
                           "timed out after 50 ms waiting for data");
          g_assert_true (sb_script_is_finished (script));
        }
    }
  /* running, then passed or failed: two changes per step */
  g_assert_cmpuint (changes, ==, 6);
  g_assert_nonnull (sb_script_get_socket (script));
  g_assert_cmpint (sb_socket_get_state (sb_script_get_socket (script)), ==, SB_STATE_CLOSED);
}

static void
test_cancel (void)
{
  g_autoptr(SbSession) session = session_from_json (SESSION_HEAD
    "{\"name\": \"slow\", \"steps\": [{\"kind\": \"wait\", \"ms\": 60000}, {\"kind\": \"close\"}]}"
    SESSION_TAIL);
  g_autoptr(SbSessionRunner) runner = sb_session_runner_new (session);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Outcome o = { 0, };
  SbScript *script;

  sb_session_runner_run_async (runner, cancellable, runner_done_cb, &o);
  g_timeout_add_once (50, (GSourceOnceFunc) (void (*)(void)) g_cancellable_cancel, cancellable);
  while (!o.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (o.ok);
  /* GIO's convention for a cancelled operation */
  g_assert_error (o.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&o.error);
  script = sb_session_runner_get_script (runner, 0);
  assert_status (script, 0, SB_STEP_SKIPPED);
  assert_status (script, 1, SB_STEP_SKIPPED);
  g_assert_cmpstr (sb_script_get_step_detail (script, 0), ==, "cancelled");
  g_assert_false (sb_session_runner_get_first_failure (runner, NULL, NULL));
}

static void
test_missing_capture (void)
{
  g_autoptr(SbSession) session = session_from_json (SESSION_HEAD
    "{\"name\": \"u\", \"type\": \"datagram\", \"bind\": {\"host\": \"127.0.0.1\", \"port\": 0},"
    " \"remote\": {\"host\": \"127.0.0.1\", \"port\": 9},"
    " \"steps\": [{\"kind\": \"bind\"}, {\"kind\": \"send\", \"data\": \"${user}\"}]}"
    SESSION_TAIL);
  g_autoptr(SbSessionRunner) runner = sb_session_runner_new (session);
  g_autoptr(GError) error = NULL;

  g_assert_false (run (runner, &error));
  g_assert_error (error, SB_SCRIPT_ERROR, SB_SCRIPT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "no capture “user”"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/script/notes-examples", test_notes_examples);
  g_test_add_func ("/script/capture-reuse", test_capture_reuse);
  g_test_add_func ("/script/expect-timeout", test_expect_timeout);
  g_test_add_func ("/script/auto-reply-regex", test_auto_reply_regex);
  g_test_add_func ("/script/exact-mismatch", test_exact_mismatch);
  g_test_add_func ("/script/peer-closed", test_peer_closed);
  g_test_add_func ("/script/udp", test_udp);
  g_test_add_func ("/script/connect-refused", test_connect_refused);
  g_test_add_func ("/script/send-file-and-payload", test_send_file_and_payload);
  g_test_add_func ("/script/single-step", test_single_step);
  g_test_add_func ("/script/cancel", test_cancel);
  g_test_add_func ("/script/missing-capture", test_missing_capture);
  return g_test_run ();
}
