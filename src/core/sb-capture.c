/* sb-capture.c — a libpcap capture, live or from a file, on the main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <pcap/pcap.h>

#include "sb-capture.h"

/* One dispatch of the capture source runs at most this long, so that a
 * flood never starves the frames of a window on the same loop; what is
 * left waits for the next iteration (the source's ready time is set). */
#define DISPATCH_BUDGET_US 10000
/* Packets per pcap_dispatch() call when reading a file. */
#define FILE_BATCH 512
/* Statistics and the rate are refreshed this often. */
#define STATS_INTERVAL_MS 500
/* The kernel ring when no size was set (docs/benchmarks.md, "Capture").
 * Blocks (TPACKET_V3): libpcap's 2 MiB holds ~7 ms of a 950k pkt/s UDP
 * flood on lo; keeping every packet costs more than tcpdump -w does, and
 * on two CPUs the loop sometimes waits 4–10 ms to be scheduled, so 2 MiB
 * dropped in some runs where 8 MiB dropped in none. Immediate mode
 * (TPACKET_V2) has one frame per packet, sized for the MTU (64 KiB on lo):
 * 2 MiB holds ~32 packets and lost 57 % of a 150k pkt/s flood, 16 MiB
 * lost 0.2–0.8 %. */
#define DEFAULT_BUFFER_SIZE   (8 * 1024 * 1024)
#define IMMEDIATE_BUFFER_SIZE (16 * 1024 * 1024)

G_DEFINE_QUARK (sb-capture-error-quark, sb_capture_error)

typedef struct
{
  GSource    source;
  SbCapture *capture;   /* not a reference: the capture destroys the source */
} CaptureSource;

struct _SbCapture
{
  GObject         parent_instance;

  SbPacketStore  *store;
  gboolean        keep_packets;
  SbCapturePacketFunc packet_func;
  gpointer        packet_data;
  GDestroyNotify  packet_destroy;

  /* settings */
  char           *interface;
  char           *filter;
  guint           snaplen;
  gboolean        promiscuous;
  guint           buffer_size;
  gboolean        immediate;
  guint           timeout_ms;
  guint64         max_packets;

  /* a running capture */
  SbCaptureState  state;
  pcap_t         *pcap;
  int             linktype;
  gboolean        nano;          /* timestamps in nanoseconds */
  char           *path;          /* the file being read, for messages */
  gint64          file_size;
  double          progress;
  pcap_t         *dump_dead;
  pcap_dumper_t  *dumper;
  GSource        *source;
  GSource        *stats_source;
  gboolean        dispatching;
  gboolean        stop_pending;
  gboolean        max_reached;

  /* counters */
  guint64         captured;
  guint64         dropped;
  guint64         ps_recv;
  guint64         ps_drop;
  guint64         ps_ifdrop;
  double          rate;
  guint64         rate_last_count;
  gint64          rate_last_time;
  GError         *error;
};

G_DEFINE_FINAL_TYPE (SbCapture, sb_capture, G_TYPE_OBJECT)
G_DEFINE_BOXED_TYPE (SbInterface, sb_interface, sb_interface_copy, sb_interface_free)

enum {
  PROP_0,
  PROP_STORE,
  PROP_INTERFACE,
  PROP_FILTER,
  PROP_SNAPLEN,
  PROP_PROMISCUOUS,
  PROP_BUFFER_SIZE,
  PROP_IMMEDIATE,
  PROP_TIMEOUT,
  PROP_MAX_PACKETS,
  PROP_STATE,
  PROP_LINKTYPE,
  PROP_CAPTURED,
  PROP_DROPPED,
  PROP_RATE,
  PROP_PROGRESS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void finish (SbCapture *self, GError *error);

/* ---- interfaces ------------------------------------------------------------ */

SbInterface *
sb_interface_copy (const SbInterface *iface)
{
  SbInterface *copy;

  g_return_val_if_fail (iface != NULL, NULL);

  copy = g_new0 (SbInterface, 1);
  copy->name = g_strdup (iface->name);
  copy->description = g_strdup (iface->description);
  copy->flags = iface->flags;
  copy->addresses = g_strdupv (iface->addresses);
  return copy;
}

void
sb_interface_free (SbInterface *iface)
{
  if (iface == NULL)
    return;
  g_free (iface->name);
  g_free (iface->description);
  g_strfreev (iface->addresses);
  g_free (iface);
}

static guint
prefix_length (const guint8 *mask,
               gsize         len)
{
  guint bits = 0;

  for (gsize i = 0; i < len; i++)
    for (guint b = 0; b < 8; b++)
      if (mask[i] & (0x80 >> b))
        bits++;
  return bits;
}

static char *
address_text (const struct pcap_addr *a)
{
  char text[INET6_ADDRSTRLEN];

  if (a->addr == NULL)
    return NULL;
  if (a->addr->sa_family == AF_INET)
    {
      const struct sockaddr_in *in = (const struct sockaddr_in *) a->addr;

      if (inet_ntop (AF_INET, &in->sin_addr, text, sizeof text) == NULL)
        return NULL;
      if (a->netmask != NULL && a->netmask->sa_family == AF_INET)
        return g_strdup_printf ("%s/%u", text,
                                prefix_length ((const guint8 *) &((const struct sockaddr_in *) a->netmask)->sin_addr, 4));
      return g_strdup (text);
    }
  if (a->addr->sa_family == AF_INET6)
    {
      const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *) a->addr;

      if (inet_ntop (AF_INET6, &in6->sin6_addr, text, sizeof text) == NULL)
        return NULL;
      if (a->netmask != NULL && a->netmask->sa_family == AF_INET6)
        return g_strdup_printf ("%s/%u", text,
                                prefix_length ((const guint8 *) &((const struct sockaddr_in6 *) a->netmask)->sin6_addr, 16));
      return g_strdup (text);
    }
  return NULL;
}

