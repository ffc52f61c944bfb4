/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pmemobj_lazy.c -- libpmemobj, loaded when a pool is first used.
 *
 * libpmemobj and what it needs (libpmem, libndctl, libdaxctl, libkmod,
 * libudev, libcrypto...) take the dynamic linker longer to load than the
 * interceptor does, and most processes that run under the shim never touch
 * a mount. So libpmemfile.so does not name libpmemobj as a dependency: the
 * library's calls of it go through the stubs below, each one jump through
 * a pointer that pmemobj_lazy_load fills from dlopen. The stubs are
 * assembly so that every argument passes untouched, variadic ones too
 * (pmemobj_tx_begin). Before the load a stub reaches pmemobj_lazy_missing,
 * which stops the process: nothing in the library calls libpmemobj
 * without a pool, and a pool is opened only after the load.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "libsyscall_intercept_hook_point.h"
#include "log.h"
#include "pmemobj_lazy.h"

/* Every libpmemobj and libpmem function libpmemfile-posix calls. */
// clang-format off
#define LAZY_FUNCTIONS(X)			\
	X(pmemobj_open)				\
	X(pmemobj_create)			\
	X(pmemobj_close)			\
	X(pmemobj_errormsg)			\
	X(pmemobj_ctl_set)			\
	X(pmemobj_ctl_get)			\
	X(pmemobj_set_funcs)			\
	X(pmemobj_root)				\
	X(pmemobj_root_size)			\
	X(pmemobj_direct)			\
	X(pmemobj_pool_by_oid)			\
	X(pmemobj_first)			\
	X(pmemobj_next)				\
	X(pmemobj_type_num)			\
	X(pmemobj_alloc_usable_size)		\
	X(pmemobj_memcpy)			\
	X(pmemobj_memcpy_persist)		\
	X(pmemobj_memset)			\
	X(pmemobj_memset_persist)		\
	X(pmemobj_persist)			\
	X(pmemobj_flush)			\
	X(pmemobj_drain)			\
	X(pmemobj_tx_begin)			\
	X(pmemobj_tx_end)			\
	X(pmemobj_tx_abort)			\
	X(pmemobj_tx_process)			\
	X(pmemobj_tx_stage)			\
	X(pmemobj_tx_errno)			\
	X(pmemobj_tx_xalloc)			\
	X(pmemobj_tx_free)			\
	X(pmemobj_tx_add_range_direct)		\
	X(pmemobj_tx_lock)			\
	X(pmemobj_xreserve)			\
	X(pmemobj_set_value)			\
	X(pmemobj_publish)			\
	X(pmemobj_cancel)			\
	X(pmemobj_mutex_lock)			\
	X(pmemobj_mutex_unlock)			\
	X(_pobj_debug_notice)			\
	X(pmem_is_pmem)
// clang-format on

void pmemobj_lazy_missing(void);

#define LAZY_POINTER(name) \
	__attribute__((used)) void *lazy_##name = (void *)pmemobj_lazy_missing;
LAZY_FUNCTIONS(LAZY_POINTER)

