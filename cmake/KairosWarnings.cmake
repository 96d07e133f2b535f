# Strict warnings for Kairos's own targets only (third-party headers are
# included as SYSTEM and stay out of -Werror).
function(kairos_strict_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
endfunction()

# Sanitizers apply to everything built here, plugins and fixtures included,
# so instrumented code never calls uninstrumented allocation paths.
if(KAIROS_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
