# disk_lib.sh -- sourced by the tests that need a directory on a disk file
# system (a pool on an ordinary file, not tmpfs): disk_dir NAME makes one
# under PMEMFILE_TEST_DISK (default /var/tmp) in DISK, removed at the
# test's exit, or skips the test (status 77) saying why.
disk_dir()
{
	disk_base=${PMEMFILE_TEST_DISK:-/var/tmp}
	case $(stat -f -c %T "$disk_base" 2>/dev/null) in
	tmpfs | ramfs | "")
		echo "$disk_base is not on a disk file system" \
			"(set PMEMFILE_TEST_DISK)"
		exit 77
		;;
	esac
	DISK=$(mktemp -d "$disk_base/pmemfile-$1.XXXXXX") || {
		echo "FAIL: cannot make a directory in $disk_base"
		exit 1
	}
	trap 'rm -rf "$DISK"' EXIT
}
