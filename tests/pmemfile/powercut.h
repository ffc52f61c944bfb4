/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * powercut.h -- the journal of the power-cut test: what the recorder
 * (powercut_recorder.so, preloaded into the workload) saw reach the medium,
 * in the order it happened, and the workload's own marks between.
 *
 * Every record is a struct pc_rec followed by len bytes:
 *   PC_FLUSH     an msync of the pool's mapping: the bytes of the pages it
 *                wrote back, from file offset off, as they were when it was
 *                called; req_off and req_len are the range the caller asked
 *                to make persistent (pmem_msync's arguments, before libpmem
 *                rounded them out to pages), within those pages.
 *   PC_MARK      the workload's struct cm_rec (intent or acknowledgement).
 *   PC_VOLATILE  a libpmem call that makes bytes persistent only on
 *                persistent memory (pmem_persist, pmem_flush...) on the
 *                pool's file mapping, where it makes nothing persistent:
 *                off and len, no data.
 */
#ifndef TESTS_PMEMFILE_POWERCUT_H
#define TESTS_PMEMFILE_POWERCUT_H

#include <stdint.h>

#define PC_MAGIC 0x50435554u
#define PC_FLUSH 1
#define PC_MARK 2
#define PC_VOLATILE 3

struct pc_rec {
	uint32_t magic;
	uint32_t type;
	uint64_t off;
	uint64_t len;
	uint64_t req_off;
	uint64_t req_len;
};

#endif
