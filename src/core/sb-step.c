/* sb-step.c — one scripted step of a socket in a session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sb-payload.h"
#include "sb-props.h"
#include "sb-step.h"

struct _SbStep
{
  GObject  parent_instance;

  int      kind;
  char    *label;
  char    *host;
  int      port;
  char    *port_from;
  int      backlog;
  int      format;
  char    *data;
  int      match;
  char    *pattern;
  int      timeout_ms;
  int      ms;
  int      how;
  int      size;
};

G_DEFINE_FINAL_TYPE (SbStep, sb_step, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KIND,
  PROP_LABEL,
  PROP_HOST,
  PROP_PORT,
  PROP_PORT_FROM,
  PROP_BACKLOG,
  PROP_FORMAT,
  PROP_DATA,
  PROP_MATCH,
  PROP_PATTERN,
  PROP_TIMEOUT_MS,
  PROP_MS,
  PROP_HOW,
  PROP_SIZE,
  N_PROPS
};

#define F(field) G_STRUCT_OFFSET (SbStep, field)
static const SbPropInfo prop_table[N_PROPS - 1] = {
  { "kind", SB_PROP_INT, F (kind), 0, SB_N_STEP_KINDS - 1, SB_STEP_BIND, NULL },
  { "label", SB_PROP_STRING, F (label), 0, 0, 0, "" },
  { "host", SB_PROP_STRING, F (host), 0, 0, 0, "" },
  { "port", SB_PROP_INT, F (port), -1, 65535, SB_STEP_PORT_UNSET, NULL },
  { "port-from", SB_PROP_STRING, F (port_from), 0, 0, 0, "" },
  { "backlog", SB_PROP_INT, F (backlog), -1, 65535, SB_STEP_BACKLOG_UNSET, NULL },
  { "format", SB_PROP_INT, F (format), 0, SB_N_DATA_FORMATS - 1, SB_DATA_TEXT, NULL },
  { "data", SB_PROP_STRING, F (data), 0, 0, 0, "" },
  { "match", SB_PROP_INT, F (match), 0, SB_N_MATCH_KINDS - 1, SB_MATCH_CONTAINS, NULL },
  { "pattern", SB_PROP_STRING, F (pattern), 0, 0, 0, "" },
  { "timeout-ms", SB_PROP_INT, F (timeout_ms), -2, G_MAXINT, SB_STEP_TIMEOUT_INHERIT, NULL },
  { "ms", SB_PROP_INT, F (ms), 0, SB_STEP_MAX_WAIT_MS, 0, NULL },
  { "how", SB_PROP_INT, F (how), 0, SB_SHUTDOWN_BOTH, SB_SHUTDOWN_WRITE, NULL },
  { "size", SB_PROP_INT, F (size), 0, SB_STEP_MAX_SIZE, 0, NULL },
};
#undef F

static GParamSpec *properties[N_PROPS];

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
sb_step_finalize (GObject *object)
{
  sb_props_finalize (object, prop_table, N_PROPS - 1);
  G_OBJECT_CLASS (sb_step_parent_class)->finalize (object);
}

/* Every property change makes the step (and so its session) changed. */
static void
sb_step_notify (GObject    *object,
                GParamSpec *pspec)
{
  g_signal_emit (object, signals[CHANGED], 0);
}

