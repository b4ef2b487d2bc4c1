/* sb-capture-pane.c — the Capture page: live capture and capture files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "sb-application.h"
#include "sb-capture-pane.h"
#include "sb-field-item.h"

#define COUNTERS_INTERVAL_MS 500

typedef enum
{
  COL_NUMBER,
  COL_TIME,
  COL_SOURCE,
  COL_DESTINATION,
  COL_PROTOCOL,
  COL_LENGTH,
  COL_INFO,
} Column;

struct _SbCapturePane
{
  GtkWidget           parent_instance;

  /* template */
  GtkWidget          *toolbar;
  GtkButton          *start_button;
  AdwButtonContent   *start_content;
  GtkDropDown        *iface_dropdown;
  GtkEntry           *filter_entry;
  GtkRevealer        *filter_error_revealer;
  GtkLabel           *filter_error_label;
  GtkRevealer        *banner_revealer;
  GtkImage           *banner_icon;
  GtkLabel           *banner_title;
  GtkLabel           *banner_label;
  GtkSpinButton      *snaplen_spin;
  GtkSpinButton      *buffer_spin;
  GtkSwitch          *promiscuous_switch;
  GtkSwitch          *immediate_switch;
  GtkStack           *list_stack;
  GtkStack           *detail_stack;
  GtkPaned           *detail_paned;
  int                 detail_auto_position;   /* -1: the user moved the divider */
  gboolean            detail_positioning;
  GtkScrolledWindow  *packet_scroller;
  GtkColumnView      *packet_view;
  GtkListView        *field_view;
  SbHexView          *bytes_view;
  GtkLabel           *state_label;
  GtkLabel           *counters_label;

  SbCapture          *capture;
  SbPacketStore      *store;
  GtkSliceListModel  *rows;          /* the store, as far as the list shows it */
  guint               ramp_tick;     /* growing rows, a step a frame */
  GtkSingleSelection *selection;
  GtkStringList      *iface_names;
  GHashTable         *ifaces;        /* name → SbInterface */
  GtkTreeListModel   *fields;
  GtkSingleSelection *field_selection;
  char               *filter_error;
  guint               counters_source;
  gboolean            follow;        /* keep the newest packet in view */
  GtkNativeDialog    *chooser;
  GSettings          *settings;
};

G_DEFINE_FINAL_TYPE (SbCapturePane, sb_capture_pane, GTK_TYPE_WIDGET)

static void update_state (SbCapturePane *self);

/* ---- interfaces ---------------------------------------------------------------- */

static char *
describe_interface (const SbInterface *iface)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  g_autofree char *flags = NULL;

  if (g_strcmp0 (iface->name, "any") == 0)
    g_ptr_array_add (parts, _("all interfaces"));
  if (iface->flags & SB_INTERFACE_UP)
    g_ptr_array_add (parts, _("up"));
  else
    g_ptr_array_add (parts, _("down"));
  if (iface->flags & SB_INTERFACE_RUNNING)
    g_ptr_array_add (parts, _("running"));
  if (iface->flags & SB_INTERFACE_LOOPBACK)
    g_ptr_array_add (parts, _("loopback"));
  if (iface->flags & SB_INTERFACE_WIRELESS)
    g_ptr_array_add (parts, _("wireless"));
  g_ptr_array_add (parts, NULL);
  flags = g_strjoinv (", ", (char **) parts->pdata);

  if (iface->addresses != NULL && iface->addresses[0] != NULL)
    {
      g_autofree char *addresses = g_strjoinv (", ", iface->addresses);

      /* TRANSLATORS: an interface's state, then its addresses */
      return g_strdup_printf (_("%s · %s"), flags, addresses);
    }
  return g_steal_pointer (&flags);
}

static void
iface_setup_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  popup)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (NULL);

  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), name);
  if (GPOINTER_TO_INT (popup))
    {
      GtkWidget *subtitle = gtk_label_new (NULL);

      gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
      gtk_label_set_wrap (GTK_LABEL (subtitle), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (subtitle), 40);
      gtk_widget_add_css_class (subtitle, "caption");
      gtk_widget_add_css_class (subtitle, "dim-label");
      gtk_box_append (GTK_BOX (box), subtitle);
    }
  else
    gtk_label_set_width_chars (GTK_LABEL (name), 4);
  gtk_list_item_set_child (item, box);
}

static void
iface_bind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               SbCapturePane            *self)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *name = gtk_widget_get_first_child (box);
  GtkWidget *subtitle = gtk_widget_get_next_sibling (name);
  const char *iface_name = gtk_string_object_get_string (gtk_list_item_get_item (item));
  const SbInterface *iface = g_hash_table_lookup (self->ifaces, iface_name);
  g_autofree char *description = iface != NULL ? describe_interface (iface) : NULL;

  gtk_label_set_label (GTK_LABEL (name), iface_name);
  if (subtitle != NULL)
    gtk_label_set_label (GTK_LABEL (subtitle), description ? description : "");
  gtk_widget_set_tooltip_text (box, description);
}

static void
load_interfaces (SbCapturePane *self)
{
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  list = sb_capture_list_interfaces (&error);
  if (list == NULL)
    {
      g_warning ("Cannot list the capture interfaces: %s", error->message);
      list = g_ptr_array_new ();
    }
  /* "any" first, then libpcap's order (up and running ones come first) */
  for (guint i = 0; i < list->len; i++)
    {
      SbInterface *iface = g_ptr_array_index (list, i);

      g_hash_table_replace (self->ifaces, iface->name, sb_interface_copy (iface));
    }
  if (!g_hash_table_contains (self->ifaces, "any"))
    {
      SbInterface any = { (char *) "any", NULL, SB_INTERFACE_UP | SB_INTERFACE_RUNNING, NULL };

      g_hash_table_replace (self->ifaces, any.name, sb_interface_copy (&any));
    }
  g_ptr_array_add (names, (char *) "any");
  for (guint i = 0; i < list->len; i++)
    {
      SbInterface *iface = g_ptr_array_index (list, i);

      if (g_strcmp0 (iface->name, "any") != 0)
        g_ptr_array_add (names, iface->name);
    }
  g_ptr_array_add (names, NULL);
  /* the hash table's keys are the copies' names: look them up again */
  for (guint i = 0; names->pdata[i] != NULL; i++)
    names->pdata[i] = ((SbInterface *) g_hash_table_lookup (self->ifaces, names->pdata[i]))->name;
  self->iface_names = gtk_string_list_new ((const char * const *) names->pdata);
}

