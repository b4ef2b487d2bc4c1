/* sb-payload.h — text-with-escapes and hex ⇄ bytes, hex dumps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SB_PAYLOAD_ERROR (sb_payload_error_quark ())
GQuark sb_payload_error_quark (void);

typedef enum
{
  SB_PAYLOAD_ERROR_BAD_ESCAPE,   /* unknown escape or incomplete \xHH */
  SB_PAYLOAD_ERROR_BAD_HEX,      /* a character that is not a hex digit or separator */
  SB_PAYLOAD_ERROR_ODD_DIGITS,   /* a byte with one digit only */
} SbPayloadError;

typedef enum
{
  SB_PAYLOAD_TEXT,
  SB_PAYLOAD_HEX,
} SbPayloadFormat;

/* Parse @text (@len bytes, or -1 for NUL-terminated) in @format.
 * Text understands \n \r \t \0 \xHH \\ (and passes any other byte through);
 * hex tolerates spaces, tabs, line breaks, ':' '-' ',' separators and 0x prefixes.
 * On failure returns NULL, sets @error (the message names the position,
 * counted in characters from 1) and, if @error_pos is not NULL, stores the
 * byte offset of the offending character in @text. */
GBytes *sb_payload_parse       (SbPayloadFormat format,
                                const char     *text,
                                gssize          len,
                                gsize          *error_pos,
                                GError        **error);
GBytes *sb_payload_parse_text  (const char     *text,
                                gssize          len,
                                gsize          *error_pos,
                                GError        **error);
GBytes *sb_payload_parse_hex   (const char     *text,
                                gssize          len,
                                gsize          *error_pos,
                                GError        **error);

/* Bytes as text with the same escapes the parser reads, so that
 * parse_text (format_text (b)) == b. Printable ASCII and valid UTF-8 stay as is. */
char   *sb_payload_format_text (const guint8   *data,
                                gsize           len);
/* Bytes as lowercase hex pairs separated by @sep (NULL = " "). */
char   *sb_payload_format_hex  (const guint8   *data,
                                gsize           len,
                                const char     *sep);
/* A classic dump: "00000000  68 65 6c 6c 6f 0a ...  |hello.|", 16 bytes a
 * line, offsets starting at @base_offset. */
char   *sb_payload_hexdump     (const guint8   *data,
                                gsize           len,
                                guint64         base_offset);
/* One line of the dump above into @out (which must hold at least
 * SB_PAYLOAD_HEXDUMP_LINE_MAX bytes); @len is at most 16. Returns the length written. */
#define SB_PAYLOAD_HEXDUMP_LINE_MAX 96
gsize   sb_payload_hexdump_line (const guint8  *data,
                                 gsize          len,
                                 guint64        offset,
                                 char          *out);

/* The Internet checksum (RFC 1071) of @data. */
guint16 sb_payload_inet_checksum (const guint8 *data,
                                  gsize         len);
/* An ICMP echo request (type 8, code 0) with @id, @seq and @data, its
 * checksum filled in, ready for a raw ICMP socket's sendto. */
GBytes *sb_payload_icmp_echo_request (guint16       id,
                                      guint16       seq,
                                      const guint8 *data,
                                      gsize         len);

G_END_DECLS
