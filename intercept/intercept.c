/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * intercept.c -- the public variables and the constructor that patches the
 * process.
 *
 * The hook variables live in this object together with the constructor, so
 * that a program or library that references only intercept_hook_point pulls
 * the constructor in from the static archive.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#if __has_include(<sys/single_threaded.h>)
#include <sys/single_threaded.h>
#endif
#include <sys/syscall.h>
#include <unistd.h>

#include "libsyscall_intercept_hook_point.h"
#include "intercept.h"
#include "log.h"
#include "net.h"
#include "patcher.h"
#include "trampoline.h"

#define PUBLIC __attribute__((visibility("default")))

PUBLIC int (*intercept_hook_point)(long syscall_number, long arg0, long arg1,
				   long arg2, long arg3, long arg4, long arg5,
				   long *result);
PUBLIC void (*intercept_hook_point_clone_child)(void);
PUBLIC void (*intercept_hook_point_clone_parent)(long pid);
PUBLIC void (*intercept_hook_point_clone_child_args)(unsigned long flags,
						     void *child_stack,
						     int *ptid, int *ctid,
						     long newtls);
PUBLIC void (*intercept_hook_point_clone_parent_args)(unsigned long flags,
						      void *child_stack,
						      int *ptid, int *ctid,
						      long newtls,
						      long returned_pid);
PUBLIC void (*intercept_hook_point_post)(long syscall_number, long arg0,
					 long arg1, long arg2, long arg3,
					 long arg4, long arg5, long result);

int intercept_active;

PUBLIC int syscall_hook_in_process_allowed(void)
{
	return intercept_active;
}

struct object_choice {
	uintptr_t own_code;  /* an address of this code */
	uintptr_t libc_code; /* libc's syscall() */
	uintptr_t vdso_base;
	uintptr_t loader_base; /* AT_BASE: the dynamic loader's dlpi_addr */
	int loader_on_net;     /* the loader waits for its first call */
	int all;	       /* INTERCEPT_ALL_OBJS=1 */
	const char *vectors;   /* INTERCEPT_VECTOR_SAVE */
	const char *cache_dir;
	unsigned from_cache;
	int found_libc;
	unsigned patched, padding_jumps, left, objects;
};

static const void *intercept_init_addr(void);

static const char *basename_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/*
 * Does one of the object's segments hold addr? (dladdr's dli_fbase is not
 * dlpi_addr for a program that is not position-independent.)
 */
static int holds(const struct dl_phdr_info *info, uintptr_t addr)
{
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD && addr >= lo &&
		    addr < lo + ph->p_memsz)
			return 1;
	}
	return 0;
}

/* libc: by its name, or as the object holding syscall(). */
static int is_libc(const struct object_choice *c,
		   const struct dl_phdr_info *info)
{
	const char *name = info->dlpi_name ? info->dlpi_name : "";

	return strncmp(basename_of(name), "libc.so.", 8) == 0 ||
	       holds(info, c->libc_code);
}

/*
 * The dynamic loader: its calls open and map the objects loaded later, so
 * it is patched whatever INTERCEPT_ALL_OBJS says. That is what lets a hook
 * see (and answer) the openat, read and mmap of a dlopen, and what lets
 * this library patch each new object before its code runs (late_load.c).
 * With the net armed it waits for its first call (loader_on_net), which
 * the net catches and patches it at: it has made every call of the
 * start-up by then, and a process that loads nothing later (most) saves
 * its patching, some 50 us of each start here.
 */
static int is_loader(const struct object_choice *c,
		     const struct dl_phdr_info *info)
{
	return c->loader_base != 0 && info->dlpi_addr == c->loader_base;
}

static int should_patch(const struct object_choice *c,
			const struct dl_phdr_info *info)
{
	const char *name = info->dlpi_name ? info->dlpi_name : "";

	if (holds(info, c->own_code) ||
	    (c->vdso_base != 0 && holds(info, c->vdso_base)))
		return 0;
	if (is_loader(c, info))
		return !c->loader_on_net;
	if (is_libc(c, info))
		return 1;
	if (!c->all || strstr(basename_of(name), "libcapstone") != NULL)
		return 0;
	return 1;
}