static gboolean
find_interface (SbCapturePane *self,
                const char    *name,
                guint         *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->iface_names));

  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (gtk_string_list_get_string (self->iface_names, i), name) == 0)
      {
        *position = i;
        return TRUE;
      }
  return FALSE;
}

gboolean
sb_capture_pane_set_interface (SbCapturePane *self,
                               const char    *name)
{
  guint position;

  g_return_val_if_fail (SB_IS_CAPTURE_PANE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (!find_interface (self, name, &position))
    return FALSE;
  gtk_drop_down_set_selected (self->iface_dropdown, position);
  return TRUE;
}

const char *
sb_capture_pane_get_interface (SbCapturePane *self)
{
  GtkStringObject *item;

  g_return_val_if_fail (SB_IS_CAPTURE_PANE (self), NULL);
  item = gtk_drop_down_get_selected_item (self->iface_dropdown);
  return item != NULL ? gtk_string_object_get_string (item) : NULL;
}

/* ---- the filter ------------------------------------------------------------------ */

static void
validate_filter (SbCapturePane *self)
{
  const char *filter = gtk_editable_get_text (GTK_EDITABLE (self->filter_entry));
  const char *iface = sb_capture_pane_get_interface (self);
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->filter_error, g_free);
  if (!sb_capture_check_filter (filter, sb_capture_guess_linktype (iface ? iface : "any"), &error))
    self->filter_error = g_strdup (error->message);

  if (self->filter_error != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->filter_entry), "error");
      gtk_label_set_label (self->filter_error_label, self->filter_error);
    }
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->filter_entry), "error");
  gtk_revealer_set_reveal_child (self->filter_error_revealer, self->filter_error != NULL);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->filter_entry),
                               GTK_ACCESSIBLE_STATE_INVALID,
                               self->filter_error != NULL ? GTK_ACCESSIBLE_INVALID_TRUE
                                                          : GTK_ACCESSIBLE_INVALID_FALSE,
                               -1);
  update_state (self);
}

static void
filter_changed_cb (SbCapturePane *self)
{
  validate_filter (self);
}

static void
filter_activate_cb (SbCapturePane *self)
{
  if (sb_capture_get_state (self->capture) == SB_CAPTURE_IDLE && self->filter_error == NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "capture.start", NULL);
}

void
sb_capture_pane_set_filter (SbCapturePane *self,
                            const char    *filter)
{
  g_return_if_fail (SB_IS_CAPTURE_PANE (self));
  gtk_editable_set_text (GTK_EDITABLE (self->filter_entry), filter ? filter : "");
  validate_filter (self);
}

const char *
sb_capture_pane_get_filter (SbCapturePane *self)
{
  g_return_val_if_fail (SB_IS_CAPTURE_PANE (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->filter_entry));
}

const char *
sb_capture_pane_get_filter_error (SbCapturePane *self)
{
  g_return_val_if_fail (SB_IS_CAPTURE_PANE (self), NULL);
  return self->filter_error;
}

/* ---- state, counters, banner ---------------------------------------------------------- */

static void
show_banner (SbCapturePane *self,
             const GError  *error)
{
  gboolean permission = g_error_matches (error, SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_PERMISSION);

  gtk_image_set_from_icon_name (self->banner_icon,
                                permission ? "dialog-password-symbolic" : "dialog-warning-symbolic");
  gtk_label_set_label (self->banner_title,
                       permission ? _("Live capture needs the CAP_NET_RAW capability")
                                  : _("Cannot capture"));
  gtk_label_set_label (self->banner_label, error->message);
  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
}

static void
hide_banner (SbCapturePane *self)
{
  gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
}

const char *
sb_capture_pane_get_banner_text (SbCapturePane *self)
{
  g_return_val_if_fail (SB_IS_CAPTURE_PANE (self), NULL);
  return gtk_revealer_get_reveal_child (self->banner_revealer)
         ? gtk_label_get_label (self->banner_label) : NULL;
}

static void
update_counters (SbCapturePane *self)
{
  guint listed = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  guint64 captured = sb_capture_get_captured (self->capture);
  guint64 dropped = sb_capture_get_dropped (self->capture);
  SbCaptureState state = sb_capture_get_state (self->capture);
  g_autoptr(GString) text = g_string_new (NULL);

  /* TRANSLATORS: packet counters in the capture pane's status line */
  g_string_append_printf (text, _("Captured %llu · Listed %u · Dropped %llu"),
                          (unsigned long long) captured, listed, (unsigned long long) dropped);
  if (state == SB_CAPTURE_LIVE)
    g_string_append_printf (text, _(" · %.0f packets/s"), sb_capture_get_rate (self->capture));
  if (g_strcmp0 (gtk_label_get_label (self->counters_label), text->str) != 0)
    gtk_label_set_label (self->counters_label, text->str);
  if (dropped > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->counters_label), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->counters_label), "warning");
}

const char *
sb_capture_pane_get_counters_text (SbCapturePane *self)
{
  g_return_val_if_fail (SB_IS_CAPTURE_PANE (self), NULL);
  update_counters (self);
  return gtk_label_get_label (self->counters_label);
}

static gboolean
counters_tick_cb (gpointer data)
{
  update_counters (data);
  return G_SOURCE_CONTINUE;
}

