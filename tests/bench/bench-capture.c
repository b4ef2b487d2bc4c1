/* bench-capture.c — live capture of a UDP flood on lo: Sockbench and tcpdump
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A sender thread floods 127.0.0.1:PORT with UDP datagrams (--payload
 * bytes, default 64) from a connected socket, sendmmsg(2) in batches of
 * 64, as fast as it can (or at --rate pkt/s) for --seconds (default 3). A
 * bound socket on PORT never reads, so nothing answers and the kernel
 * drops at that socket, after the capture tap has seen each packet.
 *
 * The same flood is captured, one capturer at a time (sequentially,
 * interleaved run by run, never both at once: two capturers would share
 * the two CPUs and each other's drops):
 *
 *   S  SbCapture on lo, filter "udp and dst port PORT", the defaults
 *      (TPACKET_V3, immediate mode off, 50 ms block timeout, an 8 MiB
 *      ring), keeping every packet in its SbPacketStore, dispatched on a
 *      GMainLoop in the main thread;
 *   I  the same in immediate mode (--immediate adds this row), whose
 *      default ring is 16 MiB (TPACKET_V2: a frame per packet);
 *   T  tcpdump -i lo -n -w /dev/null udp and dst port PORT (its defaults:
 *      libpcap's 2 MiB ring, 1 s timeout), stopped with SIGINT; its own
 *      closing counts are parsed from stderr.
 *
 * --buffer SIZE gives both the same ring (tcpdump -B).
 *
 * Each row prints what the sender sent and at what rate, what was
 * captured, what the kernel dropped because the capture's ring was full
 * (pcap_stats ps_drop; tcpdump's "dropped by kernel"), what the interface
 * dropped meanwhile (ps_ifdrop; tcpdump's "dropped by interface": on lo,
 * its receive backlog overflowing before any capture saw the packet), and
 * the capturer's CPU time over the flood. On lo every datagram reaches
 * the ring twice (its outgoing copy, which libpcap then skips, too), so
 * both drop counts run at about twice the datagrams lost. Needs
 * CAP_NET_RAW (root); exits 77 (skip) without it. --no-store measures
 * the engine without its packet store.
 * docs/benchmarks.md ("Capture") has the figures.
 */
#include "config.h"

#include <signal.h>
#include <time.h>
#include <sys/resource.h>
#include <pcap/pcap.h>

#include "sb-capture.h"
#include "bench-util.h"

#define BATCH        64
#define SETTLE_S_MS  300     /* after the flood: several 50 ms block timeouts */
#define SETTLE_T_MS  1300    /* tcpdump's timeout is 1 s */

static int opt_seconds = 3;
static int opt_runs = 2;
static int opt_payload = 64;
static guint64 opt_rate = 0;
static gboolean opt_immediate = FALSE;
static gboolean opt_no_tcpdump = FALSE;
static gboolean opt_no_store = FALSE;
static char *opt_buffer = NULL;
static guint64 buffer_size = 0;

typedef struct
{
  guint16        port;
  gint           done;       /* atomic */
  guint64        sent;
  gint64         start_us;
  gint64         end_us;
} Flood;

typedef struct
{
  const char *name;
  guint64     sent;
  double      rate;
  guint64     captured;
  guint64     dropped;      /* by the kernel: the ring was full (ps_drop) */
  guint64     if_dropped;   /* by the interface (ps_ifdrop): lo's backlog */
  double      cpu_s;
  double      seconds;
  gboolean    ok;
} Row;

static gpointer
flood_thread (gpointer data)
{
  Flood *f = data;
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (f->port),
                            .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  g_autofree guint8 *payload = g_malloc0 (opt_payload);
  gint64 deadline;
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

  if (fd < 0 || connect (fd, (struct sockaddr *) &to, sizeof to) != 0)
    g_error ("flood socket: %s", g_strerror (errno));
  memset (msgs, 0, sizeof msgs);
  for (int i = 0; i < BATCH; i++)
    {
      iov[i].iov_base = payload;
      iov[i].iov_len = opt_payload;
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }

  f->start_us = g_get_monotonic_time ();
  deadline = f->start_us + (gint64) opt_seconds * G_USEC_PER_SEC;
  for (;;)
    {
      gint64 now = g_get_monotonic_time ();
      int n;

      if (now >= deadline)
        break;
      if (opt_rate > 0 && f->sent > (guint64) ((now - f->start_us) * (double) opt_rate / G_USEC_PER_SEC))
        {
          g_usleep (100);
          continue;
        }
      n = sendmmsg (fd, msgs, BATCH, 0);
      if (n > 0)
        f->sent += n;
      else if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR)
        g_error ("sendmmsg: %s", g_strerror (errno));
    }
  f->end_us = g_get_monotonic_time ();
  close (fd);
  g_atomic_int_set (&f->done, 1);
  return NULL;
}

