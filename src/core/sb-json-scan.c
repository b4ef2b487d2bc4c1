/* sb-json-scan.c — a strict, non-recursive JSON checker with positions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sb-json-scan.h"

typedef struct
{
  char      kind;      /* '{' or '[' */
  guint     index;     /* of the current element of an array */
  gboolean  path_ok;   /* this container's path is a prefix of the target */
  GString  *key;       /* the current member name (decoded), when needed */
} Frame;

typedef enum
{
  S_VALUE,       /* a value is required */
  S_ARR_FIRST,   /* a value or ] */
  S_AFTER,       /* , or the closing bracket, or the end */
  S_OBJ_FIRST,   /* a member name or } */
  S_OBJ_KEY,     /* a member name */
  S_COLON,
} State;

typedef struct
{
  const char        *data;
  gsize              len;
  gsize              pos;
  guint              line;
  gsize              line_start;
  /* the problem, if any */
  gboolean           failed;
  gsize              fail_pos;
  guint              fail_line;
  gsize              fail_line_start;
  SbJsonScanProblem  problem;
  char              *message;
} Lexer;

static SbJsonPos
position_of (const char *data,
             gsize       pos,
             guint       line,
             gsize       line_start)
{
  SbJsonPos p = { line, 1 };

  /* count characters, not bytes: skip UTF-8 continuation bytes */
  for (gsize i = line_start; i < pos; i++)
    if (((guchar) data[i] & 0xc0) != 0x80)
      p.column++;
  return p;
}

