/* sb-cli-capture.c — sockbench-cli capture and read
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both run an SbCapture on a GMainLoop; packets are not kept (a long
 * capture must not grow) but printed as they come, from the capture's
 * packet hook. stdout is block-buffered and flushed every 100 ms, so that
 * a flood is not one write() per packet and a pipe still sees lines soon.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib-unix.h>

#include "sb-cli-capture.h"
#include "sb-cli-plan.h"
#include "sb-capture.h"
#include "sb-payload.h"
#include "sb-tcp-flows.h"

#define FLUSH_INTERVAL_MS 100

typedef struct
{
  gboolean     read_file;     /* read, not capture */
  /* options */
  char        *interface;
  char        *filter;
  char        *count_text;
  char        *timeout_text;
  char        *snaplen_text;
  char        *buffer_text;
  char        *write_file;
  gboolean     immediate;
  gboolean     promiscuous;
  gboolean     quiet;
  gboolean     verbose;
  gboolean     hex;
  gboolean     list;
  char       **rest;
  /* parsed */
  guint64      count;
  guint64      timeout_ms;
  guint64      snaplen;
  guint64      buffer_size;
  /* running */
  GMainLoop   *loop;
  SbCapture   *capture;
  SbTcpFlows  *tcp_flows;     /* for relative TCP numbers, as the window shows them */
  gint64       first_ns;
  gboolean     have_first;
  guint64      printed;
  gboolean     timed_out;
  gboolean     interrupted;
} Cli;

const char *
sb_cli_capture_usage (void)
{
  return _("  sockbench-cli capture [-i IFACE] [-f FILTER] [-c COUNT] [--timeout MS]\n"
           "                        [--immediate] [--snaplen N] [--buffer-size BYTES]\n"
           "                        [--promisc] [-w FILE.pcap] [-q] [--hex]\n"
           "  sockbench-cli capture -D                 list the interfaces\n"
           "  sockbench-cli read FILE [-f FILTER] [-c COUNT] [-V] [-q] [--hex]\n");
}

gboolean
sb_cli_capture_handles (const char *command)
{
  return g_strcmp0 (command, "capture") == 0 || g_strcmp0 (command, "read") == 0;
}

static void
print_error (const char *message)
{
  g_autofree char *text = g_strdup (message);

  /* "Cannot …" reads as "sockbench-cli: cannot …", as the other commands say it */
  if (g_ascii_isupper (text[0]) && g_ascii_islower (text[1]))
    text[0] = g_ascii_tolower (text[0]);
  g_printerr ("sockbench-cli: %s\n", text);
}

static int
exit_for_error (const GError *error)
{
  if (error->domain == SB_CAPTURE_ERROR)
    switch (error->code)
      {
      case SB_CAPTURE_ERROR_BAD_FILTER:
      case SB_CAPTURE_ERROR_BAD_FILE:
      case SB_CAPTURE_ERROR_TRUNCATED:
      case SB_CAPTURE_ERROR_INVALID_ARGUMENT:
      case SB_CAPTURE_ERROR_INVALID_STATE:
        return SB_CLI_EXIT_USAGE;
      default:
        return SB_CLI_EXIT_NETWORK;
      }
  if (error->domain == G_OPTION_ERROR)
    return SB_CLI_EXIT_USAGE;
  return SB_CLI_EXIT_NETWORK;
}

