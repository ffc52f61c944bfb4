#!/bin/sh
# git (init, add, commit, log, diff, status, a branch) gives the same output
# with and without interception; dates and names are fixed so that the
# commit ids are the same.
. "$TEST_TOP/tests/intercept/lib.sh"
command -v git >/dev/null || skip "no git"

export HOME=$PWD GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=T GIT_AUTHOR_EMAIL=t@x
export GIT_COMMITTER_NAME=T GIT_COMMITTER_EMAIL=t@x
export GIT_AUTHOR_DATE='2020-01-01T00:00:00Z'
export GIT_COMMITTER_DATE='2020-01-01T00:00:00Z'
setup() {
	seq 1 100 >file
}
run_compared 500 setup '
git init -q -b main . && git add file && git commit -q -m first &&
seq 1 120 >file && echo new >other && git add . && git commit -q -m second &&
git log --format="%H %s" && git diff HEAD~1 --stat && git status --short &&
git checkout -q -b side HEAD~1 && git log --oneline --all | sort &&
git show --stat HEAD | head -5'
