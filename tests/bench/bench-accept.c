/* bench-accept.c — one listener accepting many connections at once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Prints figures, asserts nothing about time. A forked peer process opens
 * --connections (default 10,000) TCP connections to one SbSocket listener
 * with continuous accept, writes a short message on each and keeps them all
 * open until told to finish. Every accepted child gets auto-receive, so each
 * message lands in its child's transcript. Measured in the listener process:
 *
 *  - time until every connection is accepted and every message received,
 *    and the accept rate;
 *  - memory per connection: the malloc heap (mallinfo2 uordblks + hblkhd)
 *    and the resident set (/proc/self/statm) before and after, / N;
 *  - whether the main loop ever blocked: the longest stretch between two
 *    poll() calls of the main context (a poll function wrapper: the longest
 *    the loop was busy without looking at its sources again), and the
 *    largest interval between ticks of a frame-clock-like probe: a 16 ms
 *    timer at GTK's redraw priority (G_PRIORITY_HIGH_IDLE + 20), which runs
 *    only when no default-priority source is ready, as a frame would.
 *
 * A 1 ms G_PRIORITY_HIGH probe was tried first and is not used: with ten
 * thousand sources one main loop iteration costs more than 1 ms, so the
 * timer was ready at every iteration and, outranking everything, starved
 * the accept and receive sources (6,401 of 10,000 accepted in 120 s).
 */
#include "config.h"

#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <glib-unix.h>

#include "sb-socket.h"
#include "bench-util.h"

#define GAP_TARGET_MS  100.0
#define MEMORY_TARGET  (16 * 1024)
/* GDK_PRIORITY_REDRAW: where GTK paints frames */
#define PROBE_PRIORITY (G_PRIORITY_HIGH_IDLE + 20)

static int opt_connections = 10000;
static int opt_message_size = 16;
static int opt_backlog = 4096;
static int opt_timeout_s = 120;
static int opt_probe_ms = 16;

/* ---- the peer process ------------------------------------------------------- */

typedef struct
{
  int    opened;        /* connections opened and written to */
  int    failed_errno;  /* 0, or the errno that stopped it */
  gint64 usec;          /* time to open them all */
} PeerStatus;

static void
raise_fd_limit (void)
{
  struct rlimit rl;

  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max)
    {
      rl.rlim_cur = rl.rlim_max;
      setrlimit (RLIMIT_NOFILE, &rl);
    }
}

