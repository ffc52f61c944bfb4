/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * jmode_powercut.h -- the record of the journal mode's power-cut test: every
 * system call that writes to the pool file or its journal, with its bytes,
 * every one that makes them durable, and the workload's marks between, in
 * the order they happened (jmode_powercut_recorder.so, preloaded into the
 * workload, writes it; the workload's marks go through it too).
 *
 * Every record is a struct jp_rec followed by len bytes:
 *   JP_WRITE   file, off: len bytes written there (pwrite64, pwritev,
 *              pwritev2, write, writev), as many as the call wrote
 *   JP_SIZE    file: its size set to off (ftruncate)
 *   JP_ALLOC   file: off, aux (a length) allocated (fallocate, mode 0 or
 *              FALLOC_FL_KEEP_SIZE in flags)
 *   JP_CREATE  file (the journal): it appears, empty
 *   JP_SYNC    files (a mask: 1 << JP_POOL, 1 << JP_JOURNAL): an fdatasync,
 *              fsync, syncfs or sync that returned 0 (what the ones before
 *              wrote is durable)
 *   JP_MARK    the workload's struct jp_mark
 *   JP_UNSEEN  a call that may change either file without a record of its
 *              bytes (a shared writable map, copy_file_range...): nr is
 *              the system call's number
 */
#ifndef TESTS_PMEMFILE_JMODE_POWERCUT_H
#define TESTS_PMEMFILE_JMODE_POWERCUT_H

#include <stdint.h>

#include "crash_model.h"

#define JP_MAGIC 0x4a504355u

#define JP_WRITE 1
#define JP_SIZE 2
#define JP_ALLOC 3
#define JP_CREATE 4
#define JP_SYNC 5
#define JP_MARK 6
#define JP_UNSEEN 7

/* the files */
#define JP_POOL 0
#define JP_JOURNAL 1

struct jp_rec {
	uint32_t magic;
	uint32_t type;
	uint32_t file; /* JP_POOL or JP_JOURNAL; JP_SYNC: a mask */
	uint32_t flags;
	uint64_t off;
	uint64_t aux;
	uint64_t len; /* bytes that follow */
};

/*
 * The workload's marks. A sync point is JM_SYNC_BEGIN before the call and
 * JM_SYNC_END after it returned 0; an O_SYNC write is one, and its
 * operation is in the JM_SYNC_BEGIN mark (with_op), applied at
 * JM_SYNC_END. Every other operation is marked JM_OP once it returned.
 */
#define JM_OP 1
#define JM_SYNC_BEGIN 2
#define JM_SYNC_END 3

struct jp_mark {
	uint32_t kind;
	uint32_t with_op;
	uint32_t how; /* the sync point's call (the workload's names) */
	uint32_t pad;
	struct cm_rec r;
};

#endif
