# libsyscall_intercept: the shared library, the static archive (one object,
# its internal symbols made local, so that it links into another shared
# library without a clash) and the pkg-config file.

INTERCEPT_SRC := intercept/intercept.c intercept/dispatch.c \
	intercept/patcher.c intercept/window.c intercept/trampoline.c \
	intercept/disasm.c intercept/insn_decode.c intercept/function_bounds.c intercept/log.c \
	intercept/log_decode.c intercept/log_classic.c intercept/plan_cache.c \
	intercept/late_load.c intercept/net.c intercept/text_image.c
INTERCEPT_OBJ := $(patsubst %.c,$(B)/%.o,$(INTERCEPT_SRC)) \
	$(B)/intercept/entry.o

# capstone is loaded at run time (disasm.c): the library links nothing of
# it. CAPSTONE_LIBS is what a program that uses capstone itself links.
CAPSTONE_LIBS := $(shell pkg-config --libs capstone)
CAPSTONE_SONAME := $(shell readelf -dW \
	$$(pkg-config --variable=libdir capstone)/libcapstone.so 2>/dev/null | \
	sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
LIBSYSCALL_INTERCEPT_SO := $(LIBOUT)/libsyscall_intercept.so
LIBSYSCALL_INTERCEPT_A := $(LIBOUT)/libsyscall_intercept.a
INTERCEPT_PC := $(LIBOUT)/pkgconfig/libsyscall_intercept.pc

$(B)/intercept/%.o: EXTRA_CFLAGS += -fvisibility=hidden \
	$(shell pkg-config --cflags capstone) -I$(B)/intercept
$(B)/intercept/disasm.o: EXTRA_CFLAGS += \
	$(if $(CAPSTONE_SONAME),-DCAPSTONE_SONAME='"$(CAPSTONE_SONAME)"')

# System call names, from the kernel headers of the build machine.
$(B)/intercept/syscall_names.inc:
	@mkdir -p $(@D)
	echo '#include <asm/unistd_64.h>' | $(CC) -E -dM -x c - | \
		sed -n 's/^#define __NR_\([a-z0-9_]*\) \([0-9]*\)$$/[\2] = "\1",/p' | \
		sort -t'[' -k2 -n > $@

$(B)/intercept/log_decode.o: $(B)/intercept/syscall_names.inc

# Error names and descriptions, from the kernel headers of the build machine
# (the comment beside each number).
$(B)/intercept/errno_names.inc:
	@mkdir -p $(@D)
	echo '#include <asm/errno.h>' | $(CC) -M -x c - | tr ' \\' '\n\n' | \
		grep 'errno.*\.h$$' | xargs sed -n \
		's|^#define[[:space:]]*\(E[A-Z0-9]*\)[[:space:]]*\([0-9][0-9]*\)[[:space:]]*/\* \(.*\) \*/$$|[\2] = "\1 (\3)",|p' | \
		sort -t'[' -k2 -n > $@

$(B)/intercept/log_classic.o: $(B)/intercept/errno_names.inc

# The plan cache's salt: a digest of the code that makes the plans.
$(B)/intercept/plan_salt.h: $(INTERCEPT_SRC) $(wildcard intercept/*.h)
	@mkdir -p $(@D)
	printf '#define PLAN_CACHE_SALT "%s"\n' \
		"$$(cat $^ | sha1sum | cut -c1-16)" > $@

$(B)/intercept/plan_cache.o: $(B)/intercept/plan_salt.h

$(LIBSYSCALL_INTERCEPT_SO).0: $(INTERCEPT_OBJ) intercept/libsyscall_intercept.map
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -shared -o $@ $(INTERCEPT_OBJ) \
		-Wl,-soname,libsyscall_intercept.so.0 \
		-Wl,--version-script=intercept/libsyscall_intercept.map \
		-Wl,-z,noexecstack -Wl,-z,relro -Wl,-z,now $(SORT_DATA)

$(LIBSYSCALL_INTERCEPT_SO): $(LIBSYSCALL_INTERCEPT_SO).0
	ln -sf libsyscall_intercept.so.0 $@

$(B)/intercept/libsyscall_intercept.o: $(INTERCEPT_OBJ)
	$(LD) -r -o $@.tmp $(INTERCEPT_OBJ)
	objcopy --localize-hidden $@.tmp $@
	rm -f $@.tmp

$(LIBSYSCALL_INTERCEPT_A): $(B)/intercept/libsyscall_intercept.o
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $<

$(INTERCEPT_PC): intercept/libsyscall_intercept.pc.in intercept/module.mk
	@mkdir -p $(@D)
	$(call PC_FOR,$(TOP),$(abspath $(LIBOUT)),$(TOP)/include) \
		$< > $@

ALL += $(LIBSYSCALL_INTERCEPT_SO) $(LIBSYSCALL_INTERCEPT_A) $(INTERCEPT_PC)
LINT_SOURCES += $(INTERCEPT_SRC) $(wildcard intercept/*.h)

.PHONY: install-intercept uninstall-intercept
install-intercept: $(LIBSYSCALL_INTERCEPT_SO) $(LIBSYSCALL_INTERCEPT_A) \
		$(INTERCEPT_PC)
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR) \
		$(DESTDIR)$(INCLUDEDIR)
	install -m 755 $(LIBSYSCALL_INTERCEPT_SO).0 $(DESTDIR)$(LIBDIR)/
	ln -sf libsyscall_intercept.so.0 \
		$(DESTDIR)$(LIBDIR)/libsyscall_intercept.so
	install -m 644 $(LIBSYSCALL_INTERCEPT_A) $(DESTDIR)$(LIBDIR)/
	$(call PC_FOR,$(PREFIX),$(LIBDIR),$(INCLUDEDIR)) \
		intercept/libsyscall_intercept.pc.in \
		>$(DESTDIR)$(PKGCONFIGDIR)/libsyscall_intercept.pc
	install -m 644 include/libsyscall_intercept_hook_point.h \
		$(DESTDIR)$(INCLUDEDIR)/

uninstall-intercept:
	rm -f $(DESTDIR)$(LIBDIR)/libsyscall_intercept.so.0 \
		$(DESTDIR)$(LIBDIR)/libsyscall_intercept.so \
		$(DESTDIR)$(LIBDIR)/libsyscall_intercept.a \
		$(DESTDIR)$(PKGCONFIGDIR)/libsyscall_intercept.pc \
		$(DESTDIR)$(INCLUDEDIR)/libsyscall_intercept_hook_point.h

INSTALL_TARGETS += install-intercept
UNINSTALL_TARGETS += uninstall-intercept

-include intercept/examples/module.mk
