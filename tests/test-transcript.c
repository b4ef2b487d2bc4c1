/* test-transcript.c — SbTranscript: the chunked byte store, events, the list model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"


#include <string.h>

#include "sb-chunk-store.h"
#include "sb-transcript.h"

/* Deterministic filler: byte @i of a stream seeded with @seed. */
static guint8
pattern_byte (guint64 i,
              guint   seed)
{
  guint64 x = (i + 1) * 0x9E3779B97F4A7C15ull ^ seed;

  x ^= x >> 29;
  return (guint8) (x ^ (x >> 17));
}

static void
fill_pattern (guint8  *buf,
              gsize    len,
              guint64  start,
              guint    seed)
{
  for (gsize i = 0; i < len; i++)
    buf[i] = pattern_byte (start + i, seed);
}

/* Compare @len bytes at @offset of the transcript with the reference. */
static void
assert_range (SbTranscript *t,
              GByteArray   *ref,
              guint64       offset,
              gsize         len)
{
  g_autofree guint8 *buf = g_malloc (MAX (len, 1));
  gsize expect = offset >= ref->len ? 0 : MIN (len, ref->len - offset);
  gsize n = sb_transcript_read (t, offset, buf, len);

  g_assert_cmpuint (n, ==, expect);
  if (expect > 0)
    g_assert_cmpmem (buf, n, ref->data + offset, expect);
}

typedef struct
{
  guint n_emissions;
  guint position;
  guint removed;
  guint added;
  guint total_added;
} ItemsChanged;

static void
items_changed_cb (GListModel   *model,
                  guint         position,
                  guint         removed,
                  guint         added,
                  ItemsChanged *ic)
{
  ic->n_emissions++;
  ic->position = position;
  ic->removed = removed;
  ic->added = added;
  ic->total_added += added;
  /* the model must already agree with what it announces */
  g_assert_cmpuint (g_list_model_get_n_items (model), >=, position + added);
  if (added > 0)
    {
      gpointer last = g_list_model_get_item (model, position + added - 1);
      g_assert_nonnull (last);
      g_object_unref (last);
    }
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterate @context until *@counter is non-zero; fail after 5 s. A ticking
 * source keeps the iteration from blocking forever when nothing comes. */
static void
iterate_until_nonzero (GMainContext *context,
                       const guint  *counter)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  GSource *tick = g_timeout_source_new (100);

  g_source_set_callback (tick, tick_cb, NULL, NULL);
  g_source_attach (tick, context);
  while (*counter == 0)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("nothing happened within 5 s");
      g_main_context_iteration (context, TRUE);
    }
  g_source_destroy (tick);
  g_source_unref (tick);
}

/* ---- tests ---------------------------------------------------------------- */

static void
test_append_basic (void)
{
  g_autoptr(SbTranscript) t = sb_transcript_new ();
  SbTranscriptEntry e;
  guint i0, i1, i2, i3, i4;
  gint64 before = g_get_real_time ();

  g_assert_cmpuint (sb_transcript_get_n_events (t), ==, 0);
  g_assert_cmpuint (sb_transcript_get_n_bytes (t), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (t)), ==, 0);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (t)) == SB_TYPE_TRANSCRIPT_EVENT);

  i0 = sb_transcript_append_message (t, SB_EVENT_STATE, NULL, "created");
  i1 = sb_transcript_append_data (t, SB_EVENT_SENT, "127.0.0.1:80", (const guint8 *) "hello", 5);
  i2 = sb_transcript_append_data (t, SB_EVENT_RECEIVED, "127.0.0.1:80", (const guint8 *) "world!", 6);
  i3 = sb_transcript_append_message (t, SB_EVENT_ERROR, "[::1]:443", "boom");
  i4 = sb_transcript_append_data (t, SB_EVENT_RECEIVED, "", (const guint8 *) "", 0);
  g_assert_cmpuint (i0, ==, 0);
  g_assert_cmpuint (i1, ==, 1);
  g_assert_cmpuint (i2, ==, 2);
  g_assert_cmpuint (i3, ==, 3);
  g_assert_cmpuint (i4, ==, 4);
  g_assert_cmpuint (sb_transcript_get_n_events (t), ==, 5);
  g_assert_cmpuint (sb_transcript_get_n_bytes (t), ==, 11);

  g_assert_true (sb_transcript_get_entry (t, 0, &e));
  g_assert_cmpuint (e.kind, ==, SB_EVENT_STATE);
  g_assert_cmpuint (e.length, ==, 0);
  g_assert_cmpuint (e.peer, ==, 0);
  g_assert_cmpstr (sb_transcript_get_message_string (t, e.message), ==, "created");
  g_assert_cmpint (e.time_us, >=, before);
  g_assert_cmpint (e.time_us, <=, g_get_real_time ());

  g_assert_true (sb_transcript_get_entry (t, 1, &e));
  g_assert_cmpuint (e.kind, ==, SB_EVENT_SENT);
  g_assert_cmpuint (e.offset, ==, 0);
  g_assert_cmpuint (e.length, ==, 5);
  g_assert_cmpuint (e.message, ==, 0);
  g_assert_null (sb_transcript_get_message_string (t, e.message));
  g_assert_cmpstr (sb_transcript_get_peer_string (t, e.peer), ==, "127.0.0.1:80");
  {
    guint32 peer1 = e.peer;

    g_assert_true (sb_transcript_get_entry (t, 2, &e));
    /* the same peer is interned once */
    g_assert_cmpuint (e.peer, ==, peer1);
  }
  g_assert_cmpuint (e.kind, ==, SB_EVENT_RECEIVED);
  g_assert_cmpuint (e.offset, ==, 5);
  g_assert_cmpuint (e.length, ==, 6);

  g_assert_true (sb_transcript_get_entry (t, 3, &e));
  g_assert_cmpuint (e.kind, ==, SB_EVENT_ERROR);
  g_assert_cmpstr (sb_transcript_get_peer_string (t, e.peer), ==, "[::1]:443");
  g_assert_cmpstr (sb_transcript_get_message_string (t, e.message), ==, "boom");

  g_assert_true (sb_transcript_get_entry (t, 4, &e));
  g_assert_cmpuint (e.peer, ==, 0); /* "" is no peer */
  g_assert_cmpuint (e.length, ==, 0);
  g_assert_false (sb_transcript_get_entry (t, 5, &e));

  g_assert_null (sb_transcript_get_peer_string (t, 0));
  g_assert_null (sb_transcript_get_peer_string (t, 999));
  g_assert_null (sb_transcript_get_message_string (t, 999));

  {
    g_autoptr(GBytes) all = sb_transcript_get_bytes (t, 0, 100);
    g_autoptr(GBytes) mid = sb_transcript_get_bytes (t, 3, 4);
    g_autoptr(GBytes) past = sb_transcript_get_bytes (t, 11, 4);

    g_assert_cmpmem (g_bytes_get_data (all, NULL), g_bytes_get_size (all), "helloworld!", 11);
    g_assert_cmpmem (g_bytes_get_data (mid, NULL), g_bytes_get_size (mid), "lowo", 4);
    g_assert_cmpuint (g_bytes_get_size (past), ==, 0);
  }

  g_assert_cmpstr (sb_event_kind_to_string (SB_EVENT_SENT), ==, "sent");
  g_assert_cmpstr (sb_event_kind_to_string (SB_EVENT_TIMEOUT), ==, "timeout");
}

