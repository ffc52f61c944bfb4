# pmemfile -- one non-recursive build. Every folder adds its part in a
# module.mk; everything is built out of tree, under $(B).
#
#   make [all]     libraries, the shim, tools, examples
#   make check     build, then run every test (T=tests/x/y runs one)
#   make bench     run the benchmarks (each prints its reference beside it)
#   make demo      run the main job on a default pool
#   make lint      clang-format check and cppcheck
#   make install   PREFIX, DESTDIR, LIBDIR, BINDIR, INCLUDEDIR, MANDIR
#   make deps      check for (and on Debian as root, install) dependencies
#   make compat OLD_PMEMFILE=DIR OLD_SYSCALL_INTERCEPT=DIR
#                  build and run the test programs of the discontinued
#                  projects (checkouts in DIR) against this tree
#
# SANITIZE=address,undefined builds with those sanitizers; DEBUG=1 with -O0.

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:

B ?= build
TOP := $(CURDIR)
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
BINDIR ?= $(PREFIX)/bin
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
VERSION := 1.0.0

ifeq ($(DEBUG),1)
OPTFLAGS := -O0 -g
else
OPTFLAGS := -O2 -g
endif

CFLAGS ?= $(OPTFLAGS)
# Each variable in a section of its own (-fdata-sections), so that the
# shared libraries can be linked with their variables sorted by alignment
# (SORT_DATA): the scalars come together in a few pages instead of lying
# between big arrays, and a process touches fewer pages of them at start.
override CFLAGS += -std=gnu11 -fPIC -D_GNU_SOURCE -Iinclude \
	-Wall -Wextra -Werror -MMD -MP -fdata-sections
SORT_DATA := -Wl,--sort-section=alignment
LDFLAGS ?=
ifneq ($(SANITIZE),)
override CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
override LDFLAGS += -fsanitize=$(SANITIZE)
endif

# What each module.mk adds to.
ALL :=			# built by `make all`
TESTS :=		# test names, tests/<component>/<name>
TEST_PROGRAMS :=	# what the tests need built beyond ALL
BENCHES :=		# programs or scripts run by `make bench`
BENCH_PROGRAMS :=	# what the benchmarks need built
INSTALL_TARGETS :=
UNINSTALL_TARGETS :=
LINT_SOURCES := $(wildcard include/*.h) # and every module's C sources

LIBOUT := $(B)/lib
BINOUT := $(B)/bin
# Tests and examples find the freshly built libraries through this rpath.
RPATH := -Wl,-rpath,$(abspath $(LIBOUT))

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) -c -o $@ $<

$(B)/%.o: %.S
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) -c -o $@ $<

# $(call c_test,tests/x/name,prerequisites to link,extra link flags):
# a test program built from tests/x/name.c.
define c_test
TESTS += $(1)
TEST_PROGRAMS += $(B)/$(1)
$(B)/$(1): $(B)/$(1).o $(2)
	$$(CC) $$(LDFLAGS) -o $$@ $$(filter %.o %.a,$$^) $(3) $(RPATH)
endef

# $(call PC_FOR,prefix,libdir,includedir) FILE.pc.in: the sed command that
# fills a pkg-config template. The build tree's .pc files describe the build
# tree (PKG_CONFIG_PATH=build/lib/pkgconfig); install writes its own.
PC_FOR = sed -e 's|@PREFIX@|$(1)|' -e 's|@LIBDIR@|$(2)|' \
	-e 's|@INCLUDEDIR@|$(3)|' -e 's|@VERSION@|$(VERSION)|'

# $(call sh_test,tests/x/name): a test written as tests/x/name.sh.
define sh_test
TESTS += $(1)
endef

# Libraries first: later modules use the variables they define.
MODULES := intercept pmemfile src/preload src/tools doc utils/bench
-include $(foreach m,$(MODULES),$(wildcard $(m)/module.mk))
-include $(sort $(wildcard tests/*/module.mk))

.PHONY: all check bench demo lint install uninstall clean deps compat

all: $(ALL)

deps:
	@utils/deps.sh

T ?= $(TESTS)
check: deps
	@$(MAKE) --no-print-directory all $(TEST_PROGRAMS)
	@utils/run-tests.sh $(B) $(T)

compat: all
	@utils/compat.sh $(B) "$(OLD_PMEMFILE)" "$(OLD_SYSCALL_INTERCEPT)"

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_PROGRAMS)
	@utils/bench/run.sh $(B) $(BENCHES)

demo: deps
	@$(MAKE) --no-print-directory all
	@utils/demo.sh $(B)

lint:
	clang-format --dry-run -Werror $(LINT_SOURCES)
	cppcheck --quiet --error-exitcode=1 --inline-suppr \
		--enable=warning,portability,performance \
		--suppress=missingIncludeSystem -D__x86_64__ -D_GNU_SOURCE \
		-D__off64_t_defined '-DTX_BEGIN(pop)=if (1)' \
		'-DPF_TX_BEGIN(pfp)=if (1)' -DTX_ONABORT=else \
		-DTX_ONCOMMIT= -DTX_FINALLY= -DTX_END= \
		-Iinclude $(filter %.c,$(LINT_SOURCES))

install: all $(INSTALL_TARGETS)
uninstall: $(UNINSTALL_TARGETS)

clean:
	rm -rf $(B)

-include $(shell test -d $(B) && find $(B) -name '*.d')
