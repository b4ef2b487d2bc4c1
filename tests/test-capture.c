/* test-capture.c — SbCapture live on lo, pcap files in and out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Live capture needs CAP_NET_RAW. As root it runs as is; otherwise the
 * test re-executes itself inside "unshare -rn" (a user and network
 * namespace of its own, with lo brought up), and if that is not possible
 * the live cases are skipped with the reason. The file cases need nothing.
 * tshark, editcap and tcpdump are used where installed (skipped, with the
 * reason, where not).
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <glib/gstdio.h>
#include <pcap/pcap.h>

#include "sb-capture.h"

#define N_DATAGRAMS 200
#define WAIT_MS     5000

static char *live_skip_reason;   /* NULL when live capture works */
static char *tmpdir;

/* ---- helpers -------------------------------------------------------------- */

typedef gboolean (*Cond) (gpointer data);

/* Iterate the default context until @cond holds or @ms pass. */
static gboolean
run_until (Cond     cond,
           gpointer data,
           guint    ms)
{
  gint64 end = g_get_monotonic_time () + ms * (gint64) 1000;

  while (!cond (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      if (!cond (data))
        g_usleep (500);
    }
  return TRUE;
}

static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * (gint64) 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
is_idle (gpointer data)
{
  return sb_capture_get_state (data) == SB_CAPTURE_IDLE;
}

typedef struct
{
  SbCapture *capture;
  guint64    n;
} CountWait;

static gboolean
has_captured (gpointer data)
{
  CountWait *w = data;
  return sb_capture_get_captured (w->capture) >= w->n;
}

static int
udp_socket_bound (guint16 *port)
{
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof a;
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  int size = 4 * 1024 * 1024;

  g_assert_cmpint (fd, >=, 0);
  setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &a, sizeof a), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &a, &len), ==, 0);
  *port = ntohs (a.sin_port);
  return fd;
}

static void
send_datagrams (int      fd,
                guint16  port,
                guint    n,
                guint    first)
{
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (port),
                            .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *payload = g_strdup_printf ("sockbench %u", first + i);

      while (sendto (fd, payload, strlen (payload), 0, (struct sockaddr *) &to, sizeof to) < 0)
        {
          g_assert_cmpint (errno, ==, EAGAIN);
          g_usleep (100);
        }
    }
}

static gboolean
skip_unless_live (void)
{
  if (live_skip_reason == NULL)
    return FALSE;
  g_test_skip (live_skip_reason);
  return TRUE;
}

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

/* Check packet @i of @store: a UDP datagram @sport → @dport carrying
 * "sockbench @number" ("sockbench %02u" in the synthetic ones). */
static void
assert_datagram_full (SbPacketStore *store,
                      guint          i,
                      guint16        sport,
                      guint16        dport,
                      guint          number,
                      gboolean       synthetic)
{
  g_autoptr(SbField) fields = NULL;
  g_autofree char *sport_text = g_strdup_printf ("%u", sport);
  g_autofree char *dport_text = g_strdup_printf ("%u", dport);
  g_autofree char *payload = g_strdup_printf (synthetic ? "sockbench %02u" : "sockbench %u", number);
  SbSummary summary = { 0, };
  const guint8 *data;
  gsize caplen;

  g_assert_true (sb_packet_store_decode (store, i, &summary, &fields));
  g_assert_cmpstr (summary.protocol, ==, "UDP");
  g_assert_false (summary.problem);
  g_assert_cmpstr (sb_field_find (fields, "Source Port")->value, ==, sport_text);
  g_assert_cmpstr (sb_field_find (fields, "Destination Port")->value, ==, dport_text);
  data = sb_packet_store_peek_data (store, i, &caplen);
  g_assert_cmpuint (caplen, >=, strlen (payload));
  g_assert_cmpmem (data + caplen - strlen (payload), strlen (payload), payload, strlen (payload));
  sb_summary_clear (&summary);
}

#define assert_datagram(store, i, sport, dport, number) \
  assert_datagram_full (store, i, sport, dport, number, FALSE)
#define assert_synthetic(store, i, number) \
  assert_datagram_full (store, i, 40000, 5000, number, TRUE)

/* A store with @n synthetic Ethernet/IPv4/UDP packets (no capture needed). */
static SbPacketStore *
synthetic_store (guint n)
{
  SbPacketStore *store = sb_packet_store_new ();
  guint8 frame[64] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00,
    0x45, 0, 0, 20 + 8 + 12, 0, 0, 0x40, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1,
    0x9c, 0x40, 0x13, 0x88, 0, 8 + 12, 0, 0,
  };

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *payload = g_strdup_printf ("sockbench %02u", i % 100);

      memcpy (frame + 42, payload, 12);
      sb_packet_store_append (store, DLT_EN10MB, G_GINT64_CONSTANT (1700000000000000000) + i * 1000,
                              frame, 54, 54);
    }
  return store;
}

