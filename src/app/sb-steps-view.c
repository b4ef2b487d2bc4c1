/* sb-steps-view.c — a socket's scripted steps: edit them, run them, see each outcome
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The list shows the spec's steps; a run is an SbScript made for the spec
 * as it is when Run All or Step is pressed. Editing is off while a script
 * is under way, and an edit after it ended drops it, so that the statuses
 * on screen always belong to the steps on screen.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sb-rule-editor.h"
#include "sb-step-editor.h"
#include "sb-steps-view.h"

struct _SbStepsView
{
  GtkWidget     parent_instance;

  GtkWidget    *add_button;
  GtkLabel     *summary_label;
  GtkStack     *content_stack;
  GtkListBox   *steps_list;
  GtkListBox   *rules_list;

  SbSocketSpec *spec;
  SbSession    *session;
  SbSocket     *bench_socket;
  SbScript     *script;
  gboolean      busy;         /* a run or a step of the script is pending */
  gboolean      announced;    /* ::script-socket was emitted for the script */
  SbStepEditor *editor;       /* weak */
  SbRuleEditor *rule_editor;  /* weak */
};

G_DEFINE_FINAL_TYPE (SbStepsView, sb_steps_view, GTK_TYPE_WIDGET)

enum { SCRIPT_SOCKET, N_SIGNALS };
static guint signals[N_SIGNALS];

/* Every steps view, for "port from": a connect step of one socket takes
 * the port another socket's script (or bench socket) is bound to. */
static GList *all_views;

static void update_controls (SbStepsView *self);

/* ---- port lookup ------------------------------------------------------------------ */

static gboolean
lookup_port (const char *name,
             guint      *port,
             GError    **error,
             gpointer    user_data)
{
  SbSession *session = user_data;

  for (GList *l = all_views; l != NULL; l = l->next)
    {
      SbStepsView *view = l->data;

      if (view->session != session || view->spec == NULL
          || !g_str_equal (sb_socket_spec_get_name (view->spec), name))
        continue;
      if (view->script != NULL && sb_script_get_socket (view->script) != NULL
          && sb_socket_get_local_port (sb_script_get_socket (view->script)) != 0)
        {
          *port = sb_socket_get_local_port (sb_script_get_socket (view->script));
          return TRUE;
        }
      if (view->bench_socket != NULL && sb_socket_get_local_port (view->bench_socket) != 0)
        {
          *port = sb_socket_get_local_port (view->bench_socket);
          return TRUE;
        }
      g_set_error (error, SB_SCRIPT_ERROR, SB_SCRIPT_ERROR_INVALID,
                   _("The socket “%s” has no port yet: run its steps up to its bind (or bind it) first"),
                   name);
      return FALSE;
    }
  g_set_error (error, SB_SCRIPT_ERROR, SB_SCRIPT_ERROR_INVALID,
               _("There is no socket “%s” in this session: choose another in the step’s Port From"),
               name);
  return FALSE;
}

/* ---- rows ---------------------------------------------------------------------------- */

static char *
format_duration (gint64 us)
{
  if (us < 10 * 1000)
    return g_strdup_printf (_("%.1f ms"), us / 1000.0);
  if (us < 10 * G_USEC_PER_SEC)
    return g_strdup_printf (_("%d ms"), (int) (us / 1000));
  return g_strdup_printf (_("%.1f s"), us / (double) G_USEC_PER_SEC);
}

static gboolean
in_progress (SbStepsView *self)
{
  return self->script != NULL && !sb_script_is_finished (self->script);
}

static SbStepStatus
status_of (SbStepsView *self,
           guint        index)
{
  if (self->script == NULL || index >= sb_script_get_n_steps (self->script))
    return SB_STEP_PENDING;
  return sb_script_get_step_status (self->script, index);
}

