// SPDX-License-Identifier: BSD-3-Clause
/*
 * repair_crash -- a repair that dies at any instant leaves a pool no
 * worse: a pool damaged in several ways at once (a link count, a record
 * naming a free inode, a file named by nothing, a leaked object, a zeroed
 * hash table, an orphan, the list of arrays with a free slot emptied, by
 * tests/tools/damage) is repaired by pmemfile_repair_pool in a child that
 * dies (_exit) at its n-th pmemobj_tx_add_range_direct, the library's and
 * the repair's, for n = 1, 2, ... until the repair runs to its end. After
 * each death the pool opens for checking, a repair run to its end then
 * leaves it clean (no problem, no fix left to make), and the files keep
 * their bytes: those the damage left alone where they were, the one named
 * by nothing in /lost+found.
 *
 * The deaths come from the link (-Wl,--wrap), as in faults. STRESS=1 dies
 * at every call; else at one in three (and the first ten).
 */
#include "check.h"
#include "tcheck.h"

#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <libpmemobj.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define DIED 99

/* The call at which the child dies, 0: none. */
static long die_at;
static long calls;

int __real_pmemobj_tx_add_range_direct(const void *ptr, size_t size);

int __wrap_pmemobj_tx_add_range_direct(const void *ptr, size_t size)
{
	if (die_at && ++calls == die_at)
		_exit(DIED);
	return __real_pmemobj_tx_add_range_direct(ptr, size);
}

static char big[100000];

static void put(PMEMfilepool *p, const char *path, const void *buf, size_t len)
{
	PMEMfile *f =
	    pmemfile_open(p, path, PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0644);
	T_ASSERT(f);
	T_EQ(pmemfile_write(p, f, buf, len), len);
	pmemfile_close(p, f);
}

static uint64_t ino(PMEMfilepool *p, const char *path)
{
	pmemfile_stat_t st;
	T_EQ(pmemfile_lstat(p, path, &st), 0);
	return st.st_ino;
}

/* Whether path of p holds exactly len bytes of buf. */
static bool holds(PMEMfilepool *p, const char *path, const void *buf,
		  size_t len)
{
	static char got[sizeof(big) + 1];
	PMEMfile *f = pmemfile_open(p, path, PMEMFILE_O_RDONLY);
	if (!f)
		return false;
	pmemfile_ssize_t n = pmemfile_read(p, f, got, sizeof(got));
	pmemfile_close(p, f);
	return n == (pmemfile_ssize_t)len && memcmp(got, buf, len) == 0;
}

static void copy_file(const char *from, const char *to)
{
	static char buf[1 << 20];
	int in = open(from, O_RDONLY),
	    out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	T_ASSERT(in >= 0 && out >= 0);
	ssize_t n;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		T_EQ(write(out, buf, (size_t)n), n);
	close(in);
	close(out);
}

static const char *damage_tool;

static void damage(const char *pool, const char *what)
{
	char cmd[8192];
	snprintf(cmd, sizeof(cmd), "%s %s %s", damage_tool, pool, what);
	T_EQ(system(cmd), 0);
}

/* The repair in a child dying at call n (0: never); its wait status. */
static int repair_dying_at(const char *pool, long n)
{
	fflush(stdout);
	pid_t pid = fork();
	T_ASSERT(pid >= 0);
	if (pid == 0) {
		unsigned fixed, left;
		die_at = n;
		int fd = open("/dev/null", O_WRONLY);
		FILE *out = fdopen(fd, "w");
		_exit(pmemfile_repair_pool(pool, out, PMEMFILE_REPAIR_FIX, NULL,
					   &fixed, &left) == 0 &&
			      left == 0
			  ? 0
			  : 1);
	}
	int status;
	T_EQ(waitpid(pid, &status, 0), pid);
	return status;
}