GPtrArray *
sb_capture_list_interfaces (GError **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_interface_free);
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  pcap_if_t *devs = NULL;
  gboolean have_any = FALSE;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (pcap_findalldevs (&devs, errbuf) != 0)
    {
      g_set_error (error, SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_FAILED,
                   _("Cannot list the network interfaces: %s"), errbuf);
      return NULL;
    }
  for (pcap_if_t *d = devs; d != NULL; d = d->next)
    {
      SbInterface *iface = g_new0 (SbInterface, 1);
      g_autoptr(GStrvBuilder) addresses = g_strv_builder_new ();

      iface->name = g_strdup (d->name);
      iface->description = g_strdup (d->description);
      if (d->flags & PCAP_IF_UP)
        iface->flags |= SB_INTERFACE_UP;
      if (d->flags & PCAP_IF_RUNNING)
        iface->flags |= SB_INTERFACE_RUNNING;
      if (d->flags & PCAP_IF_LOOPBACK)
        iface->flags |= SB_INTERFACE_LOOPBACK;
      if (d->flags & PCAP_IF_WIRELESS)
        iface->flags |= SB_INTERFACE_WIRELESS;
      for (struct pcap_addr *a = d->addresses; a != NULL; a = a->next)
        {
          g_autofree char *text = address_text (a);

          if (text != NULL)
            g_strv_builder_add (addresses, text);
        }
      iface->addresses = g_strv_builder_end (addresses);
      have_any |= g_strcmp0 (d->name, "any") == 0;
      g_ptr_array_add (list, iface);
    }
  pcap_freealldevs (devs);

  if (!have_any)
    {
      SbInterface *any = g_new0 (SbInterface, 1);

      any->name = g_strdup ("any");
      any->description = g_strdup (_("Pseudo-device that captures on all interfaces"));
      any->flags = SB_INTERFACE_UP | SB_INTERFACE_RUNNING;
      any->addresses = g_new0 (char *, 1);
      g_ptr_array_add (list, any);
    }
  return g_steal_pointer (&list);
}

int
sb_capture_guess_linktype (const char *iface)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  guint64 type;

  if (iface == NULL || g_str_equal (iface, "any"))
    return DLT_LINUX_SLL2;
  path = g_build_filename ("/sys/class/net", iface, "type", NULL);
  if (!g_file_get_contents (path, &contents, NULL, NULL)
      || !g_ascii_string_to_unsigned (g_strstrip (contents), 10, 0, G_MAXUINT16, &type, NULL))
    return DLT_EN10MB;
  switch (type)
    {
    case 1:       /* ARPHRD_ETHER */
    case 772:     /* ARPHRD_LOOPBACK */
      return DLT_EN10MB;
    case 65534:   /* ARPHRD_NONE: tun devices, WireGuard */
      return DLT_RAW;
    default:
      return DLT_LINUX_SLL;
    }
}

gboolean
sb_capture_check_filter (const char *filter,
                         int         linktype,
                         GError    **error)
{
  struct bpf_program prog;
  pcap_t *dead;
  gboolean ok;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (filter == NULL || *filter == '\0')
    return TRUE;
  dead = pcap_open_dead (linktype, SB_CAPTURE_DEFAULT_SNAPLEN);
  if (dead == NULL)
    {
      g_set_error (error, SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_FAILED,
                   _("Cannot check the filter: libpcap failed"));
      return FALSE;
    }
  ok = pcap_compile (dead, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) == 0;
  if (ok)
    pcap_freecode (&prog);
  else
    g_set_error (error, SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_BAD_FILTER,
                 _("Bad capture filter “%s”: %s"), filter, pcap_geterr (dead));
  pcap_close (dead);
  return ok;
}

char *
sb_capture_dup_permission_hint (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

  return g_strdup_printf (_("grant it with “sudo setcap cap_net_raw,cap_net_admin+ep %s”, "
                            "or run inside “unshare -rn” (a network namespace of your own)"),
                          exe != NULL ? exe : "PROGRAM");
}

const char *
sb_capture_state_to_string (SbCaptureState state)
{
  switch (state)
    {
    case SB_CAPTURE_IDLE: return "idle";
    case SB_CAPTURE_LIVE: return "live";
    case SB_CAPTURE_READING: return "reading";
    default: return "unknown";
    }
}

/* ---- GObject ---------------------------------------------------------------- */

