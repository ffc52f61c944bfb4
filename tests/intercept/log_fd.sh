#!/bin/sh
# INTERCEPT_LOG never writes into the program's files: a program that closes
# descriptors it did not open (as shells and daemons do) and then opens a
# file that gets the same number finds in it only what it wrote.
. "$TEST_TOP/tests/intercept/lib.sh"

printf 'data\n' >want
LD_PRELOAD=$LIB INTERCEPT_LOG=$PWD/log sh -c '
for fd in 3 4 5 6 7 8 9; do eval "exec $fd>&-"; done
exec 3>out; echo data >&3; exec 3>&-' || fail "sh failed"
expect_same "file written by sh after closing descriptors 3-9" want out

LD_PRELOAD=$LIB INTERCEPT_LOG=$PWD/log /usr/bin/python3 -c '
import os
os.closerange(3, 65536)
fd = os.open("out2", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
os.write(fd, b"data\n")
os.close(fd)' || fail "python3 failed"
expect_same "file written by python3 after closing all descriptors" want out2
echo "the log stays out of the program's files"
exit 0