static void
update_state (SbCapturePane *self)
{
  SbCaptureState state = sb_capture_get_state (self->capture);
  gboolean idle = state == SB_CAPTURE_IDLE;
  guint n = sb_packet_store_get_n_packets (self->store);
  GtkWidget *button = GTK_WIDGET (self->start_button);
  g_autofree char *state_text = NULL;

  if (idle)
    {
      adw_button_content_set_icon_name (self->start_content, "media-record-symbolic");
      adw_button_content_set_label (self->start_content, _("_Start"));
      gtk_widget_set_tooltip_text (button, _("Start Capturing (Ctrl+E)"));
      gtk_widget_remove_css_class (button, "destructive-action");
      gtk_widget_add_css_class (button, "suggested-action");
    }
  else
    {
      adw_button_content_set_icon_name (self->start_content, "media-playback-stop-symbolic");
      adw_button_content_set_label (self->start_content, _("_Stop"));
      gtk_widget_set_tooltip_text (button, _("Stop Capturing (Ctrl+E)"));
      gtk_widget_remove_css_class (button, "suggested-action");
      gtk_widget_add_css_class (button, "destructive-action");
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "capture.start",
                                 idle && self->filter_error == NULL
                                 && sb_capture_pane_get_interface (self) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "capture.toggle",
                                 !idle || (self->filter_error == NULL
                                           && sb_capture_pane_get_interface (self) != NULL));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "capture.stop", !idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "capture.open", idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "capture.save-as", n > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "capture.clear", idle && n > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->iface_dropdown), idle);

  gtk_stack_set_visible_child_name (self->list_stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->store)) > 0
                                    ? "list" : "empty");

  switch (state)
    {
    case SB_CAPTURE_LIVE:
      state_text = g_strdup_printf (_("Capturing on %s"), sb_capture_get_interface (self->capture));
      break;
    case SB_CAPTURE_READING:
      state_text = g_strdup (_("Reading file…"));
      break;
    case SB_CAPTURE_IDLE:
    default:
      state_text = g_strdup (n > 0 ? _("Stopped") : _("Ready"));
      break;
    }
  gtk_label_set_label (self->state_label, state_text);

  if (!idle && self->counters_source == 0)
    self->counters_source = g_timeout_add (COUNTERS_INTERVAL_MS, counters_tick_cb, self);
  else if (idle)
    g_clear_handle_id (&self->counters_source, g_source_remove);
  update_counters (self);
}

static void
capture_finished_cb (SbCapturePane *self,
                     const GError  *error)
{
  if (error != NULL && !g_error_matches (error, SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_INVALID_STATE))
    show_banner (self, error);
  sb_packet_store_flush (self->store);
  update_state (self);
}

/* ---- the packet list ------------------------------------------------------------- */

static void
packet_setup_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  data)
{
  Column column = GPOINTER_TO_INT (data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label),
                        column == COL_NUMBER || column == COL_LENGTH || column == COL_TIME ? 1 : 0);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (label),
                           column == COL_SOURCE || column == COL_DESTINATION
                           ? PANGO_ELLIPSIZE_MIDDLE : PANGO_ELLIPSIZE_END);
  if (column == COL_NUMBER || column == COL_TIME || column == COL_LENGTH)
    gtk_widget_add_css_class (label, "numeric");
  if (column == COL_NUMBER)
    gtk_widget_add_css_class (label, "dim-label");
  gtk_list_item_set_child (item, label);
}

static void
packet_bind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  data)
{
  Column column = GPOINTER_TO_INT (data);
  SbPacket *packet = gtk_list_item_get_item (item);
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (item));
  char buf[32];
  const char *text = NULL;

  switch (column)
    {
    case COL_NUMBER:
      g_snprintf (buf, sizeof buf, "%u", sb_packet_get_number (packet));
      text = buf;
      break;
    case COL_TIME:
      g_snprintf (buf, sizeof buf, "%.6f", sb_packet_get_time (packet));
      text = buf;
      break;
    case COL_SOURCE:
      text = sb_packet_get_source (packet);
      break;
    case COL_DESTINATION:
      text = sb_packet_get_destination (packet);
      break;
    case COL_PROTOCOL:
      text = sb_packet_get_protocol (packet);
      break;
    case COL_LENGTH:
      g_snprintf (buf, sizeof buf, "%u", sb_packet_get_length (packet));
      text = buf;
      break;
    case COL_INFO:
      text = sb_packet_get_info (packet);
      break;
    }
  gtk_label_set_label (label, text ? text : "");
  if (column == COL_INFO || column == COL_PROTOCOL)
    {
      if (sb_packet_get_problem (packet))
        gtk_widget_add_css_class (GTK_WIDGET (label), "error");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
    }
}

static void
add_column (SbCapturePane *self,
            const char    *title,
            Column         column,
            int            fixed_width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *col;

  g_signal_connect (factory, "setup", G_CALLBACK (packet_setup_cb), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (packet_bind_cb), GINT_TO_POINTER (column));
  col = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_resizable (col, TRUE);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (col, fixed_width);
  else
    gtk_column_view_column_set_expand (col, TRUE);
  gtk_column_view_append_column (self->packet_view, col);
  g_object_unref (col);
}

/* The list's first rows are let in a step a frame. GTK 4.8's GtkColumnView
 * (its GtkListView) keeps widgets for up to 200 items, whatever is visible
 * (GTK_LIST_VIEW_MAX_LIST_ITEMS), and makes them as soon as the model has
 * the items: the first batch of a flood (~14k packets) had it make, bind
 * and measure 200 rows × 7 cells at once, 30 ms in the items-changed, 40 ms
 * measuring the toplevel, a 22 ms first frame: one frame gap of 110–280 ms
 * (docs/benchmarks.md, "Capture pane under a flood"). 12 rows a frame cost
 * 5–7 ms a frame; once the 200 rows exist they are only rebound, so the
 * list then shows the whole store, and a batch of any size costs little.
 * A clear takes the rows away, so the ramp starts again after one. Tick
 * callbacks run only while the list is mapped: a hidden pane makes no rows
 * and ramps up once shown. */
