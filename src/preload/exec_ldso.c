/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * exec_ldso.c -- execve of the dynamic loader with a program in a pool
 * (see exec_ldso.h).
 *
 * The file executed is the loader when it is the one this process runs
 * with (same device and inode), or an ELF file of type ET_DYN with no
 * PT_INTERP whose DT_SONAME is that loader's (another copy or another
 * build of it). A static-pie program or a shared library run as a
 * program has no such DT_SONAME, so its arguments are never touched.
 *
 * The program argument is the first one after the loader's options, as
 * glibc's loader reads them: --list, --verify, --inhibit-cache,
 * --list-tunables, --list-diagnostics, --help and --version stand alone;
 * --library-path, --inhibit-rpath, --audit, --preload, --argv0,
 * --glibc-hwcaps-prepend and --glibc-hwcaps-mask take the next argument.
 * Another argument starting with "--" makes the loader print its usage,
 * and a name without '/' is searched by the loader in its library path:
 * both are left alone. A program in a pool is replaced by
 * /proc/self/fd/N, a memfd copy left open across execve (the new image's
 * shim closes it, PMEMFILE_LDSO_FD); "--argv0 PATH" is added before it,
 * when the caller gave none and the loader is this process's, so that
 * the program's argv[0] is the path as given, as from a kernel directory.
 *
 * This runs in vfork children too: memory comes from mmap, not malloc.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gnu/libc-version.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "exec_env.h"
#include "elf_info.h"
#include "env.h"
#include "exec_known.h"
#include "exec_ldso.h"
#include "exec_pool.h"
#include "libsyscall_intercept_hook_point.h"
#include "mount.h"
#include "path.h"

#define LDSO_VAR "PMEMFILE_LDSO_FD="

static struct {
	bool known;
	bool has_argv0; /* takes --argv0 (glibc 2.33) */
	dev_t dev;
	ino_t ino;
	char soname[256];
} ldso;

static long fd_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	return syscall_no_intercept(SYS_pread64, *(long *)ctx, buf, len, off);
}

/* The ELF names of the file fd: 0, or -errno. */
static int ldso_info(long fd, struct elf_info **e)
{
	*e = exec_map(sizeof(**e));
	if (*e == NULL)
		return -ENOMEM;
	int ret = elf_info_read(fd_read, &fd, *e, true);
	if (ret)
		syscall_no_intercept(SYS_munmap, *e, sizeof(**e));
	return ret;
}

static int find_base(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	const char **name = data;
	if (info->dlpi_addr == getauxval(AT_BASE) && info->dlpi_name &&
	    info->dlpi_name[0] == '/') {
		*name = info->dlpi_name;
		return 1;
	}
	return 0;
}

