# Man pages: each page's markdown source (doc/NAME.N.md) and its roff
# (doc/NAME.N) are both committed, so that building and installing never
# need pandoc. `make doc-man` regenerates the roff of every source.

DOC_MAN_PAGES := $(wildcard doc/*.[1-9])
DOC_MAN_SOURCES := $(wildcard doc/*.[1-9].md)

# The roff of one source; pandoc's header comment about itself is dropped.
DOC_PANDOC = pandoc -s -t man $(1) | sed '1{/^\.\\" Automatically/{N;d}}'

.PHONY: doc-man install-doc uninstall-doc
doc-man:
	@for src in $(DOC_MAN_SOURCES); do \
		$(call DOC_PANDOC,$$src) >$${src%.md}.tmp && \
		mv $${src%.md}.tmp $${src%.md} || exit 1; \
	done

install-doc:
	@for page in $(DOC_MAN_PAGES); do \
		dir=$(DESTDIR)$(MANDIR)/man$${page##*.}; \
		install -d $$dir && install -m 644 $$page $$dir/ || exit 1; \
	done

uninstall-doc:
	@for page in $(DOC_MAN_PAGES); do \
		rm -f $(DESTDIR)$(MANDIR)/man$${page##*.}/$${page##*/}; \
	done

INSTALL_TARGETS += install-doc
UNINSTALL_TARGETS += uninstall-doc