static void
test_counters (void)
{
  g_autoptr(SbTranscript) t = sb_transcript_new ();
  guint8 buf[100] = { 0, };
  g_autoptr(GBytes) big = g_bytes_new_take (g_malloc0 (40000), 40000);
  gsize room;
  guint8 *p;

  sb_transcript_append_data (t, SB_EVENT_SENT, NULL, buf, 10);
  sb_transcript_append_data (t, SB_EVENT_SENT, NULL, buf, 20);
  sb_transcript_append_data (t, SB_EVENT_RECEIVED, NULL, buf, 7);
  sb_transcript_append_message (t, SB_EVENT_NOTICE, NULL, "not data");
  sb_transcript_append_bytes (t, SB_EVENT_SENT, NULL, big, 0, 40000);
  p = sb_transcript_reserve (t, 1, 100, &room);
  memset (p, 1, 50);
  sb_transcript_commit (t, SB_EVENT_RECEIVED, NULL, 50);

  g_assert_cmpuint (sb_transcript_get_bytes_out (t), ==, 40030);
  g_assert_cmpuint (sb_transcript_get_messages_out (t), ==, 3);
  g_assert_cmpuint (sb_transcript_get_bytes_in (t), ==, 57);
  g_assert_cmpuint (sb_transcript_get_messages_in (t), ==, 2);
  g_assert_cmpuint (sb_transcript_get_n_bytes (t), ==, 40087);
}

/* Many appends of odd sizes: every range reads back like a flat array. */
static void
test_read_ranges (void)
{
  g_autoptr(SbTranscript) t = sb_transcript_new ();
  g_autoptr(GByteArray) ref = g_byte_array_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  guint64 total = 0;
  guint n_events = 0;

  /* sizes from 1 byte to well over a chunk, so that appends straddle
   * chunk boundaries in every way */
  while (total < 12 * 1024 * 1024)
    {
      gsize len;
      guint8 *tmp;
      SbTranscriptEntry e;
      guint idx;

      switch (g_rand_int_range (rand, 0, 4))
        {
        case 0: len = g_rand_int_range (rand, 1, 17); break;
        case 1: len = g_rand_int_range (rand, 17, 3001); break;
        case 2: len = g_rand_int_range (rand, 3001, 70001); break;
        default: len = g_rand_int_range (rand, 70001, 600001); break;
        }
      tmp = g_malloc (len);
      fill_pattern (tmp, len, total, 7);
      idx = sb_transcript_append_data (t, n_events % 2 ? SB_EVENT_SENT : SB_EVENT_RECEIVED,
                                       NULL, tmp, len);
      g_assert_cmpuint (idx, ==, n_events);
      g_assert_true (sb_transcript_get_entry (t, idx, &e));
      g_assert_cmpuint (e.offset, ==, total);
      g_assert_cmpuint (e.length, ==, len);
      g_byte_array_append (ref, tmp, len);
      g_free (tmp);
      total += len;
      n_events++;
    }
  g_assert_cmpuint (sb_transcript_get_n_bytes (t), ==, ref->len);
  g_assert_cmpuint (sb_transcript_get_n_events (t), ==, n_events);

  /* the whole thing */
  assert_range (t, ref, 0, ref->len);
  /* random ranges, including ones running past the end */
  for (guint i = 0; i < 2000; i++)
    {
      guint64 off = g_rand_int_range (rand, 0, ref->len);
      gsize len = g_rand_boolean (rand) ? g_rand_int_range (rand, 0, 64)
                                        : g_rand_int_range (rand, 0, 5 * 1024 * 1024);
      assert_range (t, ref, off, len);
    }
  /* around every power-of-two boundary, where the chunks end */
  for (guint64 b = 1024; b < ref->len; b *= 2)
    for (gint64 d = -3; d <= 3; d++)
      {
        assert_range (t, ref, b + d, 1);
        assert_range (t, ref, b + d, 7);
        assert_range (t, ref, b + d - 5000, 10000);
      }
  /* the end */
  assert_range (t, ref, ref->len - 1, 1);
  assert_range (t, ref, ref->len - 1, 10);
  assert_range (t, ref, ref->len, 10);
  assert_range (t, ref, ref->len + 1000, 10);
  assert_range (t, ref, 5, 0);
}

