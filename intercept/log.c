/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * log.c -- the INTERCEPT_LOG file and the line builder.
 */
#include <fcntl.h>
#include <sys/syscall.h>

#include "libsyscall_intercept_hook_point.h"
#include "intercept.h"
#include "log.h"

int intercept_log_fd = -1;
int intercept_log_detailed;

const char *log_basename(const char *path)
{
	const char *base = path;

	for (; *path != '\0'; path++)
		if (*path == '/')
			base = path + 1;
	return base;
}

void log_char(struct log_line *l, char c)
{
	if (l->len < sizeof(l->buf) - 1)
		l->buf[l->len++] = c;
}

void log_str(struct log_line *l, const char *s)
{
	while (*s != '\0')
		log_char(l, *s++);
}

void log_dec(struct log_line *l, long v)
{
	char digits[24];
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
	int n = 0;

	if (v < 0)
		log_char(l, '-');
	do {
		digits[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	while (n > 0)
		log_char(l, digits[--n]);
}

void log_hex(struct log_line *l, unsigned long v)
{
	char digits[16];
	int n = 0;

	log_str(l, "0x");
	do {
		digits[n++] = "0123456789abcdef"[v & 0xf];
		v >>= 4;
	} while (v != 0);
	while (n > 0)
		log_char(l, digits[--n]);
}

/*
 * Up to max bytes of s (len bytes, or up to its NUL when len < 0), escaped,
 * in quotes, with "..." when cut.
 */
void log_quoted(struct log_line *l, const char *s, long len, long max)
{
	long i;

	if (s == NULL) {
		log_str(l, "NULL");
		return;
	}
	log_char(l, '"');
	for (i = 0; (len < 0 || i < len) && i < max; i++) {
		unsigned char c = (unsigned char)s[i];

		if (len < 0 && c == '\0')
			break;
		if (c == '"' || c == '\\') {
			log_char(l, '\\');
			log_char(l, (char)c);
		} else if (c == '\n') {
			log_str(l, "\\n");
		} else if (c == '\t') {
			log_str(l, "\\t");
		} else if (c < 32 || c >= 127) {
			log_char(l, '\\');
			log_char(l, 'x');
			log_char(l, "0123456789abcdef"[c >> 4]);
			log_char(l, "0123456789abcdef"[c & 0xf]);
		} else {
			log_char(l, (char)c);
		}
	}
	log_char(l, '"');
	if (i == max && (len < 0 ? s[i] != '\0' : i < len))
		log_str(l, "...");
}

void log_write(struct log_line *l)
{
	size_t done = 0;

	if (intercept_log_fd < 0)
		return;
	if (l->len > sizeof(l->buf) - 2)
		l->len = sizeof(l->buf) - 2;
	l->buf[l->len++] = '\n';
	while (done < l->len) {
		long r = syscall_no_intercept(SYS_write, intercept_log_fd,
					      l->buf + done, l->len - done);
		if (r == -4 /* EINTR */)
			continue;
		if (r <= 0)
			return;
		done += (size_t)r;
	}
}

static void path_with_pid(struct log_line *l, const char *path)
{
	size_t n = 0;

	while (path[n] != '\0')
		n++;
	/* A trailing '-' asks for the pid in place of it. */
	if (n > 0 && path[n - 1] == '-') {
		for (size_t i = 0; i + 1 < n; i++)
			log_char(l, path[i]);
		log_char(l, '-');
		log_dec(l, syscall_no_intercept(SYS_getpid));
	} else {
		log_str(l, path);
	}
	l->buf[l->len] = '\0';
}

/* The log's file name, to open it again when the program closed it. */
static struct log_line log_name;

/*
 * The log lives at a high descriptor, where programs that close or reuse
 * 3, 4, ... leave it alone; at least LOG_FD_MIN, above min_fd.
 */
#define LOG_FD_MIN 512

static int move_high(long fd, long min_fd)
{
	long high;

	if (min_fd < LOG_FD_MIN)
		min_fd = LOG_FD_MIN;
	high = syscall_no_intercept(SYS_fcntl, fd, F_DUPFD_CLOEXEC, min_fd);
	if (high < 0)
		return (int)fd;
	syscall_no_intercept(SYS_close, fd);
	return (int)high;
}

static int open_log(int truncate)
{
	int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC;
	long fd;

	if (truncate)
		flags |= O_TRUNC;
	fd = syscall_no_intercept(SYS_open, log_name.buf, flags, 0644);
	if (fd < 0)
		return -1;
	return move_high(fd, 0);
}

void intercept_log_open(const char *path, int truncate)
{
	if (path == NULL || path[0] == '\0')
		return;
	path_with_pid(&log_name, path);
	intercept_log_fd = open_log(truncate);
}

/* Does the call close or replace the log's descriptor? */
static int hits_log_fd(long nr, const long args[6])
{
	unsigned long fd = (unsigned long)intercept_log_fd;

	switch (nr) {
	case SYS_close:
		return (unsigned long)args[0] == fd;
	case SYS_dup2:
	case SYS_dup3:
		return (unsigned long)args[1] == fd;
	case SYS_close_range:
		return (unsigned int)args[0] <= fd &&
		       fd <= (unsigned int)args[1];
	default:
		return 0;
	}
}

void intercept_log_before(long nr, const long args[6])
{
	long high;

	if (!hits_log_fd(nr, args))
		return;
	if (nr == SYS_close_range) {
		if ((unsigned int)args[1] >= 0x7fffffff)
			return; /* opened again afterwards */
		high = syscall_no_intercept(SYS_fcntl, intercept_log_fd,
					    F_DUPFD_CLOEXEC,
					    (long)(unsigned int)args[1] + 1);
	} else {
		high = syscall_no_intercept(SYS_fcntl, intercept_log_fd,
					    F_DUPFD_CLOEXEC, LOG_FD_MIN);
	}
	/* the call itself closes the old number */
	if (high >= 0)
		intercept_log_fd = (int)high;
}

void intercept_log_after(long nr, const long args[6])
{
	if (nr == SYS_close_range && hits_log_fd(nr, args) &&
	    (unsigned int)args[1] >= 0x7fffffff &&
	    !((unsigned long)args[2] & 4 /* CLOSE_RANGE_CLOEXEC */))
		intercept_log_fd = open_log(0);
}

void intercept_log_msg(const char *first, const char *second)
{
	struct log_line l = {0};

	if (intercept_log_fd < 0)
		return;
	log_str(&l, first);
	if (second != NULL)
		log_str(&l, second);
	log_write(&l);
}

void intercept_log_syscall(const struct patch_site *site, long nr,
			   const long args[6], long result, int answered)
{
	struct log_line l = {0};

	if (!intercept_log_detailed) {
		intercept_log_classic(site, nr, args, result, 1);
		return;
	}
	log_str(&l, log_basename(site_object(site)));
	log_char(&l, ' ');
	log_hex(&l, site->offset);
	log_str(&l, " -- ");
	log_syscall_args(&l, nr, args, result);
	log_str(&l, " = ");
	if (nr == SYS_exit || nr == SYS_exit_group ||
	    ((nr == SYS_execve || nr == SYS_execveat) && result == 0)) {
		log_char(&l, '?'); /* logged before: there may be no after */
	} else if (result < 0 && result >= -4095) {
		log_dec(&l, result);
	} else if (nr == SYS_mmap || nr == SYS_brk || nr == SYS_mremap) {
		log_hex(&l, (unsigned long)result);
	} else {
		log_dec(&l, result);
	}
	if (answered)
		log_str(&l, " (answered by the hook)");
	if (site_how(site) == SITE_PATCHED_AT_LOAD)
		log_str(&l, " (site patched at load)");
	else if (site_how(site) == SITE_CAUGHT_BY_NET)
		log_str(&l, " (caught by the net)");
	else if (site_how(site) == SITE_PATCHED_AFTER_NET)
		log_str(&l, " (site patched after the net)");
	log_write(&l);
}
