/* bench-window.c — the main window under load (run it under Xvfb)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Prints figures, asserts nothing about time. The real SbWindow at 1280×800,
 * driven the way tests/test-window.c drives it, while the frame clock is kept
 * running by a tick callback (as any animation would) and every frame is
 * timestamped from the GdkFrameClock's ::after-paint:
 *
 *  tcp     an accepted connection's panel is shown (auto-receive on) while a
 *          peer thread write(2)s into it as fast as loopback allows for
 *          --seconds. The transcript keeps what Keep per Socket says (the
 *          preference, 32 MiB by default); should it hold more than --keep
 *          bytes (with the preference at 0, everything) it is cleared (a
 *          user's Clear), so that the run fits in memory.
 *  udp     a bound UDP socket's panel is shown while a paced sender thread
 *          sends --udp-rate datagrams a second for --seconds (a burst every
 *          1 ms on CLOCK_MONOTONIC). Received (the transcript's messages_in)
 *          plus the kernel's drop count (SO_RXQ_OVFL) must equal the number
 *          sent: then the application lost none. Once with the default
 *          SO_RCVBUF, once with --rcvbuf.
 *          The application lost nothing when received + the engine's kernel
 *          drop count (sb_socket_get_kernel_drops) == sent; SO_MEMINFO's
 *          count and the bytes still queued are printed as a cross-check.
 *  scroll  a transcript of --events events is scrolled through the transcript
 *          table (GtkColumnView) and the stream view (SbHexView), one step
 *          each frame for --scroll-seconds: by a page at a time from the top
 *          and back, and as a sweep over the whole range and back.
 *  capture the Capture page, capturing on lo with "udp and port P", while a
 *          thread floods 127.0.0.1:P with UDP (sendmmsg, unpaced) for
 *          --seconds: packets sent (and the rate reached), captured, listed,
 *          dropped by the kernel. Needs CAP_NET_RAW (root), else skipped.
 *  idle    (only with --only idle) what a frame costs with nothing to do.
 *
 * Frame figures: median fps and the 1st percentile (99 % of frame intervals
 * were shorter), the longest gap between frames (the start and end of the
 * run included), and the work inside frames split into update + layout
 * (GTK's ::layout) and snapshot + render (GDK's ::paint). Under Xvfb the
 * default renderer is GL on llvmpipe; GSK_RENDERER=cairo compares. -v lists
 * the slow frames with their time.
 *
 * Run:
 *   xvfb-run -a -s '-screen 0 1280x800x24' env GDK_BACKEND=x11 \
 *     GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1 GTK_A11Y=none \
 *     build/tests/bench/bench-window [--seconds 10] [--only tcp,udp,scroll,capture]
 */
#include "config.h"

#include <math.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <linux/sock_diag.h>
#include <adwaita.h>

#include "sb-application.h"
#include "sb-window.h"
#include "sb-socket-panel.h"
#include "sb-transcript-view.h"
#include "sb-hex-view.h"
#include "bench-util.h"

#define TARGET_FPS      55.0
#define TARGET_GAP_MS   100.0
#define FLOOD_PIECE     (256 * 1024)
#define UDP_TICK_NS     1000000    /* one burst every 1 ms */
#define UDP_BATCH       256        /* sendmmsg() at most this many at once */
#define UDP_TAIL        5          /* slow datagrams after the flood: they carry the final drop count */

static int opt_seconds = 10;
static int opt_udp_rate = 100000;
static int opt_udp_size = 64;
static guint64 opt_rcvbuf = 4 << 20;
static int opt_events = 1000000;
static double opt_scroll_seconds = 5;
static guint64 opt_keep = G_GUINT64_CONSTANT (2) << 30;
static char *opt_only = NULL;
static gboolean opt_animate = FALSE;
static gboolean opt_verbose = FALSE;

static SbApplication *app;

/* ---- the main loop ------------------------------------------------------------ */