#define RAMP_ROWS 200
#define RAMP_STEP 12

static void
ramp_finish (SbCapturePane *self)
{
  if (self->ramp_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self->packet_view), self->ramp_tick);
      self->ramp_tick = 0;
    }
  if (gtk_slice_list_model_get_size (self->rows) != G_MAXUINT)
    gtk_slice_list_model_set_size (self->rows, G_MAXUINT);
}

static gboolean
ramp_tick_cb (GtkWidget     *widget,
              GdkFrameClock *clock,
              gpointer       data)
{
  SbCapturePane *self = data;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  guint size = gtk_slice_list_model_get_size (self->rows);

  size = MIN (n, size + RAMP_STEP);
  if (size >= RAMP_ROWS)
    {
      self->ramp_tick = 0;   /* removed by returning so */
      gtk_slice_list_model_set_size (self->rows, G_MAXUINT);
      return G_SOURCE_REMOVE;
    }
  gtk_slice_list_model_set_size (self->rows, size);
  if (size < n)
    return G_SOURCE_CONTINUE;
  self->ramp_tick = 0;
  return G_SOURCE_REMOVE;
}

static void
store_items_changed_cb (SbCapturePane *self,
                        guint          position,
                        guint          removed,
                        guint          added)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  guint size = gtk_slice_list_model_get_size (self->rows);

  if (size == G_MAXUINT && removed > 0 && n < RAMP_ROWS)
    gtk_slice_list_model_set_size (self->rows, size = n);   /* the rows went with them */
  else if (size != G_MAXUINT && n < size)
    gtk_slice_list_model_set_size (self->rows, size = n);
  if (size != G_MAXUINT && n > size && self->ramp_tick == 0)
    self->ramp_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->packet_view), ramp_tick_cb, self, NULL);
  update_state (self);
}

/* Keep the newest packet in view while the user has not scrolled away
 * from the end (the way a terminal follows its output). */
static void
vadjustment_value_changed_cb (SbCapturePane *self,
                              GtkAdjustment *adj)
{
  self->follow = gtk_adjustment_get_value (adj)
                 >= gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) - 1;
}

static void
vadjustment_upper_cb (SbCapturePane *self,
                      GParamSpec    *pspec,
                      GtkAdjustment *adj)
{
  if (self->follow && gtk_single_selection_get_selected (self->selection) == GTK_INVALID_LIST_POSITION)
    gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
}

/* ---- the field tree and the bytes ------------------------------------------------- */

static GListModel *
field_children_cb (gpointer item,
                   gpointer data)
{
  return sb_field_item_dup_children (item);
}

static void
field_setup_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  data)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), label);
  gtk_list_item_set_child (item, expander);
}

static void
field_bind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  data)
{
  GtkTreeListRow *row = gtk_list_item_get_item (item);
  GtkWidget *expander = gtk_list_item_get_child (item);
  GtkWidget *label = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
  g_autoptr(SbFieldItem) field_item = gtk_tree_list_row_get_item (row);
  const SbField *field = sb_field_item_get_field (field_item);
  g_autofree char *text = sb_field_dup_text (field);
  g_autofree char *tooltip = NULL;

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  gtk_label_set_label (GTK_LABEL (label), text);
  if (field->kind == SB_FIELD_LAYER)
    gtk_widget_add_css_class (label, "layer");
  else
    gtk_widget_remove_css_class (label, "layer");
  if (field->kind == SB_FIELD_PROBLEM)
    gtk_widget_add_css_class (label, "error");
  else
    gtk_widget_remove_css_class (label, "error");
  if (field->length > 0)
    tooltip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s\n%u byte at offset %u",
                                            "%s\n%u bytes at offset %u", field->length),
                               text, field->length, field->offset);
  gtk_widget_set_tooltip_text (label, tooltip ? tooltip : text);
}

static void
field_selected_cb (SbCapturePane *self)
{
  g_autoptr(SbFieldItem) item = NULL;
  GtkTreeListRow *row;

  row = gtk_single_selection_get_selected_item (self->field_selection);
  if (row == NULL)
    {
      sb_hex_view_set_highlight (self->bytes_view, 0, 0);
      return;
    }
  item = gtk_tree_list_row_get_item (row);
  sb_hex_view_set_highlight (self->bytes_view, sb_field_item_get_field (item)->offset,
                             sb_field_item_get_field (item)->length);
}

static void
show_packet (SbCapturePane *self,
             SbPacket      *packet)
{
  SbField *root = packet != NULL ? sb_packet_decode_fields (packet) : NULL;
  g_autoptr(GBytes) bytes = packet != NULL ? sb_packet_get_bytes (packet) : NULL;
  GListModel *list = root != NULL ? sb_field_item_list_new (root) : NULL;

  if (self->field_selection != NULL)
    g_signal_handlers_disconnect_by_data (self->field_selection, self);
  g_clear_object (&self->field_selection);
  g_clear_object (&self->fields);

  if (list == NULL)
    list = G_LIST_MODEL (g_list_store_new (SB_TYPE_FIELD_ITEM));
  self->fields = gtk_tree_list_model_new (list, FALSE, FALSE, field_children_cb, NULL, NULL);
  /* open the topmost layer (UDP, TCP, ICMP…): what the packet is about */
  for (guint i = g_list_model_get_n_items (G_LIST_MODEL (self->fields)); i > 1; i--)
    {
      g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_row (self->fields, i - 1);
      g_autoptr(SbFieldItem) item = gtk_tree_list_row_get_item (row);

      if (sb_field_item_get_field (item)->kind == SB_FIELD_LAYER)
        {
          gtk_tree_list_row_set_expanded (row, TRUE);
          break;
        }
    }
  self->field_selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->fields)));
  gtk_single_selection_set_autoselect (self->field_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->field_selection, TRUE);
  gtk_single_selection_set_selected (self->field_selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_swapped (self->field_selection, "notify::selected-item",
                            G_CALLBACK (field_selected_cb), self);
  gtk_list_view_set_model (self->field_view, GTK_SELECTION_MODEL (self->field_selection));

  sb_hex_view_set_bytes (self->bytes_view, bytes);
  gtk_stack_set_visible_child_name (self->detail_stack, root != NULL ? "detail" : "none");
}

