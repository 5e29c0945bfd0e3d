# SPDX-License-Identifier: MIT
# `make layout-check`: the include rules of the README's Architecture section, checked on the
# #include lines of include/, lib/, stage0/, stage1/ and runtime/ (tests/layout/check_includes.py),
# after the checker's own tests.

# runtime/ may include the headers of the lib/ files it links, and lib/drivers/io.h, whose inline
# port and MMIO accessors keep no state.
RUNTIME_HEADERS_ALLOWED := $(RUNTIME_LIB_ALLOWED:.c=.h) lib/drivers/io.h

.PHONY: layout-check
layout-check:
	$(call quiet,LAYOUT,tests/layout)
	$(Q)$(PYTEST) -q -p no:cacheprovider tests/layout
	$(Q)/usr/bin/python3 tests/layout/check_includes.py --runtime-allow '$(RUNTIME_HEADERS_ALLOWED)'
