/* sb-match.c — matching received bytes, and data templates with captures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sb-match.h"
#include "sb-payload.h"

G_DEFINE_QUARK (sb-match-error-quark, sb_match_error)

struct _SbMatcher
{
  SbMatchKind kind;
  char       *pattern;   /* as written */
  GBytes     *bytes;     /* exact, contains */
  GRegex     *regex;     /* regex, hex */
  GPtrArray  *names;     /* named groups of the regex */
};

GHashTable *
sb_captures_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
}

/* ---- templates --------------------------------------------------------------- */

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

/* Find the next ${name} at or after @from: its start, the name's span and
 * the end. Returns FALSE when there is none; a malformed one is an error. */
static gboolean
next_reference (const char *text,
                gsize       from,
                gsize      *start,
                gsize      *name_start,
                gsize      *name_len,
                gsize      *end,
                GError    **error)
{
  const char *p = strstr (text + from, "${");
  gsize i;

  if (p == NULL)
    return FALSE;
  *start = p - text;
  *name_start = *start + 2;
  for (i = *name_start; is_name_char (text[i]); i++)
    ;
  if (text[i] != '}' || i == *name_start)
    {
      g_set_error (error, SB_MATCH_ERROR, SB_MATCH_ERROR_BAD_TEMPLATE,
                   "“${” at position %ld starts a capture reference: write ${1} or ${name} "
                   "(letters, digits, _), or \\x24{ for a literal “${”",
                   g_utf8_strlen (text, *start) + 1);
      return FALSE;
    }
  *name_len = i - *name_start;
  *end = i + 1;
  return TRUE;
}

gboolean
sb_template_has_references (const char *text)
{
  gsize s, ns, nl, e;

  g_return_val_if_fail (text != NULL, FALSE);
  return next_reference (text, 0, &s, &ns, &nl, &e, NULL);
}

/* Replace each reference by filler of the same length that the format
 * reads as harmless, so that the parser's positions stay right. */
static char *
neutralise (SbDataFormat format,
            const char  *text,
            GError     **error)
{
  g_autofree char *copy = g_strdup (text);
  gsize from = 0, start, name_start, name_len, end;
  GError *local = NULL;

  while (next_reference (text, from, &start, &name_start, &name_len, &end, &local))
    {
      memset (copy + start, format == SB_DATA_HEX ? ' ' : 'X', end - start);
      from = end;
    }
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return NULL;
    }
  return g_steal_pointer (&copy);
}

