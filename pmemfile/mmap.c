// SPDX-License-Identifier: BSD-3-Clause
/*
 * mmap.c -- the mapping calls of the API (libpmemfile-posix-stubs.h): not
 * implemented, they fail with ENOTSUP as the discontinued library's did. A
 * program maps a pool file's pages through libpmemfile.so, or with
 * pmemfile_pin_pages.
 */
#include "internal.h"

void *pmemfile_mmap(PMEMfilepool *pfp, void *addr, size_t len, int prot,
		    int flags, PMEMfile *file, pmemfile_off_t off)
{
	(void)pfp, (void)addr, (void)len, (void)prot, (void)flags, (void)file;
	(void)off;
	errno = ENOTSUP;
	return PMEMFILE_MAP_FAILED;
}

int pmemfile_munmap(PMEMfilepool *pfp, void *addr, size_t len)
{
	(void)pfp, (void)addr, (void)len;
	errno = ENOTSUP;
	return -1;
}

void *pmemfile_mremap(PMEMfilepool *pfp, void *old_addr, size_t old_size,
		      size_t new_size, int flags, void *new_addr)
{
	(void)pfp, (void)old_addr, (void)old_size, (void)new_size, (void)flags;
	(void)new_addr;
	errno = ENOTSUP;
	return PMEMFILE_MAP_FAILED;
}

int pmemfile_msync(PMEMfilepool *pfp, void *addr, size_t len, int flags)
{
	(void)pfp, (void)addr, (void)len, (void)flags;
	errno = ENOTSUP;
	return -1;
}

int pmemfile_mprotect(PMEMfilepool *pfp, void *addr, size_t len, int prot)
{
	(void)pfp, (void)addr, (void)len, (void)prot;
	errno = ENOTSUP;
	return -1;
}
