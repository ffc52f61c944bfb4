#!/bin/sh
# shim_ls: getdents through real programs: ls and find list a tree made
# under the shim as they list the same tree in a kernel directory.
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_init
mk()
{
	$R sh -c "cd '$1' && mkdir -p a/b/c && touch a/f a/b/g && echo x >h &&
		ln -s h link && chmod 600 h" || shim_fail "creating the tree"
	for i in $(seq 1 300); do echo; done | $R sh -c "cd '$1/a' && i=0 &&
		while read l; do i=\$((i+1)); : >n\$i; done" ||
		shim_fail "creating many files"
}
R= mk "$KDIR"
R=pf mk "$MNT"
# Directory sizes and link counts are the file system's own: not compared.
list()
{
	(cd "$1" && $R ls -R -l -n --time-style=+ . | grep -v '^total ' &&
		$R find . -name 'n1*' | sort &&
		$R ls -a a/b) | awk 'NF >= 6 && $1 ~ /^d/ { print $1, $3, $4, $6; next }
		{ print }'
}
R= list "$KDIR" >"$WORK/k.ls"
R=pf list "$MNT" >"$WORK/m.ls"
shim_diff "ls -R -l, find and ls -a" "$WORK/k.ls" "$WORK/m.ls"
shim_check_mountpoint
