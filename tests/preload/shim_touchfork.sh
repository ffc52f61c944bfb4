#!/bin/sh
# shim_touchfork: a fork child that uses the mount while its parent holds
# the pool gets EIO (and a log line) for descriptors and paths alike; the
# parent's pool is unharmed.
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_expect touchfork <<'END'
open(in("f"), O_CREAT | O_RDWR, 0644) = 3
write(fd, "parent data", 11) = 11
pread(fd, buf, 4, 0) = -1 EIO
open(in("f"), O_RDONLY) = -1 EIO
mkdir(in("child"), 0755) = -1 EIO
close(fd) = 0
waitpid(pid, &status, 0) == pid = 1
WEXITSTATUS(status) = 0
pread(fd, buf, sizeof(buf), 0) = 11
parent: "parent data"
write(fd, " more", 5) = 5
close(fd) = 0
file f: "parent data more"
access(in("child"), F_OK) = -1 ENOENT
END
shim_log_has "refused in a fork child" "the refused child"
