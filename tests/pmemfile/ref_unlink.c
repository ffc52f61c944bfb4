// SPDX-License-Identifier: BSD-3-Clause
/*
 * ref_unlink -- unlink and unlinkat (with and without AT_REMOVEDIR) against
 * the kernel, including open files that lose their last name.
 */
#include "ref.h"

#include <fcntl.h>

#define FILE(path) OPEN(9, path, O_CREAT | O_WRONLY, 0644), CLOSE(9)

static const struct ref_case cases[] = {
    REF_CASE("unlink", FILE("/f"), UNLINK("/f"), UNLINK("/f"), STAT("/f"),
	     MKDIR("/d", 0755), UNLINK("/d"), UNLINK("/d/"), FILE("/d/g"),
	     UNLINK("/d/g/"), UNLINK("/d/g/x"), UNLINK("/none/x"), UNLINK(""),
	     UNLINK("/"), UNLINK("/d/."), UNLINK("/d/.."),
	     SYMLINK("/d/g", "/l"), UNLINK("/l"), STAT("/d/g"),
	     SYMLINK("/d", "/ld"), UNLINK("/ld/"), UNLINK("/ld/g"),
	     STAT("/d/g"), STAT("/ld")),
    REF_CASE("unlinkat", MKDIR("/d", 0755), MKDIR("/d/e", 0755), FILE("/d/f"),
	     OPEN(1, "/d", O_RDONLY | O_DIRECTORY, 0), UNLINKAT(1, "e", 0),
	     UNLINKAT(1, "f", AT_REMOVEDIR), UNLINKAT(1, "e", AT_REMOVEDIR),
	     UNLINKAT(1, "f", 0), UNLINKAT(1, "f", 0), UNLINKAT(1, "x", 0x1),
	     UNLINKAT(1, ".", AT_REMOVEDIR), UNLINKAT(1, "..", AT_REMOVEDIR),
	     FILE("/d/g"), OPEN(2, "/d/g", O_RDONLY, 0), UNLINKAT(2, "x", 0),
	     UNLINKAT(2, "/d/g", 0), CLOSE(2), DIRLIST(1, 4096)),
    REF_CASE("open-while-unlinked", OPEN(1, "/f", O_CREAT | O_RDWR, 0644),
	     WRITEN(1, 10000), OPEN(2, "/f", O_RDONLY, 0), UNLINK("/f"),
	     FSTAT(1), PREAD(2, 100, 9950), WRITEN(1, 5000), FSTAT(2),
	     FTRUNCATE(1, 50), PREAD(2, 100, 0), CLOSE(1), READ(2, 100),
	     CLOSE(2), STAT("/f"), OPEN(1, "/f", O_CREAT | O_RDWR, 0644),
	     FSTAT(1), CLOSE(1)),
};

int main(void)
{
	return ref_main("ref_unlink", cases, sizeof(cases) / sizeof(cases[0]));
}
