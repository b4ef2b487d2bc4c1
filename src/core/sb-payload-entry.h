/* sb-payload-entry.h — a named payload in a session's library
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Send steps refer to library payloads by name (format "payload").
 */
#pragma once

#include <glib-object.h>
#include "sb-step.h"

G_BEGIN_DECLS

#define SB_TYPE_PAYLOAD_ENTRY (sb_payload_entry_get_type ())
G_DECLARE_FINAL_TYPE (SbPayloadEntry, sb_payload_entry, SB, PAYLOAD_ENTRY, GObject)

/* Properties: "name", "format" (text or hex only), "data". */
SbPayloadEntry *sb_payload_entry_new        (const char     *name,
                                             SbDataFormat    format,
                                             const char     *data);
const char     *sb_payload_entry_get_name   (SbPayloadEntry *self);
void            sb_payload_entry_set_name   (SbPayloadEntry *self,
                                             const char     *name);
SbDataFormat    sb_payload_entry_get_format (SbPayloadEntry *self);
void            sb_payload_entry_set_format (SbPayloadEntry *self,
                                             SbDataFormat    format);
const char     *sb_payload_entry_get_data   (SbPayloadEntry *self);
void            sb_payload_entry_set_data   (SbPayloadEntry *self,
                                             const char     *data);

G_END_DECLS
