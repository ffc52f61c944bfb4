// SPDX-License-Identifier: BSD-3-Clause
/*
 * multi_pin -- pins (pmemfile_pin_pages) of a process that is not the
 * holder: its pages are the file's bytes in the pool file; an unpin naming
 * a pin that is not the caller's, or none, is refused and leaves the holder
 * running; and the pin outlives the holder that made it: after the holder
 * closed the pool, the process that takes it over still finds the file
 * pinned (shrinking it fails with EBUSY, its blocks stay where the mapping
 * shows them), until the unpin. The pool checks clean at the end.
 *
 * The first process creates the pool and holds it; the second, started
 * with fork and exec (a fork child of a holder cannot open the pool
 * through the C API), is the client.
 */
#include "check.h"
#include "tmulti.h"

#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define PG 4096
#define NPAGES 3
#define POOL_SIZE (32UL << 20)
/* the tag of a pin handle of a client (pmemfile/remote.h) */
#define TAG 0xC000000000000000ULL

static char pool[4096];

static void fill(char *b, size_t n, char seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (char)(seed + i * 7);
}

/* Maps each pinned page of the pool file at its offset in a row. */
static char *map_pages(const uint64_t *offs)
{
	int fd = open(pool, O_RDWR);
	T_ASSERT(fd >= 0);
	char *at = mmap(NULL, NPAGES * PG, PROT_NONE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	T_ASSERT(at != MAP_FAILED);
	for (int i = 0; i < NPAGES; i++) {
		T_ASSERT(offs[i] != 0);
		T_ASSERT(mmap(at + i * PG, PG, PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_FIXED, fd,
			      (off_t)offs[i]) != MAP_FAILED);
	}
	close(fd);
	return at;
}

static int client(int in, int out)
{
	static char want[NPAGES * PG], got[NPAGES * PG];
	uint64_t offs[NPAGES];
	PMEMfilepool *pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	PMEMfile *f = pmemfile_open(pfp, "/f", PMEMFILE_O_RDWR);
	T_ASSERT(f != NULL);
	PMEMfilepin *pin = pmemfile_pin_pages(pfp, f, 0, NPAGES * PG, offs);
	T_ASSERT(pin != NULL);
	T_EQ((uintptr_t)pin & TAG, TAG);
	char *map = map_pages(offs);
	fill(want, sizeof(want), 3);
	T_EQ(memcmp(map, want, sizeof(want)), 0);

	/* a pin of nobody's, out of range, or the holder's own: ignored */
	pmemfile_unpin_pages(pfp, (PMEMfilepin *)(uintptr_t)(TAG | 999));
	pmemfile_unpin_pages(pfp, (PMEMfilepin *)(uintptr_t)(TAG | 70000));
	pmemfile_unpin_pages(pfp, (PMEMfilepin *)(uintptr_t)(TAG | 1));
	pmemfile_unpin_pages(pfp, (PMEMfilepin *)(uintptr_t)TAG);
	struct stat st;
	T_EQ(pmemfile_fstat(pfp, f, &st), 0);
	T_EQ(st.st_size, NPAGES * PG);
	T_ERRNO(pmemfile_ftruncate(pfp, f, PG), EBUSY);

	t_say(out, 'p');
	/* the holder closed the pool: this process takes it over */
	t_hear(in, 'c');
	T_ERRNO(pmemfile_ftruncate(pfp, f, 0), EBUSY);
	T_ERRNO(pmemfile_truncate(pfp, "/f", PG), EBUSY);
	T_EQ(memcmp(map, want, sizeof(want)), 0);
	map[5] = 'X';
	T_EQ(pmemfile_pread(pfp, f, got, sizeof(got), 0), sizeof(got));
	T_EQ(got[5], 'X');
	pmemfile_unpin_pages(pfp, pin);
	T_EQ(pmemfile_ftruncate(pfp, f, PG), 0);
	T_EQ(pmemfile_fstat(pfp, f, &st), 0);
	T_EQ(st.st_size, PG);
	pmemfile_close(pfp, f);
	pmemfile_pool_close(pfp);
	T_EQ(pmemfile_check_pool(pool, stdout), 0);
	return 0;
}

int main(int argc, char *argv[])
{
	static char buf[NPAGES * PG];
	t_force_pmem(argv);
	if (t_is_role(argc, argv, "client", pool, sizeof(pool)))
		return client(10, 11);
	t_pool_path(pool, sizeof(pool));

	PMEMfilepool *pfp = pmemfile_pool_create(pool, POOL_SIZE, 0600);
	T_ASSERT(pfp != NULL);
	PMEMfile *f =
	    pmemfile_open(pfp, "/f", PMEMFILE_O_CREAT | PMEMFILE_O_RDWR, 0644);
	T_ASSERT(f != NULL);
	fill(buf, sizeof(buf), 3);
	T_EQ(pmemfile_write(pfp, f, buf, sizeof(buf)), sizeof(buf));
	/* the holder's own pin, released when it closes the pool */
	uint64_t offs[NPAGES];
	T_ASSERT(pmemfile_pin_pages(pfp, f, 0, NPAGES * PG, offs) != NULL);

	int to, from;
	pid_t pid = t_start_role(argv[0], "client", pool, "", &to, &from);
	t_hear(from, 'p');
	/* the holder is alive and its own pin stands */
	T_ERRNO(pmemfile_ftruncate(pfp, f, 0), EBUSY);
	pmemfile_close(pfp, f);
	pmemfile_pool_close(pfp);
	t_say(to, 'c');
	t_reap(pid);
	unlink(pool);
	printf("multi_pin: ok\n");
	return 0;
}
