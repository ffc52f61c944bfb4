// SPDX-License-Identifier: BSD-3-Clause
/*
 * multi_killtrim -- a holder killed with the end of a writer's lease not
 * made yet: the storage that lease reserved past the end of the file is
 * freed by the next holder, and the file takes the blocks a kernel file of
 * its size would (its size rounded up to a page).
 *
 * The holder's keeper ends a client's lease when the client closes the
 * file, and leaves the freeing of the storage for when it has nothing else
 * to do (lease.c, trims left for later). Here the holder's own thread
 * holds the file's lock meanwhile, so that the keeper waits for it, and
 * the holder is killed then: the trim was left, never made.
 *
 * Processes: this one (the driver) creates the pool and lets it go; the
 * holder opens it and keeps the file open; the writer, a client, writes
 * the file under a lease and closes it. Each is started with fork and
 * exec.
 */
#include "check.h"
#include "share.h"
#include "tmulti.h"
#include "vinode.h"

#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BLK 4096
#define MIB (1L << 20)
#define POOL_SIZE (128UL << 20)
/* what the writer writes: not a multiple of a page */
#define SIZE (3 * MIB + 1000)

static char pool[4096];

static void fill(char *b, long at, long n)
{
	for (long i = 0; i < n; i++)
		b[i] = (char)(((at + i) * 13 + 5) & 0xff);
}

/*
 * Holds the pool, opens /t and tells 'h'; at 'l' takes /t's lock (as a
 * reader: the keeper's trim waits for it) and tells 'L'; then waits to be
 * killed.
 */
static int holder(int in, int out)
{
	PMEMfilepool *pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	T_EQ(atomic_load(&pfp->share->holder), getpid());
	PMEMfile *f = pmemfile_open(pfp, "/t", PMEMFILE_O_RDONLY);
	T_ASSERT(f != NULL);
	t_say(out, 'h');
	t_hear(in, 'l');
	vinode_rdlock(f->vinode);
	t_say(out, 'L');
	for (;;)
		pause();
}

/* The segment's lease entry this process holds granted, -1 if none. */
static int my_lease(PMEMfilepool *pfp)
{
	struct share_seg *s = pfp->share;
	for (int i = 0; i < SHARE_LEASES; i++)
		if (atomic_load(&s->lease[i].state) == LEASE_GRANTED &&
		    s->lease[i].pid == getpid())
			return i;
	return -1;
}

/*
 * A client: writes /t in records until it holds a lease with storage
 * reserved past the end, tells 'w'; at 'c' closes /t, waits until the
 * holder ended the lease and tells 'e'; then waits to be killed.
 */
static int writer(int in, int out)
{
	static char b[10240];
	PMEMfilepool *pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	T_ASSERT(atomic_load(&pfp->share->holder) != getpid());
	PMEMfile *f = pmemfile_open(pfp, "/t", PMEMFILE_O_WRONLY);
	T_ASSERT(f != NULL);
	for (long at = 0; at < SIZE; at += (long)sizeof(b)) {
		long n =
		    SIZE - at < (long)sizeof(b) ? SIZE - at : (long)sizeof(b);
		fill(b, at, n);
		T_EQ(pmemfile_write(pfp, f, b, (size_t)n), n);
	}
	int e = my_lease(pfp);
	T_ASSERT(e >= 0);
	struct share_lease *l = &pfp->share->lease[e];
	/* the storage reserved reaches past the end of the file */
	T_ASSERT(l->reserved != UINT64_MAX);
	t_say(out, 'w');
	t_hear(in, 'c');
	pmemfile_close(pfp, f);
	/* the keeper ends the lease (it is served, then trims) */
	for (int tries = 0; atomic_load(&l->state) == LEASE_GRANTED ||
			    atomic_load(&l->state) == LEASE_REVOKED;
	     tries++) {
		T_ASSERT(tries < 10000);
		usleep(1000);
	}
	t_say(out, 'e');
	for (;;)
		pause();
}

static void kill_reap(pid_t pid)
{
	int status;
	T_EQ(kill(pid, SIGKILL), 0);
	T_EQ(waitpid(pid, &status, 0), pid);
	T_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

int main(int argc, char *argv[])
{
	static char b[64 << 10], want[64 << 10];
	t_force_pmem(argv);
	if (t_is_role(argc, argv, "holder", pool, sizeof(pool)))
		return holder(10, 11);
	if (t_is_role(argc, argv, "writer", pool, sizeof(pool)))
		return writer(10, 11);
	t_pool_path(pool, sizeof(pool));
	PMEMfilepool *pfp = pmemfile_pool_create(pool, POOL_SIZE, 0600);
	T_ASSERT(pfp != NULL);
	PMEMfile *f = pmemfile_open(pfp, "/t",
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0644);
	T_ASSERT(f != NULL);
	pmemfile_close(pfp, f);
	pmemfile_pool_close(pfp);

	int hto, hfrom, wto, wfrom;
	pid_t h = t_start_role(argv[0], "holder", pool, "", &hto, &hfrom);
	t_hear(hfrom, 'h');
	pid_t w = t_start_role(argv[0], "writer", pool, "", &wto, &wfrom);
	t_hear(wfrom, 'w');
	t_say(hto, 'l');
	t_hear(hfrom, 'L');
	t_say(wto, 'c');
	t_hear(wfrom, 'e');
	/* the keeper waits for the lock to free the storage: it dies so */
	kill_reap(h);
	kill_reap(w);

	/* the next holder: the dead one's recovery, then the storage freed */
	pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	struct stat st;
	T_EQ(pmemfile_stat(pfp, "/t", &st), 0);
	/* (elected at that first call, the holder being dead) */
	T_EQ(atomic_load(&pfp->share->holder), getpid());
	T_EQ(st.st_size, SIZE);
	T_EQ(st.st_blocks, (SIZE + BLK - 1) / BLK * (BLK / 512));
	f = pmemfile_open(pfp, "/t", PMEMFILE_O_RDONLY);
	T_ASSERT(f != NULL);
	for (long at = 0; at < SIZE; at += (long)sizeof(b)) {
		long n =
		    SIZE - at < (long)sizeof(b) ? SIZE - at : (long)sizeof(b);
		T_EQ(pmemfile_read(pfp, f, b, (size_t)n), n);
		fill(want, at, n);
		T_ASSERT(memcmp(b, want, (size_t)n) == 0);
	}
	pmemfile_close(pfp, f);
	pmemfile_pool_close(pfp);
	T_EQ(pmemfile_check_pool(pool, stdout), 0);
	unlink(pool);
	printf("multi_killtrim: ok\n");
	return 0;
}
