/* sb-python-export.h — a session as a python3 script using the socket module
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The script does what SbSessionRunner does, the way the seed notes do it:
 * socket(), setsockopt, bind, listen, accept, connect, sendall / sendto,
 * recv / recvfrom, settimeout and `except socket.timeout`. Each socket spec
 * becomes a function; with several, each runs in a thread, started in
 * document order once the one before it is ready (listening, say). Expects
 * and auto-replies are small helpers at the top of the script. It exits 0
 * when every step passed, 1 when an expectation failed or timed out, 3 on a
 * network error — like `sockbench-cli run`.
 */
#pragma once

#include "sb-session.h"

G_BEGIN_DECLS

/* @source_name (may be NULL) is named in the script's header comment. */
char *sb_python_export (SbSession   *session,
                        const char  *source_name,
                        GError     **error);

G_END_DECLS
