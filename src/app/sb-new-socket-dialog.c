/* sb-new-socket-dialog.c — choose family, type and protocol
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sb-new-socket-dialog.h"

typedef struct
{
  const char   *id;
  const char   *title;
  const char   *subtitle;
  SbFamily      family;
  SbSocketType  type;
  int           protocol;
} Preset;

static const Preset presets[] = {
  { "tcp-client", N_("TCP client"), N_("Connect to a server, then send and receive"),
    SB_FAMILY_IPV4, SB_SOCKET_STREAM, 0 },
  { "tcp-server", N_("TCP server"), N_("Bind, listen and accept connections"),
    SB_FAMILY_IPV4, SB_SOCKET_STREAM, 0 },
  { "udp", N_("UDP socket"), N_("Send and receive datagrams with sendto and recvfrom"),
    SB_FAMILY_IPV4, SB_SOCKET_DATAGRAM, 0 },
  { "raw-icmp", N_("Raw ICMP"), N_("Write ICMP messages such as echo requests yourself (needs CAP_NET_RAW)"),
    SB_FAMILY_IPV4, SB_SOCKET_RAW, 1 },
  { "packet", N_("Packet socket"), N_("Whole Ethernet frames from an interface (needs CAP_NET_RAW)"),
    SB_FAMILY_PACKET, SB_SOCKET_RAW, 0x0003 },
};

struct _SbNewSocketDialog
{
  AdwWindow          parent_instance;

  AdwPreferencesGroup *presets_group;
  AdwComboRow       *family_row;
  AdwComboRow       *type_row;
  AdwEntryRow       *protocol_row;
  GtkLabel          *verdict_label;
  GtkWidget         *create_button;

  GtkCheckButton    *preset_checks[G_N_ELEMENTS (presets)];
  const char        *preset;
  gboolean           applying;
  int                protocol;
};

G_DEFINE_FINAL_TYPE (SbNewSocketDialog, sb_new_socket_dialog, ADW_TYPE_WINDOW)

enum { CREATE, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *
family_explanation (SbFamily family)
{
  switch (family)
    {
    case SB_FAMILY_IPV6: return _("IPv6 addresses such as ::1");
    case SB_FAMILY_PACKET: return _("Frames at the device driver, below IP (PF_PACKET)");
    default: return _("IPv4 addresses such as 127.0.0.1");
    }
}

static const char *
type_explanation (SbSocketType type)
{
  switch (type)
    {
    case SB_SOCKET_DATAGRAM: return _("UDP: single messages, no delivery guarantee");
    case SB_SOCKET_RAW: return _("Raw: you write the headers yourself");
    default: return _("TCP: reliable, ordered, two-way connection");
    }
}

gboolean
sb_new_socket_dialog_preset_lookup (const char   *preset,
                                    SbFamily     *family,
                                    SbSocketType *type,
                                    int          *protocol)
{
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (g_strcmp0 (preset, presets[i].id) == 0)
      {
        *family = presets[i].family;
        *type = presets[i].type;
        *protocol = presets[i].protocol;
        return TRUE;
      }
  return FALSE;
}

static void
validate (SbNewSocketDialog *self)
{
  g_autoptr(GError) error = NULL;
  SbFamily family = sb_new_socket_dialog_get_family (self);
  SbSocketType type = sb_new_socket_dialog_get_socket_type (self);
  int protocol = 0;
  gboolean ok;

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->family_row), family_explanation (family));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->type_row), type_explanation (type));

  ok = sb_protocol_parse (gtk_editable_get_text (GTK_EDITABLE (self->protocol_row)), family,
                          &protocol, &error)
       && sb_socket_check_combination (family, type, protocol, &error);
  self->protocol = protocol;
  gtk_widget_set_sensitive (self->create_button, ok);
  if (ok)
    {
      g_autofree char *text = NULL;

      if (family != SB_FAMILY_IPV4 && family != SB_FAMILY_IPV6)
        text = g_strdup_printf (_("socket(AF_PACKET, %s, 0x%04x): %s. Needs CAP_NET_RAW."),
                                type == SB_SOCKET_RAW ? "SOCK_RAW" : "SOCK_DGRAM", protocol,
                                type == SB_SOCKET_RAW ? _("frames with their link-layer header")
                                                      : _("frames with the link-layer header removed"));
      else
        text = g_strdup_printf ("socket(%s, %s, %d): %s.",
                                family == SB_FAMILY_IPV6 ? "AF_INET6" : "AF_INET",
                                type == SB_SOCKET_STREAM ? "SOCK_STREAM"
                                : type == SB_SOCKET_DATAGRAM ? "SOCK_DGRAM" : "SOCK_RAW",
                                protocol, type_explanation (type));
      gtk_label_set_label (self->verdict_label, text);
      gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->protocol_row), "error");
    }
  else
    {
      gtk_label_set_label (self->verdict_label, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->verdict_label), "error");
      if (error->code == SB_SOCKET_ERROR_INVALID_ARGUMENT)
        gtk_widget_add_css_class (GTK_WIDGET (self->protocol_row), "error");
    }
}

static void
changed_cb (SbNewSocketDialog *self)
{
  if (self->applying)
    return;
  /* Editing by hand leaves the starting points behind. */
  self->preset = "custom";
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (self->preset_checks[i] != NULL)
      gtk_check_button_set_active (self->preset_checks[i], FALSE);
  validate (self);
}

