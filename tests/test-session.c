/* test-session.c — SbSession: the document, its JSON file, and bad files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "sb-session.h"
#include "sb-session-runner.h"

#ifndef EXAMPLES_DIR
#error "EXAMPLES_DIR must point to data/examples"
#endif

/* A session with every field away from its default. */
static SbSession *
make_full_session (void)
{
  SbSession *session = sb_session_new ();
  g_autoptr(SbSocketSpec) server = sb_socket_spec_new ("server", SB_FAMILY_IPV4, SB_SOCKET_STREAM, 6);
  g_autoptr(SbSocketSpec) udp = sb_socket_spec_new ("udp “é” \\ \"q\"", SB_FAMILY_IPV6,
                                                     SB_SOCKET_DATAGRAM, 17);
  g_autoptr(SbReplyRule) rule1 = sb_reply_rule_new (SB_MATCH_REGEX, "^ping (?<word>\\w+)",
                                                    SB_DATA_TEXT, "pong ${word}\\r\\n");
  g_autoptr(SbReplyRule) rule2 = sb_reply_rule_new (SB_MATCH_HEX, "de ad (?\? ?\?)", SB_DATA_HEX,
                                                    "be ef ${1}");
  g_autoptr(SbPayloadEntry) p1 = sb_payload_entry_new ("hello", SB_DATA_TEXT, "hello\\x00\\n");
  g_autoptr(SbPayloadEntry) p2 = sb_payload_entry_new ("magic", SB_DATA_HEX, "ca fe ba be");
  struct {
    SbStepKind kind;
  } kinds[] = { { SB_STEP_BIND }, { SB_STEP_LISTEN }, { SB_STEP_ACCEPT }, { SB_STEP_CONNECT },
                { SB_STEP_SEND }, { SB_STEP_EXPECT }, { SB_STEP_RECEIVE }, { SB_STEP_WAIT },
                { SB_STEP_SHUTDOWN }, { SB_STEP_CLOSE } };

  sb_session_set_description (session, "Every field:\nline two, “quotes”, tab\t, emoji 🦊");
  sb_session_set_capture_interface (session, "lo");
  sb_session_set_capture_filter (session, "tcp port 5000");
  sb_session_set_capture_snaplen (session, 1500);
  sb_session_set_capture_promisc (session, TRUE);
  sb_session_set_capture_immediate (session, TRUE);
  sb_session_set_capture_output (session, "/tmp/out.pcap");

  g_object_set (server, "reuse-address", TRUE, "broadcast", TRUE, "no-delay", TRUE,
                "keepalive", TRUE, "rcvbuf", 65536, "sndbuf", 32768, "ttl", 17,
                "bind-host", "127.0.0.1", "bind-port", 5000, "remote-host", "::1",
                "remote-port", 6000, "remote-port-from", "", "backlog", 7, "timeout-ms", 1234,
                "receive-size", 4096, "auto-receive", FALSE, NULL);
  sb_socket_spec_append_reply_rule (server, rule1);
  sb_socket_spec_append_reply_rule (server, rule2);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(SbStep) step = sb_step_new (kinds[i].kind);

      /* every field that the kind keeps, away from its default */
      g_object_set (step, "label", i == 3 ? "the connect" : "", "host", "10.0.0.1", "port", 8000 + i,
                    "port-from", "udp “é” \\ \"q\"", "backlog", 3, "format", SB_DATA_HEX,
                    "data", "01 02 ${1}", "match", SB_MATCH_REGEX, "pattern", "(a+)b",
                    "timeout-ms", 250, "ms", 75, "how", SB_SHUTDOWN_BOTH, "size", 99, NULL);
      sb_socket_spec_append_step (server, step);
    }
  {
    g_autoptr(SbStep) file = sb_step_new (SB_STEP_SEND);
    g_autoptr(SbStep) payload = sb_step_new (SB_STEP_SEND);
    g_autoptr(SbStep) none = sb_step_new (SB_STEP_EXPECT);
    g_autoptr(SbStep) exact = sb_step_new (SB_STEP_EXPECT);
    g_autoptr(SbStep) hex = sb_step_new (SB_STEP_EXPECT);

    g_object_set (file, "format", SB_DATA_FILE, "data", "payloads/big.bin", NULL);
    g_object_set (payload, "format", SB_DATA_PAYLOAD, "data", "magic", NULL);
    g_object_set (none, "match", SB_MATCH_CONTAINS, "pattern", "x", "timeout-ms", SB_TIMEOUT_NONE,
                  NULL);
    g_object_set (exact, "match", SB_MATCH_EXACT, "pattern", "\\x00\\xff", NULL);
    g_object_set (hex, "match", SB_MATCH_HEX, "pattern", "00 ?\? ff", NULL);
    sb_socket_spec_append_step (udp, file);
    sb_socket_spec_append_step (udp, payload);
    sb_socket_spec_append_step (udp, none);
    sb_socket_spec_append_step (udp, exact);
    sb_socket_spec_append_step (udp, hex);
  }
  sb_socket_spec_add_multicast_group (udp, "ff02::1234", "lo");
  sb_socket_spec_add_multicast_group (udp, "ff05::1", "");
  g_object_set (udp, "remote-port-from", "server", NULL);

  sb_session_append_payload (session, p1);
  sb_session_append_payload (session, p2);
  sb_session_append_socket (session, server);
  sb_session_append_socket (session, udp);
  return session;
}

