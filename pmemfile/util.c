// SPDX-License-Identifier: BSD-3-Clause
/*
 * util.c -- error messages, clock and transaction errors.
 */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "internal.h"

static __thread char errormsg[512];

void pf_set_errormsg(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errormsg, sizeof(errormsg), fmt, ap);
	va_end(ap);
}

const char *pmemfile_errormsg(void)
{
	return errormsg;
}

void pf_time_now(struct pmemfile_time *t)
{
	/* the kernel stamps files with its coarse clock too */
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
	t->sec = ts.tv_sec;
	t->nsec = ts.tv_nsec;
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
