/* sb-hex-view.c — the stream view: a whole conversation as text or hex dump
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Like GHex's HexWidget, nothing here grows with the size of the data: the
 * vertical adjustment is counted in rows (a fractional value scrolls by part
 * of a row), a row's first byte is row × bytes-per-row, and snapshot() reads
 * and lays out only the rows that intersect the allocation.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "sb-hex-view.h"

#define HEX_BYTES_PER_ROW  16
#define TEXT_BYTES_PER_ROW 64
#define MIN_OFFSET_DIGITS  8
#define X_PAD              6     /* px left and right of the text */
#define NATURAL_ROWS       8     /* natural height; a scrolled window decides the real one */
/* The longest row text: a text-mode row of '↵' (3 bytes each) after a 16-digit offset */
#define MAX_ROW_BYTES      (16 + 2 + 3 * TEXT_BYTES_PER_ROW)

/* Where the bytes come from: a transcript (coloured by direction) or a
 * plain GBytes. The draw code only asks for the size and reads a range. */
typedef struct
{
  guint64 (*size) (gpointer data);
  gsize   (*read) (gpointer data, guint64 offset, guint8 *buf, gsize len);
  guint64 (*first) (gpointer data);   /* the oldest byte still held */
} ByteSource;

typedef struct
{
  guint64 start;
  guint64 end;
  int     kind;   /* SbEventKind, or -1 for bytes no data event claims */
} Span;

struct _SbHexView
{
  GtkWidget      parent_instance;

  SbTranscript  *transcript;
  gulong         items_changed_id;
  GBytes        *bytes;
  const ByteSource *source;    /* NULL: nothing to show */
  gpointer       source_data;  /* the transcript or the bytes, not owned */
  guint64        hl_offset;    /* the highlighted range, clipped; hl_length 0: none */
  guint64        hl_length;
  /* What the adjustment describes: the transcript as of the last sync. Bytes
   * appended since then show up with the next (batched) items-changed. */
  guint64        n_bytes;
  guint64        n_rows;
  /* The row the adjustment's 0 stands for: the first whole row still held
   * when a byte limit dropped the start of the conversation. */
  guint64        row_base;
  guint          offset_digits;
  SbHexViewMode  mode;
  gboolean       follow;

  GtkAdjustment *hadjustment;
  GtkAdjustment *vadjustment;
  guint          hscroll_policy : 1;
  guint          vscroll_policy : 1;
  guint          configuring : 1;

  PangoLayout   *layout;
  int            row_height;   /* px, from the font's line height */
  double         char_width;   /* px, of one monospace cell */
  int            newline_fix;  /* Pango units to add to '↵' so it fills one cell */

  /* Kept between frames: the buffer for the visible bytes, and their runs. */
  guint8        *buf;
  gsize          buf_size;
  GArray        *spans;        /* of Span, for [spans_start, spans_end) */
  guint64        spans_start;
  guint64        spans_end;
  gboolean       spans_valid;

  guint          last_drawn_rows;
  gsize          last_read_bytes;
  guint          last_highlight_rects;
};

enum
{
  PROP_0,
  PROP_TRANSCRIPT,
  PROP_MODE,
  PROP_FOLLOW,
  N_PROPS,

