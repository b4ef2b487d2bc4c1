/* sb-step-editor.c — the fields of one scripted step, checked as they are typed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The fields are bound to a copy of the step, so that Cancel leaves the
 * document alone and a test can fill them in through the copy. Numbers
 * that may be "unset" are text fields: empty means the socket's setting.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sb-match.h"
#include "sb-step-editor.h"

struct _SbStepEditor
{
  AdwWindow        parent_instance;

  AdwWindowTitle  *window_title;
  GtkWidget       *apply_button;
  GtkLabel        *description_label;
  AdwEntryRow     *host_row;
  AdwEntryRow     *port_row;
  AdwComboRow     *port_from_row;
  AdwEntryRow     *backlog_row;
  AdwComboRow     *format_row;
  AdwEntryRow     *data_row;
  AdwComboRow     *match_row;
  AdwEntryRow     *pattern_row;
  GtkWidget       *size_row;
  GtkSpinButton   *size_spin;
  GtkWidget       *ms_row;
  GtkSpinButton   *ms_spin;
  AdwComboRow     *how_row;
  AdwEntryRow     *timeout_row;
  AdwEntryRow     *label_row;
  GtkLabel        *error_label;

  SbSocketSpec    *spec;
  SbSession       *session;
  SbStep          *target;
  SbStep          *step;        /* the copy the fields edit */
  GtkStringList   *port_from_names;
  char            *error;
};

G_DEFINE_FINAL_TYPE (SbStepEditor, sb_step_editor, ADW_TYPE_WINDOW)

enum { APPLY, N_SIGNALS };
static guint signals[N_SIGNALS];

/* Which fields a kind of step has. */
enum
{
  F_HOST      = 1 << 0,   /* with the port */
  F_PORT_FROM = 1 << 1,
  F_BACKLOG   = 1 << 2,
  F_DATA      = 1 << 3,   /* with the format */
  F_MATCH     = 1 << 4,   /* with the pattern */
  F_SIZE      = 1 << 5,
  F_MS        = 1 << 6,
  F_HOW       = 1 << 7,
  F_TIMEOUT   = 1 << 8,
};

static guint
fields_of (SbStepEditor *self,
           SbStepKind    kind)
{
  gboolean datagram = self->spec != NULL
                      && sb_socket_spec_get_socket_type (self->spec) != SB_SOCKET_STREAM;

  switch (kind)
    {
    case SB_STEP_BIND: return F_HOST;
    case SB_STEP_LISTEN: return F_BACKLOG;
    case SB_STEP_ACCEPT: return F_TIMEOUT;
    case SB_STEP_CONNECT: return F_HOST | F_PORT_FROM | F_TIMEOUT;
    /* a datagram send may name its destination */
    case SB_STEP_SEND: return F_DATA | F_TIMEOUT | (datagram ? F_HOST | F_PORT_FROM : 0);
    case SB_STEP_EXPECT: return F_MATCH | F_TIMEOUT;
    case SB_STEP_RECEIVE: return F_SIZE | F_TIMEOUT;
    case SB_STEP_WAIT: return F_MS;
    case SB_STEP_SHUTDOWN: return F_HOW;
    case SB_STEP_CLOSE:
    case SB_N_STEP_KINDS:
    default:
      return 0;
    }
}

static const char *
call_of (SbStepKind kind)
{
  switch (kind)
    {
    case SB_STEP_BIND: return "bind((host, port))";
    case SB_STEP_LISTEN: return "listen(backlog)";
    case SB_STEP_ACCEPT: return "accept()";
    case SB_STEP_CONNECT: return "connect((host, port))";
    case SB_STEP_SEND: return "send(data)";
    case SB_STEP_EXPECT: return "expect";
    case SB_STEP_RECEIVE: return "recv(bufsize)";
    case SB_STEP_WAIT: return "wait";
    case SB_STEP_SHUTDOWN: return "shutdown(how)";
    case SB_STEP_CLOSE: return "close()";
    case SB_N_STEP_KINDS:
    default:
      return "";
    }
}

