/* test-socket.c — SbSocket on real sockets over loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every wait drives the main context until a callback has fired; a ticking
 * source keeps an iteration from blocking forever, and a deadline turns a
 * hang into a failure. Nothing sleeps to synchronise.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "sb-socket.h"

#define WAIT_SECONDS 20

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterate the default context until @cond holds; fail after WAIT_SECONDS. */
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
drain_main_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
result_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

/* ---- helpers ------------------------------------------------------------- */

static const char *
loopback (SbFamily family)
{
  return family == SB_FAMILY_IPV6 ? "::1" : "127.0.0.1";
}

static SbSocket *
new_socket (SbFamily     family,
            SbSocketType type)
{
  g_autoptr(GError) error = NULL;
  SbSocket *sock = sb_socket_new (family, type, 0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (sock);
  return sock;
}

static SbSocket *
new_listener (SbFamily family,
              int      backlog)
{
  g_autoptr(GError) error = NULL;
  SbSocket *sock = new_socket (family, SB_SOCKET_STREAM);

  g_assert_true (sb_socket_bind (sock, loopback (family), 0, &error));
  g_assert_no_error (error);
  g_assert_true (sb_socket_listen (sock, backlog, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sb_socket_get_state (sock), ==, SB_STATE_LISTENING);
  g_assert_cmpuint (sb_socket_get_local_port (sock), >, 0);
  return sock;
}

static gboolean
connect_wait (SbSocket   *sock,
              const char *host,
              guint       port,
              GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_socket_connect_async (sock, host, port, NULL, result_cb, &result);
  WAIT_FOR (result != NULL);
  return sb_socket_connect_finish (sock, result, error);
}

static SbSocket *
accept_wait (SbSocket *listener,
             GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_socket_accept_async (listener, NULL, result_cb, &result);
  WAIT_FOR (result != NULL);
  return sb_socket_accept_finish (listener, result, error);
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

/* A connected pair through a listener: client → server (the accepted child). */
static void
make_pair (SbFamily   family,
           SbSocket **listener_out,
           SbSocket **client_out,
           SbSocket **server_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) accepted = NULL;
  g_autoptr(GAsyncResult) connected = NULL;
  SbSocket *listener = new_listener (family, 8);
  SbSocket *client = new_socket (family, SB_SOCKET_STREAM);
  SbSocket *server;

  sb_socket_accept_async (listener, NULL, result_cb, &accepted);
  sb_socket_connect_async (client, loopback (family), sb_socket_get_local_port (listener),
                           NULL, result_cb, &connected);
  WAIT_FOR (accepted != NULL && connected != NULL);
  g_assert_true (sb_socket_connect_finish (client, connected, &error));
  g_assert_no_error (error);
  server = sb_socket_accept_finish (listener, accepted, &error);
  g_assert_no_error (error);
  g_assert_nonnull (server);

  *listener_out = listener;
  *client_out = client;
  *server_out = server;
}

static void
assert_error_event (SbSocket    *sock,
                    SbEventKind  kind,
                    const char  *substring)
{
  SbTranscript *t = sb_socket_get_transcript (sock);

  for (guint i = sb_transcript_get_n_events (t); i-- > 0;)
    {
      SbTranscriptEntry e;
      const char *msg;

      g_assert_true (sb_transcript_get_entry (t, i, &e));
      if (e.kind != kind)
        continue;
      msg = sb_transcript_get_message_string (t, e.message);
      if (substring == NULL || (msg != NULL && strstr (msg, substring) != NULL))
        return;
    }
  g_error ("no %s event mentioning “%s” in the transcript", sb_event_kind_to_string (kind),
           substring ? substring : "");
}

static gboolean
has_message (SbSocket    *sock,
             SbEventKind  kind,
             const char  *substring)
{
  SbTranscript *t = sb_socket_get_transcript (sock);

  for (guint i = 0; i < sb_transcript_get_n_events (t); i++)
    {
      SbTranscriptEntry e;
      const char *msg;

      sb_transcript_get_entry (t, i, &e);
      msg = sb_transcript_get_message_string (t, e.message);
      if (e.kind == kind && msg != NULL && strstr (msg, substring) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* All data of @kind in the transcript, concatenated in order. */
static GBytes *
transcript_data (SbSocket    *sock,
                 SbEventKind  kind)
{
  SbTranscript *t = sb_socket_get_transcript (sock);
  GByteArray *out = g_byte_array_new ();

  for (guint i = 0; i < sb_transcript_get_n_events (t); i++)
    {
      SbTranscriptEntry e;

      sb_transcript_get_entry (t, i, &e);
      if (e.kind == kind && e.length > 0)
        {
          gsize old = out->len;
          g_byte_array_set_size (out, old + e.length);
          g_assert_cmpuint (sb_transcript_read (t, e.offset, out->data + old, e.length), ==,
                            e.length);
        }
    }
  return g_byte_array_free_to_bytes (out);
}

static void
assert_bytes_eq (GBytes     *bytes,
                 const char *expected)
{
  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   expected, strlen (expected));
}

static void
close_and_finalize (SbSocket *sock)
{
  GObject *transcript;

  if (sock == NULL)
    return;
  transcript = G_OBJECT (sb_socket_get_transcript (sock));
  g_object_add_weak_pointer (transcript, (gpointer *) &transcript);
  sb_socket_close (sock);
  /* an accepted connection is also in its listener's children */
  if (sb_socket_get_listener (sock) != NULL)
    sb_socket_release_child (sb_socket_get_listener (sock), sock);
  drain_main_context ();
  if (G_OBJECT (sock)->ref_count != 1)
    {
      g_autofree char *label = sb_socket_dup_label (sock);
      g_error ("%s is still referenced %u times", label, G_OBJECT (sock)->ref_count - 1);
    }
  g_assert_finalize_object (sock);
  g_assert_null (transcript);
}

static guint16
sockaddr_port (GSocketAddress *address)
{
  g_assert_true (G_IS_INET_SOCKET_ADDRESS (address));
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
}

/* ---- names, parsing -------------------------------------------------------- */

static void
test_create (void)
{
  static const struct { SbFamily family; SbSocketType type; const char *label; } ok[] = {
    { SB_FAMILY_IPV4, SB_SOCKET_STREAM, "TCP" },
    { SB_FAMILY_IPV4, SB_SOCKET_DATAGRAM, "UDP" },
    { SB_FAMILY_IPV6, SB_SOCKET_STREAM, "TCP/IPv6" },
    { SB_FAMILY_IPV6, SB_SOCKET_DATAGRAM, "UDP/IPv6" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      SbSocket *sock = new_socket (ok[i].family, ok[i].type);
      g_autofree char *label = sb_socket_dup_label (sock);
      SbTranscriptEntry e;

      g_assert_cmpint (sb_socket_get_family (sock), ==, ok[i].family);
      g_assert_cmpint (sb_socket_get_socket_type (sock), ==, ok[i].type);
      g_assert_cmpint (sb_socket_get_protocol (sock), ==, 0);
      g_assert_cmpint (sb_socket_get_state (sock), ==, SB_STATE_CREATED);
      g_assert_cmpint (sb_socket_get_fd (sock), >=, 0);
      g_assert_cmpint (sb_socket_get_timeout (sock), ==, SB_TIMEOUT_NONE);
      g_assert_cmpstr (label, ==, ok[i].label);
      g_assert_null (sb_socket_get_listener (sock));
      g_assert_null (sb_socket_get_remote_address (sock));
      g_assert_true (sb_socket_can_bind (sock));
      g_assert_true (sb_socket_can_connect (sock));
      g_assert_false (sb_socket_can_send (sock));
      g_assert_false (sb_socket_can_accept (sock));
      g_assert_cmpint (sb_socket_can_listen (sock), ==, ok[i].type == SB_SOCKET_STREAM);
      g_assert_true (sb_transcript_get_entry (sb_socket_get_transcript (sock), 0, &e));
      g_assert_cmpuint (e.kind, ==, SB_EVENT_STATE);
      g_assert_nonnull (strstr (sb_transcript_get_message_string (sb_socket_get_transcript (sock),
                                                                  e.message), "created"));
      close_and_finalize (sock);
    }

  /* explicit protocols that fit */
  {
    g_autoptr(GError) error = NULL;
    SbSocket *tcp = sb_socket_new (SB_FAMILY_IPV4, SB_SOCKET_STREAM, IPPROTO_TCP, &error);
    SbSocket *udp = sb_socket_new (SB_FAMILY_IPV6, SB_SOCKET_DATAGRAM, IPPROTO_UDP, &error);

    g_assert_no_error (error);
    g_assert_cmpint (sb_socket_get_protocol (tcp), ==, IPPROTO_TCP);
    g_assert_cmpint (sb_socket_get_protocol (udp), ==, IPPROTO_UDP);
    close_and_finalize (tcp);
    close_and_finalize (udp);
  }

  /* combinations that make no sense are refused with a reason */
  {
    static const struct { SbFamily family; SbSocketType type; int proto; const char *needle; } bad[] = {
      { SB_FAMILY_IPV4, SB_SOCKET_STREAM, IPPROTO_UDP, "stream" },
      { SB_FAMILY_IPV6, SB_SOCKET_STREAM, IPPROTO_ICMPV6, "stream" },
      { SB_FAMILY_IPV4, SB_SOCKET_DATAGRAM, IPPROTO_TCP, "datagram" },
      { SB_FAMILY_IPV4, SB_SOCKET_RAW, 0, "protocol" },
      { SB_FAMILY_IPV6, SB_SOCKET_RAW, 0, "protocol" },
      { SB_FAMILY_PACKET, SB_SOCKET_STREAM, 0, "stream" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(GError) error2 = NULL;
        SbSocket *sock = sb_socket_new (bad[i].family, bad[i].type, bad[i].proto, &error);

        g_assert_null (sock);
        g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT);
        g_test_message ("%s", error->message);
        g_assert_nonnull (strstr (error->message, bad[i].needle));
        g_assert_false (sb_socket_check_combination (bad[i].family, bad[i].type, bad[i].proto,
                                                     &error2));
        g_assert_error (error2, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT);
      }
  }

  /* the name tables */
  {
    SbFamily f;
    SbSocketType ty;

    g_assert_true (sb_family_from_string ("IPv6", &f) && f == SB_FAMILY_IPV6);
    g_assert_true (sb_family_from_string ("af_packet", &f) && f == SB_FAMILY_PACKET);
    g_assert_false (sb_family_from_string ("ipx", &f));
    g_assert_false (sb_family_from_string (NULL, &f));
    g_assert_true (sb_socket_type_from_string ("dgram", &ty) && ty == SB_SOCKET_DATAGRAM);
    g_assert_true (sb_socket_type_from_string ("SOCK_RAW", &ty) && ty == SB_SOCKET_RAW);
    g_assert_false (sb_socket_type_from_string ("seqpacket", &ty));
    g_assert_cmpstr (sb_family_to_string (SB_FAMILY_IPV4), ==, "ipv4");
    g_assert_cmpstr (sb_socket_type_to_string (SB_SOCKET_STREAM), ==, "stream");
    g_assert_cmpstr (sb_state_to_string (SB_STATE_SHUT_DOWN), ==, "shut down");
    g_assert_cmpstr (sb_option_to_string (SB_OPTION_KEEPALIVE), ==, "keepalive");
    g_assert_cmpstr (sb_option_to_string (SB_N_OPTIONS), ==, "unknown");
    g_assert_cmpstr (sb_errno_name (ECONNREFUSED), ==, "ECONNREFUSED");
    g_assert_cmpint (sb_socket_error_from_errno (ECONNRESET), ==, SB_SOCKET_ERROR_RESET);
    g_assert_cmpint (sb_socket_error_from_errno (EPIPE), ==, SB_SOCKET_ERROR_RESET);
    g_assert_cmpint (sb_socket_error_from_errno (EADDRINUSE), ==, SB_SOCKET_ERROR_ADDRESS_IN_USE);
    g_assert_cmpint (sb_socket_error_from_errno (EPERM), ==, SB_SOCKET_ERROR_PERMISSION);
    g_assert_cmpint (sb_socket_error_from_errno (ENOMEM), ==, SB_SOCKET_ERROR_FAILED);
  }
}

static void
test_protocol_parse (void)
{
  static const struct { const char *text; SbFamily family; int value; } ok[] = {
    { NULL, SB_FAMILY_IPV4, 0 },
    { "", SB_FAMILY_IPV4, 0 },
    { "0", SB_FAMILY_IPV4, 0 },
    { "tcp", SB_FAMILY_IPV4, 6 },
    { "TCP", SB_FAMILY_IPV6, 6 },
    { " udp ", SB_FAMILY_IPV4, 17 },
    { "icmp", SB_FAMILY_IPV4, 1 },
    { "icmpv6", SB_FAMILY_IPV6, 58 },
    { "ip", SB_FAMILY_IPV4, 0 },
    { "raw", SB_FAMILY_IPV4, 255 },
    { "255", SB_FAMILY_IPV4, 255 },
    { "17", SB_FAMILY_IPV4, 17 },
    { "0x11", SB_FAMILY_IPV4, 17 },
    { "0X3a", SB_FAMILY_IPV6, 58 },
    { "all", SB_FAMILY_PACKET, 0x0003 },
    { "ip", SB_FAMILY_PACKET, 0x0800 },
    { "ipv6", SB_FAMILY_PACKET, 0x86dd },
    { "ARP", SB_FAMILY_PACKET, 0x0806 },
    { "0x0800", SB_FAMILY_PACKET, 0x0800 },
    { "0xffff", SB_FAMILY_PACKET, 0xffff },
    { "2048", SB_FAMILY_PACKET, 2048 },
  };
  static const struct { const char *text; SbFamily family; const char *needle; } bad[] = {
    { "256", SB_FAMILY_IPV4, "range" },
    { "0x100", SB_FAMILY_IPV4, "range" },
    { "0x10000", SB_FAMILY_PACKET, "range" },
    { "-1", SB_FAMILY_IPV4, NULL },
    { "foo", SB_FAMILY_IPV4, "Unknown protocol" },
    { "0x", SB_FAMILY_IPV4, "Unknown protocol" },
    { "12abc", SB_FAMILY_IPV4, "Unknown protocol" },
    { "0xzz", SB_FAMILY_PACKET, "Unknown protocol" },
    { "arp", SB_FAMILY_IPV4, "EtherType" },
    { "all", SB_FAMILY_IPV6, "EtherType" },
    { "tcp", SB_FAMILY_PACKET, "IP protocol" },
    { "icmp", SB_FAMILY_PACKET, "IP protocol" },
    { "99999999999999999999999", SB_FAMILY_IPV4, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      g_autoptr(GError) error = NULL;
      int v = -42;

      if (!sb_protocol_parse (ok[i].text, ok[i].family, &v, &error))
        g_error ("“%s”: %s", ok[i].text, error->message);
      g_assert_cmpint (v, ==, ok[i].value);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      int v = -42;

      if (sb_protocol_parse (bad[i].text, bad[i].family, &v, &error))
        g_error ("“%s” parsed as %d", bad[i].text, v);
      g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT);
      if (bad[i].needle != NULL && strstr (error->message, bad[i].needle) == NULL)
        g_error ("“%s”: message “%s” lacks “%s”", bad[i].text, error->message, bad[i].needle);
      /* the message names what was typed */
      g_assert_nonnull (strstr (error->message, bad[i].text));
    }
}

static void
test_address (void)
{
  static const struct { const char *text; const char *host; guint port; } ok[] = {
    { "127.0.0.1:5000", "127.0.0.1", 5000 },
    { "[::1]:80", "::1", 80 },
    { "[fe80::1%lo]:443", "fe80::1%lo", 443 },
    { "localhost:0", "localhost", 0 },
    { "example.org:65535", "example.org", 65535 },
    { ":8080", "", 8080 },
    { "[]:1", "", 1 },
  };
  static const char *bad[] = {
    "", "[::1]", "[::1]80", "[::1:80", "::1:80", "fe80::1:80", "host:", "host:abc", "host:65536",
    "host:-1", "host: 80", "host:+80", "host", "host:80x", "host:99999999999999999999999",
  };

  for (guint i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *host = NULL;
      guint port = 12345;

      if (!sb_address_split (ok[i].text, &host, &port, &error))
        g_error ("“%s”: %s", ok[i].text, error->message);
      g_assert_cmpstr (host, ==, ok[i].host);
      g_assert_cmpuint (port, ==, ok[i].port);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      char *host = NULL;
      guint port = 12345;

      if (sb_address_split (bad[i], &host, &port, &error))
        g_error ("“%s” split into “%s” and %u", bad[i], host, port);
      g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT);
      g_assert_null (host);
      g_assert_cmpuint (port, ==, 12345);
    }
  {
    g_autoptr(GError) error = NULL;
    char *host = NULL;
    guint port = 0;

    g_assert_false (sb_address_split (NULL, &host, &port, &error));
    g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT);
  }

  /* parse: literals only */
  {
    static const struct { const char *host; SbFamily family; const char *expect; } lit[] = {
      { "127.0.0.1", SB_FAMILY_IPV4, "127.0.0.1:80" },
      { " 10.1.2.3 ", SB_FAMILY_IPV4, "10.1.2.3:80" },
      { "", SB_FAMILY_IPV4, "0.0.0.0:80" },
      { NULL, SB_FAMILY_IPV4, "0.0.0.0:80" },
      { "*", SB_FAMILY_IPV6, "[::]:80" },
      { "localhost", SB_FAMILY_IPV4, "127.0.0.1:80" },
      { "LocalHost", SB_FAMILY_IPV6, "[::1]:80" },
      { "::1", SB_FAMILY_IPV6, "[::1]:80" },
      { "[::1]", SB_FAMILY_IPV6, "[::1]:80" },
      { "[2001:db8::5]", SB_FAMILY_IPV6, "[2001:db8::5]:80" },
    };
    static const struct { const char *host; SbFamily family; guint port; const char *needle; } nope[] = {
      { "127.0.0.1", SB_FAMILY_IPV6, 80, "IPv4" },
      { "::1", SB_FAMILY_IPV4, 80, "IPv6" },
      { "[127.0.0.1]", SB_FAMILY_IPV6, 80, "IPv4" },
      { "example.org", SB_FAMILY_IPV4, 80, "not an IP address" },
      { "1.2.3", SB_FAMILY_IPV4, 80, "not an IP address" },
      { "[::1", SB_FAMILY_IPV6, 80, "not an IP address" },
      { "127.0.0.1", SB_FAMILY_IPV4, 65536, "65536" },
      { "eth0", SB_FAMILY_PACKET, 0, "interface" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (lit); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(GSocketAddress) a = sb_address_parse (lit[i].host, 80, lit[i].family, &error);
        g_autofree char *s = NULL;

        g_assert_no_error (error);
        s = sb_address_to_string (a);
        g_assert_cmpstr (s, ==, lit[i].expect);
      }
    for (guint i = 0; i < G_N_ELEMENTS (nope); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(GSocketAddress) a = sb_address_parse (nope[i].host, nope[i].port,
                                                        nope[i].family, &error);

        g_assert_null (a);
        g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT);
        if (strstr (error->message, nope[i].needle) == NULL)
          g_error ("“%s”: message “%s” lacks “%s”", nope[i].host, error->message, nope[i].needle);
      }
  }

  /* resolve: literals come back at once, the other family is an error */
  {
    g_autoptr(GAsyncResult) r1 = NULL;
    g_autoptr(GAsyncResult) r2 = NULL;
    g_autoptr(GAsyncResult) r3 = NULL;
    g_autoptr(GSocketAddress) a1 = NULL;
    g_autoptr(GSocketAddress) a2 = NULL;
    g_autoptr(GSocketAddress) a3 = NULL;
    g_autoptr(GError) e2 = NULL;
    g_autoptr(GError) e3 = NULL;
    g_autofree char *s1 = NULL;

    sb_address_resolve_async ("[::1]", 9, SB_FAMILY_IPV6, NULL, result_cb, &r1);
    sb_address_resolve_async ("127.0.0.1", 9, SB_FAMILY_IPV6, NULL, result_cb, &r2);
    sb_address_resolve_async ("localhost", 70000, SB_FAMILY_IPV4, NULL, result_cb, &r3);
    WAIT_FOR (r1 != NULL && r2 != NULL && r3 != NULL);
    a1 = sb_address_resolve_finish (r1, NULL);
    s1 = sb_address_to_string (a1);
    g_assert_cmpstr (s1, ==, "[::1]:9");
    a2 = sb_address_resolve_finish (r2, &e2);
    g_assert_null (a2);
    g_assert_error (e2, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT);
    a3 = sb_address_resolve_finish (r3, &e3);
    g_assert_null (a3);
    g_assert_error (e3, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT);
  }
}

/* ---- options --------------------------------------------------------------- */

static void
assert_option (SbSocket *sock,
               SbOption  option,
               int       set,
               int       expect)
{
  g_autoptr(GError) error = NULL;
  int v = -1;

  if (!sb_socket_set_option (sock, option, set, &error))
    g_error ("set %s = %d: %s", sb_option_to_string (option), set, error->message);
  g_assert_true (sb_socket_get_option (sock, option, &v, &error));
  g_assert_no_error (error);
  if (v != expect)
    g_error ("%s: set %d, read %d, expected %d", sb_option_to_string (option), set, v, expect);
}

static void
assert_option_refused (SbSocket *sock,
                       SbOption  option)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  int v;

  g_assert_false (sb_socket_set_option (sock, option, 1, &error));
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, sb_option_to_string (option)));
  g_assert_false (sb_socket_get_option (sock, option, &v, &error2));
  g_assert_error (error2, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT);
}

