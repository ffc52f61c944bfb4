/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * exec_fds.c -- pool descriptors across execve (see exec_fds.h).
 *
 * The new image refers to the same open file descriptions as this one
 * (offset and status flags shared, as the kernel shares them): each is
 * passed as its id in the pool's segment (pmemfile_file_pass), which the
 * new image turns back into a handle (pmemfile_file_adopt). A holder of
 * the pool hands it to a keeper process first (mount_exec_prepare), so
 * the descriptions outlive its memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "exec_env.h"
#include "exec_fds.h"
#include "fd_table.h"
#include "libsyscall_intercept_hook_point.h"
#include "log.h"
#include "mount.h"
#include "env.h"
#include "preload.h"

#define EXEC_FDS_VAR "PMEMFILE_FDS="
#define EXEC_FDS_LINE (PMEMFILE_PATH_MAX + 64)

/* One line for fd, or 0 when it cannot be passed. */
static int exec_fds_line(int fd, char *out, size_t size)
{
	struct preload_file *f = fd_get(fd);
	PMEMfilepool *pfp;
	int n = 0;

	if (f == NULL)
		return 0;
	struct preload_mount *m = f->mnt;
	uint64_t id = 0;
	if (strchr(f->path, '\n') == NULL && pool_acquire(m, &pfp) == 0) {
		id = pmemfile_file_pass(pfp, f->file);
		pool_release(m);
	}
	if (id != 0) {
		/* "d" or "f": the new image needs not ask what it is */
		n = snprintf(out, size, "%d %d %llu %d %c %s\n", fd, f->flags,
			     (unsigned long long)id, (int)(m - mount_table),
			     f->is_dir ? 'd' : 'f', f->path);
		if (n < 0 || (size_t)n >= size)
			n = 0;
	}
	fd_put(f);
	return n;
}

/*
 * "= mount" lines: the pools this process has handles of, whose
 * references the new image drops where it adopted nothing.
 */
static size_t exec_fds_pools(char *out, size_t size)
{
	size_t len = 0;
	for (int i = 0; i < mount_count && !preload_in_vfork; ++i) {
		if (atomic_load(&mount_table[i].pfp) == NULL || size - len < 16)
			continue;
		len += (size_t)snprintf(out + len, size - len, "= %d\n", i);
	}
	return len;
}

/*
 * "+ fd" lines: the library's own descriptors (the lock on each pool's
 * segment first), kept open across the execve so that the segment is held
 * until the new image holds it itself: in between, no process might hold
 * it, and another one leaving or starting would remove it with the
 * descriptions passed. Their close-on-exec flag goes; exec_fds_restore
 * puts it back if the execve fails.
 */
static size_t exec_fds_locks(char *out, size_t size)
{
	struct mount_own_fds o;
	size_t len = 0;

	if (preload_in_vfork)
		return 0; /* the parent holds the segment all along */
	mount_own_fds(&o);
	for (int i = 0; i < o.n && size - len >= 16; ++i) {
		if (syscall_no_intercept(SYS_fcntl, o.fd[i], F_SETFD, 0) != 0)
			continue;
		len +=
		    (size_t)snprintf(out + len, size - len, "+ %d\n", o.fd[i]);
	}
	return len;
}

static char *exec_fds_var(const int *hidden, int n, size_t *size)
{
	*size = sizeof(EXEC_FDS_VAR) + (size_t)n * EXEC_FDS_LINE +
		(size_t)MOUNT_MAX * 16 + MOUNT_OWN_FDS_MAX * 16;
	char *var = exec_map(*size);
	if (var == NULL)
		return NULL;
	size_t len = strlen(strcpy(var, EXEC_FDS_VAR));
	for (int i = 0; i < n; ++i)
		len += (size_t)exec_fds_line(hidden[i], var + len, *size - len);
	len += exec_fds_pools(var + len, *size - len);
	if (len == sizeof(EXEC_FDS_VAR) - 1) {
		syscall_no_intercept(SYS_munmap, var, *size);
		return NULL;
	}
	exec_fds_locks(var + len, *size - len);
	return var;
}

int exec_fds_hide(int hidden[EXEC_FDS_MAX], char **var, size_t *var_size)
{
	int n = 0, limit = fd_table_limit();
	long opath = -1;

	*var = NULL;
	for (int fd = 0; fd < limit && n < EXEC_FDS_MAX; ++fd) {
		if (!fd_is_pool(fd) ||
		    syscall_no_intercept(SYS_fcntl, fd, F_GETFD) != 0)
			continue;
		if (opath < 0)
			opath = syscall_no_intercept(SYS_open, "/",
						     O_PATH | O_CLOEXEC);
		if (opath < 0)
			return 0;
		hidden[n++] = fd;
	}
	if (n > 0)
		*var = exec_fds_var(hidden, n, var_size);
	for (int i = 0; i < n; ++i)
		syscall_no_intercept(SYS_dup2, opath, hidden[i]);
	if (opath >= 0)
		syscall_no_intercept(SYS_close, opath);
	return n;
}