static const char *
description_of (SbStepKind kind)
{
  switch (kind)
    {
    case SB_STEP_BIND: return _("Take a local address. Empty fields use the socket’s settings.");
    case SB_STEP_LISTEN: return _("Wait for connections, with up to the backlog of them queued.");
    case SB_STEP_ACCEPT: return _("Take one connection; the steps after it run on that connection.");
    case SB_STEP_CONNECT: return _("Connect to the remote address. Empty fields use the socket’s settings.");
    case SB_STEP_SEND: return _("Write the data. ${1} or ${name} stands for what an earlier expect captured.");
    case SB_STEP_EXPECT: return _("Wait until the bytes received since the last match match the pattern; fail after the timeout.");
    case SB_STEP_RECEIVE: return _("Take what has arrived, up to the buffer size.");
    case SB_STEP_WAIT: return _("Pause before the next step.");
    case SB_STEP_SHUTDOWN: return _("Stop reading, writing or both, keeping the socket open.");
    case SB_STEP_CLOSE: return _("Release the socket.");
    case SB_N_STEP_KINDS:
    default:
      return "";
    }
}

/* ---- numbers that may be unset ------------------------------------------------ */

enum { FIELD_PORT, FIELD_BACKLOG, FIELD_TIMEOUT };

static gboolean
parse_field (int         field,
             const char *text,
             int        *out)
{
  g_autofree char *s = g_strstrip (g_strdup (text));
  guint64 value;

  if (*s == '\0')
    {
      *out = field == FIELD_PORT ? SB_STEP_PORT_UNSET
             : field == FIELD_BACKLOG ? SB_STEP_BACKLOG_UNSET : SB_STEP_TIMEOUT_INHERIT;
      return TRUE;
    }
  if (field == FIELD_TIMEOUT && g_ascii_strcasecmp (s, "none") == 0)
    {
      *out = SB_TIMEOUT_NONE;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (s, 10, 0, field == FIELD_TIMEOUT ? G_MAXINT : 65535,
                                   &value, NULL))
    return FALSE;
  *out = (int) value;
  return TRUE;
}

static gboolean
number_to_text (GBinding     *binding,
                const GValue *from,
                GValue       *to,
                gpointer      user_data)
{
  int field = GPOINTER_TO_INT (user_data);
  int value = g_value_get_int (from);

  if (field == FIELD_TIMEOUT && value == SB_TIMEOUT_NONE)
    g_value_set_string (to, "none");
  else if (value < 0)
    g_value_set_string (to, "");
  else
    g_value_take_string (to, g_strdup_printf ("%d", value));
  return TRUE;
}

static gboolean
text_to_number (GBinding     *binding,
                const GValue *from,
                GValue       *to,
                gpointer      user_data)
{
  int value;

  /* what is not a number stays out of the step; validate() says why */
  if (!parse_field (GPOINTER_TO_INT (user_data), g_value_get_string (from), &value))
    return FALSE;
  g_value_set_int (to, value);
  return TRUE;
}

static void
bind_number (SbStepEditor *self,
             const char   *property,
             AdwEntryRow  *row,
             int           field)
{
  g_object_bind_property_full (self->step, property, row, "text",
                               G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                               number_to_text, text_to_number, GINT_TO_POINTER (field), NULL);
}

/* ---- checking ----------------------------------------------------------------- */

static gboolean
row_shown (gpointer row)
{
  return gtk_widget_get_visible (GTK_WIDGET (row));
}

