# Blue Gene/Q (IBM PowerPC A2: 64-bit, big-endian, 16 cores and 16 GiB per
# node, so 1 GiB per core; the CNK compute-node kernel). What a Kairos build
# for it needs, written down so that a site with such a machine, or one of
# today's machines with the same constraints, knows what to set:
#
#   cmake -S . -B build-bgq --toolchain launch/toolchains/bgq.cmake
#
# Be warned first: NO Blue Gene/Q toolchain compiles Kairos. Kairos is C++20
# (concepts, std::span, std::endian, std::atomic::wait); the newest BG/Q
# compilers are IBM XL C/C++ 12.1 (C++11 in part), bgclang (Clang 3.x/4.0,
# C++14 at best) and the BG/Q GNU toolchain (GCC 4.7/4.8, C++11). Every Blue
# Gene has been retired (Mira 2019, Sequoia 2020). The configuration stops
# with a message naming the compiler when it lacks C++20 (CMakeLists.txt), so
# this file documents the settings rather than making a working build.
#
# What the settings below do, and why each matters beyond BG/Q:
# - Static executables. CNK loads shared libraries slowly from the parallel
#   file system at job start, and dlopen is poor or absent on such kernels:
#   build with -DKAIROS_STATIC=ON and link the models in with
#   kairos_add_static_executable(mysim MODELS soda phold) (cmake/KairosModel.cmake).
#   CMake's BlueGeneQ-static platform adds -static to every link.
# - MPI: IBM's MPICH2-based MPI over PAMI, through its compiler wrappers
#   (comm/gcc for the GNU toolchain, comm/xl for XL). Kairos's MPICH support
#   (cmake/KairosMpiFlavour.cmake: MPICH_VERSION in mpi.h) applies; the launcher
#   is runjob (runjob --np N --ranks-per-node 16 : kairos-static run ...),
#   which sets none of the variables `--mpi auto` looks for: run with --mpi on.
# - Parallel HDF5 built for that MPI, as static libraries (a site build, e.g.
#   under /soft/libraries/hdf5); KAIROS_HDF5_MODULE names its pkg-config
#   module, or HDF5's include and library paths go into the find root below.
# - No TBB (-DKAIROS_WITH_TBB=OFF): the engine's own thread pool works with
#   pthreads, which CNK provides (one thread per hardware thread, 64 per node).
#   Its idle workers park on futexes (std::atomic::wait); CNK's futex support
#   is an assumption nobody has tested.
# - Big-endian: digests, results and checkpoints do not depend on the byte
#   order (tested on s390x under qemu: tests/cross/s390x.sh), and the engine
#   compiles with -ffp-contract=off so that fused multiply-adds (which the A2's
#   QPX and FPU have) do not change results.
# - 1 GiB per core: bench/memory_budget.py gives the largest PHOLD and soda
#   populations per rank that fit (bench/RESULTS.md).
set(CMAKE_SYSTEM_NAME BlueGeneQ-static)
set(CMAKE_SYSTEM_PROCESSOR ppc64)

set(BGQ_DRIVER /bgsys/drivers/ppcfloor CACHE PATH "Blue Gene/Q driver directory")
set(BGQ_GNU ${BGQ_DRIVER}/gnu-linux/bin)
set(CMAKE_C_COMPILER ${BGQ_GNU}/powerpc64-bgq-linux-gcc)
set(CMAKE_CXX_COMPILER ${BGQ_GNU}/powerpc64-bgq-linux-g++)
set(MPI_C_COMPILER ${BGQ_DRIVER}/comm/gcc/bin/mpicc CACHE FILEPATH "BG/Q MPICH (PAMI) wrapper")
set(MPIEXEC_EXECUTABLE /usr/bin/runjob CACHE FILEPATH "BG/Q job launcher")

set(KAIROS_STATIC ON CACHE BOOL "" FORCE)
set(KAIROS_WITH_TBB OFF CACHE BOOL "" FORCE)

set(CMAKE_FIND_ROOT_PATH ${BGQ_DRIVER} ${BGQ_DRIVER}/comm/gcc ${BGQ_DRIVER}/gnu-linux/powerpc64-bgq-linux)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
