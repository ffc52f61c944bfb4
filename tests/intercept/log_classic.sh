#!/bin/sh
# INTERCEPT_LOG without INTERCEPT_LOG_FORMAT writes the discontinued
# library's lines: one before each call ("= ?") and one after it, the full
# path of the object, its escapes (\0, \", \xff), open, access, pipe2,
# clone and fcntl flags by name, a struct flock, pointers of 16 digits and
# "(null)", errors as "-9 EBADF (Bad file number)", strings cut after 122
# characters, a call it had no name for as syscall(NR, ...), none after
# exit_group. log_classic_prog prints the lines it must find.
. "$TEST_TOP/tests/intercept/lib.sh"

INTERCEPT_LOG=$PWD/log "$TB/log_classic_prog" >want
[ $? = 7 ] || fail "log_classic_prog did not end with exit_group(7)"
# The calls of the program come from one site, that of its first marker.
off=$(sed -n 's/^.* \(0x[0-9a-f]*\) -- write(-1, "begin", 5) = ?$/\1/p' log)
[ -n "$off" ] || { head -5 log; fail "no line before write(-1, \"begin\")"; }
sed -n "/ $off -- write(-1, \"begin\"/,/ $off -- exit_group/p" log |
	grep " $off -- " | sed "s/ $off -- / 0xOFF -- /" >got
expect_same "the classic log lines" want got
echo "the classic log lines are exact"