static void
test_reserve_commit (void)
{
  g_autoptr(SbTranscript) t = sb_transcript_new ();
  g_autoptr(GByteArray) ref = g_byte_array_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  SbTranscriptEntry e;
  guint8 *p;
  gsize room;
  guint idx;

  /* min 1 max 10: at most 10, at least 1 */
  p = sb_transcript_reserve (t, 1, 10, &room);
  g_assert_nonnull (p);
  g_assert_cmpuint (room, >=, 1);
  g_assert_cmpuint (room, <=, 10);
  memcpy (p, "abc", 3);
  idx = sb_transcript_commit (t, SB_EVENT_RECEIVED, "peer", 3);
  g_byte_array_append (ref, (const guint8 *) "abc", 3);
  g_assert_true (sb_transcript_get_entry (t, idx, &e));
  g_assert_cmpuint (e.offset, ==, 0);
  g_assert_cmpuint (e.length, ==, 3);
  g_assert_cmpuint (e.kind, ==, SB_EVENT_RECEIVED);
  g_assert_cmpstr (sb_transcript_get_peer_string (t, e.peer), ==, "peer");

  /* committing nothing is allowed and makes an empty event */
  p = sb_transcript_reserve (t, 0, 4096, &room);
  g_assert_nonnull (p);
  g_assert_cmpuint (room, >=, 1);
  idx = sb_transcript_commit (t, SB_EVENT_RECEIVED, NULL, 0);
  g_assert_true (sb_transcript_get_entry (t, idx, &e));
  g_assert_cmpuint (e.length, ==, 0);
  g_assert_cmpuint (e.offset, ==, 3);
  g_assert_cmpuint (sb_transcript_get_n_bytes (t), ==, 3);

  /* min larger than any chunk so far: a chunk with room for it */
  p = sb_transcript_reserve (t, 1024 * 1024, 2 * 1024 * 1024, &room);
  g_assert_cmpuint (room, >=, 1024 * 1024);
  g_assert_cmpuint (room, <=, 2 * 1024 * 1024);
  fill_pattern (p, room, ref->len, 3);
  g_byte_array_append (ref, p, room);
  sb_transcript_commit (t, SB_EVENT_RECEIVED, NULL, room);

  /* random reservations, partly filled, mixed with copies */
  for (guint i = 0; i < 3000; i++)
    {
      gsize min = g_rand_int_range (rand, 0, 70000);
      gsize max = min + g_rand_int_range (rand, 1, 70000);
      gsize used;

      if (g_rand_int_range (rand, 0, 4) == 0)
        {
          guint8 small[100];
          gsize n = g_rand_int_range (rand, 0, sizeof small);

          fill_pattern (small, n, ref->len, 9);
          sb_transcript_append_data (t, SB_EVENT_SENT, NULL, small, n);
          g_byte_array_append (ref, small, n);
          continue;
        }
      p = sb_transcript_reserve (t, min, max, &room);
      g_assert_nonnull (p);
      g_assert_cmpuint (room, >=, MAX (min, 1));
      g_assert_cmpuint (room, <=, max);
      /* the whole room is writable (ASan checks) */
      memset (p, 0xee, room);
      used = g_rand_int_range (rand, 0, room + 1);
      fill_pattern (p, used, ref->len, 11);
      g_byte_array_append (ref, p, used);
      idx = sb_transcript_commit (t, SB_EVENT_RECEIVED, NULL, used);
      g_assert_true (sb_transcript_get_entry (t, idx, &e));
      g_assert_cmpuint (e.length, ==, used);
      g_assert_cmpuint (e.offset + used, ==, ref->len);
    }
  g_assert_cmpuint (sb_transcript_get_n_bytes (t), ==, ref->len);
  assert_range (t, ref, 0, ref->len);
  for (guint i = 0; i < 500; i++)
    assert_range (t, ref, g_rand_int_range (rand, 0, ref->len), g_rand_int_range (rand, 0, 300000));
}

typedef struct
{
  gboolean freed;
} FreeFlag;

static void
set_freed (gpointer data)
{
  ((FreeFlag *) data)->freed = TRUE;
}

/* A GBytes over a static-ish buffer that tells us when it is released. */
static GBytes *
flagged_bytes (guint8   *data,
               gsize     len,
               FreeFlag *flag)
{
  flag->freed = FALSE;
  return g_bytes_new_with_free_func (data, len, set_freed, flag);
}

static void
test_append_bytes (void)
{
  g_autoptr(SbTranscript) t = sb_transcript_new ();
  g_autoptr(GByteArray) ref = g_byte_array_new ();
  gsize big_len = 4 * 1024 * 1024;
  g_autofree guint8 *big_data = g_malloc (big_len);
  g_autofree guint8 *other_data = g_malloc (100000);
  FreeFlag big_flag, other_flag, small_flag;
  GBytes *big, *other, *small;
  guint8 small_data[1000];
  gsize mem_before, mem_after;
  gsize at;
  SbTranscriptEntry e;
  guint idx;

  fill_pattern (big_data, big_len, 0, 21);
  fill_pattern (other_data, 100000, 0, 22);
  fill_pattern (small_data, sizeof small_data, 0, 23);
  big = flagged_bytes (big_data, big_len, &big_flag);
  other = flagged_bytes (other_data, 100000, &other_flag);
  small = flagged_bytes (small_data, sizeof small_data, &small_flag);

  /* consecutive slices of one buffer: by reference, merged */
  at = 0;
  for (guint i = 0; i < 8; i++)
    {
      gsize len = 16 * 1024 + i * 1000;

      idx = sb_transcript_append_bytes (t, SB_EVENT_SENT, "p", big, at, len);
      g_assert_true (sb_transcript_get_entry (t, idx, &e));
      g_assert_cmpuint (e.offset, ==, ref->len);
      g_assert_cmpuint (e.length, ==, len);
      g_byte_array_append (ref, big_data + at, len);
      at += len;
    }
  /* a merged slice costs only its entry: no new chunk, no copy */
  mem_before = sb_transcript_get_memory_size (t);
  sb_transcript_append_bytes (t, SB_EVENT_SENT, "p", big, at, 20000);
  g_byte_array_append (ref, big_data + at, 20000);
  at += 20000;
  mem_after = sb_transcript_get_memory_size (t);
  g_assert_cmpuint (mem_after - mem_before, <=, 20000 + sizeof (SbTranscriptEntry) + 64);
  assert_range (t, ref, 0, ref->len);

  /* a small slice in between is copied; the next big slice starts a new chunk */
  sb_transcript_append_bytes (t, SB_EVENT_SENT, NULL, big, at, 100);
  g_byte_array_append (ref, big_data + at, 100);
  at += 100;
  sb_transcript_append_data (t, SB_EVENT_RECEIVED, NULL, small_data, 333);
  g_byte_array_append (ref, small_data, 333);
  sb_transcript_append_bytes (t, SB_EVENT_SENT, NULL, big, at, 50000);
  g_byte_array_append (ref, big_data + at, 50000);
  at += 50000;
  /* a gap in the buffer: not merged with the previous slice */
  at += 777;
  sb_transcript_append_bytes (t, SB_EVENT_SENT, NULL, big, at, 30000);
  g_byte_array_append (ref, big_data + at, 30000);
  at += 30000;
  /* another buffer right after */
  sb_transcript_append_bytes (t, SB_EVENT_SENT, NULL, other, 0, 60000);
  g_byte_array_append (ref, other_data, 60000);
  /* then the first buffer again, continuing where it stopped: not adjacent in
   * the store, so not merged with anything */
  sb_transcript_append_bytes (t, SB_EVENT_SENT, NULL, big, at, 40000);
  g_byte_array_append (ref, big_data + at, 40000);
  at += 40000;
  /* a small GBytes is copied */
  sb_transcript_append_bytes (t, SB_EVENT_RECEIVED, NULL, small, 10, 500);
  g_byte_array_append (ref, small_data + 10, 500);
  /* tiny copies interleaved with big slices, many times */
  for (guint i = 0; i < 200; i++)
    {
      gsize len = 16 * 1024 + (i * 37) % 5000;
      sb_transcript_append_data (t, SB_EVENT_RECEIVED, NULL, small_data, i % 13);
      g_byte_array_append (ref, small_data, i % 13);
      if (at + len > big_len)
        at = 0;
      sb_transcript_append_bytes (t, SB_EVENT_SENT, NULL, big, at, len);
      g_byte_array_append (ref, big_data + at, len);
      at += len;
    }
  /* an empty slice */
  idx = sb_transcript_append_bytes (t, SB_EVENT_SENT, NULL, big, big_len, 0);
  g_assert_true (sb_transcript_get_entry (t, idx, &e));
  g_assert_cmpuint (e.length, ==, 0);

  g_assert_cmpuint (sb_transcript_get_n_bytes (t), ==, ref->len);
  assert_range (t, ref, 0, ref->len);
  for (guint i = 0; i < ref->len; i += 4093)
    assert_range (t, ref, i, 20011);

  /* kept by reference: dropping ours does not free the buffers */
  g_bytes_unref (big);
  g_bytes_unref (other);
  g_bytes_unref (small);
  g_assert_false (big_flag.freed);
  g_assert_false (other_flag.freed);
  g_assert_true (small_flag.freed); /* copied, never kept */
  assert_range (t, ref, 0, ref->len);

  /* clear() lets them go */
  sb_transcript_clear (t);
  g_assert_true (big_flag.freed);
  g_assert_true (other_flag.freed);
}

