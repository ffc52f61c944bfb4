/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sys_exec.c -- execve and execveat. The new image gets the shim again
 * even if the caller dropped LD_PRELOAD or PMEMFILE_POOLS from its
 * environment, and starts in the caller's directory of a mount
 * (PMEMFILE_CD). A program stored in a pool runs from a copy the kernel
 * can map (exec_pool.c).
 *
 * This runs in the child of a vfork or posix_spawn too, which shares the
 * parent's memory and has a small stack: a new environment, when one is
 * needed, is built in pages of its own, not with malloc. In a vfork child
 * those pages are the parent's: the parent gives them back when vfork
 * returns (exec_vfork_done; a shell left 8 KiB and a mapping behind each
 * command before), to keep for the next (exec_env_pages).
 */
#include <fcntl.h>
#include <link.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cwd.h"
#include "env.h"
#include "exec_env.h"
#include "exec_fds.h"
#include "exec_ldso.h"
#include "exec_libs.h"
#include "exec_pool.h"
#include "libsyscall_intercept_hook_point.h"
#include "mount.h"
#include "path.h"
#include "sys.h"

#define EXEC_VAR_MAX (PMEMFILE_PATH_MAX + 64)

/* the shim's file: the loader's name for it, kept as long as the shim */
static const char *exec_self = "";
static char *exec_pools; /* PMEMFILE_POOLS=... at start */

/*
 * The pages a vfork child's execve is made with: the child shares this
 * thread's variables with its parent, which unmaps them when vfork
 * returns (the environment, the descriptors' variable, and the memory of
 * a program's, the loader's and the libraries' copies).
 */
#define EXEC_LEFT_MAX 5

struct exec_left {
	void *addr;
	size_t size;
};

static __thread struct exec_left exec_left[EXEC_LEFT_MAX]
    __attribute__((tls_model("initial-exec")));
static __thread int exec_nleft __attribute__((tls_model("initial-exec")));

static void exec_leave(void *addr, size_t size)
{
	if (addr != NULL && exec_nleft < EXEC_LEFT_MAX)
		exec_left[exec_nleft++] = (struct exec_left){addr, size};
}

/*
 * The pages a new environment is built in are kept from one execve to the
 * next, taken by one at a time (others map their own): in a vfork child
 * they are its parent's, and a parent with another thread (a holder's
 * keeper) that unmapped them after each command paid a flush of the other
 * processor's TLB, an interrupt it waits for (a shell holding a mount and
 * running a command a line: ~10 ms in sh's munmap for 200 of them).
 */
#define EXEC_ENV_KEPT (64u << 10)

static void *exec_env_kept;
static _Atomic bool exec_env_kept_busy;

void *exec_map(size_t size)
{
	long p =
	    syscall_no_intercept(SYS_mmap, 0L, size, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return syscall_error_code(p) ? NULL : (void *)p;
}

/* Pages for an environment of size bytes, or NULL. */
static void *exec_env_pages(size_t size)
{
	if (size <= EXEC_ENV_KEPT &&
	    !atomic_exchange(&exec_env_kept_busy, true)) {
		if (exec_env_kept == NULL)
			exec_env_kept = exec_map(EXEC_ENV_KEPT);
		if (exec_env_kept != NULL)
			return exec_env_kept;
		atomic_store(&exec_env_kept_busy, false);
	}
	return exec_map(size);
}

/* What exec_env_pages gave, given back (kept, or unmapped). */
static void exec_pages_done(void *addr, size_t size)
{
	if (addr != NULL && addr == exec_env_kept)
		atomic_store(&exec_env_kept_busy, false);
	else if (addr != NULL)
		syscall_no_intercept(SYS_munmap, addr, size);
}

void exec_vfork_done(void)
{
	for (int i = 0; i < exec_nleft; ++i)
		exec_pages_done(exec_left[i].addr, exec_left[i].size);
	exec_nleft = 0;
}

/* The name the loader has for the object that holds this code. */
static int exec_self_find(struct dl_phdr_info *info, size_t size, void *data)
{
	uintptr_t addr = (uintptr_t)data;

	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type != PT_LOAD || addr < lo ||
		    addr >= lo + ph->p_memsz)
			continue;
		if (info->dlpi_name != NULL)
			exec_self = info->dlpi_name;
		return 1;
	}
	return 0;
}

/*
 * Without dladdr (a search of the symbol table) and printf (whose code
 * pages a program that never prints would fault in): every process
 * started under a mount pays this.
 */
