// SPDX-License-Identifier: BSD-3-Clause
/*
 * multi_channels -- a client's call goes through when every channel of the
 * segment is held by processes that died (each claimed one and was killed
 * before it sent its request), while the holder's keeper is never idle
 * long enough to sweep them itself: the client frees them (rc_begin),
 * instead of waiting for a free channel forever.
 *
 * The first process creates the pool and holds it; its main thread bumps
 * the keeper's word every 20 ms (as other processes' posts would). The
 * second, started with fork and exec, is the client: it fills every
 * channel with the claims of a child that has exited, then stats a file.
 * A client still waiting after 20 s fails the test (SIGALRM).
 */
#include "check.h"
#include "share.h"
#include "tmulti.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <stdint.h>
#include <libpmemfile-posix.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define POOL_SIZE (16UL << 20)

static char pool[4096];

static int client(int in, int out)
{
	PMEMfilepool *pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	struct stat st;
	T_EQ(pmemfile_stat(pfp, "/f", &st), 0); /* joined: the holder serves */
	T_EQ(st.st_size, 3);

	/* a process that is gone: its pid and start time are nobody's */
	pid_t dead = fork();
	T_ASSERT(dead >= 0);
	if (dead == 0)
		_exit(0);
	T_EQ(waitpid(dead, NULL, 0), dead);
	struct share_seg *s = pfp->share;
	for (int i = 0; i < SHARE_CHANNELS; ++i) {
		struct share_chan *c = &s->chan[i];
		uint32_t free_state = CHAN_FREE;
		T_ASSERT(atomic_compare_exchange_strong(&c->state, &free_state,
							CHAN_CLAIMED));
		c->pid = dead;
		c->start = 1;
	}
	alarm(20);
	memset(&st, 0, sizeof(st));
	T_EQ(pmemfile_stat(pfp, "/f", &st), 0);
	T_EQ(st.st_size, 3);
	alarm(0);
	t_say(out, 'a');
	t_hear(in, 'b');
	pmemfile_pool_close(pfp);
	return 0;
}

int main(int argc, char *argv[])
{
	t_force_pmem(argv);
	if (t_is_role(argc, argv, "client", pool, sizeof(pool)))
		return client(10, 11);
	t_pool_path(pool, sizeof(pool));
	PMEMfilepool *pfp = pmemfile_pool_create(pool, POOL_SIZE, 0600);
	T_ASSERT(pfp != NULL);
	PMEMfile *f = pmemfile_open(pfp, "/f",
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0644);
	T_ASSERT(f != NULL);
	T_EQ(pmemfile_write(pfp, f, "abc", 3), 3);
	pmemfile_close(pfp, f);

	int to, from;
	pid_t pid = t_start_role(argv[0], "client", pool, "", &to, &from);
	T_EQ(fcntl(from, F_SETFL, O_NONBLOCK), 0);
	/* never idle for a second: the keeper's own sweep does not come */
	char c = 0;
	for (int i = 0; i < 25 * 60 && read(from, &c, 1) != 1; ++i) {
		atomic_fetch_add(&pfp->share->keeper_word, 1);
		syscall(SYS_futex, &pfp->share->keeper_word, FUTEX_WAKE,
			INT32_MAX, NULL, NULL, 0);
		usleep(20 * 1000);
	}
	T_EQ(c, 'a');
	t_say(to, 'b');
	t_reap(pid);
	pmemfile_pool_close(pfp);
	T_EQ(pmemfile_check_pool(pool, stdout), 0);
	unlink(pool);
	printf("multi_channels: ok\n");
	return 0;
}