/* Read @path into a new store; returns the capture (finished) or NULL with
 * @error set if opening failed. */
static SbCapture *
read_file (const char *path,
           GError    **error)
{
  g_autoptr(SbCapture) capture = sb_capture_new (NULL);

  if (!sb_capture_open_file (capture, path, error))
    return NULL;
  g_assert_cmpint (sb_capture_get_state (capture), ==, SB_CAPTURE_READING);
  g_assert_true (run_until (is_idle, capture, 20000));
  return g_steal_pointer (&capture);
}

static char *
find_tool (const char *name)
{
  char *path = g_find_program_in_path (name);

  if (path == NULL)
    {
      /* tcpdump lives in /usr/sbin, which a user's PATH may lack */
      g_autofree char *sbin = g_build_filename ("/usr/sbin", name, NULL);

      if (g_file_test (sbin, G_FILE_TEST_IS_EXECUTABLE))
        path = g_steal_pointer (&sbin);
    }
  return path;
}

/* ---- without privileges ---------------------------------------------------- */

static void
test_interfaces (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = sb_capture_list_interfaces (&error);
  gboolean lo = FALSE, any = FALSE;

  g_assert_no_error (error);
  g_assert_nonnull (list);
  for (guint i = 0; i < list->len; i++)
    {
      SbInterface *iface = g_ptr_array_index (list, i);
      g_autoptr(SbInterface) copy = sb_interface_copy (iface);

      g_assert_cmpstr (copy->name, ==, iface->name);
      g_assert_nonnull (iface->addresses);
      if (g_str_equal (iface->name, "any"))
        any = TRUE;
      if (g_str_equal (iface->name, "lo"))
        {
          lo = TRUE;
          g_assert_true (iface->flags & SB_INTERFACE_LOOPBACK);
          g_assert_true (iface->flags & SB_INTERFACE_UP);
          g_assert_true (g_strv_contains ((const char * const *) iface->addresses, "127.0.0.1/8"));
        }
    }
  g_assert_true (lo);
  g_assert_true (any);
}

static void
test_filter_check (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (sb_capture_guess_linktype ("any"), ==, DLT_LINUX_SLL2);
  g_assert_cmpint (sb_capture_guess_linktype ("lo"), ==, DLT_EN10MB);
  g_assert_true (sb_capture_check_filter (NULL, DLT_EN10MB, &error));
  g_assert_true (sb_capture_check_filter ("", DLT_EN10MB, &error));
  g_assert_true (sb_capture_check_filter ("udp and port 5000", DLT_EN10MB, &error));
  g_assert_true (sb_capture_check_filter ("tcp[tcpflags] & tcp-syn != 0", DLT_LINUX_SLL2, &error));
  g_assert_no_error (error);

  g_assert_false (sb_capture_check_filter ("udp and", DLT_EN10MB, &error));
  g_assert_error (error, SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_BAD_FILTER);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "syntax error"));
  g_assert_nonnull (strstr (error->message, "“udp and”"));
  g_clear_error (&error);

  g_assert_false (sb_capture_check_filter ("port 99999", DLT_EN10MB, &error));
  g_assert_error (error, SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_BAD_FILTER);
  g_test_message ("%s", error->message);
}

