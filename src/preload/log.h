/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * log.h -- PMEMFILE_PRELOAD_LOG: one line for each call served by the shim.
 */
#ifndef PRELOAD_LOG_H
#define PRELOAD_LOG_H

#include <stdbool.h>

void log_init(const char *path);
bool log_enabled(void);
int log_fd(void);
void log_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_call(long nr, const long args[6], long result);

#endif
