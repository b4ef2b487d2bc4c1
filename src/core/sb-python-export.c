/* sb-python-export.c — a session as a python3 script using the socket module
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sb-match.h"
#include "sb-payload.h"
#include "sb-python-export.h"

/* The helpers every exported script starts with. */
static const char prelude[] =
  "import re\n"
  "import socket\n"
  "import sys\n"
  "import threading\n"
  "import time\n"
  "\n"
  "\n"
  "class ExpectationFailed(Exception):\n"
  "    pass\n"
  "\n"
  "\n"
  "captures = {}   # ${1}, ${name}: groups of the last regex expect\n"
  "ports = {}      # the bound port of each socket, for port_from\n"
  "\n"
  "\n"
  "class Conn:\n"
  "    \"\"\"A socket and the bytes received on it that no expect has taken yet.\"\"\"\n"
  "\n"
  "    def __init__(self, sock, replies=()):\n"
  "        self.sock = sock\n"
  "        self.pending = b\"\"\n"
  "        self.window = b\"\"\n"
  "        self.eof = False\n"
  "        self.peer = None\n"
  "        self.replies = replies\n"
  "\n"
  "    def fill(self, deadline):\n"
  "        \"\"\"Wait for more bytes until @deadline (None: forever); False on timeout.\"\"\"\n"
  "        if deadline is None:\n"
  "            self.sock.settimeout(None)\n"
  "        else:\n"
  "            left = deadline - time.monotonic()\n"
  "            if left <= 0:\n"
  "                return False\n"
  "            self.sock.settimeout(left)\n"
  "        try:\n"
  "            if self.sock.type == socket.SOCK_STREAM:\n"
  "                data = self.sock.recv(65536)\n"
  "                if not data:\n"
  "                    self.eof = True\n"
  "            else:\n"
  "                data, self.peer = self.sock.recvfrom(65536)\n"
  "        except socket.timeout:\n"
  "            return False\n"
  "        self.pending += data\n"
  "        self.window += data\n"
  "        self.auto_reply()\n"
  "        return True\n"
  "\n"
  "    def auto_reply(self):\n"
  "        fired = True\n"
  "        while fired and self.window:\n"
  "            fired = False\n"
  "            for kind, pattern, reply in self.replies:\n"
  "                try:\n"
  "                    end, groups = match(kind, pattern, self.window)\n"
  "                except ExpectationFailed:\n"
  "                    continue\n"
  "                if end is None:\n"
  "                    continue\n"
  "                self.window = self.window[max(end, 1):]\n"
  "                self.send(reply({**captures, **groups}))\n"
  "                fired = True\n"
  "                break\n"
  "\n"
  "    def send(self, data, to=None):\n"
  "        if self.sock.type == socket.SOCK_STREAM:\n"
  "            self.sock.sendall(data)\n"
  "        elif to is not None:\n"
  "            self.sock.sendto(data, to)\n"
  "        elif self.peer is not None and not is_connected(self.sock):\n"
  "            self.sock.sendto(data, self.peer)\n"
  "        else:\n"
  "            self.sock.send(data)\n"
  "\n"
  "\n"
  "def is_connected(sock):\n"
  "    try:\n"
  "        sock.getpeername()\n"
  "        return True\n"
  "    except OSError:\n"
  "        return False\n"
  "\n"
  "\n"
  "def match(kind, pattern, data):\n"
  "    \"\"\"(end of the match, groups) or (None, None); exact mismatches raise.\"\"\"\n"
  "    if kind == \"exact\":\n"
  "        n = min(len(data), len(pattern))\n"
  "        if data[:n] != pattern[:n]:\n"
  "            raise ExpectationFailed(f\"expected exactly {pattern!r}, received {data!r}\")\n"
  "        return (len(pattern), {}) if len(data) >= len(pattern) else (None, None)\n"
  "    if kind == \"contains\":\n"
  "        i = data.find(pattern)\n"
  "        return (i + len(pattern), {}) if i >= 0 else (None, None)\n"
  "    m = pattern.search(data)\n"
  "    if m is None:\n"
  "        return None, None\n"
  "    groups = {str(i): g for i, g in enumerate((m.group(0),) + m.groups()) if g is not None}\n"
  "    groups.update({k: g for k, g in m.groupdict().items() if g is not None})\n"
  "    return m.end(), groups\n"
  "\n"
  "\n"
  "def deadline_of(timeout_ms):\n"
  "    return None if timeout_ms < 0 else time.monotonic() + timeout_ms / 1000\n"
  "\n"
  "\n"
  "def expect(conn, kind, pattern, timeout_ms, what):\n"
  "    deadline = deadline_of(timeout_ms)\n"
  "    while True:\n"
  "        end, groups = match(kind, pattern, conn.pending)\n"
  "        if end is not None:\n"
  "            captures.update(groups)\n"
  "            conn.pending = conn.pending[end:]\n"
  "            return\n"
  "        if conn.eof:\n"
  "            raise ExpectationFailed(f\"the peer closed the connection before {what} arrived\")\n"
  "        if not conn.fill(deadline):\n"
  "            raise ExpectationFailed(f\"timed out after {timeout_ms} ms waiting for {what}\")\n"
  "\n"
  "\n"
  "def receive(conn, size, timeout_ms):\n"
  "    \"\"\"Like recv(size): what has arrived, at most @size bytes (0: all).\"\"\"\n"
  "    deadline = deadline_of(timeout_ms)\n"
  "    while not conn.pending and not conn.eof:\n"
  "        if not conn.fill(deadline):\n"
  "            raise ExpectationFailed(f\"timed out after {timeout_ms} ms waiting for data\")\n"
  "    n = len(conn.pending) if size <= 0 else min(size, len(conn.pending))\n"
  "    data, conn.pending = conn.pending[:n], conn.pending[n:]\n"
  "    print(f\"received {data!r}\")\n"
  "    return data\n"
  "\n"
  "\n"
  "def settimeout(sock, timeout_ms):\n"
  "    sock.settimeout(None if timeout_ms < 0 else timeout_ms / 1000)\n"
  "\n";