static void
test_save_and_read (void)
{
  g_autoptr(SbPacketStore) store = synthetic_store (50);
  g_autofree char *path = tmp_path ("saved.pcap");
  g_autoptr(GError) error = NULL;
  g_autoptr(SbCapture) capture = NULL;
  SbPacketStore *back;

  g_assert_true (sb_packet_store_save (store, path, 0, G_MAXUINT, &error));
  g_assert_no_error (error);
  capture = read_file (path, &error);
  g_assert_no_error (error);
  g_assert_null (sb_capture_get_error (capture));
  g_assert_cmpint (sb_capture_get_linktype (capture), ==, DLT_EN10MB);
  back = sb_capture_get_store (capture);
  g_assert_cmpuint (sb_packet_store_get_n_packets (back), ==, 50);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (back)), ==, 50);
  for (guint i = 0; i < 50; i++)
    {
      SbPacketRecord a, b;
      gsize alen, blen;
      const guint8 *adata = sb_packet_store_peek_data (store, i, &alen);
      const guint8 *bdata = sb_packet_store_peek_data (back, i, &blen);

      sb_packet_store_get_record (store, i, &a);
      sb_packet_store_get_record (back, i, &b);
      g_assert_cmpmem (adata, alen, bdata, blen);
      /* saved with microseconds */
      g_assert_cmpint (a.time_ns / 1000, ==, b.time_ns / 1000);
      g_assert_cmpuint (a.len, ==, b.len);
      assert_synthetic (back, i, i % 100);
    }
  g_clear_object (&capture);

  /* a range; the filter applies to files too */
  g_assert_true (sb_packet_store_save (store, path, 10, 5, &error));
  capture = sb_capture_new (NULL);
  sb_capture_set_filter (capture, "udp and dst port 5000");
  g_assert_true (sb_capture_open_file (capture, path, &error));
  g_assert_true (run_until (is_idle, capture, 5000));
  g_assert_cmpuint (sb_capture_get_captured (capture), ==, 5);
  g_clear_object (&capture);
  capture = sb_capture_new (NULL);
  sb_capture_set_filter (capture, "tcp");
  g_assert_true (sb_capture_open_file (capture, path, &error));
  g_assert_true (run_until (is_idle, capture, 5000));
  g_assert_cmpuint (sb_capture_get_captured (capture), ==, 0);
  g_clear_object (&capture);

  /* errors: nothing to save, mixed link types, an unwritable place */
  g_assert_false (sb_packet_store_save (store, path, 50, 1, &error));
  g_assert_error (error, SB_PACKET_STORE_ERROR, SB_PACKET_STORE_ERROR_EMPTY);
  g_clear_error (&error);
  sb_packet_store_append (store, DLT_LINUX_SLL2, 0, (const guint8 *) "x", 1, 1);
  g_assert_false (sb_packet_store_save (store, path, 0, G_MAXUINT, &error));
  g_assert_error (error, SB_PACKET_STORE_ERROR, SB_PACKET_STORE_ERROR_LINKTYPES);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_false (sb_packet_store_save (store, "/nonexistent-dir/x.pcap", 0, 10, &error));
  g_assert_error (error, SB_PACKET_STORE_ERROR, SB_PACKET_STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "/nonexistent-dir/x.pcap"));
  g_clear_error (&error);
}

/* tshark reads what we save (and editcap turns it into pcapng, which we
 * read back). */
static void
test_tshark_and_pcapng (void)
{
  g_autoptr(SbPacketStore) store = synthetic_store (N_DATAGRAMS);
  g_autofree char *path = tmp_path ("for-tshark.pcap");
  g_autofree char *ng = tmp_path ("converted.pcapng");
  g_autofree char *tshark = find_tool ("tshark");
  g_autofree char *editcap = find_tool ("editcap");
  g_autoptr(GError) error = NULL;
  g_autoptr(SbCapture) capture = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  int status;

  g_assert_true (sb_packet_store_save (store, path, 0, G_MAXUINT, &error));
  if (tshark == NULL)
    {
      g_test_skip ("tshark is not installed (apt-get install tshark)");
      return;
    }
  {
    const char *argv[] = { tshark, "-r", path, "-Y", "udp", "-T", "fields", "-e", "udp.dstport", NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                                 &status, &error));
  }
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, N_DATAGRAMS);
  for (guint i = 0; lines[i] != NULL; i++)
    g_assert_cmpstr (lines[i], ==, "5000");

  if (editcap == NULL)
    {
      g_test_skip ("editcap is not installed: pcapng not tested");
      return;
    }
  {
    const char *argv[] = { editcap, "-F", "pcapng", path, ng, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                                 NULL, &status, &error));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  capture = read_file (ng, &error);
  g_assert_no_error (error);
  g_assert_null (sb_capture_get_error (capture));
  g_assert_cmpuint (sb_packet_store_get_n_packets (sb_capture_get_store (capture)), ==, N_DATAGRAMS);
  assert_synthetic (sb_capture_get_store (capture), 7, 7);
}

static void
write_file (const char *path,
            const void *data,
            gsize       len)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, data, len, &error));
}

static void
assert_open_fails (const char *path,
                   const char *expect)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SbCapture) capture = sb_capture_new (NULL);
  g_autofree char *base = g_path_get_basename (path);

  g_assert_false (sb_capture_open_file (capture, path, &error));
  g_assert_error (error, SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_BAD_FILE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, base));
  g_assert_nonnull (strstr (error->message, expect));
  g_assert_cmpint (sb_capture_get_state (capture), ==, SB_CAPTURE_IDLE);
}

