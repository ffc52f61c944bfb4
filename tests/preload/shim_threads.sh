#!/bin/sh
# shim_threads: threads writing and reading their own pool files, reading
# one shared descriptor and dup/close-ing at the same time lose nothing.
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_expect threads <<'END'
open(in("shared"), O_CREAT | O_RDWR, 0644) = 3
write(fd, "shared-file-data", 16) = 16
thread errors: 0
close(fd) = 0
END
