/* sb-new-socket-dialog.h — choose family, type and protocol
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "sb-socket.h"

G_BEGIN_DECLS

#define SB_TYPE_NEW_SOCKET_DIALOG (sb_new_socket_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SbNewSocketDialog, sb_new_socket_dialog, SB, NEW_SOCKET_DIALOG, AdwWindow)

SbNewSocketDialog *sb_new_socket_dialog_new          (GtkWindow *parent);
SbFamily     sb_new_socket_dialog_get_family         (SbNewSocketDialog *self);
SbSocketType sb_new_socket_dialog_get_socket_type    (SbNewSocketDialog *self);
int          sb_new_socket_dialog_get_protocol       (SbNewSocketDialog *self);
/* The chosen starting point ("tcp-client", …), or "custom". */
const char  *sb_new_socket_dialog_get_preset         (SbNewSocketDialog *self);
void         sb_new_socket_dialog_select_preset      (SbNewSocketDialog *self,
                                                      const char        *preset);
/* Show why creating the socket failed, keeping the dialog open. */
void         sb_new_socket_dialog_show_error         (SbNewSocketDialog *self,
                                                      const char        *message);
gboolean     sb_new_socket_dialog_preset_lookup      (const char        *preset,
                                                      SbFamily          *family,
                                                      SbSocketType      *type,
                                                      int               *protocol);

G_END_DECLS
