/* sb-packet-store.c — captured packets as a list model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <pcap/pcap.h>

#include "sb-chunk-store.h"
#include "sb-list-batcher.h"
#include "sb-packet-store.h"
#include "sb-tcp-flows.h"

/* Chunks (their allocations, header included) start small, so that a
 * capture of ten packets costs little, and double up to a cap. A packet
 * never spans two chunks: a chunk that has no room left for the next one
 * is left with its slack (at most one packet's worth), and never moved,
 * so peek_data() pointers stay valid. */
#define CHUNK_MIN  (64 * 1024)
#define CHUNK_MAX  (4 * 1024 * 1024)
/* Full-size chunks are faulted in when made, and made ahead of need by a
 * worker thread: a flood of ~1M pkt/s on lo writes ~100 MB/s of fresh
 * memory, and its page faults, taken in the middle of a dispatch, cost
 * the capture thread a quarter of its CPU time (docs/benchmarks.md,
 * "Capture"). */
/* What the pcap header says when nothing longer was stored. */
#define DEFAULT_SNAPLEN 262144

G_DEFINE_QUARK (sb-packet-store-error-quark, sb_packet_store_error)

struct _SbPacketStore
{
  GObject     parent_instance;

  GArray       *records;        /* SbPacketRecord */
  SbChunkStore *bytes;
  SbTcpFlows   *tcp_flows;      /* for relative TCP numbers; cleared with the packets */
  guint         generation;     /* bumped by clear(), so old rows know */

  SbListBatcher batcher;
};

struct _SbPacket
{
  GObject        parent_instance;
  SbPacketStore *store;
  guint          index;
  guint          generation;
  SbPacketRecord record;
  double         time;
  SbSummary      summary;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SbPacketStore, sb_packet_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))
G_DEFINE_FINAL_TYPE (SbPacket, sb_packet, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  PACKET_PROP_0,
  PACKET_PROP_NUMBER,
  PACKET_PROP_TIME,
  PACKET_PROP_SOURCE,
  PACKET_PROP_DESTINATION,
  PACKET_PROP_PROTOCOL,
  PACKET_PROP_LENGTH,
  PACKET_PROP_INFO,
  PACKET_PROP_PROBLEM,
  PACKET_N_PROPS
};

static GParamSpec *packet_properties[PACKET_N_PROPS];

/* ---- SbPacket ------------------------------------------------------------- */

static void
sb_packet_finalize (GObject *object)
{
  SbPacket *self = SB_PACKET (object);

  sb_summary_clear (&self->summary);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (sb_packet_parent_class)->finalize (object);
}

