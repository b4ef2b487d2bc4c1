/* bench-throughput.c — TCP throughput of the engine against plain syscalls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Prints figures, asserts nothing about time:
 *
 *  receive  a sender thread write(2)s --bytes (default 1 GiB) in 256 KiB
 *           pieces over loopback until it closes.
 *           A: an accepted SbSocket with auto-receive on, keeping every
 *              byte in its transcript, on a GMainLoop, until EOF;
 *           B: the reference, a blocking recv(2) loop into one 64 KiB buffer;
 *           C: recv(2) into kept 4 MiB chunks: B plus A's memory work;
 *           D: A with the transcript's byte limit (--limit, default 32 MiB,
 *              the app's default):
 *              the oldest bytes are dropped and their memory reused;
 *           G: recv(2) into a ring of 4 MiB chunks holding --limit: D's
 *              memory work without the engine;
 *           H: G on a non-blocking socket, reading until EAGAIN, then
 *              poll(2): what any receiver on a main loop does.
 *  sendall  a reader thread recv(2)s and discards --sendall-bytes (default
 *           256 MiB) from
 *           E: a connected SbSocket, sb_socket_send_all_async of one GBytes;
 *           F: the reference, a blocking write(2) of the same buffer.
 *
 * Each measurement runs --runs times (default 3), interleaved, after one
 * untimed receive; the tables show the median and the best run, and the
 * ratios against the targets (engine/plain >= 0.9 both ways; transcript
 * memory <= 1.1 x the bytes it holds). docs/benchmarks.md has the figures.
 */
#include "config.h"

#include <malloc.h>
#include <poll.h>
#include <signal.h>

#include <glib-unix.h>

#include "sb-socket.h"
#include "bench-util.h"

#define PIECE        (256 * 1024)   /* sender write(2) size */
#define PLAIN_BUF    (64 * 1024)    /* reference recv(2) buffer */
#define KEEP_CHUNK   (4 * 1024 * 1024)
#define RATIO_TARGET 0.9
#define MEMORY_TARGET 1.1

static guint64 opt_bytes = G_GUINT64_CONSTANT (1) << 30;
static guint64 opt_sendall_bytes = G_GUINT64_CONSTANT (256) << 20;
static guint64 opt_limit = G_GUINT64_CONSTANT (32) << 20;
/* row D: the most bytes held, per byte of the limit (at least 1) */
static double held_over_limit = 0;
static int opt_runs = 3;
static gboolean opt_verbose = FALSE;
static char *opt_only = NULL;

/* Whether measurement @row (a letter of the table) is selected by --only. */
static gboolean
sel (char row)
{
  return opt_only == NULL || strchr (opt_only, row) != NULL;
}

/* The stream is a repeating 256 KiB pattern, so any offset can be checked. */
static guint8 *pattern;

static inline guint8
pattern_at (guint64 offset)
{
  return (guint8) ((offset % PIECE) * 7 + (offset % PIECE) / 251);
}

/* ---- sender thread (receive benchmarks) ------------------------------------ */

typedef struct
{
  guint16 port;
  guint64 bytes;
  gint64  t_start;
} Sender;

static gpointer
sender_thread (gpointer data)
{
  Sender *s = data;
  int fd = bench_plain_connect (s->port);
  guint64 sent = 0;

  s->t_start = g_get_monotonic_time ();
  while (sent < s->bytes)
    {
      gsize at = sent % PIECE;
      gsize want = MIN (s->bytes - sent, (guint64) (PIECE - at));
      ssize_t n = write (fd, pattern + at, want);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          g_error ("sender: write: %s", g_strerror (errno));
        }
      sent += n;
    }
  close (fd);
  return NULL;
}

/* ---- receive: engine ----------------------------------------------------- */

typedef struct
{
  GMainLoop *loop;
  SbSocket  *child;
  gint64     t_end;
  char      *error;
} EngineReceive;

static void
on_peer_closed (GObject    *object,
                GParamSpec *pspec,
                gpointer    data)
{
  EngineReceive *r = data;

  r->t_end = g_get_monotonic_time ();
  g_main_loop_quit (r->loop);
}

static void
on_error (SbSocket *socket,
          GError   *error,
          gpointer  data)
{
  EngineReceive *r = data;

  if (r->error == NULL)
    r->error = g_strdup (error->message);
  g_main_loop_quit (r->loop);
}

