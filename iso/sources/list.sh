#!/bin/sh
# The source files each srcof pin holds, one "PIN FILE" line each.
set -eu
for v in $(env | sed -n 's/^\(PIN_[A-Za-z0-9_]*\)=.*/\1/p' | sort); do
	eval "d=\$$v"
	for f in "$d"/*; do
		echo "${v#PIN_} ${f##*/}"
	done
done >"$OUT/SOURCES"