static gboolean
check_data (SbStepEditor *self,
            GError      **error)
{
  SbDataFormat format = sb_step_get_format (self->step);
  const char *data = sb_step_get_data (self->step);

  switch (format)
    {
    case SB_DATA_TEXT:
    case SB_DATA_HEX:
      if (*data == '\0')
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("Nothing to send: write the data"));
          return FALSE;
        }
      return sb_template_check (format, data, error);
    case SB_DATA_FILE:
      if (*data == '\0')
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("Name the file to send (a relative path starts at the session file)"));
          return FALSE;
        }
      return TRUE;
    case SB_DATA_PAYLOAD:
      if (self->session == NULL || sb_session_find_payload (self->session, data) == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       _("The session’s library has no payload “%s”: name one of its payloads, or choose another format"),
                       data);
          return FALSE;
        }
      return TRUE;
    case SB_N_DATA_FORMATS:
    default:
      g_assert_not_reached ();
    }
}

static void
validate (SbStepEditor *self)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *bad = NULL;
  GtkWidget *rows[] = { GTK_WIDGET (self->port_row), GTK_WIDGET (self->backlog_row),
                        GTK_WIDGET (self->timeout_row), GTK_WIDGET (self->data_row),
                        GTK_WIDGET (self->pattern_row) };
  int value;

  if (self->step == NULL)
    return;

  if (row_shown (self->port_row)
      && !parse_field (FIELD_PORT, gtk_editable_get_text (GTK_EDITABLE (self->port_row)), &value))
    {
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The port is a number from 0 to 65535, or empty for the socket’s"));
      bad = GTK_WIDGET (self->port_row);
    }
  else if (row_shown (self->backlog_row)
           && !parse_field (FIELD_BACKLOG, gtk_editable_get_text (GTK_EDITABLE (self->backlog_row)), &value))
    {
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The backlog is a number from 0 to 65535, or empty for the socket’s"));
      bad = GTK_WIDGET (self->backlog_row);
    }
  else if (row_shown (self->timeout_row)
           && !parse_field (FIELD_TIMEOUT, gtk_editable_get_text (GTK_EDITABLE (self->timeout_row)), &value))
    {
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The timeout is a number of milliseconds, “none” to wait forever, or empty for the socket’s"));
      bad = GTK_WIDGET (self->timeout_row);
    }
  else if (row_shown (self->data_row) && !check_data (self, &error))
    bad = GTK_WIDGET (self->data_row);
  else if (row_shown (self->pattern_row)
           && !sb_pattern_check (sb_step_get_match (self->step), sb_step_get_pattern (self->step), &error))
    bad = GTK_WIDGET (self->pattern_row);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    if (rows[i] != bad)
      gtk_widget_remove_css_class (rows[i], "error");
  if (bad != NULL)
    gtk_widget_add_css_class (bad, "error");

  g_clear_pointer (&self->error, g_free);
  if (error != NULL)
    self->error = g_strdup (error->message);
  gtk_label_set_label (self->error_label, self->error != NULL ? self->error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), self->error != NULL);
  gtk_widget_set_sensitive (self->apply_button, self->error == NULL);
}

/* ---- port from another socket ------------------------------------------------- */

static void
port_from_changed_cb (SbStepEditor *self)
{
  guint selected = adw_combo_row_get_selected (self->port_from_row);

  if (self->step == NULL || self->port_from_names == NULL)
    return;
  sb_step_set_port_from (self->step,
                         selected == 0 || selected == GTK_INVALID_LIST_POSITION
                         ? "" : gtk_string_list_get_string (self->port_from_names, selected));
  /* a port from elsewhere replaces the one typed here */
  gtk_widget_set_sensitive (GTK_WIDGET (self->port_row), *sb_step_get_port_from (self->step) == '\0');
}

static void
fill_port_from (SbStepEditor *self)
{
  const char *current = sb_step_get_port_from (self->step);
  guint selected = 0;

  self->port_from_names = gtk_string_list_new (NULL);
  gtk_string_list_append (self->port_from_names, _("None"));
  if (self->session != NULL)
    for (guint i = 0; i < sb_session_get_n_sockets (self->session); i++)
      {
        SbSocketSpec *other = sb_session_get_socket (self->session, i);

        if (other == self->spec)
          continue;
        gtk_string_list_append (self->port_from_names, sb_socket_spec_get_name (other));
        if (g_str_equal (sb_socket_spec_get_name (other), current))
          selected = g_list_model_get_n_items (G_LIST_MODEL (self->port_from_names)) - 1;
      }
  /* a name from the file that the session no longer has stays as it was */
  if (*current != '\0' && selected == 0)
    {
      gtk_string_list_append (self->port_from_names, current);
      selected = g_list_model_get_n_items (G_LIST_MODEL (self->port_from_names)) - 1;
    }
  adw_combo_row_set_model (self->port_from_row, G_LIST_MODEL (self->port_from_names));
  adw_combo_row_set_selected (self->port_from_row, selected);
  gtk_widget_set_sensitive (GTK_WIDGET (self->port_row), *current == '\0');
}