static void
test_bad_files (void)
{
  g_autoptr(SbPacketStore) store = synthetic_store (10);
  g_autofree char *good = tmp_path ("good.pcap");
  g_autofree char *path = tmp_path ("bad.pcap");
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbCapture) capture = NULL;
  guint8 garbage[300];
  gsize len;

  g_assert_true (sb_packet_store_save (store, good, 0, G_MAXUINT, &error));
  g_assert_true (g_file_get_contents (good, &contents, &len, &error));
  g_assert_cmpuint (len, ==, 24 + 10 * (16 + 54));

  for (guint i = 0; i < sizeof garbage; i++)
    garbage[i] = (i * 7919) % 251;
  write_file (path, garbage, sizeof garbage);
  assert_open_fails (path, "is not a pcap or pcapng file");

  write_file (path, "", 0);
  assert_open_fails (path, "is empty");

  /* cut in the middle of the global header */
  write_file (path, contents, 10);
  assert_open_fails (path, "cut short");

  /* a pcapng section header and then nothing */
  write_file (path, "\x0a\x0d\x0d\x0a\x1c\x00\x00\x00\x4d\x3c\x2b\x1a", 12);
  assert_open_fails (path, "cut short");

  assert_open_fails (tmpdir, "folder");
  {
    g_autofree char *missing = tmp_path ("missing.pcap");
    assert_open_fails (missing, "No such file");
  }

  /* cut in the middle of the fourth record's data: three packets, then
   * a clear error */
  write_file (path, contents, 24 + 3 * 70 + 16 + 20);
  capture = read_file (path, &error);
  g_assert_no_error (error);
  g_assert_error (sb_capture_get_error (capture), SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_TRUNCATED);
  g_test_message ("%s", sb_capture_get_error (capture)->message);
  g_assert_nonnull (strstr (sb_capture_get_error (capture)->message, "bad.pcap is cut short after 3 packets"));
  g_assert_cmpuint (sb_packet_store_get_n_packets (sb_capture_get_store (capture)), ==, 3);
  assert_synthetic (sb_capture_get_store (capture), 2, 2);
  g_clear_object (&capture);

  /* cut in the middle of a record header */
  write_file (path, contents, 24 + 2 * 70 + 7);
  capture = read_file (path, &error);
  g_assert_error (sb_capture_get_error (capture), SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_TRUNCATED);
  g_assert_cmpuint (sb_packet_store_get_n_packets (sb_capture_get_store (capture)), ==, 2);
  g_clear_object (&capture);

  /* a record claiming 4 GB: pcap refuses it, we say so and keep the rest */
  memcpy (contents + 24 + 70 + 8, "\xf0\xff\xff\xff", 4);
  write_file (path, contents, len);
  capture = read_file (path, &error);
  g_assert_nonnull (sb_capture_get_error (capture));
  g_test_message ("%s", sb_capture_get_error (capture)->message);
  g_assert_cmpuint (sb_packet_store_get_n_packets (sb_capture_get_store (capture)), ==, 1);
  g_clear_object (&capture);

  /* frames that are garbage inside a valid file decode as what they are */
  {
    g_autoptr(SbPacketStore) junk = sb_packet_store_new ();

    for (guint i = 0; i < 64; i++)
      sb_packet_store_append (junk, DLT_EN10MB, i, garbage + i, i, i + 100);
    g_assert_true (sb_packet_store_save (junk, path, 0, G_MAXUINT, &error));
    capture = read_file (path, &error);
    g_assert_null (sb_capture_get_error (capture));
    g_assert_cmpuint (sb_packet_store_get_n_packets (sb_capture_get_store (capture)), ==, 64);
    for (guint i = 0; i < 64; i++)
      {
        g_autoptr(SbPacket) row = g_list_model_get_item (G_LIST_MODEL (sb_capture_get_store (capture)), i);
        g_autoptr(SbField) fields = sb_packet_decode_fields (row);

        g_assert_nonnull (sb_packet_get_info (row));
        g_assert_nonnull (fields);
      }
    g_clear_object (&capture);
  }
}

/* A big file is read a budget at a time: the loop turns meanwhile. */
static gboolean
tick_cb (gpointer data)
{
  (*(guint *) data)++;
  return G_SOURCE_CONTINUE;
}

static void
progress_cb (GObject    *object,
             GParamSpec *pspec,
             gpointer    data)
{
  (*(guint *) data)++;
}

static void
test_big_file (void)
{
  g_autoptr(SbPacketStore) store = synthetic_store (400000);
  g_autofree char *path = tmp_path ("big.pcap");
  g_autoptr(GError) error = NULL;
  g_autoptr(SbCapture) capture = sb_capture_new (NULL);
  guint ticks = 0, progress = 0, tick;

  g_assert_true (sb_packet_store_save (store, path, 0, G_MAXUINT, &error));
  g_signal_connect (capture, "notify::progress", G_CALLBACK (progress_cb), &progress);
  g_assert_true (sb_capture_open_file (capture, path, &error));
  tick = g_timeout_add (1, tick_cb, &ticks);
  g_assert_true (run_until (is_idle, capture, 30000));
  g_source_remove (tick);
  g_assert_null (sb_capture_get_error (capture));
  g_assert_cmpuint (sb_packet_store_get_n_packets (sb_capture_get_store (capture)), ==, 400000);
  g_test_message ("%u progress notifications, %u ticks while reading", progress, ticks);
  g_assert_cmpuint (progress, >, 1);
  g_assert_cmpfloat (g_test_timer_elapsed (), >=, 0);
}