static void
accept_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  EngineReceive *r = data;
  g_autoptr(GError) error = NULL;

  r->child = sb_socket_accept_finish (SB_SOCKET (object), result, &error);
  if (r->child == NULL)
    {
      r->error = g_strdup (error->message);
      g_main_loop_quit (r->loop);
      return;
    }
  g_signal_connect (r->child, "notify::peer-closed", G_CALLBACK (on_peer_closed), r);
  g_signal_connect (r->child, "error", G_CALLBACK (on_error), r);
  sb_socket_set_auto_receive (r->child, TRUE);
}

/* Compare a few windows of the bytes the transcript holds with the pattern. */
static gboolean
check_transcript (SbTranscript *t,
                  guint64       bytes)
{
  guint8 buf[4096];
  GRand *rand = g_rand_new_with_seed (42);
  guint64 first = sb_transcript_get_first_offset (t);
  gboolean ok = TRUE;

  for (guint i = 0; i < 64 && ok; i++)
    {
      guint64 at = i == 0 ? first : i == 1 ? bytes - MIN (bytes - first, sizeof buf)
                 : first + (guint64) (g_rand_double (rand) * (double) (bytes - first));
      gsize n = sb_transcript_read (t, at, buf, sizeof buf);

      for (gsize k = 0; k < n; k++)
        if (buf[k] != pattern_at (at + k))
          {
            g_printerr ("transcript byte %" G_GUINT64_FORMAT " differs\n", at + k);
            ok = FALSE;
            break;
          }
    }
  g_rand_free (rand);
  return ok;
}

/* @limit 0: the transcript keeps every byte. Else it keeps the last @limit
 * bytes (the listener's limit, inherited by the accepted connection). */
static double
run_engine_receive (guint64  bytes,
                    guint64  limit,
                    double  *out_memory_ratio,
                    guint64 *out_reads)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SbSocket) listener = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  EngineReceive r = { .loop = loop };
  Sender s = { .bytes = bytes };
  SbTranscript *t;
  GThread *thread;
  double mbps;

  listener = sb_socket_new (SB_FAMILY_IPV4, SB_SOCKET_STREAM, 0, &error);
  if (listener == NULL || !sb_socket_bind (listener, "127.0.0.1", 0, &error)
      || !sb_socket_listen (listener, 16, &error))
    g_error ("listener: %s", error->message);
  s.port = sb_socket_get_local_port (listener);
  sb_transcript_set_byte_limit (sb_socket_get_transcript (listener), limit);

  sb_socket_accept_async (listener, NULL, accept_cb, &r);
  thread = g_thread_new ("sender", sender_thread, &s);
  g_main_loop_run (loop);
  g_thread_join (thread);

  if (r.error != NULL)
    g_error ("engine receive: %s", r.error);
  t = sb_socket_get_transcript (r.child);
  mbps = bench_mb_per_s (bytes, r.t_end - s.t_start);
  {
    guint64 held = sb_transcript_get_n_bytes (t) - sb_transcript_get_first_offset (t);

    if (sb_transcript_get_bytes_in (t) != bytes || sb_transcript_get_n_bytes (t) != bytes)
      g_error ("engine receive: got %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " bytes",
               sb_transcript_get_bytes_in (t), bytes);
    if (limit == 0 ? held != bytes : held < MIN (limit, bytes))
      g_error ("engine receive: the transcript holds %" G_GUINT64_FORMAT " bytes", held);
    if (!check_transcript (t, bytes))
      g_error ("engine receive: the transcript does not hold what was sent");
    *out_memory_ratio = (double) sb_transcript_get_memory_size (t) / (double) held;
    if (limit > 0)
      held_over_limit = MAX (held_over_limit, (double) held / (double) MIN (limit, bytes));
    *out_reads = sb_transcript_get_messages_in (t);
    if (opt_verbose)
      g_print ("    engine receive%s: %.0f MB/s, %" G_GUINT64_FORMAT " reads, "
               "%" G_GUINT64_FORMAT " bytes held, memory %.4f x\n",
               limit == 0 ? "" : " (limited)", mbps, *out_reads, held, *out_memory_ratio);
  }

  /* free the gigabyte before the next run */
  sb_socket_close (r.child);
  g_clear_object (&r.child);
  sb_socket_close (listener);
  g_clear_object (&listener);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  malloc_trim (0);
  return mbps;
}

/* ---- receive: plain recv(2) ------------------------------------------------- */

