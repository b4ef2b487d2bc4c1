/* sb-cli-plan.c — sockbench-cli's command line as a list of steps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "sb-cli-plan.h"
#include "sb-payload.h"
#include "sb-cli-session.h"
#include "sb-cli-capture.h"

G_DEFINE_QUARK (sb-cli-error-quark, sb_cli_error)

/* The largest payload of one UDP datagram (65535 minus the headers). */
#define UDP4_MAX_PAYLOAD 65507
#define UDP6_MAX_PAYLOAD 65527
#define MAX_WAIT_MS      (24 * 60 * 60 * 1000)

/* The arguments being walked. */
typedef struct
{
  int          argc;
  char       **argv;
  int          i;        /* the next argv element */
  const char  *name;     /* the option being read, without "=value" */
  const char  *inline_value;  /* "--opt=value": the value, else NULL */
} Walker;

/* What the walk collects before the URL and the family are settled. */
typedef struct
{
  const char *command;
  const char *url;
  gboolean    ipv6;
  gboolean    backlog_set;
} Collected;

static void
step_free (SbCliStep *step)
{
  g_clear_pointer (&step->option, g_free);
  g_clear_pointer (&step->data, g_bytes_unref);
  g_clear_pointer (&step->host, g_free);
  g_free (step);
}

void
sb_cli_plan_free (SbCliPlan *plan)
{
  if (plan == NULL)
    return;
  g_clear_pointer (&plan->steps, g_ptr_array_unref);
  g_free (plan->url);
  g_free (plan->host);
  g_free (plan);
}

const char *
sb_cli_command_to_string (SbCliCommand command)
{
  switch (command)
    {
    case SB_CLI_CONNECT: return "connect";
    case SB_CLI_LISTEN: return "listen";
    case SB_CLI_BIND: return "bind";
    case SB_CLI_SENDTO: return "sendto";
    default: g_assert_not_reached ();
    }
}

char *
sb_cli_dup_usage (void)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, _("Usage:\n"
                               "  %s connect tcp://HOST:PORT [STEP…]\n"
                               "  %s listen  tcp://ADDR:PORT [--backlog N] [STEP…]\n"
                               "  %s bind    udp://ADDR:PORT [STEP…]\n"
                               "  %s sendto  udp://HOST:PORT --send TEXT [STEP…]\n"),
                          "sockbench-cli", "sockbench-cli", "sockbench-cli", "sockbench-cli");
  g_string_append (s, sb_cli_capture_usage ());
  g_string_append (s, sb_cli_session_usage ());
  g_string_append (s, _("\n"
                        "A headless socket workbench. The steps run in the order they are\n"
                        "written, like the lines of a Python script. connect runs them on\n"
                        "the connection; listen binds, listens, accepts one connection and\n"
                        "runs them on it; bind runs them on a bound UDP socket; sendto runs\n"
                        "them on an unbound UDP socket whose --send goes to the URL.\n"
                        "\n"
                        "Addresses: tcp://HOST:PORT, udp://HOST:PORT; tcp6:// and udp6:// (or\n"
                        "[IPV6] in brackets, e.g. tcp://[::1]:5000) make an IPv6 socket. connect\n"
                        "and sendto resolve host names; listen and bind take addresses only.\n"
                        "\n"
                        "Steps:\n"
                        "  --send TEXT             sendall() TEXT; escapes \\n \\r \\t \\0 \\xHH \\\\\n"
                        "  --send-hex HEX          sendall() bytes written in hex (\"68 65 6c\")\n"
                        "  --send-file PATH        sendall() the contents of a file\n"
                        "  --sendto URL TEXT       UDP: send TEXT as one datagram to URL\n"
                        "  --recv N|all            one recv(N), or read until the peer closes\n"
                        "  --recvfrom N            one recvfrom(N); the sender is shown on stderr\n"
                        "  --shutdown [read|write|both]  shutdown() (default: write)\n"
                        "  --timeout MS|none       settimeout() for the steps that follow; before\n"
                        "                          the first step it also bounds connect/accept\n"
                        "  --wait MS               pause for MS milliseconds\n"
                        "On a UDP socket from bind, --send replies to the last sender.\n"
                        "\n"
                        "Options:\n"
                        "  --backlog N             listen(N) (default 128)\n"
                        "  --nodelay               set TCP_NODELAY\n"
                        "  --reuseaddr             set SO_REUSEADDR before binding\n"
                        "  --ipv6                  use IPv6 (e.g. for host names)\n"
                        "  --hex                   show received bytes as a hex dump\n"
                        "  -q, --quiet             no status lines on stderr\n"
                        "  -h, --help              show this help\n"
                        "  --version               show the version\n"
                        "\n"
                        "Received bytes go to stdout as they are; status lines and errors go to\n"
                        "stderr. Every argument is checked before any socket is opened.\n"
                        "\n"
                        "Exit status: 0 success, 1 timed out, 2 bad usage or input,\n"
                        "3 network error (refused, unreachable, reset, bind failed…).\n"
                        "\n"
                        "Examples:\n"
                        "  sockbench-cli listen tcp://0.0.0.0:5000 --backlog 2 --send 'Hello client'\n"
                        "  sockbench-cli connect tcp://127.0.0.1:5000 --recv 1024 --send 'Hello server'\n"
                        "  sockbench-cli connect tcp://example.com:80 --send 'HEAD / HTTP/1.0\\r\\n\\r\\n' --recv all\n"
                        "  sockbench-cli bind udp://127.0.0.1:5555 --timeout 2000 --recvfrom 1024 --send pong\n"
                        "  sockbench-cli sendto udp://127.0.0.1:5555 --send ping --timeout 1000 --recv 1024\n"));
  return g_string_free (s, FALSE);
}

