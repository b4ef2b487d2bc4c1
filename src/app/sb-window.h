/* sb-window.h — the main window: sockets on the left, the selected one on the right
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "sb-application.h"
#include "sb-socket.h"
#include "sb-session.h"
#include "sb-capture-pane.h"

G_BEGIN_DECLS

#define SB_TYPE_WINDOW (sb_window_get_type ())
G_DECLARE_FINAL_TYPE (SbWindow, sb_window, SB, WINDOW, AdwApplicationWindow)

SbWindow   *sb_window_new                (SbApplication *app);
/* The bench: top-level sockets (accepted connections hang under their listener). */
GListModel *sb_window_get_sockets        (SbWindow      *self);
SbSocket   *sb_window_add_socket         (SbWindow      *self,
                                          SbFamily       family,
                                          SbSocketType   type,
                                          int            protocol,
                                          GError       **error);
void        sb_window_select_socket      (SbWindow      *self,
                                          SbSocket      *socket);
SbSocket   *sb_window_get_selected_socket (SbWindow     *self);
/* The panel of @socket, made on first use. */
GtkWidget  *sb_window_get_panel          (SbWindow      *self,
                                          SbSocket      *socket);
/* The document. Opening replaces it only when the file loads. */
SbSession  *sb_window_get_session        (SbWindow      *self);
void        sb_window_open_file          (SbWindow      *self,
                                          GFile         *file);
void        sb_window_save_to            (SbWindow      *self,
                                          GFile         *file);
gboolean    sb_window_export_python      (SbWindow      *self,
                                          GFile         *file,
                                          GError       **error);
/* The Capture page. */
SbCapturePane *sb_window_get_capture_pane (SbWindow     *self);
/* The text of the last error shown as a toast, for tests. */
const char *sb_window_get_last_error     (SbWindow      *self);
/* The text of the last toast shown (errors, notices), or NULL. */
const char *sb_window_get_last_toast     (SbWindow      *self);

G_END_DECLS
