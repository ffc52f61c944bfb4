#!/bin/sh
# pmemfile help, --help of every command, and the answers to a wrong
# command line (status 2, a message, the usage).
. "$TEST_TOP/tests/tools/lib.sh"

commands="create run ls stat cat get put cp mv ln mkdir rm chmod chown df info durability check salvage help"

run "$PF" help
expect "status of help" "$rc" 0
expect "first line of help" "$(printf '%s\n' "$out" | head -n 1)" \
	"usage: pmemfile COMMAND [ARGS...]"
listed=$(printf '%s\n' "$out" | sed -n 's/^  \([a-z]*\) .*/\1/p' | tr '\n' ' ')
expect "commands listed by help" "$listed" "$commands "
help=$out
expect_run 0 "$help" "" "$PF" --help
expect_run 0 "$help" "" "$PF" -h
expect_run 0 "pmemfile 1.0.0" "" "$PF" --version
# mkfs.pmemfile --version was refused as an unknown option.
expect_run 0 "mkfs.pmemfile 1.0.0" "" "$MKFS" --version
run "$MKFS" --help
expect "status of mkfs.pmemfile --help" "$rc" 0
printf '%s\n' "$out" | grep -q '^  -h, --help  ' ||
	{ echo "FAIL: mkfs.pmemfile --help lacks -h, --help"; failed=1; }
printf '%s\n' "$out" | grep -q '^      --version  ' ||
	{ echo "FAIL: mkfs.pmemfile --help lacks --version"; failed=1; }

run "$PF"
expect "status with no command" "$rc" 2
expect "no command: the overview on stderr" "$err" "$help"
expect "no command: nothing on stdout" "$out" ""

for c in $commands; do
	run "$PF" help "$c"
	expect "status of help $c" "$rc" 0
	case $out in
	"usage: pmemfile $c "*) ;;
	*) expect "help $c" "$(printf '%s\n' "$out" | head -n 1)" "usage: pmemfile $c ..." ;;
	esac
	expect_run 0 "$out" "" "$PF" "$c" --help
	expect_run 0 "$out" "" "$PF" "$c" -h
	# Every help names -h and --version (stat, cat, get, put, df and
	# check omitted them).
	printf '%s\n' "$out" | grep -q '^  -h, --help  ' ||
		{ echo "FAIL: help $c lacks -h, --help"; failed=1; }
	printf '%s\n' "$out" | grep -q '^      --version  ' ||
		{ echo "FAIL: help $c lacks --version"; failed=1; }
	expect_run 0 "pmemfile 1.0.0" "" "$PF" "$c" --version
	# The man page documents every command.
	grep -q "^\*\*$c\*\*" "$TEST_TOP/doc/pmemfile.1.md" ||
		{ echo "FAIL: doc/pmemfile.1.md lacks the command $c"; failed=1; }
done

expect_run 2 "" "pmemfile: 'frob' is not a pmemfile command; see 'pmemfile help'" \
	"$PF" frob
expect_run 2 "" "pmemfile help: 'frob' is not a pmemfile command; see 'pmemfile help'" \
	"$PF" help frob
expect_run 2 "" "pmemfile ls: unknown option '--frob'
usage: pmemfile ls [-l] [-a] POOL [PATH]
Try 'pmemfile ls --help' for more information." "$PF" ls --frob p.pool
expect_run 2 "" "pmemfile ls: unknown option '-z'
usage: pmemfile ls [-l] [-a] POOL [PATH]
Try 'pmemfile ls --help' for more information." "$PF" ls -z p.pool
expect_run 2 "" "pmemfile mkdir: option '-m' needs a value
usage: pmemfile mkdir [-p] [-m MODE] POOL PATH...
Try 'pmemfile mkdir --help' for more information." "$PF" mkdir -m
expect_run 2 "" "pmemfile mkdir: invalid mode '9'
usage: pmemfile mkdir [-p] [-m MODE] POOL PATH...
Try 'pmemfile mkdir --help' for more information." "$PF" mkdir -m 9 p.pool /d

# Each command's missing operands.
for c in "ls" "stat" "cat" "df" "info" "check" "salvage" "mkdir" "rm" "run" "cp" "mv" "ln" \
	"chmod" "chown"; do
	run "$PF" $c
	# check: fsck(8)'s status of a usage error
	want=2
	[ "$c" != check ] || want=16
	expect "status of '$c' alone" "$rc" "$want"
	case $err in
	"pmemfile $c: missing POOL"*) ;;
	*) expect "'$c' alone" "$err" "pmemfile $c: missing POOL..." ;;
	esac
done
for c in get put; do
	run "$PF" $c p.pool x
	expect "status of '$c' with two operands" "$rc" 2
	expect "'$c' with two operands" "$(printf '%s\n' "$err" | head -n 1)" \
		"pmemfile $c: missing operands"
done
expect_run 2 "" "pmemfile df: too many arguments
usage: pmemfile df POOL
Try 'pmemfile df --help' for more information." "$PF" df a b
finish