static gboolean
usage_error (GError    **error,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static gboolean
usage_error (GError    **error,
             const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, SB_CLI_ERROR, SB_CLI_ERROR_USAGE, message);
  return FALSE;
}

/* ---- walking argv ------------------------------------------------------------ */

/* The value of the current option: "--opt=value" or the next argument. */
static gboolean
take_value (Walker      *w,
            const char  *what,
            const char **out,
            GError     **error)
{
  if (w->inline_value != NULL)
    {
      *out = w->inline_value;
      w->inline_value = NULL;
      return TRUE;
    }
  if (w->i >= w->argc)
    return usage_error (error, _("%s needs %s"), w->name, what);
  *out = w->argv[w->i++];
  return TRUE;
}

static gboolean
parse_uint (const char *option,
            const char *text,
            guint64     min,
            guint64     max,
            guint64    *out,
            GError    **error)
{
  if (!g_ascii_string_to_unsigned (text, 10, min, max, out, NULL))
    return usage_error (error, _("%s: “%s” is not a whole number from %llu to %llu"),
                        option, text, (unsigned long long) min, (unsigned long long) max);
  return TRUE;
}

static SbCliStep *
add_step (GPtrArray    *steps,
          SbCliStepKind kind,
          const char   *name,
          const char   *value)
{
  SbCliStep *step = g_new0 (SbCliStep, 1);

  step->kind = kind;
  step->option = value != NULL ? g_strdup_printf ("%s %s", name, value) : g_strdup (name);
  g_ptr_array_add (steps, step);
  return step;
}

/* "tcp://HOST:PORT" and friends. @stream_default applies without a scheme. */
static gboolean
parse_url (const char   *option,
           const char   *url,
           gboolean      stream_default,
           SbSocketType *out_type,
           gboolean     *out_ipv6,
           char        **out_host,
           guint        *out_port,
           GError      **error)
{
  static const struct { const char *prefix; SbSocketType type; gboolean ipv6; } schemes[] = {
    { "tcp://", SB_SOCKET_STREAM, FALSE },
    { "tcp4://", SB_SOCKET_STREAM, FALSE },
    { "tcp6://", SB_SOCKET_STREAM, TRUE },
    { "udp://", SB_SOCKET_DATAGRAM, FALSE },
    { "udp4://", SB_SOCKET_DATAGRAM, FALSE },
    { "udp6://", SB_SOCKET_DATAGRAM, TRUE },
  };
  const char *rest = url;
  g_autoptr(GError) local = NULL;

  *out_type = stream_default ? SB_SOCKET_STREAM : SB_SOCKET_DATAGRAM;
  *out_ipv6 = FALSE;

  if (strstr (url, "://") != NULL)
    {
      gsize i;

      for (i = 0; i < G_N_ELEMENTS (schemes); i++)
        if (g_ascii_strncasecmp (url, schemes[i].prefix, strlen (schemes[i].prefix)) == 0)
          break;
      if (i == G_N_ELEMENTS (schemes))
        return usage_error (error, _("%s: “%s” is not a socket URL: write tcp://HOST:PORT or udp://HOST:PORT"),
                            option, url);
      *out_type = schemes[i].type;
      *out_ipv6 = schemes[i].ipv6;
      rest = url + strlen (schemes[i].prefix);
    }

  if (!sb_address_split (rest, out_host, out_port, &local))
    return usage_error (error, "%s: %s", option, local->message);
  if (strchr (*out_host, ':') != NULL)
    *out_ipv6 = TRUE;
  return TRUE;
}

