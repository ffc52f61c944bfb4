// SPDX-License-Identifier: BSD-3-Clause
/*
 * multi_slots -- a process gives its slot of the pool's process table
 * (1,024 slots) back when it leaves the pool, without waiting for a sweep:
 *  - a client that read a file, closed it and execs a program that never
 *    uses the pool (pmemfile_pool_handover first, as the shim does): its
 *    slot referred only to what its close posted (the program a shell runs
 *    from a mount, `o=$(/mnt/prog)`), and the new image, told nothing of
 *    the pool, never gave it back;
 *  - a holder that closes the pool: its close claimed a slot to leave.
 * Only the sweep of a holder that stays a while freed them (every 100 ms
 * while it serves, after a second idle), and programs of a mount run one
 * after another, each holding the pool in turn or beside another, filled
 * the table: the next process waited a second and got EMFILE. After each
 * client's end and after the holder's, no slot of a process that has
 * ended may be taken. The pool checks clean at the end.
 */
#include "check.h"
#include "share.h"
#include "tmulti.h"

#include <libpmemfile-posix.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#define POOL_SIZE (32UL << 20)
#define ROUNDS 20

static char pool[4096];
static const char text[] = "what the file holds\n";

/* Slots taken by processes that have ended (and were reaped). */
static int dead_slots(PMEMfilepool *pfp)
{
	struct share_seg *s = pfp->share;
	int n = 0;
	for (int i = 0; i < SHARE_PROCS; ++i) {
		pid_t pid = atomic_load(&s->proc[i].pid);
		if (pid > 0 && kill(pid, 0) != 0 && errno == ESRCH)
			n++;
	}
	return n;
}

static void read_file(PMEMfilepool *pfp)
{
	char buf[sizeof(text) + 8];
	PMEMfile *f = pmemfile_open(pfp, "/f", PMEMFILE_O_RDONLY);
	T_ASSERT(f != NULL);
	T_EQ(pmemfile_read(pfp, f, buf, sizeof(buf)),
	     (pmemfile_ssize_t)sizeof(text) - 1);
	T_EQ(memcmp(buf, text, sizeof(text) - 1), 0);
	pmemfile_close(pfp, f);
}

/* Holds the pool (it opens it first) until told to leave. */
static int holder(int in, int out)
{
	PMEMfilepool *pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	PMEMfile *f = pmemfile_open(pfp, "/f",
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0644);
	T_ASSERT(f != NULL);
	T_EQ(pmemfile_write(pfp, f, text, sizeof(text) - 1),
	     (pmemfile_ssize_t)sizeof(text) - 1);
	pmemfile_close(pfp, f);
	t_say(out, 'r');
	t_hear(in, 'q');
	pmemfile_pool_close(pfp);
	return 0;
}

/* Reads the file as a client, then execs a program that never uses it. */
static int client(void)
{
	PMEMfilepool *pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	read_file(pfp);
	T_EQ(pmemfile_pool_handover(pfp), 0);
	execl("/bin/true", "true", (char *)NULL);
	return 4;
}

int main(int argc, char *argv[])
{
	t_force_pmem(argv);
	if (t_is_role(argc, argv, "holder", pool, sizeof(pool)))
		return holder(10, 11);
	if (t_is_role(argc, argv, "client", pool, sizeof(pool)))
		return client();
	t_pool_path(pool, sizeof(pool));
	PMEMfilepool *pfp = pmemfile_pool_create(pool, POOL_SIZE, 0600);
	T_ASSERT(pfp != NULL);
	pmemfile_pool_close(pfp);

	int to, from;
	pid_t h = t_start_role(argv[0], "holder", pool, "-", &to, &from);
	t_hear(from, 'r');
	/* a client too, which looks at the segment */
	pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	T_ASSERT(pfp->share != NULL);
	read_file(pfp);
	for (int i = 0; i < ROUNDS; ++i) {
		int cto, cfrom;
		pid_t c =
		    t_start_role(argv[0], "client", pool, "-", &cto, &cfrom);
		t_reap(c);
		close(cto);
		close(cfrom);
		T_EQ(dead_slots(pfp), 0);
	}
	printf("ok: %d clients that exec'd left no slot\n", ROUNDS);

	t_say(to, 'q');
	t_reap(h);
	T_EQ(dead_slots(pfp), 0);
	printf("ok: the holder that closed the pool left no slot\n");
	read_file(pfp); /* this process holds it now */
	pmemfile_pool_close(pfp);
	T_EQ(pmemfile_check_pool(pool, stdout), 0);
	unlink(pool);
	printf("PASS\n");
	return 0;
}