void exec_fds_restore(const int *hidden, int n, char *var, size_t var_size)
{
	for (int i = 0; i < n; ++i) {
		long ev = fd_placeholder(false);
		if (ev < 0)
			continue;
		syscall_no_intercept(SYS_dup2, ev, hidden[i]);
		syscall_no_intercept(SYS_close, ev);
	}
	if (var == NULL)
		return;
	/* the execve failed: the library's descriptors close on exec again */
	for (const char *l = strstr(var, "\n+ "); l; l = strstr(l + 1, "\n+ "))
		syscall_no_intercept(SYS_fcntl, atoi(l + 3), F_SETFD,
				     FD_CLOEXEC);
	syscall_no_intercept(SYS_munmap, var, var_size);
}

/* Makes number fd, which holds our O_PATH stand-in, description id. */
static int exec_fds_adopt_one(int fd, int flags, uint64_t id,
			      struct preload_mount *m, const char *line)
{
	/* "d path" or "f path": a directory or not */
	int kind =
	    (line[0] == 'd' || line[0] == 'f') && line[1] == ' ' ? line[0] : 0;
	const char *path = kind ? line + 2 : line;
	long fl = syscall_no_intercept(SYS_fcntl, fd, F_GETFL);
	PMEMfilepool *pfp;

	if (fl < 0 || !(fl & O_PATH))
		return -EBADF;
	int ret = pool_acquire(m, &pfp);
	if (ret)
		return ret;
	PMEMfile *pf = pmemfile_file_adopt(pfp, id);
	struct stat st;
	ret = pf == NULL ? -errno : 0;
	if (ret == 0 && kind == 0 && pmemfile_fstat(pfp, pf, &st) != 0)
		ret = -errno;
	bool is_dir = kind ? kind == 'd' : S_ISDIR(st.st_mode);
	long ev = ret == 0 ? fd_placeholder(false) : -ENOMEM;
	if (ev >= 0 && syscall_no_intercept(SYS_dup2, ev, fd) == fd)
		ret = fd_attach(fd, m, pf, flags, is_dir, path);
	else if (ret == 0)
		ret = -EBADF;
	if (ev >= 0)
		syscall_no_intercept(SYS_close, ev);
	if (ret != 0 && pf != NULL)
		pmemfile_close(pfp, pf);
	pool_release(m);
	return ret;
}

/* What the previous image referred to in m and passed not, goes. */
static void exec_fds_done(struct preload_mount *m)
{
	PMEMfilepool *pfp;

	if (pool_acquire(m, &pfp) == 0) {
		pmemfile_adopt_done(pfp);
		pool_release(m);
	}
}

void exec_fds_adopt(void)
{
	const char *env = env_get("PMEMFILE_FDS");

	if (env == NULL)
		return;
	char *copy = strdup(env);
	env_unset("PMEMFILE_FDS");
	if (copy == NULL)
		return;
	preload_guard = 1;
	char *save = NULL;
	int locks[MOUNT_OWN_FDS_MAX], nlocks = 0;
	for (char *l = strtok_r(copy, "\n", &save); l != NULL;
	     l = strtok_r(NULL, "\n", &save)) {
		int fd, flags, idx, pos = 0;
		unsigned long long id;
		if (sscanf(l, "+ %d", &fd) == 1) {
			if (fd > 2 && nlocks < MOUNT_OWN_FDS_MAX)
				locks[nlocks++] = fd;
			continue;
		}
		if (sscanf(l, "= %d", &idx) == 1 && idx >= 0 &&
		    idx < mount_count) {
			exec_fds_done(&mount_table[idx]);
			continue;
		}
		if (sscanf(l, "%d %d %llu %d %n", &fd, &flags, &id, &idx,
			   &pos) != 4 ||
		    pos == 0 || idx < 0 || idx >= mount_count)
			continue;
		int ret = exec_fds_adopt_one(fd, flags, id, &mount_table[idx],
					     l + pos);
		if (log_enabled())
			log_printf("descriptor %d from the previous image: %s",
				   fd, ret ? strerror(-ret) : "adopted");
	}
	/* this image holds the segments now (or never will): the previous
	 * image's locks go */
	for (int i = 0; i < nlocks; ++i)
		syscall_no_intercept(SYS_close, locks[i]);
	preload_guard = 0;
	free(copy);
}
