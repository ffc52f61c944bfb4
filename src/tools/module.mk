# The pmemfile command and mkfs.pmemfile. Both link libpmemfile-posix
# statically: `pmemfile check` uses its internal checker, and the tools then
# run from any directory without the library installed.

TOOLS_COMMON := tool size create pool
TOOLS_PMEMFILE := main cmd_run cmd_ls cmd_stat cmd_copy cmd_cp cmd_names \
	cmd_tree cmd_info cmd_df side copy \
	cmd_check cmd_salvage cmd_durability dirlist fmt progress $(TOOLS_COMMON)
TOOLS_MKFS := mkfs $(TOOLS_COMMON)

TOOLS_SOURCES := $(wildcard src/tools/*.c src/tools/*.h)
LINT_SOURCES += $(TOOLS_SOURCES)

# `pmemfile run` looks for the shim in the LIBDIR it was built for; the
# header changes (and the tool is rebuilt) only when LIBDIR does.
TOOLS_LIBDIR_H := $(B)/src/tools/libdir.h
.PHONY: tools-libdir
tools-libdir:
	@mkdir -p $(dir $(TOOLS_LIBDIR_H))
	@printf '#define TOOL_LIBDIR "%s"\n' '$(LIBDIR)' >$(TOOLS_LIBDIR_H).tmp
	@if cmp -s $(TOOLS_LIBDIR_H).tmp $(TOOLS_LIBDIR_H); then \
		rm -f $(TOOLS_LIBDIR_H).tmp; \
	else mv $(TOOLS_LIBDIR_H).tmp $(TOOLS_LIBDIR_H); fi
$(TOOLS_LIBDIR_H): tools-libdir
$(B)/src/tools/cmd_run.o: $(TOOLS_LIBDIR_H)

$(B)/src/tools/%.o: EXTRA_CFLAGS += -I. -I$(B)/src/tools \
	-DTOOL_VERSION='"$(VERSION)"'

ifneq ($(LIBPMEMFILE_POSIX_A),)
ALL += $(BINOUT)/pmemfile $(BINOUT)/mkfs.pmemfile

$(BINOUT)/pmemfile: $(patsubst %,$(B)/src/tools/%.o,$(TOOLS_PMEMFILE)) \
		$(LIBPMEMFILE_POSIX_A)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(PMEMOBJ_LIBS)

$(BINOUT)/mkfs.pmemfile: $(patsubst %,$(B)/src/tools/%.o,$(TOOLS_MKFS)) \
		$(LIBPMEMFILE_POSIX_A)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(PMEMOBJ_LIBS)

INSTALL_TARGETS += install-tools
UNINSTALL_TARGETS += uninstall-tools
endif

.PHONY: install-tools uninstall-tools
install-tools: $(BINOUT)/pmemfile $(BINOUT)/mkfs.pmemfile
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 $^ $(DESTDIR)$(BINDIR)/

uninstall-tools:
	rm -f $(DESTDIR)$(BINDIR)/pmemfile $(DESTDIR)$(BINDIR)/mkfs.pmemfile
