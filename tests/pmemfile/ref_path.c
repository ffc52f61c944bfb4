// SPDX-License-Identifier: BSD-3-Clause
/*
 * ref_path -- path resolution edge cases against the kernel: "", "/", "//a",
 * "a/", "a/.", "a/..", trailing slashes on files (ENOTDIR), components that
 * are files, NAME_MAX and PATH_MAX (ENAMETOOLONG), and "." and "..".
 */
#include "ref.h"

#include <fcntl.h>

#define N10 "aaaaaaaaaa"
#define N50 N10 N10 N10 N10 N10
#define N255 N50 N50 N50 N50 N50 "aaaaa"
#define N256 N255 "a"
#define D100 "/" N50 N10 N10 N10 N10 "bbbbbbbbb"
#define P1000 D100 D100 D100 D100 D100 D100 D100 D100 D100 D100
#define P4000 P1000 P1000 P1000 P1000

static const struct ref_case cases[] = {
    REF_CASE("shapes", MKDIR("/a", 0755),
	     OPEN(1, "/a/f", O_CREAT | O_WRONLY, 0644), CLOSE(1), STAT(""),
	     STAT("/"), STAT("//"), STAT("///a"), STAT("//a"), STAT("a"),
	     STAT("a/"), STAT("a/."), STAT("a/.."), STAT("a//f"), STAT("a/./f"),
	     STAT("a/f/"), STAT("a/f/."), STAT("a/f/.."), STAT("/a/f//"),
	     STAT("/.."), STAT("/../../a"), STAT("."), STAT("./a/../a/f"),
	     STAT("a/none/.."), STAT("a/f/none"), OPEN(1, "a/f/", O_RDONLY, 0),
	     OPEN(1, "a/f/.", O_RDONLY, 0), MKDIR("a/f/x", 0755),
	     UNLINK("a/f/"), RMDIR("a/f/"), RENAME("a/f/", "a/g"),
	     LINK("a/f/", "a/g"), TRUNCATE("a/f/", 0), READLINK("a/f/", 10),
	     ACCESS("a/f/", F_OK), CHMOD("a/f/", 0600), CHDIR("a/f"),
	     CHDIR("a/f/"), CHDIR(""), OPEN(1, "", O_RDONLY, 0),
	     OPEN(1, "", O_CREAT | O_WRONLY, 0644)),
    REF_CASE("name-max", MKDIR("/d", 0755),
	     OPEN(1, "/d/" N255, O_CREAT | O_WRONLY, 0644), CLOSE(1),
	     STAT("/d/" N255), OPEN(1, "/d/" N256, O_CREAT | O_WRONLY, 0644),
	     STAT("/d/" N256), MKDIR("/d/" N256, 0755),
	     SYMLINK("x", "/d/" N256), SYMLINK(N256, "/d/s"),
	     READLINK("/d/s", 300), STAT("/d/s"), LINK("/d/" N255, "/d/" N256),
	     RENAME("/d/" N255, "/d/" N256), RENAME("/d/" N256, "/d/x"),
	     UNLINK("/d/" N256), RMDIR("/d/" N256), STAT("/d/" N256 "/.."),
	     OPEN(2, "/d", O_RDONLY | O_DIRECTORY, 0), DIRLIST(2, 4096)),
    REF_CASE("path-max", STAT(P4000), MKDIR(P1000, 0755),
	     STAT(P4000 "/" N50 N10 N10 N10 N10 N10),
	     STAT(P4000 "/" N50 N10 N10 N10 N10 "aaaaaaaaa"),
	     STAT(P4000 "/" N50 N10 N10 N10 N10 "aaaaaaaa"),
	     OPEN(1, P4000 "/" N50 N10 N10 N10 N10 N10, O_RDONLY, 0),
	     SYMLINK(P4000 "/" N50 N10 N10 N10 N10 N10, "/long"),
	     SYMLINK(P4000 "/" N50 N10 N10 N10 N10 "aaaa", "/long2"),
	     READLINK("/long2", 5000), CHDIR(P4000 "/" N50 N10 N10 N10 N10 N10),
	     UNLINK(P4000 "/" N50 N10 N10 N10 N10 N10)),
    REF_CASE("dot-entries", MKDIR("/d", 0755), STAT("/d/."), STAT("/d/.."),
	     OPEN(1, "/d/.", O_CREAT | O_WRONLY, 0644),
	     OPEN(1, "/d/..", O_RDONLY, 0), FSTAT(1), CLOSE(1), UNLINK("/d/."),
	     RMDIR("."), RMDIR(".."), LINK("/d/.", "/x"), RENAME("/d/.", "/y"),
	     RENAME("/d", "/d/."), SYMLINK("x", "/d/."), MKDIR("/d/..", 0755)),
    REF_CASE("creat-trailing-slashes", MKDIR("/a", 0755),
	     OPEN(1, "/a/f", O_CREAT | O_WRONLY, 0644), CLOSE(1),
	     OPEN(1, "a/f//", O_CREAT | O_WRONLY, 0644)),
};

int main(void)
{
	return ref_main("ref_path", cases, sizeof(cases) / sizeof(cases[0]));
}