static char *
tmp_path (const char *name)
{
  g_autofree char *dir = g_dir_make_tmp ("test-session-XXXXXX", NULL);

  g_assert_nonnull (dir);
  return g_build_filename (dir, name, NULL);
}

static char *
read_all (const char *path,
          gsize      *len)
{
  char *data = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &data, len, &error);
  g_assert_no_error (error);
  return data;
}

static void
test_round_trip_every_field (void)
{
  g_autoptr(SbSession) session = make_full_session ();
  g_autoptr(SbSession) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path1 = tmp_path ("one.sockbench");
  g_autofree char *path2 = tmp_path ("two.sockbench");
  g_autoptr(GFile) file1 = g_file_new_for_path (path1);
  g_autoptr(GFile) file2 = g_file_new_for_path (path2);
  g_autofree char *data1 = NULL, *data2 = NULL;
  gsize len1, len2;
  SbSocketSpec *server, *udp;
  SbStep *step;
  const char *group, *iface;

  g_assert_true (sb_session_get_dirty (session));
  g_assert_true (sb_session_save (session, file1, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (sb_session_get_dirty (session));
  g_assert_true (sb_session_get_file (session) == file1);

  loaded = sb_session_new_from_file (file1, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  g_assert_false (sb_session_get_dirty (loaded));
  g_assert_true (sb_session_save (loaded, file2, NULL, &error));
  g_assert_no_error (error);

  data1 = read_all (path1, &len1);
  data2 = read_all (path2, &len2);
  g_assert_cmpmem (data1, len1, data2, len2);
  g_assert_true (g_str_has_prefix (data1, "{\n  \"format\" : \"sockbench-session\",\n  \"version\" : 1,"));
  g_assert_cmpint (data1[len1 - 1], ==, '\n');

  /* and the values came back, not just the bytes */
  g_assert_cmpstr (sb_session_get_description (loaded), ==,
                   "Every field:\nline two, “quotes”, tab\t, emoji 🦊");
  g_assert_cmpstr (sb_session_get_capture_interface (loaded), ==, "lo");
  g_assert_cmpstr (sb_session_get_capture_filter (loaded), ==, "tcp port 5000");
  g_assert_cmpint (sb_session_get_capture_snaplen (loaded), ==, 1500);
  g_assert_true (sb_session_get_capture_promisc (loaded));
  g_assert_true (sb_session_get_capture_immediate (loaded));
  g_assert_cmpstr (sb_session_get_capture_output (loaded), ==, "/tmp/out.pcap");
  g_assert_cmpuint (sb_session_get_n_sockets (loaded), ==, 2);

  server = sb_session_find_socket (loaded, "server");
  g_assert_nonnull (server);
  g_assert_cmpint (sb_socket_spec_get_family (server), ==, SB_FAMILY_IPV4);
  g_assert_cmpint (sb_socket_spec_get_socket_type (server), ==, SB_SOCKET_STREAM);
  g_assert_cmpint (sb_socket_spec_get_protocol (server), ==, 6);
  g_assert_true (sb_socket_spec_get_reuse_address (server));
  g_assert_true (sb_socket_spec_get_broadcast (server));
  g_assert_true (sb_socket_spec_get_no_delay (server));
  g_assert_true (sb_socket_spec_get_keepalive (server));
  g_assert_cmpint (sb_socket_spec_get_rcvbuf (server), ==, 65536);
  g_assert_cmpint (sb_socket_spec_get_sndbuf (server), ==, 32768);
  g_assert_cmpint (sb_socket_spec_get_ttl (server), ==, 17);
  g_assert_cmpstr (sb_socket_spec_get_bind_host (server), ==, "127.0.0.1");
  g_assert_cmpint (sb_socket_spec_get_bind_port (server), ==, 5000);
  g_assert_cmpstr (sb_socket_spec_get_remote_host (server), ==, "::1");
  g_assert_cmpint (sb_socket_spec_get_remote_port (server), ==, 6000);
  g_assert_cmpint (sb_socket_spec_get_backlog (server), ==, 7);
  g_assert_cmpint (sb_socket_spec_get_timeout_ms (server), ==, 1234);
  g_assert_cmpint (sb_socket_spec_get_receive_size (server), ==, 4096);
  g_assert_false (sb_socket_spec_get_auto_receive (server));
  g_assert_cmpuint (g_list_model_get_n_items (sb_socket_spec_get_reply_rules (server)), ==, 2);
  {
    g_autoptr(SbReplyRule) rule = g_list_model_get_item (sb_socket_spec_get_reply_rules (server), 1);

    g_assert_cmpint (sb_reply_rule_get_match (rule), ==, SB_MATCH_HEX);
    g_assert_cmpstr (sb_reply_rule_get_pattern (rule), ==, "de ad (?\? ?\?)");
    g_assert_cmpint (sb_reply_rule_get_format (rule), ==, SB_DATA_HEX);
    g_assert_cmpstr (sb_reply_rule_get_reply (rule), ==, "be ef ${1}");
  }
  g_assert_cmpuint (sb_socket_spec_get_n_steps (server), ==, 10);
  step = sb_socket_spec_get_step (server, 1);
  g_assert_cmpint (sb_step_get_kind (step), ==, SB_STEP_LISTEN);
  g_assert_cmpint (sb_step_get_backlog (step), ==, 3);
  step = sb_socket_spec_get_step (server, 3);
  g_assert_cmpint (sb_step_get_kind (step), ==, SB_STEP_CONNECT);
  g_assert_cmpstr (sb_step_get_label (step), ==, "the connect");
  g_assert_cmpstr (sb_step_get_host (step), ==, "10.0.0.1");
  g_assert_cmpint (sb_step_get_port (step), ==, 8003);
  g_assert_cmpstr (sb_step_get_port_from (step), ==, "udp “é” \\ \"q\"");
  g_assert_cmpint (sb_step_get_timeout_ms (step), ==, 250);
  step = sb_socket_spec_get_step (server, 4);
  g_assert_cmpint (sb_step_get_format (step), ==, SB_DATA_HEX);
  g_assert_cmpstr (sb_step_get_data (step), ==, "01 02 ${1}");
  step = sb_socket_spec_get_step (server, 5);
  g_assert_cmpint (sb_step_get_match (step), ==, SB_MATCH_REGEX);
  g_assert_cmpstr (sb_step_get_pattern (step), ==, "(a+)b");
  step = sb_socket_spec_get_step (server, 6);
  g_assert_cmpint (sb_step_get_size (step), ==, 99);
  step = sb_socket_spec_get_step (server, 7);
  g_assert_cmpint (sb_step_get_ms (step), ==, 75);
  step = sb_socket_spec_get_step (server, 8);
  g_assert_cmpint (sb_step_get_how (step), ==, SB_SHUTDOWN_BOTH);

  udp = sb_session_get_socket (loaded, 1);
  g_assert_cmpstr (sb_socket_spec_get_name (udp), ==, "udp “é” \\ \"q\"");
  g_assert_cmpint (sb_socket_spec_get_family (udp), ==, SB_FAMILY_IPV6);
  g_assert_cmpstr (sb_socket_spec_get_remote_port_from (udp), ==, "server");
  g_assert_cmpuint (sb_socket_spec_get_n_multicast_groups (udp), ==, 2);
  sb_socket_spec_get_multicast_group (udp, 0, &group, &iface);
  g_assert_cmpstr (group, ==, "ff02::1234");
  g_assert_cmpstr (iface, ==, "lo");
  step = sb_socket_spec_get_step (udp, 0);
  g_assert_cmpint (sb_step_get_format (step), ==, SB_DATA_FILE);
  g_assert_cmpstr (sb_step_get_data (step), ==, "payloads/big.bin");
  step = sb_socket_spec_get_step (udp, 2);
  g_assert_cmpint (sb_step_get_timeout_ms (step), ==, SB_TIMEOUT_NONE);
  step = sb_socket_spec_get_step (udp, 3);
  g_assert_cmpint (sb_step_get_timeout_ms (step), ==, SB_STEP_TIMEOUT_INHERIT);
  {
    g_autoptr(GBytes) bytes = sb_session_dup_payload_bytes (loaded, "hello", &error);

    g_assert_no_error (error);
    g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "hello\0\n", 7);
  }

  g_unlink (path1);
  g_unlink (path2);
}

/* The examples are saved in the canonical form: load → save is identical. */
static void
test_examples_canonical (void)
{
  const char *names[] = { "notes-server.sockbench", "notes-client.sockbench" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (EXAMPLES_DIR, names[i], NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GError) error = NULL;
      g_autoptr(SbSession) session = sb_session_new_from_file (file, NULL, &error);
      g_autofree char *original = NULL, *saved = NULL;
      gsize len, saved_len;

      g_assert_no_error (error);
      original = read_all (path, &len);
      saved = sb_session_to_data (session, &saved_len);
      g_assert_cmpmem (original, len, saved, saved_len);
      g_assert_cmpuint (sb_session_get_n_sockets (session), ==, 1);
    }
}

typedef struct
{
  const char    *name;
  const char    *text;
  SbSessionError code;
  const char    *where;     /* "line L, column C", or "@TEXT": where TEXT first occurs */
  const char    *contains;  /* in the message */
} Bad;

#define HEAD "{\"format\": \"sockbench-session\", \"version\": 1,\n"

static const Bad bad_files[] = {
  { "empty", "", SB_SESSION_ERROR_SYNTAX, "line 1, column 1", "empty" },
  { "spaces only", "  \n \n", SB_SESSION_ERROR_SYNTAX, "line 3, column 1", "empty" },
  { "truncated", HEAD "\"sockets\": [ {\"name\": \"a\"", SB_SESSION_ERROR_SYNTAX,
    "line 2, column 26", "truncated" },
  { "truncated in a string", HEAD "\"description\": \"abc", SB_SESSION_ERROR_SYNTAX,
    "@\"abc", "not closed" },
  { "not JSON", "format = sockbench", SB_SESSION_ERROR_SYNTAX, "line 1, column 1", "unexpected" },
  { "trailing comma", HEAD "\"sockets\": [1,],}", SB_SESSION_ERROR_SYNTAX, "@],}",
    "expected a value" },
  { "garbage after", HEAD "\"sockets\": []}\n\nxyz", SB_SESSION_ERROR_SYNTAX, "@xyz",
    "after the end" },
  { "leading zero", HEAD "\"description\": 01}", SB_SESSION_ERROR_SYNTAX, "@01}",
    "start with 0" },
  { "huge number", HEAD "\"sockets\": [{\"backlog\": 99999999999999999999}]}",
    SB_SESSION_ERROR_SYNTAX, "@99999", "too large" },
  { "huge number in an unknown field", HEAD "\"x\": -123456789012345678901234567890}",
    SB_SESSION_ERROR_SYNTAX, "@-1234", "too large" },
  { "NUL in a string", HEAD "\"description\": \"a\\u0000b\"}", SB_SESSION_ERROR_SYNTAX,
    "@\\u0000", "NUL" },
  { "raw control character", HEAD "\"description\": \"a\x01\"}", SB_SESSION_ERROR_SYNTAX,
    "@\x01", "control character" },
  { "bad UTF-8", HEAD "\"description\": \"caf\xe9\"}", SB_SESSION_ERROR_SYNTAX,
    "@\xe9", "UTF-8" },
  { "lone surrogate", HEAD "\"description\": \"\\ud800x\"}", SB_SESSION_ERROR_SYNTAX,
    "@\\ud800", "surrogate" },
  { "not an object", "[1, 2, 3]", SB_SESSION_ERROR_NOT_A_SESSION, "line 1, column 1",
    "not a Sockbench session" },
  { "no format", "{\"version\": 1}", SB_SESSION_ERROR_NOT_A_SESSION, "line 1, column 1",
    "no \"format\"" },
  { "wrong format", "{\"format\": \"pcap\", \"version\": 1}", SB_SESSION_ERROR_NOT_A_SESSION,
    "@\"pcap", "“pcap”" },
  { "newer version", "{\"format\": \"sockbench-session\",\n \"version\": 2}",
    SB_SESSION_ERROR_VERSION, "@2}", "newer Sockbench" },
  { "version 0", "{\"format\": \"sockbench-session\", \"version\": 0}", SB_SESSION_ERROR_VERSION,
    "@0}", "start at 1" },
  { "version as a string", "{\"format\": \"sockbench-session\", \"version\": \"1\"}",
    SB_SESSION_ERROR_VERSION, "@\"1\"}", "whole number" },
  { "no version", "{\"format\": \"sockbench-session\"}", SB_SESSION_ERROR_VERSION,
    "line 1, column 1", "no “version”" },
  { "unknown family", HEAD "\"sockets\": [\n  {\"name\": \"a\", \"family\": \"ipx\"}]}",
    SB_SESSION_ERROR_INVALID, "@\"ipx", "unknown socket family “ipx”" },
  { "port above 65535", HEAD "\"sockets\": [{\"bind\": {\"host\": \"\", \"port\": 70000}}]}",
    SB_SESSION_ERROR_INVALID, "@70000", "70000" },
  { "negative size", HEAD "\"sockets\": [{\"receive_size\": -5}]}", SB_SESSION_ERROR_INVALID,
    "@-5", "negative" },
  { "negative rcvbuf", HEAD "\"sockets\": [{\"options\": {\"rcvbuf\": -1}}]}",
    SB_SESSION_ERROR_INVALID, "@-1", "negative" },
  { "port as a string", HEAD "\"sockets\": [{\"remote\": {\"port\": \"80\"}}]}",
    SB_SESSION_ERROR_INVALID, "@\"80\"", "must be a number" },
  { "fraction", HEAD "\"sockets\": [{\"backlog\": 2.5}]}", SB_SESSION_ERROR_INVALID,
    "@2.5", "whole number" },
  { "sockets not an array", HEAD "\"sockets\": {}}", SB_SESSION_ERROR_INVALID, "@{}}",
    "array" },
  { "socket not an object", HEAD "\"sockets\": [\"server\"]}", SB_SESSION_ERROR_INVALID,
    "@\"server\"", "object" },
  { "bool as a number", HEAD "\"sockets\": [{\"auto_receive\": 1}]}", SB_SESSION_ERROR_INVALID,
    "@1}", "true or false" },
  { "impossible combination", HEAD "\"sockets\": [{\"family\": \"packet\", \"type\": \"stream\"}]}",
    SB_SESSION_ERROR_INVALID, "@\"stream\"", "" },
  { "duplicate socket name", HEAD "\"sockets\": [{\"name\": \"a\"},\n {\"name\": \"a\"}]}",
    SB_SESSION_ERROR_INVALID, "@\"a\"}]", "second socket named “a”" },
  { "step without kind", HEAD "\"sockets\": [{\"steps\": [{\"kind\": \"bind\"}, {}]}]}",
    SB_SESSION_ERROR_INVALID, "@{}]", "no “kind”" },
  { "unknown step kind", HEAD "\"sockets\": [{\"steps\": [{\"kind\": \"jump\"}]}]}",
    SB_SESSION_ERROR_INVALID, "@\"jump", "unknown step kind “jump”" },
  /* a reply is text or hex, not the send-only formats */
  { "reply from a file", HEAD "\"sockets\": [{\"auto_replies\": [{\"pattern\": \"x\", "
                         "\"format\": \"file\", \"reply\": \"y\"}]}]}",
    SB_SESSION_ERROR_INVALID, "@\"file", "unknown reply format “file”: use one of text, hex" },
  { "bad regex", HEAD "\"sockets\": [{\"steps\": [\n{\"kind\": \"expect\", \"match\": \"regex\", "
                 "\"pattern\": \"(ab\"}]}]}", SB_SESSION_ERROR_INVALID, "@\"(ab",
    "Regular expression" },
  { "bad hex pattern", HEAD "\"sockets\": [{\"steps\": [{\"kind\": \"expect\", \"match\": \"hex\", "
                       "\"pattern\": \"4\"}]}]}", SB_SESSION_ERROR_INVALID, "@\"4\"",
    "two digits" },
  { "empty pattern", HEAD "\"sockets\": [{\"steps\": [{\"kind\": \"expect\"}]}]}",
    SB_SESSION_ERROR_INVALID, "@{\"kind", "empty" },
  { "bad escape in data", HEAD "\"sockets\": [{\"steps\": [{\"kind\": \"send\", \"data\": \"a\\\\q\"}]}]}",
    SB_SESSION_ERROR_INVALID, "@\"a\\\\q", "escape" },
  { "bad capture reference", HEAD "\"sockets\": [{\"steps\": [{\"kind\": \"send\", \"data\": \"${\"}]}]}",
    SB_SESSION_ERROR_INVALID, "@\"${", "capture reference" },
  { "missing payload", HEAD "\"sockets\": [{\"steps\": [{\"kind\": \"send\", \"format\": \"payload\", "
                       "\"data\": \"nope\"}]}]}", SB_SESSION_ERROR_INVALID, "@\"nope",
    "no payload “nope”" },
  { "unknown port_from", HEAD "\"sockets\": [{\"remote\": {\"port_from\": \"ghost\"}}]}",
    SB_SESSION_ERROR_INVALID, "@\"ghost", "“ghost”" },
  { "bad multicast group", HEAD "\"sockets\": [{\"family\": \"ipv4\", \"type\": \"datagram\", "
                           "\"options\": {\"multicast_groups\": [{\"group\": \"10.0.0.1\"}]}}]}",
    SB_SESSION_ERROR_INVALID, "@\"10.0.0.1", "not a multicast address" },
  { "wait too long", HEAD "\"sockets\": [{\"steps\": [{\"kind\": \"wait\", \"ms\": 999999999}]}]}",
    SB_SESSION_ERROR_INVALID, "@999999999", "999999999" },
  { "duplicate payload", HEAD "\"payloads\": [{\"name\": \"p\"}, {\"name\": \"p\"}]}",
    SB_SESSION_ERROR_INVALID, "@\"p\"}]", "second payload" },
  { "deep nesting", HEAD "\"x\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
                    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
    SB_SESSION_ERROR_TOO_DEEP, "line 2, column 69", "deeper than 64" },
};

static void
check_bad (const char    *name,
           const char    *text,
           gsize          len,
           SbSessionError code,
           const char    *where,
           const char    *contains)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SbSession) session = sb_session_new_from_data (text, len, &error);
  g_autoptr(GRegex) shape = g_regex_new ("^line [0-9]+, column [0-9]+: .+", 0, 0, NULL);

  g_test_message ("%s: %s", name, error != NULL ? error->message : "(loaded)");
  g_assert_null (session);
  g_assert_error (error, SB_SESSION_ERROR, (int) code);
  g_assert_true (g_regex_match (shape, error->message, 0, NULL));
  if (where != NULL && where[0] == '@')
    {
      /* the line and column of the marker, in characters */
      const char *at = g_strstr_len (text, len, where + 1);
      guint line = 1, column = 1;
      g_autofree char *expected = NULL;

      g_assert_nonnull (at);
      for (const char *p = text; p < at; p = g_utf8_next_char (p))
        {
          if (*p == '\n')
            {
              line++;
              column = 1;
            }
          else
            column++;
        }
      expected = g_strdup_printf ("line %u, column %u: ", line, column);
      g_assert_cmpstr (error->message, >=, expected);
      g_assert_true (g_str_has_prefix (error->message, expected));
    }
  else if (where != NULL)
    g_assert_true (g_str_has_prefix (error->message, where));
  if (contains != NULL)
    g_assert_nonnull (strstr (error->message, contains));
}

