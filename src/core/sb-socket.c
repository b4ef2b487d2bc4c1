/* sb-socket.c — one socket and its state machine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * We drive plain file descriptors with GUnixFDSources instead of GSocket:
 * raw and packet sockets are first-class here, timeouts are in milliseconds
 * (GSocket's are whole seconds), and every error keeps its errno name.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/if_packet.h>
#include <linux/sock_diag.h>
#include <net/ethernet.h>
#include <sys/socket.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>

#include "sb-socket.h"

#define AUTO_RECEIVE_SIZE   (64 * 1024)
/* A flood must never starve the loop: a dispatch reads at most this much,
 * for at most this long, then gives the frame clock its turn. */
#define READ_BUDGET_BYTES   (4 * 1024 * 1024)
#define READ_BUDGET_COUNT   512
#define READ_BUDGET_USEC    (4 * 1000)
/* When a stream runs dry in the middle of a flood (this dispatch already
 * read this much), try again for a few microseconds before going back to
 * poll(): the sender is usually about to write more, and sleeping in poll()
 * to be woken for it cost ~10 % of loopback throughput (docs/benchmarks.md). */
#define FLOOD_SPIN_AFTER    (256 * 1024)
#define FLOOD_SPIN_USEC     20
#define ACCEPT_BUDGET_COUNT 256
#define PEER_STRLEN         (INET6_ADDRSTRLEN + IF_NAMESIZE + 32)

G_DEFINE_QUARK (sb-socket-error-quark, sb_socket_error)

typedef enum
{
  OP_ACCEPT,
  OP_CONNECT,
  OP_RECEIVE,
  OP_SEND_ALL,
  N_OPS
} OpKind;

typedef struct
{
  OpKind          kind;
  GSource        *io;
  GSource        *timer;
  GSource        *cancel;
  /* receive */
  gsize           bufsize;
  guint8         *buffer;       /* caller's buffer for receive_into, else NULL */
  GSocketAddress *peer;
  /* connect */
  char           *host;
  guint           port;
  SbSocketState   state_before;
  /* send_all */
  GBytes         *data;
  gsize           sent;
  guint           n_calls;
} Op;

struct _SbSocket
{
  GObject         parent_instance;

  SbFamily        family;
  SbSocketType    type;
  int             protocol;
  int             fd;
  SbSocketState   state;
  guint           read_shut : 1;
  guint           write_shut : 1;
  guint           peer_closed : 1;
  guint           auto_receive : 1;
  guint           accept_continuous : 1;
  guint           rxq_ovfl : 1;

  int             timeout_ms;
  gsize           receive_size;

  SbTranscript   *transcript;
  SbSocket       *listener;      /* weak */
  GListStore     *children;
  GSocketAddress *local;
  GSocketAddress *remote;
  char           *remote_str;

  GTask          *ops[N_OPS];
  GSource        *auto_source;
  GSource        *accept_source;

  guint64         kernel_drops;
};

G_DEFINE_FINAL_TYPE (SbSocket, sb_socket, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_TIMEOUT,
  PROP_AUTO_RECEIVE,
  PROP_ACCEPT_CONTINUOUS,
  PROP_LOCAL_PORT,
  PROP_PEER_CLOSED,
  N_PROPS
};

enum {
  ACCEPTED,
  RECEIVED,
  ERROR,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void stop_auto_receive (SbSocket *self);
static void start_auto_receive (SbSocket *self);
static void stop_accept_continuous (SbSocket *self);
static gboolean start_accept_continuous (SbSocket *self);

/* ---- names and errors -------------------------------------------------- */

const char *
sb_family_to_string (SbFamily family)
{
  switch (family)
    {
    case SB_FAMILY_IPV4: return "ipv4";
    case SB_FAMILY_IPV6: return "ipv6";
    case SB_FAMILY_PACKET: return "packet";
    default: return "unknown";
    }
}

const char *
sb_socket_type_to_string (SbSocketType type)
{
  switch (type)
    {
    case SB_SOCKET_STREAM: return "stream";
    case SB_SOCKET_DATAGRAM: return "datagram";
    case SB_SOCKET_RAW: return "raw";
    default: return "unknown";
    }
}

const char *
sb_state_to_string (SbSocketState state)
{
  switch (state)
    {
    /* The names stay English here (tests and machine output use them);
     * people see them through _() (sb-socket-panel.c). */
    case SB_STATE_CREATED: return N_("created");
    case SB_STATE_BOUND: return N_("bound");
    case SB_STATE_LISTENING: return N_("listening");
    case SB_STATE_CONNECTING: return N_("connecting");
    case SB_STATE_CONNECTED: return N_("connected");
    case SB_STATE_SHUT_DOWN: return N_("shut down");
    case SB_STATE_CLOSED: return N_("closed");
    default: return "unknown";
    }
}

const char *
sb_option_to_string (SbOption option)
{
  static const char *names[] = {
    "reuse-address", "broadcast", "no-delay", "rcvbuf", "sndbuf", "v6only",
    "ttl", "multicast-ttl", "multicast-loop", "keepalive",
  };

  if (option < G_N_ELEMENTS (names))
    return names[option];
  return "unknown";
}

gboolean
sb_family_from_string (const char *name,
                       SbFamily   *out)
{
  g_return_val_if_fail (out != NULL, FALSE);

  if (name == NULL)
    return FALSE;
  if (!g_ascii_strcasecmp (name, "ipv4") || !g_ascii_strcasecmp (name, "inet")
      || !g_ascii_strcasecmp (name, "af_inet"))
    *out = SB_FAMILY_IPV4;
  else if (!g_ascii_strcasecmp (name, "ipv6") || !g_ascii_strcasecmp (name, "inet6")
           || !g_ascii_strcasecmp (name, "af_inet6"))
    *out = SB_FAMILY_IPV6;
  else if (!g_ascii_strcasecmp (name, "packet") || !g_ascii_strcasecmp (name, "af_packet")
           || !g_ascii_strcasecmp (name, "pf_packet"))
    *out = SB_FAMILY_PACKET;
  else
    return FALSE;
  return TRUE;
}

gboolean
sb_socket_type_from_string (const char   *name,
                            SbSocketType *out)
{
  g_return_val_if_fail (out != NULL, FALSE);

  if (name == NULL)
    return FALSE;
  if (!g_ascii_strcasecmp (name, "stream") || !g_ascii_strcasecmp (name, "sock_stream"))
    *out = SB_SOCKET_STREAM;
  else if (!g_ascii_strcasecmp (name, "datagram") || !g_ascii_strcasecmp (name, "dgram")
           || !g_ascii_strcasecmp (name, "sock_dgram"))
    *out = SB_SOCKET_DATAGRAM;
  else if (!g_ascii_strcasecmp (name, "raw") || !g_ascii_strcasecmp (name, "sock_raw"))
    *out = SB_SOCKET_RAW;
  else
    return FALSE;
  return TRUE;
}

const char *
sb_errno_name (int errsv)
{
  const char *name = strerrorname_np (errsv);

  return name != NULL ? name : "EUNKNOWN";
}

SbSocketError
sb_socket_error_from_errno (int errsv)
{
  switch (errsv)
    {
    case ETIMEDOUT: return SB_SOCKET_ERROR_TIMED_OUT;
    case ECONNREFUSED: return SB_SOCKET_ERROR_REFUSED;
    case ECONNRESET:
    case ECONNABORTED:
    case EPIPE: return SB_SOCKET_ERROR_RESET;
    case ENETUNREACH:
    case EHOSTUNREACH:
    case ENETDOWN:
    case EHOSTDOWN: return SB_SOCKET_ERROR_UNREACHABLE;
    case EADDRINUSE: return SB_SOCKET_ERROR_ADDRESS_IN_USE;
    case EPERM:
    case EACCES: return SB_SOCKET_ERROR_PERMISSION;
    case EAGAIN: return SB_SOCKET_ERROR_WOULD_BLOCK;
    case EINVAL:
    case EAFNOSUPPORT:
    case EPROTONOSUPPORT:
    case EPROTOTYPE:
    case ESOCKTNOSUPPORT:
    case EADDRNOTAVAIL:
    case EMSGSIZE:
    case EDESTADDRREQ: return SB_SOCKET_ERROR_INVALID_ARGUMENT;
    case ENOTCONN:
    case EISCONN:
    case EALREADY: return SB_SOCKET_ERROR_INVALID_STATE;
    default: return SB_SOCKET_ERROR_FAILED;
    }
}

/* A sentence about what to do, for the errors people meet most. */
static const char *
errno_hint (int      errsv,
            gboolean bind)
{
  switch (errsv)
    {
    case ECONNREFUSED:
      return _("nothing is listening on that port");
    case EADDRINUSE:
      return _("another socket is bound to that port; pick another port or enable reuse address");
    case EACCES:
      if (bind)
        return _("ports below 1024 need privileges (CAP_NET_BIND_SERVICE); pick a port above 1023");
      return _("permission denied");
    case EPERM:
      return _("raw and packet sockets need CAP_NET_RAW: run as root, inside 'unshare -rn', or grant it with 'sudo setcap cap_net_raw,cap_net_admin+ep' on the binary");
    case ECONNRESET:
      return _("the peer reset the connection");
    case EPIPE:
      return _("the peer has closed the connection");
    case ENETUNREACH:
    case EHOSTUNREACH:
      return _("no route to that address; check the address and the network");
    case EADDRNOTAVAIL:
      return _("that address does not belong to this machine");
    case EMFILE:
    case ENFILE:
      return _("too many open files; close some sockets or raise the limit (ulimit -n)");
    case EMSGSIZE:
      return _("the message is too long for one datagram");
    case ENOTCONN:
      return _("the socket is not connected");
    case EDESTADDRREQ:
      return _("the socket has no destination; connect it or use send to");
    default:
      return NULL;
    }
}

/* @what is translated, so whether it is a bind comes separately. */
static void
set_errno_error_full (GError    **error,
                      int         errsv,
                      const char *what,
                      gboolean    bind)
{
  const char *hint = errno_hint (errsv, bind);
  g_autofree char *reason = g_ascii_strdown (g_strerror (errsv), -1);

  if (hint != NULL)
    g_set_error (error, SB_SOCKET_ERROR, sb_socket_error_from_errno (errsv),
                 _("Cannot %s: %s (%s) — %s"), what, reason, sb_errno_name (errsv), hint);
  else
    g_set_error (error, SB_SOCKET_ERROR, sb_socket_error_from_errno (errsv),
                 _("Cannot %s: %s (%s)"), what, reason, sb_errno_name (errsv));
}

static void
set_errno_error (GError    **error,
                 int         errsv,
                 const char *what)
{
  set_errno_error_full (error, errsv, what, FALSE);
}

/* ---- protocols ------------------------------------------------------------ */

gboolean
sb_protocol_parse (const char *text,
                   SbFamily    family,
                   int        *out,
                   GError    **error)
{
  static const struct { const char *name; int ip; int ether; } names[] = {
    { "ip", IPPROTO_IP, ETH_P_IP },
    { "ipv4", IPPROTO_IP, ETH_P_IP },
    { "icmp", IPPROTO_ICMP, -1 },
    { "igmp", IPPROTO_IGMP, -1 },
    { "tcp", IPPROTO_TCP, -1 },
    { "udp", IPPROTO_UDP, -1 },
    { "ipv6", IPPROTO_IPV6, ETH_P_IPV6 },
    { "icmpv6", IPPROTO_ICMPV6, -1 },
    { "raw", IPPROTO_RAW, -1 },
    { "sctp", IPPROTO_SCTP, -1 },
    { "all", -1, ETH_P_ALL },
    { "arp", -1, ETH_P_ARP },
  };
  g_autofree char *s = NULL;
  guint64 v;
  char *end;

  g_return_val_if_fail (out != NULL, FALSE);

  if (text == NULL || *text == '\0')
    {
      *out = 0;
      return TRUE;
    }
  s = g_strstrip (g_ascii_strdown (text, -1));

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if (strcmp (s, names[i].name) != 0)
        continue;
      if (family == SB_FAMILY_PACKET ? names[i].ether >= 0 : names[i].ip >= 0)
        {
          *out = family == SB_FAMILY_PACKET ? names[i].ether : names[i].ip;
          return TRUE;
        }
      g_set_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT,
                   family == SB_FAMILY_PACKET
                   ? _("Protocol “%s” is an IP protocol; packet sockets take an EtherType such as all (0x0003), ip (0x0800), ipv6 (0x86dd) or arp (0x0806)")
                   : _("Protocol “%s” is an EtherType; it only makes sense for packet sockets"),
                   text);
      return FALSE;
    }

  errno = 0;
  if (g_str_has_prefix (s, "0x"))
    v = g_ascii_strtoull (s + 2, &end, 16);
  else
    v = g_ascii_strtoull (s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || (g_str_has_prefix (s, "0x") && end == s + 2))
    {
      g_set_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT,
                   _("Unknown protocol “%s”: use a number, 0xHHHH, or one of tcp, udp, icmp, icmpv6, all, arp"),
                   text);
      return FALSE;
    }
  if (v > (family == SB_FAMILY_PACKET ? 0xffff : 255))
    {
      g_set_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT,
                   _("Protocol %s is out of range: IP protocols are 0–255, EtherTypes 0–0xffff"),
                   text);
      return FALSE;
    }
  *out = (int) v;
  return TRUE;
}

