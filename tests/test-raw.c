/* test-raw.c — raw IP and packet sockets on loopback (needs CAP_NET_RAW)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run as root, or inside `unshare -rn` after `ip link set lo up`. Without the
 * capability every test is skipped with the reason.
 */
#include "config.h"

#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/icmp6.h>
#include <netinet/udp.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <linux/if_packet.h>
#include <unistd.h>

#include "sb-socket.h"

#define WAIT_SECONDS 10
#define NEEDS_RAW "needs CAP_NET_RAW: run as root or in unshare -rn (with lo up)"

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

#define WAIT_FOR(cond)                                                        \
  G_STMT_START {                                                              \
    gint64 _deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC; \
    while (!(cond))                                                           \
      {                                                                       \
        if (g_get_monotonic_time () > _deadline)                              \
          g_error ("%s:%d: timed out waiting for %s", __FILE__, __LINE__, #cond); \
        g_main_context_iteration (NULL, TRUE);                                \
      }                                                                       \
  } G_STMT_END

static void
result_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

/* A privileged socket, or NULL after g_test_skip() when we lack the right. */
static SbSocket *
new_privileged (SbFamily     family,
                SbSocketType type,
                int          protocol)
{
  g_autoptr(GError) error = NULL;
  SbSocket *sock = sb_socket_new (family, type, protocol, &error);

  if (sock == NULL && g_error_matches (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_PERMISSION))
    {
      /* the message says what is missing and how to get it */
      g_assert_nonnull (strstr (error->message, "CAP_NET_RAW"));
      g_test_message ("%s", error->message);
      g_test_skip (NEEDS_RAW);
      return NULL;
    }
  g_assert_no_error (error);
  g_assert_nonnull (sock);
  return sock;
}

static void
close_and_finalize (SbSocket *sock)
{
  sb_socket_close (sock);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (sock);
}

static GBytes *
receive_wait (SbSocket        *sock,
              gsize            bufsize,
              GSocketAddress **peer,
              GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_socket_receive_async (sock, bufsize, NULL, result_cb, &result);
  WAIT_FOR (result != NULL);
  return sb_socket_receive_finish (sock, result, peer, error);
}

static guint16
inet_checksum (const guint8 *data,
               gsize         len)
{
  guint32 sum = 0;

  for (gsize i = 0; i + 1 < len; i += 2)
    sum += (data[i] << 8) | data[i + 1];
  if (len & 1)
    sum += data[len - 1] << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return htons ((guint16) ~sum);
}

static gboolean
memmem_bytes (const guint8 *hay,
              gsize         hay_len,
              const char   *needle,
              gsize        *at)
{
  const guint8 *p = memmem (hay, hay_len, needle, strlen (needle));

  if (p == NULL)
    return FALSE;
  if (at != NULL)
    *at = p - hay;
  return TRUE;
}

/* ---- raw IP ------------------------------------------------------------------ */

static void
test_icmp_echo (void)
{
  SbSocket *sock = new_privileged (SB_FAMILY_IPV4, SB_SOCKET_RAW, IPPROTO_ICMP);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) to = NULL;
  guint16 id = (guint16) (getpid () ^ 0x5b5b);
  const char *payload = "sockbench raw echo";
  guint8 packet[64];
  gsize len = 8 + strlen (payload);
  gboolean saw_request = FALSE, saw_reply = FALSE;

  if (sock == NULL)
    return;
  g_assert_cmpint (sb_socket_get_socket_type (sock), ==, SB_SOCKET_RAW);
  g_assert_cmpint (sb_socket_get_protocol (sock), ==, IPPROTO_ICMP);
  g_assert_true (sb_socket_can_send_to (sock));
  g_assert_true (sb_socket_can_receive (sock));
  g_assert_false (sb_socket_can_listen (sock));

  /* type 8 code 0, checksum over the ICMP message, id, sequence, data */
  memset (packet, 0, sizeof packet);
  packet[0] = ICMP_ECHO;
  packet[1] = 0;
  packet[4] = id >> 8;
  packet[5] = id & 0xff;
  packet[6] = 0;
  packet[7] = 1;
  memcpy (packet + 8, payload, strlen (payload));
  {
    guint16 sum = inet_checksum (packet, len);
    memcpy (packet + 2, &sum, 2);
  }
  g_assert_cmpuint (inet_checksum (packet, len), ==, 0);

  to = sb_address_parse ("127.0.0.1", 0, SB_FAMILY_IPV4, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sb_socket_send_to (sock, to, packet, len, &error), ==, (gssize) len);
  g_assert_no_error (error);

  /* a raw IPv4 socket reads whole IP packets: it sees the request it sent
   * (on lo) and the kernel's reply */
  sb_socket_set_timeout (sock, 3000);
  while (!saw_reply)
    {
      g_autoptr(GSocketAddress) peer = NULL;
      g_autoptr(GBytes) got = receive_wait (sock, 1500, &peer, &error);
      const guint8 *d;
      gsize n, ihl;

      g_assert_no_error (error);
      d = g_bytes_get_data (got, &n);
      g_assert_cmpuint (n, >=, 20);
      g_assert_cmpuint (d[0] >> 4, ==, 4);
      ihl = (d[0] & 0x0f) * 4;
      g_assert_cmpuint (d[9], ==, IPPROTO_ICMP);
      g_assert_cmpuint (n, >=, ihl + 8);
      if (((d[ihl + 4] << 8) | d[ihl + 5]) != id)
        continue; /* someone else's ping */
      /* the sender of both is 127.0.0.1 */
      {
        g_autofree char *from = sb_address_to_string (peer);
        g_assert_true (g_str_has_prefix (from, "127.0.0.1"));
      }
      g_assert_cmpmem (d + ihl + 8, n - ihl - 8, payload, strlen (payload));
      g_assert_cmpuint (inet_checksum (d + ihl, n - ihl), ==, 0);
      if (d[ihl] == ICMP_ECHO)
        saw_request = TRUE;
      else if (d[ihl] == ICMP_ECHOREPLY)
        saw_reply = TRUE;
    }
  g_assert_true (saw_reply);
  g_test_message ("echo request seen on the raw socket too: %s", saw_request ? "yes" : "no");

  /* the transcript has both directions */
  g_assert_cmpuint (sb_transcript_get_bytes_out (sb_socket_get_transcript (sock)), ==, len);
  g_assert_cmpuint (sb_transcript_get_messages_in (sb_socket_get_transcript (sock)), >=, 1);

  /* raw sockets are not streams */
  {
    g_assert_false (sb_socket_listen (sock, 1, &error));
    g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE);
    g_clear_error (&error);
    g_assert_cmpint (sb_socket_send (sock, packet, len, &error), ==, -1);
    g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE);
    g_clear_error (&error);
  }
  close_and_finalize (sock);
}