/* A name GResolver might know, as opposed to a mistyped address. */
static gboolean
looks_like_host_name (const char *host)
{
  gboolean has_letter = FALSE;

  if (*host == '\0' || *host == '-' || *host == '.' || strlen (host) > 253)
    return FALSE;
  for (const char *p = host; *p != '\0'; p++)
    {
      guchar c = *p;

      if (g_ascii_isalpha (c) || c >= 0x80)
        has_letter = TRUE;
      else if (!g_ascii_isdigit (c) && c != '-' && c != '.' && c != '_')
        return FALSE;
    }
  /* "1.2.3.400" is a bad address, not a name */
  return has_letter;
}

/* Check @host as early as we can: literals fully, names by their spelling. */
static gboolean
check_host (const char *option,
            const char *host,
            guint       port,
            SbFamily    family,
            gboolean    names_allowed,
            GError    **error)
{
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) local = NULL;

  address = sb_address_parse (host, port, family, &local);
  if (address != NULL)
    return TRUE;
  if (names_allowed && strchr (host, ':') == NULL && looks_like_host_name (host)
      && g_hostname_is_ip_address (host) == FALSE)
    return TRUE;
  if (!names_allowed && looks_like_host_name (host))
    return usage_error (error, _("%s: “%s” is not an IP address; this command binds, so give an "
                                 "address of this machine (e.g. 0.0.0.0, 127.0.0.1 or [::])"),
                        option, host);
  return usage_error (error, "%s: %s", option, local->message);
}