/* ---- applying ------------------------------------------------------------------- */

gboolean
sb_step_editor_apply (SbStepEditor *self)
{
  g_return_val_if_fail (SB_IS_STEP_EDITOR (self), FALSE);

  validate (self);
  if (self->error != NULL)
    return FALSE;
  g_signal_emit (self, signals[APPLY], 0);
  gtk_window_close (GTK_WINDOW (self));
  return TRUE;
}

static void
apply_clicked_cb (SbStepEditor *self)
{
  sb_step_editor_apply (self);
}

/* ---- object ---------------------------------------------------------------------- */

static void
sb_step_editor_dispose (GObject *object)
{
  SbStepEditor *self = SB_STEP_EDITOR (object);

  if (self->step != NULL)
    g_signal_handlers_disconnect_by_data (self->step, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_STEP_EDITOR);
  g_clear_object (&self->step);
  g_clear_object (&self->target);
  g_clear_object (&self->spec);
  g_clear_object (&self->session);
  g_clear_object (&self->port_from_names);
  G_OBJECT_CLASS (sb_step_editor_parent_class)->dispose (object);
}

static void
sb_step_editor_finalize (GObject *object)
{
  SbStepEditor *self = SB_STEP_EDITOR (object);

  g_free (self->error);
  G_OBJECT_CLASS (sb_step_editor_parent_class)->finalize (object);
}