static gboolean
read_full (int    fd,
           void  *buf,
           gsize  len)
{
  while (len > 0)
    {
      ssize_t n = read (fd, buf, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      buf = (char *) buf + n;
      len -= n;
    }
  return TRUE;
}

/* Runs in the forked child: no main loop, no GLib beyond plain helpers. */
static G_GNUC_NORETURN void
peer_main (guint16 port,
           int     control_fd,
           int     status_fd)
{
  PeerStatus st = { 0, };
  struct sockaddr_in sin = { .sin_family = AF_INET };
  int *fds = g_new (int, opt_connections);
  char *msg = g_malloc (opt_message_size);
  char c;
  gint64 t0;

  raise_fd_limit ();
  memset (msg, 'm', opt_message_size);
  sin.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  sin.sin_port = htons (port);

  if (!read_full (control_fd, &c, 1))
    _exit (1);

  t0 = g_get_monotonic_time ();
  for (int i = 0; i < opt_connections; i++)
    {
      int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

      if (fd < 0 || connect (fd, (struct sockaddr *) &sin, sizeof sin) != 0
          || write (fd, msg, opt_message_size) != opt_message_size)
        {
          st.failed_errno = errno;
          if (fd >= 0)
            close (fd);
          break;
        }
      fds[st.opened++] = fd;
    }
  st.usec = g_get_monotonic_time () - t0;
  if (write (status_fd, &st, sizeof st) != sizeof st)
    _exit (1);

  /* keep them open until the listener is done measuring */
  read_full (control_fd, &c, 1);
  for (int i = 0; i < st.opened; i++)
    close (fds[i]);
  _exit (0);
}

/* ---- the listener process ---------------------------------------------------- */

typedef struct
{
  GMainLoop *loop;
  int        accepted;
  int        messages;       /* children whose whole message arrived */
  int        errors;
  gint64     t_start;
  gint64     t_all_accepted;
  gint64     t_done;
  gboolean   timed_out;
  /* the peer */
  PeerStatus peer;
  gboolean   peer_reported;
  /* poll() wrapper: busy stretches between polls */
  gint64     poll_exit;
  gint64     max_busy;
  guint64    n_polls;
  /* frame-clock-like probe */
  gint64     last_tick;
  gint64     max_tick_gap;
  guint64    n_ticks;
  gboolean   measuring;
} Bench;

static Bench bench;
static GPollFunc default_poll;

static int
timed_poll (GPollFD *fds,
            guint    nfds,
            int      timeout)
{
  gint64 enter = g_get_monotonic_time ();
  int ret;

  if (bench.measuring && bench.poll_exit > 0)
    bench.max_busy = MAX (bench.max_busy, enter - bench.poll_exit);
  ret = default_poll (fds, nfds, timeout);
  bench.poll_exit = g_get_monotonic_time ();
  bench.n_polls++;
  return ret;
}

static gboolean
tick_cb (gpointer data)
{
  gint64 now = g_get_monotonic_time ();

  if (bench.measuring && bench.last_tick > 0)
    bench.max_tick_gap = MAX (bench.max_tick_gap, now - bench.last_tick);
  bench.last_tick = now;
  bench.n_ticks++;
  return G_SOURCE_CONTINUE;
}

static void
check_done (void)
{
  if (bench.accepted == opt_connections && bench.messages == opt_connections
      && bench.t_done == 0)
    {
      bench.t_done = g_get_monotonic_time ();
      g_main_loop_quit (bench.loop);
    }
}

static void
on_child_received (SbSocket *child,
                   guint     index,
                   gpointer  data)
{
  SbTranscript *t = sb_socket_get_transcript (child);
  SbTranscriptEntry e;
  guint64 now_in = sb_transcript_get_bytes_in (t);

  /* count a child once: on the read that completed its message */
  if (sb_transcript_get_entry (t, index, &e) && e.kind == SB_EVENT_RECEIVED
      && now_in >= (guint64) opt_message_size && now_in - e.length < (guint64) opt_message_size)
    {
      bench.messages++;
      check_done ();
    }
}

static void
on_child_error (SbSocket *child,
                GError   *error,
                gpointer  data)
{
  if (bench.errors++ < 5)
    g_printerr ("connection error: %s\n", error->message);
}

static void
on_accepted (SbSocket *listener,
             SbSocket *child,
             gpointer  data)
{
  g_signal_connect (child, "received", G_CALLBACK (on_child_received), NULL);
  g_signal_connect (child, "error", G_CALLBACK (on_child_error), NULL);
  sb_socket_set_auto_receive (child, TRUE);
  if (++bench.accepted == opt_connections)
    bench.t_all_accepted = g_get_monotonic_time ();
  check_done ();
}

static void
on_listener_error (SbSocket *listener,
                   GError   *error,
                   gpointer  data)
{
  g_printerr ("listener error: %s\n", error->message);
  bench.errors++;
  g_main_loop_quit (bench.loop);
}

static gboolean
peer_status_cb (int          fd,
                GIOCondition condition,
                gpointer     data)
{
  if (!read_full (fd, &bench.peer, sizeof bench.peer))
    {
      g_printerr ("the peer process went away\n");
      g_main_loop_quit (bench.loop);
      return G_SOURCE_REMOVE;
    }
  bench.peer_reported = TRUE;
  if (bench.peer.opened < opt_connections)
    {
      g_printerr ("the peer opened only %d connections: %s\n", bench.peer.opened,
                  g_strerror (bench.peer.failed_errno));
      g_main_loop_quit (bench.loop);
    }
  return G_SOURCE_REMOVE;
}

static gboolean
guard_cb (gpointer data)
{
  bench.timed_out = TRUE;
  g_main_loop_quit (bench.loop);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  gsize heap;  /* mallinfo2: in use by malloc, small and mmapped */
  gsize rss;
} MemSample;

static MemSample
mem_sample (void)
{
  struct mallinfo2 mi = mallinfo2 ();
  MemSample s = { mi.uordblks + mi.hblkhd, 0 };
  unsigned long size, resident;
  FILE *f = fopen ("/proc/self/statm", "r");

  if (f != NULL)
    {
      if (fscanf (f, "%lu %lu", &size, &resident) == 2)
        s.rss = resident * (gsize) sysconf (_SC_PAGESIZE);
      fclose (f);
    }
  return s;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbSocket) listener = NULL;
  GOptionEntry entries[] = {
    { "connections", 'n', 0, G_OPTION_ARG_INT, &opt_connections,
      "Connections to open (default 10000)", "N" },
    { "message-size", 0, 0, G_OPTION_ARG_INT, &opt_message_size,
      "Bytes the peer writes on each (default 16)", "BYTES" },
    { "backlog", 0, 0, G_OPTION_ARG_INT, &opt_backlog, "listen() backlog (default 4096)", "N" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &opt_timeout_s,
      "Give up after this many seconds (default 120)", "S" },
    { "probe-ms", 0, 0, G_OPTION_ARG_INT, &opt_probe_ms,
      "Interval of the frame-clock-like probe at redraw priority (default 16, 0: none)", "MS" },
    { NULL }
  };
  struct rlimit rl;
  int control[2], status[2];
  pid_t pid;
  MemSample before, after;
  gsize transcript_total = 0;
  guint timer_id = 0;
  double total_s, accept_s, heap_per, rss_per, busy_ms, tick_ms;
  gboolean ok;
  char c = 'g';
  int wstatus = 0;

  context = g_option_context_new ("— accept many connections on one SbSocket listener");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (opt_connections < 1 || opt_message_size < 1 || opt_backlog < 1)
    {
      g_printerr ("bad --connections, --message-size or --backlog\n");
      return 2;
    }
  signal (SIGPIPE, SIG_IGN);

  raise_fd_limit ();
  getrlimit (RLIMIT_NOFILE, &rl);
  if (rl.rlim_cur < (rlim_t) opt_connections + 64)
    {
      g_printerr ("RLIMIT_NOFILE is %lu (hard %lu): not enough for %d connections\n",
                  (unsigned long) rl.rlim_cur, (unsigned long) rl.rlim_max, opt_connections);
      return 1;
    }

  listener = sb_socket_new (SB_FAMILY_IPV4, SB_SOCKET_STREAM, 0, &error);
  if (listener == NULL || !sb_socket_bind (listener, "127.0.0.1", 0, &error)
      || !sb_socket_listen (listener, opt_backlog, &error))
    g_error ("listener: %s", error->message);

  /* fork before any thread exists */
  if (pipe2 (control, O_CLOEXEC) != 0 || pipe2 (status, O_CLOEXEC) != 0)
    g_error ("pipe: %s", g_strerror (errno));
  pid = fork ();
  if (pid < 0)
    g_error ("fork: %s", g_strerror (errno));
  if (pid == 0)
    {
      guint16 port = sb_socket_get_local_port (listener);

      close (sb_socket_get_fd (listener));
      close (control[1]);
      close (status[0]);
      peer_main (port, control[0], status[1]);
    }
  close (control[0]);
  close (status[1]);

  bench.loop = g_main_loop_new (NULL, FALSE);
  default_poll = g_main_context_get_poll_func (NULL);
  g_main_context_set_poll_func (NULL, timed_poll);
  g_signal_connect (listener, "accepted", G_CALLBACK (on_accepted), NULL);
  g_signal_connect (listener, "error", G_CALLBACK (on_listener_error), NULL);
  g_unix_fd_add (status[0], G_IO_IN | G_IO_HUP, peer_status_cb, NULL);
  g_timeout_add_seconds (opt_timeout_s, guard_cb, NULL);
  if (opt_probe_ms > 0)
    timer_id = g_timeout_add_full (PROBE_PRIORITY, opt_probe_ms, tick_cb, NULL, NULL);
  sb_socket_set_accept_continuous (listener, TRUE);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_print ("Sockbench accept - %d connections over loopback TCP, %d-byte message each, "
           "backlog %d, %u CPUs\n", opt_connections, opt_message_size, opt_backlog,
           g_get_num_processors ());
  g_print ("RLIMIT_NOFILE %lu in each process; peer: a forked process, blocking connect(2)\n\n",
           (unsigned long) rl.rlim_cur);

  malloc_trim (0);
  before = mem_sample ();
  /* stretches and intervals count from the first poll / tick after the start */
  bench.poll_exit = 0;
  bench.last_tick = 0;
  bench.n_polls = 0;
  bench.measuring = TRUE;
  bench.t_start = g_get_monotonic_time ();
  if (write (control[1], &c, 1) != 1)
    g_error ("cannot start the peer: %s", g_strerror (errno));
  g_main_loop_run (bench.loop);
  bench.measuring = FALSE;
  after = mem_sample ();

  for (guint i = 0; i < g_list_model_get_n_items (sb_socket_get_children (listener)); i++)
    {
      g_autoptr(SbSocket) child = g_list_model_get_item (sb_socket_get_children (listener), i);
      transcript_total += sb_transcript_get_memory_size (sb_socket_get_transcript (child));
    }

  if (timer_id != 0)
    g_source_remove (timer_id);
  /* close our side first (TIME_WAIT stays here, not on the peer's ports) */
  sb_socket_close (listener);
  g_clear_object (&listener);
  c = 'f';
  if (write (control[1], &c, 1) != 1)
    g_printerr ("cannot tell the peer to finish\n");
  waitpid (pid, &wstatus, 0);

  total_s = bench.t_done > 0 ? (bench.t_done - bench.t_start) / 1e6 : 0;
  accept_s = bench.t_all_accepted > 0 ? (bench.t_all_accepted - bench.t_start) / 1e6 : 0;
  heap_per = ((double) after.heap - (double) before.heap) / MAX (bench.accepted, 1);
  rss_per = ((double) after.rss - (double) before.rss) / MAX (bench.accepted, 1);
  busy_ms = bench.max_busy / 1000.0;
  tick_ms = bench.max_tick_gap / 1000.0;
  ok = bench.accepted == opt_connections && bench.messages == opt_connections;

  g_print ("  %-44s %12d / %d   %s\n", "connections accepted", bench.accepted,
           opt_connections, bench_yes_no (bench.accepted == opt_connections));
  g_print ("  %-44s %12d / %d   %s\n", "messages received (whole, in the transcript)",
           bench.messages, opt_connections, bench_yes_no (bench.messages == opt_connections));
  g_print ("  %-44s %12d\n", "errors", bench.errors);
  if (bench.timed_out)
    g_print ("  GAVE UP after %d s\n", opt_timeout_s);
  g_print ("  %-44s %12.3f s\n", "time: all accepted", accept_s);
  g_print ("  %-44s %12.3f s\n", "time: all accepted and received", total_s);
  g_print ("  %-44s %12.3f s\n", "peer: time to open all (connect + write)",
           bench.peer_reported ? bench.peer.usec / 1e6 : 0.0);
  g_print ("  %-44s %12.0f conn/s\n", "accept rate", accept_s > 0 ? bench.accepted / accept_s : 0);
  g_print ("  %-44s %12.0f B      target <= %d: %s\n", "heap per connection (mallinfo2)",
           heap_per, MEMORY_TARGET, bench_yes_no (heap_per <= MEMORY_TARGET));
  g_print ("  %-44s %12.0f B      target <= %d: %s\n", "RSS per connection (/proc/self/statm)",
           rss_per, MEMORY_TARGET, bench_yes_no (rss_per <= MEMORY_TARGET));
  g_print ("  %-44s %12.0f B\n", "  of which transcript (get_memory_size)",
           (double) transcript_total / MAX (bench.accepted, 1));
  g_print ("  %-44s %12.1f ms     target <= %.0f: %s\n", "longest loop stretch between polls",
           busy_ms, GAP_TARGET_MS, bench_yes_no (busy_ms <= GAP_TARGET_MS));
  if (opt_probe_ms > 0)
    {
      g_autofree char *what = g_strdup_printf ("largest interval of the %d ms redraw probe",
                                               opt_probe_ms);
      g_print ("  %-44s %12.1f ms     target <= %.0f: %s\n", what, tick_ms, GAP_TARGET_MS,
               bench_yes_no (tick_ms <= GAP_TARGET_MS));
    }
  g_print ("  %-44s %12" G_GUINT64_FORMAT "\n", "main loop polls", bench.n_polls);

  if (!WIFEXITED (wstatus) || WEXITSTATUS (wstatus) != 0)
    g_printerr ("the peer process did not exit cleanly\n");
  g_main_loop_unref (bench.loop);
  return ok ? 0 : 1;
}
