/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * exec_libs.c -- a program's start-up libraries stored in a pool (see
 * exec_libs.h).
 *
 * The search follows glibc's loader for each name needed, breadth first
 * from the program: a name with '/' is a path; otherwise, for an object
 * with DT_RUNPATH, LD_LIBRARY_PATH and then its DT_RUNPATH; for one
 * without, its DT_RPATH, the program's (when the program has no
 * DT_RUNPATH) and then LD_LIBRARY_PATH. An empty entry is the current
 * directory; $ORIGIN and ${ORIGIN} are the directory of the object; an
 * entry with another $ token is skipped. The first directory holding a
 * readable ELF file of this machine ends the search: in a mount it is
 * copied (when its DT_SONAME is the name needed: the loader matches a
 * preloaded object by it), in the kernel the loader finds it itself, and
 * the names it needs are looked for in turn. What no directory holds is
 * left to the loader's own directories, which are the kernel's.
 *
 * Nothing is done for a set-user-ID or set-group-ID program (the loader
 * ignores LD_LIBRARY_PATH and LD_PRELOAD paths there), nor when no
 * directory of the program's search lies in a mount.
 *
 * This runs in vfork children too: memory comes from mmap, not malloc.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "exec_env.h"
#include "elf_info.h"
#include "exec_known.h"
#include "exec_libs.h"
#include "exec_pool.h"
#include "libsyscall_intercept_hook_point.h"
#include "path.h"

#define LIBS_OBJS (EXEC_LIBS_MAX + 16)
#define LIBS_QUEUE 256
#define LIBS_NAME 256
#define LIBS_LIST 2048

/* An object looked at: the program, a copy, or a library of the kernel. */
struct libs_obj {
	char origin[PMEMFILE_PATH_MAX];
	char runpath[LIBS_LIST];
	char rpath[LIBS_LIST];
	bool has_runpath;
};

struct libs_work {
	struct elf_info info;
	struct libs_obj objs[LIBS_OBJS];
	int nobjs;
	struct {
		char name[LIBS_NAME];
		int from;
	} queue[LIBS_QUEUE];
	int qhead, qtail;
	char known[LIBS_QUEUE][LIBS_NAME]; /* names needed or provided */
	int nknown;
	const char *libpath;
	struct path_res r; /* not on the stack: a spawn child's is small */
	char dir[PMEMFILE_PATH_MAX];
	char path[PMEMFILE_PATH_MAX];
	char tail[EXEC_LIBS_MAX * 24 + 1];
	char var[EXEC_LIBS_MAX * 24 + 32];
};

static long fd_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	return syscall_no_intercept(SYS_pread64, *(long *)ctx, buf, len, off);
}

static bool libs_known(struct libs_work *w, const char *name)
{
	for (int i = 0; i < w->nknown; ++i)
		if (strcmp(w->known[i], name) == 0)
			return true;
	return false;
}

static void libs_know(struct libs_work *w, const char *name)
{
	if (name != NULL && w->nknown < LIBS_QUEUE &&
	    strlen(name) < LIBS_NAME && !libs_known(w, name))
		strcpy(w->known[w->nknown++], name);
}

/* Copies s (may be NULL) into out of LIBS_LIST bytes: false if too long. */
static bool libs_copy(char *out, const char *s)
{
	if (s == NULL) {
		out[0] = '\0';
		return true;
	}
	if (strlen(s) >= LIBS_LIST)
		return false;
	strcpy(out, s);
	return true;
}

/*
 * A new object from w->info (origin: its directory, or NULL): its search
 * lists kept, its needed names queued. Its index, or -1 when full.
 */
static int libs_add(struct libs_work *w, const char *origin)
{
	if (w->nobjs == LIBS_OBJS)
		return -1;
	struct libs_obj *o = &w->objs[w->nobjs];
	const struct elf_info *e = &w->info;
	if (!libs_copy(o->runpath, elf_info_str(e, e->runpath)) ||
	    !libs_copy(o->rpath, elf_info_str(e, e->rpath)) ||
	    (origin && strlen(origin) >= sizeof(o->origin)))
		return -1;
	o->has_runpath = e->runpath >= 0;
	strcpy(o->origin, origin ? origin : "");
	int idx = w->nobjs++;
	libs_know(w, elf_info_str(e, e->soname));
	for (int i = 0; i < e->nneeded; ++i) {
		const char *name = elf_info_str(e, e->needed[i]);
		if (w->qtail == LIBS_QUEUE || strlen(name) >= LIBS_NAME)
			continue;
		strcpy(w->queue[w->qtail].name, name);
		w->queue[w->qtail++].from = idx;
	}
	return idx;
}

/*
 * Directory entry [s, s + n) of object o, $ORIGIN expanded, into w->dir:
 * false when it cannot be (another $ token, no origin, too long).
 */
