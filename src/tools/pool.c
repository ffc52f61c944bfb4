// SPDX-License-Identifier: BSD-3-Clause
/*
 * pool.c -- recognising a pmemfile pool before handing it to libpmemobj, so
 * that a foreign file gets a plain answer rather than a library's guess.
 */
#include "pool.h"
#include "tool.h"
#include "pmemfile/procid.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * The on-media header of a libpmemobj pool (PMDK's format): the signature at
 * the start of the first page, the layout name at the start of the second.
 */
#define POOL_SIGNATURE "PMEMOBJ"
#define POOL_SIGNATURE_LEN 8
#define POOL_LAYOUT_OFFSET 4096
#define POOL_LAYOUT_MAX 1024

/* A layout name worth quoting in a message. */
static bool pool_printable(const char *s)
{
	for (; *s; s++)
		if (!isprint((unsigned char)*s))
			return false;
	return true;
}

static int pool_probe_headers(const char *path, int fd)
{
	char sig[POOL_SIGNATURE_LEN];
	char layout[POOL_LAYOUT_MAX];
	ssize_t n;

	n = pread(fd, sig, sizeof(sig), 0);
	if (n < 0) {
		tool_error("%s: %s", path, strerror(errno));
		return -1;
	}
	if (n != sizeof(sig) || memcmp(sig, POOL_SIGNATURE, sizeof(sig))) {
		tool_error("%s: not a pmemfile pool (no libpmemobj header)",
			   path);
		return -1;
	}
	n = pread(fd, layout, sizeof(layout), POOL_LAYOUT_OFFSET);
	if (n != sizeof(layout)) {
		tool_error("%s: not a pmemfile pool (truncated header)", path);
		return -1;
	}
	layout[sizeof(layout) - 1] = '\0';
	if (strcmp(layout, POOL_LAYOUT) == 0)
		return 0;
	if (pool_printable(layout))
		tool_error("%s: not a pmemfile pool (libpmemobj layout '%s')",
			   path, layout);
	else
		tool_error(
		    "%s: not a pmemfile pool (damaged libpmemobj header)",
		    path);
	return -1;
}

int pool_probe(const char *path)
{
	struct stat st;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		tool_error("%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		tool_error("%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		tool_error("%s: %s", path, strerror(EISDIR));
		ret = -1;
	} else if (S_ISCHR(st.st_mode)) {
		/* A device DAX can only be mapped; libpmemobj checks it. */
		ret = 0;
	} else if (!S_ISREG(st.st_mode)) {
		tool_error("%s: not a pmemfile pool (not a regular file)",
			   path);
		ret = -1;
	} else {
		ret = pool_probe_headers(path, fd);
	}
	close(fd);
	return ret;
}

/* The library's message without the path it may start with; NULL if none. */
static const char *pool_reason(const char *path, const char *msg)
{
	size_t len = strlen(path);

	if (!msg || !msg[0])
		return NULL;
	if (strncmp(msg, path, len) == 0 && strncmp(msg + len, ": ", 2) == 0)
		return msg + len + 2;
	return msg;
}

PMEMfilepool *pool_open(const char *path)
{
	PMEMfilepool *pfp;
	const char *why;

	if (pool_probe(path) != 0)
		return NULL;
	tool_catch_faults(path);
	pfp = pmemfile_pool_open(path);
	/* the command acts for its user, as the kernel knows them */
	if (pfp && pmemfile_cred_of_process(pfp) == 0)
		return pfp;
	if (pfp) {
		tool_error("%s: cannot take this process's identity: %s", path,
			   strerror(errno));
		pmemfile_pool_close(pfp);
		return NULL;
	}
	if (errno == EWOULDBLOCK) {
		tool_error("%s: the pool is in use by another process", path);
		return NULL;
	}
	why = pool_reason(path, pmemfile_errormsg());
	tool_error("%s: cannot open the pool: %s", path,
		   why ? why : strerror(errno));
	return NULL;
}
