# kairos_add_model_library(NAME [NO_INSTALL] SOURCES file...)
#
# Builds a model plugin: a shared module kairos_<NAME>.so that `kairos run`
# loads by name (scenario `plugins = ["NAME"]`), plus an object library
# kairos_<NAME>_objects that can be linked statically into an executable on
# machines without dlopen. The plugin name is compiled in so every actor
# class it registers is attributed to it. `cmake --install` puts the plugin
# in <prefix>/<libdir>/kairos, where a kairos installed in the same prefix
# finds it without KAIROS_PLUGIN_PATH; NO_INSTALL keeps it out (Kairos's
# test and benchmark models, which users never need).
function(kairos_add_model_library name)
  cmake_parse_arguments(ARG "NO_INSTALL" "" "SOURCES" ${ARGN})
  set(objects kairos_${name}_objects)
  add_library(${objects} OBJECT ${ARG_SOURCES})
  set_target_properties(${objects} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  target_compile_definitions(${objects} PUBLIC KAIROS_PLUGIN_NAME="${name}")
  target_link_libraries(${objects} PUBLIC Kairos::engine)
  if(COMMAND kairos_strict_warnings)
    kairos_strict_warnings(${objects})
  endif()

  set(plugin kairos_${name})
  add_library(${plugin} MODULE $<TARGET_OBJECTS:${objects}> ${KAIROS_PLUGIN_DESCRIPTOR_SOURCE})
  target_compile_definitions(${plugin} PRIVATE KAIROS_PLUGIN_NAME="${name}")
  target_link_libraries(${plugin} PRIVATE Kairos::engine)
  set_target_properties(${plugin} PROPERTIES PREFIX "" LIBRARY_OUTPUT_DIRECTORY ${KAIROS_PLUGIN_OUTPUT_DIRECTORY})
  if(NOT ARG_NO_INSTALL)
    include(GNUInstallDirs)
    install(TARGETS ${plugin} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/kairos)
  endif()
endfunction()

# kairos_add_static_executable(NAME MODELS model...)
#
# Builds NAME, the kairos command with the given models (made with
# kairos_add_model_library) linked in and the static engine: a scenario's
# `plugins = ["soda"]` is then satisfied without dlopen, for compute nodes
# that have none. System libraries (MPI, HDF5, the C++ runtime) stay shared:
# Debian ships Open MPI without static libraries. Needs Kairos built with
# -DKAIROS_STATIC=ON; out of tree, find_package(Kairos COMPONENTS static).
function(kairos_add_static_executable name)
  cmake_parse_arguments(ARG "" "" "MODELS" ${ARGN})
  if(NOT TARGET Kairos::cli OR NOT TARGET Kairos::engine_static)
    message(FATAL_ERROR "kairos_add_static_executable(${name}): it needs the static engine and the command's "
                        "objects: configure Kairos with -DKAIROS_STATIC=ON, and out of tree ask for them with "
                        "find_package(Kairos REQUIRED COMPONENTS static)")
  endif()
  if(NOT ARG_MODELS)
    message(FATAL_ERROR "kairos_add_static_executable(${name}): name at least one model (MODELS soda ...)")
  endif()
  add_executable(${name})
  foreach(model IN LISTS ARG_MODELS)
    if(NOT TARGET kairos_${model}_objects)
      message(FATAL_ERROR "kairos_add_static_executable(${name}): no model '${model}' "
                          "(kairos_add_model_library(${model} ...) defines it)")
    endif()
    target_sources(${name} PRIVATE $<TARGET_OBJECTS:kairos_${model}_objects>)
  endforeach()
  target_link_libraries(${name} PRIVATE Kairos::cli Kairos::engine_static)
endfunction()