  /* GtkScrollable */
  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_ENUM_TYPE (SbHexViewMode, sb_hex_view_mode,
                    G_DEFINE_ENUM_VALUE (SB_HEX_VIEW_HEX, "hex"),
                    G_DEFINE_ENUM_VALUE (SB_HEX_VIEW_TEXT, "text"))

G_DEFINE_FINAL_TYPE_WITH_CODE (SbHexView, sb_hex_view, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

static const char hex_digits[] = "0123456789abcdef";

static guint64
transcript_size (gpointer data)
{
  return sb_transcript_get_n_bytes (data);
}

static gsize
transcript_read (gpointer  data,
                 guint64   offset,
                 guint8   *buf,
                 gsize     len)
{
  return sb_transcript_read (data, offset, buf, len);
}

static guint64
transcript_first (gpointer data)
{
  return sb_transcript_get_first_offset (data);
}

static const ByteSource transcript_source = { transcript_size, transcript_read, transcript_first };

static guint64
bytes_size (gpointer data)
{
  return g_bytes_get_size (data);
}

static gsize
bytes_read (gpointer  data,
            guint64   offset,
            guint8   *buf,
            gsize     len)
{
  gsize size;
  const guint8 *p = g_bytes_get_data (data, &size);

  if (offset >= size)
    return 0;
  len = MIN (len, size - offset);
  memcpy (buf, p + offset, len);
  return len;
}

static guint64
bytes_first (gpointer data)
{
  return 0;
}

static const ByteSource bytes_source = { bytes_size, bytes_read, bytes_first };

static guint
bytes_per_row (SbHexView *self)
{
  return self->mode == SB_HEX_VIEW_HEX ? HEX_BYTES_PER_ROW : TEXT_BYTES_PER_ROW;
}

/* Characters in a full row: offset, then "  xx xx … xx  xx … xx  |ascii|"
 * (the layout of sb_payload_hexdump_line), or "  text" in text mode. */
static guint
row_chars (SbHexView *self)
{
  if (self->mode == SB_HEX_VIEW_HEX)
    return self->offset_digits + 53 + HEX_BYTES_PER_ROW + 1;
  return self->offset_digits + 2 + TEXT_BYTES_PER_ROW;
}

static int
content_width (SbHexView *self)
{
  return (int) ceil (self->char_width * row_chars (self)) + 2 * X_PAD;
}

static guint
offset_digits_for (guint64 n_bytes)
{
  guint digits = 1;

  for (guint64 last = n_bytes > 0 ? n_bytes - 1 : 0; last >= 16; last >>= 4)
    digits++;
  return MAX (digits, MIN_OFFSET_DIGITS);
}

static void
ensure_layout (SbHexView *self)
{
  PangoFontDescription *desc;
  PangoRectangle logical;
  char sample[TEXT_BYTES_PER_ROW + 1];

  if (self->layout != NULL)
    return;

  /* Keep the size from CSS but force a monospace family: column alignment
   * is the whole point of a dump, whatever the theme says. */
  self->layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  desc = pango_font_description_copy (
    pango_context_get_font_description (pango_layout_get_context (self->layout)));
  pango_font_description_set_family (desc, "Monospace");
  pango_layout_set_font_description (self->layout, desc);
  pango_font_description_free (desc);

  memset (sample, '0', TEXT_BYTES_PER_ROW);
  sample[TEXT_BYTES_PER_ROW] = '\0';
  pango_layout_set_text (self->layout, sample, -1);
  pango_layout_get_extents (self->layout, NULL, &logical);
  self->char_width = (double) logical.width / PANGO_SCALE / TEXT_BYTES_PER_ROW;
  self->row_height = MAX (1, PANGO_PIXELS_CEIL (logical.height));

  /* Monospace fonts often lack '↵' and the fallback's is narrower or wider,
   * which would shift the rest of the row; letter spacing evens it out. */
  pango_layout_set_text (self->layout, "↵", -1);
  pango_layout_get_extents (self->layout, NULL, &logical);
  self->newline_fix = (int) (self->char_width * PANGO_SCALE) - logical.width;
}

/* The theme's colours for sent and received text, the ones the app's CSS
 * gives label.sent and label.received: libadwaita's @accent_color and
 * @success_color, which come in light, dark and high-contrast variants with
 * text contrast. Other themes get the same values as a fallback. */
static void
get_colors (SbHexView *self,
            GdkRGBA   *fg,
            GdkRGBA   *sent,
            GdkRGBA   *received)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));
  gboolean dark;

  /* gtk_widget_get_color is GTK 4.10; this is its 4.8 equivalent. */
  gtk_style_context_get_color (context, fg);
  /* Light text means a dark background, whatever the theme is called. */
  dark = 0.2126 * fg->red + 0.7152 * fg->green + 0.0722 * fg->blue > 0.5;
  if (!gtk_style_context_lookup_color (context, "accent_color", sent))
    gdk_rgba_parse (sent, dark ? "#78aeed" : "#1c71d8");
  if (!gtk_style_context_lookup_color (context, "success_color", received))
    gdk_rgba_parse (received, dark ? "#8ff0a4" : "#1b8553");
}

static gboolean
is_at_bottom (SbHexView *self)
{
  GtkAdjustment *adj = self->vadjustment;

  return gtk_adjustment_get_value (adj)
         >= gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) - 0.01;
}

static void
set_follow_internal (SbHexView *self,
                     gboolean   follow)
{
  follow = !!follow;
  if (self->follow == follow)
    return;
  self->follow = follow;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOW]);
}

/* Describe the rows and the allocation to the adjustments. @width and
 * @height are -1 outside size_allocate. */
static void
configure_adjustments (SbHexView *self,
                       int        width,
                       int        height)
{
  double page, upper, value, content;

  if (width < 0)
    width = gtk_widget_get_width (GTK_WIDGET (self));
  if (height < 0)
    height = gtk_widget_get_height (GTK_WIDGET (self));

  ensure_layout (self);

  page = (double) height / self->row_height;
  upper = (double) self->n_rows;
  value = self->follow ? upper - page : gtk_adjustment_get_value (self->vadjustment);
  value = CLAMP (value, 0, MAX (0, upper - page));

  self->configuring = TRUE;
  gtk_adjustment_configure (self->vadjustment, value, 0, upper, 1, MAX (1, page - 1), page);

  content = MAX (content_width (self), width);
  value = CLAMP (gtk_adjustment_get_value (self->hadjustment), 0, content - width);
  gtk_adjustment_configure (self->hadjustment, value, 0, content, self->char_width * 4,
                            width * 0.9, width);
  self->configuring = FALSE;
}

static void
invalidate_spans (SbHexView *self)
{
  self->spans_valid = FALSE;
  g_array_set_size (self->spans, 0);
}

/* Take the transcript's current size. Cheap: a few integer operations and
 * an adjustment update, whatever the size. */
