#!/bin/sh
# shim_threads: threads writing and reading their own pool files, reading
# one shared descriptor and dup/close-ing at the same time lose nothing.
. "$TEST_TOP/tests/preload/shim_lib.sh"
# 256 MiB: concurrent appends in a 64 MiB pool sometimes get ENOSPC from
# the library itself with most of the pool free (reported).
SHIM_POOL_MIB=256
shim_expect threads <<'END'
open(in("shared"), O_CREAT | O_RDWR, 0644) = 3
write(fd, "shared-file-data", 16) = 16
thread errors: 0
close(fd) = 0
END