static void
test_options (void)
{
  SbSocket *tcp = new_socket (SB_FAMILY_IPV4, SB_SOCKET_STREAM);
  SbSocket *tcp6 = new_socket (SB_FAMILY_IPV6, SB_SOCKET_STREAM);
  SbSocket *udp = new_socket (SB_FAMILY_IPV4, SB_SOCKET_DATAGRAM);
  SbSocket *udp6 = new_socket (SB_FAMILY_IPV6, SB_SOCKET_DATAGRAM);
  g_autoptr(GError) error = NULL;
  int v;

  assert_option (tcp, SB_OPTION_REUSE_ADDRESS, 1, 1);
  assert_option (tcp, SB_OPTION_REUSE_ADDRESS, 0, 0);
  assert_option (tcp, SB_OPTION_NO_DELAY, 1, 1);
  assert_option (tcp, SB_OPTION_NO_DELAY, 0, 0);
  assert_option (tcp, SB_OPTION_KEEPALIVE, 1, 1);
  assert_option (tcp, SB_OPTION_TTL, 42, 42);
  /* Linux doubles the buffer sizes it is given */
  g_assert_true (sb_socket_set_option (tcp, SB_OPTION_RCVBUF, 65536, &error));
  g_assert_true (sb_socket_get_option (tcp, SB_OPTION_RCVBUF, &v, &error));
  g_assert_no_error (error);
  g_assert_cmpint (v, >=, 65536);
  g_assert_true (sb_socket_set_option (tcp, SB_OPTION_SNDBUF, 32768, &error));
  g_assert_true (sb_socket_get_option (tcp, SB_OPTION_SNDBUF, &v, &error));
  g_assert_cmpint (v, >=, 32768);
  assert_option_refused (tcp, SB_OPTION_V6ONLY);
  g_assert_true (has_message (tcp, SB_EVENT_NOTICE, "option no-delay = 1"));
  assert_error_event (tcp, SB_EVENT_ERROR, "v6only");

  assert_option (tcp6, SB_OPTION_V6ONLY, 1, 1);
  assert_option (tcp6, SB_OPTION_V6ONLY, 0, 0);
  assert_option (tcp6, SB_OPTION_TTL, 17, 17);
  assert_option (tcp6, SB_OPTION_NO_DELAY, 1, 1);

  assert_option (udp, SB_OPTION_BROADCAST, 1, 1);
  assert_option (udp, SB_OPTION_BROADCAST, 0, 0);
  assert_option (udp, SB_OPTION_MULTICAST_TTL, 3, 3);
  assert_option (udp, SB_OPTION_MULTICAST_LOOP, 0, 0);
  assert_option (udp, SB_OPTION_MULTICAST_LOOP, 1, 1);
  assert_option (udp, SB_OPTION_TTL, 1, 1);
  assert_option_refused (udp, SB_OPTION_NO_DELAY);
  assert_option_refused (udp, SB_OPTION_V6ONLY);

  assert_option (udp6, SB_OPTION_V6ONLY, 1, 1);
  assert_option (udp6, SB_OPTION_MULTICAST_TTL, 5, 5);
  assert_option (udp6, SB_OPTION_MULTICAST_LOOP, 0, 0);

  /* a value the kernel refuses: an errno error naming the option */
  g_assert_false (sb_socket_set_option (udp, SB_OPTION_TTL, 1000, &error));
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "ttl"));
  g_assert_nonnull (strstr (error->message, "EINVAL"));
  g_clear_error (&error);

  /* closed */
  sb_socket_close (udp);
  g_assert_false (sb_socket_set_option (udp, SB_OPTION_BROADCAST, 1, &error));
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_false (sb_socket_get_option (udp, SB_OPTION_BROADCAST, &v, &error));
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE);
  g_clear_error (&error);

  close_and_finalize (tcp);
  close_and_finalize (tcp6);
  close_and_finalize (udp);
  close_and_finalize (udp6);
}