#define WAIT_FOR(cond)                                                        \
  G_STMT_START {                                                               \
    gint64 _deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;          \
    while (!(cond))                                                            \
      {                                                                        \
        if (g_get_monotonic_time () > _deadline)                               \
          g_error ("timed out waiting for %s", #cond);                         \
        g_main_context_iteration (NULL, TRUE);                                 \
      }                                                                        \
  } G_STMT_END

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
run_for (gint64 usec)
{
  gint64 until = g_get_monotonic_time () + usec;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
selected (const char *what)
{
  g_auto(GStrv) parts = NULL;

  if (opt_only == NULL)
    return TRUE;
  parts = g_strsplit (opt_only, ",", -1);
  return g_strv_contains ((const char * const *) parts, what);
}

/* CPU time of this process (all threads), in µs. */
static gint64
cpu_usec (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return (gint64) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * G_USEC_PER_SEC
         + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

/* ---- frames --------------------------------------------------------------------- */

typedef struct
{
  GdkFrameClock *clock;
  gboolean       on;
  gint64         t_start;
  gint64         t_stop;
  gint64         t_before;   /* ::before-paint of the current frame */
  gint64         t_layout;   /* after GTK's ::layout handler (sizes and allocation) */
  gint64         t_paint;    /* after GDK's ::paint handler (snapshot and render) */
  GArray        *stamps;     /* gint64 µs, at ::after-paint */
  GArray        *work;       /* double ms, ::before-paint → ::after-paint */
  GArray        *layout_ms;  /* double ms, ::before-paint → end of ::layout */
  GArray        *paint_ms;   /* double ms, end of ::layout → end of ::paint, frames that drew */
  guint          paints;     /* frames that really drew (::paint) */
} Frames;

static Frames frames;

static void
before_paint_cb (GdkFrameClock *clock,
                 gpointer       data)
{
  frames.t_before = frames.t_layout = frames.t_paint = g_get_monotonic_time ();
}

/* Connected after GTK's own handlers (they connect when the window is
 * realized), so these run when GTK's layout and GDK's paint are done. */
static void
layout_cb (GdkFrameClock *clock,
           gpointer       data)
{
  frames.t_layout = frames.t_paint = g_get_monotonic_time ();
}

static void
paint_cb (GdkFrameClock *clock,
          gpointer       data)
{
  double ms;

  frames.t_paint = g_get_monotonic_time ();
  if (!frames.on)
    return;
  frames.paints++;
  ms = (frames.t_paint - frames.t_layout) / 1000.0;
  g_array_append_val (frames.paint_ms, ms);
}

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       data)
{
  gint64 now = g_get_monotonic_time ();
  double ms = (now - frames.t_before) / 1000.0;

  double lms = (frames.t_layout - frames.t_before) / 1000.0;

  if (!frames.on)
    return;
  g_array_append_val (frames.stamps, now);
  g_array_append_val (frames.work, ms);
  g_array_append_val (frames.layout_ms, lms);
}

/* Keeps the frame clock running, as an animation would; with --animate it
 * also redraws the window each frame. */
static gboolean
keep_ticking_cb (GtkWidget     *widget,
                 GdkFrameClock *clock,
                 gpointer       data)
{
  if (opt_animate)
    gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

static void
frames_attach (GtkWidget *window)
{
  frames.clock = gtk_widget_get_frame_clock (window);
  g_assert_nonnull (frames.clock);
  frames.stamps = g_array_new (FALSE, FALSE, sizeof (gint64));
  frames.work = g_array_new (FALSE, FALSE, sizeof (double));
  frames.layout_ms = g_array_new (FALSE, FALSE, sizeof (double));
  frames.paint_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_signal_connect (frames.clock, "before-paint", G_CALLBACK (before_paint_cb), NULL);
  g_signal_connect (frames.clock, "layout", G_CALLBACK (layout_cb), NULL);
  g_signal_connect (frames.clock, "paint", G_CALLBACK (paint_cb), NULL);
  g_signal_connect (frames.clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
  gtk_widget_add_tick_callback (window, keep_ticking_cb, NULL, NULL);
}

static void
frames_start (void)
{
  g_array_set_size (frames.stamps, 0);
  g_array_set_size (frames.work, 0);
  g_array_set_size (frames.layout_ms, 0);
  g_array_set_size (frames.paint_ms, 0);
  frames.paints = 0;
  frames.t_start = g_get_monotonic_time ();
  frames.on = TRUE;
}

static void
frames_stop (void)
{
  frames.on = FALSE;
  frames.t_stop = g_get_monotonic_time ();
}

typedef struct
{
  guint  n;
  guint  paints;
  double mean_fps;
  double median_fps;
  double p1_fps;        /* the 1st percentile: 99 % of frames came faster */
  double max_gap_ms;    /* longest time without a frame, including the ends */
  double work_median_ms;
  double work_p99_ms;
  double work_max_ms;
  double layout_median_ms;   /* of the frames: update and layout */
  double paint_median_ms;    /* of the frames that drew: snapshot and render */
  double busy;               /* share of the wall time spent in frames */
  guint  gaps_over_target;
} FrameStats;

static double
percentile (double *sorted,
            guint   n,
            double  p)
{
  guint i = (guint) ceil (p / 100.0 * n);

  return sorted[MIN (MAX (i, 1), n) - 1];
}

static FrameStats
frames_stats (void)
{
  FrameStats st = { 0 };
  guint n = frames.stamps->len;
  g_autofree double *iv = NULL;
  g_autofree double *work = NULL;
  gint64 *t = (gint64 *) frames.stamps->data;
  double edge;

  st.n = n;
  st.paints = frames.paints;
  if (n == 0)
    {
      st.max_gap_ms = (frames.t_stop - frames.t_start) / 1000.0;
      return st;
    }
  edge = MAX (t[0] - frames.t_start, frames.t_stop - t[n - 1]) / 1000.0;
  st.max_gap_ms = edge;
  st.gaps_over_target = edge > TARGET_GAP_MS;
  if (n >= 2)
    {
      iv = g_new (double, n - 1);
      for (guint i = 1; i < n; i++)
        {
          iv[i - 1] = (t[i] - t[i - 1]) / 1000.0;
          st.gaps_over_target += iv[i - 1] > TARGET_GAP_MS;
        }
      st.mean_fps = (n - 1) * 1000.0 / ((t[n - 1] - t[0]) / 1000.0);
      st.median_fps = 1000.0 / bench_median (iv, n - 1);   /* sorts */
      st.p1_fps = 1000.0 / percentile (iv, n - 1, 99);
      st.max_gap_ms = MAX (st.max_gap_ms, iv[n - 2]);
    }
  work = g_memdup2 (frames.work->data, n * sizeof (double));
  for (guint i = 0; i < n; i++)
    st.busy += work[i];
  st.busy /= (frames.t_stop - frames.t_start) / 1000.0;
  st.layout_median_ms = bench_median ((double *) frames.layout_ms->data, frames.layout_ms->len);
  if (frames.paint_ms->len > 0)
    st.paint_median_ms = bench_median ((double *) frames.paint_ms->data, frames.paint_ms->len);
  st.work_median_ms = bench_median (work, n);
  st.work_p99_ms = percentile (work, n, 99);
  st.work_max_ms = work[n - 1];
  return st;
}

/* --verbose: the gaps over 50 ms and the frames that took over 20 ms, with
 * their time since the start of the measurement. */
static void
print_slow_frames (void)
{
  gint64 *t = (gint64 *) frames.stamps->data;
  double *w = (double *) frames.work->data;
  gint64 prev = frames.t_start;

  for (guint i = 0; i < frames.stamps->len; i++)
    {
      double gap = (t[i] - prev) / 1000.0;

      if (gap > 50 || w[i] > 20)
        g_print ("    at %7.3f s: gap %6.1f ms, frame work %6.1f ms\n",
                 (t[i] - frames.t_start) / 1e6, gap, w[i]);
      prev = t[i];
    }
  if (frames.t_stop - prev > 50 * 1000)
    g_print ("    at %7.3f s: no frame for the last %.1f ms\n",
             (frames.t_stop - frames.t_start) / 1e6, (frames.t_stop - prev) / 1000.0);
}

static void
print_frame_stats (const char       *label,
                   const FrameStats *st)
{
  if (opt_verbose)
    print_slow_frames ();
  g_print ("  %-28s frames %5u (drew %5u)  median %5.1f fps  1%% low %5.1f fps  mean %5.1f fps\n"
           "  %-28s max gap %7.1f ms (%u over %.0f ms)  frame work median %.1f / p99 %.1f / max %.1f ms\n",
           label, st->n, st->paints, st->median_fps, st->p1_fps, st->mean_fps,
           "", st->max_gap_ms, st->gaps_over_target, TARGET_GAP_MS,
           st->work_median_ms, st->work_p99_ms, st->work_max_ms);
  g_print ("  %-28s frames took %.0f %% of the time; median layout %.1f ms, snapshot+render %.1f ms\n",
           "", 100 * st->busy, st->layout_median_ms, st->paint_median_ms);
}

static gboolean
frames_met (const FrameStats *st)
{
  return st->median_fps >= TARGET_FPS && st->max_gap_ms <= TARGET_GAP_MS;
}

/* ---- the window ----------------------------------------------------------------- */

static SbWindow *
new_window (void)
{
  SbWindow *window = sb_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (window)));
  return window;
}

static SbSocket *
add_socket (SbWindow   *window,
            const char *preset)
{
  guint n = g_list_model_get_n_items (sb_window_get_sockets (window));
  g_autoptr(SbSocket) socket = NULL;

  if (!gtk_widget_activate_action (GTK_WIDGET (window), "win.add-socket", "s", preset))
    g_error ("win.add-socket failed");
  g_assert_cmpuint (g_list_model_get_n_items (sb_window_get_sockets (window)), ==, n + 1);
  socket = g_list_model_get_item (sb_window_get_sockets (window), n);
  return socket; /* the window's list holds it */
}

static SbSocketPanel *
panel_of (SbWindow *window,
          SbSocket *socket)
{
  return SB_SOCKET_PANEL (sb_window_get_panel (window, socket));
}

static void
activate (SbSocketPanel *panel,
          const char    *action)
{
  if (!gtk_widget_activate_action (GTK_WIDGET (panel), action, NULL))
    g_error ("%s failed", action);
}

static void
close_all (SbWindow *window)
{
  while (g_list_model_get_n_items (sb_window_get_sockets (window)) > 0)
    {
      g_autoptr(SbSocket) s = g_list_model_get_item (sb_window_get_sockets (window), 0);
      sb_window_select_socket (window, s);
      gtk_widget_activate_action (GTK_WIDGET (window), "win.close-socket", NULL);
    }
  run_for (200 * 1000);
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_descendant (c, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Where the transcript table is: it should follow the end while data comes in. */
static void
print_view_position (SbSocketPanel *panel)
{
  SbTranscriptView *tv = sb_socket_panel_get_transcript_view (panel);
  GtkWidget *cv = find_descendant (GTK_WIDGET (tv), GTK_TYPE_COLUMN_VIEW);
  GtkAdjustment *adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (cv));
  double bottom = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);

  g_print ("  transcript table: %u rows, scrolled to %.0f of %.0f px: %s\n",
           g_list_model_get_n_items (sb_transcript_view_get_model (tv)),
           gtk_adjustment_get_value (adj), bottom,
           gtk_adjustment_get_value (adj) >= bottom - 1 ? "at the end" : "NOT at the end");
}

/* ---- tcp: a flood into an accepted connection ----------------------------------------- */

typedef struct
{
  guint16       port;
  int           fd;
  gint          stop;
  guint64       sent;
} Flood;

static gpointer
flood_thread (gpointer data)
{
  Flood *f = data;
  guint8 *buf = g_malloc (FLOOD_PIECE);

  /* Lines of text, so that the views have something realistic to draw. */
  for (gsize i = 0; i < FLOOD_PIECE; i++)
    buf[i] = i % 64 == 63 ? '\n' : "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,"[(i * 7 + i / 64) % 64];

  while (!g_atomic_int_get (&f->stop))
    {
      ssize_t n = send (f->fd, buf, FLOOD_PIECE, MSG_NOSIGNAL);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          break;   /* shut down by the main thread, or reset */
        }
      f->sent += n;
    }
  g_free (buf);
  return NULL;
}

static void
run_tcp (SbWindow *window)
{
  SbSocket *server, *child;
  SbSocketPanel *sp;
  SbTranscript *t;
  Flood flood = { 0 };
  GThread *thread;
  guint clears = 0;
  guint64 in0, in1, cleared = 0, max_held = 0, held;
  gint64 t0, t1, cpu0, cpu1;
  FrameStats st;
  double mbps;

  g_print ("\n== tcp: a flood into an accepted connection's panel, %d s ==\n", opt_seconds);

  server = add_socket (window, "tcp-server");
  sp = panel_of (window, server);
  sb_socket_panel_set_bind_address (sp, "127.0.0.1", 0);
  activate (sp, "panel.bind");
  activate (sp, "panel.listen");
  activate (sp, "panel.accept");

  flood.port = sb_socket_get_local_port (server);
  flood.fd = bench_plain_connect (flood.port);
  WAIT_FOR (g_list_model_get_n_items (sb_socket_get_children (server)) == 1);
  child = g_list_model_get_item (sb_socket_get_children (server), 0);
  g_object_unref (child);   /* the listener keeps it */
  sb_window_select_socket (window, child);
  WAIT_FOR (sb_socket_get_auto_receive (child));
  t = sb_socket_get_transcript (child);
  run_for (300 * 1000);

  thread = g_thread_new ("flood", flood_thread, &flood);
  run_for (200 * 1000);   /* the flood is on */

  frames_start ();
  cpu0 = cpu_usec ();
  t0 = g_get_monotonic_time ();
  in0 = sb_transcript_get_bytes_in (t);
  while ((t1 = g_get_monotonic_time ()) < t0 + (gint64) opt_seconds * G_USEC_PER_SEC)
    {
      g_main_context_iteration (NULL, TRUE);
      held = sb_transcript_get_n_bytes (t) - sb_transcript_get_first_offset (t);
      max_held = MAX (max_held, held);
      if (held > opt_keep)
        {
          cleared += sb_transcript_get_bytes_in (t);
          sb_transcript_clear (t);
          clears++;
        }
    }
  in1 = cleared + sb_transcript_get_bytes_in (t);
  cpu1 = cpu_usec ();
  frames_stop ();

  g_atomic_int_set (&flood.stop, 1);
  shutdown (flood.fd, SHUT_RDWR);
  g_thread_join (thread);
  close (flood.fd);
  run_for (300 * 1000);   /* the table follows the end at most every 100 ms */
  print_view_position (panel_of (window, child));

  st = frames_stats ();
  mbps = bench_mb_per_s (in1 - in0, t1 - t0);
  g_print ("  received %" G_GUINT64_FORMAT " bytes in %.2f s: %.0f MB/s (peer wrote %" G_GUINT64_FORMAT ")\n",
           in1 - in0, (t1 - t0) / 1e6, mbps, flood.sent);
  g_print ("  transcript held at most %.0f MiB (Keep per Socket: %.0f MiB, 0 = all); "
           "cleared %u time(s) above --keep %.0f MiB; %u events now\n",
           max_held / 1048576.0, sb_transcript_get_byte_limit (t) / 1048576.0, clears,
           opt_keep / 1048576.0, sb_transcript_get_n_events (t));
  g_print ("  process CPU %.0f %% of one core (both threads)\n", 100.0 * (cpu1 - cpu0) / (t1 - t0));
  print_frame_stats ("while receiving", &st);
  g_print ("  target: median >= %.0f fps and no gap over %.0f ms: %s\n", TARGET_FPS, TARGET_GAP_MS,
           bench_yes_no (frames_met (&st)));
  g_print ("RESULT tcp median_fps=%.1f p1_fps=%.1f max_gap_ms=%.1f bytes=%" G_GUINT64_FORMAT " mb_s=%.0f\n",
           st.median_fps, st.p1_fps, st.max_gap_ms, in1 - in0, mbps);

  close_all (window);
}

/* ---- udp: a paced datagram sender ------------------------------------------------------ */

typedef struct
{
  guint16 port;
  int     rate;
  int     seconds;
  int     size;
  guint64 sent;          /* every datagram the kernel took, the tail included */
  guint64 sent_flood;
  double  achieved;      /* datagrams per second during the flood */
  guint   max_burst;
} Pacer;

static gint64
mono_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
sleep_until_ns (gint64 ns)
{
  struct timespec ts = { ns / 1000000000, ns % 1000000000 };

  while (clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
    ;
}

static gpointer
pacer_thread (gpointer data)
{
  Pacer *p = data;
  struct sockaddr_in sin = { .sin_family = AF_INET };
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct mmsghdr msgs[UDP_BATCH];
  struct iovec iov[UDP_BATCH];
  guint8 *bufs = g_malloc0 ((gsize) UDP_BATCH * p->size);
  gint64 start, next, end, now = 0;
  guint64 seq = 0;

  sin.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  sin.sin_port = htons (p->port);
  if (fd < 0 || connect (fd, (struct sockaddr *) &sin, sizeof sin) != 0)
    g_error ("udp sender: %s", g_strerror (errno));
  memset (msgs, 0, sizeof msgs);
  for (guint i = 0; i < UDP_BATCH; i++)
    {
      guint8 *b = bufs + (gsize) i * p->size;
      for (int k = 8; k < p->size; k++)
        b[k] = 'a' + (k % 26);
      iov[i].iov_base = b;
      iov[i].iov_len = p->size;
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }

  start = next = mono_ns ();
  end = start + (gint64) p->seconds * 1000000000;
  while ((now = mono_ns ()) < end)
    {
      guint64 due = (guint64) ((double) (now - start) * p->rate / 1e9);
      guint burst = 0;

      while (p->sent_flood < due)
        {
          guint n = (guint) MIN (due - p->sent_flood, UDP_BATCH);
          int r;

          for (guint i = 0; i < n; i++)
            {
              guint64 s = seq + i;
              memcpy (iov[i].iov_base, &s, MIN (8, p->size));
            }
          r = sendmmsg (fd, msgs, n, 0);
          if (r < 0)
            {
              if (errno == EINTR || errno == ENOBUFS || errno == EAGAIN)
                continue;
              g_error ("udp sender: sendmmsg: %s", g_strerror (errno));
            }
          seq += r;
          p->sent_flood += r;
          burst += r;
        }
      p->max_burst = MAX (p->max_burst, burst);
      next += UDP_TICK_NS;
      if (next < now - 10 * UDP_TICK_NS)
        next = now;   /* far behind (descheduled): do not try to catch up tick by tick */
      sleep_until_ns (next);
    }
  p->achieved = p->sent_flood / ((now - start) / 1e9);
  p->sent = p->sent_flood;

  /* A few slow ones after the flood: the kernel queues them (the queue has
   * drained by then) and each carries SO_RXQ_OVFL's drop count, so the last
   * one received tells the final count. */
  for (guint i = 0; i < UDP_TAIL; i++)
    {
      sleep_until_ns (mono_ns () + 50 * 1000000);
      if (send (fd, iov[0].iov_base, p->size, 0) == p->size)
        p->sent++;
    }
  close (fd);
  g_free (bufs);
  return NULL;
}

static gboolean
run_udp_once (SbWindow *window,
              guint64   rcvbuf)
{
  SbSocket *s;
  SbSocketPanel *panel;
  SbTranscript *t;
  Pacer p = { 0 };
  GThread *thread;
  FrameStats st;
  guint64 received, drops;
  gint64 t0, t1, cpu0, cpu1, settle;
  int actual = 0;
  gboolean none_lost;
  g_autoptr(GError) error = NULL;

  s = add_socket (window, "udp");
  panel = panel_of (window, s);
  sb_socket_panel_set_bind_address (panel, "127.0.0.1", 0);
  if (rcvbuf > 0 && !sb_socket_set_option (s, SB_OPTION_RCVBUF, (int) rcvbuf, &error))
    g_error ("SO_RCVBUF: %s", error->message);
  activate (panel, "panel.bind");
  WAIT_FOR (sb_socket_get_auto_receive (s));
  sb_socket_get_option (s, SB_OPTION_RCVBUF, &actual, NULL);
  sb_window_select_socket (window, s);
  t = sb_socket_get_transcript (s);
  run_for (300 * 1000);

  g_print ("\n-- SO_RCVBUF %s: the kernel reports %d bytes --\n",
           rcvbuf > 0 ? "enlarged" : "default", actual);

  p.port = sb_socket_get_local_port (s);
  p.rate = opt_udp_rate;
  p.seconds = opt_seconds;
  p.size = MAX (opt_udp_size, 8);

  frames_start ();
  cpu0 = cpu_usec ();
  t0 = g_get_monotonic_time ();
  thread = g_thread_new ("udp-pacer", pacer_thread, &p);
  while ((t1 = g_get_monotonic_time ()) < t0 + (gint64) opt_seconds * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, TRUE);
  cpu1 = cpu_usec ();
  frames_stop ();
  g_thread_join (thread);

  /* Let the application read what the kernel still holds. */
  settle = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  while (sb_transcript_get_messages_in (t) + sb_socket_get_kernel_drops (s) < p.sent
         && g_get_monotonic_time () < settle)
    g_main_context_iteration (NULL, TRUE);
  run_for (100 * 1000);

  run_for (200 * 1000);
  received = sb_transcript_get_messages_in (t);
  drops = sb_socket_get_kernel_drops (s);
  print_view_position (panel);
  {
    /* Cross-checks from the kernel itself: its own drop counter for the
     * socket (SO_MEMINFO) and what is still queued, unread. */
    guint32 meminfo[SK_MEMINFO_VARS] = { 0 };
    socklen_t len = sizeof meminfo;
    int queued = 0;

    getsockopt (sb_socket_get_fd (s), SOL_SOCKET, SO_MEMINFO, meminfo, &len);
    ioctl (sb_socket_get_fd (s), FIONREAD, &queued);
    g_print ("  kernel's own count (SO_MEMINFO): %u dropped; %d bytes still queued\n",
             meminfo[SK_MEMINFO_DROPS], queued);
  }
  none_lost = received + drops == p.sent;
  st = frames_stats ();

  g_print ("  sent %" G_GUINT64_FORMAT " datagrams of %d bytes (%" G_GUINT64_FORMAT " in the flood at %.0f/s, "
           "largest burst %u, + %d slow tail)\n",
           p.sent, p.size, p.sent_flood, p.achieved, p.max_burst, UDP_TAIL);
  g_print ("  received by the application (messages_in) %" G_GUINT64_FORMAT ", dropped by the kernel "
           "(sb_socket_get_kernel_drops) %" G_GUINT64_FORMAT " (%.2f %%)\n",
           received, drops, 100.0 * drops / MAX (p.sent, 1));
  g_print ("  received + kernel drops == sent: %s (%" G_GUINT64_FORMAT " vs %" G_GUINT64_FORMAT ")\n",
           bench_yes_no (none_lost), received + drops, p.sent);
  g_print ("  process CPU %.0f %% of one core (both threads)\n", 100.0 * (cpu1 - cpu0) / (t1 - t0));
  print_frame_stats ("while receiving", &st);
  g_print ("  target: median >= %.0f fps and no gap over %.0f ms: %s\n", TARGET_FPS, TARGET_GAP_MS,
           bench_yes_no (frames_met (&st)));
  g_print ("RESULT udp rcvbuf=%d sent=%" G_GUINT64_FORMAT " rate=%.0f received=%" G_GUINT64_FORMAT
           " kernel_drops=%" G_GUINT64_FORMAT " app_lost=%" G_GINT64_FORMAT
           " median_fps=%.1f p1_fps=%.1f max_gap_ms=%.1f\n",
           actual, p.sent, p.achieved, received, drops,
           (gint64) p.sent - (gint64) (received + drops), st.median_fps, st.p1_fps, st.max_gap_ms);

  close_all (window);
  return none_lost;
}

static void
run_udp (SbWindow *window)
{
  g_print ("\n== udp: %d datagrams/s into a bound socket's panel, %d s ==\n", opt_udp_rate, opt_seconds);
  run_udp_once (window, 0);
  if (opt_rcvbuf > 0)
    run_udp_once (window, opt_rcvbuf);
}

/* ---- scroll: a big transcript through both views --------------------------------------- */

typedef struct
{
  GtkAdjustment *adj;
  gboolean       sweep;    /* else by a page */
  gint64         start;
  gint64         duration;
  guint          steps;
  gboolean       done;
  double         lowest, highest;
} Scroller;

static gboolean
scroll_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       data)
{
  Scroller *s = data;
  double upper = gtk_adjustment_get_upper (s->adj);
  double page = gtk_adjustment_get_page_size (s->adj);
  double range = MAX (upper - page, 0);
  double phase = (double) (g_get_monotonic_time () - s->start) / s->duration;
  double value;

  if (phase >= 1)
    {
      s->done = TRUE;   /* the loop in scroll_once() waits for this */
      return G_SOURCE_REMOVE;
    }
  if (s->sweep)
    value = range * (phase < 0.5 ? 2 * phase : 2 - 2 * phase);   /* down, then back up */
  else
    {
      value = gtk_adjustment_get_value (s->adj) + (phase < 0.5 ? page : -page);
      value = CLAMP (value, 0, range);
    }
  gtk_adjustment_set_value (s->adj, value);
  s->lowest = MIN (s->lowest, value);
  s->highest = MAX (s->highest, value);
  s->steps++;
  return G_SOURCE_CONTINUE;
}

static FrameStats
scroll_once (GtkWidget     *view,
             GtkAdjustment *adj,
             gboolean       sweep,
             const char    *unit)
{
  Scroller s = {
    .adj = adj,
    .sweep = sweep,
    .duration = (gint64) (opt_scroll_seconds * G_USEC_PER_SEC),
    .lowest = G_MAXDOUBLE,
  };
  FrameStats st;
  gint64 cpu0, cpu1;
  char label[64];

  gtk_adjustment_set_value (adj, 0);
  run_for (500 * 1000);

  frames_start ();
  cpu0 = cpu_usec ();
  s.start = g_get_monotonic_time ();
  gtk_widget_add_tick_callback (view, scroll_tick_cb, &s, NULL);
  while (!s.done)
    g_main_context_iteration (NULL, TRUE);
  cpu1 = cpu_usec ();
  frames_stop ();

  st = frames_stats ();
  g_snprintf (label, sizeof label, sweep ? "whole range and back" : "a page a frame, and back");
  print_frame_stats (label, &st);
  g_print ("  %-28s %u steps, reached %s %.0f of %.0f (page %.1f); CPU %.0f %%\n", "",
           s.steps, unit, s.highest, gtk_adjustment_get_upper (adj), gtk_adjustment_get_page_size (adj),
           100.0 * (cpu1 - cpu0) / (frames.t_stop - frames.t_start));
  return st;
}

static void
fill_transcript (SbTranscript *t,
                 guint         n_events)
{
  static const char *peers[] = { "127.0.0.1:40312", "127.0.0.1:40313", "10.0.0.7:5353", "[::1]:8080" };
  guint8 data[256];

  for (gsize i = 0; i < sizeof data; i++)
    data[i] = i % 41 == 40 ? '\n' : 'A' + (i * 13) % 58;
  for (guint i = 0; i < n_events; i++)
    {
      if (i % 1000 == 999)
        sb_transcript_append_message (t, SB_EVENT_NOTICE, peers[i % 4], "a notice between the data");
      else
        sb_transcript_append_data (t, i % 5 == 0 ? SB_EVENT_SENT : SB_EVENT_RECEIVED, peers[i % 4],
                                   data + i % 32, 16 + (i * 37) % 200);
    }
  sb_transcript_flush (t);
}

static void
run_scroll (SbWindow *window)
{
  SbSocket *s;
  SbSocketPanel *panel;
  SbTranscript *t;
  GtkWidget *column_view, *hex_view;
  GtkAdjustment *adj;
  FrameStats a, b, c, d;
  gint64 t0;

  g_print ("\n== scroll: a transcript of %d events, %.1f s each ==\n", opt_events, opt_scroll_seconds);

  s = add_socket (window, "udp");    /* never bound: nothing else arrives */
  panel = panel_of (window, s);
  sb_window_select_socket (window, s);
  t = sb_socket_get_transcript (s);
  t0 = g_get_monotonic_time ();
  fill_transcript (t, opt_events);
  g_print ("  filled in %.2f s: %u events, %.1f MiB of bytes, %.1f MiB in all\n",
           (g_get_monotonic_time () - t0) / 1e6, sb_transcript_get_n_events (t),
           sb_transcript_get_n_bytes (t) / 1048576.0, sb_transcript_get_memory_size (t) / 1048576.0);
  run_for (500 * 1000);

  column_view = find_descendant (GTK_WIDGET (sb_socket_panel_get_transcript_view (panel)), GTK_TYPE_COLUMN_VIEW);
  g_assert_nonnull (column_view);
  adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (column_view));
  g_print ("  transcript table (GtkColumnView), %u rows:\n",
           g_list_model_get_n_items (sb_transcript_view_get_model (sb_socket_panel_get_transcript_view (panel))));
  a = scroll_once (column_view, adj, FALSE, "px");
  b = scroll_once (column_view, adj, TRUE, "px");

  sb_socket_panel_show_stream (panel, TRUE);
  hex_view = find_descendant (GTK_WIDGET (panel), SB_TYPE_HEX_VIEW);
  g_assert_nonnull (hex_view);
  run_for (500 * 1000);
  adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (hex_view));
  g_print ("  stream view (SbHexView, text mode), %" G_GUINT64_FORMAT " rows:\n",
           sb_hex_view_get_n_rows (SB_HEX_VIEW (hex_view)));
  c = scroll_once (hex_view, adj, FALSE, "row");
  d = scroll_once (hex_view, adj, TRUE, "row");

  g_print ("  target: median >= %.0f fps: table %s / %s, stream %s / %s\n", TARGET_FPS,
           bench_yes_no (a.median_fps >= TARGET_FPS), bench_yes_no (b.median_fps >= TARGET_FPS),
           bench_yes_no (c.median_fps >= TARGET_FPS), bench_yes_no (d.median_fps >= TARGET_FPS));
  g_print ("RESULT scroll table_page median_fps=%.1f max_gap_ms=%.1f table_sweep median_fps=%.1f max_gap_ms=%.1f"
           " stream_page median_fps=%.1f max_gap_ms=%.1f stream_sweep median_fps=%.1f max_gap_ms=%.1f\n",
           a.median_fps, a.max_gap_ms, b.median_fps, b.max_gap_ms,
           c.median_fps, c.max_gap_ms, d.median_fps, d.max_gap_ms);

  close_all (window);
}