/* ---- live --------------------------------------------------------------------- */

typedef struct
{
  guint finished;
  GError *error;
} Finished;

static void
finished_cb (SbCapture    *capture,
             const GError *error,
             gpointer      data)
{
  Finished *f = data;

  f->finished++;
  g_clear_error (&f->error);
  if (error != NULL)
    f->error = g_error_copy (error);
}

/* Capture N datagrams on @iface; returns the capture, stopped. */
static SbCapture *
capture_datagrams (const char *iface,
                   gboolean    immediate,
                   const char *output,
                   guint16    *out_sport,
                   guint16    *out_dport)
{
  g_autoptr(SbCapture) capture = sb_capture_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *filter = NULL;
  Finished fin = { 0, };
  guint16 sport, dport;
  int rx = udp_socket_bound (&dport);
  int tx = udp_socket_bound (&sport);
  CountWait w = { capture, N_DATAGRAMS };

  filter = g_strdup_printf ("udp and port %u", dport);
  sb_capture_set_interface (capture, iface);
  sb_capture_set_filter (capture, filter);
  sb_capture_set_immediate (capture, immediate);
  g_signal_connect (capture, "finished", G_CALLBACK (finished_cb), &fin);
  g_assert_true (sb_capture_start (capture, output, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sb_capture_get_state (capture), ==, SB_CAPTURE_LIVE);

  if (immediate)
    {
      /* Immediate mode uses TPACKET_V2, one frame per packet sized for
       * lo's 64 KiB MTU: even the 16 MiB ring holds 256, and on lo each
       * datagram takes two (the outgoing copy too), so a burst of 200
       * sent while nothing dispatches would overflow it. Send as an
       * application on the same loop would, a few between iterations. */
      for (guint i = 0; i < N_DATAGRAMS; i += 10)
        {
          send_datagrams (tx, dport, 10, i);
          spin (2);
        }
    }
  else
    send_datagrams (tx, dport, N_DATAGRAMS, 0);
  if (!run_until (has_captured, &w, WAIT_MS))
    g_error ("captured %" G_GUINT64_FORMAT " of %u datagrams in %u ms on %s%s, dropped %" G_GUINT64_FORMAT,
             sb_capture_get_captured (capture), N_DATAGRAMS, WAIT_MS, iface, immediate ? " (immediate)" : "",
             sb_capture_get_dropped (capture));
  /* nothing more comes: exactly N */
  spin (150);
  sb_capture_stop (capture);
  g_assert_cmpuint (fin.finished, ==, 1);
  g_assert_no_error (fin.error);
  g_assert_cmpint (sb_capture_get_state (capture), ==, SB_CAPTURE_IDLE);
  g_assert_cmpuint (sb_capture_get_captured (capture), ==, N_DATAGRAMS);
  g_assert_cmpuint (sb_capture_get_dropped (capture), ==, 0);
  g_assert_cmpuint (sb_packet_store_get_n_packets (sb_capture_get_store (capture)), ==, N_DATAGRAMS);
  /* stop() flushed the model */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (sb_capture_get_store (capture))), ==, N_DATAGRAMS);
  for (guint i = 0; i < N_DATAGRAMS; i++)
    assert_datagram (sb_capture_get_store (capture), i, sport, dport, i);

  close (rx);
  close (tx);
  g_signal_handlers_disconnect_by_data (capture, &fin);
  *out_sport = sport;
  *out_dport = dport;
  return g_steal_pointer (&capture);
}

static void
test_live_lo (void)
{
  g_autoptr(SbCapture) capture = NULL;
  g_autofree char *path = tmp_path ("live.pcap");
  g_autofree char *tshark = find_tool ("tshark");
  g_autoptr(GError) error = NULL;
  guint16 sport, dport;

  if (skip_unless_live ())
    return;
  capture = capture_datagrams ("lo", FALSE, NULL, &sport, &dport);
  g_assert_cmpint (sb_capture_get_linktype (capture), ==, DLT_EN10MB);

  /* saved as pcap, tshark counts the same datagrams */
  g_assert_true (sb_packet_store_save (sb_capture_get_store (capture), path, 0, G_MAXUINT, &error));
  g_assert_no_error (error);
  if (tshark != NULL)
    {
      const char *argv[] = { tshark, "-r", path, "-Y", "udp", "-T", "fields", "-e", "udp.dstport", NULL };
      g_autofree char *out = NULL;
      g_autofree char *expect = g_strdup_printf ("%u", dport);
      g_auto(GStrv) lines = NULL;
      int status;

      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                                   NULL, &status, &error));
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      lines = g_strsplit (g_strstrip (out), "\n", -1);
      g_assert_cmpuint (g_strv_length (lines), ==, N_DATAGRAMS);
      for (guint i = 0; lines[i] != NULL; i++)
        g_assert_cmpstr (lines[i], ==, expect);
    }
  else
    g_test_message ("tshark is not installed: the saved file was not checked with it");
}

