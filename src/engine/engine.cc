#include "engine/engine.h"

#include <spdlog/spdlog.h>

#include <cstring>

namespace picket::engine {
namespace {

secl::OwnedValue OwnScalar(const secl::Value& value) {
  switch (value.type) {
    case secl::ScalarType::kBool:
      return value.bool_value;
    case secl::ScalarType::kInt:
      return value.int_value;
    case secl::ScalarType::kString:
      return std::string(value.string_value);
    case secl::ScalarType::kIp:
      return value.ip_value;
  }
  return false;
}

std::unique_ptr<VariableStore> MakeStore(const RuleSet& rules) {
  const secl::BuiltinVariables& builtins = rules.policy->builtins;
  return std::make_unique<VariableStore>(rules.variables, builtins.process_pid, builtins.uuid4);
}

}  // namespace

secl::OwnedValue ReadFieldValue(const secl::FieldInfo& field, const secl::FieldSource& source) {
  std::uint32_t element = field.iterator == secl::kNoIterator ? secl::kNoElement : 0;
  if (!field.is_array) return OwnScalar(source.Get(field.id, element));
  std::size_t length = source.ArrayLength(field.id, element);
  secl::OwnedValue array = secl::ZeroOwnedValue(secl::Type{field.type, true});
  for (std::size_t i = 0; i < length; ++i) {
    secl::OwnedValue item = OwnScalar(source.GetAt(field.id, element, i));
    std::visit(
        [&item](auto& vector) {
          using V = std::decay_t<decltype(vector)>;
          if constexpr (!std::is_same_v<V, bool> && !std::is_same_v<V, std::int64_t> &&
                        !std::is_same_v<V, std::string> && !std::is_same_v<V, secl::IpNetwork>) {
            if (auto* v = std::get_if<typename V::value_type>(&item))
              vector.push_back(std::move(*v));
          }
        },
        array);
  }
  return array;
}

Engine::Engine(EngineOptions options, std::shared_ptr<const RuleSet> rules)
    : options_(std::move(options)),
      rules_(std::move(rules)),
      variables_(MakeStore(*rules_)),
      limiter_(options_.rate_limiter_buckets),
      hasher_(options_.hasher),
      killer_(options_.kill) {}

void Engine::SetRules(std::shared_ptr<const RuleSet> rules) {
  rules_ = std::move(rules);
  type_rules_.clear();
  prefilter_memos_.clear();
  variables_ = MakeStore(*rules_);
  limiter_ = RateLimiter(options_.rate_limiter_buckets);
}

std::string Engine::LimiterBucket(const Rule& rule, const fields::EventView& view) const {
  std::string bucket = rule.compiled->id;
  for (const secl::FieldInfo* field : rule.limiter_fields) {
    bucket += '\x1f';
    bucket += secl::ToString(ReadFieldValue(*field, view));
  }
  return bucket;
}

const Engine::TypeRules& Engine::RulesFor(std::string_view event_type) {
  for (const TypeRules& cached : type_rules_) {
    if (cached.event_type == event_type) return cached;
  }
  TypeRules& rules =
      type_rules_.size() < kMaxCachedEventTypes ? type_rules_.emplace_back() : uncached_;
  rules.event_type = std::string(event_type);
  rules.bucket = rules_->Bucket(event_type);
  rules.prefilter = options_.prefilter ? rules_->Prefilter(event_type) : nullptr;
  // Map nodes do not move, so the pointer stays valid until SetRules.
  rules.memo = rules.prefilter != nullptr && options_.prefilter_memo
                   ? &prefilter_memos_[rules.prefilter]
                   : nullptr;
  return rules;
}

std::vector<Match> Engine::Evaluate(std::string_view event_type, fields::EventView& view,
                                    const proc::Process* image, std::uint64_t now_ns) {
  std::vector<Match> matches;
  const TypeRules& type_rules = RulesFor(event_type);
  const std::vector<std::size_t>* bucket = type_rules.bucket;
  if (bucket == nullptr) return matches;
  ++stats_.events_evaluated;
  variables_->Bind(image, now_ns);
  const RulePrefilter* prefilter = type_rules.prefilter;
  if (prefilter != nullptr) {
    view.set_rule_tags({});
    prefilter->Select(view, candidates_, type_rules.memo);
  }
  for (std::size_t position = 0; position < bucket->size(); ++position) {
    if (prefilter != nullptr && candidates_[position] == 0) {
      // Most positions are ruled out: find the next candidate a word at a time.
      const void* next = std::memchr(candidates_.data() + position, 1, bucket->size() - position);
      const std::size_t candidate =
          next == nullptr ? bucket->size()
                          : static_cast<std::size_t>(static_cast<const std::uint8_t*>(next) -
                                                     candidates_.data());
      stats_.rules_skipped += candidate - position;
      position = candidate;
      if (position == bucket->size()) break;
    }
    const Rule& rule = rules_->rules[(*bucket)[position]];
    view.set_rule_tags(rule.compiled->product_tags);
    ++stats_.rule_evaluations;
    if (!secl::Evaluate(rule.compiled->program, view, variables_.get())) continue;
    ++stats_.matches;
    Match match{.rule = &rule};
    RunActions(rule, view, image, now_ns, match);
    if (rule.compiled->silent) {
      ++stats_.silent_matches;
      continue;
    }
    RateDecision decision = limiter_.Allow(LimiterBucket(rule, view), rule.rate, now_ns);
    if (!decision.allowed) {
      ++stats_.suppressed;
      continue;
    }
    match.suppressed_since_previous = decision.suppressed_since_previous;
    matches.push_back(std::move(match));
  }
  view.set_rule_tags({});
  return matches;
}

void Engine::RunActions(const Rule& rule, fields::EventView& view, const proc::Process* image,
                        std::uint64_t now_ns, Match& match) {
  for (const policy::CompiledAction& action : rule.compiled->actions) {
    if (action.filter.has_value() && !secl::Evaluate(*action.filter, view, variables_.get())) {
      ++stats_.actions_filtered;
      continue;
    }
    ++stats_.actions_run;
    if (const auto* set = std::get_if<policy::SetAction>(&action.action.kind)) {
      if (!action.variable.has_value()) continue;
      secl::OwnedValue value;
      if (set->value.has_value()) {
        value = *set->value;
      } else if (action.set_field != nullptr) {
        value = ReadFieldValue(*action.set_field, view);
      } else if (action.set_expression.has_value()) {
        value = secl::EvaluateValue(*action.set_expression, view, variables_.get());
      } else {
        continue;
      }
      variables_->Set(*action.variable, value);
    } else if (std::holds_alternative<policy::HashAction>(action.action.kind)) {
      if (image == nullptr) continue;
      match.hashes = hasher_.Hash(image->file.path, image->key.pid, now_ns);
      ++stats_.hashes;
    } else if (const auto* kill = std::get_if<policy::KillAction>(&action.action.kind)) {
      if (image == nullptr) continue;
      std::vector<const proc::Process*> chain;
      for (const proc::Process* p = image->lineage_parent.get(); p != nullptr && chain.size() < 128;
           p = p->lineage_parent.get()) {
        chain.push_back(p);
      }
      KillReport report = killer_.Kill(rule.compiled->id, *kill, *image, chain, now_ns);
      if (report.status == KillStatus::kPerformed) {
        ++stats_.kills_performed;
      } else {
        ++stats_.kills_not_performed;
        spdlog::warn("rule {}: kill {}: {}", rule.compiled->id, KillStatusName(report.status),
                     report.reason);
      }
      match.kills.push_back(std::move(report));
    } else if (const auto* log = std::get_if<policy::LogAction>(&action.action.kind)) {
      std::string message =
          log->message.empty() ? "Rule " + rule.compiled->id + " triggered" : log->message;
      spdlog::log(spdlog::level::from_str(log->level), "{}", message);
    }
  }
}

std::map<std::string, secl::OwnedValue> Engine::VisibleVariables(
    policy::VariableScope scope) const {
  std::map<std::string, secl::OwnedValue> visible;
  for (auto& [name, value] : variables_->VisibleValues(scope)) {
    // "process.x" → "x": the JSON object already says which scope it is.
    std::size_t dot = scope == policy::VariableScope::kGlobal ? std::string::npos : name.find('.');
    visible.emplace(dot == std::string::npos ? name : name.substr(dot + 1), std::move(value));
  }
  return visible;
}

}  // namespace picket::engine