gboolean
sb_socket_check_combination (SbFamily     family,
                             SbSocketType type,
                             int          protocol,
                             GError     **error)
{
  if (family == SB_FAMILY_PACKET)
    {
      if (type == SB_SOCKET_STREAM)
        {
          g_set_error_literal (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT,
                               _("Packet sockets carry whole frames, not streams: choose Raw (frames with their link-layer header) or Datagram (the header removed)"));
          return FALSE;
        }
      return TRUE;
    }

  switch (type)
    {
    case SB_SOCKET_STREAM:
      if (protocol != 0 && protocol != IPPROTO_TCP && protocol != IPPROTO_SCTP)
        {
          g_set_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT,
                       _("A stream socket speaks TCP (or SCTP); protocol %d does not make a stream — use 0 or tcp"),
                       protocol);
          return FALSE;
        }
      break;
    case SB_SOCKET_DATAGRAM:
      if (protocol != 0 && protocol != IPPROTO_UDP
          && !(protocol == IPPROTO_ICMP && family == SB_FAMILY_IPV4)
          && !(protocol == IPPROTO_ICMPV6 && family == SB_FAMILY_IPV6))
        {
          g_set_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT,
                       _("A datagram socket speaks UDP (or unprivileged ICMP echo); protocol %d does not make datagrams — use 0 or udp"),
                       protocol);
          return FALSE;
        }
      break;
    case SB_SOCKET_RAW:
      if (protocol == 0)
        {
          g_set_error_literal (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT,
                               _("A raw socket needs a protocol — you write the headers after the IP header: choose icmp, icmpv6, tcp, udp or a number (raw, 255, to write the IP header too)"));
          return FALSE;
        }
      break;
    }
  return TRUE;
}

/* ---- addresses ------------------------------------------------------------ */

static GSocketFamily
gfamily (SbFamily family)
{
  return family == SB_FAMILY_IPV6 ? G_SOCKET_FAMILY_IPV6 : G_SOCKET_FAMILY_IPV4;
}

GSocketAddress *
sb_address_parse (const char *host,
                  guint       port,
                  SbFamily    family,
                  GError    **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autofree char *h = NULL;
  gsize len;

  if (family == SB_FAMILY_PACKET)
    {
      g_set_error_literal (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT,
                           _("Packet sockets have no IP address; they bind to an interface"));
      return NULL;
    }
  if (port > 65535)
    {
      g_set_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT,
                   _("Port %u is out of range: ports are 0–65535"), port);
      return NULL;
    }

  h = g_strstrip (g_strdup (host != NULL ? host : ""));
  len = strlen (h);
  if (len >= 2 && h[0] == '[' && h[len - 1] == ']')
    {
      memmove (h, h + 1, len - 2);
      h[len - 2] = '\0';
    }

  if (*h == '\0' || g_str_equal (h, "*"))
    inet = g_inet_address_new_any (gfamily (family));
  else if (!g_ascii_strcasecmp (h, "localhost"))
    inet = g_inet_address_new_loopback (gfamily (family));
  else
    inet = g_inet_address_new_from_string (h);

  if (inet == NULL)
    {
      g_set_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an IP address"), h);
      return NULL;
    }
  if (g_inet_address_get_family (inet) != gfamily (family))
    {
      g_set_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT,
                   _("“%s” is an %s address but the socket is %s"),
                   h, g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6 ? "IPv6" : "IPv4",
                   family == SB_FAMILY_IPV6 ? "IPv6" : "IPv4");
      return NULL;
    }
  return g_inet_socket_address_new (inet, port);
}

typedef struct
{
  guint    port;
  SbFamily family;
  char    *host;
} ResolveData;

static void
resolve_data_free (ResolveData *data)
{
  g_free (data->host);
  g_free (data);
}

static void
resolve_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ResolveData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GList *addresses;

  addresses = g_resolver_lookup_by_name_with_flags_finish (G_RESOLVER (object), result, &error);
  if (addresses == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_new_error (task, SB_SOCKET_ERROR, SB_SOCKET_ERROR_CANCELLED,
                                 _("Looking up “%s” was cancelled"), data->host);
      else
        {
          /* GResolver says "Error resolving “HOST”: REASON"; the host is
           * in our sentence already, keep only the reason */
          const char *reason = error->message;
          const char *at = strstr (reason, data->host);
          const char *colon = at != NULL ? strstr (at + strlen (data->host), ": ") : NULL;

          if (colon != NULL && colon[2] != '\0')
            reason = colon + 2;
          g_task_return_new_error (task, SB_SOCKET_ERROR, SB_SOCKET_ERROR_RESOLVE,
                                   _("Cannot resolve “%s” to an %s address: %s"),
                                   data->host, data->family == SB_FAMILY_IPV6 ? "IPv6" : "IPv4",
                                   reason);
        }
      return;
    }
  g_task_return_pointer (task, g_inet_socket_address_new (addresses->data, data->port),
                         g_object_unref);
  g_resolver_free_addresses (addresses);
}

void
sb_address_resolve_async (const char         *host,
                          guint               port,
                          SbFamily            family,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GResolver) resolver = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) literal = NULL;
  g_autofree char *h = g_strstrip (g_strdup (host != NULL ? host : ""));
  ResolveData *data;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_address_resolve_async);
  /* resolve_cb reports cancellation in our own domain */
  g_task_set_check_cancellable (task, FALSE);

  if (port > 65535 || family == SB_FAMILY_PACKET)
    {
      sb_address_parse (h, port, family, &error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  literal = sb_address_parse (h, port, family, &error);
  if (literal != NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&literal), g_object_unref);
      return;
    }
  /* An address literal of the other family is an error, not a name. */
  {
    g_autoptr(GInetAddress) other = g_inet_address_new_from_string (h);
    if (other != NULL || strchr (h, ':') != NULL)
      {
        g_task_return_error (task, g_steal_pointer (&error));
        return;
      }
  }

  data = g_new0 (ResolveData, 1);
  data->port = port;
  data->family = family;
  data->host = g_strdup (h);
  g_task_set_task_data (task, data, (GDestroyNotify) resolve_data_free);

  resolver = g_resolver_get_default ();
  g_resolver_lookup_by_name_with_flags_async (resolver, h,
                                              family == SB_FAMILY_IPV6
                                              ? G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY
                                              : G_RESOLVER_NAME_LOOKUP_FLAGS_IPV4_ONLY,
                                              cancellable, resolve_cb, g_steal_pointer (&task));
}

GSocketAddress *
sb_address_resolve_finish (GAsyncResult *result,
                           GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Format a native address into @buf without allocating. */
static const char *
format_sockaddr (const struct sockaddr *sa,
                 socklen_t              len,
                 char                  *buf,
                 gsize                  size)
{
  char host[INET6_ADDRSTRLEN];

  if (sa == NULL || len == 0)
    {
      *buf = '\0';
      return buf;
    }
  switch (sa->sa_family)
    {
    case AF_INET:
      {
        const struct sockaddr_in *in = (const struct sockaddr_in *) sa;
        inet_ntop (AF_INET, &in->sin_addr, host, sizeof host);
        g_snprintf (buf, size, "%s:%u", host, ntohs (in->sin_port));
        break;
      }
    case AF_INET6:
      {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *) sa;
        inet_ntop (AF_INET6, &in6->sin6_addr, host, sizeof host);
        g_snprintf (buf, size, "[%s]:%u", host, ntohs (in6->sin6_port));
        break;
      }
    case AF_PACKET:
      {
        const struct sockaddr_ll *ll = (const struct sockaddr_ll *) sa;
        char ifname[IF_NAMESIZE] = "?";
        if (ll->sll_ifindex == 0)
          strcpy (ifname, "any");
        else if (if_indextoname (ll->sll_ifindex, ifname) == NULL)
          g_snprintf (ifname, sizeof ifname, "if%d", ll->sll_ifindex);
        g_snprintf (buf, size, "%s proto 0x%04x", ifname, ntohs (ll->sll_protocol));
        break;
      }
    default:
      g_snprintf (buf, size, "family %d", sa->sa_family);
    }
  return buf;
}

char *
sb_address_to_string (GSocketAddress *address)
{
  struct sockaddr_storage ss;
  char buf[PEER_STRLEN];
  gssize len;

  g_return_val_if_fail (G_IS_SOCKET_ADDRESS (address), NULL);

  len = g_socket_address_get_native_size (address);
  if (len <= 0 || len > (gssize) sizeof ss
      || !g_socket_address_to_native (address, &ss, sizeof ss, NULL))
    return g_strdup ("?");
  return g_strdup (format_sockaddr ((struct sockaddr *) &ss, len, buf, sizeof buf));
}

gboolean
sb_address_split (const char *text,
                  char      **host,
                  guint      *port,
                  GError    **error)
{
  const char *colon;
  g_autofree char *h = NULL;
  guint64 p;
  char *end;

  g_return_val_if_fail (host != NULL && port != NULL, FALSE);

  if (text == NULL || *text == '\0')
    {
      g_set_error_literal (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT,
                           _("No address given: write HOST:PORT, e.g. 127.0.0.1:5000 or [::1]:5000"));
      return FALSE;
    }
  if (text[0] == '[')
    {
      const char *close = strchr (text, ']');
      if (close == NULL || close[1] != ':')
        {
          g_set_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT,
                       _("“%s” is not [IPV6]:PORT"), text);
          return FALSE;
        }
      h = g_strndup (text + 1, close - text - 1);
      colon = close + 1;
    }
  else
    {
      colon = strrchr (text, ':');
      if (colon == NULL)
        {
          g_set_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT,
                       _("“%s” has no port: write HOST:PORT"), text);
          return FALSE;
        }
      if (strchr (text, ':') != colon)
        {
          g_set_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT,
                       _("“%s”: put an IPv6 address in brackets, e.g. [::1]:5000"), text);
          return FALSE;
        }
      h = g_strndup (text, colon - text);
    }

  errno = 0;
  p = g_ascii_strtoull (colon + 1, &end, 10);
  if (colon[1] == '\0' || *end != '\0' || errno != 0 || p > 65535 || !g_ascii_isdigit (colon[1]))
    {
      g_set_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a port: ports are 0–65535"), colon + 1);
      return FALSE;
    }
  *host = g_steal_pointer (&h);
  *port = (guint) p;
  return TRUE;
}

/* ---- object -------------------------------------------------------------- */

/* Stop a source of ours and drop our reference to it. */
static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static void
op_free (Op *op)
{
  clear_source (&op->io);
  clear_source (&op->timer);
  clear_source (&op->cancel);
  g_clear_object (&op->peer);
  g_clear_pointer (&op->host, g_free);
  g_clear_pointer (&op->data, g_bytes_unref);
  g_free (op);
}