static void
sb_capture_dispose (GObject *object)
{
  SbCapture *self = SB_CAPTURE (object);

  /* no ::finished from here: nobody can be listening to a dying object */
  if (self->state != SB_CAPTURE_IDLE)
    {
      g_signal_handlers_destroy (self);
      sb_capture_stop (self);
    }
  G_OBJECT_CLASS (sb_capture_parent_class)->dispose (object);
}

static void
sb_capture_finalize (GObject *object)
{
  SbCapture *self = SB_CAPTURE (object);

  if (self->packet_destroy != NULL)
    self->packet_destroy (self->packet_data);
  g_clear_object (&self->store);
  g_clear_pointer (&self->interface, g_free);
  g_clear_pointer (&self->filter, g_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (sb_capture_parent_class)->finalize (object);
}

static void
sb_capture_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  SbCapture *self = SB_CAPTURE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_INTERFACE:
      g_value_set_string (value, self->interface);
      break;
    case PROP_FILTER:
      g_value_set_string (value, self->filter);
      break;
    case PROP_SNAPLEN:
      g_value_set_uint (value, self->snaplen);
      break;
    case PROP_PROMISCUOUS:
      g_value_set_boolean (value, self->promiscuous);
      break;
    case PROP_BUFFER_SIZE:
      g_value_set_uint (value, self->buffer_size);
      break;
    case PROP_IMMEDIATE:
      g_value_set_boolean (value, self->immediate);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout_ms);
      break;
    case PROP_MAX_PACKETS:
      g_value_set_uint64 (value, self->max_packets);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_LINKTYPE:
      g_value_set_int (value, self->linktype);
      break;
    case PROP_CAPTURED:
      g_value_set_uint64 (value, self->captured);
      break;
    case PROP_DROPPED:
      g_value_set_uint64 (value, self->dropped);
      break;
    case PROP_RATE:
      g_value_set_double (value, self->rate);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_capture_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  SbCapture *self = SB_CAPTURE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_INTERFACE:
      sb_capture_set_interface (self, g_value_get_string (value));
      break;
    case PROP_FILTER:
      sb_capture_set_filter (self, g_value_get_string (value));
      break;
    case PROP_SNAPLEN:
      sb_capture_set_snaplen (self, g_value_get_uint (value));
      break;
    case PROP_PROMISCUOUS:
      sb_capture_set_promiscuous (self, g_value_get_boolean (value));
      break;
    case PROP_BUFFER_SIZE:
      sb_capture_set_buffer_size (self, g_value_get_uint (value));
      break;
    case PROP_IMMEDIATE:
      sb_capture_set_immediate (self, g_value_get_boolean (value));
      break;
    case PROP_TIMEOUT:
      sb_capture_set_timeout (self, g_value_get_uint (value));
      break;
    case PROP_MAX_PACKETS:
      sb_capture_set_max_packets (self, g_value_get_uint64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_capture_constructed (GObject *object)
{
  SbCapture *self = SB_CAPTURE (object);

  G_OBJECT_CLASS (sb_capture_parent_class)->constructed (object);
  if (self->store == NULL)
    self->store = sb_packet_store_new ();
}

static void
sb_capture_class_init (SbCaptureClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = sb_capture_dispose;
  object_class->finalize = sb_capture_finalize;
  object_class->get_property = sb_capture_get_property;
  object_class->set_property = sb_capture_set_property;
  object_class->constructed = sb_capture_constructed;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SB_TYPE_PACKET_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_INTERFACE] = g_param_spec_string ("interface", NULL, NULL, "any", rw);
  properties[PROP_FILTER] = g_param_spec_string ("filter", NULL, NULL, NULL, rw);
  properties[PROP_SNAPLEN] =
    g_param_spec_uint ("snaplen", NULL, NULL, 1, SB_CAPTURE_DEFAULT_SNAPLEN,
                       SB_CAPTURE_DEFAULT_SNAPLEN, rw);
  properties[PROP_PROMISCUOUS] = g_param_spec_boolean ("promiscuous", NULL, NULL, FALSE, rw);
  properties[PROP_BUFFER_SIZE] =
    g_param_spec_uint ("buffer-size", NULL, NULL, 0, G_MAXINT, 0, rw);
  properties[PROP_IMMEDIATE] = g_param_spec_boolean ("immediate", NULL, NULL, FALSE, rw);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 1, 60000, SB_CAPTURE_DEFAULT_TIMEOUT_MS, rw);
  properties[PROP_MAX_PACKETS] =
    g_param_spec_uint64 ("max-packets", NULL, NULL, 0, G_MAXUINT64, 0, rw);
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, SB_CAPTURE_IDLE, SB_CAPTURE_READING, SB_CAPTURE_IDLE, ro);
  properties[PROP_LINKTYPE] = g_param_spec_int ("linktype", NULL, NULL, -1, G_MAXINT, -1, ro);
  properties[PROP_CAPTURED] = g_param_spec_uint64 ("captured", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_DROPPED] = g_param_spec_uint64 ("dropped", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_RATE] = g_param_spec_double ("rate", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  properties[PROP_PROGRESS] = g_param_spec_double ("progress", NULL, NULL, 0, 1, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SbCapture::finished:
   * @error: (nullable): why it ended, or NULL (stopped, count reached,
   *   end of file)
   *
   * A live capture or the reading of a file ended; the state is idle again.
   */
  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
sb_capture_init (SbCapture *self)
{
  self->interface = g_strdup ("any");
  self->snaplen = SB_CAPTURE_DEFAULT_SNAPLEN;
  self->timeout_ms = SB_CAPTURE_DEFAULT_TIMEOUT_MS;
  self->keep_packets = TRUE;
  self->linktype = -1;
}

SbCapture *
sb_capture_new (SbPacketStore *store)
{
  g_return_val_if_fail (store == NULL || SB_IS_PACKET_STORE (store), NULL);
  return g_object_new (SB_TYPE_CAPTURE, "store", store, NULL);
}

SbPacketStore *
sb_capture_get_store (SbCapture *self)
{
  g_return_val_if_fail (SB_IS_CAPTURE (self), NULL);
  return self->store;
}

/* ---- settings ----------------------------------------------------------------- */

static void
set_string (SbCapture  *self,
            char      **field,
            const char *value,
            guint       prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

void
sb_capture_set_interface (SbCapture  *self,
                          const char *iface)
{
  g_return_if_fail (SB_IS_CAPTURE (self));
  set_string (self, &self->interface, iface != NULL && *iface != '\0' ? iface : "any", PROP_INTERFACE);
}

const char *
sb_capture_get_interface (SbCapture *self)
{
  g_return_val_if_fail (SB_IS_CAPTURE (self), NULL);
  return self->interface;
}

void
sb_capture_set_filter (SbCapture  *self,
                       const char *filter)
{
  g_return_if_fail (SB_IS_CAPTURE (self));
  set_string (self, &self->filter, filter != NULL && *filter != '\0' ? filter : NULL, PROP_FILTER);
}

const char *
sb_capture_get_filter (SbCapture *self)
{
  g_return_val_if_fail (SB_IS_CAPTURE (self), NULL);
  return self->filter;
}

void
sb_capture_set_snaplen (SbCapture *self,
                        guint      snaplen)
{
  g_return_if_fail (SB_IS_CAPTURE (self));
  snaplen = CLAMP (snaplen, 1, SB_CAPTURE_DEFAULT_SNAPLEN);
  if (self->snaplen == snaplen)
    return;
  self->snaplen = snaplen;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SNAPLEN]);
}

guint
sb_capture_get_snaplen (SbCapture *self)
{
  g_return_val_if_fail (SB_IS_CAPTURE (self), 0);
  return self->snaplen;
}

void
sb_capture_set_promiscuous (SbCapture *self,
                            gboolean   promiscuous)
{
  g_return_if_fail (SB_IS_CAPTURE (self));
  promiscuous = !!promiscuous;
  if (self->promiscuous == promiscuous)
    return;
  self->promiscuous = promiscuous;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROMISCUOUS]);
}

