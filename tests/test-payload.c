/* test-payload.c — SbPayload: parsing, formatting and hex dumps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sb-payload.h"

static void
assert_bytes (GBytes     *bytes,
              const char *expected,
              gsize       expected_len)
{
  gsize len;
  const guint8 *data;

  g_assert_nonnull (bytes);
  data = g_bytes_get_data (bytes, &len);
  g_assert_cmpmem (data, len, expected, expected_len);
}

static void
assert_text (const char *input,
             const char *expected,
             gsize       expected_len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = sb_payload_parse_text (input, -1, NULL, &error);

  g_assert_no_error (error);
  assert_bytes (bytes, expected, expected_len);
}

static void
assert_hex (const char *input,
            const char *expected,
            gsize       expected_len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = sb_payload_parse_hex (input, -1, NULL, &error);

  if (error != NULL)
    g_test_message ("input: \"%s\"", input);
  g_assert_no_error (error);
  assert_bytes (bytes, expected, expected_len);
}

static void
test_text_escapes (void)
{
  assert_text ("\\n", "\n", 1);
  assert_text ("\\r", "\r", 1);
  assert_text ("\\t", "\t", 1);
  assert_text ("\\0", "\0", 1);
  assert_text ("\\\\", "\\", 1);
  assert_text ("\\\"", "\"", 1);
  assert_text ("\\'", "'", 1);
  assert_text ("\\x41", "A", 1);
  assert_text ("\\x00", "\0", 1);
  assert_text ("\\xff", "\xff", 1);
  assert_text ("\\xFF", "\xff", 1);
  assert_text ("\\xaB", "\xab", 1);
  /* \0 is a single NUL, never an octal escape; \x takes exactly two digits. */
  assert_text ("\\012", "\0" "12", 3);
  assert_text ("\\x414", "A4", 2);

  assert_text ("GET / HTTP/1.1\\r\\n\\r\\n", "GET / HTTP/1.1\r\n\r\n", 18);
  assert_text ("a\\tb\\x00c\\\\d", "a\tb\0c\\d", 7);
  assert_text ("\\\\n", "\\n", 2);
  /* Anything else, UTF-8 included, goes through untouched. */
  assert_text ("héllo 日本 🙂", "héllo 日本 🙂", strlen ("héllo 日本 🙂"));
  assert_text ("\"quoted\" 'too'", "\"quoted\" 'too'", 14);
}

static void
test_text_explicit_length (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) nul = NULL;
  g_autoptr(GBytes) cut = NULL;
  g_autoptr(GBytes) bad = NULL;
  gsize pos = 99;

  /* An explicit length lets NULs and invalid UTF-8 through. */
  nul = sb_payload_parse_text ("a\0b\xff", 4, NULL, &error);
  g_assert_no_error (error);
  assert_bytes (nul, "a\0b\xff", 4);

  cut = sb_payload_parse_text ("abc\\n", 3, NULL, &error);
  g_assert_no_error (error);
  assert_bytes (cut, "abc", 3);

  /* Cutting an escape in half leaves a lone backslash. */
  bad = sb_payload_parse_text ("ab\\n", 3, &pos, &error);
  g_assert_null (bad);
  g_assert_error (error, SB_PAYLOAD_ERROR, SB_PAYLOAD_ERROR_BAD_ESCAPE);
  g_assert_cmpuint (pos, ==, 2);
}

typedef struct
{
  const char *input;
  int         code;
  gsize       error_pos;
  const char *in_message;
} ErrorCase;

static void
check_errors (SbPayloadFormat  format,
              const ErrorCase *cases,
              gsize            n_cases)
{
  for (gsize i = 0; i < n_cases; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) error2 = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GBytes) bytes2 = NULL;
      gsize pos = G_MAXSIZE;
      g_autofree char *shown = g_strescape (cases[i].input, NULL);

      g_test_message ("case %" G_GSIZE_FORMAT ": \"%s\"", i, shown);
      bytes = sb_payload_parse (format, cases[i].input, -1, &pos, &error);
      g_assert_null (bytes);
      g_assert_error (error, SB_PAYLOAD_ERROR, cases[i].code);
      g_assert_cmpuint (pos, ==, cases[i].error_pos);
      if (strstr (error->message, cases[i].in_message) == NULL)
        g_error ("message \"%s\" lacks \"%s\"", error->message, cases[i].in_message);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));

      /* error_pos is optional. */
      bytes2 = sb_payload_parse (format, cases[i].input, -1, NULL, &error2);
      g_assert_null (bytes2);
      g_assert_error (error2, SB_PAYLOAD_ERROR, cases[i].code);
      g_assert_cmpstr (error2->message, ==, error->message);
    }
}

