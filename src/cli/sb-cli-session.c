/* sb-cli-session.c — sockbench-cli run and export-python: session files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>

#include "sb-cli-plan.h"
#include "sb-cli-session.h"
#include "sb-match.h"
#include "sb-payload.h"
#include "sb-python-export.h"
#include "sb-session-runner.h"

gboolean
sb_cli_session_handles (const char *command)
{
  return command != NULL
         && (g_str_equal (command, "run") || g_str_equal (command, "export-python"));
}

const char *
sb_cli_session_usage (void)
{
  return _("  sockbench-cli run FILE.sockbench [--junit FILE] [--json] [--timeout MS]\n"
           "                   [--capture FILE.pcap] [--capture-interface IFACE] [--capture-filter F]\n"
           "  sockbench-cli export-python FILE.sockbench [-o SCRIPT.py]\n");
}

static void
print_error (const char *prefix,
             const char *message)
{
  g_autofree char *copy = g_strdup (message);

  if (g_ascii_isupper (copy[0]) && g_ascii_islower (copy[1]))
    copy[0] = g_ascii_tolower (copy[0]);
  if (prefix != NULL)
    g_printerr ("sockbench-cli: %s: %s\n", prefix, copy);
  else
    g_printerr ("sockbench-cli: %s\n", copy);
}

/* The exit status a step's failure stands for. */
static int
exit_for_failure (const GError *error)
{
  if (error == NULL)
    return SB_CLI_EXIT_OK;
  if (error->domain == SB_SCRIPT_ERROR)
    switch (error->code)
      {
      case SB_SCRIPT_ERROR_TIMED_OUT:
      case SB_SCRIPT_ERROR_MISMATCH:
      case SB_SCRIPT_ERROR_CLOSED:
        return SB_CLI_EXIT_TIMED_OUT;
      case SB_SCRIPT_ERROR_INVALID:
        return SB_CLI_EXIT_USAGE;
      case SB_SCRIPT_ERROR_STOPPED:
        return SB_CLI_EXIT_INTERRUPTED;
      default:
        return SB_CLI_EXIT_NETWORK;
      }
  if (error->domain == SB_CAPTURE_ERROR)
    return SB_CLI_EXIT_NETWORK;
  if (error->domain == SB_SOCKET_ERROR)
    switch (error->code)
      {
      case SB_SOCKET_ERROR_TIMED_OUT:
        return SB_CLI_EXIT_TIMED_OUT;
      case SB_SOCKET_ERROR_INVALID_ARGUMENT:
      case SB_SOCKET_ERROR_INVALID_STATE:
        /* the session asked for something that cannot be: a bad file */
        return SB_CLI_EXIT_USAGE;
      case SB_SOCKET_ERROR_CANCELLED:
        return SB_CLI_EXIT_INTERRUPTED;
      default:
        return SB_CLI_EXIT_NETWORK;
      }
  if (error->domain == SB_MATCH_ERROR || error->domain == SB_PAYLOAD_ERROR
      || error->domain == SB_SESSION_ERROR || error->domain == G_FILE_ERROR)
    return SB_CLI_EXIT_USAGE;
  return SB_CLI_EXIT_NETWORK;
}

static const char *
exit_name (int code)
{
  switch (code)
    {
    case SB_CLI_EXIT_OK: return "passed";
    case SB_CLI_EXIT_TIMED_OUT: return "failed";
    case SB_CLI_EXIT_USAGE: return "bad-file";
    case SB_CLI_EXIT_NETWORK: return "network-error";
    case SB_CLI_EXIT_INTERRUPTED: return "interrupted";
    default: return "error";
    }
}

/* ---- reports ------------------------------------------------------------------ */

typedef struct
{
  const char      *file;
  SbSessionRunner *runner;   /* NULL when the file did not load */
  const GError    *load_error;
  int              exit_code;
  gint64           duration_us;
  guint            total, passed, failed, skipped;
} Report;