static void
update_row (SbStepsView   *self,
            GtkListBoxRow *row)
{
  static const char *classes[] = { "pending", "running", "passed", "failed", "skipped" };
  int index = gtk_list_box_row_get_index (row);
  SbStep *step = g_object_get_data (G_OBJECT (row), "step");
  GtkLabel *number = g_object_get_data (G_OBJECT (row), "number");
  GtkStack *status_stack = g_object_get_data (G_OBJECT (row), "status-stack");
  GtkImage *icon = g_object_get_data (G_OBJECT (row), "icon");
  GtkSpinner *spinner = g_object_get_data (G_OBJECT (row), "spinner");
  GtkWidget *up = g_object_get_data (G_OBJECT (row), "up");
  GtkWidget *down = g_object_get_data (G_OBJECT (row), "down");
  GtkWidget *remove = g_object_get_data (G_OBJECT (row), "remove");
  guint n = self->spec != NULL ? sb_socket_spec_get_n_steps (self->spec) : 0;
  gboolean editable = !in_progress (self);
  SbStepStatus status;
  const char *detail = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *num = NULL;
  const char *icon_name = "radio-symbolic";
  const char *tooltip = NULL;

  if (index < 0 || step == NULL || self->spec == NULL)
    return;
  status = status_of (self, index);
  if (self->script != NULL && (guint) index < sb_script_get_n_steps (self->script))
    detail = sb_script_get_step_detail (self->script, index);

  summary = sb_socket_spec_dup_step_summary (self->spec, step);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), summary);
  /* a failure's reason says how long it waited */
  if (detail != NULL && status == SB_STEP_PASSED
      && sb_script_get_step_duration (self->script, index) > 0)
    {
      g_autofree char *took = format_duration (sb_script_get_step_duration (self->script, index));
      subtitle = g_strdup_printf ("%s · %s", detail, took);
    }
  else
    subtitle = g_strdup (detail != NULL ? detail : "");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  num = g_strdup_printf ("%d", index + 1);
  gtk_label_set_label (number, num);

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (row), classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (row), classes[status]);
  gtk_widget_remove_css_class (GTK_WIDGET (icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (icon), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (icon), "dim-label");
  switch (status)
    {
    case SB_STEP_RUNNING:
      tooltip = _("Running");
      break;
    case SB_STEP_PASSED:
      icon_name = "emblem-ok-symbolic";
      tooltip = _("Passed");
      gtk_widget_add_css_class (GTK_WIDGET (icon), "success");
      break;
    case SB_STEP_FAILED:
      icon_name = "dialog-error-symbolic";
      tooltip = _("Failed");
      gtk_widget_add_css_class (GTK_WIDGET (icon), "error");
      break;
    case SB_STEP_SKIPPED:
      icon_name = "media-skip-forward-symbolic";
      tooltip = _("Skipped");
      gtk_widget_add_css_class (GTK_WIDGET (icon), "dim-label");
      break;
    case SB_STEP_PENDING:
    default:
      tooltip = _("Pending");
      gtk_widget_add_css_class (GTK_WIDGET (icon), "dim-label");
      break;
    }
  gtk_image_set_from_icon_name (icon, icon_name);
  gtk_widget_set_tooltip_text (GTK_WIDGET (status_stack), tooltip);
  gtk_stack_set_visible_child_name (status_stack, status == SB_STEP_RUNNING ? "spinner" : "icon");
  gtk_spinner_set_spinning (spinner, status == SB_STEP_RUNNING);

  gtk_widget_set_sensitive (up, editable && index > 0);
  gtk_widget_set_sensitive (down, editable && (guint) index + 1 < n);
  gtk_widget_set_sensitive (remove, editable);
}

static void
update_rows (SbStepsView *self)
{
  for (int i = 0;; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->steps_list, i);

      if (row == NULL)
        break;
      update_row (self, row);
    }
}

/* The row's index is looked up when clicked: rows after an inserted or
 * removed one keep their widgets but not their index. */
static void
row_button_clicked_cb (GtkButton   *button,
                       SbStepsView *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_LIST_BOX_ROW);

  if (row != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), g_object_get_data (G_OBJECT (button), "action"),
                                "u", (guint32) gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row)));
}

static GtkWidget *
row_button (SbStepsView *self,
            const char  *icon_name,
            const char  *action,
            const char  *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_add_css_class (button, "flat");
  /* not an actionable: its sensitivity also depends on where the row is */
  g_object_set_data (G_OBJECT (button), "action", (gpointer) action);
  g_signal_connect_object (button, "clicked", G_CALLBACK (row_button_clicked_cb), self, 0);
  return button;
}

