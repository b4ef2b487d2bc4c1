/* sb-capture.h — a libpcap capture, live or from a file, on the main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A live capture is a GSource on the thread-default main context: the
 * pcap handle is non-blocking, the source watches pcap_get_selectable_fd(),
 * and each dispatch calls pcap_dispatch(h, -1, …) until it returns 0 or
 * the per-dispatch budget is spent. Immediate mode is off by default
 * (TPACKET_V3 with a 50 ms block timeout: measured to drop nothing at
 * ~150k pkt/s on loopback where immediate mode dropped ~21 %). A file is
 * read on the same context a budget at a time, so a big one never freezes
 * the loop. Packets go to an SbPacketStore and, optionally, straight to a
 * pcap file.
 */
#pragma once

#include <gio/gio.h>
#include "sb-packet-store.h"

G_BEGIN_DECLS

#define SB_CAPTURE_ERROR (sb_capture_error_quark ())
GQuark sb_capture_error_quark (void);

typedef enum
{
  SB_CAPTURE_ERROR_FAILED,            /* anything else libpcap reports */
  SB_CAPTURE_ERROR_PERMISSION,        /* needs CAP_NET_RAW (promiscuous: CAP_NET_ADMIN) */
  SB_CAPTURE_ERROR_NO_SUCH_DEVICE,    /* no such interface */
  SB_CAPTURE_ERROR_INTERFACE_DOWN,    /* the interface is down or went down */
  SB_CAPTURE_ERROR_BAD_FILTER,        /* the BPF filter does not compile */
  SB_CAPTURE_ERROR_BAD_FILE,          /* not a pcap / pcapng file, or unreadable */
  SB_CAPTURE_ERROR_TRUNCATED,         /* a file ends inside a record; what came before was read */
  SB_CAPTURE_ERROR_INVALID_ARGUMENT,  /* a setting out of range */
  SB_CAPTURE_ERROR_INVALID_STATE,     /* start while running, … */
} SbCaptureError;

typedef enum
{
  SB_CAPTURE_IDLE,
  SB_CAPTURE_LIVE,       /* capturing on an interface */
  SB_CAPTURE_READING,    /* reading a file */
} SbCaptureState;

typedef enum
{
  SB_INTERFACE_UP        = 1 << 0,
  SB_INTERFACE_RUNNING   = 1 << 1,
  SB_INTERFACE_LOOPBACK  = 1 << 2,
  SB_INTERFACE_WIRELESS  = 1 << 3,
} SbInterfaceFlags;

/**
 * SbInterface:
 * @name: what to capture on: "lo", "eth0", "any"
 * @description: libpcap's description, or NULL
 * @flags: up, running, loopback
 * @addresses: the interface's addresses as text ("127.0.0.1/8", "::1/128")
 */
typedef struct
{
  char             *name;
  char             *description;
  SbInterfaceFlags  flags;
  GStrv             addresses;
} SbInterface;

#define SB_TYPE_INTERFACE (sb_interface_get_type ())
GType        sb_interface_get_type (void) G_GNUC_CONST;
SbInterface *sb_interface_copy     (const SbInterface *iface);
void         sb_interface_free     (SbInterface       *iface);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbInterface, sb_interface_free)

/* The interfaces libpcap can capture on (pcap_findalldevs), with "any"
 * always among them. A GPtrArray of SbInterface. */
GPtrArray   *sb_capture_list_interfaces (GError     **error);

/* The link type a live capture on @iface will most likely have: SLL2 for
 * "any", Ethernet for Ethernet and loopback devices, raw IP for tunnels,
 * else Linux cooked capture — for checking a filter before starting. */
int          sb_capture_guess_linktype (const char  *iface);
/* Whether @filter compiles for @linktype; SB_CAPTURE_ERROR_BAD_FILTER with
 * pcap's message if not. An empty or NULL filter is valid. */
gboolean     sb_capture_check_filter   (const char  *filter,
                                        int          linktype,
                                        GError     **error);

/* How to grant live capture, for messages: "sudo setcap … /path/to/exe". */
char        *sb_capture_dup_permission_hint (void);

#define SB_CAPTURE_DEFAULT_SNAPLEN    262144
#define SB_CAPTURE_DEFAULT_TIMEOUT_MS 50

#define SB_TYPE_CAPTURE (sb_capture_get_type ())
G_DECLARE_FINAL_TYPE (SbCapture, sb_capture, SB, CAPTURE, GObject)

/* Packets go to @store (NULL: the capture makes its own). */
SbCapture     *sb_capture_new              (SbPacketStore *store);
SbPacketStore *sb_capture_get_store        (SbCapture     *self);

