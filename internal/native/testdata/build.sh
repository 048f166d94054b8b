#!/bin/sh
# Builds the ELF test objects committed beside this script. CI does not run it; rerun it
# by hand (on Debian/Ubuntu: apt-get install gcc gcc-aarch64-linux-gnu) after changing a
# source, and commit the .so files.
#
#   plain.x86_64.so      x86_64, needs GLIBC_2.2.5 only (memcpy, strlen)
#   plain.aarch64.so     aarch64, needs GLIBC_2.17 only
#   glibc234.x86_64.so   x86_64, needs GLIBC_2.34 (pthread_create moved into libc in 2.34)
#   glibc234.aarch64.so  aarch64, needs GLIBC_2.34
#
# Built against glibc 2.36 (Debian 12). Check the version needs with readelf -V FILE.
set -eu
cd "$(dirname "$0")"
FLAGS="-shared -fPIC -Os -s -Wl,--hash-style=gnu -Wl,-z,noseparate-code -Wl,--build-id=none -Wl,-z,max-page-size=4096"
gcc $FLAGS -o plain.x86_64.so plain.c
aarch64-linux-gnu-gcc $FLAGS -o plain.aarch64.so plain.c
gcc $FLAGS -o glibc234.x86_64.so glibc234.c
aarch64-linux-gnu-gcc $FLAGS -o glibc234.aarch64.so glibc234.c
for f in plain.x86_64.so plain.aarch64.so glibc234.x86_64.so glibc234.aarch64.so; do
	printf '%s: ' "$f"
	readelf -V "$f" | grep -o 'GLIBC_[0-9.]*' | sort -u | tr '\n' ' '
	echo
done

# Hand-made headers (no compiler needed): a 64-bit Mach-O dylib header for arm64, and a
# PE header for x86_64 behind a minimal MZ stub. Enough for format and machine detection.
#   macho-arm64.so   cf fa ed fe | cputype 0x0100000c | subtype 0 | MH_DYLIB (6) | 0...
#   pe-amd64.pyd     "MZ" ... e_lfanew=0x40 ... "PE\0\0" | machine 0x8664
printf '\317\372\355\376\014\000\000\001\000\000\000\000\006\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000' > macho-arm64.so
{
	printf 'MZ'
	head -c 58 /dev/zero
	printf '\100\000\000\000'
	printf 'PE\000\000\144\206'
	head -c 18 /dev/zero
} > pe-amd64.pyd
