// SPDX-License-Identifier: BSD-3-Clause
/*
 * multi_exitcopy -- a holder that exits while another process uses the
 * pool leaves it to a copy of itself (keeper_leave_to_copy) instead of
 * handing it over:
 *  - the client's description open across the exit goes on (its writes,
 *    fstat and close), and no hand-over is counted in the segment;
 *  - the pool's holder is then the copy, alive and named pmemfile-keep,
 *    not the client;
 *  - an exit handler of the holder that ran after the copy took over (it
 *    was registered before the pool was opened) wrote to a file of the
 *    pool: as a client, through the copy;
 *  - the exited holder's record lock is gone for the client (F_GETLK);
 *  - the client's close of the pool, the last use, returns once the copy
 *    closed the pool and exited (a tool may open it next); the pool checks
 *    clean with every byte written, and a file the client wrote under a
 *    lease and left open takes the blocks of its size, the storage the
 *    lease reserved freed by the copy before it left.
 * The test's first process makes the pool and closes it; the holder and
 * the client are started with fork and exec.
 */
#include "check.h"
#include "share.h"
#include "shim_calls.h"
#include "tmulti.h"

#include <errno.h>
#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define POOL_SIZE (64UL << 20)
#define BLK 4096

static char pool[4096];
static PMEMfilepool *held;
static PMEMfile *held_a;

/* Runs after the copy took over: registered before the pool was opened. */
static void holder_last_words(void)
{
	static const char tail[] = "atexit\n";
	T_EQ(pmemfile_write(held, held_a, tail, sizeof(tail) - 1),
	     (ssize_t)sizeof(tail) - 1);
	pmemfile_close(held, held_a);
	pmemfile_pool_close(held);
}

static int holder(int in, int out)
{
	static const char text[] = "hold\n";
	T_EQ(atexit(holder_last_words), 0);
	held = pmemfile_pool_open(pool);
	T_ASSERT(held != NULL);
	T_EQ(atomic_load(&held->share->holder), getpid());
	held_a =
	    pmemfile_open(held, "/a", PMEMFILE_O_WRONLY | PMEMFILE_O_APPEND);
	T_ASSERT(held_a != NULL);
	T_EQ(pmemfile_write(held, held_a, text, sizeof(text) - 1),
	     (ssize_t)sizeof(text) - 1);
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	T_EQ(pmemfile_fcntl(held, held_a, PMEMFILE_F_SETLK, &fl), 0);
	t_say(out, 'h');
	t_hear(in, 'x');
	exit(0);
}

static void fill(char *b, int seed)
{
	for (int i = 0; i < BLK; ++i)
		b[i] = (char)(seed * 31 + i);
}

static int client(int in, int out)
{
	static char b[BLK];
	PMEMfilepool *pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	struct share_seg *s = pfp->share;
	pid_t first = atomic_load(&s->holder);
	T_ASSERT(first != getpid());
	uint32_t handovers = atomic_load(&s->handovers);
	PMEMfile *f = pmemfile_open(pfp, "/b",
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0644);
	T_ASSERT(f != NULL);
	for (int i = 0; i < 4; ++i) {
		fill(b, i);
		T_EQ(pmemfile_write(pfp, f, b, BLK), BLK);
	}
	t_say(out, 'c');
	t_hear(in, 'g'); /* the holder has exited */

	for (int i = 4; i < 8; ++i) {
		fill(b, i);
		T_EQ(pmemfile_write(pfp, f, b, BLK), BLK);
	}
	struct stat st;
	T_EQ(pmemfile_fstat(pfp, f, &st), 0);
	T_EQ(st.st_size, 8 * BLK);
	pmemfile_close(pfp, f);
	T_EQ(atomic_load(&s->handovers), handovers);

	pid_t copy = atomic_load(&s->holder);
	T_ASSERT(copy != 0 && copy != first && copy != getpid());
	char path[64], comm[32] = "";
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)copy);
	FILE *c = fopen(path, "r");
	T_ASSERT(c != NULL);
	T_ASSERT(fgets(comm, sizeof(comm), c) != NULL);
	fclose(c);
	T_EQ(strcmp(comm, "pmemfile-keep\n"), 0);

	PMEMfile *a = pmemfile_open(pfp, "/a", PMEMFILE_O_RDWR);
	T_ASSERT(a != NULL);
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	T_EQ(pmemfile_fcntl(pfp, a, PMEMFILE_F_GETLK, &fl), 0);
	T_EQ(fl.l_type, F_UNLCK);
	char got[32] = "";
	T_EQ(pmemfile_read(pfp, a, got, sizeof(got)), 12);
	T_EQ(memcmp(got, "hold\natexit\n", 12), 0);
	pmemfile_close(pfp, a);
	/* a file written under a lease, open at the last use's end */
	PMEMfile *r = pmemfile_open(
	    pfp, "/r", PMEMFILE_O_CREAT | PMEMFILE_O_EXCL | PMEMFILE_O_WRONLY,
	    0644);
	T_ASSERT(r != NULL);
	T_EQ(pmemfile_write(pfp, r, "0123456789", 10), 10);
	T_ASSERT(t_holds_lease(pfp));
	T_EQ(write(out, &copy, sizeof(copy)), (ssize_t)sizeof(copy));
	pmemfile_pool_close(pfp);
	return 0;
}

