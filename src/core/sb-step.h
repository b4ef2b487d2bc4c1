/* sb-step.h — one scripted step of a socket in a session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A step is the document's description of one call — bind, listen, accept,
 * connect, send, expect, receive, wait, shutdown, close — not its outcome:
 * SbScript runs steps and keeps their status. Every field is a GObject
 * property; a step emits ::changed when any of them changes, so that the
 * socket spec and the session that hold it become dirty.
 */
#pragma once

#include <glib-object.h>
#include "sb-socket.h"

G_BEGIN_DECLS

typedef enum
{
  SB_STEP_BIND,
  SB_STEP_LISTEN,
  SB_STEP_ACCEPT,
  SB_STEP_CONNECT,
  SB_STEP_SEND,
  SB_STEP_EXPECT,
  SB_STEP_RECEIVE,
  SB_STEP_WAIT,
  SB_STEP_SHUTDOWN,
  SB_STEP_CLOSE,
  SB_N_STEP_KINDS
} SbStepKind;

/* How a send's (or an auto-reply's) data is written. */
typedef enum
{
  SB_DATA_TEXT,     /* text with escapes \n \r \t \0 \xHH \\ and ${capture} */
  SB_DATA_HEX,      /* hex digits, separators allowed, and ${capture} */
  SB_DATA_FILE,     /* a file's contents; a relative path is relative to the session file */
  SB_DATA_PAYLOAD,  /* the name of a payload in the session's library */
  SB_N_DATA_FORMATS
} SbDataFormat;

/* How an expectation (or an auto-reply rule) matches received bytes. */
typedef enum
{
  SB_MATCH_EXACT,     /* the next bytes are exactly the pattern (text with escapes) */
  SB_MATCH_CONTAINS,  /* the bytes since the last match contain the pattern */
  SB_MATCH_REGEX,     /* a regular expression (PCRE, on raw bytes) with capture groups */
  SB_MATCH_HEX,       /* hex bytes, "??" for any byte, ( ) for a capture group */
  SB_N_MATCH_KINDS
} SbMatchKind;

/* SbStep:timeout-ms: the step uses its socket's timeout. */
#define SB_STEP_TIMEOUT_INHERIT (-2)
/* SbStep:port: the step uses its socket's port. */
#define SB_STEP_PORT_UNSET (-1)
/* SbStep:backlog: the step uses its socket's backlog. */
#define SB_STEP_BACKLOG_UNSET (-1)
/* Upper bound of a wait step: one day. */
#define SB_STEP_MAX_WAIT_MS (24 * 60 * 60 * 1000)
/* Upper bound of a receive step's size. */
#define SB_STEP_MAX_SIZE (64 * 1024 * 1024)

#define SB_TYPE_STEP (sb_step_get_type ())
G_DECLARE_FINAL_TYPE (SbStep, sb_step, SB, STEP, GObject)

SbStep       *sb_step_new              (SbStepKind     kind);
SbStep       *sb_step_copy             (SbStep        *self);

/* Properties (also available as "kind", "label", "host", "port",
 * "port-from", "backlog", "format", "data", "match", "pattern",
 * "timeout-ms", "ms", "how", "size"). Strings are never NULL: "" is unset. */
SbStepKind    sb_step_get_kind         (SbStep        *self);
void          sb_step_set_kind         (SbStep        *self,
                                        SbStepKind     kind);
/* A name of the user's for reports; "" shows sb_step_dup_summary(). */
const char   *sb_step_get_label        (SbStep        *self);
void          sb_step_set_label        (SbStep        *self,
                                        const char    *label);
/* bind, connect, send (datagram destination): overrides of the socket's
 * address; "" / SB_STEP_PORT_UNSET use the socket's. */
const char   *sb_step_get_host         (SbStep        *self);
void          sb_step_set_host         (SbStep        *self,
                                        const char    *host);
int           sb_step_get_port         (SbStep        *self);
void          sb_step_set_port         (SbStep        *self,
                                        int            port);
/* connect, send: take the port from the socket of this name in the same
 * session once it is bound (for ports the kernel chose). */
const char   *sb_step_get_port_from    (SbStep        *self);
void          sb_step_set_port_from    (SbStep        *self,
                                        const char    *name);
int           sb_step_get_backlog      (SbStep        *self);
void          sb_step_set_backlog      (SbStep        *self,
                                        int            backlog);
SbDataFormat  sb_step_get_format       (SbStep        *self);
void          sb_step_set_format       (SbStep        *self,
                                        SbDataFormat   format);
const char   *sb_step_get_data         (SbStep        *self);
void          sb_step_set_data         (SbStep        *self,
                                        const char    *data);
SbMatchKind   sb_step_get_match        (SbStep        *self);
void          sb_step_set_match        (SbStep        *self,
                                        SbMatchKind    match);
const char   *sb_step_get_pattern      (SbStep        *self);
void          sb_step_set_pattern      (SbStep        *self,
                                        const char    *pattern);
/* accept, connect, send, expect, receive: milliseconds, SB_TIMEOUT_NONE, or
 * SB_STEP_TIMEOUT_INHERIT (the socket's timeout). */
int           sb_step_get_timeout_ms   (SbStep        *self);
void          sb_step_set_timeout_ms   (SbStep        *self,
                                        int            timeout_ms);
/* wait */
int           sb_step_get_ms           (SbStep        *self);
void          sb_step_set_ms           (SbStep        *self,
                                        int            ms);
SbShutdownHow sb_step_get_how          (SbStep        *self);
void          sb_step_set_how          (SbStep        *self,
                                        SbShutdownHow  how);
/* receive: at most this many bytes; 0 takes what has arrived. */
int           sb_step_get_size         (SbStep        *self);
void          sb_step_set_size         (SbStep        *self,
                                        int            size);

/* A one-line description for lists and reports: the label if set, else
 * e.g. "connect 127.0.0.1:5000", "expect contains “Thank you”". */
char         *sb_step_dup_summary      (SbStep        *self);

const char   *sb_step_kind_to_string   (SbStepKind     kind);
gboolean      sb_step_kind_from_string (const char    *name,
                                        SbStepKind    *out);
const char   *sb_data_format_to_string (SbDataFormat   format);
gboolean      sb_data_format_from_string (const char  *name,
                                        SbDataFormat  *out);
const char   *sb_match_kind_to_string  (SbMatchKind    match);
gboolean      sb_match_kind_from_string (const char   *name,
                                        SbMatchKind   *out);
const char   *sb_shutdown_how_to_string (SbShutdownHow how);
/* Each enum's names in its order, NULL-terminated. */
const char *const *sb_step_kind_names    (void);
const char *const *sb_data_format_names  (void);
const char *const *sb_match_kind_names   (void);
const char *const *sb_shutdown_how_names (void);
gboolean      sb_shutdown_how_from_string (const char *name,
                                        SbShutdownHow *out);

G_END_DECLS
