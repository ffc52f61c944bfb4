#!/bin/sh
# Relative paths: a shell that cd's into the mount and runs a program on a
# relative name (sh -c 'cd MOUNT && cat file'), `..` inside the mount and out
# of its root, pwd, a program exec'd with its working directory in the mount
# (env -C, PMEMFILE_CD) and a relative path from a kernel directory that
# leads into the mount read the same bytes as on a kernel directory. Only one
# process at a time uses the mount here; prog_cd_pipeline.sh has two.
. "$TEST_TOP/tests/preload/prog_lib.sh"

prog_init 64

echo "outside the root" >"$WORK/outside"
head -c 50000 /dev/urandom >"$WORK/data"

workload()
{
	$R mkdir -p "$D/sub/deeper"
	$R cp "$WORK/data" "$D/file"
	$R cp "$WORK/data" "$D/sub/deeper/file2"
	x md5sum "$WORK/data"
	$R cp "$WORK/outside" "$D/text"
	x sh -c "cd '$D' && cat text"
	x sh -c "cd '$D' && md5sum file"
	x sh -c "cd '$D' && exec md5sum file"
	x sh -c "cd '$D/sub' && md5sum ../file deeper/file2 ./deeper/../../file"
	x sh -c "cd '$D/sub/deeper' && pwd && cd .. && pwd && cd .. && pwd"
	x sh -c "cd '$D' && cd .. && cat outside"
	x sh -c "cd '$D/sub' && cat ../../outside"
	x sh -c "cd '$D' && ls -d . sub sub/deeper && cat nonexistent"
	x sh -c "cd '$D/sub' && echo made here >new && cat new && ls"
	x env -C "$D/sub" md5sum ../file deeper/file2
	x env -C "$D" ls sub
	x env -C "$D" cat ../outside
	x env -C "$D/sub/deeper" pwd
	x env -C "$WORK" md5sum "${D#"$WORK"/}/file"
	x env -C "$WORK" ls "${D#"$WORK"/}/sub"
	x env -C "$D/sub" sh -c 'cd deeper && md5sum file2 && pwd'
}

prog_both cd workload

# PMEMFILE_CD starts a process in a directory of the mount.
got=$(PMEMFILE_CD=$MNT/sub pf md5sum ../file deeper/file2 2>&1)
want=$(cd "$KDIR/sub" && md5sum ../file deeper/file2 2>&1)
[ "$got" = "$want" ] ||
	prog_fail "PMEMFILE_CD=$MNT/sub md5sum ../file deeper/file2: got" \
		"'$got', expected '$want'"
got=$(PMEMFILE_CD=$MNT/sub/deeper pf /bin/pwd 2>&1)
[ "$got" = "$MNT/sub/deeper" ] ||
	prog_fail "PMEMFILE_CD=$MNT/sub/deeper /bin/pwd: got '$got'"
prog_check_end
echo "ok: PMEMFILE_CD"