static void
sync_transcript (SbHexView *self)
{
  guint64 n_bytes = self->source != NULL ? self->source->size (self->source_data) : 0;
  guint64 first = self->source != NULL ? self->source->first (self->source_data) : 0;
  guint64 old_rows = self->n_rows;
  guint bpr = bytes_per_row (self);
  guint64 base = first / bpr + (first % bpr != 0);
  guint64 end_row = n_bytes / bpr + (n_bytes % bpr != 0);
  guint digits;
  double bottom;

  if (n_bytes < self->n_bytes)
    invalidate_spans (self);   /* cleared: the old spans describe other bytes */
  self->n_bytes = n_bytes;
  self->n_rows = end_row > base ? end_row - base : 0;
  if (base != self->row_base)
    {
      /* The oldest bytes were dropped: keep the rows on screen where they
       * are, unless they went too. */
      double value = gtk_adjustment_get_value (self->vadjustment);
      double shift = base > self->row_base ? (double) (base - self->row_base)
                                           : -(double) (self->row_base - base);

      self->row_base = base;
      old_rows = (guint64) MAX (0.0, (double) old_rows - shift);
      if (!self->follow)
        {
          self->configuring = TRUE;
          gtk_adjustment_set_value (self->vadjustment, MAX (0.0, value - shift));
          self->configuring = FALSE;
        }
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }

  digits = offset_digits_for (n_bytes);
  if (digits != self->offset_digits)
    {
      self->offset_digits = digits;
      gtk_widget_queue_resize (GTK_WIDGET (self));
    }

  /* Redraw only if the change can be seen: the old last row or anything
   * after it is on screen (or we are about to scroll there). */
  bottom = gtk_adjustment_get_value (self->vadjustment)
           + gtk_adjustment_get_page_size (self->vadjustment);
  configure_adjustments (self, -1, -1);
  if (self->follow || self->n_rows < old_rows || bottom + 1 >= (double) old_rows)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  SbHexView  *self)
{
  /* Appends arrive at the end; anything at 0 follows a clear (which only
   * says so itself if it had announced events), so the old runs are void. */
  if (removed > 0 || position == 0)
    invalidate_spans (self);
  sync_transcript (self);
}

/* Which event each byte of [start, end) belongs to, as runs of one kind.
 * Cached for the visible range: the transcript is append-only, so the
 * runs only change when the range does or the transcript is cleared. */
static void
update_spans (SbHexView *self,
              guint64    start,
              guint64    end)
{
  SbTranscript *t = self->transcript;
  guint n_events = sb_transcript_get_n_events (t);
  guint idx = G_MAXUINT;
  guint64 off = start;

  if (self->spans_valid && self->spans_start == start && self->spans_end == end)
    return;

  g_array_set_size (self->spans, 0);
  while (off < end)
    {
      SbTranscriptEntry e = { 0 };
      gboolean found = FALSE;
      guint64 span_end;
      Span *last;

      /* The next data event nearly always starts where this one ended; try
       * it before a binary search. */
      if (idx != G_MAXUINT)
        for (guint j = idx + 1; j < n_events && j <= idx + 8; j++)
          if (sb_transcript_get_entry (t, j, &e) && e.length > 0)
            {
              if (e.offset == off)
                {
                  idx = j;
                  found = TRUE;
                }
              break;
            }
      if (!found)
        {
          idx = sb_transcript_find_event_at (t, off);
          found = idx != G_MAXUINT && sb_transcript_get_entry (t, idx, &e);
        }

      if (found && e.offset <= off && off < e.offset + e.length)
        span_end = MIN (end, e.offset + e.length);
      else
        {
          /* Not claimed by any event; should not happen, draw it plain. */
          span_end = end;
          e.kind = (guint32) -1;
          idx = G_MAXUINT;
        }

      last = self->spans->len > 0 ? &g_array_index (self->spans, Span, self->spans->len - 1) : NULL;
      if (last != NULL && last->kind == (int) e.kind && last->end == off)
        last->end = span_end;
      else
        {
          Span s = { off, span_end, (int) e.kind };
          g_array_append_val (self->spans, s);
        }
      off = span_end;
    }

  self->spans_start = start;
  self->spans_end = end;
  self->spans_valid = TRUE;
}

static void
put_offset (char   **p,
            guint64  offset,
            guint    digits)
{
  for (guint i = digits; i-- > 0;)
    *(*p)++ = hex_digits[(offset >> (4 * i)) & 0xf];
}

static PangoAttribute *
color_attr (const GdkRGBA *c,
            guint          start,
            guint          end)
{
  PangoAttribute *a = pango_attr_foreground_new ((guint16) (c->red * 65535),
                                                 (guint16) (c->green * 65535),
                                                 (guint16) (c->blue * 65535));

  a->start_index = start;
  a->end_index = end;
  return a;
}

/* Lay out one row: @data holds its @len bytes starting at @offset; @span is
 * the first run that may intersect it and is advanced past the row. */