static void
test_text_errors (void)
{
  static const ErrorCase cases[] = {
    { "\\q", SB_PAYLOAD_ERROR_BAD_ESCAPE, 0, "\"\\q\" at position 1" },
    { "abc\\q", SB_PAYLOAD_ERROR_BAD_ESCAPE, 3, "\"\\q\" at position 4" },
    { "\\x4", SB_PAYLOAD_ERROR_BAD_ESCAPE, 0, "\"\\x4\" at position 1" },
    { "\\x", SB_PAYLOAD_ERROR_BAD_ESCAPE, 0, "\"\\x\" at position 1" },
    { "ab\\xZZ", SB_PAYLOAD_ERROR_BAD_ESCAPE, 2, "\"\\xZZ\" at position 3" },
    { "\\x4g", SB_PAYLOAD_ERROR_BAD_ESCAPE, 0, "\"\\x4g\" at position 1" },
    { "\\x4\\n", SB_PAYLOAD_ERROR_BAD_ESCAPE, 0, "\"\\x4\" at position 1" },
    { "ab\\", SB_PAYLOAD_ERROR_BAD_ESCAPE, 2, "position 3" },
    { "\\n\\", SB_PAYLOAD_ERROR_BAD_ESCAPE, 2, "position 3" },
    { "\\N", SB_PAYLOAD_ERROR_BAD_ESCAPE, 0, "\"\\N\"" },
    { "\\a", SB_PAYLOAD_ERROR_BAD_ESCAPE, 0, "\"\\a\"" },
    { "\\1", SB_PAYLOAD_ERROR_BAD_ESCAPE, 0, "\"\\1\"" },
    /* The escaped character itself may be multibyte, or unprintable. */
    { "\\é", SB_PAYLOAD_ERROR_BAD_ESCAPE, 0, "\"\\é\" at position 1" },
    { "\\\x01", SB_PAYLOAD_ERROR_BAD_ESCAPE, 0, "U+0001 at position 1" },
    { "\\\xff", SB_PAYLOAD_ERROR_BAD_ESCAPE, 0, "byte 0xff at position 1" },
    /* Positions count characters, error_pos counts bytes. */
    { "é\\q", SB_PAYLOAD_ERROR_BAD_ESCAPE, 2, "position 2" },
    { "日本\\x", SB_PAYLOAD_ERROR_BAD_ESCAPE, 6, "position 3" },
    { "🙂 ok \\z", SB_PAYLOAD_ERROR_BAD_ESCAPE, 8, "\"\\z\" at position 6" },
    /* An invalid byte counts as one character. */
    { "\xff\xfe\\q", SB_PAYLOAD_ERROR_BAD_ESCAPE, 2, "position 3" },
    /* The first bad escape wins. */
    { "ok\\n\\q\\w", SB_PAYLOAD_ERROR_BAD_ESCAPE, 4, "\"\\q\" at position 5" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  check_errors (SB_PAYLOAD_TEXT, cases, G_N_ELEMENTS (cases));

  bytes = sb_payload_parse_text ("abcdef\\q", -1, NULL, &error);
  g_assert_null (bytes);
  g_assert_cmpstr (error->message, ==,
                   "Bad escape \"\\q\" at position 7: use \\n \\r \\t \\0 \\xHH or \\\\");
}

static void
test_text_format (void)
{
  static const struct
  {
    const char *bytes;
    gsize       len;
    const char *text;
  } cases[] = {
    { "", 0, "" },
    { "plain ASCII ~!", 14, "plain ASCII ~!" },
    { "\\", 1, "\\\\" },
    { "\n\r\t", 3, "\\n\\r\\t" },
    { "\0" "1", 2, "\\01" },
    { "\x01\x1b\x7f", 3, "\\x01\\x1b\\x7f" },
    { "\"'", 2, "\"'" },
    { "héllo 日本 🙂", sizeof "héllo 日本 🙂" - 1, "héllo 日本 🙂" },
    /* Invalid UTF-8: a lone lead byte, a stray continuation, an overlong
     * NUL, a surrogate, and a code point past U+10FFFF. */
    { "\xc3" "a", 2, "\\xc3a" },
    { "\x80", 1, "\\x80" },
    { "\xc0\x80", 2, "\\xc0\\x80" },
    { "\xed\xa0\x80", 3, "\\xed\\xa0\\x80" },
    { "\xf4\x90\x80\x80", 4, "\\xf4\\x90\\x80\\x80" },
    /* A truncated sequence at the end. */
    { "\xe6\x97", 2, "\\xe6\\x97" },
    /* Valid but invisible: C1 control U+0085, zero width space U+200B. */
    { "\xc2\x85", 2, "\\xc2\\x85" },
    { "\xe2\x80\x8b", 3, "\\xe2\\x80\\x8b" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = sb_payload_format_text ((const guint8 *) cases[i].bytes,
                                                      cases[i].len);
      g_autoptr(GBytes) back = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_cmpstr (text, ==, cases[i].text);
      back = sb_payload_parse_text (text, -1, NULL, &error);
      g_assert_no_error (error);
      assert_bytes (back, cases[i].bytes, cases[i].len);
    }
}

/* Random bytes biased towards what is interesting to an escaper: backslashes,
 * the letters of escapes, hex digits, controls, and UTF-8 lead and
 * continuation bytes, so valid and broken sequences both turn up. */
static guint8 *
random_bytes (gsize len)
{
  static const guint8 interesting[] = {
    '\\', 'x', 'n', 'r', 't', '0', 'a', 'F', '"', '\'', '\0', '\n', '\r', '\t', 0x7f, 0x80,
    0xbf, 0xc2, 0xc3, 0xe2, 0xe6, 0xed, 0xf0, 0xf4, 0xff,
  };
  guint8 *data = g_malloc (len + 1);

  for (gsize i = 0; i < len; i++)
    {
      if (g_test_rand_bit ())
        data[i] = interesting[g_test_rand_int_range (0, G_N_ELEMENTS (interesting))];
      else
        data[i] = (guint8) g_test_rand_int_range (0, 256);
    }

  return data;
}

static void
test_text_round_trip (void)
{
  for (guint iter = 0; iter < 1000; iter++)
    {
      gsize len = g_test_rand_int_range (0, 80);
      g_autofree guint8 *data = random_bytes (len);
      g_autofree char *text = sb_payload_format_text (data, len);
      g_autoptr(GBytes) back = NULL;
      g_autoptr(GError) error = NULL;

      /* Whatever went in, what comes out is valid UTF-8 a text field can hold. */
      g_assert_true (g_utf8_validate (text, -1, NULL));
      back = sb_payload_parse_text (text, -1, NULL, &error);
      g_assert_no_error (error);
      assert_bytes (back, (const char *) data, len);
    }
}

static void
test_hex_round_trip (void)
{
  static const char *seps[] = { NULL, " ", "", ":", "-", ",", "\n", " \t", ", " };

  for (guint iter = 0; iter < 1000; iter++)
    {
      gsize len = g_test_rand_int_range (0, 80);
      g_autofree guint8 *data = random_bytes (len);
      const char *sep = seps[g_test_rand_int_range (0, G_N_ELEMENTS (seps))];
      g_autofree char *hex = sb_payload_format_hex (data, len, sep);
      g_autoptr(GBytes) back = NULL;
      g_autoptr(GError) error = NULL;

      back = sb_payload_parse_hex (hex, -1, NULL, &error);
      g_assert_no_error (error);
      assert_bytes (back, (const char *) data, len);
    }
}

static void
test_hex_separators (void)
{
  static const char *inputs[] = {
    "414243",
    "41 42 43",
    "41:42:43",
    "41-42-43",
    "41,42,43",
    "41\t42\t43",
    "41 42\n43",
    "41\r\n42\r\n43\r\n",
    "  41   42   43  ",
    "41, 42, 43",
    "41 :- , 42 43",
    "4142 43",
    "0x41 0x42 0x43",
    "0X41 0X42 0X43",
    "0x41,0x42,0x43",
    "0x414243",
    "0x4142 0x43",
    "0x41:42-0X43",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (inputs); i++)
    assert_hex (inputs[i], "ABC", 3);

  assert_hex ("00 ff FF aB Cd 7f", "\x00\xff\xff\xab\xcd\x7f", 6);
  assert_hex ("0x00", "\0", 1);
}

static void
test_hex_errors (void)
{
  static const ErrorCase cases[] = {
    /* A byte split by a separator: the group with the odd count is named. */
    { "4 1", SB_PAYLOAD_ERROR_ODD_DIGITS, 0, "in the group at position 1" },
    { "41 4", SB_PAYLOAD_ERROR_ODD_DIGITS, 3, "(1) in the group at position 4" },
    { "414", SB_PAYLOAD_ERROR_ODD_DIGITS, 0, "(3) in the group at position 1" },
    { "41 424 43", SB_PAYLOAD_ERROR_ODD_DIGITS, 3, "(3) in the group at position 4" },
    { "41:0x4", SB_PAYLOAD_ERROR_ODD_DIGITS, 3, "(1) in the group at position 4" },
    { "41\n\n4\n", SB_PAYLOAD_ERROR_ODD_DIGITS, 4, "position 5" },
    /* Not hex at all. */
    { "12g4", SB_PAYLOAD_ERROR_BAD_HEX, 2, "Not a hex digit \"g\" at position 3" },
    { "4g", SB_PAYLOAD_ERROR_BAD_HEX, 1, "\"g\" at position 2" },
    { "41 g2", SB_PAYLOAD_ERROR_BAD_HEX, 3, "\"g\" at position 4" },
    { "41;42", SB_PAYLOAD_ERROR_BAD_HEX, 2, "\";\" at position 3" },
    { "410x42", SB_PAYLOAD_ERROR_BAD_HEX, 3, "\"x\" at position 4" },
    { "0xg1", SB_PAYLOAD_ERROR_BAD_HEX, 2, "\"g\" at position 3" },
    { "0x", SB_PAYLOAD_ERROR_BAD_HEX, 0, "\"0x\" at position 1" },
    { "41 0X 42", SB_PAYLOAD_ERROR_BAD_HEX, 3, "\"0X\" at position 4" },
    { "41é", SB_PAYLOAD_ERROR_BAD_HEX, 2, "\"é\" at position 3" },
    { "41 \x01", SB_PAYLOAD_ERROR_BAD_HEX, 3, "U+0001 at position 4" },
    { "41 \xff", SB_PAYLOAD_ERROR_BAD_HEX, 3, "byte 0xff at position 4" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize pos = 0;

  check_errors (SB_PAYLOAD_HEX, cases, G_N_ELEMENTS (cases));

  /* An embedded NUL, with an explicit length. */
  bytes = sb_payload_parse_hex ("41\0" "42", 5, &pos, &error);
  g_assert_null (bytes);
  g_assert_error (error, SB_PAYLOAD_ERROR, SB_PAYLOAD_ERROR_BAD_HEX);
  g_assert_cmpuint (pos, ==, 2);
  g_assert_nonnull (strstr (error->message, "U+0000 at position 3"));
}

static void
test_format_hex (void)
{
  static const guint8 data[] = { 0x00, 0xab, 0xff, 0x10 };
  g_autofree char *spaced = sb_payload_format_hex (data, 4, NULL);
  g_autofree char *space = sb_payload_format_hex (data, 4, " ");
  g_autofree char *colon = sb_payload_format_hex (data, 4, ":");
  g_autofree char *none = sb_payload_format_hex (data, 4, "");
  g_autofree char *wide = sb_payload_format_hex (data, 4, ", ");
  g_autofree char *one = sb_payload_format_hex (data + 1, 1, ":");

  g_assert_cmpstr (spaced, ==, "00 ab ff 10");
  g_assert_cmpstr (space, ==, "00 ab ff 10");
  g_assert_cmpstr (colon, ==, "00:ab:ff:10");
  g_assert_cmpstr (none, ==, "00abff10");
  g_assert_cmpstr (wide, ==, "00, ab, ff, 10");
  g_assert_cmpstr (one, ==, "ab");
}

static void
test_empty (void)
{
  static const char *blank_hex[] = { "", " ", "\n", " \t\r\n", ":-," };
  g_autoptr(GError) error = NULL;
  g_autofree char *text = sb_payload_format_text (NULL, 0);
  g_autofree char *hex = sb_payload_format_hex (NULL, 0, NULL);
  g_autofree char *hex_sep = sb_payload_format_hex (NULL, 0, ":");
  g_autofree char *dump = sb_payload_hexdump (NULL, 0, 0);

  for (SbPayloadFormat format = SB_PAYLOAD_TEXT; format <= SB_PAYLOAD_HEX; format++)
    {
      g_autoptr(GBytes) from_empty = sb_payload_parse (format, "", -1, NULL, &error);
      g_autoptr(GBytes) from_null = sb_payload_parse (format, NULL, 0, NULL, &error);
      g_autoptr(GBytes) from_zero = sb_payload_parse (format, "41", 0, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (from_empty);
      g_assert_cmpuint (g_bytes_get_size (from_empty), ==, 0);
      g_assert_nonnull (from_null);
      g_assert_cmpuint (g_bytes_get_size (from_null), ==, 0);
      g_assert_nonnull (from_zero);
      g_assert_cmpuint (g_bytes_get_size (from_zero), ==, 0);
    }

  /* Only separators is no bytes, not an error. */
  for (gsize i = 0; i < G_N_ELEMENTS (blank_hex); i++)
    {
      g_autoptr(GBytes) bytes = sb_payload_parse_hex (blank_hex[i], -1, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (g_bytes_get_size (bytes), ==, 0);
    }

  g_assert_cmpstr (text, ==, "");
  g_assert_cmpstr (hex, ==, "");
  g_assert_cmpstr (hex_sep, ==, "");
  g_assert_cmpstr (dump, ==, "");
}

static void
test_parse_dispatch (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) text = sb_payload_parse (SB_PAYLOAD_TEXT, "41\\n", -1, NULL, &error);
  g_autoptr(GBytes) hex = sb_payload_parse (SB_PAYLOAD_HEX, "41 0a", -1, NULL, &error);

  g_assert_no_error (error);
  assert_bytes (text, "41\n", 3);
  assert_bytes (hex, "A\n", 2);
}

#define BIG_SIZE (10 * 1024 * 1024)

static void
test_large (void)
{
  g_autofree guint8 *data = g_malloc (BIG_SIZE);
  g_autofree char *hex = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GBytes) from_hex = NULL;
  g_autoptr(GBytes) from_text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimer) timer = NULL;
  double hex_seconds, text_seconds;

  /* g_test_rand_int per byte would dominate the run; a seeded xorshift is
   * just as good at making bytes. */
  guint32 x = g_test_rand_int () | 1;
  for (gsize i = 0; i < BIG_SIZE; i++)
    {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      data[i] = (guint8) x;
    }

  hex = sb_payload_format_hex (data, BIG_SIZE, " ");
  g_assert_cmpuint (strlen (hex), ==, (gsize) BIG_SIZE * 3 - 1);
  timer = g_timer_new ();
  from_hex = sb_payload_parse_hex (hex, -1, NULL, &error);
  hex_seconds = g_timer_elapsed (timer, NULL);
  g_assert_no_error (error);
  assert_bytes (from_hex, (const char *) data, BIG_SIZE);

  text = sb_payload_format_text (data, BIG_SIZE);
  g_timer_start (timer);
  from_text = sb_payload_parse_text (text, -1, NULL, &error);
  text_seconds = g_timer_elapsed (timer, NULL);
  g_assert_no_error (error);
  assert_bytes (from_text, (const char *) data, BIG_SIZE);

  g_test_message ("parsing 10 MiB: hex %.3f s (%" G_GSIZE_FORMAT " chars), "
                  "text %.3f s (%" G_GSIZE_FORMAT " chars)",
                  hex_seconds, strlen (hex), text_seconds, strlen (text));
  /* Linear takes a few tens of milliseconds, even under sanitizers; the bound
   * is loose so a busy machine does not fail, but catches anything quadratic. */
  g_assert_cmpfloat (hex_seconds, <, 5.0);
  g_assert_cmpfloat (text_seconds, <, 5.0);
}

static void
test_hexdump_exact (void)
{
  const guint8 *sixteen = (const guint8 *) "0123456789abcdefg";
  g_autofree char *zero = sb_payload_hexdump (sixteen, 0, 0);
  g_autofree char *one = sb_payload_hexdump (sixteen, 1, 0);
  g_autofree char *full = sb_payload_hexdump (sixteen, 16, 0);
  g_autofree char *more = sb_payload_hexdump (sixteen, 17, 0);
  g_autofree char *based = sb_payload_hexdump (sixteen, 17, 0x1000);
  g_autofree char *hello = sb_payload_hexdump ((const guint8 *) "hello\n", 6, 0);
  g_autofree char *hello5 = sb_payload_hexdump ((const guint8 *) "hello", 5, 0);
  g_autofree char *controls = sb_payload_hexdump ((const guint8 *) "\0\x1f \x7e\x7f\x80\xff", 7, 0);

  /* Byte for byte what `hexdump -C` prints, without its closing offset line. */
  g_assert_cmpstr (zero, ==, "");
  g_assert_cmpstr (one, ==,
                   "00000000  30                                                |0|\n");
  g_assert_cmpstr (full, ==,
                   "00000000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  |0123456789abcdef|\n");
  g_assert_cmpstr (more, ==,
                   "00000000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  |0123456789abcdef|\n"
                   "00000010  67                                                |g|\n");
  g_assert_cmpstr (based, ==,
                   "00001000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  |0123456789abcdef|\n"
                   "00001010  67                                                |g|\n");
  g_assert_cmpstr (hello, ==,
                   "00000000  68 65 6c 6c 6f 0a                                 |hello.|\n");
  g_assert_cmpstr (hello5, ==,
                   "00000000  68 65 6c 6c 6f                                    |hello|\n");
  g_assert_nonnull (strstr (hello5, "68 65 6c 6c 6f"));
  g_assert_cmpstr (controls, ==,
                   "00000000  00 1f 20 7e 7f 80 ff                              |.. ~...|\n");
}

static void
test_hexdump_line (void)
{
  static const guint8 data[16] = "ABCDEFGHIJKLMNOP";
  char line[SB_PAYLOAD_HEXDUMP_LINE_MAX];
  gsize n;

  n = sb_payload_hexdump_line (data, 16, 0, line);
  g_assert_cmpuint (n, ==, strlen (line));
  g_assert_cmpstr (line, ==,
                   "00000000  41 42 43 44 45 46 47 48  49 4a 4b 4c 4d 4e 4f 50  |ABCDEFGHIJKLMNOP|");

  n = sb_payload_hexdump_line (data, 8, 0xfffffff0, line);
  g_assert_cmpuint (n, ==, strlen (line));
  g_assert_cmpstr (line, ==,
                   "fffffff0  41 42 43 44 45 46 47 48                           |ABCDEFGH|");

  n = sb_payload_hexdump_line (data, 9, 0, line);
  g_assert_cmpstr (line, ==,
                   "00000000  41 42 43 44 45 46 47 48  49                       |ABCDEFGHI|");

  /* Past 32 bits the offset grows rather than wrapping. */
  n = sb_payload_hexdump_line (data, 2, G_GUINT64_CONSTANT (0x123456789), line);
  g_assert_cmpuint (n, ==, strlen (line));
  g_assert_cmpstr (line, ==,
                   "123456789  41 42                                             |AB|");

  /* The widest line there is still fits. */
  n = sb_payload_hexdump_line (data, 16, G_MAXUINT64, line);
  g_assert_cmpuint (n, ==, strlen (line));
  g_assert_cmpuint (n, <, SB_PAYLOAD_HEXDUMP_LINE_MAX);
  g_assert_true (g_str_has_prefix (line, "ffffffffffffffff  41 42"));
  g_assert_true (g_str_has_suffix (line, "  |ABCDEFGHIJKLMNOP|"));

  n = sb_payload_hexdump_line (NULL, 0, 0, line);
  g_assert_cmpuint (n, ==, strlen (line));
  g_assert_cmpstr (line, ==,
                   "00000000                                                    ||");
}

static void
test_hexdump_large_offset (void)
{
  g_autofree char *dump = sb_payload_hexdump ((const guint8 *) "0123456789abcdefg", 17,
                                              G_GUINT64_CONSTANT (0xfffffff8));

  g_assert_cmpstr (dump, ==,
                   "fffffff8  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  |0123456789abcdef|\n"
                   "100000008  67                                                |g|\n");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/payload/text/escapes", test_text_escapes);
  g_test_add_func ("/payload/text/explicit-length", test_text_explicit_length);
  g_test_add_func ("/payload/text/errors", test_text_errors);
  g_test_add_func ("/payload/text/format", test_text_format);
  g_test_add_func ("/payload/text/round-trip", test_text_round_trip);
  g_test_add_func ("/payload/hex/separators", test_hex_separators);
  g_test_add_func ("/payload/hex/errors", test_hex_errors);
  g_test_add_func ("/payload/hex/format", test_format_hex);
  g_test_add_func ("/payload/hex/round-trip", test_hex_round_trip);
  g_test_add_func ("/payload/empty", test_empty);
  g_test_add_func ("/payload/parse-dispatch", test_parse_dispatch);
  g_test_add_func ("/payload/large", test_large);
  g_test_add_func ("/payload/hexdump/exact", test_hexdump_exact);
  g_test_add_func ("/payload/hexdump/line", test_hexdump_line);
  g_test_add_func ("/payload/hexdump/large-offset", test_hexdump_large_offset);

  return g_test_run ();
}
