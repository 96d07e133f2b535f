# libcsv (Debian: libcsv-dev), which reads population files in CSV. It ships
# no pkg-config or CMake file: Kairos::csv is made here, for the build and
# for an installed Kairos's static engine alike.
if(NOT TARGET Kairos::csv)
  find_path(KAIROS_CSV_INCLUDE_DIR csv.h)
  find_library(KAIROS_CSV_LIBRARY csv)
  if(NOT KAIROS_CSV_INCLUDE_DIR OR NOT KAIROS_CSV_LIBRARY)
    message(FATAL_ERROR "libcsv was not found: Kairos reads CSV population files with it "
                        "(Debian: apt-get install libcsv-dev)")
  endif()
  add_library(Kairos::csv UNKNOWN IMPORTED)
  set_target_properties(Kairos::csv PROPERTIES IMPORTED_LOCATION "${KAIROS_CSV_LIBRARY}"
                                               INTERFACE_INCLUDE_DIRECTORIES "${KAIROS_CSV_INCLUDE_DIR}")
endif()