/* Rows come and go with the model: they are built here rather than in a template. */
static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  SbStepsView *self = user_data;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *number = gtk_label_new (NULL);
  GtkWidget *status_stack = gtk_stack_new ();
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *spinner = gtk_spinner_new ();
  GtkWidget *up = row_button (self, "go-up-symbolic", "steps.move-up", _("Move Up"));
  GtkWidget *down = row_button (self, "go-down-symbolic", "steps.move-down", _("Move Down"));
  GtkWidget *remove = row_button (self, "user-trash-symbolic", "steps.remove", _("Remove"));

  /* summaries quote the user's data: no markup */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 2);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_widget_set_tooltip_text (row, _("Activate to edit the step"));
  gtk_widget_add_css_class (row, "step-row");

  gtk_label_set_width_chars (GTK_LABEL (number), 2);
  gtk_label_set_xalign (GTK_LABEL (number), 1);
  gtk_widget_add_css_class (number, "numeric");
  gtk_widget_add_css_class (number, "dim-label");
  gtk_widget_add_css_class (number, "caption");
  gtk_stack_add_named (GTK_STACK (status_stack), icon, "icon");
  gtk_stack_add_named (GTK_STACK (status_stack), spinner, "spinner");
  gtk_widget_set_valign (status_stack, GTK_ALIGN_CENTER);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), number);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), status_stack);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), up);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), down);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);

  g_object_set_data_full (G_OBJECT (row), "step", g_object_ref (item), g_object_unref);
  g_object_set_data (G_OBJECT (row), "number", number);
  g_object_set_data (G_OBJECT (row), "status-stack", status_stack);
  g_object_set_data (G_OBJECT (row), "icon", icon);
  g_object_set_data (G_OBJECT (row), "spinner", spinner);
  g_object_set_data (G_OBJECT (row), "up", up);
  g_object_set_data (G_OBJECT (row), "down", down);
  g_object_set_data (G_OBJECT (row), "remove", remove);
  return row;
}

/* ---- auto-reply rows ------------------------------------------------------------ */

/* "when regex “^PING (\d+)” → send “PONG ${1}”" */
static char *
rule_summary (SbReplyRule *rule)
{
  const char *kind;

  switch (sb_reply_rule_get_match (rule))
    {
    case SB_MATCH_EXACT: kind = _("exactly"); break;
    case SB_MATCH_CONTAINS: kind = _("contains"); break;
    case SB_MATCH_REGEX: kind = _("regex"); break;
    case SB_MATCH_HEX: kind = _("hex"); break;
    case SB_N_MATCH_KINDS:
    default: kind = ""; break;
    }
  if (sb_reply_rule_get_format (rule) == SB_DATA_HEX)
    return g_strdup_printf (_("when %s “%s” → send hex %s"), kind,
                            sb_reply_rule_get_pattern (rule), sb_reply_rule_get_reply (rule));
  return g_strdup_printf (_("when %s “%s” → send “%s”"), kind,
                          sb_reply_rule_get_pattern (rule), sb_reply_rule_get_reply (rule));
}

static void
update_rule_rows (SbStepsView *self)
{
  gboolean editable = !in_progress (self);

  for (int i = 0;; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->rules_list, i);
      SbReplyRule *rule;
      g_autofree char *summary = NULL;

      if (row == NULL)
        break;
      rule = g_object_get_data (G_OBJECT (row), "rule");
      summary = rule_summary (rule);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), summary);
      gtk_widget_set_sensitive (g_object_get_data (G_OBJECT (row), "remove"), editable);
    }
}

static GtkWidget *
create_rule_row_cb (gpointer item,
                    gpointer user_data)
{
  SbStepsView *self = user_data;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *remove = row_button (self, "user-trash-symbolic", "steps.remove-rule", _("Remove"));
  g_autofree char *summary = rule_summary (item);

  /* summaries quote the user's data: no markup */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), summary);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 2);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_widget_set_tooltip_text (row, _("Activate to edit the auto-reply"));
  gtk_widget_add_css_class (row, "rule-row");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
  g_object_set_data_full (G_OBJECT (row), "rule", g_object_ref (item), g_object_unref);
  g_object_set_data (G_OBJECT (row), "remove", remove);
  return row;
}

