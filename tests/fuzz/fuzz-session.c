/* fuzz-session.c — the session loader against any bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Whatever the input, sb_session_new_from_data() must either load it or
 * fail with an SB_SESSION_ERROR whose message starts "line L, column C: ",
 * without crashing, leaking or recursing. What loads must save, and what
 * it saves must load again to the same bytes (the round trip of the file
 * format), and export to Python.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "sb-python-export.h"
#include "sb-session.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SbSession) session = NULL;
  g_autoptr(SbSession) again = NULL;
  g_autofree char *saved = NULL, *resaved = NULL, *script = NULL;
  gsize saved_len, resaved_len;

  session = sb_session_new_from_data ((const char *) data, size, &error);
  if (session == NULL)
    {
      g_assert_nonnull (error);
      if (error->domain != SB_SESSION_ERROR || !g_str_has_prefix (error->message, "line "))
        g_error ("a load error without its position: %s", error->message);
      return 0;
    }
  g_assert_no_error (error);

  saved = sb_session_to_data (session, &saved_len);
  again = sb_session_new_from_data (saved, saved_len, &error);
  if (again == NULL)
    g_error ("a saved session does not load: %s\n%s", error->message, saved);
  resaved = sb_session_to_data (again, &resaved_len);
  g_assert_cmpmem (saved, saved_len, resaved, resaved_len);

  script = sb_python_export (session, "fuzz", &error);
  g_clear_error (&error);
  return 0;
}