static void ldso_find(void)
{
	/* the loader's entry has the base the kernel put it at; a process
	 * started as "ld.so prog" has AT_BASE 0: the loader is its exe */
	const char *name = "/proc/self/exe";
	if (getauxval(AT_BASE) != 0)
		dl_iterate_phdr(find_base, &name);
	long fd = syscall_no_intercept(SYS_open, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	struct stat st;
	struct elf_info *e;
	if (syscall_no_intercept(SYS_fstat, fd, &st) == 0 &&
	    ldso_info(fd, &e) == 0) {
		const char *s = elf_info_str(e, e->soname);
		if (e->type == ET_DYN && !e->interp && s &&
		    strlen(s) < sizeof(ldso.soname)) {
			strcpy(ldso.soname, s);
			ldso.dev = st.st_dev;
			ldso.ino = st.st_ino;
			ldso.known = true;
		}
		syscall_no_intercept(SYS_munmap, e, sizeof(*e));
	}
	syscall_no_intercept(SYS_close, fd);
	int major = 0, minor = 0;
	if (sscanf(gnu_get_libc_version(), "%d.%d", &major, &minor) == 2)
		ldso.has_argv0 = major > 2 || (major == 2 && minor >= 33);
}

/* found at the first execve that may run it: most processes run none */
static pthread_once_t ldso_once = PTHREAD_ONCE_INIT;

/* 0: not the loader, 1: another copy of it, 2: this process's loader. */
static int ldso_which(int dirfd, const char *path, int flags)
{
	pthread_once(&ldso_once, ldso_find);
	if (!ldso.known)
		return 0;
	long fd = syscall_no_intercept(
	    SYS_openat, dirfd, path,
	    O_RDONLY | O_CLOEXEC |
		((flags & AT_SYMLINK_NOFOLLOW) ? O_NOFOLLOW : 0));
	if (fd < 0)
		return 0;
	struct stat st;
	struct elf_info *e;
	int which = 0;
	if (syscall_no_intercept(SYS_fstat, fd, &st) != 0) {
		syscall_no_intercept(SYS_close, fd);
		return 0;
	}
	if (st.st_dev == ldso.dev && st.st_ino == ldso.ino) {
		which = 2;
	} else if (exec_known(&st, EXEC_KNOWN_NOT_LOADER)) {
		which = 0;
	} else {
		int ret = ldso_info(fd, &e);
		if (ret == 0) {
			const char *s = elf_info_str(e, e->soname);
			if (e->type == ET_DYN && !e->interp && s &&
			    strcmp(s, ldso.soname) == 0)
				which = 1;
			syscall_no_intercept(SYS_munmap, e, sizeof(*e));
		}
		if (which == 0 && (ret == 0 || ret == -ENOEXEC))
			exec_known_note(&st, EXEC_KNOWN_NOT_LOADER);
	}
	syscall_no_intercept(SYS_close, fd);
	return which;
}

static bool is_one_of(const char *arg, const char *const *list)
{
	for (; *list; ++list)
		if (strcmp(arg, *list) == 0)
			return true;
	return false;
}

/* The index of the program in the loader's argv, or -1; *argv0: given. */
static int ldso_program(char *const *argv, bool *argv0, const char **libpath)
{
	static const char *const alone[] = {"--list",
					    "--verify",
					    "--inhibit-cache",
					    "--list-tunables",
					    "--list-diagnostics",
					    "--help",
					    "--version",
					    NULL};
	static const char *const valued[] = {"--library-path",
					     "--inhibit-rpath",
					     "--audit",
					     "--preload",
					     "--argv0",
					     "--glibc-hwcaps-prepend",
					     "--glibc-hwcaps-mask",
					     NULL};
	*argv0 = false;
	*libpath = NULL;
	if (argv == NULL || argv[0] == NULL)
		return -1;
	for (int i = 1; argv[i] != NULL;) {
		if (is_one_of(argv[i], valued) && argv[i + 1] != NULL) {
			*argv0 |= strcmp(argv[i], "--argv0") == 0;
			if (strcmp(argv[i], "--library-path") == 0)
				*libpath = argv[i + 1];
			i += 2;
		} else if (is_one_of(argv[i], alone)) {
			i++;
		} else if (strncmp(argv[i], "--", 2) == 0) {
			return -1;
		} else {
			return strchr(argv[i], '/') ? i : -1;
		}
	}
	return -1;
}

void exec_ldso_prepare(int dirfd, const char *path, int flags,
		       char *const *argv, struct exec_ldso *x)
{
	x->memfd = -1;
	x->argv = NULL;
	x->mem = NULL;
	x->prog = NULL;
	x->kprog = NULL;
	bool argv0;
	int prog = ldso_program(argv, &argv0, &x->libpath);
	if (prog < 0)
		return;
	int which = ldso_which(dirfd, path, flags);
	if (which == 0)
		return;
	size_t n = 0;
	while (argv[n])
		n++;
	/* argv, /proc/self/fd/N, the variable, the program's path, and the
	 * resolution, which a spawn child's small stack would not hold */
	size_t strs = (n + 3) * sizeof(char *);
	x->mem_size =
	    strs + 96 + 2 * PMEMFILE_PATH_MAX + sizeof(struct path_res);
	x->mem = exec_map(x->mem_size);
	if (x->mem == NULL)
		return;
	char *proc = x->mem + strs;
	x->var = proc + 48;
	char *full = x->var + 48;
	struct path_res *r = (struct path_res *)(full + 2 * PMEMFILE_PATH_MAX);
	int kind = path_resolve(AT_FDCWD, argv[prog], PATH_FOLLOW, r);
	if (kind == PATH_KERNEL || kind == PATH_ORIGINAL) {
		/* its libraries may still be in a mount */
		x->kprog = kind == PATH_KERNEL ? r->path : argv[prog];
		return;
	}
	if (kind != PATH_POOL) {
		exec_ldso_done(x);
		return;
	}
	/* the loader reads the program, it need not be executable */
	long fd = exec_pool_copy(r, R_OK, 0);
	if (!r->cwd_relative && r->path[0] == '/') {
		snprintf(full, 2 * PMEMFILE_PATH_MAX, "%s%s", r->mnt->path,
			 r->path);
		x->prog = full;
	}
	path_done(r);
	if (fd < 0) {
		exec_ldso_done(x);
		return; /* the loader fails to open it, and says so */
	}
	x->memfd = fd;
	snprintf(proc, 48, "/proc/self/fd/%ld", fd);
	snprintf(x->var, 48, LDSO_VAR "%ld", fd);
	char **out = (char **)x->mem;
	size_t k = 0;
	for (size_t i = 0; i < n; ++i) {
		if (i == (size_t)prog) {
			if (!argv0 && which == 2 && ldso.has_argv0) {
				out[k++] = "--argv0";
				out[k++] = argv[i];
			}
			out[k++] = proc;
		} else {
			out[k++] = argv[i];
		}
	}
	out[k] = NULL;
	x->argv = out;
}

void exec_ldso_done(struct exec_ldso *x)
{
	exec_copy_release(&x->memfd, &x->mem, x->mem_size);
	x->argv = NULL;
	x->kprog = NULL;
}

/* Closes fd if it is a memfd (the variables may come from elsewhere). */
static void ldso_close_copy(long fd)
{
	char link[48], target[8];

	snprintf(link, sizeof(link), "/proc/self/fd/%ld", fd);
	if (fd > 2 &&
	    syscall_no_intercept(SYS_readlink, link, target, sizeof(target)) ==
		sizeof(target) &&
	    memcmp(target, "/memfd:", 7) == 0)
		syscall_no_intercept(SYS_close, fd);
}

/* Takes /proc/self/fd/N out of LD_PRELOAD, where exec_libs put it. */
static void ldso_unpreload(long fd)
{
	const char *list = env_get("LD_PRELOAD");
	char name[48];
	if (list == NULL)
		return;
	int n = snprintf(name, sizeof(name), ":/proc/self/fd/%ld", fd);
	char *copy = strdup(list);
	if (copy == NULL)
		return;
	for (char *p = strstr(copy, name); p; p = strstr(p, name)) {
		if (p[n] == '\0' || p[n] == ':') {
			memmove(p, p + n, strlen(p + n) + 1);
			break;
		}
		p += n;
	}
	(void)env_set("LD_PRELOAD", copy);
	free(copy);
}

void exec_ldso_adopt(void)
{
	const char *env = env_get("PMEMFILE_LDSO_FD");
	char *end;
	if (env != NULL) {
		long fd = strtol(env, &end, 10);
		if (*end == '\0')
			ldso_close_copy(fd);
		env_unset("PMEMFILE_LDSO_FD");
	}
	env = env_get("PMEMFILE_LIBS_FD");
	if (env == NULL)
		return;
	for (const char *p = env; *p;) {
		long fd = strtol(p, &end, 10);
		if (end == p || (*end != ',' && *end != '\0'))
			break;
		ldso_close_copy(fd);
		ldso_unpreload(fd);
		p = *end ? end + 1 : end;
	}
	env_unset("PMEMFILE_LIBS_FD");
}