static void
test_bad_files (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_files); i++)
    check_bad (bad_files[i].name, bad_files[i].text, strlen (bad_files[i].text),
               bad_files[i].code, bad_files[i].where, bad_files[i].contains);
}

/* 100,000 nested arrays (and objects), 1 MB deep: json-glib would recurse
 * until the stack overflows; the loader refuses it at level 65. */
static void
test_deep_nesting (void)
{
  for (int kind = 0; kind < 3; kind++)
    {
      GString *s = g_string_new (NULL);

      for (int i = 0; i < 100000; i++)
        g_string_append (s, kind == 0 ? "[" : kind == 1 ? "{\"a\":" : "[{\"b\":");
      if (kind == 0)
        for (int i = 0; i < 100000; i++)
          g_string_append_c (s, ']');
      check_bad ("deep", s->str, s->len, SB_SESSION_ERROR_TOO_DEEP, "line 1, column ",
                 "deeper than 64 levels");
      g_string_free (s, TRUE);
    }
}

static void
test_too_large (void)
{
  static const char small[] = "{}";

  /* the size is refused before a byte is read */
  check_bad ("too large", small, (gsize) SB_SESSION_MAX_SIZE + 1, SB_SESSION_ERROR_TOO_LARGE,
             "line 1, column 1", "at most 64 MiB");
}

