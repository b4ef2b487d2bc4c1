/* sb-rate-graph.c — a live graph of a socket's rate over the last minute
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Samples the transcript's byte counters once a second into a ring of 60
 * samples and draws each direction as a filled line, scaled to the largest
 * sample on screen. The timer runs whenever a transcript is set, mapped or
 * not, so the minute of history is right when the graph is shown again.
 */
#include "config.h"

#include "sb-rate-graph.h"

#define N_SAMPLES      60
#define SAMPLE_MS      1000
#define NATURAL_WIDTH  200
#define NATURAL_HEIGHT 48
#define MIN_WIDTH      60
#define MIN_HEIGHT     24

typedef struct
{
  double in;    /* bytes per second */
  double out;
} Sample;

struct _SbRateGraph
{
  GtkWidget     parent_instance;

  SbTranscript *transcript;
  guint         timeout_id;

  guint64       last_in;      /* counters at the previous sample */
  guint64       last_out;
  gint64        last_time;    /* monotonic, µs */

  Sample        samples[N_SAMPLES];
  guint         head;         /* where the next sample goes */
  guint         n_samples;
};

enum
{
  PROP_0,
  PROP_TRANSCRIPT,
  PROP_RATE_IN,
  PROP_RATE_OUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (SbRateGraph, sb_rate_graph, GTK_TYPE_WIDGET)

/* The i-th oldest sample still in the ring. */
static const Sample *
get_sample (SbRateGraph *self,
            guint        i)
{
  return &self->samples[(self->head + N_SAMPLES - self->n_samples + i) % N_SAMPLES];
}

static const Sample *
last_sample (SbRateGraph *self)
{
  return self->n_samples > 0 ? get_sample (self, self->n_samples - 1) : NULL;
}

static void
reset_baseline (SbRateGraph *self)
{
  self->last_in = self->transcript != NULL ? sb_transcript_get_bytes_in (self->transcript) : 0;
  self->last_out = self->transcript != NULL ? sb_transcript_get_bytes_out (self->transcript) : 0;
  self->last_time = g_get_monotonic_time ();
}

static double
rate (guint64 now,
      guint64 before,
      double  seconds)
{
  /* A counter that went down was cleared: count from zero. */
  return (double) (now >= before ? now - before : now) / seconds;
}

static gboolean
sample_cb (gpointer data)
{
  SbRateGraph *self = data;
  const Sample *prev = last_sample (self);
  double old_in = prev != NULL ? prev->in : 0;
  double old_out = prev != NULL ? prev->out : 0;
  guint64 in = sb_transcript_get_bytes_in (self->transcript);
  guint64 out = sb_transcript_get_bytes_out (self->transcript);
  gint64 now = g_get_monotonic_time ();
  /* Divide by the time that really passed: a busy loop delays timeouts. */
  double seconds = MAX (now - self->last_time, 1) / (double) G_USEC_PER_SEC;
  Sample *s = &self->samples[self->head];

  s->in = rate (in, self->last_in, seconds);
  s->out = rate (out, self->last_out, seconds);
  self->head = (self->head + 1) % N_SAMPLES;
  self->n_samples = MIN (self->n_samples + 1, N_SAMPLES);
  self->last_in = in;
  self->last_out = out;
  self->last_time = now;

  if (s->in != old_in)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE_IN]);
  if (s->out != old_out)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE_OUT]);
  gtk_widget_queue_draw (GTK_WIDGET (self));

  return G_SOURCE_CONTINUE;
}

/* The theme's colours for sent and received text, the ones the app's CSS
 * gives label.sent and label.received: libadwaita's @accent_color and
 * @success_color, which come in light, dark and high-contrast variants with
 * text contrast. Other themes get the same values as a fallback. */
static void
get_colors (SbRateGraph *self,
            GdkRGBA     *fg,
            GdkRGBA     *sent,
            GdkRGBA     *received)
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

static void
draw_series (SbRateGraph   *self,
             cairo_t       *cr,
             gboolean       out,
             double         width,
             double         height,
             double         max,
             const GdkRGBA *color)
{
  double step = width / (N_SAMPLES - 1);
  double x0 = width - (self->n_samples - 1) * step;

  if (self->n_samples == 0)
    return;

  cairo_new_path (cr);
  for (guint i = 0; i < self->n_samples; i++)
    {
      const Sample *s = get_sample (self, i);
      double v = out ? s->out : s->in;
      double y = height - 1 - (height - 2) * (v / max);

      cairo_line_to (cr, x0 + i * step, y);
    }

  /* A lone sample is a point; make it a short flat line so it shows. */
  if (self->n_samples == 1)
    cairo_rel_line_to (cr, -step, 0);

  cairo_set_source_rgba (cr, color->red, color->green, color->blue, 1.0);
  cairo_set_line_width (cr, 1.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke_preserve (cr);

  cairo_line_to (cr, self->n_samples == 1 ? width - step : x0 + (self->n_samples - 1) * step,
                 height);
  cairo_line_to (cr, self->n_samples == 1 ? width : x0, height);
  cairo_close_path (cr);
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, 0.25);
  cairo_fill (cr);
}