static void
layout_row (SbHexView     *self,
            guint64        offset,
            const guint8  *data,
            gsize          len,
            guint         *span,
            const GdkRGBA *sent,
            const GdkRGBA *received)
{
  char text[MAX_ROW_BYTES];
  guint col[TEXT_BYTES_PER_ROW + 1];   /* text mode: byte index of each byte's glyph */
  char *p = text;
  guint D = self->offset_digits;
  gboolean hex = self->mode == SB_HEX_VIEW_HEX;
  PangoAttrList *attrs = pango_attr_list_new ();
  PangoAttribute *dim;

  put_offset (&p, offset, D);
  if (hex)
    {
      *p++ = ' ';
      for (gsize i = 0; i < HEX_BYTES_PER_ROW; i++)
        {
          *p++ = ' ';
          if (i == 8)
            *p++ = ' ';
          *p++ = i < len ? hex_digits[data[i] >> 4] : ' ';
          *p++ = i < len ? hex_digits[data[i] & 0xf] : ' ';
        }
      *p++ = ' ';
      *p++ = ' ';
      *p++ = '|';
      for (gsize i = 0; i < len; i++)
        *p++ = data[i] >= 0x20 && data[i] < 0x7f ? (char) data[i] : '.';
      *p++ = '|';
    }
  else
    {
      *p++ = ' ';
      *p++ = ' ';
      for (gsize i = 0; i < len; i++)
        {
          col[i] = p - text;
          if (data[i] == '\n')
            {
              memcpy (p, "↵", strlen ("↵"));
              p += strlen ("↵");
              if (ABS (self->newline_fix) > PANGO_SCALE / 8)
                {
                  PangoAttribute *fix = pango_attr_letter_spacing_new (self->newline_fix);

                  fix->start_index = col[i];
                  fix->end_index = p - text;
                  pango_attr_list_insert (attrs, fix);
                }
            }
          else
            *p++ = data[i] >= 0x20 && data[i] < 0x7f ? (char) data[i] : '.';
        }
      col[len] = p - text;
    }
  g_assert ((gsize) (p - text) <= sizeof text);

  /* The offset column recedes. */
  dim = pango_attr_foreground_alpha_new (65535 * 55 / 100);
  dim->start_index = 0;
  dim->end_index = D;
  pango_attr_list_insert (attrs, dim);

  for (; *span < self->spans->len; (*span)++)
    {
      const Span *s = &g_array_index (self->spans, Span, *span);
      const GdkRGBA *c;
      gsize a, b;

      if (s->start >= offset + len)
        break;
      if (s->end <= offset)
        continue;

      a = MAX (s->start, offset) - offset;
      b = MIN (s->end, offset + len) - offset;
      c = s->kind == SB_EVENT_SENT ? sent : s->kind == SB_EVENT_RECEIVED ? received : NULL;
      if (c != NULL)
        {
          if (hex)
            {
              pango_attr_list_insert (attrs, color_attr (c, D + 2 + 3 * a + (a >= 8),
                                                         D + 2 + 3 * (b - 1) + (b - 1 >= 8) + 2));
              pango_attr_list_insert (attrs, color_attr (c, D + 53 + a, D + 53 + b));
            }
          else
            pango_attr_list_insert (attrs, color_attr (c, col[a], col[b]));
        }
      if (s->end > offset + len)
        break;   /* continues on the next row */
    }

  pango_layout_set_text (self->layout, text, p - text);
  pango_layout_set_attributes (self->layout, attrs);
  pango_attr_list_unref (attrs);
}

/* One cell-aligned rectangle behind characters [@first, @last) of a row. */
static void
append_cells (SbHexView       *self,
              GtkSnapshot     *snapshot,
              guint            first,
              guint            last,
              const GdkRGBA   *color)
{
  gtk_snapshot_append_color (snapshot, color,
                             &GRAPHENE_RECT_INIT ((float) (first * self->char_width), 0,
                                                  (float) ((last - first) * self->char_width),
                                                  (float) self->row_height));
  self->last_highlight_rects++;
}

/* The highlight's part of the row of @len bytes at @offset, behind both the
 * hex and the ASCII column (or the text), in row coordinates. */
static void
snapshot_highlight (SbHexView     *self,
                    GtkSnapshot   *snapshot,
                    guint64        offset,
                    guint64        len,
                    const GdkRGBA *color)
{
  guint D = self->offset_digits;
  guint64 a, b;

  if (self->hl_length == 0
      || self->hl_offset >= offset + len || self->hl_offset + self->hl_length <= offset)
    return;

  a = MAX (self->hl_offset, offset) - offset;
  b = MIN (self->hl_offset + self->hl_length, offset + len) - offset;
  if (self->mode == SB_HEX_VIEW_HEX)
    {
      append_cells (self, snapshot, D + 2 + 3 * a + (a >= 8),
                    D + 2 + 3 * (b - 1) + (b - 1 >= 8) + 2, color);
      append_cells (self, snapshot, D + 53 + a, D + 53 + b, color);
    }
  else
    append_cells (self, snapshot, D + 2 + a, D + 2 + b, color);   /* one cell a byte, '↵' too */
}