/* The runner takes the session's capture output relative to the file. */
static void
test_runner_capture_settings (void)
{
  g_autofree char *path = tmp_path ("capture.sockbench");
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *expected = g_build_filename (dir, "run.pcap", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(SbSession) session = NULL;
  g_autoptr(SbSessionRunner) runner = NULL;
  g_autoptr(SbSessionRunner) none = NULL;
  g_autoptr(SbSession) empty = sb_session_new ();

  g_file_set_contents (path, HEAD "\"capture\": {\"interface\": \"lo\", \"output\": \"run.pcap\"}}",
                       -1, &error);
  g_assert_no_error (error);
  session = sb_session_new_from_file (file, NULL, &error);
  g_assert_no_error (error);
  runner = sb_session_runner_new (session);
  g_assert_cmpstr (sb_session_runner_get_capture_output (runner), ==, expected);
  g_assert_null (sb_session_runner_get_capture (runner));
  sb_session_runner_set_capture (runner, "/tmp/other.pcap", NULL, NULL);
  g_assert_cmpstr (sb_session_runner_get_capture_output (runner), ==, "/tmp/other.pcap");

  /* no output: no capture */
  none = sb_session_runner_new (empty);
  g_assert_null (sb_session_runner_get_capture_output (none));
  g_unlink (path);
}

static void
test_untouched_on_failure (void)
{
  g_autofree char *path = g_build_filename (EXAMPLES_DIR, "notes-server.sockbench", NULL);
  g_autofree char *bad = tmp_path ("bad.sockbench");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) bad_file = g_file_new_for_path (bad);
  g_autoptr(GError) error = NULL;
  g_autoptr(SbSession) open = sb_session_new_from_file (file, NULL, &error);
  g_autoptr(SbSession) other = NULL;
  g_autofree char *before = NULL, *after = NULL;
  gsize before_len, after_len;
  guint changed = 0;

  g_assert_no_error (error);
  g_signal_connect_swapped (open, "changed", G_CALLBACK (g_atomic_int_inc), &changed);
  before = sb_session_to_data (open, &before_len);

  g_file_set_contents (bad, HEAD "\"sockets\": [{\"name\": \"x\", \"bind\": {\"port\": 99999}}]}",
                       -1, &error);
  g_assert_no_error (error);
  other = sb_session_new_from_file (bad_file, NULL, &error);
  g_assert_null (other);
  g_assert_error (error, SB_SESSION_ERROR, SB_SESSION_ERROR_INVALID);

  after = sb_session_to_data (open, &after_len);
  g_assert_cmpmem (before, before_len, after, after_len);
  g_assert_false (sb_session_get_dirty (open));
  g_assert_cmpuint (changed, ==, 0);
  g_assert_true (g_file_equal (sb_session_get_file (open), file));
  g_unlink (bad);
}