gboolean
sb_capture_get_promiscuous (SbCapture *self)
{
  g_return_val_if_fail (SB_IS_CAPTURE (self), FALSE);
  return self->promiscuous;
}

void
sb_capture_set_buffer_size (SbCapture *self,
                            guint      bytes)
{
  g_return_if_fail (SB_IS_CAPTURE (self));
  bytes = MIN (bytes, G_MAXINT);
  if (self->buffer_size == bytes)
    return;
  self->buffer_size = bytes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUFFER_SIZE]);
}

guint
sb_capture_get_buffer_size (SbCapture *self)
{
  g_return_val_if_fail (SB_IS_CAPTURE (self), 0);
  return self->buffer_size;
}

void
sb_capture_set_immediate (SbCapture *self,
                          gboolean   immediate)
{
  g_return_if_fail (SB_IS_CAPTURE (self));
  immediate = !!immediate;
  if (self->immediate == immediate)
    return;
  self->immediate = immediate;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IMMEDIATE]);
}

gboolean
sb_capture_get_immediate (SbCapture *self)
{
  g_return_val_if_fail (SB_IS_CAPTURE (self), FALSE);
  return self->immediate;
}

void
sb_capture_set_timeout (SbCapture *self,
                        guint      ms)
{
  g_return_if_fail (SB_IS_CAPTURE (self));
  ms = CLAMP (ms, 1, 60000);
  if (self->timeout_ms == ms)
    return;
  self->timeout_ms = ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

guint
sb_capture_get_timeout (SbCapture *self)
{
  g_return_val_if_fail (SB_IS_CAPTURE (self), 0);
  return self->timeout_ms;
}

void
sb_capture_set_max_packets (SbCapture *self,
                            guint64    count)
{
  g_return_if_fail (SB_IS_CAPTURE (self));
  if (self->max_packets == count)
    return;
  self->max_packets = count;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_PACKETS]);
}

guint64
sb_capture_get_max_packets (SbCapture *self)
{
  g_return_val_if_fail (SB_IS_CAPTURE (self), 0);
  return self->max_packets;
}

void
sb_capture_set_keep_packets (SbCapture *self,
                             gboolean   keep)
{
  g_return_if_fail (SB_IS_CAPTURE (self));
  self->keep_packets = !!keep;
}

