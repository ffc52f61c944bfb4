/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * procid.h -- a pool handle given the calling process's identity, as the
 * kernel holds it, for the programs of this project that act for their
 * user (the pmemfile command, the tests that compare with the kernel).
 * Linked from the static library; not in the C API, whose handles start as
 * the discontinued library's did (user 0, no capability).
 */
#ifndef PMEMFILE_PROCID_H
#define PMEMFILE_PROCID_H

#include "libpmemfile-posix.h"

/*
 * The process's real, effective and fs ids, supplementary groups and the
 * capabilities the library knows (effective, and permitted for a real
 * uid 0) become pfp's: 0, or -1 with errno set.
 */
__attribute__((visibility("default"))) int
pmemfile_cred_of_process(PMEMfilepool *pfp);

#endif
