/* sb-transcript-view.c — a socket's transcript as a table
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "sb-decode.h"
#include "sb-transcript-export.h"
#include "sb-transcript-view.h"

#define PREVIEW_BYTES 96

typedef enum
{
  COL_TIME,
  COL_DIRECTION,
  COL_PEER,
  COL_LENGTH,
  COL_PREVIEW,
} Column;

struct _SbTranscriptView
{
  GtkWidget          parent_instance;

  GtkWidget         *box;
  GtkColumnView     *column_view;
  GtkDropDown       *direction_dropdown;
  GtkSearchEntry    *search_entry;
  GtkScrolledWindow *scroller;
  GtkWidget         *list_view;   /* the column view's own, for list.scroll-to-item */
  gboolean           follow;      /* keep the last row in view */
  gint64             last_follow;
  double             last_value;  /* of the vertical adjustment */
  double             last_upper;
  double             expected_drop; /* px the view will move up as rows leave its top */
  gboolean           snap_pending;  /* scrolled to the last row: land on the very end */
  guint              snap_tick;
  guint              follow_source;

  SbTranscript      *transcript;
  GtkFilterListModel *filtered;
  GtkCustomFilter   *filter;
  GtkSingleSelection *selection;
  gboolean           hex;
  int                decode_linktype;  /* -1: show bytes, else decode frames as this DLT_ */
  SbDirectionFilter  direction;
  char              *text;
};

G_DEFINE_FINAL_TYPE (SbTranscriptView, sb_transcript_view, GTK_TYPE_WIDGET)

/* A packet socket's frame as the capture pane's decoders sum it up. */
static char *
dup_decoded (SbTranscriptView  *self,
             SbTranscriptEvent *event)
{
  SbTranscript *transcript = sb_transcript_event_get_transcript (event);
  gsize length = sb_transcript_event_get_length (event);
  gsize n = MIN (length, 65536);
  g_autofree guint8 *buf = g_malloc (MAX (n, 1));
  SbSummary summary = { 0 };
  char *text;

  n = sb_transcript_read (transcript, sb_transcript_event_get_offset (event), buf, n);
  sb_decode (self->decode_linktype, buf, n, length, &summary, NULL);
  text = g_strdup_printf ("%s  %s → %s  %s", summary.protocol ? summary.protocol : "?",
                          summary.source ? summary.source : "?",
                          summary.destination ? summary.destination : "?",
                          summary.info ? summary.info : "");
  sb_summary_clear (&summary);
  return text;
}

char *
sb_transcript_view_dup_preview (SbTranscriptView  *self,
                                SbTranscriptEvent *event)
{
  if (self->decode_linktype >= 0)
    {
      SbEventKind kind = sb_transcript_event_get_kind (event);

      if ((kind == SB_EVENT_SENT || kind == SB_EVENT_RECEIVED)
          && sb_transcript_event_get_offset (event)
             >= sb_transcript_get_first_offset (sb_transcript_event_get_transcript (event)))
        return dup_decoded (self, event);
    }
  return sb_transcript_dup_preview (sb_transcript_event_get_transcript (event),
                                    sb_transcript_event_get_index (event), self->hex,
                                    PREVIEW_BYTES);
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  SbTranscriptView *self = user_data;
  SbTranscriptEvent *event = item;
  SbEventKind kind = sb_transcript_event_get_kind (event);

  switch (self->direction)
    {
    case SB_DIRECTION_FILTER_SENT:
      if (kind != SB_EVENT_SENT)
        return FALSE;
      break;
    case SB_DIRECTION_FILTER_RECEIVED:
      if (kind != SB_EVENT_RECEIVED)
        return FALSE;
      break;
    case SB_DIRECTION_FILTER_EVENTS:
      if (kind == SB_EVENT_SENT || kind == SB_EVENT_RECEIVED)
        return FALSE;
      break;
    default:
      break;
    }
  if (self->text != NULL && *self->text != '\0')
    {
      g_autofree char *preview = sb_transcript_view_dup_preview (self, event);
      const char *peer = sb_transcript_event_get_peer (event);

      if (strstr (preview, self->text) == NULL && (peer == NULL || strstr (peer, self->text) == NULL))
        return FALSE;
    }
  return TRUE;
}