static void
packet_selected_cb (SbCapturePane *self)
{
  show_packet (self, gtk_single_selection_get_selected_item (self->selection));
}

void
sb_capture_pane_select_packet (SbCapturePane *self,
                               guint          index)
{
  g_return_if_fail (SB_IS_CAPTURE_PANE (self));
  if (index >= gtk_slice_list_model_get_size (self->rows))
    ramp_finish (self);
  gtk_single_selection_set_selected (self->selection, index);
}

GListModel *
sb_capture_pane_get_fields (SbCapturePane *self)
{
  g_return_val_if_fail (SB_IS_CAPTURE_PANE (self), NULL);
  return G_LIST_MODEL (self->fields);
}

gboolean
sb_capture_pane_select_field (SbCapturePane *self,
                              const char    *name)
{
  g_return_val_if_fail (SB_IS_CAPTURE_PANE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  /* expanding a row inserts its children right after it, so one pass
   * walks down into the branch that holds the field */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->fields)); i++)
    {
      g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_row (self->fields, i);
      g_autoptr(SbFieldItem) item = gtk_tree_list_row_get_item (row);
      const SbField *field = sb_field_item_get_field (item);

      if (g_strcmp0 (field->name, name) == 0)
        {
          gtk_single_selection_set_selected (self->field_selection, i);
          gtk_widget_activate_action (GTK_WIDGET (self->field_view), "list.scroll-to-item", "u", i);
          return TRUE;
        }
      if (sb_field_find (field, name) != NULL)
        gtk_tree_list_row_set_expanded (row, TRUE);
    }
  return FALSE;
}

SbHexView *
sb_capture_pane_get_bytes_view (SbCapturePane *self)
{
  g_return_val_if_fail (SB_IS_CAPTURE_PANE (self), NULL);
  return self->bytes_view;
}

/* GtkPaned shares space by minimum sizes; the dump should have its full
 * width when there is room, the field tree the rest, until the user
 * moves the divider. */
static void
detail_max_position_cb (SbCapturePane *self)
{
  GtkWidget *bytes_side = gtk_paned_get_end_child (self->detail_paned);
  int max_position = 0, natural = 0, width, position;

  /* GTK 4.8 has no getter for it */
  g_object_get (self->detail_paned, "max-position", &max_position, NULL);
  if (self->detail_auto_position < 0 || max_position <= 0)
    return;
  gtk_widget_measure (bytes_side, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
  /* max-position leaves out the dump's minimum width: use the whole width */
  width = gtk_widget_get_width (GTK_WIDGET (self->detail_paned));
  position = MAX (width - natural - 1, MIN (width / 2, 280));
  position = MIN (position, max_position);
  self->detail_auto_position = position;
  self->detail_positioning = TRUE;
  gtk_paned_set_position (self->detail_paned, position);
  self->detail_positioning = FALSE;
}

static void
detail_position_cb (SbCapturePane *self)
{
  if (!self->detail_positioning && self->detail_auto_position > 0
      && gtk_paned_get_position (self->detail_paned) != self->detail_auto_position)
    self->detail_auto_position = -1;
}

/* ---- start, stop, files --------------------------------------------------------- */

static void
apply_settings (SbCapturePane *self)
{
  sb_capture_set_interface (self->capture, sb_capture_pane_get_interface (self));
  sb_capture_set_filter (self->capture, gtk_editable_get_text (GTK_EDITABLE (self->filter_entry)));
  sb_capture_set_snaplen (self->capture, gtk_spin_button_get_value_as_int (self->snaplen_spin));
  sb_capture_set_promiscuous (self->capture, gtk_switch_get_active (self->promiscuous_switch));
  sb_capture_set_immediate (self->capture, gtk_switch_get_active (self->immediate_switch));
  sb_capture_set_buffer_size (self->capture,
                              (guint) gtk_spin_button_get_value_as_int (self->buffer_spin) * 1024 * 1024);
}

static void
clear_packets (SbCapturePane *self)
{
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  sb_packet_store_clear (self->store);
  sb_packet_store_flush (self->store);
  show_packet (self, NULL);
  self->follow = TRUE;
}

gboolean
sb_capture_pane_start (SbCapturePane *self,
                       GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (SB_IS_CAPTURE_PANE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->filter_error != NULL)
    {
      g_set_error_literal (error, SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_BAD_FILTER, self->filter_error);
      return FALSE;
    }
  apply_settings (self);
  clear_packets (self);
  if (!sb_capture_start (self->capture, NULL, &local_error))
    {
      show_banner (self, local_error);
      update_state (self);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  hide_banner (self);
  update_state (self);
  return TRUE;
}

void
sb_capture_pane_stop (SbCapturePane *self)
{
  g_return_if_fail (SB_IS_CAPTURE_PANE (self));
  sb_capture_stop (self->capture);
  sb_packet_store_flush (self->store);
  update_state (self);
}

static void
show_error_dialog (SbCapturePane *self,
                   const char    *heading,
                   const char    *body)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  gtk_window_present (GTK_WINDOW (dialog));
}

gboolean
sb_capture_pane_open_file (SbCapturePane *self,
                           GFile         *file,
                           GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(SbCapture) probe = NULL;

  g_return_val_if_fail (SB_IS_CAPTURE_PANE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error (&local_error, SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_BAD_FILE,
                   _("Cannot open %s: only local files can be read"), g_file_peek_path (file));
    }
  else if (sb_capture_get_state (self->capture) != SB_CAPTURE_IDLE)
    {
      g_set_error_literal (&local_error, SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_INVALID_STATE,
                           _("Stop the capture before opening a file"));
    }
  else
    {
      /* The capture appends to the list: try the file on a throwaway
       * capture first, so a bad one leaves the packets shown alone. */
      probe = sb_capture_new (NULL);
      sb_capture_set_filter (probe, gtk_editable_get_text (GTK_EDITABLE (self->filter_entry)));
      if (sb_capture_open_file (probe, path, &local_error))
        {
          sb_capture_stop (probe);
          clear_packets (self);
          sb_capture_set_filter (self->capture, gtk_editable_get_text (GTK_EDITABLE (self->filter_entry)));
          sb_capture_open_file (self->capture, path, &local_error);
        }
    }

  if (local_error != NULL)
    {
      show_error_dialog (self, _("Cannot Open Capture File"), local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      update_state (self);
      return FALSE;
    }
  hide_banner (self);
  update_state (self);
  return TRUE;
}

gboolean
sb_capture_pane_save (SbCapturePane *self,
                      GFile         *file,
                      GError       **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (SB_IS_CAPTURE_PANE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error (error, SB_PACKET_STORE_ERROR, SB_PACKET_STORE_ERROR_FAILED,
                   _("Cannot save to %s: only local files can be written"), g_file_peek_path (file));
      return FALSE;
    }
  return sb_packet_store_save (self->store, path, 0, G_MAXUINT, error);
}

static void
open_response_cb (GtkNativeDialog *chooser,
                  int              response,
                  SbCapturePane   *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      sb_capture_pane_open_file (self, file, NULL);
    }
  g_clear_object (&self->chooser);
}

static void
save_response_cb (GtkNativeDialog *chooser,
                  int              response,
                  SbCapturePane   *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autoptr(GError) error = NULL;

      if (!sb_capture_pane_save (self, file, &error))
        show_error_dialog (self, _("Cannot Save Capture"), error->message);
    }
  g_clear_object (&self->chooser);
}