/* A TCP connection on lo, captured: the packet list shows its numbers
 * relative to each direction's SYN. */
static void
test_live_tcp_relative (void)
{
  g_autoptr(SbCapture) capture = sb_capture_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *filter = NULL;
  g_autoptr(GString) infos = g_string_new (NULL);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof a;
  SbPacketStore *store;
  char buf[16];
  int listener, client, server;
  CountWait w = { capture, 7 };
  const char *patterns[] = {
    "^\\d+ → \\d+ \\[SYN\\] Seq=0 Win=\\d+ Len=0",
    "^\\d+ → \\d+ \\[SYN, ACK\\] Seq=0 Ack=1 Win=\\d+ Len=0",
    "^\\d+ → \\d+ \\[ACK\\] Seq=1 Ack=1 Win=\\d+ Len=0",
    "^\\d+ → \\d+ \\[PSH, ACK\\] Seq=1 Ack=1 Win=\\d+ Len=5",
  };

  if (skip_unless_live ())
    return;

  listener = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (listener, >=, 0);
  g_assert_cmpint (bind (listener, (struct sockaddr *) &a, sizeof a), ==, 0);
  g_assert_cmpint (listen (listener, 1), ==, 0);
  g_assert_cmpint (getsockname (listener, (struct sockaddr *) &a, &len), ==, 0);
  filter = g_strdup_printf ("tcp and port %u", ntohs (a.sin_port));
  sb_capture_set_interface (capture, "lo");
  sb_capture_set_filter (capture, filter);
  g_assert_true (sb_capture_start (capture, NULL, &error));
  g_assert_no_error (error);

  /* blocking calls: on lo each completes at once */
  client = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (connect (client, (struct sockaddr *) &a, sizeof a), ==, 0);
  server = accept (listener, NULL, NULL);
  g_assert_cmpint (server, >=, 0);
  g_assert_cmpint (send (client, "hello", 5, 0), ==, 5);
  g_assert_cmpint (recv (server, buf, sizeof buf, 0), ==, 5);
  g_assert_cmpint (send (server, "0123456789", 10, 0), ==, 10);
  g_assert_cmpint (recv (client, buf, sizeof buf, 0), ==, 10);
  close (client);
  close (server);
  close (listener);

  /* SYN, SYN-ACK, ACK, the two writes, two FINs at least */
  if (!run_until (has_captured, &w, WAIT_MS))
    g_error ("captured %" G_GUINT64_FORMAT " packets of a TCP connection on lo", sb_capture_get_captured (capture));
  spin (150);
  sb_capture_stop (capture);

  store = sb_capture_get_store (capture);
  sb_packet_store_flush (store);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
    {
      g_autoptr(SbPacket) row = g_list_model_get_item (G_LIST_MODEL (store), i);

      g_string_append_printf (infos, "%s\n", sb_packet_get_info (row));
    }
  g_test_message ("%s", infos->str);
  for (guint i = 0; i < G_N_ELEMENTS (patterns); i++)
    {
      g_autoptr(SbPacket) row = g_list_model_get_item (G_LIST_MODEL (store), i);

      if (!g_regex_match_simple (patterns[i], sb_packet_get_info (row), 0, 0))
        g_error ("packet %u is “%s”, not /%s/", i + 1, sb_packet_get_info (row), patterns[i]);
    }
  /* the server's reply: after the client's five bytes */
  g_assert_true (g_regex_match_simple ("\\[PSH, ACK\\] Seq=1 Ack=6 Win=\\d+ Len=10", infos->str, 0, 0));
  g_assert_true (g_regex_match_simple ("\\[FIN, ACK\\] Seq=6 Ack=11 ", infos->str, 0, 0));
}

static void
test_live_immediate (void)
{
  g_autoptr(SbCapture) capture = NULL;
  guint16 sport, dport;

  if (skip_unless_live ())
    return;
  capture = capture_datagrams ("lo", TRUE, NULL, &sport, &dport);
}

static void
test_live_any (void)
{
  g_autoptr(SbCapture) capture = NULL;
  guint16 sport, dport;

  if (skip_unless_live ())
    return;
  capture = capture_datagrams ("any", FALSE, NULL, &sport, &dport);
  g_assert_cmpint (sb_capture_get_linktype (capture), ==, DLT_LINUX_SLL2);
}