static void
test_icmpv6_echo (void)
{
  SbSocket *sock = new_privileged (SB_FAMILY_IPV6, SB_SOCKET_RAW, IPPROTO_ICMPV6);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) to = NULL;
  guint16 id = (guint16) (getpid () ^ 0x6c6c);
  const char *payload = "sockbench raw echo six";
  guint8 packet[64] = { 0, };
  gsize len = 8 + strlen (payload);
  gboolean saw_reply = FALSE;

  if (sock == NULL)
    return;
  /* the kernel fills in the ICMPv6 checksum (it covers a pseudo-header) */
  packet[0] = ICMP6_ECHO_REQUEST;
  packet[4] = id >> 8;
  packet[5] = id & 0xff;
  packet[7] = 1;
  memcpy (packet + 8, payload, strlen (payload));

  to = sb_address_parse ("::1", 0, SB_FAMILY_IPV6, &error);
  g_assert_cmpint (sb_socket_send_to (sock, to, packet, len, &error), ==, (gssize) len);
  g_assert_no_error (error);

  sb_socket_set_timeout (sock, 3000);
  while (!saw_reply)
    {
      g_autoptr(GSocketAddress) peer = NULL;
      g_autoptr(GBytes) got = receive_wait (sock, 1500, &peer, &error);
      const guint8 *d;
      gsize n;

      g_assert_no_error (error);
      /* raw IPv6 sockets get the ICMPv6 message without the IP header */
      d = g_bytes_get_data (got, &n);
      g_assert_cmpuint (n, >=, 8);
      if (d[0] != ICMP6_ECHO_REPLY || ((d[4] << 8) | d[5]) != id)
        continue;
      g_assert_cmpmem (d + 8, n - 8, payload, strlen (payload));
      {
        g_autofree char *from = sb_address_to_string (peer);
        g_assert_cmpstr (from, ==, "[::1]:0");
      }
      saw_reply = TRUE;
    }
  close_and_finalize (sock);
}

/* ---- packet sockets ------------------------------------------------------- */