gboolean
sb_template_check (SbDataFormat format,
                   const char  *text,
                   GError     **error)
{
  g_autofree char *plain = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (format == SB_DATA_TEXT || format == SB_DATA_HEX, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  plain = neutralise (format, text, error);
  if (plain == NULL)
    return FALSE;
  bytes = sb_payload_parse (format == SB_DATA_HEX ? SB_PAYLOAD_HEX : SB_PAYLOAD_TEXT, plain, -1,
                            NULL, error);
  return bytes != NULL;
}

typedef struct
{
  GByteArray *out;
  GHashTable *captures;
  char       *missing;   /* the first ${name} with no capture */
} Expansion;

static void
expand_piece (GBytes     *literal,
              const char *name,
              gpointer    data)
{
  Expansion *x = data;
  GBytes *value = literal;

  if (name != NULL)
    {
      value = x->captures != NULL ? g_hash_table_lookup (x->captures, name) : NULL;
      if (value == NULL)
        {
          if (x->missing == NULL)
            x->missing = g_strdup (name);
          return;
        }
    }
  g_byte_array_append (x->out, g_bytes_get_data (value, NULL), g_bytes_get_size (value));
}

GBytes *
sb_template_expand (SbDataFormat format,
                    const char  *text,
                    GHashTable  *captures,
                    GError     **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  Expansion x = { out, captures, NULL };
  g_autofree char *missing = NULL;

  g_return_val_if_fail (format == SB_DATA_TEXT || format == SB_DATA_HEX, NULL);
  g_return_val_if_fail (text != NULL, NULL);

  if (!sb_template_foreach (format, text, expand_piece, &x, error))
    return NULL;
  missing = x.missing;
  if (missing != NULL)
    {
      g_set_error (error, SB_MATCH_ERROR, SB_MATCH_ERROR_NO_CAPTURE,
                   "There is no capture “%s” yet: ${%s} needs an earlier expect (or the "
                   "rule's own regex) with that group",
                   missing, missing);
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* ---- patterns ---------------------------------------------------------------- */

/* A hex pattern as a raw-byte regex: pairs of digits, ?? for any byte,
 * parentheses for groups; separators and 0x prefixes are skipped. */
static char *
hex_to_regex (const char *pattern,
              GError    **error)
{
  GString *re = g_string_new (NULL);
  gboolean any = FALSE;
  const char *p = pattern;

  while (*p != '\0')
    {
      char c = *p;
      glong position = g_utf8_pointer_to_offset (pattern, p) + 1;

      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':' || c == ',' || c == '-')
        p++;
      else if (c == '0' && (p[1] == 'x' || p[1] == 'X') && g_ascii_isxdigit (p[2]))
        p += 2;
      else if (c == '(' || c == ')')
        {
          g_string_append_c (re, c);
          p++;
        }
      else if (c == '?')
        {
          if (p[1] != '?')
            goto bad;
          g_string_append (re, "(?s:.)");
          any = TRUE;
          p += 2;
        }
      else if (g_ascii_isxdigit (c))
        {
          if (!g_ascii_isxdigit (p[1]))
            {
              g_set_error (error, SB_MATCH_ERROR, SB_MATCH_ERROR_BAD_PATTERN,
                           "Hex pattern: the digit ‘%c’ at position %ld has no partner: "
                           "write each byte as two digits",
                           c, position);
              g_string_free (re, TRUE);
              return NULL;
            }
          g_string_append_printf (re, "\\x%c%c", c, p[1]);
          any = TRUE;
          p += 2;
        }
      else
        {
        bad:
          g_set_error (error, SB_MATCH_ERROR, SB_MATCH_ERROR_BAD_PATTERN,
                       "Hex pattern: unexpected “%.*s” at position %ld: use hex byte pairs, ?? "
                       "for any byte and ( ) for a capture group",
                       (int) g_utf8_skip[(guchar) c], p, position);
          g_string_free (re, TRUE);
          return NULL;
        }
    }
  if (!any)
    {
      g_set_error_literal (error, SB_MATCH_ERROR, SB_MATCH_ERROR_BAD_PATTERN,
                           "The hex pattern has no bytes");
      g_string_free (re, TRUE);
      return NULL;
    }
  return g_string_free (re, FALSE);
}

/* GRegex cannot list its group names: read them from the pattern. */
static GPtrArray *
group_names (const char *pattern)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  for (const char *p = pattern; *p != '\0'; p++)
    {
      const char *start = NULL;
      char close = '>';

      if (*p == '\\' && p[1] != '\0')
        {
          p++;
          continue;
        }
      if (g_str_has_prefix (p, "(?<") && p[3] != '=' && p[3] != '!')
        start = p + 3;
      else if (g_str_has_prefix (p, "(?P<"))
        start = p + 4;
      else if (g_str_has_prefix (p, "(?'"))
        {
          start = p + 3;
          close = '\'';
        }
      if (start != NULL)
        {
          const char *end = start;

          while (is_name_char (*end))
            end++;
          if (*end == close && end > start)
            g_ptr_array_add (names, g_strndup (start, end - start));
        }
    }
  return names;
}

static GRegex *
compile (SbMatchKind kind,
         const char *pattern,
         GError    **error)
{
  g_autofree char *hex = NULL;
  g_autoptr(GError) local = NULL;
  GRegex *regex;

  if (kind == SB_MATCH_HEX)
    {
      hex = hex_to_regex (pattern, error);
      if (hex == NULL)
        return NULL;
    }
  /* RAW: the subject is bytes, not UTF-8 (any byte can arrive) */
  regex = g_regex_new (hex != NULL ? hex : pattern, G_REGEX_RAW, 0, &local);
  if (regex == NULL)
    g_set_error (error, SB_MATCH_ERROR, SB_MATCH_ERROR_BAD_PATTERN, "%s pattern: %s",
                 kind == SB_MATCH_HEX ? "Hex" : "Regular expression", local->message);
  return regex;
}

gboolean
sb_pattern_check (SbMatchKind kind,
                  const char *pattern,
                  GError    **error)
{
  g_return_val_if_fail (kind < SB_N_MATCH_KINDS, FALSE);
  g_return_val_if_fail (pattern != NULL, FALSE);

  if (pattern[0] == '\0')
    {
      g_set_error_literal (error, SB_MATCH_ERROR, SB_MATCH_ERROR_BAD_PATTERN,
                           "The pattern is empty");
      return FALSE;
    }
  if (kind == SB_MATCH_EXACT || kind == SB_MATCH_CONTAINS)
    return sb_template_check (SB_DATA_TEXT, pattern, error);
  {
    g_autoptr(GRegex) regex = compile (kind, pattern, error);
    return regex != NULL;
  }
}

SbMatcher *
sb_matcher_new (SbMatchKind kind,
                const char *pattern,
                GHashTable *captures,
                GError    **error)
{
  g_autoptr(SbMatcher) self = NULL;

  g_return_val_if_fail (kind < SB_N_MATCH_KINDS, NULL);
  g_return_val_if_fail (pattern != NULL, NULL);

  if (!sb_pattern_check (kind, pattern, error))
    return NULL;

  self = g_new0 (SbMatcher, 1);
  self->kind = kind;
  self->pattern = g_strdup (pattern);
  if (kind == SB_MATCH_EXACT || kind == SB_MATCH_CONTAINS)
    {
      self->bytes = sb_template_expand (SB_DATA_TEXT, pattern, captures, error);
      if (self->bytes == NULL)
        return NULL;
      if (g_bytes_get_size (self->bytes) == 0)
        {
          g_set_error_literal (error, SB_MATCH_ERROR, SB_MATCH_ERROR_BAD_PATTERN,
                               "The pattern is empty");
          return NULL;
        }
    }
  else
    {
      self->regex = compile (kind, pattern, error);
      if (self->regex == NULL)
        return NULL;
      self->names = kind == SB_MATCH_REGEX ? group_names (pattern)
                                           : g_ptr_array_new_with_free_func (g_free);
    }
  return g_steal_pointer (&self);
}

void
sb_matcher_free (SbMatcher *self)
{
  if (self == NULL)
    return;
  g_free (self->pattern);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_pointer (&self->regex, g_regex_unref);
  g_clear_pointer (&self->names, g_ptr_array_unref);
  g_free (self);
}

SbMatchKind
sb_matcher_get_kind (SbMatcher *self)
{
  return self->kind;
}

static void
store_group (GHashTable   *captures,
             char         *name,
             const guint8 *data,
             int           start,
             int           end)
{
  if (start < 0 || end < start)
    {
      /* a group that did not take part: forget an older value */
      g_hash_table_remove (captures, name);
      g_free (name);
      return;
    }
  g_hash_table_replace (captures, name, g_bytes_new (data + start, end - start));
}

SbMatchResult
sb_matcher_match (SbMatcher    *self,
                  const guint8 *data,
                  gsize         len,
                  gsize        *out_end,
                  GHashTable   *captures)
{
  static const guint8 nothing[1];

  g_return_val_if_fail (self != NULL, SB_MATCH_RESULT_NO);
  g_return_val_if_fail (data != NULL || len == 0, SB_MATCH_RESULT_NO);

  /* an empty GByteArray has no buffer at all; memcmp wants one */
  if (data == NULL)
    data = nothing;

  switch (self->kind)
    {
    case SB_MATCH_EXACT:
      {
        gsize plen;
        const guint8 *p = g_bytes_get_data (self->bytes, &plen);

        if (memcmp (data, p, MIN (len, plen)) != 0)
          return SB_MATCH_RESULT_MISMATCH;
        if (len < plen)
          return SB_MATCH_RESULT_NO;
        *out_end = plen;
        return SB_MATCH_RESULT_YES;
      }

    case SB_MATCH_CONTAINS:
      {
        gsize plen;
        const guint8 *p = g_bytes_get_data (self->bytes, &plen);
        const guint8 *at = len > 0 ? memmem (data, len, p, plen) : NULL;

        if (at == NULL)
          return SB_MATCH_RESULT_NO;
        *out_end = (at - data) + plen;
        return SB_MATCH_RESULT_YES;
      }

    case SB_MATCH_REGEX:
    case SB_MATCH_HEX:
      {
        g_autoptr(GMatchInfo) info = NULL;
        int start, end;

        if (len > G_MAXSSIZE)
          return SB_MATCH_RESULT_NO;
        if (!g_regex_match_full (self->regex, (const char *) data, len, 0, 0,
                                 &info, NULL))
          return SB_MATCH_RESULT_NO;
        g_match_info_fetch_pos (info, 0, &start, &end);
        *out_end = end;
        if (captures != NULL)
          {
            int n = g_regex_get_capture_count (self->regex);

            for (int i = 0; i <= n; i++)
              {
                g_match_info_fetch_pos (info, i, &start, &end);
                store_group (captures, g_strdup_printf ("%d", i), data, start, end);
              }
            for (guint i = 0; i < self->names->len; i++)
              {
                const char *name = g_ptr_array_index (self->names, i);

                if (!g_match_info_fetch_named_pos (info, name, &start, &end))
                  start = end = -1;
                store_group (captures, g_strdup (name), data, start, end);
              }
          }
        return SB_MATCH_RESULT_YES;
      }

    case SB_N_MATCH_KINDS:
    default:
      g_assert_not_reached ();
    }
}

char *
sb_matcher_describe (SbMatcher *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  switch (self->kind)
    {
    case SB_MATCH_EXACT:
    case SB_MATCH_CONTAINS:
      {
        gsize len;
        const guint8 *data = g_bytes_get_data (self->bytes, &len);

        return sb_bytes_excerpt (data, len, 60);
      }
    case SB_MATCH_REGEX:
      return g_strdup_printf ("regex /%s/", self->pattern);
    case SB_MATCH_HEX:
      return g_strdup_printf ("hex %s", self->pattern);
    case SB_N_MATCH_KINDS:
    default:
      g_assert_not_reached ();
    }
}

char *
sb_bytes_excerpt (const guint8 *data,
                  gsize         len,
                  gsize         max)
{
  static const guint8 nothing[1];
  gboolean cut_input = len > max * 4 + 4;
  g_autofree char *text = sb_payload_format_text (data != NULL ? data : nothing,
                                                 cut_input ? max * 4 + 4 : len);
  glong n = g_utf8_strlen (text, -1);

  if (((gsize) n > max || cut_input) && max > 1 && (gsize) n >= max - 1)
    {
      const char *cut = g_utf8_offset_to_pointer (text, max - 1);

      return g_strdup_printf ("“%.*s…”", (int) (cut - text), text);
    }
  return g_strdup_printf ("“%s”", text);
}

char *
sb_hex_pattern_to_regex (const char *pattern,
                         GError    **error)
{
  g_return_val_if_fail (pattern != NULL, NULL);
  return hex_to_regex (pattern, error);
}

gboolean
sb_template_foreach (SbDataFormat   format,
                     const char    *text,
                     SbTemplateFunc func,
                     gpointer       user_data,
                     GError       **error)
{
  gsize from = 0, start, name_start, name_len, end;
  GError *local = NULL;

  g_return_val_if_fail (format == SB_DATA_TEXT || format == SB_DATA_HEX, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  if (!sb_template_check (format, text, error))
    return FALSE;
  for (;;)
    {
      gboolean more = next_reference (text, from, &start, &name_start, &name_len, &end, &local);
      gsize literal_end = more ? start : strlen (text);
      g_autoptr(GBytes) literal = NULL;

      if (local != NULL)
        {
          g_propagate_error (error, local);
          return FALSE;
        }
      literal = sb_payload_parse (format == SB_DATA_HEX ? SB_PAYLOAD_HEX : SB_PAYLOAD_TEXT,
                                  text + from, literal_end - from, NULL, error);
      if (literal == NULL)
        return FALSE;
      if (g_bytes_get_size (literal) > 0)
        func (literal, NULL, user_data);
      if (!more)
        return TRUE;
      {
        g_autofree char *name = g_strndup (text + name_start, name_len);

        func (NULL, name, user_data);
      }
      from = end;
    }
}
