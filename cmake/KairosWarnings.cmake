# Strict warnings for Kairos's own targets only (third-party headers are
# included as SYSTEM and stay out of -Werror).
function(kairos_strict_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
  if(KAIROS_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()