static void
refilter (SbTranscriptView *self)
{
  self->expected_drop = 0;   /* what moves now is the filter's doing */
  GtkFilterMatch strictness = (self->direction == SB_DIRECTION_FILTER_ALL
                               && (self->text == NULL || *self->text == '\0'))
                              ? GTK_FILTER_MATCH_ALL : GTK_FILTER_MATCH_SOME;

  if (strictness == GTK_FILTER_MATCH_ALL)
    gtk_custom_filter_set_filter_func (self->filter, NULL, NULL, NULL);
  else
    gtk_custom_filter_set_filter_func (self->filter, filter_func, self, NULL);
}

static void
filter_changed_cb (SbTranscriptView *self)
{
  g_free (self->text);
  self->text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  self->direction = gtk_drop_down_get_selected (self->direction_dropdown);
  refilter (self);
}

/* ---- cells ------------------------------------------------------------------ */

static gboolean
preview_query_tooltip_cb (GtkWidget  *label,
                          int         x,
                          int         y,
                          gboolean    keyboard,
                          GtkTooltip *tooltip,
                          gpointer    data)
{
  const char *text = gtk_label_get_label (GTK_LABEL (label));

  if (text == NULL || *text == '\0')
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  data)
{
  Column column = GPOINTER_TO_INT (data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), column == COL_LENGTH ? 1 : 0);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  if (column == COL_PREVIEW)
    {
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (label, "monospace");
      /* The tooltip is the label's own text, asked for when shown: setting
       * it in bind made GTK query the pointer (an X round trip) for every
       * row bound, a third of the main thread under a datagram flood. */
      gtk_widget_set_has_tooltip (label, TRUE);
      g_signal_connect (label, "query-tooltip", G_CALLBACK (preview_query_tooltip_cb), NULL);
    }
  if (column == COL_TIME || column == COL_LENGTH)
    gtk_widget_add_css_class (label, "numeric");
  if (column == COL_PEER)
    gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_list_item_set_child (item, label);
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  data)
{
  Column column = GPOINTER_TO_INT (data);
  SbTranscriptEvent *event = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  SbTranscriptView *self = g_object_get_data (G_OBJECT (factory), "view");
  SbEventKind kind = sb_transcript_event_get_kind (event);
  g_autofree char *text = NULL;
  static const char *kind_classes[] = { "sent", "received", "step", "notice", "failure", "timeout" };

  for (guint i = 0; i < G_N_ELEMENTS (kind_classes); i++)
    gtk_widget_remove_css_class (label, kind_classes[i]);
  if ((guint) kind < G_N_ELEMENTS (kind_classes))
    gtk_widget_add_css_class (label, kind_classes[kind]);

  switch (column)
    {
    case COL_TIME:
      text = sb_format_event_time (sb_transcript_event_get_time (event));
      /* milliseconds are enough on screen; exports keep the microseconds */
      if (strlen (text) > 3)
        text[strlen (text) - 3] = '\0';
      break;
    case COL_DIRECTION:
      text = g_strdup (sb_event_kind_symbol (kind));
      break;
    case COL_PEER:
      text = g_strdup (sb_transcript_event_get_peer (event) ?: "");
      break;
    case COL_LENGTH:
      if (kind == SB_EVENT_SENT || kind == SB_EVENT_RECEIVED)
        text = g_strdup_printf ("%zu", sb_transcript_event_get_length (event));
      break;
    case COL_PREVIEW:
      text = sb_transcript_view_dup_preview (self, event);
      break;
    }
  gtk_label_set_label (GTK_LABEL (label), text ? text : "");
}