static void
count (Report *r)
{
  if (r->runner == NULL)
    return;
  for (guint i = 0; i < sb_session_runner_get_n_scripts (r->runner); i++)
    {
      SbScript *script = sb_session_runner_get_script (r->runner, i);

      for (guint j = 0; j < sb_script_get_n_steps (script); j++)
        {
          r->total++;
          switch (sb_script_get_step_status (script, j))
            {
            case SB_STEP_PASSED: r->passed++; break;
            case SB_STEP_FAILED: r->failed++; break;
            default: r->skipped++; break;
            }
        }
    }
}

/* One line, no control characters (for TAP, XML and titles). */
static char *
one_line (const char *text)
{
  char *copy = g_strdup (text != NULL ? text : "");

  for (char *p = copy; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = ' ';
  return copy;
}

static char *
step_title (SbScript *script,
            guint     index)
{
  g_autofree char *summary = sb_socket_spec_dup_step_summary (sb_script_get_spec (script),
                                                              sb_script_get_step (script, index));
  g_autofree char *title = g_strdup_printf ("%s/%s",
                                            sb_socket_spec_get_name (sb_script_get_spec (script)),
                                            summary);

  return one_line (title);
}

/* TAP: '#' starts a directive, so a description escapes it as \#. */
static void
append_tap_text (GString    *s,
                 const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '#')
        g_string_append_c (s, '\\');
      g_string_append_c (s, *p);
    }
}

static void
print_tap (Report *r)
{
  g_autoptr(GString) s = g_string_new ("TAP version 13\n");
  guint n = 0;

  if (r->runner == NULL)
    {
      g_autofree char *message = one_line (r->load_error->message);

      g_string_append_printf (s, "1..0\nBail out! %s: %s\n", r->file, message);
      fputs (s->str, stdout);
      fflush (stdout);
      return;
    }
  g_string_append_printf (s, "1..%u\n", r->total);
  for (guint i = 0; i < sb_session_runner_get_n_scripts (r->runner); i++)
    {
      SbScript *script = sb_session_runner_get_script (r->runner, i);

      for (guint j = 0; j < sb_script_get_n_steps (script); j++)
        {
          g_autofree char *title = step_title (script, j);
          g_autofree char *detail = one_line (sb_script_get_step_detail (script, j));
          SbStepStatus status = sb_script_get_step_status (script, j);

          g_string_append_printf (s, "%s %u - ", status == SB_STEP_FAILED ? "not ok" : "ok", ++n);
          append_tap_text (s, title);
          if (status == SB_STEP_FAILED)
            {
              g_string_append (s, " # ");
              append_tap_text (s, detail);
            }
          else if (status != SB_STEP_PASSED)
            {
              g_string_append (s, " # SKIP ");
              append_tap_text (s, detail[0] != '\0' ? detail : "not run");
            }
          g_string_append_c (s, '\n');
        }
    }
  g_string_append_printf (s, "# %u passed, %u failed, %u skipped\n", r->passed, r->failed,
                          r->skipped);
  fputs (s->str, stdout);
  fflush (stdout);
}

