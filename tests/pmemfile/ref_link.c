// SPDX-License-Identifier: BSD-3-Clause
/*
 * ref_link -- link and linkat against the kernel: link counts, shared data,
 * existing targets, directories, symlinks followed with AT_SYMLINK_FOLLOW
 * or not, AT_EMPTY_PATH, and bad flags.
 */
#include "ref.h"

#include <fcntl.h>

static const struct ref_case cases[] = {
    REF_CASE("link", OPEN(1, "/f", O_CREAT | O_RDWR, 0644), WRITE(1, "shared"),
	     LINK("/f", "/g"), STAT("/f"), SAME_INODE("/f", "/g"),
	     OPEN(2, "/g", O_RDWR, 0), PWRITE(2, "SH", 0), PREAD(1, 10, 0),
	     LINK("/f", "/g"), LINK("/none", "/h"), LINK("/f", "/none/h"),
	     LINK("/f", "/f"), LINK("/f", "/g/"), LINK("/f/", "/h"),
	     MKDIR("/d", 0755), LINK("/d", "/d2"), LINK("/f", "/d"),
	     LINK("/f", "/d/f"), STAT("/d/f"), UNLINK("/f"), STAT("/g"),
	     LINK("/g", "/f"), STAT("/f"), LINK("", "/e"), CLOSE(1), CLOSE(2)),
    REF_CASE(
	"linkat", MKDIR("/d", 0755), OPEN(1, "/d/f", O_CREAT | O_RDWR, 0644),
	OPEN(2, "/d", O_RDONLY | O_DIRECTORY, 0),
	LINKAT(2, "f", REF_CWD, "/g", 0), LINKAT(REF_CWD, "/g", 2, "h", 0),
	STAT("/d/h"), LINKAT(1, "", 2, "e", AT_EMPTY_PATH), STAT("/d/e"),
	LINKAT(2, "f", 2, "x", 0x8000), SYMLINK("/d/f", "/s"),
	LINKAT(REF_CWD, "/s", REF_CWD, "/s-nofollow", 0), LSTAT("/s-nofollow"),
	LINKAT(REF_CWD, "/s", REF_CWD, "/s-follow", AT_SYMLINK_FOLLOW),
	LSTAT("/s-follow"), STAT("/d/f"), SYMLINK("/gone", "/dang"),
	LINKAT(REF_CWD, "/dang", REF_CWD, "/x", AT_SYMLINK_FOLLOW),
	LINKAT(REF_CWD, "/dang", REF_CWD, "/y", 0), LSTAT("/y"),
	LINKAT(2, "", REF_CWD, "/dirlink", AT_EMPTY_PATH), CLOSE(1), CLOSE(2)),
    REF_CASE("empty-path", MKDIR("/d", 0755),
	     OPEN(1, "/d/f", O_CREAT | O_RDWR, 0644),
	     OPEN(2, "/d", O_RDONLY | O_DIRECTORY, 0),
	     LINKAT(1, "", 2, "e2", 0)),
};

int main(void)
{
	return ref_main("ref_link", cases, sizeof(cases) / sizeof(cases[0]));
}