static SbSocket *
udp_receiver (guint *port)
{
  g_autoptr(GError) error = NULL;
  SbSocket *udp = sb_socket_new (SB_FAMILY_IPV4, SB_SOCKET_DATAGRAM, 0, &error);

  g_assert_no_error (error);
  g_assert_true (sb_socket_bind (udp, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  *port = sb_socket_get_local_port (udp);
  return udp;
}

static void
test_packet_lo (void)
{
  SbSocket *pkt = new_privileged (SB_FAMILY_PACKET, SB_SOCKET_RAW, 0);
  SbSocket *udp, *sender;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) to = NULL;
  g_autofree char *payload = g_strdup_printf ("sockbench packet %d %" G_GINT64_FORMAT, getpid (),
                                              g_get_monotonic_time ());
  gboolean found = FALSE;
  gint64 last_send, give_up;
  guint port;

  if (pkt == NULL)
    return;
  g_assert_cmpint (sb_socket_get_protocol (pkt), ==, ETH_P_ALL);
  g_assert_true (sb_socket_bind (pkt, "lo", 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sb_socket_get_state (pkt), ==, SB_STATE_BOUND);
  {
    g_autofree char *local = sb_address_to_string (sb_socket_get_local_address (pkt));
    g_autofree char *label = sb_socket_dup_label (pkt);
    g_assert_cmpstr (local, ==, "lo proto 0x0003");
    g_assert_cmpstr (label, ==, "packet (raw) lo proto 0x0003");
  }

  udp = udp_receiver (&port);
  sender = sb_socket_new (SB_FAMILY_IPV4, SB_SOCKET_DATAGRAM, 0, &error);
  to = sb_address_parse ("127.0.0.1", port, SB_FAMILY_IPV4, NULL);
  g_assert_cmpint (sb_socket_send_to (sender, to, (const guint8 *) payload, strlen (payload),
                                      &error), ==, (gssize) strlen (payload));

  /* lo carries every other test's traffic too: under a parallel flood the
   * kernel may drop our frame from the packet socket's full queue, and the
   * flood's frames keep every receive busy. So the datagram goes again
   * every half second until ours is seen (at most a minute: floods in the
   * other tests are finite). */
  sb_socket_set_timeout (pkt, 500);
  last_send = g_get_monotonic_time ();
  give_up = last_send + 60 * G_USEC_PER_SEC;
  for (guint attempts = 1; !found;)
    {
      g_autoptr(GSocketAddress) peer = NULL;
      g_autoptr(GBytes) frame = NULL;
      const guint8 *d;
      gsize n, at;

      if (g_get_monotonic_time () - last_send > G_USEC_PER_SEC / 2)
        {
          g_assert_cmpint (g_get_monotonic_time (), <, give_up);
          g_test_message ("no frame of ours yet (attempt %u): sending again", attempts++);
          g_assert_cmpint (sb_socket_send_to (sender, to, (const guint8 *) payload, strlen (payload),
                                              &error), ==, (gssize) strlen (payload));
          last_send = g_get_monotonic_time ();
        }
      frame = receive_wait (pkt, 65536, &peer, &error);
      if (g_error_matches (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_TIMED_OUT))
        {
          g_clear_error (&error);
          continue;
        }
      g_assert_no_error (error);
      d = g_bytes_get_data (frame, &n);
      if (!memmem_bytes (d, n, payload, &at))
        continue;
      /* Ethernet header (all-zero addresses on lo), IPv4, UDP, then ours */
      g_assert_cmpuint (n, >=, 14 + 20 + 8);
      g_assert_cmpuint ((d[12] << 8) | d[13], ==, ETH_P_IP);
      g_assert_cmpuint (d[14] >> 4, ==, 4);
      g_assert_cmpuint (d[14 + 9], ==, IPPROTO_UDP);
      g_assert_cmpuint (at, ==, 14 + (d[14] & 0x0f) * 4 + 8);
      g_assert_cmpuint ((d[at - 6] << 8) | d[at - 5], ==, port);
      {
        g_autofree char *from = sb_address_to_string (peer);
        g_assert_cmpstr (from, ==, "lo proto 0x0800");
      }
      found = TRUE;
    }

  /* packet sockets have no peers to connect to, and do not listen */
  {
    g_autoptr(GAsyncResult) r = NULL;

    sb_socket_connect_async (pkt, "127.0.0.1", 1, NULL, result_cb, &r);
    WAIT_FOR (r != NULL);
    g_assert_false (sb_socket_connect_finish (pkt, r, &error));
    g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE);
    g_clear_error (&error);
    g_assert_false (sb_socket_listen (pkt, 1, &error));
    g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE);
    g_clear_error (&error);
  }

  g_object_unref (sender);
  close_and_finalize (udp);
  close_and_finalize (pkt);
}