static void
test_find_event_at (void)
{
  g_autoptr(SbTranscript) t = sb_transcript_new ();
  g_autoptr(GArray) owner = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  g_autoptr(GBytes) big = g_bytes_new_take (g_malloc0 (100000), 100000);
  guint8 buf[300] = { 0, };

  g_assert_cmpuint (sb_transcript_find_event_at (t, 0), ==, G_MAXUINT);

  sb_transcript_append_message (t, SB_EVENT_STATE, NULL, "start");
  for (guint i = 0; i < 2000; i++)
    {
      guint idx;
      gsize len = 0;

      switch (g_rand_int_range (rand, 0, 6))
        {
        case 0:
          sb_transcript_append_message (t, SB_EVENT_NOTICE, NULL, "note");
          continue;
        case 1:
          sb_transcript_append_data (t, SB_EVENT_RECEIVED, NULL, buf, 0);
          continue;
        case 2:
          len = g_rand_int_range (rand, 16 * 1024, 30000);
          idx = sb_transcript_append_bytes (t, SB_EVENT_SENT, NULL, big, 0, len);
          break;
        default:
          len = g_rand_int_range (rand, 1, sizeof buf);
          idx = sb_transcript_append_data (t, SB_EVENT_RECEIVED, NULL, buf, len);
          break;
        }
      for (gsize k = 0; k < len; k++)
        g_array_append_val (owner, idx);
    }
  sb_transcript_append_message (t, SB_EVENT_STATE, NULL, "end");
  g_assert_cmpuint (owner->len, ==, sb_transcript_get_n_bytes (t));

  for (guint64 off = 0; off < owner->len; off++)
    {
      guint got = sb_transcript_find_event_at (t, off);
      if (got != g_array_index (owner, guint, off))
        g_error ("byte %" G_GUINT64_FORMAT ": event %u, expected %u", off, got,
                 g_array_index (owner, guint, off));
    }
  g_assert_cmpuint (sb_transcript_find_event_at (t, owner->len), ==, G_MAXUINT);
  g_assert_cmpuint (sb_transcript_find_event_at (t, G_MAXUINT64), ==, G_MAXUINT);
}

static void
test_batched_items_changed (void)
{
  g_autoptr(SbTranscript) t = sb_transcript_new ();
  ItemsChanged ic = { 0, };
  guint notifies = 0;
  guint8 byte = 'x';

  g_signal_connect (t, "items-changed", G_CALLBACK (items_changed_cb), &ic);
  g_signal_connect (t, "notify::n-items", G_CALLBACK (count_notify_cb), &notifies);

  for (guint i = 0; i < 10000; i++)
    {
      if (i % 3 == 0)
        sb_transcript_append_message (t, SB_EVENT_NOTICE, NULL, "m");
      else
        sb_transcript_append_data (t, SB_EVENT_SENT, NULL, &byte, 1);
    }
  /* nothing announced synchronously */
  g_assert_cmpuint (ic.n_emissions, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (t)), ==, 0);
  g_assert_cmpuint (sb_transcript_get_n_events (t), ==, 10000);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (t), 0));

  sb_transcript_flush (t);
  g_assert_cmpuint (ic.n_emissions, ==, 1);
  g_assert_cmpuint (ic.position, ==, 0);
  g_assert_cmpuint (ic.removed, ==, 0);
  g_assert_cmpuint (ic.added, ==, 10000);
  g_assert_cmpuint (notifies, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (t)), ==, 10000);
  {
    guint n = 0;
    g_object_get (t, "n-items", &n, NULL);
    g_assert_cmpuint (n, ==, 10000);
  }

  /* nothing pending: no emission */
  sb_transcript_flush (t);
  g_assert_cmpuint (ic.n_emissions, ==, 1);

  /* the 16 ms timer flushes when the main loop runs */
  for (guint i = 0; i < 500; i++)
    sb_transcript_append_data (t, SB_EVENT_RECEIVED, NULL, &byte, 1);
  g_assert_cmpuint (ic.n_emissions, ==, 1);
  ic.n_emissions = 0;
  iterate_until_nonzero (NULL, &ic.n_emissions);
  ic.n_emissions++;
  g_assert_cmpuint (ic.n_emissions, ==, 2);
  g_assert_cmpuint (ic.position, ==, 10000);
  g_assert_cmpuint (ic.removed, ==, 0);
  g_assert_cmpuint (ic.added, ==, 500);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (t)), ==, 10500);
  /* and nothing else is pending */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (ic.n_emissions, ==, 2);
}

