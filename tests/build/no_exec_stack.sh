#!/bin/sh
# No library or program we build asks for an executable stack (glibc 2.41
# refuses to dlopen a library that does).
set -u
found=0
for f in $(find "$TEST_BUILD/lib" "$TEST_BUILD/bin" -type f \
	\( -name '*.so*' -o -perm -u+x \) 2>/dev/null); do
	file "$f" | grep -q ELF || continue
	found=$((found + 1))
	if readelf -lW "$f" | grep GNU_STACK | grep -q RWE; then
		echo "$f has an executable stack"
		exit 1
	fi
done
if [ $found -eq 0 ]; then
	echo "nothing built to check"
	exit 77
fi
echo "$found objects checked"
exit 0