static gboolean
parse_number (const char *option,
              const char *text,
              guint64     min,
              guint64     max,
              guint64    *out,
              GError    **error)
{
  if (text == NULL)
    return TRUE;
  if (!g_ascii_string_to_unsigned (text, 10, min, max, out, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("%s: “%s” is not a whole number from %llu to %llu"), option, text,
                   (unsigned long long) min, (unsigned long long) max);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_args (Cli     *cli,
            int      argc,
            char   **argv,
            GError **error)
{
  GOptionEntry capture_entries[] = {
    { "interface", 'i', 0, G_OPTION_ARG_STRING, &cli->interface, N_("Capture on IFACE (default: any)"), N_("IFACE") },
    { "filter", 'f', 0, G_OPTION_ARG_STRING, &cli->filter, N_("A BPF filter, as in tcpdump: “udp and port 5000”"), N_("FILTER") },
    { "count", 'c', 0, G_OPTION_ARG_STRING, &cli->count_text, N_("Stop after COUNT packets"), N_("COUNT") },
    { "timeout", 0, 0, G_OPTION_ARG_STRING, &cli->timeout_text, N_("Stop after MS milliseconds (with -c: exit 1 if fewer came)"), N_("MS") },
    { "immediate", 0, 0, G_OPTION_ARG_NONE, &cli->immediate, N_("Immediate mode: lower latency, more drops under load"), NULL },
    { "snaplen", 's', 0, G_OPTION_ARG_STRING, &cli->snaplen_text, N_("Keep at most N bytes of each packet (default 262144)"), N_("N") },
    { "buffer-size", 'B', 0, G_OPTION_ARG_STRING, &cli->buffer_text, N_("Kernel buffer size in bytes (default 8 MiB; 16 MiB with --immediate)"), N_("BYTES") },
    { "promisc", 0, 0, G_OPTION_ARG_NONE, &cli->promiscuous, N_("Promiscuous mode (needs CAP_NET_ADMIN too)"), NULL },
    { "write", 'w', 0, G_OPTION_ARG_FILENAME, &cli->write_file, N_("Also write the packets to FILE (pcap)"), N_("FILE") },
    { "list-interfaces", 'D', 0, G_OPTION_ARG_NONE, &cli->list, N_("List the interfaces and exit"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &cli->quiet, N_("No packet lines on stdout"), NULL },
    { "hex", 'x', 0, G_OPTION_ARG_NONE, &cli->hex, N_("A hex dump of each packet"), NULL },
    { "verbose", 'V', 0, G_OPTION_ARG_NONE, &cli->verbose, N_("The decoded fields of each packet"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &cli->rest, NULL, NULL },
    { NULL }
  };
  GOptionEntry read_entries[] = {
    { "filter", 'f', 0, G_OPTION_ARG_STRING, &cli->filter, N_("Only the packets this BPF filter takes"), N_("FILTER") },
    { "count", 'c', 0, G_OPTION_ARG_STRING, &cli->count_text, N_("Stop after COUNT packets"), N_("COUNT") },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &cli->quiet, N_("No packet lines, only the count"), NULL },
    { "hex", 'x', 0, G_OPTION_ARG_NONE, &cli->hex, N_("A hex dump of each packet"), NULL },
    { "verbose", 'V', 0, G_OPTION_ARG_NONE, &cli->verbose, N_("The decoded fields of each packet"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &cli->rest, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autofree char *command = g_strdup_printf ("%s", argv[1]);
  g_auto(GStrv) args = NULL;

  cli->read_file = g_str_equal (argv[1], "read");
  context = g_option_context_new (cli->read_file ? _("FILE — print the packets of a pcap or pcapng file")
                                                 : _("[FILTER…] — capture packets live (libpcap)"));
  g_option_context_add_main_entries (context, cli->read_file ? read_entries : capture_entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                cli->read_file
                                ? _("Exit status: 0 done, 2 not a readable pcap or pcapng file (packets\n"
                                    "before a cut-short record are printed first), or a bad filter.")
                                : _("Exit status: 0 done (Ctrl+C ends a capture normally), 1 timed out\n"
                                    "before COUNT packets, 2 bad usage or filter, 3 no permission, no\n"
                                    "such interface, or the capture failed. Live capture needs\n"
                                    "CAP_NET_RAW (root, setcap, or inside “unshare -rn”)."));

  /* "sockbench-cli capture …": parse as if "capture" were the program */
  args = g_new0 (char *, argc);
  args[0] = g_strdup_printf ("sockbench-cli %s", command);
  for (int i = 2; i < argc; i++)
    args[i - 1] = g_strdup (argv[i]);
  if (!g_option_context_parse_strv (context, &args, error))
    return FALSE;

  if (cli->read_file)
    {
      if (cli->rest == NULL || cli->rest[0] == NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, _("read needs a file: sockbench-cli read FILE.pcap"));
          return FALSE;
        }
      if (cli->rest[1] != NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                       _("read takes one file; “%s” is one too many (a filter goes after -f)"), cli->rest[1]);
          return FALSE;
        }
    }
  else if (cli->rest != NULL && cli->rest[0] != NULL)
    {
      /* tcpdump style: the filter as the remaining words */
      if (cli->filter != NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                       _("Give the filter once: -f “%s” and “%s”"), cli->filter, cli->rest[0]);
          return FALSE;
        }
      cli->filter = g_strjoinv (" ", cli->rest);
    }

  return parse_number ("--count", cli->count_text, 1, G_MAXUINT64, &cli->count, error)
         && parse_number ("--timeout", cli->timeout_text, 0, G_MAXINT, &cli->timeout_ms, error)
         && parse_number ("--snaplen", cli->snaplen_text, 1, SB_CAPTURE_DEFAULT_SNAPLEN, &cli->snaplen, error)
         && parse_number ("--buffer-size", cli->buffer_text, 1, G_MAXINT, &cli->buffer_size, error);
}

static void
cli_clear (Cli *cli)
{
  g_free (cli->interface);
  g_free (cli->filter);
  g_free (cli->count_text);
  g_free (cli->timeout_text);
  g_free (cli->snaplen_text);
  g_free (cli->buffer_text);
  g_free (cli->write_file);
  g_strfreev (cli->rest);
  g_clear_object (&cli->capture);
  g_clear_pointer (&cli->tcp_flows, sb_tcp_flows_free);
  g_clear_pointer (&cli->loop, g_main_loop_unref);
}

/* ---- output --------------------------------------------------------------------- */

static void
packet_cb (SbCapture    *capture,
           int           linktype,
           gint64        time_ns,
           const guint8 *data,
           guint32       caplen,
           guint32       len,
           gpointer      user_data)
{
  Cli *cli = user_data;
  SbSummary summary = { 0, };
  SbField *fields = NULL;
  SbTcpContext tcp;
  gboolean have_tcp;

  if (!cli->have_first)
    {
      cli->first_ns = time_ns;
      cli->have_first = TRUE;
    }
  cli->printed++;
  if (cli->quiet)
    return;

  /* every packet, in order, so that each connection's start is known */
  if (cli->tcp_flows == NULL)
    cli->tcp_flows = sb_tcp_flows_new ();
  have_tcp = sb_tcp_flows_get_context (cli->tcp_flows,
                                       sb_tcp_flows_track_frame (cli->tcp_flows, linktype, data, caplen, len),
                                       &tcp);
  sb_decode_full (linktype, data, caplen, len, have_tcp ? &tcp : NULL, &summary,
                  cli->verbose ? &fields : NULL);
  fprintf (stdout, "%" G_GUINT64_FORMAT " %.6f %s → %s %s %u %s\n", cli->printed,
           (time_ns - cli->first_ns) / 1e9,
           summary.source != NULL && *summary.source != '\0' ? summary.source : "-",
           summary.destination != NULL && *summary.destination != '\0' ? summary.destination : "-",
           summary.protocol, len, summary.info);
  if (fields != NULL)
    {
      g_autofree char *dump = sb_field_dump (fields);

      fputs (dump, stdout);
      sb_field_free (fields);
    }
  if (cli->hex)
    {
      g_autofree char *dump = sb_payload_hexdump (data, caplen, 0);

      fputs (dump, stdout);
    }
  sb_summary_clear (&summary);
}

static gboolean
flush_cb (gpointer user_data)
{
  fflush (stdout);
  return G_SOURCE_CONTINUE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  Cli *cli = user_data;

  cli->timed_out = TRUE;
  sb_capture_stop (cli->capture);
  return G_SOURCE_REMOVE;
}

static gboolean
signal_cb (gpointer user_data)
{
  Cli *cli = user_data;

  cli->interrupted = TRUE;
  sb_capture_stop (cli->capture);
  return G_SOURCE_CONTINUE;
}

static void
finished_cb (SbCapture    *capture,
             const GError *error,
             gpointer      user_data)
{
  g_main_loop_quit (((Cli *) user_data)->loop);
}

/* ---- the commands ------------------------------------------------------------------ */

static int
list_interfaces (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = sb_capture_list_interfaces (&error);

  if (list == NULL)
    {
      print_error (error->message);
      return SB_CLI_EXIT_NETWORK;
    }
  for (guint i = 0; i < list->len; i++)
    {
      SbInterface *iface = g_ptr_array_index (list, i);
      g_autoptr(GString) line = g_string_new (NULL);

      g_string_append_printf (line, "%u. %s", i + 1, iface->name);
      if (iface->description != NULL)
        g_string_append_printf (line, " (%s)", iface->description);
      g_string_append_printf (line, " [%s%s%s]",
                              iface->flags & SB_INTERFACE_UP ? "Up" : "Down",
                              iface->flags & SB_INTERFACE_RUNNING ? ", Running" : "",
                              iface->flags & SB_INTERFACE_LOOPBACK ? ", Loopback" : "");
      for (char **a = iface->addresses; a != NULL && *a != NULL; a++)
        g_string_append_printf (line, " %s", *a);
      puts (line->str);
    }
  return SB_CLI_EXIT_OK;
}

static int
run (Cli *cli)
{
  g_autoptr(GError) error = NULL;
  const GError *end_error;
  guint sigint, sigterm, flush, timeout = 0;
  const char *path = cli->read_file ? cli->rest[0] : NULL;
  int status = SB_CLI_EXIT_OK;

  cli->capture = sb_capture_new (NULL);
  sb_capture_set_keep_packets (cli->capture, FALSE);
  sb_capture_set_packet_func (cli->capture, packet_cb, cli, NULL);
  sb_capture_set_filter (cli->capture, cli->filter);
  sb_capture_set_max_packets (cli->capture, cli->count);
  cli->loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (cli->capture, "finished", G_CALLBACK (finished_cb), cli);

  if (cli->read_file)
    {
      if (!sb_capture_open_file (cli->capture, path, &error))
        {
          print_error (error->message);
          return exit_for_error (error);
        }
    }
  else
    {
      const char *iface = cli->interface != NULL ? cli->interface : "any";

      sb_capture_set_interface (cli->capture, iface);
      sb_capture_set_immediate (cli->capture, cli->immediate);
      sb_capture_set_promiscuous (cli->capture, cli->promiscuous);
      if (cli->snaplen > 0)
        sb_capture_set_snaplen (cli->capture, cli->snaplen);
      sb_capture_set_buffer_size (cli->capture, cli->buffer_size);

      /* a bad filter is a usage error, whatever the privileges */
      if (!sb_capture_check_filter (cli->filter, sb_capture_guess_linktype (iface), &error)
          || !sb_capture_start (cli->capture, cli->write_file, &error))
        {
          print_error (error->message);
          return exit_for_error (error);
        }
      g_printerr (_("sockbench-cli: capturing on %s (%s)%s%s%s, snaplen %u%s\n"), iface,
                  sb_linktype_to_string (sb_capture_get_linktype (cli->capture)),
                  cli->filter != NULL ? _(", filter “") : "", cli->filter != NULL ? cli->filter : "",
                  cli->filter != NULL ? "”" : "", sb_capture_get_snaplen (cli->capture),
                  cli->immediate ? _(", immediate mode") : "");
      if (cli->timeout_text != NULL)
        timeout = g_timeout_add (cli->timeout_ms, timeout_cb, cli);
    }

  setvbuf (stdout, NULL, _IOFBF, 64 * 1024);
  flush = g_timeout_add (FLUSH_INTERVAL_MS, flush_cb, NULL);
  sigint = g_unix_signal_add (SIGINT, signal_cb, cli);
  sigterm = g_unix_signal_add (SIGTERM, signal_cb, cli);
  g_main_loop_run (cli->loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_source_remove (flush);
  if (timeout != 0 && !cli->timed_out)
    g_source_remove (timeout);
  fflush (stdout);

  end_error = sb_capture_get_error (cli->capture);
  if (cli->read_file)
    {
      g_autofree char *display = g_filename_display_name (path);

      if (end_error != NULL)
        {
          print_error (end_error->message);
          return exit_for_error (end_error);
        }
      g_printerr (g_dngettext (GETTEXT_PACKAGE, "sockbench-cli: read %llu packet from %s (%s)\n",
                               "sockbench-cli: read %llu packets from %s (%s)\n",
                               sb_capture_get_captured (cli->capture)),
                  (unsigned long long) sb_capture_get_captured (cli->capture), display,
                  sb_linktype_to_string (sb_capture_get_linktype (cli->capture)));
      return SB_CLI_EXIT_OK;
    }

  g_printerr (_("sockbench-cli: captured %llu, dropped by kernel %llu\n"),
              (unsigned long long) sb_capture_get_captured (cli->capture),
              (unsigned long long) sb_capture_get_dropped (cli->capture));
  if (end_error != NULL)
    {
      print_error (end_error->message);
      status = exit_for_error (end_error);
    }
  else if (cli->timed_out && cli->count > 0 && sb_capture_get_captured (cli->capture) < cli->count)
    {
      g_printerr (_("sockbench-cli: timed out after %llu ms with %llu of %llu packets\n"),
                  (unsigned long long) cli->timeout_ms,
                  (unsigned long long) sb_capture_get_captured (cli->capture),
                  (unsigned long long) cli->count);
      status = SB_CLI_EXIT_TIMED_OUT;
    }
  if (cli->write_file != NULL && status != SB_CLI_EXIT_NETWORK)
    {
      g_autofree char *display = g_filename_display_name (cli->write_file);

      g_printerr (_("sockbench-cli: wrote %s\n"), display);
    }
  return status;
}

int
sb_cli_capture_main (int    argc,
                     char **argv)
{
  Cli cli = { 0, };
  g_autoptr(GError) error = NULL;
  int status;

  g_return_val_if_fail (argc >= 2 && sb_cli_capture_handles (argv[1]), SB_CLI_EXIT_USAGE);

  if (!parse_args (&cli, argc, argv, &error))
    {
      print_error (error->message);
      cli_clear (&cli);
      return SB_CLI_EXIT_USAGE;
    }
  if (cli.list)
    status = list_interfaces ();
  else
    status = run (&cli);
  cli_clear (&cli);
  return status;
}
