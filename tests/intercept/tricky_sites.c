// SPDX-License-Identifier: BSD-3-Clause
/*
 * tricky_sites.c -- system call sites that are hard to patch (sites_asm.S)
 * give the right results and reach the hook once per call: a syscall first
 * in its function, after endbr64, last before padding, a branch target right
 * after it or at it, RIP-relative neighbours, a relative call, a short jump
 * or a conditional jump right after it, two syscalls back to back, a
 * syscall in a tight loop, and one between executed alignment nops and a
 * branch target.
 *
 * The sites live in libsites_asm.so, patched only under INTERCEPT_ALL_OBJS=1.
 * The test first runs without it (the sites must not be hooked: only libc is
 * patched by default), then re-executes itself with it.
 */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libsyscall_intercept_hook_point.h>

#include "check.h"
#include "hook_count.h"

long sites_call(void *fn, long nr, long a0, long a1, long a2, long tag);
void site_first(void), site_endbr(void), site_last(void), site_exit_last(void),
    site_branch_after(void), site_branch_at(void), site_riprel(void),
    site_call_after(void), site_jmp_after(void), site_jcc_after(void),
    site_back_to_back(void), site_loop(void), site_live_nops(void);

#define TAG_BASE 0x7a90000L
#define ANSWER_BASE 50000L
#define LOOPS 1000

enum site_tag {
	T_FIRST = 1,
	T_ENDBR,
	T_LAST,
	T_EXIT_LAST,
	T_BRANCH_AFTER,
	T_BRANCH_AT,
	T_RIPREL,
	T_CALL_AFTER,
	T_JMP_AFTER,
	T_JCC_AFTER,
	T_BACK_TO_BACK,
	T_LOOP,
	T_LIVE_NOPS,
	T_COUNT
};

static long tag_calls[T_COUNT];
static int intercepted; /* 1 when the sites are expected to be hooked */

static int sites_hook(long nr, const long a[6], long *result)
{
	long tag = a[5] - TAG_BASE;

	if (tag <= 0 || tag >= T_COUNT)
		return 1;
	tag_calls[tag]++;
	if (nr == SYS_getppid) {
		*result = ANSWER_BASE + tag;
		return 0;
	}
	if (nr == SYS_exit_group && a[0] == 41)
		syscall_no_intercept(SYS_exit_group, 42);
	return 1;
}

/* What getppid at the site tagged tag returns. */
static long ppid_at(enum site_tag tag)
{
	return intercepted ? ANSWER_BASE + tag
			   : syscall_no_intercept(SYS_getppid);
}

static long call(void (*fn)(void), long nr, long a0, long a1, long a2,
		 enum site_tag tag)
{
	return sites_call((void *)fn, nr, a0, a1, a2, TAG_BASE + tag);
}

static int failures;

/*
 * Every site is checked, failing or not, so that one run names all the
 * sites that go wrong.
 */
static void expect(enum site_tag tag, const char *site, long got, long want,
		   long calls)
{
	if (!intercepted)
		calls = 0;
	if (got != want) {
		fprintf(stderr, "%s: result %ld, want %ld\n", site, got, want);
		failures++;
	}
	if (tag_calls[tag] != calls) {
		fprintf(stderr, "%s: the hook saw %ld calls, want %ld\n", site,
			tag_calls[tag], calls);
		failures++;
	}
}

#define EXPECT(tag, got, want, calls) expect(tag, #tag, got, want, calls)

static void check_simple_sites(void)
{
	EXPECT(T_FIRST, call(site_first, SYS_getppid, 0, 0, 0, T_FIRST),
	       ppid_at(T_FIRST), 1);
	EXPECT(T_ENDBR, call(site_endbr, SYS_getppid, 0, 0, 0, T_ENDBR),
	       ppid_at(T_ENDBR), 1);
	EXPECT(T_LAST, call(site_last, SYS_getppid, 0, 0, 0, T_LAST),
	       ppid_at(T_LAST), 1);
}

