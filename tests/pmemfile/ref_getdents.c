// SPDX-License-Identifier: BSD-3-Clause
/*
 * ref_getdents -- getdents and getdents64 against the kernel: buffers too
 * small for one entry, entries spread over many calls, long names, types,
 * listing after changes and after rewinding, and the wrong kinds of handle.
 */
#include "ref.h"

#include <fcntl.h>

#define NAME200                                                                \
	"/d/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

#define FILE(path) OPEN(9, path, O_CREAT | O_WRONLY, 0644), CLOSE(9)

static const struct ref_case cases[] = {
    REF_CASE("small-buffers", MKDIR("/d", 0755), FILE("/d/a"), FILE("/d/bb"),
	     OPEN(1, "/d", O_RDONLY | O_DIRECTORY, 0), GETDENTS64(1, 0),
	     GETDENTS64(1, 1), GETDENTS64(1, 23), GETDENTS(1, 0),
	     GETDENTS(1, 10), GETDENTS(1, 23), DIRLIST(1, 4096),
	     LSEEK(1, 0, SEEK_SET), DIRLIST(1, 24), LSEEK(1, 0, SEEK_SET),
	     DIRLIST(1, 32), LSEEK(1, 0, SEEK_SET), GETDENTS64(1, 24),
	     GETDENTS64(1, 4096), GETDENTS64(1, 4096), CLOSE(1)),
    REF_CASE("old-format", MKDIR("/d", 0755), FILE("/d/file"),
	     MKDIR("/d/dir", 0755), SYMLINK("x", "/d/link"),
	     OPEN(1, "/d", O_RDONLY | O_DIRECTORY, 0),
	     REF_OP(REF_DIRLIST, .h = 1, .a = 4096, .b = 0), CLOSE(1)),
    REF_CASE("many-entries", MKDIR("/d", 0755), FILE("/d/f00"), FILE("/d/f01"),
	     FILE("/d/f02"), FILE("/d/f03"), FILE("/d/f04"), FILE("/d/f05"),
	     FILE("/d/f06"), FILE("/d/f07"), FILE("/d/f08"), FILE("/d/f09"),
	     FILE("/d/f10"), FILE("/d/f11"), FILE("/d/f12"), FILE("/d/f13"),
	     FILE("/d/f14"), FILE("/d/f15"), FILE("/d/f16"), FILE("/d/f17"),
	     FILE("/d/f18"), FILE("/d/f19"), MKDIR("/d/sub", 0755),
	     SYMLINK("f00", "/d/sym"), FILE(NAME200),
	     OPEN(1, "/d", O_RDONLY | O_DIRECTORY, 0), DIRLIST(1, 24),
	     LSEEK(1, 0, SEEK_SET), DIRLIST(1, 300), LSEEK(1, 0, SEEK_SET),
	     DIRLIST(1, 100000), CLOSE(1)),
    REF_CASE("changes", MKDIR("/d", 0755), FILE("/d/a"), FILE("/d/b"),
	     OPEN(1, "/d", O_RDONLY | O_DIRECTORY, 0), DIRLIST(1, 4096),
	     UNLINK("/d/a"), FILE("/d/c"), LSEEK(1, 0, SEEK_SET),
	     DIRLIST(1, 4096), RENAME("/d/b", "/d/B"), MKDIR("/d/e", 0755),
	     LSEEK(1, 0, SEEK_SET), DIRLIST(1, 4096), CLOSE(1),
	     OPEN(1, "/", O_RDONLY | O_DIRECTORY, 0), DIRLIST(1, 4096),
	     OPEN(2, "/d/e", O_RDONLY | O_DIRECTORY, 0), RMDIR("/d/e"),
	     FSTAT(2), CLOSE(2)),
    REF_CASE("not-a-directory", FILE("/f"), OPEN(1, "/f", O_RDONLY, 0),
	     GETDENTS64(1, 4096), GETDENTS(1, 4096), CLOSE(1),
	     MKDIR("/d", 0755), OPEN(1, "/d", O_RDONLY | O_PATH, 0),
	     GETDENTS64(1, 4096), CLOSE(1)),
    REF_CASE("removed-directory", MKDIR("/d", 0755),
	     OPEN(1, "/d", O_RDONLY | O_DIRECTORY, 0), RMDIR("/d"),
	     GETDENTS64(1, 4096), GETDENTS(1, 4096), MKDIR("/e", 0755),
	     MKDIR("/f", 0755), OPEN(2, "/e", O_RDONLY | O_DIRECTORY, 0),
	     RENAME("/f", "/e"), GETDENTS64(2, 4096)),
};

int main(void)
{
	return ref_main("ref_getdents", cases,
			sizeof(cases) / sizeof(cases[0]));
}
