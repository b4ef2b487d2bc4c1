/* sb-composer.c — write a payload as text or hex, and ask to send it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sb-composer.h"
#include "sb-payload-entry.h"

#define HISTORY_MAX 30
/* Above this size, validation waits for a pause in typing. */
#define VALIDATE_DEFER_SIZE (64 * 1024)

typedef struct
{
  SbPayloadFormat format;
  char           *text;
} Saved;

struct _SbComposer
{
  GtkWidget        parent_instance;

  GtkWidget       *box;
  GtkToggleButton *text_toggle;
  GtkToggleButton *hex_toggle;
  GtkTextView     *text_view;
  GtkStack        *input_stack;
  GtkLabel        *file_label;
  GtkLabel        *error_label;
  GtkLabel        *size_label;
  GtkWidget       *send_to_box;
  GtkEntry        *destination_entry;
  GtkSpinButton   *repeat_spin;
  GtkSpinButton   *rate_spin;
  GtkLabel        *repeat_label;
  GtkWidget       *send_button;
  GtkWidget       *send_all_button;
  GtkWidget       *template_button;
  GtkListBox      *history_list;
  GtkListBox      *saved_list;
  GtkPopover      *history_popover;

  GtkTextTag      *error_tag;
  GBytes          *file_bytes;     /* a loaded file, used as is */
  GBytes          *parsed;         /* the editor's text, parsed */
  char            *error;
  guint            validate_source;
  gboolean         can_send;
  gboolean         can_send_all;
  GQueue           history;        /* Saved* */
  GPtrArray       *saved;          /* Saved*, when there is no session */
  SbSession       *library;        /* the session's payload library, or NULL */
  guint16          icmp_seq;
};

G_DEFINE_FINAL_TYPE (SbComposer, sb_composer, GTK_TYPE_WIDGET)

enum { SEND_REQUESTED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
saved_free (Saved *saved)
{
  g_free (saved->text);
  g_free (saved);
}

static void
update_buttons (SbComposer *self)
{
  gboolean valid = self->error == NULL;

  gtk_widget_set_sensitive (self->send_button, valid && self->can_send);
  gtk_widget_set_sensitive (self->send_all_button, valid && self->can_send_all);
}

static void
validate (SbComposer *self)
{
  g_autoptr(GError) error = NULL;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;
  gsize pos = 0;
  g_autofree char *size = NULL;

  g_clear_handle_id (&self->validate_source, g_source_remove);
  g_clear_pointer (&self->error, g_free);
  g_clear_pointer (&self->parsed, g_bytes_unref);

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag (buffer, self->error_tag, &start, &end);

  if (self->file_bytes == NULL)
    {
      text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
      self->parsed = sb_payload_parse (sb_composer_get_format (self), text, -1, &pos, &error);
      if (self->parsed == NULL)
        {
          GtkTextIter a, b;
          glong offset = g_utf8_pointer_to_offset (text, text + pos);

          self->error = g_strdup (error->message);
          gtk_text_buffer_get_iter_at_offset (buffer, &a, offset);
          b = a;
          gtk_text_iter_forward_chars (&b, sb_composer_get_format (self) == SB_PAYLOAD_HEX ? 1 : 2);
          gtk_text_buffer_apply_tag (buffer, self->error_tag, &a, &b);
        }
    }

  gtk_label_set_label (self->error_label, self->error != NULL ? self->error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), self->error != NULL);
  if (self->error != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->text_view), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->text_view), "error");

  if (self->error == NULL)
    {
      GBytes *b = self->file_bytes != NULL ? self->file_bytes : self->parsed;
      gsize n = g_bytes_get_size (b);
      g_autofree char *human = g_format_size (n);

      size = n < 1000 ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%zu byte", "%zu bytes", n), n)
                      : g_strdup_printf (_("%s (%zu bytes)"), human, n);
    }
  gtk_label_set_label (self->size_label, size != NULL ? size : "");
  update_buttons (self);
}

static gboolean
validate_cb (gpointer data)
{
  SbComposer *self = data;

  self->validate_source = 0;
  validate (self);
  return G_SOURCE_REMOVE;
}

static void
buffer_changed_cb (SbComposer *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);

  /* Big pastes are validated once typing pauses, not per key. */
  if (gtk_text_buffer_get_char_count (buffer) > VALIDATE_DEFER_SIZE)
    {
      g_clear_handle_id (&self->validate_source, g_source_remove);
      self->validate_source = g_timeout_add (200, validate_cb, self);
      gtk_widget_set_sensitive (self->send_button, FALSE);
      gtk_widget_set_sensitive (self->send_all_button, FALSE);
    }
  else
    validate (self);
}