static void
json_add (JsonBuilder *b,
          const char  *name,
          const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static char *
report_json (Report *r)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  SbScript *failed_script = NULL;
  guint failed_index = 0;

  json_builder_begin_object (b);
  json_add (b, "file", r->file);
  json_add (b, "result", exit_name (r->exit_code));
  json_builder_set_member_name (b, "exit_code");
  json_builder_add_int_value (b, r->exit_code);
  json_builder_set_member_name (b, "duration_us");
  json_builder_add_int_value (b, r->duration_us);
  json_builder_set_member_name (b, "counts");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "total");
  json_builder_add_int_value (b, r->total);
  json_builder_set_member_name (b, "passed");
  json_builder_add_int_value (b, r->passed);
  json_builder_set_member_name (b, "failed");
  json_builder_add_int_value (b, r->failed);
  json_builder_set_member_name (b, "skipped");
  json_builder_add_int_value (b, r->skipped);
  json_builder_end_object (b);

  if (r->load_error != NULL)
    json_add (b, "error", r->load_error->message);
  else if (r->runner != NULL
           && sb_session_runner_get_first_failure (r->runner, &failed_script, &failed_index))
    {
      g_autofree char *title = step_title (failed_script, failed_index);
      g_autofree char *message = g_strdup_printf ("%s: %s", title,
                                                  sb_script_get_step_detail (failed_script,
                                                                             failed_index));
      json_add (b, "error", message);
    }
  else
    json_add (b, "error", NULL);

  json_builder_set_member_name (b, "sockets");
  json_builder_begin_array (b);
  for (guint i = 0; r->runner != NULL && i < sb_session_runner_get_n_scripts (r->runner); i++)
    {
      SbScript *script = sb_session_runner_get_script (r->runner, i);
      const GError *error = sb_script_get_error (script);
      gboolean any_failed = FALSE;

      for (guint j = 0; j < sb_script_get_n_steps (script); j++)
        any_failed |= sb_script_get_step_status (script, j) == SB_STEP_FAILED;

      json_builder_begin_object (b);
      json_add (b, "name", sb_socket_spec_get_name (sb_script_get_spec (script)));
      json_add (b, "result", any_failed ? "failed" : error != NULL ? "stopped" : "passed");
      json_builder_set_member_name (b, "steps");
      json_builder_begin_array (b);
      for (guint j = 0; j < sb_script_get_n_steps (script); j++)
        {
          SbStep *step = sb_script_get_step (script, j);
          g_autofree char *summary = sb_socket_spec_dup_step_summary (sb_script_get_spec (script),
                                                                      step);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "index");
          json_builder_add_int_value (b, j + 1);
          json_add (b, "kind", sb_step_kind_to_string (sb_step_get_kind (step)));
          json_add (b, "summary", summary);
          json_add (b, "status", sb_step_status_to_string (sb_script_get_step_status (script, j)));
          json_add (b, "detail", sb_script_get_step_detail (script, j));
          json_builder_set_member_name (b, "duration_us");
          json_builder_add_int_value (b, sb_script_get_step_duration (script, j));
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  return json_generator_to_data (generator, NULL);
}

/* Text for XML: escaped, and without the control characters XML 1.0 forbids. */
static char *
xml_text (const char *text)
{
  g_autofree char *line = g_strdup (text != NULL ? text : "");

  for (char *p = line; *p != '\0'; p++)
    if ((guchar) *p < 0x20 && *p != '\n' && *p != '\t')
      *p = ' ';
  return g_markup_escape_text (line, -1);
}