static void
set_state (SbSocket      *self,
           SbSocketState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
log_state (SbSocket   *self,
           const char *format,
           ...) G_GNUC_PRINTF (2, 3);

static void
log_state (SbSocket   *self,
           const char *format,
           ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  sb_transcript_append_message (self->transcript, SB_EVENT_STATE, self->remote_str, msg);
}

static void
log_notice (SbSocket   *self,
            const char *peer,
            const char *format,
            ...) G_GNUC_PRINTF (3, 4);

static void
log_notice (SbSocket   *self,
            const char *peer,
            const char *format,
            ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  sb_transcript_append_message (self->transcript, SB_EVENT_NOTICE, peer, msg);
}

/* Errors go to the transcript and to ::error, for a toast in the window. */
static void
report_error (SbSocket     *self,
              const GError *error)
{
  SbEventKind kind = g_error_matches (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_TIMED_OUT)
                     ? SB_EVENT_TIMEOUT : SB_EVENT_ERROR;

  sb_transcript_append_message (self->transcript, kind, self->remote_str, error->message);
  /* A reset (or a write to a connection the peer tore down) ends the
   * connection: say so in the state, as the kernel's TCP state does.
   * Sending stays possible, and shows EPIPE, as Python's send() would. */
  if (g_error_matches (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_RESET)
      && self->type == SB_SOCKET_STREAM
      && (self->state == SB_STATE_CONNECTED || self->state == SB_STATE_SHUT_DOWN))
    {
      set_state (self, SB_STATE_SHUT_DOWN);
      if (!self->peer_closed)
        {
          self->peer_closed = TRUE;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_CLOSED]);
        }
    }
  g_signal_emit (self, signals[ERROR], 0, error);
}

/**
 * sb_socket_report_error:
 *
 * Records an error that happened on the socket's behalf outside the engine
 * (a destination the window could not resolve before a sendto): in the
 * transcript, and as ::error, like the engine's own. Like those, an
 * %SB_SOCKET_ERROR_RESET error ends a connected stream (shut down, peer
 * closed).
 */
void
sb_socket_report_error (SbSocket     *self,
                        const GError *error)
{
  g_return_if_fail (SB_IS_SOCKET (self));
  g_return_if_fail (error != NULL);
  report_error (self, error);
}

static gboolean
fail (SbSocket *self,
      GError  **error,
      GError   *local)
{
  report_error (self, local);
  g_propagate_error (error, local);
  return FALSE;
}

static gboolean
fail_errno_full (SbSocket   *self,
                 GError    **error,
                 int         errsv,
                 const char *what,
                 gboolean    bind)
{
  GError *local = NULL;

  set_errno_error_full (&local, errsv, what, bind);
  return fail (self, error, local);
}

static gboolean
fail_errno (SbSocket   *self,
            GError    **error,
            int         errsv,
            const char *what)
{
  return fail_errno_full (self, error, errsv, what, FALSE);
}

static gboolean
fail_state (SbSocket   *self,
            GError    **error,
            const char *step,
            const char *needs)
{
  return fail (self, error,
               g_error_new (SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE,
                            _("Cannot %s: the socket is %s — %s"),
                            step, _(sb_state_to_string (self->state)), needs));
}

static void
update_local (SbSocket *self)
{
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;

  g_clear_object (&self->local);
  if (getsockname (self->fd, (struct sockaddr *) &ss, &len) == 0 && len > 0)
    self->local = g_socket_address_new_from_native (&ss, len);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCAL_PORT]);
}

static void
set_remote (SbSocket              *self,
            const struct sockaddr *sa,
            socklen_t              len)
{
  char buf[PEER_STRLEN];

  g_clear_object (&self->remote);
  g_clear_pointer (&self->remote_str, g_free);
  if (sa != NULL && len > 0)
    {
      self->remote = g_socket_address_new_from_native ((gpointer) sa, len);
      self->remote_str = g_strdup (format_sockaddr (sa, len, buf, sizeof buf));
    }
}

static void
sb_socket_dispose (GObject *object)
{
  SbSocket *self = SB_SOCKET (object);

  stop_auto_receive (self);
  stop_accept_continuous (self);
  if (self->fd >= 0)
    {
      close (self->fd);
      self->fd = -1;
    }
  if (self->listener != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->listener), (gpointer *) &self->listener);
      self->listener = NULL;
    }
  g_clear_object (&self->children);

  G_OBJECT_CLASS (sb_socket_parent_class)->dispose (object);
}

static void
sb_socket_finalize (GObject *object)
{
  SbSocket *self = SB_SOCKET (object);

  g_clear_object (&self->transcript);
  g_clear_object (&self->local);
  g_clear_object (&self->remote);
  g_clear_pointer (&self->remote_str, g_free);

  G_OBJECT_CLASS (sb_socket_parent_class)->finalize (object);
}

