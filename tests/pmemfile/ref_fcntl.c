// SPDX-License-Identifier: BSD-3-Clause
/*
 * ref_fcntl -- fcntl F_GETFL, F_SETFL (which flags change and which stay),
 * F_GETFD and F_SETFD against the kernel, and their effect on writes.
 */
#include "ref.h"

#include <fcntl.h>

static const struct ref_case cases[] = {
    REF_CASE("flags", OPEN(1, "/f", O_CREAT | O_RDWR, 0644),
	     FCNTL(1, F_GETFL, 0), FCNTL(1, F_SETFL, O_APPEND),
	     FCNTL(1, F_GETFL, 0), WRITE(1, "a"), LSEEK(1, 0, SEEK_SET),
	     WRITE(1, "b"), PREAD(1, 10, 0), FCNTL(1, F_SETFL, 0),
	     FCNTL(1, F_GETFL, 0), LSEEK(1, 0, SEEK_SET), WRITE(1, "c"),
	     PREAD(1, 10, 0),
	     FCNTL(1, F_SETFL, O_RDONLY | O_TRUNC | O_CREAT | O_EXCL),
	     FCNTL(1, F_GETFL, 0), WRITE(1, "d"), FSTAT(1),
	     FCNTL(1, F_SETFL, O_NONBLOCK | O_NOATIME), FCNTL(1, F_GETFL, 0),
	     CLOSE(1), OPEN(1, "/f", O_WRONLY, 0), FCNTL(1, F_GETFL, 0),
	     OPEN(2, "/f", O_RDONLY | O_APPEND, 0), FCNTL(2, F_GETFL, 0),
	     OPEN(3, "/", O_RDONLY | O_DIRECTORY, 0), FCNTL(3, F_GETFL, 0),
	     OPEN(4, "/f", O_PATH, 0), FCNTL(4, F_GETFL, 0),
	     FCNTL(4, F_SETFL, O_APPEND), FCNTL(4, F_GETFL, 0)),
    REF_CASE("fd-flags", OPEN(1, "/f", O_CREAT | O_RDWR, 0644),
	     FCNTL(1, F_GETFD, 0), FCNTL(1, F_SETFD, FD_CLOEXEC),
	     FCNTL(1, F_GETFD, 0), FCNTL(1, F_SETFD, 0), FCNTL(1, F_GETFD, 0),
	     CLOSE(1), OPEN(1, "/f", O_RDWR | O_CLOEXEC, 0),
	     FCNTL(1, F_GETFD, 0), FCNTL(1, F_GETFL, 0), CLOSE(1)),
};

int main(void)
{
	return ref_main("ref_fcntl", cases, sizeof(cases) / sizeof(cases[0]));
}
