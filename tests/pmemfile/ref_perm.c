// SPDX-License-Identifier: BSD-3-Clause
/*
 * ref_perm -- permission checks against the kernel. The pool's identity is
 * switched with pmemfile_setreuid/setregid/setgroups; the kernel's with
 * setresuid/setresgid/setgroups in the child that runs the reference.
 * Covered: open for read/write by owner, group, supplementary group and
 * others, search permission on directories, access/faccessat, chmod/chown
 * rules (and the set-ID bits they clear), creating and removing names in
 * directories without write permission, the sticky bit, utimensat, and
 * what root may do.
 */
#include "ref.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#define FILE(path, mode)                                                  \
	OPEN(9, path, O_CREAT | O_WRONLY, 0), WRITE(9, "data"), CLOSE(9), \
	    CHMOD(path, mode)
#define TRY_OPEN(path, flags) OPEN(8, path, flags, 0644), CLOSE(8)
#define TIMES (REF_ST_BASE | REF_ST_TIMES)

static const struct ref_case cases[] = {
    REF_CASE("open-modes", MKDIR("/d", 0755), FILE("/d/own", 0600),
	     CHOWN("/d/own", 1000, 1000), FILE("/d/grp", 0640),
	     CHOWN("/d/grp", 0, 1000), FILE("/d/oth", 0604), FILE("/d/none", 0),
	     MKDIR("/priv", 0700), FILE("/priv/x", 0666), MKDIR("/xonly", 0711),
	     FILE("/xonly/x", 0644), CREDS(1000, 1000, 0, 0),
	     TRY_OPEN("/d/own", O_RDWR), TRY_OPEN("/d/grp", O_RDONLY),
	     TRY_OPEN("/d/grp", O_WRONLY), TRY_OPEN("/d/oth", O_RDONLY),
	     TRY_OPEN("/d/oth", O_RDWR), TRY_OPEN("/d/none", O_RDONLY),
	     TRY_OPEN("/d/none", O_PATH), TRY_OPEN("/priv/x", O_RDONLY),
	     STAT("/priv/x"), STAT("/priv"),
	     OPEN(7, "/priv", O_RDONLY | O_DIRECTORY, 0),
	     TRY_OPEN("/xonly/x", O_RDONLY),
	     OPEN(7, "/xonly", O_RDONLY | O_DIRECTORY, 0),
	     TRY_OPEN("/d/own", O_RDONLY | O_TRUNC),
	     TRY_OPEN("/d/grp", O_RDONLY | O_TRUNC), CREDS(2000, 2000, 1000, 0),
	     TRY_OPEN("/d/grp", O_RDONLY), TRY_OPEN("/d/own", O_RDONLY),
	     CREDS(2000, 1000, 0, 0), TRY_OPEN("/d/grp", O_RDONLY), AS_ROOT(),
	     TRY_OPEN("/d/none", O_RDWR), TRY_OPEN("/priv/x", O_RDWR)),
    REF_CASE(
	"access", MKDIR("/d", 0755), FILE("/d/r", 0444), FILE("/d/x", 0755),
	FILE("/d/own", 0700), CHOWN("/d/own", 1000, 1000), FILE("/d/none", 0),
	MKDIR("/priv", 0700), ACCESS("/d/r", R_OK), ACCESS("/d/r", W_OK),
	ACCESS("/d/r", X_OK), ACCESS("/d/none", R_OK | W_OK),
	ACCESS("/d/none", X_OK), ACCESS("/d/x", X_OK), ACCESS("/d", X_OK),
	ACCESS("/nope", F_OK), ACCESS("/d/r", 8), CREDS(1000, 1000, 0, 0),
	ACCESS("/d/r", R_OK), ACCESS("/d/r", W_OK), ACCESS("/d/x", R_OK | X_OK),
	ACCESS("/d/own", R_OK | W_OK | X_OK), ACCESS("/d/none", F_OK),
	ACCESS("/d/none", R_OK), ACCESS("/priv", X_OK), ACCESS("/priv/y", F_OK),
	FACCESSAT(REF_CWD, "/d/own", W_OK, AT_EACCESS),
	FACCESSAT(REF_CWD, "/d/r", W_OK, AT_EACCESS),
	FACCESSAT(REF_CWD, "/d/r", R_OK, 0x1),
	FACCESSAT(REF_CWD, "/d/r", R_OK, AT_SYMLINK_NOFOLLOW)),
    REF_CASE(
	"chmod-chown", MKDIR("/d", 0777), FILE("/d/mine", 0644),
	CHOWN("/d/mine", 1000, 1000), FILE("/d/root", 0644),
	CREDS(1000, 1000, 3000, 0), CHMOD("/d/mine", 0600), STAT("/d/mine"),
	CHMOD("/d/root", 0666), STAT("/d/root"), CHOWN("/d/mine", 2000, -1),
	CHOWN("/d/mine", 1000, 1000), CHOWN("/d/mine", -1, 3000),
	STAT("/d/mine"), CHOWN("/d/mine", -1, 4000), CHOWN("/d/root", -1, 1000),
	CHMOD("/d/mine", 02755), STAT("/d/mine"), CHOWN("/d/mine", -1, 1000),
	STAT("/d/mine"), CHMOD("/d/mine", 04755), STAT("/d/mine"), AS_ROOT(),
	CHMOD("/d/mine", 06755), STAT("/d/mine"), CHOWN("/d/mine", 2000, 2000),
	STAT("/d/mine"), CHMOD("/d/mine", 06745), CHOWN("/d/mine", 0, -1),
	STAT("/d/mine"), CHMOD("/d/mine", 07777), STAT("/d/mine"),
	LCHOWN("/d/mine", 5, 6), STAT("/d/mine")),
    REF_CASE(
	"directories", MKDIR("/d", 0755), MKDIR("/open", 0),
	CHMOD("/open", 0777), MKDIR("/sticky", 0), CHMOD("/sticky", 01777),
	MKDIR("/sgid", 0), CHMOD("/sgid", 02777), CHOWN("/sgid", 0, 4242),
	FILE("/d/f", 0666), CREDS(1000, 1000, 0, 0),
	TRY_OPEN("/d/new", O_CREAT | O_RDWR), MKDIR("/d/sub", 0755),
	UNLINK("/d/f"), RENAME("/d/f", "/open/f"), LINK("/d/f", "/d/g"),
	SYMLINK("x", "/d/s"), OPEN(1, "/open/mine", O_CREAT | O_RDWR, 0666),
	FSTAT(1), CLOSE(1), MKDIR("/open/dir", 0777), STAT("/open/dir"),
	OPEN(1, "/sticky/a", O_CREAT | O_RDWR, 0666), CLOSE(1),
	OPEN(1, "/sgid/f", O_CREAT | O_RDWR, 0666), FSTAT(1), CLOSE(1),
	MKDIR("/sgid/sub", 0755), STAT("/sgid/sub"), CREDS(2000, 2000, 0, 0),
	UNLINK("/sticky/a"), RENAME("/sticky/a", "/sticky/b"),
	OPEN(1, "/sticky/b", O_CREAT | O_RDWR, 0666), CLOSE(1),
	RENAME("/sticky/b", "/sticky/a"), UNLINK("/open/mine"),
	CREDS(1000, 1000, 0, 0), UNLINK("/sticky/a"), UNLINK("/sticky/b"),
	CHMOD("/open/dir", 0500), MKDIR("/open/dir/x", 0755),
	RMDIR("/open/dir"), AS_ROOT(), MKDIR("/open/dir/x", 0755),
	STAT("/open/dir/x")),
    REF_CASE("utimensat", FILE("/mine", 0644), CHOWN("/mine", 1000, 1000),
	     FILE("/rw", 0666), FILE("/ro", 0644),
	     UTIMENS("/mine", 1000000, 2000000, 0), STATF("/mine", TIMES),
	     CREDS(1000, 1000, 0, 0), UTIMENS("/mine", 3000000, 4000000, 0),
	     STATF("/mine", TIMES), UTIMENS("/mine", REF_TIME_OMIT, 5000000, 0),
	     STATF("/mine", TIMES), UTIMENS("/rw", 1, 2, 0),
	     UTIMENS("/rw", REF_TIME_NOW, REF_TIME_NOW, 0),
	     UTIMENS("/ro", REF_TIME_NOW, REF_TIME_NOW, 0),
	     UTIMENS("/ro", REF_TIME_OMIT, REF_TIME_OMIT, 0),
	     UTIMENS("/none", 1, 2, 0), AS_ROOT(), UTIMENS("/ro", 7, 8, 0),
	     STATF("/ro", TIMES), SYMLINK("ro", "/l"),
	     UTIMENS("/l", 9, 10, AT_SYMLINK_NOFOLLOW), STATF("/ro", TIMES),
	     OPEN(1, "/ro", O_RDONLY, 0), FUTIMENS(1, 11, 12),
	     STATF("/ro", TIMES), CLOSE(1)),
    REF_CASE("umask", UMASK(0), MKDIR("/a", 0777), UMASK(077),
	     MKDIR("/b", 0777), OPEN(1, "/c", O_CREAT | O_RDWR, 0777), CLOSE(1),
	     UMASK(0722), MKDIR("/e", 0777), UMASK(022), UMASK(022), STAT("/a"),
	     STAT("/b"), STAT("/c"), STAT("/e")),
    REF_CASE("setgid-chmod", FILE("/g", 0644), CHOWN("/g", 1000, 4000),
	     CREDS(1000, 1000, 3000, 0), CHMOD("/g", 02755), STAT("/g"),
	     CHOWN("/g", -1, 3000), CHMOD("/g", 02755), STAT("/g")),
    REF_CASE(
	"real-vs-effective", FILE("/r", 0600), CHOWN("/r", 1000, 0),
	FILE("/e", 0600), CHOWN("/e", 2000, 0), CREDS_RE(1000, 2000, 50),
	ACCESS("/r", R_OK), ACCESS("/e", R_OK),
	FACCESSAT(REF_CWD, "/r", R_OK, AT_EACCESS),
	FACCESSAT(REF_CWD, "/e", R_OK, AT_EACCESS), TRY_OPEN("/r", O_RDONLY),
	TRY_OPEN("/e", O_RDONLY), OPEN(1, "/new", O_CREAT | O_WRONLY, 0644),
	FSTAT(1), CLOSE(1), CREDS_RE(0, 1000, 50), ACCESS("/e", R_OK),
	FACCESSAT(REF_CWD, "/e", R_OK, AT_EACCESS), TRY_OPEN("/e", O_RDONLY),
	CREDS_RE(1000, 0, 50), ACCESS("/e", R_OK),
	FACCESSAT(REF_CWD, "/e", R_OK, AT_EACCESS), TRY_OPEN("/e", O_RDONLY)),
    REF_CASE("write-keeps-setid", FILE("/w", 0666), CHOWN("/w", 1000, 4000),
	     CHMOD("/w", 06777), FILE("/t", 0666), CHOWN("/t", 1000, 1000),
	     CHMOD("/t", 06777), FILE("/nx", 0666), CHOWN("/nx", 1000, 1000),
	     CHMOD("/nx", 06766), CREDS(1000, 1000, 3000, 0),
	     OPEN(1, "/w", O_WRONLY, 0), WRITE(1, "x"), FSTAT(1), CLOSE(1),
	     TRUNCATE("/t", 1), STAT("/t"), OPEN(1, "/nx", O_WRONLY, 0),
	     PWRITE(1, "y", 0), FSTAT(1), CLOSE(1)),
    REF_CASE("chown-keeps-setuid", OPEN(1, "/f", O_CREAT | O_WRONLY, 0),
	     CLOSE(1), CHMOD("/f", 04755), CHOWN("/f", 1000, 1000),
	     CHMOD("/f", 04755), CREDS(1000, 1000, 0, 0), CHOWN("/f", -1, -1),
	     STAT("/f"), CHMOD("/f", 04755), CHOWN("/f", 1000, -1), STAT("/f")),
    REF_CASE("more-denials", MKDIR("/noexec", 0), CHMOD("/noexec", 0766),
	     MKDIR("/noexec/in", 0755), MKDIR("/ro", 0), CHMOD("/ro", 0555),
	     FILE("/ro/f", 0666), FILE("/mine", 0444),
	     CHOWN("/mine", 1000, 1000), FILE("/theirs", 0644),
	     CREDS(1000, 1000, 0, 0), CHDIR("/noexec"), CHDIR("/noexec/in"),
	     STAT("/noexec/in"), OPEN(1, "/noexec", O_RDONLY | O_DIRECTORY, 0),
	     DIRLIST(1, 4096), CLOSE(1), TRY_OPEN("/ro/f", O_CREAT | O_RDWR),
	     TRY_OPEN("/ro/new", O_CREAT | O_RDWR), UNLINK("/ro/f"),
	     TRUNCATE("/theirs", 0), TRUNCATE("/mine", 0),
	     TRY_OPEN("/theirs", O_WRONLY | O_TRUNC), CHMOD("/mine", 0644),
	     TRUNCATE("/mine", 1), STAT("/mine"), ACCESS("/ro", W_OK),
	     ACCESS("/ro", R_OK | X_OK), ACCESS("/noexec", X_OK),
	     ACCESS("/noexec/in", F_OK), RENAME("/mine", "/ro/mine"),
	     LINK("/mine", "/ro/mine")),
};

int main(void)
{
	return ref_main("ref_perm", cases, sizeof(cases) / sizeof(cases[0]));
}
