/* sb-socket-panel.h — everything about one socket: steps, settings, data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "sb-socket.h"
#include "sb-composer.h"
#include "sb-transcript-view.h"
#include "sb-steps-view.h"
#include "sb-session.h"
#include "sb-socket-spec.h"

G_BEGIN_DECLS

#define SB_TYPE_SOCKET_PANEL (sb_socket_panel_get_type ())
G_DECLARE_FINAL_TYPE (SbSocketPanel, sb_socket_panel, SB, SOCKET_PANEL, GtkWidget)

GtkWidget        *sb_socket_panel_new          (SbSocket      *socket);
/* Fill in sensible addresses for a starting point of the New Socket dialog. */
void              sb_socket_panel_apply_preset (SbSocketPanel *self,
                                                const char    *preset);
/* Send the composer's payload once (Ctrl+Return). */
void              sb_socket_panel_send         (SbSocketPanel *self);
void              sb_socket_panel_set_hex      (SbSocketPanel *self,
                                                gboolean       hex);
void              sb_socket_panel_set_bind_address   (SbSocketPanel *self,
                                                      const char    *host,
                                                      guint          port);
void              sb_socket_panel_set_remote_address (SbSocketPanel *self,
                                                      const char    *host,
                                                      guint          port);
void              sb_socket_panel_set_timeout  (SbSocketPanel *self,
                                                int            timeout_ms);
/* Show the stream view (the whole conversation) instead of the table. */
void              sb_socket_panel_show_stream  (SbSocketPanel *self,
                                                gboolean       stream);
/* The document side of the socket: the panel shows the spec's settings
 * and writes what the user edits back into it (and marks @session dirty). */
void              sb_socket_panel_set_spec     (SbSocketPanel *self,
                                                SbSocketSpec  *spec,
                                                SbSession     *session);
SbSocketSpec     *sb_socket_panel_get_spec     (SbSocketPanel *self);
SbComposer       *sb_socket_panel_get_composer (SbSocketPanel *self);
SbTranscriptView *sb_socket_panel_get_transcript_view (SbSocketPanel *self);
/* The Steps page (shown only for a socket that has a spec). */
SbStepsView      *sb_socket_panel_get_steps_view (SbSocketPanel *self);
/* The flap that holds the settings column (folded: an overlay the
 * sidebar-toggle button reveals). */
AdwFlap          *sb_socket_panel_get_flap     (SbSocketPanel *self);
/* The last line of the status bar ("send(): the kernel took 5 of 5 bytes"). */
const char       *sb_socket_panel_get_status   (SbSocketPanel *self);

const char       *sb_socket_panel_get_stream_note (SbSocketPanel *self);

G_END_DECLS