static char *
report_junit (Report *r)
{
  GString *s = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  g_autofree char *base = g_path_get_basename (r->file);
  g_autofree char *file = xml_text (r->file);
  guint errors = 0, failures = 0;

  /* expectations are failures; network and file errors are errors */
  if (r->runner != NULL)
    for (guint i = 0; i < sb_session_runner_get_n_scripts (r->runner); i++)
      {
        SbScript *script = sb_session_runner_get_script (r->runner, i);

        for (guint j = 0; j < sb_script_get_n_steps (script); j++)
          if (sb_script_get_step_status (script, j) == SB_STEP_FAILED)
            {
              if (exit_for_failure (sb_script_get_step_error (script, j)) == SB_CLI_EXIT_TIMED_OUT)
                failures++;
              else
                errors++;
            }
      }
  else
    errors = 1;

  g_string_append_printf (s, "<testsuites name=\"%s\" tests=\"%u\" failures=\"%u\" errors=\"%u\" "
                             "skipped=\"%u\" time=\"%.3f\">\n",
                          file, r->runner != NULL ? r->total : 1, failures, errors, r->skipped,
                          r->duration_us / 1e6);
  if (r->runner == NULL)
    {
      g_autofree char *message = xml_text (r->load_error->message);

      g_string_append_printf (s, "  <testsuite name=\"%s\" tests=\"1\" failures=\"0\" errors=\"1\" "
                                 "skipped=\"0\" time=\"0.000\">\n"
                                 "    <testcase classname=\"%s\" name=\"load\" time=\"0.000\">\n"
                                 "      <error message=\"%s\" type=\"%s\">%s</error>\n"
                                 "    </testcase>\n"
                                 "  </testsuite>\n",
                          file, file, message, exit_name (r->exit_code), message);
    }
  for (guint i = 0; r->runner != NULL && i < sb_session_runner_get_n_scripts (r->runner); i++)
    {
      SbScript *script = sb_session_runner_get_script (r->runner, i);
      const char *name = sb_socket_spec_get_name (sb_script_get_spec (script));
      g_autofree char *xname = xml_text (name);
      g_autofree char *classname = NULL;
      g_autofree char *xclass = NULL;
      guint tests = sb_script_get_n_steps (script), f = 0, e = 0, k = 0;
      gint64 time_us = 0;

      classname = g_strdup_printf ("%s.%s", base, name);
      xclass = xml_text (classname);
      for (guint j = 0; j < tests; j++)
        {
          SbStepStatus status = sb_script_get_step_status (script, j);

          time_us += sb_script_get_step_duration (script, j);
          if (status == SB_STEP_FAILED)
            {
              if (exit_for_failure (sb_script_get_step_error (script, j)) == SB_CLI_EXIT_TIMED_OUT)
                f++;
              else
                e++;
            }
          else if (status != SB_STEP_PASSED)
            k++;
        }
      g_string_append_printf (s, "  <testsuite name=\"%s\" tests=\"%u\" failures=\"%u\" "
                                 "errors=\"%u\" skipped=\"%u\" time=\"%.3f\">\n",
                              xname, tests, f, e, k, time_us / 1e6);
      for (guint j = 0; j < tests; j++)
        {
          SbStep *step = sb_script_get_step (script, j);
          g_autofree char *summary = sb_socket_spec_dup_step_summary (sb_script_get_spec (script),
                                                                      step);
          g_autofree char *tname = g_strdup_printf ("%u %s", j + 1, summary);
          g_autofree char *xtname = xml_text (tname);
          g_autofree char *detail = xml_text (sb_script_get_step_detail (script, j));
          SbStepStatus status = sb_script_get_step_status (script, j);

          g_string_append_printf (s, "    <testcase classname=\"%s\" name=\"%s\" time=\"%.3f\"",
                                  xclass, xtname, sb_script_get_step_duration (script, j) / 1e6);
          if (status == SB_STEP_PASSED)
            g_string_append (s, "/>\n");
          else if (status == SB_STEP_FAILED)
            {
              int code = exit_for_failure (sb_script_get_step_error (script, j));
              const char *element = code == SB_CLI_EXIT_TIMED_OUT ? "failure" : "error";

              g_string_append_printf (s, ">\n      <%s message=\"%s\" type=\"%s\">%s</%s>\n"
                                         "    </testcase>\n",
                                      element, detail, exit_name (code), detail, element);
            }
          else
            g_string_append_printf (s, ">\n      <skipped message=\"%s\"/>\n    </testcase>\n",
                                    detail);
        }
      g_string_append (s, "  </testsuite>\n");
    }
  g_string_append (s, "</testsuites>\n");
  return g_string_free (s, FALSE);
}

/* ---- run ------------------------------------------------------------------------- */

/* Live progress: one line on stderr as each step that ran ends, so that a
 * person watching a long run sees where it is. stdout keeps only the report. */
typedef struct
{
  gulong handler;
  guint  running;   /* the running step + 1, 0 when none runs */
} Progress;

