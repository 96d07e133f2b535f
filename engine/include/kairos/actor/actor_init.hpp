#pragma once

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "kairos/actor/random_law.hpp"
#include "kairos/actor/random_stream.hpp"
#include "kairos/core/types.hpp"
#include "kairos/probe/probe_id.hpp"

namespace kairos {

struct class_info;

namespace detail {
class param_source;
class engine_services;
struct run_constants;

template <class T>
inline constexpr bool is_vector = false;
template <class E, class A>
inline constexpr bool is_vector<std::vector<E, A>> = true;
}  // namespace detail

/// A contiguous block of scenario actors named by a parameter (one actor's
/// name or a group's name): AAIs first, first+1, ..., first+count-1.
struct actor_range {
  aai_t first = 0;
  std::uint64_t count = 0;
};

/// What an actor's constructor receives: its identifier, its scenario
/// parameters (absent for actors created at run time), its random stream and
/// probe declaration. Errors in parameters are reported with the scenario
/// file, line, column and field.
class actor_init {
 public:
  actor_init(aai_t aai, const class_info& cls, const detail::param_source* params, const detail::run_constants& run,
             detail::engine_services& services) noexcept;

  aai_t aai() const noexcept { return aai_; }
  /// The actor's scenario name, or its AAI in decimal when it has none.
  std::string name() const;

  bool has(std::string_view key) const;
  /// Reads a parameter; throws a scenario error if it is missing or of
  /// another type. T is an arithmetic type, bool or std::string, or a
  /// std::vector of one of them for an array (`weights = [0.2, 0.8]`; per
  /// actor, `per_actor = { weights = [[0.2, 0.8], [1.0]] }`).
  template <class T>
  T get(std::string_view key) const {
    if constexpr (detail::is_vector<T>) return get_vector<typename T::value_type>(key);
    else if constexpr (std::is_same_v<T, bool>) return get_bool(key);
    else if constexpr (std::is_integral_v<T>) return checked_integer<T>(key, get_int(key));
    else if constexpr (std::is_floating_point_v<T>) return static_cast<T>(get_double(key));
    else return get_string(key);
  }
  template <class T>
  T get_or(std::string_view key, T fallback) const { return has(key) ? get<T>(key) : fallback; }

  /// A number, or a table naming a random law, e.g.
  /// `{ law = "gaussian", mean = 80, stddev = 5, min = 0 }`. Laws:
  /// uniform(min, max), uniform_int(min, max), gaussian(mean, stddev),
  /// exponential(mean); optional `min` (a floor, for the last two) and
  /// `offset` (added last).
  random_law law(std::string_view key) const;
  /// One value of law(key), drawn with this actor's stream.
  double draw(std::string_view key) {
    random_stream rng = random();
    return law(key).draw(rng);
  }

  /// The actors a string parameter names: an actor's or a group's name.
  actor_range actors(std::string_view key) const;
  /// The same, checked to be scenario actors of `required_class` only: a
  /// scenario error naming the parameter otherwise.
  actor_range actors(std::string_view key, std::string_view required_class) const;

  /// Refuses the value of parameter `key` (a constructor's own check, e.g.
  /// "must be >= 1"): a scenario error (exit 2) naming the file, line, column
  /// and field, as for a parameter of the wrong type. Throwing anything else
  /// from a constructor is a model failure (exit 1).
  [[noreturn]] void reject(std::string_view key, std::string_view why) const;

  /// The actor's own random stream (the same one `context::random` gives).
  random_stream random() noexcept;

  /// Declares (or finds) a probe this actor will record samples to. A class
  /// with documented_probes may declare only those (std::logic_error).
  probe_id probe(std::string_view name, std::initializer_list<std::string_view> curves);
  /// Declares (or finds) an aggregate probe: what every actor records to it
  /// in `period_ticks` consecutive ticks (from tick 0: one tick by default)
  /// is reduced to one row, stored at the first of them: the count of
  /// samples and per curve their sum, mean, minimum and maximum, exact on
  /// any rank count. Record to it with context::record, as to any probe.
  /// Every declaration of a probe must give the same period.
  probe_id aggregate_probe(std::string_view name, std::initializer_list<std::string_view> curves,
                           tick_t period_ticks = 1);

  /// Simulated seconds converted to ticks, rounded to nearest, at least 1.
  tick_t ticks_for(double seconds) const noexcept;
  double tick_seconds() const noexcept;

  /// Draws already taken from the stream (engine use).
  std::uint64_t rng_counter() const noexcept { return rng_counter_; }

 private:
  /// Throws std::logic_error if the class documents its probes and not
  /// this one, or this one as another kind.
  void check_documented(std::string_view name, probe_kind kind) const;
  bool get_bool(std::string_view key) const;
  std::int64_t get_int(std::string_view key) const;
  double get_double(std::string_view key) const;
  std::string get_string(std::string_view key) const;
  std::vector<bool> get_bools(std::string_view key) const;
  std::vector<std::int64_t> get_ints(std::string_view key) const;
  std::vector<double> get_doubles(std::string_view key) const;
  std::vector<std::string> get_strings(std::string_view key) const;
  template <class E>
  std::vector<E> get_vector(std::string_view key) const {
    if constexpr (std::is_same_v<E, bool>) {
      return get_bools(key);
    } else if constexpr (std::is_integral_v<E>) {
      std::vector<E> out;
      for (std::int64_t v : get_ints(key)) out.push_back(checked_integer<E>(key, v));
      return out;
    } else if constexpr (std::is_floating_point_v<E>) {
      const std::vector<double> values = get_doubles(key);
      return std::vector<E>(values.begin(), values.end());
    } else {
      static_assert(std::is_same_v<E, std::string>, "array parameters hold numbers, booleans or strings");
      return get_strings(key);
    }
  }
  template <class T>
  T checked_integer(std::string_view key, std::int64_t v) const {
    const bool fits = v < 0 ? v >= static_cast<std::int64_t>(std::numeric_limits<T>::min())
                            : static_cast<std::uint64_t>(v) <= static_cast<std::uint64_t>(std::numeric_limits<T>::max());
    if (!fits) out_of_range(key, v);
    return static_cast<T>(v);
  }
  [[noreturn]] void out_of_range(std::string_view key, std::int64_t v) const;
  /// The scenario parameters, or an error naming `key` for an actor created
  /// at run time (it has none).
  const detail::param_source& scenario_params(std::string_view key) const;

  aai_t aai_;
  const class_info* class_;
  const detail::param_source* params_;
  const detail::run_constants* run_;
  detail::engine_services* services_;
  std::uint64_t rng_counter_ = 0;
};

}  // namespace kairos