static void
sb_step_class_init (SbStepClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sb_step_finalize;
  object_class->get_property = sb_props_get_property;
  object_class->set_property = sb_props_set_property;
  object_class->notify = sb_step_notify;

  sb_props_install (object_class, prop_table, N_PROPS - 1, properties);

  /**
   * SbStep::changed:
   *
   * A property of the step changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sb_step_init (SbStep *self)
{
  sb_props_init (self, prop_table, N_PROPS - 1);
}

SbStep *
sb_step_new (SbStepKind kind)
{
  g_return_val_if_fail (kind < SB_N_STEP_KINDS, NULL);
  return g_object_new (SB_TYPE_STEP, "kind", (int) kind, NULL);
}

SbStep *
sb_step_copy (SbStep *self)
{
  SbStep *copy;

  g_return_val_if_fail (SB_IS_STEP (self), NULL);

  copy = g_object_new (SB_TYPE_STEP, NULL);
  sb_props_copy (copy, self, prop_table, N_PROPS - 1);
  return copy;
}

/* ---- accessors --------------------------------------------------------------- */

#define INT_ACCESSORS(ctype, fld, PROP)                                        \
  ctype                                                                         \
  sb_step_get_##fld (SbStep *self)                                             \
  {                                                                             \
    g_return_val_if_fail (SB_IS_STEP (self), (ctype) 0);                        \
    return (ctype) self->fld;                                                  \
  }                                                                             \
  void                                                                          \
  sb_step_set_##fld (SbStep *self, ctype value)                                \
  {                                                                             \
    g_return_if_fail (SB_IS_STEP (self));                                       \
    g_object_set (self, properties[PROP]->name, (int) value, NULL);             \
  }

#define STRING_ACCESSORS(fld, PROP)                                            \
  const char *                                                                  \
  sb_step_get_##fld (SbStep *self)                                             \
  {                                                                             \
    g_return_val_if_fail (SB_IS_STEP (self), NULL);                             \
    return self->fld;                                                          \
  }                                                                             \
  void                                                                          \
  sb_step_set_##fld (SbStep *self, const char *value)                          \
  {                                                                             \
    g_return_if_fail (SB_IS_STEP (self));                                       \
    g_object_set (self, properties[PROP]->name, value, NULL);                   \
  }

INT_ACCESSORS (SbStepKind, kind, PROP_KIND)
STRING_ACCESSORS (label, PROP_LABEL)
STRING_ACCESSORS (host, PROP_HOST)
INT_ACCESSORS (int, port, PROP_PORT)
STRING_ACCESSORS (port_from, PROP_PORT_FROM)
INT_ACCESSORS (int, backlog, PROP_BACKLOG)
INT_ACCESSORS (SbDataFormat, format, PROP_FORMAT)
STRING_ACCESSORS (data, PROP_DATA)
INT_ACCESSORS (SbMatchKind, match, PROP_MATCH)
STRING_ACCESSORS (pattern, PROP_PATTERN)
INT_ACCESSORS (int, timeout_ms, PROP_TIMEOUT_MS)
INT_ACCESSORS (int, ms, PROP_MS)
INT_ACCESSORS (SbShutdownHow, how, PROP_HOW)
INT_ACCESSORS (int, size, PROP_SIZE)

/* ---- names ------------------------------------------------------------------- */

/* In enum order, NULL-terminated: the words of session files (the loader
 * takes them from here too). */
static const char *const kind_names[SB_N_STEP_KINDS + 1] = {
  "bind", "listen", "accept", "connect", "send", "expect", "receive", "wait", "shutdown", "close",
  NULL
};
static const char *const format_names[SB_N_DATA_FORMATS + 1] = { "text", "hex", "file", "payload", NULL };
static const char *const match_names[SB_N_MATCH_KINDS + 1] = { "exact", "contains", "regex", "hex", NULL };
static const char *const how_names[] = { "read", "write", "both", NULL };

const char *const *
sb_step_kind_names (void)
{
  return kind_names;
}

const char *const *
sb_data_format_names (void)
{
  return format_names;
}

const char *const *
sb_match_kind_names (void)
{
  return match_names;
}

const char *const *
sb_shutdown_how_names (void)
{
  return how_names;
}

static gboolean
lookup (const char        *name,
        const char *const *names,
        int               *out)
{
  for (guint i = 0; name != NULL && names[i] != NULL; i++)
    if (g_str_equal (name, names[i]))
      {
        *out = (int) i;
        return TRUE;
      }
  return FALSE;
}

const char *
sb_step_kind_to_string (SbStepKind kind)
{
  g_return_val_if_fail (kind < SB_N_STEP_KINDS, NULL);
  return kind_names[kind];
}

gboolean
sb_step_kind_from_string (const char *name,
                          SbStepKind *out)
{
  int v;

  if (!lookup (name, kind_names, &v))
    return FALSE;
  *out = (SbStepKind) v;
  return TRUE;
}

const char *
sb_data_format_to_string (SbDataFormat format)
{
  g_return_val_if_fail (format < SB_N_DATA_FORMATS, NULL);
  return format_names[format];
}

gboolean
sb_data_format_from_string (const char   *name,
                            SbDataFormat *out)
{
  int v;

  if (!lookup (name, format_names, &v))
    return FALSE;
  *out = (SbDataFormat) v;
  return TRUE;
}

const char *
sb_match_kind_to_string (SbMatchKind match)
{
  g_return_val_if_fail (match < SB_N_MATCH_KINDS, NULL);
  return match_names[match];
}

gboolean
sb_match_kind_from_string (const char  *name,
                           SbMatchKind *out)
{
  int v;

  if (!lookup (name, match_names, &v))
    return FALSE;
  *out = (SbMatchKind) v;
  return TRUE;
}

const char *
sb_shutdown_how_to_string (SbShutdownHow how)
{
  g_return_val_if_fail (how <= SB_SHUTDOWN_BOTH, NULL);
  return how_names[how];
}

gboolean
sb_shutdown_how_from_string (const char    *name,
                             SbShutdownHow *out)
{
  int v;

  if (!lookup (name, how_names, &v))
    return FALSE;
  *out = (SbShutdownHow) v;
  return TRUE;
}

/* ---- summary ----------------------------------------------------------------- */

/* A short quoted excerpt of @text: at most 40 characters, on one line. */
static void
append_excerpt (GString    *s,
                const char *text)
{
  g_autofree char *clean = NULL;
  const char *end;
  glong n = 0;

  /* the text is already escaped for text payloads; only line breaks and
   * other control characters are folded so that a report stays on one line */
  clean = g_strdup (text);
  for (char *p = clean; *p != '\0'; p++)
    if ((guchar) *p < 0x20)
      *p = ' ';
  if (!g_utf8_validate (clean, -1, &end))
    clean[end - clean] = '\0';
  n = g_utf8_strlen (clean, -1);
  g_string_append (s, "“");
  if (n > 40)
    {
      g_string_append_len (s, clean, g_utf8_offset_to_pointer (clean, 39) - clean);
      g_string_append (s, "…");
    }
  else
    g_string_append (s, clean);
  g_string_append (s, "”");
}

static void
append_address (GString    *s,
                SbStep     *self)
{
  if (self->host[0] == '\0' && self->port < 0 && self->port_from[0] == '\0')
    return;
  g_string_append_c (s, ' ');
  if (strchr (self->host, ':') != NULL)
    g_string_append_printf (s, "[%s]", self->host);
  else
    g_string_append (s, self->host);
  if (self->port_from[0] != '\0')
    g_string_append_printf (s, ":<port of %s>", self->port_from);
  else if (self->port >= 0)
    g_string_append_printf (s, ":%d", self->port);
}

char *
sb_step_dup_summary (SbStep *self)
{
  GString *s;

  g_return_val_if_fail (SB_IS_STEP (self), NULL);

  if (self->label[0] != '\0')
    return g_strdup (self->label);

  s = g_string_new (kind_names[self->kind]);
  switch ((SbStepKind) self->kind)
    {
    case SB_STEP_BIND:
    case SB_STEP_CONNECT:
      append_address (s, self);
      break;
    case SB_STEP_LISTEN:
      if (self->backlog >= 0)
        g_string_append_printf (s, " %d", self->backlog);
      break;
    case SB_STEP_SEND:
      g_string_append_c (s, ' ');
      if (self->format == SB_DATA_TEXT)
        append_excerpt (s, self->data);
      else
        {
          g_string_append_printf (s, "%s ", format_names[self->format]);
          append_excerpt (s, self->data);
        }
      append_address (s, self);
      break;
    case SB_STEP_EXPECT:
      g_string_append_printf (s, " %s ", match_names[self->match]);
      append_excerpt (s, self->pattern);
      break;
    case SB_STEP_RECEIVE:
      if (self->size > 0)
        g_string_append_printf (s, " %d", self->size);
      break;
    case SB_STEP_WAIT:
      g_string_append_printf (s, " %d ms", self->ms);
      break;
    case SB_STEP_SHUTDOWN:
      g_string_append_printf (s, " %s", how_names[self->how]);
      break;
    case SB_STEP_ACCEPT:
    case SB_STEP_CLOSE:
    case SB_N_STEP_KINDS:
    default:
      break;
    }
  return g_string_free (s, FALSE);
}