static void
test_multicast (void)
{
  SbSocket *udp = new_socket (SB_FAMILY_IPV4, SB_SOCKET_DATAGRAM);
  SbSocket *tcp = new_socket (SB_FAMILY_IPV4, SB_SOCKET_STREAM);
  g_autoptr(GError) error = NULL;

  /* refusals that need no kernel */
  g_assert_false (sb_socket_join_multicast (udp, "10.0.0.1", NULL, &error));
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (sb_socket_join_multicast (udp, "ff02::1", NULL, &error));
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (sb_socket_join_multicast (udp, NULL, NULL, &error));
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (sb_socket_join_multicast (udp, "239.1.2.3", "no-such-if0", &error));
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "no-such-if0"));
  g_clear_error (&error);
  g_assert_false (sb_socket_join_multicast (tcp, "239.1.2.3", NULL, &error));
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_true (sb_socket_bind (udp, "0.0.0.0", 0, &error));
  g_assert_no_error (error);
  if (!sb_socket_join_multicast (udp, "239.1.2.3", "lo", &error))
    {
      g_autofree char *msg = g_strdup_printf ("joining 239.1.2.3 on lo failed: %s", error->message);
      close_and_finalize (udp);
      close_and_finalize (tcp);
      g_test_skip (msg);
      return;
    }
  g_assert_true (has_message (udp, SB_EVENT_STATE, "joined multicast group 239.1.2.3 on lo"));
  /* joining twice: EADDRINUSE from the kernel */
  g_assert_false (sb_socket_join_multicast (udp, "239.1.2.3", "lo", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_true (sb_socket_leave_multicast (udp, "239.1.2.3", "lo", &error));
  g_assert_no_error (error);
  g_assert_true (has_message (udp, SB_EVENT_STATE, "left multicast group 239.1.2.3"));
  /* leaving a group we are not in */
  g_assert_false (sb_socket_leave_multicast (udp, "239.1.2.3", "lo", &error));
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  close_and_finalize (udp);
  close_and_finalize (tcp);
}

/* ---- bind / listen -------------------------------------------------------- */

static void
test_bind (void)
{
  SbSocket *a = new_socket (SB_FAMILY_IPV4, SB_SOCKET_STREAM);
  SbSocket *b = new_socket (SB_FAMILY_IPV4, SB_SOCKET_STREAM);
  SbSocket *c = new_socket (SB_FAMILY_IPV6, SB_SOCKET_DATAGRAM);
  g_autoptr(GError) error = NULL;
  struct sockaddr_in sin;
  socklen_t len = sizeof sin;
  guint port;
  guint notified_port = 0;
  g_autofree char *port_str = NULL;
  g_autofree char *label = NULL;

  g_assert_true (sb_socket_bind (a, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sb_socket_get_state (a), ==, SB_STATE_BOUND);
  port = sb_socket_get_local_port (a);
  g_assert_cmpuint (port, >, 0);
  g_assert_cmpint (getsockname (sb_socket_get_fd (a), (struct sockaddr *) &sin, &len), ==, 0);
  g_assert_cmpuint (ntohs (sin.sin_port), ==, port);
  g_object_get (a, "local-port", &notified_port, NULL);
  g_assert_cmpuint (notified_port, ==, port);
  port_str = g_strdup_printf ("port %u chosen by the kernel", port);
  g_assert_true (has_message (a, SB_EVENT_STATE, port_str));
  label = sb_socket_dup_label (a);
  g_clear_pointer (&port_str, g_free);
  port_str = g_strdup_printf ("TCP 127.0.0.1:%u", port);
  g_assert_cmpstr (label, ==, port_str);
  g_assert_false (sb_socket_can_bind (a));
  g_assert_true (sb_socket_can_listen (a));

  /* in use */
  g_assert_true (sb_socket_listen (a, 4, &error));
  g_assert_false (sb_socket_bind (b, "127.0.0.1", port, &error));
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_ADDRESS_IN_USE);
  g_test_message ("%s", error->message);
  g_clear_pointer (&port_str, g_free);
  port_str = g_strdup_printf ("127.0.0.1:%u", port);
  g_assert_nonnull (strstr (error->message, port_str));
  g_assert_nonnull (strstr (error->message, "EADDRINUSE"));
  g_assert_cmpint (sb_socket_get_state (b), ==, SB_STATE_CREATED);
  assert_error_event (b, SB_EVENT_ERROR, "EADDRINUSE");
  g_clear_error (&error);

  /* wrong state: bound, listening, closed */
  g_assert_false (sb_socket_bind (a, "127.0.0.1", 0, &error));
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE);
  g_assert_nonnull (strstr (error->message, "listening"));
  g_clear_error (&error);
  g_assert_true (sb_socket_bind (b, "127.0.0.1", 0, &error));
  g_assert_false (sb_socket_bind (b, "127.0.0.1", 0, &error));
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE);
  g_clear_error (&error);

  /* bad addresses */
  g_assert_false (sb_socket_bind (c, "127.0.0.1", 0, &error));
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "IPv4"));
  g_clear_error (&error);
  g_assert_false (sb_socket_bind (c, "::1", 70000, &error));
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (sb_socket_bind (c, "2001:db8::1", 0, &error));
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "EADDRNOTAVAIL"));
  g_clear_error (&error);
  g_assert_cmpint (sb_socket_get_state (c), ==, SB_STATE_CREATED);
  g_assert_true (sb_socket_bind (c, "[::1]", 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sb_socket_get_state (c), ==, SB_STATE_BOUND);

  sb_socket_close (c);
  g_assert_false (sb_socket_bind (c, "::1", 0, &error));
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE);
  g_clear_error (&error);

  close_and_finalize (a);
  close_and_finalize (b);
  close_and_finalize (c);
}

static void
test_listen (void)
{
  SbSocket *udp = new_socket (SB_FAMILY_IPV4, SB_SOCKET_DATAGRAM);
  SbSocket *fresh = new_socket (SB_FAMILY_IPV4, SB_SOCKET_STREAM);
  SbSocket *neg = new_socket (SB_FAMILY_IPV4, SB_SOCKET_STREAM);
  g_autoptr(GError) error = NULL;

  g_assert_false (sb_socket_listen (udp, 5, &error));
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_false (sb_socket_listen (neg, -1, &error));
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* listen without bind: the kernel picks a port, and we report it */
  g_assert_true (sb_socket_listen (fresh, 5, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sb_socket_get_local_port (fresh), >, 0);
  g_assert_true (has_message (fresh, SB_EVENT_STATE, "backlog 5"));
  g_assert_false (sb_socket_listen (fresh, 5, &error));
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_true (sb_socket_can_accept (fresh));
  g_assert_false (sb_socket_can_connect (fresh));
  g_assert_false (sb_socket_can_send (fresh));
  g_assert_false (sb_socket_can_receive (fresh));

  close_and_finalize (udp);
  close_and_finalize (fresh);
  close_and_finalize (neg);
}

/* ---- accept / connect ------------------------------------------------------ */

static void
count_accepted_cb (SbSocket  *listener,
                   SbSocket  *child,
                   GPtrArray *seen)
{
  g_assert_true (SB_IS_SOCKET (child));
  g_assert_true (sb_socket_get_listener (child) == listener);
  g_ptr_array_add (seen, child);
}

static void
test_accept_connect (void)
{
  SbSocket *listener = new_listener (SB_FAMILY_IPV4, 5);
  SbSocket *client = new_socket (SB_FAMILY_IPV4, SB_SOCKET_STREAM);
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();
  g_autoptr(GAsyncResult) accepted = NULL;
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *children;
  SbSocket *child;
  guint port = sb_socket_get_local_port (listener);
  g_autofree char *client_local = NULL;
  g_autofree char *child_remote = NULL;
  g_autofree char *label = NULL;
  g_autofree char *expect = NULL;

  g_signal_connect (listener, "accepted", G_CALLBACK (count_accepted_cb), seen);

  sb_socket_accept_async (listener, NULL, result_cb, &accepted);
  g_assert_false (sb_socket_can_accept (listener));
  /* one at a time */
  sb_socket_accept_async (listener, NULL, result_cb, &second);
  WAIT_FOR (second != NULL);
  g_assert_null (sb_socket_accept_finish (listener, second, &error));
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_null (accepted);

  sb_socket_connect_async (client, "127.0.0.1", port, NULL, result_cb, &connected);
  g_assert_cmpint (sb_socket_get_state (client), ==, SB_STATE_CONNECTING);
  g_assert_false (sb_socket_can_connect (client));
  WAIT_FOR (accepted != NULL && connected != NULL);

  g_assert_true (sb_socket_connect_finish (client, connected, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sb_socket_get_state (client), ==, SB_STATE_CONNECTED);
  g_assert_cmpuint (sockaddr_port (sb_socket_get_remote_address (client)), ==, port);
  g_assert_true (sb_socket_can_send (client));
  g_assert_true (sb_socket_can_receive (client));
  g_assert_false (sb_socket_can_bind (client));

  child = sb_socket_accept_finish (listener, accepted, &error);
  g_assert_no_error (error);
  g_assert_true (SB_IS_SOCKET (child));
  g_assert_cmpint (sb_socket_get_state (child), ==, SB_STATE_CONNECTED);
  g_assert_true (sb_socket_get_listener (child) == listener);
  g_assert_cmpint (sb_socket_get_family (child), ==, SB_FAMILY_IPV4);
  g_assert_cmpint (sb_socket_get_socket_type (child), ==, SB_SOCKET_STREAM);
  g_assert_cmpuint (sb_socket_get_local_port (child), ==, port);
  /* the child's peer is the client's local address */
  client_local = sb_address_to_string (sb_socket_get_local_address (client));
  child_remote = sb_address_to_string (sb_socket_get_remote_address (child));
  g_assert_cmpstr (client_local, ==, child_remote);
  label = sb_socket_dup_label (child);
  expect = g_strdup_printf ("TCP 127.0.0.1:%u → %s", port, client_local);
  g_assert_cmpstr (label, ==, expect);

  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_true (seen->pdata[0] == child);
  children = sb_socket_get_children (listener);
  g_assert_cmpuint (g_list_model_get_n_items (children), ==, 1);
  {
    g_autoptr(SbSocket) item = g_list_model_get_item (children, 0);
    g_assert_true (item == child);
  }
  g_assert_true (sb_socket_can_accept (listener));
  g_assert_true (has_message (listener, SB_EVENT_STATE, "accepted a connection"));
  g_assert_true (has_message (client, SB_EVENT_STATE, "connected to 127.0.0.1"));
  g_assert_true (has_message (child, SB_EVENT_STATE, "accepted from"));

  /* connect in the wrong states */
  {
    g_autoptr(GAsyncResult) r = NULL;
    g_autoptr(GAsyncResult) r2 = NULL;

    sb_socket_connect_async (client, "127.0.0.1", port, NULL, result_cb, &r);
    sb_socket_connect_async (listener, "127.0.0.1", port, NULL, result_cb, &r2);
    WAIT_FOR (r != NULL && r2 != NULL);
    g_assert_false (sb_socket_connect_finish (client, r, &error));
    g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE);
    g_clear_error (&error);
    g_assert_false (sb_socket_connect_finish (listener, r2, &error));
    g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE);
    g_clear_error (&error);
  }

  /* releasing the child drops it from the model */
  sb_socket_close (child);
  sb_socket_release_child (listener, child);
  g_assert_cmpuint (g_list_model_get_n_items (children), ==, 0);
  g_assert_finalize_object (child);

  /* the results hold their source objects */
  g_clear_object (&accepted);
  g_clear_object (&connected);
  g_clear_object (&second);
  close_and_finalize (client);
  close_and_finalize (listener);
}

static void
test_accept_continuous (void)
{
  SbSocket *listener = new_listener (SB_FAMILY_IPV4, 16);
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();
  g_autoptr(GPtrArray) clients = g_ptr_array_new ();
  GAsyncResult *results[5] = { NULL, };
  guint port = sb_socket_get_local_port (listener);
  GListModel *children = sb_socket_get_children (listener);
  g_autoptr(GError) error = NULL;

  g_signal_connect (listener, "accepted", G_CALLBACK (count_accepted_cb), seen);
  sb_socket_set_accept_continuous (listener, TRUE);
  g_assert_true (sb_socket_get_accept_continuous (listener));
  g_assert_false (sb_socket_can_accept (listener));

  /* a one-shot accept while accepting continuously is refused */
  {
    g_autoptr(GAsyncResult) r = NULL;
    sb_socket_accept_async (listener, NULL, result_cb, &r);
    WAIT_FOR (r != NULL);
    g_assert_null (sb_socket_accept_finish (listener, r, &error));
    g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE);
    g_clear_error (&error);
  }

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      SbSocket *c = new_socket (SB_FAMILY_IPV4, SB_SOCKET_STREAM);
      g_ptr_array_add (clients, c);
      sb_socket_connect_async (c, "127.0.0.1", port, NULL, result_cb, &results[i]);
    }
  WAIT_FOR (seen->len == 5);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      WAIT_FOR (results[i] != NULL);
      g_assert_true (sb_socket_connect_finish (clients->pdata[i], results[i], &error));
      g_assert_no_error (error);
      g_clear_object (&results[i]);
    }
  g_assert_cmpuint (g_list_model_get_n_items (children), ==, 5);
  /* every client has its own child, in the model, pointing back */
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(SbSocket) child = g_list_model_get_item (children, i);
      gboolean found = FALSE;
      g_autofree char *remote = sb_address_to_string (sb_socket_get_remote_address (child));

      g_assert_true (child == seen->pdata[i]);
      g_assert_true (sb_socket_get_listener (child) == listener);
      for (guint k = 0; k < clients->len; k++)
        {
          g_autofree char *local = sb_address_to_string (sb_socket_get_local_address (clients->pdata[k]));
          found |= g_str_equal (local, remote);
        }
      g_assert_true (found);
    }

  /* stopping it makes one-shot accept possible again */
  sb_socket_set_accept_continuous (listener, FALSE);
  g_assert_true (sb_socket_can_accept (listener));
  {
    g_autoptr(GAsyncResult) a = NULL;
    g_autoptr(GAsyncResult) c = NULL;
    SbSocket *client = new_socket (SB_FAMILY_IPV4, SB_SOCKET_STREAM);
    SbSocket *child;

    sb_socket_accept_async (listener, NULL, result_cb, &a);
    sb_socket_connect_async (client, "localhost", port, NULL, result_cb, &c);
    WAIT_FOR (a != NULL && c != NULL);
    child = sb_socket_accept_finish (listener, a, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (children), ==, 6);
    g_assert_cmpuint (seen->len, ==, 6);
    g_ptr_array_add (clients, client);
    g_object_unref (child); /* the model keeps it */
  }

  /* continuous on a socket that does not listen: an error, nothing else */
  {
    SbSocket *plain = new_socket (SB_FAMILY_IPV4, SB_SOCKET_STREAM);
    sb_socket_set_accept_continuous (plain, TRUE);
    g_assert_false (sb_socket_get_accept_continuous (plain));
    assert_error_event (plain, SB_EVENT_ERROR, "accept continuously");
    close_and_finalize (plain);
  }

  /* the children are released and freed with their listener's model */
  for (guint i = 0; i < clients->len; i++)
    close_and_finalize (clients->pdata[i]);
  while (g_list_model_get_n_items (children) > 0)
    {
      SbSocket *child = g_list_model_get_item (children, 0);
      GObject *weak = G_OBJECT (child);

      g_object_add_weak_pointer (weak, (gpointer *) &weak);
      sb_socket_close (child);
      sb_socket_release_child (listener, child);
      g_object_unref (child);
      g_assert_null (weak);
    }
  g_ptr_array_set_size (seen, 0);
  close_and_finalize (listener);
}