/* The flush timer belongs to the thread-default context, like the sockets'
 * sources, so a transcript driven by another context (a worker thread, a
 * test) is flushed there and not by some other thread's loop. */
static gpointer
thread_default_flush_thread (gpointer data)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  SbTranscript *t;
  ItemsChanged ic = { 0, };
  gint64 deadline;
  GSource *tick = g_timeout_source_new (100);

  g_main_context_push_thread_default (context);
  g_source_set_callback (tick, tick_cb, NULL, NULL);
  g_source_attach (tick, context);
  t = sb_transcript_new ();
  g_signal_connect (t, "items-changed", G_CALLBACK (items_changed_cb), &ic);
  sb_transcript_append_message (t, SB_EVENT_NOTICE, NULL, "one");
  sb_transcript_append_message (t, SB_EVENT_NOTICE, NULL, "two");
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (ic.n_emissions == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (tick);
  g_source_unref (tick);
  g_main_context_pop_thread_default (context);
  g_object_unref (t);
  return GUINT_TO_POINTER (ic.n_emissions == 1 && ic.added == 2);
}

static void
test_flush_thread_default (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  SbTranscript *t;
  ItemsChanged ic = { 0, };
  GThread *thread;

  /* on this thread, with a pushed context */
  g_main_context_push_thread_default (context);
  t = sb_transcript_new ();
  g_signal_connect (t, "items-changed", G_CALLBACK (items_changed_cb), &ic);
  sb_transcript_append_message (t, SB_EVENT_NOTICE, NULL, "hello");
  iterate_until_nonzero (context, &ic.n_emissions);
  g_assert_cmpuint (ic.added, ==, 1);
  /* a pending flush is dropped cleanly at finalization */
  sb_transcript_append_message (t, SB_EVENT_NOTICE, NULL, "pending");
  g_assert_finalize_object (t);
  g_main_context_pop_thread_default (context);
  while (g_main_context_iteration (context, FALSE))
    ;
  while (g_main_context_iteration (NULL, FALSE))
    ;

  /* on a worker thread with its own context */
  thread = g_thread_new ("flush", thread_default_flush_thread, NULL);
  g_assert_true (GPOINTER_TO_UINT (g_thread_join (thread)));
}

static void
test_get_item (void)
{
  g_autoptr(SbTranscript) t = sb_transcript_new ();
  GListModel *model = G_LIST_MODEL (t);
  g_autoptr(SbTranscriptEvent) ev0 = NULL;
  g_autoptr(SbTranscriptEvent) ev1 = NULL;
  g_autoptr(SbTranscriptEvent) ev2 = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gint64 before = g_get_real_time ();

  sb_transcript_append_message (t, SB_EVENT_TIMEOUT, "10.0.0.1:5", "timed out");
  sb_transcript_append_data (t, SB_EVENT_SENT, NULL, (const guint8 *) "ping", 4);
  sb_transcript_append_data (t, SB_EVENT_RECEIVED, "10.0.0.1:5", (const guint8 *) "pong!", 5);
  sb_transcript_flush (t);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);

  ev0 = g_list_model_get_item (model, 0);
  ev1 = g_list_model_get_item (model, 1);
  ev2 = g_list_model_get_item (model, 2);
  g_assert_true (SB_IS_TRANSCRIPT_EVENT (ev0));
  g_assert_null (g_list_model_get_item (model, 3));

  g_assert_true (sb_transcript_event_get_transcript (ev0) == t);
  g_assert_cmpuint (sb_transcript_event_get_index (ev0), ==, 0);
  g_assert_cmpint (sb_transcript_event_get_kind (ev0), ==, SB_EVENT_TIMEOUT);
  g_assert_cmpstr (sb_transcript_event_get_peer (ev0), ==, "10.0.0.1:5");
  g_assert_cmpstr (sb_transcript_event_get_message (ev0), ==, "timed out");
  g_assert_cmpuint (sb_transcript_event_get_length (ev0), ==, 0);
  g_assert_cmpint (sb_transcript_event_get_time (ev0), >=, before);
  g_assert_cmpint (sb_transcript_event_get_time (ev0), <=, g_get_real_time ());

  g_assert_cmpuint (sb_transcript_event_get_index (ev1), ==, 1);
  g_assert_cmpint (sb_transcript_event_get_kind (ev1), ==, SB_EVENT_SENT);
  g_assert_null (sb_transcript_event_get_peer (ev1));
  g_assert_null (sb_transcript_event_get_message (ev1));
  g_assert_cmpuint (sb_transcript_event_get_offset (ev1), ==, 0);
  g_assert_cmpuint (sb_transcript_event_get_length (ev1), ==, 4);
  bytes = sb_transcript_event_get_bytes (ev1);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "ping", 4);
  g_clear_pointer (&bytes, g_bytes_unref);

  g_assert_cmpint (sb_transcript_event_get_kind (ev2), ==, SB_EVENT_RECEIVED);
  g_assert_cmpstr (sb_transcript_event_get_peer (ev2), ==, "10.0.0.1:5");
  g_assert_cmpuint (sb_transcript_event_get_offset (ev2), ==, 4);
  bytes = sb_transcript_event_get_bytes (ev2);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "pong!", 5);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* an event outliving clear() reads as empty, never out of bounds */
  sb_transcript_clear (t);
  g_assert_cmpuint (sb_transcript_event_get_length (ev2), ==, 0);
  g_assert_null (sb_transcript_event_get_peer (ev2));
  g_assert_null (sb_transcript_event_get_message (ev0));
  bytes = sb_transcript_event_get_bytes (ev2);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 0);

  /* the events hold the transcript; all of them go away */
  g_assert_finalize_object (g_steal_pointer (&ev0));
  g_assert_finalize_object (g_steal_pointer (&ev1));
  g_assert_finalize_object (g_steal_pointer (&ev2));
  g_assert_finalize_object (g_steal_pointer (&t));
}