/*
 * The object's path, kept while it is patched. A library loaded at
 * start-up stays until the process ends, its name with it: the loader's
 * string needs no copy, nor the malloc a process that never calls malloc
 * would otherwise pay for (its arena set up, the heap grown and faulted
 * in: some 10 us). The program's own name (AT_EXECFN, argv[0]) is copied:
 * a program may write over its arguments (setproctitle).
 */
static const char *object_name(const struct dl_phdr_info *info)
{
	const char *name = info->dlpi_name;

	if (name != NULL && name[0] != '\0')
		return name;
	name = (const char *)getauxval(AT_EXECFN);
	if (name == NULL)
		name = program_invocation_name;
	return name != NULL ? strdup(name) : NULL;
}

const char *intercept_loader_name;

/* The choice made at start-up, for the objects loaded later. */
static struct object_choice late_choice;

/* "intercept: libc.so.6 patched at start: 525 syscalls (0 through ...)" */
static void log_object(const struct patch_object *obj,
		       const struct patch_stats *stats)
{
	struct log_line l = {0};

	if (intercept_log_fd < 0 ||
	    stats->patched + stats->padding_jumps + stats->left == 0)
		return;
	log_str(&l, "intercept: ");
	log_str(&l, log_basename(obj->name));
	log_str(&l, obj->how == SITE_PATCHED_AT_LOAD ? " patched at load: "
		    : obj->how == SITE_PATCHED_AFTER_NET
			? " patched after the net: "
			: " patched at start: ");
	log_dec(&l, stats->patched + stats->padding_jumps);
	log_str(&l, " syscalls (");
	log_dec(&l, stats->padding_jumps);
	log_str(&l, " through padding), ");
	log_dec(&l, stats->left);
	log_str(&l, " left");
	log_write(&l);
}

static int patch_one(struct dl_phdr_info *info, size_t size, void *data)
{
	struct object_choice *c = data;
	struct patch_object obj = {0};
	struct patch_stats stats;
	int ret;

	(void)size;
	if (!should_patch(c, info))
		return 0;
	if (is_libc(c, info))
		c->found_libc = 1;
	obj.name = object_name(info);
	obj.base = info->dlpi_addr;
	obj.phdr = info->dlpi_phdr;
	obj.phnum = info->dlpi_phnum;
	obj.vector_save = intercept_vector_save(c->vectors, is_libc(c, info));
	obj.cache_dir = c->cache_dir;
	obj.how = SITE_PATCHED_AT_START;
	if (obj.name == NULL)
		return 0;
	ret = patch_object(&obj, &stats);
	if (ret != 0 && ret != -ENOENT)
		intercept_log_msg(obj.name, ": could not be patched");
	if (ret == 0 && is_loader(c, info) &&
	    stats.patched + stats.padding_jumps > 0)
		intercept_loader_name = obj.name;
	if (ret == 0)
		log_object(&obj, &stats);
	c->patched += stats.patched;
	c->padding_jumps += stats.padding_jumps;
	c->left += stats.left;
	c->from_cache += stats.from_cache;
	c->objects++;
	return 0;
}

int intercept_patch_loaded(const char *name, uintptr_t base, const void *phdr,
			   int phnum, struct trampoline_area *area)
{
	struct dl_phdr_info info = {.dlpi_addr = base,
				    .dlpi_name = name,
				    .dlpi_phdr = phdr,
				    .dlpi_phnum = (ElfW(Half))phnum};
	struct patch_object obj = {0};
	struct patch_stats stats;
	int ret;

	if (!intercept_active || !should_patch(&late_choice, &info))
		return 0;
	obj.name = name;
	obj.base = base;
	obj.phdr = phdr;
	obj.phnum = phnum;
	obj.vector_save = intercept_vector_save(late_choice.vectors,
						is_libc(&late_choice, &info));
	obj.cache_dir = late_choice.cache_dir;
	obj.how = SITE_PATCHED_AT_LOAD;
	obj.area_out = area;
	ret = patch_object(&obj, &stats);
	if (ret == 0)
		log_object(&obj, &stats);
	if (ret == 0 && stats.patched + stats.padding_jumps > 0)
		return 1;
	trampoline_area_destroy(area);
	if (ret != 0 && ret != -ENOENT)
		intercept_log_msg(name, ": could not be patched");
	return ret == -ENOENT ? 0 : ret;
}

