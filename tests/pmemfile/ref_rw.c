// SPDX-License-Identifier: BSD-3-Clause
/*
 * ref_rw -- read, write, pread, pwrite, readv, writev, preadv and pwritev
 * against the kernel: short reads at EOF, holes, writes past EOF, offsets,
 * zero-length and bad-argument calls, large writes across block boundaries.
 */
#include "ref.h"

#include <fcntl.h>

static const struct ref_case cases[] = {
    REF_CASE("read-write", OPEN(1, "/f", O_CREAT | O_RDWR, 0644), READ(1, 10),
	     WRITE(1, "0123456789"), READ(1, 10), LSEEK(1, 0, SEEK_SET),
	     READ(1, 4), READ(1, 100), READ(1, 1), WRITE(1, ""), READ(1, 0),
	     LSEEK(1, 3, SEEK_SET), WRITE(1, "abc"), LSEEK(1, 0, SEEK_SET),
	     READ(1, 100), FSTAT(1), CLOSE(1)),
    REF_CASE("big-and-unaligned", OPEN(1, "/f", O_CREAT | O_RDWR, 0644),
	     WRITEN(1, 4095), WRITEN(1, 2), WRITEN(1, 4096), WRITEN(1, 65536),
	     WRITEN(1, 100000), FSTAT(1), PREAD(1, 5000, 0),
	     PREAD(1, 8192, 4090), PREAD(1, 65536, 8000),
	     PREAD(1, 200000, 100000), PWRITEN(1, 10000, 4000),
	     PREAD(1, 20000, 0), PREAD(1, 9000, 170000), CLOSE(1)),
    REF_CASE("holes", OPEN(1, "/f", O_CREAT | O_RDWR, 0644),
	     PWRITE(1, "end", 100000), FSTAT(1), PREAD(1, 16, 0),
	     PREAD(1, 16, 99995), PREAD(1, 16, 65530), PWRITE(1, "mid", 50000),
	     PREAD(1, 10, 49998), PREAD(1, 10, 4094),
	     LSEEK(1, 200000, SEEK_SET), WRITE(1, "far"), FSTAT(1),
	     PREAD(1, 10, 199998), PREAD(1, 10, 150000), PREAD(1, 10, 300000),
	     PWRITE(1, "x", 8191), PREAD(1, 4, 8190), CLOSE(1)),
    REF_CASE("pread-pwrite", OPEN(1, "/f", O_CREAT | O_RDWR, 0644),
	     PWRITE(1, "hello", 0), LSEEK(1, 0, SEEK_CUR),
	     PWRITE(1, "world", 5), PREAD(1, 20, 0), PREAD(1, 20, 3),
	     PREAD(1, 20, 10), PREAD(1, 20, 11), LSEEK(1, 0, SEEK_CUR),
	     PREAD(1, 5, -1), PWRITE(1, "neg", -5), PREAD(1, 0, 0),
	     PWRITE(1, "", 50), FSTAT(1), READ(1, 3), CLOSE(1)),
    REF_CASE("vectors", OPEN(1, "/f", O_CREAT | O_RDWR, 0644),
	     WRITEV(1, 10, 0, 5), WRITEV(1, 4096, 1, 8191),
	     LSEEK(1, 0, SEEK_CUR), LSEEK(1, 0, SEEK_SET), READV(1, 3, 7, 20),
	     READV(1, 4096, 4096, 4096), READV(1, 100, 100, 100),
	     PWRITEV(1, 3, 3, 3, 5), LSEEK(1, 0, SEEK_CUR),
	     PREADV(1, 2, 4, 6, 3), PREADV(1, 100, 0, 100, 12290),
	     PREADV(1, 10, 10, 10, 20000), PWRITEV(1, 5, 5, 0, 30000), FSTAT(1),
	     READV(1, 0, 0, 0), PREADV(1, 5, 5, 5, -1), CLOSE(1)),
    REF_CASE("bad-handles", OPEN(1, "/f", O_CREAT | O_WRONLY, 0644), READ(1, 5),
	     PREAD(1, 5, 0), READV(1, 5, 5, 0), PREADV(1, 5, 5, 0, 0), CLOSE(1),
	     OPEN(1, "/f", O_RDONLY, 0), WRITE(1, "x"), PWRITE(1, "x", 0),
	     WRITEV(1, 1, 1, 0), PWRITEV(1, 1, 1, 0, 0), CLOSE(1),
	     MKDIR("/d", 0755), OPEN(1, "/d", O_RDONLY | O_DIRECTORY, 0),
	     READ(1, 5), PREAD(1, 5, 0), READV(1, 5, 0, 0), CLOSE(1)),
    REF_CASE("two-handles", OPEN(1, "/f", O_CREAT | O_RDWR, 0644),
	     OPEN(2, "/f", O_RDWR, 0), WRITE(1, "first"), WRITE(2, "SECOND"),
	     READ(1, 10), LSEEK(1, 0, SEEK_SET), READ(1, 20), DUP(2, 3),
	     WRITE(3, "third"), LSEEK(2, 0, SEEK_CUR), PREAD(1, 30, 0),
	     FSTAT(3), CLOSE(2), WRITE(3, "!"), PREAD(1, 30, 0), CLOSE(3),
	     CLOSE(1)),
    REF_CASE("overwrite", OPEN(1, "/f", O_CREAT | O_RDWR, 0644),
	     WRITEN(1, 20000), PWRITEN(1, 4096, 4096), PWRITEN(1, 3, 4094),
	     PWRITEN(1, 12000, 6000), PWRITEN(1, 5000, 18000), FSTAT(1),
	     PREAD(1, 30000, 0), CLOSE(1)),
    REF_CASE("far-offsets", OPEN(1, "/f", O_CREAT | O_RDWR, 0644),
	     PWRITE(1, "x", 1L << 40), FSTAT(1), PREAD(1, 4, (1L << 40) - 2),
	     PWRITE(1, "y", (1L << 62)), FSTAT(1), PREAD(1, 2, 1L << 62),
	     PWRITE(1, "z", 0x7ffffffffffffffeL), FSTAT(1),
	     LSEEK(1, 0, SEEK_END), FTRUNCATE(1, 1L << 50), FSTAT(1),
	     PREAD(1, 3, (1L << 50) - 2), CLOSE(1)),
    REF_CASE("offset-overflow", OPEN(1, "/f", O_CREAT | O_RDWR, 0644),
	     PWRITE(1, "zz", 0x7ffffffffffffffeL),
	     PWRITE(1, "z", 0x7fffffffffffffffL),
	     LSEEK(1, 0x7fffffffffffffffL, SEEK_SET), WRITE(1, "w"),
	     READ(1, 1)),
};

int main(void)
{
	return ref_main("ref_rw", cases, sizeof(cases) / sizeof(cases[0]));
}