static void
sb_packet_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  SbPacket *self = SB_PACKET (object);

  switch (prop_id)
    {
    case PACKET_PROP_NUMBER:
      g_value_set_uint (value, sb_packet_get_number (self));
      break;
    case PACKET_PROP_TIME:
      g_value_set_double (value, self->time);
      break;
    case PACKET_PROP_SOURCE:
      g_value_set_string (value, self->summary.source);
      break;
    case PACKET_PROP_DESTINATION:
      g_value_set_string (value, self->summary.destination);
      break;
    case PACKET_PROP_PROTOCOL:
      g_value_set_string (value, self->summary.protocol);
      break;
    case PACKET_PROP_LENGTH:
      g_value_set_uint (value, self->record.len);
      break;
    case PACKET_PROP_INFO:
      g_value_set_string (value, self->summary.info);
      break;
    case PACKET_PROP_PROBLEM:
      g_value_set_boolean (value, self->summary.problem);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_packet_class_init (SbPacketClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = sb_packet_finalize;
  object_class->get_property = sb_packet_get_property;

  /* Read-only: a row is a snapshot, for GtkExpression-bound columns. */
  packet_properties[PACKET_PROP_NUMBER] =
    g_param_spec_uint ("number", NULL, NULL, 0, G_MAXUINT, 0, flags);
  packet_properties[PACKET_PROP_TIME] =
    g_param_spec_double ("time", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  packet_properties[PACKET_PROP_SOURCE] =
    g_param_spec_string ("source", NULL, NULL, NULL, flags);
  packet_properties[PACKET_PROP_DESTINATION] =
    g_param_spec_string ("destination", NULL, NULL, NULL, flags);
  packet_properties[PACKET_PROP_PROTOCOL] =
    g_param_spec_string ("protocol", NULL, NULL, NULL, flags);
  packet_properties[PACKET_PROP_LENGTH] =
    g_param_spec_uint ("length", NULL, NULL, 0, G_MAXUINT, 0, flags);
  packet_properties[PACKET_PROP_INFO] =
    g_param_spec_string ("info", NULL, NULL, NULL, flags);
  packet_properties[PACKET_PROP_PROBLEM] =
    g_param_spec_boolean ("problem", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, PACKET_N_PROPS, packet_properties);
}

static void
sb_packet_init (SbPacket *self)
{
}

SbPacketStore *
sb_packet_get_store (SbPacket *self)
{
  g_return_val_if_fail (SB_IS_PACKET (self), NULL);
  return self->store;
}

guint
sb_packet_get_index (SbPacket *self)
{
  g_return_val_if_fail (SB_IS_PACKET (self), 0);
  return self->index;
}

guint
sb_packet_get_number (SbPacket *self)
{
  g_return_val_if_fail (SB_IS_PACKET (self), 0);
  return self->index + 1;
}

double
sb_packet_get_time (SbPacket *self)
{
  g_return_val_if_fail (SB_IS_PACKET (self), 0);
  return self->time;
}

gint64
sb_packet_get_time_ns (SbPacket *self)
{
  g_return_val_if_fail (SB_IS_PACKET (self), 0);
  return self->record.time_ns;
}

const char *
sb_packet_get_source (SbPacket *self)
{
  g_return_val_if_fail (SB_IS_PACKET (self), NULL);
  return self->summary.source;
}

const char *
sb_packet_get_destination (SbPacket *self)
{
  g_return_val_if_fail (SB_IS_PACKET (self), NULL);
  return self->summary.destination;
}

const char *
sb_packet_get_protocol (SbPacket *self)
{
  g_return_val_if_fail (SB_IS_PACKET (self), NULL);
  return self->summary.protocol;
}

guint
sb_packet_get_length (SbPacket *self)
{
  g_return_val_if_fail (SB_IS_PACKET (self), 0);
  return self->record.len;
}

guint
sb_packet_get_captured_length (SbPacket *self)
{
  g_return_val_if_fail (SB_IS_PACKET (self), 0);
  return self->record.caplen;
}

const char *
sb_packet_get_info (SbPacket *self)
{
  g_return_val_if_fail (SB_IS_PACKET (self), NULL);
  return self->summary.info;
}

gboolean
sb_packet_get_problem (SbPacket *self)
{
  g_return_val_if_fail (SB_IS_PACKET (self), FALSE);
  return self->summary.problem;
}

int
sb_packet_get_linktype (SbPacket *self)
{
  g_return_val_if_fail (SB_IS_PACKET (self), 0);
  return self->record.linktype;
}

/* NULL once the store was cleared under the row. */
GBytes *
sb_packet_get_bytes (SbPacket *self)
{
  g_return_val_if_fail (SB_IS_PACKET (self), NULL);
  if (self->generation != self->store->generation)
    return NULL;
  return sb_packet_store_dup_bytes (self->store, self->index);
}

SbField *
sb_packet_decode_fields (SbPacket *self)
{
  SbField *fields = NULL;

  g_return_val_if_fail (SB_IS_PACKET (self), NULL);
  if (self->generation != self->store->generation)
    return NULL;
  sb_packet_store_decode (self->store, self->index, NULL, &fields);
  return fields;
}

/* ---- GListModel ----------------------------------------------------------- */

static GType
sb_packet_store_get_item_type (GListModel *model)
{
  return SB_TYPE_PACKET;
}

static guint
sb_packet_store_get_n_items (GListModel *model)
{
  return sb_list_batcher_get_n_announced (&SB_PACKET_STORE (model)->batcher);
}

static gpointer
sb_packet_store_get_item (GListModel *model,
                          guint       position)
{
  SbPacketStore *self = SB_PACKET_STORE (model);
  SbPacket *packet;

  if (position >= sb_list_batcher_get_n_announced (&self->batcher))
    return NULL;

  packet = g_object_new (SB_TYPE_PACKET, NULL);
  packet->store = g_object_ref (self);
  packet->index = position;
  packet->generation = self->generation;
  packet->record = g_array_index (self->records, SbPacketRecord, position);
  packet->time = (packet->record.time_ns - sb_packet_store_get_start_time (self)) / 1e9;
  sb_packet_store_decode (self, position, &packet->summary, NULL);
  return packet;
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = sb_packet_store_get_item_type;
  iface->get_n_items = sb_packet_store_get_n_items;
  iface->get_item = sb_packet_store_get_item;
}

/* ---- SbPacketStore ---------------------------------------------------------- */

static void
sb_packet_store_finalize (GObject *object)
{
  SbPacketStore *self = SB_PACKET_STORE (object);

  sb_list_batcher_cancel (&self->batcher);
  g_clear_pointer (&self->bytes, sb_chunk_store_free);
  g_clear_pointer (&self->tcp_flows, sb_tcp_flows_free);
  g_clear_pointer (&self->records, g_array_unref);

  G_OBJECT_CLASS (sb_packet_store_parent_class)->finalize (object);
}

static void
sb_packet_store_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SbPacketStore *self = SB_PACKET_STORE (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, sb_list_batcher_get_n_announced (&self->batcher));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_packet_store_class_init (SbPacketStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sb_packet_store_finalize;
  object_class->get_property = sb_packet_store_get_property;

  /**
   * SbPacketStore:n-items:
   *
   * The number of packets announced through items-changed.
   */
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static guint
count_records (GListModel *model)
{
  return SB_PACKET_STORE (model)->records->len;
}

static void
sb_packet_store_init (SbPacketStore *self)
{
  self->records = g_array_new (FALSE, FALSE, sizeof (SbPacketRecord));
  self->bytes = sb_chunk_store_new (CHUNK_MIN, CHUNK_MAX, SB_CHUNK_STORE_PREPARE_AHEAD);
  self->tcp_flows = sb_tcp_flows_new ();
  sb_list_batcher_init (&self->batcher, G_LIST_MODEL (self), properties[PROP_N_ITEMS],
                        count_records, "[sockbench] packet store flush");
}

SbPacketStore *
sb_packet_store_new (void)
{
  return g_object_new (SB_TYPE_PACKET_STORE, NULL);
}

void
sb_packet_store_flush (SbPacketStore *self)
{
  g_return_if_fail (SB_IS_PACKET_STORE (self));
  sb_list_batcher_flush (&self->batcher);
}

guint
sb_packet_store_append (SbPacketStore *self,
                        int            linktype,
                        gint64         time_ns,
                        const guint8  *data,
                        guint32        caplen,
                        guint32        len)
{
  SbPacketRecord r = { 0, };

  g_return_val_if_fail (SB_IS_PACKET_STORE (self), 0);
  g_return_val_if_fail (data != NULL || caplen == 0, 0);

  r.time_ns = time_ns;
  r.offset = sb_chunk_store_get_size (self->bytes);
  r.caplen = caplen;
  r.len = len;
  r.linktype = linktype;
  /* in capture order, now: a connection's start is what came first */
  r.tcp_ref = sb_tcp_flows_track_frame (self->tcp_flows, linktype, data, caplen, len);
  if (caplen > 0)
    {
      gsize room;
      /* min = max: contiguous, so that a packet can be peeked in place */
      guint8 *p = sb_chunk_store_reserve (self->bytes, caplen, caplen, &room);

      memcpy (p, data, caplen);
      sb_chunk_store_commit (self->bytes, caplen);
    }

  g_array_append_val (self->records, r);
  sb_list_batcher_schedule (&self->batcher);
  return self->records->len - 1;
}

guint
sb_packet_store_get_n_packets (SbPacketStore *self)
{
  g_return_val_if_fail (SB_IS_PACKET_STORE (self), 0);
  return self->records->len;
}

gboolean
sb_packet_store_get_record (SbPacketStore  *self,
                            guint           index,
                            SbPacketRecord *out)
{
  g_return_val_if_fail (SB_IS_PACKET_STORE (self), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (index >= self->records->len)
    return FALSE;
  *out = g_array_index (self->records, SbPacketRecord, index);
  return TRUE;
}

const guint8 *
sb_packet_store_peek_data (SbPacketStore *self,
                           guint          index,
                           gsize         *caplen)
{
  const SbPacketRecord *r;
  const guint8 *data;

  g_return_val_if_fail (SB_IS_PACKET_STORE (self), NULL);

  if (caplen != NULL)
    *caplen = 0;
  if (index >= self->records->len)
    return NULL;
  r = &g_array_index (self->records, SbPacketRecord, index);
  data = sb_chunk_store_peek (self->bytes, r->offset, r->caplen);
  g_assert (data != NULL);
  if (caplen != NULL)
    *caplen = r->caplen;
  return data;
}

GBytes *
sb_packet_store_dup_bytes (SbPacketStore *self,
                           guint          index)
{
  const guint8 *data;
  gsize len;

  g_return_val_if_fail (SB_IS_PACKET_STORE (self), NULL);

  data = sb_packet_store_peek_data (self, index, &len);
  if (data == NULL)
    return NULL;
  return g_bytes_new (data, len);
}

gint64
sb_packet_store_get_start_time (SbPacketStore *self)
{
  g_return_val_if_fail (SB_IS_PACKET_STORE (self), 0);
  if (self->records->len == 0)
    return 0;
  return g_array_index (self->records, SbPacketRecord, 0).time_ns;
}

static void
split_time (gint64  time_ns,
            gint64 *sec,
            gint64 *nsec)
{
  *sec = time_ns / G_GINT64_CONSTANT (1000000000);
  *nsec = time_ns % G_GINT64_CONSTANT (1000000000);
  if (*nsec < 0)
    {
      *nsec += G_GINT64_CONSTANT (1000000000);
      *sec -= 1;
    }
}

gboolean
sb_packet_store_decode (SbPacketStore *self,
                        guint          index,
                        SbSummary     *summary,
                        SbField      **fields)
{
  const SbPacketRecord *r;
  const guint8 *data;
  gsize caplen;
  SbTcpContext tcp;
  gboolean have_tcp;

  g_return_val_if_fail (SB_IS_PACKET_STORE (self), FALSE);

  data = sb_packet_store_peek_data (self, index, &caplen);
  if (data == NULL)
    return FALSE;
  r = &g_array_index (self->records, SbPacketRecord, index);
  have_tcp = sb_tcp_flows_get_context (self->tcp_flows, r->tcp_ref, &tcp);
  sb_decode_full (r->linktype, data, caplen, r->len, have_tcp ? &tcp : NULL, summary, fields);

  if (fields != NULL && *fields != NULL && sb_field_get_n_children (*fields) > 0)
    {
      SbField *frame = sb_field_get_child (*fields, 0);
      g_autoptr(GDateTime) when = NULL;
      g_autofree char *when_text = NULL;
      gint64 sec, nsec;
      SbField *f;

      split_time (r->time_ns, &sec, &nsec);
      when = g_date_time_new_from_unix_local (sec);
      when_text = when != NULL ? g_date_time_format (when, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");

      g_free (frame->name);
      frame->name = g_strdup_printf ("Frame %u", index + 1);
      /* number and time first, before the link type and the lengths */
      f = sb_field_new ("Arrival time", NULL, 0, 0, SB_FIELD_NORMAL);
      f->value = g_strdup_printf ("%s.%09" G_GINT64_FORMAT, when_text, nsec);
      g_ptr_array_insert (frame->children, 0, f);
      f = sb_field_new ("Time since the first packet", NULL, 0, 0, SB_FIELD_NORMAL);
      f->value = g_strdup_printf ("%.9f s", (r->time_ns - sb_packet_store_get_start_time (self)) / 1e9);
      g_ptr_array_insert (frame->children, 1, f);
    }
  return TRUE;
}

guint64
sb_packet_store_get_n_bytes (SbPacketStore *self)
{
  g_return_val_if_fail (SB_IS_PACKET_STORE (self), 0);
  return sb_chunk_store_get_size (self->bytes);
}

gsize
sb_packet_store_get_memory_size (SbPacketStore *self)
{
  gsize total;

  g_return_val_if_fail (SB_IS_PACKET_STORE (self), 0);

  total = sizeof *self;
  total += sb_chunk_store_get_memory_size (self->bytes);
  total += sizeof (SbPacketRecord) * self->records->len;
  total += sb_tcp_flows_get_memory_size (self->tcp_flows);
  return total;
}

gboolean
sb_packet_store_save (SbPacketStore *self,
                      const char    *path,
                      guint          first,
                      guint          n,
                      GError       **error)
{
  g_autofree char *tmp = NULL;
  g_autofree char *display = NULL;
  pcap_t *dead = NULL;
  pcap_dumper_t *dumper = NULL;
  FILE *fp = NULL;
  guint last;
  int linktype;
  guint32 snaplen = DEFAULT_SNAPLEN;
  int fd, saved_errno = 0;
  gboolean ok = FALSE;

  g_return_val_if_fail (SB_IS_PACKET_STORE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  display = g_filename_display_name (path);
  if (first >= self->records->len || n == 0)
    {
      g_set_error (error, SB_PACKET_STORE_ERROR, SB_PACKET_STORE_ERROR_EMPTY,
                   _("Cannot save %s: there are no packets to save"), display);
      return FALSE;
    }
  last = n == G_MAXUINT || n > self->records->len - first ? self->records->len : first + n;

  linktype = g_array_index (self->records, SbPacketRecord, first).linktype;
  for (guint i = first; i < last; i++)
    {
      const SbPacketRecord *r = &g_array_index (self->records, SbPacketRecord, i);

      if (r->linktype != linktype)
        {
          g_set_error (error, SB_PACKET_STORE_ERROR, SB_PACKET_STORE_ERROR_LINKTYPES,
                       _("Cannot save %s: packet %u is %s but packet %u is %s, and a pcap file "
                         "holds one link type — save them separately"),
                       display, first + 1, sb_linktype_to_string (linktype), i + 1,
                       sb_linktype_to_string (r->linktype));
          return FALSE;
        }
      snaplen = MAX (snaplen, r->caplen);
    }

  /* Written beside the target and renamed over it, so that a failure
   * leaves an existing file as it was. */
  tmp = g_strdup_printf ("%s.XXXXXX", path);
  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, SB_PACKET_STORE_ERROR, SB_PACKET_STORE_ERROR_FAILED,
                   _("Cannot save %s: %s"), display, g_strerror (saved_errno));
      return FALSE;
    }
  fp = fdopen (fd, "wb");
  if (fp == NULL)
    {
      saved_errno = errno;
      close (fd);
      goto out;
    }
  dead = pcap_open_dead (linktype, (int) MIN (snaplen, G_MAXINT));
  if (dead == NULL)
    goto out;
  dumper = pcap_dump_fopen (dead, fp);
  if (dumper == NULL)
    {
      saved_errno = errno;
      goto out;
    }
  fp = NULL;   /* the dumper owns it now */

  for (guint i = first; i < last; i++)
    {
      const SbPacketRecord *r = &g_array_index (self->records, SbPacketRecord, i);
      const guint8 *data = sb_packet_store_peek_data (self, i, NULL);
      struct pcap_pkthdr h = { 0, };
      gint64 sec, nsec;

      split_time (r->time_ns, &sec, &nsec);
      h.ts.tv_sec = (time_t) sec;
      h.ts.tv_usec = (suseconds_t) (nsec / 1000);
      h.caplen = r->caplen;
      h.len = MAX (r->len, r->caplen);
      pcap_dump ((u_char *) dumper, &h, data);
    }
  if (pcap_dump_flush (dumper) != 0 || ferror (pcap_dump_file (dumper))
      || fsync (fileno (pcap_dump_file (dumper))) != 0)
    {
      saved_errno = errno != 0 ? errno : EIO;
      goto out;
    }
  pcap_dump_close (dumper);
  dumper = NULL;
  if (g_rename (tmp, path) != 0)
    {
      saved_errno = errno;
      goto out;
    }
  ok = TRUE;

out:
  if (dumper != NULL)
    pcap_dump_close (dumper);
  if (fp != NULL)
    fclose (fp);
  if (dead != NULL)
    pcap_close (dead);
  if (!ok)
    {
      g_unlink (tmp);
      g_set_error (error, SB_PACKET_STORE_ERROR, SB_PACKET_STORE_ERROR_FAILED,
                   _("Cannot save %s: %s"), display,
                   g_strerror (saved_errno != 0 ? saved_errno : EIO));
    }
  return ok;
}

void
sb_packet_store_clear (SbPacketStore *self)
{
  g_return_if_fail (SB_IS_PACKET_STORE (self));

  sb_list_batcher_cancel (&self->batcher);
  sb_chunk_store_clear (self->bytes);
  sb_tcp_flows_clear (self->tcp_flows);
  g_array_set_size (self->records, 0);
  self->generation++;
  sb_list_batcher_reset (&self->batcher);
}
