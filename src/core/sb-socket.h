/* sb-socket.h — one socket and its state machine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every operation of Python's socket module, non-blocking, driven by sources
 * on the thread-default main context. Each operation and its outcome is
 * appended to the socket's SbTranscript.
 */
#pragma once

#include <gio/gio.h>
#include "sb-transcript.h"

G_BEGIN_DECLS

#define SB_SOCKET_ERROR (sb_socket_error_quark ())
GQuark sb_socket_error_quark (void);

typedef enum
{
  SB_SOCKET_ERROR_FAILED,          /* any other system error */
  SB_SOCKET_ERROR_INVALID_ARGUMENT,/* bad address, port, option value */
  SB_SOCKET_ERROR_INVALID_STATE,   /* the step is not valid in this state */
  SB_SOCKET_ERROR_TIMED_OUT,       /* socket.timeout */
  SB_SOCKET_ERROR_REFUSED,
  SB_SOCKET_ERROR_RESET,
  SB_SOCKET_ERROR_UNREACHABLE,
  SB_SOCKET_ERROR_RESOLVE,         /* a host name that does not resolve */
  SB_SOCKET_ERROR_ADDRESS_IN_USE,
  SB_SOCKET_ERROR_PERMISSION,      /* needs CAP_NET_RAW or a privileged port */
  SB_SOCKET_ERROR_CLOSED,          /* the peer closed / the socket was closed */
  SB_SOCKET_ERROR_WOULD_BLOCK,     /* send(): the kernel took nothing now */
  SB_SOCKET_ERROR_CANCELLED,
} SbSocketError;

typedef enum
{
  SB_FAMILY_IPV4,
  SB_FAMILY_IPV6,
  SB_FAMILY_PACKET,
} SbFamily;

typedef enum
{
  SB_SOCKET_STREAM,
  SB_SOCKET_DATAGRAM,
  SB_SOCKET_RAW,
} SbSocketType;

typedef enum
{
  SB_STATE_CREATED,
  SB_STATE_BOUND,
  SB_STATE_LISTENING,
  SB_STATE_CONNECTING,
  SB_STATE_CONNECTED,
  SB_STATE_SHUT_DOWN,     /* connected, one or both directions shut down */
  SB_STATE_CLOSED,
} SbSocketState;

typedef enum
{
  SB_SHUTDOWN_READ,
  SB_SHUTDOWN_WRITE,
  SB_SHUTDOWN_BOTH,
} SbShutdownHow;

typedef enum
{
  SB_OPTION_REUSE_ADDRESS,   /* SO_REUSEADDR, bool */
  SB_OPTION_BROADCAST,       /* SO_BROADCAST, bool */
  SB_OPTION_NO_DELAY,        /* TCP_NODELAY, bool */
  SB_OPTION_RCVBUF,          /* SO_RCVBUF, bytes */
  SB_OPTION_SNDBUF,          /* SO_SNDBUF, bytes */
  SB_OPTION_V6ONLY,          /* IPV6_V6ONLY, bool */
  SB_OPTION_TTL,             /* IP_TTL / IPV6_UNICAST_HOPS */
  SB_OPTION_MULTICAST_TTL,   /* IP_MULTICAST_TTL / IPV6_MULTICAST_HOPS */
  SB_OPTION_MULTICAST_LOOP,  /* IP_MULTICAST_LOOP / IPV6_MULTICAST_LOOP, bool */
  SB_OPTION_KEEPALIVE,       /* SO_KEEPALIVE, bool */
  SB_N_OPTIONS
} SbOption;

#define SB_TIMEOUT_NONE (-1)

#define SB_TYPE_SOCKET (sb_socket_get_type ())
G_DECLARE_FINAL_TYPE (SbSocket, sb_socket, SB, SOCKET, GObject)

/* --- names ------------------------------------------------------------ */
const char   *sb_family_to_string      (SbFamily       family);
const char   *sb_socket_type_to_string (SbSocketType   type);
const char   *sb_state_to_string       (SbSocketState  state);
const char   *sb_option_to_string      (SbOption       option);
gboolean      sb_family_from_string    (const char    *name,
                                        SbFamily      *out);
gboolean      sb_socket_type_from_string (const char  *name,
                                        SbSocketType  *out);
/* "0", "tcp", "udp", "icmp", "icmpv6", "all", "ip", "ipv6", "arp", a decimal
 * number or 0xHHHH (an EtherType for packet sockets). */
gboolean      sb_protocol_parse        (const char    *text,
                                        SbFamily       family,
                                        int           *out,
                                        GError       **error);
/* Whether family/type/protocol make sense together; if not, @error says why. */
gboolean      sb_socket_check_combination (SbFamily     family,
                                        SbSocketType   type,
                                        int            protocol,
                                        GError       **error);

/* --- addresses -------------------------------------------------------- */
/* Parse a literal "HOST" (IPv4, IPv6 with or without brackets, "" / "*" for
 * any, "localhost") and port into a GInetSocketAddress without any lookup. */