static void
test_connect_refused (void)
{
  /* a port that is bound but not listening: the kernel answers with RST */
  SbSocket *blocker = new_socket (SB_FAMILY_IPV4, SB_SOCKET_STREAM);
  SbSocket *client = new_socket (SB_FAMILY_IPV4, SB_SOCKET_STREAM);
  SbSocket *listener = new_listener (SB_FAMILY_IPV4, 4);
  g_autoptr(GError) error = NULL;
  guint port;

  g_assert_true (sb_socket_bind (blocker, "127.0.0.1", 0, &error));
  port = sb_socket_get_local_port (blocker);

  g_assert_false (connect_wait (client, "127.0.0.1", port, &error));
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_REFUSED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "ECONNREFUSED"));
  g_assert_nonnull (strstr (error->message, "nothing is listening"));
  g_clear_error (&error);
  /* back where it was, and able to try again */
  g_assert_cmpint (sb_socket_get_state (client), ==, SB_STATE_CREATED);
  g_assert_null (sb_socket_get_remote_address (client));
  assert_error_event (client, SB_EVENT_ERROR, "ECONNREFUSED");
  g_assert_true (sb_socket_can_connect (client));

  {
    g_autoptr(GAsyncResult) a = NULL;
    g_autoptr(GAsyncResult) c = NULL;
    SbSocket *child;

    sb_socket_accept_async (listener, NULL, result_cb, &a);
    sb_socket_connect_async (client, "127.0.0.1", sb_socket_get_local_port (listener), NULL,
                             result_cb, &c);
    WAIT_FOR (a != NULL && c != NULL);
    g_assert_true (sb_socket_connect_finish (client, c, &error));
    g_assert_no_error (error);
    child = sb_socket_accept_finish (listener, a, &error);
    g_assert_no_error (error);
    close_and_finalize (child);
  }

  close_and_finalize (client);
  close_and_finalize (blocker);
  close_and_finalize (listener);
}

static void
test_connect_resolve (void)
{
  SbSocket *listener = new_listener (SB_FAMILY_IPV4, 4);
  guint port = sb_socket_get_local_port (listener);
  g_autoptr(GError) error = NULL;
  const char *hostname = g_get_host_name ();
  g_autoptr(GResolver) resolver = g_resolver_get_default ();
  GList *addresses;
  gboolean hostname_is_loopback = FALSE;

  sb_socket_set_accept_continuous (listener, TRUE);

  /* "localhost" */
  {
    SbSocket *client = new_socket (SB_FAMILY_IPV4, SB_SOCKET_STREAM);
    g_autofree char *remote = NULL;

    g_assert_true (connect_wait (client, "localhost", port, &error));
    g_assert_no_error (error);
    remote = sb_address_to_string (sb_socket_get_remote_address (client));
    g_assert_true (g_str_has_prefix (remote, "127.0.0.1:"));
    close_and_finalize (client);
  }

  /* a real name lookup: this machine's name, when it maps to loopback */
  addresses = g_resolver_lookup_by_name_with_flags (resolver, hostname,
                                                    G_RESOLVER_NAME_LOOKUP_FLAGS_IPV4_ONLY,
                                                    NULL, NULL);
  for (GList *l = addresses; l != NULL; l = l->next)
    if (g_inet_address_get_is_loopback (l->data))
      hostname_is_loopback = TRUE;
  g_resolver_free_addresses (addresses);
  if (hostname_is_loopback)
    {
      SbSocket *client = new_socket (SB_FAMILY_IPV4, SB_SOCKET_STREAM);

      g_assert_true (connect_wait (client, hostname, port, &error));
      g_assert_no_error (error);
      g_assert_true (has_message (client, SB_EVENT_NOTICE, "connecting to 127."));
      close_and_finalize (client);
    }
  else
    g_test_message ("%s does not resolve to loopback; name lookup not exercised", hostname);

  /* a literal of the other family is refused, not looked up */
  {
    SbSocket *client = new_socket (SB_FAMILY_IPV4, SB_SOCKET_STREAM);

    g_assert_false (connect_wait (client, "::1", port, &error));
    g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
    g_assert_cmpint (sb_socket_get_state (client), ==, SB_STATE_CREATED);
    close_and_finalize (client);
  }

  {
    GListModel *children = sb_socket_get_children (listener);
    WAIT_FOR (g_list_model_get_n_items (children) >= 1);
    while (g_list_model_get_n_items (children) > 0)
      {
        SbSocket *child = g_list_model_get_item (children, 0);
        sb_socket_close (child);
        sb_socket_release_child (listener, child);
        g_assert_finalize_object (child);
      }
  }
  close_and_finalize (listener);
}

/* ---- timeouts ------------------------------------------------------------ */

static void
assert_elapsed (gint64 start,
                int    timeout_ms)
{
  gint64 elapsed_ms = (g_get_monotonic_time () - start) / 1000;

  g_test_message ("timeout %d ms fired after %" G_GINT64_FORMAT " ms", timeout_ms, elapsed_ms);
  g_assert_cmpint (elapsed_ms, >=, timeout_ms - 20);
  g_assert_cmpint (elapsed_ms, <=, timeout_ms + 1200);
}

static void
test_connect_timeout (void)
{
  /* A listener with backlog 0 that never accepts: once its accept queue is
   * full the kernel drops further SYNs, and a connect stays in SYN_SENT. */
  SbSocket *listener = new_listener (SB_FAMILY_IPV4, 0);
  g_autoptr(GPtrArray) clients = g_ptr_array_new ();
  guint port = sb_socket_get_local_port (listener);
  gboolean timed_out = FALSE;

  for (guint i = 0; i < 8 && !timed_out; i++)
    {
      SbSocket *client = new_socket (SB_FAMILY_IPV4, SB_SOCKET_STREAM);
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();

      g_ptr_array_add (clients, client);
      sb_socket_set_timeout (client, 300);
      if (connect_wait (client, "127.0.0.1", port, &error))
        continue;
      g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_TIMED_OUT);
      assert_elapsed (start, 300);
      g_assert_nonnull (strstr (error->message, "300 ms"));
      g_assert_cmpint (sb_socket_get_state (client), ==, SB_STATE_CREATED);
      assert_error_event (client, SB_EVENT_TIMEOUT, "connect");
      g_clear_error (&error);
      timed_out = TRUE;

      /* the half-made connection was dissolved: the socket can try again */
      {
        SbSocket *other = new_listener (SB_FAMILY_IPV4, 4);
        g_autoptr(GAsyncResult) ra = NULL;
        g_autoptr(GAsyncResult) rc = NULL;
        SbSocket *child;

        sb_socket_accept_async (other, NULL, result_cb, &ra);
        sb_socket_connect_async (client, "127.0.0.1", sb_socket_get_local_port (other), NULL,
                                 result_cb, &rc);
        WAIT_FOR (ra != NULL && rc != NULL);
        g_assert_true (sb_socket_connect_finish (client, rc, &error));
        g_assert_no_error (error);
        child = sb_socket_accept_finish (other, ra, &error);
        g_assert_no_error (error);
        g_clear_object (&ra);
        g_clear_object (&rc);
        close_and_finalize (child);
        close_and_finalize (other);
      }
    }
  g_assert_true (timed_out);

  for (guint i = 0; i < clients->len; i++)
    close_and_finalize (clients->pdata[i]);
  close_and_finalize (listener);
}

static void
test_accept_timeout (void)
{
  SbSocket *listener = new_listener (SB_FAMILY_IPV4, 4);
  g_autoptr(GError) error = NULL;
  gint64 start;
  SbSocket *child;

  sb_socket_set_timeout (listener, 200);
  g_assert_cmpint (sb_socket_get_timeout (listener), ==, 200);
  start = g_get_monotonic_time ();
  child = accept_wait (listener, &error);
  g_assert_null (child);
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_TIMED_OUT);
  assert_elapsed (start, 200);
  assert_error_event (listener, SB_EVENT_TIMEOUT, "accept");
  /* still listening: accept again works */
  g_assert_cmpint (sb_socket_get_state (listener), ==, SB_STATE_LISTENING);
  g_assert_true (sb_socket_can_accept (listener));
  close_and_finalize (listener);
}

static void
test_receive_timeout (void)
{
  SbSocket *listener, *client, *server;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gint64 start;

  make_pair (SB_FAMILY_IPV4, &listener, &client, &server);
  sb_socket_set_timeout (client, 250);
  start = g_get_monotonic_time ();
  bytes = receive_wait (client, 100, NULL, &error);
  g_assert_null (bytes);
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (error->message, "250 ms"));
  assert_elapsed (start, 250);
  assert_error_event (client, SB_EVENT_TIMEOUT, "recv");
  g_clear_error (&error);

  /* the connection is fine afterwards */
  g_assert_cmpint (sb_socket_send (server, (const guint8 *) "late", 4, &error), ==, 4);
  bytes = receive_wait (client, 100, NULL, &error);
  g_assert_no_error (error);
  assert_bytes_eq (bytes, "late");

  /* a timeout of 0 with nothing there: timed out at once */
  g_clear_pointer (&bytes, g_bytes_unref);
  sb_socket_set_timeout (client, 0);
  bytes = receive_wait (client, 100, NULL, &error);
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_TIMED_OUT);
  g_clear_error (&error);
  sb_socket_set_timeout (client, SB_TIMEOUT_NONE);
  g_assert_cmpint (sb_socket_get_timeout (client), ==, SB_TIMEOUT_NONE);

  close_and_finalize (client);
  close_and_finalize (server);
  close_and_finalize (listener);
}

/* ---- send ------------------------------------------------------------------ */

static void
test_send (void)
{
  SbSocket *listener, *client, *server;
  SbSocket *fresh = new_socket (SB_FAMILY_IPV4, SB_SOCKET_STREAM);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GBytes) sent = NULL;
  gsize big_len = 8 * 1024 * 1024;
  g_autofree guint8 *big = g_malloc0 (big_len);
  gssize n;
  guint64 total = 0;

  make_pair (SB_FAMILY_IPV4, &listener, &client, &server);

  n = sb_socket_send (client, (const guint8 *) "hello", 5, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 5);
  got = receive_wait (server, 100, NULL, &error);
  assert_bytes_eq (got, "hello");
  sent = transcript_data (client, SB_EVENT_SENT);
  assert_bytes_eq (sent, "hello");

  /* zero bytes */
  g_assert_cmpint (sb_socket_send (client, NULL, 0, &error), ==, 0);
  g_assert_no_error (error);

  /* not connected */
  g_assert_cmpint (sb_socket_send (fresh, (const guint8 *) "x", 1, &error), ==, -1);
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_cmpint (sb_socket_send (listener, (const guint8 *) "x", 1, &error), ==, -1);
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE);
  g_clear_error (&error);
  /* sendto on a stream: it has one peer, use send */
  {
    g_autoptr(GSocketAddress) to = sb_address_parse ("127.0.0.1", 9, SB_FAMILY_IPV4, NULL);
    g_assert_false (sb_socket_can_send_to (client));
    g_assert_cmpint (sb_socket_send_to (client, to, (const guint8 *) "x", 1, &error), ==, -1);
    g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE);
    g_clear_error (&error);
  }
  /* the accepted side takes the listener's timeout */
  g_assert_cmpint (sb_socket_get_timeout (server), ==, sb_socket_get_timeout (listener));

  /* a send bigger than the buffers: the kernel takes part, reported */
  sb_socket_set_option (client, SB_OPTION_SNDBUF, 16384, NULL);
  n = sb_socket_send (client, big, big_len, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, >, 0);
  g_assert_cmpint (n, <, (gssize) big_len);
  g_assert_true (has_message (client, SB_EVENT_NOTICE, "partial send"));
  total += n;
  /* until it takes nothing: WOULD_BLOCK, not a failure of the connection */
  for (guint i = 0; i < 1000; i++)
    {
      n = sb_socket_send (client, big, big_len, &error);
      if (n < 0)
        break;
      total += n;
    }
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_WOULD_BLOCK);
  g_assert_cmpint (sb_socket_get_state (client), ==, SB_STATE_CONNECTED);
  g_clear_error (&error);
  g_assert_cmpuint (sb_transcript_get_bytes_out (sb_socket_get_transcript (client)), ==, total + 5);

  close_and_finalize (fresh);
  close_and_finalize (client);
  close_and_finalize (server);
  close_and_finalize (listener);
}

static void
count_received_cb (SbSocket *sock,
                   guint     index,
                   guint    *count)
{
  (*count)++;
}

static char *
checksum_transcript (SbSocket    *sock,
                     SbEventKind  kind)
{
  g_autoptr(GBytes) all = transcript_data (sock, kind);

  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, all);
}

