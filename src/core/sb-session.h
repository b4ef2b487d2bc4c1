/* sb-session.h — the document: sockets, steps, payloads, capture settings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A session is what a .sockbench file holds: socket specs (settings and
 * scripted steps, not live sockets), a payload library and the capture
 * settings. It loads and saves versioned JSON (docs/session-format.md).
 * Loading always makes a new SbSession, so a file that fails to load leaves
 * the open session as it was: the caller swaps only on success. Saving is
 * atomic (a temporary file renamed over the old one).
 *
 * ::changed is emitted for every change of the session or anything in it,
 * and SbSession:dirty says whether there are changes since the last load or
 * save.
 */
#pragma once

#include <gio/gio.h>
#include "sb-payload-entry.h"
#include "sb-socket-spec.h"

G_BEGIN_DECLS

#define SB_SESSION_ERROR (sb_session_error_quark ())
GQuark sb_session_error_quark (void);

/* Every error from reading a file names its line and column:
 * "line 3, column 14: …". */
typedef enum
{
  SB_SESSION_ERROR_SYNTAX,         /* not JSON (or truncated) */
  SB_SESSION_ERROR_TOO_LARGE,      /* larger than SB_SESSION_MAX_SIZE */
  SB_SESSION_ERROR_TOO_DEEP,       /* nested deeper than SB_SESSION_MAX_DEPTH */
  SB_SESSION_ERROR_NOT_A_SESSION,  /* JSON, but "format" is not "sockbench-session" */
  SB_SESSION_ERROR_VERSION,        /* a layout this Sockbench does not know */
  SB_SESSION_ERROR_INVALID,        /* a field of the wrong type or out of range */
} SbSessionError;

#define SB_SESSION_FORMAT     "sockbench-session"
#define SB_SESSION_VERSION    1
#define SB_SESSION_MAX_SIZE   (64 * 1024 * 1024)
#define SB_SESSION_MAX_DEPTH  64
#define SB_SESSION_MIME_TYPE  "application/x-sockbench-session"
#define SB_SESSION_EXTENSION  ".sockbench"

#define SB_TYPE_SESSION (sb_session_get_type ())
G_DECLARE_FINAL_TYPE (SbSession, sb_session, SB, SESSION, GObject)

SbSession    *sb_session_new              (void);

/* Loading: a new session, or NULL with an SB_SESSION_ERROR (or a GIO error
 * when the file cannot be read). */
SbSession    *sb_session_new_from_data    (const char    *data,
                                           gsize          length,
                                           GError       **error);
SbSession    *sb_session_new_from_file    (GFile         *file,
                                           GCancellable  *cancellable,
                                           GError       **error);
void          sb_session_load_async       (GFile         *file,
                                           GCancellable  *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer       user_data);
SbSession    *sb_session_load_finish      (GAsyncResult  *result,
                                           GError       **error);

/* Saving: the JSON text (UTF-8, ends with a newline); the same session
 * always gives the same bytes. */
char         *sb_session_to_data          (SbSession     *self,
                                           gsize         *length);
/* Atomic; on success the session's file is @file and it is no longer dirty. */
gboolean      sb_session_save             (SbSession     *self,
                                           GFile         *file,
                                           GCancellable  *cancellable,
                                           GError       **error);
void          sb_session_save_async       (SbSession     *self,
                                           GFile         *file,
                                           GCancellable  *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer       user_data);
gboolean      sb_session_save_finish      (SbSession     *self,
                                           GAsyncResult  *result,
                                           GError       **error);

/* The file it was loaded from or saved to (NULL for a new session);
 * relative paths of "file" sends are relative to its folder. */
GFile        *sb_session_get_file         (SbSession     *self);
void          sb_session_set_file         (SbSession     *self,
                                           GFile         *file);
gboolean      sb_session_get_dirty        (SbSession     *self);
/* Mark as saved (FALSE) or changed (TRUE). */
void          sb_session_set_dirty        (SbSession     *self,
                                           gboolean       dirty);

/* Properties: "description", "capture-interface", "capture-filter",
 * "capture-snaplen", "capture-promisc", "capture-immediate",
 * "capture-output", "dirty" (read-only), "file". */
const char   *sb_session_get_description  (SbSession     *self);
void          sb_session_set_description  (SbSession     *self,
                                           const char    *description);

/* Sockets: a GListModel of SbSocketSpec, in document order. */
GListModel   *sb_session_get_sockets      (SbSession     *self);
guint         sb_session_get_n_sockets    (SbSession     *self);
/* Borrowed. */
SbSocketSpec *sb_session_get_socket       (SbSession     *self,
                                           guint          index);
SbSocketSpec *sb_session_find_socket      (SbSession     *self,
                                           const char    *name);
void          sb_session_insert_socket    (SbSession     *self,
                                           guint          position,
                                           SbSocketSpec  *spec);
void          sb_session_append_socket    (SbSession     *self,
                                           SbSocketSpec  *spec);
void          sb_session_remove_socket    (SbSession     *self,
                                           guint          position);
void          sb_session_move_socket      (SbSession     *self,
                                           guint          from,
                                           guint          to);
/* A name no socket has yet: @base, or "@base 2", "@base 3"… */
char         *sb_session_dup_unique_socket_name (SbSession *self,
                                           const char    *base);

/* The payload library: a GListModel of SbPayloadEntry. */
GListModel   *sb_session_get_payloads     (SbSession     *self);
SbPayloadEntry *sb_session_find_payload   (SbSession     *self,
                                           const char    *name);
void          sb_session_append_payload   (SbSession     *self,
                                           SbPayloadEntry *entry);
void          sb_session_remove_payload   (SbSession     *self,
                                           guint          position);
/* The bytes of a library payload, or NULL with an error. */
GBytes       *sb_session_dup_payload_bytes (SbSession    *self,
                                           const char    *name,
                                           GError       **error);

/* Capture settings, kept for the capture pane. */
const char   *sb_session_get_capture_interface (SbSession *self);
void          sb_session_set_capture_interface (SbSession *self,
                                           const char    *iface);
const char   *sb_session_get_capture_filter (SbSession   *self);
void          sb_session_set_capture_filter (SbSession   *self,
                                           const char    *filter);
int           sb_session_get_capture_snaplen (SbSession  *self);
void          sb_session_set_capture_snaplen (SbSession  *self,
                                           int            snaplen);
gboolean      sb_session_get_capture_promisc (SbSession  *self);
void          sb_session_set_capture_promisc (SbSession  *self,
                                           gboolean       promisc);
gboolean      sb_session_get_capture_immediate (SbSession *self);
void          sb_session_set_capture_immediate (SbSession *self,
                                           gboolean       immediate);
const char   *sb_session_get_capture_output (SbSession   *self);
void          sb_session_set_capture_output (SbSession   *self,
                                           const char    *path);

G_END_DECLS
