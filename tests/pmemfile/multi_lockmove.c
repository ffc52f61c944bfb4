// SPDX-License-Identifier: BSD-3-Clause
/*
 * multi_lockmove -- the locks of a process that is not the holder outlive
 * the holder: a POSIX record lock, an OFD lock and a flock taken by a
 * client stand after the holder closed the pool, as the kernel's would (a
 * third process is refused each, and F_GETLK names the client), and go
 * when the client releases them (the third process then takes each).
 *
 * Three processes: the first creates the pool and holds it, and starts
 * the other two with fork and exec (a fork child of a holder cannot open
 * the pool through the C API; the third is started after the first closed
 * the pool, so that it refers to none of the client's descriptions): the
 * second (the client) locks and waits; the third tries the locks.
 */
#include "tmulti.h"

#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <sys/file.h>

#define POOL_SIZE (32UL << 20)

static char pool[4096];
static char *self;
static pid_t client_pid;

/* Starts this program as role, with the client's pid as its argument. */
static pid_t start(const char *role, int *to, int *from)
{
	char pid[16];
	snprintf(pid, sizeof(pid), "%d", (int)client_pid);
	return t_start_role(self, role, pool, pid, to, from);
}

static struct flock range(short type, off_t start, off_t len)
{
	struct flock fl = {.l_type = type,
			   .l_whence = SEEK_SET,
			   .l_start = start,
			   .l_len = len};
	return fl;
}

static void third(void)
{
	PMEMfilepool *pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	PMEMfile *f = pmemfile_open(pfp, "/f", PMEMFILE_O_RDWR);
	T_ASSERT(f != NULL);
	struct flock fl = range(F_WRLCK, 0, 10);
	T_ERRNO(pmemfile_fcntl(pfp, f, F_SETLK, &fl), EAGAIN);
	fl = range(F_WRLCK, 5, 1);
	T_EQ(pmemfile_fcntl(pfp, f, F_GETLK, &fl), 0);
	T_EQ(fl.l_type, F_WRLCK);
	T_EQ(fl.l_start, 0);
	T_EQ(fl.l_len, 10);
	T_EQ(fl.l_pid, client_pid);
	fl = range(F_WRLCK, 25, 1);
	T_ERRNO(pmemfile_fcntl(pfp, f, F_OFD_SETLK, &fl), EAGAIN);
	T_ERRNO(pmemfile_flock(pfp, f, LOCK_EX | LOCK_NB), EWOULDBLOCK);
	fl = range(F_WRLCK, 40, 10);
	T_EQ(pmemfile_fcntl(pfp, f, F_SETLK, &fl), 0);
	t_say(11, 't');
	/* the client let its locks go */
	t_hear(10, 'u');
	fl = range(F_WRLCK, 0, 10);
	T_EQ(pmemfile_fcntl(pfp, f, F_SETLK, &fl), 0);
	fl = range(F_WRLCK, 25, 1);
	T_EQ(pmemfile_fcntl(pfp, f, F_OFD_SETLK, &fl), 0);
	T_EQ(pmemfile_flock(pfp, f, LOCK_EX | LOCK_NB), 0);
	pmemfile_close(pfp, f);
	pmemfile_pool_close(pfp);
}

static void client(void)
{
	PMEMfilepool *pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	PMEMfile *a = pmemfile_open(pfp, "/f", PMEMFILE_O_RDWR);
	PMEMfile *b = pmemfile_open(pfp, "/f", PMEMFILE_O_RDWR);
	T_ASSERT(a != NULL && b != NULL);
	struct flock fl = range(F_WRLCK, 0, 10);
	T_EQ(pmemfile_fcntl(pfp, a, F_SETLK, &fl), 0);
	fl = range(F_RDLCK, 20, 10);
	T_EQ(pmemfile_fcntl(pfp, b, F_OFD_SETLK, &fl), 0);
	T_EQ(pmemfile_flock(pfp, b, LOCK_EX), 0);
	t_say(11, 'l');
	/* the holder closed the pool, the third process tried the locks */
	t_hear(10, 'c');
	fl = range(F_UNLCK, 0, 0);
	T_EQ(pmemfile_fcntl(pfp, a, F_SETLK, &fl), 0);
	pmemfile_close(pfp, b);
	t_say(11, 'd');
	t_hear(10, 'e');
	pmemfile_close(pfp, a);
	pmemfile_pool_close(pfp);
}

int main(int argc, char *argv[])
{
	t_force_pmem(argv);
	self = argv[0];
	if (argc == 4) {
		snprintf(pool, sizeof(pool), "%s", argv[2]);
		client_pid = atoi(argv[3]);
		if (strcmp(argv[1], "client") == 0)
			client();
		else
			third();
		return 0;
	}
	t_pool_path(pool, sizeof(pool));
	PMEMfilepool *pfp = pmemfile_pool_create(pool, POOL_SIZE, 0600);
	T_ASSERT(pfp != NULL);
	PMEMfile *f =
	    pmemfile_open(pfp, "/f", PMEMFILE_O_CREAT | PMEMFILE_O_RDWR, 0644);
	T_ASSERT(f != NULL);
	T_EQ(pmemfile_write(pfp, f, "0123456789", 10), 10);
	pmemfile_close(pfp, f);
	int to, from, tto, tfrom;
	client_pid = start("client", &to, &from);
	t_hear(from, 'l');
	pmemfile_pool_close(pfp);
	pid_t tpid = start("third", &tto, &tfrom);
	t_hear(tfrom, 't');
	t_say(to, 'c');
	t_hear(from, 'd');
	t_say(tto, 'u');
	t_reap(tpid);
	t_say(to, 'e');
	t_reap(client_pid);
	unlink(pool);
	printf("multi_lockmove: ok\n");
	return 0;
}