void exec_env_init(void)
{
	static const char var[] = "PMEMFILE_POOLS=";
	const char *pools = env_get("PMEMFILE_POOLS");

	dl_iterate_phdr(exec_self_find, (void *)(uintptr_t)exec_env_init);
	if (pools == NULL)
		return;
	size_t n = strlen(pools);
	exec_pools = malloc(sizeof(var) + n);
	if (exec_pools == NULL)
		return;
	memcpy(exec_pools, var, sizeof(var) - 1);
	memcpy(exec_pools + sizeof(var) - 1, pools, n + 1);
}

static bool env_is(const char *var, const char *name)
{
	size_t n = strlen(name);

	return strncmp(var, name, n) == 0 && var[n] == '=';
}

/* Whether the list (':' or ' ' separated) of LD_PRELOAD names the shim. */
static bool preload_has_self(const char *list)
{
	size_t n = strlen(exec_self);

	for (const char *p = strstr(list, exec_self); p;
	     p = strstr(p + 1, exec_self))
		if ((p == list || p[-1] == ':' || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ':' || p[n] == ' '))
			return true;
	return false;
}

struct exec_env {
	char preload[EXEC_VAR_MAX + EXEC_LIBS_MAX * 24];
	char cd[EXEC_VAR_MAX];
	char *vars[]; /* the new envp */
};

/* Whether envp lacks what the new image needs from the shim. */
static bool exec_env_needs_fix(char *const *envp, bool in_mount)
{
	bool has_preload = false, has_pools = false;

	for (char *const *e = envp; e && *e; ++e) {
		if (env_is(*e, "LD_PRELOAD")) {
			has_preload =
			    !exec_self[0] || preload_has_self(*e + 11);
			if (!has_preload)
				return true;
		} else if (env_is(*e, "PMEMFILE_POOLS")) {
			has_pools = true;
		} else if (env_is(*e, "PMEMFILE_CD") ||
			   env_is(*e, "PMEMFILE_FDS") ||
			   env_is(*e, "PMEMFILE_LDSO_FD") ||
			   env_is(*e, "PMEMFILE_LIBS_FD")) {
			return true;
		}
	}
	return in_mount || !has_preload || (!has_pools && exec_pools);
}

/*
 * The fixed copy of envp, in pages of its own (NULL: no memory); ldso and
 * libs: variables to add, tail: what to add to LD_PRELOAD (or NULL).
 */
static struct exec_env *exec_env_fix(char *const *envp, struct preload_mount *m,
				     const char *cwd, char *fds, char *ldso,
				     char *libs, const char *tail, size_t *size)
{
	size_t n = 0;

	for (char *const *e = envp; e && *e; ++e)
		n++;
	*size = sizeof(struct exec_env) + (n + 6) * sizeof(char *);
	struct exec_env *v = exec_env_pages(*size);
	if (v == NULL)
		return NULL;
	bool has_preload = false, has_pools = false;
	n = 0;
	for (char *const *e = envp; e && *e; ++e) {
		char *var = *e;
		if (env_is(var, "LD_PRELOAD")) {
			has_preload = true;
			bool self = !exec_self[0] || preload_has_self(var + 11);
			if (!self || tail) {
				snprintf(v->preload, sizeof(v->preload),
					 "LD_PRELOAD=%s%s%s%s",
					 self ? "" : exec_self, self ? "" : ":",
					 var + 11, tail ? tail : "");
				var = v->preload;
			}
		} else if (env_is(var, "PMEMFILE_POOLS")) {
			has_pools = true;
		} else if (env_is(var, "PMEMFILE_CD") ||
			   env_is(var, "PMEMFILE_FDS") ||
			   env_is(var, "PMEMFILE_LDSO_FD") ||
			   env_is(var, "PMEMFILE_LIBS_FD")) {
			continue; /* replaced below, or dropped */
		}
		v->vars[n++] = var;
	}
	if (!has_preload && exec_self[0]) {
		snprintf(v->preload, sizeof(v->preload), "LD_PRELOAD=%s%s",
			 exec_self, tail ? tail : "");
		v->vars[n++] = v->preload;
	}
	if (!has_pools && exec_pools)
		v->vars[n++] = exec_pools;
	if (m != NULL) {
		snprintf(v->cd, sizeof(v->cd), "PMEMFILE_CD=%s%s", m->path,
			 cwd[1] ? cwd : "");
		v->vars[n++] = v->cd;
	}
	if (fds != NULL)
		v->vars[n++] = fds;
	if (ldso != NULL)
		v->vars[n++] = ldso;
	if (libs != NULL)
		v->vars[n++] = libs;
	v->vars[n] = NULL;
	return v;
}