static void
test_send_all_64m (void)
{
  SbSocket *listener, *client, *server;
  gsize total = 64 * 1024 * 1024;
  guint8 *data = g_malloc (total);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expect = NULL;
  g_autofree char *got = NULL;
  g_autofree char *sent = NULL;
  guint64 n_sent = 0;
  guint n_received = 0;
  guint32 x = 12345;

  for (gsize i = 0; i < total; i++)
    {
      x = x * 1103515245 + 12345;
      data[i] = x >> 24;
    }
  bytes = g_bytes_new_take (data, total);
  expect = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);

  make_pair (SB_FAMILY_IPV4, &listener, &client, &server);
  /* small buffers on both sides: many partial sends, many reads */
  sb_socket_set_option (server, SB_OPTION_RCVBUF, 64 * 1024, NULL);
  sb_socket_set_option (client, SB_OPTION_SNDBUF, 64 * 1024, NULL);
  sb_socket_set_receive_size (server, 16 * 1024);
  g_assert_cmpuint (sb_socket_get_receive_size (server), ==, 16 * 1024);
  g_signal_connect (server, "received", G_CALLBACK (count_received_cb), &n_received);
  sb_socket_set_auto_receive (server, TRUE);
  g_assert_true (sb_socket_get_auto_receive (server));
  sb_socket_set_timeout (client, 5000);

  sb_socket_send_all_async (client, bytes, NULL, result_cb, &result);
  WAIT_FOR (result != NULL);
  g_assert_true (sb_socket_send_all_finish (client, result, &n_sent, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_sent, ==, total);
  WAIT_FOR (sb_transcript_get_bytes_in (sb_socket_get_transcript (server)) == total);
  g_assert_cmpuint (n_received, >, 1);
  g_assert_true (has_message (client, SB_EVENT_NOTICE, "sendall: 67108864 bytes in"));

  got = checksum_transcript (server, SB_EVENT_RECEIVED);
  g_assert_cmpstr (got, ==, expect);
  /* the sender's transcript holds the same bytes (by reference) */
  sent = checksum_transcript (client, SB_EVENT_SENT);
  g_assert_cmpstr (sent, ==, expect);
  g_assert_cmpuint (sb_transcript_get_bytes_out (sb_socket_get_transcript (client)), ==, total);
  g_assert_cmpuint (sb_transcript_get_memory_size (sb_socket_get_transcript (server)), <=,
                    (gsize) (1.1 * total));

  /* a second sendall while one runs is refused */
  {
    g_autoptr(GAsyncResult) r1 = NULL;
    g_autoptr(GAsyncResult) r2 = NULL;

    sb_socket_set_auto_receive (server, FALSE);
    sb_socket_set_timeout (client, 200);
    sb_socket_send_all_async (client, bytes, NULL, result_cb, &r1);
    sb_socket_send_all_async (client, bytes, NULL, result_cb, &r2);
    WAIT_FOR (r2 != NULL);
    g_assert_false (sb_socket_send_all_finish (client, r2, NULL, &error));
    g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE);
    g_clear_error (&error);
    /* nobody reads: it times out 200 ms after the last progress, having
     * sent part of it */
    WAIT_FOR (r1 != NULL);
    n_sent = 0;
    g_assert_false (sb_socket_send_all_finish (client, r1, &n_sent, &error));
    g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_TIMED_OUT);
    g_assert_cmpuint (n_sent, >, 0);
    g_assert_cmpuint (n_sent, <, total);
    g_assert_nonnull (strstr (error->message, "bytes were sent"));
  }

  g_clear_object (&result);
  close_and_finalize (client);
  close_and_finalize (server);
  close_and_finalize (listener);
}

static void
test_send_all_reset (void)
{
  SbSocket *listener, *client, *server;
  gsize total = 64 * 1024 * 1024;
  g_autoptr(GBytes) bytes = g_bytes_new_take (g_malloc0 (total), total);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) some = NULL;
  struct linger linger = { 1, 0 };
  guint64 n_sent = 0;

  make_pair (SB_FAMILY_IPV4, &listener, &client, &server);
  sb_socket_send_all_async (client, bytes, NULL, result_cb, &result);

  /* the peer takes a little, then resets the connection */
  some = receive_wait (server, 1000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (some), >, 0);
  g_assert_cmpint (setsockopt (sb_socket_get_fd (server), SOL_SOCKET, SO_LINGER, &linger,
                               sizeof linger), ==, 0);
  sb_socket_close (server);

  WAIT_FOR (result != NULL);
  g_assert_false (sb_socket_send_all_finish (client, result, &n_sent, &error));
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_RESET);
  g_test_message ("%s; %" G_GUINT64_FORMAT " bytes sent", error->message, n_sent);
  g_assert_cmpuint (n_sent, >, 0);
  g_assert_cmpuint (n_sent, <, total);
  assert_error_event (client, SB_EVENT_ERROR, "sendall");
  /* the count the transcript shows agrees */
  g_assert_cmpuint (sb_transcript_get_bytes_out (sb_socket_get_transcript (client)), ==, n_sent);
  /* the connection is over, and the state says so; sending is still allowed
   * (it fails as send() would) */
  g_assert_cmpint (sb_socket_get_state (client), ==, SB_STATE_SHUT_DOWN);
  {
    gboolean peer_closed = FALSE;
    g_object_get (client, "peer-closed", &peer_closed, NULL);
    g_assert_true (peer_closed);
  }
  g_assert_true (sb_socket_can_send (client));

  g_clear_object (&result);
  close_and_finalize (client);
  close_and_finalize (server);
  close_and_finalize (listener);
}

/* ---- receive --------------------------------------------------------------- */

static void
test_receive (void)
{
  SbSocket *listener, *client, *server;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GSocketAddress) peer = NULL;
  g_autoptr(GBytes) received = NULL;
  const char *msg = "0123456789abcdefghijklmnopqrstuvwxyz";
  guint8 buffer[64];
  gboolean peer_closed = FALSE;

  make_pair (SB_FAMILY_IPV4, &listener, &client, &server);

  g_assert_cmpint (sb_socket_send (client, (const guint8 *) msg, strlen (msg), &error), ==,
                   (gssize) strlen (msg));
  /* recv(10): at most 10 */
  got = receive_wait (server, 10, &peer, &error);
  g_assert_no_error (error);
  assert_bytes_eq (got, "0123456789");
  /* the peer of a stream is the connected peer */
  {
    g_autofree char *a = sb_address_to_string (peer);
    g_autofree char *b = sb_address_to_string (sb_socket_get_local_address (client));
    g_assert_cmpstr (a, ==, b);
  }
  g_clear_pointer (&got, g_bytes_unref);

  /* recv_into a fixed buffer: nbytes */
  {
    g_autoptr(GAsyncResult) r = NULL;
    gssize n;

    memset (buffer, '#', sizeof buffer);
    sb_socket_receive_into_async (server, buffer, 8, NULL, result_cb, &r);
    WAIT_FOR (r != NULL);
    n = sb_socket_receive_into_finish (server, r, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (n, ==, 8);
    g_assert_cmpmem (buffer, 9, "abcdefgh#", 9);
  }
  /* the rest, with room to spare */
  got = receive_wait (server, 1000, NULL, &error);
  assert_bytes_eq (got, "ijklmnopqrstuvwxyz");
  g_clear_pointer (&got, g_bytes_unref);

  /* everything received is in the transcript, in order */
  received = transcript_data (server, SB_EVENT_RECEIVED);
  assert_bytes_eq (received, msg);
  g_assert_cmpuint (sb_transcript_get_messages_in (sb_socket_get_transcript (server)), ==, 3);

  /* one receive at a time */
  {
    g_autoptr(GAsyncResult) r1 = NULL;
    g_autoptr(GAsyncResult) r2 = NULL;

    sb_socket_receive_async (server, 10, NULL, result_cb, &r1);
    sb_socket_receive_async (server, 10, NULL, result_cb, &r2);
    WAIT_FOR (r2 != NULL);
    g_assert_null (sb_socket_receive_finish (server, r2, NULL, &error));
    g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE);
    g_clear_error (&error);
    sb_socket_send (client, (const guint8 *) "!", 1, &error);
    WAIT_FOR (r1 != NULL);
    got = sb_socket_receive_finish (server, r1, NULL, &error);
    assert_bytes_eq (got, "!");
    g_clear_pointer (&got, g_bytes_unref);
  }

  /* EOF: an empty result, the peer-closed property, a notice */
  close_and_finalize (client);
  got = receive_wait (server, 100, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (got);
  g_assert_cmpuint (g_bytes_get_size (got), ==, 0);
  g_object_get (server, "peer-closed", &peer_closed, NULL);
  g_assert_true (peer_closed);
  g_assert_true (has_message (server, SB_EVENT_NOTICE, "EOF"));

  /* receive on sockets that cannot */
  {
    SbSocket *fresh = new_socket (SB_FAMILY_IPV4, SB_SOCKET_STREAM);
    SbSocket *udp = new_socket (SB_FAMILY_IPV4, SB_SOCKET_DATAGRAM);
    g_autoptr(GBytes) none = receive_wait (fresh, 10, NULL, &error);

    g_assert_null (none);
    g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE);
    g_clear_error (&error);
    none = receive_wait (udp, 10, NULL, &error);
    g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE);
    g_assert_nonnull (strstr (error->message, "bind"));
    g_clear_error (&error);
    close_and_finalize (fresh);
    close_and_finalize (udp);
  }

  close_and_finalize (server);
  close_and_finalize (listener);
}

typedef struct
{
  guint received;
  guint peer_closed;
  guint auto_off;
} AutoState;

static void
auto_received_cb (SbSocket  *sock,
                  guint      index,
                  AutoState *st)
{
  SbTranscriptEntry e;

  g_assert_true (sb_transcript_get_entry (sb_socket_get_transcript (sock), index, &e));
  st->received++;
}

static void
auto_notify_cb (SbSocket   *sock,
                GParamSpec *pspec,
                AutoState  *st)
{
  if (g_str_equal (pspec->name, "peer-closed"))
    st->peer_closed++;
  else if (g_str_equal (pspec->name, "auto-receive") && !sb_socket_get_auto_receive (sock))
    st->auto_off++;
}

static void
test_auto_receive (void)
{
  SbSocket *listener, *client, *server;
  g_autoptr(GError) error = NULL;
  AutoState st = { 0, };
  SbTranscript *t;
  GString *expect = g_string_new (NULL);
  g_autoptr(GBytes) all = NULL;

  make_pair (SB_FAMILY_IPV4, &listener, &client, &server);
  t = sb_socket_get_transcript (server);
  g_signal_connect (server, "received", G_CALLBACK (auto_received_cb), &st);
  g_signal_connect (server, "notify", G_CALLBACK (auto_notify_cb), &st);
  sb_socket_set_auto_receive (server, TRUE);

  /* a receive while auto-receive runs is refused */
  {
    g_autoptr(GBytes) none = receive_wait (server, 10, NULL, &error);
    g_assert_null (none);
    g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE);
    g_clear_error (&error);
  }

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *m = g_strdup_printf ("message %u;", i);
      g_assert_cmpint (sb_socket_send (client, (const guint8 *) m, strlen (m), &error), ==,
                       (gssize) strlen (m));
      g_string_append (expect, m);
      WAIT_FOR (sb_transcript_get_bytes_in (t) == expect->len);
    }
  g_assert_cmpuint (st.received, >=, 3);
  all = transcript_data (server, SB_EVENT_RECEIVED);
  assert_bytes_eq (all, expect->str);
  g_clear_pointer (&all, g_bytes_unref);

  /* a bigger burst, read in 64 KiB pieces */
  {
    gsize len = 3 * 1024 * 1024 + 17;
    g_autoptr(GBytes) burst = g_bytes_new_take (g_malloc (len), len);
    g_autoptr(GAsyncResult) r = NULL;
    guint8 *p = (guint8 *) g_bytes_get_data (burst, NULL);

    for (gsize i = 0; i < len; i++)
      p[i] = 'A' + i % 26;
    g_string_append_len (expect, (const char *) p, len);
    sb_socket_send_all_async (client, burst, NULL, result_cb, &r);
    WAIT_FOR (r != NULL);
    g_assert_true (sb_socket_send_all_finish (client, r, NULL, &error));
    WAIT_FOR (sb_transcript_get_bytes_in (t) == expect->len);
    all = transcript_data (server, SB_EVENT_RECEIVED);
    g_assert_cmpmem (g_bytes_get_data (all, NULL), g_bytes_get_size (all), expect->str,
                     expect->len);
    g_clear_pointer (&all, g_bytes_unref);
  }

  /* the peer closes: EOF notice, peer-closed, auto-receive ends */
  sb_socket_close (client);
  WAIT_FOR (st.peer_closed > 0);
  WAIT_FOR (st.auto_off > 0);
  g_assert_false (sb_socket_get_auto_receive (server));
  g_assert_true (has_message (server, SB_EVENT_NOTICE, "EOF"));
  g_assert_cmpuint (st.peer_closed, ==, 1);
  /* the model catches up */
  sb_transcript_flush (t);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (t)), ==, sb_transcript_get_n_events (t));

  g_string_free (expect, TRUE);
  close_and_finalize (client);
  close_and_finalize (server);
  close_and_finalize (listener);
}

/* A listener's byte limit passes to what it accepts; a 24 MiB flood then
 * leaves the last bytes, whole and in order, in bounded memory. */
