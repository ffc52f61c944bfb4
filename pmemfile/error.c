// SPDX-License-Identifier: BSD-3-Clause
/*
 * error.c -- error reporting: the per-thread message of
 * pmemfile_errormsg() and the errno of an aborted transaction.
 */
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

static __thread char errormsg[512];

void pf_set_errormsg(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errormsg, sizeof(errormsg), fmt, ap);
	va_end(ap);
	pf_log_message(errormsg);
}

const char *pmemfile_errormsg(void)
{
	return errormsg;
}

int tx_error(void)
{
	int e = pmemobj_tx_errno();
	if (e == 0)
		e = errno;
	/* the allocator's ENOMEM means the pool is full */
	if (e == ENOMEM || e == 0)
		e = ENOSPC;
	return e;
}

int pf_damaged(PMEMfilepool *pfp, uint64_t ino, const char *what)
{
	(void)pfp;
	pf_set_errormsg("damaged pool: inode 0x%llx: %s",
			(unsigned long long)ino, what);
	return -EIO;
}
