/* sb-rule-editor.c — the fields of one auto-reply rule, checked as they are typed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * As in the step editor, the fields are bound to a copy of the rule, so
 * that Cancel leaves the document alone and a test can fill them in
 * through the copy.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sb-match.h"
#include "sb-rule-editor.h"

struct _SbRuleEditor
{
  AdwWindow        parent_instance;

  AdwWindowTitle  *window_title;
  GtkWidget       *apply_button;
  AdwComboRow     *match_row;
  AdwEntryRow     *pattern_row;
  AdwComboRow     *format_row;
  AdwEntryRow     *reply_row;
  GtkLabel        *error_label;

  SbReplyRule     *target;
  SbReplyRule     *rule;        /* the copy the fields edit */
  char            *error;
};

G_DEFINE_FINAL_TYPE (SbRuleEditor, sb_rule_editor, ADW_TYPE_WINDOW)

enum { APPLY, N_SIGNALS };
static guint signals[N_SIGNALS];

/* ---- checking ----------------------------------------------------------------- */

static void
validate (SbRuleEditor *self)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *bad = NULL;

  if (self->rule == NULL)
    return;

  if (!sb_pattern_check (sb_reply_rule_get_match (self->rule),
                         sb_reply_rule_get_pattern (self->rule), &error))
    bad = GTK_WIDGET (self->pattern_row);
  else if (*sb_reply_rule_get_reply (self->rule) == '\0')
    {
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Nothing to reply: write the reply"));
      bad = GTK_WIDGET (self->reply_row);
    }
  else if (!sb_template_check (sb_reply_rule_get_format (self->rule),
                               sb_reply_rule_get_reply (self->rule), &error))
    bad = GTK_WIDGET (self->reply_row);

  gtk_widget_remove_css_class (GTK_WIDGET (self->pattern_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->reply_row), "error");
  if (bad != NULL)
    gtk_widget_add_css_class (bad, "error");

  g_clear_pointer (&self->error, g_free);
  if (error != NULL)
    self->error = g_strdup (error->message);
  gtk_label_set_label (self->error_label, self->error != NULL ? self->error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), self->error != NULL);
  gtk_widget_set_sensitive (self->apply_button, self->error == NULL);
}

/* ---- applying ------------------------------------------------------------------- */

gboolean
sb_rule_editor_apply (SbRuleEditor *self)
{
  g_return_val_if_fail (SB_IS_RULE_EDITOR (self), FALSE);

  validate (self);
  if (self->error != NULL)
    return FALSE;
  g_signal_emit (self, signals[APPLY], 0);
  gtk_window_close (GTK_WINDOW (self));
  return TRUE;
}

static void
apply_clicked_cb (SbRuleEditor *self)
{
  sb_rule_editor_apply (self);
}

/* ---- object ---------------------------------------------------------------------- */

static void
sb_rule_editor_dispose (GObject *object)
{
  SbRuleEditor *self = SB_RULE_EDITOR (object);

  if (self->rule != NULL)
    g_signal_handlers_disconnect_by_data (self->rule, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_RULE_EDITOR);
  g_clear_object (&self->rule);
  g_clear_object (&self->target);
  G_OBJECT_CLASS (sb_rule_editor_parent_class)->dispose (object);
}

static void
sb_rule_editor_finalize (GObject *object)
{
  SbRuleEditor *self = SB_RULE_EDITOR (object);

  g_free (self->error);
  G_OBJECT_CLASS (sb_rule_editor_parent_class)->finalize (object);
}

static void
sb_rule_editor_class_init (SbRuleEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_rule_editor_dispose;
  object_class->finalize = sb_rule_editor_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sockbench/Sockbench/sb-rule-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, SbRuleEditor, window_title);
  gtk_widget_class_bind_template_child (widget_class, SbRuleEditor, apply_button);
  gtk_widget_class_bind_template_child (widget_class, SbRuleEditor, match_row);
  gtk_widget_class_bind_template_child (widget_class, SbRuleEditor, pattern_row);
  gtk_widget_class_bind_template_child (widget_class, SbRuleEditor, format_row);
  gtk_widget_class_bind_template_child (widget_class, SbRuleEditor, reply_row);
  gtk_widget_class_bind_template_child (widget_class, SbRuleEditor, error_label);
  gtk_widget_class_bind_template_callback (widget_class, apply_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  /**
   * SbRuleEditor::apply:
   *
   * The user added or saved the rule: sb_rule_editor_get_rule() holds
   * the fields, all valid. The editor closes after this.
   */
  signals[APPLY] = g_signal_new ("apply", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sb_rule_editor_init (SbRuleEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_window_set_default_widget (GTK_WINDOW (self), self->apply_button);
}

SbRuleEditor *
sb_rule_editor_new (GtkWindow   *parent,
                    SbReplyRule *rule,
                    gboolean     adding)
{
  SbRuleEditor *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SB_IS_REPLY_RULE (rule), NULL);

  self = g_object_new (SB_TYPE_RULE_EDITOR, "transient-for", parent, NULL);
  self->target = g_object_ref (rule);
  self->rule = sb_reply_rule_new (sb_reply_rule_get_match (rule), sb_reply_rule_get_pattern (rule),
                                  sb_reply_rule_get_format (rule), sb_reply_rule_get_reply (rule));

  gtk_window_set_title (GTK_WINDOW (self), adding ? _("Add Auto-Reply") : _("Edit Auto-Reply"));
  adw_window_title_set_title (self->window_title, adding ? _("Add Auto-Reply") : _("Edit Auto-Reply"));
  gtk_button_set_label (GTK_BUTTON (self->apply_button), adding ? _("_Add") : _("_Save"));

  g_object_bind_property (self->rule, "pattern", self->pattern_row, "text",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->rule, "reply", self->reply_row, "text",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  /* the lists are in the order of the enums */
  g_object_bind_property (self->rule, "match", self->match_row, "selected",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->rule, "format", self->format_row, "selected",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->rule, "changed", G_CALLBACK (validate), self, G_CONNECT_SWAPPED);
  validate (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->pattern_row));
  return self;
}

SbReplyRule *
sb_rule_editor_get_target (SbRuleEditor *self)
{
  g_return_val_if_fail (SB_IS_RULE_EDITOR (self), NULL);
  return self->target;
}

SbReplyRule *
sb_rule_editor_get_rule (SbRuleEditor *self)
{
  g_return_val_if_fail (SB_IS_RULE_EDITOR (self), NULL);
  return self->rule;
}

gboolean
sb_rule_editor_is_valid (SbRuleEditor *self)
{
  g_return_val_if_fail (SB_IS_RULE_EDITOR (self), FALSE);
  return self->error == NULL;
}

const char *
sb_rule_editor_get_error (SbRuleEditor *self)
{
  g_return_val_if_fail (SB_IS_RULE_EDITOR (self), NULL);
  return self->error;
}
