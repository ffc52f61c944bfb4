// SPDX-License-Identifier: BSD-3-Clause
/*
 * multi_quiet -- a client's releases are posted without waking the keeper
 * (remote.c, rc_post_quiet), and are still made before anyone can tell:
 *  - a file the holder unlinked while the client had it open gives its
 *    space back once the client closed it: the holder's statfs right after
 *    the client said so through a pipe counts the blocks free that it
 *    counted before the file was made, as a kernel's would;
 *  - the same after the client left the pool (its close, as the shim's
 *    exit makes) with the file still open, and exited (waitpid);
 *  - with nobody calling, the keeper makes them within a second and a half
 *    (its wait's timeout);
 *  - the client's own pmemfile_syncfs right after its close, which looks
 *    for posts before it is sent, leaves them to the holder.
 * Each round checks that the release was posted quietly (the segment's
 * count of ordered posts moved), and the test that at least one was still
 * waiting when the holder's own call came, so that the holder's making
 * them first (pool_check) is what is tested. The pool checks clean at the
 * end.
 */
#include "check.h"
#include "share.h"
#include "tmulti.h"

#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#define POOL_SIZE (64UL << 20)
#define SIZE (4L << 20)
#define ROUNDS 10

static char pool[4096];

static uint64_t posts(PMEMfilepool *pfp)
{
	return atomic_load(&pfp->share->order.seq);
}

/* Whether a quiet post waits for the holder (posted, not taken). */
static bool quiet_waiting(PMEMfilepool *pfp)
{
	struct share_seg *s = pfp->share;
	if (!atomic_load(&s->order.quiet))
		return false;
	for (int i = 0; i < SHARE_CHANNELS; ++i)
		if (atomic_load(&s->chan[i].state) == CHAN_POSTED &&
		    s->chan[i].seq)
			return true;
	return false;
}

static long free_blocks(PMEMfilepool *pfp)
{
	struct statfs b;
	T_EQ(pmemfile_statfs(pfp, &b), 0);
	return (long)b.f_bfree;
}

static void make_file(PMEMfilepool *pfp, const char *path)
{
	static char b[SIZE];
	memset(b, 'q', sizeof(b));
	PMEMfile *f = pmemfile_open(
	    pfp, path, PMEMFILE_O_CREAT | PMEMFILE_O_EXCL | PMEMFILE_O_WRONLY,
	    0644);
	T_ASSERT(f != NULL);
	T_EQ(pmemfile_write(pfp, f, b, sizeof(b)), (ssize_t)sizeof(b));
	pmemfile_close(pfp, f);
}

/*
 * Per round (of rounds): opens /f, says 'o'; after 'u' (the holder
 * unlinked it) closes it and says 'c', and waits for 'n'. Then, with
 * exit_open, opens /g, says 'o', and after 'u' leaves the pool with it
 * open.
 */
static int client(int in, int out, int rounds, bool exit_open)
{
	PMEMfilepool *pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	char c;
	for (int i = 0; i < rounds; ++i) {
		PMEMfile *f = pmemfile_open(pfp, "/f", PMEMFILE_O_RDONLY);
		T_ASSERT(f != NULL);
		T_EQ(pmemfile_read(pfp, f, &c, 1), 1);
		T_EQ(c, 'q');
		t_say(out, 'o');
		t_hear(in, 'u');
		uint64_t before = posts(pfp);
		pmemfile_close(pfp, f);
		T_EQ(posts(pfp), before + 1);
		/* a call that looks at the posts here leaves them alone */
		T_EQ(pmemfile_syncfs(pfp), 0);
		t_say(out, 'c');
		t_hear(in, 'n');
	}
	if (!exit_open)
		exit(0);
	PMEMfile *g = pmemfile_open(pfp, "/g", PMEMFILE_O_RDONLY);
	T_ASSERT(g != NULL);
	T_EQ(pmemfile_read(pfp, g, &c, 1), 1);
	t_say(out, 'o');
	t_hear(in, 'u');
	/* the leave releases it, as the shim's at the process's exit */
	pmemfile_pool_close(pfp);
	exit(0);
}

int main(int argc, char *argv[])
{
	t_force_pmem(argv);
	if (t_is_role(argc, argv, "client", pool, sizeof(pool)))
		return client(10, 11, atoi(argv[3]), atoi(argv[3]) == ROUNDS);
	t_pool_path(pool, sizeof(pool));
	PMEMfilepool *pfp = pmemfile_pool_create(pool, POOL_SIZE, 0600);
	T_ASSERT(pfp != NULL);
	/* the free count the pool comes back to after a file made and gone */
	make_file(pfp, "/f");
	T_EQ(pmemfile_unlink(pfp, "/f"), 0);
	long free0 = free_blocks(pfp);

	int to, from;
	char rounds[16];
	snprintf(rounds, sizeof(rounds), "%d", ROUNDS);
	/* the first round's file, before the client looks for it */
	make_file(pfp, "/f");
	pid_t pid = t_start_role(argv[0], "client", pool, rounds, &to, &from);
	int waiting = 0;
	for (int i = 0; i < ROUNDS; ++i) {
		t_hear(from, 'o');
		T_EQ(pmemfile_unlink(pfp, "/f"), 0);
		T_ASSERT(free_blocks(pfp) < free0);
		uint64_t before = posts(pfp);
		t_say(to, 'u');
		t_hear(from, 'c');
		T_ASSERT(posts(pfp) > before);
		waiting += quiet_waiting(pfp);
		T_EQ(free_blocks(pfp), free0);
		T_ASSERT(!quiet_waiting(pfp));
		/* the next round's file, or the exit's */
		make_file(pfp, i < ROUNDS - 1 ? "/f" : "/g");
		t_say(to, 'n');
	}
	/* the exit's release */
	t_hear(from, 'o');
	T_EQ(pmemfile_unlink(pfp, "/g"), 0);
	T_ASSERT(free_blocks(pfp) < free0);
	uint64_t before = posts(pfp);
	t_say(to, 'u');
	t_reap(pid);
	T_ASSERT(posts(pfp) > before);
	waiting += quiet_waiting(pfp);
	T_EQ(free_blocks(pfp), free0);
	T_ASSERT(waiting > 0);

	/* with nobody calling, the keeper's own wake makes them */
	make_file(pfp, "/f");
	close(to);
	close(from);
	pid = t_start_role(argv[0], "client", pool, "1", &to, &from);
	t_hear(from, 'o');
	T_EQ(pmemfile_unlink(pfp, "/f"), 0);
	t_say(to, 'u');
	t_hear(from, 'c');
	struct timespec nap = {1, 500 * 1000 * 1000L};
	T_EQ(nanosleep(&nap, NULL), 0);
	T_ASSERT(!quiet_waiting(pfp));
	t_say(to, 'n');
	t_reap(pid);
	close(to);
	close(from);
	T_EQ(free_blocks(pfp), free0);

	pmemfile_pool_close(pfp);
	T_EQ(pmemfile_check_pool(pool, stdout), 0);
	unlink(pool);
	printf("multi_quiet: ok (%d of %d releases still waiting at the "
	       "holder's call)\n",
	       waiting, ROUNDS + 1);
	return 0;
}
