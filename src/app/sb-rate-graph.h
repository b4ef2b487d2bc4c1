/* sb-rate-graph.h — counters and a live graph of a socket's rate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Samples an SbTranscript's byte counters once a second and draws the
 * rate in each direction over the last minute.
 */
#pragma once

#include <gtk/gtk.h>
#include "sb-transcript.h"

G_BEGIN_DECLS

#define SB_TYPE_RATE_GRAPH (sb_rate_graph_get_type ())
G_DECLARE_FINAL_TYPE (SbRateGraph, sb_rate_graph, SB, RATE_GRAPH, GtkWidget)

GtkWidget    *sb_rate_graph_new            (void);
void          sb_rate_graph_set_transcript (SbRateGraph  *self,
                                            SbTranscript *transcript);
/* Current rates in bytes per second (the last sample). */
double        sb_rate_graph_get_rate_in    (SbRateGraph  *self);
double        sb_rate_graph_get_rate_out   (SbRateGraph  *self);

G_END_DECLS
