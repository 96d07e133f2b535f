// Compiled into every model plugin by kairos_add_model_library: the symbol the
// loader looks for to recognise a Kairos plugin and check its ABI.
#include "kairos/core/version.hpp"
#include "kairos/plugin/plugin_descriptor.hpp"

#ifndef KAIROS_PLUGIN_NAME
#error "KAIROS_PLUGIN_NAME must name the plugin"
#endif
#ifndef KAIROS_PLUGIN_ABI  // tests override it to build a deliberately mismatched plugin
#define KAIROS_PLUGIN_ABI ::kairos::abi_version
#endif

extern "C" __attribute__((visibility("default"))) const kairos::plugin_descriptor kairos_plugin_descriptor{
    KAIROS_PLUGIN_ABI, KAIROS_PLUGIN_NAME, kairos::engine_version};