static void
test_auto_receive_byte_limit (void)
{
  const guint64 limit = 1024 * 1024;
  const gsize len = 24 * 1024 * 1024 + 5;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) accepted = NULL, connected = NULL, sent = NULL;
  SbSocket *listener = new_listener (SB_FAMILY_IPV4, 8);
  SbSocket *client = new_socket (SB_FAMILY_IPV4, SB_SOCKET_STREAM);
  SbSocket *server;
  SbTranscript *t;
  g_autoptr(GBytes) flood = g_bytes_new_take (g_malloc (len), len);
  guint8 *p = (guint8 *) g_bytes_get_data (flood, NULL);
  g_autofree guint8 *tail = g_malloc (limit);
  guint64 first;

  for (gsize i = 0; i < len; i++)
    p[i] = (guint8) (i % 251);
  sb_transcript_set_byte_limit (sb_socket_get_transcript (listener), limit);
  sb_socket_accept_async (listener, NULL, result_cb, &accepted);
  sb_socket_connect_async (client, "127.0.0.1", sb_socket_get_local_port (listener),
                           NULL, result_cb, &connected);
  WAIT_FOR (accepted != NULL && connected != NULL);
  g_assert_true (sb_socket_connect_finish (client, connected, &error));
  server = sb_socket_accept_finish (listener, accepted, &error);
  g_assert_no_error (error);
  t = sb_socket_get_transcript (server);
  g_assert_cmpuint (sb_transcript_get_byte_limit (t), ==, limit);

  sb_socket_set_auto_receive (server, TRUE);
  sb_socket_send_all_async (client, flood, NULL, result_cb, &sent);
  WAIT_FOR (sent != NULL);
  g_assert_true (sb_socket_send_all_finish (client, sent, NULL, &error));
  WAIT_FOR (sb_transcript_get_bytes_in (t) == len);

  first = sb_transcript_get_first_offset (t);
  g_assert_cmpuint (first, >, 0);
  g_assert_cmpuint (len - first, >=, limit);
  g_assert_cmpuint (sb_transcript_get_memory_size (t), <,
                    limit + 2 * 4 * 1024 * 1024 + sb_transcript_get_n_events (t) * sizeof (SbTranscriptEntry) + 65536);
  g_assert_cmpuint (sb_transcript_read (t, len - limit, tail, limit), ==, limit);
  g_assert_cmpmem (tail, limit, p + len - limit, limit);
  g_assert_true (has_message (server, SB_EVENT_NOTICE, "older bytes"));

  g_clear_object (&sent);
  g_clear_object (&accepted);
  g_clear_object (&connected);
  close_and_finalize (client);
  close_and_finalize (server);
  close_and_finalize (listener);
}

/* A handler may drop the last reference to the socket from ::received. */
static void
close_on_received_cb (SbSocket  *sock,
                      guint      index,
                      SbSocket **slot)
{
  sb_socket_close (sock);
  g_clear_object (slot);
}

static void
test_auto_receive_close_in_handler (void)
{
  SbSocket *listener, *client, *server;
  g_autoptr(GError) error = NULL;
  GObject *weak;

  make_pair (SB_FAMILY_IPV4, &listener, &client, &server);
  weak = G_OBJECT (server);
  g_object_add_weak_pointer (weak, (gpointer *) &weak);
  g_signal_connect (server, "received", G_CALLBACK (close_on_received_cb), &server);
  /* the model holds a reference too: drop it */
  sb_socket_release_child (listener, server);
  sb_socket_set_auto_receive (server, TRUE);
  sb_socket_send (client, (const guint8 *) "bye", 3, &error);
  g_assert_no_error (error);
  WAIT_FOR (server == NULL);
  drain_main_context ();
  g_assert_null (weak);

  close_and_finalize (client);
  close_and_finalize (listener);
}

static void
test_half_close (void)
{
  SbSocket *listener, *client, *server;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) got = NULL;

  make_pair (SB_FAMILY_IPV4, &listener, &client, &server);

  sb_socket_send (client, (const guint8 *) "request", 7, &error);
  g_assert_true (sb_socket_shutdown (client, SB_SHUTDOWN_WRITE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sb_socket_get_state (client), ==, SB_STATE_SHUT_DOWN);
  g_assert_false (sb_socket_can_send (client));
  g_assert_true (sb_socket_can_receive (client));
  g_assert_true (has_message (client, SB_EVENT_STATE, "shut down for writing"));

  /* the server reads the request, then EOF */
  got = receive_wait (server, 100, NULL, &error);
  assert_bytes_eq (got, "request");
  g_clear_pointer (&got, g_bytes_unref);
  got = receive_wait (server, 100, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (got), ==, 0);
  g_clear_pointer (&got, g_bytes_unref);

  /* it can still answer, and the client still hears it */
  g_assert_cmpint (sb_socket_send (server, (const guint8 *) "response", 8, &error), ==, 8);
  got = receive_wait (client, 100, NULL, &error);
  g_assert_no_error (error);
  assert_bytes_eq (got, "response");
  g_clear_pointer (&got, g_bytes_unref);

  /* sending on the shut side is refused */
  g_assert_cmpint (sb_socket_send (client, (const guint8 *) "x", 1, &error), ==, -1);
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE);
  g_assert_nonnull (strstr (error->message, "shut down"));
  g_clear_error (&error);
  {
    g_autoptr(GBytes) b = g_bytes_new_static ("x", 1);
    g_autoptr(GAsyncResult) r = NULL;
    sb_socket_send_all_async (client, b, NULL, result_cb, &r);
    WAIT_FOR (r != NULL);
    g_assert_false (sb_socket_send_all_finish (client, r, NULL, &error));
    g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE);
    g_clear_error (&error);
  }

  /* the server stops reading, then closes its side too: the client sees EOF */
  g_assert_true (sb_socket_shutdown (server, SB_SHUTDOWN_READ, &error));
  g_assert_no_error (error);
  g_assert_false (sb_socket_can_receive (server));
  g_assert_true (sb_socket_can_send (server));
  g_assert_true (sb_socket_can_shutdown (server));
  g_assert_true (sb_socket_shutdown (server, SB_SHUTDOWN_WRITE, &error));
  g_assert_false (sb_socket_can_shutdown (server));
  g_assert_false (sb_socket_shutdown (server, SB_SHUTDOWN_BOTH, &error));
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE);
  g_clear_error (&error);
  got = receive_wait (client, 100, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (got), ==, 0);
  g_clear_pointer (&got, g_bytes_unref);

  {
    SbSocket *fresh = new_socket (SB_FAMILY_IPV4, SB_SOCKET_STREAM);
    g_assert_false (sb_socket_shutdown (fresh, SB_SHUTDOWN_BOTH, &error));
    g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE);
    g_clear_error (&error);
    close_and_finalize (fresh);
  }

  close_and_finalize (client);
  close_and_finalize (server);
  close_and_finalize (listener);
}

/* ---- datagrams ------------------------------------------------------------- */

static void
udp_exchange (SbFamily family)
{
  SbSocket *a = new_socket (family, SB_SOCKET_DATAGRAM);
  SbSocket *b = new_socket (family, SB_SOCKET_DATAGRAM);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) to_b = NULL;
  g_autoptr(GSocketAddress) to_a = NULL;
  g_autoptr(GSocketAddress) peer = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autofree char *a_str = NULL;
  g_autofree char *b_str = NULL;
  g_autofree char *peer_str = NULL;
  SbTranscript *ta = sb_socket_get_transcript (a);
  SbTranscript *tb = sb_socket_get_transcript (b);
  SbTranscriptEntry e;
  guint8 buffer[16];

  g_assert_true (sb_socket_bind (b, loopback (family), 0, &error));
  g_assert_no_error (error);
  g_assert_true (sb_socket_can_receive (b));
  to_b = sb_address_parse (loopback (family), sb_socket_get_local_port (b), family, &error);
  b_str = sb_address_to_string (to_b);

  /* sendto from a fresh socket binds it (as in Python) */
  g_assert_false (sb_socket_can_receive (a));
  g_assert_cmpint (sb_socket_send_to (a, to_b, (const guint8 *) "datagram one", 12, &error), ==, 12);
  g_assert_no_error (error);
  g_assert_cmpint (sb_socket_get_state (a), ==, SB_STATE_BOUND);
  g_assert_cmpuint (sb_socket_get_local_port (a), >, 0);
  g_assert_true (sb_socket_can_receive (a));
  to_a = sb_address_parse (loopback (family), sb_socket_get_local_port (a), family, &error);
  a_str = sb_address_to_string (to_a);

  /* recvfrom: the data and the sender */
  got = receive_wait (b, 1500, &peer, &error);
  g_assert_no_error (error);
  assert_bytes_eq (got, "datagram one");
  peer_str = sb_address_to_string (peer);
  g_assert_cmpstr (peer_str, ==, a_str);
  g_clear_pointer (&got, g_bytes_unref);
  g_clear_object (&peer);

  /* the transcripts name the peers */
  {
    gboolean found = FALSE;
    for (guint i = 0; i < sb_transcript_get_n_events (ta); i++)
      {
        sb_transcript_get_entry (ta, i, &e);
        if (e.kind == SB_EVENT_SENT)
          {
            g_assert_cmpstr (sb_transcript_get_peer_string (ta, e.peer), ==, b_str);
            found = TRUE;
          }
      }
    g_assert_true (found);
    found = FALSE;
    for (guint i = 0; i < sb_transcript_get_n_events (tb); i++)
      {
        sb_transcript_get_entry (tb, i, &e);
        if (e.kind == SB_EVENT_RECEIVED)
          {
            g_assert_cmpstr (sb_transcript_get_peer_string (tb, e.peer), ==, a_str);
            g_assert_cmpuint (e.length, ==, 12);
            found = TRUE;
          }
      }
    g_assert_true (found);
  }

  /* back, into a fixed buffer, with the sender */
  g_assert_cmpint (sb_socket_send_to (b, to_a, (const guint8 *) "reply", 5, &error), ==, 5);
  {
    g_autoptr(GAsyncResult) r = NULL;
    gssize n;

    sb_socket_receive_into_async (a, buffer, sizeof buffer, NULL, result_cb, &r);
    WAIT_FOR (r != NULL);
    n = sb_socket_receive_into_finish (a, r, &peer, &error);
    g_assert_no_error (error);
    g_assert_cmpint (n, ==, 5);
    g_assert_cmpmem (buffer, 5, "reply", 5);
    g_clear_pointer (&peer_str, g_free);
    peer_str = sb_address_to_string (peer);
    g_assert_cmpstr (peer_str, ==, b_str);
    g_clear_object (&peer);
  }

  /* a datagram bigger than the buffer is cut, and the cut is reported */
  g_assert_cmpint (sb_socket_send_to (a, to_b, (const guint8 *) "0123456789", 10, &error), ==, 10);
  got = receive_wait (b, 4, NULL, &error);
  g_assert_no_error (error);
  assert_bytes_eq (got, "0123");
  g_assert_true (has_message (b, SB_EVENT_NOTICE, "truncated: 10 bytes"));
  g_clear_pointer (&got, g_bytes_unref);

  /* an empty datagram is data, not EOF */
  g_assert_cmpint (sb_socket_send_to (a, to_b, (const guint8 *) "", 0, &error), ==, 0);
  got = receive_wait (b, 100, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (got), ==, 0);
  g_clear_pointer (&got, g_bytes_unref);

  /* connect a UDP socket: send() and recv() then work */
  g_assert_true (connect_wait (a, loopback (family), sb_socket_get_local_port (b), &error));
  g_assert_no_error (error);
  g_assert_cmpint (sb_socket_get_state (a), ==, SB_STATE_CONNECTED);
  g_assert_cmpint (sb_socket_send (a, (const guint8 *) "connected", 9, &error), ==, 9);
  got = receive_wait (b, 100, &peer, &error);
  assert_bytes_eq (got, "connected");
  g_clear_pointer (&peer_str, g_free);
  peer_str = sb_address_to_string (peer);
  g_assert_cmpstr (peer_str, ==, a_str);
  g_clear_pointer (&got, g_bytes_unref);
  g_clear_object (&peer);

  /* the wrong family for sendto */
  {
    g_autoptr(GSocketAddress) other = sb_address_parse (family == SB_FAMILY_IPV6 ? "127.0.0.1" : "::1",
                                                        9, family == SB_FAMILY_IPV6 ? SB_FAMILY_IPV4 : SB_FAMILY_IPV6,
                                                        NULL);
    g_assert_cmpint (sb_socket_send_to (b, other, (const guint8 *) "x", 1, &error), ==, -1);
    g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
  }

  close_and_finalize (a);
  close_and_finalize (b);
}

static void
test_udp (void)
{
  udp_exchange (SB_FAMILY_IPV4);
}

static void
test_udp6 (void)
{
  udp_exchange (SB_FAMILY_IPV6);
}

static void
test_udp_auto_receive (void)
{
  SbSocket *a = new_socket (SB_FAMILY_IPV4, SB_SOCKET_DATAGRAM);
  SbSocket *b = new_socket (SB_FAMILY_IPV4, SB_SOCKET_DATAGRAM);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) to_b = NULL;
  SbTranscript *tb = sb_socket_get_transcript (b);
  guint n_received = 0;

  g_assert_true (sb_socket_bind (b, "127.0.0.1", 0, &error));
  to_b = sb_address_parse ("127.0.0.1", sb_socket_get_local_port (b), SB_FAMILY_IPV4, NULL);
  g_signal_connect (b, "received", G_CALLBACK (count_received_cb), &n_received);
  sb_socket_set_auto_receive (b, TRUE);

  for (guint i = 0; i < 100; i++)
    {
      guint8 d[1200];
      memset (d, i, sizeof d);
      g_assert_cmpint (sb_socket_send_to (a, to_b, d, 100 + i * 10, &error), ==, 100 + i * 10);
    }
  WAIT_FOR (n_received == 100);
  /* each datagram is one event, whole */
  {
    guint k = 0;
    for (guint i = 0; i < sb_transcript_get_n_events (tb); i++)
      {
        SbTranscriptEntry e;
        guint8 first;

        sb_transcript_get_entry (tb, i, &e);
        if (e.kind != SB_EVENT_RECEIVED)
          continue;
        g_assert_cmpuint (e.length, ==, 100 + k * 10);
        sb_transcript_read (tb, e.offset, &first, 1);
        g_assert_cmpuint (first, ==, k);
        k++;
      }
    g_assert_cmpuint (k, ==, 100);
  }
  g_assert_cmpuint (sb_socket_get_kernel_drops (b), ==, 0);
  close_and_finalize (a);
  close_and_finalize (b);
}

