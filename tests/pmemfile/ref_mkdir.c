// SPDX-License-Identifier: BSD-3-Clause
/*
 * ref_mkdir -- mkdir, mkdirat and rmdir against the kernel: modes under
 * umask, existing names, missing parents, trailing slashes, ".", "..",
 * non-empty directories, the root, files, and the cwd being removed.
 */
#include "ref.h"

#include <fcntl.h>

static const struct ref_case cases[] = {
    REF_CASE("mkdir", MKDIR("/d", 0777), STAT("/d"), MKDIR("/d", 0755),
	     MKDIR("/d/", 0755), MKDIR("/e/", 0700), STAT("/e"),
	     MKDIR("/x/y", 0755), MKDIR("/d/sub", 01777), STAT("/d/sub"),
	     MKDIR("/d/sub/.", 0755), MKDIR("/d/sub/..", 0755),
	     MKDIR("/", 0755), UMASK(0), MKDIR("/m", 07777), STAT("/m"),
	     UMASK(027), MKDIR("/n", 0777), STAT("/n"), UMASK(022),
	     OPEN(1, "/f", O_CREAT | O_WRONLY, 0644), CLOSE(1),
	     MKDIR("/f", 0755), MKDIR("/f/x", 0755), MKDIR("", 0755),
	     SYMLINK("/d", "/l"), MKDIR("/l", 0755), MKDIR("/l/in", 0755),
	     STAT("/d/in"), SYMLINK("/nowhere", "/dl"), MKDIR("/dl", 0755),
	     STAT("/nowhere")),
    REF_CASE("mkdirat", MKDIR("/d", 0755),
	     OPEN(1, "/d", O_RDONLY | O_DIRECTORY, 0), MKDIRAT(1, "a", 0755),
	     MKDIRAT(1, "a/b", 0755), MKDIRAT(1, "/top", 0755),
	     MKDIRAT(1, "../up", 0755),
	     OPEN(2, "/d/f", O_CREAT | O_WRONLY, 0644), MKDIRAT(2, "x", 0755),
	     MKDIRAT(2, "/ok", 0755), CLOSE(2), CLOSE(1), STAT("/d/a/b"),
	     STAT("/up")),
    REF_CASE("rmdir", MKDIR("/d", 0755), MKDIR("/d/e", 0755), RMDIR("/d"),
	     RMDIR("/d/e/"), STAT("/d/e"), MKDIR("/d/e", 0755), RMDIR("/d/e/."),
	     RMDIR("/d/e/.."), RMDIR("/d/."), RMDIR("/d/.."), RMDIR("/none"),
	     RMDIR(""), OPEN(1, "/d/f", O_CREAT | O_WRONLY, 0644), CLOSE(1),
	     RMDIR("/d/f"), RMDIR("/d/f/"), SYMLINK("/d/e", "/l"), RMDIR("/l"),
	     RMDIR("/l/"), UNLINK("/d/f"), RMDIR("/d/e"), RMDIR("/d"),
	     STAT("/d")),
    REF_CASE("rmdir-cwd", MKDIR("/d", 0755), MKDIR("/d/e", 0755), CHDIR("/d/e"),
	     RMDIR("."), RMDIR("../e"), GETCWD(256), STAT("."),
	     OPEN(1, "x", O_CREAT | O_WRONLY, 0644), MKDIR("y", 0755),
	     OPEN(1, ".", O_RDONLY | O_DIRECTORY, 0), FSTAT(1), CLOSE(1),
	     CHDIR(".."), GETCWD(256), CHDIR("/"), STAT("/d")),
    REF_CASE("rmdir-open", MKDIR("/d", 0755),
	     OPEN(1, "/d", O_RDONLY | O_DIRECTORY, 0), RMDIR("/d"), FSTAT(1),
	     OPENAT(2, 1, "f", O_CREAT | O_WRONLY, 0644), MKDIRAT(1, "g", 0755),
	     CLOSE(1), MKDIR("/d", 0700), STAT("/d")),
    REF_CASE("rmdir-root", RMDIR("/"), RMDIR("//")),
};

int main(void)
{
	return ref_main("ref_mkdir", cases, sizeof(cases) / sizeof(cases[0]));
}
