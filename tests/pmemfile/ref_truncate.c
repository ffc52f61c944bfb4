// SPDX-License-Identifier: BSD-3-Clause
/*
 * ref_truncate -- truncate, ftruncate, fallocate (plain, KEEP_SIZE,
 * PUNCH_HOLE) and posix_fallocate against the kernel: growing, shrinking,
 * the zeros that come back, blocks, and the invalid arguments.
 */
#include "ref.h"

#include <fcntl.h>
#include <unistd.h>
#include <linux/falloc.h>

#define SB (REF_ST_BASE | REF_ST_BLOCKS)
#define KEEP FALLOC_FL_KEEP_SIZE
#define PUNCH (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE)

static const struct ref_case cases[] = {
    REF_CASE("truncate", OPEN(1, "/f", O_CREAT | O_RDWR, 0644),
	     WRITEN(1, 10000), TRUNCATE("/f", 5000), FSTAT(1),
	     PREAD(1, 100, 4950), TRUNCATE("/f", 20000), PREAD(1, 100, 4950),
	     PREAD(1, 100, 19950), FSTAT(1), LSEEK(1, 0, SEEK_CUR),
	     TRUNCATE("/f", 0), FSTAT(1), READ(1, 10), WRITE(1, "after"),
	     FSTAT(1), PREAD(1, 8, 9998), TRUNCATE("/f", -1),
	     TRUNCATE("/none", 0), MKDIR("/d", 0755), TRUNCATE("/d", 0),
	     TRUNCATE("/f/", 0), TRUNCATE("", 0), SYMLINK("f", "/l"),
	     TRUNCATE("/l", 3), STAT("/f"), CLOSE(1)),
    REF_CASE("ftruncate", OPEN(1, "/f", O_CREAT | O_RDWR, 0644),
	     WRITEN(1, 9000), FTRUNCATE(1, 4097), FSTATF(1, SB),
	     PREAD(1, 10, 4090), FTRUNCATE(1, 4096), PREAD(1, 10, 4090),
	     FTRUNCATE(1, 12288), PREAD(1, 20, 4090), FSTATF(1, SB),
	     FTRUNCATE(1, -5), FTRUNCATE(1, 1L << 40), FSTAT(1),
	     PREAD(1, 10, (1L << 40) - 5), FTRUNCATE(1, 0), FSTATF(1, SB),
	     CLOSE(1), OPEN(1, "/f", O_RDONLY, 0), FTRUNCATE(1, 0), CLOSE(1),
	     MKDIR("/d", 0755), OPEN(1, "/d", O_RDONLY | O_DIRECTORY, 0),
	     FTRUNCATE(1, 0), CLOSE(1), OPEN(1, "/f", O_WRONLY | O_APPEND, 0),
	     FTRUNCATE(1, 10), FSTAT(1), CLOSE(1)),
    REF_CASE("fallocate", OPEN(1, "/f", O_CREAT | O_RDWR, 0644),
	     FALLOCATE(1, 0, 0, 10000), FSTATF(1, SB), PREAD(1, 20, 0),
	     FALLOCATE(1, KEEP, 10000, 20000), FSTATF(1, SB),
	     PWRITEN(1, 100, 15000), FSTATF(1, SB), FALLOCATE(1, 0, 4096, 100),
	     FSTATF(1, SB), FALLOCATE(1, 0, -1, 10), FALLOCATE(1, 0, 0, 0),
	     FALLOCATE(1, 0, 0, -1), FALLOCATE(1, 0x40, 0, 10),
	     FALLOCATE(1, FALLOC_FL_PUNCH_HOLE, 0, 10), LSEEK(1, 0, SEEK_CUR),
	     CLOSE(1), OPEN(1, "/f", O_RDONLY, 0), FALLOCATE(1, 0, 0, 10),
	     CLOSE(1), MKDIR("/d", 0755),
	     OPEN(1, "/d", O_RDONLY | O_DIRECTORY, 0), FALLOCATE(1, 0, 0, 10),
	     CLOSE(1)),
    REF_CASE(
	"punch-hole", OPEN(1, "/f", O_CREAT | O_RDWR, 0644), WRITEN(1, 40000),
	FALLOCATE(1, PUNCH, 4096, 8192), FSTATF(1, SB), PREAD(1, 20, 4086),
	PREAD(1, 20, 12280), FALLOCATE(1, PUNCH, 100, 50), PREAD(1, 60, 95),
	FSTATF(1, SB), FALLOCATE(1, PUNCH, 30000, 100000), FSTATF(1, SB),
	PREAD(1, 20, 29990), FALLOCATE(1, PUNCH, 50000, 10), FSTATF(1, SB),
	FALLOCATE(1, PUNCH, 0, 1 << 20), PREAD(1, 10, 0), FSTAT(1), CLOSE(1)),
    REF_CASE("posix_fallocate", OPEN(1, "/f", O_CREAT | O_RDWR, 0644),
	     POSIX_FALLOCATE(1, 0, 5000), FSTATF(1, SB),
	     POSIX_FALLOCATE(1, 8192, 100), FSTATF(1, SB),
	     POSIX_FALLOCATE(1, 0, 10), FSTATF(1, SB),
	     POSIX_FALLOCATE(1, -1, 10), POSIX_FALLOCATE(1, 0, 0),
	     PREAD(1, 10, 8000), CLOSE(1), OPEN(1, "/f", O_RDONLY, 0),
	     POSIX_FALLOCATE(1, 0, 10), CLOSE(1)),
    REF_CASE("punched-hole-stays-allocated",
	     OPEN(1, "/f", O_CREAT | O_RDWR, 0644), WRITEN(1, 40000),
	     FALLOCATE(1, PUNCH, 4096, 8192), LSEEK(1, 0, SEEK_HOLE),
	     LSEEK(1, 4096, SEEK_DATA), FALLOCATE(1, PUNCH, 0, 1 << 20),
	     FSTATF(1, SB), LSEEK(1, 0, SEEK_DATA)),
};

int main(void)
{
	return ref_main("ref_truncate", cases,
			sizeof(cases) / sizeof(cases[0]));
}
