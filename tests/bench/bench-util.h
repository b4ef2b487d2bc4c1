/* bench-util.h — small helpers shared by the benchmark programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The benchmarks print figures; they are not pass/fail tests. Every helper
 * here is static so that each program stays one translation unit.
 */
#pragma once

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <glib.h>

/* "1073741824", "1G", "1GiB", "256M", "64k": binary multiples. */
static inline gboolean
bench_parse_size (const char *text,
                  guint64    *out)
{
  char *end = NULL;
  guint64 v;

  errno = 0;
  v = g_ascii_strtoull (text, &end, 10);
  if (errno != 0 || end == text)
    return FALSE;
  switch (g_ascii_tolower (*end))
    {
    case 'k': v <<= 10; end++; break;
    case 'm': v <<= 20; end++; break;
    case 'g': v <<= 30; end++; break;
    case '\0': break;
    default: return FALSE;
    }
  if (g_ascii_strcasecmp (end, "ib") == 0 || g_ascii_strcasecmp (end, "b") == 0)
    end += strlen (end);
  if (*end != '\0' || v == 0)
    return FALSE;
  *out = v;
  return TRUE;
}

static inline int
bench_cmp_double (const void *a,
                  const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y ? 1 : 0;
}

/* Median (mean of the middle two for an even count); sorts @v. */
static inline double
bench_median (double *v,
              guint   n)
{
  qsort (v, n, sizeof *v, bench_cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static inline double
bench_max (const double *v,
           guint         n)
{
  double m = v[0];
  for (guint i = 1; i < n; i++)
    m = MAX (m, v[i]);
  return m;
}

static inline double
bench_mb_per_s (guint64 bytes,
                gint64  usec)
{
  return usec > 0 ? (double) bytes / (double) usec : 0; /* 10^6 bytes per 10^6 µs */
}

/* A plain blocking TCP listener on 127.0.0.1, port chosen by the kernel. */
static inline int
bench_plain_listen (guint16 *out_port,
                    int      backlog)
{
  struct sockaddr_in sin = { .sin_family = AF_INET };
  socklen_t len = sizeof sin;
  int one = 1;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  if (fd < 0)
    g_error ("socket: %s", g_strerror (errno));
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sin.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (bind (fd, (struct sockaddr *) &sin, sizeof sin) != 0 || listen (fd, backlog) != 0
      || getsockname (fd, (struct sockaddr *) &sin, &len) != 0)
    g_error ("bind/listen: %s", g_strerror (errno));
  *out_port = ntohs (sin.sin_port);
  return fd;
}

/* A plain blocking TCP connection to 127.0.0.1:@port. */
static inline int
bench_plain_connect (guint16 port)
{
  struct sockaddr_in sin = { .sin_family = AF_INET };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  if (fd < 0)
    g_error ("socket: %s", g_strerror (errno));
  sin.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  sin.sin_port = htons (port);
  if (connect (fd, (struct sockaddr *) &sin, sizeof sin) != 0)
    g_error ("connect: %s", g_strerror (errno));
  return fd;
}

/* Write all of @len bytes with plain write(2), @piece at a time. */
static inline void
bench_write_all (int           fd,
                 const guint8 *data,
                 gsize         len,
                 gsize         piece)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, MIN (len, piece));
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          g_error ("write: %s", g_strerror (errno));
        }
      data += n;
      len -= n;
    }
}

static inline const char *
bench_yes_no (gboolean met)
{
  return met ? "yes" : "NO";
}
