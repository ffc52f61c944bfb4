// SPDX-License-Identifier: BSD-3-Clause
/*
 * pool_foreign -- pmemfile_pool_open refuses, with a message and without a
 * crash, what is not a pmemfile pool it can use: an empty file, random
 * bytes, a libpmemobj pool of another layout, a pmemfile pool whose layout
 * version is newer than the library's, and one whose superblock magic is
 * damaged. The untouched pool next to them still opens.
 */
#include "layout.h"
#include "tcheck.h"

#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <libpmemobj.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#define MiB (1UL << 20)

static char dir[4096];

static void make_path(char *buf, const char *name)
{
	snprintf(buf, 4200, "%s/%s", dir, name);
}

/* Opens in a child so that a crash is reported as such. */
static void expect_refused(const char *path, const char *what)
{
	fflush(NULL);
	pid_t pid = fork();
	T_ASSERT(pid >= 0);
	if (pid == 0) {
		errno = 0;
		PMEMfilepool *pfp = pmemfile_pool_open(path);
		if (pfp) {
			printf("FAIL: %s was opened as a pool\n", what);
			_exit(1);
		}
		const char *msg = pmemfile_errormsg();
		if (!msg || !msg[0]) {
			printf("FAIL: %s refused without a message\n", what);
			_exit(1);
		}
		if (errno == 0) {
			printf("FAIL: %s refused with errno 0\n", what);
			_exit(1);
		}
		printf("%s refused: %s (%s)\n", what, msg,
		       strerrorname_np(errno));
		_exit(0);
	}
	int status;
	T_EQ(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		T_FAIL("opening %s killed the process (signal %d)", what,
		       WTERMSIG(status));
	if (WEXITSTATUS(status))
		exit(1);
}

static void write_file(const char *path, size_t size, int random)
{
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	T_ASSERT(fd >= 0);
	char buf[65536];
	unsigned seed = 12345;
	for (size_t done = 0; done < size; done += sizeof(buf)) {
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = random ? (char)rand_r(&seed) : 0;
		T_EQ(write(fd, buf, sizeof(buf)), sizeof(buf));
	}
	close(fd);
}

static void make_pmemfile_pool(const char *path)
{
	PMEMfilepool *pfp = pmemfile_pool_create(path, 16 * MiB, 0600);
	T_ASSERT(pfp != NULL);
	T_EQ(pmemfile_mkdir(pfp, "/kept", 0755), 0);
	pmemfile_pool_close(pfp);
}

/* Changes bytes of the superblock of a pmemfile pool through libpmemobj. */
static void patch_super(const char *path, size_t off, const void *bytes,
			size_t n)
{
	PMEMobjpool *pop = pmemobj_open(path, PMEMFILE_LAYOUT_NAME);
	T_ASSERT(pop != NULL);
	PMEMoid root = pmemobj_root(pop, sizeof(struct pmemfile_super));
	T_ASSERT(!OID_IS_NULL(root));
	char *super = pmemobj_direct(root);
	pmemobj_memcpy_persist(pop, super + off, bytes, n);
	pmemobj_close(pop);
}

int main(void)
{
	char path[4200];
	const char *t = getenv("TMPDIR");
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(dir, sizeof(dir), "%s", t && *t ? t : "/dev/shm");

	/* libpmemobj 1.12 itself dies of SIGBUS mapping an empty file */
	make_path(path, "empty");
	write_file(path, 0, 0);
	expect_refused(path, "an empty file");
	make_path(path, "short");
	write_file(path, 65536, 1);
	expect_refused(path, "a 64 KiB file of random bytes");

	make_path(path, "zeros");
	write_file(path, 16 * MiB, 0);
	expect_refused(path, "a file of zeros");

	make_path(path, "random");
	write_file(path, 16 * MiB, 1);
	expect_refused(path, "a file of random bytes");

	make_path(path, "other-layout");
	PMEMobjpool *pop = pmemobj_create(path, "not-pmemfile", 16 * MiB, 0600);
	T_ASSERT(pop != NULL);
	pmemobj_close(pop);
	expect_refused(path, "a libpmemobj pool of another layout");

	make_path(path, "newer");
	make_pmemfile_pool(path);
	uint64_t version = PMEMFILE_LAYOUT_VERSION + 1;
	patch_super(path, offsetof(struct pmemfile_super, version), &version,
		    sizeof(version));
	expect_refused(path, "a pool of a newer layout version");

	make_path(path, "bad-magic");
	make_pmemfile_pool(path);
	patch_super(path, offsetof(struct pmemfile_super, magic), "XXXX", 4);
	expect_refused(path, "a pool with a damaged superblock magic");

	make_path(path, "good");
	make_pmemfile_pool(path);
	PMEMfilepool *pfp = pmemfile_pool_open(path);
	T_ASSERT(pfp != NULL);
	pmemfile_stat_t st;
	T_EQ(pmemfile_stat(pfp, "/kept", &st), 0);
	pmemfile_pool_close(pfp);
	printf("foreign files refused, a real pool opens\n");
	return 0;
}
