#!/bin/sh
# shim_signal: a signal handler that writes to a pool file, arriving
# anywhere in the main thread's pool calls (even inside the shim), never
# hangs the program: its write succeeds or fails with EDEADLK.
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_expect signal <<'END'
open(in("f"), O_CREAT | O_RDWR, 0644) = 3
main failures: 0
handler ran: yes, other errors: 0
close(sig_fd) = 0
END