/* Whether process pid is gone (or a zombie nobody reaped yet). */
static bool gone(pid_t pid)
{
	char path[64], line[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return true;
	char *got = fgets(line, sizeof(line), f);
	fclose(f);
	const char *p = got ? strrchr(line, ')') : NULL;
	return !p || p[2] == 'Z' || p[2] == 'X';
}

int main(int argc, char *argv[])
{
	static char want[BLK], got[BLK];
	t_force_pmem(argv);
	if (t_is_role(argc, argv, "holder", pool, sizeof(pool)))
		return holder(10, 11);
	if (t_is_role(argc, argv, "client", pool, sizeof(pool)))
		return client(10, 11);
	t_pool_path(pool, sizeof(pool));
	PMEMfilepool *pfp = pmemfile_pool_create(pool, POOL_SIZE, 0600);
	T_ASSERT(pfp != NULL);
	PMEMfile *f = pmemfile_open(pfp, "/a",
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0644);
	T_ASSERT(f != NULL);
	pmemfile_close(pfp, f);
	pmemfile_pool_close(pfp);

	int hto, hfrom, cto, cfrom;
	pid_t h = t_start_role(argv[0], "holder", pool, "", &hto, &hfrom);
	t_hear(hfrom, 'h');
	pid_t c = t_start_role(argv[0], "client", pool, "", &cto, &cfrom);
	t_hear(cfrom, 'c');
	t_say(hto, 'x');
	t_reap(h);
	t_say(cto, 'g');
	pid_t copy;
	T_EQ(read(cfrom, &copy, sizeof(copy)), (ssize_t)sizeof(copy));
	t_reap(c);

	/*
	 * The copy left with the client's close, which waited for it: the
	 * pool is closed, and nobody uses it.
	 */
	T_ASSERT(gone(copy));
	T_ASSERT(!pmemfile_pool_in_use(pool));

	pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	T_EQ(atomic_load(&pfp->share->holder), getpid());
	f = pmemfile_open(pfp, "/b", PMEMFILE_O_RDONLY);
	T_ASSERT(f != NULL);
	for (int i = 0; i < 8; ++i) {
		fill(want, i);
		T_EQ(pmemfile_read(pfp, f, got, BLK), BLK);
		T_EQ(memcmp(got, want, BLK), 0);
	}
	pmemfile_close(pfp, f);
	/* the storage its lease reserved went with the copy's last call */
	struct stat st;
	T_EQ(pmemfile_stat(pfp, "/r", &st), 0);
	T_EQ(st.st_size, 10);
	T_EQ(st.st_blocks, 4096 / 512);
	pmemfile_pool_close(pfp);
	T_EQ(pmemfile_check_pool(pool, stdout), 0);
	unlink(pool);
	printf("multi_exitcopy: ok\n");
	return 0;
}
