// SPDX-License-Identifier: BSD-3-Clause
/*
 * ref_rename -- rename, renameat and renameat2 (RENAME_NOREPLACE,
 * RENAME_EXCHANGE) against the kernel, with every errno case: a directory
 * into its own subdirectory (EINVAL), onto a non-empty directory (ENOTEMPTY),
 * a file onto a directory (EISDIR), a directory onto a file (ENOTDIR), a name
 * onto itself, and two hard links of one inode.
 */
#include "ref.h"

/* A name one byte longer than NAME_MAX. */
#define LONG256                                                            \
	"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn" \
	"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn" \
	"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn" \
	"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"

#include <fcntl.h>
#include <stdio.h>

#define FILE(path, text) \
	OPEN(9, path, O_CREAT | O_WRONLY, 0644), WRITE(9, text), CLOSE(9)
#define LS(path) \
	OPEN(8, path, O_RDONLY | O_DIRECTORY, 0), DIRLIST(8, 4096), CLOSE(8)

static const struct ref_case cases[] = {
    REF_CASE("long-name-order", MKDIR("/d", 0755), FILE("/d/f", "F"),
	     RENAME(LONG256, "/missing/x"), RENAME("/d/f", "/d/" LONG256),
	     RENAME("/d/" LONG256, "/d/g"), RENAME("/d/none", "/d/" LONG256),
	     RENAME(LONG256, "."), LINK("/d/f", "/d/" LONG256),
	     LINK("/d/" LONG256, "/d/h"), UNLINK("/d/" LONG256),
	     MKDIR("/d/" LONG256, 0755), STAT("/d/" LONG256),
	     OPEN(1, "/d/" LONG256, O_CREAT | O_RDWR, 0644),
	     OPEN(1, "/" LONG256 "/x", O_RDONLY, 0), STAT("/d/f")),
    REF_CASE("trap-order", MKDIR("/a", 0755), MKDIR("/a/d", 0755),
	     FILE("/a/f", "F"), RENAME("/a/f", "/a"), RENAME("/a/d", "/a"),
	     RENAME("/a/d/", "/"), RENAME("/a", "/a/d/x"), RENAME("/a", "/a/d"),
	     STAT("/a/f"), STAT("/a/d")),
    REF_CASE("files", FILE("/a", "A"), FILE("/b", "B"), RENAME("/a", "/c"),
	     STAT("/a"), STAT("/c"), RENAME("/c", "/b"), STAT("/b"), STAT("/c"),
	     RENAME("/none", "/x"), RENAME("/b", "/none/x"), RENAME("/b", "/b"),
	     RENAME("/b/", "/q"), RENAME("/b", "/q/"), RENAME("", "/q"),
	     RENAME("/b", ""), MKDIR("/d", 0755), RENAME("/b", "/d/b"), LS("/"),
	     LS("/d"), RENAME("/d/b", "/d/./b2"), RENAME("/d/b2", "/d/../top"),
	     LS("/"), LS("/d")),
    REF_CASE("directories", MKDIR("/d", 0755), MKDIR("/d/sub", 0755),
	     MKDIR("/e", 0755), FILE("/e/f", "x"), MKDIR("/empty", 0755),
	     FILE("/file", "f"), RENAME("/d", "/d/sub/d"),
	     RENAME("/d", "/d/new"), RENAME("/d", "/e"), RENAME("/d", "/empty"),
	     STAT("/empty"), STAT("/d"), STAT("/empty/sub"),
	     RENAME("/file", "/empty"), RENAME("/empty", "/file"),
	     RENAME("/empty/", "/moved/"), STAT("/moved"),
	     RENAME("/moved/.", "/x"), RENAME("/moved/..", "/x"),
	     RENAME("/moved", "/moved/."), RENAME("/", "/x"), RENAME("/x", "/"),
	     MKDIR("/moved/a", 0755), MKDIR("/moved/a/b", 0755),
	     RENAME("/moved", "/moved/a/b/c"), RENAME("/moved/a/b", "/b"),
	     STAT("/moved"), STAT("/b"), STAT("/moved/a"), STAT("/")),
    REF_CASE("onto-itself", FILE("/f", "self"), LINK("/f", "/g"),
	     RENAME("/f", "/f"), RENAME("/f", "/g"), STAT("/f"), STAT("/g"),
	     LS("/"), RENAMEAT2(REF_CWD, "/f", REF_CWD, "/g", RENAME_NOREPLACE),
	     RENAMEAT2(REF_CWD, "/f", REF_CWD, "/g", RENAME_EXCHANGE),
	     STAT("/f"), MKDIR("/d", 0755), RENAME("/d", "/d"),
	     RENAME("/d/", "/d"), LS("/")),
    REF_CASE("noreplace", FILE("/a", "A"), FILE("/b", "B"), MKDIR("/d", 0755),
	     RENAMEAT2(REF_CWD, "/a", REF_CWD, "/b", RENAME_NOREPLACE),
	     RENAMEAT2(REF_CWD, "/a", REF_CWD, "/d", RENAME_NOREPLACE),
	     RENAMEAT2(REF_CWD, "/a", REF_CWD, "/c", RENAME_NOREPLACE),
	     RENAMEAT2(REF_CWD, "/d", REF_CWD, "/d2", RENAME_NOREPLACE),
	     RENAMEAT2(REF_CWD, "/none", REF_CWD, "/n", RENAME_NOREPLACE),
	     RENAMEAT2(REF_CWD, "/c", REF_CWD, "/b",
		       RENAME_NOREPLACE | RENAME_EXCHANGE),
	     RENAMEAT2(REF_CWD, "/c", REF_CWD, "/x", 0x80), LS("/")),
    REF_CASE("exchange", FILE("/a", "A"), FILE("/b", "BB"), MKDIR("/d", 0755),
	     FILE("/d/in", "in"), MKDIR("/e", 0755),
	     RENAMEAT2(REF_CWD, "/a", REF_CWD, "/b", RENAME_EXCHANGE),
	     STAT("/a"), STAT("/b"),
	     RENAMEAT2(REF_CWD, "/a", REF_CWD, "/d", RENAME_EXCHANGE),
	     STAT("/a"), STAT("/d"), STAT("/a/in"), STAT("/"),
	     RENAMEAT2(REF_CWD, "/a", REF_CWD, "/e/x", RENAME_EXCHANGE),
	     RENAMEAT2(REF_CWD, "/a", REF_CWD, "/e", RENAME_EXCHANGE),
	     STAT("/a"), STAT("/e"), STAT("/e/in"),
	     RENAMEAT2(REF_CWD, "/e", REF_CWD, "/e/in", RENAME_EXCHANGE),
	     MKDIR("/e/sub", 0755),
	     RENAMEAT2(REF_CWD, "/e", REF_CWD, "/e/sub", RENAME_EXCHANGE),
	     RENAMEAT2(REF_CWD, "/e/sub", REF_CWD, "/e", RENAME_EXCHANGE),
	     RENAMEAT2(REF_CWD, "/b", REF_CWD, "/e/sub", RENAME_EXCHANGE),
	     STAT("/e"), STAT("/b"), STAT("/e/sub"), LS("/"), LS("/e")),
    REF_CASE("renameat", MKDIR("/d", 0755), MKDIR("/e", 0755),
	     FILE("/d/f", "f"), OPEN(1, "/d", O_RDONLY | O_DIRECTORY, 0),
	     OPEN(2, "/e", O_RDONLY | O_DIRECTORY, 0),
	     RENAMEAT2(1, "f", 2, "g", 0), LS("/d"), LS("/e"),
	     RENAMEAT2(2, "g", REF_CWD, "/top", 0),
	     OPEN(3, "/top", O_RDONLY, 0), RENAMEAT2(3, "x", 2, "y", 0),
	     RENAMEAT2(REF_CWD, "/top", 3, "y", 0), READ(3, 10),
	     RENAME("/e", "/d/e"), RENAMEAT2(2, ".", 1, "z", 0),
	     RENAMEAT2(1, "e", 1, "e2", 0), FSTATAT(2, "..", 0), LS("/d")),
    REF_CASE("replace-open", FILE("/a", "AAA"), FILE("/b", "B"),
	     OPEN(1, "/b", O_RDONLY, 0), RENAME("/a", "/b"), READ(1, 10),
	     FSTAT(1), STAT("/b"), CLOSE(1), OPEN(1, "/b", O_RDONLY, 0),
	     READ(1, 10), MKDIR("/d", 0755), MKDIR("/e", 0755),
	     OPEN(2, "/e", O_RDONLY | O_DIRECTORY, 0), RENAME("/d", "/e"),
	     FSTAT(2), STAT("/e"), STAT("/")),
    REF_CASE("symlinks", FILE("/f", "f"), SYMLINK("f", "/l"), MKDIR("/d", 0755),
	     SYMLINK("d", "/ld"), RENAME("/l", "/l2"), READLINK("/l2", 100),
	     STAT("/l2"), RENAME("/ld/", "/x"), RENAME("/ld", "/d/ld"),
	     LSTAT("/d/ld"), STAT("/d/ld"), RENAME("/f", "/l2"), LSTAT("/l2"),
	     STAT("/f")),
    REF_CASE("file-onto-itself-slash", FILE("/b", "B"), MKDIR("/e", 0755),
	     FILE("/e/f", "x"), RENAME("/b", "/b/"), RENAME("/e/f", "/e/f/"),
	     RENAMEAT2(REF_CWD, "/b", REF_CWD, "/b/", RENAME_NOREPLACE)),
    REF_CASE("across-parents", MKDIR("/p1", 0755), MKDIR("/p2", 0755),
	     FILE("/p1/a", "a"), MKDIR("/p2/b", 0755), MKDIR("/p2/b/c", 0755),
	     RENAMEAT2(REF_CWD, "/p1/a", REF_CWD, "/p2/b", RENAME_EXCHANGE),
	     STAT("/p1"), STAT("/p2"), STAT("/p1/a"), STAT("/p2/b"),
	     SAME_INODE("/p1/a/..", "/p1"), SAME_INODE("/p1/a/c/..", "/p1/a"),
	     RENAME("/p1/a", "/p2/moved"), STAT("/p1"), STAT("/p2"),
	     SAME_INODE("/p2/moved/..", "/p2"), MKDIR("/p1/d", 0755),
	     RENAME("/p2/moved", "/p1/d"), STAT("/p1"), STAT("/p2"),
	     SAME_INODE("/p1/d/c/../..", "/p1"), MKDIR("/p2/e", 0755),
	     RENAMEAT2(REF_CWD, "/p1/d", REF_CWD, "/p2/e", RENAME_EXCHANGE),
	     STAT("/p1"), STAT("/p2"), SAME_INODE("/p2/e/c/..", "/p2/e"),
	     SAME_INODE("/p1/d/..", "/p1"), LS("/p1"), LS("/p2")),
    REF_CASE("errors", MKDIR("/d", 0755), MKDIR("/d/sub", 0755),
	     FILE("/d/f", "f"), MKDIR("/e", 0755), FILE("/e/g", "g"),
	     RENAME("/d", "/e"), RENAME("/d/sub", "/e/g"), RENAME("/e/g", "/d"),
	     RENAME("/d/f", "/d/sub/x/y"), RENAME("/d/f/x", "/y"),
	     RENAME("/d/none", "/d/f"), RENAME("/d/sub", "/d/sub/in"),
	     RENAME("/d", "/d/sub/deep"), RENAME("/d/sub/..", "/up"),
	     RENAME("/d/f", "/d/."), RENAME("/d/f", "/d/.."),
	     UNLINKAT(REF_CWD, "/e", AT_REMOVEDIR), RMDIR("/e"), LS("/d"),
	     LS("/e")),
};

int main(void)
{
	return ref_main("ref_rename", cases, sizeof(cases) / sizeof(cases[0]));
}
