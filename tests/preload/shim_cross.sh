#!/bin/sh
# shim_cross: rename and link between a mount and a kernel directory fail
# with EXDEV, as between two kernel file systems; within each side they
# work, and a pool symlink may name a kernel file.
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_expect cross <<'END'
open(root, O_RDONLY | O_DIRECTORY) = 3
open(out, O_RDONLY | O_DIRECTORY) = 4
close(openat(r, "g", O_CREAT | O_WRONLY, 0644)) = 0
close(openat(o, "k", O_CREAT | O_WRONLY, 0644)) = 0
renameat(r, "g", o, "moved") = -1 EXDEV
linkat(r, "g", o, "linked", 0) = -1 EXDEV
renameat(o, "k", r, "k") = -1 EXDEV
rename(in("g"), outp("moved")) = -1 EXDEV
link(outp("k"), in("linked")) = -1 EXDEV
renameat2(r, "g", o, "k", RENAME_EXCHANGE) = -1 EXDEV
renameat(r, "g", r, "h") = 0
renameat(o, "k", o, "l") = 0
symlinkat(outp("l"), r, "s") = 0
close(r) = 0
close(o) = 0
list: .(4) ..(4) h(8) s(10)
list: .(4) ..(4) l(8)
END
