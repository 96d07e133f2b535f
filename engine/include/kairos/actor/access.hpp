#pragma once

#include <new>

namespace kairos {

/// Befriend this to keep an actor's blank constructor private:
///
///   private:
///     friend kairos::access;
///     soda_machine() = default;  // blank, filled by serialize() on load
///
/// The engine builds an actor blank and then loads its serialised state when
/// it restores a checkpoint or receives an actor from another rank.
struct access {
  template <class T>
  static constexpr bool can_construct_blank = requires { T(); };

  template <class T>
  static T* construct_blank(void* storage) {
    return ::new (storage) T();
  }
};

}  // namespace kairos