/* A cooked (datagram) packet socket for IPv4 only, with auto-receive. */
/* A timer that wakes the loop, so that a resend is not stuck behind a
 * blocking iteration with nothing else to do. */
static gboolean
keep_turning_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
test_packet_cooked_auto (void)
{
  SbSocket *pkt = new_privileged (SB_FAMILY_PACKET, SB_SOCKET_DATAGRAM, ETH_P_IP);
  SbSocket *udp, *sender;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) to = NULL;
  g_autofree char *payload = g_strdup_printf ("cooked %d %" G_GINT64_FORMAT, getpid (),
                                              g_get_monotonic_time ());
  SbTranscript *t;
  guint port;
  guint n_received = 0;
  gboolean found = FALSE;
  gint64 last_send, give_up;
  guint wake;

  if (pkt == NULL)
    return;
  /* binding to an interface that is not there */
  g_assert_false (sb_socket_bind (pkt, "no-such-if0", 0, &error));
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "no-such-if0"));
  g_clear_error (&error);
  g_assert_true (sb_socket_bind (pkt, "lo", 0, &error));
  g_assert_no_error (error);
  t = sb_socket_get_transcript (pkt);
  sb_socket_set_auto_receive (pkt, TRUE);
  g_assert_true (sb_socket_get_auto_receive (pkt));

  udp = udp_receiver (&port);
  sender = sb_socket_new (SB_FAMILY_IPV4, SB_SOCKET_DATAGRAM, 0, &error);
  to = sb_address_parse ("127.0.0.1", port, SB_FAMILY_IPV4, NULL);
  g_assert_cmpint (sb_socket_send_to (sender, to, (const guint8 *) payload, strlen (payload),
                                      &error), ==, (gssize) strlen (payload));

  /* as in packet-lo: a parallel flood on lo may make the kernel drop our
   * frame, so send it again every half second until it is seen */
  last_send = g_get_monotonic_time ();
  give_up = last_send + 60 * G_USEC_PER_SEC;
  wake = g_timeout_add (100, keep_turning_cb, NULL);
  while (!found)
    {
      guint n = sb_transcript_get_n_events (t);

      if (g_get_monotonic_time () - last_send > G_USEC_PER_SEC / 2)
        {
          g_assert_cmpint (g_get_monotonic_time (), <, give_up);
          g_assert_cmpint (sb_socket_send_to (sender, to, (const guint8 *) payload, strlen (payload),
                                              &error), ==, (gssize) strlen (payload));
          last_send = g_get_monotonic_time ();
        }
      g_main_context_iteration (NULL, TRUE);
      for (guint i = n; i < sb_transcript_get_n_events (t); i++)
        {
          SbTranscriptEntry e;
          g_autoptr(GBytes) b = NULL;
          const guint8 *d;
          gsize len, at;

          sb_transcript_get_entry (t, i, &e);
          if (e.kind != SB_EVENT_RECEIVED)
            continue;
          n_received++;
          b = sb_transcript_get_bytes (t, e.offset, e.length);
          d = g_bytes_get_data (b, &len);
          if (!memmem_bytes (d, len, payload, &at))
            continue;
          /* no link-layer header: the IP header comes first */
          g_assert_cmpuint (d[0] >> 4, ==, 4);
          g_assert_cmpuint (at, ==, (d[0] & 0x0f) * 4 + 8);
          g_assert_cmpstr (sb_transcript_get_peer_string (t, e.peer), ==, "lo proto 0x0800");
          found = TRUE;
        }
    }
  g_assert_cmpuint (n_received, >=, 1);
  g_source_remove (wake);

  g_object_unref (sender);
  close_and_finalize (udp);
  close_and_finalize (pkt);
}

/* sendto on a packet socket: a hand-made Ethernet + IPv6 + UDP frame sent out
 * on lo reaches a UDP socket. (IPv6, because an IPv4 packet from 127.0.0.1
 * that arrives without the loopback route attached is a martian unless
 * route_localnet is set; IPv6 accepts ::1 on a loopback device.) */