static gboolean
walk (Walker     *w,
      SbCliPlan  *plan,
      Collected  *c,
      GError    **error)
{
  while (w->i < w->argc)
    {
      const char *arg = w->argv[w->i++];
      g_autofree char *name = NULL;
      const char *value = NULL;
      const char *eq;

      if (arg[0] != '-' || arg[1] == '\0')
        {
          if (c->command == NULL)
            c->command = arg;
          else if (c->url == NULL)
            c->url = arg;
          else
            return usage_error (error, _("Unexpected argument “%s”: steps start with --, e.g. --send TEXT"),
                                arg);
          continue;
        }

      eq = g_str_has_prefix (arg, "--") ? strchr (arg, '=') : NULL;
      name = eq != NULL ? g_strndup (arg, eq - arg) : g_strdup (arg);
      w->name = name;
      w->inline_value = eq != NULL ? eq + 1 : NULL;

      if (g_str_equal (name, "-h") || g_str_equal (name, "--help"))
        plan->show_help = TRUE;
      else if (g_str_equal (name, "--version"))
        plan->show_version = TRUE;
      else if (g_str_equal (name, "-q") || g_str_equal (name, "--quiet"))
        plan->quiet = TRUE;
      else if (g_str_equal (name, "--hex"))
        plan->hex = TRUE;
      else if (g_str_equal (name, "--nodelay"))
        plan->nodelay = TRUE;
      else if (g_str_equal (name, "--reuseaddr"))
        plan->reuseaddr = TRUE;
      else if (g_str_equal (name, "--ipv6") || g_str_equal (name, "-6"))
        c->ipv6 = TRUE;
      else if (g_str_equal (name, "--backlog"))
        {
          guint64 n;

          if (!take_value (w, _("a number"), &value, error)
              || !parse_uint (name, value, 0, G_MAXINT, &n, error))
            return FALSE;
          plan->backlog = (int) n;
          c->backlog_set = TRUE;
        }
      else if (g_str_equal (name, "--timeout"))
        {
          SbCliStep *step;
          guint64 n = 0;

          if (!take_value (w, _("milliseconds or “none”"), &value, error))
            return FALSE;
          if (g_ascii_strcasecmp (value, "none") != 0
              && !parse_uint (name, value, 0, G_MAXINT, &n, error))
            return FALSE;
          step = add_step (plan->steps, SB_CLI_STEP_TIMEOUT, name, value);
          step->ms = g_ascii_strcasecmp (value, "none") == 0 ? SB_TIMEOUT_NONE : (int) n;
        }
      else if (g_str_equal (name, "--wait"))
        {
          guint64 n;

          if (!take_value (w, _("milliseconds"), &value, error)
              || !parse_uint (name, value, 0, MAX_WAIT_MS, &n, error))
            return FALSE;
          add_step (plan->steps, SB_CLI_STEP_WAIT, name, value)->ms = (int) n;
        }
      else if (g_str_equal (name, "--send") || g_str_equal (name, "--send-hex"))
        {
          gboolean hex = g_str_equal (name, "--send-hex");
          g_autoptr(GBytes) data = NULL;

          if (!take_value (w, hex ? _("hex digits") : _("a text"), &value, error))
            return FALSE;
          data = hex ? sb_payload_parse_hex (value, -1, NULL, error)
                     : sb_payload_parse_text (value, -1, NULL, error);
          if (data == NULL)
            {
              g_prefix_error (error, "%s: ", name);
              return FALSE;
            }
          add_step (plan->steps, SB_CLI_STEP_SEND, name, value)->data = g_steal_pointer (&data);
        }
      else if (g_str_equal (name, "--send-file"))
        {
          g_autoptr(GMappedFile) file = NULL;

          if (!take_value (w, _("a file name"), &value, error))
            return FALSE;
          file = g_mapped_file_new (value, FALSE, error);
          if (file == NULL)
            {
              g_prefix_error (error, "%s: ", name);
              return FALSE;
            }
          add_step (plan->steps, SB_CLI_STEP_SEND, name, value)->data = g_mapped_file_get_bytes (file);
        }
      else if (g_str_equal (name, "--sendto"))
        {
          const char *url, *text;
          g_autoptr(GBytes) data = NULL;
          g_autofree char *host = NULL;
          SbCliStep *step;
          SbSocketType type;
          gboolean ipv6;
          guint port;

          if (!take_value (w, _("a URL and a text"), &url, error)
              || !take_value (w, _("a text after the URL"), &text, error))
            return FALSE;
          if (!parse_url (name, url, FALSE, &type, &ipv6, &host, &port, error))
            return FALSE;
          if (type != SB_SOCKET_DATAGRAM)
            return usage_error (error, _("%s: “%s” is not a udp:// URL; sendto sends datagrams"),
                                name, url);
          data = sb_payload_parse_text (text, -1, NULL, error);
          if (data == NULL)
            {
              g_prefix_error (error, "%s: ", name);
              return FALSE;
            }
          step = add_step (plan->steps, SB_CLI_STEP_SENDTO, name, url);
          step->data = g_steal_pointer (&data);
          step->host = g_steal_pointer (&host);
          step->port = port;
        }
      else if (g_str_equal (name, "--recv") || g_str_equal (name, "--recvfrom"))
        {
          gboolean from = g_str_equal (name, "--recvfrom");
          guint64 n;

          if (!take_value (w, from ? _("a buffer size") : _("a buffer size or “all”"), &value, error))
            return FALSE;
          if (!from && g_ascii_strcasecmp (value, "all") == 0)
            {
              add_step (plan->steps, SB_CLI_STEP_RECV_ALL, name, value)->size = SB_CLI_RECV_ALL_SIZE;
              continue;
            }
          if (!parse_uint (name, value, 1, SB_CLI_MAX_RECV, &n, error))
            return FALSE;
          add_step (plan->steps, from ? SB_CLI_STEP_RECVFROM : SB_CLI_STEP_RECV, name, value)->size = n;
        }
      else if (g_str_equal (name, "--shutdown"))
        {
          static const char *hows[] = { "read", "write", "both" };
          const char *next = w->inline_value;
          SbShutdownHow how = SB_SHUTDOWN_WRITE;
          gsize k;

          if (next == NULL && w->i < w->argc)
            next = w->argv[w->i];
          for (k = 0; next != NULL && k < G_N_ELEMENTS (hows); k++)
            if (g_str_equal (next, hows[k]))
              break;
          if (next != NULL && k < G_N_ELEMENTS (hows))
            {
              how = (SbShutdownHow) k;
              if (w->inline_value == NULL)
                w->i++;
              w->inline_value = NULL;
            }
          else if (w->inline_value != NULL)
            return usage_error (error, _("%s: “%s” is not read, write or both"), name, w->inline_value);
          add_step (plan->steps, SB_CLI_STEP_SHUTDOWN, name,
                    how == SB_SHUTDOWN_WRITE ? NULL : hows[how])->how = how;
        }
      else
        return usage_error (error, _("Unknown option “%s”; see --help"), name);

      if (w->inline_value != NULL)
        return usage_error (error, _("%s takes no value"), name);
    }
  return TRUE;
}