/* Packets written as they come, to a file the reader takes back. */
static void
test_live_output_file (void)
{
  g_autoptr(SbCapture) capture = NULL;
  g_autoptr(SbCapture) back = NULL;
  g_autofree char *path = tmp_path ("streamed.pcap");
  g_autoptr(GError) error = NULL;
  guint16 sport, dport;

  if (skip_unless_live ())
    return;
  capture = capture_datagrams ("lo", FALSE, path, &sport, &dport);
  back = read_file (path, &error);
  g_assert_no_error (error);
  g_assert_null (sb_capture_get_error (back));
  g_assert_cmpuint (sb_packet_store_get_n_packets (sb_capture_get_store (back)), ==, N_DATAGRAMS);
  for (guint i = 0; i < N_DATAGRAMS; i++)
    assert_datagram (sb_capture_get_store (back), i, sport, dport, i);
}

static void
test_live_max_packets (void)
{
  g_autoptr(SbCapture) capture = sb_capture_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *filter = NULL;
  Finished fin = { 0, };
  guint16 sport, dport;
  int rx, tx;

  if (skip_unless_live ())
    return;
  rx = udp_socket_bound (&dport);
  tx = udp_socket_bound (&sport);
  filter = g_strdup_printf ("udp dst port %u", dport);
  sb_capture_set_interface (capture, "lo");
  sb_capture_set_filter (capture, filter);
  sb_capture_set_max_packets (capture, 10);
  g_signal_connect (capture, "finished", G_CALLBACK (finished_cb), &fin);
  g_assert_true (sb_capture_start (capture, NULL, &error));
  send_datagrams (tx, dport, 50, 0);
  g_assert_true (run_until (is_idle, capture, WAIT_MS));
  g_assert_cmpuint (fin.finished, ==, 1);
  g_assert_no_error (fin.error);
  g_assert_cmpuint (sb_capture_get_captured (capture), ==, 10);
  g_assert_cmpuint (sb_packet_store_get_n_packets (sb_capture_get_store (capture)), ==, 10);
  assert_datagram (sb_capture_get_store (capture), 9, sport, dport, 9);

  /* started again, the counters start over */
  g_assert_true (sb_capture_start (capture, NULL, &error));
  g_assert_false (sb_capture_start (capture, NULL, &error));
  g_assert_error (error, SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_cmpuint (sb_capture_get_captured (capture), ==, 0);
  sb_capture_stop (capture);
  sb_capture_stop (capture);
  g_assert_cmpuint (fin.finished, ==, 2);
  close (rx);
  close (tx);
  g_signal_handlers_disconnect_by_data (capture, &fin);
}

static void
test_live_errors (void)
{
  g_autoptr(SbCapture) capture = sb_capture_new (NULL);
  g_autoptr(GError) error = NULL;

  if (skip_unless_live ())
    return;
  sb_capture_set_interface (capture, "lo");
  sb_capture_set_filter (capture, "udp and");
  g_assert_false (sb_capture_start (capture, NULL, &error));
  g_assert_error (error, SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_BAD_FILTER);
  g_assert_nonnull (strstr (error->message, "syntax error"));
  g_clear_error (&error);

  sb_capture_set_filter (capture, NULL);
  sb_capture_set_interface (capture, "sbnosuch0");
  g_assert_false (sb_capture_start (capture, NULL, &error));
  g_assert_error (error, SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_NO_SUCH_DEVICE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "sbnosuch0"));
  g_clear_error (&error);

  sb_capture_set_interface (capture, "lo");
  g_assert_false (sb_capture_start (capture, "/nonexistent-dir/out.pcap", &error));
  g_assert_error (error, SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "/nonexistent-dir/out.pcap"));
  g_assert_cmpint (sb_capture_get_state (capture), ==, SB_CAPTURE_IDLE);
}

/* A capture file tcpdump wrote, opened and decoded. */
static void
test_tcpdump_file (void)
{
  g_autofree char *tcpdump = find_tool ("tcpdump");
  g_autofree char *path = tmp_path ("tcpdump.pcap");
  g_autofree char *port_text = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbCapture) capture = NULL;
  g_autofree char *line = NULL;
  guint16 sport, dport;
  const guint K = 20;
  int rx, tx;

  if (skip_unless_live ())
    return;
  if (tcpdump == NULL)
    {
      g_test_skip ("tcpdump is not installed (apt-get install tcpdump)");
      return;
    }
  if (g_getenv ("SB_TEST_UNSHARED") != NULL)
    {
      /* it changes user after opening the device, which a user namespace
       * without a setgroups() mapping refuses */
      g_test_skip ("tcpdump cannot switch users inside unshare -rn");
      return;
    }
  rx = udp_socket_bound (&dport);
  tx = udp_socket_bound (&sport);
  port_text = g_strdup_printf ("%u", dport);
  {
    g_autofree char *count = g_strdup_printf ("%u", K);
    /* -Z root: Debian's tcpdump would otherwise drop to user tcpdump, who
     * cannot write into our private folder */
    const char *argv[] = { tcpdump, "-i", "lo", "-Z", "root", "-U", "-w", path, "-c", count,
                           "udp", "and", "port", port_text, NULL };

    proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
  }
  g_assert_no_error (error);
  /* it says "listening on lo" once the filter is in place */
  err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (proc));
  line = g_data_input_stream_read_line (err, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_test_message ("tcpdump: %s", line);
  g_assert_nonnull (strstr (line, "listening on lo"));

  send_datagrams (tx, dport, K, 100);
  g_assert_true (g_subprocess_wait_check (proc, NULL, &error));
  g_assert_no_error (error);

  capture = read_file (path, &error);
  g_assert_no_error (error);
  g_assert_null (sb_capture_get_error (capture));
  g_assert_cmpuint (sb_packet_store_get_n_packets (sb_capture_get_store (capture)), ==, K);
  for (guint i = 0; i < K; i++)
    assert_datagram (sb_capture_get_store (capture), i, sport, dport, 100 + i);
  close (rx);
  close (tx);
}

