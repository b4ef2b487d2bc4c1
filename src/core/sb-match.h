/* sb-match.h — matching received bytes, and data templates with captures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Expectations and auto-reply rules match the bytes received since the last
 * match: exactly (the next bytes), contains, a regular expression (PCRE on
 * raw bytes, with numbered and named capture groups) or a hex pattern ("48
 * ?? (6c 6c) 6f": ?? is any byte, parentheses capture). Sends and replies
 * are templates: text (escapes as in SbPayload) or hex, in which ${1} or
 * ${name} stands for the bytes of a capture.
 */
#pragma once

#include <glib.h>
#include "sb-step.h"

G_BEGIN_DECLS

#define SB_MATCH_ERROR (sb_match_error_quark ())
GQuark sb_match_error_quark (void);

typedef enum
{
  SB_MATCH_ERROR_BAD_PATTERN,   /* an empty pattern, a bad regex or hex pattern */
  SB_MATCH_ERROR_BAD_TEMPLATE,  /* a malformed ${…} */
  SB_MATCH_ERROR_NO_CAPTURE,    /* ${name} with no such capture (yet) */
} SbMatchError;

typedef enum
{
  SB_MATCH_RESULT_NO,        /* not (yet): more bytes may still match */
  SB_MATCH_RESULT_YES,
  SB_MATCH_RESULT_MISMATCH,  /* exact: the bytes differ, more will not help */
} SbMatchResult;

typedef struct _SbMatcher SbMatcher;

/* Captures: a GHashTable of "1", "name"… (char *) to GBytes. */
GHashTable   *sb_captures_new      (void);

/* ${…} in exact and contains patterns is expanded from @captures (may be
 * NULL: then a reference is an error). */
SbMatcher    *sb_matcher_new       (SbMatchKind   kind,
                                    const char   *pattern,
                                    GHashTable   *captures,
                                    GError      **error);
void          sb_matcher_free      (SbMatcher    *self);
SbMatchKind   sb_matcher_get_kind  (SbMatcher    *self);
/* Match @data; on YES *out_end is the offset just past the match and the
 * groups are stored in @captures (if not NULL): "0" the whole match, "1"…,
 * and the named ones. */
SbMatchResult sb_matcher_match     (SbMatcher    *self,
                                    const guint8 *data,
                                    gsize         len,
                                    gsize        *out_end,
                                    GHashTable   *captures);
/* "“Thank you”", "regex /Hello (\w+)/", "hex 48 ?? 6c". */
char         *sb_matcher_describe  (SbMatcher    *self);

/* Check a pattern without captures at hand (references are allowed). */
gboolean      sb_pattern_check     (SbMatchKind   kind,
                                    const char   *pattern,
                                    GError      **error);

/* A hex pattern as the raw-byte regular expression it matches with. */
char         *sb_hex_pattern_to_regex (const char *pattern,
                                    GError      **error);

/* Templates: @format is SB_DATA_TEXT or SB_DATA_HEX. */
gboolean      sb_template_check    (SbDataFormat  format,
                                    const char   *text,
                                    GError      **error);
GBytes       *sb_template_expand   (SbDataFormat  format,
                                    const char   *text,
                                    GHashTable   *captures,
                                    GError      **error);
/* Walk a template: @func gets each literal part as bytes (@reference NULL)
 * and each ${name} as its name (@literal NULL), in order. */
typedef void (*SbTemplateFunc) (GBytes     *literal,
                                const char *reference,
                                gpointer    user_data);
gboolean      sb_template_foreach  (SbDataFormat  format,
                                    const char   *text,
                                    SbTemplateFunc func,
                                    gpointer      user_data,
                                    GError      **error);
/* Whether @text has a ${…} reference. */
gboolean      sb_template_has_references (const char *text);

/* Bytes for a message: escaped text, at most @max characters, quoted. */
char         *sb_bytes_excerpt     (const guint8 *data,
                                    gsize         len,
                                    gsize         max);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbMatcher, sb_matcher_free)

G_END_DECLS
