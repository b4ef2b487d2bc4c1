/* test-cli-plan.c — sockbench-cli's argv walker: order, checks, exit statuses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sb-cli-plan.h"
#include "sb-cli-runner.h"

/* Parse a NULL-terminated list of arguments (without the program name). */
static SbCliPlan *
parse_v (GError    **error,
         const char *first,
         va_list     args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (char *) "sockbench-cli");
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) a);
  g_ptr_array_add (argv, NULL);
  return sb_cli_plan_parse (argv->len - 1, (char **) argv->pdata, error);
}

static SbCliPlan *
parse (const char *first,
       ...) G_GNUC_NULL_TERMINATED;

static SbCliPlan *
parse (const char *first,
       ...)
{
  g_autoptr(GError) error = NULL;
  SbCliPlan *plan;
  va_list args;

  va_start (args, first);
  plan = parse_v (&error, first, args);
  va_end (args);
  g_assert_no_error (error);
  g_assert_nonnull (plan);
  return plan;
}

/* Assert that the arguments are refused with exit status 2 and a message
 * containing @needle. */
static void
assert_refused (const char *needle,
                const char *first,
                ...) G_GNUC_NULL_TERMINATED;

static void
assert_refused (const char *needle,
                const char *first,
                ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SbCliPlan) plan = NULL;
  va_list args;

  va_start (args, first);
  plan = parse_v (&error, first, args);
  va_end (args);
  g_assert_null (plan);
  g_assert_nonnull (error);
  if (strstr (error->message, needle) == NULL)
    g_error ("“%s” does not contain “%s”", error->message, needle);
  g_assert_cmpint (sb_cli_exit_for_error (error), ==, SB_CLI_EXIT_USAGE);
}

static SbCliStep *
step (SbCliPlan *plan,
      guint      i)
{
  g_assert_cmpuint (i, <, plan->steps->len);
  return g_ptr_array_index (plan->steps, i);
}

static void
test_order_kept (void)
{
  g_autoptr(SbCliPlan) plan = parse ("connect", "tcp://127.0.0.1:5000", "--recv", "1024",
                                     "--send", "Hello server", "--shutdown", "--recv", "all", NULL);

  g_assert_cmpint (plan->command, ==, SB_CLI_CONNECT);
  g_assert_cmpint (plan->type, ==, SB_SOCKET_STREAM);
  g_assert_cmpint (plan->family, ==, SB_FAMILY_IPV4);
  g_assert_cmpstr (plan->host, ==, "127.0.0.1");
  g_assert_cmpuint (plan->port, ==, 5000);
  g_assert_cmpuint (plan->steps->len, ==, 5);
  g_assert_cmpint (step (plan, 0)->kind, ==, SB_CLI_STEP_OPEN);
  g_assert_cmpint (step (plan, 1)->kind, ==, SB_CLI_STEP_RECV);
  g_assert_cmpuint (step (plan, 1)->size, ==, 1024);
  g_assert_cmpint (step (plan, 2)->kind, ==, SB_CLI_STEP_SEND);
  g_assert_cmpmem (g_bytes_get_data (step (plan, 2)->data, NULL), g_bytes_get_size (step (plan, 2)->data),
                   "Hello server", 12);
  g_assert_cmpint (step (plan, 3)->kind, ==, SB_CLI_STEP_SHUTDOWN);
  g_assert_cmpint (step (plan, 3)->how, ==, SB_SHUTDOWN_WRITE);
  g_assert_cmpint (step (plan, 4)->kind, ==, SB_CLI_STEP_RECV_ALL);
  g_assert_cmpstr (step (plan, 4)->option, ==, "--recv all");
}

static void
test_leading_timeout_bounds_open (void)
{
  g_autoptr(SbCliPlan) plan = parse ("listen", "tcp://0.0.0.0:5000", "--timeout", "500",
                                     "--backlog", "2", "--send", "hi", "--timeout", "none",
                                     "--recv", "1", NULL);

  g_assert_cmpint (plan->backlog, ==, 2);
  g_assert_cmpint (step (plan, 0)->kind, ==, SB_CLI_STEP_TIMEOUT);
  g_assert_cmpint (step (plan, 0)->ms, ==, 500);
  g_assert_cmpint (step (plan, 1)->kind, ==, SB_CLI_STEP_OPEN);
  g_assert_cmpint (step (plan, 2)->kind, ==, SB_CLI_STEP_SEND);
  g_assert_cmpint (step (plan, 3)->kind, ==, SB_CLI_STEP_TIMEOUT);
  g_assert_cmpint (step (plan, 3)->ms, ==, SB_TIMEOUT_NONE);
}

