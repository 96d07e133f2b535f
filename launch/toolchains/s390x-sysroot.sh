#!/usr/bin/env bash
# Makes a sysroot of Debian 12's s390x (big-endian) libraries for a cross
# build of Kairos without MPI and TBB (launch/toolchains/s390x.cmake):
#   bash launch/toolchains/s390x-sysroot.sh /opt/kairos-s390x-sysroot
# The s390x -dev packages cannot be co-installed with this machine's own
# (same files, other contents), so they are downloaded and unpacked into DIR
# instead (apt-get download + dpkg -x), with every library they need. The C
# library and the C++ runtime come from the cross compiler
# (g++-s390x-linux-gnu, /usr/s390x-linux-gnu), never from DIR. Needs root
# once, to add s390x to dpkg's architectures and fetch its package lists.
set -euo pipefail
dir=${1:?usage: s390x-sysroot.sh DIR}
arch=s390x
# What Kairos's build includes or links (launch/packages.txt, less MPI, TBB,
# the tools and Python).
wanted=(libboost-serialization1.74-dev libhdf5-dev libfmt-dev libspdlog-dev libzstd-dev libxxhash-dev
        libtomlplusplus-dev libgtest-dev libcsv-dev)
# Architecture-independent headers, the same files as on this machine.
wanted_all=(nlohmann-json3-dev librandom123-dev libcli11-dev)
# Provided by the cross toolchain (libc6-s390x-cross, libstdc++-12-dev-s390x-cross):
# two C libraries in one link would be wrong, so these are never unpacked.
toolchain='^(libc6|libc6-dev|libc-dev-bin|linux-libc-dev|libcrypt1|libcrypt-dev|libgcc-s1|libgcc-12-dev|gcc-12-base|libstdc\+\+6|libstdc\+\+-12-dev|libasan8|libubsan1|libatomic1|libitm1|libgomp1|libnsl-dev|libnsl2|libtirpc-dev|libtirpc3|catch2)$'

# .complete lists the packages the sysroot was made for: a sysroot made
# before a package joined the list is made again.
if [ -f "$dir/.complete" ] && [ "$(cat "$dir/.complete")" = "${wanted[*]} ${wanted_all[*]}" ]; then
  echo "s390x sysroot: $dir is ready"
  exit 0
fi
if [ -f "$dir/.complete" ]; then rm -rf "$dir"; fi  # one of ours, for fewer packages
if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
  dpkg --add-architecture "$arch"
  apt-get update -qq
elif ! apt-cache show "libhdf5-dev:$arch" > /dev/null 2>&1; then
  apt-get update -qq
fi

mkdir -p "$dir/debs"
qualified=("${wanted[@]/%/:$arch}")
mapfile -t packages < <(
  apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces \
    --no-enhances "${qualified[@]}" | grep -v '^ ' | grep ":$arch\$" | sed "s/:$arch\$//" | sort -u |
    grep -Ev "$toolchain")
(cd "$dir/debs" && apt-get download -qq -o APT::Sandbox::User=root "${packages[@]/%/:$arch}" "${wanted_all[@]}")
for deb in "$dir"/debs/*.deb; do dpkg -x "$deb" "$dir"; done
# Absolute symbolic links inside the packages point into this machine's /usr:
# make them point inside the sysroot.
find "$dir" -type l -lname '/*' | while read -r link; do
  ln -sfn "$dir$(readlink "$link")" "$link"
done
rm -rf "$dir/debs"
echo "${wanted[*]} ${wanted_all[*]}" > "$dir/.complete"
echo "s390x sysroot: ${#packages[@]} packages unpacked into $dir"