/* ---- capture: the Capture page while lo is flooded ------------------------------------- */

#define CAPTURE_BATCH 64   /* datagrams a sendmmsg() */

typedef struct
{
  guint16 port;
  int     seconds;
  int     size;
  guint64 sent;
  gint64  start_us;
  gint64  end_us;
} Flooder;

/* Unpaced: a connected UDP socket, sendmmsg() of CAPTURE_BATCH datagrams
 * as fast as they go for --seconds. */
static gpointer
udp_flood_thread (gpointer data)
{
  Flooder *f = data;
  struct sockaddr_in sin = { .sin_family = AF_INET };
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct mmsghdr msgs[CAPTURE_BATCH];
  struct iovec iov[CAPTURE_BATCH];
  guint8 *payload = g_malloc0 (f->size);
  gint64 deadline;

  sin.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  sin.sin_port = htons (f->port);
  if (fd < 0 || connect (fd, (struct sockaddr *) &sin, sizeof sin) != 0)
    g_error ("capture flood: %s", g_strerror (errno));
  for (int k = 0; k < f->size; k++)
    payload[k] = 'a' + (k % 26);
  memset (msgs, 0, sizeof msgs);
  for (guint i = 0; i < CAPTURE_BATCH; i++)
    {
      iov[i].iov_base = payload;
      iov[i].iov_len = f->size;
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }

  f->start_us = g_get_monotonic_time ();
  deadline = f->start_us + (gint64) f->seconds * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      int r = sendmmsg (fd, msgs, CAPTURE_BATCH, 0);

      if (r > 0)
        f->sent += r;
      else if (errno != EINTR && errno != ENOBUFS && errno != EAGAIN)
        g_error ("capture flood: sendmmsg: %s", g_strerror (errno));
    }
  f->end_us = g_get_monotonic_time ();
  close (fd);
  g_free (payload);
  return NULL;
}

