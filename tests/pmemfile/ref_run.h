/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ref_run.h -- the part of the harness that runs a case on one backend.
 */
#ifndef TESTS_PMEMFILE_REF_RUN_H
#define TESTS_PMEMFILE_REF_RUN_H

#include "ref.h"
#include "ref_backend.h"

#define REF_MAX_OPS 1024

/* What one operation gave, in a form comparable between backends. */
struct ref_result {
	long ret; /* -1 on failure, else the value (0 for a new handle) */
	int err;  /* errno of a failure */
	size_t len;
	char out[1 << 18]; /* bytes read, stat fields, names, a path... */
};

/* Runs ops on be, storing one result each; *progress is the op running. */
int ref_run_case(const struct ref_backend *be, const struct ref_op *ops,
		 struct ref_result *res, volatile int *progress);
/* Describes the whole tree as root, one line per name. */
void ref_walk(const struct ref_backend *be, struct ref_result *r);
/* The bytes written by an operation without explicit data. */
void ref_pattern(char *buf, size_t n, int seed);

#endif
