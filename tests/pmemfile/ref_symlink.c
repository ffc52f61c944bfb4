// SPDX-License-Identifier: BSD-3-Clause
/*
 * ref_symlink -- symlink, symlinkat, readlink and readlinkat against the
 * kernel: relative and absolute targets, dangling links, chains, loops
 * (ELOOP), links in the middle of paths, short buffers, and bad arguments.
 */
#include "ref.h"

#include <fcntl.h>

static const struct ref_case cases[] = {
    REF_CASE("readlink", SYMLINK("target", "/l"), READLINK("/l", 100),
	     READLINK("/l", 3), READLINK("/l", 0), READLINK("/none", 10),
	     MKDIR("/d", 0755), READLINK("/d", 10), READLINK("/l/", 10),
	     SYMLINK("/abs/path/x", "/d/a"), READLINK("/d/a", 100),
	     LSTAT("/d/a"), SYMLINK("t", "/l"), SYMLINK("", "/empty"),
	     SYMLINK("t", "/none/x"), SYMLINK("t", "/d/"),
	     SYMLINK("t", "/newdir/"), READLINK("", 10)),
    REF_CASE("relative", MKDIR("/d", 0755), MKDIR("/d/e", 0755),
	     OPEN(1, "/d/e/f", O_CREAT | O_WRONLY, 0644), WRITE(1, "deep"),
	     CLOSE(1), SYMLINK("e/f", "/d/rel"), SYMLINK("../d/e", "/d/up"),
	     SYMLINK("/d/e", "/abs"), OPEN(1, "/d/rel", O_RDONLY, 0),
	     READ(1, 10), CLOSE(1), OPEN(1, "/d/up/f", O_RDONLY, 0),
	     READ(1, 10), CLOSE(1), OPEN(1, "/abs/f", O_RDONLY, 0), READ(1, 10),
	     CLOSE(1), STAT("/abs/../e"), STAT("/abs/.."), CHDIR("/abs"),
	     GETCWD(256), STAT("f"), CHDIR("/"),
	     SYMLINK("../../../../d", "/dots"), STAT("/dots/e/f"),
	     OPEN(2, "/d", O_RDONLY | O_DIRECTORY, 0),
	     SYMLINKAT("e/f", 2, "at"), READLINKAT(2, "at", 50),
	     READLINKAT(2, "/d/at", 50), OPENAT(1, 2, "at", O_RDONLY, 0),
	     READ(1, 10), CLOSE(1), CLOSE(2)),
    REF_CASE(
	"loops", SYMLINK("a", "/a"), STAT("/a"), LSTAT("/a"),
	OPEN(1, "/a", O_RDONLY, 0), OPEN(1, "/a", O_CREAT | O_RDWR, 0644),
	SYMLINK("c", "/b"), SYMLINK("b", "/c"), STAT("/b/x"),
	MKDIR("/a/x", 0755), OPEN(2, "/f", O_CREAT | O_WRONLY, 0644), CLOSE(2),
	SYMLINK("f", "/n1"), SYMLINK("n1", "/n2"), SYMLINK("n2", "/n3"),
	SYMLINK("n3", "/n4"), SYMLINK("n4", "/n5"), SYMLINK("n5", "/n6"),
	SYMLINK("n6", "/n7"), SYMLINK("n7", "/n8"), SYMLINK("n8", "/n9"),
	SYMLINK("n9", "/n10"), SYMLINK("n10", "/n11"), SYMLINK("n11", "/n12"),
	SYMLINK("n12", "/n13"), SYMLINK("n13", "/n14"), SYMLINK("n14", "/n15"),
	SYMLINK("n15", "/n16"), SYMLINK("n16", "/n17"), SYMLINK("n17", "/n18"),
	SYMLINK("n18", "/n19"), SYMLINK("n19", "/n20"), SYMLINK("n20", "/n21"),
	SYMLINK("n21", "/n22"), SYMLINK("n22", "/n23"), SYMLINK("n23", "/n24"),
	SYMLINK("n24", "/n25"), SYMLINK("n25", "/n26"), SYMLINK("n26", "/n27"),
	SYMLINK("n27", "/n28"), SYMLINK("n28", "/n29"), SYMLINK("n29", "/n30"),
	SYMLINK("n30", "/n31"), SYMLINK("n31", "/n32"), SYMLINK("n32", "/n33"),
	SYMLINK("n33", "/n34"), SYMLINK("n34", "/n35"), SYMLINK("n35", "/n36"),
	SYMLINK("n36", "/n37"), SYMLINK("n37", "/n38"), SYMLINK("n38", "/n39"),
	SYMLINK("n39", "/n40"), SYMLINK("n40", "/n41"), STAT("/n39"),
	STAT("/n40"), STAT("/n41"), LSTAT("/n41"), OPEN(3, "/n40", O_RDONLY, 0),
	OPEN(3, "/n41", O_RDONLY, 0)),
    REF_CASE("dangling", SYMLINK("missing", "/l"), STAT("/l"), LSTAT("/l"),
	     OPEN(1, "/l", O_RDONLY, 0), READLINK("/l", 100), UNLINK("/l"),
	     SYMLINK("/dir/missing", "/l2"),
	     OPEN(1, "/l2", O_CREAT | O_WRONLY, 0644), MKDIR("/dir", 0755),
	     OPEN(1, "/l2", O_CREAT | O_WRONLY, 0644), WRITE(1, "now"),
	     CLOSE(1), STAT("/dir/missing"), STAT("/l2"), SYMLINK("x", "/l3"),
	     TRUNCATE("/l3", 10)),
    REF_CASE("link-handle", OPEN(1, "/f", O_CREAT | O_WRONLY, 0644), CLOSE(1),
	     SYMLINK("f", "/l"), MKDIR("/d", 0755), SYMLINK("../f", "/d/up"),
	     OPEN(1, "/l", O_PATH | O_NOFOLLOW, 0), READLINKAT(1, "", 100),
	     FSTATAT(1, "", AT_EMPTY_PATH),
	     FSTATAT(1, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW), FSTAT(1),
	     READ(1, 1), OPEN(2, "/d", O_RDONLY | O_DIRECTORY, 0),
	     READLINKAT(2, "up", 100), FSTATAT(2, "up", 0),
	     OPENAT(3, 2, "up", O_RDONLY, 0), FSTAT(3),
	     OPENAT(4, 2, "up/", O_RDONLY, 0), STAT("/d/up/"), STAT("/l/"),
	     LSTAT("/l/"), SYMLINK("d", "/ld"), LSTAT("/ld/"), STAT("/ld/up"),
	     READLINK("/ld/up", 100), UNLINK("/ld/up"), STAT("/d/up")),
};

int main(void)
{
	return ref_main("ref_symlink", cases, sizeof(cases) / sizeof(cases[0]));
}
