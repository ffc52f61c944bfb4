/* SPDX-License-Identifier: BSD-3-Clause */
/* fmt.h -- how file modes, types and times are shown, as ls and stat do. */
#ifndef PMEMFILE_TOOL_FMT_H
#define PMEMFILE_TOOL_FMT_H 1

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#define FMT_MODE_LEN 11

/* "drwxr-xr-x", with s/S/t/T for the set-id and sticky bits. */
void fmt_mode(mode_t mode, char buf[FMT_MODE_LEN]);

/* "regular file", "directory", "symbolic link", ... */
const char *fmt_type(mode_t mode);

/* Local time, "2026-11-28 00:40" or with seconds, nanoseconds and zone. */
void fmt_time(const struct timespec *ts, bool precise, char *buf, size_t len);

#endif