/* ---- summary and buttons -------------------------------------------------------- */

static void
update_summary (SbStepsView *self)
{
  g_autofree char *text = NULL;
  gboolean failed = FALSE;
  guint n = self->spec != NULL ? sb_socket_spec_get_n_steps (self->spec) : 0;

  if (n == 0)
    text = g_strdup ("");
  else if (self->script == NULL)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u step, not run", "%u steps, not run", n), n);
  else
    {
      guint total = sb_script_get_n_steps (self->script);
      guint next = sb_script_get_next_step (self->script);
      const GError *error = sb_script_get_error (self->script);

      if (!sb_script_is_finished (self->script))
        text = self->busy ? g_strdup_printf (_("Running step %u of %u…"), MIN (next + 1, total), total)
                          : g_strdup_printf (_("Paused before step %u of %u"), next + 1, total);
      else if (error == NULL)
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u step passed", "All %u steps passed",
                                             total), total);
      else if (g_error_matches (error, SB_SCRIPT_ERROR, SB_SCRIPT_ERROR_STOPPED))
        text = g_strdup_printf (_("Stopped: %s"), error->message);
      else
        {
          for (guint i = 0; i < total; i++)
            if (sb_script_get_step_status (self->script, i) == SB_STEP_FAILED)
              {
                text = g_strdup_printf (_("Step %u failed: %s"), i + 1, error->message);
                break;
              }
          if (text == NULL)
            text = g_strdup_printf (_("Failed: %s"), error->message);
          failed = TRUE;
        }
    }
  gtk_label_set_label (self->summary_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->summary_label), *text != '\0' ? text : NULL);
  if (failed)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->summary_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->summary_label), "error");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->summary_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->summary_label), "dim-label");
    }
}

static void
update_controls (SbStepsView *self)
{
  gboolean has_steps = self->spec != NULL && sb_socket_spec_get_n_steps (self->spec) > 0;
  gboolean has_rules = self->spec != NULL
                       && g_list_model_get_n_items (sb_socket_spec_get_reply_rules (self->spec)) > 0;
  gboolean editable = self->spec != NULL && !in_progress (self);
  GtkWidget *widget = GTK_WIDGET (self);

  gtk_widget_action_set_enabled (widget, "steps.run", has_steps && !self->busy);
  gtk_widget_action_set_enabled (widget, "steps.step", has_steps && !self->busy);
  gtk_widget_action_set_enabled (widget, "steps.stop", in_progress (self));
  gtk_widget_action_set_enabled (widget, "steps.reset", self->script != NULL);
  gtk_widget_action_set_enabled (widget, "steps.add", editable);
  gtk_widget_set_sensitive (self->add_button, editable);
  gtk_widget_action_set_enabled (widget, "steps.edit", editable);
  gtk_widget_action_set_enabled (widget, "steps.remove", editable);
  gtk_widget_action_set_enabled (widget, "steps.move-up", editable);
  gtk_widget_action_set_enabled (widget, "steps.move-down", editable);
  /* the same rule as steps: auto-replies are fixed while a script is under way */
  gtk_widget_action_set_enabled (widget, "steps.add-rule", editable);
  gtk_widget_action_set_enabled (widget, "steps.edit-rule", editable);
  gtk_widget_action_set_enabled (widget, "steps.remove-rule", editable);
  gtk_widget_set_visible (GTK_WIDGET (self->steps_list), has_steps);
  gtk_stack_set_visible_child_name (self->content_stack, has_steps || has_rules ? "list" : "empty");
  update_rule_rows (self);
  update_summary (self);
}

/* ---- the script ------------------------------------------------------------------ */

static void
step_changed_cb (SbScript    *script,
                 guint        index,
                 SbStepsView *self)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->steps_list, index);

  if (row != NULL)
    update_row (self, row);
  update_summary (self);
  /* the script makes its socket when it runs its first step: show it on the bench */
  if (!self->announced && sb_script_get_socket (script) != NULL)
    {
      self->announced = TRUE;
      g_signal_emit (self, signals[SCRIPT_SOCKET], 0, sb_script_get_socket (script));
    }
}

