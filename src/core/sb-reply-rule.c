/* sb-reply-rule.c — an auto-reply rule of a socket in a session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sb-props.h"
#include "sb-reply-rule.h"

struct _SbReplyRule
{
  GObject  parent_instance;

  int      match;
  char    *pattern;
  int      format;
  char    *reply;
};

G_DEFINE_FINAL_TYPE (SbReplyRule, sb_reply_rule, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MATCH,
  PROP_PATTERN,
  PROP_FORMAT,
  PROP_REPLY,
  N_PROPS
};

#define F(field) G_STRUCT_OFFSET (SbReplyRule, field)
static const SbPropInfo prop_table[N_PROPS - 1] = {
  { "match", SB_PROP_INT, F (match), 0, SB_N_MATCH_KINDS - 1, SB_MATCH_CONTAINS, NULL },
  { "pattern", SB_PROP_STRING, F (pattern), 0, 0, 0, "" },
  { "format", SB_PROP_INT, F (format), 0, SB_DATA_HEX, SB_DATA_TEXT, NULL },
  { "reply", SB_PROP_STRING, F (reply), 0, 0, 0, "" },
};
#undef F

static GParamSpec *properties[N_PROPS];

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
sb_reply_rule_finalize (GObject *object)
{
  sb_props_finalize (object, prop_table, N_PROPS - 1);
  G_OBJECT_CLASS (sb_reply_rule_parent_class)->finalize (object);
}

static void
sb_reply_rule_notify (GObject    *object,
                      GParamSpec *pspec)
{
  g_signal_emit (object, signals[CHANGED], 0);
}

static void
sb_reply_rule_class_init (SbReplyRuleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sb_reply_rule_finalize;
  object_class->get_property = sb_props_get_property;
  object_class->set_property = sb_props_set_property;
  object_class->notify = sb_reply_rule_notify;
  sb_props_install (object_class, prop_table, N_PROPS - 1, properties);

  /**
   * SbReplyRule::changed:
   *
   * A property of the rule changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sb_reply_rule_init (SbReplyRule *self)
{
  sb_props_init (self, prop_table, N_PROPS - 1);
}

SbReplyRule *
sb_reply_rule_new (SbMatchKind   match,
                   const char   *pattern,
                   SbDataFormat  format,
                   const char   *reply)
{
  g_return_val_if_fail (match < SB_N_MATCH_KINDS, NULL);
  g_return_val_if_fail (format == SB_DATA_TEXT || format == SB_DATA_HEX, NULL);
  return g_object_new (SB_TYPE_REPLY_RULE, "match", (int) match, "pattern", pattern,
                       "format", (int) format, "reply", reply, NULL);
}

SbMatchKind
sb_reply_rule_get_match (SbReplyRule *self)
{
  g_return_val_if_fail (SB_IS_REPLY_RULE (self), 0);
  return self->match;
}

void
sb_reply_rule_set_match (SbReplyRule *self,
                         SbMatchKind  match)
{
  g_return_if_fail (SB_IS_REPLY_RULE (self));
  g_object_set (self, "match", (int) match, NULL);
}

const char *
sb_reply_rule_get_pattern (SbReplyRule *self)
{
  g_return_val_if_fail (SB_IS_REPLY_RULE (self), NULL);
  return self->pattern;
}

void
sb_reply_rule_set_pattern (SbReplyRule *self,
                           const char  *pattern)
{
  g_return_if_fail (SB_IS_REPLY_RULE (self));
  g_object_set (self, "pattern", pattern, NULL);
}

SbDataFormat
sb_reply_rule_get_format (SbReplyRule *self)
{
  g_return_val_if_fail (SB_IS_REPLY_RULE (self), 0);
  return self->format;
}

void
sb_reply_rule_set_format (SbReplyRule *self,
                          SbDataFormat format)
{
  g_return_if_fail (SB_IS_REPLY_RULE (self));
  g_object_set (self, "format", (int) format, NULL);
}

const char *
sb_reply_rule_get_reply (SbReplyRule *self)
{
  g_return_val_if_fail (SB_IS_REPLY_RULE (self), NULL);
  return self->reply;
}

void
sb_reply_rule_set_reply (SbReplyRule *self,
                         const char  *reply)
{
  g_return_if_fail (SB_IS_REPLY_RULE (self));
  g_object_set (self, "reply", reply, NULL);
}