int main(void)
{
	const char *tmp = getenv("TMPDIR"), *build = getenv("TEST_BUILD");
	if (!build) {
		printf("TEST_BUILD is not set\n");
		return 77;
	}
	if (!tmp)
		tmp = "/tmp";
	setenv("PMEM_IS_PMEM_FORCE", "1", 1);
	char tool[4096], base[4096], work[4096];
	snprintf(tool, sizeof(tool), "%s/tests/tools/damage", build);
	if (access(tool, X_OK)) {
		printf("%s is not built\n", tool);
		return 77;
	}
	damage_tool = tool;
	snprintf(base, sizeof(base), "%s/repair_crash_base.pool", tmp);
	snprintf(work, sizeof(work), "%s/repair_crash.pool", tmp);
	bool stress = getenv("STRESS") && atoi(getenv("STRESS")) > 0;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 2654435761u >> 13);
	unlink(base);
	PMEMfilepool *p = pmemfile_pool_create(base, 16 << 20, 0600);
	T_ASSERT(p);
	T_EQ(pmemfile_mkdir(p, "/d", 0755), 0);
	put(p, "/d/a", "aaaa", 4);
	put(p, "/d/b", "bbbb", 4);
	put(p, "/d/c", "cccc", 4);
	put(p, "/d/o", "oooo", 4);
	put(p, "/d/keep", "keep", 4);
	put(p, "/big", big, sizeof(big));
	uint64_t d = ino(p, "/d"), a = ino(p, "/d/a"), c = ino(p, "/d/c");
	pmemfile_pool_close(p);

	char what[256];
	snprintf(what, sizeof(what), "nlink %lu", (unsigned long)a);
	damage(base, what);
	snprintf(what, sizeof(what), "free-record %lu b", (unsigned long)d);
	damage(base, what);
	snprintf(what, sizeof(what), "unname %lu c", (unsigned long)d);
	damage(base, what);
	damage(base, "leak");
	snprintf(what, sizeof(what), "orphan %lu o", (unsigned long)d);
	damage(base, what);
	snprintf(what, sizeof(what), "htab %lu", (unsigned long)d);
	damage(base, what);
	damage(base, "free-list");
	int problems = pmemfile_check_pool(base, NULL);
	T_ASSERT(problems >= 5);

	char lost[64];
	snprintf(lost, sizeof(lost), "/lost+found/#%lu", (unsigned long)c);
	long n, deaths = 0;
	for (n = 1;; n++) {
		if (!stress && n > 10 && n % 3)
			continue;
		copy_file(base, work);
		int st = repair_dying_at(work, n);
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			break; /* the repair ended before its n-th call */
		if (!WIFEXITED(st) || WEXITSTATUS(st) != DIED)
			T_FAIL("the repair dying at call %ld: status %#x", n,
			       st);
		deaths++;
		int after = pmemfile_check_pool(work, NULL);
		if (after < 0)
			T_FAIL("after a death at call %ld the pool cannot be "
			       "checked: %d",
			       n, after);
		st = repair_dying_at(work, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			T_FAIL("after a death at call %ld the repair did not "
			       "finish clean: status %#x",
			       n, st);
		if (pmemfile_check_pool(work, stdout) != 0)
			T_FAIL("after a death at call %ld and a repair, the "
			       "pool is not clean",
			       n);
		p = pmemfile_pool_open(work);
		T_ASSERT(p);
		if (!holds(p, "/d/keep", "keep", 4) ||
		    !holds(p, "/d/a", "aaaa", 4) ||
		    !holds(p, "/big", big, sizeof(big)) ||
		    !holds(p, lost, "cccc", 4))
			T_FAIL("after a death at call %ld and a repair, a "
			       "file lost its bytes",
			       n);
		pmemfile_pool_close(p);
	}
	T_ASSERT(deaths > 0);
	printf("%d problems; the repair made %ld calls, died at %ld of them; "
	       "each time the pool was repaired clean afterwards\n",
	       problems, n - 1, deaths);
	unlink(base);
	unlink(work);
	return 0;
}