static void
sb_hex_view_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  SbHexView *self = SB_HEX_VIEW (widget);
  int height = gtk_widget_get_height (widget);
  guint bpr = bytes_per_row (self);
  GdkRGBA fg, sent, received, highlight;
  double value, y0, x0;
  guint64 first_row, n_visible, start, end;
  gsize want, got;
  guint span = 0;

  self->last_drawn_rows = 0;
  self->last_read_bytes = 0;

  self->last_highlight_rects = 0;

  if (self->source == NULL || self->n_rows == 0 || height <= 0)
    return;

  ensure_layout (self);
  get_colors (self, &fg, &sent, &received);
  /* Like a selection: the accent colour, see-through. */
  highlight = sent;
  highlight.alpha = 0.3f;

  value = CLAMP (gtk_adjustment_get_value (self->vadjustment), 0, (double) self->n_rows);
  first_row = (guint64) value;
  y0 = -(value - (double) first_row) * self->row_height;
  x0 = X_PAD - gtk_adjustment_get_value (self->hadjustment);

  n_visible = (guint64) ceil ((height - y0) / self->row_height);
  n_visible = MIN (n_visible, self->n_rows - first_row);
  if (n_visible == 0)
    return;

  start = (self->row_base + first_row) * bpr;
  want = (gsize) (MIN (self->n_bytes, start + n_visible * bpr) - start);
  if (self->buf_size < want)
    {
      self->buf = g_realloc (self->buf, want);
      self->buf_size = want;
    }
  /* Fewer bytes than expected only if the transcript was cleared and has
   * not said so yet; draw what is there. */
  got = self->source->read (self->source_data, start, self->buf, want);
  end = start + got;
  self->last_read_bytes = got;

  /* Plain bytes have no direction: no runs, the normal foreground. */
  if (self->transcript != NULL)
    update_spans (self, start, end);
  else
    invalidate_spans (self);

  for (guint64 r = 0; r < n_visible && start + r * bpr < end; r++)
    {
      guint64 row_start = start + r * bpr;

      guint64 row_len = MIN (bpr, end - row_start);

      layout_row (self, row_start, self->buf + r * bpr, row_len, &span, &sent, &received);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot,
                              &GRAPHENE_POINT_INIT (x0, y0 + (double) r * self->row_height));
      snapshot_highlight (self, snapshot, row_start, row_len, &highlight);
      gtk_snapshot_append_layout (snapshot, self->layout, &fg);
      gtk_snapshot_restore (snapshot);
      self->last_drawn_rows++;
    }
}

static void
sb_hex_view_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  SbHexView *self = SB_HEX_VIEW (widget);

  ensure_layout (self);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* Narrower than a row is fine: the horizontal adjustment scrolls. */
      *minimum = 0;
      *natural = content_width (self);
    }
  else
    {
      *minimum = self->row_height;
      *natural = self->row_height * NATURAL_ROWS;
    }
}

static void
sb_hex_view_size_allocate (GtkWidget *widget,
                           int        width,
                           int        height,
                           int        baseline)
{
  configure_adjustments (SB_HEX_VIEW (widget), width, height);
}

static void
sb_hex_view_css_changed (GtkWidget         *widget,
                         GtkCssStyleChange *change)
{
  SbHexView *self = SB_HEX_VIEW (widget);
  int old_height = self->row_height;
  double old_width = self->char_width;

  GTK_WIDGET_CLASS (sb_hex_view_parent_class)->css_changed (widget, change);

  /* The font may have changed: measure again. */
  g_clear_object (&self->layout);
  ensure_layout (self);
  if (self->row_height != old_height || self->char_width != old_width)
    gtk_widget_queue_resize (widget);
  gtk_widget_queue_draw (widget);
}

/* GtkScrollable */

