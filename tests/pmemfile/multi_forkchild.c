// SPDX-License-Identifier: BSD-3-Clause
/*
 * multi_forkchild -- a fork child of the holder goes on using the pool
 * after its parent closed it, through the C API alone: it cannot open the
 * pool itself (its copy of libpmemobj has it open), so the library starts
 * a keeper process (this program again, served by the library before
 * main), and the child's inherited handle, a new file and the parent's
 * second look all see the same bytes. The keeper leaves once nothing
 * refers to the pool, and the pool checks clean.
 */
#include "check.h"
#include "tcheck.h"

#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <sys/wait.h>
#include <time.h>

#define POOL_SIZE (32UL << 20)

static char pool[4096];

static void child(PMEMfilepool *pfp, PMEMfile *f, int in)
{
	char c, buf[64] = {0};
	/* the parent closed the pool */
	T_EQ(read(in, &c, 1), 1);
	T_EQ(pmemfile_write(pfp, f, "child;", 6), 6);
	T_EQ(pmemfile_pread(pfp, f, buf, sizeof(buf) - 1, 0), 13);
	T_EQ(strcmp(buf, "parent;child;"), 0);
	PMEMfile *g = pmemfile_open(pfp, "/g",
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0600);
	T_ASSERT(g != NULL);
	T_EQ(pmemfile_write(pfp, g, "new", 3), 3);
	pmemfile_close(pfp, g);
	pmemfile_close(pfp, f);
	pmemfile_pool_close(pfp);
}

int main(int argc, char *argv[])
{
	char buf[64] = {0};
	int fds[2];
	(void)argc;
	t_force_pmem(argv);
	t_pool_path(pool, sizeof(pool));
	PMEMfilepool *pfp = pmemfile_pool_create(pool, POOL_SIZE, 0600);
	T_ASSERT(pfp != NULL);
	PMEMfile *f =
	    pmemfile_open(pfp, "/f", PMEMFILE_O_CREAT | PMEMFILE_O_RDWR, 0600);
	T_ASSERT(f != NULL);
	T_EQ(pmemfile_write(pfp, f, "parent;", 7), 7);
	T_EQ(pipe(fds), 0);
	fflush(NULL);
	pid_t pid = fork();
	T_ASSERT(pid >= 0);
	if (pid == 0) {
		close(fds[1]);
		child(pfp, f, fds[0]);
		fflush(NULL);
		_exit(0);
	}
	close(fds[0]);
	pmemfile_close(pfp, f);
	pmemfile_pool_close(pfp);
	T_EQ(write(fds[1], "c", 1), 1);
	int status;
	T_EQ(waitpid(pid, &status, 0), pid);
	T_ASSERT(WIFEXITED(status));
	T_EQ(WEXITSTATUS(status), 0);

	pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	f = pmemfile_open(pfp, "/f", PMEMFILE_O_RDONLY);
	T_ASSERT(f != NULL);
	T_EQ(pmemfile_read(pfp, f, buf, sizeof(buf) - 1), 13);
	T_EQ(strcmp(buf, "parent;child;"), 0);
	pmemfile_close(pfp, f);
	struct stat st;
	T_EQ(pmemfile_stat(pfp, "/g", &st), 0);
	T_EQ(st.st_size, 3);
	pmemfile_pool_close(pfp);

	/* the keeper process leaves once the pool is not used (10 s at most) */
	int r = -EWOULDBLOCK;
	for (int i = 0; i < 200 && r == -EWOULDBLOCK; ++i) {
		r = pmemfile_check_pool(pool, stdout);
		if (r == -EWOULDBLOCK)
			nanosleep(&(struct timespec){0, 50000000}, NULL);
	}
	T_EQ(r, 0);
	unlink(pool);
	printf("multi_forkchild: ok\n");
	return 0;
}
