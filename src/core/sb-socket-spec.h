/* sb-socket-spec.h — the settings and steps of one socket in a session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A socket spec describes a socket — family, type, protocol, options,
 * addresses, timeout — and the ordered steps a script runs on it. It is
 * the document, not a live socket: SbScript makes the SbSocket. ::changed
 * is emitted for any change of the spec, its steps, rules or groups.
 */
#pragma once

#include <gio/gio.h>
#include "sb-reply-rule.h"
#include "sb-socket.h"
#include "sb-step.h"

G_BEGIN_DECLS

#define SB_SPEC_MAX_RECEIVE_SIZE (64 * 1024 * 1024)

#define SB_TYPE_SOCKET_SPEC (sb_socket_spec_get_type ())
G_DECLARE_FINAL_TYPE (SbSocketSpec, sb_socket_spec, SB, SOCKET_SPEC, GObject)

SbSocketSpec *sb_socket_spec_new            (const char   *name,
                                             SbFamily      family,
                                             SbSocketType  type,
                                             int           protocol);
/* A deep copy: steps, rules and groups are copied too. */
SbSocketSpec *sb_socket_spec_copy           (SbSocketSpec *self);

/* Properties: "name", "family", "type", "protocol", "reuse-address",
 * "broadcast", "no-delay", "keepalive", "rcvbuf", "sndbuf", "ttl",
 * "bind-host", "bind-port", "remote-host", "remote-port",
 * "remote-port-from", "backlog", "timeout-ms", "receive-size",
 * "auto-receive". Sizes and ttl: 0 keeps the system's default. */
const char   *sb_socket_spec_get_name       (SbSocketSpec *self);
void          sb_socket_spec_set_name       (SbSocketSpec *self,
                                             const char   *name);
SbFamily      sb_socket_spec_get_family     (SbSocketSpec *self);
void          sb_socket_spec_set_family     (SbSocketSpec *self,
                                             SbFamily      family);
SbSocketType  sb_socket_spec_get_socket_type (SbSocketSpec *self);
void          sb_socket_spec_set_socket_type (SbSocketSpec *self,
                                             SbSocketType  type);
int           sb_socket_spec_get_protocol   (SbSocketSpec *self);
void          sb_socket_spec_set_protocol   (SbSocketSpec *self,
                                             int           protocol);
gboolean      sb_socket_spec_get_reuse_address (SbSocketSpec *self);
void          sb_socket_spec_set_reuse_address (SbSocketSpec *self,
                                             gboolean      value);
gboolean      sb_socket_spec_get_broadcast  (SbSocketSpec *self);
void          sb_socket_spec_set_broadcast  (SbSocketSpec *self,
                                             gboolean      value);
gboolean      sb_socket_spec_get_no_delay   (SbSocketSpec *self);
void          sb_socket_spec_set_no_delay   (SbSocketSpec *self,
                                             gboolean      value);
gboolean      sb_socket_spec_get_keepalive  (SbSocketSpec *self);
void          sb_socket_spec_set_keepalive  (SbSocketSpec *self,
                                             gboolean      value);
int           sb_socket_spec_get_rcvbuf     (SbSocketSpec *self);
void          sb_socket_spec_set_rcvbuf     (SbSocketSpec *self,
                                             int           bytes);
int           sb_socket_spec_get_sndbuf     (SbSocketSpec *self);
void          sb_socket_spec_set_sndbuf     (SbSocketSpec *self,
                                             int           bytes);
int           sb_socket_spec_get_ttl        (SbSocketSpec *self);
void          sb_socket_spec_set_ttl        (SbSocketSpec *self,
                                             int           ttl);
const char   *sb_socket_spec_get_bind_host  (SbSocketSpec *self);
void          sb_socket_spec_set_bind_host  (SbSocketSpec *self,
                                             const char   *host);
int           sb_socket_spec_get_bind_port  (SbSocketSpec *self);
void          sb_socket_spec_set_bind_port  (SbSocketSpec *self,
                                             int           port);
