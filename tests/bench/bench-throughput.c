/* bench-throughput.c — TCP throughput of the engine against plain syscalls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Prints figures, asserts nothing about time:
 *
 *  receive  a sender thread write(2)s --bytes (default 1 GiB) in 256 KiB
 *           pieces over loopback; the receiver is an accepted SbSocket with
 *           auto-receive on, keeping every byte in its transcript, on a
 *           GMainLoop, until EOF. Reference: a blocking recv(2) loop with a
 *           64 KiB buffer against the same kind of sender.
 *  sendall  a connected SbSocket sends --sendall-bytes (default 256 MiB) with
 *           sb_socket_send_all_async to a reader thread that recv(2)s and
 *           discards. Reference: a blocking write(2) loop of the same buffer
 *           to the same kind of reader.
 *
 * Each measurement runs --runs times (default 3), engine and reference
 * interleaved; the table shows the median and the best run.
 */
#include "config.h"

#include <malloc.h>
#include <signal.h>

#include "sb-socket.h"
#include "bench-util.h"

#define PIECE        (256 * 1024)   /* sender write(2) size */
#define PLAIN_BUF    (64 * 1024)    /* reference recv(2) buffer */
#define KEEP_CHUNK   (4 * 1024 * 1024)
#define RATIO_TARGET 0.9
#define MEMORY_TARGET 1.1

static guint64 opt_bytes = G_GUINT64_CONSTANT (1) << 30;
static guint64 opt_sendall_bytes = G_GUINT64_CONSTANT (256) << 20;
static int opt_runs = 3;
static gboolean opt_verbose = FALSE;
static gboolean opt_prewarm = FALSE;

/* The stream is a repeating 256 KiB pattern, so any offset can be checked. */
static guint8 *pattern;

static inline guint8
pattern_at (guint64 offset)
{
  return (guint8) ((offset % PIECE) * 7 + (offset % PIECE) / 251);
}

/* This machine is a VM whose balloon reports free pages to the host: memory
 * freed a couple of seconds ago is cold again, and its first touch costs a
 * host fault per page. --prewarm touches and frees @bytes right before a
 * run that keeps what it receives, so that run gets host-backed pages, as
 * on bare metal; without it, the receive figures vary with the host. */
