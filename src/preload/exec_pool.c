/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * exec_pool.c -- execve of a program stored in a pool (see exec_pool.h).
 *
 * The kernel maps programs from kernel files only. A binary is copied
 * into a memfd, which execveat runs (AT_EMPTY_PATH): the new image's
 * /proc/self/exe is that memfd ("/memfd:NAME (deleted)"), argv is the
 * caller's. A "#!" script is done as the kernel's binfmt_script does it:
 * its interpreter runs with the optional argument of the "#!" line and
 * the script's path as given, and the interpreter, in a pool or in the
 * kernel, goes through execve again. Set-user-ID bits of files in a pool
 * are not honoured.
 *
 * This runs in vfork children too: memory comes from mmap, not malloc.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "exec_env.h"
#include "exec_pool.h"
#include "libsyscall_intercept_hook_point.h"

/* What the kernel reads of a file to tell its kind (BINPRM_BUF_SIZE). */
#define EXEC_HEAD 256
#define EXEC_COPY_CHUNK (1 << 20)

/* Copies the whole file into a new memfd; the memfd or -errno. */
static long exec_copy(PMEMfilepool *pfp, PMEMfile *f, const char *path,
		      unsigned memfd_flags)
{
	const char *base = strrchr(path, '/');
	long fd = syscall_no_intercept(SYS_memfd_create, base ? base + 1 : path,
				       memfd_flags);
	if (fd < 0)
		return fd;
	char *buf = exec_map(EXEC_COPY_CHUNK);
	long ret = buf ? 0 : -ENOMEM;
	for (pmemfile_off_t off = 0; ret == 0;) {
		pmemfile_ssize_t n =
		    pmemfile_pread(pfp, f, buf, EXEC_COPY_CHUNK, off);
		if (n < 0)
			ret = -errno;
		if (n <= 0)
			break;
		for (pmemfile_ssize_t done = 0; done < n && ret == 0;) {
			long w = syscall_no_intercept(SYS_write, fd, buf + done,
						      n - done);
			if (w < 0)
				ret = w;
			else
				done += w;
		}
		off += n;
	}
	if (buf)
		syscall_no_intercept(SYS_munmap, buf, EXEC_COPY_CHUNK);
	if (ret < 0) {
		syscall_no_intercept(SYS_close, fd);
		return ret;
	}
	return fd;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * A "#!" line of head (len bytes): the interpreter and its optional
 * argument, NUL-terminated in place. -ENOEXEC when there is none.
 */
static int exec_script_line(char *head, size_t len, char **interp, char **arg)
{
	char *end = memchr(head, '\n', len);
	if (end == NULL) {
		if (len < EXEC_HEAD)
			end = head + len;
		else
			return -ENOEXEC; /* the kernel's limit, as it says */
	}
	*end = '\0';
	char *p = head + 2;
	while (is_blank(*p))
		p++;
	if (*p == '\0')
		return -ENOEXEC;
	*interp = p;
	while (*p && !is_blank(*p))
		p++;
	*arg = NULL;
	if (*p) {
		*p++ = '\0';
		while (is_blank(*p))
			p++;
		char *e = p + strlen(p);
		while (e > p && is_blank(e[-1]))
			*--e = '\0';
		if (*p)
			*arg = p;
	}
	return 0;
}

/* The argv of the interpreter: interp [arg] script argv[1...]. */
static int exec_script_argv(struct exec_pool *x, char *const *argv,
			    const char *interp, const char *arg,
			    const char *script)
{
	size_t n = 0, strs = strlen(interp) + strlen(script) + 2 +
			     (arg ? strlen(arg) + 1 : 0);
	for (char *const *v = argv; v && *v; ++v)
		n++;
	x->mem_size = (n + 4) * sizeof(char *) + strs;
	x->mem = exec_map(x->mem_size);
	if (x->mem == NULL)
		return -ENOMEM;
	char **out = (char **)x->mem;
	char *s = x->mem + (n + 4) * sizeof(char *);
	size_t k = 0;
	const char *first[3] = {interp, arg, script};
	for (int i = 0; i < 3; ++i) {
		if (first[i] == NULL)
			continue;
		out[k++] = strcpy(s, first[i]);
		s += strlen(first[i]) + 1;
	}
	for (size_t i = 1; i < n; ++i)
		out[k++] = argv[i];
	out[k] = NULL;
	x->argv = out;
	x->interp = out[0];
	return 0;
}

/*
 * The file of r opened for reading, as the kernel opens a program: a
 * searchable path to a regular file the caller may access with mode.
 */
static long open_regular(struct path_res *r, int mode, PMEMfile **out)
{
	if (pmemfile_faccessat(r->pfp, path_at(r), r->path, mode, AT_EACCESS) !=
	    0)
		return -errno;
	PMEMfile *f = pmemfile_openat(r->pfp, path_at(r), r->path, O_RDONLY, 0);
	if (f == NULL)
		return -errno;
	pmemfile_stat_t st;
	long ret = pmemfile_fstat(r->pfp, f, &st) ? -errno : 0;
	if (ret == 0 && !S_ISREG(st.st_mode))
		ret = -EACCES;
	if (ret != 0) {
		pmemfile_close(r->pfp, f);
		return ret;
	}
	*out = f;
	return 0;
}

int exec_pool_prepare(struct path_res *r, const char *given, char *const *argv,
		      struct exec_pool *x)
{
	x->memfd = -1;
	x->interp = NULL;
	x->mem = NULL;
	PMEMfile *f;
	int ret = (int)open_regular(r, X_OK, &f);
	if (ret)
		return ret;
	char head[EXEC_HEAD + 1];
	pmemfile_ssize_t n = pmemfile_pread(r->pfp, f, head, EXEC_HEAD, 0);
	if (n < 0)
		ret = -errno;
	if (ret == 0 && n >= 2 && head[0] == '#' && head[1] == '!') {
		char *interp, *arg;
		head[n] = '\0';
		ret = exec_script_line(head, (size_t)n, &interp, &arg);
		if (ret == 0)
			ret = exec_script_argv(x, argv, interp, arg, given);
	} else if (ret == 0) {
		long fd = exec_copy(r->pfp, f, r->path, MFD_CLOEXEC);
		if (fd < 0)
			ret = (int)fd;
		else
			x->memfd = fd;
	}
	pmemfile_close(r->pfp, f);
	return ret;
}

long exec_pool_copy(struct path_res *r, int mode, unsigned memfd_flags)
{
	PMEMfile *f;
	long ret = open_regular(r, mode, &f);
	if (ret)
		return ret;
	ret = exec_copy(r->pfp, f, r->path, memfd_flags);
	pmemfile_close(r->pfp, f);
	return ret;
}

void exec_copy_release(long *memfd, char **mem, size_t mem_size)
{
	if (*memfd >= 0)
		syscall_no_intercept(SYS_close, *memfd);
	if (*mem != NULL)
		syscall_no_intercept(SYS_munmap, *mem, mem_size);
	*memfd = -1;
	*mem = NULL;
}

void exec_pool_done(struct exec_pool *x)
{
	exec_copy_release(&x->memfd, &x->mem, x->mem_size);
}
