#!/bin/sh
# perl on a mount: open for write, append, read and read-write, seek/tell,
# sysread/syswrite, file tests (-e -f -d -s -l -r), stat, opendir/readdir,
# mkdir, rename, link, symlink/readlink, unlink, rmdir, utime, chmod,
# truncate and glob behave as on a kernel directory.
. "$TEST_TOP/tests/preload/prog_lib.sh"

command -v perl >/dev/null || prog_skip "perl is not installed"
prog_init 64

cat >"$WORK/script.pl" <<'EOF'
use strict;
use warnings;
use Fcntl qw(:DEFAULT :seek);

my ($root, $out) = @ARGV;
sub show { my $s = join(" ", @_); $s =~ s/\Q$root\E/ROOT/g;
	$s =~ s/\Q$out\E/OUT/g; print "$s\n"; }

mkdir "$root/d" or die "mkdir: $!";
mkdir "$root/d" or show("mkdir again:", $!);
open(my $w, '>', "$root/d/f.txt") or die "open: $!";
print $w "line $_\n" for 1 .. 3000;
close $w or die;
open(my $a, '>>', "$root/d/f.txt") or die;
print $a "appended\n";
close $a;
open(my $r, '<', "$root/d/f.txt") or die;
my @lines = <$r>;
show("lines", scalar(@lines), $lines[0], $lines[-1]);
seek($r, 100, SEEK_SET);
my $buf;
read($r, $buf, 20);
show("read at 100:", $buf, "tell", tell($r));
close $r;

sysopen(my $rw, "$root/d/bin", O_RDWR | O_CREAT | O_EXCL, 0640) or die "$!";
syswrite($rw, "x" x 10000) == 10000 or die;
sysseek($rw, 5000, SEEK_SET);
syswrite($rw, "MIDDLE");
sysseek($rw, 4998, SEEK_SET);
sysread($rw, $buf, 10);
show("sysread", $buf);
truncate($rw, 6000) or die "truncate: $!";
close $rw;
sysopen(my $ex, "$root/d/bin", O_RDWR | O_CREAT | O_EXCL)
	or show("O_EXCL:", $!);
open(my $no, '<', "$root/none/x") or show("missing:", $!);

show("tests", (-e "$root/d/f.txt" ? 1 : 0), (-f "$root/d" ? 1 : 0),
	(-d "$root/d" ? 1 : 0), -s "$root/d/bin", (-r "$root/d/bin" ? 1 : 0),
	(-e "$root/nope" ? 1 : 0));
my @st = stat("$root/d/bin");
show("stat mode", sprintf("%o", $st[2]), "nlink", $st[3], "size", $st[7]);

symlink("f.txt", "$root/d/sym") or die "symlink: $!";
show("readlink", readlink("$root/d/sym"), (-l "$root/d/sym" ? 1 : 0),
	-s "$root/d/sym");
link("$root/d/bin", "$root/d/bin.hard") or die "link: $!";
show("nlink", (stat("$root/d/bin"))[3]);
rename("$root/d/f.txt", "$root/d/g.txt") or die "rename: $!";
utime(1111111111, 1222222222, "$root/d/g.txt") or die "utime: $!";
show("mtime", (stat("$root/d/g.txt"))[9], "atime", (stat("$root/d/g.txt"))[8]);
chmod(0600, "$root/d/g.txt") or die;
show("mode", sprintf("%o", (stat("$root/d/g.txt"))[2] & 07777));
for my $i (1 .. 50) {
	open(my $f, '>', sprintf("$root/d/n%03d", $i)) or die;
	print $f $i;
	close $f;
}
unlink("$root/d/n010", "$root/d/n020") == 2 or die "unlink: $!";

opendir(my $dh, "$root/d") or die "opendir: $!";
my @names = sort readdir($dh);
closedir $dh;
show("readdir", scalar(@names), "@names[0..6]", $names[-1]);
my @g = glob("$root/d/n00*");
show("glob", scalar(@g), map { s/.*\///r } sort @g);

open(my $o, '>', "$out/copy.txt") or die;
open(my $i, '<', "$root/d/g.txt") or die;
print $o $_ while <$i>;
close $o;
close $i;
rmdir("$root/d") or show("rmdir full:", $!);
unlink(glob("$root/d/n*"));
mkdir("$root/e") or die;
rmdir("$root/e") or die "rmdir: $!";
show("e gone", (-e "$root/e" ? 1 : 0));
EOF

workload()
{
	x perl "$WORK/script.pl" "$D" "$O"
}

prog_both perl workload
