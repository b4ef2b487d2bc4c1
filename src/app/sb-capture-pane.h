/* sb-capture-pane.h — the Capture page: live capture and capture files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A toolbar (interface, BPF filter checked as it is typed, options,
 * Start/Stop), the packet list over an SbPacketStore, and for the
 * selected packet its field tree and its bytes with the selected field
 * highlighted. Actions: capture.toggle, capture.start, capture.stop,
 * capture.open, capture.save-as, capture.clear, capture.dismiss.
 */
#pragma once

#include <gtk/gtk.h>

#include "sb-capture.h"
#include "sb-socket.h"
#include "sb-hex-view.h"

G_BEGIN_DECLS

#define SB_TYPE_CAPTURE_PANE (sb_capture_pane_get_type ())
G_DECLARE_FINAL_TYPE (SbCapturePane, sb_capture_pane, SB, CAPTURE_PANE, GtkWidget)

GtkWidget     *sb_capture_pane_new            (void);
SbCapture     *sb_capture_pane_get_capture    (SbCapturePane *self);
SbPacketStore *sb_capture_pane_get_store      (SbCapturePane *self);

/* Select interface @name in the dropdown; FALSE if libpcap does not list it. */
gboolean       sb_capture_pane_set_interface  (SbCapturePane *self,
                                               const char    *name);
const char    *sb_capture_pane_get_interface  (SbCapturePane *self);
void           sb_capture_pane_set_filter     (SbCapturePane *self,
                                               const char    *filter);
const char    *sb_capture_pane_get_filter     (SbCapturePane *self);
/* pcap's message about the filter as typed, or NULL when it compiles. */
const char    *sb_capture_pane_get_filter_error (SbCapturePane *self);

/* What Start and Stop do. A failure to start is also shown in the pane. */
gboolean       sb_capture_pane_start          (SbCapturePane *self,
                                               GError       **error);
void           sb_capture_pane_stop           (SbCapturePane *self);
/* Read a pcap/pcapng file into the list (replacing it once the file
 * opens); a file that does not open is also reported in a dialog and
 * leaves the list as it was. */
gboolean       sb_capture_pane_open_file      (SbCapturePane *self,
                                               GFile         *file,
                                               GError       **error);
gboolean       sb_capture_pane_save           (SbCapturePane *self,
                                               GFile         *file,
                                               GError       **error);

/* Set the filter (and interface, for loopback) to the packets of @socket;
 * FALSE when it has no endpoint to follow yet. */
gboolean       sb_capture_pane_follow_socket  (SbCapturePane *self,
                                               SbSocket      *socket);

/* The details of a packet, for tests. */
void           sb_capture_pane_select_packet  (SbCapturePane *self,
                                               guint          index);
/* The field tree's rows (GtkTreeListRow of SbFieldItem). */
GListModel    *sb_capture_pane_get_fields     (SbCapturePane *self);
/* Expand down to and select the first field named @name; FALSE if none. */
gboolean       sb_capture_pane_select_field   (SbCapturePane *self,
                                               const char    *name);
SbHexView         *sb_capture_pane_get_bytes_view (SbCapturePane *self);
const char    *sb_capture_pane_get_counters_text (SbCapturePane *self);
/* The message shown in the pane's banner, or NULL when hidden. */
const char    *sb_capture_pane_get_banner_text (SbCapturePane *self);

G_END_DECLS
