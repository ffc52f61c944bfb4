// SPDX-License-Identifier: BSD-3-Clause
/*
 * stat_figures -- the figures of stat that the discontinued library gave
 * otherwise (COMPATIBILITY in libpmemfile-posix(3), "stat figures") are
 * the kernel's, as tmpfs gives them: st_blksize 4096 for every type; a
 * directory's st_size 40 and 20 more for each entry, its st_blocks 0; a
 * file written at once takes its size rounded up to 4 KiB in st_blocks.
 * The same steps run on a tmpfs directory (/dev/shm) give the same
 * figures.
 */
#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "core.h"

#define TMPFS_MAGIC 0x01021994

static PMEMfilepool *p;
static char kdir[64]; /* the tmpfs directory, "" without one */

struct figures {
	long long size, blocks, blksize;
};

/* Applies one step to the pool and, with one, to the kernel directory. */
static void step_mkdir(const char *name)
{
	char path[128];
	snprintf(path, sizeof(path), "/%s", name);
	CORE_EQ(pmemfile_mkdir(p, path, 0755), 0);
	if (kdir[0]) {
		snprintf(path, sizeof(path), "%s/%s", kdir, name);
		CORE_EQ(mkdir(path, 0755), 0);
	}
}

static void step_write(const char *name, size_t len)
{
	static char buf[1 << 20];
	char path[128];
	snprintf(path, sizeof(path), "/%s", name);
	PMEMfile *f = pmemfile_open(p, path, O_CREAT | O_WRONLY, 0644);
	CORE_TRUE(f);
	CORE_EQ(pmemfile_write(p, f, buf, len), len);
	pmemfile_close(p, f);
	if (kdir[0]) {
		snprintf(path, sizeof(path), "%s/%s", kdir, name);
		int fd = open(path, O_CREAT | O_WRONLY, 0644);
		CORE_TRUE(fd >= 0);
		CORE_EQ(write(fd, buf, len), len);
		close(fd);
	}
}

static void step_symlink(const char *target, const char *name)
{
	char path[128];
	snprintf(path, sizeof(path), "/%s", name);
	CORE_EQ(pmemfile_symlink(p, target, path), 0);
	if (kdir[0]) {
		snprintf(path, sizeof(path), "%s/%s", kdir, name);
		CORE_EQ(symlink(target, path), 0);
	}
}

/* name relative to the pool's root and to kdir; "" is the directory. */
static void expect(int line, const char *name, long long size, long long blocks)
{
	char path[128];
	pmemfile_stat_t st;
	snprintf(path, sizeof(path), "/%s", name);
	if (pmemfile_lstat(p, path, &st) != 0)
		CORE_FAIL("line %d: lstat %s: %s", line, path, strerror(errno));
	if (st.st_size != size || st.st_blocks != blocks ||
	    st.st_blksize != 4096)
		CORE_FAIL("line %d: %s: size %lld blocks %lld blksize %lld, "
			  "expected %lld %lld 4096",
			  line, path, (long long)st.st_size,
			  (long long)st.st_blocks, (long long)st.st_blksize,
			  size, blocks);
	if (!kdir[0])
		return;
	struct stat k;
	snprintf(path, sizeof(path), "%s/%s", kdir, name);
	CORE_EQ(lstat(path, &k), 0);
	if (k.st_size != st.st_size || k.st_blocks != st.st_blocks ||
	    k.st_blksize != st.st_blksize)
		CORE_FAIL("line %d: %s: tmpfs size %lld blocks %lld blksize "
			  "%lld, the pool %lld %lld %lld",
			  line, name, (long long)k.st_size,
			  (long long)k.st_blocks, (long long)k.st_blksize,
			  (long long)st.st_size, (long long)st.st_blocks,
			  (long long)st.st_blksize);
}
#define EXPECT(...) expect(__LINE__, __VA_ARGS__)

int main(void)
{
	const char *pool = core_pool_path("stat_figures.pool");
	unlink(pool);
	p = pmemfile_pool_create(pool, 64 << 20, 0600);
	CORE_TRUE(p);

	struct statfs sf;
	snprintf(kdir, sizeof(kdir), "/dev/shm/stat_figures.%d", (int)getpid());
	if (statfs("/dev/shm", &sf) != 0 || sf.f_type != TMPFS_MAGIC ||
	    mkdir(kdir, 0755) != 0) {
		printf("no tmpfs directory at /dev/shm: the figures are "
		       "checked, not compared\n");
		kdir[0] = 0;
	}

	EXPECT("", 40, 0);
	step_mkdir("d");
	EXPECT("", 60, 0);
	EXPECT("d", 40, 0);
	step_write("f", 102400);
	EXPECT("f", 102400, 200);
	EXPECT("", 80, 0);
	step_write("one", 1);
	EXPECT("one", 1, 8);
	step_symlink("one", "l");
	EXPECT("l", 3, 0);
	EXPECT("", 120, 0);

	if (kdir[0]) {
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", kdir);
		CORE_EQ(system(cmd), 0);
	}
	pmemfile_pool_close(p);
	unlink(pool);
	printf("%s\n", "st_size, st_blocks and st_blksize as tmpfs gives "
		       "them");
	return 0;
}