static void
add_column (SbTranscriptView *self,
            const char       *title,
            Column            column,
            gboolean          expand,
            int               fixed_width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *col;

  g_object_set_data (G_OBJECT (factory), "view", self);
  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), GINT_TO_POINTER (column));
  col = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (col, expand);
  gtk_column_view_column_set_resizable (col, TRUE);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (col, fixed_width);
  gtk_column_view_append_column (self->column_view, col);
  g_object_unref (col);
}

/* ---- copy and export ---------------------------------------------------------- */

static void
copy_clicked_cb (SbTranscriptView *self)
{
  SbTranscriptEvent *event = gtk_single_selection_get_selected_item (self->selection);
  g_autofree char *text = NULL;

  if (event == NULL)
    return;
  text = sb_transcript_dup_preview (sb_transcript_event_get_transcript (event),
                                    sb_transcript_event_get_index (event), self->hex, G_MAXSIZE);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
}

static void
export_response_cb (GtkNativeDialog  *dialog,
                    int               response,
                    SbTranscriptView *self)
{
  if (response == GTK_RESPONSE_ACCEPT && self->transcript != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GError) error = NULL;

      if (!sb_transcript_save_text (self->transcript, file, self->hex, &error))
        {
          GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
          GtkWidget *msg = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                   _("Cannot Export the Transcript"),
                                                   error->message);
          adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (msg), "close", _("_Close"));
          gtk_window_present (GTK_WINDOW (msg));
        }
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
export_clicked_cb (SbTranscriptView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_("Export the Transcript"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "transcript.txt");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (export_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* Follow the end while the user is at the bottom.
 *
 * The adjustment only learns about new rows at the next allocation, so
 * setting its value in items-changed was clamped to the old end, and the
 * table stopped following after the first batch (it stayed on the first
 * rows while 100,000 datagrams a second came in). Scrolling the list to its
 * last row sets an anchor that the allocation honours; GTK 4.8 has no
 * gtk_column_view_scroll_to(), so this is the action of the column view's
 * inner GtkListView. Whether to follow is decided when the user moves the
 * view (value-changed), not from a value that lags the rows.
 *
 * Following rebinds every visible row, so it happens at most every
 * FOLLOW_INTERVAL_MS: under a flood the table is rebound 10 times a second
 * instead of at every 16 ms batch, and nobody reads rows that scroll past
 * faster than that. A lone event after a quiet spell still shows at once.
 * (docs/benchmarks.md, "Window under load".) */
#define FOLLOW_INTERVAL_MS 100

static void
scroll_to_end (SbTranscriptView *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));

  self->last_follow = g_get_monotonic_time ();
  if (n == 0)
    return;
  if (self->list_view == NULL)
    for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->column_view)); c != NULL;
         c = gtk_widget_get_next_sibling (c))
      if (GTK_IS_LIST_VIEW (c))
        self->list_view = c;
  if (self->list_view != NULL)
    gtk_widget_activate_action (self->list_view, "list.scroll-to-item", "u", n - 1);
  /* The list places that row from estimated heights, taken before it
   * allocated the new rows, and left the last one just below the edge:
   * once the adjustment has the new size, place it again. */
  self->snap_pending = TRUE;
}

static gboolean
snap_tick_cb (GtkWidget     *widget,
              GdkFrameClock *clock,
              gpointer       data)
{
  SbTranscriptView *self = SB_TRANSCRIPT_VIEW (widget);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));

  self->snap_tick = 0;
  /* the list has allocated its new rows by now: place the last one again,
   * its own way (setting the value would fight the list's anchor) */
  if (self->follow && self->list_view != NULL && n > 0)
    gtk_widget_activate_action (self->list_view, "list.scroll-to-item", "u", n - 1);
  return G_SOURCE_REMOVE;
}

static void
vadjustment_resized_cb (SbTranscriptView *self)
{
  if (!self->snap_pending || !self->follow || self->snap_tick != 0)
    return;
  self->snap_pending = FALSE;
  /* not from here: this runs inside the list's allocation */
  self->snap_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), snap_tick_cb, NULL, NULL);
}

static gboolean
follow_cb (gpointer data)
{
  SbTranscriptView *self = data;

  self->follow_source = 0;
  if (self->follow)
    scroll_to_end (self);
  return G_SOURCE_REMOVE;
}