void
sb_new_socket_dialog_select_preset (SbNewSocketDialog *self,
                                    const char        *preset)
{
  g_return_if_fail (SB_IS_NEW_SOCKET_DIALOG (self));

  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    {
      g_autofree char *proto = NULL;

      if (g_strcmp0 (preset, presets[i].id) != 0)
        continue;
      self->applying = TRUE;
      self->preset = presets[i].id;
      adw_combo_row_set_selected (self->family_row, presets[i].family);
      adw_combo_row_set_selected (self->type_row, presets[i].type);
      proto = presets[i].family == SB_FAMILY_PACKET
              ? g_strdup_printf ("0x%04x", presets[i].protocol)
              : presets[i].protocol == 1 ? g_strdup ("icmp") : g_strdup_printf ("%d", presets[i].protocol);
      gtk_editable_set_text (GTK_EDITABLE (self->protocol_row), proto);
      gtk_check_button_set_active (self->preset_checks[i], TRUE);
      self->applying = FALSE;
      validate (self);
      return;
    }
}

static void
preset_toggled_cb (GtkCheckButton    *check,
                   SbNewSocketDialog *self)
{
  if (self->applying || !gtk_check_button_get_active (check))
    return;
  sb_new_socket_dialog_select_preset (self, g_object_get_data (G_OBJECT (check), "preset"));
}

static void
create_clicked_cb (SbNewSocketDialog *self)
{
  if (gtk_widget_get_sensitive (self->create_button))
    g_signal_emit (self, signals[CREATE], 0);
}

static void
sb_new_socket_dialog_class_init (SbNewSocketDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sockbench/Sockbench/sb-new-socket-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SbNewSocketDialog, presets_group);
  gtk_widget_class_bind_template_child (widget_class, SbNewSocketDialog, family_row);
  gtk_widget_class_bind_template_child (widget_class, SbNewSocketDialog, type_row);
  gtk_widget_class_bind_template_child (widget_class, SbNewSocketDialog, protocol_row);
  gtk_widget_class_bind_template_child (widget_class, SbNewSocketDialog, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, SbNewSocketDialog, create_button);
  gtk_widget_class_bind_template_callback (widget_class, changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, create_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  /**
   * SbNewSocketDialog::create:
   *
   * The user asked for the socket; the handler creates it and closes the
   * dialog, or calls sb_new_socket_dialog_show_error().
   */
  signals[CREATE] = g_signal_new ("create", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sb_new_socket_dialog_init (SbNewSocketDialog *self)
{
  GtkCheckButton *group = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(presets[i].title));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _(presets[i].subtitle));
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      if (group != NULL)
        gtk_check_button_set_group (GTK_CHECK_BUTTON (check), group);
      else
        group = GTK_CHECK_BUTTON (check);
      g_object_set_data (G_OBJECT (check), "preset", (gpointer) presets[i].id);
      g_signal_connect (check, "toggled", G_CALLBACK (preset_toggled_cb), self);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_preferences_group_add (self->presets_group, row);
      self->preset_checks[i] = GTK_CHECK_BUTTON (check);
    }
  sb_new_socket_dialog_select_preset (self, "tcp-client");
}

SbNewSocketDialog *
sb_new_socket_dialog_new (GtkWindow *parent)
{
  return g_object_new (SB_TYPE_NEW_SOCKET_DIALOG, "transient-for", parent, NULL);
}

SbFamily
sb_new_socket_dialog_get_family (SbNewSocketDialog *self)
{
  g_return_val_if_fail (SB_IS_NEW_SOCKET_DIALOG (self), SB_FAMILY_IPV4);
  return (SbFamily) MIN (adw_combo_row_get_selected (self->family_row), SB_FAMILY_PACKET);
}

SbSocketType
sb_new_socket_dialog_get_socket_type (SbNewSocketDialog *self)
{
  g_return_val_if_fail (SB_IS_NEW_SOCKET_DIALOG (self), SB_SOCKET_STREAM);
  return (SbSocketType) MIN (adw_combo_row_get_selected (self->type_row), SB_SOCKET_RAW);
}

int
sb_new_socket_dialog_get_protocol (SbNewSocketDialog *self)
{
  g_return_val_if_fail (SB_IS_NEW_SOCKET_DIALOG (self), 0);
  return self->protocol;
}

const char *
sb_new_socket_dialog_get_preset (SbNewSocketDialog *self)
{
  g_return_val_if_fail (SB_IS_NEW_SOCKET_DIALOG (self), NULL);
  return self->preset;
}

void
sb_new_socket_dialog_show_error (SbNewSocketDialog *self,
                                 const char        *message)
{
  g_return_if_fail (SB_IS_NEW_SOCKET_DIALOG (self));
  gtk_label_set_label (self->verdict_label, message);
  gtk_widget_add_css_class (GTK_WIDGET (self->verdict_label), "error");
}
