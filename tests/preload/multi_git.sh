#!/bin/sh
# git in a mount: init, add, commit, branch, merge, log, status, diff, gc
# (which starts pack-objects, repack, prune and reflog in processes of
# their own), fsck: with fixed names and dates the commits get the hashes
# they get on a kernel directory, and the outputs and the work tree are
# the same. The .git folder is compared through git's own view of it (its
# index holds inode numbers and times), then removed.
. "$TEST_TOP/tests/preload/prog_lib.sh"

command -v git >/dev/null || prog_skip "git is not installed"
prog_init 256

export GIT_AUTHOR_NAME=Tester GIT_AUTHOR_EMAIL=tester@example.com
export GIT_COMMITTER_NAME=Tester GIT_COMMITTER_EMAIL=tester@example.com
export GIT_AUTHOR_DATE='2020-02-02T02:02:02Z'
export GIT_COMMITTER_DATE='2020-02-02T02:02:02Z'
export GIT_CONFIG_NOSYSTEM=1 HOME="$WORK/home"
mkdir -p "$HOME"
S=$WORK/src
mkdir -p "$S"
cp -r "$TEST_TOP/include" "$S/"
cp "$TEST_TOP/pmemfile/share.c" "$TEST_TOP/pmemfile/remote.c" "$S/"

# g ARGS...: one git step in the repository of the workload's root
g()
{
	x git -C "$D/repo" -c gc.auto=0 -c pack.threads=1 -c core.fsync=none \
		"$@"
}

workload()
{
	x git -c init.defaultBranch=main init -q "$D/repo"
	$R cp -r "$S/." "$D/repo/"
	g add -A
	g commit -q -m "first"
	g log --format='%H %s'
	g status --short
	x sh -c "echo changed >>'$D/repo/share.c'; echo new >'$D/repo/new.txt'"
	g status --short
	g diff --stat
	g checkout -q -b side
	g add -A
	g commit -q -m "second"
	g checkout -q main
	x sh -c "sed -i 1d '$D/repo/remote.c'"
	g commit -q -a -m "third"
	g merge -q --no-edit side
	g log --graph --format='%H %s'
	g gc --quiet
	g count-objects -v
	x sh -c "ls '$D/repo/.git/objects/pack' | grep -v mtimes"
	g fsck --no-progress
	g log --stat --format='%H %an %ad %s' --date=iso-strict
	g ls-files -s
	g status --short
	g rm -q --cached new.txt
	g status --short
	$R rm -rf "$D/repo/.git"
}

prog_both git workload