static void
test_packet_send (void)
{
  SbSocket *pkt = new_privileged (SB_FAMILY_PACKET, SB_SOCKET_RAW, ETH_P_IPV6);
  SbSocket *udp;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) dest = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GSocketAddress) peer = NULL;
  const char *payload = "injected on lo";
  guint8 frame[128] = { 0, };
  gsize plen = strlen (payload);
  gsize ulen = 8 + plen;
  gsize len = 14 + 40 + ulen;
  struct sockaddr_ll ll = { 0, };
  guint port;

  if (pkt == NULL)
    return;
  g_assert_true (sb_socket_bind (pkt, "lo", 0, &error));
  g_assert_no_error (error);
  udp = sb_socket_new (SB_FAMILY_IPV6, SB_SOCKET_DATAGRAM, 0, &error);
  g_assert_true (sb_socket_bind (udp, "::1", 0, &error));
  g_assert_no_error (error);
  port = sb_socket_get_local_port (udp);

  /* Ethernet: zero addresses (lo), type IPv6 */
  frame[12] = 0x86;
  frame[13] = 0xdd;
  /* IPv6: ::1 → ::1, next header UDP, hop limit 64 */
  {
    guint8 *ip = frame + 14;

    ip[0] = 0x60;
    ip[4] = ulen >> 8;
    ip[5] = ulen & 0xff;
    ip[6] = IPPROTO_UDP;
    ip[7] = 64;
    ip[8 + 15] = 1;
    ip[24 + 15] = 1;
  }
  /* UDP from port 9 to ours, with the checksum IPv6 requires */
  {
    guint8 *u = frame + 14 + 40;
    guint8 sum_buf[40 + 128] = { 0, };
    guint16 sum;

    u[1] = 9;
    u[2] = port >> 8;
    u[3] = port & 0xff;
    u[4] = ulen >> 8;
    u[5] = ulen & 0xff;
    memcpy (u + 8, payload, plen);
    /* pseudo-header: source, destination, length, next header */
    sum_buf[15] = 1;
    sum_buf[31] = 1;
    sum_buf[34] = ulen >> 8;
    sum_buf[35] = ulen & 0xff;
    sum_buf[39] = IPPROTO_UDP;
    memcpy (sum_buf + 40, u, ulen);
    sum = inet_checksum (sum_buf, 40 + ulen);
    if (sum == 0)
      sum = 0xffff;
    memcpy (u + 6, &sum, 2);
  }

  ll.sll_family = AF_PACKET;
  ll.sll_protocol = htons (ETH_P_IPV6);
  ll.sll_ifindex = if_nametoindex ("lo");
  ll.sll_halen = 6;
  dest = g_socket_address_new_from_native (&ll, sizeof ll);
  g_assert_cmpint (sb_socket_send_to (pkt, dest, frame, len, &error), ==, (gssize) len);
  g_assert_no_error (error);
  g_assert_cmpint (sb_socket_get_state (pkt), ==, SB_STATE_BOUND);

  sb_socket_set_timeout (udp, 3000);
  got = receive_wait (udp, 100, &peer, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), payload, plen);
  {
    g_autofree char *from = sb_address_to_string (peer);
    g_assert_cmpstr (from, ==, "[::1]:9");
  }
  /* the packet socket's transcript names the interface */
  {
    SbTranscript *t = sb_socket_get_transcript (pkt);
    gboolean found = FALSE;

    for (guint i = 0; i < sb_transcript_get_n_events (t); i++)
      {
        SbTranscriptEntry e;
        sb_transcript_get_entry (t, i, &e);
        if (e.kind == SB_EVENT_SENT)
          {
            g_assert_cmpuint (e.length, ==, len);
            g_assert_cmpstr (sb_transcript_get_peer_string (t, e.peer), ==, "lo proto 0x86dd");
            found = TRUE;
          }
      }
    g_assert_true (found);
  }

  close_and_finalize (udp);
  close_and_finalize (pkt);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_timeout_add (50, tick_cb, NULL);

  g_test_add_func ("/raw/icmp-echo", test_icmp_echo);
  g_test_add_func ("/raw/icmpv6-echo", test_icmpv6_echo);
  g_test_add_func ("/raw/packet-lo", test_packet_lo);
  g_test_add_func ("/raw/packet-cooked-auto-receive", test_packet_cooked_auto);
  g_test_add_func ("/raw/packet-send", test_packet_send);

  return g_test_run ();
}