static void
sb_rate_graph_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  SbRateGraph *self = SB_RATE_GRAPH (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA fg, sent, received;
  double max = 0;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  get_colors (self, &fg, &sent, &received);
  for (guint i = 0; i < self->n_samples; i++)
    {
      const Sample *s = get_sample (self, i);

      max = MAX (max, MAX (s->in, s->out));
    }

  /* The baseline, so an idle socket still shows a graph. */
  gtk_snapshot_append_color (snapshot,
                             &(GdkRGBA) { fg.red, fg.green, fg.blue, fg.alpha * 0.2 },
                             &GRAPHENE_RECT_INIT (0, height - 1, width, 1));
  if (max <= 0)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  /* Received under sent: replies are usually the bigger stream. */
  draw_series (self, cr, FALSE, width, height, max, &received);
  draw_series (self, cr, TRUE, width, height, max, &sent);
  cairo_destroy (cr);
}

static void
sb_rate_graph_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MIN_WIDTH;
      *natural = NATURAL_WIDTH;
    }
  else
    {
      *minimum = MIN_HEIGHT;
      *natural = NATURAL_HEIGHT;
    }
}

static void
sb_rate_graph_dispose (GObject *object)
{
  SbRateGraph *self = SB_RATE_GRAPH (object);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_object (&self->transcript);

  G_OBJECT_CLASS (sb_rate_graph_parent_class)->dispose (object);
}

static void
sb_rate_graph_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SbRateGraph *self = SB_RATE_GRAPH (object);

  switch (prop_id)
    {
    case PROP_TRANSCRIPT:
      g_value_set_object (value, self->transcript);
      break;
    case PROP_RATE_IN:
      g_value_set_double (value, sb_rate_graph_get_rate_in (self));
      break;
    case PROP_RATE_OUT:
      g_value_set_double (value, sb_rate_graph_get_rate_out (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_rate_graph_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SbRateGraph *self = SB_RATE_GRAPH (object);

  switch (prop_id)
    {
    case PROP_TRANSCRIPT:
      sb_rate_graph_set_transcript (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_rate_graph_class_init (SbRateGraphClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_rate_graph_dispose;
  object_class->get_property = sb_rate_graph_get_property;
  object_class->set_property = sb_rate_graph_set_property;

  widget_class->snapshot = sb_rate_graph_snapshot;
  widget_class->measure = sb_rate_graph_measure;

  properties[PROP_TRANSCRIPT] =
    g_param_spec_object ("transcript", NULL, NULL, SB_TYPE_TRANSCRIPT,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_RATE_IN] =
    g_param_spec_double ("rate-in", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_RATE_OUT] =
    g_param_spec_double ("rate-out", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "sbrategraph");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
sb_rate_graph_init (SbRateGraph *self)
{
}

GtkWidget *
sb_rate_graph_new (void)
{
  return g_object_new (SB_TYPE_RATE_GRAPH, NULL);
}

void
sb_rate_graph_set_transcript (SbRateGraph  *self,
                              SbTranscript *transcript)
{
  gboolean had_in, had_out;

  g_return_if_fail (SB_IS_RATE_GRAPH (self));
  g_return_if_fail (transcript == NULL || SB_IS_TRANSCRIPT (transcript));

  if (!g_set_object (&self->transcript, transcript))
    return;

  /* Another socket: its history starts now. */
  had_in = sb_rate_graph_get_rate_in (self) != 0;
  had_out = sb_rate_graph_get_rate_out (self) != 0;
  self->head = 0;
  self->n_samples = 0;
  reset_baseline (self);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (transcript != NULL)
    {
      self->timeout_id = g_timeout_add (SAMPLE_MS, sample_cb, self);
      g_source_set_name_by_id (self->timeout_id, "[sockbench] rate graph sample");
    }

  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (had_in)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE_IN]);
  if (had_out)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE_OUT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRANSCRIPT]);
}

double
sb_rate_graph_get_rate_in (SbRateGraph *self)
{
  const Sample *s;

  g_return_val_if_fail (SB_IS_RATE_GRAPH (self), 0);
  s = last_sample (self);
  return s != NULL ? s->in : 0;
}

double
sb_rate_graph_get_rate_out (SbRateGraph *self)
{
  const Sample *s;

  g_return_val_if_fail (SB_IS_RATE_GRAPH (self), 0);
  s = last_sample (self);
  return s != NULL ? s->out : 0;
}
