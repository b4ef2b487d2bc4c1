/* fuzz-main.c — replay a corpus through a fuzz target, as a plain test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: fuzz-NAME [--tap] [-k] CORPUS-DIR|FILE…
 *
 * Without libFuzzer (gcc builds, the sanitizer CI) each fuzz target is
 * linked with this driver: every file of the corpus is one test case, fed
 * to LLVMFuzzerTestOneInput whole and cut at every length up to 512 bytes,
 * so that the target's bounds checks run under AddressSanitizer too.
 */
#include "config.h"

#include <stdint.h>
#include <glib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define MAX_CUTS 512

static void
replay_file (gconstpointer data)
{
  const char *path = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_no_error (error);
  LLVMFuzzerTestOneInput ((const uint8_t *) contents, len);
  for (gsize n = 0; n < len && n < MAX_CUTS; n++)
    {
      /* an exact-size copy, so that a read past the cut is caught */
      g_autofree guint8 *piece = g_memdup2 (contents, n);

      LLVMFuzzerTestOneInput (piece, n);
    }
}

static void
add_path (const char *path,
          GPtrArray  *paths)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        if (name[0] != '.')
          g_ptr_array_add (names, g_build_filename (path, name, NULL));
      g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
      for (guint i = 0; i < names->len; i++)
        add_path (g_ptr_array_index (names, i), paths);
    }
  else
    g_ptr_array_add (paths, g_strdup (path));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  g_test_init (&argc, &argv, NULL);
  for (int i = 1; i < argc; i++)
    add_path (argv[i], paths);
  if (paths->len == 0)
    g_error ("no corpus: give a folder or files");
  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *name = g_strdup_printf ("/fuzz/replay/%s", base);

      g_test_add_data_func (name, path, replay_file);
    }
  return g_test_run ();
}
