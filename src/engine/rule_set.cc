#include "engine/rule_set.h"

#include <algorithm>

namespace picket::engine {
namespace {

signals::RuleInfo InfoOf(const policy::CompiledRule& rule, const policy::CompiledPolicy& policy) {
  signals::RuleInfo info;
  info.id = rule.id;
  info.version = rule.version;
  info.description = rule.description;
  info.message_template = rule.documentation.message;
  info.severity = rule.documentation.severity;
  info.group_id = rule.group_id;
  if (rule.policy_index < policy.policies.size()) {
    info.policy_name = policy.policies[rule.policy_index].name;
    info.policy_version = policy.policies[rule.policy_index].version;
  }
  for (const auto& [key, value] : rule.tags) info.tags[key] = value;
  info.product_tags = rule.product_tags;
  return info;
}

// One spec per variable: the first `set` that declares it decides scope and
// flags; later ones may only widen the TTL and size (the reference keeps one
// definition per name and rejects conflicting types at load).
void AddVariableSpecs(const policy::CompiledRule& rule, std::vector<VariableSpec>& specs) {
  for (const policy::CompiledAction& action : rule.actions) {
    const auto* set = std::get_if<policy::SetAction>(&action.action.kind);
    if (set == nullptr || !action.variable.has_value()) continue;
    secl::VariableId id = *action.variable;
    if (id >= specs.size()) specs.resize(id + 1);
    VariableSpec& spec = specs[id];
    if (spec.name.empty()) {
      spec.id = id;
      spec.name = set->QualifiedName();
      spec.type = action.variable_type;
      spec.scope = set->scope;
      spec.default_value = set->default_value.value_or(secl::ZeroOwnedValue(action.variable_type));
      spec.ttl_ns = set->ttl_ns;
      spec.size = set->size == 0 ? 100 : set->size;
      spec.inherited = set->inherited;
      spec.is_private = set->is_private;
    } else {
      spec.ttl_ns = std::max(spec.ttl_ns, set->ttl_ns);
      if (set->size != 0) spec.size = std::max(spec.size, set->size);
    }
  }
}

}  // namespace

const std::vector<std::size_t>* RuleSet::Bucket(std::string_view event_type) const {
  auto it = buckets.find(event_type);
  return it == buckets.end() ? nullptr : &it->second;
}

const RulePrefilter* RuleSet::Prefilter(std::string_view event_type) const {
  auto it = prefilters.find(event_type);
  return it == prefilters.end() ? nullptr : &it->second;
}

std::shared_ptr<const RuleSet> BuildRuleSet(std::shared_ptr<const policy::CompiledPolicy> policy,
                                            const secl::Schema& schema) {
  auto set = std::make_shared<RuleSet>();
  set->policy = policy;
  set->rules.reserve(policy->rules.size());
  for (const policy::CompiledRule& compiled : policy->rules) {
    Rule rule;
    rule.compiled = &compiled;
    rule.info = InfoOf(compiled, *policy);
    rule.rate = RateLimit::ForEvery(compiled.every_ns.value_or(0));
    for (const std::string& name : compiled.limiter_token) {
      if (const secl::FieldInfo* field = schema.Find(name)) rule.limiter_fields.push_back(field);
    }
    AddVariableSpecs(compiled, set->variables);
    set->rules.push_back(std::move(rule));
  }
  for (std::size_t i = 0; i < set->rules.size(); ++i) {
    set->buckets[set->rules[i].compiled->event_type].push_back(i);
  }
  // The engine sets event.rule.tags to each rule's own tags before
  // evaluating it (EventView::set_rule_tags), so it cannot be read once for
  // all rules.
  std::vector<secl::FieldId> per_rule_fields;
  if (const secl::FieldInfo* tags = schema.Find("event.rule.tags")) {
    per_rule_fields.push_back(tags->id);
  }
  RulePrefilter::FieldAliases aliases;
  schema.ForEachFieldName([&schema, &aliases](std::string_view name) {
    const secl::FieldInfo* field = schema.Find(name);
    if (field != nullptr && field->same_value_as != secl::kNoField) {
      aliases.emplace(field->id, field->same_value_as);
    }
  });
  for (auto& [event_type, indices] : set->buckets) {
    std::stable_sort(indices.begin(), indices.end(), [&](std::size_t a, std::size_t b) {
      const policy::CompiledRule& ra = *set->rules[a].compiled;
      const policy::CompiledRule& rb = *set->rules[b].compiled;
      if (ra.execution_context != rb.execution_context) return ra.execution_context;
      return ra.priority > rb.priority;
    });
    std::vector<const secl::Program*> programs;
    programs.reserve(indices.size());
    for (std::size_t index : indices) programs.push_back(&set->rules[index].compiled->program);
    set->prefilters.emplace(event_type, RulePrefilter(programs, per_rule_fields, aliases));
  }
  return set;
}

}  // namespace picket::engine