/* ---- checking the steps --------------------------------------------------------- */

/* Walk the steps as the socket will, so that a bad order is refused now
 * rather than after half of the conversation. */
static gboolean
check_steps (SbCliPlan *plan,
             GError   **error)
{
  gboolean datagram = plan->type == SB_SOCKET_DATAGRAM;
  gboolean connected = plan->command == SB_CLI_CONNECT || plan->command == SB_CLI_LISTEN;
  gboolean has_destination = plan->command == SB_CLI_SENDTO;
  gboolean bound = plan->command != SB_CLI_SENDTO;
  gboolean read_shut = FALSE, write_shut = FALSE;
  gsize max_datagram = plan->family == SB_FAMILY_IPV6 ? UDP6_MAX_PAYLOAD : UDP4_MAX_PAYLOAD;

  for (guint i = 0; i < plan->steps->len; i++)
    {
      SbCliStep *step = g_ptr_array_index (plan->steps, i);

      switch (step->kind)
        {
        case SB_CLI_STEP_SEND:
        case SB_CLI_STEP_SENDTO:
          if (write_shut)
            return usage_error (error, _("%s comes after the sending side was shut down"),
                                step->option);
          if (step->kind == SB_CLI_STEP_SENDTO && !datagram)
            return usage_error (error, _("%s: sendto is for UDP; a TCP socket sends to its peer with --send"),
                                step->option);
          if (step->kind == SB_CLI_STEP_SEND && datagram && !connected && !has_destination)
            return usage_error (error, _("%s: this UDP socket has no destination yet; --send replies to the "
                                         "sender of the last datagram, so put --recvfrom before it, or use "
                                         "--sendto URL TEXT"),
                                step->option);
          if (datagram && g_bytes_get_size (step->data) > max_datagram)
            return usage_error (error, _("%s: %zu bytes do not fit in one UDP datagram "
                                         "(at most %zu)"),
                                step->option, g_bytes_get_size (step->data), max_datagram);
          if (step->kind == SB_CLI_STEP_SENDTO
              && !check_host (step->option, step->host, step->port, plan->family, TRUE, error))
            return FALSE;
          bound = TRUE;
          break;

        case SB_CLI_STEP_RECV:
        case SB_CLI_STEP_RECVFROM:
        case SB_CLI_STEP_RECV_ALL:
          if (read_shut)
            return usage_error (error, _("%s comes after the receiving side was shut down"),
                                step->option);
          if (step->kind == SB_CLI_STEP_RECV_ALL && datagram)
            return usage_error (error, _("%s reads a stream until the peer closes it; UDP has no end of "
                                         "stream: use --recvfrom N"),
                                step->option);
          if (!bound)
            return usage_error (error, _("%s: the socket has no port yet to receive on; send something "
                                         "first, or use bind"),
                                step->option);
          if (datagram)
            has_destination = TRUE;
          break;

        case SB_CLI_STEP_SHUTDOWN:
          if (!connected)
            return usage_error (error, _("%s needs a connection: use it with connect or listen"),
                                step->option);
          if (read_shut && write_shut)
            return usage_error (error, _("%s: both sides are already shut down"), step->option);
          read_shut |= step->how != SB_SHUTDOWN_WRITE;
          write_shut |= step->how != SB_SHUTDOWN_READ;
          break;

        case SB_CLI_STEP_OPEN:
        case SB_CLI_STEP_TIMEOUT:
        case SB_CLI_STEP_WAIT:
          break;

        default:
          g_assert_not_reached ();
        }
    }
  return TRUE;
}