static void
add_filters (GtkFileChooser *chooser)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Capture files (pcap, pcapng)"));
  gtk_file_filter_add_mime_type (filter, "application/vnd.tcpdump.pcap");
  gtk_file_filter_add_mime_type (filter, "application/x-pcapng");
  gtk_file_filter_add_suffix (filter, "pcap");
  gtk_file_filter_add_suffix (filter, "pcapng");
  gtk_file_filter_add_suffix (filter, "cap");
  gtk_file_chooser_add_filter (chooser, filter);
  g_object_unref (filter);
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("All files"));
  gtk_file_filter_add_pattern (filter, "*");
  gtk_file_chooser_add_filter (chooser, filter);
  g_object_unref (filter);
}

static void
run_chooser (SbCapturePane        *self,
             GtkFileChooserAction  action,
             GCallback             response_cb)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser;
  gboolean save = action == GTK_FILE_CHOOSER_ACTION_SAVE;

  if (self->chooser != NULL)
    return;
  chooser = gtk_file_chooser_native_new (save ? _("Save Capture") : _("Open Capture File"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, action,
                                         save ? _("_Save") : _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  add_filters (GTK_FILE_CHOOSER (chooser));
  if (save)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "capture.pcap");
  g_signal_connect (chooser, "response", response_cb, self);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
}

/* ---- following a socket ----------------------------------------------------------- */

static gboolean
address_of (GSocketAddress *address,
            char          **host,
            guint          *port,
            gboolean       *loopback)
{
  GInetAddress *inet;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return FALSE;
  inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
  *loopback = g_inet_address_get_is_loopback (inet);
  *host = g_inet_address_get_is_any (inet) ? NULL : g_inet_address_to_string (inet);
  return TRUE;
}

gboolean
sb_capture_pane_follow_socket (SbCapturePane *self,
                               SbSocket      *socket)
{
  g_autofree char *local_host = NULL;
  g_autofree char *remote_host = NULL;
  guint local_port = 0, remote_port = 0;
  gboolean local_loop = FALSE, remote_loop = FALSE;
  gboolean has_local, has_remote;
  g_autoptr(GPtrArray) terms = g_ptr_array_new_with_free_func (g_free);
  const char *host;
  guint port;
  g_autofree char *filter = NULL;

  g_return_val_if_fail (SB_IS_CAPTURE_PANE (self), FALSE);
  g_return_val_if_fail (SB_IS_SOCKET (socket), FALSE);

  if (sb_socket_get_family (socket) == SB_FAMILY_PACKET)
    return FALSE;
  has_local = address_of (sb_socket_get_local_address (socket), &local_host, &local_port, &local_loop);
  has_remote = address_of (sb_socket_get_remote_address (socket), &remote_host, &remote_port, &remote_loop);
  if (!has_local && !has_remote)
    return FALSE;

  switch (sb_socket_get_socket_type (socket))
    {
    case SB_SOCKET_STREAM:
      g_ptr_array_add (terms, g_strdup ("tcp"));
      break;
    case SB_SOCKET_DATAGRAM:
      g_ptr_array_add (terms, g_strdup ("udp"));
      break;
    default:
      if (sb_socket_get_protocol (socket) > 0)
        g_ptr_array_add (terms, g_strdup_printf ("%s proto %d",
                                                 sb_socket_get_family (socket) == SB_FAMILY_IPV6
                                                 ? "ip6" : "ip",
                                                 sb_socket_get_protocol (socket)));
      break;
    }
  /* the socket's own address when it has a specific one, else its peer's;
   * its own port, which tells it apart from other sockets on the host */
  host = local_host != NULL ? local_host : remote_host;
  port = local_port != 0 ? local_port : remote_port;
  if (host != NULL)
    g_ptr_array_add (terms, g_strdup_printf ("host %s", host));
  if (port != 0 && (sb_socket_get_socket_type (socket) == SB_SOCKET_STREAM
                    || sb_socket_get_socket_type (socket) == SB_SOCKET_DATAGRAM))
    g_ptr_array_add (terms, g_strdup_printf ("port %u", port));
  if (terms->len == 0)
    return FALSE;
  g_ptr_array_add (terms, NULL);
  filter = g_strjoinv (" and ", (char **) terms->pdata);

  if (sb_capture_get_state (self->capture) == SB_CAPTURE_IDLE && (local_loop || remote_loop))
    sb_capture_pane_set_interface (self, "lo");
  sb_capture_pane_set_filter (self, filter);
  return TRUE;
}

