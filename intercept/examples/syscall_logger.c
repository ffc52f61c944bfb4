// SPDX-License-Identifier: BSD-3-Clause
/*
 * syscall_logger.c -- syscall_logger.so, an strace built on the hook API.
 *
 *   LD_PRELOAD=syscall_logger.so [SYSCALL_LOGGER_FILE=path] program...
 *
 * Writes one line per system call of the program:
 *   <pid> <name>(<arg>, ...) = <result>
 * to stderr, or appended to the file named by SYSCALL_LOGGER_FILE. Path
 * arguments of the common calls are shown quoted.
 *
 * The logger makes each call itself with syscall_no_intercept and answers
 * the hook with the result, so that one write(2) per line is all it adds.
 * Its file is kept open at a high descriptor: a close of it is answered
 * with EBADF, a close_range over it is split around it (one more call), a
 * dup2 onto it moves it first (one more call).
 * The calls that cannot be made from inside a hook are passed to the
 * kernel: the clone family (the child returns on another stack; the line is
 * written by the clone_parent_args hook, with the new id), and exit/exit_group
 * (logged first, as they never return). execve is logged before it is made
 * (its pointers as numbers) and, if it fails, once more with its result.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include <libsyscall_intercept_hook_point.h>

static const char *const logger_names[] = {
#include "syscall_names.h"
};

#define LOGGER_NAMES (sizeof(logger_names) / sizeof(logger_names[0]))
#define LOGGER_LINE_MAX 512
#define LOGGER_STRING_MAX 64
/* Where the log descriptor is moved, out of the way of the program's. */
#define LOGGER_HIGH_FD 900

static int logger_fd = 2;
/* Set when logger_fd is our own file, which the program must not close. */
static int logger_owns_fd;
/*
 * The process id the lines start with, fetched at start and again, once,
 * in a new process (0 until then), never once per line.
 */
static long logger_pid;

static long current_pid(void)
{
	if (logger_pid == 0)
		logger_pid = syscall_no_intercept(SYS_getpid);
	return logger_pid;
}

struct line {
	char buf[LOGGER_LINE_MAX];
	size_t len;
};

static void put_char(struct line *l, char c)
{
	if (l->len < LOGGER_LINE_MAX - 1)
		l->buf[l->len++] = c;
}

static void put_str(struct line *l, const char *s)
{
	while (*s != '\0')
		put_char(l, *s++);
}

static void put_num(struct line *l, unsigned long v, unsigned base)
{
	char digits[24];
	int n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v != 0);
	while (n > 0)
		put_char(l, digits[--n]);
}

static void put_dec(struct line *l, long v)
{
	if (v < 0) {
		put_char(l, '-');
		put_num(l, -(unsigned long)v, 10);
		return;
	}
	put_num(l, (unsigned long)v, 10);
}

static void put_hex(struct line *l, unsigned long v)
{
	put_str(l, "0x");
	put_num(l, v, 16);
}

static void put_quoted(struct line *l, const char *s)
{
	int i;

	put_char(l, '"');
	for (i = 0; i < LOGGER_STRING_MAX && s[i] != '\0'; i++) {
		char c = s[i];

		if (c == '"' || c == '\\')
			put_char(l, '\\');
		if (c >= ' ' && c <= '~') {
			put_char(l, c);
		} else {
			put_str(l, "\\x");
			put_char(l, "0123456789abcdef"[(c >> 4) & 0xf]);
			put_char(l, "0123456789abcdef"[c & 0xf]);
		}
	}
	put_char(l, '"');
	if (s[i] != '\0')
		put_str(l, "...");
}

/* Which arguments of nr are paths: bit i for argument i. */
static unsigned path_args(long nr)
{
	switch (nr) {
	case SYS_open:
	case SYS_stat:
	case SYS_lstat:
	case SYS_access:
	case SYS_execve:
	case SYS_chdir:
	case SYS_mkdir:
	case SYS_rmdir:
	case SYS_unlink:
	case SYS_readlink:
	case SYS_truncate:
	case SYS_chmod:
	case SYS_creat:
		return 1u << 0;
	case SYS_rename:
	case SYS_link:
	case SYS_symlink:
		return 1u << 0 | 1u << 1;
	case SYS_openat:
	case SYS_newfstatat:
	case SYS_faccessat:
	case SYS_faccessat2:
	case SYS_mkdirat:
	case SYS_unlinkat:
	case SYS_readlinkat:
	case SYS_statx:
	case SYS_execveat:
	case SYS_fchmodat:
		return 1u << 1;
	case SYS_renameat:
	case SYS_renameat2:
		return 1u << 1 | 1u << 3;
	}
	return 0;
}

/*
 * Starts a line: pid, name and arguments. A path is read only when the call
 * did not fail with EFAULT, so a bad pointer is never dereferenced here.
 */
static void put_call(struct line *l, long nr, const long args[6], int paths)
{
	unsigned strings = paths ? path_args(nr) : 0;

	put_dec(l, current_pid());
	put_char(l, ' ');
	if (nr >= 0 && (unsigned long)nr < LOGGER_NAMES &&
	    logger_names[nr] != NULL) {
		put_str(l, logger_names[nr]);
	} else {
		put_str(l, "syscall_");
		put_dec(l, nr);
	}
	put_char(l, '(');
	for (int i = 0; i < 6; i++) {
		if (i > 0)
			put_str(l, ", ");
		if ((strings & (1u << i)) && args[i] != 0)
			put_quoted(l, (const char *)args[i]);
		else
			put_hex(l, (unsigned long)args[i]);
	}
	put_char(l, ')');
}