static gboolean
fail (Lexer      *L,
      gsize       at,
      const char *format,
      ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (Lexer      *L,
      gsize       at,
      const char *format,
      ...)
{
  va_list args;

  if (L->failed)
    return FALSE;
  L->failed = TRUE;
  L->fail_pos = at;
  L->fail_line = L->line;
  L->fail_line_start = L->line_start;
  L->problem = SB_JSON_SCAN_SYNTAX;
  va_start (args, format);
  L->message = g_strdup_vprintf (format, args);
  va_end (args);
  return FALSE;
}

/* How to show the character at @at in a message. */
static char *
describe_char (Lexer *L,
               gsize  at)
{
  guchar c;
  gunichar u;

  if (at >= L->len)
    return g_strdup ("the end of the file");
  c = L->data[at];
  if (c >= 0x20 && c < 0x7f)
    return g_strdup_printf ("‘%c’", c);
  if (c < 0x80)
    return g_strdup_printf ("the control character 0x%02x", c);
  u = g_utf8_get_char_validated (L->data + at, MIN (L->len - at, 6));
  if (u == (gunichar) -1 || u == (gunichar) -2)
    return g_strdup_printf ("the byte 0x%02x", c);
  return g_strdup_printf ("U+%04X", u);
}

static void
skip_space (Lexer *L)
{
  while (L->pos < L->len)
    {
      char c = L->data[L->pos];

      if (c == '\n')
        {
          L->line++;
          L->line_start = L->pos + 1;
        }
      else if (c != ' ' && c != '\t' && c != '\r')
        return;
      L->pos++;
    }
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
read_u_escape (Lexer    *L,
               gsize     at,     /* of the backslash */
               gunichar *out)
{
  gunichar u = 0;

  if (L->len - at < 6)
    return fail (L, at, "the file ends inside a \\u escape");
  for (int i = 2; i < 6; i++)
    {
      int v = hex_value (L->data[at + i]);

      if (v < 0)
        return fail (L, at, "a \\u escape needs four hex digits");
      u = (u << 4) | v;
    }
  *out = u;
  return TRUE;
}

/* A string starting at the opening quote; @decoded (may be NULL) gets its
 * value. Leaves pos after the closing quote. */
static gboolean
scan_string (Lexer   *L,
             GString *decoded)
{
  gsize start = L->pos;

  L->pos++;   /* the quote */
  if (decoded != NULL)
    g_string_truncate (decoded, 0);

  while (L->pos < L->len)
    {
      guchar c = L->data[L->pos];

      if (c == '"')
        {
          L->pos++;
          return TRUE;
        }
      if (c == '\\')
        {
          gsize at = L->pos;
          char e;

          if (L->pos + 1 >= L->len)
            break;
          e = L->data[L->pos + 1];
          switch (e)
            {
            case '"': case '\\': case '/':
              if (decoded != NULL)
                g_string_append_c (decoded, e);
              L->pos += 2;
              break;
            case 'b': case 'f': case 'n': case 'r': case 't':
              if (decoded != NULL)
                g_string_append_c (decoded, e == 'b' ? '\b' : e == 'f' ? '\f' : e == 'n' ? '\n'
                                   : e == 'r' ? '\r' : '\t');
              L->pos += 2;
              break;
            case 'u':
              {
                gunichar u, low;

                if (!read_u_escape (L, at, &u))
                  return FALSE;
                L->pos += 6;
                if (u == 0)
                  return fail (L, at, "a string holds a NUL character (\\u0000); Sockbench strings "
                                      "cannot, write bytes as \\0 in a text payload or as hex");
                if (u >= 0xdc00 && u <= 0xdfff)
                  return fail (L, at, "\\u%04X is the second half of a UTF-16 surrogate pair "
                                      "without its first half", u);
                if (u >= 0xd800 && u <= 0xdbff)
                  {
                    if (L->len - L->pos < 6 || L->data[L->pos] != '\\'
                        || L->data[L->pos + 1] != 'u')
                      return fail (L, at, "\\u%04X is the first half of a UTF-16 surrogate pair "
                                          "without its second half", u);
                    if (!read_u_escape (L, L->pos, &low))
                      return FALSE;
                    if (low < 0xdc00 || low > 0xdfff)
                      return fail (L, at, "\\u%04X is the first half of a UTF-16 surrogate pair "
                                          "without its second half", u);
                    L->pos += 6;
                    u = 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
                  }
                if (decoded != NULL)
                  g_string_append_unichar (decoded, u);
              }
              break;
            default:
              {
                g_autofree char *what = describe_char (L, L->pos + 1);
                return fail (L, at, "unknown escape \\ followed by %s in a string", what);
              }
            }
          continue;
        }
      if (c < 0x20)
        {
          if (c == '\n')
            return fail (L, L->pos, "a string is not closed before the end of the line");
          return fail (L, L->pos, "a string holds the control character 0x%02x; write it as an "
                                  "escape (\\n, \\t, \\u00%02x)", c, c);
        }
      if (c < 0x80)
        {
          if (decoded != NULL)
            g_string_append_c (decoded, c);
          L->pos++;
          continue;
        }
      {
        gunichar u = g_utf8_get_char_validated (L->data + L->pos, MIN (L->len - L->pos, 6));
        gsize n;

        if (u == (gunichar) -1 || u == (gunichar) -2)
          return fail (L, L->pos, "the byte 0x%02x is not UTF-8; save the file as UTF-8", c);
        n = g_utf8_skip[c];
        if (decoded != NULL)
          g_string_append_len (decoded, L->data + L->pos, n);
        L->pos += n;
      }
    }
  return fail (L, start, "a string is not closed before the end of the file");
}

static gboolean
scan_number (Lexer *L)
{
  gsize start = L->pos;
  gboolean integer = TRUE;

  if (L->data[L->pos] == '-')
    L->pos++;
  if (L->pos >= L->len || !g_ascii_isdigit (L->data[L->pos]))
    return fail (L, start, "a number needs digits after ‘-’");
  if (L->data[L->pos] == '0')
    {
      L->pos++;
      if (L->pos < L->len && g_ascii_isdigit (L->data[L->pos]))
        return fail (L, start, "a number cannot start with 0 (write 7, not 07)");
    }
  else
    while (L->pos < L->len && g_ascii_isdigit (L->data[L->pos]))
      L->pos++;
  if (L->pos < L->len && L->data[L->pos] == '.')
    {
      integer = FALSE;
      L->pos++;
      if (L->pos >= L->len || !g_ascii_isdigit (L->data[L->pos]))
        return fail (L, start, "a number needs digits after the decimal point");
      while (L->pos < L->len && g_ascii_isdigit (L->data[L->pos]))
        L->pos++;
    }
  if (L->pos < L->len && (L->data[L->pos] == 'e' || L->data[L->pos] == 'E'))
    {
      integer = FALSE;
      L->pos++;
      if (L->pos < L->len && (L->data[L->pos] == '+' || L->data[L->pos] == '-'))
        L->pos++;
      if (L->pos >= L->len || !g_ascii_isdigit (L->data[L->pos]))
        return fail (L, start, "a number needs digits in its exponent");
      while (L->pos < L->len && g_ascii_isdigit (L->data[L->pos]))
        L->pos++;
    }
  if (integer)
    {
      gsize n = L->pos - start;
      char buf[24];
      gint64 v;

      /* json-glib would wrap it silently: 99999999999999999999 reads as -1 */
      if (n >= sizeof buf)
        return fail (L, start, "the number is too large (at most 19 digits)");
      memcpy (buf, L->data + start, n);
      buf[n] = '\0';
      if (!g_ascii_string_to_signed (buf, 10, G_MININT64, G_MAXINT64, &v, NULL))
        return fail (L, start, "the number %s is too large", buf);
    }
  return TRUE;
}

static gboolean
scan_literal (Lexer *L)
{
  static const char *words[] = { "true", "false", "null" };

  for (gsize i = 0; i < G_N_ELEMENTS (words); i++)
    {
      gsize n = strlen (words[i]);

      if (L->len - L->pos >= n && memcmp (L->data + L->pos, words[i], n) == 0
          && (L->len - L->pos == n || !g_ascii_isalnum (L->data[L->pos + n])))
        {
          L->pos += n;
          return TRUE;
        }
    }
  {
    g_autofree char *what = describe_char (L, L->pos);
    return fail (L, L->pos, "unexpected %s, expected a value (a string, number, object, array, "
                            "true, false or null)", what);
  }
}

static gboolean
segment_matches (const Frame     *frame,
                 const SbJsonSeg *seg)
{
  if (seg->key != NULL)
    return frame->kind == '{' && frame->key != NULL && g_str_equal (frame->key->str, seg->key);
  return frame->kind == '[' && frame->index == seg->index;
}

static void
frame_clear (gpointer data)
{
  Frame *frame = data;

  if (frame->key != NULL)
    g_string_free (frame->key, TRUE);
}

/* The one walk behind both entry points. */
static gboolean
scan (Lexer           *L,
      guint            max_depth,
      const SbJsonSeg *target,
      guint            target_len,
      gboolean        *found,
      SbJsonPos       *found_pos)
{
  g_autoptr(GArray) stack = g_array_new (FALSE, TRUE, sizeof (Frame));
  State state = S_VALUE;
  gboolean any = FALSE;

  g_array_set_clear_func (stack, frame_clear);

  for (;;)
    {
      Frame *top;
      char c;

      skip_space (L);
      if (L->pos >= L->len)
        {
          if (state == S_AFTER && stack->len == 0)
            return TRUE;
          if (!any)
            return fail (L, L->pos, "the file is empty: a session file is a JSON object");
          return fail (L, L->pos, "the file ends before the document does (an object or array is "
                                  "not closed): is it truncated?");
        }
      any = TRUE;
      c = L->data[L->pos];
      top = stack->len > 0 ? &g_array_index (stack, Frame, stack->len - 1) : NULL;

      switch (state)
        {
        case S_ARR_FIRST:
          if (c == ']')
            {
              L->pos++;
              g_array_set_size (stack, stack->len - 1);
              state = S_AFTER;
              break;
            }
          G_GNUC_FALLTHROUGH;
        case S_VALUE:
          {
            guint d = stack->len;
            gboolean seg_ok = d == 0 || (top->path_ok && d <= target_len
                                         && segment_matches (top, &target[d - 1]));

            if (target != NULL && seg_ok && d == target_len)
              {
                *found = TRUE;
                *found_pos = position_of (L->data, L->pos, L->line, L->line_start);
              }
            if (c == '{' || c == '[')
              {
                Frame frame = { c, 0, target != NULL && seg_ok && d < target_len, NULL };

                if (stack->len >= max_depth)
                  {
                    fail (L, L->pos, "the document nests objects and arrays deeper than %u levels",
                          max_depth);
                    L->problem = SB_JSON_SCAN_TOO_DEEP;
                    return FALSE;
                  }
                if (frame.path_ok && c == '{')
                  frame.key = g_string_new (NULL);
                g_array_append_val (stack, frame);
                L->pos++;
                state = c == '{' ? S_OBJ_FIRST : S_ARR_FIRST;
              }
            else if (c == '"')
              {
                if (!scan_string (L, NULL))
                  return FALSE;
                state = S_AFTER;
              }
            else if (c == '-' || g_ascii_isdigit (c))
              {
                if (!scan_number (L))
                  return FALSE;
                state = S_AFTER;
              }
            else
              {
                if (!scan_literal (L))
                  return FALSE;
                state = S_AFTER;
              }
          }
          break;

        case S_AFTER:
          if (top == NULL)
            {
              g_autofree char *what = describe_char (L, L->pos);
              return fail (L, L->pos, "unexpected %s after the end of the document", what);
            }
          if (c == ',')
            {
              L->pos++;
              if (top->kind == '[')
                {
                  top->index++;
                  state = S_VALUE;
                }
              else
                state = S_OBJ_KEY;
            }
          else if ((c == '}' && top->kind == '{') || (c == ']' && top->kind == '['))
            {
              L->pos++;
              g_array_set_size (stack, stack->len - 1);
              state = S_AFTER;
            }
          else
            {
              g_autofree char *what = describe_char (L, L->pos);
              return fail (L, L->pos, "unexpected %s, expected ‘,’ or ‘%c’", what,
                           top->kind == '{' ? '}' : ']');
            }
          break;

        case S_OBJ_FIRST:
        case S_OBJ_KEY:
          if (c == '}' && state == S_OBJ_FIRST)
            {
              L->pos++;
              g_array_set_size (stack, stack->len - 1);
              state = S_AFTER;
            }
          else if (c == '"')
            {
              if (!scan_string (L, top->key))
                return FALSE;
              state = S_COLON;
            }
          else if (c == '}')
            return fail (L, L->pos, "a ‘,’ before ‘}’ is not allowed in JSON");
          else
            {
              g_autofree char *what = describe_char (L, L->pos);
              return fail (L, L->pos, "unexpected %s, expected a member name in double quotes",
                           what);
            }
          break;

        case S_COLON:
          if (c != ':')
            {
              g_autofree char *what = describe_char (L, L->pos);
              return fail (L, L->pos, "unexpected %s, expected ‘:’ after the member name", what);
            }
          L->pos++;
          state = S_VALUE;
          break;

        default:
          g_assert_not_reached ();
        }
    }
}

gboolean
sb_json_scan_check (const char        *data,
                    gsize              len,
                    guint              max_depth,
                    SbJsonPos         *pos,
                    SbJsonScanProblem *problem,
                    char             **message)
{
  Lexer L = { data, len, 0, 1, 0, };

  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (scan (&L, max_depth, NULL, 0, NULL, NULL))
    return TRUE;
  *pos = position_of (data, L.fail_pos, L.fail_line, L.fail_line_start);
  *problem = L.problem;
  *message = g_steal_pointer (&L.message);
  return FALSE;
}

gboolean
sb_json_scan_find (const char      *data,
                   gsize            len,
                   const SbJsonSeg *path,
                   guint            n,
                   SbJsonPos       *pos)
{
  Lexer L = { data, len, 0, 1, 0, };
  gboolean found = FALSE;
  static const SbJsonSeg root[1];

  pos->line = 1;
  pos->column = 1;
  scan (&L, G_MAXUINT, path != NULL ? path : root, n, &found, pos);
  g_free (L.message);
  return found;
}
