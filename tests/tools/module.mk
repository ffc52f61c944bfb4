# Tests of the pmemfile command and mkfs.pmemfile.
$(B)/tests/tools/%.o: EXTRA_CFLAGS += -I.

$(eval $(call c_test,tests/tools/size_parse,$(B)/src/tools/size.o))
LINT_SOURCES += tests/tools/size_parse.c
$(eval $(call sh_test,tests/tools/man_current))
