// SPDX-License-Identifier: BSD-3-Clause
/*
 * core_late_load.c -- libsyscall_intercept loaded by dlopen into a process
 * that already runs several threads does not rewrite code under their feet:
 * it stays inert (syscall_hook_in_process_allowed() is 0), says so in the
 * log, and the threads keep running. The spinning thread stops after a
 * bounded number of calls and the log is read up to a bounded number of
 * lines: were the library to log each call, the test would fail instead of
 * filling the disk.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SPINS_MAX 100000000L
#define LOG_MAX_LINES 1000

static volatile long spins;
static volatile int stop;

static void *spin(void *arg)
{
	(void)arg;
	while (!stop && spins < SPINS_MAX) {
		getppid();
		spins++;
	}
	return NULL;
}

int main(void)
{
	const char *build = getenv("TEST_BUILD");
	char path[4096], line[256];
	int (*allowed)(void);
	int found = 0, lines = 0;
	pthread_t t;
	long before;
	void *lib;
	FILE *log;

	if (build == NULL) {
		printf("FAIL: TEST_BUILD not set\n");
		return 1;
	}
	setenv("INTERCEPT_LOG", "late.log", 1);
	pthread_create(&t, NULL, spin, NULL);
	while (spins == 0)
		usleep(100);
	snprintf(path, sizeof(path), "%s/lib/libsyscall_intercept.so.0", build);
	lib = dlopen(path, RTLD_NOW);
	if (lib == NULL) {
		printf("FAIL: dlopen: %s\n", dlerror());
		return 1;
	}
	allowed = (int (*)(void))dlsym(lib, "syscall_hook_in_process_allowed");
	if (allowed == NULL || allowed() != 0) {
		printf("FAIL: the late library is not inert\n");
		return 1;
	}
	before = spins;
	usleep(20000);
	if (spins == before) {
		printf("FAIL: the other thread stopped\n");
		return 1;
	}
	stop = 1;
	pthread_join(t, NULL);
	log = fopen("late.log", "r");
	while (log != NULL && lines++ < LOG_MAX_LINES &&
	       fgets(line, sizeof(line), log) != NULL)
		found |= strstr(line, "more than one thread, inert") != NULL;
	if (!found) {
		printf("FAIL: no log line saying why the library is inert\n");
		return 1;
	}
	printf("loaded late into a threaded process: inert, logged\n");
	return 0;
}
