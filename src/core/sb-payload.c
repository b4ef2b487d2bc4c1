/* sb-payload.c — text-with-escapes and hex ⇄ bytes, hex dumps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sb-payload.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (sb-payload-error-quark, sb_payload_error)

/* The widest line: 16 offset digits (G_MAXUINT64), 2 spaces, 48 columns of
 * hex, 2 spaces, "|" 16 characters "|", and the terminating NUL. */
G_STATIC_ASSERT (SB_PAYLOAD_HEXDUMP_LINE_MAX >= 16 + 2 + 48 + 2 + 18 + 1);

static const char hex_digits[] = "0123456789abcdef";

/* Digit value plus one, 0 for anything else: a lookup keeps the hex parser
 * free of branches that random input would mispredict. */
static const guint8 hex_value_plus_one[256] = {
  ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
  ['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
  ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
  ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

static inline int
hex_value (guint8 c)
{
  return hex_value_plus_one[c] - 1;
}

static inline gboolean
is_hex_separator (guint8 c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ':' || c == '-' || c == ',';
}

/* Length (1–4) of the well-formed UTF-8 sequence at @p, or 0 if the bytes
 * there are not one (stray continuation byte, overlong form, surrogate,
 * beyond U+10FFFF, or cut short by @avail). Hand-rolled rather than
 * g_utf8_validate() so that embedded NULs count as ordinary characters and
 * the caller can step over a single bad byte. */
static inline gsize
utf8_sequence_length (const guint8 *p,
                      gsize         avail)
{
  guint8 c = p[0];

#define CONT(b) (((b) & 0xc0) == 0x80)
  if (c < 0x80)
    return 1;
  if (c < 0xc2)
    return 0;
  if (c < 0xe0)
    return avail >= 2 && CONT (p[1]) ? 2 : 0;
  if (c < 0xf0)
    {
      if (avail < 3 || !CONT (p[1]) || !CONT (p[2]))
        return 0;
      if (c == 0xe0 && p[1] < 0xa0)
        return 0;
      if (c == 0xed && p[1] > 0x9f)
        return 0;
      return 3;
    }
  if (c < 0xf5)
    {
      if (avail < 4 || !CONT (p[1]) || !CONT (p[2]) || !CONT (p[3]))
        return 0;
      if (c == 0xf0 && p[1] < 0x90)
        return 0;
      if (c == 0xf4 && p[1] > 0x8f)
        return 0;
      return 4;
    }
  return 0;
#undef CONT
}

/* 1-based character index of byte @offset; a byte that is not part of
 * valid UTF-8 counts as one character. Only used on the error path. */
static gsize
char_position (const guint8 *text,
               gsize         offset)
{
  gsize i = 0;
  gsize n = 1;

  while (i < offset)
    {
      gsize l = utf8_sequence_length (text + i, offset - i);

      i += l ? l : 1;
      n++;
    }

  return n;
}

/* The character at @text[@offset] as it should appear in a message:
 * quoted if printable, else by code point or raw byte value. */
static char *
describe_char (const guint8 *text,
               gsize         len,
               gsize         offset)
{
  gsize l = utf8_sequence_length (text + offset, len - offset);

  if (l > 0)
    {
      gunichar ch = g_utf8_get_char ((const char *) text + offset);

      if (g_unichar_isprint (ch))
        return g_strdup_printf ("\"%.*s\"", (int) l, (const char *) text + offset);
      return g_strdup_printf ("U+%04X", ch);
    }

  return g_strdup_printf (_("byte 0x%02x"), text[offset]);
}

static void set_error (GError      **error,
                       gsize        *error_pos,
                       gsize         offset,
                       SbPayloadError code,
                       const char   *format,
                       ...) G_GNUC_PRINTF (5, 6);

static void
set_error (GError       **error,
           gsize         *error_pos,
           gsize          offset,
           SbPayloadError code,
           const char    *format,
           ...)
{
  va_list args;
  g_autofree char *message = NULL;

  if (error_pos != NULL)
    *error_pos = offset;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error_literal (error, SB_PAYLOAD_ERROR, code, message);
}

/* Reports the bad escape whose backslash is at @offset. */
static void
set_escape_error (GError      **error,
                  gsize        *error_pos,
                  const guint8 *text,
                  gsize         len,
                  gsize         offset)
{
  gsize position = char_position (text, offset);

  if (offset + 1 == len)
    {
      set_error (error, error_pos, offset, SB_PAYLOAD_ERROR_BAD_ESCAPE,
                 _("Lone backslash at position %zu at the end of the text: "
                   "write \\\\ for a backslash"),
                 position);
    }
  else if (text[offset + 1] == 'x')
    {
      gsize end = offset + 2;

      /* Show what followed \x, as long as it is plain enough to read. */
      while (end < len && end < offset + 4 && text[end] > ' ' && text[end] < 0x7f
             && text[end] != '\\' && text[end] != '"')
        end++;

      set_error (error, error_pos, offset, SB_PAYLOAD_ERROR_BAD_ESCAPE,
                 _("Bad escape \"%.*s\" at position %zu: "
                   "\\xHH needs exactly two hex digits"),
                 (int) (end - offset), (const char *) text + offset, position);
    }
  else
    {
      gsize l = utf8_sequence_length (text + offset + 1, len - offset - 1);

      if (l > 0 && g_unichar_isprint (g_utf8_get_char ((const char *) text + offset + 1)))
        {
          set_error (error, error_pos, offset, SB_PAYLOAD_ERROR_BAD_ESCAPE,
                     _("Bad escape \"\\%.*s\" at position %zu: "
                       "use \\n \\r \\t \\0 \\xHH or \\\\"),
                     (int) l, (const char *) text + offset + 1, position);
        }
      else
        {
          g_autofree char *what = describe_char (text, len, offset + 1);

          set_error (error, error_pos, offset, SB_PAYLOAD_ERROR_BAD_ESCAPE,
                     _("Bad escape: backslash followed by %s at position %zu: "
                       "use \\n \\r \\t \\0 \\xHH or \\\\"),
                     what, position);
        }
    }
}

GBytes *
sb_payload_parse_text (const char *text,
                       gssize      len,
                       gsize      *error_pos,
                       GError    **error)
{
  const guint8 *s = (const guint8 *) text;
  g_autofree guint8 *out = NULL;
  gsize n;
  gsize i = 0;
  gsize o = 0;

  g_return_val_if_fail (text != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  n = len < 0 ? strlen (text) : (gsize) len;
  if (n == 0)
    return g_bytes_new (NULL, 0);

  /* Every escape is longer than the byte it stands for, so the output never
   * outgrows the input: one allocation, and plain runs go by memcpy. */
  out = g_malloc (n);

  while (i < n)
    {
      const guint8 *backslash = memchr (s + i, '\\', n - i);
      gsize run = backslash != NULL ? (gsize) (backslash - (s + i)) : n - i;
      int hi, lo;

      memcpy (out + o, s + i, run);
      o += run;
      i += run;
      if (i == n)
        break;

      if (i + 1 == n)
        {
          set_escape_error (error, error_pos, s, n, i);
          return NULL;
        }

      switch (s[i + 1])
        {
        case 'n':
          out[o++] = '\n';
          break;
        case 'r':
          out[o++] = '\r';
          break;
        case 't':
          out[o++] = '\t';
          break;
        case '0':
          out[o++] = '\0';
          break;
        case '\\':
        case '"':
        case '\'':
          out[o++] = s[i + 1];
          break;
        case 'x':
          if (i + 3 < n && (hi = hex_value (s[i + 2])) >= 0 && (lo = hex_value (s[i + 3])) >= 0)
            {
              out[o++] = (guint8) (hi << 4 | lo);
              i += 2;
              break;
            }
          G_GNUC_FALLTHROUGH;
        default:
          set_escape_error (error, error_pos, s, n, i);
          return NULL;
        }
      i += 2;
    }

  if (o < n)
    out = g_realloc (out, o);

  return g_bytes_new_take (g_steal_pointer (&out), o);
}

GBytes *
sb_payload_parse_hex (const char *text,
                      gssize      len,
                      gsize      *error_pos,
                      GError    **error)
{
  const guint8 *s = (const guint8 *) text;
  g_autofree guint8 *out = NULL;
  gsize n;
  gsize cap;
  gsize i = 0;
  gsize o = 0;

  g_return_val_if_fail (text != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  n = len < 0 ? strlen (text) : (gsize) len;
  if (n == 0)
    return g_bytes_new (NULL, 0);

  cap = n / 2;
  out = g_malloc (cap + 1);

  while (i < n)
    {
      gsize group_start;
      gsize digits_start;
      int hi, lo;

      if (is_hex_separator (s[i]))
        {
          i++;
          continue;
        }

      /* A group: an optional 0x, then hex digits in pairs, up to the next
       * separator. "0x" counts as a prefix only at the start of a group so
       * that "410x42" is an error rather than a guess. */
      group_start = i;
      if (s[i] == '0' && i + 1 < n && (s[i + 1] == 'x' || s[i + 1] == 'X'))
        {
          i += 2;
          if (i == n || is_hex_separator (s[i]))
            {
              set_error (error, error_pos, group_start, SB_PAYLOAD_ERROR_BAD_HEX,
                         _("\"%c%c\" at position %zu is not followed by hex digits"),
                         s[group_start], s[group_start + 1], char_position (s, group_start));
              return NULL;
            }
        }
      digits_start = i;

      while (i + 1 < n && (hi = hex_value (s[i])) >= 0 && (lo = hex_value (s[i + 1])) >= 0)
        {
          g_assert (o < cap);
          out[o++] = (guint8) (hi << 4 | lo);
          i += 2;
        }

      if (i == n || is_hex_separator (s[i]))
        continue;

      /* One digit left over: if garbage follows, that is the better thing
       * to point at ("4g" is a typo, not a short byte). */
      if (hex_value (s[i]) >= 0 && (i + 1 == n || is_hex_separator (s[i + 1])))
        {
          set_error (error, error_pos, group_start, SB_PAYLOAD_ERROR_ODD_DIGITS,
                     _("Odd number of hex digits (%zu) in the group at position %zu: every byte needs two digits (write 0a, not a)"),
                     i + 1 - digits_start, char_position (s, group_start));
          return NULL;
        }

      if (hex_value (s[i]) >= 0)
        i++;

      {
        g_autofree char *what = describe_char (s, n, i);

        set_error (error, error_pos, i, SB_PAYLOAD_ERROR_BAD_HEX,
                   _("Not a hex digit %s at position %zu: "
                     "use 0–9 and a–f, optionally separated by spaces, ':', '-' or ','"),
                   what, char_position (s, i));
        return NULL;
      }
    }

  out = g_realloc (out, o);

  return g_bytes_new_take (g_steal_pointer (&out), o);
}

GBytes *
sb_payload_parse (SbPayloadFormat format,
                  const char     *text,
                  gssize          len,
                  gsize          *error_pos,
                  GError        **error)
{
  switch (format)
    {
    case SB_PAYLOAD_TEXT:
      return sb_payload_parse_text (text, len, error_pos, error);
    case SB_PAYLOAD_HEX:
      return sb_payload_parse_hex (text, len, error_pos, error);
    default:
      g_return_val_if_reached (NULL);
    }
}

static inline void
append_hex_escape (GString *str,
                   guint8   b)
{
  char esc[4] = { '\\', 'x', hex_digits[b >> 4], hex_digits[b & 0xf] };

  g_string_append_len (str, esc, 4);
}

char *
sb_payload_format_text (const guint8 *data,
                        gsize         len)
{
  GString *str;
  gsize i = 0;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  str = g_string_sized_new (len + 1);

  while (i < len)
    {
      guint8 c = data[i];
      gsize run = 0;
      gsize l;

      /* Plain printable ASCII is the common case: copy it in one go. */
      while (i + run < len && data[i + run] >= 0x20 && data[i + run] < 0x7f
             && data[i + run] != '\\')
        run++;
      if (run > 0)
        {
          g_string_append_len (str, (const char *) data + i, run);
          i += run;
          continue;
        }

      switch (c)
        {
        case '\\':
          g_string_append_len (str, "\\\\", 2);
          i++;
          continue;
        case '\n':
          g_string_append_len (str, "\\n", 2);
          i++;
          continue;
        case '\r':
          g_string_append_len (str, "\\r", 2);
          i++;
          continue;
        case '\t':
          g_string_append_len (str, "\\t", 2);
          i++;
          continue;
        case '\0':
          g_string_append_len (str, "\\0", 2);
          i++;
          continue;
        default:
          break;
        }

      l = c >= 0x80 ? utf8_sequence_length (data + i, len - i) : 0;
      if (l > 0 && g_unichar_isprint (g_utf8_get_char ((const char *) data + i)))
        {
          g_string_append_len (str, (const char *) data + i, l);
          i += l;
        }
      else
        {
          /* Control bytes, invalid UTF-8, and valid but invisible characters
           * (format characters, unassigned code points) byte by byte. */
          for (l = MAX (l, 1); l > 0; l--)
            append_hex_escape (str, data[i++]);
        }
    }

  return g_string_free (str, FALSE);
}

char *
sb_payload_format_hex (const guint8 *data,
                       gsize         len,
                       const char   *sep)
{
  gsize sep_len;
  gsize size;
  char *out;
  char *p;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (sep == NULL)
    sep = " ";
  if (len == 0)
    return g_strdup ("");

  sep_len = strlen (sep);
  if (!g_size_checked_mul (&size, len - 1, sep_len)
      || !g_size_checked_add (&size, size, len)
      || !g_size_checked_add (&size, size, len)
      || !g_size_checked_add (&size, size, 1))
    g_error ("%s: %" G_GSIZE_FORMAT " bytes are too many to format as hex", G_STRFUNC, len);

  p = out = g_malloc (size);
  for (gsize i = 0; i < len; i++)
    {
      if (i > 0)
        {
          memcpy (p, sep, sep_len);
          p += sep_len;
        }
      *p++ = hex_digits[data[i] >> 4];
      *p++ = hex_digits[data[i] & 0xf];
    }
  *p = '\0';
  g_assert ((gsize) (p - out) + 1 == size);

  return out;
}

gsize
sb_payload_hexdump_line (const guint8 *data,
                         gsize         len,
                         guint64       offset,
                         char         *out)
{
  char *p = out;
  int shift;

  g_return_val_if_fail (out != NULL, 0);
  g_return_val_if_fail (data != NULL || len == 0, 0);
  g_return_val_if_fail (len <= 16, 0);

  /* At least 8 offset digits, more once the offset needs them. */
  for (shift = 60; shift > 28 && (offset >> shift) == 0; shift -= 4)
    ;
  for (; shift >= 0; shift -= 4)
    *p++ = hex_digits[(offset >> shift) & 0xf];

  *p++ = ' ';
  for (gsize i = 0; i < 16; i++)
    {
      *p++ = ' ';
      if (i == 8)
        *p++ = ' ';
      if (i < len)
        {
          *p++ = hex_digits[data[i] >> 4];
          *p++ = hex_digits[data[i] & 0xf];
        }
      else
        {
          *p++ = ' ';
          *p++ = ' ';
        }
    }

  *p++ = ' ';
  *p++ = ' ';
  *p++ = '|';
  for (gsize i = 0; i < len; i++)
    *p++ = data[i] >= 0x20 && data[i] < 0x7f ? (char) data[i] : '.';
  *p++ = '|';
  *p = '\0';

  g_assert (p - out < SB_PAYLOAD_HEXDUMP_LINE_MAX);

  return (gsize) (p - out);
}

char *
sb_payload_hexdump (const guint8 *data,
                    gsize         len,
                    guint64       base_offset)
{
  GString *str;
  char line[SB_PAYLOAD_HEXDUMP_LINE_MAX];

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  /* 79 bytes a line with 8-digit offsets; longer offsets just grow it. */
  str = g_string_sized_new ((len / 16 + 1) * 80);

  for (gsize i = 0; i < len; i += 16)
    {
      gsize n = sb_payload_hexdump_line (data + i, MIN (len - i, 16), base_offset + i, line);

      g_string_append_len (str, line, n);
      g_string_append_c (str, '\n');
    }

  return g_string_free (str, FALSE);
}

guint16
sb_payload_inet_checksum (const guint8 *data,
                          gsize         len)
{
  guint32 sum = 0;

  g_return_val_if_fail (data != NULL || len == 0, 0);

  for (; len > 1; data += 2, len -= 2)
    sum += (guint32) data[0] << 8 | data[1];
  if (len == 1)
    sum += (guint32) data[0] << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (guint16) ~sum;
}

GBytes *
sb_payload_icmp_echo_request (guint16       id,
                              guint16       seq,
                              const guint8 *data,
                              gsize         len)
{
  guint8 *packet;
  guint16 sum;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  packet = g_malloc0 (8 + len);
  packet[0] = 8;  /* echo request */
  packet[1] = 0;
  packet[4] = id >> 8;
  packet[5] = id & 0xff;
  packet[6] = seq >> 8;
  packet[7] = seq & 0xff;
  if (len > 0)
    memcpy (packet + 8, data, len);
  sum = sb_payload_inet_checksum (packet, 8 + len);
  packet[2] = sum >> 8;
  packet[3] = sum & 0xff;
  return g_bytes_new_take (packet, 8 + len);
}
