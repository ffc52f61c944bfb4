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
export GIT_CONFIG_NOSYSTEM=1 HOME=$WORK/home
mkdir -p "$HOME"
S=$WORK/src
mkdir -p "$S"
cp -r "$TEST_TOP/include" "$S/"
cp "$TEST_TOP/pmemfile/share.c" "$TEST_TOP/pmemfile/remote.c" "$S/"

workload()
{
	g="git -C $D/repo -c gc.auto=0 -c pack.threads=1 -c core.fsync=none"
	x git -c init.defaultBranch=main init -q "$D/repo"
	$R cp -r "$S/." "$D/repo/"
	x $g add -A
	x $g commit -q -m "first"
	x $g log --format='%H %s'
	x $g status --short
	x sh -c "echo changed >>'$D/repo/share.c'; echo new >'$D/repo/new.txt'"
	x $g status --short
	x $g diff --stat
	x $g checkout -q -b side
	x $g add -A
	x $g commit -q -m "second"
	x $g checkout -q main
	x sh -c "sed -i 1d '$D/repo/remote.c'"
	x $g commit -q -a -m "third"
	x $g merge -q --no-edit side
	x $g log --graph --format='%H %s'
	x $g gc --quiet
	x $g count-objects -v
	x sh -c "ls '$D/repo/.git/objects/pack' | grep -v mtimes"
	x $g fsck --no-progress
	x $g log --stat --format='%H %an %ad %s' --date=iso-strict
	x $g ls-files -s
	x $g status --short
	x $g rm -q --cached new.txt
	x $g status --short
	$R rm -rf "$D/repo/.git"
}

prog_both git workload