static void
finished_cb (SbScript    *script,
             SbStepsView *self)
{
  /* editing is possible again */
  update_rows (self);
  update_controls (self);
}

static void
ensure_script (SbStepsView *self)
{
  if (self->script != NULL)
    return;
  self->script = sb_script_new (self->spec, self->session);
  if (self->session != NULL)
    sb_script_set_port_lookup (self->script, lookup_port, g_object_ref (self->session), g_object_unref);
  else
    sb_script_set_port_lookup (self->script, lookup_port, NULL, NULL);
  g_signal_connect_object (self->script, "step-changed", G_CALLBACK (step_changed_cb), self, 0);
  g_signal_connect_object (self->script, "finished", G_CALLBACK (finished_cb), self, 0);
}

static void
drop_script (SbStepsView *self)
{
  g_autoptr(SbScript) script = g_steal_pointer (&self->script);

  if (script == NULL)
    return;
  g_signal_handlers_disconnect_by_data (script, self);
  self->busy = FALSE;
  self->announced = FALSE;
  /* a pending step holds a reference to its script: stop it before letting go */
  sb_script_stop (script, _("reset"));
  sb_script_close (script);
}

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GWeakRef *ref = user_data;
  g_autoptr(SbStepsView) self = g_weak_ref_get (ref);
  g_autoptr(GError) error = NULL;

  g_weak_ref_clear (ref);
  g_free (ref);
  /* the rows show what happened; the error itself is not needed here */
  if (g_async_result_is_tagged (result, sb_script_run_async))
    sb_script_run_finish (SB_SCRIPT (object), result, &error);
  else
    sb_script_step_finish (SB_SCRIPT (object), result, &error);
  if (self == NULL || self->script != SB_SCRIPT (object)
      || g_error_matches (error, SB_SCRIPT_ERROR, SB_SCRIPT_ERROR_BUSY))
    return;
  self->busy = FALSE;
  update_controls (self);
}

/* Not a strong reference: the view may go while a step waits forever. */
static gpointer
weak_ref_new (SbStepsView *self)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, self);
  return ref;
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  SbStepsView *self = SB_STEPS_VIEW (widget);
  gboolean single = g_str_equal (action_name, "steps.step");

  if (self->spec == NULL || self->busy)
    return;
  /* after a finished run, start again from the first step */
  if (self->script != NULL && sb_script_is_finished (self->script))
    drop_script (self);
  ensure_script (self);
  update_rows (self);
  self->busy = TRUE;
  update_controls (self);
  if (single)
    sb_script_step_async (self->script, NULL, done_cb, weak_ref_new (self));
  else
    sb_script_run_async (self->script, NULL, done_cb, weak_ref_new (self));
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SbStepsView *self = SB_STEPS_VIEW (widget);

  if (self->script != NULL)
    sb_script_stop (self->script, _("stopped by the user"));
  update_controls (self);
}

static void
reset_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SbStepsView *self = SB_STEPS_VIEW (widget);

  drop_script (self);
  update_rows (self);
  update_controls (self);
}

/* ---- editing ----------------------------------------------------------------------- */

/* An edit makes the statuses of a finished run meaningless: drop it. */
static void
before_edit (SbStepsView *self)
{
  if (self->script != NULL)
    {
      drop_script (self);
      update_rows (self);
    }
}

static void
copy_fields (SbStep *from,
             SbStep *to)
{
  guint n;
  g_autofree GParamSpec **pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (from), &n);

  g_object_freeze_notify (G_OBJECT (to));
  for (guint i = 0; i < n; i++)
    {
      g_auto(GValue) value = G_VALUE_INIT;

      g_value_init (&value, pspecs[i]->value_type);
      g_object_get_property (G_OBJECT (from), pspecs[i]->name, &value);
      g_object_set_property (G_OBJECT (to), pspecs[i]->name, &value);
    }
  g_object_thaw_notify (G_OBJECT (to));
}

