/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * log.c -- PMEMFILE_PRELOAD_LOG=path: one line for each call the shim
 * served, written with one write(2) so that threads do not interleave.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#include "libsyscall_intercept_hook_point.h"
#include "log.h"
#include "preload.h"
#include "syscall_table.h"

/*
 * Kept far above the numbers programs use, so that a program that closes
 * or reuses its low descriptors does not lose the log.
 */
#define LOG_FD_MIN 900

static int log_kfd = -1;

void log_init(const char *path)
{
	long fd = syscall_no_intercept(
	    SYS_open, path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	long high =
	    syscall_no_intercept(SYS_fcntl, fd, F_DUPFD_CLOEXEC, LOG_FD_MIN);
	if (high >= 0) {
		syscall_no_intercept(SYS_close, fd);
		fd = high;
	}
	log_kfd = (int)fd;
}

bool log_enabled(void)
{
	return log_kfd >= 0;
}

int log_fd(void)
{
	return log_kfd;
}

static void log_write(const char *buf, size_t len)
{
	if (log_kfd >= 0)
		syscall_no_intercept(SYS_write, log_kfd, buf, len);
}

void log_printf(const char *fmt, ...)
{
	char buf[512];
	int len = snprintf(buf, sizeof(buf), "%d ", (int)preload_pid);
	va_list ap;

	va_start(ap, fmt);
	len += vsnprintf(buf + len, sizeof(buf) - (size_t)len - 1, fmt, ap);
	va_end(ap);
	if (len > (int)sizeof(buf) - 2)
		len = (int)sizeof(buf) - 2;
	buf[len++] = '\n';
	log_write(buf, (size_t)len);
}

void log_call(long nr, const long args[6], long result)
{
	const struct syscall_entry *e = syscall_entry_of(nr);
	char buf[1024];
	size_t len = 0;

	len += (size_t)snprintf(buf, sizeof(buf), "%d %s(", (int)preload_pid,
				syscall_entry_name(e));
	for (int i = 0; i < 6 && len < sizeof(buf) - 64; ++i) {
		const char *sep = i ? ", " : "";
		if (e->path_args & (1u << i))
			len += (size_t)snprintf(
			    buf + len, sizeof(buf) - len, "%s\"%.200s\"", sep,
			    args[i] ? (const char *)args[i] : "(null)");
		else
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
						"%s%#lx", sep, args[i]);
	}
	if (result < 0 && result >= -4095)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
					") = -1 %s\n",
					strerrorname_np((int)-result));
	else
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
					") = %ld\n", result);
	if (len > sizeof(buf))
		len = sizeof(buf);
	log_write(buf, len);
}