/* ---- actions ------------------------------------------------------------------ */

static void
start_action (GtkWidget  *widget,
              const char *name,
              GVariant   *param)
{
  sb_capture_pane_start (SB_CAPTURE_PANE (widget), NULL);
}

static void
stop_action (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  sb_capture_pane_stop (SB_CAPTURE_PANE (widget));
}

static void
toggle_action (GtkWidget  *widget,
               const char *name,
               GVariant   *param)
{
  SbCapturePane *self = SB_CAPTURE_PANE (widget);

  if (sb_capture_get_state (self->capture) == SB_CAPTURE_IDLE)
    sb_capture_pane_start (self, NULL);
  else
    sb_capture_pane_stop (self);
}

static void
open_action (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  run_chooser (SB_CAPTURE_PANE (widget), GTK_FILE_CHOOSER_ACTION_OPEN, G_CALLBACK (open_response_cb));
}

static void
save_as_action (GtkWidget  *widget,
                const char *name,
                GVariant   *param)
{
  run_chooser (SB_CAPTURE_PANE (widget), GTK_FILE_CHOOSER_ACTION_SAVE, G_CALLBACK (save_response_cb));
}

static void
clear_action (GtkWidget  *widget,
              const char *name,
              GVariant   *param)
{
  SbCapturePane *self = SB_CAPTURE_PANE (widget);

  clear_packets (self);
  update_state (self);
}

static void
dismiss_action (GtkWidget  *widget,
                const char *name,
                GVariant   *param)
{
  hide_banner (SB_CAPTURE_PANE (widget));
}

/* ---- settings ----------------------------------------------------------------- */

static void
iface_selected_cb (SbCapturePane *self)
{
  const char *iface = sb_capture_pane_get_interface (self);

  if (self->settings != NULL && iface != NULL)
    g_settings_set_string (self->settings, "capture-interface", iface);
  /* the link type, and so what the filter may say, depends on it */
  if (self->filter_entry != NULL)
    validate_filter (self);
}

static gboolean
int_to_double (GValue   *value,
               GVariant *variant,
               gpointer  data)
{
  g_value_set_double (value, g_variant_get_int32 (variant));
  return TRUE;
}

static GVariant *
double_to_int (const GValue       *value,
               const GVariantType *type,
               gpointer            data)
{
  return g_variant_new_int32 ((gint32) g_value_get_double (value));
}

static void
load_settings (SbCapturePane *self)
{
  GApplication *app = g_application_get_default ();
  g_autofree char *iface = NULL;

  if (!SB_IS_APPLICATION (app))
    return;
  self->settings = sb_application_get_settings (SB_APPLICATION (app));
  if (self->settings == NULL)
    return;
  g_object_ref (self->settings);

  iface = g_settings_get_string (self->settings, "capture-interface");
  sb_capture_pane_set_interface (self, iface);
  g_settings_bind_with_mapping (self->settings, "capture-snaplen",
                                gtk_spin_button_get_adjustment (self->snaplen_spin), "value",
                                G_SETTINGS_BIND_DEFAULT, int_to_double, double_to_int, NULL, NULL);
  g_settings_bind (self->settings, "capture-immediate", self->immediate_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "capture-promiscuous", self->promiscuous_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
}

/* ---- GObject ------------------------------------------------------------------- */

static void
sb_capture_pane_dispose (GObject *object)
{
  SbCapturePane *self = SB_CAPTURE_PANE (object);
  GtkWidget *child;

  g_clear_handle_id (&self->counters_source, g_source_remove);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (self->chooser);
      g_clear_object (&self->chooser);
    }
  if (self->capture != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->capture, self);
      sb_capture_stop (self->capture);
    }
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  if (self->ramp_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self->packet_view), self->ramp_tick);
      self->ramp_tick = 0;
    }
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  if (self->field_selection != NULL)
    g_signal_handlers_disconnect_by_data (self->field_selection, self);
  if (self->settings != NULL)
    {
      g_settings_unbind (gtk_spin_button_get_adjustment (self->snaplen_spin), "value");
      g_settings_unbind (self->immediate_switch, "active");
      g_settings_unbind (self->promiscuous_switch, "active");
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_CAPTURE_PANE);
  /* the template's unnamed children: separators, the status line */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->field_selection);
  g_clear_object (&self->fields);
  g_clear_object (&self->selection);
  g_clear_object (&self->rows);
  g_clear_object (&self->iface_names);
  g_clear_object (&self->store);
  g_clear_object (&self->capture);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->ifaces, g_hash_table_unref);

  G_OBJECT_CLASS (sb_capture_pane_parent_class)->dispose (object);
}

static void
sb_capture_pane_finalize (GObject *object)
{
  SbCapturePane *self = SB_CAPTURE_PANE (object);

  g_free (self->filter_error);
  G_OBJECT_CLASS (sb_capture_pane_parent_class)->finalize (object);
}