static void
progress_step_changed_cb (SbScript *script,
                          guint     index,
                          gpointer  user_data)
{
  Progress *progress = user_data;
  SbStepStatus status = sb_script_get_step_status (script, index);
  SbSocketSpec *spec = sb_script_get_spec (script);
  g_autofree char *summary = NULL;
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;
  g_autofree char *reason = NULL;
  guint n = sb_script_get_n_steps (script);
  long long ms;

  if (status == SB_STEP_RUNNING)
    {
      progress->running = index + 1;
      return;
    }
  /* a step left pending never ran: of the skipped, only the one that was
   * running when the run stopped has ended */
  if (status == SB_STEP_PENDING || (status == SB_STEP_SKIPPED && progress->running != index + 1))
    return;
  progress->running = 0;

  summary = sb_socket_spec_dup_step_summary (spec, sb_script_get_step (script, index));
  name = one_line (sb_socket_spec_get_name (spec));
  title = one_line (summary);
  reason = one_line (sb_script_get_step_detail (script, index));
  ms = (sb_script_get_step_duration (script, index) + 500) / 1000;
  if (status == SB_STEP_PASSED)
    /* TRANSLATORS: a step of “sockbench-cli run” ended: the socket's name, the
     * step's number, the number of steps, the step (such as expect “Hello”)
     * and the milliseconds it took */
    g_printerr (_("sockbench-cli: %s: step %u/%u %s: ok (%lld ms)\n"),
                name, index + 1, n, title, ms);
  else if (status == SB_STEP_FAILED)
    /* TRANSLATORS: as for “ok”; the last %s says why the step failed */
    g_printerr (_("sockbench-cli: %s: step %u/%u %s: failed (%lld ms): %s\n"),
                name, index + 1, n, title, ms, reason);
  else
    /* TRANSLATORS: as for “ok”; the step was running when the run stopped
     * (Ctrl+C, or a step of another socket failed); the last %s says why */
    g_printerr (_("sockbench-cli: %s: step %u/%u %s: stopped (%lld ms): %s\n"),
                name, index + 1, n, title, ms, reason);
}

static Progress *
progress_connect (SbSessionRunner *runner)
{
  guint n = sb_session_runner_get_n_scripts (runner);
  Progress *progress = g_new0 (Progress, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    progress[i].handler = g_signal_connect (sb_session_runner_get_script (runner, i),
                                            "step-changed",
                                            G_CALLBACK (progress_step_changed_cb), &progress[i]);
  return progress;
}

static void
progress_disconnect (SbSessionRunner *runner,
                     Progress        *progress)
{
  if (progress == NULL)
    return;
  for (guint i = 0; i < sb_session_runner_get_n_scripts (runner); i++)
    g_clear_signal_handler (&progress[i].handler, sb_session_runner_get_script (runner, i));
  g_free (progress);
}

typedef struct
{
  GMainLoop       *loop;
  GCancellable    *cancellable;
  gboolean         interrupted;
  gboolean         done;
  GError          *error;
} RunState;

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  RunState *state = user_data;

  sb_session_runner_run_finish (SB_SESSION_RUNNER (object), result, &state->error);
  state->done = TRUE;
  g_main_loop_quit (state->loop);
}

static gboolean
signal_cb (gpointer user_data)
{
  RunState *state = user_data;

  state->interrupted = TRUE;
  g_cancellable_cancel (state->cancellable);
  return G_SOURCE_CONTINUE;
}

static gboolean
parse_timeout (const char *text,
               int        *out,
               GError    **error)
{
  guint64 n;

  if (g_ascii_strcasecmp (text, "none") == 0)
    {
      *out = SB_TIMEOUT_NONE;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT, &n, NULL))
    {
      g_set_error (error, SB_CLI_ERROR, SB_CLI_ERROR_USAGE,
                   _("--timeout: “%s” is not milliseconds (a whole number from 0) or “none”"),
                   text);
      return FALSE;
    }
  *out = (int) n;
  return TRUE;
}