static void
test_clear (void)
{
  g_autoptr(SbTranscript) t = sb_transcript_new ();
  ItemsChanged ic = { 0, };
  guint8 data[5000];
  SbTranscriptEntry e;

  fill_pattern (data, sizeof data, 0, 1);
  g_signal_connect (t, "items-changed", G_CALLBACK (items_changed_cb), &ic);

  /* clearing an empty transcript says nothing */
  sb_transcript_clear (t);
  g_assert_cmpuint (ic.n_emissions, ==, 0);

  for (guint i = 0; i < 100; i++)
    sb_transcript_append_data (t, SB_EVENT_SENT, "peer", data, sizeof data);
  sb_transcript_flush (t);
  sb_transcript_append_message (t, SB_EVENT_NOTICE, "peer", "unannounced");
  g_assert_cmpuint (ic.n_emissions, ==, 1);

  sb_transcript_clear (t);
  /* only what was announced is removed; the rest was never seen */
  g_assert_cmpuint (ic.n_emissions, ==, 2);
  g_assert_cmpuint (ic.position, ==, 0);
  g_assert_cmpuint (ic.removed, ==, 100);
  g_assert_cmpuint (ic.added, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (t)), ==, 0);
  g_assert_cmpuint (sb_transcript_get_n_events (t), ==, 0);
  g_assert_cmpuint (sb_transcript_get_n_bytes (t), ==, 0);
  g_assert_cmpuint (sb_transcript_get_bytes_out (t), ==, 0);
  g_assert_cmpuint (sb_transcript_get_messages_out (t), ==, 0);
  g_assert_cmpuint (sb_transcript_get_bytes_in (t), ==, 0);
  g_assert_cmpuint (sb_transcript_get_messages_in (t), ==, 0);
  g_assert_cmpuint (sb_transcript_find_event_at (t, 0), ==, G_MAXUINT);
  g_assert_false (sb_transcript_get_entry (t, 0, &e));

  /* the pending flush was dropped with the events */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (ic.n_emissions, ==, 2);

  /* and it works again from scratch */
  sb_transcript_append_data (t, SB_EVENT_RECEIVED, "other", data, 10);
  g_assert_true (sb_transcript_get_entry (t, 0, &e));
  g_assert_cmpuint (e.offset, ==, 0);
  g_assert_cmpstr (sb_transcript_get_peer_string (t, e.peer), ==, "other");
  {
    guint8 back[10];
    g_assert_cmpuint (sb_transcript_read (t, 0, back, 10), ==, 10);
    g_assert_cmpmem (back, 10, data, 10);
  }
  sb_transcript_flush (t);
  g_assert_cmpuint (ic.n_emissions, ==, 3);
  g_assert_cmpuint (ic.position, ==, 0);
  g_assert_cmpuint (ic.added, ==, 1);
  g_assert_finalize_object (g_steal_pointer (&t));
}

/* The store's overhead stays small: 64 MiB in 64 KiB pieces. */
static void
test_memory_size (void)
{
  g_autoptr(SbTranscript) t = sb_transcript_new ();
  gsize piece = 64 * 1024;
  g_autofree guint8 *buf = g_malloc (piece);
  gsize mem;

  fill_pattern (buf, piece, 0, 2);
  for (guint i = 0; i < 1024; i++)
    sb_transcript_append_data (t, SB_EVENT_RECEIVED, NULL, buf, piece);
  g_assert_cmpuint (sb_transcript_get_n_bytes (t), ==, 64 * 1024 * 1024);
  mem = sb_transcript_get_memory_size (t);
  g_test_message ("copies: %" G_GSIZE_FORMAT " bytes for 64 MiB", mem);
  g_assert_cmpuint (mem, >=, 64 * 1024 * 1024);
  g_assert_cmpuint (mem, <=, (gsize) (1.1 * 64 * 1024 * 1024));
  g_clear_object (&t);

  /* the zero-copy receive path the sockets use: 64 KiB reads, each only
   * partly filled (a stream that trickles) */
  t = sb_transcript_new ();
  while (sb_transcript_get_n_bytes (t) < 64 * 1024 * 1024)
    {
      gsize room;
      guint8 *p = sb_transcript_reserve (t, 4096, piece, &room);
      gsize used = MIN (room, 5000 + (sb_transcript_get_n_events (t) * 7919) % 60000);

      memset (p, 'r', used);
      sb_transcript_commit (t, SB_EVENT_RECEIVED, NULL, used);
    }
  mem = sb_transcript_get_memory_size (t);
  g_test_message ("reserve/commit: %" G_GSIZE_FORMAT " bytes for %" G_GUINT64_FORMAT,
                  mem, sb_transcript_get_n_bytes (t));
  g_assert_cmpuint (mem, <=, (gsize) (1.1 * sb_transcript_get_n_bytes (t)));
  g_clear_object (&t);

  /* datagrams: room for a whole 64 KiB datagram each time, 1400 bytes used */
  t = sb_transcript_new ();
  while (sb_transcript_get_n_bytes (t) < 64 * 1024 * 1024)
    {
      gsize room;
      guint8 *p = sb_transcript_reserve (t, piece, piece, &room);

      g_assert_cmpuint (room, ==, piece);
      memset (p, 'd', 1400);
      sb_transcript_commit (t, SB_EVENT_RECEIVED, "peer", 1400);
    }
  mem = sb_transcript_get_memory_size (t);
  g_test_message ("datagrams: %" G_GSIZE_FORMAT " bytes for %" G_GUINT64_FORMAT,
                  mem, sb_transcript_get_n_bytes (t));
  /* 32-byte entries per 1400-byte datagram are 2.3 % on their own */
  g_assert_cmpuint (mem, <=, (gsize) (1.1 * sb_transcript_get_n_bytes (t)));
  g_assert_finalize_object (g_steal_pointer (&t));
}

/* A byte limit keeps at least the last @limit bytes, reads the dropped ones
 * as gone, reuses memory, keeps offsets, events and counters, says once that
 * it began dropping, and works across reserve/commit, copies and slices. */
