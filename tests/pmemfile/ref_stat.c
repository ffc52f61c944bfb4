// SPDX-License-Identifier: BSD-3-Clause
/*
 * ref_stat -- stat, lstat, fstat and fstatat against the kernel: every kind
 * of inode, symlinks followed or not, AT_EMPTY_PATH, link counts of
 * directories, sizes and (for regular files) allocated blocks.
 */
#include "ref.h"

#include <fcntl.h>

#define ALL (REF_ST_BASE | REF_ST_BLOCKS)
#define MT (REF_ST_MODE | REF_ST_MTIME)
#define MARK(path) UTIMENS(path, REF_TIME_MARK, REF_TIME_MARK, 0)

static const struct ref_case cases[] = {
    REF_CASE("kinds", OPEN(1, "/f", O_CREAT | O_WRONLY, 0640),
	     WRITE(1, "12345"), CLOSE(1), MKDIR("/d", 0711), SYMLINK("f", "/l"),
	     SYMLINK("nowhere", "/dl"), STAT("/"), STAT("/f"), STAT("/d"),
	     STAT("/l"), LSTAT("/l"), STAT("/dl"), LSTAT("/dl"), LSTAT("/d"),
	     STAT("/none"), LSTAT("/none"), STAT("/f/x"), STAT(""), LSTAT("")),
    REF_CASE("fstatat", MKDIR("/d", 0755), MKDIR("/d/e", 0700),
	     OPEN(1, "/d/f", O_CREAT | O_WRONLY, 0600),
	     OPEN(2, "/d", O_RDONLY | O_DIRECTORY, 0), FSTATAT(2, "f", 0),
	     FSTATAT(2, "e", 0), FSTATAT(2, "..", 0), FSTATAT(2, "/d/f", 0),
	     FSTATAT(2, "", 0), FSTATAT(2, "", AT_EMPTY_PATH),
	     FSTATAT(1, "", AT_EMPTY_PATH), FSTATAT(1, "x", 0),
	     FSTATAT(1, "/d", 0), FSTATAT(REF_CWD, "", AT_EMPTY_PATH),
	     SYMLINKAT("e", 2, "le"), FSTATAT(2, "le", AT_SYMLINK_NOFOLLOW),
	     FSTATAT(2, "le", 0), FSTATAT(2, "le/", AT_SYMLINK_NOFOLLOW)),
    REF_CASE("nlink", MKDIR("/d", 0755), STAT("/d"), STAT("/"),
	     MKDIR("/d/a", 0755), MKDIR("/d/b", 0755), STAT("/d"),
	     OPEN(1, "/d/f", O_CREAT | O_WRONLY, 0644), STAT("/d"),
	     RMDIR("/d/a"), STAT("/d"), LINK("/d/f", "/d/g"), STAT("/d/f"),
	     FSTAT(1), UNLINK("/d/f"), FSTAT(1), UNLINK("/d/g"), FSTAT(1),
	     CLOSE(1), STAT("/")),
    REF_CASE("blocks", OPEN(1, "/f", O_CREAT | O_RDWR, 0644), FSTATF(1, ALL),
	     WRITEN(1, 1), FSTATF(1, ALL), WRITEN(1, 4095), FSTATF(1, ALL),
	     WRITEN(1, 1), FSTATF(1, ALL), PWRITEN(1, 1, 1 << 20),
	     FSTATF(1, ALL), FTRUNCATE(1, 100), FSTATF(1, ALL), FTRUNCATE(1, 0),
	     FSTATF(1, ALL), CLOSE(1)),
    REF_CASE("fstat-after-changes", OPEN(1, "/f", O_CREAT | O_RDWR, 0644),
	     WRITEN(1, 3000), FSTAT(1), FCHMOD(1, 0400), FSTAT(1),
	     FCHOWN(1, 12, 34), FSTAT(1), RENAME("/f", "/g"), FSTAT(1),
	     STAT("/g"), CLOSE(1)),
    REF_CASE("statx-sync-flag", OPEN(1, "/f", O_CREAT | O_WRONLY, 0600),
	     CLOSE(1), FSTATAT(REF_CWD, "/f", 0x4000),
	     FSTATAT(REF_CWD, "/f", 0x2000)),
    REF_CASE("mtime", OPEN(1, "/f", O_CREAT | O_RDWR, 0644), WRITE(1, "data"),
	     MKDIR("/d", 0755), MARK("/f"), READ(1, 10), PREAD(1, 10, 0),
	     FSTATF(1, MT), PWRITE(1, "x", 1), FSTATF(1, MT), MARK("/f"),
	     WRITE(1, ""), FSTATF(1, MT), FTRUNCATE(1, 100), FSTATF(1, MT),
	     MARK("/f"), FTRUNCATE(1, 100), FSTATF(1, MT), TRUNCATE("/f", 1),
	     STATF("/f", MT), MARK("/f"), FCHMOD(1, 0600), LINK("/f", "/g"),
	     FSTATF(1, MT), MARK("/d"),
	     OPEN(2, "/d/new", O_CREAT | O_RDWR, 0644), STATF("/d", MT),
	     MARK("/d"), STAT("/d/new"), OPEN(3, "/d/new", O_RDWR, 0),
	     STATF("/d", MT), MARK("/d"), RENAME("/d/new", "/d/renamed"),
	     STATF("/d", MT), MARK("/d"), UNLINK("/d/renamed"), STATF("/d", MT),
	     MARK("/d"), MKDIR("/d/sub", 0755), STATF("/d", MT), MARK("/d"),
	     SYMLINK("x", "/d/l"), STATF("/d", MT), MARK("/d"),
	     OPEN(4, "/d", O_RDONLY | O_DIRECTORY, 0), DIRLIST(4, 4096),
	     STATF("/d", MT), MARK("/f"), MARK("/d"), RENAME("/g", "/d/g"),
	     STATF("/d", MT), STATF("/f", MT)),
    REF_CASE("fallocate-mtime", OPEN(1, "/f", O_CREAT | O_RDWR, 0644),
	     MARK("/f"), FALLOCATE(1, 0x01, 0, 8192), FSTATF(1, MT), MARK("/f"),
	     FALLOCATE(1, 0, 0, 20000), FSTATF(1, MT)),
};

int main(void)
{
	return ref_main("ref_stat", cases, sizeof(cases) / sizeof(cases[0]));
}