/* Settings, read when a capture starts. */
void           sb_capture_set_interface    (SbCapture     *self,
                                            const char    *iface);
const char    *sb_capture_get_interface    (SbCapture     *self);
void           sb_capture_set_filter       (SbCapture     *self,
                                            const char    *filter);
const char    *sb_capture_get_filter       (SbCapture     *self);
void           sb_capture_set_snaplen      (SbCapture     *self,
                                            guint          snaplen);
guint          sb_capture_get_snaplen      (SbCapture     *self);
void           sb_capture_set_promiscuous  (SbCapture     *self,
                                            gboolean       promiscuous);
gboolean       sb_capture_get_promiscuous  (SbCapture     *self);
/* The kernel ring's size in bytes. 0 (the default): 8 MiB, or 16 MiB in
 * immediate mode, whose ring holds one packet per MTU-sized frame (64 KiB
 * on lo). libpcap's own default, 2 MiB, dropped under a flood on lo. */
void           sb_capture_set_buffer_size  (SbCapture     *self,
                                            guint          bytes);
guint          sb_capture_get_buffer_size  (SbCapture     *self);
/* Deliver each packet at once (lower latency, more drops under load). */
void           sb_capture_set_immediate    (SbCapture     *self,
                                            gboolean       immediate);
gboolean       sb_capture_get_immediate    (SbCapture     *self);
/* The block timeout when not immediate: packets wait at most this long. */
void           sb_capture_set_timeout      (SbCapture     *self,
                                            guint          ms);
guint          sb_capture_get_timeout      (SbCapture     *self);
/* Stop by itself after this many packets (0: never). */
void           sb_capture_set_max_packets  (SbCapture     *self,
                                            guint64        count);
guint64        sb_capture_get_max_packets  (SbCapture     *self);
/* Keep packets in the store (the default); the CLI turns it off and
 * reads them as they come through the packet-received hook. */
void           sb_capture_set_keep_packets (SbCapture     *self,
                                            gboolean       keep);

/* Called for every packet as it arrives, before it is stored (the CLI,
 * benchmarks). No GSignal: it runs 100k+ times a second. */
typedef void (*SbCapturePacketFunc) (SbCapture     *capture,
                                     int            linktype,
                                     gint64         time_ns,
                                     const guint8  *data,
                                     guint32        caplen,
                                     guint32        len,
                                     gpointer       user_data);
void           sb_capture_set_packet_func  (SbCapture     *self,
                                            SbCapturePacketFunc func,
                                            gpointer       user_data,
                                            GDestroyNotify destroy);

/* Start a live capture on the interface; errors say what is missing and
 * how to get it. Also writes every packet to @output_file (pcap) when
 * it is not NULL. */
gboolean       sb_capture_start            (SbCapture     *self,
                                            const char    *output_file,
                                            GError       **error);
/* Open a pcap or pcapng file and read it into the store on the main loop;
 * the filter applies. Errors in opening are reported here; a file that
 * ends inside a record finishes with SB_CAPTURE_ERROR_TRUNCATED after the
 * packets before it were read. */
gboolean       sb_capture_open_file        (SbCapture     *self,
                                            const char    *path,
                                            GError       **error);
/* Stop capturing or reading: takes the last statistics and emits
 * ::finished. Does nothing when idle. */
void           sb_capture_stop             (SbCapture     *self);

SbCaptureState sb_capture_get_state        (SbCapture     *self);
/* The link type of the running (or last) capture. */
int            sb_capture_get_linktype     (SbCapture     *self);
/* Packets handed to us (after the filter). */
guint64        sb_capture_get_captured     (SbCapture     *self);
/* Packets the kernel dropped: pcap_stats' ps_drop + ps_ifdrop. */
guint64        sb_capture_get_dropped      (SbCapture     *self);
/* The parts of the drop count: @ring_dropped, packets that reached the
 * capture but found the kernel buffer full (ps_drop); @if_dropped, packets
 * the interface itself dropped while capturing (ps_ifdrop — on lo, its
 * backlog overflowing). @received is what passed the filter in the kernel
 * (ps_recv). Any may be NULL. */
void           sb_capture_get_stats        (SbCapture     *self,
                                            guint64       *received,
                                            guint64       *ring_dropped,
                                            guint64       *if_dropped);
/* Packets per second over the last interval (~0.5 s). */
double         sb_capture_get_rate         (SbCapture     *self);
/* The error the last capture finished with, or NULL. */
const GError  *sb_capture_get_error        (SbCapture     *self);

const char    *sb_capture_state_to_string  (SbCaptureState state);

G_END_DECLS
