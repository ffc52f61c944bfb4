#!/bin/sh
# A process whose first use of a mount is its vfork child's: python's
# subprocess.run(["cat", "in.txt"], cwd=MOUNT/sub), the child made by
# vfork, which enters the mount and execs cat there. The library, first
# used in the child, took the child's pid for the process's own in the
# memory both share: back in the parent, python's exit gave back the slot
# of the process table that cat (the same pid) had taken over from the
# child, with the references of its working directory, and cat's read
# failed with EIO (cat: in.txt: Input/output error) in about half the
# runs. Twenty such pythons, one after another, must print what they
# print on a kernel directory.
. "$TEST_TOP/tests/preload/prog_lib.sh"

prog_init 32
PY=$(command -v python3) || prog_skip "no python3"

workload()
{
	x mkdir "$D/sub"
	x sh -c 'echo pear > "$1/sub/in.txt"' sh "$D"
	i=0
	while [ $i -lt 20 ]; do
		x "$PY" -c 'import subprocess, sys
r = subprocess.run(["cat", "in.txt"], cwd=sys.argv[1] + "/sub",
                   capture_output=True, text=True, timeout=60)
print(r.returncode, r.stdout, r.stderr, end="")' "$D"
		i=$((i + 1))
	done
	x rm -r "$D/sub"
}

prog_both vforkfirst workload
echo PASS