static void
sb_capture_pane_class_init (SbCapturePaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_capture_pane_dispose;
  object_class->finalize = sb_capture_pane_finalize;

  g_type_ensure (SB_TYPE_HEX_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sockbench/Sockbench/sb-capture-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, SbCapturePane, toolbar);
  gtk_widget_class_bind_template_child (widget_class, SbCapturePane, start_button);
  gtk_widget_class_bind_template_child (widget_class, SbCapturePane, start_content);
  gtk_widget_class_bind_template_child (widget_class, SbCapturePane, iface_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SbCapturePane, filter_entry);
  gtk_widget_class_bind_template_child (widget_class, SbCapturePane, filter_error_revealer);
  gtk_widget_class_bind_template_child (widget_class, SbCapturePane, filter_error_label);
  gtk_widget_class_bind_template_child (widget_class, SbCapturePane, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, SbCapturePane, banner_icon);
  gtk_widget_class_bind_template_child (widget_class, SbCapturePane, banner_title);
  gtk_widget_class_bind_template_child (widget_class, SbCapturePane, banner_label);
  gtk_widget_class_bind_template_child (widget_class, SbCapturePane, snaplen_spin);
  gtk_widget_class_bind_template_child (widget_class, SbCapturePane, buffer_spin);
  gtk_widget_class_bind_template_child (widget_class, SbCapturePane, promiscuous_switch);
  gtk_widget_class_bind_template_child (widget_class, SbCapturePane, immediate_switch);
  gtk_widget_class_bind_template_child (widget_class, SbCapturePane, list_stack);
  gtk_widget_class_bind_template_child (widget_class, SbCapturePane, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, SbCapturePane, detail_paned);
  gtk_widget_class_bind_template_child (widget_class, SbCapturePane, packet_scroller);
  gtk_widget_class_bind_template_child (widget_class, SbCapturePane, packet_view);
  gtk_widget_class_bind_template_child (widget_class, SbCapturePane, field_view);
  gtk_widget_class_bind_template_child (widget_class, SbCapturePane, bytes_view);
  gtk_widget_class_bind_template_child (widget_class, SbCapturePane, state_label);
  gtk_widget_class_bind_template_child (widget_class, SbCapturePane, counters_label);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, filter_activate_cb);

  gtk_widget_class_install_action (widget_class, "capture.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "capture.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "capture.toggle", NULL, toggle_action);
  gtk_widget_class_install_action (widget_class, "capture.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "capture.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "capture.clear", NULL, clear_action);
  gtk_widget_class_install_action (widget_class, "capture.dismiss", NULL, dismiss_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "capture.toggle", NULL);

  gtk_widget_class_set_css_name (widget_class, "capturepane");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
sb_capture_pane_init (SbCapturePane *self)
{
  GtkListItemFactory *factory;
  GtkAdjustment *vadj;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->follow = TRUE;

  self->capture = sb_capture_new (NULL);
  self->store = g_object_ref (sb_capture_get_store (self->capture));
  g_signal_connect_swapped (self->capture, "finished", G_CALLBACK (capture_finished_cb), self);
  g_signal_connect_swapped (self->capture, "notify::state", G_CALLBACK (update_state), self);
  /* after the rows' slice (connected below) took the change in */
  g_signal_connect_data (self->store, "items-changed", G_CALLBACK (store_items_changed_cb), self,
                         NULL, G_CONNECT_SWAPPED | G_CONNECT_AFTER);

  /* interfaces */
  self->ifaces = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                        (GDestroyNotify) sb_interface_free);
  load_interfaces (self);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (iface_setup_cb), GINT_TO_POINTER (FALSE));
  g_signal_connect (factory, "bind", G_CALLBACK (iface_bind_cb), self);
  gtk_drop_down_set_factory (self->iface_dropdown, factory);
  g_object_unref (factory);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (iface_setup_cb), GINT_TO_POINTER (TRUE));
  g_signal_connect (factory, "bind", G_CALLBACK (iface_bind_cb), self);
  gtk_drop_down_set_list_factory (self->iface_dropdown, factory);
  g_object_unref (factory);
  gtk_drop_down_set_model (self->iface_dropdown, G_LIST_MODEL (self->iface_names));
  g_signal_connect_swapped (self->iface_dropdown, "notify::selected", G_CALLBACK (iface_selected_cb), self);

  /* packets */
  self->rows = gtk_slice_list_model_new (g_object_ref (G_LIST_MODEL (self->store)), 0, 0);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->rows)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_swapped (self->selection, "notify::selected-item", G_CALLBACK (packet_selected_cb), self);
  gtk_column_view_set_model (self->packet_view, GTK_SELECTION_MODEL (self->selection));
  add_column (self, _("No."), COL_NUMBER, 64);
  add_column (self, _("Time"), COL_TIME, 96);
  add_column (self, _("Source"), COL_SOURCE, 150);
  add_column (self, _("Destination"), COL_DESTINATION, 150);
  add_column (self, _("Protocol"), COL_PROTOCOL, 80);
  add_column (self, _("Length"), COL_LENGTH, 64);
  add_column (self, _("Info"), COL_INFO, -1);
  vadj = gtk_scrolled_window_get_vadjustment (self->packet_scroller);
  g_signal_connect_object (vadj, "value-changed", G_CALLBACK (vadjustment_value_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (vadj, "notify::upper", G_CALLBACK (vadjustment_upper_cb), self,
                           G_CONNECT_SWAPPED);

  g_signal_connect_swapped (self->detail_paned, "notify::max-position",
                            G_CALLBACK (detail_max_position_cb), self);
  g_signal_connect_swapped (self->detail_paned, "notify::position",
                            G_CALLBACK (detail_position_cb), self);

  /* fields */
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (field_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (field_bind_cb), NULL);
  gtk_list_view_set_factory (self->field_view, factory);
  g_object_unref (factory);
  show_packet (self, NULL);

  load_settings (self);
  validate_filter (self);
}

GtkWidget *
sb_capture_pane_new (void)
{
  return g_object_new (SB_TYPE_CAPTURE_PANE, NULL);
}

SbCapture *
sb_capture_pane_get_capture (SbCapturePane *self)
{
  g_return_val_if_fail (SB_IS_CAPTURE_PANE (self), NULL);
  return self->capture;
}

SbPacketStore *
sb_capture_pane_get_store (SbCapturePane *self)
{
  g_return_val_if_fail (SB_IS_CAPTURE_PANE (self), NULL);
  return self->store;
}