GSocketAddress *sb_address_parse       (const char    *host,
                                        guint          port,
                                        SbFamily       family,
                                        GError       **error);
/* Resolve a host name asynchronously (GResolver) unless it is a literal. */
void          sb_address_resolve_async (const char    *host,
                                        guint          port,
                                        SbFamily       family,
                                        GCancellable  *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer       user_data);
GSocketAddress *sb_address_resolve_finish (GAsyncResult *result,
                                        GError       **error);
/* "127.0.0.1:80", "[::1]:80"; packet addresses as "iface proto 0x0800". */
char         *sb_address_to_string     (GSocketAddress *address);
/* Split "HOST:PORT" / "[V6]:PORT"; returns FALSE with an error on bad input. */
gboolean      sb_address_split         (const char    *text,
                                        char         **host,
                                        guint         *port,
                                        GError       **error);

/* --- lifecycle -------------------------------------------------------- */
SbSocket     *sb_socket_new            (SbFamily       family,
                                        SbSocketType   type,
                                        int            protocol,
                                        GError       **error);

SbFamily      sb_socket_get_family     (SbSocket      *self);
SbSocketType  sb_socket_get_socket_type (SbSocket     *self);
int           sb_socket_get_protocol   (SbSocket      *self);
SbSocketState sb_socket_get_state      (SbSocket      *self);
int           sb_socket_get_fd         (SbSocket      *self);
SbTranscript *sb_socket_get_transcript (SbSocket      *self);
/* A short label: "TCP 127.0.0.1:5000 → 127.0.0.1:40312". */
char         *sb_socket_dup_label      (SbSocket      *self);
/* The listener that accepted this connection, or NULL. */
SbSocket     *sb_socket_get_listener   (SbSocket      *self);
/* Accepted connections, a GListModel of SbSocket. */
GListModel   *sb_socket_get_children   (SbSocket      *self);
/* Forget an accepted connection (after it was closed): drops it from the children. */
void          sb_socket_release_child  (SbSocket      *self,
                                        SbSocket      *child);
GSocketAddress *sb_socket_get_local_address  (SbSocket *self);
GSocketAddress *sb_socket_get_remote_address (SbSocket *self);
guint         sb_socket_get_local_port (SbSocket      *self);

/* Per-operation timeout in milliseconds; SB_TIMEOUT_NONE waits forever. */
void          sb_socket_set_timeout    (SbSocket      *self,
                                        int            timeout_ms);
int           sb_socket_get_timeout    (SbSocket      *self);

gboolean      sb_socket_set_option     (SbSocket      *self,
                                        SbOption       option,
                                        int            value,
                                        GError       **error);
gboolean      sb_socket_get_option     (SbSocket      *self,
                                        SbOption       option,
                                        int           *value,
                                        GError       **error);
/* Join or leave @group ("239.1.2.3", "ff02::1234") on @iface (NULL = any). */
gboolean      sb_socket_join_multicast (SbSocket      *self,
                                        const char    *group,
                                        const char    *iface,
                                        GError       **error);
gboolean      sb_socket_leave_multicast (SbSocket     *self,
                                        const char    *group,
                                        const char    *iface,
                                        GError       **error);

/* --- steps ------------------------------------------------------------ */
/* bind((host, port)); for packet sockets @host is an interface name (or
 * NULL / "" for all) and @port is ignored. Port 0: the kernel chooses. */
gboolean      sb_socket_bind           (SbSocket      *self,
                                        const char    *host,
                                        guint          port,
                                        GError       **error);
gboolean      sb_socket_listen         (SbSocket      *self,
                                        int            backlog,
                                        GError       **error);

/* accept(): one connection. The result is the new SbSocket (also added to
 * the children and announced with ::accepted). Honours the timeout. */
void          sb_socket_accept_async   (SbSocket      *self,
                                        GCancellable  *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer       user_data);
SbSocket     *sb_socket_accept_finish  (SbSocket      *self,
                                        GAsyncResult  *result,
                                        GError       **error);
/* Accept every connection as it comes until stopped (no timeout). */
void          sb_socket_set_accept_continuous (SbSocket *self,
                                        gboolean       continuous);
gboolean      sb_socket_get_accept_continuous (SbSocket *self);

/* connect((host, port)); host names resolve asynchronously. */
void          sb_socket_connect_async  (SbSocket      *self,
                                        const char    *host,
                                        guint          port,
                                        GCancellable  *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer       user_data);
gboolean      sb_socket_connect_finish (SbSocket      *self,
                                        GAsyncResult  *result,
                                        GError       **error);

/* send(): one send(2); returns the count the kernel took (maybe less than
 * @len, which is reported in the transcript), or -1 with an error
 * (SB_SOCKET_ERROR_WOULD_BLOCK when it took nothing now). */
gssize        sb_socket_send           (SbSocket      *self,
                                        const guint8  *data,
                                        gsize          len,
                                        GError       **error);
