// SPDX-License-Identifier: BSD-3-Clause
/*
 * ref_cwd -- chdir, fchdir and getcwd against the kernel: relative paths
 * from the new cwd, "..", the root's "..", files, small getcwd buffers,
 * symlinks in the path, renames of directories above the cwd, and ".."
 * from a removed cwd whose parents were removed too.
 */
#include "ref.h"

#include <fcntl.h>

static const struct ref_case cases[] = {
    REF_CASE("chdir", GETCWD(256), MKDIR("/a", 0755), MKDIR("/a/b", 0755),
	     CHDIR("/a/b"), GETCWD(256), CHDIR(".."), GETCWD(256),
	     CHDIR("b/../.."), GETCWD(256), CHDIR(".."), GETCWD(256),
	     CHDIR("/.."), GETCWD(256), CHDIR("a"), GETCWD(256),
	     OPEN(1, "f", O_CREAT | O_WRONLY, 0644), CLOSE(1), STAT("/a/f"),
	     CHDIR("f"), CHDIR("none"), CHDIR(""), GETCWD(256), CHDIR("/a/b/"),
	     GETCWD(256), CHDIR("//a"), GETCWD(256)),
    REF_CASE("getcwd-size", MKDIR("/abcdef", 0755), CHDIR("/abcdef"), GETCWD(0),
	     GETCWD(1), GETCWD(7), GETCWD(8), GETCWD(4096), CHDIR("/"),
	     GETCWD(1), GETCWD(2)),
    REF_CASE("fchdir", MKDIR("/a", 0755), MKDIR("/a/b", 0755),
	     OPEN(1, "/a/b", O_RDONLY | O_DIRECTORY, 0), FCHDIR(1), GETCWD(256),
	     OPEN(2, "/a/f", O_CREAT | O_RDWR, 0644), FCHDIR(2), GETCWD(256),
	     OPEN(3, "/a", O_PATH, 0), FCHDIR(3), GETCWD(256), CLOSE(1),
	     CLOSE(2), CLOSE(3)),
    REF_CASE("moved-under", MKDIR("/a", 0755), MKDIR("/a/b", 0755),
	     CHDIR("/a/b"), RENAME("/a", "/z"), GETCWD(256), STAT("."),
	     STAT(".."), MKDIR("/new", 0755), RENAME("/z", "/new/z"),
	     GETCWD(256), OPEN(1, "here", O_CREAT | O_WRONLY, 0644), CLOSE(1),
	     STAT("/new/z/b/here"), CHDIR("/"), GETCWD(256)),
    REF_CASE("symlinked", MKDIR("/real", 0755), SYMLINK("real", "/sym"),
	     CHDIR("/sym"), GETCWD(256), CHDIR(".."), GETCWD(256),
	     SYMLINK("/real/missing", "/bad"), CHDIR("/bad"), GETCWD(256)),
    REF_CASE("removed-under", MKDIR("/a", 0755), MKDIR("/a/b", 0755),
	     MKDIR("/a/b/c", 0755), CHDIR("/a/b/c"), RMDIR("/a/b/c"),
	     RMDIR("/a/b"), RMDIR("/a"), GETCWD(256), STAT("."), CHDIR(".."),
	     GETCWD(256), STAT("."), CHDIR(".."), STAT("."), CHDIR(".."),
	     GETCWD(256), MKDIR("/a", 0755), STAT("/a")),
    REF_CASE("relative-ops", MKDIR("/d", 0755), CHDIR("/d"), MKDIR("e", 0755),
	     OPEN(1, "e/f", O_CREAT | O_RDWR, 0644), WRITE(1, "rel"), CLOSE(1),
	     LINK("e/f", "g"), SYMLINK("e/f", "s"), READLINK("s", 100),
	     RENAME("g", "e/g"), STAT("e/g"), UNLINK("e/g"), TRUNCATE("s", 1),
	     STAT("/d/e/f"), RMDIR("e"), CHDIR("/"), STAT("d/e/f")),
};

int main(void)
{
	return ref_main("ref_cwd", cases, sizeof(cases) / sizeof(cases[0]));
}