static void
editor_apply_cb (SbStepEditor *editor,
                 SbStepsView  *self)
{
  SbStep *target = sb_step_editor_get_target (editor);
  GListModel *steps;
  guint index;

  if (self->spec == NULL)
    return;
  before_edit (self);
  steps = sb_socket_spec_get_steps (self->spec);
  for (index = 0; index < g_list_model_get_n_items (steps); index++)
    {
      g_autoptr(SbStep) step = g_list_model_get_item (steps, index);
      if (step == target)
        break;
    }
  if (index < g_list_model_get_n_items (steps))
    copy_fields (sb_step_editor_get_step (editor), target);
  else
    {
      g_autoptr(SbStep) step = sb_step_copy (sb_step_editor_get_step (editor));
      sb_socket_spec_append_step (self->spec, step);
    }
}

static void
open_editor (SbStepsView *self,
             SbStep      *step,
             gboolean     adding)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->editor != NULL)
    gtk_window_destroy (GTK_WINDOW (self->editor));
  self->editor = sb_step_editor_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->spec,
                                     self->session, step, adding);
  g_object_add_weak_pointer (G_OBJECT (self->editor), (gpointer *) &self->editor);
  g_signal_connect_object (self->editor, "apply", G_CALLBACK (editor_apply_cb), self, 0);
  gtk_window_present (GTK_WINDOW (self->editor));
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  SbStepsView *self = SB_STEPS_VIEW (widget);
  g_autoptr(SbStep) step = NULL;
  SbStepKind kind;

  if (self->spec == NULL || !sb_step_kind_from_string (g_variant_get_string (parameter, NULL), &kind))
    return;
  step = sb_step_new (kind);
  if (kind == SB_STEP_WAIT)
    sb_step_set_ms (step, 1000);
  open_editor (self, step, TRUE);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SbStepsView *self = SB_STEPS_VIEW (widget);
  guint index = g_variant_get_uint32 (parameter);

  if (self->spec == NULL || index >= sb_socket_spec_get_n_steps (self->spec))
    return;
  open_editor (self, sb_socket_spec_get_step (self->spec, index), FALSE);
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SbStepsView *self = SB_STEPS_VIEW (widget);
  guint index = g_variant_get_uint32 (parameter);

  if (self->spec == NULL || index >= sb_socket_spec_get_n_steps (self->spec))
    return;
  before_edit (self);
  sb_socket_spec_remove_step (self->spec, index);
}

static void
move_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SbStepsView *self = SB_STEPS_VIEW (widget);
  guint index = g_variant_get_uint32 (parameter);
  guint n = self->spec != NULL ? sb_socket_spec_get_n_steps (self->spec) : 0;
  gboolean up = g_str_equal (action_name, "steps.move-up");

  if (index >= n || (up && index == 0) || (!up && index + 1 >= n))
    return;
  before_edit (self);
  sb_socket_spec_move_step (self->spec, index, up ? index - 1 : index + 1);
}

static void
rule_editor_apply_cb (SbRuleEditor *editor,
                      SbStepsView  *self)
{
  SbReplyRule *target = sb_rule_editor_get_target (editor);
  SbReplyRule *rule = sb_rule_editor_get_rule (editor);
  GListModel *rules;
  guint index;

  if (self->spec == NULL)
    return;
  before_edit (self);
  rules = sb_socket_spec_get_reply_rules (self->spec);
  for (index = 0; index < g_list_model_get_n_items (rules); index++)
    {
      g_autoptr(SbReplyRule) r = g_list_model_get_item (rules, index);
      if (r == target)
        break;
    }
  if (index < g_list_model_get_n_items (rules))
    g_object_set (target, "match", (int) sb_reply_rule_get_match (rule),
                  "pattern", sb_reply_rule_get_pattern (rule),
                  "format", (int) sb_reply_rule_get_format (rule),
                  "reply", sb_reply_rule_get_reply (rule), NULL);
  else
    {
      g_autoptr(SbReplyRule) copy = sb_reply_rule_new (sb_reply_rule_get_match (rule),
                                                       sb_reply_rule_get_pattern (rule),
                                                       sb_reply_rule_get_format (rule),
                                                       sb_reply_rule_get_reply (rule));
      sb_socket_spec_append_reply_rule (self->spec, copy);
    }
}

