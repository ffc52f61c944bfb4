#!/bin/sh
# The committed roff of the tools' man pages is what pandoc makes of their
# markdown sources (as `make doc-man` runs it), and man renders it cleanly.
set -u
command -v pandoc >/dev/null || { echo "pandoc is not installed"; exit 77; }
fail=0
for page in pmemfile.1 mkfs.pmemfile.1; do
	src=$TEST_TOP/doc/$page.md
	pandoc -s -t man "$src" | sed '1{/^\.\\" Automatically/{N;d}}' >"$page"
	if ! cmp -s "$page" "$TEST_TOP/doc/$page"; then
		echo "doc/$page differs from doc/$page.md: run make doc-man"
		diff "$page" "$TEST_TOP/doc/$page" | head -20
		fail=1
	fi
	if command -v man >/dev/null; then
		warn=$(MANWIDTH=80 man --warnings -l "$TEST_TOP/doc/$page" 2>&1 >/dev/null)
		if [ -n "$warn" ]; then
			echo "man warns about doc/$page: $warn"
			fail=1
		fi
	fi
done
exit $fail