static void
items_changed_cb (SbTranscriptView *self,
                  guint             position,
                  guint             removed,
                  guint             added)
{
  gint64 since;

  /* The oldest rows left (Keep per Socket): the view will move up by about
   * their height when the list next allocates; that is not the user
   * scrolling away from the end. */
  if (removed > 0 && position == 0 && added == 0)
    {
      guint n_before = g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) + removed - added;

      /* the adjustment still describes the rows before the change */
      double upper = gtk_adjustment_get_upper (gtk_scrolled_window_get_vadjustment (self->scroller));

      if (n_before > 0)
        self->expected_drop += removed * (upper / n_before);
    }
  if (added == 0 || !self->follow || self->follow_source != 0)
    return;
  since = (g_get_monotonic_time () - self->last_follow) / 1000;
  if (since >= FOLLOW_INTERVAL_MS)
    scroll_to_end (self);
  else
    {
      self->follow_source = g_timeout_add (FOLLOW_INTERVAL_MS - since, follow_cb, self);
      g_source_set_name_by_id (self->follow_source, "[sockbench] transcript follow");
    }
}

/* Back at the end: follow again. Moved up: stop. Anything else (the list
 * settling its estimated row heights while rows arrive) changes nothing. */
static void
vadjustment_changed_cb (SbTranscriptView *self)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);
  double value = gtk_adjustment_get_value (adj);
  double upper = gtk_adjustment_get_upper (adj);
  double bottom = upper - gtk_adjustment_get_page_size (adj);

  if (value >= bottom - 48)
    {
      self->follow = TRUE;
      self->expected_drop = 0;
    }
  else if (value < self->last_value && self->expected_drop > 0
           && self->last_value - value <= self->expected_drop * 1.5 + 48)
    /* the oldest rows left: the content moved, not the user (the list's
     * row heights are estimates, hence the slack) */
    self->expected_drop = 0;
  else if (value < self->last_value - 48)
    {
      self->follow = FALSE;
      g_clear_handle_id (&self->follow_source, g_source_remove);
    }
  self->last_value = value;
  self->last_upper = upper;
}

/* The wheel turned up: that is the user leaving the end, whatever the
 * rows leaving the top do to the adjustment at the same time. */
static gboolean
wheel_cb (GtkEventControllerScroll *controller,
          double                    dx,
          double                    dy,
          SbTranscriptView         *self)
{
  if (dy < 0)
    {
      self->follow = FALSE;
      g_clear_handle_id (&self->follow_source, g_source_remove);
    }
  return FALSE;   /* the scrolled window scrolls as usual */
}

/* ---- object ------------------------------------------------------------------ */

static void
sb_transcript_view_dispose (GObject *object)
{
  SbTranscriptView *self = SB_TRANSCRIPT_VIEW (object);

  g_clear_handle_id (&self->follow_source, g_source_remove);
  if (self->snap_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->snap_tick);
      self->snap_tick = 0;
    }
  if (self->column_view != NULL)
    gtk_column_view_set_model (self->column_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->filtered);
  g_clear_object (&self->transcript);
  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_TRANSCRIPT_VIEW);
  G_OBJECT_CLASS (sb_transcript_view_parent_class)->dispose (object);
}

static void
sb_transcript_view_finalize (GObject *object)
{
  SbTranscriptView *self = SB_TRANSCRIPT_VIEW (object);

  g_free (self->text);
  G_OBJECT_CLASS (sb_transcript_view_parent_class)->finalize (object);
}

static void
sb_transcript_view_class_init (SbTranscriptViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_transcript_view_dispose;
  object_class->finalize = sb_transcript_view_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sockbench/Sockbench/sb-transcript-view.ui");
  gtk_widget_class_bind_template_child (widget_class, SbTranscriptView, box);
  gtk_widget_class_bind_template_child (widget_class, SbTranscriptView, column_view);
  gtk_widget_class_bind_template_child (widget_class, SbTranscriptView, direction_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SbTranscriptView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SbTranscriptView, scroller);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, copy_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, export_clicked_cb);
}