/* @keep FALSE: recv(2) into one 64 KiB buffer, discarding (the reference of
 * the brief). @keep TRUE: recv(2) 64 KiB at a time into 4 MiB malloc'd chunks
 * that are all kept until the end, like the transcript keeps them: the same
 * fresh memory to fault in, none of the engine. With @ring > 0 as well, only
 * the chunks for the last @ring bytes are kept, and the oldest is written
 * again when the ring is full: the memory work of row D, none of the engine.
 * @poll_driven: the socket is non-blocking, read until EAGAIN, then poll(2)
 * — how any receiver on a main loop must read, without the loop. */
static double
run_plain_receive (guint64  bytes,
                   gboolean keep,
                   guint64  ring,
                   gboolean poll_driven)
{
  Sender s = { .bytes = bytes };
  guint8 *buf = g_malloc (PLAIN_BUF);
  GPtrArray *kept = g_ptr_array_new_with_free_func (g_free);
  guint n_ring = ring > 0 ? (guint) ((ring + KEEP_CHUNK - 1) / KEEP_CHUNK) + 1 : 0;
  gsize used = KEEP_CHUNK;
  guint64 got = 0, n_chunks = 0;
  GThread *thread;
  gint64 t_end;
  int lfd, fd;
  double mbps;

  lfd = bench_plain_listen (&s.port, 16);
  thread = g_thread_new ("sender", sender_thread, &s);
  fd = accept4 (lfd, NULL, NULL, SOCK_CLOEXEC);
  if (fd < 0)
    g_error ("accept: %s", g_strerror (errno));
  if (poll_driven && !g_unix_set_fd_nonblocking (fd, TRUE, NULL))
    g_error ("O_NONBLOCK: %s", g_strerror (errno));
  for (;;)
    {
      ssize_t n;

      if (keep && KEEP_CHUNK - used < 4096)
        {
          if (n_ring > 0 && kept->len == n_ring)
            buf = g_ptr_array_index (kept, n_chunks % n_ring);
          else
            {
              buf = g_malloc (KEEP_CHUNK);
              g_ptr_array_add (kept, buf);
            }
          n_chunks++;
          used = 0;
        }
      n = recv (fd, keep ? buf + used : buf, keep ? MIN (PLAIN_BUF, KEEP_CHUNK - used) : PLAIN_BUF,
                0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN && poll_driven)
        {
          struct pollfd pfd = { .fd = fd, .events = POLLIN };

          poll (&pfd, 1, -1);
          continue;
        }
      if (n < 0)
        g_error ("recv: %s", g_strerror (errno));
      if (n == 0)
        break;
      got += n;
      used += n;
    }
  t_end = g_get_monotonic_time ();
  g_thread_join (thread);
  close (fd);
  close (lfd);
  if (!keep)
    g_free (buf);
  g_ptr_array_unref (kept);
  malloc_trim (0);

  if (got != bytes)
    g_error ("plain receive: got %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT, got, bytes);
  mbps = bench_mb_per_s (bytes, t_end - s.t_start);
  if (opt_verbose)
    g_print ("    plain receive%s%s: %.0f MB/s\n",
             !keep ? "" : ring > 0 ? " (ring)" : " (keeping)", poll_driven ? " (poll)" : "", mbps);
  return mbps;
}

/* ---- reader thread (sendall benchmarks) -------------------------------------- */

typedef struct
{
  int     listen_fd;
  guint64 expect;
  guint64 got;
  gint64  t_end;
} Reader;

static gpointer
reader_thread (gpointer data)
{
  Reader *r = data;
  guint8 *buf = g_malloc (PLAIN_BUF);
  int fd = accept4 (r->listen_fd, NULL, NULL, SOCK_CLOEXEC);

  if (fd < 0)
    g_error ("reader: accept: %s", g_strerror (errno));
  while (r->got < r->expect)
    {
      ssize_t n = recv (fd, buf, PLAIN_BUF, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      r->got += n;
    }
  r->t_end = g_get_monotonic_time ();
  close (fd);
  g_free (buf);
  return NULL;
}

/* ---- sendall: engine ---------------------------------------------------------- */

typedef struct
{
  GMainLoop *loop;
  GBytes    *data;
  gint64     t_start;
  guint64    sent;
  char      *error;
} EngineSend;

static void
send_all_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      data)
{
  EngineSend *e = data;
  g_autoptr(GError) error = NULL;

  if (!sb_socket_send_all_finish (SB_SOCKET (object), result, &e->sent, &error))
    e->error = g_strdup (error->message);
  g_main_loop_quit (e->loop);
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      data)
{
  EngineSend *e = data;
  g_autoptr(GError) error = NULL;

  if (!sb_socket_connect_finish (SB_SOCKET (object), result, &error))
    {
      e->error = g_strdup (error->message);
      g_main_loop_quit (e->loop);
      return;
    }
  e->t_start = g_get_monotonic_time ();
  sb_socket_send_all_async (SB_SOCKET (object), e->data, NULL, send_all_cb, e);
}

static double
run_engine_sendall (GBytes *data,
                    double *out_memory_ratio)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SbSocket) sock = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  EngineSend e = { .loop = loop, .data = data };
  Reader r = { .expect = g_bytes_get_size (data) };
  SbTranscript *t;
  GThread *thread;
  guint16 port;
  double mbps;

  r.listen_fd = bench_plain_listen (&port, 16);
  thread = g_thread_new ("reader", reader_thread, &r);
  sock = sb_socket_new (SB_FAMILY_IPV4, SB_SOCKET_STREAM, 0, &error);
  if (sock == NULL)
    g_error ("socket: %s", error->message);
  sb_socket_connect_async (sock, "127.0.0.1", port, NULL, connect_cb, &e);
  g_main_loop_run (loop);
  g_thread_join (thread);
  close (r.listen_fd);

  if (e.error != NULL)
    g_error ("engine sendall: %s", e.error);
  if (e.sent != r.expect || r.got != r.expect)
    g_error ("engine sendall: sent %" G_GUINT64_FORMAT ", read %" G_GUINT64_FORMAT
             " of %" G_GUINT64_FORMAT, e.sent, r.got, r.expect);
  t = sb_socket_get_transcript (sock);
  if (sb_transcript_get_bytes_out (t) != r.expect)
    g_error ("engine sendall: the transcript holds %" G_GUINT64_FORMAT " bytes sent",
             sb_transcript_get_bytes_out (t));
  /* sent data is kept by reference: memory for the events only */
  *out_memory_ratio = (double) sb_transcript_get_memory_size (t) / (double) r.expect;
  mbps = bench_mb_per_s (r.expect, r.t_end - e.t_start);
  if (opt_verbose)
    g_print ("    engine sendall: %.0f MB/s, %" G_GUINT64_FORMAT " send() calls\n", mbps,
             sb_transcript_get_messages_out (t));
  sb_socket_close (sock);
  g_clear_object (&sock);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return mbps;
}

