#pragma once

namespace kairos {

/// One pause in a spin-wait: tells the core that this thread is polling, so
/// it spends less power and frees the pipeline for its sibling hyperthread.
inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

}  // namespace kairos