const char   *sb_socket_spec_get_remote_host (SbSocketSpec *self);
void          sb_socket_spec_set_remote_host (SbSocketSpec *self,
                                             const char   *host);
int           sb_socket_spec_get_remote_port (SbSocketSpec *self);
void          sb_socket_spec_set_remote_port (SbSocketSpec *self,
                                             int           port);
/* The name of another socket of the session whose bound port is the
 * remote port (for ports the kernel chose); "" for none. */
const char   *sb_socket_spec_get_remote_port_from (SbSocketSpec *self);
void          sb_socket_spec_set_remote_port_from (SbSocketSpec *self,
                                             const char   *name);
int           sb_socket_spec_get_backlog    (SbSocketSpec *self);
void          sb_socket_spec_set_backlog    (SbSocketSpec *self,
                                             int           backlog);
/* Milliseconds, or SB_TIMEOUT_NONE. */
int           sb_socket_spec_get_timeout_ms (SbSocketSpec *self);
void          sb_socket_spec_set_timeout_ms (SbSocketSpec *self,
                                             int           timeout_ms);
/* recv(bufsize) of each read; 0 for the default (64 KiB). */
int           sb_socket_spec_get_receive_size (SbSocketSpec *self);
void          sb_socket_spec_set_receive_size (SbSocketSpec *self,
                                             int           size);
/* Whether the window reads as data arrives; scripts always read. */
gboolean      sb_socket_spec_get_auto_receive (SbSocketSpec *self);
void          sb_socket_spec_set_auto_receive (SbSocketSpec *self,
                                             gboolean      value);

/* Multicast groups to join: @iface "" is any. */
guint         sb_socket_spec_get_n_multicast_groups (SbSocketSpec *self);
void          sb_socket_spec_get_multicast_group (SbSocketSpec *self,
                                             guint         index,
                                             const char  **group,
                                             const char  **iface);
void          sb_socket_spec_add_multicast_group (SbSocketSpec *self,
                                             const char   *group,
                                             const char   *iface);
void          sb_socket_spec_remove_multicast_group (SbSocketSpec *self,
                                             guint         index);

/* Steps: a GListModel of SbStep; change it through the calls below so that
 * the spec follows each step's changes. @position past the end appends. */
GListModel   *sb_socket_spec_get_steps      (SbSocketSpec *self);
guint         sb_socket_spec_get_n_steps    (SbSocketSpec *self);
/* Borrowed: the step stays owned by the spec. */
SbStep       *sb_socket_spec_get_step       (SbSocketSpec *self,
                                             guint         index);
void          sb_socket_spec_insert_step    (SbSocketSpec *self,
                                             guint         position,
                                             SbStep       *step);
void          sb_socket_spec_append_step    (SbSocketSpec *self,
                                             SbStep       *step);
void          sb_socket_spec_remove_step    (SbSocketSpec *self,
                                             guint         position);
void          sb_socket_spec_move_step      (SbSocketSpec *self,
                                             guint         from,
                                             guint         to);

/* Auto-reply rules: a GListModel of SbReplyRule, tried in order. */
GListModel   *sb_socket_spec_get_reply_rules (SbSocketSpec *self);
void          sb_socket_spec_insert_reply_rule (SbSocketSpec *self,
                                             guint         position,
                                             SbReplyRule  *rule);
void          sb_socket_spec_append_reply_rule (SbSocketSpec *self,
                                             SbReplyRule  *rule);
void          sb_socket_spec_remove_reply_rule (SbSocketSpec *self,
                                             guint         position);

/* sb_step_dup_summary() with this socket's address, backlog… filled in
 * where the step uses the socket's: "connect 127.0.0.1:5000". */
/* A new socket as the spec describes it: family, type, protocol, options
 * and multicast groups (not its addresses, timeout or steps). */
SbSocket     *sb_socket_spec_create_socket (SbSocketSpec *self,
                                            GError      **error);
char         *sb_socket_spec_dup_step_summary (SbSocketSpec *self,
                                             SbStep       *step);

G_END_DECLS