static void
run_capture (SbWindow *window)
{
  SbCapturePane *pane = sb_window_get_capture_pane (window);
  SbCapture *capture = sb_capture_pane_get_capture (pane);
  GListModel *store = G_LIST_MODEL (sb_capture_pane_get_store (pane));
  GtkWidget *stack;
  g_autofree char *previous = NULL;
  g_autofree char *filter = NULL;
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t alen = sizeof a;
  Flooder f = { 0 };
  GThread *thread;
  FrameStats st;
  gint64 t0, t1, cpu0, cpu1, settle;
  guint listed_flood, listed;
  guint64 captured, dropped, ps_recv = 0, ring_dropped = 0, if_dropped = 0;
  double rate;
  int sink;
  g_autoptr(GError) error = NULL;

  g_print ("\n== capture: the Capture page, capturing on lo while UDP floods it, %d s ==\n", opt_seconds);
  if (geteuid () != 0)
    {
      g_print ("  skipped: a live capture needs CAP_NET_RAW (run as root)\n");
      return;
    }

  /* The flood's destination: a bound socket that never reads, so that
   * nothing answers with ICMP. */
  sink = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sink < 0 || bind (sink, (struct sockaddr *) &a, sizeof a) != 0
      || getsockname (sink, (struct sockaddr *) &a, &alen) != 0)
    g_error ("sink socket: %s", g_strerror (errno));
  f.port = ntohs (a.sin_port);
  f.seconds = opt_seconds;
  f.size = MAX (opt_udp_size, 8);

  stack = gtk_widget_get_ancestor (GTK_WIDGET (pane), ADW_TYPE_VIEW_STACK);
  g_assert_nonnull (stack);
  previous = g_strdup (adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (stack)));
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (stack), "capture");
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (pane)));

  if (!sb_capture_pane_set_interface (pane, "lo"))
    g_error ("libpcap does not list lo");
  filter = g_strdup_printf ("udp and port %u", f.port);
  sb_capture_pane_set_filter (pane, filter);
  if (sb_capture_pane_get_filter_error (pane) != NULL)
    g_error ("filter: %s", sb_capture_pane_get_filter_error (pane));
  if (!sb_capture_pane_start (pane, &error))
    g_error ("the capture did not start: %s", error->message);
  WAIT_FOR (sb_capture_get_state (capture) == SB_CAPTURE_LIVE);
  run_for (300 * 1000);
  g_print ("  filter \"%s\", %d-byte datagrams, sendmmsg() of %d, unpaced\n", filter, f.size, CAPTURE_BATCH);

  frames_start ();
  cpu0 = cpu_usec ();
  t0 = g_get_monotonic_time ();
  thread = g_thread_new ("capture-flood", udp_flood_thread, &f);
  while ((t1 = g_get_monotonic_time ()) < t0 + (gint64) opt_seconds * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, TRUE);
  cpu1 = cpu_usec ();
  frames_stop ();
  listed_flood = g_list_model_get_n_items (store);
  g_thread_join (thread);
  rate = f.sent / ((f.end_us - f.start_us) / 1e6);

  /* Let the capture read what the ring still holds, then stop it: stopping
   * takes the final statistics. */
  settle = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (sb_capture_get_captured (capture) + sb_capture_get_dropped (capture) / 2 < f.sent
         && g_get_monotonic_time () < settle)
    g_main_context_iteration (NULL, TRUE);
  run_for (300 * 1000);
  sb_capture_pane_stop (pane);
  run_for (300 * 1000);

  captured = sb_capture_get_captured (capture);
  dropped = sb_capture_get_dropped (capture);
  sb_capture_get_stats (capture, &ps_recv, &ring_dropped, &if_dropped);
  listed = g_list_model_get_n_items (store);
  st = frames_stats ();

  g_print ("  sent %" G_GUINT64_FORMAT " datagrams in %.2f s: %.0f pkt/s (aim >= 150000: %s)\n",
           f.sent, (f.end_us - f.start_us) / 1e6, rate, bench_yes_no (rate >= 150000));
  g_print ("  captured %" G_GUINT64_FORMAT " (%.2f %% of sent), listed %u (%u when the flood ended)\n",
           captured, 100.0 * captured / MAX (f.sent, 1), listed, listed_flood);
  g_print ("  dropped by the kernel %" G_GUINT64_FORMAT " (ring %" G_GUINT64_FORMAT ", interface %"
           G_GUINT64_FORMAT "; on lo each datagram enters the ring twice); pcap ps_recv %" G_GUINT64_FORMAT "\n",
           dropped, ring_dropped, if_dropped, ps_recv);
  g_print ("  pane: %s\n", sb_capture_pane_get_counters_text (pane));
  g_print ("  process CPU %.0f %% of one core (all threads)\n", 100.0 * (cpu1 - cpu0) / (t1 - t0));
  print_frame_stats ("while capturing", &st);
  g_print ("  target: median >= %.0f fps while the pane lists: %s (no gap over %.0f ms: %s)\n",
           TARGET_FPS, bench_yes_no (st.median_fps >= TARGET_FPS), TARGET_GAP_MS,
           bench_yes_no (st.max_gap_ms <= TARGET_GAP_MS));
  g_print ("RESULT capture sent=%" G_GUINT64_FORMAT " rate=%.0f captured=%" G_GUINT64_FORMAT
           " listed=%u kernel_drops=%" G_GUINT64_FORMAT " median_fps=%.1f p1_fps=%.1f max_gap_ms=%.1f\n",
           f.sent, rate, captured, listed, dropped, st.median_fps, st.p1_fps, st.max_gap_ms);

  close (sink);
  gtk_widget_activate_action (GTK_WIDGET (pane), "capture.clear", NULL);
  if (previous != NULL)
    adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (stack), previous);
  run_for (300 * 1000);
}