static void
sb_transcript_view_init (SbTranscriptView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->decode_linktype = -1;

  add_column (self, _("Time"), COL_TIME, FALSE, 110);
  add_column (self, "", COL_DIRECTION, FALSE, 32);
  add_column (self, _("Peer"), COL_PEER, FALSE, 150);
  add_column (self, _("Length"), COL_LENGTH, FALSE, 64);
  add_column (self, _("Data"), COL_PREVIEW, TRUE, -1);

  self->filter = gtk_custom_filter_new (NULL, NULL, NULL);
  self->filtered = gtk_filter_list_model_new (NULL, GTK_FILTER (self->filter));
  gtk_filter_list_model_set_incremental (self->filtered, TRUE);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->filtered)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->filtered, "items-changed", G_CALLBACK (items_changed_cb), self,
                           G_CONNECT_SWAPPED);
  self->follow = TRUE;
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scroller), "value-changed",
                           G_CALLBACK (vadjustment_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scroller), "changed",
                           G_CALLBACK (vadjustment_resized_cb), self, G_CONNECT_SWAPPED);
  {
    GtkEventController *wheel = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);

    gtk_event_controller_set_propagation_phase (wheel, GTK_PHASE_CAPTURE);
    g_signal_connect (wheel, "scroll", G_CALLBACK (wheel_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self->scroller), wheel);
  }
}

GtkWidget *
sb_transcript_view_new (void)
{
  return g_object_new (SB_TYPE_TRANSCRIPT_VIEW, NULL);
}

void
sb_transcript_view_set_transcript (SbTranscriptView *self,
                                   SbTranscript     *transcript)
{
  g_return_if_fail (SB_IS_TRANSCRIPT_VIEW (self));

  if (!g_set_object (&self->transcript, transcript))
    return;
  if (transcript != NULL)
    sb_transcript_flush (transcript);
  gtk_filter_list_model_set_model (self->filtered, G_LIST_MODEL (transcript));
}

void
sb_transcript_view_set_hex (SbTranscriptView *self,
                            gboolean          hex)
{
  g_return_if_fail (SB_IS_TRANSCRIPT_VIEW (self));

  hex = !!hex;
  if (self->hex == hex)
    return;
  self->hex = hex;
  /* Rebind the visible rows: swapping the model back in is the cheapest way. */
  gtk_column_view_set_model (self->column_view, NULL);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  refilter (self);
}

void
sb_transcript_view_set_decode (SbTranscriptView *self,
                               int               linktype)
{
  g_return_if_fail (SB_IS_TRANSCRIPT_VIEW (self));

  linktype = linktype >= 0 && sb_linktype_is_supported (linktype) ? linktype : -1;
  if (self->decode_linktype == linktype)
    return;
  self->decode_linktype = linktype;
  gtk_column_view_set_model (self->column_view, NULL);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  refilter (self);
}

int
sb_transcript_view_get_decode (SbTranscriptView *self)
{
  g_return_val_if_fail (SB_IS_TRANSCRIPT_VIEW (self), -1);
  return self->decode_linktype;
}

gboolean
sb_transcript_view_shows_end (SbTranscriptView *self)
{
  GtkAdjustment *adj;

  g_return_val_if_fail (SB_IS_TRANSCRIPT_VIEW (self), FALSE);
  adj = gtk_scrolled_window_get_vadjustment (self->scroller);
  return gtk_adjustment_get_value (adj)
         >= gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) - 1;
}

gboolean
sb_transcript_view_get_follow (SbTranscriptView *self)
{
  g_return_val_if_fail (SB_IS_TRANSCRIPT_VIEW (self), FALSE);
  return self->follow;
}

GListModel *
sb_transcript_view_get_model (SbTranscriptView *self)
{
  g_return_val_if_fail (SB_IS_TRANSCRIPT_VIEW (self), NULL);
  return G_LIST_MODEL (self->filtered);
}
