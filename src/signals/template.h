// Message templates: "The process {{ @process.comm }} was executed, ...".
// `{{ @a.b.c }}` (whitespace inside the braces allowed) is replaced by the
// value at that dotted path of the signal's JSON document: strings verbatim,
// numbers and booleans in JSON form, arrays comma-separated, objects and
// missing paths as "". Nothing else is evaluated — a template is never SECL
// (spec §15.3), so a hostile argv cannot make a template do anything.

#ifndef PICKET_SIGNALS_TEMPLATE_H_
#define PICKET_SIGNALS_TEMPLATE_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace picket::signals {

std::string RenderTemplate(std::string_view text, const nlohmann::json& document);

}  // namespace picket::signals

#endif  // PICKET_SIGNALS_TEMPLATE_H_