static void
open_rule_editor (SbStepsView *self,
                  SbReplyRule *rule,
                  gboolean     adding)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->rule_editor != NULL)
    gtk_window_destroy (GTK_WINDOW (self->rule_editor));
  self->rule_editor = sb_rule_editor_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, rule, adding);
  g_object_add_weak_pointer (G_OBJECT (self->rule_editor), (gpointer *) &self->rule_editor);
  g_signal_connect_object (self->rule_editor, "apply", G_CALLBACK (rule_editor_apply_cb), self, 0);
  gtk_window_present (GTK_WINDOW (self->rule_editor));
}

static void
add_rule_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  SbStepsView *self = SB_STEPS_VIEW (widget);
  g_autoptr(SbReplyRule) rule = NULL;

  if (self->spec == NULL)
    return;
  rule = sb_reply_rule_new (SB_MATCH_CONTAINS, "", SB_DATA_TEXT, "");
  open_rule_editor (self, rule, TRUE);
}

static void
edit_rule_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  SbStepsView *self = SB_STEPS_VIEW (widget);
  guint index = g_variant_get_uint32 (parameter);
  g_autoptr(SbReplyRule) rule = NULL;

  if (self->spec == NULL
      || index >= g_list_model_get_n_items (sb_socket_spec_get_reply_rules (self->spec)))
    return;
  rule = g_list_model_get_item (sb_socket_spec_get_reply_rules (self->spec), index);
  open_rule_editor (self, rule, FALSE);
}

static void
remove_rule_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  SbStepsView *self = SB_STEPS_VIEW (widget);
  guint index = g_variant_get_uint32 (parameter);

  if (self->spec == NULL
      || index >= g_list_model_get_n_items (sb_socket_spec_get_reply_rules (self->spec)))
    return;
  before_edit (self);
  sb_socket_spec_remove_reply_rule (self->spec, index);
}

static void
rule_activated_cb (SbStepsView   *self,
                   GtkListBoxRow *row)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "steps.edit-rule", "u",
                              (guint32) gtk_list_box_row_get_index (row));
}

static void
row_activated_cb (SbStepsView   *self,
                  GtkListBoxRow *row)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "steps.edit", "u",
                              (guint32) gtk_list_box_row_get_index (row));
}

/* ---- the spec ------------------------------------------------------------------ */

static void
steps_changed_cb (SbStepsView *self)
{
  /* after the list box's own handler: the rows are there */
  update_rows (self);
  update_controls (self);
}