static void
format_toggled_cb (SbComposer *self)
{
  validate (self);
}

void
sb_composer_activate_send (SbComposer *self,
                           SbSendMode  mode)
{
  g_return_if_fail (SB_IS_COMPOSER (self));

  if (self->validate_source != 0)
    validate (self);
  g_signal_emit (self, signals[SEND_REQUESTED], 0, mode);
}

static void
repeat_changed_cb (SbComposer *self)
{
  guint count = sb_composer_get_repeat_count (self);
  g_autofree char *text = NULL;

  if (count > 1)
    text = g_strdup_printf (_("%u× at %.0f/s"), count, sb_composer_get_rate (self));
  gtk_label_set_label (self->repeat_label, text ? text : "");
}

static void
send_clicked_cb (SbComposer *self)
{
  sb_composer_activate_send (self, SB_SEND_ONCE);
}

static void
send_all_clicked_cb (SbComposer *self)
{
  sb_composer_activate_send (self, SB_SEND_ALL);
}

/* ---- history and saved payloads ------------------------------------------ */

static GtkWidget *
payload_row_new (Saved *saved)
{
  GtkWidget *row = gtk_list_box_row_new ();
  g_autofree char *shown = g_utf8_make_valid (saved->text, MIN (strlen (saved->text), 200));
  GtkWidget *label;

  g_strdelimit (shown, "\n\r", ' ');
  label = gtk_label_new (shown);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_margin_start (label, 8);
  gtk_widget_set_margin_end (label, 8);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  if (saved->format == SB_PAYLOAD_HEX)
    gtk_widget_add_css_class (label, "monospace");
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  gtk_widget_set_tooltip_text (row, saved->format == SB_PAYLOAD_HEX ? _("Hex") : _("Text"));
  g_object_set_data (G_OBJECT (row), "saved", saved);
  return row;
}

static void
rebuild_list (GtkListBox *list,
              GList      *items)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
  for (GList *l = items; l != NULL; l = l->next)
    gtk_list_box_append (list, payload_row_new (l->data));
  if (items == NULL)
    {
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *label = gtk_label_new (_("Nothing yet"));

      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_set_margin_bottom (label, 6);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_append (list, row);
    }
}

static void
rebuild_saved (SbComposer *self)
{
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func ((GDestroyNotify) saved_free);
  GList *items = NULL;

  if (self->library != NULL)
    {
      /* the session's library: text and hex entries can be edited here */
      GListModel *payloads = sb_session_get_payloads (self->library);

      for (guint i = g_list_model_get_n_items (payloads); i-- > 0;)
        {
          g_autoptr(SbPayloadEntry) entry = g_list_model_get_item (payloads, i);
          SbDataFormat format = sb_payload_entry_get_format (entry);
          Saved *saved;

          if (format != SB_DATA_TEXT && format != SB_DATA_HEX)
            continue;
          saved = g_new0 (Saved, 1);
          saved->format = format == SB_DATA_HEX ? SB_PAYLOAD_HEX : SB_PAYLOAD_TEXT;
          saved->text = g_strdup (sb_payload_entry_get_data (entry));
          g_ptr_array_add (owned, saved);
          items = g_list_prepend (items, saved);
        }
    }
  else
    for (guint i = self->saved->len; i-- > 0;)
      items = g_list_prepend (items, g_ptr_array_index (self->saved, i));
  rebuild_list (self->saved_list, items);
  g_list_free (items);
  /* rows keep pointers to their Saved: hand the copies over to the list */
  if (owned->len > 0)
    g_object_set_data_full (G_OBJECT (self->saved_list), "sb-owned-saved",
                            g_steal_pointer (&owned), (GDestroyNotify) g_ptr_array_unref);
}

void
sb_composer_set_library (SbComposer *self,
                         SbSession  *session)
{
  g_return_if_fail (SB_IS_COMPOSER (self));
  g_return_if_fail (session == NULL || SB_IS_SESSION (session));

  if (self->library != NULL)
    g_signal_handlers_disconnect_by_data (sb_session_get_payloads (self->library), self);
  if (!g_set_object (&self->library, session))
    return;
  if (session != NULL)
    g_signal_connect_object (sb_session_get_payloads (session), "items-changed",
                             G_CALLBACK (rebuild_saved), self, G_CONNECT_SWAPPED);
  rebuild_saved (self);
}

