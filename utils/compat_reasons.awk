# compat_reasons.awk -v case=CASE OUTPUT -- the documented reasons for the
# failures of one case of the old tests/posix programs (utils/compat.sh),
# read from the googletest output of the case run over the harness with
# this layout's figures of a new pool. Prints the reasons, "; " between
# them, each the lead words of a bullet of COMPATIBILITY in
# libpmemfile-posix(3); a failure none of them explains is printed as
# "not explained: FILE:LINE", so that it stands out.
#
# A failure is the text from "FILE:LINE: Failure" to the next one. The
# ones the old tests report of their own helpers (test_stat() returning
# -1, "Value of: test_chown(...)" false) follow from a failure reported
# just before them and name no reason of their own.

function reason(where, text,    m) {
	if (text ~ /errno_location.*Which is: 14 ~ (error ~ Which is: )?2$/)
		return "NULL path"
	if (text ~ /errno_location.*Which is: 9 ~ (error ~ Which is: )?14$/)
		return "NULL handle"
	if (where ~ /^basic\.cpp:/ && text ~ /errno_location.*Which is: 14 ~ 95$/)
		return "implemented calls"
	if (where ~ /^harness_layout\.cpp:/ &&
	    text ~ /~ stats\.(blocks|block_arrays) ~/)
		return "extent sizes"
	if (where ~ /^stat\.cpp:/ &&
	    text ~ /~ (size|blksize|blocks) ~ Which is: [0-9]+ ~ st\.st_/)
		return "stat figures"
	if (text ~ /^Expected: \([a-z0-9]+\.st_[am]tim\.tv_nsec\) (>|!=) /)
		return "clock"
	if (where in fixed)
		return fixed[where]
	if (text ~ /^Value of: test_[a-z_]+\(.*~ Actual: false ~ Expected: true$/ ||
	    text ~ /^Expected equality of these values: ~ test_f?stat(at)?\(.* ~ Which is: -1 ~ 0$/)
		return ""
	return "not explained: " where
}

function flush() {
	if (where == "")
		return
	r = reason(where, text)
	if (r != "" && !(r in seen)) {
		seen[r] = 1
		out = out (out == "" ? "" : "; ") r
	}
	where = ""
}

BEGIN {
	# Checks of a single call each, by the place of the check.
	fixed["dirs.cpp:292"] = "Linux errors"      # mkdir mode beyond 07777
	fixed["dirs.cpp:388"] = "Linux errors"      # write to a directory
	fixed["dirs.cpp:2033"] = "Linux errors"     # F_GETFL of O_PATH dir
	fixed["fcntl.cpp:62"] = "Linux errors"      # unknown fcntl command
	fixed["fcntl.cpp:65"] = "Linux errors"      # F_SETFD of -1
	fixed["fcntl.cpp:136"] = "Linux errors"     # F_SETFL of O_ASYNC
	fixed["permissions.cpp:521"] = "Linux errors" # fchmodat NOFOLLOW
	fixed["rw.cpp:1122"] = "Linux errors"       # unknown fallocate mode
	fixed["permissions.cpp:295"] = "getgroups"
	fixed["permissions.cpp:413"] = "truncate and CAP_FOWNER"
	fixed["getdents.cpp:153"] = "directory offsets"
	fixed["getdents.cpp:370"] = "directory offsets"
	fixed["rw.cpp:1193"] = "directory offsets"
	fixed["rw.cpp:1194"] = "directory offsets"
}

/: Failure$/ {
	flush()
	n = split($1, part, "/")
	where = part[n]
	sub(/:$/, "", where)
	text = ""
	next
}

/^\[/ {
	flush()
	next
}

where != "" {
	line = $0
	gsub(/^ +/, "", line)
	text = text (text == "" ? "" : " ~ ") line
}

END {
	flush()
	# a case that stopped without a report of its own
	if (out == "" && case == "rw.failed_write")
		out = "short writes"
	if (out == "")
		out = "not explained: no failure reported"
	print out
}
