#!/bin/sh
# nd_empty.sh OUT CC -- writes into OUT the sources of stand-ins for
# libndctl.so.6 and libdaxctl.so.1 (libndctl.c, libndctl.map, libdaxctl.c,
# libdaxctl.map) that report a machine without NVDIMMs: ndctl_new gives a
# context whose bus list is empty, and each other function libpmem and
# libpmemobj import (found with nm in the libraries CC links) returns 0, as
# the real ones are never reached there. Each function keeps the symbol
# version the libraries ask for. Fails (and writes nothing) where the
# libraries cannot be read, or import a function this script does not know:
# the shim then loads the real libraries (pmemobj_lazy.c).
set -eu
out=$1
cc=$2
libs=
for l in libpmem.so.1 libpmemobj.so.1; do
	p=$($cc -print-file-name=$l)
	[ -f "$p" ] || {
		echo "nd_empty.sh: $l not found: no stand-ins" >&2
		exit 1
	}
	libs="$libs $p"
done
imports=$(nm -D --undefined-only $libs | awk '$2 ~ /^(nd|dax)ctl_/ { print $2 }' |
	sort -u)
[ -n "$imports" ] || {
	echo "nd_empty.sh: no libndctl import: no stand-ins" >&2
	exit 1
}
# What the stand-ins may answer 0 to: lookups and iterations over buses,
# regions, dimms, namespaces, badblocks and device-dax devices, and the
# commands sent to a bus; nothing is reached past an empty bus list.
known='ndctl_new ndctl_unref
ndctl_bus_get_first ndctl_bus_get_next ndctl_bus_get_provider
ndctl_bus_cmd_new_ars_cap ndctl_bus_cmd_new_clear_error ndctl_cmd_submit
ndctl_cmd_unref ndctl_cmd_ars_cap_get_range ndctl_cmd_clear_error_get_cleared
ndctl_region_get_first ndctl_region_get_next ndctl_region_get_bus
ndctl_region_get_id ndctl_region_get_resource ndctl_region_get_numa_node
ndctl_region_get_first_dimm ndctl_region_get_next_dimm
ndctl_region_get_first_badblock ndctl_region_get_next_badblock
ndctl_dimm_get_unique_id ndctl_dimm_get_dirty_shutdown
ndctl_namespace_get_first ndctl_namespace_get_next ndctl_namespace_get_mode
ndctl_namespace_get_resource ndctl_namespace_get_size
ndctl_namespace_get_block_device ndctl_namespace_get_btt
ndctl_namespace_get_pfn ndctl_namespace_get_dax
ndctl_namespace_get_first_badblock ndctl_namespace_get_next_badblock
ndctl_btt_get_block_device ndctl_pfn_get_block_device ndctl_pfn_get_resource
ndctl_pfn_get_size ndctl_dax_get_align ndctl_dax_get_daxctl_region
ndctl_dax_get_resource ndctl_dax_get_size
daxctl_dev_get_first daxctl_dev_get_next daxctl_dev_get_devname'
for i in $imports; do
	case " $(echo $known) " in
	*" ${i%@*} "*) ;;
	*)
		echo "nd_empty.sh: unknown import $i: no stand-ins" >&2
		exit 1
		;;
	esac
done
mkdir -p "$out"
for lib in ndctl daxctl; do
	{
		echo "/* made by src/preload/nd_empty.sh: a machine without NVDIMMs */"
		echo "static char ctx_of_none;"
		for i in $imports; do
			f=${i%@*}
			case $f in
			${lib}_new)
				echo "int $f(void **ctx) { *ctx = &ctx_of_none; return 0; }" ;;
			${lib}_*)
				echo "long $f(void) { return 0; }" ;;
			esac
		done
	} >"$out/lib$lib.c"
	# each version node in order, the first with local: *
	echo "$imports" | awk -v lib="$lib" -F@ '
		index($1, lib "_") == 1 { n[$2] = n[$2] " " $1 ";" }
		END {
			up = toupper("LIB" lib "_")
			for (v in n) { k = substr(v, length(up) + 1); order[k + 0] = v }
			prev = ""
			for (k = 0; k <= 1000; k++) {
				if (!(k in order)) continue
				v = order[k]
				if (prev == "")
					printf "%s { global:%s local: *; };\n", v, n[v]
				else
					printf "%s {%s } %s;\n", v, n[v], prev
				prev = v
			}
		}' >"$out/lib$lib.map"
	[ -s "$out/lib$lib.map" ] || {
		rm -f "$out/lib$lib.c" "$out/lib$lib.map"
		echo "nd_empty.sh: no $lib import: no stand-ins" >&2
		exit 1
	}
done