static char *
current_text (SbComposer *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

void
sb_composer_add_history (SbComposer *self)
{
  Saved *saved;
  g_autofree char *text = NULL;

  g_return_if_fail (SB_IS_COMPOSER (self));

  if (self->file_bytes != NULL)
    return;
  text = current_text (self);
  /* Long payloads are not worth a menu entry. */
  if (*text == '\0' || strlen (text) > 4096)
    return;
  for (GList *l = self->history.head; l != NULL; l = l->next)
    {
      Saved *s = l->data;
      if (s->format == sb_composer_get_format (self) && g_str_equal (s->text, text))
        {
          g_queue_unlink (&self->history, l);
          g_queue_push_head_link (&self->history, l);
          rebuild_list (self->history_list, self->history.head);
          return;
        }
    }
  saved = g_new0 (Saved, 1);
  saved->format = sb_composer_get_format (self);
  saved->text = g_steal_pointer (&text);
  g_queue_push_head (&self->history, saved);
  while (self->history.length > HISTORY_MAX)
    saved_free (g_queue_pop_tail (&self->history));
  rebuild_list (self->history_list, self->history.head);
}

void
sb_composer_save_payload (SbComposer *self)
{
  g_autofree char *text = NULL;

  g_return_if_fail (SB_IS_COMPOSER (self));

  text = current_text (self);
  if (*text == '\0' || self->file_bytes != NULL)
    return;
  if (self->library != NULL)
    {
      g_autoptr(SbPayloadEntry) entry = NULL;
      g_autofree char *name = NULL;
      guint n = g_list_model_get_n_items (sb_session_get_payloads (self->library));

      /* a name from the payload's start, made unique in the library */
      name = g_utf8_substring (text, 0, MIN (g_utf8_strlen (text, -1), 24));
      g_strdelimit (name, "\n\r\t", ' ');
      while (sb_session_find_payload (self->library, name) != NULL)
        {
          g_autofree char *base = g_steal_pointer (&name);
          name = g_strdup_printf ("%s (%u)", base, ++n);
        }
      entry = sb_payload_entry_new (name,
                                    sb_composer_get_format (self) == SB_PAYLOAD_HEX ? SB_DATA_HEX : SB_DATA_TEXT,
                                    text);
      sb_session_append_payload (self->library, entry);
    }
  else
    {
      Saved *saved = g_new0 (Saved, 1);

      saved->format = sb_composer_get_format (self);
      saved->text = g_steal_pointer (&text);
      g_ptr_array_add (self->saved, saved);
      rebuild_saved (self);
    }
}

static void
save_clicked_cb (SbComposer *self)
{
  sb_composer_save_payload (self);
}

static void
payload_row_activated_cb (SbComposer    *self,
                          GtkListBoxRow *row)
{
  Saved *saved = g_object_get_data (G_OBJECT (row), "saved");

  if (saved == NULL)
    return;
  sb_composer_set_format (self, saved->format);
  sb_composer_set_text (self, saved->text);
  gtk_popover_popdown (self->history_popover);
}

/* ---- files and templates --------------------------------------------------- */

static void
file_chosen_cb (GtkNativeDialog *dialog,
                int              response,
                SbComposer      *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = g_file_load_bytes (file, NULL, NULL, &error);

      if (bytes == NULL)
        {
          gtk_label_set_label (self->error_label, error->message);
          gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
        }
      else
        {
          g_autofree char *name = g_file_get_basename (file);
          sb_composer_set_bytes (self, bytes, name);
        }
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
load_clicked_cb (SbComposer *self)
{
  GtkFileChooserNative *dialog;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  dialog = gtk_file_chooser_native_new (_("Load a Payload"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Load"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (file_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
clear_file_clicked_cb (SbComposer *self)
{
  g_clear_pointer (&self->file_bytes, g_bytes_unref);
  gtk_stack_set_visible_child_name (self->input_stack, "edit");
  validate (self);
}

static void
template_clicked_cb (SbComposer *self)
{
  static const char data[] = "sockbench";
  g_autoptr(GBytes) packet = NULL;
  g_autofree char *hex = NULL;
  gsize len;
  const guint8 *p;

  packet = sb_payload_icmp_echo_request (0x5342, ++self->icmp_seq, (const guint8 *) data,
                                         sizeof data - 1);
  p = g_bytes_get_data (packet, &len);
  hex = sb_payload_format_hex (p, len, " ");
  sb_composer_set_format (self, SB_PAYLOAD_HEX);
  sb_composer_set_text (self, hex);
}

/* ---- object -------------------------------------------------------------------- */

static void
sb_composer_dispose (GObject *object)
{
  SbComposer *self = SB_COMPOSER (object);

  g_clear_handle_id (&self->validate_source, g_source_remove);
  if (self->library != NULL)
    g_signal_handlers_disconnect_by_data (sb_session_get_payloads (self->library), self);
  g_clear_object (&self->library);
  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_COMPOSER);
  G_OBJECT_CLASS (sb_composer_parent_class)->dispose (object);
}

static void
sb_composer_finalize (GObject *object)
{
  SbComposer *self = SB_COMPOSER (object);

  g_clear_pointer (&self->file_bytes, g_bytes_unref);
  g_clear_pointer (&self->parsed, g_bytes_unref);
  g_clear_pointer (&self->error, g_free);
  g_queue_clear_full (&self->history, (GDestroyNotify) saved_free);
  g_clear_pointer (&self->saved, g_ptr_array_unref);
  G_OBJECT_CLASS (sb_composer_parent_class)->finalize (object);
}

static void
sb_composer_class_init (SbComposerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_composer_dispose;
  object_class->finalize = sb_composer_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sockbench/Sockbench/sb-composer.ui");
  gtk_widget_class_bind_template_child (widget_class, SbComposer, box);
  gtk_widget_class_bind_template_child (widget_class, SbComposer, text_toggle);
  gtk_widget_class_bind_template_child (widget_class, SbComposer, hex_toggle);
  gtk_widget_class_bind_template_child (widget_class, SbComposer, text_view);
  gtk_widget_class_bind_template_child (widget_class, SbComposer, input_stack);
  gtk_widget_class_bind_template_child (widget_class, SbComposer, file_label);
  gtk_widget_class_bind_template_child (widget_class, SbComposer, error_label);
  gtk_widget_class_bind_template_child (widget_class, SbComposer, size_label);
  gtk_widget_class_bind_template_child (widget_class, SbComposer, send_to_box);
  gtk_widget_class_bind_template_child (widget_class, SbComposer, destination_entry);
  gtk_widget_class_bind_template_child (widget_class, SbComposer, repeat_spin);
  gtk_widget_class_bind_template_child (widget_class, SbComposer, rate_spin);
  gtk_widget_class_bind_template_child (widget_class, SbComposer, repeat_label);
  gtk_widget_class_bind_template_callback (widget_class, repeat_changed_cb);
  gtk_widget_class_bind_template_child (widget_class, SbComposer, send_button);
  gtk_widget_class_bind_template_child (widget_class, SbComposer, send_all_button);
  gtk_widget_class_bind_template_child (widget_class, SbComposer, template_button);
  gtk_widget_class_bind_template_child (widget_class, SbComposer, history_list);
  gtk_widget_class_bind_template_child (widget_class, SbComposer, saved_list);
  gtk_widget_class_bind_template_child (widget_class, SbComposer, history_popover);
  gtk_widget_class_bind_template_callback (widget_class, format_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, send_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, send_all_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, load_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, clear_file_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, template_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, payload_row_activated_cb);

  /**
   * SbComposer::send-requested:
   * @mode: an SbSendMode
   */
  signals[SEND_REQUESTED] = g_signal_new ("send-requested", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 1, G_TYPE_INT);
}

static void
sb_composer_init (SbComposer *self)
{
  GtkTextBuffer *buffer;

  gtk_widget_init_template (GTK_WIDGET (self));
  g_queue_init (&self->history);
  self->saved = g_ptr_array_new_with_free_func ((GDestroyNotify) saved_free);
  self->can_send = self->can_send_all = TRUE;

  buffer = gtk_text_view_get_buffer (self->text_view);
  self->error_tag = gtk_text_buffer_create_tag (buffer, "error",
                                                "underline", PANGO_UNDERLINE_ERROR,
                                                "background", "rgba(224,27,36,0.25)", NULL);
  g_signal_connect_object (buffer, "changed", G_CALLBACK (buffer_changed_cb), self,
                           G_CONNECT_SWAPPED);
  rebuild_list (self->history_list, NULL);
  rebuild_saved (self);
  validate (self);
}

GtkWidget *
sb_composer_new (void)
{
  return g_object_new (SB_TYPE_COMPOSER, NULL);
}

GBytes *
sb_composer_get_payload (SbComposer *self,
                         GError    **error)
{
  g_return_val_if_fail (SB_IS_COMPOSER (self), NULL);

  if (self->validate_source != 0)
    validate (self);
  if (self->file_bytes != NULL)
    return g_bytes_ref (self->file_bytes);
  if (self->error != NULL)
    {
      g_set_error_literal (error, SB_PAYLOAD_ERROR, SB_PAYLOAD_ERROR_BAD_HEX, self->error);
      return NULL;
    }
  return g_bytes_ref (self->parsed);
}

gboolean
sb_composer_is_valid (SbComposer *self)
{
  g_return_val_if_fail (SB_IS_COMPOSER (self), FALSE);
  if (self->validate_source != 0)
    validate (self);
  return self->error == NULL;
}

const char *
sb_composer_get_error (SbComposer *self)
{
  g_return_val_if_fail (SB_IS_COMPOSER (self), NULL);
  return self->error;
}

void
sb_composer_set_format (SbComposer      *self,
                        SbPayloadFormat  format)
{
  g_return_if_fail (SB_IS_COMPOSER (self));
  gtk_toggle_button_set_active (format == SB_PAYLOAD_HEX ? self->hex_toggle : self->text_toggle,
                                TRUE);
  validate (self);
}

SbPayloadFormat
sb_composer_get_format (SbComposer *self)
{
  g_return_val_if_fail (SB_IS_COMPOSER (self), SB_PAYLOAD_TEXT);
  return gtk_toggle_button_get_active (self->hex_toggle) ? SB_PAYLOAD_HEX : SB_PAYLOAD_TEXT;
}

void
sb_composer_set_text (SbComposer *self,
                      const char *text)
{
  g_return_if_fail (SB_IS_COMPOSER (self));

  g_clear_pointer (&self->file_bytes, g_bytes_unref);
  gtk_stack_set_visible_child_name (self->input_stack, "edit");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), text ? text : "", -1);
  validate (self);
}

void
sb_composer_set_bytes (SbComposer *self,
                       GBytes     *bytes,
                       const char *name)
{
  g_autofree char *size = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (SB_IS_COMPOSER (self));
  g_return_if_fail (bytes != NULL);

  g_clear_pointer (&self->file_bytes, g_bytes_unref);
  self->file_bytes = g_bytes_ref (bytes);
  size = g_format_size (g_bytes_get_size (bytes));
  text = g_strdup_printf (_("%s — %s, sent as it is"), name != NULL ? name : _("Data"), size);
  gtk_label_set_label (self->file_label, text);
  gtk_stack_set_visible_child_name (self->input_stack, "file");
  validate (self);
}

void
sb_composer_set_show_destination (SbComposer *self,
                                  gboolean    show)
{
  g_return_if_fail (SB_IS_COMPOSER (self));
  gtk_widget_set_visible (self->send_to_box, show);
  gtk_button_set_label (GTK_BUTTON (self->send_button), show ? _("_Send To") : _("_Send"));
}

const char *
sb_composer_get_destination (SbComposer *self)
{
  g_return_val_if_fail (SB_IS_COMPOSER (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->destination_entry));
}

void
sb_composer_set_destination (SbComposer *self,
                             const char *destination)
{
  g_return_if_fail (SB_IS_COMPOSER (self));
  gtk_editable_set_text (GTK_EDITABLE (self->destination_entry), destination ? destination : "");
}

void
sb_composer_set_show_icmp_template (SbComposer *self,
                                    gboolean    show)
{
  g_return_if_fail (SB_IS_COMPOSER (self));
  gtk_widget_set_visible (self->template_button, show);
}

void
sb_composer_set_can_send (SbComposer *self,
                          gboolean    can_send,
                          gboolean    can_send_all)
{
  g_return_if_fail (SB_IS_COMPOSER (self));
  self->can_send = can_send;
  self->can_send_all = can_send_all;
  update_buttons (self);
}

guint
sb_composer_get_repeat_count (SbComposer *self)
{
  g_return_val_if_fail (SB_IS_COMPOSER (self), 1);
  return (guint) gtk_spin_button_get_value_as_int (self->repeat_spin);
}

double
sb_composer_get_rate (SbComposer *self)
{
  g_return_val_if_fail (SB_IS_COMPOSER (self), 1);
  return gtk_spin_button_get_value (self->rate_spin);
}
