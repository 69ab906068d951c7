#include "signals/template.h"

#include <gtest/gtest.h>

namespace picket::signals {
namespace {

TEST(TemplateTest, RendersDottedPaths) {
  nlohmann::json doc = {
      {"process", {{"comm", "curl"}, {"pid", 42}, {"args", {"-s", "http://x"}}}},
      {"usr", {{"id", "www-data"}}},
      {"flag", true},
  };
  struct Case {
    std::string_view text;
    std::string_view want;
  };
  const Case cases[] = {
      {"The process {{ @process.comm }} was executed.", "The process curl was executed."},
      {"{{@process.comm}}", "curl"},
      {"pid={{ @process.pid }}", "pid=42"},
      {"args={{ @process.args }}", "args=-s,http://x"},
      {"user={{ @usr.id }} flag={{ @flag }}", "user=www-data flag=true"},
      {"missing=[{{ @process.nope }}]", "missing=[]"},
      {"object=[{{ @process }}]", "object=[]"},
      {"through scalar=[{{ @process.comm.x }}]", "through scalar=[]"},
      {"{{ rule_name }} stays", "{{ rule_name }} stays"},
      {"unterminated {{ @process.comm", "unterminated {{ @process.comm"},
      {"", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(RenderTemplate(c.text, doc), c.want);
  }
}

TEST(TemplateTest, ValuesAreNotReinterpreted) {
  nlohmann::json doc = {{"process", {{"comm", "{{ @usr.id }}"}}}, {"usr", {{"id", "root"}}}};
  EXPECT_EQ(RenderTemplate("{{ @process.comm }}", doc), "{{ @usr.id }}");
}

}  // namespace
}  // namespace picket::signals