static void
prewarm (guint64 bytes)
{
  guint8 *p;

  if (!opt_prewarm)
    return;
  p = g_malloc (bytes);
  for (guint64 i = 0; i < bytes; i += 4096)
    p[i] = 1;
  g_free (p);
  malloc_trim (0);
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

/* Compare a few windows of the transcript with the pattern. */
static gboolean
check_transcript (SbTranscript *t,
                  guint64       bytes)
{
  guint8 buf[4096];
  GRand *rand = g_rand_new_with_seed (42);
  gboolean ok = TRUE;

  for (guint i = 0; i < 64 && ok; i++)
    {
      guint64 at = i == 0 ? 0 : i == 1 ? bytes - MIN (bytes, sizeof buf)
                 : (guint64) (g_rand_double (rand) * (double) bytes);
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

static double
run_engine_receive (guint64  bytes,
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

  prewarm (bytes);
  sb_socket_accept_async (listener, NULL, accept_cb, &r);
  thread = g_thread_new ("sender", sender_thread, &s);
  g_main_loop_run (loop);
  g_thread_join (thread);

  if (r.error != NULL)
    g_error ("engine receive: %s", r.error);
  t = sb_socket_get_transcript (r.child);
  if (sb_transcript_get_bytes_in (t) != bytes || sb_transcript_get_n_bytes (t) != bytes)
    g_error ("engine receive: got %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " bytes",
             sb_transcript_get_bytes_in (t), bytes);
  if (!check_transcript (t, bytes))
    g_error ("engine receive: the transcript does not hold what was sent");

  mbps = bench_mb_per_s (bytes, r.t_end - s.t_start);
  *out_memory_ratio = (double) sb_transcript_get_memory_size (t)
                      / (double) sb_transcript_get_n_bytes (t);
  *out_reads = sb_transcript_get_messages_in (t);
  if (opt_verbose)
    g_print ("    engine receive: %.0f MB/s, %" G_GUINT64_FORMAT " reads, memory %.4f x\n",
             mbps, *out_reads, *out_memory_ratio);

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
 * fresh memory to fault in, none of the engine. */
static double
run_plain_receive (guint64  bytes,
                   gboolean keep)
{
  Sender s = { .bytes = bytes };
  guint8 *buf = g_malloc (PLAIN_BUF);
  GPtrArray *kept = g_ptr_array_new_with_free_func (g_free);
  gsize used = KEEP_CHUNK;
  guint64 got = 0;
  GThread *thread;
  gint64 t_end;
  int lfd, fd;
  double mbps;

  lfd = bench_plain_listen (&s.port, 16);
  if (keep)
    prewarm (bytes);
  thread = g_thread_new ("sender", sender_thread, &s);
  fd = accept4 (lfd, NULL, NULL, SOCK_CLOEXEC);
  if (fd < 0)
    g_error ("accept: %s", g_strerror (errno));
  for (;;)
    {
      ssize_t n;

      if (keep && KEEP_CHUNK - used < 4096)
        {
          buf = g_malloc (KEEP_CHUNK);
          g_ptr_array_add (kept, buf);
          used = 0;
        }
      n = recv (fd, keep ? buf + used : buf, keep ? MIN (PLAIN_BUF, KEEP_CHUNK - used) : PLAIN_BUF,
                0);
      if (n < 0 && errno == EINTR)
        continue;
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
    g_print ("    plain receive%s: %.0f MB/s\n", keep ? " (keeping)" : "", mbps);
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

static void
print_pair (const char *what,
            double     *engine,
            double     *plain,
            guint       n)
{
  double eb = bench_max (engine, n), pb = bench_max (plain, n);
  double em = bench_median (engine, n), pm = bench_median (plain, n);
  double ratio = em / pm;

  g_print ("  %-32s %10.0f %10.0f\n", "SbSocket", em, eb);
  g_print ("  %-32s %10.0f %10.0f\n", what, pm, pb);
  g_print ("  %-32s %10.3f %10.3f   target >= %.2f: %s\n", "ratio engine/plain", ratio,
           eb / pb, RATIO_TARGET, bench_yes_no (ratio >= RATIO_TARGET));
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *bytes_text = NULL;
  g_autofree char *sendall_text = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) sendall_data = NULL;
  GOptionEntry entries[] = {
    { "bytes", 0, 0, G_OPTION_ARG_STRING, &bytes_text,
      "Bytes to receive per run (default 1G)", "N[k|M|G]" },
    { "sendall-bytes", 0, 0, G_OPTION_ARG_STRING, &sendall_text,
      "Bytes to sendall per run (default 256M)", "N[k|M|G]" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &opt_runs, "Runs of each measurement (default 3)", "N" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &opt_verbose, "Print every run", NULL },
    { "prewarm", 0, 0, G_OPTION_ARG_NONE, &opt_prewarm,
      "Touch and free the memory right before each run that keeps what it receives "
      "(takes out a VM's first-touch host faults)", NULL },
    { NULL }
  };
  double *engine, *plain, *keep, *mem, *sendmem;
  guint64 reads = 0;
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
      || opt_runs < 1)
    {
      g_printerr ("bad --bytes, --sendall-bytes or --runs\n");
      return 2;
    }
  signal (SIGPIPE, SIG_IGN);

  n = opt_runs;
  engine = g_new0 (double, n);
  plain = g_new0 (double, n);
  keep = g_new0 (double, n);
  mem = g_new0 (double, n);
  sendmem = g_new0 (double, n);
  pattern = g_malloc (PIECE);
  for (gsize i = 0; i < PIECE; i++)
    pattern[i] = pattern_at (i);

  g_print ("Sockbench throughput - loopback TCP, %u CPUs, GLib %u.%u.%u, MB = 10^6 bytes\n",
           g_get_num_processors (), glib_major_version, glib_minor_version, glib_micro_version);
  g_print ("%u runs of each, engine and reference interleaved; median and best run\n\n", n);

  /* receive */
  g_print ("receive %.2f GiB (sender: write(2) in 256 KiB pieces)\n",
           (double) opt_bytes / (1 << 30));
  g_print ("  %-32s %10s %10s\n", "", "median MB/s", "best MB/s");
  /* untimed warm-up: in a VM, memory the guest never touched costs a host
   * fault per page the first time; let that be paid before measuring */
  run_plain_receive (opt_bytes, TRUE);
  for (guint i = 0; i < n; i++)
    {
      engine[i] = run_engine_receive (opt_bytes, &mem[i], &reads);
      plain[i] = run_plain_receive (opt_bytes, FALSE);
      keep[i] = run_plain_receive (opt_bytes, TRUE);
    }
  {
    double worst_mem = bench_max (mem, n);
    double keep_m, keep_b, eng_m;

    keep_b = bench_max (keep, n);
    keep_m = bench_median (keep, n);
    print_pair ("plain recv(2), 64 KiB buffer", engine, plain, n);
    eng_m = bench_median (engine, n);
    g_print ("  %-32s %10.0f %10.0f\n", "plain recv(2) keeping the bytes", keep_m, keep_b);
    g_print ("  %-32s %10.3f %10.3f   (same memory to fill; informative)\n",
             "ratio engine/plain keeping", eng_m / keep_m, bench_max (engine, n) / keep_b);
    g_print ("  %-32s %10.4f %10s   target <= %.2f: %s\n", "transcript memory / byte held",
             worst_mem, "(worst)", MEMORY_TARGET, bench_yes_no (worst_mem <= MEMORY_TARGET));
    g_print ("  %-32s %10.1f\n\n", "engine: mean read size, KiB",
             (double) opt_bytes / (double) MAX (reads, 1) / 1024);
  }

  /* sendall */
  {
    guint8 *buf = g_malloc (opt_sendall_bytes);

    for (guint64 i = 0; i < opt_sendall_bytes; i += PIECE)
      memcpy (buf + i, pattern, MIN ((guint64) PIECE, opt_sendall_bytes - i));
    sendall_data = g_bytes_new_take (buf, opt_sendall_bytes);
  }
  g_print ("sendall %.0f MiB (reader: recv(2) into 64 KiB, discarding)\n",
           (double) opt_sendall_bytes / (1 << 20));
  g_print ("  %-32s %10s %10s\n", "", "median MB/s", "best MB/s");
  for (guint i = 0; i < n; i++)
    {
      engine[i] = run_engine_sendall (sendall_data, &sendmem[i]);
      plain[i] = run_plain_sendall (sendall_data);
    }
  print_pair ("plain write(2), whole buffer", engine, plain, n);
  g_print ("  %-32s %10.6f %10s   (sent bytes are kept by reference: this is the\n"
           "  %-32s %10s %10s    caller's buffer, held alive, plus the events)\n",
           "transcript memory / byte sent", bench_max (sendmem, n), "(worst)", "", "", "");

  g_free (engine);
  g_free (plain);
  g_free (keep);
  g_free (mem);
  g_free (sendmem);
  g_free (pattern);
  return 0;
}
