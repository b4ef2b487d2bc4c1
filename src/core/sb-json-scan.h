/* sb-json-scan.h — a strict, non-recursive JSON checker with positions
 * (internal to core)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * json-glib 1.6 parses recursively (100,000 nested arrays overflow the
 * stack), keeps no positions in its nodes, wraps integers that do not fit
 * in 64 bits, and cuts strings at \u0000. So a session file is first walked
 * here, with an explicit stack and a depth limit: the walk checks the whole
 * JSON grammar, UTF-8, escapes, and integer ranges and reports the first
 * problem with its line and column. The same walk, given a path, finds
 * where a value is, so that errors found later in the parsed tree name a
 * line and column too.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint line;     /* from 1 */
  guint column;   /* from 1, in characters */
} SbJsonPos;

/* One step of a path: a member name, or (key == NULL) an array index. */
typedef struct
{
  const char *key;
  guint       index;
} SbJsonSeg;

typedef enum
{
  SB_JSON_SCAN_SYNTAX,
  SB_JSON_SCAN_TOO_DEEP,
} SbJsonScanProblem;

/* Check @data. On a problem returns FALSE and fills @pos, @problem and a
 * newly allocated @message (without the position). */
gboolean sb_json_scan_check (const char        *data,
                             gsize              len,
                             guint              max_depth,
                             SbJsonPos         *pos,
                             SbJsonScanProblem *problem,
                             char             **message);

/* Where the value at @path (@n segments; 0 is the root) starts. With a
 * member given twice the last one counts, as in json-glib. Returns FALSE if
 * there is no such value (@pos is then 1:1). @data must have passed
 * sb_json_scan_check. */
gboolean sb_json_scan_find  (const char        *data,
                             gsize              len,
                             const SbJsonSeg   *path,
                             guint              n,
                             SbJsonPos         *pos);

G_END_DECLS