/* The objects patched after the net, by base: each is patched once. */
#define NET_OBJECTS 64
static uintptr_t net_objects[NET_OBJECTS];
static int net_nobjects;

struct net_search {
	uintptr_t addr;
	struct dl_phdr_info info; /* of the object holding addr */
	int found;
};

static int find_net_object(struct dl_phdr_info *info, size_t size, void *data)
{
	struct net_search *s = data;

	(void)size;
	if (!holds(info, s->addr))
		return 0;
	s->info = *info;
	s->found = 1;
	return 1;
}

uintptr_t intercept_object_at(uintptr_t addr, char *name, size_t size)
{
	struct net_search s = {.addr = addr};
	const char *n;

	dl_iterate_phdr(find_net_object, &s);
	n = s.found ? s.info.dlpi_name : "[anonymous]";
	if (s.found && (n == NULL || n[0] == '\0'))
		n = (const char *)getauxval(AT_EXECFN);
	if (n == NULL)
		n = program_invocation_name;
	strncpy(name, n, size - 1);
	name[size - 1] = '\0';
	return s.found ? s.info.dlpi_addr : 0;
}

/*
 * Only objects left unpatched by choice (INTERCEPT_ALL_OBJS): not this
 * library, the vDSO or capstone, nor one patched already, and only while
 * the process has one thread, as at start-up: no other thread can be
 * running the code being rewritten.
 */
static int thread_count(void);

int intercept_patch_after_net(uintptr_t addr, uintptr_t *resume)
{
	struct net_search s = {.addr = addr};
	struct patch_object obj = {0};
	struct patch_stats stats;
	const char *name;
	int ret;

	if (!intercept_active || net_nobjects == NET_OBJECTS)
		return 0;
	dl_iterate_phdr(find_net_object, &s);
	if (!s.found || should_patch(&late_choice, &s.info) ||
	    holds(&s.info, late_choice.own_code) ||
	    (late_choice.vdso_base != 0 &&
	     holds(&s.info, late_choice.vdso_base)) ||
	    (s.info.dlpi_name != NULL &&
	     strstr(basename_of(s.info.dlpi_name), "libcapstone") != NULL))
		return 0;
	for (int i = 0; i < net_nobjects; i++)
		if (net_objects[i] == s.info.dlpi_addr)
			return 0;
	/* with threads, the next site of the object caught asks again */
	if (thread_count() > 1)
		return 0;
	net_objects[net_nobjects++] = s.info.dlpi_addr;
	/* an object loaded later may be unloaded: its name is copied */
	name = object_name(&s.info);
	if (name != NULL && name == s.info.dlpi_name)
		name = strdup(name);
	if (name == NULL)
		return 0;
	obj.name = name;
	obj.base = s.info.dlpi_addr;
	obj.phdr = s.info.dlpi_phdr;
	obj.phnum = s.info.dlpi_phnum;
	obj.vector_save = intercept_vector_save(late_choice.vectors, 0);
	obj.cache_dir = late_choice.cache_dir;
	obj.how = SITE_PATCHED_AFTER_NET;
	obj.net_site = addr;
	obj.net_resume = resume;
	*resume = 0;
	ret = patch_object(&obj, &stats);
	if (ret == 0)
		log_object(&obj, &stats);
	else if (ret != -ENOENT)
		intercept_log_msg(name, ": could not be patched");
	if (ret == 0 && is_loader(&late_choice, &s.info) &&
	    stats.patched + stats.padding_jumps > 0)
		intercept_loader_name = name;
	return ret == 0 && *resume != 0;
}

struct holder_search {
	uintptr_t addr;
	int index; /* of the object being looked at */
};

static int find_holder(struct dl_phdr_info *info, size_t size, void *data)
{
	struct holder_search *s = data;

	(void)size;
	if (holds(info, s->addr))
		return 1;
	s->index++;
	return 0;
}

