# Cross build for IBM Z (s390x, big-endian, 64-bit) with Debian 12's cross
# compiler and a sysroot of Debian's s390x libraries; without MPI and TBB.
# It exists to prove that results do not depend on the byte order: the
# digests and results.h5 values equal an x86-64 run's, and checkpoints move
# between the two. Steps (tests/cross/s390x.sh does them all):
#
#   apt-get install g++-s390x-linux-gnu qemu-user
#   bash launch/toolchains/s390x-sysroot.sh /opt/kairos-s390x-sysroot
#   cmake -S . -B build-s390x --toolchain launch/toolchains/s390x.cmake \
#         -DKAIROS_WITH_MPI=OFF -DKAIROS_WITH_TBB=OFF
#   cmake --build build-s390x
#   qemu-s390x -L /usr/s390x-linux-gnu \
#     -E LD_LIBRARY_PATH=/opt/kairos-s390x-sysroot/usr/lib/s390x-linux-gnu \
#     build-s390x/bin/kairos run scenarios/phold.toml
#
# The sysroot is $KAIROS_S390X_SYSROOT, else /opt/kairos-s390x-sysroot. The C
# library and the C++ runtime are the cross compiler's (/usr/s390x-linux-gnu).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR s390x)
set(CMAKE_C_COMPILER s390x-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER s390x-linux-gnu-g++)

if(DEFINED ENV{KAIROS_S390X_SYSROOT})
  set(kairos_sysroot $ENV{KAIROS_S390X_SYSROOT})
else()
  set(kairos_sysroot /opt/kairos-s390x-sysroot)
endif()
if(NOT EXISTS ${kairos_sysroot}/.complete)
  message(FATAL_ERROR "No s390x sysroot at ${kairos_sysroot}: make it with "
                      "bash launch/toolchains/s390x-sysroot.sh ${kairos_sysroot}")
endif()
set(kairos_libdirs ${kairos_sysroot}/usr/lib/s390x-linux-gnu ${kairos_sysroot}/lib/s390x-linux-gnu)

# Libraries, headers and CMake packages from the sysroot (then the cross
# compiler's own tree); programs (pkg-config, python) from this machine.
set(CMAKE_FIND_ROOT_PATH ${kairos_sysroot} /usr/s390x-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(ENV{PKG_CONFIG_SYSROOT_DIR} ${kairos_sysroot})
set(ENV{PKG_CONFIG_LIBDIR} ${kairos_sysroot}/usr/lib/s390x-linux-gnu/pkgconfig:${kairos_sysroot}/usr/share/pkgconfig)

# The libraries our dependencies need in turn (libhdf5's libsz, libcurl...)
# are found at link time through -rpath-link, and at run time by qemu's
# loader through LD_LIBRARY_PATH.
string(REPLACE ";" ":" kairos_libpath "${kairos_libdirs}")
foreach(kind EXE SHARED MODULE)
  set(CMAKE_${kind}_LINKER_FLAGS_INIT "-Wl,-rpath-link,${kairos_libpath}")
endforeach()
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-s390x -L /usr/s390x-linux-gnu -E LD_LIBRARY_PATH=${kairos_libpath})