static gboolean
set_flag_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* sb_socket_send_repeated_async: 200 datagrams at 2000/s, paced, byte-exact. */
static void
test_send_repeated (void)
{
  SbSocket *a = new_socket (SB_FAMILY_IPV4, SB_SOCKET_DATAGRAM);
  SbSocket *b = new_socket (SB_FAMILY_IPV4, SB_SOCKET_DATAGRAM);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) to_b = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) payload = NULL;
  SbTranscript *tb = sb_socket_get_transcript (b);
  guint8 d[97];
  guint n_received = 0, sent = 0, k = 0;
  gint64 start, elapsed;

  for (guint i = 0; i < sizeof d; i++)
    d[i] = (guint8) (i * 7 + 3);
  payload = g_bytes_new (d, sizeof d);
  g_assert_true (sb_socket_bind (b, "127.0.0.1", 0, &error));
  to_b = sb_address_parse ("127.0.0.1", sb_socket_get_local_port (b), SB_FAMILY_IPV4, NULL);
  g_signal_connect (b, "received", G_CALLBACK (count_received_cb), &n_received);
  sb_socket_set_auto_receive (b, TRUE);

  start = g_get_monotonic_time ();
  sb_socket_send_repeated_async (a, payload, to_b, 200, 2000.0, NULL, result_cb, &result);
  WAIT_FOR (result != NULL);
  elapsed = g_get_monotonic_time () - start;
  g_assert_true (sb_socket_send_repeated_finish (a, result, &sent, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sent, ==, 200);
  /* 199 intervals of 0.5 ms after the first message: ~100 ms, less tolerance */
  g_assert_cmpint (elapsed, >=, 90 * 1000);

  WAIT_FOR (n_received == 200);
  for (guint i = 0; i < sb_transcript_get_n_events (tb); i++)
    {
      SbTranscriptEntry e;
      guint8 got[sizeof d];

      g_assert_true (sb_transcript_get_entry (tb, i, &e));
      if (e.kind != SB_EVENT_RECEIVED)
        continue;
      g_assert_cmpuint (e.length, ==, sizeof d);
      sb_transcript_read (tb, e.offset, got, sizeof got);
      g_assert_cmpmem (got, sizeof got, d, sizeof d);
      k++;
    }
  g_assert_cmpuint (k, ==, 200);
  g_assert_cmpuint (sb_socket_get_kernel_drops (b), ==, 0);
  g_clear_object (&result);
  close_and_finalize (a);
  close_and_finalize (b);
}

/* Cancelling a repeated send stops it and reports how many were sent. */
static void
test_send_repeated_cancel (void)
{
  SbSocket *a = new_socket (SB_FAMILY_IPV4, SB_SOCKET_DATAGRAM);
  SbSocket *b = new_socket (SB_FAMILY_IPV4, SB_SOCKET_DATAGRAM);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) to_b = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) payload = g_bytes_new_static ("ping", 4);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  guint n_received = 0, sent = 0;

  g_assert_true (sb_socket_bind (b, "127.0.0.1", 0, &error));
  to_b = sb_address_parse ("127.0.0.1", sb_socket_get_local_port (b), SB_FAMILY_IPV4, NULL);
  g_signal_connect (b, "received", G_CALLBACK (count_received_cb), &n_received);
  sb_socket_set_auto_receive (b, TRUE);

  sb_socket_send_repeated_async (a, payload, to_b, 100000, 200.0, cancellable, result_cb, &result);
  WAIT_FOR (n_received >= 3);
  g_assert_null (result);
  g_cancellable_cancel (cancellable);
  WAIT_FOR (result != NULL);
  g_assert_false (sb_socket_send_repeated_finish (a, result, &sent, &error));
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_CANCELLED);
  g_assert_cmpuint (sent, >=, 3);
  g_assert_cmpuint (sent, <, 100000);
  WAIT_FOR (n_received == sent);
  /* nothing more is sent after the cancel */
  {
    g_autoptr(GSource) t = g_timeout_source_new (30);
    gboolean fired = FALSE;

    g_source_set_callback (t, set_flag_cb, &fired, NULL);
    g_source_attach (t, NULL);
    WAIT_FOR (fired);
  }
  g_assert_cmpuint (n_received, ==, sent);
  g_clear_object (&result);
  close_and_finalize (a);
  close_and_finalize (b);
}

/* A connected UDP socket hears about a closed port (ICMP port unreachable). */
static void
test_udp_refused (void)
{
  SbSocket *blocker = new_socket (SB_FAMILY_IPV4, SB_SOCKET_DATAGRAM);
  SbSocket *a = new_socket (SB_FAMILY_IPV4, SB_SOCKET_DATAGRAM);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) got = NULL;
  guint port;

  /* a free port: bind, note it, close */
  g_assert_true (sb_socket_bind (blocker, "127.0.0.1", 0, &error));
  port = sb_socket_get_local_port (blocker);
  close_and_finalize (blocker);

  g_assert_true (connect_wait (a, "127.0.0.1", port, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sb_socket_send (a, (const guint8 *) "anyone?", 7, &error), ==, 7);
  sb_socket_set_timeout (a, 3000);
  got = receive_wait (a, 100, NULL, &error);
  g_assert_null (got);
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_REFUSED);
  assert_error_event (a, SB_EVENT_ERROR, "ECONNREFUSED");
  close_and_finalize (a);
}

static void
test_ipv6_tcp (void)
{
  SbSocket *listener, *client, *server;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autofree char *remote = NULL;
  g_autofree char *label = NULL;

  make_pair (SB_FAMILY_IPV6, &listener, &client, &server);
  remote = sb_address_to_string (sb_socket_get_remote_address (client));
  g_assert_true (g_str_has_prefix (remote, "[::1]:"));
  label = sb_socket_dup_label (client);
  g_assert_true (g_str_has_prefix (label, "TCP/IPv6 [::1]:"));

  g_assert_cmpint (sb_socket_send (client, (const guint8 *) "over six", 8, &error), ==, 8);
  got = receive_wait (server, 100, NULL, &error);
  assert_bytes_eq (got, "over six");
  g_clear_pointer (&got, g_bytes_unref);
  g_assert_cmpint (sb_socket_send (server, (const guint8 *) "and back", 8, &error), ==, 8);
  got = receive_wait (client, 100, NULL, &error);
  assert_bytes_eq (got, "and back");

  /* a v6 socket connecting by name */
  {
    SbSocket *c2 = new_socket (SB_FAMILY_IPV6, SB_SOCKET_STREAM);
    g_autoptr(GAsyncResult) a = NULL;
    g_autoptr(GAsyncResult) c = NULL;
    SbSocket *child;

    sb_socket_accept_async (listener, NULL, result_cb, &a);
    sb_socket_connect_async (c2, "[::1]", sb_socket_get_local_port (listener), NULL, result_cb, &c);
    WAIT_FOR (a != NULL && c != NULL);
    g_assert_true (sb_socket_connect_finish (c2, c, &error));
    child = sb_socket_accept_finish (listener, a, &error);
    g_assert_no_error (error);
    g_clear_object (&a);
    g_clear_object (&c);
    close_and_finalize (child);
    close_and_finalize (c2);
  }

  close_and_finalize (client);
  close_and_finalize (server);
  close_and_finalize (listener);
}

/* ---- close, cancel, finalize --------------------------------------------- */

static void
count_errors_cb (SbSocket     *sock,
                 const GError *error,
                 guint        *count)
{
  (*count)++;
}

static void
test_close_pending (void)
{
  SbSocket *listener, *client, *server;
  g_autoptr(GError) error = NULL;
  guint n_errors = 0;

  /* pending accept */
  {
    SbSocket *l = new_listener (SB_FAMILY_IPV4, 4);
    g_autoptr(GAsyncResult) r = NULL;

    g_signal_connect (l, "error", G_CALLBACK (count_errors_cb), &n_errors);
    sb_socket_set_timeout (l, 10000);
    sb_socket_accept_async (l, NULL, result_cb, &r);
    drain_main_context ();
    g_assert_null (r);
    sb_socket_close (l);
    g_assert_cmpint (sb_socket_get_state (l), ==, SB_STATE_CLOSED);
    g_assert_cmpint (sb_socket_get_fd (l), ==, -1);
    WAIT_FOR (r != NULL);
    g_assert_null (sb_socket_accept_finish (l, r, &error));
    g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_CLOSED);
    g_clear_error (&error);
    g_assert_cmpuint (n_errors, ==, 1);
    /* twice is fine */
    sb_socket_close (l);
    g_assert_true (has_message (l, SB_EVENT_STATE, "closed"));
    g_clear_object (&r);
    close_and_finalize (l);
  }

  /* pending receive and sendall, and a connect that is resolving */
  make_pair (SB_FAMILY_IPV4, &listener, &client, &server);
  {
    g_autoptr(GAsyncResult) rr = NULL;
    g_autoptr(GAsyncResult) rs = NULL;
    gsize total = 32 * 1024 * 1024;
    g_autoptr(GBytes) bytes = g_bytes_new_take (g_malloc0 (total), total);
    guint64 n_sent = 0;

    sb_socket_receive_async (client, 100, NULL, result_cb, &rr);
    sb_socket_send_all_async (client, bytes, NULL, result_cb, &rs);
    drain_main_context ();
    g_assert_null (rr);
    g_assert_null (rs);
    sb_socket_close (client);
    WAIT_FOR (rr != NULL && rs != NULL);
    g_assert_null (sb_socket_receive_finish (client, rr, NULL, &error));
    g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_CLOSED);
    g_clear_error (&error);
    g_assert_false (sb_socket_send_all_finish (client, rs, &n_sent, &error));
    g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_CLOSED);
    g_assert_cmpuint (n_sent, >, 0);
    g_assert_cmpuint (n_sent, <, total);
    g_clear_error (&error);
    /* operations on a closed socket fail with a state error */
    g_assert_cmpint (sb_socket_send (client, (const guint8 *) "x", 1, &error), ==, -1);
    g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE);
    g_clear_error (&error);
    g_assert_false (sb_socket_can_receive (client));
    g_assert_false (sb_socket_can_send_to (client));
  }
  {
    SbSocket *c = new_socket (SB_FAMILY_IPV4, SB_SOCKET_STREAM);
    g_autoptr(GAsyncResult) r = NULL;

    /* closed before the (literal) lookup came back */
    sb_socket_connect_async (c, "127.0.0.1", sb_socket_get_local_port (listener), NULL,
                             result_cb, &r);
    sb_socket_close (c);
    WAIT_FOR (r != NULL);
    g_assert_false (sb_socket_connect_finish (c, r, &error));
    g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_CLOSED);
    g_clear_error (&error);
    drain_main_context ();
    g_clear_object (&r);
    g_assert_cmpint (sb_socket_get_state (c), ==, SB_STATE_CLOSED);
    close_and_finalize (c);
  }
  close_and_finalize (client);
  close_and_finalize (server);
  close_and_finalize (listener);
}

static void
test_cancel (void)
{
  SbSocket *listener, *client, *server;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GBytes) got = NULL;

  make_pair (SB_FAMILY_IPV4, &listener, &client, &server);
  sb_socket_receive_async (client, 100, cancellable, result_cb, &r);
  drain_main_context ();
  g_cancellable_cancel (cancellable);
  WAIT_FOR (r != NULL);
  got = sb_socket_receive_finish (client, r, NULL, &error);
  g_assert_null (got);
  /* our own error domain, as the window and the CLI expect */
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_CANCELLED);
  g_clear_error (&error);
  g_clear_object (&r);
  /* the socket takes the next receive */
  sb_socket_send (server, (const guint8 *) "after", 5, &error);
  got = receive_wait (client, 100, NULL, &error);
  g_assert_no_error (error);
  assert_bytes_eq (got, "after");

  /* a pending accept */
  {
    g_autoptr(GCancellable) c2 = g_cancellable_new ();
    g_autoptr(GAsyncResult) ra = NULL;

    sb_socket_accept_async (listener, c2, result_cb, &ra);
    drain_main_context ();
    g_cancellable_cancel (c2);
    WAIT_FOR (ra != NULL);
    g_assert_null (sb_socket_accept_finish (listener, ra, &error));
    g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_CANCELLED);
    g_clear_error (&error);
    g_assert_true (sb_socket_can_accept (listener));
  }

  /* a connect cancelled before it started, and one by name */
  {
    g_autoptr(GCancellable) c3 = g_cancellable_new ();
    SbSocket *c = new_socket (SB_FAMILY_IPV4, SB_SOCKET_STREAM);
    const char *hosts[] = { "127.0.0.1", g_get_host_name () };

    g_cancellable_cancel (c3);
    for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
      {
        g_autoptr(GAsyncResult) rc = NULL;

        sb_socket_connect_async (c, hosts[i], sb_socket_get_local_port (listener), c3,
                                 result_cb, &rc);
        WAIT_FOR (rc != NULL);
        g_assert_false (sb_socket_connect_finish (c, rc, &error));
        g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_CANCELLED);
        g_clear_error (&error);
        g_assert_cmpint (sb_socket_get_state (c), ==, SB_STATE_CREATED);
        /* let the lookup finish too */
        drain_main_context ();
      }
    close_and_finalize (c);
  }

  /* address resolution alone */
  {
    g_autoptr(GCancellable) c4 = g_cancellable_new ();
    g_autoptr(GAsyncResult) rr = NULL;
    g_autoptr(GSocketAddress) a = NULL;

    g_cancellable_cancel (c4);
    sb_address_resolve_async (g_get_host_name (), 80, SB_FAMILY_IPV4, c4, result_cb, &rr);
    WAIT_FOR (rr != NULL);
    a = sb_address_resolve_finish (rr, &error);
    g_assert_null (a);
    g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_CANCELLED);
    g_clear_error (&error);
  }

  close_and_finalize (client);
  close_and_finalize (server);
  close_and_finalize (listener);
}