/* A bound socket that never reads: the flood's destination. */
static int
sink_socket (guint16 *port)
{
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof a;
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

  if (fd < 0 || bind (fd, (struct sockaddr *) &a, sizeof a) != 0
      || getsockname (fd, (struct sockaddr *) &a, &len) != 0)
    g_error ("sink socket: %s", g_strerror (errno));
  *port = ntohs (a.sin_port);
  return fd;
}

static double
thread_cpu_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- S, I: Sockbench's engine ---------------------------------------------------- */

typedef struct
{
  GMainLoop *loop;
  SbCapture *capture;
  Flood     *flood;
  gint64     stop_at;
} Watch;

static gboolean
watch_cb (gpointer data)
{
  Watch *w = data;

  if (w->stop_at == 0 && g_atomic_int_get (&w->flood->done))
    w->stop_at = g_get_monotonic_time () + SETTLE_S_MS * 1000;
  if (w->stop_at != 0 && g_get_monotonic_time () >= w->stop_at)
    {
      g_main_loop_quit (w->loop);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static Row
run_sockbench (gboolean immediate)
{
  Row row = { immediate ? "Sockbench, immediate mode" : "Sockbench (TPACKET_V3, 50 ms)", 0, };
  g_autoptr(SbCapture) capture = sb_capture_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *filter = NULL;
  g_autoptr(GThread) thread = NULL;
  Flood flood = { 0, };
  Watch w = { 0, };
  int sink = sink_socket (&flood.port);
  double cpu0;

  filter = g_strdup_printf ("udp and dst port %u", flood.port);
  sb_capture_set_interface (capture, "lo");
  sb_capture_set_filter (capture, filter);
  sb_capture_set_immediate (capture, immediate);
  sb_capture_set_buffer_size (capture, buffer_size);
  sb_capture_set_keep_packets (capture, !opt_no_store);
  if (!sb_capture_start (capture, NULL, &error))
    {
      g_printerr ("bench-capture: %s\n", error->message);
      close (sink);
      return row;
    }

  w.loop = g_main_loop_new (NULL, FALSE);
  w.capture = capture;
  w.flood = &flood;
  g_timeout_add (10, watch_cb, &w);
  cpu0 = thread_cpu_s ();
  thread = g_thread_new ("flood", flood_thread, &flood);
  g_main_loop_run (w.loop);
  sb_capture_stop (capture);
  row.cpu_s = thread_cpu_s () - cpu0;
  g_thread_join (g_steal_pointer (&thread));
  g_main_loop_unref (w.loop);

  row.sent = flood.sent;
  row.seconds = (flood.end_us - flood.start_us) / 1e6;
  row.rate = flood.sent / row.seconds;
  row.captured = sb_capture_get_captured (capture);
  sb_capture_get_stats (capture, NULL, &row.dropped, &row.if_dropped);
  g_assert (row.dropped + row.if_dropped == sb_capture_get_dropped (capture));
  row.ok = TRUE;
  if (!opt_no_store && row.captured != sb_packet_store_get_n_packets (sb_capture_get_store (capture)))
    g_printerr ("bench-capture: the store holds %u packets of %" G_GUINT64_FORMAT " captured\n",
                sb_packet_store_get_n_packets (sb_capture_get_store (capture)), row.captured);
  close (sink);
  return row;
}

/* ---- T: tcpdump ---------------------------------------------------------------------- */

static double
process_cpu_s (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after;

  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return 0;
  /* the fields after "(comm)": state is the first, utime the 12th */
  after = strrchr (stat, ')');
  if (after == NULL)
    return 0;
  fields = g_strsplit (after + 2, " ", -1);
  if (g_strv_length (fields) < 13)
    return 0;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
}

static guint64
count_before (const char *text,
              const char *suffix)
{
  const char *at = strstr (text, suffix);
  const char *start;

  if (at == NULL)
    return G_MAXUINT64;
  start = at;
  while (start > text && (g_ascii_isdigit (start[-1]) || start[-1] == ' '))
    start--;
  return g_ascii_strtoull (start, NULL, 10);
}

static Row
run_tcpdump (const char *tcpdump)
{
  Row row = { "tcpdump -w /dev/null", 0, };
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *port = NULL;
  g_autofree char *buffer_kib = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GThread) thread = NULL;
  Flood flood = { 0, };
  int sink = sink_socket (&flood.port);
  double cpu0, cpu1;
  char *line;

  port = g_strdup_printf ("%u", flood.port);
  g_ptr_array_add (argv, (char *) tcpdump);
  g_ptr_array_add (argv, "-i");
  g_ptr_array_add (argv, "lo");
  g_ptr_array_add (argv, "-n");
  if (buffer_size > 0)
    {
      buffer_kib = g_strdup_printf ("%" G_GUINT64_FORMAT, buffer_size / 1024);
      g_ptr_array_add (argv, "-B");
      g_ptr_array_add (argv, buffer_kib);
    }
  g_ptr_array_add (argv, "-w");
  g_ptr_array_add (argv, "/dev/null");
  g_ptr_array_add (argv, "udp");
  g_ptr_array_add (argv, "and");
  g_ptr_array_add (argv, "dst");
  g_ptr_array_add (argv, "port");
  g_ptr_array_add (argv, port);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
  if (proc == NULL)
    {
      g_printerr ("bench-capture: %s\n", error->message);
      close (sink);
      return row;
    }
  err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (proc));
  /* "listening on lo, …" once its filter is in place */
  while ((line = g_data_input_stream_read_line (err, NULL, NULL, NULL)) != NULL)
    {
      gboolean listening = strstr (line, "listening on") != NULL;

      g_string_append_printf (text, "%s\n", line);
      g_free (line);
      if (listening)
        break;
    }
  if (strstr (text->str, "listening on") == NULL)
    {
      g_printerr ("bench-capture: tcpdump did not start:\n%s", text->str);
      close (sink);
      return row;
    }

  cpu0 = process_cpu_s (atoi (g_subprocess_get_identifier (proc)));
  thread = g_thread_new ("flood", flood_thread, &flood);
  g_thread_join (g_steal_pointer (&thread));
  g_usleep (SETTLE_T_MS * 1000);
  cpu1 = process_cpu_s (atoi (g_subprocess_get_identifier (proc)));
  g_subprocess_send_signal (proc, SIGINT);
  while ((line = g_data_input_stream_read_line (err, NULL, NULL, NULL)) != NULL)
    {
      g_string_append_printf (text, "%s\n", line);
      g_free (line);
    }
  g_subprocess_wait (proc, NULL, NULL);

  row.sent = flood.sent;
  row.seconds = (flood.end_us - flood.start_us) / 1e6;
  row.rate = flood.sent / row.seconds;
  row.captured = count_before (text->str, " packets captured");
  row.dropped = count_before (text->str, " packets dropped by kernel");
  /* printed only when not zero */
  row.if_dropped = count_before (text->str, " packets dropped by interface");
  if (row.if_dropped == G_MAXUINT64)
    row.if_dropped = 0;
  row.cpu_s = cpu1 - cpu0;
  row.ok = row.captured != G_MAXUINT64 && row.dropped != G_MAXUINT64;
  if (!row.ok)
    g_printerr ("bench-capture: cannot read tcpdump's counts from:\n%s", text->str);
  close (sink);
  return row;
}