static bool libs_dir(struct libs_work *w, const struct libs_obj *o,
		     const char *s, size_t n)
{
	size_t k = 0;
	if (n == 0) {
		strcpy(w->dir, ".");
		return true;
	}
	for (size_t i = 0; i < n;) {
		if (s[i] != '$') {
			if (k + 1 >= sizeof(w->dir))
				return false;
			w->dir[k++] = s[i++];
			continue;
		}
		size_t len;
		if (n - i >= 7 && strncmp(s + i, "$ORIGIN", 7) == 0)
			len = 7;
		else if (n - i >= 9 && strncmp(s + i, "${ORIGIN}", 9) == 0)
			len = 9;
		else
			return false;
		size_t olen = strlen(o->origin);
		if (olen == 0 || k + olen + 1 >= sizeof(w->dir))
			return false;
		memcpy(w->dir + k, o->origin, olen);
		k += olen;
		i += len;
	}
	w->dir[k] = '\0';
	return true;
}

/* Whether a directory of the list (':' separated) lies in a mount. */
static bool libs_list_in_mount(struct libs_work *w, const struct libs_obj *o,
			       const char *list)
{
	for (const char *s = list; s != NULL && *s;) {
		const char *end = strchr(s, ':');
		size_t n = end ? (size_t)(end - s) : strlen(s);
		if (libs_dir(w, o, s, n) &&
		    path_resolve(AT_FDCWD, w->dir, PATH_FOLLOW, &w->r) ==
			PATH_POOL) {
			path_done(&w->r);
			return true;
		}
		s = end ? end + 1 : NULL;
	}
	return false;
}

enum libs_found { LIBS_NONE, LIBS_STOP };

/*
 * Looks for name in dir (w->dir): LIBS_NONE to go on to the next
 * directory, LIBS_STOP when the loader takes it from here.
 */
static int libs_try(struct libs_work *w, const char *name, struct exec_libs *x)
{
	if ((size_t)snprintf(w->path, sizeof(w->path), "%s/%s", w->dir, name) >=
	    sizeof(w->path))
		return LIBS_NONE;
	struct path_res *r = &w->r;
	int kind = path_resolve(AT_FDCWD, w->path, PATH_FOLLOW, r);
	if (kind < 0)
		return LIBS_NONE;
	char *slash = strrchr(w->path, '/');
	*slash = '\0'; /* w->path is now the directory, for $ORIGIN */
	if (kind == PATH_POOL) {
		long fd = exec_pool_copy(r, R_OK, 0);
		path_done(r);
		if (fd < 0)
			return LIBS_NONE;
		const char *soname;
		if (elf_info_read(fd_read, &fd, &w->info, false) != 0 ||
		    w->info.type != ET_DYN) {
			syscall_no_intercept(SYS_close, fd);
			return LIBS_NONE; /* the loader skips it too */
		}
		soname = elf_info_str(&w->info, w->info.soname);
		if (x->n == EXEC_LIBS_MAX || soname == NULL ||
		    strcmp(soname, name) != 0 ||
		    libs_add(w, w->path[0] == '/' ? w->path : NULL) < 0) {
			/* the loader fails to open it, and says so */
			syscall_no_intercept(SYS_close, fd);
			return LIBS_STOP;
		}
		x->fds[x->n++] = fd;
		return LIBS_STOP;
	}
	const char *kpath = kind == PATH_KERNEL ? r->path : w->path;
	if (kind != PATH_KERNEL)
		*slash = '/';
	long fd = syscall_no_intercept(SYS_open, kpath, O_RDONLY | O_CLOEXEC);
	*slash = '\0';
	if (fd < 0)
		return LIBS_NONE;
	int ret = elf_info_read(fd_read, &fd, &w->info, false);
	syscall_no_intercept(SYS_close, fd);
	if (ret != 0 || w->info.type != ET_DYN)
		return LIBS_NONE;
	libs_add(w, w->path[0] == '/' ? w->path : NULL);
	return LIBS_STOP;
}

/* Searches the list of object o for name: true when found. */
static bool libs_search(struct libs_work *w, const struct libs_obj *o,
			const char *list, const char *name, struct exec_libs *x)
{
	for (const char *s = list; s != NULL && *s;) {
		const char *end = strchr(s, ':');
		size_t n = end ? (size_t)(end - s) : strlen(s);
		if (libs_dir(w, o, s, n) && libs_try(w, name, x) == LIBS_STOP)
			return true;
		s = end ? end + 1 : NULL;
	}
	return false;
}

static void libs_find(struct libs_work *w, const char *name, int from,
		      struct exec_libs *x)
{
	const struct libs_obj *o = &w->objs[from];
	const struct libs_obj *prog = &w->objs[0];