/* ---- re-entrancy: handlers that close or restart ---------------------------- */

static void
close_listener_on_accepted_cb (SbSocket *listener,
                               SbSocket *child,
                               guint    *count)
{
  (*count)++;
  sb_socket_close (listener);
}

static void
test_close_in_accepted_handler (void)
{
  for (guint continuous = 0; continuous < 2; continuous++)
    {
      SbSocket *listener = new_listener (SB_FAMILY_IPV4, 16);
      guint port = sb_socket_get_local_port (listener);
      g_autoptr(GPtrArray) clients = g_ptr_array_new ();
      g_autoptr(GAsyncResult) ra = NULL;
      GAsyncResult *rc[4] = { NULL, };
      g_autoptr(GError) error = NULL;
      guint n_accepted = 0;
      guint n_errors = 0;
      SbSocket *child = NULL;

      g_signal_connect (listener, "accepted", G_CALLBACK (close_listener_on_accepted_cb),
                        &n_accepted);
      g_signal_connect (listener, "error", G_CALLBACK (count_errors_cb), &n_errors);
      /* several connections queue up before the listener looks */
      for (guint i = 0; i < G_N_ELEMENTS (rc); i++)
        {
          SbSocket *c = new_socket (SB_FAMILY_IPV4, SB_SOCKET_STREAM);
          g_ptr_array_add (clients, c);
          sb_socket_connect_async (c, "127.0.0.1", port, NULL, result_cb, &rc[i]);
        }
      for (guint i = 0; i < G_N_ELEMENTS (rc); i++)
        {
          WAIT_FOR (rc[i] != NULL);
          g_assert_true (sb_socket_connect_finish (clients->pdata[i], rc[i], &error));
          g_assert_no_error (error);
          g_clear_object (&rc[i]);
        }

      if (continuous)
        sb_socket_set_accept_continuous (listener, TRUE);
      else
        sb_socket_accept_async (listener, NULL, result_cb, &ra);
      WAIT_FOR (n_accepted > 0);
      if (!continuous)
        {
          WAIT_FOR (ra != NULL);
          child = sb_socket_accept_finish (listener, ra, &error);
          /* the connection was made before the close: it is delivered */
          g_assert_no_error (error);
          g_assert_nonnull (child);
          g_clear_object (&ra);
        }
      drain_main_context ();
      /* one accepted, then closed: nothing more, and no error about it */
      g_assert_cmpuint (n_accepted, ==, 1);
      g_assert_cmpuint (n_errors, ==, 0);
      g_assert_cmpint (sb_socket_get_state (listener), ==, SB_STATE_CLOSED);
      g_assert_false (sb_socket_get_accept_continuous (listener));

      if (child != NULL)
        close_and_finalize (child);
      else
        {
          SbSocket *only = g_list_model_get_item (sb_socket_get_children (listener), 0);
          close_and_finalize (only);
        }
      for (guint i = 0; i < clients->len; i++)
        close_and_finalize (clients->pdata[i]);
      close_and_finalize (listener);
    }
}

typedef struct
{
  SbSocket     *sock;
  GAsyncResult *first;
  GAsyncResult *second;
} Restart;

static void
restart_second_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Restart *st = user_data;

  st->second = g_object_ref (result);
}

/* The first receive fails because the socket closes: its callback at once
 * starts another receive, as a script runner would. */
static void
restart_first_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Restart *st = user_data;

  st->first = g_object_ref (result);
  sb_socket_receive_async (st->sock, 10, NULL, restart_second_cb, st);
}

static gboolean
close_from_source_cb (gpointer data)
{
  sb_socket_close (data);
  return G_SOURCE_REMOVE;
}

static void
test_close_from_callback (void)
{
  SbSocket *listener, *client, *server;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) got = NULL;
  Restart st = { 0, };

  make_pair (SB_FAMILY_IPV4, &listener, &client, &server);
  st.sock = client;
  sb_socket_receive_async (client, 10, NULL, restart_first_cb, &st);
  drain_main_context ();
  /* close from inside a dispatch, where GTask calls back at once */
  g_idle_add (close_from_source_cb, client);
  WAIT_FOR (st.first != NULL && st.second != NULL);
  got = sb_socket_receive_finish (client, st.first, NULL, &error);
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_CLOSED);
  g_clear_error (&error);
  /* the socket was already closed for the second one */
  got = sb_socket_receive_finish (client, st.second, NULL, &error);
  g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_clear_object (&st.first);
  g_clear_object (&st.second);
  g_assert_cmpint (sb_socket_get_state (client), ==, SB_STATE_CLOSED);

  close_and_finalize (client);
  close_and_finalize (server);
  close_and_finalize (listener);
}

static void
close_when_created_cb (SbSocket   *sock,
                       GParamSpec *pspec,
                       gpointer    data)
{
  if (sb_socket_get_state (sock) == SB_STATE_CREATED)
    sb_socket_close (sock);
}

/* A state handler closes the socket as a failed connect returns it to
 * "created": the connect still ends once, with its own error. */
static void
test_close_in_state_handler (void)
{
  SbSocket *blocker = new_socket (SB_FAMILY_IPV4, SB_SOCKET_STREAM);
  g_autoptr(GError) error = NULL;
  guint port;

  g_assert_true (sb_socket_bind (blocker, "127.0.0.1", 0, &error));
  port = sb_socket_get_local_port (blocker);

  /* refused */
  {
    SbSocket *c = new_socket (SB_FAMILY_IPV4, SB_SOCKET_STREAM);
    g_signal_connect (c, "notify::state", G_CALLBACK (close_when_created_cb), NULL);
    g_assert_false (connect_wait (c, "127.0.0.1", port, &error));
    g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_REFUSED);
    g_clear_error (&error);
    drain_main_context ();
    g_assert_cmpint (sb_socket_get_state (c), ==, SB_STATE_CLOSED);
    close_and_finalize (c);
  }
  /* timed out while resolving a name */
  {
    SbSocket *c = new_socket (SB_FAMILY_IPV4, SB_SOCKET_STREAM);
    g_signal_connect (c, "notify::state", G_CALLBACK (close_when_created_cb), NULL);
    GAsyncResult *r = NULL;
    GAsyncResult *task;

    sb_socket_set_timeout (c, 0);
    sb_socket_connect_async (c, g_get_host_name (), port, NULL, result_cb, &r);
    WAIT_FOR (r != NULL);
    g_assert_false (sb_socket_connect_finish (c, r, &error));
    g_assert_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_TIMED_OUT);
    g_clear_error (&error);
    /* the lookup holds the task until it comes back and finds nothing to do */
    task = r;
    g_object_add_weak_pointer (G_OBJECT (task), (gpointer *) &task);
    g_object_unref (r);
    WAIT_FOR (task == NULL);
    g_assert_cmpint (sb_socket_get_state (c), ==, SB_STATE_CLOSED);
    close_and_finalize (c);
  }
  close_and_finalize (blocker);
}

/* Auto-receive switched on before connecting starts reading once connected. */
static void
test_auto_receive_before_connect (void)
{
  SbSocket *listener = new_listener (SB_FAMILY_IPV4, 4);
  SbSocket *client = new_socket (SB_FAMILY_IPV4, SB_SOCKET_STREAM);
  SbSocket *server;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) ra = NULL;
  g_autoptr(GAsyncResult) rc = NULL;
  g_autoptr(GBytes) all = NULL;
  guint n_errors = 0;

  g_signal_connect (client, "error", G_CALLBACK (count_errors_cb), &n_errors);
  sb_socket_set_auto_receive (client, TRUE);
  drain_main_context ();
  g_assert_true (sb_socket_get_auto_receive (client));
  g_assert_cmpuint (n_errors, ==, 0);

  sb_socket_accept_async (listener, NULL, result_cb, &ra);
  sb_socket_connect_async (client, "127.0.0.1", sb_socket_get_local_port (listener), NULL,
                           result_cb, &rc);
  WAIT_FOR (ra != NULL && rc != NULL);
  g_assert_true (sb_socket_connect_finish (client, rc, &error));
  server = sb_socket_accept_finish (listener, ra, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sb_socket_send (server, (const guint8 *) "welcome", 7, &error), ==, 7);
  WAIT_FOR (sb_transcript_get_bytes_in (sb_socket_get_transcript (client)) == 7);
  all = transcript_data (client, SB_EVENT_RECEIVED);
  assert_bytes_eq (all, "welcome");
  g_assert_true (sb_socket_get_auto_receive (client));
  g_assert_cmpuint (n_errors, ==, 0);

  g_clear_object (&ra);
  g_clear_object (&rc);
  close_and_finalize (client);
  close_and_finalize (server);
  close_and_finalize (listener);
}

/* Dropping the last reference without close() closes the descriptor. */
static void
test_finalize_without_close (void)
{
  SbSocket *listener, *client, *server;
  int fd;
  GObject *weak_t;

  make_pair (SB_FAMILY_IPV4, &listener, &client, &server);
  sb_socket_set_auto_receive (server, TRUE);
  sb_socket_set_accept_continuous (listener, TRUE);
  sb_socket_release_child (listener, server);
  fd = sb_socket_get_fd (server);
  weak_t = G_OBJECT (sb_socket_get_transcript (server));
  g_object_add_weak_pointer (weak_t, (gpointer *) &weak_t);
  sb_transcript_append_message (sb_socket_get_transcript (server), SB_EVENT_NOTICE, NULL, "pending flush");
  g_assert_finalize_object (server);
  g_assert_null (weak_t);
  /* the descriptor is gone */
  g_assert_cmpint (fcntl (fd, F_GETFD), ==, -1);
  drain_main_context ();
  g_assert_finalize_object (client);
  /* the listener's weak child list is cleaned up with it */
  g_assert_finalize_object (listener);
  drain_main_context ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* keeps iterations from blocking forever, so deadlines are checked */
  g_timeout_add (50, tick_cb, NULL);

  g_test_add_func ("/socket/create", test_create);
  g_test_add_func ("/socket/protocol-parse", test_protocol_parse);
  g_test_add_func ("/socket/address", test_address);
  g_test_add_func ("/socket/options", test_options);
  g_test_add_func ("/socket/multicast", test_multicast);
  g_test_add_func ("/socket/bind", test_bind);
  g_test_add_func ("/socket/listen", test_listen);
  g_test_add_func ("/socket/accept-connect", test_accept_connect);
  g_test_add_func ("/socket/accept-continuous", test_accept_continuous);
  g_test_add_func ("/socket/connect-refused", test_connect_refused);
  g_test_add_func ("/socket/connect-resolve", test_connect_resolve);
  g_test_add_func ("/socket/connect-timeout", test_connect_timeout);
  g_test_add_func ("/socket/accept-timeout", test_accept_timeout);
  g_test_add_func ("/socket/receive-timeout", test_receive_timeout);
  g_test_add_func ("/socket/send", test_send);
  g_test_add_func ("/socket/send-all-64m", test_send_all_64m);
  g_test_add_func ("/socket/send-all-reset", test_send_all_reset);
  g_test_add_func ("/socket/receive", test_receive);
  g_test_add_func ("/socket/auto-receive", test_auto_receive);
  g_test_add_func ("/socket/auto-receive-byte-limit", test_auto_receive_byte_limit);
  g_test_add_func ("/socket/auto-receive-close-in-handler", test_auto_receive_close_in_handler);
  g_test_add_func ("/socket/half-close", test_half_close);
  g_test_add_func ("/socket/udp", test_udp);
  g_test_add_func ("/socket/udp6", test_udp6);
  g_test_add_func ("/socket/udp-auto-receive", test_udp_auto_receive);
  g_test_add_func ("/socket/send-repeated", test_send_repeated);
  g_test_add_func ("/socket/send-repeated-cancel", test_send_repeated_cancel);
  g_test_add_func ("/socket/udp-refused", test_udp_refused);
  g_test_add_func ("/socket/ipv6-tcp", test_ipv6_tcp);
  g_test_add_func ("/socket/close-pending", test_close_pending);
  g_test_add_func ("/socket/cancel", test_cancel);
  g_test_add_func ("/socket/close-in-accepted-handler", test_close_in_accepted_handler);
  g_test_add_func ("/socket/close-from-callback", test_close_from_callback);
  g_test_add_func ("/socket/close-in-state-handler", test_close_in_state_handler);
  g_test_add_func ("/socket/auto-receive-before-connect", test_auto_receive_before_connect);
  g_test_add_func ("/socket/finalize-without-close", test_finalize_without_close);

  return g_test_run ();
}