static void
test_byte_limit (void)
{
  const guint64 limit = 10 * 1024 * 1024;
  g_autoptr(SbTranscript) t = sb_transcript_new ();
  g_autoptr(GByteArray) ref = g_byte_array_new ();
  g_autoptr(GBytes) slice_src = NULL;
  guint8 piece[60000];
  guint n_notices = 0, first_data_event = G_MAXUINT;
  gsize peak = 0;
  SbTranscriptEntry e;

  for (gsize i = 0; i < sizeof piece; i++)
    piece[i] = (guint8) (i * 13 + i / 256);
  {
    guint8 *big = g_malloc (100000);
    for (gsize i = 0; i < 100000; i++)
      big[i] = (guint8) (i * 7);
    slice_src = g_bytes_new_take (big, 100000);
  }

  sb_transcript_set_byte_limit (t, limit);
  g_assert_cmpuint (sb_transcript_get_byte_limit (t), ==, limit);

  /* 64 MiB: receives by reserve/commit, copies, and zero-copy slices */
  for (guint round = 0; ref->len < 64 * 1024 * 1024; round++)
    {
      guint idx;

      if (round % 3 == 0)
        {
          gsize room;
          guint8 *buf = sb_transcript_reserve (t, 4096, sizeof piece, &room);
          gsize n = MIN (room, sizeof piece - round % 1000);

          memcpy (buf, piece, n);
          idx = sb_transcript_commit (t, SB_EVENT_RECEIVED, "127.0.0.1:9", n);
          g_byte_array_append (ref, piece, n);
        }
      else if (round % 3 == 1)
        {
          gsize n = 1 + round % sizeof piece;
          idx = sb_transcript_append_data (t, SB_EVENT_SENT, NULL, piece, n);
          g_byte_array_append (ref, piece, n);
        }
      else
        {
          idx = sb_transcript_append_bytes (t, SB_EVENT_SENT, NULL, slice_src, round % 5000, 90000);
          g_byte_array_append (ref, (const guint8 *) g_bytes_get_data (slice_src, NULL) + round % 5000,
                               90000);
        }
      if (first_data_event == G_MAXUINT)
        first_data_event = idx;
      /* the returned index is the data event's, never the notice's */
      g_assert_true (sb_transcript_get_entry (t, idx, &e));
      g_assert_cmpuint (e.kind, !=, SB_EVENT_NOTICE);
      g_assert_cmpuint (e.offset + e.length, ==, ref->len);
      peak = MAX (peak, sb_transcript_get_memory_size (t));
    }

  /* offsets count from the first byte ever; the last @limit are all there */
  g_assert_cmpuint (sb_transcript_get_n_bytes (t), ==, ref->len);
  g_assert_cmpuint (sb_transcript_get_first_offset (t), >, 0);
  g_assert_cmpuint (sb_transcript_get_n_bytes (t) - sb_transcript_get_first_offset (t), >=, limit);
  assert_range (t, ref, ref->len - limit, limit);
  assert_range (t, ref, sb_transcript_get_first_offset (t), 4096);
  /* dropped bytes read as gone, never as other bytes */
  {
    guint8 buf[16];
    guint64 first = sb_transcript_get_first_offset (t);
    g_autoptr(GBytes) gone = sb_transcript_get_bytes (t, 0, 16);

    g_assert_cmpuint (sb_transcript_read (t, 0, buf, sizeof buf), ==, 0);
    g_assert_cmpuint (sb_transcript_read (t, first - 1, buf, sizeof buf), ==, 0);
    g_assert_cmpuint (g_bytes_get_size (gone), ==, 0);
    g_assert_cmpuint (sb_transcript_find_event_at (t, 0), ==, G_MAXUINT);
    g_assert_cmpuint (sb_transcript_find_event_at (t, first), !=, G_MAXUINT);
  }
  /* memory: the limit plus at most two full chunks and the events */
  g_assert_cmpuint (peak, <=, limit + 2 * 4 * 1024 * 1024
                              + sb_transcript_get_n_events (t) * sizeof (SbTranscriptEntry) + 65536);
  /* events and counters are kept */
  g_assert_true (sb_transcript_get_entry (t, first_data_event, &e));
  g_assert_cmpuint (e.offset, ==, 0);
  g_assert_cmpuint (sb_transcript_get_bytes_in (t) + sb_transcript_get_bytes_out (t), ==, ref->len);
  /* one notice, naming the limit */
  for (guint i = 0; i < sb_transcript_get_n_events (t); i++)
    {
      g_assert_true (sb_transcript_get_entry (t, i, &e));
      if (e.kind == SB_EVENT_NOTICE)
        {
          n_notices++;
          g_assert_nonnull (strstr (sb_transcript_get_message_string (t, e.message), "10.0"));
          g_assert_nonnull (strstr (sb_transcript_get_message_string (t, e.message), "MiB"));
        }
    }
  g_assert_cmpuint (n_notices, ==, 1);

  /* lifting the limit keeps what is held; lowering it drops at once */
  sb_transcript_set_byte_limit (t, 0);
  assert_range (t, ref, ref->len - limit, limit);
  sb_transcript_set_byte_limit (t, 1);
  g_assert_cmpuint (sb_transcript_get_memory_size (t), <, 4 * 1024 * 1024 + 65536
                    + sb_transcript_get_n_events (t) * sizeof (SbTranscriptEntry) + 65536);
  assert_range (t, ref, ref->len - 1, 1);

  /* clear starts again from offset 0 and keeps the limit */
  sb_transcript_clear (t);
  g_assert_cmpuint (sb_transcript_get_first_offset (t), ==, 0);
  g_assert_cmpuint (sb_transcript_get_byte_limit (t), ==, 1);
  sb_transcript_append_data (t, SB_EVENT_SENT, NULL, (const guint8 *) "abc", 3);
  g_assert_cmpuint (sb_transcript_get_n_bytes (t), ==, 3);
}

/* With a limit, a long flood writes into memory the store already has:
 * the chunks it allocates stay as many as the limit needs, not as many as
 * the bytes that passed through (fresh pages, which the kernel must zero,
 * are what made keeping everything slow; docs/benchmarks.md). */
