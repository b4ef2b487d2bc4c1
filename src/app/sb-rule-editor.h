/* sb-rule-editor.h — the fields of one auto-reply rule, checked as they are typed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "sb-reply-rule.h"

G_BEGIN_DECLS

#define SB_TYPE_RULE_EDITOR (sb_rule_editor_get_type ())
G_DECLARE_FINAL_TYPE (SbRuleEditor, sb_rule_editor, SB, RULE_EDITOR, AdwWindow)

/* Edits a copy of @rule (a rule of a spec, or a new one when @adding);
 * ::apply says the copy is valid and wanted. */
SbRuleEditor *sb_rule_editor_new        (GtkWindow    *parent,
                                         SbReplyRule  *rule,
                                         gboolean      adding);
/* The rule the editor was opened on. */
SbReplyRule  *sb_rule_editor_get_target (SbRuleEditor *self);
/* The copy the fields show and change; setting its properties updates the fields. */
SbReplyRule  *sb_rule_editor_get_rule   (SbRuleEditor *self);
gboolean      sb_rule_editor_is_valid   (SbRuleEditor *self);
/* Why the fields cannot be applied, or NULL. */
const char   *sb_rule_editor_get_error  (SbRuleEditor *self);
/* What the Add / Save button does: emit ::apply and close, when valid. */
gboolean      sb_rule_editor_apply      (SbRuleEditor *self);

G_END_DECLS
