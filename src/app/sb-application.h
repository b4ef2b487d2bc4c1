/* sb-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SB_TYPE_APPLICATION (sb_application_get_type ())
G_DECLARE_FINAL_TYPE (SbApplication, sb_application, SB, APPLICATION, AdwApplication)

SbApplication *sb_application_new          (void);
/* The app's settings, or NULL when the schema is not installed (e.g. a
 * build run in place without GSETTINGS_SCHEMA_DIR): then defaults apply. */
GSettings     *sb_application_get_settings (SbApplication *self);

G_END_DECLS