static gboolean
settle (SbCliPlan *plan,
        Collected *c,
        GError   **error)
{
  static const char *commands[] = { "connect", "listen", "bind", "sendto" };
  gboolean ipv6 = FALSE;
  gsize k;
  guint open_at;

  if (c->command == NULL)
    return usage_error (error, _("No command given: use connect, listen, bind or sendto (see --help)"));
  for (k = 0; k < G_N_ELEMENTS (commands); k++)
    if (g_str_equal (c->command, commands[k]))
      break;
  if (k == G_N_ELEMENTS (commands))
    return usage_error (error, _("Unknown command “%s”: use connect, listen, bind or sendto"),
                        c->command);
  plan->command = (SbCliCommand) k;

  if (c->url == NULL)
    return usage_error (error, _("%s needs an address, e.g. %s"), c->command,
                        plan->command == SB_CLI_CONNECT || plan->command == SB_CLI_LISTEN
                        ? "tcp://127.0.0.1:5000" : "udp://127.0.0.1:5000");
  plan->url = g_strdup (c->url);
  if (!parse_url (c->command, c->url,
                  plan->command == SB_CLI_CONNECT || plan->command == SB_CLI_LISTEN,
                  &plan->type, &ipv6, &plan->host, &plan->port, error))
    return FALSE;
  plan->family = ipv6 || c->ipv6 ? SB_FAMILY_IPV6 : SB_FAMILY_IPV4;

  if (plan->command == SB_CLI_LISTEN && plan->type != SB_SOCKET_STREAM)
    return usage_error (error, _("listen is for TCP: a UDP socket receives without it; use bind %s"),
                        c->url);
  if (plan->command == SB_CLI_BIND && plan->type != SB_SOCKET_DATAGRAM)
    return usage_error (error, _("bind is for UDP; a TCP server uses listen %s"), c->url);
  if (plan->command == SB_CLI_SENDTO && plan->type != SB_SOCKET_DATAGRAM)
    return usage_error (error, _("sendto is for UDP; a TCP client uses connect %s"), c->url);
  if (c->backlog_set && plan->command != SB_CLI_LISTEN)
    return usage_error (error, _("--backlog goes with listen"));
  if (plan->nodelay && plan->type != SB_SOCKET_STREAM)
    return usage_error (error, _("--nodelay is a TCP option"));
  if ((plan->command == SB_CLI_CONNECT || plan->command == SB_CLI_SENDTO) && plan->port == 0)
    return usage_error (error, _("%s: port 0 cannot be a destination"), c->url);
  if (!check_host (c->command, plan->host, plan->port, plan->family,
                   plan->command == SB_CLI_CONNECT || plan->command == SB_CLI_SENDTO, error))
    return FALSE;

  /* The command's own step goes before the first real one, so that a leading
   * --timeout also bounds connect and accept. */
  for (open_at = 0; open_at < plan->steps->len; open_at++)
    if (((SbCliStep *) g_ptr_array_index (plan->steps, open_at))->kind != SB_CLI_STEP_TIMEOUT)
      break;
  {
    SbCliStep *open = g_new0 (SbCliStep, 1);

    open->kind = SB_CLI_STEP_OPEN;
    open->option = g_strdup_printf ("%s %s", c->command, c->url);
    g_ptr_array_insert (plan->steps, open_at, open);
  }

  return check_steps (plan, error);
}

SbCliPlan *
sb_cli_plan_parse (int      argc,
                   char   **argv,
                   GError **error)
{
  g_autoptr(SbCliPlan) plan = g_new0 (SbCliPlan, 1);
  Walker w = { argc, argv, 1, NULL, NULL };
  Collected c = { NULL, };

  g_return_val_if_fail (argc >= 1 && argv != NULL, NULL);

  plan->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) step_free);
  plan->backlog = SB_CLI_DEFAULT_BACKLOG;

  if (!walk (&w, plan, &c, error))
    {
      /* --help wins over a mistake after it: the user is asking how */
      if (plan->show_help || plan->show_version)
        {
          g_clear_error (error);
          return g_steal_pointer (&plan);
        }
      return NULL;
    }
  if (plan->show_help || plan->show_version)
    return g_steal_pointer (&plan);
  if (!settle (plan, &c, error))
    return NULL;
  return g_steal_pointer (&plan);
}