static const char epilogue[] =
  "\n"
  "def main():\n"
  "    failures = []\n"
  "\n"
  "    def run(name, function, ready):\n"
  "        try:\n"
  "            function(ready)\n"
  "        except ExpectationFailed as e:\n"
  "            failures.append((1, f\"{name}: {e}\"))\n"
  "        except socket.timeout as e:\n"
  "            failures.append((1, f\"{name}: timed out: {e}\"))\n"
  "        except OSError as e:\n"
  "            failures.append((3, f\"{name}: network error: {e}\"))\n"
  "        finally:\n"
  "            ready.set()\n"
  "\n"
  "    threads = []\n"
  "    for name, function in SOCKETS:\n"
  "        ready = threading.Event()\n"
  "        thread = threading.Thread(target=run, args=(name, function, ready), daemon=True)\n"
  "        thread.start()\n"
  "        threads.append(thread)\n"
  "        # the next socket starts once this one waits (listening, say)\n"
  "        ready.wait()\n"
  "    for thread in threads:\n"
  "        thread.join()\n"
  "    for code, message in failures:\n"
  "        print(message, file=sys.stderr)\n"
  "    return max((code for code, _ in failures), default=0)\n"
  "\n"
  "\n"
  "if __name__ == \"__main__\":\n"
  "    sys.exit(main())\n";

/* A Python bytes literal. */
static void
append_bytes (GString      *s,
              const guint8 *data,
              gsize         len)
{
  g_string_append (s, "b\"");
  for (gsize i = 0; i < len; i++)
    {
      guint8 c = data[i];

      if (c == '\\' || c == '"')
        g_string_append_printf (s, "\\%c", c);
      else if (c == '\n')
        g_string_append (s, "\\n");
      else if (c == '\r')
        g_string_append (s, "\\r");
      else if (c == '\t')
        g_string_append (s, "\\t");
      else if (c >= 0x20 && c < 0x7f)
        g_string_append_c (s, c);
      else
        g_string_append_printf (s, "\\x%02x", c);
    }
  g_string_append_c (s, '"');
}

/* A Python str literal (UTF-8 as is, control characters escaped). */
static void
append_str (GString    *s,
            const char *text)
{
  g_string_append_c (s, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = *p;

      if (c == '\\' || c == '"')
        g_string_append_printf (s, "\\%c", c);
      else if (c == '\n')
        g_string_append (s, "\\n");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (s, "\\x%02x", c);
      else
        g_string_append_c (s, c);
    }
  g_string_append_c (s, '"');
}

typedef struct
{
  GString *s;
  guint    parts;
  const char *captures;   /* the dict a reference reads */
} TemplateOut;

