/* sb-reply-rule.h — an auto-reply rule of a socket in a session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * When the bytes a socket received match the rule, the script sends the
 * reply; ${1} and ${name} in the reply stand for the match's capture groups.
 */
#pragma once

#include <glib-object.h>
#include "sb-step.h"

G_BEGIN_DECLS

#define SB_TYPE_REPLY_RULE (sb_reply_rule_get_type ())
G_DECLARE_FINAL_TYPE (SbReplyRule, sb_reply_rule, SB, REPLY_RULE, GObject)

/* Properties: "match", "pattern", "format" (text or hex only), "reply". */
SbReplyRule  *sb_reply_rule_new         (SbMatchKind   match,
                                         const char   *pattern,
                                         SbDataFormat  format,
                                         const char   *reply);
SbMatchKind   sb_reply_rule_get_match   (SbReplyRule  *self);
void          sb_reply_rule_set_match   (SbReplyRule  *self,
                                         SbMatchKind   match);
const char   *sb_reply_rule_get_pattern (SbReplyRule  *self);
void          sb_reply_rule_set_pattern (SbReplyRule  *self,
                                         const char   *pattern);
SbDataFormat  sb_reply_rule_get_format  (SbReplyRule  *self);
void          sb_reply_rule_set_format  (SbReplyRule  *self,
                                         SbDataFormat  format);
const char   *sb_reply_rule_get_reply   (SbReplyRule  *self);
void          sb_reply_rule_set_reply   (SbReplyRule  *self,
                                         const char   *reply);

G_END_DECLS