/*
 * Which loaded object holds addr: its place in the loader's list, or -1
 * (dladdr would also look for the symbol, a walk of symbol tables every
 * process paid at start-up).
 */
static int object_of(const void *addr)
{
	struct holder_search s = {.addr = (uintptr_t)addr};

	return dl_iterate_phdr(find_holder, &s) ? s.index : -1;
}

/*
 * INTERCEPT_HOOK_CMDLINE_FILTER=name: the last path component of the
 * process's argv[0], read with raw system calls.
 */
static int cmdline_allowed(const char *filter)
{
	char buf[4096];
	long fd, n;

	if (filter == NULL)
		return 1;
	fd = syscall_no_intercept(SYS_open, "/proc/self/cmdline",
				  O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = syscall_no_intercept(SYS_read, fd, buf, sizeof(buf) - 1);
	syscall_no_intercept(SYS_close, fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strcmp(basename_of(buf), filter) == 0;
}

/*
 * The threads of the process, from /proc/self/task (1 when it cannot be
 * read). Patching rewrites code other threads could be running: it is done
 * only while the process has one, as before main; a library loaded later by
 * a threaded program stays inert.
 */
static int thread_count(void)
{
	char buf[2048];
	int threads = 0;
	long fd = syscall_no_intercept(SYS_open, "/proc/self/task",
				       O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	long n;

	if (fd < 0)
		return 1;
	while ((n = syscall_no_intercept(SYS_getdents64, fd, buf,
					 sizeof(buf))) > 0) {
		for (long at = 0; at < n;) {
			const struct dirent64 *e =
			    (const struct dirent64 *)(buf + at);

			threads += e->d_name[0] != '.';
			at += e->d_reclen;
		}
	}
	syscall_no_intercept(SYS_close, fd);
	return threads > 0 ? threads : 1;
}

/*
 * Whether the process may have more than one thread at start-up. glibc
 * says for free when no thread was ever created through it
 * (__libc_single_threaded); reading /proc/self/task costs some 20 us of
 * every start.
 */
static int more_than_one_thread(void)
{
#if __has_include(<sys/single_threaded.h>)
	if (__libc_single_threaded)
		return 0;
#endif
	return thread_count() > 1;
}

static void log_summary(const struct object_choice *c)
{
	struct log_line l = {0};

	if (intercept_log_fd < 0)
		return;
	log_str(&l, "intercept: ");
	log_dec(&l, c->objects);
	log_str(&l, " objects, ");
	log_dec(&l, c->patched + c->padding_jumps);
	log_str(&l, " syscalls patched (");
	log_dec(&l, c->padding_jumps);
	log_str(&l, " through padding), ");
	log_dec(&l, c->left);
	log_str(&l, " left; ");
	log_dec(&l, c->from_cache);
	log_str(&l, " objects planned from the cache");
	log_write(&l);
}

/*
 * The plan cache: $XDG_CACHE_HOME/libsyscall_intercept, else
 * $HOME/.cache/libsyscall_intercept; none with INTERCEPT_NO_CACHE=1.
 */
static const char *cache_dir(void)
{
	static char dir[400];
	const char *base = secure_getenv("XDG_CACHE_HOME");
	const char *off = secure_getenv("INTERCEPT_NO_CACHE");
	const char *sub = "/libsyscall_intercept";

	if (off != NULL && strcmp(off, "1") == 0)
		return NULL;
	if (base == NULL || base[0] != '/') {
		base = secure_getenv("HOME");
		sub = "/.cache/libsyscall_intercept";
	}
	if (base == NULL || base[0] != '/' ||
	    strlen(base) + strlen(sub) >= sizeof(dir))
		return NULL;
	strcpy(dir, base);
	strcat(dir, sub);
	return dir;
}

/*
 * The net (net.c): INTERCEPT_EXHAUSTIVE=1 or 0; without it, what the object
 * this archive is linked into chose by defining
 * intercept_exhaustive_default (the preload shim of pmemfile does: on), and
 * off in the plain library.
 */
extern const int intercept_exhaustive_default
    __attribute__((weak, visibility("hidden")));

static int net_wanted(void)
{
	const char *env = secure_getenv("INTERCEPT_EXHAUSTIVE");

	if (env != NULL && strcmp(env, "1") == 0)
		return 1;
	if (env != NULL && strcmp(env, "0") == 0)
		return 0;
	return &intercept_exhaustive_default != NULL &&
	       intercept_exhaustive_default != 0;
}

struct own_text {
	uintptr_t addr, lo, hi;
};

static int find_own_text(struct dl_phdr_info *info, size_t size, void *data)
{
	struct own_text *t = data;

	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X) &&
		    t->addr >= lo && t->addr < lo + ph->p_memsz) {
			t->lo = lo;
			t->hi = lo + ph->p_memsz;
			return 1;
		}
	}
	return 0;
}