static int
run_main (int    argc,
          char **argv)
{
  g_autofree char *junit = NULL;
  g_autofree char *timeout_text = NULL;
  g_autofree char *capture_output = NULL;
  g_autofree char *capture_iface = NULL;
  g_autofree char *capture_filter = NULL;
  gboolean json = FALSE, quiet = FALSE;
  g_auto(GStrv) files = NULL;
  const GOptionEntry entries[] = {
    { "junit", 0, 0, G_OPTION_ARG_FILENAME, &junit, N_("Also write a JUnit XML report to FILE"),
      N_("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Write one JSON result object instead of TAP"),
      NULL },
    { "timeout", 0, 0, G_OPTION_ARG_STRING, &timeout_text,
      N_("Limit every wait that the session leaves unlimited"), N_("MS") },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("No progress or error lines on stderr"),
      NULL },
    { "capture", 0, 0, G_OPTION_ARG_FILENAME, &capture_output,
      N_("Record the run's traffic to a pcap file (instead of the session's capture output)"),
      N_("FILE.pcap") },
    { "capture-interface", 0, 0, G_OPTION_ARG_STRING, &capture_iface,
      N_("Capture on IFACE (instead of the session's; default “any”)"), N_("IFACE") },
    { "capture-filter", 0, 0, G_OPTION_ARG_STRING, &capture_filter,
      N_("Capture only what the BPF filter F matches (instead of the session's filter)"),
      N_("F") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, N_("FILE.sockbench") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (N_("FILE.sockbench — run a session's "
                                                               "steps and report them"));
  g_autoptr(GError) error = NULL;
  g_autoptr(SbSession) session = NULL;
  g_autoptr(SbSessionRunner) runner = NULL;
  g_autoptr(GFile) file = NULL;
  RunState state = { 0, };
  Report report = { 0, };
  int timeout = SB_TIMEOUT_NONE;
  SbScript *failed_script = NULL;
  guint failed_index = 0;
  Progress *progress = NULL;
  gint64 start;
  guint sigint, sigterm;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Runs every socket of the session at once and reports one test "
                                  "per step: TAP on stdout, or JSON with --json.\n"
                                  "Exit status: 0 all passed, 1 an expectation failed or timed "
                                  "out, 2 a bad file or usage, 3 a network error or a capture "
                                  "that cannot start (no step runs then)."));
  /* argv[1] is "run": parse from it on, as if it were the program */
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      print_error ("run", error->message);
      return SB_CLI_EXIT_USAGE;
    }
  if (files == NULL || files[0] == NULL)
    {
      print_error ("run", _("which session? e.g. sockbench-cli run notes.sockbench"));
      return SB_CLI_EXIT_USAGE;
    }
  if (files[1] != NULL)
    {
      print_error ("run", _("one session file at a time"));
      return SB_CLI_EXIT_USAGE;
    }
  if (timeout_text != NULL && !parse_timeout (timeout_text, &timeout, &error))
    {
      print_error ("run", error->message);
      return SB_CLI_EXIT_USAGE;
    }

  report.file = files[0];
  file = g_file_new_for_commandline_arg (files[0]);
  session = sb_session_new_from_file (file, NULL, &error);
  if (session == NULL)
    {
      if (!quiet)
        print_error (files[0], error->message);
      report.load_error = error;
      report.exit_code = SB_CLI_EXIT_USAGE;
    }
  else
    {
      runner = sb_session_runner_new (session);
      sb_session_runner_set_default_timeout (runner, timeout);
      sb_session_runner_set_capture (runner, capture_output, capture_iface, capture_filter);
      report.runner = runner;
      if ((capture_iface != NULL || capture_filter != NULL)
          && sb_session_runner_get_capture_output (runner) == NULL)
        {
          print_error ("run", _("--capture-interface and --capture-filter need a file to capture "
                                "to: --capture FILE.pcap, or an output in the session"));
          return SB_CLI_EXIT_USAGE;
        }

      state.loop = g_main_loop_new (NULL, FALSE);
      state.cancellable = g_cancellable_new ();
      sigint = g_unix_signal_add (SIGINT, signal_cb, &state);
      sigterm = g_unix_signal_add (SIGTERM, signal_cb, &state);
      if (!quiet)
        progress = progress_connect (runner);
      start = g_get_monotonic_time ();
      sb_session_runner_run_async (runner, state.cancellable, run_done_cb, &state);
      if (!state.done)
        g_main_loop_run (state.loop);
      report.duration_us = g_get_monotonic_time () - start;
      progress_disconnect (runner, g_steal_pointer (&progress));
      g_source_remove (sigint);
      g_source_remove (sigterm);
      g_clear_pointer (&state.loop, g_main_loop_unref);
      g_clear_object (&state.cancellable);

      if (state.error != NULL && state.error->domain == SB_CAPTURE_ERROR)
        {
          /* the capture did not start: no step ran */
          if (!quiet)
            print_error ("--capture", state.error->message);
          report.runner = NULL;
          report.load_error = state.error;
          report.exit_code = SB_CLI_EXIT_NETWORK;
        }
      else if (sb_session_runner_get_capture (runner) != NULL)
        {
          SbCapture *capture = sb_session_runner_get_capture (runner);
          g_autofree char *display =
            g_filename_display_name (sb_session_runner_get_capture_output (runner));

          if (sb_capture_get_error (capture) != NULL && !quiet)
            print_error ("--capture", sb_capture_get_error (capture)->message);
          g_printerr (_("sockbench-cli: captured %llu packets to %s, dropped %llu\n"),
                      (unsigned long long) sb_capture_get_captured (capture), display,
                      (unsigned long long) sb_capture_get_dropped (capture));
        }

      if (sb_session_runner_get_first_failure (runner, &failed_script, &failed_index))
        {
          report.exit_code = exit_for_failure (sb_script_get_step_error (failed_script,
                                                                         failed_index));
          if (!quiet)
            {
              g_autofree char *title = step_title (failed_script, failed_index);

              print_error (title, sb_script_get_step_detail (failed_script, failed_index));
            }
        }
      if (state.interrupted)
        report.exit_code = SB_CLI_EXIT_INTERRUPTED;
    }
  count (&report);

  if (json)
    {
      g_autofree char *text = report_json (&report);

      fputs (text, stdout);
      fputc ('\n', stdout);
      fflush (stdout);
    }
  else
    print_tap (&report);

  if (junit != NULL)
    {
      g_autofree char *xml = report_junit (&report);
      g_autoptr(GError) write_error = NULL;

      if (!g_file_set_contents (junit, xml, -1, &write_error))
        {
          print_error ("--junit", write_error->message);
          if (report.exit_code == SB_CLI_EXIT_OK)
            report.exit_code = SB_CLI_EXIT_USAGE;
        }
    }
  g_clear_error (&state.error);
  return report.exit_code;
}