	if (strchr(name, '/') != NULL) {
		if (strlen(name) < sizeof(w->dir)) {
			char *slash = strrchr(name, '/');
			memcpy(w->dir, name, (size_t)(slash - name));
			w->dir[slash - name] = '\0';
			libs_try(w, slash + 1, x);
		}
		return;
	}
	if (o->has_runpath) {
		if (libs_search(w, o, w->libpath, name, x) ||
		    libs_search(w, o, o->runpath, name, x))
			return;
		return;
	}
	if (libs_search(w, o, o->rpath, name, x))
		return;
	if (from != 0 && !prog->has_runpath &&
	    libs_search(w, prog, prog->rpath, name, x))
		return;
	libs_search(w, o, w->libpath, name, x);
}

static const char *env_value(char *const *envp, const char *name)
{
	size_t n = strlen(name);

	for (char *const *e = envp; e && *e; ++e)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

void exec_libs_prepare(long fd, bool kernel_file, const char *prefix,
		       const char *path, char *const *envp, const char *libpath,
		       struct exec_libs *x)
{
	struct stat st;

	x->n = 0;
	x->mem = NULL;
	if (syscall_no_intercept(SYS_fstat, fd, &st) != 0 ||
	    (st.st_mode & (S_ISUID | S_ISGID)))
		return;
	if (libpath == NULL)
		libpath = env_value(envp, "LD_LIBRARY_PATH");
	/* no directory to look in: the loader takes them all itself */
	if (kernel_file && (libpath == NULL || libpath[0] == '\0') &&
	    exec_known(&st, EXEC_KNOWN_NO_LIB_DIRS))
		return;
	x->mem_size = sizeof(struct libs_work);
	x->mem = exec_map(x->mem_size);
	if (x->mem == NULL)
		return;
	struct libs_work *w = x->mem;
	w->libpath = libpath;
	/* the origin, prefix and the directory of path, into w->dir */
	const char *slash = path ? strrchr(path, '/') : NULL;
	const char *origin = NULL;
	if (slash != NULL && (prefix[0] == '/' || path[0] == '/') &&
	    (size_t)snprintf(w->dir, sizeof(w->dir), "%s%.*s", prefix,
			     (int)(slash - path), path) < sizeof(w->dir))
		origin = w->dir[0] ? w->dir : "/";
	int ret = elf_info_read(fd_read, &fd, &w->info, false);
	if (ret == -ENOEXEC || (ret == 0 && w->info.nneeded == 0)) {
		if (kernel_file)
			exec_known_note(&st, EXEC_KNOWN_NO_LIB_DIRS);
		goto none;
	}
	if (ret != 0 || libs_add(w, origin) != 0)
		goto none;
	struct libs_obj *prog = &w->objs[0];
	if (kernel_file && prog->runpath[0] == '\0' && prog->rpath[0] == '\0')
		exec_known_note(&st, EXEC_KNOWN_NO_LIB_DIRS);
	if (!libs_list_in_mount(w, prog, w->libpath) &&
	    !libs_list_in_mount(w, prog, prog->runpath) &&
	    !libs_list_in_mount(w, prog, prog->rpath))
		goto none;
	while (w->qhead < w->qtail) {
		const char *name = w->queue[w->qhead].name;
		int from = w->queue[w->qhead++].from;
		if (libs_known(w, name))
			continue;
		libs_know(w, name);
		libs_find(w, name, from, x);
	}
	if (x->n == 0)
		goto none;
	size_t t = 0, v = (size_t)snprintf(w->var, sizeof(w->var),
					   "PMEMFILE_LIBS_FD=");
	for (int i = 0; i < x->n; ++i) {
		t += (size_t)snprintf(w->tail + t, sizeof(w->tail) - t,
				      ":/proc/self/fd/%ld", x->fds[i]);
		v += (size_t)snprintf(w->var + v, sizeof(w->var) - v, "%s%ld",
				      i ? "," : "", x->fds[i]);
	}
	x->tail = w->tail;
	x->var = w->var;
	return;
none:
	exec_libs_done(x);
}

void exec_libs_prepare_at(int dirfd, const char *path, char *const *envp,
			  const char *libpath, struct exec_libs *x)
{
	struct stat st;

	x->n = 0;
	x->mem = NULL;
	/* none there (a search of PATH): the execve fails as well */
	if (syscall_no_intercept(SYS_newfstatat, dirfd, path, &st, 0) != 0)
		return;
	if (libpath == NULL)
		libpath = env_value(envp, "LD_LIBRARY_PATH");
	if ((libpath == NULL || libpath[0] == '\0') &&
	    exec_known(&st, EXEC_KNOWN_NO_LIB_DIRS))
		return;
	long fd =
	    syscall_no_intercept(SYS_openat, dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	exec_libs_prepare(fd, true, "", path, envp, libpath, x);
	syscall_no_intercept(SYS_close, fd);
}

void exec_libs_done(struct exec_libs *x)
{
	for (int i = 0; i < x->n; ++i)
		syscall_no_intercept(SYS_close, x->fds[i]);
	x->n = 0;
	if (x->mem != NULL)
		syscall_no_intercept(SYS_munmap, x->mem, x->mem_size);
	x->mem = NULL;
}
