/* fuzz-decode.c — the packet decoders under a fuzzer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Input: one byte choosing the link type, then the frame. The frame is
 * copied to an allocation of exactly its size (so AddressSanitizer sees a
 * read past it), decoded with and without the field tree, and every field
 * must lie within the captured bytes.
 *
 * With clang and -fsanitize=fuzzer this is a libFuzzer target; otherwise
 * fuzz-main.c replays the seed corpus (tests/fuzz/corpus/decode/) through
 * it as an ordinary test.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sb-decode.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const int linktypes[] = {
  SB_LINKTYPE_ETHERNET, SB_LINKTYPE_LINUX_SLL, SB_LINKTYPE_LINUX_SLL2, SB_LINKTYPE_RAW,
  SB_LINKTYPE_NULL, SB_LINKTYPE_LOOP, SB_LINKTYPE_IPV4, SB_LINKTYPE_IPV6, SB_LINKTYPE_RAW_FILE,
  189, /* a link type with no decoder */
};

static void
check_fields (const SbField *field,
              size_t         caplen)
{
  if (field->name == NULL || field->offset > caplen || field->length > caplen - field->offset)
    abort ();
  for (guint i = 0; i < sb_field_get_n_children (field); i++)
    check_fields (sb_field_get_child (field, i), caplen);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  SbSummary summary = { 0, };
  SbSummary quick = { 0, };
  SbField *fields = NULL;
  guint8 *frame;
  size_t caplen;
  int linktype;

  if (size < 1)
    return 0;
  linktype = linktypes[data[0] % G_N_ELEMENTS (linktypes)];
  caplen = size - 1;
  frame = g_malloc (caplen > 0 ? caplen : 1);
  memcpy (frame, data + 1, caplen);

  /* the top bits say how much longer the frame was on the wire */
  sb_decode (linktype, frame, caplen, caplen + (data[0] >> 4) * 100, &summary, &fields);
  if (fields == NULL || summary.protocol == NULL || summary.info == NULL
      || summary.source == NULL || summary.destination == NULL)
    abort ();
  check_fields (fields, caplen);
  if (!g_utf8_validate (summary.info, -1, NULL))
    abort ();

  sb_decode (linktype, frame, caplen, caplen + (data[0] >> 4) * 100, &quick, NULL);
  if (strcmp (quick.info, summary.info) != 0 || quick.problem != summary.problem)
    abort ();

  /* the TCP probe, and decoding with a connection (relative numbers) */
  {
    SbTcpSegment segment;
    SbTcpContext context = { 3, 0xfffffff0u, 17, TRUE, (data[0] & 1) != 0 };
    SbField *with_context = NULL;
    SbSummary relative = { 0, };

    if (sb_decode_tcp_segment (linktype, frame, caplen, caplen + (data[0] >> 4) * 100, &segment)
        && strcmp (summary.protocol, "TCP") != 0)
      abort ();
    sb_decode_full (linktype, frame, caplen, caplen + (data[0] >> 4) * 100, &context, &relative,
                    &with_context);
    if (with_context == NULL || relative.info == NULL || !g_utf8_validate (relative.info, -1, NULL)
        || relative.problem != summary.problem)
      abort ();
    check_fields (with_context, caplen);
    sb_summary_clear (&relative);
    sb_field_free (with_context);
  }

  sb_summary_clear (&summary);
  sb_summary_clear (&quick);
  sb_field_free (fields);
  g_free (frame);
  return 0;
}