#define LAZY_STUB(name)                                    \
	__asm__(".text\n"                                  \
		".globl " #name "\n"                       \
		".hidden " #name "\n"                      \
		".type " #name ", @function\n" #name ":\n" \
		"\tendbr64\n"                              \
		"\tjmp *lazy_" #name "(%rip)\n"            \
		".size " #name ", . - " #name "\n");
LAZY_FUNCTIONS(LAZY_STUB)

#define LAZY_NAME(name) #name,
static const char *const lazy_names[] = {LAZY_FUNCTIONS(LAZY_NAME)};
#define LAZY_SLOT(name) &lazy_##name,
static void **const lazy_slots[] = {LAZY_FUNCTIONS(LAZY_SLOT)};

static pthread_once_t lazy_once = PTHREAD_ONCE_INIT;
static int lazy_error;

void pmemobj_lazy_missing(void)
{
	static const char msg[] = "libpmemfile: libpmemobj was called before "
				  "it was loaded\n";
	syscall_no_intercept(SYS_write, 2, msg, sizeof(msg) - 1);
	syscall_no_intercept(SYS_exit_group, 127);
}

/*
 * Whether the kernel knows of no NVDIMM: /sys/bus/nd/devices lists no
 * device (a bus, a region, a namespace...), or does not exist.
 */
static bool nd_bus_empty(void)
{
	long fd = syscall_no_intercept(SYS_open, "/sys/bus/nd/devices",
				       O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -ENOENT)
		return true;
	if (fd < 0)
		return false;
	char buf[1024];
	bool empty = true;
	long n;
	while (empty && (n = syscall_no_intercept(SYS_getdents64, fd, buf,
						  sizeof(buf))) > 0) {
		for (long at = 0; at < n && empty;) {
			struct dirent64 *d = (struct dirent64 *)(buf + at);
			empty = strcmp(d->d_name, ".") == 0 ||
				strcmp(d->d_name, "..") == 0;
			at += d->d_reclen;
		}
	}
	syscall_no_intercept(SYS_close, fd);
	return empty && n == 0;
}

/* base is soname, or soname with a version after it */
static bool name_is(const char *base, const char *soname)
{
	size_t n = strlen(soname);
	return strncmp(base, soname, n) == 0 &&
	       (base[n] == '\0' || base[n] == '.');
}

/*
 * Whether the object of info is a libndctl.so.6 or libdaxctl.so.1 (by the
 * name it was loaded as). Not dlopen with RTLD_NOLOAD: the pool is opened
 * from inside the loader too (a library searched for in a mount), and a
 * dlopen that loads nothing there fails the loader's check of its state.
 */
static int nd_loaded(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size, (void)arg;
	const char *name = info->dlpi_name;
	if (!name)
		return 0;
	const char *slash = strrchr(name, '/');
	const char *base = slash ? slash + 1 : name;
	return name_is(base, "libndctl.so.6") ||
	       name_is(base, "libdaxctl.so.1");
}

/* The directory this library was loaded from, into dir; false if unknown. */
static bool shim_dir(char *dir, size_t size)
{
	Dl_info info;
	if (!dladdr((void *)nd_bus_empty, &info) || !info.dli_fname ||
	    info.dli_fname[0] != '/')
		return false;
	const char *slash = strrchr(info.dli_fname, '/');
	size_t n = (size_t)(slash - info.dli_fname);
	if (n + 1 > size)
		return false;
	memcpy(dir, info.dli_fname, n);
	dir[n] = '\0';
	return true;
}

/*
 * libpmem and libpmemobj need libndctl and libdaxctl, and through them
 * libkmod, libudev, libcrypto, liblzma and libzstd: 4,200 of the 4,700
 * symbol relocations of the load (2.1-2.9 ms here, 0.5-0.7 without
 * them), and at pmemobj_open some 230 system calls of libkmod's set-up
 * (a process's 639 in all, 407 without), to find that
 * the machine has no NVDIMM. Where the kernel knows of none, stand-ins
 * under the two names, which answer as the real ones answer there (no
 * bus: nd_empty.sh), are loaded from lib/pmemfile/ beside this library
 * first, and the dynamic linker takes them for the real ones. Not where
 * a bus exists, nor where the program has loaded the real ones, nor with
 * PMEMFILE_SYSTEM_NDCTL=1, nor where they are missing or do not fit the
 * libpmem found (the load is made again without them). The handles, or
 * NULL.
 */
static void nd_empty_load(void *h[2])
{
	h[0] = h[1] = NULL;
	const char *system = secure_getenv("PMEMFILE_SYSTEM_NDCTL");
	if ((system && strcmp(system, "1") == 0) ||
	    dl_iterate_phdr(nd_loaded, NULL))
		return;
	char dir[PATH_MAX], path[PATH_MAX + 32];
	if (!shim_dir(dir, sizeof(dir)) || !nd_bus_empty())
		return;
	snprintf(path, sizeof(path), "%s/pmemfile/libndctl.so.6", dir);
	h[0] = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	snprintf(path, sizeof(path), "%s/pmemfile/libdaxctl.so.1", dir);
	h[1] = h[0] ? dlopen(path, RTLD_NOW | RTLD_LOCAL) : NULL;
	if (h[0] && !h[1]) {
		dlclose(h[0]);
		h[0] = NULL;
	}
	if (h[0])
		log_printf(
		    "libndctl and libdaxctl: the stand-ins of %s/pmemfile "
		    "(no NVDIMM bus)",
		    dir);
}

static void lazy_load(void)
{
	void *nd[2];
	nd_empty_load(nd);
	void *h = dlopen("libpmemobj.so.1", RTLD_NOW | RTLD_LOCAL);
	void *found[sizeof(lazy_names) / sizeof(lazy_names[0])];

	if (h == NULL && nd[0]) {
		log_printf("libpmemobj with the stand-ins: %s", dlerror());
		dlclose(nd[1]);
		dlclose(nd[0]);
		h = dlopen("libpmemobj.so.1", RTLD_NOW | RTLD_LOCAL);
	}
	if (h == NULL) {
		log_printf("cannot load libpmemobj: %s", dlerror());
		lazy_error = ENOSYS;
		return;
	}
	for (size_t i = 0; i < sizeof(lazy_names) / sizeof(lazy_names[0]);
	     i++) {
		found[i] = dlsym(h, lazy_names[i]);
		if (found[i] == NULL) {
			log_printf("libpmemobj has no %s", lazy_names[i]);
			lazy_error = ENOSYS;
			return;
		}
	}
	for (size_t i = 0; i < sizeof(lazy_names) / sizeof(lazy_names[0]); i++)
		__atomic_store_n(lazy_slots[i], found[i], __ATOMIC_RELEASE);
}

int pmemobj_lazy_load(void)
{
	pthread_once(&lazy_once, lazy_load);
	return -lazy_error;
}

/* libpmemfile-posix asks for it before it opens a pool in this process. */
int preload_pmemobj_load(void)
{
	return pmemobj_lazy_load();
}