/* Arms the net, with the text segment of this code as its allowed range. */
static void start_net(void)
{
	struct own_text t = {.addr = (uintptr_t)intercept_init_addr()};
	int ret;

	if (!dl_iterate_phdr(find_own_text, &t)) {
		intercept_log_msg("intercept: net: own text not found, off",
				  NULL);
		return;
	}
	ret = intercept_net_start(t.lo, t.hi);
	if (ret != 0)
		intercept_log_msg("intercept: net: the kernel has no Syscall "
				  "User Dispatch, off",
				  NULL);
	else
		intercept_log_msg("intercept: net on", NULL);
}

/*
 * The environment is read with secure_getenv: in a set-user-ID program
 * (listed in /etc/ld.so.preload) none of it counts, so that no one can make
 * a privileged process write a log or read a cache of theirs.
 *
 * It runs before the other constructors of the object that links the
 * archive (priority 101): patching needs a process of one thread, and a
 * user's constructor may start threads (the preload shim's does, when it
 * opens a pool for the descriptors a program inherits).
 */
static void __attribute__((constructor(101))) intercept_init(void)
{
	const char *trunc = secure_getenv("INTERCEPT_LOG_TRUNC");
	const char *all = secure_getenv("INTERCEPT_ALL_OBJS");
	const char *format = secure_getenv("INTERCEPT_LOG_FORMAT");
	struct object_choice c = {0};

	intercept_log_detailed =
	    format != NULL && strcmp(format, "detailed") == 0;

	intercept_log_open(secure_getenv("INTERCEPT_LOG"),
			   trunc == NULL || strcmp(trunc, "0") != 0);
	/*
	 * The programs this one executes append to the log it started,
	 * rather than truncate it (with INTERCEPT_LOG=path- each has its own).
	 */
	if (intercept_log_fd >= 0)
		setenv("INTERCEPT_LOG_TRUNC", "0", 1);
	if (!cmdline_allowed(secure_getenv("INTERCEPT_HOOK_CMDLINE_FILTER"))) {
		intercept_log_msg("intercept: command filtered out, inert",
				  NULL);
		return;
	}
	c.own_code = (uintptr_t)intercept_init;
	c.libc_code = (uintptr_t)syscall;
	c.vdso_base = getauxval(AT_SYSINFO_EHDR);
	c.loader_base = getauxval(AT_BASE);
	int net = net_wanted();
	c.loader_on_net = net;
	c.all = all != NULL && strcmp(all, "1") == 0;
	c.vectors = secure_getenv("INTERCEPT_VECTOR_SAVE");
	c.cache_dir = cache_dir();
	if (more_than_one_thread()) {
		intercept_log_msg("intercept: loaded into a process with more "
				  "than one thread, inert",
				  NULL);
		return;
	}
	/* a program linked statically: libc is in the object we skip */
	if (object_of((const void *)syscall) < 0 ||
	    object_of((const void *)syscall) ==
		object_of((const void *)intercept_init)) {
		intercept_log_msg("intercept: no libc found, inert", NULL);
		return;
	}
	dl_iterate_phdr(patch_one, &c);
	if (!c.found_libc) {
		intercept_log_msg("intercept: no libc found, inert", NULL);
		return;
	}
	late_choice = c;
	intercept_active = 1;
	log_summary(&c);
	if (net)
		start_net();
}

static const void *intercept_init_addr(void)
{
	return (const void *)intercept_init;
}