/* sendto(data, address): datagram and raw sockets (and packet sockets,
 * where @address comes from a received frame or sb_socket_bind). */
gssize        sb_socket_send_to        (SbSocket      *self,
                                        GSocketAddress *address,
                                        const guint8  *data,
                                        gsize          len,
                                        GError       **error);
/* sendall(): send until every byte is gone, waiting for writability between
 * partial sends without blocking the loop. The result is the count sent; on
 * error, the count sent before it is still available from
 * sb_socket_send_all_finish's @out_sent. */
void          sb_socket_send_all_async (SbSocket      *self,
                                        GBytes        *data,
                                        GCancellable  *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer       user_data);
gboolean      sb_socket_send_all_finish (SbSocket     *self,
                                        GAsyncResult  *result,
                                        guint64       *out_sent,
                                        GError       **error);

/* Send @data @count times at @rate_per_second (> 0): the first message at
 * once, then, on each tick of a timer on the thread-default main context, the
 * messages due by now (catching up after a late tick, at most 2000 per tick).
 * Each message is one send() — or sendto(@to) when @to is not NULL — and is
 * recorded in the transcript as sb_socket_send/sb_socket_send_to record it.
 * It stops at the first error, which is the result. Cancelling @cancellable
 * stops it with SB_SOCKET_ERROR_CANCELLED. sb_socket_send_repeated_finish's
 * @out_sent is the number of messages sent, on success or failure. */
void          sb_socket_send_repeated_async (SbSocket  *self,
                                        GBytes        *data,
                                        GSocketAddress *to,
                                        guint          count,
                                        double         rate_per_second,
                                        GCancellable  *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer       user_data);
gboolean      sb_socket_send_repeated_finish (SbSocket *self,
                                        GAsyncResult  *result,
                                        guint         *out_sent,
                                        GError       **error);

/* recv(bufsize) / recvfrom(bufsize): wait (within the timeout) for one read of
 * at most @bufsize bytes. An empty GBytes means the peer closed (EOF).
 * @out_peer (may be NULL) receives the sender's address (recvfrom). */
void          sb_socket_receive_async  (SbSocket      *self,
                                        gsize          bufsize,
                                        GCancellable  *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer       user_data);
GBytes       *sb_socket_receive_finish (SbSocket      *self,
                                        GAsyncResult  *result,
                                        GSocketAddress **out_peer,
                                        GError       **error);
/* recv_into(buffer) / recvfrom_into(buffer): the same into a caller's fixed
 * buffer, which must stay valid until the callback; the result is nbytes. */
void          sb_socket_receive_into_async (SbSocket   *self,
                                        guint8        *buffer,
                                        gsize          size,
                                        GCancellable  *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer       user_data);
gssize        sb_socket_receive_into_finish (SbSocket  *self,
                                        GAsyncResult  *result,
                                        GSocketAddress **out_peer,
                                        GError       **error);

/* Auto-receive: read as data arrives (64 KiB reads unless @bufsize is set,
 * with a per-dispatch budget) into the transcript; ::received is emitted for
 * each read. Peer close and errors end it and are reported. Switched on for
 * a stream socket that is not connected yet, it starts reading once the
 * socket connects. */
void          sb_socket_set_auto_receive (SbSocket    *self,
                                        gboolean       enabled);
gboolean      sb_socket_get_auto_receive (SbSocket    *self);
void          sb_socket_set_receive_size (SbSocket    *self,
                                        gsize          bufsize);
gsize         sb_socket_get_receive_size (SbSocket    *self);

gboolean      sb_socket_shutdown       (SbSocket      *self,
                                        SbShutdownHow  how,
                                        GError       **error);
/* Close the socket and stop every pending operation (they fail with
 * SB_SOCKET_ERROR_CLOSED, called back once the socket is already closed).
 * Safe to call twice, and from any handler. Does not close children. */
void          sb_socket_close          (SbSocket      *self);

/* Which steps are valid now (for enabling buttons). */
gboolean      sb_socket_can_bind       (SbSocket      *self);
gboolean      sb_socket_can_listen     (SbSocket      *self);
gboolean      sb_socket_can_accept     (SbSocket      *self);
gboolean      sb_socket_can_connect    (SbSocket      *self);
gboolean      sb_socket_can_send       (SbSocket      *self);
gboolean      sb_socket_can_send_to    (SbSocket      *self);
gboolean      sb_socket_can_receive    (SbSocket      *self);
gboolean      sb_socket_can_shutdown   (SbSocket      *self);

/* Counters kept for the UI: kernel drops reported by SO_RXQ_OVFL. */
guint64       sb_socket_get_kernel_drops (SbSocket    *self);

/* Map an errno to its name ("ECONNREFUSED") and an SbSocketError code. */
const char   *sb_errno_name            (int            errsv);
SbSocketError sb_socket_error_from_errno (int          errsv);

void          sb_socket_report_error   (SbSocket      *self,
                                        const GError  *error);

G_END_DECLS
