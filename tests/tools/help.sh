#!/bin/sh
# pmemfile help, --help of every command, and the answers to a wrong
# command line (status 2, a message, the usage).
. "$TEST_TOP/tests/tools/lib.sh"

commands="create run ls stat cat get put mkdir rm df check help"

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
for c in "ls" "stat" "cat" "df" "check" "mkdir" "rm" "run"; do
	run "$PF" $c
	expect "status of '$c' alone" "$rc" 2
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
