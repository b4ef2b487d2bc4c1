/* sb-composer.h — write a payload as text or hex, and ask to send it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "sb-payload.h"
#include "sb-session.h"

G_BEGIN_DECLS

typedef enum
{
  SB_SEND_ONCE,   /* send(), or sendto() when a destination is shown */
  SB_SEND_ALL,    /* sendall() */
} SbSendMode;

#define SB_TYPE_COMPOSER (sb_composer_get_type ())
G_DECLARE_FINAL_TYPE (SbComposer, sb_composer, SB, COMPOSER, GtkWidget)

GtkWidget       *sb_composer_new             (void);
/* The payload, or NULL with an error naming the position. */
GBytes          *sb_composer_get_payload     (SbComposer      *self,
                                              GError         **error);
gboolean         sb_composer_is_valid        (SbComposer      *self);
const char      *sb_composer_get_error       (SbComposer      *self);
void             sb_composer_set_format      (SbComposer      *self,
                                              SbPayloadFormat  format);
SbPayloadFormat  sb_composer_get_format      (SbComposer      *self);
void             sb_composer_set_text        (SbComposer      *self,
                                              const char      *text);
/* Use @bytes as they are (a loaded file); the editor shows a summary. */
void             sb_composer_set_bytes       (SbComposer      *self,
                                              GBytes          *bytes,
                                              const char      *name);
void             sb_composer_set_show_destination (SbComposer *self,
                                              gboolean         show);
const char      *sb_composer_get_destination (SbComposer      *self);
void             sb_composer_set_destination (SbComposer      *self,
                                              const char      *destination);
void             sb_composer_set_show_icmp_template (SbComposer *self,
                                              gboolean         show);
void             sb_composer_set_can_send    (SbComposer      *self,
                                              gboolean         can_send,
                                              gboolean         can_send_all);
guint            sb_composer_get_repeat_count (SbComposer     *self);
double           sb_composer_get_rate        (SbComposer      *self);
void             sb_composer_add_history     (SbComposer      *self);
/* Saved payloads go to @session's payload library (saved with the
 * session); without one they live as long as the composer. */
void             sb_composer_set_library     (SbComposer      *self,
                                              SbSession       *session);
/* Save the current text as a payload, as the star button does. */
void             sb_composer_save_payload    (SbComposer      *self);
/* Ask for a send, as the Send button does. */
void             sb_composer_activate_send   (SbComposer      *self,
                                              SbSendMode       mode);

G_END_DECLS