static void
sb_step_editor_class_init (SbStepEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_step_editor_dispose;
  object_class->finalize = sb_step_editor_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sockbench/Sockbench/sb-step-editor.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, SbStepEditor, name)
  BIND (window_title);
  BIND (apply_button);
  BIND (description_label);
  BIND (host_row);
  BIND (port_row);
  BIND (port_from_row);
  BIND (backlog_row);
  BIND (format_row);
  BIND (data_row);
  BIND (match_row);
  BIND (pattern_row);
  BIND (size_row);
  BIND (size_spin);
  BIND (ms_row);
  BIND (ms_spin);
  BIND (how_row);
  BIND (timeout_row);
  BIND (label_row);
  BIND (error_label);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, validate);
  gtk_widget_class_bind_template_callback (widget_class, port_from_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, apply_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  /**
   * SbStepEditor::apply:
   *
   * The user added or saved the step: sb_step_editor_get_step() holds
   * the fields, all valid. The editor closes after this.
   */
  signals[APPLY] = g_signal_new ("apply", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sb_step_editor_init (SbStepEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_window_set_default_widget (GTK_WINDOW (self), self->apply_button);
}

SbStepEditor *
sb_step_editor_new (GtkWindow    *parent,
                    SbSocketSpec *spec,
                    SbSession    *session,
                    SbStep       *step,
                    gboolean      adding)
{
  SbStepEditor *self;
  SbStepKind kind;
  guint fields;
  GtkWidget *focus = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (spec == NULL || SB_IS_SOCKET_SPEC (spec), NULL);
  g_return_val_if_fail (SB_IS_STEP (step), NULL);

  self = g_object_new (SB_TYPE_STEP_EDITOR, "transient-for", parent, NULL);
  self->spec = spec != NULL ? g_object_ref (spec) : NULL;
  self->session = session != NULL ? g_object_ref (session) : NULL;
  self->target = g_object_ref (step);
  self->step = sb_step_copy (step);
  kind = sb_step_get_kind (step);
  fields = fields_of (self, kind);

  gtk_window_set_title (GTK_WINDOW (self), adding ? _("Add Step") : _("Edit Step"));
  adw_window_title_set_title (self->window_title, adding ? _("Add Step") : _("Edit Step"));
  adw_window_title_set_subtitle (self->window_title, call_of (kind));
  gtk_button_set_label (GTK_BUTTON (self->apply_button), adding ? _("_Add") : _("_Save"));
  gtk_label_set_label (self->description_label, description_of (kind));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->port_row),
                                 kind == SB_STEP_BIND
                                 ? _("Port (empty: the socket’s; 0: the kernel chooses)")
                                 : _("Port (empty: the socket’s)"));
  gtk_widget_set_visible (GTK_WIDGET (self->host_row), (fields & F_HOST) != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->port_row), (fields & F_HOST) != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->port_from_row), (fields & F_PORT_FROM) != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->backlog_row), (fields & F_BACKLOG) != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->format_row), (fields & F_DATA) != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->data_row), (fields & F_DATA) != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->match_row), (fields & F_MATCH) != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->pattern_row), (fields & F_MATCH) != 0);
  gtk_widget_set_visible (self->size_row, (fields & F_SIZE) != 0);
  gtk_widget_set_visible (self->ms_row, (fields & F_MS) != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->how_row), (fields & F_HOW) != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->timeout_row), (fields & F_TIMEOUT) != 0);

  g_object_bind_property (self->step, "label", self->label_row, "text",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->step, "host", self->host_row, "text",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->step, "data", self->data_row, "text",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->step, "pattern", self->pattern_row, "text",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  /* the lists are in the order of the enums */
  g_object_bind_property (self->step, "format", self->format_row, "selected",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->step, "match", self->match_row, "selected",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->step, "how", self->how_row, "selected",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->step, "size", self->size_spin, "value",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->step, "ms", self->ms_spin, "value",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  bind_number (self, "port", self->port_row, FIELD_PORT);
  bind_number (self, "backlog", self->backlog_row, FIELD_BACKLOG);
  bind_number (self, "timeout-ms", self->timeout_row, FIELD_TIMEOUT);
  fill_port_from (self);
  g_signal_connect_object (self->step, "changed", G_CALLBACK (validate), self, G_CONNECT_SWAPPED);
  validate (self);

  /* the field the step is about */
  if (fields & F_DATA)
    focus = GTK_WIDGET (self->data_row);
  else if (fields & F_MATCH)
    focus = GTK_WIDGET (self->pattern_row);
  else if (fields & F_HOST)
    focus = GTK_WIDGET (self->host_row);
  else if (fields & F_BACKLOG)
    focus = GTK_WIDGET (self->backlog_row);
  else if (fields & F_TIMEOUT)
    focus = GTK_WIDGET (self->timeout_row);
  else if (fields & F_MS)
    focus = GTK_WIDGET (self->ms_spin);
  else if (fields & F_SIZE)
    focus = GTK_WIDGET (self->size_spin);
  if (focus != NULL)
    gtk_widget_grab_focus (focus);
  else
    gtk_widget_grab_focus (self->apply_button);
  return self;
}

SbStep *
sb_step_editor_get_target (SbStepEditor *self)
{
  g_return_val_if_fail (SB_IS_STEP_EDITOR (self), NULL);
  return self->target;
}

SbStep *
sb_step_editor_get_step (SbStepEditor *self)
{
  g_return_val_if_fail (SB_IS_STEP_EDITOR (self), NULL);
  return self->step;
}

gboolean
sb_step_editor_is_valid (SbStepEditor *self)
{
  g_return_val_if_fail (SB_IS_STEP_EDITOR (self), FALSE);
  return self->error == NULL;
}

const char *
sb_step_editor_get_error (SbStepEditor *self)
{
  g_return_val_if_fail (SB_IS_STEP_EDITOR (self), NULL);
  return self->error;
}
