#include "fields/fields_markdown.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace picket::fields {
namespace {

// docs/fields.md is generated; it must match the catalogue. To regenerate:
//   cmake --build build/dev --target picket_fields_doc
//   build/dev/src/fields/picket_fields_doc > docs/fields.md
TEST(FieldsMarkdownTest, CommittedDocsMatchTheCatalogue) {
  const char* source_dir = std::getenv("PICKET_SOURCE_DIR");
  std::string path = std::string(source_dir != nullptr ? source_dir : ".") + "/docs/fields.md";
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot read " << path;
  std::stringstream committed;
  committed << in.rdbuf();
  EXPECT_TRUE(committed.str() == RenderFieldsMarkdown(FieldCatalogue::Default()))
      << path << " is stale; regenerate it with "
      << "build/<dir>/src/fields/picket_fields_doc > docs/fields.md";
}

TEST(FieldsMarkdownTest, ListsCollectedAndUncollectedFields) {
  std::string text = RenderFieldsMarkdown(FieldCatalogue::Default());
  EXPECT_NE(text.find("| `process.ancestors.file.path` | string | exec, fork, exit | path glob, "
                      "iterator |"),
            std::string::npos);
  EXPECT_NE(text.find("### open\n"), std::string::npos);
  EXPECT_NE(text.find("| `open.file.path` | string | path glob |"), std::string::npos);
}

}  // namespace
}  // namespace picket::fields