static void put_result(struct line *l, long result)
{
	put_str(l, " = ");
	put_dec(l, result);
	if (syscall_error_code(result) != 0) {
		put_str(l, " (errno ");
		put_dec(l, syscall_error_code(result));
		put_char(l, ')');
	}
	put_char(l, '\n');
}

static void emit(struct line *l)
{
	syscall_no_intercept(SYS_write, logger_fd, l->buf, l->len);
}

static int logger_passes_through(long nr)
{
	switch (nr) {
	case SYS_clone:
	case SYS_clone3:
	case SYS_fork:
	case SYS_vfork:
	case SYS_exit:
	case SYS_exit_group:
	case SYS_rt_sigreturn:
		return 1;
	}
	return 0;
}

/*
 * Keeps the log file open when the program closes descriptors it did not
 * open (as shells and python's subprocess do) or puts one of its own at our
 * number. Returns 1 when the call was made here, its result in *result.
 */
static int logger_keep_fd(long nr, const long args[6], long *result)
{
	long fd = logger_fd;

	if (!logger_owns_fd)
		return 0;
	switch (nr) {
	case SYS_close:
		if (args[0] != fd)
			return 0;
		/* As if the program's close came before our open. */
		*result = -EBADF;
		return 1;
	case SYS_close_range:
		if ((unsigned long)args[0] > (unsigned long)fd ||
		    (unsigned long)args[1] < (unsigned long)fd)
			return 0;
		*result = 0;
		if (args[0] < fd)
			*result = syscall_no_intercept(SYS_close_range, args[0],
						       fd - 1, args[2]);
		if (*result == 0 && (unsigned long)args[1] > (unsigned long)fd)
			*result = syscall_no_intercept(SYS_close_range, fd + 1,
						       args[1], args[2]);
		return 1;
	case SYS_dup2:
	case SYS_dup3:
		if (args[1] != fd)
			return 0;
		/* Move out of the way; the call then replaces the old one. */
		fd = syscall_no_intercept(SYS_fcntl, fd, F_DUPFD_CLOEXEC,
					  LOGGER_HIGH_FD);
		if (fd >= 0)
			logger_fd = (int)fd;
		return 0;
	}
	return 0;
}

static int logger_hook(long nr, long a0, long a1, long a2, long a3, long a4,
		       long a5, long *result)
{
	const long args[6] = {a0, a1, a2, a3, a4, a5};
	struct line l = {.len = 0};

	if (logger_passes_through(nr)) {
		if (nr == SYS_exit || nr == SYS_exit_group) {
			put_call(&l, nr, args, 1);
			put_str(&l, " = ?\n");
			emit(&l);
		}
		return 1;
	}
	if (nr == SYS_execve || nr == SYS_execveat) {
		/* Its paths are read only once the call has checked them. */
		put_call(&l, nr, args, 0);
		put_str(&l, " ...\n");
		emit(&l);
		l.len = 0;
	}
	if (!logger_keep_fd(nr, args, result))
		*result = syscall_no_intercept(nr, a0, a1, a2, a3, a4, a5);
	put_call(&l, nr, args, *result != -EFAULT);
	put_result(&l, *result);
	emit(&l);
	return 0;
}

static void logger_clone_parent(unsigned long flags, void *stack, int *ptid,
				int *ctid, long tls, long returned)
{
	struct line l = {.len = 0};

	/*
	 * A child that shared our memory (vfork, posix_spawn) may have stored
	 * its own pid in logger_pid.
	 */
	if ((flags & CLONE_VM) && !(flags & CLONE_THREAD))
		logger_pid = 0;
	put_dec(&l, current_pid());
	put_str(&l, " clone(flags ");
	put_hex(&l, flags);
	put_str(&l, ", stack ");
	put_hex(&l, (unsigned long)stack);
	put_str(&l, ", ...)");
	(void)ptid, (void)ctid, (void)tls;
	put_result(&l, returned);
	emit(&l);
}

static void logger_clone_child(unsigned long flags, void *stack, int *ptid,
			       int *ctid, long tls)
{
	(void)stack, (void)ptid, (void)ctid, (void)tls;
	if (!(flags & CLONE_THREAD))
		logger_pid = 0;
}

static __attribute__((constructor)) void logger_init(void)
{
	const char *path = getenv("SYSCALL_LOGGER_FILE");

	if (path != NULL) {
		long fd = syscall_no_intercept(
		    SYS_openat, AT_FDCWD, path,
		    O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (fd < 0)
			return;
		long high = syscall_no_intercept(SYS_fcntl, fd, F_DUPFD_CLOEXEC,
						 LOGGER_HIGH_FD);
		if (high >= 0) {
			syscall_no_intercept(SYS_close, fd);
			fd = high;
		}
		logger_fd = (int)fd;
		logger_owns_fd = 1;
	}
	current_pid();
	intercept_hook_point_clone_child_args = logger_clone_child;
	intercept_hook_point_clone_parent_args = logger_clone_parent;
	intercept_hook_point = logger_hook;
}
