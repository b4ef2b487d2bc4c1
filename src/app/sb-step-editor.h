/* sb-step-editor.h — the fields of one scripted step, checked as they are typed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "sb-session.h"
#include "sb-socket-spec.h"
#include "sb-step.h"

G_BEGIN_DECLS

#define SB_TYPE_STEP_EDITOR (sb_step_editor_get_type ())
G_DECLARE_FINAL_TYPE (SbStepEditor, sb_step_editor, SB, STEP_EDITOR, AdwWindow)

/* Edits a copy of @step (a step of @spec, or a new one when @adding);
 * ::apply says the copy is valid and wanted. @session (may be NULL) gives
 * the other sockets' names for "port from" and the payload library. */
SbStepEditor *sb_step_editor_new        (GtkWindow     *parent,
                                         SbSocketSpec  *spec,
                                         SbSession     *session,
                                         SbStep        *step,
                                         gboolean       adding);
/* The step the editor was opened on. */
SbStep       *sb_step_editor_get_target (SbStepEditor  *self);
/* The copy the fields show and change; setting its properties updates the fields. */
SbStep       *sb_step_editor_get_step   (SbStepEditor  *self);
gboolean      sb_step_editor_is_valid   (SbStepEditor  *self);
/* Why the fields cannot be applied, or NULL. */
const char   *sb_step_editor_get_error  (SbStepEditor  *self);
/* What the Add / Save button does: emit ::apply and close, when valid. */
gboolean      sb_step_editor_apply      (SbStepEditor  *self);

G_END_DECLS