void
sb_capture_set_packet_func (SbCapture          *self,
                            SbCapturePacketFunc func,
                            gpointer            user_data,
                            GDestroyNotify      destroy)
{
  g_return_if_fail (SB_IS_CAPTURE (self));

  if (self->packet_destroy != NULL)
    self->packet_destroy (self->packet_data);
  self->packet_func = func;
  self->packet_data = user_data;
  self->packet_destroy = destroy;
}

SbCaptureState
sb_capture_get_state (SbCapture *self)
{
  g_return_val_if_fail (SB_IS_CAPTURE (self), SB_CAPTURE_IDLE);
  return self->state;
}

int
sb_capture_get_linktype (SbCapture *self)
{
  g_return_val_if_fail (SB_IS_CAPTURE (self), -1);
  return self->linktype;
}

guint64
sb_capture_get_captured (SbCapture *self)
{
  g_return_val_if_fail (SB_IS_CAPTURE (self), 0);
  return self->captured;
}

guint64
sb_capture_get_dropped (SbCapture *self)
{
  g_return_val_if_fail (SB_IS_CAPTURE (self), 0);
  return self->dropped;
}

void
sb_capture_get_stats (SbCapture *self,
                      guint64   *received,
                      guint64   *ring_dropped,
                      guint64   *if_dropped)
{
  g_return_if_fail (SB_IS_CAPTURE (self));
  if (received != NULL)
    *received = self->ps_recv;
  if (ring_dropped != NULL)
    *ring_dropped = self->ps_drop;
  if (if_dropped != NULL)
    *if_dropped = self->ps_ifdrop;
}

double
sb_capture_get_rate (SbCapture *self)
{
  g_return_val_if_fail (SB_IS_CAPTURE (self), 0);
  return self->rate;
}

const GError *
sb_capture_get_error (SbCapture *self)
{
  g_return_val_if_fail (SB_IS_CAPTURE (self), NULL);
  return self->error;
}

/* ---- the packets ---------------------------------------------------------------- */

static void
packet_cb (u_char                   *user,
           const struct pcap_pkthdr *h,
           const u_char             *bytes)
{
  SbCapture *self = (SbCapture *) user;
  gint64 time_ns;

  if (self->max_reached)
    return;

  time_ns = (gint64) h->ts.tv_sec * G_GINT64_CONSTANT (1000000000)
            + (self->nano ? h->ts.tv_usec : (gint64) h->ts.tv_usec * 1000);
  self->captured++;

  if (self->packet_func != NULL)
    self->packet_func (self, self->linktype, time_ns, bytes, h->caplen, h->len, self->packet_data);
  if (self->keep_packets)
    sb_packet_store_append (self->store, self->linktype, time_ns, bytes, h->caplen, h->len);
  if (self->dumper != NULL)
    {
      struct pcap_pkthdr out = *h;

      /* the file is written with microseconds, which every reader knows */
      if (self->nano)
        out.ts.tv_usec /= 1000;
      pcap_dump ((u_char *) self->dumper, &out, bytes);
    }

  if (self->max_packets > 0 && self->captured >= self->max_packets)
    {
      self->max_reached = TRUE;
      pcap_breakloop (self->pcap);
    }
}

static void
update_stats (SbCapture *self)
{
  struct pcap_stat ps;

  if (self->pcap == NULL || self->state != SB_CAPTURE_LIVE)
    return;
  if (pcap_stats (self->pcap, &ps) == 0)
    {
      guint64 dropped = (guint64) ps.ps_drop + ps.ps_ifdrop;

      self->ps_recv = ps.ps_recv;
      self->ps_drop = ps.ps_drop;
      self->ps_ifdrop = ps.ps_ifdrop;

      if (dropped != self->dropped)
        {
          self->dropped = dropped;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DROPPED]);
        }
    }
}

static gboolean
stats_cb (gpointer user_data)
{
  SbCapture *self = user_data;
  gint64 now = g_get_monotonic_time ();
  double rate = 0;

  update_stats (self);
  if (now > self->rate_last_time)
    rate = (self->captured - self->rate_last_count) * (double) G_USEC_PER_SEC / (now - self->rate_last_time);
  self->rate_last_time = now;
  self->rate_last_count = self->captured;
  if (rate != self->rate)
    {
      self->rate = rate;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAPTURED]);
  return G_SOURCE_CONTINUE;
}

static GError *
dispatch_error (SbCapture *self)
{
  const char *message = pcap_geterr (self->pcap);

  if (self->state == SB_CAPTURE_READING)
    {
      g_autofree char *display = g_filename_display_name (self->path);

      if (strstr (message, "truncated") != NULL)
        return g_error_new (SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_TRUNCATED,
                            _("%s is cut short after %llu packets: %s"), display,
                            (unsigned long long) self->captured, message);
      return g_error_new (SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_BAD_FILE,
                          _("Cannot read %s after %llu packets: %s"), display,
                          (unsigned long long) self->captured, message);
    }
  if (strstr (message, "went down") != NULL)
    return g_error_new (SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_INTERFACE_DOWN,
                        _("Capture on %s stopped: %s"), self->interface, message);
  return g_error_new (SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_FAILED,
                      _("Capture on %s failed: %s"), self->interface, message);
}

