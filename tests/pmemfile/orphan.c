// SPDX-License-Identifier: BSD-3-Clause
/*
 * orphan -- a file unlinked while open (and an O_TMPFILE file) keeps its
 * data until its last close and is freed then; if the process dies holding
 * it (SIGKILL), it is freed at the next pool open. Checked with
 * pmemfile_stats (inodes and blocks back to their former counts), statfs
 * (free blocks back), and the checker.
 */
#include "check.h"
#include "tcheck.h"

#include <libpmemfile-posix.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#define MiB (1UL << 20)

static char path[4096];
static char buf[MiB];

static void snapshot(PMEMfilepool *pfp, struct pmemfile_stats *s,
		     pmemfile_statfs_t *sfs)
{
	pmemfile_stats(pfp, s);
	T_EQ(pmemfile_statfs(pfp, sfs), 0);
}

static void expect_same(PMEMfilepool *pfp, const struct pmemfile_stats *s0,
			const pmemfile_statfs_t *f0, const char *when)
{
	struct pmemfile_stats s;
	pmemfile_statfs_t f;
	snapshot(pfp, &s, &f);
	if (s.inodes != s0->inodes || s.blocks != s0->blocks)
		T_FAIL("%s: %u inodes and %u blocks, expected %u and %u", when,
		       s.inodes, s.blocks, s0->inodes, s0->blocks);
	if (f.f_bfree < f0->f_bfree)
		T_FAIL("%s: %llu free blocks, expected at least %llu", when,
		       (unsigned long long)f.f_bfree,
		       (unsigned long long)f0->f_bfree);
}

static PMEMfile *make_big(PMEMfilepool *pfp, const char *name)
{
	PMEMfile *f =
	    pmemfile_open(pfp, name, PMEMFILE_O_CREAT | PMEMFILE_O_RDWR, 0644);
	T_ASSERT(f != NULL);
	for (int i = 0; i < 4; i++)
		T_EQ(pmemfile_write(pfp, f, buf, MiB), MiB);
	return f;
}

static void at_last_close(PMEMfilepool *pfp, const struct pmemfile_stats *s0,
			  const pmemfile_statfs_t *f0)
{
	PMEMfile *f = make_big(pfp, "/d/f");
	PMEMfile *g = pmemfile_open(pfp, "/d/f", PMEMFILE_O_RDONLY);
	T_ASSERT(g != NULL);
	T_EQ(pmemfile_unlink(pfp, "/d/f"), 0);
	pmemfile_stat_t st;
	T_EQ(pmemfile_fstat(pfp, f, &st), 0);
	T_EQ(st.st_nlink, 0);
	T_EQ(st.st_size, 4 * MiB);
	struct pmemfile_stats s;
	pmemfile_stats(pfp, &s);
	T_EQ(s.inodes, s0->inodes + 1);
	pmemfile_close(pfp, f);
	char c = (char)~buf[MiB - 1]; /* the read must overwrite it */
	T_EQ(pmemfile_pread(pfp, g, &c, 1, 4 * MiB - 1), 1);
	T_EQ(c, buf[MiB - 1]);
	pmemfile_stats(pfp, &s);
	T_EQ(s.inodes, s0->inodes + 1);
	pmemfile_close(pfp, g);
	expect_same(pfp, s0, f0, "after the last close of an unlinked file");

	f = pmemfile_open(pfp, "/d", PMEMFILE_O_TMPFILE | PMEMFILE_O_RDWR,
			  0600);
	T_ASSERT(f != NULL);
	T_EQ(pmemfile_write(pfp, f, buf, MiB), MiB);
	pmemfile_close(pfp, f);
	expect_same(pfp, s0, f0, "after the close of an O_TMPFILE file");
}

/* A child holds an unlinked file and a tmpfile open and is killed. */
static void after_crash(const struct pmemfile_stats *s0,
			const pmemfile_statfs_t *f0)
{
	int fds[2];
	T_EQ(pipe(fds), 0);
	fflush(NULL);
	pid_t pid = fork();
	T_ASSERT(pid >= 0);
	if (pid == 0) {
		PMEMfilepool *pfp = pmemfile_pool_open(path);
		if (!pfp)
			_exit(2);
		make_big(pfp, "/d/held");
		if (pmemfile_unlink(pfp, "/d/held"))
			_exit(3);
		PMEMfile *t = pmemfile_open(
		    pfp, "/d", PMEMFILE_O_TMPFILE | PMEMFILE_O_RDWR, 0600);
		if (!t || pmemfile_write(pfp, t, buf, MiB) != MiB)
			_exit(4);
		if (write(fds[1], "k", 1) != 1)
			_exit(5);
		for (;;)
			pause();
	}
	close(fds[1]);
	char c;
	if (read(fds[0], &c, 1) != 1) {
		int status;
		waitpid(pid, &status, 0);
		T_FAIL("the child failed before holding the files (status %d)",
		       WEXITSTATUS(status));
	}
	kill(pid, SIGKILL);
	int status;
	T_EQ(waitpid(pid, &status, 0), pid);
	close(fds[0]);

	PMEMfilepool *pfp = pmemfile_pool_open(path);
	T_ASSERT(pfp != NULL);
	expect_same(pfp, s0, f0, "at the open after a crash");
	pmemfile_stat_t st;
	T_ERRNO(pmemfile_stat(pfp, "/d/held", &st), ENOENT);
	pmemfile_pool_close(pfp);
	T_EQ(pmemfile_check_pool(path, stdout), 0);
}

int main(void)
{
	t_pool_path(path, sizeof(path));
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 31 + 7);

	PMEMfilepool *pfp = pmemfile_pool_create(path, 64 * MiB, 0600);
	T_ASSERT(pfp != NULL);
	T_EQ(pmemfile_mkdir(pfp, "/d", 0755), 0);
	/* A name made and removed first, so the directory has its blocks. */
	pmemfile_close(pfp, make_big(pfp, "/d/warmup"));
	T_EQ(pmemfile_unlink(pfp, "/d/warmup"), 0);

	struct pmemfile_stats s0;
	pmemfile_statfs_t f0;
	snapshot(pfp, &s0, &f0);
	at_last_close(pfp, &s0, &f0);
	pmemfile_pool_close(pfp);
	T_EQ(pmemfile_check_pool(path, stdout), 0);

	after_crash(&s0, &f0);
	printf("orphans freed at last close and after a crash\n");
	return 0;
}