static void
template_part (GBytes     *literal,
               const char *reference,
               gpointer    user_data)
{
  TemplateOut *out = user_data;

  if (out->parts++ > 0)
    g_string_append (out->s, " + ");
  if (literal != NULL)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (literal, &len);

      append_bytes (out->s, data, len);
    }
  else
    {
      g_string_append_printf (out->s, "%s[", out->captures);
      append_str (out->s, reference);
      g_string_append_c (out->s, ']');
    }
}

/* A template as a Python expression of bytes. */
static gboolean
append_template (GString     *s,
                 SbDataFormat format,
                 const char  *text,
                 const char  *captures,
                 GError     **error)
{
  TemplateOut out = { s, 0, captures };

  if (!sb_template_foreach (format, text, template_part, &out, error))
    return FALSE;
  if (out.parts == 0)
    g_string_append (s, "b\"\"");
  return TRUE;
}

/* PCRE's (?<name> is Python's (?P<name>. */
static char *
python_regex (SbMatchKind kind,
              const char *pattern,
              GError    **error)
{
  g_autofree char *regex = NULL;
  GString *s;

  if (kind == SB_MATCH_HEX)
    regex = sb_hex_pattern_to_regex (pattern, error);
  else
    regex = g_strdup (pattern);
  if (regex == NULL)
    return NULL;
  s = g_string_new (NULL);
  for (const char *p = regex; *p != '\0'; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        {
          g_string_append_c (s, *p++);
          g_string_append_c (s, *p);
          continue;
        }
      if (g_str_has_prefix (p, "(?<") && p[3] != '=' && p[3] != '!')
        {
          g_string_append (s, "(?P<");
          p += 2;
          continue;
        }
      g_string_append_c (s, *p);
    }
  return g_string_free (s, FALSE);
}

/* An expect's pattern (or a rule's) as "kind", pattern. */
static gboolean
append_pattern (GString    *s,
                SbMatchKind kind,
                const char *pattern,
                GError    **error)
{
  if (kind == SB_MATCH_EXACT || kind == SB_MATCH_CONTAINS)
    {
      g_string_append_printf (s, "\"%s\", ", sb_match_kind_to_string (kind));
      return append_template (s, SB_DATA_TEXT, pattern, "captures", error);
    }
  {
    g_autofree char *regex = python_regex (kind, pattern, error);
    gsize len;

    if (regex == NULL)
      return FALSE;
    len = strlen (regex);
    g_string_append (s, "\"regex\", re.compile(");
    append_bytes (s, (const guint8 *) regex, len);
    g_string_append (s, ")");
  }
  return TRUE;
}

static char *
function_name (SbSocketSpec *spec,
               guint         index)
{
  GString *s = g_string_new ("socket_");

  for (const char *p = sb_socket_spec_get_name (spec); *p != '\0'; p++)
    g_string_append_c (s, g_ascii_isalnum (*p) ? g_ascii_tolower (*p) : '_');
  g_string_append_printf (s, "_%u", index + 1);
  return g_string_free (s, FALSE);
}

static const char *
py_family (SbFamily family)
{
  switch (family)
    {
    case SB_FAMILY_IPV6: return "socket.AF_INET6";
    case SB_FAMILY_PACKET: return "socket.AF_PACKET";
    case SB_FAMILY_IPV4:
    default: return "socket.AF_INET";
    }
}

static const char *
py_type (SbSocketType type)
{
  switch (type)
    {
    case SB_SOCKET_DATAGRAM: return "socket.SOCK_DGRAM";
    case SB_SOCKET_RAW: return "socket.SOCK_RAW";
    case SB_SOCKET_STREAM:
    default: return "socket.SOCK_STREAM";
    }
}

static int
timeout_of (SbSocketSpec *spec,
            SbStep       *step)
{
  int t = sb_step_get_timeout_ms (step);

  return t == SB_STEP_TIMEOUT_INHERIT ? sb_socket_spec_get_timeout_ms (spec) : t;
}

/* (host, port) of a connect or a send, as a Python expression; NULL when
 * the step has none and the spec has none either. */