static void check_branch_sites(void)
{
	long r = call(site_branch_after, SYS_getppid, 0, 0, 0, T_BRANCH_AFTER);
	EXPECT(T_BRANCH_AFTER, r, ppid_at(T_BRANCH_AFTER) + 1000, 1);
	/* Jumping over the syscall lands right after it. */
	r = call(site_branch_after, SYS_getppid, 0, 1, 0, T_BRANCH_AFTER);
	EXPECT(T_BRANCH_AFTER, r, SYS_getppid + 1000, 1);

	r = call(site_branch_at, SYS_getppid, 0, 0, 0, T_BRANCH_AT);
	EXPECT(T_BRANCH_AT, r, ppid_at(T_BRANCH_AT), 1);
	r = call(site_branch_at, SYS_getppid, 0, 1, 0, T_BRANCH_AT);
	EXPECT(T_BRANCH_AT, r, ppid_at(T_BRANCH_AT), 2);
}

static void check_relative_neighbours(void)
{
	long r = call(site_riprel, SYS_getppid, 0, 0, 0, T_RIPREL);
	EXPECT(T_RIPREL, r, ppid_at(T_RIPREL) + 5000 + 1, 1);
	r = call(site_riprel, SYS_getppid, 1, 0, 0, T_RIPREL);
	EXPECT(T_RIPREL, r, ppid_at(T_RIPREL) + 5000, 2);

	r = call(site_call_after, SYS_getppid, 0, 0, 0, T_CALL_AFTER);
	EXPECT(T_CALL_AFTER, r, ppid_at(T_CALL_AFTER) + 7, 1);

	r = call(site_jmp_after, SYS_getppid, 0, 0, 0, T_JMP_AFTER);
	EXPECT(T_JMP_AFTER, r, ppid_at(T_JMP_AFTER) + 9, 1);

	r = call(site_jcc_after, SYS_getppid, 0, 0, 0, T_JCC_AFTER);
	EXPECT(T_JCC_AFTER, r, ppid_at(T_JCC_AFTER) + 11, 1);
	r = call(site_jcc_after, SYS_close, -1, 0, 0, T_JCC_AFTER);
	EXPECT(T_JCC_AFTER, r, -EBADF - 11, 2);
}

static void check_back_to_back(void)
{
	int fds[2];
	char buf[8] = "";

	CHECK(pipe(fds) == 0, "pipe: %m");
	CHECK_EQ(write(fds[1], "abcdef", 6), 6, "write to the pipe");
	/* sched_yield returns 0 in rax: the second syscall is read(). */
	long r = call(site_back_to_back, SYS_sched_yield, fds[0], (long)buf, 4,
		      T_BACK_TO_BACK);
	EXPECT(T_BACK_TO_BACK, r, 4, 2);
	if (memcmp(buf, "abcd", 5) != 0) {
		fprintf(stderr, "T_BACK_TO_BACK: read '%s', want 'abcd'\n",
			buf);
		failures++;
	}
	close(fds[0]);
	close(fds[1]);
}

static void check_loop(void)
{
	long r = call(site_loop, 0, LOOPS, 0, 0, T_LOOP);
	EXPECT(T_LOOP, r, ppid_at(T_LOOP), LOOPS);
}

static void check_live_nops(void)
{
	long r = call(site_live_nops, SYS_getppid, 0, 3, 0, T_LIVE_NOPS);
	EXPECT(T_LIVE_NOPS, r, SYS_getppid, 3);
}

static void check_exit_last(void)
{
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0, "fork: %m");
	if (pid == 0) {
		call(site_exit_last, SYS_exit_group, 41, 0, 0, T_EXIT_LAST);
		_exit(1);
	}
	status = check_wait(pid);
	if (status != (intercepted ? 42 : 41)) {
		fprintf(stderr, "T_EXIT_LAST: exit status %d, want %d\n",
			status, intercepted ? 42 : 41);
		failures++;
	}
}

int main(int argc, char **argv)
{
	(void)argc;
	intercepted = getenv("INTERCEPT_ALL_OBJS") != NULL;
	hook_count_extra = sites_hook;

	check_simple_sites();
	check_branch_sites();
	check_relative_neighbours();
	check_back_to_back();
	check_loop();
	check_live_nops();
	check_exit_last();
	if (failures > 0) {
		fprintf(stderr, "%d failures %s INTERCEPT_ALL_OBJS\n", failures,
			intercepted ? "with" : "without");
		return 1;
	}
	if (!intercepted) {
		printf("sites left alone without INTERCEPT_ALL_OBJS\n");
		fflush(stdout);
		check_reexec_all_objs(argv);
	}
	printf("every tricky site hooked with the right results\n");
	return 0;
}
