/* sb-steps-view.h — a socket's scripted steps: edit them, run them, see each outcome
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "sb-script.h"
#include "sb-session.h"
#include "sb-socket-spec.h"

G_BEGIN_DECLS

#define SB_TYPE_STEPS_VIEW (sb_steps_view_get_type ())
G_DECLARE_FINAL_TYPE (SbStepsView, sb_steps_view, SB, STEPS_VIEW, GtkWidget)

GtkWidget    *sb_steps_view_new              (void);
/* Show and edit @spec's steps; runs use @session (may be NULL) for
 * payloads, files and the other sockets' ports. A script of the previous
 * spec is stopped and dropped. */
void          sb_steps_view_set_spec         (SbStepsView  *self,
                                              SbSocketSpec *spec,
                                              SbSession    *session);
/* The bench's own socket for the same spec (may be NULL): when the spec
 * has no script socket, its port answers other scripts' "port from". */
void          sb_steps_view_set_bench_socket (SbStepsView  *self,
                                              SbSocket     *socket);
/* The script of the last Run All / Step, or NULL (none yet, or reset). */
SbScript     *sb_steps_view_get_script       (SbStepsView  *self);
/* Whether a run or a step is going on. */
gboolean      sb_steps_view_is_busy          (SbStepsView  *self);
/* The line above the steps ("All 5 steps passed", "Step 2 failed: …"). */
const char   *sb_steps_view_get_summary      (SbStepsView  *self);

G_END_DECLS