/* ---- idle: what a frame costs on this display ------------------------------------------ */

static void
run_idle (SbWindow *window)
{
  SbSocket *s;
  FrameStats st;
  gboolean animate = opt_animate;

  g_print ("\n== idle: a UDP socket's empty panel, 2 s each ==\n");
  s = add_socket (window, "udp");
  sb_window_select_socket (window, s);
  run_for (500 * 1000);

  opt_animate = FALSE;
  frames_start ();
  run_for (2 * G_USEC_PER_SEC);
  frames_stop ();
  st = frames_stats ();
  print_frame_stats ("ticking, nothing to draw", &st);

  opt_animate = TRUE;
  frames_start ();
  run_for (2 * G_USEC_PER_SEC);
  frames_stop ();
  st = frames_stats ();
  print_frame_stats ("the whole window redrawn", &st);
  opt_animate = animate;

  close_all (window);
}

/* ---- main ------------------------------------------------------------------------------ */

int
main (int   argc,
      char *argv[])
{
  g_autofree char *rcvbuf = NULL;
  g_autofree char *keep = NULL;
  GOptionEntry entries[] = {
    { "seconds", 0, 0, G_OPTION_ARG_INT, &opt_seconds, "Seconds of each receive run (10)", "S" },
    { "udp-rate", 0, 0, G_OPTION_ARG_INT, &opt_udp_rate, "Datagrams a second (100000)", "N" },
    { "udp-size", 0, 0, G_OPTION_ARG_INT, &opt_udp_size, "Bytes a datagram (64)", "N" },
    { "rcvbuf", 0, 0, G_OPTION_ARG_STRING, &rcvbuf, "SO_RCVBUF of the second UDP run, 0 = none (4M)", "SIZE" },
    { "events", 0, 0, G_OPTION_ARG_INT, &opt_events, "Events in the scrolled transcript (1000000)", "N" },
    { "scroll-seconds", 0, 0, G_OPTION_ARG_DOUBLE, &opt_scroll_seconds, "Seconds of each scroll run (5)", "S" },
    { "keep", 0, 0, G_OPTION_ARG_STRING, &keep, "tcp: clear the transcript above this (2G)", "SIZE" },
    { "only", 0, 0, G_OPTION_ARG_STRING, &opt_only, "Comma-separated: idle,tcp,udp,scroll,capture", "LIST" },
    { "animate", 0, 0, G_OPTION_ARG_NONE, &opt_animate, "Redraw the whole window every frame", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &opt_verbose, "List the longest gaps and the slowest frames", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— the main window under load");
  g_autoptr(GError) error = NULL;
  SbWindow *window;
  GskRenderer *renderer;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (rcvbuf != NULL && g_strcmp0 (rcvbuf, "0") != 0 && !bench_parse_size (rcvbuf, &opt_rcvbuf))
    {
      g_printerr ("bad --rcvbuf\n");
      return 2;
    }
  if (g_strcmp0 (rcvbuf, "0") == 0)
    opt_rcvbuf = 0;
  if (keep != NULL && !bench_parse_size (keep, &opt_keep))
    {
      g_printerr ("bad --keep\n");
      return 2;
    }

  if (!gtk_init_check ())
    {
      g_printerr ("bench-window: no display (run it under xvfb-run)\n");
      return 77;
    }
  adw_init ();
  g_timeout_add (50, wake_cb, NULL);

  app = sb_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("register: %s", error->message);

  window = new_window ();
  frames_attach (GTK_WIDGET (window));
  run_for (500 * 1000);
  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  g_print ("bench-window: GTK %u.%u.%u, libadwaita %u.%u.%u, %s on %s, window %dx%d, %u CPUs\n",
           gtk_get_major_version (), gtk_get_minor_version (), gtk_get_micro_version (),
           adw_get_major_version (), adw_get_minor_version (), adw_get_micro_version (),
           G_OBJECT_TYPE_NAME (renderer), G_OBJECT_TYPE_NAME (gdk_display_get_default ()),
           gtk_widget_get_width (GTK_WIDGET (window)), gtk_widget_get_height (GTK_WIDGET (window)),
           g_get_num_processors ());
  g_print ("targets: median >= %.0f fps, no frame gap over %.0f ms, no datagram lost by the application\n",
           TARGET_FPS, TARGET_GAP_MS);

  if (opt_only != NULL && selected ("idle"))
    run_idle (window);
  if (selected ("tcp"))
    run_tcp (window);
  if (selected ("udp"))
    run_udp (window);
  if (selected ("scroll"))
    run_scroll (window);
  if (selected ("capture"))
    run_capture (window);

  gtk_window_destroy (GTK_WINDOW (window));
  run_for (200 * 1000);
  g_object_unref (app);
  return 0;
}
