#include "log/logging.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>

#include <fmt/format.h>
#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "kairos/actor/class_info.hpp"
#include "kairos/core/error.hpp"

namespace kairos::logging {

namespace {

constexpr std::array<std::string_view, 4> engine_loggers{"engine", "time", "transport", "checkpoint"};

bool is_engine_logger(std::string_view name) {
  return std::find(engine_loggers.begin(), engine_loggers.end(), name) != engine_loggers.end();
}

std::optional<log_level> parse_level(std::string_view text) {
  if (text == "trace") return log_level::trace;
  if (text == "debug") return log_level::debug;
  if (text == "info") return log_level::info;
  if (text == "warn" || text == "warning") return log_level::warn;
  if (text == "error") return log_level::error;
  if (text == "off") return log_level::off;
  return std::nullopt;
}

spdlog::level::level_enum spdlog_level(log_level level) {
  switch (level) {
    case log_level::trace: return spdlog::level::trace;
    case log_level::debug: return spdlog::level::debug;
    case log_level::info: return spdlog::level::info;
    case log_level::warn: return spdlog::level::warn;
    case log_level::error: return spdlog::level::err;
    case log_level::off: break;
  }
  return spdlog::level::off;
}

/// `pattern` names the logger `name` itself or a dotted prefix of it.
bool covers(std::string_view pattern, std::string_view name) {
  return name == pattern || (name.size() > pattern.size() && name.starts_with(pattern) && name[pattern.size()] == '.');
}

/// What goes between "kairos: " and the message: the rank (when every rank
/// writes), the level unless info, and the logger's name where it is not
/// obvious (model loggers, and the engine's debug and trace lines).
class line_prefix final : public spdlog::custom_flag_formatter {
 public:
  explicit line_prefix(int rank) : rank_(rank) {}
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    const std::string_view name(msg.logger_name.data(), msg.logger_name.size());
    std::string text = rank_ >= 0 ? fmt::format("rank {}: ", rank_) : std::string();
    switch (msg.level) {
      case spdlog::level::trace: text += "trace: "; break;
      case spdlog::level::debug: text += "debug: "; break;
      case spdlog::level::warn: text += "warning: "; break;
      case spdlog::level::err:
      case spdlog::level::critical: text += "error: "; break;
      default: break;
    }
    if (!is_engine_logger(name) || msg.level < spdlog::level::info) text += fmt::format("[{}] ", name);
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<line_prefix>(rank_); }

 private:
  int rank_;  ///< -1: not written
};

struct registry_of_loggers {
  std::mutex mutex;
  options settings;
  int rank = 0;
  std::shared_ptr<spdlog::sinks::stderr_sink_mt> sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  std::map<std::string, std::shared_ptr<spdlog::logger>, std::less<>> loggers;

  registry_of_loggers() { set_format(); }

  log_level level_for(std::string_view name) const {
    if (rank != 0 && !settings.all_ranks) return log_level::off;
    log_level level = settings.quiet ? log_level::warn : log_level::info;
    for (const std::string& s : settings.levels) {
      const std::size_t eq = s.find('=');
      if (eq == std::string::npos) level = *parse_level(s);
      else if (covers(std::string_view(s).substr(0, eq), name)) level = *parse_level(std::string_view(s).substr(eq + 1));
    }
    return level;
  }

  void set_format() {
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<line_prefix>('*', settings.all_ranks ? rank : -1).set_pattern("kairos: %*%v");
    sink->set_formatter(std::move(formatter));
  }

  spdlog::logger& get(std::string_view name) {
    std::lock_guard lock(mutex);
    auto it = loggers.find(name);
    if (it == loggers.end()) {
      auto logger = std::make_shared<spdlog::logger>(std::string(name), sink);
      logger->set_level(spdlog_level(level_for(name)));
      it = loggers.emplace(std::string(name), std::move(logger)).first;
    }
    return *it->second;
  }

  void relevel() {
    for (auto& [name, logger] : loggers) logger->set_level(spdlog_level(level_for(name)));
    set_format();
  }
};

registry_of_loggers& loggers() {
  static registry_of_loggers r;
  return r;
}

}  // namespace

void configure(const options& o) {
  for (const std::string& s : o.levels) {
    const std::size_t eq = s.find('=');
    const std::string_view level = eq == std::string::npos ? std::string_view(s) : std::string_view(s).substr(eq + 1);
    if (!parse_level(level) || eq == 0)
      throw error(exit_code::usage_error,
                  fmt::format("--log-level {}: give LEVEL or NAME=LEVEL, LEVEL one of trace, debug, info, warn, error, off",
                              s));
  }
  registry_of_loggers& r = loggers();
  std::lock_guard lock(r.mutex);
  r.settings = o;
  r.relevel();
}

void set_rank(int rank) {
  registry_of_loggers& r = loggers();
  std::lock_guard lock(r.mutex);
  r.rank = rank;
  r.relevel();
}

std::vector<std::uint8_t> class_levels(std::span<const class_info* const> classes) {
  registry_of_loggers& r = loggers();
  for (const std::string& s : r.settings.levels) {
    const std::size_t eq = s.find('=');
    if (eq == std::string::npos) continue;
    const std::string_view name = std::string_view(s).substr(0, eq);
    const bool known =
        std::any_of(engine_loggers.begin(), engine_loggers.end(), [&](auto n) { return covers(name, n); }) ||
        std::any_of(classes.begin(), classes.end(), [&](const class_info* c) { return covers(name, c->name); });
    if (known) continue;
    std::string classes_text;
    for (const class_info* c : classes) classes_text += fmt::format(", {}", c->name);
    throw error(exit_code::usage_error,
                fmt::format("--log-level {}: no logger is named '{}' or under it (loggers: engine, time, transport, "
                            "checkpoint{})",
                            s, name, classes_text));
  }
  std::vector<std::uint8_t> levels;
  levels.reserve(classes.size());
  std::lock_guard lock(r.mutex);
  for (const class_info* c : classes) levels.push_back(static_cast<std::uint8_t>(r.level_for(c->name)));
  return levels;
}

spdlog::logger& engine() { return loggers().get("engine"); }
spdlog::logger& time() { return loggers().get("time"); }
spdlog::logger& transport() { return loggers().get("transport"); }
spdlog::logger& checkpoint() { return loggers().get("checkpoint"); }
void write_for_class(const class_info& cls, log_level level, std::string_view text) {
  loggers().get(cls.name).log(spdlog_level(level), text);
}

}  // namespace kairos::logging
