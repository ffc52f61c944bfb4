// SPDX-License-Identifier: BSD-3-Clause
/*
 * cred_default -- a pool handle's identity as the discontinued library
 * gave it, whatever the process is: user and group 0, no supplementary
 * group, no capability (so a file of another user with mode 0600 is
 * refused, and chown to another user fails with EPERM); the credential
 * calls set any id, back to 0 too, setuid the effective id only, and ids
 * beyond INT_MAX fail with EINVAL (setfsuid and setfsgid too, where -1
 * only asks). pmemfile_cred_of_process (the pmemfile
 * command's) gives it the process's identity instead.
 */
#include "procid.h"
#include "tcheck.h"

#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <limits.h>

#define POOL_SIZE (16UL << 20)

int main(int argc, char *argv[])
{
	char pool[4096];
	gid_t groups[4];
	(void)argc;
	t_force_pmem(argv);
	t_pool_path(pool, sizeof(pool));
	PMEMfilepool *pfp = pmemfile_pool_create(pool, POOL_SIZE, 0600);
	T_ASSERT(pfp != NULL);

	T_EQ(pmemfile_getuid(pfp), 0);
	T_EQ(pmemfile_geteuid(pfp), 0);
	T_EQ(pmemfile_getgid(pfp), 0);
	T_EQ(pmemfile_getegid(pfp), 0);
	T_EQ(pmemfile_getgroups(pfp, 4, groups), 0);

	/* a file of user 1000, mode 0600: uid 0 without capabilities */
	PMEMfile *f = pmemfile_open(pfp, "/theirs",
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0600);
	T_ASSERT(f != NULL);
	pmemfile_close(pfp, f);
	T_ERRNO(pmemfile_chown(pfp, "/theirs", 1000, 1000), EPERM);
	T_EQ(pmemfile_setcap(pfp, PMEMFILE_CAP_CHOWN), 0);
	T_EQ(pmemfile_chown(pfp, "/theirs", 1000, 1000), 0);
	T_EQ(pmemfile_clrcap(pfp, PMEMFILE_CAP_CHOWN), 0);
	T_ERRNO(pmemfile_open(pfp, "/theirs", PMEMFILE_O_RDONLY), EACCES);
	T_ERRNO(pmemfile_access(pfp, "/theirs", R_OK), EACCES);

	/* any ids, and back */
	T_EQ(pmemfile_setreuid(pfp, 1000, 1000), 0);
	T_EQ(pmemfile_getuid(pfp), 1000);
	f = pmemfile_open(pfp, "/theirs", PMEMFILE_O_RDONLY);
	T_ASSERT(f != NULL);
	pmemfile_close(pfp, f);
	T_EQ(pmemfile_setreuid(pfp, 0, 0), 0);
	T_EQ(pmemfile_geteuid(pfp), 0);
	T_EQ(pmemfile_setuid(pfp, 2000), 0);
	T_EQ(pmemfile_getuid(pfp), 0);
	T_EQ(pmemfile_geteuid(pfp), 2000);
	T_EQ(pmemfile_setuid(pfp, 0), 0);
	T_EQ(pmemfile_setregid(pfp, 3000, 3000), 0);
	T_EQ(pmemfile_getegid(pfp), 3000);
	T_EQ(pmemfile_setgid(pfp, 0), 0);
	T_EQ(pmemfile_getgid(pfp), 3000);
	T_EQ(pmemfile_getegid(pfp), 0);
	groups[0] = 5;
	groups[1] = 6;
	T_EQ(pmemfile_setreuid(pfp, 1000, 1000), 0);
	T_EQ(pmemfile_setgroups(pfp, 2, groups), 0);
	T_EQ(pmemfile_getgroups(pfp, 4, groups), 2);
	T_EQ(pmemfile_setreuid(pfp, 0, 0), 0);
	T_ERRNO(pmemfile_setreuid(pfp, (uid_t)INT_MAX + 1, 0), EINVAL);
	T_ERRNO(pmemfile_setregid(pfp, 0, (gid_t)INT_MAX + 1), EINVAL);
	T_EQ(pmemfile_geteuid(pfp), 0);
	/* the fs ids: the previous one back; -1 a query */
	T_EQ(pmemfile_setfsuid(pfp, 1234), 0);
	T_ERRNO(pmemfile_setfsuid(pfp, (uid_t)-2), EINVAL);
	T_ERRNO(pmemfile_setfsgid(pfp, (gid_t)INT_MAX + 1), EINVAL);
	T_EQ(pmemfile_setfsuid(pfp, (uid_t)-1), 1234);
	T_EQ(pmemfile_setfsuid(pfp, 0), 1234);
	T_EQ(pmemfile_setfsgid(pfp, (gid_t)-1), 0);

	/* the process's own identity, for the programs that act for it */
	T_EQ(pmemfile_cred_of_process(pfp), 0);
	T_EQ(pmemfile_getuid(pfp), getuid());
	T_EQ(pmemfile_geteuid(pfp), geteuid());
	T_EQ(pmemfile_getegid(pfp), getegid());
	if (geteuid() == 0) {
		/* root's capabilities: the file of user 1000 opens */
		f = pmemfile_open(pfp, "/theirs", PMEMFILE_O_RDONLY);
		T_ASSERT(f != NULL);
		pmemfile_close(pfp, f);
	}
	pmemfile_pool_close(pfp);
	unlink(pool);
	printf("cred_default: ok\n");
	return 0;
}
