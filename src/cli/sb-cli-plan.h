/* sb-cli-plan.h — sockbench-cli's command line as a list of steps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The steps of a command line run in the order they are written, like the
 * lines of a Python script, so the parser walks argv by hand (GOptionContext
 * would lose the order). Everything is checked here, before any socket
 * exists: payloads are parsed, URLs split, numbers range-checked and the
 * order of the steps validated.
 */
#pragma once

#include <glib.h>
#include "sb-socket.h"

G_BEGIN_DECLS

#define SB_CLI_ERROR (sb_cli_error_quark ())
GQuark sb_cli_error_quark (void);

typedef enum
{
  SB_CLI_ERROR_USAGE,        /* a bad command line: exit status 2 */
  SB_CLI_ERROR_INTERRUPTED,  /* SIGINT / SIGTERM */
} SbCliError;

/* Exit statuses. */
typedef enum
{
  SB_CLI_EXIT_OK = 0,
  SB_CLI_EXIT_TIMED_OUT = 1,
  SB_CLI_EXIT_USAGE = 2,
  SB_CLI_EXIT_NETWORK = 3,
  SB_CLI_EXIT_INTERRUPTED = 130,
} SbCliExit;

typedef enum
{
  SB_CLI_CONNECT,   /* connect, then the steps on the connection */
  SB_CLI_LISTEN,    /* bind, listen, accept one, then the steps on it */
  SB_CLI_BIND,      /* bind a datagram socket, then the steps */
  SB_CLI_SENDTO,    /* an unbound datagram socket; --send goes to the URL */
} SbCliCommand;

typedef enum
{
  SB_CLI_STEP_OPEN,      /* the command's own setup: connect / accept / bind */
  SB_CLI_STEP_TIMEOUT,   /* settimeout(ms) for the steps after it */
  SB_CLI_STEP_SEND,      /* sendall (streams) or one datagram */
  SB_CLI_STEP_SENDTO,    /* sendto(data, target) */
  SB_CLI_STEP_RECV,      /* one recv(size) */
  SB_CLI_STEP_RECV_ALL,  /* recv until EOF */
  SB_CLI_STEP_RECVFROM,  /* one recvfrom(size), the sender shown */
  SB_CLI_STEP_SHUTDOWN,
  SB_CLI_STEP_WAIT,      /* sleep ms without blocking the loop */
} SbCliStepKind;

typedef struct
{
  SbCliStepKind kind;
  char         *option;  /* the step as written, e.g. "--recv 1024" */
  GBytes       *data;    /* SEND, SENDTO */
  gsize         size;    /* RECV, RECVFROM */
  int           ms;      /* TIMEOUT (SB_TIMEOUT_NONE allowed), WAIT */
  SbShutdownHow how;     /* SHUTDOWN */
  char         *host;    /* SENDTO target */
  guint         port;
} SbCliStep;

typedef struct
{
  SbCliCommand  command;
  SbFamily      family;
  SbSocketType  type;
  char         *url;       /* as written */
  char         *host;      /* the command's address, brackets stripped */
  guint         port;
  int           backlog;
  gboolean      nodelay;
  gboolean      reuseaddr;
  gboolean      hex;
  gboolean      quiet;
  gboolean      show_help;
  gboolean      show_version;
  GPtrArray    *steps;     /* of SbCliStep, OPEN included */
} SbCliPlan;

#define SB_CLI_DEFAULT_BACKLOG 128
#define SB_CLI_MAX_RECV        (64 * 1024 * 1024)
#define SB_CLI_RECV_ALL_SIZE   (64 * 1024)

/* Parse argv (argv[0] is the program); NULL with SB_CLI_ERROR_USAGE or a
 * payload / address error on bad input. With --help or --version the plan
 * only has show_help / show_version set. */
SbCliPlan  *sb_cli_plan_parse (int          argc,
                               char       **argv,
                               GError     **error);
void        sb_cli_plan_free  (SbCliPlan   *plan);
/* The --help text. */
char       *sb_cli_dup_usage  (void);
const char *sb_cli_command_to_string (SbCliCommand command);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbCliPlan, sb_cli_plan_free)

G_END_DECLS