/* ---- export-python ------------------------------------------------------------ */

static int
export_main (int    argc,
             char **argv)
{
  g_autofree char *output = NULL;
  g_auto(GStrv) files = NULL;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("Write the script to FILE (made executable) instead of stdout"), N_("FILE") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, N_("FILE.sockbench") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (N_("FILE.sockbench — write the "
                                                               "session as a python3 script"));
  g_autoptr(GError) error = NULL;
  g_autoptr(SbSession) session = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *script = NULL;
  g_autofree char *base = NULL;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      print_error ("export-python", error->message);
      return SB_CLI_EXIT_USAGE;
    }
  if (files == NULL || files[0] == NULL || files[1] != NULL)
    {
      print_error ("export-python", _("give one session file, e.g. sockbench-cli export-python "
                                      "notes.sockbench > notes.py"));
      return SB_CLI_EXIT_USAGE;
    }
  file = g_file_new_for_commandline_arg (files[0]);
  session = sb_session_new_from_file (file, NULL, &error);
  if (session == NULL)
    {
      print_error (files[0], error->message);
      return SB_CLI_EXIT_USAGE;
    }
  base = g_path_get_basename (files[0]);
  script = sb_python_export (session, base, &error);
  if (script == NULL)
    {
      print_error (files[0], error->message);
      return SB_CLI_EXIT_USAGE;
    }
  if (output == NULL)
    {
      fputs (script, stdout);
      fflush (stdout);
      return ferror (stdout) ? SB_CLI_EXIT_NETWORK : SB_CLI_EXIT_OK;
    }
  if (!g_file_set_contents (output, script, -1, &error))
    {
      print_error (output, error->message);
      return SB_CLI_EXIT_USAGE;
    }
  if (g_chmod (output, 0755) != 0)
    {
      int errsv = errno;
      print_error (output, g_strerror (errsv));
    }
  return SB_CLI_EXIT_OK;
}

int
sb_cli_session_main (int    argc,
                     char **argv)
{
  g_return_val_if_fail (argc >= 2, SB_CLI_EXIT_USAGE);

  /* the command takes the place of the program name for option parsing */
  if (g_str_equal (argv[1], "run"))
    return run_main (argc - 1, argv + 1);
  return export_main (argc - 1, argv + 1);
}
