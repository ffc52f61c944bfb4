// SPDX-License-Identifier: BSD-3-Clause
/*
 * progress.c -- the progress line of long checks and copies.
 */
#include "progress.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct {
	const char *what;
	bool tty, shown;
	double delay; /* seconds before the line shows */
	struct timespec start, last;
} progress;

static double since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) +
	       (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

void progress_start(const char *what)
{
	progress.what = what;
	progress.tty = isatty(STDERR_FILENO) == 1;
	progress.shown = false;
	/* PMEMFILE_PROGRESS_DELAY: another delay (0: at once), for tests */
	const char *d = getenv("PMEMFILE_PROGRESS_DELAY");
	progress.delay = d && *d ? atof(d) : 1.0;
	clock_gettime(CLOCK_MONOTONIC, &progress.start);
	progress.last = progress.start;
}

void progress_show(uint64_t done, uint64_t total, const char *unit)
{
	if (!progress.tty || since(&progress.start) < progress.delay ||
	    (progress.shown && since(&progress.last) < 0.1))
		return;
	clock_gettime(CLOCK_MONOTONIC, &progress.last);
	bool mib = strcmp(unit, "bytes") == 0;
	unsigned long long d = mib ? done >> 20 : done;
	unsigned long long t = mib ? total >> 20 : total;
	const char *u = mib ? "MiB" : unit;
	if (total)
		fprintf(stderr, "\r%s: %llu of %llu %s (%u%%)\033[K",
			progress.what, d, t, u,
			(unsigned)(done >= total ? 100 : done * 100 / total));
	else
		fprintf(stderr, "\r%s: %llu %s\033[K", progress.what, d, u);
	fflush(stderr);
	progress.shown = true;
}

void progress_clear(void)
{
	if (isatty(STDERR_FILENO) == 1)
		fputs("\r\033[K", stderr);
}

void progress_end(void)
{
	if (progress.shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	progress.shown = false;
}
