// SPDX-License-Identifier: BSD-3-Clause
/*
 * ref_lseek -- lseek against the kernel: SEEK_SET/CUR/END, negative results,
 * offsets beyond EOF and the writes there, SEEK_DATA and SEEK_HOLE on files
 * with and without holes, bad whence values, and directories.
 */
#include "ref.h"

#include <fcntl.h>
#include <unistd.h>

static const struct ref_case cases[] = {
    REF_CASE("set-cur-end", OPEN(1, "/f", O_CREAT | O_RDWR, 0644),
	     WRITE(1, "0123456789"), LSEEK(1, 0, SEEK_CUR),
	     LSEEK(1, 2, SEEK_SET), READ(1, 2), LSEEK(1, 3, SEEK_CUR),
	     READ(1, 1), LSEEK(1, -2, SEEK_CUR), READ(1, 1),
	     LSEEK(1, -1, SEEK_END), READ(1, 5), LSEEK(1, 5, SEEK_END),
	     READ(1, 5), WRITE(1, "x"), FSTAT(1), PREAD(1, 20, 0),
	     LSEEK(1, -100, SEEK_CUR), LSEEK(1, 0, SEEK_CUR),
	     LSEEK(1, -1, SEEK_SET), LSEEK(1, -100, SEEK_END), LSEEK(1, 0, 5),
	     LSEEK(1, 0, -1), LSEEK(1, 0, SEEK_CUR),
	     LSEEK(1, 0x7fffffffffffffffL, SEEK_SET), LSEEK(1, 1, SEEK_CUR),
	     LSEEK(1, 1L << 40, SEEK_SET), READ(1, 10), CLOSE(1)),
    REF_CASE("data-hole", OPEN(1, "/f", O_CREAT | O_RDWR, 0644),
	     LSEEK(1, 0, SEEK_DATA), LSEEK(1, 0, SEEK_HOLE), WRITEN(1, 10000),
	     LSEEK(1, 0, SEEK_DATA), LSEEK(1, 0, SEEK_HOLE),
	     LSEEK(1, 9999, SEEK_DATA), LSEEK(1, 9999, SEEK_HOLE),
	     LSEEK(1, 10000, SEEK_DATA), LSEEK(1, 10000, SEEK_HOLE),
	     LSEEK(1, -1, SEEK_DATA), LSEEK(1, -1, SEEK_HOLE), CLOSE(1)),
    REF_CASE(
	"data-hole-sparse", OPEN(1, "/f", O_CREAT | O_RDWR, 0644),
	PWRITEN(1, 100, 1 << 20), PWRITEN(1, 4096, 8192), FTRUNCATE(1, 3 << 20),
	LSEEK(1, 0, SEEK_DATA), LSEEK(1, 0, SEEK_HOLE),
	LSEEK(1, 8192, SEEK_HOLE), LSEEK(1, 12288, SEEK_DATA),
	LSEEK(1, 12288, SEEK_HOLE), LSEEK(1, (1 << 20) + 50, SEEK_DATA),
	LSEEK(1, (1 << 20) + 50, SEEK_HOLE), LSEEK(1, (2 << 20), SEEK_DATA),
	LSEEK(1, (2 << 20), SEEK_HOLE), LSEEK(1, 3 << 20, SEEK_HOLE), CLOSE(1)),
    REF_CASE("directory", MKDIR("/d", 0755),
	     OPEN(1, "/d", O_RDONLY | O_DIRECTORY, 0), LSEEK(1, 0, SEEK_SET),
	     LSEEK(1, 0, SEEK_CUR), LSEEK(1, -1, SEEK_SET), DIRLIST(1, 4096),
	     LSEEK(1, 0, SEEK_SET), DIRLIST(1, 4096), CLOSE(1)),
    REF_CASE("directory-whence", MKDIR("/d", 0755),
	     OPEN(1, "/d", O_RDONLY | O_DIRECTORY, 0), LSEEK(1, 0, SEEK_END),
	     LSEEK(1, 0, SEEK_DATA), LSEEK(1, 0, SEEK_HOLE),
	     LSEEK(1, 5, SEEK_CUR), LSEEK(1, 0, SEEK_CUR), CLOSE(1)),
};

int main(void)
{
	return ref_main("ref_lseek", cases, sizeof(cases) / sizeof(cases[0]));
}
