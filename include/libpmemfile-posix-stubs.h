/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libpmemfile-posix-stubs.h -- calls of the API that do nothing yet: each
 * fails with ENOTSUP (pmemfile_mmap and pmemfile_mremap return
 * PMEMFILE_MAP_FAILED, the others -1). They are declared so that programs
 * written for the discontinued library, whose header had the same, build
 * and link unchanged. Included by libpmemfile-posix.h, never on its own.
 */
#ifndef LIBPMEMFILE_POSIX_H
#error "include <libpmemfile-posix.h>, which includes this header"
#endif

#ifndef LIBPMEMFILE_POSIX_STUBS_H
#define LIBPMEMFILE_POSIX_STUBS_H

void *pmemfile_mmap(PMEMfilepool *pfp, void *addr, size_t len, int prot,
		    int flags, PMEMfile *file, pmemfile_off_t off);
int pmemfile_munmap(PMEMfilepool *pfp, void *addr, size_t len);
void *pmemfile_mremap(PMEMfilepool *pfp, void *old_addr, size_t old_size,
		      size_t new_size, int flags, void *new_addr);
int pmemfile_msync(PMEMfilepool *pfp, void *addr, size_t len, int flags);
int pmemfile_mprotect(PMEMfilepool *pfp, void *addr, size_t len, int prot);

#endif