/* ---- privileges ------------------------------------------------------------------ */

/* Whether this process may capture on lo. */
static gboolean
can_capture (char **reason)
{
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  pcap_t *p = pcap_create ("lo", errbuf);
  int status;

  if (p == NULL)
    {
      *reason = g_strdup_printf ("libpcap cannot open lo: %s", errbuf);
      return FALSE;
    }
  status = pcap_activate (p);
  if (status < 0)
    *reason = g_strdup_printf ("live capture on lo is not possible (%s: %s); run as root, or where "
                               "“unshare -rn” works", pcap_statustostr (status), pcap_geterr (p));
  pcap_close (p);
  return status >= 0;
}

/* Without CAP_NET_RAW, run again inside a user + network namespace of our
 * own, where we have it and lo is ours (it starts down there). */
static void
maybe_reexec_unshared (int    argc,
                       char **argv)
{
  g_autofree char *unshare = find_tool ("unshare");
  g_autoptr(GPtrArray) args = NULL;
  int status = -1;

  if (g_getenv ("SB_TEST_UNSHARED") != NULL || unshare == NULL)
    return;
  {
    const char *probe[] = { unshare, "-rn", "sh", "-c", "ip link set lo up", NULL };

    if (!g_spawn_sync (NULL, (char **) probe, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                       NULL, NULL, NULL, NULL, &status, NULL)
        || !g_spawn_check_wait_status (status, NULL))
      return;
  }
  args = g_ptr_array_new ();
  g_ptr_array_add (args, unshare);
  g_ptr_array_add (args, "-rn");
  g_ptr_array_add (args, "sh");
  g_ptr_array_add (args, "-c");
  g_ptr_array_add (args, "ip link set lo up && exec \"$0\" \"$@\"");
  for (int i = 0; i < argc; i++)
    g_ptr_array_add (args, argv[i]);
  g_ptr_array_add (args, NULL);
  g_setenv ("SB_TEST_UNSHARED", "1", TRUE);
  execv (unshare, (char **) args->pdata);
  g_unsetenv ("SB_TEST_UNSHARED");
}

int
main (int   argc,
      char *argv[])
{
  char *reason = NULL;
  int result;

  if (!can_capture (&reason))
    {
      maybe_reexec_unshared (argc, argv);
      live_skip_reason = reason;
    }

  g_test_init (&argc, &argv, NULL);
  if (live_skip_reason != NULL)
    g_test_message ("live capture tests skipped: %s", live_skip_reason);
  else if (g_getenv ("SB_TEST_UNSHARED") != NULL)
    g_test_message ("running inside unshare -rn for CAP_NET_RAW");
  tmpdir = g_dir_make_tmp ("sockbench-capture-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);

  g_test_add_func ("/capture/interfaces", test_interfaces);
  g_test_add_func ("/capture/filter-check", test_filter_check);
  g_test_add_func ("/capture/save-and-read", test_save_and_read);
  g_test_add_func ("/capture/tshark-and-pcapng", test_tshark_and_pcapng);
  g_test_add_func ("/capture/bad-files", test_bad_files);
  g_test_add_func ("/capture/big-file", test_big_file);
  g_test_add_func ("/capture/live-lo", test_live_lo);
  g_test_add_func ("/capture/live-tcp-relative", test_live_tcp_relative);
  g_test_add_func ("/capture/live-immediate", test_live_immediate);
  g_test_add_func ("/capture/live-any", test_live_any);
  g_test_add_func ("/capture/live-output-file", test_live_output_file);
  g_test_add_func ("/capture/live-max-packets", test_live_max_packets);
  g_test_add_func ("/capture/live-errors", test_live_errors);
  g_test_add_func ("/capture/tcpdump-file", test_tcpdump_file);

  result = g_test_run ();

  {
    g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (tmpdir, name, NULL);
        g_unlink (path);
      }
    g_rmdir (tmpdir);
  }
  g_free (tmpdir);
  g_free (reason);
  return result;
}
