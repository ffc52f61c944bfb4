/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_spawn.h -- what the benchmarks that start programs share: a clock,
 * environments for the started programs, the start itself and its timing.
 */
#ifndef BENCH_SPAWN_H
#define BENCH_SPAWN_H

#include <stdbool.h>

/* Where a started program's standard output goes (bench_run's out). */
#define BENCH_OUT_INHERIT (-2) /* the benchmark's own */
#define BENCH_OUT_NULL (-1)    /* /dev/null; any other: that descriptor */

/* CLOCK_MONOTONIC in ns. */
double bench_now_ns(void);

/*
 * A copy of the environment with extra first (a NULL-terminated list of
 * "NAME=value") and without the variables starting with one of drop (a
 * NULL-terminated list of prefixes). Exits on no memory.
 */
char **bench_env_with(const char *const *extra, const char *const *drop);

/*
 * Starts argv (searched in PATH) with env, its output to out, its error
 * output to /dev/null when quiet_err; its exit status, -1 when it did not
 * start or did not exit.
 */
int bench_run(char *const argv[], char **env, int out, bool quiet_err);

/*
 * ms per start of /bin/true in each of n environments, the median of
 * starts each, the environments taking turns (a busy moment hits them
 * all); out and quiet_err as bench_run's. Exits when /bin/true fails.
 */
void bench_ms_per_start(char **envs[], int n, int starts, int out,
			bool quiet_err, double *ms);

#endif