void
sb_steps_view_set_spec (SbStepsView  *self,
                        SbSocketSpec *spec,
                        SbSession    *session)
{
  g_return_if_fail (SB_IS_STEPS_VIEW (self));
  g_return_if_fail (spec == NULL || SB_IS_SOCKET_SPEC (spec));
  g_return_if_fail (session == NULL || SB_IS_SESSION (session));

  if (spec == self->spec && session == self->session)
    return;
  drop_script (self);
  if (self->editor != NULL)
    gtk_window_destroy (GTK_WINDOW (self->editor));
  if (self->rule_editor != NULL)
    gtk_window_destroy (GTK_WINDOW (self->rule_editor));
  if (self->spec != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->spec, self);
      g_signal_handlers_disconnect_by_data (sb_socket_spec_get_steps (self->spec), self);
      g_signal_handlers_disconnect_by_data (sb_socket_spec_get_reply_rules (self->spec), self);
    }
  g_set_object (&self->session, session);
  g_set_object (&self->spec, spec);
  gtk_list_box_bind_model (self->steps_list, spec != NULL ? sb_socket_spec_get_steps (spec) : NULL,
                           spec != NULL ? create_row_cb : NULL, self, NULL);
  gtk_list_box_bind_model (self->rules_list, spec != NULL ? sb_socket_spec_get_reply_rules (spec) : NULL,
                           spec != NULL ? create_rule_row_cb : NULL, self, NULL);
  if (spec != NULL)
    {
      g_signal_connect_object (sb_socket_spec_get_steps (spec), "items-changed",
                               G_CALLBACK (steps_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (sb_socket_spec_get_reply_rules (spec), "items-changed",
                               G_CALLBACK (update_controls), self, G_CONNECT_SWAPPED);
      /* summaries show the socket's address where a step uses it */
      g_signal_connect_object (spec, "changed", G_CALLBACK (update_rows), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (spec, "changed", G_CALLBACK (update_rule_rows), self, G_CONNECT_SWAPPED);
    }
  update_rows (self);
  update_controls (self);
}

void
sb_steps_view_set_bench_socket (SbStepsView *self,
                                SbSocket    *socket)
{
  g_return_if_fail (SB_IS_STEPS_VIEW (self));
  g_return_if_fail (socket == NULL || SB_IS_SOCKET (socket));
  g_set_object (&self->bench_socket, socket);
}

SbScript *
sb_steps_view_get_script (SbStepsView *self)
{
  g_return_val_if_fail (SB_IS_STEPS_VIEW (self), NULL);
  return self->script;
}

gboolean
sb_steps_view_is_busy (SbStepsView *self)
{
  g_return_val_if_fail (SB_IS_STEPS_VIEW (self), FALSE);
  return self->busy;
}

const char *
sb_steps_view_get_summary (SbStepsView *self)
{
  g_return_val_if_fail (SB_IS_STEPS_VIEW (self), NULL);
  return gtk_label_get_label (self->summary_label);
}

/* ---- object ------------------------------------------------------------------------ */

static void
sb_steps_view_dispose (GObject *object)
{
  SbStepsView *self = SB_STEPS_VIEW (object);
  GtkWidget *child;

  all_views = g_list_remove (all_views, self);
  if (self->editor != NULL)
    gtk_window_destroy (GTK_WINDOW (self->editor));
  if (self->rule_editor != NULL)
    gtk_window_destroy (GTK_WINDOW (self->rule_editor));
  drop_script (self);
  if (self->spec != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->spec, self);
      g_signal_handlers_disconnect_by_data (sb_socket_spec_get_steps (self->spec), self);
      g_signal_handlers_disconnect_by_data (sb_socket_spec_get_reply_rules (self->spec), self);
    }
  if (self->steps_list != NULL)
    gtk_list_box_bind_model (self->steps_list, NULL, NULL, NULL, NULL);
  if (self->rules_list != NULL)
    gtk_list_box_bind_model (self->rules_list, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_STEPS_VIEW);
  /* the template's top box is not a bound child: unparent it here */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->spec);
  g_clear_object (&self->session);
  g_clear_object (&self->bench_socket);
  G_OBJECT_CLASS (sb_steps_view_parent_class)->dispose (object);
}

static void
sb_steps_view_class_init (SbStepsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_steps_view_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sockbench/Sockbench/sb-steps-view.ui");
  gtk_widget_class_bind_template_child (widget_class, SbStepsView, add_button);
  gtk_widget_class_bind_template_child (widget_class, SbStepsView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, SbStepsView, content_stack);
  gtk_widget_class_bind_template_child (widget_class, SbStepsView, steps_list);
  gtk_widget_class_bind_template_child (widget_class, SbStepsView, rules_list);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, rule_activated_cb);

  gtk_widget_class_install_action (widget_class, "steps.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "steps.step", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "steps.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "steps.reset", NULL, reset_action);
  gtk_widget_class_install_action (widget_class, "steps.add", "s", add_action);
  gtk_widget_class_install_action (widget_class, "steps.edit", "u", edit_action);
  gtk_widget_class_install_action (widget_class, "steps.remove", "u", remove_action);
  gtk_widget_class_install_action (widget_class, "steps.move-up", "u", move_action);
  gtk_widget_class_install_action (widget_class, "steps.move-down", "u", move_action);
  gtk_widget_class_install_action (widget_class, "steps.add-rule", NULL, add_rule_action);
  gtk_widget_class_install_action (widget_class, "steps.edit-rule", "u", edit_rule_action);
  gtk_widget_class_install_action (widget_class, "steps.remove-rule", "u", remove_rule_action);

  /**
   * SbStepsView::script-socket:
   * @socket: the socket the script made
   *
   * A run made the spec's socket (on its first step), so that the window
   * can show it, its connections and its transcript.
   */
  signals[SCRIPT_SOCKET] = g_signal_new ("script-socket", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, SB_TYPE_SOCKET);
}

static void
sb_steps_view_init (SbStepsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  all_views = g_list_prepend (all_views, self);
  update_controls (self);
}

GtkWidget *
sb_steps_view_new (void)
{
  return g_object_new (SB_TYPE_STEPS_VIEW, NULL);
}
