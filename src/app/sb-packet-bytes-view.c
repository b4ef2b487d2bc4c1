/* sb-packet-bytes-view.c — one packet's bytes as a hex dump, a range highlighted
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "sb-packet-bytes-view.h"

#define BYTES_PER_ROW 16

struct _SbPacketBytesView
{
  GtkTextView  parent_instance;

  GBytes      *bytes;
  guint        offset_digits;
  GtkTextTag  *highlight_tag;
  GtkTextTag  *offset_tag;
  GtkTextMark *highlight_mark;
  guint        scroll_tick;
  guint        hl_offset;
  guint        hl_length;
};

G_DEFINE_FINAL_TYPE (SbPacketBytesView, sb_packet_bytes_view, GTK_TYPE_TEXT_VIEW)

/* Row layout: "OOOO  xx xx xx xx xx xx xx xx  xx … xx  ascii…" */
static guint
hex_column (SbPacketBytesView *self,
            guint              i)
{
  return self->offset_digits + 2 + i * 3 + (i >= BYTES_PER_ROW / 2 ? 1 : 0);
}

static guint
ascii_column (SbPacketBytesView *self,
              guint              i)
{
  return self->offset_digits + 2 + BYTES_PER_ROW * 3 + 1 + 1 + i;
}

static void
update_colors (SbPacketBytesView *self)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));
  GdkRGBA bg, fg, dim;

  /* the theme's accent, so the highlight reads like a selection */
  if (!gtk_style_context_lookup_color (context, "accent_bg_color", &bg))
    gdk_rgba_parse (&bg, "#3584e4");
  if (!gtk_style_context_lookup_color (context, "accent_fg_color", &fg))
    gdk_rgba_parse (&fg, "#ffffff");
  gtk_style_context_get_color (context, &dim);
  dim.alpha *= 0.55;
  g_object_set (self->highlight_tag, "background-rgba", &bg, "foreground-rgba", &fg, NULL);
  g_object_set (self->offset_tag, "foreground-rgba", &dim, NULL);
}

static void
sb_packet_bytes_view_css_changed (GtkWidget         *widget,
                                  GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (sb_packet_bytes_view_parent_class)->css_changed (widget, change);
  update_colors (SB_PACKET_BYTES_VIEW (widget));
}

/* A text view asks for little width; a dump wants its whole row, so the
 * paned beside it gives it that much when there is room. */
static void
sb_packet_bytes_view_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  SbPacketBytesView *self = SB_PACKET_BYTES_VIEW (widget);

  GTK_WIDGET_CLASS (sb_packet_bytes_view_parent_class)->measure (widget, orientation, for_size,
                                                                 minimum, natural,
                                                                 minimum_baseline, natural_baseline);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      g_autofree char *row = g_strnfill (ascii_column (self, BYTES_PER_ROW), '0');
      /* the widget's font size in the monospace family the text uses */
      PangoLayout *layout = gtk_widget_create_pango_layout (widget, row);
      PangoFontDescription *desc = pango_font_description_copy (
        pango_context_get_font_description (pango_layout_get_context (layout)));
      int width;

      pango_font_description_set_family (desc, "Monospace");
      pango_layout_set_font_description (layout, desc);
      pango_font_description_free (desc);
      pango_layout_get_pixel_size (layout, &width, NULL);
      width += gtk_text_view_get_left_margin (GTK_TEXT_VIEW (self))
               + gtk_text_view_get_right_margin (GTK_TEXT_VIEW (self)) + 8;
      *natural = MAX (*natural, width);
      g_object_unref (layout);
    }
}

static void
sb_packet_bytes_view_dispose (GObject *object)
{
  SbPacketBytesView *self = SB_PACKET_BYTES_VIEW (object);

  g_clear_pointer (&self->bytes, g_bytes_unref);
  if (self->scroll_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->scroll_tick);
      self->scroll_tick = 0;
    }
  G_OBJECT_CLASS (sb_packet_bytes_view_parent_class)->dispose (object);
}

static void
sb_packet_bytes_view_class_init (SbPacketBytesViewClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sb_packet_bytes_view_dispose;
  GTK_WIDGET_CLASS (klass)->css_changed = sb_packet_bytes_view_css_changed;
  GTK_WIDGET_CLASS (klass)->measure = sb_packet_bytes_view_measure;
}

static void
sb_packet_bytes_view_init (SbPacketBytesView *self)
{
  GtkTextView *view = GTK_TEXT_VIEW (self);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start;

  gtk_text_view_set_editable (view, FALSE);
  gtk_text_view_set_monospace (view, TRUE);
  gtk_text_view_set_cursor_visible (view, FALSE);
  gtk_text_view_set_wrap_mode (view, GTK_WRAP_NONE);
  gtk_text_view_set_left_margin (view, 12);
  gtk_text_view_set_right_margin (view, 12);
  gtk_text_view_set_top_margin (view, 8);
  gtk_text_view_set_bottom_margin (view, 8);
  self->highlight_tag = gtk_text_buffer_create_tag (buffer, "highlight", NULL);
  self->offset_tag = gtk_text_buffer_create_tag (buffer, "offset", NULL);
  gtk_text_buffer_get_start_iter (buffer, &start);
  self->highlight_mark = gtk_text_buffer_create_mark (buffer, "highlight", &start, TRUE);
  self->offset_digits = 4;
  update_colors (self);
}

GtkWidget *
sb_packet_bytes_view_new (void)
{
  return g_object_new (SB_TYPE_PACKET_BYTES_VIEW, NULL);
}