/* ---- sendall: plain write(2) ----------------------------------------------------- */

static double
run_plain_sendall (GBytes *data)
{
  Reader r = { .expect = g_bytes_get_size (data) };
  GThread *thread;
  guint16 port;
  gint64 t_start;
  gsize len;
  const guint8 *p = g_bytes_get_data (data, &len);
  int fd;
  double mbps;

  r.listen_fd = bench_plain_listen (&port, 16);
  thread = g_thread_new ("reader", reader_thread, &r);
  fd = bench_plain_connect (port);
  t_start = g_get_monotonic_time ();
  bench_write_all (fd, p, len, len);
  g_thread_join (thread);
  close (fd);
  close (r.listen_fd);

  if (r.got != r.expect)
    g_error ("plain sendall: read %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT, r.got,
             r.expect);
  mbps = bench_mb_per_s (r.expect, r.t_end - t_start);
  if (opt_verbose)
    g_print ("    plain sendall: %.0f MB/s\n", mbps);
  return mbps;
}

/* ---- main ------------------------------------------------------------------------- */

static double
median_of (const double *v,
           guint         n)
{
  g_autofree double *copy = g_memdup2 (v, n * sizeof *v);
  return bench_median (copy, n);
}

static void
print_row (const char   *what,
           const double *v,
           guint         n)
{
  g_print ("  %-44s %10.0f %10.0f\n", what, median_of (v, n), bench_max (v, n));
}

