#!/bin/sh
# A pipeline started in a directory of the mount: both of its programs
# inherit a working directory in the mount and run at the same time, one
# reading a file of the mount by a relative name, the other only its
# standard input (sh -c 'cd MOUNT && cat file | md5sum'), or both listing
# (ls | head). The output, and no error message, must be that of a kernel
# directory.
. "$TEST_TOP/tests/preload/prog_lib.sh"

prog_init 128

# Big enough that cat still reads when md5sum starts.
head -c 30000000 /dev/urandom >"$WORK/data"

workload()
{
	$R mkdir -p "$D/sub"
	$R cp "$WORK/data" "$D/file"
	x sh -c "cd '$D' && cat file | md5sum"
	x sh -c "cd '$D' && ls -R | head -n 3"
	x sh -c "cd '$D/sub' && md5sum ../file | cat"
}

prog_both cd_pipeline workload