static char *
destination (SbSocketSpec *spec,
             SbStep       *step,
             gboolean      required)
{
  const char *host = sb_step_get_host (step);
  const char *port_from = sb_step_get_port_from (step);
  int port = sb_step_get_port (step);
  GString *s;

  if (host[0] == '\0' && port < 0 && port_from[0] == '\0')
    {
      port_from = sb_socket_spec_get_remote_port_from (spec);
      port = sb_socket_spec_get_remote_port (spec);
      if (!required && sb_socket_spec_get_remote_host (spec)[0] == '\0' && port == 0
          && port_from[0] == '\0')
        return NULL;
    }
  if (host[0] == '\0')
    host = sb_socket_spec_get_remote_host (spec);
  s = g_string_new ("(");
  append_str (s, host);
  g_string_append (s, ", ");
  if (port_from[0] != '\0')
    {
      g_string_append (s, "ports[");
      append_str (s, port_from);
      g_string_append (s, "]");
    }
  else
    g_string_append_printf (s, "%d", MAX (port, 0));
  g_string_append (s, ")");
  return g_string_free (s, FALSE);
}

static gboolean
blocks (SbStepKind kind)
{
  return kind == SB_STEP_ACCEPT || kind == SB_STEP_EXPECT || kind == SB_STEP_RECEIVE
         || kind == SB_STEP_WAIT;
}

