/* sb-tcp-flows.c — the TCP connections of a capture, for relative numbers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sb-tcp-flows.h"

/* Both endpoints, the lower (address, port) first, so that the two
 * directions of a connection find the same record. Zeroed before being
 * filled: hashed and compared as bytes. */
typedef struct
{
  guint8  addr[2][16];
  guint16 port[2];
  guint8  addr_len;
  guint8  pad[3];
} FlowKey;

typedef struct
{
  guint32 base[2];       /* initial sequence number of each direction */
  guint8  has_base[2];
} Flow;

struct _SbTcpFlows
{
  GArray     *flows;     /* Flow, by stream index */
  GHashTable *current;   /* FlowKey* → stream index + 1 of its newest connection */
};

/* The reference of a segment: 0 is none, then two per flow, one per
 * direction. */
#define REF(index, dir)  ((guint32) (index) * 2 + (dir) + 1)
#define MAX_FLOWS        (G_MAXUINT32 / 2 - 1)

static guint
flow_key_hash (gconstpointer key)
{
  guint32 words[sizeof (FlowKey) / 4];
  guint32 h = 2166136261u;   /* FNV-1a, a word at a time */

  G_STATIC_ASSERT (sizeof (FlowKey) % 4 == 0);
  memcpy (words, key, sizeof words);
  for (gsize i = 0; i < G_N_ELEMENTS (words); i++)
    h = (h ^ words[i]) * 16777619u;
  return h ^ (h >> 15);
}

static gboolean
flow_key_equal (gconstpointer a,
                gconstpointer b)
{
  return memcmp (a, b, sizeof (FlowKey)) == 0;
}

SbTcpFlows *
sb_tcp_flows_new (void)
{
  SbTcpFlows *self = g_new0 (SbTcpFlows, 1);

  self->flows = g_array_new (FALSE, TRUE, sizeof (Flow));
  self->current = g_hash_table_new_full (flow_key_hash, flow_key_equal, g_free, NULL);
  return self;
}

void
sb_tcp_flows_free (SbTcpFlows *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->flows);
  g_hash_table_unref (self->current);
  g_free (self);
}

void
sb_tcp_flows_clear (SbTcpFlows *self)
{
  g_return_if_fail (self != NULL);
  g_array_set_size (self->flows, 0);
  g_hash_table_remove_all (self->current);
}

static guint
new_flow (SbTcpFlows    *self,
          const FlowKey *key)
{
  Flow flow = { { 0, }, { 0, } };

  g_array_append_val (self->flows, flow);
  g_hash_table_insert (self->current, g_memdup2 (key, sizeof *key),
                       GUINT_TO_POINTER (self->flows->len));
  return self->flows->len - 1;
}

guint32
sb_tcp_flows_track (SbTcpFlows         *self,
                    const SbTcpSegment *segment)
{
  FlowKey key;
  guint dir, index = 0;
  gpointer value;
  Flow *flow;
  int order;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (segment != NULL, 0);
  g_return_val_if_fail (segment->addr_len <= 16, 0);

  order = memcmp (segment->src, segment->dst, segment->addr_len);
  if (order == 0)
    order = segment->sport < segment->dport ? -1 : segment->sport > segment->dport;
  /* a socket connected to itself (simultaneous open on one port) has one
   * direction: it is direction 0 */
  dir = order > 0 ? 1 : 0;

  memset (&key, 0, sizeof key);
  key.addr_len = segment->addr_len;
  memcpy (key.addr[dir], segment->src, segment->addr_len);
  memcpy (key.addr[!dir], segment->dst, segment->addr_len);
  key.port[dir] = segment->sport;
  key.port[!dir] = segment->dport;

  value = g_hash_table_lookup (self->current, &key);
  if (value != NULL)
    {
      index = GPOINTER_TO_UINT (value) - 1;
      flow = &g_array_index (self->flows, Flow, index);
      /* a new connection between the same endpoints, not a retransmitted SYN */
      if ((segment->flags & SB_TCP_FLAG_SYN) && flow->has_base[dir] && flow->base[dir] != segment->seq)
        value = NULL;
    }
  if (value == NULL)
    {
      if (self->flows->len >= MAX_FLOWS)
        return 0;
      index = new_flow (self, &key);
    }
  flow = &g_array_index (self->flows, Flow, index);

  if (!flow->has_base[dir])
    {
      /* without the SYN, count as if it came just before (Wireshark does) */
      flow->base[dir] = (segment->flags & SB_TCP_FLAG_SYN) ? segment->seq : segment->seq - 1;
      flow->has_base[dir] = TRUE;
    }
  /* a SYN's acknowledgement field means nothing; the first ACK seen says
   * where the other direction started, if that was not seen yet */
  if ((segment->flags & SB_TCP_FLAG_ACK) && !flow->has_base[!dir])
    {
      flow->base[!dir] = segment->ack - 1;
      flow->has_base[!dir] = TRUE;
    }
  return REF (index, dir);
}

guint32
sb_tcp_flows_track_frame (SbTcpFlows   *self,
                          int           linktype,
                          const guint8 *data,
                          gsize         caplen,
                          gsize         wire_len)
{
  SbTcpSegment segment;

  g_return_val_if_fail (self != NULL, 0);

  if (!sb_decode_tcp_segment (linktype, data, caplen, wire_len, &segment))
    return 0;
  return sb_tcp_flows_track (self, &segment);
}

gboolean
sb_tcp_flows_get_context (SbTcpFlows   *self,
                          guint32       ref,
                          SbTcpContext *context)
{
  const Flow *flow;
  guint index, dir;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (context != NULL, FALSE);

  memset (context, 0, sizeof *context);
  if (ref == 0 || (ref - 1) / 2 >= self->flows->len)
    return FALSE;
  index = (ref - 1) / 2;
  dir = (ref - 1) % 2;
  flow = &g_array_index (self->flows, Flow, index);
  context->stream = index;
  context->seq_base = flow->base[dir];
  context->has_seq_base = flow->has_base[dir];
  context->ack_base = flow->base[!dir];
  context->has_ack_base = flow->has_base[!dir];
  return TRUE;
}

guint
sb_tcp_flows_get_n_flows (SbTcpFlows *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->flows->len;
}

gsize
sb_tcp_flows_get_memory_size (SbTcpFlows *self)
{
  g_return_val_if_fail (self != NULL, 0);
  /* roughly: the records, and per connection a key and a hash table slot */
  return sizeof *self + self->flows->len * sizeof (Flow)
         + g_hash_table_size (self->current) * (sizeof (FlowKey) + 3 * sizeof (gpointer));
}