static void
test_byte_limit_reuses_memory (void)
{
  const guint64 limit = 8 * 1024 * 1024, total = 256 * 1024 * 1024;
  SbChunkStore *store = sb_chunk_store_new (2048, 4 * 1024 * 1024, SB_CHUNK_STORE_SEAL_TAIL);
  guint64 done = 0, made_when_full = 0;

  sb_chunk_store_set_limit (store, limit);
  while (done < total)
    {
      gsize room;
      guint8 *buf = sb_chunk_store_reserve (store, 4096, 65536, &room);

      memset (buf, (int) (done >> 16), room);
      g_assert_true (sb_chunk_store_commit (store, room));
      done += room;
      if (made_when_full == 0 && sb_chunk_store_get_start (store) > 0)
        made_when_full = sb_chunk_store_get_n_chunks_made (store);
    }
  g_test_message ("%" G_GUINT64_FORMAT " chunks made for %" G_GUINT64_FORMAT " MiB through an %"
                  G_GUINT64_FORMAT " MiB limit (%" G_GUINT64_FORMAT " when it began dropping)",
                  sb_chunk_store_get_n_chunks_made (store), total >> 20, limit >> 20, made_when_full);
  g_assert_cmpuint (made_when_full, >, 0);
  /* from then on, every new tail is a dropped chunk used again */
  g_assert_cmpuint (sb_chunk_store_get_n_chunks_made (store), <=, made_when_full + 1);
  /* chunks a sixteenth of the limit: at most the limit and two chunks held */
  g_assert_cmpuint (sb_chunk_store_get_memory_size (store), <=, limit + limit / 8 + 4096);
  g_assert_cmpuint (sb_chunk_store_get_size (store) - sb_chunk_store_get_start (store), >=, limit);
  sb_chunk_store_free (store);
}

static void
mirror_cb (GListModel *model,
           guint       position,
           guint       removed,
           guint       added,
           guint      *mirror)
{
  g_assert_cmpuint (position + removed, <=, *mirror);
  *mirror = *mirror - removed + added;
}

/* With a byte limit the events are bounded too: the oldest leave the
 * model from its start (announced as a removal), indices keep counting,
 * counters and the newest events stay. */
static void
test_byte_limit_events (void)
{
  g_autoptr(SbTranscript) t = sb_transcript_new ();
  g_autoptr(SbTranscriptEvent) early = NULL;
  g_autoptr(SbTranscriptEvent) head = NULL;
  guint mirror = 0, last = 0, first;
  SbTranscriptEntry e;

  g_signal_connect (t, "items-changed", G_CALLBACK (mirror_cb), &mirror);
  sb_transcript_set_byte_limit (t, 256 * 1024);   /* 4096 events */
  sb_transcript_append_message (t, SB_EVENT_STATE, NULL, "connected");
  sb_transcript_flush (t);
  early = g_list_model_get_item (G_LIST_MODEL (t), 0);
  for (guint i = 0; i < 20000; i++)
    {
      guint8 byte = (guint8) i;

      last = sb_transcript_append_data (t, i % 2 ? SB_EVENT_SENT : SB_EVENT_RECEIVED, NULL, &byte, 1);
      g_assert_cmpuint (last, ==, i + 1);   /* indices count every event */
      g_assert_cmpuint (sb_transcript_get_n_events (t) - sb_transcript_get_first_index (t), <=,
                        4096 + 4096 / 8);
    }
  sb_transcript_flush (t);

  first = sb_transcript_get_first_index (t);
  g_assert_cmpuint (first, >, 0);
  g_assert_cmpuint (sb_transcript_get_n_events (t), ==, 20001);
  g_assert_false (sb_transcript_get_entry (t, first - 1, &e));
  g_assert_true (sb_transcript_get_entry (t, last, &e));
  g_assert_cmpuint (e.offset, ==, 19999);
  g_assert_cmpuint (sb_transcript_find_event_at (t, 19999), ==, last);
  /* bytes still held but owned by no kept event are not shown as anybody's:
   * the conversation starts at the first kept event's bytes */
  g_assert_true (sb_transcript_get_entry (t, first, &e));
  g_assert_cmpuint (sb_transcript_get_first_offset (t), ==, e.offset);
  g_assert_cmpuint (sb_transcript_find_event_at (t, e.offset), ==, first);
  {
    guint8 byte;
    g_assert_cmpuint (sb_transcript_read (t, e.offset - 1, &byte, 1), ==, 0);
    g_assert_cmpuint (sb_transcript_read (t, e.offset, &byte, 1), ==, 1);
    g_assert_cmpuint (byte, ==, (guint8) (e.offset));
  }
  /* the model is what is kept, and its listeners saw the same */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (t)), ==, 20001 - first);
  g_assert_cmpuint (mirror, ==, 20001 - first);
  head = g_list_model_get_item (G_LIST_MODEL (t), 0);
  g_assert_cmpuint (sb_transcript_event_get_index (head), ==, first);
  /* an event object made before reads as empty, not as another event */
  g_assert_cmpuint (sb_transcript_event_get_length (early), ==, 0);
  g_assert_null (sb_transcript_event_get_message (early));
  /* the counters count everything */
  g_assert_cmpuint (sb_transcript_get_bytes_in (t) + sb_transcript_get_bytes_out (t), ==, 20000);
  g_assert_cmpuint (sb_transcript_get_messages_in (t), ==, 10000);
  /* clear starts the indices again */
  sb_transcript_clear (t);
  g_assert_cmpuint (sb_transcript_get_first_index (t), ==, 0);
  g_assert_cmpuint (mirror, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/transcript/append-basic", test_append_basic);
  g_test_add_func ("/transcript/counters", test_counters);
  g_test_add_func ("/transcript/read-ranges", test_read_ranges);
  g_test_add_func ("/transcript/reserve-commit", test_reserve_commit);
  g_test_add_func ("/transcript/append-bytes", test_append_bytes);
  g_test_add_func ("/transcript/find-event-at", test_find_event_at);
  g_test_add_func ("/transcript/batched-items-changed", test_batched_items_changed);
  g_test_add_func ("/transcript/flush-thread-default", test_flush_thread_default);
  g_test_add_func ("/transcript/get-item", test_get_item);
  g_test_add_func ("/transcript/clear", test_clear);
  g_test_add_func ("/transcript/memory-size", test_memory_size);
  g_test_add_func ("/transcript/byte-limit", test_byte_limit);
  g_test_add_func ("/transcript/byte-limit-reuses-memory", test_byte_limit_reuses_memory);
  g_test_add_func ("/transcript/byte-limit-events", test_byte_limit_events);

  return g_test_run ();
}