static void
sb_socket_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  SbSocket *self = SB_SOCKET (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_TIMEOUT:
      g_value_set_int (value, self->timeout_ms);
      break;
    case PROP_AUTO_RECEIVE:
      g_value_set_boolean (value, self->auto_receive);
      break;
    case PROP_ACCEPT_CONTINUOUS:
      g_value_set_boolean (value, self->accept_continuous);
      break;
    case PROP_LOCAL_PORT:
      g_value_set_uint (value, sb_socket_get_local_port (self));
      break;
    case PROP_PEER_CLOSED:
      g_value_set_boolean (value, self->peer_closed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_socket_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  SbSocket *self = SB_SOCKET (object);

  switch (prop_id)
    {
    case PROP_TIMEOUT:
      sb_socket_set_timeout (self, g_value_get_int (value));
      break;
    case PROP_AUTO_RECEIVE:
      sb_socket_set_auto_receive (self, g_value_get_boolean (value));
      break;
    case PROP_ACCEPT_CONTINUOUS:
      sb_socket_set_accept_continuous (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_socket_class_init (SbSocketClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sb_socket_dispose;
  object_class->finalize = sb_socket_finalize;
  object_class->get_property = sb_socket_get_property;
  object_class->set_property = sb_socket_set_property;

  /* SbSocket:state: the SbSocketState, as an int. */
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, SB_STATE_CREATED, SB_STATE_CLOSED, SB_STATE_CREATED,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* SbSocket:timeout: per-operation timeout in milliseconds, -1 for none. */
  properties[PROP_TIMEOUT] =
    g_param_spec_int ("timeout", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_AUTO_RECEIVE] =
    g_param_spec_boolean ("auto-receive", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ACCEPT_CONTINUOUS] =
    g_param_spec_boolean ("accept-continuous", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LOCAL_PORT] =
    g_param_spec_uint ("local-port", NULL, NULL, 0, 65535, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* SbSocket:peer-closed: the peer has closed its side (EOF seen). */
  properties[PROP_PEER_CLOSED] =
    g_param_spec_boolean ("peer-closed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SbSocket::accepted:
   * @child: the new connection
   *
   * A listener accepted a connection (one-shot or continuous).
   */
  signals[ACCEPTED] = g_signal_new ("accepted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, SB_TYPE_SOCKET);
  /**
   * SbSocket::received:
   * @event: the transcript index of the received data
   *
   * Auto-receive read something (an empty read means the peer closed).
   */
  signals[RECEIVED] = g_signal_new ("received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  /**
   * SbSocket::error:
   * @error: what went wrong, also in the transcript
   */
  signals[ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
sb_socket_init (SbSocket *self)
{
  self->fd = -1;
  self->timeout_ms = SB_TIMEOUT_NONE;
  self->transcript = sb_transcript_new ();
}

static int
native_domain (SbFamily family)
{
  switch (family)
    {
    case SB_FAMILY_IPV6: return AF_INET6;
    case SB_FAMILY_PACKET: return AF_PACKET;
    default: return AF_INET;
    }
}

static int
native_type (SbSocketType type)
{
  switch (type)
    {
    case SB_SOCKET_STREAM: return SOCK_STREAM;
    case SB_SOCKET_DATAGRAM: return SOCK_DGRAM;
    default: return SOCK_RAW;
    }
}

static const char *
kind_label (SbSocket *self)
{
  if (self->family == SB_FAMILY_PACKET)
    return self->type == SB_SOCKET_RAW ? "packet (raw)" : "packet (cooked)";
  switch (self->type)
    {
    case SB_SOCKET_STREAM: return self->family == SB_FAMILY_IPV6 ? "TCP/IPv6" : "TCP";
    case SB_SOCKET_DATAGRAM: return self->family == SB_FAMILY_IPV6 ? "UDP/IPv6" : "UDP";
    default: return self->family == SB_FAMILY_IPV6 ? "raw IPv6" : "raw IPv4";
    }
}

SbSocket *
sb_socket_new (SbFamily      family,
               SbSocketType  type,
               int           protocol,
               GError      **error)
{
  g_autoptr(SbSocket) self = NULL;
  int proto = protocol;
  int fd;

  if (!sb_socket_check_combination (family, type, protocol, error))
    return NULL;

  if (family == SB_FAMILY_PACKET)
    proto = htons ((guint16) (protocol == 0 ? ETH_P_ALL : protocol));

  /* SOCK_NONBLOCK explicitly: raw and packet sockets are blocking otherwise. */
  fd = socket (native_domain (family), native_type (type) | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
  if (fd < 0)
    {
      int errsv = errno;
      g_autofree char *what = NULL;

      if (family == SB_FAMILY_PACKET)
        what = g_strdup_printf (_("create a %s packet socket (EtherType 0x%04x)"),
                                sb_socket_type_to_string (type),
                                protocol == 0 ? ETH_P_ALL : protocol);
      else
        what = g_strdup_printf (_("create an %s %s socket (protocol %d)"),
                                family == SB_FAMILY_IPV6 ? "IPv6" : "IPv4",
                                sb_socket_type_to_string (type), protocol);
      set_errno_error (error, errsv, what);
      return NULL;
    }

  self = g_object_new (SB_TYPE_SOCKET, NULL);
  self->family = family;
  self->type = type;
  self->protocol = family == SB_FAMILY_PACKET && protocol == 0 ? ETH_P_ALL : protocol;
  self->fd = fd;
  log_state (self, _("created a %s socket (%s, %s, protocol %d)"), kind_label (self),
             sb_family_to_string (family), sb_socket_type_to_string (type), self->protocol);
  return g_steal_pointer (&self);
}

/* An accepted connection. */
static SbSocket *
socket_new_accepted (SbSocket              *listener,
                     int                    fd,
                     const struct sockaddr *peer,
                     socklen_t              peer_len)
{
  SbSocket *self = g_object_new (SB_TYPE_SOCKET, NULL);

  self->family = listener->family;
  self->type = listener->type;
  self->protocol = listener->protocol;
  self->fd = fd;
  self->state = SB_STATE_CONNECTED;
  self->timeout_ms = listener->timeout_ms;
  self->receive_size = listener->receive_size;
  sb_transcript_set_byte_limit (self->transcript,
                                sb_transcript_get_byte_limit (listener->transcript));
  self->listener = listener;
  g_object_add_weak_pointer (G_OBJECT (listener), (gpointer *) &self->listener);
  set_remote (self, peer, peer_len);
  update_local (self);
  log_state (self, _("accepted from %s"), self->remote_str);
  return self;
}

SbFamily
sb_socket_get_family (SbSocket *self)
{
  g_return_val_if_fail (SB_IS_SOCKET (self), 0);
  return self->family;
}

SbSocketType
sb_socket_get_socket_type (SbSocket *self)
{
  g_return_val_if_fail (SB_IS_SOCKET (self), 0);
  return self->type;
}

int
sb_socket_get_protocol (SbSocket *self)
{
  g_return_val_if_fail (SB_IS_SOCKET (self), 0);
  return self->protocol;
}

SbSocketState
sb_socket_get_state (SbSocket *self)
{
  g_return_val_if_fail (SB_IS_SOCKET (self), SB_STATE_CLOSED);
  return self->state;
}

int
sb_socket_get_fd (SbSocket *self)
{
  g_return_val_if_fail (SB_IS_SOCKET (self), -1);
  return self->fd;
}

SbTranscript *
sb_socket_get_transcript (SbSocket *self)
{
  g_return_val_if_fail (SB_IS_SOCKET (self), NULL);
  return self->transcript;
}

char *
sb_socket_dup_label (SbSocket *self)
{
  g_autofree char *local = NULL;

  g_return_val_if_fail (SB_IS_SOCKET (self), NULL);

  if (self->local != NULL)
    local = sb_address_to_string (self->local);
  if (self->remote_str != NULL && local != NULL)
    return g_strdup_printf ("%s %s → %s", kind_label (self), local, self->remote_str);
  if (self->remote_str != NULL)
    return g_strdup_printf ("%s → %s", kind_label (self), self->remote_str);
  if (local != NULL && self->state != SB_STATE_CREATED)
    return g_strdup_printf ("%s %s", kind_label (self), local);
  return g_strdup (kind_label (self));
}

SbSocket *
sb_socket_get_listener (SbSocket *self)
{
  g_return_val_if_fail (SB_IS_SOCKET (self), NULL);
  return self->listener;
}

GListModel *
sb_socket_get_children (SbSocket *self)
{
  g_return_val_if_fail (SB_IS_SOCKET (self), NULL);
  if (self->children == NULL)
    self->children = g_list_store_new (SB_TYPE_SOCKET);
  return G_LIST_MODEL (self->children);
}

GSocketAddress *
sb_socket_get_local_address (SbSocket *self)
{
  g_return_val_if_fail (SB_IS_SOCKET (self), NULL);
  return self->local;
}

GSocketAddress *
sb_socket_get_remote_address (SbSocket *self)
{
  g_return_val_if_fail (SB_IS_SOCKET (self), NULL);
  return self->remote;
}

guint
sb_socket_get_local_port (SbSocket *self)
{
  g_return_val_if_fail (SB_IS_SOCKET (self), 0);
  if (G_IS_INET_SOCKET_ADDRESS (self->local))
    return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (self->local));
  return 0;
}

void
sb_socket_set_timeout (SbSocket *self,
                       int       timeout_ms)
{
  g_return_if_fail (SB_IS_SOCKET (self));

  if (timeout_ms < 0)
    timeout_ms = SB_TIMEOUT_NONE;
  if (self->timeout_ms == timeout_ms)
    return;
  self->timeout_ms = timeout_ms;
  if (timeout_ms == SB_TIMEOUT_NONE)
    log_notice (self, NULL, _("timeout: none (operations wait forever)"));
  else
    log_notice (self, NULL, _("timeout: %d ms"), timeout_ms);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

int
sb_socket_get_timeout (SbSocket *self)
{
  g_return_val_if_fail (SB_IS_SOCKET (self), SB_TIMEOUT_NONE);
  return self->timeout_ms;
}

/* ---- options ------------------------------------------------------------- */

static gboolean
option_native (SbSocket *self,
               SbOption  option,
               int      *level,
               int      *name,
               GError  **error)
{
  gboolean v6 = self->family == SB_FAMILY_IPV6;
  gboolean ip = self->family != SB_FAMILY_PACKET;

  switch (option)
    {
    case SB_OPTION_REUSE_ADDRESS: *level = SOL_SOCKET; *name = SO_REUSEADDR; return TRUE;
    case SB_OPTION_BROADCAST: *level = SOL_SOCKET; *name = SO_BROADCAST; return TRUE;
    case SB_OPTION_RCVBUF: *level = SOL_SOCKET; *name = SO_RCVBUF; return TRUE;
    case SB_OPTION_SNDBUF: *level = SOL_SOCKET; *name = SO_SNDBUF; return TRUE;
    case SB_OPTION_KEEPALIVE: *level = SOL_SOCKET; *name = SO_KEEPALIVE; return TRUE;
    case SB_OPTION_NO_DELAY:
      if (self->type == SB_SOCKET_STREAM && ip)
        {
          *level = IPPROTO_TCP;
          *name = TCP_NODELAY;
          return TRUE;
        }
      break;
    case SB_OPTION_V6ONLY:
      if (v6)
        {
          *level = IPPROTO_IPV6;
          *name = IPV6_V6ONLY;
          return TRUE;
        }
      break;
    case SB_OPTION_TTL:
      if (ip)
        {
          *level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;
          *name = v6 ? IPV6_UNICAST_HOPS : IP_TTL;
          return TRUE;
        }
      break;
    case SB_OPTION_MULTICAST_TTL:
      if (ip)
        {
          *level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;
          *name = v6 ? IPV6_MULTICAST_HOPS : IP_MULTICAST_TTL;
          return TRUE;
        }
      break;
    case SB_OPTION_MULTICAST_LOOP:
      if (ip)
        {
          *level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;
          *name = v6 ? IPV6_MULTICAST_LOOP : IP_MULTICAST_LOOP;
          return TRUE;
        }
      break;
    default:
      break;
    }
  g_set_error (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT,
               _("Option %s does not apply to a %s socket"), sb_option_to_string (option),
               kind_label (self));
  return FALSE;
}

gboolean
sb_socket_set_option (SbSocket *self,
                      SbOption  option,
                      int       value,
                      GError  **error)
{
  GError *local = NULL;
  int level, name;
  g_autofree char *what = NULL;

  g_return_val_if_fail (SB_IS_SOCKET (self), FALSE);

  if (self->fd < 0)
    return fail_state (self, error, _("set an option"), _("it is closed"));
  if (!option_native (self, option, &level, &name, &local))
    return fail (self, error, local);

  if (setsockopt (self->fd, level, name, &value, sizeof value) != 0)
    {
      what = g_strdup_printf (_("set %s to %d"), sb_option_to_string (option), value);
      return fail_errno (self, error, errno, what);
    }
  log_notice (self, NULL, _("option %s = %d"), sb_option_to_string (option), value);
  return TRUE;
}

gboolean
sb_socket_get_option (SbSocket *self,
                      SbOption  option,
                      int      *value,
                      GError  **error)
{
  int level, name;
  socklen_t len = sizeof *value;

  g_return_val_if_fail (SB_IS_SOCKET (self), FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  if (self->fd < 0)
    {
      g_set_error_literal (error, SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE,
                           _("The socket is closed"));
      return FALSE;
    }
  if (!option_native (self, option, &level, &name, error))
    return FALSE;
  *value = 0;
  if (getsockopt (self->fd, level, name, value, &len) != 0)
    {
      g_autofree char *what = g_strdup_printf (_("read option %s"), sb_option_to_string (option));
      set_errno_error (error, errno, what);
      return FALSE;
    }
  /* IP_MULTICAST_TTL/LOOP may answer with one byte */
  if (len == 1)
    *value = *(guint8 *) value;
  return TRUE;
}

static gboolean
multicast (SbSocket   *self,
           gboolean    join,
           const char *group,
           const char *iface,
           GError    **error)
{
  g_autoptr(GInetAddress) addr = NULL;
  unsigned int ifindex = 0;
  g_autofree char *what = g_strdup_printf (join ? _("join multicast group %s")
                                                : _("leave multicast group %s"),
                                           group != NULL ? group : _("(none)"));
  int r;

  if (self->fd < 0)
    return fail_state (self, error, what, _("it is closed"));
  if (self->family == SB_FAMILY_PACKET || self->type == SB_SOCKET_STREAM)
    return fail (self, error,
                 g_error_new (SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT,
                              _("Cannot %s: multicast needs a UDP or raw IP socket"), what));

  addr = group != NULL ? g_inet_address_new_from_string (group) : NULL;
  if (addr == NULL || !g_inet_address_get_is_multicast (addr)
      || g_inet_address_get_family (addr) != gfamily (self->family))
    return fail (self, error,
                 g_error_new (SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT,
                              _("Cannot %s: not an %s multicast address (224.0.0.0/4, ff00::/8)"),
                              what, self->family == SB_FAMILY_IPV6 ? "IPv6" : "IPv4"));
  if (iface != NULL && *iface != '\0')
    {
      ifindex = if_nametoindex (iface);
      if (ifindex == 0)
        return fail (self, error,
                     g_error_new (SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT,
                                  _("Cannot %s: there is no interface “%s”"), what, iface));
    }

  if (self->family == SB_FAMILY_IPV4)
    {
      struct ip_mreqn mreq = { 0, };
      memcpy (&mreq.imr_multiaddr, g_inet_address_to_bytes (addr), 4);
      mreq.imr_ifindex = ifindex;
      r = setsockopt (self->fd, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP,
                      &mreq, sizeof mreq);
    }
  else
    {
      struct ipv6_mreq mreq = { 0, };
      memcpy (&mreq.ipv6mr_multiaddr, g_inet_address_to_bytes (addr), 16);
      mreq.ipv6mr_interface = ifindex;
      r = setsockopt (self->fd, IPPROTO_IPV6, join ? IPV6_ADD_MEMBERSHIP : IPV6_DROP_MEMBERSHIP,
                      &mreq, sizeof mreq);
    }
  if (r != 0)
    return fail_errno (self, error, errno, what);
  if (ifindex)
    log_state (self, join ? _("joined multicast group %s on %s") : _("left multicast group %s on %s"),
               group, iface);
  else
    log_state (self, join ? _("joined multicast group %s") : _("left multicast group %s"), group);
  return TRUE;
}

gboolean
sb_socket_join_multicast (SbSocket   *self,
                          const char *group,
                          const char *iface,
                          GError    **error)
{
  g_return_val_if_fail (SB_IS_SOCKET (self), FALSE);
  return multicast (self, TRUE, group, iface, error);
}

gboolean
sb_socket_leave_multicast (SbSocket   *self,
                           const char *group,
                           const char *iface,
                           GError    **error)
{
  g_return_val_if_fail (SB_IS_SOCKET (self), FALSE);
  return multicast (self, FALSE, group, iface, error);
}

/* ---- predicates ------------------------------------------------------------ */

gboolean
sb_socket_can_bind (SbSocket *self)
{
  g_return_val_if_fail (SB_IS_SOCKET (self), FALSE);
  return self->state == SB_STATE_CREATED;
}

gboolean
sb_socket_can_listen (SbSocket *self)
{
  g_return_val_if_fail (SB_IS_SOCKET (self), FALSE);
  return self->type == SB_SOCKET_STREAM && self->family != SB_FAMILY_PACKET
         && (self->state == SB_STATE_CREATED || self->state == SB_STATE_BOUND);
}

gboolean
sb_socket_can_accept (SbSocket *self)
{
  g_return_val_if_fail (SB_IS_SOCKET (self), FALSE);
  return self->state == SB_STATE_LISTENING && self->ops[OP_ACCEPT] == NULL
         && !self->accept_continuous;
}

gboolean
sb_socket_can_connect (SbSocket *self)
{
  g_return_val_if_fail (SB_IS_SOCKET (self), FALSE);
  return self->family != SB_FAMILY_PACKET
         && (self->state == SB_STATE_CREATED || self->state == SB_STATE_BOUND);
}

gboolean
sb_socket_can_send (SbSocket *self)
{
  g_return_val_if_fail (SB_IS_SOCKET (self), FALSE);
  return (self->state == SB_STATE_CONNECTED || self->state == SB_STATE_SHUT_DOWN)
         && !self->write_shut;
}

gboolean
sb_socket_can_send_to (SbSocket *self)
{
  g_return_val_if_fail (SB_IS_SOCKET (self), FALSE);
  return self->type != SB_SOCKET_STREAM && self->state != SB_STATE_CLOSED && !self->write_shut;
}

gboolean
sb_socket_can_receive (SbSocket *self)
{
  g_return_val_if_fail (SB_IS_SOCKET (self), FALSE);
  if (self->state == SB_STATE_CLOSED || self->read_shut)
    return FALSE;
  if (self->type == SB_SOCKET_STREAM)
    return self->state == SB_STATE_CONNECTED || self->state == SB_STATE_SHUT_DOWN;
  if (self->type == SB_SOCKET_DATAGRAM && self->family != SB_FAMILY_PACKET)
    return self->state != SB_STATE_CREATED && self->state != SB_STATE_CONNECTING;
  return TRUE;
}

gboolean
sb_socket_can_shutdown (SbSocket *self)
{
  g_return_val_if_fail (SB_IS_SOCKET (self), FALSE);
  return (self->state == SB_STATE_CONNECTED || self->state == SB_STATE_SHUT_DOWN)
         && !(self->read_shut && self->write_shut);
}

/* ---- bind / listen ---------------------------------------------------------- */

gboolean
sb_socket_bind (SbSocket   *self,
                const char *host,
                guint       port,
                GError    **error)
{
  struct sockaddr_storage ss;
  socklen_t len;
  GError *local = NULL;
  g_autofree char *what = NULL;
  g_autofree char *where = NULL;

  g_return_val_if_fail (SB_IS_SOCKET (self), FALSE);

  if (self->family == SB_FAMILY_PACKET)
    {
      struct sockaddr_ll ll = { 0, };
      const char *ifname = host != NULL && *host != '\0' ? host : NULL;

      what = g_strdup_printf (_("bind to interface %s"), ifname ? ifname : _("(all)"));
      if (!sb_socket_can_bind (self))
        return fail_state (self, error, what, _("bind comes first, right after the socket is created"));
      ll.sll_family = AF_PACKET;
      ll.sll_protocol = htons ((guint16) self->protocol);
      if (ifname != NULL && (ll.sll_ifindex = if_nametoindex (ifname)) == 0)
        return fail (self, error,
                     g_error_new (SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT,
                                  _("Cannot %s: there is no interface “%s”"), what, ifname));
      if (bind (self->fd, (struct sockaddr *) &ll, sizeof ll) != 0)
        return fail_errno_full (self, error, errno, what, TRUE);
      update_local (self);
      set_state (self, SB_STATE_BOUND);
      log_state (self, _("bound to interface %s"), ifname ? ifname : _("(all)"));
      return TRUE;
    }

  {
    g_autoptr(GSocketAddress) address = sb_address_parse (host, port, self->family, &local);
    g_autofree char *shown = NULL;

    if (address == NULL)
      {
        GError *e = g_error_new (SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT,
                                 _("Cannot bind: %s"), local->message);
        g_error_free (local);
        return fail (self, error, e);
      }
    shown = sb_address_to_string (address);
    what = g_strdup_printf (_("bind %s"), shown);
    if (!sb_socket_can_bind (self))
      return fail_state (self, error, what, _("bind comes first, right after the socket is created"));
    len = g_socket_address_get_native_size (address);
    g_socket_address_to_native (address, &ss, sizeof ss, NULL);
  }

  if (bind (self->fd, (struct sockaddr *) &ss, len) != 0)
    return fail_errno_full (self, error, errno, what, TRUE);

  update_local (self);
  set_state (self, SB_STATE_BOUND);
  where = self->local ? sb_address_to_string (self->local) : g_strdup ("?");
  if (port == 0 && self->type != SB_SOCKET_RAW)
    log_state (self, _("bound to %s (port %u chosen by the kernel)"), where,
               sb_socket_get_local_port (self));
  else
    log_state (self, _("bound to %s"), where);
  return TRUE;
}

gboolean
sb_socket_listen (SbSocket *self,
                  int       backlog,
                  GError  **error)
{
  g_autofree char *where = NULL;

  g_return_val_if_fail (SB_IS_SOCKET (self), FALSE);

  if (self->type != SB_SOCKET_STREAM || self->family == SB_FAMILY_PACKET)
    return fail (self, error,
                 g_error_new (SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE,
                              _("Cannot listen: only stream (TCP) sockets listen; a %s socket receives without it"),
                              kind_label (self)));
  if (!sb_socket_can_listen (self))
    return fail_state (self, error, _("listen"), _("listen comes after bind"));
  if (backlog < 0)
    return fail (self, error,
                 g_error_new (SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT,
                              _("Cannot listen: the backlog %d is negative"), backlog));
  if (listen (self->fd, backlog) != 0)
    return fail_errno (self, error, errno, _("listen"));

  update_local (self);
  set_state (self, SB_STATE_LISTENING);
  where = self->local ? sb_address_to_string (self->local) : g_strdup ("?");
  log_state (self, _("listening on %s (backlog %d)"), where, backlog);
  return TRUE;
}

/* ---- operations: shared machinery --------------------------------------- */

static gboolean op_timeout_cb (gpointer data);
static gboolean op_cancel_cb (GCancellable *cancellable, gpointer data);

static GTask *
op_new (SbSocket           *self,
        OpKind              kind,
        gpointer            source_tag,
        GCancellable       *cancellable,
        GAsyncReadyCallback callback,
        gpointer            user_data,
        Op                **out_op)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);
  /* Cancellation is reported by op_cancel_cb as SB_SOCKET_ERROR_CANCELLED,
   * which the window and the CLI match; GTask would otherwise turn it (and
   * any result that raced with it) into G_IO_ERROR_CANCELLED. */
  g_task_set_check_cancellable (task, FALSE);
  *out_op = op;
  return task;
}

/* Take charge of @task as the pending @kind operation, with its timer and
 * cancellation; readiness sources are added by the caller. */
static void
op_start (SbSocket *self,
          GTask    *task)
{
  Op *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  g_assert (self->ops[op->kind] == NULL);
  self->ops[op->kind] = task;

  if (self->timeout_ms >= 0)
    {
      op->timer = g_timeout_source_new (self->timeout_ms);
      g_source_set_callback (op->timer, op_timeout_cb, task, NULL);
      g_source_set_name (op->timer, "[sockbench] timeout");
      g_source_attach (op->timer, g_task_get_context (task));
    }
  if (cancellable != NULL)
    {
      op->cancel = g_cancellable_source_new (cancellable);
      g_source_set_callback (op->cancel, (GSourceFunc) (void (*)(void)) op_cancel_cb, task, NULL);
      g_source_attach (op->cancel, g_task_get_context (task));
    }
}

static void
op_restart_timer (GTask *task)
{
  Op *op = g_task_get_task_data (task);
  SbSocket *self = g_task_get_source_object (task);

  if (op->timer != NULL)
    g_source_set_ready_time (op->timer,
                             g_get_monotonic_time () + (gint64) self->timeout_ms * 1000);
}

static void
op_watch (GTask         *task,
          GIOCondition   condition,
          GUnixFDSourceFunc func)
{
  Op *op = g_task_get_task_data (task);
  SbSocket *self = g_task_get_source_object (task);

  g_assert (op->io == NULL);
  op->io = g_unix_fd_source_new (self->fd, condition);
  g_source_set_callback (op->io, (GSourceFunc) (void (*)(void)) func, task, NULL);
  g_source_set_name (op->io, "[sockbench] socket io");
  g_source_attach (op->io, g_task_get_context (task));
}

/* Detach @task from @self and stop its sources; the caller returns it. */
static GTask *
op_take (SbSocket *self,
         OpKind    kind)
{
  GTask *task = g_steal_pointer (&self->ops[kind]);
  Op *op = g_task_get_task_data (task);

  clear_source (&op->io);
  clear_source (&op->timer);
  clear_source (&op->cancel);
  return task;
}

static const char *
op_waiting_for (SbSocket *self,
                OpKind    kind)
{
  switch (kind)
    {
    case OP_ACCEPT: return _("a connection (accept)");
    case OP_CONNECT: return _("the connection to be made (connect)");
    /* a datagram receive reports its sender: the notes' recvfrom */
    case OP_RECEIVE: return self->type == SB_SOCKET_STREAM ? _("data (recv)") : _("data (recvfrom)");
    case OP_SEND_ALL: return _("the peer to take more data (sendall)");
    default: return _("the operation");
    }
}

static void connect_abort (SbSocket *self, Op *op);

static gboolean
op_timeout_cb (gpointer data)
{
  GTask *task = data;
  SbSocket *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  GError *error;

  /* Take the operation before connect_abort() notifies ::state: a handler
   * may close the socket, which must not find this operation still pending. */
  op_take (self, op->kind);
  if (op->kind == OP_CONNECT)
    connect_abort (self, op);
  if (op->kind == OP_SEND_ALL)
    error = g_error_new (SB_SOCKET_ERROR, SB_SOCKET_ERROR_TIMED_OUT,
                         _("Timed out after %d ms waiting for %s; %zu of %zu bytes were sent"),
                         self->timeout_ms, op_waiting_for (self, op->kind), (size_t) op->sent,
                         (size_t) g_bytes_get_size (op->data));
  else
    error = g_error_new (SB_SOCKET_ERROR, SB_SOCKET_ERROR_TIMED_OUT,
                         _("Timed out after %d ms waiting for %s (socket.timeout)"),
                         self->timeout_ms, op_waiting_for (self, op->kind));
  report_error (self, error);
  g_task_return_error (task, error);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static gboolean
op_cancel_cb (GCancellable *cancellable,
              gpointer      data)
{
  GTask *task = data;
  SbSocket *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);

  /* as in op_timeout_cb: take it first */
  op_take (self, op->kind);
  if (op->kind == OP_CONNECT)
    connect_abort (self, op);
  g_task_return_new_error (task, SB_SOCKET_ERROR, SB_SOCKET_ERROR_CANCELLED,
                           _("Cancelled while waiting for %s"), op_waiting_for (self, op->kind));
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
op_return_error (SbSocket *self,
                 OpKind    kind,
                 GError   *error)
{
  GTask *task = op_take (self, kind);

  report_error (self, error);
  g_task_return_error (task, error);
  g_object_unref (task);
}

/* Fail @task at once: before it became pending, or after op_take(). */
static void
task_fail_now (SbSocket *self,
               GTask    *task,
               GError   *error)
{
  report_error (self, error);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static GError *
state_error (SbSocket   *self,
             const char *step,
             const char *needs)
{
  return g_error_new (SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE,
                      _("Cannot %s: the socket is %s — %s"), step, _(sb_state_to_string (self->state)),
                      needs);
}

/* ---- accept ---------------------------------------------------------------- */

/* One accept4(); returns the child, NULL with errno EAGAIN, or NULL with
 * @error set. */
static SbSocket *
accept_one (SbSocket *self,
            GError  **error)
{
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  SbSocket *child;
  int fd;

  fd = accept4 (self->fd, (struct sockaddr *) &ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0)
    {
      int errsv = errno;

      if (errsv == EAGAIN || errsv == EWOULDBLOCK || errsv == EINTR || errsv == ECONNABORTED)
        {
          errno = EAGAIN;
          return NULL;
        }
      set_errno_error (error, errsv, _("accept"));
      return NULL;
    }

  child = socket_new_accepted (self, fd, (struct sockaddr *) &ss, len);
  if (self->children == NULL)
    self->children = g_list_store_new (SB_TYPE_SOCKET);
  g_list_store_append (self->children, child);
  {
    char buf[PEER_STRLEN];
    sb_transcript_append_message (self->transcript, SB_EVENT_STATE,
                                  format_sockaddr ((struct sockaddr *) &ss, len, buf, sizeof buf),
                                  _("accepted a connection"));
  }
  /* The caller emits ::accepted, once its own bookkeeping is done: a handler
   * may close the listener or drop the last reference to it. */
  return child;
}

static gboolean
accept_ready_cb (int          fd,
                 GIOCondition condition,
                 gpointer     data)
{
  GTask *task = data;
  SbSocket *self = g_task_get_source_object (task);
  GError *error = NULL;
  SbSocket *child;

  child = accept_one (self, &error);
  if (child != NULL)
    {
      /* no longer pending when ::accepted runs (the task keeps @self alive) */
      op_take (self, OP_ACCEPT);
      g_signal_emit (self, signals[ACCEPTED], 0, child);
      g_task_return_pointer (task, child, g_object_unref);
      g_object_unref (task);
      return G_SOURCE_REMOVE;
    }
  if (error != NULL)
    {
      op_return_error (self, OP_ACCEPT, error);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

void
sb_socket_accept_async (SbSocket           *self,
                        GCancellable       *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer            user_data)
{
  GTask *task;
  Op *op;

  g_return_if_fail (SB_IS_SOCKET (self));

  task = op_new (self, OP_ACCEPT, sb_socket_accept_async, cancellable, callback, user_data, &op);
  if (self->state != SB_STATE_LISTENING)
    return task_fail_now (self, task, state_error (self, _("accept"), _("accept comes after listen")));
  if (self->ops[OP_ACCEPT] != NULL || self->accept_continuous)
    return task_fail_now (self, task,
                          g_error_new_literal (SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE,
                                               _("Cannot accept: the socket is already accepting")));
  op_start (self, task);
  op_watch (task, G_IO_IN, accept_ready_cb);
}

SbSocket *
sb_socket_accept_finish (SbSocket     *self,
                         GAsyncResult *result,
                         GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
accept_continuous_cb (int          fd,
                      GIOCondition condition,
                      gpointer     data)
{
  SbSocket *self = data;
  gboolean keep;

  /* an ::accepted handler may close the listener, stop accepting, or drop
   * the last other reference */
  g_object_ref (self);
  for (guint i = 0; i < ACCEPT_BUDGET_COUNT && self->accept_source != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      SbSocket *child = accept_one (self, &error);

      if (child != NULL)
        {
          g_signal_emit (self, signals[ACCEPTED], 0, child);
          g_object_unref (child);
          continue;
        }
      if (error != NULL)
        {
          /* e.g. EMFILE: the socket stays readable, so stop instead of spinning */
          stop_accept_continuous (self);
          self->accept_continuous = FALSE;
          report_error (self, error);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCEPT_CONTINUOUS]);
        }
      break;
    }
  keep = self->accept_source != NULL;
  g_object_unref (self);
  return keep ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean
start_accept_continuous (SbSocket *self)
{
  if (self->accept_source != NULL || self->fd < 0)
    return FALSE;
  self->accept_source = g_unix_fd_source_new (self->fd, G_IO_IN);
  g_source_set_callback (self->accept_source, (GSourceFunc) (void (*)(void)) accept_continuous_cb,
                         self, NULL);
  g_source_set_name (self->accept_source, "[sockbench] accept");
  /* see auto-receive: no poll-list churn per dispatch */
  g_source_set_can_recurse (self->accept_source, TRUE);
  /* Below the frame clock, like auto-receive: during a connection storm the
   * listener is readable at every iteration, and at G_PRIORITY_DEFAULT a
   * redraw-priority source waited up to 370 ms; here at most ~50 ms
   * (bench-accept, 10,000 connections; docs/benchmarks.md). */
  g_source_set_priority (self->accept_source, G_PRIORITY_DEFAULT_IDLE);
  g_source_attach (self->accept_source, g_main_context_get_thread_default ());
  return TRUE;
}

static void
stop_accept_continuous (SbSocket *self)
{
  clear_source (&self->accept_source);
}

void
sb_socket_set_accept_continuous (SbSocket *self,
                                 gboolean  continuous)
{
  g_return_if_fail (SB_IS_SOCKET (self));

  continuous = !!continuous;
  if (self->accept_continuous == (guint) continuous)
    return;
  if (continuous)
    {
      if (self->state != SB_STATE_LISTENING)
        {
          g_autoptr(GError) error = state_error (self, _("accept continuously"),
                                                 _("accept comes after listen"));
          report_error (self, error);
          return;
        }
      if (self->ops[OP_ACCEPT] != NULL)
        {
          g_autoptr(GError) error =
            g_error_new_literal (SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE,
                                 _("Cannot accept continuously: an accept is already waiting"));
          report_error (self, error);
          return;
        }
      start_accept_continuous (self);
      log_state (self, _("accepting connections as they come"));
    }
  else
    {
      stop_accept_continuous (self);
      if (self->state == SB_STATE_LISTENING)
        log_state (self, _("stopped accepting"));
    }
  self->accept_continuous = continuous;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCEPT_CONTINUOUS]);
}

gboolean
sb_socket_get_accept_continuous (SbSocket *self)
{
  g_return_val_if_fail (SB_IS_SOCKET (self), FALSE);
  return self->accept_continuous;
}

/* ---- connect ------------------------------------------------------------- */

static void
connect_abort (SbSocket *self,
               Op       *op)
{
  /* Dissolve a half-made connection so that the socket can try again. */
  struct sockaddr unspec = { .sa_family = AF_UNSPEC };

  if (self->fd >= 0)
    connect (self->fd, &unspec, sizeof unspec);
  set_remote (self, NULL, 0);
  set_state (self, op->state_before);
}

static void
connect_done (SbSocket *self,
              GTask    *task)
{
  Op *op = g_task_get_task_data (task);
  g_autofree char *local = NULL;

  op_take (self, OP_CONNECT);
  update_local (self);
  set_state (self, SB_STATE_CONNECTED);
  /* auto-receive switched on before the connection existed starts now */
  if (self->auto_receive && self->auto_source == NULL && self->state == SB_STATE_CONNECTED)
    start_auto_receive (self);
  local = self->local ? sb_address_to_string (self->local) : g_strdup ("?");
  log_state (self, _("connected to %s from %s"), self->remote_str, local);
  (void) op;
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
connect_failed (SbSocket *self,
                GTask    *task,
                int       errsv)
{
  Op *op = g_task_get_task_data (task);
  g_autofree char *what = g_strdup_printf (_("connect to %s"), self->remote_str);
  GError *error = NULL;

  set_errno_error (&error, errsv, what);
  /* no longer pending when connect_abort() notifies ::state */
  op_take (self, OP_CONNECT);
  connect_abort (self, op);
  task_fail_now (self, task, error);
}

static gboolean
connect_ready_cb (int          fd,
                  GIOCondition condition,
                  gpointer     data)
{
  GTask *task = data;
  SbSocket *self = g_task_get_source_object (task);
  int err = 0;
  socklen_t len = sizeof err;

  if (getsockopt (self->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
    err = errno;
  if (err == EINPROGRESS || err == EALREADY)
    return G_SOURCE_CONTINUE;
  if (err != 0)
    connect_failed (self, task, err);
  else
    connect_done (self, task);
  return G_SOURCE_REMOVE;
}

static void
connect_resolved_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  SbSocket *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) error = NULL;
  struct sockaddr_storage ss;
  gssize len;

  address = sb_address_resolve_finish (result, &error);
  if (self->ops[OP_CONNECT] != task)
    {
      /* timed out, cancelled or closed meanwhile: the task is done */
      g_object_unref (task);
      return;
    }
  g_object_unref (task); /* the reference held for the lookup */

  if (address == NULL)
    {
      GError *e = g_error_new (SB_SOCKET_ERROR,
                               error->domain == SB_SOCKET_ERROR ? error->code : SB_SOCKET_ERROR_RESOLVE,
                               _("Cannot connect: %s"), error->message);
      op_take (self, OP_CONNECT);
      set_state (self, op->state_before);
      task_fail_now (self, task, e);
      return;
    }

  len = g_socket_address_get_native_size (address);
  g_socket_address_to_native (address, &ss, sizeof ss, NULL);
  set_remote (self, (struct sockaddr *) &ss, len);
  log_notice (self, self->remote_str, _("connecting to %s"), self->remote_str);

  if (connect (self->fd, (struct sockaddr *) &ss, len) == 0)
    {
      connect_done (self, task);
      return;
    }
  if (errno != EINPROGRESS && errno != EAGAIN)
    {
      connect_failed (self, task, errno);
      return;
    }
  op_watch (task, G_IO_OUT, connect_ready_cb);
}

void
sb_socket_connect_async (SbSocket           *self,
                         const char         *host,
                         guint               port,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  GTask *task;
  Op *op;

  g_return_if_fail (SB_IS_SOCKET (self));

  task = op_new (self, OP_CONNECT, sb_socket_connect_async, cancellable, callback, user_data, &op);
  if (self->family == SB_FAMILY_PACKET)
    return task_fail_now (self, task,
                          g_error_new_literal (SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE,
                                               _("Cannot connect: packet sockets have no peer; use send to with an interface address")));
  if (!sb_socket_can_connect (self))
    return task_fail_now (self, task,
                          state_error (self, _("connect"),
                                       self->state == SB_STATE_LISTENING
                                       ? _("a listening socket accepts connections, it does not make them")
                                       : _("connect needs a fresh or bound socket")));

  op->host = g_strdup (host);
  op->port = port;
  op->state_before = self->state;
  set_state (self, SB_STATE_CONNECTING);
  op_start (self, task);
  sb_address_resolve_async (host, port, self->family, cancellable, connect_resolved_cb,
                            g_object_ref (task));
}

gboolean
sb_socket_connect_finish (SbSocket     *self,
                          GAsyncResult *result,
                          GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- send ------------------------------------------------------------------ */

static gssize
send_native (SbSocket              *self,
             const guint8          *data,
             gsize                  len,
             const struct sockaddr *to,
             socklen_t              to_len)
{
  gssize n;

  do
    n = to != NULL
        ? sendto (self->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT, to, to_len)
        : send (self->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
  while (n < 0 && errno == EINTR);
  return n;
}

static void
note_partial (SbSocket *self,
              gsize     n,
              gsize     len)
{
  if (n < len)
    log_notice (self, self->remote_str,
                _("partial send: the kernel took %zu of %zu bytes"),
                (size_t) n, (size_t) len);
}

gssize
sb_socket_send (SbSocket     *self,
                const guint8 *data,
                gsize         len,
                GError      **error)
{
  gssize n;

  g_return_val_if_fail (SB_IS_SOCKET (self), -1);
  g_return_val_if_fail (data != NULL || len == 0, -1);

  if (!sb_socket_can_send (self))
    {
      fail_state (self, error, _("send"),
                  self->write_shut ? _("its sending side was shut down")
                  : self->type == SB_SOCKET_STREAM ? _("send needs a connected socket")
                  : _("connect it first, or use send to with an address"));
      return -1;
    }
  n = send_native (self, data, len, NULL, 0);
  if (n < 0)
    {
      int errsv = errno;
      if (errsv == EAGAIN || errsv == EWOULDBLOCK)
        fail (self, error,
              g_error_new (SB_SOCKET_ERROR, SB_SOCKET_ERROR_WOULD_BLOCK,
                           _("send took 0 of %zu bytes: the send buffer is full (EAGAIN) — try again later or use send all"),
                           (size_t) len));
      else
        fail_errno (self, error, errsv, _("send"));
      return -1;
    }
  sb_transcript_append_data (self->transcript, SB_EVENT_SENT, self->remote_str, data, n);
  note_partial (self, n, len);
  return n;
}

gssize
sb_socket_send_to (SbSocket       *self,
                   GSocketAddress *address,
                   const guint8   *data,
                   gsize           len,
                   GError        **error)
{
  struct sockaddr_storage ss;
  gssize ss_len, n;
  char peer[PEER_STRLEN];
  g_autofree char *what = NULL;

  g_return_val_if_fail (SB_IS_SOCKET (self), -1);
  g_return_val_if_fail (G_IS_SOCKET_ADDRESS (address), -1);
  g_return_val_if_fail (data != NULL || len == 0, -1);

  ss_len = g_socket_address_get_native_size (address);
  if (ss_len <= 0 || ss_len > (gssize) sizeof ss
      || !g_socket_address_to_native (address, &ss, sizeof ss, NULL))
    {
      fail (self, error, g_error_new_literal (SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT,
                                              _("Cannot send to: the address cannot be used")));
      return -1;
    }
  format_sockaddr ((struct sockaddr *) &ss, ss_len, peer, sizeof peer);
  what = g_strdup_printf (_("send to %s"), peer);

  if (!sb_socket_can_send_to (self))
    {
      fail_state (self, error, what,
                  self->type == SB_SOCKET_STREAM
                  ? _("stream sockets send to their connected peer; use send")
                  : _("the socket is closed or its sending side was shut down"));
      return -1;
    }
  if (ss.ss_family != native_domain (self->family))
    {
      fail (self, error,
            g_error_new (SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_ARGUMENT,
                         _("Cannot %s: the address is not of the socket's family (%s)"), what,
                         sb_family_to_string (self->family)));
      return -1;
    }

  n = send_native (self, data, len, (struct sockaddr *) &ss, ss_len);
  if (n < 0)
    {
      fail_errno (self, error, errno, what);
      return -1;
    }
  sb_transcript_append_data (self->transcript, SB_EVENT_SENT, peer, data, n);
  note_partial (self, n, len);
  if (self->state == SB_STATE_CREATED && self->type == SB_SOCKET_DATAGRAM
      && self->family != SB_FAMILY_PACKET)
    {
      /* The kernel bound it to an ephemeral port, so recvfrom works now (as
       * in Python) and a later bind would fail. */
      update_local (self);
      set_state (self, SB_STATE_BOUND);
    }
  return n;
}

static void
send_all_finish_ok (SbSocket *self,
                    GTask    *task)
{
  Op *op = g_task_get_task_data (task);

  op_take (self, OP_SEND_ALL);
  if (op->n_calls > 1)
    log_notice (self, self->remote_str,
                _("sendall: %zu bytes in %u send() calls"), (size_t) op->sent, op->n_calls);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* Send as much as the kernel takes now; TRUE when the task ended. */
static gboolean
send_all_pump (SbSocket *self,
               GTask    *task)
{
  Op *op = g_task_get_task_data (task);
  gsize total;
  const guint8 *data = g_bytes_get_data (op->data, &total);

  while (op->sent < total)
    {
      gssize n = send_native (self, data + op->sent, total - op->sent, NULL, 0);

      if (n < 0)
        {
          int errsv = errno;
          GError *error = NULL;
          g_autofree char *what = NULL;

          if (errsv == EAGAIN || errsv == EWOULDBLOCK)
            return FALSE;
          what = g_strdup_printf (_("sendall (%zu of %zu bytes sent)"),
                                  (size_t) op->sent, (size_t) total);
          set_errno_error (&error, errsv, what);
          op_return_error (self, OP_SEND_ALL, error);
          return TRUE;
        }
      sb_transcript_append_bytes (self->transcript, SB_EVENT_SENT, self->remote_str, op->data,
                                  op->sent, n);
      op->sent += n;
      op->n_calls++;
      op_restart_timer (task);
    }
  send_all_finish_ok (self, task);
  return TRUE;
}

static gboolean
send_all_ready_cb (int          fd,
                   GIOCondition condition,
                   gpointer     data)
{
  GTask *task = data;
  SbSocket *self = g_task_get_source_object (task);

  return send_all_pump (self, task) ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

void
sb_socket_send_all_async (SbSocket           *self,
                          GBytes             *data,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data)
{
  GTask *task;
  Op *op;

  g_return_if_fail (SB_IS_SOCKET (self));
  g_return_if_fail (data != NULL);

  task = op_new (self, OP_SEND_ALL, sb_socket_send_all_async, cancellable, callback, user_data,
                 &op);
  op->data = g_bytes_ref (data);
  if (!sb_socket_can_send (self))
    return task_fail_now (self, task,
                          state_error (self, _("sendall"),
                                       self->write_shut ? _("its sending side was shut down")
                                       : _("sendall needs a connected socket")));
  if (self->ops[OP_SEND_ALL] != NULL)
    return task_fail_now (self, task,
                          g_error_new_literal (SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE,
                                               _("Cannot sendall: another sendall is still sending; wait for it to finish")));
  op_start (self, task);
  if (!send_all_pump (self, task))
    op_watch (task, G_IO_OUT, send_all_ready_cb);
}

gboolean
sb_socket_send_all_finish (SbSocket     *self,
                           GAsyncResult *result,
                           guint64      *out_sent,
                           GError      **error)
{
  Op *op;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  op = g_task_get_task_data (G_TASK (result));
  if (out_sent != NULL)
    *out_sent = op->sent;
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- send repeated ----------------------------------------------------------- */

typedef struct
{
  GBytes         *data;
  GSocketAddress *to;
  guint           total;
  guint           done;
  double          rate;
  gint64          start;
  GSource        *timer;
  GSource        *cancel;
} Repeat;

static void
repeat_free (Repeat *r)
{
  clear_source (&r->timer);
  clear_source (&r->cancel);
  g_bytes_unref (r->data);
  g_clear_object (&r->to);
  g_free (r);
}

/* End @task (which owns a reference): stop its sources first so that nothing
 * fires again, then return @error or success. */
static void
repeat_return (GTask  *task,
               GError *error)
{
  Repeat *r = g_task_get_task_data (task);

  clear_source (&r->timer);
  clear_source (&r->cancel);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* Send the messages due by now, at most a bounded number; TRUE when ended. */
static gboolean
repeat_pump (GTask *task)
{
  SbSocket *self = g_task_get_source_object (task);
  Repeat *r = g_task_get_task_data (task);
  double elapsed = (g_get_monotonic_time () - r->start) / 1e6;
  double due_f = elapsed * r->rate + 1;
  guint due = due_f >= r->total ? r->total : (guint) due_f;
  gsize len;
  const guint8 *p = g_bytes_get_data (r->data, &len);

  for (guint i = 0; r->done < due && i < 2000; i++)
    {
      GError *error = NULL;
      gssize n;

      if (r->to != NULL)
        n = sb_socket_send_to (self, r->to, p, len, &error);
      else
        n = sb_socket_send (self, p, len, &error);
      if (n < 0)
        {
          repeat_return (task, error);
          return TRUE;
        }
      r->done++;
    }
  if (r->done >= r->total)
    {
      repeat_return (task, NULL);
      return TRUE;
    }
  return FALSE;
}

static gboolean
repeat_tick_cb (gpointer data)
{
  return repeat_pump (data) ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static gboolean
repeat_cancel_cb (GCancellable *cancellable,
                  gpointer      data)
{
  repeat_return (data, g_error_new (SB_SOCKET_ERROR, SB_SOCKET_ERROR_CANCELLED,
                                    _("Cancelled while waiting for %s"), _("the operation")));
  return G_SOURCE_REMOVE;
}

void
sb_socket_send_repeated_async (SbSocket           *self,
                               GBytes             *data,
                               GSocketAddress     *to,
                               guint               count,
                               double              rate_per_second,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  GTask *task;
  Repeat *r;

  g_return_if_fail (SB_IS_SOCKET (self));
  g_return_if_fail (data != NULL);
  g_return_if_fail (to == NULL || G_IS_SOCKET_ADDRESS (to));
  g_return_if_fail (rate_per_second > 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_socket_send_repeated_async);
  /* as for the other operations: cancellation is SB_SOCKET_ERROR_CANCELLED */
  g_task_set_check_cancellable (task, FALSE);
  r = g_new0 (Repeat, 1);
  r->data = g_bytes_ref (data);
  r->to = to != NULL ? g_object_ref (to) : NULL;
  r->total = count;
  r->rate = rate_per_second;
  r->start = g_get_monotonic_time ();
  g_task_set_task_data (task, r, (GDestroyNotify) repeat_free);

  if (g_cancellable_is_cancelled (cancellable))
    {
      repeat_cancel_cb (cancellable, task);
      return;
    }
  if (repeat_pump (task))
    return;
  r->timer = g_timeout_source_new (MAX (1, (guint) (1000.0 / rate_per_second)));
  g_source_set_callback (r->timer, repeat_tick_cb, task, NULL);
  g_source_set_name (r->timer, "[sockbench] send repeated");
  g_source_attach (r->timer, g_task_get_context (task));
  if (cancellable != NULL)
    {
      r->cancel = g_cancellable_source_new (cancellable);
      g_source_set_callback (r->cancel, (GSourceFunc) (void (*)(void)) repeat_cancel_cb, task, NULL);
      g_source_attach (r->cancel, g_task_get_context (task));
    }
}

gboolean
sb_socket_send_repeated_finish (SbSocket     *self,
                                GAsyncResult *result,
                                guint        *out_sent,
                                GError      **error)
{
  Repeat *r;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sb_socket_send_repeated_async, FALSE);

  r = g_task_get_task_data (G_TASK (result));
  if (out_sent != NULL)
    *out_sent = r->done;
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- receive --------------------------------------------------------------- */

/* One read into @buf. Returns the count (0 = EOF on a stream), or -1 with
 * errno. Fills @peer for recvfrom and counts kernel drops. */
static gssize
receive_native (SbSocket                *self,
                guint8                  *buf,
                gsize                    size,
                struct sockaddr_storage *peer,
                socklen_t               *peer_len,
                gsize                   *full_len)
{
  struct iovec iov = { buf, size };
  union {
    char buf[CMSG_SPACE (sizeof (guint32))];
    struct cmsghdr align;
  } control;
  struct msghdr msg = {
    .msg_name = peer,
    .msg_namelen = sizeof *peer,
    .msg_iov = &iov,
    .msg_iovlen = 1,
    .msg_control = self->rxq_ovfl ? control.buf : NULL,
    .msg_controllen = self->rxq_ovfl ? sizeof control.buf : 0,
  };
  gssize n;
  int flags = self->type == SB_SOCKET_STREAM ? 0 : MSG_TRUNC;

  do
    n = recvmsg (self->fd, &msg, flags);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return -1;

  *peer_len = msg.msg_namelen;
  if (self->rxq_ovfl)
    for (struct cmsghdr *c = CMSG_FIRSTHDR (&msg); c != NULL; c = CMSG_NXTHDR (&msg, c))
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL)
        {
          guint32 drops;
          memcpy (&drops, CMSG_DATA (c), sizeof drops);
          self->kernel_drops = drops;
        }
  *full_len = n;
  return MIN ((gsize) n, size);
}

static const char *
peer_string (SbSocket                *self,
             struct sockaddr_storage *peer,
             socklen_t                peer_len,
             char                    *buf)
{
  if (self->type == SB_SOCKET_STREAM || peer_len == 0)
    return self->remote_str;
  return format_sockaddr ((struct sockaddr *) peer, peer_len, buf, PEER_STRLEN);
}

static void
note_eof (SbSocket *self)
{
  log_notice (self, self->remote_str, _("the peer closed the connection (EOF)"));
  if (!self->peer_closed)
    {
      self->peer_closed = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_CLOSED]);
    }
}

static void
note_truncated (SbSocket *self,
                const char *peer,
                gsize       full,
                gsize       size)
{
  if (full > size)
    log_notice (self, peer,
                _("datagram truncated: %zu bytes arrived, the buffer holds %zu"),
                (size_t) full, (size_t) size);
}

static gboolean
receive_ready_cb (int          fd,
                  GIOCondition condition,
                  gpointer     data)
{
  GTask *task = data;
  SbSocket *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  struct sockaddr_storage peer;
  socklen_t peer_len = 0;
  gsize full = 0;
  guint8 *buf = op->buffer != NULL ? op->buffer : g_malloc (MAX (op->bufsize, 1));
  char pbuf[PEER_STRLEN];
  const char *pstr;
  gssize n;

  n = receive_native (self, buf, op->bufsize, &peer, &peer_len, &full);
  if (n < 0)
    {
      int errsv = errno;
      GError *error = NULL;

      if (op->buffer == NULL)
        g_free (buf);
      if (errsv == EAGAIN || errsv == EWOULDBLOCK)
        return G_SOURCE_CONTINUE;
      set_errno_error (&error, errsv, _("receive"));
      op_return_error (self, OP_RECEIVE, error);
      return G_SOURCE_REMOVE;
    }

  op_take (self, OP_RECEIVE);
  pstr = peer_string (self, &peer, peer_len, pbuf);
  if (n == 0 && self->type == SB_SOCKET_STREAM && op->bufsize > 0)
    note_eof (self);
  else
    {
      sb_transcript_append_data (self->transcript, SB_EVENT_RECEIVED, pstr, buf, n);
      note_truncated (self, pstr, full, op->bufsize);
    }
  if (peer_len > 0 && self->type != SB_SOCKET_STREAM)
    op->peer = g_socket_address_new_from_native (&peer, peer_len);
  else if (self->remote != NULL)
    op->peer = g_object_ref (self->remote);

  if (op->buffer != NULL)
    g_task_return_int (task, n);
  else
    g_task_return_pointer (task, g_bytes_new_take (g_realloc (buf, MAX (n, 1)), n),
                           (GDestroyNotify) g_bytes_unref);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
receive_start (SbSocket           *self,
               gpointer            tag,
               guint8             *buffer,
               gsize               size,
               GCancellable       *cancellable,
               GAsyncReadyCallback callback,
               gpointer            user_data)
{
  GTask *task;
  Op *op;

  task = op_new (self, OP_RECEIVE, tag, cancellable, callback, user_data, &op);
  op->buffer = buffer;
  op->bufsize = size;
  if (!sb_socket_can_receive (self))
    return task_fail_now (self, task,
                          state_error (self, _("receive"),
                                       self->read_shut ? _("its receiving side was shut down")
                                       : self->type == SB_SOCKET_STREAM ? _("recv needs a connected socket")
                                       : _("bind or connect it first, so that datagrams can reach it")));
  if (self->ops[OP_RECEIVE] != NULL || self->auto_receive)
    return task_fail_now (self, task,
                          g_error_new_literal (SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE,
                                               self->auto_receive
                                               ? _("Cannot receive once: auto-receive is on and reads everything as it arrives")
                                               : _("Cannot receive: a receive is already waiting")));
  op_start (self, task);
  op_watch (task, G_IO_IN, receive_ready_cb);
}

void
sb_socket_receive_async (SbSocket           *self,
                         gsize               bufsize,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_return_if_fail (SB_IS_SOCKET (self));
  receive_start (self, sb_socket_receive_async, NULL, bufsize, cancellable, callback, user_data);
}

GBytes *
sb_socket_receive_finish (SbSocket        *self,
                          GAsyncResult    *result,
                          GSocketAddress **out_peer,
                          GError         **error)
{
  Op *op;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  op = g_task_get_task_data (G_TASK (result));
  if (out_peer != NULL)
    *out_peer = op->peer != NULL ? g_object_ref (op->peer) : NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
sb_socket_receive_into_async (SbSocket           *self,
                              guint8             *buffer,
                              gsize               size,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  g_return_if_fail (SB_IS_SOCKET (self));
  g_return_if_fail (buffer != NULL || size == 0);
  receive_start (self, sb_socket_receive_into_async, buffer != NULL ? buffer : (guint8 *) "",
                 size, cancellable, callback, user_data);
}

gssize
sb_socket_receive_into_finish (SbSocket        *self,
                               GAsyncResult    *result,
                               GSocketAddress **out_peer,
                               GError         **error)
{
  Op *op;

  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  op = g_task_get_task_data (G_TASK (result));
  if (out_peer != NULL)
    *out_peer = op->peer != NULL ? g_object_ref (op->peer) : NULL;
  return g_task_propagate_int (G_TASK (result), error);
}

/* ---- auto-receive ------------------------------------------------------------ */

static gboolean
auto_receive_cb (int          fd,
                 GIOCondition condition,
                 gpointer     data)
{
  SbSocket *self = data;
  gint64 deadline = g_get_monotonic_time () + READ_BUDGET_USEC;
  gsize budget = READ_BUDGET_BYTES;
  gsize size = self->receive_size > 0 ? self->receive_size : AUTO_RECEIVE_SIZE;
  gint64 spin_until = 0;
  gboolean keep;

  g_object_ref (self);
  for (guint i = 0; i < READ_BUDGET_COUNT && budget > 0 && self->auto_source != NULL; i++)
    {
      struct sockaddr_storage peer;
      socklen_t peer_len = 0;
      gsize room, full = 0;
      guint8 *buf;
      gssize n;
      char pbuf[PEER_STRLEN];
      const char *pstr;
      guint index;

      /* Read straight into the transcript's store. A datagram needs room for
       * all of it, or the end would be cut; a stream only avoids tiny reads. */
      buf = sb_transcript_reserve (self->transcript,
                                   self->type == SB_SOCKET_STREAM ? MIN (size, 4096) : size,
                                   size, &room);

      n = receive_native (self, buf, room, &peer, &peer_len, &full);
      if (n < 0)
        {
          int errsv = errno;
          g_autoptr(GError) error = NULL;

          if (errsv == EAGAIN || errsv == EWOULDBLOCK)
            {
              if (self->type == SB_SOCKET_STREAM && spin_until == 0
                  && READ_BUDGET_BYTES - budget >= FLOOD_SPIN_AFTER)
                spin_until = g_get_monotonic_time () + FLOOD_SPIN_USEC;
              if (spin_until != 0 && g_get_monotonic_time () < spin_until)
                continue;
              break;
            }
          set_errno_error (&error, errsv, _("receive"));
          stop_auto_receive (self);
          self->auto_receive = FALSE;
          report_error (self, error);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTO_RECEIVE]);
          break;
        }
      if (n == 0 && self->type == SB_SOCKET_STREAM)
        {
          stop_auto_receive (self);
          self->auto_receive = FALSE;
          note_eof (self);
          g_signal_emit (self, signals[RECEIVED], 0,
                         sb_transcript_get_n_events (self->transcript) - 1);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTO_RECEIVE]);
          break;
        }
      spin_until = 0;   /* data came: another dry spell may spin again */
      pstr = peer_string (self, &peer, peer_len, pbuf);
      index = sb_transcript_commit (self->transcript, SB_EVENT_RECEIVED, pstr, n);
      note_truncated (self, pstr, full, room);
      g_signal_emit (self, signals[RECEIVED], 0, index);
      budget -= MIN (budget, (gsize) n);
      if ((i & 15) == 15 && g_get_monotonic_time () > deadline)
        break;
    }
  /* A ::received handler may have dropped the last other reference: decide
   * before letting go of ours. */
  keep = self->auto_source != NULL;
  g_object_unref (self);
  return keep ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
stop_auto_receive (SbSocket *self)
{
  clear_source (&self->auto_source);
}

static void
start_auto_receive (SbSocket *self)
{
  g_assert (self->auto_source == NULL && self->fd >= 0);

  if (self->type != SB_SOCKET_STREAM && !self->rxq_ovfl)
    {
      int one = 1;
      /* the kernel then tells us how many datagrams it dropped */
      self->rxq_ovfl = setsockopt (self->fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one) == 0;
    }
  self->auto_source = g_unix_fd_source_new (self->fd, G_IO_IN);
  g_source_set_callback (self->auto_source, (GSourceFunc) (void (*)(void)) auto_receive_cb,
                         self, NULL);
  g_source_set_name (self->auto_source, "[sockbench] auto-receive");
  /* GLib unregisters a non-recursive source's fd from the context's poll
   * list for each dispatch and registers it again after, walking that
   * list both times: with 10,000 connections that was half the CPU time
   * of accepting them (docs/benchmarks.md). The callback is safe to
   * re-enter (from a nested loop in a ::received handler). */
  g_source_set_can_recurse (self->auto_source, TRUE);
  /* Below the frame clock (GDK_PRIORITY_REDRAW, G_PRIORITY_HIGH_IDLE + 20):
   * a TCP flood keeps the fd readable all the time, and GLib only
   * dispatches the most urgent ready sources, so at G_PRIORITY_DEFAULT
   * the per-dispatch budget alone never let a frame in: the window
   * drew ~22 fps with gaps of 200 ms (docs/benchmarks.md, "Window under
   * load"). Timers, events and the other sockets still come first. */
  g_source_set_priority (self->auto_source, G_PRIORITY_DEFAULT_IDLE);
  g_source_attach (self->auto_source, g_main_context_get_thread_default ());
}

void
sb_socket_set_auto_receive (SbSocket *self,
                            gboolean  enabled)
{
  g_return_if_fail (SB_IS_SOCKET (self));

  enabled = !!enabled;
  if (self->auto_receive == (guint) enabled)
    return;
  if (enabled)
    {
      if (self->ops[OP_RECEIVE] != NULL)
        {
          g_autoptr(GError) error =
            g_error_new_literal (SB_SOCKET_ERROR, SB_SOCKET_ERROR_INVALID_STATE,
                                 _("Cannot auto-receive: a receive is already waiting"));
          report_error (self, error);
          return;
        }
      if (self->fd < 0)
        return;
      /* A stream that is not connected yet has nothing to read (and polls
       * as hung up): start reading once it is connected. */
      if (self->type != SB_SOCKET_STREAM || self->state == SB_STATE_CONNECTED
          || self->state == SB_STATE_SHUT_DOWN)
        start_auto_receive (self);
    }
  else
    stop_auto_receive (self);
  self->auto_receive = enabled;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTO_RECEIVE]);
}

gboolean
sb_socket_get_auto_receive (SbSocket *self)
{
  g_return_val_if_fail (SB_IS_SOCKET (self), FALSE);
  return self->auto_receive;
}

void
sb_socket_set_receive_size (SbSocket *self,
                            gsize     bufsize)
{
  g_return_if_fail (SB_IS_SOCKET (self));
  self->receive_size = bufsize;
}

gsize
sb_socket_get_receive_size (SbSocket *self)
{
  g_return_val_if_fail (SB_IS_SOCKET (self), 0);
  return self->receive_size > 0 ? self->receive_size : AUTO_RECEIVE_SIZE;
}

guint64
sb_socket_get_kernel_drops (SbSocket *self)
{
  g_return_val_if_fail (SB_IS_SOCKET (self), 0);

  /* SO_RXQ_OVFL only tells the count as of the datagram just read: drops
   * after the last one read never showed, and on Linux 6.18 it also lagged
   * the socket's own counter (a 100,000/s flood: received + reported drops
   * came to 6,449 short of the sent count, while SO_MEMINFO's count made
   * the sum exact; docs/benchmarks.md, "Window under load"). Ask the
   * kernel for its counter now, keeping the larger. */
  if (self->fd >= 0 && self->type != SB_SOCKET_STREAM)
    {
      guint32 meminfo[SK_MEMINFO_VARS] = { 0 };
      socklen_t len = sizeof meminfo;

      if (getsockopt (self->fd, SOL_SOCKET, SO_MEMINFO, meminfo, &len) == 0
          && len > SK_MEMINFO_DROPS * sizeof (guint32))
        self->kernel_drops = MAX (self->kernel_drops, meminfo[SK_MEMINFO_DROPS]);
    }
  return self->kernel_drops;
}

/* ---- shutdown / close ----------------------------------------------------- */

gboolean
sb_socket_shutdown (SbSocket     *self,
                    SbShutdownHow how,
                    GError      **error)
{
  static const char *names[] = { N_("reading"), N_("writing"), N_("reading and writing") };
  int native = how == SB_SHUTDOWN_READ ? SHUT_RD : how == SB_SHUTDOWN_WRITE ? SHUT_WR : SHUT_RDWR;

  g_return_val_if_fail (SB_IS_SOCKET (self), FALSE);
  g_return_val_if_fail (how <= SB_SHUTDOWN_BOTH, FALSE);

  if (!sb_socket_can_shutdown (self))
    return fail_state (self, error, C_("operation", "shut down"), _("shutdown needs a connected socket"));
  if (shutdown (self->fd, native) != 0)
    return fail_errno (self, error, errno, C_("operation", "shut down"));

  if (how != SB_SHUTDOWN_WRITE)
    self->read_shut = TRUE;
  if (how != SB_SHUTDOWN_READ)
    self->write_shut = TRUE;
  set_state (self, SB_STATE_SHUT_DOWN);
  log_state (self, _("shut down for %s"), _(names[how]));
  return TRUE;
}

void
sb_socket_close (SbSocket *self)
{
  GTask *pending[N_OPS] = { NULL, };
  gboolean was_auto_receive, was_accepting;

  g_return_if_fail (SB_IS_SOCKET (self));

  if (self->state == SB_STATE_CLOSED)
    return;

  g_object_ref (self);
  stop_auto_receive (self);
  stop_accept_continuous (self);
  /* Everything a handler could see happens after the socket is fully
   * closed: a pending operation's callback may run at once (GTask calls
   * back synchronously when close() runs inside a dispatch) and start the
   * next step, which must find a closed socket, not a descriptor about to
   * go. So take the operations first, close, then fail them. */
  for (guint i = 0; i < N_OPS; i++)
    if (self->ops[i] != NULL)
      pending[i] = op_take (self, i);
  if (self->fd >= 0)
    {
      close (self->fd);
      self->fd = -1;
    }
  was_auto_receive = self->auto_receive;
  was_accepting = self->accept_continuous;
  self->auto_receive = FALSE;
  self->accept_continuous = FALSE;
  set_state (self, SB_STATE_CLOSED);
  if (was_auto_receive)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTO_RECEIVE]);
  if (was_accepting)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCEPT_CONTINUOUS]);
  for (guint i = 0; i < N_OPS; i++)
    if (pending[i] != NULL)
      task_fail_now (self, pending[i],
                     g_error_new_literal (SB_SOCKET_ERROR, SB_SOCKET_ERROR_CLOSED,
                                          _("The socket was closed while waiting")));
  log_state (self, _("closed"));
  g_object_unref (self);
}

void
sb_socket_release_child (SbSocket *self,
                         SbSocket *child)
{
  guint pos;

  g_return_if_fail (SB_IS_SOCKET (self));
  g_return_if_fail (SB_IS_SOCKET (child));

  if (self->children != NULL && g_list_store_find (self->children, child, &pos))
    g_list_store_remove (self->children, pos);
}