/* Ratio of the medians and of the best runs; @target 0 for none. */
static void
print_ratio (const char   *what,
             const double *a,
             const double *b,
             guint         n,
             double        target)
{
  double ratio = median_of (a, n) / median_of (b, n);

  g_print ("  %-44s %10.3f %10.3f", what, ratio, bench_max (a, n) / bench_max (b, n));
  if (target > 0)
    g_print ("   target >= %.2f: %s", target, bench_yes_no (ratio >= target));
  g_print ("\n");
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *bytes_text = NULL;
  g_autofree char *sendall_text = NULL;
  g_autofree char *limit_text = NULL;
  g_autofree char *limit_label = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) sendall_data = NULL;
  GOptionEntry entries[] = {
    { "bytes", 0, 0, G_OPTION_ARG_STRING, &bytes_text,
      "Bytes to receive per run (default 1G)", "N[k|M|G]" },
    { "sendall-bytes", 0, 0, G_OPTION_ARG_STRING, &sendall_text,
      "Bytes to sendall per run (default 256M)", "N[k|M|G]" },
    { "limit", 0, 0, G_OPTION_ARG_STRING, &limit_text,
      "Row D's transcript byte limit (default 32M, as the app)", "N[k|M|G]" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &opt_runs, "Runs of each measurement (default 3)", "N" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &opt_verbose, "Print every run", NULL },
    { "only", 0, 0, G_OPTION_ARG_STRING, &opt_only,
      "Run only these rows of the tables, e.g. AC (for profiling one with perf)", "LETTERS" },
    { NULL }
  };
  double *engine, *plain, *keep, *clearing, *ring, *polled, *mem, *limmem, *sendmem;
  guint64 reads = 0, limreads = 0;
  guint n;

  context = g_option_context_new ("— SbSocket TCP throughput against plain syscalls");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if ((bytes_text != NULL && !bench_parse_size (bytes_text, &opt_bytes))
      || (sendall_text != NULL && !bench_parse_size (sendall_text, &opt_sendall_bytes))
      || (limit_text != NULL && (!bench_parse_size (limit_text, &opt_limit) || opt_limit == 0))
      || opt_runs < 1)
    {
      g_printerr ("bad --bytes, --sendall-bytes, --limit or --runs\n");
      return 2;
    }
  signal (SIGPIPE, SIG_IGN);

  n = opt_runs;
  engine = g_new0 (double, n);
  plain = g_new0 (double, n);
  keep = g_new0 (double, n);
  ring = g_new0 (double, n);
  polled = g_new0 (double, n);
  clearing = g_new0 (double, n);
  mem = g_new0 (double, n);
  limmem = g_new0 (double, n);
  sendmem = g_new0 (double, n);
  pattern = g_malloc (PIECE);
  for (gsize i = 0; i < PIECE; i++)
    pattern[i] = pattern_at (i);

  g_print ("Sockbench throughput - loopback TCP, %u CPUs, GLib %u.%u.%u, MB = 10^6 bytes\n",
           g_get_num_processors (), glib_major_version, glib_minor_version, glib_micro_version);
  g_print ("%u runs of each, interleaved; the median and the best run\n\n", n);
  limit_label = opt_limit % (1 << 20) == 0
                ? g_strdup_printf ("%" G_GUINT64_FORMAT " MiB", opt_limit >> 20)
                : g_strdup_printf ("%" G_GUINT64_FORMAT " B", opt_limit);

  /* receive */
  if (opt_bytes >= (1 << 30))
    g_print ("receive %.2f GiB", (double) opt_bytes / (1 << 30));
  else
    g_print ("receive %.1f MiB", (double) opt_bytes / (1 << 20));
  g_print (" (sender thread: write(2) in 256 KiB pieces)\n");
  g_print ("  %-44s %10s %10s\n", "", "median MB/s", "best MB/s");
  /* One untimed run first: the first gigabyte a process touches here costs
   * far more than the next (this machine is a VM; its host backs the guest's
   * memory on first touch), which would otherwise land on row A alone. */
  if (sel ('A') || sel ('C'))
    run_plain_receive (opt_bytes, TRUE, 0, FALSE);
  for (guint i = 0; i < n; i++)
    {
      if (sel ('A'))
        engine[i] = run_engine_receive (opt_bytes, 0, &mem[i], &reads);
      if (sel ('B'))
        plain[i] = run_plain_receive (opt_bytes, FALSE, 0, FALSE);
      if (sel ('C'))
        keep[i] = run_plain_receive (opt_bytes, TRUE, 0, FALSE);
      if (sel ('D'))
        clearing[i] = run_engine_receive (opt_bytes, opt_limit, &limmem[i], &limreads);
      if (sel ('G'))
        ring[i] = run_plain_receive (opt_bytes, TRUE, opt_limit, FALSE);
      if (sel ('H'))
        polled[i] = run_plain_receive (opt_bytes, TRUE, opt_limit, TRUE);
    }
  if (sel ('A'))
    print_row ("A  SbSocket auto-receive, keeping every byte", engine, n);
  if (sel ('B'))
    print_row ("B  plain recv(2), one 64 KiB buffer", plain, n);
  if (sel ('C'))
    print_row ("C  plain recv(2), keeping every byte", keep, n);
  if (sel ('D'))
    {
      g_autofree char *what = g_strdup_printf ("D  SbSocket auto-receive, keeping last %s", limit_label);
      print_row (what, clearing, n);
    }
  if (sel ('G'))
    {
      g_autofree char *what = g_strdup_printf ("G  plain recv(2), keeping last %s", limit_label);
      print_row (what, ring, n);
    }
  if (sel ('H'))
    {
      g_autofree char *what = g_strdup_printf ("H  as G, non-blocking + poll(2)");
      print_row (what, polled, n);
    }
  if (sel ('A') && sel ('B'))
    print_ratio ("A/B  engine / plain (the target)", engine, plain, n, RATIO_TARGET);
  if (sel ('A') && sel ('C'))
    print_ratio ("A/C  both keep: same fresh memory to fill", engine, keep, n, 0);
  if (sel ('D') && sel ('B'))
    print_ratio ("D/B  engine with a byte limit / plain", clearing, plain, n, RATIO_TARGET);
  if (sel ('D') && sel ('G'))
    print_ratio ("D/G  both keep the last bytes, reusing memory", clearing, ring, n, 0);
  if (sel ('D') && sel ('H'))
    print_ratio ("D/H  engine / the same loop without GLib", clearing, polled, n, 0);
  if (sel ('H') && sel ('B'))
    print_ratio ("H/B  any main-loop receiver keeping bytes", polled, plain, n, 0);
  if (sel ('A'))
    {
      double worst_mem = bench_max (mem, n);

      g_print ("  %-44s %10.4f %10s   target <= %.2f: %s\n", "transcript memory / byte held",
               worst_mem, "(worst)", MEMORY_TARGET, bench_yes_no (worst_mem <= MEMORY_TARGET));
      g_print ("  %-44s %10.1f\n", "A: mean read size, KiB",
               (double) opt_bytes / (double) MAX (reads, 1) / 1024);
    }
  if (sel ('D'))
    {
      double worst = bench_max (limmem, n);

      g_print ("  %-44s %10.4f %10s   target <= %.2f: %s\n", "D: transcript memory / byte held",
               worst, "(worst)", MEMORY_TARGET, bench_yes_no (worst <= MEMORY_TARGET));
      g_print ("  %-44s %10.4f %10s   (the limit + up to two chunks of limit/16)\n",
               "D: bytes held / limit", held_over_limit, "(most)");
    }
  g_print ("\n");
  if (!sel ('E') && !sel ('F'))
    goto out;

  /* sendall */
  {
    guint8 *buf = g_malloc (opt_sendall_bytes);

    for (guint64 i = 0; i < opt_sendall_bytes; i += PIECE)
      memcpy (buf + i, pattern, MIN ((guint64) PIECE, opt_sendall_bytes - i));
    sendall_data = g_bytes_new_take (buf, opt_sendall_bytes);
  }
  g_print ("sendall %.0f MiB (reader thread: recv(2) into 64 KiB, discarding)\n",
           (double) opt_sendall_bytes / (1 << 20));
  g_print ("  %-44s %10s %10s\n", "", "median MB/s", "best MB/s");
  for (guint i = 0; i < n; i++)
    {
      if (sel ('E'))
        engine[i] = run_engine_sendall (sendall_data, &sendmem[i]);
      if (sel ('F'))
        plain[i] = run_plain_sendall (sendall_data);
    }
  if (sel ('E'))
    print_row ("E  SbSocket send_all_async", engine, n);
  if (sel ('F'))
    print_row ("F  plain write(2) of the whole buffer", plain, n);
  if (sel ('E') && sel ('F'))
    print_ratio ("E/F  engine / plain (the target)", engine, plain, n, RATIO_TARGET);
  if (sel ('E'))
    g_print ("  %-44s %10.6f %10s   (kept by reference: the caller's\n"
             "  %-44s %10s %10s    buffer, held alive, plus the events)\n",
             "transcript memory / byte sent", bench_max (sendmem, n), "(worst)", "", "", "");

out:

  g_free (engine);
  g_free (plain);
  g_free (keep);
  g_free (ring);
  g_free (polled);
  g_free (clearing);
  g_free (mem);
  g_free (limmem);
  g_free (sendmem);
  g_free (pattern);
  return 0;
}