static void
test_unknown_fields_ignored (void)
{
  const char *text =
    "{\"format\": \"sockbench-session\", \"version\": 1, \"future\": {\"deep\": [1, 2.5, null]},\n"
    " \"sockets\": [{\"name\": \"s\", \"colour\": \"red\", \"options\": {\"new_option\": true},\n"
    "   \"steps\": [{\"kind\": \"wait\", \"ms\": 5, \"flavour\": [\"x\"], \"pattern\": 7}]}],\n"
    " \"capture\": {\"ring\": 4}, \"description\": null}";
  g_autoptr(GError) error = NULL;
  g_autoptr(SbSession) session = sb_session_new_from_data (text, strlen (text), &error);
  g_autofree char *data = NULL;
  SbSocketSpec *spec;

  g_assert_no_error (error);
  g_assert_nonnull (session);
  spec = sb_session_get_socket (session, 0);
  g_assert_cmpstr (sb_socket_spec_get_name (spec), ==, "s");
  g_assert_cmpint (sb_step_get_ms (sb_socket_spec_get_step (spec, 0)), ==, 5);
  /* saved without them: they are not kept */
  data = sb_session_to_data (session, NULL);
  g_assert_null (strstr (data, "future"));
  g_assert_null (strstr (data, "colour"));
  g_assert_null (strstr (data, "flavour"));
}