static void
test_values (void)
{
  g_autoptr(SbCliPlan) plan2 = parse ("-q", "bind", "udp://[::1]:0", "--hex", "--recvfrom=16",
                                      "--send-hex", "0x68:0x69", "--sendto", "udp6://localhost:9",
                                      "a\\tb", NULL);

  g_assert_true (plan2->quiet);
  g_assert_true (plan2->hex);
  g_assert_cmpint (plan2->family, ==, SB_FAMILY_IPV6);
  g_assert_cmpint (plan2->type, ==, SB_SOCKET_DATAGRAM);
  g_assert_cmpstr (plan2->host, ==, "::1");
  g_assert_cmpuint (step (plan2, 1)->size, ==, 16);
  g_assert_cmpmem (g_bytes_get_data (step (plan2, 2)->data, NULL), 2, "hi", 2);
  g_assert_cmpint (step (plan2, 3)->kind, ==, SB_CLI_STEP_SENDTO);
  g_assert_cmpstr (step (plan2, 3)->host, ==, "localhost");
  g_assert_cmpuint (step (plan2, 3)->port, ==, 9);
  g_assert_cmpmem (g_bytes_get_data (step (plan2, 3)->data, NULL), 3, "a\tb", 3);
}

static void
test_shutdown_argument_optional (void)
{
  g_autoptr(SbCliPlan) plan = parse ("connect", "tcp://h.example:1", "--shutdown", "read",
                                     "--shutdown", "--wait", "5", NULL);

  /* a host name is fine for connect; "read" was taken, "--wait" was not */
  g_assert_cmpstr (plan->host, ==, "h.example");
  g_assert_cmpint (step (plan, 1)->how, ==, SB_SHUTDOWN_READ);
  g_assert_cmpint (step (plan, 2)->how, ==, SB_SHUTDOWN_WRITE);
  g_assert_cmpint (step (plan, 3)->kind, ==, SB_CLI_STEP_WAIT);
  g_assert_cmpint (step (plan, 3)->ms, ==, 5);
}

static void
test_default_schemes (void)
{
  g_autoptr(SbCliPlan) c = parse ("connect", "127.0.0.1:80", NULL);
  g_autoptr(SbCliPlan) s = parse ("sendto", "127.0.0.1:53", "--send", "q", NULL);
  g_autoptr(SbCliPlan) v6 = parse ("connect", "--ipv6", "tcp://localhost:80", NULL);

  g_assert_cmpint (c->type, ==, SB_SOCKET_STREAM);
  g_assert_cmpint (s->type, ==, SB_SOCKET_DATAGRAM);
  g_assert_cmpint (v6->family, ==, SB_FAMILY_IPV6);
  g_assert_cmpuint (c->steps->len, ==, 1);
}

static void
test_help_and_version (void)
{
  g_autoptr(SbCliPlan) help = parse ("connect", "--help", NULL);
  g_autoptr(SbCliPlan) version = parse ("--version", NULL);
  g_autofree char *usage = sb_cli_dup_usage ();

  g_assert_true (help->show_help);
  g_assert_true (version->show_version);
  g_assert_nonnull (strstr (usage, "--recvfrom N"));
  g_assert_nonnull (strstr (usage, "Examples:"));
}