/* One iteration's worth: all that is ready, or the budget. Returns FALSE
 * when the capture has finished. */
static gboolean
capture_dispatch (SbCapture *self,
                  GSource   *source)
{
  gint64 start = g_get_monotonic_time ();
  gboolean more = FALSE;
  GError *error = NULL;
  gboolean eof = FALSE;

  self->dispatching = TRUE;
  for (;;)
    {
      int n = pcap_dispatch (self->pcap, self->state == SB_CAPTURE_READING ? FILE_BATCH : -1,
                             packet_cb, (u_char *) self);

      if (self->max_reached || self->stop_pending)
        break;
      if (n == PCAP_ERROR_BREAK)
        {
          more = TRUE;
          break;
        }
      if (n < 0)
        {
          error = dispatch_error (self);
          break;
        }
      if (n == 0)
        {
          /* a live ring is empty; a file is at its end */
          eof = self->state == SB_CAPTURE_READING;
          break;
        }
      if (g_get_monotonic_time () - start >= DISPATCH_BUDGET_US)
        {
          more = TRUE;
          break;
        }
    }
  self->dispatching = FALSE;

  if (self->state == SB_CAPTURE_READING && self->file_size > 0)
    {
      FILE *fp = pcap_file (self->pcap);
      long at = fp != NULL ? ftell (fp) : -1;
      double progress = at >= 0 ? MIN (1.0, (double) at / self->file_size) : self->progress;

      if (eof)
        progress = 1.0;
      if (progress - self->progress >= 0.01 || (progress == 1.0 && self->progress != 1.0))
        {
          self->progress = progress;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
        }
    }

  if (error != NULL || eof || self->max_reached || self->stop_pending)
    {
      finish (self, error);
      return FALSE;
    }
  /* stopped with work left: run again at the next iteration, fd or not */
  g_source_set_ready_time (source, more || self->state == SB_CAPTURE_READING ? 0 : -1);
  return TRUE;
}

