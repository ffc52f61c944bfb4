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
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
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

static void lazy_load(void)
{
	void *h = dlopen("libpmemobj.so.1", RTLD_NOW | RTLD_LOCAL);
	void *found[sizeof(lazy_names) / sizeof(lazy_names[0])];

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