static void
test_duplicate_member_last_wins (void)
{
  const char *text = "{\"format\": \"sockbench-session\", \"version\": 1,\n"
                     " \"sockets\": [{\"backlog\": 5, \"backlog\": 700000}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(SbSession) session = sb_session_new_from_data (text, strlen (text), &error);

  /* the value json-glib keeps is the one the message points at */
  g_assert_null (session);
  g_assert_error (error, SB_SESSION_ERROR, SB_SESSION_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "line 2, column 40"));
}

static void
test_dirty_and_changed (void)
{
  g_autoptr(SbSession) session = sb_session_new ();
  g_autoptr(SbSocketSpec) spec = sb_socket_spec_new ("a", SB_FAMILY_IPV4, SB_SOCKET_STREAM, 0);
  g_autoptr(SbStep) step = sb_step_new (SB_STEP_WAIT);
  g_autofree char *path = tmp_path ("dirty.sockbench");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  guint changed = 0;

  g_assert_false (sb_session_get_dirty (session));
  g_signal_connect_swapped (session, "changed", G_CALLBACK (g_atomic_int_inc), &changed);
  sb_socket_spec_append_step (spec, step);
  sb_session_append_socket (session, spec);
  g_assert_true (sb_session_get_dirty (session));
  g_assert_cmpuint (changed, ==, 1);

  g_assert_true (sb_session_save (session, file, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (sb_session_get_dirty (session));

  /* a change deep inside makes the session dirty */
  sb_step_set_ms (step, 10);
  g_assert_true (sb_session_get_dirty (session));
  g_assert_cmpuint (changed, ==, 2);
  sb_step_set_ms (step, 10);   /* no change, no signal */
  g_assert_cmpuint (changed, ==, 2);
  sb_session_set_dirty (session, FALSE);

  sb_socket_spec_add_multicast_group (spec, "239.1.1.1", NULL);
  g_assert_true (sb_session_get_dirty (session));
  g_assert_cmpuint (changed, ==, 3);

  /* a removed step no longer counts */
  sb_socket_spec_remove_step (spec, 0);
  g_assert_cmpuint (changed, ==, 4);
  sb_step_set_ms (step, 20);
  g_assert_cmpuint (changed, ==, 4);

  sb_session_remove_socket (session, 0);
  g_assert_cmpuint (changed, ==, 5);
  sb_socket_spec_set_backlog (spec, 9);
  g_assert_cmpuint (changed, ==, 5);
  g_unlink (path);
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  SbSession **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = sb_session_load_finish (result, &error);
  g_assert_no_error (error);
}

static void
save_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (sb_session_save_finish (SB_SESSION (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
test_async (void)
{
  g_autoptr(SbSession) session = make_full_session ();
  g_autoptr(SbSession) loaded = NULL;
  g_autofree char *path = tmp_path ("async.sockbench");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *a = NULL, *b = NULL;
  gboolean saved = FALSE;

  sb_session_save_async (session, file, NULL, save_cb, &saved);
  while (!saved)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (sb_session_get_dirty (session));
  sb_session_load_async (file, NULL, load_cb, &loaded);
  while (loaded == NULL)
    g_main_context_iteration (NULL, TRUE);
  a = sb_session_to_data (session, NULL);
  b = sb_session_to_data (loaded, NULL);
  g_assert_cmpstr (a, ==, b);
  g_assert_true (g_file_equal (sb_session_get_file (loaded), file));
  g_unlink (path);
}

static void
test_copy_and_unique_names (void)
{
  g_autoptr(SbSession) session = make_full_session ();
  g_autoptr(SbSocketSpec) copy = sb_socket_spec_copy (sb_session_get_socket (session, 0));
  g_autofree char *name = sb_session_dup_unique_socket_name (session, "server");
  g_autofree char *a = NULL, *b = NULL;

  g_assert_cmpstr (name, ==, "server 2");
  sb_socket_spec_set_name (copy, name);
  sb_session_append_socket (session, copy);
  a = sb_session_to_data (session, NULL);
  b = strstr (a, "\"name\" : \"server 2\"");
  g_assert_nonnull (b);
  g_assert_cmpuint (sb_socket_spec_get_n_steps (copy), ==, 10);
  g_clear_pointer (&a, g_free);
  b = NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/session/round-trip-every-field", test_round_trip_every_field);
  g_test_add_func ("/session/examples-canonical", test_examples_canonical);
  g_test_add_func ("/session/bad-files", test_bad_files);
  g_test_add_func ("/session/deep-nesting", test_deep_nesting);
  g_test_add_func ("/session/too-large", test_too_large);
  g_test_add_func ("/session/untouched-on-failure", test_untouched_on_failure);
  g_test_add_func ("/session/runner-capture-settings", test_runner_capture_settings);
  g_test_add_func ("/session/unknown-fields-ignored", test_unknown_fields_ignored);
  g_test_add_func ("/session/duplicate-member-last-wins", test_duplicate_member_last_wins);
  g_test_add_func ("/session/dirty-and-changed", test_dirty_and_changed);
  g_test_add_func ("/session/async", test_async);
  g_test_add_func ("/session/copy-and-unique-names", test_copy_and_unique_names);
  return g_test_run ();
}