static void
test_refused (void)
{
  const char *url = "tcp://127.0.0.1:5000";

  assert_refused ("position 2", "connect", url, "--send-hex", "4g", NULL);
  assert_refused ("not a port", "connect", "tcp://127.0.0.1:70000", NULL);
  assert_refused ("not a socket URL", "connect", "http://127.0.0.1:80", NULL);
  assert_refused ("brackets", "connect", "tcp://::1:80", NULL);
  assert_refused ("not an IP address", "connect", "tcp://1.2.3.400:80", NULL);
  assert_refused ("IPv4 address but the socket is IPv6", "connect", "tcp6://127.0.0.1:80", NULL);
  assert_refused ("not an IP address", "listen", "tcp://example.com:80", NULL);
  assert_refused ("port 0", "connect", "tcp://127.0.0.1:0", NULL);
  assert_refused ("whole number", "connect", url, "--recv", "-1", NULL);
  assert_refused ("whole number", "connect", url, "--wait", "soon", NULL);
  assert_refused ("needs", "connect", url, "--send", NULL);
  assert_refused ("needs", "connect", url, "--sendto", "udp://127.0.0.1:9", NULL);
  assert_refused ("takes no value", "connect", url, "--quiet=1", NULL);
  assert_refused ("Unknown option", "connect", url, "-x", NULL);
  assert_refused ("Unknown command", "open", url, NULL);
  assert_refused ("No command", NULL, NULL);
  assert_refused ("needs an address", "listen", NULL);
  assert_refused ("Unexpected argument", "connect", url, "extra", NULL);
  assert_refused ("listen is for TCP", "listen", "udp://0.0.0.0:1", NULL);
  assert_refused ("bind is for UDP", "bind", url, NULL);
  assert_refused ("sendto is for UDP", "sendto", url, NULL);
  assert_refused ("--backlog goes with listen", "connect", url, "--backlog", "2", NULL);
  assert_refused ("TCP option", "bind", "udp://0.0.0.0:1", "--nodelay", NULL);
  assert_refused ("sending side was shut down", "connect", url, "--shutdown", "both", "--send", "x", NULL);
  assert_refused ("receiving side was shut down", "connect", url, "--shutdown", "read", "--recv", "1", NULL);
  assert_refused ("already shut down", "connect", url, "--shutdown", "both", "--shutdown", NULL);
  assert_refused ("UDP has no end", "bind", "udp://0.0.0.0:1", "--recv", "all", NULL);
  assert_refused ("no destination", "bind", "udp://0.0.0.0:1", "--send", "x", NULL);
  assert_refused ("no port yet", "sendto", "udp://127.0.0.1:9", "--recv", "1", NULL);
  assert_refused ("needs a connection", "sendto", "udp://127.0.0.1:9", "--shutdown", NULL);
  assert_refused ("not a udp:// URL", "bind", "udp://0.0.0.0:1", "--sendto", url, "x", NULL);
  assert_refused ("IPv6 address but the socket is IPv4", "bind", "udp://0.0.0.0:1",
                  "--sendto", "udp://[::1]:9", "x", NULL);
  assert_refused ("read, write or both", "connect", url, "--shutdown=sideways", NULL);
}

static void
test_refused_datagram_too_big (void)
{
  g_autofree char *big = g_strnfill (65508, 'x');

  assert_refused ("one UDP datagram", "sendto", "udp://127.0.0.1:9", "--send", big, NULL);
}

static void
test_exit_statuses (void)
{
  g_autoptr(GError) timeout = g_error_new_literal (SB_SOCKET_ERROR, SB_SOCKET_ERROR_TIMED_OUT, "t");
  g_autoptr(GError) refused = g_error_new_literal (SB_SOCKET_ERROR, SB_SOCKET_ERROR_REFUSED, "r");
  g_autoptr(GError) resolve = g_error_new_literal (SB_SOCKET_ERROR, SB_SOCKET_ERROR_RESOLVE, "n");
  g_autoptr(GError) intr = g_error_new_literal (SB_CLI_ERROR, SB_CLI_ERROR_INTERRUPTED, "i");

  g_assert_cmpint (sb_cli_exit_for_error (timeout), ==, SB_CLI_EXIT_TIMED_OUT);
  g_assert_cmpint (sb_cli_exit_for_error (refused), ==, SB_CLI_EXIT_NETWORK);
  g_assert_cmpint (sb_cli_exit_for_error (resolve), ==, SB_CLI_EXIT_NETWORK);
  g_assert_cmpint (sb_cli_exit_for_error (intr), ==, SB_CLI_EXIT_INTERRUPTED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli-plan/order-kept", test_order_kept);
  g_test_add_func ("/cli-plan/leading-timeout-bounds-open", test_leading_timeout_bounds_open);
  g_test_add_func ("/cli-plan/values", test_values);
  g_test_add_func ("/cli-plan/shutdown-argument-optional", test_shutdown_argument_optional);
  g_test_add_func ("/cli-plan/default-schemes", test_default_schemes);
  g_test_add_func ("/cli-plan/help-and-version", test_help_and_version);
  g_test_add_func ("/cli-plan/refused", test_refused);
  g_test_add_func ("/cli-plan/refused-datagram-too-big", test_refused_datagram_too_big);
  g_test_add_func ("/cli-plan/exit-statuses", test_exit_statuses);

  return g_test_run ();
}