static gboolean
export_socket (GString      *s,
               SbSession    *session,
               SbSocketSpec *spec,
               guint         index,
               GError      **error)
{
  g_autofree char *fname = function_name (spec, index);
  GListModel *rules = sb_socket_spec_get_reply_rules (spec);
  guint n_rules = g_list_model_get_n_items (rules);
  guint n = sb_socket_spec_get_n_steps (spec);
  gboolean stream = sb_socket_spec_get_socket_type (spec) == SB_SOCKET_STREAM;
  gboolean is_ready = FALSE;
  const char *name = sb_socket_spec_get_name (spec);

  g_string_append_printf (s, "\ndef %s(ready):\n", fname);
  g_string_append (s, "    \"\"\"");
  for (const char *p = name; *p != '\0'; p++)
    g_string_append_c (s, (*p == '"' || *p == '\\' || (guchar) *p < 0x20) ? '_' : *p);
  g_string_append_printf (s, ": %s %s socket\"\"\"\n",
                          sb_family_to_string (sb_socket_spec_get_family (spec)),
                          sb_socket_type_to_string (sb_socket_spec_get_socket_type (spec)));

  /* auto-replies */
  g_string_append (s, "    replies = [\n");
  for (guint i = 0; i < n_rules; i++)
    {
      g_autoptr(SbReplyRule) rule = g_list_model_get_item (rules, i);

      g_string_append (s, "        (");
      if (!append_pattern (s, sb_reply_rule_get_match (rule), sb_reply_rule_get_pattern (rule),
                           error))
        return FALSE;
      g_string_append (s, ", lambda g: ");
      if (!append_template (s, sb_reply_rule_get_format (rule), sb_reply_rule_get_reply (rule),
                            "g", error))
        return FALSE;
      g_string_append (s, "),\n");
    }
  g_string_append (s, "    ]\n");

  g_string_append_printf (s, "    s = socket.socket(%s, %s, %d)\n",
                          py_family (sb_socket_spec_get_family (spec)),
                          py_type (sb_socket_spec_get_socket_type (spec)),
                          sb_socket_spec_get_protocol (spec));
  if (sb_socket_spec_get_reuse_address (spec))
    g_string_append (s, "    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n");
  if (sb_socket_spec_get_broadcast (spec))
    g_string_append (s, "    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)\n");
  if (stream && sb_socket_spec_get_no_delay (spec))
    g_string_append (s, "    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)\n");
  if (sb_socket_spec_get_keepalive (spec))
    g_string_append (s, "    s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)\n");
  if (sb_socket_spec_get_rcvbuf (spec) > 0)
    g_string_append_printf (s, "    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, %d)\n",
                            sb_socket_spec_get_rcvbuf (spec));
  if (sb_socket_spec_get_sndbuf (spec) > 0)
    g_string_append_printf (s, "    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, %d)\n",
                            sb_socket_spec_get_sndbuf (spec));
  if (sb_socket_spec_get_ttl (spec) > 0)
    g_string_append_printf (s, "    s.setsockopt(%s, %s, %d)\n",
                            sb_socket_spec_get_family (spec) == SB_FAMILY_IPV6
                            ? "socket.IPPROTO_IPV6" : "socket.IPPROTO_IP",
                            sb_socket_spec_get_family (spec) == SB_FAMILY_IPV6
                            ? "socket.IPV6_UNICAST_HOPS" : "socket.IP_TTL",
                            sb_socket_spec_get_ttl (spec));
  for (guint i = 0; i < sb_socket_spec_get_n_multicast_groups (spec); i++)
    {
      const char *group, *iface;

      sb_socket_spec_get_multicast_group (spec, i, &group, &iface);
      if (sb_socket_spec_get_family (spec) == SB_FAMILY_IPV6)
        {
          g_string_append (s, "    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, "
                              "socket.inet_pton(socket.AF_INET6, ");
          append_str (s, group);
          g_string_append (s, ") + (");
          if (iface[0] != '\0')
            {
              g_string_append (s, "socket.if_nametoindex(");
              append_str (s, iface);
              g_string_append (s, ")");
            }
          else
            g_string_append (s, "0");
          g_string_append (s, ").to_bytes(4, sys.byteorder))\n");
        }
      else
        {
          g_string_append (s, "    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, "
                              "socket.inet_aton(");
          append_str (s, group);
          g_string_append (s, ") + socket.inet_aton(\"0.0.0.0\"))\n");
        }
    }
  g_string_append (s, "    conn = Conn(s, replies)\n");

  for (guint i = 0; i < n; i++)
    {
      SbStep *step = sb_socket_spec_get_step (spec, i);
      SbStepKind kind = sb_step_get_kind (step);
      g_autofree char *summary = sb_step_dup_summary (step);
      int timeout = timeout_of (spec, step);

      g_string_append_printf (s, "    # %u. ", i + 1);
      for (const char *p = summary; *p != '\0'; p++)
        g_string_append_c (s, (guchar) *p < 0x20 ? ' ' : *p);
      g_string_append_c (s, '\n');
      if (blocks (kind) && !is_ready)
        {
          g_string_append (s, "    ready.set()\n");
          is_ready = TRUE;
        }

      switch (kind)
        {
        case SB_STEP_BIND:
          {
            const char *host = sb_step_get_host (step);
            int port = sb_step_get_port (step);

            if (host[0] == '\0')
              host = sb_socket_spec_get_bind_host (spec);
            if (port < 0)
              port = sb_socket_spec_get_bind_port (spec);
            g_string_append (s, "    s.bind((");
            append_str (s, host);
            g_string_append_printf (s, ", %d))\n", port);
            g_string_append (s, "    ports[");
            append_str (s, name);
            g_string_append (s, "] = s.getsockname()[1]\n");
          }
          break;

        case SB_STEP_LISTEN:
          g_string_append_printf (s, "    s.listen(%d)\n",
                                  sb_step_get_backlog (step) >= 0 ? sb_step_get_backlog (step)
                                  : sb_socket_spec_get_backlog (spec));
          break;

        case SB_STEP_ACCEPT:
          g_string_append_printf (s, "    settimeout(s, %d)\n", timeout);
          g_string_append (s, "    try:\n"
                              "        c, addr = s.accept()\n"
                              "    except socket.timeout:\n");
          g_string_append_printf (s, "        raise ExpectationFailed(\"timed out after %d ms "
                                     "waiting for a connection\")\n", timeout);
          g_string_append (s, "    print(f\"accepted a connection from {addr}\")\n"
                              "    conn = Conn(c, replies)\n");
          break;

        case SB_STEP_CONNECT:
          {
            g_autofree char *to = destination (spec, step, TRUE);

            g_string_append_printf (s, "    settimeout(s, %d)\n", timeout);
            g_string_append_printf (s, "    s.connect(%s)\n", to);
          }
          break;

        case SB_STEP_SEND:
          {
            g_autofree char *to = stream ? NULL : destination (spec, step, FALSE);

            g_string_append_printf (s, "    settimeout(conn.sock, %d)\n", timeout);
            g_string_append (s, "    conn.send(");
            switch (sb_step_get_format (step))
              {
              case SB_DATA_TEXT:
              case SB_DATA_HEX:
                if (!append_template (s, sb_step_get_format (step), sb_step_get_data (step),
                                      "captures", error))
                  return FALSE;
                break;
              case SB_DATA_FILE:
                {
                  const char *path = sb_step_get_data (step);
                  GFile *file = sb_session_get_file (session);
                  g_autofree char *full = NULL;

                  if (!g_path_is_absolute (path) && file != NULL)
                    {
                      g_autoptr(GFile) dir = g_file_get_parent (file);
                      g_autoptr(GFile) child = g_file_resolve_relative_path (dir, path);

                      full = g_file_get_path (child);
                    }
                  g_string_append (s, "open(");
                  append_str (s, full != NULL ? full : path);
                  g_string_append (s, ", \"rb\").read()");
                }
                break;
              case SB_DATA_PAYLOAD:
                {
                  g_autoptr(GBytes) bytes = sb_session_dup_payload_bytes (session,
                                                                          sb_step_get_data (step),
                                                                          error);
                  gsize len;
                  const guint8 *data;

                  if (bytes == NULL)
                    return FALSE;
                  data = g_bytes_get_data (bytes, &len);
                  append_bytes (s, data, len);
                }
                break;
              case SB_N_DATA_FORMATS:
              default:
                g_assert_not_reached ();
              }
            if (to != NULL)
              g_string_append_printf (s, ", %s", to);
            g_string_append (s, ")\n");
          }
          break;

        case SB_STEP_EXPECT:
          {
            g_autofree char *what = NULL;
            g_autoptr(SbMatcher) matcher = NULL;
            g_autoptr(GError) local = NULL;

            g_string_append (s, "    expect(conn, ");
            if (!append_pattern (s, sb_step_get_match (step), sb_step_get_pattern (step), error))
              return FALSE;
            g_string_append_printf (s, ", %d, ", timeout);
            matcher = sb_matcher_new (sb_step_get_match (step), sb_step_get_pattern (step), NULL,
                                      &local);
            what = matcher != NULL ? sb_matcher_describe (matcher)
                                   : g_strdup (sb_step_get_pattern (step));
            append_str (s, what);
            g_string_append (s, ")\n");
          }
          break;

        case SB_STEP_RECEIVE:
          g_string_append_printf (s, "    receive(conn, %d, %d)\n", sb_step_get_size (step),
                                  timeout);
          break;

        case SB_STEP_WAIT:
          g_string_append_printf (s, "    time.sleep(%d / 1000)\n", sb_step_get_ms (step));
          break;

        case SB_STEP_SHUTDOWN:
          g_string_append_printf (s, "    conn.sock.shutdown(socket.%s)\n",
                                  sb_step_get_how (step) == SB_SHUTDOWN_READ ? "SHUT_RD"
                                  : sb_step_get_how (step) == SB_SHUTDOWN_WRITE ? "SHUT_WR"
                                  : "SHUT_RDWR");
          break;

        case SB_STEP_CLOSE:
          g_string_append (s, "    conn.sock.close()\n");
          break;

        case SB_N_STEP_KINDS:
        default:
          g_assert_not_reached ();
        }
    }
  if (n == 0)
    g_string_append (s, "    pass\n");
  g_string_append (s, "\n");
  return TRUE;
}