static void
print_row (int        run,
           const Row *r)
{
  if (!r->ok)
    {
      printf ("%3d  %-30s  (failed)\n", run, r->name);
      return;
    }
  printf ("%3d  %-30s %9" G_GUINT64_FORMAT " %9.0f %10" G_GUINT64_FORMAT " %9" G_GUINT64_FORMAT " %7.2f%% %9"
          G_GUINT64_FORMAT " %5.0f%%\n",
          run, r->name, r->sent, r->rate, r->captured, r->dropped,
          r->sent > 0 ? 100.0 * r->dropped / r->sent : 0, r->if_dropped, 100.0 * r->cpu_s / r->seconds);
  fflush (stdout);
}

static gboolean
can_capture (char **reason)
{
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  pcap_t *p = pcap_create ("lo", errbuf);
  int status = p != NULL ? pcap_activate (p) : PCAP_ERROR;

  if (status < 0)
    *reason = g_strdup (p != NULL ? pcap_geterr (p) : errbuf);
  if (p != NULL)
    pcap_close (p);
  return status >= 0;
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "seconds", 's', 0, G_OPTION_ARG_INT, &opt_seconds, "Flood for S seconds (default 3)", "S" },
    { "runs", 'r', 0, G_OPTION_ARG_INT, &opt_runs, "Runs of each capturer, interleaved (default 2)", "N" },
    { "payload", 'p', 0, G_OPTION_ARG_INT, &opt_payload, "UDP payload bytes (default 64)", "BYTES" },
    { "rate", 0, 0, G_OPTION_ARG_INT64, &opt_rate, "Send at most N pkt/s (default: as fast as possible)", "N" },
    { "buffer", 'B', 0, G_OPTION_ARG_STRING, &opt_buffer, "The same kernel ring size for both (default: each one's own)", "SIZE" },
    { "immediate", 0, 0, G_OPTION_ARG_NONE, &opt_immediate, "Also capture in immediate mode", NULL },
    { "no-tcpdump", 0, 0, G_OPTION_ARG_NONE, &opt_no_tcpdump, "Only Sockbench", NULL },
    { "no-store", 0, 0, G_OPTION_ARG_NONE, &opt_no_store, "Sockbench counts packets but does not keep them", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— capture a UDP flood on lo: Sockbench and tcpdump");
  g_autoptr(GError) error = NULL;
  g_autofree char *tcpdump = NULL;
  g_autofree char *reason = NULL;
  g_autoptr(GArray) rows_s = g_array_new (FALSE, FALSE, sizeof (Row));
  g_autoptr(GArray) rows_t = g_array_new (FALSE, FALSE, sizeof (Row));

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-capture: %s\n", error->message);
      return 2;
    }
  if (opt_seconds < 1 || opt_runs < 1 || opt_payload < 1 || opt_payload > 65507
      || (opt_buffer != NULL && !bench_parse_size (opt_buffer, &buffer_size)))
    {
      g_printerr ("bench-capture: bad option value\n");
      return 2;
    }
  if (!can_capture (&reason))
    {
      printf ("bench-capture: skipped: live capture on lo needs CAP_NET_RAW (%s)\n", reason);
      return 77;
    }
  tcpdump = opt_no_tcpdump ? NULL : g_find_program_in_path ("tcpdump");
  if (tcpdump == NULL && !opt_no_tcpdump && g_file_test ("/usr/sbin/tcpdump", G_FILE_TEST_IS_EXECUTABLE))
    tcpdump = g_strdup ("/usr/sbin/tcpdump");

  printf ("UDP flood on lo: %d-byte payloads (%d-byte frames), %d s per run, sendmmsg x%d from one thread%s\n",
          opt_payload, opt_payload + 42, opt_seconds, BATCH, opt_rate > 0 ? ", rate-limited" : "");
  printf ("capturers run one after the other, interleaved; ring %s\n",
          buffer_size > 0 ? opt_buffer : "each one's default (Sockbench 8 MiB, immediate 16 MiB; tcpdump 2 MiB)");
  if (tcpdump == NULL && !opt_no_tcpdump)
    printf ("tcpdump is not installed: its rows are skipped (apt-get install tcpdump)\n");
  printf ("run  capturer                            sent    sent/s   captured   dropped   drop %%  if-drops   CPU\n");

  for (int run = 1; run <= opt_runs; run++)
    {
      Row r = run_sockbench (FALSE);

      print_row (run, &r);
      g_array_append_val (rows_s, r);
      if (opt_immediate)
        {
          r = run_sockbench (TRUE);
          print_row (run, &r);
        }
      if (tcpdump != NULL)
        {
          r = run_tcpdump (tcpdump);
          print_row (run, &r);
          g_array_append_val (rows_t, r);
        }
    }

  if (rows_t->len > 0)
    {
      guint64 s_drop = 0, t_drop = 0, s_sent = 0, t_sent = 0;

      for (guint i = 0; i < rows_s->len; i++)
        {
          s_drop += g_array_index (rows_s, Row, i).dropped;
          s_sent += g_array_index (rows_s, Row, i).sent;
        }
      for (guint i = 0; i < rows_t->len; i++)
        {
          t_drop += g_array_index (rows_t, Row, i).dropped;
          t_sent += g_array_index (rows_t, Row, i).sent;
        }
      printf ("kernel drops over all runs: Sockbench %.3f%%, tcpdump %.3f%% — target, no more than tcpdump: %s\n",
              s_sent ? 100.0 * s_drop / s_sent : 0, t_sent ? 100.0 * t_drop / t_sent : 0,
              (double) s_drop / MAX (s_sent, 1) <= (double) t_drop / MAX (t_sent, 1) ? "met" : "NOT met");
    }
  g_free (opt_buffer);
  return 0;
}