static void
on_vadjustment_value_changed (GtkAdjustment *adj,
                              SbHexView     *self)
{
  /* Our own reconfiguring says nothing about what the user wants; plain
   * bytes do not grow, there is nothing to follow. */
  if (!self->configuring && self->bytes == NULL)
    set_follow_internal (self, is_at_bottom (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_hadjustment_value_changed (GtkAdjustment *adj,
                              SbHexView     *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_adjustment (SbHexView      *self,
                GtkAdjustment **slot,
                GtkAdjustment  *adj,
                GCallback       value_changed)
{
  if (adj != NULL && *slot == adj)
    return;

  if (*slot != NULL)
    {
      g_signal_handlers_disconnect_by_func (*slot, value_changed, self);
      g_object_unref (*slot);
    }
  if (adj == NULL)
    adj = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  *slot = g_object_ref_sink (adj);
  g_signal_connect (adj, "value-changed", value_changed, self);
}

static void
set_hadjustment (SbHexView     *self,
                 GtkAdjustment *adj)
{
  if (adj != NULL && self->hadjustment == adj)
    return;
  set_adjustment (self, &self->hadjustment, adj, G_CALLBACK (on_hadjustment_value_changed));
  configure_adjustments (self, -1, -1);
  g_object_notify (G_OBJECT (self), "hadjustment");
}

static void
set_vadjustment (SbHexView     *self,
                 GtkAdjustment *adj)
{
  if (adj != NULL && self->vadjustment == adj)
    return;
  set_adjustment (self, &self->vadjustment, adj, G_CALLBACK (on_vadjustment_value_changed));
  configure_adjustments (self, -1, -1);
  g_object_notify (G_OBJECT (self), "vadjustment");
}

/* Keyboard scrolling, for when the view has the focus. */
enum
{
  MOVE_ROW_UP,
  MOVE_ROW_DOWN,
  MOVE_PAGE_UP,
  MOVE_PAGE_DOWN,
  MOVE_START,
  MOVE_END,
};

static gboolean
move_cb (GtkWidget *widget,
         GVariant  *args,
         gpointer   user_data)
{
  SbHexView *self = SB_HEX_VIEW (widget);
  GtkAdjustment *adj = self->vadjustment;
  double value = gtk_adjustment_get_value (adj);
  double page = gtk_adjustment_get_page_increment (adj);

  switch (g_variant_get_int32 (args))
    {
    case MOVE_ROW_UP:    value -= 1; break;
    case MOVE_ROW_DOWN:  value += 1; break;
    case MOVE_PAGE_UP:   value -= page; break;
    case MOVE_PAGE_DOWN: value += page; break;
    case MOVE_START:     value = 0; break;
    case MOVE_END:       value = gtk_adjustment_get_upper (adj); break;
    default:             g_assert_not_reached ();
    }
  gtk_adjustment_set_value (adj, value);   /* clamps */
  return TRUE;
}

/* GTK 4.8's GtkScrolledWindow applies touchpad (surface unit) deltas to the
 * adjustment unscaled, which would be one row per pixel here. Wheel clicks
 * are left to it: it scales those by the page size. */
static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           SbHexView                *self)
{
  if (gtk_event_controller_scroll_get_unit (controller) != GDK_SCROLL_UNIT_SURFACE)
    return GDK_EVENT_PROPAGATE;
  if (gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller))
      & GDK_SHIFT_MASK)
    {
      double tmp = dx;
      dx = dy;
      dy = tmp;
    }
  if (dy != 0)
    gtk_adjustment_set_value (self->vadjustment,
                              gtk_adjustment_get_value (self->vadjustment) + dy / self->row_height);
  if (dx != 0)
    gtk_adjustment_set_value (self->hadjustment, gtk_adjustment_get_value (self->hadjustment) + dx);
  return GDK_EVENT_STOP;
}

static void
on_click_pressed (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  SbHexView       *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
sb_hex_view_dispose (GObject *object)
{
  SbHexView *self = SB_HEX_VIEW (object);

  if (self->transcript != NULL)
    {
      g_clear_signal_handler (&self->items_changed_id, self->transcript);
      g_clear_object (&self->transcript);
    }
  self->source = NULL;
  g_clear_pointer (&self->bytes, g_bytes_unref);
  if (self->hadjustment != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->hadjustment, on_hadjustment_value_changed, self);
      g_clear_object (&self->hadjustment);
    }
  if (self->vadjustment != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->vadjustment, on_vadjustment_value_changed, self);
      g_clear_object (&self->vadjustment);
    }
  g_clear_object (&self->layout);

  G_OBJECT_CLASS (sb_hex_view_parent_class)->dispose (object);
}

static void
sb_hex_view_finalize (GObject *object)
{
  SbHexView *self = SB_HEX_VIEW (object);

  g_free (self->buf);
  g_array_unref (self->spans);

  G_OBJECT_CLASS (sb_hex_view_parent_class)->finalize (object);
}