void
sb_packet_bytes_view_set_bytes (SbPacketBytesView *self,
                                GBytes            *bytes)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  g_autoptr(GString) text = NULL;
  const guint8 *data;
  gsize size;

  g_return_if_fail (SB_IS_PACKET_BYTES_VIEW (self));

  if (bytes != NULL)
    g_bytes_ref (bytes);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  self->bytes = bytes;
  self->hl_offset = self->hl_length = 0;

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  /* a new packet starts at its top */
  if (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self)) != NULL)
    gtk_adjustment_set_value (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self)), 0);
  if (bytes == NULL)
    {
      gtk_text_buffer_set_text (buffer, "", 0);
      return;
    }

  data = g_bytes_get_data (bytes, &size);
  self->offset_digits = size > 0x10000 ? 8 : 4;
  text = g_string_sized_new ((size / BYTES_PER_ROW + 1) * (ascii_column (self, BYTES_PER_ROW) + 1));
  for (gsize row = 0; row < size; row += BYTES_PER_ROW)
    {
      guint n = MIN (BYTES_PER_ROW, size - row);

      g_string_append_printf (text, "%0*" G_GSIZE_MODIFIER "x  ", (int) self->offset_digits, row);
      for (guint i = 0; i < BYTES_PER_ROW; i++)
        {
          if (i == BYTES_PER_ROW / 2)
            g_string_append_c (text, ' ');
          if (i < n)
            g_string_append_printf (text, "%02x ", data[row + i]);
          else
            g_string_append (text, "   ");
        }
      g_string_append_c (text, ' ');
      for (guint i = 0; i < n; i++)
        g_string_append_c (text, g_ascii_isprint (data[row + i]) ? data[row + i] : '.');
      if (row + BYTES_PER_ROW < size)
        g_string_append_c (text, '\n');
    }
  gtk_text_buffer_set_text (buffer, text->str, text->len);

  /* dim the offsets so the bytes stand out */
  for (int line = 0; line < gtk_text_buffer_get_line_count (buffer); line++)
    {
      gtk_text_buffer_get_iter_at_line_offset (buffer, &start, line, 0);
      gtk_text_buffer_get_iter_at_line_offset (buffer, &end, line, self->offset_digits);
      gtk_text_buffer_apply_tag (buffer, self->offset_tag, &start, &end);
    }
}

GBytes *
sb_packet_bytes_view_get_bytes (SbPacketBytesView *self)
{
  g_return_val_if_fail (SB_IS_PACKET_BYTES_VIEW (self), NULL);
  return self->bytes;
}

static void
apply_columns (SbPacketBytesView *self,
               GtkTextBuffer     *buffer,
               int                line,
               guint              first,
               guint              last)
{
  GtkTextIter start, end;

  /* hex: from the first byte's digits to the last's, without the space after */
  gtk_text_buffer_get_iter_at_line_offset (buffer, &start, line, hex_column (self, first));
  gtk_text_buffer_get_iter_at_line_offset (buffer, &end, line, hex_column (self, last) + 2);
  gtk_text_buffer_apply_tag (buffer, self->highlight_tag, &start, &end);
  gtk_text_buffer_get_iter_at_line_offset (buffer, &start, line, ascii_column (self, first));
  gtk_text_buffer_get_iter_at_line_offset (buffer, &end, line, ascii_column (self, last) + 1);
  gtk_text_buffer_apply_tag (buffer, self->highlight_tag, &start, &end);
}

static gboolean
scroll_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       data)
{
  SbPacketBytesView *self = SB_PACKET_BYTES_VIEW (widget);

  self->scroll_tick = 0;
  if (self->hl_length > 0)
    gtk_text_view_scroll_mark_onscreen (GTK_TEXT_VIEW (self), self->highlight_mark);
  return G_SOURCE_REMOVE;
}

void
sb_packet_bytes_view_set_highlight (SbPacketBytesView *self,
                                    guint              offset,
                                    guint              length)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  gsize size;

  g_return_if_fail (SB_IS_PACKET_BYTES_VIEW (self));

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag (buffer, self->highlight_tag, &start, &end);
  self->hl_offset = self->hl_length = 0;

  size = self->bytes != NULL ? g_bytes_get_size (self->bytes) : 0;
  if (length == 0 || offset >= size)
    return;
  length = MIN (length, size - offset);
  self->hl_offset = offset;
  self->hl_length = length;

  for (guint row = offset / BYTES_PER_ROW; row * BYTES_PER_ROW < offset + length; row++)
    {
      guint row_start = row * BYTES_PER_ROW;
      guint first = MAX (offset, row_start) - row_start;
      guint last = MIN (offset + length, row_start + BYTES_PER_ROW) - 1 - row_start;

      apply_columns (self, buffer, row, first, last);
    }

  /* scroll on the next frame, when the view has its size and its lines
   * are laid out: done now, a view not yet shown scrolled by its own
   * zero height */
  gtk_text_buffer_get_iter_at_line (buffer, &start, offset / BYTES_PER_ROW);
  gtk_text_buffer_move_mark (buffer, self->highlight_mark, &start);
  if (self->scroll_tick == 0)
    self->scroll_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), scroll_tick_cb, NULL, NULL);
}

gboolean
sb_packet_bytes_view_get_highlight (SbPacketBytesView *self,
                                    guint             *offset,
                                    guint             *length)
{
  g_return_val_if_fail (SB_IS_PACKET_BYTES_VIEW (self), FALSE);
  if (offset != NULL)
    *offset = self->hl_offset;
  if (length != NULL)
    *length = self->hl_length;
  return self->hl_length > 0;
}
