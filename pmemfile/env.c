// SPDX-License-Identifier: BSD-3-Clause
/*
 * env.c -- the environment variables of the discontinued libpmemfile-posix
 * that keep a meaning here:
 *
 *   PMEMFILE_BLOCK_SIZE=N         every new extent of a pool opened from
 *                                 then on is of the smallest class of at
 *                                 least N bytes (4 KiB times a power of 4,
 *                                 up to the pool's biggest class); an
 *                                 unreadable value or one below 4096 is
 *                                 ignored. Turns off the next one.
 *   PMEMFILE_OVERALLOCATE_ON_APPEND=0
 *                                 an extent added at the end of a file is
 *                                 as big as the write needs, instead of as
 *                                 big as what the file holds already.
 *   PMEMFILE_POSIX_LOG_LEVEL=N    N >= 1: each message that
 *                                 pmemfile_errormsg would return is also
 *                                 written, as it is made, to
 *   PMEMFILE_POSIX_LOG_FILE=path  (appended to; standard error if unset).
 *
 * The pool's two are read when a pool is created or opened, the log's at
 * the first message.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "kcall.h"

void pool_env_read(PMEMfilepool *pfp)
{
	const char *size = getenv("PMEMFILE_BLOCK_SIZE");
	const char *over = getenv("PMEMFILE_OVERALLOCATE_ON_APPEND");
	char *end;

	pfp->block_size = 0;
	pfp->overallocate = !(over != NULL && over[0] == '0');
	if (size == NULL || size[0] == '\0')
		return;
	errno = 0;
	unsigned long long n = strtoull(size, &end, 0);
	if (errno != 0 || *end != '\0' || n < EXTENT_MIN)
		return;
	pfp->block_size = n;
	pfp->overallocate = 0;
}

/* -1 until the first message: then the log's descriptor, or -2 for none. */
static int log_fd = -1;
static pthread_once_t log_once = PTHREAD_ONCE_INIT;

static void log_open(void)
{
	const char *level = getenv("PMEMFILE_POSIX_LOG_LEVEL");
	const char *file = getenv("PMEMFILE_POSIX_LOG_FILE");

	log_fd = -2;
	if (level == NULL || atoi(level) < 1)
		return;
	if (file == NULL || file[0] == '\0') {
		log_fd = STDERR_FILENO;
		return;
	}
	/* numbered high: out of the way of the program's own (kcall.h) */
	int fd = k_fd_high(
	    open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
	if (fd >= 0)
		log_fd = fd;
}

void pf_log_message(const char *msg)
{
	char line[600];
	size_t len;

	pthread_once(&log_once, log_open);
	if (log_fd < 0)
		return;
	len = (size_t)snprintf(line, sizeof(line), "libpmemfile-posix: %s\n",
			       msg);
	if (len >= sizeof(line))
		len = sizeof(line) - 1;
	/* one write: lines of several threads are not mixed */
	if (write(log_fd, line, len) < 0)
		return;
}
