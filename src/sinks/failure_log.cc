#include "sinks/failure_log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <utility>

namespace picket::sinks {

FailureLog::FailureLog(std::shared_ptr<spdlog::logger> logger, std::string sink_name,
                       Clock::duration interval)
    : logger_(logger ? std::move(logger) : DefaultSinksLogger()),
      sink_name_(std::move(sink_name)),
      interval_(interval) {}

void FailureLog::Record(const Error& error, std::uint64_t signals_lost, Clock::time_point now) {
  ++pending_failures_;
  pending_lost_ += signals_lost;
  last_error_ = error.message();
  if (!logged_before_ || now - last_line_ >= interval_) Emit(now);
}

void FailureLog::FlushIfDue(Clock::time_point now) {
  if (pending_failures_ > 0 && now - last_line_ >= interval_) Emit(now);
}

void FailureLog::FlushPending() {
  if (pending_failures_ > 0) Emit(Clock::now());
}

void FailureLog::Emit(Clock::time_point now) {
  logger_->warn(
      "sink {}: {} failure{} since the last report, {} signal{} not delivered; last error: {}",
      sink_name_, pending_failures_, pending_failures_ == 1 ? "" : "s", pending_lost_,
      pending_lost_ == 1 ? "" : "s", last_error_);
  logged_before_ = true;
  last_line_ = now;
  pending_failures_ = 0;
  pending_lost_ = 0;
  ++lines_logged_;
}

std::shared_ptr<spdlog::logger> DefaultSinksLogger() {
  if (auto logger = spdlog::get("picket")) return logger;
  // Unregistered on purpose: registering could throw on a name clash, and a
  // function-local static is initialised once even when threads race here.
  static const std::shared_ptr<spdlog::logger> fallback = std::make_shared<spdlog::logger>(
      "picket.sinks", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  return fallback;
}

}  // namespace picket::sinks
