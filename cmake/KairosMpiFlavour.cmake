# Which MPI the build uses (Open MPI or MPICH, chosen by the MPI compiler
# FindMPI found: -DMPI_C_COMPILER=mpicc.mpich for MPICH), and the parallel
# HDF5 built against that same MPI (Debian: libhdf5-openmpi-dev or
# libhdf5-mpich-dev). HDF5's headers include <mpi.h>: an HDF5 of the other
# flavour would compile the engine against one MPI's mpi.h and link it with
# the other's library, which aborts at run time ("Invalid communicator").
# So a mismatch stops the configuration here.
include(CheckSymbolExists)

function(kairos_mpi_h_flavour result)  # what mpi.h the given include path finds
  unset(kairos_is_openmpi CACHE)
  unset(kairos_is_mpich CACHE)
  set(CMAKE_REQUIRED_INCLUDES ${ARGN})
  set(CMAKE_REQUIRED_QUIET ON)
  check_symbol_exists(OPEN_MPI mpi.h kairos_is_openmpi)
  check_symbol_exists(MPICH_VERSION mpi.h kairos_is_mpich)
  if(kairos_is_openmpi)
    set(${result} openmpi PARENT_SCOPE)
  elseif(kairos_is_mpich)
    set(${result} mpich PARENT_SCOPE)
  else()
    set(${result} unknown PARENT_SCOPE)
  endif()
  unset(kairos_is_openmpi CACHE)
  unset(kairos_is_mpich CACHE)
endfunction()

kairos_mpi_h_flavour(KAIROS_MPI_FLAVOUR ${MPI_C_INCLUDE_DIRS})
if(KAIROS_MPI_FLAVOUR STREQUAL "unknown")
  message(FATAL_ERROR "The MPI found (${MPI_C_COMPILER}, mpi.h in ${MPI_C_INCLUDE_DIRS}) is neither Open MPI nor "
                      "MPICH; Kairos is built and tested with Debian's libopenmpi-dev and libmpich-dev")
endif()

set(KAIROS_HDF5_MODULE "hdf5-${KAIROS_MPI_FLAVOUR}" CACHE STRING
    "pkg-config module of the parallel HDF5 (default: the one built for the MPI found)")
pkg_check_modules(HDF5 IMPORTED_TARGET ${KAIROS_HDF5_MODULE})
if(NOT HDF5_FOUND)
  message(FATAL_ERROR "No ${KAIROS_HDF5_MODULE}.pc: the parallel HDF5 for ${KAIROS_MPI_FLAVOUR} is missing "
                      "(Debian: apt-get install libhdf5-${KAIROS_MPI_FLAVOUR}-dev)")
endif()

# The mpi.h the engine sees once HDF5's include directories come first.
kairos_mpi_h_flavour(hdf5_sees ${HDF5_INCLUDE_DIRS} ${MPI_C_INCLUDE_DIRS})
if(NOT hdf5_sees STREQUAL KAIROS_MPI_FLAVOUR)
  message(FATAL_ERROR "MPI and HDF5 do not match: the MPI found is ${KAIROS_MPI_FLAVOUR} (${MPI_C_COMPILER}), but "
                      "HDF5 (${KAIROS_HDF5_MODULE}) brings ${hdf5_sees}'s mpi.h. Use the HDF5 built for the same MPI "
                      "(-DKAIROS_HDF5_MODULE=hdf5-${KAIROS_MPI_FLAVOUR}), or point FindMPI at the other MPI "
                      "(-DMPI_C_COMPILER=mpicc.${hdf5_sees}).")
endif()
# The launcher must start processes of the same MPI (tests and scripts use it).
execute_process(COMMAND ${MPIEXEC_EXECUTABLE} --version OUTPUT_VARIABLE launcher_says ERROR_VARIABLE launcher_says
                TIMEOUT 20)
if(launcher_says MATCHES "Open MPI|OpenRTE")
  set(launcher_flavour openmpi)
elseif(launcher_says MATCHES "HYDRA|MPICH")
  set(launcher_flavour mpich)
else()
  set(launcher_flavour unknown)
endif()
if(NOT launcher_flavour STREQUAL KAIROS_MPI_FLAVOUR)
  message(FATAL_ERROR "The MPI launcher ${MPIEXEC_EXECUTABLE} is ${launcher_flavour}'s, not ${KAIROS_MPI_FLAVOUR}'s: "
                      "name the matching one with -DMPIEXEC_EXECUTABLE=/usr/bin/mpiexec.${KAIROS_MPI_FLAVOUR}")
endif()
message(STATUS "Kairos: MPI ${KAIROS_MPI_FLAVOUR} (${MPI_C_COMPILER}), HDF5 ${KAIROS_HDF5_MODULE}, "
               "launcher ${MPIEXEC_EXECUTABLE}")