char *
sb_python_export (SbSession  *session,
                  const char *source_name,
                  GError    **error)
{
  g_autoptr(GString) s = g_string_new (NULL);
  guint n;

  g_return_val_if_fail (SB_IS_SESSION (session), NULL);

  g_string_append (s, "#!/usr/bin/env python3\n");
  g_string_append (s, "# Generated by Sockbench");
  if (source_name != NULL)
    {
      g_string_append (s, " from ");
      for (const char *p = source_name; *p != '\0'; p++)
        g_string_append_c (s, (guchar) *p < 0x20 ? ' ' : *p);
    }
  g_string_append (s, ": the session's steps with Python's socket module.\n");
  if (sb_session_get_description (session)[0] != '\0')
    {
      g_string_append (s, "#\n# ");
      for (const char *p = sb_session_get_description (session); *p != '\0'; p++)
        {
          if (*p == '\n')
            g_string_append (s, "\n# ");
          else
            g_string_append_c (s, (guchar) *p < 0x20 ? ' ' : *p);
        }
      g_string_append_c (s, '\n');
    }
  g_string_append (s, "#\n# Exit status: 0 every step passed, 1 an expectation failed or timed "
                      "out, 3 a network error.\n\n");
  g_string_append (s, prelude);

  n = sb_session_get_n_sockets (session);
  for (guint i = 0; i < n; i++)
    if (!export_socket (s, session, sb_session_get_socket (session, i), i, error))
      return NULL;

  g_string_append (s, "\nSOCKETS = [\n");
  for (guint i = 0; i < n; i++)
    {
      SbSocketSpec *spec = sb_session_get_socket (session, i);
      g_autofree char *fname = function_name (spec, i);

      g_string_append (s, "    (");
      append_str (s, sb_socket_spec_get_name (spec));
      g_string_append_printf (s, ", %s),\n", fname);
    }
  g_string_append (s, "]\n\n");
  g_string_append (s, epilogue);
  return g_string_free (g_steal_pointer (&s), FALSE);
}