/* The variables a keeper process keeps: libpmem's and libpmemobj's. */
static bool keeper_keeps(const char *var)
{
	return strncmp(var, "PMEM", 4) == 0 && !env_is(var, "PMEMFILE_POOLS") &&
	       !env_is(var, "PMEMFILE_CD") && !env_is(var, "PMEMFILE_FDS") &&
	       !env_is(var, "PMEMFILE_LDSO_FD") &&
	       !env_is(var, "PMEMFILE_LIBS_FD") &&
	       !env_is(var, "PMEMFILE_KEEPER");
}

#define KEEPER_ENV_MAX 32

/*
 * A process that cannot hold a pool itself (a vfork child, a fork child
 * of a holder that is gone) starts a keeper process for it: this program
 * again, with the shim and PMEMFILE_KEEPER=pool, which serves the pool
 * from the shim's start instead of running main (preload.c). It is
 * forked twice, so that it is nobody's child to wait for, and keeps no
 * descriptor of the caller's (a pipe's reader would never see its end).
 */
int preload_spawn_keeper(const char *pool)
{
	char keeper[PMEMFILE_PATH_MAX + 32], preload[EXEC_VAR_MAX];
	char *env[KEEPER_ENV_MAX + 3];
	char *argv[] = {"pmemfile-keeper", NULL};
	int n = 0;

	if (!exec_self[0])
		return -ENOTSUP;
	snprintf(keeper, sizeof(keeper), "PMEMFILE_KEEPER=%s", pool);
	snprintf(preload, sizeof(preload), "LD_PRELOAD=%s", exec_self);
	env[n++] = keeper;
	env[n++] = preload;
	for (char **e = environ; e && *e && n < KEEPER_ENV_MAX + 2; ++e)
		if (keeper_keeps(*e))
			env[n++] = *e;
	env[n] = NULL;
	long mid = syscall_no_intercept(SYS_clone, SIGCHLD, 0L, 0L, 0L, 0L);
	if (mid < 0)
		return (int)mid;
	if (mid == 0) {
		if (syscall_no_intercept(SYS_clone, SIGCHLD, 0L, 0L, 0L, 0L) ==
		    0) {
			syscall_no_intercept(SYS_setsid);
			long null =
			    syscall_no_intercept(SYS_open, "/dev/null", O_RDWR);
			for (int fd = 0; fd < 3 && null >= 0; ++fd)
				syscall_no_intercept(SYS_dup2, null, fd);
			syscall_no_intercept(SYS_close_range, 3, ~0U, 0);
			syscall_no_intercept(SYS_execve, "/proc/self/exe", argv,
					     env);
		}
		syscall_no_intercept(SYS_exit_group, 0);
	}
	syscall_no_intercept(SYS_wait4, mid, 0L, 0L, 0L);
	return 0;
}

static long exec_common(long nr, const long a[6], int di, int pi, int ei,
			int depth);

/*
 * A program in a pool: a binary runs from its memfd copy (execveat), a
 * script's interpreter through exec_common again. PRELOAD_PASS: b, di, pi
 * and ei now describe the execveat of the copy, which x holds.
 */
static long exec_from_pool(struct path_res *r, const long a[6], int pi, int ei,
			   int depth, struct exec_pool *x, long b[6])
{
	if (depth >= EXEC_POOL_DEPTH) {
		path_done(r);
		return -ELOOP;
	}
	int ret = exec_pool_prepare(r, (const char *)a[pi],
				    (char *const *)a[pi + 1], x);
	path_done(r);
	if (ret)
		return ret;
	if (x->interp != NULL) {
		long c[6] = {(long)x->interp, (long)x->argv, a[ei], 0, 0, 0};
		long sret = exec_common(SYS_execve, c, -1, 0, 2, depth + 1);
		if (sret == PRELOAD_PASS)
			sret =
			    syscall_no_intercept(SYS_execve, c[0], c[1], c[2]);
		exec_pool_done(x);
		return sret;
	}
	b[0] = x->memfd;
	b[1] = (long)"";
	b[2] = a[pi + 1];
	b[3] = a[ei];
	b[4] = AT_EMPTY_PATH;
	b[5] = 0;
	return PRELOAD_PASS;
}

