// `picket replay FILE`: runs a recorded event stream (picket record) through
// the same pipeline and policies as `picket run` — seed, tree, rules, signals
// — without root and without a kernel, deterministically: rate limits, TTLs
// and durations use event time. Signals go to stdout as JSON lines; a summary
// (events, corrupt lines with their line numbers, signals) goes to stderr.

#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>
#include <string>
#include <utility>

#include "app/agent_setup.h"
#include "app/command.h"
#include "app/pipeline.h"
#include "fields/catalogue.h"
#include "replay/event_reader.h"

namespace picket::app {
namespace {

struct ReplayOptions {
  std::string input;
  AgentOptions agent{.log_level = "warn"};
};

int Replay(const ReplayOptions& options) {
  InitLogging(options.agent);

  Result<AgentSetup> setup = LoadAgentSetup(options.agent);
  if (!setup.has_value()) {
    spdlog::critical("{}", setup.error().message());
    return 2;
  }

  Result<std::unique_ptr<replay::EventReader>> reader =
      replay::EventReader::OpenFile(options.input);
  if (!reader.has_value()) {
    spdlog::critical("{}", reader.error().message());
    return 1;
  }

  PipelineOptions pipeline_options = PipelineOptionsFromConfig(setup->config);
  if (!(*reader)->header().host.empty() && setup->config.hostname.empty()) {
    pipeline_options.agent.hostname = (*reader)->header().host;
  }
  // A replay never acts on the host it runs on.
  pipeline_options.engine.kill.enforcement = false;
  std::uint64_t signals_written = 0;
  Pipeline pipeline(pipeline_options,
                    engine::BuildRuleSet(setup->policy, fields::FieldCatalogue::Default()),
                    /*sinks=*/nullptr, [&signals_written](const signals::Signal& signal) {
                      std::string line = signal.ToJsonLine();
                      line += '\n';
                      std::fwrite(line.data(), 1, line.size(), stdout);
                      ++signals_written;
                    });
  pipeline.Seed((*reader)->seed_images());
  while (std::optional<events::Event> event = (*reader)->Next())
    pipeline.Process(std::move(*event));
  std::fflush(stdout);

  const replay::ReadStats& stats = (*reader)->stats();
  for (const replay::SkippedLine& skipped : stats.skipped) {
    spdlog::warn("{}:{}: skipped: {}", options.input, skipped.line_number, skipped.reason);
  }
  std::fprintf(stderr,
               "replay: %llu seed images, %llu events, %llu corrupt lines, %llu unknown event "
               "types, %llu signals\n",
               static_cast<unsigned long long>(stats.seed_images),
               static_cast<unsigned long long>(stats.events),
               static_cast<unsigned long long>(stats.corrupt_lines),
               static_cast<unsigned long long>(stats.unknown_event_types),
               static_cast<unsigned long long>(signals_written));
  const engine::EngineStats& engine = pipeline.engine().stats();
  spdlog::info(
      "engine: {} events evaluated, {} rule evaluations, {} rules ruled out by the prefilter, "
      "{} matches ({} suppressed by rate limits)",
      engine.events_evaluated, engine.rule_evaluations, engine.rules_skipped, engine.matches,
      engine.suppressed);
  return 0;
}

void AddReplayCommand(CLI::App& root, int& exit_code) {
  auto options = std::make_shared<ReplayOptions>();
  CLI::App* replay =
      root.add_subcommand("replay", "Evaluate a recorded event stream; signals to stdout");
  replay->add_option("file", options->input, "Recording made by `picket record`")->required();
  AddAgentOptions(*replay, options->agent);
  replay->callback([options, &exit_code] { exit_code = Replay(*options); });
}

const CommandRegistrar kRegistrar(AddReplayCommand);

}  // namespace
}  // namespace picket::app