static gboolean
capture_source_dispatch (GSource     *source,
                         GSourceFunc  callback,
                         gpointer     user_data)
{
  CaptureSource *cs = (CaptureSource *) source;

  if (cs->capture == NULL)
    return G_SOURCE_REMOVE;
  return capture_dispatch (cs->capture, source) ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static GSourceFuncs capture_source_funcs = {
  NULL, NULL, capture_source_dispatch, NULL, NULL, NULL,
};

static void
attach_source (SbCapture *self,
               int        fd,
               int        priority)
{
  GSource *source = g_source_new (&capture_source_funcs, sizeof (CaptureSource));

  ((CaptureSource *) source)->capture = self;
  g_source_set_name (source, self->state == SB_CAPTURE_LIVE ? "[sockbench] capture" : "[sockbench] capture file");
  g_source_set_priority (source, priority);
  if (fd >= 0)
    g_source_add_unix_fd (source, fd, G_IO_IN | G_IO_ERR | G_IO_HUP);
  else
    g_source_set_ready_time (source, 0);
  g_source_attach (source, g_main_context_get_thread_default ());
  self->source = source;
}

static void
reset_counters (SbCapture *self)
{
  self->captured = 0;
  self->dropped = 0;
  self->ps_recv = self->ps_drop = self->ps_ifdrop = 0;
  self->rate = 0;
  self->progress = 0;
  self->max_reached = FALSE;
  self->stop_pending = FALSE;
  self->rate_last_count = 0;
  self->rate_last_time = g_get_monotonic_time ();
  g_clear_error (&self->error);
}

static void
set_state (SbCapture      *self,
           SbCaptureState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* Ends a capture: last statistics, files closed, ::finished. Takes @error. */
static void
finish (SbCapture *self,
        GError    *error)
{
  g_object_ref (self);

  if (self->source != NULL)
    {
      ((CaptureSource *) self->source)->capture = NULL;
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
  if (self->stats_source != NULL)
    {
      g_source_destroy (self->stats_source);
      g_clear_pointer (&self->stats_source, g_source_unref);
    }
  update_stats (self);
  if (self->dumper != NULL)
    {
      pcap_dump_flush (self->dumper);
      g_clear_pointer (&self->dumper, pcap_dump_close);
    }
  g_clear_pointer (&self->dump_dead, pcap_close);
  g_clear_pointer (&self->pcap, pcap_close);
  sb_packet_store_flush (self->store);

  g_clear_error (&self->error);
  self->error = error;
  self->rate = 0;
  set_state (self, SB_CAPTURE_IDLE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAPTURED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE]);
  g_signal_emit (self, signals[FINISHED], 0, self->error);

  g_object_unref (self);
}

void
sb_capture_stop (SbCapture *self)
{
  g_return_if_fail (SB_IS_CAPTURE (self));

  if (self->state == SB_CAPTURE_IDLE)
    return;
  if (self->dispatching)
    {
      /* called from a packet func: finish once pcap_dispatch returns */
      self->stop_pending = TRUE;
      pcap_breakloop (self->pcap);
      return;
    }
  /* a live ring may hold packets that arrived since the last dispatch */
  if (self->state == SB_CAPTURE_LIVE && !self->max_reached)
    {
      gint64 start = g_get_monotonic_time ();

      while (pcap_dispatch (self->pcap, -1, packet_cb, (u_char *) self) > 0
             && !self->max_reached && g_get_monotonic_time () - start < DISPATCH_BUDGET_US)
        ;
    }
  finish (self, NULL);
}

/* ---- live capture ------------------------------------------------------------------- */

static GError *
activate_error (SbCapture *self,
                int        status)
{
  const char *message = pcap_geterr (self->pcap);
  g_autofree char *hint = NULL;

  switch (status)
    {
    case PCAP_ERROR_PERM_DENIED:
    case PCAP_ERROR_PROMISC_PERM_DENIED:
      hint = sb_capture_dup_permission_hint ();
      return g_error_new (SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_PERMISSION,
                          _("Cannot capture on %s: permission denied — live capture needs the "
                            "CAP_NET_RAW capability%s; %s"),
                          self->interface,
                          status == PCAP_ERROR_PROMISC_PERM_DENIED || self->promiscuous
                          ? _(" (and CAP_NET_ADMIN for promiscuous mode)") : "",
                          hint);
    case PCAP_ERROR_NO_SUCH_DEVICE:
      return g_error_new (SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_NO_SUCH_DEVICE,
                          _("Cannot capture on %s: there is no such interface (%s) — "
                            "“sockbench-cli capture -D” lists them"),
                          self->interface, message);
    case PCAP_ERROR_IFACE_NOT_UP:
      return g_error_new (SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_INTERFACE_DOWN,
                          _("Cannot capture on %s: the interface is down — bring it up with "
                            "“ip link set %s up”"),
                          self->interface, self->interface);
    default:
      if (strstr (message, "not permitted") != NULL || strstr (message, "ermission") != NULL)
        return activate_error (self, PCAP_ERROR_PERM_DENIED);
      return g_error_new (SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_FAILED,
                          _("Cannot capture on %s: %s"), self->interface,
                          *message != '\0' ? message : pcap_statustostr (status));
    }
}

static gboolean
check_idle (SbCapture *self,
            GError   **error)
{
  if (self->state == SB_CAPTURE_IDLE)
    return TRUE;
  g_set_error (error, SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_INVALID_STATE,
               _("A capture is already running; stop it first"));
  return FALSE;
}

static gboolean
apply_filter (SbCapture  *self,
              bpf_u_int32 netmask,
              GError    **error)
{
  struct bpf_program prog;

  if (self->filter == NULL)
    return TRUE;
  if (pcap_compile (self->pcap, &prog, self->filter, 1, netmask) != 0)
    {
      g_set_error (error, SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_BAD_FILTER,
                   _("Bad capture filter “%s”: %s"), self->filter, pcap_geterr (self->pcap));
      return FALSE;
    }
  if (pcap_setfilter (self->pcap, &prog) != 0)
    {
      g_set_error (error, SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_BAD_FILTER,
                   _("Cannot apply the capture filter “%s”: %s"), self->filter, pcap_geterr (self->pcap));
      pcap_freecode (&prog);
      return FALSE;
    }
  pcap_freecode (&prog);
  return TRUE;
}

static gboolean
open_dumper (SbCapture  *self,
             const char *path,
             GError    **error)
{
  g_autofree char *display = g_filename_display_name (path);

  self->dump_dead = pcap_open_dead (self->linktype, (int) self->snaplen);
  if (self->dump_dead != NULL)
    self->dumper = pcap_dump_open (self->dump_dead, path);
  if (self->dumper == NULL)
    {
      g_set_error (error, SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_FAILED,
                   _("Cannot write %s: %s"), display,
                   self->dump_dead != NULL ? pcap_geterr (self->dump_dead) : g_strerror (errno));
      g_clear_pointer (&self->dump_dead, pcap_close);
      return FALSE;
    }
  return TRUE;
}

static void
abandon (SbCapture *self)
{
  if (self->dumper != NULL)
    g_clear_pointer (&self->dumper, pcap_dump_close);
  g_clear_pointer (&self->dump_dead, pcap_close);
  g_clear_pointer (&self->pcap, pcap_close);
}

gboolean
sb_capture_start (SbCapture  *self,
                  const char *output_file,
                  GError    **error)
{
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  bpf_u_int32 net = 0, netmask = PCAP_NETMASK_UNKNOWN;
  int status, fd;

  g_return_val_if_fail (SB_IS_CAPTURE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_idle (self, error))
    return FALSE;

  self->pcap = pcap_create (self->interface, errbuf);
  if (self->pcap == NULL)
    {
      g_set_error (error, SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_FAILED,
                   _("Cannot capture on %s: %s"), self->interface, errbuf);
      return FALSE;
    }
  pcap_set_snaplen (self->pcap, (int) self->snaplen);
  pcap_set_promisc (self->pcap, self->promiscuous);
  pcap_set_buffer_size (self->pcap, self->buffer_size > 0 ? (int) self->buffer_size
                                    : self->immediate ? IMMEDIATE_BUFFER_SIZE : DEFAULT_BUFFER_SIZE);
  /* Off by default: TPACKET_V3 hands over whole blocks, retired when full
   * or after the timeout, and keeps up where immediate mode drops. */
  pcap_set_immediate_mode (self->pcap, self->immediate);
  pcap_set_timeout (self->pcap, (int) self->timeout_ms);
  pcap_set_tstamp_precision (self->pcap, PCAP_TSTAMP_PRECISION_NANO);

  status = pcap_activate (self->pcap);
  if (status < 0)
    {
      g_propagate_error (error, activate_error (self, status));
      abandon (self);
      return FALSE;
    }
  if (status > 0)
    g_debug ("pcap_activate on %s: %s (%s)", self->interface, pcap_statustostr (status),
             pcap_geterr (self->pcap));

  /* Linux cooked v2 carries the interface index, which "any" needs to
   * tell interfaces apart; libpcap 1.10 offers it but picks v1 unless
   * asked (tcpdump 4.99 asks too). */
  if (pcap_datalink (self->pcap) == DLT_LINUX_SLL)
    pcap_set_datalink (self->pcap, DLT_LINUX_SLL2);
  self->linktype = pcap_datalink (self->pcap);
  self->nano = pcap_get_tstamp_precision (self->pcap) == PCAP_TSTAMP_PRECISION_NANO;
  if (pcap_lookupnet (self->interface, &net, &netmask, errbuf) != 0)
    netmask = PCAP_NETMASK_UNKNOWN;
  if (!apply_filter (self, netmask, error))
    {
      abandon (self);
      return FALSE;
    }
  if (pcap_setnonblock (self->pcap, 1, errbuf) != 0)
    {
      g_set_error (error, SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_FAILED,
                   _("Cannot capture on %s: %s"), self->interface, errbuf);
      abandon (self);
      return FALSE;
    }
  fd = pcap_get_selectable_fd (self->pcap);
  if (fd < 0)
    {
      g_set_error (error, SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_FAILED,
                   _("Cannot capture on %s: libpcap has no descriptor to watch"), self->interface);
      abandon (self);
      return FALSE;
    }
  if (output_file != NULL && !open_dumper (self, output_file, error))
    {
      abandon (self);
      return FALSE;
    }

  reset_counters (self);
  set_state (self, SB_CAPTURE_LIVE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LINKTYPE]);
  attach_source (self, fd, G_PRIORITY_DEFAULT);
  self->stats_source = g_timeout_source_new (STATS_INTERVAL_MS);
  g_source_set_callback (self->stats_source, stats_cb, self, NULL);
  g_source_set_name (self->stats_source, "[sockbench] capture statistics");
  g_source_attach (self->stats_source, g_main_context_get_thread_default ());
  return TRUE;
}

/* ---- files ------------------------------------------------------------------------ */

gboolean
sb_capture_open_file (SbCapture  *self,
                      const char *path,
                      GError    **error)
{
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  g_autofree char *display = NULL;
  struct stat st;
  FILE *fp;

  g_return_val_if_fail (SB_IS_CAPTURE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_idle (self, error))
    return FALSE;

  display = g_filename_display_name (path);
  fp = g_fopen (path, "rb");
  if (fp == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_BAD_FILE,
                   _("Cannot open %s: %s"), display, g_strerror (saved_errno));
      return FALSE;
    }
  if (fstat (fileno (fp), &st) == 0 && S_ISDIR (st.st_mode))
    {
      fclose (fp);
      g_set_error (error, SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_BAD_FILE,
                   _("Cannot open %s: it is a folder, not a capture file"), display);
      return FALSE;
    }
  if (st.st_size == 0)
    {
      fclose (fp);
      g_set_error (error, SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_BAD_FILE,
                   _("%s is empty: it is not a pcap or pcapng file"), display);
      return FALSE;
    }

  /* on success the handle owns fp */
  self->pcap = pcap_fopen_offline_with_tstamp_precision (fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (self->pcap == NULL)
    {
      fclose (fp);
      if (strstr (errbuf, "unknown file format") != NULL)
        g_set_error (error, SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_BAD_FILE,
                     _("%s is not a pcap or pcapng file"), display);
      else if (strstr (errbuf, "truncated") != NULL)
        g_set_error (error, SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_BAD_FILE,
                     _("%s is not a pcap or pcapng file, or it is cut short inside its header: %s"),
                     display, errbuf);
      else
        g_set_error (error, SB_CAPTURE_ERROR, SB_CAPTURE_ERROR_BAD_FILE,
                     _("Cannot read %s: %s"), display, errbuf);
      return FALSE;
    }

  self->linktype = pcap_datalink (self->pcap);
  self->nano = pcap_get_tstamp_precision (self->pcap) == PCAP_TSTAMP_PRECISION_NANO;
  if (!apply_filter (self, PCAP_NETMASK_UNKNOWN, error))
    {
      abandon (self);
      return FALSE;
    }

  g_free (self->path);
  self->path = g_strdup (path);
  self->file_size = st.st_size;
  reset_counters (self);
  set_state (self, SB_CAPTURE_READING);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LINKTYPE]);
  attach_source (self, -1, G_PRIORITY_DEFAULT_IDLE);
  return TRUE;
}
