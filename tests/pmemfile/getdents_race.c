// SPDX-License-Identifier: BSD-3-Clause
/*
 * getdents_race -- getdents64 at the end of a directory that another thread
 * changes never fails when the buffer holds the next record. One thread
 * creates and unlinks d/x again and again; the other seeks its handle to
 * the position right after ".." and lists from there with a 64 KiB buffer,
 * so every call ends the listing while x comes and goes: each call returns
 * nothing or the one record of x, never an error. The same loop runs on a
 * kernel directory first (the reference), then on a pool. A buffer too small
 * for the next record still fails with EINVAL on both.
 */
#include "tcheck.h"

#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MiB (1UL << 20)

struct dent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* The operations the loop needs, on the kernel or on a pool. */
struct ops {
	const char *name;
	void *(*opendir)(const char *path);
	long (*getdents64)(void *dir, void *buf, unsigned n);
	long (*seek)(void *dir, long off);
	int (*create)(const char *path);
	int (*unlink)(const char *path);
	void (*closedir)(void *dir);
};

static PMEMfilepool *pfp;
static char top[4096];

static void *k_opendir(const char *path)
{
	char p[8192];
	snprintf(p, sizeof(p), "%s%s", top, path);
	int fd = open(p, O_RDONLY | O_DIRECTORY);
	return fd < 0 ? NULL : (void *)(intptr_t)(fd + 1);
}

static long k_getdents64(void *dir, void *buf, unsigned n)
{
	return syscall(SYS_getdents64, (int)(intptr_t)dir - 1, buf, n);
}

static long k_seek(void *dir, long off)
{
	return lseek((int)(intptr_t)dir - 1, off, SEEK_SET);
}

static int k_create(const char *path)
{
	char p[8192];
	snprintf(p, sizeof(p), "%s%s", top, path);
	int fd = open(p, O_CREAT | O_EXCL | O_WRONLY, 0644);
	return fd < 0 ? -1 : close(fd);
}

static int k_unlink(const char *path)
{
	char p[8192];
	snprintf(p, sizeof(p), "%s%s", top, path);
	return unlink(p);
}

static void k_closedir(void *dir)
{
	close((int)(intptr_t)dir - 1);
}

static void *p_opendir(const char *path)
{
	return pmemfile_open(pfp, path, PMEMFILE_O_DIRECTORY);
}

static long p_getdents64(void *dir, void *buf, unsigned n)
{
	return pmemfile_getdents64(pfp, dir, buf, n);
}

static long p_seek(void *dir, long off)
{
	return pmemfile_lseek(pfp, dir, off, PMEMFILE_SEEK_SET);
}

static int p_create(const char *path)
{
	PMEMfile *f = pmemfile_open(
	    pfp, path, PMEMFILE_O_CREAT | PMEMFILE_O_EXCL | PMEMFILE_O_WRONLY,
	    0644);
	if (!f)
		return -1;
	pmemfile_close(pfp, f);
	return 0;
}

static int p_unlink(const char *path)
{
	return pmemfile_unlink(pfp, path);
}

static void p_closedir(void *dir)
{
	pmemfile_close(pfp, dir);
}

static const struct ops kernel = {"kernel", k_opendir, k_getdents64, k_seek,
				  k_create, k_unlink,  k_closedir};
static const struct ops pool = {"pool",	  p_opendir, p_getdents64, p_seek,
				p_create, p_unlink,  p_closedir};

static const struct ops *cur;
static volatile int churning;
static volatile int churn_error;

static void *churn(void *p)
{
	(void)p;
	while (churning) {
		if (cur->create("/d/x") || cur->unlink("/d/x")) {
			churn_error = errno;
			break;
		}
	}
	return NULL;
}

/*
 * Offset of the record after "..": where the names begin. Taken while x
 * exists, as the kernel may give ".." an end-of-directory offset otherwise.
 */
static long names_start(void *dir)
{
	char buf[4096];
	T_EQ(cur->create("/d/x"), 0);
	long n = cur->getdents64(dir, buf, sizeof(buf));
	T_ASSERT(n > 0);
	for (long pos = 0; pos < n;) {
		struct dent64 *d = (void *)(buf + pos);
		if (!strcmp(d->d_name, "..")) {
			T_EQ(cur->unlink("/d/x"), 0);
			return d->d_off;
		}
		pos += d->d_reclen;
	}
	T_FAIL("%s: no \"..\" in the first getdents64", cur->name);
}

static void run(const struct ops *o, unsigned calls)
{
	static char buf[64 * 1024];
	pthread_t t;
	unsigned seen_x = 0;
	cur = o;
	void *dir = o->opendir("/d");
	T_ASSERT(dir != NULL);
	long start = names_start(dir);

	/* too small for "." */
	T_EQ(o->seek(dir, 0), 0);
	T_ERRNO(o->getdents64(dir, buf, 8), EINVAL);

	churning = 1;
	T_EQ(pthread_create(&t, NULL, churn, NULL), 0);
	for (unsigned i = 0; i < calls && !churn_error; i++) {
		T_EQ(o->seek(dir, start), start);
		long n = o->getdents64(dir, buf, sizeof(buf));
		if (n < 0)
			T_FAIL("%s: getdents64 call %u at the end of a "
			       "changing directory failed with %s",
			       o->name, i, strerrorname_np(errno));
		if (n == 0)
			continue;
		struct dent64 *d = (void *)buf;
		if (n != d->d_reclen || strcmp(d->d_name, "x"))
			T_FAIL("%s: call %u returned %ld bytes, first name "
			       "\"%s\": expected the one record of x",
			       o->name, i, n, d->d_name);
		seen_x++;
	}
	churning = 0;
	pthread_join(t, NULL);
	o->closedir(dir);
	if (churn_error)
		T_FAIL("%s: create or unlink of /d/x failed: %s", o->name,
		       strerrorname_np(churn_error));
	printf("%s: %u calls, x listed by %u\n", o->name, calls, seen_x);
}

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "FAIL: no progress in time\n";
	if (write(1, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

int main(int argc, char *argv[])
{
	(void)argc;
	t_force_pmem(argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	unsigned calls = getenv("STRESS") ? 4000000 : 400000;
	signal(SIGALRM, on_alarm);
	alarm(getenv("STRESS") ? 900 : 120);

	const char *dir = getenv("TMPDIR");
	snprintf(top, sizeof(top), "%s/kernel", dir && *dir ? dir : "/tmp");
	char d[8192];
	T_EQ(mkdir(top, 0755), 0);
	snprintf(d, sizeof(d), "%s/d", top);
	T_EQ(mkdir(d, 0755), 0);
	run(&kernel, calls / 4);
	unlink(strcat(d, "/x"));
	snprintf(d, sizeof(d), "%s/d", top);
	rmdir(d);
	rmdir(top);

	char path[4096];
	t_pool_path(path, sizeof(path));
	pfp = pmemfile_pool_create(path, 16 * MiB, 0600);
	T_ASSERT(pfp != NULL);
	T_EQ(pmemfile_mkdir(pfp, "/d", 0755), 0);
	run(&pool, calls);
	pmemfile_pool_close(pfp);
	unlink(path);
	return 0;
}