static void
sb_hex_view_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  SbHexView *self = SB_HEX_VIEW (object);

  switch (prop_id)
    {
    case PROP_TRANSCRIPT:
      g_value_set_object (value, self->transcript);
      break;
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    case PROP_FOLLOW:
      g_value_set_boolean (value, self->follow);
      break;
    case PROP_HADJUSTMENT:
      g_value_set_object (value, self->hadjustment);
      break;
    case PROP_VADJUSTMENT:
      g_value_set_object (value, self->vadjustment);
      break;
    case PROP_HSCROLL_POLICY:
      g_value_set_enum (value, self->hscroll_policy);
      break;
    case PROP_VSCROLL_POLICY:
      g_value_set_enum (value, self->vscroll_policy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_hex_view_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  SbHexView *self = SB_HEX_VIEW (object);

  switch (prop_id)
    {
    case PROP_TRANSCRIPT:
      sb_hex_view_set_transcript (self, g_value_get_object (value));
      break;
    case PROP_MODE:
      sb_hex_view_set_mode (self, g_value_get_enum (value));
      break;
    case PROP_FOLLOW:
      sb_hex_view_set_follow (self, g_value_get_boolean (value));
      break;
    case PROP_HADJUSTMENT:
      set_hadjustment (self, g_value_get_object (value));
      break;
    case PROP_VADJUSTMENT:
      set_vadjustment (self, g_value_get_object (value));
      break;
    case PROP_HSCROLL_POLICY:
      if (self->hscroll_policy != (guint) g_value_get_enum (value))
        {
          self->hscroll_policy = g_value_get_enum (value);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_VSCROLL_POLICY:
      if (self->vscroll_policy != (guint) g_value_get_enum (value))
        {
          self->vscroll_policy = g_value_get_enum (value);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_hex_view_class_init (SbHexViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_hex_view_dispose;
  object_class->finalize = sb_hex_view_finalize;
  object_class->get_property = sb_hex_view_get_property;
  object_class->set_property = sb_hex_view_set_property;

  widget_class->snapshot = sb_hex_view_snapshot;
  widget_class->measure = sb_hex_view_measure;
  widget_class->size_allocate = sb_hex_view_size_allocate;
  widget_class->css_changed = sb_hex_view_css_changed;

  properties[PROP_TRANSCRIPT] =
    g_param_spec_object ("transcript", NULL, NULL, SB_TYPE_TRANSCRIPT,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL, SB_TYPE_HEX_VIEW_MODE, SB_HEX_VIEW_HEX,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_FOLLOW] =
    g_param_spec_boolean ("follow", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  gtk_widget_class_add_binding (widget_class, GDK_KEY_Up, 0, move_cb, "i", MOVE_ROW_UP);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Up, 0, move_cb, "i", MOVE_ROW_UP);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Down, 0, move_cb, "i", MOVE_ROW_DOWN);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Down, 0, move_cb, "i", MOVE_ROW_DOWN);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Page_Up, 0, move_cb, "i", MOVE_PAGE_UP);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Page_Up, 0, move_cb, "i", MOVE_PAGE_UP);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Page_Down, 0, move_cb, "i", MOVE_PAGE_DOWN);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Page_Down, 0, move_cb, "i",
                                MOVE_PAGE_DOWN);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Home, 0, move_cb, "i", MOVE_START);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Home, 0, move_cb, "i", MOVE_START);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_End, 0, move_cb, "i", MOVE_END);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_End, 0, move_cb, "i", MOVE_END);

  gtk_widget_class_set_css_name (widget_class, "sbhexview");
}

static void
sb_hex_view_init (SbHexView *self)
{
  GtkEventController *scroll;
  GtkGesture *click;

  self->follow = TRUE;
  self->offset_digits = MIN_OFFSET_DIGITS;
  self->spans = g_array_new (FALSE, FALSE, sizeof (Span));

  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self), "monospace");

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (on_click_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  /* Until a GtkScrolledWindow hands us its own. */
  set_adjustment (self, &self->hadjustment, NULL, G_CALLBACK (on_hadjustment_value_changed));
  set_adjustment (self, &self->vadjustment, NULL, G_CALLBACK (on_vadjustment_value_changed));
}

GtkWidget *
sb_hex_view_new (void)
{
  return g_object_new (SB_TYPE_HEX_VIEW, NULL);
}

void
sb_hex_view_set_transcript (SbHexView    *self,
                            SbTranscript *transcript)
{
  g_return_if_fail (SB_IS_HEX_VIEW (self));
  g_return_if_fail (transcript == NULL || SB_IS_TRANSCRIPT (transcript));

  if (self->transcript == transcript && self->bytes == NULL)
    return;

  if (self->transcript != NULL)
    {
      g_clear_signal_handler (&self->items_changed_id, self->transcript);
      g_clear_object (&self->transcript);
    }
  g_clear_pointer (&self->bytes, g_bytes_unref);
  self->source = NULL;
  self->source_data = NULL;
  self->hl_offset = self->hl_length = 0;
  if (transcript != NULL)
    {
      self->transcript = g_object_ref (transcript);
      self->items_changed_id = g_signal_connect (transcript, "items-changed",
                                                 G_CALLBACK (on_items_changed), self);
      self->source = &transcript_source;
      self->source_data = transcript;
    }

  /* Another conversation: start at its end, as a fresh view would. */
  invalidate_spans (self);
  self->n_bytes = 0;
  self->n_rows = 0;
  self->row_base = 0;
  set_follow_internal (self, TRUE);
  sync_transcript (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRANSCRIPT]);
}

void
sb_hex_view_set_bytes (SbHexView *self,
                       GBytes    *bytes)
{
  gboolean had_transcript;

  g_return_if_fail (SB_IS_HEX_VIEW (self));

  if (bytes != NULL && self->bytes == bytes)
    return;

  had_transcript = self->transcript != NULL;
  if (had_transcript)
    {
      g_clear_signal_handler (&self->items_changed_id, self->transcript);
      g_clear_object (&self->transcript);
    }
  g_clear_pointer (&self->bytes, g_bytes_unref);
  self->source = NULL;
  self->source_data = NULL;
  if (bytes != NULL)
    {
      self->bytes = g_bytes_ref (bytes);
      self->source = &bytes_source;
      self->source_data = self->bytes;
    }

  /* Other bytes: start at the top, nothing highlighted. */
  self->hl_offset = self->hl_length = 0;
  invalidate_spans (self);
  self->n_bytes = 0;
  self->n_rows = 0;
  self->row_base = 0;
  set_follow_internal (self, FALSE);
  self->configuring = TRUE;
  gtk_adjustment_set_value (self->vadjustment, 0);
  self->configuring = FALSE;
  sync_transcript (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));

  if (had_transcript)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRANSCRIPT]);
}

