/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * crash_verify.h -- the operations of the crash model run on a pool, and
 * the check of a pool found after a crash against the model: the state of
 * every acknowledged operation, with the one in flight applied, not applied
 * or (a write) partly there. Shared by the crash test (a killed process)
 * and the power-cut test (a pool holding only what was flushed).
 */
#ifndef TESTS_PMEMFILE_CRASH_VERIFY_H
#define TESTS_PMEMFILE_CRASH_VERIFY_H

#include "crash_model.h"

#include <libpmemfile-posix.h>

/* What the pool holds at each place the model knows. */
struct cm_actual {
	int dir[CM_DIRS];
	int exists[CM_SLOTS];
	uint64_t ino[CM_SLOTS];
	uint64_t nlink[CM_SLOTS];
	uint64_t size[CM_SLOTS];
	int symlink[CM_SLOTS];
	unsigned char *data[CM_SLOTS]; /* CM_MAX_SIZE bytes each: a
					* symlink's target */
};

extern const char *const cm_op_names[];

/* Runs one operation of the model; 0, or -1 with errno. */
int cm_do_op(PMEMfilepool *pfp, const struct cm_rec *r);

void cm_actual_init(struct cm_actual *a);
void cm_actual_free(struct cm_actual *a);

/*
 * Checks the pool at path (the library's checker, then its open, then its
 * whole state) against m with every acknowledged operation applied and, if
 * pending, the operation *inflight in flight. NULL when it agrees; m is
 * then the state found (the operation in flight applied, or the bytes a
 * write in flight left). Otherwise what differs (a static buffer), with
 * the states printed to stdout where that helps. tmp is scratch space.
 */
const char *cm_verify_pool(const char *path, struct cm_model *m, int pending,
			   const struct cm_rec *inflight, struct cm_model *tmp,
			   struct cm_actual *a);

#endif