static long exec_common(long nr, const long a[6], int di, int pi, int ei,
			int depth)
{
	struct path_res r;
	int flags = nr == SYS_execveat ? (int)a[4] : 0;
	int kind =
	    path_resolve(di >= 0 ? a[di] : AT_FDCWD, (const char *)a[pi],
			 ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : PATH_FOLLOW) |
			     ((flags & AT_EMPTY_PATH) ? PATH_EMPTY : 0),
			 &r);
	if (kind < 0)
		return kind;
	long b[6] = {a[0], a[1], a[2], a[3], a[4], a[5]};
	struct exec_pool x = {.memfd = -1};
	struct exec_ldso l = {.memfd = -1};
	if (kind != PATH_POOL && !(flags & AT_EMPTY_PATH)) {
		/* the dynamic loader, its program in a pool */
		exec_ldso_prepare(
		    kind == PATH_KERNEL || di < 0 ? AT_FDCWD : (int)a[di],
		    kind == PATH_KERNEL ? r.path : (const char *)a[pi], flags,
		    (char *const *)a[pi + 1], &l);
		if (l.argv != NULL)
			b[pi + 1] = (long)l.argv;
	}
	struct preload_mount *pm = r.mnt; /* path_done forgets it */
	if (kind == PATH_POOL) {
		long pret = exec_from_pool(&r, a, pi, ei, depth, &x, b);
		if (pret != PRELOAD_PASS)
			return pret;
		nr = SYS_execveat;
		a = b;
		di = -1; /* b[0] is the memfd, not a directory to resolve */
		pi = 1;
		ei = 3;
	}
	char *const *envp = (char *const *)a[ei];
	struct exec_libs libs = {.n = 0};
	if (l.argv != NULL) {
		exec_libs_prepare(l.memfd, false, "", l.prog, envp, l.libpath,
				  &libs);
	} else if (kind == PATH_POOL) {
		if (x.memfd >= 0)
			exec_libs_prepare(x.memfd, false, pm->path,
					  r.cwd_relative ? NULL : r.path, envp,
					  NULL, &libs);
	} else if (!(flags & AT_EMPTY_PATH)) {
		/* the program, or the one the loader is to run */
		const char *kpath = l.kprog		  ? l.kprog
				    : kind == PATH_KERNEL ? r.path
							  : (const char *)a[pi];
		exec_libs_prepare_at(
		    kind == PATH_KERNEL || di < 0 || l.kprog ? AT_FDCWD
							     : (int)a[di],
		    kpath, envp, l.kprog ? l.libpath : NULL, &libs);
	}
	char cwd[PMEMFILE_PATH_MAX];
	bool busy;
	cwd_refresh();
	struct preload_mount *m = cwd_get(cwd, &busy);
	int hidden[EXEC_FDS_MAX];
	char *fds = NULL;
	size_t fds_size = 0;
	int nhidden =
	    fd_table_used ? exec_fds_hide(hidden, &fds, &fds_size) : 0;
	/* after the descriptions to pass got their ids */
	mount_exec_prepare();
	bool fix = exec_env_needs_fix(envp, m != NULL) || fds != NULL ||
		   l.argv != NULL || libs.n > 0;
	if (!fix && kind == PATH_ORIGINAL && nhidden == 0) {
		exec_ldso_done(&l);
		return PRELOAD_PASS;
	}
	struct exec_env *env = NULL;
	size_t size = 0;
	long ret = 0;
	if (fix) {
		env = exec_env_fix(envp, m, cwd, fds,
				   l.argv != NULL ? l.var : NULL,
				   libs.n > 0 ? libs.var : NULL,
				   libs.n > 0 ? libs.tail : NULL, &size);
		if (env == NULL)
			ret = -ENOMEM;
		else
			b[ei] = (long)env->vars;
	}
	if (kind == PATH_KERNEL) {
		b[pi] = (long)r.path;
		if (di >= 0)
			b[di] = AT_FDCWD;
	}
	if (ret == 0 && preload_in_vfork) {
		exec_nleft = 0;
		exec_leave(env, size);
		exec_leave(fds, fds_size);
		exec_leave(x.mem, x.mem_size);
		exec_leave(l.mem, l.mem_size);
		exec_leave(libs.mem, libs.mem_size);
	}
	if (ret == 0)
		ret = syscall_no_intercept(nr, b[0], b[1], b[2], b[3], b[4],
					   b[5]);
	/* it failed: the pages are unmapped here */
	exec_nleft = 0;
	exec_fds_restore(hidden, nhidden, fds, fds_size);
	if (env != NULL)
		exec_pages_done(env, size);
	exec_pool_done(&x);
	exec_ldso_done(&l);
	exec_libs_done(&libs);
	return ret;
}

SYS_HANDLER(execve)
{
	return exec_common(SYS_execve, a, -1, 0, 2, 0);
}

SYS_HANDLER(execveat)
{
	return exec_common(SYS_execveat, a, 0, 1, 3, 0);
}