void
sb_hex_view_set_highlight (SbHexView *self,
                           guint64    offset,
                           guint64    length)
{
  g_return_if_fail (SB_IS_HEX_VIEW (self));

  /* Clipped to the bytes there are now. */
  if (offset >= self->n_bytes)
    length = 0;
  else
    length = MIN (length, self->n_bytes - offset);
  if (length > 0 && offset < self->row_base * bytes_per_row (self))
    {
      guint64 held = self->row_base * bytes_per_row (self);

      length = offset + length > held ? offset + length - held : 0;
      offset = held;
    }
  if (length == 0)
    offset = 0;
  if (self->hl_offset == offset && self->hl_length == length)
    return;

  self->hl_offset = offset;
  self->hl_length = length;
  if (length > 0)
    {
      /* The end if it fits on the page with the start, the start always. */
      sb_hex_view_scroll_to (self, offset + length - 1);
      sb_hex_view_scroll_to (self, offset);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
sb_hex_view_get_highlight (SbHexView *self,
                           guint64   *offset,
                           guint64   *length)
{
  g_return_val_if_fail (SB_IS_HEX_VIEW (self), FALSE);

  if (offset != NULL)
    *offset = self->hl_offset;
  if (length != NULL)
    *length = self->hl_length;
  return self->hl_length > 0;
}

SbTranscript *
sb_hex_view_get_transcript (SbHexView *self)
{
  g_return_val_if_fail (SB_IS_HEX_VIEW (self), NULL);
  return self->transcript;
}

void
sb_hex_view_set_mode (SbHexView     *self,
                      SbHexViewMode  mode)
{
  guint64 top;

  g_return_if_fail (SB_IS_HEX_VIEW (self));
  g_return_if_fail (mode == SB_HEX_VIEW_HEX || mode == SB_HEX_VIEW_TEXT);

  if (self->mode == mode)
    return;

  /* Keep the byte at the top of the view at the top. */
  top = (self->row_base + (guint64) gtk_adjustment_get_value (self->vadjustment))
        * bytes_per_row (self);
  self->mode = mode;
  invalidate_spans (self);
  self->n_rows = 0;
  self->row_base = 0;
  sync_transcript (self);
  if (!self->follow)
    {
      self->configuring = TRUE;
      guint64 row = top / bytes_per_row (self);

      gtk_adjustment_set_value (self->vadjustment,
                                (double) (row > self->row_base ? row - self->row_base : 0));
      self->configuring = FALSE;
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
}

SbHexViewMode
sb_hex_view_get_mode (SbHexView *self)
{
  g_return_val_if_fail (SB_IS_HEX_VIEW (self), SB_HEX_VIEW_HEX);
  return self->mode;
}

void
sb_hex_view_set_follow (SbHexView *self,
                        gboolean   follow)
{
  g_return_if_fail (SB_IS_HEX_VIEW (self));

  set_follow_internal (self, follow);
  if (self->follow)
    configure_adjustments (self, -1, -1);   /* jumps to the end */
}

gboolean
sb_hex_view_get_follow (SbHexView *self)
{
  g_return_val_if_fail (SB_IS_HEX_VIEW (self), FALSE);
  return self->follow;
}

void
sb_hex_view_scroll_to (SbHexView *self,
                       guint64    offset)
{
  GtkAdjustment *adj;
  double row, value, page;

  g_return_if_fail (SB_IS_HEX_VIEW (self));

  adj = self->vadjustment;
  row = offset / bytes_per_row (self) > self->row_base
        ? (double) (offset / bytes_per_row (self) - self->row_base) : 0;
  value = gtk_adjustment_get_value (adj);
  page = gtk_adjustment_get_page_size (adj);

  if (row < value)
    value = row;
  else if (row + 1 > value + page)
    value = row + 1 - page;
  else
    return;
  /* Not marked as ours: landing anywhere but the end stops following. */
  gtk_adjustment_set_value (adj, value);
}

guint64
sb_hex_view_get_top_offset (SbHexView *self)
{
  g_return_val_if_fail (SB_IS_HEX_VIEW (self), 0);
  return (self->row_base + (guint64) MAX (0.0, gtk_adjustment_get_value (self->vadjustment)))
         * bytes_per_row (self);
}

guint64
sb_hex_view_get_n_rows (SbHexView *self)
{
  g_return_val_if_fail (SB_IS_HEX_VIEW (self), 0);
  return self->n_rows;
}

guint
sb_hex_view_get_last_drawn_rows (SbHexView *self)
{
  g_return_val_if_fail (SB_IS_HEX_VIEW (self), 0);
  return self->last_drawn_rows;
}

gsize
sb_hex_view_get_last_read_bytes (SbHexView *self)
{
  g_return_val_if_fail (SB_IS_HEX_VIEW (self), 0);
  return self->last_read_bytes;
}

guint
sb_hex_view_get_last_highlight_rects (SbHexView *self)
{
  g_return_val_if_fail (SB_IS_HEX_VIEW (self), 0);
  return self->last_highlight_rects;
}
